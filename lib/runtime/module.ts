/**
 * {@link Module}: an instantiated module (compiled or host) and its
 * exports.
 *
 * @module
 */

import type { Tag } from "../interpreter/exceptions.ts";
import { ExternKind } from "../binary/types.ts";
import type { FunctionInstance, InstanceState } from "../interpreter/instances.ts";
import type { ModuleDefinitions, ValueType } from "./definitions.ts";
import type { JsValues, WasmFunction } from "./function.ts";
import { Global } from "./global.ts";
import { Memory } from "./memory.ts";
import { Table } from "./table.ts";
import type { CallContext } from "./function.ts";

/** An export: which index space and which index. */
export interface ExportEntry {
  kind: ExternKind;
  index: number;
}

/** What a module needs from the runtime that owns it. */
export interface ModuleOwner {
  /** Called once when the module closes. */
  onClose(module: Module): void;
  /** The call context for functions of `module`. */
  callContext(module: Module): CallContext;
  /** The public handle of a function instance (shared by all modules). */
  functionHandle(fn: FunctionInstance): WasmFunction;
  /** True when the runtime's code counts fuel. */
  readonly metered: boolean;
}

/**
 * An instantiated module: a compiled module linked to its imports, or a host
 * module. Look up its exports by name; close it when done (or use `using`).
 *
 * @example
 * ```ts
 * using module = await runtime.instantiate(`(module
 *   (memory (export "memory") 1)
 *   (func (export "double") (param i32) (result i32)
 *     local.get 0 i32.const 2 i32.mul))`);
 * module.exportedFunction("double")!.call(21); // [42]
 * module.memory()!.size;                       // 65536
 * ```
 */
export class Module {
  /** The module's name (its import namespace), or `undefined` if anonymous. */
  readonly name: string | undefined;
  /** @internal */
  readonly state: InstanceState;
  /** @internal */
  readonly exports: ReadonlyMap<string, ExportEntry>;
  /** @internal */
  readonly definitions: ModuleDefinitions;
  readonly #owner: ModuleOwner;
  #closed = false;
  #fuel = Infinity;
  #memories = new Map<number, Memory>();
  #globals = new Map<number, Global>();
  #tables = new Map<number, Table>();

  /** @internal Modules are made by `Runtime.instantiateModule` and host module builders. */
  constructor(
    name: string | undefined,
    state: InstanceState,
    exports: ReadonlyMap<string, ExportEntry>,
    definitions: ModuleDefinitions,
    owner: ModuleOwner,
  ) {
    this.name = name;
    this.state = state;
    this.exports = exports;
    this.definitions = definitions;
    this.#owner = owner;
  }

  /** True once {@link close} has been called (or the runtime closed). */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * The fuel left for calls into this module: each WebAssembly instruction
   * executed costs one unit, and a call that runs out stops with
   * `RuntimeError("out of fuel")` at the same instruction on every machine.
   * `Infinity` (the default) means unmetered. Needs a runtime created with
   * `{ fuel: true }`; read it after a call to see what is left, assign it to
   * refill.
   *
   * @example
   * ```ts
   * const runtime = new Runtime({ fuel: true });
   * const module = await runtime.instantiate(source);
   * module.fuel = 1_000_000;
   * module.exportedFunction("run")!.call();
   * console.log(1_000_000 - module.fuel, "instructions executed");
   * ```
   */
  get fuel(): number {
    return this.#fuel;
  }

  set fuel(value: number) {
    if (!(value >= 0)) throw new RangeError(`fuel must be a non-negative number, got ${value}`);
    if (value !== Infinity && !this.#owner.metered) {
      throw new Error("fuel metering is off: create the Runtime with { fuel: true }");
    }
    this.#fuel = value;
  }

  #export(name: string, kind: ExternKind): number | undefined {
    const e = this.exports.get(name);
    return e !== undefined && e.kind === kind ? e.index : undefined;
  }

  /** @internal The public handle of a function instance (as `exportedFunction` returns). */
  functionHandle(fn: FunctionInstance): WasmFunction {
    return this.#owner.functionHandle(fn);
  }

  /**
   * The exported function `name`, or `undefined`. The type arguments (not
   * checked; see {@link typedFunction} for a checked form) type `call`'s
   * arguments and results.
   *
   * @example
   * ```ts
   * const add = module.exportedFunction<[number, number], [number]>("add")!;
   * const [sum] = add.call(1, 2); // sum: number
   * ```
   */
  exportedFunction<Params extends unknown[] = unknown[], Results extends unknown[] = unknown[]>(
    name: string,
  ): WasmFunction<Params, Results> | undefined {
    const index = this.#export(name, ExternKind.func);
    return index === undefined
      ? undefined
      : this.#owner.functionHandle(this.state.functions[index]) as WasmFunction<Params, Results>;
  }

  /**
   * The exported function `name`, checked to have exactly the given
   * parameter and result types, with `call` typed from them (i32/f32/f64 →
   * number, i64/v128 → bigint, funcref → function or null).
   *
   * @throws {TypeError} when there is no such exported function or its
   * signature differs.
   * @example
   * ```ts
   * const add = module.typedFunction("add", ["i32", "i32"], ["i32"]);
   * const [sum] = add.call(1, 2);          // sum: number
   * const hash = module.typedFunction("hash", ["i64"], ["i64"]);
   * const [h] = await hash.callAsync(7n);  // h: bigint
   * ```
   */
  typedFunction<
    const Params extends readonly ValueType[],
    const Results extends readonly ValueType[],
  >(
    name: string,
    params: Params,
    results: Results,
  ): WasmFunction<JsValues<Params>, JsValues<Results>> {
    const fn = this.exportedFunction<JsValues<Params>, JsValues<Results>>(name);
    if (fn === undefined) throw new TypeError(`no exported function "${name}"`);
    const def = fn.definition;
    const same = (a: readonly string[], b: readonly string[]) =>
      a.length === b.length && a.every((t, i) => t === b[i]);
    if (!same(def.paramTypes, params) || !same(def.resultTypes, results)) {
      const sig = (p: readonly string[], r: readonly string[]) =>
        `[${p.join(" ")}] -> [${r.join(" ")}]`;
      throw new TypeError(
        `function "${name}" has type ${sig(def.paramTypes, def.resultTypes)}, not ${
          sig(params, results)
        }`,
      );
    }
    return fn;
  }

  /** The exported memory `name`, or `undefined`. */
  exportedMemory(name: string): Memory | undefined {
    const index = this.#export(name, ExternKind.memory);
    return index === undefined ? undefined : this.#memory(index);
  }

  /** The exported global `name`, or `undefined`. */
  exportedGlobal(name: string): Global | undefined {
    const index = this.#export(name, ExternKind.global);
    if (index === undefined) return undefined;
    let g = this.#globals.get(index);
    if (g === undefined) {
      const ctx = this.#owner.callContext(this);
      g = new Global(
        this.state.globals[index],
        this.definitions.globals[index],
        ctx.toFuncRef,
        ctx.fromFuncRef,
      );
      this.#globals.set(index, g);
    }
    return g;
  }

  /** The exported table `name`, or `undefined`. */
  exportedTable(name: string): Table | undefined {
    const index = this.#export(name, ExternKind.table);
    if (index === undefined) return undefined;
    let t = this.#tables.get(index);
    if (t === undefined) {
      const ctx = this.#owner.callContext(this);
      t = new Table(
        this.state.tables[index],
        this.definitions.tables[index],
        ctx.toFuncRef,
        ctx.fromFuncRef,
      );
      this.#tables.set(index, t);
    }
    return t;
  }

  /**
   * A memory of the module (exported or not): memory 0 without an argument,
   * the memory of that index (imports first) for a number, or the exported
   * memory of that name for a string (as {@link exportedMemory}).
   * `undefined` when there is no such memory.
   *
   * @example
   * ```ts
   * // (module (memory 1) (memory $b (export "b") 2))
   * module.memory()!.pages;    // 1
   * module.memory(1)!.pages;   // 2
   * module.memory("b")!.pages; // 2
   * ```
   */
  memory(which: number | string = 0): Memory | undefined {
    if (typeof which === "string") return this.exportedMemory(which);
    if (!Number.isInteger(which) || which < 0 || which >= this.state.memories.length) {
      return undefined;
    }
    return this.#memory(which);
  }

  /** How many memories the module has, imported ones included. */
  get memoryCount(): number {
    return this.state.memories.length;
  }

  /** The exported tag `name` (exception handling), or `undefined`. */
  exportedTag(name: string): Tag | undefined {
    const index = this.#export(name, ExternKind.tag);
    return index === undefined ? undefined : this.state.tags[index];
  }

  #memory(index: number): Memory {
    let m = this.#memories.get(index);
    if (m === undefined) {
      m = new Memory(this.state.memories[index], this.definitions.memories[index]);
      this.#memories.set(index, m);
    }
    return m;
  }

  /** The names of all exports, in module order. */
  exportNames(): string[] {
    return [...this.exports.keys()];
  }

  /**
   * Closes the module: it is removed from its runtime (so it can no longer
   * be imported) and calls into it fail. Code of this module that is still
   * running (e.g. the caller of a host function that closes it) stops with
   * an `ExitError` carrying `exitCode`. Closing twice does nothing.
   */
  close(exitCode = 0): void {
    if (this.#closed) return;
    this.#closed = true;
    this.state.exitCode = exitCode;
    this.#owner.onClose(this);
  }

  /** For `using module = ...`. */
  [Symbol.dispose](): void {
    this.close();
  }

  /** For `await using module = ...`. */
  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}
