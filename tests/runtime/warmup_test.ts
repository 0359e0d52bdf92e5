import { test } from "node:test";
import assert from "node:assert/strict";
import { wat2wasm } from "../../mod.ts";
import { WARM_UP_CALLS, warmUpModule, warmUpSource } from "../../lib/runtime/warmup.ts";
import { Runtime } from "../../mod.ts";

test("the embedded warm-up module is the encoding of its generated source", () => {
  // If this fails after changing the opcode table or the generator, print the new hex with
  // `deno eval 'import {warmUpHex} from "./lib/runtime/warmup.ts"; console.log(warmUpHex())'`.
  assert.deepEqual(warmUpModule(), wat2wasm(warmUpSource()));
});

test("the warm-up module runs every call without trapping", async () => {
  const m = await new Runtime().instantiate(warmUpModule());
  for (const args of WARM_UP_CALLS) {
    assert.equal(m.exportedFunction("run")!.call(...args).length, 1);
  }
});
