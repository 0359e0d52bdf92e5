/**
 * Runs one file of the WebAssembly JS API test suite (web-platform-tests,
 * testharness.js) against the wazero-ts facade installed as
 * `globalThis.WebAssembly`, in this process, and prints its subtests' results
 * as one JSON line (`JSAPI-RESULT {...}`) for tests/js_api/run.ts.
 *
 * Usage: `deno run --allow-read --allow-env tests/js_api/run_file.ts DIR FILE`
 * (or `bun tests/js_api/run_file.ts DIR FILE`).
 *
 * The file's `// META: script=` helpers and the harness are run as classic
 * scripts in this realm (node:vm's runInThisContext: they share global
 * lexical bindings, as `<script>` elements do), synchronously after the
 * harness, which decides the test list is complete one microtask later.
 *
 * @module
 */

import process from "node:process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import vm from "node:vm";
import { createWebAssembly } from "../../webassembly.ts";

const [dir, file] = process.argv.slice(2);
if (dir === undefined || file === undefined) {
  console.error("usage: run_file.ts SUITE_DIR FILE");
  process.exit(2);
}

/** Names of testharness.js's statuses, by number. */
const TEST_STATUS = ["PASS", "FAIL", "TIMEOUT", "NOTRUN", "PRECONDITION_FAILED"];
const HARNESS_STATUS = ["OK", "ERROR", "TIMEOUT", "PRECONDITION_FAILED"];

// The tests must see the facade, never the host's engine: replace it (with the native attributes).
Object.defineProperty(globalThis, "WebAssembly", {
  value: createWebAssembly(),
  writable: true,
  enumerable: false,
  configurable: true,
});

// A test's rejected promise the harness does not await must not end the process.
const g = globalThis as unknown as Record<string, unknown> & typeof globalThis;
if (typeof g.addEventListener === "function") {
  g.addEventListener("unhandledrejection", (e: Event) => e.preventDefault());
}
process.on?.("unhandledRejection", () => {});

/** A suite path (`/wasm/jsapi/x.js` or relative to the test file) on disk. */
function scriptPath(src: string): string {
  if (src.startsWith("/wasm/jsapi/")) return join(dir, src.slice("/wasm/jsapi/".length));
  return join(dir, file, "..", src);
}

function runScript(path: string): void {
  vm.runInThisContext(readFileSync(path, "utf8"), { filename: path });
}

const source = readFileSync(join(dir, file), "utf8");
const scripts = [...source.matchAll(/^\/\/ META: script=(.+)$/gm)].map((m) => m[1].trim());

let printed = false;
const print = (result: unknown) => {
  if (printed) return;
  printed = true;
  console.log("JSAPI-RESULT " + JSON.stringify(result));
};

// testharness.js names tests after `location.pathname` where `location` exists; Deno's is undefined.
try {
  Object.defineProperty(globalThis, "location", {
    value: { pathname: `/wasm/jsapi/${file}` },
    configurable: true,
  });
} catch {
  // A host whose location cannot be replaced has a real one.
}
runScript(join(dir, "harness/testharness.js"));
const harness = g as unknown as {
  add_completion_callback(
    cb: (
      tests: { name: string; status: number; message: string | null }[],
      status: { status: number; message: string | null },
    ) => void,
  ): void;
  setup(options: Record<string, unknown>): void;
};
// JSAPI_TRACE=1 prints each subtest as it ends, with the time since the start (to find slow ones).
if (process.env.JSAPI_TRACE) {
  const start = Date.now();
  (g as unknown as { add_result_callback(cb: (t: { name: string; status: number }) => void): void })
    .add_result_callback((t) =>
      console.error(`${Date.now() - start} ms ${TEST_STATUS[t.status]} ${t.name}`)
    );
}
// JavaScriptCore grows its heap far past what is live before it collects: limits.any.js, whose
// subtests each decode a module of up to ten million entries, passed 14 GB under Bun. Collecting
// after a subtest that left the process big keeps the peak nearer the largest live set.
const bunGc = (globalThis as { Bun?: { gc(force: boolean): void } }).Bun?.gc;
if (bunGc !== undefined) {
  (g as unknown as { add_result_callback(cb: () => void): void })
    .add_result_callback(() => {
      if (process.memoryUsage().rss > 1 << 30) bunGc(true);
    });
}
harness.add_completion_callback((tests, status) => {
  print({
    file,
    harness: HARNESS_STATUS[status.status] ?? String(status.status),
    harnessMessage: status.message,
    tests: tests.map((t) => ({
      name: t.name,
      status: TEST_STATUS[t.status] ?? String(t.status),
      message: t.message,
    })),
  });
});
try {
  for (const s of scripts) runScript(scriptPath(s));
  runScript(join(dir, file));
} catch (e) {
  // An exception at a file's top level is the harness's ERROR status, as a page's onerror reports it.
  print({ file, harness: "ERROR", harnessMessage: String(e), tests: [] });
}
