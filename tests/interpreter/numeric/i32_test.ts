import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ctz32,
  divS32,
  divU32,
  popcnt32,
  remS32,
  remU32,
  rotl32,
  rotr32,
} from "../../../lib/interpreter/numeric/i32.ts";
import { assertTrap, prng, randWord } from "./util.ts";

const N = 4000;
const S = (v: bigint) => Number(BigInt.asIntN(32, v));
const U = (x: number) => BigInt(x >>> 0);

test("ctz32 and popcnt32 match bit-string references", () => {
  const rng = prng(30);
  const vals = [0, -1, 1, -0x80000000, 0x7fffffff];
  for (let i = 0; i < 32; i++) vals.push(1 << i, -(1 << i));
  for (let i = 0; i < N; i++) vals.push(randWord(rng), rng() | 0);
  for (const x of vals) {
    const bits = (x >>> 0).toString(2).padStart(32, "0");
    const last = bits.lastIndexOf("1");
    assert.equal(ctz32(x), last < 0 ? 32 : 31 - last, `ctz32(${x})`);
    assert.equal(popcnt32(x), bits.replaceAll("0", "").length, `popcnt32(${x})`);
  }
});

test("i32 division and remainder match BigInt", () => {
  const rng = prng(31);
  const edges = [0, 1, -1, 2, -2, 3, 7, -7, -0x80000000, 0x7fffffff, -0x7fffffff];
  const pairs: [number, number][] = [];
  for (const a of edges) for (const b of edges) pairs.push([a, b]);
  for (let i = 0; i < N; i++) pairs.push([randWord(rng), randWord(rng)], [rng() | 0, rng() | 0]);
  for (const [a, b] of pairs) {
    if (b === 0) {
      for (const op of [divS32, divU32, remS32, remU32]) {
        assertTrap(() => op(a, b), "integer divide by zero");
      }
      continue;
    }
    if (a === -0x80000000 && b === -1) assertTrap(() => divS32(a, b), "integer overflow");
    else assert.equal(divS32(a, b), S(BigInt(a) / BigInt(b)), `divS32(${a}, ${b})`);
    assert.ok(Object.is(remS32(a, b), S(BigInt(a) % BigInt(b))), `remS32(${a}, ${b})`);
    assert.equal(divU32(a, b), S(U(a) / U(b)), `divU32(${a}, ${b})`);
    assert.equal(remU32(a, b), S(U(a) % U(b)), `remU32(${a}, ${b})`);
  }
});

test("rotl32 and rotr32 take the count mod 32", () => {
  const rng = prng(32);
  for (let i = 0; i < N; i++) {
    const x = rng() | 0, n = randWord(rng), k = BigInt(n & 31);
    const rl = S((U(x) << k) | (U(x) >> ((32n - k) & 31n)));
    const rr = S((U(x) >> k) | (U(x) << ((32n - k) & 31n)));
    assert.equal(rotl32(x, n), rl, `rotl32(${x}, ${n})`);
    assert.equal(rotr32(x, n), rr, `rotr32(${x}, ${n})`);
  }
});
