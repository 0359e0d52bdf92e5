// A compilation cache keeps generated JavaScript across versions of this runtime, keyed by
// CACHE_FORMAT: when the generator's output changes, the format must change with it, or a cache
// filled by an older version would hand its code to this one. This test pins a hash of the code
// generated for the repository's wasm programs; when it fails, bump CACHE_FORMAT in
// lib/runtime/cached_module.ts and record the new hashes here (the message prints them).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { decodeModule } from "../../lib/binary/decoder.ts";
import { codegenModule, generateFunction } from "../../lib/interpreter/jit/codegen.ts";
import { ON_JAVASCRIPTCORE } from "../../lib/interpreter/engine.ts";
import { CACHE_FORMAT } from "../../lib/runtime/cached_module.ts";

/** The hash of the generated code, by format and engine (the split policy differs by engine). */
const PINNED: Record<string, { v8: string; jsc: string }> = {
  "wazero-ts-cache-4": { v8: "9cfdc58bedb72c20", jsc: "77e0501919992faa" },
};

const DIRS = ["../../bench/programs/", "../wasi/programs/"];

test("the generated code changes only with CACHE_FORMAT", () => {
  const hash = createHash("sha256");
  let functions = 0;
  for (const dir of DIRS) {
    const url = new URL(dir, import.meta.url);
    for (const file of readdirSync(url).filter((f) => f.endsWith(".wasm")).sort()) {
      const module = decodeModule(new Uint8Array(readFileSync(new URL(file, url))));
      const cm = codegenModule(module);
      for (let i = 0; i < module.codes.length; i++) {
        const generated = generateFunction(cm, module.importedFunctionCount + i);
        hash.update(`${file} ${i} ${generated?.frameUnits}\n${generated?.source ?? "declined"}\n`);
        functions++;
      }
    }
  }
  assert.ok(functions > 500, `${functions} functions`);
  const engine = ON_JAVASCRIPTCORE ? "jsc" : "v8";
  const digest = hash.digest("hex").slice(0, 16);
  assert.equal(
    digest,
    PINNED[CACHE_FORMAT]?.[engine],
    `the generated code changed: bump CACHE_FORMAT (now ${CACHE_FORMAT}) and pin ${engine}: "${digest}"`,
  );
});
