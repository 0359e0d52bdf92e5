/**
 * The JavaScript tier: a hot function's register code, turned into the
 * source of one JavaScript function and compiled by the host's JIT.
 *
 * Each instruction becomes the executor's own `case` body (from
 * `js_ops.ts`, generated from `executor.ts`) with its operands written in as
 * literals, so the JIT sees straight-line code instead of a dispatch per
 * instruction. Branches set `pc` and go back to a `switch` over the
 * function's branch targets (numbered densely, for a jump table); backward
 * ones spend the same budget as the interpreter's, so metering and
 * interruption behave alike.
 *
 * The tier never recurses on the JS stack: at a call, a return or
 * `memory.grow` it returns the `pc` of that instruction and `Machine.run`
 * carries on from there. Only a function's calls of itself, and returns into
 * a frame of itself, are done in place, on `run`'s frame stack. It is entered
 * from `run` at function entry, after a call returns and at backward
 * branches. Functions too big to compile whole are compiled one hot loop at
 * a time.
 *
 * Hosts that forbid `new Function` (a Content-Security-Policy without
 * `unsafe-eval`, some embedded engines) simply keep interpreting.
 *
 * @module
 */

import type { CompiledFunction } from "../compiled_function.ts";
import { JS_EXIT_OPS, JS_OP_TEMPLATES, JS_RARE_TEMPLATE } from "./js_ops.ts";
import { branchTargets, instructionWidth, OP } from "../ops.ts";
import { type InstanceState, memoryView } from "../instances.ts";
import { distinctSource } from "../engine.ts";

/** What compiled code reads and writes of the machine that runs it. */
export interface JsMachine {
  /** The register file's views (calls into the structured tier may replace them). */
  readonly R: Int32Array;
  readonly F32: Float32Array;
  readonly F64: Float64Array;
  /** The budget of backward branches left (see `Machine.run`). */
  budget: number;
  /** The fuel left (metered code only). */
  fuel: number;
  /** The frame base where compiled code stopped (it runs recursive calls itself). */
  b: number;
  /** The call depth where compiled code stopped, or threw. */
  depth: number;
  /** The pc of the instruction that threw, when compiled code threw. */
  jsPc: number;
  /** After how many entries a function or loop is compiled. */
  readonly jsTierHeat: number;
  /** The function of each frame below the current one (see `Machine.run`). */
  readonly frameFns: unknown[];
  /** Where each of those frames goes on when the call above it returns (grows on demand). */
  readonly framePcs: Int32Array;
  /** Each of those frames' base. */
  readonly frameBases: Int32Array;
  /** Makes room for the frame record at `depth`, or traps "call stack exhausted". */
  growFrames(depth: number): void;
  /** The call stack's budget in words (frame tops plus 4 words per frame record). */
  readonly stackWords: number;
}

/**
 * A compiled function: runs from `pc` and returns the `pc` at which `run`
 * must go on, with the budget left, the frame base and the call depth in
 * `m.budget`, `m.b` and `m.depth`; that is `pc` itself when nothing at `pc`
 * is compiled yet. When it throws, the instruction that threw is in
 * `m.jsPc` (and the depth in `m.depth`).
 */
export type JsCode = (
  m: JsMachine,
  fn: unknown,
  R: Int32Array,
  F32: Float32Array,
  F64: Float64Array,
  mem: DataView,
  globals: unknown,
  inst: unknown,
  refs: unknown,
  code: Int32Array,
  b: number,
  pc: number,
  budget: number,
  depth: number,
) => number;

/**
 * Most words of register code compiled as one JavaScript function. A word
 * becomes about 25 bytes of V8 bytecode, and V8 does not optimise functions
 * over 60 KB of it (unoptimised, generated code is slower than the
 * interpreter). Bigger functions have their loops compiled one by one.
 */
export const JS_TIER_MAX_WORDS = 2_000;

let maxWords = JS_TIER_MAX_WORDS;

/**
 * For tests: compile functions over `words` words loop by loop (0: every
 * function), instead of over {@link JS_TIER_MAX_WORDS}. Returns the old value.
 */
export function setJsTierMaxWords(words: number): number {
  const old = maxWords;
  maxWords = words;
  return old;
}

const BODIES: (string | undefined)[] = [];
const JUMPS: number[] = [];
for (const [op, jumps, body] of JS_OP_TEMPLATES) {
  BODIES[op] = body;
  JUMPS[op] = jumps;
}
const EXITS = new Set(JS_EXIT_OPS);
/** Memory accesses, throws, calls other than `Math`'s (and `if`s, to keep it simple), uses of `pc`. */
const MAY_THROW_OR_READ_PC = /\bmem\.|\bthrow\b|\bpc\b|(?<!Math\.)\b[A-Za-z_$][\w$]*\s*\(/;

let available: boolean | undefined;

/** Whether this host lets us compile code (`new Function` works). */
export function jsTierAvailable(): boolean {
  if (available === undefined) {
    try {
      available = new Function("return 1")() === 1;
    } catch {
      available = false;
    }
  }
  return available;
}

/**
 * Compiles `cf` against the executor's helpers (`scope`: name → value): the
 * whole function when it is small enough, else a dispatcher that compiles
 * each of its loops once hot. Returns null when the host forbids `new Function`.
 */
export function compileJs(cf: CompiledFunction, scope: Record<string, unknown>): JsCode | null {
  if (!jsTierAvailable()) return null;
  const code = cf.code;
  if (code.length <= maxWords) return compileSource(jsSource(code, 0, code.length, cf), scope);
  return loopDispatcher(code, scope);
}

function compileSource(region: JsSource, scope: Record<string, unknown>): JsCode | null {
  const names = Object.keys(scope);
  try {
    const factory = new Function(...names, "BLOCK", distinctSource(region.source));
    return factory(...names.map((n) => scope[n]), region.blocks) as JsCode;
  } catch {
    return null;
  }
}

/** What {@link compileJs} returns for a function compiled loop by loop. */
export type LoopDispatcher = JsCode & {
  /** The headers (pcs) of the loops compiled so far, in the order they were. */
  readonly compiledLoops: readonly number[];
  /** The starts (pcs) of the straight-line chunks compiled so far, in the order they were. */
  readonly compiledChunks: readonly number[];
};

/**
 * Words of register code per chunk of a function too big to compile whole.
 * Small: JIT compilers take superlinear time and memory on big functions
 * (yosys with 1,500-word chunks: 2.8× the peak RSS and a quarter slower than
 * with none; with 200-word chunks, a sixth faster than with none).
 */
const CHUNK_WORDS = 200;

/** A chunk is compiled after this many times the tier's heat (most code outside loops runs little). */
const CHUNK_HEAT = 10;

/**
 * The compiled code of a function too big to compile whole. Entered at a
 * loop's header (`run` enters at backward branch targets) it counts, and
 * once the loop is hot compiles it alone: from the header to its last
 * backward branch, inner loops included; branches out of it leave by
 * `default`. Entered anywhere else (the function's entry, a return from a
 * call), or at a loop still cold or too big, it counts for the **chunk**
 * around `pc` (the function cut into pieces of about {@link CHUNK_WORDS}
 * words), and compiles that chunk once hot ({@link CHUNK_HEAT}): so the straight-line code of a
 * large function (a big `switch`, a long initialisation) is not
 * interpreted forever. When compiled code leaves at an instruction that is
 * not an exit to `run` (a branch out of its loop or chunk), the dispatcher
 * goes on with the compiled code there, if any; otherwise it returns `pc`
 * and `run` interprets.
 */
function loopDispatcher(code: Int32Array, scope: Record<string, unknown>): LoopDispatcher {
  const loopEnd = loopEnds(code);
  const chunks = chunkStarts(code);
  const branchTargets = allTargets(code);
  const regionAt: (JsCode | undefined)[] = [];
  const heat = new Map<number, number>();
  const compiledLoops: number[] = [];
  const compiledChunks: number[] = [];

  /** The compiled code entered at `pc`, compiling a loop or chunk that got hot; null if none. */
  const regionFor = (m: JsMachine, pc: number): JsCode | null => {
    const known = regionAt[pc];
    if (known !== undefined) return known;
    const end = loopEnd.get(pc);
    // A loop header counts for its loop; anywhere else, for the chunk around it.
    const key = end !== undefined ? pc : -1 - chunkIndex(chunks, pc);
    const hits = (heat.get(key) ?? 0) + 1;
    heat.set(key, hits);
    if (hits < (end !== undefined ? m.jsTierHeat : CHUNK_HEAT * m.jsTierHeat)) return null;
    heat.set(key, -(1 << 30)); // compiled (or not compilable): never counted again
    let start: number, stop: number, entries: Set<number>;
    if (end !== undefined) {
      loopEnd.delete(pc);
      start = pc;
      stop = end;
      entries = entryPoints(code, start, stop);
    } else {
      const i = -1 - key;
      start = chunks[i];
      stop = i + 1 < chunks.length ? chunks[i + 1] : code.length;
      entries = entryPoints(code, start, stop);
      // Branches from other chunks land anywhere in this one.
      for (const t of branchTargets) if (t >= start && t < stop) entries.add(t);
    }
    const compiled = compileSource(jsSource(code, start, stop, undefined, entries), scope);
    if (compiled === null) return null;
    // An outer loop compiled after an inner one takes over the inner one's entries; a chunk
    // leaves those of loops compiled before it.
    for (const e of entries) {
      if (end !== undefined || regionAt[e] === undefined) regionAt[e] = compiled;
    }
    (end !== undefined ? compiledLoops : compiledChunks).push(start);
    return regionAt[pc] ?? null;
  };

  const dispatch: JsCode = (
    m,
    fn,
    R,
    F32,
    F64,
    mem,
    globals,
    inst,
    refs,
    code,
    b,
    pc,
    budget,
    depth,
  ) => {
    let region = regionFor(m, pc);
    if (region === null) {
      m.budget = budget;
      m.b = b;
      m.depth = depth;
      return pc;
    }
    for (;;) {
      pc = region(m, fn, R, F32, F64, mem, globals, inst, refs, code, b, pc, budget, depth);
      // At an exit (a call, a return...) or with the budget spent, `run` takes over.
      if (EXITS.has(code[pc]) || m.budget <= 0) return pc;
      // Where compiled code left its loop or chunk: the code there, once that is hot too.
      const next = regionFor(m, pc);
      if (next === null) return pc;
      region = next;
      budget = m.budget;
      b = m.b;
      depth = m.depth;
      R = m.R;
      F32 = m.F32;
      F64 = m.F64;
      mem = memoryView(inst as InstanceState);
    }
  };
  return Object.assign(dispatch, { compiledLoops, compiledChunks });
}

/** Where each chunk of a big function starts (instruction boundaries about {@link CHUNK_WORDS} apart). */
function chunkStarts(code: Int32Array): number[] {
  const starts = [0];
  for (let pc = 0; pc < code.length; pc += instructionWidth(code, pc)) {
    if (pc - starts[starts.length - 1] >= CHUNK_WORDS) starts.push(pc);
  }
  return starts;
}

/** The index of the chunk holding `pc`. */
function chunkIndex(starts: number[], pc: number): number {
  let lo = 0, hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= pc) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Every branch target in `code`. */
function allTargets(code: Int32Array): Set<number> {
  const out = new Set<number>();
  for (let pc = 0; pc < code.length; pc += instructionWidth(code, pc)) {
    for (const t of branchTargets(code, pc)) out.add(t);
  }
  return out;
}

/** Each loop header (a backward branch target) → the end of its last backward branch, for loops small enough. */
function loopEnds(code: Int32Array): Map<number, number> {
  const ends = new Map<number, number>();
  for (let pc = 0; pc < code.length;) {
    const width = instructionWidth(code, pc);
    for (const t of branchTargets(code, pc)) {
      if (t <= pc) ends.set(t, Math.max(ends.get(t) ?? 0, pc + width));
    }
    pc += width;
  }
  for (const [t, end] of ends) if (end - t > Math.max(maxWords, JS_TIER_MAX_WORDS)) ends.delete(t);
  return ends;
}

/**
 * Where `run` may enter code in [start, end): the start, branch targets, and
 * the instruction after each exit.
 */
function entryPoints(code: Int32Array, start: number, end: number): Set<number> {
  const entries = new Set<number>([start]);
  for (let pc = start; pc < end;) {
    const width = instructionWidth(code, pc);
    for (const t of branchTargets(code, pc)) if (t >= start && t < end) entries.add(t);
    if (EXITS.has(code[pc]) && pc + width < end) entries.add(pc + width);
    pc += width;
  }
  return entries;
}

/** Whether [start, end) holds an instruction `op`. */
function hasOp(code: Int32Array, start: number, end: number, op: number): boolean {
  for (let pc = start; pc < end; pc += instructionWidth(code, pc)) if (code[pc] === op) return true;
  return false;
}

/** The frame layout of the function being compiled (see `CompiledFunction`). */
type FrameLayout = Pick<
  CompiledFunction,
  "paramWords" | "localsEnd" | "frameWords" | "refLocalSlots"
>;

/**
 * A call of the function itself, or a return into a frame of it, done in
 * the compiled code as `run` does them (same frame stack, depth limit and
 * budget), so that recursion does not leave it at every call. Other calls
 * and returns, and calls that need a bigger register file, fall through to
 * the exit to `run`.
 */
function recursiveCallOrReturn(
  code: Int32Array,
  pc: number,
  frame: FrameLayout,
  exit: (at: string) => string,
): string[] {
  const op = code[pc];
  if (op === OP.call) {
    const next = pc + 3, base = code[pc + 2];
    return [
      `pc = ${pc};`,
      `if (inst.functions[${code[pc + 1]}] === fn && b + ${base + frame.frameWords} <= R.length) {`,
      `if (depth === m.framePcs.length) m.growFrames(depth);`,
      `if (b + ${base + frame.frameWords} + (depth << 2) > m.stackWords) {`,
      `throw new RuntimeError("call stack exhausted");`,
      "}",
      `m.frameFns[depth] = fn; m.framePcs[depth] = ${next}; m.frameBases[depth] = b; depth++;`,
      `b += ${base};`,
      `for (let i = b + ${frame.paramWords}, e = b + ${frame.localsEnd}; i < e; i++) R[i] = 0;`,
      `pc = 0;`,
      `if (--budget <= 0) ${exit("pc")}`,
      "continue dispatch;",
      "}",
    ];
  }
  if (op === OP.return || op === OP.return32 || op === OP.return64) {
    const move = op === OP.return32
      ? `R[b] = R[b + ${code[pc + 1]}];`
      : op === OP.return64
      ? `{ const lo = R[b + ${code[pc + 1]}], hi = R[b + ${
        code[pc + 1] + 1
      }]; R[b] = lo; R[b + 1] = hi; }`
      : "";
    return [
      `if (depth > 0 && m.frameFns[depth - 1] === fn) {`,
      move,
      "depth--; pc = m.framePcs[depth]; b = m.frameBases[depth];",
      `if (--budget <= 0) ${exit("pc")}`,
      "continue dispatch;",
      "}",
    ];
  }
  return [];
}

/** Generated code for [start, end) of a function's register code. */
export interface JsSource {
  /**
   * The body of a factory taking the executor's helpers and `BLOCK`, and
   * returning the compiled code.
   */
  source: string;
  /** `BLOCK`: the case number of each entry point at `pc - start`, else -1. */
  blocks: Int32Array;
}

/**
 * The generated code of [start, end) (a whole function, or one loop):
 * branches out of it leave by `default`. The `switch` is over dense case
 * numbers, not pcs, so that JITs make it a jump table rather than a search.
 */
export function jsSource(
  code: Int32Array,
  start = 0,
  end: number = code.length,
  frame?: FrameLayout,
  entries: Set<number> = entryPoints(code, start, end),
): JsSource {
  // Recursive calls stay in the compiled code when it is the whole function.
  const recursion = frame !== undefined && start === 0 && end === code.length &&
    frame.refLocalSlots.length === 0;
  // Metered code keeps the fuel in a local (JavaScriptCore does not keep a
  // property in a register across a loop), written back whenever it leaves.
  const metered = hasOp(code, start, end, OP.consume_fuel);
  const saveFuel = metered ? " m.fuel = fuel;" : "";
  const exit = (at: string) =>
    `{ m.budget = budget; m.b = b; m.depth = depth;${saveFuel} return ${at}; }`;
  const blocks = new Int32Array(end - start).fill(-1);
  let cases = 0;
  const out: string[] = [
    "return function js(m, fn, R, F32, F64, mem, globals, inst, refs, code, b, pc, budget, depth) {",
    metered ? "let fuel = m.fuel;" : "",
    "try {",
    "dispatch: for (;;) {",
    `switch (BLOCK[pc - ${start}]) {`,
  ];
  for (let pc = start; pc < end;) {
    const op = code[pc];
    const width = instructionWidth(code, pc);
    if (entries.has(pc)) {
      blocks[pc - start] = cases;
      out.push(`case ${cases++}:`);
    }
    if (EXITS.has(op)) {
      if (recursion) out.push(...recursiveCallOrReturn(code, pc, frame!, exit));
      if (op === OP.call || op === OP.call_indirect) {
        // A callee the structured tier compiled runs from here, and this code goes on after it.
        // Metered code keeps its fuel in a local: the callee counts on from it, and back.
        const call = op === OP.call
          ? `m.callStructured(inst.functions[${code[pc + 1]}], b + ${code[pc + 2]}, depth)`
          : `m.callIndirectStructured(inst, ${code[pc + 1]}, ${code[pc + 2]}, R[b + ${
            code[pc + 3]
          }], b + ${code[pc + 4]}, depth)`;
        // When the callee traps, the fuel it spent is the fuel left (this code's `catch` saves it).
        const made = metered
          ? `{ let made; try { made = ${call}; } catch (e) { fuel = m.fuel; throw e; } if (made) {`
          : `{ if (${call}) {`;
        out.push(
          `pc = ${pc};${saveFuel}`,
          made,
          `R = m.R; F32 = m.F32; F64 = m.F64; mem = memoryView(inst);${
            metered ? " fuel = m.fuel;" : ""
          }`,
          `} else ${exit(String(pc))}`,
          "}",
        );
        pc += width;
        continue;
      }
      out.push(exit(String(pc)));
      pc += width;
      continue;
    }
    const template = BODIES[op] ?? JS_RARE_TEMPLATE;
    const jumps = BODIES[op] === undefined ? 1 : JUMPS[op];
    const label = `L${pc}`;
    const body = (metered ? template.replace(/\bm\.fuel\b/g, "fuel") : template).replace(
      /@(\d+|L)/g,
      (_, k: string) => {
        if (k === "L") return label;
        const i = Number(k);
        // Cases shared by ops of different widths read the longer ops' operands
        // only on paths the shorter ones never take.
        return i < width ? String(code[pc + i]) : "0";
      },
    );
    // `pc` is kept for the bodies that read it and for those that may throw
    // (the trap's position); the JIT drops the stores that nothing reads.
    const setPc = jumps !== 0 || MAY_THROW_OR_READ_PC.test(template) ? `pc = ${pc}; ` : "";
    const open = template.includes("@L") ? `${label}: {` : "{";
    out.push(setPc + open, body, "}");
    const next = pc + width;
    if (jumps === 2) {
      out.push(
        `if (pc !== ${next}) {`,
        `if (pc <= ${pc} && --budget <= 0) ${exit("pc")}`,
        "continue dispatch;",
        "}",
      );
    } else if (jumps === 1) {
      out.push(`if (pc !== ${next}) continue dispatch;`);
    }
    pc = next;
  }
  out.push(
    exit(String(end)), // falling out of a loop
    `default: ${exit("pc")}`,
    "}", // switch
    "}", // for
    `} catch (e) { m.jsPc = pc; m.depth = depth; m.b = b;${saveFuel} throw e; }`,
    "};",
  );
  return { source: out.join("\n"), blocks };
}
