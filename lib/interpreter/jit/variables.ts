/**
 * The names of the generated code's variables (see `codegen.ts`): a value
 * on the operand stack or in a local is one JavaScript variable per word,
 * an i64 two (`v` its low word, `h` its high word), a v128 four (`x3_0`..
 * `x3_3`, in memory order).
 *
 * @module
 */

import type { ValType } from "../../binary/types.ts";
import type { Value } from "./numeric_ops.ts";

const I64 = 0x7e, V128 = 0x7b;

/** No value (the result of an instruction that has none). */
export const NO_VALUE: Value = { v: "", h: "" };

/** How many JS-level words (arguments) a value of type `t` takes: an i64 2, a v128 4. */
export function jsWords(t: ValType): number {
  return t === I64 ? 2 : t === V128 ? 4 : 1;
}

/** The JS-level words of a value of type `t` held in `v` (see the calling convention). */
export function wordsOf(t: ValType, v: Value): string[] {
  return t === I64 ? [v.v, v.h] : t === V128 ? lanes(v) : [v.v];
}

/** The variables of a v128's four words (lane bytes 0-3, 4-7, 8-11, 12-15). */
export function lanes(v: Value): string[] {
  return [`${v.v}_0`, `${v.v}_1`, `${v.v}_2`, `${v.v}_3`];
}

/** What a branch on `c` (an i32) tests. */
export function condition(c: Value): string {
  return c.bool ?? `${c.v} !== 0`;
}

/** The variables of local `i`. */
export function local(i: number): Value {
  return { v: `l${i}`, h: `m${i}` };
}
