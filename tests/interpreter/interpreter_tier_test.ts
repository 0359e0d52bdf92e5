// How code is handed to the engines: under Bun the interpreter loop is kept out of the FTL
// (bun:jsc's noFTL; elsewhere nothing is done), and generated sources are made distinct.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Machine } from "../../lib/interpreter/execute/executor.ts";
import {
  chooseInterpreterTier,
  keepInterpreterInDfg,
  LARGE_PROGRAM_CODE_BYTES,
} from "../../lib/interpreter/execute/interpreter_tier.ts";
import { distinctSource } from "../../lib/interpreter/engine.ts";
import { interpreterTierChoice, Runtime } from "../../lib/runtime/runtime.ts";
import { ByteWriter } from "../../lib/text/writer.ts";

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

test("chooseInterpreterTier keeps the interpreter loop from the FTL for programs under LARGE_PROGRAM_CODE_BYTES only", () => {
  const seen: unknown[] = [];
  const jsc = { noFTL: (fn: unknown) => seen.push(fn) };
  assert.equal(chooseInterpreterTier(LARGE_PROGRAM_CODE_BYTES, jsc), false);
  assert.equal(chooseInterpreterTier(30_000_000, jsc), false);
  assert.deepEqual(seen, []);
  assert.equal(chooseInterpreterTier(LARGE_PROGRAM_CODE_BYTES - 1, jsc), true);
  assert.deepEqual(seen, [Machine.prototype["run"]]);
});

/** A module whose one function is `bodyBytes` of `nop`s: a code section of about that size. */
function nopModule(bodyBytes: number): Uint8Array {
  const w = new ByteWriter(bodyBytes + 64);
  w.bytes(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  w.bytes(new Uint8Array([1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 7, 5, 1, 1, 102, 0, 0]));
  const body = new Uint8Array(bodyBytes + 2).fill(0x01); // nop
  body[0] = 0; // no locals
  body[body.length - 1] = 0x0b; // end
  const section = new ByteWriter(body.length + 8);
  section.u32(1);
  section.u32(body.length);
  section.bytes(body);
  w.byte(10);
  w.u32(section.length);
  w.bytes(section.view());
  return w.toBytes();
}

test("the first module a runtime with the JavaScript tiers instantiates chooses the interpreter loop's tier by its code size", async () => {
  const saved = { ...interpreterTierChoice };
  const seen: unknown[] = [];
  const small = nopModule(16);
  try {
    interpreterTierChoice.chosen = false;
    interpreterTierChoice.jsc = { noFTL: (fn) => seen.push(fn) };
    // A runtime that interprets only does not choose (its first call's warm-up does, if it is
    // the process's first call).
    using interpreting = new Runtime({ jsTier: false });
    await interpreting.instantiate(small);
    assert.equal(interpreterTierChoice.chosen, false);
    // A small program keeps `run` in the DFG, decided once.
    using tiered = new Runtime();
    await tiered.instantiate(small);
    assert.equal(interpreterTierChoice.chosen, true);
    await tiered.instantiate(nopModule(LARGE_PROGRAM_CODE_BYTES));
    assert.deepEqual(seen, [Machine.prototype["run"]]);
    // A large one leaves it to the FTL.
    interpreterTierChoice.chosen = false;
    const large = await tiered.instantiate(nopModule(LARGE_PROGRAM_CODE_BYTES));
    assert.equal(interpreterTierChoice.chosen, true);
    assert.equal(seen.length, 1);
    large.exportedFunction("f")!.call();
  } finally {
    Object.assign(interpreterTierChoice, saved);
  }
});
