/**
 * The instructions real programs seldom run, out of the interpreter loop
 * (`run` in `executor.ts`), which hands them here from its `default`.
 *
 * Why: both engines compile `run` in time that grows with its size, on a
 * compiler thread that the rest of a short program waits for (V8's TurboFan
 * took 140–280 ms over it, and until then `run` is Maglev code 3× slower;
 * see `bench/HISTORY.md`). Each op here was under 0.01% of the interpreted
 * instructions in every one of thirteen measured workloads (the five
 * `bench:programs` programs run tiered, the eight bench kernels interpreting
 * only), so the call out costs those programs nothing measurable; taking
 * them out cut `run` from 42,940 to 34,022 bytes of V8 bytecode.
 *
 * Seldom-run ops stay in `run` when a setting makes them hot: fuel
 * metering's `consume_fuel`, the deterministic profile's canonicalisation,
 * memory64's addresses and i64 globals (its stack pointer). So do those
 * written out in `run` for JavaScriptCore, whose DFG inlines no helper into
 * it: the i64 compares, shifts and subtraction and the i32 rotations (from
 * here, an interpreted loop of them took 60–66 instead of 41 ns an
 * iteration on Bun).
 *
 * `tools/op_counts.ts` counts the ops a program runs and, over several
 * programs' counts, lists the ops on the wrong side of this split.
 *
 * The cases are written as in `run` (`break` goes on to the next
 * instruction), so that `tools/gen_js_ops.ts` takes them as the
 * register-code tier's templates too. Anything else goes on to
 * `executeRare`.
 *
 * @module
 */

import { RuntimeError } from "../../errors.ts";
import { type InstanceState, memoryView, type RegisterViews } from "../instances.ts";
import { executeRare } from "./rare_ops.ts";
import { ctz32, popcnt32 } from "../numeric/i32.ts";
import {
  clz64,
  ctz64,
  divS64,
  divU64,
  extend16_64,
  extend32_64,
  extend8_64,
  popcnt64,
  remS64,
  remU64,
  rotl64,
  rotr64,
} from "../numeric/i64.ts";
import {
  f32Copysign,
  f32Neg,
  f64Copysign,
  f64Neg,
  fceil,
  ffloor,
  fmax,
  fmin,
  fnearest,
  ftrunc,
} from "../numeric/float.ts";

/** The sign bit that unsigned comparisons flip (as in `run`, a constant of the module). */
const SIGN = 0x80000000;

/** Runs the instruction at `pc` and returns the position of the next one. */
export function executeCold(
  m: RegisterViews,
  inst: InstanceState,
  code: Int32Array,
  pc: number,
  b: number,
): number {
  const R = m.R, F32 = m.F32, F64 = m.F64, refs = m.refs;
  const mem = memoryView(inst), globals = inst.globals;
  switch (code[pc]) {
    case 0 /* unreachable */:
      throw new RuntimeError("unreachable");
    case 13 /* movref */:
      refs[(b + code[pc + 1]) >> 1] = refs[(b + code[pc + 2]) >> 1];
      pc += 3;
      break;
    case 16 /* const128 */: {
      const d = b + code[pc + 1];
      R[d] = code[pc + 2];
      R[d + 1] = code[pc + 3];
      R[d + 2] = code[pc + 4];
      R[d + 3] = code[pc + 5];
      pc += 6;
      break;
    }
    case 19 /* select128 */: {
      const s = b + (R[b + code[pc + 4]] !== 0 ? code[pc + 2] : code[pc + 3]);
      const d = b + code[pc + 1];
      if (s !== d) {
        R[d] = R[s];
        R[d + 1] = R[s + 1];
        R[d + 2] = R[s + 2];
        R[d + 3] = R[s + 3];
      }
      pc += 5;
      break;
    }
    case 20 /* selectref */: {
      const s = b + (R[b + code[pc + 4]] !== 0 ? code[pc + 2] : code[pc + 3]);
      refs[(b + code[pc + 1]) >> 1] = refs[s >> 1];
      pc += 5;
      break;
    }
    case 23 /* global_get128 */: {
      const g = globals[code[pc + 2]].bits, d = b + code[pc + 1];
      R[d] = g[0];
      R[d + 1] = g[1];
      R[d + 2] = g[2];
      R[d + 3] = g[3];
      pc += 3;
      break;
    }
    case 24 /* global_getref */:
      refs[(b + code[pc + 1]) >> 1] = globals[code[pc + 2]].ref;
      pc += 3;
      break;
    case 27 /* global_set128 */: {
      const g = globals[code[pc + 1]].bits, s = b + code[pc + 2];
      g[0] = R[s];
      g[1] = R[s + 1];
      g[2] = R[s + 2];
      g[3] = R[s + 3];
      pc += 3;
      break;
    }
    case 28 /* global_setref */:
      globals[code[pc + 1]].ref = refs[(b + code[pc + 2]) >> 1];
      pc += 3;
      break;

    // Memory. Effective addresses are computed as JS numbers (no wrap);
    // DataView's own RangeError is the bounds check.
    case 36 /* load8_u_64 */: {
      const v = mem.getUint8((R[b + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0));
      const d = b + code[pc + 1];
      R[d] = v;
      R[d + 1] = 0;
      pc += 4;
      break;
    }
    case 37 /* load16_s_64 */: {
      const v = mem.getInt16((R[b + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0), true);
      const d = b + code[pc + 1];
      R[d] = v;
      R[d + 1] = v >> 31;
      pc += 4;
      break;
    }
    case 38 /* load16_u_64 */: {
      const v = mem.getUint16((R[b + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0), true);
      const d = b + code[pc + 1];
      R[d] = v;
      R[d + 1] = 0;
      pc += 4;
      break;
    }
    case 39 /* load32_s_64 */: {
      const v = mem.getInt32((R[b + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0), true);
      const d = b + code[pc + 1];
      R[d] = v;
      R[d + 1] = v >> 31;
      pc += 4;
      break;
    }
    case 40 /* load32_u_64 */: {
      const v = mem.getInt32((R[b + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0), true);
      const d = b + code[pc + 1];
      R[d] = v;
      R[d + 1] = 0;
      pc += 4;
      break;
    }
    case 45 /* memory_size */:
      R[b + code[pc + 1]] = inst.memories[0].pages;
      pc += 2;
      break;
    case 52 /* i32_rem_s */: {
      const y = R[b + code[pc + 3]];
      if (y === 0) throw new RuntimeError("integer divide by zero");
      R[b + code[pc + 1]] = (R[b + code[pc + 2]] % y) | 0;
      pc += 4;
      break;
    }
    case 72 /* i32_ctz */:
      R[b + code[pc + 1]] = ctz32(R[b + code[pc + 2]]);
      pc += 3;
      break;
    case 73 /* i32_popcnt */:
      R[b + code[pc + 1]] = popcnt32(R[b + code[pc + 2]]);
      pc += 3;
      break;
    case 82 /* i32_le_s */:
      R[b + code[pc + 1]] = R[b + code[pc + 2]] <= R[b + code[pc + 3]] ? 1 : 0;
      pc += 4;
      break;
    case 84 /* i32_ge_s */:
      R[b + code[pc + 1]] = R[b + code[pc + 2]] >= R[b + code[pc + 3]] ? 1 : 0;
      pc += 4;
      break;
    case 85 /* i32_ge_u */:
      R[b + code[pc + 1]] = (R[b + code[pc + 2]] ^ SIGN) >= (R[b + code[pc + 3]] ^ SIGN) ? 1 : 0;
      pc += 4;
      break;
    case 92 /* i32_le_s_imm */:
      R[b + code[pc + 1]] = R[b + code[pc + 2]] <= code[pc + 3] ? 1 : 0;
      pc += 4;
      break;
    case 93 /* i32_le_u_imm */:
      R[b + code[pc + 1]] = (R[b + code[pc + 2]] ^ SIGN) <= (code[pc + 3] ^ SIGN) ? 1 : 0;
      pc += 4;
      break;
    case 94 /* i32_ge_s_imm */:
      R[b + code[pc + 1]] = R[b + code[pc + 2]] >= code[pc + 3] ? 1 : 0;
      pc += 4;
      break;
    case 95 /* i32_ge_u_imm */:
      R[b + code[pc + 1]] = (R[b + code[pc + 2]] ^ SIGN) >= (code[pc + 3] ^ SIGN) ? 1 : 0;
      pc += 4;
      break;

    // Fused compare and branch.
    case 119 /* i64_div_s */:
      divS64(R, b + code[pc + 1], b + code[pc + 2], b + code[pc + 3]);
      pc += 4;
      break;
    case 120 /* i64_div_u */:
      divU64(R, b + code[pc + 1], b + code[pc + 2], b + code[pc + 3]);
      pc += 4;
      break;
    case 121 /* i64_rem_s */:
      remS64(R, b + code[pc + 1], b + code[pc + 2], b + code[pc + 3]);
      pc += 4;
      break;
    case 122 /* i64_rem_u */:
      remU64(R, b + code[pc + 1], b + code[pc + 2], b + code[pc + 3]);
      pc += 4;
      break;
    case 124 /* i64_or */: {
      const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
      const lo = R[x] | R[y], hi = R[x + 1] | R[y + 1];
      R[d] = lo;
      R[d + 1] = hi;
      pc += 4;
      break;
    }
    case 129 /* i64_rotl */:
      rotl64(R, b + code[pc + 1], b + code[pc + 2], b + code[pc + 3]);
      pc += 4;
      break;
    case 130 /* i64_rotr */:
      rotr64(R, b + code[pc + 1], b + code[pc + 2], b + code[pc + 3]);
      pc += 4;
      break;
    case 132 /* i64_clz */:
      clz64(R, b + code[pc + 1], b + code[pc + 2]);
      pc += 3;
      break;
    case 133 /* i64_ctz */:
      ctz64(R, b + code[pc + 1], b + code[pc + 2]);
      pc += 3;
      break;
    case 134 /* i64_popcnt */:
      popcnt64(R, b + code[pc + 1], b + code[pc + 2]);
      pc += 3;
      break;
    case 135 /* i64_extend8_s */:
      extend8_64(R, b + code[pc + 1], b + code[pc + 2]);
      pc += 3;
      break;
    case 136 /* i64_extend16_s */:
      extend16_64(R, b + code[pc + 1], b + code[pc + 2]);
      pc += 3;
      break;
    case 137 /* i64_extend32_s */:
      extend32_64(R, b + code[pc + 1], b + code[pc + 2]);
      pc += 3;
      break;
    case 152 /* f32_min */:
      F32[b + code[pc + 1]] = fmin(F32[b + code[pc + 2]], F32[b + code[pc + 3]]);
      pc += 4;
      break;
    case 153 /* f32_max */:
      F32[b + code[pc + 1]] = fmax(F32[b + code[pc + 2]], F32[b + code[pc + 3]]);
      pc += 4;
      break;
    case 154 /* f32_copysign */:
      f32Copysign(R, b + code[pc + 1], b + code[pc + 2], b + code[pc + 3]);
      pc += 4;
      break;
    case 156 /* f32_neg */:
      f32Neg(R, b + code[pc + 1], b + code[pc + 2]);
      pc += 3;
      break;
    case 157 /* f32_ceil */:
      F32[b + code[pc + 1]] = fceil(F32[b + code[pc + 2]]);
      pc += 3;
      break;
    case 158 /* f32_floor */:
      F32[b + code[pc + 1]] = ffloor(F32[b + code[pc + 2]]);
      pc += 3;
      break;
    case 159 /* f32_trunc */:
      F32[b + code[pc + 1]] = ftrunc(F32[b + code[pc + 2]]);
      pc += 3;
      break;
    case 160 /* f32_nearest */:
      F32[b + code[pc + 1]] = fnearest(F32[b + code[pc + 2]]);
      pc += 3;
      break;
    case 161 /* f32_sqrt */:
      F32[b + code[pc + 1]] = Math.sqrt(F32[b + code[pc + 2]]);
      pc += 3;
      break;
    case 162 /* f32_eq */:
      R[b + code[pc + 1]] = F32[b + code[pc + 2]] === F32[b + code[pc + 3]] ? 1 : 0;
      pc += 4;
      break;
    case 163 /* f32_ne */:
      R[b + code[pc + 1]] = F32[b + code[pc + 2]] !== F32[b + code[pc + 3]] ? 1 : 0;
      pc += 4;
      break;
    case 166 /* f32_le */:
      R[b + code[pc + 1]] = F32[b + code[pc + 2]] <= F32[b + code[pc + 3]] ? 1 : 0;
      pc += 4;
      break;
    case 167 /* f32_ge */:
      R[b + code[pc + 1]] = F32[b + code[pc + 2]] >= F32[b + code[pc + 3]] ? 1 : 0;
      pc += 4;
      break;

    // f64.
    case 172 /* f64_min */:
      F64[(b + code[pc + 1]) >> 1] = fmin(
        F64[(b + code[pc + 2]) >> 1],
        F64[(b + code[pc + 3]) >> 1],
      );
      pc += 4;
      break;
    case 173 /* f64_max */:
      F64[(b + code[pc + 1]) >> 1] = fmax(
        F64[(b + code[pc + 2]) >> 1],
        F64[(b + code[pc + 3]) >> 1],
      );
      pc += 4;
      break;
    case 174 /* f64_copysign */:
      f64Copysign(R, b + code[pc + 1], b + code[pc + 2], b + code[pc + 3]);
      pc += 4;
      break;
    case 176 /* f64_neg */:
      f64Neg(R, b + code[pc + 1], b + code[pc + 2]);
      pc += 3;
      break;
    case 177 /* f64_ceil */:
      F64[(b + code[pc + 1]) >> 1] = fceil(F64[(b + code[pc + 2]) >> 1]);
      pc += 3;
      break;
    case 178 /* f64_floor */:
      F64[(b + code[pc + 1]) >> 1] = ffloor(F64[(b + code[pc + 2]) >> 1]);
      pc += 3;
      break;
    case 179 /* f64_trunc */:
      F64[(b + code[pc + 1]) >> 1] = ftrunc(F64[(b + code[pc + 2]) >> 1]);
      pc += 3;
      break;
    case 180 /* f64_nearest */:
      F64[(b + code[pc + 1]) >> 1] = fnearest(F64[(b + code[pc + 2]) >> 1]);
      pc += 3;
      break;
    case 181 /* f64_sqrt */:
      F64[(b + code[pc + 1]) >> 1] = Math.sqrt(F64[(b + code[pc + 2]) >> 1]);
      pc += 3;
      break;
    case 182 /* f64_eq */:
      R[b + code[pc + 1]] = F64[(b + code[pc + 2]) >> 1] === F64[(b + code[pc + 3]) >> 1] ? 1 : 0;
      pc += 4;
      break;
    case 183 /* f64_ne */:
      R[b + code[pc + 1]] = F64[(b + code[pc + 2]) >> 1] !== F64[(b + code[pc + 3]) >> 1] ? 1 : 0;
      pc += 4;
      break;
    case 185 /* f64_gt */:
      R[b + code[pc + 1]] = F64[(b + code[pc + 2]) >> 1] > F64[(b + code[pc + 3]) >> 1] ? 1 : 0;
      pc += 4;
      break;
    case 186 /* f64_le */:
      R[b + code[pc + 1]] = F64[(b + code[pc + 2]) >> 1] <= F64[(b + code[pc + 3]) >> 1] ? 1 : 0;
      pc += 4;
      break;
    case 187 /* f64_ge */:
      R[b + code[pc + 1]] = F64[(b + code[pc + 2]) >> 1] >= F64[(b + code[pc + 3]) >> 1] ? 1 : 0;
      pc += 4;
      break;

    // Frequent conversions; the rest are in rare_ops.ts.
    case 264 /* store64_aa */: {
      const ea = ((R[b + code[pc + 1]] + R[b + code[pc + 3]]) >>> 0) + (code[pc + 4] >>> 0);
      const s = b + code[pc + 2];
      mem.setInt32(ea + 4, R[s + 1], true);
      mem.setInt32(ea, R[s], true);
      pc += 5;
      break;
    }
    case 345 /* f64_mul_load */:
      F64[(b + code[pc + 1]) >> 1] = F64[(b + code[pc + 2]) >> 1] *
        mem.getFloat64(
          ((R[b + code[pc + 3]] + code[pc + 4]) >>> 0) + (code[pc + 5] >>> 0),
          true,
        );
      pc += 6;
      break;
    case 280 /* i32x4_mul */: {
      const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
      R[d] = Math.imul(R[x], R[y]);
      R[d + 1] = Math.imul(R[x + 1], R[y + 1]);
      R[d + 2] = Math.imul(R[x + 2], R[y + 2]);
      R[d + 3] = Math.imul(R[x + 3], R[y + 3]);
      pc += 4;
      break;
    }
    // f32 lanes: one rounding of the double result is exact, as for f32.add and friends.

    default:
      return executeRare(m, inst, code, pc, b);
  }
  return pc;
}
