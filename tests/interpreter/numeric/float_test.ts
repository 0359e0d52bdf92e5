import { test } from "node:test";
import assert from "node:assert/strict";
import {
  f32Abs,
  f32Copysign,
  f32Max,
  f32Min,
  f32Neg,
  f64Abs,
  f64Copysign,
  f64Max,
  f64Min,
  f64Neg,
  fceil,
  ffloor,
  fmax,
  fmin,
  fnearest,
  ftrunc,
} from "../../../lib/interpreter/numeric/float.ts";
import { f32FromBits, f64FromBits, prng, randF64 } from "./util.ts";

const N = 4000;
const buf = new ArrayBuffer(64);
const R = new Int32Array(buf);
const F32 = new Float32Array(buf);
const F64 = new Float64Array(buf);

/** Strict identity that tells -0 from +0 and accepts any NaN for NaN. */
function same(actual: number, expected: number, msg: string): void {
  assert.ok(Object.is(actual, expected), `${msg}: got ${actual}, want ${expected}`);
}

/** A reference nearest: exact arithmetic on floor and the fraction, ties to even. */
function refNearest(x: number): number {
  if (!Number.isFinite(x) || Number.isInteger(x)) return x;
  const f = Math.floor(x), d = x - f; // both exact for non-integers
  let r = d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
  if (r === 0) r = x < 0 ? -0 : 0;
  return r;
}

function refMin(a: number, b: number): number {
  if (a !== a || b !== b) return NaN;
  if (a === 0 && b === 0) return Object.is(a, -0) || Object.is(b, -0) ? -0 : 0;
  return a < b ? a : b;
}

function refMax(a: number, b: number): number {
  if (a !== a || b !== b) return NaN;
  if (a === 0 && b === 0) return Object.is(a, 0) || Object.is(b, 0) ? 0 : -0;
  return a > b ? a : b;
}

test("fmin and fmax follow the spec on random and edge values, for both widths", () => {
  assert.equal(f32Min, fmin);
  assert.equal(f64Min, fmin);
  assert.equal(f32Max, fmax);
  assert.equal(f64Max, fmax);
  const rng = prng(10);
  for (let i = 0; i < N; i++) {
    const a = randF64(rng), b = randF64(rng);
    same(fmin(a, b), refMin(a, b), `min(${a}, ${b})`);
    same(fmax(a, b), refMax(a, b), `max(${a}, ${b})`);
    const x = Math.fround(a), y = Math.fround(b);
    same(fmin(x, y), Math.fround(refMin(x, y)), `f32 min(${x}, ${y})`);
  }
  same(fmin(-0, 0), -0, "min(-0, 0)");
  same(fmin(0, -0), -0, "min(0, -0)");
  same(fmax(-0, 0), 0, "max(-0, 0)");
  same(fmax(0, -0), 0, "max(0, -0)");
  same(fmin(-Infinity, NaN), NaN, "min(-inf, nan)");
  same(fmax(Infinity, NaN), NaN, "max(inf, nan)");
});

test("NaN results are quiet, even from a signalling f64 NaN", () => {
  const snan = f64FromBits(1, 0x7ff00000); // nan:0x1
  const check = (v: number, what: string) => {
    F64[0] = v;
    assert.ok((R[1] & 0x7ff80000) === 0x7ff80000, `${what} is a quiet NaN`);
  };
  check(fmin(snan, 0), "min");
  check(fmax(0, snan), "max");
  check(fceil(snan), "ceil");
  check(ffloor(snan), "floor");
  check(ftrunc(snan), "trunc");
  check(fnearest(snan), "nearest");
  // f32: the NaN stored through Float32Array must be quiet too.
  F32[2] = fnearest(f32FromBits(0x7fa00000));
  assert.equal(R[2] & 0x7fc00000, 0x7fc00000);
});

test("fnearest rounds half to even and keeps the sign of zero", () => {
  const cases: [number, number][] = [
    [0.5, 0],
    [-0.5, -0],
    [1.5, 2],
    [-1.5, -2],
    [2.5, 2],
    [-2.5, -2],
    [-0, -0],
    [0, 0],
    [0.49999999999999994, 0],
    [-0.49999999999999994, -0],
    [4.5, 4],
    [3.5, 4],
    [2 ** 52 - 0.5, 2 ** 52],
    [2 ** 52 - 1.5, 2 ** 52 - 2],
    [2 ** 52 + 1, 2 ** 52 + 1],
    [-(2 ** 52) + 0.5, -(2 ** 52)],
    [Infinity, Infinity],
    [-Infinity, -Infinity],
    [f64FromBits(1, 0), 0],
    [-f64FromBits(1, 0), -0],
    // f32.wast: nearest of 0x1.fffffep+22 and 0x1.000002p+23.
    [Math.fround(8388607.5), 8388608],
    [Math.fround(-8388607.5), -8388608],
    [Math.fround(8388609), 8388609],
  ];
  for (const [x, want] of cases) same(fnearest(x), want, `nearest(${x})`);
  const rng = prng(11);
  for (let i = 0; i < N; i++) {
    const x = randF64(rng);
    same(fnearest(x), refNearest(x), `nearest(${x})`);
    const y = Math.fround(x);
    const r = fnearest(y);
    same(r, refNearest(y), `f32 nearest(${y})`);
    same(Math.fround(r), r, `f32 nearest(${y}) is an f32`);
  }
});

test("fceil, ffloor, ftrunc keep the sign of zero", () => {
  same(fceil(-0.5), -0, "ceil(-0.5)");
  same(fceil(-0), -0, "ceil(-0)");
  same(fceil(0.5), 1, "ceil(0.5)");
  same(ffloor(-0), -0, "floor(-0)");
  same(ffloor(0.5), 0, "floor(0.5)");
  same(ffloor(-0.5), -1, "floor(-0.5)");
  same(ftrunc(-0.5), -0, "trunc(-0.5)");
  same(ftrunc(0.5), 0, "trunc(0.5)");
  same(fceil(-Infinity), -Infinity, "ceil(-inf)");
  const rng = prng(12);
  for (let i = 0; i < N; i++) {
    const x = randF64(rng);
    const fl = x !== x || !Number.isFinite(x) || Number.isInteger(x) ? x : Math.floor(x);
    same(ffloor(x), fl, `floor(${x})`);
    const c = x !== x || !Number.isFinite(x) || Number.isInteger(x) ? x : Math.floor(x) + 1;
    same(fceil(x), c === 0 && x < 0 ? -0 : c, `ceil(${x})`);
    const t = x < 0 ? fceil(x) : ffloor(x);
    same(ftrunc(x), t, `trunc(${x})`);
  }
});

test("abs, neg, copysign only touch the sign bit, even of NaNs", () => {
  const rng = prng(13);
  for (let i = 0; i < N; i++) {
    const a = rng() | 0, aHi = rng() | 0, b = rng() | 0, bHi = rng() | 0;
    R.fill(0);
    R[0] = a;
    R[2] = b;
    f32Abs(R, 4, 0);
    assert.equal(R[4], a & 0x7fffffff);
    f32Neg(R, 4, 0);
    assert.equal(R[4], (a ^ 0x80000000) | 0);
    f32Copysign(R, 4, 0, 2);
    assert.equal(R[4], ((a & 0x7fffffff) | (b & 0x80000000)) | 0);
    assert.equal(R[5], 0);
    f32Neg(R, 0, 0);
    assert.equal(R[0], (a ^ 0x80000000) | 0, "in place");

    R[0] = a, R[1] = aHi, R[2] = b, R[3] = bHi;
    f64Abs(R, 4, 0);
    assert.deepEqual([R[4], R[5]], [a, aHi & 0x7fffffff]);
    f64Neg(R, 4, 0);
    assert.deepEqual([R[4], R[5]], [a, (aHi ^ 0x80000000) | 0]);
    f64Copysign(R, 4, 0, 2);
    assert.deepEqual([R[4], R[5]], [a, ((aHi & 0x7fffffff) | (bHi & 0x80000000)) | 0]);
    f64Copysign(R, 2, 0, 2);
    assert.deepEqual([R[2], R[3]], [a, ((aHi & 0x7fffffff) | (bHi & 0x80000000)) | 0], "dst = b");
  }
  // A signalling f32 NaN keeps its payload.
  R[0] = 0x7fa00001;
  f32Neg(R, 2, 0);
  assert.equal(R[2] >>> 0, 0xffa00001);
});
