/**
 * What the classes of one `WebAssembly` namespace share: its options, the
 * runtime whose machines run the code, its error classes, and the internal
 * slots of its objects (WeakMaps, which double as the spec's brand checks:
 * an object not in the map is not a `WebAssembly.Memory`...).
 *
 * @module
 */

import type { Tag, WasmException } from "../interpreter/exceptions.ts";
import type { CompiledModule } from "../runtime/compiled_module.ts";
import type {
  FunctionInstance,
  GlobalInstance,
  MemoryInstance,
  TableInstance,
} from "../interpreter/instances.ts";
import type { Runtime } from "../runtime/runtime.ts";
import type { CompileLimits } from "../runtime/compile.ts";
import type { FacadeErrors } from "./errors.ts";

/**
 * Options of a `WebAssembly` namespace made by `createWebAssembly`: the
 * controls wazero-ts adds to the standard API. Every one is off (or at the
 * runtime's default) unless set.
 */
export interface WebAssemblyOptions {
  /**
   * A fuel budget shared by every call into wasm code of this namespace: each
   * instruction costs one unit, and a call that runs out traps with
   * `WebAssembly.RuntimeError`. Unlimited when absent (and then free).
   */
  fuel?: number;
  /** Milliseconds an outermost call into wasm code may run before it traps ("interrupted"). */
  timeout?: number;
  /** Most pages (64 KiB) any memory may have (default 65,536: 4 GiB). */
  memoryLimitPages?: number;
  /** Most elements any table may have (default 10,000,000, the JS API's limit). */
  tableLimit?: number;
  /** As `RuntimeConfig.jsTier`: compile hot functions to JavaScript (default true). */
  jsTier?: boolean | number;
  /** Size of the wasm call stack in bytes (as `RuntimeConfig.maxStackBytes`). */
  maxStackBytes?: number;
}

/** The shared state of one namespace. */
export interface FacadeContext {
  readonly options: WebAssemblyOptions;
  readonly runtime: Runtime;
  readonly compileLimits: CompileLimits;
  readonly errors: FacadeErrors;
  /** Fuel left for all calls (Infinity when unmetered). */
  fuel: number;
  /** Deadline of the outermost running call (performance.now() time), or Infinity. */
  deadline: number;
  readonly modules: WeakMap<object, CompiledModule>;
  readonly memories: WeakMap<object, MemoryInstance>;
  readonly memoryObjects: WeakMap<MemoryInstance, object>;
  readonly tables: WeakMap<object, TableInstance>;
  readonly tableObjects: WeakMap<TableInstance, object>;
  readonly globals: WeakMap<object, GlobalInstance>;
  readonly globalObjects: WeakMap<GlobalInstance, object>;
  readonly functions: WeakMap<object, FunctionInstance>;
  readonly functionObjects: WeakMap<FunctionInstance, object>;
  readonly tags: WeakMap<object, Tag>;
  readonly tagObjects: WeakMap<Tag, object>;
  readonly exceptions: WeakMap<object, WasmException>;
  readonly exceptionObjects: WeakMap<WasmException, object>;
  /** The `WebAssembly.Tag` of a runtime tag. */
  tagObject(tag: Tag): object;
  /** The JS value of a runtime exception: its `WebAssembly.Exception`, or a JS exception's value. */
  exceptionObject(e: WasmException): unknown;
  /** `WebAssembly.JSTag`'s tag: JS exceptions crossing wasm frames carry it. */
  jsTag: Tag | null;
  /** The `WebAssembly.Memory` of a runtime memory (made on first use, then the same object). */
  memoryObject(memory: MemoryInstance): object;
  /** The `WebAssembly.Table` of a runtime table. */
  tableObject(table: TableInstance): object;
  /** The `WebAssembly.Global` of a runtime global. */
  globalObject(global: GlobalInstance): object;
  /**
   * The exported function object of a runtime function; `index` names a host
   * function (which no instance defines) by where it is exported.
   */
  functionObject(fn: FunctionInstance, index?: number): object;
}

/** An object of `proto`'s class holding `slot` in `slots` (how exports become API objects). */
export function cachedObject<T extends object>(
  slot: T,
  slots: WeakMap<object, T>,
  objects: WeakMap<T, object>,
  proto: object,
): object {
  let object = objects.get(slot);
  if (object === undefined) {
    object = Object.create(proto) as object;
    slots.set(object, slot);
    objects.set(slot, object);
  }
  return object;
}
