/**
 * {@link Memory}: the API's view of a linear memory.
 *
 * @module
 */

import { decodeUtf8, encodeUtf8 } from "../binary/reader.ts";
import { type MemoryInstance, PAGE_SIZE } from "../interpreter/instances.ts";
import type { MemoryDefinition } from "./definitions.ts";

/**
 * A linear memory, exported by a module or created by a host module.
 *
 * All accessors are little-endian, like WebAssembly itself. Out-of-range
 * access never throws: reads return `undefined`, writes return `false` (the
 * same convention as wazero).
 *
 * `buffer` and the views from {@link Memory.view} are replaced when the memory
 * grows (the old buffer is detached, as a WebAssembly memory's is, so they
 * become empty), so do not keep them across calls that may grow the memory.
 *
 * @example
 * ```ts
 * const memory = module.memory()!;
 * memory.writeString(16, "héllo");          // true
 * memory.readString(16, 6);                 // "héllo"
 * memory.writeUint32(0, 0xdeadbeef);        // true
 * memory.readUint32(0);                     // 3735928559
 * memory.readUint32(memory.size - 2);       // undefined: out of range
 * ```
 */
export class Memory {
  readonly #mem: MemoryInstance;
  /** What the module declared about this memory. */
  readonly definition: MemoryDefinition;

  /** @internal */
  constructor(mem: MemoryInstance, definition: MemoryDefinition) {
    this.#mem = mem;
    this.definition = definition;
  }

  /** @internal The engine's memory. */
  static instance(m: Memory): MemoryInstance {
    return m.#mem;
  }

  /**
   * The current contents, an `ArrayBuffer` of exactly {@link Memory.size}
   * bytes. Replaced (and the old one detached) when the memory grows.
   *
   * The engine keeps spare capacity after the memory so that growing is
   * cheap; reading `buffer` trims it away, which copies the memory once.
   * Prefer {@link Memory.view}, which never copies, in code that runs often.
   */
  get buffer(): ArrayBuffer {
    return this.#mem.exactBuffer();
  }

  /**
   * Whether the memory is shared (threads). The runtime runs one thread, so
   * a shared memory behaves like any other; only `memory.atomic.wait`
   * and import matching tell them apart.
   */
  get shared(): boolean {
    return this.#mem.shared;
  }

  /** Size in bytes. */
  get size(): number {
    return this.#mem.byteLength;
  }

  /** Size in 64 KiB pages. */
  get pages(): number {
    return this.#mem.pages;
  }

  /** True for a 64-bit memory (memory64), which wasm code addresses with i64 values. */
  get address64(): boolean {
    return this.#mem.address64;
  }

  /**
   * Grows the memory by `deltaPages` pages; returns the previous size in
   * pages, or -1 when the maximum (the module's, or the runtime's limit)
   * would be exceeded. Same result as the `memory.grow` instruction.
   */
  grow(deltaPages: number): number {
    if (!Number.isInteger(deltaPages) || deltaPages < 0) return -1;
    return this.#mem.grow(deltaPages);
  }

  #fits(offset: number, length: number): boolean {
    return rangeFits(this.#mem.byteLength, offset, length);
  }

  /** Reads a byte. */
  readUint8(offset: number): number | undefined {
    return this.#fits(offset, 1) ? this.#mem.view.getUint8(offset) : undefined;
  }
  /** Reads an unsigned 16-bit integer. */
  readUint16(offset: number): number | undefined {
    return this.#fits(offset, 2) ? this.#mem.view.getUint16(offset, true) : undefined;
  }
  /** Reads an unsigned 32-bit integer. */
  readUint32(offset: number): number | undefined {
    return this.#fits(offset, 4) ? this.#mem.view.getUint32(offset, true) : undefined;
  }
  /** Reads a signed 32-bit integer. */
  readInt32(offset: number): number | undefined {
    return this.#fits(offset, 4) ? this.#mem.view.getInt32(offset, true) : undefined;
  }
  /** Reads an unsigned 64-bit integer. */
  readUint64(offset: number): bigint | undefined {
    return this.#fits(offset, 8) ? this.#mem.view.getBigUint64(offset, true) : undefined;
  }
  /** Reads a signed 64-bit integer. */
  readInt64(offset: number): bigint | undefined {
    return this.#fits(offset, 8) ? this.#mem.view.getBigInt64(offset, true) : undefined;
  }
  /** Reads a 32-bit float. */
  readFloat32(offset: number): number | undefined {
    return this.#fits(offset, 4) ? this.#mem.view.getFloat32(offset, true) : undefined;
  }
  /** Reads a 64-bit float. */
  readFloat64(offset: number): number | undefined {
    return this.#fits(offset, 8) ? this.#mem.view.getFloat64(offset, true) : undefined;
  }
  /** Returns a copy of `length` bytes at `offset`. */
  read(offset: number, length: number): Uint8Array | undefined {
    if (!this.#fits(offset, length)) return undefined;
    return this.#mem.bytes.slice(offset, offset + length);
  }
  /**
   * A live `Uint8Array` over `length` bytes at `offset` (no copy), or
   * `undefined` when the range is outside the memory. Valid until the memory
   * grows; afterwards it is empty.
   */
  view(offset: number, length: number): Uint8Array | undefined {
    const view = transientView(this, offset, length);
    // Handed out: growth must detach the buffer so that the view becomes empty, not stale.
    if (view !== undefined) this.#mem.exposed = true;
    return view;
  }
  /** Decodes `length` bytes of UTF-8 at `offset` (invalid sequences give `undefined`). */
  readString(offset: number, length: number): string | undefined {
    if (!this.#fits(offset, length)) return undefined;
    return decodeUtf8(this.#mem.bytes, offset, offset + length) ?? undefined;
  }

  /** Writes a byte. */
  writeUint8(offset: number, value: number): boolean {
    if (!this.#fits(offset, 1)) return false;
    this.#mem.view.setUint8(offset, value);
    return true;
  }
  /** Writes a 16-bit integer. */
  writeUint16(offset: number, value: number): boolean {
    if (!this.#fits(offset, 2)) return false;
    this.#mem.view.setUint16(offset, value, true);
    return true;
  }
  /** Writes a 32-bit integer (signed or unsigned: the low 32 bits are stored). */
  writeUint32(offset: number, value: number): boolean {
    if (!this.#fits(offset, 4)) return false;
    this.#mem.view.setUint32(offset, value >>> 0, true);
    return true;
  }
  /** Writes a 64-bit integer (the low 64 bits of `value`). */
  writeUint64(offset: number, value: bigint): boolean {
    if (!this.#fits(offset, 8)) return false;
    this.#mem.view.setBigUint64(offset, BigInt.asUintN(64, value), true);
    return true;
  }
  /** Writes a 32-bit float. */
  writeFloat32(offset: number, value: number): boolean {
    if (!this.#fits(offset, 4)) return false;
    this.#mem.view.setFloat32(offset, value, true);
    return true;
  }
  /** Writes a 64-bit float. */
  writeFloat64(offset: number, value: number): boolean {
    if (!this.#fits(offset, 8)) return false;
    this.#mem.view.setFloat64(offset, value, true);
    return true;
  }
  /** Copies `bytes` to `offset`. */
  write(offset: number, bytes: Uint8Array): boolean {
    if (!this.#fits(offset, bytes.length)) return false;
    this.#mem.bytes.set(bytes, offset);
    return true;
  }
  /** Writes `text` as UTF-8 (no terminator); see {@link utf8Length} for its size. */
  writeString(offset: number, text: string): boolean {
    return this.write(offset, encodeUtf8(text));
  }
}

/** The number of bytes `text` takes in UTF-8 (what `Memory.writeString` writes). */
export function utf8Length(text: string): number {
  let n = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

/** Bytes in a page, for API users. */
export const MEMORY_PAGE_SIZE: number = PAGE_SIZE;

/**
 * A live view of `length` bytes at `offset` (undefined when out of range) for
 * the engine's own host functions, whose views never outlive the call that
 * made them (WASI's): unlike {@link Memory.view}, it does not mark the memory
 * as seen from outside, so growing it later need not detach its buffer (see
 * `MemoryInstance.exposed`). Not exported by `mod.ts`.
 */
export function transientView(
  memory: Memory,
  offset: number,
  length: number,
): Uint8Array | undefined {
  const bytes = Memory.instance(memory).bytes;
  if (!rangeFits(bytes.length, offset, length)) return undefined;
  return bytes.subarray(offset, offset + length);
}

/** True when `length` bytes at `offset` (both integers, neither negative) lie within `byteLength`. */
function rangeFits(byteLength: number, offset: number, length: number): boolean {
  return Number.isInteger(offset) && Number.isInteger(length) && offset >= 0 && length >= 0 &&
    offset + length <= byteLength;
}
