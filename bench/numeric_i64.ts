/**
 * i64 helpers on int32 halves against BigInt, in ns/op:
 * `deno run bench/numeric_i64.ts` (or `bun bench/numeric_i64.ts`), or
 * `deno task bench --i64`.
 *
 * Both sides use the kind of register file the interpreter has: one
 * ArrayBuffer, read and written as int32 halves (our helpers) or through a
 * BigInt64Array view (the BigInt alternative); a plain `bigint[]` register
 * array is BigInt's other option. Every loop calls its operation directly,
 * as the executor's switch does: a loop shared by several operations would
 * make the call site polymorphic and measure call overhead instead. The
 * "empty" line is the loop alone (two register copies), to subtract.
 */
import { divU64, mul64, shl64 } from "../lib/interpreter/numeric/i64.ts";

const SLOTS = 1024; // operands cycle through this many slots (a power of two)
const MASK = SLOTS - 1;
const ITERS = 4_000_000;
const ROUNDS = 5;

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const buf = new ArrayBuffer(SLOTS * 2 * 8);
const R = new Int32Array(buf);
const B = new BigInt64Array(buf);
let A: bigint[] = [];

/** Fills the operand slots; `hiMask` limits the high words (0x1fffff: operands below 2^53). */
function fill(hiMask: number): void {
  const rng = prng(42);
  for (let s = 0; s < SLOTS; s++) {
    R[2 * s] = rng() | 0;
    R[2 * s + 1] = (rng() & hiMask) | 1; // never a zero divisor
  }
  A = Array.from(B.subarray(0, SLOTS));
}

function empty(): number {
  let sink = 0;
  for (let i = 0; i < ITERS; i++) {
    const a = (i & MASK) << 1, b = ((i * 7 + 3) & MASK) << 1, d = (SLOTS + (i & MASK)) << 1;
    R[d] = R[a];
    R[d + 1] = R[b];
    sink ^= R[d + 1];
  }
  return sink;
}

function mulOurs(): number {
  let sink = 0;
  for (let i = 0; i < ITERS; i++) {
    const a = (i & MASK) << 1, b = ((i * 7 + 3) & MASK) << 1, d = (SLOTS + (i & MASK)) << 1;
    mul64(R, d, a, b);
    sink ^= R[d + 1];
  }
  return sink;
}

function divOurs(): number {
  let sink = 0;
  for (let i = 0; i < ITERS; i++) {
    const a = (i & MASK) << 1, b = ((i * 7 + 3) & MASK) << 1, d = (SLOTS + (i & MASK)) << 1;
    divU64(R, d, a, b);
    sink ^= R[d];
  }
  return sink;
}

function shlOurs(): number {
  let sink = 0;
  for (let i = 0; i < ITERS; i++) {
    const a = (i & MASK) << 1, b = ((i * 7 + 3) & MASK) << 1, d = (SLOTS + (i & MASK)) << 1;
    shl64(R, d, a, b);
    sink ^= R[d + 1];
  }
  return sink;
}

function mulTyped(): number {
  let sink = 0n;
  for (let i = 0; i < ITERS; i++) {
    const d = SLOTS + (i & MASK);
    B[d] = B[i & MASK] * B[(i * 7 + 3) & MASK];
    sink ^= B[d];
  }
  return Number(sink & 1n);
}

function divTyped(): number {
  let sink = 0n;
  for (let i = 0; i < ITERS; i++) {
    const d = SLOTS + (i & MASK);
    B[d] = BigInt.asUintN(64, B[i & MASK]) / BigInt.asUintN(64, B[(i * 7 + 3) & MASK]);
    sink ^= B[d];
  }
  return Number(sink & 1n);
}

function shlTyped(): number {
  let sink = 0n;
  for (let i = 0; i < ITERS; i++) {
    const d = SLOTS + (i & MASK);
    B[d] = B[i & MASK] << (B[(i * 7 + 3) & MASK] & 63n);
    sink ^= B[d];
  }
  return Number(sink & 1n);
}

function mulArray(): number {
  const D = A.slice();
  let sink = 0n;
  for (let i = 0; i < ITERS; i++) {
    const d = i & MASK;
    D[d] = BigInt.asIntN(64, A[i & MASK] * A[(i * 7 + 3) & MASK]);
    sink ^= D[d];
  }
  return Number(sink & 1n);
}

function divArray(): number {
  const D = A.slice();
  let sink = 0n;
  for (let i = 0; i < ITERS; i++) {
    const d = i & MASK;
    D[d] = BigInt.asUintN(64, A[i & MASK]) / BigInt.asUintN(64, A[(i * 7 + 3) & MASK]);
    sink ^= D[d];
  }
  return Number(sink & 1n);
}

function shlArray(): number {
  const D = A.slice();
  let sink = 0n;
  for (let i = 0; i < ITERS; i++) {
    const d = i & MASK;
    D[d] = BigInt.asIntN(64, A[i & MASK] << (A[(i * 7 + 3) & MASK] & 63n));
    sink ^= D[d];
  }
  return Number(sink & 1n);
}

function nsPerOp(run: () => number): number {
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  times.sort((x, y) => x - y);
  return (times[ROUNDS >> 1] * 1e6) / ITERS;
}

const cases: [string, number, () => number, () => number, () => number][] = [
  ["mul64", -1, mulOurs, mulTyped, mulArray],
  ["divU64 (64-bit operands)", -1, divOurs, divTyped, divArray],
  ["divU64 (< 2^53 operands)", 0x1fffff, divOurs, divTyped, divArray],
  ["shl64", -1, shlOurs, shlTyped, shlArray],
];

/** One operation: ns/op of our int32-halves helper and of the two BigInt forms. */
export interface I64Result {
  /** The operation. */
  name: string;
  /** Our helper on int32 halves. */
  ours: number;
  /** BigInt through a BigInt64Array view of the register file. */
  bigInt64Array: number;
  /** BigInt in a plain `bigint[]`. */
  bigintArray: number;
}

/** Runs every case, prints a line each and returns the numbers. */
export function benchI64(): I64Result[] {
  console.log(`${ITERS / 1e6}M ops per run, median of ${ROUNDS} runs, ns/op (lower is better)`);
  fill(-1);
  console.log(`${"empty loop".padEnd(26)} ${nsPerOp(empty).toFixed(2).padStart(6)}`);
  const results: I64Result[] = [];
  for (const [name, hiMask, ours, typed, array] of cases) {
    fill(hiMask);
    const o = nsPerOp(ours), t = nsPerOp(typed), a = nsPerOp(array);
    results.push({ name, ours: o, bigInt64Array: t, bigintArray: a });
    console.log(
      `${name.padEnd(26)} ${o.toFixed(2).padStart(6)}   ` +
        `BigInt64Array ${t.toFixed(2).padStart(7)} (${(t / o).toFixed(1)}×)   ` +
        `bigint[] ${a.toFixed(2).padStart(7)} (${(a / o).toFixed(1)}×)`,
    );
  }
  return results;
}

if ((import.meta as { main?: boolean }).main) benchI64();
