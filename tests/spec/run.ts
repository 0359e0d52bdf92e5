/**
 * The spec-suite runner: executes every command of the official `.wast`
 * scripts through the public API only, and prints a table per file and a
 * total. Exits non-zero on any failure.
 *
 *   deno task spec [--js-tier=eager|register|loops|off] [FILTER...]   (or: bun tests/spec/run.ts ...)
 *
 * `--js-tier=eager` compiles every function to JavaScript on its first call
 * (so each script checks the JavaScript tiers: the structured tier, and the
 * register-code tier for what the structured tier does not compile);
 * `register` does so with the register-code tier only; `loops` does too, but
 * loop by loop, as for functions too big to compile whole; `off` only
 * interprets.
 * The default is the runtime's (functions are compiled once hot, which few
 * scripts reach).
 *
 * Scripts are read from `$WASM_SPEC_DIR`, else `../shared/wasm-spec/core`
 * beside the project. When they are absent the runner says so loudly and
 * fails (exit 1) in CI (`CI` set); elsewhere it exits 0.
 */

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { parseWast, type WastCommand } from "../../lib/text/index.ts";
import type { RuntimeConfig } from "../../mod.ts";
import { setJsTierMaxWords } from "../../lib/interpreter/js_tier/js_tier.ts";
import { runScript, type ScriptResult } from "./script.ts";

const here = dirname(fileURLToPath(import.meta.url));
const specDir = process.env.WASM_SPEC_DIR ?? resolve(here, "../../../shared/wasm-spec/core");

if (!existsSync(specDir)) {
  console.log("!".repeat(72));
  console.log(`!! SPEC SUITE NOT FOUND at ${specDir}`);
  console.log("!! Set WASM_SPEC_DIR to the folder of the .wast files. NOTHING WAS CHECKED.");
  console.log("!".repeat(72));
  process.exit(process.env.CI ? 1 : 0);
}

const options = process.argv.slice(2).filter((a) => a.startsWith("--"));
const filters = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const tierOption = options.find((a) => a.startsWith("--js-tier="))?.slice("--js-tier=".length);
if (
  options.some((a) => !a.startsWith("--js-tier=")) ||
  !["eager", "register", "loops", "off", undefined].includes(tierOption)
) {
  console.error(
    `unknown option in ${options.join(" ")}: use --js-tier=eager, register, loops or off`,
  );
  process.exit(2);
}
if (tierOption === "loops") setJsTierMaxWords(0);
const registerTierOnly = tierOption === "register" || tierOption === "loops";
const config: RuntimeConfig = tierOption === "eager" || registerTierOnly
  ? { jsTier: 1 }
  : tierOption === "off"
  ? { jsTier: false }
  : {};
const files = readdirSync(specDir)
  .filter((f) => f.endsWith(".wast"))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

const totals = { passed: 0, failed: 0, skipped: 0 };
const rows: string[] = [];
const failures: string[] = [];
const started = performance.now();

for (const file of files) {
  const text = readFileSync(join(specDir, file), "utf8");
  let result: ScriptResult;
  try {
    const commands: WastCommand[] = parseWast(text);
    result = await runScript(commands, config, registerTierOnly);
  } catch (e) {
    result = {
      passed: 0,
      failed: 1,
      skipped: 0,
      failures: [`script error: ${e}`],
      skipReasons: [],
    };
  }
  totals.passed += result.passed;
  totals.failed += result.failed;
  totals.skipped += result.skipped;
  const mark = result.failed > 0 ? "FAIL" : "ok";
  const skip = result.skipped > 0 ? `  skipped ${result.skipped} (${result.skipReasons[0]})` : "";
  rows.push(
    `${mark.padEnd(4)} ${file.padEnd(42)} ${String(result.passed).padStart(6)} passed ${
      String(result.failed).padStart(4)
    } failed${skip}`,
  );
  for (const f of result.failures.slice(0, 8)) failures.push(`${file}:${f}`);
  if (result.failures.length > 8) {
    failures.push(`${file}: ... and ${result.failures.length - 8} more failures`);
  }
}

console.log(rows.join("\n"));
if (failures.length > 0) {
  console.log("\nFailures:");
  console.log(failures.join("\n"));
}
const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `\nspec: ${files.length} files, ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped (${seconds} s)`,
);
if (totals.skipped > 0) {
  console.log(
    `!! ${totals.skipped} commands were SKIPPED (see the table): they were not checked.`,
  );
}
process.exitCode = totals.failed > 0 ? 1 : 0;
