import { test } from "node:test";
import assert from "node:assert/strict";
import { CompileError, Runtime } from "../../mod.ts";

const MODULE = `(module
  (import "env" "base" (global $base i32))
  (global $k i64 (i64.mul (i64.const 0x1_0000_0000) (i64.sub (i64.const 3) (i64.const 1))))
  (global $a i32 (i32.add (global.get $base) (i32.mul (i32.const 4) (i32.const -2))))
  (global $b i32 (i32.sub (global.get $a) (i32.const 1)))
  (memory 1)
  (data (i32.add (global.get $base) (i32.const 2)) "\\2a")
  (func (export "a") (result i32) (global.get $a))
  (func (export "b") (result i32) (global.get $b))
  (func (export "k") (result i64) (global.get $k))
  (func (export "byte") (result i32) (i32.load8_u (i32.const 12))))`;

async function instantiate(config = {}) {
  const runtime = new Runtime(config);
  await runtime.newHostModuleBuilder("env").exportGlobal("base", "i32", 10).instantiate();
  return runtime.instantiate(MODULE);
}

test("extended constant expressions: add, sub, mul, earlier globals, offsets", async () => {
  const m = await instantiate();
  assert.deepEqual(m.exportedFunction("a")!.call(), [2]);
  assert.deepEqual(m.exportedFunction("b")!.call(), [1]);
  assert.deepEqual(m.exportedFunction("k")!.call(), [0x2_0000_0000n]);
  assert.deepEqual(m.exportedFunction("byte")!.call(), [42]);
});

test("extended constant expressions need the extendedConst feature", async () => {
  await assert.rejects(instantiate({ features: "2.0" }), (e: unknown) => {
    return e instanceof CompileError && /extended/i.test(e.message);
  });
  await assert.rejects(instantiate({ features: { extendedConst: false } }), CompileError);
});

test("an ill-typed extended constant expression is invalid", async () => {
  await assert.rejects(
    new Runtime().instantiate(`(module (global i32 (i32.add (i32.const 1) (i64.const 2))))`),
    /type mismatch/,
  );
});
