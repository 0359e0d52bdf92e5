import { test } from "node:test";
import assert from "node:assert/strict";
import {
  assertInvalid,
  assertValid,
  code,
  EXTERNREF,
  F32,
  F64,
  funcModule,
  FUNCREF,
  I32,
  I64,
  V128,
} from "./builder.ts";

test("numeric instructions type-check their operands", () => {
  assertValid(funcModule([], [I32], code("i32.const", 1, "i32.const", 2, "i32.add")));
  assertValid(funcModule([I64], [I32], code("local.get", 0, "i64.eqz")));
  assertValid(funcModule([F64], [F32], code("local.get", 0, "f32.demote_f64")));
});

test("a mismatched operand names the instruction, both type lists and the function", () => {
  const b = funcModule([], [I32], code("i64.const", 1, "i32.const", 2, "i32.add"));
  const e = assertInvalid(b, "type mismatch");
  assert.equal(
    e.reason,
    "type mismatch: i32.add expects [i32 i32] but got [i64 i32] in function 0",
  );
  // The offset is that of the i32.add, which is followed only by the body's end.
  assert.equal(e.offset, b.bytes().length - 2);
});

test("missing operands are a type mismatch", () => {
  assertInvalid(funcModule([], [I32], code("i32.const", 1, "i32.add")), "type mismatch");
  assertInvalid(funcModule([], [], code("drop")), "type mismatch");
});

test("values left on the stack or missing at the end are a type mismatch", () => {
  assertInvalid(funcModule([], [], code("i32.const", 1)), "type mismatch");
  assertInvalid(funcModule([], [I32], []), "type mismatch");
  assertInvalid(funcModule([], [I32], code("i32.const", 1, "i32.const", 1)), "type mismatch");
  assertInvalid(funcModule([], [I32], code("i64.const", 1)), "type mismatch");
});

test("after unreachable the stack is polymorphic", () => {
  assertValid(funcModule([], [I32], code("unreachable")));
  assertValid(funcModule([], [I32], code("unreachable", "i32.add")));
  assertValid(funcModule([], [I64], code("unreachable", "i32.const", 0, "i64.extend_i32_s")));
  assertValid(funcModule([], [], code("unreachable", "drop", "drop")));
  assertValid(funcModule([], [V128], code("unreachable", "select")));
  // Known values are still checked.
  assertInvalid(
    funcModule([], [I32], code("unreachable", "i64.const", 0, "i32.add")),
    "type mismatch",
  );
  assertInvalid(funcModule([], [I32], code("unreachable", "i64.const", 0)), "type mismatch");
  // Unreachable code in a block does not consume the values below the block.
  assertValid(
    funcModule([], [I32], code("i32.const", 0, "block", 0x40, "unreachable", "drop", "end")),
  );
  assertInvalid(
    funcModule([], [], code("i32.const", 0, "block", 0x40, "unreachable", "drop", "end")),
    "type mismatch",
  );
});

test("locals: index and type", () => {
  assertValid(
    funcModule([I32], [I64], code("local.get", 1, "local.get", 0, "local.set", 0), undefined, [
      I64,
    ]),
  );
  assertValid(funcModule([F32], [F32], code("f32.const", 0, 0, 0, 0, "local.tee", 0)));
  assertInvalid(funcModule([I32], [], code("local.get", 1, "drop")), "unknown local 1");
  assertInvalid(funcModule([], [], code("i32.const", 0, "local.set", 0)), "unknown local");
  assertInvalid(funcModule([I32], [], code("i64.const", 0, "local.set", 0)), "type mismatch");
  assertInvalid(funcModule([I32], [I64], code("i32.const", 0, "local.tee", 0)), "type mismatch");
});

test("globals: index, type and mutability", () => {
  const setup = (b: import("./builder.ts").ModuleBuilder) => {
    b.importGlobal(I32, false);
    b.global(I64, true, code("i64.const", 0));
  };
  assertValid(funcModule([], [I32], code("global.get", 0), setup));
  assertValid(funcModule([], [], code("i64.const", 5, "global.set", 1), setup));
  assertInvalid(funcModule([], [I32], code("global.get", 2), setup), "unknown global 2");
  assertInvalid(
    funcModule([], [], code("i32.const", 5, "global.set", 0), setup),
    "global is immutable",
  );
  assertInvalid(funcModule([], [], code("i32.const", 5, "global.set", 1), setup), "type mismatch");
  assertInvalid(funcModule([], [], code("i32.const", 5, "global.set", 2), setup), "unknown global");
});

test("untyped select takes two numeric or two vector operands of one type", () => {
  const sel = (t: number[]) => code(...t, ...t, "i32.const", 1, "select", "drop");
  assertValid(funcModule([], [], sel(code("i32.const", 0))));
  assertValid(funcModule([], [], sel(code("f64.const", 0, 0, 0, 0, 0, 0, 0, 0))));
  assertValid(funcModule([], [], sel(code("v128.const", ...new Array(16).fill(0)))));
  assertInvalid(funcModule([], [], sel(code("ref.null", FUNCREF))), "type mismatch");
  assertInvalid(funcModule([], [], sel(code("ref.null", EXTERNREF))), "type mismatch");
  assertInvalid(
    funcModule([], [], code("i32.const", 0, "i64.const", 0, "i32.const", 1, "select", "drop")),
    "type mismatch",
  );
  // In unreachable code one operand may be unknown, but a reference still is not allowed.
  assertValid(funcModule([], [I32], code("unreachable", "i32.const", 0, "i32.const", 1, "select")));
  assertInvalid(
    funcModule([], [], code("unreachable", "ref.null", FUNCREF, "i32.const", 1, "select", "drop")),
    "type mismatch",
  );
});

test("typed select takes exactly one type, references included", () => {
  const refSelect = code(
    "ref.null",
    FUNCREF,
    "ref.null",
    FUNCREF,
    "i32.const",
    1,
    0x1c,
    1,
    FUNCREF,
  );
  assertValid(funcModule([], [FUNCREF], refSelect));
  assertValid(
    funcModule([], [I32], code("i32.const", 1, "i32.const", 2, "i32.const", 1, 0x1c, 1, I32)),
  );
  assertInvalid(
    funcModule([], [], code("i32.const", 1, "i32.const", 2, "i32.const", 1, 0x1c, 0)),
    "invalid result arity",
  );
  assertInvalid(
    funcModule([], [], code("i32.const", 1, "i32.const", 2, "i32.const", 1, 0x1c, 2, I32, I32)),
    "invalid result arity",
  );
  assertInvalid(
    funcModule([], [I64], code("i32.const", 1, "i32.const", 2, "i32.const", 1, 0x1c, 1, I64)),
    "type mismatch",
  );
});

test("ref.is_null needs a reference operand", () => {
  assertValid(funcModule([], [I32], code("ref.null", EXTERNREF, "ref.is_null")));
  assertValid(funcModule([], [I32], code("unreachable", "ref.is_null")));
  assertInvalid(funcModule([], [I32], code("i32.const", 0, "ref.is_null")), "type mismatch");
});
