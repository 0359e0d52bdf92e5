// The JS API runner's choice of files: the WebAssembly 2.0 scope of the suite, nothing beyond.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import process from "node:process";
import { suiteFiles } from "./run.ts";
import { EXPECTED_FAILURES } from "./expected_failures.ts";

const suite = process.env.WASM_JS_API_DIR ??
  new URL("../../../shared/wasm-spec/js-api", import.meta.url).pathname;

test(
  "the runner selects the *.any.js files in the facade's scope",
  { skip: !existsSync(suite) },
  () => {
    const files = suiteFiles(suite);
    assert.equal(files.length, 36);
    for (const f of files) {
      assert.ok(f.endsWith(".any.js"), f);
      assert.doesNotMatch(f, /tentative|gc\/|exception\/|js-string|tag\//);
    }
    for (
      const needed of [
        "interface.any.js",
        "limits.any.js",
        "memory/grow.any.js",
        "memory/constructor-memory64.any.js",
        "table/grow-memory64.any.js",
      ]
    ) {
      assert.ok(files.includes(needed), needed);
    }
  },
);

test("every expected failure names a file of the suite and gives a reason", () => {
  for (const [key, reason] of Object.entries(EXPECTED_FAILURES)) {
    assert.match(key, /^[\w/-]+\.any\.js \| ./);
    assert.ok(reason.length > 20, key);
  }
});
