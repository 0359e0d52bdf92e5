/**
 * Control flow in the translator: blocks, loops and ifs as labels on the
 * virtual stack, branches (with the moves that put a label's values in
 * place, and the fused compare-and-branch forms), branch tables, returns,
 * and the per-basic-block fuel charge.
 *
 * @module
 */

import { BLOCK_EMPTY, blockValType, type Instruction } from "../../binary/instruction.ts";
import { Op } from "../../binary/opcodes.ts";
import { ValType } from "../../binary/types.ts";
import type { ModuleContext } from "../../validate/context.ts";
import { NO_TYPES, singleType } from "../../validate/control_frame.ts";
import { NEGATED_COMPARE } from "./op_map.ts";
import { OP } from "../ops.ts";
import { Fusions } from "./fusions.ts";
import { ADDR, CONST, is64, LOCAL, TEMP, wordsOf } from "./virtual_stack.ts";

/** A label: an open block, loop, if or the function body, as the translator sees it. */
export interface Block {
  isLoop: boolean;
  isIf: boolean;
  /** Virtual stack height below the block's parameters. */
  height: number;
  params: readonly ValType[];
  results: readonly ValType[];
  /** For loops: the code position branches go back to. */
  start: number;
  /** Code positions to patch with the end's position. */
  fixups: number[];
  /** For `if`: the code position of the branch to patch with the else's position. */
  elseFixup: number;
  /** Entered in unreachable code: emit nothing until its end. */
  dead: boolean;
  /** The rest of the block is unreachable (after br, return, unreachable...). */
  unreachable: boolean;
}

/** An empty fixup list, for binding a loop's start (`bindHere` only empties it). */
const NO_FIXUPS: number[] = [];

/** The fused compare-and-branch op that branches when the given one does not. */
function negateFused(op: number): number {
  if (op >= OP.br_i32_eq && op <= OP.br_i32_ge_u) {
    return OP.br_i32_eq + NEGATED_COMPARE[op - OP.br_i32_eq];
  }
  return OP.br_i32_eq_imm + NEGATED_COMPARE[op - OP.br_i32_eq_imm];
}

/** The translator's control flow (see the module doc), on top of its peepholes. */
export class ControlFlow extends Fusions {
  readonly ctx: ModuleContext;
  /** Emit `listen_enter`/`listen_exit` around every function body. */
  readonly listeners: boolean;
  blocks: Block[] = [];
  /**
   * Loops the structured tier may enter in the middle of a call (see
   * `CompiledFunction.loopEntries`): pairs of the loop's code position and
   * the byte offset of its `loop` instruction.
   */
  loopEntries: number[] = [];

  constructor(ctx: ModuleContext, listeners: boolean) {
    super();
    this.ctx = ctx;
    this.listeners = listeners;
  }

  protected get top(): Block {
    return this.blocks[this.blocks.length - 1];
  }

  /**
   * Counts one instruction of reachable code against the current basic
   * block's `consume_fuel`, starting a new block (and its charge) after a
   * label or a branch. Charging whole blocks keeps metering cheap and the
   * stop point deterministic.
   */
  protected chargeFuel(): void {
    const block = this.top;
    if (block.dead || block.unreachable) return;
    if (this.fuelAt < 0) {
      this.fuelAt = this.emit(OP.consume_fuel, 0) + 1;
      this.lastStart = -1;
      this.prevStart = -1;
    }
    this.code[this.fuelAt]++;
  }

  protected openBlock(ins: Instruction): void {
    // Shared type lists: nothing allocated per block but the block itself.
    const bt = ins.a;
    const params = bt < 0 ? NO_TYPES : this.ctx.types[bt].params;
    const results = bt === BLOCK_EMPTY
      ? NO_TYPES
      : bt < 0
      ? singleType(blockValType(bt))
      : this.ctx.types[bt].results;
    const isIf = ins.op === Op.if;
    let cond = -1, fusedOp = -1, fusedA = 0, fusedB = 0;
    if (isIf) {
      const ci = this.h - 1;
      const fused = this.takeCompare(ci);
      if (fused !== null) [fusedOp, fusedA, fusedB] = fused;
      else cond = this.operand(ci);
      this.pop(1);
    }
    this.materializeLocals();
    if (ins.op !== Op.block) {
      for (let i = this.h - params.length; i < this.h; i++) this.materialize(i);
    }
    const block: Block = {
      isLoop: ins.op === Op.loop,
      isIf,
      height: this.h - params.length,
      params,
      results,
      start: this.pc,
      fixups: [],
      elseFixup: -1,
      dead: false,
      unreachable: false,
    };
    if (block.isLoop) {
      this.bindHere(NO_FIXUPS);
      // An outermost loop entered with an empty operand stack: its header's state is the locals.
      if (block.height === 0 && params.length === 0 && !this.blocks.some((b) => b.isLoop)) {
        this.loopEntries.push(block.start, ins.offset);
      }
    }
    if (isIf) {
      // Branch to the else part (or the end) when the condition is false.
      let at: number;
      if (fusedOp >= 0) {
        const negated = negateFused(fusedOp);
        at = this.fuseIntoBranch(negated, fusedA, fusedB) ??
          this.emit(negated, fusedA, fusedB, -1) + 3;
      } else {
        at = this.fuseIntoBranch(OP.br_i32_eq_imm, cond, 0) ??
          this.emit(OP.br_unless, cond, -1) + 2;
      }
      block.elseFixup = at;
    }
    this.blocks.push(block);
  }

  /** Makes the top `n` entries the block results in their canonical registers. */
  protected materializeTop(n: number): void {
    for (let i = this.h - n; i < this.h; i++) this.materialize(i);
  }

  protected resetStackTo(height: number, types: readonly ValType[]): void {
    this.cutTo(height);
    for (const t of types) this.pushTemp(t);
  }

  protected elseInstruction(): void {
    const block = this.top;
    if (block.dead) return;
    if (!block.unreachable) {
      this.materializeTop(block.results.length);
      block.fixups.push(this.emit(OP.br, -1) + 1);
    }
    this.bindHere([block.elseFixup]);
    block.elseFixup = -1;
    block.isIf = false;
    block.unreachable = false;
    this.resetStackTo(block.height, block.params);
  }

  protected endInstruction(): void {
    const block = this.blocks.pop()!;
    if (block.dead) {
      this.cutTo(block.height);
      return;
    }
    if (this.blocks.length === 0) {
      // The function body's end is its return; branches to it are returns already.
      if (!block.unreachable) this.emitReturn(block.results);
      return;
    }
    if (!block.unreachable) this.materializeTop(block.results.length);
    if (block.elseFixup >= 0) this.bindHere([block.elseFixup]);
    this.bindHere(block.fixups);
    this.resetStackTo(block.height, block.results);
  }

  protected branchTargetSlot(block: Block): number {
    return this.slotFor(block.height);
  }

  /** True if a branch to `block` must move values into place first. */
  protected needsMoves(block: Block): boolean {
    const types = block.isLoop ? block.params : block.results;
    const n = types.length;
    if (n === 0) return false;
    let dst = this.branchTargetSlot(block);
    for (let i = this.h - n; i < this.h; i++) {
      if (this.kind[i] !== TEMP || this.slot[i] !== dst) return true;
      dst += wordsOf(this.type[i]);
    }
    return false;
  }

  protected emitBranchMoves(block: Block): void {
    const types = block.isLoop ? block.params : block.results;
    const n = types.length;
    let dst = this.branchTargetSlot(block);
    for (let i = this.h - n; i < this.h; i++) {
      this.emitMoveTo(dst, i);
      dst += wordsOf(this.type[i]);
    }
  }

  /** Emits a jump to `block`'s label (the operand is patched later for forward labels). */
  protected emitJump(block: Block): void {
    const start = block.start, code = this.code;
    if (block.isLoop && code[start] === OP.i32_add_imm && start + 4 < this.pc) {
      // The loop begins with an add (pc++ in an interpreter loop): do it here and jump past it.
      this.emit(OP.i32_add_imm_br, code[start + 1], code[start + 2], code[start + 3], start + 4);
    } else if (block.isLoop) this.emit(OP.br, start);
    else block.fixups.push(this.emit(OP.br, -1) + 1);
  }

  protected labelBlock(depth: number): Block {
    return this.blocks[this.blocks.length - 1 - depth];
  }

  protected branch(depth: number): void {
    const block = this.labelBlock(depth);
    if (depth === this.blocks.length - 1) {
      this.returnInstruction();
      return;
    }
    this.emitBranchMoves(block);
    this.emitJump(block);
  }

  protected branchIf(depth: number): void {
    const block = this.labelBlock(depth);
    const ci = this.h - 1;
    const isReturn = depth === this.blocks.length - 1;
    if (!isReturn && !this.needsMovesBelow(block, 1)) {
      const beforeCompare = this.prevStart;
      const fused = this.takeCompare(ci);
      this.pop(1);
      let at: number;
      if (fused !== null) {
        at = this.fuseLoopLatch(beforeCompare, fused) ??
          this.fuseIntoBranch(fused[0], fused[1], fused[2]) ??
          this.emit(fused[0], fused[1], fused[2], -1) + 3;
      } else {
        const cond = this.kind[ci] === LOCAL ? this.src[ci] : this.slot[ci];
        if (this.kind[ci] === CONST || this.kind[ci] === ADDR) {
          this.materialize(ci);
        }
        const last = this.lastAddImm();
        if (last >= 0) {
          // A counter stepped just before the test: one op adds, then branches.
          const d = this.code[last + 1], a = this.code[last + 2], imm = this.code[last + 3];
          this.pc = last;
          at = this.emit(OP.i32_add_imm_br_if, d, a, imm, cond, -1) + 5;
        } else {
          at = this.fuseIntoBranch(OP.br_i32_ne_imm, cond, 0) ??
            this.emit(OP.br_if, cond, -1) + 2;
        }
      }
      if (block.isLoop) this.code[at] = block.start;
      else block.fixups.push(at);
      return;
    }
    const cond = this.operand(ci);
    this.pop(1);
    const skip = this.emit(OP.br_unless, cond, -1) + 2;
    if (isReturn) this.returnInstruction();
    else {
      this.emitBranchMoves(block);
      this.emitJump(block);
    }
    this.bindHere([skip]);
  }

  /** {@link needsMoves}, ignoring the top `skip` entries (the condition of br_if). */
  protected needsMovesBelow(block: Block, skip: number): boolean {
    this.h -= skip;
    const result = this.needsMoves(block);
    this.h += skip;
    return result;
  }

  protected branchTable(ins: Instruction): void {
    const index = this.operand(this.h - 1);
    this.pop(1);
    const n = ins.count;
    // The stubs below run on different paths, but a stub that materializes an
    // entry (a return does) changes the state the later stubs are translated
    // with: materialize once here, on every path, so no stub does it alone.
    const target = this.labelBlock(ins.a);
    const arity = (target.isLoop ? target.params : target.results).length;
    for (let i = this.h - arity; i < this.h; i++) if (this.readsLocal(i)) this.materialize(i);
    const tableAt = this.emitWords(OP.br_table, [index, n, ...new Array(n + 1).fill(-1)]) + 3;
    const stubs: [number, Block][] = [];
    for (let k = 0; k <= n; k++) {
      const depth = k < n ? ins.list[k] : ins.a;
      const block = this.labelBlock(depth);
      const at = tableAt + k;
      if (depth === this.blocks.length - 1 || this.needsMoves(block)) {
        stubs.push([at, block]);
      } else if (block.isLoop) this.code[at] = block.start;
      else block.fixups.push(at);
    }
    for (const [at, block] of stubs) {
      this.code[at] = this.pc;
      if (block === this.blocks[0]) this.returnInstruction();
      else {
        this.emitBranchMoves(block);
        this.emitJump(block);
      }
    }
    this.top.unreachable = true;
  }

  protected returnInstruction(): void {
    this.emitReturn(this.blocks[0].results);
  }

  /** Returns the top entries as the function's results. */
  protected emitReturn(results: readonly ValType[]): void {
    const n = results.length;
    if (n === 1 && !this.listeners) {
      const i = this.h - 1;
      const t = this.type[i];
      if (this.kind[i] === ADDR) this.materialize(i);
      if (t === ValType.i32 || t === ValType.f32) {
        if (this.kind[i] === CONST) this.emit(OP.const32, 0, this.src[i]);
        else {
          this.emit(OP.return32, this.kind[i] === LOCAL ? this.src[i] : this.slot[i]);
          return;
        }
      } else if (is64(t)) {
        if (this.kind[i] === CONST) this.emit(OP.const64, 0, this.src[i], this.hi[i]);
        else {
          this.emit(OP.return64, this.kind[i] === LOCAL ? this.src[i] : this.slot[i]);
          return;
        }
      } else this.emitMoveTo(0, i);
      this.emit(OP.return);
      return;
    }
    // Several results: sources that are locals could be overwritten by the
    // results, so copy them out first; temporaries always sit at or above
    // their destination, so moving in order is safe.
    if (n > 1) {
      for (let i = this.h - n; i < this.h; i++) if (this.readsLocal(i)) this.materialize(i);
    }
    let dst = 0;
    for (let i = this.h - n; i < this.h; i++) {
      this.emitMoveTo(dst, i);
      dst += wordsOf(this.type[i]);
    }
    if (this.listeners) this.emit(OP.listen_exit);
    this.emit(OP.return);
  }
}
