/**
 * {@link CompiledModule}: a decoded and validated module, ready to be
 * instantiated, that describes its imports and exports.
 *
 * @module
 */

import { ExternKind, type WasmModule } from "../binary/types.ts";
import type { CompiledFunction } from "../interpreter/compiled_function.ts";
import {
  buildDefinitions,
  type CustomSectionData,
  type FunctionDefinition,
  type GlobalDefinition,
  type MemoryDefinition,
  type ModuleDefinitions,
  type TableDefinition,
} from "./definitions.ts";

type Def = { import?: unknown; exportNames: readonly string[] };

function imported<T extends Def>(defs: T[]): readonly T[] {
  return Object.freeze(defs.filter((d) => d.import !== undefined));
}

function exported<T extends Def>(defs: readonly T[]): ReadonlyMap<string, T> {
  const map = new Map<string, T>();
  for (const d of defs) for (const name of d.exportNames) map.set(name, d);
  return map;
}

/** The definitions of the functions in `indices` (each once), in index order. */
function functionsAt(defs: ModuleDefinitions, indices: number[]): FunctionDefinition[] {
  return [...new Set(indices)].sort((a, b) => a - b).map((i) => defs.functionAt(i));
}

/**
 * A module that has been decoded and validated, obtained from
 * `Runtime.compileModule`. It can be inspected (imports, exports, custom
 * sections) and instantiated any number of times.
 *
 * @example
 * ```ts
 * import { Runtime } from "./mod.ts";
 * const runtime = new Runtime();
 * const compiled = await runtime.compileModule(bytes);
 * for (const f of compiled.importedFunctions) {
 *   console.log(`${f.import!.module}.${f.import!.name}`, f.paramTypes, f.resultTypes);
 * }
 * console.log([...compiled.exportedFunctions.keys()]);
 * ```
 */
export class CompiledModule {
  /** The module's name from its name section, if it has one. */
  readonly name?: string;
  /** Functions the module imports, in import order. */
  readonly importedFunctions: readonly FunctionDefinition[];
  /** Functions the module exports, by export name. */
  readonly exportedFunctions: ReadonlyMap<string, FunctionDefinition>;
  /** Memories the module imports. */
  readonly importedMemories: readonly MemoryDefinition[];
  /** Memories the module exports, by export name. */
  readonly exportedMemories: ReadonlyMap<string, MemoryDefinition>;
  /** Tables the module imports. */
  readonly importedTables: readonly TableDefinition[];
  /** Tables the module exports, by export name. */
  readonly exportedTables: ReadonlyMap<string, TableDefinition>;
  /** Globals the module imports. */
  readonly importedGlobals: readonly GlobalDefinition[];
  /** Globals the module exports, by export name. */
  readonly exportedGlobals: ReadonlyMap<string, GlobalDefinition>;
  /** Every custom section, in module order (the `name` section included). */
  get customSections(): readonly CustomSectionData[] {
    // Copied on first use: debug sections can be megabytes that most embedders never read.
    return this.#customSections ??= Object.freeze(this.decoded.customSections.map((s) => ({
      name: s.name,
      data: this.decoded.bytes.slice(s.start, s.end),
    })));
  }
  #customSections: readonly CustomSectionData[] | undefined;

  /** @internal The decoded module. */
  readonly decoded: WasmModule;
  /** @internal Definitions of every entity, imported or not. */
  readonly definitions: ModuleDefinitions;
  /** @internal Register code of each defined function. */
  readonly code: readonly CompiledFunction[];
  /** @internal True when the code counts fuel. */
  readonly metered: boolean;
  /** @internal True when the code calls function listeners. */
  readonly listened: boolean;
  /** @internal True when the code canonicalises NaN results (the deterministic profile). */
  readonly deterministic: boolean;

  /** @internal Use `Runtime.compileModule`. */
  constructor(
    decoded: WasmModule,
    code: readonly CompiledFunction[],
    metered = false,
    listened = false,
    deterministic = false,
  ) {
    this.decoded = decoded;
    this.code = code;
    this.metered = metered;
    this.listened = listened;
    this.deterministic = deterministic;
    const defs = buildDefinitions(decoded);
    this.definitions = defs;
    this.name = decoded.names?.module;
    // Only the functions imported or exported get their definitions built now.
    this.importedFunctions = Object.freeze(
      Array.from({ length: decoded.importedFunctionCount }, (_, i) => defs.functionAt(i)),
    );
    this.exportedFunctions = exported(
      functionsAt(
        defs,
        decoded.exports.filter((e) => e.kind === ExternKind.func).map((e) => e.index),
      ),
    );
    this.importedMemories = imported(defs.memories);
    this.exportedMemories = exported(defs.memories);
    this.importedTables = imported(defs.tables);
    this.exportedTables = exported(defs.tables);
    this.importedGlobals = imported(defs.globals);
    this.exportedGlobals = exported(defs.globals);
  }

  /**
   * The contents of every custom section with the given name, in module order
   * (like `WebAssembly.Module.customSections`).
   */
  customSectionsNamed(name: string): Uint8Array[] {
    return this.customSections.filter((s) => s.name === name).map((s) => s.data);
  }
}
