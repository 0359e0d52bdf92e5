/**
 * The public WASI API: {@link instantiateWasi} (wazero's
 * `wasi_snapshot_preview1.MustInstantiate`) and {@link runWasi}, configured
 * by a {@link WasiConfig}.
 *
 * Defaults follow wazero: a library user gets no ambient authority unless
 * asked — no args or env, empty stdin, output discarded, no files, a fake
 * deterministic clock and a seeded random source.
 *
 * @module
 */

import type { Runtime } from "../runtime/runtime.ts";
import type { ModuleSource } from "../runtime/compile.ts";
import type { Module } from "../runtime/module.ts";
import { CompiledModule } from "../runtime/compiled_module.ts";
import { ExitError } from "../errors.ts";
import { type Clock, fakeClock, systemClock } from "../host/clock.ts";
import { errnoName, SysError } from "../host/errno.ts";
import type { FileSystem } from "../host/fs.ts";
import { type HostAdapters, hostAdapters, type HostKind } from "../host/host.ts";
import { cryptoRandom, type RandomSource, seededRandom } from "../host/random.ts";
import {
  bytesInput,
  callbackOutput,
  discardOutput,
  emptyInput,
  type InputStream,
  type OutputStream,
} from "../host/stdio.ts";
import { WasiContext } from "./context.ts";
import { type Dialect, fdFunctions, type Impl } from "./fd_functions.ts";
import type { Mount } from "./fd_table.ts";
import { GuestMemory } from "./guest_memory.ts";
import { miscFunctions } from "./misc_functions.ts";
import { pathFunctions } from "./path_functions.ts";
import { pollOneoff } from "./poll.ts";
import { sockFunctions } from "./sock_functions.ts";
import type { SocketListener } from "../host/socket.ts";
import { parseHostPort } from "../host/socket.ts";
import { parseParam, WASI_FUNCTIONS } from "./signatures.ts";

/** A guest's stdin: the host's (`"inherit"`), fixed bytes or text, or any {@link InputStream}. */
export type StdinSource = "inherit" | string | Uint8Array | InputStream;
/** A guest's stdout/stderr: the host's (`"inherit"`), a callback receiving each write, or any {@link OutputStream}. */
export type OutputSink = "inherit" | ((bytes: Uint8Array) => void) | OutputStream;
/**
 * What a mount shows the guest: a host directory path, a {@link FileSystem}
 * (e.g. a `MemoryFileSystem`), or either with options.
 */
export type MountSource = string | FileSystem | { dir: string | FileSystem; readOnly?: boolean };

/** How a WASI guest is set up. Everything is optional and off by default. */
export interface WasiConfig {
  /** `argv`, including the program name as `args[0]` (default: none at all). */
  args?: string[];
  /** Environment variables (default: none). */
  env?: Record<string, string>;
  /** Default: empty (end of file at once). */
  stdin?: StdinSource;
  /** Default: discarded. */
  stdout?: OutputSink;
  /** Default: discarded. */
  stderr?: OutputSink;
  /**
   * Pre-opened directories, by the path the guest sees (`"/"`, `"/data"`).
   * Default: none, so the guest sees no files at all.
   */
  mounts?: Record<string, MountSource>;
  /** `"system"` (the host's), `"fake"` (the default: deterministic) or any {@link Clock}. */
  clock?: "system" | "fake" | Clock;
  /** `"crypto"` (the host's CSPRNG), a seed (default: 42, deterministic) or any {@link RandomSource}. */
  random?: "crypto" | number | RandomSource;
  /** Which host adapters back `"inherit"` streams and host directories (default: detected). */
  host?: HostKind | HostAdapters;
  /**
   * Listening TCP sockets pre-opened for the guest (descriptors after the
   * mounts), for `sock_accept`: `"host:port"` strings the host adapters open
   * (Deno needs `--allow-net`), or listeners already open (see
   * `HostAdapters.listen`). A guest waiting on one is suspended, so it must
   * run with `callAsync`, which {@link runWasi} does when there are listeners.
   * They are closed with the WASI instance (or when the guest closes them).
   */
  listeners?: Array<string | SocketListener>;
  /** Log every WASI call and its errno (`true`: to stderr of the host), like wazero's `--hostlogging`. */
  hostLogging?: boolean | ((line: string) => void);
  /**
   * {@link runWasi} only: stop the program (the module's start function,
   * then `_start`) with `RuntimeError("interrupted: deadline exceeded")`
   * after this many milliseconds (as `WasmFunction.withOptions`);
   * `poll_oneoff` sleeps are cut short too.
   */
  timeout?: number;
  /**
   * {@link runWasi} only: stop the program (its start function, then
   * `_start`) with `RuntimeError("interrupted: aborted")` once aborted.
   */
  signal?: AbortSignal;
  /**
   * {@link runWasi} only: the instructions the program may execute (its
   * start function and `_start` together) before `RuntimeError("out of
   * fuel")`. Needs a runtime created with `{ fuel: true }`.
   */
  fuel?: number;
}

/** A WASI instance: the host modules a guest imports, and its state. */
export interface WasiInstance {
  /** The `wasi_snapshot_preview1` host module. */
  readonly module: Module;
  /** The legacy `wasi_unstable` host module (same state, old struct layouts). */
  readonly legacyModule: Module;
  /**
   * The `wasi` module of `wasi-threads`: its `thread-spawn` always fails
   * (returns -EAGAIN), since the runtime runs one thread. So `wasip1-threads`
   * programs load, and `pthread_create` reports an error instead of a link
   * failure.
   */
  readonly threadsModule: Module;
  /** Closes the host modules and every file the guest left open. */
  close(): void;
}

/** The exported names of the guest's memory that WASI uses: wazero enforces only "memory". */
function guestMemory(caller: Module | undefined, cache: WeakMap<Module, GuestMemory>) {
  if (caller === undefined) return undefined;
  let m = cache.get(caller);
  if (m === undefined) {
    const memory = caller.exportedMemory("memory") ?? caller.memory();
    if (memory === undefined) return undefined;
    m = new GuestMemory(memory);
    cache.set(caller, m);
  }
  return m;
}

/**
 * `s` if it is a stream (an object with a `method` function); otherwise a
 * TypeError now, rather than one from deep inside the guest's first read or
 * write (`stdout: "ignore"` used to fail there).
 */
function stream<T>(s: T, method: string, name: string, expected: string): T {
  if (
    typeof s === "object" && s !== null &&
    typeof (s as Record<string, unknown>)[method] === "function"
  ) {
    return s;
  }
  const shown = typeof s === "string" ? JSON.stringify(s) : s === null ? "null" : typeof s;
  throw new TypeError(`WASI ${name} must be ${expected}, not ${shown}`);
}

async function resolveConfig(config: WasiConfig) {
  const needsHost = config.stdin === "inherit" || config.stdout === "inherit" ||
    config.stderr === "inherit" || config.hostLogging === true ||
    (config.listeners ?? []).some((l) => typeof l === "string") ||
    Object.values(config.mounts ?? {}).some((m) =>
      typeof m === "string" || (typeof m === "object" && "dir" in m && typeof m.dir === "string")
    );
  let host: HostAdapters | undefined;
  if (typeof config.host === "object") host = config.host;
  else if (needsHost) host = await hostAdapters(config.host);

  const input = (s: StdinSource | undefined): InputStream =>
    s === undefined
      ? emptyInput()
      : s === "inherit"
      ? host!.stdio.stdin
      : typeof s === "string" || s instanceof Uint8Array
      ? bytesInput(s)
      : stream(s, "read", "stdin", `"inherit", a string, a Uint8Array or an InputStream`);
  const output = (
    name: string,
    s: OutputSink | undefined,
    inherit: OutputStream | undefined,
  ): OutputStream =>
    s === undefined
      ? discardOutput()
      : s === "inherit"
      ? inherit!
      : typeof s === "function"
      ? callbackOutput(s)
      : stream(s, "write", name, `"inherit", a function or an OutputStream`);

  const mounts: Mount[] = [];
  for (const [guestPath, source] of Object.entries(config.mounts ?? {})) {
    const spec = typeof source === "object" && "dir" in source ? source : { dir: source };
    const readOnly = spec.readOnly ?? false;
    const fs = typeof spec.dir === "string" ? host!.directory(spec.dir, { readOnly }) : spec.dir;
    mounts.push({ guestPath, fs, readOnly });
  }

  const listeners: SocketListener[] = [];
  for (const l of config.listeners ?? []) {
    if (typeof l !== "string") listeners.push(l);
    else {
      const { hostname, port } = parseHostPort(l);
      if (host?.listen === undefined) throw new Error(`this host cannot listen on ${l}`);
      listeners.push(await host.listen(hostname, port));
    }
  }

  const clock: Clock = config.clock === "system"
    ? systemClock()
    : config.clock === undefined || config.clock === "fake"
    ? fakeClock()
    : config.clock;
  const random: RandomSource = config.random === "crypto"
    ? cryptoRandom()
    : config.random === undefined || typeof config.random === "number"
    ? seededRandom(config.random)
    : config.random;

  let log: ((line: string) => void) | undefined;
  if (typeof config.hostLogging === "function") log = config.hostLogging;
  else if (config.hostLogging === true) {
    const stderr = host!.stdio.stderr;
    const encoder = new TextEncoder();
    log = (line) => stderr.write(encoder.encode(line + "\n"));
  }

  return {
    parts: {
      args: config.args ?? [],
      env: Object.entries(config.env ?? {}),
      stdin: input(config.stdin),
      stdout: output("stdout", config.stdout, host?.stdio.stdout),
      stderr: output("stderr", config.stderr, host?.stdio.stderr),
      mounts,
      listeners,
      clock,
      random,
    },
    log,
  };
}

function formatValue(v: unknown): string {
  return typeof v === "bigint" ? v.toString() : String(v);
}

async function buildModule(
  runtime: Runtime,
  moduleName: string,
  ctx: WasiContext,
  dialect: Dialect,
  log: ((line: string) => void) | undefined,
): Promise<Module> {
  const impls: Record<string, Impl> = {
    ...fdFunctions(ctx, dialect),
    ...pathFunctions(ctx, dialect),
    ...miscFunctions(ctx),
    ...sockFunctions(ctx),
    poll_oneoff: pollOneoff(ctx, dialect),
  };
  const memories = new WeakMap<Module, GuestMemory>();
  const builder = runtime.newHostModuleBuilder(moduleName);
  for (const [name, spec] of Object.entries(WASI_FUNCTIONS)) {
    const params = spec.map(parseParam);
    const impl = impls[name];
    const isExit = name === "proc_exit";
    const fn = (caller: Module | undefined, ...args: unknown[]) => {
      for (let i = 0; i < args.length; i++) {
        // WASI's i32 parameters are all unsigned; the runtime hands them over signed.
        if (params[i].type === "i32") args[i] = (args[i] as number) >>> 0;
      }
      if (log !== undefined) {
        log(
          `==> ${moduleName}.${name}(${
            params.map((p, i) => `${p.name}=${formatValue(args[i])}`).join(",")
          })`,
        );
      }
      const fail = (e: unknown): number => {
        if (e instanceof SysError) return done(e.errno);
        if (log !== undefined && e instanceof ExitError) log(`<== exit(${e.exitCode})`);
        throw e;
      };
      const done = (errno: number): number => {
        if (log !== undefined) log(`<== errno=${errnoName(errno)}`);
        return errno;
      };
      let result: number | Promise<number>;
      try {
        const mem = guestMemory(caller, memories);
        // Without a memory only proc_exit and sched_yield can work: report a fault for the rest.
        result = mem === undefined && !isExit && name !== "sched_yield"
          ? 21
          : impl(mem as GuestMemory, ...args);
      } catch (e) {
        return fail(e);
      }
      // A call that waits (sockets) finishes later: the guest is suspended (callAsync).
      return typeof result === "number" ? done(result) : result.then(done, fail);
    };
    builder.newFunctionBuilder()
      .withFunc(fn, params.map((p) => p.type), isExit ? [] : ["i32"])
      .withName(name)
      .withParameterNames(...params.map((p) => p.name))
      .export(name);
  }
  return await builder.instantiate();
}

/**
 * Makes WASI available to modules instantiated afterwards in `runtime`: it
 * instantiates the `wasi_snapshot_preview1` host module (and the legacy
 * `wasi_unstable`) configured by `config`. One WASI instance per runtime,
 * since host modules are found by name.
 *
 * @example
 * ```ts
 * import { CollectedOutput, instantiateWasi, MemoryFileSystem, Runtime } from "./mod.ts";
 *
 * using runtime = new Runtime();
 * const stdout = new CollectedOutput();
 * await instantiateWasi(runtime, {
 *   args: ["hello", "world"],
 *   stdout,
 *   mounts: { "/": new MemoryFileSystem({ "input.txt": "some text" }) },
 * });
 * const guest = await runtime.instantiate(wasmBytes, { name: null });
 * try {
 *   guest.exportedFunction("_start")!.call();
 * } catch (e) {
 *   if (!(e instanceof ExitError) || e.exitCode !== 0) throw e;
 * }
 * stdout.text(); // what the program printed
 * ```
 */
export async function instantiateWasi(
  runtime: Runtime,
  config: WasiConfig = {},
): Promise<WasiInstance> {
  return (await createWasi(runtime, config)).instance;
}

async function createWasi(runtime: Runtime, config: WasiConfig) {
  const { parts, log } = await resolveConfig(config);
  const ctx = new WasiContext(parts);
  const module = await buildModule(runtime, "wasi_snapshot_preview1", ctx, { legacy: false }, log);
  const legacyModule = await buildModule(runtime, "wasi_unstable", ctx, { legacy: true }, log);
  const threadsModule = await runtime.newHostModuleBuilder("wasi").newFunctionBuilder()
    .withFunc(() => -6, /* -EAGAIN */ ["i32"], ["i32"])
    .withParameterNames("start_arg")
    .export("thread-spawn")
    .instantiate();
  const instance: WasiInstance = {
    module,
    legacyModule,
    threadsModule,
    close() {
      module.close();
      legacyModule.close();
      threadsModule.close();
      ctx.close();
    },
  };
  return { instance, ctx };
}

/**
 * Runs a WASI command in one call: instantiates WASI (see
 * {@link instantiateWasi}) and the module (bytes, text or a
 * {@link CompiledModule}) in `runtime`, calls its `_start`
 * and returns the exit code (0 when `_start` returns normally).
 *
 * `timeout`, `signal` and `fuel` of `config` bound the run, so untrusted
 * programs can be run in this one call.
 *
 * @throws {RuntimeError} when the program traps or is interrupted (timeout,
 * signal, fuel); compile and link errors as usual.
 *
 * @example
 * ```ts
 * const code = await runWasi(new Runtime(), wasmBytes, { args: ["prog"], stdout: "inherit", timeout: 1000 });
 * ```
 */
export async function runWasi(
  runtime: Runtime,
  source: ModuleSource | CompiledModule,
  config: WasiConfig = {},
): Promise<number> {
  const { instance: wasi, ctx } = await createWasi(runtime, config);
  try {
    // One deadline and one tank of fuel for the whole run: the module's start function (run
    // while it is instantiated), then `_start`. poll_oneoff sleeps in the host, where the
    // engine's interruption checks do not run: the context cuts sleeps short at the deadline.
    const { timeout, signal, fuel } = config;
    const deadline = timeout === undefined ? Infinity : performance.now() + timeout;
    ctx.limits = { deadline, signal };
    const guestConfig = { name: null, timeout, signal, fuel };
    const guest = source instanceof CompiledModule
      ? await runtime.instantiateModule(source, guestConfig)
      : await runtime.instantiate(source, guestConfig);
    const start = guest.exportedFunction("_start");
    if (start === undefined) throw new TypeError("the module has no _start function");
    const limited = timeout !== undefined || signal !== undefined
      ? start.withOptions({
        timeout: timeout === undefined ? undefined : Math.max(0, deadline - performance.now()),
        signal,
      })
      : start;
    try {
      // Sockets make the guest wait for the event loop: only callAsync can.
      if (config.listeners?.length) await limited.callAsync();
      else limited.call();
      return 0;
    } catch (e) {
      if (e instanceof ExitError) return e.exitCode;
      throw e;
    } finally {
      guest.close();
    }
  } finally {
    wasi.close();
  }
}
