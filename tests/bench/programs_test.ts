/**
 * The benchmark programs (bench/programs/*.wasm, clang output) run on
 * wazero-ts at their small scale and return the checksums the host's native
 * WebAssembly returned. Correctness only: speed is measured in bench/.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Runtime } from "../../mod.ts";
import { WORKLOADS } from "../../bench/workloads.ts";

for (const w of WORKLOADS) {
  if (w.pending) continue;
  test(`bench program ${w.name}: run(${w.quickN}) returns its checksum`, async () => {
    const bytes = readFileSync(new URL(`../../bench/programs/${w.name}.wasm`, import.meta.url));
    using runtime = new Runtime();
    const module = await runtime.instantiate(new Uint8Array(bytes));
    const run = module.exportedFunction("run")!;
    assert.deepEqual(run.call(w.quickN), [w.expectQuick]);
  });
}
