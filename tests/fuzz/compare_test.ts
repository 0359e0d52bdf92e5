/** The differential runner's rules: trap kinds across engines' wordings, NaN-only differences. */

import { test } from "node:test";
import assert from "node:assert/strict";
import { compareObservations, trapKind } from "../../tools/fuzz/compare.ts";
import type { CallObservation, Observation } from "../../tools/fuzz/engines.ts";
import { F32 } from "../../tools/fuzz/op_pools.ts";

test("trap kinds: V8, JavaScriptCore and our wording map to the same kind", () => {
  const same = [
    ["unreachable", "Unreachable code should not be executed", "unreachable"],
    ["divide by zero", "Division by zero", "integer divide by zero"],
    ["float unrepresentable in integer range", "Out of bounds Trunc operation", "integer overflow"],
    ["memory access out of bounds", "Out of bounds memory access", "out of bounds memory access"],
    [
      "null function or function signature mismatch",
      "call_indirect to a null table entry",
      "uninitialized element 3",
    ],
    [
      "Maximum call stack size exceeded",
      "Maximum call stack size exceeded.",
      "call stack exhausted",
    ],
  ];
  for (const [v8, jsc, ours] of same) {
    assert.equal(trapKind(v8), trapKind(ours), v8);
    assert.equal(trapKind(jsc), trapKind(ours), jsc);
  }
  assert.notEqual(trapKind("unreachable"), trapKind("out of bounds memory access"));
});

function observation(engine: string, result: bigint, memory: number[]): Observation {
  const call: CallObservation = {
    name: "f0",
    args: 0,
    outcome: { values: [{ type: F32, bits: result }] },
    memory: new Uint8Array(memory),
    globals: [],
    log: [],
  };
  return { engine, instantiated: "ok", calls: [call] };
}

test("NaN payloads: a divergence where NaNs are canonical, NaN-only elsewhere; other bits always", () => {
  const a = observation("interpret", 0x7fc00000n, [0, 0, 0xc0, 0x7f]);
  const b = observation("eager", 0xffc00000n, [0, 0, 0xc0, 0xff]);
  assert.ok(compareObservations(a, b, true, true).divergence);
  assert.deepEqual(compareObservations(a, b, true, false), { nanOnly: 2 });
  const c = observation("eager", 0x7fc00000n, [0, 0, 0xc0, 0x3f]); // 1.5, not a NaN
  assert.ok(compareObservations(a, c, true, false).divergence);
});

test("against native, float results are NaN-equal even where NaNs are canonical (JavaScript numbers lose NaN bits)", () => {
  const native = observation("native", 0x7fc00000n, [0, 0, 0, 0]);
  const ours = observation("interpret", 0xffc00000n, [0, 0, 0, 0]); // f32.neg of the canonical NaN
  assert.deepEqual(compareObservations(native, ours, false, true), { nanOnly: 1 });
});
