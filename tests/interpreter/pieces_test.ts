// Split functions (`jit/pieces.ts`): the structured tier compiles a large function as pieces it
// calls. Whatever crosses a piece's boundary (locals, operand-stack values, branches out with
// values, returns, traps and their traces, memory growth, interruptions, fuel) must come out
// as the interpreter computes it. The policies here split every function, at every instruction
// or every few, so that each kind of boundary is taken.
import { test } from "node:test";
import assert from "node:assert/strict";
import { type Module, Runtime } from "../../mod.ts";
import { callOutcome } from "../helpers/call_outcome.ts";
import { decodeModule } from "../../lib/binary/decoder.ts";
import {
  codegenModule,
  generateFunction,
  setSplitPolicy,
} from "../../lib/interpreter/jit/codegen.ts";
import type { SplitPolicy } from "../../lib/interpreter/jit/pieces.ts";
import { wat2wasm } from "../../lib/text/index.ts";
import { useLoopEntries } from "../../lib/runtime/runtime.ts";

const SOURCE = `(module
  (memory 1)
  (func $div (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  ;; A block's two results, a br_if and a br_table out of pieces, a loop continued from one.
  (func (export "values") (param $n i32) (param $x i64) (result i32 i64)
    (local $i i32) (local $acc i64)
    (block $out (result i32 i64)
      (loop $l
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $i))))
        (block $a (block $b (block $c
          (br_table $a $b $c (i32.rem_u (local.get $i) (i32.const 3))))
          (local.set $x (i64.mul (local.get $x) (i64.const 3))))
          (local.set $x (i64.xor (local.get $x) (local.get $acc))))
        (br_if $out (i32.const -1) (local.get $x) (i32.eq (local.get $i) (i32.const 77)))
        (drop) (drop)
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      (i32.add (local.get $i) (i32.const 5))
      (i64.add (local.get $x) (local.get $acc))))
  ;; A return from inside a loop, with an i64 and an f64.
  (func (export "early") (param $n i32) (result i64 f64)
    (local $i i32)
    (loop $l
      (if (i32.eq (local.get $i) (local.get $n))
        (then (return (i64.extend_i32_s (local.get $i)) (f64.convert_i32_s (local.get $n)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_s (local.get $i) (i32.const 50))))
    (i64.const -1) (f64.const 0.5))
  ;; Float locals written in one piece and read in another keep their NaN payloads.
  (func (export "nans") (param $a f32) (param $b f64) (result f32 f64 i32)
    (local $c f32) (local $d f64)
    (local.set $c (local.get $a))
    (local.set $d (local.get $b))
    (i32.store (i32.const 0) (i32.reinterpret_f32 (local.get $c)))
    (local.get $c) (local.get $d) (i32.load (i32.const 0)))
  (func $rec (export "rec") (param $n i32) (result i32)
    (if (result i32) (i32.le_s (local.get $n) (i32.const 0))
      (then (i32.const 0))
      (else (i32.add (local.get $n) (call $rec (i32.sub (local.get $n) (i32.const 1)))))))
  ;; Memory grown in one piece is seen by the next.
  (func (export "grow") (param $k i32) (result i32)
    (local $top i32)
    (drop (memory.grow (local.get $k)))
    (local.set $top (i32.mul (i32.sub (memory.size) (i32.const 1)) (i32.const 65536)))
    (i32.store (local.get $top) (i32.const 77))
    (i32.add (memory.size) (i32.load (local.get $top))))
  ;; Traps in a callee, and in the function itself.
  (func (export "trap") (param $a i32) (param $b i32) (result i32)
    (local $s i32)
    (local.set $s (i32.add (local.get $a) (i32.const 1)))
    (local.set $s (i32.mul (local.get $s) (call $div (local.get $s) (local.get $b))))
    (i32.div_u (local.get $s) (i32.sub (local.get $b) (i32.const 1))))
  (func (export "spin") (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
)`;

/** Function indices (no imports). */
const INDEX = { values: 1, early: 2, nans: 3, rec: 4, grow: 5, trap: 6, spin: 7 };

/** Every function split, a piece ending at each instruction. */
const FINE: SplitPolicy = { above: 0, target: 1, maxBlock: 24, min: 0 };
/** Larger pieces, with whole blocks in them and pieces below the minimum put back. */
const COARSE: SplitPolicy = { above: 0, target: 12, maxBlock: 48, min: 6 };

/** Runs `body` with `policy` as the split policy. */
async function withPolicy(
  policy: SplitPolicy | null,
  body: () => void | Promise<void>,
): Promise<void> {
  const before = setSplitPolicy(policy);
  try {
    await body();
  } finally {
    setSplitPolicy(before);
  }
}

const outcome = callOutcome;

/** The module interpreted, and compiled by the structured tier at the first call of each function. */
async function pair(): Promise<{ interp: Module; split: Module }> {
  return {
    interp: await new Runtime({ jsTier: false }).instantiate(SOURCE),
    split: await new Runtime({ jsTier: 1 }).instantiate(SOURCE),
  };
}

/** True when the structured tier compiled function `index` of `m`. */
const compiled = (m: Module, index: number) => m.state.functions[index].jit !== null;

test("the policies split the functions: the generated source calls pieces", async () => {
  const cm = codegenModule(decodeModule(wat2wasm(SOURCE)));
  for (const policy of [FINE, COARSE]) {
    await withPolicy(policy, () => {
      for (const index of Object.values(INDEX)) {
        const source = generateFunction(cm, index)!.source;
        assert.match(source, new RegExp(`function w${index}_p0\\(`), `function ${index}`);
      }
    });
  }
  // Without a policy, nothing is split.
  await withPolicy(null, () => {
    assert.doesNotMatch(generateFunction(cm, INDEX.values)!.source, /_p0\(/);
  });
});

for (const [label, policy] of [["one instruction", FINE], ["a few", COARSE]] as const) {
  test(`pieces of ${label}: values, branches out, returns and float payloads as interpreted`, async () => {
    await withPolicy(policy, async () => {
      const { interp, split } = await pair();
      for (const n of [0, 1, 5, 76, 78, 200]) {
        const args = [n, 0x1234_5678_9abcn];
        assert.deepEqual(outcome(split, "values", args), outcome(interp, "values", args), `${n}`);
      }
      for (const n of [0, 7, 49, 60]) {
        assert.deepEqual(outcome(split, "early", [n]), outcome(interp, "early", [n]), `${n}`);
      }
      // Signalling NaNs with payloads, as bits.
      const nans = [0x7fa00001, 0x7ff4_0000_0000_0abcn];
      assert.deepEqual(outcome(split, "nans", nans), outcome(interp, "nans", nans));
      assert.deepEqual(outcome(split, "rec", [300]), outcome(interp, "rec", [300]));
      for (const name of ["values", "early", "nans", "rec"] as const) {
        assert.ok(compiled(split, INDEX[name]), `${name} ran compiled`);
      }
    });
  });

  test(`pieces of ${label}: memory growth, traps and their traces as interpreted`, async () => {
    await withPolicy(policy, async () => {
      const { interp, split } = await pair();
      assert.deepEqual(outcome(split, "grow", [2]), outcome(interp, "grow", [2]));
      assert.equal(split.memory()!.size, interp.memory()!.size);
      for (const args of [[5, 0], [5, 1], [9, 3]]) {
        assert.deepEqual(outcome(split, "trap", args), outcome(interp, "trap", args), `${args}`);
      }
      const trapped = outcome(split, "trap", [5, 1]) as { trap: string; stack: string[] };
      assert.equal(trapped.trap, "integer divide by zero");
      assert.equal(trapped.stack.length, 1, "the split function's frame is in the trace once");
      assert.ok(compiled(split, INDEX.grow) && compiled(split, INDEX.trap));
    });
  });
}

test("a loop inside a piece is interrupted by a deadline", async () => {
  await withPolicy(COARSE, async () => {
    const m = await new Runtime({ jsTier: 1 }).instantiate(SOURCE);
    const spin = m.exportedFunction("spin")!;
    assert.throws(() => spin.withOptions({ timeout: 50 }).call(), /deadline exceeded/);
    assert.ok(compiled(m, INDEX.spin));
  });
});

test("metered split code charges the interpreter's fuel and runs out at the same point", async () => {
  await withPolicy(FINE, async () => {
    const modules = [
      await new Runtime({ fuel: true, jsTier: false }).instantiate(SOURCE),
      await new Runtime({ fuel: true, jsTier: 1 }).instantiate(SOURCE),
    ];
    const used = modules.map((m) => {
      m.fuel = 1e12;
      m.exportedFunction("values")!.callRaw(200n, 3n);
      return 1e12 - m.fuel;
    });
    assert.equal(used[1], used[0], "the same fuel");
    assert.ok(compiled(modules[1], INDEX.values));
    const stops = modules.map((m) => {
      m.fuel = Math.floor(used[0] / 3);
      return [outcome(m, "values", [200, 3n]), m.fuel];
    });
    assert.deepEqual(stops[1], stops[0]);
    assert.equal((stops[0][0] as { trap: string }).trap, "out of fuel");
  });
});

test("a split function entered at its loop (a loop entry) computes what the interpreter does", async () => {
  await withPolicy(COARSE, async () => {
    const interp = await new Runtime({ jsTier: false }).instantiate(SOURCE);
    const entered = await useLoopEntries(new Runtime({ jsTier: 1 })).instantiate(SOURCE);
    for (const n of [3, 200, 5000]) {
      const args = [n, 0x1234_5678_9abcn];
      assert.deepEqual(outcome(entered, "values", args), outcome(interp, "values", args), `${n}`);
    }
    const fn = entered.state.functions[INDEX.values];
    const at = [...(fn.loopEntries?.keys() ?? [])];
    assert.equal(at.length, 1, "the loop got a loop entry");
    const cm = codegenModule(decodeModule(wat2wasm(SOURCE)));
    const source = generateFunction(cm, INDEX.values, undefined, false, at[0])!.source;
    assert.match(source, new RegExp(`function w${INDEX.values}_at${at[0]}_p0\\(`));
  });
});
