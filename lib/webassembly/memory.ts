/**
 * `WebAssembly.Memory`. Its `buffer` is the runtime memory's own backing
 * store, trimmed to exactly the memory's size, so views of it read and write
 * wasm memory live. The growth after a buffer was handed out moves the memory
 * into a new buffer of exactly the new size (one copy; the old buffer is
 * detached, as native engines do), so reading `buffer` again costs nothing;
 * growth while nobody holds the buffer keeps the runtime's spare capacity.
 *
 * @module
 */

import { MAX_PAGES, MemoryInstance } from "../interpreter/instances.ts";
import type { FacadeContext } from "./context.ts";
import { finishInterface, readAddressType, requireDictionary } from "./idl.ts";
import { enforceUnsignedLong } from "./values.ts";

/** The constructor of `WebAssembly.Memory` for one namespace. */
export function defineMemory(ctx: FacadeContext): new (descriptor: unknown) => object {
  const slot = (self: unknown): MemoryInstance => {
    const memory = ctx.memories.get(self as object);
    if (memory === undefined) throw new TypeError("not a WebAssembly.Memory");
    return memory;
  };
  class WebAssemblyMemory {
    constructor(descriptor: unknown) {
      if (descriptor === undefined || descriptor === null) {
        throw new TypeError("WebAssembly.Memory needs a descriptor");
      }
      const d = requireDictionary(descriptor, "the memory descriptor");
      readAddressType(d);
      const initialValue = d.initial;
      if (initialValue === undefined) throw new TypeError("the memory descriptor needs 'initial'");
      const initial = enforceUnsignedLong(initialValue, "initial");
      const maximumValue = d.maximum;
      const maximum = maximumValue === undefined
        ? undefined
        : enforceUnsignedLong(maximumValue, "maximum");
      if (initial > MAX_PAGES) {
        throw new RangeError(`initial ${initial} exceeds ${MAX_PAGES} pages`);
      }
      if (maximum !== undefined && maximum > MAX_PAGES) {
        throw new RangeError(`maximum ${maximum} exceeds ${MAX_PAGES} pages`);
      }
      if (maximum !== undefined && maximum < initial) {
        throw new RangeError(`maximum ${maximum} is below initial ${initial}`);
      }
      // Threads: a shared memory needs a maximum. Its buffer stays an ArrayBuffer (one thread; a
      // SharedArrayBuffer that grows into new aliasing objects cannot be made from JavaScript).
      const shared = Boolean(d.shared);
      if (shared && maximum === undefined) {
        throw new TypeError("a shared memory needs 'maximum'");
      }
      const limit = ctx.options.memoryLimitPages ?? MAX_PAGES;
      if (initial > limit) {
        throw new RangeError(`initial ${initial} exceeds the limit of ${limit} pages`);
      }
      let memory: MemoryInstance;
      try {
        memory = new MemoryInstance(initial, maximum, limit, shared);
      } catch {
        throw new RangeError(`cannot allocate a memory of ${initial} pages`);
      }
      ctx.memories.set(this, memory);
      ctx.memoryObjects.set(memory, this);
    }

    /** Grows by `delta` pages; returns the old size in pages; RangeError when it cannot. */
    grow(delta: unknown): number {
      const memory = slot(this);
      const pages = enforceUnsignedLong(delta, "delta");
      const before = memory.buffer;
      const handedOut = memory.bufferHandedOut;
      const old = memory.grow(pages);
      if (old === -1) throw new RangeError(`cannot grow the memory by ${pages} pages`);
      // The spec replaces the buffer on every grow, even by 0 pages or within capacity; a buffer
      // nobody was given cannot be told apart from a new one, so only a handed-out one is replaced.
      if (handedOut && memory.buffer === before) memory.replaceBuffer();
      return old;
    }

    /** The memory's bytes: an ArrayBuffer of exactly its size, replaced when it grows. */
    get buffer(): ArrayBuffer {
      const memory = slot(this);
      const buffer = memory.exactBuffer();
      memory.bufferHandedOut = true;
      return buffer;
    }
  }
  finishInterface(WebAssemblyMemory, "Memory");
  Object.defineProperty(WebAssemblyMemory, "name", { value: "Memory" });
  return WebAssemblyMemory;
}
