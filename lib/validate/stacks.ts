/**
 * The operand and control stacks of the validation algorithm, with the
 * spec appendix's primitive operations (`push_val`, `pop_vals`, `push_ctrl`,
 * `pop_ctrl`, `unreachable`) and the public read access the interpreter's
 * translator uses. The instruction rules live in `function_validator.ts`.
 *
 * @module
 */

import { CompileError } from "../errors.ts";
import { Op, opName } from "../binary/opcodes.ts";
import type { Instruction } from "../binary/instruction.ts";
import { type ValType, valTypeName } from "../binary/types.ts";
import { ControlFrame, type FrameKind, type StackType, UNKNOWN } from "./control_frame.ts";

/** The construct of each {@link FrameKind}, as type errors at its end name it. */
const FRAME_NAMES = ["block", "loop", "if", "else", "try_table", "try", "catch", "catch_all"];

/** Formats types for messages, e.g. `[i32 i64]`; unknown types print as `_`. */
export function typeListText(types: ArrayLike<number>): string {
  let s = "[";
  for (let i = 0; i < types.length; i++) {
    if (i > 0) s += " ";
    s += types[i] === UNKNOWN ? "_" : valTypeName(types[i]);
  }
  return s + "]";
}

/**
 * The stacks of one function's validation. Storage is reused from one
 * function to the next: the operand stack is a byte array of type codes and
 * control frames are pooled objects.
 */
export class ValidationStacks {
  /** Index (in the function index space, imports included) of the current function. */
  funcIndex: number = -1;
  /**
   * The frame closed by the last `end`, or turned from `if` into `else` by
   * the last `else` (then it is also still the innermost frame). Valid until
   * the next block is opened, since frames are pooled.
   */
  lastClosed: ControlFrame | null = null;

  /** Operand types, bottom first; entries at and above {@link sp} are stale. */
  protected vals: Int32Array = new Int32Array(256);
  /** Locals (non-defaultable ones) initialised inside the open frames, innermost last. */
  protected initLocals: number[] = [];
  /** Operand stack height. */
  protected sp = 0;
  /** Control frames, outermost first; entries at and above {@link fp} are free. */
  protected frames: ControlFrame[] = [];
  /** Control stack height. */
  protected fp = 0;

  /** Empties both stacks for a new function. */
  protected resetStacks(funcIndex: number): void {
    this.funcIndex = funcIndex;
    this.sp = 0;
    this.fp = 0;
    this.initLocals.length = 0;
    this.lastClosed = null;
  }

  /** Current operand stack height (values of all frames together). */
  get height(): number {
    return this.sp;
  }

  /**
   * Type of the operand at `index` from the bottom of the stack (0 ≤ index <
   * {@link height}); {@link UNKNOWN} for values of unknown type produced in
   * unreachable code.
   */
  typeAt(index: number): StackType {
    return this.vals[index] as StackType;
  }

  /**
   * Type of the operand `n` places below the top (0 = top). Positions below
   * the innermost frame's base in unreachable code read as {@link UNKNOWN}.
   */
  peek(n = 0): StackType {
    const i = this.sp - 1 - n;
    const base = this.fp === 0 ? 0 : this.frames[this.fp - 1].height;
    return i >= base ? this.vals[i] as StackType : UNKNOWN;
  }

  /** Number of open control frames; the function body's frame counts as one. */
  get depth(): number {
    return this.fp;
  }

  /** The frame a branch to label `labelDepth` targets (0 = innermost). */
  frame(labelDepth: number): ControlFrame {
    return this.frames[this.fp - 1 - labelDepth];
  }

  /** The frame at `index` from the outside (0 = the function body). */
  frameAt(index: number): ControlFrame {
    return this.frames[index];
  }

  /** Types carried by a branch to label `labelDepth`. */
  labelTypes(labelDepth: number): readonly ValType[] {
    return this.frame(labelDepth).labelTypes;
  }

  /** True when the current instruction is unreachable (dead code after a branch). */
  get unreachable(): boolean {
    return this.fp !== 0 && this.frames[this.fp - 1].unreachable;
  }

  /** `push_ctrl`: opens a frame (reusing a pooled one) and pushes its parameters. */
  protected pushCtrl(
    kind: FrameKind,
    params: readonly ValType[],
    results: readonly ValType[],
    offset: number,
  ): void {
    let f = this.frames[this.fp];
    if (f === undefined) this.frames[this.fp] = f = new ControlFrame();
    this.fp++;
    f.kind = kind;
    f.params = params;
    f.results = results;
    f.height = this.sp;
    f.unreachable = false;
    f.offset = offset;
    f.initHeight = this.initLocals.length;
    this.pushTypes(params);
  }

  /**
   * The check of `pop_ctrl`: the operands above the frame's base must be
   * exactly `results`. Leaves the stack at the frame's base.
   */
  protected checkFrameEnd(f: ControlFrame, results: readonly ValType[], ins: Instruction): void {
    const avail = this.sp - f.height;
    if (avail > results.length) this.mismatch(results, avail, ins);
    this.popExpect(results, ins);
  }

  /** `unreachable()`: drops the frame's operands and makes its stack polymorphic. */
  protected setUnreachable(): void {
    const f = this.frames[this.fp - 1];
    this.sp = f.height;
    f.unreachable = true;
  }

  /** `push_val`. */
  protected push(t: number): void {
    if (this.sp === this.vals.length) this.reserve(1);
    this.vals[this.sp++] = t;
  }

  /** Grows the operand stack's storage so that `n` more operands fit. */
  protected reserve(n: number): void {
    if (this.sp + n <= this.vals.length) return;
    const grown = new Int32Array(Math.max(this.vals.length * 2, this.sp + n));
    grown.set(this.vals);
    this.vals = grown;
  }

  /** `push_vals`. */
  protected pushTypes(types: readonly number[]): void {
    for (let i = 0; i < types.length; i++) this.push(types[i]);
  }

  /** `pop_val()`: pops one operand of any type. */
  protected popAny(ins: Instruction): StackType {
    const f = this.frames[this.fp - 1];
    if (this.sp > f.height) return this.vals[--this.sp] as StackType;
    if (!f.unreachable) {
      this.fail(`type mismatch: ${opName(ins.op)} expects an operand but got []`, ins.offset);
    }
    return UNKNOWN;
  }

  /**
   * Pops the operands of a small fixed signature (see `SMALL_SIGNATURE` in
   * the function validator: types in bits 0-7 and 8-15, 0 for none) when the
   * current frame has them with exactly those types; false, popping nothing,
   * otherwise (a mismatch, or unknown types in unreachable code), for
   * {@link popExpect} to handle.
   */
  protected popSmall(signature: number): boolean {
    const top = signature & 0xff, second = (signature >>> 8) & 0xff;
    const n = top === 0 ? 0 : second === 0 ? 1 : 2;
    const sp = this.sp, vals = this.vals;
    if (sp - this.frames[this.fp - 1].height < n) return false;
    if (n > 0 && vals[sp - 1] !== top) return false;
    if (n > 1 && vals[sp - 2] !== second) return false;
    this.sp = sp - n;
    return true;
  }

  /**
   * Pops operands of exactly `types` (the last one on top) when the current
   * frame has them; false, popping nothing, otherwise (a mismatch, a subtype,
   * or unknown types in unreachable code), for {@link popExpect} to handle.
   */
  protected popExact(types: readonly number[]): boolean {
    const n = types.length, sp = this.sp, vals = this.vals;
    if (sp - this.frames[this.fp - 1].height < n) return false;
    for (let k = 1; k <= n; k++) if (vals[sp - k] !== types[n - k]) return false;
    this.sp = sp - n;
    return true;
  }

  /** `pop_vals(types)`: pops operands matching `types` (the last one on top). */
  protected popExpect(types: readonly number[], ins: Instruction): void {
    const n = types.length;
    if (n === 0) return;
    const avail = this.checkTop(types, ins);
    this.sp -= avail < n ? avail : n;
  }

  /**
   * Checks that the top operands match `types` without popping; returns how
   * many operands the current frame holds. Missing operands are fine only in
   * unreachable code, where they are of unknown type.
   */
  protected checkTop(types: readonly number[], ins: Instruction): number {
    const n = types.length;
    const f = this.frames[this.fp - 1];
    const sp = this.sp;
    const avail = sp - f.height;
    const vals = this.vals;
    for (let k = 0; k < n; k++) {
      // k counts from the top: types[n - 1] is compared with the top operand.
      const e = types[n - 1 - k];
      if (k < avail) {
        const a = vals[sp - 1 - k];
        if (a !== e && a !== UNKNOWN && e !== UNKNOWN && !this.subtype(a, e)) {
          this.mismatch(types, n, ins);
        }
      } else if (!f.unreachable) {
        this.mismatch(types, n, ins);
      }
    }
    return avail;
  }

  /** Value subtyping (`a` may stand where `e` is expected); exact equality was checked already. */
  protected subtype(_a: number, _e: number): boolean {
    return false;
  }

  /** Throws the "type mismatch" error, showing up to `shown` operands of the current frame. */
  protected mismatch(expected: readonly number[], shown: number, ins: Instruction): never {
    const f = this.frames[this.fp - 1];
    const avail = this.sp - f.height;
    const count = Math.min(avail, shown);
    const got = this.vals.subarray(this.sp - count, this.sp);
    const what = ins.op === Op.end || ins.op === Op.else
      ? `end of ${FRAME_NAMES[f.kind]}`
      : opName(ins.op);
    this.fail(
      `type mismatch: ${what} expects ${typeListText(expected)} but got ${typeListText(got)}`,
      ins.offset,
    );
  }

  /** Throws a {@link CompileError} naming the current function. */
  protected fail(reason: string, offset: number): never {
    throw new CompileError(`${reason} in function ${this.funcIndex}`, offset);
  }
}
