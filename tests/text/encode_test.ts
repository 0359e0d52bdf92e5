import { test } from "node:test";
import assert from "node:assert/strict";
import { wat2wasm } from "../../lib/text/index.ts";

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** Splits a module into its sections (id and contents), checking the framing. */
function sections(bytes: Uint8Array): [number, number[]][] {
  assert.deepEqual([...bytes.subarray(0, 8)], HEADER);
  const out: [number, number[]][] = [];
  let i = 8;
  while (i < bytes.length) {
    const id = bytes[i++];
    let size = 0, shift = 0, b: number;
    do {
      b = bytes[i++];
      size |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80);
    out.push([id, [...bytes.subarray(i, i + size)]]);
    i += size;
  }
  assert.equal(i, bytes.length);
  return out;
}

/** The contents of the section with the given id. */
function section(bytes: Uint8Array, id: number): number[] | undefined {
  return sections(bytes).find(([s]) => s === id)?.[1];
}

/** The body bytes (after the locals) of the only function of a module. */
function onlyBody(bytes: Uint8Array): number[] {
  const code = section(bytes, 10)!;
  assert.equal(code[0], 1, "one function");
  // code[1] is the body size (small in these tests), code[2] the local run count.
  assert.equal(code[1], code.length - 2);
  let i = 3;
  for (let r = 0; r < code[2]; r++) i += 2;
  return code.slice(i);
}

test("the empty module", () => {
  assert.deepEqual([...wat2wasm("(module)")], HEADER);
  assert.deepEqual([...wat2wasm("")], HEADER);
  assert.deepEqual([...wat2wasm(" ;; nothing\n(module (; here ;))")], HEADER);
});

test("a function returning a constant, byte for byte", () => {
  assert.deepEqual([...wat2wasm(`(module (func (export "f") (result i32) i32.const 42))`)], [
    ...HEADER,
    ...[0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f],
    ...[0x03, 0x02, 0x01, 0x00],
    ...[0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00],
    ...[0x0a, 0x06, 0x01, 0x04, 0x00, 0x41, 0x2a, 0x0b],
  ]);
  // The same fields without the (module ...) wrapper.
  assert.deepEqual(
    wat2wasm(`(func (export "f") (result i32) (i32.const 42))`),
    wat2wasm(`(module (func (export "f") (result i32) i32.const 42))`),
  );
});

test("folded if/else encodes operands first", () => {
  const folded = wat2wasm(`(func (param i32) (result i32)
    (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2))))`);
  assert.deepEqual(onlyBody(folded), [
    0x20,
    0x00,
    0x04,
    0x7f,
    0x41,
    0x01,
    0x05,
    0x41,
    0x02,
    0x0b,
    0x0b,
  ]);
  const flat = wat2wasm(`(func (param i32) (result i32)
    local.get 0 if $l (result i32) i32.const 1 else $l i32.const 2 end $l)`);
  assert.deepEqual(flat, folded);
  const nested = wat2wasm(
    `(func (result i32) (i32.add (i32.const 1) (i32.mul (i32.const 2) (i32.const 3))))`,
  );
  assert.deepEqual(onlyBody(nested), [0x41, 0x01, 0x41, 0x02, 0x41, 0x03, 0x6c, 0x6a, 0x0b]);
});

test("labels resolve to relative depths, innermost first", () => {
  const b = wat2wasm(`(func (block $a (block $b (br $a) (br $b) (block $a (br $a)))))`);
  assert.deepEqual(onlyBody(b), [
    0x02,
    0x40,
    0x02,
    0x40,
    0x0c,
    0x01,
    0x0c,
    0x00,
    0x02,
    0x40,
    0x0c,
    0x00,
    0x0b,
    0x0b,
    0x0b,
    0x0b,
  ]);
  const t = wat2wasm(`(func (block $x (loop $y (br_table $x $y 0 (i32.const 0)))))`);
  assert.deepEqual(onlyBody(t), [
    0x02,
    0x40,
    0x03,
    0x40,
    0x41,
    0x00,
    0x0e,
    0x02,
    0x01,
    0x00,
    0x00,
    0x0b,
    0x0b,
    0x0b,
  ]);
});

test("locals and params by name; functions by forward reference", () => {
  const b = wat2wasm(`(func (param $x i32) (local $y i64) (local f32 f32)
    local.get $y local.get $x local.get 3 drop drop drop call $g) (func $g)`);
  const code = section(b, 10)!;
  // First body: size, 2 local runs (1 x i64, 2 x f32), then instructions.
  assert.deepEqual(code.slice(2, 16), [
    0x02,
    0x01,
    0x7e,
    0x02,
    0x7d,
    0x20,
    0x01,
    0x20,
    0x00,
    0x20,
    0x03,
    0x1a,
    0x1a,
    0x1a,
  ]);
  assert.deepEqual(code.slice(16, 19), [0x10, 0x01, 0x0b]);
});

test("implicit types are appended after explicit ones, in first-use order", () => {
  const b = wat2wasm(`
    (func (param i32))
    (type $t (func))
    (func (result i64) (i64.const 0))
    (func (type $t))
    (func (param i32) (result i32) (local.get 0) (block (param i32) (result i32)))
    (func (block (result i32 i64) (i32.const 0) (i64.const 0)) drop drop)
    (table 1 funcref)
    (func (call_indirect (param f32) (f32.const 0) (i32.const 0)))`);
  assert.deepEqual(section(b, 1), [
    0x06,
    ...[0x60, 0x00, 0x00],
    ...[0x60, 0x01, 0x7f, 0x00],
    ...[0x60, 0x00, 0x01, 0x7e],
    ...[0x60, 0x01, 0x7f, 0x01, 0x7f],
    ...[0x60, 0x00, 0x02, 0x7f, 0x7e],
    ...[0x60, 0x01, 0x7d, 0x00],
  ]);
  assert.deepEqual(section(b, 3), [0x06, 0x01, 0x02, 0x00, 0x03, 0x00, 0x00]);
  const code = section(b, 10)!;
  // The block with a parameter reuses type 3; the multi-result block gets type 4.
  assert.ok(code.join().includes([0x20, 0x00, 0x02, 0x03, 0x0b].join()));
  assert.ok(code.join().includes([0x02, 0x04, 0x41, 0x00].join()));
  assert.ok(code.join().includes([0x11, 0x05, 0x00].join()));
});

test("inline imports come first in the index space; inline exports keep text order", () => {
  const b = wat2wasm(`
    (func $i (import "m" "f") (param i32))
    (global $g (export "g") (import "m" "g") (mut i32))
    (func (export "e") (export "e2") (call $i (global.get $g)))
    (export "i" (func $i))`);
  assert.deepEqual(section(b, 2), [
    0x02,
    ...[0x01, 0x6d, 0x01, 0x66, 0x00, 0x00],
    ...[0x01, 0x6d, 0x01, 0x67, 0x03, 0x7f, 0x01],
  ]);
  assert.deepEqual(section(b, 7), [
    0x04,
    ...[0x01, 0x67, 0x03, 0x00],
    ...[0x01, 0x65, 0x00, 0x01],
    ...[0x02, 0x65, 0x32, 0x00, 0x01],
    ...[0x01, 0x69, 0x00, 0x00],
  ]);
  assert.deepEqual(onlyBody(b), [0x23, 0x00, 0x10, 0x00, 0x0b]);
});

test("memory and table abbreviations", () => {
  const m = wat2wasm(`(memory (data "ab" "c"))`);
  assert.deepEqual(section(m, 5), [0x01, 0x01, 0x01, 0x01]);
  assert.deepEqual(section(m, 11), [0x01, 0x00, 0x41, 0x00, 0x0b, 0x03, 0x61, 0x62, 0x63]);
  const t = wat2wasm(`(func $f) (table $t funcref (elem $f $f 0))`);
  assert.deepEqual(section(t, 4), [0x01, 0x70, 0x01, 0x03, 0x03]);
  assert.deepEqual(section(t, 9), [0x01, 0x00, 0x41, 0x00, 0x0b, 0x03, 0x00, 0x00, 0x00]);
});

test("element segments pick the matching binary encoding", () => {
  const b = wat2wasm(`
    (table $t0 1 funcref) (table $t1 1 externref) (func $f)
    (elem (i32.const 0) $f)
    (elem func $f)
    (elem declare func $f)
    (elem (table $t0) (offset (i32.const 1)) func $f)
    (elem funcref (ref.null func) (item ref.func $f))
    (elem (table $t1) (i32.const 0) externref (ref.null extern))
    (elem (table 0) (i32.const 0) funcref (ref.func $f))`);
  assert.deepEqual(section(b, 9), [
    0x07,
    ...[0x00, 0x41, 0x00, 0x0b, 0x01, 0x00],
    ...[0x01, 0x00, 0x01, 0x00],
    ...[0x03, 0x00, 0x01, 0x00],
    ...[0x00, 0x41, 0x01, 0x0b, 0x01, 0x00],
    ...[0x05, 0x70, 0x02, 0xd0, 0x70, 0x0b, 0xd2, 0x00, 0x0b],
    ...[0x06, 0x01, 0x41, 0x00, 0x0b, 0x6f, 0x01, 0xd0, 0x6f, 0x0b],
    // Items given as expressions keep the expression encoding (type funcref, not (ref func)).
    ...[0x04, 0x41, 0x00, 0x0b, 0x01, 0xd2, 0x00, 0x0b],
  ]);
});

test("data segments and the data count section", () => {
  const b = wat2wasm(`(memory $m 1) (data $d "x") (data (memory $m) (offset (i32.const 8)) "y")
    (func (memory.init $d (i32.const 0) (i32.const 0) (i32.const 1)) (data.drop 1))`);
  const ids = sections(b).map(([id]) => id);
  assert.deepEqual(ids, [1, 3, 5, 12, 10, 11]);
  assert.deepEqual(section(b, 12), [0x02]);
  assert.deepEqual(section(b, 11), [0x02, 0x01, 0x01, 0x78, 0x00, 0x41, 0x08, 0x0b, 0x01, 0x79]);
  assert.ok(section(b, 10)!.join().includes([0xfc, 0x08, 0x00, 0x00, 0xfc, 0x09, 0x01].join()));
  const plain = wat2wasm(`(memory 1) (data (i32.const 0) "x")`);
  assert.equal(section(plain, 12), undefined);
});

test("memory arguments: default and explicit alignment as log2, offsets", () => {
  const b = wat2wasm(`(memory 1) (func
    (drop (i32.load offset=4 align=2 (i32.const 0)))
    (drop (i64.load (i32.const 0)))
    (i32.store8 offset=0x10 (i32.const 0) (i32.const 0)))`);
  assert.deepEqual(onlyBody(b), [
    ...[0x41, 0x00, 0x28, 0x01, 0x04, 0x1a],
    ...[0x41, 0x00, 0x29, 0x03, 0x00, 0x1a],
    ...[0x41, 0x00, 0x41, 0x00, 0x3a, 0x00, 0x10],
    0x0b,
  ]);
});

test("constants are encoded as LEB128 and IEEE bit patterns", () => {
  const b = wat2wasm(`(func
    i32.const -1 i32.const 0xffffffff i32.const 128 i64.const -0x8000000000000000
    f32.const -0x1p-149 f64.const nan:0x1 drop drop drop drop drop drop)`);
  assert.deepEqual(onlyBody(b).slice(0, 32), [
    ...[0x41, 0x7f],
    ...[0x41, 0x7f],
    ...[0x41, 0x80, 0x01],
    ...[0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f],
    ...[0x43, 0x01, 0x00, 0x00, 0x80],
    ...[0x44, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x7f],
  ]);
});

test("SIMD immediates: v128.const shapes, shuffle, lanes, lane memory ops", () => {
  const b = wat2wasm(`(memory 1) (func
    (v128.const i16x8 1 2 3 4 5 6 7 -1)
    (v128.const f32x4 1 -0 inf nan:0x1)
    (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31)
    (i32x4.extract_lane 3)
    drop
    (v128.load8_lane offset=1 align=1 3 (i32.const 0) (v128.const i64x2 0 -1))
    drop)`);
  const body = onlyBody(b);
  assert.deepEqual(body.slice(0, 18), [
    0xfd,
    0x0c,
    1,
    0,
    2,
    0,
    3,
    0,
    4,
    0,
    5,
    0,
    6,
    0,
    7,
    0,
    0xff,
    0xff,
  ]);
  assert.deepEqual(body.slice(18, 36), [
    0xfd,
    0x0c,
    0,
    0,
    0x80,
    0x3f,
    0,
    0,
    0,
    0x80,
    0,
    0,
    0x80,
    0x7f,
    1,
    0,
    0x80,
    0x7f,
  ]);
  assert.deepEqual(body.slice(36, 54), [
    0xfd,
    0x0d,
    0,
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    9,
    10,
    11,
    12,
    13,
    14,
    31,
  ]);
  assert.deepEqual(body.slice(54, 58), [0xfd, 0x1b, 0x03, 0x1a]);
  assert.deepEqual(body.slice(-7), [0xfd, 0x54, 0x00, 0x01, 0x03, 0x1a, 0x0b]);
});

test("typed select, references and table instructions with an optional table", () => {
  const b = wat2wasm(`(table $a 1 funcref) (table $b 1 funcref) (elem $e func)
    (func $f (result funcref)
      (select (result funcref) (ref.null func) (ref.func $f) (i32.const 1))
      (drop (table.size))
      (drop (table.size $b))
      (table.copy $b $a (i32.const 0) (i32.const 0) (i32.const 0))
      (table.init $e (i32.const 0) (i32.const 0) (i32.const 0))
      (elem.drop $e))`);
  const body = onlyBody(b);
  assert.deepEqual(body.slice(0, 10), [0xd0, 0x70, 0xd2, 0x00, 0x41, 0x01, 0x1c, 0x01, 0x70, 0xfc]);
  assert.deepEqual(body.slice(10, 18), [0x10, 0x00, 0x1a, 0xfc, 0x10, 0x01, 0x1a, 0x41]);
  assert.ok(body.join().includes([0xfc, 0x0e, 0x01, 0x00].join()));
  assert.ok(body.join().includes([0xfc, 0x0c, 0x00, 0x00].join()));
  assert.deepEqual(body.slice(-4), [0xfc, 0x0d, 0x00, 0x0b]);
});

test("names go into the name section", () => {
  const b = wat2wasm(
    `(module $m (func $i (import "a" "b")) (func $f (param $p i32) (local $l i64)))`,
  );
  const name = section(b, 0)!;
  const text = (s: string) => [s.length, ...[...s].map((c) => c.charCodeAt(0))];
  assert.deepEqual(name, [
    ...text("name"),
    ...[0x00, 0x02, ...text("m")],
    ...[0x01, 0x07, 0x02, 0x00, ...text("i"), 0x01, ...text("f")],
    ...[0x02, 0x09, 0x01, 0x01, 0x02, 0x00, ...text("p"), 0x01, ...text("l")],
  ]);
});

test("encoding is deterministic", () => {
  const src = `(module (type $t (func (param i32))) (func (type $t) (block (param i32) drop)))`;
  assert.deepEqual(wat2wasm(src), wat2wasm(src));
});
