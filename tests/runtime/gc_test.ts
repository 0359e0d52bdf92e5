import { test } from "node:test";
import assert from "node:assert/strict";
import { CompileError, type Module, Runtime, RuntimeError } from "../../mod.ts";

const MODULE = `(module
  (type $point (struct (field $x (mut i32)) (field $y i64) (field $tag i8)))
  (type $bytes (array (mut i8)))
  (type $refs (array (mut anyref)))
  (type $sub (sub (struct (field i32))))
  (type $subsub (sub $sub (struct (field i32) (field f64))))
  (type $fn (func (param i32) (result i32)))
  (data $d "\\01\\02\\ff")
  (func $double (type $fn) (i32.mul (local.get 0) (i32.const 2)))
  (elem declare func $double)

  (func (export "point") (param i32 i64) (result anyref)
    (struct.new $point (local.get 0) (local.get 1) (i32.const -1)))
  (func (export "x") (param anyref) (result i32)
    (struct.get $point $x (ref.cast (ref $point) (local.get 0))))
  (func (export "y") (param anyref) (result i64)
    (struct.get $point $y (ref.cast (ref null $point) (local.get 0))))
  (func (export "tag_s") (param anyref) (result i32)
    (struct.get_s $point $tag (ref.cast (ref $point) (local.get 0))))
  (func (export "tag_u") (param anyref) (result i32)
    (struct.get_u $point $tag (ref.cast (ref $point) (local.get 0))))
  (func (export "set_x") (param anyref i32)
    (struct.set $point $x (ref.cast (ref $point) (local.get 0)) (local.get 1)))
  (func (export "null_x") (result i32) (struct.get $point $x (ref.null $point)))

  (func (export "bytes") (result i32)
    (local $a (ref $bytes))
    (local.set $a (array.new_data $bytes $d (i32.const 0) (i32.const 3)))
    (array.set $bytes (local.get $a) (i32.const 0) (i32.const 0x107))
    (i32.add (array.get_u $bytes (local.get $a) (i32.const 0))
      (i32.add (array.get_s $bytes (local.get $a) (i32.const 2)) (array.len (local.get $a)))))
  (func (export "oob") (result i32)
    (array.get_u $bytes (array.new_default $bytes (i32.const 2)) (i32.const 2)))
  (func (export "copy") (result i32)
    (local $a (ref $bytes))
    (local.set $a (array.new_fixed $bytes 4 (i32.const 1) (i32.const 2) (i32.const 3) (i32.const 4)))
    (array.copy $bytes $bytes (local.get $a) (i32.const 1) (local.get $a) (i32.const 0) (i32.const 3))
    (array.fill $bytes (local.get $a) (i32.const 0) (i32.const 9) (i32.const 1))
    ;; 9 1 2 3
    (i32.add (i32.mul (array.get_u $bytes (local.get $a) (i32.const 0)) (i32.const 1000))
      (i32.add (i32.mul (array.get_u $bytes (local.get $a) (i32.const 1)) (i32.const 100))
        (i32.add (i32.mul (array.get_u $bytes (local.get $a) (i32.const 2)) (i32.const 10))
          (array.get_u $bytes (local.get $a) (i32.const 3))))))

  (func (export "i31") (param i32) (result i32 i32)
    (i31.get_s (ref.i31 (local.get 0))) (i31.get_u (ref.i31 (local.get 0))))
  (func (export "eq") (result i32 i32 i32)
    (local $p (ref $sub))
    (local.set $p (struct.new $sub (i32.const 1)))
    (ref.eq (local.get $p) (local.get $p))
    (ref.eq (local.get $p) (struct.new $sub (i32.const 1)))
    (ref.eq (ref.i31 (i32.const 5)) (ref.i31 (i32.const 5))))
  (func (export "test") (param anyref) (result i32 i32 i32 i32)
    (ref.test (ref $sub) (local.get 0))
    (ref.test (ref $subsub) (local.get 0))
    (ref.test (ref i31) (local.get 0))
    (ref.test (ref null none) (local.get 0)))
  (func (export "sub") (result anyref) (struct.new $subsub (i32.const 1) (f64.const 2)))
  (func (export "cast_fail") (result i32)
    (ref.test (ref eq) (ref.cast (ref $subsub) (struct.new $sub (i32.const 0)))))
  (func (export "br_on_cast") (param anyref) (result i32)
    (block $is_i31 (result (ref i31))
      (br_on_cast $is_i31 anyref (ref i31) (local.get 0))
      (drop)
      (return (i32.const -1)))
    (i31.get_u))
  (func (export "roundtrip") (param externref) (result externref)
    (extern.convert_any (any.convert_extern (local.get 0))))
  (func (export "call_ref") (param i32) (result i32)
    (call_ref $fn (local.get 0) (ref.func $double)))
  (func (export "call_null") (result i32)
    (call_ref $fn (i32.const 1) (ref.null $fn)))
  (func (export "br_on_null") (param funcref) (result i32)
    (block $null
      (br_on_null $null (local.get 0))
      (drop)
      (return (i32.const 1)))
    (i32.const 0))
)`;

for (const jsTier of [false, 1] as const) {
  const mode = jsTier === false ? "interpreted" : "compiled on first call";
  test(`structs: fields of every width, packed sign extension, null traps (${mode})`, async () => {
    const m = await new Runtime({ jsTier }).instantiate(MODULE);
    const f = calls(m);
    const p = f("point").call(7, -5n);
    assert.equal(f("x").call(p), 7);
    assert.equal(f("y").call(p), -5n);
    assert.equal(f("tag_s").call(p), -1);
    assert.equal(f("tag_u").call(p), 255);
    f("set_x").call(p, 42);
    assert.equal(f("x").call(p), 42);
    assert.throws(() => f("null_x").call(), rt("null structure reference"));
    assert.throws(() => f("x").call(null), rt("cast failure"));
  });

  test(`arrays: data, packed elements, copy, fill, bounds (${mode})`, async () => {
    const m = await new Runtime({ jsTier }).instantiate(MODULE);
    const f = calls(m);
    assert.equal(f("bytes").call(), 7 + -1 + 3);
    assert.throws(() => f("oob").call(), rt("out of bounds array access"));
    assert.equal(f("copy").call(), 9123);
  });

  test(`i31, ref.eq, ref.test, ref.cast, br_on_cast (${mode})`, async () => {
    const m = await new Runtime({ jsTier }).instantiate(MODULE);
    const f = calls(m);
    assert.deepEqual(f("i31").call(-1), [-1, 0x7fffffff]);
    assert.deepEqual(f("i31").call(0x40000000), [-0x40000000, 0x40000000]);
    assert.deepEqual(f("eq").call(), [1, 0, 1]);
    assert.deepEqual(f("test").call(f("sub").call()), [1, 1, 0, 0]);
    assert.deepEqual(f("test").call(null), [0, 0, 0, 1]);
    assert.throws(() => f("cast_fail").call(), rt("cast failure"));
    assert.equal(f("br_on_cast").call(12), 12); // a number given as anyref is an i31
    assert.equal(f("br_on_cast").call(f("sub").call()), -1);
  });

  test(`typed function references: call_ref, null traps, br_on_null (${mode})`, async () => {
    const m = await new Runtime({ jsTier }).instantiate(MODULE);
    const f = calls(m);
    assert.equal(f("call_ref").call(21), 42);
    assert.throws(() => f("call_null").call(), rt("null function reference"));
    assert.equal(f("br_on_null").call(null), 0);
  });
}

test("GC values cross the API as opaque handles; host values round-trip through any", async () => {
  const m = await new Runtime().instantiate(MODULE);
  const f = calls(m);
  const host = { some: "object" };
  assert.equal(f("roundtrip").call(host), host);
  assert.equal(f("roundtrip").call("text"), "text");
  assert.equal(f("roundtrip").call(null), null);
  const p = f("point").call(1, 2n);
  assert.equal(typeof p, "object");
  assert.equal(f("x").call(p), 1); // the handle passes back
});

test("modules using GC fail to compile under features 2.0, naming the feature", async () => {
  await assert.rejects(
    new Runtime({ features: "2.0" }).compileModule(MODULE),
    (e) => e instanceof CompileError && /feature (gc|functionReferences)/.test(e.message),
  );
});

test("huge arrays fail with a clear error instead of exhausting the host", async () => {
  const m = await new Runtime().instantiate(`(module (type $a (array i64))
    (func (export "big") (result i32) (array.len (array.new_default $a (i32.const -1)))))`);
  assert.throws(() => m.exportedFunction("big")!.call(), rt("out of memory"));
});

/** Each export as `f(name).call(...)` giving its single result, or the array of several. */
function calls(m: Module) {
  return (name: string) => ({
    call: (...args: unknown[]): any => {
      const r = m.exportedFunction(name)!.call(...args);
      return r.length === 1 ? r[0] : r;
    },
  });
}

function rt(message: string) {
  return (e: unknown) => e instanceof RuntimeError && e.message.includes(message);
}

test("return_call_ref replaces the frame: 100,000 tail calls within a 64 KiB stack", async () => {
  const wat = `(module
    (type $t (func (param i32 i32) (result i32)))
    (elem declare func $count)
    (func $count (type $t)
      (if (result i32) (i32.eqz (local.get 0)) (then (local.get 1))
        (else (return_call_ref $t (i32.sub (local.get 0) (i32.const 1))
          (i32.add (local.get 1) (i32.const 2)) (ref.func $count)))))
    (func (export "run") (param i32) (result i32)
      (return_call_ref $t (local.get 0) (i32.const 0) (ref.func $count))))`;
  for (const jsTier of [false, 1] as const) {
    const m = await new Runtime({ jsTier, maxStackBytes: 65536 }).instantiate(wat);
    const run = m.exportedFunction("run")!;
    for (let round = 0; round < 3; round++) assert.deepEqual(run.call(10), [20]);
    assert.deepEqual(run.call(100_000), [200_000]);
  }
});
