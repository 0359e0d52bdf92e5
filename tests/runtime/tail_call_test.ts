// Tail calls (return_call, return_call_indirect): a tail call replaces the caller's frame, so the
// frame stack stays constant in the interpreter and the register-code tier; the structured tier
// declines such functions (they run in the other tiers).
import { test } from "node:test";
import assert from "node:assert/strict";
import { callTracer, CompileError, Runtime, type RuntimeConfig, RuntimeError } from "../../mod.ts";
import { useRegisterTierOnly } from "../../lib/runtime/runtime.ts";
import { decodeModule } from "../../lib/binary/decoder.ts";
import { wat2wasm } from "../../lib/text/wat.ts";
import { codegenModule, generateFunction } from "../../lib/interpreter/jit/codegen.ts";
import { validateModule } from "../../lib/validate/module_validator.ts";
import { translateModule } from "../../lib/interpreter/translate/translator.ts";
import { disassemble } from "../../lib/interpreter/ops.ts";

const PROGRAM = `(module $tc
  (import "env" "pair" (func $pair (param i32) (result i32 i64)))
  (type $t (func (param i64 i64) (result i64)))
  (table 2 funcref)
  (elem (i32.const 0) $even $odd)
  ;; Mutual recursion through tail calls: even counts its steps in the accumulator.
  (func $even (export "even") (param i64 i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (local.get 1))
      (else (return_call $odd (i64.sub (local.get 0) (i64.const 1))
                              (i64.add (local.get 1) (i64.const 1))))))
  (func $odd (param i64 i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (i64.sub (i64.const 0) (local.get 1)))
      (else (return_call_indirect (type $t)
              (i64.sub (local.get 0) (i64.const 1)) (local.get 1) (i32.const 0)))))
  ;; A tail call of a host function with two results.
  (func (export "host") (param i32) (result i32 i64)
    (return_call $pair (i32.add (local.get 0) (i32.const 1))))
  ;; A trap after a tail call: the trace no longer shows the function that made it.
  (func $fails (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
  (func $middle (param i32) (result i32) (return_call $fails (local.get 0)))
  (func (export "outer") (param i32) (result i32)
    (i32.add (i32.const 1) (call $middle (local.get 0))))
  ;; return_call_indirect checks the entry's type like call_indirect.
  (func (export "bad_indirect") (result i32) (return_call_indirect (result i32) (i32.const 1))))`;

const TIERS: [string, RuntimeConfig, boolean][] = [
  ["interpreter", { jsTier: false }, false],
  ["default tiers", {}, false],
  ["JavaScript tiers at once", { jsTier: 1 }, false],
  ["register-code tier", { jsTier: 1 }, true],
];

async function instantiate(config: RuntimeConfig, registerOnly = false) {
  const runtime = new Runtime(config);
  if (registerOnly) useRegisterTierOnly(runtime);
  await runtime.newHostModuleBuilder("env")
    .newFunctionBuilder().withFunc((_caller, x: number) => [x * 2, BigInt(x) << 40n], ["i32"], [
      "i32",
      "i64",
    ]).export("pair")
    .instantiate();
  return runtime.instantiate(PROGRAM);
}

for (const [tier, config, registerOnly] of TIERS) {
  test(
    `${tier}: 1,000,000 mutual tail calls run in constant stack`,
    { timeout: 120_000 },
    async () => {
      const m = await instantiate(config, registerOnly);
      const even = m.exportedFunction("even")!;
      // Warm-up calls first: the JavaScript tiers compile functions after their early calls.
      for (let round = 0; round < 3; round++) assert.deepEqual(even.call(1000n, 0n), [500n]);
      assert.deepEqual(even.call(1_000_000n, 0n), [500_000n]);
      assert.deepEqual(even.call(1_000_001n, 0n), [-500_001n]);
      // Frames that piled up would exhaust 64 KiB after about a thousand calls.
      const small = await instantiate({ ...config, maxStackBytes: 65536 }, registerOnly);
      const evenSmall = small.exportedFunction("even")!;
      for (let round = 0; round < 3; round++) assert.deepEqual(evenSmall.call(1000n, 0n), [500n]);
      assert.deepEqual(evenSmall.call(1_000_000n, 0n), [500_000n]);
    },
  );

  test(`${tier}: tail calls of host functions, traps and traces`, async () => {
    const m = await instantiate(config, registerOnly);
    for (let round = 0; round < 3; round++) {
      assert.deepEqual(m.exportedFunction("host")!.call(20), [42, 21n << 40n]);
      assert.deepEqual(m.exportedFunction("outer")!.call(1), [2]);
      let e: unknown;
      try {
        m.exportedFunction("outer")!.call(0);
      } catch (error) {
        e = error;
      }
      assert.ok(e instanceof RuntimeError && /integer divide by zero/.test(e.message));
      // $middle's frame was replaced by $fails's: the trace goes from $fails to "outer". But a
      // tail call of a function the structured tier compiled is a call from the caller's frame
      // then a return, so there $middle is still on the stack when $fails traps.
      const stack = (e as RuntimeError & { wasmStack: string[] }).wasmStack;
      const structured = config.jsTier === 1 && !registerOnly;
      assert.deepEqual(
        stack.map((line) => line.split(" ")[0]),
        structured ? ["tc.fails", "tc.middle", "tc.outer"] : ["tc.fails", "tc.outer"],
      );
      assert.throws(
        () => m.exportedFunction("bad_indirect")!.call(),
        /indirect call type mismatch/,
      );
    }
  });
}

test("with listeners a tail call is a call then a return: every exit event fires", async () => {
  const lines: string[] = [];
  const m = await instantiate({ listeners: callTracer((l) => lines.push(l)) });
  assert.deepEqual(m.exportedFunction("even")!.call(2n, 0n), [1n]);
  assert.equal(lines.filter((l) => l.includes("==>")).length, 3);
  assert.equal(lines.filter((l) => l.includes("<==")).length, 3);
});

test("the structured tier declines functions with tail calls", () => {
  const module = decodeModule(wat2wasm(PROGRAM));
  const cm = codegenModule(module);
  assert.equal(generateFunction(cm, 1), null); // $even
  assert.equal(generateFunction(cm, 5), null); // $middle
  assert.notEqual(generateFunction(cm, 4), null); // $fails has none
});

test("tail calls need the tailCall feature, and the callee's results must be the caller's", async () => {
  for (const features of ["2.0", { tailCall: false }] as const) {
    await assert.rejects(
      new Runtime({ features }).instantiate(`(module (func $f (return_call $f)))`),
      (e: unknown) => e instanceof CompileError && /tail call/.test(e.message),
    );
  }
  await assert.rejects(
    new Runtime().instantiate(
      `(module (func $g (result i64) (i64.const 0)) (func (result i32) (return_call $g)))`,
    ),
    /type mismatch/,
  );
  await assert.rejects(
    new Runtime().instantiate(
      `(module (table 1 funcref) (func (result i32) (return_call_indirect (result i64) (i32.const 0))))`,
    ),
    /type mismatch/,
  );
});

test("tail calls of async host functions and of another instance's functions", async () => {
  for (const jsTier of [false, 1] as const) {
    const runtime = new Runtime({ jsTier });
    await runtime.newHostModuleBuilder("env").newFunctionBuilder().withFunc(
      async (_caller, x: number) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return x * 3;
      },
      ["i32"],
      ["i32"],
    ).export("slow").instantiate();
    const other = await runtime.instantiate(`(module (global $g i32 (i32.const 1000))
      (func (export "add_g") (param i32) (result i32) (i32.add (local.get 0) (global.get $g))))`);
    runtime.registerModule("other", other);
    const m = await runtime.instantiate(`(module
      (import "env" "slow" (func $slow (param i32) (result i32)))
      (import "other" "add_g" (func $add_g (param i32) (result i32)))
      (global $g i32 (i32.const 5))
      (func $mid (param i32) (result i32) (return_call $slow (i32.add (local.get 0) (i32.const 1))))
      (func $cross (param i32) (result i32) (return_call $add_g (local.get 0)))
      (func (export "f") (param i32) (result i32) (i32.add (global.get $g) (call $mid (local.get 0))))
      (func (export "g") (param i32) (result i32) (i32.add (global.get $g) (call $cross (local.get 0)))))`);
    for (let round = 0; round < 3; round++) {
      assert.deepEqual(await m.exportedFunction("f")!.callAsync(4), [20]);
      assert.deepEqual(m.exportedFunction("g")!.call(4), [1009]);
    }
  }
});

// A self tail call is a jump back to the start: parameters from the arguments, declared locals
// zeroed as on entry. Each round reads every local (which must be zero), then sets it.
const SELF = `(module
  (func $loop (export "loop") (param $n i32) (param $acc i64) (result i64)
    (local $i i32) (local $l i64) (local $d f64) (local $v v128) (local $r externref)
    (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $i))))
    (local.set $acc (i64.add (local.get $acc) (local.get $l)))
    (local.set $acc (i64.add (local.get $acc) (i64.trunc_f64_s (local.get $d))))
    (local.set $acc (i64.add (local.get $acc) (i64x2.extract_lane 1 (local.get $v))))
    (if (i32.eqz (ref.is_null (local.get $r))) (then (local.set $acc (i64.const -1000000))))
    (local.set $i (i32.const 1)) (local.set $l (i64.const 10)) (local.set $d (f64.const 100))
    (local.set $v (i64x2.splat (i64.const 1000))) (local.set $r (ref.null extern))
    (if (result i64) (i32.eqz (local.get $n)) (then (local.get $acc))
      (else (return_call $loop (i32.sub (local.get $n) (i32.const 1))
        (i64.add (local.get $acc) (i64.const 1)))))))`;

test(
  "a self tail call is a loop with fresh locals, in every tier",
  { timeout: 120_000 },
  async () => {
    const code = disassemble(translateModule(validateModule(decodeModule(wat2wasm(SELF))))[0].code);
    assert.ok(!code.some((line) => /return_call/.test(line)), code.join("\n"));
    assert.ok(code.some((line) => /: br 0$/.test(line) || /: br @0$/.test(line)), code.join("\n"));
    for (const [tier, config, registerOnly] of TIERS) {
      const runtime = new Runtime(config);
      if (registerOnly) useRegisterTierOnly(runtime);
      const m = await runtime.instantiate(SELF);
      for (let round = 0; round < 3; round++) {
        assert.deepEqual(m.exportedFunction("loop")!.call(100_000, 5n), [100_005n], tier);
      }
    }
  },
);
