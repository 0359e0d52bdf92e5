// SIMD superinstructions (sums of byte rows, widening multiplies, lane stores with a folded
// address add) and the unsigned byte compares: each must give the lanes, wrap-around and traps of
// the instructions it replaces.
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

/** The unsigned lanes of a v128 bigint. */
function lanes(x: unknown, bits: number): bigint[] {
  const out: bigint[] = [];
  for (let i = 0; i < 128 / bits; i++) {
    out.push(BigInt.asUintN(bits, (x as bigint) >> BigInt(i * bits)));
  }
  return out;
}

/** The register code of each function in `source`, one string per function. */
function registerCode(source: string): string[] {
  return translateModule(validateModule(decodeModule(wat2wasm(source))))
    .map((f) => disassemble(f.code).join("\n") + "\n");
}

const outOfBounds = (e: unknown) =>
  e instanceof RuntimeError && e.message === "out of bounds memory access";

test("a sum of load8x8_u rows fuses two loads and adds per op, with the same lanes and traps", async () => {
  const source = `(module (memory (export "mem") 1)
    (func (export "rows") (param $p i32) (param $acc v128) (result v128)
      (i16x8.add
        (i16x8.add
          (i16x8.add (i16x8.add (local.get $acc) (v128.load8x8_u (local.get $p)))
            (v128.load8x8_u offset=1 (local.get $p)))
          (v128.load8x8_u (i32.add (local.get $p) (i32.const 128))))
        (v128.load8x8_u offset=3 (i32.add (local.get $p) (i32.const 129))))))`;
  const code = registerCode(source)[0];
  assert.match(code, /i16x8_add2_load8x8_u r\d+ r\d+ r0 0 0 r0 0 1\n/);
  assert.match(code, /i16x8_add2_load8x8_u r\d+ r\d+ r0 128 0 r0 129 3\n/);
  assert.doesNotMatch(code, /i16x8_add_load8x8_u|v128_load8x8_u/);

  const m = await new Runtime().instantiate(source);
  const bytes = new Uint8Array(512);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 89 + 200) & 0xff;
  bytes.fill(0xff, 128, 160); // the largest row sums
  m.exportedMemory("mem")!.write(0, bytes);
  const rows = m.exportedFunction("rows")!;
  // Lanes at the top of their range wrap; 0x8000 crosses the sign bit.
  const acc = [0xffff, 0xfe02, 0x7fff, 0x8000, 0, 1, 0x7e01, 0x1234];
  for (const p of [0, 5, 130]) {
    const got = lanes(rows.callRaw(BigInt(p), v128(acc, 16))[0], 16);
    const want = acc.map((a, i) =>
      BigInt(
        (a + bytes[p + i] + bytes[p + 1 + i] + bytes[p + 128 + i] + bytes[p + 132 + i]) & 0xffff,
      )
    );
    assert.deepEqual(got, want, `p = ${p}`);
  }
  // The first row in bounds and the second not, then the first row out of bounds.
  assert.throws(() => rows.callRaw(BigInt(65536 - 128 - 8), 0n), outOfBounds);
  assert.throws(() => rows.callRaw(BigInt(65536 - 7), 0n), outOfBounds);
});

test("i32x4.mul of an extended i16x8 fuses, whichever side and through a teed constant", async () => {
  const source = `(module
    (func (export "low_left") (param v128 v128) (result v128)
      (i32x4.mul (i32x4.extend_low_i16x8_u (local.get 0)) (local.get 1)))
    (func (export "high_right") (param v128 v128) (result v128)
      (i32x4.mul (local.get 1) (i32x4.extend_high_i16x8_u (local.get 0))))
    (func (export "teed") (param v128 v128) (result v128) (local v128)
      (i32x4.mul (i32x4.extend_low_i16x8_u (local.get 0))
        (local.tee 2 (v128.const i32x4 0x10001 -1 0x7fffffff 3)))
      (i32x4.add (i32x4.extend_high_i16x8_u (local.get 0)) (local.get 2))
      (i32x4.add))
    (func (export "teed_in_loop") (param v128 v128) (result v128) (local v128)
      (loop (result v128)
        (i32x4.mul (i32x4.extend_low_i16x8_u (local.get 0))
          (local.tee 2 (v128.const i32x4 0x10001 -1 0x7fffffff 3)))
        (i32x4.add (i32x4.extend_high_i16x8_u (local.get 0)) (local.get 2))
        (i32x4.add)))
    (func (export "into_operand") (param v128 v128) (result v128)
      (local.set 0 (i32x4.mul (i32x4.extend_high_i16x8_u (local.get 0)) (local.get 0)))
      (local.get 0)))`;
  const code = registerCode(source);
  assert.match(code[0], /i32x4_extend_low_i16x8_u_mul r\d+ r0 r2\n/);
  assert.match(code[1], /i32x4_extend_high_i16x8_u_mul r\d+ r0 r2\n/);
  assert.match(
    code[2],
    /const128 r4 65537 -1 2147483647 3\n\d+: i32x4_extend_low_i16x8_u_mul r\d+ r0 r4\n/,
  );
  // In a loop the constant is hoisted and the tee copies it: that move goes first too.
  assert.match(code[3], /mov128 r4 r\d+\n\d+: i32x4_extend_low_i16x8_u_mul r\d+ r0 r4\n/);
  for (const c of code) assert.doesNotMatch(c, /i32x4_mul /);

  const call = await module(source);
  const x = [0xffff, 2, 0x8000, 7, 0xfffe, 0, 0x1234, 0x7fff];
  const y = [0xffff, -3, 0x20000, 0x7fffffff];
  const mul = (a: number, b: number) => BigInt(Math.imul(a, b) >>> 0);
  assert.deepEqual(
    lanes(call("low_left", v128(x, 16), v128(y, 32)), 32),
    [0, 1, 2, 3].map((i) => mul(x[i], y[i])),
  );
  assert.deepEqual(
    lanes(call("high_right", v128(x, 16), v128(y, 32)), 32),
    [0, 1, 2, 3].map((i) => mul(x[4 + i], y[i])),
  );
  const k = [0x10001, -1, 0x7fffffff, 3];
  for (const name of ["teed", "teed_in_loop"]) {
    assert.deepEqual(
      lanes(call(name, v128(x, 16), 0n), 32),
      [0, 1, 2, 3].map((i) => BigInt((Math.imul(x[i], k[i]) + x[4 + i] + k[i]) >>> 0)),
    );
  }
  // The result overwrites the operand it reads: every source word is read first.
  const self = v128([5, 6, 7, 8], 32);
  const words = [5, 0, 6, 0, 7, 0, 8, 0]; // the same vector as u16 lanes
  assert.deepEqual(
    lanes(call("into_operand", self, 0n), 32),
    [0, 1, 2, 3].map((i) => mul(words[4 + i], [5, 6, 7, 8][i])),
  );
});

/** Instantiates `source` and returns a raw caller for its exports. */
async function module(source: string): Promise<(name: string, ...args: unknown[]) => unknown> {
  const m = await new Runtime().instantiate(source);
  return (name, ...args) => m.exportedFunction(name)!.callRaw(...args)[0];
}

test("lane stores fold an address add, wrap at 2^32, and write nothing when they trap", async () => {
  const source = `(module (memory (export "mem") 1)
    (func (export "store64") (param i32 v128)
      (v128.store64_lane offset=4 1 (i32.add (local.get 0) (i32.const 32)) (local.get 1)))
    (func (export "store32") (param i32 v128)
      (v128.store32_lane offset=2 3 (i32.add (local.get 0) (i32.const 16)) (local.get 1))))`;
  const code = registerCode(source);
  assert.match(code[0], /v128_store64_lane r0 r1 32 4 1\n/);
  assert.match(code[1], /v128_store32_lane r0 r1 16 2 3\n/);
  for (const c of code) assert.doesNotMatch(c, /i32_add/);

  const m = await new Runtime().instantiate(source);
  const mem = m.exportedMemory("mem")!;
  const value = v128([0x11111111, 0x22222222, 0x33333333, 0x44444444], 32);
  const store64 = m.exportedFunction("store64")!, store32 = m.exportedFunction("store32")!;
  store64.callRaw(100n, value);
  assert.equal(mem.readUint64(136), 0x4444444433333333n);
  store32.callRaw(0xfffffff0n, value); // -16 + 16 wraps to 0; + offset 2
  assert.equal(mem.readUint32(2), 0x44444444);
  assert.throws(() => store64.callRaw(BigInt(65536 - 36 - 7), value), outOfBounds);
  assert.equal(mem.readUint64(65528), 0n);
  assert.throws(() => store32.callRaw(BigInt(65536 - 18 - 3), value), outOfBounds);
  assert.equal(mem.readUint32(65532), 0);
});

test("i8x16.lt_u and gt_u compare every byte as unsigned", async () => {
  const call = await module(`(module
    (func (export "lt") (param v128 v128) (result v128) (i8x16.lt_u (local.get 0) (local.get 1)))
    (func (export "gt") (param v128 v128) (result v128) (i8x16.gt_u (local.get 0) (local.get 1))))`);
  let seed = 7;
  const byte = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
  const edges = [0, 1, 0x7f, 0x80, 0x81, 0xfe, 0xff];
  for (let round = 0; round < 40; round++) {
    const a: number[] = [], b: number[] = [];
    for (let i = 0; i < 16; i++) {
      a.push(round < 7 ? edges[round] : byte());
      b.push(round < 7 ? edges[(i + round) % 7] : i % 5 === 0 ? a[i] : byte());
    }
    const mask = (f: (x: number, y: number) => boolean) =>
      a.map((x, i) => (f(x, b[i]) ? 0xffn : 0n));
    assert.deepEqual(lanes(await call("lt", v128(a, 8), v128(b, 8)), 8), mask((x, y) => x < y));
    assert.deepEqual(lanes(await call("gt", v128(a, 8), v128(b, 8)), 8), mask((x, y) => x > y));
  }
});

test("a shift right of the widened products fuses into the multiply, counts taken mod 32", async () => {
  const source = `(module
    (func (export "by_local") (param v128 v128 i32) (result v128)
      (i32x4.shr_u (i32x4.mul (i32x4.extend_low_i16x8_u (local.get 0)) (local.get 1))
        (local.get 2)))
    (func (export "by_constant_in_loop") (param v128 v128) (result v128)
      (loop (result v128)
        (i32x4.shr_u (i32x4.mul (i32x4.extend_high_i16x8_u (local.get 0)) (local.get 1))
          (i32.const 16))))
    (func (export "by_constant") (param v128 v128) (result v128)
      (i32x4.shr_u (i32x4.mul (i32x4.extend_high_i16x8_u (local.get 0)) (local.get 1))
        (i32.const 16))))`;
  const code = registerCode(source);
  assert.match(code[0], /i32x4_extend_low_i16x8_u_mul_shr_u r\d+ r0 r2 r4\n/);
  assert.match(code[1], /i32x4_extend_high_i16x8_u_mul_shr_u r\d+ r0 r2 r\d+\n/);
  assert.doesNotMatch(code[1], /i32x4_shr_u /);
  assert.match(code[2], /i32x4_shr_u /); // the constant is not in a register there: not fused

  const call = await module(source);
  const x = [0xffff, 2, 0x8000, 7, 0xfffe, 0, 0x1234, 0x7fff];
  const y = [0xffff, -3, 0x20000, 0x7fffffff];
  const product = (a: number, b: number) => Math.imul(a, b) >>> 0;
  for (const count of [0, 3, 16, 31, 35, -1]) {
    assert.deepEqual(
      lanes(call("by_local", v128(x, 16), v128(y, 32), BigInt(count >>> 0)), 32),
      [0, 1, 2, 3].map((i) => BigInt(product(x[i], y[i]) >>> (count & 31))),
      `count ${count}`,
    );
  }
  const high = [0, 1, 2, 3].map((i) => BigInt(product(x[4 + i], y[i]) >>> 16));
  assert.deepEqual(lanes(call("by_constant_in_loop", v128(x, 16), v128(y, 32)), 32), high);
  assert.deepEqual(lanes(call("by_constant", v128(x, 16), v128(y, 32)), 32), high);
});
