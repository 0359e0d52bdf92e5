/**
 * `createWebAssembly`: builds a `WebAssembly` namespace object on wazero-ts
 * (its classes, `validate`, `compile`, `instantiate` and the streaming
 * variants), shaped as the JS API's WebIDL defines it.
 *
 * @module
 */

import { Runtime } from "../runtime/runtime.ts";
import { FEATURES_3_0 } from "../binary/features.ts";
import type { FunctionInstance } from "../interpreter/instances.ts";
import { cachedObject, type FacadeContext, type WebAssemblyOptions } from "./context.ts";
import { defineErrors } from "./errors.ts";
import { makeExportedFunction } from "./functions.ts";
import { defineGlobal } from "./global.ts";
import { defineExceptions } from "./exception.ts";
import { defineInstance, instanceExports, instantiateCompiled, readImports } from "./instance.ts";
import { defineMemory } from "./memory.ts";
import { compileBytes, defineModule, moduleBytes } from "./module.ts";
import { defineTable } from "./table.ts";

/** What `createWebAssembly` returns: the standard namespace (typed loosely: it is the host's shape). */
export type WebAssemblyNamespace = Record<string, unknown> & {
  Module: new (bytes: BufferSource) => object;
  Instance: new (module: object, importObject?: object) => { readonly exports: object };
  Memory: new (descriptor: object) => { readonly buffer: ArrayBuffer; grow(delta: number): number };
  Table: new (descriptor: object, value?: unknown) => object;
  Global: new (descriptor: object, value?: unknown) => { value: unknown };
  Tag: new (descriptor: object) => object;
  Exception: new (tag: object, payload: unknown[], options?: object) => {
    getArg(tag: object, index: number): unknown;
    is(tag: object): boolean;
  };
  JSTag: object;
  CompileError: ErrorConstructor;
  LinkError: ErrorConstructor;
  RuntimeError: ErrorConstructor;
  validate(bytes: BufferSource): boolean;
  compile(bytes: BufferSource): Promise<object>;
  instantiate(source: unknown, importObject?: object): Promise<unknown>;
  compileStreaming(source: unknown): Promise<object>;
  instantiateStreaming(source: unknown, importObject?: object): Promise<unknown>;
};

const isObject = (v: unknown): v is object =>
  v !== null && (typeof v === "object" || typeof v === "function");

/** Resolves after other queued work, as the spec's "queue a task" for asynchronous compilation. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Creates a `WebAssembly` namespace running on wazero-ts. Each call makes an
 * independent namespace (its own classes and runtime), as another realm
 * would have.
 */
export function createWebAssemblyNamespace(options: WebAssemblyOptions = {}): WebAssemblyNamespace {
  const runtime = new Runtime({
    fuel: options.fuel !== undefined,
    jsTier: options.jsTier,
    memoryLimitPages: options.memoryLimitPages,
    tableLimit: options.tableLimit,
    maxStackBytes: options.maxStackBytes,
  });
  const errors = defineErrors();
  const ctx: FacadeContext = {
    options,
    runtime,
    compileLimits: {
      fuel: options.fuel !== undefined,
      listeners: false,
      maxModuleBytes: 1 << 30,
      maxFunctions: 1_000_000,
      features: FEATURES_3_0,
    },
    errors,
    fuel: options.fuel ?? Infinity,
    deadline: Infinity,
    modules: new WeakMap(),
    memories: new WeakMap(),
    memoryObjects: new WeakMap(),
    tables: new WeakMap(),
    tableObjects: new WeakMap(),
    globals: new WeakMap(),
    globalObjects: new WeakMap(),
    functions: new WeakMap(),
    functionObjects: new WeakMap(),
    tags: new WeakMap(),
    tagObjects: new WeakMap(),
    exceptions: new WeakMap(),
    exceptionObjects: new WeakMap(),
    // Set by `defineExceptions`.
    tagObject: () => ({}),
    exceptionObject: () => ({}),
    jsTag: null,
    memoryObject: (m) => cachedObject(m, ctx.memories, ctx.memoryObjects, Memory.prototype),
    tableObject: (t) => cachedObject(t, ctx.tables, ctx.tableObjects, Table.prototype),
    globalObject: (g) => cachedObject(g, ctx.globals, ctx.globalObjects, Global.prototype),
    functionObject: (fn: FunctionInstance, index = 0) => {
      let f = ctx.functionObjects.get(fn);
      if (f === undefined) {
        f = makeExportedFunction(ctx, fn, index);
        ctx.functionObjects.set(fn, f);
        ctx.functions.set(f, fn);
      }
      return f;
    },
  };
  const Module = defineModule(ctx);
  const Instance = defineInstance(ctx);
  const Memory = defineMemory(ctx);
  const Table = defineTable(ctx);
  const Global = defineGlobal(ctx);
  const { Tag, Exception, JSTag } = defineExceptions(ctx);

  // "Asynchronously instantiate": imports are read now, the instance is made in a later task.
  const instantiateLater = (module: object, importObject: unknown): Promise<object> => {
    const compiled = ctx.modules.get(module)!;
    const providers = readImports(ctx, compiled, importObject);
    return nextTask().then(() => {
      const instance = Object.create(Instance.prototype) as object;
      instanceExports.set(instance, instantiateCompiled(ctx, compiled, providers));
      return instance;
    });
  };
  const newModule = (compiled: ReturnType<typeof compileBytes>): object => {
    const module = Object.create(Module.prototype) as object;
    ctx.modules.set(module, compiled);
    return module;
  };

  const operations = {
    validate(bytes: unknown): boolean {
      let copy: Uint8Array;
      try {
        copy = moduleBytes(ctx, bytes);
      } catch (e) {
        if (e instanceof TypeError) throw e; // not a BufferSource
        return false; // too large
      }
      try {
        compileBytes(ctx, copy);
        return true;
      } catch {
        return false;
      }
    },
    compile(bytes: unknown): Promise<object> {
      let copy: Uint8Array;
      try {
        copy = moduleBytes(ctx, bytes);
      } catch (e) {
        return Promise.reject(e);
      }
      return nextTask().then(() => newModule(compileBytes(ctx, copy)));
    },
    // Optional arguments are rest parameters so that `length` counts the required ones only.
    instantiate(source: unknown, ...rest: unknown[]): Promise<unknown> {
      const importObject = rest[0];
      if (importObject !== undefined && !isObject(importObject)) {
        return Promise.reject(new TypeError("the import object must be an object"));
      }
      if (ctx.modules.has(source as object)) {
        try {
          return instantiateLater(source as object, importObject);
        } catch (e) {
          return Promise.reject(e);
        }
      }
      let copy: Uint8Array;
      try {
        copy = moduleBytes(ctx, source);
      } catch (e) {
        return Promise.reject(e);
      }
      return nextTask().then(() => {
        const module = newModule(compileBytes(ctx, copy));
        return instantiateLater(module, importObject).then((instance) => ({ module, instance }));
      });
    },
    compileStreaming(source: unknown): Promise<object> {
      return responseBytes(source).then((bytes) => newModule(compileBytes(ctx, bytes)));
    },
    instantiateStreaming(source: unknown, ...rest: unknown[]): Promise<unknown> {
      const importObject = rest[0];
      return responseBytes(source).then((bytes) => {
        const module = newModule(compileBytes(ctx, bytes));
        return instantiateLater(module, importObject).then((instance) => ({ module, instance }));
      });
    },
  };

  const namespace = Object.create(Object.prototype) as WebAssemblyNamespace;
  const define = (name: string, value: unknown, enumerable: boolean) =>
    Object.defineProperty(namespace, name, {
      value,
      writable: true,
      enumerable,
      configurable: true,
    });
  for (
    const [name, value] of Object.entries({
      Module,
      Instance,
      Memory,
      Table,
      Global,
      Tag,
      Exception,
      JSTag,
      ...errors,
    })
  ) {
    define(name, value, false);
  }
  for (const [name, fn] of Object.entries(operations)) define(name, fn, true);
  Object.defineProperty(namespace, Symbol.toStringTag, {
    value: "WebAssembly",
    configurable: true,
  });
  return namespace;
}

/**
 * The bytes of a `Response` (or a promise of one) for the streaming
 * functions: a TypeError unless it is an OK response of type `application/wasm`.
 */
async function responseBytes(source: unknown): Promise<Uint8Array> {
  const response = await source;
  if (typeof Response === "undefined" || !(response instanceof Response)) {
    throw new TypeError("expected a Response or a promise of one");
  }
  const type = response.headers.get("Content-Type")?.split(";")[0].trim().toLowerCase();
  if (type !== "application/wasm") {
    throw new TypeError(`the response's Content-Type must be application/wasm, not ${type}`);
  }
  if (!response.ok) throw new TypeError(`the response's status is ${response.status}`);
  if (response.bodyUsed) throw new TypeError("the response's body was already used");
  return new Uint8Array(await response.arrayBuffer());
}
