/**
 * The WebAssembly JS API test suite (web-platform-tests' `wasm/jsapi`)
 * against the wazero-ts facade: runs every WebAssembly 2.0 `*.any.js` file,
 * each in its own process (tests/js_api/run_file.ts, which installs the
 * facade as `globalThis.WebAssembly`), and prints a per-file table of
 * subtests passed and failed, then the failures with their messages.
 *
 * Usage: `deno run --allow-read --allow-env --allow-run tests/js_api/run.ts [--quiet]
 * [--exclude=SUBSTRING] [--with-limits] [--jitless] [SUBSTRING]` (files whose path contains
 * it; `--with-limits` runs limits.any.js under Bun too; `--jitless` runs Deno's children without
 * a JIT, where the host has no WebAssembly object at all)
 * or `bun tests/js_api/run.ts`. The suite is read from `$WASM_JS_API_DIR`,
 * else `../shared/wasm-spec/js-api` beside the checkout; when it is missing
 * the run fails (exit 1) in CI (`CI` set) and exits 0 elsewhere.
 *
 * Exit status: 1 when a subtest fails that is not in {@link EXPECTED_FAILURES}
 * (or an expected failure passes, so the list stays true), 0 otherwise.
 *
 * @module
 */

import process from "node:process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { execFile } from "node:child_process";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { EXPECTED_FAILURES } from "./expected_failures.ts";

const here = dirname(fileURLToPath(import.meta.url));
const suiteDir = process.env.WASM_JS_API_DIR ?? resolve(here, "../../../shared/wasm-spec/js-api");
const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";

/** Beyond what the facade implements, or not meant for a JS shell: not run. */
const OUT_OF_SCOPE = /tentative|(^|\/)(gc|exception|js-string|js-promise-integration|tag)\//;

/** The 2.0-scope test files, relative to the suite. */
export function suiteFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".any.js")) {
        const rel = relative(dir, path);
        if (!OUT_OF_SCOPE.test(rel)) out.push(rel);
      }
    }
  };
  walk(dir);
  return out;
}

/** One subtest's outcome. */
export interface SubtestResult {
  name: string;
  status: string;
  message: string | null;
}

/** One file's outcome. */
export interface FileResult {
  file: string;
  harness: string;
  harnessMessage: string | null;
  tests: SubtestResult[];
}

/**
 * Runs one file in a child process of the same runtime; a crash or timeout is a harness ERROR.
 * `jitless`: Deno without a JIT, where the host has no WebAssembly at all.
 */
function runFile(file: string, timeoutMs: number, jitless: boolean): Promise<FileResult> {
  const script = join(here, "run_file.ts");
  // limits.any.js compiles modules of ten million element segments while earlier modules of a
  // million entries are still alive: more than V8's default 4 GB heap holds of decoded modules.
  const flags = [
    ...(jitless ? ["--jitless"] : []),
    ...(file === "limits.any.js" ? ["--max-old-space-size=6144"] : []),
  ];
  const heap = flags.length > 0 ? [`--v8-flags=${flags.join(",")}`] : [];
  const [cmd, args] = isBun
    ? [process.execPath, [script, suiteDir, file]]
    : [process.execPath, ["run", ...heap, "--allow-read", "--allow-env", script, suiteDir, file]];
  return new Promise((done) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const line = String(stdout).split("\n").find((l) => l.startsWith("JSAPI-RESULT "));
      if (line !== undefined) {
        done(JSON.parse(line.slice("JSAPI-RESULT ".length)) as FileResult);
        return;
      }
      const why = error?.killed ? `timed out after ${timeoutMs} ms` : String(stderr).trim();
      done({ file, harness: "ERROR", harnessMessage: why.slice(0, 2000), tests: [] });
    });
  });
}

async function main(): Promise<void> {
  if (!existsSync(join(suiteDir, "harness/testharness.js"))) {
    console.log(
      `!! JS API suite not found at ${suiteDir} (set WASM_JS_API_DIR). NOTHING WAS CHECKED.`,
    );
    process.exit(process.env.CI ? 1 : 0);
  }
  const args = process.argv.slice(2);
  const quiet = args.includes("--quiet");
  const filter = args.find((a) => !a.startsWith("--"));
  const exclude = args.find((a) => a.startsWith("--exclude="))?.slice("--exclude=".length);
  // JavaScriptCore grows its heap far past what is live while limits.any.js decodes modules of
  // millions of entries (10 GB even with a collection after each subtest, up to 11 minutes):
  // under Bun the file runs only when asked for.
  const skipLimits = isBun && !args.includes("--with-limits");
  const files = suiteFiles(suiteDir).filter((f) =>
    (filter === undefined || f.includes(filter)) &&
    (exclude === undefined || !f.includes(exclude)) &&
    !(skipLimits && f === "limits.any.js")
  );
  if (skipLimits) {
    console.log("SKIP limits.any.js under Bun (it needs about 10 GB there; --with-limits runs it)");
  }
  const runtime = isBun
    ? `bun ${process.versions.bun}`
    : `deno ${process.versions.deno}${args.includes("--jitless") ? " --jitless" : ""}`;
  console.log(
    `WebAssembly JS API suite (${files.length} files) on the wazero-ts facade, ${runtime}`,
  );
  const results: FileResult[] = [];
  // limits.any.js builds modules of millions of entries with the suite's JS module builder.
  const jitless = !isBun && args.includes("--jitless");
  for (const file of files) results.push(await runFile(file, 1_200_000, jitless));

  const rows = results.map((r) => {
    const passed = r.tests.filter((t) => t.status === "PASS").length;
    return { file: r.file, passed, failed: r.tests.length - passed, harness: r.harness };
  });
  const width = Math.max(...rows.map((r) => r.file.length), 4);
  console.log(`\n| ${"file".padEnd(width)} | passed | failed | harness |`);
  console.log(`| ${"-".repeat(width)} | -----: | -----: | ------- |`);
  for (const r of rows) {
    console.log(
      `| ${r.file.padEnd(width)} | ${String(r.passed).padStart(6)} | ${
        String(r.failed).padStart(6)
      } | ${r.harness.padEnd(7)} |`,
    );
  }
  const total = rows.reduce((a, r) => ({ p: a.p + r.passed, f: a.f + r.failed }), { p: 0, f: 0 });
  const harnessErrors = results.filter((r) => r.harness !== "OK");

  let unexpected = 0, expected = 0;
  const seen = new Set<string>();
  console.log("");
  for (const r of results) {
    if (r.harness !== "OK") {
      unexpected++;
      console.log(`HARNESS ${r.harness} ${r.file}: ${r.harnessMessage}`);
    }
    for (const t of r.tests) {
      const key = `${r.file} | ${t.name}`;
      const reason = EXPECTED_FAILURES[key];
      if (t.status === "PASS") {
        if (reason !== undefined) {
          unexpected++;
          console.log(`UNEXPECTED PASS ${key} (listed as: ${reason})`);
        }
        continue;
      }
      seen.add(key);
      if (reason !== undefined) {
        expected++;
        if (!quiet) console.log(`expected ${t.status} ${key}: ${reason}`);
      } else {
        unexpected++;
        console.log(`${t.status} ${key}: ${t.message}`);
      }
    }
  }
  console.log(
    `\njs-api: ${files.length} files, ${total.p} subtests passed, ${total.f} failed ` +
      `(${expected} expected, each with its reason), ${harnessErrors.length} harness errors; ` +
      `${unexpected} unexpected`,
  );
  process.exit(unexpected === 0 ? 0 : 1);
}

if (import.meta.main) await main();
