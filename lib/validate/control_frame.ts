/**
 * Control frames of the validation algorithm, and the type codes the operand
 * stack holds. Split from the validator so that the interpreter's translator
 * can import the read-only vocabulary without the algorithm.
 *
 * @module
 */

import { type ValType, ValType as V } from "../binary/types.ts";

/**
 * The operand type of a value whose type the validator cannot know: one
 * popped from the polymorphic stack of unreachable code. Every real type
 * code is non-zero, so 0 never collides.
 */
export const UNKNOWN = 0;

/** A type on the operand stack: a value type code or {@link UNKNOWN}. */
export type StackType = ValType | typeof UNKNOWN;

/** The kind of construct a control frame stands for. */
export const FrameKind = {
  /** A `block`, or the function body itself (always the outermost frame). */
  block: 0,
  /** A `loop`: branches to it go back to the start and take its parameters. */
  loop: 1,
  /** The then-branch of an `if`. */
  if: 2,
  /** The else-branch of an `if`: the same frame, after its `else`. */
  else: 3,
  /** A `try_table` (exception handling): a block whose calls and throws its handlers cover. */
  tryTable: 4,
  /** The body of a legacy `try`, before its first `catch`. */
  try: 5,
  /** A legacy `catch` clause: `rethrow` may name its label. */
  catch: 6,
  /** A legacy `catch_all` clause (no `catch` may follow it). */
  catchAll: 7,
} as const;

/** One of the codes in {@link FrameKind}. */
export type FrameKind = typeof FrameKind[keyof typeof FrameKind];

/** Shared empty type list, so that frames never allocate one. */
export const NO_TYPES: readonly ValType[] = Object.freeze([]);

/**
 * Single-result lists by value type code, for the block types that name one
 * value type; shared so that entering a block allocates nothing.
 */
export const SINGLE_TYPES: readonly (readonly ValType[])[] = (() => {
  const table: (readonly ValType[])[] = [];
  for (const t of Object.values(V)) table[t] = Object.freeze([t]);
  return table;
})();

const moreSingles = new Map<number, readonly ValType[]>();

/** The one-type list `[t]` for any value type (shared, so that blocks allocate nothing). */
export function singleType(t: ValType): readonly ValType[] {
  const s = SINGLE_TYPES[t];
  if (s !== undefined) return s;
  let m = moreSingles.get(t);
  if (m === undefined) moreSingles.set(t, m = Object.freeze([t]));
  return m;
}

/**
 * A control frame: an open `block`, `loop`, `if` or `else`, or the function
 * body. Frames are pooled by the validator and reused once closed, so hold on
 * to one only until the next instruction that opens a block.
 */
export class ControlFrame {
  /** What opened the frame. */
  kind: FrameKind = FrameKind.block;
  /** The block type's parameter types (the frame's start types). */
  params: readonly ValType[] = NO_TYPES;
  /** The block type's result types (the frame's end types). */
  results: readonly ValType[] = NO_TYPES;
  /** Operand stack height when the frame was entered, below its parameters. */
  height = 0;
  /** True once the rest of the frame is unreachable (after `br`, `return`, ...). */
  unreachable = false;
  /** Byte offset of the instruction that opened the frame. */
  offset = 0;
  /** Height of the validator's stack of locals initialised in open frames, at entry. */
  initHeight = 0;

  /** The types a branch to this frame carries: the params of a loop, else the results. */
  get labelTypes(): readonly ValType[] {
    return this.kind === FrameKind.loop ? this.params : this.results;
  }
}
