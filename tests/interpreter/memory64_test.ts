// memory64 and table64: i64 addresses and offsets up to 2^64 - 1, bounds at the 2^32 and 2^64
// edges, 64-bit sizes and growth under the runtime's limit, i64 table indices; in the
// interpreter and both JavaScript tiers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CompileError, LinkError, Runtime } from "../../mod.ts";
import { useRegisterTierOnly } from "../../lib/runtime/runtime.ts";

const MEMORY64 = `(module
  (memory (export "mem") i64 1 281474976710656)
  (memory $other i64 1)
  (func (export "load") (param i64) (result i32) (i32.load8_u (local.get 0)))
  (func (export "load_far") (param i64) (result i32)
    (i32.load8_u offset=4294967295 (local.get 0)))
  (func (export "load_max_offset") (param i64) (result i32)
    (i32.load8_u offset=18446744073709551615 (local.get 0)))
  (func (export "load32") (param i64) (result i32) (i32.load offset=1 (local.get 0)))
  (func (export "store64") (param i64 i64) (i64.store (local.get 0) (local.get 1)))
  (func (export "v128") (param i64) (result i32)
    (i32x4.extract_lane 3 (v128.load (local.get 0))))
  (func (export "size") (result i64) (memory.size))
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
  (func (export "fill") (param i64 i32 i64) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "store_other") (param i64 i32) (i32.store $other (local.get 0) (local.get 1)))
  (func (export "load_other") (param i64) (result i32) (i32.load $other (local.get 0)))
  (func (export "copy_to_other") (param i64 i64 i64)
    (memory.copy $other 0 (local.get 0) (local.get 1) (local.get 2))))`;

const TIERS: [string, () => Runtime][] = [
  ["interpreter", () => new Runtime({ jsTier: false, memoryLimitPages: 4 })],
  [
    "register-code tier",
    () => useRegisterTierOnly(new Runtime({ jsTier: 1, memoryLimitPages: 4 })),
  ],
  ["structured tier", () => new Runtime({ jsTier: 1, memoryLimitPages: 4 })],
];

for (const [tier, make] of TIERS) {
  test(`memory64: bounds at the 2^32 and 2^64 edges, sizes and growth (${tier})`, async () => {
    const m = await make().instantiate(MEMORY64);
    const call = (name: string, ...args: unknown[]) => m.exportedFunction(name)!.call(...args)[0];
    const mem = m.exportedMemory("mem")!;
    assert.equal(mem.address64, true);
    mem.write(65535, new Uint8Array([7]));
    const oob = /out of bounds memory access/;
    assert.equal(call("load", 65535n), 7);
    assert.throws(() => call("load", 65536n), oob);
    // The high word alone makes the address far out of bounds: 2^32 + 65535 is not 65535.
    assert.throws(() => call("load", 2n ** 32n + 65535n), oob);
    assert.throws(() => call("load", 2n ** 64n - 1n), oob);
    assert.throws(() => call("load", -1n), oob);
    // Offsets above 2^32 - 1: the sum is the effective address (no wrap-around at 2^32 or 2^64).
    assert.throws(() => call("load_far", 0n), oob);
    assert.throws(() => call("load_far", 2n ** 64n - 4294967295n), oob); // sum 2^64 wraps to 0 in 64 bits
    assert.throws(() => call("load_max_offset", 0n), oob);
    assert.throws(() => call("load_max_offset", 1n), oob);
    assert.equal(call("load32", 65531n), 7 << 24);
    assert.throws(() => call("load32", 65532n), oob);
    call("store64", 8n, -2n);
    assert.equal(mem.readInt64(8), -2n);
    assert.throws(() => call("store64", 65529n, 1n), oob);
    assert.equal(mem.readInt64(65528), 7n << 56n); // a trapping store wrote nothing
    assert.equal(call("v128", 65520n), 7 << 24);
    assert.throws(() => call("v128", 65521n), oob);

    assert.equal(call("size"), 1n);
    assert.equal(call("grow", 2n), 1n);
    assert.equal(call("size"), 3n);
    // Declared maximum 2^48 pages, but the runtime's limit (4 pages here) decides.
    assert.equal(call("grow", 2n), -1n);
    assert.equal(call("grow", 2n ** 32n), -1n);
    assert.equal(call("grow", 1n), 3n);
    assert.equal(call("load", 4n * 65536n - 1n), 0);
    call("fill", 100n, 0xab, 3n);
    assert.deepEqual([...mem.read(99, 5)!], [0, 0xab, 0xab, 0xab, 0]);
    assert.throws(() => call("fill", 2n ** 32n, 0, 0n), oob); // beyond the end, even for 0 bytes
    assert.throws(() => call("fill", 0n, 0, 2n ** 32n), oob);

    call("store_other", 4n, 99);
    assert.equal(call("load_other", 4n), 99);
    assert.equal(m.memory(1)!.readInt32(4), 99);
    call("copy_to_other", 0n, 100n, 3n);
    assert.deepEqual([...m.memory(1)!.read(0, 5)!], [0xab, 0xab, 0xab, 0, 99]);
    assert.throws(() => call("copy_to_other", 65534n, 100n, 3n), oob);
  });

  test(`table64: i64 indices, sizes and growth (${tier})`, async () => {
    const m = await make().instantiate(`(module
      (type $r (func (result i32)))
      (table $t i64 2 10 funcref)
      (elem (table $t) (i64.const 1) func $seven)
      (func $seven (result i32) (i32.const 7))
      (func (export "call") (param i64) (result i32) (call_indirect $t (type $r) (local.get 0)))
      (func (export "is_null") (param i64) (result i32) (ref.is_null (table.get $t (local.get 0))))
      (func (export "size") (result i64) (table.size $t))
      (func (export "grow") (param i64) (result i64) (table.grow $t (ref.null func) (local.get 0)))
      (func (export "fill") (param i64 i64) (table.fill $t (local.get 0) (ref.func $seven) (local.get 1))))`);
    const call = (name: string, ...args: unknown[]) => m.exportedFunction(name)!.call(...args)[0];
    assert.equal(call("call", 1n), 7);
    assert.throws(() => call("call", 0n), /uninitialized element|undefined element/);
    assert.throws(() => call("call", 2n ** 32n + 1n), /undefined element|out of bounds table/);
    assert.equal(call("is_null", 0n), 1);
    assert.throws(() => call("is_null", 2n ** 32n), /out of bounds table access/);
    assert.equal(call("size"), 2n);
    assert.equal(call("grow", 3n), 2n);
    assert.equal(call("grow", 2n ** 32n), -1n);
    assert.equal(call("grow", 6n), -1n); // past the maximum of 10
    assert.equal(call("size"), 5n);
    call("fill", 3n, 2n);
    assert.equal(call("call", 4n), 7);
    assert.throws(() => call("fill", 4n, 2n ** 32n), /out of bounds table access/);
  });
}

test("memory64 limits: past the runtime's limit is a LinkError naming it; 2^48 pages is valid", async () => {
  const rt = new Runtime({ memoryLimitPages: 16 });
  await rt.instantiate(`(module (memory i64 1 281474976710656))`);
  await assert.rejects(
    rt.instantiate(`(module (memory i64 17))`),
    (e: unknown) =>
      e instanceof LinkError && /limit of 16 pages \(memoryLimitPages\)/.test(e.message),
  );
  await assert.rejects(
    rt.compileModule(`(module (memory i64 281474976710657))`),
    (e: unknown) => e instanceof CompileError && /at most 2\^48 pages/.test(e.message),
  );
});

test("a 64-bit memory or table only matches a 64-bit import", async () => {
  const rt = new Runtime();
  await rt.instantiate(
    `(module (memory (export "m64") i64 1) (memory (export "m32") 1)
    (table (export "t64") i64 1 funcref))`,
    { name: "host" },
  );
  await rt.instantiate(`(module (import "host" "m64" (memory i64 1)))`);
  await assert.rejects(rt.instantiate(`(module (import "host" "m64" (memory 1)))`), LinkError);
  await assert.rejects(rt.instantiate(`(module (import "host" "m32" (memory i64 1)))`), LinkError);
  await assert.rejects(
    rt.instantiate(`(module (import "host" "t64" (table 1 funcref)))`),
    LinkError,
  );
});

test("memory64 is a feature: rejected under 2.0 or with memory64 off", async () => {
  for (const features of ["2.0" as const, { memory64: false }]) {
    const rt = new Runtime({ features });
    for (const source of [`(module (memory i64 1))`, `(module (table i64 1 funcref))`]) {
      await assert.rejects(rt.compileModule(source), (e: unknown) => {
        assert.ok(e instanceof CompileError);
        assert.match(e.message, /memory64 \(feature memory64\) is not enabled/);
        return true;
      });
    }
  }
  await new Runtime().compileModule(`(module (memory i64 1) (table i64 1 funcref))`);
  // An offset above 2^32 - 1 is invalid for a 32-bit memory.
  await assert.rejects(
    new Runtime().compileModule(
      `(module (memory 1) (func (drop (i32.load offset=4294967296 (i32.const 0)))))`,
    ),
    CompileError,
  );
});
