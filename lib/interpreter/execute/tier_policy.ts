/**
 * When the interpreter hands a function to a JavaScript tier: the counts of
 * calls, entries and backward branches after which the structured tier
 * (`jit/`) or the register-code tier (`js_tier/`) compiles it, how they grow
 * with a function's size and differ between engines, and the choice
 * `Machine.run` makes when a function's count is reached ({@link compileHot}).
 * The counts are `Machine`'s (`MachineLimits`, set from `RuntimeConfig.jsTier`);
 * these are their defaults and the reasons for them, measured on the real
 * programs of `bench/real_programs.ts`. `lib/interpreter/README.md` tells the
 * whole policy.
 *
 * @module
 */

import { loopEntry, prepareStructured } from "../jit/compile.ts";
import type { CompiledFunction } from "../compiled_function.ts";
import type { FunctionInstance } from "../instances.ts";
import { compileJs, type JsCode } from "../js_tier/js_tier.ts";
import { JS_SCOPE } from "../js_tier/scope.ts";
import { ON_JAVASCRIPTCORE, WITHOUT_JIT } from "../engine.ts";
import type { Machine } from "./executor.ts";

/**
 * By default a function is compiled to JavaScript (`js_tier.ts`) when `run`
 * has come to its entry, a return into it or one of its backward branches
 * this many times (50 without a JIT, see {@link DEFAULT_STRUCTURED_HEAT}).
 */
export const DEFAULT_JS_TIER_HEAT = WITHOUT_JIT ? 50 : 1000;

/**
 * Compiles a hot function with the register-code JavaScript tier. When it
 * cannot be (the host forbids generating code) the function stays
 * interpreted and is not tried again before 2^30 more entries.
 *
 * A function that the structured tier will compile (in a synchronous call)
 * gets that tier from its next call on, and this call goes on interpreted:
 * only a call that keeps looping for {@link LONG_RUNNING} times as long
 * (a program's main loop) is worth compiling twice; for a function called
 * at most {@link FEW_CALLS} times, whose heat came from this call, as long
 * as its heat again. (Compiling every
 * function that loops a thousand times made large programs slower than
 * interpreting them on JavaScriptCore.) Such a call is then taken over by
 * the structured tier at a loop entry when `pc`, the backward branch's
 * target, is one (the answer is {@link ENTER_LOOP}); at other backward
 * branches it is asked again, up to {@link LOOP_ENTRY_PATIENCE} times,
 * before the register-code tier compiles the function instead.
 */
export function compileHot(
  cf: CompiledFunction,
  fn: FunctionInstance,
  m: Machine,
  pc: number,
): JsCode | null | typeof ENTER_LOOP {
  // The count is kept with the code; set on the first test (cf.jsLimit is 0 until then).
  const limit = (m.jsTierHeat + m.jsTierPerByte * cf.bodyBytes) | 0;
  // A call waiting for a loop entry (below) asks at every backward branch, and most of them are
  // an inner loop's, asking again and again at the same place: answered at once.
  if (pc === fn.loopMissAt && cf.jsLimit === limit && !m.asyncMode) {
    if (cf.structured!.loopMisses++ < LOOP_ENTRY_PATIENCE) {
      cf.jsHeat = limit - 1;
      return null;
    }
    fn.loopMissAt = -1;
  }
  if (cf.jsLimit !== limit) {
    cf.jsLimit = limit;
    if (cf.jsHeat < limit) return null;
  }
  const plan = cf.structured;
  if (plan !== null && (m.structuredHeat >= 0 || m.loopEntriesOnly) && !m.asyncMode) {
    // The factory is generated now, so that a function the structured tier cannot compile (too
    // big, say) gets this tier at once instead of after LONG_RUNNING times its heat.
    if (
      !m.loopEntriesOnly && fn.jitHeat + callHeat(fn, cf) < m.structuredThreshold(cf) &&
      prepareStructured(fn)
    ) {
      // A function called once or twice whose loops got hot is looping in this very call (a
      // program's main loop, a phase of it): as long again before its loop entry is compiled.
      // Others got hot over many calls: this one must show that it runs long.
      cf.jsHeat = fn.jitHeat <= FEW_CALLS ? 0 : -LONG_RUNNING * m.jsTierHeat;
      fn.jitHeat = m.structuredThreshold(cf);
      return null;
    }
    // Still looping: the rest of this call runs in the structured tier, entered at the header
    // of an outermost loop (the next backward branch to one, if this is not one).
    const entries = cf.loopEntries;
    if (entries.length !== 0 && plan.factory !== false && cf.bodyBytes <= MAX_LOOP_ENTRY_BYTES) {
      for (let i = 0; i < entries.length; i += 2) {
        if (entries[i] === pc) {
          m.pendingLoop = loopEntry(fn, entries[i + 1]);
          if (m.pendingLoop !== null) return ENTER_LOOP;
          // The structured tier cannot compile this loop's entry: no more waiting for one.
          plan.loopMisses = LOOP_ENTRY_PATIENCE;
          break;
        }
      }
      // Asked again at the next backward branch, for a while.
      if (plan.loopMisses++ < LOOP_ENTRY_PATIENCE) {
        cf.jsHeat = limit - 1;
        fn.loopMissAt = pc;
        return null;
      }
    }
  }
  const js = compileJs(cf, JS_SCOPE);
  if (js === null) cf.jsHeat = -(1 << 30);
  else {
    cf.js = js;
    // Below any count: `run` then tests `cf.js` at each entry and backward branch (the count, which
    // it also increments, it resets there).
    cf.jsLimit = -(1 << 30);
  }
  return js;
}

/**
 * How many times its usual heat a call of a structured-tier function must
 * loop to get the structured tier's loop entry (or, without one, the
 * register-code tier) too.
 */
const LONG_RUNNING = 50;

/** Calls of a function (this one included) after which its loops' heat is taken to come from one call. */
const FEW_CALLS = 2;

/**
 * The largest function body (bytes of wasm) that gets loop entries: a loop
 * entry is a second compilation of the function, and JavaScriptCore keeps
 * hundreds of megabytes for those of the yosys ALU's 12–40 KB functions.
 */
const MAX_LOOP_ENTRY_BYTES = 12_000;

/**
 * `compileHot`'s answer where the structured tier takes over the call at the
 * loop header it is at: `run` leaves (as for an interruption check) and
 * `Machine.startInJs` enters {@link Machine.pendingLoop} (`Machine.enterLoop`).
 * Not done in `run`: V8 optimises `run` long before a program's first loop
 * entry, and code there that it has seen run no compare or call of (no type
 * feedback) made it throw that code away and spend ~0.5 s optimising again.
 * (`undefined` because `js === undefined` is a test V8 keeps no feedback for.)
 */
export const ENTER_LOOP = undefined;

/**
 * How many backward branches that are not loop entries a hot call may take
 * (still interpreted, each asking `compileHot` again) before it gets the
 * register-code tier instead: the inner loops of a main loop branch back many
 * times before the main loop does (`coremark_like`'s, tens of thousands).
 */
const LOOP_ENTRY_PATIENCE = 1 << 20;

/**
 * Calls after which the structured tier compiles a function
 * (`RuntimeConfig.jsTier: true`), unless its loops made it hot first.
 * Generating and compiling JavaScript costs about a millisecond per
 * function, which large programs (tens of thousands of functions, most
 * called a few times) must not pay for code that runs once.
 *
 * Without a JIT (`WITHOUT_JIT`: no `WebAssembly` object, as under V8's
 * `--jitless`) the counts are far lower: 10 calls plus a quarter per byte,
 * and 50 entries and backward branches plus a quarter per byte. Generated
 * code is then interpreted by the engine as well, about ten times as fast
 * as `run` interpreted by it, and there is no optimising compile to pay
 * for, only generating the code and the engine's bytecode for it. Under
 * `--jitless` Deno (one run each, 7 December 2026), against the JIT's
 * counts: the yosys ALU 94 against 177 s, the yosys counter 24.8 against
 * 33.8 s, flite (86 words) 3.56 against 5.23 s, `coremark_like` 32.0
 * against 33.5–39.3 s. Lower counts still (2 calls, none per byte) made
 * flite 3.44 s but the counter 27.1 s; 20 and a half per byte, 3.71 and
 * 25.4 s; 20 and 1, 3.73 and 25.8 s.
 */
export const DEFAULT_STRUCTURED_HEAT = WITHOUT_JIT ? 10 : 200;

/**
 * By default a function needs this many more calls per byte of its wasm body
 * before the structured tier compiles it, and {@link JS_TIER_HEAT_PER_BYTE}
 * more entries and backward branches before either tier compiles it for
 * its loops. Compiling costs time in proportion to a function's size, and
 * in a large program most functions that reach a fixed count run little
 * afterwards: in the `@yowasp/yosys` runs of `bench/real_programs.ts`, 3%
 * of the functions called 200 times did 80% of the calls and branches.
 * Compiling only functions whose heat repays their size took those runs from
 * no faster than interpreting to 10–20% faster (see `lib/interpreter/README.md`).
 * For the call count a loop-free function whose every call runs many
 * instructions weighs less than its size (`call_work.ts`).
 * An explicit `jsTier` count turns this off: it compiles at exactly that count.
 * Without a JIT a quarter (see {@link DEFAULT_STRUCTURED_HEAT}). On
 * JavaScriptCore (Bun) 45, since each function it compiles costs it memory
 * (about 1 KB a statement, `bench/HISTORY.md`): the yosys ALU's peak RSS
 * was 344 against 379 MB with 20 (70: 331 MB; 100: 328 MB), its time the
 * same (7.58 against 7.46 s, 4 interleaved rounds; in another 4, 7.60
 * against 7.77 s and 347 against 375 MB), and flite, the yosys counter,
 * `coremark_like`, malloc_churn and a one-word flite run within 2% either
 * way (6 rounds each, 7 December 2026). On V8 fewer compiles were slower.
 */
export const STRUCTURED_CALLS_PER_BYTE = ON_JAVASCRIPTCORE ? 45 : WITHOUT_JIT ? 0.25 : 20;

/**
 * The smallest body (bytes of wasm) whose calls into compiled code count
 * toward compiling it (`COMPILED_CALL_HEAT` in `executor.ts`): 0 on V8, 1,500 on
 * JavaScriptCore (Bun). There, before functions were split (`jit/pieces.ts`),
 * the heat made the ALU 2.5% slower: the big callers it compiled were over
 * JavaScriptCore's optimising size and ran in its baseline tier for good.
 * Split, they pay, but JavaScriptCore's code for every caller it compiles
 * costs memory: in the ALU run (medians of 3 interleaved runs, 6 December
 * 2026) the heat from 1,500 bytes up took 7.25 s and 360 MB of peak RSS,
 * for every size 7.42 s and 383 MB, against 7.45 s and 341 MB before
 * splitting (node: 2.2 s, 257 MB); from 3,000 bytes up, 355 MB.
 */
export const COMPILED_CALL_HEAT_MIN_BYTES = ON_JAVASCRIPTCORE ? 1_500 : 0;

/** The heat `fn` (whose code is `cf`) has from its calls into compiled code, as it counts. */
export function callHeat(fn: FunctionInstance, cf: CompiledFunction): number {
  return cf.bodyBytes >= COMPILED_CALL_HEAT_MIN_BYTES ? fn.compiledCallHeat : 0;
}

/**
 * See {@link STRUCTURED_CALLS_PER_BYTE}: 20 more entries and backward
 * branches per byte on V8 (a quarter without a JIT, see
 * {@link DEFAULT_STRUCTURED_HEAT}), 60 on JavaScriptCore (Bun), whose optimising
 * compilers take longer over big functions. Once loops could be entered
 * mid-call (loop entries), 20 rather than 60 took `coremark_like` from 2.28
 * to 1.72 s on Deno, the yosys counter from 5.5 to 4.7 s and flite from 1.56
 * to 1.49 s, with the yosys ALU unchanged; on Bun it made malloc_churn 12%
 * and the ALU 6% slower (2 interleaved runs each, 5 December 2026).
 */
export const JS_TIER_HEAT_PER_BYTE = ON_JAVASCRIPTCORE ? 60 : WITHOUT_JIT ? 0.25 : 20;
