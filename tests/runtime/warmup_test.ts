import { test } from "node:test";
import assert from "node:assert/strict";
import { wat2wasm } from "../../mod.ts";
import {
  TIER_WARM_UP_CALLS,
  TIER_WARM_UP_COUNT,
  TIER_WARM_UP_SOURCE,
  tierWarmUpModule,
  WARM_UP_CALLS,
  WARM_UP_HOST_MODULE,
  warmUpModule,
  warmUpSource,
} from "../../lib/runtime/warmup.ts";
import { Runtime } from "../../mod.ts";

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
  // If this fails after changing the source, print the new hex with
  // `deno eval 'import {tierWarmUpHex} from "./lib/runtime/warmup.ts"; console.log(tierWarmUpHex())'`.
  assert.deepEqual(tierWarmUpModule(), wat2wasm(TIER_WARM_UP_SOURCE));
});

test("the tier warm-up calls compiled code from interpreted code", async () => {
  // What the runtime's tier warm-up does (on JavaScriptCore): `$leaf` compiled by the structured
  // tier after its second call, `calls` still interpreted, calling it 30 times.
  const runtime = new Runtime({ jsTier: TIER_WARM_UP_COUNT });
  const compiled = await runtime.compileModule(tierWarmUpModule());
  const m = await runtime.instantiateModule(compiled);
  const results = TIER_WARM_UP_CALLS.map(([name, arg]) => m.exportedFunction(name)!.call(arg));
  assert.deepEqual(results, [[3], [31]]);
  const [leaf, , calls] = compiled.code;
  assert.equal(typeof leaf.structured?.factory, "function", "$leaf is compiled");
  assert.equal(calls.structured?.factory, null, "calls is not compiled by the structured tier");
  assert.equal(calls.js, null, "nor by the register-code tier");
  const state = (m as unknown as { state: { functions: { compiledCallHeat: number }[] } }).state;
  assert.equal(
    state.functions[2].compiledCallHeat,
    30,
    "each of its calls went into compiled code",
  );
  runtime.close();
});
