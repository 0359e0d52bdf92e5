/**
 * The translator's virtual operand stack. Its entries say where each value
 * lives:
 *
 * - `TEMP`: in the value's canonical register, a fixed frame position for
 *   its stack height (after the locals);
 * - `LOCAL`: still in a local's register (`local.get` emits nothing);
 * - `CONST`: a constant not yet written anywhere (`i32.const` emits nothing
 *   and often becomes an immediate);
 * - `ADDR`: an i32 local plus a constant, not yet added (a load or store
 *   takes both, wherever its address was computed; anything else
 *   materializes the sum).
 *
 * Deferred entries are written to their canonical registers
 * ("materialized") when something needs them there: block boundaries,
 * calls, branches, or a `local.set` of the local they read.
 *
 * @module
 */

import { ValType } from "../../binary/types.ts";
import { OP } from "../ops.ts";
import { type HoistedConstant, indexOfConstant } from "./constants.ts";
import { RegisterCode } from "./register_code.ts";

/** The kinds of virtual stack entries (see the module doc). */
export const TEMP = 0, LOCAL = 1, CONST = 2, ADDR = 3;

/** Words a value of type `t` takes in the register file. */
export function wordsOf(t: number): number {
  return t === ValType.v128 ? 4 : 2;
}

export function moveOp(t: number): number {
  if (t === ValType.i32 || t === ValType.f32) return OP.mov32;
  if (t === ValType.i64 || t === ValType.f64) return OP.mov64;
  if (t === ValType.v128) return OP.mov128;
  return OP.movref;
}

export function is64(t: number): boolean {
  return t === ValType.i64 || t === ValType.f64;
}

/** The virtual operand stack and the frame layout (locals, hoisted constants, temporaries). */
export class VirtualStack extends RegisterCode {
  kind = new Uint8Array(64);
  type = new Int32Array(64);
  /** Canonical register of each height, in words from the frame base. */
  slot = new Int32Array(64);
  /** LOCAL and ADDR: the local's register; CONST: the low word. */
  src = new Int32Array(64);
  /** CONST: the high word; ADDR: the constant added to the local. */
  hi = new Int32Array(64);
  h = 0;
  /**
   * How many entries read each local register (`LOCAL` and `ADDR` entries,
   * by `src`), and how many there are in all: `local.set` and block
   * boundaries look for them only when there are some, and from the top,
   * where they are. Scanning the whole stack each time made a body that
   * keeps thousands of values on it translate in time in the square of its
   * size (60,000 `local.get`s then as many `local.set`s: 5 s).
   */
  localReaders: Int32Array = new Int32Array(0);
  localReaderCount = 0;

  localWords: Int32Array = new Int32Array(0);
  localTypes: number[] = [];
  localsEnd = 0;
  /** Where the temporaries (canonical registers) start, after locals and hoisted constants. */
  tempsStart = 0;
  constants: readonly HoistedConstant[] = [];
  constRegs: number[] = [];
  maxWords = 0;

  protected ensureStack(n: number): void {
    if (n <= this.kind.length) return;
    const size = Math.max(n, this.kind.length * 2);
    const grow = <T extends Uint8Array | Int32Array>(a: T): T => {
      const b = new (a.constructor as { new (n: number): T })(size);
      b.set(a);
      return b;
    };
    this.kind = grow(this.kind);
    this.type = grow(this.type);
    this.slot = grow(this.slot);
    this.src = grow(this.src);
    this.hi = grow(this.hi);
  }

  /** The canonical register of the value at height `h`. */
  protected slotFor(h: number): number {
    return h === 0 ? this.tempsStart : this.slot[h - 1] + wordsOf(this.type[h - 1]);
  }

  /** Writes the hoisted constants into their registers, once per call. */
  protected emitConstantPrologue(): void {
    this.constants.forEach((c, i) => {
      const reg = this.constRegs[i];
      if (c.type === ValType.v128) this.emit(OP.const128, reg, c.lo, c.hi, c.lo2, c.hi2);
      else if (is64(c.type)) this.emit(OP.const64, reg, c.lo, c.hi);
      else this.emitPaired(OP.const32, OP.const32x2, reg, c.lo);
    });
  }

  /** The register holding constant entry `i`'s value, or -1 if it was not hoisted. */
  protected constantRegister(i: number): number {
    const t = this.type[i];
    const k = indexOfConstant(this.constants, t, this.src[i], is64(t) ? this.hi[i] : 0, 0, 0);
    return k < 0 ? -1 : this.constRegs[k];
  }

  protected pushEntry(kind: number, t: number, src: number, hi: number): number {
    const h = this.h;
    this.ensureStack(h + 1);
    const s = this.slotFor(h);
    if (kind === LOCAL || kind === ADDR) {
      this.localReaders[src]++;
      this.localReaderCount++;
    }
    this.kind[h] = kind;
    this.type[h] = t;
    this.slot[h] = s;
    this.src[h] = src;
    this.hi[h] = hi;
    this.h = h + 1;
    const end = s + wordsOf(t);
    if (end > this.maxWords) this.maxWords = end;
    return s;
  }

  /** Pushes a value computed into its canonical register; returns that register. */
  protected pushTemp(t: number): number {
    return this.pushEntry(TEMP, t, 0, 0);
  }

  /** Emits code writing entry `i`'s value into register `dst` (without changing the entry). */
  protected emitMoveTo(dst: number, i: number): void {
    const t = this.type[i];
    if (this.kind[i] === ADDR) {
      this.emit(OP.i32_add_imm, dst, this.src[i], this.hi[i]);
      return;
    }
    if (this.kind[i] === CONST) {
      if (is64(t)) this.emit(OP.const64, dst, this.src[i], this.hi[i]);
      else this.emitPaired(OP.const32, OP.const32x2, dst, this.src[i]);
      return;
    }
    const from = this.kind[i] === LOCAL ? this.src[i] : this.slot[i];
    if (from === dst) return;
    if (t === ValType.i32 || t === ValType.f32) this.emitPaired(OP.mov32, OP.mov32x2, dst, from);
    else this.emit(moveOp(t), dst, from);
  }

  /**
   * Emits `single` (a const32 or mov32), or, right after another one with no
   * label between (arguments set up for a call, locals set), both as one
   * `pair`.
   */
  protected emitPaired(single: number, pair: number, dst: number, x: number): void {
    const last = this.lastStart;
    if (last >= 0 && last + 3 === this.pc && this.code[last] === single) {
      const dst1 = this.code[last + 1], x1 = this.code[last + 2];
      this.pc = last;
      this.emit(pair, dst1, x1, dst, x);
    } else this.emit(single, dst, x);
  }

  /** Writes entry `i` to its canonical register if it is not there yet. */
  protected materialize(i: number): void {
    if (this.kind[i] === TEMP) return;
    this.emitMoveTo(this.slot[i], i);
    this.makeTemp(i);
  }

  /** Marks entry `i` as in its canonical register (its code is written), keeping the counts. */
  protected makeTemp(i: number): void {
    if (this.readsLocal(i)) this.#forgetReader(i);
    this.kind[i] = TEMP;
  }

  #forgetReader(i: number): void {
    this.localReaders[this.src[i]]--;
    this.localReaderCount--;
  }

  /** Sets the stack's height to `height`, forgetting the entries above it. */
  protected cutTo(height: number): void {
    for (let i = height; i < this.h; i++) if (this.readsLocal(i)) this.#forgetReader(i);
    this.h = height;
  }

  /**
   * The heights of the entries below `below` that read local register `reg`
   * (any local when `reg` is -1), lowest first: found from the top, where
   * they are, as many as there are.
   */
  protected localReadersBelow(below: number, reg: number): number[] {
    let count = reg < 0 ? this.localReaderCount : this.localReaders[reg];
    const found: number[] = [];
    for (let i = this.h - 1; i >= 0 && count > 0; i--) {
      if (!this.readsLocal(i) || (reg >= 0 && this.src[i] !== reg)) continue;
      count--;
      if (i < below) found.push(i);
    }
    return found.reverse();
  }

  /** Materializes every entry that reads a local (before code that may run more than once). */
  protected materializeLocals(): void {
    if (this.localReaderCount === 0) return;
    for (const i of this.localReadersBelow(this.h, -1)) this.materialize(i);
  }

  /** True when entry `i` reads a local's register (a `LOCAL` or an `ADDR`). */
  protected readsLocal(i: number): boolean {
    return this.kind[i] === LOCAL || this.kind[i] === ADDR;
  }

  /** The register to read entry `i` from, materializing a constant if needed. */
  protected operand(i: number): number {
    if (this.kind[i] === LOCAL) return this.src[i];
    if (this.kind[i] === ADDR) this.materialize(i);
    if (this.kind[i] === CONST) {
      const reg = this.constantRegister(i);
      if (reg >= 0) return reg;
      this.materialize(i);
    }
    return this.slot[i];
  }

  /** Pops `n` entries (their registers must already have been read). */
  protected pop(n: number): void {
    this.cutTo(this.h - n);
  }

  /** Records that the last instruction wrote the value now on top, at `dstAt` in the code. */
  protected produced(dstAt: number): void {
    this.lastDst = dstAt;
    this.lastDstHeight = this.h - 1;
  }

  /** True when entry `i` is the result of the last instruction, an `op`, with no label since. */
  protected justComputedBy(i: number, op: number): boolean {
    return this.kind[i] === TEMP && this.lastDst >= 0 && this.lastDstHeight === i &&
      this.code[this.lastStart] === op;
  }

  /**
   * If entry `i` was just computed by `i32_add_imm` or `i32_add`, removes
   * that instruction and returns its op and operands (a register, and a
   * constant or a second register), for a load or store that adds them itself.
   */
  protected takeAdd(i: number): [number, number, number] | null {
    if (this.kind[i] !== TEMP || this.lastDst < 0 || this.lastDstHeight !== i) return null;
    const start = this.lastStart;
    const op = this.code[start];
    if (op !== OP.i32_add_imm && op !== OP.i32_add) return null;
    const a = this.code[start + 2], x = this.code[start + 3];
    this.removeLast();
    return [op, a, x];
  }

  /**
   * If entry `i` is an i32 comparison the last instruction just computed,
   * removes that instruction and returns the fused branch op and operands
   * that branch when it is true.
   */
  protected takeCompare(i: number): [number, number, number] | null {
    if (this.kind[i] !== TEMP || this.lastDst < 0 || this.lastDstHeight !== i) return null;
    const start = this.lastStart;
    const op = this.code[start];
    let fused: number;
    if (op >= OP.i32_eq && op <= OP.i32_ge_u) fused = OP.br_i32_eq + (op - OP.i32_eq);
    else if (op >= OP.i32_eq_imm && op <= OP.i32_ge_u_imm) {
      fused = OP.br_i32_eq_imm + (op - OP.i32_eq_imm);
    } else if (op === OP.i32_eqz) {
      fused = OP.br_i32_eq_imm;
      const a = this.code[start + 2];
      this.removeLast();
      return [fused, a, 0];
    } else return null;
    const a = this.code[start + 2], b = this.code[start + 3];
    this.removeLast();
    return [fused, a, b];
  }
}
