import { test } from "node:test";
import assert from "node:assert/strict";
import {
  assertInvalid,
  assertValid,
  code,
  EXTERNREF,
  F32,
  FUNCREF,
  I32,
  I64,
  ModuleBuilder,
  u32,
  V128,
} from "./builder.ts";
import { decodeModule } from "../../lib/binary/decoder.ts";
import { FEATURES_2_0 } from "../../lib/binary/features.ts";
import { validateModule } from "../../lib/validate/module_validator.ts";
import { CompileError } from "../../lib/errors.ts";

test("the empty module is valid", () => {
  assertValid(new ModuleBuilder());
});

test("function and import type indices must exist", () => {
  const ok = new ModuleBuilder();
  const t = ok.type([], []);
  ok.importFunc(t);
  ok.func(t, []);
  assertValid(ok);

  const badImport = new ModuleBuilder();
  badImport.importFunc(1);
  assertInvalid(badImport, "unknown type 1");

  const badFunc = new ModuleBuilder();
  badFunc.type([], []);
  badFunc.func(3, []);
  assertInvalid(badFunc, "unknown type 3");
});

test("table limits: min <= max", () => {
  const ok = new ModuleBuilder();
  ok.table(FUNCREF, 1, 1);
  ok.table(EXTERNREF, 0xffff_ffff);
  assertValid(ok);
  const bad = new ModuleBuilder();
  bad.table(FUNCREF, 2, 1);
  assertInvalid(bad, "size minimum must not be greater than maximum");
  const badImport = new ModuleBuilder();
  badImport.importTable(FUNCREF, 2, 1);
  assertInvalid(badImport, "size minimum must not be greater than maximum");
});

test("memory limits: at most 65536 pages and min <= max", () => {
  const ok = new ModuleBuilder();
  ok.memory(0, 65536);
  assertValid(ok);
  const cases: [number, number | undefined, string][] = [
    [65537, undefined, "memory size must be at most 65536 pages (4GiB)"],
    [0, 65537, "memory size must be at most 65536 pages (4GiB)"],
    [0xffff_ffff, undefined, "memory size must be at most 65536 pages (4GiB)"],
    [2, 1, "size minimum must not be greater than maximum"],
  ];
  for (const [min, max, message] of cases) {
    const b = new ModuleBuilder();
    b.memory(min, max);
    assertInvalid(b, message);
    const imported = new ModuleBuilder();
    imported.importMemory(min, max);
    assertInvalid(imported, message);
  }
});

test("at most one memory in 2.0, imported ones included; any number with multiMemory", () => {
  const two = new ModuleBuilder();
  two.memory(1);
  two.memory(1);
  const mixed = new ModuleBuilder();
  mixed.importMemory(1);
  mixed.memory(1);
  for (const b of [two, mixed]) {
    assert.throws(
      () => validateModule(b.decode(FEATURES_2_0)),
      (e: unknown) => e instanceof CompileError && e.message.startsWith("multiple memories"),
    );
    assertValid(b);
  }
  // Several tables are fine in 2.0.
  const tables = new ModuleBuilder();
  tables.importTable(FUNCREF, 0);
  tables.table(FUNCREF, 0);
  tables.table(EXTERNREF, 0);
  assertValid(tables);
});

test("global initialisers: constant instructions of the global's type", () => {
  const ok = new ModuleBuilder();
  ok.global(I32, false, code("i32.const", 1));
  ok.global(I64, true, code("i64.const", 1));
  ok.global(F32, false, code("f32.const", 0, 0, 0, 0));
  ok.global(V128, false, code("v128.const", ...new Array(16).fill(0)));
  ok.global(EXTERNREF, false, code("ref.null", EXTERNREF));
  assertValid(ok);

  const wrongType = new ModuleBuilder();
  wrongType.global(I32, false, code("i64.const", 1));
  assertInvalid(wrongType, "type mismatch");
  const empty = new ModuleBuilder();
  empty.global(I32, false, []);
  assertInvalid(empty, "type mismatch");
  const two = new ModuleBuilder();
  two.global(I32, false, code("i32.const", 1, "i32.const", 2));
  assertInvalid(two, "type mismatch");
  const nonConst = new ModuleBuilder();
  nonConst.global(I32, false, code("i32.const", 1, "i32.const", 2, "i32.div_s"));
  assertInvalid(nonConst, "constant expression required");
  // i32.add is constant with extended constant expressions (3.0), not in 2.0.
  const extended = new ModuleBuilder();
  extended.global(I32, false, code("i32.const", 1, "i32.const", 2, "i32.add"));
  assertValid(extended);
  extended.features = FEATURES_2_0;
  assertInvalid(extended, "extended constant expressions");
  const nop = new ModuleBuilder();
  nop.global(I32, false, code("nop"));
  assertInvalid(nop, "constant expression required");
});

test("global.get in constant expressions: imported immutable globals only", () => {
  const ok = new ModuleBuilder();
  ok.importGlobal(I32, false);
  ok.global(I32, false, code("global.get", 0));
  assertValid(ok);

  const mutable = new ModuleBuilder();
  mutable.importGlobal(I32, true);
  mutable.global(I32, false, code("global.get", 0));
  assertInvalid(mutable, "constant expression required");

  // Globals the module defines are not visible to initialisers in 2.0; in 3.0 the earlier
  // immutable ones are.
  const defined = new ModuleBuilder();
  defined.global(I32, false, code("i32.const", 0));
  defined.global(I32, false, code("global.get", 0));
  assertValid(defined);
  defined.features = FEATURES_2_0;
  assertInvalid(defined, "unknown global 0");
  const later = new ModuleBuilder();
  later.global(I32, false, code("global.get", 1));
  later.global(I32, false, code("i32.const", 0));
  assertInvalid(later, "unknown global 1");

  const missing = new ModuleBuilder();
  missing.importGlobal(I32, false);
  missing.global(I32, false, code("global.get", 1));
  assertInvalid(missing, "unknown global 1");

  const wrongType = new ModuleBuilder();
  wrongType.importGlobal(I64, false);
  wrongType.global(I32, false, code("global.get", 0));
  assertInvalid(wrongType, "type mismatch");
});

test("ref.func in constant expressions needs an existing function", () => {
  const ok = new ModuleBuilder();
  ok.func(ok.type([], []), []);
  ok.global(FUNCREF, false, code("ref.func", 0));
  assertValid(ok);
  const bad = new ModuleBuilder();
  bad.global(FUNCREF, false, code("ref.func", 0));
  assertInvalid(bad, "unknown function 0");
  const wrongType = new ModuleBuilder();
  wrongType.func(wrongType.type([], []), []);
  wrongType.global(EXTERNREF, false, code("ref.func", 0));
  assertInvalid(wrongType, "type mismatch");
});

test("element segments: table, element type, offset and items", () => {
  const base = () => {
    const b = new ModuleBuilder();
    b.func(b.type([], []), []);
    b.table(FUNCREF, 1);
    b.table(EXTERNREF, 1);
    return b;
  };
  const ok = base();
  ok.elem([0, ...code("i32.const", 0), 0x0b, 1, 0]); // active, table 0, funcs [0]
  ok.elem([
    6,
    1,
    ...code("i32.const", 0),
    0x0b,
    EXTERNREF,
    1,
    ...code("ref.null", EXTERNREF),
    0x0b,
  ]);
  ok.elem([1, 0, 1, 0]); // passive funcs [0]
  assertValid(ok);

  const noTable = new ModuleBuilder();
  noTable.func(noTable.type([], []), []);
  noTable.elem([0, ...code("i32.const", 0), 0x0b, 1, 0]);
  assertInvalid(noTable, "unknown table 0");

  const wrongTable = base();
  wrongTable.elem([2, 1, ...code("i32.const", 0), 0x0b, 0, 1, 0]); // funcref items, externref table
  assertInvalid(wrongTable, "type mismatch");

  const offsetType = base();
  offsetType.elem([0, ...code("i64.const", 0), 0x0b, 1, 0]);
  assertInvalid(offsetType, "type mismatch");

  const offsetConst = base();
  offsetConst.elem([0, ...code("i32.const", 0, "i32.const", 0, "i32.and"), 0x0b, 1, 0]);
  assertInvalid(offsetConst, "constant expression required");

  const itemType = base();
  itemType.elem([5, FUNCREF, 1, ...code("ref.null", EXTERNREF), 0x0b]);
  assertInvalid(itemType, "type mismatch");

  const itemFunc = base();
  itemFunc.elem([1, 0, 1, 7]);
  assertInvalid(itemFunc, "unknown function 7");
});

test("data segments: memory and offset", () => {
  const ok = new ModuleBuilder();
  ok.memory(1);
  ok.data([0, ...code("i32.const", 0), 0x0b, 1, 0x61]);
  ok.data([1, 0]);
  assertValid(ok);

  const noMemory = new ModuleBuilder();
  noMemory.data([0, ...code("i32.const", 0), 0x0b, 0]);
  assertInvalid(noMemory, "unknown memory 0");

  const memoryOne = new ModuleBuilder();
  memoryOne.memory(1);
  memoryOne.data([2, 1, ...code("i32.const", 0), 0x0b, 0]);
  assertInvalid(memoryOne, "unknown memory 1");

  const offsetType = new ModuleBuilder();
  offsetType.memory(1);
  offsetType.data([0, ...code("f32.const", 0, 0, 0, 0), 0x0b, 0]);
  assertInvalid(offsetType, "type mismatch");
});

test("start function: exists and has type [] -> []", () => {
  const ok = new ModuleBuilder();
  ok.func(ok.type([], []), []);
  ok.start(0);
  assertValid(ok);

  const missing = new ModuleBuilder();
  missing.func(missing.type([], []), []);
  missing.start(1);
  assertInvalid(missing, "unknown function 1");

  const params = new ModuleBuilder();
  params.func(params.type([I32], []), []);
  params.start(0);
  assertInvalid(params, "start function");

  const results = new ModuleBuilder();
  results.func(results.type([], [I32]), code("i32.const", 0));
  results.start(0);
  assertInvalid(results, "start function");
});

test("exports: indices exist and names are unique", () => {
  const ok = new ModuleBuilder();
  ok.func(ok.type([], []), []);
  ok.table(FUNCREF, 0);
  ok.memory(0);
  ok.global(I32, false, code("i32.const", 0));
  ok.export("f", 0, 0);
  ok.export("t", 1, 0);
  ok.export("m", 2, 0);
  ok.export("g", 3, 0);
  ok.export("", 0, 0);
  assertValid(ok);

  const kinds: [number, string][] = [
    [0, "unknown function 1"],
    [1, "unknown table 1"],
    [2, "unknown memory 1"],
    [3, "unknown global 1"],
  ];
  for (const [kind, message] of kinds) {
    const b = new ModuleBuilder();
    b.func(b.type([], []), []);
    b.table(FUNCREF, 0);
    b.memory(0);
    b.global(I32, false, code("i32.const", 0));
    b.export("x", kind, 1);
    assertInvalid(b, message);
  }

  const dup = new ModuleBuilder();
  dup.func(dup.type([], []), []);
  dup.export("a", 0, 0);
  dup.export("a", 0, 0);
  assertInvalid(dup, "duplicate export name");
});

test("errors in function bodies carry the instruction's byte offset", () => {
  const b = new ModuleBuilder();
  const t = b.type([], []);
  b.func(t, []);
  b.func(t, code("i32.const", 0, "i32.const", 0, "i32.add"));
  const e = assertInvalid(b, "type mismatch: end of block expects [] but got [i32] in function 1");
  assert.equal(e.offset, b.bytes().length - 1);
});

test("a module of many large functions validates (speed is measured in bench/)", () => {
  // 300 functions of ~2000 instructions each, assembled directly because the
  // builder's arrays are too slow at this size.
  const chunk = code("local.get", 0, "i32.const", 3, "i32.add", "i32.load", 2, 0, "local.set", 0);
  const body = [0]; // no locals
  for (let i = 0; i < 400; i++) body.push(...chunk);
  body.push(...code("local.get", 0), 0x0b);
  const n = 300;
  const entry = [...u32(body.length), ...body];
  const codeSize = u32(n).length + n * entry.length;
  const head = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...[1, 6, 1, 0x60, 1, I32, 1, I32], // type 0: [i32] -> [i32]
    ...[3, ...u32(u32(n).length + n), ...u32(n), ...new Array(n).fill(0)],
    ...[5, 3, 1, 0, 1], // memory of 1 page
    ...[10, ...u32(codeSize), ...u32(n)],
  ];
  const bytes = new Uint8Array(head.length + n * entry.length);
  bytes.set(head);
  for (let i = 0; i < n; i++) bytes.set(entry, head.length + i * entry.length);
  assert.ok(bytes.length > 900_000);
  const m = decodeModule(bytes);
  assert.equal(m.codes.length, n);
  const ctx = validateModule(m);
  assert.equal(ctx.funcTypeIndices.length, n);
  // One wrong byte deep inside the last function is still found.
  const broken = bytes.slice();
  broken[broken.length - 3] = 0x42; // local.get's index 0 becomes i64.const: i32.add gets an i64
  assert.throws(() => validateModule(decodeModule(broken)), CompileError);
});
