/**
 * Conversions between integers and floats, with the spec's traps and
 * rounding.
 *
 * Float operands are numbers (read by the executor through its float views;
 * an f32 is exactly representable as a number, so the f32 and f64 variants
 * of a truncation are the same function). i32 results are returned as int32
 * numbers, float results as numbers. i64 operands and results live in the
 * `Int32Array` register view at absolute low-word indices, as in `i64.ts`.
 *
 * Reinterpretations need no code: they are bit moves through the Int32Array
 * view. f64.promote_f32 is the identity on the number read from the f32
 * view, and f32.demote_f64 is `Math.fround` (correctly rounded, NaN stays
 * NaN); both are exported anyway so that every conversion has a name here.
 *
 * @module
 */

import { trap } from "./i32.ts";

const TWO_32 = 4294967296;
const TWO_63 = 9223372036854775808;
const TWO_64 = 18446744073709551616;

// Range checks are written so that NaN fails them, and then tells itself
// apart from an overflow; the bounds are exact reals, valid for f32 inputs
// too because every f32 value is exact in f64.

/** i32.trunc_f32_s / i32.trunc_f64_s: valid iff -2^31 - 1 < x < 2^31. */
export function i32TruncS(x: number): number {
  if (x > -2147483649 && x < 2147483648) return x | 0;
  return trap(x === x ? "integer overflow" : "invalid conversion to integer");
}

/** i32.trunc_f32_u / i32.trunc_f64_u: valid iff -1 < x < 2^32; returns the int32 bit pattern. */
export function i32TruncU(x: number): number {
  if (x > -1 && x < TWO_32) return x | 0;
  return trap(x === x ? "integer overflow" : "invalid conversion to integer");
}

/**
 * Stores the already truncated integer t, -2^63 ≤ t < 2^64, as an i64.
 * `t / 2^32` is exact (a power-of-two scaling), so its floor is the high
 * word, and `t - hi·2^32` is an exact integer in [0, 2^32).
 */
function storeInt(R: Int32Array, dst: number, t: number): void {
  const hi = Math.floor(t / TWO_32);
  R[dst] = (t - hi * TWO_32) | 0;
  R[dst + 1] = hi | 0;
}

/**
 * i64.trunc_f32_s / i64.trunc_f64_s into R[dst]: valid iff -2^63 - 1 < x < 2^63, which
 * for floats means -2^63 ≤ x (no float lies strictly between -2^63 - 1 and -2^63).
 */
export function i64TruncS(R: Int32Array, dst: number, x: number): void {
  if (x >= -TWO_63 && x < TWO_63) storeInt(R, dst, Math.trunc(x));
  else trap(x === x ? "integer overflow" : "invalid conversion to integer");
}

/** i64.trunc_f32_u / i64.trunc_f64_u into R[dst]: valid iff -1 < x < 2^64. */
export function i64TruncU(R: Int32Array, dst: number, x: number): void {
  if (x > -1 && x < TWO_64) storeInt(R, dst, Math.trunc(x));
  else trap(x === x ? "integer overflow" : "invalid conversion to integer");
}

/** i32.trunc_sat_f32_s / i32.trunc_sat_f64_s: NaN → 0, out of range → the nearest bound. */
export function i32TruncSatS(x: number): number {
  if (x > -2147483649 && x < 2147483648) return x | 0;
  return x !== x ? 0 : x < 0 ? -0x80000000 : 0x7fffffff;
}

/**
 * i32.trunc_sat_f32_u / i32.trunc_sat_f64_u: NaN → 0, clamped to [0, 2^32 - 1]; returns the
 * int32 bit pattern.
 */
export function i32TruncSatU(x: number): number {
  if (x > -1 && x < TWO_32) return x | 0;
  return x > 0 ? -1 : 0;
}

/** i64.trunc_sat_f32_s / i64.trunc_sat_f64_s into R[dst]. */
export function i64TruncSatS(R: Int32Array, dst: number, x: number): void {
  if (x >= -TWO_63 && x < TWO_63) storeInt(R, dst, Math.trunc(x));
  else if (x < 0) {
    R[dst] = 0;
    R[dst + 1] = -0x80000000;
  } else if (x > 0) {
    R[dst] = -1;
    R[dst + 1] = 0x7fffffff;
  } else R[dst] = R[dst + 1] = 0;
}

/** i64.trunc_sat_f32_u / i64.trunc_sat_f64_u into R[dst]. */
export function i64TruncSatU(R: Int32Array, dst: number, x: number): void {
  if (x > -1 && x < TWO_64) storeInt(R, dst, Math.trunc(x));
  else R[dst] = R[dst + 1] = x > 0 ? -1 : 0;
}

/** f32.convert_i32_u: a uint32 is exact in f64, so `fround` rounds once. */
export function f32ConvertI32U(x: number): number {
  return Math.fround(x >>> 0);
}

/** f64.convert_i32_u: exact. */
export function f64ConvertI32U(x: number): number {
  return x >>> 0;
}

/**
 * f64.convert_i64_s of R[a]: `hi·2^32` and `lo` are both exact doubles, so
 * their sum is rounded exactly once, correctly.
 */
export function f64ConvertI64S(R: Int32Array, a: number): number {
  return R[a + 1] * TWO_32 + (R[a] >>> 0);
}

/** f64.convert_i64_u of R[a], rounded once as in `f64ConvertI64S`. */
export function f64ConvertI64U(R: Int32Array, a: number): number {
  return (R[a + 1] >>> 0) * TWO_32 + (R[a] >>> 0);
}

/**
 * f32.convert_i64_s of R[a], correctly rounded. Rounding to f64 first and
 * then to f32 can go wrong when the value has more than 53 significant bits
 * (e.g. 0x7fffff4000000001 becomes an f32 tie in f64). In that range (|v| ≥
 * 2^53, so the f32 rounding position is at bit 29 or higher) the low 12 bits
 * only matter as "zero or not": they are replaced by a sticky bit 11, which
 * keeps v strictly inside the same 2^12-aligned interval, one that holds no
 * f32 value nor f32 midpoint. The result fits in 53 bits, so the f64 is
 * exact and `fround` rounds once. Two's complement needs no special case.
 */
export function f32ConvertI64S(R: Int32Array, a: number): number {
  const hi = R[a + 1];
  let lo = R[a];
  if ((((hi + 0x200000) | 0) >>> 22) !== 0 && (lo & 0xfff) !== 0) lo = (lo & ~0xfff) | 0x800;
  return Math.fround(hi * TWO_32 + (lo >>> 0));
}

/** f32.convert_i64_u of R[a], correctly rounded with the sticky bit of `f32ConvertI64S`. */
export function f32ConvertI64U(R: Int32Array, a: number): number {
  const hi = R[a + 1];
  let lo = R[a];
  if ((hi >>> 21) !== 0 && (lo & 0xfff) !== 0) lo = (lo & ~0xfff) | 0x800;
  return Math.fround((hi >>> 0) * TWO_32 + (lo >>> 0));
}

/** f32.demote_f64: `Math.fround` rounds to nearest even and maps NaN to NaN. */
export function f32DemoteF64(x: number): number {
  return Math.fround(x);
}

/** f64.promote_f32: the identity on the number read from the f32 view. */
export function f64PromoteF32(x: number): number {
  return x;
}

/** i32.wrap_i64 of R[a]: the low word. */
export function i32WrapI64(R: Int32Array, a: number): number {
  return R[a];
}

/** i64.extend_i32_s: the i32 in R[a] (a low word) sign-extended into R[dst], R[dst + 1]. */
export function i64ExtendI32S(R: Int32Array, dst: number, a: number): void {
  const lo = R[a];
  R[dst] = lo;
  R[dst + 1] = lo >> 31;
}

/** i64.extend_i32_u: the i32 in R[a] zero-extended into R[dst], R[dst + 1]. */
export function i64ExtendI32U(R: Int32Array, dst: number, a: number): void {
  R[dst] = R[a];
  R[dst + 1] = 0;
}

/** i32.trunc_f32_s (same function as `i32TruncS`). */
export const i32TruncF32S: (x: number) => number = i32TruncS;
/** i32.trunc_f64_s (same function as `i32TruncS`). */
export const i32TruncF64S: (x: number) => number = i32TruncS;
/** i32.trunc_f32_u (same function as `i32TruncU`). */
export const i32TruncF32U: (x: number) => number = i32TruncU;
/** i32.trunc_f64_u (same function as `i32TruncU`). */
export const i32TruncF64U: (x: number) => number = i32TruncU;
