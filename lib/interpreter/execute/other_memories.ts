/**
 * The register ops of multiple memories and memory64 (see `ops.ts`): every
 * memory instruction on a memory other than 0, the sizes, growth and bulk
 * operations of 64-bit memories, and the narrowing of i64 addresses and
 * table indices. Memory 0 with i32 addresses never comes here: its
 * instructions keep their own ops, in the executor's hot `switch`, so code
 * that uses only memory 0 runs exactly as fast as before. These ops are
 * reached through `executeRare`, except two in the executor's hot `switch`:
 * `memx_grow`, which replaces the executor's memory view, and `mem_addr64`,
 * which every access to a 64-bit memory 0 starts with.
 *
 * Loads and stores work on the memory's `DataView` with explicit bounds
 * checks; v128 values go through a 16-byte scratch vector, so each SIMD
 * memory instruction is written once here, for every memory.
 *
 * @module
 */

import { RuntimeError } from "../../errors.ts";
import { PREFIX_FD } from "../../binary/opcodes.ts";
import type { InstanceState, MemoryInstance } from "../instances.ts";

function outOfBounds(): never {
  throw new RuntimeError("out of bounds memory access");
}

const TWO_32 = 4294967296;

/** The 16 bytes of a vector being loaded or stored. */
const VEC = new DataView(new ArrayBuffer(16));

/**
 * Runs one of the ops of this module at `pc` (or returns -1 when the op is
 * not one of them) and returns the position of the next instruction.
 */
export function executeOtherMemoryOp(
  R: Int32Array,
  inst: InstanceState,
  code: Int32Array,
  pc: number,
  b: number,
): number {
  switch (code[pc]) {
    case 372 /* i64_sat_u32 */: {
      const a = b + code[pc + 2];
      R[b + code[pc + 1]] = R[a + 1] === 0 ? R[a] : -1;
      return pc + 3;
    }
    case 373 /* memx_load */:
      load(
        R,
        inst.memories[code[pc + 3]],
        code[pc + 4],
        (R[b + code[pc + 2]] >>> 0) + (code[pc + 5] >>> 0),
        b + code[pc + 1],
        b + code[pc + 6],
        code[pc + 7],
      );
      return pc + 8;
    case 374 /* memx_store */:
      store(
        R,
        inst.memories[code[pc + 3]],
        code[pc + 4],
        (R[b + code[pc + 1]] >>> 0) + (code[pc + 5] >>> 0),
        b + code[pc + 2],
        code[pc + 6],
      );
      return pc + 7;
    case 375 /* memx_size */: {
      const memory = inst.memories[code[pc + 2]];
      const d = b + code[pc + 1];
      R[d] = memory.pages;
      if (memory.address64) R[d + 1] = 0;
      return pc + 3;
    }
    case 377 /* memx_fill */: {
      const memory = inst.memories[code[pc + 4]];
      const wide = memory.address64;
      const d = address(R, b + code[pc + 1], wide);
      const n = address(R, b + code[pc + 3], wide);
      if (d + n > memory.byteLength) outOfBounds();
      memory.bytes.fill(R[b + code[pc + 2]] & 0xff, d, d + n);
      return pc + 5;
    }
    case 378 /* memx_copy */: {
      const dst = inst.memories[code[pc + 4]], src = inst.memories[code[pc + 5]];
      const d = address(R, b + code[pc + 1], dst.address64);
      const s = address(R, b + code[pc + 2], src.address64);
      // The count is an i64 only when both memories are 64-bit.
      const n = address(R, b + code[pc + 3], dst.address64 && src.address64);
      if (s + n > src.byteLength || d + n > dst.byteLength) outOfBounds();
      if (dst === src) dst.bytes.copyWithin(d, s, s + n);
      else dst.bytes.set(src.bytes.subarray(s, s + n), d);
      return pc + 6;
    }
    case 379 /* memx_init */: {
      const memory = inst.memories[code[pc + 4]];
      const data = inst.data[code[pc + 5]];
      const d = address(R, b + code[pc + 1], memory.address64);
      const s = R[b + code[pc + 2]] >>> 0;
      const n = R[b + code[pc + 3]] >>> 0;
      if (s + n > data.length || d + n > memory.byteLength) outOfBounds();
      memory.bytes.set(data.subarray(s, s + n), d);
      return pc + 6;
    }
  }
  return -1;
}

/** `memory.grow` on any memory: writes the old size in pages, or -1 (i64 on a 64-bit memory). */
export function growMemory(R: Int32Array, inst: InstanceState, d: number, a: number, k: number) {
  const memory = inst.memories[k];
  if (memory.address64) {
    // A delta of 2^32 pages or more cannot fit under any limit.
    const result = R[a + 1] === 0 ? memory.grow(R[a] >>> 0) : -1;
    R[d] = result;
    R[d + 1] = result < 0 ? -1 : 0;
  } else {
    R[d] = memory.grow(R[a] >>> 0);
  }
}

/** An address or length operand: an i32, or an i64 (exact below 2^53, enough for bounds checks). */
function address(R: Int32Array, at: number, wide: boolean): number {
  return wide ? (R[at + 1] >>> 0) * TWO_32 + (R[at] >>> 0) : R[at] >>> 0;
}

/** Checks that `n` bytes at `ea` are inside the memory. */
function check(memory: MemoryInstance, ea: number, n: number): DataView {
  if (ea + n > memory.byteLength) outOfBounds();
  return memory.view;
}

function writeVector(R: Int32Array, d: number): void {
  R[d] = VEC.getInt32(0, true);
  R[d + 1] = VEC.getInt32(4, true);
  R[d + 2] = VEC.getInt32(8, true);
  R[d + 3] = VEC.getInt32(12, true);
}

function readVector(R: Int32Array, v: number): void {
  VEC.setInt32(0, R[v], true);
  VEC.setInt32(4, R[v + 1], true);
  VEC.setInt32(8, R[v + 2], true);
  VEC.setInt32(12, R[v + 3], true);
}

/** A load of wasm op `op` at effective address `ea` into register `d` (`v`: a lane load's vector). */
function load(
  R: Int32Array,
  memory: MemoryInstance,
  op: number,
  ea: number,
  d: number,
  v: number,
  lane: number,
): void {
  switch (op) {
    case 0x28: // i32.load
    case 0x2a: // f32.load (bits)
      R[d] = check(memory, ea, 4).getInt32(ea, true);
      return;
    case 0x29: // i64.load
    case 0x2b: { // f64.load (bits)
      const view = check(memory, ea, 8);
      R[d] = view.getInt32(ea, true);
      R[d + 1] = view.getInt32(ea + 4, true);
      return;
    }
    case 0x2c: // i32.load8_s
      R[d] = check(memory, ea, 1).getInt8(ea);
      return;
    case 0x2d: // i32.load8_u
      R[d] = check(memory, ea, 1).getUint8(ea);
      return;
    case 0x2e: // i32.load16_s
      R[d] = check(memory, ea, 2).getInt16(ea, true);
      return;
    case 0x2f: // i32.load16_u
      R[d] = check(memory, ea, 2).getUint16(ea, true);
      return;
    case 0x30: // i64.load8_s
      R[d] = check(memory, ea, 1).getInt8(ea);
      R[d + 1] = R[d] >> 31;
      return;
    case 0x31: // i64.load8_u
      R[d] = check(memory, ea, 1).getUint8(ea);
      R[d + 1] = 0;
      return;
    case 0x32: // i64.load16_s
      R[d] = check(memory, ea, 2).getInt16(ea, true);
      R[d + 1] = R[d] >> 31;
      return;
    case 0x33: // i64.load16_u
      R[d] = check(memory, ea, 2).getUint16(ea, true);
      R[d + 1] = 0;
      return;
    case 0x34: // i64.load32_s
      R[d] = check(memory, ea, 4).getInt32(ea, true);
      R[d + 1] = R[d] >> 31;
      return;
    case 0x35: // i64.load32_u
      R[d] = check(memory, ea, 4).getInt32(ea, true);
      R[d + 1] = 0;
      return;
  }
  loadVector(memory, op - PREFIX_FD, ea, R, v, lane);
  writeVector(R, d);
}

/** The SIMD loads (`sub`: the byte after 0xFD) into {@link VEC}. */
function loadVector(
  memory: MemoryInstance,
  sub: number,
  ea: number,
  R: Int32Array,
  v: number,
  lane: number,
): void {
  switch (sub) {
    case 0x00: { // v128.load
      const view = check(memory, ea, 16);
      for (let i = 0; i < 16; i += 4) VEC.setInt32(i, view.getInt32(ea + i, true), true);
      return;
    }
    case 0x01: // v128.load8x8_s
    case 0x02: { // v128.load8x8_u
      const view = check(memory, ea, 8);
      for (let i = 0; i < 8; i++) {
        const x = sub === 0x01 ? view.getInt8(ea + i) : view.getUint8(ea + i);
        VEC.setInt16(i * 2, x, true);
      }
      return;
    }
    case 0x03: // v128.load16x4_s
    case 0x04: { // v128.load16x4_u
      const view = check(memory, ea, 8);
      for (let i = 0; i < 4; i++) {
        const x = sub === 0x03 ? view.getInt16(ea + i * 2, true) : view.getUint16(ea + i * 2, true);
        VEC.setInt32(i * 4, x, true);
      }
      return;
    }
    case 0x05: // v128.load32x2_s
    case 0x06: { // v128.load32x2_u
      const view = check(memory, ea, 8);
      for (let i = 0; i < 2; i++) {
        const x = view.getInt32(ea + i * 4, true);
        VEC.setInt32(i * 8, x, true);
        VEC.setInt32(i * 8 + 4, sub === 0x05 ? x >> 31 : 0, true);
      }
      return;
    }
    case 0x07: { // v128.load8_splat
      const x = check(memory, ea, 1).getUint8(ea);
      for (let i = 0; i < 16; i++) VEC.setUint8(i, x);
      return;
    }
    case 0x08: { // v128.load16_splat
      const x = check(memory, ea, 2).getUint16(ea, true);
      for (let i = 0; i < 16; i += 2) VEC.setUint16(i, x, true);
      return;
    }
    case 0x09: { // v128.load32_splat
      const x = check(memory, ea, 4).getInt32(ea, true);
      for (let i = 0; i < 16; i += 4) VEC.setInt32(i, x, true);
      return;
    }
    case 0x0a: { // v128.load64_splat
      const view = check(memory, ea, 8);
      const lo = view.getInt32(ea, true), hi = view.getInt32(ea + 4, true);
      for (let i = 0; i < 16; i += 8) {
        VEC.setInt32(i, lo, true);
        VEC.setInt32(i + 4, hi, true);
      }
      return;
    }
    case 0x5c: // v128.load32_zero
    case 0x5d: { // v128.load64_zero
      const n = sub === 0x5c ? 4 : 8;
      const view = check(memory, ea, n);
      for (let i = 0; i < 16; i++) VEC.setUint8(i, i < n ? view.getUint8(ea + i) : 0);
      return;
    }
    case 0x54: // v128.load8_lane
    case 0x55: // v128.load16_lane
    case 0x56: // v128.load32_lane
    case 0x57: { // v128.load64_lane
      const n = 1 << (sub - 0x54);
      const view = check(memory, ea, n);
      readVector(R, v);
      for (let i = 0; i < n; i++) VEC.setUint8(lane * n + i, view.getUint8(ea + i));
      return;
    }
  }
  throw new RuntimeError(`unexpected memory instruction 0xfd ${sub}`);
}

/** A store of wasm op `op` of register `v` at effective address `ea`. */
function store(
  R: Int32Array,
  memory: MemoryInstance,
  op: number,
  ea: number,
  v: number,
  lane: number,
): void {
  switch (op) {
    case 0x36: // i32.store
    case 0x38: // f32.store (bits)
      check(memory, ea, 4).setInt32(ea, R[v], true);
      return;
    case 0x37: // i64.store
    case 0x39: { // f64.store (bits)
      const view = check(memory, ea, 8);
      view.setInt32(ea, R[v], true);
      view.setInt32(ea + 4, R[v + 1], true);
      return;
    }
    case 0x3a: // i32.store8
    case 0x3c: // i64.store8
      check(memory, ea, 1).setInt8(ea, R[v]);
      return;
    case 0x3b: // i32.store16
    case 0x3d: // i64.store16
      check(memory, ea, 2).setInt16(ea, R[v], true);
      return;
    case 0x3e: // i64.store32
      check(memory, ea, 4).setInt32(ea, R[v], true);
      return;
  }
  const sub = op - PREFIX_FD;
  readVector(R, v);
  if (sub === 0x0b) { // v128.store
    const view = check(memory, ea, 16);
    for (let i = 0; i < 16; i += 4) view.setInt32(ea + i, VEC.getInt32(i, true), true);
    return;
  }
  if (sub >= 0x58 && sub <= 0x5b) { // v128.store{8,16,32,64}_lane
    const n = 1 << (sub - 0x58);
    const view = check(memory, ea, n);
    for (let i = 0; i < n; i++) view.setUint8(ea + i, VEC.getUint8(lane * n + i));
    return;
  }
  throw new RuntimeError(`unexpected memory instruction 0xfd ${sub}`);
}
