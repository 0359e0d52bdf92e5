/**
 * The translator's layer for multiple memories, memory64 and table64. Code
 * that uses only memory 0 with i32 addresses and i32-indexed tables never
 * gets here (the translator asks only when the module has a second memory
 * or a 64-bit memory or table), so its translation, and its speed, stay
 * exactly as they were.
 *
 * - An instruction on a memory other than 0 becomes one of the generic
 *   `memx_*` ops (`execute/other_memories.ts`), which carry the memory and
 *   the wasm op.
 * - An i64 address (a 64-bit memory) is narrowed in place: `mem_addr64`
 *   adds the u64 offset and traps at 2^32 and above (no memory is that
 *   large), leaving an i32 address with offset 0, so memory 0's loads and
 *   stores then take their usual ops.
 * - An i64 table index is narrowed by `i64_sat_u32` (2^32 and above become
 *   2^32 - 1, out of bounds of any table), so the table ops stay as they are;
 *   `table.size` and `table.grow` widen their results.
 *
 * @module
 */

import { Imm, Op, OPS } from "../../binary/opcodes.ts";
import type { Instruction } from "../../binary/instruction.ts";
import { ValType } from "../../binary/types.ts";
import type { ModuleContext } from "../../validate/context.ts";
import { OP } from "../ops.ts";
import { ExceptionFlow } from "./exceptions.ts";

/** Op ids this layer may translate or rewrite. */
const HANDLED = new Uint8Array(0x300);
OPS.forEach((info, id) => {
  if (info !== undefined && (info.imm === Imm.memArg || info.imm === Imm.memArgLane)) {
    HANDLED[id] = 1;
  }
});
for (
  const op of [
    Op.memory_size,
    Op.memory_grow,
    Op.memory_fill,
    Op.memory_copy,
    Op.memory_init,
    Op.call_indirect,
    Op.table_get,
    Op.table_set,
    Op.table_size,
    Op.table_grow,
    Op.table_fill,
    Op.table_copy,
    Op.table_init,
  ]
) HANDLED[op] = 1;

/** True when a module needs this layer: a second memory, or a 64-bit memory or table. */
export function needsMemoryLowering(ctx: ModuleContext): boolean {
  return ctx.memoryCount > 1 || ctx.address64;
}

/** Multiple memories and 64-bit addresses (see the module doc). */
export class MemoryLowering extends ExceptionFlow {
  /** 1 for each 64-bit memory. */
  readonly #memory64: Uint8Array;
  /** 1 for each 64-bit table. */
  readonly #table64: Uint8Array;
  /** The module has a second memory or a 64-bit memory or table. */
  protected readonly lowersMemory: boolean;

  constructor(ctx: ModuleContext, listeners: boolean) {
    super(ctx, listeners);
    this.#memory64 = Uint8Array.from(ctx.memories, (m) => m.limits.address64 ? 1 : 0);
    this.#table64 = Uint8Array.from(ctx.tables, (t) => t.limits.address64 ? 1 : 0);
    this.lowersMemory = needsMemoryLowering(ctx);
  }

  /**
   * Translates `ins` if it needs this layer and returns true; otherwise
   * returns false, perhaps after narrowing its 64-bit operands, and the
   * usual path translates it.
   */
  protected lowerMemoryInstruction(ins: Instruction): boolean {
    const op = ins.op;
    if (HANDLED[op] !== 1) return false;
    const info = OPS[op]!;
    if (info.imm === Imm.memArg || info.imm === Imm.memArgLane) return this.#access(ins);
    const m64 = this.#memory64, t64 = this.#table64, h = this.h;
    switch (op) {
      case Op.memory_size: {
        if (this.#plain(ins.memory)) return false;
        const d = this.pushTemp(m64[ins.memory] ? ValType.i64 : ValType.i32);
        this.produced(this.emit(OP.memx_size, d, ins.memory) + 1);
        return true;
      }
      case Op.memory_grow: {
        if (this.#plain(ins.memory)) return false;
        const a = this.operand(h - 1);
        this.pop(1);
        const d = this.pushTemp(m64[ins.memory] ? ValType.i64 : ValType.i32);
        this.produced(this.emit(OP.memx_grow, d, a, ins.memory) + 1);
        return true;
      }
      case Op.memory_fill:
        if (this.#plain(ins.memory)) return false;
        this.#three(OP.memx_fill, ins.memory);
        return true;
      case Op.memory_copy:
        if (this.#plain(ins.memory) && this.#plain(ins.b)) return false;
        this.#three(OP.memx_copy, ins.memory, ins.b);
        return true;
      case Op.memory_init:
        if (this.#plain(ins.memory)) return false;
        this.#three(OP.memx_init, ins.memory, ins.a);
        return true;
      case Op.call_indirect:
      case Op.table_get:
        if (t64[op === Op.call_indirect ? ins.b : ins.a]) this.#narrowIndex(h - 1);
        return false;
      case Op.table_set:
        if (t64[ins.a]) this.#narrowIndex(h - 2);
        return false;
      case Op.table_size: {
        if (!t64[ins.a]) return false;
        const d = this.pushTemp(ValType.i64);
        this.emit(OP.table_size, d, ins.a);
        this.emit(OP.i64_extend_i32_u, d, d);
        return true;
      }
      case Op.table_grow: {
        if (!t64[ins.a]) return false;
        this.#narrowIndex(h - 1);
        const init = this.operand(h - 2);
        const delta = this.operand(h - 1);
        this.pop(2);
        const d = this.pushTemp(ValType.i64);
        this.emit(OP.table_grow, d, init, delta, ins.a);
        // -1 stays -1; an old size is below 2^31 (the runtime's table limit).
        this.emit(OP.i64_extend_i32_s, d, d);
        return true;
      }
      case Op.table_fill:
        if (t64[ins.a]) {
          this.#narrowIndex(h - 3);
          this.#narrowIndex(h - 1);
        }
        return false;
      case Op.table_copy: {
        const dst = t64[ins.a], src = t64[ins.b];
        if (dst) this.#narrowIndex(h - 3);
        if (src) this.#narrowIndex(h - 2);
        if (dst && src) this.#narrowIndex(h - 1);
        return false;
      }
      case Op.table_init:
        if (t64[ins.b]) this.#narrowIndex(h - 3);
        return false;
    }
    return false;
  }

  /**
   * An atomic access (its address at height `at`): on a 64-bit memory the
   * address is narrowed with the offset added; returns the offset left.
   */
  protected atomicAddress(ins: Instruction, at: number): number {
    if (this.#memory64[ins.memory] !== 1) return ins.b;
    this.#narrowAddress(at, ins.b, ins.offsetHi);
    return 0;
  }

  /** Memory 0 with i32 addresses: the usual ops. */
  #plain(memory: number): boolean {
    return memory === 0 && this.#memory64[0] === 0;
  }

  /** A load, store or lane access (the address is its first operand). */
  #access(ins: Instruction): boolean {
    const k = ins.memory;
    const wide = this.#memory64[k] === 1;
    if (k === 0 && !wide) return false;
    const info = OPS[ins.op]!;
    const n = info.params!.length;
    const at = this.h - n;
    let offset = ins.b;
    if (wide) {
      this.#narrowAddress(at, ins.b, ins.offsetHi);
      offset = 0;
    }
    if (k === 0) {
      // Memory 0's own ops, with the offset already added.
      ins.b = 0;
      ins.offsetHi = 0;
      return false;
    }
    const lane = info.imm === Imm.memArgLane ? ins.c : 0;
    const a = this.operand(at);
    const v = n === 2 ? this.operand(at + 1) : 0;
    this.pop(n);
    if (info.results!.length === 1) {
      const d = this.pushTemp(info.results![0]);
      this.produced(this.emit(OP.memx_load, d, a, k, ins.op, offset, v, lane) + 1);
    } else {
      this.emit(OP.memx_store, a, v, k, ins.op, offset, lane);
    }
    return true;
  }

  /** Replaces the i64 address at height `i` by the i32 address it plus the offset is. */
  #narrowAddress(i: number, offsetLo: number, offsetHi: number): void {
    const a = this.operand(i);
    this.emit(OP.mem_addr64, this.slot[i], a, offsetLo, offsetHi);
    this.#retype(i);
  }

  /** Replaces the i64 table index at height `i` by a saturated u32. */
  #narrowIndex(i: number): void {
    const a = this.operand(i);
    this.emit(OP.i64_sat_u32, this.slot[i], a);
    this.#retype(i);
  }

  #retype(i: number): void {
    this.makeTemp(i);
    this.type[i] = ValType.i32;
    // Nothing may fuse with, or retarget, the narrowing.
    this.lastDst = -1;
  }

  #three(op: number, ...immediates: number[]): void {
    const a = this.operand(this.h - 3);
    const b = this.operand(this.h - 2);
    const c = this.operand(this.h - 1);
    this.pop(3);
    this.emitWords(op, [a, b, c, ...immediates]);
  }
}

/**
 * True when `ins` uses a memory other than memory 0 with i32 addresses, or
 * a 64-bit table (given each memory's and table's 64-bit flag): the
 * structured tier leaves such functions to the register-code tiers.
 */
export function usesWideAddressing(
  ins: Instruction,
  memory64: Uint8Array,
  table64: Uint8Array,
): boolean {
  const op = ins.op;
  if (HANDLED[op] !== 1) return false;
  switch (op) {
    case Op.call_indirect:
      return table64[ins.b] === 1;
    case Op.table_get:
    case Op.table_set:
    case Op.table_size:
    case Op.table_grow:
    case Op.table_fill:
      return table64[ins.a] === 1;
    case Op.table_copy:
      return table64[ins.a] === 1 || table64[ins.b] === 1;
    case Op.table_init:
      return table64[ins.b] === 1;
    case Op.memory_copy:
      return ins.memory !== 0 || ins.b !== 0 || memory64[0] === 1;
  }
  return ins.memory !== 0 || memory64[0] === 1;
}

/** Each memory's and table's 64-bit flag, or null when a module has one memory and no 64-bit table. */
export function addressWidths(
  ctx: Pick<ModuleContext, "memories" | "tables">,
): { memory64: Uint8Array; table64: Uint8Array } | null {
  const memory64 = Uint8Array.from(ctx.memories, (m) => m.limits.address64 ? 1 : 0);
  const table64 = Uint8Array.from(ctx.tables, (t) => t.limits.address64 ? 1 : 0);
  if (ctx.memories.length <= 1 && !memory64.includes(1) && !table64.includes(1)) return null;
  return { memory64, table64 };
}
