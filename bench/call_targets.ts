/**
 * What one JavaScript call site pays when it calls many different
 * functions, on the host engine: the interpreter's call into compiled code
 * is such a site (every compiled function of a program is called from the
 * same line of `run`). Each row calls, from one site, functions taken in a
 * scattered order from a set of N:
 *
 * - `distinct`: N functions of N different bodies (each `new Function`,
 *   as the structured tier makes them);
 * - `closures`: N closures of one body (the engine's code is shared).
 *
 * It prints ns per call, the median of rounds after a warm-up. At 2,000
 * and 5,000 distinct bodies (a large program compiles that many) a call
 * costs several times a call to closures of one body: the difference is
 * the engine's and the processor's (code caches and branch targets), which
 * no adapter in between can save.
 *
 * Usage: `deno run bench/call_targets.ts` or `bun bench/call_targets.ts`.
 *
 * @module
 */
import { median } from "./system.ts";

type Target = (d: number, a: number, b: number) => number;

/** `n` functions: of `n` bodies, or closures of one body. */
function targets(kind: "distinct" | "closures", n: number): Target[] {
  const makeClosure = new Function(
    "k",
    "return function (d, a, b) { return (a + b + k) | 0; };",
  ) as (k: number) => Target;
  const out: Target[] = [];
  for (let i = 0; i < n; i++) {
    out.push(
      kind === "closures"
        ? makeClosure(i)
        : new Function("d", "a", "b", `return (a + b + ${i}) | 0;`) as Target,
    );
  }
  return out;
}

const registers = new Int32Array(1024);

/** The one call site: arguments from registers, result back, as the interpreter's call does. */
function callAt(f: Target, base: number): void {
  registers[base] = f(40_000, registers[base], registers[base + 2]);
}

/** ns per call of `calls` calls to `fns` in a scattered order (a stride prime to their count). */
function timeCalls(fns: Target[], calls: number): number {
  const n = fns.length;
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) callAt(fns[(i * 7919) % n], i & 511);
  return (performance.now() - t0) * 1e6 / calls;
}

const CALLS = 2_000_000;
const ROUNDS = 7;

console.log("targets  distinct ns/call  closures ns/call");
for (const n of [10, 100, 500, 2_000, 5_000]) {
  const row: string[] = [];
  for (const kind of ["distinct", "closures"] as const) {
    const fns = targets(kind, n);
    // Warm-up: every target is called often enough for the engine's optimising tiers.
    for (let w = 0; w < 3; w++) timeCalls(fns, Math.max(CALLS, n * 4_000));
    const times: number[] = [];
    for (let r = 0; r < ROUNDS; r++) times.push(timeCalls(fns, CALLS));
    row.push(median(times).toFixed(1).padStart(16));
  }
  console.log(`${String(n).padStart(7)} ${row.join(" ")}`);
}
