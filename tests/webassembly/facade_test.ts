// The WebAssembly JS API facade (webassembly.ts): the standard API on wazero-ts. These tests run
// where the host has no WebAssembly at all too (deno test --v8-flags=--jitless).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createWebAssembly, installWebAssembly, wat2wasm } from "../../mod.ts";
import { FACADE_WITHOUT_NATIVE, noNativeWebAssembly } from "../../lib/interpreter/engine.ts";

// deno-lint-ignore no-explicit-any
type Any = any;
const WA = createWebAssembly() as Any;

const MODULE = wat2wasm(`(module
  (import "env" "log" (func $log (param i32 i64) (result f64)))
  (import "env" "g" (global i32))
  (memory (export "mem") 1 10)
  (table (export "tab") 2 funcref)
  (global (export "counter") (mut i64) (i64.const 5))
  (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "callLog") (result f64) (call $log (global.get 0) (i64.const -3)))
  (func (export "trap") (unreachable))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "pair") (result i32 i64) (i32.const 1) (i64.const 2))
  (export "log" (func $log))
  (elem (i32.const 0) $add)
  (data (i32.const 0) "hi"))`);

function instantiate(log: (...args: unknown[]) => unknown = () => 0, g: unknown = 42): Any {
  return new WA.Instance(new WA.Module(MODULE), { env: { log, g } });
}

test("instantiate(bytes) gives module and instance; instantiate(module) gives the instance", async () => {
  const imports = { env: { log: () => 0, g: 1 } };
  const { module, instance } = await WA.instantiate(MODULE, imports);
  assert.ok(module instanceof WA.Module);
  assert.ok(instance instanceof WA.Instance);
  const again = await WA.instantiate(module, imports);
  assert.ok(again instanceof WA.Instance);
  assert.ok(WA.validate(MODULE));
  assert.equal(WA.validate(new Uint8Array([0, 97, 115, 109, 2, 0, 0, 0])), false);
  await assert.rejects(WA.compile(new Uint8Array([1, 2, 3])), WA.CompileError);
  assert.equal(Object.prototype.toString.call(WA), "[object WebAssembly]");
});

test("exports: a frozen null-prototype object; functions with length and name, same identity", () => {
  const instance = instantiate();
  const exports = instance.exports;
  assert.equal(Object.getPrototypeOf(exports), null);
  assert.ok(Object.isFrozen(exports));
  assert.equal(exports, instance.exports);
  assert.equal(exports.add.length, 2);
  assert.equal(exports.add.name, "1"); // its function index
  assert.equal(exports.add(2, 3), 5);
  assert.equal(exports.tab.get(0), exports.add); // the same export, the same function object
  assert.throws(() => new exports.add(), TypeError); // not a constructor
  assert.deepEqual(exports.pair(), [1, 2n]);
});

test("arguments convert per spec: ToInt32, BigInt for i64, missing ones are undefined", () => {
  const exports = instantiate().exports;
  assert.equal(exports.add(2 ** 32 + 1, "2"), 3);
  assert.equal(exports.add({ valueOf: () => 7 }), 7); // the missing argument is ToInt32(undefined) = 0
  assert.equal(exports.add(1.9, -0.5), 1);
  assert.throws(() => exports.add(1n, 2), TypeError); // ToNumber of a BigInt
});

test("JS imports: ToJSValue arguments, ToWebAssemblyValue result, exceptions pass through", () => {
  const seen: unknown[] = [];
  const exports = instantiate((a: unknown, b: unknown) => {
    seen.push(a, b);
    return "2.5";
  }).exports;
  assert.equal(exports.callLog(), 2.5);
  assert.deepEqual(seen, [42, -3n]);
  const boom = new Error("boom");
  const throwing = instantiate(() => {
    throw boom;
  }).exports;
  assert.throws(() => throwing.callLog(), (e) => e === boom);
  // An undefined result becomes NaN for an f64.
  assert.ok(Number.isNaN(instantiate(() => undefined).exports.callLog()));
});

test("re-exported imported functions keep identity; plain JS functions are wrapped", () => {
  const first = instantiate().exports;
  const second = instantiate(first.log).exports;
  assert.equal(second.log, first.log);
  const jsFunction = () => 1;
  const third = instantiate(jsFunction).exports;
  assert.notEqual(third.log, jsFunction);
  assert.equal(third.log(1, 2n), 1);
});

test("traps are the facade's RuntimeError", () => {
  const exports = instantiate().exports;
  assert.throws(
    () => exports.trap(),
    (e: Any) => e instanceof WA.RuntimeError && e.name === "RuntimeError",
  );
  assert.throws(() => exports.load(1 << 20), WA.RuntimeError);
});

test("Memory.buffer is exact, aliases wasm memory, and is detached and replaced on growth", () => {
  const exports = instantiate().exports;
  const memory = exports.mem;
  const buffer = memory.buffer;
  assert.equal(buffer.byteLength, 65536);
  assert.equal(memory.buffer, buffer);
  const bytes = new Uint8Array(buffer);
  assert.equal(String.fromCharCode(bytes[0], bytes[1]), "hi");
  bytes[7] = 99; // a write through the view is a write to wasm memory
  assert.equal(exports.load(7), 99);
  assert.equal(exports.grow(1), 1); // growth from wasm code
  assert.equal(buffer.byteLength, 0); // the old buffer is detached
  const grown = memory.buffer;
  assert.equal(grown.byteLength, 2 * 65536);
  assert.equal(new Uint8Array(grown)[7], 99);
  assert.equal(memory.grow(0), 2); // grow(0) replaces the buffer too, as the spec says
  assert.equal(grown.byteLength, 0);
  assert.throws(() => memory.grow(100), RangeError);
  const standalone = new WA.Memory({ initial: 1, maximum: 2 });
  assert.equal(standalone.grow(1), 1);
  assert.equal(standalone.buffer.byteLength, 131072);
});

test("Table get/set/grow/length and Global value/valueOf/mutability", () => {
  const exports = instantiate().exports;
  const table = new WA.Table({ element: "anyfunc", initial: 1, maximum: 3 });
  assert.equal(table.length, 1);
  assert.equal(table.get(0), null);
  table.set(0, exports.add);
  assert.equal(table.get(0), exports.add);
  assert.equal(table.grow(2, exports.add), 1);
  assert.equal(table.get(2), exports.add);
  assert.throws(() => table.grow(1), RangeError);
  assert.throws(() => table.set(0, () => 1), TypeError);
  assert.throws(() => table.get(3), RangeError);
  const externs = new WA.Table({ element: "externref", initial: 1 });
  assert.equal(externs.get(0), undefined);

  assert.equal(exports.counter.value, 5n);
  exports.counter.value = 7n;
  assert.throws(() => (exports.counter.value = 7), TypeError); // ToBigInt of a Number
  assert.equal(exports.counter.value, 7n);
  const constant = new WA.Global({ value: "f32" }, 1.1);
  assert.equal(constant.valueOf(), Math.fround(1.1));
  assert.throws(() => (constant.value = 2), TypeError);
  assert.throws(() => new WA.Global({ value: "v128" }), TypeError);
});

test("link errors and import object errors", () => {
  const module = new WA.Module(MODULE);
  assert.throws(() => new WA.Instance(module), TypeError);
  assert.throws(() => new WA.Instance(module, { env: { log: 1, g: 1 } }), WA.LinkError);
  assert.throws(() => new WA.Instance(module, { env: { log: () => 0, g: 1n } }), WA.LinkError);
  assert.throws(() => new WA.Instance(module, { env: null }), TypeError);
});

test("Module.exports, imports and customSections", () => {
  const module = new WA.Module(MODULE);
  assert.deepEqual(WA.Module.imports(module), [
    { module: "env", name: "log", kind: "function" },
    { module: "env", name: "g", kind: "global" },
  ]);
  assert.deepEqual(WA.Module.exports(module).map((e: Any) => e.kind).slice(0, 4), [
    "memory",
    "table",
    "global",
    "function",
  ]);
  const custom = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 0, 4, 3, 97, 98, 99]);
  assert.deepEqual(WA.Module.customSections(new WA.Module(custom), "abc"), [new ArrayBuffer(0)]);
});

test("controls: fuel and timeout stop runaway code with RuntimeError", () => {
  const spin = wat2wasm(`(module (func (export "spin") (loop (br 0))))`);
  const metered = createWebAssembly({ fuel: 10_000 }) as Any;
  const a = new metered.Instance(new metered.Module(spin)).exports;
  assert.throws(() => a.spin(), metered.RuntimeError);
  const timed = createWebAssembly({ timeout: 20, jsTier: false }) as Any;
  const b = new timed.Instance(new timed.Module(spin)).exports;
  assert.throws(() => b.spin(), timed.RuntimeError);
  const small = createWebAssembly({ memoryLimitPages: 2 }) as Any;
  assert.throws(() => new small.Memory({ initial: 3 }), RangeError);
});

test("compileStreaming and instantiateStreaming take a Response", async () => {
  const response = () =>
    new Response(MODULE as Uint8Array<ArrayBuffer>, {
      headers: { "Content-Type": "application/wasm" },
    });
  const module = await WA.compileStreaming(response());
  assert.ok(module instanceof WA.Module);
  const { instance } = await WA.instantiateStreaming(Promise.resolve(response()), {
    env: { log: () => 0, g: 1 },
  });
  assert.equal(instance.exports.add(1, 1), 2);
  await assert.rejects(
    WA.compileStreaming(new Response(MODULE as Uint8Array<ArrayBuffer>)),
    TypeError,
  ); // no wasm MIME type
});

test("installWebAssembly keeps a host's WebAssembly unless forced", () => {
  const g = globalThis as Any;
  const original = Object.getOwnPropertyDescriptor(globalThis, "WebAssembly");
  try {
    const installed = installWebAssembly();
    if (original !== undefined) assert.equal(installed, original.value);
    const forced = installWebAssembly({ force: true }) as Any;
    assert.equal(g.WebAssembly, forced);
    assert.notEqual(forced, original?.value);
    const d = Object.getOwnPropertyDescriptor(globalThis, "WebAssembly")!;
    assert.deepEqual([d.writable, d.enumerable, d.configurable], [true, false, true]);
    assert.ok(forced.validate(MODULE));
  } finally {
    if (original === undefined) delete g.WebAssembly;
    else Object.defineProperty(globalThis, "WebAssembly", original);
  }
});

test("a facade installed where the host had no WebAssembly still tells later copies there is no JIT", () => {
  const g = globalThis as Any;
  const original = Object.getOwnPropertyDescriptor(globalThis, "WebAssembly");
  try {
    delete g.WebAssembly;
    assert.equal(noNativeWebAssembly(g.WebAssembly), true);
    const installed = installWebAssembly();
    assert.equal(g.WebAssembly, installed);
    // What a copy of the runtime loaded now would conclude (engine.ts's WITHOUT_JIT).
    assert.equal(noNativeWebAssembly(g.WebAssembly), true);
    // Forced over that facade: still none native underneath.
    assert.equal(noNativeWebAssembly(installWebAssembly({ force: true })), true);
    assert.equal(
      Object.getOwnPropertyDescriptor(installed, FACADE_WITHOUT_NATIVE)?.enumerable,
      false,
    );
    if (original !== undefined) {
      // A facade forced over a native namespace is no sign of a host without a JIT.
      Object.defineProperty(globalThis, "WebAssembly", original);
      assert.equal(noNativeWebAssembly(g.WebAssembly), false);
      assert.equal(noNativeWebAssembly(installWebAssembly({ force: true })), false);
    }
  } finally {
    if (original === undefined) delete g.WebAssembly;
    else Object.defineProperty(globalThis, "WebAssembly", original);
  }
});
