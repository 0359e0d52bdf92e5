/**
 * {@link WasmFunction}: a callable function of an instantiated module.
 *
 * @module
 */

import { setExceptionRefConverters, WasmException } from "../interpreter/exceptions.ts";
import { externalize } from "../interpreter/gc_heap.ts";
import { wordsOf } from "../interpreter/translate/virtual_stack.ts";
import { CANON_TYPES } from "../validate/type_canon.ts";
import { FunctionInstance } from "../interpreter/instances.ts";
import { DONE, type Machine } from "../interpreter/execute/executor.ts";
import type { FunctionDefinition, ValueType } from "./definitions.ts";
import { inContext, readRaw, readValue, refIn, writeRaw, writeValue } from "./values.ts";

/** What a function needs from its runtime to run. */
export interface CallContext {
  acquireMachine(): Machine;
  releaseMachine(m: Machine): void;
  toFuncRef(value: unknown): FunctionInstance | null;
  fromFuncRef(fn: FunctionInstance): unknown;
  /** Throws if the owning module (or runtime) is closed. */
  checkOpen(): void;
  /** Reads the fuel budget the call may use (Infinity when unmetered). */
  getFuel(): number;
  /** Stores the fuel left after the call. */
  setFuel(fuel: number): void;
}

/**
 * Limits of one call, set with {@link WasmFunction.withOptions}.
 *
 * A synchronous `call` can be stopped by `timeout` (and by an `AbortSignal`
 * aborted from a host function it calls); `callAsync` also lets the event
 * loop run every few milliseconds, so timers and other tasks can abort it.
 */
export interface CallOptions {
  /** Stops the call with `RuntimeError("interrupted: aborted")` once aborted. */
  signal?: AbortSignal;
  /** Stops the call with `RuntimeError("interrupted: deadline exceeded")` after this many ms. */
  timeout?: number;
}

/**
 * The JS value of a value type in the `call` convention: number for i32,
 * f32 and f64; bigint for i64 and v128; a {@link WasmFunction} or null for
 * funcref; any value for externref.
 */
export type JsValueOf<T extends ValueType> = T extends "i32" | "f32" | "f64" ? number
  : T extends "i64" | "v128" ? bigint
  : T extends "funcref" ? WasmFunction | null
  : unknown;

/** The tuple of JS values for a list of value types, e.g. `["i32", "i64"]` → `[number, bigint]`. */
export type JsValues<T extends readonly ValueType[]> = {
  -readonly [K in keyof T]: T[K] extends ValueType ? JsValueOf<T[K]> : never;
};

const now: () => number = typeof globalThis.performance?.now === "function"
  ? () => performance.now()
  : () => Date.now();

/**
 * A WebAssembly function exported by a module (or reached through a table
 * or a `funcref`). Exported from `mod.ts` as `WasmFunction` and, following
 * wazero's naming, as the type `Function`.
 *
 * `Params` and `Results` type `call`'s arguments and results (both
 * `unknown[]` unless given): `Module.typedFunction` checks the signature
 * and infers them from value type names, and `Module.exportedFunction`
 * takes them as type arguments, unchecked.
 *
 * @example
 * ```ts
 * const add = module.exportedFunction("add")!;
 * add.definition.paramTypes;     // ["i32", "i32"]
 * add.call(1, 2);                // [3]
 * add.callRaw(0xffffffffn, 1n);  // [0n]: bit patterns in, bit patterns out
 * await add.callAsync(1, 2);     // [3], and host functions may return Promises
 * add.withOptions({ timeout: 100 }).call(1, 2);
 * ```
 */
export class WasmFunction<
  Params extends unknown[] = unknown[],
  Results extends unknown[] = unknown[],
> {
  readonly #fn: FunctionInstance;
  readonly #ctx: CallContext;
  readonly #options: CallOptions;
  /** Names and types of the function. */
  readonly definition: FunctionDefinition;

  /** @internal */
  constructor(
    fn: FunctionInstance,
    definition: FunctionDefinition,
    ctx: CallContext,
    options: CallOptions = {},
  ) {
    this.#fn = fn;
    this.definition = definition;
    this.#ctx = ctx;
    this.#options = options;
    if (!HANDLES.has(fn)) HANDLES.set(fn, this);
  }

  /** @internal The engine's function. */
  static instance(f: WasmFunction<any, any>): FunctionInstance {
    return f.#fn;
  }

  /**
   * The same function with call limits: a timeout and/or an AbortSignal.
   *
   * @example
   * ```ts
   * const loop = module.exportedFunction("spin")!;
   * try {
   *   loop.withOptions({ timeout: 50 }).call();
   * } catch (e) {
   *   console.log((e as Error).message); // "interrupted: deadline exceeded"
   * }
   * ```
   */
  withOptions(options: CallOptions): WasmFunction<Params, Results> {
    return new WasmFunction<Params, Results>(this.#fn, this.definition, this.#ctx, {
      ...this.#options,
      ...options,
    });
  }

  /**
   * Calls the function with JS values (i32 → number, i64 → bigint, f32/f64
   * → number, v128 → unsigned bigint, references → `null`, a function or any
   * JS value) and returns its results as an array in the same convention.
   *
   * @throws {RuntimeError} when the function traps or is interrupted; the
   * error's stack shows the wasm frames.
   * @throws {ExitError} when the module exits (e.g. WASI `proc_exit`).
   * @throws {TypeError} when a host function it calls returns a Promise (use
   * {@link callAsync}).
   */
  call(...params: Params): Results {
    const m = this.#start(params, false, false);
    try {
      if (m.execute(this.#fn, 0) !== DONE) throw new Error("internal error: a sync call suspended");
      return this.#results(m, false) as Results;
    } finally {
      this.#finish(m);
    }
  }

  /**
   * Calls the function with raw bit patterns: every numeric parameter and
   * result is an unsigned bigint (i32/f32: 0..2^32-1, i64/f64: 0..2^64-1,
   * v128: 0..2^128-1); references are passed as they are.
   */
  callRaw(...params: unknown[]): unknown[] {
    const m = this.#start(params, true, false);
    try {
      if (m.execute(this.#fn, 0) !== DONE) throw new Error("internal error: a sync call suspended");
      return this.#results(m, true);
    } finally {
      this.#finish(m);
    }
  }

  /**
   * Calls the function asynchronously: when a host function returns a
   * Promise, the WebAssembly code is suspended right there, the Promise is
   * awaited, and execution resumes in place with its value. Long-running
   * code also yields to the event loop every few milliseconds, so other
   * tasks (and `AbortSignal`s) keep running. Results as for {@link call}.
   */
  async callAsync(...params: Params): Promise<Results> {
    const m = this.#start(params, false, true);
    try {
      let status = m.execute(this.#fn, 0);
      while (status !== DONE) {
        const pending = m.pending;
        if (pending !== null) {
          const complete = m.pendingComplete!;
          m.pending = null;
          m.pendingComplete = null;
          let value: unknown;
          try {
            value = await pending;
          } catch (e) {
            // A wasm exception from an asynchronous host function goes to wasm's handlers.
            if (!(e instanceof WasmException)) {
              m.abandon(e);
              throw e;
            }
            if (!m.raise(e)) throw e;
            status = m.resume();
            continue;
          }
          complete(value);
        } else {
          await yieldToEventLoop();
        }
        status = m.resume();
      }
      return this.#results(m, false) as Results;
    } finally {
      this.#finish(m);
    }
  }

  #start(params: unknown[], raw: boolean, asyncMode: boolean): Machine {
    const ctx = this.#ctx;
    ctx.checkOpen();
    // Canonical types: a concrete reference type names a canonical type id (see `values.ts`).
    const type = CANON_TYPES[this.#fn.typeId];
    if (params.length !== type.params.length) {
      throw new TypeError(
        `${this.definition.debugName} expects ${type.params.length} argument(s), got ${params.length}`,
      );
    }
    const m = ctx.acquireMachine();
    try {
      let words = 0;
      for (const t of type.params) words += wordsOf(t);
      let resultWords = 0;
      for (const t of type.results) resultWords += wordsOf(t);
      m.ensureWords(Math.max(words, resultWords) + 64);
      let at = 0, i = 0;
      try {
        for (; i < params.length; i++) {
          const t = type.params[i];
          if (raw) writeRaw(m.R, m.refs, at, t, params[i], ctx.toFuncRef);
          else writeValue(m.R, m.refs, at, t, params[i], ctx.toFuncRef);
          at += wordsOf(t);
        }
      } catch (e) {
        throw inContext(e, `${this.definition.debugName} argument ${i}`, 1, i);
      }
      const { signal, timeout } = this.#options;
      signal?.throwIfAborted?.();
      m.configure(signal ?? null, timeout === undefined ? Infinity : now() + timeout, asyncMode);
      m.fuel = ctx.getFuel();
      return m;
    } catch (e) {
      ctx.releaseMachine(m);
      throw e;
    }
  }

  #results(m: Machine, raw: boolean): unknown[] {
    const ctx = this.#ctx;
    const results: unknown[] = [];
    let at = 0;
    for (const t of CANON_TYPES[this.#fn.typeId].results) {
      results.push(
        raw
          ? readRaw(m.R, m.refs, at, t, ctx.fromFuncRef)
          : readValue(m.R, m.refs, at, t, ctx.fromFuncRef),
      );
      at += wordsOf(t);
    }
    return results;
  }

  #finish(m: Machine): void {
    this.#ctx.setFuel(m.fuel);
    m.configure(null, Infinity, false);
    this.#ctx.releaseMachine(m);
  }
}

/** Lets other tasks (timers, I/O, abort handlers) run before continuing. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** The first public handle made of each function instance (for values outside any call). */
const HANDLES = new WeakMap<FunctionInstance, WasmFunction>();

/** What a funcref slot holds for a host value: a `WasmFunction`'s function instance, or null. */
function funcRefOf(value: unknown): FunctionInstance | null {
  if (value === null || value === undefined) return null;
  if (value instanceof WasmFunction) return WasmFunction.instance(value);
  throw new TypeError("a function reference must be null or a function obtained from a module");
}

/** A reference value as the host sees it: function instances as their public handles. */
function refToHost(v: unknown): unknown {
  if (!(v instanceof FunctionInstance)) return externalize(v);
  const handle = HANDLES.get(v);
  if (handle !== undefined) return handle;
  const owner = v.instance?.owner as { functionHandle?(fn: FunctionInstance): unknown } | null;
  return owner?.functionHandle?.(v) ?? v;
}

// Exceptions' values (`WasmException.values`, `getArg`, its constructor) convert references as
// calls do.
setExceptionRefConverters((v, t) => refIn(v, t, funcRefOf), refToHost);
