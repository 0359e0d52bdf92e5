import { test } from "node:test";
import assert from "node:assert/strict";
import { Runtime, RuntimeError } from "../../mod.ts";

// A non-tail recursion with a small frame, as a recursive-descent parser has.
const DEEP = `(module
  (func $deep (export "deep") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $deep (i32.sub (local.get $n) (i32.const 1)))))))
  (func $runaway (export "runaway") (param i32) (result i32)
    (i32.add (call $runaway (local.get 0)) (i32.const 1))))`;

const trap = (f: () => unknown): RuntimeError & { wasmStack: string[] } => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof RuntimeError, `expected a RuntimeError, got ${e}`);
    return e as RuntimeError & { wasmStack: string[] };
  }
  assert.fail("no trap");
};

for (const [tier, jsTier] of [["interpreter", false], ["JavaScript tier", 1]] as const) {
  test(`${tier}: a recursion 50,000 deep runs with the default limits`, async () => {
    const m = await new Runtime({ jsTier }).instantiate(DEEP);
    assert.deepEqual(m.exportedFunction("deep")!.call(50_000), [50_000]);
    assert.deepEqual(m.exportedFunction("deep")!.call(200_000), [200_000]);
  });

  test(`${tier}: runaway recursion traps with a trace of 50 frames and a count`, async () => {
    const m = await new Runtime({ jsTier }).instantiate(DEEP);
    const e = trap(() => m.exportedFunction("runaway")!.call(1));
    assert.equal(e.message, "call stack exhausted");
    assert.equal(e.wasmStack.length, 51);
    assert.match(e.wasmStack[0], /^runaway \(wasm @0x[0-9a-f]+\)$/);
    const more = /^\.\.\. (\d+) more frames$/.exec(e.wasmStack[50]);
    assert.ok(more, e.wasmStack[50]);
    assert.ok(Number(more[1]) > 1_000_000, `only ${more[1]} frames`);
    assert.ok(e.stack!.split("\n").length <= 52);
    // The machine is whole again.
    assert.deepEqual(m.exportedFunction("deep")!.call(10), [10]);
  });

  test(`${tier}: maxStackBytes bounds the stack in bytes, maxCallDepth in frames`, async () => {
    // Each frame of $deep: 16 bytes of record plus its registers (a few 8-byte slots) in the
    // interpreter; 8 bytes per variable plus 64 in compiled code.
    const small = await new Runtime({ jsTier, maxStackBytes: 64 * 1024 }).instantiate(DEEP);
    const deep = small.exportedFunction("deep")!;
    assert.deepEqual(deep.call(400), [400]);
    assert.equal(trap(() => deep.call(4000)).message, "call stack exhausted");
    const capped = await new Runtime({ jsTier, maxCallDepth: 100 }).instantiate(DEEP);
    assert.deepEqual(capped.exportedFunction("deep")!.call(100), [100]);
    assert.equal(
      trap(() => capped.exportedFunction("deep")!.call(101)).message,
      "call stack exhausted",
    );
  });
}

test("stack limits must be positive integers", () => {
  assert.throws(() => new Runtime({ maxStackBytes: 0 }), RangeError);
  assert.throws(() => new Runtime({ maxCallDepth: 1.5 }), RangeError);
});

test("a machine's registers start at 16 KB and grow with the calls (a runtime per request stays small)", async () => {
  const runtime = new Runtime({ jsTier: false });
  const m = await runtime.instantiate(DEEP);
  const machine = runtime.acquireMachine();
  assert.equal(machine.R.byteLength, 16 * 1024);
  runtime.releaseMachine(machine);
  // 10,000 frames need more than 16 KB: the same machine (the pool's only one) has grown.
  assert.deepEqual(m.exportedFunction("deep")!.call(10_000), [10_000]);
  const again = runtime.acquireMachine();
  assert.equal(again, machine);
  assert.ok(again.R.byteLength > 16 * 1024, `${again.R.byteLength}`);
  runtime.releaseMachine(again);
});
