/**
 * The JS API's value conversions: ToWebAssemblyValue and ToJSValue (with
 * BigInt for i64, `undefined` kept as an externref), WebIDL's
 * `[EnforceRange] unsigned long`, and the type names of descriptors.
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
import { externalize, internalize } from "../interpreter/gc_heap.ts";
import { FunctionInstance } from "../interpreter/instances.ts";

/** Turns an exported function object back into the runtime's function (or undefined). */
export type FunctionLookup = (value: unknown) => FunctionInstance | undefined;
/** The (cached) exported function object of a runtime function. */
export type FunctionExporter = (fn: FunctionInstance) => unknown;

/**
 * ToWebAssemblyValue: a JS value as the runtime's JS convention holds a
 * value of type `t` (i32: a signed number, i64: a bigint, f32/f64: a number,
 * funcref: a function instance or null, externref: the value itself).
 * Conversions run user code (`valueOf`) and throw TypeError as the spec says.
 */
export function toWebAssemblyValue(value: unknown, t: number, lookup: FunctionLookup): unknown {
  switch (t) {
    case ValType.i32:
      return toNumber(value) | 0;
    case ValType.i64:
      // BigInt.asIntN runs ToBigInt on its argument: exactly ToBigInt64.
      return BigInt.asIntN(64, value as bigint);
    case ValType.f32:
      return Math.fround(toNumber(value));
    case ValType.f64:
      return toNumber(value);
    case ValType.funcref: {
      if (value === null) return null;
      const fn = lookup(value);
      if (fn === undefined) {
        throw new TypeError("a funcref must be null or an exported WebAssembly function");
      }
      return fn;
    }
    case ValType.externref:
      return value;
  }
  if (isRefType(t)) return toTypedRef(value, t, lookup);
  throw new TypeError(
    `a ${valTypeName(t)} value cannot be passed between JavaScript and WebAssembly`,
  );
}

/** ToJSValue: the JS value of a runtime value of type `t` (see {@link toWebAssemblyValue}). */
export function toJSValue(value: unknown, t: number, exporter: FunctionExporter): unknown {
  switch (t) {
    case ValType.funcref:
      return value === null || value === undefined ? null : exporter(value as FunctionInstance);
    case ValType.v128:
      throw new TypeError("a v128 value cannot be passed to JavaScript");
  }
  if (!isRefType(t) || t === ValType.externref) return value;
  if (value instanceof FunctionInstance) return exporter(value);
  return externalize(value);
}

/**
 * A 3.0 reference (typed function references, GC types): null where the
 * type admits it, exported functions as their instances, host values given
 * as `anyref` internalised (small integers become i31s, as the JS API says);
 * GC values pass as the opaque handles they are.
 */
function toTypedRef(value: unknown, t: number, lookup: FunctionLookup): unknown {
  if (value === null) {
    if (!isNullable(t)) throw new TypeError(`null is not a ${valTypeName(t)}`);
    return null;
  }
  if (typeof value === "function") {
    const fn = lookup(value);
    if (fn !== undefined) return fn;
  }
  return heapTypeOf(t) === HeapType.any ? internalize(value) : value;
}

/** ToNumber, which (unlike `Number(x)`) throws a TypeError for a BigInt. */
function toNumber(value: unknown): number {
  return +(value as number);
}

/** WebIDL `[EnforceRange] unsigned long`: a TypeError for NaN, infinities and out-of-range values. */
export function enforceUnsignedLong(value: unknown, what: string): number {
  const x = toNumber(value);
  if (!Number.isFinite(x)) throw new TypeError(`${what} must be a finite number, got ${x}`);
  const n = Math.trunc(x);
  if (n < 0 || n > 0xffffffff) throw new TypeError(`${what} is out of range: ${n}`);
  return n === 0 ? 0 : n;
}

/** ECMAScript ToPrimitive with hint "number", for ToBigInt. */
function toPrimitive(value: object): unknown {
  const o = value as Record<PropertyKey, unknown>;
  const exotic = o[Symbol.toPrimitive];
  if (exotic !== undefined && exotic !== null) {
    const result = (exotic as (hint: string) => unknown).call(value, "number");
    if ((typeof result === "object" && result !== null) || typeof result === "function") {
      throw new TypeError("cannot convert an object to a primitive value");
    }
    return result;
  }
  for (const method of ["valueOf", "toString"]) {
    const f = o[method];
    if (typeof f !== "function") continue;
    const result = f.call(value);
    if ((typeof result !== "object" || result === null) && typeof result !== "function") {
      return result;
    }
  }
  throw new TypeError("cannot convert an object to a primitive value");
}

/** ECMAScript ToBigInt: a TypeError for Numbers, undefined, null and Symbols. */
function toBigInt(value: unknown): bigint {
  const p = (typeof value === "object" && value !== null) || typeof value === "function"
    ? toPrimitive(value)
    : value;
  if (typeof p === "bigint") return p;
  // A malformed string is a SyntaxError, as ToBigInt's StringToBigInt.
  if (typeof p === "string" || typeof p === "boolean") return BigInt(p);
  throw new TypeError(`cannot convert ${p === null ? "null" : typeof p} to a BigInt`);
}

/**
 * WebIDL `[EnforceRange] unsigned long long` given as a BigInt, as the JS
 * API reads the sizes and indices of 64-bit memories and tables: a TypeError
 * outside 0..2^64 - 1. Returned as a number (exact up to 2^53, and larger
 * values only ever fail limit checks).
 */
export function enforceU64(value: unknown, what: string): number {
  const v = toBigInt(value);
  if (v < 0n || v > 0xffffffffffffffffn) throw new TypeError(`${what} is out of range: ${v}`);
  return Number(v);
}

/** An address, size or index of a memory or table: a u32 number, or (64-bit ones) a u64 BigInt. */
export function enforceAddressValue(value: unknown, address64: boolean, what: string): number {
  return address64 ? enforceU64(value, what) : enforceUnsignedLong(value, what);
}

/** The type code of a descriptor's `value`/`element` string; undefined when it names none. */
export function valueTypeCode(name: string): number | undefined {
  switch (name) {
    case "i32":
      return ValType.i32;
    case "i64":
      return ValType.i64;
    case "f32":
      return ValType.f32;
    case "f64":
      return ValType.f64;
    case "v128":
      return ValType.v128;
    case "anyfunc":
    case "funcref":
      return ValType.funcref;
    case "externref":
      return ValType.externref;
  }
  return undefined;
}

/** DefaultValue(t): 0, 0n, null for funcref, `undefined` for externref. */
export function defaultValue(t: number): unknown {
  switch (t) {
    case ValType.i64:
      return 0n;
    case ValType.funcref:
      return null;
    case ValType.externref:
      return undefined;
  }
  return 0;
}

/** BufferSource bytes, copied (the spec compiles a copy: later writes do not change the module). */
export function copyBufferSource(source: unknown): Uint8Array {
  if (source instanceof ArrayBuffer) return new Uint8Array(source.slice(0));
  if (ArrayBuffer.isView(source)) {
    return new Uint8Array(source.buffer, source.byteOffset, source.byteLength).slice();
  }
  if (
    typeof SharedArrayBuffer !== "undefined" && source instanceof SharedArrayBuffer
  ) return new Uint8Array(source.slice(0));
  throw new TypeError("expected an ArrayBuffer or a typed array / DataView of module bytes");
}
