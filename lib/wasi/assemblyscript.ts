/**
 * AssemblyScript's host imports (`env.abort`, `env.trace`, `env.seed`), as
 * wazero's `assemblyscript` package ships them, for AssemblyScript programs
 * built without the WASI shim.
 *
 * @module
 */

import type { Runtime } from "../runtime/runtime.ts";
import type { Module } from "../runtime/module.ts";
import { ExitError } from "../errors.ts";
import { cryptoRandom, type RandomSource } from "../host/random.ts";
import type { OutputStream } from "../host/stdio.ts";

/** Options of {@link instantiateAssemblyScript}. */
export interface AssemblyScriptConfig {
  /** Where `abort` messages and `trace` lines go (default: discarded). */
  stderr?: OutputStream;
  /** Source of `seed` (default: the host's crypto random). */
  random?: RandomSource;
  /** Module name to register (default `"env"`). */
  moduleName?: string;
}

/** Reads an AssemblyScript string: UTF-16LE, its byte length stored just before it. */
function readString(caller: Module | undefined, ptr: number): string {
  const memory = caller?.memory();
  if (memory === undefined || ptr === 0) return "";
  const p = ptr >>> 0;
  const bytes = memory.readUint32(p - 4);
  if (bytes === undefined) return "";
  const data = memory.read(p, bytes & ~1);
  return data === undefined ? "" : new TextDecoder("utf-16le").decode(data);
}

/**
 * Instantiates the `env` module with AssemblyScript's `abort` (writes the
 * message and exits with code 255, like wazero), `trace` and `seed`.
 *
 * @example
 * ```ts
 * await instantiateAssemblyScript(runtime, { stderr: callbackOutput((b) => console.error(b)) });
 * ```
 */
export function instantiateAssemblyScript(
  runtime: Runtime,
  config: AssemblyScriptConfig = {},
): Promise<Module> {
  const encoder = new TextEncoder();
  const say = (text: string) => config.stderr?.write(encoder.encode(text + "\n"));
  const random = config.random ?? cryptoRandom();
  return runtime.newHostModuleBuilder(config.moduleName ?? "env")
    .newFunctionBuilder()
    .withFunc(
      (caller, message: number, file: number, line: number, column: number) => {
        say(
          `${readString(caller, message)} at ${readString(caller, file)}:${line >>> 0}:${
            column >>> 0
          }`,
        );
        throw new ExitError(255);
      },
      ["i32", "i32", "i32", "i32"],
      [],
    )
    .withParameterNames("message", "fileName", "lineNumber", "columnNumber")
    .export("abort")
    .newFunctionBuilder()
    .withFunc(
      (caller, message: number, n: number, ...args: number[]) => {
        const shown = args.slice(0, Math.max(0, Math.min(n, 5)));
        say(`trace: ${readString(caller, message)}${shown.length ? " " + shown.join(",") : ""}`);
      },
      ["i32", "i32", "f64", "f64", "f64", "f64", "f64"],
      [],
    )
    .withParameterNames("message", "nArgs", "arg0", "arg1", "arg2", "arg3", "arg4")
    .export("trace")
    .newFunctionBuilder()
    .withFunc(
      () => {
        const b = new Uint8Array(8);
        random.fill(b);
        return new DataView(b.buffer).getFloat64(0, true) || 0.5;
      },
      [],
      ["f64"],
    )
    .export("seed")
    .instantiate();
}
