// runWasi bounds an untrusted program in one call (timeout, signal, fuel, as
// WasmFunction.withOptions and Module.fuel do), and a module closed by a host
// function it called stops as soon as that function returns.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ExitError, type Module, Runtime, RuntimeError, runWasi } from "../../mod.ts";

const SPIN = `(module (memory (export "memory") 1) (func (export "_start") (loop $l (br $l))))`;
// Sleeps 30 s in poll_oneoff (one relative clock subscription).
const SLEEPER = `(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (i32.store (i32.const 16) (i32.const 1))
    (i64.store (i32.const 24) (i64.const 30000000000))
    (drop (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 128)))))`;

test("runWasi: timeout stops a runaway program and a poll_oneoff sleep", async () => {
  await assert.rejects(runWasi(new Runtime(), SPIN, { timeout: 50 }), /deadline exceeded/);
  const started = performance.now();
  await assert.rejects(
    runWasi(new Runtime(), SLEEPER, { timeout: 100, clock: "system" }),
    (e) => e instanceof RuntimeError && /deadline exceeded/.test(e.message),
  );
  assert.ok(performance.now() - started < 5000, "stopped at the deadline, not after 30 s");
  // A fake clock's sleep takes no real time: the deadline does not cut it short.
  assert.equal(await runWasi(new Runtime(), SLEEPER, { timeout: 5000 }), 0);
});

test("runWasi: an aborted signal and fuel stop the program", async () => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    runWasi(new Runtime(), SPIN, { signal: controller.signal }),
    /aborted/,
  );
  await assert.rejects(runWasi(new Runtime({ fuel: true }), SPIN, { fuel: 10_000 }), /out of fuel/);
  await assert.rejects(runWasi(new Runtime(), SPIN, { fuel: 10 }), /fuel metering is off/);
});

test("Module.close(code) in an async host function stops the caller when its Promise settles", async () => {
  const runtime = new Runtime();
  let calls = 0;
  await runtime.newHostModuleBuilder("env").newFunctionBuilder()
    .withFunc(
      (caller: Module | undefined) => {
        if (++calls === 100) caller!.close(4);
        return Promise.resolve();
      },
      [],
      [],
    )
    .export("tick")
    .instantiate();
  const guest = await runtime.instantiate(`(module
    (import "env" "tick" (func $tick))
    (func (export "run") (local $i i32)
      (loop $l
        (call $tick)
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 100000))))))`);
  await assert.rejects(
    guest.exportedFunction("run")!.callAsync(),
    (e) => e instanceof ExitError && e.exitCode === 4,
  );
  assert.equal(calls, 100);
});

for (const jsTier of [false, true, 1]) {
  test(`Module.close(code) in a host function stops the caller when it returns (jsTier ${jsTier})`, async () => {
    const runtime = new Runtime({ jsTier });
    let calls = 0;
    await runtime.newHostModuleBuilder("env").newFunctionBuilder()
      .withFunc(
        (caller: Module | undefined) => {
          if (++calls === 100) caller!.close(3);
        },
        [],
        [],
      )
      .export("tick")
      .instantiate();
    const guest = await runtime.instantiate(`(module
      (import "env" "tick" (func $tick))
      (func (export "run") (local $i i32)
        (loop $l
          (call $tick)
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (i32.const 100000))))))`);
    assert.throws(
      () => guest.exportedFunction("run")!.call(),
      (e) => e instanceof ExitError && e.exitCode === 3,
    );
    assert.equal(calls, 100);
  });
}

test("runWasi: a stream option that is no stream is a TypeError before the program runs", async () => {
  const HELLO = `(module (memory (export "memory") 1) (func (export "_start")))`;
  const bad: [string, Record<string, unknown>, RegExp][] = [
    [
      "stdout",
      { stdout: "ignore" },
      /WASI stdout must be "inherit", a function or an OutputStream, not "ignore"/,
    ],
    ["stderr", { stderr: {} }, /WASI stderr must be .* not object/],
    [
      "stdin",
      { stdin: 42 },
      /WASI stdin must be "inherit", a string, a Uint8Array or an InputStream, not number/,
    ],
  ];
  for (const [name, config, message] of bad) {
    await assert.rejects(runWasi(new Runtime(), HELLO, config), (e) => {
      assert.ok(e instanceof TypeError, `${name}: ${e}`);
      assert.match((e as Error).message, message);
      return true;
    });
  }
  // Streams, callbacks and text still work.
  const out: Uint8Array[] = [];
  const code = await runWasi(new Runtime(), HELLO, {
    stdin: "text",
    stdout: { write: (b: Uint8Array) => (out.push(b), b.length) },
    stderr: () => {},
  });
  assert.equal(code, 0);
});
