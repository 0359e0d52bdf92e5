/**
 * The SIMD integer and bitwise instructions without a register op of their
 * own (those run in the executor or `simd_ops.ts`), dispatched on the wasm
 * sub-opcode (the byte after 0xFD; the comment at each `case` names it).
 *
 * Arguments are absolute word indices into the register file `R`: `d` for
 * the result, `a` and `b` for the operands (for shifts, `b` is the i32
 * count). Each function reads all of its operands before it writes the
 * result, since the result register may be an operand's.
 *
 * Wrapping comes from typed-array stores (an `Int8Array` store keeps the
 * low 8 bits).
 *
 * @module
 */

import { add64, ltS64, mul64, shl64, shrS64, shrU64, sub64 } from "../numeric/i64.ts";
import {
  A16,
  A32,
  A8,
  AU16,
  AU8,
  B16,
  B32,
  B8,
  BU16,
  BU8,
  C16,
  C32,
  C8,
  CU8,
  readA,
  readB,
  writeC,
} from "./simd_scratch.ts";
import { relaxedDot } from "./simd_relaxed.ts";

/** Popcount of each byte value. */
const POPCNT8 = new Uint8Array(256);
for (let i = 1; i < 256; i++) POPCNT8[i] = (i & 1) + POPCNT8[i >> 1];

/** Words for the 64-bit products of `i64x2.extmul_*`: two operands and a result. */
const W = new Int32Array(6);

/** Negates the i64 at R[a] into R[d] (two's complement, so the minimum stays itself). */
function neg64(R: Int32Array, d: number, a: number): void {
  const lo = R[a], hi = R[a + 1];
  R[d] = -lo | 0;
  R[d + 1] = (~hi + (lo === 0 ? 1 : 0)) | 0;
}

/** The instructions with one vector operand. */
export function intUnary(R: Int32Array, sub: number, d: number, a: number): void {
  switch (sub) {
    case 0x4d: // v128.not
      R[d] = ~R[a];
      R[d + 1] = ~R[a + 1];
      R[d + 2] = ~R[a + 2];
      R[d + 3] = ~R[a + 3];
      return;
    case 0x60: // i8x16.abs (abs -128 is -128: the store wraps)
      readA(R, a);
      for (let i = 0; i < 16; i++) C8[i] = A8[i] < 0 ? -A8[i] : A8[i];
      break;
    case 0x61: // i8x16.neg
      readA(R, a);
      for (let i = 0; i < 16; i++) C8[i] = -A8[i];
      break;
    case 0x62: // i8x16.popcnt
      readA(R, a);
      for (let i = 0; i < 16; i++) CU8[i] = POPCNT8[AU8[i]];
      break;
    case 0x63: { // i8x16.all_true
      readA(R, a);
      let all = 1;
      for (let i = 0; i < 16; i++) if (A8[i] === 0) all = 0;
      R[d] = all;
      return;
    }
    case 0x80: // i16x8.abs
      readA(R, a);
      for (let i = 0; i < 8; i++) C16[i] = A16[i] < 0 ? -A16[i] : A16[i];
      break;
    case 0x81: // i16x8.neg
      readA(R, a);
      for (let i = 0; i < 8; i++) C16[i] = -A16[i];
      break;
    case 0x83: { // i16x8.all_true
      readA(R, a);
      let all = 1;
      for (let i = 0; i < 8; i++) if (A16[i] === 0) all = 0;
      R[d] = all;
      return;
    }
    case 0xa0: // i32x4.abs
      for (let i = 0; i < 4; i++) {
        const x = R[a + i];
        R[d + i] = x < 0 ? -x | 0 : x;
      }
      return;
    case 0xa1: // i32x4.neg
      for (let i = 0; i < 4; i++) R[d + i] = -R[a + i] | 0;
      return;
    case 0xa3: // i32x4.all_true
      R[d] = R[a] !== 0 && R[a + 1] !== 0 && R[a + 2] !== 0 && R[a + 3] !== 0 ? 1 : 0;
      return;
    case 0xc0: // i64x2.abs
      for (let i = 0; i < 4; i += 2) {
        if (R[a + i + 1] < 0) neg64(R, d + i, a + i);
        else {
          R[d + i] = R[a + i];
          R[d + i + 1] = R[a + i + 1];
        }
      }
      return;
    case 0xc1: // i64x2.neg
      neg64(R, d, a);
      neg64(R, d + 2, a + 2);
      return;
    case 0xc3: // i64x2.all_true
      R[d] = (R[a] | R[a + 1]) !== 0 && (R[a + 2] | R[a + 3]) !== 0 ? 1 : 0;
      return;
    case 0xc4: // i64x2.bitmask
      R[d] = (R[a + 1] >>> 31) | ((R[a + 3] >>> 31) << 1);
      return;
    case 0xc7: // i64x2.extend_low_i32x4_s
    case 0xc8: // i64x2.extend_high_i32x4_s
    case 0xc9: // i64x2.extend_low_i32x4_u
    case 0xca: { // i64x2.extend_high_i32x4_u
      readA(R, a);
      const from = sub === 0xc7 || sub === 0xc9 ? 0 : 2;
      const signed = sub <= 0xc8;
      for (let i = 0; i < 2; i++) {
        const x = A32[from + i];
        C32[2 * i] = x;
        C32[2 * i + 1] = signed ? x >> 31 : 0;
      }
      break;
    }
    default:
      throw new Error(`internal error: unknown SIMD unary op 0x${sub.toString(16)}`);
  }
  writeC(R, d);
}

/**
 * The ten integer comparisons in wasm order (eq, ne, lt_s, lt_u, gt_s,
 * gt_u, le_s, le_u, ge_s, ge_u) on `n` lanes of A and B into C as all-ones
 * or zero.
 */
function compareLanes(
  kind: number,
  n: number,
  sa: Int8Array | Int16Array | Int32Array,
  sb: Int8Array | Int16Array | Int32Array,
  ua: Uint8Array | Uint16Array | Int32Array,
  ub: Uint8Array | Uint16Array | Int32Array,
  c: Int8Array | Int16Array | Int32Array,
): void {
  // One loop per comparison (not a switch per lane). For 32-bit lanes `ua`
  // is the signed view: `>>> 0` makes it unsigned for every width.
  switch (kind) {
    case 0:
      for (let i = 0; i < n; i++) c[i] = sa[i] === sb[i] ? -1 : 0;
      return;
    case 1:
      for (let i = 0; i < n; i++) c[i] = sa[i] !== sb[i] ? -1 : 0;
      return;
    case 2:
      for (let i = 0; i < n; i++) c[i] = sa[i] < sb[i] ? -1 : 0;
      return;
    case 3:
      for (let i = 0; i < n; i++) c[i] = ua[i] >>> 0 < ub[i] >>> 0 ? -1 : 0;
      return;
    case 4:
      for (let i = 0; i < n; i++) c[i] = sa[i] > sb[i] ? -1 : 0;
      return;
    case 5:
      for (let i = 0; i < n; i++) c[i] = ua[i] >>> 0 > ub[i] >>> 0 ? -1 : 0;
      return;
    case 6:
      for (let i = 0; i < n; i++) c[i] = sa[i] <= sb[i] ? -1 : 0;
      return;
    case 7:
      for (let i = 0; i < n; i++) c[i] = ua[i] >>> 0 <= ub[i] >>> 0 ? -1 : 0;
      return;
    case 8:
      for (let i = 0; i < n; i++) c[i] = sa[i] >= sb[i] ? -1 : 0;
      return;
    default:
      for (let i = 0; i < n; i++) c[i] = ua[i] >>> 0 >= ub[i] >>> 0 ? -1 : 0;
  }
}

/**
 * The lane arithmetic of i8x16 (sub-opcodes 0x6b-0x7b) and i16x8
 * (0x8b-0x9b) that has no register op of its own, by offset from add:
 * shifts at -3..-1 (i8x16 only) and min_s, min_u, max_s, max_u at 8..11.
 * Add, sub, their saturating forms, mul, avgr_u and the i16x8 shifts run as
 * own ops (see `simd_lowering.ts`).
 */
function narrowLaneArith(
  rel: number,
  n: number,
  bits: number,
  sa: Int8Array | Int16Array,
  sb: Int8Array | Int16Array,
  ua: Uint8Array | Uint16Array,
  ub: Uint8Array | Uint16Array,
  sc: Int8Array | Int16Array,
  count: number,
): void {
  const s = count & (bits - 1);
  switch (rel) {
    case -3: // shl
      for (let i = 0; i < n; i++) sc[i] = sa[i] << s;
      return;
    case -2: // shr_s
      for (let i = 0; i < n; i++) sc[i] = sa[i] >> s;
      return;
    case -1: // shr_u
      for (let i = 0; i < n; i++) sc[i] = ua[i] >>> s;
      return;
    case 8: // min_s
      for (let i = 0; i < n; i++) sc[i] = sa[i] < sb[i] ? sa[i] : sb[i];
      return;
    case 9: // min_u
      for (let i = 0; i < n; i++) sc[i] = ua[i] < ub[i] ? ua[i] : ub[i];
      return;
    case 10: // max_s
      for (let i = 0; i < n; i++) sc[i] = sa[i] > sb[i] ? sa[i] : sb[i];
      return;
    case 11: // max_u
      for (let i = 0; i < n; i++) sc[i] = ua[i] > ub[i] ? ua[i] : ub[i];
      return;
  }
  throw new Error(`internal error: unknown SIMD lane op ${rel}`);
}

/** The 64-bit product of two int32 lanes (sign- or zero-extended) into C32[2k], C32[2k + 1]. */
function extmul64(k: number, x: number, y: number, signed: boolean): void {
  W[0] = x;
  W[1] = signed ? x >> 31 : 0;
  W[2] = y;
  W[3] = signed ? y >> 31 : 0;
  mul64(W, 4, 0, 2);
  C32[2 * k] = W[4];
  C32[2 * k + 1] = W[5];
}

/** The instructions with two operands (vectors, or a vector and an i32 shift count). */
export function intBinary(R: Int32Array, sub: number, d: number, a: number, b: number): void {
  if (sub >= 0x6b && sub <= 0x7b) {
    const count = R[b];
    readA(R, a);
    readB(R, b);
    narrowLaneArith(sub - 0x6e, 16, 8, A8, B8, AU8, BU8, C8, count);
    writeC(R, d);
    return;
  }
  if (sub >= 0x8b && sub <= 0x9b) {
    const count = R[b];
    readA(R, a);
    readB(R, b);
    narrowLaneArith(sub - 0x8e, 8, 16, A16, B16, AU16, BU16, C16, count);
    writeC(R, d);
    return;
  }
  switch (sub) {
    case 0x112: // i16x8.relaxed_dot_i8x16_i7x16_s
      relaxedDot(R, d, a, b);
      return;
    case 0xb6: // i32x4.min_s
      for (let i = 0; i < 4; i++) R[d + i] = R[a + i] < R[b + i] ? R[a + i] : R[b + i];
      return;
    case 0xb7: // i32x4.min_u
      for (let i = 0; i < 4; i++) R[d + i] = R[a + i] >>> 0 < R[b + i] >>> 0 ? R[a + i] : R[b + i];
      return;
    case 0xb8: // i32x4.max_s
      for (let i = 0; i < 4; i++) R[d + i] = R[a + i] > R[b + i] ? R[a + i] : R[b + i];
      return;
    case 0xb9: // i32x4.max_u
      for (let i = 0; i < 4; i++) R[d + i] = R[a + i] >>> 0 > R[b + i] >>> 0 ? R[a + i] : R[b + i];
      return;
    case 0xce: // i64x2.add
      add64(R, d, a, b);
      add64(R, d + 2, a + 2, b + 2);
      return;
    case 0xd1: // i64x2.sub
      sub64(R, d, a, b);
      sub64(R, d + 2, a + 2, b + 2);
      return;
    case 0xd5: // i64x2.mul
      mul64(R, d, a, b);
      mul64(R, d + 2, a + 2, b + 2);
      return;
    // i64 shifts take the count from the low word of `b`, which the i32 count is.
    case 0xcb: // i64x2.shl
      shl64(R, d, a, b);
      shl64(R, d + 2, a + 2, b);
      return;
    case 0xcc: // i64x2.shr_s
      shrS64(R, d, a, b);
      shrS64(R, d + 2, a + 2, b);
      return;
    case 0xcd: // i64x2.shr_u
      shrU64(R, d, a, b);
      shrU64(R, d + 2, a + 2, b);
      return;
    case 0xd6: // i64x2.eq
    case 0xd7: // i64x2.ne
    case 0xd8: // i64x2.lt_s
    case 0xd9: // i64x2.gt_s
    case 0xda: // i64x2.le_s
    case 0xdb: // i64x2.ge_s
      for (let i = 0; i < 4; i += 2) {
        const xl = R[a + i], xh = R[a + i + 1], yl = R[b + i], yh = R[b + i + 1];
        let r: boolean;
        if (sub === 0xd6) r = xl === yl && xh === yh;
        else if (sub === 0xd7) r = xl !== yl || xh !== yh;
        else if (sub === 0xd8) r = ltS64(xl, xh, yl, yh);
        else if (sub === 0xd9) r = ltS64(yl, yh, xl, xh);
        else if (sub === 0xda) r = !ltS64(yl, yh, xl, xh);
        else r = !ltS64(xl, xh, yl, yh);
        R[d + i] = R[d + i + 1] = r ? -1 : 0;
      }
      return;
  }

  readA(R, a);
  readB(R, b);
  switch (sub) {
    case 0x0e: // i8x16.swizzle (an index of 16 or more selects 0)
      for (let i = 0; i < 16; i++) {
        const j = BU8[i];
        C8[i] = j < 16 ? A8[j] : 0;
      }
      break;
    case 0x23: // i8x16.eq .. i8x16.ge_u
    case 0x24:
    case 0x25:
    case 0x26:
    case 0x27:
    case 0x28:
    case 0x29:
    case 0x2a:
    case 0x2b:
    case 0x2c:
      compareLanes(sub - 0x23, 16, A8, B8, AU8, BU8, C8);
      break;
    case 0x2d: // i16x8.eq .. i16x8.ge_u
    case 0x2e:
    case 0x2f:
    case 0x30:
    case 0x31:
    case 0x32:
    case 0x33:
    case 0x34:
    case 0x35:
    case 0x36:
      compareLanes(sub - 0x2d, 8, A16, B16, AU16, BU16, C16);
      break;
    case 0x37: // i32x4.eq .. i32x4.ge_u
    case 0x38:
    case 0x39:
    case 0x3a:
    case 0x3b:
    case 0x3c:
    case 0x3d:
    case 0x3e:
    case 0x3f:
    case 0x40:
      compareLanes(sub - 0x37, 4, A32, B32, A32, B32, C32);
      break;
    case 0x82: // i16x8.q15mulr_sat_s (only -1 × -1 in Q15 overflows)
      for (let i = 0; i < 8; i++) {
        const r = (A16[i] * B16[i] + 0x4000) >> 15;
        C16[i] = r > 0x7fff ? 0x7fff : r;
      }
      break;
    case 0x9c: // i16x8.extmul_low_i8x16_s
    case 0x9d: { // i16x8.extmul_high_i8x16_s
      const from = sub === 0x9c ? 0 : 8;
      for (let i = 0; i < 8; i++) C16[i] = A8[from + i] * B8[from + i];
      break;
    }
    case 0x9e: // i16x8.extmul_low_i8x16_u
    case 0x9f: { // i16x8.extmul_high_i8x16_u
      const from = sub === 0x9e ? 0 : 8;
      for (let i = 0; i < 8; i++) C16[i] = AU8[from + i] * BU8[from + i];
      break;
    }
    case 0xbc: // i32x4.extmul_low_i16x8_s
    case 0xbd: { // i32x4.extmul_high_i16x8_s
      const from = sub === 0xbc ? 0 : 4;
      for (let i = 0; i < 4; i++) C32[i] = A16[from + i] * B16[from + i];
      break;
    }
    case 0xbe: // i32x4.extmul_low_i16x8_u
    case 0xbf: { // i32x4.extmul_high_i16x8_u
      const from = sub === 0xbe ? 0 : 4;
      for (let i = 0; i < 4; i++) C32[i] = AU16[from + i] * BU16[from + i];
      break;
    }
    case 0xdc: // i64x2.extmul_low_i32x4_s
    case 0xdd: // i64x2.extmul_high_i32x4_s
    case 0xde: // i64x2.extmul_low_i32x4_u
    case 0xdf: { // i64x2.extmul_high_i32x4_u
      const from = sub === 0xdc || sub === 0xde ? 0 : 2;
      const signed = sub <= 0xdd;
      extmul64(0, A32[from], B32[from], signed);
      extmul64(1, A32[from + 1], B32[from + 1], signed);
      break;
    }
    default:
      throw new Error(`internal error: unknown SIMD binary op 0x${sub.toString(16)}`);
  }
  writeC(R, d);
}
