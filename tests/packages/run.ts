/**
 * Real npm packages, unchanged, on the WebAssembly facade: each is installed
 * (pinned) with npm into a temporary folder, run once on the host's native
 * WebAssembly and once with the facade where native WebAssembly is absent
 * (`deno run --v8-flags=--jitless`; under Bun, the facade forced over the
 * native one), and the outputs compared. Prints a table; exits 1 when an
 * output differs. When npm or the registry is unreachable it prints a skip
 * line and exits 0.
 *
 * Usage: `deno run -A tests/packages/run.ts` or `bun tests/packages/run.ts`.
 *
 * @module
 */

import process from "node:process";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";

/** The packages checked: npm spec, the script that exercises it, what it does. */
const PACKAGES = [
  {
    spec: "@jsquash/png@3.1.1",
    script: "jsquash_png_check.mjs",
    what: "encode a PNG and decode it back (Rust, wasm-bindgen)",
  },
  {
    spec: "lightningcss-wasm@1.29.1",
    script: "lightningcss_wasm_check.mjs",
    what: "minify CSS for Safari 13 (Rust, napi-wasm)",
  },
  {
    spec: "esbuild-wasm@0.25.0",
    script: "esbuild_wasm_check.mjs",
    what: "transform TypeScript (Go runtime, browser build)",
  },
  {
    spec: "sql.js@1.13.0",
    script: "sql_js_check.mjs",
    what: "create a table, insert 1,000 rows, query",
  },
];

interface Outcome {
  output: unknown;
  nativeWebAssembly: boolean;
  ms: number;
}

function runCheck(script: string, dir: string, facade: boolean): Outcome {
  const path = join(here, script);
  const args = isBun
    ? [path, dir]
    // The packages' own bare imports (napi-wasm...) resolve from the temporary folder's
    // node_modules: Deno runs with its config there, not this checkout's ("nodeModulesDir": "none").
    : [
      "run",
      `--config=${join(dir, "deno.json")}`,
      ...(facade ? ["--v8-flags=--jitless"] : []),
      "-A",
      path,
      dir,
    ];
  const stdout = execFileSync(process.execPath, args, {
    cwd: dir,
    env: { ...process.env, ...(facade ? { FACADE: "1" } : {}) },
    encoding: "utf8",
    timeout: 600_000,
  });
  const line = stdout.trim().split("\n").pop()!;
  return JSON.parse(line) as Outcome;
}

const dir = mkdtempSync(join(tmpdir(), "wazero-packages-"));
writeFileSync(join(dir, "deno.json"), JSON.stringify({ nodeModulesDir: "manual" }));
try {
  execFileSync("npm", ["install", "--no-audit", "--no-fund", ...PACKAGES.map((p) => p.spec)], {
    cwd: dir,
    stdio: "pipe",
    timeout: 180_000,
  });
} catch (e) {
  console.log(`SKIP real packages: npm install failed (${(e as Error).message.split("\n")[0]})`);
  process.exit(0);
}

let failed = 0;
console.log("| package | what ran | native | facade | same output | native ms | facade ms |");
console.log("| ------- | -------- | ------ | ------ | ----------- | --------: | --------: |");
for (const p of PACKAGES) {
  const native = runCheck(p.script, dir, false);
  const facade = runCheck(p.script, dir, true);
  const same = JSON.stringify(native.output) === JSON.stringify(facade.output);
  if (!same) failed++;
  const where = isBun ? "Bun, facade forced" : "Deno --jitless, no native WebAssembly";
  console.log(
    `| ${p.spec} | ${p.what} | ${native.nativeWebAssembly ? "yes" : "no"} | ${where} | ${
      same ? "yes" : "NO"
    } | ${native.ms} | ${facade.ms} |`,
  );
  if (!same) {
    console.log(
      `  native: ${JSON.stringify(native.output)}\n  facade: ${JSON.stringify(facade.output)}`,
    );
  }
}
process.exit(failed === 0 ? 0 : 1);
