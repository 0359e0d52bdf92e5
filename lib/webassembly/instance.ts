/**
 * `WebAssembly.Instance`: reads the import object as the spec's "read the
 * imports" does (plain JS functions become host functions, numbers become
 * immutable globals, API objects are used as they are), links and
 * initialises the module with the runtime, and builds the frozen,
 * null-prototype `exports` object.
 *
 * @module
 */

import { WasmException } from "../interpreter/exceptions.ts";
import { ExternKind, ValType } from "../binary/types.ts";
import { GlobalInstance } from "../interpreter/instances.ts";
import type { CompiledModule } from "../runtime/compiled_module.ts";
import {
  type ImportProvider,
  initializeSegments,
  link,
  singleEntityProvider,
} from "../runtime/instantiate.ts";
import { MAX_PAGES } from "../interpreter/instances.ts";
import type { FacadeContext } from "./context.ts";
import { toFacadeError } from "./errors.ts";
import { callExported, makeHostFunction } from "./functions.ts";
import { storeGlobal } from "./global.ts";
import { finishInterface } from "./idl.ts";
import { MAX_TABLE_ELEMENTS } from "./table.ts";
import { toWebAssemblyValue } from "./values.ts";

const isObject = (v: unknown): v is object =>
  v !== null && (typeof v === "object" || typeof v === "function");

/**
 * Resolves every import of `compiled` from `importObject` ("read the
 * imports"): synchronously, even for `WebAssembly.instantiate`, whose
 * instantiation then happens in a later task.
 */
export function readImports(
  ctx: FacadeContext,
  compiled: CompiledModule,
  importObject: unknown,
): ImportProvider[] {
  const imports = compiled.decoded.imports;
  if (importObject !== undefined && !isObject(importObject)) {
    throw new TypeError("the import object must be an object");
  }
  if (imports.length > 0 && importObject === undefined) {
    throw new TypeError("the module has imports: an import object is needed");
  }
  const { LinkError } = ctx.errors;
  const lookup = (v: unknown) => ctx.functions.get(v as object);
  return imports.map((imp) => {
    const namespace = (importObject as Record<string, unknown>)[imp.module];
    if (!isObject(namespace)) {
      throw new TypeError(`import module "${imp.module}" is not an object`);
    }
    const v = (namespace as Record<string, unknown>)[imp.name];
    const where = `import "${imp.module}" "${imp.name}"`;
    const d = imp.desc;
    switch (d.kind) {
      case ExternKind.func: {
        if (typeof v !== "function") throw new LinkError(`${where} must be a function`);
        const fn = ctx.functions.get(v) ??
          makeHostFunction(
            ctx,
            v as (...args: unknown[]) => unknown,
            compiled.decoded.types[d.typeIndex],
            `${imp.module}.${imp.name}`,
          );
        return singleEntityProvider(imp.name, d.kind, fn);
      }
      case ExternKind.global: {
        let global = ctx.globals.get(v as object);
        if (global === undefined) {
          const t = d.type.type;
          if (t === ValType.i64 && typeof v !== "bigint") {
            throw new LinkError(`${where} must be a BigInt or a WebAssembly.Global`);
          }
          if (
            (t === ValType.i32 || t === ValType.f32 || t === ValType.f64) && typeof v !== "number"
          ) throw new LinkError(`${where} must be a number or a WebAssembly.Global`);
          if (t === ValType.v128) throw new LinkError(`${where} must be a WebAssembly.Global`);
          if (d.type.mutable) throw new LinkError(`${where} is mutable: it needs a Global`);
          global = new GlobalInstance(t, false);
          storeGlobal(global, toWebAssemblyValue(v, t, lookup));
        }
        return singleEntityProvider(imp.name, d.kind, global);
      }
      case ExternKind.memory: {
        const memory = ctx.memories.get(v as object);
        if (memory === undefined) throw new LinkError(`${where} must be a WebAssembly.Memory`);
        return singleEntityProvider(imp.name, d.kind, memory);
      }
      case ExternKind.table: {
        const table = ctx.tables.get(v as object);
        if (table === undefined) throw new LinkError(`${where} must be a WebAssembly.Table`);
        return singleEntityProvider(imp.name, d.kind, table);
      }
      case ExternKind.tag: {
        const tag = ctx.tags.get(v as object);
        if (tag === undefined) throw new LinkError(`${where} must be a WebAssembly.Tag`);
        return singleEntityProvider(imp.name, d.kind, tag);
      }
    }
  });
}

/**
 * Instantiates `compiled` with its imports read by {@link readImports}:
 * links, writes segments, runs the start function, and returns the exports
 * object.
 */
export function instantiateCompiled(
  ctx: FacadeContext,
  compiled: CompiledModule,
  providers: ImportProvider[],
): object {
  const limits = compiled.decoded;
  for (const t of limits.tables) {
    // The JS API's dynamic limit: a RangeError, as engines throw, not a LinkError.
    const limit = Math.min(ctx.options.tableLimit ?? MAX_TABLE_ELEMENTS, MAX_TABLE_ELEMENTS);
    if (t.limits.min > limit) {
      throw new RangeError(`a table of ${t.limits.min} elements exceeds the limit of ${limit}`);
    }
  }
  try {
    const { state } = link(compiled, (_name, index) => providers[index], {
      memoryLimitPages: ctx.options.memoryLimitPages ?? MAX_PAGES,
      tableLimit: Math.min(ctx.options.tableLimit ?? MAX_TABLE_ELEMENTS, MAX_TABLE_ELEMENTS),
      gcHeap: ctx.runtime.gcHeap,
    });
    initializeSegments(compiled, state);
    const exports = Object.create(null) as Record<string, unknown>;
    for (const e of compiled.decoded.exports) {
      exports[e.name] = e.kind === ExternKind.func
        ? ctx.functionObject(state.functions[e.index], e.index)
        : e.kind === ExternKind.memory
        ? ctx.memoryObject(state.memories[e.index])
        : e.kind === ExternKind.table
        ? ctx.tableObject(state.tables[e.index])
        : e.kind === ExternKind.tag
        ? ctx.tagObject(state.tags[e.index])
        : ctx.globalObject(state.globals[e.index]);
    }
    const start = compiled.decoded.start;
    if (start !== undefined) callExported(ctx, state.functions[start], []);
    return Object.freeze(exports);
  } catch (e) {
    throw e instanceof WasmException ? ctx.exceptionObject(e) : toFacadeError(ctx.errors, e);
  }
}

/** The exports object of each `WebAssembly.Instance` (its internal slot). */
export const instanceExports = new WeakMap<object, object>();

/** The constructor of `WebAssembly.Instance` for one namespace. */
export function defineInstance(
  ctx: FacadeContext,
): new (module: unknown, importObject?: unknown) => object {
  class WebAssemblyInstance {
    // The import object is a rest parameter so that `length` is 1, as WebIDL's.
    constructor(module: unknown, ...rest: unknown[]) {
      const importObject = rest[0];
      const compiled = ctx.modules.get(module as object);
      if (compiled === undefined) throw new TypeError("not a WebAssembly.Module");
      const providers = readImports(ctx, compiled, importObject);
      instanceExports.set(this, instantiateCompiled(ctx, compiled, providers));
    }

    /** The instance's exports: a frozen object without prototype. */
    get exports(): object {
      const exports = instanceExports.get(this);
      if (exports === undefined) throw new TypeError("not a WebAssembly.Instance");
      return exports;
    }
  }
  finishInterface(WebAssemblyInstance, "Instance");
  Object.defineProperty(WebAssemblyInstance, "name", { value: "Instance" });
  return WebAssemblyInstance;
}
