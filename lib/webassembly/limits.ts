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
