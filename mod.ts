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
 * using runtime = new Runtime();
 * await runtime.newHostModuleBuilder("env")
 *   .newFunctionBuilder()
 *   .withFunc((_caller, n) => console.log("fib =", n), ["i32"], [])
 *   .export("log")
 *   .instantiate();
 *
 * const module = await runtime.instantiate(`
 *   (module
 *     (import "env" "log" (func $log (param i32)))
 *     (func $fib (export "fib") (param $n i32) (result i32)
 *       (if (result i32) (i32.lt_s (local.get $n) (i32.const 2))
 *         (then (local.get $n))
 *         (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
 *                        (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
 *     (func (export "run") (call $log (call $fib (i32.const 20)))))`);
 * module.exportedFunction("run")!.call();       // prints "fib = 6765"
 * module.exportedFunction("fib")!.call(10);     // [55]
 * ```
 *
 * @module
 */

export { Runtime } from "./lib/runtime/runtime.ts";
export type { ModuleConfig, RuntimeConfig } from "./lib/runtime/runtime.ts";
export type { ModuleSource } from "./lib/runtime/compile.ts";
export { FEATURE_NAMES, type FeatureConfig, type FeatureName } from "./lib/binary/features.ts";
export { CompiledModule } from "./lib/runtime/compiled_module.ts";
export {
  type CompilationCache,
  type DirectoryCacheOptions,
  directoryCompilationCache,
  inMemoryCompilationCache,
} from "./lib/runtime/compilation_cache.ts";
export { Module } from "./lib/runtime/module.ts";
export { WasmFunction } from "./lib/runtime/function.ts";
export type { WasmFunction as Function } from "./lib/runtime/function.ts";
export { Memory, MEMORY_PAGE_SIZE, utf8Length } from "./lib/runtime/memory.ts";
export { Global } from "./lib/runtime/global.ts";
export { Table } from "./lib/runtime/table.ts";
export { HostFunctionBuilder, HostModuleBuilder } from "./lib/runtime/host_module.ts";
export type { HostFunction } from "./lib/runtime/host_module.ts";
export type { ImportedFunction, ImportObject, ImportValue } from "./lib/runtime/import_object.ts";
export type {
  CustomSectionData,
  DefinitionBase,
  FunctionDefinition,
  GlobalDefinition,
  ImportName,
  MemoryDefinition,
  TableDefinition,
  ValueType,
} from "./lib/runtime/definitions.ts";
export { CompileError, ExitError, LinkError, RuntimeError } from "./lib/errors.ts";
export {
  Tag,
  type TagType,
  type TagValueType,
  WasmException,
} from "./lib/interpreter/exceptions.ts";
export { wat2wasm } from "./lib/text/index.ts";
export { callTracer, Profiler } from "./lib/runtime/listeners.ts";
export type {
  FunctionListener,
  FunctionListenerFactory,
  ProfileEntry,
} from "./lib/runtime/listeners.ts";
export type { CallOptions, JsValueOf, JsValues } from "./lib/runtime/function.ts";

// WASI preview1 and the portable host adapters it runs on.
export { instantiateWasi, runWasi } from "./lib/wasi/wasi.ts";
export type {
  MountSource,
  OutputSink,
  StdinSource,
  WasiConfig,
  WasiInstance,
} from "./lib/wasi/wasi.ts";
export { instantiateAssemblyScript } from "./lib/wasi/assemblyscript.ts";
export type { AssemblyScriptConfig } from "./lib/wasi/assemblyscript.ts";
export { MemoryFileSystem } from "./lib/host/memfs.ts";
export type { MemoryTree } from "./lib/host/memfs.ts";
export { DenoFileSystem } from "./lib/host/deno_fs.ts";
export { NodeFileSystem } from "./lib/host/node_fs.ts";
export type { NodeBigIntStats, NodeDirent, NodeFs } from "./lib/host/node_fs_types.ts";
export { FileType, Whence } from "./lib/host/fs.ts";
export type { DirEntry, FileHandle, FileStat, FileSystem, OpenOptions } from "./lib/host/fs.ts";
export { Errno, errnoName, SysError } from "./lib/host/errno.ts";
export { fakeClock, systemClock } from "./lib/host/clock.ts";
export type { Clock } from "./lib/host/clock.ts";
export { cryptoRandom, seededRandom } from "./lib/host/random.ts";
export type { RandomSource } from "./lib/host/random.ts";
export {
  bytesInput,
  callbackOutput,
  CollectedOutput,
  discardOutput,
  emptyInput,
} from "./lib/host/stdio.ts";
export type { HostStdio, InputStream, OutputStream } from "./lib/host/stdio.ts";
export { detectHost, hostAdapters } from "./lib/host/host.ts";
export type { HostAdapters, HostKind } from "./lib/host/host.ts";
export type { SocketConn, SocketListener } from "./lib/host/socket.ts";

// The standard WebAssembly JavaScript API on this runtime (see webassembly.ts, polyfill.ts).
export { createWebAssembly, installWebAssembly } from "./webassembly.ts";
export type { InstallOptions, WebAssemblyNamespace, WebAssemblyOptions } from "./webassembly.ts";
