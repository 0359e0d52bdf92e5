import { test } from "node:test";
import assert from "node:assert/strict";
import { parseWast, wat2wasm } from "../../lib/text/index.ts";
import { CompileError } from "../../lib/errors.ts";
import { decodeModule } from "../../lib/binary/decoder.ts";

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

/** The bytes of a module's code section (so that modules differing only in names compare equal). */
function codeSection(bytes: Uint8Array): number[] {
  const m = decodeModule(bytes);
  return Array.from(bytes.subarray(m.codes[0].offset, m.codes[m.codes.length - 1].end));
}

test("quoted identifiers name the same thing as plain ones", () => {
  const a = wat2wasm(
    `(module (func $"f g") (func $fh) (func (call $fh) (call $"f g") (call $"\\66h")))`,
  );
  const b = wat2wasm(`(module (func $x) (func $fh) (func (call 1) (call 0) (call 1)))`);
  assert.deepEqual(codeSection(a), codeSection(b));
  assert.notDeepEqual(
    codeSection(a),
    codeSection(wat2wasm(`(module (func) (func) (func (call 0) (call 0) (call 1)))`)),
  );
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

test("(elem tableidx ...) and (data memidx ...) abbreviations", () => {
  assert.deepEqual(
    wat2wasm(`(module (table 2 funcref) (func $f) (elem 0 (i32.const 1) $f))`),
    wat2wasm(`(module (table 2 funcref) (func $f) (elem (table 0) (i32.const 1) func $f))`),
  );
  assert.deepEqual(
    wat2wasm(`(module (memory 1) (data 0 (i32.const 10) "a"))`),
    wat2wasm(`(module (memory 1) (data (memory 0) (i32.const 10) "a"))`),
  );
});
