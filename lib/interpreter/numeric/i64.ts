/**
 * i64 arithmetic on pairs of int32 halves, for the interpreter's register
 * file. BigInt is slower on nearly every operation and engine (10× for
 * shifts on V8, 10–50× for everything on JavaScriptCore; see
 * bench/numeric_i64.ts), so no function here allocates or touches BigInt
 * except the API-boundary helpers at the end.
 *
 * Convention: `R` is the register file's `Int32Array` view; `dst`, `a`, `b`
 * are absolute indices of LOW words (the high word is at index + 1). Every
 * function reads all its operands before writing, so `dst` may equal `a` or
 * `b`. The comparison helpers instead take the four halves as plain numbers
 * so that the executor can branch on them without a detour through memory.
 *
 * @module
 */

import { ctz32, popcnt32, trap } from "./i32.ts";

const TWO_32 = 4294967296;
const INV_32 = 1 / 4294967296;

/**
 * The high 32 bits of the unsigned 64-bit product of two uint32 values
 * (given as int32 bit patterns). Math.imul gives the exact low half; the
 * double product is off from the true one by at most 2^10 (half an ulp
 * below 2^64), and subtracting the low half costs at most 2^10 more, so the
 * scaled difference is within 2^-21 of the high half and rounds to it. This
 * beats splitting into 16-bit limbs by 1.5–2× on V8 and JavaScriptCore.
 */
function mulhu(a: number, b: number): number {
  return mulhuOf(a, b, Math.imul(a, b));
}

/**
 * {@link mulhu} given the low half `lo` (`Math.imul(a, b)`), for the
 * multiplications that need both halves (the structured tier's too).
 */
export function mulhuOf(a: number, b: number, lo: number): number {
  return Math.round(((a >>> 0) * (b >>> 0) - (lo >>> 0)) * INV_32);
}

/** i64.add: R[dst] = R[a] + R[b] (mod 2^64). */
export function add64(R: Int32Array, dst: number, a: number, b: number): void {
  const aLo = R[a], bLo = R[b];
  const lo = (aLo + bLo) | 0;
  // A carry happened iff the unsigned sum wrapped below an addend.
  R[dst + 1] = (R[a + 1] + R[b + 1] + ((lo >>> 0) < (aLo >>> 0) ? 1 : 0)) | 0;
  R[dst] = lo;
}

/** i64.sub: R[dst] = R[a] - R[b] (mod 2^64). */
export function sub64(R: Int32Array, dst: number, a: number, b: number): void {
  const aLo = R[a], bLo = R[b];
  R[dst + 1] = (R[a + 1] - R[b + 1] - ((aLo >>> 0) < (bLo >>> 0) ? 1 : 0)) | 0;
  R[dst] = (aLo - bLo) | 0;
}

/**
 * i64.mul: the low 64 bits of the product. The cross terms only reach the
 * high word, where Math.imul's wrap-around is exactly the mod 2^64 we need.
 * The low product is shared with `mulhu` ({@link mulhuOf}).
 */
export function mul64(R: Int32Array, dst: number, a: number, b: number): void {
  const aLo = R[a], bLo = R[b];
  const lo = Math.imul(aLo, bLo);
  R[dst + 1] = (mulhuOf(aLo, bLo, lo) + Math.imul(aLo, R[b + 1]) + Math.imul(R[a + 1], bLo)) | 0;
  R[dst] = lo;
}

/**
 * Unsigned 64-bit division of a by b ≠ 0, writing the quotient (or, if
 * `rem`, the remainder) to R[dst], R[dst + 1]. Results go straight into R
 * rather than through module-level variables, which some engines box as
 * heap numbers. Doubles only:
 * - both operands < 2^53: one double division. Its truncation is exact, since
 *   the rounding error (< q·2^-53) is smaller than the gap 1/b to the next
 *   integer because q·b ≤ a < 2^53;
 * - divisor < 2^32: schoolbook division in digits of 32, 16 and 16 bits, whose
 *   partial dividends (remainder · 2^16 + digit < 2^48) stay exact;
 * - divisor ≥ 2^32: the quotient is < 2^32 and a double estimate is within one
 *   of it. Starting one below the estimate, the product never exceeds a,
 *   and at most two corrections by subtraction follow.
 */
function udivmod(
  R: Int32Array,
  dst: number,
  aLo: number,
  aHi: number,
  bLo: number,
  bHi: number,
  rem: boolean,
): void {
  if (((aHi | bHi) >>> 21) === 0) {
    const x = aHi * TWO_32 + (aLo >>> 0), y = bHi * TWO_32 + (bLo >>> 0);
    const q = Math.trunc(x / y);
    const v = rem ? x - q * y : q;
    R[dst] = v | 0;
    R[dst + 1] = (v * INV_32) | 0;
    return;
  }
  if (bHi === 0) {
    const y = bLo >>> 0, h = aHi >>> 0;
    const q2 = Math.floor(h / y);
    let x = (h - q2 * y) * 65536 + (aLo >>> 16);
    const q1 = Math.floor(x / y);
    x = (x - q1 * y) * 65536 + (aLo & 0xffff);
    const q0 = Math.floor(x / y);
    if (rem) {
      R[dst] = x - q0 * y;
      R[dst + 1] = 0;
    } else {
      R[dst] = q1 * 65536 + q0;
      R[dst + 1] = q2;
    }
    return;
  }
  let q = 0, lo = aLo, hi = aHi;
  if ((aHi >>> 0) >= (bHi >>> 0)) {
    const est = Math.floor(
      ((aHi >>> 0) * TWO_32 + (aLo >>> 0)) / ((bHi >>> 0) * TWO_32 + (bLo >>> 0)),
    );
    q = est > 0 ? (est - 1) | 0 : 0;
    // a - q·b; q·b ≤ a < 2^64, so its low 64 bits are the whole product.
    const pLo = Math.imul(q, bLo);
    const pHi = (mulhu(q, bLo) + Math.imul(q, bHi)) | 0;
    lo = (aLo - pLo) | 0;
    hi = (aHi - pHi - ((aLo >>> 0) < (pLo >>> 0) ? 1 : 0)) | 0;
    while (hi === bHi ? (lo >>> 0) >= (bLo >>> 0) : (hi >>> 0) > (bHi >>> 0)) {
      hi = (hi - bHi - ((lo >>> 0) < (bLo >>> 0) ? 1 : 0)) | 0;
      lo = (lo - bLo) | 0;
      q = (q + 1) | 0;
    }
  }
  if (rem) {
    R[dst] = lo;
    R[dst + 1] = hi;
  } else {
    R[dst] = q;
    R[dst + 1] = 0;
  }
}

/**
 * Signed division (or remainder) through the unsigned one on magnitudes,
 * then the sign fixed up in place: the quotient is negative when the signs
 * differ, the remainder takes the dividend's sign. The slow path of the
 * signed operations below.
 */
function sdivmod(
  R: Int32Array,
  dst: number,
  aLo: number,
  aHi: number,
  bLo: number,
  bHi: number,
  rem: boolean,
): void {
  const aNeg = aHi < 0, bNeg = bHi < 0;
  // The magnitude of INT64_MIN is 2^63, which is what the negation yields
  // when read as unsigned.
  if (aNeg) {
    aHi = (~aHi + (aLo === 0 ? 1 : 0)) | 0;
    aLo = -aLo | 0;
  }
  if (bNeg) {
    bHi = (~bHi + (bLo === 0 ? 1 : 0)) | 0;
    bLo = -bLo | 0;
  }
  udivmod(R, dst, aLo, aHi, bLo, bHi, rem);
  if (rem ? aNeg : aNeg !== bNeg) {
    const lo = R[dst];
    R[dst + 1] = (~R[dst + 1] + (lo === 0 ? 1 : 0)) | 0;
    R[dst] = -lo | 0;
  }
}

// The four division entry points open with the common case inline: both
// operands in the exact-double range (±2^53 signed, < 2^53 unsigned), where a
// single double division, truncated, is exact (see udivmod) and
// `x - q·y` is too (|q·y| ≤ |x|). Writing straight into R there, rather than
// through a helper, halves the cost on V8. `%` is avoided:
// on doubles it is a call to fmod. A zero divisor shows up as y === 0.

/** i64.div_s. Traps on a zero divisor and on INT64_MIN / -1 (the quotient 2^63 overflows). */
export function divS64(R: Int32Array, dst: number, a: number, b: number): void {
  const aHi = R[a + 1], bLo = R[b], bHi = R[b + 1];
  if ((((aHi + 0x200000) | (bHi + 0x200000)) >>> 22) === 0) {
    const y = bHi * TWO_32 + (bLo >>> 0);
    if (y === 0) trap("integer divide by zero");
    const q = Math.trunc((aHi * TWO_32 + (R[a] >>> 0)) / y);
    R[dst] = q | 0;
    R[dst + 1] = Math.floor(q * INV_32) | 0;
    return;
  }
  const aLo = R[a];
  if ((bLo | bHi) === 0) trap("integer divide by zero");
  if ((bLo & bHi) === -1 && aLo === 0 && aHi === -0x80000000) trap("integer overflow");
  sdivmod(R, dst, aLo, aHi, bLo, bHi, false);
}

/** i64.div_u. Traps on a zero divisor. */
export function divU64(R: Int32Array, dst: number, a: number, b: number): void {
  const aHi = R[a + 1], bLo = R[b], bHi = R[b + 1];
  if (((aHi | bHi) >>> 21) === 0) {
    const y = bHi * TWO_32 + (bLo >>> 0);
    if (y === 0) trap("integer divide by zero");
    const q = Math.trunc((aHi * TWO_32 + (R[a] >>> 0)) / y);
    R[dst] = q | 0;
    R[dst + 1] = (q * INV_32) | 0;
    return;
  }
  if ((bLo | bHi) === 0) trap("integer divide by zero");
  udivmod(R, dst, R[a], aHi, bLo, bHi, false);
}

/** i64.rem_s: the remainder takes the dividend's sign; INT64_MIN % -1 is 0, not a trap. */
export function remS64(R: Int32Array, dst: number, a: number, b: number): void {
  const aHi = R[a + 1], bLo = R[b], bHi = R[b + 1];
  if ((((aHi + 0x200000) | (bHi + 0x200000)) >>> 22) === 0) {
    const y = bHi * TWO_32 + (bLo >>> 0);
    if (y === 0) trap("integer divide by zero");
    const x = aHi * TWO_32 + (R[a] >>> 0);
    const r = x - Math.trunc(x / y) * y;
    R[dst] = r | 0;
    R[dst + 1] = Math.floor(r * INV_32) | 0;
    return;
  }
  if ((bLo | bHi) === 0) trap("integer divide by zero");
  sdivmod(R, dst, R[a], aHi, bLo, bHi, true);
}

/** i64.rem_u. Traps on a zero divisor. */
export function remU64(R: Int32Array, dst: number, a: number, b: number): void {
  const aHi = R[a + 1], bLo = R[b], bHi = R[b + 1];
  if (((aHi | bHi) >>> 21) === 0) {
    const y = bHi * TWO_32 + (bLo >>> 0);
    if (y === 0) trap("integer divide by zero");
    const x = aHi * TWO_32 + (R[a] >>> 0);
    const r = x - Math.trunc(x / y) * y;
    R[dst] = r | 0;
    R[dst + 1] = (r * INV_32) | 0;
    return;
  }
  if ((bLo | bHi) === 0) trap("integer divide by zero");
  udivmod(R, dst, R[a], aHi, bLo, bHi, true);
}

// In the shifts below, `(x >>> 1) >>> (31 - n)` stands for `x >>> (32 - n)`:
// JavaScript takes shift counts mod 32, so the direct form would be wrong
// (x instead of 0) at n = 0, and the split form avoids a branch for it.

/** i64.shl; the count is the low word of b, mod 64. */
export function shl64(R: Int32Array, dst: number, a: number, b: number): void {
  const n = R[b] & 63, lo = R[a];
  if (n < 32) {
    R[dst + 1] = (R[a + 1] << n) | ((lo >>> 1) >>> (31 - n));
    R[dst] = lo << n;
  } else {
    R[dst + 1] = lo << n;
    R[dst] = 0;
  }
}

/** i64.shr_s; the count is the low word of b, mod 64. */
export function shrS64(R: Int32Array, dst: number, a: number, b: number): void {
  const n = R[b] & 63, hi = R[a + 1];
  if (n < 32) {
    R[dst] = (R[a] >>> n) | ((hi << 1) << (31 - n));
    R[dst + 1] = hi >> n;
  } else {
    R[dst] = hi >> n;
    R[dst + 1] = hi >> 31;
  }
}

/** i64.shr_u; the count is the low word of b, mod 64. */
export function shrU64(R: Int32Array, dst: number, a: number, b: number): void {
  const n = R[b] & 63, hi = R[a + 1];
  if (n < 32) {
    R[dst] = (R[a] >>> n) | ((hi << 1) << (31 - n));
    R[dst + 1] = (hi >>> n) | 0;
  } else {
    R[dst] = (hi >>> n) | 0;
    R[dst + 1] = 0;
  }
}

/** i64.rotl; the count is the low word of b, mod 64. A count ≥ 32 first swaps the halves. */
export function rotl64(R: Int32Array, dst: number, a: number, b: number): void {
  const n = R[b] & 63;
  const x = n < 32 ? R[a] : R[a + 1], y = n < 32 ? R[a + 1] : R[a];
  R[dst + 1] = (y << n) | ((x >>> 1) >>> (31 - (n & 31)));
  R[dst] = (x << n) | ((y >>> 1) >>> (31 - (n & 31)));
}

/** i64.rotr; the count is the low word of b, mod 64. A count ≥ 32 first swaps the halves. */
export function rotr64(R: Int32Array, dst: number, a: number, b: number): void {
  const n = R[b] & 63;
  const x = n < 32 ? R[a] : R[a + 1], y = n < 32 ? R[a + 1] : R[a];
  R[dst] = (x >>> n) | ((y << 1) << (31 - (n & 31)));
  R[dst + 1] = (y >>> n) | ((x << 1) << (31 - (n & 31)));
}

/** i64.clz, as an i64 result (high word 0). */
export function clz64(R: Int32Array, dst: number, a: number): void {
  const hi = R[a + 1];
  R[dst] = hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(R[a]);
  R[dst + 1] = 0;
}

/** i64.ctz, as an i64 result (high word 0). */
export function ctz64(R: Int32Array, dst: number, a: number): void {
  const lo = R[a];
  R[dst] = lo !== 0 ? ctz32(lo) : 32 + ctz32(R[a + 1]);
  R[dst + 1] = 0;
}

/** i64.popcnt, as an i64 result (high word 0). */
export function popcnt64(R: Int32Array, dst: number, a: number): void {
  R[dst] = popcnt32(R[a]) + popcnt32(R[a + 1]);
  R[dst + 1] = 0;
}

/** i64.extend8_s: sign-extends the low 8 bits of a. */
export function extend8_64(R: Int32Array, dst: number, a: number): void {
  const lo = (R[a] << 24) >> 24;
  R[dst] = lo;
  R[dst + 1] = lo >> 31;
}

/** i64.extend16_s: sign-extends the low 16 bits of a. */
export function extend16_64(R: Int32Array, dst: number, a: number): void {
  const lo = (R[a] << 16) >> 16;
  R[dst] = lo;
  R[dst + 1] = lo >> 31;
}

/** i64.extend32_s (and i64.extend_i32_s): sign-extends the low word of a. */
export function extend32_64(R: Int32Array, dst: number, a: number): void {
  const lo = R[a];
  R[dst] = lo;
  R[dst + 1] = lo >> 31;
}

/** i64.lt_u on halves; derive gt_u as ltU64(b, a), le_u as !ltU64(b, a), ge_u as !ltU64(a, b). */
export function ltU64(aLo: number, aHi: number, bLo: number, bHi: number): boolean {
  return aHi === bHi ? (aLo >>> 0) < (bLo >>> 0) : (aHi >>> 0) < (bHi >>> 0);
}

/**
 * i64.lt_s on halves: the high words compare signed, the low words unsigned. Derive
 * gt/le/ge as for ltU64.
 */
export function ltS64(aLo: number, aHi: number, bLo: number, bHi: number): boolean {
  return aHi === bHi ? (aLo >>> 0) < (bLo >>> 0) : aHi < bHi;
}

/**
 * The i64 (lo, hi) as a BigInt, for the embedding API (exported functions,
 * globals). Signed gives [-2^63, 2^63), unsigned [0, 2^64).
 */
export function i64ToBigInt(lo: number, hi: number, signed: boolean): bigint {
  const h = signed ? BigInt(hi | 0) : BigInt(hi >>> 0);
  return (h << 32n) | BigInt(lo >>> 0);
}

/**
 * Stores a BigInt, wrapped mod 2^64 as the JS API's ToBigInt64 does, into
 * R[dst] (low word) and R[dst + 1] (high word). Writing into the caller's
 * array rather than returning a pair keeps it allocation-free and matches
 * the rest of this module.
 */
export function bigIntToI64(R: Int32Array, dst: number, v: bigint): void {
  R[dst] = Number(BigInt.asIntN(32, v));
  R[dst + 1] = Number(BigInt.asIntN(32, v >> 32n));
}
