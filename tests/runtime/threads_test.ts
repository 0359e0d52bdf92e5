import { test } from "node:test";
import assert from "node:assert/strict";
import {
  CollectedOutput,
  CompileError,
  LinkError,
  Runtime,
  RuntimeError,
  runWasi,
  wat2wasm,
} from "../../mod.ts";
import { useRegisterTierOnly } from "../../lib/runtime/runtime.ts";

/** Runtimes for every tier: interpreted, register-code tier, and the default tiering. */
const TIERS: [string, () => Runtime][] = [
  ["interpreter", () => new Runtime({ jsTier: false })],
  ["register-code tier", () => useRegisterTierOnly(new Runtime({ jsTier: 1 }))],
  ["structured tier (declines)", () => new Runtime({ jsTier: 1 })],
];

/** A `wasip1-threads`-like module: an imported shared `env.memory` and atomics on it. */
const THREADED = `(module
  (import "env" "memory" (memory 1 16 shared))
  (func (export "counter") (param $n i32) (result i32)
    (local $i i32)
    (loop $l
      (drop (i32.atomic.rmw.add (i32.const 64) (i32.const 3)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (atomic.fence)
    (i32.atomic.load (i32.const 64)))
  (func (export "lock") (result i32)
    ;; A spin lock taken and released once: cmpxchg 0 -> 1, then store 0.
    (if (i32.atomic.rmw.cmpxchg (i32.const 0) (i32.const 0) (i32.const 1)) (then (unreachable)))
    (i32.atomic.store (i32.const 0) (i32.const 0))
    (i32.atomic.rmw.cmpxchg (i32.const 0) (i32.const 0) (i32.const 7)))
  (func (export "rmw64") (param i64) (result i64)
    (i64.atomic.store (i32.const 8) (i64.const 0xffffffff))
    (drop (i64.atomic.rmw.add (i32.const 8) (local.get 0)))
    (drop (i64.atomic.rmw32.xor_u (i32.const 8) (i64.const 0xff)))
    (i64.atomic.load (i32.const 8)))
  (func (export "sub64") (param i64 i64) (result i64)
    (i64.atomic.store (i32.const 16) (local.get 0))
    (drop (i64.atomic.rmw.sub (i32.const 16) (local.get 1)))
    (i64.atomic.load (i32.const 16)))
  (func (export "narrow") (result i64)
    (i64.atomic.store (i32.const 24) (i64.const -1))
    (drop (i64.atomic.rmw8.add_u (i32.const 24) (i64.const 1)))
    (drop (i64.atomic.rmw16.cmpxchg_u (i32.const 26) (i64.const 0x1ffff) (i64.const 0x1234)))
    (i64.atomic.load (i32.const 24)))
  (func (export "load8") (param i32) (result i32) (i32.atomic.load8_u (local.get 0)))
  (func (export "load") (param i32) (result i32) (i32.atomic.load offset=4 (local.get 0)))
  (func (export "wait32") (param i32 i32 i64) (result i32)
    (memory.atomic.wait32 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "wait64") (param i32 i64 i64) (result i32)
    (memory.atomic.wait64 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "notify") (param i32 i32) (result i32)
    (memory.atomic.notify (local.get 0) (local.get 1))))`;

async function threaded(rt: Runtime) {
  await rt.newHostModuleBuilder("env")
    .exportMemory("memory", { min: 1, max: 16, shared: true })
    .instantiate();
  return rt.instantiate(THREADED);
}

for (const [tier, make] of TIERS) {
  test(`atomics on an imported shared memory (${tier})`, async () => {
    const m = await threaded(make());
    const f = (name: string) => m.exportedFunction(name)!;
    // Hot enough for every tier to compile the loop.
    assert.deepEqual(f("counter").call(2000), [6000]);
    assert.deepEqual(f("lock").call(), [0]);
    assert.deepEqual(f("rmw64").call(1n), [0x1_0000_00ffn]);
    assert.deepEqual(f("sub64").call(0x1_0000_0000n, 1n), [0xffff_ffffn]);
    assert.deepEqual(f("sub64").call(5n, 7n), [-2n]);
    // rmw8.add_u wraps in its byte; the cmpxchg compares the expected value wrapped to 16 bits.
    assert.deepEqual(f("narrow").call(), [BigInt.asIntN(64, 0xffff_ffff_1234_ff00n)]);
    assert.deepEqual(f("load8").call(24), [0]);
    assert.equal(m.memory()!.shared, true);
  });

  test(`unaligned atomic accesses trap; out of range ones too (${tier})`, async () => {
    const m = await threaded(make());
    const load = m.exportedFunction("load")!;
    assert.deepEqual(load.call(0), [0]);
    assert.throws(
      () => load.call(1),
      (e) => e instanceof RuntimeError && /unaligned atomic/.test(e.message),
    );
    assert.throws(
      () => load.call(65536 - 4),
      (e) => e instanceof RuntimeError && /out of bounds/.test(e.message),
    );
    // The offset counts: 2 + 4 is not a multiple of 4.
    assert.throws(() => load.call(2), /unaligned atomic/);
  });

  test(`wait and notify on one thread (${tier})`, async () => {
    const m = await threaded(make());
    const f = (name: string) => m.exportedFunction(name)!;
    assert.deepEqual(f("wait32").call(0, 1, 0n), [1]); // not-equal
    assert.deepEqual(f("wait64").call(0, 1n, 0n), [1]);
    assert.deepEqual(f("wait32").call(0, 0, 0n), [2]); // timed-out at once
    const start = performance.now();
    assert.deepEqual(f("wait64").call(0, 0n, 20_000_000n), [2]); // timed-out after 20 ms
    assert.ok(performance.now() - start >= 15);
    assert.throws(() => f("wait32").call(0, 0, -1n), /block forever/);
    assert.throws(() => f("wait32").call(2, 0, 0n), /unaligned atomic/);
    assert.deepEqual(f("notify").call(0, 10), [0]);
  });

  test(`wait traps on a memory that is not shared (${tier})`, async () => {
    const m = await make().instantiate(`(module (memory 1 1)
      (func (export "wait") (result i32)
        (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const 0)))
      (func (export "notify") (result i32) (memory.atomic.notify (i32.const 0) (i32.const 1))))`);
    assert.throws(() => m.exportedFunction("wait")!.call(), /expected shared memory/);
    assert.deepEqual(m.exportedFunction("notify")!.call(), [0]);
    assert.equal(m.memory()!.shared, false);
  });
}

test("sharedness of imported memories must match", async () => {
  const rt = new Runtime();
  await rt.newHostModuleBuilder("env")
    .exportMemory("shared", { min: 1, max: 2, shared: true })
    .exportMemory("plain", { min: 1, max: 2 })
    .instantiate();
  await rt.instantiate(`(module (import "env" "shared" (memory 1 2 shared)))`);
  await rt.instantiate(`(module (import "env" "plain" (memory 1 2)))`);
  await assert.rejects(
    rt.instantiate(`(module (import "env" "plain" (memory 1 2 shared)))`),
    (e) => e instanceof LinkError && /not shared/.test(e.message),
  );
  await assert.rejects(
    rt.instantiate(`(module (import "env" "shared" (memory 1 2)))`),
    (e) => e instanceof LinkError && /is shared/.test(e.message),
  );
  assert.throws(
    () => rt.newHostModuleBuilder("x").exportMemory("m", { min: 1, shared: true }),
    /must have a maximum/,
  );
});

test("a shared memory needs a maximum; atomics need natural alignment", async () => {
  const rt = new Runtime();
  await assert.rejects(
    rt.compileModule(wat2wasm(`(module (memory 1 shared))`)),
    (e) => e instanceof CompileError && /shared memory must have maximum/.test(e.message),
  );
  await assert.rejects(
    rt.compileModule(wat2wasm(`(module (memory 1 1)
      (func (drop (i32.atomic.load align=2 (i32.const 0)))))`)),
    (e) => e instanceof CompileError && /alignment must be equal to natural/.test(e.message),
  );
  await assert.rejects(
    rt.compileModule(wat2wasm(`(module (func (drop (i32.atomic.load (i32.const 0)))))`)),
    /unknown memory/,
  );
  // atomic.fence needs no memory.
  await rt.compileModule(wat2wasm(`(module (func (atomic.fence)))`));
  const compiled = await rt.compileModule(wat2wasm(`(module (memory (export "m") 1 2 shared))`));
  assert.equal(compiled.definitions.memories[0].shared, true);
});

test("threads is a feature: rejected under 2.0 with its name, accepted by default", async () => {
  const shared = wat2wasm(`(module (memory 1 2 shared))`);
  const atomic = wat2wasm(`(module (memory 1 1)
    (func (result i32) (i32.atomic.load (i32.const 0))))`);
  const fence = wat2wasm(`(module (func (atomic.fence)))`);
  for (const bytes of [shared, atomic, fence]) {
    await new Runtime().compileModule(bytes);
    for (const features of ["2.0" as const, { threads: false }]) {
      await assert.rejects(
        new Runtime({ features }).compileModule(bytes),
        (e) => e instanceof CompileError && /feature threads/.test(e.message),
      );
    }
  }
});

test("a wasip1-threads program that spawns no thread runs under WASI", async () => {
  // The shape wasm-ld gives `wasm32-wasip1-threads` programs: an imported shared `env.memory`,
  // `wasi.thread-spawn`, and atomics guarding their state.
  const program = `(module
    (import "env" "memory" (memory 1 16 shared))
    (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
    (data (i32.const 16) "hi from a shared memory\\n")
    (func (export "_start")
      ;; Take the stdout lock (0 -> 1), as libc's locks do with atomics.
      (if (i32.atomic.rmw.cmpxchg (i32.const 0) (i32.const 0) (i32.const 1)) (then (unreachable)))
      ;; Spawning fails: one thread (a negative errno).
      (if (i32.ge_s (call $spawn (i32.const 0)) (i32.const 0)) (then (unreachable)))
      (i32.store (i32.const 4) (i32.const 16))
      (i32.store (i32.const 8) (i32.const 24))
      (drop (call $write (i32.const 1) (i32.const 4) (i32.const 1) (i32.const 12)))
      (i32.atomic.store (i32.const 0) (i32.const 0))
      (drop (memory.atomic.notify (i32.const 0) (i32.const 1)))))`;
  const rt = new Runtime();
  await rt.newHostModuleBuilder("env")
    .exportMemory("memory", { min: 1, max: 16, shared: true })
    .instantiate();
  const stdout = new CollectedOutput();
  assert.equal(await runWasi(rt, program, { stdout }), 0);
  assert.equal(stdout.text(), "hi from a shared memory\n");
});

test("the WebAssembly facade creates shared memories that shared imports accept", async () => {
  const { createWebAssemblyNamespace } = await import("../../lib/webassembly/namespace.ts");
  const WA = createWebAssemblyNamespace() as unknown as typeof WebAssembly;
  assert.throws(() => new WA.Memory({ initial: 1, shared: true }), TypeError);
  const memory = new WA.Memory({ initial: 1, maximum: 2, shared: true });
  const plain = new WA.Memory({ initial: 1, maximum: 2 });
  const bytes = wat2wasm(`(module (import "env" "memory" (memory 1 2 shared))
    (func (export "add") (param i32) (result i32) (i32.atomic.rmw.add (i32.const 0) (local.get 0))))`);
  const module = await WA.compile(bytes as Uint8Array<ArrayBuffer>);
  const instance = await WA.instantiate(module, { env: { memory } });
  const add = instance.exports.add as (x: number) => number;
  assert.equal(add(5), 0);
  assert.equal(add(1), 5);
  assert.equal(new Uint32Array(memory.buffer)[0], 6);
  await assert.rejects(WA.instantiate(module, { env: { memory: plain } }), /not shared/);
});
