// Exception handling: throws that unwind several frames in every tier, exceptions between the
// host and wasm, traps that no handler catches, and the feature switches.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  callTracer,
  CompileError,
  type Module,
  Runtime,
  type RuntimeConfig,
  RuntimeError,
  Tag,
  WasmException,
  wat2wasm,
} from "../../mod.ts";
import { useRegisterTierOnly } from "../../lib/runtime/runtime.ts";

/** The tier modes of the spec runner: interpreter, default, structured eager, register code. */
const MODES: [string, RuntimeConfig, boolean][] = [
  ["interpreter", { jsTier: false }, false],
  ["default", {}, false],
  ["eager", { jsTier: 1 }, false],
  ["register", { jsTier: 1 }, true],
];

async function instantiate(
  config: RuntimeConfig,
  registerOnly: boolean,
  source: string,
  setup?: (runtime: Runtime) => Promise<void>,
): Promise<Module> {
  const runtime = new Runtime(config);
  if (registerOnly) useRegisterTierOnly(runtime);
  if (setup) await setup(runtime);
  return runtime.instantiate(source);
}

const FRAMES = `(module
  (tag $e (export "e") (param i32 i64 f64))
  (tag $other (export "other"))
  (func $thrower (param i32)
    (if (i32.eq (local.get 0) (i32.const 1))
      (then (throw $e (i32.const 7) (i64.const -2) (f64.const nan:0x4000000000001))))
    (if (i32.eq (local.get 0) (i32.const 2)) (then (throw $other))))
  ;; Frames in between that the structured tier compiles (no exception instructions).
  (func $middle (param i32) (result i32)
    (local i32)
    (local.set 1 (i32.const 100))
    (call $thrower (local.get 0))
    (i32.add (local.get 1) (i32.const 1)))
  (func $outer (param i32) (result i32)
    (i32.mul (call $middle (local.get 0)) (i32.const 2)))
  ;; Catches $e three frames down; the payload arrives as the label's values.
  (func (export "catch") (param i32) (result i32 i64 i64)
    (block $h (result i32 i64 f64)
      (try_table (catch $e $h)
        (drop (call $outer (local.get 0))))
      (return (i32.const -1) (i64.const 0) (i64.const 0)))
    (i64.reinterpret_f64))
  ;; Only catches $e: $other goes on to the host.
  (func (export "uncaught") (param i32) (result i32)
    (block $h (result i32 i64 f64)
      (try_table (catch $e $h) (return (call $outer (local.get 0))))
      (unreachable))
    (drop) (drop))
  ;; Many calls, so that the JavaScript tiers compile the callers.
  (func (export "loop") (param i32) (result i32)
    (local $sum i32)
    (loop $l
      (block $h (result i32 i64 f64)
        (try_table (catch $e $h)
          (local.set $sum (i32.add (local.get $sum)
            (call $outer (i32.and (local.get 0) (i32.const 1))))))
        (br $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
      (drop) (drop)
      (local.set $sum (i32.add (local.get $sum)))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get $sum))
)`;

for (const [mode, config, registerOnly] of MODES) {
  test(`${mode}: a throw unwinds frames to the handler, payload bits intact`, async () => {
    const m = await instantiate(config, registerOnly, FRAMES);
    const f = m.exportedFunction("catch")!;
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(f.call(1), [7, -2n, 0x7ff4000000000001n]);
      assert.deepEqual(f.call(0), [-1, 0n, 0n]);
    }
    // Eagerly, the frames in between are the structured tier's; the thrower and the catcher not.
    const fns = m.state.functions;
    const structured = mode === "eager" ? [false, true, true, false] : [false, false, false, false];
    assert.deepEqual(fns.slice(0, 4).map((fn) => fn.jit !== null), structured);
  });

  test(`${mode}: an uncaught exception reaches the host as a WasmException`, async () => {
    const m = await instantiate(config, registerOnly, FRAMES);
    const f = m.exportedFunction("uncaught")!;
    assert.deepEqual(f.call(0), [202]);
    const other = m.exportedTag("other")!;
    for (let i = 0; i < 3; i++) {
      assert.throws(() => f.call(2), (e) => e instanceof WasmException && e.is(other));
      // Caught where the tag matches, after an uncaught one unwound the machine.
      assert.deepEqual(f.call(1), [7]);
    }
    const e = m.exportedTag("e")!;
    assert.throws(
      () => m.exportedFunction("catch")!.call(2),
      (x) => x instanceof WasmException && x.tag === other && !x.is(e),
    );
  });

  test(`${mode}: hot callers (JavaScript tiers) catch in a loop`, async () => {
    const m = await instantiate(config, registerOnly, FRAMES);
    // Even counts return 202 through $outer, odd ones throw 7 to the loop's handler.
    assert.deepEqual(m.exportedFunction("loop")!.call(3000), [1500 * 202 + 1500 * 7]);
  });
}

const RECURSION = `(module
  (tag $e (param i32))
  ;; Recursion (the register-code tier runs calls of a function to itself in its own code):
  ;; throws at the bottom, caught at depth 5.
  (func $f (export "f") (param i32) (result i32)
    (if (i32.eqz (local.get 0)) (then (throw $e (i32.const 99))))
    (if (i32.eq (local.get 0) (i32.const 5))
      (then
        (block $h (result i32)
          (try_table (catch $e $h)
            (drop (call $f (i32.sub (local.get 0) (i32.const 1)))))
          (return (i32.const -1)))
        (return (i32.add (i32.const 1000)))))
    (i32.add (call $f (i32.sub (local.get 0) (i32.const 1))) (i32.const 1))))`;

for (const [mode, config, registerOnly] of MODES) {
  test(`${mode}: an exception caught in a recursion keeps the frames below it`, async () => {
    const m = await instantiate(config, registerOnly, RECURSION);
    const f = m.exportedFunction("f")!;
    for (let i = 0; i < 1500; i++) assert.deepEqual(f.call(10), [5 + 1099]);
    assert.throws(() => f.call(3), WasmException);
  });
}

for (const [mode, config, registerOnly] of MODES) {
  test(`${mode}: a host function's WasmException is caught by wasm`, async () => {
    const tag = new Tag(["i32", "f32"], "host");
    let jsError: Error | null = null;
    const m = await instantiate(config, registerOnly, HOST, async (runtime) => {
      const b = runtime.newHostModuleBuilder("host").exportTag("t", tag);
      b.newFunctionBuilder().withFunc(
        (_caller, x: number) => {
          if (x === 1) throw new WasmException(tag, [42, 1.5]);
          if (x === 2) throw (jsError = new Error("a JS error"));
        },
        ["i32"],
        [],
      ).export("maybeThrow");
      await b.instantiate();
    });
    const f = m.exportedFunction("run")!;
    assert.deepEqual(f.call(0), [0, 0]);
    assert.deepEqual(f.call(1), [42, 1.5]);
    // A JS error is not a wasm exception: catch_all lets it through, unchanged.
    assert.throws(() => f.call(2), (e) => e === jsError);
    // Wasm throws the host's tag; the host sees its own tag and values.
    assert.throws(
      () => m.exportedFunction("throwHostTag")!.call(),
      (e) => e instanceof WasmException && e.tag === tag && e.getArg(tag, 0) === 5,
    );
  });
}

const HOST = `(module
  (import "host" "t" (tag $t (param i32 f32)))
  (import "host" "maybeThrow" (func $maybeThrow (param i32)))
  (func (export "run") (param i32) (result i32 f32)
    (block $all
      (block $h (result i32 f32)
        (try_table (catch $t $h) (catch_all $all)
          (call $maybeThrow (local.get 0)))
        (return (i32.const 0) (f32.const 0)))
      (return))
    (i32.const -1) (f32.const -1))
  (func (export "throwHostTag") (throw $t (i32.const 5) (f32.const 2))))`;

for (const [mode, config, registerOnly] of MODES) {
  test(`${mode}: traps are not caught, by catch_all or the legacy catch_all`, async () => {
    const m = await instantiate(
      config,
      registerOnly,
      `(module
        (func $trap (result i32) (i32.div_s (i32.const 1) (i32.const 0)))
        (func (export "new") (result i32)
          (block $h (try_table (catch_all $h) (return (call $trap))))
          (i32.const -1))
        (func (export "legacy") (result i32)
          (try (result i32) (do (call $trap)) (catch_all (i32.const -1)))))`,
    );
    for (const name of ["new", "legacy"]) {
      assert.throws(
        () => m.exportedFunction(name)!.call(),
        (e) => e instanceof RuntimeError && /integer divide by zero/.test(e.message),
      );
    }
  });
}

test("legacy rethrow and delegate, in every tier", async () => {
  for (const [, config, registerOnly] of MODES) {
    const m = await instantiate(
      config,
      registerOnly,
      `(module
        (tag $e (param i32))
        (func $throw (param i32) (throw $e (local.get 0)))
        (func (export "rethrow") (param i32) (result i32)
          (try (result i32)
            (do
              (try (result i32)
                (do (call $throw (local.get 0)) (i32.const 0))
                (catch $e (drop) (rethrow 0))))
            (catch $e (i32.add (i32.const 1)))))
        (func (export "delegate") (param i32) (result i32)
          (try $outer (result i32)
            (do
              (try (result i32)
                (do
                  (try (result i32)
                    (do (call $throw (local.get 0)) (i32.const 0))
                    (delegate $outer)))
                (catch_all (i32.const -1))))
            (catch $e (i32.add (i32.const 100))))))`,
    );
    assert.deepEqual(m.exportedFunction("rethrow")!.call(4), [5]);
    assert.deepEqual(m.exportedFunction("delegate")!.call(4), [104]);
  }
});

test("exnref values: throw_ref of a caught exception keeps its identity, null traps", async () => {
  const m = await new Runtime().instantiate(`(module
    (tag $e (export "e") (param i64))
    (func (export "catchRef") (result exnref)
      (block $h (result i64 exnref)
        (try_table (catch_ref $e $h) (throw $e (i64.const 9)))
        (unreachable))
      (return))
    (func (export "rethrow") (param exnref) (throw_ref (local.get 0))))`);
  const [exn] = m.exportedFunction("catchRef")!.call();
  assert.ok(exn instanceof WasmException);
  assert.deepEqual(exn.values, [9n]);
  assert.throws(() => m.exportedFunction("rethrow")!.call(exn), (e) => e === exn);
  assert.throws(
    () => m.exportedFunction("rethrow")!.call(null),
    (e) => e instanceof RuntimeError && /null exception reference/.test(e.message),
  );
});

test("exception handling is a feature: rejected under 2.0 or when switched off", async () => {
  const withTry = wat2wasm(`(module (tag $e) (func (try_table (catch_all 0) (throw $e))))`);
  const legacy = wat2wasm(`(module (func (try (do) (catch_all))))`);
  await new Runtime().compileModule(withTry);
  await new Runtime().compileModule(legacy);
  await assert.rejects(
    new Runtime({ features: "2.0" }).compileModule(withTry),
    (e) =>
      e instanceof CompileError && /feature exceptions/.test(e.message) &&
      typeof e.offset === "number",
  );
  await assert.rejects(
    new Runtime({ features: { exceptions: false } }).compileModule(
      wat2wasm(`(module (func (block (try_table (catch_all 0)))))`),
    ),
    (e) => e instanceof CompileError && /feature exceptions/.test(e.message),
  );
  await assert.rejects(
    new Runtime({ features: { legacyExceptions: false } }).compileModule(legacy),
    (e) => e instanceof CompileError && /feature legacyExceptions/.test(e.message),
  );
  await assert.rejects(
    new Runtime({ features: "2.0" }).compileModule(wat2wasm(`(module (func (param exnref)))`)),
    (e) => e instanceof CompileError && /feature exceptions/.test(e.message),
  );
  await assert.rejects(
    new Runtime({ features: "2.0" }).compileModule(
      wat2wasm(`(module (import "m" "t" (tag)))`),
    ),
    (e) => e instanceof CompileError && /feature exceptions/.test(e.message),
  );
});

test("tag imports link by identity and type", async () => {
  const runtime = new Runtime();
  const tag = new Tag(["i32"]);
  await runtime.newHostModuleBuilder("h").exportTag("t", tag).instantiate();
  const m = await runtime.instantiate(`(module
    (import "h" "t" (tag $t (param i32)))
    (export "again" (tag $t)))`);
  assert.equal(m.exportedTag("again"), tag);
  await assert.rejects(
    runtime.instantiate(`(module (import "h" "t" (tag (param i64))))`),
    /incompatible import type/,
  );
  assert.throws(() => new WasmException(tag, []), TypeError);
  assert.throws(() => new WasmException(tag, [1]).getArg(new Tag(["i32"]), 0), TypeError);
});

test("callAsync: a Promise rejected with a WasmException is caught by wasm", async () => {
  const runtime = new Runtime();
  const tag = new Tag(["i32"]);
  await runtime.newHostModuleBuilder("env").exportTag("t", tag)
    .newFunctionBuilder().withFunc(
      async (_caller, x: number) => {
        await new Promise((r) => setTimeout(r, 1));
        if (x > 0) throw new WasmException(tag, [x * 2]);
        return x;
      },
      ["i32"],
      ["i32"],
    ).export("slow")
    .instantiate();
  const m = await runtime.instantiate(`(module
    (import "env" "t" (tag $t (param i32)))
    (import "env" "slow" (func $slow (param i32) (result i32)))
    (func $inner (param i32) (result i32) (i32.add (call $slow (local.get 0)) (i32.const 1)))
    (func (export "run") (param i32) (result i32)
      (block $h (result i32)
        (try_table (catch $t $h) (return (call $inner (local.get 0))))
        (unreachable))
      (i32.add (i32.const 1000))))`);
  const run = m.exportedFunction("run")!;
  assert.deepEqual(await run.callAsync(0), [1]);
  assert.deepEqual(await run.callAsync(4), [1008]);
  const uncaught = await runtime.instantiate(`(module
    (import "env" "slow" (func $slow (param i32) (result i32)))
    (func (export "run") (param i32) (result i32) (call $slow (local.get 0))))`);
  await assert.rejects(
    uncaught.exportedFunction("run")!.callAsync(3),
    (e) => e instanceof WasmException && e.getArg(tag, 0) === 6,
  );
});

test("listeners: frames an exception unwinds are aborted, the catching frame returns", async () => {
  const lines: string[] = [];
  const m = await new Runtime({ listeners: callTracer((l) => lines.push(l)) }).instantiate(
    `(module $m
      (tag $e (param i32))
      (func $thrower (param $x i32) (throw $e (local.get $x)))
      (func $middle (param $x i32) (call $thrower (local.get $x)))
      (func $top (export "top") (param $x i32) (result i32)
        (block $h (result i32)
          (try_table (catch $e $h) (call $middle (local.get $x)))
          (i32.const -1))))`,
  );
  assert.deepEqual(m.exportedFunction("top")!.call(5), [5]);
  assert.deepEqual(lines, [
    "==> m.top(x=5)",
    "\t==> m.middle(x=5)",
    "\t\t==> m.thrower(x=5)",
    "\t\t<== aborted: wasm exception (tag 0)",
    "\t<== aborted: wasm exception (tag 0)",
    "<== (5)",
  ]);
});

test("exnref is a reference type: null, locals, globals, tables", async () => {
  const m = await new Runtime().instantiate(`(module
    (tag $e)
    (global $g (mut exnref) (ref.null exn))
    (table $t 2 exnref)
    (func (export "nulls") (result i32 i32 exnref)
      (ref.is_null (ref.null noexn)) (ref.is_null (global.get $g)) (table.get $t (i32.const 1)))
    (func (export "keep") (result i32)
      (local $x exnref)
      (block $h (result exnref)
        (try_table (catch_all_ref $h) (throw $e))
        (unreachable))
      (local.set $x)
      (global.set $g (local.get $x))
      (table.set $t (i32.const 0) (local.get $x))
      (ref.is_null (table.get $t (i32.const 0)))))`);
  assert.deepEqual(m.exportedFunction("nulls")!.call(), [1, 1, null]);
  assert.deepEqual(m.exportedFunction("keep")!.call(), [0]);
  assert.ok(m.exportedFunction("nulls")!.callRaw()[2] === null);
});

for (const [mode, config, registerOnly] of MODES) {
  test(`${mode}: a tail call leaves its try_table: the callee's exception skips it`, async () => {
    const tag = new Tag(["i32"]);
    const m = await instantiate(
      config,
      registerOnly,
      `(module
      (import "h" "t" (tag $t (param i32)))
      (import "h" "boom" (func $boom))
      (func $wasmBoom (throw $t (i32.const 2)))
      (func $viaHost
        (block $h (result i32) (try_table (catch $t $h) (return_call $boom)) (return))
        (drop))
      (func $viaWasm
        (block $h (result i32) (try_table (catch $t $h) (return_call $wasmBoom)) (return))
        (drop))
      (func (export "run") (param i32) (result i32)
        (block $h (result i32)
          (try_table (catch $t $h)
            (if (local.get 0) (then (call $viaHost)) (else (call $viaWasm))))
          (return (i32.const -1)))
        (i32.add (i32.const 100))))`,
      async (runtime) => {
        await runtime.newHostModuleBuilder("h").exportTag("t", tag)
          .newFunctionBuilder().withFunc(
            () => {
              throw new WasmException(tag, [1]);
            },
            [],
            [],
          ).export("boom").instantiate();
      },
    );
    const run = m.exportedFunction("run")!;
    assert.deepEqual(run.call(1), [101]);
    assert.deepEqual(run.call(0), [102]);
  });
}

test("tags with GC types: struct payloads, (ref exn) of catch_ref, imports match by rec group", async () => {
  const source = `(module
    (rec (type $s (struct (field i32))) (type $other (struct (field i64))))
    (tag $e (export "e") (param (ref $s)))
    (func $make (param i32) (result (ref $s)) (struct.new $s (local.get 0)))
    (func (export "roundTrip") (param i32) (result i32)
      (block $h (result (ref $s))
        (try_table (catch $e $h) (throw $e (call $make (local.get 0))))
        (unreachable))
      (struct.get $s 0))
    (func (export "nonNull") (result i32)
      (block $h (result (ref null $s) (ref exn))
        (try_table (catch_ref $e $h) (throw $e (call $make (i32.const 1))))
        (unreachable))
      (drop)
      (ref.is_null)))`;
  for (const [name, config, registerOnly] of MODES) {
    const m = await instantiate(config, registerOnly, source);
    const roundTrip = m.exportedFunction("roundTrip")!;
    for (let i = 0; i < 50; i++) assert.deepEqual(roundTrip.call(i), [i], name);
    assert.deepEqual(m.exportedFunction("nonNull")!.call(), [0], name);
  }
  const runtime = new Runtime();
  await runtime.instantiate(source, { name: "M" });
  await runtime.instantiate(`(module
    (rec (type $s (struct (field i32))) (type $other (struct (field i64))))
    (import "M" "e" (tag (param (ref $s)))))`);
  await assert.rejects(
    runtime.instantiate(`(module
      (type $s (struct (field i32)))
      (import "M" "e" (tag (param (ref $s)))))`),
    /incompatible import type/,
  );
  await assert.rejects(
    runtime.compileModule(wat2wasm(`(module (type $s (struct)) (tag (type $s)))`)),
    (e) => e instanceof CompileError && /not a function type/.test(e.message),
  );
});
