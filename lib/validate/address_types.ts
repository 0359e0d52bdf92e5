/**
 * Operand types of memory and table instructions when addresses may be 64
 * bits wide (memory64, table64): a 64-bit memory or table takes i64
 * addresses, indices and lengths where a 32-bit one takes i32. The op table
 * (`opcodes.ts`) gives the 32-bit signatures; this module rewrites them for
 * the memory or table an instruction names. Only modules with a 64-bit
 * memory or table come here.
 *
 * @module
 */

import { Imm, Op, OP_COUNT, type OpInfo, OPS } from "../binary/opcodes.ts";
import type { Instruction } from "../binary/instruction.ts";
import { ValType } from "../binary/types.ts";
import type { ModuleContext } from "./context.ts";

/** 1 for the op ids whose operand types depend on a memory's or table's address width. */
export const ADDRESSED: Uint8Array = new Uint8Array(OP_COUNT);
for (
  const op of [
    Op.memory_size,
    Op.memory_grow,
    Op.memory_fill,
    Op.memory_copy,
    Op.memory_init,
    Op.table_copy,
    Op.table_init,
  ]
) ADDRESSED[op] = 1;

// The memory-argument instructions (loads, stores, lane accesses, atomics).
OPS.forEach((info, id) => {
  if (
    info !== undefined &&
    (info.imm === Imm.memArg || info.imm === Imm.memArgLane || info.imm === Imm.atomicMemArg)
  ) {
    ADDRESSED[id] = 1;
  }
});

/** The address type (i32 or i64) of a memory. */
export function memoryAddressType(ctx: ModuleContext, memory: number): ValType {
  return ctx.memories[memory]?.limits.address64 ? ValType.i64 : ValType.i32;
}

/** The index type (i32 or i64) of a table. */
export function tableIndexType(ctx: ModuleContext, table: number): ValType {
  return ctx.tables[table]?.limits.address64 ? ValType.i64 : ValType.i32;
}

/**
 * The operand and result types of an {@link ADDRESSED} instruction (whose
 * immediates have been checked), for the memories or tables it names.
 */
export function addressedSignature(
  ctx: ModuleContext,
  ins: Instruction,
  info: OpInfo,
): { params: ValType[]; results: ValType[] } {
  const params = info.params!.slice() as ValType[];
  const results = info.results!.slice() as ValType[];
  switch (ins.op) {
    case Op.memory_size:
      results[0] = memoryAddressType(ctx, ins.memory);
      break;
    case Op.memory_grow:
      params[0] = results[0] = memoryAddressType(ctx, ins.memory);
      break;
    case Op.memory_fill:
      params[0] = params[2] = memoryAddressType(ctx, ins.memory);
      break;
    case Op.memory_copy: {
      const dst = memoryAddressType(ctx, ins.memory), src = memoryAddressType(ctx, ins.b);
      params[0] = dst;
      params[1] = src;
      params[2] = dst === ValType.i64 && src === ValType.i64 ? ValType.i64 : ValType.i32;
      break;
    }
    case Op.memory_init:
      params[0] = memoryAddressType(ctx, ins.memory);
      break;
    case Op.table_copy: {
      const dst = tableIndexType(ctx, ins.a), src = tableIndexType(ctx, ins.b);
      params[0] = dst;
      params[1] = src;
      params[2] = dst === ValType.i64 && src === ValType.i64 ? ValType.i64 : ValType.i32;
      break;
    }
    case Op.table_init:
      params[0] = tableIndexType(ctx, ins.b);
      break;
    default:
      // Loads, stores and lane accesses: the address is the first operand.
      params[0] = memoryAddressType(ctx, ins.memory);
  }
  return { params, results };
}
