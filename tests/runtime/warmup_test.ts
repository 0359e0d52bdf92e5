import { test } from "node:test";
import assert from "node:assert/strict";
import { wat2wasm } from "../../mod.ts";
import {
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
