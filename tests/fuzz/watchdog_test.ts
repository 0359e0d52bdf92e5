// The fuzz campaign's watchdog (tools/fuzz/watchdog.ts): what the campaign records of each step,
// and what the watchdog says of a hang. (Its worker ending the process is checked by hand: a test
// cannot hang its own runner.)
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  BYTES_AT,
  hangMessage,
  MODULE,
  MUTANT,
  newWatch,
  recordStep,
  SIZE,
  STEPS,
} from "../../tools/fuzz/watchdog.ts";

test("recordStep counts the steps and keeps the module, the mutant and its bytes", () => {
  const watch = newWatch(500, 120, "/tmp");
  const slots = new Int32Array(watch.buffer, 0, 4);
  recordStep(watch, 3, -1);
  assert.deepEqual([...slots], [1, 3, -1, -1]);
  recordStep(watch, 3, 4, new Uint8Array([0, 97, 115, 109]));
  assert.equal(slots[STEPS], 2);
  assert.equal(slots[MODULE], 3);
  assert.equal(slots[MUTANT], 4);
  assert.equal(slots[SIZE], 4);
  assert.deepEqual([...new Uint8Array(watch.buffer, BYTES_AT, 4)], [0, 97, 115, 109]);
  // Bytes that do not fit are not kept (the step still counts).
  recordStep(watch, 3, 5, new Uint8Array(watch.buffer.byteLength));
  assert.equal(slots[SIZE], -1);
  assert.equal(slots[STEPS], 3);
});

test("hangMessage names the seed, the step and the file", () => {
  const watch = newWatch(500, 120, "/tmp");
  assert.equal(
    hangMessage(watch, 7, 3, "/tmp/hang_7_3.wasm"),
    "fuzz watchdog: no progress for 120 s at module 7 (seed 507), mutant 7_3: a hang; its bytes " +
      "are in /tmp/hang_7_3.wasm (the campaign from seed 500 reaches it again)\n",
  );
  assert.match(hangMessage(watch, 7, -1), /module 7 \(seed 507\), checking the module: a hang \(/);
});
