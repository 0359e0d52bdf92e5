/**
 * Import objects: the shape every JavaScript user knows from
 * `WebAssembly.instantiate(bytes, { env: { log } })`, for
 * `Runtime.instantiate`. Each import is read from the object by module and
 * name and typed by the import's declaration: plain functions become host
 * functions, numbers and bigints immutable globals; the runtime's own
 * `WasmFunction`, `Memory`, `Global`, `Table` and `Module` objects are used
 * as they are. A namespace the object does not have is looked up by name
 * among the runtime's instantiated modules, as without an import object.
 *
 * @module
 */

import { ExternKind, type Import, ValType, valTypeName } from "../binary/types.ts";
import { LinkError } from "../errors.ts";
import { FunctionInstance, GlobalInstance } from "../interpreter/instances.ts";
import type { CompiledModule } from "./compiled_module.ts";
import { type CallContext, WasmFunction } from "./function.ts";
import { Global } from "./global.ts";
import { hostCall } from "./host_module.ts";
import { canonValType, type ImportProvider, singleEntityProvider } from "./instantiate.ts";
import { Memory } from "./memory.ts";
import { Module } from "./module.ts";
import { Table } from "./table.ts";
import { inContext, writeValue } from "./values.ts";

/**
 * A function in an import object. It receives the parameters as JS values
 * (i32/f32/f64 → number, i64 → bigint, v128 → unsigned bigint, references as
 * they are) and returns nothing, one value, or an array for several results,
 * or a Promise of those when the module is called with `callAsync`. Unlike a
 * `HostModuleBuilder` function it is not given the calling module: close
 * over the instance's exported memory instead.
 */
export type ImportedFunction = (...params: any[]) => unknown;

/**
 * One import's value: a function (see {@link ImportedFunction}), a function,
 * memory, global or table of this runtime, or a number (i32, f32, f64) or
 * bigint (i64) for an immutable global of the declared type.
 */
export type ImportValue =
  | ImportedFunction
  | WasmFunction
  | Memory
  | Global
  | Table
  | number
  | bigint
  | null;

/**
 * Imports by module name, then import name, as for
 * `WebAssembly.instantiate`. A namespace may also be an instantiated
 * {@link Module}, whose exports are then imported.
 *
 * @example
 * ```ts
 * import { Runtime } from "./mod.ts";
 * using runtime = new Runtime();
 * const module = await runtime.instantiate(`(module
 *   (import "env" "log" (func $log (param i64)))
 *   (import "env" "base" (global $base i32))
 *   (func (export "run") (call $log (i64.extend_i32_s (global.get $base)))))`, {
 *   env: { log: (x: bigint) => console.log(x), base: 41 },
 * });
 * module.exportedFunction("run")!.call(); // prints 41n
 * ```
 */
export type ImportObject = Record<string, Module | Record<string, ImportValue>>;

const isObject = (v: unknown): v is object =>
  v !== null && (typeof v === "object" || typeof v === "function");

/**
 * A resolver for `link`: imports of the namespaces `importObject` has are
 * read from it, the others from `byName` (the runtime's named modules).
 */
export function importObjectResolver(
  compiled: CompiledModule,
  importObject: ImportObject,
  byName: (name: string) => Module | undefined,
  ctx: CallContext,
): (moduleName: string, importIndex: number) => ImportProvider | undefined {
  if (!isObject(importObject)) throw new TypeError("the import object must be an object");
  const imports = compiled.decoded.imports;
  return (moduleName, importIndex) => {
    if (!Object.hasOwn(importObject, moduleName)) return byName(moduleName);
    const namespace = importObject[moduleName];
    if (namespace instanceof Module) return namespace;
    if (!isObject(namespace)) {
      throw new LinkError(`import object: "${moduleName}" must be an object or a Module`);
    }
    const imp = imports[importIndex];
    if (!Object.hasOwn(namespace, imp.name)) {
      throw new LinkError(
        `unknown import: import "${imp.module}" "${imp.name}" is not in the import object`,
      );
    }
    const entity = importedEntity(compiled, imp, namespace[imp.name], ctx);
    return singleEntityProvider(imp.name, imp.desc.kind, entity);
  };
}

/** The engine entity an import object's value stands for, checked against the import's kind. */
function importedEntity(
  compiled: CompiledModule,
  imp: Import,
  value: unknown,
  ctx: CallContext,
): unknown {
  const where = `import "${imp.module}" "${imp.name}"`;
  const d = imp.desc;
  switch (d.kind) {
    case ExternKind.func: {
      if (value instanceof WasmFunction) return WasmFunction.instance(value);
      if (typeof value !== "function") {
        throw new LinkError(`${where} must be a function, got ${describe(value)}`);
      }
      const type = compiled.decoded.types[d.typeIndex];
      const name = `${imp.module}.${imp.name}`;
      const fn = value as ImportedFunction;
      const instance = new FunctionInstance(
        type,
        null,
        null,
        hostCall((_caller, ...params) => fn(...params), type, name, ctx),
        name,
      );
      ctx.fromFuncRef(instance); // its public handle, for values outside calls (exceptions)
      return instance;
    }
    case ExternKind.memory:
      if (value instanceof Memory) return Memory.instance(value);
      throw new LinkError(`${where} must be a Memory, got ${describe(value)}`);
    case ExternKind.table:
      if (value instanceof Table) return Table.instance(value);
      throw new LinkError(`${where} must be a Table, got ${describe(value)}`);
    case ExternKind.global: {
      if (value instanceof Global) return Global.instance(value);
      const t = canonValType(compiled.decoded, d.type.type);
      if (d.type.mutable) {
        throw new LinkError(`${where} is a mutable global: it needs a Global, not a value`);
      }
      if (t === ValType.v128) throw new LinkError(`${where} is a v128 global: it needs a Global`);
      const global = new GlobalInstance(t, false);
      const refs: unknown[] = [null];
      try {
        writeValue(global.bits, refs, 0, t, value, ctx.toFuncRef);
      } catch (e) {
        const err = inContext(e, `${where} (${valTypeName(t)} global)`, 1, 0);
        throw new LinkError(err instanceof Error ? err.message : String(err));
      }
      global.ref = refs[0];
      return global;
    }
  }
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "object") return value.constructor?.name ?? "an object";
  return typeof value;
}
