import { test } from "node:test";
import assert from "node:assert/strict";
import { LinkError, type Module, Runtime, RuntimeError, WasmFunction } from "../../mod.ts";

test("call uses JS values; callRaw uses unsigned bit patterns", async () => {
  const m = await new Runtime().instantiate(`(module
    (func (export "i32") (param i32) (result i32) (i32.sub (i32.const 0) (local.get 0)))
    (func (export "i64") (param i64) (result i64) (i64.mul (local.get 0) (i64.const 3)))
    (func (export "f32") (param f32) (result f32) (local.get 0))
    (func (export "f64") (param f64) (result f64) (f64.mul (local.get 0) (f64.const 0.5))))`);
  const f = (name: string) => m.exportedFunction(name)!;
  assert.deepEqual(f("i32").call(5), [-5]);
  assert.deepEqual(f("i32").callRaw(5n), [0xfffffffbn]);
  assert.deepEqual(f("i64").call(-(2n ** 62n)), [2n ** 62n]); // -3 * 2^62 wraps around
  assert.deepEqual(f("i64").call(7n), [21n]);
  assert.deepEqual(f("i64").callRaw(0xffffffffffffffffn), [0xfffffffffffffffdn]);
  // A signalling NaN's payload survives a round trip when passed as bits.
  assert.deepEqual(f("f32").callRaw(0x7fa00001n), [0x7fa00001n]);
  assert.deepEqual(f("f32").call(1.5), [1.5]);
  assert.deepEqual(f("f64").call(3), [1.5]);
  assert.throws(() => f("i32").call(), TypeError);
  assert.throws(() => f("i64").call("x"), TypeError);
});

test("functions carry their definitions", async () => {
  const m = await new Runtime().instantiate(`(module $demo
    (func $add (export "add") (param $x i32) (param $y i32) (result i32)
      (i32.add (local.get $x) (local.get $y))))`);
  const add = m.exportedFunction("add")!;
  assert.ok(add instanceof WasmFunction);
  assert.equal(add.definition.name, "add");
  assert.deepEqual(add.definition.paramNames, ["x", "y"]);
  assert.deepEqual(add.definition.resultTypes, ["i32"]);
  assert.equal(m.exportedFunction("missing"), undefined);
  assert.equal(m.exportedMemory("add"), undefined);
});

test("memory accessors are little-endian and never throw out of range", async () => {
  const m = await new Runtime().instantiate(`(module (memory (export "mem") 1 3)
    (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))`);
  const mem = m.exportedMemory("mem")!;
  assert.equal(m.memory(), mem);
  assert.equal(mem.size, 65536);
  assert.equal(mem.writeUint32(8, 0x11223344), true);
  assert.equal(mem.readUint8(8), 0x44);
  assert.deepEqual(m.exportedFunction("load")!.call(8), [0x11223344]);
  assert.equal(mem.writeUint64(16, -1n), true);
  assert.equal(mem.readUint64(16), 0xffffffffffffffffn);
  assert.equal(mem.readInt64(16), -1n);
  assert.equal(mem.writeFloat64(24, Math.PI), true);
  assert.equal(mem.readFloat64(24), Math.PI);
  assert.equal(mem.writeString(100, "héllo ✓"), true);
  assert.equal(mem.readString(100, 10), "héllo ✓");
  assert.deepEqual(mem.read(8, 2), new Uint8Array([0x44, 0x33]));
  assert.equal(mem.readUint32(65533), undefined);
  assert.equal(mem.writeUint32(65533, 1), false);
  assert.equal(mem.read(65535, 2), undefined);
  assert.equal(mem.readUint8(-1), undefined);
  const before = mem.buffer;
  assert.equal(mem.grow(2), 1);
  assert.equal(mem.pages, 3);
  assert.notEqual(mem.buffer, before);
  assert.equal(mem.readUint32(8), 0x11223344);
  assert.equal(mem.grow(1), -1); // the module's maximum is 3 pages
});

test("globals expose value, rawValue and set (mutable only)", async () => {
  const m = await new Runtime().instantiate(`(module
    (global (export "c") i64 (i64.const -2))
    (global (export "v") (mut f32) (f32.const 1.5))
    (func (export "get") (result f32) (global.get 1)))`);
  const c = m.exportedGlobal("c")!;
  assert.equal(c.type, "i64");
  assert.equal(c.value, -2n);
  assert.equal(c.rawValue, 0xfffffffffffffffen);
  assert.throws(() => c.set(1n), TypeError);
  const v = m.exportedGlobal("v")!;
  v.set(2.25);
  assert.deepEqual(m.exportedFunction("get")!.call(), [2.25]);
  assert.equal(v.rawValue, 0x40100000n);
});

test("tables hold functions that can be called from JS", async () => {
  const m = await new Runtime().instantiate(`(module
    (table (export "t") 2 funcref)
    (func $seven (result i32) (i32.const 7))
    (elem (i32.const 1) $seven)
    (func (export "call") (param i32) (result i32) (call_indirect (result i32) (local.get 0))))`);
  const t = m.exportedTable("t")!;
  assert.equal(t.size, 2);
  assert.equal(t.get(0), null);
  const seven = t.get(1) as WasmFunction;
  assert.deepEqual(seven.call(), [7]);
  assert.equal(t.set(0, seven), true);
  assert.deepEqual(m.exportedFunction("call")!.call(0), [7]);
  assert.equal(t.grow(3), 2);
  assert.equal(t.size, 5);
  assert.throws(() => m.exportedFunction("call")!.call(4), /uninitialized element/);
  assert.throws(() => m.exportedFunction("call")!.call(9), /undefined element/);
});

test("host functions get the calling module and can return several values", async () => {
  const runtime = new Runtime();
  const seen: unknown[] = [];
  await runtime.newHostModuleBuilder("env")
    .newFunctionBuilder()
    .withFunc(
      (caller: Module | undefined, ptr: number, len: number) => {
        seen.push(caller!.memory()!.readString(ptr, len));
      },
      ["i32", "i32"],
      [],
    )
    .withParameterNames("ptr", "len")
    .export("log")
    .newFunctionBuilder()
    .withFunc((_caller, x: bigint) => [x + 1n, Number(x) * 2], ["i64"], ["i64", "f64"])
    .export("pair")
    .instantiate();
  const m = await runtime.instantiate(`(module
    (import "env" "log" (func $log (param i32 i32)))
    (import "env" "pair" (func $pair (param i64) (result i64 f64)))
    (memory 1) (data (i32.const 0) "hi there")
    (func (export "run") (result i64 f64)
      (call $log (i32.const 0) (i32.const 8))
      (call $pair (i64.const 20))))`);
  assert.deepEqual(m.exportedFunction("run")!.call(), [21n, 40]);
  assert.deepEqual(seen, ["hi there"]);
  const env = runtime.module("env")!;
  assert.deepEqual(env.exportedFunction("log")!.definition.paramNames, ["ptr", "len"]);
});

test("errors thrown by host functions reach the caller unchanged", async () => {
  const runtime = new Runtime();
  const boom = new Error("boom");
  await runtime.newHostModuleBuilder("env")
    .newFunctionBuilder().withFunc(
      () => {
        throw boom;
      },
      [],
      [],
    ).export("fail")
    .instantiate();
  const m = await runtime.instantiate(`(module (import "env" "fail" (func $fail))
    (func (export "run") (call $fail)))`);
  assert.throws(() => m.exportedFunction("run")!.call(), (e) => e === boom);
});

test("host functions may call back into wasm", async () => {
  const runtime = new Runtime();
  const late: { inner?: WasmFunction } = {};
  await runtime.newHostModuleBuilder("env")
    .newFunctionBuilder()
    .withFunc((_c, n: number) => (late.inner!.call(n)[0] as number) + 1, ["i32"], ["i32"])
    .export("up")
    .instantiate();
  const m = await runtime.instantiate(
    `(module (import "env" "up" (func $up (param i32) (result i32)))
    (func (export "double") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
    (func (export "run") (param i32) (result i32) (call $up (local.get 0))))`,
  );
  late.inner = m.exportedFunction("double");
  assert.deepEqual(m.exportedFunction("run")!.call(20), [41]);
});

test("traps are RuntimeErrors with the spec's message and a wasm stack trace", async () => {
  const m = await new Runtime().instantiate(`(module $calc
    (func $divide (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
    (func $outer (export "run") (param i32) (result i32) (call $divide (i32.const 1) (local.get 0))))`);
  let error: unknown;
  try {
    m.exportedFunction("run")!.call(0);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof RuntimeError);
  assert.equal(error.message, "integer divide by zero");
  assert.match(error.stack!, /at calc\.divide \(wasm @0x[0-9a-f]+\)\n\s+at calc\.outer/);
});

test("exhausting the call stack is a trap, not a JS RangeError", async () => {
  const m = await new Runtime({ maxCallDepth: 500 }).instantiate(`(module
    (func $down (export "down") (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0))
        (then (i32.const 0))
        (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1))))))))`);
  const down = m.exportedFunction("down")!;
  assert.deepEqual(down.call(400), [400]);
  assert.throws(
    () => down.call(1000),
    (e) => e instanceof RuntimeError && /call stack exhausted/.test(e.message),
  );
  // The machine is usable again after the trap.
  assert.deepEqual(down.call(10), [10]);
  // Deep recursion with the default limit does not overflow the JS stack either.
  const deep = await new Runtime().instantiate(`(module
    (func $loop (export "f") (param i32) (result i32) (call $loop (local.get 0))))`);
  assert.throws(() => deep.exportedFunction("f")!.call(1), RuntimeError);
});

test("imports link by module name and report LinkErrors", async () => {
  const runtime = new Runtime();
  const lib = await runtime.instantiate(`(module $lib
    (func (export "inc") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
    (memory (export "mem") 1))`);
  assert.equal(lib.name, "lib");
  assert.equal(runtime.module("lib"), lib);
  const user = await runtime.instantiate(`(module
    (import "lib" "inc" (func $inc (param i32) (result i32)))
    (import "lib" "mem" (memory 1))
    (func (export "run") (result i32) (i32.store (i32.const 0) (i32.const 41))
      (call $inc (i32.load (i32.const 0)))))`);
  assert.deepEqual(user.exportedFunction("run")!.call(), [42]);
  assert.equal(lib.memory()!.readUint32(0), 41);

  await assert.rejects(
    runtime.instantiate(`(module (import "nope" "f" (func)))`),
    (e) => e instanceof LinkError && /unknown import/.test(e.message),
  );
  await assert.rejects(
    runtime.instantiate(`(module (import "lib" "inc" (func (param i64))))`),
    (e) => e instanceof LinkError && /incompatible import type/.test(e.message),
  );
  await assert.rejects(
    runtime.instantiate(`(module (import "lib" "mem" (memory 2)))`),
    LinkError,
  );
  runtime.registerModule("alias", lib);
  await runtime.instantiate(`(module (import "alias" "inc" (func (param i32) (result i32))))`);
});

test("a start function that traps fails instantiation and registers nothing", async () => {
  const runtime = new Runtime();
  await assert.rejects(
    runtime.instantiate(`(module $bad (func $s unreachable) (start $s))`),
    (e) => e instanceof RuntimeError && e.message === "unreachable",
  );
  assert.equal(runtime.module("bad"), undefined);
  const ok = await runtime.instantiate(`(module $good (global (export "g") (mut i32) (i32.const 0))
    (func $s (global.set 0 (i32.const 5))) (start $s))`);
  assert.equal(ok.exportedGlobal("g")!.value, 5);
});

test("closed modules cannot be called or imported; using closes them", async () => {
  const runtime = new Runtime();
  const m = await runtime.instantiate(`(module $m (func (export "f")))`);
  const f = m.exportedFunction("f")!;
  m.close();
  assert.equal(m.closed, true);
  assert.throws(() => f.call(), /closed/);
  assert.equal(runtime.module("m"), undefined);
  {
    using scoped = await runtime.instantiate(`(module $scoped (func (export "f")))`);
    assert.equal(runtime.module("scoped"), scoped);
  }
  assert.equal(runtime.module("scoped"), undefined);
  runtime.close();
  await assert.rejects(runtime.instantiate(`(module)`), /closed/);
});

test("anonymous instances of one compiled module are independent", async () => {
  const runtime = new Runtime();
  const compiled = await runtime.compileModule(`(module $counter
    (global $n (mut i32) (i32.const 0))
    (func (export "next") (result i32) (global.set $n (i32.add (global.get $n) (i32.const 1))) (global.get $n)))`);
  const a = await runtime.instantiateModule(compiled, { name: null });
  const b = await runtime.instantiateModule(compiled, { name: "" });
  a.exportedFunction("next")!.call();
  assert.deepEqual(a.exportedFunction("next")!.call(), [2]);
  assert.deepEqual(b.exportedFunction("next")!.call(), [1]);
  const named = await runtime.instantiateModule(compiled);
  assert.equal(named.name, "counter");
  await assert.rejects(runtime.instantiateModule(compiled), /already been instantiated/);
});
