// How the facade's Memory.buffer and the runtime's memory growth work together: an exact buffer
// while one is handed out, spare capacity (amortised growth) while nobody holds it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryInstance, PAGE_SIZE } from "../../lib/interpreter/instances.ts";
import { createWebAssembly, wat2wasm } from "../../mod.ts";

test("growth after a buffer was handed out is exact; growth while none is held keeps capacity", () => {
  const memory = new MemoryInstance(1, undefined);
  memory.grow(1);
  assert.ok(memory.buffer.byteLength > 2 * PAGE_SIZE, "unobserved growth reserves capacity");
  const exact = memory.exactBuffer();
  memory.bufferHandedOut = true;
  assert.equal(exact.byteLength, 2 * PAGE_SIZE);
  memory.grow(1);
  assert.equal(exact.byteLength, 0, "the handed-out buffer is detached");
  assert.equal(memory.buffer.byteLength, 3 * PAGE_SIZE, "and the new one is exact");
  assert.equal(memory.bufferHandedOut, false);
  memory.grow(1);
  assert.ok(memory.buffer.byteLength > 4 * PAGE_SIZE, "nobody holds it: capacity again");
});

test("glue code that re-reads buffer after each growth sees exact, live, zeroed buffers", () => {
  const WA = createWebAssembly() as any;
  const { exports } = new WA.Instance(
    new WA.Module(wat2wasm(`(module (memory (export "mem") 1)
      (func (export "grow") (result i32) (memory.grow (i32.const 1)))
      (func (export "poke") (param i32 i32) (i32.store8 (local.get 0) (local.get 1))))`)),
  );
  let view = new Uint8Array(exports.mem.buffer);
  for (let pages = 2; pages <= 12; pages++) {
    exports.grow();
    assert.equal(view.length, 0); // the cached view's buffer was detached
    view = new Uint8Array(exports.mem.buffer);
    assert.equal(view.length, pages * PAGE_SIZE);
    assert.equal(view[view.length - 1], 0);
    exports.poke(view.length - 1, pages);
    assert.equal(view[view.length - 1], pages);
  }
});

test("hosts without ArrayBuffer.prototype.transfer (Node 18-20) detach the old buffer too", () => {
  const proto = ArrayBuffer.prototype as { transfer?: unknown };
  const saved = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "transfer");
  delete proto.transfer;
  try {
    const memory = new MemoryInstance(1, undefined);
    const exact = memory.exactBuffer();
    new Uint8Array(exact)[7] = 9;
    memory.bufferHandedOut = true;
    memory.grow(1);
    assert.equal(exact.byteLength, 0, "the handed-out buffer is detached");
    assert.equal(memory.bytes[7], 9, "and the memory kept its contents");
  } finally {
    if (saved !== undefined) Object.defineProperty(ArrayBuffer.prototype, "transfer", saved);
  }
});
