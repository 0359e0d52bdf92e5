/**
 * `WebAssembly.Global`: a runtime global read and written as a JS value
 * (BigInt for i64); `value` cannot be set on an immutable global, and v128
 * globals cannot be read or written from JS at all.
 *
 * @module
 */

import { ValType } from "../binary/types.ts";
import { GlobalInstance } from "../interpreter/instances.ts";
import { readValue, writeValue } from "../runtime/values.ts";
import type { FunctionInstance } from "../interpreter/instances.ts";
import type { FacadeContext } from "./context.ts";
import { finishInterface, requireDictionary } from "./idl.ts";
import { defaultValue, toJSValue, toWebAssemblyValue, valueTypeCode } from "./values.ts";

const isReference = (t: number) => t === ValType.funcref || t === ValType.externref;

/** Stores a runtime value (see `toWebAssemblyValue`) in a global. */
export function storeGlobal(global: GlobalInstance, value: unknown): void {
  if (isReference(global.type)) global.ref = value;
  else writeValue(global.bits, [], 0, global.type, value, (v) => v as FunctionInstance | null);
}

/** The constructor of `WebAssembly.Global` for one namespace. */
export function defineGlobal(
  ctx: FacadeContext,
): new (descriptor: unknown, value?: unknown) => object {
  const slot = (self: unknown): GlobalInstance => {
    const global = ctx.globals.get(self as object);
    if (global === undefined) throw new TypeError("not a WebAssembly.Global");
    return global;
  };
  const lookup = (v: unknown) => ctx.functions.get(v as object);
  const read = (global: GlobalInstance): unknown => {
    const t = global.type;
    if (t === ValType.v128) throw new TypeError("a v128 global cannot be read from JavaScript");
    const value = isReference(t) ? global.ref : readValue(global.bits, [], 0, t, () => null);
    return toJSValue(value, t, ctx.functionObject);
  };
  class WebAssemblyGlobal {
    // The value is a rest parameter so that `length` is 1, as WebIDL's.
    constructor(descriptor: unknown, ...rest: unknown[]) {
      const value = rest[0];
      if (descriptor === undefined || descriptor === null) {
        throw new TypeError("WebAssembly.Global needs a descriptor");
      }
      const d = requireDictionary(descriptor, "the global descriptor");
      const mutable = Boolean(d.mutable);
      const typeValue = d.value;
      if (typeValue === undefined) throw new TypeError("the global descriptor needs 'value'");
      const name = String(typeValue);
      const type = valueTypeCode(name);
      if (type === undefined || type === ValType.v128) {
        throw new TypeError(`invalid global value type ${name}`);
      }
      const global = new GlobalInstance(type as ValType, mutable);
      storeGlobal(
        global,
        toWebAssemblyValue(value === undefined ? defaultValue(type) : value, type, lookup),
      );
      ctx.globals.set(this, global);
      ctx.globalObjects.set(global, this);
    }

    /** The global's value. */
    get value(): unknown {
      return read(slot(this));
    }

    /** Sets the value of a mutable global (TypeError on an immutable one). */
    set value(value: unknown) {
      const global = slot(this);
      if (!global.mutable) throw new TypeError("the global is immutable");
      if (global.type === ValType.v128) {
        throw new TypeError("a v128 global cannot be written from JavaScript");
      }
      storeGlobal(global, toWebAssemblyValue(value, global.type, lookup));
    }

    /** The global's value. */
    valueOf(): unknown {
      return read(slot(this));
    }
  }
  finishInterface(WebAssemblyGlobal, "Global");
  Object.defineProperty(WebAssemblyGlobal, "name", { value: "Global" });
  return WebAssemblyGlobal;
}
