// Validation errors of modules given as text name the line and column of the offending
// instruction (the text encoder's source map turns the validator's byte offset back into text).
import { test } from "node:test";
import assert from "node:assert/strict";
import { CompileError, Runtime } from "../../mod.ts";

async function compileError(text: string): Promise<CompileError> {
  try {
    await new Runtime().compileModule(text);
  } catch (e) {
    assert.ok(e instanceof CompileError, String(e));
    return e;
  }
  throw new Error("the module compiled");
}

test("a result of the wrong type is reported at the function's closing parenthesis", async () => {
  const e = await compileError(`(module (func (result i32) (i64.const 1)))`);
  assert.equal(e.line, 1);
  assert.equal(e.column, 41);
  assert.equal(e.offset, undefined);
  assert.match(e.message, /expects \[i32\] but got \[i64\].*\(at line 1, column 41\)$/);
});

test("flat instructions are located at their keyword", async () => {
  const e = await compileError(`(module
  (func (result i32)
    i32.const 1
    i64.const 2
    i32.add))`);
  assert.deepEqual([e.line, e.column], [5, 5]);
  assert.match(e.reason, /i32\.add expects/);
});

test("folded instructions are located at their keyword, after their operands", async () => {
  const e = await compileError(`(module
  (func (param i32) (result i32)
    (i32.add
      (local.get 0)
      (f32.const 1))))`);
  assert.deepEqual([e.line, e.column], [3, 6]);
});

test("block ends, else and immediates map to their own tokens", async () => {
  const unknownLocal = await compileError(`(module (func\n  (drop (local.get 5))))`);
  assert.deepEqual([unknownLocal.line, unknownLocal.column], [2, 10]);
  const blockEnd = await compileError(`(module (func
  block (result i32)
    i64.const 0
  end drop))`);
  assert.deepEqual([blockEnd.line, blockEnd.column], [4, 3]);
  const elseArm = await compileError(`(module (func (param i32) (result i32)
  (if (result i32) (local.get 0)
    (then (i32.const 1))
    (else (i64.const 2)))))`);
  // The else arm's result is checked at the `if`'s end: its closing parenthesis.
  assert.deepEqual([elseArm.line, elseArm.column], [4, 25]);
  assert.match(elseArm.reason, /expects \[i32\] but got \[i64\]/);
});

test("binary modules keep reporting byte offsets", async () => {
  const bytes = new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00, // header
    0x01,
    0x05,
    0x01,
    0x60,
    0x00,
    0x01,
    0x7f, // type () -> i32
    0x03,
    0x02,
    0x01,
    0x00, // one function
    0x0a,
    0x06,
    0x01,
    0x04,
    0x00,
    0x42,
    0x01,
    0x0b, // body: i64.const 1 end
  ]);
  try {
    await new Runtime().compileModule(bytes);
    assert.fail("compiled");
  } catch (e) {
    assert.ok(e instanceof CompileError);
    assert.equal(e.offset, 26);
    assert.equal(e.line, undefined);
  }
});

test("constant expressions are located too: globals, offsets, element items", async () => {
  const global = await compileError(`(module
  (global i32 (i32.add (i32.const 1) (f32.const 2))))`);
  assert.deepEqual([global.line, global.column], [2, 16]);
  assert.match(global.reason, /i32\.add in global 0/);
  // The data section follows the code section: its offset is not mistaken for the function's.
  const data = await compileError(`(module (memory 1) (func nop)
  (data (offset (i64.const 0)) "x"))`);
  assert.deepEqual([data.line, data.column], [2, 18]);
  assert.match(data.reason, /offset of data segment 0/);
  const item = await compileError(`(module (table 2 funcref)
  (elem (table 0) (i32.const 0) funcref (item (ref.null func)) (item (i32.const 7))))`);
  assert.deepEqual([item.line, item.column], [2, 71]);
});

test("an error between expressions keeps its byte offset", async () => {
  const e = await compileError(
    `(module (global i32 (i32.const 1)) (export "g" (global 0)) (export "g" (global 0)))`,
  );
  assert.match(e.reason, /duplicate export/);
  assert.equal(e.line, undefined);
  assert.notEqual(e.offset, undefined);
});

test("folded try_table and try are located at their own tokens and named at their end", async () => {
  const tryTable = await compileError(`(module (func (result i32)
  (block (result i32) (i32.const 0))
  (drop)
  (try_table (result i32) (i64.const 1))))`);
  assert.deepEqual([tryTable.line, tryTable.column], [4, 40]);
  assert.match(tryTable.reason, /end of try_table expects \[i32\] but got \[i64\]/);
  const legacy = await compileError(`(module (func (result i32)
  (try (result i32) (do (i64.const 1)) (catch_all (i32.const 0)))))`);
  // The body's result is checked at `catch_all`: its keyword.
  assert.deepEqual([legacy.line, legacy.column], [2, 41]);
});
