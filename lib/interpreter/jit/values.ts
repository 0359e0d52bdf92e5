/**
 * How the structured tier holds WebAssembly values in JavaScript variables,
 * and the conversions between that form and bit patterns.
 *
 * - i32: an int32 number.
 * - i64: two int32 numbers, low word and high word.
 * - f32, f64: a number, except NaNs other than the canonical one
 *   (f32 `0x7fc00000`, f64 `0x7ff8000000000000`), which are {@link NaNBits}
 *   objects. A NaN *number* always means the canonical NaN.
 *
 * Why the objects: a JavaScript engine may change a NaN's bits when it stores
 * the number (JavaScriptCore canonicalises every NaN it boxes; converting an
 * f32 signalling NaN to a double sets its quiet bit), but WebAssembly keeps
 * NaN payloads through every move, load, store and global, and defines abs,
 * neg and copysign on the sign bit. An object survives every move untouched.
 * Arithmetic still works on it, since `valueOf` gives `NaN` (and any NaN
 * result of arithmetic may be the canonical NaN); only the operations that
 * look at bits (stores, reinterpretations, abs, neg, copysign) test for it.
 * Non-canonical NaNs are rare in real programs, so the objects cost nothing
 * where they do not occur.
 *
 * @module
 */

/** A non-canonical NaN: its bits (f32: `lo` only). */
export class NaNBits {
  constructor(readonly lo: number, readonly hi: number) {}
  /** Arithmetic sees a NaN. */
  valueOf(): number {
    return NaN;
  }
}

/** A float as the structured tier holds it. */
export type FloatValue = number | NaNBits;

const scratch = new ArrayBuffer(8);
const I32 = new Int32Array(scratch);
const F32 = new Float32Array(scratch);
const F64 = new Float64Array(scratch);

/** The high word of the last 64-bit result of {@link f64Bits} (and the i64 helpers). */
export const wide = { hi: 0 };

/** The f32 whose bits are `bits`. */
export function f32FromBits(bits: number): FloatValue {
  if ((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0) {
    return bits === 0x7fc00000 ? NaN : new NaNBits(bits, 0);
  }
  I32[0] = bits;
  return F32[0];
}

/** The bits of an f32. */
export function f32Bits(x: FloatValue): number {
  if (typeof x !== "number") return x.lo;
  if (x !== x) return 0x7fc00000;
  F32[0] = x;
  return I32[0];
}

/** The f64 whose bits are (`lo`, `hi`). */
export function f64FromBits(lo: number, hi: number): FloatValue {
  if ((hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) | lo) !== 0) {
    return hi === 0x7ff80000 && lo === 0 ? NaN : new NaNBits(lo, hi);
  }
  I32[0] = lo;
  I32[1] = hi;
  return F64[0];
}

/** The low word of an f64's bits; the high word is left in `wide.hi`. */
export function f64Bits(x: FloatValue): number {
  if (typeof x !== "number") {
    wide.hi = x.hi;
    return x.lo;
  }
  if (x !== x) {
    wide.hi = 0x7ff80000;
    return 0;
  }
  F64[0] = x;
  wide.hi = I32[1];
  return I32[0];
}

/** f32.load's value: the f32 at `at` (bounds checked by the view). */
export function loadF32(mem: DataView, at: number): FloatValue {
  const x = mem.getFloat32(at, true);
  return x === x ? x : f32FromBits(mem.getInt32(at, true));
}

/** f64.load's value. */
export function loadF64(mem: DataView, at: number): FloatValue {
  const x = mem.getFloat64(at, true);
  return x === x ? x : f64FromBits(mem.getInt32(at, true), mem.getInt32(at + 4, true));
}

/** f32.store. */
export function storeF32(mem: DataView, at: number, x: FloatValue): void {
  if (typeof x === "number" && x === x) mem.setFloat32(at, x, true);
  else mem.setInt32(at, f32Bits(x), true);
}

/** f64.store: nothing is written when the 8 bytes are not all in bounds. */
export function storeF64(mem: DataView, at: number, x: FloatValue): void {
  if (typeof x === "number" && x === x) mem.setFloat64(at, x, true);
  else {
    const lo = f64Bits(x);
    mem.setInt32(at + 4, wide.hi, true);
    mem.setInt32(at, lo, true);
  }
}

/** f32.abs: clears the sign bit, NaN payloads included. */
export function absF32(x: FloatValue): FloatValue {
  return typeof x === "number" && x === x ? Math.abs(x) : f32FromBits(f32Bits(x) & 0x7fffffff);
}

/** f32.neg: flips the sign bit. */
export function negF32(x: FloatValue): FloatValue {
  return typeof x === "number" && x === x ? -x : f32FromBits(f32Bits(x) ^ 0x80000000);
}

/** f32.copysign. */
export function copysignF32(x: FloatValue, y: FloatValue): FloatValue {
  return f32FromBits((f32Bits(x) & 0x7fffffff) | (f32Bits(y) & 0x80000000));
}

/** f64.abs. */
export function absF64(x: FloatValue): FloatValue {
  if (typeof x === "number" && x === x) return Math.abs(x);
  const lo = f64Bits(x);
  return f64FromBits(lo, wide.hi & 0x7fffffff);
}

/** f64.neg. */
export function negF64(x: FloatValue): FloatValue {
  if (typeof x === "number" && x === x) return -x;
  const lo = f64Bits(x);
  return f64FromBits(lo, wide.hi ^ 0x80000000);
}

/** f64.copysign. */
export function copysignF64(x: FloatValue, y: FloatValue): FloatValue {
  f64Bits(y);
  const sign = wide.hi & 0x80000000;
  const lo = f64Bits(x);
  return f64FromBits(lo, (wide.hi & 0x7fffffff) | sign);
}
