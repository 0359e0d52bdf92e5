/**
 * The structured tier's operand stack while it generates a function
 * (`codegen.ts`): which value type is at each height, which values are still
 * expressions not written to their variables (deferred), and the lines the
 * generator is writing, to which writing a deferred value adds a statement.
 *
 * A stack value at height `h` lives in variables named by its kind and `h`
 * (`a` an i32 or an i64's low word, `b` an i64's high word, `f` an f32, `d`
 * an f64, `x` a v128's four words; see `variables.ts`).
 *
 * @module
 */

import type { ValType } from "../../binary/types.ts";
import type { Value } from "./numeric_ops.ts";
import { lanes } from "./variables.ts";

const I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b;

/**
 * A value not yet written to its stack variable: a side-effect-free
 * expression of locals, constants and stack variables, written into the
 * instruction that uses it (so `local.get`, constants and pure arithmetic
 * emit no statement of their own). It is written to its variable before
 * anything it reads is overwritten, and at every block boundary and branch.
 */
export interface Deferred {
  expr: string;
  /** For comparisons, the boolean form (what a branch tests). */
  bool: string | null;
  /** Variables the expression reads. */
  reads: readonly string[];
}

/** Longer expressions are written to their variable instead of being deferred further. */
const MAX_DEFERRED_LENGTH = 160;

/** The operand stack of the function being generated (see the module comment). */
export class OperandStack {
  /** The value types on the stack, bottom first. */
  readonly types: ValType[] = [];
  /** Deferred values, by stack height. */
  readonly deferred: (Deferred | null)[] = [];
  /** The low word of the i64 constant at each stack height, while its variables hold it. */
  readonly i64Constants: (number | null)[] = [];
  /**
   * The mark of each stack height whose value a float load wrote (see
   * `floatLoadCheck` in `numeric_ops.ts`), and in {@link popped} the marks
   * of the values just popped: the generator decides from them whether a
   * load's NaN test is needed.
   */
  readonly loadChecks: (string | null)[] = [];
  /** See {@link loadChecks}. */
  popped: string[] = [];
  /** The lines being written: the function's, or its open piece's (see `pieces.ts`). */
  out: string[] = [];
  /** Highest stack height used, per variable prefix (the declarations to write). */
  maxHeight: Map<string, number> = new Map();
  /**
   * How many deferred values read each variable, and how many there are:
   * {@link beforeWrite} and {@link writeAll} look through the stack only
   * when some value is concerned. Otherwise a body that keeps thousands of
   * values on the stack cost time in the square of its size (a 180 KB body
   * of constants took 72 s to generate).
   */
  readonly #readers = new Map<string, number>();
  #deferredCount = 0;

  /** Sets the deferred value at `height` (null: none), keeping the counts. */
  #setDeferred(height: number, d: Deferred | null): void {
    const old = this.deferred[height];
    if (old) {
      this.#deferredCount--;
      for (const name of old.reads) this.#readers.set(name, this.#readers.get(name)! - 1);
    }
    if (d) {
      this.#deferredCount++;
      for (const name of d.reads) this.#readers.set(name, (this.#readers.get(name) ?? 0) + 1);
    }
    this.deferred[height] = d;
  }

  /** The variables of the stack value at `height` of type `t`. */
  variable(height: number, t: ValType): Value {
    const prefix = t === F32 ? "f" : t === F64 ? "d" : t === V128 ? "x" : "a";
    this.use(prefix, height);
    if (t === I64) this.use("b", height);
    return { v: `${prefix}${height}`, h: `b${height}` };
  }

  /** Records that the variable of `prefix` at `height` is used (so it is declared). */
  use(prefix: string, height: number): void {
    if ((this.maxHeight.get(prefix) ?? -1) < height) this.maxHeight.set(prefix, height);
  }

  /** Pushes a value the next statement writes to its variable (returned). */
  push(t: ValType): Value {
    this.loadChecks[this.types.length] = null;
    this.i64Constants[this.types.length] = null;
    const v = this.variable(this.types.length, t);
    this.beforeWrite(v.v);
    if (t === I64) this.beforeWrite(v.h);
    this.#setDeferred(this.types.length, null);
    this.types.push(t);
    return v;
  }

  /** Drops the value on top (`drop`): a deferred one is never written. */
  drop(): void {
    this.types.pop();
    this.#setDeferred(this.types.length, null);
  }

  /**
   * Cuts the stack to `height` and puts values of `types` on it in their
   * variables (what a block's `else` or `end` leaves: its parameters or
   * results, which branches wrote there). Every deferred value must have
   * been written first ({@link writeAll}).
   */
  resetTo(height: number, types: readonly ValType[]): void {
    this.types.length = height;
    for (const t of types) {
      const h = this.types.length;
      this.#setDeferred(h, null);
      this.loadChecks[h] = null;
      this.i64Constants[h] = null;
      this.types.push(t);
    }
  }

  /**
   * Keeps the NaN tests of the loads whose values are on the stack: a branch or block
   * boundary may copy a value where no pop sees it (see {@link loadChecks}).
   */
  keepLoadChecks(): void {
    this.loadChecks.length = 0;
  }

  /** Pushes a deferred value (see {@link Deferred}). */
  pushDeferred(t: ValType, expr: string, bool: string | null, reads: readonly string[]): void {
    const height = this.types.length;
    this.loadChecks[height] = null;
    if (expr.length > MAX_DEFERRED_LENGTH) {
      const v = this.push(t);
      this.out.push(`${v.v} = ${expr};`);
      return;
    }
    this.types.push(t);
    this.#setDeferred(height, { expr, bool, reads });
  }

  /** Pops a value: its variables, or its expression when deferred. */
  pop(t: ValType): Value {
    this.types.pop();
    const height = this.types.length;
    const mark = this.loadChecks[height];
    if (mark) {
      this.loadChecks[height] = null;
      this.popped.push(mark);
    }
    const d = this.deferred[height];
    if (d) {
      this.#setDeferred(height, null);
      return { v: d.expr, h: "", bool: d.bool ?? undefined, reads: d.reads };
    }
    return this.variable(height, t);
  }

  /** Writes every deferred value that reads `name`, which is about to change. */
  beforeWrite(name: string): void {
    const readers = this.#readers.get(name) ?? 0;
    if (readers === 0) return;
    // Bottom up, as each write may write others first; found from the top, where they are.
    for (const h of this.#heights(readers, (d) => d.reads.includes(name))) {
      if (this.deferred[h]?.reads.includes(name)) this.write(h);
    }
  }

  /** Writes the deferred value at `height` to its variable. */
  write(height: number): void {
    const d = this.deferred[height]!;
    this.#setDeferred(height, null);
    const v = this.variable(height, this.types[height]);
    this.beforeWrite(v.v);
    this.out.push(`${v.v} = ${d.expr};`);
  }

  /** Writes every deferred value (before branches and block boundaries). */
  writeAll(): void {
    if (this.#deferredCount === 0) return;
    for (const h of this.#heights(this.#deferredCount, () => true)) {
      if (this.deferred[h]) this.write(h);
    }
  }

  /** The heights of the `count` deferred values that `wanted` picks, lowest first. */
  #heights(count: number, wanted: (d: Deferred) => boolean): number[] {
    const found: number[] = [];
    for (let h = this.types.length - 1; h >= 0 && found.length < count; h--) {
      const d = this.deferred[h];
      if (d && wanted(d)) found.push(h);
    }
    return found.reverse();
  }
}

/** Declarations of the stack variables up to the highest heights used, per prefix. */
export function heightDeclarations(heights: ReadonlyMap<string, number>): string[] {
  const decls: string[] = [];
  for (const [prefix, max] of heights) {
    for (let h = 0; h <= max; h++) {
      if (prefix === "x") decls.push(...lanes({ v: `x${h}`, h: "" }).map((w) => `${w} = 0`));
      else decls.push(`${prefix}${h} = 0`);
    }
  }
  return decls;
}
