/**
 * Constant hoisting: finds the constants a function uses inside loops, so
 * the translator can give each its own register, written once when the
 * function is entered, instead of writing it again on every iteration.
 *
 * @module
 */

import { Instruction, readInstruction } from "../binary/instruction.ts";
import { Op, OPS } from "../binary/opcodes.ts";
import { ByteReader } from "../binary/reader.ts";
import { ValType } from "../binary/types.ts";
import { LOWERING } from "./op_map.ts";

/** A constant to keep in a register: its value type and bits (as 32-bit words, low first). */
export interface HoistedConstant {
  type: number;
  lo: number;
  /** The high word of an i64 or f64, word 1 of a v128; 0 otherwise. */
  hi: number;
  /** Words 2 and 3 of a v128; 0 otherwise. */
  lo2: number;
  hi2: number;
}

/** The most constants given registers per function. */
const MAX_HOISTED = 32;

/**
 * True when a constant right operand of wasm op `op` becomes an immediate
 * (or, for i32.sub, a negated one) and so needs no register.
 */
function takesImmediate(op: number): boolean {
  const lowering = LOWERING[op];
  return op === I32_SUB || (lowering !== undefined && lowering.immOp >= 0);
}

const I32_SUB = 0x6b;

const scratch = new Instruction();
const next = new Instruction();

/** Adds `c` to `found` unless an equal constant is there already. */
function add(found: HoistedConstant[], c: HoistedConstant): void {
  if (!found.some((f) => sameConstant(f, c))) found.push(c);
}

/** True when two constants have the same type and bits. */
export function sameConstant(a: HoistedConstant, b: HoistedConstant): boolean {
  return a.type === b.type && a.lo === b.lo && a.hi === b.hi && a.lo2 === b.lo2 &&
    a.hi2 === b.hi2;
}

/**
 * Scans a (validated) body for numeric constants inside loops that would
 * have to be materialized, distinct values first-seen first.
 */
export function findHoistableConstants(
  bytes: Uint8Array,
  start: number,
  end: number,
): HoistedConstant[] {
  const found: HoistedConstant[] = [];
  const r = new ByteReader(bytes, start, end);
  // For each open block: 1 if it is a loop. `loops` counts the open loops.
  const isLoop: number[] = [];
  let loops = 0;
  let pending = false;
  while (!r.atEnd() || pending) {
    const ins = pending ? next : scratch;
    if (!pending) readInstruction(r, ins);
    pending = false;
    switch (ins.op) {
      case Op.block:
      case Op.if:
        isLoop.push(0);
        break;
      case Op.loop:
        isLoop.push(1);
        loops++;
        break;
      case Op.end:
        loops -= isLoop.pop() ?? 0;
        break;
      case Op.i32_const:
      case Op.i64_const:
      case Op.f32_const:
      case Op.f64_const: {
        if (loops === 0 || found.length === MAX_HOISTED) break;
        const type = OPS[ins.op]!.results![0];
        const lo = ins.a, hi = type === ValType.i32 || type === ValType.f32 ? 0 : ins.b;
        if ((type === ValType.i32 || type === ValType.i64) && !r.atEnd()) {
          // Peek: a constant feeding an op that takes an immediate needs no register.
          readInstruction(r, next);
          pending = true;
          if (takesImmediate(next.op)) break;
        }
        add(found, { type, lo, hi, lo2: 0, hi2: 0 });
        break;
      }
      case Op.v128_const: {
        if (loops === 0 || found.length === MAX_HOISTED) break;
        const w = new DataView(ins.bytes.buffer, ins.bytes.byteOffset, 16);
        const [lo, hi, lo2, hi2] = [0, 4, 8, 12].map((k) => w.getInt32(k, true));
        add(found, { type: ValType.v128, lo, hi, lo2, hi2 });
        break;
      }
    }
  }
  return found;
}
