import { test } from "node:test";
import assert from "node:assert/strict";
import { wat2wasm } from "../../lib/text/index.ts";
import { decodeModule } from "../../lib/binary/decoder.ts";
import { validateModule } from "../../lib/validate/module_validator.ts";
import { translateModule } from "../../lib/interpreter/translate/translator.ts";
import { disassemble } from "../../lib/interpreter/ops.ts";
import type { CompiledFunction } from "../../lib/interpreter/compiled_function.ts";
import {
  heatBytes,
  JSC_SMALL_BODY_BYTES,
  minInstructionsPerCall,
  WORK_PER_CALL,
  workPerCall,
} from "../../lib/interpreter/execute/call_work.ts";

/** The first function of `(module (global $g (mut i32) (i32.const 0)) ...FUNCS)`, translated. */
function translated(funcs: string): CompiledFunction {
  const module = decodeModule(wat2wasm(`(module (global $g (mut i32) (i32.const 0)) ${funcs})`));
  return translateModule(validateModule(module))[0];
}

/** `n` updates of the global $g (straight-line code). */
const updates = (n: number) =>
  "(global.set $g (i32.add (global.get $g) (i32.const 3)))\n".repeat(n);

/** Instructions up to and including the first return of register code without branches. */
function instructionsToReturn(code: Int32Array): number {
  const lines = disassemble(code);
  return lines.findIndex((line) => / return/.test(line)) + 1;
}

test("straight-line code: every instruction up to the return", () => {
  const cf = translated(`(func (param i32) (result i32) ${updates(30)} (local.get 0))`);
  const n = minInstructionsPerCall(cf.code);
  assert.ok(n > 30, `${n}`);
  assert.equal(n, instructionsToReturn(cf.code));
});

test("the shorter arm of an if counts, and an early return", () => {
  const long = minInstructionsPerCall(
    translated(`(func (param i32) (result i32) ${updates(40)} (local.get 0))`).code,
  );
  const arms = minInstructionsPerCall(
    translated(`(func (param i32) (result i32)
      (if (local.get 0) (then ${updates(40)}) (else ${updates(2)}))
      (local.get 0))`).code,
  );
  const early = minInstructionsPerCall(
    translated(`(func (param i32) (result i32)
      (if (local.get 0) (then (return (i32.const 7))))
      ${updates(40)} (local.get 0))`).code,
  );
  assert.ok(long > 40, `${long}`);
  assert.ok(arms >= 3 && arms < 10, `${arms}`);
  assert.ok(early >= 2 && early < 6, `${early}`);
});

test("br_table: the shortest case counts", () => {
  const twenty = minInstructionsPerCall(
    translated(`(func (param i32) (result i32) ${updates(20)} (local.get 0))`).code,
  );
  const n = minInstructionsPerCall(
    translated(`(func (param i32) (result i32)
      (block $b (block $a
        (br_table $a $b (local.get 0)))
        ${updates(20)})
      ${updates(20)}
      (local.get 0))`).code,
  );
  // Case $b skips the first 20 updates, never the last 20: the br_table and those.
  assert.ok(twenty > 20, `${twenty}`);
  assert.ok(n > twenty && n <= twenty + 3, `${n} against ${twenty}`);
});

test("a function with a loop has no bound (0)", () => {
  const cf = translated(`(func (param i32) (result i32)
    ${updates(20)}
    (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get 0))`);
  assert.equal(minInstructionsPerCall(cf.code), 0);
  assert.equal(heatBytes(cf), cf.bodyBytes);
});

test("heatBytes: loop-free code that runs many instructions a call weighs less than its size", () => {
  const big = translated(`(func (param i32) (result i32) ${updates(100)} (local.get 0))`);
  const work = minInstructionsPerCall(big.code);
  assert.ok(work > 200 && work > 20 * WORK_PER_CALL, `${work}`);
  assert.equal(heatBytes(big), Math.ceil(big.bodyBytes * workPerCall(big.bodyBytes) / work));
  assert.ok(heatBytes(big) < big.bodyBytes / 10, `${heatBytes(big)} of ${big.bodyBytes}`);
  // A call that may run few instructions keeps its size.
  const guarded = translated(`(func (param i32) (result i32)
    (if (local.get 0) (then ${updates(100)})) (local.get 0))`);
  assert.ok(minInstructionsPerCall(guarded.code) <= WORK_PER_CALL);
  assert.equal(heatBytes(guarded), guarded.bodyBytes);
});

test("heatBytes: a function with exception handlers keeps its size", () => {
  const cf = translated(`(tag $e) (func (param i32) (result i32)
    (block $h (try_table (catch $e $h) ${updates(50)}))
    (local.get 0))`);
  assert.notEqual(cf.handlers, null);
  assert.equal(heatBytes(cf), cf.bodyBytes);
});

test("workPerCall: twice as much for small bodies on JavaScriptCore only", () => {
  const bun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
  assert.equal(JSC_SMALL_BODY_BYTES, bun ? 1_000 : 0);
  assert.equal(workPerCall(200), bun ? 2 * WORK_PER_CALL : WORK_PER_CALL);
  assert.equal(workPerCall(5_000), WORK_PER_CALL);
});
