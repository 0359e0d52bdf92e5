/**
 * Where a loop entry starts (see `generateFunction`'s `loopAt`): the blocks
 * and ifs around the `loop` the generated code begins at, which the
 * generator enters without running the code before the loop.
 *
 * @module
 */

import { Instruction, readInstruction } from "../../binary/instruction.ts";
import { ByteReader } from "../../binary/reader.ts";

/**
 * The constructs around a loop a function is entered at, by the byte offset
 * of their instruction: 1 for an if whose then-part holds the loop, 2 for
 * its else-part, 0 for a block.
 */
export type LoopPath = Map<number, number>;

/**
 * The constructs around the `loop` at byte offset `at` of the body from
 * `start` to `end` (see {@link LoopPath}); null when a loop (or a try)
 * encloses it, or there is no loop there.
 */
export function loopPath(
  bytes: Uint8Array,
  start: number,
  end: number,
  at: number,
): LoopPath | null {
  const r = new ByteReader(bytes, start, end);
  const ins = new Instruction();
  const open: { op: number; offset: number; inElse: boolean }[] = [];
  while (!r.atEnd()) {
    readInstruction(r, ins);
    const op = ins.op;
    if (ins.offset === at) {
      if (op !== 0x03) return null;
      const path: LoopPath = new Map();
      for (const c of open) {
        if (c.op !== 0x02 && c.op !== 0x04) return null;
        path.set(c.offset, c.op === 0x02 ? 0 : c.inElse ? 2 : 1);
      }
      return path;
    }
    if (op === 0x02 || op === 0x03 || op === 0x04 || op === 0x06 || op === 0x1f) {
      open.push({ op, offset: ins.offset, inElse: false });
    } else if (op === 0x05) open[open.length - 1].inElse = true;
    else if (op === 0x0b) open.pop();
  }
  return null;
}
