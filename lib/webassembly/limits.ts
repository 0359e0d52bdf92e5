/**
 * The JS API's implementation limits (the "JS embedding" limits every
 * engine enforces, which the suite's limits.any.js checks): a module past
 * one is not valid for `WebAssembly.validate` and a CompileError for
 * `compile`, even though the core spec would accept it.
 *
 * @module
 */

import type { WasmModule } from "../binary/types.ts";

/** The limits, as the JS API spec lists them. */
export const JS_EMBEDDING_LIMITS = {
  types: 1_000_000,
  functions: 1_000_000,
  imports: 1_000_000,
  exports: 1_000_000,
  globals: 1_000_000,
  dataSegments: 100_000,
  tables: 100_000,
  memories: 1,
  elementSegments: 10_000_000,
  functionSize: 7_654_321,
  functionLocals: 50_000,
  functionParams: 1_000,
  functionResults: 1_000,
  moduleBytes: 1024 * 1024 * 1024,
} as const;

/** Why `module` exceeds a limit, or undefined when it does not. */
export function exceededLimit(module: WasmModule): string | undefined {
  const L = JS_EMBEDDING_LIMITS;
  const over = (what: string, count: number, limit: number) =>
    count > limit ? `${count} ${what} exceed the JS API's limit of ${limit}` : undefined;
  const functions = module.importedFunctionCount + module.functions.length;
  const tables = module.importedTableCount + module.tables.length;
  const memories = module.importedMemoryCount + module.memories.length;
  const globals = module.importedGlobalCount + module.globals.length;
  const simple = over("types", module.types.length, L.types) ??
    over("functions", functions, L.functions) ??
    over("imports", module.imports.length, L.imports) ??
    over("exports", module.exports.length, L.exports) ??
    over("globals", globals, L.globals) ??
    over("data segments", module.data.length, L.dataSegments) ??
    over("tables", tables, L.tables) ??
    over("memories", memories, L.memories) ??
    over("element segments", module.elements.length, L.elementSegments);
  if (simple !== undefined) return simple;
  for (const type of module.types) {
    const why = over("parameters", type.params.length, L.functionParams) ??
      over("results", type.results.length, L.functionResults);
    if (why !== undefined) return why;
  }
  for (let i = 0; i < module.codes.length; i++) {
    const body = module.codes[i];
    const params = module.types[module.functions[i]]?.params.length ?? 0;
    const why = over("locals", params + body.locals.length, L.functionLocals) ??
      over("bytes of function body", bodySize(module.bytes, body.offset), L.functionSize);
    if (why !== undefined) return why;
  }
  return undefined;
}

/** The body size a function's code entry declares (the LEB128 at `offset`). */
function bodySize(bytes: Uint8Array, offset: number): number {
  let size = 0, shift = 0;
  for (let i = offset; i < offset + 5; i++) {
    size += (bytes[i] & 0x7f) * 2 ** shift;
    if ((bytes[i] & 0x80) === 0) break;
    shift += 7;
  }
  return size;
}

/** The limit on the item count of each section whose count bounds one (by section id). */
const SECTION_COUNT_LIMITS: Record<number, [string, number]> = {
  1: ["types", JS_EMBEDDING_LIMITS.types],
  2: ["imports", JS_EMBEDDING_LIMITS.imports],
  3: ["functions", JS_EMBEDDING_LIMITS.functions],
  4: ["tables", JS_EMBEDDING_LIMITS.tables],
  5: ["memories", JS_EMBEDDING_LIMITS.memories],
  6: ["globals", JS_EMBEDDING_LIMITS.globals],
  7: ["exports", JS_EMBEDDING_LIMITS.exports],
  9: ["element segments", JS_EMBEDDING_LIMITS.elementSegments],
  11: ["data segments", JS_EMBEDDING_LIMITS.dataSegments],
};

/**
 * Why a module's section counts exceed a limit, read from the section headers
 * alone (so that a module of ten million element segments is rejected before
 * they are decoded); undefined when none does or the bytes are malformed
 * (the decoder then says what is wrong).
 */
export function exceededSectionCount(bytes: Uint8Array): string | undefined {
  let pos = 8;
  const leb = (): number => {
    let value = 0, shift = 0;
    for (let i = 0; i < 5; i++) {
      if (pos >= bytes.length) return -1;
      const b = bytes[pos++];
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return value;
      shift += 7;
    }
    return -1;
  };
  while (pos < bytes.length) {
    const id = bytes[pos++];
    const size = leb();
    if (size < 0) return undefined;
    const end = pos + size;
    const limit = SECTION_COUNT_LIMITS[id];
    if (limit !== undefined) {
      const count = leb();
      if (count > limit[1]) return `${count} ${limit[0]} exceed the JS API's limit of ${limit[1]}`;
    }
    pos = end;
  }
  return undefined;
}
