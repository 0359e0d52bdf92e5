/**
 * Decoding of the `name` custom section (module, function and local names),
 * used for stack traces and function definitions. Custom sections never make
 * a module malformed, so a broken name section is ignored, not reported.
 *
 * @module
 */

import { CompileError } from "../errors.ts";
import { ByteReader } from "./reader.ts";
import type { NameSection } from "./types.ts";

const MODULE_NAME = 0, FUNCTION_NAMES = 1, LOCAL_NAMES = 2;

/**
 * Decodes the contents of a `name` section found at `start..end`. Returns
 * `undefined` when the section is malformed; unknown subsections are skipped.
 */
export function decodeNameSection(
  bytes: Uint8Array,
  start: number,
  end: number,
): NameSection | undefined {
  const r = new ByteReader(bytes, start, end);
  const names: NameSection = { functions: new Map(), locals: new Map() };
  try {
    while (!r.atEnd()) {
      const id = r.u8();
      const size = r.u32();
      if (size > r.end - r.pos) return undefined;
      const subEnd = r.pos + size;
      const sectionEnd = r.end;
      r.end = subEnd;
      if (id === MODULE_NAME) names.module = r.name();
      else if (id === FUNCTION_NAMES) readNameMap(r, names.functions);
      else if (id === LOCAL_NAMES) {
        const n = r.vecLength(2);
        for (let i = 0; i < n; i++) {
          const func = r.u32();
          const map = new Map<number, string>();
          readNameMap(r, map);
          names.locals.set(func, map);
        }
      }
      r.pos = subEnd;
      r.end = sectionEnd;
    }
  } catch (e) {
    if (e instanceof CompileError) return undefined;
    throw e;
  }
  return names;
}

function readNameMap(r: ByteReader, into: Map<number, string>): void {
  const n = r.vecLength(2);
  for (let i = 0; i < n; i++) {
    const index = r.u32();
    into.set(index, r.name());
  }
}
