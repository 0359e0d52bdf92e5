/**
 * Regression tests from fuzz divergences: a minimised module is written as a
 * test file under `tests/regressions/` (its generator seed in the name), and
 * the test re-runs the differential check on it.
 *
 * @module
 */

import type { Divergence } from "./compare.ts";
import { checkModule } from "./differential.ts";
import type { ModuleIR } from "./module_ir.ts";

/** Throws when the module (as written by {@link regressionSource}) still diverges. */
export async function assertNoDivergence(ir: ModuleIR, canonicalNaNs: boolean): Promise<void> {
  const result = await checkModule(ir, canonicalNaNs);
  if (result.divergence) {
    const d = result.divergence;
    throw new Error(`${d.engines.join(" vs ")}, call ${d.call}: ${d.what}`);
  }
}

/** The file name of the regression test of `seed`. */
export function regressionFileName(seed: number): string {
  return `fuzz_seed_${seed}_test.ts`;
}

/** The source of a test file that checks `ir` (a minimised divergence of `seed`). */
export function regressionSource(
  seed: number,
  ir: ModuleIR,
  canonicalNaNs: boolean,
  divergence: Divergence,
): string {
  const what = `${divergence.engines.join(" vs ")}: ${divergence.what}`.replaceAll("*/", "* /");
  return `/**
 * Found by the differential fuzzer (\`deno task fuzz\`), generator seed ${seed},
 * then minimised. It diverged as follows:
 *
 * ${what}
 */

import { test } from "node:test";
import type { ModuleIR } from "../../tools/fuzz/module_ir.ts";
import { assertNoDivergence } from "../../tools/fuzz/regression.ts";

const MODULE: ModuleIR = ${JSON.stringify(ir)};

// Every mode runs the module: seconds under a loaded machine, past bun test's default 5 s.
test("fuzz seed ${seed}: every tier mode and native WebAssembly agree", { timeout: 120_000 }, async () => {
  await assertNoDivergence(MODULE, ${canonicalNaNs});
});
`;
}
