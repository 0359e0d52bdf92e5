/**
 * Function listeners: callbacks before and after every call of a function
 * (wazero's experimental FunctionListener), plus two listeners built on them:
 * a call tracer and a profiler.
 *
 * @module
 */

import type { FuncType } from "../binary/types.ts";
import type { FunctionHooks, HostContext } from "../interpreter/instances.ts";
import { wordsOf } from "../interpreter/translate/virtual_stack.ts";
import type { FunctionDefinition } from "./definitions.ts";
import { type FuncRefExporter, readValue } from "./values.ts";

/**
 * Receives the events of calls to one function. Every method is optional.
 * Listeners run synchronously inside the call; keep them cheap.
 */
export interface FunctionListener {
  /** Before the function runs, with its parameters (JS value convention). */
  before?(definition: FunctionDefinition, params: unknown[]): void;
  /** After it returned, with its results. */
  after?(definition: FunctionDefinition, results: unknown[]): void;
  /** When a trap or an error unwound the call instead. */
  abort?(definition: FunctionDefinition, error: unknown): void;
}

/**
 * Chooses a listener for each function of every module instantiated in a
 * runtime (`RuntimeConfig.listeners`); `undefined` means "do not listen to
 * this one". Runtimes without a factory pay nothing for listeners.
 */
export type FunctionListenerFactory = (
  definition: FunctionDefinition,
) => FunctionListener | undefined;

/** Adapts a listener to the executor's register-level hooks. */
export function functionHooks(
  listener: FunctionListener,
  definition: FunctionDefinition,
  type: FuncType,
  fromFuncRef: FuncRefExporter,
): FunctionHooks {
  const read = (m: HostContext, base: number, types: readonly number[]) => {
    const values: unknown[] = [];
    let at = base;
    for (const t of types) {
      values.push(readValue(m.R, m.refs, at, t, fromFuncRef));
      at += wordsOf(t);
    }
    return values;
  };
  return {
    enter: (m, base) => listener.before?.(definition, read(m, base, type.params)),
    exit: (m, base) => listener.after?.(definition, read(m, base, type.results)),
    abort: (error) => listener.abort?.(definition, error),
  };
}

function show(v: unknown): string {
  if (typeof v === "bigint") return `${v}n`;
  if (v === null) return "null";
  if (typeof v === "object" || typeof v === "function") return "<ref>";
  return String(v);
}

/**
 * A listener factory that writes a call tree, one line per event, in
 * wazero's logging format: `==> module.func(x=1, y=2)`, `<== (3)`.
 *
 * @example
 * ```ts
 * const lines: string[] = [];
 * const runtime = new Runtime({ listeners: callTracer((line) => lines.push(line)) });
 * // ... instantiate and call: lines now holds the call tree.
 * ```
 */
export function callTracer(write: (line: string) => void): FunctionListenerFactory {
  let depth = 0;
  const indent = () => "\t".repeat(depth);
  const listener: FunctionListener = {
    before(def, params) {
      const named = params.map((p, i) => {
        const name = def.paramNames[i];
        return name ? `${name}=${show(p)}` : show(p);
      });
      write(`${indent()}==> ${def.debugName}(${named.join(", ")})`);
      depth++;
    },
    after(_def, results) {
      depth--;
      write(`${indent()}<== (${results.map(show).join(", ")})`);
    },
    abort(_def, error) {
      depth--;
      const message = error instanceof Error ? error.message : String(error);
      write(`${indent()}<== aborted: ${message}`);
    },
  };
  return () => listener;
}

/** One function's line of a {@link Profiler} report. */
export interface ProfileEntry {
  /** The function's debug name. */
  name: string;
  /** Completed or aborted calls. */
  calls: number;
  /** Milliseconds spent in the function itself, excluding its callees. */
  selfMs: number;
  /** Milliseconds from entry to exit, callees included (recursion counted once). */
  totalMs: number;
}

const clock: () => number = typeof globalThis.performance?.now === "function"
  ? () => performance.now()
  : () => Date.now();

/**
 * Counts calls and measures self and total time per function, with no
 * sampling: every call is timed through a function listener.
 *
 * @example
 * ```ts
 * const profiler = new Profiler();
 * const runtime = new Runtime({ listeners: profiler.listeners });
 * const module = await runtime.instantiate(bytes);
 * module.exportedFunction("main")!.call();
 * console.table(profiler.report());
 * ```
 */
export class Profiler {
  readonly #entries = new Map<string, ProfileEntry>();
  /** Open calls: function name, start time, time spent in callees so far. */
  readonly #stack: { name: string; start: number; children: number }[] = [];
  readonly #active = new Map<string, number>();

  /** The listener factory to pass as `RuntimeConfig.listeners`. */
  readonly listeners: FunctionListenerFactory = () => ({
    before: (def) => this.#enter(def.debugName),
    after: () => this.#exit(),
    abort: () => this.#exit(),
  });

  #enter(name: string): void {
    this.#stack.push({ name, start: clock(), children: 0 });
    this.#active.set(name, (this.#active.get(name) ?? 0) + 1);
  }

  #exit(): void {
    const frame = this.#stack.pop();
    if (frame === undefined) return;
    const elapsed = clock() - frame.start;
    let entry = this.#entries.get(frame.name);
    if (entry === undefined) {
      entry = { name: frame.name, calls: 0, selfMs: 0, totalMs: 0 };
      this.#entries.set(frame.name, entry);
    }
    entry.calls++;
    entry.selfMs += elapsed - frame.children;
    const active = this.#active.get(frame.name)! - 1;
    this.#active.set(frame.name, active);
    // Count recursion once: only the outermost activation adds to the total.
    if (active === 0) entry.totalMs += elapsed;
    const parent = this.#stack[this.#stack.length - 1];
    if (parent !== undefined) parent.children += elapsed;
  }

  /** The profile so far, most self time first. */
  report(): ProfileEntry[] {
    return [...this.#entries.values()].map((e) => ({ ...e })).sort((a, b) => b.selfMs - a.selfMs);
  }

  /** Forgets everything measured so far. */
  reset(): void {
    this.#entries.clear();
    this.#stack.length = 0;
    this.#active.clear();
  }
}
