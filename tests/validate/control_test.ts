import { test } from "node:test";
import {
  assertInvalid,
  assertValid,
  code,
  EMPTY,
  F32,
  funcModule,
  I32,
  I64,
  ModuleBuilder,
} from "./builder.ts";

/** A module with one function of type [] -> results whose body uses the multi-value type `bt`. */
function withBlockType(
  params: number[],
  results: number[],
  body: (bt: number) => number[],
  funcResults: number[] = [],
): ModuleBuilder {
  const b = new ModuleBuilder();
  const f = b.type([], funcResults);
  const bt = b.type(params, results);
  b.func(f, body(bt));
  return b;
}

test("block with the empty, single-value and type-index block types", () => {
  assertValid(funcModule([], [], code("block", EMPTY, "end")));
  assertValid(funcModule([], [I32], code("block", I32, "i32.const", 1, "end")));
  assertValid(
    withBlockType(
      [I32, I64],
      [I64, I32],
      (bt) =>
        code(
          "i32.const",
          1,
          "i64.const",
          2,
          "block",
          bt,
          "drop",
          "drop",
          "i64.const",
          3,
          "i32.const",
          4,
          "end",
          "drop",
          "drop",
        ),
    ),
  );
  assertInvalid(funcModule([], [], code("block", I32, "end", "drop")), "type mismatch");
  assertInvalid(funcModule([], [], code("block", EMPTY, "i32.const", 1, "end")), "type mismatch");
  assertInvalid(funcModule([], [I32], code("block", I32, "i64.const", 1, "end")), "type mismatch");
  assertInvalid(funcModule([], [], code("block", 5, "end")), "unknown type 5");
});

test("block parameters come from the enclosing stack and must be there", () => {
  assertValid(withBlockType([I32], [I32], (bt) => code("i32.const", 1, "block", bt, "end"), [I32]));
  assertInvalid(
    withBlockType([I32], [I32], (bt) => code("block", bt, "end"), [I32]),
    "type mismatch",
  );
  assertInvalid(
    withBlockType([I32], [I32], (bt) => code("f32.const", 0, 0, 0, 0, "block", bt, "end"), [I32]),
    "type mismatch",
  );
  // The block cannot see values below its parameters.
  assertInvalid(
    withBlockType(
      [I32],
      [],
      (bt) => code("i32.const", 1, "i32.const", 2, "block", bt, "i32.add", "drop", "end", "drop"),
    ),
    "type mismatch",
  );
});

test("loop labels carry the loop's parameters", () => {
  assertValid(funcModule([], [], code("loop", EMPTY, "br", 0, "end")));
  assertValid(withBlockType([I32], [], (bt) => code("i32.const", 1, "loop", bt, "br", 0, "end")));
  // A branch to a loop with result type but no params carries nothing.
  assertValid(funcModule([], [I32], code("loop", I32, "br", 0, "end")));
  // Values left over at a branch are discarded.
  assertValid(funcModule([], [I32], code("loop", I32, "i32.const", 1, "br", 0, "end")));
  assertInvalid(
    withBlockType(
      [I32],
      [],
      (bt) => code("i32.const", 1, "loop", bt, "drop", "i64.const", 0, "br", 0, "end"),
    ),
    "type mismatch: br expects [i32] but got [i64]",
  );
});

test("if: condition, branches, and else-less ifs need params == results", () => {
  assertValid(
    funcModule(
      [],
      [I32],
      code("i32.const", 1, "if", I32, "i32.const", 2, "else", "i32.const", 3, "end"),
    ),
  );
  assertValid(funcModule([], [], code("i32.const", 1, "if", EMPTY, "end")));
  assertValid(
    withBlockType([I32], [I32], (bt) => code("i32.const", 1, "i32.const", 0, "if", bt, "end"), [
      I32,
    ]),
  );
  assertInvalid(funcModule([], [], code("if", EMPTY, "end")), "type mismatch");
  assertInvalid(funcModule([], [], code("i64.const", 0, "if", EMPTY, "end")), "type mismatch");
  assertInvalid(
    funcModule([], [I32], code("i32.const", 1, "if", I32, "i32.const", 2, "end")),
    "type mismatch",
  );
  assertInvalid(
    funcModule([], [I32], code("i32.const", 1, "if", I32, "i32.const", 2, "else", "end")),
    "type mismatch",
  );
  assertInvalid(
    funcModule(
      [],
      [I32],
      code("i32.const", 1, "if", I32, "i32.const", 2, "else", "i64.const", 2, "end"),
    ),
    "type mismatch",
  );
  assertInvalid(
    withBlockType(
      [I32],
      [I64],
      (bt) => code("i32.const", 1, "i32.const", 0, "if", bt, "drop", "i64.const", 0, "end", "drop"),
    ),
    "type mismatch",
  );
});

test("else is allowed only in an if", () => {
  assertInvalid(
    funcModule([], [], code("block", EMPTY, "else", "end")),
    "else without matching if",
  );
  assertInvalid(
    funcModule([], [], code("i32.const", 1, "if", EMPTY, "else", "else", "end")),
    "else without matching if",
  );
});

test("unreachable state is per block and resets at else", () => {
  assertValid(funcModule([], [I32], code("block", I32, "unreachable", "end")));
  assertInvalid(
    funcModule([], [I32], code("i32.const", 1, "if", I32, "unreachable", "else", "end")),
    "type mismatch",
  );
  assertValid(
    funcModule(
      [],
      [I32],
      code("i32.const", 1, "if", I32, "unreachable", "else", "i32.const", 1, "end"),
    ),
  );
});

test("br and br_if: labels exist and operands match the label types", () => {
  assertValid(funcModule([], [I32], code("i32.const", 1, "br", 0)));
  assertValid(funcModule([], [I32], code("block", I32, "i32.const", 1, "br", 0, "i32.add", "end")));
  assertValid(
    funcModule([], [I32], code("block", I32, "i32.const", 1, "i32.const", 0, "br_if", 0, "end")),
  );
  assertInvalid(funcModule([], [], code("br", 1)), "unknown label 1");
  assertInvalid(
    funcModule([], [], code("block", EMPTY, "i32.const", 0, "br_if", 2, "end")),
    "unknown label",
  );
  assertInvalid(funcModule([], [I32], code("i64.const", 1, "br", 0)), "type mismatch");
  assertInvalid(
    funcModule([], [I32], code("block", I32, "i32.const", 1, "br_if", 0, "end")),
    "type mismatch",
  );
  // br_if pushes back the label types: a further instruction sees them.
  assertInvalid(
    funcModule(
      [],
      [I64],
      code("block", I32, "i32.const", 1, "i32.const", 0, "br_if", 0, "i64.extend_i32_s", "end"),
    ),
    "type mismatch",
  );
});

test("br_table: all labels have the default's arity and match the operands", () => {
  assertValid(
    funcModule(
      [],
      [],
      code("block", EMPTY, "block", EMPTY, "i32.const", 0, "br_table", 2, 0, 1, 0, "end", "end"),
    ),
  );
  assertValid(
    funcModule(
      [],
      [I32],
      code("block", I32, "i32.const", 5, "i32.const", 0, "br_table", 1, 0, 1, "end"),
    ),
  );
  assertInvalid(
    funcModule(
      [],
      [I32],
      code(
        "block",
        EMPTY,
        "i32.const",
        5,
        "i32.const",
        0,
        "br_table",
        1,
        0,
        1,
        "end",
        "i32.const",
        0,
      ),
    ),
    "type mismatch",
  );
  assertInvalid(
    funcModule([], [], code("block", EMPTY, "i32.const", 0, "br_table", 1, 5, 0, "end")),
    "unknown label 5",
  );
  assertInvalid(funcModule([], [], code("i64.const", 0, "br_table", 0, 0)), "type mismatch");
  // A loop label (arity 0) next to a block label of arity 1.
  assertInvalid(
    funcModule(
      [],
      [I32],
      code(
        "loop",
        I32,
        "block",
        I32,
        "i32.const",
        1,
        "i32.const",
        0,
        "br_table",
        1,
        0,
        1,
        "end",
        "end",
      ),
    ),
    "type mismatch",
  );
});

test("br_table in unreachable code: same arity, types only checked when known", () => {
  // Labels of types [i32] and [f32]: with unknown operands this is fine.
  assertValid(
    funcModule(
      [],
      [],
      code(
        "block",
        F32,
        "unreachable",
        "block",
        I32,
        "unreachable",
        "br_table",
        1,
        0,
        1,
        "end",
        "drop",
        "f32.const",
        0,
        0,
        0,
        0,
        "end",
        "drop",
      ),
    ),
  );
  // A known i32 operand cannot go to both an i32 and an f32 label.
  assertInvalid(
    funcModule(
      [],
      [],
      code(
        "block",
        F32,
        "unreachable",
        "block",
        I32,
        "unreachable",
        "i32.const",
        1,
        "i32.const",
        0,
        "br_table",
        1,
        0,
        1,
        "end",
        "drop",
        "f32.const",
        0,
        0,
        0,
        0,
        "end",
        "drop",
      ),
    ),
    "type mismatch",
  );
  // Arity differs: still invalid in unreachable code.
  assertInvalid(
    funcModule(
      [],
      [],
      code("block", EMPTY, "block", I32, "unreachable", "br_table", 1, 0, 1, "end", "drop", "end"),
    ),
    "type mismatch",
  );
});

test("return checks the function's results and makes the rest unreachable", () => {
  assertValid(funcModule([], [I32], code("i32.const", 1, "return")));
  assertValid(
    funcModule([], [I32], code("block", EMPTY, "i32.const", 1, "return", "end", "unreachable")),
  );
  assertValid(funcModule([], [I32, I64], code("i32.const", 1, "i64.const", 1, "return")));
  assertInvalid(funcModule([], [I32], code("return")), "type mismatch");
  assertInvalid(
    funcModule([], [I32, I64], code("i64.const", 1, "i32.const", 1, "return")),
    "type mismatch",
  );
});

test("call: function index and signature", () => {
  const b = new ModuleBuilder();
  const t = b.type([I32, I64], [F32]);
  const main = b.type([], [F32]);
  const imported = b.importFunc(t);
  b.func(main, code("i32.const", 1, "i64.const", 2, "call", imported));
  b.func(t, code("f32.const", 0, 0, 0, 0));
  assertValid(b);

  const bad = new ModuleBuilder();
  bad.func(bad.type([], []), code("call", 3));
  assertInvalid(bad, "unknown function 3");
  const swapped = new ModuleBuilder();
  const t2 = swapped.type([I32, I64], []);
  swapped.func(t2, code("i64.const", 2, "i32.const", 1, "call", 0));
  assertInvalid(swapped, "type mismatch");
});
