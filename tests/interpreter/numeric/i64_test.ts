import { test } from "node:test";
import assert from "node:assert/strict";
import {
  add64,
  bigIntToI64,
  clz64,
  ctz64,
  divS64,
  divU64,
  extend16_64,
  extend32_64,
  extend8_64,
  i64ToBigInt,
  ltS64,
  ltU64,
  mul64,
  popcnt64,
  remS64,
  remU64,
  rotl64,
  rotr64,
  shl64,
  shrS64,
  shrU64,
  sub64,
} from "../../../lib/interpreter/numeric/i64.ts";
import { assertTrap, get, hex, prng, put, randI64 } from "./util.ts";

const MIN = -(2n ** 63n);
const MAX = 2n ** 63n - 1n;
const N = 4000;
const R = new Int32Array(8);
const S = (v: bigint) => BigInt.asIntN(64, v);
const U = (v: bigint) => BigInt.asUintN(64, v);

type Bin = (R: Int32Array, dst: number, a: number, b: number) => void;

/** Runs op at fresh slots and also with dst aliasing each operand. */
function check(op: Bin, ref: (a: bigint, b: bigint) => bigint, a: bigint, b: bigint): void {
  const want = S(ref(a, b));
  const msg = (w: string) => `${op.name}(${hex(a)}, ${hex(b)}) ${w}`;
  put(R, 0, a);
  put(R, 2, b);
  op(R, 4, 0, 2);
  assert.equal(get(R, 4), want, msg("fresh"));
  op(R, 0, 0, 2);
  assert.equal(get(R, 0), want, msg("dst = a"));
  put(R, 0, a);
  op(R, 2, 0, 2);
  assert.equal(get(R, 2), want, msg("dst = b"));
}

const edges = [
  0n,
  1n,
  -1n,
  2n,
  -2n,
  MIN,
  MAX,
  MIN + 1n,
  2n ** 32n,
  2n ** 32n - 1n,
  -(2n ** 32n),
  2n ** 31n,
  -(2n ** 31n),
  2n ** 53n,
  2n ** 53n - 1n,
  2n ** 53n + 1n,
  -(2n ** 53n),
  -(2n ** 53n) - 1n,
  0x123456789abcdefn,
  -0x7fffffff00000001n,
  0x100000001n,
];

function pairs(seed: number, f: (a: bigint, b: bigint) => void): void {
  for (const a of edges) for (const b of edges) f(a, b);
  const rng = prng(seed);
  for (let i = 0; i < N; i++) f(randI64(rng), randI64(rng));
}

test("add64, sub64, mul64 match BigInt", () => {
  pairs(1, (a, b) => {
    check(add64, (x, y) => x + y, a, b);
    check(sub64, (x, y) => x - y, a, b);
    check(mul64, (x, y) => x * y, a, b);
  });
});

test("divS64, remS64 match BigInt (truncating division)", () => {
  pairs(2, (a, b) => {
    if (b === 0n || (a === MIN && b === -1n)) return;
    check(divS64, (x, y) => x / y, a, b);
    check(remS64, (x, y) => x % y, a, b);
  });
});

test("divU64, remU64 match BigInt on the unsigned reading", () => {
  pairs(3, (a, b) => {
    if (b === 0n) return;
    check(divU64, (x, y) => U(x) / U(y), a, b);
    check(remU64, (x, y) => U(x) % U(y), a, b);
  });
  // Quotient estimates that land one above the true quotient, near 2^64.
  const rng = prng(33);
  for (let i = 0; i < N; i++) {
    const b = (BigInt(rng() | 1) << 32n) | BigInt(rng());
    const q = U(-1n) / b - BigInt(rng() & 3);
    for (const d of [-1n, 0n, 1n]) {
      const a = U(q * b + d);
      check(divU64, (x, y) => U(x) / U(y), a, b);
      check(remU64, (x, y) => U(x) % U(y), a, b);
    }
  }
});

test("division traps", () => {
  for (const op of [divS64, divU64, remS64, remU64]) {
    put(R, 0, 5n);
    put(R, 2, 0n);
    assertTrap(() => op(R, 4, 0, 2), "integer divide by zero");
    put(R, 0, MIN);
    assertTrap(() => op(R, 4, 0, 2), "integer divide by zero");
  }
  put(R, 0, MIN);
  put(R, 2, -1n);
  assertTrap(() => divS64(R, 4, 0, 2), "integer overflow");
  remS64(R, 4, 0, 2);
  assert.equal(get(R, 4), 0n);
  divU64(R, 4, 0, 2);
  assert.equal(get(R, 4), 0n);
  remU64(R, 4, 0, 2);
  assert.equal(get(R, 4), MIN);
  // From i64.wast.
  check(divS64, (x, y) => x / y, MIN, 2n);
  check(divS64, (x, y) => x / y, -7n, 2n);
  check(divU64, () => 0x4000000000000000n, MIN, 2n);
  check(divU64, () => 0x8ff00fefn, 0x8ff00ff00ff00ff0n, 0x100000001n);
  check(remU64, () => 0x80000001n, 0x8ff00ff00ff00ff0n, 0x100000001n);
});

test("shifts and rotations match BigInt, count mod 64", () => {
  const rng = prng(4);
  const counts = [0n, 1n, 31n, 32n, 33n, 63n, 64n, 65n, -1n, 0x7fffffffn, 0x100000020n, MIN];
  const vals = [...edges];
  for (let i = 0; i < 200; i++) vals.push(randI64(rng));
  for (const a of vals) {
    for (const c of [...counts, BigInt(rng() | 0)]) {
      const n = c & 63n;
      check(shl64, (x) => x << n, a, c);
      check(shrS64, (x) => x >> n, a, c);
      check(shrU64, (x) => U(x) >> n, a, c);
      check(rotl64, (x) => (U(x) << n) | (U(x) >> ((64n - n) & 63n)), a, c);
      check(rotr64, (x) => (U(x) >> n) | (U(x) << ((64n - n) & 63n)), a, c);
    }
  }
});

type Un = (R: Int32Array, dst: number, a: number) => void;

function checkUn(op: Un, ref: (a: bigint) => bigint, a: bigint): void {
  put(R, 0, a);
  op(R, 4, 0);
  assert.equal(get(R, 4), S(ref(a)), `${op.name}(${hex(a)})`);
  op(R, 0, 0);
  assert.equal(get(R, 0), S(ref(a)), `${op.name}(${hex(a)}) in place`);
}

test("clz64, ctz64, popcnt64, extend*_64", () => {
  const bits = (x: bigint) => U(x).toString(2).padStart(64, "0");
  const vals = [...edges];
  const rng = prng(5);
  for (let i = 0; i < N; i++) vals.push(randI64(rng));
  for (let i = 0; i < 64; i++) vals.push(1n << BigInt(i), -(1n << BigInt(i)));
  for (const a of vals) {
    checkUn(clz64, (x) => BigInt(bits(x).indexOf("1") < 0 ? 64 : bits(x).indexOf("1")), a);
    checkUn(ctz64, (x) => {
      const i = bits(x).lastIndexOf("1");
      return BigInt(i < 0 ? 64 : 63 - i);
    }, a);
    checkUn(popcnt64, (x) => BigInt(bits(x).replaceAll("0", "").length), a);
    checkUn(extend8_64, (x) => BigInt.asIntN(8, x), a);
    checkUn(extend16_64, (x) => BigInt.asIntN(16, x), a);
    checkUn(extend32_64, (x) => BigInt.asIntN(32, x), a);
  }
});

test("ltU64 and ltS64 match BigInt", () => {
  const halves = (v: bigint): [number, number] => [
    Number(BigInt.asIntN(32, v)),
    Number(BigInt.asIntN(32, v >> 32n)),
  ];
  pairs(6, (a, b) => {
    const [aLo, aHi] = halves(a), [bLo, bHi] = halves(b);
    assert.equal(ltS64(aLo, aHi, bLo, bHi), a < b, `ltS64(${hex(a)}, ${hex(b)})`);
    assert.equal(ltU64(aLo, aHi, bLo, bHi), U(a) < U(b), `ltU64(${hex(a)}, ${hex(b)})`);
  });
});

test("i64ToBigInt and bigIntToI64 round-trip and wrap mod 2^64", () => {
  pairs(7, (a) => {
    put(R, 0, a);
    assert.equal(i64ToBigInt(R[0], R[1], true), a);
    assert.equal(i64ToBigInt(R[0], R[1], false), U(a));
    bigIntToI64(R, 2, a);
    assert.equal(get(R, 2), a);
    bigIntToI64(R, 2, U(a));
    assert.equal(get(R, 2), a);
  });
  bigIntToI64(R, 2, 2n ** 64n + 5n);
  assert.equal(get(R, 2), 5n);
  bigIntToI64(R, 2, -(2n ** 64n) - 1n);
  assert.equal(get(R, 2), -1n);
});
