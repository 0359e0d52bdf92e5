/**
 * `FunctionValidator.validate` decodes and checks the commonest one-byte
 * instructions itself, without `readInstruction` and `step`, control
 * instructions included (blocks, branches, `end`, `else`, `return`). These tests
 * validate each body both ways and require the same outcome: the same
 * error, at the same byte offset, or none.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { code, EMPTY, F32, F64, I32, I64, ModuleBuilder } from "./builder.ts";
import { decodeModule } from "../../lib/binary/decoder.ts";
import { Instruction, readInstruction } from "../../lib/binary/instruction.ts";
import { ByteReader } from "../../lib/binary/reader.ts";
import { CompileError } from "../../lib/errors.ts";
import { buildContext } from "../../lib/validate/context.ts";
import { FunctionValidator } from "../../lib/validate/function_validator.ts";

/** Enough `nop`s after the instruction under test that it is decoded by the fast path. */
const PADDING: (string | number)[] = Array(16).fill("nop");

interface Outcome {
  error: string | null;
  offset?: number;
}

function outcome(run: () => void): Outcome {
  try {
    run();
    return { error: null };
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    return { error: e.reason, offset: e.offset };
  }
}

/**
 * Validates the last function of a module made by `build` with `validate` (the
 * fast path) and instruction by instruction with `step`, and returns the
 * common outcome.
 */
function bothWays(build: (b: ModuleBuilder) => void): Outcome {
  const b = new ModuleBuilder();
  build(b);
  // Not checked by the decoder: a stray `end` or `else` is then the validator's to report.
  const module = decodeModule(b.bytes(), { checkCode: false });
  const index = module.importedFunctionCount + module.functions.length - 1; // the last one
  const fast = outcome(() => new FunctionValidator(buildContext(module)).validate(index));
  const general = outcome(() => {
    const v = new FunctionValidator(buildContext(module));
    const body = v.begin(index);
    const r = new ByteReader(module.bytes, body.start, body.end);
    const ins = new Instruction();
    while (!r.atEnd()) {
      readInstruction(r, ins);
      v.step(ins);
    }
    v.finish();
  });
  assert.deepEqual(fast, general);
  return fast;
}

/** A function of type [] -> [] with `locals` and the body `parts` (then the padding). */
function body(parts: (string | number)[], locals: number[] = []) {
  return (b: ModuleBuilder) => {
    b.memory(1);
    b.global(I32, true, code("i32.const", 0));
    b.global(I64, false, code("i64.const", 0));
    b.func(b.type([], []), code(...parts, ...PADDING), locals);
  };
}

const MANY_LOCALS = [...Array(200).fill(I32), F32];

test("valid code of every fast kind validates the same both ways", () => {
  const ok = bothWays((b) => {
    b.memory(1);
    b.global(I32, true, code("i32.const", 0));
    const callee = b.type([I32, I64], [F32]);
    b.func(callee, code("f32.const", 0, 0, 0, 0));
    b.func(
      b.type([], []),
      code(
        ...["local.get", 0x81, 0x01, "local.set", 5], // a two-byte local index
        ...["i32.const", 0xff, 0xff, 0xff, 0x7f, "local.tee", 0xc7, 0x01, "drop"],
        // Five-byte numbers, as linkers pad relocated ones: the extremes.
        ...["i32.const", 0xff, 0xff, 0xff, 0xff, 0x07, "drop"],
        ...["i32.const", 0x80, 0x80, 0x80, 0x80, 0x78, "drop"],
        ...["global.get", 0x80, 0x80, 0x80, 0x80, 0x00, "drop"],
        ...["i32.const", 0, "i32.load", 2, 0xff, 0xff, 0xff, 0xff, 0x0f, "drop"],
        ...["i32.const", 0, "i64.const", 0, "call", 0x80, 0x80, 0x80, 0x80, 0x00, "drop"],
        ...["i64.const", 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x3f, "drop"],
        ...["i32.const", 8, "i32.load", 2, 0x80, 0x80, 0x04, "i32.load8_u", 0, 3],
        ...["i32.const", 1, "i32.add", "i32.eqz", "global.set", 0],
        ...["global.get", 0, "i64.const", 7, "call", 0, "drop"],
        ...["block", I32, "i32.const", 1, "i32.const", 0, "br_if", 0, "end", "drop"],
        ...["loop", EMPTY, "global.get", 0, "if", EMPTY, "br", 1, "else", "end", "end"],
        ...["i32.const", 4, "f32.const", 0, 0, 0, 0, "f32.store", 2, 0],
        ...["unreachable", "i32.add", "drop", "i64.const", 0, "call", 0, "drop"],
      ),
      MANY_LOCALS,
    );
  });
  assert.deepEqual(ok, { error: null });
});

test("type errors in fast-path instructions are the general path's", () => {
  const cases: [(string | number)[], string][] = [
    [["f32.const", 0, 0, 0, 0, "i32.const", 1, "i32.add"], "type mismatch: i32.add"],
    [["i32.const", 1, "i64.eqz"], "type mismatch: i64.eqz"],
    [["f32.const", 0, 0, 0, 0, "local.set", 0], "type mismatch: local.set"],
    [["i32.const", 0, "local.tee", 0xc8, 0x01], "type mismatch: local.tee"],
    [["i64.const", 0, "i32.load", 2, 0], "type mismatch: i32.load"],
    [["i32.const", 0, "i64.const", 0, "i32.store", 2, 0], "type mismatch: i32.store"],
    [["i32.const", 0, "global.set", 0, "i32.add"], "type mismatch: i32.add"],
    [["i64.const", 0, "global.set", 0], "type mismatch: global.set"],
    [["i32.const", 0, "call", 1], "type mismatch: call"],
    [["block", I32, "end"], "type mismatch: end of block"],
    [["i64.const", 0, "br_if", 0], "type mismatch: br_if"],
  ];
  for (const [parts, reason] of cases) {
    const { error } = bothWays((b) => {
      body([])(b);
      b.func(b.type([I32, I64], []), []);
      b.func(b.type([], []), code(...parts, ...PADDING), MANY_LOCALS);
    });
    assert.ok(error?.startsWith(reason), `${parts.join(" ")}: ${error}`);
  }
});

test("index and immediate errors in fast-path instructions are the general path's", () => {
  const cases: [(string | number)[], string][] = [
    [["local.get", 0xc9, 0x01], "unknown local 201"],
    [["local.get", 0x80, 0x80, 0x01], "unknown local 16384"],
    [["call", 7], "unknown function 7"],
    [["global.get", 9], "unknown global 9"],
    [["i32.const", 0, "global.set", 1], "global is immutable: global 1"],
    [["br", 3], "unknown label 3"],
    [["i32.const", 0, "i32.load", 3, 0], "alignment must not be larger than natural"],
    [["i32.const", 0, "i32.load8_s", 1, 0], "alignment must not be larger than natural"],
    [["else"], "else without matching if"],
    [["i32.const", 0x80, 0x80, 0x80, 0x80, 0x08], "integer too large"],
    [["i32.const", 0x80, 0x80, 0x80, 0x80, 0x70], "integer too large"],
    [["i32.const", 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], "integer representation too long"],
    [["call", 0x80, 0x80, 0x80, 0x80, 0x10], "integer too large"],
    [["global.get", 0x80, 0x80, 0x80, 0x80, 0x80, 0x00], "integer representation too long"],
    [["i32.const", 0, "i32.load", 2, 0x80, 0x80, 0x80, 0x80, 0x10], "offset out of range"],
    [["end", "i32.const", 0], "operators remaining after end of function"],
  ];
  for (const [parts, reason] of cases) {
    const { error } = bothWays(body(parts, MANY_LOCALS));
    assert.ok(error?.startsWith(reason), `${parts.join(" ")}: ${error}`);
  }
});

test("a load without a memory fails the same both ways", () => {
  const { error, offset } = bothWays((b) => {
    b.func(b.type([], []), code("i32.const", 0, "i32.load", 2, 0, "drop", ...PADDING));
  });
  assert.ok(error?.startsWith("unknown memory 0"), `${error}`);
  assert.equal(typeof offset, "number");
});

test("an uninitialised non-defaultable local is left to the general path", () => {
  const { error } = bothWays((b) => {
    // The local's type is (ref func): 0x64 from the builder, the heap type 0x70 written here.
    b.func(b.type([], []), [0x70, ...code("local.get", 0, "drop", ...PADDING)], [0x64]);
  });
  assert.ok(error?.startsWith("uninitialized local 0"), `${error}`);
});

test("the bytes after the fast instructions are counted right (offsets of later errors)", () => {
  // Each immediate length of each fast kind, then an error whose offset depends on all of them.
  const prefix = [
    ...["i32.const", 0x80, 0x01, "drop", "i64.const", 0xff, 0xff, 0x03, "drop"],
    ...["local.get", 0x80, 0x01, "local.set", 0x81, 0x01],
    ...["i32.const", 0, "i32.load16_u", 1, 0xff, 0xff, 0x7f, "drop"],
    ...["block", EMPTY, "end", "call", 0x80, 0x00],
  ];
  const { error, offset } = bothWays((b) => {
    b.memory(1);
    b.func(
      b.type([], []),
      code(...prefix, "f64.add", ...PADDING),
      Array(130).fill(I32),
    );
  });
  assert.ok(error?.startsWith("type mismatch: f64.add"), `${error}`);
  assert.equal(typeof offset, "number");
});

test("control instructions validate the same both ways, valid or not", () => {
  const cases: [(string | number)[], string | null][] = [
    // Valid: labels carrying values, a loop's label (its params: none), an if with an else.
    [["block", I32, "i32.const", 1, "br", 0, "end", "drop"], null],
    [
      [
        "block",
        F64,
        "f64.const",
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        "i32.const",
        0,
        "br_if",
        0,
        "end",
        "drop",
      ],
      null,
    ],
    [["loop", I32, "i32.const", 0, "br_if", 0, "i32.const", 2, "end", "drop"], null],
    [["i32.const", 1, "if", I64, "i64.const", 1, "else", "i64.const", 2, "end", "drop"], null],
    [["block", EMPTY, "br", 0, "i32.add", "drop", "end"], null],
    [["block", I32, "unreachable", "end", "drop"], null],
    [["block", I32, "return", "end", "drop"], null],
    [["i32.const", 1, "i32.const", 2, "i32.const", 0, "select", "drop"], null],
    [["block", I32, "i32.const", 1, "i32.const", 2, "br", 0, "end", "drop"], null],
    // Invalid: each must report what the general path reports, where it reports it.
    [["block", I32, "i64.const", 1, "end", "drop"], "type mismatch: end of block"],
    [["block", I32, "i32.const", 1, "i32.const", 2, "end", "drop"], "type mismatch: end of block"],
    [["block", I32, "i64.const", 1, "br", 0, "end", "drop"], "type mismatch: br"],
    [["block", I32, "i32.const", 0, "br_if", 0, "end"], "type mismatch: br_if"],
    [["i32.const", 1, "if", I32, "i32.const", 1, "end", "drop"], "type mismatch: end of if"],
    [
      ["i32.const", 1, "if", I32, "i64.const", 1, "else", "i32.const", 1, "end", "drop"],
      "type mismatch: end of if",
    ],
    [["i64.const", 1, "if", EMPTY, "end"], "type mismatch: if"],
    [["block", EMPTY, "drop", "end"], "type mismatch: drop"],
    [["i32.const", 1, "i64.const", 2, "i32.const", 0, "select"], "type mismatch: select"],
    [["i32.const", 1, "i32.const", 2, "i64.const", 0, "select"], "type mismatch: select"],
    [["block", EMPTY, "i32.const", 1, "end"], "type mismatch: end of block"],
    [["loop", I32, "i32.const", 0, "br_if", 0, "end", "drop"], "type mismatch: end of loop"],
    [["br_if", 0], "type mismatch: br_if"],
    [["block", EMPTY, "br_if", 2, "end"], "unknown label 2"],
  ];
  for (const [parts, reason] of cases) {
    const { error } = bothWays(body(parts));
    if (reason === null) assert.equal(error, null, `${parts.join(" ")}: ${error}`);
    else assert.ok(error?.startsWith(reason), `${parts.join(" ")}: ${error}`);
  }
});

test("a function that returns values ends the same both ways", () => {
  for (
    const [tail, reason] of [
      [["i32.const", 1], null],
      // The function's body is its outermost block.
      [["i64.const", 1], "type mismatch: end of block expects [i32]"],
      [["i32.const", 1, "i32.const", 1], "type mismatch: end of block expects [i32]"],
      [["i64.const", 1, "return", "i32.const", 1], "type mismatch: return"],
      [["f32.const", 0, 0, 0, 0, "i32.const", 1, "return"], null],
      [["i32.const", 1, "return", "end", "nop"], "operators remaining after end of function"],
    ] as [(string | number)[], string | null][]
  ) {
    const { error } = bothWays((b) => {
      b.func(b.type([], [I32]), code(...PADDING, ...tail));
    });
    if (reason === null) assert.equal(error, null, `${tail.join(" ")}: ${error}`);
    else assert.ok(error?.startsWith(reason), `${tail.join(" ")}: ${error}`);
  }
});

test("deep operand stacks and nesting grow the validator's storage on the fast path", () => {
  // 600 operands (the stack starts at 256) and 100 nested blocks, then all of it consumed.
  const pushes = Array(600).fill(["i32.const", 1]).flat();
  const adds = Array(599).fill("i32.add");
  const opens = Array(100).fill(["block", I32]).flat();
  const closes = Array(100).fill("end");
  const { error } = bothWays((b) => {
    b.func(b.type([], [I32]), code(...opens, ...pushes, ...adds, ...closes, ...PADDING));
  });
  assert.equal(error, null);
  const bad = bothWays((b) => {
    b.func(b.type([], [I32]), code(...opens, ...pushes, ...adds, "i64.add", ...closes, ...PADDING));
  });
  assert.ok(bad.error?.startsWith("type mismatch: i64.add"), `${bad.error}`);
});
