/**
 * The SIMD instructions of the register code, but for `mov128`, the relaxed
 * ternary ops and the two most frequent ones of the SIMD benchmark
 * (`v128_load`, `i16x8_add2_load8x8_u`), which stay in the executor's main
 * `switch`; the interpreter runs these with one call for each run of them.
 * They live outside the main `switch` to keep `run` small: V8 compiles `run`
 * with TurboFan several times in a long run, and at 54 KB of bytecode (39 KB
 * without these) each compile took ~0.5 s and 70–140 MB of peak memory.
 * Hot SIMD code runs in the JavaScript tiers, which inline these bodies
 * (js_ops.ts is generated from them). Like the rest of the interpreter,
 * they work on the four 32-bit words of a vector (see `simd_words.ts`).
 *
 * @module
 */

import { bitmask16, ltMaskU8, narrowS16, narrowS8 } from "./simd_words.ts";
import { floatBinary, floatUnary } from "./simd_float.ts";
import { intBinary, intUnary } from "./simd_int.ts";

/**
 * Runs the SIMD instruction at `pc` (one of the own SIMD ops that the main
 * switch hands over by name) on the frame at word `b`, and the own ops after
 * it up to the first that is not one or may trap; returns the position of
 * the next instruction. An op that may trap (a memory access) runs only as
 * the first: a trap's position is then the `pc` the executor passed.
 * JavaScriptCore inlines this function nowhere, and a call per op made the
 * interpreted SIMD benchmark 3–7% slower on Bun (V8: no difference).
 */
export function runSimdOp(
  R: Int32Array,
  F32: Float32Array,
  F64: Float64Array,
  mem: DataView,
  code: Int32Array,
  pc: number,
  b: number,
): number {
  const first = pc;
  for (;;) {
    switch (code[pc]) {
      case 281 /* i16x8_shl */: {
        const d = b + code[pc + 1], x = b + code[pc + 2];
        const c = R[b + code[pc + 3]] & 15;
        const mask = ((0xffff << c) & 0xffff) * 0x10001;
        R[d] = (R[x] << c) & mask;
        R[d + 1] = (R[x + 1] << c) & mask;
        R[d + 2] = (R[x + 2] << c) & mask;
        R[d + 3] = (R[x + 3] << c) & mask;
        pc += 4;
        continue;
      }
      case 282 /* i16x8_shr_s */: {
        const d = b + code[pc + 1], x = b + code[pc + 2];
        const c = R[b + code[pc + 3]] & 15, c16 = c + 16;
        R[d] = (((R[x] << 16) >> c16) & 0xffff) | ((R[x] >> c16) << 16);
        R[d + 1] = (((R[x + 1] << 16) >> c16) & 0xffff) | ((R[x + 1] >> c16) << 16);
        R[d + 2] = (((R[x + 2] << 16) >> c16) & 0xffff) | ((R[x + 2] >> c16) << 16);
        R[d + 3] = (((R[x + 3] << 16) >> c16) & 0xffff) | ((R[x + 3] >> c16) << 16);
        pc += 4;
        continue;
      }
      case 283 /* i16x8_shr_u */: {
        const d = b + code[pc + 1], x = b + code[pc + 2];
        const c = R[b + code[pc + 3]] & 15;
        const mask = (0xffff >>> c) * 0x10001;
        R[d] = (R[x] >>> c) & mask;
        R[d + 1] = (R[x + 1] >>> c) & mask;
        R[d + 2] = (R[x + 2] >>> c) & mask;
        R[d + 3] = (R[x + 3] >>> c) & mask;
        pc += 4;
        continue;
      }
      case 291 /* i16x8_extend_low_i8x16_s */: {
        const d = b + code[pc + 1], x = b + code[pc + 2];
        // Both source words first: the result may overwrite them.
        const p = R[x], q = R[x + 1];
        R[d] = (((p << 24) >> 24) & 0xffff) | (((p << 16) >> 24) << 16);
        R[d + 1] = (((p << 8) >> 24) & 0xffff) | ((p >> 24) << 16);
        R[d + 2] = (((q << 24) >> 24) & 0xffff) | (((q << 16) >> 24) << 16);
        R[d + 3] = (((q << 8) >> 24) & 0xffff) | ((q >> 24) << 16);
        pc += 3;
        continue;
      }
      case 292 /* i16x8_extend_high_i8x16_s */: {
        const d = b + code[pc + 1], x = b + code[pc + 2];
        // Both source words first: the result may overwrite them.
        const p = R[x + 2], q = R[x + 3];
        R[d] = (((p << 24) >> 24) & 0xffff) | (((p << 16) >> 24) << 16);
        R[d + 1] = (((p << 8) >> 24) & 0xffff) | ((p >> 24) << 16);
        R[d + 2] = (((q << 24) >> 24) & 0xffff) | (((q << 16) >> 24) << 16);
        R[d + 3] = (((q << 8) >> 24) & 0xffff) | ((q >> 24) << 16);
        pc += 3;
        continue;
      }
      case 293 /* i16x8_extend_low_i8x16_u */: {
        const d = b + code[pc + 1], x = b + code[pc + 2];
        // Both source words first: the result may overwrite them.
        const p = R[x], q = R[x + 1];
        R[d] = (p & 0xff) | ((p & 0xff00) << 8);
        R[d + 1] = ((p >>> 16) & 0xff) | ((p >>> 8) & 0xff0000);
        R[d + 2] = (q & 0xff) | ((q & 0xff00) << 8);
        R[d + 3] = ((q >>> 16) & 0xff) | ((q >>> 8) & 0xff0000);
        pc += 3;
        continue;
      }
      case 294 /* i16x8_extend_high_i8x16_u */: {
        const d = b + code[pc + 1], x = b + code[pc + 2];
        // Both source words first: the result may overwrite them.
        const p = R[x + 2], q = R[x + 3];
        R[d] = (p & 0xff) | ((p & 0xff00) << 8);
        R[d + 1] = ((p >>> 16) & 0xff) | ((p >>> 8) & 0xff0000);
        R[d + 2] = (q & 0xff) | ((q & 0xff00) << 8);
        R[d + 3] = ((q >>> 16) & 0xff) | ((q >>> 8) & 0xff0000);
        pc += 3;
        continue;
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
        pc += 4;
        continue;
      }
      case 305 /* i8x16_sub_sat_s */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        for (let i = 0; i < 4; i++) {
          const p = R[x + i], q = R[y + i];
          const s = ((p | -0x7f7f7f80) - (q & 0x7f7f7f7f)) ^ ((p ^ ~q) & -0x7f7f7f80);
          const mask = (((p ^ q) & (p ^ s) & -0x7f7f7f80) >>> 7) * 0xff;
          R[d + i] = (s & ~mask) | (((0x7f7f7f7f) + ((p & -0x7f7f7f80) >>> 7)) & mask);
        }
        pc += 4;
        continue;
      }
      case 306 /* i8x16_sub_sat_u */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        for (let i = 0; i < 4; i++) {
          const p = R[x + i], q = R[y + i];
          const s = ((p | -0x7f7f7f80) - (q & 0x7f7f7f7f)) ^ ((p ^ ~q) & -0x7f7f7f80);
          // A borrow out of a lane's top bit saturates it to zero.
          R[d + i] = s & ~(((((~p & q) | ((~p | q) & s)) & -0x7f7f7f80) >>> 7) * 0xff);
        }
        pc += 4;
        continue;
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
        pc += 4;
        continue;
      }
      case 309 /* i16x8_add_sat_u */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        for (let i = 0; i < 4; i++) {
          const p = R[x + i], q = R[y + i];
          const s = ((p & 0x7fff7fff) + (q & 0x7fff7fff)) ^ ((p ^ q) & -0x7fff8000);
          // A carry out of a lane's top bit saturates it to all ones.
          R[d + i] = s | ((((p & q) | ((p | q) & ~s)) & -0x7fff8000) >>> 15) * 0xffff;
        }
        pc += 4;
        continue;
      }
      case 310 /* i16x8_sub_sat_s */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        for (let i = 0; i < 4; i++) {
          const p = R[x + i], q = R[y + i];
          const s = ((p | -0x7fff8000) - (q & 0x7fff7fff)) ^ ((p ^ ~q) & -0x7fff8000);
          const mask = (((p ^ q) & (p ^ s) & -0x7fff8000) >>> 15) * 0xffff;
          R[d + i] = (s & ~mask) | (((0x7fff7fff) + ((p & -0x7fff8000) >>> 15)) & mask);
        }
        pc += 4;
        continue;
      }
      case 311 /* i16x8_sub_sat_u */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        for (let i = 0; i < 4; i++) {
          const p = R[x + i], q = R[y + i];
          const s = ((p | -0x7fff8000) - (q & 0x7fff7fff)) ^ ((p ^ ~q) & -0x7fff8000);
          // A borrow out of a lane's top bit saturates it to zero.
          R[d + i] = s & ~(((((~p & q) | ((~p | q) & s)) & -0x7fff8000) >>> 15) * 0xffff);
        }
        pc += 4;
        continue;
      }
      case 312 /* i16x8_avgr_u */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        for (let i = 0; i < 4; i++) {
          const p = R[x + i], q = R[y + i];
          R[d + i] = (p | q) - (((p ^ q) >>> 1) & 0x7fff7fff);
        }
        pc += 4;
        continue;
      }
      case 313 /* i8x16_eq */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        for (let i = 0; i < 4; i++) {
          const p = R[x + i], q = R[y + i];
          const z = p ^ q;
          // A lane's top bit is set where it differs; spread to the whole lane, then invert.
          R[d + i] = ~((((((z & 0x7f7f7f7f) + 0x7f7f7f7f) | z) & -0x7f7f7f80) >>> 7) * 0xff);
        }
        pc += 4;
        continue;
      }
      case 314 /* i8x16_ne */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        for (let i = 0; i < 4; i++) {
          const p = R[x + i], q = R[y + i];
          const z = p ^ q;
          R[d + i] = (((((z & 0x7f7f7f7f) + 0x7f7f7f7f) | z) & -0x7f7f7f80) >>> 7) * 0xff;
        }
        pc += 4;
        continue;
      }
      case 357 /* i8x16_lt_u */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        for (let i = 0; i < 4; i++) R[d + i] = ltMaskU8(R[x + i], R[y + i]);
        pc += 4;
        continue;
      }
      case 316 /* i16x8_extadd_pairwise_i8x16_s */: {
        const d = b + code[pc + 1], x = b + code[pc + 2];
        for (let i = 0; i < 4; i++) {
          const p = R[x + i];
          R[d + i] = ((((p << 24) >> 24) + ((p << 16) >> 24)) & 0xffff) |
            ((((p << 8) >> 24) + (p >> 24)) << 16);
        }
        pc += 3;
        continue;
      }
      case 318 /* i32x4_extadd_pairwise_i16x8_s */: {
        const d = b + code[pc + 1], x = b + code[pc + 2];
        for (let i = 0; i < 4; i++) {
          const p = R[x + i];
          R[d + i] = ((p << 16) >> 16) + (p >> 16);
        }
        pc += 3;
        continue;
      }
      case 319 /* i32x4_extadd_pairwise_i16x8_u */: {
        const d = b + code[pc + 1], x = b + code[pc + 2];
        for (let i = 0; i < 4; i++) {
          const p = R[x + i];
          R[d + i] = (p & 0xffff) + (p >>> 16);
        }
        pc += 3;
        continue;
      }
      case 321 /* i16x8_bitmask */: {
        const x = b + code[pc + 2];
        R[b + code[pc + 1]] = bitmask16(R[x], R[x + 1], R[x + 2], R[x + 3]);
        pc += 3;
        continue;
      }
      case 322 /* i32x4_bitmask */: {
        const x = b + code[pc + 2];
        R[b + code[pc + 1]] = (R[x] >>> 31) | ((R[x + 1] >>> 31) << 1) |
          ((R[x + 2] >>> 31) << 2) |
          ((R[x + 3] >>> 31) << 3);
        pc += 3;
        continue;
      }
      case 323 /* v128_any_true */: {
        const x = b + code[pc + 2];
        R[b + code[pc + 1]] = (R[x] | R[x + 1] | R[x + 2] | R[x + 3]) !== 0 ? 1 : 0;
        pc += 3;
        continue;
      }
      case 328 /* v128_store32_lane */:
        if (pc !== first) return pc; // may trap: only as the first op of a call
        mem.setInt32(
          ((R[b + code[pc + 1]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0),
          R[b + code[pc + 2] + code[pc + 5]],
          true,
        );
        pc += 6;
        continue;
      case 369 /* canon_f32x4 */: {
        const d = b + code[pc + 1];
        if (F32[d] !== F32[d]) R[d] = 0x7fc00000;
        if (F32[d + 1] !== F32[d + 1]) R[d + 1] = 0x7fc00000;
        if (F32[d + 2] !== F32[d + 2]) R[d + 2] = 0x7fc00000;
        if (F32[d + 3] !== F32[d + 3]) R[d + 3] = 0x7fc00000;
        pc += 2;
        continue;
      }
      case 370 /* canon_f64x2 */: {
        const d = b + code[pc + 1];
        if (F64[d >> 1] !== F64[d >> 1]) {
          R[d] = 0;
          R[d + 1] = 0x7ff80000;
        }
        if (F64[(d >> 1) + 1] !== F64[(d >> 1) + 1]) {
          R[d + 2] = 0;
          R[d + 3] = 0x7ff80000;
        }
        pc += 2;
        continue;
      }
      case 351 /* f32x4_mul_load */: {
        if (pc !== first) return pc; // may trap: only as the first op of a call
        const ea = ((R[b + code[pc + 3]] + code[pc + 4]) >>> 0) + (code[pc + 5] >>> 0);
        const q3 = mem.getFloat32(ea + 12, true); // the bounds check, before any write
        const d = b + code[pc + 1], x = b + code[pc + 2];
        F32[d] = F32[x] * mem.getFloat32(ea, true);
        F32[d + 1] = F32[x + 1] * mem.getFloat32(ea + 4, true);
        F32[d + 2] = F32[x + 2] * mem.getFloat32(ea + 8, true);
        F32[d + 3] = F32[x + 3] * q3;
        pc += 6;
        continue;
      }
      case 267 /* v128_load8x8_s */: {
        if (pc !== first) return pc; // may trap: only as the first op of a call
        const ea = ((R[b + code[pc + 2]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
        // DataView reads are the bounds check; a trap leaves memory untouched.
        const hi = mem.getInt32(ea + 4, true), lo = mem.getInt32(ea, true);
        const d = b + code[pc + 1];
        R[d] = (((lo << 24) >> 24) & 0xffff) | (((lo << 16) >> 24) << 16);
        R[d + 1] = (((lo << 8) >> 24) & 0xffff) | ((lo >> 24) << 16);
        R[d + 2] = (((hi << 24) >> 24) & 0xffff) | (((hi << 16) >> 24) << 16);
        R[d + 3] = (((hi << 8) >> 24) & 0xffff) | ((hi >> 24) << 16);
        pc += 5;
        continue;
      }
      case 268 /* v128_load8x8_u */: {
        if (pc !== first) return pc; // may trap: only as the first op of a call
        const ea = ((R[b + code[pc + 2]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
        const hi = mem.getInt32(ea + 4, true), lo = mem.getInt32(ea, true);
        const d = b + code[pc + 1];
        R[d] = (lo & 0xff) | ((lo & 0xff00) << 8);
        R[d + 1] = ((lo >>> 16) & 0xff) | ((lo >>> 8) & 0xff0000);
        R[d + 2] = (hi & 0xff) | ((hi & 0xff00) << 8);
        R[d + 3] = ((hi >>> 16) & 0xff) | ((hi >>> 8) & 0xff0000);
        pc += 5;
        continue;
      }
      case 269 /* v128_and */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        R[d] = R[x] & R[y];
        R[d + 1] = R[x + 1] & R[y + 1];
        R[d + 2] = R[x + 2] & R[y + 2];
        R[d + 3] = R[x + 3] & R[y + 3];
        pc += 4;
        continue;
      }
      case 270 /* v128_or */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        R[d] = R[x] | R[y];
        R[d + 1] = R[x + 1] | R[y + 1];
        R[d + 2] = R[x + 2] | R[y + 2];
        R[d + 3] = R[x + 3] | R[y + 3];
        pc += 4;
        continue;
      }
      case 271 /* v128_xor */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        R[d] = R[x] ^ R[y];
        R[d + 1] = R[x + 1] ^ R[y + 1];
        R[d + 2] = R[x + 2] ^ R[y + 2];
        R[d + 3] = R[x + 3] ^ R[y + 3];
        pc += 4;
        continue;
      }
      case 272 /* v128_andnot */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        R[d] = R[x] & ~R[y];
        R[d + 1] = R[x + 1] & ~R[y + 1];
        R[d + 2] = R[x + 2] & ~R[y + 2];
        R[d + 3] = R[x + 3] & ~R[y + 3];
        pc += 4;
        continue;
      }
      case 273 /* i8x16_add */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        for (let i = 0; i < 4; i++) {
          const p = R[x + i], q = R[y + i];
          R[d + i] = ((p & 0x7f7f7f7f) + (q & 0x7f7f7f7f)) ^ ((p ^ q) & -0x7f7f7f80);
        }
        pc += 4;
        continue;
      }
      case 274 /* i8x16_sub */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        for (let i = 0; i < 4; i++) {
          const p = R[x + i], q = R[y + i];
          R[d + i] = ((p | -0x7f7f7f80) - (q & 0x7f7f7f7f)) ^ ((p ^ ~q) & -0x7f7f7f80);
        }
        pc += 4;
        continue;
      }
      case 275 /* i16x8_add */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        for (let i = 0; i < 4; i++) {
          const p = R[x + i], q = R[y + i];
          R[d + i] = ((p & 0x7fff7fff) + (q & 0x7fff7fff)) ^ ((p ^ q) & -0x7fff8000);
        }
        pc += 4;
        continue;
      }
      case 276 /* i16x8_sub */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        for (let i = 0; i < 4; i++) {
          const p = R[x + i], q = R[y + i];
          R[d + i] = ((p | -0x7fff8000) - (q & 0x7fff7fff)) ^ ((p ^ ~q) & -0x7fff8000);
        }
        pc += 4;
        continue;
      }
      case 277 /* i16x8_mul */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        for (let i = 0; i < 4; i++) {
          const p = R[x + i], q = R[y + i];
          R[d + i] = (Math.imul(p >> 16, q >> 16) << 16) | (Math.imul(p, q) & 0xffff);
        }
        pc += 4;
        continue;
      }
      case 278 /* i32x4_add */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        R[d] = (R[x] + R[y]) | 0;
        R[d + 1] = (R[x + 1] + R[y + 1]) | 0;
        R[d + 2] = (R[x + 2] + R[y + 2]) | 0;
        R[d + 3] = (R[x + 3] + R[y + 3]) | 0;
        pc += 4;
        continue;
      }
      case 279 /* i32x4_sub */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        R[d] = (R[x] - R[y]) | 0;
        R[d + 1] = (R[x + 1] - R[y + 1]) | 0;
        R[d + 2] = (R[x + 2] - R[y + 2]) | 0;
        R[d + 3] = (R[x + 3] - R[y + 3]) | 0;
        pc += 4;
        continue;
      }
      case 295 /* f32x4_add */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        F32[d] = F32[x] + F32[y];
        F32[d + 1] = F32[x + 1] + F32[y + 1];
        F32[d + 2] = F32[x + 2] + F32[y + 2];
        F32[d + 3] = F32[x + 3] + F32[y + 3];
        pc += 4;
        continue;
      }
      case 296 /* f32x4_sub */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        F32[d] = F32[x] - F32[y];
        F32[d + 1] = F32[x + 1] - F32[y + 1];
        F32[d + 2] = F32[x + 2] - F32[y + 2];
        F32[d + 3] = F32[x + 3] - F32[y + 3];
        pc += 4;
        continue;
      }
      case 297 /* f32x4_mul */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        F32[d] = F32[x] * F32[y];
        F32[d + 1] = F32[x + 1] * F32[y + 1];
        F32[d + 2] = F32[x + 2] * F32[y + 2];
        F32[d + 3] = F32[x + 3] * F32[y + 3];
        pc += 4;
        continue;
      }
      case 298 /* f32x4_div */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        F32[d] = F32[x] / F32[y];
        F32[d + 1] = F32[x + 1] / F32[y + 1];
        F32[d + 2] = F32[x + 2] / F32[y + 2];
        F32[d + 3] = F32[x + 3] / F32[y + 3];
        pc += 4;
        continue;
      }
      case 299 /* f64x2_add */: {
        const d = (b + code[pc + 1]) >> 1,
          x = (b + code[pc + 2]) >> 1,
          y = (b + code[pc + 3]) >> 1;
        F64[d] = F64[x] + F64[y];
        F64[d + 1] = F64[x + 1] + F64[y + 1];
        pc += 4;
        continue;
      }
      case 300 /* f64x2_sub */: {
        const d = (b + code[pc + 1]) >> 1,
          x = (b + code[pc + 2]) >> 1,
          y = (b + code[pc + 3]) >> 1;
        F64[d] = F64[x] - F64[y];
        F64[d + 1] = F64[x + 1] - F64[y + 1];
        pc += 4;
        continue;
      }
      case 301 /* f64x2_mul */: {
        const d = (b + code[pc + 1]) >> 1,
          x = (b + code[pc + 2]) >> 1,
          y = (b + code[pc + 3]) >> 1;
        F64[d] = F64[x] * F64[y];
        F64[d + 1] = F64[x + 1] * F64[y + 1];
        pc += 4;
        continue;
      }
      case 302 /* f64x2_div */: {
        const d = (b + code[pc + 1]) >> 1,
          x = (b + code[pc + 2]) >> 1,
          y = (b + code[pc + 3]) >> 1;
        F64[d] = F64[x] / F64[y];
        F64[d + 1] = F64[x + 1] / F64[y + 1];
        pc += 4;
        continue;
      }
      case 330 /* i16x8_add_load8x8_s */: {
        if (pc !== first) return pc; // may trap: only as the first op of a call
        const ea = ((R[b + code[pc + 3]] + code[pc + 4]) >>> 0) + (code[pc + 5] >>> 0);
        const hi = mem.getInt32(ea + 4, true), lo = mem.getInt32(ea, true);
        const d = b + code[pc + 1], x = b + code[pc + 2];
        const q0 = (((lo << 24) >> 24) & 0xffff) | (((lo << 16) >> 24) << 16);
        const q1 = (((lo << 8) >> 24) & 0xffff) | ((lo >> 24) << 16);
        const q2 = (((hi << 24) >> 24) & 0xffff) | (((hi << 16) >> 24) << 16);
        const q3 = (((hi << 8) >> 24) & 0xffff) | ((hi >> 24) << 16);
        const p0 = R[x], p1 = R[x + 1], p2 = R[x + 2], p3 = R[x + 3];
        R[d] = ((p0 & 0x7fff7fff) + (q0 & 0x7fff7fff)) ^ ((p0 ^ q0) & -0x7fff8000);
        R[d + 1] = ((p1 & 0x7fff7fff) + (q1 & 0x7fff7fff)) ^ ((p1 ^ q1) & -0x7fff8000);
        R[d + 2] = ((p2 & 0x7fff7fff) + (q2 & 0x7fff7fff)) ^ ((p2 ^ q2) & -0x7fff8000);
        R[d + 3] = ((p3 & 0x7fff7fff) + (q3 & 0x7fff7fff)) ^ ((p3 ^ q3) & -0x7fff8000);
        pc += 6;
        continue;
      }
      case 331 /* i16x8_add_load8x8_u */: {
        if (pc !== first) return pc; // may trap: only as the first op of a call
        const ea = ((R[b + code[pc + 3]] + code[pc + 4]) >>> 0) + (code[pc + 5] >>> 0);
        const hi = mem.getInt32(ea + 4, true), lo = mem.getInt32(ea, true);
        const d = b + code[pc + 1], x = b + code[pc + 2];
        // The loaded lanes' top bits are 0, so the lane add is ((p & low bits) + q) ^ (p's top bits).
        const p0 = R[x], p1 = R[x + 1], p2 = R[x + 2], p3 = R[x + 3];
        R[d] = ((p0 & 0x7fff7fff) + ((lo & 0xff) | ((lo & 0xff00) << 8))) ^
          (p0 & -0x7fff8000);
        R[d + 1] = ((p1 & 0x7fff7fff) + (((lo >>> 16) & 0xff) | ((lo >>> 8) & 0xff0000))) ^
          (p1 & -0x7fff8000);
        R[d + 2] = ((p2 & 0x7fff7fff) + ((hi & 0xff) | ((hi & 0xff00) << 8))) ^
          (p2 & -0x7fff8000);
        R[d + 3] = ((p3 & 0x7fff7fff) + (((hi >>> 16) & 0xff) | ((hi >>> 8) & 0xff0000))) ^
          (p3 & -0x7fff8000);
        pc += 6;
        continue;
      }
      case 284 /* i32x4_shl */: {
        const d = b + code[pc + 1], x = b + code[pc + 2];
        const c = R[b + code[pc + 3]];
        R[d] = R[x] << c;
        R[d + 1] = R[x + 1] << c;
        R[d + 2] = R[x + 2] << c;
        R[d + 3] = R[x + 3] << c;
        pc += 4;
        continue;
      }
      case 285 /* i32x4_shr_s */: {
        const d = b + code[pc + 1], x = b + code[pc + 2];
        const c = R[b + code[pc + 3]];
        R[d] = R[x] >> c;
        R[d + 1] = R[x + 1] >> c;
        R[d + 2] = R[x + 2] >> c;
        R[d + 3] = R[x + 3] >> c;
        pc += 4;
        continue;
      }
      case 286 /* i32x4_shr_u */: {
        const d = b + code[pc + 1], x = b + code[pc + 2];
        const c = R[b + code[pc + 3]];
        R[d] = R[x] >>> c;
        R[d + 1] = R[x + 1] >>> c;
        R[d + 2] = R[x + 2] >>> c;
        R[d + 3] = R[x + 3] >>> c;
        pc += 4;
        continue;
      }
      case 287 /* i32x4_extend_low_i16x8_s */: {
        const d = b + code[pc + 1], x = b + code[pc + 2];
        // Both source words first: the result may overwrite them.
        const p = R[x], q = R[x + 1];
        R[d] = (p << 16) >> 16;
        R[d + 1] = p >> 16;
        R[d + 2] = (q << 16) >> 16;
        R[d + 3] = q >> 16;
        pc += 3;
        continue;
      }
      case 288 /* i32x4_extend_high_i16x8_s */: {
        const d = b + code[pc + 1], x = b + code[pc + 2];
        // Both source words first: the result may overwrite them.
        const p = R[x + 2], q = R[x + 3];
        R[d] = (p << 16) >> 16;
        R[d + 1] = p >> 16;
        R[d + 2] = (q << 16) >> 16;
        R[d + 3] = q >> 16;
        pc += 3;
        continue;
      }
      case 289 /* i32x4_extend_low_i16x8_u */: {
        const d = b + code[pc + 1], x = b + code[pc + 2];
        // Both source words first: the result may overwrite them.
        const p = R[x], q = R[x + 1];
        R[d] = p & 0xffff;
        R[d + 1] = p >>> 16;
        R[d + 2] = q & 0xffff;
        R[d + 3] = q >>> 16;
        pc += 3;
        continue;
      }
      case 290 /* i32x4_extend_high_i16x8_u */: {
        const d = b + code[pc + 1], x = b + code[pc + 2];
        // Both source words first: the result may overwrite them.
        const p = R[x + 2], q = R[x + 3];
        R[d] = p & 0xffff;
        R[d + 1] = p >>> 16;
        R[d + 2] = q & 0xffff;
        R[d + 3] = q >>> 16;
        pc += 3;
        continue;
      }
      case 324 /* i8x16_narrow_i16x8_s */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        // Every source word before any write: the result may be either operand.
        const x0 = R[x], x1 = R[x + 1], x2 = R[x + 2], x3 = R[x + 3];
        const y0 = R[y], y1 = R[y + 1], y2 = R[y + 2], y3 = R[y + 3];
        R[d] = narrowS8(x0, x1);
        R[d + 1] = narrowS8(x2, x3);
        R[d + 2] = narrowS8(y0, y1);
        R[d + 3] = narrowS8(y2, y3);
        pc += 4;
        continue;
      }
      case 304 /* i8x16_add_sat_u */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        for (let i = 0; i < 4; i++) {
          const p = R[x + i], q = R[y + i];
          const s = ((p & 0x7f7f7f7f) + (q & 0x7f7f7f7f)) ^ ((p ^ q) & -0x7f7f7f80);
          // A carry out of a lane's top bit saturates it to all ones.
          R[d + i] = s | ((((p & q) | ((p | q) & ~s)) & -0x7f7f7f80) >>> 7) * 0xff;
        }
        pc += 4;
        continue;
      }
      case 307 /* i8x16_avgr_u */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        for (let i = 0; i < 4; i++) {
          const p = R[x + i], q = R[y + i];
          R[d + i] = (p | q) - (((p ^ q) >>> 1) & 0x7f7f7f7f);
        }
        pc += 4;
        continue;
      }
      case 315 /* i32x4_dot_i16x8_s */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        for (let i = 0; i < 4; i++) {
          const p = R[x + i], q = R[y + i];
          const low = Math.imul((p << 16) >> 16, (q << 16) >> 16);
          R[d + i] = (low + Math.imul(p >> 16, q >> 16)) | 0;
        }
        pc += 4;
        continue;
      }
      case 317 /* i16x8_extadd_pairwise_i8x16_u */: {
        const d = b + code[pc + 1], x = b + code[pc + 2];
        for (let i = 0; i < 4; i++) {
          const p = R[x + i];
          R[d + i] = ((p & 0xff) + ((p >>> 8) & 0xff)) |
            ((((p >>> 16) & 0xff) + (p >>> 24)) << 16);
        }
        pc += 3;
        continue;
      }
      case 320 /* i8x16_bitmask */: {
        const x = b + code[pc + 2];
        let bits = 0;
        for (let i = 0; i < 4; i++) {
          const w = R[x + i];
          bits |= (((w >>> 7) & 1) | ((w >>> 14) & 2) | ((w >>> 21) & 4) | ((w >>> 28) & 8)) <<
            (4 * i);
        }
        R[b + code[pc + 1]] = bits;
        pc += 3;
        continue;
      }
      case 358 /* i8x16_gt_u */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        for (let i = 0; i < 4; i++) {
          // ltMaskU8(y, x) inline: bytewise y - x, then each byte's borrow widened to 0xff.
          const p = R[y + i], q = R[x + i];
          const diff = ((p | -0x7f7f7f80) - (q & 0x7f7f7f7f)) ^ ((p ^ ~q) & -0x7f7f7f80);
          const borrow = ((~p & q) | (~(p ^ q) & diff)) & -0x7f7f7f80;
          R[d + i] = borrow | (borrow - (borrow >>> 7));
        }
        pc += 4;
        continue;
      }
      case 325 /* i8x16_narrow_i16x8_u */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        // Every source word before any write: the result may be either operand.
        const x0 = R[x], x1 = R[x + 1], x2 = R[x + 2], x3 = R[x + 3];
        const y0 = R[y], y1 = R[y + 1], y2 = R[y + 2], y3 = R[y + 3];
        // narrowU8 (simd_words.ts) written out four times: runSimdOp is over the size up to which
        // JavaScriptCore inlines calls into a function, and the calls were a tenth of the
        // interpreted simd kernel's time on Bun.
        let w = x0 & ~(((x0 & -0x7fff8000) >>> 15) * 0xffff);
        let s = (w | ((((w + 0x7f007f00) & -0x7fff8000) >>> 15) * 0xff)) & 0xff00ff;
        w = x1 & ~(((x1 & -0x7fff8000) >>> 15) * 0xffff);
        let t = (w | ((((w + 0x7f007f00) & -0x7fff8000) >>> 15) * 0xff)) & 0xff00ff;
        R[d] = ((s | (s >>> 8)) & 0xffff) | (((t | (t >>> 8)) & 0xffff) << 16);
        w = x2 & ~(((x2 & -0x7fff8000) >>> 15) * 0xffff);
        s = (w | ((((w + 0x7f007f00) & -0x7fff8000) >>> 15) * 0xff)) & 0xff00ff;
        w = x3 & ~(((x3 & -0x7fff8000) >>> 15) * 0xffff);
        t = (w | ((((w + 0x7f007f00) & -0x7fff8000) >>> 15) * 0xff)) & 0xff00ff;
        R[d + 1] = ((s | (s >>> 8)) & 0xffff) | (((t | (t >>> 8)) & 0xffff) << 16);
        w = y0 & ~(((y0 & -0x7fff8000) >>> 15) * 0xffff);
        s = (w | ((((w + 0x7f007f00) & -0x7fff8000) >>> 15) * 0xff)) & 0xff00ff;
        w = y1 & ~(((y1 & -0x7fff8000) >>> 15) * 0xffff);
        t = (w | ((((w + 0x7f007f00) & -0x7fff8000) >>> 15) * 0xff)) & 0xff00ff;
        R[d + 2] = ((s | (s >>> 8)) & 0xffff) | (((t | (t >>> 8)) & 0xffff) << 16);
        w = y2 & ~(((y2 & -0x7fff8000) >>> 15) * 0xffff);
        s = (w | ((((w + 0x7f007f00) & -0x7fff8000) >>> 15) * 0xff)) & 0xff00ff;
        w = y3 & ~(((y3 & -0x7fff8000) >>> 15) * 0xffff);
        t = (w | ((((w + 0x7f007f00) & -0x7fff8000) >>> 15) * 0xff)) & 0xff00ff;
        R[d + 3] = ((s | (s >>> 8)) & 0xffff) | (((t | (t >>> 8)) & 0xffff) << 16);
        pc += 4;
        continue;
      }
      case 326 /* i16x8_narrow_i32x4_s */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        // Every source word before any write: the result may be either operand.
        const x0 = R[x], x1 = R[x + 1], x2 = R[x + 2], x3 = R[x + 3];
        const y0 = R[y], y1 = R[y + 1], y2 = R[y + 2], y3 = R[y + 3];
        R[d] = narrowS16(x0, x1);
        R[d + 1] = narrowS16(x2, x3);
        R[d + 2] = narrowS16(y0, y1);
        R[d + 3] = narrowS16(y2, y3);
        pc += 4;
        continue;
      }
      case 327 /* i16x8_narrow_i32x4_u */: {
        const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
        // Every source word before any write: the result may be either operand.
        const x0 = R[x], x1 = R[x + 1], x2 = R[x + 2], x3 = R[x + 3];
        const y0 = R[y], y1 = R[y + 1], y2 = R[y + 2], y3 = R[y + 3];
        // narrowU16 written out (see i8x16_narrow_i16x8_u).
        R[d] = (x0 < 0 ? 0 : x0 > 65535 ? 65535 : x0) |
          ((x1 < 0 ? 0 : x1 > 65535 ? 65535 : x1) << 16);
        R[d + 1] = (x2 < 0 ? 0 : x2 > 65535 ? 65535 : x2) |
          ((x3 < 0 ? 0 : x3 > 65535 ? 65535 : x3) << 16);
        R[d + 2] = (y0 < 0 ? 0 : y0 > 65535 ? 65535 : y0) |
          ((y1 < 0 ? 0 : y1 > 65535 ? 65535 : y1) << 16);
        R[d + 3] = (y2 < 0 ? 0 : y2 > 65535 ? 65535 : y2) |
          ((y3 < 0 ? 0 : y3 > 65535 ? 65535 : y3) << 16);
        pc += 4;
        continue;
      }
      case 329 /* v128_store64_lane */: {
        if (pc !== first) return pc; // may trap: only as the first op of a call
        const ea = ((R[b + code[pc + 1]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
        const s = b + code[pc + 2] + 2 * code[pc + 5];
        mem.setInt32(ea + 4, R[s + 1], true); // the bounds check, before any write
        mem.setInt32(ea, R[s], true);
        pc += 6;
        continue;
      }
      case 243 /* v128_int_unary */:
        intUnary(R, code[pc + 3], b + code[pc + 1], b + code[pc + 2]);
        pc += 4;
        continue;
      case 244 /* v128_int_binary */:
        intBinary(R, code[pc + 4], b + code[pc + 1], b + code[pc + 2], b + code[pc + 3]);
        pc += 5;
        continue;
      case 245 /* v128_float_unary */:
        floatUnary(R, F32, F64, code[pc + 3], b + code[pc + 1], b + code[pc + 2]);
        pc += 4;
        continue;
      case 246 /* v128_float_binary */:
        floatBinary(
          R,
          F32,
          F64,
          code[pc + 4],
          b + code[pc + 1],
          b + code[pc + 2],
          b + code[pc + 3],
        );
        pc += 5;
        continue;
    }
    // Not an own op: the run of ops ends here (the first one is always an own op).
    if (pc !== first) return pc;
    throw new Error(`internal error: op ${code[pc]} is not an own SIMD op`);
  }
}
