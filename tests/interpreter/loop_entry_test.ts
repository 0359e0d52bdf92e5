// Loop entries: the structured tier takes over a running call at the header of an outermost
// loop (`generateFunction`'s `loopAt`, `Machine.enterLoop`). Every call must compute, trap,
// trace and charge fuel exactly as the interpreter does, and the code before the loop must
// not run twice.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { type Module, Runtime } from "../../mod.ts";
import { callOutcome } from "../helpers/call_outcome.ts";
import { useLoopEntries } from "../../lib/runtime/runtime.ts";
import {
  DEFAULT_JS_TIER_HEAT,
  JS_TIER_HEAT_PER_BYTE,
} from "../../lib/interpreter/execute/tier_policy.ts";
import { decodeModule } from "../../lib/binary/decoder.ts";
import { validateModule } from "../../lib/validate/module_validator.ts";
import { codegenModule, generateFunction } from "../../lib/interpreter/jit/codegen.ts";
import { J } from "../../lib/interpreter/jit/state.ts";
import type { LoopEntry } from "../../lib/interpreter/jit/compile.ts";
import { wat2wasm } from "../../lib/text/index.ts";

const SOURCE = `(module
  (import "env" "note" (func $note (param i32)))
  (memory 1)
  (global $runs (mut i32) (i32.const 0))
  ;; Every kind of local crosses the entry; the code before the loop has effects.
  (func $mix (export "mix") (param $n i32) (param $x i64) (param $f f32) (result i64 f32 f64 i32 i32)
    (local $i i32) (local $d f64) (local $v v128) (local $g f32)
    (global.set $runs (i32.add (global.get $runs) (i32.const 1)))
    (local.set $d (f64.const 1.5))
    (local.set $g (local.get $f))
    (local.set $v (v128.const i32x4 1 2 3 4))
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (if (i32.gt_s (local.get $n) (i32.const -1))
        (then
          (call $note (local.get $n))
          (loop $l
            (local.set $x (i64.add (i64.mul (local.get $x) (i64.const 0x100000001))
                                   (i64.extend_i32_u (local.get $i))))
            (local.set $d (f64.add (local.get $d) (f64.convert_i32_s (local.get $i))))
            (local.set $v (i32x4.add (local.get $v) (i32x4.splat (local.get $i))))
            (i32.store (i32.shl (i32.and (local.get $i) (i32.const 255)) (i32.const 2)) (local.get $i))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))
        (else (unreachable))))
    (local.get $x) (local.get $g) (local.get $d) (global.get $runs)
    (i32.add (i32x4.extract_lane 3 (local.get $v)) (i32.load (i32.const 8))))
  ;; The loop in an else-part, and memory growing inside it.
  (func (export "elseLoop") (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (if (i32.lt_s (local.get $n) (i32.const 0))
      (then (local.set $s (i32.const -1)))
      (else
        (local.set $s (i32.const 100))
        (loop $l
          (local.set $s (i32.add (local.get $s) (local.get $i)))
          (if (i32.eq (local.get $i) (i32.const 3)) (then (drop (memory.grow (i32.const 1)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_s (local.get $i) (local.get $n))))))
    (i32.add (local.get $s) (memory.size)))
  (func $inner (param i32) (result i32) (i32.div_s (i32.const 100) (local.get 0)))
  ;; Traps in a callee when i reaches n.
  (func $trapLoop (export "trapLoop") (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (call $inner (i32.sub (local.get $n) (local.get $i)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.le_s (local.get $i) (local.get $n))))
    (local.get $s))
  ;; Calls into a loop entry from a wasm frame: the entered call returns to it.
  (func (export "outer") (param $n i32) (param $stop i32) (result i32)
    (i32.add (i32.const 1000)
      (if (result i32) (local.get $stop)
        (then (call $trapLoop (local.get $n)))
        (else (call $sum (local.get $n))))))
  (func $sum (param $n i32) (result i32)
    (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (local.get $i)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_s (local.get $i) (local.get $n))))
    (local.get $s))
  ;; A loop entered with a value on the operand stack is no loop entry.
  (func (export "stacked") (param $n i32) (result i32)
    (local $i i32)
    (i32.add (i32.const 7)
      (block (result i32)
        (loop $l
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_s (local.get $i) (local.get $n))))
        (local.get $i))))
  (func (export "spin") (loop $l (br $l)))
)`;

/** The module with `note` defined instead of imported (same function indices). */
const WITHOUT_IMPORT = SOURCE.replace(
  `(import "env" "note" (func $note (param i32)))`,
  `(func $note (param i32))`,
);

/** Index of each exported function in the module's function space (one import first). */
const INDEX = { mix: 1, elseLoop: 2, trapLoop: 4, sum: 6, stacked: 7, spin: 8 };

async function instantiate(runtime: Runtime, notes: number[]): Promise<Module> {
  await runtime.newHostModuleBuilder("env")
    .newFunctionBuilder().withFunc(
      (_caller: Module | undefined, n: number) => {
        notes.push(n);
      },
      ["i32"],
      [],
    ).export("note")
    .instantiate();
  return await runtime.instantiate(SOURCE);
}

/** The interpreter's module and a loop-entering one, with the notes their host function took. */
async function pair() {
  const interpNotes: number[] = [], entryNotes: number[] = [];
  const interp = await instantiate(new Runtime({ jsTier: false }), interpNotes);
  const entry = await instantiate(useLoopEntries(new Runtime({ jsTier: 1 })), entryNotes);
  countLoopEntries(interp);
  countLoopEntries(entry);
  return { interp, entry, interpNotes, entryNotes };
}

/** How many times compiled code of each function ran from a loop entry (see `countLoopEntries`). */
const loopEntryRuns = new WeakMap<object, number>();

/** Counts, per function of `m`, the runs of the loop entries the structured tier makes for it. */
function countLoopEntries(m: Module): void {
  for (const fn of m.state.functions) {
    loopEntryRuns.set(fn, 0);
    fn.loopEntries = new class extends Map<number, LoopEntry> {
      override set(at: number, entry: LoopEntry): this {
        const enter = entry.enter;
        entry.enter = (machine, base, d) => {
          loopEntryRuns.set(fn, loopEntryRuns.get(fn)! + 1);
          enter(machine, base, d);
        };
        return super.set(at, entry);
      }
    }();
  }
}

const outcome = callOutcome;

/** True once the structured tier ran function `index` of `m` from a loop entry. */
function entered(m: Module, index: number): boolean {
  return loopEntryRuns.get(m.state.functions[index])! > 0;
}

test("a loop entry computes what the interpreter does, with every kind of local", async () => {
  const { interp, entry, interpNotes, entryNotes } = await pair();
  // A signalling NaN's payload crosses the entry in an f32 local.
  const nan = 0x7fa00001;
  for (const n of [0, 1, 2, 5, 300]) {
    const args = [n, 0x1234_5678_9abcn, nan];
    assert.deepEqual(outcome(entry, "mix", args), outcome(interp, "mix", args), `mix(${n})`);
  }
  assert.ok(entered(entry, INDEX.mix), "mix was entered at its loop");
  assert.ok(!entered(interp, INDEX.mix));
  // The code before the loop ran once per call: the global and the host calls agree.
  assert.deepEqual(entryNotes, interpNotes);
  assert.deepEqual(entry.memory()!.read(0, 1024), interp.memory()!.read(0, 1024));
});

test("a loop in an else-part is entered, and memory grown inside it is seen after", async () => {
  const { interp, entry } = await pair();
  for (const n of [-1, 2, 10]) {
    assert.deepEqual(outcome(entry, "elseLoop", [n]), outcome(interp, "elseLoop", [n]), `${n}`);
  }
  assert.ok(entered(entry, INDEX.elseLoop));
  assert.equal(entry.memory()!.size, interp.memory()!.size);
});

test("a loop entry returns to the wasm frame that called it, and its traps name each frame once", async () => {
  const { interp, entry } = await pair();
  assert.deepEqual(outcome(entry, "outer", [50, 0]), outcome(interp, "outer", [50, 0]));
  assert.ok(entered(entry, INDEX.sum), "the callee of a wasm frame was entered at its loop");
  const trap = outcome(entry, "outer", [9, 1]) as { trap: string; stack: string[] };
  assert.equal(trap.trap, "integer divide by zero");
  assert.deepEqual(trap, outcome(interp, "outer", [9, 1]));
  assert.equal(trap.stack.length, 3, trap.stack.join("\n"));
  assert.ok(entered(entry, INDEX.trapLoop));
  assert.equal(J.depth, 0, "the shared depth is restored after the trap");
  // The same module goes on working after the trap.
  assert.deepEqual(outcome(entry, "outer", [9, 0]), outcome(interp, "outer", [9, 0]));
});

test("only outermost loops entered with an empty operand stack are loop entries", async () => {
  const { interp, entry } = await pair();
  assert.deepEqual(outcome(entry, "stacked", [40]), outcome(interp, "stacked", [40]));
  assert.ok(!entered(entry, INDEX.stacked));
  const module = decodeModule(wat2wasm(SOURCE));
  const cm = codegenModule(module);
  // `stacked`'s loop is at some offset: no offset of its body gives a loop entry.
  const body = module.codes[INDEX.stacked - module.importedFunctionCount];
  for (let at = body.start; at < body.end; at++) {
    assert.equal(generateFunction(cm, INDEX.stacked, undefined, false, at), null, `@${at}`);
  }
  const sum = module.codes[INDEX.sum - module.importedFunctionCount];
  const found = [];
  for (let at = sum.start; at < sum.end; at++) {
    if (generateFunction(cm, INDEX.sum, undefined, false, at) !== null) found.push(at);
  }
  assert.equal(found.length, 1, "one loop entry in sum, at its loop");
});

test("a deadline and an abort signal stop a loop entered mid-call", async () => {
  const m = await useLoopEntries(new Runtime({ jsTier: 1 })).instantiate(WITHOUT_IMPORT);
  countLoopEntries(m);
  const spin = m.exportedFunction("spin")!;
  assert.throws(() => spin.withOptions({ timeout: 50 }).call(), /deadline exceeded/);
  assert.ok(entered(m, INDEX.spin), "spin was entered at its loop");
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 20);
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.throws(() => spin.withOptions({ signal: controller.signal }).call(), /aborted/);
});

test("metered code entered at a loop charges the interpreter's fuel and runs out at the same point", async () => {
  const dir = new URL("../../bench/programs/", import.meta.url);
  for (const name of ["sieve.wasm", "hash64.wasm", "vm.wasm"]) {
    const bytes = readFileSync(new URL(name, dir));
    const modules = [
      await new Runtime({ fuel: true, jsTier: false }).instantiate(bytes),
      await useLoopEntries(new Runtime({ fuel: true, jsTier: 1 })).instantiate(bytes),
    ];
    countLoopEntries(modules[1]);
    const used: number[] = [];
    for (const m of modules) {
      m.fuel = 1e12;
      m.exportedFunction("run")!.call(1);
      used.push(1e12 - m.fuel);
    }
    assert.ok(modules[1].state.functions.some((f) => loopEntryRuns.get(f)! > 0), `${name} entered`);
    assert.equal(used[1], used[0], `${name}: the same fuel`);
    const stops = modules.map((m) => {
      m.fuel = Math.floor(used[0] / 3);
      return [outcome(m, "run", [1n]), m.fuel];
    });
    assert.deepEqual(stops[1], stops[0], name);
    assert.equal((stops[0][0] as { trap: string }).trap, "out of fuel");
  }
});

test("by default a long-running call is entered at its loop, with the interpreter's result", async () => {
  const interp = await new Runtime({ jsTier: false }).instantiate(WITHOUT_IMPORT);
  const tiered = await new Runtime().instantiate(WITHOUT_IMPORT);
  countLoopEntries(tiered);
  const n = 3_000_000;
  assert.deepEqual(
    tiered.exportedFunction("elseLoop")!.call(n),
    interp.exportedFunction("elseLoop")!.call(n),
  );
  assert.ok(entered(tiered, INDEX.elseLoop), "a call looping millions of times is entered");
});

test("a call of a function called at most twice is entered once it loops its heat again; others wait longer", async () => {
  // count(n): one loop, n turns. Its heat: 1,000 plus JS_TIER_HEAT_PER_BYTE per byte.
  const source = `(module (global $g (mut i32) (i32.const 0))
    (func (export "count") (param $n i32) (result i32)
      (loop $l
        (global.set $g (i32.add (global.get $g) (local.get $n)))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
      (global.get $g)))`;
  const runtime = new Runtime();
  const compiled = await runtime.compileModule(source);
  const heat = DEFAULT_JS_TIER_HEAT + JS_TIER_HEAT_PER_BYTE * compiled.code[0].bodyBytes;
  // Past twice its heat, below its heat plus the 50,000 branches a much-called function waits.
  const turns = 2 * heat + 1_000;
  assert.ok(turns < heat + 50_000, `${turns}`);
  const first = await runtime.instantiateModule(compiled);
  countLoopEntries(first);
  const sum = (n: number) => n * (n + 1) / 2 | 0;
  assert.deepEqual(first.exportedFunction("count")!.call(turns), [sum(turns)]);
  assert.ok(entered(first, 0), "the first call is entered at its loop");

  // Three short calls first: the fourth call's heat is not its own, so it is not entered.
  const other = await new Runtime().instantiate(source);
  countLoopEntries(other);
  const count = other.exportedFunction("count")!;
  for (let i = 0; i < 3; i++) count.call(10);
  assert.deepEqual(count.call(turns), [(sum(turns) + 3 * sum(10)) | 0]);
  assert.ok(!entered(other, 0), "a fourth call looping as long is not entered");
});

test("a loop entry takes the locals its body names, not every declared one", async () => {
  // 5,000 locals, of which the body names the parameter, $i (index 2,001) and $acc (4,999).
  const source = `(module
    (func (export "sum") (param $n i32) (result i64)
      (local i32 i32) (local f64) (local ${"i32 ".repeat(1_997)}) (local $i i32)
      (local ${"i64 ".repeat(2_997)}) (local $acc i64)
      (loop $l
        (local.set $acc (i64.add (local.get $acc) (i64.extend_i32_u (local.get $i))))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
      (local.get $acc)))`;
  const module = decodeModule(wat2wasm(source));
  const loopAt = module.codes[0].start; // the body starts with the loop
  const generated = generateFunction(codegenModule(module), 0, undefined, false, loopAt)!;
  assert.deepEqual(generated.entryLocals, [0, 2_001, 4_999]);
  const unnamed = /\b[lm](1|3|2000|4998)\b/;
  assert.match(generated.source, /\bl2001\b/);
  assert.doesNotMatch(generated.source, unnamed);
  // Compiled whole, only the named locals are declared.
  const whole = generateFunction(codegenModule(module), 0)!.source;
  assert.match(whole, /\bm4999 = 0/);
  assert.doesNotMatch(whole, unnamed);

  const interp = await new Runtime({ jsTier: false }).instantiate(source);
  const entry = await useLoopEntries(new Runtime({ jsTier: 1 })).instantiate(source);
  countLoopEntries(entry);
  for (const n of [1, 3, 5_000]) {
    assert.deepEqual(outcome(entry, "sum", [n]), outcome(interp, "sum", [n]), `sum(${n})`);
  }
  assert.ok(entered(entry, 0), "the loop was entered");
});

test("a loop entry whose body names over 1,000 words of locals stays interpreted", () => {
  // The i32 parameter (one word) and n i64 locals (two each), all named by the body.
  const entry = (n: number) => {
    const sets = Array.from({ length: n }, (_, i) => `(local.set ${i + 1} (i64.const ${i}))`);
    const source = `(module (func (export "f") (param $n i32) (local ${"i64 ".repeat(n)})
      ${sets.join(" ")}
      (loop $l (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))`;
    const module = decodeModule(wat2wasm(source));
    validateModule(module);
    const body = module.codes[0];
    const loopAt = body.start + module.bytes.subarray(body.start, body.end).lastIndexOf(0x03);
    const cm = codegenModule(module);
    assert.notEqual(generateFunction(cm, 0), null, `${n}: compiled whole, declaring them`);
    return generateFunction(cm, 0, undefined, false, loopAt);
  };
  assert.deepEqual(entry(499)!.entryLocals!.length, 500); // 999 words
  assert.equal(entry(500), null); // 1,001 words
});

test("a call waiting for its loop entry through inner loops' branches is entered at the outer loop", async () => {
  // Each of the 5 turns of the outer loop runs two inner loops n times: the call's heat is reached
  // inside them, whose backward branches are not loop entries (each asked for one again and again,
  // answered at once after the first: `FunctionInstance.loopMissAt`), and then the outer loop's is.
  const source = `(module
    (func (export "nested") (param $n i32) (result i32)
      (local $turn i32) (local $i i32) (local $s i32)
      (loop $outer
        (local.set $i (i32.const 0))
        (loop $a
          (local.set $s (i32.add (local.get $s) (local.get $i)))
          (br_if $a (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
        (loop $b
          (local.set $s (i32.xor (local.get $s) (local.get $i)))
          (br_if $b (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
        (br_if $outer (i32.lt_u (local.tee $turn (i32.add (local.get $turn) (i32.const 1)))
          (i32.const 5))))
      (local.get $s)))`;
  const interp = await new Runtime({ jsTier: false }).instantiate(source);
  const tiered = await new Runtime().instantiate(source);
  countLoopEntries(tiered);
  const n = 200_000;
  assert.deepEqual(
    tiered.exportedFunction("nested")!.call(n),
    interp.exportedFunction("nested")!.call(n),
  );
  assert.ok(entered(tiered, 0), "the call is entered at its outer loop");
});
