/**
 * The spec-suite runner: executes every command of the official `.wast`
 * scripts through the public API only, and prints a table per file and a
 * total. Exits non-zero on any failure.
 *
 *   deno task spec [--js-tier=eager|split|register|loops|loop-entry|off] [FILTER...]   (or: bun tests/spec/run.ts ...)
 *
 * `--js-tier=eager` compiles every function to JavaScript on its first call
 * (so each script checks the JavaScript tiers: the structured tier, and the
 * register-code tier for what the structured tier does not compile);
 * `split` does so with every function the structured tier compiles split
 * into pieces of about one instruction (see `jit/pieces.ts`);
 * `register` does so with the register-code tier only; `loops` does too, but
 * loop by loop, as for functions too big to compile whole; `loop-entry`
 * interprets calls but enters the structured tier in the middle of a call,
 * at the first backward branch to an outermost loop (`useLoopEntries`);
 * `off` only interprets.
 * The default is the runtime's (functions are compiled once hot, which few
 * scripts reach).
 *
 * `--deterministic` runs every script under the deterministic profile (canonical NaNs: the
 * suite's `nan:canonical`/`nan:arithmetic` results allow them).
 *
 * `--suite=2.0|3.0|all` (default all) picks the suites. Scripts are read from
 * `$WASM_SPEC_DIR`, else `../shared/wasm-spec/core` (2.0), and `$WASM_SPEC_3_DIR`, else
 * `../shared/wasm-spec/3.0` (3.0, with its `legacy/` and `proposals/threads/`; the scripts
 * listed in `expected_failures.ts` must fail),
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
import { setSplitPolicy } from "../../lib/interpreter/jit/codegen.ts";
import { runScript, type ScriptResult } from "./script.ts";
import { EXPECTED_3_0_FAILURES } from "./expected_failures.ts";

const here = dirname(fileURLToPath(import.meta.url));
/** The 2.0 suite: `$WASM_SPEC_DIR`, else `../shared/wasm-spec/core`. */
const coreDir = process.env.WASM_SPEC_DIR ?? resolve(here, "../../../shared/wasm-spec/core");
/** The 3.0 suite: `$WASM_SPEC_3_DIR`, else `../shared/wasm-spec/3.0` (with `legacy/` and `proposals/threads/`). */
const v3Dir = process.env.WASM_SPEC_3_DIR ?? resolve(here, "../../../shared/wasm-spec/3.0");

const options = process.argv.slice(2).filter((a) => a.startsWith("--"));
const filters = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const tierOption = options.find((a) => a.startsWith("--js-tier="))?.slice("--js-tier=".length);
const suiteOption = options.find((a) => a.startsWith("--suite="))?.slice("--suite=".length) ??
  "all";
const deterministic = options.includes("--deterministic");
if (
  options.some((a) =>
    !a.startsWith("--js-tier=") && !a.startsWith("--suite=") && a !== "--deterministic"
  ) ||
  !["eager", "split", "register", "loops", "loop-entry", "off", undefined].includes(tierOption) ||
  !["2.0", "3.0", "all"].includes(suiteOption)
) {
  console.error(
    `unknown option in ${
      options.join(" ")
    }: use --js-tier=eager, split, register, loops, loop-entry or off, --suite=2.0, 3.0 or all, and --deterministic`,
  );
  process.exit(2);
}

const suites: { label: string; dir: string; subdirs: string[] }[] = [];
if (suiteOption !== "3.0") suites.push({ label: "2.0", dir: coreDir, subdirs: [""] });
if (suiteOption !== "2.0") {
  suites.push({ label: "3.0", dir: v3Dir, subdirs: ["", "legacy", "proposals/threads"] });
}
for (const suite of suites) {
  if (!existsSync(suite.dir)) {
    console.log("!".repeat(72));
    console.log(`!! ${suite.label} SPEC SUITE NOT FOUND at ${suite.dir}`);
    console.log(
      "!! Set WASM_SPEC_DIR (2.0) / WASM_SPEC_3_DIR (3.0) to the folder of the .wast files. NOTHING WAS CHECKED.",
    );
    console.log("!".repeat(72));
    process.exit(process.env.CI ? 1 : 0);
  }
}

if (tierOption === "loops") setJsTierMaxWords(0);
// Every function split, a piece ending at each instruction: each boundary case the suite reaches.
if (tierOption === "split") setSplitPolicy({ above: 0, target: 1, maxBlock: 24, min: 0 });
const registerTierOnly = tierOption === "register" || tierOption === "loops";
const tiers = registerTierOnly
  ? "register"
  : tierOption === "loop-entry"
  ? "loop-entry"
  : "default";
const config: RuntimeConfig = tierOption === "eager" || tierOption === "split" ||
    tiers !== "default"
  ? { jsTier: 1, deterministic }
  : tierOption === "off"
  ? { jsTier: false, deterministic }
  : { deterministic };

/** Each script to run: its suite, its name (relative to the suite) and its path. */
const files: { suite: string; name: string; path: string }[] = [];
for (const suite of suites) {
  for (const sub of suite.subdirs) {
    const dir = join(suite.dir, sub);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((f) => f.endsWith(".wast")).sort()) {
      const name = sub === "" ? f : `${sub}/${f}`;
      if (filters.length > 0 && !filters.some((x) => name.includes(x))) continue;
      files.push({ suite: suite.label, name, path: join(dir, f) });
    }
  }
}

const totals = { passed: 0, failed: 0, skipped: 0, expectedFailures: 0 };
const rows: string[] = [];
/**
 * Commands of the 3.0 suite that contradict the standard, skipped with the reason: the threads
 * proposal's scripts predate reference types (part of 2.0), so they still expect a module with
 * two tables to be invalid.
 */
const OUTDATED_COMMANDS: Record<string, { lines: number[]; reason: string }> = {
  "proposals/threads/imports.wast": {
    lines: [309, 313, 317],
    reason: "expects two tables to be invalid, as before reference types (2.0)",
  },
};

const failures: string[] = [];
const started = performance.now();

for (const { suite, name, path } of files) {
  const file = suite === "2.0" ? name : `3.0/${name}`;
  const text = readFileSync(path, "utf8");
  let result: ScriptResult;
  try {
    const commands: WastCommand[] = parseWast(text);
    // Each suite runs under its standard: 2.0 rejects what 3.0 features make valid.
    // The threads proposal's scripts are written against 2.0 plus threads (they expect a second
    // memory to be invalid, which multiple memories allows).
    const threads = suite === "3.0" && name.startsWith("proposals/threads/");
    const features = suite === "2.0"
      ? "2.0" as const
      : threads
      ? { base: "2.0" as const, threads: true }
      : "3.0" as const;
    const skip = suite === "3.0" ? OUTDATED_COMMANDS[name] : undefined;
    result = await runScript(commands, { ...config, features }, tiers, skip);
  } catch (e) {
    result = {
      passed: 0,
      failed: 1,
      skipped: 0,
      failures: [`script error: ${e}`],
      skipReasons: [],
    };
  }
  const expected = suite === "3.0" ? EXPECTED_3_0_FAILURES[name] : undefined;
  if (expected !== undefined) {
    if (result.failed === 0) {
      result.failed = 1;
      result.failures = [`passes now: remove it from EXPECTED_3_0_FAILURES (${expected})`];
    } else {
      totals.expectedFailures++;
      rows.push(
        `${"xf".padEnd(4)} ${file.padEnd(42)} ${String(result.passed).padStart(6)} passed ${
          String(result.failed).padStart(4)
        } failed, expected: ${expected}`,
      );
      continue;
    }
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
  `\nspec: ${files.length} files, ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped, ${totals.expectedFailures} files failing as expected (${seconds} s)`,
);
if (totals.skipped > 0) {
  console.log(
    `!! ${totals.skipped} commands were SKIPPED (see the table): they were not checked.`,
  );
}
process.exitCode = totals.failed > 0 ? 1 : 0;
