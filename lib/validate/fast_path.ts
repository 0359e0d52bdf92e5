/**
 * The validator's fast path: tables and LEB128 scanners with which
 * `FunctionValidator.validate` checks the commonest instructions straight
 * from the bytes, without the general decoder (see its `#fastRun`). Every
 * instruction it does not take, and every error, goes to the general path.
 *
 * @module
 */

import { Imm, Op, OPS, PREFIX_FD_RELAXED } from "../binary/opcodes.ts";
import { ADDRESSED } from "./address_types.ts";

/**
 * The fixed signatures of the instructions with at most two parameters and
 * one result, packed for a fast check: operand 1 (the top) in bits 0-7,
 * operand 2 in bits 8-15, the result in bits 16-23 (0: none); -1 for the
 * others, which take the general path.
 */
export const SMALL_SIGNATURE: Int32Array = (() => {
  const table = new Int32Array(OPS.length).fill(-1);
  OPS.forEach((info, id) => {
    if (info?.params == null || info.params.length > 2 || info.results!.length > 1) return;
    // Relaxed SIMD takes the general path, which checks that the feature is enabled.
    if (id >= PREFIX_FD_RELAXED) return;
    const p = info.params, n = p.length;
    table[id] = (n > 0 ? p[n - 1] : 0) | (n > 1 ? p[n - 2] << 8 : 0) |
      ((info.results!.length === 1 ? info.results![0] : 0) << 16);
  });
  return table;
})();

/**
 * How {@link FunctionValidator.validate} steps the one-byte opcodes it
 * decodes itself (see its `#fastRun`); {@link Fast.slow} for the others,
 * which go through {@link readInstruction} and {@link FunctionValidator.step}.
 */
export const Fast = {
  slow: 0,
  /** No immediates and a {@link SMALL_SIGNATURE} (`i32.add`, `i32.eqz` ...). */
  plain: 1,
  localGet: 2,
  localSet: 3,
  localTee: 4,
  i32Const: 5,
  i64Const: 6,
  /** A load or store with a memory argument and a {@link SMALL_SIGNATURE}. */
  memory: 7,
  call: 8,
  /** An index immediate, checked by `#stepContextual` (`br`, `br_if`, `global.get` ...). */
  index: 9,
  /** A block type immediate (`block`, `loop`, `if`). */
  block: 10,
  /** No immediates, checked by `#stepContextual` (`end`, `drop`, `return` ...). */
  contextual: 11,
} as const;

/** {@link Fast} kind of each one-byte opcode. */
export const FAST_KIND: Uint8Array = (() => {
  const table = new Uint8Array(0x100);
  for (let op = 0; op < 0xfb; op++) {
    const info = OPS[op];
    if (info === undefined || ADDRESSED[op] === 1 && info.imm !== Imm.memArg) continue;
    // Constants: a fixed signature, pushing a number.
    if (op === Op.i32_const) table[op] = Fast.i32Const;
    else if (op === Op.i64_const) table[op] = Fast.i64Const;
    else if (info.params !== null) {
      if (SMALL_SIGNATURE[op] < 0) continue;
      if (info.imm === Imm.none) table[op] = Fast.plain;
      else if (info.imm === Imm.memArg) table[op] = Fast.memory;
    } // The rest take step's path to #stepContextual (their typing depends on the context).
    else if (op === Op.local_get) table[op] = Fast.localGet;
    else if (op === Op.local_set) table[op] = Fast.localSet;
    else if (op === Op.local_tee) table[op] = Fast.localTee;
    else if (op === Op.call) table[op] = Fast.call;
    else if (op === Op.block || op === Op.loop || op === Op.if) table[op] = Fast.block;
    else if (
      op === Op.br || op === Op.br_if || op === Op.global_get || op === Op.global_set
    ) table[op] = Fast.index;
    else if (info.imm === Imm.none) table[op] = Fast.contextual;
  }
  return table;
})();

/**
 * The position after the LEB128 number at `pos` when it takes at most
 * `maxBytes` bytes, else 0.
 */
export function lebEnd(bytes: Uint8Array, pos: number, maxBytes: number): number {
  for (let i = 0; i < maxBytes; i++) {
    if (bytes[pos + i] < 0x80) return pos + i + 1;
  }
  return 0;
}

/**
 * The position after the well-formed unsigned 32-bit LEB128 number at
 * `pos`, else 0. Linkers pad relocated indices to five bytes (every `call`
 * of an unoptimised C++ program), so those count too.
 */
export function u32End(bytes: Uint8Array, pos: number): number {
  const next = lebEnd(bytes, pos, 4);
  return next !== 0 ? next : bytes[pos + 4] < 0x10 ? pos + 5 : 0;
}

/** {@link u32End} for a signed 32-bit number (bits 32-34 of a fifth byte repeat the sign). */
export function s32End(bytes: Uint8Array, pos: number): number {
  const next = lebEnd(bytes, pos, 4);
  if (next !== 0) return next;
  const last = bytes[pos + 4];
  return last < 0x08 || (last >= 0x78 && last < 0x80) ? pos + 5 : 0;
}

/** The value of the unsigned LEB128 number at `pos`, checked by {@link u32End}. */
export function u32Value(bytes: Uint8Array, pos: number): number {
  let value = 0;
  for (let shift = 0;; shift += 7) {
    const b = bytes[pos++];
    value |= (b & 0x7f) << shift;
    if (b < 0x80) return value >>> 0;
  }
}

/** {@link FAST_ALIGN} of the opcodes that are not {@link Fast.memory}. */
export const NOT_MEMORY = 0xff;

/** The largest alignment (log2) of each one-byte load and store of {@link Fast.memory}. */
export const FAST_ALIGN: Uint8Array = (() => {
  const table = new Uint8Array(0x100).fill(NOT_MEMORY);
  for (let op = 0; op < 0x100; op++) {
    if (FAST_KIND[op] === Fast.memory) table[op] = OPS[op]!.align;
  }
  return table;
})();

/**
 * True when the `types.length` operands below `sp` lie above `base` and are
 * exactly `types` (the last one on top). Subtypes and the unknown operands of
 * unreachable code fail the test and take the general path.
 */
export function topIs(
  vals: Int32Array,
  sp: number,
  base: number,
  types: readonly number[],
): boolean {
  const n = types.length;
  if (sp - base < n) return false;
  for (let k = 1; k <= n; k++) if (vals[sp - k] !== types[n - k]) return false;
  return true;
}
