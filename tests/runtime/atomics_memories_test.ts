// Atomic instructions on every memory: memories other than 0 and 64-bit memories, in each tier.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Runtime, RuntimeError } from "../../mod.ts";
import { useRegisterTierOnly } from "../../lib/runtime/runtime.ts";

const TIERS: [string, () => Runtime][] = [
  ["interpreter", () => new Runtime({ jsTier: false })],
  ["register-code tier", () => useRegisterTierOnly(new Runtime({ jsTier: 1 }))],
  ["default tiers, compiled at once", () => new Runtime({ jsTier: 1 })],
];

const MODULE = `(module
  (memory $m0 1 1)
  (memory $m1 1 1 shared)
  (memory $w i64 1 2 shared)
  (export "m0" (memory $m0))
  (export "m1" (memory $m1))
  (export "w" (memory $w))
  (func (export "add1") (param $at i32) (param $v i32) (result i32)
    (i32.atomic.rmw.add $m1 (local.get $at) (local.get $v)))
  (func (export "load1") (param $at i32) (result i32) (i32.atomic.load $m1 offset=4 (local.get $at)))
  (func (export "cmpxchg1") (param $at i32) (param $e i64) (param $r i64) (result i64)
    (i64.atomic.rmw.cmpxchg $m1 (local.get $at) (local.get $e) (local.get $r)))
  (func (export "narrow1") (param $at i32) (param $v i64) (result i64)
    (i64.atomic.rmw16.xchg_u $m1 (local.get $at) (local.get $v)))
  (func (export "store64") (param $at i64) (param $v i64)
    (i64.atomic.store $w offset=8 (local.get $at) (local.get $v)))
  (func (export "load64") (param $at i64) (result i64) (i64.atomic.load $w offset=8 (local.get $at)))
  (func (export "sub64") (param $at i64) (param $v i32) (result i32)
    (i32.atomic.rmw.sub $w (local.get $at) (local.get $v)))
  (func (export "or8") (param $at i64) (param $v i32) (result i32)
    (i32.atomic.rmw8.or_u $w (local.get $at) (local.get $v)))
  (func (export "wait1") (param $at i32) (param $e i32) (result i32)
    (memory.atomic.wait32 $m1 (local.get $at) (local.get $e) (i64.const 0)))
  (func (export "wait64") (param $at i64) (param $e i64) (result i32)
    (memory.atomic.wait64 $w (local.get $at) (local.get $e) (i64.const 1000)))
  (func (export "notify64") (param $at i64) (result i32)
    (memory.atomic.notify $w (local.get $at) (i32.const 5)))
  (func (export "wait0") (result i32)
    (memory.atomic.wait32 $m0 (i32.const 0) (i32.const 0) (i64.const 0)))
  (func (export "grow64") (result i64) (memory.grow $w (i64.const 1)))
  (func (export "plain0") (param $at i32) (result i32) (i32.load $m0 (local.get $at))))`;

function rt(message: string) {
  return (e: unknown) => e instanceof RuntimeError && e.message.includes(message);
}

for (const [tier, make] of TIERS) {
  test(`atomics on memory 1 (shared, i32 addresses): rmw, loads, cmpxchg, narrow (${tier})`, async () => {
    const m = await make().instantiate(MODULE);
    const f = (name: string) => m.exportedFunction(name)!;
    const m1 = new DataView(m.memory("m1")!.buffer);
    m1.setInt32(16, 40, true);
    assert.deepEqual(f("add1").call(16, 2), [40]);
    assert.equal(m1.getInt32(16, true), 42);
    assert.deepEqual(f("load1").call(12), [42]);
    assert.equal(new DataView(m.memory("m0")!.buffer).getInt32(16, true), 0, "memory 0 untouched");
    assert.deepEqual(f("cmpxchg1").call(24, 0n, -1n), [0n]);
    assert.deepEqual(f("cmpxchg1").call(24, 1n, 5n), [-1n]);
    assert.equal(m1.getBigInt64(24, true), -1n);
    assert.deepEqual(f("narrow1").call(24, 0x12345n), [0xffffn]);
    assert.equal(m1.getUint16(24, true), 0x2345);
    assert.throws(() => f("add1").call(18, 1), rt("unaligned atomic"));
    assert.throws(() => f("add1").call(65536, 1), rt("out of bounds memory access"));
    assert.throws(() => f("load1").call(65532), rt("out of bounds memory access"));
    assert.deepEqual(f("wait1").call(16, 0), [1], "not-equal");
    assert.deepEqual(f("wait1").call(16, 42), [2], "timed-out");
    assert.throws(() => f("wait0").call(), rt("expected shared memory"));
  });

  test(`atomics on a 64-bit shared memory: i64 addresses and offsets, bounds, growth (${tier})`, async () => {
    const m = await make().instantiate(MODULE);
    const f = (name: string) => m.exportedFunction(name)!;
    f("store64").call(8n, 0x1122334455667788n);
    assert.equal(new DataView(m.memory("w")!.buffer).getBigInt64(16, true), 0x1122334455667788n);
    assert.deepEqual(f("load64").call(8n), [0x1122334455667788n]);
    assert.deepEqual(f("sub64").call(16n, 0x8), [0x55667788]);
    assert.deepEqual(f("load64").call(8n), [0x1122334455667780n]);
    assert.deepEqual(f("or8").call(23n, 0x02), [0x11]);
    assert.deepEqual(f("load64").call(8n), [0x1322334455667780n]);
    assert.throws(() => f("load64").call(65528n), rt("out of bounds memory access"));
    assert.throws(() => f("load64").call(1n << 32n), rt("out of bounds memory access"));
    assert.throws(() => f("load64").call(-8n), rt("out of bounds memory access"));
    assert.throws(() => f("load64").call(4n), rt("unaligned atomic"));
    assert.deepEqual(f("wait64").call(16n, 0n), [1]);
    assert.deepEqual(f("wait64").call(1024n, 0n), [2]);
    assert.deepEqual(f("notify64").call(8n), [0]);
    assert.throws(() => f("notify64").call(65536n), rt("out of bounds memory access"));
    assert.deepEqual(f("grow64").call(), [1n]);
    f("store64").call(65528n, 7n); // in bounds once grown
    assert.deepEqual(f("load64").call(65528n), [7n]);
    assert.deepEqual(f("plain0").call(0), [0]);
  });
}
