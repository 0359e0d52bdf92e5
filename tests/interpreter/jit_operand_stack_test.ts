// The structured tier's operand stack (lib/interpreter/jit/operand_stack.ts): deferred values are
// written before what they read changes, a dropped one is gone for good, and a body whose stack
// grows past what compilers produce stays with the interpreter.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Runtime } from "../../mod.ts";
import { decodeModule } from "../../lib/binary/decoder.ts";
import { wat2wasm } from "../../lib/text/wat.ts";
import { codegenModule, generateFunction } from "../../lib/interpreter/jit/codegen.ts";
import { OperandStack } from "../../lib/interpreter/jit/operand_stack.ts";

const I32 = 0x7f;

/** Results of `name(...args)` interpreted and compiled on the first call, with the spec's answer. */
async function interpretedAndCompiled(source: string, name: string, args: number[]) {
  const results: unknown[] = [];
  for (const jsTier of [false, 1] as const) {
    const m = await new Runtime({ jsTier }).instantiate(source);
    results.push(m.exportedFunction(name)!.call(...args));
  }
  return results;
}

test("a block's result after a branch is the branch's value, not a value dropped before", async () => {
  // The constant 42 was dropped; the block's end is reached only by the br_if carrying 7.
  const source = `(module (func (export "f") (param i32) (result i32)
    (block (result i32)
      (br_if 0 (i32.const 7) (local.get 0))
      (drop) (i32.const 42) (drop) (unreachable))))`;
  assert.deepEqual(await interpretedAndCompiled(source, "f", [1]), [[7], [7]]);
});

test("an if's else sees its parameters, not a value its then-part dropped", async () => {
  const source = `(module (func (export "g") (param i32) (result i32)
    (i32.const 5)
    (if (param i32) (result i32) (local.get 0)
      (then (drop) (i32.const 42) (drop) (unreachable))
      (else (i32.const 1) (i32.add)))))`;
  assert.deepEqual(await interpretedAndCompiled(source, "g", [0]), [[6], [6]]);
});

test("deferred values are written, lowest first, only when what they read changes", () => {
  const stack = new OperandStack();
  stack.pushDeferred(I32, "l0", null, ["l0"]);
  stack.pushDeferred(I32, "(l1 + 1)", null, ["l1"]);
  stack.pushDeferred(I32, "3", null, []);
  stack.beforeWrite("l2");
  assert.deepEqual(stack.out, []);
  stack.beforeWrite("l1");
  assert.deepEqual(stack.out, ["a1 = (l1 + 1);"]);
  stack.writeAll();
  assert.deepEqual(stack.out, ["a1 = (l1 + 1);", "a0 = l0;", "a2 = 3;"]);
  // A dropped deferred value is gone: nothing at its height is written or read back later.
  stack.pushDeferred(I32, "l5", null, ["l5"]);
  stack.drop();
  stack.beforeWrite("l5");
  stack.writeAll();
  assert.equal(stack.out.length, 3);
  stack.resetTo(3, [I32]);
  assert.deepEqual(stack.pop(I32), { v: "a3", h: "b3" });
});

/** A module of one function that pushes `n` constants and drops them. */
function pileOfConstants(n: number): string {
  return `(module (func (export "f") (result i32)
    ${"(i32.const 1) ".repeat(n)}${"drop ".repeat(n - 1)}))`;
}

test("a body whose operand stack grows past 1,000 values stays with the interpreter", () => {
  for (const [n, compiled] of [[1_000, true], [1_001, false]] as const) {
    const module = decodeModule(wat2wasm(pileOfConstants(n)));
    const generated = generateFunction(codegenModule(module), 0);
    assert.equal(generated !== null, compiled, `${n} values`);
  }
});

test("a body of 5,000 constants gives the same result in every mode", async () => {
  assert.deepEqual(await interpretedAndCompiled(pileOfConstants(5_000), "f", []), [[1], [1]]);
});
