/**
 * A one-instruction-per-line listing of code bytes, for reading minimised
 * fuzz cases (the project has no binary-to-text printer).
 *
 * @module
 */

import { Instruction, opensBlock, readInstruction } from "../../lib/binary/instruction.ts";
import { OPS } from "../../lib/binary/opcodes.ts";
import { ByteReader } from "../../lib/binary/reader.ts";

/** Lists the instructions of `code`, indented by nesting. */
export function disassemble(code: number[]): string {
  const r = new ByteReader(new Uint8Array(code));
  const lines: string[] = [];
  let depth = 0;
  while (r.pos < code.length) {
    const ins = new Instruction();
    readInstruction(r, ins);
    const info = OPS[ins.op];
    if (info?.name === "end" || info?.name === "else") depth--;
    const { a, b, c, count, list } = ins;
    const imm = [a, b, c].join(" ") + (count > 0 ? ` [${list.slice(0, count)}]` : "");
    lines.push(`${"  ".repeat(Math.max(depth, 0))}${info?.name ?? ins.op} ${imm}`);
    if (opensBlock(ins.op) || info?.name === "else") depth++;
  }
  return lines.join("\n");
}
