/**
 * The CI smoke run of the fuzzers, with fixed seeds: generated modules
 * checked differentially (every wazero-ts tier mode, and native WebAssembly
 * when the host has it) and malformed mutants (CompileError only, runs under
 * a deadline). A failure names the seed: reproduce and minimise it with
 * `deno run -A tools/fuzz/minimize_seed.ts SEED`.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { runCampaign, summary } from "../../tools/fuzz/campaign.ts";
import { hasNativeWasm } from "../../tools/fuzz/native_lacks.ts";
import { generateModule } from "../../tools/fuzz/module_gen.ts";
import { encodeModule } from "../../tools/fuzz/module_ir.ts";
import { Runtime } from "../../mod.ts";

// Without native WebAssembly (--jitless) everything runs several times slower: a smaller run.
const MODULES = hasNativeWasm ? 150 : 30;
const MUTANTS_PER_MODULE = 15;

test(
  "generated modules are valid for our validator and native WebAssembly",
  { timeout: 120_000 },
  async () => {
    const runtime = new Runtime();
    for (let seed = 1; seed <= 100; seed++) {
      const bytes = encodeModule(generateModule(seed).ir);
      await runtime.compileModule(bytes);
      if (hasNativeWasm) assert.ok(WebAssembly.validate(bytes as BufferSource), `seed ${seed}`);
    }
  },
);

// Bun's default per-test timeout is 5 s.
const TIMEOUT_MS = 600_000;

test(`fuzz smoke: ${MODULES} modules, ${MODULES * MUTANTS_PER_MODULE} mutants, fixed seeds`, {
  timeout: TIMEOUT_MS,
}, async () => {
  const problems: string[] = [];
  const counts = await runCampaign({
    firstSeed: 1,
    modules: MODULES,
    mutantsPerModule: MUTANTS_PER_MODULE,
    onDivergence: (seed, d) => {
      problems.push(`seed ${seed}: ${d.engines.join(" vs ")}: ${d.what}`);
      return Promise.resolve();
    },
    onMalformed: (id, _bytes, finding) => {
      problems.push(`mutant ${id}: ${finding.what}`);
      return Promise.resolve();
    },
  });
  assert.deepEqual(problems, [], summary(counts));
  assert.equal(counts.modules, MODULES);
});
