/**
 * Relaxed SIMD (WebAssembly 3.0). The proposal lets each of these
 * instructions give one of several results where hosts' vector units
 * differ; this runtime fixes ONE result for each, the same in every tier and
 * on every host (see the table in the top-level README):
 *
 * | instruction | fixed choice |
 * |---|---|
 * | `i8x16.relaxed_swizzle` | as `i8x16.swizzle` (an index of 16 or more gives 0) |
 * | `i32x4.relaxed_trunc_*` | as the saturating `i32x4.trunc_sat_*` (NaN gives 0) |
 * | `f32x4/f64x2.relaxed_madd`, `nmadd` | unfused: `a * b` rounded, then `+ c` rounded (as `mul` then `add`) |
 * | `*.relaxed_laneselect` | as `v128.bitselect` (every bit chosen by the mask's bit) |
 * | `f32x4/f64x2.relaxed_min`, `max` | as `f32x4.min`/`max` (NaN propagates, -0 < +0) |
 * | `i16x8.relaxed_q15mulr_s` | as `i16x8.q15mulr_sat_s` |
 * | `i16x8.relaxed_dot_i8x16_i7x16_s` | the second operand signed; the pair sum wraps to 16 bits |
 * | `i32x4.relaxed_dot_i8x16_i7x16_add_s` | the second operand signed; the exact sum of four products, plus c, wrapping |
 *
 * Unfused multiply-add is exact to compute in JS for both lane shapes (an
 * f32 product is exact in an f64, so rounding it to f32 is the correctly
 * rounded product), whereas a fused f64 multiply-add would need a software
 * FMA; it also gives what the non-relaxed `mul` + `add` pair gives.
 *
 * The instructions equal to a 2.0 instruction run as that instruction
 * ({@link relaxedSimdAlias}); the others run here.
 *
 * @module
 */

import { PREFIX_FD, PREFIX_FD_RELAXED } from "../../binary/opcodes.ts";

/**
 * The op id of the 2.0 SIMD instruction a relaxed SIMD op id runs as, or -1
 * when it has semantics of its own (madd, nmadd, the dot products).
 */
export function relaxedSimdAlias(op: number): number {
  const sub = RELAXED_ALIAS[op - PREFIX_FD_RELAXED];
  return sub === undefined || sub < 0 ? -1 : PREFIX_FD + sub;
}

/** By relaxed sub-opcode - 0x100: the 2.0 SIMD sub-opcode it runs as, or -1. */
const RELAXED_ALIAS: readonly number[] = [
  0x0e, // i8x16.relaxed_swizzle → i8x16.swizzle
  0xf8, // i32x4.relaxed_trunc_f32x4_s → i32x4.trunc_sat_f32x4_s
  0xf9, // i32x4.relaxed_trunc_f32x4_u → i32x4.trunc_sat_f32x4_u
  0xfc, // i32x4.relaxed_trunc_f64x2_s_zero → i32x4.trunc_sat_f64x2_s_zero
  0xfd, // i32x4.relaxed_trunc_f64x2_u_zero → i32x4.trunc_sat_f64x2_u_zero
  -1, // f32x4.relaxed_madd
  -1, // f32x4.relaxed_nmadd
  -1, // f64x2.relaxed_madd
  -1, // f64x2.relaxed_nmadd
  0x52, // i8x16.relaxed_laneselect → v128.bitselect
  0x52, // i16x8.relaxed_laneselect → v128.bitselect
  0x52, // i32x4.relaxed_laneselect → v128.bitselect
  0x52, // i64x2.relaxed_laneselect → v128.bitselect
  0xe8, // f32x4.relaxed_min → f32x4.min
  0xe9, // f32x4.relaxed_max → f32x4.max
  0xf4, // f64x2.relaxed_min → f64x2.min
  0xf5, // f64x2.relaxed_max → f64x2.max
  0x82, // i16x8.relaxed_q15mulr_s → i16x8.q15mulr_sat_s
  -1, // i16x8.relaxed_dot_i8x16_i7x16_s
  -1, // i32x4.relaxed_dot_i8x16_i7x16_add_s
];

/** The byte `k` (0-15) of the vector at word `v`, sign-extended. */
function byteS(R: Int32Array, v: number, k: number): number {
  return (R[v + (k >> 2)] << (24 - 8 * (k & 3))) >> 24;
}

/**
 * `i16x8.relaxed_dot_i8x16_i7x16_s` (sub-opcode 0x112): each 16-bit lane is
 * a[2i]*b[2i] + a[2i+1]*b[2i+1], both operands signed, wrapped to 16 bits.
 */
export function relaxedDot(R: Int32Array, d: number, a: number, b: number): void {
  // Read every lane before writing: d may be a or b.
  const w0 = dotPair(R, a, b, 0) & 0xffff | dotPair(R, a, b, 2) << 16;
  const w1 = dotPair(R, a, b, 4) & 0xffff | dotPair(R, a, b, 6) << 16;
  const w2 = dotPair(R, a, b, 8) & 0xffff | dotPair(R, a, b, 10) << 16;
  const w3 = dotPair(R, a, b, 12) & 0xffff | dotPair(R, a, b, 14) << 16;
  R[d] = w0;
  R[d + 1] = w1;
  R[d + 2] = w2;
  R[d + 3] = w3;
}

function dotPair(R: Int32Array, a: number, b: number, k: number): number {
  return byteS(R, a, k) * byteS(R, b, k) + byteS(R, a, k + 1) * byteS(R, b, k + 1);
}

/**
 * The relaxed SIMD instructions with three vector operands that are not
 * `laneselect`: madd and nmadd (0x105-0x108, unfused) and
 * `i32x4.relaxed_dot_i8x16_i7x16_add_s` (0x113).
 */
export function relaxedTernary(
  R: Int32Array,
  F32: Float32Array,
  F64: Float64Array,
  sub: number,
  d: number,
  a: number,
  b: number,
  c: number,
): void {
  switch (sub) {
    case 0x105: // f32x4.relaxed_madd
      for (let i = 0; i < 4; i++) {
        F32[d + i] = Math.fround(F32[a + i] * F32[b + i]) + F32[c + i];
      }
      return;
    case 0x106: // f32x4.relaxed_nmadd
      for (let i = 0; i < 4; i++) {
        F32[d + i] = -Math.fround(F32[a + i] * F32[b + i]) + F32[c + i];
      }
      return;
    case 0x107: // f64x2.relaxed_madd
    case 0x108: { // f64x2.relaxed_nmadd
      const d2 = d >> 1, a2 = a >> 1, b2 = b >> 1, c2 = c >> 1;
      const sign = sub === 0x107 ? 1 : -1;
      for (let i = 0; i < 2; i++) F64[d2 + i] = sign * (F64[a2 + i] * F64[b2 + i]) + F64[c2 + i];
      return;
    }
    case 0x113: { // i32x4.relaxed_dot_i8x16_i7x16_add_s
      const r0 = dot4(R, a, b, 0) + R[c], r1 = dot4(R, a, b, 4) + R[c + 1];
      const r2 = dot4(R, a, b, 8) + R[c + 2], r3 = dot4(R, a, b, 12) + R[c + 3];
      R[d] = r0;
      R[d + 1] = r1;
      R[d + 2] = r2;
      R[d + 3] = r3;
      return;
    }
  }
}

function dot4(R: Int32Array, a: number, b: number, k: number): number {
  return dotPair(R, a, b, k) + dotPair(R, a, b, k + 2);
}
