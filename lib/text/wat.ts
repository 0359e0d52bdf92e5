/**
 * `wat2wasm`: the text format to the binary format in one call.
 *
 * @module
 */

import { CompileError } from "../errors.ts";
import { encodeModule } from "./encoder.ts";
import { parseModuleText } from "./module_parser.ts";
import { TokenList } from "./lexer.ts";

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
export function wat2wasm(text: string): Uint8Array<ArrayBuffer> {
  return wat2wasmLocated(text).bytes;
}

/** A module's bytes and the way back from a byte offset to the text. */
export interface LocatedBinary {
  bytes: Uint8Array<ArrayBuffer>;
  /**
   * The line and column of the instruction at (or containing) byte offset
   * `offset` of a function body or constant expression; `undefined` elsewhere.
   */
  locate(offset: number): { line: number; column: number } | undefined;
}

/**
 * {@link wat2wasm} with a source map, so that errors the decoder or the
 * validator find later (with a byte offset) can name a line and column.
 */
export function wat2wasmLocated(text: string): LocatedBinary {
  const map: number[] = [];
  const bytes = encode(text, map);
  const locate = (offset: number) => {
    // The last instruction starting at or before `offset` (the map is sorted by byte offset).
    let lo = 0, hi = map.length / 2 - 1;
    if (hi < 0 || offset < map[0]) return undefined;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (map[mid * 2] <= offset) lo = mid;
      else hi = mid - 1;
    }
    // -1 closes a body or expression: the offset lies between them.
    const at = map[lo * 2 + 1];
    return at < 0 ? undefined : new TokenList(text, []).position(at);
  };
  return { bytes, locate };
}

function encode(text: string, sourceMap: number[]): Uint8Array<ArrayBuffer> {
  try {
    return encodeModule(parseModuleText(text), sourceMap);
  } catch (e) {
    // The parser recurses on nested expressions; text nested deeper than the host's stack allows
    // is reported as what it is, not as the host's RangeError.
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new CompileError("module text nests too deeply to parse");
    }
    throw e;
  }
}
