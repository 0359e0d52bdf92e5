/**
 * The SIMD instructions the structured tier writes inline, on the four
 * int32 words of each vector (lane bytes 0-3 in the first word, as in
 * memory): loads and stores, bitwise operations, i32x4 and i64x2
 * arithmetic, i16x8 and i8x16 addition "within a register", splats, lane
 * moves, word-aligned shuffles and f32x4 arithmetic. The others run as
 * kernels (`simd_kernels.ts`); both give the executor's results bit for bit.
 *
 * A template reads every operand word before it writes a result word that
 * another lane still needs (the result's variables may be an operand's).
 *
 * @module
 */

import type { Instruction } from "../../binary/instruction.ts";
import { effectiveAddress, type Value } from "./numeric_ops.ts";
import { FLOAT_LANE_OPS } from "./simd_float.ts";
import {
  bounds16,
  bounds32,
  constantBounds,
  type FloatForm,
  floatLanes,
  type LaneBounds,
  type LazyForm,
  type SimdFacts,
  UNKNOWN,
} from "./simd_facts.ts";

type Words = [string, string, string, string];

/** The variables of a v128's four words. */
function w(v: Value): Words {
  return [`${v.v}_0`, `${v.v}_1`, `${v.v}_2`, `${v.v}_3`];
}

/** Result word k = f(k), each from the operands' word k only (so in place is fine). */
function lanewise(r: Value, f: (k: number) => string): string {
  return w(r).map((x, k) => `${x} = ${f(k)};`).join(" ");
}

/**
 * Result word k from statements over the operands' word k only, which leave
 * it in `out` (in a block of its own, so they may declare constants).
 */
function perWord(r: Value, f: (k: number) => string): string {
  return w(r).map((x, k) => `{ let out = 0; ${f(k)} ${x} = out; }`).join(" ");
}

/** `i8x16.lt_u` on one word of each operand (as `simd_words.ts`'s ltMaskU8): 0xff where x < y. */
function ltMaskU8(x: string, y: string): string {
  // Bytewise x - y without borrows between bytes, then each byte's borrow out of its top bit.
  return `const d = ((${x} | 0x80808080) - (${y} & 0x7f7f7f7f)) ^ ((${x} ^ ~${y}) & 0x80808080), ` +
    `m = ((~${x} & ${y}) | (~(${x} ^ ${y}) & d)) & 0x80808080; out = m | (m - (m >>> 7));`;
}

/** Result words computed into temporaries first (for operations across words). */
function across(r: Value, words: string[]): string {
  const t = words.map((e, k) => `t${k} = ${e}`).join(", ");
  return `{ const ${t}; ${w(r).map((x, k) => `${x} = t${k};`).join(" ")} }`;
}

/** i8x16/i16x8 addition within a word: the lanes' top bits are added apart, so no carry crosses. */
function addWithin(x: string, y: string, top: string): string {
  const low = top === TOP8 ? LOW8 : LOW16;
  return `(((${x} & ${low}) + (${y} & ${low})) ^ ((${x} ^ ${y}) & ${top}))`;
}

/** i8x16/i16x8 subtraction within a word: every lane borrows from its own top bit only. */
function subWithin(x: string, y: string, top: string): string {
  const low = top === TOP8 ? LOW8 : LOW16;
  return `(((${x} | ${top}) - (${y} & ${low})) ^ ((${x} ^ ~${y}) & ${top}))`;
}

const TOP8 = "0x80808080", TOP16 = "0x80008000", LOW8 = "0x7f7f7f7f", LOW16 = "0x7fff7fff";

/** An i32x4 comparison: -1 where `cmp` holds. */
function compare(r: Value, a: Value, b: Value, cmp: (x: string, y: string) => string): string {
  const x = w(a), y = w(b);
  return lanewise(r, (k) => `(${cmp(x[k], y[k])}) ? -1 : 0`);
}

const unsigned = (op: string) => (x: string, y: string) =>
  `(${x} ^ 0x80000000) ${op} (${y} ^ 0x80000000)`;
const signed = (op: string) => (x: string, y: string) => `${x} ${op} ${y}`;

/**
 * The inline code of SIMD instruction `name`, or null when it runs as a
 * kernel; `facts` are the lane bounds known of the operands (see
 * `simd_facts.ts`), updated with the result's when the code is inline;
 * `form`: the form `prepareOperands` left the operands in.
 */
export function inlineSimd(
  name: string,
  x: Value[],
  r: Value,
  ins: Instruction,
  facts: SimdFacts,
  form: LazyForm | undefined,
): string | null {
  const [a, b] = x;
  const fa = a === undefined ? UNKNOWN : facts.get(a.v);
  const fb = b === undefined ? UNKNOWN : facts.get(b.v);
  const fop = FLOAT_LANE_OPS[name];
  if (fop !== undefined) {
    facts.set(r.v, UNKNOWN);
    const lanes = (v: Value | undefined) =>
      v === undefined ? [] : fop.operands === undefined ? w(v) : floatLanes(v.v, fop.operands);
    const xs = lanes(a), ys = lanes(b);
    if (fop.result === "words") {
      // (Float lanes and words are different variables: no result overwrites an operand.)
      return w(r).map((z, k) =>
        `${z} = ${fop.pairs ? fop.lane(xs, ys, k >> 1) : fop.lane(xs, ys, k)};`
      ).join(" ");
    }
    facts.setForm(r.v, fop.result);
    return facts.floatResult(r.v, fop.result).map((z, k) => `${z} = ${fop.lane(xs, ys, k)};`)
      .join(" ");
  }
  const lazy = deinterleavedCode(name, x, r, ins, fa, fb, form === "deinterleaved");
  if (lazy !== null) {
    facts.set(r.v, resultBounds(name, x, fa, fb));
    facts.setForm(r.v, "deinterleaved");
    return lazy;
  }
  const code = boundedCode(name, x, r, fa, fb) ?? inlineCode(name, x, r, ins);
  if (code !== null && r.v !== "") facts.set(r.v, resultBounds(name, x, fa, fb));
  if (code !== null && name === "v128.load") {
    // (The instruction object is reused for the next one: what the rewrite needs is taken now.)
    facts.loaded(r.v, floatLoad(r.v, effectiveAddress(a, ins.b), ins.offset));
  }
  return code;
}

/**
 * `v128.load` into `v` read as float lanes of a form into their variables
 * (see `prepareOperands`), from address expression `at`, trapping at `pos`.
 */
function floatLoad(v: string, at: string, pos: number): (form: FloatForm) => string {
  return (form) => {
    const lanes = floatLanes(v, form);
    const read = (k: number) =>
      form === "float"
        ? `${lanes[k]} = mem.getFloat32(p + ${4 * k}, true);`
        : `${lanes[k]} = mem.getFloat64(p + ${8 * k}, true);`;
    // The last bytes first, as the word load does: the same access traps.
    const order = form === "float" ? [3, 0, 1, 2] : [1, 0];
    return `pos = ${pos}; { const p = ${at}; ${order.map(read).join(" ")} }`;
  };
}

/**
 * Prepares the operands of SIMD instruction `name` (see `simd_facts.ts`),
 * emitting through `emit` the code that converts them, and returns the form
 * they are then in: `deinterleaved` (i16x8.add of two deinterleaved
 * operands), `float` or `double` (f32x4 or f64x2 arithmetic), or
 * undefined: their words in order.
 * The operands are popped, so none stays recorded in a form. A float
 * operand loaded from memory by a line that nothing has read since is
 * loaded as floats there instead (`rewrite` replaces that output line): the
 * same bytes, bounds check and trap, without the trip through the scratch.
 */
export function prepareOperands(
  name: string,
  x: Value[],
  facts: SimdFacts,
  emit: (code: string) => void,
  rewrite: (line: number, code: string) => void,
): LazyForm | undefined {
  if (name === "i16x8.add" && x.every((v) => facts.form(v.v) === "deinterleaved")) {
    for (const v of x) facts.setForm(v.v, undefined);
    return "deinterleaved";
  }
  const float = FLOAT_LANE_OPS[name]?.operands;
  for (const v of x) {
    if (float !== undefined && facts.form(v.v) === float) {
      facts.setForm(v.v, undefined);
      continue;
    }
    const load = facts.takeLoad(v.v);
    if (float !== undefined && load !== undefined) {
      // Loaded just before and read by nothing since: load the float lanes themselves.
      facts.floatResult(v.v, float);
      rewrite(load.line, load.asFloats(float));
      continue;
    }
    const code = facts.materialize(v.v);
    if (code !== "") emit(code);
    if (float !== undefined) emit(facts.toFloats(v.v, float));
  }
  return float;
}

/**
 * The code of an instruction whose result is held deinterleaved (i16
 * lanes (0 2) (1 3) (4 6) (5 7) a word), or null: widening loads and
 * extends of unsigned bytes, and i16x8.add of two deinterleaved operands
 * (`prepareOperands` left them so), lanewise like any order.
 */
function deinterleavedCode(
  name: string,
  [a, b]: Value[],
  r: Value,
  ins: Instruction,
  fa: LaneBounds,
  fb: LaneBounds,
  deinterleaved: boolean,
): string | null {
  const [r0, r1, r2, r3] = w(r);
  const split = (lo: string, hi: string) =>
    `${r0} = ${lo} & 0xff00ff; ${r1} = (${lo} >>> 8) & 0xff00ff; ` +
    `${r2} = ${hi} & 0xff00ff; ${r3} = (${hi} >>> 8) & 0xff00ff;`;
  switch (name) {
    case "v128.load8x8_u":
      return `{ const p = ${effectiveAddress(a, ins.b)}, hi = mem.getInt32(p + 4, true), ` +
        `lo = mem.getInt32(p, true); ${split("lo", "hi")} }`;
    case "i16x8.extend_low_i8x16_u":
    case "i16x8.extend_high_i8x16_u": {
      const [p, q] = name.includes("low") ? w(a).slice(0, 2) : w(a).slice(2);
      return `{ const lo = ${p}, hi = ${q}; ${split("lo", "hi")} }`;
    }
    case "i16x8.add":
      if (!deinterleaved) return null;
      return fa.max16 + fb.max16 <= 0xffff
        ? lanewise(r, (k) => `(${w(a)[k]} + ${w(b)[k]}) | 0`)
        : lanewise(r, (k) => addWithin(w(a)[k], w(b)[k], TOP16));
  }
  return null;
}

/** An i32 operand that is a constant: its value, else null. */
function literal(v: Value): number | null {
  const m = /^\(?(-?\d+)\)?$/.exec(v.v);
  return m === null ? null : Number(m[1]) | 0;
}

/**
 * The cheaper code of an instruction whose operands' bounds make its
 * guards unnecessary, or null: `i16x8.add` of lanes that cannot carry out,
 * unsigned narrowing of lanes already in range.
 */
function boundedCode(
  name: string,
  [a, b]: Value[],
  r: Value,
  fa: LaneBounds,
  fb: LaneBounds,
): string | null {
  switch (name) {
    case "i16x8.add":
      if (fa.max16 + fb.max16 > 0xffff) return null;
      // No lane's sum reaches bit 16, so no carry crosses into the next lane.
      return lanewise(r, (k) => `(${w(a)[k]} + ${w(b)[k]}) | 0`);
    case "i16x8.narrow_i32x4_u": {
      if (fa.max32 > 0xffff || fb.max32 > 0xffff) return null;
      const x = w(a), y = w(b);
      return across(r, [
        `${x[0]} | (${x[1]} << 16)`,
        `${x[2]} | (${x[3]} << 16)`,
        `${y[0]} | (${y[1]} << 16)`,
        `${y[2]} | (${y[3]} << 16)`,
      ]);
    }
    case "i8x16.narrow_i16x8_u": {
      if (fa.max16 > 0xff || fb.max16 > 0xff) return null;
      // Each word's two lanes (below 256) moved together: bytes 0 and 2 become 0 and 1.
      const pack = (p: string, q: string) =>
        `((${p} | (${p} >>> 8)) & 0xffff) | ((${q} | (${q} >>> 8)) << 16)`;
      const x = w(a), y = w(b);
      return across(r, [pack(x[0], x[1]), pack(x[2], x[3]), pack(y[0], y[1]), pack(y[2], y[3])]);
    }
  }
  return null;
}

/** The lane bounds of an instruction's result, from its operands' (UNKNOWN for most). */
function resultBounds(name: string, [a, b]: Value[], fa: LaneBounds, fb: LaneBounds): LaneBounds {
  switch (name) {
    case "v128.load8x8_u":
    case "i16x8.extend_low_i8x16_u":
    case "i16x8.extend_high_i8x16_u":
      return bounds16(0xff);
    case "i16x8.extadd_pairwise_i8x16_u":
      return bounds16(0x1fe);
    case "i16x8.add":
      return fa.max16 + fb.max16 <= 0xffff ? bounds16(fa.max16 + fb.max16) : UNKNOWN;
    case "i32x4.extend_low_i16x8_u":
    case "i32x4.extend_high_i16x8_u":
      return bounds32(fa.max16);
    case "i32x4.add":
      return fa.max32 + fb.max32 <= 0x7fffffff ? bounds32(fa.max32 + fb.max32) : UNKNOWN;
    case "i32x4.mul":
      return fa.max32 * fb.max32 <= 0x7fffffff ? bounds32(fa.max32 * fb.max32) : UNKNOWN;
    case "i32x4.shr_u": {
      const n = literal(b);
      return n === null ? UNKNOWN : bounds32(Math.floor(fa.max32 / 2 ** (n & 31)));
    }
    case "i16x8.narrow_i32x4_u":
      return bounds16(Math.min(0xffff, Math.max(fa.max32, fb.max32)));
    case "i32x4.splat":
    case "i16x8.splat":
    case "i8x16.splat": {
      const n = literal(a);
      if (n === null) return UNKNOWN;
      const s = name === "i32x4.splat"
        ? n
        : name === "i16x8.splat"
        ? (n & 0xffff) * 0x10001 | 0
        : (n & 0xff) * 0x1010101 | 0;
      return constantBounds([s, s, s, s]);
    }
  }
  return UNKNOWN;
}

/** The inline code of SIMD instruction `name` whatever its operands' bounds, or null. */
function inlineCode(name: string, x: Value[], r: Value, ins: Instruction): string | null {
  const [a, b, c] = x;
  switch (name) {
    case "v128.load": {
      const [r0, r1, r2, r3] = w(r);
      return `{ const p = ${effectiveAddress(a, ins.b)}; ${r3} = mem.getInt32(p + 12, true); ` +
        `${r0} = mem.getInt32(p, true); ${r1} = mem.getInt32(p + 4, true); ` +
        `${r2} = mem.getInt32(p + 8, true); }`;
    }
    case "v128.store": {
      const [v0, v1, v2, v3] = w(b);
      // The last word first: when it is out of bounds, nothing has been written.
      return `{ const p = ${effectiveAddress(a, ins.b)}; mem.setInt32(p + 12, ${v3}, true); ` +
        `mem.setInt32(p, ${v0}, true); mem.setInt32(p + 4, ${v1}, true); ` +
        `mem.setInt32(p + 8, ${v2}, true); }`;
    }
    case "v128.load8x8_u":
    case "v128.load8x8_s": {
      const [r0, r1, r2, r3] = w(r);
      const read = `const p = ${effectiveAddress(a, ins.b)}, hi = mem.getInt32(p + 4, true), ` +
        `lo = mem.getInt32(p, true);`;
      if (name.endsWith("_u")) {
        const even = (s: string) => `(${s} & 0xff) | ((${s} << 8) & 0xff0000)`;
        const odd = (s: string) => `((${s} >>> 16) & 0xff) | ((${s} >>> 8) & 0xff0000)`;
        return `{ ${read} ${r0} = ${even("lo")}; ${r1} = ${odd("lo")}; ${r2} = ${even("hi")}; ` +
          `${r3} = ${odd("hi")}; }`;
      }
      const even = (s: string) => `((${s} << 24 >> 24) & 0xffff) | ((${s} << 16 >> 24) << 16)`;
      const odd = (s: string) => `((${s} << 8 >> 24) & 0xffff) | ((${s} >> 24) << 16)`;
      return `{ ${read} ${r0} = ${even("lo")}; ${r1} = ${odd("lo")}; ${r2} = ${even("hi")}; ` +
        `${r3} = ${odd("hi")}; }`;
    }
    case "v128.not":
      return lanewise(r, (k) => `~${w(a)[k]}`);
    case "v128.and":
      return lanewise(r, (k) => `${w(a)[k]} & ${w(b)[k]}`);
    case "v128.andnot":
      return lanewise(r, (k) => `${w(a)[k]} & ~${w(b)[k]}`);
    case "v128.or":
      return lanewise(r, (k) => `${w(a)[k]} | ${w(b)[k]}`);
    case "v128.xor":
      return lanewise(r, (k) => `${w(a)[k]} ^ ${w(b)[k]}`);
    case "v128.bitselect":
      return lanewise(r, (k) => `(${w(a)[k]} & ${w(c)[k]}) | (${w(b)[k]} & ~${w(c)[k]})`);
    case "v128.any_true":
      return `${r.v} = (${w(a).join(" | ")}) !== 0 ? 1 : 0;`;
    case "i32x4.splat":
    case "f32x4.splat": {
      const s = name === "i32x4.splat" ? a.v : `H.f32Bits(${a.v})`;
      return `{ const s = ${s}; ${lanewise(r, () => "s")} }`;
    }
    case "i16x8.splat":
      return `{ const s = (${a.v} & 0xffff) * 0x10001 | 0; ${lanewise(r, () => "s")} }`;
    case "i8x16.splat":
      return `{ const s = (${a.v} & 0xff) * 0x1010101 | 0; ${lanewise(r, () => "s")} }`;
    case "i32x4.extract_lane":
      return `${r.v} = ${w(a)[ins.a]};`;
    case "f32x4.extract_lane":
      return `${r.v} = H.f32FromBits(${w(a)[ins.a]});`;
    case "i16x8.extract_lane_s":
    case "i16x8.extract_lane_u": {
      const word = w(a)[ins.a >> 1], shift = ins.a & 1 ? 16 : 0;
      return name.endsWith("_s")
        ? `${r.v} = (${word} << ${16 - shift}) >> 16;`
        : `${r.v} = (${word} >>> ${shift}) & 0xffff;`;
    }
    case "i8x16.extract_lane_s":
    case "i8x16.extract_lane_u": {
      const word = w(a)[ins.a >> 2], shift = (ins.a & 3) * 8;
      return name.endsWith("_s")
        ? `${r.v} = (${word} << ${24 - shift}) >> 24;`
        : `${r.v} = (${word} >>> ${shift}) & 0xff;`;
    }
    case "i32x4.replace_lane":
    case "f32x4.replace_lane": {
      const s = name === "i32x4.replace_lane" ? b.v : `H.f32Bits(${b.v})`;
      return lanewise(r, (k) => (k === ins.a ? s : w(a)[k]));
    }
    case "i8x16.shuffle":
      return shuffle(r, a, b, ins);
    case "i32x4.add":
      return lanewise(r, (k) => `(${w(a)[k]} + ${w(b)[k]}) | 0`);
    case "i32x4.sub":
      return lanewise(r, (k) => `(${w(a)[k]} - ${w(b)[k]}) | 0`);
    case "i32x4.mul":
      return lanewise(r, (k) => `Math.imul(${w(a)[k]}, ${w(b)[k]})`);
    case "i32x4.neg":
      return lanewise(r, (k) => `-${w(a)[k]} | 0`);
    case "i32x4.shl":
      return `{ const n = ${b.v} & 31; ${lanewise(r, (k) => `${w(a)[k]} << n`)} }`;
    case "i32x4.shr_s":
      return `{ const n = ${b.v} & 31; ${lanewise(r, (k) => `${w(a)[k]} >> n`)} }`;
    case "i32x4.shr_u":
      return `{ const n = ${b.v} & 31; ${lanewise(r, (k) => `(${w(a)[k]} >>> n) | 0`)} }`;
    case "i32x4.eq":
      return compare(r, a, b, signed("==="));
    case "i32x4.ne":
      return compare(r, a, b, signed("!=="));
    case "i32x4.lt_s":
      return compare(r, a, b, signed("<"));
    case "i32x4.gt_s":
      return compare(r, a, b, signed(">"));
    case "i32x4.le_s":
      return compare(r, a, b, signed("<="));
    case "i32x4.ge_s":
      return compare(r, a, b, signed(">="));
    case "i32x4.lt_u":
      return compare(r, a, b, unsigned("<"));
    case "i32x4.gt_u":
      return compare(r, a, b, unsigned(">"));
    case "i32x4.le_u":
      return compare(r, a, b, unsigned("<="));
    case "i32x4.ge_u":
      return compare(r, a, b, unsigned(">="));
    case "i32x4.min_u":
      return lanewise(r, (k) => `${unsigned("<")(w(a)[k], w(b)[k])} ? ${w(a)[k]} : ${w(b)[k]}`);
    case "i32x4.max_u":
      return lanewise(r, (k) => `${unsigned(">")(w(a)[k], w(b)[k])} ? ${w(a)[k]} : ${w(b)[k]}`);
    case "i32x4.abs":
      return lanewise(r, (k) => `(${w(a)[k]} ^ (${w(a)[k]} >> 31)) - (${w(a)[k]} >> 31) | 0`);
    case "i32x4.all_true":
      return `${r.v} = ${w(a).map((x) => `${x} !== 0`).join(" && ")} ? 1 : 0;`;
    case "i32x4.bitmask":
      return `${r.v} = ${w(a).map((x, k) => `((${x} >>> 31) << ${k})`).join(" | ")};`;
    case "i16x8.bitmask":
      return `${r.v} = ${
        w(a).map((x, k) => `((((${x} >>> 15) & 1) | ((${x} >>> 30) & 2)) << ${2 * k})`).join(" | ")
      };`;
    case "i16x8.shl":
      return `{ const n = ${b.v} & 15; ${
        lanewise(r, (k) => `((${w(a)[k]} << n) & 0xffff) | (((${w(a)[k]} >>> 16) << n) << 16)`)
      } }`;
    case "i16x8.shr_u":
      return `{ const n = ${b.v} & 15; ${
        lanewise(r, (k) => `((${w(a)[k]} & 0xffff) >>> n) | ((${w(a)[k]} >>> (16 + n)) << 16)`)
      } }`;
    case "i16x8.shr_s":
      return `{ const n = ${b.v} & 15; ${
        lanewise(
          r,
          (k) => `(((${w(a)[k]} << 16) >> (16 + n)) & 0xffff) | ((${w(a)[k]} >> (16 + n)) << 16)`,
        )
      } }`;
    case "i32x4.extmul_low_i16x8_u":
    case "i32x4.extmul_high_i16x8_u":
    case "i32x4.extmul_low_i16x8_s":
    case "i32x4.extmul_high_i16x8_s": {
      const [p, q] = name.includes("low") ? w(a).slice(0, 2) : w(a).slice(2);
      const [s, t] = name.includes("low") ? w(b).slice(0, 2) : w(b).slice(2);
      const lo = (x: string) => name.endsWith("_u") ? `(${x} & 0xffff)` : `((${x} << 16) >> 16)`;
      const hi = (x: string) => name.endsWith("_u") ? `(${x} >>> 16)` : `(${x} >> 16)`;
      return across(r, [
        `Math.imul(${lo(p)}, ${lo(s)})`,
        `Math.imul(${hi(p)}, ${hi(s)})`,
        `Math.imul(${lo(q)}, ${lo(t)})`,
        `Math.imul(${hi(q)}, ${hi(t)})`,
      ]);
    }
    // Sign bits only: NaN payloads are kept, as the spec requires of abs and neg.
    case "f32x4.abs":
      return lanewise(r, (k) => `${w(a)[k]} & 0x7fffffff`);
    case "f32x4.neg":
      return lanewise(r, (k) => `${w(a)[k]} ^ -0x80000000`);
    case "f64x2.abs":
      return lanewise(r, (k) => (k & 1 ? `${w(a)[k]} & 0x7fffffff` : w(a)[k]));
    case "f64x2.neg":
      return lanewise(r, (k) => (k & 1 ? `${w(a)[k]} ^ -0x80000000` : w(a)[k]));
    case "i64x2.splat":
      return `{ const lo = ${a.v}, hi = ${a.h}; ${lanewise(r, (k) => (k & 1 ? "hi" : "lo"))} }`;
    case "i64x2.extract_lane":
      return `${r.v} = ${w(a)[2 * ins.a]}; ${r.h} = ${w(a)[2 * ins.a + 1]};`;
    case "i32x4.min_s":
      return lanewise(r, (k) => `${w(a)[k]} < ${w(b)[k]} ? ${w(a)[k]} : ${w(b)[k]}`);
    case "i32x4.max_s":
      return lanewise(r, (k) => `${w(a)[k]} > ${w(b)[k]} ? ${w(a)[k]} : ${w(b)[k]}`);
    case "i16x8.add":
      return lanewise(r, (k) => addWithin(w(a)[k], w(b)[k], TOP16));
    case "i16x8.sub":
      return lanewise(r, (k) => subWithin(w(a)[k], w(b)[k], TOP16));
    case "i16x8.mul":
      return lanewise(
        r,
        (k) =>
          `(Math.imul(${w(a)[k]}, ${w(b)[k]}) & 0xffff) | ` +
          `(Math.imul(${w(a)[k]} >>> 16, ${w(b)[k]} >>> 16) << 16)`,
      );
    case "i8x16.add":
      return lanewise(r, (k) => addWithin(w(a)[k], w(b)[k], TOP8));
    case "i8x16.sub":
      return lanewise(r, (k) => subWithin(w(a)[k], w(b)[k], TOP8));
    case "i64x2.add":
    case "i64x2.sub": {
      const [a0, a1, a2, a3] = w(a), [b0, b1, b2, b3] = w(b);
      const op = name === "i64x2.add" ? "+" : "-";
      // The low words' sum (or difference) as a double: its carry (or borrow, -1) is exact.
      const carry = (x: string, y: string) =>
        `Math.floor(((${x} >>> 0) ${op} (${y} >>> 0)) / 4294967296)`;
      return across(r, [
        `(${a0} ${op} ${b0}) | 0`,
        `(${a1} ${op} ${b1} + ${carry(a0, b0)}) | 0`,
        `(${a2} ${op} ${b2}) | 0`,
        `(${a3} ${op} ${b3} + ${carry(a2, b2)}) | 0`,
      ]);
    }
    case "i32x4.extend_low_i16x8_u":
    case "i32x4.extend_high_i16x8_u":
    case "i32x4.extend_low_i16x8_s":
    case "i32x4.extend_high_i16x8_s": {
      const [p, q] = name.includes("low") ? w(a).slice(0, 2) : w(a).slice(2);
      const lo = (x: string) => name.endsWith("_u") ? `${x} & 0xffff` : `(${x} << 16) >> 16`;
      const hi = (x: string) => name.endsWith("_u") ? `${x} >>> 16` : `${x} >> 16`;
      return across(r, [lo(p), hi(p), lo(q), hi(q)]);
    }
    case "i16x8.extend_low_i8x16_u":
    case "i16x8.extend_high_i8x16_u": {
      const [p, q] = name.includes("low") ? w(a).slice(0, 2) : w(a).slice(2);
      const even = (x: string) => `(${x} & 0xff) | ((${x} & 0xff00) << 8)`;
      const odd = (x: string) => `((${x} >>> 16) & 0xff) | ((${x} >>> 8) & 0xff0000)`;
      return across(r, [even(p), odd(p), even(q), odd(q)]);
    }
    case "i16x8.extend_low_i8x16_s":
    case "i16x8.extend_high_i8x16_s": {
      const [p, q] = name.includes("low") ? w(a).slice(0, 2) : w(a).slice(2);
      const even = (x: string) => `(((${x} << 24) >> 24) & 0xffff) | (((${x} << 16) >> 24) << 16)`;
      const odd = (x: string) => `(((${x} << 8) >> 24) & 0xffff) | ((${x} >> 24) << 16)`;
      return across(r, [even(p), odd(p), even(q), odd(q)]);
    }
    case "i8x16.narrow_i16x8_u":
    case "i8x16.narrow_i16x8_s":
    case "i16x8.narrow_i32x4_u":
    case "i16x8.narrow_i32x4_s": {
      const helper = `H.narrow${name.endsWith("_u") ? "U" : "S"}${name.startsWith("i8") ? 8 : 16}`;
      const x = w(a), y = w(b);
      return across(r, [
        `${helper}(${x[0]}, ${x[1]})`,
        `${helper}(${x[2]}, ${x[3]})`,
        `${helper}(${y[0]}, ${y[1]})`,
        `${helper}(${y[2]}, ${y[3]})`,
      ]);
    }
    case "i8x16.avgr_u":
      // `| 0`: a word is an int32 (the difference of two may leave that range, and what reads it
      // next may compare it as a number: a narrowing saturated such a lane to 0 instead of 0xffff).
      return lanewise(r, (k) => {
        const p = w(a)[k], q = w(b)[k];
        return `((${p} | ${q}) - (((${p} ^ ${q}) >>> 1) & 0x7f7f7f7f)) | 0`;
      });
    case "i8x16.add_sat_u":
      // Per byte: the sum without carries between bytes, then 0xff where a byte carried out.
      // (Written out rather than called: JavaScriptCore does not inline small helpers here.)
      return perWord(r, (k) => {
        const p = w(a)[k], q = w(b)[k];
        return `const s = ((${p} & 0x7f7f7f7f) + (${q} & 0x7f7f7f7f)) ^ ((${p} ^ ${q}) & -0x7f7f7f80); ` +
          `out = s | Math.imul((((${p} & ${q}) | ((${p} | ${q}) & ~s)) & -0x7f7f7f80) >>> 7, 0xff);`;
      });
    case "i8x16.lt_u":
      return perWord(r, (k) => ltMaskU8(w(a)[k], w(b)[k]));
    case "i8x16.gt_u":
      return perWord(r, (k) => ltMaskU8(w(b)[k], w(a)[k]));
    case "i8x16.bitmask":
      // Each byte's top bit moved to bit 0 of the byte, then one multiplication gathers the four
      // bits at 28-31 (every other partial product lands below 28 or above 31, apart).
      return `${r.v} = ${
        w(a).map((x, k) =>
          `((Math.imul((${x} >>> 7) & 0x01010101, 0x10204080) >>> 28) << ${4 * k})`
        )
          .join(" | ")
      };`;
    // Even and odd bytes masked into the 16-bit lanes and added: a sum below 512 stays in its lane.
    case "i16x8.extadd_pairwise_i8x16_u":
      return lanewise(r, (k) => `(${w(a)[k]} & 0xff00ff) + ((${w(a)[k]} >>> 8) & 0xff00ff)`);
    case "i32x4.extadd_pairwise_i16x8_u":
      return lanewise(r, (k) => `(${w(a)[k]} & 0xffff) + (${w(a)[k]} >>> 16)`);
    case "i32x4.dot_i16x8_s":
      return lanewise(r, (k) => {
        const p = w(a)[k], q = w(b)[k];
        return `(Math.imul((${p} << 16) >> 16, (${q} << 16) >> 16) + ` +
          `Math.imul(${p} >> 16, ${q} >> 16)) | 0`;
      });
    case "v128.store32_lane":
      return `mem.setInt32(${effectiveAddress(a, ins.b)}, ${w(b)[ins.c]}, true);`;
    case "v128.store64_lane": {
      const x = w(b);
      return `{ const p = ${effectiveAddress(a, ins.b)}; mem.setInt32(p + 4, ${
        x[2 * ins.c + 1]
      }, true); ` +
        `mem.setInt32(p, ${x[2 * ins.c]}, true); }`;
    }
  }
  return null;
}

/**
 * `i8x16.shuffle`: a result word that is a whole word of an operand (as in
 * `i32x4` shuffles) is moved, others are put together byte by byte.
 */
function shuffle(r: Value, a: Value, b: Value, ins: Instruction): string {
  const words: string[] = [];
  const sources = [...w(a), ...w(b)];
  for (let k = 0; k < 4; k++) {
    const first = ins.bytes[4 * k];
    let whole = (first & 3) === 0;
    for (let j = 1; j < 4; j++) if (ins.bytes[4 * k + j] !== first + j) whole = false;
    if (whole) {
      words.push(sources[first >> 2]);
      continue;
    }
    // Byte by byte: byte j of the result word is byte (index & 3) of source word index >> 2.
    const bytes: string[] = [];
    for (let j = 0; j < 4; j++) {
      const index = ins.bytes[4 * k + j];
      const source = sources[index >> 2], from = 8 * (index & 3), to = 8 * j;
      const byte = from === 0 ? `(${source} & 0xff)` : `((${source} >>> ${from}) & 0xff)`;
      bytes.push(to === 0 ? byte : `(${byte} << ${to})`);
    }
    words.push(bytes.join(" | "));
  }
  return across(r, words);
}
