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

/** Value types, numbered by their binary encoding. */
export const ValType = {
  i32: 0x7f,
  i64: 0x7e,
  f32: 0x7d,
  f64: 0x7c,
  v128: 0x7b,
  funcref: 0x70,
  externref: 0x6f,
  /** A reference to a caught exception (exception handling). */
  exnref: 0x69,
} as const;

/** A value type: one of the byte codes in {@link ValType}. */
export type ValType = typeof ValType[keyof typeof ValType];

/** A reference type: `funcref`, `externref` or `exnref`. */
export type RefType = typeof ValType.funcref | typeof ValType.externref | typeof ValType.exnref;

/** The heap type `noexn` (`ref.null noexn`): the null exception reference. */
export const HEAP_NOEXN = 0x74;

/** The text name of each value type, indexed by its code. */
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
    case ValType.funcref:
      return "funcref";
    case ValType.externref:
      return "externref";
    case ValType.exnref:
      return "exnref";
    default:
      return `<type 0x${t.toString(16)}>`;
  }
}

/** Value types by their text name (`"i32"` → 0x7f ...). */
export const VALTYPE_BY_NAME: Readonly<Record<string, ValType>> = ValType;

/** True when `t` is a reference type (`funcref`, `externref`, `exnref`). */
export function isRefType(t: number): t is RefType {
  return t === ValType.funcref || t === ValType.externref || t === ValType.exnref;
}

/** A function signature (value types by their binary codes, see {@link ValType}). */
export interface FuncType {
  /** The parameter types. */
  params: ValType[];
  /** The result types. */
  results: ValType[];
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
