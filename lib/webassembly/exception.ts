/**
 * `WebAssembly.Tag` and `WebAssembly.Exception` (the JS API of exception
 * handling). A `WebAssembly.Tag` holds a runtime {@link Tag}; a
 * `WebAssembly.Exception` holds a runtime {@link WasmException}, one object
 * per exception, so an exception keeps its identity across wasm and JS.
 *
 * A JS exception a JS import throws (other than a `WebAssembly.Exception`
 * or a trap) crosses wasm frames as an exception of `WebAssembly.JSTag`
 * carrying the value (`catch_all` and a `catch` of the imported JSTag catch
 * it); one no handler catches reaches JS as the value itself again.
 *
 * @module
 */

import {
  exceptionOfInternalValues,
  internalValuesOf,
  Tag,
  type WasmException,
} from "../interpreter/exceptions.ts";
import { ValType } from "../binary/types.ts";
import type { FacadeContext } from "./context.ts";
import { finishInterface, requireDictionary } from "./idl.ts";
import { enforceUnsignedLong, toJSValue, toWebAssemblyValue, valueTypeCode } from "./values.ts";

/** The constructors of `WebAssembly.Tag` and `WebAssembly.Exception` for one namespace. */
export function defineExceptions(ctx: FacadeContext): {
  Tag: new (descriptor: unknown) => object;
  Exception: new (tag: unknown, payload: unknown, options?: unknown) => object;
  JSTag: object;
} {
  const tagSlot = (v: unknown): Tag => {
    const tag = ctx.tags.get(v as object);
    if (tag === undefined) throw new TypeError("not a WebAssembly.Tag");
    return tag;
  };
  const exnSlot = (v: unknown): WasmException => {
    const e = ctx.exceptions.get(v as object);
    if (e === undefined) throw new TypeError("not a WebAssembly.Exception");
    return e;
  };
  const lookup = (v: unknown) => ctx.functions.get(v as object);

  // JS exceptions crossing wasm frames are exceptions of this tag, their value its payload.
  const jsTag = new Tag([ValType.externref], "WebAssembly.JSTag");
  ctx.jsTag = jsTag;

  class WebAssemblyTag {
    constructor(descriptor: unknown) {
      const d = requireDictionary(descriptor, "the tag descriptor");
      const parameters = d.parameters;
      if (parameters === undefined || parameters === null || typeof parameters !== "object") {
        throw new TypeError("the tag descriptor needs 'parameters', a sequence of value types");
      }
      const types = [...(parameters as Iterable<unknown>)].map((p) => {
        const t = valueTypeCode(String(p));
        if (t === undefined) throw new TypeError(`invalid tag parameter type ${String(p)}`);
        return t;
      });
      const tag = new Tag(types, "WebAssembly.Tag");
      ctx.tags.set(this, tag);
      ctx.tagObjects.set(tag, this);
    }
  }
  finishInterface(WebAssemblyTag, "Tag");
  Object.defineProperty(WebAssemblyTag, "name", { value: "Tag" });

  class WebAssemblyException {
    // The options are a rest parameter so that `length` is 2, as WebIDL's.
    constructor(tag: unknown, payload: unknown, ...rest: unknown[]) {
      const t = tagSlot(tag);
      if (t === jsTag) throw new TypeError("an Exception of WebAssembly.JSTag cannot be created");
      if (payload === null || typeof payload !== "object") {
        throw new TypeError("the exception payload must be a sequence");
      }
      const values = [...(payload as Iterable<unknown>)];
      const params = t.type.params;
      if (values.length !== params.length) {
        throw new TypeError(`the tag takes ${params.length} values, got ${values.length}`);
      }
      const e = exceptionOfInternalValues(
        t,
        values.map((v, i) => toWebAssemblyValue(v, params[i], lookup)),
      );
      const options = rest[0];
      if (options !== undefined && options !== null && typeof options === "object") {
        if ((options as { traceStack?: unknown }).traceStack !== true) {
          Object.defineProperty(this, "stack", { value: undefined, writable: true });
        }
      }
      ctx.exceptions.set(this, e);
      ctx.exceptionObjects.set(e, this);
    }

    /** Value `index` of the exception, whose tag must be `tag`. */
    getArg(tag: unknown, index: unknown): unknown {
      const e = exnSlot(this);
      const t = tagSlot(tag);
      const i = enforceUnsignedLong(index, "the index");
      if (t !== e.tag) throw new TypeError("the exception's tag is not the given tag");
      const params = t.type.params;
      if (i >= params.length) throw new RangeError(`index ${i} out of range`);
      return toJSValue(internalValuesOf(e)[i], params[i], ctx.functionObject);
    }

    /** True when the exception's tag is `tag`. */
    is(tag: unknown): boolean {
      return exnSlot(this).tag === tagSlot(tag);
    }
  }
  finishInterface(WebAssemblyException, "Exception");
  Object.defineProperty(WebAssemblyException, "name", { value: "Exception" });

  ctx.tagObject = (tag) => {
    let object = ctx.tagObjects.get(tag);
    if (object === undefined) {
      object = Object.create(WebAssemblyTag.prototype) as object;
      ctx.tags.set(object, tag);
      ctx.tagObjects.set(tag, object);
    }
    return object;
  };
  ctx.exceptionObject = (e) => {
    // A JS exception wasm did not catch: the JS value itself again.
    if (e.tag === jsTag) return e.refs[0];
    let object = ctx.exceptionObjects.get(e);
    if (object === undefined) {
      object = Object.create(WebAssemblyException.prototype) as object;
      Object.defineProperty(object, "stack", { value: e.stack, writable: true });
      ctx.exceptions.set(object, e);
      ctx.exceptionObjects.set(e, object);
    }
    return object;
  };
  return { Tag: WebAssemblyTag, Exception: WebAssemblyException, JSTag: ctx.tagObject(jsTag) };
}
