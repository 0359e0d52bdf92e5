import { test } from "node:test";
import assert from "node:assert/strict";
import { Runtime, RuntimeError } from "../../mod.ts";
import { wat2wasm } from "../../lib/text/index.ts";
import { decodeModule } from "../../lib/binary/decoder.ts";
import { validateModule } from "../../lib/validate/module_validator.ts";
import { translateModule } from "../../lib/interpreter/translate/translator.ts";
import { disassemble } from "../../lib/interpreter/ops.ts";

/** A v128 as the API passes it: an unsigned bigint, lane 0 in the low bits. */
function v128(lanes: (number | bigint)[], bits: number): bigint {
  let x = 0n;
  const mask = (1n << BigInt(bits)) - 1n;
  for (let i = lanes.length - 1; i >= 0; i--) x = (x << BigInt(bits)) | (BigInt(lanes[i]) & mask);
  return x;
}

/** The lanes of a v128 bigint, unsigned or (if `signed`) signed. */
function lanes(x: unknown, bits: number, signed = false): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < 128 / bits; i++) {
    const lane = BigInt.asUintN(bits, (x as bigint) >> BigInt(i * bits));
    out.push(signed ? BigInt.asIntN(bits, lane) : lane);
  }
  return out;
}

/** Instantiates `(module ` + TEXT (which closes the module) and returns a raw caller for its exports. */
async function module(text: string): Promise<(name: string, ...args: unknown[]) => unknown[]> {
  const m = await new Runtime().instantiate(`(module ${text}`);
  return (name, ...args) => m.exportedFunction(name)!.callRaw(...args);
}

test("f32 and f64 lanes keep NaN bits through extract, replace and splat", async () => {
  const call = await module(`
    (func (export "extract") (param v128) (result f32) (f32x4.extract_lane 1 (local.get 0)))
    (func (export "replace") (param v128 f32) (result v128)
      (f32x4.replace_lane 2 (local.get 0) (local.get 1)))
    (func (export "splat") (param f32) (result v128) (f32x4.splat (local.get 0)))
    (func (export "replace64") (param v128 f64) (result v128)
      (f64x2.replace_lane 1 (local.get 0) (local.get 1)))
    (func (export "extract64") (param v128) (result f64) (f64x2.extract_lane 1 (local.get 0))))`);
  const sNaN = 0x7fa00001n, sNaN64 = 0x7ff4000000000001n;
  assert.deepEqual(call("extract", v128([0, sNaN, 0, 0], 32)), [sNaN]);
  assert.deepEqual(lanes(call("replace", 0n, sNaN)[0], 32), [0n, 0n, sNaN, 0n]);
  assert.deepEqual(lanes(call("splat", 0xffc00123n)[0], 32), Array(4).fill(0xffc00123n));
  const replaced = call("replace64", 0n, sNaN64)[0];
  assert.deepEqual(lanes(replaced, 64), [0n, sNaN64]);
  assert.deepEqual(call("extract64", replaced), [sNaN64]);
});

test("integer lanes wrap or saturate at their edges", async () => {
  const call = await module(`
    (func (export "add_sat_s") (param v128 v128) (result v128)
      (i8x16.add_sat_s (local.get 0) (local.get 1)))
    (func (export "add_sat_u") (param v128 v128) (result v128)
      (i8x16.add_sat_u (local.get 0) (local.get 1)))
    (func (export "sub_sat_u") (param v128 v128) (result v128)
      (i16x8.sub_sat_u (local.get 0) (local.get 1)))
    (func (export "abs") (param v128) (result v128) (i8x16.abs (local.get 0)))
    (func (export "narrow_s") (param v128 v128) (result v128)
      (i8x16.narrow_i16x8_s (local.get 0) (local.get 1)))
    (func (export "narrow_u") (param v128 v128) (result v128)
      (i16x8.narrow_i32x4_u (local.get 0) (local.get 1)))
    (func (export "q15") (param v128 v128) (result v128)
      (i16x8.q15mulr_sat_s (local.get 0) (local.get 1)))
    (func (export "add64") (param v128 v128) (result v128) (i64x2.add (local.get 0) (local.get 1))))`);
  const bytes = (xs: number[]) => v128([...xs, ...Array(16 - xs.length).fill(0)], 8);
  assert.deepEqual(
    lanes(call("add_sat_s", bytes([127, -128, 5]), bytes([1, -1, -10]))[0], 8, true).slice(0, 3),
    [127n, -128n, -5n],
  );
  assert.deepEqual(lanes(call("add_sat_u", bytes([255, 200]), bytes([1, 100]))[0], 8).slice(0, 2), [
    255n,
    255n,
  ]);
  assert.deepEqual(
    lanes(call("sub_sat_u", v128([0, 5, 0, 0, 0, 0, 0, 0], 16), v128([1, 2], 16))[0], 16).slice(
      0,
      2,
    ),
    [0n, 3n],
  );
  assert.deepEqual(lanes(call("abs", bytes([-128, -1, 7]))[0], 8, true).slice(0, 3), [
    -128n,
    1n,
    7n,
  ]);
  const narrowed = lanes(
    call("narrow_s", v128([300, -300, 5, 0, 0, 0, 0, 0], 16), v128([-1], 16))[0],
    8,
    true,
  );
  assert.deepEqual([...narrowed.slice(0, 3), narrowed[8]], [127n, -128n, 5n, -1n]);
  const narrowedU = lanes(call("narrow_u", v128([-5, 70000, 65535, 1], 32), 0n)[0], 16);
  assert.deepEqual(narrowedU.slice(0, 4), [0n, 65535n, 65535n, 1n]);
  const q15 = lanes(
    call("q15", v128([-32768, 16384, 0, 0, 0, 0, 0, 0], 16), v128([-32768, 16384], 16))[0],
    16,
    true,
  );
  assert.deepEqual(q15.slice(0, 2), [32767n, 8192n]);
  // The carry crosses from the low word to the high word of a lane, and not into the next lane.
  assert.deepEqual(
    lanes(call("add64", v128([0xffffffffffffffffn, 0xffffffffn], 64), v128([1, 1], 64))[0], 64),
    [
      0n,
      0x100000000n,
    ],
  );
});

test("shift counts are taken modulo the lane width", async () => {
  const call = await module(`
    (func (export "shl8") (param v128 i32) (result v128) (i8x16.shl (local.get 0) (local.get 1)))
    (func (export "shr_s64") (param v128 i32) (result v128)
      (i64x2.shr_s (local.get 0) (local.get 1))))`);
  assert.deepEqual(lanes(call("shl8", v128([0x81], 8), 9n)[0], 8)[0], 0x02n);
  assert.deepEqual(lanes(call("shr_s64", v128([-256, 256], 64), 65n)[0], 64, true), [-128n, 128n]);
});

test("shuffle picks lanes from both operands; swizzle zeroes indices from 16 on", async () => {
  const call = await module(`
    (func (export "shuffle") (param v128 v128) (result v128)
      (i8x16.shuffle 0 16 1 17 31 15 2 3 4 5 6 7 8 9 10 30 (local.get 0) (local.get 1)))
    (func (export "swizzle") (param v128 v128) (result v128)
      (i8x16.swizzle (local.get 0) (local.get 1))))`);
  const a = v128([...Array(16).keys()], 8);
  const b = v128([...Array(16).keys()].map((i) => 100 + i), 8);
  assert.deepEqual(
    lanes(call("shuffle", a, b)[0], 8).map(Number),
    [0, 100, 1, 101, 115, 15, 2, 3, 4, 5, 6, 7, 8, 9, 10, 114],
  );
  const indices = v128([15, 16, 0, 255, 128, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 1], 8);
  assert.deepEqual(
    lanes(call("swizzle", b, indices)[0], 8).map(Number),
    [115, 0, 100, 0, 0, 103, 103, 103, 103, 103, 103, 103, 103, 103, 103, 101],
  );
});

test("bitmask, all_true and any_true", async () => {
  const call = await module(`
    (func (export "bitmask") (param v128) (result i32) (i8x16.bitmask (local.get 0)))
    (func (export "all_true") (param v128) (result i32) (i32x4.all_true (local.get 0)))
    (func (export "any_true") (param v128) (result i32) (v128.any_true (local.get 0))))`);
  assert.deepEqual(call("bitmask", v128([0x80, 0, 0xff, ...Array(12).fill(0), 0x80], 8)), [
    0x8005n,
  ]);
  assert.deepEqual(call("all_true", v128([1, 2, 3, 4], 32)), [1n]);
  assert.deepEqual(call("all_true", v128([1, 2, 0, 4], 32)), [0n]);
  assert.deepEqual(call("any_true", 0n), [0n]);
  assert.deepEqual(call("any_true", 1n << 127n), [1n]);
});

test("float lanes: min/max order zeros, pmin/pmax return an operand, nearest rounds to even", async () => {
  const m = await new Runtime().instantiate(`(module
    (func (export "min") (param v128 v128) (result v128) (f32x4.min (local.get 0) (local.get 1)))
    (func (export "pmin") (param v128 v128) (result v128) (f32x4.pmin (local.get 0) (local.get 1)))
    (func (export "pmax") (param v128 v128) (result v128) (f64x2.pmax (local.get 0) (local.get 1)))
    (func (export "nearest") (param v128) (result v128) (f32x4.nearest (local.get 0)))
    (func (export "trunc_sat") (param v128) (result v128) (i32x4.trunc_sat_f32x4_u (local.get 0))))`);
  const call = (name: string, ...args: bigint[]) => m.exportedFunction(name)!.callRaw(...args)[0];
  const f32 = (xs: number[]) =>
    v128(xs.map((x) => new Uint32Array(new Float32Array([x]).buffer)[0]), 32);
  const f64 = (xs: number[]) =>
    v128(xs.map((x) => new BigUint64Array(new Float64Array([x]).buffer)[0]), 64);
  const NEG_ZERO = 0x80000000n, NAN_BITS = 0x7fc01234n;
  assert.deepEqual(lanes(call("min", f32([0, -0, 1, 2]), f32([-0, 0, NaN, 1])), 32).slice(0, 2), [
    NEG_ZERO,
    NEG_ZERO,
  ]);
  const minNaN = lanes(call("min", f32([0, 0, 1, 0]), f32([0, 0, NaN, 0])), 32)[2];
  assert.equal(minNaN & 0x7fc00000n, 0x7fc00000n);
  // pmin(a, b) = b < a ? b : a: a NaN comes through bit for bit, and +0 vs -0 keeps a.
  const a = v128([NAN_BITS, 0, ...lanes(f32([5, 2]), 32).slice(0, 2)], 32);
  assert.deepEqual(lanes(call("pmin", a, f32([1, -0, 3, 1])), 32), [
    NAN_BITS,
    0n,
    ...lanes(f32([3, 1]), 32).slice(0, 2),
  ]);
  // pmax(-0, +0) is a (-0): only a < b picks b.
  assert.deepEqual(lanes(call("pmax", f64([-0, 1]), f64([0, NaN])), 64), [
    0x8000000000000000n,
    new BigUint64Array(new Float64Array([1]).buffer)[0],
  ]);
  assert.deepEqual(lanes(call("nearest", f32([2.5, -0.5, 3.5, -2.5])), 32), [
    ...lanes(f32([2, -0, 4, -2]), 32),
  ]);
  assert.deepEqual(lanes(call("trunc_sat", f32([NaN, -5, 5e9, 7.9])), 32), [
    0n,
    0n,
    0xffffffffn,
    7n,
  ]);
});

test("memory: extending, splatting, zeroing and lane loads", async () => {
  const call = await module(`(memory 1)
    (data (i32.const 0) "\\80\\01\\ff\\7f\\01\\02\\03\\04\\05\\06\\07\\08\\09\\0a\\0b\\0c")
    (func (export "load8x8_s") (result v128) (v128.load8x8_s (i32.const 0)))
    (func (export "load16_splat") (result v128) (v128.load16_splat (i32.const 2)))
    (func (export "load32_zero") (result v128) (v128.load32_zero offset=4 (i32.const 0)))
    (func (export "load_lane") (result v128)
      (v128.load8_lane 3 (i32.const 2) (v128.const i32x4 1 2 3 4))))`);
  assert.deepEqual(lanes(call("load8x8_s")[0], 16, true), [-128n, 1n, -1n, 127n, 1n, 2n, 3n, 4n]);
  assert.deepEqual(lanes(call("load16_splat")[0], 16), Array(8).fill(0x7fffn));
  assert.deepEqual(lanes(call("load32_zero")[0], 32), [0x04030201n, 0n, 0n, 0n]);
  // The vector operand sits right above the address, overlapping the result register.
  assert.deepEqual(lanes(call("load_lane")[0], 32), [0xff000001n, 2n, 3n, 4n]);
});

test("a trapping v128.store writes nothing", async () => {
  const m = await new Runtime().instantiate(`(module (memory (export "mem") 1)
    (func (export "store") (param i32 v128) (v128.store (local.get 0) (local.get 1)))
    (func (export "store64_lane") (param i32 v128)
      (v128.store64_lane 1 (local.get 0) (local.get 1))))`);
  const mem = m.exportedMemory("mem")!;
  const ones = (1n << 128n) - 1n;
  assert.throws(
    () => m.exportedFunction("store")!.callRaw(65536n - 8n, ones),
    (e: unknown) => e instanceof RuntimeError && e.message === "out of bounds memory access",
  );
  assert.equal(mem.readUint64(65528), 0n);
  assert.throws(() => m.exportedFunction("store64_lane")!.callRaw(65532n, ones), RuntimeError);
  assert.equal(mem.readUint32(65532), 0);
  m.exportedFunction("store")!.callRaw(65520n, ones);
  assert.equal(mem.readUint64(65528), 0xffffffffffffffffn);
});

test("a result computed into its operand's local reads the operand first", async () => {
  const call = await module(`
    (func (export "f") (param v128) (result v128)
      (local.set 0 (i16x8.extend_high_i8x16_s (local.get 0)))
      (local.get 0)))`);
  const input = v128([0, 1, 2, 3, 4, 5, 6, 7, -8, 9, -10, 11, 12, 13, 14, -15], 8);
  assert.deepEqual(lanes(call("f", input)[0], 16, true), [-8n, 9n, -10n, 11n, 12n, 13n, 14n, -15n]);
});

test("rarer SIMD instructions lower to generic register ops carrying the sub-opcode", () => {
  const module = decodeModule(wat2wasm(`(module (memory 1)
    (func (param v128 v128) (result v128)
      (i16x8.min_s (v128.load offset=8 (i32.const 0)) (i8x16.extract_lane_u 3 (local.get 1))
        (i16x8.splat) (drop) (local.get 0))))`));
  const code = disassemble(translateModule(validateModule(module))[0].code).join("\n");
  assert.match(code, /v128_load r\d+ r\d+ 0 8\n/);
  assert.match(code, /v128_extract r\d+ r2 790\n/); // 0x16 | lane 3 << 8; local 1 is slot 2
  assert.match(code, /v128_splat r\d+ r\d+ 16\n/); // 0x10
  assert.match(code, /v128_int_binary r\d+ r\d+ r0 150\n/); // 0x96
  assert.doesNotMatch(code, /unsupported/);
});

test("common SIMD instructions get their own ops, loads and stores fold an address add", () => {
  const module = decodeModule(wat2wasm(`(module (memory 1)
    (func (param i32 v128) (result v128)
      (v128.store offset=4 (i32.add (local.get 0) (i32.const 32)) (local.get 1))
      (i16x8.add (v128.load8x8_u offset=8 (i32.add (local.get 0) (i32.const 16)))
        (f32x4.mul (local.get 1) (local.get 1)))))`));
  const code = disassemble(translateModule(validateModule(module))[0].code).join("\n");
  assert.match(code, /v128_store r0 r1 32 4\n/);
  assert.match(code, /v128_load8x8_u r\d+ r0 16 8\n/);
  assert.match(code, /f32x4_mul r\d+ r1 r1\n/);
  assert.match(code, /i16x8_add r\d+ r\d+ r\d+\n/);
  assert.doesNotMatch(code, /i32_add/);
});

test("a folded address add wraps at 2^32 before the offset, and stays bounds-checked", async () => {
  const m = await new Runtime().instantiate(`(module (memory (export "mem") 1)
    (data (i32.const 16) "\\01\\02\\03\\04\\05\\06\\07\\08\\09\\0a\\0b\\0c\\0d\\0e\\0f\\10")
    (func (export "load") (param i32) (result v128)
      (v128.load offset=8 (i32.add (local.get 0) (i32.const 24))))
    (func (export "load8x8_u") (param i32) (result v128)
      (v128.load8x8_u (i32.add (local.get 0) (i32.const 16))))
    (func (export "load8x8_s") (param i32) (result v128)
      (v128.load8x8_s offset=1 (i32.add (local.get 0) (i32.const -1))))
    (func (export "store") (param i32 v128)
      (v128.store offset=16 (i32.add (local.get 0) (i32.const 16)) (local.get 1))))`);
  const call = (name: string, ...args: unknown[]) => m.exportedFunction(name)!.callRaw(...args);
  const mem = m.exportedMemory("mem")!;
  // -16 + 24 wraps to 8; + offset 8 = 16.
  assert.deepEqual(
    lanes(call("load", -16n & 0xffffffffn)[0], 8),
    [...Array(16)].map((_, i) => BigInt(i + 1)),
  );
  assert.deepEqual(lanes(call("load8x8_u", 0n)[0], 16), [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]);
  mem.write(32, new Uint8Array([0x80, 0xff, 0x7f, 0, 0, 0, 0, 0]));
  assert.deepEqual(lanes(call("load8x8_s", 32n)[0], 16, true), [
    -128n,
    -1n,
    127n,
    0n,
    0n,
    0n,
    0n,
    0n,
  ]);
  // 0xfffffff8 + 16 is 2^32 + 8: in bounds only because it wraps to 8.
  mem.write(8, new Uint8Array([0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28]));
  assert.deepEqual(
    lanes(call("load8x8_u", 0xfffffff8n)[0], 16),
    [0x21n, 0x22n, 0x23n, 0x24n, 0x25n, 0x26n, 0x27n, 0x28n],
  );
  const oob = (e: unknown) =>
    e instanceof RuntimeError && e.message === "out of bounds memory access";
  assert.throws(() => call("load", 65536n - 31n), oob);
  assert.throws(() => call("load8x8_u", 65536n - 23n), oob);
  const ones = (1n << 128n) - 1n;
  assert.throws(() => call("store", 65536n - 40n, ones), oob);
  assert.equal(mem.readUint64(65528), 0n); // nothing written
  call("store", 65536n - 48n, ones);
  assert.equal(mem.readUint64(65528), 0xffffffffffffffffn);
});

test("i16x8.add of a v128.load8x8 fuses into one op with the same lanes and traps", async () => {
  const text = (sign: string) => `
    (func (export "fused_${sign}") (param i32 v128) (result v128)
      (i16x8.add (local.get 1) (v128.load8x8_${sign} offset=3 (i32.add (local.get 0) (i32.const 5)))))
    (func (export "plain_${sign}") (param i32 v128) (result v128)
      (i16x8.add (v128.load8x8_${sign} offset=3 (i32.add (local.get 0) (i32.const 5))) (local.get 1)))`;
  const source = `(module (memory (export "mem") 1) ${text("s")} ${text("u")})`;
  const module = decodeModule(wat2wasm(source));
  const code = translateModule(validateModule(module)).map((f) => disassemble(f.code).join("\n"));
  assert.match(code[0], /i16x8_add_load8x8_s r\d+ r1 r0 5 3\n/);
  assert.doesNotMatch(code[1], /i16x8_add_load8x8/); // the load is not the top operand there
  assert.match(code[2], /i16x8_add_load8x8_u r\d+ r1 r0 5 3\n/);
  const m = await new Runtime().instantiate(source);
  const bytes = new Uint8Array(64);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 73 + 41) & 0xff; // both signs
  m.exportedMemory("mem")!.write(0, bytes);
  const acc = v128([0x7fff, 0xffff, 0x8000, 1, 0xff80, 0x7f7f, 0, 0x1234], 16);
  for (const sign of ["s", "u"]) {
    for (const at of [0n, 8n, 20n]) {
      const fused = m.exportedFunction(`fused_${sign}`)!.callRaw(at, acc)[0];
      assert.deepEqual(fused, m.exportedFunction(`plain_${sign}`)!.callRaw(at, acc)[0]);
      const loaded = [...bytes.subarray(Number(at) + 8, Number(at) + 16)]
        .map((x) => sign === "s" ? (x << 24) >> 24 : x);
      const expected = lanes(acc, 16).map((a, i) => BigInt.asUintN(16, a + BigInt(loaded[i])));
      assert.deepEqual(lanes(fused, 16), expected);
    }
    assert.throws(
      () => m.exportedFunction(`fused_${sign}`)!.callRaw(65536n - 15n, acc),
      (e: unknown) => e instanceof RuntimeError && e.message === "out of bounds memory access",
    );
  }
});

test("f32x4.mul of a v128.load fuses into one op with the same lanes and traps", async () => {
  const source = `(module (memory (export "mem") 1)
    (func (export "fused") (param i32 v128) (result v128)
      (f32x4.mul (local.get 1) (v128.load offset=4 (i32.add (local.get 0) (i32.const 8)))))
    (func (export "plain") (param i32 v128) (result v128)
      (f32x4.mul (v128.load offset=4 (i32.add (local.get 0) (i32.const 8))) (local.get 1))))`;
  const code = translateModule(validateModule(decodeModule(wat2wasm(source))))
    .map((f) => disassemble(f.code).join("\n"));
  assert.match(code[0], /f32x4_mul_load r\d+ r1 r0 8 4\n/);
  assert.doesNotMatch(code[1], /f32x4_mul_load/);
  const m = await new Runtime().instantiate(source);
  const floats = new Float32Array([1.5, -2, 0.1, 3e38, 7, 8, 9, 10]);
  m.exportedMemory("mem")!.write(12, new Uint8Array(floats.buffer));
  const acc = new Uint32Array(new Float32Array([2, 0.5, -3, 10]).buffer);
  const accBits = v128([...acc], 32);
  const fused = m.exportedFunction("fused")!.callRaw(0n, accBits)[0];
  assert.deepEqual(fused, m.exportedFunction("plain")!.callRaw(0n, accBits)[0]);
  const lanesF = new Float32Array(new Uint32Array(lanes(fused, 32).map(Number)).buffer);
  assert.deepEqual([...lanesF], [3, -1, Math.fround(Math.fround(0.1) * -3), Infinity]);
  assert.throws(
    () => m.exportedFunction("fused")!.callRaw(65536n - 27n, accBits),
    (e: unknown) => e instanceof RuntimeError && e.message === "out of bounds memory access",
  );
});
