// A tail-called (return_call) async host function whose Promise rejects: the rejection reaches
// the caller of callAsync, and a WasmException is caught by a try_table in an outer frame.
import { test } from "node:test";
import assert from "node:assert/strict";
import { callTracer, Runtime, type RuntimeConfig, Tag, WasmException } from "../../mod.ts";

async function setup(config: RuntimeConfig = {}) {
  const runtime = new Runtime(config);
  const tag = new Tag(["i32"]);
  await runtime.newHostModuleBuilder("env").exportTag("t", tag)
    .newFunctionBuilder().withFunc(
      async (_caller, x: number) => {
        await new Promise((r) => setTimeout(r, 1));
        if (x === 1) throw new WasmException(tag, [x * 100]);
        if (x === 2) throw new Error("host failure");
        return x + 1;
      },
      ["i32"],
      ["i32"],
    ).export("slow")
    .instantiate();
  const m = await runtime.instantiate(`(module
    (import "env" "t" (tag $t (param i32)))
    (import "env" "slow" (func $slow (param i32) (result i32)))
    (func $tail (param i32) (result i32) (return_call $slow (local.get 0)))
    (func $middle (param i32) (result i32)
      (i32.add (call $tail (local.get 0)) (i32.const 1000)))
    (func (export "direct") (param i32) (result i32) (return_call $slow (local.get 0)))
    (func (export "nested") (param i32) (result i32) (call $middle (local.get 0)))
    (func (export "caught") (param i32) (result i32)
      (block $h (result i32)
        (try_table (catch $t $h) (return (call $middle (local.get 0))))
        (unreachable))
      (i32.add (i32.const 5000)))
    ;; The return_call leaves this frame: its own try_table must not catch the callee's throw.
    (func $tail_in_try (param i32) (result i32)
      (block $h (result i32)
        (try_table (catch $t $h) (return_call $slow (local.get 0)))
        (unreachable))
      (i32.add (i32.const 9000)))
    (func (export "tail_in_try") (param i32) (result i32)
      (block $h (result i32)
        (try_table (catch $t $h) (return (call $tail_in_try (local.get 0))))
        (unreachable))
      (i32.add (i32.const 3000)))
    (func (export "caught_tail") (param i32) (result i32)
      (block $h (result i32)
        (try_table (catch $t $h) (return (call $tail (local.get 0))))
        (unreachable))
      (i32.add (i32.const 7000))))`);
  return { m, tag };
}

test("return_call of an async host function: results and rejections reach callAsync", async () => {
  const { m, tag } = await setup();
  const f = (name: string) => m.exportedFunction(name)!;
  assert.deepEqual(await f("direct").callAsync(5), [6]);
  assert.deepEqual(await f("nested").callAsync(5), [1006]);
  await assert.rejects(f("direct").callAsync(2), /host failure/);
  await assert.rejects(f("nested").callAsync(2), /host failure/);
  await assert.rejects(
    f("direct").callAsync(1),
    (e) => e instanceof WasmException && e.getArg(tag, 0) === 100,
  );
  await assert.rejects(
    f("nested").callAsync(1),
    (e) => e instanceof WasmException && e.getArg(tag, 0) === 100,
  );
  // The machine is usable afterwards.
  assert.deepEqual(await f("nested").callAsync(7), [1008]);
});

for (
  const [mode, config] of [["", {}], [", with listeners", {
    listeners: callTracer(() => {}),
  }]] as const
) {
  test(`return_call of an async host function: a try_table in an outer frame catches${mode}`, async () => {
    const { m } = await setup(config);
    const f = (name: string) => m.exportedFunction(name)!;
    assert.deepEqual(await f("caught").callAsync(1), [5100]);
    assert.deepEqual(await f("caught_tail").callAsync(1), [7100]);
    assert.deepEqual(await f("caught").callAsync(3), [1004]);
    assert.deepEqual(await f("caught_tail").callAsync(3), [4]);
    assert.deepEqual(await f("tail_in_try").callAsync(1), [3100]);
    assert.deepEqual(await f("tail_in_try").callAsync(3), [4]);
    await assert.rejects(f("tail_in_try").callAsync(2), /host failure/);
    await assert.rejects(f("caught").callAsync(2), /host failure/);
    await assert.rejects(f("caught_tail").callAsync(2), /host failure/);
  });
}

for (
  const [mode, config] of [["", {}], [", with listeners", {
    listeners: callTracer(() => {}),
  }]] as const
) {
  test(`return_call inside try_table: the callee's throw skips the frame's handlers${mode}`, async () => {
    const m = await new Runtime(config).instantiate(`(module
      (tag $t (param i32))
      (func $thrower (param i32) (result i32) (throw $t (local.get 0)))
      (func $tail_in_try (param i32) (result i32)
        (block $h (result i32)
          (try_table (catch $t $h) (return_call $thrower (local.get 0)))
          (unreachable))
        (i32.add (i32.const 9000)))
      (func (export "run") (param i32) (result i32)
        (block $h (result i32)
          (try_table (catch $t $h) (return (call $tail_in_try (local.get 0))))
          (unreachable))
        (i32.add (i32.const 3000))))`);
    assert.deepEqual(m.exportedFunction("run")!.call(5), [3005]);
  });
}

test("a rejected async host call gives the listeners of the suspended frames their abort events", async () => {
  const events: string[] = [];
  const { m } = await setup({
    listeners: (def) => ({
      before: () => events.push(`> ${def.debugName}`),
      after: () => events.push(`< ${def.debugName}`),
      abort: () => events.push(`! ${def.debugName}`),
    }),
  });
  await assert.rejects(m.exportedFunction("nested")!.callAsync(2), /host failure/);
  const entered = events.filter((e) => e.startsWith(">")).length;
  const left = events.filter((e) => !e.startsWith(">")).length;
  assert.equal(left, entered, events.join(", "));
  events.length = 0;
  assert.deepEqual(await m.exportedFunction("nested")!.callAsync(5), [1006]);
  assert.ok(events.includes("< env.slow"), events.join(", "));
  assert.equal(events.filter((e) => e.startsWith("<")).length, 4, events.join(", "));
});
