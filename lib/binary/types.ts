/**
 * The decoded form of a WebAssembly 2.0 module: plain data, produced by
 * {@link decodeModule} and consumed by the validator, the interpreter's
 * translator and the runtime. Nothing here executes code.
 *
 * Index spaces follow the spec: imported entities come first, then the ones
 * the module defines. Numbers that the binary format encodes as u32 (limits,
 * offsets, indices) are JS numbers in the range 0..2^32-1.
 *
 * @module
 */

import type { Features } from "./features.ts";

/**
 * Value types, numbered by their binary encoding. Every value type is a JS
 * number so that type checks stay number comparisons:
 * - numeric and vector types, and the abstract nullable reference types
 *   (`funcref`, `anyref` ...), are their binary code (< 0x100);
 * - a non-nullable abstract reference `(ref ht)` is `0x100 | code(ht)`;
 * - a concrete reference `(ref null? $i)` is `0x200 + 2i`, plus 1 when it is
 *   non-nullable (see {@link refType}, {@link heapTypeOf}, {@link isNullable}).
 *
 * A heap type is a number too: an abstract heap type is its code
 * ({@link HeapType}), a concrete one `0x200 + 2i` (its nullable reference type).
 */
export const ValType = {
  i32: 0x7f,
  i64: 0x7e,
  f32: 0x7d,
  f64: 0x7c,
  v128: 0x7b,
  funcref: 0x70,
  externref: 0x6f,
  anyref: 0x6e,
  eqref: 0x6d,
  i31ref: 0x6c,
  structref: 0x6b,
  arrayref: 0x6a,
  exnref: 0x69,
  nullfuncref: 0x73,
  nullexternref: 0x72,
  nullref: 0x71,
  nullexnref: 0x74,
} as const;

/** A value type (see {@link ValType} for the numbering). */
export type ValType = number;

/** A reference type: any reference value type. */
export type RefType = number;

/** Abstract heap types by their binary code (the code of their nullable reference type). */
export const HeapType = {
  func: 0x70,
  extern: 0x6f,
  any: 0x6e,
  eq: 0x6d,
  i31: 0x6c,
  struct: 0x6b,
  array: 0x6a,
  exn: 0x69,
  nofunc: 0x73,
  noextern: 0x72,
  none: 0x71,
  noexn: 0x74,
} as const;

/** Bit that makes an abstract reference type non-nullable. */
export const NON_NULL_ABSTRACT = 0x100;
/** First code of the concrete reference types. */
export const CONCRETE_BASE = 0x200;
/** Packed storage types of struct fields and array elements. */
export const PackedType = { i8: 0x78, i16: 0x77 } as const;

const ABSTRACT_NAMES: Record<number, string> = {
  0x70: "func",
  0x6f: "extern",
  0x6e: "any",
  0x6d: "eq",
  0x6c: "i31",
  0x6b: "struct",
  0x6a: "array",
  0x69: "exn",
  0x73: "nofunc",
  0x72: "noextern",
  0x71: "none",
  0x74: "noexn",
};

/** The short names of the abstract nullable reference types (`nullref` for `(ref null none)` ...). */
const REF_TYPE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(ValType).filter(([, code]) => code < 0x75).map(([name, code]) => [code, name]),
);

/** True when `code` is the binary code of an abstract heap type. */
export function isAbstractHeapType(code: number): boolean {
  return code >= 0x69 && code <= 0x74;
}

/** The reference type `(ref null? ht)` of a heap type (abstract code or `0x200 + 2i`). */
export function refType(heapType: number, nullable: boolean): RefType {
  if (heapType >= CONCRETE_BASE) return nullable ? heapType : heapType + 1;
  return nullable ? heapType : heapType | NON_NULL_ABSTRACT;
}

/** The heap type of a concrete type index. */
export function concreteHeapType(typeIndex: number): number {
  return CONCRETE_BASE + 2 * typeIndex;
}

/** The heap type of reference type `t`. */
export function heapTypeOf(t: RefType): number {
  if (t >= CONCRETE_BASE) return t & 1 ? t - 1 : t;
  return t & 0xff;
}

/** The type index of a concrete heap or reference type, else -1. */
export function typeIndexOf(t: number): number {
  return t >= CONCRETE_BASE ? (t - CONCRETE_BASE) >>> 1 : -1;
}

/** True for reference types that admit null. */
export function isNullable(t: RefType): boolean {
  return t < NON_NULL_ABSTRACT || (t >= CONCRETE_BASE && (t & 1) === 0);
}

/** `t` made nullable (`(ref null ht)`). */
export function asNullable(t: RefType): RefType {
  return refType(heapTypeOf(t), true);
}

/** `t` made non-nullable (`(ref ht)`). */
export function asNonNull(t: RefType): RefType {
  return refType(heapTypeOf(t), false);
}

/** True when `t` is a reference type. */
export function isRefType(t: number): boolean {
  return t >= NON_NULL_ABSTRACT || isAbstractHeapType(t);
}

/** True for value types that have a default value (all but non-nullable references). */
export function isDefaultable(t: number): boolean {
  return !isRefType(t) || isNullable(t);
}

/** The text of a heap type: `func`, `$3` ... */
export function heapTypeName(ht: number): string {
  return ht >= CONCRETE_BASE
    ? String(typeIndexOf(ht))
    : ABSTRACT_NAMES[ht] ?? `<heap 0x${ht.toString(16)}>`;
}

/** The text name of each value type: `i32`, `funcref`, `(ref null 3)`, `(ref any)` ... */
export function valTypeName(t: number): string {
  switch (t) {
    case ValType.i32:
      return "i32";
    case ValType.i64:
      return "i64";
    case ValType.f32:
      return "f32";
    case ValType.f64:
      return "f64";
    case ValType.v128:
      return "v128";
    case PackedType.i8:
      return "i8";
    case PackedType.i16:
      return "i16";
  }
  if (isAbstractHeapType(t)) return REF_TYPE_NAMES[t];
  if (isRefType(t)) {
    return `(ref ${isNullable(t) ? "null " : ""}${heapTypeName(heapTypeOf(t))})`;
  }
  return `<type 0x${t.toString(16)}>`;
}

/** Value types by their text name (`"i32"` → 0x7f ...). */
export const VALTYPE_BY_NAME: Readonly<Record<string, ValType>> = ValType;

/** Kinds of composite types. */
export const TypeKind = { func: 0, struct: 1, array: 2 } as const;

/** A struct field or array element: a value type or packed type, and its mutability. */
export interface FieldType {
  /** A value type, or {@link PackedType} i8/i16. */
  type: number;
  mutable: boolean;
}

/**
 * A type definition. Named after its commonest kind: a function signature
 * (`params`, `results`); struct and array types (GC) have empty signatures
 * and their `fields` instead. The optional parts default to what 2.0 types
 * are: a final function type with no supertype, alone in its rec group.
 */
export interface FuncType {
  /** The parameter types. */
  params: ValType[];
  /** The result types. */
  results: ValType[];
  /** {@link TypeKind}; absent means func. */
  kind?: number;
  /** Struct fields, or the single element type of an array. */
  fields?: FieldType[];
  /** Declared supertype index (at most one), if any. */
  supertype?: number;
  /** False for `sub` without `final`; absent means final. */
  final?: boolean;
  /** Index of the first type of this type's rec group, and the group's size (absent: alone). */
  recStart?: number;
  recSize?: number;
  /** The canonical type id (see `lib/validate/type_canon.ts`), set when the module is validated. */
  canonId?: number;
}

/** Size limits of a table (in elements) or memory (in 64 KiB pages). */
export interface Limits {
  min: number;
  /** Absent when the module sets no maximum. */
  max?: number;
  /** A shared memory (threads); absent or false otherwise. Tables are never shared. */
  shared?: boolean;
  /**
   * True for a 64-bit memory or table (memory64, table64): i64 addresses,
   * and limits up to 2^64 - 1 (held as numbers, exact up to 2^53).
   */
  address64?: boolean;
}

/** The type of a table. */
export interface TableType {
  element: RefType;
  limits: Limits;
  /** The initialiser of a defined table's elements (3.0), else null. */
  init?: ConstExpr;
}

/** The type of a linear memory. */
export interface MemoryType {
  limits: Limits;
}

/** The type of a global variable. */
export interface GlobalType {
  type: ValType;
  mutable: boolean;
}

/** The four kinds of importable and exportable entities, by binary code. */
export const ExternKind = {
  func: 0,
  table: 1,
  memory: 2,
  global: 3,
  /** An exception tag (exception handling). */
  tag: 4,
} as const;

/** One of the codes in {@link ExternKind}. */
export type ExternKind = typeof ExternKind[keyof typeof ExternKind];

/** The text name of an {@link ExternKind}. */
export function externKindName(kind: ExternKind): string {
  return ["func", "table", "memory", "global", "tag"][kind];
}

/** What an import brings in. */
export type ImportDesc =
  | { kind: typeof ExternKind.func; typeIndex: number }
  | { kind: typeof ExternKind.table; type: TableType }
  | { kind: typeof ExternKind.memory; type: MemoryType }
  | { kind: typeof ExternKind.global; type: GlobalType }
  | { kind: typeof ExternKind.tag; typeIndex: number };

/** An import: the entity named `name` of module `module`. */
export interface Import {
  module: string;
  name: string;
  desc: ImportDesc;
  /** Byte offset of the import entry, for error messages. */
  offset: number;
}

/** An export of the entity `index` of the given kind's index space. */
export interface Export {
  name: string;
  kind: ExternKind;
  index: number;
  offset: number;
}

/**
 * One decoded instruction of a constant expression. The fields used depend
 * on the opcode, exactly as in {@link Instruction}.
 */
export interface ConstInstruction {
  op: number;
  offset: number;
  a: number;
  b: number;
  /** The 16 bytes of a `v128.const`, else absent. */
  v128?: Uint8Array;
}

/**
 * A constant expression (global initialisers, segment offsets, element
 * items): its instructions without the final `end`.
 */
export interface ConstExpr {
  instructions: ConstInstruction[];
  /** Byte offset of the first instruction. */
  offset: number;
}

/** A global defined by the module. */
export interface Global {
  type: GlobalType;
  init: ConstExpr;
}

/** How a segment is used at instantiation. */
export type SegmentMode = "active" | "passive" | "declarative";

/** An element segment, in any of its eight binary encodings. */
export interface ElementSegment {
  mode: SegmentMode;
  /** The table an active segment writes to. */
  table: number;
  /** Where an active segment starts writing. */
  offsetExpr?: ConstExpr;
  type: RefType;
  /**
   * The items: each a constant expression (the function-index encodings are
   * decoded into `ref.func` expressions so that every segment looks alike).
   */
  items: ConstExpr[];
  offset: number;
}

/** A data segment, in any of its three binary encodings. */
export interface DataSegment {
  mode: "active" | "passive";
  memory: number;
  offsetExpr?: ConstExpr;
  /** Start and end byte offsets of the segment's bytes in the module. */
  start: number;
  end: number;
  offset: number;
}

/** The body of a function defined by the module. */
export interface FunctionBody {
  /** Declared local types, expanded (parameters not included). */
  locals: ValType[];
  /** Byte offset of the first instruction in the module bytes. */
  start: number;
  /** Byte offset just past the body's final `end` opcode. */
  end: number;
  /** Byte offset of the body's size field (the function's start in the code section). */
  offset: number;
}

/** A custom section: name and contents. */
export interface CustomSection {
  name: string;
  /** Byte range of the contents (after the name) in the module bytes. */
  start: number;
  end: number;
}

/** The contents of the `name` custom section, where it decodes cleanly. */
export interface NameSection {
  module?: string;
  /** Function names by function index. */
  functions: Map<number, string>;
  /** Local names by function index, then local index. */
  locals: Map<number, Map<number, string>>;
}

/** A decoded WebAssembly module. */
export interface WasmModule {
  /** The module's bytes: function bodies and data segments point into them. */
  bytes: Uint8Array;
  types: FuncType[];
  imports: Import[];
  /** Type index of each function the module defines (not imported ones). */
  functions: number[];
  tables: TableType[];
  memories: MemoryType[];
  globals: Global[];
  /** Type index (a function type with no results) of each tag the module defines. */
  tags: number[];
  exports: Export[];
  start?: number;
  elements: ElementSegment[];
  /** The value of the data count section, if present. */
  dataCount?: number;
  codes: FunctionBody[];
  data: DataSegment[];
  customSections: CustomSection[];
  /** The `name` section, if present and well-formed. */
  names?: NameSection;
  /** Counts of imported entities of each kind. */
  importedFunctionCount: number;
  importedTableCount: number;
  importedMemoryCount: number;
  importedGlobalCount: number;
  importedTagCount: number;
  /** The features the module was decoded under; the validator and translator follow them. */
  features: Features;
}
