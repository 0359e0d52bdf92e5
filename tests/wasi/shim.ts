/**
 * A WAT module that imports every WASI function and re-exports it with its
 * memory, so tests can call WASI functions directly with chosen pointers.
 */

import { instantiateWasi, type Module, Runtime, type WasiConfig } from "../../mod.ts";
import { WASI_FUNCTIONS } from "../../lib/wasi/signatures.ts";

/** A guest-side handle on the WASI functions. */
export interface Shim {
  module: Module;
  /** Calls a WASI function; returns its errno. */
  call(name: string, ...args: (number | bigint)[]): number;
  /** Writes a string at `ptr`; returns its byte length. */
  str(ptr: number, text: string): number;
  u32(ptr: number): number;
  u64(ptr: number): bigint;
  bytes(ptr: number, len: number): Uint8Array;
  runtime: Runtime;
}

/** Instantiates WASI with `config` and the shim importing from `moduleName`. */
export async function shim(
  config: WasiConfig = {},
  moduleName = "wasi_snapshot_preview1",
): Promise<Shim> {
  const runtime = new Runtime();
  await instantiateWasi(runtime, config);
  let imports = "", exports = "";
  for (const [name, params] of Object.entries(WASI_FUNCTIONS)) {
    const types = params.map((p) => (p.endsWith(":i64") ? "i64" : "i32"));
    const result = name === "proc_exit" ? "" : "(result i32)";
    const sig = `(param ${types.join(" ")}) ${result}`.replace("(param )", "");
    imports += `(import "${moduleName}" "${name}" (func $${name} ${sig}))\n`;
    exports += `(func (export "${name}") ${sig} ${
      types.map((_, i) => `local.get ${i}`).join(" ")
    } call $${name})\n`;
  }
  const module = await runtime.instantiate(
    `(module ${imports} (memory (export "memory") 1) ${exports})`,
    { name: null },
  );
  const memory = module.memory()!;
  return {
    module,
    runtime,
    call: (name, ...args) => module.exportedFunction(name)!.call(...args)[0] as number,
    str(ptr, text) {
      const b = new TextEncoder().encode(text);
      memory.write(ptr, b);
      return b.length;
    },
    u32: (ptr) => memory.readUint32(ptr)!,
    u64: (ptr) => memory.readUint64(ptr)!,
    bytes: (ptr, len) => memory.read(ptr, len)!,
  };
}
