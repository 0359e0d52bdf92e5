/**
 * The last step of the structured tier's code generator (`codegen.ts`): the
 * generated body, with its marks filled in, becomes the source of the
 * factory that `new Function("C", "J", "H", "W", source)` compiles. The
 * factory binds what the body names (the instance's functions, globals,
 * tables and memory, and the helpers as constants) and returns the
 * function.
 *
 * While it writes the body the generator does not yet know some facts about
 * the whole function (whether it touches memory, whether it keeps the
 * interruption budget in a local): it writes marks there, which
 * {@link assembleSource} replaces.
 *
 * @module
 */

import type { PieceSource } from "./pieces.ts";

/** Where a call re-reads the memory's view (see the generator's `#memoryRefresh`). */
export const REFRESH_MARK = "\ue001refresh";

/** Where a float load's NaN test goes (followed by its number and `\ue001`). */
export const NAN_CHECK_MARK = "\ue001nan";

/** A loop header's interruption check (its form depends on {@link SourceParts.loops}). */
export const LOOP_CHECK = "\ue001loop";

/** Where a call or return writes the local budget back to `J.budget` (see {@link SourceParts.loops}). */
export const SAVE_BUDGET = "\ue001save";

/** Where a call reads `J.budget` into the local budget again (see {@link SourceParts.loops}). */
export const LOAD_BUDGET = "\ue001load";

/** What {@link assembleSource} puts together. */
export interface SourceParts {
  /** The function's index (its name is `w<index>`). */
  index: number;
  /** For a loop entry, the byte offset of its `loop` (the name gets `_at<offset>`); else -1. */
  loopAt: number;
  /** The stack units a call of it takes (see `state.ts`). */
  frameUnits: number;
  /** The parameters' variables (every word of every parameter, or of the locals a loop entry takes). */
  params: readonly string[];
  /** The other variables, each with its initial value (`l5 = 0`). */
  decls: readonly string[];
  /** The module has a memory (`M0` is declared). */
  hasMemory: boolean;
  /** The body reads memory (`mem`, the memory's view, is declared and re-read after calls). */
  usesMemory: boolean;
  /**
   * The function has a loop that calls nothing: it keeps the interruption budget in the local
   * `bud`, read from `J.budget` at entry and after calls and written back before calls and returns.
   */
  loops: boolean;
  /** The function calls something outside every loop: its entry spends the budget too. */
  callsOutsideLoops: boolean;
  /** Lines of the factory before the function (captured functions, globals, constants). */
  header: ReadonlySet<string>;
  /** The body's lines, with marks. */
  body: readonly string[];
  /** Float loads' NaN tests by their marks (see `floatLoadCheck`). */
  nanChecks: ReadonlyMap<string, string>;
  /** The calls made past forwarders, for `J.trap` (see `forwarders.ts`). */
  forwarded: readonly number[][];
  /** A split function's pieces (see `pieces.ts`), and the most words they pass back in `PO` and `PV`. */
  pieces: readonly PieceSource[];
  outWords: number;
  valueWords: number;
}

/** The factory's source: see the module's documentation. */
export function assembleSource(parts: SourceParts): string {
  // Helpers as constants of the factory's scope: calls the JIT can inline without a property
  // lookup on the (large) helper object.
  // One pass over the body fills in the marks (none of whose texts names a helper) and
  // turns each helper `H.name` into the constant `H_name`.
  // Spends one unit of the interruption budget, only while `J.checks` (see state.ts).
  const budgetCheck = parts.loops
    ? "if (J.checks && --bud < 0) bud = J.poll(INST);"
    : "if (J.checks && --J.budget < 0) J.tick(INST);";
  const marks: Record<string, string> = {
    [REFRESH_MARK]: parts.usesMemory ? " mem = M0.view;" : "",
    [SAVE_BUDGET]: parts.loops ? "J.budget = bud; " : "",
    [LOAD_BUDGET]: parts.loops ? " bud = J.budget;" : "",
    [LOOP_CHECK]: budgetCheck,
  };
  const helpers = new Set<string>();
  const fill = (lines: readonly string[]) =>
    lines.join("\n").replace(
      /\ue001(?:refresh|save|load|loop|nan\d+\ue001)|\bH\.(\w+)/g,
      (text: string, helper: string | undefined) => {
        if (helper === undefined) return marks[text] ?? parts.nanChecks.get(text)!;
        helpers.add(helper);
        return `H_${helper}`;
      },
    );
  const body = fill(parts.body);
  const forwarded = parts.forwarded.length === 0 ? "" : ", FWD";
  const catchTrap = `} catch (e) { throw J.trap(e, FN, pos${forwarded}); }`;
  // Each piece: a function of the factory, with the variables of a generated function.
  const pieces = parts.pieces.map((piece) =>
    [
      `function ${piece.name}(${piece.params.join(", ")}) {`,
      parts.usesMemory ? "let mem = M0.view;" : "",
      "let pos = -1;",
      piece.decls.length > 0 ? `let ${piece.decls.join(", ")};` : "",
      parts.loops ? "let bud = J.budget;" : "",
      "try {",
      fill(piece.body),
      catchTrap,
      "}",
    ].filter((l) => l !== "").join("\n")
  );
  for (const line of parts.header) {
    for (const [, name] of line.matchAll(/\bH\.(\w+)/g)) helpers.add(name);
  }
  const lines = [
    `"use strict";`,
    "const INST = C.inst;",
    `const FN = INST.functions[${parts.index}];`,
    `const UNITS = ${parts.frameUnits};`,
    parts.hasMemory ? "const M0 = INST.memories[0];" : "",
    // Rare paths reach helpers through `H$` (see numeric_ops.ts, float loads).
    body.includes("H$.") || pieces.some((p) => p.includes("H$.")) ? "const H$ = H;" : "",
    ...[...helpers].map((name) => `const H_${name} = H.${name};`),
    ...[...parts.header].map((line) => line.replace(/\bH\.(\w+)/g, "H_$1")),
    parts.forwarded.length === 0 ? "" : `const FWD = ${JSON.stringify(parts.forwarded)};`,
    parts.pieces.length === 0
      ? ""
      : `const PO = new Array(${parts.outWords}).fill(0), PV = new Array(${parts.valueWords}).fill(0);`,
    ...pieces,
    // In parentheses, so that V8 compiles the function with its factory, which is called at
    // once, instead of pre-parsing it there and parsing it again at its first call (the ALU's
    // 712 functions: 130 → 105 ms from source to first call).
    `return (function w${parts.index}${parts.loopAt < 0 ? "" : `_at${parts.loopAt}`}(${
      ["d", ...parts.params].join(", ")
    }) {`,
    // A loop entry is made only where its frame fits (`Machine.enterLoop`).
    parts.loopAt < 0
      ? `if ((d -= UNITS) < 0) return C.deep(FN, UNITS, d + UNITS, [${parts.params.join(", ")}]);`
      : "d -= UNITS;",
    parts.usesMemory ? "let mem = M0.view;" : "",
    "let pos = -1;",
    parts.decls.length > 0 ? `let ${parts.decls.join(", ")};` : "",
    parts.loops ? "let bud = J.budget;" : "",
    "try {",
    // Calls spend the interruption budget (a call tree can run long without a loop): each
    // iteration of a loop spends it, and so does the entry of a function that calls outside
    // loops, which then makes a bounded number of calls per spending. A function that calls
    // nothing ends soon unless it loops.
    parts.callsOutsideLoops ? budgetCheck : "",
    body,
    catchTrap,
    "});",
  ];
  return lines.filter((l) => l !== "").join("\n");
}
