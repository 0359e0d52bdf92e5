/**
 * Exception handling in the translator: `try_table` and the legacy `try`
 * (`catch`, `catch_all`, `delegate`, `rethrow`), `throw` and `throw_ref`.
 *
 * Handlers cost nothing until something throws: a try block emits no code of
 * its own, only a {@link HandlerGroup} in a side table, the range of register
 * code its body covers and its catch clauses. When an exception is thrown the
 * executor looks the throwing position up in the table of each frame it
 * unwinds (see `execute/unwind.ts`): the innermost group whose range holds it,
 * then that group's `parent` chain (a `delegate` sets its own parent).
 *
 * A clause lands on a label as a branch does: the payload is written at the
 * label's canonical registers, then execution goes on at the label (a
 * block's end, a loop's start). A clause whose label is the function body
 * returns, through a small stub. A legacy catch clause keeps its exception in
 * a register of its own (for `rethrow`), one per legacy try nesting level,
 * placed above the frame's temporaries once the function is translated.
 *
 * @module
 */

import { CatchKind, type Instruction } from "../../binary/instruction.ts";
import { Op } from "../../binary/opcodes.ts";
import { OP } from "../ops.ts";
import { type Block, ControlFlow } from "./control_flow.ts";
import { wordsOf } from "./virtual_stack.ts";

/** One catch clause of a {@link HandlerGroup}. */
export interface CatchClause {
  /** The tag index it catches, or -1 for every exception (`catch_all`). */
  tag: number;
  /** Where execution goes on (a code position). */
  target: number;
  /** Register where the tag's values go (word offset from the frame base). */
  slot: number;
  /** Register for the exception itself (exnref), or -1. */
  exn: number;
}

/** The handlers of one try block: the code range of its body and its clauses, in order. */
export interface HandlerGroup {
  /** First code position of the body. */
  start: number;
  /** Code position just past the body. */
  end: number;
  /** The group to search when no clause matches (index), or -1: unwind to the caller. */
  parent: number;
  clauses: CatchClause[];
}

/** Exception-handling state a block carries in the translator. */
interface TryBlock extends Block {
  /** Index of the handler group this try block opened. */
  group?: number;
  /** True while the position is in the block's body (its handler range). */
  inBody?: boolean;
  /** Clauses that land at this block's end (its label). */
  landings?: CatchClause[];
  /** For a legacy try: its nesting level, which picks its exception register. */
  exnLevel?: number;
}

/** The translator's exception handling (see the module doc), on top of its control flow. */
export class ExceptionFlow extends ControlFlow {
  /** The handler groups of the function being translated. */
  groups: HandlerGroup[] = [];
  /** Code positions holding a legacy exception register's level, patched by {@link placeExnRegisters}. */
  exnFixups: number[] = [];
  /** Clauses whose `exn` is a legacy level, patched likewise. */
  exnClauses: CatchClause[] = [];
  /** Open legacy try blocks, and the most ever open at once. */
  legacyDepth = 0;
  maxLegacyDepth = 0;

  protected resetExceptions(): void {
    this.groups = [];
    this.exnFixups = [];
    this.exnClauses = [];
    this.legacyDepth = 0;
    this.maxLegacyDepth = 0;
  }

  /** The innermost group whose body the current position is in, or -1. */
  protected activeGroup(fromBlock = this.blocks.length - 1): number {
    for (let i = fromBlock; i >= 0; i--) {
      const b = this.blocks[i] as TryBlock;
      if (b.inBody === true) return b.group!;
    }
    return -1;
  }

  /**
   * A clause landing on the label `depth` levels out (counted before the
   * try block is pushed): its payload registers and its target.
   */
  protected clauseFor(tag: number, depth: number, ref: boolean): CatchClause {
    const block = this.labelBlock(depth) as TryBlock;
    const words = tag < 0 ? 0 : this.ctx.types[this.ctx.tagTypeIndices[tag]].params
      .reduce((n, t) => n + wordsOf(t), 0);
    if (depth === this.blocks.length - 1) {
      // The function's label: a return, through a stub (results go to the frame base).
      const skip = this.emit(OP.br, -1) + 1;
      const stub = this.pc;
      if (this.listeners) this.emit(OP.listen_exit);
      this.emit(OP.return);
      this.bindHere([skip]);
      return { tag, target: stub, slot: 0, exn: ref ? words : -1 };
    }
    const slot = this.branchTargetSlot(block);
    const clause: CatchClause = { tag, target: -1, slot, exn: ref ? slot + words : -1 };
    if (block.isLoop) clause.target = block.start;
    else (block.landings ??= []).push(clause);
    return clause;
  }

  /** `try_table`: its clauses, then a block whose body is a handler range. */
  protected tryTable(ins: Instruction): void {
    const clauses: CatchClause[] = [];
    for (let i = 0; i < ins.count; i++) {
      const kind = ins.list[3 * i];
      const all = kind === CatchKind.catchAll || kind === CatchKind.catchAllRef;
      const ref = kind === CatchKind.catchRef || kind === CatchKind.catchAllRef;
      clauses.push(this.clauseFor(all ? -1 : ins.list[3 * i + 1], ins.list[3 * i + 2], ref));
    }
    this.openTry(ins, clauses);
  }

  /** Opens a try block (`try_table` or legacy `try`) with a new handler group. */
  private openTry(ins: Instruction, clauses: CatchClause[]): void {
    const parent = this.activeGroup();
    this.openBlock(ins);
    // The body starts after the moves that opening the block may have emitted; a label here
    // keeps the peepholes from fusing code of the body with code before it.
    this.bindHere([]);
    const block = this.top as TryBlock;
    block.group = this.groups.length;
    block.inBody = true;
    this.groups.push({ start: this.pc, end: -1, parent, clauses });
  }

  /** The legacy `try`. */
  protected legacyTry(ins: Instruction): void {
    this.openTry(ins, []);
    (this.top as TryBlock).exnLevel = this.legacyDepth++;
    if (this.legacyDepth > this.maxLegacyDepth) this.maxLegacyDepth = this.legacyDepth;
  }

  /** Ends the handler range of `block`'s body, if it is one. */
  protected closeRange(block: Block): void {
    const b = block as TryBlock;
    if (b.inBody !== true) return;
    this.groups[b.group!].end = this.pc;
    b.inBody = false;
  }

  /** A legacy `catch` or `catch_all`: the body (or previous clause) ends, a clause starts. */
  protected legacyCatch(ins: Instruction): void {
    const block = this.top as TryBlock;
    if (block.dead) return;
    const group = this.groups[block.group!];
    this.closeRange(block);
    if (!block.unreachable) {
      this.materializeTop(block.results.length);
      block.fixups.push(this.emit(OP.br, -1) + 1);
    }
    this.bindHere([]);
    const tag = ins.op === Op.catch ? ins.a : -1;
    const clause: CatchClause = {
      tag,
      target: this.pc,
      slot: this.slotFor(block.height),
      exn: block.exnLevel!,
    };
    group.clauses.push(clause);
    this.exnClauses.push(clause);
    block.unreachable = false;
    const params = tag < 0 ? [] : this.ctx.types[this.ctx.tagTypeIndices[tag]].params;
    this.resetStackTo(block.height, params);
  }

  /**
   * A block's end (and `delegate`'s): closes its handler range first, then
   * binds the clauses that land at its label.
   */
  protected override endInstruction(): void {
    const block = this.top as TryBlock;
    if (!block.dead) {
      if (block.exnLevel !== undefined) this.legacyDepth--;
      this.closeRange(block);
    }
    super.endInstruction();
    if (!block.dead && block.landings !== undefined) {
      for (const c of block.landings) c.target = this.pc;
    }
  }

  /** A legacy `delegate`: the body's exceptions go to the handlers around label `depth`. */
  protected delegate(ins: Instruction): void {
    const block = this.top as TryBlock;
    if (!block.dead && block.inBody === true) {
      const g = this.groups[block.group!];
      // Counted from outside the try: the try itself is the top block.
      g.parent = this.activeGroup(this.blocks.length - 2 - ins.a);
    }
    this.endInstruction();
  }

  /** `rethrow`: throws the exception the legacy catch clause at label `depth` caught. */
  protected rethrow(depth: number): void {
    const level = (this.labelBlock(depth) as TryBlock).exnLevel!;
    this.exnFixups.push(this.emit(OP.throw_ref, level) + 1);
    this.top.unreachable = true;
  }

  /** `throw`: the tag's values in consecutive registers, as a call's arguments. */
  protected throwInstruction(tag: number): void {
    const n = this.ctx.types[this.ctx.tagTypeIndices[tag]].params.length;
    for (let i = this.h - n; i < this.h; i++) this.materialize(i);
    const base = this.slotFor(this.h - n);
    this.pop(n);
    this.emit(OP.throw, tag, base);
    this.top.unreachable = true;
  }

  /** `throw_ref`: rethrows an exnref (a null one traps). */
  protected throwRef(): void {
    const reg = this.operand(this.h - 1);
    this.pop(1);
    this.emit(OP.throw_ref, reg);
    this.top.unreachable = true;
  }

  /**
   * Places the legacy exception registers at `frameWords` (one slot per
   * nesting level) and returns the frame's new size.
   */
  protected placeExnRegisters(frameWords: number): number {
    if (this.maxLegacyDepth === 0) return frameWords;
    const base = frameWords + (frameWords & 1);
    for (const at of this.exnFixups) this.code[at] = base + 2 * this.code[at];
    for (const c of this.exnClauses) c.exn = base + 2 * c.exn;
    return base + 2 * this.maxLegacyDepth;
  }
}
