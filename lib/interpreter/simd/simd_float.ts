/**
 * SIMD float instructions and the conversions between float and integer
 * lanes, dispatched on the wasm sub-opcode (the byte after 0xFD; the
 * comment at each `case` names the instruction).
 *
 * Arguments are absolute word indices into the register file, which the
 * functions see as `R` (int32), `F32` and `F64` (a vector at word `x` has
 * f64 lanes at `F64[x >> 1]` and `F64[(x >> 1) + 1]`, since vectors start at
 * even words). Lane k of the result depends only on lane k of the operands
 * for every instruction here that writes the registers directly, so a
 * result register equal to an operand's is safe; the others go through
 * the scratch vectors.
 *
 * NaN rules follow the scalar ones (see `numeric/float.ts`): computed NaNs
 * may be any quiet NaN, so arithmetic is plain JavaScript arithmetic stored
 * through the typed arrays; abs, neg, pmin and pmax move bits, because the
 * spec defines them to return an operand (or its sign-changed self) exactly.
 *
 * @module
 */

import { fceil, ffloor, fmax, fmin, fnearest, ftrunc } from "../numeric/float.ts";
import { i32TruncSatS, i32TruncSatU } from "../numeric/convert.ts";
import { A32, AF32, AF64, C32, CF32, CF64, readA, writeC } from "./simd_scratch.ts";

/** The instructions with one vector operand. */
export function floatUnary(
  R: Int32Array,
  F32: Float32Array,
  F64: Float64Array,
  sub: number,
  d: number,
  a: number,
): void {
  const d2 = d >> 1, a2 = a >> 1;
  switch (sub) {
    case 0xe0: // f32x4.abs
      for (let i = 0; i < 4; i++) R[d + i] = R[a + i] & 0x7fffffff;
      return;
    case 0xe1: // f32x4.neg
      for (let i = 0; i < 4; i++) R[d + i] = R[a + i] ^ -0x80000000;
      return;
    case 0xe3: // f32x4.sqrt (one rounding from the double result is exact, as for f32.sqrt)
      for (let i = 0; i < 4; i++) F32[d + i] = Math.sqrt(F32[a + i]);
      return;
    case 0x67: // f32x4.ceil
      for (let i = 0; i < 4; i++) F32[d + i] = fceil(F32[a + i]);
      return;
    case 0x68: // f32x4.floor
      for (let i = 0; i < 4; i++) F32[d + i] = ffloor(F32[a + i]);
      return;
    case 0x69: // f32x4.trunc
      for (let i = 0; i < 4; i++) F32[d + i] = ftrunc(F32[a + i]);
      return;
    case 0x6a: // f32x4.nearest
      for (let i = 0; i < 4; i++) F32[d + i] = fnearest(F32[a + i]);
      return;

    case 0xec: // f64x2.abs
      R[d] = R[a];
      R[d + 1] = R[a + 1] & 0x7fffffff;
      R[d + 2] = R[a + 2];
      R[d + 3] = R[a + 3] & 0x7fffffff;
      return;
    case 0xed: // f64x2.neg
      R[d] = R[a];
      R[d + 1] = R[a + 1] ^ -0x80000000;
      R[d + 2] = R[a + 2];
      R[d + 3] = R[a + 3] ^ -0x80000000;
      return;
    case 0xef: // f64x2.sqrt
      for (let i = 0; i < 2; i++) F64[d2 + i] = Math.sqrt(F64[a2 + i]);
      return;
    case 0x74: // f64x2.ceil
      for (let i = 0; i < 2; i++) F64[d2 + i] = fceil(F64[a2 + i]);
      return;
    case 0x75: // f64x2.floor
      for (let i = 0; i < 2; i++) F64[d2 + i] = ffloor(F64[a2 + i]);
      return;
    case 0x7a: // f64x2.trunc
      for (let i = 0; i < 2; i++) F64[d2 + i] = ftrunc(F64[a2 + i]);
      return;
    case 0x94: // f64x2.nearest
      for (let i = 0; i < 2; i++) F64[d2 + i] = fnearest(F64[a2 + i]);
      return;

    case 0xf8: // i32x4.trunc_sat_f32x4_s
      for (let i = 0; i < 4; i++) R[d + i] = i32TruncSatS(F32[a + i]);
      return;
    case 0xf9: // i32x4.trunc_sat_f32x4_u
      for (let i = 0; i < 4; i++) R[d + i] = i32TruncSatU(F32[a + i]);
      return;
    case 0xfa: // f32x4.convert_i32x4_s (an int32 is exact in f64: one rounding, on the store)
      for (let i = 0; i < 4; i++) F32[d + i] = R[a + i];
      return;
    case 0xfb: // f32x4.convert_i32x4_u
      for (let i = 0; i < 4; i++) F32[d + i] = R[a + i] >>> 0;
      return;
  }

  // Lanes change width: go through the scratch vectors.
  readA(R, a);
  switch (sub) {
    case 0x5e: // f32x4.demote_f64x2_zero (the Float32Array store rounds to nearest even)
      CF32[0] = AF64[0];
      CF32[1] = AF64[1];
      C32[2] = C32[3] = 0;
      break;
    case 0x5f: // f64x2.promote_low_f32x4
      CF64[0] = AF32[0];
      CF64[1] = AF32[1];
      break;
    case 0xfc: // i32x4.trunc_sat_f64x2_s_zero
      C32[0] = i32TruncSatS(AF64[0]);
      C32[1] = i32TruncSatS(AF64[1]);
      C32[2] = C32[3] = 0;
      break;
    case 0xfd: // i32x4.trunc_sat_f64x2_u_zero
      C32[0] = i32TruncSatU(AF64[0]);
      C32[1] = i32TruncSatU(AF64[1]);
      C32[2] = C32[3] = 0;
      break;
    case 0xfe: // f64x2.convert_low_i32x4_s
      CF64[0] = A32[0];
      CF64[1] = A32[1];
      break;
    case 0xff: // f64x2.convert_low_i32x4_u
      CF64[0] = A32[0] >>> 0;
      CF64[1] = A32[1] >>> 0;
      break;
    default:
      throw new Error(`internal error: unknown SIMD float unary op 0x${sub.toString(16)}`);
  }
  writeC(R, d);
}

/** The instructions with two vector operands. */
export function floatBinary(
  R: Int32Array,
  F32: Float32Array,
  F64: Float64Array,
  sub: number,
  d: number,
  a: number,
  b: number,
): void {
  const d2 = d >> 1, a2 = a >> 1, b2 = b >> 1;
  switch (sub) {
    case 0xe8: // f32x4.min
      for (let i = 0; i < 4; i++) F32[d + i] = fmin(F32[a + i], F32[b + i]);
      return;
    case 0xe9: // f32x4.max
      for (let i = 0; i < 4; i++) F32[d + i] = fmax(F32[a + i], F32[b + i]);
      return;
    case 0xea: // f32x4.pmin: b < a ? b : a, as bits
      for (let i = 0; i < 4; i++) R[d + i] = F32[b + i] < F32[a + i] ? R[b + i] : R[a + i];
      return;
    case 0xeb: // f32x4.pmax: a < b ? b : a, as bits
      for (let i = 0; i < 4; i++) R[d + i] = F32[a + i] < F32[b + i] ? R[b + i] : R[a + i];
      return;
    case 0x41: // f32x4.eq
      for (let i = 0; i < 4; i++) R[d + i] = F32[a + i] === F32[b + i] ? -1 : 0;
      return;
    case 0x42: // f32x4.ne
      for (let i = 0; i < 4; i++) R[d + i] = F32[a + i] !== F32[b + i] ? -1 : 0;
      return;
    case 0x43: // f32x4.lt
      for (let i = 0; i < 4; i++) R[d + i] = F32[a + i] < F32[b + i] ? -1 : 0;
      return;
    case 0x44: // f32x4.gt
      for (let i = 0; i < 4; i++) R[d + i] = F32[a + i] > F32[b + i] ? -1 : 0;
      return;
    case 0x45: // f32x4.le
      for (let i = 0; i < 4; i++) R[d + i] = F32[a + i] <= F32[b + i] ? -1 : 0;
      return;
    case 0x46: // f32x4.ge
      for (let i = 0; i < 4; i++) R[d + i] = F32[a + i] >= F32[b + i] ? -1 : 0;
      return;

    case 0xf4: // f64x2.min
      for (let i = 0; i < 2; i++) F64[d2 + i] = fmin(F64[a2 + i], F64[b2 + i]);
      return;
    case 0xf5: // f64x2.max
      for (let i = 0; i < 2; i++) F64[d2 + i] = fmax(F64[a2 + i], F64[b2 + i]);
      return;
    case 0xf6: // f64x2.pmin, as bits
      for (let i = 0; i < 2; i++) {
        const from = F64[b2 + i] < F64[a2 + i] ? b : a;
        R[d + 2 * i] = R[from + 2 * i];
        R[d + 2 * i + 1] = R[from + 2 * i + 1];
      }
      return;
    case 0xf7: // f64x2.pmax, as bits
      for (let i = 0; i < 2; i++) {
        const from = F64[a2 + i] < F64[b2 + i] ? b : a;
        R[d + 2 * i] = R[from + 2 * i];
        R[d + 2 * i + 1] = R[from + 2 * i + 1];
      }
      return;
    case 0x47: // f64x2.eq
    case 0x48: // f64x2.ne
    case 0x49: // f64x2.lt
    case 0x4a: // f64x2.gt
    case 0x4b: // f64x2.le
    case 0x4c: // f64x2.ge
      for (let i = 0; i < 2; i++) {
        const x = F64[a2 + i], y = F64[b2 + i];
        const r = sub === 0x47
          ? x === y
          : sub === 0x48
          ? x !== y
          : sub === 0x49
          ? x < y
          : sub === 0x4a
          ? x > y
          : sub === 0x4b
          ? x <= y
          : x >= y;
        R[d + 2 * i] = R[d + 2 * i + 1] = r ? -1 : 0;
      }
      return;
  }
  throw new Error(`internal error: unknown SIMD float binary op 0x${sub.toString(16)}`);
}
