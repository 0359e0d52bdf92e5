import { test } from "node:test";
import assert from "node:assert/strict";
import { code, EMPTY, F32, I32, I64, ModuleBuilder } from "./builder.ts";
import { decodeModule } from "../../lib/binary/decoder.ts";
import { Instruction, readInstruction } from "../../lib/binary/instruction.ts";
import { ByteReader } from "../../lib/binary/reader.ts";
import { opName } from "../../lib/binary/opcodes.ts";
import { CompileError } from "../../lib/errors.ts";
import { buildContext } from "../../lib/validate/context.ts";
import { FrameKind, UNKNOWN } from "../../lib/validate/control_frame.ts";
import { FunctionValidator } from "../../lib/validate/function_validator.ts";

/** Drives the validator over function `index`, calling `after` after each step. */
function drive(
  v: FunctionValidator,
  index: number,
  after: (name: string, v: FunctionValidator) => void,
): void {
  const body = v.begin(index);
  const r = new ByteReader(v.ctx.module.bytes, body.start, body.end);
  const ins = new Instruction();
  while (!r.atEnd()) {
    readInstruction(r, ins);
    v.step(ins);
    after(opName(ins.op), v);
  }
  v.finish();
}

test("the read API shows the stacks between instructions", () => {
  const b = new ModuleBuilder();
  const f = b.type([I32], [I64]);
  const bt = b.type([I32], [I32, F32]);
  b.func(
    f,
    code(
      ...["local.get", 0, "block", bt], // [i32] into the block
      ...["f32.const", 0, 0, 0, 0, "br", 0], // br carries [i32 f32]
      ...["end", "drop", "drop"],
      ...["loop", EMPTY, "br", 0, "end"],
      ...["i64.const", 1],
    ),
    [F32],
  );
  const v = new FunctionValidator(buildContext(decodeModule(b.bytes())));
  const seen: string[] = [];
  drive(v, 0, (name, v) => {
    const types = Array.from({ length: v.height }, (_, i) => v.typeAt(i));
    seen.push(`${name} h=${v.height} [${types}] d=${v.depth} u=${v.unreachable}`);
    if (name === "block") {
      assert.equal(v.frame(0).kind, FrameKind.block);
      assert.deepEqual(v.labelTypes(0), [I32, F32]);
      assert.deepEqual(v.frame(0).params, [I32]);
      assert.equal(v.frame(0).height, 0);
      assert.deepEqual(v.labelTypes(1), [I64]); // the function's frame
      assert.equal(v.frameAt(0), v.frame(1));
    }
    if (name === "br" && v.depth === 2 && v.frame(0).kind === FrameKind.block) {
      assert.equal(v.peek(0), UNKNOWN);
    }
    if (name === "loop") {
      assert.equal(v.frame(0).kind, FrameKind.loop);
      assert.deepEqual(v.labelTypes(0), []);
    }
    if (name === "end" && v.depth > 0) {
      assert.ok(v.lastClosed !== null);
    }
  });
  assert.deepEqual(seen, [
    "local.get h=1 [127] d=1 u=false",
    "block h=1 [127] d=2 u=false",
    "f32.const h=2 [127,125] d=2 u=false",
    "br h=0 [] d=2 u=true",
    "end h=2 [127,125] d=1 u=false",
    "drop h=1 [127] d=1 u=false",
    "drop h=0 [] d=1 u=false",
    "loop h=0 [] d=2 u=false",
    "br h=0 [] d=2 u=true",
    "end h=0 [] d=1 u=false",
    "i64.const h=1 [126] d=1 u=false",
    "end h=1 [126] d=0 u=false",
  ]);
  assert.equal(v.localCount, 2);
  assert.equal(v.localType(1), F32);
  assert.equal(v.funcIndex, 0);
});

test("if and else reuse one frame; lastClosed reports it", () => {
  const b = new ModuleBuilder();
  b.func(
    b.type([], [I32]),
    code("i32.const", 1, "if", I32, "i32.const", 2, "else", "i32.const", 3, "end"),
  );
  const v = new FunctionValidator(buildContext(decodeModule(b.bytes())));
  const kinds: string[] = [];
  drive(v, 0, (name, v) => {
    if (name === "if") kinds.push(`if:${v.frame(0).kind}`);
    if (name === "else") {
      kinds.push(`else:${v.frame(0).kind}`);
      assert.equal(v.lastClosed, v.frame(0));
      assert.equal(v.height, 0);
    }
    if (name === "end" && v.depth === 1) kinds.push(`end:${v.lastClosed!.kind}`);
  });
  assert.deepEqual(kinds, [
    `if:${FrameKind.if}`,
    `else:${FrameKind.else}`,
    `end:${FrameKind.else}`,
  ]);
});

test("one validator serves several functions", () => {
  const b = new ModuleBuilder();
  const t = b.type([], [I32]);
  b.func(t, code("block", I32, "block", I32, "i32.const", 1, "end", "end"));
  b.func(b.type([I64, I64], []), []);
  b.func(t, code("i32.const", 0));
  const v = new FunctionValidator(buildContext(decodeModule(b.bytes())));
  for (let i = 0; i < 3; i++) v.validate(i);
  v.validate(0);
  assert.equal(v.localCount, 0);
  v.validate(1);
  assert.equal(v.localCount, 2);
});

test("finish requires the function's frame closed; nothing may follow it", () => {
  const b = new ModuleBuilder();
  b.func(b.type([], []), code("nop"));
  const m = decodeModule(b.bytes());
  const v = new FunctionValidator(buildContext(m));
  v.begin(0);
  const nop = new Instruction();
  nop.op = 0x01;
  v.step(nop);
  assert.throws(
    () => v.finish(),
    (e) => e instanceof CompileError && /END opcode expected/.test(e.message),
  );

  v.begin(0);
  const end = new Instruction();
  end.op = 0x0b;
  v.step(end);
  assert.throws(
    () => v.step(nop),
    (e) => e instanceof CompileError && /operators remaining after end of function/.test(e.message),
  );
});

test("imported functions shift the function index in messages", () => {
  const b = new ModuleBuilder();
  const t = b.type([], []);
  b.importFunc(t);
  b.importFunc(t);
  b.func(t, code("i64.const", 0));
  const v = new FunctionValidator(buildContext(decodeModule(b.bytes())));
  assert.throws(
    () => v.validate(2),
    (e) =>
      e instanceof CompileError &&
      e.reason === "type mismatch: end of block expects [] but got [i64] in function 2",
  );
});
