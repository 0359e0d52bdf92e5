/**
 * `wat2wasm`: the text format to the binary format in one call.
 *
 * @module
 */

import { CompileError } from "../errors.ts";
import { encodeModule } from "./encoder.ts";
import { parseModuleText } from "./module_parser.ts";

/**
 * Parses one module in the text format, either `(module ...)` or bare module
 * fields, and returns its binary encoding. Throws a `CompileError` carrying
 * the line and column of the first problem when the text is malformed.
 *
 * @example
 * ```ts
 * const bytes = wat2wasm(`(func (export "one") (result i32) i32.const 1)`);
 * ```
 */
export function wat2wasm(text: string): Uint8Array {
  try {
    return encodeModule(parseModuleText(text));
  } catch (e) {
    // The parser recurses on nested expressions; text nested deeper than the host's stack allows
    // is reported as what it is, not as the host's RangeError.
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new CompileError("module text nests too deeply to parse");
    }
    throw e;
  }
}
