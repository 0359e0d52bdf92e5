// Functions without a name section are named by their export (as engines do) in traps'
// wasm stacks, profiles, call traces and argument errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { callTracer, Profiler, Runtime, RuntimeError } from "../../mod.ts";

const source = `(module
  (func (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
  (func (export "_start") (drop (call 0 (i32.const 0))))
  (func (export "add") (export "plus") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1))))`;

test("a trap's wasm stack names exported functions by their export name", async () => {
  const m = await new Runtime().instantiate(source);
  const error = (() => {
    try {
      m.exportedFunction("_start")!.call();
    } catch (e) {
      return e;
    }
  })();
  assert.ok(error instanceof RuntimeError);
  assert.match(error.stack!, /at \$0 \(wasm @0x[0-9a-f]+\)\n\s+at _start \(wasm @0x[0-9a-f]+\)/);
});

test("a wrong argument count names the function by its first export name", async () => {
  const m = await new Runtime().instantiate(source);
  assert.throws(
    () => m.exportedFunction("plus")!.call(1),
    { name: "TypeError", message: "add expects 2 argument(s), got 1" },
  );
});

test("the profiler and the call tracer use export names", async () => {
  const profiler = new Profiler();
  const profiled = await new Runtime({ listeners: profiler.listeners }).instantiate(source);
  assert.deepEqual(profiled.exportedFunction("add")!.call(2, 3), [5]);
  assert.deepEqual(profiler.report().map((e) => e.name), ["add"]);
  const lines: string[] = [];
  const traced = await new Runtime({ listeners: callTracer((l) => void lines.push(l)) })
    .instantiate(source);
  traced.exportedFunction("add")!.call(2, 3);
  assert.match(lines.join("\n"), /==> add\(/);
});

test("a name from the name section wins over the export name", async () => {
  const m = await new Runtime().instantiate(`(module
    (func $sum (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1))))`);
  assert.equal(m.exportedFunction("add")!.definition.debugName, "sum");
});
