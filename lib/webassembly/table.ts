/**
 * `WebAssembly.Table`: a runtime table of funcref (exported function
 * objects on the JS side) or externref (any JS value, `undefined` included).
 *
 * @module
 */

import { ValType } from "../binary/types.ts";
import { TableInstance } from "../interpreter/instances.ts";
import type { FacadeContext } from "./context.ts";
import { finishInterface, readAddressType, requireDictionary } from "./idl.ts";
import { defaultValue, enforceAddressValue, toJSValue, toWebAssemblyValue } from "./values.ts";

/** The JS API's largest table (limits.any.js): 10,000,000 elements. */
export const MAX_TABLE_ELEMENTS = 10_000_000;

/** The constructor of `WebAssembly.Table` for one namespace. */
export function defineTable(
  ctx: FacadeContext,
): new (descriptor: unknown, value?: unknown) => object {
  const slot = (self: unknown): TableInstance => {
    const table = ctx.tables.get(self as object);
    if (table === undefined) throw new TypeError("not a WebAssembly.Table");
    return table;
  };
  const lookup = (v: unknown) => ctx.functions.get(v as object);
  // An absent value takes the element type's default; an explicit undefined is converted
  // (so it is a TypeError for funcref), as engines and the suite's get-set tests do.
  const element = (table: TableInstance, rest: unknown[]) =>
    toWebAssemblyValue(rest.length === 0 ? defaultValue(table.type) : rest[0], table.type, lookup);
  const limit = () => Math.min(ctx.options.tableLimit ?? MAX_TABLE_ELEMENTS, MAX_TABLE_ELEMENTS);
  class WebAssemblyTable {
    // The value is a rest parameter so that `length` is 1, as WebIDL's.
    constructor(descriptor: unknown, ...rest: unknown[]) {
      if (descriptor === undefined || descriptor === null) {
        throw new TypeError("WebAssembly.Table needs a descriptor");
      }
      const d = requireDictionary(descriptor, "the table descriptor");
      const elementValue = d.element;
      if (elementValue === undefined) throw new TypeError("the table descriptor needs 'element'");
      const name = String(elementValue);
      const type = name === "anyfunc" || name === "funcref"
        ? ValType.funcref
        : name === "externref"
        ? ValType.externref
        : undefined;
      if (type === undefined) throw new TypeError(`invalid table element type ${name}`);
      const address64 = readAddressType(d);
      const initialValue = d.initial;
      if (initialValue === undefined) throw new TypeError("the table descriptor needs 'initial'");
      const initial = enforceAddressValue(initialValue, address64, "initial");
      const maximumValue = d.maximum;
      const maximum = maximumValue === undefined
        ? undefined
        : enforceAddressValue(maximumValue, address64, "maximum");
      if (maximum !== undefined && maximum < initial) {
        throw new RangeError(`maximum ${maximum} is below initial ${initial}`);
      }
      if (initial > limit()) throw new RangeError(`initial ${initial} exceeds ${limit()} elements`);
      const table = new TableInstance(type, initial, maximum, limit(), address64);
      const init = element(table, rest);
      if (init !== null) table.elements.fill(init);
      ctx.tables.set(this, table);
      ctx.tableObjects.set(table, this);
    }

    /** The number of elements (a BigInt for a 64-bit table). */
    get length(): number | bigint {
      const table = slot(this);
      const n = table.elements.length;
      return table.address64 ? BigInt(n) : n;
    }

    /**
     * Grows by `delta` elements set to `value`; returns the old length (a
     * BigInt for a 64-bit table); RangeError when it cannot.
     */
    grow(delta: unknown, ...rest: unknown[]): number | bigint {
      const table = slot(this);
      const count = enforceAddressValue(delta, table.address64, "delta");
      const init = element(table, rest);
      const old = table.elements.length + count > limit() ? -1 : table.grow(count, init);
      if (old === -1) throw new RangeError(`cannot grow the table by ${count} elements`);
      return table.address64 ? BigInt(old) : old;
    }

    /** Element `index` (RangeError past the end). */
    get(index: unknown): unknown {
      const table = slot(this);
      const i = enforceAddressValue(index, table.address64, "index");
      if (i >= table.elements.length) throw new RangeError(`index ${i} is out of bounds`);
      return toJSValue(table.elements[i], table.type, ctx.functionObject);
    }

    /** Sets element `index` to `value` (the element type's default when missing). */
    set(index: unknown, ...rest: unknown[]): void {
      const table = slot(this);
      const i = enforceAddressValue(index, table.address64, "index");
      if (i >= table.elements.length) throw new RangeError(`index ${i} is out of bounds`);
      table.elements[i] = element(table, rest);
    }
  }
  finishInterface(WebAssemblyTable, "Table");
  Object.defineProperty(WebAssemblyTable, "name", { value: "Table" });
  return WebAssemblyTable;
}
