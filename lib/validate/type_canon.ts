/**
 * Iso-recursive type canonicalisation and subtyping (WebAssembly 3.0).
 *
 * Every rec group of every module is interned in one process-wide registry:
 * two rec groups that are structurally the same (references inside the group
 * compared by their position in it, references outside by canonical id) get
 * the same canonical ids, so type equivalence across modules is a number
 * comparison. A *canonical* value type uses the encoding of `ValType` with the
 * concrete index being a canonical id instead of a module's type index; the
 * runtime (casts, `call_indirect`, import matching) works on canonical types.
 *
 * Function types alone in their rec group, final and without a supertype
 * (every 2.0 type) are keyed exactly like the host's signatures, so a host
 * function and a wasm function of the same signature share their id.
 *
 * @module
 */

import {
  CONCRETE_BASE,
  concreteHeapType,
  type FieldType,
  type FuncType,
  HeapType,
  heapTypeOf,
  isNullable,
  isRefType,
  refType,
  typeIndexOf,
  TypeKind,
} from "../binary/types.ts";

/** A canonical type: the definition with canonical value types, and its place in the subtype tree. */
export interface CanonType {
  kind: number;
  params: number[];
  results: number[];
  fields: FieldType[];
  final: boolean;
  /** Canonical ids of the supertype chain, root first, this type last. */
  supers: Int32Array;
}

const registry = new Map<string, number>();
/** Canonical types by canonical id. */
export const CANON_TYPES: CanonType[] = [];

const EMPTY_SUPERS = new Int32Array(0);

/** The key of a type alone in its group, final, no supertype, whose types are canonical. */
function plainFuncKey(params: readonly number[], results: readonly number[]): string {
  return `${params.join(",")}:${results.join(",")}`;
}

/**
 * The canonical id of a function type given with canonical value types, as a
 * final type alone in its rec group (host function signatures).
 */
export function canonicalFuncId(params: readonly number[], results: readonly number[]): number {
  const key = plainFuncKey(params, results);
  let id = registry.get(key);
  if (id === undefined) {
    id = CANON_TYPES.length;
    registry.set(key, id);
    CANON_TYPES.push({
      kind: TypeKind.func,
      params: params.slice(),
      results: results.slice(),
      fields: [],
      final: true,
      supers: Int32Array.of(id),
    });
  }
  return id;
}

/**
 * Canonicalises the types of a module (in order, group by group) and returns
 * the canonical id of each type index. Also records it on each type as
 * `canonId`. Types must already have valid indices (checked by the caller
 * before each group: references only to earlier groups or inside the group).
 */
export function canonicalizeGroup(types: readonly FuncType[], start: number, ids: number[]): void {
  const first = types[start];
  const size = first.recSize ?? 1;
  const end = start + size;
  const ref = (t: number): string => {
    if (!isRefType(t) || t < CONCRETE_BASE) return String(t);
    const i = typeIndexOf(t);
    const n = isNullable(t) ? "n" : "";
    return i >= start && i < end ? `r${i - start}${n}` : `c${ids[i]}${n}`;
  };
  const plain = size === 1 && (first.kind ?? TypeKind.func) === TypeKind.func &&
    first.final !== false && first.supertype === undefined;
  const selfRef = plain &&
    [...first.params, ...first.results].some((t) => typeIndexOf(t) === start);
  let key: string;
  if (plain && !selfRef) {
    const toCanon = (t: number) => canonOf(t, ids);
    key = plainFuncKey(first.params.map(toCanon), first.results.map(toCanon));
  } else {
    key = "g";
    for (let i = start; i < end; i++) key += typeKey(types[i], ref) + ";";
  }
  let base = registry.get(key);
  if (base === undefined) {
    base = CANON_TYPES.length;
    registry.set(key, base);
    for (let i = start; i < end; i++) ids[i] = base + i - start;
    for (let i = start; i < end; i++) {
      const t = types[i];
      const toCanon = (v: number) => canonOf(v, ids);
      const sup = t.supertype === undefined ? -1 : ids[t.supertype];
      const id = ids[i];
      const parent = sup >= 0 ? CANON_TYPES[sup].supers : EMPTY_SUPERS;
      const supers = new Int32Array(parent.length + 1);
      supers.set(parent);
      supers[parent.length] = id;
      CANON_TYPES[id] = {
        kind: t.kind ?? TypeKind.func,
        params: t.params.map(toCanon),
        results: t.results.map(toCanon),
        fields: (t.fields ?? []).map((f) => ({ type: toCanon(f.type), mutable: f.mutable })),
        final: t.final !== false,
        supers,
      };
    }
  } else {
    for (let i = start; i < end; i++) ids[i] = base + i - start;
  }
  for (let i = start; i < end; i++) types[i].canonId = ids[i];
}

function typeKey(t: FuncType, ref: (t: number) => string): string {
  const sup = t.supertype === undefined ? "" : ref(concreteHeapType(t.supertype));
  const fields = (t.fields ?? []).map((f) => ref(f.type) + (f.mutable ? "m" : "")).join(",");
  return `${t.kind ?? 0}${t.final === false ? "o" : "f"}<${sup}>(${t.params.map(ref).join(",")}:${
    t.results.map(ref).join(",")
  })[${fields}]`;
}

/** The canonical form of a module's value type, given the module's canonical ids. */
export function canonOf(t: number, ids: readonly number[]): number {
  if (t < CONCRETE_BASE) return t;
  return refType(concreteHeapType(ids[typeIndexOf(t)]), isNullable(t));
}

/** True when canonical type `a` is `b` or one of its subtypes. */
export function isCanonSubtype(a: number, b: number): boolean {
  if (a === b) return true;
  const sa = CANON_TYPES[a].supers, sb = CANON_TYPES[b].supers;
  return sa.length > sb.length && sa[sb.length - 1] === b;
}

/** The abstract top of a canonical heap type: any, func, extern or exn. */
export function heapTop(h: number): number {
  if (h >= CONCRETE_BASE) {
    return CANON_TYPES[typeIndexOf(h)].kind === TypeKind.func ? HeapType.func : HeapType.any;
  }
  switch (h) {
    case HeapType.func:
    case HeapType.nofunc:
      return HeapType.func;
    case HeapType.extern:
    case HeapType.noextern:
      return HeapType.extern;
    case HeapType.exn:
    case HeapType.noexn:
      return HeapType.exn;
    default:
      return HeapType.any;
  }
}

/** The bottom heap type below canonical heap type `h`: none, nofunc, noextern or noexn. */
export function heapBottom(h: number): number {
  switch (heapTop(h)) {
    case HeapType.func:
      return HeapType.nofunc;
    case HeapType.extern:
      return HeapType.noextern;
    case HeapType.exn:
      return HeapType.noexn;
    default:
      return HeapType.none;
  }
}

/** Heap subtyping on canonical heap types. */
export function heapMatches(h1: number, h2: number): boolean {
  if (h1 === h2) return true;
  if (h1 >= CONCRETE_BASE) {
    const k = CANON_TYPES[typeIndexOf(h1)].kind;
    if (h2 >= CONCRETE_BASE) return isCanonSubtype(typeIndexOf(h1), typeIndexOf(h2));
    switch (h2) {
      case HeapType.any:
      case HeapType.eq:
        return k !== TypeKind.func;
      case HeapType.struct:
        return k === TypeKind.struct;
      case HeapType.array:
        return k === TypeKind.array;
      case HeapType.func:
        return k === TypeKind.func;
    }
    return false;
  }
  if (h2 >= CONCRETE_BASE) {
    const k = CANON_TYPES[typeIndexOf(h2)].kind;
    return k === TypeKind.func ? h1 === HeapType.nofunc : h1 === HeapType.none;
  }
  switch (h2) {
    case HeapType.any:
      return h1 === HeapType.eq || h1 === HeapType.i31 || h1 === HeapType.struct ||
        h1 === HeapType.array || h1 === HeapType.none;
    case HeapType.eq:
      return h1 === HeapType.i31 || h1 === HeapType.struct || h1 === HeapType.array ||
        h1 === HeapType.none;
    case HeapType.i31:
    case HeapType.struct:
    case HeapType.array:
      return h1 === HeapType.none;
    case HeapType.func:
      return h1 === HeapType.nofunc;
    case HeapType.extern:
      return h1 === HeapType.noextern;
    case HeapType.exn:
      return h1 === HeapType.noexn;
  }
  return false;
}

/** Value subtyping on canonical value types (0, the validator's unknown type, matches all). */
export function canonMatches(t1: number, t2: number): boolean {
  if (t1 === t2 || t1 === 0) return true;
  if (!isRefType(t1) || !isRefType(t2)) return false;
  if (isNullable(t1) && !isNullable(t2)) return false;
  return heapMatches(heapTypeOf(t1), heapTypeOf(t2));
}

/** True when canonical field `sub` may replace `sup` in a subtype. */
function fieldMatches(sub: FieldType, sup: FieldType): boolean {
  if (sub.mutable !== sup.mutable) return false;
  return sup.mutable ? sub.type === sup.type : canonMatches(sub.type, sup.type);
}

/** True when canonical type `sub`'s definition matches `sup`'s (for a declared supertype). */
export function defMatches(sub: CanonType, sup: CanonType): boolean {
  if (sub.kind !== sup.kind) return false;
  if (sub.kind === TypeKind.func) {
    if (sub.params.length !== sup.params.length || sub.results.length !== sup.results.length) {
      return false;
    }
    for (let i = 0; i < sub.params.length; i++) {
      if (!canonMatches(sup.params[i], sub.params[i])) return false;
    }
    for (let i = 0; i < sub.results.length; i++) {
      if (!canonMatches(sub.results[i], sup.results[i])) return false;
    }
    return true;
  }
  if (sub.fields.length < sup.fields.length) return false;
  if (sub.kind === TypeKind.array && sub.fields.length !== sup.fields.length) return false;
  for (let i = 0; i < sup.fields.length; i++) {
    if (!fieldMatches(sub.fields[i], sup.fields[i])) return false;
  }
  return true;
}
