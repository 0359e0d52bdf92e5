/**
 * {@link Runtime}: the entry point of the API. A runtime compiles modules
 * and (in later versions) instantiates and links them.
 *
 * @module
 */

import { decodeModule } from "../binary/decoder.ts";
import { CompileError } from "../errors.ts";
import { wat2wasm } from "../text/index.ts";
import { validateModule } from "../validate/module_validator.ts";
import { CompiledModule } from "./compiled_module.ts";

/** What `Runtime.compileModule` accepts: binary module bytes, or WebAssembly text. */
export type ModuleSource = Uint8Array | ArrayBuffer | ArrayBufferView | string;

/**
 * A WebAssembly runtime. Create one per set of modules that link together.
 *
 * @example
 * ```ts
 * import { Runtime } from "./mod.ts";
 * const runtime = new Runtime();
 * const compiled = await runtime.compileModule(`(module (func (export "f")))`);
 * console.log([...compiled.exportedFunctions.keys()]); // ["f"]
 * ```
 */
export class Runtime {
  /**
   * Decodes and validates a module. `source` is the binary format, or a
   * string holding the text format (WAT).
   *
   * @throws {CompileError} (as a rejected promise) when the module is
   * malformed or invalid; the message says what is wrong and where.
   */
  compileModule(source: ModuleSource): Promise<CompiledModule> {
    try {
      return Promise.resolve(compileSync(source));
    } catch (e) {
      return Promise.reject(e);
    }
  }
}

/** Converts any accepted source to a byte view without copying. */
function toBytes(source: Exclude<ModuleSource, string>): Uint8Array {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (ArrayBuffer.isView(source)) {
    return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  }
  throw new TypeError("compileModule expects a Uint8Array, an ArrayBuffer or a string");
}

/** Compiles synchronously; every failure caused by the input is a {@link CompileError}. */
export function compileSync(source: ModuleSource): CompiledModule {
  const bytes = typeof source === "string" ? wat2wasm(source) : toBytes(source);
  try {
    const decoded = decodeModule(bytes);
    validateModule(decoded);
    return new CompiledModule(decoded);
  } catch (e) {
    if (e instanceof CompileError) throw e;
    // A hostile module must not surface as a RangeError or TypeError from deep
    // inside the decoder; report it as what it is, a module we cannot compile.
    throw new CompileError(`cannot compile module: ${(e as Error)?.message ?? e}`);
  }
}
