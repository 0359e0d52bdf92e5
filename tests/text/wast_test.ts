import { test } from "node:test";
import assert from "node:assert/strict";
import { parseWast, wat2wasm } from "../../lib/text/index.ts";
import { CompileError } from "../../lib/errors.ts";

const SCRIPT = `;; a script
(module $M (func (export "id") (param i32) (result i32) local.get 0))
(register "m" $M)
(module binary "\\00asm" "\\01\\00\\00\\00")
(module $Q quote "(func" "(nop))")
(invoke $M "id" (i32.const -1))
(assert_return (invoke "id" (i32.const 0xffffffff)) (i32.const -1))
(assert_return (invoke "f"
    (i64.const -1) (f32.const -0x1p-149) (f64.const nan:0x1)
    (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 -1)
    (ref.null func) (ref.extern 7))
  (f32.const nan:canonical) (f64.const nan:arithmetic)
  (v128.const f32x4 nan:canonical 1 -0 nan:arithmetic)
  (v128.const f64x2 1 2)
  (ref.null extern) (ref.extern 3) (ref.func) (f32.const 1.5))
(assert_return (get "g") (i32.const 1))
(assert_trap (invoke "t") "unreachable")
(assert_trap (module (func $s unreachable) (start $s)) "unreachable")
(assert_exhaustion (invoke "loop") "call stack exhausted")
(assert_invalid (module (func (result i32))) "type mismatch")
(assert_invalid (module (func (call $undefined))) "unknown function")
(assert_malformed (module quote "(func i32.foo)") "unknown operator")
(assert_malformed (module binary "\\00asm") "unexpected end")
(assert_unlinkable (module (import "x" "y" (func))) "unknown import")
`;

test("commands, with line numbers", () => {
  const cmds = parseWast(SCRIPT);
  assert.deepEqual(cmds.map((c) => [c.type, c.line]), [
    ["module", 2],
    ["register", 3],
    ["module", 4],
    ["module", 5],
    ["action", 6],
    ["assert_return", 7],
    ["assert_return", 8],
    ["assert_return", 16],
    ["assert_trap", 17],
    ["assert_trap", 18],
    ["assert_exhaustion", 19],
    ["assert_invalid", 20],
    ["assert_invalid", 21],
    ["assert_malformed", 22],
    ["assert_malformed", 23],
    ["assert_unlinkable", 24],
  ]);
});

test("modules: text is encoded, binary concatenated, quote kept as text", () => {
  const cmds = parseWast(SCRIPT);
  const m0 = cmds[0];
  assert.ok(m0.type === "module" && m0.module.kind === "text");
  assert.equal(m0.module.name, "M");
  assert.deepEqual(m0.module.bytes, wat2wasm(m0.module.text));
  assert.ok(m0.module.text.startsWith("(module $M") && m0.module.text.endsWith("local.get 0))"));
  assert.deepEqual(cmds[1], { type: "register", line: 3, as: "m", name: "M" });
  const bin = cmds[2];
  assert.ok(bin.type === "module" && bin.module.kind === "binary");
  assert.deepEqual([...bin.module.bytes], [0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
  const quote = cmds[3];
  assert.ok(quote.type === "module" && quote.module.kind === "quote");
  assert.equal(quote.module.name, "Q");
  assert.deepEqual(wat2wasm(quote.module.text), wat2wasm("(func (nop))"));
});

test("actions and exact values", () => {
  const cmds = parseWast(SCRIPT);
  assert.deepEqual(cmds[4], {
    type: "action",
    line: 6,
    action: { kind: "invoke", module: "M", name: "id", args: [{ type: "i32", value: -1 }] },
  });
  const r = cmds[6];
  assert.ok(r.type === "assert_return" && r.action.kind === "invoke");
  assert.deepEqual(r.action.args.slice(0, 3), [
    { type: "i64", value: -1n },
    { type: "f32", bits: 0x80000001 },
    { type: "f64", bits: 0x7ff0000000000001n },
  ]);
  const v = r.action.args[3];
  assert.ok(v.type === "v128" && "bytes" in v);
  assert.deepEqual([...v.bytes], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 255]);
  assert.deepEqual(r.action.args.slice(4), [
    { type: "funcref", value: null },
    { type: "externref", value: 7 },
  ]);
});

test("expected results: NaN kinds, lane patterns, references", () => {
  const r = parseWast(SCRIPT)[6];
  assert.ok(r.type === "assert_return");
  const f64x2 = new Uint8Array(16);
  new DataView(f64x2.buffer).setFloat64(0, 1, true);
  new DataView(f64x2.buffer).setFloat64(8, 2, true);
  assert.deepEqual(r.expected, [
    { type: "f32", nan: "canonical" },
    { type: "f64", nan: "arithmetic" },
    { type: "v128", shape: "f32x4", lanes: ["canonical", 0x3f800000, 0x80000000, "arithmetic"] },
    { type: "v128", bytes: f64x2 },
    { type: "externref", value: null },
    { type: "externref", value: 3 },
    { type: "funcref", value: "nonnull" },
    { type: "f32", bits: 0x3fc00000 },
  ]);
  assert.deepEqual(parseWast(SCRIPT)[7], {
    type: "assert_return",
    line: 16,
    action: { kind: "get", name: "g" },
    expected: [{ type: "i32", value: 1 }],
  });
});

test("assertions on modules keep failures for the runner", () => {
  const cmds = parseWast(SCRIPT);
  const trap = cmds[9];
  assert.ok(trap.type === "assert_trap" && trap.module?.kind === "text");
  assert.equal(trap.action, undefined);
  assert.equal(trap.message, "unreachable");
  const invalid = cmds[11];
  assert.ok(invalid.type === "assert_invalid" && invalid.module.kind === "text");
  assert.ok(invalid.module.bytes instanceof Uint8Array, "syntactically fine: encoded");
  const unbound = cmds[12];
  assert.ok(unbound.type === "assert_invalid" && unbound.module.kind === "text");
  assert.equal(unbound.module.bytes, undefined);
  assert.ok(unbound.module.error instanceof CompileError);
  assert.equal(unbound.module.error.line, 21, "located in the script");
  assert.equal(unbound.module.text, "(module (func (call $undefined)))");
  const malformed = cmds[13];
  assert.ok(malformed.type === "assert_malformed" && malformed.module.kind === "quote");
  assert.equal(malformed.module.text, "(func i32.foo)");
  const quoted = malformed.module.text;
  assert.throws(() => wat2wasm(quoted), CompileError);
  assert.equal(malformed.message, "unknown operator");
});

test("quoted strings are concatenated without a separator", () => {
  const [cmd] = parseWast(`(module quote "(func (i32.const 1" "2) drop)")`);
  assert.ok(cmd.type === "module" && cmd.module.kind === "quote");
  assert.equal(cmd.module.text, "(func (i32.const 12) drop)");
});

test("a script that is just module fields is one module", () => {
  const cmds = parseWast(`(func) (memory 0) (func (export "f"))`);
  assert.equal(cmds.length, 1);
  assert.ok(cmds[0].type === "module" && cmds[0].module.kind === "text");
  assert.deepEqual(
    cmds[0].module.bytes,
    wat2wasm(`(module (func) (memory 0) (func (export "f")))`),
  );
});

test("malformed scripts throw with a location", () => {
  assert.throws(
    () => parseWast('(module)\n(assert_return (invoke "f" (i32.const 1.5)))'),
    (e: unknown) => {
      assert.ok(e instanceof CompileError);
      assert.equal(e.line, 2);
      return true;
    },
  );
  assert.throws(() => parseWast("(module (func i32.foo))"), /unknown operator/);
  assert.throws(() => parseWast("(frobnicate)"), /unknown command/);
  assert.throws(() => parseWast('(invoke "f" (f32.const nan:canonical))'), CompileError);
});
