/**
 * The fuzz pipeline's own parts: generation is deterministic, the minimiser
 * keeps a module valid while it shrinks it, and a regression file names its
 * seed and carries the module.
 */

import { test } from "node:test";
import assert from "node:assert/strict";
import { minimizeModule } from "../../tools/fuzz/minimize.ts";
import { generateModule } from "../../tools/fuzz/module_gen.ts";
import { encodeModule, type ModuleIR } from "../../tools/fuzz/module_ir.ts";
import { regressionFileName, regressionSource } from "../../tools/fuzz/regression.ts";
import { mutate } from "../../tools/fuzz/mutate.ts";
import { Random } from "../../tools/fuzz/random.ts";
import { Runtime } from "../../mod.ts";

test("a seed always gives the same module", () => {
  assert.deepEqual(encodeModule(generateModule(42).ir), encodeModule(generateModule(42).ir));
  assert.notDeepEqual(encodeModule(generateModule(42).ir), encodeModule(generateModule(43).ir));
});

test("the minimiser shrinks a module while the failure holds, and keeps it valid", async () => {
  const statements = (ir: ModuleIR) => ir.functions.reduce((n, f) => n + f.statements.length, 0);
  // Find a seed with a few statements, then "fail" while function 0 keeps at least one.
  let seed = 1;
  while (
    statements(generateModule(seed).ir) < 6 ||
    generateModule(seed).ir.functions[0].statements.length === 0
  ) {
    seed++;
  }
  const ir = generateModule(seed).ir;
  const small = await minimizeModule(
    ir,
    (c) => Promise.resolve(c.functions[0].statements.length > 0),
  );
  assert.equal(small.functions[0].statements.length, 1);
  assert.equal(statements(small), 1);
  assert.ok(encodeModule(small).length < encodeModule(ir).length);
  await new Runtime().compileModule(encodeModule(small));
});

test("a regression file names its seed and holds the module", () => {
  const ir = generateModule(7).ir;
  const source = regressionSource(7, ir, true, {
    engines: ["native", "interpret"],
    call: 0,
    what: "x */ y",
  });
  assert.equal(regressionFileName(7), "fuzz_seed_7_test.ts");
  assert.match(source, /seed 7/);
  assert.ok(source.includes(JSON.stringify(ir)));
  assert.ok(!source.includes("x */ y"), "a divergence text cannot end the doc comment");
});

test("mutants differ from their source and are deterministic", () => {
  const bytes = encodeModule(generateModule(3).ir);
  const a = mutate(new Random(1), bytes), b = mutate(new Random(1), bytes);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, bytes);
});

test("the minimiser removes nested blocks and ifs, keeping the module valid", async () => {
  // Fail while any statement still holds an i32.add (0x6a): blocks around it can go.
  const hasAdd = (ir: ModuleIR) =>
    ir.functions.some((f) => f.statements.some((s) => s.includes(0x6a)));
  let seed = 1;
  while (!hasAdd(generateModule(seed).ir)) seed++;
  const ir = generateModule(seed).ir;
  const small = await minimizeModule(ir, (c) => Promise.resolve(hasAdd(c)));
  assert.ok(hasAdd(small));
  assert.ok(encodeModule(small).length <= encodeModule(ir).length);
  await new Runtime().compileModule(encodeModule(small));
});
