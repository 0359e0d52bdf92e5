/**
 * The instructions the generator draws from, taken from the opcode table
 * (`lib/binary/opcodes.ts`) so that every fixed-signature numeric, memory and
 * SIMD instruction is covered without listing them again.
 *
 * @module
 */

import {
  Imm,
  isAtomicOp,
  type OpInfo,
  OPS,
  OPS_BY_NAME,
  PREFIX_FC,
  PREFIX_FD,
  PREFIX_FD_RELAXED,
  PREFIX_FE,
  simdSubOpcode,
} from "../../lib/binary/opcodes.ts";
import { u32 } from "../../tests/helpers/binary_builder.ts";

export const I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b;
export const FUNCREF = 0x70, EXTERNREF = 0x6f;
/** The types that cross the JavaScript boundary (exported function signatures). */
export const SCALARS = [I32, I64, F32, F64];
/** Every value type an expression may have. */
export const VALUE_TYPES = [I32, I64, F32, F64, V128, FUNCREF, EXTERNREF];

/** Immediates the generic path knows how to fill in. */
const GENERIC_IMMEDIATES: number[] = [Imm.none, Imm.memArg, Imm.lane, Imm.memArgLane, Imm.shuffle];

/**
 * Instructions with fixed signatures that need special care: memory.grow
 * (its delta must stay small, or hosts allocate gigabytes), the bulk
 * instructions (they name segments), and constants (leaves make them).
 */
const SPECIAL = new Set<number>([
  0x40,
  ...Array.from({ length: 10 }, (_, i) => PREFIX_FC + 8 + i),
]);

/** Fixed-signature instructions by result type; `void` holds those with no result (stores, nop). */
export const OPS_BY_RESULT = new Map<number | "void", OpInfo[]>();
for (const info of OPS) {
  if (info === undefined || info.params === null || SPECIAL.has(info.id)) continue;
  // Relaxed SIMD results are implementation-defined: native hosts may rightly differ from ours.
  if (info.id >= PREFIX_FD_RELAXED) continue;
  if (!GENERIC_IMMEDIATES.includes(info.imm) && info.id !== 0x3f) continue;
  const key = info.results!.length === 0 ? "void" : info.results![0];
  if (!OPS_BY_RESULT.has(key)) OPS_BY_RESULT.set(key, []);
  OPS_BY_RESULT.get(key)!.push(info);
}

/** The bytes of an instruction's opcode (prefix and LEB128 sub-opcode for 0xFC/0xFD/0xFE). */
export function opcode(id: number): number[] {
  if (id < PREFIX_FC) return [id];
  if (id < PREFIX_FD) return [0xfc, ...u32(id - PREFIX_FC)];
  if (isAtomicOp(id)) return [0xfe, ...u32(id - PREFIX_FE)];
  return [0xfd, ...u32(simdSubOpcode(id))];
}

/** The opcode bytes of an instruction by name. */
export function op(name: string): number[] {
  const info = OPS_BY_NAME.get(name);
  if (info === undefined) throw new Error(`no instruction ${name}`);
  return opcode(info.id);
}

/**
 * Float instructions whose NaN results have a nondeterministic payload and
 * sign (arithmetic NaNs): abs, neg, copysign, pmin/pmax, loads and constants
 * are exact, so they are left alone.
 */
export function makesArithmeticNaN(name: string): boolean {
  return /^f(32|64)(x[24])?\.(add|sub|mul|div|sqrt|min|max|ceil|floor|trunc|nearest|demote|promote)/
    .test(name);
}

/** A constant zero (null for references) of `type`. */
export function zeroConstant(type: number): number[] {
  switch (type) {
    case I32:
      return [0x41, 0];
    case I64:
      return [0x42, 0];
    case F32:
      return [0x43, 0, 0, 0, 0];
    case F64:
      return [0x44, 0, 0, 0, 0, 0, 0, 0, 0];
    case FUNCREF:
    case EXTERNREF:
      return [0xd0, type];
    default:
      return [0xfd, 0x0c, ...new Array(16).fill(0)];
  }
}
