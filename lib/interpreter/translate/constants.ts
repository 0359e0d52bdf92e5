/**
 * Constant hoisting: finds the constants a function uses inside loops, so
 * the translator can give each its own register, written once when the
 * function is entered, instead of writing it again on every iteration.
 *
 * @module
 */

import { Instruction, readInstruction } from "../../binary/instruction.ts";
import {
  Imm,
  Op,
  OP_COUNT,
  OPS,
  PREFIX_FB,
  PREFIX_FC,
  PREFIX_FD,
  PREFIX_FD_RELAXED,
  PREFIX_FE,
} from "../../binary/opcodes.ts";
import { ByteReader } from "../../binary/reader.ts";
import { ValType } from "../../binary/types.ts";
import { LOWERING } from "./op_map.ts";

/** A constant to keep in a register: its value type and bits (as 32-bit words, low first). */
export interface HoistedConstant {
  type: number;
  lo: number;
  /** The high word of an i64 or f64, word 1 of a v128; 0 otherwise. */
  hi: number;
  /** Words 2 and 3 of a v128; 0 otherwise. */
  lo2: number;
  hi2: number;
}

/** The most constants given registers per function. */
const MAX_HOISTED = 32;

/**
 * True when a constant right operand of wasm op `op` becomes an immediate
 * (or, for i32.sub, a negated one) and so needs no register.
 */
function takesImmediate(op: number): boolean {
  const lowering = LOWERING[op];
  return op === I32_SUB || (lowering !== undefined && lowering.immOp >= 0);
}

const I32_SUB = 0x6b;

const scratch = new Instruction();

/** The index of the constant with this type and bits in `list`, or -1. */
export function indexOfConstant(
  list: readonly HoistedConstant[],
  type: number,
  lo: number,
  hi: number,
  lo2: number,
  hi2: number,
): number {
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c.lo === lo && c.hi === hi && c.type === type && c.lo2 === lo2 && c.hi2 === hi2) return i;
  }
  return -1;
}

/** Adds a constant to `found` unless an equal one is there already. */
function add(
  found: HoistedConstant[],
  type: number,
  lo: number,
  hi: number,
  lo2: number,
  hi2: number,
): void {
  if (indexOfConstant(found, type, lo, hi, lo2, hi2) < 0) found.push({ type, lo, hi, lo2, hi2 });
}

/**
 * Skips a LEB128 number at `pos`; returns the position after it (`end + 1`
 * when the number runs past `end`, which stops the scan).
 */
function skipLeb(bytes: Uint8Array, pos: number, end: number): number {
  while (pos < end && (bytes[pos] & 0x80) !== 0) pos++;
  return pos + 1;
}

/**
 * The position after a memory argument at `pos`: its flags, the memory's
 * index when the flags' bit 6 says one follows (multi-memory), and its
 * offset. (The flags' bit 6 is in their first byte however they are padded.)
 */
function skipMemArg(bytes: Uint8Array, pos: number, end: number): number {
  const indexed = (bytes[pos] & 0x40) !== 0;
  pos = skipLeb(bytes, pos, end);
  if (indexed) pos = skipLeb(bytes, pos, end);
  return skipLeb(bytes, pos, end);
}

/** The immediate kind ({@link Imm}) of each op id; 255 for ids that are no instruction. */
const IMM_OF: Uint8Array = (() => {
  const table = new Uint8Array(OP_COUNT).fill(255);
  OPS.forEach((info, id) => {
    if (info !== undefined) table[id] = info.imm;
  });
  return table;
})();

/** {@link BYTE_SKIP}: how to step over a one-byte opcode's immediates. */
const SKIP_GENERIC = 0, SKIP_NONE = 1, SKIP_LEB = 2, SKIP_TWO_LEBS = 3, SKIP_MEMARG = 4;

/**
 * For each one-byte opcode whose immediates are none, one LEB128 number or
 * two (most instructions): how to skip them without {@link opAt} and
 * {@link skipImmediates}. Block types, tables, floats and the prefixes take the
 * general path.
 */
const BYTE_SKIP: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (let id = 0; id < 0xfb; id++) {
    switch (IMM_OF[id]) {
      case Imm.none:
        table[id] = SKIP_NONE;
        break;
      case Imm.label:
      case Imm.func:
      case Imm.local:
      case Imm.global:
      case Imm.table:
      case Imm.i32:
      case Imm.i64:
        table[id] = SKIP_LEB;
        break;
      case Imm.memArg:
        table[id] = SKIP_MEMARG;
        break;
      case Imm.callIndirect:
        table[id] = SKIP_TWO_LEBS;
        break;
    }
  }
  // `delegate` ends a block: the general path sees it.
  table[Op.delegate] = SKIP_GENERIC;
  return table;
})();

/** The op id of the instruction at `pos` and the position of its immediates (set by {@link opAt}). */
let opId = 0, immAt = 0;

/** Reads the opcode at `pos` into `opId` and `immAt`; false if it is not a known instruction. */
function opAt(bytes: Uint8Array, pos: number, end: number): boolean {
  let id = bytes[pos++];
  if (id < 0xfb) {
    if (IMM_OF[id] === 255) return false;
    opId = id;
    immAt = pos;
    return true;
  }
  if (id >= 0xfb && id <= 0xfe) {
    let sub = 0, shift = 0, b = 0x80;
    while (pos < end && (b & 0x80) !== 0 && shift < 35) {
      b = bytes[pos++];
      sub |= (b & 0x7f) << shift;
      shift += 7;
    }
    if (sub < 0) return false;
    if (sub <= 0xff) {
      id =
        (id === 0xfc ? PREFIX_FC : id === 0xfd ? PREFIX_FD : id === 0xfe ? PREFIX_FE : PREFIX_FB) +
        sub;
    } else if (id === 0xfd && sub < 0x200) id = PREFIX_FD_RELAXED + sub - 0x100;
    else return false;
  }
  if (id >= OP_COUNT || IMM_OF[id] === 255) return false;
  opId = id;
  immAt = pos;
  return true;
}

/** The position after the one-byte opcode at `pos` whose {@link BYTE_SKIP} is `skip` (not generic). */
function skipSimple(bytes: Uint8Array, pos: number, end: number, skip: number): number {
  pos++;
  if (skip === SKIP_LEB) return skipLeb(bytes, pos, end);
  if (skip === SKIP_MEMARG) return skipMemArg(bytes, pos, end);
  if (skip === SKIP_TWO_LEBS) return skipLeb(bytes, skipLeb(bytes, pos, end), end);
  return pos;
}

/**
 * The position after the instruction at `pos` (past `end` when it is
 * malformed or runs past `end`) and its op id, as {@link findHoistableConstants}
 * steps over it: for tests, which check that it lands where the decoder does.
 */
export function skipInstruction(bytes: Uint8Array, pos: number, end: number): [number, number] {
  const op = bytes[pos], skip = BYTE_SKIP[op];
  if (skip !== SKIP_GENERIC) return [skipSimple(bytes, pos, end, skip), op];
  if (!opAt(bytes, pos, end)) return [end + 1, -1];
  return [skipImmediates(bytes, immAt, end), opId];
}

/**
 * The position after the immediates of the instruction whose op id is
 * `opId` and whose immediates start at `pos` (past `end` if malformed).
 */
function skipImmediates(bytes: Uint8Array, pos: number, end: number): number {
  switch (IMM_OF[opId]) {
    case Imm.none:
      return pos;
    case Imm.blockType: {
      const b = bytes[pos];
      if (b === 0x63 || b === 0x64) return skipLeb(bytes, pos + 1, end);
      return b === 0x40 || (b >= 0x69 && b <= 0x7f) ? pos + 1 : skipLeb(bytes, pos, end);
    }
    case Imm.brTable: {
      let n = 0, shift = 0, b = 0x80;
      while (pos < end && (b & 0x80) !== 0 && shift < 35) {
        b = bytes[pos++];
        n |= (b & 0x7f) << shift;
        shift += 7;
      }
      for (let i = 0; i <= n && pos <= end; i++) pos = skipLeb(bytes, pos, end);
      return pos;
    }
    case Imm.memArg:
    case Imm.atomicMemArg:
      return skipMemArg(bytes, pos, end);
    case Imm.callIndirect:
    case Imm.tableInit:
    case Imm.tableCopy:
    case Imm.twoIndices:
      return skipLeb(bytes, skipLeb(bytes, pos, end), end);
    case Imm.brOnCast:
      return skipLeb(bytes, skipLeb(bytes, skipLeb(bytes, pos + 1, end), end), end);
    case Imm.memArgLane:
      return skipMemArg(bytes, pos, end) + 1;
    case Imm.zeroByte:
    case Imm.lane:
      return pos + 1;
    // Memory indices are LEB128 numbers (multi-memory), not the single zero bytes of 1.0.
    case Imm.memZero:
      return skipLeb(bytes, pos, end);
    case Imm.memoryInit:
    case Imm.memoryCopy:
      return skipLeb(bytes, skipLeb(bytes, pos, end), end);
    case Imm.f32:
      return pos + 4;
    case Imm.f64:
      return pos + 8;
    case Imm.v128:
    case Imm.shuffle:
      return pos + 16;
    case Imm.selectTypes: {
      const n = bytes[pos];
      // More than 127 types, or a (ref ...) type: stop scanning.
      return n < 0x80 && bytes[pos + 1] !== 0x63 && bytes[pos + 1] !== 0x64 ? pos + 1 + n : end + 1;
    }
    case Imm.tryTable: {
      const b = bytes[pos];
      pos = b === 0x40 || (b >= 0x69 && b <= 0x7f) ? pos + 1 : skipLeb(bytes, pos, end);
      const n = bytes[pos++];
      if (n >= 0x80) return end + 1; // more than 127 clauses: stop scanning
      for (let i = 0; i < n && pos <= end; i++) {
        const kind = bytes[pos++];
        if (kind < 2) pos = skipLeb(bytes, pos, end);
        pos = skipLeb(bytes, pos, end);
      }
      return pos;
    }
    default: // label, func, local, global, table, elem, data, i32, i64: one LEB128 number
      return skipLeb(bytes, pos, end);
  }
}

/**
 * Scans a body for numeric constants inside loops that would have to be
 * materialized, distinct values first-seen first. It only steps over
 * instructions ({@link skipInstruction}, decoding just the constants inside
 * loops), which must land where the decoder's do: one immediate misread (a
 * memory argument's memory index, once) derails it. It stops quietly at
 * anything malformed (validation reports that). Any result is correct; it
 * only decides which constants get a register.
 */
export function findHoistableConstants(
  bytes: Uint8Array,
  start: number,
  end: number,
): HoistedConstant[] {
  const found: HoistedConstant[] = [];
  // For each open block: 1 if it is a loop. `loops` counts the open loops.
  const isLoop: number[] = [];
  let loops = 0;
  const reader = new ByteReader(bytes, start, end);
  let pos = start;
  while (pos < end) {
    const at = pos;
    // As skipInstruction, written out: a call per instruction that passed the op back through a
    // module variable made the scan slower (measured on yosys's bodies under load).
    let op = bytes[pos];
    const skip = BYTE_SKIP[op];
    if (skip !== SKIP_GENERIC) {
      // The common case, kept cheap: most instructions only need stepping over.
      pos = skipSimple(bytes, pos, end, skip);
      if (pos > end) break;
      if (op !== Op.end && op !== Op.i32_const && op !== Op.i64_const) continue;
    } else {
      if (!opAt(bytes, pos, end)) break;
      op = opId;
      pos = skipImmediates(bytes, immAt, end);
      if (pos > end) break;
    }
    switch (op) {
      case Op.block:
      case Op.if:
      case Op.try:
      case Op.try_table:
        isLoop.push(0);
        break;
      case Op.loop:
        isLoop.push(1);
        loops++;
        break;
      case Op.end:
      case Op.delegate:
        loops -= isLoop.pop() ?? 0;
        break;
      case Op.i32_const:
      case Op.i64_const:
      case Op.f32_const:
      case Op.f64_const:
      case Op.v128_const: {
        if (loops === 0 || found.length === MAX_HOISTED) break;
        // Peek: a constant feeding an op that takes an immediate needs no register.
        if ((op === Op.i32_const || op === Op.i64_const) && pos < end && opAt(bytes, pos, end)) {
          if (takesImmediate(opId)) break;
        }
        reader.pos = at;
        try {
          readInstruction(reader, scratch);
        } catch {
          return found; // malformed (see above)
        }
        if (op === Op.v128_const) {
          const w = new DataView(scratch.bytes.buffer, scratch.bytes.byteOffset, 16);
          add(
            found,
            ValType.v128,
            w.getInt32(0, true),
            w.getInt32(4, true),
            w.getInt32(8, true),
            w.getInt32(12, true),
          );
          break;
        }
        const type = OPS[op]!.results![0];
        const hi = type === ValType.i32 || type === ValType.f32 ? 0 : scratch.b;
        add(found, type, scratch.a, hi, 0, 0);
        break;
      }
    }
  }
  return found;
}
