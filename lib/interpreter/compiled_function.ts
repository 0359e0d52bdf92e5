/**
 * The translator's output for one function: register code plus the frame
 * layout the executor needs to call it.
 *
 * @module
 */

import type { JsCode } from "./js_tier/js_tier.ts";
import type { StructuredPlan } from "./jit/compile.ts";
import type { HandlerGroup } from "./translate/exceptions.ts";

/**
 * A function lowered to register code. Sizes are in 32-bit words of the
 * register file (a slot is 2 words; a v128 value takes 4 words).
 *
 * Frame layout, from the frame base: parameters, then declared locals, then
 * the operand-stack temporaries. On return the results are at the base.
 */
export interface CompiledFunction {
  /** The register code (see `ops.ts`). */
  code: Int32Array;
  /** Words used by the parameters. */
  paramWords: number;
  /** End of the declared locals, in words from the base (they are zeroed on entry). */
  localsEnd: number;
  /** Words the whole frame needs (at least the results' words too). */
  frameWords: number;
  /** Slots (relative to the base) of reference-typed declared locals: set to null on entry. */
  refLocalSlots: Int32Array;
  /** Byte offset in the module of the instruction each code position came from (pairs pc, offset). */
  sourceMap: Int32Array;
  /**
   * The outermost loops entered with an empty operand stack, where the
   * structured tier can take over a running call (`Machine.enterLoop`):
   * pairs of the loop header's code position and the byte offset of its
   * `loop` instruction, ascending.
   */
  loopEntries: Int32Array;
  /**
   * With loop entries, the code position of a `return` placed after the
   * body, where `run` goes on once a loop entry has run the rest of a call
   * (its results are then in place at the frame's base); -1 without.
   */
  loopExit: number;
  /** Its exception handlers (try blocks), or null when it has none (see `exceptions.ts`). */
  handlers: HandlerGroup[] | null;
  /** The function compiled by the JavaScript tier, once it is hot (`js_tier.ts`). */
  js: JsCode | null;
  /** How often the executor has entered the function or branched back in it (until compiled). */
  jsHeat: number;
  /**
   * The {@link jsHeat} at which the executor asks whether to compile the
   * function (`compileHot`): the machine's count plus its count per byte of
   * {@link bodyBytes}, kept here so that the interpreter's test is one
   * compare; 0 until the first such question, which sets it, and -2^30 once
   * {@link js} is set (so that `run`'s one compare sends it there).
   */
  jsLimit: number;
  /**
   * Bytes of the function's wasm body. Compiling a function costs time in
   * proportion to its size, so by default a bigger function must be hotter
   * before it is compiled (see `Machine.structuredThreshold`).
   */
  bodyBytes: number;
  /**
   * The size that scales the structured tier's call count: {@link bodyBytes},
   * or less for loop-free code whose every call runs many instructions
   * (`execute/call_work.ts`); -1 until the executor first needs it, once the
   * function is translated and has been called the flat count.
   */
  heatBytes: number;
  /** How the structured tier compiles the function (null: it does not, e.g. in metered code). */
  structured: StructuredPlan | null;
  /**
   * Translates the function on its first call, filling in the fields above
   * (`code` is empty until then); null once it is translated. Modules are
   * validated whole at compile time, so only what runs is translated.
   */
  translate: (() => void) | null;
}
