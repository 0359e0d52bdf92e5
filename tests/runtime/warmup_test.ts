import { test } from "node:test";
import assert from "node:assert/strict";
import { wat2wasm } from "../../mod.ts";
import {
  TIER_WARM_UP_HEAT,
  TIER_WARM_UP_ITERATIONS,
  TIER_WARM_UP_SOURCE,
  tierWarmUpModule,
  WARM_UP_CALLS,
  WARM_UP_HOST_MODULE,
  warmUpModule,
  warmUpSource,
} from "../../lib/runtime/warmup.ts";
import { Runtime, WasmFunction } from "../../mod.ts";

test("the embedded warm-up module is the encoding of its generated source", () => {
  // If this fails after changing the opcode table or the generator, print the new hex with
  // `deno eval 'import {warmUpHex} from "./lib/runtime/warmup.ts"; console.log(warmUpHex())'`.
  assert.deepEqual(warmUpModule(), wat2wasm(warmUpSource()));
});

test("the warm-up module runs every call without trapping", async () => {
  const runtime = new Runtime();
  const seen: number[] = [];
  await runtime.newHostModuleBuilder(WARM_UP_HOST_MODULE)
    .newFunctionBuilder()
    .withFunc((_caller: unknown, x: number) => (seen.push(x), x), ["i32"], ["i32"])
    .export("host")
    .instantiate();
  const m = await runtime.instantiate(warmUpModule());
  for (const args of WARM_UP_CALLS) {
    assert.equal(m.exportedFunction("run")!.call(...args).length, 1);
  }
  // The call into JS ran once per call, with $i.
  assert.deepEqual(seen, WARM_UP_CALLS.map((args) => args[0]));
});

test("the embedded tier warm-up module is the encoding of its source", () => {
  // Print the new hex with
  // `deno eval 'import {tierWarmUpHex} from "./lib/runtime/warmup.ts"; console.log(tierWarmUpHex())'`.
  assert.deepEqual(tierWarmUpModule(), wat2wasm(TIER_WARM_UP_SOURCE));
});

test("the tier warm-up calls compiled code from the interpreter, through call and a table", async () => {
  const runtime = new Runtime({ jsTier: TIER_WARM_UP_HEAT });
  const m = await runtime.instantiate(tierWarmUpModule());
  const [leaf, go] = ["leaf", "go"].map((name) => WasmFunction.instance(m.exportedFunction(name)!));
  m.exportedFunction("go")!.call(TIER_WARM_UP_ITERATIONS);
  // $leaf was compiled by the structured tier during the loop; `go`, which called it, was not
  // compiled by either tier: the last iterations' calls went from the interpreter into compiled code.
  assert.notEqual(leaf.jit, null);
  assert.equal(go.jit, null);
  assert.ok(!go.code!.js);
  assert.ok(leaf.jitHeat < 2 * TIER_WARM_UP_ITERATIONS);
  runtime.close();
});
