/**
 * The runtime entities the executor works on: memories, tables, globals,
 * functions and the per-instance state that ties them together. These are
 * the spec's "store" objects; `lib/runtime` wraps them in the public API.
 *
 * @module
 */

import type { FuncType, RefType, ValType } from "../binary/types.ts";
import { RuntimeError } from "../errors.ts";
import { canonicalFuncId, isCanonSubtype } from "../validate/type_canon.ts";
import type { CompiledFunction } from "./compiled_function.ts";
import type { DirectFunction, EntryAdapter } from "./jit/adapters.ts";
import type { Tag } from "./exceptions.ts";
import type { LoopEntry } from "./jit/compile.ts";
import type { GcHeap } from "./gc_accounting.ts";
import { wordsOf } from "./translate/virtual_stack.ts";

/** The view of an instance without memory. */
export const EMPTY_VIEW = new DataView(new ArrayBuffer(0));

/** The view of an instance's memory 0 (an empty view when it has none). */
export function memoryView(inst: InstanceState): DataView {
  return inst.memories.length > 0 ? inst.memories[0].view : EMPTY_VIEW;
}

/** Bytes in a WebAssembly page. */
export const PAGE_SIZE = 65536;

/**
 * Makes the adapter a function instance's `direct` becomes on its first
 * call: installed by `jit/adapters.ts`, which builds adapters (see
 * {@link setDirectAdapters}). Only the structured tier's code calls
 * `direct`, and it loads that module first, so no call comes before.
 */
let directAdapter: (fn: FunctionInstance) => DirectFunction = () => {
  throw new Error("internal error: no direct adapters (jit/adapters.ts is not loaded)");
};

/**
 * Sets how `direct` adapters are made (called once by `jit/adapters.ts`):
 * this way function instances, which the whole runtime uses, do not import
 * the JavaScript tier's code generation.
 */
export function setDirectAdapters(make: (fn: FunctionInstance) => DirectFunction): void {
  directAdapter = make;
}

/**
 * What a function instance's `direct` is until first called: installs the
 * adapter its kind needs (the structured tier replaces it with compiled
 * code once the function is compiled).
 */
function lazyDirect(this: FunctionInstance, ...words: unknown[]): unknown {
  const adapter = directAdapter(this);
  if (this.direct === lazyDirect) this.direct = adapter;
  return adapter.apply(this, words);
}

/** The most pages a 32-bit memory can have. */
export const MAX_PAGES = 65536;

/**
 * How much larger a memory's new buffer is than the one it outgrew. Every
 * byte copied lands on a page the host has not touched yet, and on this
 * project's machines a first touch costs more than the copy itself (about
 * 4 ms per MiB; a 128 MiB memory grown by doubling spends ~0.35 s in page
 * faults), so a larger factor pays: capacity the memory does not reach
 * costs address space only, never resident memory (V8 and JavaScriptCore
 * both map a new buffer's pages lazily; a buffer they cannot allocate falls
 * back to the exact size). `bench/programs/malloc_churn.c` (memory grown to
 * ~100 MiB in steps) ran 2–7% faster with 16 than with 4 (6 interleaved
 * runs on Deno, 5 December 2026). A resizable `ArrayBuffer` would grow in
 * place, but `DataView` access to one was 17× slower on V8 and 3× on
 * JavaScriptCore (same day).
 */
const GROWTH_FACTOR = 16;

/**
 * The least capacity a memory moves into when it outgrows its buffer (256
 * MiB), if its maximum allows that much. Hosts map a buffer this large
 * lazily (glibc's `calloc` always maps anything over 32 MiB afresh), so the
 * reservation costs address space only, while every copy into a new buffer
 * touches each copied page a second time. `malloc_churn` (grown page by
 * page from 128 KiB to ~66 MiB) copied 64 MiB at its last growth under the
 * factor alone; with this floor it copies 256 KiB once: 0.90 → 0.68 s on
 * Deno and 0.93 → 0.63 s on Bun, and peak RSS 252 → 198 MB and 240 → 174 MB
 * (4 interleaved runs, 5 December 2026). A memory whose maximum is smaller
 * keeps the factor alone, since a reservation the allocator takes from its
 * heap is zeroed, page by page, on allocation.
 */
const GROWN_CAPACITY = 256 << 20;

/**
 * How much larger than its initial size a module's memory is allocated (when
 * instantiated by a `Runtime`; a memory the WebAssembly JS API creates or
 * hands out as `buffer` keeps its exact size). Programs grow their memory
 * soon after starting, and the first growth past the initial buffer copies
 * all of it: `@yowasp/yosys` starts at 210 pages (13 MiB) and grows to
 * 64–128 MiB; with twice its size reserved, the copy of 27 MiB into a new
 * buffer took 181 ms of the ALU run's 11 s on Deno (new pages cost ~6 ms per
 * MiB to touch on this project's machines). Sixteen times is never outgrown
 * there and costs address space only (see {@link GROWTH_FACTOR}), but only
 * for a big buffer: the C allocator hands out small ones from its heap and
 * zeroes all of their bytes (the unit tests, which instantiate thousands of
 * small modules, took 3 s more system time). Memories under
 * {@link BIG_MEMORY} get twice their size, which their first growth copies
 * cheaply.
 */
const SPARE_FACTOR = 16;

/** Bytes from which a memory gets {@link SPARE_FACTOR} times its size (smaller ones twice). */
const BIG_MEMORY = 2 << 20;

/**
 * A linear memory. Its bytes are the first `byteLength` bytes of `buffer`,
 * a fixed-size `ArrayBuffer` with room to grow: growth within that capacity
 * costs nothing, and beyond it the buffer is replaced by one
 * {@link GROWTH_FACTOR} times as large, and at least {@link GROWN_CAPACITY}
 * (so growing page by page copies each byte a bounded number of times, not
 * once per `memory.grow`, and a memory growing from a small start is copied
 * once before it reaches hundreds of MiB). `view` and `bytes` cover exactly `byteLength`
 * bytes, so their own range checks are the memory's bounds checks. Never a
 * resizable buffer: `DataView` on one is about 10x slower in V8 and 2x in
 * JavaScriptCore (even a view of fixed length).
 *
 * The capacity past `byteLength` is never written (every view stops at
 * `byteLength`), so the pages a growth exposes are zero as the spec requires,
 * and the host does not commit memory for them until they are used.
 */
export class MemoryInstance {
  /** The backing store; may be longer than the memory (see {@link exactBuffer}). */
  buffer: ArrayBuffer;
  /** A view of exactly the memory's bytes. */
  view: DataView;
  /** The memory's bytes, exactly. */
  bytes: Uint8Array;
  /** Size in bytes. */
  byteLength: number;
  /** Current size in pages. */
  pages: number;
  /** The largest size `grow` may reach, in pages. */
  readonly maxPages: number;
  /** The maximum the module declared, if any (for import matching). */
  readonly declaredMax: number | undefined;
  /** A 64-bit memory (memory64): i64 addresses. */
  readonly address64: boolean;
  /**
   * A shared memory (threads). Its bytes are an ordinary `ArrayBuffer`: the
   * runtime runs one thread, which `memory.atomic.wait` needs to know only.
   */
  readonly shared: boolean;
  /**
   * The current `buffer` has been handed out by the JS API's `Memory.buffer`
   * (which must be exactly the memory's size). The next growth then moves the
   * memory into a buffer of exactly the new size: one copy, which the glue
   * code's next read of `buffer` would otherwise add to the growth's own.
   * Growth without anyone holding the buffer keeps spare capacity, so a
   * memory grown many times between reads is copied a bounded number of times.
   */
  bufferHandedOut = false;
  /**
   * Something outside the engine may hold the current buffer or a view of it
   * (the API's `Memory.buffer` and `Memory.view`, the JS API's `buffer`).
   * Replacing the buffer then detaches it, so that those become empty
   * rather than stale. A buffer nobody was given is just dropped: the first
   * detach in a process makes V8 throw away every optimised function that
   * reads a typed array (its ArrayBufferDetaching protector), the
   * interpreter's loop among them, which then spends ~0.4 s being optimised
   * again (the `@yowasp/yosys` ALU run: 10.0 → 9.5 s on Deno, 404 → 372 MB).
   */
  exposed = false;

  /**
   * @param min initial size in pages.
   * @param declaredMax the module's maximum, if any.
   * @param limitPages the runtime's cap on any memory, in pages.
   * @param shared whether the memory is shared (threads).
   * @param address64 a 64-bit memory (memory64).
   * @param spare allocate room for the memory to double before its first
   *   reallocation (see {@link SPARE_FACTOR}).
   */
  constructor(
    min: number,
    declaredMax: number | undefined,
    limitPages = MAX_PAGES,
    shared = false,
    address64 = false,
    spare = false,
  ) {
    this.pages = min;
    this.shared = shared;
    this.declaredMax = declaredMax;
    this.address64 = address64;
    this.maxPages = Math.min(declaredMax ?? MAX_PAGES, limitPages);
    this.byteLength = min * PAGE_SIZE;
    const factor = this.byteLength >= BIG_MEMORY ? SPARE_FACTOR : 2;
    const capacity = spare ? Math.min(this.maxPages, min * factor) * PAGE_SIZE : 0;
    let buffer: ArrayBuffer | null = null;
    if (capacity > this.byteLength) {
      try {
        buffer = new ArrayBuffer(capacity);
      } catch {
        // No room for spare capacity: the exact size below.
      }
    }
    this.buffer = buffer ?? new ArrayBuffer(this.byteLength);
    this.view = new DataView(this.buffer, 0, this.byteLength);
    this.bytes = new Uint8Array(this.buffer, 0, this.byteLength);
  }

  /**
   * Grows by `delta` pages; returns the previous size in pages, or -1 when
   * the maximum would be exceeded or the host cannot allocate the memory.
   */
  grow(delta: number): number {
    const old = this.pages;
    if (delta === 0) return old;
    const pages = old + delta;
    if (pages > this.maxPages) return -1;
    const byteLength = pages * PAGE_SIZE;
    if (byteLength > this.buffer.byteLength) {
      const most = this.maxPages * PAGE_SIZE;
      const wanted = this.bufferHandedOut ? byteLength : Math.min(
        most,
        Math.max(
          byteLength,
          GROWTH_FACTOR * this.buffer.byteLength,
          most >= GROWN_CAPACITY ? GROWN_CAPACITY : 0,
        ),
      );
      if (!this.#reallocate(wanted) && !this.#reallocate(byteLength)) return -1;
      this.bufferHandedOut = false;
    }
    this.#resize(byteLength);
    this.pages = pages;
    return old;
  }

  /**
   * The backing store trimmed to exactly the memory's size, as the API's
   * `Memory.buffer` promises (a buffer whose length is the memory's). When
   * the buffer has spare capacity, this copies the memory into a buffer of
   * exact size once; the next growth then allocates capacity again.
   */
  exactBuffer(): ArrayBuffer {
    if (this.buffer.byteLength !== this.byteLength && !this.#reallocate(this.byteLength)) {
      throw new RangeError(`cannot allocate ${this.byteLength} bytes for the memory's buffer`);
    }
    this.#resize(this.byteLength);
    this.exposed = true;
    return this.buffer;
  }

  /**
   * Moves the memory into a new buffer of exactly its size and detaches the
   * old one, as the JS API's `Memory.grow` does even when the size does not
   * change (so views of the old buffer never alias the memory again).
   */
  replaceBuffer(): ArrayBuffer {
    if (!this.#reallocate(this.byteLength)) {
      throw new RangeError(`cannot allocate ${this.byteLength} bytes for the memory's buffer`);
    }
    this.#resize(this.byteLength);
    return this.buffer;
  }

  /**
   * Moves the memory into a new buffer of `capacity` bytes; false when the
   * host cannot allocate it. The old buffer is detached when it was
   * {@link exposed} (as a growing WebAssembly memory detaches its old
   * buffer); otherwise the garbage collector frees it.
   */
  #reallocate(capacity: number): boolean {
    let buffer: ArrayBuffer;
    try {
      buffer = new ArrayBuffer(capacity);
    } catch {
      return false;
    }
    new Uint8Array(buffer).set(this.bytes);
    const old = this.buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer };
    this.buffer = buffer;
    if (!this.exposed) return true;
    this.exposed = false;
    if (typeof old.transfer === "function") old.transfer(0);
    else if (typeof structuredClone === "function") {
      // Hosts before ArrayBuffer.prototype.transfer (Node 18-20) detach by transferring a clone.
      structuredClone(old, { transfer: [old] });
    }
    return true;
  }

  /** Points the views at the first `byteLength` bytes of the current buffer. */
  #resize(byteLength: number): void {
    this.byteLength = byteLength;
    this.view = new DataView(this.buffer, 0, byteLength);
    this.bytes = new Uint8Array(this.buffer, 0, byteLength);
  }
}

/** The largest table size a 32-bit index can address. */
export const MAX_TABLE_SIZE = 0xffffffff;

/**
 * A table of references: function instances, host values (externref) or
 * `null`.
 */
export class TableInstance {
  elements: unknown[];
  readonly type: RefType;
  /** The module's maximum, if any. */
  readonly declaredMax: number | undefined;
  /** The largest size `grow` may reach. */
  readonly maxSize: number;
  /** A 64-bit table (table64): i64 indices. */
  readonly address64: boolean;

  constructor(
    type: RefType,
    min: number,
    declaredMax: number | undefined,
    limit = 10_000_000,
    address64 = false,
  ) {
    this.type = type;
    this.address64 = address64;
    this.declaredMax = declaredMax;
    this.maxSize = Math.min(declaredMax ?? MAX_TABLE_SIZE, limit);
    this.elements = new Array(min).fill(null);
  }

  /** Grows by `delta` entries set to `init`; returns the old size or -1. */
  grow(delta: number, init: unknown): number {
    const old = this.elements.length;
    if (old + delta > this.maxSize) return -1;
    for (let i = 0; i < delta; i++) this.elements.push(init);
    return old;
  }
}

/**
 * A global variable. Numeric values are kept as bits in `bits` (i32/f32 in
 * word 0, i64/f64 in words 0-1 low first, v128 in words 0-3), references in
 * `ref`, so no value ever round-trips through a JS number.
 */
export class GlobalInstance {
  readonly type: ValType;
  readonly mutable: boolean;
  readonly bits: Int32Array = new Int32Array(4);
  ref: unknown = null;

  constructor(type: ValType, mutable: boolean) {
    this.type = type;
    this.mutable = mutable;
  }
}

/**
 * The register file's views, as the executor's helpers (rare ops, SIMD)
 * read them: a `Machine` without the rest of its state.
 */
export interface RegisterViews {
  readonly R: Int32Array;
  readonly F32: Float32Array;
  readonly F64: Float64Array;
  /** References, by slot (word offset >> 1). */
  readonly refs: unknown[];
  /** The callee of a `call_ref` (set by `call_ref_prepare`, read by the call that follows). */
  refCallee: unknown;
}

/** What a host function sees of the machine that calls it. */
export interface HostContext {
  /** The register file's words. */
  readonly R: Int32Array;
  /** References, by slot (word offset >> 1). */
  readonly refs: unknown[];
  /** True when the caller can await a Promise (`callAsync`). */
  readonly asyncMode: boolean;
  /** Suspends the call until `promise` settles; `complete` then writes the results. */
  suspend(promise: Promise<unknown>, complete: (value: unknown) => void): void;
}

/**
 * A host function as the executor calls it: it reads its arguments from the
 * register file at word `base` (references at slot `base >> 1`) and writes
 * its results back from `base` on. `caller` is the instance whose code made
 * the call (null when called from the API). It may throw, or suspend.
 */
export type HostCall = (m: HostContext, base: number, caller: InstanceState | null) => void;

/**
 * Hooks around calls of one function (function listeners): `enter` sees the
 * parameters at `base`, `exit` the results at `base`, `abort` the error
 * that unwound the call.
 */
export interface FunctionHooks {
  enter(m: HostContext, base: number): void;
  exit(m: HostContext, base: number): void;
  abort(error: unknown): void;
}

/**
 * `call_indirect`'s callee: entry `index` of `table`, which must be a
 * function whose interned type id is `typeId`; traps otherwise.
 */
export function tableCallee(table: TableInstance, index: number, typeId: number): FunctionInstance {
  const elements = table.elements;
  const i = index >>> 0;
  if (i >= elements.length) throw new RuntimeError("undefined element");
  const f = elements[i] as FunctionInstance | null;
  if (f === null) throw new RuntimeError(`uninitialized element ${i}`);
  if (f.typeId !== typeId && !isCanonSubtype(f.typeId, typeId)) {
    throw new RuntimeError("indirect call type mismatch");
  }
  return f;
}

/** A function: compiled wasm code of some instance, or a host function. */
export class FunctionInstance {
  readonly type: FuncType;
  /** Interned signature id: equal ids mean equal types (for `call_indirect`). */
  readonly typeId: number;
  /** For wasm functions: the register code. */
  readonly code: CompiledFunction | null;
  /** The instance the function belongs to (for wasm code: whose memories, globals... it uses). */
  readonly instance: InstanceState | null;
  /** For host functions: how to call them. */
  readonly host: HostCall | null;
  /**
   * `host !== null`, as a boolean: the interpreter loop branches on this
   * rather than on `code === null`. JavaScriptCore predicts a property's
   * type from the last values it sampled, so a host call after millions of
   * wasm calls met optimised code that assumed `code` was never null (five
   * exits, then the loop thrown away and optimised again); a boolean is a
   * boolean either way.
   */
  readonly isHost: boolean;
  /** A name for stack traces. */
  readonly debugName: string;
  /** Register words a host call needs at its base (the larger of params and results). */
  readonly hostWords: number;
  /** Listener hooks, when the runtime has a listener for this function. */
  listener: FunctionHooks | null = null;
  /**
   * How the structured tier's compiled code calls this function (see
   * `jit/adapters.ts`): its compiled code once it has some, else an adapter
   * to the interpreter or to the host function.
   */
  direct: DirectFunction = lazyDirect;
  /** The structured tier's compiled code, or null. */
  jit: DirectFunction | null = null;
  /** Calls {@link jit} from the interpreter's registers. */
  jitEntry: EntryAdapter | null = null;
  /** Calls so far while not compiled (the structured tier compiles hot functions). */
  jitHeat = 0;
  /**
   * Heat from its interpreted calls into compiled code, counted with
   * {@link jitHeat} toward the structured tier (`COMPILED_CALL_HEAT` in
   * `execute/executor.ts`); apart, so that `jitHeat` still tells how often
   * it was called.
   */
  compiledCallHeat = 0;
  /**
   * The {@link jitHeat} below which a call need not ask whether the function
   * is hot yet: the interpreter's call case tests only this, and the full
   * test (`Machine.heatReached` in `execute/executor.ts`) sets it. Lowered by
   * each call into compiled code (which adds {@link compiledCallHeat}), so it
   * never passes the point where the function is due: the structured tier
   * still compiles at exactly that call.
   */
  heatCheckAt = 0;
  /** Its loop entries bound to its instance (see `jit/compile.ts`), by the loop's byte offset. */
  loopEntries: Map<number, LoopEntry> | null = null;
  /**
   * The backward branch target at which a call of it last asked for a loop entry and found none
   * (`compileHot` in `execute/tier_policy.ts`), or -1.
   */
  loopMissAt = -1;

  constructor(
    type: FuncType,
    code: CompiledFunction | null,
    instance: InstanceState | null,
    host: HostCall | null,
    debugName: string,
  ) {
    this.type = type;
    this.typeId = internType(type);
    this.code = code;
    this.instance = instance;
    this.host = host;
    this.isHost = host !== null;
    this.debugName = debugName;
    this.hostWords = Math.max(registerWords(type.params), registerWords(type.results));
  }
}

/** Register words that values of `types` take. */
function registerWords(types: readonly ValType[]): number {
  let n = 0;
  for (let i = 0; i < types.length; i++) n += wordsOf(types[i]);
  return n;
}

/** What the code of one module instance refers to, by index. */
export interface InstanceState {
  functions: FunctionInstance[];
  memories: MemoryInstance[];
  tables: TableInstance[];
  globals: GlobalInstance[];
  /** Exception tags, imported ones first (exception handling). */
  tags: Tag[];
  /** Element segments' values; a dropped segment is empty. */
  elements: unknown[][];
  /** Data segments' bytes; a dropped segment is empty. */
  data: Uint8Array[];
  /** Interned type ids of the module's type section, for `call_indirect`. */
  typeIds: Int32Array;
  /** The API object of this instance (a `Module`), for host functions' `caller`. */
  owner: unknown;
  /**
   * Set when the module is closed with an exit code: running code stops with
   * ExitError. (Present from the start, as `undefined`: adding it on close
   * would change the object's hidden class under code a JIT specialised for
   * the old one.)
   */
  exitCode: number | undefined;
  /** The runtime's GC heap limit, which struct and array allocations are charged to (null: none). */
  gc: GcHeap | null;
}

/**
 * A new, empty instance state. Its arrays start in the element mode they
 * have once they hold objects, so that the states of a module without
 * memories (or globals, ...) and of one with them have the same hidden
 * classes: JavaScriptCore's optimised executor otherwise leaves its fastest
 * code when a call switches from one kind of module to the other.
 */
export function newInstanceState(typeIds: Int32Array): InstanceState {
  return {
    functions: objectArray(),
    memories: objectArray(),
    tables: objectArray(),
    globals: objectArray(),
    tags: objectArray(),
    elements: objectArray(),
    data: objectArray(),
    typeIds,
    owner: null,
    exitCode: undefined,
    gc: null,
  };
}

/** An empty array that has held an object (engines never turn it back into a number array). */
function objectArray<T>(): T[] {
  const array: T[] = [OBJECT_PLACEHOLDER as T];
  array.pop();
  return array;
}

const OBJECT_PLACEHOLDER = {};

/**
 * Returns the same small integer for equivalent types: the canonical type id
 * (see `lib/validate/type_canon.ts`) of a validated module's type, or of a
 * host signature (whose types are all abstract).
 */
export function internType(type: FuncType): number {
  return type.canonId ?? canonicalFuncId(type.params, type.results);
}
