// The structured tier (lib/interpreter/jit): every function compiled on its first call
// (jsTier: 1) must compute, trap and trace exactly as the interpreter (jsTier: false).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { type Module, Runtime, RuntimeError, WasmFunction } from "../../mod.ts";
import { decodeModule } from "../../lib/binary/decoder.ts";
import { wat2wasm } from "../../lib/text/wat.ts";
import {
  codegenModule,
  generateFunction,
  setSplitPolicy,
} from "../../lib/interpreter/jit/codegen.ts";
import { J } from "../../lib/interpreter/jit/state.ts";
import { COMPILED_CALL_HEAT } from "../../lib/interpreter/execute/executor.ts";
import {
  COMPILED_CALL_HEAT_MIN_BYTES,
  DEFAULT_JS_TIER_HEAT,
  DEFAULT_STRUCTURED_HEAT,
  JS_TIER_HEAT_PER_BYTE,
  STRUCTURED_CALLS_PER_BYTE,
} from "../../lib/interpreter/execute/tier_policy.ts";
import {
  noNativeWebAssembly,
  ON_JAVASCRIPTCORE,
  WITHOUT_JIT,
} from "../../lib/interpreter/engine.ts";

/**
 * Calls after which the default policy compiles a function of `bytes` (200 plus 20 per byte; 10
 * plus a quarter without a JIT, as under the CI's `--jitless` run).
 */
const structuredCount = (bytes: number) =>
  Math.max(
    DEFAULT_STRUCTURED_HEAT,
    (DEFAULT_STRUCTURED_HEAT + STRUCTURED_CALLS_PER_BYTE * bytes) | 0,
  );

async function both(source: string, setup?: (runtime: Runtime) => Promise<void>) {
  const modules: Module[] = [];
  for (const jsTier of [false, 1] as const) {
    const runtime = new Runtime({ jsTier });
    if (setup) await setup(runtime);
    modules.push(await runtime.instantiate(source));
  }
  return modules;
}

/** What a call did: its results as raw bits, or its trap and trace. */
function outcome(m: Module, name: string, args: unknown[]): unknown {
  try {
    return m.exportedFunction(name)!.callRaw(...args);
  } catch (e) {
    if (!(e instanceof RuntimeError)) throw e;
    return { trap: e.message, stack: (e as RuntimeError & { wasmStack: string[] }).wasmStack };
  }
}

const NUMERIC = `(module
  (memory 1)
  (global $g (mut f64) (f64.const 0))
  (global $h (mut i64) (i64.const 0))
  (func $id32 (param f32) (result f32) (local.get 0))
  (func $id64 (param f64) (result f64) (local.get 0))
  ;; NaN payloads through a call, a local, a global, memory and select.
  (func (export "nan32") (param i32) (result i32)
    (local f32)
    (local.set 1 (call $id32 (f32.reinterpret_i32 (local.get 0))))
    (f32.store (i32.const 8) (select (local.get 1) (f32.const 1) (i32.const 1)))
    (i32.load (i32.const 8)))
  (func (export "nan64") (param i64) (result i64)
    (global.set $g (call $id64 (f64.reinterpret_i64 (local.get 0))))
    (f64.store (i32.const 16) (global.get $g))
    (i64.reinterpret_f64 (f64.load (i32.const 16))))
  (func (export "neg64") (param i64) (result i64) (i64.reinterpret_f64 (f64.neg (f64.reinterpret_i64 (local.get 0)))))
  (func (export "abs32") (param i32) (result i32) (i32.reinterpret_f32 (f32.abs (f32.reinterpret_i32 (local.get 0)))))
  (func (export "copysign") (param f64 f64) (result f64) (f64.copysign (local.get 0) (local.get 1)))
  ;; i64 arithmetic, results through calls and globals.
  (func $mix (param i64 i64) (result i64)
    (i64.rotl (i64.xor (i64.mul (local.get 0) (i64.const 0x9E3779B97F4A7C15)) (local.get 1)) (i64.const 31)))
  (func (export "i64ops") (param i64 i64) (result i64 i64 i32)
    (global.set $h (call $mix (local.get 0) (local.get 1)))
    (i64.div_s (global.get $h) (i64.or (local.get 1) (i64.const 1)))
    (i64.shr_u (global.get $h) (i64.and (local.get 0) (i64.const 63)))
    (i64.lt_u (local.get 0) (local.get 1)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "trunc") (param f64) (result i64) (i64.trunc_f64_s (local.get 0)))
  (func (export "load") (param i32) (result i64) (i64.load offset=4 (local.get 0)))
  ;; An out-of-bounds i64 store writes nothing.
  (func (export "store") (param i32) (result i64)
    (i64.store (local.get 0) (i64.const -1)) (i64.const 0))
  (func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0))))`;

test("the structured tier computes the interpreter's bits and traps", async () => {
  const [interp, jit] = await both(NUMERIC);
  const calls: [string, unknown[]][] = [
    ["nan32", [0x7fa00001n]], // a signalling NaN
    ["nan32", [0xffc00000n]], // the canonical NaN with its sign bit
    ["nan32", [0x3f800000n]],
    ["nan64", [0x7ff0000000000001n]],
    ["nan64", [0xfff8000000000000n]],
    ["nan64", [0x400921fb54442d18n]],
    ["neg64", [0x7ff8000000000000n]],
    ["neg64", [0x7ff4000000000abcn]],
    ["abs32", [0xffa00001n]],
    ["copysign", [0x7ff8000000000001n, 0x8000000000000000n]],
    ["i64ops", [0x0123456789abcdefn, 0xfedcba9876543210n]],
    ["i64ops", [0xffffffffffffffffn, 0n]],
    ["div", [7n, 0n]],
    ["div", [0x80000000n, 0xffffffffn]],
    ["div", [0xfffffff9n, 2n]],
    ["trunc", [0x7ff8000000000000n]],
    ["trunc", [0xc3e0000000000000n]], // -2^63
    ["load", [65528n]],
    ["load", [65530n]],
    ["store", [65530n]],
    ["peek", [65530n]],
  ];
  for (const [name, args] of calls) {
    assert.deepEqual(outcome(jit, name, args), outcome(interp, name, args), `${name}(${args})`);
  }
  // Spot checks that the comparison itself means something.
  assert.deepEqual(outcome(jit, "nan32", [0x7fa00001n]), [0x7fa00001n]);
  assert.deepEqual(outcome(jit, "neg64", [0x7ff4000000000abcn]), [0xfff4000000000abcn]);
  assert.deepEqual(outcome(jit, "peek", [65530n]), [0n]);
  assert.deepEqual(outcome(jit, "div", [7n, 0n]), {
    trap: "integer divide by zero",
    stack: [(outcome(interp, "div", [7n, 0n]) as { stack: string[] }).stack[0]],
  });
});

test("i64 mul, add and sub interpreted and in the structured tier are exact: edge words and random pairs against BigInt", async () => {
  const modules = await both(`(module
    (func (export "mul") (param i64 i64) (result i64) (i64.mul (local.get 0) (local.get 1)))
    (func (export "mulk") (param i64) (result i64) (i64.mul (local.get 0) (i64.const 0xC2B2AE3D27D4EB4F)))
    (func (export "add") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1)))
    (func (export "sub") (param i64 i64) (result i64) (i64.sub (local.get 0) (local.get 1))))`);
  const mask = (1n << 64n) - 1n;
  const words = [0n, 1n, 0xffffn, 0x10000n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0xfffffffen];
  const values: bigint[] = [];
  for (const hi of words) for (const lo of words) values.push((hi << 32n) | lo);
  let seed = 0x9e3779b97f4a7c15n;
  for (let i = 0; i < 200; i++) {
    seed = (seed * 6364136223846793005n + 1442695040888963407n) & mask;
    values.push(seed);
  }
  for (let i = 0; i < values.length; i++) {
    const a = values[i], b = values[(i * 7 + 3) % values.length];
    for (const m of modules) {
      assert.deepEqual(outcome(m, "mul", [a, b]), [(a * b) & mask], `${a} * ${b}`);
      assert.deepEqual(outcome(m, "mulk", [a]), [(a * 0xC2B2AE3D27D4EB4Fn) & mask], `${a} * k`);
      assert.deepEqual(outcome(m, "add", [a, b]), [(a + b) & mask], `${a} + ${b}`);
      assert.deepEqual(outcome(m, "sub", [a, b]), [(a - b) & mask], `${a} - ${b}`);
    }
  }
});

test("i32 division and remainder by constants are written out, and exact", async () => {
  const ops = ["div_s", "div_u", "rem_s", "rem_u"];
  const divisors = [1, -1, 2, 3, 7, 12, -12, 1024, -2147483648, 2147483647];
  const funcs = ops.flatMap((op) =>
    divisors.map((k, i) =>
      `(func (export "${op}${i}") (param i32) (result i32) (i32.${op} (local.get 0) (i32.const ${k})))`
    )
  );
  const source = `(module ${funcs.join("\n")}
    (func (export "by0") (param i32) (result i32) (i32.rem_u (local.get 0) (i32.const 0))))`;
  const [interp, jit] = await both(source);
  // The generated code divides itself where nothing can trap: no helper call but for div_s by -1.
  const module = decodeModule(wat2wasm(source));
  const cm = codegenModule(module);
  for (let i = 0; i < funcs.length; i++) {
    const body = generateFunction(cm, i)!.source;
    const helper = /H_(div|rem)[SU]32/.test(body);
    assert.equal(helper, i === 1, `${ops[Math.floor(i / divisors.length)]} by ${divisors[i % 10]}`);
  }
  const xs = [0, 1, -1, 5, -5, 13, -13, 2147483647, -2147483648, 123456789, -987654321, 4096];
  for (const op of ops) {
    divisors.forEach((k, i) => {
      for (const x of xs) {
        const a = BigInt.asUintN(32, BigInt(x)), s = BigInt(x), d = BigInt(k);
        const u = BigInt.asUintN(32, d);
        const want = op === "div_s"
          ? (x === -2147483648 && k === -1 ? null : s / d)
          : op === "div_u"
          ? a / u
          : op === "rem_s"
          ? s % d
          : a % u;
        const got = outcome(jit, `${op}${i}`, [a]);
        assert.deepEqual(got, outcome(interp, `${op}${i}`, [a]), `${op} ${x} by ${k}`);
        if (want !== null) assert.deepEqual(got, [BigInt.asUintN(32, want)], `${op} ${x} by ${k}`);
      }
    });
  }
  assert.deepEqual(outcome(jit, "div_s1", [0x80000000n]), outcome(interp, "div_s1", [0x80000000n]));
  assert.equal(
    (outcome(jit, "div_s1", [0x80000000n]) as { trap: string }).trap,
    "integer overflow",
  );
  assert.equal((outcome(jit, "by0", [5n]) as { trap: string }).trap, "integer divide by zero");
});

test("calls past forwarders go to their callee directly, and traps still show the forwarders", async () => {
  const source = `(module
    (func $div (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
    (func $w2 (param i32 i32) (result i32) (call $div (local.get 0) (local.get 1)))
    (func $w1 (param i32 i32) (result i32) (call $w2 (local.get 0) (local.get 1)))
    (func $swapped (param i32 i32) (result i32) (call $div (local.get 1) (local.get 0)))
    (func $loop1 (param i32) (result i32) (call $loop2 (local.get 0)))
    (func $loop2 (param i32) (result i32) (call $loop1 (local.get 0)))
    (func (export "viaWrappers") (param i32 i32) (result i32)
      (i32.add (i32.const 1) (call $w1 (local.get 0) (local.get 1))))
    (func (export "swapped") (param i32 i32) (result i32) (call $swapped (local.get 0) (local.get 1)))
    (func (export "cycle") (param i32) (result i32) (call $loop1 (local.get 0))))`;
  const [interp, jit] = await both(source);
  const cm = codegenModule(decodeModule(wat2wasm(source)));
  const caller = generateFunction(cm, 6)!.source;
  assert.match(caller, /fn0\.direct\(/, "the call goes to $div");
  assert.doesNotMatch(caller, /fn[12]\.direct/, "not through $w1 or $w2");
  assert.match(
    generateFunction(cm, 7)!.source,
    /fn3\.direct\(/,
    "reordered arguments: a call of $swapped",
  );
  assert.match(generateFunction(cm, 8)!.source, /fn4\.direct\(/, "a cycle: a call of $loop1");
  for (const [name, args] of [["viaWrappers", [7n, 2n]], ["swapped", [2n, 7n]]] as const) {
    assert.deepEqual(outcome(jit, name, [...args]), outcome(interp, name, [...args]));
  }
  assert.deepEqual(outcome(jit, "viaWrappers", [7n, 2n]), [4n]);
  // A trap in the callee lists the forwarders between it and the caller, as the interpreter does.
  const trapped = outcome(jit, "viaWrappers", [7n, 0n]) as { trap: string; stack: string[] };
  assert.equal(trapped.trap, "integer divide by zero");
  assert.equal(trapped.stack.length, 4);
  assert.deepEqual(trapped, outcome(interp, "viaWrappers", [7n, 0n]));
  assert.equal(
    (outcome(jit, "cycle", [1n]) as { trap: string }).trap,
    (outcome(interp, "cycle", [1n]) as { trap: string }).trap,
  );
  // Interrupted after such a call returned (at the loop's next check): the caller's frame alone.
  const looping = await new Runtime({ jsTier: 1 }).instantiate(`(module
    (func $leaf (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func $w (param i32) (result i32) (call $leaf (local.get 0)))
    (func (export "spin") (local i32) (loop $l (local.set 0 (call $w (local.get 0))) (br $l))))`);
  try {
    looping.exportedFunction("spin")!.withOptions({ timeout: 20 }).call();
    assert.fail("not interrupted");
  } catch (e) {
    assert.match((e as Error).message, /deadline exceeded/);
    const stack = (e as RuntimeError & { wasmStack: string[] }).wasmStack;
    assert.equal(stack.length, 1, stack.join(" | "));
    assert.match(stack[0], /^\$?\S*(2|spin)\b/);
  }
});

test("a loaded NaN keeps its bits wherever a branch, move or store may see them", async () => {
  const [interp, jit] = await both(`(module
    (memory 1)
    (func (export "escape") (param i64 i32) (result i64)
      (i64.store (i32.const 0) (local.get 0))
      (f64.store (i32.const 8)
        (block (result f64)
          (f64.load (i32.const 0))
          (br_if 0 (local.get 1))
          (f64.sqrt)))
      (i64.load (i32.const 8)))
    (func (export "neg") (param i64) (result i64)
      (i64.store (i32.const 0) (local.get 0))
      (i64.reinterpret_f64 (f64.neg (f64.load (i32.const 0)))))
    (func (export "add") (param i64) (result i32)
      (i64.store (i32.const 0) (local.get 0))
      (f64.ne (f64.add (f64.load (i32.const 0)) (f64.const 1)) (f64.add (f64.load (i32.const 0)) (f64.const 1)))))`);
  const payload = 0x7ff4000000000abcn;
  for (
    const [name, args] of [["escape", [payload, 1n]], ["neg", [payload]], ["add", [
      payload,
    ]]] as const
  ) {
    assert.deepEqual(outcome(jit, name, [...args]), outcome(interp, name, [...args]), name);
  }
  assert.deepEqual(outcome(jit, "escape", [payload, 1n]), [payload]);
  assert.deepEqual(outcome(jit, "neg", [payload]), [payload | (1n << 63n)]);
  assert.deepEqual(outcome(jit, "add", [payload]), [1n]);
});

const CALLS = `(module
  (import "env" "host" (func $host (param i32 i64) (result i64)))
  (import "env" "grow" (func $grow (result i32)))
  (memory (export "mem") 1)
  (type $ii (func (param i32) (result i32)))
  (table funcref (elem $double $host_via $fact))
  (func $double (type $ii) (i32.mul (local.get 0) (i32.const 2)))
  (func $host_via (type $ii) (i32.wrap_i64 (call $host (local.get 0) (i64.const 0x100000000))))
  (func $fact (type $ii)
    (if (result i32) (i32.le_s (local.get 0) (i32.const 1)) (then (i32.const 1))
      (else (i32.mul (local.get 0) (call_indirect (type $ii) (i32.sub (local.get 0) (i32.const 1)) (i32.const 2))))))
  (func (export "dispatch") (param i32 i32) (result i32) (call_indirect (type $ii) (local.get 1) (local.get 0)))
  (func (export "bad_type") (result i64) (call_indirect (param i32 i32) (result i64) (i32.const 0) (i32.const 0) (i32.const 0)))
  ;; The host grows the memory: the compiled code must see the new size.
  (func (export "after_grow") (result i32)
    (drop (call $grow))
    (i32.store (i32.const 70000) (i32.const 5))
    (i32.load (i32.const 70000)))
  (func $inner (param i32) (result i32) (i32.div_u (i32.const 1) (local.get 0)))
  (func $outer (export "nested_trap") (param i32) (result i32) (i32.add (call $inner (local.get 0)) (i32.const 1))))`;

test("calls: direct, indirect, to host functions, and traps through them", async () => {
  const seen: unknown[] = [];
  const modules = await both(CALLS, async (runtime) => {
    await runtime.newHostModuleBuilder("env")
      .newFunctionBuilder()
      .withFunc((_caller, x, y) => BigInt(x as number) * 3n + (y as bigint), ["i32", "i64"], [
        "i64",
      ])
      .export("host")
      .newFunctionBuilder()
      .withFunc(
        (caller) => {
          seen.push(caller?.memory()?.pages);
          return caller!.memory()!.grow(1);
        },
        [],
        ["i32"],
      )
      .export("grow")
      .instantiate();
  });
  const [interp, jit] = modules;
  for (
    const [name, args] of [
      ["dispatch", [0n, 21n]],
      ["dispatch", [1n, 5n]],
      ["dispatch", [2n, 10n]],
      ["dispatch", [3n, 1n]],
      ["bad_type", []],
      ["after_grow", []],
      ["nested_trap", [0n]],
      ["nested_trap", [2n]],
    ] as [string, bigint[]][]
  ) {
    assert.deepEqual(outcome(jit, name, args), outcome(interp, name, args), `${name}(${args})`);
  }
  assert.deepEqual(outcome(jit, "dispatch", [1n, 5n]), [15n]); // 5 * 3 + 2^32, wrapped
  assert.deepEqual(outcome(jit, "dispatch", [2n, 10n]), [3628800n]);
  assert.deepEqual(outcome(jit, "after_grow", []), [5n]);
  const trap = outcome(jit, "nested_trap", [0n]) as { trap: string; stack: string[] };
  assert.equal(trap.trap, "integer divide by zero");
  assert.equal(trap.stack.length, 2);
  // Both tiers passed the calling instance to the host function (called again above).
  assert.deepEqual(seen, [1, 1, 2]);
});

test("a deadline and an abort signal stop a compiled loop and a compiled recursion", async () => {
  const m = await new Runtime({ jsTier: 1 }).instantiate(`(module
    (func (export "spin") (loop $l (br $l)))
    (func $r (export "recurse") (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
        (else (i32.add (call $r (i32.sub (local.get 0) (i32.const 1)))
                       (call $r (i32.sub (local.get 0) (i32.const 1))))))))`);
  const spin = m.exportedFunction("spin")!;
  assert.throws(() => spin.withOptions({ timeout: 50 }).call(), /deadline exceeded/);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 20);
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.throws(() => spin.withOptions({ signal: controller.signal }).call(), /aborted/);
  // 2^40 calls without a loop: only the calls' budget can stop it.
  assert.throws(
    () => m.exportedFunction("recurse")!.withOptions({ timeout: 50 }).call(40),
    /deadline exceeded/,
  );
  assert.equal(J.depth, 0, "the shared depth is restored after traps");
});

test("the shared stack limits stay int32 inside and outside compiled code", async () => {
  // JavaScriptCore boxes a number its optimised code computed as a double (a minimum with
  // Infinity) as a double even when it is integral; an Infinity here once made every compiled
  // function's units-left argument a double and deoptimised the interpreter's loop.
  const isInt32 = (x: number) => (x | 0) === x;
  const inside: number[] = [];
  const runtime = new Runtime({ jsTier: 1 });
  await runtime.newHostModuleBuilder("env").newFunctionBuilder()
    .withFunc(
      () => {
        inside.push(J.depth, J.limit, J.stackLimit, J.top);
      },
      [],
      [],
    )
    .export("probe").instantiate();
  const m = await runtime.instantiate(`(module
    (import "env" "probe" (func $probe))
    (func $leaf (call $probe))
    (func (export "run") (call $leaf) (call $leaf)))`);
  for (const x of [J.depth, J.limit, J.stackLimit, J.top]) assert.ok(isInt32(x), `at rest: ${x}`);
  m.exportedFunction("run")!.call();
  assert.equal(inside.length, 8);
  for (const x of inside) assert.ok(isInt32(x), `in a call: ${x}`);
  for (const x of [J.depth, J.limit, J.stackLimit, J.top]) assert.ok(isInt32(x), `after: ${x}`);
});

test("compiled code is used: generated functions exist and are called directly", async () => {
  const bytes = readFileSync(new URL("../../bench/programs/fib.wasm", import.meta.url));
  const module = decodeModule(new Uint8Array(bytes));
  const cm = codegenModule(module);
  const first = module.importedFunctionCount;
  let generated = 0;
  for (let i = 0; i < module.codes.length; i++) if (generateFunction(cm, first + i)) generated++;
  assert.equal(generated, module.codes.length);
  const m = await new Runtime({ jsTier: 1 }).instantiate(bytes);
  const run = m.exportedFunction("run")!;
  assert.deepEqual(
    run.call(20),
    (await new Runtime({ jsTier: false }).instantiate(bytes))
      .exportedFunction("run")!.call(20),
  );
});

test("every benchmark program gives the interpreter's results in the structured tier", async () => {
  const dir = new URL("../../bench/programs/", import.meta.url);
  // The WASI commands (bench/programs/build.sh's COMMANDS) run in bench/real_programs.ts.
  const commands = ["malloc_churn.wasm", "coremark_like.wasm"];
  const names = readdirSync(dir).filter((f) => f.endsWith(".wasm") && !commands.includes(f));
  assert.ok(names.length >= 8);
  for (const name of names) {
    const bytes = readFileSync(new URL(name, dir));
    const [interp, jit] = await Promise.all(
      [false, 1].map((jsTier) => new Runtime({ jsTier: jsTier as false | 1 }).instantiate(bytes)),
    );
    const n = name.startsWith("fib") ? 15 : 1;
    assert.deepEqual(
      jit.exportedFunction("run")!.call(n),
      interp.exportedFunction("run")!.call(n),
      name,
    );
  }
});

/** Unsigned LEB128. */
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

/** A binary module exporting `nest(i32) -> i32`: `depth` nested blocks around a br_if to the outermost. */
function nestedBlocks(depth: number): Uint8Array {
  const section = (id: number, bytes: number[]) => [id, ...leb(bytes.length), ...bytes];
  const body = [
    0, // no locals
    ...Array(depth).fill([0x02, 0x40]).flat(),
    0x20,
    0, // local.get 0
    0x0d,
    ...leb(depth - 1), // br_if to the outermost block
    ...Array(depth).fill(0x0b),
    0x41,
    7, // i32.const 7
    0x0b,
  ];
  return new Uint8Array([
    0,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
    ...section(1, [1, 0x60, 1, 0x7f, 1, 0x7f]),
    ...section(3, [1, 0]),
    ...section(7, [1, 4, ...new TextEncoder().encode("nest"), 0, 0]),
    ...section(10, [1, ...leb(body.length), ...body]),
  ]);
}

test("deeply nested blocks run (the structured tier leaves them to the interpreter)", async () => {
  const bytes = nestedBlocks(3000); // 9,000 bytes: under the size limit
  for (const jsTier of [false, 1] as const) {
    const m = await new Runtime({ jsTier }).instantiate(bytes);
    assert.deepEqual(m.exportedFunction("nest")!.call(0), [7]);
    assert.deepEqual(m.exportedFunction("nest")!.call(1), [7]);
  }
  assert.equal(generateFunction(codegenModule(decodeModule(bytes)), 0), null);
  // A shallow one is compiled.
  assert.notEqual(generateFunction(codegenModule(decodeModule(nestedBlocks(20))), 0), null);
});

test("i64 shifts and rotations by constants, and by a loop parameter that changes", async () => {
  const ops = ["shl", "shr_s", "shr_u", "rotl", "rotr"];
  const counts = [0, 1, 5, 31, 32, 33, 47, 63, 64, 65, -1];
  let source = "(module\n";
  for (const op of ops) {
    for (const c of counts) {
      source += `(func (export "${op}_${c}") (param i64) (result i64)
        (i64.${op} (local.get 0) (i64.const ${c})))\n`;
    }
  }
  // The count enters the loop as the constant 1, then comes back round as 5.
  source += `(func (export "loop") (param i64) (result i64) (local i32)
    local.get 0
    i64.const 1
    loop $l (param i64 i64) (result i64)
      i64.shl
      local.get 1 i32.const 1 i32.add local.tee 1
      i32.const 3 i32.lt_u
      if (param i64) (result i64)
        i64.const 5
        br $l
      end
    end))`;
  const [interp, jit] = await both(source);
  for (const x of [1n, 0x8000000000000001n, 0x0123456789abcdefn, 0xffffffffffffffffn]) {
    for (const op of ops) {
      for (const c of counts) {
        assert.deepEqual(outcome(jit, `${op}_${c}`, [x]), outcome(interp, `${op}_${c}`, [x]));
      }
    }
    assert.deepEqual(outcome(jit, "loop", [x]), outcome(interp, "loop", [x]));
  }
  assert.deepEqual(outcome(jit, "loop", [1n]), [1n << 11n]);
  assert.deepEqual(outcome(jit, "rotr_33", [1n]), [1n << 31n]);
});

test("register-code tier code calls structured functions and goes on after them", async () => {
  // $sum has a funcref local, which the structured tier does not take: it runs in the
  // register-code tier, and calls $grow_store (structured) from its loop. The callee grows
  // the memory and writes to the new page: the caller, and $peek that it calls next through
  // \`run\`, must see both after each call.
  const source = `(module
    (memory (export "mem") 1)
    (func $grow_store (param i32) (result i32)
      (local $page i32)
      (local.set $page (memory.grow (i32.const 1)))
      (i32.store (i32.shl (local.get $page) (i32.const 16)) (i32.mul (local.get 0) (i32.const 3)))
      (i32.div_u (i32.const 100) (i32.sub (local.get 0) (i32.const 7))))
    ;; Reached through a table (the register-code tier leaves to run for it), in that tier too.
    (func $peek (result i32) (local funcref)
      (i32.load (i32.shl (i32.sub (memory.size) (i32.const 1)) (i32.const 16))))
    (table funcref (elem $peek))
    (func (export "sum") (param $n i32) (result i32)
      (local $i i32) (local $acc i32) (local $f funcref)
      (loop $l
        (local.set $acc (i32.add (local.get $acc)
          (i32.add (call $grow_store (local.get $i)) (call_indirect (result i32) (i32.const 0)))))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
      (local.get $acc)))`;
  const [interp, jit] = await both(source);
  assert.deepEqual(outcome(jit, "sum", [5n]), outcome(interp, "sum", [5n]));
  // 100/(i-7) wraps for i < 7 (unsigned); plus 3i read back from each new page.
  const expected = [0, 1, 2, 3, 4].reduce(
    (acc, i) => (acc + Math.floor(100 / ((i - 7) >>> 0)) + 3 * i) | 0,
    0,
  );
  assert.deepEqual(outcome(jit, "sum", [5n]), [BigInt(expected)]);
  assert.equal(jit.exportedMemory("mem")!.pages, 11);
  // i = 7 divides by zero in the callee: the trace names both functions.
  const trap = outcome(jit, "sum", [9n]) as { trap: string; stack: string[] };
  assert.equal(trap.trap, "integer divide by zero");
  assert.deepEqual(trap, outcome(interp, "sum", [9n]));
  assert.equal(trap.stack.length, 2);
});

test("metered code charges the same fuel in the structured tier, and runs out at the same point", async () => {
  const dir = new URL("../../bench/programs/", import.meta.url);
  for (const name of ["fib.wasm", "sieve.wasm", "hash64.wasm", "vm.wasm"]) {
    const bytes = readFileSync(new URL(name, dir));
    const modules: Module[] = [];
    for (const jsTier of [false, 1] as const) {
      modules.push(await new Runtime({ fuel: true, jsTier }).instantiate(bytes));
    }
    const n = name.startsWith("fib") ? 12 : 1;
    const used: number[] = [];
    for (const m of modules) {
      m.fuel = 1e12;
      m.exportedFunction("run")!.call(n);
      used.push(1e12 - m.fuel);
    }
    assert.ok(used[0] > 1000, `${name}: ${used}`);
    assert.equal(used[1], used[0], `${name}: the same fuel in both tiers`);
    // Out of fuel part way: the same trap, trace and fuel left.
    const stops = modules.map((m) => {
      m.fuel = Math.floor(used[0] / 3);
      return [outcome(m, "run", [BigInt(n)]), m.fuel];
    });
    assert.deepEqual(stops[1], stops[0], name);
    assert.equal((stops[0][0] as { trap: string }).trap, "out of fuel");
  }
});

/** A function with `repeats` × 8 bytes of straight-line code before a loop of `n` turns. */
function paddedLoop(repeats: number): string {
  const prefix = "(global.set $g (i32.add (global.get $g) (i32.const 300)))\n".repeat(repeats);
  return `(module
    (global $g (mut i32) (i32.const 0))
    (func (export "big") (param $n i32) (result i32)
      ${prefix}
      (loop $l
        (global.set $g (i32.add (global.get $g) (local.get $n)))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
      (global.get $g)))`;
}

test("a function too big for the structured tier gets the register-code tier once its size is repaid", async () => {
  // About 44 KB of wasm before a loop: over the structured tier's size limit when it is not split
  // (as a body over 400 KB is not).
  const policy = setSplitPolicy(null);
  try {
    await tooBigForStructured();
  } finally {
    setSplitPolicy(policy);
  }
});

test("a 44 KB function is compiled by the structured tier, split", async () => {
  const runtime = new Runtime({ jsTier: 1 });
  const compiled = await runtime.compileModule(paddedLoop(5500));
  const big = (await runtime.instantiateModule(compiled)).exportedFunction("big")!;
  assert.deepEqual(big.call(10), [300 * 5500 + 55]);
  assert.ok(compiled.code[0].structured?.factory, "the structured tier compiled it");
});

async function tooBigForStructured() {
  const repeats = 5500;
  const runtime = new Runtime({});
  const compiled = await runtime.compileModule(paddedLoop(repeats));
  const module = await runtime.instantiateModule(compiled);
  const big = module.exportedFunction("big")!;
  const expected = (n: number) =>
    Number(BigInt.asIntN(32, BigInt(300 * repeats) + BigInt(n) * BigInt(n + 1) / 2n));
  // The tier's heat is 1,000 plus 20 (on Bun 60) per byte of the body: 5,000 iterations are not
  // enough.
  assert.deepEqual(big.call(5000), [expected(5000)]);
  assert.equal(compiled.code[0].js, null);
  // One call looping past 1,000 + 60 × ~44,000: compiled during that call.
  // $g keeps what the first call added.
  const n = 3_000_000;
  assert.ok(n > 1000 + 60 * compiled.code[0].bodyBytes);
  assert.deepEqual(big.call(n), [expected(n) + expected(5000) | 0]);
  assert.notEqual(compiled.code[0].js, null);
  assert.equal(compiled.code[0].structured?.factory, false);
}

test("a 20 KB function is compiled by the structured tier", async () => {
  const runtime = new Runtime({ jsTier: 1 });
  const compiled = await runtime.compileModule(paddedLoop(2500));
  assert.ok(compiled.code[0].bodyBytes > 19_000, `${compiled.code[0].bodyBytes}`);
  const big = (await runtime.instantiateModule(compiled)).exportedFunction("big")!;
  assert.deepEqual(big.call(10), [300 * 2500 + 55]);
  assert.ok(compiled.code[0].structured?.factory, "the structured tier compiled it");
});

/** An early return that calls never take: a call may run only a few instructions. */
const NEVER_TAKEN_RETURN =
  "(if (i32.eq (local.get 0) (i32.const -1)) (then (return (i32.const -1))))";

test("the default policy compiles a bigger function after more calls; a jsTier count does not", async () => {
  // The same function padded to ~100 and ~2,000 bytes: 200 calls plus 20 per byte (structuredCount).
  const body = (pad: number, guard = NEVER_TAKEN_RETURN) =>
    `(module (global $g (mut i32) (i32.const 0))
    (func (export "f") (param i32) (result i32)
      ${guard}
      ${"(global.set $g (i32.add (global.get $g) (i32.const 3)))\n".repeat(pad)}
      (i32.add (local.get 0) (global.get $g))))`;
  const calls = async (pad: number, config: { jsTier?: number }, guard?: string) => {
    const runtime = new Runtime(config);
    const compiled = await runtime.compileModule(body(pad, guard));
    const f = (await runtime.instantiateModule(compiled)).exportedFunction("f")!;
    const code = compiled.code[0];
    for (let n = 1; n < 200_000; n++) {
      f.call(n);
      if (code.structured?.factory) return { n, bytes: code.bodyBytes, heatBytes: code.heatBytes };
    }
    return { n: -1, bytes: code.bodyBytes, heatBytes: code.heatBytes };
  };
  const small = await calls(8, {}), large = await calls(300, {});
  assert.ok(small.bytes < 130 && large.bytes > 1800, `${small.bytes} ${large.bytes}`);
  assert.equal(small.n, structuredCount(small.bytes));
  assert.equal(large.n, structuredCount(large.bytes));
  assert.ok(large.n > small.n + 400 * STRUCTURED_CALLS_PER_BYTE, `${small.n} ${large.n}`);
  assert.deepEqual((await calls(300, { jsTier: 200 })).n, 200);
  // Without the early return every call runs ~900 instructions: the size weighs less.
  const straight = await calls(300, {}, "");
  assert.ok(
    straight.heatBytes > 0 && straight.heatBytes < straight.bytes / 10,
    `${straight.heatBytes}`,
  );
  assert.equal(straight.n, structuredCount(straight.heatBytes));
});

test("a host without WebAssembly (no JIT: --jitless) gets counts a twentieth of the JIT's or less", () => {
  const withoutJit = noNativeWebAssembly((globalThis as { WebAssembly?: unknown }).WebAssembly);
  assert.equal(WITHOUT_JIT, withoutJit);
  assert.equal(DEFAULT_STRUCTURED_HEAT, withoutJit ? 10 : 200);
  assert.equal(DEFAULT_JS_TIER_HEAT, withoutJit ? 50 : 1000);
  assert.equal(STRUCTURED_CALLS_PER_BYTE, withoutJit ? 0.25 : ON_JAVASCRIPTCORE ? 45 : 20);
  assert.equal(JS_TIER_HEAT_PER_BYTE, withoutJit ? 0.25 : ON_JAVASCRIPTCORE ? 60 : 20);
});

test("calls into compiled code count toward compiling the caller (on Bun, a large one)", async () => {
  // $f makes 20 calls of $leaf, which is compiled after a few hundred calls; with 300 updates of
  // the global it is ~2,000 bytes (200 + 20 per byte: ~42,000 calls), with 60 ~400 bytes.
  for (const updates of [300, 60]) {
    const source = `(module (global $g (mut i32) (i32.const 0))
      (func $leaf (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
      (func (export "f") (param i32) (result i32)
        ${NEVER_TAKEN_RETURN}
        (if (local.get 0) (then
          ${"(global.set $g (i32.add (global.get $g) (i32.const 3)))\n".repeat(updates)}))
        ${"(call $leaf ".repeat(20)}(local.get 0)${")".repeat(20)})
    )`;
    const runtime = new Runtime({});
    const compiled = await runtime.compileModule(source);
    const f = (await runtime.instantiateModule(compiled)).exportedFunction("f")!;
    const code = compiled.code[1];
    const threshold = structuredCount(code.bodyBytes);
    assert.ok(
      threshold > (updates === 300 ? 2_000 : 400) * STRUCTURED_CALLS_PER_BYTE,
      `${threshold}`,
    );
    let n = 1;
    for (; n <= threshold && !code.structured?.factory; n++) assert.deepEqual(f.call(0), [20]);
    assert.ok(compiled.code[0].structured?.factory, "the leaf is compiled");
    if (code.bodyBytes < COMPILED_CALL_HEAT_MIN_BYTES) {
      assert.equal(n, threshold + 1);
    } else {
      // Each call counts 1 + 20 once the leaf is compiled.
      assert.ok(n < threshold / 20 + 40, `compiled after ${n} calls, not ~${threshold / 21}`);
      assert.ok(n > threshold / 21, `${n}`);
    }
    assert.deepEqual(f.call(0), [20]);
  }
  // The large one counts on every engine, the small one on V8 only.
  assert.ok(COMPILED_CALL_HEAT_MIN_BYTES < 2_000 && COMPILED_CALL_HEAT === 1);
});

test("an interpreted caller's calls compile a function at exactly its count, compiled calls included", async () => {
  // The interpreter's call case tests only FunctionInstance.heatCheckAt, and the full test sets it:
  // the 5 calls of the compiled $leaf that each call of $mid makes must lower it (on V8; on
  // JavaScriptCore they count for large bodies only), or $mid would be compiled late.
  const source = `(module
    (func $leaf (export "leaf") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (func $mid (param i32) (result i32)
      ${"(call $leaf ".repeat(5)}(local.get 0)${")".repeat(5)})
    (func (export "top") (param i32) (result i32) (call $mid (local.get 0))))`;
  const runtime = new Runtime({ jsTier: 50 });
  const m = await runtime.instantiate(source);
  const leaf = WasmFunction.instance(m.exportedFunction("leaf")!);
  for (let i = 0; i < 50; i++) m.exportedFunction("leaf")!.call(i);
  assert.notEqual(leaf.jit, null);
  const midFn = leaf.instance!.functions[1];
  const counted = 1 + (midFn.code!.bodyBytes >= COMPILED_CALL_HEAT_MIN_BYTES ? 5 : 0);
  // Compiled by the call at which calls + counted compiled calls of the calls before reach 50.
  let expected = 1;
  while (expected + (expected - 1) * (counted - 1) < 50) expected++;
  for (let n = 1; n <= expected; n++) {
    assert.equal(midFn.jit, null, `compiled before call ${n} of ${expected}`);
    assert.deepEqual(m.exportedFunction("top")!.call(n), [n + 5]);
  }
  assert.notEqual(midFn.jit, null, `not compiled by call ${expected}`);
  runtime.close();
});

test("register-code tier code makes call_indirect calls of structured functions itself", async () => {
  const source = `(module
    (type $ii (func (param i32) (result i32)))
    (func $sq (type $ii) (i32.mul (local.get 0) (local.get 0)))
    (func $neg (param i64) (result i64) (i64.sub (i64.const 0) (local.get 0)))
    (table funcref (elem $sq $neg))
    (func (export "sum") (param $n i32) (param $slot i32) (result i32)
      (local $acc i32) (local $f funcref)
      (loop $l
        (local.set $acc (i32.add (local.get $acc)
          (call_indirect (type $ii) (local.get $n) (local.get $slot))))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
      (local.get $acc)))`;
  const [interp, jit] = await both(source);
  assert.deepEqual(outcome(jit, "sum", [100n, 0n]), [338350n]); // 1² + ... + 100²
  for (const slot of [1n, 2n]) {
    const trap = outcome(jit, "sum", [3n, slot]) as { trap: string };
    assert.match(trap.trap, slot === 1n ? /indirect call type mismatch/ : /undefined element/);
    assert.deepEqual(trap, outcome(interp, "sum", [3n, slot]));
  }
});

test("compiled code counts the interruption budget only while a deadline or signal can stop the call", async () => {
  // A module closed mid-call earlier in this process turns the checks on for good (below).
  J.alwaysCheck = false;
  J.checks = false;
  const m = await new Runtime({ jsTier: 1 }).instantiate(`(module
    (func (export "count") (param i32) (result i32) (local i32)
      (loop $l
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
      (local.get 1)))`);
  const count = m.exportedFunction("count")!;
  assert.deepEqual(count.call(10), [10]);
  J.budget = 10_000;
  assert.deepEqual(count.call(5_000), [5_000]);
  assert.equal(J.budget, 10_000, "no deadline, no signal: nothing to count");
  assert.deepEqual(count.withOptions({ timeout: 60_000 }).call(5_000), [5_000]);
  assert.equal(J.budget, 5_000, "a deadline: one unit per iteration");
  assert.equal(J.checks, false, "the entry puts the checks back as they were");
  const controller = new AbortController();
  assert.deepEqual(count.withOptions({ signal: controller.signal }).call(3_000), [3_000]);
  assert.equal(J.budget, 2_000, "a signal: one unit per iteration");
  // And a deadline still stops a compiled loop.
  const spin = await new Runtime({ jsTier: 1 }).instantiate(
    `(module (func (export "spin") (loop $l (br $l))))`,
  );
  assert.throws(
    () => spin.exportedFunction("spin")!.withOptions({ timeout: 20 }).call(),
    /deadline exceeded/,
  );
});

test("a module closed during a call stops its compiled loop, with no deadline or signal", async () => {
  const runtime = new Runtime({ jsTier: 1 });
  let calls = 0;
  const closing: { module?: Module } = {};
  await runtime.newHostModuleBuilder("env").newFunctionBuilder().withFunc(
    () => {
      if (++calls === 3) closing.module!.close(5);
      if (calls > 1_000_000) throw new Error("the closed module's loop was not interrupted");
    },
    [],
    [],
  ).export("tick").instantiate();
  // The host function's caller is "relay", not the closed module, so only the loop's own
  // interruption check can see the close.
  await runtime.instantiate(
    `(module (import "env" "tick" (func $t)) (func (export "relay") (call $t)))`,
    { name: "relay" },
  );
  const looping = await runtime.instantiate(`(module (import "relay" "relay" (func $r))
    (func (export "spin") (loop $l (call $r) (br $l))))`);
  closing.module = looping;
  assert.throws(
    () => looping.exportedFunction("spin")!.call(),
    (e) => (e as { exitCode?: number }).exitCode === 5,
  );
  assert.ok(calls >= 3 && calls < 20_000, `interrupted after ${calls} calls`);
  assert.equal(J.alwaysCheck, true);
  J.alwaysCheck = false;
  J.checks = false;
});
