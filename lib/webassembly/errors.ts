/**
 * The JS API's error classes (`WebAssembly.CompileError`, `LinkError`,
 * `RuntimeError`) and the translation of the runtime's own errors into them
 * at the facade's boundary.
 *
 * @module
 */

import * as lib from "../errors.ts";

/** The three error constructors of one `WebAssembly` namespace. */
export interface FacadeErrors {
  CompileError: ErrorConstructor;
  LinkError: ErrorConstructor;
  RuntimeError: ErrorConstructor;
}

/**
 * Defines the three classes as native errors are defined: `name` and
 * `message` on the prototype (not on instances), a constructor of length 1
 * taking `(message, options)` with `cause`, callable only with `new`.
 */
export function defineErrors(): FacadeErrors {
  const make = (name: string): ErrorConstructor => {
    const ctor = class extends Error {
      constructor(message?: string, options?: ErrorOptions) {
        super(message, options);
      }
    };
    Object.defineProperty(ctor, "name", { value: name });
    Object.defineProperty(ctor.prototype, "name", {
      value: name,
      writable: true,
      configurable: true,
      enumerable: false,
    });
    Object.defineProperty(ctor.prototype, "message", {
      value: "",
      writable: true,
      configurable: true,
      enumerable: false,
    });
    return ctor as unknown as ErrorConstructor;
  };
  return {
    CompileError: make("CompileError"),
    LinkError: make("LinkError"),
    RuntimeError: make("RuntimeError"),
  };
}

/**
 * The facade's `RuntimeError`s made from traps: a trap stays a trap when it
 * passes through a JS import into wasm again (wasm's `catch_all` never
 * catches it, as engines mark traps uncatchable).
 */
export const trapErrors: WeakSet<object> = new WeakSet();

/** True when `e` is a trap (the runtime's, or the facade's error for one). */
export function isTrap(e: unknown): boolean {
  return e instanceof lib.RuntimeError || e instanceof lib.ExitError ||
    (typeof e === "object" && e !== null && trapErrors.has(e));
}

/**
 * The facade's error for an error of the runtime (a trap becomes
 * `WebAssembly.RuntimeError`, ...), keeping its message and stack; anything
 * else (a TypeError, an exception a JS import threw) is returned unchanged,
 * as the spec lets it pass through wasm frames.
 */
export function toFacadeError(errors: FacadeErrors, e: unknown): unknown {
  let ctor: ErrorConstructor | undefined;
  if (trapErrors.has(e as object)) return e;
  if (e instanceof lib.RuntimeError) ctor = errors.RuntimeError;
  else if (e instanceof lib.CompileError) ctor = errors.CompileError;
  else if (e instanceof lib.LinkError) ctor = errors.LinkError;
  if (ctor === undefined) return e;
  const error = new ctor((e as Error).message, { cause: e });
  if (ctor === errors.RuntimeError) trapErrors.add(error);
  if ((e as Error).stack !== undefined) {
    Object.defineProperty(error, "stack", {
      value: (e as Error).stack!.replace(/^\w+Error/, ctor.name),
      writable: true,
      configurable: true,
    });
  }
  return error;
}
