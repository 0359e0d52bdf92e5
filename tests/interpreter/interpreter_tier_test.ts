// keepInterpreterInDfg: under Bun the interpreter loop is kept out of JavaScriptCore's FTL
// (bun:jsc's noFTL); elsewhere nothing is done.
import { test } from "node:test";
import assert from "node:assert/strict";
import { keepInterpreterInDfg, Machine } from "../../lib/interpreter/execute/executor.ts";

test("keepInterpreterInDfg hands the interpreter loop, and only it, to noFTL", () => {
  const seen: unknown[] = [];
  const done = keepInterpreterInDfg({ noFTL: (fn) => seen.push(fn) });
  assert.equal(done, true);
  assert.equal(seen.length, 1);
  assert.equal(seen[0], Machine.prototype["run"]);
  assert.equal((seen[0] as { name: string }).name, "run");
});

test("keepInterpreterInDfg finds bun:jsc under Bun only", () => {
  const underBun = typeof (globalThis as { Bun?: unknown }).Bun !== "undefined";
  assert.equal(keepInterpreterInDfg(), underBun);
});
