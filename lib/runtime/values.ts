/**
 * Conversions between JS values and the register file at the API boundary,
 * in the two conventions the API offers:
 *
 * - **JS values** (`Function.call`, host functions, `Global.value`): i32 →
 *   number (signed), i64 → bigint (signed), f32/f64 → number, v128 → bigint
 *   (unsigned 128-bit), references → `null` or the value itself (a
 *   `WasmFunction` for every function reference type, any JS value for
 *   externref, a `WasmException` for exnref, GC objects as opaque handles);
 * - **raw bits** (`Function.callRaw`, `Global.rawValue`): every number type
 *   as an unsigned bigint bit pattern (i32/f32: 0..2^32-1, i64/f64:
 *   0..2^64-1, v128: 0..2^128-1), references as above.
 *
 * Values are written at a word offset of an `Int32Array` (low word first);
 * references go to `refs[offset >> 1]`. Types are canonical (a concrete
 * reference type names a canonical type id, see `type_canon.ts`).
 *
 * @module
 */

import {
  HeapType,
  heapTypeOf,
  isNullable,
  isRefType,
  ValType,
  valTypeName,
} from "../binary/types.ts";
import { WasmException } from "../interpreter/exceptions.ts";
import { externalize, internalize, refTest } from "../interpreter/gc_heap.ts";
import { FunctionInstance } from "../interpreter/instances.ts";
import { heapTop } from "../validate/type_canon.ts";

/** A value crossing the API boundary. */
export type Value = number | bigint | null | unknown;

const scratch = new DataView(new ArrayBuffer(8));
const MASK64 = (1n << 64n) - 1n;
const MASK128 = (1n << 128n) - 1n;

/** Resolves a JS value to what a funcref slot holds (a function instance or null). */
export type FuncRefResolver = (value: unknown) => FunctionInstance | null;
/** Turns a function instance found in a funcref slot into what the API returns. */
export type FuncRefExporter = (fn: FunctionInstance) => unknown;

function wordsToBigInt(R: Int32Array, at: number, words: number): bigint {
  let v = 0n;
  for (let i = words - 1; i >= 0; i--) v = (v << 32n) | BigInt(R[at + i] >>> 0);
  return v;
}

function bigIntToWords(R: Int32Array, at: number, words: number, v: bigint): void {
  for (let i = 0; i < words; i++) {
    R[at + i] = Number(v & 0xffffffffn) | 0;
    v >>= 32n;
  }
}

function typeError(expected: string, value: unknown): TypeError {
  const shown = value === undefined || value === null
    ? String(value)
    : typeof value === "bigint"
    ? `bigint ${value}n`
    : typeof value === "string"
    ? `string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + "…" : value)}`
    : `${typeof value} ${String(value)}`;
  return new TypeError(`expected ${expected}, got ${shown}`);
}

/**
 * A value conversion's TypeError with what was being converted in front:
 * `${what}: expected …` when there is one value, `${what} (value i): …` when
 * there are several. Other errors are returned unchanged.
 */
export function inContext(error: unknown, what: string, count: number, index: number): unknown {
  if (!(error instanceof TypeError)) return error;
  const which = count > 1 ? ` (value ${index})` : "";
  return new TypeError(`${what}${which}: ${error.message}`, { cause: error });
}

/** Writes a JS value of type `t` at word `at`. */
export function writeValue(
  R: Int32Array,
  refs: unknown[],
  at: number,
  t: number,
  value: unknown,
  toFuncRef: FuncRefResolver,
): void {
  switch (t) {
    case ValType.i32:
      if (typeof value === "number") R[at] = value | 0;
      else if (typeof value === "bigint") R[at] = Number(BigInt.asIntN(32, value));
      else throw typeError("a number for an i32", value);
      return;
    case ValType.i64: {
      let v: bigint;
      if (typeof value === "bigint") v = value;
      else if (typeof value === "number" && Number.isSafeInteger(value)) v = BigInt(value);
      else throw typeError("a bigint (or safe integer) for an i64", value);
      bigIntToWords(R, at, 2, BigInt.asUintN(64, v));
      return;
    }
    case ValType.f32:
      if (typeof value !== "number") throw typeError("a number for an f32", value);
      scratch.setFloat32(0, value, true);
      R[at] = scratch.getInt32(0, true);
      return;
    case ValType.f64:
      if (typeof value !== "number") throw typeError("a number for an f64", value);
      scratch.setFloat64(0, value, true);
      R[at] = scratch.getInt32(0, true);
      R[at + 1] = scratch.getInt32(4, true);
      return;
    case ValType.v128:
      if (typeof value !== "bigint") throw typeError("a bigint for a v128", value);
      bigIntToWords(R, at, 4, BigInt.asUintN(128, value));
      return;
    case ValType.funcref:
      refs[at >> 1] = toFuncRef(value);
      return;
    default:
      refs[at >> 1] = refIn(value, t, toFuncRef);
  }
}

/**
 * A reference from the host for a slot of canonical reference type `t`,
 * checked as the JS API's ToWebAssemblyValue checks it: a function type
 * takes a `WasmFunction` of a matching type (made the function instance),
 * `extern` any host value, `exn` a `WasmException`, and the `any` hierarchy
 * a GC handle of a matching type or, for `any` itself, any host value
 * (internalised as `any.convert_extern` does). Null only where nullable.
 */
export function refIn(value: unknown, t: number, toFuncRef: FuncRefResolver): unknown {
  const ht = heapTypeOf(t);
  const top = heapTop(ht);
  const v = top === HeapType.func
    ? toFuncRef(value)
    : top === HeapType.any
    ? internalize(value ?? null)
    : value ?? null;
  if (v === null) {
    if (!isNullable(t)) throw typeError(`a non-null reference for ${valTypeName(t)}`, value);
    return null;
  }
  if (top === HeapType.exn && !(v instanceof WasmException)) {
    throw typeError(`a WasmException for ${valTypeName(t)}`, value);
  }
  if (ht !== top && !refTest(v, t)) {
    throw typeError(`a reference of type ${valTypeName(t)}`, value);
  }
  return v;
}

/** Reads a JS value of type `t` from word `at`. */
export function readValue(
  R: Int32Array,
  refs: unknown[],
  at: number,
  t: number,
  fromFuncRef: FuncRefExporter,
): unknown {
  switch (t) {
    case ValType.i32:
      return R[at];
    case ValType.i64:
      return BigInt.asIntN(64, wordsToBigInt(R, at, 2));
    case ValType.f32:
      scratch.setInt32(0, R[at], true);
      return scratch.getFloat32(0, true);
    case ValType.f64:
      scratch.setInt32(0, R[at], true);
      scratch.setInt32(4, R[at + 1], true);
      return scratch.getFloat64(0, true);
    case ValType.v128:
      return wordsToBigInt(R, at, 4);
    case ValType.funcref: {
      const f = refs[at >> 1] as FunctionInstance | null | undefined;
      return f == null ? null : fromFuncRef(f);
    }
    default: {
      const v = refs[at >> 1];
      if (v instanceof FunctionInstance) return fromFuncRef(v);
      return v === undefined ? null : externalize(v);
    }
  }
}

/** Writes a raw bit pattern (unsigned bigint) of type `t` at word `at`. */
export function writeRaw(
  R: Int32Array,
  refs: unknown[],
  at: number,
  t: number,
  value: unknown,
  toFuncRef: FuncRefResolver,
): void {
  if (t === ValType.funcref) {
    refs[at >> 1] = toFuncRef(value);
    return;
  }
  if (isRefType(t)) {
    refs[at >> 1] = refIn(value, t, toFuncRef);
    return;
  }
  if (typeof value !== "bigint") throw typeError("a bigint bit pattern", value);
  const words = t === ValType.i32 || t === ValType.f32 ? 1 : t === ValType.v128 ? 4 : 2;
  const mask = words === 1 ? 0xffffffffn : words === 2 ? MASK64 : MASK128;
  bigIntToWords(R, at, words, value & mask);
}

/** Reads a raw bit pattern (unsigned bigint) of type `t` from word `at`. */
export function readRaw(
  R: Int32Array,
  refs: unknown[],
  at: number,
  t: number,
  fromFuncRef: FuncRefExporter,
): unknown {
  if (isRefType(t)) return readValue(R, refs, at, t, fromFuncRef);
  const words = t === ValType.i32 || t === ValType.f32 ? 1 : t === ValType.v128 ? 4 : 2;
  return wordsToBigInt(R, at, words);
}
