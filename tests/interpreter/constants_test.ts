import { test } from "node:test";
import assert from "node:assert/strict";
import { wat2wasm } from "../../lib/text/index.ts";
import { decodeModule } from "../../lib/binary/decoder.ts";
import { findHoistableConstants } from "../../lib/interpreter/translate/constants.ts";

/** The hoistable constants of the first function of `(module ...)`. */
function scan(text: string) {
  const module = decodeModule(wat2wasm(`(module ${text})`));
  const body = module.codes[0];
  return findHoistableConstants(module.bytes, body.start, body.end);
}

test("constants inside loops are found once each, except those that become immediates", () => {
  const found = scan(`(memory 1) (func (param i32) (local i64 f64 v128)
    (drop (i32.const 7))
    (loop $l
      (local.set 1 (i64.mul (local.get 1) (i64.const 0x123456789)))
      (local.set 2 (f64.add (local.get 2) (f64.const 1.5)))
      (local.set 3 (v128.const i32x4 1 2 3 4))
      (block (br_table 0 0 (local.get 0)))
      (i32.store offset=4 (local.get 0) (i32.const 9))
      (br_if $l (i32.lt_u (local.get 0) (i32.const 100)))
      (local.set 1 (i64.mul (local.get 1) (i64.const 0x123456789)))))`);
  assert.deepEqual(found.map((c) => [c.type, c.lo, c.hi, c.lo2, c.hi2]), [
    [0x7e, 0x23456789, 1, 0, 0], // i64: low word, high word
    [0x7c, 0, 0x3ff80000, 0, 0], // f64 1.5
    [0x7b, 1, 2, 3, 4], // v128
    [0x7f, 9, 0, 0, 0], // a store's value needs a register
  ]); // i32.const 7 is outside the loop; 100 becomes the compare's immediate
});

test("a malformed body stops the scan quietly (the translation pass reports it)", () => {
  const bytes = new Uint8Array([
    0x03,
    0x40, // loop
    0x42,
    0xff,
    0xff, // i64.const with a LEB128 that runs past the end
  ]);
  assert.deepEqual(findHoistableConstants(bytes, 0, bytes.length), []);
  const unknown = new Uint8Array([0x03, 0x40, 0xfd, 0xff, 0xff, 0x7f, 0x41, 0x05]);
  assert.deepEqual(findHoistableConstants(unknown, 0, unknown.length), []);
  const longTable = new Uint8Array([0x03, 0x40, 0x0e, 0xff, 0xff, 0xff, 0xff, 0x0f]);
  assert.deepEqual(findHoistableConstants(longTable, 0, longTable.length), []);
});
