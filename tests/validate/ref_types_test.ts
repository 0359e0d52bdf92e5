import { test } from "node:test";
import assert from "node:assert/strict";
import {
  asNonNull,
  CONCRETE_BASE,
  concreteHeapType,
  HeapType,
  heapTypeOf,
  isDefaultable,
  isNullable,
  isRefType,
  refType,
  typeIndexOf,
  ValType,
  valTypeName,
} from "../../lib/binary/types.ts";
import { decodeModule } from "../../lib/binary/decoder.ts";
import { validateModule } from "../../lib/validate/module_validator.ts";
import { canonMatches, heapMatches } from "../../lib/validate/type_canon.ts";
import { wat2wasm } from "../../lib/text/index.ts";
import { CompileError } from "../../lib/errors.ts";

test("reference type encoding: abstract nullable types keep their binary code", () => {
  assert.equal(refType(HeapType.func, true), ValType.funcref);
  assert.equal(refType(HeapType.any, true), 0x6e);
  const nonNullAny = refType(HeapType.any, false);
  assert.ok(nonNullAny > 0xff && nonNullAny < CONCRETE_BASE);
  assert.equal(heapTypeOf(nonNullAny), HeapType.any);
  assert.equal(isNullable(nonNullAny), false);
  assert.equal(asNonNull(ValType.eqref), refType(HeapType.eq, false));
});

test("reference type encoding: concrete types above the abstract ones", () => {
  const t5 = refType(concreteHeapType(5), true);
  const t5nn = refType(concreteHeapType(5), false);
  assert.ok(t5 >= CONCRETE_BASE && t5nn === t5 + 1);
  assert.equal(typeIndexOf(t5nn), 5);
  assert.equal(heapTypeOf(t5nn), concreteHeapType(5));
  assert.ok(isRefType(t5) && isRefType(ValType.i31ref) && !isRefType(ValType.i32));
  assert.ok(isDefaultable(t5) && !isDefaultable(t5nn) && isDefaultable(ValType.f64));
  assert.equal(valTypeName(t5), "(ref null 5)");
  assert.equal(valTypeName(t5nn), "(ref 5)");
  assert.equal(valTypeName(refType(HeapType.none, false)), "(ref none)");
  assert.equal(valTypeName(ValType.nullexternref), "nullexternref");
  assert.equal(valTypeName(ValType.nullref), "nullref");
});

test("abstract heap subtyping: the three hierarchies and their bottoms", () => {
  assert.ok(heapMatches(HeapType.i31, HeapType.eq));
  assert.ok(heapMatches(HeapType.struct, HeapType.any));
  assert.ok(heapMatches(HeapType.none, HeapType.array));
  assert.ok(heapMatches(HeapType.nofunc, HeapType.func));
  assert.ok(!heapMatches(HeapType.func, HeapType.any));
  assert.ok(!heapMatches(HeapType.extern, HeapType.any));
  assert.ok(!heapMatches(HeapType.any, HeapType.eq));
  // Nullability: (ref ht) <: (ref null ht), never the other way.
  assert.ok(canonMatches(refType(HeapType.any, false), ValType.anyref));
  assert.ok(!canonMatches(ValType.anyref, refType(HeapType.any, false)));
  assert.ok(!canonMatches(ValType.i32, ValType.i64));
});

function valid(wat: string): void {
  validateModule(decodeModule(wat2wasm(wat)));
}

function invalid(wat: string, reason: string): void {
  assert.throws(
    () => validateModule(decodeModule(wat2wasm(wat))),
    (e) => e instanceof CompileError && e.message.includes(reason),
  );
}

test("declared subtypes: matching structs and functions; final types have none", () => {
  valid(`(type $a (sub (struct (field i32))))
    (type $b (sub $a (struct (field i32) (field i64))))
    (type $f (sub (func (param (ref $b)) (result (ref $a)))))
    (type $g (sub $f (func (param (ref $a)) (result (ref $b)))))`);
  invalid(`(type $a (struct (field i32))) (type $b (sub $a (struct (field i32))))`, "sub type");
  invalid(
    `(type $a (sub (struct (field (mut i32))))) (type $b (sub $a (struct (field i32))))`,
    "sub type",
  );
  invalid(`(type $a (sub (struct))) (type $b (sub $a (array i8)))`, "sub type");
});

test("iso-recursive equivalence: equal rec groups are the same type, across modules too", () => {
  const wat = `(rec (type $l (struct (field (ref null $l)))))
    (func (export "f") (param (ref null $l)))`;
  const a = decodeModule(wat2wasm(wat)), b = decodeModule(wat2wasm(wat));
  validateModule(a);
  validateModule(b);
  assert.equal(a.types[0].canonId, b.types[0].canonId);
  // Two distinct type indices of one module that are equivalent match each other.
  valid(`(type $a (struct (field i32))) (type $b (struct (field i32)))
    (func (param (ref $a)) (result (ref $b)) (local.get 0))`);
  invalid(
    `(type $a (struct (field i32))) (type $b (struct (field i64)))
    (func (param (ref $a)) (result (ref $b)) (local.get 0))`,
    "type mismatch",
  );
});

test("non-nullable locals must be set before use, per block", () => {
  valid(`(func (param funcref) (local (ref func))
    (local.set 1 (ref.as_non_null (local.get 0))) (drop (local.get 1)))`);
  invalid(`(func (local (ref func)) (drop (local.get 0)))`, "uninitialized local");
  invalid(
    `(func (param funcref) (local (ref func))
      (block (local.set 1 (ref.as_non_null (local.get 0)))) (drop (local.get 1)))`,
    "uninitialized local",
  );
});

test("a table of non-nullable references needs an initialiser", () => {
  valid(`(type $f (func)) (func $g (type $f)) (table 1 (ref $f) (ref.func $g))`);
  invalid(`(type $f (func)) (table 1 (ref $f))`, "initializer");
});

test("typed references and GC are rejected when their features are off", () => {
  const typed = wat2wasm(
    `(func (param funcref) (result (ref func)) (ref.as_non_null (local.get 0)))`,
  );
  const gc = wat2wasm(`(type $s (struct)) (func (result anyref) (struct.new $s))`);
  for (const [bytes, feature] of [[typed, "functionReferences"], [gc, "gc"]] as const) {
    assert.throws(
      () => {
        const features = { ...decodeModule(bytes).features, [feature]: false };
        validateModule(decodeModule(bytes, { features }));
      },
      (e) => e instanceof CompileError && e.message.includes(`feature ${feature}`),
    );
    validateModule(decodeModule(bytes)); // accepted by default (3.0)
  }
});

test("text and binary: ref types, rec groups, sub types and packed fields round-trip", () => {
  const m = decodeModule(wat2wasm(`
    (rec (type $node (sub (struct (field $v (mut i8)) (field $next (ref null $node)))))
         (type $leaf (sub final $node (struct (field (mut i8)) (field (ref null $node)) (field i16)))))
    (type $arr (array (mut (ref null $node))))
    (func (param (ref $leaf) anyref (ref null 2)) (result (ref null none)) (ref.null none))`));
  assert.equal(m.types.length, 4);
  assert.deepEqual(
    [m.types[0].recStart, m.types[0].recSize, m.types[1].recSize, m.types[2].recSize],
    [0, 2, 2, undefined],
  );
  assert.equal(m.types[0].final, false);
  assert.equal(m.types[1].supertype, 0);
  assert.equal(m.types[1].final, undefined);
  assert.deepEqual(m.types[1].fields!.map((f) => valTypeName(f.type)), [
    "i8",
    "(ref null 0)",
    "i16",
  ]);
  assert.deepEqual(m.types[3].params.map(valTypeName), ["(ref 1)", "anyref", "(ref null 2)"]);
  assert.deepEqual(m.types[3].results.map(valTypeName), ["nullref"]);
  // 0x63/0x64 with a heap type as s33; abstract heap types are single bytes.
  const bytes = wat2wasm(`(func (param (ref null func) (ref extern)))`);
  assert.ok(bytes.join().includes([0x02, 0x70, 0x64, 0x6f].join()));
});
