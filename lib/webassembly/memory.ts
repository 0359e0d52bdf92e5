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
import { enforceAddressValue } from "./values.ts";
import { MAX_MEMORY64_PAGES } from "../validate/module_validator.ts";

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
      const address64 = readAddressType(d);
      const initialValue = d.initial;
      if (initialValue === undefined) throw new TypeError("the memory descriptor needs 'initial'");
      const initial = enforceAddressValue(initialValue, address64, "initial");
      const maximumValue = d.maximum;
      const maximum = maximumValue === undefined
        ? undefined
        : enforceAddressValue(maximumValue, address64, "maximum");
      // A 64-bit memory may declare up to 2^48 pages; what is allocated is capped below.
      const largest = address64 ? MAX_MEMORY64_PAGES : MAX_PAGES;
      if (initial > largest) {
        throw new RangeError(`initial ${initial} exceeds ${largest} pages`);
      }
      if (maximum !== undefined && maximum > largest) {
        throw new RangeError(`maximum ${maximum} exceeds ${largest} pages`);
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
        memory = new MemoryInstance(initial, maximum, limit, shared, address64);
      } catch {
        throw new RangeError(`cannot allocate a memory of ${initial} pages`);
      }
      ctx.memories.set(this, memory);
      ctx.memoryObjects.set(memory, this);
    }

    /**
     * Grows by `delta` pages; returns the old size in pages (a BigInt for a
     * 64-bit memory); RangeError when it cannot.
     */
    grow(delta: unknown): number | bigint {
      const memory = slot(this);
      const pages = enforceAddressValue(delta, memory.address64, "delta");
      const before = memory.buffer;
      const handedOut = memory.bufferHandedOut;
      const old = memory.grow(pages);
      if (old === -1) throw new RangeError(`cannot grow the memory by ${pages} pages`);
      // The spec replaces the buffer on every grow, even by 0 pages or within capacity; a buffer
      // nobody was given cannot be told apart from a new one, so only a handed-out one is replaced.
      if (handedOut && memory.buffer === before) memory.replaceBuffer();
      return memory.address64 ? BigInt(old) : old;
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
