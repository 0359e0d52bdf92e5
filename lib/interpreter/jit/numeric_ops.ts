/**
 * The JavaScript the structured tier writes for each fixed-signature
 * numeric instruction (and the memory loads and stores), as templates over
 * the names of the variables that hold the operands and the result.
 *
 * A value's variables ({@link Value}): `v` is the i32, f32 or f64 variable,
 * or an i64's low word; `h` is an i64's high word. Helpers are reached as
 * `H.name` (see `runtime_helpers.ts`); `W.hi` is where a helper leaves the
 * high word of an i64 result. Templates read every operand before they
 * write the result, so the result may share a variable with an operand.
 *
 * @module
 */

/** The JavaScript variables holding one value (or, for a deferred value, its expression). */
export interface Value {
  v: string;
  h: string;
  /** For a deferred comparison: the boolean expression (`v` is its 0/1 form). */
  bool?: string;
  /**
   * For a deferred expression: the variables it reads. Without it, `v` and
   * `h` are variables (or constants) themselves.
   */
  reads?: readonly string[];
}

/** The variables that `x`'s word `k` reads (see {@link Value.reads}). */
function readsOf(x: Value, k: "v" | "h"): readonly string[] {
  if (x.reads !== undefined) return k === "v" ? x.reads : NO_READS;
  const name = x[k];
  // Stack (a, b, f, d) and local (l, m) variables; v128 lanes never feed a pure form.
  return isVariable(name) ? [name] : NO_READS;
}

/** True when `name` is a letter a, b, d, f, l or m and digits. */
function isVariable(name: string): boolean {
  const c = name.charCodeAt(0);
  if (c !== 97 && c !== 98 && c !== 100 && c !== 102 && c !== 108 && c !== 109) return false;
  if (name.length < 2) return false;
  for (let i = 1; i < name.length; i++) {
    const d = name.charCodeAt(i);
    if (d < 48 || d > 57) return false;
  }
  return true;
}

const NO_READS: readonly string[] = [];

/** One instruction's code: operands (bottom first), result (if any), immediate. */
export type Template = (x: Value[], r: Value, imm: number) => string;

/** A template and whether the instruction may trap (the tier then records its offset first). */
export interface OpCode {
  traps: boolean;
  code: Template;
}

const T: Record<string, OpCode> = {};

function def(names: string, traps: boolean, code: Template): void {
  for (const name of names.split(" ")) T[name] = { traps, code };
}

const bool = (e: string) => `(${e}) ? 1 : 0`;

/** The value of an i32 operand that is a constant (`12`, or `(-12)` when negative), else null. */
function i32Constant(v: string): number | null {
  const m = /^\(?(-?\d+)\)?$/.exec(v);
  return m === null ? null : Number(m[1]);
}

// i32.
def("i32.eqz", false, ([a], r) => `${r.v} = ${bool(`${a.v} === 0`)};`);
def("i32.eq", false, ([a, b], r) => `${r.v} = ${bool(`${a.v} === ${b.v}`)};`);
def("i32.ne", false, ([a, b], r) => `${r.v} = ${bool(`${a.v} !== ${b.v}`)};`);
def("i32.lt_s", false, ([a, b], r) => `${r.v} = ${bool(`${a.v} < ${b.v}`)};`);
def("i32.lt_u", false, ([a, b], r) => `${r.v} = ${bool(`(${a.v} >>> 0) < (${b.v} >>> 0)`)};`);
def("i32.gt_s", false, ([a, b], r) => `${r.v} = ${bool(`${a.v} > ${b.v}`)};`);
def("i32.gt_u", false, ([a, b], r) => `${r.v} = ${bool(`(${a.v} >>> 0) > (${b.v} >>> 0)`)};`);
def("i32.le_s", false, ([a, b], r) => `${r.v} = ${bool(`${a.v} <= ${b.v}`)};`);
def("i32.le_u", false, ([a, b], r) => `${r.v} = ${bool(`(${a.v} >>> 0) <= (${b.v} >>> 0)`)};`);
def("i32.ge_s", false, ([a, b], r) => `${r.v} = ${bool(`${a.v} >= ${b.v}`)};`);
def("i32.ge_u", false, ([a, b], r) => `${r.v} = ${bool(`(${a.v} >>> 0) >= (${b.v} >>> 0)`)};`);
def("i32.clz", false, ([a], r) => `${r.v} = Math.clz32(${a.v});`);
def("i32.ctz", false, ([a], r) => `${r.v} = H.ctz32(${a.v});`);
def("i32.popcnt", false, ([a], r) => `${r.v} = H.popcnt32(${a.v});`);
def("i32.add", false, ([a, b], r) => `${r.v} = (${a.v} + ${b.v}) | 0;`);
def("i32.sub", false, ([a, b], r) => `${r.v} = (${a.v} - ${b.v}) | 0;`);
def("i32.mul", false, ([a, b], r) => `${r.v} = Math.imul(${a.v}, ${b.v});`);
// By a constant divisor that cannot trap (not 0; for div_s not -1 either), the division is
// written out, which the optimising JITs turn into a multiplication (C++ divides pointer
// differences by element sizes to count a vector's elements).
def("i32.div_s", true, ([a, b], r) => {
  const k = i32Constant(b.v);
  return k !== null && k !== 0 && k !== -1
    ? `${r.v} = (${a.v} / ${k}) | 0;`
    : `${r.v} = H.divS32(${a.v}, ${b.v});`;
});
def("i32.div_u", true, ([a, b], r) => {
  const k = i32Constant(b.v);
  return k !== null && k !== 0
    ? `${r.v} = ((${a.v} >>> 0) / ${k >>> 0}) | 0;`
    : `${r.v} = H.divU32(${a.v}, ${b.v});`;
});
def("i32.rem_s", true, ([a, b], r) => {
  const k = i32Constant(b.v);
  // x % -1 is -0 or 0, which `| 0` makes the spec's 0.
  return k !== null && k !== 0
    ? `${r.v} = (${a.v} % ${k}) | 0;`
    : `${r.v} = H.remS32(${a.v}, ${b.v});`;
});
def("i32.rem_u", true, ([a, b], r) => {
  const k = i32Constant(b.v);
  return k !== null && k !== 0
    ? `${r.v} = ((${a.v} >>> 0) % ${k >>> 0}) | 0;`
    : `${r.v} = H.remU32(${a.v}, ${b.v});`;
});
def("i32.and", false, ([a, b], r) => `${r.v} = ${a.v} & ${b.v};`);
def("i32.or", false, ([a, b], r) => `${r.v} = ${a.v} | ${b.v};`);
def("i32.xor", false, ([a, b], r) => `${r.v} = ${a.v} ^ ${b.v};`);
def("i32.shl", false, ([a, b], r) => `${r.v} = ${a.v} << ${b.v};`);
def("i32.shr_s", false, ([a, b], r) => `${r.v} = ${a.v} >> ${b.v};`);
def("i32.shr_u", false, ([a, b], r) => `${r.v} = (${a.v} >>> ${b.v}) | 0;`);
def("i32.rotl", false, ([a, b], r) => `${r.v} = H.rotl32(${a.v}, ${b.v});`);
def("i32.rotr", false, ([a, b], r) => `${r.v} = H.rotr32(${a.v}, ${b.v});`);
def("i32.extend8_s", false, ([a], r) => `${r.v} = (${a.v} << 24) >> 24;`);
def("i32.extend16_s", false, ([a], r) => `${r.v} = (${a.v} << 16) >> 16;`);

// i64: add, sub, bitwise operations and comparisons inline; the rest through helpers.
const pair = (r: Value, lo: string, hi: string) =>
  `{ const lo = ${lo}, hi = ${hi}; ${r.v} = lo; ${r.h} = hi; }`;
const helper64 = (name: string): Template => (x, r) =>
  `${r.v} = H.${name}(${x.map((a) => `${a.v}, ${a.h}`).join(", ")}); ${r.h} = W.hi;`;
// i64 comparisons are 0/1 numbers computed without short-circuits (bitwise `&`, `|` on the
// word comparisons): no branch for the JIT to mispredict, and a mask for a branchless select.
def("i64.eqz", false, ([a], r) => `${r.v} = ${bool(`(${a.v} | ${a.h}) === 0`)};`);
def("i64.eq", false, ([a, b], r) => `${r.v} = (${a.v} === ${b.v}) & (${a.h} === ${b.h});`);
def("i64.ne", false, ([a, b], r) => `${r.v} = (${a.v} !== ${b.v}) | (${a.h} !== ${b.h});`);
const lt64 = (signed: boolean, a: Value, b: Value) =>
  signed
    ? `((${a.h} < ${b.h}) | ((${a.h} === ${b.h}) & ((${a.v} >>> 0) < (${b.v} >>> 0))))`
    : `(((${a.h} >>> 0) < (${b.h} >>> 0)) | ((${a.h} === ${b.h}) & ((${a.v} >>> 0) < (${b.v} >>> 0))))`;
def("i64.lt_s", false, ([a, b], r) => `${r.v} = ${lt64(true, a, b)};`);
def("i64.lt_u", false, ([a, b], r) => `${r.v} = ${lt64(false, a, b)};`);
def("i64.gt_s", false, ([a, b], r) => `${r.v} = ${lt64(true, b, a)};`);
def("i64.gt_u", false, ([a, b], r) => `${r.v} = ${lt64(false, b, a)};`);
def("i64.le_s", false, ([a, b], r) => `${r.v} = ${lt64(true, b, a)} ^ 1;`);
def("i64.le_u", false, ([a, b], r) => `${r.v} = ${lt64(false, b, a)} ^ 1;`);
def("i64.ge_s", false, ([a, b], r) => `${r.v} = ${lt64(true, a, b)} ^ 1;`);
def("i64.ge_u", false, ([a, b], r) => `${r.v} = ${lt64(false, a, b)} ^ 1;`);
def("i64.clz", false, helper64("clz64"));
def("i64.ctz", false, helper64("ctz64"));
def("i64.popcnt", false, helper64("popcnt64"));
// The carry (borrow) out of the low words from their top bits (Hacker's Delight 2-13): bitwise
// operations only, where an unsigned compare would be a branch or a conditional.
def(
  "i64.add",
  false,
  ([a, b], r) =>
    `{ const x = ${a.v}, y = ${b.v}, lo = (x + y) | 0; ${r.h} = (${a.h} + ${b.h} + (((x & y) | ((x | y) & ~lo)) >>> 31)) | 0; ${r.v} = lo; }`,
);
def(
  "i64.sub",
  false,
  ([a, b], r) =>
    `{ const x = ${a.v}, y = ${b.v}, lo = (x - y) | 0; ${r.h} = (${a.h} - ${b.h} - (((~x & y) | (~(x ^ y) & lo)) >>> 31)) | 0; ${r.v} = lo; }`,
);
// Inline: the JIT keeps every word in a register (a helper call would store the high word).
// The high word of the low words' 64-bit product is summed from 16-bit pieces with Math.imul:
// integer operations the JIT keeps in registers, about twice as fast as a float product
// (converted, rounded and converted back) on the loop-carried paths of hashes.
def(
  "i64.mul",
  false,
  ([a, b], r) =>
    `{ const x = ${a.v}, y = ${b.v}, xl = x & 0xffff, xh = x >>> 16, yl = y & 0xffff, yh = y >>> 16, ` +
    `t = Math.imul(xl, yh), u = Math.imul(xh, yl); ` +
    `${r.h} = (Math.imul(xh, yh) + (t >>> 16) + (u >>> 16) + ` +
    `(((Math.imul(xl, yl) >>> 16) + (t & 0xffff) + (u & 0xffff)) >>> 16) + ` +
    `Math.imul(x, ${b.h}) + Math.imul(${a.h}, y)) | 0; ${r.v} = Math.imul(x, y); }`,
);
def("i64.div_s", true, helper64("divS64"));
def("i64.div_u", true, helper64("divU64"));
def("i64.rem_s", true, helper64("remS64"));
def("i64.rem_u", true, helper64("remU64"));
def("i64.and", false, ([a, b], r) => pair(r, `${a.v} & ${b.v}`, `${a.h} & ${b.h}`));
def("i64.or", false, ([a, b], r) => pair(r, `${a.v} | ${b.v}`, `${a.h} | ${b.h}`));
def("i64.xor", false, ([a, b], r) => pair(r, `${a.v} ^ ${b.v}`, `${a.h} ^ ${b.h}`));
def("i64.shl", false, helper64("shl64"));
def("i64.shr_s", false, helper64("shrS64"));
def("i64.shr_u", false, helper64("shrU64"));
def("i64.rotl", false, helper64("rotl64"));
def("i64.rotr", false, helper64("rotr64"));
def(
  "i64.extend8_s",
  false,
  ([a], r) => pair(r, `(${a.v} << 24) >> 24`, `((${a.v} << 24) >> 24) >> 31`),
);
def(
  "i64.extend16_s",
  false,
  ([a], r) => pair(r, `(${a.v} << 16) >> 16`, `((${a.v} << 16) >> 16) >> 31`),
);
def("i64.extend32_s", false, ([a], r) => pair(r, a.v, `${a.v} >> 31`));

// Floats. JavaScript operators see a NaNBits object as NaN; helpers that
// expect numbers get `+x`.
const f32 = (e: string) => `Math.fround(${e})`;
def("f32.eq f64.eq", false, ([a, b], r) => `${r.v} = ${bool(`+${a.v} === +${b.v}`)};`);
def("f32.ne f64.ne", false, ([a, b], r) => `${r.v} = ${bool(`+${a.v} !== +${b.v}`)};`);
def("f32.lt f64.lt", false, ([a, b], r) => `${r.v} = ${bool(`${a.v} < ${b.v}`)};`);
def("f32.gt f64.gt", false, ([a, b], r) => `${r.v} = ${bool(`${a.v} > ${b.v}`)};`);
def("f32.le f64.le", false, ([a, b], r) => `${r.v} = ${bool(`${a.v} <= ${b.v}`)};`);
def("f32.ge f64.ge", false, ([a, b], r) => `${r.v} = ${bool(`${a.v} >= ${b.v}`)};`);
def("f32.abs", false, ([a], r) => `${r.v} = H.absF32(${a.v});`);
def("f32.neg", false, ([a], r) => `${r.v} = H.negF32(${a.v});`);
def("f32.copysign", false, ([a, b], r) => `${r.v} = H.copysignF32(${a.v}, ${b.v});`);
def("f64.abs", false, ([a], r) => `${r.v} = H.absF64(${a.v});`);
def("f64.neg", false, ([a], r) => `${r.v} = H.negF64(${a.v});`);
def("f64.copysign", false, ([a, b], r) => `${r.v} = H.copysignF64(${a.v}, ${b.v});`);
def("f32.ceil f64.ceil", false, ([a], r) => `${r.v} = H.fceil(+${a.v});`);
def("f32.floor f64.floor", false, ([a], r) => `${r.v} = H.ffloor(+${a.v});`);
def("f32.trunc f64.trunc", false, ([a], r) => `${r.v} = H.ftrunc(+${a.v});`);
def("f32.nearest f64.nearest", false, ([a], r) => `${r.v} = H.fnearest(+${a.v});`);
def("f32.sqrt", false, ([a], r) => `${r.v} = ${f32(`Math.sqrt(${a.v})`)};`);
def("f64.sqrt", false, ([a], r) => `${r.v} = Math.sqrt(${a.v});`);
def("f32.add", false, ([a, b], r) => `${r.v} = ${f32(`${a.v} + ${b.v}`)};`);
def("f32.sub", false, ([a, b], r) => `${r.v} = ${f32(`${a.v} - ${b.v}`)};`);
def("f32.mul", false, ([a, b], r) => `${r.v} = ${f32(`${a.v} * ${b.v}`)};`);
def("f32.div", false, ([a, b], r) => `${r.v} = ${f32(`${a.v} / ${b.v}`)};`);
def("f64.add", false, ([a, b], r) => `${r.v} = ${a.v} + ${b.v};`);
def("f64.sub", false, ([a, b], r) => `${r.v} = ${a.v} - ${b.v};`);
def("f64.mul", false, ([a, b], r) => `${r.v} = ${a.v} * ${b.v};`);
def("f64.div", false, ([a, b], r) => `${r.v} = ${a.v} / ${b.v};`);
def("f32.min f64.min", false, ([a, b], r) => `${r.v} = H.fmin(+${a.v}, +${b.v});`);
def("f32.max f64.max", false, ([a, b], r) => `${r.v} = H.fmax(+${a.v}, +${b.v});`);

// Conversions.
def("i32.wrap_i64", false, ([a], r) => `${r.v} = ${a.v};`);
def("i64.extend_i32_s", false, ([a], r) => pair(r, a.v, `${a.v} >> 31`));
def("i64.extend_i32_u", false, ([a], r) => pair(r, a.v, "0"));
def(
  "i32.trunc_f32_s i32.trunc_f64_s",
  true,
  ([a], r) => `${r.v} = H.i32TruncS(+${a.v});`,
);
def(
  "i32.trunc_f32_u i32.trunc_f64_u",
  true,
  ([a], r) => `${r.v} = H.i32TruncU(+${a.v});`,
);
def(
  "i32.trunc_sat_f32_s i32.trunc_sat_f64_s",
  false,
  ([a], r) => `${r.v} = H.i32TruncSatS(+${a.v});`,
);
def(
  "i32.trunc_sat_f32_u i32.trunc_sat_f64_u",
  false,
  ([a], r) => `${r.v} = H.i32TruncSatU(+${a.v});`,
);
const fromFloat64 = (name: string): Template => ([a], r) =>
  `${r.v} = H.${name}(+${a.v}); ${r.h} = W.hi;`;
def("i64.trunc_f32_s i64.trunc_f64_s", true, fromFloat64("truncS64"));
def("i64.trunc_f32_u i64.trunc_f64_u", true, fromFloat64("truncU64"));
def("i64.trunc_sat_f32_s i64.trunc_sat_f64_s", false, fromFloat64("truncSatS64"));
def("i64.trunc_sat_f32_u i64.trunc_sat_f64_u", false, fromFloat64("truncSatU64"));
def("f32.convert_i32_s", false, ([a], r) => `${r.v} = ${f32(a.v)};`);
def("f32.convert_i32_u", false, ([a], r) => `${r.v} = ${f32(`${a.v} >>> 0`)};`);
def("f64.convert_i32_s", false, ([a], r) => `${r.v} = ${a.v};`);
def("f64.convert_i32_u", false, ([a], r) => `${r.v} = ${a.v} >>> 0;`);
def("f32.convert_i64_s", false, ([a], r) => `${r.v} = H.f32ConvertS64(${a.v}, ${a.h});`);
def("f32.convert_i64_u", false, ([a], r) => `${r.v} = H.f32ConvertU64(${a.v}, ${a.h});`);
def("f64.convert_i64_s", false, ([a], r) => `${r.v} = H.f64ConvertS64(${a.v}, ${a.h});`);
def("f64.convert_i64_u", false, ([a], r) => `${r.v} = H.f64ConvertU64(${a.v}, ${a.h});`);
def("f32.demote_f64", false, ([a], r) => `${r.v} = ${f32(a.v)};`);
def("f64.promote_f32", false, ([a], r) => `${r.v} = +${a.v};`);
def("i32.reinterpret_f32", false, ([a], r) => `${r.v} = H.f32Bits(${a.v});`);
def("f32.reinterpret_i32", false, ([a], r) => `${r.v} = H.f32FromBits(${a.v});`);
def("i64.reinterpret_f64", false, ([a], r) => `${r.v} = H.f64Bits(${a.v}); ${r.h} = W.hi;`);
def("f64.reinterpret_i64", false, ([a], r) => `${r.v} = H.f64FromBits(${a.v}, ${a.h});`);

/**
 * The effective address of a memory access with static offset `offset` (the
 * view's own range check is the bounds check). A constant address (C's
 * globals: `i32.const 0` with the global's offset) is one number, which
 * takes the engines' baseline tiers two operations less.
 */
export function effectiveAddress(a: Value, offset: number): string {
  const k = i32Constant(a.v);
  if (k !== null) return `${(k >>> 0) + (offset >>> 0)}`;
  // A sum keeps its `| 0` before the `>>> 0`, though both take the number modulo 2^32: without
  // it V8's optimised code for the matmul kernel was 25% slower (16.0 against 12.9 ms).
  return offset === 0 ? `${a.v} >>> 0` : `(${a.v} >>> 0) + ${offset >>> 0}`;
}

// Memory: `imm` is the static offset.
const at = effectiveAddress;
const load = (get: string): Template => ([a], r, o) => `${r.v} = mem.${get}(${at(a, o)}, true);`;
def("i32.load", true, load("getInt32"));
def("i32.load8_s", true, load("getInt8"));
def("i32.load8_u", true, load("getUint8"));
def("i32.load16_s", true, load("getInt16"));
def("i32.load16_u", true, load("getUint16"));
def(
  "i64.load",
  true,
  ([a], r, o) =>
    `{ const p = ${
      at(a, o)
    }; ${r.h} = mem.getInt32(p + 4, true); ${r.v} = mem.getInt32(p, true); }`,
);
const load64 = (get: string, signed: boolean): Template => ([a], r, o) =>
  `${r.v} = mem.${get}(${at(a, o)}, true); ${r.h} = ${signed ? `${r.v} >> 31` : "0"};`;
def("i64.load8_s", true, load64("getInt8", true));
def("i64.load8_u", true, load64("getUint8", false));
def("i64.load16_s", true, load64("getInt16", true));
def("i64.load16_u", true, load64("getUint16", false));
def("i64.load32_s", true, load64("getInt32", true));
def("i64.load32_u", true, load64("getInt32", false));
// Float loads and stores test for a NaN inline and leave it to a helper reached through a
// property of `H$` (the helpers, not hoisted into a constant): until a NaN has been loaded
// that load has no feedback, so V8 compiles the rare path as a deoptimization and the value
// stays an unboxed float (a helper call returning a number or a NaNBits object would make it
// box every loaded value: matmul ran about 4x slower so).
const loadFloat = (get: string, helper: string): Template => ([a], r, o) =>
  `{ const p = ${at(a, o)}; ${r.v} = mem.${get}(p, true); ${floatLoadCheck(r, helper)} }`;
def("f32.load", true, loadFloat("getFloat32", "loadF32"));
def("f64.load", true, loadFloat("getFloat64", "loadF64"));
const store = (set: string): Template => ([a, b], _r, o) =>
  `mem.${set}(${at(a, o)}, ${b.v}, true);`;
def("i32.store i64.store32", true, store("setInt32"));
def("i32.store8 i64.store8", true, store("setInt8"));
def("i32.store16 i64.store16", true, store("setInt16"));
// The high word first: when it is out of bounds, nothing has been written.
def(
  "i64.store",
  true,
  ([a, b], _r, o) =>
    `{ const p = ${at(a, o)}; mem.setInt32(p + 4, ${b.h}, true); mem.setInt32(p, ${b.v}, true); }`,
);
const storeFloat = (set: string, helper: string): Template => ([a, b], _r, o) =>
  `{ const p = ${at(a, o)}, x = ${b.v}; ` +
  `if (typeof x === "number" && x === x) mem.${set}(p, x, true); else H$.${helper}(mem, p, x); }`;
def("f32.store", true, storeFloat("setFloat32", "storeF32"));
def("f64.store", true, storeFloat("setFloat64", "storeF64"));

/**
 * The NaN test of a float load into `r` (`helper`: `loadF32` or `loadF64`, which reads the
 * bits). The generator drops it when the loaded value only feeds arithmetic (see
 * {@link NAN_BLIND}), whose NaN results may be any NaN.
 */
export function floatLoadCheck(r: Value, helper: string): string {
  return `if (${r.v} !== ${r.v}) ${r.v} = H$.${helper}(mem, p);`;
}

/**
 * Float instructions whose result does not depend on an operand's NaN payload: arithmetic
 * (its NaN result may be any arithmetic NaN, and a NaN number is the canonical one),
 * comparisons and conversions to integers. Not: moves, stores, reinterpretations, abs, neg,
 * copysign, which keep the bits.
 */
export const NAN_BLIND: ReadonlySet<string> = new Set(
  ("add sub mul div sqrt min max ceil floor trunc nearest eq ne lt gt le ge").split(" ")
    .flatMap((op) => [`f32.${op}`, `f64.${op}`]).concat(
      "f32.demote_f64 f64.promote_f32 i32.trunc_f32_s i32.trunc_f32_u i32.trunc_f64_s " +
        "i32.trunc_f64_u i64.trunc_f32_s i64.trunc_f32_u i64.trunc_f64_s i64.trunc_f64_u " +
        "i32.trunc_sat_f32_s i32.trunc_sat_f32_u i32.trunc_sat_f64_s i32.trunc_sat_f64_u " +
        "i64.trunc_sat_f32_s i64.trunc_sat_f32_u i64.trunc_sat_f64_s i64.trunc_sat_f64_u",
    ).flatMap((x) => x.split(" ")),
);

/** The template of each instruction the tier writes from a table, by text name. */
export const NUMERIC_OPS: Readonly<Record<string, OpCode>> = T;

/** The expression form of a pure instruction (see {@link pureForm}). */
export interface PureForm {
  /** The result as an expression of the operands. */
  expr: (x: Value[]) => string;
  /** For comparisons: the result as a boolean expression. */
  bool: ((x: Value[]) => string) | null;
  /** The variables that {@link expr} of the operands reads. */
  reads: (x: Value[]) => readonly string[];
}

// Private-use characters: they cannot occur in generated code.
const R_MARK = "\ue001R", H_MARK = "\ue001H", ARG_MARK = "\ue000";
const pureForms = new Map<string, PureForm | null>();

/**
 * The expression form of an instruction whose template is one assignment
 * of a side-effect-free expression to the result (and that cannot trap), so
 * that the tier may defer it and write it into its user; null otherwise.
 */
export function pureForm(name: string): PureForm | null {
  if (pureForms.has(name)) return pureForms.get(name)!;
  const op = T[name];
  let form: PureForm | null = null;
  if (op && !op.traps) {
    const marks = [0, 1, 2].map((i) => ({
      v: `${ARG_MARK}v${i}${ARG_MARK}`,
      h: `${ARG_MARK}h${i}${ARG_MARK}`,
    }));
    const code = op.code(marks, { v: R_MARK, h: H_MARK }, 0);
    const prefix = `${R_MARK} = `;
    if (
      code.startsWith(prefix) && code.endsWith(";") && code.indexOf(R_MARK, 1) < 0 &&
      !code.includes(H_MARK)
    ) {
      const body = code.slice(prefix.length, -1);
      const suffix = " ? 1 : 0";
      const cond = body.endsWith(suffix) && wrapped(body.slice(0, -suffix.length))
        ? body.slice(1, -suffix.length - 1)
        : null;
      const expr = filler(`(${body})`);
      const bool = cond === null ? null : filler(`(${cond})`);
      const uses = [...body.matchAll(/\ue000([vh])(\d)\ue000/g)].map((m) => ({
        k: m[1] as "v" | "h",
        i: +m[2],
      }));
      form = {
        expr,
        bool,
        reads: uses.length === 1
          ? (x) => readsOf(x[uses[0].i], uses[0].k)
          : (x) => uses.flatMap(({ i, k }) => readsOf(x[i], k)),
      };
    }
  }
  pureForms.set(name, form);
  return form;
}

/**
 * A function writing the operands' words into `text`, a template with
 * `ARG_MARK`ed operand references: split once, so that each instruction
 * generated is a join of its pieces (a regular expression's replace per
 * instruction was a tenth of the generator's time).
 */
function filler(text: string): (x: Value[]) => string {
  // split with a capturing group: literal text at even indices, "v0", "h1"... at odd ones.
  const pieces = text.split(/\ue000([vh]\d)\ue000/);
  const words = pieces.map((p, n) => n % 2 === 1 ? { k: p[0] as "v" | "h", i: +p[1] } : null);
  return (x) => {
    let out = pieces[0];
    for (let n = 1; n < pieces.length; n += 2) {
      const w = words[n]!;
      out += x[w.i][w.k] + pieces[n + 1];
    }
    return out;
  };
}

/** True when `text` is one parenthesised group: `(...)` whose first parenthesis closes last. */
function wrapped(text: string): boolean {
  if (!text.startsWith("(") || !text.endsWith(")")) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")" && --depth === 0 && i < text.length - 1) return false;
  }
  return true;
}

/**
 * An i64 shift or rotation (op 0x86-0x8a) of `a` into `r` by the constant
 * `n` (0-63): straight-line code on the words, where the general case needs
 * a helper that branches on the count.
 */
export function constantShift(op: number, a: Value, r: Value, n: number): string {
  const read = `const lo = ${a.v}, hi = ${a.h};`;
  const set = (lo: string, hi: string) => `{ ${read} ${r.v} = ${lo}; ${r.h} = ${hi}; }`;
  if (op === 0x89 || op === 0x8a) { // rotl, rotr: a rotation right by n is one left by 64 - n
    const k = op === 0x89 ? n : (64 - n) & 63;
    const [x, y] = k < 32 ? ["lo", "hi"] : ["hi", "lo"];
    const m = k & 31;
    if (m === 0) return set(x, y);
    return set(`(${x} << ${m}) | (${y} >>> ${32 - m})`, `(${y} << ${m}) | (${x} >>> ${32 - m})`);
  }
  if (n === 0) return set("lo", "hi");
  if (op === 0x86) { // shl
    return n < 32
      ? set(`lo << ${n}`, `(hi << ${n}) | (lo >>> ${32 - n})`)
      : set("0", `lo << ${n - 32}`);
  }
  const high = op === 0x87 ? `hi >> ${n}` : `(hi >>> ${n}) | 0`;
  if (n < 32) return set(`(lo >>> ${n}) | (hi << ${32 - n})`, high);
  return op === 0x87 ? set(`hi >> ${n - 32}`, "hi >> 31") : set(`(hi >>> ${n - 32}) | 0`, "0");
}
