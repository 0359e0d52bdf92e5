// 3.0 reference values at the public API: function references (typed or not) are callable
// WasmFunctions wherever they come out (results, exception values, globals), GC objects opaque
// handles that come back as themselves, host values unchanged; values going in are checked.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Runtime, Tag, WasmException, WasmFunction } from "../../mod.ts";

const MODULE = `(module
  (type $ft (func (param i32) (result i32)))
  (type $other (func))
  (type $point (struct (field i32)))
  (import "env" "boom" (func $boom))
  (import "env" "give" (func $give (result (ref $ft))))
  (tag $t (export "t") (param funcref (ref null $ft) anyref externref))
  (global (export "g") (ref null $ft) (ref.func $double))
  (table (export "tab") 2 (ref null $ft))
  (table (export "structs") 1 (ref null $point))
  (func $double (type $ft) (i32.mul (local.get 0) (i32.const 2)))
  (func $nothing (type $other))
  (elem declare func $double $nothing)
  (func (export "throw") (param externref)
    (throw $t (ref.func $double) (ref.func $double)
      (struct.new $point (i32.const 7)) (local.get 0)))
  (func (export "throw_boxed") (param externref)
    (throw $t (ref.null func) (ref.null $ft) (any.convert_extern (local.get 0)) (ref.null extern)))
  (func (export "x") (param anyref) (result i32)
    (struct.get $point 0 (ref.cast (ref $point) (local.get 0))))
  (func (export "apply") (param (ref $ft) i32) (result i32)
    (call_ref $ft (local.get 1) (local.get 0)))
  (func (export "apply_null") (param (ref null $ft)) (result i32)
    (call_ref $ft (i32.const 1) (local.get 0)))
  (func (export "eq") (param eqref) (result i32) (ref.is_null (local.get 0)))
  (func (export "exn") (param exnref) (result i32) (ref.is_null (local.get 0)))
  (func (export "nothing") (result (ref $other)) (ref.func $nothing))
  (func (export "catch_host") (param i32) (result i32)
    (local $f funcref)
    (block $h (result funcref (ref null $ft) anyref externref)
      (try_table (catch $t $h) (call $boom))
      (return (i32.const -1)))
    (drop) (drop) (drop) (local.set $f)
    (call_ref $ft (local.get 0) (ref.cast (ref $ft) (local.get $f))))
  (func (export "via_host") (param i32) (result i32)
    (call_ref $ft (local.get 0) (call $give))))`;

async function setup() {
  const runtime = new Runtime();
  let toThrow: unknown = null;
  let toGive: unknown = null;
  const m = await runtime.instantiate(MODULE, {
    imports: {
      env: {
        boom: () => {
          throw toThrow;
        },
        give: () => toGive,
      },
    },
  });
  const f = (name: string) => m.exportedFunction(name)!;
  return {
    m,
    f,
    setThrow: (e: unknown) => (toThrow = e),
    setGive: (v: unknown) => (toGive = v),
  };
}

test("WasmException.values: funcrefs are callable WasmFunctions, GC handles round-trip", async () => {
  const { m, f } = await setup();
  const host = { any: "host value" };
  const e = (() => {
    try {
      f("throw").call(host);
    } catch (e) {
      return e;
    }
  })();
  assert.ok(e instanceof WasmException);
  const [fn, typed, point, ext] = e.values;
  assert.ok(fn instanceof WasmFunction, "funcref");
  assert.ok(typed instanceof WasmFunction, "(ref null $ft)");
  assert.deepEqual((fn as WasmFunction).call(21), [42]);
  assert.deepEqual((typed as WasmFunction).call(5), [10]);
  assert.equal(ext, host);
  assert.deepEqual(f("x").call(point), [7]);
  assert.equal(e.getArg(m.exportedTag("t")!, 1), typed);
  // any.convert_extern of a host value comes out as the value itself.
  try {
    f("throw_boxed").call(host);
    assert.fail("no throw");
  } catch (e) {
    assert.ok(e instanceof WasmException);
    assert.deepEqual(e.values, [null, null, host, null]);
  }
});

test("a host-made WasmException carrying a WasmFunction is caught and called by wasm", async () => {
  const { m, f, setThrow } = await setup();
  const tag = m.exportedTag("t")!;
  setThrow(new WasmException(tag, [f("throw"), m.exportedGlobal("g")!.value, null, null]));
  // The first value is `throw` (not of $ft): the cast of the funcref fails.
  assert.throws(() => f("catch_host").call(3), /cast failure/);
  const double = m.exportedGlobal("g")!.value as WasmFunction;
  assert.ok(double instanceof WasmFunction);
  setThrow(new WasmException(tag, [double, double, null, "x"]));
  assert.deepEqual(f("catch_host").call(3), [6]);
  // Values are checked as calls check them.
  assert.throws(() => new WasmException(tag, [() => 1, null, null, null]), TypeError);
  assert.throws(() => new WasmException(tag, [null, f("throw"), null, null]), TypeError);
  assert.throws(() => new WasmException(new Tag(["funcref"]), [{}]), TypeError);
});

test("typed function references cross calls and host results as WasmFunctions", async () => {
  const { m, f, setGive } = await setup();
  const double = m.exportedGlobal("g")!.value as WasmFunction;
  assert.deepEqual(f("apply").call(double, 4), [8]);
  assert.deepEqual(f("apply").callRaw(double, 4n), [8n]);
  assert.deepEqual(f("apply_null").call(double), [2]);
  assert.throws(() => f("apply_null").call(null), /null function reference/);
  assert.throws(() => f("apply").call(null, 1), TypeError, "non-nullable");
  assert.throws(() => f("apply").call(f("nothing").call()[0], 1), TypeError, "wrong type");
  assert.throws(() => f("apply").call((x: number) => x, 1), TypeError, "a JS function");
  const nothing = f("nothing").call()[0];
  assert.ok(nothing instanceof WasmFunction);
  setGive(double);
  assert.deepEqual(f("via_host").call(9), [18]);
});

test("anyref hierarchy and exnref values are checked on the way in", async () => {
  const { f } = await setup();
  assert.deepEqual(f("eq").call(null), [1]);
  assert.deepEqual(f("eq").call(5), [0], "an i31");
  assert.throws(() => f("eq").call({}), TypeError, "a host object is not an eqref");
  assert.throws(() => f("exn").call({}), TypeError);
  assert.deepEqual(f("exn").call(new WasmException(new Tag([]), [])), [0]);
});

test("Table.set and grow check values against typed element types", async () => {
  const { m, f } = await setup();
  const double = m.exportedGlobal("g")!.value as WasmFunction;
  const tab = m.exportedTable("tab")!;
  assert.equal(tab.set(0, double), true);
  assert.equal(tab.get(0), double);
  assert.throws(() => tab.set(1, f("nothing").call()[0]), TypeError);
  assert.throws(() => tab.grow(1, f("throw")), TypeError);
  assert.equal(tab.grow(1, double), 2);
  const structs = m.exportedTable("structs")!;
  assert.throws(() => structs.set(0, { x: 1 }), TypeError);
  assert.throws(() => structs.set(0, double), TypeError);
  assert.equal(structs.set(0, null), true);
});
