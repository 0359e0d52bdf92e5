/**
 * The SIMD executor for the generic `v128_*` register ops (see `ops.ts`),
 * which carry the wasm sub-opcode as an operand. The commonest SIMD
 * instructions (v128.load/store, load8x8, bitwise ops, integer add/sub/mul,
 * shifts, extends, float arithmetic) have their own ops, run inline by the
 * executor's hot `switch`; every other one comes here. Lane loads and
 * stores, shuffles and splats live in this file; the remaining integer and
 * float lane arithmetic in `simd_int.ts` and `simd_float.ts`.
 *
 * A v128 value is four words of the register file holding its 16 bytes in
 * memory order (lane 0 in the low bytes of the first word). f32 and f64
 * lanes are moved as int32 words, never through a JS number, so NaN bit
 * patterns survive loads, stores, splats, shuffles and lane moves.
 *
 * Memory accesses check bounds before touching memory, so a trapping store
 * writes nothing.
 *
 * @module
 */

import { RuntimeError } from "../../errors.ts";
import type { InstanceState, RegisterViews } from "../instances.ts";
import { relaxedTernary } from "./simd_relaxed.ts";
import { A16, A32, A8, AB8, AU16, AU8, C32, CU8, readA, readB, writeC } from "./simd_scratch.ts";

function outOfBounds(): never {
  throw new RuntimeError("out of bounds memory access");
}

/** The effective address of an access of `width` bytes, checked against memory 0's size. */
function address(view: DataView, base: number, offset: number, width: number): number {
  const ea = (base >>> 0) + (offset >>> 0);
  if (ea + width > view.byteLength) outOfBounds();
  return ea;
}

/** Bytes read by each `v128_load_ext` sub-opcode (0x03-0x0a, 0x5c, 0x5d; load8x8 has own ops). */
function extWidth(sub: number): number {
  if (sub <= 0x06 || sub === 0x0a || sub === 0x5d) return 8;
  return sub === 0x07 ? 1 : sub === 0x08 ? 2 : 4;
}

/** Runs the SIMD instruction at `pc` and returns the position of the next one. */
export function executeSimd(
  m: RegisterViews,
  inst: InstanceState,
  code: Int32Array,
  pc: number,
  b: number,
): number {
  const R = m.R;
  switch (code[pc]) {
    case 234 /* v128_load_ext */: {
      const view = inst.memories[0].view;
      const sub = code[pc + 4];
      const ea = address(view, R[b + code[pc + 2]], code[pc + 3], extWidth(sub));
      loadExtended(view, sub, ea);
      writeC(R, b + code[pc + 1]);
      return pc + 5;
    }
    case 236 /* v128_load_lane */: {
      const view = inst.memories[0].view;
      const n = code[pc + 5], sub = n & 0xff, lane = n >> 8;
      // The vector may overlap the result register: take a copy before writing.
      readA(R, b + code[pc + 3]);
      const ea = address(view, R[b + code[pc + 2]], code[pc + 4], 1 << (sub - 0x54));
      if (sub === 0x54) AU8[lane] = view.getUint8(ea);
      else if (sub === 0x55) AU16[lane] = view.getUint16(ea, true);
      else if (sub === 0x56) A32[lane] = view.getInt32(ea, true);
      else {
        A32[2 * lane] = view.getInt32(ea, true);
        A32[2 * lane + 1] = view.getInt32(ea + 4, true);
      }
      const d = b + code[pc + 1];
      R[d] = A32[0];
      R[d + 1] = A32[1];
      R[d + 2] = A32[2];
      R[d + 3] = A32[3];
      return pc + 6;
    }
    case 237 /* v128_store_lane */: {
      const view = inst.memories[0].view;
      const n = code[pc + 4], sub = n & 0xff, lane = n >> 8;
      const ea = address(view, R[b + code[pc + 1]], code[pc + 3], 1 << (sub - 0x58));
      readA(R, b + code[pc + 2]);
      // 8- and 16-bit lanes only: the 32- and 64-bit lane stores have own ops.
      if (sub === 0x58) view.setUint8(ea, AU8[lane]);
      else view.setUint16(ea, AU16[lane], true);
      return pc + 5;
    }
    case 238 /* v128_shuffle */: {
      readA(R, b + code[pc + 2]);
      readB(R, b + code[pc + 3]);
      for (let i = 0; i < 16; i++) {
        CU8[i] = AB8[(code[pc + 4 + (i >> 2)] >>> ((i & 3) << 3)) & 31];
      }
      writeC(R, b + code[pc + 1]);
      return pc + 8;
    }
    case 239 /* v128_splat */: {
      const s = b + code[pc + 2], sub = code[pc + 3];
      const lo = R[s], hi = R[s + 1];
      let w0: number, w1: number;
      if (sub === 0x0f) w0 = w1 = Math.imul(lo & 0xff, 0x01010101); // i8x16
      else if (sub === 0x10) w0 = w1 = (lo & 0xffff) | (lo << 16); // i16x8
      else if (sub === 0x11 || sub === 0x13) w0 = w1 = lo; // i32x4, f32x4 (as bits)
      else {
        w0 = lo; // i64x2, f64x2 (as bits)
        w1 = hi;
      }
      const d = b + code[pc + 1];
      R[d] = w0;
      R[d + 1] = w1;
      R[d + 2] = w0;
      R[d + 3] = w1;
      return pc + 4;
    }
    case 240 /* v128_extract */: {
      const v = b + code[pc + 2], n = code[pc + 3], sub = n & 0xff, lane = n >> 8;
      const d = b + code[pc + 1];
      if (sub === 0x1b || sub === 0x1f) R[d] = R[v + lane]; // i32x4, f32x4 (as bits)
      else if (sub === 0x1d || sub === 0x21) {
        const lo = R[v + 2 * lane], hi = R[v + 2 * lane + 1]; // i64x2, f64x2 (as bits)
        R[d] = lo;
        R[d + 1] = hi;
      } else {
        readA(R, v);
        if (sub === 0x15) R[d] = A8[lane];
        else if (sub === 0x16) R[d] = AU8[lane];
        else if (sub === 0x18) R[d] = A16[lane];
        else R[d] = AU16[lane];
      }
      return pc + 4;
    }
    case 241 /* v128_replace */: {
      const n = code[pc + 4], sub = n & 0xff, lane = n >> 8;
      readA(R, b + code[pc + 2]);
      const s = b + code[pc + 3];
      if (sub === 0x17) A8[lane] = R[s];
      else if (sub === 0x1a) A16[lane] = R[s];
      else if (sub === 0x1c || sub === 0x20) A32[lane] = R[s];
      else {
        A32[2 * lane] = R[s];
        A32[2 * lane + 1] = R[s + 1];
      }
      const d = b + code[pc + 1];
      R[d] = A32[0];
      R[d + 1] = A32[1];
      R[d + 2] = A32[2];
      R[d + 3] = A32[3];
      return pc + 5;
    }
    case 242 /* v128_bitselect */: {
      const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
      const c = b + code[pc + 4];
      for (let i = 0; i < 4; i++) R[d + i] = (R[x + i] & R[c + i]) | (R[y + i] & ~R[c + i]);
      return pc + 5;
    }
    case 363 /* v128_relaxed_ternary */:
      relaxedTernary(
        R,
        m.F32,
        m.F64,
        code[pc + 5],
        b + code[pc + 1],
        b + code[pc + 2],
        b + code[pc + 3],
        b + code[pc + 4],
      );
      return pc + 6;
  }
  throw new RuntimeError(`internal error: unknown register op ${code[pc]} at ${pc}`);
}

/** The extending, splatting and zero-filling loads, into C (bounds already checked). */
function loadExtended(view: DataView, sub: number, ea: number): void {
  switch (sub) {
    case 0x03: // v128.load16x4_s
      for (let i = 0; i < 4; i++) C32[i] = view.getInt16(ea + 2 * i, true);
      return;
    case 0x04: // v128.load16x4_u
      for (let i = 0; i < 4; i++) C32[i] = view.getUint16(ea + 2 * i, true);
      return;
    case 0x05: // v128.load32x2_s
    case 0x06: { // v128.load32x2_u
      const x = view.getInt32(ea, true), y = view.getInt32(ea + 4, true);
      C32[0] = x;
      C32[1] = sub === 0x05 ? x >> 31 : 0;
      C32[2] = y;
      C32[3] = sub === 0x05 ? y >> 31 : 0;
      return;
    }
    case 0x07: // v128.load8_splat
      C32[0] =
        C32[1] =
        C32[2] =
        C32[3] =
          Math.imul(view.getUint8(ea), 0x01010101);
      return;
    case 0x08: { // v128.load16_splat
      const x = view.getUint16(ea, true);
      C32[0] =
        C32[1] =
        C32[2] =
        C32[3] =
          x | (x << 16);
      return;
    }
    case 0x09: // v128.load32_splat
      C32[0] =
        C32[1] =
        C32[2] =
        C32[3] =
          view.getInt32(ea, true);
      return;
    case 0x0a: // v128.load64_splat
      C32[0] = C32[2] = view.getInt32(ea, true);
      C32[1] = C32[3] = view.getInt32(ea + 4, true);
      return;
    case 0x5c: // v128.load32_zero
      C32[0] = view.getInt32(ea, true);
      C32[1] = C32[2] = C32[3] = 0;
      return;
    case 0x5d: // v128.load64_zero
      C32[0] = view.getInt32(ea, true);
      C32[1] = view.getInt32(ea + 4, true);
      C32[2] = C32[3] = 0;
      return;
  }
  throw new RuntimeError(`internal error: unknown SIMD load 0x${sub.toString(16)}`);
}
