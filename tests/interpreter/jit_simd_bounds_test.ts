// Lane bounds in the structured tier (lib/interpreter/jit/simd_facts.ts): sums of widened bytes
// add without carry guards and narrow without saturation while the bounds prove it exact, and
// fall back to the guarded code the moment they do not. Every result is checked against the
// interpreter, on random bytes and on all-0xff bytes (the largest sums, saturating narrows).
import { test } from "node:test";
import assert from "node:assert/strict";
import { type Module, Runtime } from "../../mod.ts";
import { decodeModule } from "../../lib/binary/decoder.ts";
import { wat2wasm } from "../../lib/text/wat.ts";
import { codegenModule, generateFunction } from "../../lib/interpreter/jit/codegen.ts";

/** The i16x8 sum of `n` widened loads of 8 bytes at offsets 0, 1, 2, ... */
function sum(n: number): string {
  let s = "(v128.load8x8_u (i32.const 0))";
  for (let k = 1; k < n; k++) s = `(i16x8.add ${s} (v128.load8x8_u (i32.const ${k})))`;
  return s;
}

/** A sum of 9 rows scaled by `m`/65536 in u32 lanes, narrowed back to u8 (a blur's tail). */
function scaled(m: number, shift: string): string {
  const half = (part: string) =>
    `(i32x4.shr_u (i32x4.mul (i32x4.extend_${part}_i16x8_u (local.get $s)) (local.get $k)) ${shift})`;
  return `(local.set $s ${sum(9)}) (local.set $k (v128.const i32x4 ${m} ${m} ${m} ${m}))
    (local.set $q (i16x8.narrow_i32x4_u ${half("low")} ${half("high")}))
    (i8x16.narrow_i16x8_u (local.get $q) (local.get $q))`;
}

const FUNCS: [string, string][] = [
  ["sum9", sum(9)],
  ["sum257", sum(257)], // 257 × 255 = 65535: still no lane can carry
  ["sum258", sum(258)], // one more: lanes wrap, the guarded add is needed
  ["blur", scaled(7282, "(i32.const 16)")], // lanes stay below 256: narrows are plain packing
  ["blur_sat", scaled(8000, "(i32.const 16)")], // up to 280: the u8 narrow must saturate
  ["blur_shift", scaled(7282, "(local.get $n)")], // shift not constant: nothing known after it
  [
    "pairwise",
    "(i16x8.add (i16x8.extadd_pairwise_i8x16_u (v128.load (i32.const 3))) " +
    "(i16x8.extend_low_i8x16_u (v128.load (i32.const 7))))",
  ],
  ["splat", "(i16x8.add (i16x8.splat (i32.const 0x8000)) (i16x8.splat (i32.const 0x80ff)))"],
  // Widened bytes are held deinterleaved until something reads their words in order.
  ["lazy_store", "(v128.load8x8_u (i32.const 5))"],
  ["lazy_mixed", "(i16x8.add (v128.load8x8_u (i32.const 1)) (v128.load (i32.const 9)))"],
  ["lazy_lane", "(i16x8.splat (i16x8.extract_lane_u 5 (v128.load8x8_u (i32.const 2))))"],
  ["lazy_sub", "(i16x8.sub (v128.load8x8_u (i32.const 1)) (v128.load8x8_u (i32.const 2)))"],
  [
    "lazy_extend",
    "(i16x8.add (i16x8.extend_high_i8x16_u (v128.load (i32.const 3))) " +
    "(i16x8.extend_low_i8x16_u (v128.load (i32.const 6))))",
  ],
  ["lazy_tee", "(i16x8.add (local.tee $s (v128.load8x8_u (i32.const 4))) (local.get $s))"],
  [
    "lazy_block",
    "(block (result v128) (v128.load8x8_u (i32.const 3)) (br_if 0 (local.get $n)) " +
    "(drop) (v128.load8x8_u (i32.const 7)))",
  ],
  [
    "lazy_select",
    "(select (v128.load8x8_u (i32.const 3)) (v128.load8x8_u (i32.const 11)) " +
    "(local.get $n))",
  ],
  [
    "lazy_call",
    "(call $id (i16x8.add (v128.load8x8_u (i32.const 1)) (v128.load8x8_u (i32.const 8))))",
  ],
  // f32x4 arithmetic results are held as float numbers until something reads their bits.
  [
    "float_chain",
    "(f32x4.add (f32x4.mul (v128.load (i32.const 0)) (v128.load (i32.const 16))) " +
    "(f32x4.div (v128.load (i32.const 32)) (f32x4.sub (v128.load (i32.const 48)) " +
    "(v128.load (i32.const 4)))))",
  ],
  [
    // (No NaN in these lanes: the bits of an arithmetic NaN are not fixed.)
    "float_bits",
    "(v128.xor (f32x4.mul (v128.load (i32.const 64)) (v128.load (i32.const 80))) " +
    "(f32x4.add (v128.load (i32.const 96)) (v128.load (i32.const 112))))",
  ],
  ["float_abs", "(f32x4.abs (f32x4.sub (v128.load (i32.const 0)) (v128.load (i32.const 16))))"],
  [
    "float_lane",
    "(f32x4.splat (f32x4.extract_lane 2 (f32x4.mul (v128.load (i32.const 0)) " +
    "(v128.load (i32.const 12)))))",
  ],
  [
    "float_loop",
    `(f32x4.mul (v128.load (i32.const 40)) (v128.load (i32.const 0)))
    (loop $l (param v128) (result v128)
      (f32x4.add (f32x4.mul (v128.load (local.get $n)) (v128.load (i32.const 20))))
      (br_if $l (i32.gt_s (local.tee $n (i32.sub (local.get $n) (i32.const 4))) (i32.const 0))))`,
  ],
  [
    "double_chain",
    "(f64x2.add (f64x2.mul (v128.load (i32.const 0)) (v128.load (i32.const 16))) " +
    "(f64x2.div (v128.load (i32.const 32)) (f64x2.sub (v128.load (i32.const 48)) " +
    "(v128.load (i32.const 8)))))",
  ],
  // A double result read as f32 lanes: its bits first, then floats.
  [
    "float_mixed",
    "(f32x4.add (f64x2.mul (v128.load (i32.const 64)) (v128.load (i32.const 80))) " +
    "(v128.load (i32.const 96)))",
  ],
  [
    "lazy_loop",
    `(v128.load8x8_u (i32.const 1))
    (loop $l (param v128) (result v128)
      (i16x8.add (v128.load8x8_u (local.get $n)))
      (br_if $l (i32.gt_s (local.tee $n (i32.sub (local.get $n) (i32.const 1))) (i32.const 0))))`,
  ],
];

const SOURCE = `(module (memory (export "mem") 1)
  (func $id (param v128) (result v128) (local.get 0))
  ;; Vectors loaded for float arithmetic are loaded as floats: the same bounds check and trap.
  (func (export "float_trap") (param $n i32) (result f32)
    (f32x4.extract_lane 1 (f32x4.mul (v128.load (i32.const 0)) (v128.load (local.get $n)))))
  (func (export "double_trap") (param $n i32) (result f64)
    (f64x2.extract_lane 1 (f64x2.add (v128.load (local.get $n)) (v128.load (i32.const 16)))))
  ${
  FUNCS.map(([name, expr]) =>
    `(func (export "${name}") (param $n i32) (local $s v128) (local $k v128) (local $q v128)
      (v128.store (i32.const 4096) ${expr}))`
  ).join("\n")
})`;

/**
 * Float results with NaN lanes as "NaN": f32x4 arithmetic may return any
 * arithmetic NaN (the spec leaves the payload open).
 */
function nanLanes(out: Record<string, number[]>): Record<string, unknown[]> {
  const lanes: Record<string, unknown[]> = {};
  for (const [name, bytes] of Object.entries(out)) {
    if (!name.startsWith("float_") && !name.startsWith("double_")) {
      lanes[name] = bytes;
      continue;
    }
    const buffer = new Uint8Array(bytes).buffer, size = name.startsWith("float_") ? 4 : 8;
    const f = size === 4 ? new Float32Array(buffer) : new Float64Array(buffer);
    lanes[name] = Array.from(
      f,
      (x, k) => Number.isNaN(x) ? "NaN" : bytes.slice(size * k, size * (k + 1)),
    );
  }
  return lanes;
}

function results(m: Module, bytes: Uint8Array): Record<string, number[]> {
  const mem = m.exportedMemory("mem")!;
  const out: Record<string, number[]> = {};
  for (const [name] of FUNCS) {
    mem.write(0, bytes);
    for (const n of [0, 16]) {
      m.exportedFunction(name)!.call(n);
      out[`${name}(${n})`] = Array.from(mem.read(4096, 16)!);
      mem.write(4096, new Uint8Array(16));
    }
  }
  return out;
}

test("bounded SIMD sums and narrows give the interpreter's bytes in the structured tier", async () => {
  const interp = await new Runtime({ jsTier: false }).instantiate(SOURCE);
  const jit = await new Runtime({ jsTier: 1 }).instantiate(SOURCE);
  let seed = 0x1234567;
  const random = new Uint8Array(512).map(() => {
    seed = (Math.imul(seed, 1103515245) + 12345) | 0;
    return seed >>> 24;
  });
  // Floats: ordinary values, a NaN with a payload, infinities and zeros in every lane order.
  const floats = new Float32Array(128).map((_, i) =>
    [1.5, -2.25, 1e30, 3.0e-39, 7, 0.1][i % 6] * i
  );
  const special = new Uint32Array(floats.buffer);
  for (const [i, bits] of [[2, 0x7fa00001], [9, 0x7f800000], [13, 0xff800000], [17, 0x80000000]]) {
    special[i] = bits;
  }
  const floatBytes = new Uint8Array(floats.buffer);
  for (
    const bytes of [
      random,
      new Uint8Array(512).fill(0xff),
      new Uint8Array(512).fill(0x80),
      floatBytes,
    ]
  ) {
    assert.deepEqual(nanLanes(results(jit, bytes)), nanLanes(results(interp, bytes)));
  }
  // The cases mean what they say: all-0xff rows sum to 9 × 255 and 258 × 255 (mod 2¹⁶).
  const ones = results(jit, new Uint8Array(512).fill(0xff));
  assert.deepEqual(ones["sum9(16)"].slice(0, 2), [0xf7, 0x08]); // 2295
  assert.deepEqual(ones["sum258(16)"].slice(0, 2), [0xfe, 0x00]); // 65790 mod 65536
  assert.deepEqual(ones["blur_sat(16)"].slice(0, 2), [0xff, 0xff]); // 280 saturated
  assert.deepEqual(ones["blur(16)"].slice(0, 2), [0xff, 0xff]); // 2295 × 7282 >> 16 = 255
  assert.deepEqual(ones["splat(16)"].slice(0, 2), [0xff, 0x00]); // 0x8000 + 0x80ff wraps to 0x00ff
});

test("float loads trap where word loads do", async () => {
  const interp = await new Runtime({ jsTier: false }).instantiate(SOURCE);
  const jit = await new Runtime({ jsTier: 1 }).instantiate(SOURCE);
  for (const name of ["float_trap", "double_trap"]) {
    for (const n of [0, 65520, 65521, 65536, -1]) {
      const outcome = (m: Module) => {
        m.exportedMemory("mem")!.write(0, new Uint8Array(64).fill(0x3f));
        try {
          return m.exportedFunction(name)!.call(n);
        } catch (e) {
          return String(e);
        }
      };
      assert.deepEqual(outcome(jit), outcome(interp), `${name}(${n})`);
    }
  }
  const trapped = await new Runtime({ jsTier: 1 }).instantiate(SOURCE);
  assert.throws(() => trapped.exportedFunction("float_trap")!.call(65521), /out of bounds/);
});

test("the bounds drop the guards only where they prove them unneeded", () => {
  const module = decodeModule(wat2wasm(SOURCE));
  const cm = codegenModule(module);
  const source = (name: string) =>
    generateFunction(cm, 3 + FUNCS.findIndex(([n]) => n === name))!.source;
  const guardedAdds = (s: string) => s.split("0x7fff7fff").length - 1;
  assert.equal(guardedAdds(source("sum9")), 0);
  assert.equal(guardedAdds(source("sum257")), 0);
  assert.equal(guardedAdds(source("sum258")), 8); // the last add only (two masks a word)
  assert.doesNotMatch(source("blur"), /narrowU/);
  assert.match(source("blur_sat"), /narrowU8/);
  assert.doesNotMatch(source("blur_sat"), /narrowU16/);
  assert.match(source("blur_shift"), /narrowU16/);
  assert.equal(guardedAdds(source("splat")), 8); // 0x8000 + 0x80ff carries: guarded
  // Deinterleaved sums are put in order once, at the end.
  assert.equal(source("sum9").split("const e = ").length - 1, 1);
  assert.equal(source("lazy_loop").split("const e = ").length - 1, 2); // entering, going round
  // A chain of f32x4 arithmetic goes through the scratch only at its ends: words in, bits out.
  assert.equal(source("float_chain").split("H_SF_F[0] = ").length - 1, 1);
  assert.equal(source("double_chain").split("H_SF_D[0] = ").length - 1, 1);
  assert.equal(source("float_chain").split("getFloat32(").length - 1, 20); // five loads
  assert.equal(source("float_chain").split("H_SF_I[0] = ").length - 1, 0); // no words to floats
});
