/**
 * A C program built with clang -msimd128 (bench/programs/simd.c: f32x4 dot
 * product, a box blur in u16/u32 lanes, saturating u8 arithmetic, shuffles,
 * bitmask) returns the checksums the host's native WebAssembly returned
 * (hard-coded here: tests also run under --jitless, without that object).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Runtime } from "../../mod.ts";

test("a -msimd128 C program gives the native checksums", async () => {
  const bytes = readFileSync(new URL("../../bench/programs/simd.wasm", import.meta.url));
  using runtime = new Runtime();
  const module = await runtime.instantiate(new Uint8Array(bytes));
  const run = module.exportedFunction("run")!;
  assert.deepEqual(run.call(1), [-1_056_687_958]);
  assert.deepEqual(run.call(3), [-2_116_743_925]);
});
