/**
 * The in-memory form of a module parsed from text: every name resolved to an
 * index, every abbreviation expanded, function bodies and constant
 * expressions already encoded as instruction bytes. The encoder turns it
 * into the binary format section by section.
 *
 * @module
 */

import type {
  ExternKind,
  FuncType,
  GlobalType,
  ImportDesc,
  MemoryType,
  RefType,
  TableType,
  ValType,
} from "../binary/types.ts";

/** An import, with its names as UTF-8 bytes. */
export interface TextImport {
  module: Uint8Array;
  name: Uint8Array;
  desc: ImportDesc;
}

/** A function the module defines. */
export interface TextFunc {
  typeIndex: number;
  /** Declared locals (parameters not included). */
  locals: ValType[];
  /** Encoded instructions, including the final `end`. */
  body: Uint8Array;
  /** Pairs (byte offset in `body`, source offset) at each instruction's start. */
  marks?: number[];
}

/** A global the module defines. */
export interface TextGlobal {
  type: GlobalType;
  /** Encoded initializer, including the final `end`. */
  init: Uint8Array;
}

/** An export, with its name as UTF-8 bytes. */
export interface TextExport {
  name: Uint8Array;
  kind: ExternKind;
  index: number;
}

/** An element segment. Exactly one of `funcs` and `exprs` is set. */
export interface TextElem {
  mode: "active" | "passive" | "declarative";
  table: number;
  /** Offset expression of an active segment, including `end`. */
  offset?: Uint8Array;
  type: RefType;
  /** Items given as plain function indices. */
  funcs?: number[];
  /** Items given as expressions, each including `end`. */
  exprs?: Uint8Array[];
}

/** A data segment. */
export interface TextData {
  mode: "active" | "passive";
  memory: number;
  /** Offset expression of an active segment, including `end`. */
  offset?: Uint8Array;
  bytes: Uint8Array;
}

/** A module parsed from text, ready to encode. */
export interface TextModule {
  /** The module's `$name`, without the `$`. */
  name?: string;
  types: FuncType[];
  imports: TextImport[];
  funcs: TextFunc[];
  /** Tables; `initBytes` is a defined table's initialiser expression (with `end`), if any. */
  tables: (TableType & { initBytes?: Uint8Array })[];
  memories: MemoryType[];
  globals: TextGlobal[];
  /** Type index of each tag the module defines (exception handling). */
  tags: number[];
  exports: TextExport[];
  start?: number;
  elems: TextElem[];
  datas: TextData[];
  /** True when a function uses `memory.init` or `data.drop`, which need the data count section. */
  usesDataCount: boolean;
  /** Function names (without `$`) by function index. */
  funcNames: Map<number, string>;
  /** Parameter and local names by function index, then local index. */
  localNames: Map<number, Map<number, string>>;
}

/** The names and types a function body can refer to, shared by all bodies of a module. */
export interface ModuleScope {
  types: FuncType[];
  /** Identifier (with `$`) to index, for each index space. */
  typeNames: Map<string, number>;
  /** Struct field names (with `$`) by type index. */
  fieldNames?: Map<number, Map<string, number>>;
  funcNames: Map<string, number>;
  tableNames: Map<string, number>;
  memoryNames: Map<string, number>;
  globalNames: Map<string, number>;
  tagNames: Map<string, number>;
  elemNames: Map<string, number>;
  dataNames: Map<string, number>;
  /** Number of explicitly defined types; implicit ones are appended after them. */
  explicitTypeCount: number;
  usesDataCount: boolean;
  /** Smallest type index of each signature (see `signatureKey`), for implicit type uses. */
  typeBySignature: Map<string, number>;
}

/**
 * Source marks of parsed constant expressions, by their encoded bytes: pairs
 * (byte offset in the expression, source offset) at each instruction. The
 * encoder places them in the module's source map when it writes the bytes.
 */
export const expressionMarks: WeakMap<Uint8Array, number[]> = new WeakMap();
