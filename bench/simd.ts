/**
 * `deno run --allow-read --allow-env bench/simd.ts [n]` (or `bun bench/simd.ts [n]`):
 * times the SIMD workload (`bench/programs/simd.c`, built with -msimd128)
 * on wazero-ts and on the host's native WebAssembly in this one process,
 * checks both return the expected checksum, and prints the median times
 * and their ratio. `deno task bench` runs the same program among all the
 * others; this script is the quick look at SIMD alone.
 */
import { readFileSync } from "node:fs";
import process from "node:process";
import { benchArgs } from "./args.ts";
import { type Engine, nativeEngine, wazeroEngine } from "./engines.ts";
import { median } from "./system.ts";
import { WORKLOADS } from "./workloads.ts";

const workload = WORKLOADS.find((w) => w.name === "simd")!;
const usage = "usage: bench/simd.ts [N] (the workload's size; see the file's comment)";
const [size] = benchArgs({ options: [], flags: [], positional: 1, usage }).positional;
const n = Number(size ?? workload.n);
if (!(n > 0)) {
  console.error(usage);
  process.exit(2);
}
const bytes = new Uint8Array(
  readFileSync(new URL("./programs/simd.wasm", import.meta.url)),
);

/** Median wall time of `runs` calls of `run(n)` after one warm-up call, in ms. */
async function time(engine: Engine, runs: number): Promise<[number, number]> {
  const run = await engine.load(bytes);
  const result = run(n);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    run(n);
    times.push(performance.now() - start);
  }
  engine.close();
  return [median(times), result];
}

const [wazeroMs, wazeroResult] = await time(wazeroEngine(), 5);
console.log(`wazero-ts: ${wazeroMs.toFixed(1)} ms  (run(${n}) = ${wazeroResult})`);
if (n === workload.n && wazeroResult !== workload.expect) {
  console.log(`!! wrong checksum: expected ${workload.expect}`);
  process.exitCode = 1;
}
const native = nativeEngine();
if (native === undefined) {
  console.log("native: no WebAssembly object in this runtime (--jitless?)");
} else {
  const [nativeMs, nativeResult] = await time(native, 21);
  console.log(`native:    ${nativeMs.toFixed(2)} ms  (run(${n}) = ${nativeResult})`);
  if (nativeResult !== wazeroResult) {
    console.log("!! the checksums differ");
    process.exitCode = 1;
  }
  console.log(`ratio: wazero-ts is ${(wazeroMs / nativeMs).toFixed(0)}× native`);
}
