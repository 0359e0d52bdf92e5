/**
 * The cost of the deterministic profile (`RuntimeConfig.deterministic`) on the
 * float kernels of bench/programs: `matmul` (f64 multiply-add) and `simd`
 * (f32x4 arithmetic among integer lanes), profile off vs on, with the default
 * tiers and interpreted only. A short run, for the README; it prints the best
 * of `--rounds=N` (default 5) timed calls after a warm-up.
 *
 *   deno run --allow-read bench/deterministic.ts [--rounds=N]
 *   bun bench/deterministic.ts
 *
 * @module
 */

import { readFileSync } from "node:fs";
import { Runtime, type RuntimeConfig } from "../mod.ts";

const args = process.argv.slice(2);
const rounds = Number(args.find((a) => a.startsWith("--rounds="))?.slice(9) ?? 5) || 5;
const here = new URL(".", import.meta.url).pathname;

const KERNELS: { name: string; n: number; interpretN: number }[] = [
  { name: "matmul", n: 10, interpretN: 1 },
  { name: "simd", n: 100, interpretN: 10 },
];

async function best(name: string, n: number, config: RuntimeConfig): Promise<[number, unknown]> {
  const bytes = readFileSync(`${here}programs/${name}.wasm`);
  const rt = new Runtime(config);
  const m = await rt.instantiate(bytes);
  const run = m.exportedFunction("run")!;
  let result = run.call(n)[0]; // warm-up: tiers compile
  let fastest = Infinity;
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    result = run.call(n)[0];
    fastest = Math.min(fastest, performance.now() - t0);
  }
  rt.close();
  return [fastest, result];
}

for (const { name, n, interpretN } of KERNELS) {
  for (
    const [mode, jsTier, count] of [["tiered", true, n], [
      "interpreted",
      false,
      interpretN,
    ]] as const
  ) {
    const [off, a] = await best(name, count, { jsTier, deterministic: false });
    const [on, b] = await best(name, count, { jsTier, deterministic: true });
    const same = a === b ? "same result" : `RESULTS DIFFER: ${a} vs ${b}`;
    console.log(
      `${name.padEnd(7)} ${mode.padEnd(12)} n=${String(count).padEnd(4)} off ${
        off.toFixed(1).padStart(7)
      } ms   ` +
        `on ${on.toFixed(1).padStart(7)} ms   ×${(on / off).toFixed(2)}   (${same})`,
    );
  }
}
