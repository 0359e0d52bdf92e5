import { test } from "node:test";
import assert from "node:assert/strict";
import {
  CompileError,
  ExitError,
  LinkError,
  type Module,
  Runtime,
  RuntimeError,
} from "../../mod.ts";

const SPIN = `(module
  (global $i (export "i") (mut i32) (i32.const 0))
  (func (export "spin") (loop $l (global.set $i (i32.add (global.get $i) (i32.const 1))) (br $l)))
  (func $rec (export "rec") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (call $rec (i32.sub (local.get 0) (i32.const 1)))))))`;

test("a timeout stops an infinite loop", async () => {
  const m = await new Runtime().instantiate(SPIN);
  const spin = m.exportedFunction("spin")!.withOptions({ timeout: 30 });
  const started = Date.now();
  assert.throws(
    () => spin.call(),
    (e) => e instanceof RuntimeError && e.message === "interrupted: deadline exceeded",
  );
  assert.ok(Date.now() - started < 5000);
  assert.ok((m.exportedGlobal("i")!.value as number) > 0);
});

test("an AbortSignal stops an infinite loop under callAsync", async () => {
  const m = await new Runtime().instantiate(SPIN);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 20);
  await assert.rejects(
    m.exportedFunction("spin")!.withOptions({ signal: controller.signal }).callAsync(),
    (e) => e instanceof RuntimeError && e.message === "interrupted: aborted",
  );
  // An already aborted signal stops the call before it starts.
  assert.throws(() =>
    m.exportedFunction("spin")!.withOptions({ signal: controller.signal }).call()
  );
});

test("an AbortSignal aborted by a host function stops a synchronous call", async () => {
  const runtime = new Runtime();
  const controller = new AbortController();
  await runtime.newHostModuleBuilder("env")
    .newFunctionBuilder().withFunc(() => controller.abort(), [], []).export("stop")
    .instantiate();
  const m = await runtime.instantiate(`(module (import "env" "stop" (func $stop))
    (func (export "run") (call $stop) (loop $l (br $l))))`);
  assert.throws(
    () => m.exportedFunction("run")!.withOptions({ signal: controller.signal }).call(),
    /interrupted: aborted/,
  );
});

test("fuel stops an infinite loop at the same instruction every time", async () => {
  const runtime = new Runtime({ fuel: true });
  const counts: number[] = [];
  for (let run = 0; run < 2; run++) {
    const m = await runtime.instantiateModule(await runtime.compileModule(SPIN), { name: null });
    m.fuel = 10_000;
    assert.throws(
      () => m.exportedFunction("spin")!.call(),
      (e) => e instanceof RuntimeError && e.message === "out of fuel",
    );
    counts.push(m.exportedGlobal("i")!.value as number);
    assert.ok(m.fuel >= 0 && m.fuel < 10);
  }
  // The loop body is 5 instructions (global.get, i32.const, i32.add, global.set, br):
  // 10,000 units pay for 2,000 bodies, less the function entry's charge.
  assert.deepEqual(counts, [1999, 1999]);
});

test("fuel counts executed instructions and can be refilled", async () => {
  const runtime = new Runtime({ fuel: true });
  const m = await runtime.instantiate(SPIN);
  m.fuel = 1000;
  assert.deepEqual(m.exportedFunction("rec")!.call(3), [0]);
  const used = 1000 - m.fuel;
  assert.ok(used > 10 && used < 100, `used ${used}`);
  m.fuel = 1000;
  m.exportedFunction("rec")!.call(3);
  assert.equal(1000 - m.fuel, used, "the same call costs the same fuel");
  m.fuel = 5;
  assert.throws(() => m.exportedFunction("rec")!.call(100), /out of fuel/);
});

test("setting fuel needs a metered runtime", async () => {
  const m = await new Runtime().instantiate(SPIN);
  assert.equal(m.fuel, Infinity);
  assert.throws(() => (m.fuel = 10), /fuel metering is off/);
});

test("callAsync suspends at a host function's Promise and resumes in place", async () => {
  const runtime = new Runtime();
  let awaited = 0;
  await runtime.newHostModuleBuilder("env")
    .newFunctionBuilder()
    .withFunc(
      async (_caller: Module | undefined, x: number) => {
        await new Promise((r) => setTimeout(r, 1));
        awaited++;
        return x * 10;
      },
      ["i32"],
      ["i32"],
    )
    .export("slow")
    .instantiate();
  const m = await runtime.instantiate(`(module
    (import "env" "slow" (func $slow (param i32) (result i32)))
    ;; sum(n) = slow(n) + sum(n - 1): the Promise is awaited at every depth.
    (func $sum (export "sum") (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
        (else (i32.add (call $slow (local.get 0)) (call $sum (i32.sub (local.get 0) (i32.const 1))))))))`);
  const sum = m.exportedFunction("sum")!;
  const [a, b] = await Promise.all([sum.callAsync(10), sum.callAsync(5)]);
  assert.deepEqual([a, b], [[550], [150]]);
  assert.equal(awaited, 15);
  assert.throws(
    () => sum.call(3),
    /returned a Promise: call the WebAssembly function with callAsync/,
  );
});

test("a rejected Promise reaches the callAsync caller", async () => {
  const runtime = new Runtime();
  const reason = new Error("no");
  await runtime.newHostModuleBuilder("env")
    .newFunctionBuilder().withFunc(() => Promise.reject(reason), [], []).export("fail")
    .instantiate();
  const m = await runtime.instantiate(`(module (import "env" "fail" (func $f))
    (func (export "run") (call $f)))`);
  await assert.rejects(m.exportedFunction("run")!.callAsync(), (e) => e === reason);
});

test("closing a module from a host function stops its code with the exit code", async () => {
  const runtime = new Runtime();
  await runtime.newHostModuleBuilder("env")
    .newFunctionBuilder().withFunc((caller: Module | undefined) => caller!.close(3), [], []).export(
      "quit",
    )
    .newFunctionBuilder().withFunc(
      () => {
        throw new ExitError(7);
      },
      [],
      [],
    ).export("exit")
    .instantiate();
  const m = await runtime.instantiate(`(module
    (import "env" "quit" (func $quit)) (import "env" "exit" (func $exit))
    (func (export "close_then_spin") (call $quit) (loop $l (br $l)))
    (func (export "exit") (call $exit) unreachable))`);
  const exit = m.exportedFunction("exit")!;
  assert.throws(() => exit.call(), (e) => e instanceof ExitError && e.exitCode === 7);
  assert.throws(
    () => m.exportedFunction("close_then_spin")!.call(),
    (e) => e instanceof ExitError && e.exitCode === 3,
  );
  assert.equal(m.closed, true);
  assert.throws(() => exit.call(), /closed/);
});

test("memory limits: declared minimum over the limit fails, growth past it returns -1", async () => {
  const runtime = new Runtime({ memoryLimitPages: 4 });
  await assert.rejects(runtime.instantiate(`(module (memory 5))`), LinkError);
  const m = await runtime.instantiate(`(module (memory (export "mem") 1)
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`);
  const grow = m.exportedFunction("grow")!;
  assert.deepEqual(grow.call(3), [1]);
  assert.deepEqual(grow.call(1), [-1]);
  assert.equal(m.exportedMemory("mem")!.pages, 4);
});

test("module size and function count limits reject hostile input at compile time", async () => {
  await assert.rejects(
    new Runtime({ maxModuleBytes: 16 }).compileModule(`(module (func) (func) (func))`),
    (e) => e instanceof CompileError && /exceeds the limit/.test(e.message),
  );
  await assert.rejects(
    new Runtime({ maxFunctions: 2 }).compileModule(`(module (func) (func) (func))`),
    (e) => e instanceof CompileError && /more than the limit of 2/.test(e.message),
  );
});

test("deep recursion traps at the configured call depth", async () => {
  const m = await new Runtime({ maxCallDepth: 100 }).instantiate(SPIN);
  assert.deepEqual(m.exportedFunction("rec")!.call(98), [0]);
  assert.throws(() => m.exportedFunction("rec")!.call(200), /call stack exhausted/);
});

test("a long call keeps its frames and values across the executor's periodic re-entries", async () => {
  // Every 10,000 backward branches and calls the executor returns to its
  // caller and is entered again (see REENTER in executor.ts); 40 nested
  // frames each looping 3,000 times cross that point at every depth.
  const m = await new Runtime().instantiate(`(module $deep
    (func $level (export "level") (param $depth i32) (result i64)
      (local $i i32) (local $sum i64) (local $x f64)
      (loop $l
        (local.set $sum (i64.add (local.get $sum)
          (i64.mul (i64.extend_i32_u (local.get $i)) (i64.const 0x100000001))))
        (local.set $x (f64.add (local.get $x) (f64.const 0.5)))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 3000))))
      (if (result i64) (i32.eqz (local.get $depth))
        (then (i64.add (local.get $sum) (i64.trunc_f64_u (local.get $x))))
        (else (i64.add (i64.add (local.get $sum) (i64.trunc_f64_u (local.get $x)))
          (call $level (i32.sub (local.get $depth) (i32.const 1)))))))
    (func $trap (export "trap") (param $depth i32)
      (local $i i32)
      (loop $l (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 3000))))
      (if (i32.eqz (local.get $depth)) (then unreachable))
      (call $trap (i32.sub (local.get $depth) (i32.const 1)))))`);
  // Per level: sum of i * (2^32 + 1) for i < 3000, plus 3000 * 0.5.
  const perLevel = 4498500n * 0x100000001n + 1500n;
  assert.deepEqual(m.exportedFunction("level")!.call(39), [perLevel * 40n]);
  let error: unknown;
  try {
    m.exportedFunction("trap")!.call(39);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof RuntimeError);
  assert.equal(error.message, "unreachable");
  assert.equal(error.stack!.match(/at deep\.trap /g)?.length, 40);
});
