/**
 * How much work a call of a function does at the least, read from its
 * register code: what the size-scaled heat of the structured tier weighs a
 * function's calls by (see `Machine.structuredThreshold`).
 *
 * The default policy compiles a function after 200 calls plus 20 per byte of
 * its body, because compiling costs time in proportion to the body's size
 * while a call of a big function may run only a few of its instructions (a
 * dispatcher that branches to one case and returns). A function without loops
 * whose every path runs many instructions is different: each of its calls
 * repays compiling as much as many calls of a small function do. flite's
 * `g72x_update` (1,994 bytes, no loops, at least 88 register instructions a
 * call, 252 on average) was interpreted for 40,080 calls, 10 of the run's 20
 * million interpreted instructions, before its count reached its size.
 *
 * @module
 */

import type { CompiledFunction } from "../compiled_function.ts";
import { branchTargets, instructionWidth, OP } from "../ops.ts";
import { ON_JAVASCRIPTCORE } from "../engine.ts";

/**
 * Register instructions a call is taken to run when its body's size scales
 * its heat: a loop-free function whose every call runs `n` more than this
 * weighs as if its body were this many `n`ths of its size. Twice as many for
 * bodies under {@link JSC_SMALL_BODY_BYTES} on JavaScriptCore, which keeps
 * more memory for each function it compiles (see {@link workPerCall}).
 */
export const WORK_PER_CALL = 8;

/**
 * On JavaScriptCore (Bun), bodies under this size count twice
 * {@link WORK_PER_CALL}; 0 (none) on V8. With 8 for every size the yosys
 * ALU compiled 21 more functions on Bun, most under 1 KB, and its peak RSS
 * rose from ~367 to 375–424 MB; with 16 below 1 KB it compiles 3 more (all
 * straight-line code of 1–4 KB) and takes 364–375 MB (see `bench/HISTORY.md`).
 */
export const JSC_SMALL_BODY_BYTES = ON_JAVASCRIPTCORE ? 1_000 : 0;

/** {@link WORK_PER_CALL} for a body of `bodyBytes`. */
export function workPerCall(bodyBytes: number): number {
  return bodyBytes < JSC_SMALL_BODY_BYTES ? 2 * WORK_PER_CALL : WORK_PER_CALL;
}

/** Ops that end a call: returns, tail calls, throws and traps. */
const ENDS_CALL = new Set([
  OP.return,
  OP.return32,
  OP.return64,
  OP.return_call,
  OP.return_call_indirect,
  OP.throw,
  OP.throw_ref,
  OP.unreachable,
]);

/** Ops that always branch (they never go on to the next instruction). */
const ALWAYS_BRANCHES = new Set([OP.br, OP.br_table, OP.i32_add_imm_br]);

/**
 * The fewest register instructions a call of `code` runs from its entry to
 * an instruction that ends it, or 0 when the code branches backward (it has
 * a loop, and its loops make it hot by themselves). One pass in code order:
 * without backward branches the code is a directed acyclic graph whose edges
 * all point forward, so each instruction's shortest distance is final when
 * the pass reaches it. Calls count as one instruction; an exception handler's
 * code is not reached (pass only functions without handlers).
 */
export function minInstructionsPerCall(code: Int32Array): number {
  const unreached = 0x7fffffff;
  const distance = new Int32Array(code.length + 1).fill(unreached);
  distance[0] = 0;
  let fewest = unreached;
  for (let pc = 0; pc < code.length;) {
    const op = code[pc];
    const width = instructionWidth(code, pc);
    const next = distance[pc] === unreached ? unreached : distance[pc] + 1;
    if (ENDS_CALL.has(op)) {
      if (next < fewest) fewest = next;
    } else {
      for (const target of branchTargets(code, pc)) {
        if (target <= pc) return 0;
        if (next < distance[target]) distance[target] = next;
      }
      if (!ALWAYS_BRANCHES.has(op) && next < distance[pc + width]) distance[pc + width] = next;
    }
    pc += width;
  }
  return fewest === unreached ? 0 : fewest;
}

/**
 * The size (bytes) that scales the structured tier's call count for `cf`, a
 * translated function: its body's size, or less when it has no loops and no
 * exception handlers and every call runs more than {@link workPerCall}
 * register instructions.
 */
export function heatBytes(cf: CompiledFunction): number {
  const work = cf.handlers === null ? minInstructionsPerCall(cf.code) : 0;
  const enough = workPerCall(cf.bodyBytes);
  // `| 0`: an int32 (optimised code may box Math.ceil's result as a double), as every count
  // derived from it must stay: `run` compares them, and JavaScriptCore's code for `run` that had
  // only seen int32s there exited and was compiled again on meeting a double (BadType).
  return work > enough ? Math.ceil(cf.bodyBytes * enough / work) | 0 : cf.bodyBytes;
}
