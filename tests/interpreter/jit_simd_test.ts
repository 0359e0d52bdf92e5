// SIMD in the structured tier (lib/interpreter/jit/simd_inline.ts and simd_kernels.ts): every
// v128 instruction, inline or as a kernel, must give the interpreter's bytes and traps, and
// v128 values must survive locals, calls, blocks, select and globals.
import { test } from "node:test";
import assert from "node:assert/strict";
import { type Module, Runtime, RuntimeError } from "../../mod.ts";
import { decodeModule } from "../../lib/binary/decoder.ts";
import { wat2wasm } from "../../lib/text/wat.ts";
import { codegenModule, generateFunction } from "../../lib/interpreter/jit/codegen.ts";

/** Binary v128 instructions (v128, v128) -> v128: the inline ones and kernels alike. */
const BINARY = [
  "v128.and v128.andnot v128.or v128.xor",
  "i8x16.add i8x16.sub i8x16.add_sat_u i8x16.add_sat_s i8x16.sub_sat_u i8x16.avgr_u",
  "i8x16.eq i8x16.gt_u i8x16.lt_u i8x16.gt_s i8x16.min_u i8x16.max_s",
  "i8x16.narrow_i16x8_u i8x16.narrow_i16x8_s i8x16.swizzle",
  "i16x8.add i16x8.sub i16x8.mul i16x8.q15mulr_sat_s i16x8.narrow_i32x4_u i16x8.narrow_i32x4_s",
  "i16x8.extmul_low_i8x16_u i16x8.lt_s i16x8.avgr_u",
  "i32x4.add i32x4.sub i32x4.mul i32x4.dot_i16x8_s i32x4.min_s i32x4.max_s i32x4.min_u",
  "i32x4.eq i32x4.ne i32x4.lt_s i32x4.gt_s i32x4.le_s i32x4.ge_s i32x4.lt_u i32x4.gt_u",
  "i32x4.le_u i32x4.ge_u i32x4.extmul_high_i16x8_s",
  "i64x2.add i64x2.sub i64x2.mul i64x2.eq i64x2.lt_s",
  "f32x4.add f32x4.sub f32x4.mul f32x4.div f32x4.min f32x4.pmax f32x4.eq f32x4.lt",
  "f64x2.add f64x2.mul f64x2.max f64x2.le",
  "i32x4.max_u i32x4.extmul_low_i16x8_u i32x4.extmul_high_i16x8_u i32x4.extmul_low_i16x8_s",
  "f32x4.max f32x4.pmin f32x4.ne f32x4.gt f32x4.le f32x4.ge f64x2.sub f64x2.div f64x2.min",
  "f64x2.eq f64x2.ne f64x2.lt f64x2.gt f64x2.ge f64x2.pmax",
].join(" ").split(" ");

/** Unary v128 instructions v128 -> v128. */
const UNARY = [
  "v128.not i8x16.abs i8x16.neg i8x16.popcnt i16x8.extend_low_i8x16_u i16x8.extend_high_i8x16_s",
  "i16x8.extend_low_i8x16_s i16x8.extend_high_i8x16_u i16x8.extadd_pairwise_i8x16_u",
  "i32x4.extend_low_i16x8_u i32x4.extend_high_i16x8_u i32x4.extend_low_i16x8_s",
  "i32x4.extend_high_i16x8_s i32x4.neg i32x4.abs i32x4.trunc_sat_f32x4_s",
  "f32x4.neg f32x4.sqrt f32x4.nearest f32x4.convert_i32x4_u f64x2.promote_low_f32x4",
  "f32x4.abs f64x2.abs f64x2.neg f64x2.sqrt f32x4.convert_i32x4_s f64x2.convert_low_i32x4_s",
  "f64x2.convert_low_i32x4_u f32x4.demote_f64x2_zero i32x4.trunc_sat_f32x4_u",
  "i32x4.trunc_sat_f64x2_s_zero i32x4.trunc_sat_f64x2_u_zero i32x4.extadd_pairwise_i16x8_u",
].join(" ").split(" ");

/** v128 -> i32 instructions. */
const TO_I32 =
  "v128.any_true i8x16.all_true i8x16.bitmask i16x8.bitmask i32x4.bitmask i32x4.all_true"
    .split(" ");

/** Instructions with immediates or scalar operands, as whole expressions over vectors $a, $b. */
const OTHERS = [
  "(i8x16.shuffle 0 1 2 3 16 17 18 19 8 9 10 11 28 29 30 31 (local.get $a) (local.get $b))",
  "(i8x16.shuffle 3 17 0 31 5 5 5 5 9 20 1 2 15 14 13 12 (local.get $a) (local.get $b))",
  "(i32x4.shl (local.get $a) (i32.const 35))",
  "(i32x4.shr_s (local.get $a) (i32.const 7))",
  "(i32x4.shr_u (local.get $a) (i32.const 31))",
  "(i16x8.shr_u (local.get $a) (i32.const 3))",
  "(i16x8.shr_s (local.get $a) (i32.const 5))",
  "(i16x8.shl (local.get $a) (i32.const 17))",
  "(i16x8.shr_u (local.get $a) (i32.const 0))",
  "(f32x4.mul (f32x4.add (local.get $a) (local.get $b)) (f32x4.min (local.get $b) (local.get $a)))",
  "(f64x2.promote_low_f32x4 (f32x4.sqrt (f32x4.demote_f64x2_zero (local.get $a))))",
  "(i64x2.shl (local.get $a) (i32.const 40))",
  "(i32x4.splat (i32x4.extract_lane 2 (local.get $a)))",
  "(i16x8.splat (i16x8.extract_lane_s 5 (local.get $a)))",
  "(i16x8.splat (i16x8.extract_lane_u 3 (local.get $b)))",
  "(i8x16.splat (i8x16.extract_lane_s 13 (local.get $a)))",
  "(i8x16.splat (i8x16.extract_lane_u 6 (local.get $b)))",
  "(f32x4.splat (f32x4.extract_lane 1 (local.get $a)))",
  "(f64x2.splat (f64x2.extract_lane 1 (local.get $b)))",
  "(i64x2.splat (i64x2.extract_lane 0 (local.get $b)))",
  "(i32x4.replace_lane 3 (local.get $a) (i32.const -5))",
  "(f32x4.replace_lane 0 (local.get $a) (f32.reinterpret_i32 (i32.const 0x7fa00001)))",
  "(i8x16.replace_lane 9 (local.get $a) (i32.const 0x1ff))",
  "(v128.bitselect (local.get $a) (local.get $b) (v128.const i32x4 -1 0 0xff00ff00 0x0f0f0f0f))",
  "(v128.load8x8_u (i32.const 3))",
  "(v128.load8x8_s (i32.const 5))",
  "(v128.load16x4_s (i32.const 2))",
  "(v128.load32_splat (i32.const 6))",
  "(v128.load64_zero (i32.const 1))",
  "(v128.load8_lane 7 (i32.const 9) (local.get $a))",
];

function moduleSource(): string {
  const funcs: string[] = [];
  const body = (expr: string) =>
    `(local $a v128) (local $b v128)
     (local.set $a (v128.load (i32.const 0))) (local.set $b (v128.load (i32.const 16)))
     (v128.store (i32.const 32) ${expr})`;
  BINARY.forEach((op, i) =>
    funcs.push(`(func (export "b${i}") ${body(`(${op} (local.get $a) (local.get $b))`)})`)
  );
  UNARY.forEach((op, i) => funcs.push(`(func (export "u${i}") ${body(`(${op} (local.get $a))`)})`));
  TO_I32.forEach((op, i) =>
    funcs.push(`(func (export "t${i}") ${body(`(i32x4.splat (${op} (local.get $a)))`)})`)
  );
  OTHERS.forEach((expr, i) => funcs.push(`(func (export "o${i}") ${body(expr)})`));
  return `(module (memory (export "mem") 1)
    (global $g (mut v128) (v128.const i64x2 0 0))
    ;; v128 values through parameters, results, block results, select, br and a global.
    (func $swap (param v128 v128) (result v128 v128) (local.get 1) (local.get 0))
    (func $pick (param v128 v128 i32) (result v128)
      (block $out (result v128)
        (br_if $out (local.get 0) (local.get 2))
        (drop)
        (select (local.get 1) (v128.const i32x4 1 2 3 4) (i32.sub (local.get 2) (i32.const -1)))))
    (func (export "flow") (param i32)
      (call $swap (v128.load (i32.const 0)) (v128.load (i32.const 16)))
      (global.set $g (call $pick (local.get 0)))
      (v128.store (i32.const 32) (i8x16.add (global.get $g)
        (call $pick (call $swap (v128.load (i32.const 0)) (v128.load (i32.const 16))) (local.get 0)))))
    ;; Traps: a load or store past the end; a trapping store writes nothing.
    (func (export "load_oob") (param i32) (v128.store (i32.const 32) (v128.load (local.get 0))))
    (func (export "store_oob") (param i32) (v128.store (local.get 0) (v128.const i32x4 -1 -1 -1 -1)))
    (func (export "lane_oob") (param i32)
      (v128.store64_lane 1 (local.get 0) (v128.const i32x4 -1 -1 -1 -1)))
    ${funcs.join("\n")})`;
}

const SOURCE = moduleSource();

/** Byte patterns for the two operands: sign bits, saturation edges, NaNs, random bytes. */
function patterns(): Uint8Array[] {
  const out: Uint8Array[] = [];
  const words = (ws: number[]) => new Uint8Array(new Int32Array(ws).buffer);
  out.push(words([0x7fc00000, 0x7fa00001, -0x800000, 0x3f800000, 1, -1, 0x80000000, 0x7fffffff]));
  out.push(words([0x80ff7f01, 0x00ff8000, 0x7f7f8080, 0xffff0000, 0x4049_0fdb, 0, -2, 0x1234]));
  let seed = 0x2545f491;
  for (let k = 0; k < 3; k++) {
    const bytes = new Uint8Array(32);
    for (let i = 0; i < 32; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) | 0;
      bytes[i] = seed >>> 24;
    }
    out.push(bytes);
  }
  return out;
}

/** What a call did: the 16 result bytes, or its trap. */
function run(m: Module, name: string, input: Uint8Array, args: number[] = []): unknown {
  const mem = m.exportedMemory("mem")!;
  mem.write(0, input);
  mem.write(32, new Uint8Array(16).fill(0xee));
  try {
    m.exportedFunction(name)!.call(...args);
  } catch (e) {
    if (!(e instanceof RuntimeError)) throw e;
    return { trap: e.message };
  }
  return Array.from(mem.read(32, 16)!);
}

/**
 * Float lanes that are NaN, as "NaN": float arithmetic may return any
 * arithmetic NaN (the spec leaves the payload open), and JavaScriptCore's
 * tiers do not all keep a NaN operand's payload through a Float32Array.
 */
function nanLanes(name: string, result: unknown): unknown {
  if (!Array.isArray(result) || !/^\(?f(32x4|64x2)\./.test(name)) return result;
  const bytes = new Uint8Array(result);
  const view = new DataView(bytes.buffer);
  const wide = /^\(?f64/.test(name);
  const lanes: unknown[] = [];
  for (let at = 0; at < 16; at += wide ? 8 : 4) {
    const x = wide ? view.getFloat64(at, true) : view.getFloat32(at, true);
    lanes.push(Number.isNaN(x) ? "NaN" : Array.from(bytes.subarray(at, at + (wide ? 8 : 4))));
  }
  return lanes;
}

async function instances(): Promise<[Module, Module]> {
  const interp = await new Runtime({ jsTier: false }).instantiate(SOURCE);
  const jit = await new Runtime({ jsTier: 1 }).instantiate(SOURCE);
  return [interp, jit];
}

test("the structured tier compiles functions with v128 locals, parameters and results", () => {
  const bytes = wat2wasm(SOURCE);
  const module = decodeModule(bytes);
  const cm = codegenModule(module);
  for (let i = 0; i < module.codes.length; i++) {
    assert.notEqual(generateFunction(cm, i), null, `function ${i}`);
  }
});

test("every SIMD instruction gives the interpreter's bytes in the structured tier", async () => {
  const [interp, jit] = await instances();
  const names = [
    ...BINARY.map((_, i) => `b${i}`),
    ...UNARY.map((_, i) => `u${i}`),
    ...TO_I32.map((_, i) => `t${i}`),
    ...OTHERS.map((_, i) => `o${i}`),
  ];
  const ops = [...BINARY, ...UNARY, ...TO_I32, ...OTHERS];
  for (const input of patterns()) {
    names.forEach((name, i) => {
      const op = ops[i];
      assert.deepEqual(
        nanLanes(op, run(jit, name, input)),
        nanLanes(op, run(interp, name, input)),
        op,
      );
    });
  }
  // Spot checks that the comparison means something.
  const input = patterns()[0];
  const add = run(jit, `b${BINARY.indexOf("i32x4.add")}`, input) as number[];
  assert.deepEqual(add.slice(0, 4), [0x01, 0x00, 0xc0, 0x7f]); // 0x7fc00000 + 1
  const shuffled = run(jit, "o0", input) as number[];
  assert.deepEqual(shuffled.slice(4, 8), [0x01, 0x00, 0x00, 0x00]); // word 0 of $b
});

test("v128 values pass through calls, blocks, select and globals", async () => {
  const [interp, jit] = await instances();
  for (const input of patterns()) {
    for (const branch of [0, 1, -1]) {
      assert.deepEqual(run(jit, "flow", input, [branch]), run(interp, "flow", input, [branch]));
    }
  }
  const input = patterns()[1];
  // br_if taken: $g and the sum are both $b's words (the swapped first operand) added bytewise.
  const b = Array.from(input.slice(16, 32));
  assert.deepEqual(run(jit, "flow", input, [1]), b.map((x) => (2 * x) & 0xff));
});

test("SIMD loads and stores out of bounds trap, and a trapping store writes nothing", async () => {
  const [interp, jit] = await instances();
  for (const [name, at] of [["load_oob", 65530], ["store_oob", 65530], ["lane_oob", 65532]]) {
    const input = patterns()[0];
    const expected = run(interp, name as string, input, [at as number]);
    assert.deepEqual(expected, { trap: "out of bounds memory access" });
    assert.deepEqual(run(jit, name as string, input, [at as number]), expected, name as string);
  }
  const mem = jit.exportedMemory("mem")!;
  mem.write(65520, new Uint8Array(16));
  run(jit, "store_oob", patterns()[0], [65530]);
  assert.deepEqual(Array.from(mem.read(65520, 16)!), new Array(16).fill(0));
  run(jit, "lane_oob", patterns()[0], [65532]);
  assert.deepEqual(Array.from(mem.read(65520, 16)!), new Array(16).fill(0));
  assert.deepEqual(run(jit, "load_oob", patterns()[0], [65520]), new Array(16).fill(0));
});
