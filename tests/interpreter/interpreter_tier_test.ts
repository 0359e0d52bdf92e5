// How code is handed to the engines: under Bun the interpreter loop is kept out of the FTL
// (bun:jsc's noFTL; elsewhere nothing is done), and generated sources are made distinct.
import { test } from "node:test";
import assert from "node:assert/strict";
import { keepInterpreterInDfg, Machine } from "../../lib/interpreter/execute/executor.ts";
import { distinctSource } from "../../lib/interpreter/engine.ts";

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

test("distinctSource: the same generated text is never compiled twice as the same source", () => {
  const text = "return 6 * 7;";
  const a = distinctSource(text), b = distinctSource(text);
  assert.notEqual(a, b);
  assert.ok(a.startsWith(text) && b.startsWith(text));
  // Still the same program: the mark is a comment.
  assert.equal(new Function(a)(), 42);
  assert.equal(new Function(b)(), 42);
});

test("distinctSource: two copies of the runtime in one process mark the same text apart", async () => {
  // A second instance of the module, as a program bundling two versions of the runtime has (a
  // path with a query: Bun loads a file URL with a query as the same module).
  const path = new URL("../../lib/interpreter/engine.ts", import.meta.url).pathname;
  const copy = (await import(`${path}?second-copy`)) as {
    distinctSource: (source: string) => string;
  };
  assert.notEqual(copy.distinctSource, distinctSource);
  const text = "return 6 * 7;";
  const seen = new Set<string>();
  for (let i = 0; i < 3; i++) seen.add(distinctSource(text)).add(copy.distinctSource(text));
  assert.equal(seen.size, 6);
});

test("keepInterpreterInDfg does not read globalThis.process off Bun (Deno sets up Node compatibility on that read)", () => {
  if (typeof (globalThis as { Bun?: unknown }).Bun !== "undefined") return; // Bun reads it by design
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, "process");
  let reads = 0;
  Object.defineProperty(globalThis, "process", {
    configurable: true,
    get() {
      reads++;
      return undefined;
    },
  });
  try {
    assert.equal(keepInterpreterInDfg(), false);
  } finally {
    if (descriptor) Object.defineProperty(globalThis, "process", descriptor);
    else delete (globalThis as { process?: unknown }).process;
  }
  assert.equal(reads, 0);
});
