/**
 * Shared helpers for the numeric tests: a seeded PRNG, value generators that
 * favour edge cases, and BigInt bridges for the register file.
 *
 * @module
 */

import assert from "node:assert/strict";
import { RuntimeError } from "../../../lib/errors.ts";

/** A deterministic mulberry32 generator of uint32 values. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** An int32 word, often an edge value. */
export function randWord(rng: () => number): number {
  switch (rng() & 7) {
    case 0:
      return 0;
    case 1:
      return -1;
    case 2:
      return rng() & 0xff;
    case 3:
      return -0x80000000;
    case 4:
      return 0x7fffffff;
    case 5:
      return 1;
    default:
      return rng() | 0;
  }
}

/** A signed i64 as BigInt, drawn from several magnitude classes so every code path is hit. */
export function randI64(rng: () => number): bigint {
  const lo = randWord(rng);
  let hi: number;
  switch (rng() % 6) {
    case 0: // fits in int32
      hi = lo >> 31;
      break;
    case 1: // fits in 53 bits, either sign
      hi = (rng() & 1) ? (rng() & 0x1fffff) : ~(rng() & 0x1fffff);
      break;
    case 2: // high word around the 2^53 boundary
      hi = [0x1fffff, 0x200000, -0x200000, -0x200001][rng() & 3];
      break;
    case 3: // small positive high word (divisor just above 2^32)
      hi = rng() & 0xf;
      break;
    default:
      hi = randWord(rng);
  }
  return toI64(lo, hi);
}

/** The signed BigInt value of the halves. */
export function toI64(lo: number, hi: number): bigint {
  return (BigInt(hi | 0) << 32n) | BigInt(lo >>> 0);
}

/** Writes v (mod 2^64) at R[i], R[i + 1]. */
export function put(R: Int32Array, i: number, v: bigint): void {
  R[i] = Number(BigInt.asIntN(32, v));
  R[i + 1] = Number(BigInt.asIntN(32, v >> 32n));
}

/** Reads the signed i64 at R[i], R[i + 1]. */
export function get(R: Int32Array, i: number): bigint {
  return toI64(R[i], R[i + 1]);
}

/** Hex of an i64 for assertion messages. */
export function hex(v: bigint): string {
  return "0x" + BigInt.asUintN(64, v).toString(16).padStart(16, "0");
}

const f64 = new Float64Array(1);
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f64.buffer);
const u32s = new Uint32Array(f32.buffer);

/** The f64 with the given bit halves. */
export function f64FromBits(lo: number, hi: number): number {
  u32[0] = lo;
  u32[1] = hi;
  return f64[0];
}

/** The f32 with the given bits. */
export function f32FromBits(bits: number): number {
  u32s[0] = bits;
  return f32[0];
}

/** A random f64: raw bit patterns, integers near interesting powers of two, halves, specials. */
export function randF64(rng: () => number): number {
  switch (rng() % 5) {
    case 0:
      return f64FromBits(rng(), rng());
    case 1: {
      const specials = [0, -0, Infinity, -Infinity, NaN, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5];
      return specials[rng() % specials.length];
    }
    case 2: {
      // Integers and half-integers of every magnitude up to 2^66, with small offsets.
      const e = rng() % 67;
      const v = 2 ** e * (1 + (rng() / 2 ** 32)) + [-1, -0.5, 0, 0.5, 1][rng() % 5];
      return rng() & 1 ? v : -v;
    }
    case 3:
      return ((rng() | 0) / 256) * ((rng() & 1) ? 1 : 1 / 3);
    default: {
      // Exactly at, or one ulp around, the conversion boundaries.
      const bounds = [2 ** 31, 2 ** 32, 2 ** 63, 2 ** 64, 2 ** 53, 2 ** 31 + 1, 1];
      const b = bounds[rng() % bounds.length] * ((rng() & 1) ? 1 : -1);
      const k = rng() % 3;
      f64[0] = b;
      if (k === 1) u32[0] += 1;
      else if (k === 2 && b !== 0) {
        if (u32[0] === 0) u32[1] -= 1;
        u32[0] -= 1;
      }
      return f64[0];
    }
  }
}

/** Asserts that fn traps with exactly this RuntimeError message. */
export function assertTrap(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => e instanceof RuntimeError && e.message === message);
}

/** Parses a hex float literal such as "-0x1.fffffep+62" (exact when the digits fit in 53 bits). */
export function hexFloat(s: string): number {
  const m = /^(-?)0x([0-9a-f]+)(?:\.([0-9a-f]*))?p([+-]?\d+)$/i.exec(s);
  if (!m) throw new Error(`bad hex float ${s}`);
  const frac = m[3] ?? "";
  const v = Number(BigInt("0x" + m[2] + frac)) * 2 ** (Number(m[4]) - 4 * frac.length);
  return m[1] ? -v : v;
}
