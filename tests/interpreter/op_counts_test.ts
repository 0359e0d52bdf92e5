// tools/op_counts.ts: the count it inserts into the interpreter loop, and how it judges the loop's
// split between `run` and `executeCold` from saved counts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { OP } from "../../lib/interpreter/ops.ts";
import { caseOps, instrumentRun, maxShares, misplaced } from "../../tools/op_counts.ts";

const executor = readFileSync(
  new URL("../../lib/interpreter/execute/executor.ts", import.meta.url),
  "utf8",
);

test("the count goes once into run, right before its dispatch", () => {
  const out = instrumentRun(executor);
  assert.equal(out.split("OP_COUNTS[code[pc]]++;").length, 2);
  const at = out.indexOf("OP_COUNTS[code[pc]]++;");
  assert.ok(at > out.indexOf("  private run(): number {"), "inside run");
  assert.match(out.slice(at), /^OP_COUNTS\[code\[pc\]\]\+\+;\n\s*switch \(code\[pc\]\) \{/);
  assert.throws(() => instrumentRun("class Machine {}"), /dispatch not found/);
});

test("case labels are read between two marks", () => {
  const source = [
    "function a() { switch (x) {",
    "  case 1 /* br */:",
    "} }",
    "function run() { switch (code[pc]) {",
    "  case 2 /* br_if */:",
    "  case 5 /* call */: case 6 /* call_indirect */:",
    "  default: cold();",
    "} }",
  ].join("\n");
  assert.deepEqual([...caseOps(source, "function run", "cold(")], [2, 5, 6]);
  assert.deepEqual([...caseOps(source)], [1, 2, 5, 6]);
});

test("an op's share is its largest over the workloads; misplaced ops are named", () => {
  const a = [0, 90, 10, 0]; // 10% of a's instructions are op 2
  const b = [0, 999_999, 0, 1]; // op 3: 0.0001% of b's
  const shares = maxShares([a, b, [0, 0, 0, 0]]);
  assert.equal(shares.get(1), 0.999999);
  assert.equal(shares.get(2), 0.1);
  assert.equal(shares.get(3), 1e-6);
  const run = new Set([1, 3]), cold = new Set([2]);
  const found = misplaced(shares, run, cold, 1e-4);
  const name = (op: number) => Object.entries(OP).find(([, v]) => v === op)![0];
  assert.deepEqual(found, { hotInCold: [name(2)], coldInRun: [name(3)] });
  assert.deepEqual(misplaced(shares, run, cold, 0.5), { hotInCold: [], coldInRun: [name(3)] });
});
