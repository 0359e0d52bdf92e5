// What the structured tier leaves to the interpreter because the host's JavaScript engine could
// not run it the same way: calls with more arguments than its stack takes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Runtime } from "../../mod.ts";
import { decodeModule } from "../../lib/binary/decoder.ts";
import { wat2wasm } from "../../lib/text/wat.ts";
import { codegenModule, generateFunction } from "../../lib/interpreter/jit/codegen.ts";

/** A module whose `run` calls `$g`, of `n` parameters of type `t`, with constants. */
function wideCall(n: number, t: "i32" | "i64"): string {
  return `(module
    (func $g (param ${`${t} `.repeat(n)}) (result ${t}) (local.get 0))
    (func (export "run") (result ${t}) ${`(${t}.const 1) `.repeat(n)} (call $g)))`;
}

test("a call with 50,000 arguments gives the interpreter's result in every tier", {
  timeout: 60_000,
}, async () => {
  // Compiled, the JavaScript call overflowed the engine's stack: "call stack exhausted".
  for (const jsTier of [false, 1, 2] as const) {
    const run = (await new Runtime({ jsTier }).instantiate(wideCall(50_000, "i32")))
      .exportedFunction("run")!;
    assert.deepEqual([run.call(), run.call()], [[1], [1]], `jsTier ${jsTier}`);
  }
});

test("the structured tier takes up to 1,000 words of parameters (an i64 is two)", () => {
  for (
    const [n, t, compiled] of [
      [1_000, "i32", true],
      [1_001, "i32", false],
      [500, "i64", true],
      [501, "i64", false],
    ] as const
  ) {
    const module = decodeModule(wat2wasm(wideCall(n, t)));
    const cm = codegenModule(module);
    assert.equal(generateFunction(cm, 0) !== null, compiled, `$g of ${n} ${t}`);
    assert.equal(generateFunction(cm, 1) !== null, compiled, `the call of ${n} ${t}`);
  }
});
