/**
 * The executor: runs register code. One `switch` in one function handles
 * the frequent instructions; those real programs seldom run live in
 * `cold_ops.ts` and rare ones (tables, bulk memory, some conversions) in
 * `rare_ops.ts`, so that this function's bytecode stays small: V8 stops
 * optimising at 60 KB, and both engines take longer to compile it the
 * larger it is, while a short program waits.
 *
 * Wasm-to-wasm calls never recurse on the JS stack: frames are pushed on an
 * explicit stack (`Machine.frames*`), so the call depth is a configurable
 * limit and exhausting it is a trap.
 *
 * Registers: one `ArrayBuffer` viewed as `R` (Int32Array), `F32` and `F64`.
 * Operands are word offsets from the frame base `b`; an f64 at word offset
 * `x` is `F64[(b + x) >> 1]`. i64 values are (low, high) word pairs.
 * Floats move as bits through `R`, so NaN payloads survive every move.
 *
 * The `case` labels are literals (V8 builds a jump table only for literal
 * cases); the comment beside each names the op, and a test checks they agree
 * with `ops.ts`.
 *
 * @module
 */

import { ExitError, RuntimeError } from "../../errors.ts";
import { HostError } from "./host_error.ts";
import { WasmException } from "../exceptions.ts";
import { exceptionOf, findClause, land, newException } from "./unwind.ts";
import { addTraceFrames, asTrap, MAX_TRACE_FRAMES, wasmFrameText } from "./trap_trace.ts";
import { compileStructured, type LoopEntry } from "../jit/compile.ts";
import { J, type JitHost } from "../jit/state.ts";
import type { EntryAdapter } from "../jit/adapters.ts";
import type { CompiledFunction } from "../compiled_function.ts";
import {
  type FunctionHooks,
  type FunctionInstance,
  type InstanceState,
  memoryView,
  tableCallee,
} from "../instances.ts";
import { executeCold } from "./cold_ops.ts";
import { heatBytes } from "./call_work.ts";
import {
  callHeat,
  compileHot,
  ENTER_LOOP,
  JS_TIER_HEAT_PER_BYTE,
  STRUCTURED_CALLS_PER_BYTE,
} from "./tier_policy.ts";
import { growMemory } from "./other_memories.ts";
import { executeSimd } from "../simd/simd.ts";
import { runSimdOp } from "../simd/simd_ops.ts";
import { divU32, remU32 } from "../numeric/i32.ts";
import { f32Abs, f64Abs } from "../numeric/float.ts";

/**
 * The sign bit that unsigned comparisons flip (see `SIGN` in
 * `js_tier/scope.ts`, which holds the same for the register-code tier's
 * templates). A constant of this module, not an import: in `run` an
 * imported binding is a load and a check at each use, and importing it
 * (together with a constant `run` no longer needs) made V8's code for
 * `run` 5–8% slower on every interpreted kernel.
 */
const SIGN = 0x80000000;

/**
 * Heat that a call from interpreted code into compiled code adds to the
 * caller's count of calls toward the structured tier (see
 * `DEFAULT_STRUCTURED_HEAT` in `tier_policy.ts`; `FunctionInstance.compiledCallHeat`). Such a call leaves the
 * interpreter through an entry adapter into one of hundreds of compiled
 * functions (~50 ns); compiled, the caller would call its callee directly.
 * Counting calls alone kept such callers interpreted when they were big:
 * in the `@yowasp/yosys` ALU run one 28 KB function, called 59,000 times
 * (567,000 short of its size-scaled count), made 10.9 of the 24.6 million
 * calls into compiled code. With this heat 57 more functions are compiled
 * (+100 ms of generating), the calls into compiled code fall to 12.4
 * million and the interpreted instructions from 445 to 374 million; on
 * Deno the ALU took 8.13 instead of 8.42 s, the yosys counter 2.99 instead
 * of 3.24 s and flite 1.12 instead of 1.25 s (`bench:programs --against`,
 * 6 rounds). (Counting a function's backward branches toward the structured
 * tier as well compiled 82 more functions and interpreted 62 million fewer
 * instructions, yet made the ALU 3% slower on Deno: what V8 spends on
 * compiling and warming up a lukewarm function outweighs interpreting it,
 * unless it leaves the interpreter as often as these callers do.)
 * On JavaScriptCore (Bun) it counts only for bodies of at least
 * `COMPILED_CALL_HEAT_MIN_BYTES` (`tier_policy.ts`). Kept here with `run`,
 * which adds it at every such call (an imported binding would cost a load
 * and a check there, see {@link SIGN}).
 */
export const COMPILED_CALL_HEAT = 1;

/**
 * Default size of the wasm call stack, in bytes (64 MiB): every frame's
 * registers (8 bytes for each parameter, local and operand slot) plus
 * {@link FRAME_RECORD_BYTES} for its return record. Enough for a recursion
 * 50,000 deep with frames of 1 KiB, or millions deep with small ones.
 */
export const DEFAULT_MAX_STACK_BYTES = 64 * 1024 * 1024;

/** What the return record of one frame (caller, pc, base) counts against the stack's bytes. */
export const FRAME_RECORD_BYTES = 16;

export { HostError };

/** `Machine.execute`/`resume`: the call finished; its results are at its base. */
export const DONE = 0;
/** `Machine.execute`/`resume`: the call stopped early and can be resumed. */
export const SUSPENDED = 1;
/**
 * `Machine.run` only: it stopped at an interruption check to be entered
 * again. A JIT can switch a running loop to code it has optimised meanwhile
 * only on entering the function (on-stack replacement covers some cases, not
 * all: V8 keeps a call that entered its mid-tier code there, 2× slower, until
 * the call ends), and the interpreter's loop otherwise never exits during a
 * long call.
 */
const REENTER = 2;

/** The register file's first size, in words (16 KB); `ensureWords` grows it by doubling. */
const INITIAL_REGISTER_WORDS = 1 << 12;

/**
 * Backward branches and calls between two checks of the interruption state
 * (abort signal, deadline, closed module). Small enough that a check comes
 * within microseconds, large enough that the checks cost nothing measurable.
 */
export const CHECK_INTERVAL = 10_000;

/** How long an asynchronous call runs before it lets the event loop run (ms). */
const YIELD_INTERVAL_MS = 10;

const now: () => number = typeof globalThis.performance?.now === "function"
  ? () => performance.now()
  : () => Date.now();

/** Limits of one {@link Machine}. */
export interface MachineLimits {
  /** Most nested wasm frames (beyond what {@link maxStackBytes} allows: no limit). */
  maxCallDepth: number;
  /** The call stack's size: registers of every frame plus a return record per frame. */
  maxStackBytes: number;
  /** Compile a function to JavaScript after this many entries and backward branches; -1: never. */
  jsTierHeat: number;
  /** Compile a function with the structured tier after this many calls; -1: never. */
  structuredHeat?: number;
  /**
   * Add {@link STRUCTURED_CALLS_PER_BYTE} and {@link JS_TIER_HEAT_PER_BYTE}
   * per byte of a function's body to those counts (the default policy).
   */
  heatBySize?: boolean;
  /**
   * For tests: the structured tier never compiles a function for its calls,
   * but takes over every call whose loops are hot at its first backward
   * branch to an outermost loop (`structuredHeat` is ignored).
   */
  loopEntriesOnly?: boolean;
}

/** Where a machine gets the machines of nested interpreted calls (the runtime's pool). */
export interface MachinePool {
  acquireMachine(): Machine;
  releaseMachine(m: Machine): void;
}

/**
 * The state of one thread of execution: the register file and the frame
 * stack. A machine runs one call at a time; a host function that calls back
 * into wasm uses another machine.
 */
export class Machine implements JitHost {
  buffer: ArrayBuffer;
  R: Int32Array;
  F32: Float32Array;
  F64: Float64Array;
  /** References, by slot (word offset >> 1). */
  refs: unknown[] = [];
  /** The callee of the `call_ref` being made (see `call_ref_prepare`). */
  refCallee: unknown = null;
  /**
   * Frame stack: the caller's function, return position and frame base.
   * The arrays grow on demand (see {@link growFrames}), all three to the
   * same length: a call then stores its caller at an index the array has
   * (JavaScriptCore's optimised `run` left its code at the first store
   * past the end, and after five such exits threw the code away).
   */
  readonly frameFns: (FunctionInstance | null)[];
  framePcs: Int32Array;
  frameBases: Int32Array;
  /** Most frames the stack may hold (`maxCallDepth`). */
  readonly maxDepth: number;
  /**
   * The stack's budget in words: a call traps when its frame's top word
   * plus 4 words per frame record already on the stack would exceed it.
   */
  stackWords: number;
  /** See {@link MachineLimits.jsTierHeat}. */
  readonly jsTierHeat: number;
  /** See {@link MachineLimits.structuredHeat}. */
  readonly structuredHeat: number;
  /** Extra calls per body byte before the structured tier compiles a function (see {@link MachineLimits.heatBySize}). */
  readonly structuredPerByte: number;
  /** Extra heat per body byte before a function's loops get it compiled. */
  readonly jsTierPerByte: number;
  /** See {@link MachineLimits.loopEntriesOnly}. */
  readonly loopEntriesOnly: boolean;
  /** The runtime's machines, for nested calls from the structured tier. */
  pool: MachinePool | null = null;
  /** A machine running a call for compiled code: host functions' errors stay wrapped. */
  nested = false;
  /** The stack budget the runtime configured (a nested machine gets less: what is left). */
  readonly defaultStackWords: number;

  // The state of a call between `run`s (suspended), and while it runs.
  fn: FunctionInstance | null = null;
  pc = 0;
  b = 0;
  depth = 0;
  budget = CHECK_INTERVAL;
  /** Set by JavaScript-tier code that threw: the pc of the instruction that threw. */
  jsPc = -1;

  /** Stops the call with "interrupted: aborted" once aborted. */
  signal: AbortSignal | null = null;
  /** Stops the call with "interrupted: deadline exceeded" after this time (`performance.now()` ms). */
  deadline = Infinity;
  /** Instructions left to run, for fuel-metered code; "out of fuel" below zero. */
  fuel = Infinity;
  /** True for `callAsync`: host functions may return Promises and long calls yield. */
  asyncMode = false;
  /** The Promise a host function returned, awaited by the async caller before resuming. */
  pending: Promise<unknown> | null = null;
  /** Writes the awaited value of `pending` back as the host function's results. */
  pendingComplete: ((value: unknown) => void) | null = null;
  /**
   * The suspended host function was tail-called (`return_call`): its calling
   * frame is gone, so a rejection skips that frame's handlers (see {@link raise}).
   */
  #pendingTail = false;
  #lastYield = 0;

  constructor(limits: MachineLimits) {
    this.maxDepth = limits.maxCallDepth;
    this.jsTierHeat = limits.jsTierHeat;
    this.loopEntriesOnly = limits.loopEntriesOnly ?? false;
    this.structuredHeat = this.loopEntriesOnly ? -1 : limits.structuredHeat ?? -1;
    this.structuredPerByte = limits.heatBySize ? STRUCTURED_CALLS_PER_BYTE : 0;
    this.jsTierPerByte = limits.heatBySize ? JS_TIER_HEAT_PER_BYTE : 0;
    this.stackWords = Math.floor(limits.maxStackBytes / 4);
    this.defaultStackWords = this.stackWords;
    const frames = Math.min(256, this.maxDepth);
    // Pushed, not `new Array(frames)`: V8 keeps such an array "packed" (no holes to check for).
    this.frameFns = [];
    for (let d = 0; d < frames; d++) this.frameFns.push(null);
    this.framePcs = new Int32Array(frames);
    this.frameBases = new Int32Array(frames);
    // Grown on demand (ensureWords). At 256 KB, runtimes made and dropped by the thousand (a
    // runtime per request, the fuzzer's eleven per module) left more garbage than V8 collects
    // promptly: 1.0 GB of array buffers waited for a collection after 150 fuzzed modules on Deno
    // (0.44 GB at 16 KB), and the process held 1.46 GB after it (0.99 GB).
    const words = Math.min(INITIAL_REGISTER_WORDS, this.stackWords);
    this.buffer = new ArrayBuffer(words * 4);
    this.R = new Int32Array(this.buffer);
    this.F32 = new Float32Array(this.buffer);
    this.F64 = new Float64Array(this.buffer);
  }

  /**
   * Makes room for a frame record at `depth` (the frame arrays are full):
   * doubles them, or traps "call stack exhausted" at `maxCallDepth`.
   */
  growFrames(depth: number): void {
    if (depth >= this.maxDepth) throw new RuntimeError("call stack exhausted");
    const size = Math.min(this.maxDepth, this.framePcs.length * 2);
    const pcs = new Int32Array(size), bases = new Int32Array(size);
    pcs.set(this.framePcs);
    bases.set(this.frameBases);
    for (let d = this.frameFns.length; d < size; d++) this.frameFns.push(null);
    this.framePcs = pcs;
    this.frameBases = bases;
  }

  /** Makes the register file at least `words` long, or traps when over the limit. */
  ensureWords(words: number): void {
    if (words <= this.R.length) return;
    if (words > this.stackWords) throw new RuntimeError("call stack exhausted");
    const size = Math.min(Math.max(words, this.R.length * 2), this.stackWords);
    const buffer = new ArrayBuffer(size * 4);
    new Int32Array(buffer).set(this.R);
    this.buffer = buffer;
    this.R = new Int32Array(buffer);
    this.F32 = new Float32Array(buffer);
    this.F64 = new Float64Array(buffer);
  }

  /**
   * Calls a host function whose arguments are at word `base`; its results
   * are written back there.
   */
  callHost(fn: FunctionInstance, base: number, caller: InstanceState | null): void {
    this.ensureWords(base + fn.hostWords);
    const listener = fn.listener;
    try {
      if (listener !== null) listener.enter(this, base);
      fn.host!(this, base, caller);
      if (listener !== null) {
        if (this.pending === null) listener.exit(this, base);
        else this.#listenPending(listener, base);
      }
      // A host function that closed its caller (WASI's proc_exit does it by
      // throwing, an embedder by Module.close) stops the guest here, not at
      // the next interruption check, which may be thousands of calls away.
      if (caller !== null && caller.exitCode !== undefined && this.pending === null) {
        throw new ExitError(caller.exitCode);
      }
    } catch (e) {
      if (listener !== null) listener.abort(e instanceof HostError ? e.error : e);
      // A wasm exception (the host's own, or one from wasm it called) may be caught by wasm.
      if (e instanceof HostError || e instanceof WasmException) throw e;
      throw new HostError(e);
    }
  }

  /** The listener of a suspended host function: its exit once the Promise settles, or its abort. */
  #pendingListener: FunctionHooks | null = null;

  #listenPending(listener: FunctionHooks, base: number): void {
    const complete = this.pendingComplete!;
    this.#pendingListener = listener;
    this.pendingComplete = (value) => {
      complete(value);
      this.#pendingListener = null;
      listener.exit(this, base);
    };
  }

  /** A suspended host function's Promise rejected: its listener gets the abort event. */
  #abortPendingListener(error: unknown): void {
    const listener = this.#pendingListener;
    this.#pendingListener = null;
    listener?.abort(error);
  }

  /**
   * Starts running `entry` with its arguments at word `base` of the register
   * file. Returns {@link DONE} when it finished (its results are at `base`)
   * or {@link SUSPENDED} when it stopped early and can be continued with
   * {@link resume}: a host function returned a Promise (see {@link suspend}),
   * or an asynchronous call yields to the event loop. Traps throw
   * {@link RuntimeError} with a wasm stack trace; errors thrown by host
   * functions propagate unchanged.
   */
  execute(entry: FunctionInstance, base: number): number {
    this.depth = 0;
    // A call that stopped for good between choosing a loop entry and entering it left it here.
    this.pendingLoop = null;
    this.budget = CHECK_INTERVAL;
    if (entry.code === null) {
      this.fn = null;
      try {
        this.callHost(entry, base, null);
      } catch (e) {
        throw e instanceof HostError ? e.error : e;
      }
      return this.pending !== null ? SUSPENDED : DONE;
    }
    if (this.structuredHeat >= 0 && !this.asyncMode && this.#structured(entry)) {
      try {
        this.callJit(entry, base, 0);
      } catch (e) {
        throw e instanceof HostError && !this.nested ? e.error : e;
      }
      this.fn = null;
      return DONE;
    }
    this.fn = entry;
    this.pc = 0;
    this.b = base;
    this.enterFrame(entry, base);
    return this.runUntilStopped();
  }

  /**
   * True when `fn` runs in the structured tier now, compiling it once it is
   * hot: called {@link structuredThreshold} times, its calls into compiled
   * code counted too ({@link COMPILED_CALL_HEAT}) (`compileHot` sets the count there
   * when its loops get hot first).
   */
  #structured(fn: FunctionInstance): boolean {
    if (fn.jit !== null) return J.depth < J.limit;
    return ++fn.jitHeat >= fn.heatCheckAt && this.#heatReached(fn);
  }

  /**
   * The full test of {@link #structured} for a function not compiled yet,
   * whose call (counted already) reached its {@link FunctionInstance.heatCheckAt}:
   * compiles it when it is hot, else sets the count at which to test again
   * (the first count at which it can be hot, if it makes no calls into
   * compiled code meanwhile; those lower it). The interpreter's call case
   * calls this only then: the test costs a call of its own there (neither
   * V8 nor JavaScriptCore inline it into `run`), which was 5–9 ns of an
   * interpreted call.
   */
  #heatReached(fn: FunctionInstance): boolean {
    if (J.depth >= J.limit) return false;
    const cf = fn.code!;
    const heat = fn.jitHeat + callHeat(fn, cf);
    const threshold = this.structuredThreshold(cf);
    if (heat < threshold) {
      // Until translated, the threshold may be an estimate from the body's size: asked again.
      fn.heatCheckAt = cf.translate !== null ? fn.jitHeat + 1 : fn.jitHeat + threshold - heat;
      return false;
    }
    if (compileStructured(fn)) return true;
    fn.jitHeat = -(1 << 30);
    return false;
  }

  /**
   * Calls after which the structured tier compiles a function of `cf`: the
   * flat count, plus {@link STRUCTURED_CALLS_PER_BYTE} for each byte of its
   * size as `call_work.ts` weighs it (measured once it reaches the flat count).
   */
  structuredThreshold(cf: CompiledFunction): number {
    // A function an earlier run compiled (its code cached) is compiled at its first call.
    if (cf.structured?.knownHot === true) return 1;
    const perByte = this.structuredPerByte;
    if (perByte === 0) return this.structuredHeat;
    if (cf.heatBytes < 0 && cf.translate === null) cf.heatBytes = heatBytes(cf);
    const bytes = cf.heatBytes < 0 ? cf.bodyBytes : cf.heatBytes;
    // Int32s, as the counts `run` compares them with (see `heatBytes`); never below the flat
    // count, which a body of hundreds of megabytes would wrap past.
    return Math.max(this.structuredHeat, (this.structuredHeat + perByte * bytes) | 0);
  }

  /**
   * Calls `fn`'s compiled code with the arguments at `base`, from a frame
   * at call depth `depth`; results are written at `base`. The compiled
   * frames spend what is left of this machine's stack budget, at 8 bytes
   * per unit of `J.depth`.
   */
  callJit(fn: FunctionInstance, base: number, depth: number): void {
    this.#enterCompiled(fn.jitEntry!, base, depth, 0);
  }

  /** The loop entry `compileHot` chose when it answered {@link ENTER_LOOP}. */
  pendingLoop: LoopEntry | null = null;

  /**
   * Runs the rest of the current call, which `run` left at a backward branch
   * to a loop header, in the structured tier's loop entry {@link pendingLoop}
   * (see `generateFunction`); its results are then at the frame's base, and
   * `run` goes on at the function's `loopExit`, whose `return` hands them to
   * the caller. When the loop entry's frame does not fit in the stack left to
   * compiled code, `run` goes on interpreting at the loop header.
   */
  #enterLoop(): void {
    const entry = this.pendingLoop!;
    this.pendingLoop = null;
    const cf = this.fn!.code!;
    // A trap's trace names this frame once: the compiled code's catch adds it.
    this.#inLoopEntry = true;
    const entered = this.#enterCompiled(entry.enter, this.b, this.depth, entry.units);
    this.#inLoopEntry = false;
    if (entered) this.pc = cf.loopExit;
    else cf.jsHeat -= this.jsTierHeat;
  }

  /** True while {@link #enterLoop}'s compiled code runs. */
  #inLoopEntry = false;

  /**
   * Calls compiled code through `enter` with the arguments at `base`, from a
   * frame at call depth `depth` (see {@link callJit}); false, without calling,
   * when less than `units` of stack are left to it.
   */
  #enterCompiled(enter: EntryAdapter, base: number, depth: number, units: number): boolean {
    const machine = J.machine, free = J.base, stackLimit = J.stackLimit, top = J.top;
    const jsDepth = J.depth, fuel = J.fuel, checks = J.checks;
    const left = J.depth + (((this.stackWords - base - (depth << 2)) * 4) >> 3);
    const limit = left < stackLimit ? left : stackLimit;
    if (Math.min(J.limit, limit) - J.depth < units) return false;
    // Written only when it changes (see J.checks): a close during the call may have set it.
    const interruptible = this.#interruptible || J.alwaysCheck;
    if (checks !== interruptible) J.checks = interruptible;
    J.machine = this;
    J.base = base;
    J.fuel = this.fuel;
    J.stackLimit = limit;
    J.top = Math.min(J.limit, limit);
    try {
      enter(this, base, J.top - J.depth);
    } finally {
      this.fuel = J.fuel;
      J.fuel = fuel;
      J.machine = machine;
      J.base = free;
      J.stackLimit = stackLimit;
      J.top = top;
      J.depth = jsDepth;
      if (J.checks !== checks && !J.alwaysCheck) J.checks = checks;
    }
    return true;
  }

  /**
   * For the register-code tier's calls: runs `callee` with {@link callJit}
   * when it is compiled by the structured tier and may run there now, so
   * that the caller's compiled code goes on after the call instead of
   * leaving to `run` (which would interpret the caller up to its next
   * loop). False when it does not; `run` then makes the call.
   */
  callStructured(callee: FunctionInstance, base: number, depth: number): boolean {
    if (callee.jit === null || J.depth >= J.limit || this.asyncMode || this.structuredHeat < 0) {
      return false;
    }
    this.callJit(callee, base, depth);
    return true;
  }

  /**
   * {@link callStructured} for `call_indirect`: the callee is element
   * `index` of table `table`, checked against type `typeIndex` (trapping as
   * `run`'s call does).
   */
  callIndirectStructured(
    inst: InstanceState,
    table: number,
    typeIndex: number,
    index: number,
    base: number,
    depth: number,
  ): boolean {
    return this.callStructured(this.indirectCallee(inst, table, typeIndex, index), base, depth);
  }

  /** {@link JitHost.pollInterrupts}. */
  pollInterrupts(inst: InstanceState): void {
    this.checkInterrupts(inst);
  }

  /** {@link JitHost.spawn}. */
  spawn(): Machine {
    const m = this.pool!.acquireMachine();
    // What the compiled frames above this machine's call left of the stack budget.
    const words = Math.min(m.defaultStackWords, (J.stackLimit - J.depth) * 2);
    m.stackWords = Math.max(0, words);
    m.configure(this.signal, this.deadline, false);
    m.fuel = J.fuel;
    m.nested = true;
    return m;
  }

  /** {@link JitHost.release}. */
  release(nested: JitHost): void {
    const m = nested as Machine;
    J.fuel = m.fuel;
    m.nested = false;
    m.stackWords = m.defaultStackWords;
    m.configure(null, Infinity, false);
    this.pool!.releaseMachine(m);
  }

  /** {@link JitHost.runToEnd}. */
  runToEnd(fn: FunctionInstance, base: number): void {
    if (this.execute(fn, base) !== DONE) throw new Error("a nested call cannot suspend");
  }

  /** Continues a call that returned {@link SUSPENDED}. */
  resume(): number {
    return this.fn === null ? DONE : this.runUntilStopped();
  }

  private runUntilStopped(): number {
    let status: number;
    do {
      // A call from the host (or a re-entry) may start in the JavaScript tier too, unless the
      // budget is spent (after a suspension it is below 1: the interrupt check comes first).
      if (this.jsTierHeat >= 0 && this.budget > 0) {
        try {
          this.#startInJs();
        } catch (e) {
          this.#thrownAtStart = true;
          this.#startError = e;
        }
      }
      status = this.run();
    } while (status === REENTER);
    return status;
  }

  /**
   * Runs the current frame's register-code tier code, if it has some (or
   * gets some now), up to its next call, return or interruption; `run`
   * goes on from there (and handles what it throws, see
   * {@link thrownAtStart}). Outside `run`, whose optimised code V8 threw
   * away when it first came to this (code without type feedback), and
   * spent ~0.5 s optimising again, several times in one yosys run.
   */
  #startInJs(): void {
    if (this.pendingLoop !== null) {
      this.#enterLoop();
      return;
    }
    const fn = this.fn!;
    const cf = fn.code!;
    const js = cf.js ??
      (++cf.jsHeat < cf.jsLimit ? null : compileHot(cf, fn, this, -1));
    // (compileHot answers ENTER_LOOP at backward branches only, never at pc -1.)
    if (js === null || js === ENTER_LOOP) return;
    const inst = fn.instance!;
    this.pc = js(
      this,
      fn,
      this.R,
      this.F32,
      this.F64,
      memoryView(inst),
      inst.globals,
      inst,
      this.refs,
      cf.code,
      this.b,
      this.pc,
      this.budget,
      this.depth,
    );
  }

  /** {@link startInJs} threw {@link startError}, which `run` throws again in its frame. */
  #thrownAtStart = false;
  #startError: unknown = undefined;

  /** The interpreter loop, from the state saved in `fn`, `pc`, `b` and `depth`. */
  private run(): number {
    let depth = this.depth;
    let fn = this.fn!;
    let pc = this.pc;
    let budget = this.budget;
    // Outside the `try`: a handler of a thrown exception may be in this frame.
    let b = this.b;
    try {
      if (this.#thrownAtStart) {
        // Thrown by #startInJs: handled here, as if thrown by this frame's code.
        this.#thrownAtStart = false;
        const e = this.#startError;
        this.#startError = undefined;
        throw e;
      }
      let code = fn.code!.code;
      let inst = fn.instance!;
      let mem = memoryView(inst);
      let globals = inst.globals;
      let R = this.R, F32 = this.F32, F64 = this.F64;
      const refs = this.refs;
      const fns = this.frameFns;
      let pcs = this.framePcs, fps = this.frameBases;
      const stackWords = this.stackWords;
      // Both operands always read: the interpreter-only warm-up (structuredHeat -1) then covers
      // this line too. Short-circuited, JavaScriptCore's optimised `run` exited here on each entry
      // of a tiered program (96 times in a flite run) until it was optimised again.
      const structured = !this.asyncMode && this.structuredHeat >= 0;
      const jsTierHeat = this.jsTierHeat;
      for (;;) {
        // Cases end with `break` (next instruction) or `break interrupt`
        // (after a backward branch, a call, or a host call that suspended).
        interrupt: {
          switch (code[pc]) {
            case 1 /* br */: {
              const t = code[pc + 1];
              if (t <= pc) {
                pc = t;
                break interrupt;
              }
              pc = t;
              break;
            }
            case 2 /* br_if */:
              if (R[b + code[pc + 1]] !== 0) {
                const t = code[pc + 2];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 3;
              break;
            case 3 /* br_unless */:
              if (R[b + code[pc + 1]] === 0) {
                const t = code[pc + 2];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 3;
              break;
            case 4 /* br_table */: {
              // Unsigned index, kept int32: negative means out of range.
              const i = R[b + code[pc + 1]];
              const n = code[pc + 2];
              const t = code[pc + 3 + (i >= 0 && i < n ? i : n)];
              if (t <= pc) {
                pc = t;
                break interrupt;
              }
              pc = t;
              break;
            }
            case 5 /* call */:
            case 6 /* call_indirect */: {
              let callee: FunctionInstance, nb: number, next: number;
              if (code[pc] === 5) {
                callee = inst.functions[code[pc + 1]];
                nb = b + code[pc + 2];
                next = pc + 3;
              } else {
                callee = this.indirectCallee(inst, code[pc + 1], code[pc + 2], R[b + code[pc + 3]]);
                nb = b + code[pc + 4];
                next = pc + 5;
              }
              if (callee.isHost) {
                pc = next;
                this.callHost(callee, nb, inst);
                R = this.R, F32 = this.F32, F64 = this.F64;
                mem = memoryView(inst);
                if (this.pending !== null) {
                  budget = 0;
                  break interrupt;
                }
                break;
              }
              const cf = callee.code!;
              // The commonest call of large programs (yosys: 25 million a run), so the checks of
              // #structured and memoryView are written out (V8 inlined neither into `run`: profiles
              // showed both as calls of their own, ~120 ms of the ALU run).
              if (
                structured &&
                (callee.jit !== null
                  ? J.depth < J.limit
                  : ++callee.jitHeat >= callee.heatCheckAt && this.#heatReached(callee))
              ) {
                pc = next;
                fn.compiledCallHeat += COMPILED_CALL_HEAT;
                fn.heatCheckAt -= COMPILED_CALL_HEAT;
                // Not through callJit: JavaScriptCore inlines neither into `run`, and the extra call
                // was an eighth of an interpreted call into compiled code on Bun (25 against 22 ns).
                this.#enterCompiled(callee.jitEntry!, nb, depth, 0);
                R = this.R, F32 = this.F32, F64 = this.F64;
                if (inst.memories.length !== 0) mem = inst.memories[0].view;
                break;
              }
              if (cf.translate !== null) cf.translate();
              if (depth === pcs.length) {
                this.growFrames(depth);
                pcs = this.framePcs, fps = this.frameBases;
              }
              if (nb + cf.frameWords + (depth << 2) > stackWords) {
                throw new RuntimeError("call stack exhausted");
              }
              fns[depth] = fn;
              pcs[depth] = next;
              fps[depth] = b;
              depth++;
              fn = callee;
              code = cf.code;
              pc = 0;
              b = nb;
              if (b + cf.frameWords > R.length) {
                this.ensureWords(b + cf.frameWords);
                R = this.R, F32 = this.F32, F64 = this.F64;
              }
              for (let i = b + cf.paramWords, e = b + cf.localsEnd; i < e; i++) R[i] = 0;
              if (cf.refLocalSlots.length !== 0) this.clearRefLocals(cf.refLocalSlots, b);
              if (callee.instance !== inst) {
                inst = callee.instance!;
                mem = memoryView(inst);
                globals = inst.globals;
              }
              break interrupt;
            }
            case 7 /* return */:
            case 8 /* return32 */:
            case 9 /* return64 */: {
              const op = code[pc];
              if (op === 8) R[b] = R[b + code[pc + 1]];
              else if (op === 9) {
                const s = b + code[pc + 1];
                const lo = R[s], hi = R[s + 1];
                R[b] = lo;
                R[b + 1] = hi;
              }
              if (depth === 0) return DONE;
              depth--;
              fn = fns[depth]!;
              pc = pcs[depth];
              b = fps[depth];
              code = fn.code!.code;
              // Within one instance `mem` is current: memory.grow and host calls refresh it.
              if (fn.instance !== inst) {
                inst = fn.instance!;
                globals = inst.globals;
                mem = memoryView(inst);
              }
              break interrupt;
            }
            case 364 /* return_call */:
            case 365 /* return_call_indirect */: {
              // A tail call: the callee replaces this frame, so the frame stack does not grow.
              // The translator put a `return` right after it, for the callees that are called
              // (host functions, the structured tier): they run at this frame's base, then that
              // `return` hands their results to this frame's caller.
              let callee: FunctionInstance, nb: number;
              if (code[pc] === 364) {
                callee = inst.functions[code[pc + 1]];
                nb = b + code[pc + 2];
                pc += 3;
              } else {
                callee = this.indirectCallee(inst, code[pc + 1], code[pc + 2], R[b + code[pc + 3]]);
                nb = b + code[pc + 4];
                pc += 5;
              }
              const cf = callee.code;
              if (cf !== null && cf.translate !== null) cf.translate();
              this.moveTailCallArguments(callee, nb, b);
              if (cf === null) {
                // This frame is gone for the callee's exceptions (see `#catch`).
                this.tailCallee = true;
                this.callHost(callee, b, inst);
                this.tailCallee = false;
                R = this.R, F32 = this.F32, F64 = this.F64;
                mem = memoryView(inst);
                if (this.pending !== null) {
                  budget = 0;
                  break interrupt;
                }
                break;
              }
              if (structured && this.#structured(callee)) {
                fn.compiledCallHeat += COMPILED_CALL_HEAT;
                fn.heatCheckAt -= COMPILED_CALL_HEAT;
                this.tailCallee = true;
                this.callJit(callee, b, depth);
                this.tailCallee = false;
                R = this.R, F32 = this.F32, F64 = this.F64;
                mem = memoryView(inst);
                break;
              }
              if (b + cf.frameWords + (depth << 2) > stackWords) {
                throw new RuntimeError("call stack exhausted");
              }
              fn = callee;
              code = cf.code;
              pc = 0;
              if (b + cf.frameWords > R.length) {
                this.ensureWords(b + cf.frameWords);
                R = this.R, F32 = this.F32, F64 = this.F64;
              }
              for (let i = b + cf.paramWords, e = b + cf.localsEnd; i < e; i++) R[i] = 0;
              if (cf.refLocalSlots.length !== 0) this.clearRefLocals(cf.refLocalSlots, b);
              if (callee.instance !== inst) {
                inst = callee.instance!;
                mem = memoryView(inst);
                globals = inst.globals;
              }
              break interrupt;
            }
            case 10 /* mov32 */:
              R[b + code[pc + 1]] = R[b + code[pc + 2]];
              pc += 3;
              break;
            case 11 /* mov64 */: {
              const d = b + code[pc + 1], s = b + code[pc + 2];
              R[d] = R[s];
              R[d + 1] = R[s + 1];
              pc += 3;
              break;
            }
            case 12 /* mov128 */: {
              const d = b + code[pc + 1], s = b + code[pc + 2];
              R[d] = R[s];
              R[d + 1] = R[s + 1];
              R[d + 2] = R[s + 2];
              R[d + 3] = R[s + 3];
              pc += 3;
              break;
            }
            case 14 /* const32 */:
              R[b + code[pc + 1]] = code[pc + 2];
              pc += 3;
              break;
            case 15 /* const64 */: {
              const d = b + code[pc + 1];
              R[d] = code[pc + 2];
              R[d + 1] = code[pc + 3];
              pc += 4;
              break;
            }
            case 17 /* select32 */:
              R[b + code[pc + 1]] = R[b + code[pc + 4]] !== 0
                ? R[b + code[pc + 2]]
                : R[b + code[pc + 3]];
              pc += 5;
              break;
            case 18 /* select64 */: {
              const s = b + (R[b + code[pc + 4]] !== 0 ? code[pc + 2] : code[pc + 3]);
              const d = b + code[pc + 1];
              const lo = R[s], hi = R[s + 1];
              R[d] = lo;
              R[d + 1] = hi;
              pc += 5;
              break;
            }
            case 21 /* global_get32 */:
              R[b + code[pc + 1]] = globals[code[pc + 2]].bits[0];
              pc += 3;
              break;
            case 22 /* global_get64 */: {
              const g = globals[code[pc + 2]].bits, d = b + code[pc + 1];
              R[d] = g[0];
              R[d + 1] = g[1];
              pc += 3;
              break;
            }
            case 25 /* global_set32 */:
              globals[code[pc + 1]].bits[0] = R[b + code[pc + 2]];
              pc += 3;
              break;
            case 26 /* global_set64 */: {
              const g = globals[code[pc + 1]].bits, s = b + code[pc + 2];
              g[0] = R[s];
              g[1] = R[s + 1];
              pc += 3;
              break;
            }
            case 29 /* load32 */:
              R[b + code[pc + 1]] = mem.getInt32(
                (R[b + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0),
                true,
              );
              pc += 4;
              break;
            case 30 /* load64 */: {
              const ea = (R[b + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0);
              const lo = mem.getInt32(ea, true), hi = mem.getInt32(ea + 4, true);
              const d = b + code[pc + 1];
              R[d] = lo;
              R[d + 1] = hi;
              pc += 4;
              break;
            }
            case 31 /* load8_s */:
              R[b + code[pc + 1]] = mem.getInt8((R[b + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0));
              pc += 4;
              break;
            case 32 /* load8_u */:
              R[b + code[pc + 1]] = mem.getUint8(
                (R[b + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0),
              );
              pc += 4;
              break;
            case 33 /* load16_s */:
              R[b + code[pc + 1]] = mem.getInt16(
                (R[b + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0),
                true,
              );
              pc += 4;
              break;
            case 34 /* load16_u */:
              R[b + code[pc + 1]] = mem.getUint16(
                (R[b + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0),
                true,
              );
              pc += 4;
              break;
            case 35 /* load8_s_64 */: {
              const v = mem.getInt8((R[b + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0));
              const d = b + code[pc + 1];
              R[d] = v;
              R[d + 1] = v >> 31;
              pc += 4;
              break;
            }
            case 41 /* store32 */:
              mem.setInt32(
                (R[b + code[pc + 1]] >>> 0) + (code[pc + 3] >>> 0),
                R[b + code[pc + 2]],
                true,
              );
              pc += 4;
              break;
            case 42 /* store64 */: {
              const ea = (R[b + code[pc + 1]] >>> 0) + (code[pc + 3] >>> 0);
              const s = b + code[pc + 2];
              // High word first: if the access is out of bounds it traps before any write.
              mem.setInt32(ea + 4, R[s + 1], true);
              mem.setInt32(ea, R[s], true);
              pc += 4;
              break;
            }
            case 43 /* store8 */:
              mem.setInt8((R[b + code[pc + 1]] >>> 0) + (code[pc + 3] >>> 0), R[b + code[pc + 2]]);
              pc += 4;
              break;
            case 44 /* store16 */:
              mem.setInt16(
                (R[b + code[pc + 1]] >>> 0) + (code[pc + 3] >>> 0),
                R[b + code[pc + 2]],
                true,
              );
              pc += 4;
              break;
            case 46 /* memory_grow */:
              R[b + code[pc + 1]] = inst.memories[0].grow(R[b + code[pc + 2]] >>> 0);
              mem = memoryView(inst);
              pc += 3;
              break;
            case 371 /* mem_addr64 */: {
              // An i64 address plus a u64 offset: in range only below 2^32 (no memory is larger).
              const wide = b + code[pc + 2];
              const ea = (R[wide] >>> 0) + (code[pc + 3] >>> 0);
              if ((R[wide + 1] | code[pc + 4]) !== 0 || ea > 0xffffffff) {
                throw new RuntimeError("out of bounds memory access");
              }
              R[b + code[pc + 1]] = ea | 0;
              pc += 5;
              break;
            }
            case 376 /* memx_grow */:
              // Any memory may be memory 0 too (imported twice): the view is read again.
              growMemory(R, inst, b + code[pc + 1], b + code[pc + 2], code[pc + 3]);
              mem = memoryView(inst);
              pc += 4;
              break;

            // i32.
            case 47 /* i32_add */:
              R[b + code[pc + 1]] = (R[b + code[pc + 2]] + R[b + code[pc + 3]]) | 0;
              pc += 4;
              break;
            case 48 /* i32_sub */:
              R[b + code[pc + 1]] = (R[b + code[pc + 2]] - R[b + code[pc + 3]]) | 0;
              pc += 4;
              break;
            case 49 /* i32_mul */:
              R[b + code[pc + 1]] = Math.imul(R[b + code[pc + 2]], R[b + code[pc + 3]]);
              pc += 4;
              break;
            // Signed division and the i64 compares are written out, not helper calls: JavaScriptCore
            // inlines no call into a function of `run`'s size (its DFG's caller limit); V8 did. Not the
            // unsigned division: its operands are uint32 numbers (`>>> 0`), and one over 2^31 made
            // JavaScriptCore's `run`, optimised for int32s there, exit and be compiled again (so the
            // unsigned compares here flip the sign bit instead, as everywhere in `run`).
            case 50 /* i32_div_s */: {
              const x = R[b + code[pc + 2]], y = R[b + code[pc + 3]];
              if (y === 0) throw new RuntimeError("integer divide by zero");
              if (x === -0x80000000 && y === -1) throw new RuntimeError("integer overflow");
              R[b + code[pc + 1]] = (x / y) | 0;
              pc += 4;
              break;
            }
            case 51 /* i32_div_u */:
              R[b + code[pc + 1]] = divU32(R[b + code[pc + 2]], R[b + code[pc + 3]]);
              pc += 4;
              break;
            case 53 /* i32_rem_u */:
              R[b + code[pc + 1]] = remU32(R[b + code[pc + 2]], R[b + code[pc + 3]]);
              pc += 4;
              break;
            case 54 /* i32_and */:
              R[b + code[pc + 1]] = R[b + code[pc + 2]] & R[b + code[pc + 3]];
              pc += 4;
              break;
            case 55 /* i32_or */:
              R[b + code[pc + 1]] = R[b + code[pc + 2]] | R[b + code[pc + 3]];
              pc += 4;
              break;
            case 56 /* i32_xor */:
              R[b + code[pc + 1]] = R[b + code[pc + 2]] ^ R[b + code[pc + 3]];
              pc += 4;
              break;
            case 57 /* i32_shl */:
              R[b + code[pc + 1]] = R[b + code[pc + 2]] << R[b + code[pc + 3]];
              pc += 4;
              break;
            case 58 /* i32_shr_s */:
              R[b + code[pc + 1]] = R[b + code[pc + 2]] >> R[b + code[pc + 3]];
              pc += 4;
              break;
            case 59 /* i32_shr_u */:
              // `| 0`: the same bits, as an int32 (an unsigned result over 2^31 made
              // JavaScriptCore's optimised `run` bail out and be compiled again).
              R[b + code[pc + 1]] = (R[b + code[pc + 2]] >>> R[b + code[pc + 3]]) | 0;
              pc += 4;
              break;
            case 60 /* i32_rotl */: {
              // Written out (as division, below): JavaScriptCore inlines no call into `run`.
              const x = R[b + code[pc + 2]], n = R[b + code[pc + 3]];
              R[b + code[pc + 1]] = (x << n) | (x >>> (32 - n));
              pc += 4;
              break;
            }
            case 61 /* i32_rotr */: {
              const x = R[b + code[pc + 2]], n = R[b + code[pc + 3]];
              R[b + code[pc + 1]] = (x >>> n) | (x << (32 - n));
              pc += 4;
              break;
            }
            case 62 /* i32_add_imm */:
              R[b + code[pc + 1]] = (R[b + code[pc + 2]] + code[pc + 3]) | 0;
              pc += 4;
              break;
            case 63 /* i32_mul_imm */:
              R[b + code[pc + 1]] = Math.imul(R[b + code[pc + 2]], code[pc + 3]);
              pc += 4;
              break;
            case 64 /* i32_and_imm */:
              R[b + code[pc + 1]] = R[b + code[pc + 2]] & code[pc + 3];
              pc += 4;
              break;
            case 65 /* i32_or_imm */:
              R[b + code[pc + 1]] = R[b + code[pc + 2]] | code[pc + 3];
              pc += 4;
              break;
            case 66 /* i32_xor_imm */:
              R[b + code[pc + 1]] = R[b + code[pc + 2]] ^ code[pc + 3];
              pc += 4;
              break;
            case 67 /* i32_shl_imm */:
              R[b + code[pc + 1]] = R[b + code[pc + 2]] << code[pc + 3];
              pc += 4;
              break;
            case 68 /* i32_shr_s_imm */:
              R[b + code[pc + 1]] = R[b + code[pc + 2]] >> code[pc + 3];
              pc += 4;
              break;
            case 69 /* i32_shr_u_imm */:
              R[b + code[pc + 1]] = (R[b + code[pc + 2]] >>> code[pc + 3]) | 0;
              pc += 4;
              break;
            case 70 /* i32_eqz */:
              R[b + code[pc + 1]] = R[b + code[pc + 2]] === 0 ? 1 : 0;
              pc += 3;
              break;
            case 71 /* i32_clz */:
              R[b + code[pc + 1]] = Math.clz32(R[b + code[pc + 2]]);
              pc += 3;
              break;
            case 74 /* i32_extend8_s */:
              R[b + code[pc + 1]] = (R[b + code[pc + 2]] << 24) >> 24;
              pc += 3;
              break;
            case 75 /* i32_extend16_s */:
              R[b + code[pc + 1]] = (R[b + code[pc + 2]] << 16) >> 16;
              pc += 3;
              break;
            case 76 /* i32_eq */:
              R[b + code[pc + 1]] = R[b + code[pc + 2]] === R[b + code[pc + 3]] ? 1 : 0;
              pc += 4;
              break;
            case 77 /* i32_ne */:
              R[b + code[pc + 1]] = R[b + code[pc + 2]] !== R[b + code[pc + 3]] ? 1 : 0;
              pc += 4;
              break;
            case 78 /* i32_lt_s */:
              R[b + code[pc + 1]] = R[b + code[pc + 2]] < R[b + code[pc + 3]] ? 1 : 0;
              pc += 4;
              break;
            case 79 /* i32_lt_u */:
              R[b + code[pc + 1]] = (R[b + code[pc + 2]] ^ SIGN) < (R[b + code[pc + 3]] ^ SIGN)
                ? 1
                : 0;
              pc += 4;
              break;
            case 80 /* i32_gt_s */:
              R[b + code[pc + 1]] = R[b + code[pc + 2]] > R[b + code[pc + 3]] ? 1 : 0;
              pc += 4;
              break;
            case 81 /* i32_gt_u */:
              R[b + code[pc + 1]] = (R[b + code[pc + 2]] ^ SIGN) > (R[b + code[pc + 3]] ^ SIGN)
                ? 1
                : 0;
              pc += 4;
              break;
            case 83 /* i32_le_u */:
              R[b + code[pc + 1]] = (R[b + code[pc + 2]] ^ SIGN) <= (R[b + code[pc + 3]] ^ SIGN)
                ? 1
                : 0;
              pc += 4;
              break;
            case 86 /* i32_eq_imm */:
              R[b + code[pc + 1]] = R[b + code[pc + 2]] === code[pc + 3] ? 1 : 0;
              pc += 4;
              break;
            case 87 /* i32_ne_imm */:
              R[b + code[pc + 1]] = R[b + code[pc + 2]] !== code[pc + 3] ? 1 : 0;
              pc += 4;
              break;
            case 88 /* i32_lt_s_imm */:
              R[b + code[pc + 1]] = R[b + code[pc + 2]] < code[pc + 3] ? 1 : 0;
              pc += 4;
              break;
            case 89 /* i32_lt_u_imm */:
              R[b + code[pc + 1]] = (R[b + code[pc + 2]] ^ SIGN) < (code[pc + 3] ^ SIGN) ? 1 : 0;
              pc += 4;
              break;
            case 90 /* i32_gt_s_imm */:
              R[b + code[pc + 1]] = R[b + code[pc + 2]] > code[pc + 3] ? 1 : 0;
              pc += 4;
              break;
            case 91 /* i32_gt_u_imm */:
              R[b + code[pc + 1]] = (R[b + code[pc + 2]] ^ SIGN) > (code[pc + 3] ^ SIGN) ? 1 : 0;
              pc += 4;
              break;
            case 96 /* br_i32_eq */:
              if (R[b + code[pc + 1]] === R[b + code[pc + 2]]) {
                const t = code[pc + 3];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 4;
              break;
            case 97 /* br_i32_ne */:
              if (R[b + code[pc + 1]] !== R[b + code[pc + 2]]) {
                const t = code[pc + 3];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 4;
              break;
            case 98 /* br_i32_lt_s */:
              if (R[b + code[pc + 1]] < R[b + code[pc + 2]]) {
                const t = code[pc + 3];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 4;
              break;
            case 99 /* br_i32_lt_u */:
              if ((R[b + code[pc + 1]] ^ SIGN) < (R[b + code[pc + 2]] ^ SIGN)) {
                const t = code[pc + 3];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 4;
              break;
            case 100 /* br_i32_gt_s */:
              if (R[b + code[pc + 1]] > R[b + code[pc + 2]]) {
                const t = code[pc + 3];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 4;
              break;
            case 101 /* br_i32_gt_u */:
              if ((R[b + code[pc + 1]] ^ SIGN) > (R[b + code[pc + 2]] ^ SIGN)) {
                const t = code[pc + 3];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 4;
              break;
            case 102 /* br_i32_le_s */:
              if (R[b + code[pc + 1]] <= R[b + code[pc + 2]]) {
                const t = code[pc + 3];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 4;
              break;
            case 103 /* br_i32_le_u */:
              if ((R[b + code[pc + 1]] ^ SIGN) <= (R[b + code[pc + 2]] ^ SIGN)) {
                const t = code[pc + 3];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 4;
              break;
            case 104 /* br_i32_ge_s */:
              if (R[b + code[pc + 1]] >= R[b + code[pc + 2]]) {
                const t = code[pc + 3];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 4;
              break;
            case 105 /* br_i32_ge_u */:
              if ((R[b + code[pc + 1]] ^ SIGN) >= (R[b + code[pc + 2]] ^ SIGN)) {
                const t = code[pc + 3];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 4;
              break;
            case 106 /* br_i32_eq_imm */:
              if (R[b + code[pc + 1]] === code[pc + 2]) {
                const t = code[pc + 3];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 4;
              break;
            case 107 /* br_i32_ne_imm */:
              if (R[b + code[pc + 1]] !== code[pc + 2]) {
                const t = code[pc + 3];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 4;
              break;
            case 108 /* br_i32_lt_s_imm */:
              if (R[b + code[pc + 1]] < code[pc + 2]) {
                const t = code[pc + 3];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 4;
              break;
            case 109 /* br_i32_lt_u_imm */:
              if ((R[b + code[pc + 1]] ^ SIGN) < (code[pc + 2] ^ SIGN)) {
                const t = code[pc + 3];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 4;
              break;
            case 110 /* br_i32_gt_s_imm */:
              if (R[b + code[pc + 1]] > code[pc + 2]) {
                const t = code[pc + 3];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 4;
              break;
            case 111 /* br_i32_gt_u_imm */:
              if ((R[b + code[pc + 1]] ^ SIGN) > (code[pc + 2] ^ SIGN)) {
                const t = code[pc + 3];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 4;
              break;
            case 112 /* br_i32_le_s_imm */:
              if (R[b + code[pc + 1]] <= code[pc + 2]) {
                const t = code[pc + 3];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 4;
              break;
            case 113 /* br_i32_le_u_imm */:
              if ((R[b + code[pc + 1]] ^ SIGN) <= (code[pc + 2] ^ SIGN)) {
                const t = code[pc + 3];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 4;
              break;
            case 114 /* br_i32_ge_s_imm */:
              if (R[b + code[pc + 1]] >= code[pc + 2]) {
                const t = code[pc + 3];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 4;
              break;
            case 115 /* br_i32_ge_u_imm */:
              if ((R[b + code[pc + 1]] ^ SIGN) >= (code[pc + 2] ^ SIGN)) {
                const t = code[pc + 3];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 4;
              break;

            // i64: helpers take absolute word indices and read before writing.
            case 116 /* i64_add */: {
              // Inlined (as is i64_mul): helper calls from this big function are not inlined.
              const x = b + code[pc + 2], y = b + code[pc + 3];
              const aLo = R[x], lo = (aLo + R[y]) | 0;
              const hi = (R[x + 1] + R[y + 1] + ((lo ^ SIGN) < (aLo ^ SIGN) ? 1 : 0)) | 0;
              const d = b + code[pc + 1];
              R[d] = lo;
              R[d + 1] = hi;
              pc += 4;
              break;
            }
            case 117 /* i64_sub */: {
              const x = b + code[pc + 2], y = b + code[pc + 3];
              const aLo = R[x], bLo = R[y];
              const hi = (R[x + 1] - R[y + 1] - ((aLo ^ SIGN) < (bLo ^ SIGN) ? 1 : 0)) | 0;
              const d = b + code[pc + 1];
              R[d] = (aLo - bLo) | 0;
              R[d + 1] = hi;
              pc += 4;
              break;
            }
            case 118 /* i64_mul */: {
              // The low words' product's high word from 16-bit pieces, in int32 operations only,
              // each sum wrapped by itself: JavaScriptCore's optimised `run` had speculated on the
              // range of a double product of the words (DFG: Int52Overflow) and of a sum of three
              // int32s (FTL: Overflow), exited there in hashing programs, and was compiled again.
              const x = b + code[pc + 2], y = b + code[pc + 3];
              const aLo = R[x], bLo = R[y];
              const al = aLo & 0xffff, ah = aLo >>> 16, bl = bLo & 0xffff, bh = bLo >>> 16;
              const t = Math.imul(al, bh), u = Math.imul(ah, bl);
              const mid = ((Math.imul(al, bl) >>> 16) + (t & 0xffff) + (u & 0xffff)) >>> 16;
              const carry = (((((Math.imul(ah, bh) + (t >>> 16)) | 0) + (u >>> 16)) | 0) + mid) | 0;
              const cross = (Math.imul(aLo, R[y + 1]) + Math.imul(R[x + 1], bLo)) | 0;
              const d = b + code[pc + 1];
              R[d] = Math.imul(aLo, bLo);
              R[d + 1] = (carry + cross) | 0;
              pc += 4;
              break;
            }
            case 123 /* i64_and */: {
              const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
              const lo = R[x] & R[y], hi = R[x + 1] & R[y + 1];
              R[d] = lo;
              R[d + 1] = hi;
              pc += 4;
              break;
            }
            case 125 /* i64_xor */: {
              const d = b + code[pc + 1], x = b + code[pc + 2], y = b + code[pc + 3];
              const lo = R[x] ^ R[y], hi = R[x + 1] ^ R[y + 1];
              R[d] = lo;
              R[d + 1] = hi;
              pc += 4;
              break;
            }
            // The shifts by a register count, written out too (both words read before either is
            // written: the result may be an operand).
            case 126 /* i64_shl */: {
              const x = b + code[pc + 2], n = R[b + code[pc + 3]] & 63;
              const lo = R[x], hi = R[x + 1], d = b + code[pc + 1];
              if (n < 32) {
                R[d + 1] = (hi << n) | ((lo >>> 1) >>> (31 - n));
                R[d] = lo << n;
              } else {
                R[d + 1] = lo << n;
                R[d] = 0;
              }
              pc += 4;
              break;
            }
            case 127 /* i64_shr_s */: {
              const x = b + code[pc + 2], n = R[b + code[pc + 3]] & 63;
              const lo = R[x], hi = R[x + 1], d = b + code[pc + 1];
              if (n < 32) {
                R[d] = (lo >>> n) | ((hi << 1) << (31 - n));
                R[d + 1] = hi >> n;
              } else {
                R[d] = hi >> n;
                R[d + 1] = hi >> 31;
              }
              pc += 4;
              break;
            }
            case 128 /* i64_shr_u */: {
              const x = b + code[pc + 2], n = R[b + code[pc + 3]] & 63;
              const lo = R[x], hi = R[x + 1], d = b + code[pc + 1];
              if (n < 32) {
                R[d] = (lo >>> n) | ((hi << 1) << (31 - n));
                R[d + 1] = (hi >>> n) | 0;
              } else {
                R[d] = (hi >>> n) | 0;
                R[d + 1] = 0;
              }
              pc += 4;
              break;
            }
            case 131 /* i64_eqz */: {
              const x = b + code[pc + 2];
              R[b + code[pc + 1]] = (R[x] | R[x + 1]) === 0 ? 1 : 0;
              pc += 3;
              break;
            }
            case 138 /* i64_eq */: {
              const x = b + code[pc + 2], y = b + code[pc + 3];
              R[b + code[pc + 1]] = R[x] === R[y] && R[x + 1] === R[y + 1] ? 1 : 0;
              pc += 4;
              break;
            }
            case 139 /* i64_ne */: {
              const x = b + code[pc + 2], y = b + code[pc + 3];
              R[b + code[pc + 1]] = R[x] !== R[y] || R[x + 1] !== R[y + 1] ? 1 : 0;
              pc += 4;
              break;
            }
            case 140 /* i64_lt_s */: {
              const x = b + code[pc + 2], y = b + code[pc + 3], xh = R[x + 1], yh = R[y + 1];
              R[b + code[pc + 1]] = (xh === yh ? (R[x] ^ SIGN) < (R[y] ^ SIGN) : xh < yh) ? 1 : 0;
              pc += 4;
              break;
            }
            case 141 /* i64_lt_u */: {
              const x = b + code[pc + 2], y = b + code[pc + 3], xh = R[x + 1], yh = R[y + 1];
              R[b + code[pc + 1]] =
                (xh === yh ? (R[x] ^ SIGN) < (R[y] ^ SIGN) : (xh ^ SIGN) < (yh ^ SIGN)) ? 1 : 0;
              pc += 4;
              break;
            }
            case 142 /* i64_gt_s */: {
              const x = b + code[pc + 2], y = b + code[pc + 3], xh = R[x + 1], yh = R[y + 1];
              R[b + code[pc + 1]] = (yh === xh ? (R[y] ^ SIGN) < (R[x] ^ SIGN) : yh < xh) ? 1 : 0;
              pc += 4;
              break;
            }
            case 143 /* i64_gt_u */: {
              const x = b + code[pc + 2], y = b + code[pc + 3], xh = R[x + 1], yh = R[y + 1];
              R[b + code[pc + 1]] =
                (yh === xh ? (R[y] ^ SIGN) < (R[x] ^ SIGN) : (yh ^ SIGN) < (xh ^ SIGN)) ? 1 : 0;
              pc += 4;
              break;
            }
            case 144 /* i64_le_s */: {
              const x = b + code[pc + 2], y = b + code[pc + 3], xh = R[x + 1], yh = R[y + 1];
              R[b + code[pc + 1]] = (yh === xh ? (R[y] ^ SIGN) < (R[x] ^ SIGN) : yh < xh) ? 0 : 1;
              pc += 4;
              break;
            }
            case 145 /* i64_le_u */: {
              const x = b + code[pc + 2], y = b + code[pc + 3], xh = R[x + 1], yh = R[y + 1];
              R[b + code[pc + 1]] =
                (yh === xh ? (R[y] ^ SIGN) < (R[x] ^ SIGN) : (yh ^ SIGN) < (xh ^ SIGN)) ? 0 : 1;
              pc += 4;
              break;
            }
            case 146 /* i64_ge_s */: {
              const x = b + code[pc + 2], y = b + code[pc + 3], xh = R[x + 1], yh = R[y + 1];
              R[b + code[pc + 1]] = (xh === yh ? (R[x] ^ SIGN) < (R[y] ^ SIGN) : xh < yh) ? 0 : 1;
              pc += 4;
              break;
            }
            case 147 /* i64_ge_u */: {
              const x = b + code[pc + 2], y = b + code[pc + 3], xh = R[x + 1], yh = R[y + 1];
              R[b + code[pc + 1]] =
                (xh === yh ? (R[x] ^ SIGN) < (R[y] ^ SIGN) : (xh ^ SIGN) < (yh ^ SIGN)) ? 0 : 1;
              pc += 4;
              break;
            }

            // f32: arithmetic through the Float32Array view (storing rounds to
            // f32; double rounding is harmless for + - * / sqrt); sign ops on bits.
            case 148 /* f32_add */:
              F32[b + code[pc + 1]] = F32[b + code[pc + 2]] + F32[b + code[pc + 3]];
              pc += 4;
              break;
            case 149 /* f32_sub */:
              F32[b + code[pc + 1]] = F32[b + code[pc + 2]] - F32[b + code[pc + 3]];
              pc += 4;
              break;
            case 150 /* f32_mul */:
              F32[b + code[pc + 1]] = F32[b + code[pc + 2]] * F32[b + code[pc + 3]];
              pc += 4;
              break;
            case 151 /* f32_div */:
              F32[b + code[pc + 1]] = F32[b + code[pc + 2]] / F32[b + code[pc + 3]];
              pc += 4;
              break;
            case 155 /* f32_abs */:
              f32Abs(R, b + code[pc + 1], b + code[pc + 2]);
              pc += 3;
              break;
            case 164 /* f32_lt */:
              R[b + code[pc + 1]] = F32[b + code[pc + 2]] < F32[b + code[pc + 3]] ? 1 : 0;
              pc += 4;
              break;
            case 165 /* f32_gt */:
              R[b + code[pc + 1]] = F32[b + code[pc + 2]] > F32[b + code[pc + 3]] ? 1 : 0;
              pc += 4;
              break;
            case 168 /* f64_add */:
              F64[(b + code[pc + 1]) >> 1] = F64[(b + code[pc + 2]) >> 1] +
                F64[(b + code[pc + 3]) >> 1];
              pc += 4;
              break;
            case 169 /* f64_sub */:
              F64[(b + code[pc + 1]) >> 1] = F64[(b + code[pc + 2]) >> 1] -
                F64[(b + code[pc + 3]) >> 1];
              pc += 4;
              break;
            case 170 /* f64_mul */:
              F64[(b + code[pc + 1]) >> 1] = F64[(b + code[pc + 2]) >> 1] *
                F64[(b + code[pc + 3]) >> 1];
              pc += 4;
              break;
            case 171 /* f64_div */:
              F64[(b + code[pc + 1]) >> 1] = F64[(b + code[pc + 2]) >> 1] /
                F64[(b + code[pc + 3]) >> 1];
              pc += 4;
              break;
            case 175 /* f64_abs */:
              f64Abs(R, b + code[pc + 1], b + code[pc + 2]);
              pc += 3;
              break;
            case 184 /* f64_lt */:
              R[b + code[pc + 1]] = F64[(b + code[pc + 2]) >> 1] < F64[(b + code[pc + 3]) >> 1]
                ? 1
                : 0;
              pc += 4;
              break;
            case 188 /* i32_wrap_i64 */:
              R[b + code[pc + 1]] = R[b + code[pc + 2]];
              pc += 3;
              break;
            case 193 /* i64_extend_i32_s */: {
              const d = b + code[pc + 1], v = R[b + code[pc + 2]];
              R[d] = v;
              R[d + 1] = v >> 31;
              pc += 3;
              break;
            }
            case 194 /* i64_extend_i32_u */: {
              const d = b + code[pc + 1];
              R[d] = R[b + code[pc + 2]];
              R[d + 1] = 0;
              pc += 3;
              break;
            }
            case 204 /* f64_convert_i32_s */:
              F64[(b + code[pc + 1]) >> 1] = R[b + code[pc + 2]];
              pc += 3;
              break;
            case 205 /* f64_convert_i32_u */:
              F64[(b + code[pc + 1]) >> 1] = R[b + code[pc + 2]] >>> 0;
              pc += 3;
              break;
            case 199 /* f32_convert_i32_s */:
              F32[b + code[pc + 1]] = R[b + code[pc + 2]];
              pc += 3;
              break;
            case 208 /* f64_promote_f32 */:
              F64[(b + code[pc + 1]) >> 1] = F32[b + code[pc + 2]];
              pc += 3;
              break;
            case 203 /* f32_demote_f64 */:
              F32[b + code[pc + 1]] = F64[(b + code[pc + 2]) >> 1];
              pc += 3;
              break;
            // The deterministic profile: canonical NaNs (positive, quiet, no payload).
            case 367 /* canon_f32 */: {
              const d = b + code[pc + 1];
              if (F32[d] !== F32[d]) R[d] = 0x7fc00000;
              pc += 2;
              break;
            }
            case 368 /* canon_f64 */: {
              const d = b + code[pc + 1];
              if (F64[d >> 1] !== F64[d >> 1]) {
                R[d] = 0;
                R[d + 1] = 0x7ff80000;
              }
              pc += 2;
              break;
            }

            case 248 /* listen_enter */:
              fn.listener?.enter(this, b);
              pc += 1;
              break;
            case 249 /* listen_exit */:
              fn.listener?.exit(this, b);
              pc += 1;
              break;
            // The constant shifts and rotations below have no branch on the count: a count a
            // program had not used before V8 optimised `run` would reach code without type
            // feedback, where V8 throws that optimised code away (see the README). `s` is -1 for
            // counts of 32 or more, else 0; `(x >>> 1) >>> (31 - c)` is `x >>> (32 - c)`, but 0
            // for c = 0.
            case 250 /* i64_shl_imm */: {
              const x = b + code[pc + 2], n = code[pc + 3];
              const lo = R[x], hi = R[x + 1], d = b + code[pc + 1];
              const c = n & 31, s = -(n >> 5);
              const l = lo << c, h = (hi << c) | ((lo >>> 1) >>> (31 - c));
              R[d] = l & ~s;
              R[d + 1] = (h & ~s) | (l & s);
              pc += 4;
              break;
            }
            case 251 /* i64_shr_s_imm */: {
              const x = b + code[pc + 2], n = code[pc + 3];
              const lo = R[x], hi = R[x + 1], d = b + code[pc + 1];
              const c = n & 31, s = -(n >> 5);
              const l = (lo >>> c) | ((hi << 1) << (31 - c)), h = hi >> c;
              R[d] = (l & ~s) | (h & s);
              R[d + 1] = (h & ~s) | ((hi >> 31) & s);
              pc += 4;
              break;
            }
            case 252 /* i64_shr_u_imm */: {
              const x = b + code[pc + 2], n = code[pc + 3];
              const lo = R[x], hi = R[x + 1], d = b + code[pc + 1];
              const c = n & 31, s = -(n >> 5);
              const l = (lo >>> c) | ((hi << 1) << (31 - c)), h = hi >>> c;
              R[d] = (l & ~s) | (h & s);
              R[d + 1] = h & ~s;
              pc += 4;
              break;
            }
            case 253 /* i64_rotl_imm */: {
              const x = b + code[pc + 2], n = code[pc + 3];
              const lo = R[x], hi = R[x + 1], d = b + code[pc + 1];
              // A count of 32 or more first swaps the halves.
              const k = n & 31, s = -(n >> 5);
              const u = (lo & ~s) | (hi & s), v = (hi & ~s) | (lo & s);
              R[d + 1] = (v << k) | ((u >>> 1) >>> (31 - k));
              R[d] = (u << k) | ((v >>> 1) >>> (31 - k));
              pc += 4;
              break;
            }
            case 247 /* consume_fuel */: {
              const n = code[pc + 1];
              if ((this.fuel -= n) < 0) {
                this.fuel += n;
                throw new RuntimeError("out of fuel");
              }
              pc += 2;
              break;
            }
            case 254 /* load32_ai */:
              R[b + code[pc + 1]] = mem.getInt32(
                ((R[b + code[pc + 2]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0),
                true,
              );
              pc += 5;
              break;
            case 255 /* load64_ai */: {
              const ea = ((R[b + code[pc + 2]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
              const lo = mem.getInt32(ea, true), hi = mem.getInt32(ea + 4, true);
              const d = b + code[pc + 1];
              R[d] = lo;
              R[d + 1] = hi;
              pc += 5;
              break;
            }
            case 256 /* load8_u_ai */:
              R[b + code[pc + 1]] = mem.getUint8(
                ((R[b + code[pc + 2]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0),
              );
              pc += 5;
              break;
            case 257 /* store32_ai */:
              mem.setInt32(
                ((R[b + code[pc + 1]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0),
                R[b + code[pc + 2]],
                true,
              );
              pc += 5;
              break;
            case 258 /* store64_ai */: {
              const ea = ((R[b + code[pc + 1]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
              const s = b + code[pc + 2];
              mem.setInt32(ea + 4, R[s + 1], true);
              mem.setInt32(ea, R[s], true);
              pc += 5;
              break;
            }
            case 259 /* store8_ai */:
              mem.setInt8(
                ((R[b + code[pc + 1]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0),
                R[b + code[pc + 2]],
              );
              pc += 5;
              break;
            case 260 /* load32_aa */:
              R[b + code[pc + 1]] = mem.getInt32(
                ((R[b + code[pc + 2]] + R[b + code[pc + 3]]) >>> 0) + (code[pc + 4] >>> 0),
                true,
              );
              pc += 5;
              break;
            case 261 /* load64_aa */: {
              const ea = ((R[b + code[pc + 2]] + R[b + code[pc + 3]]) >>> 0) + (code[pc + 4] >>> 0);
              const lo = mem.getInt32(ea, true), hi = mem.getInt32(ea + 4, true);
              const d = b + code[pc + 1];
              R[d] = lo;
              R[d + 1] = hi;
              pc += 5;
              break;
            }
            case 262 /* load8_u_aa */:
              R[b + code[pc + 1]] = mem.getUint8(
                ((R[b + code[pc + 2]] + R[b + code[pc + 3]]) >>> 0) + (code[pc + 4] >>> 0),
              );
              pc += 5;
              break;
            case 263 /* store32_aa */:
              mem.setInt32(
                ((R[b + code[pc + 1]] + R[b + code[pc + 3]]) >>> 0) + (code[pc + 4] >>> 0),
                R[b + code[pc + 2]],
                true,
              );
              pc += 5;
              break;
            case 265 /* store8_aa */:
              mem.setInt8(
                ((R[b + code[pc + 1]] + R[b + code[pc + 3]]) >>> 0) + (code[pc + 4] >>> 0),
                R[b + code[pc + 2]],
              );
              pc += 5;
              break;
            case 332 /* i32_add_imm_br_ne_imm */: {
              const v = (R[b + code[pc + 2]] + code[pc + 3]) | 0;
              R[b + code[pc + 1]] = v;
              if (v !== code[pc + 4]) {
                const t = code[pc + 5];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 6;
              break;
            }
            case 333 /* i32_add_imm_br_lt_s_imm */: {
              const v = (R[b + code[pc + 2]] + code[pc + 3]) | 0;
              R[b + code[pc + 1]] = v;
              if (v < code[pc + 4]) {
                const t = code[pc + 5];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 6;
              break;
            }
            case 334 /* i32_add_imm_br_lt_u_imm */: {
              const v = (R[b + code[pc + 2]] + code[pc + 3]) | 0;
              R[b + code[pc + 1]] = v;
              if ((v ^ SIGN) < (code[pc + 4] ^ SIGN)) {
                const t = code[pc + 5];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 6;
              break;
            }
            case 335 /* i32_add_imm_br_ne */: {
              const v = (R[b + code[pc + 2]] + code[pc + 3]) | 0;
              R[b + code[pc + 1]] = v;
              if (v !== R[b + code[pc + 4]]) {
                const t = code[pc + 5];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 6;
              break;
            }
            case 336 /* i32_add_imm_br_lt_s */: {
              const v = (R[b + code[pc + 2]] + code[pc + 3]) | 0;
              R[b + code[pc + 1]] = v;
              if (v < R[b + code[pc + 4]]) {
                const t = code[pc + 5];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 6;
              break;
            }
            case 337 /* i32_add_imm_br_lt_u */: {
              const v = (R[b + code[pc + 2]] + code[pc + 3]) | 0;
              R[b + code[pc + 1]] = v;
              if ((v ^ SIGN) < (R[b + code[pc + 4]] ^ SIGN)) {
                const t = code[pc + 5];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 6;
              break;
            }
            case 338 /* i32_add_br_ne_imm */: {
              const v = (R[b + code[pc + 2]] + R[b + code[pc + 3]]) | 0;
              R[b + code[pc + 1]] = v;
              if (v !== code[pc + 4]) {
                const t = code[pc + 5];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 6;
              break;
            }
            case 339 /* i32_add_br_lt_s_imm */: {
              const v = (R[b + code[pc + 2]] + R[b + code[pc + 3]]) | 0;
              R[b + code[pc + 1]] = v;
              if (v < code[pc + 4]) {
                const t = code[pc + 5];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 6;
              break;
            }
            case 340 /* i32_add_br_lt_u_imm */: {
              const v = (R[b + code[pc + 2]] + R[b + code[pc + 3]]) | 0;
              R[b + code[pc + 1]] = v;
              if ((v ^ SIGN) < (code[pc + 4] ^ SIGN)) {
                const t = code[pc + 5];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 6;
              break;
            }
            case 341 /* i32_add_br_ne */: {
              const v = (R[b + code[pc + 2]] + R[b + code[pc + 3]]) | 0;
              R[b + code[pc + 1]] = v;
              if (v !== R[b + code[pc + 4]]) {
                const t = code[pc + 5];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 6;
              break;
            }
            case 342 /* i32_add_br_lt_s */: {
              const v = (R[b + code[pc + 2]] + R[b + code[pc + 3]]) | 0;
              R[b + code[pc + 1]] = v;
              if (v < R[b + code[pc + 4]]) {
                const t = code[pc + 5];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 6;
              break;
            }
            case 343 /* i32_add_br_lt_u */: {
              const v = (R[b + code[pc + 2]] + R[b + code[pc + 3]]) | 0;
              R[b + code[pc + 1]] = v;
              if ((v ^ SIGN) < (R[b + code[pc + 4]] ^ SIGN)) {
                const t = code[pc + 5];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 6;
              break;
            }
            case 344 /* load32_si */:
              R[b + code[pc + 1]] = mem.getInt32(
                (((R[b + code[pc + 2]] << code[pc + 3]) + code[pc + 4]) >>> 0) +
                  (code[pc + 5] >>> 0),
                true,
              );
              pc += 6;
              break;
            case 359 /* i32_add_load8_u */:
              R[b + code[pc + 1]] = (R[b + code[pc + 2]] +
                mem.getUint8(((R[b + code[pc + 3]] + code[pc + 4]) >>> 0) + (code[pc + 5] >>> 0))) |
                0;
              pc += 6;
              break;
            case 360 /* i32_add_load32 */:
              R[b + code[pc + 1]] = (R[b + code[pc + 2]] +
                mem.getInt32(
                  ((R[b + code[pc + 3]] + code[pc + 4]) >>> 0) + (code[pc + 5] >>> 0),
                  true,
                )) | 0;
              pc += 6;
              break;
            case 346 /* i32_add_imm_load32 */: {
              const p = (R[b + code[pc + 2]] + code[pc + 3]) | 0;
              R[b + code[pc + 1]] = p;
              R[b + code[pc + 4]] = mem.getInt32((p >>> 0) + (code[pc + 5] >>> 0), true);
              pc += 6;
              break;
            }
            case 347 /* i32_add_imm_load8_u */: {
              const p = (R[b + code[pc + 2]] + code[pc + 3]) | 0;
              R[b + code[pc + 1]] = p;
              R[b + code[pc + 4]] = mem.getUint8((p >>> 0) + (code[pc + 5] >>> 0));
              pc += 6;
              break;
            }
            case 348 /* i32_add_imm_br_if */:
              R[b + code[pc + 1]] = (R[b + code[pc + 2]] + code[pc + 3]) | 0;
              if (R[b + code[pc + 4]] !== 0) {
                const t = code[pc + 5];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 6;
              break;
            case 349 /* i32_add_imm_mov */: {
              const v = (R[b + code[pc + 2]] + code[pc + 3]) | 0;
              R[b + code[pc + 1]] = v;
              R[b + code[pc + 4]] = v;
              pc += 5;
              break;
            }
            case 350 /* i32_add_imm_load32_si */: {
              const x = (R[b + code[pc + 2]] + code[pc + 3]) | 0;
              R[b + code[pc + 1]] = x;
              R[b + code[pc + 4]] = mem.getInt32(
                (((x << code[pc + 5]) + code[pc + 6]) >>> 0) + (code[pc + 7] >>> 0),
                true,
              );
              pc += 8;
              break;
            }
            case 352 /* f64_mul_load2 */:
              F64[(b + code[pc + 1]) >> 1] = mem.getFloat64(
                ((R[b + code[pc + 2]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0),
                true,
              ) * mem.getFloat64(
                ((R[b + code[pc + 5]] + code[pc + 6]) >>> 0) + (code[pc + 7] >>> 0),
                true,
              );
              pc += 8;
              break;
            case 353 /* i32_add_imm_br */:
              R[b + code[pc + 1]] = (R[b + code[pc + 2]] + code[pc + 3]) | 0;
              pc = code[pc + 4]; // always backward
              break interrupt;
            case 266 /* i32_shl_add_imm */:
              R[b + code[pc + 1]] = ((R[b + code[pc + 2]] << code[pc + 3]) + code[pc + 4]) | 0;
              pc += 5;
              break;
            case 408 /* i32_shl_add */:
              R[b + code[pc + 1]] = ((R[b + code[pc + 2]] << code[pc + 3]) + R[b + code[pc + 4]]) |
                0;
              pc += 5;
              break;
            case 410 /* i32_add_imm_store32 */: {
              const v = (R[b + code[pc + 2]] + code[pc + 3]) | 0;
              R[b + code[pc + 1]] = v;
              mem.setInt32(
                ((R[b + code[pc + 4]] + code[pc + 5]) >>> 0) + (code[pc + 6] >>> 0),
                v,
                true,
              );
              pc += 7;
              break;
            }
            case 411 /* load32_br_eq_imm */: {
              const v = mem.getInt32((R[b + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0), true);
              R[b + code[pc + 1]] = v;
              if (v === code[pc + 4]) {
                const t = code[pc + 5];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 6;
              break;
            }
            case 412 /* load32_br_ne_imm */: {
              const v = mem.getInt32((R[b + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0), true);
              R[b + code[pc + 1]] = v;
              if (v !== code[pc + 4]) {
                const t = code[pc + 5];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 6;
              break;
            }
            case 413 /* load8_u_br_eq_imm */: {
              const v = mem.getUint8((R[b + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0));
              R[b + code[pc + 1]] = v;
              if (v === code[pc + 4]) {
                const t = code[pc + 5];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 6;
              break;
            }
            case 414 /* load8_u_br_ne_imm */: {
              const v = mem.getUint8((R[b + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0));
              R[b + code[pc + 1]] = v;
              if (v !== code[pc + 4]) {
                const t = code[pc + 5];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 6;
              break;
            }
            case 415 /* const32x2 */:
              R[b + code[pc + 1]] = code[pc + 2];
              R[b + code[pc + 3]] = code[pc + 4];
              pc += 5;
              break;
            case 416 /* mov32x2 */:
              R[b + code[pc + 1]] = R[b + code[pc + 2]];
              R[b + code[pc + 3]] = R[b + code[pc + 4]];
              pc += 5;
              break;
            case 417 /* i32_sub_shr_s_imm */:
              R[b + code[pc + 1]] = (R[b + code[pc + 2]] - R[b + code[pc + 3]]) >> code[pc + 4];
              pc += 5;
              break;
            case 418 /* i32_and_imm_br_eq_imm */: {
              const v = R[b + code[pc + 2]] & code[pc + 3];
              R[b + code[pc + 1]] = v;
              if (v === code[pc + 4]) {
                const t = code[pc + 5];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 6;
              break;
            }
            case 419 /* i32_and_imm_br_ne_imm */: {
              const v = R[b + code[pc + 2]] & code[pc + 3];
              R[b + code[pc + 1]] = v;
              if (v !== code[pc + 4]) {
                const t = code[pc + 5];
                if (t <= pc) {
                  pc = t;
                  break interrupt;
                }
                pc = t;
              } else pc += 6;
              break;
            }
            case 420 /* load32x2 */: {
              const d2 = code[pc + 4], a2 = code[pc + 5], o2 = code[pc + 6];
              R[b + code[pc + 1]] = mem.getInt32(
                (R[b + code[pc + 2]] >>> 0) + (code[pc + 3] >>> 0),
                true,
              );
              // A trap in the second load names it: its source-map entry is at pc + 1.
              pc += 1;
              R[b + d2] = mem.getInt32((R[b + a2] >>> 0) + (o2 >>> 0), true);
              pc += 6;
              break;
            }
            case 409 /* i32_shl_add_load32 */: {
              const p = ((R[b + code[pc + 2]] << code[pc + 3]) + R[b + code[pc + 4]]) | 0;
              R[b + code[pc + 1]] = p;
              R[b + code[pc + 5]] = mem.getInt32((p >>> 0) + (code[pc + 6] >>> 0), true);
              pc += 7;
              break;
            }
            case 354 /* i16x8_add2_load8x8_u */: {
              const ea1 = ((R[b + code[pc + 3]] + code[pc + 4]) >>> 0) + (code[pc + 5] >>> 0);
              const ea2 = ((R[b + code[pc + 6]] + code[pc + 7]) >>> 0) + (code[pc + 8] >>> 0);
              const hi1 = mem.getInt32(ea1 + 4, true), lo1 = mem.getInt32(ea1, true);
              const hi2 = mem.getInt32(ea2 + 4, true), lo2 = mem.getInt32(ea2, true);
              const d = b + code[pc + 1], x = b + code[pc + 2];
              // Two u8 lanes sum to at most 510: the top bits stay 0, as in i16x8_add_load8x8_u.
              const q0 = ((lo1 & 0xff) | ((lo1 & 0xff00) << 8)) +
                ((lo2 & 0xff) | ((lo2 & 0xff00) << 8));
              const q1 = (((lo1 >>> 16) & 0xff) | ((lo1 >>> 8) & 0xff0000)) +
                (((lo2 >>> 16) & 0xff) | ((lo2 >>> 8) & 0xff0000));
              const q2 = ((hi1 & 0xff) | ((hi1 & 0xff00) << 8)) +
                ((hi2 & 0xff) | ((hi2 & 0xff00) << 8));
              const q3 = (((hi1 >>> 16) & 0xff) | ((hi1 >>> 8) & 0xff0000)) +
                (((hi2 >>> 16) & 0xff) | ((hi2 >>> 8) & 0xff0000));
              const p0 = R[x], p1 = R[x + 1], p2 = R[x + 2], p3 = R[x + 3];
              R[d] = ((p0 & 0x7fff7fff) + q0) ^ (p0 & -0x7fff8000);
              R[d + 1] = ((p1 & 0x7fff7fff) + q1) ^ (p1 & -0x7fff8000);
              R[d + 2] = ((p2 & 0x7fff7fff) + q2) ^ (p2 & -0x7fff8000);
              R[d + 3] = ((p3 & 0x7fff7fff) + q3) ^ (p3 & -0x7fff8000);
              pc += 9;
              break;
            }
            case 355 /* i32x4_extend_low_i16x8_u_mul */:
            case 356 /* i32x4_extend_high_i16x8_u_mul */:
            case 361 /* i32x4_extend_low_i16x8_u_mul_shr_u */:
            case 362 /* i32x4_extend_high_i16x8_u_mul_shr_u */: {
              const op = code[pc], d = b + code[pc + 1], y = b + code[pc + 3];
              const x = b + code[pc + 2] + (op === 356 || op === 362 ? 2 : 0); // the half's words
              // Without a shift, shifting by 0; counts are taken mod 32 (i32x4.shr_u).
              const c = op >= 361 ? R[b + code[pc + 4]] & 31 : 0;
              // Every source word before any write: the result may be either operand.
              const p = R[x], q = R[x + 1];
              const y0 = R[y], y1 = R[y + 1], y2 = R[y + 2], y3 = R[y + 3];
              R[d] = Math.imul(p & 0xffff, y0) >>> c;
              R[d + 1] = Math.imul(p >>> 16, y1) >>> c;
              R[d + 2] = Math.imul(q & 0xffff, y2) >>> c;
              R[d + 3] = Math.imul(q >>> 16, y3) >>> c;
              pc += op >= 361 ? 5 : 4;
              break;
            }
            case 233 /* v128_load */: {
              const ea = ((R[b + code[pc + 2]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
              const w3 = mem.getInt32(ea + 12, true); // the bounds check, before any write
              const d = b + code[pc + 1];
              R[d] = mem.getInt32(ea, true);
              R[d + 1] = mem.getInt32(ea + 4, true);
              R[d + 2] = mem.getInt32(ea + 8, true);
              R[d + 3] = w3;
              pc += 5;
              break;
            }
            case 235 /* v128_store */: {
              const ea = ((R[b + code[pc + 1]] + code[pc + 3]) >>> 0) + (code[pc + 4] >>> 0);
              const s = b + code[pc + 2];
              // The last word first: if it fits, so do the others (a trapping store writes nothing).
              mem.setInt32(ea + 12, R[s + 3], true);
              mem.setInt32(ea, R[s], true);
              mem.setInt32(ea + 4, R[s + 1], true);
              mem.setInt32(ea + 8, R[s + 2], true);
              pc += 5;
              break;
            }
            // Other SIMD goes straight to its own dispatcher, past executeCold's and executeRare's.
            case 234 /* v128_load_ext */:
            case 236 /* v128_load_lane */:
            case 237 /* v128_store_lane */:
            case 238 /* v128_shuffle */:
            case 239 /* v128_splat */:
            case 240 /* v128_extract */:
            case 241 /* v128_replace */:
            case 242 /* v128_bitselect */:
            case 363 /* v128_relaxed_ternary */:
              pc = executeSimd(this, inst, code, pc, b);
              break;
            // The generic lane ops call their family's dispatcher directly.
            case 281 /* i16x8_shl */:
            case 282 /* i16x8_shr_s */:
            case 283 /* i16x8_shr_u */:
            case 291 /* i16x8_extend_low_i8x16_s */:
            case 292 /* i16x8_extend_high_i8x16_s */:
            case 293 /* i16x8_extend_low_i8x16_u */:
            case 294 /* i16x8_extend_high_i8x16_u */:
            case 303 /* i8x16_add_sat_s */:
            case 305 /* i8x16_sub_sat_s */:
            case 306 /* i8x16_sub_sat_u */:
            case 308 /* i16x8_add_sat_s */:
            case 309 /* i16x8_add_sat_u */:
            case 310 /* i16x8_sub_sat_s */:
            case 311 /* i16x8_sub_sat_u */:
            case 312 /* i16x8_avgr_u */:
            case 313 /* i8x16_eq */:
            case 314 /* i8x16_ne */:
            case 316 /* i16x8_extadd_pairwise_i8x16_s */:
            case 318 /* i32x4_extadd_pairwise_i16x8_s */:
            case 319 /* i32x4_extadd_pairwise_i16x8_u */:
            case 321 /* i16x8_bitmask */:
            case 322 /* i32x4_bitmask */:
            case 323 /* v128_any_true */:
            case 328 /* v128_store32_lane */:
            case 357 /* i8x16_lt_u */:
            case 369 /* canon_f32x4 */:
            case 370 /* canon_f64x2 */:
            case 351 /* f32x4_mul_load */:
            case 267 /* v128_load8x8_s */:
            case 268 /* v128_load8x8_u */:
            case 269 /* v128_and */:
            case 270 /* v128_or */:
            case 271 /* v128_xor */:
            case 272 /* v128_andnot */:
            case 273 /* i8x16_add */:
            case 274 /* i8x16_sub */:
            case 275 /* i16x8_add */:
            case 276 /* i16x8_sub */:
            case 277 /* i16x8_mul */:
            case 278 /* i32x4_add */:
            case 279 /* i32x4_sub */:
            case 295 /* f32x4_add */:
            case 296 /* f32x4_sub */:
            case 297 /* f32x4_mul */:
            case 298 /* f32x4_div */:
            case 299 /* f64x2_add */:
            case 300 /* f64x2_sub */:
            case 301 /* f64x2_mul */:
            case 302 /* f64x2_div */:
            case 330 /* i16x8_add_load8x8_s */:
            case 331 /* i16x8_add_load8x8_u */:
            case 284 /* i32x4_shl */:
            case 285 /* i32x4_shr_s */:
            case 286 /* i32x4_shr_u */:
            case 287 /* i32x4_extend_low_i16x8_s */:
            case 288 /* i32x4_extend_high_i16x8_s */:
            case 289 /* i32x4_extend_low_i16x8_u */:
            case 290 /* i32x4_extend_high_i16x8_u */:
            case 324 /* i8x16_narrow_i16x8_s */:
            case 304 /* i8x16_add_sat_u */:
            case 307 /* i8x16_avgr_u */:
            case 315 /* i32x4_dot_i16x8_s */:
            case 317 /* i16x8_extadd_pairwise_i8x16_u */:
            case 320 /* i8x16_bitmask */:
            case 358 /* i8x16_gt_u */:
            case 325 /* i8x16_narrow_i16x8_u */:
            case 326 /* i16x8_narrow_i32x4_s */:
            case 327 /* i16x8_narrow_i32x4_u */:
            case 329 /* v128_store64_lane */:
            case 243 /* v128_int_unary */:
            case 244 /* v128_int_binary */:
            case 245 /* v128_float_unary */:
            case 246 /* v128_float_binary */:
              pc = runSimdOp(R, F32, F64, mem, code, pc, b);
              break;
            case 380 /* throw */:
            case 381 /* throw_ref */:
              // Unwound without a JavaScript throw (its costly part); `run` goes on at the handler.
              pc = this.#throwAt(fn, inst, code, pc, b, depth);
              if (pc < 0) {
                this.budget = budget;
                return REENTER;
              }
              throw this.#uncaught;
            default:
              // Seldom-run ops (`cold_ops.ts`), which hands on the rare ones (`rare_ops.ts`).
              pc = executeCold(this, inst, code, pc, b);
              break;
          }
          continue;
        }
        // Every backward branch and call comes here, so the budget is counted in
        // one place (one site for the JIT to profile, not one per branch op).
        if (--budget > 0) {
          // Hot functions run as JavaScript (js_tier.ts) up to their next call or return.
          if (jsTierHeat < 0) continue;
          // One compare while the function is not hot: a function with register-code tier code
          // has a limit no count reaches (see compileHot), so it always goes on to `cf.js`.
          const cf = fn.code!;
          if (++cf.jsHeat < cf.jsLimit) continue;
          const js = cf.js ?? compileHot(cf, fn, this, pc);
          if (js === null) continue;
          // A loop entry (ENTER_LOOP) is taken at the re-entry, after the interrupt check below.
          // (The literal: V8 tests for undefined without type feedback, not a constant's value.)
          if (js !== undefined) {
            cf.jsHeat = 0; // (counted on each entry: kept far from 2^31, past which it is no int32)
            pc = js(this, fn, R, F32, F64, mem, globals, inst, refs, code, b, pc, budget, depth);
            budget = this.budget;
            b = this.b;
            depth = this.depth;
            pcs = this.framePcs, fps = this.frameBases;
            // Its calls into the structured tier may have grown the registers or the memory.
            R = this.R, F32 = this.F32, F64 = this.F64;
            mem = memoryView(inst);
            // Compiled code that spent the budget leaves for the interrupt check below.
            if (budget > 0) continue;
          }
        }
        // The budget ran out, or a host call suspended (it set the budget to 0).
        if (this.pending === null) budget = this.checkInterrupts(inst);
        this.fn = fn;
        this.pc = pc;
        this.b = b;
        this.depth = depth;
        if (this.pending !== null || budget === 0) {
          // A call suspended by a host call keeps its spent budget (-1): once resumed, its first
          // backward branch or call checks the deadline and the signal again.
          this.budget = budget === 0 ? CHECK_INTERVAL : budget;
          return SUSPENDED;
        }
        this.budget = budget;
        return REENTER;
      }
    } catch (e) {
      this.fn = null;
      this.#uncaught = null;
      // Where the exception came from: the call or throw before `pc` (which is past it), or
      // the instruction where compiled code stopped.
      let at = pc - 1;
      if (this.jsPc >= 0) {
        pc = at = this.jsPc;
        depth = this.depth;
        b = this.b;
        this.jsPc = -1;
      }
      // A tail call's callee that threw: the frame that made the call has no handlers left.
      const skip = this.tailCallee;
      this.tailCallee = false;
      // A loop entry's compiled code named this frame already.
      const named = this.#inLoopEntry;
      this.#inLoopEntry = false;
      if (e instanceof WasmException && this.#catch(e, fn, at, b, depth, skip)) {
        this.budget = budget;
        return REENTER;
      }
      throw this.toTrap(e, fn, pc, 0, depth, named);
    }
  }

  /**
   * True while a tail call runs its callee as a call (a host function, the
   * structured tier): an exception from it skips the calling frame's handlers.
   */
  tailCallee = false;

  /** The exception {@link #throwAt} found no handler for. */
  #uncaught: WasmException | null = null;

  /**
   * `throw` or `throw_ref` at `pc`: unwinds to the handler (see {@link #catch}) and returns -1,
   * or returns the position past the instruction, the exception left in {@link #uncaught}.
   */
  #throwAt(
    fn: FunctionInstance,
    inst: InstanceState,
    code: Int32Array,
    pc: number,
    b: number,
    depth: number,
  ): number {
    const R = this.R, refs = this.refs;
    let e: WasmException, next: number;
    if (code[pc] === 380 /* throw */) {
      e = newException(inst.tags[code[pc + 1]], R, refs, b + code[pc + 2]);
      next = pc + 3;
    } else {
      e = exceptionOf(refs[(b + code[pc + 1]) >> 1]);
      next = pc + 2;
    }
    if (this.#catch(e, fn, pc, b, depth)) return -1;
    this.#uncaught = e;
    return next;
  }

  /**
   * Unwinds to the handler of `e`, thrown at code position `at` of `fn`
   * (frame base `b`, `depth` frames below): searches each frame's handlers
   * from there outwards; where one catches it, writes what it passes and
   * leaves the machine's state there (for `run` to go on). False when no
   * frame of this call catches it (then nothing is changed).
   */
  #catch(
    e: WasmException,
    fn: FunctionInstance,
    at: number,
    b: number,
    depth: number,
    skipFirst = false,
  ): boolean {
    const fns = this.frameFns, pcs = this.framePcs, bases = this.frameBases;
    const thrower = fn;
    for (let d = depth;; d--) {
      const groups = skipFirst && d === depth ? null : fn.code!.handlers;
      const clause = groups === null ? null : findClause(groups, at, e, fn.instance!);
      if (clause !== null) {
        // The frames unwound above this one failed.
        if (d < depth) {
          thrower.listener?.abort(e);
          for (let k = depth - 1; k > d; k--) fns[k]!.listener?.abort(e);
        }
        land(clause, e, this.R, this.refs, b);
        this.fn = fn;
        this.pc = clause.target;
        this.b = b;
        this.depth = d;
        return true;
      }
      if (d === 0) return false;
      fn = fns[d - 1]!;
      at = pcs[d - 1] - 1;
      b = bases[d - 1];
    }
  }

  /**
   * Called by a host function that returned a Promise: the call suspends
   * after the host function, and `complete` writes the awaited value back.
   * Only allowed in async mode.
   */
  suspend(promise: Promise<unknown>, complete: (value: unknown) => void): void {
    this.pending = promise;
    this.pendingComplete = complete;
    this.#pendingTail = this.tailCallee;
  }

  /**
   * Throws `e` into a suspended call at the host call it stopped after (an
   * asynchronous host function's Promise rejected with it): true when a
   * handler of the call catches it, and {@link resume} goes on there.
   */
  raise(e: WasmException): boolean {
    const fn = this.fn;
    const tail = this.#pendingTail;
    this.#pendingTail = false;
    this.#abortPendingListener(e);
    if (fn === null || fn.code === null) return false;
    if (this.#catch(e, fn, this.pc - 1, this.b, this.depth, tail)) return true;
    this.#abortListeners(fn, this.depth, e);
    this.fn = null;
    return false;
  }

  /**
   * Ends a suspended call whose host function's Promise rejected with an
   * error wasm cannot catch: the listeners of its frames get their abort events.
   */
  abandon(error: unknown): void {
    const fn = this.fn;
    this.#pendingTail = false;
    this.#abortPendingListener(error);
    if (fn === null || fn.code === null) return;
    this.#abortListeners(fn, this.depth, error);
    this.fn = null;
  }

  /** The call has a deadline or a signal: its compiled code counts the budget (see `J.checks`). */
  #interruptible = false;

  /** Prepares the limits of the next call (see the fields of the same names). */
  configure(signal: AbortSignal | null, deadline: number, asyncMode: boolean): void {
    this.signal = signal;
    this.deadline = deadline;
    this.#interruptible = signal !== null || deadline !== Infinity;
    this.asyncMode = asyncMode;
    this.pending = null;
    this.pendingComplete = null;
    this.#pendingTail = false;
    this.#pendingListener = null;
    // Only asynchronous calls yield; reading the clock costs tens of ns per call.
    this.#lastYield = asyncMode ? now() : 0;
  }

  /**
   * Runs when the budget of backward branches and calls is spent: throws if
   * the call must stop, returns 0 when an async call should yield to the
   * event loop, else a fresh budget.
   */
  private checkInterrupts(inst: InstanceState): number {
    if (this.signal !== null && this.signal.aborted) {
      throw new RuntimeError("interrupted: aborted");
    }
    if (this.deadline !== Infinity || this.asyncMode) {
      const t = now();
      if (t >= this.deadline) throw new RuntimeError("interrupted: deadline exceeded");
      if (this.asyncMode && t - this.#lastYield >= YIELD_INTERVAL_MS) {
        this.#lastYield = t;
        return 0;
      }
    }
    if (inst.exitCode !== undefined) throw new ExitError(inst.exitCode);
    return CHECK_INTERVAL;
  }

  private enterFrame(fn: FunctionInstance, b: number): void {
    const cf = fn.code!;
    if (cf.translate !== null) cf.translate();
    this.ensureWords(b + cf.frameWords);
    const R = this.R;
    for (let i = b + cf.paramWords, e = b + cf.localsEnd; i < e; i++) R[i] = 0;
    if (cf.refLocalSlots.length !== 0) this.clearRefLocals(cf.refLocalSlots, b);
  }

  /**
   * Moves a tail call's arguments (and the references among them) from the
   * registers at `from` down to the frame base `to` (`to` < `from`, so a
   * forward copy is safe). A wasm callee is translated already.
   */
  private moveTailCallArguments(callee: FunctionInstance, from: number, to: number): void {
    let words = 0;
    if (callee.code !== null) words = callee.code.paramWords;
    else for (const t of callee.type.params) words += t === 0x7b ? 4 : 2; // a v128 or a slot
    const R = this.R, refs = this.refs;
    for (let i = 0; i < words; i++) R[to + i] = R[from + i];
    for (let s = from >> 1, d = to >> 1, e = (from + words + 1) >> 1; s < e; s++, d++) {
      refs[d] = refs[s];
    }
  }

  private clearRefLocals(slots: Int32Array, b: number): void {
    const base = b >> 1;
    for (let i = 0; i < slots.length; i++) this.refs[base + slots[i]] = null;
  }

  private indirectCallee(
    inst: InstanceState,
    table: number,
    typeIndex: number,
    index: number,
  ): FunctionInstance {
    // Table -1: a `call_ref`, whose callee `call_ref_prepare` has just set.
    if (table < 0) return this.refCallee as FunctionInstance;
    return tableCallee(inst.tables[table], index, inst.typeIds[typeIndex]);
  }

  /** Tells the listeners of every unwound wasm frame that the call failed. */
  #abortListeners(fn: FunctionInstance, depth: number, error: unknown): void {
    if (fn.code !== null) fn.listener?.abort(error);
    for (let d = depth - 1; d >= 0; d--) this.frameFns[d]!.listener?.abort(error);
  }

  /** Turns whatever stopped execution into the error the caller sees, with a wasm stack trace. */
  private toTrap(
    e: unknown,
    fn: FunctionInstance,
    pc: number,
    depth0: number,
    depth: number,
    named = false,
  ): unknown {
    this.#abortListeners(fn, depth, e instanceof HostError ? e.error : e);
    if (e instanceof HostError) return this.nested ? e : e.error;
    const trap = asTrap(e);
    if (trap === null) return e;
    const frames = named ? [] : [frameText(fn, pc)];
    // A runaway recursion leaves millions of frames: name the innermost ones only.
    let d = depth - 1;
    for (; d >= depth0 && frames.length < MAX_TRACE_FRAMES; d--) {
      frames.push(frameText(this.frameFns[d]!, this.framePcs[d] - 1));
    }
    addTraceFrames(trap, frames, d - depth0 + 1);
    return trap;
  }
}

/** One line of a wasm stack trace: the function and the byte offset of the instruction at `pc`. */
function frameText(fn: FunctionInstance, pc: number): string {
  const map = fn.code?.sourceMap;
  if (map === undefined) return `${fn.debugName} (host)`;
  let offset = -1;
  for (let i = 0; i < map.length && map[i] <= pc; i += 2) offset = map[i + 1];
  return wasmFrameText(fn.debugName, offset);
}
