/**
 * The GC heap's memory limit. Structs and arrays are JS objects that the
 * host's garbage collector reclaims (see `gc_heap.ts`); what this file adds
 * is a bound on how much of them wasm code can keep reachable, so that a
 * module allocating in a loop traps "out of memory" instead of exhausting
 * the host.
 *
 * Accounting is a counter and an exact trace, as a collector's heap limit
 * is: every allocation adds its counted size to `used` (one add and one
 * compare); when `used` would pass the limit, the heap traces everything
 * wasm can reach (the registers of the runtime's machines, the globals,
 * tables and element segments of its instances, transitively through
 * struct fields, array elements and exception payloads), and `used` becomes
 * the live size it found. Only if the live size plus the new object is
 * still over the limit does the allocation trap. The result depends on the
 * program alone, never on when the host's collector runs (JavaScript's
 * `FinalizationRegistry` reports reclamation only between tasks, so a
 * synchronous loop would see none of it, and at unpredictable times).
 *
 * The trace costs time proportional to the live heap; it runs only after
 * the program has allocated what was free after the previous trace, and a
 * trace that leaves less than 1/16 of the limit free traps at once, so a
 * program never traces on every allocation near the limit (as a JVM's "GC
 * overhead limit" does). Values the host holds (a struct returned to
 * JavaScript and kept there) are the host's and are not counted.
 *
 * @module
 */

import {
  ExternKind,
  HeapType,
  heapTypeOf,
  isRefType,
  typeIndexOf,
  TypeKind,
  type WasmModule,
} from "../binary/types.ts";
import { RuntimeError } from "../errors.ts";
import { WasmException } from "./exceptions.ts";
import {
  arrayBytes,
  ExternBox,
  OBJECT_BYTES,
  structBytes,
  WasmArray,
  WasmStruct,
} from "./gc_heap.ts";

/** What holds wasm references the heap traces: a machine's register file. */
export interface RefRoots {
  refs: unknown[];
}

/** What the heap traces of an instance: its globals, tables and element segments. */
export interface InstanceRoots {
  globals: { ref: unknown }[];
  tables: { elements: unknown[] }[];
  elements: unknown[][];
}

/** Bytes of a counted object (struct, array, box) found by the trace. */
function sizeOf(v: WasmStruct | WasmArray | ExternBox): number {
  if (v instanceof WasmStruct) return structBytes(v.f.length);
  if (v instanceof WasmArray) return arrayBytes(v.d);
  return OBJECT_BYTES;
}

/**
 * A runtime's GC heap limit: counts the bytes of what wasm allocates and
 * traps "out of memory" when what it keeps reachable would exceed `limit`.
 */
export class GcHeap {
  /** The limit, in counted bytes. */
  readonly limit: number;
  /** Live bytes at the last trace plus everything allocated since. */
  used = 0;
  /** Live bytes found by the last trace. */
  live = 0;
  /** Traces so far (for tests and curiosity). */
  traces = 0;
  /** The machines whose registers are roots (every machine the runtime made). */
  readonly machines: Set<RefRoots> = new Set();
  /** Instances whose globals, tables and segments are roots; dropped ones fall away. */
  #instances: WeakRef<InstanceRoots>[] = [];
  /** The length of `#instances` at which `addInstance` prunes it. */
  #pruneAt = 64;
  /** The mark of the current trace (objects carry the mark of the last trace that saw them). */
  #mark = 0;

  constructor(limit: number) {
    this.limit = limit;
  }

  /**
   * Makes an instance's globals, tables and element segments roots. Only
   * instances of modules that {@link canHoldGcObjects} need to be added.
   */
  addInstance(inst: InstanceRoots): void {
    // Dropped instances are pruned by traces, and here when they could pile up between traces.
    if (this.#instances.length >= this.#pruneAt) {
      this.#instances = this.#instances.filter((ref) => ref.deref() !== undefined);
      this.#pruneAt = Math.max(64, 2 * this.#instances.length);
    }
    this.#instances.push(new WeakRef(inst));
  }

  /** Counts an allocation of `bytes`; traps "out of memory" when it does not fit. */
  charge(bytes: number): void {
    if ((this.used += bytes) > this.limit) this.#collect(bytes);
  }

  #collect(bytes: number): void {
    this.used -= bytes;
    this.live = this.trace();
    this.used = this.live;
    const free = this.limit - this.live;
    if (free - bytes < this.limit / 16) {
      throw new RuntimeError(
        `out of memory: the GC heap holds ${this.live} bytes live; allocating ${bytes} more ` +
          `would leave less than 1/16 of its limit of ${this.limit} bytes (maxGcHeapBytes) free`,
      );
    }
    this.used += bytes;
  }

  /** Traces everything wasm can reach; returns its counted bytes. */
  trace(): number {
    this.traces++;
    const mark = ++this.#mark;
    const stack: unknown[] = [];
    let bytes = 0;
    const visit = (v: unknown) => {
      if (typeof v !== "object" || v === null) return;
      if (v instanceof WasmStruct || v instanceof WasmArray || v instanceof ExternBox) {
        if (v.mark === mark) return;
        v.mark = mark;
        bytes += sizeOf(v);
        if (!(v instanceof ExternBox)) stack.push(v);
      } else if (v instanceof WasmException) {
        stack.push(v.refs);
      }
    };
    const visitAll = (a: readonly unknown[]) => {
      for (let i = 0; i < a.length; i++) visit(a[i]);
    };
    for (const m of this.machines) visitAll(m.refs);
    const kept: WeakRef<InstanceRoots>[] = [];
    for (const ref of this.#instances) {
      const inst = ref.deref();
      if (inst === undefined) continue;
      kept.push(ref);
      for (const g of inst.globals) visit(g.ref);
      for (const t of inst.tables) visitAll(t.elements);
      for (const e of inst.elements) visitAll(e);
    }
    this.#instances = kept;
    while (stack.length > 0) {
      const v = stack.pop()!;
      if (v instanceof WasmStruct) visitAll(v.f);
      else if (v instanceof WasmArray) {
        if (Array.isArray(v.d)) visitAll(v.d);
      } else visitAll(v as unknown[]);
    }
    return bytes;
  }
}

/**
 * True when instances of `m` can hold GC objects (structs, arrays, boxed
 * host values, exceptions) in their globals, tables or element segments:
 * one of those, defined or imported, has a reference type outside the
 * function hierarchy. Other instances are no roots, and are not registered:
 * a WeakRef for every instance made instantiation ten times slower.
 */
export function canHoldGcObjects(m: WasmModule): boolean {
  const holds = (t: number): boolean => {
    if (!isRefType(t)) return false;
    const heap = heapTypeOf(t);
    const index = typeIndexOf(heap);
    if (index >= 0) return (m.types[index]?.kind ?? TypeKind.func) !== TypeKind.func;
    return heap !== HeapType.func && heap !== HeapType.nofunc;
  };
  for (const imp of m.imports) {
    const d = imp.desc;
    if (d.kind === ExternKind.global && holds(d.type.type)) return true;
    if (d.kind === ExternKind.table && holds(d.type.element)) return true;
  }
  return m.globals.some((g) => holds(g.type.type)) ||
    m.tables.some((t) => holds(t.element)) ||
    m.elements.some((e) => holds(e.type));
}
