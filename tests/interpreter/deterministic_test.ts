import { test } from "node:test";
import assert from "node:assert/strict";
import { Runtime } from "../../mod.ts";
import { useRegisterTierOnly } from "../../lib/runtime/runtime.ts";
import { instructionWidth, OP } from "../../lib/interpreter/ops.ts";

/** Runtimes for every tier, with the deterministic profile on or off. */
function tiers(deterministic: boolean): [string, () => Runtime][] {
  return [
    ["interpreter", () => new Runtime({ deterministic, jsTier: false })],
    ["register-code tier", () => useRegisterTierOnly(new Runtime({ deterministic, jsTier: 1 }))],
    ["structured tier", () => new Runtime({ deterministic, jsTier: 1 })],
    ["default tiering", () => new Runtime({ deterministic })],
  ];
}

const F32_CANONICAL = 0x7fc00000;
const F64_CANONICAL = 0x7ff8000000000000n;
/** NaNs with payloads and signs: a signalling one and a negative quiet one. */
const F32_NANS = [0x7fa00001, 0xffc00123 | 0, 0x7fc00000];
const F64_NANS = [0x7ff4000000000001n, 0xfff8000000000123n];
const ONE_F32 = 0x3f800000, ONE_F64 = 0x3ff0000000000000n;

const f32In = (x: string) => `(f32.reinterpret_i32 (local.get ${x}))`;
const f64In = (x: string) => `(f64.reinterpret_i64 (local.get ${x}))`;
const binary32 = ["add", "sub", "mul", "div", "min", "max"];
const unary32 = ["sqrt", "ceil", "floor", "trunc", "nearest"];

const MODULE = `(module
  ${
  binary32.map((op) =>
    `(func (export "f32.${op}") (param i32 i32) (result i32)
      (i32.reinterpret_f32 (f32.${op} ${f32In("0")} ${f32In("1")})))
    (func (export "f64.${op}") (param i64 i64) (result i64)
      (i64.reinterpret_f64 (f64.${op} ${f64In("0")} ${f64In("1")})))
    (func (export "f32x4.${op}") (param i32 i32) (result i32)
      (i32x4.extract_lane 3 (f32x4.${op} (i32x4.splat (local.get 0)) (i32x4.splat (local.get 1)))))
    (func (export "f64x2.${op}") (param i64 i64) (result i64)
      (i64x2.extract_lane 1 (f64x2.${op} (i64x2.splat (local.get 0)) (i64x2.splat (local.get 1)))))`
  ).join("\n")
}
  ${
  unary32.map((op) =>
    `(func (export "f32.${op}") (param i32) (result i32)
      (i32.reinterpret_f32 (f32.${op} ${f32In("0")})))
    (func (export "f64.${op}") (param i64) (result i64)
      (i64.reinterpret_f64 (f64.${op} ${f64In("0")})))
    (func (export "f32x4.${op}") (param i32) (result i32)
      (i32x4.extract_lane 0 (f32x4.${op} (i32x4.splat (local.get 0)))))
    (func (export "f64x2.${op}") (param i64) (result i64)
      (i64x2.extract_lane 0 (f64x2.${op} (i64x2.splat (local.get 0)))))`
  ).join("\n")
}
  (func (export "f32.demote_f64") (param i64) (result i32)
    (i32.reinterpret_f32 (f32.demote_f64 ${f64In("0")})))
  (func (export "f64.promote_f32") (param i32) (result i64)
    (i64.reinterpret_f64 (f64.promote_f32 ${f32In("0")})))
  (func (export "f32x4.demote_f64x2_zero") (param i64) (result i32)
    (i32x4.extract_lane 0 (f32x4.demote_f64x2_zero (i64x2.splat (local.get 0)))))
  (func (export "f64x2.promote_low_f32x4") (param i32) (result i64)
    (i64x2.extract_lane 0 (f64x2.promote_low_f32x4 (i32x4.splat (local.get 0)))))
  ;; Not arithmetic: these keep the bits.
  (func (export "f32.neg") (param i32) (result i32) (i32.reinterpret_f32 (f32.neg ${f32In("0")})))
  (func (export "f32.abs") (param i32) (result i32) (i32.reinterpret_f32 (f32.abs ${f32In("0")})))
  (func (export "f32.copysign") (param i32 i32) (result i32)
    (i32.reinterpret_f32 (f32.copysign ${f32In("0")} ${f32In("1")})))
  (func (export "f64.neg") (param i64) (result i64) (i64.reinterpret_f64 (f64.neg ${f64In("0")})))
  (memory 1)
  (func (export "f32.store_load") (param i32) (result i32)
    (f32.store (i32.const 8) ${f32In("0")})
    (i32.load (i32.const 8)))
  ;; A hot loop, so that the JIT states change while it runs: OR of every product's
  ;; difference from the canonical NaN, stored through memory.
  (func (export "hot") (param i32 i32 i32) (result i32)
    (local $acc i32) (local $x f32)
    (loop $l
      (local.set $x (f32.mul ${f32In("0")} ${f32In("1")}))
      (f32.store (i32.const 0) (local.get $x))
      (local.set $acc (i32.or (local.get $acc)
        (i32.xor (i32.load (i32.const 0)) (i32.const ${F32_CANONICAL}))))
      (br_if $l (local.tee 2 (i32.sub (local.get 2) (i32.const 1)))))
    (local.get $acc)))`;

const u32 = (x: unknown) => (x as number) >>> 0;
const u64 = (x: unknown) => BigInt.asUintN(64, x as bigint);

for (const [tier, make] of tiers(true)) {
  test(`deterministic: every arithmetic NaN is the canonical NaN (${tier})`, async () => {
    const m = await make().instantiate(MODULE);
    const call = (name: string, ...args: unknown[]) => m.exportedFunction(name)!.call(...args)[0];
    for (const op of binary32) {
      for (const nan of F32_NANS) {
        for (const name of [`f32.${op}`, `f32x4.${op}`]) {
          assert.equal(u32(call(name, nan, ONE_F32)), F32_CANONICAL, `${name} ${nan}`);
          assert.equal(u32(call(name, ONE_F32, nan)), F32_CANONICAL, `${name} ${nan}`);
          assert.equal(u32(call(name, nan, F32_NANS[1])), F32_CANONICAL, `${name} ${nan}`);
        }
      }
      for (const nan of F64_NANS) {
        for (const name of [`f64.${op}`, `f64x2.${op}`]) {
          assert.equal(u64(call(name, nan, ONE_F64)), F64_CANONICAL, `${name} ${nan}`);
          assert.equal(u64(call(name, F64_NANS[1], nan)), F64_CANONICAL, `${name} ${nan}`);
        }
      }
    }
    // 0/0 and inf-inf: the sign of a fresh NaN differs between hosts too.
    assert.equal(u32(call("f32.div", 0, 0)), F32_CANONICAL);
    assert.equal(u32(call("f32x4.sub", 0x7f800000, 0x7f800000)), F32_CANONICAL);
    assert.equal(u64(call("f64.div", 0n, 0n)), F64_CANONICAL);
    for (const op of unary32) {
      for (const nan of F32_NANS) {
        assert.equal(u32(call(`f32.${op}`, nan)), F32_CANONICAL, `f32.${op}`);
        assert.equal(u32(call(`f32x4.${op}`, nan)), F32_CANONICAL, `f32x4.${op}`);
      }
      for (const nan of F64_NANS) {
        assert.equal(u64(call(`f64.${op}`, nan)), F64_CANONICAL, `f64.${op}`);
        assert.equal(u64(call(`f64x2.${op}`, nan)), F64_CANONICAL, `f64x2.${op}`);
      }
    }
    assert.equal(u32(call("f32.sqrt", 0xbf800000 | 0)), F32_CANONICAL); // sqrt(-1)
    for (const nan of F64_NANS) {
      assert.equal(u32(call("f32.demote_f64", nan)), F32_CANONICAL);
      assert.equal(u32(call("f32x4.demote_f64x2_zero", nan)), F32_CANONICAL);
    }
    for (const nan of F32_NANS) {
      assert.equal(u64(call("f64.promote_f32", nan)), F64_CANONICAL);
      assert.equal(u64(call("f64x2.promote_low_f32x4", nan)), F64_CANONICAL);
    }
    assert.equal(call("hot", F32_NANS[0], F32_NANS[1], 20_000), 0);
    // Ordinary results are untouched.
    assert.equal(u32(call("f32.add", ONE_F32, ONE_F32)), 0x40000000);
    assert.equal(u64(call("f64x2.mul", ONE_F64, 0x4000000000000000n)), 0x4000000000000000n);
  });

  test(`deterministic: loads, stores, neg, abs, copysign keep NaN bits (${tier})`, async () => {
    const m = await make().instantiate(MODULE);
    const call = (name: string, ...args: unknown[]) => m.exportedFunction(name)!.call(...args)[0];
    assert.equal(u32(call("f32.neg", 0x7fa00001)), 0xffa00001);
    assert.equal(u32(call("f32.abs", 0xffc00123 | 0)), 0x7fc00123);
    assert.equal(u32(call("f32.copysign", 0x7fa00001, 0xbf800000 | 0)), 0xffa00001);
    assert.equal(u64(call("f64.neg", 0x7ff4000000000001n)), 0xfff4000000000001n);
    assert.equal(u32(call("f32.store_load", 0x7fa00001)), 0x7fa00001);
  });
}

test("without the profile, code is unchanged: no canonicalising ops are emitted", async () => {
  const canon = new Set([OP.canon_f32, OP.canon_f64, OP.canon_f32x4, OP.canon_f64x2]);
  const canonOps = async (deterministic: boolean) => {
    const compiled = await new Runtime({ deterministic, jsTier: false }).compileModule(MODULE);
    const used = new Set<number>();
    for (const fn of compiled.code) {
      if (fn.translate !== null) fn.translate();
      for (let pc = 0; pc < fn.code.length; pc += instructionWidth(fn.code, pc)) {
        if (canon.has(fn.code[pc])) used.add(fn.code[pc]);
      }
    }
    return used.size;
  };
  assert.equal(await canonOps(false), 0);
  assert.equal(await canonOps(true), 4);
});

for (const [tier, make] of tiers(true)) {
  test(`deterministic: relaxed SIMD's madd and min give the canonical NaN (${tier})`, async () => {
    const m = await make().instantiate(`(module
      (func (export "madd") (param i32) (result i32)
        (i32x4.extract_lane 2 (f32x4.relaxed_madd (i32x4.splat (local.get 0))
          (i32x4.splat (i32.const ${ONE_F32})) (i32x4.splat (i32.const ${ONE_F32})))))
      (func (export "min") (param i64) (result i64)
        (i64x2.extract_lane 0 (f64x2.relaxed_min (i64x2.splat (local.get 0))
          (i64x2.splat (i64.const ${ONE_F64}))))))`);
    for (const nan of F32_NANS) {
      assert.equal(u32(m.exportedFunction("madd")!.call(nan)[0]), F32_CANONICAL);
    }
    for (const nan of F64_NANS) {
      assert.equal(u64(m.exportedFunction("min")!.call(nan)[0]), F64_CANONICAL);
    }
  });
}
