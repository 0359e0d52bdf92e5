/**
 * `J`: the state the structured tier's generated code shares, one object
 * for the whole process (JavaScript runs one call at a time; entries save
 * and restore what they change, so host functions may call back in).
 *
 * @module
 */

import { RuntimeError } from "../../errors.ts";
import { HostError } from "../execute/host_error.ts";
import {
  type FunctionInstance,
  type InstanceState,
  tableCallee,
  type TableInstance,
} from "../instances.ts";
import { addTraceFrames, asTrap, wasmFrameText } from "../execute/trap_trace.ts";
import { PIECE_POS } from "./pieces.ts";

/** What the tier needs of the machine that entered compiled code (see `Machine`). */
export interface JitHost {
  R: Int32Array;
  ensureWords(words: number): void;
  callHost(fn: FunctionInstance, base: number, caller: InstanceState | null): void;
  /** Traps when the call is interrupted (deadline, abort signal, closed module). */
  pollInterrupts(inst: InstanceState): void;
  /** A machine of its own for a nested interpreted call, with this one's deadline and signal, and `J.fuel`. */
  spawn(): JitHost;
  /** Gives back a machine from {@link spawn} (its fuel back to `J.fuel`). */
  release(nested: JitHost): void;
  /** Runs wasm function `fn` to its end, arguments and results at word `base`. */
  runToEnd(fn: FunctionInstance, base: number): void;
}

/** Backward branches and calls between two interruption checks (as in the interpreter). */
const CHECK_INTERVAL = 10_000;

/**
 * JavaScript stack the compiled frames may use, in units of about one
 * variable (8 bytes): 40,000 units keep well inside V8's default stack of
 * about 1 MB, with room for the interpreter frames and host calls between
 * them. Deeper calls run in the interpreter (its own frame stack), so a
 * deep recursion still succeeds, only slower.
 */
export const JS_STACK_UNITS = 40_000;

/**
 * {@link J}'s `stackLimit` while no machine has entered compiled code: a
 * large int32, not `Infinity`. The limits and depths derived from it must
 * stay small integers: JavaScriptCore's optimising tiers box a value they
 * computed as a double (here, a minimum with `Infinity`) as a double even
 * when it is integral, and every compiled function's units-left argument
 * then arrived as a double, which made the interpreter's loop deoptimise
 * ("BadType" at its `J.depth < J.limit` test) and the compiled code do its
 * depth arithmetic in doubles.
 */
const NO_STACK_LIMIT = 2 ** 30 - 1;

/** The shared state of compiled code (see {@link J}). */
export interface JitState {
  depth: number;
  limit: number;
  stackLimit: number;
  top: number;
  budget: number;
  checks: boolean;
  alwaysCheck: boolean;
  rs: unknown[];
  caller: InstanceState | null;
  machine: JitHost | null;
  base: number;
  fuel: number;
  tick(inst: InstanceState): void;
  poll(inst: InstanceState): number;
  outOfFuel(n: number): never;
  trap(e: unknown, fn: FunctionInstance, pos: number, forwarded?: readonly number[][]): unknown;
  callee(table: TableInstance, index: number, typeId: number): FunctionInstance;
}

/** The shared state of compiled code. */
export const J: JitState = {
  /**
   * Units of stack used by the compiled frames below the innermost entry
   * into compiled code (set at the boundaries: compiled frames pass what is
   * left down as their first argument `d` instead, so a call costs no
   * memory traffic; at a boundary, the units used are `top - d`).
   */
  depth: 0,
  /** The interpreter enters compiled code only below it ({@link JS_STACK_UNITS}; -1 in `deep`). */
  limit: JS_STACK_UNITS,
  /** Where the wasm stack budget of the machine that entered compiled code ends, in units. */
  stackLimit: NO_STACK_LIMIT,
  /** The units the innermost entry into compiled code counts `d` down from. */
  top: JS_STACK_UNITS,
  /** Calls and backward branches left before the next interruption check. */
  budget: CHECK_INTERVAL,
  /**
   * Whether compiled code spends {@link budget} and checks for interruptions
   * at all: only while the machine that entered it has a deadline or an
   * abort signal, or once a module was closed during the call (see
   * {@link interruptCompiledCode}). A synchronous call without them cannot
   * be interrupted (no timer or event runs until it returns), and the
   * count in every loop cost the yosys ALU about 9% on V8 and 5% on
   * JavaScriptCore. Written only when it changes: while it never does, V8
   * treats the field as a constant and the tests fold away.
   */
  checks: false,
  /** Set for good by {@link interruptCompiledCode}: every entry into compiled code checks. */
  alwaysCheck: false,
  /** Result words after the first, of the last call that returned more than one. */
  rs: [0, 0, 0, 0] as unknown[],
  /** The instance whose code calls an import or a table entry (what a host function sees). */
  caller: null as InstanceState | null,
  /** The machine whose call runs compiled code now. */
  machine: null as JitHost | null,
  /** Free words of that machine's register file, where host calls put their values. */
  base: 0,
  /**
   * The fuel left, while compiled code of a metered module runs (the
   * entering machine's fuel is moved here and back, see `Machine.callJit`).
   */
  fuel: Infinity,

  /** Out of fuel for a basic block that costs `n`: its fuel is left, as in the interpreter. */
  outOfFuel(n: number): never {
    J.fuel += n;
    throw new RuntimeError("out of fuel");
  },

  /** The interruption check of loops and calls. */
  tick(inst: InstanceState): void {
    J.budget = CHECK_INTERVAL;
    J.machine!.pollInterrupts(inst);
  },

  /** The interruption check of a function that keeps the budget in a local: the budget after it. */
  poll(inst: InstanceState): number {
    J.tick(inst);
    return J.budget;
  },

  /**
   * What compiled code throws on: a trap gets the frame of `fn` at byte
   * offset `pos` added to its trace; a host function's exception and
   * anything else pass through unchanged.
   */
  trap(e: unknown, fn: FunctionInstance, pos: number, forwarded?: readonly number[][]): unknown {
    if (e instanceof HostError || pos === PIECE_POS) return e;
    const trap = asTrap(e);
    if (trap === null) return e;
    if (pos < -1 && forwarded !== undefined) addForwardedFrames(trap, fn, forwarded[-2 - pos]);
    else addTraceFrames(trap, [wasmFrameText(fn.debugName, pos)]);
    return trap;
  },

  /** `call_indirect`'s callee (see {@link tableCallee}). */
  callee: tableCallee,
};

/**
 * Adds the frames of a call past forwarders (see `forwarders.ts`) to a trap's
 * trace: the forwarders', innermost first, then the caller's. Apart from
 * `J.trap`, which every compiled function's `catch` calls, so that it stays as
 * small as it was.
 */
function addForwardedFrames(trap: RuntimeError, fn: FunctionInstance, call: readonly number[]) {
  const frames: string[] = [];
  for (let i = call.length - 2; i >= 1; i -= 2) {
    frames.push(wasmFrameText(fn.instance!.functions[call[i]].debugName, call[i + 1]));
  }
  frames.push(wasmFrameText(fn.debugName, call[0]));
  addTraceFrames(trap, frames);
}

/**
 * Makes compiled code check for interruptions from now on, in every call:
 * for `Module.close` during a call, which the closed module's running code
 * must notice even in a call without a deadline or signal (its frames may
 * be interpreted now and enter compiled code later). For good: closing a
 * module mid-call is rare, and this only brings back the cost of the checks.
 */
export function interruptCompiledCode(): void {
  J.alwaysCheck = true;
  J.checks = true;
  J.budget = 0;
}
