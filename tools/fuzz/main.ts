/**
 * The fuzzer's command line:
 *
 *   deno task fuzz --seconds N [--seed S] [--bombs]
 *   bun tools/fuzz/main.ts --seconds N [--seed S] [--bombs]
 *
 * Runs differential and malformed-input fuzzing for N seconds (and, with
 * `--bombs`, the resource bombs at full size first). Every divergence is
 * minimised and written as a test under tests/regressions/. The last line
 * gives the counts.
 *
 * @module
 */

import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { BOMBS, runBomb } from "./bombs.ts";
import { runCampaign, summary } from "./campaign.ts";
import { recordDivergence } from "./minimize_seed.ts";
import { hasNativeWasm } from "./native_lacks.ts";
import { newWatch, recordStep } from "./watchdog.ts";

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const seconds = Number(option("--seconds") ?? 60);
const firstSeed = Number(option("--seed") ?? Date.now() % 1_000_000_000);
const regressions = resolve(dirname(fileURLToPath(import.meta.url)), "../../tests/regressions");
const write = (path: string, text: string) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
};

console.log(
  `fuzzing for ${seconds} s from seed ${firstSeed}${
    hasNativeWasm ? "" : " (no native WebAssembly)"
  }`,
);
if (args.includes("--bombs")) {
  for (const bomb of BOMBS) {
    const r = await runBomb(bomb, "full");
    console.log(`bomb ${bomb.name}: ${r.summary}`);
  }
}
// A hang stops the campaign silently: a worker watches its steps (see watchdog.ts).
const watch = newWatch(firstSeed, 120, regressions);
const watchdog = new Worker(new URL("./watchdog_worker.ts", import.meta.url).href, {
  type: "module",
});
watchdog.postMessage(watch);
const start = performance.now();
const counts = await runCampaign({
  firstSeed,
  mutantsPerModule: 10,
  deadline: start + seconds * 1000,
  onDivergence: async (seed, d, g) => {
    console.log(`divergence at seed ${seed}: ${d.engines.join(" vs ")}: ${d.what.slice(0, 400)}`);
    const path = await recordDivergence(seed, g.ir, g.canonicalNaNs, regressions, write);
    if (path) console.log(`  minimised into ${path}`);
  },
  onMalformed: (id, bytes, finding) => {
    console.log(`malformed-input finding ${id}: ${finding.what}`);
    const path = `${regressions}/malformed_${id}_test.ts`;
    write(path, malformedTest(id, bytes, finding.what));
    console.log(`  written to ${path}`);
    return Promise.resolve();
  },
  onProgress: (c) =>
    console.log(`  ${((performance.now() - start) / 1000).toFixed(0)} s: ${summary(c)}`),
  onStep: (module, mutant, bytes) => recordStep(watch, module, mutant, bytes),
});
watchdog.terminate();
console.log(summary(counts));

function malformedTest(id: string, bytes: Uint8Array, what: string): string {
  return `/**
 * Found by the malformed-input fuzzer (\`deno task fuzz\`), mutant ${id}:
 * ${what.replaceAll("*/", "* /")}
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { checkMalformed } from "../../tools/fuzz/malformed.ts";

const MODULE = new Uint8Array([${Array.from(bytes).join(",")}]);

test("malformed mutant ${id} compiles or fails cleanly", async () => {
  assert.equal((await checkMalformed(MODULE)).finding?.what, undefined);
});
`;
}
