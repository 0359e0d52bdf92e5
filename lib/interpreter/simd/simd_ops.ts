/**
 * SIMD instructions that have register ops of their own but are not hot
 * enough to earn a place in the executor's main `switch` (whose size V8
 * limits, and whose speed drops as it grows): i16x8 shifts, 8-to-16-bit
 * widening, saturating and rounding arithmetic, byte compares, the dot
 * product, pairwise adds, bitmasks, any_true and 32-bit lane stores. Like
 * the ones in the main switch, they work on the four 32-bit words of a
 * vector (see `simd_words.ts`).
 *
 * @module
 */

import { bitmask16, ltMaskU8 } from "./simd_words.ts";

/**
 * Runs the SIMD instruction at `pc` (one of the own SIMD ops that the main
 * switch hands over by name) on the frame at word `b`; returns the position
 * of the next instruction.
 */
export function runSimdOp(
  R: Int32Array,
  mem: DataView,
  code: Int32Array,
  pc: number,
  b: number,
): number {
  switch (code[pc]) {
    case 281 /* i16x8_shl */: {
      const d = b + code[pc + 1], x = b + code[pc + 2];
      const c = R[b + code[pc + 3]] & 15;
      const mask = ((0xffff << c) & 0xffff) * 0x10001;
      R[d] = (R[x] << c) & mask;
      R[d + 1] = (R[x + 1] << c) & mask;
      R[d + 2] = (R[x + 2] << c) & mask;
      R[d + 3] = (R[x + 3] << c) & mask;
      return pc + 4;
    }
    case 282 /* i16x8_shr_s */: {
      const d = b + code[pc + 1], x = b + code[pc + 2];
      const c = R[b + code[pc + 3]] & 15, c16 = c + 16;
      R[d] = (((R[x] << 16) >> c16) & 0xffff) | ((R[x] >> c16) << 16);
      R[d + 1] = (((R[x + 1] << 16) >> c16) & 0xffff) | ((R[x + 1] >> c16) << 16);
      R[d + 2] = (((R[x + 2] << 16) >> c16) & 0xffff) | ((R[x + 2] >> c16) << 16);
      R[d + 3] = (((R[x + 3] << 16) >> c16) & 0xffff) | ((R[x + 3] >> c16) << 16);
      return pc + 4;
    }
    case 283 /* i16x8_shr_u */: {
      const d = b + code[pc + 1], x = b + code[pc + 2];
      const c = R[b + code[pc + 3]] & 15;
      const mask = (0xffff >>> c) * 0x10001;
      R[d] = (R[x] >>> c) & mask;
      R[d + 1] = (R[x + 1] >>> c) & mask;
      R[d + 2] = (R[x + 2] >>> c) & mask;
      R[d + 3] = (R[x + 3] >>> c) & mask;
      return pc + 4;
    }
    case 291 /* i16x8_extend_low_i8x16_s */: {
      const d = b + code[pc + 1], x = b + code[pc + 2];
      // Both source words first: the result may overwrite them.
      const p = R[x], q = R[x + 1];
      R[d] = (((p << 24) >> 24) & 0xffff) | (((p << 16) >> 24) << 16);
      R[d + 1] = (((p << 8) >> 24) & 0xffff) | ((p >> 24) << 16);
      R[d + 2] = (((q << 24) >> 24) & 0xffff) | (((q << 16) >> 24) << 16);
      R[d + 3] = (((q << 8) >> 24) & 0xffff) | ((q >> 24) << 16);
      return pc + 3;
    }
    case 292 /* i16x8_extend_high_i8x16_s */: {
      const d = b + code[pc + 1], x = b + code[pc + 2];
      // Both source words first: the result may overwrite them.
      const p = R[x + 2], q = R[x + 3];
      R[d] = (((p << 24) >> 24) & 0xffff) | (((p << 16) >> 24) << 16);
      R[d + 1] = (((p << 8) >> 24) & 0xffff) | ((p >> 24) << 16);
      R[d + 2] = (((q << 24) >> 24) & 0xffff) | (((q << 16) >> 24) << 16);
      R[d + 3] = (((q << 8) >> 24) & 0xffff) | ((q >> 24) << 16);
      return pc + 3;
    }
    case 293 /* i16x8_extend_low_i8x16_u */: {
      const d = b + code[pc + 1], x = b + code[pc + 2];
      // Both source words first: the result may overwrite them.
      const p = R[x], q = R[x + 1];
      R[d] = (p & 0xff) | ((p & 0xff00) << 8);
      R[d + 1] = ((p >>> 16) & 0xff) | ((p >>> 8) & 0xff0000);
      R[d + 2] = (q & 0xff) | ((q & 0xff00) << 8);
      R[d + 3] = ((q >>> 16) & 0xff) | ((q >>> 8) & 0xff0000);
      return pc + 3;
    }
    case 294 /* i16x8_extend_high_i8x16_u */: {
      const d = b + code[pc + 1], x = b + code[pc + 2];
      // Both source words first: the result may overwrite them.
      const p = R[x + 2], q = R[x + 3];
      R[d] = (p & 0xff) | ((p & 0xff00) << 8);
      R[d + 1] = ((p >>> 16) & 0xff) | ((p >>> 8) & 0xff0000);
      R[d + 2] = (q & 0xff) | ((q & 0xff00) << 8);
      R[d + 3] = ((q >>> 16) & 0xff) | ((q >>> 8) & 0xff0000);
      return pc + 3;
    }
    case 303 /* i8x16_add_sat_s */: {
      const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
      for (let i = 0; i < 4; i++) {
        const p = R[x + i], q = R[y + i];
        const s = ((p & 0x7f7f7f7f) + (q & 0x7f7f7f7f)) ^ ((p ^ q) & -0x7f7f7f80);
        // Overflow: operands of one sign, a sum of the other; then the lane saturates by p's sign.
        const mask = ((~(p ^ q) & (p ^ s) & -0x7f7f7f80) >>> 7) * 0xff;
        R[d + i] = (s & ~mask) | (((0x7f7f7f7f) + ((p & -0x7f7f7f80) >>> 7)) & mask);
      }
      return pc + 4;
    }
    case 305 /* i8x16_sub_sat_s */: {
      const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
      for (let i = 0; i < 4; i++) {
        const p = R[x + i], q = R[y + i];
        const s = ((p | -0x7f7f7f80) - (q & 0x7f7f7f7f)) ^ ((p ^ ~q) & -0x7f7f7f80);
        const mask = (((p ^ q) & (p ^ s) & -0x7f7f7f80) >>> 7) * 0xff;
        R[d + i] = (s & ~mask) | (((0x7f7f7f7f) + ((p & -0x7f7f7f80) >>> 7)) & mask);
      }
      return pc + 4;
    }
    case 306 /* i8x16_sub_sat_u */: {
      const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
      for (let i = 0; i < 4; i++) {
        const p = R[x + i], q = R[y + i];
        const s = ((p | -0x7f7f7f80) - (q & 0x7f7f7f7f)) ^ ((p ^ ~q) & -0x7f7f7f80);
        // A borrow out of a lane's top bit saturates it to zero.
        R[d + i] = s & ~(((((~p & q) | ((~p | q) & s)) & -0x7f7f7f80) >>> 7) * 0xff);
      }
      return pc + 4;
    }
    case 308 /* i16x8_add_sat_s */: {
      const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
      for (let i = 0; i < 4; i++) {
        const p = R[x + i], q = R[y + i];
        const s = ((p & 0x7fff7fff) + (q & 0x7fff7fff)) ^ ((p ^ q) & -0x7fff8000);
        // Overflow: operands of one sign, a sum of the other; then the lane saturates by p's sign.
        const mask = ((~(p ^ q) & (p ^ s) & -0x7fff8000) >>> 15) * 0xffff;
        R[d + i] = (s & ~mask) | (((0x7fff7fff) + ((p & -0x7fff8000) >>> 15)) & mask);
      }
      return pc + 4;
    }
    case 309 /* i16x8_add_sat_u */: {
      const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
      for (let i = 0; i < 4; i++) {
        const p = R[x + i], q = R[y + i];
        const s = ((p & 0x7fff7fff) + (q & 0x7fff7fff)) ^ ((p ^ q) & -0x7fff8000);
        // A carry out of a lane's top bit saturates it to all ones.
        R[d + i] = s | ((((p & q) | ((p | q) & ~s)) & -0x7fff8000) >>> 15) * 0xffff;
      }
      return pc + 4;
    }
    case 310 /* i16x8_sub_sat_s */: {
      const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
      for (let i = 0; i < 4; i++) {
        const p = R[x + i], q = R[y + i];
        const s = ((p | -0x7fff8000) - (q & 0x7fff7fff)) ^ ((p ^ ~q) & -0x7fff8000);
        const mask = (((p ^ q) & (p ^ s) & -0x7fff8000) >>> 15) * 0xffff;
        R[d + i] = (s & ~mask) | (((0x7fff7fff) + ((p & -0x7fff8000) >>> 15)) & mask);
      }
      return pc + 4;
    }
    case 311 /* i16x8_sub_sat_u */: {
      const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
      for (let i = 0; i < 4; i++) {
        const p = R[x + i], q = R[y + i];
        const s = ((p | -0x7fff8000) - (q & 0x7fff7fff)) ^ ((p ^ ~q) & -0x7fff8000);
        // A borrow out of a lane's top bit saturates it to zero.
        R[d + i] = s & ~(((((~p & q) | ((~p | q) & s)) & -0x7fff8000) >>> 15) * 0xffff);
      }
      return pc + 4;
    }
    case 312 /* i16x8_avgr_u */: {
      const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
      for (let i = 0; i < 4; i++) {
        const p = R[x + i], q = R[y + i];
        R[d + i] = (p | q) - (((p ^ q) >>> 1) & 0x7fff7fff);
      }
      return pc + 4;
    }
    case 313 /* i8x16_eq */: {
      const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
      for (let i = 0; i < 4; i++) {
        const p = R[x + i], q = R[y + i];
        const z = p ^ q;
        // A lane's top bit is set where it differs; spread to the whole lane, then invert.
        R[d + i] = ~((((((z & 0x7f7f7f7f) + 0x7f7f7f7f) | z) & -0x7f7f7f80) >>> 7) * 0xff);
      }
      return pc + 4;
    }
    case 314 /* i8x16_ne */: {
      const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
      for (let i = 0; i < 4; i++) {
        const p = R[x + i], q = R[y + i];
        const z = p ^ q;
        R[d + i] = (((((z & 0x7f7f7f7f) + 0x7f7f7f7f) | z) & -0x7f7f7f80) >>> 7) * 0xff;
      }
      return pc + 4;
    }
    case 357 /* i8x16_lt_u */: {
      const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
      for (let i = 0; i < 4; i++) R[d + i] = ltMaskU8(R[x + i], R[y + i]);
      return pc + 4;
    }
    case 316 /* i16x8_extadd_pairwise_i8x16_s */: {
      const d = b + code[pc + 1], x = b + code[pc + 2];
      for (let i = 0; i < 4; i++) {
        const p = R[x + i];
        R[d + i] = ((((p << 24) >> 24) + ((p << 16) >> 24)) & 0xffff) |
          ((((p << 8) >> 24) + (p >> 24)) << 16);
      }
      return pc + 3;
    }
    case 318 /* i32x4_extadd_pairwise_i16x8_s */: {
      const d = b + code[pc + 1], x = b + code[pc + 2];
      for (let i = 0; i < 4; i++) {
        const p = R[x + i];
        R[d + i] = ((p << 16) >> 16) + (p >> 16);
      }
      return pc + 3;
    }
    case 319 /* i32x4_extadd_pairwise_i16x8_u */: {
      const d = b + code[pc + 1], x = b + code[pc + 2];
      for (let i = 0; i < 4; i++) {
        const p = R[x + i];
        R[d + i] = (p & 0xffff) + (p >>> 16);
      }
      return pc + 3;
    }
    case 321 /* i16x8_bitmask */: {
      const x = b + code[pc + 2];
      R[b + code[pc + 1]] = bitmask16(R[x], R[x + 1], R[x + 2], R[x + 3]);
      return pc + 3;
    }
    case 322 /* i32x4_bitmask */: {
      const x = b + code[pc + 2];
      R[b + code[pc + 1]] = (R[x] >>> 31) | ((R[x + 1] >>> 31) << 1) |
        ((R[x + 2] >>> 31) << 2) |
        ((R[x + 3] >>> 31) << 3);
      return pc + 3;
    }
    case 323 /* v128_any_true */: {
      const x = b + code[pc + 2];
      R[b + code[pc + 1]] = (R[x] | R[x + 1] | R[x + 2] | R[x + 3]) !== 0 ? 1 : 0;
      return pc + 3;
    }
    case 328 /* v128_store32_lane */:
      mem.setInt32(
        ((R[b + code[pc + 1]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0),
        R[b + code[pc + 2] + code[pc + 5]],
        true,
      );
      return pc + 6;
  }
  throw new Error(`internal error: op ${code[pc]} is not an own SIMD op`);
}
