// The structured tier keeps an i64 as two and a vector as four int32 words in JS variables; every
// op must leave them int32, or an op that reads a word as a number (a comparison, a saturating
// narrow, a conversion) sees another value than the interpreter's Int32Array holds. The matrices of
// tools/fuzz/reader_matrix.ts (which CI also runs against the native engine) feed each op's result
// to such readers; here the interpreter is the reference, so this runs without WebAssembly too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Runtime } from "../../mod.ts";
import { wat2wasm } from "../../lib/text/index.ts";
import { type Family, scalarFamilies, simdFamily } from "../../tools/fuzz/reader_families.ts";
import { ourEngine, outcome } from "../../tools/fuzz/reader_engines.ts";

/** The functions of `family` whose outcomes differ between the interpreter and the structured tier. */
async function differences(family: Family, inputs: number): Promise<string[]> {
  const bytes = wat2wasm(family.source);
  const interpreted = await ourEngine(bytes, false, "interpret");
  const compiled = await ourEngine(bytes, 1, "eager"); // each function compiled at its first call
  const found = new Set<string>();
  for (let n = 0; n < inputs; n++) {
    const input = family.input(n);
    for (let f = 0; f < family.names.length; f++) {
      const a = outcome(interpreted, f, input, family.nanEqual);
      if (a !== outcome(compiled, f, input, family.nanEqual)) found.add(family.names[f]);
    }
  }
  return [...found];
}

test("every integer SIMD op leaves int32 words that later ops read alike in both tiers", async () => {
  // i8x16.avgr_u's words fell outside the int32 range (9c6174d).
  assert.deepEqual(await differences(simdFamily(), 12), []);
});

test("every integer scalar op leaves int32 words that later ops read alike in both tiers", async () => {
  // i64.shr_u by a run-time count of 0 or 32 mod 64 left an unsigned word (54f68c4).
  assert.deepEqual(await differences(scalarFamilies().find((f) => f.name === "scalar")!, 12), []);
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
