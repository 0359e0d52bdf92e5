/**
 * wazero-ts: a WebAssembly 2.0 runtime written in TypeScript, with no
 * dependencies and no use of the host's `WebAssembly` object.
 *
 * This is the package's only entry point. Everything exported here is public
 * API; everything under `lib/` that is not re-exported is internal.
 *
 * @example
 * ```ts
 * import { Runtime } from "./mod.ts";
 *
 * const runtime = new Runtime();
 * const compiled = await runtime.compileModule(`
 *   (module
 *     (import "env" "log" (func $log (param i32)))
 *     (func (export "add") (param i32 i32) (result i32)
 *       local.get 0 local.get 1 i32.add))`);
 * const add = compiled.exportedFunctions.get("add")!;
 * console.log(add.paramTypes, "->", add.resultTypes); // ["i32", "i32"] -> ["i32"]
 * console.log(compiled.importedFunctions[0].import); // { module: "env", name: "log" }
 * ```
 *
 * @module
 */

export { Runtime } from "./lib/runtime/runtime.ts";
export type { ModuleSource } from "./lib/runtime/runtime.ts";
export { CompiledModule } from "./lib/runtime/compiled_module.ts";
export type {
  CustomSectionData,
  FunctionDefinition,
  GlobalDefinition,
  ImportName,
  MemoryDefinition,
  TableDefinition,
  ValueType,
} from "./lib/runtime/definitions.ts";
export { CompileError, LinkError, RuntimeError } from "./lib/errors.ts";
export { wat2wasm } from "./lib/text/index.ts";
