/**
 * Shrinks a module that shows a divergence while it still shows it: drops
 * exports, statements and whole bodies, replaces result expressions by
 * constants, empties data and element segments. Every step keeps the module
 * valid (statements are stack-neutral by construction).
 *
 * @module
 */

import { Instruction, opensBlock, readInstruction } from "../../lib/binary/instruction.ts";
import { ByteReader } from "../../lib/binary/reader.ts";
import type { ModuleIR } from "./module_ir.ts";
import { zeroConstant } from "./op_pools.ts";

/** A structured instruction (block, loop, if) of code: its byte range and block type. */
interface Structured {
  start: number;
  end: number;
  isIf: boolean;
  /** The block type immediate: -64 for none, a negative value type, or a type index. */
  blockType: number;
}

/** The structured instructions of `code` (which must be well nested), outermost first. */
function structuredRanges(code: number[]): Structured[] {
  const r = new ByteReader(new Uint8Array(code));
  const open: Structured[] = [];
  const done: Structured[] = [];
  while (r.pos < code.length) {
    const start = r.pos;
    const ins = new Instruction();
    readInstruction(r, ins);
    if (opensBlock(ins.op)) open.push({ start, end: -1, isIf: ins.op === 0x04, blockType: ins.a });
    else if (ins.op === 0x0b && open.length > 0) {
      const s = open.pop()!;
      s.end = r.pos;
      done.push(s);
    }
  }
  return done.sort((a, b) => a.start - b.start);
}

/**
 * Code without one structured instruction, as valid as before: a block
 * without results goes (an if leaves a drop for its condition), one with a
 * single result becomes a constant of that type.
 */
function* withoutStructured(code: number[]): Generator<number[]> {
  for (const s of structuredRanges(code)) {
    let replacement: number[];
    if (s.blockType === -64) replacement = [];
    else if (s.blockType < 0) replacement = zeroConstant(s.blockType & 0x7f);
    else continue; // Type-indexed blocks (parameters, several results): left alone.
    if (s.isIf) replacement = [0x1a, ...replacement];
    yield [...code.slice(0, s.start), ...replacement, ...code.slice(s.end)];
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
    for (let s = 0; s < fn.statements.length; s++) {
      for (const smaller of withoutStructured(fn.statements[s])) {
        const m = copy();
        m.functions[f].statements[s] = smaller;
        yield m;
      }
    }
    for (const smaller of withoutStructured(fn.tail)) {
      const m = copy();
      m.functions[f].tail = smaller;
      yield m;
    }
    const simple = ir.types[fn.type].results.flatMap(zeroConstant);
    if (fn.tail.length > simple.length) {
      const m = copy();
      m.functions[f].tail = simple;
      yield m;
    }
  }
  if (ir.start !== undefined) {
    const m = copy();
    delete m.start;
    yield m;
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
