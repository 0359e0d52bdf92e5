/**
 * The instructions neither the executor's hot `switch` nor its cold ops
 * (`cold_ops.ts`, which hands them here) run: trapping and saturating
 * float-to-int conversions, i64-to-float conversions, references, tables,
 * bulk memory and atomics; anything else goes on to the SIMD executor
 * (`simd.ts`). Keeping them here keeps the hot function small enough for V8
 * to optimise.
 *
 * @module
 */

import { RuntimeError } from "../../errors.ts";
import type { FunctionInstance, InstanceState, RegisterViews } from "../instances.ts";
import { executeSimd } from "../simd/simd.ts";
import { executeGc, FIRST_GC_OP } from "./gc_ops.ts";
import { executeAtomic } from "./atomic_ops.ts";
import { OP } from "../ops.ts";
import { executeOtherMemoryOp } from "./other_memories.ts";
import {
  f32ConvertI32U,
  f32ConvertI64S,
  f32ConvertI64U,
  f64ConvertI64S,
  f64ConvertI64U,
  i32TruncS,
  i32TruncSatS,
  i32TruncSatU,
  i32TruncU,
  i64TruncS,
  i64TruncSatS,
  i64TruncSatU,
  i64TruncU,
} from "../numeric/convert.ts";

function outOfBoundsTable(): never {
  throw new RuntimeError("out of bounds table access");
}

function outOfBoundsMemory(): never {
  throw new RuntimeError("out of bounds memory access");
}

/** Runs the instruction at `pc` and returns the position of the next one. */
export function executeRare(
  m: RegisterViews,
  inst: InstanceState,
  code: Int32Array,
  pc: number,
  b: number,
): number {
  const R = m.R, F32 = m.F32, F64 = m.F64, refs = m.refs;
  switch (code[pc]) {
    case 189 /* i32_trunc_f32_s */:
      R[b + code[pc + 1]] = i32TruncS(F32[b + code[pc + 2]]);
      return pc + 3;
    case 190 /* i32_trunc_f32_u */:
      R[b + code[pc + 1]] = i32TruncU(F32[b + code[pc + 2]]);
      return pc + 3;
    case 191 /* i32_trunc_f64_s */:
      R[b + code[pc + 1]] = i32TruncS(F64[(b + code[pc + 2]) >> 1]);
      return pc + 3;
    case 192 /* i32_trunc_f64_u */:
      R[b + code[pc + 1]] = i32TruncU(F64[(b + code[pc + 2]) >> 1]);
      return pc + 3;
    case 195 /* i64_trunc_f32_s */:
      i64TruncS(R, b + code[pc + 1], F32[b + code[pc + 2]]);
      return pc + 3;
    case 196 /* i64_trunc_f32_u */:
      i64TruncU(R, b + code[pc + 1], F32[b + code[pc + 2]]);
      return pc + 3;
    case 197 /* i64_trunc_f64_s */:
      i64TruncS(R, b + code[pc + 1], F64[(b + code[pc + 2]) >> 1]);
      return pc + 3;
    case 198 /* i64_trunc_f64_u */:
      i64TruncU(R, b + code[pc + 1], F64[(b + code[pc + 2]) >> 1]);
      return pc + 3;
    case 209 /* i32_trunc_sat_f32_s */:
      R[b + code[pc + 1]] = i32TruncSatS(F32[b + code[pc + 2]]);
      return pc + 3;
    case 210 /* i32_trunc_sat_f32_u */:
      R[b + code[pc + 1]] = i32TruncSatU(F32[b + code[pc + 2]]);
      return pc + 3;
    case 211 /* i32_trunc_sat_f64_s */:
      R[b + code[pc + 1]] = i32TruncSatS(F64[(b + code[pc + 2]) >> 1]);
      return pc + 3;
    case 212 /* i32_trunc_sat_f64_u */:
      R[b + code[pc + 1]] = i32TruncSatU(F64[(b + code[pc + 2]) >> 1]);
      return pc + 3;
    case 213 /* i64_trunc_sat_f32_s */:
      i64TruncSatS(R, b + code[pc + 1], F32[b + code[pc + 2]]);
      return pc + 3;
    case 214 /* i64_trunc_sat_f32_u */:
      i64TruncSatU(R, b + code[pc + 1], F32[b + code[pc + 2]]);
      return pc + 3;
    case 215 /* i64_trunc_sat_f64_s */:
      i64TruncSatS(R, b + code[pc + 1], F64[(b + code[pc + 2]) >> 1]);
      return pc + 3;
    case 216 /* i64_trunc_sat_f64_u */:
      i64TruncSatU(R, b + code[pc + 1], F64[(b + code[pc + 2]) >> 1]);
      return pc + 3;
    case 200 /* f32_convert_i32_u */:
      F32[b + code[pc + 1]] = f32ConvertI32U(R[b + code[pc + 2]]);
      return pc + 3;
    case 201 /* f32_convert_i64_s */:
      F32[b + code[pc + 1]] = f32ConvertI64S(R, b + code[pc + 2]);
      return pc + 3;
    case 202 /* f32_convert_i64_u */:
      F32[b + code[pc + 1]] = f32ConvertI64U(R, b + code[pc + 2]);
      return pc + 3;
    case 206 /* f64_convert_i64_s */:
      F64[(b + code[pc + 1]) >> 1] = f64ConvertI64S(R, b + code[pc + 2]);
      return pc + 3;
    case 207 /* f64_convert_i64_u */:
      F64[(b + code[pc + 1]) >> 1] = f64ConvertI64U(R, b + code[pc + 2]);
      return pc + 3;

    // References.
    case 217 /* ref_null */:
      refs[(b + code[pc + 1]) >> 1] = null;
      return pc + 2;
    case 218 /* ref_func */:
      refs[(b + code[pc + 1]) >> 1] = inst.functions[code[pc + 2]];
      return pc + 3;
    case 219 /* ref_is_null */:
      R[b + code[pc + 1]] = refs[(b + code[pc + 2]) >> 1] === null ? 1 : 0;
      return pc + 3;

    // Tables.
    case 220 /* table_get */: {
      const elements = inst.tables[code[pc + 3]].elements;
      const i = R[b + code[pc + 2]] >>> 0;
      if (i >= elements.length) outOfBoundsTable();
      refs[(b + code[pc + 1]) >> 1] = elements[i];
      return pc + 4;
    }
    case 221 /* table_set */: {
      const elements = inst.tables[code[pc + 3]].elements;
      const i = R[b + code[pc + 1]] >>> 0;
      if (i >= elements.length) outOfBoundsTable();
      elements[i] = refs[(b + code[pc + 2]) >> 1];
      return pc + 4;
    }
    case 222 /* table_size */:
      R[b + code[pc + 1]] = inst.tables[code[pc + 2]].elements.length;
      return pc + 3;
    case 223 /* table_grow */: {
      const table = inst.tables[code[pc + 4]];
      const init = refs[(b + code[pc + 2]) >> 1];
      R[b + code[pc + 1]] = table.grow(R[b + code[pc + 3]] >>> 0, init);
      return pc + 5;
    }
    case 224 /* table_fill */: {
      const elements = inst.tables[code[pc + 4]].elements;
      const start = R[b + code[pc + 1]] >>> 0;
      const value = refs[(b + code[pc + 2]) >> 1];
      const n = R[b + code[pc + 3]] >>> 0;
      if (start + n > elements.length) outOfBoundsTable();
      for (let i = 0; i < n; i++) elements[start + i] = value;
      return pc + 5;
    }
    case 225 /* table_copy */: {
      const dst = inst.tables[code[pc + 4]].elements;
      const src = inst.tables[code[pc + 5]].elements;
      const d = R[b + code[pc + 1]] >>> 0;
      const s = R[b + code[pc + 2]] >>> 0;
      const n = R[b + code[pc + 3]] >>> 0;
      if (s + n > src.length || d + n > dst.length) outOfBoundsTable();
      copyWithin(dst, d, src, s, n);
      return pc + 6;
    }
    case 226 /* table_init */: {
      const dst = inst.tables[code[pc + 4]].elements;
      const src = inst.elements[code[pc + 5]];
      const d = R[b + code[pc + 1]] >>> 0;
      const s = R[b + code[pc + 2]] >>> 0;
      const n = R[b + code[pc + 3]] >>> 0;
      if (s + n > src.length || d + n > dst.length) outOfBoundsTable();
      for (let i = 0; i < n; i++) dst[d + i] = src[s + i];
      return pc + 6;
    }
    case 227 /* elem_drop */:
      inst.elements[code[pc + 1]] = [];
      return pc + 2;

    // Bulk memory.
    case 228 /* memory_init */: {
      const memory = inst.memories[0];
      const data = inst.data[code[pc + 4]];
      const d = R[b + code[pc + 1]] >>> 0;
      const s = R[b + code[pc + 2]] >>> 0;
      const n = R[b + code[pc + 3]] >>> 0;
      if (s + n > data.length || d + n > memory.byteLength) outOfBoundsMemory();
      memory.bytes.set(data.subarray(s, s + n), d);
      return pc + 5;
    }
    case 229 /* data_drop */:
      inst.data[code[pc + 1]] = EMPTY_BYTES;
      return pc + 2;
    case 230 /* memory_copy */: {
      const memory = inst.memories[0];
      const d = R[b + code[pc + 1]] >>> 0;
      const s = R[b + code[pc + 2]] >>> 0;
      const n = R[b + code[pc + 3]] >>> 0;
      if (s + n > memory.byteLength || d + n > memory.byteLength) outOfBoundsMemory();
      memory.bytes.copyWithin(d, s, s + n);
      return pc + 4;
    }
    case 231 /* memory_fill */: {
      const memory = inst.memories[0];
      const d = R[b + code[pc + 1]] >>> 0;
      const value = R[b + code[pc + 2]] & 0xff;
      const n = R[b + code[pc + 3]] >>> 0;
      if (d + n > memory.byteLength) outOfBoundsMemory();
      memory.bytes.fill(value, d, d + n);
      return pc + 4;
    }
    case 366 /* atomic */:
      return executeAtomic(R, inst, code, pc, b);
    case 232 /* unsupported */:
      throw new RuntimeError("SIMD instructions are not supported by the interpreter yet");
  }
  const op = code[pc];
  if (op >= OP.mem_addr64 && op <= OP.memx_init) return executeOtherMemoryOp(R, inst, code, pc, b);
  if (op >= FIRST_GC_OP) return executeGc(m, inst, code, pc, b);
  return executeSimd(m, inst, code, pc, b);
}

const EMPTY_BYTES = new Uint8Array(0);

/** Copies `n` entries between (possibly the same) arrays, correct for overlaps. */
function copyWithin(dst: unknown[], d: number, src: unknown[], s: number, n: number): void {
  if (dst === src && d > s) {
    for (let i = n - 1; i >= 0; i--) dst[d + i] = src[s + i];
  } else {
    for (let i = 0; i < n; i++) dst[d + i] = src[s + i];
  }
}

/** Keeps the import used for documentation links in type positions. */
export type { FunctionInstance };
