/**
 * The cost of the deterministic profile (`RuntimeConfig.deterministic`) on the
 * float kernels of bench/programs: `matmul` (f64 multiply-add) and `simd`
 * (f32x4 arithmetic among integer lanes), profile off vs on, with the default
 * tiers and interpreted only. A short run, for the README; it prints the best
 * of `--rounds=N` (default 5) timed calls of each after a warm-up, the two
 * profiles' calls interleaved. Times are the process's CPU time (user +
 * system), which the load of a shared machine moves less than wall time.
 *
 *   deno run --allow-read bench/deterministic.ts [--rounds=N]
 *   bun bench/deterministic.ts
 *
 * @module
 */

import { readFileSync } from "node:fs";
import process from "node:process";
import { Runtime, type RuntimeConfig } from "../mod.ts";
import { benchArgs } from "./args.ts";

const usage = "usage: bench/deterministic.ts [--rounds=N] (see the file's comment)";
const rounds = Number(benchArgs({ options: ["rounds"], flags: [], usage }).option("rounds") ?? 5);
if (!(rounds >= 1)) {
  console.error(usage);
  process.exit(2);
}
const here = new URL(".", import.meta.url).pathname;

const KERNELS: { name: string; n: number; interpretN: number }[] = [
  { name: "matmul", n: 60, interpretN: 4 },
  { name: "simd", n: 500, interpretN: 60 },
];

async function runner(name: string, n: number, config: RuntimeConfig) {
  const bytes = readFileSync(`${here}programs/${name}.wasm`);
  const m = await new Runtime(config).instantiate(bytes);
  const run = m.exportedFunction("run")!;
  const result = run.call(n)[0]; // warm-up: the tiers compile
  return {
    result,
    // CPU time of this process, not wall time: the shared machine's load moves wall time by 2x.
    time: () => {
      const t0 = process.cpuUsage();
      run.call(n);
      const t = process.cpuUsage(t0);
      return (t.user + t.system) / 1000;
    },
  };
}

for (const { name, n, interpretN } of KERNELS) {
  for (
    const [mode, jsTier, count] of [["tiered", true, n], [
      "interpreted",
      false,
      interpretN,
    ]] as const
  ) {
    const off = await runner(name, count, { jsTier, deterministic: false });
    const on = await runner(name, count, { jsTier, deterministic: true });
    // Interleaved, so that the machine's slow phases hit both alike; the best of each.
    let bestOff = Infinity, bestOn = Infinity;
    for (let i = 0; i < rounds; i++) {
      bestOff = Math.min(bestOff, off.time());
      bestOn = Math.min(bestOn, on.time());
    }
    const same = off.result === on.result
      ? "same result"
      : `RESULTS DIFFER: ${off.result} vs ${on.result}`;
    console.log(
      `${name.padEnd(7)} ${mode.padEnd(12)} n=${String(count).padEnd(4)} off ${
        bestOff.toFixed(1).padStart(7)
      } ms   ` +
        `on ${bestOn.toFixed(1).padStart(7)} ms   ×${(bestOn / bestOff).toFixed(2)}   (${same})`,
    );
  }
}
