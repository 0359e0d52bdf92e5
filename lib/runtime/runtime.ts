/**
 * {@link Runtime}: the entry point of the API. A runtime compiles modules,
 * instantiates them, and links them to each other by name.
 *
 * @module
 */

import { type FeatureConfig, FEATURES_3_0, resolveFeatures } from "../binary/features.ts";
import {
  DEFAULT_MAX_STACK_BYTES,
  FRAME_RECORD_BYTES,
  Machine,
} from "../interpreter/execute/executor.ts";
import {
  DEFAULT_JS_TIER_HEAT,
  DEFAULT_STRUCTURED_HEAT,
} from "../interpreter/execute/tier_policy.ts";
import { chooseInterpreterTier, type JscHooks } from "../interpreter/execute/interpreter_tier.ts";
import { type FunctionInstance, type InstanceState, MAX_PAGES } from "../interpreter/instances.ts";
import { GcHeap } from "../interpreter/gc_accounting.ts";
import { interruptCompiledCode } from "../interpreter/jit/state.ts";
import { WITHOUT_JIT } from "../interpreter/engine.ts";
import type { CompiledModule } from "./compiled_module.ts";
import { type CompileLimits, compileSync, type ModuleSource } from "./compile.ts";
import type { CompilationCache } from "./compilation_cache.ts";
import type { CachedModule } from "./cached_module.ts";
import type { FunctionDefinition, ModuleDefinitions, ValueType } from "./definitions.ts";
import { type CallContext, WasmFunction } from "./function.ts";
import { HostModuleBuilder } from "./host_module.ts";
import { type ImportObject, importObjectResolver } from "./import_object.ts";
import { initializeSegments, link } from "./instantiate.ts";
import { type ExportEntry, Module } from "./module.ts";
import { valTypeName, type WasmModule } from "../binary/types.ts";
import { functionHooks, type FunctionListenerFactory } from "./listeners.ts";
import {
  TIER_WARM_UP_HEAT,
  TIER_WARM_UP_ITERATIONS,
  tierWarmUpModule,
  WARM_UP_CALLS,
  WARM_UP_HOST_MODULE,
  WARM_UP_UNREACHED_HEAT,
  warmUpModule,
} from "./warmup.ts";

/** The largest default GC heap limit ({@link RuntimeConfig.maxGcHeapBytes}): 1 GiB. */
const DEFAULT_MAX_GC_HEAP_BYTES = 1 << 30;

/** Options of a {@link Runtime}. Every limit has a safe default. */
export interface RuntimeConfig {
  /**
   * Size of the wasm call stack in bytes before "call stack exhausted"
   * (default 64 MiB). A frame takes 8 bytes per parameter, local and operand
   * slot of its function, plus 16 bytes: a recursion 50,000 deep with
   * 1 KiB frames fits, as do millions of small frames.
   */
  maxStackBytes?: number;
  /** Most nested wasm calls before "call stack exhausted" (default: only `maxStackBytes` limits them). */
  maxCallDepth?: number;
  /** Most pages (64 KiB) any memory may have (default 65,536: 4 GiB). */
  memoryLimitPages?: number;
  /** Most elements any table may have (default 10,000,000). */
  tableLimit?: number;
  /**
   * Most bytes of GC objects (structs and arrays) the runtime's modules may
   * keep reachable before an allocation traps "out of memory" (default: the
   * memory limit, `memoryLimitPages` × 64 KiB, at most 1 GiB). Counted at
   * 32 bytes per object plus 8 per field word or reference element and the
   * bytes of numeric array elements; checked exactly by tracing what wasm
   * can reach when the count reaches the limit (see the README).
   */
  maxGcHeapBytes?: number;
  /**
   * Count fuel: every instruction costs one unit of the calling module's
   * `fuel` budget (see `Module.fuel`). Off by default; when off, metering
   * costs nothing.
   */
  fuel?: boolean;
  /** Largest module accepted by `compileModule`, in bytes (default 256 MiB). */
  maxModuleBytes?: number;
  /** Most functions (imported and defined) a module may have (default 1,000,000). */
  maxFunctions?: number;
  /**
   * Function listeners: called for each function of every module
   * instantiated afterwards; the listener it returns gets before/after/abort
   * events. See `callTracer` and `Profiler`. Without it, listening costs nothing.
   */
  listeners?: FunctionListenerFactory;
  /**
   * Compile hot functions to JavaScript (with `new Function`), which the
   * host's JIT then optimises: typically 2–10× faster on loops. `true`
   * (default): a function is compiled after 200 calls or 1,000 entries and
   * backward branches, plus more for bigger functions (20 calls or 60
   * branches per byte of its body), so that compiling pays for itself even
   * in programs with thousands of lukewarm functions; a number: after that
   * many calls, entries and branches, whatever the size (1 compiles on the
   * first entry); `false`: interpret only, for
   * hosts or policies that forbid generating code. Hosts that forbid
   * `new Function` keep interpreting either way. Results, traps, fuel and
   * interruption are the same in both tiers.
   */
  jsTier?: boolean | number;
  /**
   * The WebAssembly features modules may use: `"3.0"` (default: every
   * proposal of the current standard, as engines ship it), `"2.0"`, or
   * switches such as `{ tailCall: false }` (on top of 3.0) or
   * `{ base: "2.0", memory64: true }`. A module using a disabled feature
   * fails to compile with a `CompileError` naming it.
   */
  features?: FeatureConfig;
  /**
   * The deterministic profile: the same module gives the same bits on every
   * host, tier and JIT state. Every NaN that float arithmetic computes
   * (scalar and SIMD: add, sub, mul, div, sqrt, min, max, rounding,
   * promote/demote, relaxed SIMD's madd/min/max) becomes the canonical NaN
   * (positive, quiet, zero payload), where WebAssembly lets engines pick
   * any payload; loads, stores, moves, reinterpretations, `abs`, `neg` and
   * `copysign` keep their bits. Relaxed SIMD results are fixed in every
   * profile. Off by default; its cost is in the README.
   */
  deterministic?: boolean;
  /**
   * Where compiled modules keep their costly work for the next compilation
   * of the same bytes under the same settings: that the code validated,
   * and the JavaScript the structured tier generated for hot functions
   * (written back when the runtime closes). A module compiled from a cache
   * entry skips validating its function bodies, and compiles the functions
   * that were compiled before at their first call, with the stored code. An `inMemoryCompilationCache()`
   * serves runtimes of one process; a `directoryCompilationCache(dir)` the
   * next process. Only the code a cache's writer could have made runs: give
   * a runtime a cache no less trusted party can write. The bytes are keyed
   * by their SHA-256, from `node:crypto` where the host has it and
   * `process.getBuiltinModule`, else computed in JavaScript (browsers, Node
   * before 20.16: ~170 ms for 30 MB of module). Failures to read or write
   * the cache are ignored. A runtime that never closes stores only the
   * validations.
   */
  compilationCache?: CompilationCache;
}

/** Options of one instantiation. */
export interface ModuleConfig {
  /**
   * The instance's name, under which other modules import it. Defaults to
   * the module's name section; `null` or `""` makes it anonymous (so the
   * same compiled module can be instantiated many times).
   */
  name?: string | null;
  /**
   * Imports given as an object keyed by module and import name, as for
   * `WebAssembly.instantiate` (see {@link ImportObject}). Namespaces it does
   * not have are imported from the runtime's named modules.
   */
  imports?: ImportObject;
  /**
   * Stops the module's start function (its `start` section, which runs
   * during instantiation) with `RuntimeError("interrupted: deadline
   * exceeded")` after this many ms, so that instantiating an untrusted
   * module cannot hang. Calls of its exports afterwards take their own
   * limits ({@link WasmFunction.withOptions}).
   */
  timeout?: number;
  /**
   * Stops the start function with `RuntimeError("interrupted: aborted")`
   * once aborted: checked before it runs and while it runs, as in a
   * synchronous call (a signal aborted by a host function it calls).
   */
  signal?: AbortSignal;
  /**
   * The module's fuel from the start ({@link Module.fuel}): the start
   * function spends it, stopping with `RuntimeError("out of fuel")` when it
   * runs out, and calls go on with what is left. Needs a runtime with
   * `{ fuel: true }`.
   */
  fuel?: number;
}

/** True when `options` (the second argument of `instantiate`) is a {@link ModuleConfig}. */
function isModuleConfig(options: ModuleConfig | ImportObject): options is ModuleConfig {
  for (const key of Object.keys(options)) {
    const v = (options as Record<string, unknown>)[key];
    if (key === "name" && (v === undefined || v === null || typeof v === "string")) continue;
    if (key === "imports" && (v === undefined || (typeof v === "object" && v !== null))) continue;
    // An import object's namespaces are objects: a number or a signal makes it a config.
    if ((key === "timeout" || key === "fuel") && (v === undefined || typeof v === "number")) {
      continue;
    }
    if (key === "signal" && (v === undefined || isAbortSignal(v))) continue;
    return false;
  }
  return true;
}

function isAbortSignal(v: unknown): v is AbortSignal {
  return typeof AbortSignal === "function" && v instanceof AbortSignal;
}

/** The {@link ModuleConfig} meant by `instantiate`'s second argument. */
function toModuleConfig(options: ModuleConfig | ImportObject | undefined): ModuleConfig {
  if (options === undefined) return {};
  if (options === null || typeof options !== "object") {
    throw new TypeError("instantiate expects a ModuleConfig or an import object");
  }
  return isModuleConfig(options) ? options : { imports: options };
}

/**
 * A WebAssembly runtime: compiles modules and instantiates them. Modules
 * instantiated in the same runtime import each other by name (wazero
 * semantics: a module's name is its import namespace).
 *
 * @example
 * ```ts
 * import { Runtime } from "./mod.ts";
 * using runtime = new Runtime();
 * await runtime.newHostModuleBuilder("env")
 *   .newFunctionBuilder().withFunc((_caller, x) => console.log(x), ["i32"], []).export("print")
 *   .instantiate();
 * const module = await runtime.instantiate(`(module
 *   (import "env" "print" (func $print (param i32)))
 *   (func (export "run") (call $print (i32.const 42))))`);
 * module.exportedFunction("run")!.call(); // prints 42
 * ```
 */
export class Runtime {
  readonly #modules = new Map<string, Module>();
  readonly #all = new Set<Module>();
  readonly #machines: Machine[] = [];
  readonly #handles = new WeakMap<FunctionInstance, WasmFunction>();
  readonly #maxCallDepth: number;
  readonly #maxStackBytes: number;
  readonly #memoryLimitPages: number;
  readonly #tableLimit: number;
  readonly #gcHeap: GcHeap;
  readonly #compileLimits: CompileLimits;
  readonly #listenerFactory: FunctionListenerFactory | undefined;
  readonly #jsTierHeat: number;
  readonly #structuredHeat: number;
  /** `jsTier: true`: bigger functions must be hotter before they are compiled. */
  readonly #heatBySize: boolean;
  /** Cache entries of the modules compiled here, by key, written back at {@link close}. */
  readonly #cacheEntries = new Map<string, CachedModule>();
  #closed = false;

  /** Creates a runtime. @param config limits and options; see {@link RuntimeConfig}. */
  constructor(config: RuntimeConfig = {}) {
    this.#maxStackBytes = positiveLimit("maxStackBytes", config.maxStackBytes) ??
      DEFAULT_MAX_STACK_BYTES;
    // Every frame takes at least a record's bytes, so the byte budget bounds the depth too.
    this.#maxCallDepth = positiveLimit("maxCallDepth", config.maxCallDepth) ??
      Math.ceil(this.#maxStackBytes / FRAME_RECORD_BYTES);
    this.#memoryLimitPages = Math.min(config.memoryLimitPages ?? MAX_PAGES, MAX_PAGES);
    this.#tableLimit = config.tableLimit ?? 10_000_000;
    this.#gcHeap = new GcHeap(
      positiveLimit("maxGcHeapBytes", config.maxGcHeapBytes) ??
        Math.min(this.#memoryLimitPages * 65536, DEFAULT_MAX_GC_HEAP_BYTES),
    );
    this.#listenerFactory = config.listeners;
    const jsTier = config.jsTier ?? true;
    if (typeof jsTier === "number" && !(jsTier >= 1 && jsTier <= 2 ** 30)) {
      throw new RangeError(`jsTier must be true, false or a count from 1 to 2^30, not ${jsTier}`);
    }
    this.#jsTierHeat = jsTier === false
      ? -1
      : jsTier === true
      ? DEFAULT_JS_TIER_HEAT
      : Math.floor(jsTier);
    // The structured tier's frames count bytes, not frames: a frame cap keeps to the interpreter.
    this.#structuredHeat = jsTier === false || config.maxCallDepth !== undefined
      ? -1
      : jsTier === true
      ? DEFAULT_STRUCTURED_HEAT
      : Math.floor(jsTier);
    this.#heatBySize = jsTier === true;
    this.#compileLimits = {
      fuel: config.fuel ?? false,
      deterministic: config.deterministic ?? false,
      listeners: config.listeners !== undefined,
      maxModuleBytes: config.maxModuleBytes ?? 256 * 1024 * 1024,
      maxFunctions: config.maxFunctions ?? 1_000_000,
      features: resolveFeatures(config.features),
      cache: config.compilationCache,
      cacheEntries: this.#cacheEntries,
    };
  }

  /** True when this runtime's code counts fuel ({@link RuntimeConfig.fuel}). */
  get metered(): boolean {
    return this.#compileLimits.fuel;
  }

  /**
   * Decodes, validates and translates a module. `source` is the binary
   * format, or a string holding the text format (WAT).
   *
   * @throws {CompileError} (as a rejected promise) when the module is
   * malformed or invalid; the message says what is wrong and where.
   */
  compileModule(source: ModuleSource): Promise<CompiledModule> {
    try {
      this.#checkOpen();
      return Promise.resolve(compileSync(source, this.#compileLimits));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Instantiates a compiled module: links its imports against an import
   * object and/or modules of this runtime, initialises its memories and
   * tables, and runs its start function. A named instance becomes
   * importable by that name.
   *
   * @param options a {@link ModuleConfig}, or an {@link ImportObject} such as
   * `{ env: { log: (x: number) => console.log(x) } }` (any object with a key
   * other than `name` and `imports` is taken as an import object).
   * @throws {LinkError} when an import is missing or has the wrong type.
   * @throws {RuntimeError} when segment initialisation or the start function traps.
   */
  instantiateModule(
    compiled: CompiledModule,
    options?: ModuleConfig | ImportObject,
  ): Promise<Module> {
    try {
      return Promise.resolve(this.instantiateSync(compiled, options));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * Compiles and instantiates in one step (bytes or text); `options` as for
   * {@link instantiateModule}: a {@link ModuleConfig} or an import object.
   *
   * @example
   * ```ts
   * import { Runtime } from "./mod.ts";
   * using runtime = new Runtime();
   * const module = await runtime.instantiate(
   *   `(module (import "env" "log" (func $log (param i32)))
   *      (func (export "run") (call $log (i32.const 7))))`,
   *   { env: { log: (x: number) => console.log("log", x) } },
   * );
   * module.exportedFunction("run")!.call(); // prints "log 7"
   * ```
   */
  async instantiate(
    source: ModuleSource,
    options?: ModuleConfig | ImportObject,
  ): Promise<Module> {
    return this.instantiateModule(await this.compileModule(source), options);
  }

  /** @internal Synchronous instantiation (the spec runner and tests use it). */
  instantiateSync(compiled: CompiledModule, options?: ModuleConfig | ImportObject): Module {
    this.#checkOpen();
    if (!interpreterTierChoice.chosen && !warmingUp && this.#structuredHeat >= 0) {
      interpreterTierChoice.chosen = true;
      chooseInterpreterTier(codeSectionBytes(compiled.decoded), interpreterTierChoice.jsc);
    }
    const config = toModuleConfig(options);
    if (
      compiled.metered !== this.metered || compiled.listened !== this.#compileLimits.listeners ||
      compiled.deterministic !== (this.#compileLimits.deterministic ?? false)
    ) {
      throw new Error(
        "the module was compiled by a runtime with different fuel or listener settings, or profile",
      );
    }
    if (config.fuel !== undefined && config.fuel !== Infinity && !this.metered) {
      throw new Error("fuel metering is off: create the Runtime with { fuel: true }");
    }
    const name = config.name === undefined ? compiled.name : (config.name || undefined);
    if (name !== undefined && this.#modules.has(name)) {
      throw new Error(`module "${name}" has already been instantiated`);
    }
    const byName = (n: string) => this.#modules.get(n);
    const resolve = config.imports === undefined
      ? byName
      : importObjectResolver(compiled, config.imports, byName, this.#callContext);
    const { state, exports } = link(compiled, resolve, {
      memoryLimitPages: this.#memoryLimitPages,
      tableLimit: this.#tableLimit,
      gcHeap: this.#gcHeap,
      spareMemory: true,
    });
    const module = new Module(name, state, exports, compiled.definitions, this);
    state.owner = module;
    this.#attachListeners(state, compiled.definitions, compiled.decoded.importedFunctionCount);
    initializeSegments(compiled, state);
    if (config.fuel !== undefined) module.fuel = config.fuel;
    const start = compiled.decoded.start;
    if (start !== undefined) {
      // As a call of an export: the module's fuel, and the config's limits.
      const { timeout, signal } = config;
      this.functionHandle(state.functions[start]).withOptions({ timeout, signal }).call();
    }
    this.#all.add(module);
    if (name !== undefined) this.#modules.set(name, module);
    return module;
  }

  /** Gives each function defined by an instance the listener the factory chooses for it. */
  #attachListeners(state: InstanceState, defs: ModuleDefinitions, firstDefined: number): void {
    const factory = this.#listenerFactory;
    if (factory === undefined) return;
    for (let i = firstDefined; i < state.functions.length; i++) {
      const fn = state.functions[i];
      const def = defs.functionAt(i);
      const listener = factory(def);
      if (listener !== undefined) {
        fn.listener = functionHooks(
          listener,
          def,
          fn.type,
          this.#callContext.fromFuncRef,
        );
      }
    }
  }

  /** The instantiated module named `name`, or `undefined`. */
  module(name: string): Module | undefined {
    return this.#modules.get(name);
  }

  /**
   * Makes an instantiated module importable under another name as well (what
   * the spec test suite's `register` command does).
   */
  registerModule(alias: string, module: Module): void {
    this.#checkOpen();
    if (this.#modules.has(alias) && this.#modules.get(alias) !== module) {
      throw new Error(`module "${alias}" has already been instantiated`);
    }
    this.#modules.set(alias, module);
  }

  /** Starts building a host module named `name` (its import namespace). */
  newHostModuleBuilder(name: string): HostModuleBuilder {
    if (name === "") throw new TypeError("a host module needs a name");
    return new HostModuleBuilder(name, {
      addHostModule: (n, state, exports, defs) => this.#addHostModule(n, state, exports, defs),
      hostCallContext: () => this.#callContext,
      memoryLimitPages: this.#memoryLimitPages,
    });
  }

  #addHostModule(
    name: string,
    state: InstanceState,
    exports: Map<string, ExportEntry>,
    definitions: ModuleDefinitions,
  ): Module {
    this.#checkOpen();
    if (this.#modules.has(name)) throw new Error(`module "${name}" has already been instantiated`);
    const module = new Module(name, state, exports, definitions, this);
    state.owner = module;
    this.#attachListeners(state, definitions, 0);
    this.#all.add(module);
    this.#modules.set(name, module);
    return module;
  }

  /**
   * Closes every module (most recent first) with `exitCode`; code still
   * running in them stops with an `ExitError`. The runtime cannot be used
   * afterwards. With a {@link RuntimeConfig.compilationCache}, the code
   * generated for the modules it compiled, and the functions it compiled,
   * are stored there now (their validation was, when they were compiled).
   */
  close(exitCode = 0): void {
    if (this.#closed) return;
    for (const m of [...this.#all].reverse()) m.close(exitCode);
    this.#closed = true;
    for (const entry of this.#cacheEntries.values()) entry.save();
    this.#cacheEntries.clear();
  }

  /** For `using runtime = new Runtime()`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** For `await using runtime = new Runtime()`. */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }

  #checkOpen(): void {
    if (this.#closed) throw new Error("the runtime is closed");
  }

  // ---- Internals shared with modules and functions --------------------------

  /** @internal */
  onClose(module: Module): void {
    // Code of the closed module may be running (a host function closed it): compiled code must
    // check for interruptions from now on, even in calls without a deadline or signal.
    if (this.#busyMachines > 0) interruptCompiledCode();
    this.#all.delete(module);
    for (const [name, m] of this.#modules) if (m === module) this.#modules.delete(name);
  }

  /** @internal The GC heap limit shared by the runtime's instances. */
  get gcHeap(): GcHeap {
    return this.#gcHeap;
  }

  /**
   * @internal Runs the process's one-time warm-up (see `warmUp` below) now,
   * for this runtime's settings, rather than before the first call: the
   * command line runs it while the host reads the module.
   */
  warmUpEarly(): void {
    if (!warmedUp) warmUp(this.#structuredHeat >= 0);
  }

  /** @internal */
  acquireMachine(): Machine {
    if (!warmedUp) this.warmUpEarly();
    this.#busyMachines++;
    let m = this.#machines.pop();
    if (m === undefined) {
      m = new Machine({
        maxCallDepth: this.#maxCallDepth,
        maxStackBytes: this.#maxStackBytes,
        jsTierHeat: this.#jsTierHeat,
        structuredHeat: registerTierOnly.has(this) ? -1 : this.#structuredHeat,
        heatBySize: this.#heatBySize,
        loopEntriesOnly: loopEntriesOnly.has(this),
      });
      m.pool = this;
      this.#gcHeap.machines.add(m);
    }
    return m;
  }

  /** @internal */
  releaseMachine(m: Machine): void {
    // Only code with reference values fills it; setting the length even to 0 was ~2% of the
    // yosys ALU run on Bun (a machine per call from compiled code into interpreted code).
    if (m.refs.length !== 0) m.refs.length = 0;
    this.#busyMachines--;
    this.#machines.push(m);
  }

  /** Machines acquired and not yet released: calls in progress (or suspended). */
  #busyMachines = 0;

  readonly #callContext: CallContext = {
    acquireMachine: () => this.acquireMachine(),
    releaseMachine: (m) => this.releaseMachine(m),
    toFuncRef: (value) => {
      if (value === null || value === undefined) return null;
      if (value instanceof WasmFunction) return WasmFunction.instance(value);
      throw new TypeError("a funcref must be null or a function obtained from a module");
    },
    fromFuncRef: (fn) => this.functionHandle(fn),
    checkOpen: () => this.#checkOpen(),
    getFuel: () => Infinity,
    setFuel: () => {},
  };

  /** @internal */
  callContext(module: Module): CallContext {
    return {
      ...this.#callContext,
      checkOpen: () => {
        if (module.closed) throw new Error(`module ${module.name ?? "(anonymous)"} is closed`);
        this.#checkOpen();
      },
      getFuel: () => module.fuel,
      setFuel: (fuel) => {
        if (module.fuel !== Infinity) module.fuel = fuel;
      },
    };
  }

  /** @internal */
  functionHandle(fn: FunctionInstance): WasmFunction {
    let handle = this.#handles.get(fn);
    if (handle === undefined) {
      const owner = (fn.instance?.owner ?? null) as Module | null;
      const index = owner?.state.functions.indexOf(fn) ?? -1;
      const def = index < 0 ? anonymousDefinition(fn) : owner!.definitions.functionAt(index);
      const ctx = owner === null ? this.#callContext : this.callContext(owner);
      handle = new WasmFunction(fn, def, ctx);
      this.#handles.set(fn, handle);
    }
    return handle;
  }
}

let warmedUp = false;

/**
 * @internal Whether the interpreter loop's top tier on JavaScriptCore is
 * `chosen` (see `chooseInterpreterTier`): by the first module that a
 * runtime with the JavaScript tiers instantiates, from its code size (the
 * warm-up's own modules do not count), or by a warm-up that interprets
 * only, whose process keeps the FTL for it. `jsc`: the hooks it uses
 * (`bun:jsc` when undefined; tests set their own).
 */
export const interpreterTierChoice: { chosen: boolean; jsc: JscHooks | undefined } = {
  chosen: false,
  jsc: undefined,
};

/** True while the warm-up instantiates its own modules. */
let warmingUp = false;

/** The size of a module's code section: from the first body's size field to the last body's end. */
function codeSectionBytes(m: WasmModule): number {
  const codes = m.codes;
  return codes.length === 0 ? 0 : codes[codes.length - 1].end - codes[0].offset;
}

/** The limits the warm-up modules are compiled with. */
const WARM_UP_LIMITS: CompileLimits = {
  fuel: false,
  listeners: false,
  maxModuleBytes: Infinity,
  maxFunctions: Infinity,
  features: FEATURES_3_0,
};

/**
 * Runs the warm-up module (see `warmup.ts`) once per process, before the
 * first call: the JIT then sees every kind of instruction before it
 * optimises the executor. When the first runtime to call has the JavaScript
 * tiers (`tiered`), the tier warm-up runs first, the warm-up module runs
 * with counts it never reaches (so the executor's tests for the tiers have
 * run too). Otherwise it runs interpreting only, as `jsTier: false` must
 * never generate code, and the interpreter loop keeps JavaScriptCore's FTL
 * (see `interpreterTierChoice`). A host without a JIT (`WITHOUT_JIT`) has
 * nothing to train: the warm-ups would only cost its first call ~45 ms
 * (`deno run --v8-flags=--jitless cli.ts run hello.wasm`: 0.33 against
 * 0.38 s).
 */
function warmUp(tiered: boolean): void {
  warmedUp = true;
  if (!tiered) interpreterTierChoice.chosen = true;
  if (WITHOUT_JIT) return;
  warmingUp = true;
  try {
    runWarmUps(tiered);
  } finally {
    warmingUp = false;
  }
}

/** The warm-ups themselves (see {@link warmUp}). */
function runWarmUps(tiered: boolean): void {
  if (tiered) tierWarmUp();
  const runtime = new Runtime({ jsTier: tiered ? WARM_UP_UNREACHED_HEAT : false });
  // Synchronous: the builder registers the module before its promise settles.
  runtime.newHostModuleBuilder(WARM_UP_HOST_MODULE)
    .newFunctionBuilder()
    .withFunc((_caller: unknown, x: number) => x, ["i32"], ["i32"])
    .export("host")
    .instantiate();
  const module = runtime.instantiateSync(compileSync(warmUpModule(), WARM_UP_LIMITS));
  const run = module.exportedFunction("run")!;
  for (const args of WARM_UP_CALLS) run.call(...args);
  runtime.close();
}

/**
 * The tier warm-up (see `TIER_WARM_UP_SOURCE`): interpreted calls into a
 * function the structured tier compiled. Where generating code is forbidden
 * the function stays interpreted, and this is one more interpreted loop.
 */
function tierWarmUp(): void {
  const runtime = new Runtime({ jsTier: TIER_WARM_UP_HEAT });
  const module = runtime.instantiateSync(compileSync(tierWarmUpModule(), WARM_UP_LIMITS));
  module.exportedFunction("go")!.call(TIER_WARM_UP_ITERATIONS);
  runtime.close();
}

function anonymousDefinition(fn: FunctionInstance): FunctionDefinition {
  return {
    index: 0,
    exportNames: [],
    debugName: fn.debugName,
    paramTypes: fn.type.params.map((t) => valTypeName(t) as ValueType),
    resultTypes: fn.type.results.map((t) => valTypeName(t) as ValueType),
    paramNames: fn.type.params.map(() => ""),
  };
}

/** A limit from the configuration: a positive integer, or undefined for the default. */
function positiveLimit(name: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, not ${value}`);
  }
  return value;
}

const registerTierOnly = new WeakSet<Runtime>();

/**
 * For tests of the register-code JavaScript tier (`js_tier.ts`): `runtime`
 * compiles hot functions with that tier only, never with the structured
 * tier (`jit/`). Call it before the runtime's first call.
 */
export function useRegisterTierOnly(runtime: Runtime): Runtime {
  registerTierOnly.add(runtime);
  return runtime;
}

const loopEntriesOnly = new WeakSet<Runtime>();

/**
 * For tests of the structured tier's loop entries (`generateFunction`'s
 * `loopAt`): `runtime` never compiles a function for its calls, but enters
 * the structured tier at the first backward branch to an outermost loop of a
 * call whose loops are hot (after `jsTier` branches); functions without
 * such a loop get the register-code tier. Call it before the first call.
 */
export function useLoopEntries(runtime: Runtime): Runtime {
  loopEntriesOnly.add(runtime);
  return runtime;
}
