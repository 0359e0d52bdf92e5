/**
 * Descriptions of a module's functions, memories, tables and globals: what
 * a {@link CompiledModule} tells about its imports and exports before it is
 * instantiated. They are plain read-only objects; a compiled module builds
 * those of its functions when first asked for (see {@link ModuleDefinitions}).
 *
 * @module
 */

import {
  ExternKind,
  type FuncType,
  type GlobalType,
  type Import,
  type Limits,
  valTypeName,
  type WasmModule,
} from "../binary/types.ts";

/**
 * A WebAssembly value type, as spelled in the text format: the numeric and
 * vector types, the abstract reference types (`funcref`, `anyref`, `eqref`,
 * `i31ref`, `structref`, `arrayref`, `exnref` and the bottom types
 * `nullfuncref`, `nullexternref`, `nullref`, `nullexnref`), or a typed
 * reference such as `(ref func)`, `(ref null any)` or `(ref 3)` / `(ref null 3)`
 * (a concrete type, by its index in the module's type section). GC values
 * (structs, arrays, i31s) cross to the host as opaque handles that it can
 * pass back.
 */
export type ValueType =
  | "i32"
  | "i64"
  | "f32"
  | "f64"
  | "v128"
  | "funcref"
  | "externref"
  | "anyref"
  | "eqref"
  | "i31ref"
  | "structref"
  | "arrayref"
  | "exnref"
  | "nullfuncref"
  | "nullexternref"
  | "nullref"
  | "nullexnref"
  | `(ref ${string})`;

/** Where an imported entity comes from. */
export interface ImportName {
  /** The module name of the import (its namespace). */
  readonly module: string;
  /** The field name within that module. */
  readonly name: string;
}

/** What is common to every definition. */
export interface DefinitionBase {
  /** Index in the module's index space of this kind (imports first). */
  readonly index: number;
  /** Set when the entity is imported. */
  readonly import?: ImportName;
  /** The names under which the module exports it (possibly several). */
  readonly exportNames: readonly string[];
}

/**
 * A function of a module: its signature and names.
 *
 * @example
 * ```ts
 * import { Runtime } from "./mod.ts";
 * const compiled = await new Runtime().compileModule(wasmBytes);
 * const add = compiled.exportedFunctions.get("add")!;
 * console.log(add.paramTypes, add.resultTypes); // ["i32", "i32"] ["i32"]
 * ```
 */
export interface FunctionDefinition extends DefinitionBase {
  /** The name from the name section, if any. */
  readonly name?: string;
  /**
   * A name for messages, stack traces and profiles: the name section's name,
   * else the first export name (as engines do), else `$index`; prefixed with
   * `module.` when the name section names the module.
   */
  readonly debugName: string;
  /** The parameters' types. */
  readonly paramTypes: readonly ValueType[];
  /** The results' types. */
  readonly resultTypes: readonly ValueType[];
  /** Parameter names from the name section (empty strings where unnamed). */
  readonly paramNames: readonly string[];
}

/** A linear memory of a module. Sizes are in 64 KiB pages. */
export interface MemoryDefinition extends DefinitionBase {
  /** The minimum (initial) size. */
  readonly min: number;
  /** The maximum size, if the module declares one. */
  readonly max?: number;
  /** True for a shared memory (threads); absent otherwise. */
  readonly shared?: boolean;
  /** True for a 64-bit memory (memory64: i64 addresses); absent for a 32-bit one. */
  readonly address64?: boolean;
}

/** A table of a module. Sizes are in elements. */
export interface TableDefinition extends DefinitionBase {
  /** What the table holds. */
  readonly element: "funcref" | "externref";
  /** The minimum (initial) size. */
  readonly min: number;
  /** The maximum size, if the module declares one. */
  readonly max?: number;
  /** True for a 64-bit table (table64: i64 indices); absent for a 32-bit one. */
  readonly address64?: boolean;
}

/** A global variable of a module. */
export interface GlobalDefinition extends DefinitionBase {
  /** The value type. */
  readonly type: ValueType;
  /** Whether the global can be set. */
  readonly mutable: boolean;
}

/** A custom section's name and a copy of its contents. */
export interface CustomSectionData {
  /** The section's name. */
  readonly name: string;
  /** Its contents after the name. */
  readonly data: Uint8Array;
}

/**
 * Every definition of a module, grouped by kind, in index order. A large
 * program defines tens of thousands of functions and most embedders look at
 * a few (its imports and exports), so a compiled module's function
 * definitions are built when first asked for, one by one.
 */
export class ModuleDefinitions {
  readonly memories: MemoryDefinition[] = [];
  readonly tables: TableDefinition[] = [];
  readonly globals: GlobalDefinition[] = [];
  readonly #functions: (FunctionDefinition | undefined)[];
  readonly #build: ((index: number) => FunctionDefinition) | null;
  readonly #debugName: ((index: number) => string) | null;

  /**
   * Definitions whose functions are added one by one ({@link addFunction}),
   * or, with `build`, the `functionCount` functions `build` makes on demand
   * (and `debugName` names without making them).
   */
  constructor(
    functionCount = 0,
    build?: (index: number) => FunctionDefinition,
    debugName?: (index: number) => string,
  ) {
    this.#functions = new Array(functionCount);
    this.#build = build ?? null;
    this.#debugName = debugName ?? null;
  }

  /** Number of functions, imported ones included. */
  get functionCount(): number {
    return this.#functions.length;
  }

  /** Function `index`'s definition (imports first). */
  functionAt(index: number): FunctionDefinition {
    return this.#functions[index] ??= this.#build!(index);
  }

  /** Function `index`'s {@link FunctionDefinition.debugName}, without building its definition. */
  debugName(index: number): string {
    return this.#functions[index]?.debugName ?? this.#debugName!(index);
  }

  /** Adds the definition of the next function (host modules, which make theirs as they go). */
  addFunction(def: FunctionDefinition): void {
    this.#functions.push(def);
  }
}

function typeNames(types: readonly number[]): readonly ValueType[] {
  return Object.freeze(types.map((t) => valTypeName(t) as ValueType));
}

const NO_NAMES: readonly string[] = Object.freeze([]);

/** Frozen arrays of `n` empty strings: the parameter names of functions the name section does not name. */
const unnamed: (readonly string[])[] = [];
function unnamedParams(n: number): readonly string[] {
  return unnamed[n] ??= Object.freeze(new Array<string>(n).fill(""));
}

function limitsOf(limits: Limits): { min: number; max?: number; address64?: boolean } {
  const out: { min: number; max?: number; address64?: boolean } = { min: limits.min };
  if (limits.max !== undefined) out.max = limits.max;
  if (limits.address64) out.address64 = true;
  return out;
}

/** The definitions of every entity of a decoded (and validated) module; functions on demand. */
export function buildDefinitions(m: WasmModule): ModuleDefinitions {
  const exportNames: Map<number, string[]>[] = [0, 1, 2, 3, 4].map(() => new Map());
  for (const e of m.exports) {
    const byIndex = exportNames[e.kind];
    const list = byIndex.get(e.index);
    if (list) list.push(e.name);
    else byIndex.set(e.index, [e.name]);
  }
  const moduleName = m.names?.module;
  // Functions in index order: imported ones (with their import names) first.
  const functionImports: Import[] = [];
  const typeIndices: number[] = [];
  for (const imp of m.imports) {
    if (imp.desc.kind !== ExternKind.func) continue;
    functionImports.push(imp);
    typeIndices.push(imp.desc.typeIndex);
  }
  for (const typeIndex of m.functions) typeIndices.push(typeIndex);
  const debugName = (index: number): string => {
    const label = m.names?.functions.get(index) ?? exportNames[ExternKind.func].get(index)?.[0] ??
      `$${index}`;
    return moduleName === undefined ? label : `${moduleName}.${label}`;
  };
  // Functions of one type share (frozen) arrays of type names: a large program has tens of
  // thousands of functions and a few hundred types.
  const signatures = new Map<
    FuncType,
    { params: readonly ValueType[]; results: readonly ValueType[] }
  >();
  const buildFunction = (index: number): FunctionDefinition => {
    const type = m.types[typeIndices[index]];
    const imp = functionImports[index];
    const localNames = m.names?.locals.get(index);
    let signature = signatures.get(type);
    if (signature === undefined) {
      signature = { params: typeNames(type.params), results: typeNames(type.results) };
      signatures.set(type, signature);
    }
    return {
      index,
      import: imp === undefined ? undefined : { module: imp.module, name: imp.name },
      exportNames: exportNames[ExternKind.func].get(index) ?? NO_NAMES,
      name: m.names?.functions.get(index),
      debugName: debugName(index),
      paramTypes: signature.params,
      resultTypes: signature.results,
      paramNames: localNames === undefined
        ? unnamedParams(type.params.length)
        : type.params.map((_, i) => localNames.get(i) ?? ""),
    };
  };
  const defs = new ModuleDefinitions(typeIndices.length, buildFunction, debugName);

  const addMemory = (limits: Limits, importName?: ImportName) => {
    const index = defs.memories.length;
    defs.memories.push({
      index,
      import: importName,
      exportNames: exportNames[ExternKind.memory].get(index) ?? [],
      ...limitsOf(limits),
      ...(limits.shared ? { shared: true } : {}),
    });
  };
  const addTable = (element: number, limits: Limits, importName?: ImportName) => {
    const index = defs.tables.length;
    defs.tables.push({
      index,
      import: importName,
      exportNames: exportNames[ExternKind.table].get(index) ?? [],
      element: valTypeName(element) as "funcref" | "externref",
      ...limitsOf(limits),
    });
  };
  const addGlobal = (type: GlobalType, importName?: ImportName) => {
    const index = defs.globals.length;
    defs.globals.push({
      index,
      import: importName,
      exportNames: exportNames[ExternKind.global].get(index) ?? [],
      type: valTypeName(type.type) as ValueType,
      mutable: type.mutable,
    });
  };

  for (const imp of m.imports) {
    const importName = { module: imp.module, name: imp.name };
    const d = imp.desc;
    if (d.kind === ExternKind.memory) addMemory(d.type.limits, importName);
    else if (d.kind === ExternKind.table) addTable(d.type.element, d.type.limits, importName);
    else if (d.kind === ExternKind.global) addGlobal(d.type, importName);
  }
  for (const mem of m.memories) addMemory(mem.limits);
  for (const t of m.tables) addTable(t.element, t.limits);
  for (const g of m.globals) addGlobal(g.type);
  return defs;
}
