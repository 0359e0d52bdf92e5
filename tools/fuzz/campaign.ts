/**
 * A fuzz campaign: differential checks of generated modules interleaved with
 * malformed mutants, for a time budget or a fixed number of each. Used by
 * `deno task fuzz` (long runs) and by the CI smoke test (fixed seeds).
 *
 * @module
 */

import { generatedModules, programModules, specModules } from "./corpus.ts";
import type { Divergence } from "./compare.ts";
import { checkModule } from "./differential.ts";
import { checkMalformed, type MalformedFinding } from "./malformed.ts";
import { type GeneratedModule, generateModule } from "./module_gen.ts";
import { mutate } from "./mutate.ts";
import { Random } from "./random.ts";

/** How long and from where a campaign runs. */
export interface CampaignOptions {
  firstSeed: number;
  /** Stop after this many generated modules (default: unlimited). */
  modules?: number;
  /** Mutants per generated module. */
  mutantsPerModule: number;
  /** Stop when this time (performance.now()) is reached (default: never). */
  deadline?: number;
  /** Called for each divergence (e.g. to minimise it and write its regression test). */
  onDivergence?: (seed: number, divergence: Divergence, module: GeneratedModule) => Promise<void>;
  /** Called for each malformed-input finding with the mutant's bytes. */
  onMalformed?: (mutantId: string, bytes: Uint8Array, finding: MalformedFinding) => Promise<void>;
  /** Called now and then with the counts so far. */
  onProgress?: (counts: CampaignCounts) => void;
  /**
   * Called as each step starts: a module's check (`mutant` -1), then each
   * of its mutants, with the mutant's bytes.
   */
  onStep?: (module: number, mutant: number, bytes?: Uint8Array) => void;
}

/** What a campaign did and found. */
export interface CampaignCounts {
  modules: number;
  calls: number;
  mutants: number;
  mutantsCompiled: number;
  divergences: number;
  nanOnly: number;
  malformedFindings: number;
}

/** The last line of a campaign's output. */
export function summary(c: CampaignCounts): string {
  return `fuzz: ${c.modules} modules, ${c.calls} calls, ${c.mutants} mutants (${c.mutantsCompiled} compiled), ` +
    `${c.divergences} divergences, ${c.nanOnly} NaN-payload-only differences, ` +
    `${c.malformedFindings} malformed-input findings`;
}

/** Runs a campaign. */
export async function runCampaign(o: CampaignOptions): Promise<CampaignCounts> {
  const counts: CampaignCounts = {
    modules: 0,
    calls: 0,
    mutants: 0,
    mutantsCompiled: 0,
    divergences: 0,
    nanOnly: 0,
    malformedFindings: 0,
  };
  const corpus = [
    ...programModules(),
    ...specModules(3),
    ...generatedModules(o.firstSeed + 1_000_000, 20),
  ];
  const rnd = new Random(o.firstSeed ^ 0x5eed);
  const timeLeft = () => o.deadline === undefined || performance.now() < o.deadline;
  for (let i = 0; (o.modules === undefined || i < o.modules) && timeLeft(); i++) {
    const seed = o.firstSeed + i;
    o.onStep?.(i, -1);
    let generated = generateModule(seed);
    let result = await checkModule(generated.ir, generated.canonicalNaNs);
    counts.modules++;
    counts.calls += result.calls;
    counts.nanOnly += result.nanOnly;
    if (result.divergence && !generated.canonicalNaNs) {
      // A NaN's sign or payload can reach integers, host calls and traps (bitmask,
      // reinterpret, copysign): it is a divergence only if it stays once NaNs are canonical.
      generated = generateModule(seed, { canonicalNaNs: true });
      result = await checkModule(generated.ir, true);
      if (!result.divergence) counts.nanOnly++;
    }
    if (result.divergence) {
      counts.divergences++;
      await o.onDivergence?.(seed, result.divergence, generated);
    }
    for (let k = 0; k < o.mutantsPerModule; k++) {
      // Half the mutants come from this module, half from the fixed corpus.
      const source = k % 2 === 0 ? generatedModules(seed, 1)[0] : rnd.pick(corpus);
      const mutant = mutate(rnd, source);
      o.onStep?.(i, k, mutant);
      const r = await checkMalformed(mutant);
      counts.mutants++;
      if (r.compiled) counts.mutantsCompiled++;
      if (r.finding) {
        counts.malformedFindings++;
        await o.onMalformed?.(`${seed}_${k}`, mutant, r.finding);
      }
    }
    if (i % 50 === 49) o.onProgress?.(counts);
  }
  return counts;
}
