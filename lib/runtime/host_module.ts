/**
 * Host modules: functions, memories, tables and globals written in
 * JavaScript that WebAssembly modules import by name.
 *
 * @module
 */

import {
  type FuncType,
  HeapType,
  refType,
  type ValType,
  VALTYPE_BY_NAME,
} from "../binary/types.ts";
import { Tag } from "../interpreter/exceptions.ts";
import {
  FunctionInstance,
  GlobalInstance,
  type HostCall,
  type HostContext,
  type InstanceState,
  internType,
  MemoryInstance,
  newInstanceState,
  TableInstance,
} from "../interpreter/instances.ts";
import { wordsOf } from "../interpreter/translate/virtual_stack.ts";
import { CANON_TYPES } from "../validate/type_canon.ts";
import {
  type FunctionDefinition,
  type GlobalDefinition,
  type MemoryDefinition,
  ModuleDefinitions,
  type TableDefinition,
  type ValueType,
} from "./definitions.ts";
import { ExternKind } from "../binary/types.ts";
import type { ExportEntry, Module } from "./module.ts";
import { inContext, readValue, writeValue } from "./values.ts";
import type { CallContext } from "./function.ts";

/**
 * A host function: receives the calling module (for its memory; `undefined`
 * when called directly through the API), then the parameters as JS values;
 * returns nothing, one value, or an array of values for several results.
 */
export type HostFunction = (caller: Module | undefined, ...params: any[]) => unknown;

function typeCode(t: ValueType): ValType {
  const code = Object.hasOwn(VALTYPE_BY_NAME, t) ? VALTYPE_BY_NAME[t] : undefined;
  if (code !== undefined) return code;
  // `(ref null? ht)` with an abstract heap type (a host module has no types of its own).
  const m = /^\(ref (null )?(\w+)\)$/.exec(t);
  const heap: Record<string, number> = HeapType;
  if (m !== null && Object.hasOwn(heap, m[2])) return refType(heap[m[2]], m[1] !== undefined);
  throw new TypeError(`unknown value type "${t}"`);
}

/** What the builder needs from the runtime. */
export interface HostModuleRuntime {
  /** Creates and registers the module; fails if the name is taken. */
  addHostModule(
    name: string,
    state: InstanceState,
    exports: Map<string, ExportEntry>,
    definitions: ModuleDefinitions,
  ): Module;
  /** The call context used to convert references. */
  hostCallContext(): CallContext;
  /** Runtime limits for host memories. */
  memoryLimitPages: number;
}

interface PendingFunction {
  fn: HostFunction;
  params: ValueType[];
  results: ValueType[];
  name?: string;
  paramNames: string[];
}

/**
 * Defines one host function; obtained from
 * {@link HostModuleBuilder.newFunctionBuilder}, finished by {@link export}.
 */
export class HostFunctionBuilder {
  readonly #parent: HostModuleBuilder;
  #pending: PendingFunction | undefined;
  #name: string | undefined;
  #paramNames: string[] = [];

  /** @internal */
  constructor(parent: HostModuleBuilder) {
    this.#parent = parent;
  }

  /**
   * Sets the implementation and its signature.
   *
   * @param fn called with the calling module and the parameters as JS values.
   * @param params parameter types.
   * @param results result types.
   */
  withFunc(fn: HostFunction, params: ValueType[], results: ValueType[]): this {
    for (const t of [...params, ...results]) typeCode(t);
    this.#pending = { fn, params: [...params], results: [...results], paramNames: [] };
    return this;
  }

  /** Sets the function's name (shown in stack traces and definitions). */
  withName(name: string): this {
    this.#name = name;
    return this;
  }

  /** Sets the parameters' names (shown in definitions). */
  withParameterNames(...names: string[]): this {
    this.#paramNames = names;
    return this;
  }

  /** Exports the function under `name` and returns to the module builder. */
  export(name: string): HostModuleBuilder {
    if (this.#pending === undefined) throw new TypeError("withFunc must be called before export");
    this.#pending.name = this.#name ?? name;
    this.#pending.paramNames = this.#paramNames;
    return this.#parent.addFunction(name, this.#pending);
  }
}

type PendingExport =
  | { kind: typeof ExternKind.func; fn: PendingFunction }
  | {
    kind: typeof ExternKind.memory;
    min: number;
    max?: number;
    shared?: boolean;
    address64?: boolean;
  }
  | {
    kind: typeof ExternKind.table;
    element: "funcref" | "externref";
    min: number;
    max?: number;
    address64?: boolean;
  }
  | { kind: typeof ExternKind.global; type: ValueType; value: unknown; mutable: boolean }
  | { kind: typeof ExternKind.tag; tag: Tag };

/**
 * Builds a host module: JS functions and host-owned memories, tables and
 * globals, importable by WebAssembly modules under the module's name.
 *
 * @example
 * ```ts
 * await runtime.newHostModuleBuilder("env")
 *   .newFunctionBuilder()
 *   .withFunc((caller, ptr, len) => {
 *     console.log(caller!.memory()!.readString(ptr, len));
 *   }, ["i32", "i32"], [])
 *   .withParameterNames("ptr", "len")
 *   .export("log")
 *   .exportMemory("scratch", { min: 1 })
 *   .exportGlobal("answer", "i32", 42)
 *   .instantiate();
 * ```
 */
export class HostModuleBuilder {
  readonly #name: string;
  readonly #runtime: HostModuleRuntime;
  readonly #exports = new Map<string, PendingExport>();

  /** @internal Use `Runtime.newHostModuleBuilder`. */
  constructor(name: string, runtime: HostModuleRuntime) {
    this.#name = name;
    this.#runtime = runtime;
  }

  /** Starts defining a function. */
  newFunctionBuilder(): HostFunctionBuilder {
    return new HostFunctionBuilder(this);
  }

  /** @internal */
  addFunction(name: string, fn: PendingFunction): this {
    this.#exports.set(name, { kind: ExternKind.func, fn });
    return this;
  }

  /**
   * Exports a new memory of `min` pages (and at most `max`). A `shared` one
   * (threads) must have a `max`; modules that import it must declare it
   * shared, as `wasip1-threads` modules do with `env.memory`. `address64`
   * makes it a 64-bit memory (memory64), which only 64-bit imports match.
   */
  exportMemory(
    name: string,
    limits: { min: number; max?: number; shared?: boolean; address64?: boolean },
  ): this {
    if (limits.shared && limits.max === undefined) {
      throw new TypeError(`shared memory "${name}" must have a maximum`);
    }
    this.#exports.set(name, { kind: ExternKind.memory, ...limits });
    return this;
  }

  /**
   * Exports a new table of `min` null elements (and at most `max`);
   * `address64` makes it a 64-bit table (table64).
   */
  exportTable(
    name: string,
    table: { element: "funcref" | "externref"; min: number; max?: number; address64?: boolean },
  ): this {
    this.#exports.set(name, { kind: ExternKind.table, ...table });
    return this;
  }

  /** Exports a new global of the given type and initial value (JS value convention). */
  exportGlobal(
    name: string,
    type: ValueType,
    value: unknown,
    options: { mutable?: boolean } = {},
  ): this {
    typeCode(type);
    this.#exports.set(name, {
      kind: ExternKind.global,
      type,
      value,
      mutable: options.mutable ?? false,
    });
    return this;
  }

  /**
   * Exports an exception tag (exception handling): modules that import it
   * can throw and catch its exceptions, and so can host functions
   * (`throw new WasmException(tag, values)`).
   */
  exportTag(name: string, tag: Tag): this {
    if (!(tag instanceof Tag)) throw new TypeError(`exportTag("${name}"): not a Tag`);
    this.#exports.set(name, { kind: ExternKind.tag, tag });
    return this;
  }

  /** Creates the module and makes it importable under its name. */
  instantiate(): Promise<Module> {
    try {
      return Promise.resolve(this.#build());
    } catch (e) {
      return Promise.reject(e);
    }
  }

  #build(): Module {
    const rt = this.#runtime;
    const ctx = rt.hostCallContext();
    const state = newInstanceState(new Int32Array(0));
    const defs = new ModuleDefinitions();
    const exports = new Map<string, ExportEntry>();
    for (const [exportName, e] of this.#exports) {
      switch (e.kind) {
        case ExternKind.func: {
          const index = state.functions.length;
          const type: FuncType = {
            params: e.fn.params.map(typeCode),
            results: e.fn.results.map(typeCode),
          };
          const debugName = `${this.#name}.${e.fn.name}`;
          state.functions.push(
            new FunctionInstance(
              type,
              null,
              state,
              hostCall(e.fn.fn, type, debugName, ctx),
              debugName,
            ),
          );
          const def: FunctionDefinition = {
            index,
            exportNames: [exportName],
            name: e.fn.name,
            debugName,
            paramTypes: e.fn.params,
            resultTypes: e.fn.results,
            paramNames: e.fn.params.map((_, i) => e.fn.paramNames[i] ?? ""),
          };
          defs.addFunction(def);
          exports.set(exportName, { kind: ExternKind.func, index });
          break;
        }
        case ExternKind.memory: {
          const index = state.memories.length;
          const shared = e.shared ?? false;
          state.memories.push(
            new MemoryInstance(e.min, e.max, rt.memoryLimitPages, shared, e.address64 === true),
          );
          const def: MemoryDefinition = {
            index,
            exportNames: [exportName],
            min: e.min,
            max: e.max,
            ...(shared ? { shared } : {}),
            ...(e.address64 ? { address64: true } : {}),
          };
          defs.memories.push(def);
          exports.set(exportName, { kind: ExternKind.memory, index });
          break;
        }
        case ExternKind.table: {
          const index = state.tables.length;
          const element = typeCode(e.element) as typeof ValType.funcref;
          state.tables.push(
            new TableInstance(element, e.min, e.max, undefined, e.address64 === true),
          );
          const def: TableDefinition = {
            index,
            exportNames: [exportName],
            element: e.element,
            min: e.min,
            max: e.max,
          };
          defs.tables.push(def);
          exports.set(exportName, { kind: ExternKind.table, index });
          break;
        }
        case ExternKind.global: {
          const index = state.globals.length;
          const global = new GlobalInstance(typeCode(e.type), e.mutable);
          const refs: unknown[] = [null];
          writeValue(global.bits, refs, 0, global.type, e.value, ctx.toFuncRef);
          global.ref = refs[0];
          state.globals.push(global);
          const def: GlobalDefinition = {
            index,
            exportNames: [exportName],
            type: e.type,
            mutable: e.mutable,
          };
          defs.globals.push(def);
          exports.set(exportName, { kind: ExternKind.global, index });
          break;
        }
        case ExternKind.tag:
          exports.set(exportName, { kind: ExternKind.tag, index: state.tags.length });
          state.tags.push(e.tag);
          break;
      }
    }
    return rt.addHostModule(this.#name, state, exports, defs);
  }
}

/** Adapts a JS function (called with the calling module first) to the executor's calling convention. */
export function hostCall(
  fn: HostFunction,
  type: FuncType,
  name: string,
  ctx: CallContext,
): HostCall {
  // Canonical types: a concrete reference type names a canonical type id (see `values.ts`).
  const { params, results } = CANON_TYPES[internType(type)];
  const offsets: number[] = [];
  let w = 0;
  for (const t of params) {
    offsets.push(w);
    w += wordsOf(t);
  }
  const writeResults = (m: HostContext, base: number, out: unknown) => {
    if (results.length === 0) return;
    const values = results.length === 1 ? [out] : out;
    if (!Array.isArray(values) || values.length !== results.length) {
      throw new TypeError(
        `host function ${name} must return ${results.length} values as an array, got ${
          String(out)
        }`,
      );
    }
    let at = base, i = 0;
    try {
      for (; i < results.length; i++) {
        writeValue(m.R, m.refs, at, results[i], values[i], ctx.toFuncRef);
        at += wordsOf(results[i]);
      }
    } catch (e) {
      throw inContext(e, `host function ${name} returned a wrong value`, results.length, i);
    }
  };
  return (m, base, caller) => {
    const args: unknown[] = [caller?.owner as Module | undefined];
    for (let i = 0; i < params.length; i++) {
      args.push(readValue(m.R, m.refs, base + offsets[i], params[i], ctx.fromFuncRef));
    }
    const out = fn(...(args as [Module | undefined, ...unknown[]]));
    if (out instanceof Promise) {
      if (!m.asyncMode) {
        throw new TypeError(
          `host function ${name} returned a Promise: call the WebAssembly function with callAsync`,
        );
      }
      m.suspend(out, (value) => writeResults(m, base, value));
      return;
    }
    writeResults(m, base, out);
  };
}
