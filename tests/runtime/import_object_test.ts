// Runtime.instantiate(source, importObject): imports read from a plain object keyed by module
// and name, typed by the import's declaration, mixed with modules instantiated by name.
import { test } from "node:test";
import assert from "node:assert/strict";
import { LinkError, type Module, Runtime, RuntimeError } from "../../mod.ts";

const LOGGER = `(module
  (import "env" "log" (func $log (param i32 i64 f32 f64)))
  (func (export "run")
    (call $log (i32.const -1) (i64.const -2) (f32.const 1.5) (f64.const 0.25))))`;

test("plain functions get JS values typed from the import's declaration", async () => {
  using runtime = new Runtime();
  const seen: unknown[][] = [];
  const m = await runtime.instantiate(LOGGER, { env: { log: (...a: unknown[]) => seen.push(a) } });
  m.exportedFunction("run")!.call();
  assert.deepEqual(seen, [[-1, -2n, 1.5, 0.25]]);
});

test("results: one value, several as an array, bigint for i64, a Promise with callAsync", async () => {
  using runtime = new Runtime();
  const m = await runtime.instantiate(
    `(module
      (import "env" "one" (func $one (result i64)))
      (import "env" "two" (func $two (result i32 f64)))
      (import "env" "later" (func $later (result i32)))
      (func (export "sum") (result f64) (local $d f64)
        (call $two) (local.set $d) (f64.convert_i32_s) (local.get $d) (f64.add)
        (f64.add (f64.convert_i64_s (call $one))))
      (func (export "later") (result i32) (call $later)))`,
    {
      env: {
        one: () => 40n,
        two: () => [2, 0.5],
        later: () => Promise.resolve(9),
      },
    },
  );
  assert.deepEqual(m.exportedFunction("sum")!.call(), [42.5]);
  assert.deepEqual(await m.exportedFunction("later")!.callAsync(), [9]);
  assert.throws(() => m.exportedFunction("later")!.call(), /callAsync/);
});

test("a host function returning the wrong type names the import", async () => {
  using runtime = new Runtime();
  const m = await runtime.instantiate(
    `(module (import "env" "get" (func $get (result i64)))
       (func (export "run") (result i64) (call $get)))`,
    { env: { get: () => "nope" } },
  );
  assert.throws(() => m.exportedFunction("run")!.call(), /host function env\.get/);
});

test("Memory, Global, Table and functions of the runtime are imported as they are", async () => {
  using runtime = new Runtime();
  const host = await runtime.newHostModuleBuilder("host")
    .exportMemory("memory", { min: 1 })
    .exportGlobal("counter", "i32", 5, { mutable: true })
    .exportTable("table", { element: "funcref", min: 2 })
    .instantiate();
  const lib = await runtime.instantiate(
    `(module (func (export "seven") (result i32) (i32.const 7)))`,
    { name: null },
  );
  const memory = host.exportedMemory("memory")!;
  const counter = host.exportedGlobal("counter")!;
  const table = host.exportedTable("table")!;
  table.set(1, lib.exportedFunction("seven")!);
  const m = await runtime.instantiate(
    `(module
      (import "js" "mem" (memory 1))
      (import "js" "counter" (global $c (mut i32)))
      (import "js" "table" (table 2 funcref))
      (import "js" "seven" (func $seven (result i32)))
      (type $r (func (result i32)))
      (func (export "run") (result i32)
        (i32.store (i32.const 8) (call $seven))
        (global.set $c (i32.add (global.get $c) (i32.const 1)))
        (call_indirect (type $r) (i32.const 1))))`,
    { js: { mem: memory, counter, table, seven: lib.exportedFunction("seven")! } },
  );
  assert.deepEqual(m.exportedFunction("run")!.call(), [7]);
  assert.equal(memory.readInt32(8), 7);
  assert.equal(counter.value, 6);
});

test("numbers and bigints become immutable globals of the declared type", async () => {
  using runtime = new Runtime();
  const m = await runtime.instantiate(
    `(module
      (import "env" "a" (global $a i32))
      (import "env" "b" (global $b i64))
      (import "env" "c" (global $c f64))
      (func (export "get") (result i32 i64 f64) (global.get $a) (global.get $b) (global.get $c)))`,
    { env: { a: 1.9, b: -5n, c: 0.5 } },
  );
  assert.deepEqual(m.exportedFunction("get")!.call(), [1, -5n, 0.5]);
  await assert.rejects(
    runtime.instantiate(`(module (import "env" "g" (global (mut i32))))`, { env: { g: 1 } }),
    (e) => e instanceof LinkError && /mutable global/.test(e.message),
  );
  await assert.rejects(
    runtime.instantiate(`(module (import "env" "g" (global i64)))`, { env: { g: "x" } as never }),
    (e) => e instanceof LinkError && /import "env" "g".*i64/.test(e.message),
  );
});

test("wrong kinds, missing names and wrong signatures are LinkErrors", async () => {
  using runtime = new Runtime();
  const rejects = (src: string, imports: object, pattern: RegExp) =>
    assert.rejects(
      runtime.instantiate(src, imports as never),
      (e) => e instanceof LinkError && pattern.test(e.message),
    );
  await rejects(`(module (import "env" "f" (func)))`, { env: { f: 1 } }, /must be a function/);
  await rejects(`(module (import "env" "f" (func)))`, { env: {} }, /not in the import object/);
  await rejects(`(module (import "env" "m" (memory 1)))`, { env: { m: {} } }, /must be a Memory/);
  await rejects(`(module (import "env" "t" (table 1 funcref)))`, { env: { t: 1 } }, /Table/);
  await rejects(`(module (import "env" "f" (func)))`, { env: 5 }, /must be an object/);
  const other = await runtime.instantiate(`(module (func (export "f") (param i32)))`, {
    name: null,
  });
  await rejects(
    `(module (import "env" "f" (func (param i64))))`,
    { env: { f: other.exportedFunction("f") } },
    /function types differ/,
  );
});

test("namespaces missing from the object come from named modules; a Module is a namespace", async () => {
  using runtime = new Runtime();
  const named = await runtime.instantiate(
    `(module $lib (func (export "two") (result i32) (i32.const 2)))`,
  );
  assert.equal(named.name, "lib");
  const src = `(module
    (import "lib" "two" (func $two (result i32)))
    (import "env" "three" (func $three (result i32)))
    (func (export "five") (result i32) (i32.add (call $two) (call $three))))`;
  const m = await runtime.instantiate(src, { env: { three: () => 3 } });
  assert.deepEqual(m.exportedFunction("five")!.call(), [5]);
  const viaModule: Module = await runtime.instantiate(src, {
    lib: named,
    env: { three: () => 30 },
  });
  assert.deepEqual(viaModule.exportedFunction("five")!.call(), [32]);
});

test("compileModule + instantiateModule take an import object or a config with imports", async () => {
  using runtime = new Runtime();
  const compiled = await runtime.compileModule(LOGGER);
  const seen: unknown[] = [];
  const log = (x: number) => seen.push(x);
  const a = await runtime.instantiateModule(compiled, { env: { log } });
  const b = await runtime.instantiateModule(compiled, { name: "b", imports: { env: { log } } });
  a.exportedFunction("run")!.call();
  b.exportedFunction("run")!.call();
  assert.deepEqual(seen, [-1, -1]);
  assert.equal(b.name, "b");
  assert.equal(runtime.module("b"), b);
  // Without imports, an import object's namespace is looked up by name as before.
  await assert.rejects(runtime.instantiateModule(compiled), /module "env" not found/);
});

test("a trap in an imported function keeps the wasm stack and the import's name", async () => {
  using runtime = new Runtime();
  const m = await runtime.instantiate(
    `(module (import "env" "boom" (func $boom))
       (func (export "run") (call $boom) (unreachable)))`,
    { env: { boom: () => {} } },
  );
  assert.throws(() => m.exportedFunction("run")!.call(), (e) => {
    assert.ok(e instanceof RuntimeError);
    assert.match(e.stack ?? "", /run/);
    return true;
  });
  const thrower = await runtime.instantiate(
    `(module (import "env" "boom" (func $boom)) (func (export "run") (call $boom)))`,
    {
      env: {
        boom: () => {
          throw new Error("from JS");
        },
      },
    },
  );
  assert.throws(() => thrower.exportedFunction("run")!.call(), /from JS/);
});

test("isHost marks exactly the functions without wasm code, however they were made", async () => {
  // The interpreter loop branches on isHost where it once tested `code === null`.
  using runtime = new Runtime();
  await runtime.newHostModuleBuilder("builder")
    .newFunctionBuilder().withFunc(() => 1, [], ["i32"]).export("one")
    .instantiate();
  const m = await runtime.instantiate(
    `(module
      (import "builder" "one" (func $one (result i32)))
      (import "env" "two" (func $two (result i32)))
      (func (export "sum") (result i32) (i32.add (call $one) (call $two))))`,
    { env: { two: () => 2 } },
  );
  assert.deepEqual(m.exportedFunction("sum")!.call(), [3]);
  type Fn = { isHost: boolean; code: unknown; host: unknown };
  const fns = (m as unknown as { state: { functions: Fn[] } }).state.functions;
  assert.deepEqual(fns.map((f) => f.isHost), [true, true, false]);
  for (const f of fns) {
    assert.equal(f.isHost, f.code === null);
    assert.equal(f.isHost, f.host !== null);
  }
});
