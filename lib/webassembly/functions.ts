/**
 * Functions across the JS API's boundary: exported function objects that run
 * wasm code (with ToWebAssemblyValue on the arguments and ToJSValue on the
 * results), and host functions made from the plain JS functions a module
 * imports.
 *
 * @module
 */

import type { FuncType } from "../binary/types.ts";
import { exceptionOfInternalValues, WasmException } from "../interpreter/exceptions.ts";
import { DONE, type Machine } from "../interpreter/execute/executor.ts";
import { FunctionInstance, type HostCall } from "../interpreter/instances.ts";
import { wordsOf } from "../interpreter/translate/virtual_stack.ts";
import { ValType } from "../binary/types.ts";
import { readValue, writeValue } from "../runtime/values.ts";
import type { FacadeContext } from "./context.ts";
import { isTrap, toFacadeError } from "./errors.ts";
import { toJSValue, toWebAssemblyValue } from "./values.ts";

const now: () => number = typeof globalThis.performance?.now === "function"
  ? () => performance.now()
  : () => Date.now();

/** Values are already runtime values when written: funcrefs are function instances. */
const asFuncRef = (value: unknown) => value as FunctionInstance | null;

/** Reads the runtime value of type `t` at word `at` (references as they are held). */
function readSlot(R: Int32Array, refs: unknown[], at: number, t: number): unknown {
  if (t === ValType.funcref || t === ValType.externref) return refs[at >> 1];
  return readValue(R, refs, at, t, () => null);
}

/** The machines running calls of this namespace, innermost last (nested calls take their fuel). */
const running = new WeakMap<FacadeContext, Machine[]>();

/**
 * Calls `fn` with JS arguments as an exported function does: converts them
 * (missing ones are `undefined`), runs the code on a machine of the
 * namespace's runtime, and converts the results (none: `undefined`, one: the
 * value, several: an array). Traps become the facade's RuntimeError.
 */
export function callExported(ctx: FacadeContext, fn: FunctionInstance, args: unknown[]): unknown {
  const type = fn.type;
  const lookup = (v: unknown) => ctx.functions.get(v as object);
  const values = type.params.map((t, i) => toWebAssemblyValue(args[i], t, lookup));
  const m = ctx.runtime.acquireMachine();
  let stack = running.get(ctx);
  if (stack === undefined) running.set(ctx, stack = []);
  const outer = stack.at(-1);
  try {
    let words = 0, resultWords = 0;
    for (const t of type.params) words += wordsOf(t);
    for (const t of type.results) resultWords += wordsOf(t);
    m.ensureWords(Math.max(words, resultWords) + 64);
    let at = 0;
    for (let i = 0; i < values.length; i++) {
      writeValue(m.R, m.refs, at, type.params[i], values[i], asFuncRef);
      at += wordsOf(type.params[i]);
    }
    if (outer === undefined) {
      const timeout = ctx.options.timeout;
      ctx.deadline = timeout === undefined ? Infinity : now() + timeout;
    }
    m.configure(null, ctx.deadline, false);
    m.fuel = outer === undefined ? ctx.fuel : outer.fuel;
    stack.push(m);
    try {
      if (m.execute(fn, 0) !== DONE) throw new Error("internal error: a sync call suspended");
    } finally {
      stack.pop();
      if (outer === undefined) ctx.fuel = m.fuel;
      else outer.fuel = m.fuel;
    }
    const results: unknown[] = [];
    at = 0;
    for (const t of type.results) {
      results.push(toJSValue(readSlot(m.R, m.refs, at, t), t, ctx.functionObject));
      at += wordsOf(t);
    }
    return results.length === 0 ? undefined : results.length === 1 ? results[0] : results;
  } catch (e) {
    throw e instanceof WasmException ? ctx.exceptionObject(e) : toFacadeError(ctx.errors, e);
  } finally {
    m.configure(null, Infinity, false);
    ctx.runtime.releaseMachine(m);
  }
}

/**
 * The exported function object of `fn`: a non-constructor function whose
 * `length` is its parameter count and whose `name` is its index in the
 * instance that defines it (`index` for host functions, which have none).
 */
export function makeExportedFunction(
  ctx: FacadeContext,
  fn: FunctionInstance,
  index: number,
): (...args: unknown[]) => unknown {
  // A method is not a constructor and has no prototype, as the spec's built-in function.
  const exported = {
    call(...args: unknown[]): unknown {
      return callExported(ctx, fn, args);
    },
  }.call;
  const defined = fn.instance?.functions.indexOf(fn) ?? -1;
  Object.defineProperty(exported, "length", { value: fn.type.params.length });
  Object.defineProperty(exported, "name", { value: String(defined >= 0 ? defined : index) });
  return exported;
}

/**
 * A host function of type `type` that calls `callable` as the spec's "create
 * a host function" does: arguments through ToJSValue, `this` undefined, the
 * result through ToWebAssemblyValue (several results from an iterable).
 * Whatever `callable` throws passes through the wasm frames unchanged.
 */
export function makeHostFunction(
  ctx: FacadeContext,
  callable: (...args: unknown[]) => unknown,
  type: FuncType,
  debugName: string,
): FunctionInstance {
  const { params, results } = type;
  const lookup = (v: unknown) => ctx.functions.get(v as object);
  const call: HostCall = (m, base) => {
    const args: unknown[] = [];
    let at = base;
    for (const t of params) {
      args.push(toJSValue(readSlot(m.R, m.refs, at, t), t, ctx.functionObject));
      at += wordsOf(t);
    }
    const returned = Reflect.apply(callable, undefined, args);
    if (results.length === 0) return;
    let values: unknown[];
    if (results.length === 1) values = [returned];
    else values = iterableToList(returned, results.length, debugName);
    const converted = results.map((t, i) => toWebAssemblyValue(values[i], t, lookup));
    at = base;
    for (let i = 0; i < results.length; i++) {
      writeValue(m.R, m.refs, at, results[i], converted[i], asFuncRef);
      at += wordsOf(results[i]);
    }
  };
  // What the import throws (its conversions included) is a JS exception to wasm.
  const host: HostCall = (m, base, caller) => {
    try {
      call(m, base, caller);
    } catch (e) {
      throw toWasmException(ctx, e);
    }
  };
  return new FunctionInstance(type, null, null, host, debugName);
}

/**
 * What a JS import's exception becomes in wasm: a `WebAssembly.Exception`
 * the exception it holds; a trap stays a trap (never caught by wasm); any
 * other value an exception of `WebAssembly.JSTag` carrying it.
 */
function toWasmException(ctx: FacadeContext, e: unknown): unknown {
  const exn = ctx.exceptions.get(e as object);
  if (exn !== undefined) return exn;
  if (isTrap(e) || ctx.jsTag === null) return e;
  return exceptionOfInternalValues(ctx.jsTag, [e]);
}

/**
 * The spec's IterableToList for a host function's results: `@@iterator` is
 * read once, then `next`, `done` and `value` as the iteration protocol
 * does (a TypeError unless it yields exactly `count` values).
 */
function iterableToList(value: unknown, count: number, name: string): unknown[] {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) {
    throw new TypeError(`${name} must return an iterable of ${count} values`);
  }
  const method = (value as Record<symbol, unknown>)[Symbol.iterator];
  if (typeof method !== "function") {
    throw new TypeError(`${name} must return an iterable of ${count} values`);
  }
  const iterator = Reflect.apply(method, value, []) as Iterator<unknown>;
  if (iterator === null || (typeof iterator !== "object" && typeof iterator !== "function")) {
    throw new TypeError(`${name}'s result has an iterator that is not an object`);
  }
  const next = iterator.next;
  const values: unknown[] = [];
  for (;;) {
    const step = Reflect.apply(next, iterator, []) as IteratorResult<unknown>;
    if (step === null || (typeof step !== "object" && typeof step !== "function")) {
      throw new TypeError(`${name}'s result iterator returned a non-object`);
    }
    if (step.done) break;
    values.push(step.value);
  }
  if (values.length !== count) {
    throw new TypeError(`${name} returned ${values.length} values, expected ${count}`);
  }
  return values;
}
