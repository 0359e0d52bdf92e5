import { test } from "node:test";
import assert from "node:assert/strict";
import { CodeArena } from "../../lib/interpreter/translate/register_code.ts";

test("the code arena's copies are exact, and later copies leave earlier ones alone", () => {
  const arena = new CodeArena();
  const source = Int32Array.from({ length: 5000 }, (_, i) => i * 7 - 3);
  const copies: Int32Array[] = [];
  // Small pieces fill chunks; a 3,000-word piece needs a chunk of its own size class.
  for (const length of [1, 10, 300, 3000, 0, 50, 4000, 20]) {
    const copy = arena.copy(source, length);
    assert.equal(copy.length, length);
    copies.push(copy);
  }
  source.fill(0); // the translator reuses its buffer: the copies must not alias it
  for (const copy of copies) {
    for (let i = 0; i < copy.length; i++) assert.equal(copy[i], i * 7 - 3);
  }
  // Writing one copy (the tiers patch code in place) changes no other.
  for (const copy of copies) copy.fill(99);
  assert.ok(copies.every((c) => c.every((w) => w === 99)));
  assert.equal(copies.reduce((n, c) => n + c.length, 0), 1 + 10 + 300 + 3000 + 50 + 4000 + 20);
});

test("code bigger than half the largest chunk gets an array of its own", () => {
  const arena = new CodeArena();
  const big = new Int32Array(200_000).fill(5);
  const copy = arena.copy(big, big.length);
  assert.equal(copy.byteOffset, 0);
  assert.equal(copy.buffer.byteLength, 800_000);
  assert.ok(copy.every((w) => w === 5));
});
