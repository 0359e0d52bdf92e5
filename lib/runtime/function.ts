/**
 * {@link WasmFunction}: a callable function of an instantiated module.
 *
 * @module
 */

import { wordsOf } from "../interpreter/translator.ts";
import type { FunctionInstance } from "../interpreter/instances.ts";
import type { Machine } from "../interpreter/executor.ts";
import type { FunctionDefinition } from "./definitions.ts";
import { readRaw, readValue, writeRaw, writeValue } from "./values.ts";

/** What a function needs from its runtime to run. */
export interface CallContext {
  acquireMachine(): Machine;
  releaseMachine(m: Machine): void;
  toFuncRef(value: unknown): FunctionInstance | null;
  fromFuncRef(fn: FunctionInstance): unknown;
  /** Throws if the owning module (or runtime) is closed. */
  checkOpen(): void;
}

/**
 * A WebAssembly function exported by a module (or reached through a table
 * or a `funcref`). Exported from `mod.ts` as `WasmFunction` and, following
 * wazero's naming, as the type `Function`.
 *
 * @example
 * ```ts
 * const add = module.exportedFunction("add")!;
 * add.definition.paramTypes;     // ["i32", "i32"]
 * add.call(1, 2);                // [3]
 * add.callRaw(0xffffffffn, 1n);  // [0n]: bit patterns in, bit patterns out
 * ```
 */
export class WasmFunction {
  readonly #fn: FunctionInstance;
  readonly #ctx: CallContext;
  /** Names and types of the function. */
  readonly definition: FunctionDefinition;

  /** @internal */
  constructor(fn: FunctionInstance, definition: FunctionDefinition, ctx: CallContext) {
    this.#fn = fn;
    this.definition = definition;
    this.#ctx = ctx;
  }

  /** @internal The engine's function. */
  static instance(f: WasmFunction): FunctionInstance {
    return f.#fn;
  }

  /**
   * Calls the function with JS values (i32 → number, i64 → bigint, f32/f64
   * → number, v128 → unsigned bigint, references → `null`, a function or any
   * JS value) and returns its results as an array in the same convention.
   *
   * @throws {RuntimeError} when the function traps; the error's stack shows
   * the wasm frames.
   */
  call(...params: unknown[]): unknown[] {
    return this.#invoke(params, false);
  }

  /**
   * Calls the function with raw bit patterns: every numeric parameter and
   * result is an unsigned bigint (i32/f32: 0..2^32-1, i64/f64: 0..2^64-1,
   * v128: 0..2^128-1); references are passed as they are.
   */
  callRaw(...params: unknown[]): unknown[] {
    return this.#invoke(params, true);
  }

  #invoke(params: unknown[], raw: boolean): unknown[] {
    const ctx = this.#ctx;
    ctx.checkOpen();
    const fn = this.#fn;
    const type = fn.type;
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
      const toFuncRef = ctx.toFuncRef;
      let at = 0;
      for (let i = 0; i < params.length; i++) {
        const t = type.params[i];
        if (raw) writeRaw(m.R, m.refs, at, t, params[i], toFuncRef);
        else writeValue(m.R, m.refs, at, t, params[i], toFuncRef);
        at += wordsOf(t);
      }
      m.execute(fn, 0);
      const results: unknown[] = [];
      at = 0;
      for (const t of type.results) {
        results.push(
          raw
            ? readRaw(m.R, m.refs, at, t, ctx.fromFuncRef)
            : readValue(m.R, m.refs, at, t, ctx.fromFuncRef),
        );
        at += wordsOf(t);
      }
      return results;
    } finally {
      ctx.releaseMachine(m);
    }
  }
}
