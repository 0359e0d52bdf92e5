import { test } from "node:test";
import assert from "node:assert/strict";
import { Runtime, RuntimeError } from "../../mod.ts";
import { GcHeap } from "../../lib/interpreter/gc_accounting.ts";
import { WasmArray, WasmStruct } from "../../lib/interpreter/gc_heap.ts";

const MODULE = `(module
  (type $bytes (array (mut i8)))
  (type $node (struct (field $next (ref null $node)) (field $data (ref $bytes))))
  (global $keep (mut (ref null $node)) (ref.null $node))
  ;; allocates n arrays of size bytes, keeping every one (a list from a global)
  (func (export "keep") (param $n i32) (param $size i32)
    (loop $l
      (global.set $keep
        (struct.new $node (global.get $keep) (array.new_default $bytes (local.get $size))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  ;; allocates n arrays of size bytes and a struct each, dropping them; returns a checksum
  (func (export "churn") (param $n i32) (param $size i32) (result i32)
    (local $a (ref null $bytes)) (local $sum i32)
    (loop $l
      (local.set $a (array.new_default $bytes (local.get $size)))
      (local.set $sum (i32.add (local.get $sum)
        (array.len
          (struct.get $node $data (struct.new $node (ref.null $node) (ref.as_non_null (local.get $a)))))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $sum))
  (func (export "drop") (global.set $keep (ref.null $node)))
  (func (export "big") (param i32) (result i32) (array.len (array.new_default $bytes (local.get 0)))))`;

const MiB = 1 << 20;

function rt(message: string) {
  return (e: unknown) => e instanceof RuntimeError && e.message.includes(message);
}

for (const jsTier of [false, 1] as const) {
  const mode = jsTier === false ? "interpreted" : "compiled on first call";

  test(`GC heap limit: one array over the limit traps "out of memory" (${mode})`, async () => {
    const m = await new Runtime({ jsTier, maxGcHeapBytes: MiB }).instantiate(MODULE);
    assert.deepEqual(m.exportedFunction("big")!.call(1000), [1000]);
    assert.throws(() => m.exportedFunction("big")!.call(2 * MiB), rt("out of memory"));
    // Nothing of the failed allocation stays counted.
    assert.deepEqual(m.exportedFunction("big")!.call(MiB / 2), [MiB / 2]);
  });

  test(`GC heap limit: keeping allocations traps, dropping them frees the budget (${mode})`, async () => {
    const m = await new Runtime({ jsTier, maxGcHeapBytes: MiB }).instantiate(MODULE);
    const keep = m.exportedFunction("keep")!;
    keep.call(100, 4096); // 400 KiB live
    assert.throws(() => keep.call(200, 4096), rt("out of memory"));
    m.exportedFunction("drop")!.call();
    keep.call(200, 4096); // fits again once the list is unreachable
  });

  test(`GC heap limit: a loop allocating 64x the limit in dropped objects runs (${mode})`, async () => {
    const runtime = new Runtime({ jsTier, maxGcHeapBytes: MiB / 4 });
    const m = await runtime.instantiate(MODULE);
    // 4,096 arrays of 4 KiB, 16 MiB in all, each with a struct.
    assert.deepEqual(m.exportedFunction("churn")!.call(4096, 4096), [4096 * 4096]);
    assert.ok(runtime.gcHeap.traces >= 60, `${runtime.gcHeap.traces} traces`);
  });
}

test("GC heap limit: the default follows memoryLimitPages, at most 1 GiB", () => {
  assert.equal(new Runtime({ memoryLimitPages: 16 }).gcHeap.limit, 16 * 65536);
  assert.equal(new Runtime().gcHeap.limit, 1 << 30);
  assert.equal(new Runtime({ maxGcHeapBytes: 12345 }).gcHeap.limit, 12345);
  assert.throws(() => new Runtime({ maxGcHeapBytes: -1 }), RangeError);
});

test("GcHeap: the trace counts what the roots reach, once each, through cycles", () => {
  const heap = new GcHeap(10_000);
  const machine = { refs: [] as unknown[] };
  heap.machines.add(machine);
  const leaf = new WasmArray(0, 100, new Uint8Array(100)); // 32 + 100
  const a = new WasmStruct(0, [leaf, null, 7]); // 32 + 24
  const b = new WasmStruct(0, [a, leaf, 0]); // 32 + 24
  (a.f as unknown[])[1] = b; // a cycle
  machine.refs.push(b, a, 5, null);
  assert.equal(heap.trace(), 132 + 56 + 56);
  const refsArray = new WasmArray(0, 3, [b, leaf, null]); // 32 + 24
  const globals = [{ ref: refsArray }];
  heap.addInstance({ globals, tables: [], elements: [] });
  assert.equal(heap.trace(), 132 + 56 + 56 + 56);
  machine.refs.length = 0;
  globals[0].ref = null as unknown as WasmArray;
  assert.equal(heap.trace(), 0);
});

test("GcHeap: charge traces only at the limit and traps when what is live does not fit", () => {
  const heap = new GcHeap(1600);
  const machine = { refs: [] as unknown[] };
  heap.machines.add(machine);
  for (let i = 0; i < 100; i++) heap.charge(100); // nothing kept: 10,000 bytes charged
  assert.ok(heap.traces >= 6 && heap.traces <= 7, `${heap.traces} traces`);
  machine.refs.push(new WasmArray(0, 1400, new Uint8Array(1400))); // 1,432 live
  assert.throws(() => {
    for (let i = 0; i < 20; i++) heap.charge(100);
  }, rt("out of memory"));
  assert.equal(heap.live, 1432);
  assert.equal(heap.used, 1432);
  machine.refs.length = 0;
  for (let i = 0; i < 100; i++) heap.charge(100);
  assert.equal(heap.live, 0);
});

test("only modules whose globals, tables or segments can hold GC objects are roots", async () => {
  const { canHoldGcObjects } = await import("../../lib/interpreter/gc_accounting.ts");
  const { decodeModule } = await import("../../lib/binary/decoder.ts");
  const { wat2wasm } = await import("../../mod.ts");
  const holds = (text: string) => canHoldGcObjects(decodeModule(wat2wasm(text)));
  // Function references cannot reach a struct: instantiating these registers nothing.
  assert.equal(holds(`(module (table 2 funcref) (global (mut funcref) (ref.null func)))`), false);
  assert.equal(
    holds(
      `(module (type $f (func)) (table 1 (ref null $f)) (elem (table 0) (i32.const 0) (ref null $f) (ref.null $f)))`,
    ),
    false,
  );
  assert.equal(holds(`(module (type $s (struct)) (func (drop (struct.new $s))))`), false);
  // Anything outside the function hierarchy can.
  assert.equal(holds(`(module (global (mut externref) (ref.null extern)))`), true);
  assert.equal(holds(`(module (type $s (struct)) (table 1 (ref null $s)))`), true);
  assert.equal(holds(`(module (import "m" "g" (global (mut anyref))))`), true);
  assert.equal(holds(`(module (import "m" "t" (table 1 exnref)))`), true);
  assert.equal(holds(`(module (elem declare externref (ref.null extern)))`), true);
});

test("a GC object stored in an imported table of another instance stays live", async () => {
  using runtime = new Runtime({ maxGcHeapBytes: 4 * MiB });
  await runtime.instantiate(`(module (table (export "t") 1 anyref))`, { name: "owner" });
  const user = await runtime.instantiate(`(module
    (type $bytes (array (mut i8)))
    (import "owner" "t" (table 1 anyref))
    (func (export "store") (param i32)
      (table.set 0 (i32.const 0) (array.new_default $bytes (local.get 0))))
    (func (export "alloc") (param i32) (result i32)
      (array.len (array.new_default $bytes (local.get 0)))))`);
  user.exportedFunction("store")!.call(3 * MiB);
  // 3 MiB live in the owner's table: 1 MiB more cannot fit under a 4 MiB limit.
  assert.throws(() => user.exportedFunction("alloc")!.call(MiB), /out of memory/);
});
