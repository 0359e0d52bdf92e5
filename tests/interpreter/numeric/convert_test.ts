import { test } from "node:test";
import assert from "node:assert/strict";
import {
  f32ConvertI32U,
  f32ConvertI64S,
  f32ConvertI64U,
  f32DemoteF64,
  f64ConvertI32U,
  f64ConvertI64S,
  f64ConvertI64U,
  f64PromoteF32,
  i32TruncF32S,
  i32TruncF32U,
  i32TruncF64S,
  i32TruncF64U,
  i32TruncS,
  i32TruncSatS,
  i32TruncSatU,
  i32TruncU,
  i32WrapI64,
  i64ExtendI32S,
  i64ExtendI32U,
  i64TruncS,
  i64TruncSatS,
  i64TruncSatU,
  i64TruncU,
} from "../../../lib/interpreter/numeric/convert.ts";
import {
  assertTrap,
  f32FromBits,
  get,
  hex,
  hexFloat as h,
  prng,
  put,
  randF64,
  randI64,
} from "./util.ts";

const N = 4000;
const R = new Int32Array(8);
const INVALID = "invalid conversion to integer";
const OVERFLOW = "integer overflow";

/** The exact integer part of a finite x, or undefined for NaN and infinities. */
function truncBig(x: number): bigint | undefined {
  return Number.isFinite(x) ? BigInt(Math.trunc(x)) : undefined;
}

/** Reference for the trapping truncations into [lo, hi]; returns the value or the trap message. */
function refTrunc(x: number, lo: bigint, hi: bigint): bigint | string {
  if (x !== x) return INVALID;
  const t = truncBig(x);
  return t === undefined || t < lo || t > hi ? OVERFLOW : t;
}

function refSat(x: number, lo: bigint, hi: bigint): bigint {
  if (x !== x) return 0n;
  const t = truncBig(x);
  if (t === undefined) return x < 0 ? lo : hi;
  return t < lo ? lo : t > hi ? hi : t;
}

/** Correct round-to-nearest-even of an integer to f32, computed on BigInt. */
function refF32(v: bigint): number {
  const neg = v < 0n, m = neg ? -v : v;
  const len = m.toString(2).length;
  let r: number;
  if (len <= 24) r = Number(m);
  else {
    const shift = BigInt(len - 24);
    let q = m >> shift;
    const rem = m - (q << shift), half = 1n << (shift - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q++;
    r = Number(q) * 2 ** Number(shift);
  }
  return neg ? -r : r;
}

function* floats(seed: number): Generator<number> {
  const rng = prng(seed);
  for (let i = 0; i < N; i++) {
    const x = randF64(rng);
    yield x;
    yield Math.fround(x);
  }
  for (let i = 0; i < 300; i++) yield f32FromBits(rng());
}

const I32_MIN = -(2n ** 31n), I32_MAX = 2n ** 31n - 1n, U32_MAX = 2n ** 32n - 1n;
const I64_MIN = -(2n ** 63n), I64_MAX = 2n ** 63n - 1n, U64_MAX = 2n ** 64n - 1n;

function checkI32(fn: (x: number) => number, x: number, want: bigint | string): void {
  if (typeof want === "string") assertTrap(() => fn(x), want);
  else assert.equal(fn(x), Number(BigInt.asIntN(32, want)), `${fn.name}(${x})`);
}

function checkI64(
  fn: (R: Int32Array, dst: number, x: number) => void,
  x: number,
  want: bigint | string,
): void {
  if (typeof want === "string") assertTrap(() => fn(R, 2, x), want);
  else {
    fn(R, 2, x);
    assert.equal(get(R, 2), BigInt.asIntN(64, want), `${fn.name}(${x})`);
  }
}

test("trapping truncations match exact references", () => {
  for (const x of floats(20)) {
    checkI32(i32TruncS, x, refTrunc(x, I32_MIN, I32_MAX));
    checkI32(i32TruncU, x, refTrunc(x, 0n, U32_MAX));
    checkI64(i64TruncS, x, refTrunc(x, I64_MIN, I64_MAX));
    checkI64(i64TruncU, x, refTrunc(x, 0n, U64_MAX));
  }
  assert.equal(i32TruncF32S, i32TruncS);
  assert.equal(i32TruncF64S, i32TruncS);
  assert.equal(i32TruncF32U, i32TruncU);
  assert.equal(i32TruncF64U, i32TruncU);
});

test("trapping truncations at the spec's boundaries (conversions.wast)", () => {
  const f = Math.fround;
  checkI32(i32TruncS, f(2147483520), 2147483520n);
  checkI32(i32TruncS, -2147483648, I32_MIN);
  checkI32(i32TruncS, -2147483648.9, I32_MIN);
  checkI32(i32TruncS, 2147483647.9, I32_MAX);
  checkI32(i32TruncS, 2147483648, OVERFLOW);
  checkI32(i32TruncS, -2147483649, OVERFLOW);
  checkI32(i32TruncS, f(-2147483904), OVERFLOW);
  checkI32(i32TruncS, Infinity, OVERFLOW);
  checkI32(i32TruncS, -Infinity, OVERFLOW);
  checkI32(i32TruncS, NaN, INVALID);
  checkI32(i32TruncS, -0, 0n);
  checkI32(i32TruncU, 4294967295.9, U32_MAX);
  checkI32(i32TruncU, -0.9, 0n);
  checkI32(i32TruncU, f(-0.9999999403953552), 0n);
  checkI32(i32TruncU, 4294967296, OVERFLOW);
  checkI32(i32TruncU, -1, OVERFLOW);
  checkI32(i32TruncU, f32FromBits(0xffc00000), INVALID);
  checkI64(i64TruncS, -9223372036854775808, I64_MIN);
  checkI64(i64TruncS, 9223372036854775808, OVERFLOW);
  checkI64(i64TruncS, 9223372036854774784, 9223372036854774784n);
  checkI64(i64TruncS, -9223372036854777856, OVERFLOW);
  checkI64(i64TruncS, f(9223371487098961920), 9223371487098961920n);
  checkI64(i64TruncS, f(-9223373136366403584), OVERFLOW);
  checkI64(i64TruncS, -4294967296, -4294967296n);
  checkI64(i64TruncS, NaN, INVALID);
  checkI64(i64TruncU, 18446744073709549568, 18446744073709549568n);
  checkI64(i64TruncU, f(18446742974197923840), 18446742974197923840n);
  checkI64(i64TruncU, 18446744073709551616, OVERFLOW);
  checkI64(i64TruncU, -0.9999999999999999, 0n);
  checkI64(i64TruncU, -1, OVERFLOW);
  checkI64(i64TruncU, -Infinity, OVERFLOW);
  checkI64(i64TruncU, NaN, INVALID);
});

test("saturating truncations match exact references", () => {
  for (const x of floats(21)) {
    checkI32(i32TruncSatS, x, refSat(x, I32_MIN, I32_MAX));
    checkI32(i32TruncSatU, x, refSat(x, 0n, U32_MAX));
    checkI64(i64TruncSatS, x, refSat(x, I64_MIN, I64_MAX));
    checkI64(i64TruncSatU, x, refSat(x, 0n, U64_MAX));
  }
  for (const x of [NaN, -NaN, Infinity, -Infinity, 2 ** 64, -(2 ** 64), 2 ** 63, -(2 ** 63)]) {
    checkI32(i32TruncSatS, x, refSat(x, I32_MIN, I32_MAX));
    checkI32(i32TruncSatU, x, refSat(x, 0n, U32_MAX));
    checkI64(i64TruncSatS, x, refSat(x, I64_MIN, I64_MAX));
    checkI64(i64TruncSatU, x, refSat(x, 0n, U64_MAX));
  }
});

/** Integers around every f32 rounding tie, where double rounding goes wrong. */
function* tieCases(seed: number): Generator<bigint> {
  const rng = prng(seed);
  for (let i = 0; i < N; i++) {
    const shift = 25n + BigInt(rng() % 39); // the tie bit at 2^24..2^63
    const m = (1n << 24n) | BigInt(rng() & 0xffffff); // 25 significant bits
    const tie = ((m << 1n) | 1n) << (shift - 1n) >> 1n; // ...m, then a half
    for (const d of [-1n, 0n, 1n, BigInt(rng() & 0xfff), -BigInt(rng() & 0x7ff)]) {
      const v = tie + d;
      yield BigInt.asUintN(64, v) === v ? v : BigInt.asUintN(64, v);
    }
  }
}

test("f32.convert_i64_s/u round correctly, ties included", () => {
  const check = (v: bigint) => {
    put(R, 0, v);
    const s = BigInt.asIntN(64, v), u = BigInt.asUintN(64, v);
    assert.equal(f32ConvertI64S(R, 0), refF32(s), `f32.convert_i64_s ${hex(v)}`);
    assert.equal(f32ConvertI64U(R, 0), refF32(u), `f32.convert_i64_u ${hex(v)}`);
  };
  for (const v of tieCases(22)) check(v);
  const rng = prng(23);
  for (let i = 0; i < N; i++) check(randI64(rng));
  // conversions.wast
  const signed: [bigint, string | number][] = [
    [0x7fffff4000000001n, "0x1.fffffep+62"],
    [0x8000004000000001n, "-0x1.fffffep+62"],
    [0x0020000020000001n, "0x1.000002p+53"],
    [0xffdfffffdfffffffn, "-0x1.000002p+53"],
    [314159265358979n, "0x1.1db9e8p+48"],
    [16777217n, 16777216],
    [-16777219n, -16777220],
    [-(2n ** 63n), -(2 ** 63)],
    [2n ** 63n - 1n, 2 ** 63],
  ];
  const unsigned: [bigint, string | number][] = [
    [0x0020000020000001n, "0x1.000002p+53"],
    [0x7fffffbfffffffffn, "0x1.fffffep+62"],
    [0x8000008000000001n, "0x1.000002p+63"],
    [0xfffffe8000000001n, "0x1.fffffep+63"],
    [0xffffffffffffffffn, 2 ** 64],
    [2n ** 63n, 2 ** 63],
    [16777219n, 16777220],
  ];
  const num = (x: string | number) => typeof x === "number" ? x : h(x);
  for (const [v, want] of signed) {
    put(R, 0, v);
    assert.equal(f32ConvertI64S(R, 0), num(want), `s ${hex(v)}`);
  }
  for (const [v, want] of unsigned) {
    put(R, 0, v);
    assert.equal(f32ConvertI64U(R, 0), num(want), `u ${hex(v)}`);
  }
});

test("f64.convert_i64_s/u round correctly", () => {
  const check = (v: bigint) => {
    put(R, 0, v);
    assert.equal(f64ConvertI64S(R, 0), Number(BigInt.asIntN(64, v)), `s ${hex(v)}`);
    assert.equal(f64ConvertI64U(R, 0), Number(BigInt.asUintN(64, v)), `u ${hex(v)}`);
  };
  const rng = prng(24);
  for (let i = 0; i < N; i++) check(randI64(rng));
  for (let s = 54n; s < 64n; s++) {
    for (let i = 0; i < 50; i++) {
      const m = (1n << 53n) | BigInt(rng() & 0xfffff) << 20n | BigInt(rng() >>> 12);
      const tie = ((m << 1n) | 1n) << (s - 54n);
      for (const d of [-1n, 0n, 1n]) check(tie + d);
    }
  }
  const cases: [bigint, number][] = [
    [0x8000000000000400n, h("0x1.0000000000000p+63")],
    [0x8000000000000401n, h("0x1.0000000000001p+63")],
    [0xfffffffffffff400n, h("0x1.ffffffffffffep+63")],
    [0xfffffffffffff401n, h("0x1.fffffffffffffp+63")],
    [9007199254740993n, 9007199254740992],
    [9007199254740995n, 9007199254740996],
  ];
  for (const [v, u] of cases) {
    put(R, 0, v);
    assert.equal(f64ConvertI64U(R, 0), u, hex(v));
  }
  put(R, 0, -9007199254740993n);
  assert.equal(f64ConvertI64S(R, 0), -9007199254740992);
});

test("i32 to float, demote, promote, wrap, extend", () => {
  const rng = prng(25);
  for (let i = 0; i < N; i++) {
    const x = rng() | 0;
    assert.equal(f32ConvertI32U(x), refF32(BigInt(x >>> 0)));
    assert.equal(f64ConvertI32U(x), x >>> 0);
    R[0] = x;
    R[1] = rng() | 0;
    assert.equal(i32WrapI64(R, 0), x);
    i64ExtendI32S(R, 2, 0);
    assert.equal(get(R, 2), BigInt(x));
    i64ExtendI32U(R, 2, 0);
    assert.equal(get(R, 2), BigInt(x >>> 0));
  }
  assert.equal(f32ConvertI32U(-1), 4294967296);
  assert.equal(f32ConvertI32U(0x7fffffc0), 2147483648); // a tie, to the even 2^31
  assert.equal(f32ConvertI32U(0x80000080 | 0), 2147483648);
  assert.equal(f32ConvertI32U(0x80000081 | 0), 2147483904);
  const demote: [string, string][] = [
    ["0x1.fffffe0000000p-127", "0x1p-126"],
    ["0x1.fffffdfffffffp-127", "0x1.fffffcp-127"],
    ["0x1.fffffd0000000p+127", "0x1.fffffcp+127"],
    ["0x1.fffffd0000001p+127", "0x1.fffffep+127"],
    ["0x1.fffffefffffffp+127", "0x1.fffffep+127"],
    ["0x1.0000010000000p+0", "0x1.000000p+0"],
    ["0x1.0000030000000p+0", "0x1.000004p+0"],
    ["0x1.4eae4f7024c7p+108", "0x1.4eae5p+108"],
  ];
  for (const [x, want] of demote) {
    assert.equal(f32DemoteF64(h(x)), h(want), x);
    assert.equal(f32DemoteF64(-h(x)), -h(want), "-" + x);
  }
  assert.equal(f32DemoteF64(h("0x1.ffffffp+127")), Infinity);
  assert.ok(Object.is(f32DemoteF64(-0), -0));
  assert.ok(Number.isNaN(f32DemoteF64(NaN)));
  assert.equal(f64PromoteF32(Math.fround(0.1)), Math.fround(0.1));
});
