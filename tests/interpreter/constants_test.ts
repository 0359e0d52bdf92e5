import { test } from "node:test";
import assert from "node:assert/strict";
import { wat2wasm } from "../../lib/text/index.ts";
import { decodeModule } from "../../lib/binary/decoder.ts";
import { readFileSync } from "node:fs";
import { Instruction, readInstruction } from "../../lib/binary/instruction.ts";
import { ByteReader } from "../../lib/binary/reader.ts";
import {
  findHoistableConstants,
  skipInstruction,
} from "../../lib/interpreter/translate/constants.ts";

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

test("memory arguments with a memory index (multi-memory) do not derail the scan", () => {
  // Before each f64.const, an instruction whose immediates name memory 1 (or 129: two bytes).
  const memories = Array.from({ length: 130 }, () => "(memory 1)").join(" ");
  const found = scan(`${memories} (data "ab") (func (param i32)
    (loop $l
      (drop (i32.load 1 offset=0x41 (local.get 0))) (drop (f64.const 1))
      (i64.store 1 offset=5 (local.get 0) (i64.const 0)) (drop (f64.const 2))
      (drop (memory.size 129)) (drop (f64.const 3))
      (drop (memory.grow 1 (i32.const 0))) (drop (f64.const 4))
      (memory.fill 129 (local.get 0) (i32.const 0) (i32.const 0)) (drop (f64.const 5))
      (memory.copy 1 129 (local.get 0) (i32.const 0) (i32.const 0)) (drop (f64.const 6))
      (memory.init 129 0 (local.get 0) (i32.const 0) (i32.const 0)) (drop (f64.const 7))
      (drop (v128.load8_lane 1 offset=2 3 (local.get 0) (v128.const i64x2 0 0))) (drop (f64.const 8))
      (drop (i32.atomic.load 129 (local.get 0))) (drop (f64.const 9))
      (br_if $l (local.get 0))))`);
  const expected = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => {
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, n, true);
    return [view.getInt32(0, true), view.getInt32(4, true)];
  });
  const ofType = (t: number) => found.filter((c) => c.type === t).map((c) => [c.lo, c.hi]);
  assert.deepEqual(ofType(0x7c), expected);
  // The operands' zeros only: the offset 0x41 read as an instruction would be an i32.const.
  assert.deepEqual(ofType(0x7f), [[0, 0]]);
});

test("the scan steps over every instruction as the decoder reads it", () => {
  // Bodies with every kind of immediate, and the C programs of the benchmarks.
  const text = wat2wasm(`(module
    (type $s (struct (field (mut i32)) (field i64)))
    (type $a (array (mut i8)))
    (type $f (func (param i32) (result i32)))
    (memory 1) (memory $m1 1 2) (memory $m64 i64 1) (table 2 funcref) (table $t2 1 externref)
    (data "xyz") (elem func 0) (tag $e (param i32)) (global $g (mut i32) (i32.const 0))
    (func (param i32) (result i32) (local i64 f32 f64 v128 (ref null $s) anyref)
      (block $b (result i32)
        (loop $l
          (drop (i32.load8_u $m1 offset=70000 align=1 (local.get 0)))
          (i64.store32 $m64 offset=0x100000000 (i64.const 0) (local.get 1))
          (drop (memory.size $m1)) (drop (memory.grow $m64 (i64.const 1)))
          (memory.fill $m1 (i32.const 0) (i32.const 1) (i32.const 2))
          (memory.copy $m1 0 (i32.const 0) (i32.const 1) (i32.const 2))
          (memory.init $m1 0 (i32.const 0) (i32.const 1) (i32.const 2)) (data.drop 0)
          (table.init $t2 0 (i32.const 0) (i32.const 0) (i32.const 0)) (elem.drop 0)
          (table.copy 0 0 (i32.const 0) (i32.const 0) (i32.const 0))
          (drop (table.size $t2)) (drop (table.get $t2 (i32.const 0)))
          (drop (call_indirect (type $f) (i32.const 1) (i32.const 0)))
          (drop (select (result f32) (f32.const 1.5) (local.get 2) (local.get 0)))
          (local.set 3 (f64.const -0x1p-1074))
          (local.set 4 (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 (local.get 4) (v128.const i32x4 1 2 3 4)))
          (local.set 4 (v128.load32_lane $m1 offset=8 2 (local.get 0) (local.get 4)))
          (drop (i8x16.extract_lane_u 15 (local.get 4)))
          (drop (i32.atomic.rmw.add $m1 offset=4 (local.get 0) (i32.const 1))) (atomic.fence)
          (local.set 5 (struct.new $s (i32.const 1) (i64.const -1)))
          (drop (struct.get $s 1 (local.get 5)))
          (drop (array.new_fixed $a 2 (i32.const 1) (i32.const 2)))
          (drop (ref.test (ref $s) (local.get 6))) (drop (ref.cast (ref null any) (local.get 6)))
          (drop (block $c (result anyref) (br_on_cast $c anyref (ref $s) (local.get 6)) (drop) (ref.null any)))
          (try_table (catch $e 0) (catch_all 1) (throw $e (i32.const 3)))
          (br_table $l $b 0 (i32.const 7) (local.get 0))
          (br_if $l (i64.eqz (i64.const 0x7fffffffffffffff))))
        (i32.const 0)))
    (func (result i32) (i32.const 5)))`);
  const modules = [text];
  for (const name of ["coremark_like", "malloc_churn", "hash64", "fib"]) {
    modules.push(readFileSync(new URL(`../../bench/programs/${name}.wasm`, import.meta.url)));
  }
  let instructions = 0;
  for (const bytes of modules) {
    const module = decodeModule(new Uint8Array(bytes));
    for (const body of module.codes) {
      const r = new ByteReader(module.bytes, body.start, body.end);
      const ins = new Instruction();
      while (!r.atEnd()) {
        const at = r.pos;
        readInstruction(r, ins);
        assert.deepEqual(skipInstruction(module.bytes, at, body.end), [r.pos, ins.op], `at ${at}`);
        instructions++;
      }
    }
  }
  assert.ok(instructions > 10_000);
});
