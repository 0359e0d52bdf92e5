/**
 * The cost of the controls over running code (issue: limits, interruption,
 * fuel, listeners) on the compute workloads:
 *
 * - `default`: a plain runtime. Interruption checks are always compiled in
 *   (a counter at backward branches and calls), so this is the baseline.
 * - `timeout`: the same, with a (never reached) deadline: adds a clock
 *   reading every 10,000 backward branches and calls.
 * - `fuel`: a runtime with `{ fuel: true }` and an unlimited budget: the
 *   code carries a fuel charge per basic block.
 * - `listeners`: a runtime with a listener factory that listens to nothing:
 *   the code carries listener hooks at entry and exit.
 * - `interpret`: a runtime with `{ jsTier: false }`: no function is compiled
 *   to JavaScript (the ratio shows what the JavaScript tier gains).
 *
 * Without `fuel` or `listeners` in the config the code contains no fuel or
 * listener instructions at all, so "disabled" costs nothing by construction.
 *
 *   deno run --allow-read bench/control.ts [--only=fib,sieve]
 */
import { readFileSync } from "node:fs";
import process from "node:process";
import { Runtime, type RuntimeConfig, type WasmFunction } from "../mod.ts";
import { benchArgs } from "./args.ts";
import { median } from "./system.ts";
import { WORKLOADS } from "./workloads.ts";

interface Variant {
  name: string;
  config: RuntimeConfig;
  prepare?: (run: WasmFunction) => WasmFunction;
}

const VARIANTS: Variant[] = [
  { name: "default", config: {} },
  { name: "timeout", config: {}, prepare: (run) => run.withOptions({ timeout: 3_600_000 }) },
  { name: "fuel", config: { fuel: true } },
  { name: "listeners", config: { listeners: () => undefined } },
  { name: "interpret", config: { jsTier: false } },
];

/** Median ms of `run(n)` over a few calls after one warm-up call, and the checksum. */
function time(run: WasmFunction, n: number): { ms: number; checksum: unknown } {
  const checksum = run.call(n)[0];
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    run.call(n);
    times.push(performance.now() - t);
  }
  return { ms: median(times), checksum };
}

/** Runs every workload in every variant and prints overheads against `default`. */
export async function benchControl(only?: string[]): Promise<void> {
  const rows: string[] = [];
  const overheads: Record<string, number[]> = {};
  for (const w of WORKLOADS) {
    if (w.pending !== undefined || (only && !only.includes(w.name))) continue;
    const bytes = readFileSync(new URL(`./programs/${w.name}.wasm`, import.meta.url));
    const runs: WasmFunction[] = [];
    for (const v of VARIANTS) {
      const module = await new Runtime(v.config).instantiate(bytes);
      const run = module.exportedFunction("run")!;
      runs.push(v.prepare ? v.prepare(run) : run);
    }
    // A third of the full benchmark's scale (fib is exponential: n - 3); the
    // variants take turns, three rounds, best median kept, so JIT warm-up and
    // machine noise do not favour whichever runs last.
    const n = w.name === "fib" ? w.n - 3 : Math.max(1, Math.round(w.n / 3));
    const ms: Record<string, number> = {};
    let reference: unknown;
    for (let round = 0; round < 3; round++) {
      VARIANTS.forEach((v, i) => {
        const r = time(runs[i], n);
        if (reference === undefined) reference = r.checksum;
        else if (r.checksum !== reference) throw new Error(`${w.name}/${v.name}: wrong checksum`);
        ms[v.name] = Math.min(ms[v.name] ?? Infinity, r.ms);
      });
    }
    const cells = VARIANTS.map((v) => {
      const ratio = ms[v.name] / ms.default;
      (overheads[v.name] ??= []).push(ratio);
      return `${ms[v.name].toFixed(0).padStart(6)} ms ${
        v.name === "default" ? "      " : `${((ratio - 1) * 100).toFixed(0).padStart(4)}%`
      }`;
    });
    rows.push(`${w.name.padEnd(8)} ${cells.join("  ")}`);
  }
  console.log(`workload ${VARIANTS.map((v) => v.name.padStart(14)).join("  ")}`);
  console.log(rows.join("\n"));
  const geo = (xs: number[]) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
  console.log(
    `overhead (geomean): ${
      VARIANTS.slice(1).map((v) => `${v.name} ${((geo(overheads[v.name]) - 1) * 100).toFixed(1)}%`)
        .join(", ")
    }`,
  );
}

if (import.meta.main ?? process.argv[1]?.endsWith("control.ts")) {
  const { option } = benchArgs({
    options: ["only"],
    flags: [],
    usage: "usage: bench/control.ts [--only=NAME,...] (see the file's comment)",
  });
  await benchControl(option("only")?.split(","));
}
