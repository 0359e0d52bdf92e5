// A value of the wrong JS type, from a host function's result or a call's argument, is a
// TypeError that says which function and which value.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Runtime } from "../../mod.ts";

async function withHost(fn: () => unknown, results: ("i32" | "i64")[]) {
  const runtime = new Runtime();
  await runtime.newHostModuleBuilder("env")
    .newFunctionBuilder()
    .withFunc(fn as () => number, [], results)
    .export("get")
    .instantiate();
  const sig = results.map((r) => `(result ${r})`).join(" ");
  return await runtime.instantiate(`(module
    (import "env" "get" (func $get ${sig}))
    (func (export "run") (call $get) ${"(drop)".repeat(results.length)}))`);
}

test("a host function returning the wrong type is named in the error", async () => {
  const m = await withHost(() => undefined, ["i32"]);
  assert.throws(() => m.exportedFunction("run")!.call(), {
    name: "TypeError",
    message: "host function env.get returned a wrong value: expected a number for an i32, " +
      "got undefined",
  });
});

test("with several results, the error says which one is wrong", async () => {
  const m = await withHost(() => [1, "two"], ["i32", "i64"]);
  assert.throws(() => m.exportedFunction("run")!.call(), {
    name: "TypeError",
    message: "host function env.get returned a wrong value (value 1): " +
      'expected a bigint (or safe integer) for an i64, got string "two"',
  });
});

test("an argument of the wrong type names the function and the argument", async () => {
  const m = await new Runtime().instantiate(`(module
    (func (export "add") (param i32 i64) (result i32) (local.get 0)))`);
  assert.throws(() => m.exportedFunction("add")!.call(1, 2.5), {
    name: "TypeError",
    message: "add argument 1: expected a bigint (or safe integer) for an i64, got number 2.5",
  });
  assert.throws(() => m.exportedFunction("add")!.call(null, 1n), {
    message: "add argument 0: expected a number for an i32, got null",
  });
});
