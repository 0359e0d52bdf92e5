/**
 * The `wazero-ts` command line: `run`, `compile`, `wat2wasm`, `version`.
 * {@link main} returns the process exit code; the entry point (`cli.ts`)
 * exits with it. Errors are one line on stderr, never a JS stack dump.
 *
 * @module
 */

import { CompileError, LinkError, RuntimeError } from "../errors.ts";
import { Runtime } from "../runtime/runtime.ts";
import { handOverBytes } from "../runtime/compile.ts";
import { callTracer } from "../runtime/listeners.ts";
import { directoryCompilationCache } from "../runtime/compilation_cache.ts";
import type { CompiledModule } from "../runtime/compiled_module.ts";
import { wat2wasm } from "../text/index.ts";
import { type MountSource, runWasi } from "../wasi/wasi.ts";
import { type CliHost, cliHost } from "./host_io.ts";

/** The version printed by `wazero-ts version`. */
export const VERSION = "0.1.0";

const USAGE = `wazero-ts: a WebAssembly runtime in TypeScript

Usage: wazero-ts <command> [options]

Commands:
  run        run a WASI program (or any module with _start)
  compile    validate a module and print its imports and exports
  wat2wasm   convert WebAssembly text to binary
  version    print the version

Run "wazero-ts <command> --help" for a command's options.
`;

const RUN_USAGE = `Usage: wazero-ts run [options] <module.wasm|module.wat> [--] [args...]

Runs the module's _start with WASI: real stdin/stdout/stderr, system clocks
and crypto randomness. The exit status is the guest's exit code (134 when it
traps, 1 for other errors). argv[0] is the module file's base name.

Options:
  --mount <host>[:<guest>][:ro]  pre-open a host directory at <guest> (default:
                                 the same path), read-only with :ro (repeatable)
  --dir <dir>                    same as --mount <dir>
  --listen <host:port>           pre-open a listening TCP socket for sock_accept,
                                 after the mounts (repeatable)
  --env <KEY=VALUE>              set an environment variable (repeatable)
  --env-inherit                  pass the host's environment on
  --hostlogging                  log every WASI call and its errno to stderr
  --timeout <duration>           stop the program after e.g. 500ms, 10s, 2m (exit 134)
  --fuel <n>                     stop the program after n instructions (exit 134)
  --trace                        print every function call and return to stderr
  --interpret                    never compile hot functions to JavaScript
  --cachedir <dir>               keep the module's validation and generated
                                 JavaScript in <dir> for the next run (created
                                 if missing; at most 1 GiB, least recently
                                 used entries deleted; trusted: what it holds
                                 is run)
  -h, --help                     show this help
`;

const COMPILE_USAGE = `Usage: wazero-ts compile <module.wasm|module.wat>

Decodes and validates the module, then prints its imports and exports.
`;

const WAT2WASM_USAGE = `Usage: wazero-ts wat2wasm <input.wat> [-o <output.wasm>]

Encodes WebAssembly text as a binary module (written to <input>.wasm by default).
`;

class UsageError extends Error {}

/** Parses a Go-style duration ("500ms", "10s", "1.5m", "1h"; a bare number is seconds) to ms. */
function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text);
  if (m === null) throw new UsageError(`invalid duration "${text}" (e.g. 500ms, 10s, 2m)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? "s"]!;
  return Number(m[1]) * unit;
}

/**
 * The smallest module (bytes) whose reading the warm-up is overlapped with.
 * Reading flite's 21 MB took 15 ms on Deno and the warm-up 26–30 ms, one
 * after the other; overlapped, 28–37 ms. flite ran faster in each of four
 * batches of 14–16 interleaved runs on Deno (medians 0.541 against 0.574 s,
 * 0.523 against 0.527 s in a quiet phase) and two on Bun (0.513 against
 * 0.532 s, 0.494 against 0.519 s); the yosys counter took 1.96 against
 * 2.03 s on Deno. A small module gains nothing, and the warm-up before its
 * compilation rather than at its first call made coremark_like 4% slower on
 * Deno (6 December 2026).
 */
const OVERLAPPED_WARM_UP_BYTES = 1 << 20;

function isText(path: string): boolean {
  return /\.(wat|wast)$/i.test(path);
}

/**
 * Reads the module at `path`. With `runtime`, and a module of at least
 * {@link OVERLAPPED_WARM_UP_BYTES}, the runtime's one-time warm-up
 * (`Runtime.warmUpEarly`) runs while the host reads.
 */
async function loadModule(
  host: CliHost,
  path: string,
  runtime?: Runtime,
): Promise<Uint8Array | string> {
  const cannotRead = (e: unknown) => new Error(`cannot read ${path}: ${(e as Error).message ?? e}`);
  let reading: { bytes: Promise<Uint8Array>; size: number };
  try {
    reading = await host.startReading(path);
  } catch (e) {
    throw cannotRead(e);
  }
  if (reading.size >= OVERLAPPED_WARM_UP_BYTES) runtime?.warmUpEarly();
  let bytes: Uint8Array;
  try {
    bytes = await reading.bytes;
  } catch (e) {
    throw cannotRead(e);
  }
  // The bytes are read for this compilation only: the runtime may keep them without a copy.
  return isText(path) ? new TextDecoder().decode(bytes) : handOverBytes(bytes);
}

function baseName(path: string): string {
  return path.slice(path.replace(/\\/g, "/").lastIndexOf("/") + 1);
}

/** `--mount host[:guest][:ro]` into a guest path and a mount. */
function parseMount(value: string): [string, MountSource] {
  let spec = value;
  let readOnly = false;
  if (spec.endsWith(":ro")) {
    readOnly = true;
    spec = spec.slice(0, -3);
  }
  const colon = spec.indexOf(":");
  const hostDir = colon === -1 ? spec : spec.slice(0, colon);
  const guest = colon === -1 ? hostDir : spec.slice(colon + 1);
  if (hostDir === "" || guest === "") throw new UsageError(`invalid --mount "${value}"`);
  return [guest, { dir: hostDir, readOnly }];
}

async function run(host: CliHost, argv: string[]): Promise<number> {
  const mounts: Record<string, MountSource> = {};
  const listen: string[] = [];
  const env: Record<string, string> = {};
  let inherit = false;
  let logging = false;
  let timeout: number | undefined;
  let fuel: number | undefined;
  let trace = false;
  let interpret = false;
  let cacheDir: string | undefined;
  let i = 0;
  const value = (flag: string): string => {
    const eq = argv[i].indexOf("=");
    if (eq !== -1) return argv[i].slice(eq + 1);
    if (i + 1 >= argv.length) throw new UsageError(`${flag} needs a value`);
    return argv[++i];
  };
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") {
      i++;
      break;
    }
    if (!a.startsWith("-") || a === "-") break;
    const flag = a.replace(/^--?/, "").replace(/=.*$/, "");
    switch (flag) {
      case "h":
      case "help":
        host.writeOut(RUN_USAGE);
        return 0;
      case "mount":
      case "dir": {
        const [guest, source] = parseMount(value(a));
        mounts[guest] = source;
        break;
      }
      case "listen": {
        const spec = value(a);
        if (!/^(.*):\d+$/.test(spec)) {
          throw new UsageError(`--listen expects host:port, got "${spec}"`);
        }
        listen.push(spec);
        break;
      }
      case "env": {
        const kv = value(a);
        const eq = kv.indexOf("=");
        if (eq <= 0) throw new UsageError(`--env expects KEY=VALUE, got "${kv}"`);
        env[kv.slice(0, eq)] = kv.slice(eq + 1);
        break;
      }
      case "env-inherit":
        inherit = true;
        break;
      case "hostlogging":
        logging = true;
        // Accept wazero's scoped form (--hostlogging=all|filesystem|...): every scope logs.
        break;
      case "timeout":
        timeout = parseDuration(value(a));
        break;
      case "fuel": {
        const v = value(a);
        fuel = Number(v);
        if (!/^\d+$/.test(v) || !Number.isSafeInteger(fuel)) {
          throw new UsageError(`--fuel expects a whole number, got "${v}"`);
        }
        break;
      }
      case "trace":
        trace = true;
        break;
      case "interpret":
        interpret = true;
        break;
      case "cachedir":
        cacheDir = value(a);
        break;
      default:
        throw new UsageError(`unknown option ${a}`);
    }
  }
  const path = argv[i];
  if (path === undefined) throw new UsageError("run needs a module file");
  // Options end at the module path or at `--`; a `--` right after the path
  // ends them too (the usage's `[--]`) and, like the first, is not the guest's.
  const rest = argv.slice(i + 1);
  if (rest[0] === "--" && argv[i - 1] !== "--") rest.shift();
  const guestArgs = [baseName(path), ...rest];

  using runtime = new Runtime({
    fuel: fuel !== undefined,
    listeners: trace ? callTracer((line) => host.writeErr(line + "\n")) : undefined,
    jsTier: !interpret,
    compilationCache: cacheDir === undefined ? undefined : directoryCompilationCache(cacheDir),
  });
  const compiled = await runtime.compileModule(await loadModule(host, path, runtime));
  if (!compiled.exportedFunctions.has("_start")) {
    throw new Error(`${path} has no _start function to run`);
  }
  // runWasi applies --timeout to the guest's code and to its poll_oneoff sleeps alike.
  return await runWasi(runtime, compiled, {
    args: guestArgs,
    env: inherit ? { ...host.env(), ...env } : env,
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
    mounts,
    listeners: listen,
    clock: "system",
    random: "crypto",
    hostLogging: logging,
    timeout,
    fuel,
  });
}

function describe(compiled: CompiledModule): string {
  const lines: string[] = [];
  const sig = (p: readonly string[], r: readonly string[]) =>
    `(${p.join(", ")}) -> (${r.join(", ")})`;
  for (const f of compiled.importedFunctions) {
    lines.push(
      `import func ${f.import!.module}.${f.import!.name} ${sig(f.paramTypes, f.resultTypes)}`,
    );
  }
  for (const m of compiled.importedMemories) {
    lines.push(
      `import memory ${m.import!.module}.${m.import!.name} min=${m.min} max=${m.max ?? "-"}`,
    );
  }
  for (const t of compiled.importedTables) {
    lines.push(`import table ${t.import!.module}.${t.import!.name} ${t.element} min=${t.min}`);
  }
  for (const g of compiled.importedGlobals) {
    lines.push(
      `import global ${g.import!.module}.${g.import!.name} ${g.mutable ? "mut " : ""}${g.type}`,
    );
  }
  for (const [name, f] of compiled.exportedFunctions) {
    lines.push(`export func ${name} ${sig(f.paramTypes, f.resultTypes)}`);
  }
  for (const [name, m] of compiled.exportedMemories) {
    lines.push(`export memory ${name} min=${m.min} max=${m.max ?? "-"}`);
  }
  for (const [name, t] of compiled.exportedTables) {
    lines.push(`export table ${name} ${t.element} min=${t.min}`);
  }
  for (const [name, g] of compiled.exportedGlobals) {
    lines.push(`export global ${name} ${g.mutable ? "mut " : ""}${g.type}`);
  }
  return lines.join("\n") + (lines.length > 0 ? "\n" : "");
}

async function compile(host: CliHost, argv: string[]): Promise<number> {
  if (argv.includes("-h") || argv.includes("--help")) {
    host.writeOut(COMPILE_USAGE);
    return 0;
  }
  if (argv.length !== 1) throw new UsageError("compile needs exactly one module file");
  using runtime = new Runtime();
  const compiled = await runtime.compileModule(await loadModule(host, argv[0]));
  host.writeOut(`${argv[0]}: valid${compiled.name ? ` (module $${compiled.name})` : ""}\n`);
  host.writeOut(describe(compiled));
  return 0;
}

function wat2wasmCommand(host: CliHost, argv: string[]): number {
  if (argv.includes("-h") || argv.includes("--help")) {
    host.writeOut(WAT2WASM_USAGE);
    return 0;
  }
  let out: string | undefined;
  const inputs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "-o" || argv[i] === "--output") {
      out = argv[++i];
      if (out === undefined) throw new UsageError("-o needs a file name");
    } else inputs.push(argv[i]);
  }
  if (inputs.length !== 1) throw new UsageError("wat2wasm needs exactly one input file");
  const text = new TextDecoder().decode(host.readFile(inputs[0]));
  const bytes = wat2wasm(text);
  host.writeFile(out ?? inputs[0].replace(/\.wat$/i, "") + ".wasm", bytes);
  return 0;
}

/**
 * Runs the command line `argv` (without the executable and script) and
 * returns the exit code. Never throws: every failure is reported on stderr.
 */
export async function main(argv: string[], host?: CliHost): Promise<number> {
  const h = host ?? await cliHost();
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "run":
        return await run(h, rest);
      case "compile":
        return await compile(h, rest);
      case "wat2wasm":
        return wat2wasmCommand(h, rest);
      case "version":
      case "--version":
        h.writeOut(`wazero-ts ${VERSION}\n`);
        return 0;
      case undefined:
      case "help":
      case "-h":
      case "--help":
        h.writeOut(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      h.writeErr(`wazero-ts: ${e.message} (see --help)\n`);
      return 2;
    }
    if (e instanceof RuntimeError) {
      const stack = (e as { wasmStack?: string[] }).wasmStack ?? [];
      h.writeErr(
        `wasm trap: ${e.message}\n${stack.map((f) => `    at ${f}\n`).join("")}`,
      );
      return 134;
    }
    const kind = e instanceof CompileError
      ? "compile error"
      : e instanceof LinkError
      ? "link error"
      : "error";
    h.writeErr(`wazero-ts: ${kind}: ${(e as Error)?.message ?? String(e)}\n`);
    return 1;
  }
}
