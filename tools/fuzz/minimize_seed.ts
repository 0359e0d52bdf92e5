/**
 * Minimises the divergence of one generator seed and writes its regression
 * test: `deno run -A tools/fuzz/minimize_seed.ts SEED` (the fuzz task does
 * the same for every divergence it finds).
 *
 * @module
 */

import { checkModule } from "./differential.ts";
import { minimizeModule } from "./minimize.ts";
import { generateModule } from "./module_gen.ts";
import type { ModuleIR } from "./module_ir.ts";
import { regressionFileName, regressionSource } from "./regression.ts";

/** Minimises the divergence of `ir` and writes its test; returns the file's path, or undefined if it does not diverge. */
export async function recordDivergence(
  seed: number,
  ir: ModuleIR,
  canonicalNaNs: boolean,
  directory: string,
  write: (path: string, text: string) => void,
): Promise<string | undefined> {
  const first = await checkModule(ir, canonicalNaNs);
  if (!first.divergence) return undefined;
  const engines = first.divergence.engines.join();
  const small = await minimizeModule(
    ir,
    async (c) => (await checkModule(c, canonicalNaNs)).divergence?.engines.join() === engines,
  );
  const last = (await checkModule(small, canonicalNaNs)).divergence ?? first.divergence;
  const path = `${directory}/${regressionFileName(seed)}`;
  write(path, regressionSource(seed, small, canonicalNaNs, last));
  return path;
}

if (import.meta.main) {
  const seed = Number(Deno.args[0]);
  const g = generateModule(seed);
  const path = await recordDivergence(
    seed,
    g.ir,
    g.canonicalNaNs,
    new URL("../../tests/regressions", import.meta.url).pathname,
    (p, text) => Deno.writeTextFileSync(p, text),
  );
  console.log(path ?? `seed ${seed} does not diverge`);
}
