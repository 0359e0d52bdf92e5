/**
 * The validation context `C` of the spec: a module's index spaces flattened
 * so that imported and defined entities are looked up alike. Built once per
 * module and shared by the module validator, every function validation and
 * (later) the interpreter's translator.
 *
 * @module
 */

import {
  ExternKind,
  type FuncType,
  type GlobalType,
  type MemoryType,
  type RefType,
  type TableType,
  type WasmModule,
} from "../binary/types.ts";
import { Op } from "../binary/opcodes.ts";
import {
  CONCRETE_BASE,
  concreteHeapType,
  type ConstExpr,
  refType,
  typeIndexOf,
} from "../binary/types.ts";
import { canonMatches, canonOf } from "./type_canon.ts";

/** A module's index spaces, as the validator sees them. */
export interface ModuleContext {
  /** The module being validated. */
  readonly module: WasmModule;
  /** The type section. */
  readonly types: readonly FuncType[];
  /**
   * Type index of every function, imported ones first. An out-of-range type
   * index is reported by the module validator before any lookup goes through
   * this array.
   */
  readonly funcTypeIndices: readonly number[];
  /** Every global's type, imported ones first. */
  readonly globals: readonly GlobalType[];
  /** Every table's type, imported ones first. */
  readonly tables: readonly TableType[];
  /** Number of memories, imported ones included. */
  readonly memoryCount: number;
  /** Every memory's type, imported ones first. */
  readonly memories: readonly MemoryType[];
  /**
   * True when some memory or table has 64-bit addresses (memory64), so
   * memory and table instructions may take i64 operands.
   */
  readonly address64: boolean;
  /** Reference type of each element segment. */
  readonly elemTypes: readonly RefType[];
  /** Type index of every tag, imported ones first (exception handling). */
  readonly tagTypeIndices: readonly number[];
  /** Value of the data count section; `undefined` when it is absent. */
  readonly dataCount: number | undefined;
  /**
   * `C.refs`: 1 for each function index that `ref.func` may name inside a
   * function body, i.e. that occurs outside function bodies and the start
   * section (element segments, exports, global initialisers).
   */
  readonly declaredRefs: Uint8Array;
  /** Canonical type id of each type index (filled by the module validator's type checks). */
  readonly canonIds: number[];
}

/** True when value type `t1` (of the module) is a subtype of `t2` (0, unknown, matches all). */
export function matches(ctx: ModuleContext, t1: number, t2: number): boolean {
  if (t1 === t2 || t1 === 0) return true;
  if (t1 < 0x100 && t2 < 0x100 && (t1 > 0x74 || t2 > 0x74)) return false;
  return canonMatches(canonOf(t1, ctx.canonIds), canonOf(t2, ctx.canonIds));
}

/** The type of `ref.func f`: `(ref $t)` of the function's type. */
export function funcRefType(ctx: ModuleContext, f: number): number {
  return refType(concreteHeapType(ctx.funcTypeIndices[f]), false);
}

/** True when `t` names only types that exist (a concrete reference's index is in range). */
export function typeExists(ctx: ModuleContext, t: number): boolean {
  return t < CONCRETE_BASE || typeIndexOf(t) < ctx.types.length;
}

/** Builds the validation context of a module; checks nothing. */
export function buildContext(module: WasmModule): ModuleContext {
  const funcTypeIndices: number[] = [];
  const globals: GlobalType[] = [];
  const tables: TableType[] = [];
  const memories: MemoryType[] = [];
  const tagTypeIndices: number[] = [];
  for (const imp of module.imports) {
    const d = imp.desc;
    if (d.kind === ExternKind.func) funcTypeIndices.push(d.typeIndex);
    else if (d.kind === ExternKind.table) tables.push(d.type);
    else if (d.kind === ExternKind.memory) memories.push(d.type);
    else if (d.kind === ExternKind.tag) tagTypeIndices.push(d.typeIndex);
    else globals.push(d.type);
  }
  for (const t of module.tags) tagTypeIndices.push(t);
  for (const t of module.functions) funcTypeIndices.push(t);
  for (const t of module.tables) tables.push(t);
  for (const g of module.globals) globals.push(g.type);
  for (const m of module.memories) memories.push(m);
  const memoryCount = memories.length;
  const address64 = memories.some((m) => m.limits.address64 === true) ||
    tables.some((t) => t.limits.address64 === true);

  const declaredRefs = new Uint8Array(funcTypeIndices.length);
  const declare = (e: ConstExpr | undefined) => {
    if (e === undefined) return;
    for (const ins of e.instructions) {
      if (ins.op === Op.ref_func && ins.a < declaredRefs.length) declaredRefs[ins.a] = 1;
    }
  };
  for (const g of module.globals) declare(g.init);
  for (const t of module.tables) declare(t.init);
  for (const seg of module.elements) {
    declare(seg.offsetExpr);
    for (const item of seg.items) declare(item);
  }
  for (const seg of module.data) declare(seg.offsetExpr);
  for (const ex of module.exports) {
    if (ex.kind === ExternKind.func && ex.index < declaredRefs.length) declaredRefs[ex.index] = 1;
  }

  return {
    module,
    types: module.types,
    funcTypeIndices,
    globals,
    tables,
    memoryCount,
    memories,
    address64,
    elemTypes: module.elements.map((e) => e.type),
    tagTypeIndices,
    dataCount: module.dataCount,
    declaredRefs,
    canonIds: [],
  };
}
