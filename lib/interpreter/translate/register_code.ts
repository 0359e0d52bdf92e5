/**
 * The translator's output buffer: the register code of one function, its
 * source map (code position → byte offset of the wasm instruction, for
 * stack traces), and the short history of the last instructions emitted
 * that the peepholes (`fusions.ts`) look back at.
 *
 * @module
 */

import { OP, OP_SPECS } from "../ops.ts";

/**
 * 1 for the ops that end a basic block for fuel metering: calls, returns and
 * every op with a branch target.
 */
const ENDS_BASIC_BLOCK: Uint8Array = Uint8Array.from(
  OP_SPECS,
  ([, kinds], op) => op <= OP.return64 || kinds.includes("t") ? 1 : 0,
);

/** Register code being emitted, with its source map and the history the peepholes read. */
export class RegisterCode {
  code = new Int32Array(1024);
  pc = 0;
  /** Pairs (code position, byte offset of the wasm instruction), for stack traces. */
  sourceMap = new Int32Array(256);
  sourceLength = 0;

  /** Code position of the current basic block's fuel charge (-1: none yet). */
  fuelAt = -1;
  /** Start of the last emitted instruction, or -1 when a label was bound since. */
  lastStart = -1;
  /** Start of the instruction before the last one, or -1 (a label, or a peephole, since). */
  prevStart = -1;
  /** Code position of the last instruction's destination operand (-1 if none). */
  lastDst = -1;
  /** Stack height the last instruction's result was pushed at. */
  lastDstHeight = -1;

  /**
   * Appends an instruction with up to seven operands; returns its position.
   * (Fixed parameters rather than a rest array: this runs for every
   * instruction, and the arrays would be garbage.)
   */
  protected emit(op: number, a = 0, b = 0, c = 0, d = 0, e = 0, f = 0, g = 0): number {
    const n = arguments.length - 1;
    const start = this.reserve(n + 1);
    const code = this.code;
    code[start] = op;
    if (n > 0) code[start + 1] = a;
    if (n > 1) code[start + 2] = b;
    if (n > 2) code[start + 3] = c;
    if (n > 3) code[start + 4] = d;
    if (n > 4) code[start + 5] = e;
    if (n > 5) code[start + 6] = f;
    if (n > 6) code[start + 7] = g;
    this.emitted(op, start);
    return start;
  }

  /** Appends an instruction whose operands are in an array (wide or variable-length ones). */
  protected emitWords(op: number, operands: readonly number[]): number {
    const start = this.reserve(operands.length + 1);
    this.code[start] = op;
    for (let i = 0; i < operands.length; i++) this.code[start + 1 + i] = operands[i];
    this.emitted(op, start);
    return start;
  }

  /** Makes room for `words` more words of code; returns where they start. */
  protected reserve(words: number): number {
    const start = this.pc;
    const need = start + words;
    if (need > this.code.length) {
      const bigger = new Int32Array(Math.max(need, this.code.length * 2));
      bigger.set(this.code);
      this.code = bigger;
    }
    this.pc = need;
    return start;
  }

  protected emitted(op: number, start: number): void {
    // A peephole that replaced earlier code emits its fused instruction where
    // that code began: the wasm instructions it ran map there now, so that a
    // trap names the last of them (a load's offset, not its address's add).
    const map = this.sourceMap;
    for (let k = this.sourceLength - 2; k >= 0 && map[k] > start; k -= 2) map[k] = start;
    // After a peephole rewound the code, what came before `start` is not known here.
    this.prevStart = this.lastStart < start ? this.lastStart : -1;
    this.lastStart = start;
    this.lastDst = -1;
    if (ENDS_BASIC_BLOCK[op] === 1) this.fuelAt = -1;
  }

  /** Records that the code emitted from here on comes from the wasm instruction at `offset`. */
  protected mapSource(offset: number): void {
    let map = this.sourceMap;
    const n = this.sourceLength;
    if (n >= 2 && map[n - 2] === this.pc) {
      // The previous wasm instruction emitted no code: the code here is this one's.
      map[n - 1] = offset;
      return;
    }
    if (n + 2 > map.length) {
      const bigger = new Int32Array(map.length * 2);
      bigger.set(map);
      this.sourceMap = map = bigger;
    }
    map[n] = this.pc;
    map[n + 1] = offset;
    this.sourceLength = n + 2;
  }

  /**
   * After a load (emitted at `start`) and the instruction using its value
   * became one op: forgets the user's source entry (moved to `start` by the
   * fusion), so that a trap there names the load, the part that can trap.
   */
  protected mapToLoad(start: number): void {
    const n = this.sourceLength;
    if (n >= 4 && this.sourceMap[n - 2] === start) this.sourceLength = n - 2;
  }

  /**
   * After a load (emitted at `start`) and the instructions using its value
   * became one op: forgets their source entries (moved to `start` by the
   * fusion), so that a trap there names the load. {@link mapToLoad} for
   * more than one user.
   */
  protected mapAllToLoad(start: number): void {
    let n = this.sourceLength;
    while (n >= 4 && this.sourceMap[n - 2] === start && this.sourceMap[n - 4] === start) n -= 2;
    this.sourceLength = n;
  }

  /**
   * After two memory accesses became one op (emitted at `start`), the
   * second of them being the wasm instruction just translated: keeps the
   * first access's source entry at `start` and puts the second's at
   * `start + 1`, where the op reports a trap in its second access.
   */
  protected mapSecondAccess(start: number): void {
    const second = this.sourceMap[this.sourceLength - 1];
    this.mapAllToLoad(start);
    // Room is there: at least the second access's own entry was dropped.
    this.sourceMap[this.sourceLength] = start + 1;
    this.sourceMap[this.sourceLength + 1] = second;
    this.sourceLength += 2;
  }

  /** Marks the current position as a branch target: no peephole may look across it. */
  protected bindHere(fixups: number[]): void {
    if (fixups.length !== 0) {
      for (const at of fixups) this.code[at] = this.pc;
      fixups.length = 0; // slow in V8 (a runtime call), hence the check
    }
    this.lastStart = -1;
    this.prevStart = -1;
    this.lastDst = -1;
    this.fuelAt = -1;
  }

  /** Deletes the last emitted instruction (a peephole replaces it with a fused one). */
  protected removeLast(): void {
    this.pc = this.lastStart;
    // The instruction before is the last one again (its result is no longer "just computed").
    this.lastStart = this.prevStart;
    this.prevStart = -1;
    this.lastDst = -1;
  }

  /**
   * The start of the last instruction if it is an `i32_add_imm` right before
   * the current position with no label since (a peephole may fold it into
   * what follows), else -1.
   */
  protected lastAddImm(): number {
    const last = this.lastStart;
    return last >= 0 && last + 4 === this.pc && this.code[last] === OP.i32_add_imm ? last : -1;
  }
}
