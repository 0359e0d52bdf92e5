// WebAssembly.Tag and WebAssembly.Exception in the facade (the JS API of exception handling).
import { test } from "node:test";
import assert from "node:assert/strict";
import { createWebAssembly, wat2wasm } from "../../mod.ts";

// deno-lint-ignore no-explicit-any
type Any = any;
const WA = createWebAssembly() as Any;

const MODULE = wat2wasm(`(module
  (import "env" "tag" (tag $t (param i32 f64)))
  (import "env" "call" (func $call))
  (tag $own (export "own") (param i64))
  (func (export "throw") (param i32 f64) (throw $t (local.get 0) (local.get 1)))
  (func (export "throwOwn") (throw $own (i64.const -5)))
  (func (export "catch") (result i32)
    (block $h (result i32 f64)
      (try_table (catch $t $h) (call $call))
      (return (i32.const -1)))
    (drop))
  (func (export "rethrow")
    (block $h (result exnref)
      (try_table (catch_all_ref $h) (call $call))
      (return))
    (throw_ref)))`);

test("a wasm exception reaches JS as a WebAssembly.Exception of the imported tag", () => {
  const tag = new WA.Tag({ parameters: ["i32", "f64"] });
  const instance = new WA.Instance(new WA.Module(MODULE), { env: { tag, call() {} } });
  const e = (() => {
    try {
      instance.exports.throw(3, 1.5);
    } catch (x) {
      return x as Any;
    }
  })();
  assert.ok(e instanceof WA.Exception);
  assert.ok(e.is(tag));
  assert.equal(e.getArg(tag, 0), 3);
  assert.equal(e.getArg(tag, 1), 1.5);
  assert.throws(() => e.getArg(tag, 2), RangeError);
  assert.throws(() => e.getArg(new WA.Tag({ parameters: ["i32", "f64"] }), 0), TypeError);
  // An exported tag is a WebAssembly.Tag, the same object each time it is read.
  const own = instance.exports.own;
  assert.ok(own instanceof WA.Tag);
  assert.throws(
    () => instance.exports.throwOwn(),
    (x: Any) => x.is(own) && x.getArg(own, 0) === -5n,
  );
});

test("JS throws a WebAssembly.Exception that wasm catches; rethrow keeps its identity", () => {
  const tag = new WA.Tag({ parameters: ["i32", "f64"] });
  let thrown: Any = null;
  const instance = new WA.Instance(new WA.Module(MODULE), {
    env: {
      tag,
      call() {
        throw (thrown = new WA.Exception(tag, [42, 0.5]));
      },
    },
  });
  assert.equal(instance.exports.catch(), 42);
  assert.throws(() => instance.exports.rethrow(), (x: unknown) => x === thrown);
});

test("JS errors cross wasm as exceptions of WebAssembly.JSTag; traps stay uncatchable", () => {
  const module = new WA.Module(wat2wasm(`(module
    (import "env" "JSTag" (tag $js (param externref)))
    (import "env" "call" (func $call (param i32)))
    (func (export "catchAll") (param i32) (result i32)
      (block $h (try_table (catch_all $h) (call $call (local.get 0))) (return (i32.const 0)))
      (i32.const 1))
    (func (export "catchJs") (param i32) (result externref)
      (block $h (result externref)
        (try_table (catch $js $h) (call $call (local.get 0)))
        (ref.null extern)))
    (func (export "trap") (unreachable)))`));
  const error = new Error("from JS");
  const call = (x: number) => {
    if (x === 1) throw error;
    if (x === 2) instance.exports.trap();
  };
  const instance: Any = new WA.Instance(module, { env: { JSTag: WA.JSTag, call } });
  assert.equal(instance.exports.catchAll(0), 0);
  assert.equal(instance.exports.catchAll(1), 1);
  assert.equal(instance.exports.catchJs(1), error);
  // A trap of a nested call passes through the JS import and every handler.
  assert.throws(() => instance.exports.catchAll(2), WA.RuntimeError);
  assert.throws(() => new WA.Exception(WA.JSTag, [{}]), TypeError);
});

test("an uncaught JS exception reaches JS as itself", () => {
  const tag = new WA.Tag({ parameters: ["i32", "f64"] });
  const error = new Error("from JS");
  const instance = new WA.Instance(new WA.Module(MODULE), {
    env: {
      tag,
      call() {
        throw error;
      },
    },
  });
  assert.throws(() => instance.exports.catch(), (x: unknown) => x === error);
  // catch_all_ref then throw_ref: still the same value.
  assert.throws(() => instance.exports.rethrow(), (x: unknown) => x === error);
});

test("the Tag and Exception constructors check their arguments", () => {
  assert.throws(() => new WA.Tag({}), TypeError);
  assert.throws(() => new WA.Tag({ parameters: ["i33"] }), TypeError);
  const tag = new WA.Tag({ parameters: ["i64"] });
  assert.throws(() => new WA.Exception(tag, []), TypeError);
  assert.throws(() => new WA.Exception({}, [1n]), TypeError);
  assert.equal(new WA.Exception(tag, [7n]).getArg(tag, 0), 7n);
  assert.equal(Object.prototype.toString.call(tag), "[object WebAssembly.Tag]");
});
