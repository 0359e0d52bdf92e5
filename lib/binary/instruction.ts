/**
 * Decoding of single instructions. A function body is read one instruction
 * at a time into a reused {@link Instruction}, so walking code allocates
 * nothing per instruction; the validator and the interpreter's translator
 * both walk bodies this way.
 *
 * @module
 */

import type { ByteReader } from "./reader.ts";
import {
  Imm,
  Op,
  OPS,
  PREFIX_FB,
  PREFIX_FC,
  PREFIX_FD,
  PREFIX_FD_RELAXED,
  PREFIX_FE,
} from "./opcodes.ts";
import { concreteHeapType, isAbstractHeapType, refType, type ValType } from "./types.ts";

/** {@link Instruction.needs}: the instruction names a memory the 2.0 way cannot. */
export const NEEDS_MULTI_MEMORY = 1;
/** {@link Instruction.needs}: the offset needs more than a u32. */
export const NEEDS_MEMORY64 = 2;

/** Block type immediate meaning "no parameters, no results" (the byte 0x40 as s7). */
export const BLOCK_EMPTY = -0x40;

/**
 * One decoded instruction. Which fields hold what depends on the opcode's
 * immediate kind ({@link Imm}):
 *
 * | immediate | fields |
 * |---|---|
 * | blockType | `a`: a type index (≥ 0), {@link BLOCK_EMPTY}, or a value type (see {@link blockValType}) |
 * | label, func, local, global, table, elem, data | `a`: the index |
 * | brTable | `list`: the label indices (`count` of them), `a`: the default label |
 * | callIndirect | `a`: type index, `b`: table index |
 * | memArg, atomicMemArg | `a`: alignment exponent, `b`: offset's low 32 bits, `offsetHi`: its high 32 bits, `memory` |
 * | memArgLane | as memArg, plus `c`: lane |
 * | memZero | `memory`: the memory index (`memory.size`, `memory.grow`, `memory.fill`) |
 * | lane | `a`: lane |
 * | i32, f32 | `a`: value / bit pattern as int32 |
 * | i64, f64 | `a`: low 32 bits, `b`: high 32 bits |
 * | refType | `a`: the heap type (`ref.null`) |
 * | typeIndex | `a`: the type index |
 * | twoIndices | `a`, `b`: the two indices |
 * | heapType | `a`: the heap type (nullability from the opcode) |
 * | brOnCast | `a`: the label, `b`, `c`: the source and target reference types |
 * | selectTypes | `list`: the value types (`count` of them) |
 * | tableInit | `a`: element segment, `b`: table |
 * | tableCopy | `a`: destination table, `b`: source table |
 * | memoryInit | `a`: data segment, `memory` |
 * | memoryCopy | `memory`: destination memory, `b`: source memory |
 * | v128, shuffle | `bytes`: the 16 immediate bytes |
 * | tag | `a`: the tag index |
 * | tryTable | `a`: the block type; `list`: per catch clause its kind ({@link CatchKind}), tag index (0 for the `_all` kinds) and label (`count` clauses, 3 entries each) |
 */
export class Instruction {
  /** The op id (see `opcodes.ts`). */
  op = 0;
  /** Byte offset of the instruction's first byte. */
  offset = 0;
  a = 0;
  b = 0;
  c = 0;
  /** The memory index of a memory instruction. */
  memory = 0;
  /** High 32 bits of a memory argument's offset (memory64 allows offsets up to 2^64 - 1). */
  offsetHi = 0;
  /**
   * Encodings of a memory instruction beyond 2.0, which the validator checks
   * against the enabled features: {@link NEEDS_MULTI_MEMORY} (a memory index
   * other than the single zero byte), {@link NEEDS_MEMORY64} (an offset wider
   * than a u32).
   */
  needs = 0;
  /** Number of valid entries in {@link list}. */
  count = 0;
  /** Label indices of `br_table`, or value types of a typed `select`. */
  list: number[] = [];
  /** Immediate bytes of `v128.const` and `i8x16.shuffle`. */
  readonly bytes: Uint8Array = new Uint8Array(16);
}

/** The single-byte value types of 2.0 (numbers, vectors, `funcref`, `externref`). */
const VALUE_TYPE_BYTES = new Set<number>([0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f]);

/** The value type of a block type immediate `a` that is negative and not {@link BLOCK_EMPTY}. */
export function blockValType(a: number): ValType {
  return a < -0x80 ? -a : a + 0x80;
}

/** The block type immediate of a single value type result. */
function blockTypeOf(t: ValType): number {
  return t < 0x80 ? t - 0x80 : -t;
}

/**
 * Reads a heap type (s33): an abstract heap type's code, or a concrete type
 * index as `0x200 + 2i`; fails with "malformed heap type" otherwise.
 */
export function readHeapType(r: ByteReader): number {
  const at = r.pos;
  const v = r.s33();
  if (v >= 0) {
    if (v > 0xfffffff) r.fail("type index too large", at);
    return concreteHeapType(v);
  }
  const code = v + 0x80;
  if (v < -0x40 || !isAbstractHeapType(code)) r.fail("malformed heap type", at);
  return code;
}

/** Reads a block type: `0x40`, a value type (see {@link blockValType}) or an s33 type index. */
function readBlockType(r: ByteReader): number {
  const b = r.bytes[r.pos];
  if (r.pos < r.end && (b === 0x40 || VALUE_TYPE_BYTES.has(b) || isAbstractHeapType(b))) {
    r.pos++;
    return b - 0x80;
  }
  if (r.pos < r.end && (b === 0x63 || b === 0x64)) return blockTypeOf(readValType(r));
  const at = r.pos;
  const index = r.s33();
  if (index < 0) r.fail("malformed block type", at);
  return index;
}

/** The kinds of a `try_table` catch clause, by binary code. */
export const CatchKind = {
  catch: 0,
  catchRef: 1,
  catchAll: 2,
  catchAllRef: 3,
} as const;

/**
 * Reads a value type: a single-byte type, or `0x63 ht` / `0x64 ht` (`(ref
 * null ht)` / `(ref ht)`); fails with "malformed value type" otherwise.
 */
export function readValType(r: ByteReader): ValType {
  const at = r.pos;
  const b = r.u8();
  if (VALUE_TYPE_BYTES.has(b) || isAbstractHeapType(b)) return b;
  if (b === 0x63 || b === 0x64) return refType(readHeapType(r), b === 0x63);
  return r.fail("malformed value type", at);
}

/** Reads a reference type; fails with "malformed reference type" otherwise. */
export function readRefType(r: ByteReader): ValType {
  const at = r.pos;
  const b = r.u8();
  if (isAbstractHeapType(b)) return b;
  if (b === 0x63 || b === 0x64) return refType(readHeapType(r), b === 0x63);
  return r.fail("malformed reference type", at);
}

/**
 * Reads a memory index where 2.0 has a zero byte; anything but the single
 * byte 0x00 marks the instruction as needing multiple memories.
 */
function readMemoryIndex(r: ByteReader, ins: Instruction): number {
  const at = r.pos;
  const index = r.u32();
  if (index !== 0 || r.pos - at !== 1) ins.needs |= NEEDS_MULTI_MEMORY;
  return index;
}

/**
 * A memory argument: flags (alignment exponent in bits 0-5; bit 6 says a
 * memory index follows), then a u64 offset.
 */
function readMemArg(r: ByteReader, ins: Instruction): void {
  const at = r.pos;
  const flags = r.u32();
  ins.needs = 0;
  if (flags >= 0x80) r.fail("malformed memop flags", at);
  if (flags & 0x40) {
    ins.needs = NEEDS_MULTI_MEMORY;
    ins.a = flags & 0x3f;
    ins.memory = r.u32();
  } else {
    ins.a = flags;
    ins.memory = 0;
  }
  ins.b = r.u64();
  ins.offsetHi = r.hi;
  if (r.lebLength > 5 || r.hi !== 0) ins.needs |= NEEDS_MEMORY64;
}

/** The single zero byte of `atomic.fence`. */
function readZeroByte(r: ByteReader): void {
  const at = r.pos;
  if (r.u8() !== 0) r.fail("zero byte expected", at);
}

/**
 * Decodes the instruction at the reader's position into `ins` and advances
 * past it. Fails with a {@link CompileError} for unknown opcodes and
 * malformed immediates. Does no validation beyond the binary format.
 */
export function readInstruction(r: ByteReader, ins: Instruction): void {
  const offset = r.pos;
  ins.offset = offset;
  let id = r.u8();
  if (id >= 0xfb && id <= 0xfe) {
    const sub = r.u32();
    if (sub <= 0xff) {
      id =
        (id === 0xfc ? PREFIX_FC : id === 0xfd ? PREFIX_FD : id === 0xfe ? PREFIX_FE : PREFIX_FB) +
        sub;
    } else if (id === 0xfd && sub < 0x200) id = PREFIX_FD_RELAXED + sub - 0x100;
    else id = -1;
  }
  const info = id < 0 ? undefined : OPS[id];
  if (info === undefined) r.fail("illegal opcode", offset);
  ins.op = id;
  switch (info.imm) {
    case Imm.none:
      return;
    case Imm.blockType:
      ins.a = readBlockType(r);
      return;
    case Imm.label:
    case Imm.func:
    case Imm.local:
    case Imm.global:
    case Imm.table:
    case Imm.elem:
    case Imm.data:
      ins.a = r.u32();
      return;
    case Imm.brTable: {
      const n = r.vecLength(1);
      const list = ins.list;
      for (let i = 0; i < n; i++) list[i] = r.u32();
      ins.count = n;
      ins.a = r.u32();
      return;
    }
    case Imm.callIndirect:
      ins.a = r.u32();
      ins.b = r.u32();
      return;
    case Imm.memArg:
    case Imm.atomicMemArg:
      readMemArg(r, ins);
      return;
    case Imm.memArgLane:
      readMemArg(r, ins);
      ins.c = r.u8();
      return;
    case Imm.memZero:
      ins.needs = 0;
      ins.memory = readMemoryIndex(r, ins);
      return;
    case Imm.zeroByte:
      readZeroByte(r);
      return;
    case Imm.i32:
      ins.a = r.s32();
      return;
    case Imm.i64:
      ins.a = r.s64();
      ins.b = r.hi;
      return;
    case Imm.f32:
      ins.a = r.f32Bits();
      return;
    case Imm.f64:
      ins.a = r.f64Bits();
      ins.b = r.hi;
      return;
    case Imm.refType:
    case Imm.heapType:
      ins.a = readHeapType(r);
      return;
    case Imm.typeIndex:
      ins.a = r.u32();
      return;
    case Imm.twoIndices:
      ins.a = r.u32();
      ins.b = r.u32();
      return;
    case Imm.brOnCast: {
      const at = r.pos;
      const flags = r.u8();
      if (flags > 3) r.fail("malformed br_on_cast flags", at);
      ins.a = r.u32();
      ins.b = refType(readHeapType(r), (flags & 1) !== 0);
      ins.c = refType(readHeapType(r), (flags & 2) !== 0);
      return;
    }
    case Imm.tag:
      ins.a = r.u32();
      return;
    case Imm.tryTable: {
      ins.a = readBlockType(r);
      const n = r.vecLength(2);
      const list = ins.list;
      for (let i = 0; i < n; i++) {
        const at = r.pos;
        const kind = r.u8();
        if (kind > CatchKind.catchAllRef) r.fail("malformed catch clause", at);
        list[3 * i] = kind;
        list[3 * i + 1] = kind < CatchKind.catchAll ? r.u32() : 0;
        list[3 * i + 2] = r.u32();
      }
      ins.count = n;
      return;
    }
    case Imm.selectTypes: {
      const n = r.vecLength(1);
      for (let i = 0; i < n; i++) ins.list[i] = readValType(r);
      ins.count = n;
      return;
    }
    case Imm.tableInit:
    case Imm.tableCopy:
      ins.a = r.u32();
      ins.b = r.u32();
      return;
    case Imm.memoryInit:
      ins.a = r.u32();
      ins.needs = 0;
      ins.memory = readMemoryIndex(r, ins);
      return;
    case Imm.memoryCopy:
      ins.needs = 0;
      ins.memory = readMemoryIndex(r, ins);
      ins.b = readMemoryIndex(r, ins);
      return;
    case Imm.v128:
    case Imm.shuffle:
      ins.bytes.set(r.take(16));
      return;
    case Imm.lane:
      ins.a = r.u8();
      return;
  }
}

/** True for the instructions that open a block (`block`, `loop`, `if`, `try_table`, `try`). */
export function opensBlock(op: number): boolean {
  return op === Op.block || op === Op.loop || op === Op.if || op === Op.try_table ||
    op === Op.try;
}
