// A module's start function runs while it is instantiated: `ModuleConfig`'s timeout, signal and
// fuel bound it, so that instantiating an untrusted module cannot hang the host.
import { test } from "node:test";
import assert from "node:assert/strict";
import { instantiateWasi, Runtime, RuntimeError, runWasi } from "../../mod.ts";

/** A start function that loops forever, counting in an exported global. */
const SPIN_AT_START = `(module
  (global $i (export "i") (mut i32) (i32.const 0))
  (func $spin (loop $l (global.set $i (i32.add (global.get $i) (i32.const 1))) (br $l)))
  (start $spin))`;

/** A start function that calls the host's `env.tick` `n` times. */
const TICKS_AT_START = (n: number) =>
  `(module
  (import "env" "tick" (func $tick))
  (global $i (export "i") (mut i32) (i32.const 0))
  (func $count
    (loop $l
      (call $tick)
      (global.set $i (i32.add (global.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (global.get $i) (i32.const ${n})))))
  (start $count))`;

for (const jsTier of [false, true]) {
  test(`a timeout stops a start function that never returns (jsTier: ${jsTier})`, async () => {
    const runtime = new Runtime({ jsTier });
    const started = Date.now();
    await assert.rejects(
      runtime.instantiate(SPIN_AT_START, { name: "spinner", timeout: 30 }),
      (e) => e instanceof RuntimeError && e.message === "interrupted: deadline exceeded",
    );
    assert.ok(Date.now() - started < 5000);
    // The failed instance is not registered: its name is free again.
    assert.equal(runtime.module("spinner"), undefined);
    const ok = await runtime.instantiate("(module)", { name: "spinner" });
    assert.equal(runtime.module("spinner"), ok);
  });
}

test("an AbortSignal stops a start function: aborted before, or by a host function it calls", async () => {
  const runtime = new Runtime();
  const controller = new AbortController();
  let ticks = 0;
  const env = { env: { tick: () => void (++ticks === 5 && controller.abort()) } };
  const compiled = await runtime.compileModule(TICKS_AT_START(1_000_000));
  await assert.rejects(
    runtime.instantiateModule(compiled, { imports: env, signal: controller.signal }),
    (e) => e instanceof RuntimeError && e.message === "interrupted: aborted",
  );
  // Checked every few thousand instructions: stopped long before its million calls.
  assert.ok(ticks >= 5 && ticks < 100_000, `${ticks} ticks`);
  // Already aborted: the start function does not run at all.
  ticks = 0;
  await assert.rejects(
    runtime.instantiateModule(compiled, { imports: env, signal: controller.signal }),
    /aborted/,
  );
  assert.equal(ticks, 0);
});

test("a start function spends the module's fuel, and calls go on with what is left", async () => {
  const runtime = new Runtime({ fuel: true });
  const compiled = await runtime.compileModule(TICKS_AT_START(100));
  const env = { env: { tick: () => {} } };
  const left: number[] = [];
  for (let run = 0; run < 2; run++) {
    const m = await runtime.instantiateModule(compiled, { imports: env, fuel: 100_000 });
    assert.equal(m.exportedGlobal("i")!.value, 100);
    left.push(m.fuel);
  }
  // Some fuel per iteration, the same in every instantiation.
  assert.equal(left[0], left[1]);
  assert.ok(left[0] < 100_000 - 100 && left[0] > 100_000 - 5_000, `fuel left ${left[0]}`);
  // Too little fuel: the start function stops where it ran out.
  await assert.rejects(
    runtime.instantiateModule(compiled, { imports: env, fuel: 50 }),
    (e) => e instanceof RuntimeError && e.message === "out of fuel",
  );
  // Without fuel in the config the module starts unmetered, as before.
  const unmetered = await runtime.instantiateModule(compiled, { imports: env });
  assert.equal(unmetered.fuel, Infinity);
  // Fuel needs a metered runtime: refused before anything runs.
  let ticks = 0;
  await assert.rejects(
    new Runtime().instantiate(TICKS_AT_START(1), {
      imports: { env: { tick: () => ticks++ } },
      fuel: 10,
    }),
    /fuel metering is off/,
  );
  assert.equal(ticks, 0);
});

test("an import object whose namespaces are named timeout, signal or fuel is still one", async () => {
  const m = await new Runtime().instantiate(
    `(module
      (import "timeout" "f" (func $a (result i32)))
      (import "signal" "f" (func $b (result i32)))
      (import "fuel" "f" (func $c (result i32)))
      (func (export "sum") (result i32) (i32.add (call $a) (i32.add (call $b) (call $c)))))`,
    { timeout: { f: () => 1 }, signal: { f: () => 20 }, fuel: { f: () => 300 } },
  );
  assert.deepEqual(m.exportedFunction("sum")!.call(), [321]);
});

/** A WASI command whose start section loops forever; `_start` is never reached. */
const WASI_SPIN_AT_START = `(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func $spin (loop $l (br $l)))
  (start $spin)
  (func (export "_start") (call $exit (i32.const 7))))`;

test("runWasi's timeout and fuel bound the module's start function too", async () => {
  await assert.rejects(
    runWasi(new Runtime(), WASI_SPIN_AT_START, { timeout: 30 }),
    (e) => e instanceof RuntimeError && e.message === "interrupted: deadline exceeded",
  );
  await assert.rejects(
    runWasi(new Runtime({ fuel: true }), WASI_SPIN_AT_START, { fuel: 10_000 }),
    (e) => e instanceof RuntimeError && e.message === "out of fuel",
  );
  // One tank for both: a start function that spends it leaves less for _start.
  const counting = `(module
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (memory (export "memory") 1)
    (global $i (mut i32) (i32.const 0))
    (func $count (loop $l (global.set $i (i32.add (global.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (global.get $i) (i32.const 1000)))))
    (start $count)
    (func (export "_start") (global.set $i (i32.const 0)) (call $count) (call $exit (i32.const 3))))`;
  // Each count of 1,000 costs about 8,000 units: 20,000 pay for both, 12,000 for the first only.
  assert.equal(await runWasi(new Runtime({ fuel: true }), counting, { fuel: 20_000 }), 3);
  // 12,000 pay for the start function alone, which leaves about 4,000 for _start.
  const runtime = new Runtime({ fuel: true });
  await instantiateWasi(runtime);
  const started = await runtime.instantiate(counting, { name: null, fuel: 12_000 });
  assert.ok(started.fuel > 3_000 && started.fuel < 5_000, `fuel left ${started.fuel}`);
  await assert.rejects(
    runWasi(new Runtime({ fuel: true }), counting, { fuel: 12_000 }),
    /out of fuel/,
  );
});
