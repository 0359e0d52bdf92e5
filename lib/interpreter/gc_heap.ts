/**
 * The GC heap: structs, arrays, i31 references and internalised host
 * references as plain JS values, so the host's garbage collector reclaims
 * them. What each reference value is at run time:
 *
 * - a struct: a {@link WasmStruct} (its canonical type id and its fields);
 * - an array: a {@link WasmArray} (its canonical type id and a typed array
 *   of its elements, or a JS array for references);
 * - an i31: a JS number, the signed 31-bit value (nothing else in the `any`
 *   hierarchy is a number: host values are boxed on the way in);
 * - a host value converted to `any` (`any.convert_extern`): an
 *   {@link ExternBox}, unless it is one of the above (a struct handed out as
 *   `externref` comes back as itself);
 * - a function: its `FunctionInstance`; `null` is null in every hierarchy.
 *
 * Field and element values are kept as register words: i32, f32 and packed
 * fields one int32 (packed ones masked), i64 and f64 two, v128 four.
 *
 * @module
 */

import { RuntimeError } from "../errors.ts";
import {
  CONCRETE_BASE,
  HeapType,
  heapTypeOf,
  isNullable,
  PackedType,
  typeIndexOf,
  ValType,
} from "../binary/types.ts";
import { CANON_TYPES, isCanonSubtype } from "../validate/type_canon.ts";
import { FunctionInstance } from "./instances.ts";
import type { GcHeap } from "./gc_accounting.ts";

/** Counted bytes of every heap object besides its fields or elements (see `gc_accounting.ts`). */
export const OBJECT_BYTES = 32;
/** Counted bytes of a struct field word or a reference element. */
export const WORD_BYTES = 8;

/** The counted size of a struct of `words` field words. */
export function structBytes(words: number): number {
  return OBJECT_BYTES + WORD_BYTES * words;
}

/** The counted size of an array's storage (typed bytes, or a word per reference). */
export function arrayBytes(d: ArrayLike<unknown> & { byteLength?: number }): number {
  return OBJECT_BYTES + (d.byteLength ?? WORD_BYTES * d.length);
}

/** A struct instance. */
export class WasmStruct {
  /** The canonical type id. */
  readonly t: number;
  /** Field words (see the module documentation); laid out by {@link structLayout}. */
  readonly f: unknown[];
  /** The mark of the last heap trace that reached it (`gc_accounting.ts`). */
  mark = 0;
  constructor(t: number, f: unknown[]) {
    this.t = t;
    this.f = f;
  }
}

/** Array element storage: a typed array of words or bytes, or a JS array of references. */
export type ArrayData = Uint8Array | Uint16Array | Int32Array | unknown[];

/** An array instance. */
export class WasmArray {
  /** The canonical type id. */
  readonly t: number;
  /** Number of elements. */
  readonly length: number;
  /** Elements: `words` per element in a typed array, or references. */
  readonly d: ArrayData;
  /** The mark of the last heap trace that reached it (`gc_accounting.ts`). */
  mark = 0;
  constructor(t: number, length: number, d: ArrayData) {
    this.t = t;
    this.length = length;
    this.d = d;
  }
}

/** A host value inside the `any` hierarchy (`any.convert_extern` of a non-GC value). */
export class ExternBox {
  readonly value: unknown;
  /** The mark of the last heap trace that reached it (`gc_accounting.ts`). */
  mark = 0;
  constructor(value: unknown) {
    this.value = value;
  }
}

/** Storage kinds of fields and elements. */
export const Kind = { w32: 0, w64: 1, v128: 2, ref: 3, i8: 4, i16: 5 } as const;

/** The storage kind of a storage type. */
export function kindOf(t: number): number {
  switch (t) {
    case ValType.i32:
    case ValType.f32:
      return Kind.w32;
    case ValType.i64:
    case ValType.f64:
      return Kind.w64;
    case ValType.v128:
      return Kind.v128;
    case PackedType.i8:
      return Kind.i8;
    case PackedType.i16:
      return Kind.i16;
    default:
      return Kind.ref;
  }
}

/** Words a kind takes in a struct's field array (and in an array's typed storage). */
const KIND_WORDS = [1, 2, 4, 1, 1, 1];
/** Register words a value of each kind takes (every slot is two words; v128 four). */
const KIND_REG_WORDS = [2, 2, 4, 2, 2, 2];

/** Where each field of a struct type lives. */
export interface StructLayout {
  kinds: Int32Array;
  /** Index of each field's first word in {@link WasmStruct.f}. */
  offsets: Int32Array;
  /** Register offset of each field's value when the fields are operands in a row. */
  regs: Int32Array;
  size: number;
}

const layouts = new Map<number, StructLayout>();

/** The layout of canonical struct type `t` (computed once). */
export function structLayout(t: number): StructLayout {
  let l = layouts.get(t);
  if (l !== undefined) return l;
  const fields = CANON_TYPES[t].fields;
  const kinds = new Int32Array(fields.length);
  const offsets = new Int32Array(fields.length);
  const regs = new Int32Array(fields.length);
  let size = 0, reg = 0;
  fields.forEach((f, i) => {
    kinds[i] = kindOf(f.type);
    offsets[i] = size;
    regs[i] = reg;
    size += KIND_WORDS[kinds[i]];
    reg += KIND_REG_WORDS[kinds[i]];
  });
  l = { kinds, offsets, regs, size };
  layouts.set(t, l);
  return l;
}

/** The storage kind of canonical array type `t`'s elements. */
export function arrayKind(t: number): number {
  return kindOf(CANON_TYPES[t].fields[0].type);
}

/** Words one element of a kind takes in the array's typed storage. */
export function elementWords(kind: number): number {
  return KIND_WORDS[kind];
}

/** The largest array the heap allocates, in bytes of element storage. */
export const MAX_ARRAY_BYTES = 1 << 30;

/**
 * Allocates the storage of an array of `n` elements of a kind (zeroed, or
 * null references), charging it to `heap` (which may trap "out of memory").
 */
export function newArrayData(kind: number, n: number, heap: GcHeap | null): ArrayData {
  const bytes = kind === Kind.i8 ? n : kind === Kind.i16 ? 2 * n : 4 * KIND_WORDS[kind] * n;
  if (bytes > MAX_ARRAY_BYTES) {
    throw new RuntimeError(
      `out of memory: an array of ${n} elements (${bytes} bytes) exceeds the heap's limit of ${MAX_ARRAY_BYTES} bytes per array`,
    );
  }
  heap?.charge(OBJECT_BYTES + (kind === Kind.ref ? WORD_BYTES * n : bytes));
  switch (kind) {
    case Kind.i8:
      return new Uint8Array(n);
    case Kind.i16:
      return new Uint16Array(n);
    case Kind.ref:
      return new Array(n).fill(null);
    default:
      return new Int32Array(KIND_WORDS[kind] * n);
  }
}

/** A new struct of canonical type `t` with field words `f`, charged to `heap`. */
export function newStruct(t: number, f: unknown[], heap: GcHeap | null): WasmStruct {
  heap?.charge(structBytes(f.length));
  return new WasmStruct(t, f);
}

/** `any.convert_extern`: a host value into the `any` hierarchy. */
export function internalize(v: unknown): unknown {
  if (v === null || v instanceof WasmStruct || v instanceof WasmArray) return v;
  if (typeof v === "number" && Number.isInteger(v) && v >= -0x40000000 && v < 0x40000000) {
    return v; // an i31 handed out as externref (or a small integer, as the JS API makes it)
  }
  return new ExternBox(v);
}

/** `extern.convert_any`: an `any` reference into the `extern` hierarchy. */
export function externalize(v: unknown): unknown {
  return v instanceof ExternBox ? v.value : v;
}

/**
 * True when reference `v` is of canonical reference type `t` (`ref.test`).
 * The validator guarantees that `v` is in `t`'s hierarchy.
 */
export function refTest(v: unknown, t: number): boolean {
  if (v === null) return isNullable(t);
  const ht = heapTypeOf(t);
  if (ht >= CONCRETE_BASE) {
    const id = typeIndexOf(ht);
    if (v instanceof WasmStruct || v instanceof WasmArray) return isCanonSubtype(v.t, id);
    if (v instanceof FunctionInstance) return isCanonSubtype(v.typeId, id);
    return false;
  }
  switch (ht) {
    case HeapType.eq:
      return v instanceof WasmStruct || v instanceof WasmArray || typeof v === "number";
    case HeapType.i31:
      return typeof v === "number";
    case HeapType.struct:
      return v instanceof WasmStruct;
    case HeapType.array:
      return v instanceof WasmArray;
    case HeapType.none:
    case HeapType.nofunc:
    case HeapType.noextern:
    case HeapType.noexn:
      return false;
    default: // any, func, extern, exn: every non-null value of the hierarchy
      return true;
  }
}
