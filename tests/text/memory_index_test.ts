// The text format of multiple memories and memory64: memory indices on memory instructions, i64
// limits, u64 offsets; checked on the decoded binary.
import { test } from "node:test";
import assert from "node:assert/strict";
import { wat2wasm } from "../../lib/text/index.ts";
import { decodeModule } from "../../lib/binary/decoder.ts";
import { ByteReader } from "../../lib/binary/reader.ts";
import { Instruction, readInstruction } from "../../lib/binary/instruction.ts";
import { opName } from "../../lib/binary/opcodes.ts";

/** The memory instructions of function 0 as `name memory a b offsetHi c` (fields an instruction does not set keep the last value). */
function instructions(source: string): string[] {
  const m = decodeModule(wat2wasm(source));
  const body = m.codes[0];
  const r = new ByteReader(m.bytes, body.start, body.end);
  const ins = new Instruction();
  const out: string[] = [];
  while (!r.atEnd()) {
    readInstruction(r, ins);
    const name = opName(ins.op);
    if (/load|store|memory\./.test(name)) {
      out.push(`${name} m${ins.memory} a${ins.a} b${ins.b} hi${ins.offsetHi} c${ins.c}`);
    }
  }
  return out;
}

test("memory instructions name their memory by id or number; memory 0 by default", () => {
  const lines = instructions(`(module (memory $a 1) (memory $b 1) (data $d "")
    (func
      (drop (i32.load $b offset=8 align=2 (i32.const 0)))
      (drop (i32.load 1 (i32.const 0)))
      (drop (i32.load (i32.const 0)))
      (i64.store $b (i32.const 0) (i64.const 0))
      (drop (v128.load8_lane $b 15 (i32.const 0) (v128.const i64x2 0 0)))
      (drop (v128.load8_lane 1 7 (i32.const 0) (v128.const i64x2 0 0)))
      (drop (v128.load8_lane 7 (i32.const 0) (v128.const i64x2 0 0)))
      (drop (memory.size $b))
      (drop (memory.grow 1 (i32.const 0)))
      (memory.fill $b (i32.const 0) (i32.const 0) (i32.const 0))
      (memory.copy $a $b (i32.const 0) (i32.const 0) (i32.const 0))
      (memory.init $b $d (i32.const 0) (i32.const 0) (i32.const 0))
      (memory.init $d (i32.const 0) (i32.const 0) (i32.const 0))))`);
  assert.deepEqual(lines, [
    "i32.load m1 a1 b8 hi0 c0",
    "i32.load m1 a2 b0 hi0 c0",
    "i32.load m0 a2 b0 hi0 c0",
    "i64.store m1 a3 b0 hi0 c0",
    "v128.load8_lane m1 a0 b0 hi0 c15",
    "v128.load8_lane m1 a0 b0 hi0 c7",
    "v128.load8_lane m0 a0 b0 hi0 c7",
    "memory.size m1 a0 b0 hi0 c7",
    "memory.grow m1 a0 b0 hi0 c7",
    "memory.fill m1 a0 b0 hi0 c7",
    "memory.copy m0 a0 b1 hi0 c7", // destination $a (0), source $b (1)
    "memory.init m1 a0 b1 hi0 c7",
    "memory.init m0 a0 b1 hi0 c7",
  ]);
});

test("64-bit memories and tables: i64 limits and offsets up to 2^64 - 1", () => {
  const source = `(module
    (memory i64 1 281474976710656)
    (table i64 3 funcref)
    (func (drop (i32.load offset=18446744073709551615 (i64.const 0)))))`;
  const m = decodeModule(wat2wasm(source));
  assert.deepEqual(m.memories[0].limits, { min: 1, max: 2 ** 48, address64: true });
  assert.deepEqual(m.tables[0].limits, { min: 3, address64: true });
  assert.deepEqual(instructions(source), ["i32.load m0 a2 b4294967295 hi4294967295 c0"]);
  const inline = decodeModule(wat2wasm(`(module (memory i64 (data "ab")))`));
  assert.deepEqual(inline.memories[0].limits, { min: 1, max: 1, address64: true });
  assert.throws(() =>
    wat2wasm(
      `(module (memory 1) (func (drop (i32.load offset=18446744073709551616 (i32.const 0)))))`,
    )
  );
});
