// i32.add of a value just loaded (sum += a[i]) runs as one op: same sums, wrap-around and traps.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Runtime } from "../../mod.ts";
import { wat2wasm } from "../../lib/text/index.ts";
import { decodeModule } from "../../lib/binary/decoder.ts";
import { validateModule } from "../../lib/validate/module_validator.ts";
import { translateModule } from "../../lib/interpreter/translate/translator.ts";
import { disassemble } from "../../lib/interpreter/ops.ts";

const funcs = `
  (func (export "byte") (param i32 i32) (result i32)
    (i32.add (local.get 1) (i32.load8_u offset=3 (local.get 0))))
  (func (export "byte_added") (param i32 i32) (result i32)
    (i32.add (local.get 1) (i32.load8_u offset=3 (i32.add (local.get 0) (i32.const 16)))))
  (func (export "word") (param i32 i32) (result i32)
    (i32.add (local.get 1) (i32.load offset=4 (local.get 0))))
  (func (export "word_added") (param i32 i32) (result i32)
    (i32.add (local.get 1) (i32.load (i32.add (local.get 0) (i32.const -8)))))
  (func (export "load_first") (param i32 i32) (result i32)
    (i32.add (i32.load (local.get 0)) (local.get 1)))`;

test("i32.add of a just-loaded byte or word fuses the load, plain or with its address add", () => {
  const code = translateModule(
    validateModule(decodeModule(wat2wasm(`(module (memory 1) ${funcs})`))),
  ).map((f) => disassemble(f.code));
  assert.deepEqual(code[0], ["0: i32_add_load8_u r2 r1 r0 0 3", "6: return32 r2"]);
  assert.deepEqual(code[1], ["0: i32_add_load8_u r2 r1 r0 16 3", "6: return32 r2"]);
  assert.deepEqual(code[2], ["0: i32_add_load32 r2 r1 r0 0 4", "6: return32 r2"]);
  assert.deepEqual(code[3], ["0: i32_add_load32 r2 r1 r0 -8 0", "6: return32 r2"]);
  // The load is the left operand: it is not the value just computed when the add runs.
  assert.doesNotMatch(code[4].join("\n"), /i32_add_load/);
});

test("the fused add wraps, reads bytes unsigned, and traps out of bounds", async () => {
  const m = await new Runtime().instantiate(`(module (memory (export "mem") 1) ${funcs})`);
  const mem = m.exportedMemory("mem")!;
  mem.write(0, new Uint8Array([0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x7f]));
  mem.write(19, new Uint8Array([0x80]));
  const call = (name: string, ...args: number[]) => m.exportedFunction(name)!.call(...args)[0];
  assert.equal(call("byte", 0, 1), 0x100); // 0xff is 255, not -1
  assert.equal(call("byte_added", 0, -1), 0x7f); // offset 19: 0x80 - 1
  assert.equal(call("word", 0, 2), 0x7fffffff + 2 - 2 ** 32); // 0x7fffffff + 2 wraps
  assert.equal(call("word_added", 12, 5), 0x7fffffff + 5 - 2 ** 32); // 12 - 8 = 4
  assert.equal(call("byte_added", -16, 1), 0x100); // -16 + 16 wraps to 0: offset 3
  const oob = /out of bounds memory access/;
  assert.throws(() => call("byte", 65533, 0), oob);
  assert.throws(() => call("word", 65530, 0), oob);
  assert.throws(() => call("word_added", 4, 0), oob); // 4 - 8 wraps to 2^32 - 4
});
