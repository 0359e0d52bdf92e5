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
  WARM_UP_UNREACHED_HEAT,
  warmUpModule,
  warmUpSource,
} from "../../lib/runtime/warmup.ts";
import { Runtime, WasmFunction } from "../../mod.ts";
import { instructionWidth, OP } from "../../lib/interpreter/ops.ts";
import { readFile } from "node:fs/promises";

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

test("the warm-up's register code has every op the bench programs' code has, but traps", async () => {
  // An op the warm-up never ran has no type feedback in the interpreter loop: V8's optimised
  // loop was thrown away at the first `br_if` of every program until the warm-up had one.
  const opsOf = async (bytes: Uint8Array) => {
    const compiled = await new Runtime({ jsTier: false }).compileModule(bytes);
    const ops = new Set<number>();
    for (const fn of compiled.code) {
      if (fn.translate !== null) fn.translate();
      for (let pc = 0; pc < fn.code.length; pc += instructionWidth(fn.code, pc)) {
        ops.add(fn.code[pc]);
      }
    }
    return ops;
  };
  const warm = await opsOf(warmUpModule());
  const names = new Map(Object.entries(OP).map(([name, op]) => [op, name]));
  const dir = new URL("../../bench/programs/", import.meta.url);
  for (const program of ["coremark_like", "malloc_churn", "qsort", "utf8", "vm"]) {
    const bytes = new Uint8Array(await readFile(new URL(`${program}.wasm`, dir)));
    const missing = [...await opsOf(bytes)].filter((op) => !warm.has(op) && op !== OP.unreachable);
    assert.deepEqual(missing.map((op) => names.get(op)), [], program);
  }
});

test("with the tiers' counts unreached, the warm-up module runs interpreted: nothing is compiled", async () => {
  const runtime = new Runtime({ jsTier: WARM_UP_UNREACHED_HEAT });
  await runtime.newHostModuleBuilder(WARM_UP_HOST_MODULE)
    .newFunctionBuilder()
    .withFunc((_caller: unknown, x: number) => x, ["i32"], ["i32"])
    .export("host")
    .instantiate();
  const m = await runtime.instantiate(warmUpModule());
  const run = m.exportedFunction("run")!;
  for (const args of WARM_UP_CALLS) run.call(...args);
  const fn = WasmFunction.instance(run);
  assert.equal(fn.jit, null);
  assert.ok(!fn.code!.js);
  // The counts did run: the loop's backward branches were counted toward the register-code tier.
  assert.ok(fn.code!.jsHeat > 0 || fn.code!.jsLimit > 0);
  runtime.close();
});
