import { test } from "node:test";
import assert from "node:assert/strict";
import { wat2wasm } from "../../lib/text/index.ts";
import { CompileError } from "../../lib/errors.ts";

/** Asserts that wat2wasm fails with a CompileError at the given place whose reason matches. */
function fails(text: string, reason: RegExp, line: number, column: number): void {
  assert.throws(() => wat2wasm(text), (e: unknown) => {
    assert.ok(e instanceof CompileError, `not a CompileError: ${e}`);
    assert.match(e.reason, reason);
    assert.deepEqual([e.line, e.column], [line, column], e.message);
    assert.ok(e.message.includes(`line ${line}, column ${column}`));
    return true;
  });
}

test("unclosed parenthesis points at the open one", () => {
  fails("(module\n  (func $f\n    nop)\n", /unclosed "\("/, 1, 1);
  fails("(module\n  (func (i32.const 1)\n)", /unclosed "\("/, 1, 1);
});

test("unknown instructions", () => {
  fails("(module\n  (func\n    i32.foo))", /^unknown operator "i32.foo"$/, 3, 5);
  fails("(func (i32.bar (i32.const 0)))", /^unknown operator "i32.bar"$/, 1, 8);
  fails("(func (i32.load32 (i32.const 0)))", /unknown operator "i32.load32"/, 1, 8);
});

test("unknown names", () => {
  fails("(func\n  br $nope)", /^unknown label \$nope$/, 2, 6);
  fails("(func (param $a i32) (drop (local.get $b)))", /^unknown local \$b$/, 1, 39);
  fails("(func (call $g))", /^unknown function \$g$/, 1, 13);
  fails("(func (global.get $g))", /^unknown global \$g$/, 1, 19);
  fails("(func (call_indirect (type $t)))", /^unknown type \$t$/, 1, 28);
  fails('(export "x" (memory $m))', /unknown memory \$m/, 1, 21);
  fails("(func (block $l) (br $l))", /unknown label \$l/, 1, 22);
});

test("bad constants", () => {
  fails("(func (i32.const 4294967296) drop)", /i32 constant "4294967296"/, 1, 18);
  fails("(func (i64.const 1_) drop)", /i64 constant "1_"/, 1, 18);
  fails("(func (f32.const 1e39) drop)", /f32 constant "1e39"/, 1, 18);
  fails("(func (f64.const nan:0x0) drop)", /f64 constant "nan:0x0"/, 1, 18);
  fails("(func i32.const)", /^unexpected token "\)", expected an i32 constant$/, 1, 16);
  fails("(memory 0x1_0000_0000)", /out of range/, 1, 9);
});

test("structure errors", () => {
  fails("(func (result i32) (param i32) (i32.const 0))", /unexpected token "\("/, 1, 20);
  fails("(func (local $x i32) (local $x i32))", /^duplicate local \$x$/, 1, 29);
  fails("(func $f) (func $f)", /^duplicate function \$f$/, 1, 11);
  fails('(func) (import "m" "f" (func))', /^import after function$/, 1, 8);
  fails("(memory 1) (func (drop (i32.load align=3 (i32.const 0))))", /power of two/, 1, 34);
  fails("(func block $a end $b)", /mismatching label \$b/, 1, 20);
  fails("(type $t (func)) (func (type $t) (param i32))", /does not match/, 1, 24);
  fails("(func (block (param $x i32)))", /parameter name \$x/, 1, 21);
  fails("(func (if (i32.const 1) (i32.const 2)))", /expected "\(then"/, 1, 38);
  fails("(frob)", /unknown module field "frob"/, 1, 2);
  fails("(start 0) (start 0)", /multiple start sections/, 1, 12);
  fails('(export "\\ff" (func 0))', /malformed UTF-8/, 1, 9);
});

test("text nested deeper than the parser's stack is a CompileError, not a RangeError", () => {
  const deep = `(module (func ${"(block ".repeat(100_000)}${")".repeat(100_000)}))`;
  assert.throws(() => wat2wasm(deep), (e: unknown) => {
    assert.ok(e instanceof CompileError, `not a CompileError: ${e}`);
    assert.match(e.message, /nests too deeply/);
    return true;
  });
});
