/**
 * SIMD instructions the structured tier does not write inline run as
 * "kernels": the register-code template of their register op (the same
 * case body the executor and the register-code tier run, see
 * `js_tier/js_ops.ts`) compiled once per op and operand layout over a small
 * scratch register file. The generated code stores the operands' words in
 * the scratch registers, calls the kernel, and reads the result's words
 * back; so every SIMD instruction has exactly the semantics the executor
 * gives it (NaN bits, lane order, traps), with no second implementation.
 *
 * Scratch layout (word offsets, frame base 0): the result at 0-3, operand
 * `i` at `4 + 4 * i` (a v128 takes 4 words, an i64 or f64 2, an i32 or f32
 * one). The scratch is shared by every kernel: they run to completion and
 * never call back into wasm.
 *
 * @module
 */

import { JS_OP_TEMPLATES } from "../js_tier/js_ops.ts";
import { JS_SCOPE } from "../js_tier/scope.ts";
import type { InstanceState, RegisterViews } from "../instances.ts";

const SCRATCH = new ArrayBuffer(64);

/** The scratch registers' words (as `R` of the templates). */
export const SIMD_R: Int32Array = new Int32Array(SCRATCH);

/** The scratch as the templates' register views (`m`). */
const VIEWS: RegisterViews = {
  R: SIMD_R,
  F32: new Float32Array(SCRATCH),
  F64: new Float64Array(SCRATCH),
  refs: [],
  refCallee: null,
};

/** A compiled kernel: runs its instruction on the scratch registers. */
export type SimdKernel = (inst: InstanceState, mem: DataView | null) => void;

const TEMPLATES = new Map<number, string>();
for (const [op, , body] of JS_OP_TEMPLATES) TEMPLATES.set(op, body);

const kernels = new Map<string, SimdKernel>();

/** Whether register op `regOp` has a template a kernel can be made of. */
export function hasSimdKernel(regOp: number): boolean {
  return TEMPLATES.has(regOp);
}

/**
 * The kernel of register op `regOp` with operand words `words` (registers
 * as scratch offsets, then immediates), compiled on first use.
 */
export function simdKernel(regOp: number, words: readonly number[]): SimdKernel {
  const key = `${regOp}:${words.join(",")}`;
  let kernel = kernels.get(key);
  if (kernel === undefined) {
    kernel = compileKernel(regOp, words);
    kernels.set(key, kernel);
  }
  return kernel;
}

function compileKernel(regOp: number, words: readonly number[]): SimdKernel {
  const template = TEMPLATES.get(regOp);
  if (template === undefined) throw new Error(`no template for register op ${regOp}`);
  const code = Int32Array.of(regOp, ...words);
  const body = template.replace(
    /@(\d+|L)/g,
    (_, k: string) => (k === "L" ? "K" : String(code[Number(k)] ?? 0)),
  );
  const names = Object.keys(JS_SCOPE);
  const source = [
    `"use strict";`,
    "const m = VIEWS, R = VIEWS.R, F32 = VIEWS.F32, F64 = VIEWS.F64, refs = VIEWS.refs, b = 0;",
    "return function kernel(inst, mem) {",
    // Some templates hand over to a helper that reads the instruction (`code` at `pc`).
    "let pc = 0;",
    "K: {",
    body,
    "}",
    "};",
  ].join("\n");
  const factory = new Function(...names, "VIEWS", "code", source);
  return factory(...names.map((n) => JS_SCOPE[n]), VIEWS, code) as SimdKernel;
}
