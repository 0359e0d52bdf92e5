import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Runtime } from "../../mod.ts";
import { wat2wasm } from "../../lib/text/index.ts";
import { useRegisterTierOnly } from "../../lib/runtime/runtime.ts";
import { OP } from "../../lib/interpreter/ops.ts";
import { caseOps } from "../../tools/op_counts.ts";

const root = new URL("../../", import.meta.url);

/** The ops of the `case` labels of the first `switch (code[pc])` of a source file. */
function switchOps(path: string): Set<number> {
  return caseOps(readFileSync(new URL(path, root), "utf8"), "switch (code[pc]) {", "default:");
}

/** An interpreter, and a runtime whose register-code tier compiles every function at once. */
function runtimes(): [string, Runtime][] {
  return [
    ["interpreter", new Runtime({ jsTier: false })],
    ["register-code tier", useRegisterTierOnly(new Runtime({ jsTier: 1 }))],
  ];
}

test("the interpreter loop and executeCold have no op in common, and the loop keeps its hot ones", () => {
  const run = switchOps("lib/interpreter/execute/executor.ts");
  const cold = switchOps("lib/interpreter/execute/cold_ops.ts");
  assert.ok(cold.size > 50, `executeCold has ${cold.size} ops`);
  assert.deepEqual([...cold].filter((op) => run.has(op)), []);
  // Hot under a setting (fuel, the deterministic profile, memory64), or written out in `run` for
  // JavaScriptCore, whose DFG inlines no call into it.
  for (const op of [OP.consume_fuel, OP.canon_f64, OP.mem_addr64, OP.global_get64, OP.i64_sub]) {
    assert.ok(run.has(op), `op ${op} stays in run`);
  }
});

for (const [name, runtime] of runtimes()) {
  test(`cold ops compute what the spec says (${name})`, async () => {
    const m = await runtime.instantiate(`(module
      (global $v (mut v128) (v128.const i32x4 9 8 7 6))
      (func (export "sqrt") (param f64) (result f64) (f64.sqrt (local.get 0)))
      (func (export "nearest") (param f32) (result f32) (f32.nearest (local.get 0)))
      (func (export "rotl") (param i64 i64) (result i64) (i64.rotl (local.get 0) (local.get 1)))
      (func (export "popcnt") (param i32) (result i32) (i32.popcnt (local.get 0)))
      (func (export "ext8") (param i64) (result i64) (i64.extend8_s (local.get 0)))
      (func (export "global") (result i32) (i32x4.extract_lane 2 (global.get $v)))
      (func (export "select") (param i32) (result i32)
        (i32x4.extract_lane 1 (select (v128.const i32x4 1 2 3 4) (v128.const i32x4 5 6 7 8)
          (local.get 0)))))`);
    const call = (f: string, ...args: unknown[]) => m.exportedFunction(f)!.call(...args)[0];
    assert.equal(call("sqrt", 2), Math.SQRT2);
    assert.equal(call("nearest", 2.5), 2);
    assert.equal(call("nearest", -3.5), -4);
    assert.equal(call("rotl", 0x8000000000000001n, 4n), 0x18n);
    assert.equal(call("popcnt", -1), 32);
    assert.equal(call("ext8", 0x80n), -128n);
    assert.equal(call("global"), 7);
    assert.equal(call("select", 1), 2);
    assert.equal(call("select", 0), 6);
  });

  test(`a trap in a cold op names its instruction (${name})`, async () => {
    const bytes = wat2wasm(`(module
      (func $div (export "div") (param i64 i64) (result i64)
        (i64.div_s (local.get 0) (local.get 1))))`);
    // local.get 0, local.get 1, i64.div_s.
    const at = bytes.findIndex((_, i) =>
      [0x20, 0x00, 0x20, 0x01, 0x7f].every((byte, k) =>
        bytes[i + k] === byte
      )
    ) + 4;
    const m = await runtime.instantiate(bytes);
    assert.equal(m.exportedFunction("div")!.call(-9n, 2n)[0], -4n);
    assert.throws(
      () => m.exportedFunction("div")!.call(1n, 0n),
      (e: Error) =>
        /integer divide by zero/.test(e.message) &&
        e.stack!.includes(`div (wasm @0x${at.toString(16)})`),
    );
  });
}
