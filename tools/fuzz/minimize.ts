/**
 * Shrinks a module that shows a divergence while it still shows it: drops
 * exports, statements and whole bodies, replaces result expressions by
 * constants, empties data and element segments. Every step keeps the module
 * valid (statements are stack-neutral by construction).
 *
 * @module
 */

import type { ModuleIR } from "./module_ir.ts";
import { EXTERNREF, F32, F64, FUNCREF, I32, I64 } from "./op_pools.ts";

/** A zero constant of `type` (v128 as an all-zero v128.const, references null). */
function zero(type: number): number[] {
  switch (type) {
    case I32:
      return [0x41, 0];
    case I64:
      return [0x42, 0];
    case F32:
      return [0x43, 0, 0, 0, 0];
    case F64:
      return [0x44, 0, 0, 0, 0, 0, 0, 0, 0];
    case FUNCREF:
    case EXTERNREF:
      return [0xd0, type];
    default:
      return [0xfd, 0x0c, ...new Array(16).fill(0)];
  }
}

/** Candidate simplifications of `ir`, smallest-first in effect. */
function* candidates(ir: ModuleIR): Generator<ModuleIR> {
  const copy = (): ModuleIR => structuredClone(ir);
  for (let i = 0; i < ir.exports.length; i++) {
    if (ir.exports[i].kind === 2) continue;
    const m = copy();
    m.exports.splice(i, 1);
    if (m.exports.some((e) => e.kind === 0)) yield m;
  }
  for (let f = 0; f < ir.functions.length; f++) {
    const fn = ir.functions[f];
    if (fn.statements.length > 1) {
      const m = copy();
      m.functions[f].statements = [];
      yield m;
    }
    for (let s = fn.statements.length - 1; s >= 0; s--) {
      const m = copy();
      m.functions[f].statements.splice(s, 1);
      yield m;
    }
    const simple = ir.types[fn.type].results.flatMap(zero);
    if (fn.tail.length > simple.length) {
      const m = copy();
      m.functions[f].tail = simple;
      yield m;
    }
  }
  for (let d = 0; d < ir.datas.length; d++) {
    if (ir.datas[d].bytes.length === 0) continue;
    const m = copy();
    m.datas[d].bytes = [];
    yield m;
  }
  for (let e = 0; e < ir.elems.length; e++) {
    if (ir.elems[e].mode === "declarative" || ir.elems[e].funcs.length === 0) continue;
    const m = copy();
    m.elems[e].funcs = [];
    yield m;
  }
}

/** The smallest module found for which `fails` still holds (at most `maxTries` attempts). */
export async function minimizeModule(
  ir: ModuleIR,
  fails: (candidate: ModuleIR) => Promise<boolean>,
  maxTries = 2000,
): Promise<ModuleIR> {
  let tries = 0;
  let progress = true;
  while (progress && tries < maxTries) {
    progress = false;
    for (const candidate of candidates(ir)) {
      if (++tries > maxTries) break;
      if (await fails(candidate)) {
        ir = candidate;
        progress = true;
        break;
      }
    }
  }
  return ir;
}
