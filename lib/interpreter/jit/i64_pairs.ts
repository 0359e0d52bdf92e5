/**
 * i64 operations on (low, high) word pairs for the structured tier: each
 * returns the low word of its result and leaves the high word in
 * `wide.hi`. They run the interpreter's own i64 and conversion code
 * (`numeric/`) on a few scratch words, so both tiers compute the same bits;
 * the structured tier writes add, sub, bitwise operations and comparisons
 * inline instead.
 *
 * @module
 */

import * as i64 from "../numeric/i64.ts";
import * as convert from "../numeric/convert.ts";
import { wide } from "./values.ts";

const S = new Int32Array(8);

type Binary = (R: Int32Array, dst: number, a: number, b: number) => void;
type Unary = (R: Int32Array, dst: number, a: number) => void;
type FromFloat = (R: Int32Array, dst: number, x: number) => void;

function binary(op: Binary): (aLo: number, aHi: number, bLo: number, bHi: number) => number {
  return (aLo, aHi, bLo, bHi) => {
    S[0] = aLo;
    S[1] = aHi;
    S[2] = bLo;
    S[3] = bHi;
    op(S, 4, 0, 2);
    wide.hi = S[5];
    return S[4];
  };
}

function unary(op: Unary): (lo: number, hi: number) => number {
  return (lo, hi) => {
    S[0] = lo;
    S[1] = hi;
    op(S, 4, 0);
    wide.hi = S[5];
    return S[4];
  };
}

function fromFloat(op: FromFloat): (x: number) => number {
  return (x) => {
    op(S, 4, x);
    wide.hi = S[5];
    return S[4];
  };
}

function toFloat(op: (R: Int32Array, a: number) => number): (lo: number, hi: number) => number {
  return (lo, hi) => {
    S[0] = lo;
    S[1] = hi;
    return op(S, 0);
  };
}

// The hottest operations are written on the words directly (the same arithmetic as
// numeric/i64.ts, which the spec suite checks in both tiers): small enough for the
// JIT to inline, with no trip through the scratch words.

/** i64.mul: `mulhu` of the low words plus the cross products (see numeric/i64.ts). */
export function mul64(aLo: number, aHi: number, bLo: number, bHi: number): number {
  const lo = Math.imul(aLo, bLo);
  wide.hi = (i64.mulhuOf(aLo, bLo, lo) + Math.imul(aLo, bHi) + Math.imul(aHi, bLo)) | 0;
  return lo;
}

/** i64.shl by the low word of the count, mod 64. */
export function shl64(lo: number, hi: number, count: number, _countHi: number): number {
  const n = count & 63;
  if (n < 32) {
    wide.hi = (hi << n) | ((lo >>> 1) >>> (31 - n));
    return lo << n;
  }
  wide.hi = lo << n;
  return 0;
}

/** i64.shr_s. */
export function shrS64(lo: number, hi: number, count: number, _countHi: number): number {
  const n = count & 63;
  if (n < 32) {
    wide.hi = hi >> n;
    return (lo >>> n) | ((hi << 1) << (31 - n));
  }
  wide.hi = hi >> 31;
  return hi >> n;
}

/**
 * i64.shr_u. (`| 0` where `>>>` may shift by 0 (counts 0 and 32): words are int32, and a
 * negative word shifted by 0 would stay unsigned, which a signed comparison reads wrong.)
 */
export function shrU64(lo: number, hi: number, count: number, _countHi: number): number {
  const n = count & 63;
  if (n < 32) {
    wide.hi = (hi >>> n) | 0;
    return (lo >>> n) | ((hi << 1) << (31 - n));
  }
  wide.hi = 0;
  return (hi >>> n) | 0;
}

/** i64.rotl. */
export function rotl64(lo: number, hi: number, count: number, _countHi: number): number {
  const n = count & 63;
  const x = n < 32 ? lo : hi, y = n < 32 ? hi : lo;
  wide.hi = (y << n) | ((x >>> 1) >>> (31 - (n & 31)));
  return (x << n) | ((y >>> 1) >>> (31 - (n & 31)));
}

/** i64.rotr. */
export function rotr64(lo: number, hi: number, count: number, _countHi: number): number {
  const n = count & 63;
  const x = n < 32 ? lo : hi, y = n < 32 ? hi : lo;
  wide.hi = (y >>> n) | ((x << 1) << (31 - (n & 31)));
  return (x >>> n) | ((y << 1) << (31 - (n & 31)));
}

export const divS64: typeof mul64 = binary(i64.divS64);
export const divU64: typeof mul64 = binary(i64.divU64);
export const remS64: typeof mul64 = binary(i64.remS64);
export const remU64: typeof mul64 = binary(i64.remU64);
export const clz64: (lo: number, hi: number) => number = unary(i64.clz64);
export const ctz64: typeof clz64 = unary(i64.ctz64);
export const popcnt64: typeof clz64 = unary(i64.popcnt64);
export const truncS64: (x: number) => number = fromFloat(convert.i64TruncS);
export const truncU64: typeof truncS64 = fromFloat(convert.i64TruncU);
export const truncSatS64: typeof truncS64 = fromFloat(convert.i64TruncSatS);
export const truncSatU64: typeof truncS64 = fromFloat(convert.i64TruncSatU);
export const f64ConvertS64: (lo: number, hi: number) => number = toFloat(convert.f64ConvertI64S);
export const f64ConvertU64: typeof f64ConvertS64 = toFloat(convert.f64ConvertI64U);
export const f32ConvertS64: typeof f64ConvertS64 = toFloat(convert.f32ConvertI64S);
export const f32ConvertU64: typeof f64ConvertS64 = toFloat(convert.f32ConvertI64U);
