import { test } from "node:test";
import assert from "node:assert/strict";
import { CompileError, Runtime } from "../../mod.ts";
import {
  F32,
  funcBody,
  FUNCREF,
  funcType,
  I32,
  I64,
  name,
  section,
  u32,
  vec,
  wasmModule,
} from "../helpers/binary_builder.ts";

/**
 * (module $demo
 *   (import "env" "log" (func $log (param i32)))
 *   (import "env" "mem" (memory 1 4))
 *   (import "env" "base" (global i32))
 *   (table 2 10 funcref)
 *   (global $counter (mut i64) (i64.const 0))
 *   (func $add (param $a i32) (param $b i32) (result i32) ...)
 *   (export "add" (func $add)) (export "plus" (func $add))
 *   (export "mem" (memory 0)) (export "table" (table 0)) (export "counter" (global 1))
 *   custom section "meta" = [1, 2, 3])
 */
function demoModule(): Uint8Array {
  const sub = (id: number, contents: number[]) => [id, ...u32(contents.length), ...contents];
  const names = [
    ...sub(0, name("demo")),
    ...sub(1, vec([[0, ...name("log")], [1, ...name("add")]])),
    ...sub(2, vec([[1, ...vec([[0, ...name("a")], [1, ...name("b")]])]])),
  ];
  return wasmModule(
    section(1, vec([funcType([I32], []), funcType([I32, I32], [I32])])),
    section(
      2,
      vec([
        [...name("env"), ...name("log"), 0x00, 0],
        [...name("env"), ...name("mem"), 0x02, 0x01, 1, 4],
        [...name("env"), ...name("base"), 0x03, I32, 0],
      ]),
    ),
    section(3, vec([[1]])),
    section(4, vec([[FUNCREF, 0x01, 2, 10]])),
    section(6, vec([[I64, 1, 0x42, 0, 0x0b]])),
    section(
      7,
      vec([
        [...name("add"), 0, 1],
        [...name("plus"), 0, 1],
        [...name("mem"), 2, 0],
        [...name("table"), 1, 0],
        [...name("counter"), 3, 1],
      ]),
    ),
    section(10, vec([funcBody([], [0x20, 0, 0x20, 1, 0x6a])])),
    section(0, [...name("meta"), 1, 2, 3]),
    section(0, [...name("name"), ...names]),
  );
}

test("compileModule exposes imports and exports with their types and names", async () => {
  const compiled = await new Runtime().compileModule(demoModule());
  assert.equal(compiled.name, "demo");

  assert.equal(compiled.importedFunctions.length, 1);
  const log = compiled.importedFunctions[0];
  assert.deepEqual(log.import, { module: "env", name: "log" });
  assert.deepEqual(log.paramTypes, ["i32"]);
  assert.deepEqual(log.resultTypes, []);
  assert.equal(log.debugName, "demo.log");

  assert.deepEqual([...compiled.exportedFunctions.keys()], ["add", "plus"]);
  const add = compiled.exportedFunctions.get("add")!;
  assert.equal(add.index, 1);
  assert.equal(add.import, undefined);
  assert.deepEqual(add.exportNames, ["add", "plus"]);
  assert.deepEqual(add.paramTypes, ["i32", "i32"]);
  assert.deepEqual(add.resultTypes, ["i32"]);
  assert.deepEqual(add.paramNames, ["a", "b"]);
  assert.equal(compiled.exportedFunctions.get("plus"), add);

  assert.deepEqual(compiled.importedMemories.map((m) => [m.import, m.min, m.max]), [
    [{ module: "env", name: "mem" }, 1, 4],
  ]);
  assert.equal(compiled.exportedMemories.get("mem")?.index, 0);
  assert.deepEqual(compiled.importedTables, []);
  const table = compiled.exportedTables.get("table")!;
  assert.deepEqual([table.element, table.min, table.max], ["funcref", 2, 10]);
  assert.deepEqual(compiled.importedGlobals.map((g) => [g.type, g.mutable]), [["i32", false]]);
  const counter = compiled.exportedGlobals.get("counter")!;
  assert.deepEqual([counter.index, counter.type, counter.mutable], [1, "i64", true]);
});

test("custom sections are returned by name, as copies", async () => {
  const bytes = demoModule();
  const compiled = await new Runtime().compileModule(bytes);
  assert.deepEqual(compiled.customSections.map((s) => s.name), ["meta", "name"]);
  const [meta] = compiled.customSectionsNamed("meta");
  assert.deepEqual([...meta], [1, 2, 3]);
  bytes.fill(0);
  assert.deepEqual([...compiled.customSectionsNamed("meta")[0]], [1, 2, 3]);
  assert.deepEqual(compiled.customSectionsNamed("absent"), []);
});

test("functions without names get a debug name from their first export, else their index", async () => {
  const compiled = await new Runtime().compileModule(wasmModule(
    section(1, vec([funcType([F32], [F32])])),
    section(3, vec([[0], [0]])),
    section(7, vec([[...name("id"), 0, 0], [...name("identity"), 0, 0]])),
    section(10, vec([funcBody([], [0x20, 0]), funcBody([], [0x20, 0])])),
  ));
  const id = compiled.exportedFunctions.get("id")!;
  assert.equal(id.name, undefined);
  assert.equal(id.debugName, "id");
  assert.equal(compiled.exportedFunctions.get("identity")!.debugName, "id");
  assert.deepEqual(id.paramNames, [""]);
  // Functions of one type share their type lists (a program has tens of thousands of functions),
  // frozen, so that changing one function's could not change another's.
  const [first, second] = [0, 1].map((i) => compiled.definitions.functionAt(i));
  assert.deepEqual(second.paramTypes, ["f32"]);
  assert.equal(first.paramTypes, second.paramTypes);
  assert.ok(Object.isFrozen(first.paramTypes) && Object.isFrozen(first.resultTypes));
  assert.ok(Object.isFrozen(first.paramNames));
  const unexported = await new Runtime().compileModule(wasmModule(
    section(1, vec([funcType([F32], [F32])])),
    section(3, vec([[0]])),
    section(10, vec([funcBody([], [0x20, 0])])),
  ));
  assert.equal(unexported.definitions.functionAt(0).debugName, "$0");
});

test("function definitions built on demand agree with the debug names instances get", async () => {
  const runtime = new Runtime();
  runtime.newHostModuleBuilder("env").newFunctionBuilder().withFunc(() => {}, [], []).export("f")
    .instantiate();
  // Imported f (0), then 1 exported twice, 2 exported once, 3 not exported: exported out of order.
  const compiled = await runtime.compileModule(`(module
    (import "env" "f" (func $imported))
    (func $one (export "z") (export "y") (param i32))
    (func (export "a") (param i32) (result i32) local.get 0)
    (func unreachable))`);
  const defs = compiled.definitions;
  assert.equal(defs.functionCount, 4);
  for (let i = 0; i < 4; i++) assert.equal(defs.debugName(i), defs.functionAt(i).debugName);
  assert.deepEqual([0, 1, 2, 3].map((i) => defs.debugName(i)), ["imported", "one", "a", "$3"]);
  assert.equal(defs.functionAt(2), defs.functionAt(2), "built once");
  assert.deepEqual(defs.functionAt(0).import, { module: "env", name: "f" });
  assert.equal(defs.functionAt(3).import, undefined);
  assert.deepEqual(defs.functionAt(1).exportNames, ["z", "y"]);
  // Exported functions in index order, each name of one function its one definition.
  assert.deepEqual([...compiled.exportedFunctions.keys()], ["z", "y", "a"]);
  assert.equal(compiled.exportedFunctions.get("z"), defs.functionAt(1));
  assert.equal(compiled.exportedFunctions.get("y"), defs.functionAt(1));
  assert.deepEqual(compiled.importedFunctions, [defs.functionAt(0)]);
  // The instance's functions carry the same names, which traps print.
  const module = await runtime.instantiateModule(compiled);
  assert.equal(module.exportedFunction("a")!.definition, defs.functionAt(2));
  const trap = await runtime.instantiateModule(
    await runtime.compileModule(
      `(module (func $inner unreachable) (func (export "go") call $inner))`,
    ),
  );
  let stack = "";
  try {
    trap.exportedFunction("go")!.call();
  } catch (e) {
    stack = (e as Error).stack ?? "";
  }
  assert.match(stack, /at inner \(wasm @0x[0-9a-f]+\)\n\s+at go \(wasm/);
});

test("compileModule rejects malformed and invalid modules with CompileError", async () => {
  const runtime = new Runtime();
  await assert.rejects(
    runtime.compileModule(new Uint8Array([1, 2, 3, 4])),
    (e: unknown) => e instanceof CompileError && /magic header not detected/.test(e.message),
  );
  // Valid encoding, but i32.add gets an i64 operand: invalid.
  const invalid = wasmModule(
    section(1, vec([funcType([I64], [I32])])),
    section(3, vec([[0]])),
    section(10, vec([funcBody([], [0x20, 0, 0x41, 1, 0x6a])])),
  );
  await assert.rejects(
    runtime.compileModule(invalid),
    (e: unknown) => e instanceof CompileError && /type mismatch/.test(e.message),
  );
});

test("compileModule accepts ArrayBuffer and other views", async () => {
  const bytes = demoModule();
  const runtime = new Runtime();
  const fromBuffer = await runtime.compileModule(bytes.slice().buffer);
  assert.equal(fromBuffer.name, "demo");
  const padded = new Uint8Array(bytes.length + 4);
  padded.set(bytes, 4);
  const fromView = await runtime.compileModule(new DataView(padded.buffer, 4, bytes.length));
  assert.equal(fromView.exportedFunctions.size, 2);
});

test("function bodies are validated at compile time and translated on their first call", async () => {
  const runtime = new Runtime({ jsTier: false });
  const compiled = await runtime.compileModule(`(module
    (func $double (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
    (func (export "quad") (param i32) (result i32) (call $double (call $double (local.get 0))))
    (func (export "unused") (result i64) (i64.const 7)))`);
  assert.ok(compiled.code.every((f) => f.translate !== null && f.code.length === 0));
  const module = await runtime.instantiateModule(compiled);
  assert.deepEqual(module.exportedFunction("quad")!.call(5), [20]);
  assert.deepEqual(compiled.code.map((f) => f.translate === null), [true, true, false]);
  assert.ok(compiled.code[0].code.length > 0 && compiled.code[2].code.length === 0);
  // A second instance shares the translation.
  const again = await runtime.instantiateModule(compiled);
  assert.deepEqual(again.exportedFunction("quad")!.call(-3), [-12]);
  // An invalid body fails compilation even in a function that would never be called.
  await assert.rejects(
    runtime.compileModule(`(module (func (export "ok")) (func (result i32) (i64.const 1)))`),
    (e: unknown) => e instanceof CompileError && /type mismatch/.test(e.message),
  );
});
