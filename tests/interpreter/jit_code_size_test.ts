// What the structured tier leaves out of its JavaScript (lib/interpreter/jit): constant addresses
// folded to one number (a sum keeps its `| 0` before `>>> 0`), and a load or call that a `local.set` takes
// written straight into the local. Each shape is checked in the generated source, and its results
// and traps against the interpreter's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Runtime } from "../../mod.ts";
import { decodeModule } from "../../lib/binary/decoder.ts";
import { wat2wasm } from "../../lib/text/wat.ts";
import { codegenModule, generateFunction } from "../../lib/interpreter/jit/codegen.ts";

/** The JavaScript generated for function `index` of `source`. */
function generated(source: string, index = 0): string {
  const module = decodeModule(wat2wasm(source));
  const result = generateFunction(codegenModule(module), index);
  assert.ok(result !== null, "the function compiles");
  return result.source;
}

/** `name(...args)` interpreted and compiled on its first call: its results, or its trap's message. */
async function bothTiers(source: string, name: string, args: number[]): Promise<unknown[]> {
  const outcomes: unknown[] = [];
  for (const jsTier of [false, 1] as const) {
    const m = await new Runtime({ jsTier }).instantiate(source);
    try {
      outcomes.push(m.exportedFunction(name)!.call(...args));
    } catch (e) {
      outcomes.push((e as Error).message.split("\n")[0]);
    }
  }
  return outcomes;
}

const CONSTANT_ADDRESSES = `(module (memory 1)
  (data (i32.const 24) "\\2a\\00\\00\\00")
  (func (export "at") (param i32) (result i32)
    (block (block (block (br_table 0 1 2 (local.get 0)))
      (return (i32.load offset=8 (i32.const 16))))
      (return (i32.load (i32.const -4))))
    (i32.load offset=0xffffffff (i32.const -1))))`;

test("a constant address is one number in the generated code", () => {
  const js = generated(CONSTANT_ADDRESSES);
  assert.match(js, /mem\.getInt32\(24, true\)/);
  assert.match(js, /mem\.getInt32\(4294967292, true\)/);
  assert.match(js, /mem\.getInt32\(8589934590, true\)/);
  assert.doesNotMatch(js, /\(-?\d+\)? >>> 0/);
});

test("constant addresses load and trap as the interpreter does", async () => {
  assert.deepEqual(await bothTiers(CONSTANT_ADDRESSES, "at", [0]), [[42], [42]]);
  for (const which of [1, 2]) {
    const outcomes = await bothTiers(CONSTANT_ADDRESSES, "at", [which]);
    assert.equal(outcomes[0], outcomes[1]);
    assert.match(String(outcomes[0]), /out of bounds memory access/);
  }
});

const SUM_ADDRESS = `(module (memory 1)
  (data (i32.const 16) "\\07\\00\\00\\00")
  (func (export "sum") (param i32 i32) (result i32)
    (i32.load (i32.add (local.get 0) (local.get 1)))))`;

test("an address summed from two values keeps its `| 0` before its `>>> 0`", () => {
  // Without it V8's optimised code for bench/programs/matmul.wasm was 25% slower.
  assert.match(generated(SUM_ADDRESS), /mem\.getInt32\(\(\(l0 \+ l1\) \| 0\) >>> 0, true\)/);
});

test("a summed address wraps modulo 2^32 and traps past the memory as interpreted", async () => {
  // 0xfffffff0 + 0x20 wraps to 16; 0x7fffffff + 0x7fffffff is 0xfffffffe, past the page.
  assert.deepEqual(await bothTiers(SUM_ADDRESS, "sum", [-16, 32]), [[7], [7]]);
  const outcomes = await bothTiers(SUM_ADDRESS, "sum", [0x7fffffff, 0x7fffffff]);
  assert.equal(outcomes[0], outcomes[1]);
  assert.match(String(outcomes[0]), /out of bounds memory access/);
});

const SET_FROM_LOAD_AND_CALL = `(module (memory 1)
  (data (i32.const 0) "\\05\\00\\00\\00")
  (func $twice (param i32) (result i32) (i32.add (local.get 0) (local.get 0)))
  (func (export "set") (param i32) (result i32) (local i32)
    (local.set 1 (i32.load (local.get 0)))
    (local.set 1 (call $twice (local.get 1)))
    (local.get 1))
  (func (export "old") (param i32) (result i32)
    ;; The old value of local 0 is still on the stack when the load is set into it.
    (local.get 0)
    (local.set 0 (i32.load (i32.const 0)))
    (local.get 0)
    (i32.sub)
    (local.get 0)
    (local.tee 0 (call $twice (local.get 0)))
    (i32.sub)
    (i32.add)))`;

test("a local set from a load or a call is written by the load or call itself", () => {
  const js = generated(SET_FROM_LOAD_AND_CALL, 1);
  assert.match(js, /l1 = mem\.getInt32\(l0 >>> 0, true\)/);
  assert.match(js, /l1 = fn0\.direct\(d, l1\)/);
  assert.doesNotMatch(js, /l1 = a\d+;/);
});

test("a local that a deferred value still reads is set after that value is written", async () => {
  // set: twice(load(0)) = 10. old(3): (3 - 5) + (5 - 10) = -7.
  assert.deepEqual(await bothTiers(SET_FROM_LOAD_AND_CALL, "set", [0]), [[10], [10]]);
  assert.deepEqual(await bothTiers(SET_FROM_LOAD_AND_CALL, "old", [3]), [[-7], [-7]]);
  const js = generated(SET_FROM_LOAD_AND_CALL, 2);
  assert.match(js, /a0 = l0;\nl0 = a1;/);
});

test("a load that traps leaves the local it was to set as it was", async () => {
  const source = `(module (memory 1) (global $g (export "g") (mut i32) (i32.const 0))
    (func (export "f") (param i32) (local i32)
      (local.set 1 (i32.const 9))
      (global.set $g (i32.const 1))
      (local.set 1 (i32.load (local.get 0)))
      (global.set $g (local.get 1))))`;
  for (const jsTier of [false, 1] as const) {
    const m = await new Runtime({ jsTier }).instantiate(source);
    assert.throws(() => m.exportedFunction("f")!.call(65536), /out of bounds memory access/);
    assert.equal(m.exportedGlobal("g")!.value, 1, `jsTier ${jsTier}`);
    m.exportedFunction("f")!.call(0);
    assert.equal(m.exportedGlobal("g")!.value, 0);
  }
});
