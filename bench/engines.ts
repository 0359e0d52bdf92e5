/**
 * The engines a workload runs on: wazero-ts (this project), the host's
 * native `WebAssembly` (the yardstick; only bench/ may use it) and polywasm
 * (a pure-JS WebAssembly polyfill that translates functions to JS), loaded
 * at run time when the package manager can provide it. polywasm is never a
 * dependency of this project.
 */
import { Runtime, type RuntimeConfig } from "../mod.ts";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { runtimeName } from "./system.ts";

/** A loaded workload: calls its `run(n)` export and returns the checksum. */
export type RunFunction = (n: number) => number;

/** One engine able to load an import-free module exporting `run`. */
export interface Engine {
  /** Name in tables and result files. */
  name: string;
  /** Instantiates `bytes` and returns its `run` export. */
  load(bytes: Uint8Array): Promise<RunFunction>;
  /** Releases everything loaded so far. */
  close(): void;
}

/** The subset of the WebAssembly JS API that native and polywasm share. */
interface WebAssemblyLike {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/**
 * wazero-ts through its public API, with `config` (default: the runtime's
 * defaults); `runtimeClass` is another checkout's `Runtime` for an A/B
 * comparison ({@link wazeroEngineFrom}), shown as `name`.
 */
export function wazeroEngine(
  config: RuntimeConfig = {},
  name = "wazero-ts",
  runtimeClass: typeof Runtime = Runtime,
): Engine {
  const runtime = new runtimeClass(config);
  return {
    name,
    async load(bytes) {
      const module = await runtime.instantiate(bytes);
      const run = module.exportedFunction("run");
      if (run === undefined) throw new Error("the module exports no function run");
      return (n) => run.call(n)[0] as number;
    },
    close() {
      runtime.close();
    },
  };
}

/**
 * The wazero-ts of another checkout (its `mod.ts`, imported at run time),
 * with `config`, shown as `name`: the bench's `--against=DIR`.
 */
export async function wazeroEngineFrom(
  dir: string,
  config: RuntimeConfig,
  name: string,
): Promise<Engine> {
  const mod = await import(pathToFileURL(join(dir, "mod.ts")).href) as { Runtime: typeof Runtime };
  return wazeroEngine(config, name, mod.Runtime);
}

function jsApiEngine(name: string, api: WebAssemblyLike): Engine {
  return {
    name,
    load(bytes) {
      const instance = new api.Instance(new api.Module(bytes), {});
      const run = instance.exports.run as RunFunction;
      return Promise.resolve((n) => run(n));
    },
    close() {},
  };
}

/** The host's native WebAssembly, or undefined where there is none (`--jitless`). */
export function nativeEngine(): Engine | undefined {
  const api = (globalThis as { WebAssembly?: WebAssemblyLike }).WebAssembly;
  return api === undefined ? undefined : jsApiEngine("native", api);
}

/**
 * polywasm, imported at run time: `npm:polywasm` under Deno; `polywasm`
 * under Bun (auto-installed when there is no node_modules folder, else
 * `bun add --no-save polywasm`). Returns the reason when it cannot be loaded.
 */
export async function polywasmEngine(): Promise<Engine | string> {
  const specifiers = runtimeName() === "deno" ? ["npm:polywasm@0.2.0"] : ["polywasm"];
  const errors: string[] = [];
  for (const specifier of specifiers) {
    try {
      // A variable specifier keeps `deno check` and bundlers from resolving it.
      const mod = (await import(specifier)) as { WebAssembly?: WebAssemblyLike };
      if (mod.WebAssembly) return jsApiEngine("polywasm", mod.WebAssembly);
      errors.push(`${specifier}: no WebAssembly export`);
    } catch (e) {
      errors.push(`${specifier}: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  const hint = runtimeName() === "bun" ? " (try `bun add --no-save polywasm`)" : "";
  return `polywasm could not be imported${hint}: ${errors.join("; ")}`;
}
