/**
 * The JavaScript tier: a hot function's register code, turned into the
 * source of one JavaScript function and compiled by the host's JIT.
 *
 * Each instruction becomes the executor's own `case` body (from
 * `js_ops.ts`, generated from `executor.ts`) with its operands written in as
 * literals, so the JIT sees straight-line code instead of a dispatch per
 * instruction. Branches set `pc` and go back to a `switch` over the
 * function's branch targets; backward ones spend the same budget as the
 * interpreter's, so metering and interruption behave alike.
 *
 * The tier never calls: at a call, a return or `memory.grow` it returns the
 * `pc` of that instruction and `Machine.run` carries on from there (calls
 * still never recurse on the JS stack). It is entered from `run` at function
 * entry, after a call returns and at backward branches.
 *
 * Hosts that forbid `new Function` (a Content-Security-Policy without
 * `unsafe-eval`, some embedded engines) simply keep interpreting.
 *
 * @module
 */

import type { CompiledFunction } from "./compiled_function.ts";
import { JS_EXIT_OPS, JS_OP_TEMPLATES, JS_RARE_TEMPLATE } from "./js_ops.ts";
import { instructionWidth, OP, OP_SPECS } from "./ops.ts";

/**
 * A compiled function: runs from `pc` and returns the `pc` at which `run`
 * must go on (with the budget left in `m.budget`). When it throws, the
 * instruction that threw is in `m.jsPc`.
 */
export type JsCode = (
  m: unknown,
  fn: unknown,
  R: Int32Array,
  F32: Float32Array,
  F64: Float64Array,
  mem: DataView,
  globals: unknown,
  inst: unknown,
  refs: unknown,
  code: Int32Array,
  b: number,
  pc: number,
  budget: number,
) => number;

/**
 * Functions bigger than this (in code words) stay interpreted. A word of
 * register code becomes about 25 bytes of V8 bytecode, and V8 does not
 * optimise functions over 60 KB of it (unoptimised, the generated code is
 * slower than the interpreter).
 */
export const JS_TIER_MAX_WORDS = 2_000;

const BODIES: (string | undefined)[] = [];
const JUMPS: number[] = [];
for (const [op, jumps, body] of JS_OP_TEMPLATES) {
  BODIES[op] = body;
  JUMPS[op] = jumps;
}
const EXITS = new Set(JS_EXIT_OPS);
/** Memory accesses, throws, calls other than `Math`'s (and `if`s, to keep it simple), uses of `pc`. */
const MAY_THROW_OR_READ_PC = /\bmem\.|\bthrow\b|\bpc\b|(?<!Math\.)\b[A-Za-z_$][\w$]*\s*\(/;

let available: boolean | undefined;

/** Whether this host lets us compile code (`new Function` works). */
export function jsTierAvailable(): boolean {
  if (available === undefined) {
    try {
      available = new Function("return 1")() === 1;
    } catch {
      available = false;
    }
  }
  return available;
}

/**
 * Compiles `cf` against the executor's helpers (`scope`: name → value), or
 * returns null when the host forbids it or the function is too big.
 */
export function compileJs(cf: CompiledFunction, scope: Record<string, unknown>): JsCode | null {
  if (cf.code.length > JS_TIER_MAX_WORDS || !jsTierAvailable()) return null;
  const source = jsSource(cf.code);
  const names = Object.keys(scope);
  try {
    const factory = new Function(...names, source);
    return factory(...names.map((n) => scope[n])) as JsCode;
  } catch {
    return null;
  }
}

/** Where `run` may enter: the start, branch targets, and the instruction after each exit. */
function entryPoints(code: Int32Array): Set<number> {
  const entries = new Set<number>([0]);
  for (let pc = 0; pc < code.length;) {
    const op = code[pc];
    const width = instructionWidth(code, pc);
    const kinds = OP_SPECS[op][1];
    for (let k = 0; k < kinds.length; k++) if (kinds[k] === "t") entries.add(code[pc + 1 + k]);
    if (op === OP.br_table) {
      for (let k = 0; k <= code[pc + 2]; k++) entries.add(code[pc + 3 + k]);
    }
    if (EXITS.has(op)) entries.add(pc + width);
    pc += width;
  }
  return entries;
}

/** The source of the factory that returns the compiled function. */
export function jsSource(code: Int32Array): string {
  const entries = entryPoints(code);
  const out: string[] = [
    "return function js(m, fn, R, F32, F64, mem, globals, inst, refs, code, b, pc, budget) {",
    "try {",
    "dispatch: for (;;) {",
    "switch (pc) {",
  ];
  for (let pc = 0; pc < code.length;) {
    const op = code[pc];
    const width = instructionWidth(code, pc);
    if (entries.has(pc)) out.push(`case ${pc}:`);
    if (EXITS.has(op)) {
      out.push(`m.budget = budget; return ${pc};`);
      pc += width;
      continue;
    }
    const template = BODIES[op] ?? JS_RARE_TEMPLATE;
    const jumps = BODIES[op] === undefined ? 1 : JUMPS[op];
    const label = `L${pc}`;
    const body = template.replace(/@(\d+|L)/g, (_, k: string) => {
      if (k === "L") return label;
      const i = Number(k);
      // Cases shared by ops of different widths read the longer ops' operands
      // only on paths the shorter ones never take.
      return i < width ? String(code[pc + i]) : "0";
    });
    // `pc` is kept for the bodies that read it and for those that may throw
    // (the trap's position); the JIT drops the stores that nothing reads.
    const setPc = jumps !== 0 || MAY_THROW_OR_READ_PC.test(template) ? `pc = ${pc}; ` : "";
    const open = template.includes("@L") ? `${label}: {` : "{";
    out.push(setPc + open, body, "}");
    const next = pc + width;
    if (jumps === 2) {
      out.push(
        `if (pc !== ${next}) {`,
        `if (pc <= ${pc} && --budget <= 0) { m.budget = budget; return pc; }`,
        "continue dispatch;",
        "}",
      );
    } else if (jumps === 1) {
      out.push(`if (pc !== ${next}) continue dispatch;`);
    }
    pc = next;
  }
  out.push(
    "default: m.budget = budget; return pc;",
    "}", // switch
    "}", // for
    "} catch (e) { m.jsPc = pc; throw e; }",
    "};",
  );
  return out.join("\n");
}
