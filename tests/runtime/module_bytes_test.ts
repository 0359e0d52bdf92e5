/**
 * Compiling copies the caller's bytes (so later changes cannot leak into the
 * module), except bytes handed over with the internal `handOverBytes` (the
 * command line's file contents), which the runtime keeps as they are.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Runtime } from "../../lib/runtime/runtime.ts";
import { handOverBytes } from "../../lib/runtime/compile.ts";
import { wat2wasm } from "../../lib/text/index.ts";

const SOURCE = `(module (func (export "f") (result i32) (i32.const 7)))`;

test("compiling copies the caller's bytes: changing them later changes nothing", async () => {
  const bytes = wat2wasm(SOURCE);
  const compiled = await new Runtime().compileModule(bytes);
  assert.notEqual(compiled.decoded.bytes, bytes);
  bytes.fill(0);
  const m = await new Runtime().instantiateModule(compiled);
  assert.deepEqual(m.exportedFunction("f")!.call(), [7]);
});

test("bytes handed over are kept without a copy, once", async () => {
  const bytes = handOverBytes(wat2wasm(SOURCE));
  const runtime = new Runtime();
  const compiled = await runtime.compileModule(bytes);
  assert.equal(compiled.decoded.bytes, bytes);
  // The hand-over covers one compilation: compiling the same array again copies it.
  const again = await runtime.compileModule(bytes);
  assert.notEqual(again.decoded.bytes, bytes);
});
