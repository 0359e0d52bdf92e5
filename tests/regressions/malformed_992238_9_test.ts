/**
 * Found by the malformed-input fuzzer under Bun (`bun tools/fuzz/main.ts
 * --seed 990099`), mutant 992238_9: "we accept what native rejects". The
 * module (a 64-bit memory and a passive data segment) is valid in 3.0;
 * JavaScriptCore rejects it for lacking memory64, so the checker now asks
 * whether our runtime rejects it too without the features the native engine
 * lacks (`usesWhatNativeLacks` in `tools/fuzz/malformed.ts`).
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { checkMalformed } from "../../tools/fuzz/malformed.ts";

const MODULE = new Uint8Array([
  0,
  97,
  115,
  109,
  1,
  0,
  0,
  0,
  5,
  3,
  1,
  4,
  1,
  11,
  6,
  1,
  1,
  3,
  102,
  111,
  111,
]);

test("malformed mutant 992238_9 compiles or fails cleanly", async () => {
  assert.equal((await checkMalformed(MODULE)).finding?.what, undefined);
});
