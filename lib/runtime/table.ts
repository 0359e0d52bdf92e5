/**
 * {@link Table}: the API's view of a table of references.
 *
 * @module
 */

import { HeapType, heapTypeOf, valTypeName } from "../binary/types.ts";
import type { TableInstance } from "../interpreter/instances.ts";
import { externalize } from "../interpreter/gc_heap.ts";
import { heapTop } from "../validate/type_canon.ts";
import type { TableDefinition, ValueType } from "./definitions.ts";
import { type FuncRefExporter, type FuncRefResolver, refIn } from "./values.ts";
import type { FunctionInstance } from "../interpreter/instances.ts";

/**
 * A table, exported by a module or created by a host module. Elements are
 * `null`, a function (for `funcref` tables) or any JS value (for
 * `externref` tables).
 */
export class Table {
  readonly #table: TableInstance;
  readonly #toFuncRef: FuncRefResolver;
  readonly #fromFuncRef: FuncRefExporter;
  /** What the module declared about this table. */
  readonly definition: TableDefinition;

  /** @internal */
  constructor(
    table: TableInstance,
    definition: TableDefinition,
    toFuncRef: FuncRefResolver,
    fromFuncRef: FuncRefExporter,
  ) {
    this.#table = table;
    this.definition = definition;
    this.#toFuncRef = toFuncRef;
    this.#fromFuncRef = fromFuncRef;
  }

  /** @internal The engine's table. */
  static instance(t: Table): TableInstance {
    return t.#table;
  }

  /** The element type: `"funcref"`, `"externref"`, or a 3.0 reference type's text. */
  get element(): ValueType {
    return valTypeName(this.#table.type) as ValueType;
  }

  /** True for tables of function references (`funcref`, `(ref $f)` ...). */
  get #holdsFunctions(): boolean {
    return heapTop(heapTypeOf(this.#table.type)) === HeapType.func;
  }

  /** Number of elements. */
  get size(): number {
    return this.#table.elements.length;
  }

  /** The element at `index`, or `undefined` out of range. */
  get(index: number): unknown {
    const e = this.#table.elements;
    if (!Number.isInteger(index) || index < 0 || index >= e.length) return undefined;
    const v = e[index];
    if (v === null) return null;
    return this.#holdsFunctions ? this.#fromFuncRef(v as FunctionInstance) : externalize(v);
  }

  /**
   * Sets the element at `index`; returns false out of range. Throws a
   * TypeError for a value not of the element type (as calls check them).
   */
  set(index: number, value: unknown): boolean {
    const e = this.#table.elements;
    if (!Number.isInteger(index) || index < 0 || index >= e.length) return false;
    e[index] = refIn(value, this.#table.type, this.#toFuncRef);
    return true;
  }

  /** Grows by `delta` elements set to `init`; returns the previous size, or -1. */
  grow(delta: number, init: unknown = null): number {
    if (!Number.isInteger(delta) || delta < 0) return -1;
    return this.#table.grow(delta, refIn(init, this.#table.type, this.#toFuncRef));
  }
}
