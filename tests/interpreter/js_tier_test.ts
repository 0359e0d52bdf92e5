// The JavaScript tier: generated from the executor, same results, traps, fuel and interruption.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import {
  callTracer,
  type CompiledModule,
  type Module,
  type ModuleSource,
  Runtime,
  RuntimeError,
} from "../../mod.ts";
import { useRegisterTierOnly } from "../../lib/runtime/runtime.ts";
import { wat2wasm } from "../../lib/text/index.ts";
import { decodeModule } from "../../lib/binary/decoder.ts";
import { validateModule } from "../../lib/validate/module_validator.ts";
import { translateModule } from "../../lib/interpreter/translate/translator.ts";
import {
  JS_TIER_MAX_WORDS,
  jsSource,
  type LoopDispatcher,
  setJsTierMaxWords,
} from "../../lib/interpreter/js_tier/js_tier.ts";
import {
  COLD_OPS_PATH,
  EXECUTOR_PATH,
  generateJsOps,
  JS_OPS_PATH,
  SIMD_OPS_PATH,
} from "../../tools/gen_js_ops.ts";
import { JS_SCOPE } from "../../lib/interpreter/js_tier/scope.ts";
import { JS_OP_TEMPLATES, JS_RARE_TEMPLATE } from "../../lib/interpreter/js_tier/js_ops.ts";
import { OP_SPECS } from "../../lib/interpreter/ops.ts";

const root = new URL("../../", import.meta.url);

test("js_ops.ts is what gen_js_ops.ts makes of the interpreter (rerun it after editing a case)", () => {
  const executor = readFileSync(new URL(EXECUTOR_PATH, root), "utf8");
  const simdOps = readFileSync(new URL(SIMD_OPS_PATH, root), "utf8");
  const coldOps = readFileSync(new URL(COLD_OPS_PATH, root), "utf8");
  assert.equal(
    readFileSync(new URL(JS_OPS_PATH, root), "utf8"),
    generateJsOps(executor, simdOps, coldOps),
  );
});

test("the generated source of every function of the C test programs is valid JavaScript", () => {
  const files = ["bench/programs/", "tests/wasi/programs/"].flatMap((folder) => {
    const dir = new URL(folder, root);
    return readdirSync(dir).filter((f) => f.endsWith(".wasm")).map((f) => new URL(f, dir));
  });
  assert.ok(files.length >= 14);
  let functions = 0;
  for (const file of files) {
    const name = file.pathname;
    const module = validateModule(decodeModule(readFileSync(file)));
    for (const f of translateModule(module)) {
      const { source, blocks } = jsSource(f.code);
      // Operands are written in as literals: no template placeholder may be left over.
      assert.doesNotMatch(source, /@(\d|L)/, name);
      assert.equal(typeof new Function("BLOCK", source), "function");
      // Case numbers are dense: 0, 1, 2, ... in code order.
      const cases = [...blocks].filter((c) => c >= 0);
      assert.deepEqual(cases, cases.map((_, i) => i));
      functions++;
    }
  }
  assert.ok(functions > 200, `${functions} functions`);
});

const LOOPS = `(module
  (memory (export "mem") 1)
  (func (export "sum") (param $n i32) (result i32) (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.mul (local.get $i) (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_s (local.get $i) (local.get $n))))
    (local.get $s))
  (func (export "hash") (param $n i32) (result i64) (local $h i64)
    (local.set $h (i64.const 0xcbf29ce484222325))
    (loop $l
      (local.set $h (i64.mul (i64.xor (local.get $h) (i64.extend_i32_u (local.get $n)))
        (i64.const 0x100000001b3)))
      (local.set $h (i64.rotl (local.get $h) (i64.const 17)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $h))
  (func (export "fill") (param $n i32) (result f64) (local $i i32) (local $x f64)
    (loop $l
      (f64.store (i32.shl (local.get $i) (i32.const 3))
        (f64.div (f64.convert_i32_s (local.get $i)) (f64.const 3)))
      (local.set $x (f64.add (local.get $x)
        (f64.load (i32.shl (local.get $i) (i32.const 3)))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $x))
  (func (export "classify") (param $n i32) (result i32) (local $c i32)
    (loop $l
      (block $d (block $two (block $one (block $zero
        (br_table $zero $one $two $d (i32.rem_u (local.get $n) (i32.const 4))))
        (local.set $c (i32.add (local.get $c) (i32.const 1))) (br $d))
        (local.set $c (i32.add (local.get $c) (i32.const 10))) (br $d))
        (local.set $c (i32.add (local.get $c) (i32.const 100))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $c))
  (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
  (func (export "calls") (param $n i32) (result i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (call $sq (local.get $n))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s))
  (func (export "load_at") (param $n i32) (param $p i32) (result i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (i32.load (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s)))`;

/** Compiles and instantiates `source` in a runtime with the given tier setting. */
async function load(
  jsTier: boolean | number,
  source: ModuleSource = LOOPS,
  extra = {},
): Promise<{ module: Module; compiled: CompiledModule }> {
  const runtime = useRegisterTierOnly(new Runtime({ jsTier, ...extra }));
  const compiled = await runtime.compileModule(source);
  return { module: await runtime.instantiateModule(compiled), compiled };
}

test("compiled functions compute what the interpreter computes", async () => {
  const interpreted = (await load(false)).module;
  const { module: eager, compiled } = await load(1);
  const calls: [string, ...(number | bigint)[]][] = [
    ["sum", 1000],
    ["hash", 5000],
    ["fill", 3000],
    ["classify", 999],
    ["calls", 2000],
  ];
  for (const [name, ...args] of calls) {
    const want = interpreted.exportedFunction(name)!.call(...args);
    assert.deepEqual(eager.exportedFunction(name)!.call(...args), want, name);
  }
  assert.deepEqual(eager.exportedFunction("sum")!.call(50_000), [-61063496]); // wraps
  // Every defined function that ran is compiled, and nothing else is.
  const ran = compiled.code.filter((f) => f.js !== null).length;
  assert.equal(ran, 6);
  assert.equal((await load(false)).compiled.code.every((f) => f.js === null), true);
});

test("a function is compiled once hot, and keeps its results across the switch", async () => {
  const { module, compiled } = await load(50);
  const sum = module.exportedFunction("sum")!;
  assert.deepEqual(sum.call(10), [285]);
  assert.equal(compiled.code[0].js, null); // 10 iterations: still interpreted
  // The switch happens in the middle of this call's loop.
  assert.deepEqual(sum.call(100), [328350]);
  assert.notEqual(compiled.code[0].js, null);
  assert.deepEqual(sum.call(100), [328350]);
});

test("a trap in compiled code names the same instruction as in the interpreter", async () => {
  const traces: string[][] = [];
  for (const tier of [false, 1]) {
    const { module } = await load(tier);
    const loadAt = module.exportedFunction("load_at")!;
    assert.deepEqual(loadAt.call(3, 16), [0]);
    try {
      loadAt.call(100, 65536 - 80); // the 11th load is out of bounds
      assert.fail("no trap");
    } catch (e) {
      assert.ok(e instanceof RuntimeError);
      assert.equal(e.message, "out of bounds memory access");
      traces.push((e as RuntimeError & { wasmStack: string[] }).wasmStack);
    }
  }
  assert.deepEqual(traces[1], traces[0]);
  assert.match(traces[0][0], /@0x[0-9a-f]+\)$/);
});

test("fuel runs out at the same instruction in both tiers", async () => {
  const left: number[] = [];
  for (const tier of [false, 1]) {
    const { module } = await load(tier, LOOPS, { fuel: true });
    module.fuel = 100_000;
    assert.throws(() => module.exportedFunction("sum")!.call(1e9), /out of fuel/);
    left.push(module.fuel);
    module.fuel = 100_000;
    assert.deepEqual(module.exportedFunction("sum")!.call(100), [328350]);
    left.push(module.fuel);
  }
  assert.deepEqual(left.slice(2), left.slice(0, 2));
  assert.ok(left[1] < 100_000);
});

test("a deadline stops an endless loop running as JavaScript", async () => {
  const { module, compiled } = await load(
    1,
    `(module
    (func (export "spin") (local $i i32)
      (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $l))))`,
  );
  const started = Date.now();
  assert.throws(
    () => module.exportedFunction("spin")!.withOptions({ timeout: 30 }).call(),
    (e) => e instanceof RuntimeError && e.message === "interrupted: deadline exceeded",
  );
  assert.ok(Date.now() - started < 5000);
  assert.notEqual(compiled.code[0].js, null);
});

test("listeners see the same calls, with the same values, in both tiers", async () => {
  const logs: string[][] = [];
  for (const tier of [false, 1]) {
    const lines: string[] = [];
    const { module } = await load(tier, LOOPS, { listeners: callTracer((l) => lines.push(l)) });
    assert.deepEqual(module.exportedFunction("calls")!.call(3), [14]);
    logs.push(lines);
  }
  assert.equal(logs[0].length, 8); // calls, then $sq three times, and their returns
  assert.deepEqual(logs[1], logs[0]);
});

test("jsTier must be true, false or a count of at least 1", () => {
  for (const bad of [0, -1, NaN, Infinity, 2 ** 31]) {
    assert.throws(() => new Runtime({ jsTier: bad }), RangeError);
  }
  assert.ok(new Runtime({ jsTier: 1 }));
});

test("memory grown in a callee is seen by the compiled caller", async () => {
  const { module } = await load(
    1,
    `(module (memory 1)
    (func $grow (drop (memory.grow (i32.const 1))))
    (func (export "grow_and_touch") (param $n i32) (result i32) (local $i i32)
      (loop $l
        (call $grow)
        (i32.store (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 4))
          (local.get $i))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
          (local.get $n))))
      (i32.load (i32.const 655356))))`,
  );
  // 9 grows: 10 pages; the last word of page 10 holds the last i.
  assert.deepEqual(module.exportedFunction("grow_and_touch")!.call(9), [8]);
});

test("wat2wasm output runs the same in both tiers (sanity of the helper scope)", async () => {
  const bytes = wat2wasm(`(module
    (func (export "f") (param f32 i64) (result i32)
      (i32.add (i32.trunc_sat_f32_s (local.get 0))
        (i32.wrap_i64 (i64.div_s (local.get 1) (i64.const 7))))))`);
  for (const tier of [false, 1]) {
    const { module } = await load(tier, bytes);
    assert.deepEqual(module.exportedFunction("f")!.call(1e10, -700n), [2147483647 - 100]);
  }
});

test("the benchmark programs give the same checksums whole, loop by loop, and interpreted", async () => {
  const runs: [string, number][] = [
    ["fib", 18],
    ["sieve", 1],
    ["matmul", 3],
    ["hash64", 5],
    ["qsort", 1],
    ["vm", 300],
    ["utf8", 2],
    ["simd", 3],
  ];
  const sums = async (jsTier: boolean | number) => {
    const out: unknown[] = [];
    for (const [name, n] of runs) {
      const bytes = readFileSync(new URL(`bench/programs/${name}.wasm`, root));
      const { module } = await load(jsTier, bytes);
      out.push(module.exportedFunction("run")!.call(n)[0]);
    }
    return out;
  };
  const interpreted = await sums(false);
  assert.deepEqual(await sums(1), interpreted);
  const old = setJsTierMaxWords(0);
  try {
    assert.deepEqual(await sums(1), interpreted);
  } finally {
    setJsTierMaxWords(old);
  }
});

test("a function too big to compile whole has its hot loop compiled alone", async () => {
  // 400 global updates before the loop: about 4,000 words of register code.
  const prefix = "(global.set $g (i32.add (global.get $g) (i32.const 3)))\n".repeat(400);
  const source = `(module
    (global $g (mut i32) (i32.const 0))
    (memory 1)
    (func (export "big") (param $n i32) (param $p i32) (result i32) (local $s i32)
      ${prefix}
      (loop $l
        (i32.store (local.get $p) (local.get $n))
        (local.set $s (i32.add (local.get $s) (i32.load (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
      (i32.add (local.get $s) (global.get $g))))`;
  const { module, compiled } = await load(5, source);
  const big = module.exportedFunction("big")!;
  // n + (n - 1) + ... + 1 stored and loaded back, plus 1,200 from the globals per call.
  assert.deepEqual(big.call(100, 0), [5050 + 1200]);
  assert.deepEqual(big.call(10, 0), [55 + 2400]);
  assert.ok(compiled.code[0].code.length > JS_TIER_MAX_WORDS); // translated on its first call
  // Compiled code is entered at the loop only: the straight-line prefix stays interpreted.
  const js = compiled.code[0].js as LoopDispatcher;
  assert.equal(js.compiledLoops.length, 1);
  assert.ok(js.compiledLoops[0] > JS_TIER_MAX_WORDS);
  // A trap inside the compiled loop (the 11th store) names the same instruction as the interpreter.
  const traces: string[] = [];
  for (const m of [module, (await load(false, source)).module]) {
    try {
      m.exportedFunction("big")!.call(1000, 65536 - 4 * 10);
    } catch (e) {
      traces.push((e as RuntimeError & { wasmStack: string[] }).wasmStack.join("|"));
    }
  }
  assert.equal(traces.length, 2);
  assert.equal(traces[0], traces[1]);
});

test("a big function's straight-line code is compiled in chunks once hot", async () => {
  // About 4,800 words of straight-line register code (no loop) and a trap at its end.
  const body = "(global.set $g (i32.add (global.get $g) (local.get 0)))\n".repeat(480);
  const source = `(module
    (global $g (mut i32) (i32.const 0))
    (func (export "big") (param i32) (result i32)
      ${body}
      (i32.div_u (global.get $g) (i32.sub (local.get 0) (i32.const 7)))))`;
  const { module, compiled } = await load(1, source);
  const big = module.exportedFunction("big")!;
  let g = 0;
  for (let i = 1; i <= 400; i++) {
    g = (g + 480 * 10) | 0;
    assert.deepEqual(big.call(10), [Math.floor((g >>> 0) / 3)]);
  }
  // Compiled on its first call, then entered at its start 399 more times: the first chunk
  // is compiled after 10 entries (10 times the heat), and each chunk after it (reached by
  // falling off the one before) 10 entries later.
  assert.ok(compiled.code[0].code.length > 2 * JS_TIER_MAX_WORDS);
  const js = compiled.code[0].js as LoopDispatcher;
  assert.deepEqual(js.compiledLoops, []);
  assert.ok(js.compiledChunks.includes(0), `chunks ${js.compiledChunks}`);
  assert.ok(js.compiledChunks.length >= 20, `chunks ${js.compiledChunks}`);
  // The trap at the end (in the last chunk) names the same instruction as the interpreter.
  const traces: string[] = [];
  for (const m of [module, (await load(false, source)).module]) {
    try {
      m.exportedFunction("big")!.call(7);
    } catch (e) {
      traces.push((e as RuntimeError & { wasmStack: string[] }).wasmStack.join("|"));
    }
  }
  assert.equal(traces.length, 2);
  assert.equal(traces[0], traces[1]);
});

const RECURSIVE = `(module
  (memory 1)
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  (func $id (param i64) (result i64) (local.get 0))
  ;; Recursion through i64 values, with a call to another function between the self-calls.
  (func $sum (export "sum") (param $n i64) (result i64) (local $unused f64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (i64.const 0))
      (else (i64.add (call $id (local.get $n))
                     (call $sum (i64.sub (local.get $n) (i64.const 1)))))))
  ;; Loads at 65536 - 8n: the recursion traps n frames deep.
  (func $dive (export "dive") (param $n i32) (result i32)
    (i32.add (i32.load (i32.sub (i32.const 65536) (i32.shl (local.get $n) (i32.const 3))))
      (call $dive (i32.sub (local.get $n) (i32.const 1))))))`;

test("recursion runs in compiled code with the interpreter's results, limits and traces", async () => {
  const results: unknown[][] = [];
  for (const tier of [false, 1]) {
    const { module } = await load(tier, RECURSIVE, { maxCallDepth: 500 });
    const out: unknown[] = [];
    out.push(module.exportedFunction("fib")!.call(20)[0]);
    out.push(module.exportedFunction("sum")!.call(400n)[0]);
    for (const [name, arg] of [["sum", 5000n], ["dive", 6]] as const) {
      try {
        module.exportedFunction(name)!.call(arg);
        out.push("no trap");
      } catch (e) {
        const stack = (e as RuntimeError & { wasmStack: string[] }).wasmStack;
        out.push((e as Error).message, stack.length, stack.slice(0, 3).join("|"));
      }
    }
    // After a trap, the machine is whole again.
    out.push(module.exportedFunction("fib")!.call(10)[0]);
    results.push(out);
  }
  assert.deepEqual(results[1], results[0]);
  assert.deepEqual(results[0].slice(0, 5), [
    6765,
    80200n,
    "call stack exhausted",
    51, // the innermost 50 of the 501 frames (500 nested and the one that could not call), then a count
    results[0][4],
  ]);
  assert.equal(results[0][5], "out of bounds memory access");
  assert.equal(results[0][6], 7); // dive(6) ... dive(0), whose load is at 65536
  assert.equal(results[0][8], 55);
});

test("a deadline stops a compiled loop that awaits an async host function each turn", async () => {
  for (const tier of [false, 1]) {
    const runtime = useRegisterTierOnly(new Runtime({ jsTier: tier }));
    await runtime.newHostModuleBuilder("env").newFunctionBuilder()
      .withFunc(() => Promise.resolve(1), ["i32"], ["i32"]).export("h").instantiate();
    const module = await runtime.instantiate(`(module
      (import "env" "h" (func $h (param i32) (result i32)))
      (func (export "spin") (param $n i32) (result i32) (local $s i32)
        (loop $l
          (local.set $s (i32.add (local.get $s) (call $h (local.get $s))))
          (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
        (local.get $s)))`);
    // Long enough to take seconds, finite so that a regression fails instead of hanging.
    const spin = module.exportedFunction("spin")!.withOptions({ timeout: 30 });
    const started = Date.now();
    await assert.rejects(
      spin.callAsync(3_000_000),
      (e) => e instanceof RuntimeError && e.message === "interrupted: deadline exceeded",
      `jsTier: ${tier}`,
    );
    assert.ok(Date.now() - started < 2000);
  }
});

test("jsTier: false never generates code", async () => {
  const original = globalThis.Function;
  let constructed = 0;
  globalThis.Function = new Proxy(original, {
    construct(target, args) {
      constructed++;
      return Reflect.construct(target, args);
    },
  });
  try {
    const { module, compiled } = await load(false);
    assert.deepEqual(module.exportedFunction("sum")!.call(100_000), [216474736]);
    assert.equal(compiled.code[0].js, null);
  } finally {
    globalThis.Function = original;
  }
  assert.equal(constructed, 0);
});

test("every op's generated code is valid JavaScript that names only what it is given", () => {
  // One instruction of every op, with zero operands (a br_table of one target).
  const words: number[] = [];
  OP_SPECS.forEach(([name, kinds], op) => {
    words.push(op, ...Array(kinds.length).fill(0));
    if (name === "br_table") words.push(0);
  });
  const { source } = jsSource(new Int32Array(words));
  assert.equal(typeof new Function(...Object.keys(JS_SCOPE), "BLOCK", source), "function");
  // The identifiers each body reads are its own locals, the generated function's, or the scope's.
  const known = new Set([
    ...Object.keys(JS_SCOPE),
    ..."m fn R F32 F64 mem globals inst refs code b pc budget depth fuel BLOCK".split(" "),
    ..."const let if else for break new throw true false null Math Number".split(" "),
  ]);
  for (const [op, , body] of [...JS_OP_TEMPLATES, [-1, 1, JS_RARE_TEMPLATE] as const]) {
    const text = body.replace(/"[^"]*"|`[^`]*`/g, '""').replace(/\/\/.*$/gm, "");
    const declared = new Set<string>();
    for (const d of text.matchAll(/\b(?:const|let)\s+([^;]*)/g)) {
      for (const v of d[1].matchAll(/(?:^|,)\s*([A-Za-z_$][\w$]*)\s*=(?!=)/g)) declared.add(v[1]);
    }
    const free = [...text.matchAll(/(?<![.\w$@])([A-Za-z_$][\w$]*)/g)]
      .map((x) => x[1])
      .filter((x) => !known.has(x) && !declared.has(x) && !/^0x/.test(x) && x !== "L");
    assert.deepEqual(free, [], `op ${op} (${OP_SPECS[op]?.[0] ?? "rare"})`);
  }
});
