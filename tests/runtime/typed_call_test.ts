// Typed call results: Module.typedFunction checks the signature and types call/callAsync from
// value type names; exportedFunction takes the types as (unchecked) type arguments. The type-level
// assertions fail `deno check` (and so `deno test`) if the inferred types change.
import { test } from "node:test";
import assert from "node:assert/strict";
import { type JsValues, Runtime, WasmFunction } from "../../mod.ts";

/** `true` only when A and B are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;

const SOURCE = `(module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "mix") (param i64 f64) (result i64 f32 funcref)
    (local.get 0) (f32.demote_f64 (local.get 1)) (ref.func 0)))`;

test("typedFunction infers the JS types of parameters and results", async () => {
  using runtime = new Runtime();
  const m = await runtime.instantiate(SOURCE);
  const add = m.typedFunction("add", ["i32", "i32"], ["i32"]);
  const [sum] = add.call(2, 3);
  const sumIsNumber: Equal<typeof sum, number> = true;
  assert.ok(sumIsNumber);
  assert.equal(sum, 5);
  // @ts-expect-error: one argument missing
  assert.throws(() => add.call(1), TypeError);

  const mix = m.typedFunction("mix", ["i64", "f64"], ["i64", "f32", "funcref"]);
  const results = await mix.callAsync(-7n, 0.5);
  const resultsTyped: Equal<typeof results, [bigint, number, WasmFunction | null]> = true;
  assert.ok(resultsTyped);
  assert.equal(results[0], -7n);
  assert.equal(results[1], 0.5);
  assert.ok(results[2] instanceof WasmFunction);
  // withOptions keeps the types.
  const [again] = add.withOptions({ timeout: 1000 }).call(1, 1);
  const againIsNumber: Equal<typeof again, number> = true;
  assert.ok(againIsNumber && again === 2);
});

test("typedFunction throws when the export is missing or its signature differs", async () => {
  using runtime = new Runtime();
  const m = await runtime.instantiate(SOURCE);
  assert.throws(() => m.typedFunction("nope", [], []), /no exported function "nope"/);
  assert.throws(
    () => m.typedFunction("add", ["i32"], ["i32"]),
    /"add" has type \[i32 i32\] -> \[i32\], not \[i32\] -> \[i32\]/,
  );
  assert.throws(() => m.typedFunction("add", ["i64", "i64"], ["i64"]), TypeError);
});

test("exportedFunction takes the JS types as type arguments; untyped calls keep unknown[]", async () => {
  using runtime = new Runtime();
  const m = await runtime.instantiate(SOURCE);
  const add = m.exportedFunction<[number, number], [number]>("add")!;
  const [sum] = add.call(20, 22);
  const typed: Equal<typeof sum, number> = true;
  assert.ok(typed && sum === 42);
  const plain = m.exportedFunction("add")!.call(1, 2);
  const untyped: Equal<typeof plain, unknown[]> = true;
  assert.ok(untyped);
  assert.deepEqual(plain, [3]);
  const mapped: Equal<
    JsValues<["i32", "i64", "v128", "externref"]>,
    [number, bigint, bigint, unknown]
  > = true;
  assert.ok(mapped);
});
