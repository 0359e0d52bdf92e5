// The structured tier keeps an i64 as two and a vector as four int32 words in JS variables; every
// op must leave them int32, or an op that reads a word as a number (a comparison, a saturating
// narrow, a conversion) sees another value than the interpreter's Int32Array holds. The ops here
// feed such readers, in the interpreter and in the structured tier, on the same inputs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Runtime } from "../../mod.ts";

const BINARY =
  `i8x16.add i8x16.sub i8x16.add_sat_s i8x16.add_sat_u i8x16.sub_sat_s i8x16.sub_sat_u i8x16.min_s i8x16.min_u i8x16.max_s i8x16.max_u i8x16.avgr_u i8x16.eq i8x16.ne i8x16.lt_s i8x16.lt_u i8x16.gt_s i8x16.gt_u i8x16.le_s i8x16.le_u i8x16.ge_s i8x16.ge_u i8x16.narrow_i16x8_s i8x16.narrow_i16x8_u i8x16.swizzle
i16x8.add i16x8.sub i16x8.mul i16x8.add_sat_s i16x8.add_sat_u i16x8.sub_sat_s i16x8.sub_sat_u i16x8.min_s i16x8.min_u i16x8.max_s i16x8.max_u i16x8.avgr_u i16x8.eq i16x8.ne i16x8.lt_s i16x8.lt_u i16x8.gt_s i16x8.gt_u i16x8.le_s i16x8.le_u i16x8.ge_s i16x8.ge_u i16x8.narrow_i32x4_s i16x8.narrow_i32x4_u i16x8.q15mulr_sat_s i16x8.extmul_low_i8x16_s i16x8.extmul_high_i8x16_s i16x8.extmul_low_i8x16_u i16x8.extmul_high_i8x16_u
i32x4.add i32x4.sub i32x4.mul i32x4.min_s i32x4.min_u i32x4.max_s i32x4.max_u i32x4.eq i32x4.ne i32x4.lt_s i32x4.lt_u i32x4.gt_s i32x4.gt_u i32x4.le_s i32x4.le_u i32x4.ge_s i32x4.ge_u i32x4.dot_i16x8_s i32x4.extmul_low_i16x8_s i32x4.extmul_high_i16x8_s i32x4.extmul_low_i16x8_u i32x4.extmul_high_i16x8_u
i64x2.add i64x2.sub i64x2.mul i64x2.eq i64x2.ne i64x2.lt_s i64x2.gt_s i64x2.le_s i64x2.ge_s i64x2.extmul_low_i32x4_s i64x2.extmul_high_i32x4_s i64x2.extmul_low_i32x4_u i64x2.extmul_high_i32x4_u
v128.and v128.or v128.xor v128.andnot`.split(/\s+/);
const UNARY =
  `i8x16.abs i8x16.neg i8x16.popcnt i16x8.abs i16x8.neg i16x8.extend_low_i8x16_s i16x8.extend_high_i8x16_s i16x8.extend_low_i8x16_u i16x8.extend_high_i8x16_u i16x8.extadd_pairwise_i8x16_s i16x8.extadd_pairwise_i8x16_u
i32x4.abs i32x4.neg i32x4.extend_low_i16x8_s i32x4.extend_high_i16x8_s i32x4.extend_low_i16x8_u i32x4.extend_high_i16x8_u i32x4.extadd_pairwise_i16x8_s i32x4.extadd_pairwise_i16x8_u
i64x2.abs i64x2.neg i64x2.extend_low_i32x4_s i64x2.extend_high_i32x4_s i64x2.extend_low_i32x4_u i64x2.extend_high_i32x4_u v128.not`
    .split(/\s+/);
const READERS = [
  "(i16x8.narrow_i32x4_u (local.get $r) (local.get $r))",
  "(i16x8.narrow_i32x4_s (local.get $r) (local.get $r))",
  "(i8x16.narrow_i16x8_u (local.get $r) (local.get $r))",
  "(i32x4.min_s (local.get $r) (local.get $b))",
  "(i32x4.max_u (local.get $r) (local.get $b))",
  "(i32x4.lt_s (local.get $r) (local.get $b))",
  "(i32x4.gt_u (local.get $r) (local.get $b))",
  "(f32x4.convert_i32x4_s (local.get $r))",
  "(f32x4.convert_i32x4_u (local.get $r))",
  "(f64x2.convert_low_i32x4_u (local.get $r))",
  "(i32x4.splat (i32.add (i32x4.extract_lane 1 (local.get $r)) (i32x4.extract_lane 3 (local.get $r))))",
  "(i32x4.splat (i32x4.bitmask (local.get $r)))",
  "(i32x4.splat (v128.any_true (local.get $r)))",
  "(i32x4.splat (i32x4.all_true (local.get $r)))",
  "(i64x2.splat (i64.div_u (i64x2.extract_lane 0 (local.get $r)) (i64.const 7)))",
  "(i32x4.splat (i32.div_u (i32x4.extract_lane 2 (local.get $r)) (i32.const 7)))",
  "(i32x4.shr_u (local.get $r) (i32.const 3))",
  "(i32x4.add (local.get $r) (local.get $r))",
  "(local.get $r)",
];

/** Input words: a pseudo-random mix of edge values (sign bits, byte and lane extremes) and others. */
function inputs(seed: number): Int32Array {
  const edge = [
    0,
    1,
    -1,
    0x7fffffff,
    -0x80000000,
    0x80808080,
    0x7f7f7f7f,
    0xffff,
    0x8000,
    0x00ff00ff,
  ];
  const words = new Int32Array(8);
  let s = Math.imul(seed + 1, 2654435761) >>> 0;
  for (let i = 0; i < 8; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    words[i] = (s & 3) === 0 ? edge[(s >>> 8) % edge.length] : (s ^ (s << 7)) | 0;
  }
  return words;
}

test("every integer SIMD op leaves int32 words that later ops read alike in both tiers", async () => {
  const ops = [
    ...BINARY.map((op) => `(${op} (local.get $a) (local.get $b))`),
    ...UNARY.map((op) => `(${op} (local.get $a))`),
  ];
  const names: string[] = [];
  let funcs = "";
  for (const op of ops) {
    for (const reader of READERS) {
      funcs += `(func (export "f${names.length}") (local $a v128) (local $b v128) (local $r v128)
        (local.set $a (v128.load (i32.const 0))) (local.set $b (v128.load (i32.const 16)))
        (local.set $r ${op}) (v128.store (i32.const 32) ${reader}))`;
      names.push(`${op} read by ${reader}`);
    }
  }
  const source = `(module (memory (export "mem") 1) ${funcs})`;
  // The interpreter, and the structured tier compiling each function at its first call.
  const runtimes = [new Runtime({ jsTier: false }), new Runtime({ jsTier: 1 })];
  const [interpreted, compiled] = await Promise.all(runtimes.map((r) => r.instantiate(source)));
  const differences: string[] = [];
  for (let seed = 0; seed < 12; seed++) {
    const bytes = new Uint8Array(inputs(seed).buffer);
    for (let f = 0; f < names.length; f++) {
      const results = [interpreted, compiled].map((m) => {
        m.exportedMemory("mem")!.write(0, bytes);
        m.exportedFunction(`f${f}`)!.call();
        return [...m.exportedMemory("mem")!.read(32, 16)!].join(",");
      });
      if (results[0] !== results[1] && differences.length < 10) differences.push(names[f]);
    }
  }
  for (const r of runtimes) r.close();
  assert.deepEqual(differences, []);
});

test("i64.shr_u by a count of 0 or 32 mod 64 leaves int32 words (the structured tier's too)", async () => {
  const source = `(module
    (func (export "shr") (param $x i64) (param $n i64) (param $y i64) (result i32 i32 i64)
      (local $r i64)
      (local.set $r (i64.shr_u (local.get $x) (local.get $n)))
      (i64.lt_s (local.get $r) (local.get $y))
      (i64.eq (local.get $r) (i64.shr_u (local.get $x) (i64.and (local.get $n) (i64.const 63))))
      (local.get $r)))`;
  const runtimes = [new Runtime({ jsTier: false }), new Runtime({ jsTier: 1 })];
  const x = -0x151d1a36ffff8000n, y = 0x246370ef43e00000n;
  for (const runtime of runtimes) {
    const shr = (await runtime.instantiate(source)).exportedFunction("shr")!;
    for (const n of [0n, 32n, 64n, 96n, 0x246370ef43e00000n, 0x20n | (1n << 40n)]) {
      const r = BigInt.asUintN(64, x) >> (n & 63n);
      const expected = [BigInt.asIntN(64, r) < y ? 1 : 0, 1, BigInt.asIntN(64, r)];
      // Called twice: the structured tier compiles it at the first call, the second runs that.
      shr.call(x, n, y);
      assert.deepEqual(shr.call(x, n, y), expected, `count ${n}`);
    }
    runtime.close();
  }
});

test("every integer scalar op leaves int32 words that later ops read alike in both tiers", async () => {
  const BINARY_OPS = "add sub mul div_s div_u rem_s rem_u and or xor shl shr_s shr_u rotl rotr";
  const producers: [string, string][] = []; // [type, expression]
  for (const op of BINARY_OPS.split(" ")) {
    // Counts known only at run time that are 0 or 32 mod 64, besides constants: a shift by a
    // variable goes through other code than one by a constant.
    const counts64 = [
      "(local.get $y)",
      "(i64.shl (local.get $y) (i64.const 6))",
      "(i64.or (i64.shl (local.get $y) (i64.const 6)) (i64.const 32))",
      "(i64.const 0)",
      "(i64.const 32)",
      "(i64.const 63)",
    ];
    for (const c of counts64) {
      producers.push(["i64", `(i64.${op} (local.get $x) ${c})`]);
    }
    const counts32 = [
      "(local.get $j)",
      "(i32.shl (local.get $j) (i32.const 5))",
      "(i32.const 0)",
      "(i32.const 31)",
      "(i32.const -1)",
    ];
    for (const c of counts32) {
      producers.push(["i32", `(i32.${op} (local.get $i) ${c})`]);
    }
  }
  for (const op of ["clz", "ctz", "popcnt", "extend8_s", "extend16_s", "extend32_s"]) {
    producers.push(["i64", `(i64.${op} (local.get $x))`]);
    if (op !== "extend32_s") producers.push(["i32", `(i32.${op} (local.get $i))`]);
  }
  producers.push(["i64", "(i64.extend_i32_u (local.get $i))"], [
    "i32",
    "(i32.wrap_i64 (local.get $x))",
  ]);
  const readers: Record<string, string[]> = {
    i64: [
      "(i64.lt_s (local.get $r) (local.get $y))",
      "(i64.lt_u (local.get $r) (local.get $y))",
      "(i64.eq (local.get $r) (local.get $x))",
      "(i32.wrap_i64 (i64.div_u (local.get $r) (i64.const 10)))",
      "(i32.trunc_sat_f64_s (f64.convert_i64_s (local.get $r)))",
      "(i32.reinterpret_f32 (f32.convert_i64_u (local.get $r)))",
    ],
    i32: [
      "(i32.lt_s (local.get $r) (local.get $j))",
      "(i32.lt_u (local.get $r) (local.get $j))",
      "(i32.eq (local.get $r) (local.get $i))",
      "(i32.div_u (local.get $r) (i32.const 10))",
      "(i32.trunc_sat_f64_s (f64.convert_i32_u (local.get $r)))",
      "(i32.wrap_i64 (i64.extend_i32_u (local.get $r)))",
    ],
  };
  const names: string[] = [];
  let funcs = "";
  for (const [type, op] of producers) {
    for (const reader of readers[type]) {
      funcs += `(func (export "f${names.length}") (param $x i64) (param $y i64) (param $i i32)
        (param $j i32) (result i32) (local $r ${type}) (local.set $r ${op}) ${reader})`;
      names.push(`${op} read by ${reader}`);
    }
  }
  const source = `(module ${funcs})`;
  const runtimes = [new Runtime({ jsTier: false }), new Runtime({ jsTier: 1 })];
  const [interpreted, compiled] = await Promise.all(runtimes.map((r) => r.instantiate(source)));
  const differences: string[] = [];
  for (let seed = 0; seed < 10; seed++) {
    const w = inputs(seed);
    const args = [
      BigInt(w[0]) << 32n | BigInt(w[1] >>> 0),
      BigInt(w[2]) << 32n | BigInt(w[3] >>> 0),
    ];
    const call = (m: typeof compiled, f: number) => {
      try {
        return String(m.exportedFunction(`f${f}`)!.call(args[0], args[1], w[4], w[5]));
      } catch (e) {
        return (e as Error).message;
      }
    };
    for (let f = 0; f < names.length; f++) {
      call(compiled, f); // compiled at this first call
      if (call(interpreted, f) !== call(compiled, f) && differences.length < 10) {
        differences.push(names[f]);
      }
    }
  }
  for (const r of runtimes) r.close();
  assert.deepEqual(differences, []);
});
