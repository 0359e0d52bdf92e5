/**
 * Which register op runs each SIMD instruction. The commonest have an op of
 * their own, named after the instruction (`i16x8.add` runs as `i16x8_add`);
 * the others share a few generic ops (one per operand shape, see `ops.ts`)
 * that carry the wasm sub-opcode as their last operand, for `simd.ts` to
 * dispatch on.
 *
 * @module
 */

import {
  Imm,
  OPS,
  PREFIX_FD,
  PREFIX_FD_RELAXED,
  RELAXED_SIMD_FIRST_SUB,
  simdSubOpcode,
} from "../../binary/opcodes.ts";
import type { Instruction } from "../../binary/instruction.ts";
import { OP, OP_SPECS } from "../ops.ts";

/** Sub-opcodes of the SIMD instructions with float lanes or float operands. */
function isFloatOp(name: string): boolean {
  return name.startsWith("f32x4.") || name.startsWith("f64x2.") || name.includes("trunc_sat");
}

/**
 * Register ops by SIMD sub-opcode (the u32 after 0xFD, relaxed SIMD's
 * 0x100-0x113 included); -1 for `v128.const`, which the translator lowers
 * to `const128`. The relaxed instructions equal to a 2.0 one are lowered as
 * that one (see `simd/simd_relaxed.ts`), so their entries here are unused.
 */
export const SIMD_LOWERING: Int32Array = (() => {
  const table = new Int32Array(RELAXED_SIMD_FIRST_SUB + 0x14).fill(-1);
  for (let sub = 0; sub < table.length; sub++) {
    const info =
      OPS[sub < RELAXED_SIMD_FIRST_SUB ? PREFIX_FD + sub : PREFIX_FD_RELAXED + sub - 0x100];
    if (info === undefined) continue;
    const name = info.name, params = info.params!, results = info.results!;
    let op: number;
    const own = OP[name.replace(".", "_")];
    if (info.imm === Imm.v128) continue;
    else if (own !== undefined) op = own;
    else if (info.imm === Imm.memArg) op = OP.v128_load_ext;
    else if (info.imm === Imm.memArgLane) {
      op = results.length === 1 ? OP.v128_load_lane : OP.v128_store_lane;
    } else if (info.imm === Imm.shuffle) op = OP.v128_shuffle;
    else if (info.imm === Imm.lane) op = params.length === 1 ? OP.v128_extract : OP.v128_replace;
    else if (name.endsWith(".splat")) op = OP.v128_splat;
    else if (params.length === 3) op = OP.v128_relaxed_ternary; // (laneselect runs as bitselect)
    else if (params.length === 1) op = isFloatOp(name) ? OP.v128_float_unary : OP.v128_int_unary;
    else op = isFloatOp(name) ? OP.v128_float_binary : OP.v128_int_binary;
    table[sub] = op;
  }
  return table;
})();

/**
 * The words that register op `regOp` takes after its registers for the SIMD
 * instruction `ins`: offsets, lanes, shuffle indices, the sub-opcode. (Not
 * for `v128.const`, nor for the loads and stores with ops of their own,
 * whose immediates the translator may fold an address add into.)
 */
export function simdImmediates(ins: Instruction, regOp: number): number[] {
  const info = OPS[ins.op]!;
  const sub = simdSubOpcode(ins.op);
  const takesSub = OP_SPECS[regOp][1].endsWith("n");
  const immediates: number[] = [];
  if (info.imm === Imm.memArg) immediates.push(ins.b);
  if (info.imm === Imm.memArgLane) {
    if (takesSub) immediates.push(ins.b, sub | (ins.c << 8));
    else immediates.push(ins.b, ins.c);
  } else if (info.imm === Imm.lane) immediates.push(sub | (ins.a << 8));
  else if (info.imm === Imm.shuffle) {
    const w = new DataView(ins.bytes.buffer, ins.bytes.byteOffset, 16);
    for (let k = 0; k < 16; k += 4) immediates.push(w.getInt32(k, true));
  } else if (takesSub) immediates.push(sub);
  return immediates;
}
