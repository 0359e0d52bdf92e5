import { test } from "node:test";
import assert from "node:assert/strict";
import { callTracer, type FunctionDefinition, Profiler, Runtime } from "../../mod.ts";

const PROGRAM = `(module $calc
  (import "env" "log" (func $log (param i32)))
  (func $square (param $x i32) (result i32) (i32.mul (local.get $x) (local.get $x)))
  (func $sum (export "sum") (param $n i32) (result i32)
    (call $log (local.get $n))
    (i32.add (call $square (local.get $n)) (call $square (i32.const 2))))
  (func $boom (export "boom") (call $square (i32.const 1)) drop unreachable))`;

async function instantiate(runtime: Runtime) {
  await runtime.newHostModuleBuilder("env")
    .newFunctionBuilder().withFunc(() => {}, ["i32"], []).withParameterNames("value").export("log")
    .instantiate();
  return runtime.instantiate(PROGRAM);
}

test("a call tracer records the call tree with named parameters and results", async () => {
  const lines: string[] = [];
  const m = await instantiate(new Runtime({ listeners: callTracer((l) => lines.push(l)) }));
  assert.deepEqual(m.exportedFunction("sum")!.call(3), [13]);
  assert.deepEqual(lines, [
    "==> calc.sum(n=3)",
    "\t==> env.log(value=3)",
    "\t<== ()",
    "\t==> calc.square(x=3)",
    "\t<== (9)",
    "\t==> calc.square(x=2)",
    "\t<== (4)",
    "<== (13)",
  ]);
});

test("a trap sends abort events to every frame it unwinds", async () => {
  const lines: string[] = [];
  const m = await instantiate(new Runtime({ listeners: callTracer((l) => lines.push(l)) }));
  assert.throws(() => m.exportedFunction("boom")!.call(), /unreachable/);
  assert.deepEqual(lines, [
    "==> calc.boom()",
    "\t==> calc.square(x=1)",
    "\t<== (1)",
    "<== aborted: unreachable",
  ]);
});

test("the factory chooses which functions to listen to", async () => {
  const seen: string[] = [];
  const runtime = new Runtime({
    listeners: (def: FunctionDefinition) =>
      def.name === "square"
        ? { before: (d, params) => seen.push(`${d.name}(${params})`) }
        : undefined,
  });
  const m = await instantiate(runtime);
  m.exportedFunction("sum")!.call(5);
  assert.deepEqual(seen, ["square(5)", "square(2)"]);
});

test("the profiler counts calls and splits self from total time", async () => {
  const profiler = new Profiler();
  const m = await instantiate(new Runtime({ listeners: profiler.listeners }));
  for (let i = 0; i < 10; i++) m.exportedFunction("sum")!.call(i);
  const byName = new Map(profiler.report().map((e) => [e.name, e]));
  assert.equal(byName.get("calc.sum")!.calls, 10);
  assert.equal(byName.get("calc.square")!.calls, 20);
  assert.equal(byName.get("env.log")!.calls, 10);
  const sum = byName.get("calc.sum")!;
  assert.ok(sum.totalMs >= sum.selfMs);
  profiler.reset();
  assert.deepEqual(profiler.report(), []);
});

test("modules compiled without listeners cannot be instantiated in a listening runtime", async () => {
  const compiled = await new Runtime().compileModule(`(module (func (export "f")))`);
  const listening = new Runtime({ listeners: () => undefined });
  await assert.rejects(
    listening.instantiateModule(compiled),
    /different fuel or listener settings/,
  );
});
