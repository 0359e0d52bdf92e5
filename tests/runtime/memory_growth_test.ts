import { test } from "node:test";
import assert from "node:assert/strict";
import { Runtime } from "../../mod.ts";
import { MemoryInstance, PAGE_SIZE } from "../../lib/interpreter/instances.ts";

const GROWER = `(module
  (memory (export "mem") 1 100)
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "size") (result i32) (memory.size))
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store8 (local.get 0) (local.get 1))))`;

test("growing page by page reallocates a logarithmic number of times", () => {
  const mem = new MemoryInstance(1, undefined);
  const buffers = new Set<ArrayBuffer>([mem.buffer]);
  for (let i = 0; i < 1023; i++) {
    assert.equal(mem.grow(1), i + 1);
    buffers.add(mem.buffer);
  }
  assert.equal(mem.pages, 1024);
  assert.equal(mem.byteLength, 1024 * PAGE_SIZE);
  assert.ok(buffers.size <= 12, `${buffers.size} buffers for 1,023 growths`);
  // The views cover the memory exactly, never the spare capacity.
  assert.equal(mem.view.byteLength, 1024 * PAGE_SIZE);
  assert.equal(mem.bytes.length, 1024 * PAGE_SIZE);
});

test("capacity never exceeds the memory's maximum", () => {
  const mem = new MemoryInstance(1, 3);
  assert.equal(mem.grow(1), 1);
  assert.equal(mem.grow(1), 2);
  assert.ok(mem.buffer.byteLength <= 3 * PAGE_SIZE);
  assert.equal(mem.grow(1), -1);
});

test("a memory that outgrows its buffer moves into 256 MiB at least, if its maximum allows", () => {
  const MIB = 1 << 20;
  const free = new MemoryInstance(2, undefined);
  free.bytes[5] = 9;
  assert.equal(free.grow(1), 2);
  assert.equal(free.buffer.byteLength, 256 * MIB);
  assert.equal(free.bytes[5], 9);
  const reserved = free.buffer;
  assert.equal(free.grow(64 * MIB / PAGE_SIZE), 3, "64 MiB more fit in the reservation");
  assert.equal(free.buffer, reserved, "and are not copied");
  assert.equal(free.view.byteLength, 64 * MIB + 3 * PAGE_SIZE);
  // Past the reservation, the factor: 16 times as much (or the maximum).
  assert.equal(free.grow(200 * MIB / PAGE_SIZE), 1027);
  assert.equal(free.buffer.byteLength, Math.min(16 * 256 * MIB, 65536 * PAGE_SIZE));
  // A maximum under 256 MiB: the factor alone, never more than the maximum.
  const capped = new MemoryInstance(2, 1000);
  assert.equal(capped.grow(1), 2);
  assert.equal(capped.buffer.byteLength, 32 * PAGE_SIZE);
  assert.equal(capped.grow(100), 3);
  assert.equal(capped.buffer.byteLength, 512 * PAGE_SIZE);
  assert.equal(capped.grow(500), 103);
  assert.equal(capped.buffer.byteLength, 1000 * PAGE_SIZE);
  // A maximum of exactly 256 MiB gets the floor.
  const exact = new MemoryInstance(2, 4096);
  assert.equal(exact.grow(1), 2);
  assert.equal(exact.buffer.byteLength, 4096 * PAGE_SIZE);
});

const canDetach = typeof (new ArrayBuffer(0) as { transfer?: unknown }).transfer === "function";

test("a replaced buffer nobody was given is dropped, not detached, and its contents moved", () => {
  const mem = new MemoryInstance(1, undefined);
  mem.bytes[PAGE_SIZE - 1] = 7;
  const old = mem.buffer;
  mem.grow(1);
  assert.notEqual(mem.buffer, old);
  assert.equal(mem.bytes[PAGE_SIZE - 1], 7);
  // A detach would make V8 throw away optimised code that reads typed arrays.
  assert.equal(old.byteLength, PAGE_SIZE);
});

test("growing detaches a buffer that views were handed out of, and only that one", async () => {
  const m = await new Runtime().instantiate(`(module (memory (export "mem") 1))`);
  const mem = m.memory()!;
  const state = m.state.memories[0];
  assert.equal(mem.grow(1), 1); // within the capacity (2 pages): the buffer stays
  const view = mem.view(0, 16)!;
  const first = state.buffer;
  assert.equal(mem.grow(20), 2); // past it: a new buffer
  assert.notEqual(state.buffer, first);
  if (canDetach) {
    assert.equal(view.length, 0, "a view handed out is empty after the growth");
    assert.equal(first.byteLength, 0);
  }
  // Nobody was given the new buffer: the next replacement leaves it as it is.
  const second = state.buffer;
  assert.equal(mem.grow(state.buffer.byteLength / PAGE_SIZE), 22);
  assert.notEqual(state.buffer, second);
  assert.ok(second.byteLength > 0, "a buffer nobody was given is not detached");
  // Memory.buffer hands it out too (trimmed to the memory's size, so the next growth replaces it).
  const buffer = mem.buffer;
  mem.grow(1);
  assert.notEqual(state.buffer, buffer);
  if (canDetach) assert.equal(buffer.byteLength, 0);
});

test("wasm bounds checks follow the size, not the capacity", async () => {
  const m = await new Runtime().instantiate(GROWER);
  const f = (name: string) => m.exportedFunction(name)!;
  assert.deepEqual(f("grow").call(1), [1]); // now 2 pages, capacity 2 or more
  assert.deepEqual(f("grow").call(1), [2]); // 3 pages; the capacity is larger (16 pages)
  assert.deepEqual(f("size").call(), [3]);
  f("store").call(3 * PAGE_SIZE - 1, 9);
  assert.deepEqual(f("load").call(3 * PAGE_SIZE - 1), [9]);
  assert.throws(() => f("load").call(3 * PAGE_SIZE), /out of bounds memory access/);
  assert.throws(() => f("store").call(3 * PAGE_SIZE + 5, 1), /out of bounds memory access/);
  // Pages a growth exposes are zero.
  assert.deepEqual(f("grow").call(1), [3]);
  assert.deepEqual(f("load").call(3 * PAGE_SIZE), [0]);
  assert.deepEqual(f("load").call(4 * PAGE_SIZE - 1), [0]);
});

test("the API's buffer is exactly the memory's size, and growing detaches it", async () => {
  const m = await new Runtime().instantiate(GROWER);
  const mem = m.memory()!;
  assert.equal(mem.grow(1), 1);
  assert.equal(mem.grow(1), 2);
  const buffer = mem.buffer;
  assert.equal(buffer.byteLength, 3 * PAGE_SIZE);
  new Uint8Array(buffer)[5] = 42;
  assert.deepEqual(m.exportedFunction("load")!.call(5), [42]); // the buffer is live
  assert.equal(mem.buffer, buffer); // unchanged while the memory does not grow
  assert.equal(mem.grow(1), 3);
  assert.equal(mem.size, 4 * PAGE_SIZE);
  assert.equal(mem.buffer.byteLength, 4 * PAGE_SIZE);
  assert.equal(mem.readUint8(5), 42);
  if (typeof (buffer as { transfer?: unknown }).transfer === "function") {
    assert.equal(buffer.byteLength, 0);
  }
});

test("Memory.view is live, bounded, and never copies", async () => {
  const m = await new Runtime().instantiate(GROWER);
  const mem = m.memory()!;
  const v = mem.view(10, 4)!;
  assert.equal(v.length, 4);
  v[0] = 0xab;
  assert.deepEqual(m.exportedFunction("load")!.call(10), [0xab]);
  assert.equal(mem.view(PAGE_SIZE - 2, 4), undefined);
  assert.equal(mem.view(-1, 1), undefined);
  assert.equal(mem.view(0, -1), undefined);
  mem.grow(1);
  assert.equal(mem.view(PAGE_SIZE - 2, 4)!.length, 4);
});

test("a runtime's memory starts with room to grow (16-fold from 2 MiB); the JS API's and the API buffer are exact", async () => {
  const spare = new MemoryInstance(4, undefined, undefined, false, false, true);
  assert.equal(spare.buffer.byteLength, 8 * PAGE_SIZE);
  assert.equal(spare.view.byteLength, 4 * PAGE_SIZE);
  const first = spare.buffer;
  assert.equal(spare.grow(4), 4);
  assert.equal(spare.buffer, first, "growing into the spare room does not reallocate");
  const big = new MemoryInstance(32, undefined, undefined, false, false, true);
  assert.equal(big.buffer.byteLength, 16 * 32 * PAGE_SIZE);
  assert.equal(big.view.byteLength, 32 * PAGE_SIZE);
  assert.equal(
    new MemoryInstance(31, undefined, undefined, false, false, true).buffer.byteLength,
    62 * PAGE_SIZE,
  );
  // Never past the maximum, and none for a memory that cannot grow.
  assert.equal(
    new MemoryInstance(4, 5, undefined, false, false, true).buffer.byteLength,
    5 * PAGE_SIZE,
  );
  assert.equal(
    new MemoryInstance(4, 4, undefined, false, false, true).buffer.byteLength,
    4 * PAGE_SIZE,
  );
  assert.equal(new MemoryInstance(4, undefined).buffer.byteLength, 4 * PAGE_SIZE);
  const m = await new Runtime().instantiate(`(module (memory (export "mem") 3))`);
  assert.equal(m.state.memories[0].buffer.byteLength, 6 * PAGE_SIZE);
  assert.equal(m.exportedMemory("mem")!.buffer.byteLength, 3 * PAGE_SIZE);
});
