/**
 * Splitting a large function into pieces (see `codegen.ts`). The engines
 * optimise a JavaScript function only below a size: V8's TurboFan stops at
 * about 60 KB of bytecode, JavaScriptCore's DFG at a bytecode cost of
 * 100,000 and its FTL at 60,000 (`maximumOptimizationCandidateBytecodeCost`,
 * `maximumFTLCandidateBytecodeCost`), which generated code reaches at 7–12
 * KB of wasm. Above that a generated function runs in the engine's baseline
 * tier for good, which is slower than the register interpreter (on
 * JavaScriptCore its `DataView` calls are out-of-line calls there).
 *
 * A split function's runs of instructions become functions of their own,
 * **pieces**, that the function calls. A piece starts at an instruction of
 * some block and ends at a later one of the same block, once it is past the
 * policy's size (at the latest at the block's `end` or `else`); blocks too
 * large for a piece stay in the function, with pieces made inside them.
 * What crosses a piece's boundary:
 *
 * - the locals it uses come in as arguments; those it writes go back
 *   through the factory's array `PO`;
 * - the block's operand-stack values where it starts come in as arguments;
 * - the operand-stack values live where it ends (a block's results, an
 *   `if`'s condition) go back through `PV`;
 * - a branch out of it (to a label of the function) returns a code that the
 *   function's dispatch after the call turns into the branch, its values
 *   through `PV`; a `return` returns -1, its first result word in `PV[0]`
 *   and the others in `J.rs` as for any call;
 * - the interruption budget goes through `J.budget`, as around a call;
 * - a trap in it gets its frame (the function's name, the piece's `pos`)
 *   from the piece's own `catch`; the function's `pos` is {@link PIECE_POS}
 *   during the call, which `J.trap` passes through unchanged.
 *
 * @module
 */

import { Instruction, readInstruction } from "../../binary/instruction.ts";
import { isAtomicOp, isGcOp, PREFIX_FD } from "../../binary/opcodes.ts";
import { ByteReader } from "../../binary/reader.ts";
import type { ValType } from "../../binary/types.ts";

/**
 * What a split function's `pos` holds while one of its pieces runs: the
 * piece's own `catch` adds the frame to a trap's trace (`J.trap` passes the
 * trap through unchanged at this `pos`).
 */
export const PIECE_POS = -(2 ** 30);

/** When and how the structured tier splits a function (sizes in bytes of wasm). */
export interface SplitPolicy {
  /** Bodies larger than this are split. */
  above: number;
  /** A piece ends at the first instruction of its block past this many bytes. */
  target: number;
  /** Blocks larger than this never go into a piece whole: pieces are made inside them. */
  maxBlock: number;
  /** A piece smaller than this goes back into the function (its call would cost more than it saves). */
  min: number;
}

/** The block, loop and if sizes of a body (from the construct's opcode to its `end`), by offset. */
export interface BodyScan {
  sizes: Map<number, number>;
  /** True when the body has a SIMD instruction (the SIMD code's facts are not split). */
  simd: boolean;
}

/** Reads a body once for {@link BodyScan}. */
export function scanBody(bytes: Uint8Array, start: number, end: number): BodyScan {
  const r = new ByteReader(bytes, start, end);
  const ins = new Instruction();
  const open: number[] = [];
  const sizes = new Map<number, number>();
  let simd = false;
  while (r.pos < end) {
    readInstruction(r, ins);
    const op = ins.op;
    if (op === 0x02 || op === 0x03 || op === 0x04) open.push(ins.offset);
    else if (op === 0x0b && open.length > 0) {
      const at = open.pop()!;
      sizes.set(at, r.pos - at);
    } else if (op >= PREFIX_FD && !isGcOp(op) && !isAtomicOp(op)) simd = true;
  }
  return { sizes, simd };
}

/** A branch out of a piece, to the label of control frame `target` (its index from the outermost). */
export interface PieceExit {
  code: number;
  target: number;
  types: readonly ValType[];
}

/** A piece while it is generated. */
export class Piece {
  /** The lines of its body. */
  readonly lines: string[] = [];
  /** Highest stack height used, per variable prefix (its own temporaries). */
  readonly heights = new Map<string, number>();
  /** Locals it reads or writes, and those it writes. */
  readonly locals = new Set<number>();
  readonly written = new Set<number>();
  /** The variables of the operand-stack values it starts with (its last arguments). */
  readonly imported: string[] = [];
  /** Its branches out, by target frame. */
  readonly exits = new Map<number, PieceExit>();
  /** True when it has a `return`. */
  returns = false;

  /**
   * @param depth control frames open where it starts (those are outside it)
   * @param height operand stack height where it starts
   * @param start byte offset of its first instruction
   */
  constructor(readonly depth: number, readonly height: number, readonly start: number) {}

  /** The exit to frame `target`, numbered from 1 in the order they are first taken. */
  exit(target: number, types: readonly ValType[]): PieceExit {
    let exit = this.exits.get(target);
    if (exit === undefined) {
      exit = { code: this.exits.size + 1, target, types };
      this.exits.set(target, exit);
    }
    return exit;
  }
}

/** A finished piece, as `assembleSource` writes it. */
export interface PieceSource {
  name: string;
  params: readonly string[];
  /** Its temporaries, each with its initial value. */
  decls: readonly string[];
  body: readonly string[];
}

/** Where a piece's exit writes back the locals it wrote (filled in when the piece is done). */
export const OUT_MARK = "\ue003";

/** The text of a branch or return inside a piece: replaced by one of two forms when it ends. */
export const exitMark = (id: number): string => `\ue002${id}\ue002`;

/** Replaces the exit marks of `line` by `form(id)`. */
export function resolveExits(line: string, form: (id: number) => string): string {
  return line.includes("\ue002")
    ? line.replace(/\ue002(\d+)\ue002/g, (_, id: string) => form(Number(id)))
    : line;
}
