/**
 * The f32x4 and f64x2 instructions the structured tier writes on float
 * lanes held as JS numbers (see `simd_facts.ts`, forms `float` and
 * `double`): arithmetic, min/max, sqrt, comparisons and conversions. Their
 * operands are taken as float lanes (from a float result, a load rewritten
 * to read floats, or the words through the scratch), and their results are
 * float lanes again, or words for comparisons and truncations.
 *
 * Only instructions whose NaN results the spec leaves open (any arithmetic
 * NaN) read float lanes: the conversion of a word to a float quiets a
 * signalling NaN. Those that must keep a NaN's bits (abs, neg, copysign,
 * pmin, pmax, moves) work on the words.
 *
 * @module
 */

import type { FloatForm } from "./simd_facts.ts";

/** How one instruction maps float lanes (or words) to its result. */
export interface FloatLaneOp {
  /** The form its vector operands are read in: float lanes, or undefined for words. */
  readonly operands: FloatForm | undefined;
  /** The form of its result: float lanes, or its words. */
  readonly result: FloatForm | "words";
  /**
   * The expression of result lane (or word) `k` from the operands' lanes
   * (or words) `x` and `y`; for f64x2 comparisons, of lane `k`, which fills
   * words 2k and 2k + 1.
   */
  readonly lane: (x: readonly string[], y: readonly string[], k: number) => string;
  /** An f64x2 comparison: each lane's mask fills two words. */
  readonly pairs?: boolean;
}

const f32 = (op: (x: string, y: string) => string): FloatLaneOp => ({
  operands: "float",
  result: "float",
  lane: (x, y, k) => op(x[k], y[k]),
});
const f64 = (op: (x: string, y: string) => string): FloatLaneOp => ({
  operands: "double",
  result: "double",
  lane: (x, y, k) => op(x[k], y[k]),
});
const compare = (form: FloatForm, cmp: string): FloatLaneOp => ({
  operands: form,
  result: "words",
  lane: (x, y, k) => `${x[k]} ${cmp} ${y[k]} ? -1 : 0`,
  pairs: form === "double",
});

/** i32 truncation with saturation of a float lane (NaN → 0). */
const truncSatS = (v: string) =>
  `${v} !== ${v} ? 0 : ${v} >= 2147483647 ? 2147483647 : ${v} <= -2147483648 ? -2147483648 : ${v} | 0`;
const truncSatU = (v: string) =>
  `${v} !== ${v} || ${v} <= 0 ? 0 : ${v} >= 4294967295 ? -1 : ${v} >>> 0 | 0`;

/** The instructions on float lanes, by name. */
export const FLOAT_LANE_OPS: Readonly<Record<string, FloatLaneOp>> = {
  "f32x4.add": f32((x, y) => `Math.fround(${x} + ${y})`),
  "f32x4.sub": f32((x, y) => `Math.fround(${x} - ${y})`),
  "f32x4.mul": f32((x, y) => `Math.fround(${x} * ${y})`),
  "f32x4.div": f32((x, y) => `Math.fround(${x} / ${y})`),
  // Math.min and Math.max order -0 below +0 and return NaN for a NaN operand, as fmin/fmax.
  "f32x4.min": f32((x, y) => `Math.min(${x}, ${y})`),
  "f32x4.max": f32((x, y) => `Math.max(${x}, ${y})`),
  "f32x4.sqrt": f32((x) => `Math.fround(Math.sqrt(${x}))`),
  "f64x2.add": f64((x, y) => `${x} + ${y}`),
  "f64x2.sub": f64((x, y) => `${x} - ${y}`),
  "f64x2.mul": f64((x, y) => `${x} * ${y}`),
  "f64x2.div": f64((x, y) => `${x} / ${y}`),
  "f64x2.min": f64((x, y) => `Math.min(${x}, ${y})`),
  "f64x2.max": f64((x, y) => `Math.max(${x}, ${y})`),
  "f64x2.sqrt": f64((x) => `Math.sqrt(${x})`),
  "f32x4.eq": compare("float", "==="),
  "f32x4.ne": compare("float", "!=="),
  "f32x4.lt": compare("float", "<"),
  "f32x4.gt": compare("float", ">"),
  "f32x4.le": compare("float", "<="),
  "f32x4.ge": compare("float", ">="),
  "f64x2.eq": compare("double", "==="),
  "f64x2.ne": compare("double", "!=="),
  "f64x2.lt": compare("double", "<"),
  "f64x2.gt": compare("double", ">"),
  "f64x2.le": compare("double", "<="),
  "f64x2.ge": compare("double", ">="),
  "f32x4.convert_i32x4_s": {
    operands: undefined,
    result: "float",
    lane: (x, _, k) => `Math.fround(${x[k]})`,
  },
  "f32x4.convert_i32x4_u": {
    operands: undefined,
    result: "float",
    lane: (x, _, k) => `Math.fround(${x[k]} >>> 0)`,
  },
  "f64x2.convert_low_i32x4_s": {
    operands: undefined,
    result: "double",
    lane: (x, _, k) => `${x[k]} | 0`,
  },
  "f64x2.convert_low_i32x4_u": {
    operands: undefined,
    result: "double",
    lane: (x, _, k) => `${x[k]} >>> 0`,
  },
  "i32x4.trunc_sat_f32x4_s": {
    operands: "float",
    result: "words",
    lane: (x, _, k) => truncSatS(x[k]),
  },
  "i32x4.trunc_sat_f32x4_u": {
    operands: "float",
    result: "words",
    lane: (x, _, k) => truncSatU(x[k]),
  },
  "i32x4.trunc_sat_f64x2_s_zero": {
    operands: "double",
    result: "words",
    lane: (x, _, k) => (k < 2 ? truncSatS(x[k]) : "0"),
  },
  "i32x4.trunc_sat_f64x2_u_zero": {
    operands: "double",
    result: "words",
    lane: (x, _, k) => (k < 2 ? truncSatU(x[k]) : "0"),
  },
  "f64x2.promote_low_f32x4": { operands: "float", result: "double", lane: (x, _, k) => x[k] },
  "f32x4.demote_f64x2_zero": {
    operands: "double",
    result: "float",
    lane: (x, _, k) => (k < 2 ? `Math.fround(${x[k]})` : "0"),
  },
};
