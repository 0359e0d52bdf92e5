/**
 * How the translator maps fixed-signature wasm instructions to register ops:
 * which register op computes each one, which have an immediate form, and
 * the i32 comparisons it can fuse with a following branch.
 *
 * @module
 */

import { Imm, OPS, OPS_BY_NAME, PREFIX_FD } from "../../binary/opcodes.ts";
import { OP } from "../ops.ts";

/** How one wasm instruction is lowered. */
export interface Lowering {
  /** The register op taking registers for all operands. */
  op: number;
  /** The register op taking an i32 immediate as its right operand, if any. */
  immOp: number;
  /**
   * True if the operands may be swapped (so a constant left operand can
   * become the immediate); only meaningful with an `immOp`.
   */
  commutative: boolean;
  /** For i32 comparisons: 0..9 in the order eq, ne, lt_s, lt_u, gt_s, gt_u, le_s, le_u, ge_s, ge_u. */
  compare: number;
}

/** Lowerings by wasm op id; undefined for instructions the translator handles itself. */
export const LOWERING: (Lowering | undefined)[] = [];

/** The comparison with the opposite outcome (for branching on "false"). */
export const NEGATED_COMPARE = [1, 0, 8, 9, 6, 7, 4, 5, 2, 3];
/** The comparison with swapped operands (a < b is b > a). */
export const SWAPPED_COMPARE = [0, 1, 4, 5, 2, 3, 8, 9, 6, 7];

function lower(wasmName: string, regName: string, immName?: string, commutative = false): void {
  const info = OPS_BY_NAME.get(wasmName);
  if (info === undefined) throw new Error(`unknown wasm op ${wasmName}`);
  const op = OP[regName];
  if (op === undefined) throw new Error(`unknown register op ${regName}`);
  LOWERING[info.id] = {
    op,
    immOp: immName === undefined ? -1 : OP[immName],
    commutative,
    compare: -1,
  };
}

// i32 binary operations.
lower("i32.add", "i32_add", "i32_add_imm", true);
lower("i32.sub", "i32_sub");
lower("i32.mul", "i32_mul", "i32_mul_imm", true);
for (const name of ["div_s", "div_u", "rem_s", "rem_u", "rotl", "rotr"]) {
  lower(`i32.${name}`, `i32_${name}`);
}
for (const name of ["and", "or", "xor"]) {
  lower(`i32.${name}`, `i32_${name}`, `i32_${name}_imm`, true);
}
for (const name of ["shl", "shr_s", "shr_u"]) {
  lower(`i32.${name}`, `i32_${name}`, `i32_${name}_imm`);
}

const COMPARES = ["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"];
COMPARES.forEach((name, k) => {
  lower(`i32.${name}`, `i32_${name}`, `i32_${name}_imm`, k < 2);
  LOWERING[OPS_BY_NAME.get(`i32.${name}`)!.id]!.compare = k;
  lower(`i64.${name}`, `i64_${name}`, undefined, k < 2);
});

// i64 shifts and rotations by a constant (rotr by n is rotl by 64 - n).
for (const name of ["shl", "shr_s", "shr_u", "rotl"]) {
  lower(`i64.${name}`, `i64_${name}`, `i64_${name}_imm`);
}
lower("i64.rotr", "i64_rotr", "i64_rotl_imm");

// Every other scalar instruction maps by name to the register op of the same
// name ("i64.add" → i64_add, "f32.sqrt" → f32_sqrt, "i32.trunc_sat_f32_s" ...).
for (const info of OPS) {
  if (info === undefined || info.params === null || info.id >= PREFIX_FD) continue;
  if (LOWERING[info.id] !== undefined || info.imm !== Imm.none) continue;
  const regName = info.name.replace(".", "_");
  if (OP[regName] !== undefined) lower(info.name, regName);
}

// Memory accesses: floats move as bits, and narrow i64 stores store the low word.
const LOADS: [string, string][] = [
  ["i32.load", "load32"],
  ["f32.load", "load32"],
  ["i64.load", "load64"],
  ["f64.load", "load64"],
  ["i32.load8_s", "load8_s"],
  ["i32.load8_u", "load8_u"],
  ["i32.load16_s", "load16_s"],
  ["i32.load16_u", "load16_u"],
  ["i64.load8_s", "load8_s_64"],
  ["i64.load8_u", "load8_u_64"],
  ["i64.load16_s", "load16_s_64"],
  ["i64.load16_u", "load16_u_64"],
  ["i64.load32_s", "load32_s_64"],
  ["i64.load32_u", "load32_u_64"],
  ["i32.store", "store32"],
  ["f32.store", "store32"],
  ["i64.store", "store64"],
  ["f64.store", "store64"],
  ["i32.store8", "store8"],
  ["i32.store16", "store16"],
  ["i64.store8", "store8"],
  ["i64.store16", "store16"],
  ["i64.store32", "store32"],
];
for (const [wasm, reg] of LOADS) lower(wasm, reg);

/** 1 for the reinterpretations, which change only the static type: no code. */
export const REINTERPRETS: Uint8Array = new Uint8Array(OPS.length);
for (
  const n of [
    "i32.reinterpret_f32",
    "i64.reinterpret_f64",
    "f32.reinterpret_i32",
    "f64.reinterpret_i64",
  ]
) {
  REINTERPRETS[OPS_BY_NAME.get(n)!.id] = 1;
}
