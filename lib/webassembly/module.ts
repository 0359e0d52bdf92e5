/**
 * `WebAssembly.Module`: a compiled module, with the static `exports`,
 * `imports` and `customSections` that describe it.
 *
 * @module
 */

import type { CompiledModule } from "../runtime/compiled_module.ts";
import { WasmException } from "../interpreter/exceptions.ts";
import { compileSync } from "../runtime/compile.ts";
import type { FacadeContext } from "./context.ts";
import { toFacadeError } from "./errors.ts";
import { finishInterface } from "./idl.ts";
import { exceededLimit, exceededSectionCount, JS_EMBEDDING_LIMITS } from "./limits.ts";
import { copyBufferSource } from "./values.ts";

const KIND_NAMES = ["function", "table", "memory", "global", "tag"] as const;

/** Compiles bytes with the namespace's limits; errors become the facade's CompileError. */
export function compileBytes(ctx: FacadeContext, bytes: Uint8Array): CompiledModule {
  const tooMany = exceededSectionCount(bytes);
  if (tooMany !== undefined) throw new ctx.errors.CompileError(tooMany);
  let compiled: CompiledModule;
  try {
    compiled = compileSync(bytes, ctx.compileLimits);
  } catch (e) {
    throw e instanceof WasmException ? ctx.exceptionObject(e) : toFacadeError(ctx.errors, e);
  }
  const exceeded = exceededLimit(compiled.decoded);
  if (exceeded !== undefined) throw new ctx.errors.CompileError(exceeded);
  return compiled;
}

/**
 * A copy of a BufferSource's bytes to compile; a module larger than the JS
 * API allows is a CompileError before anything is copied.
 */
export function moduleBytes(ctx: FacadeContext, source: unknown): Uint8Array {
  const size = (source as { byteLength?: unknown })?.byteLength;
  const isBuffer = source instanceof ArrayBuffer || ArrayBuffer.isView(source);
  if (isBuffer && typeof size === "number" && size > JS_EMBEDDING_LIMITS.moduleBytes) {
    throw new ctx.errors.CompileError(
      `module of ${size} bytes exceeds the JS API's limit of ${JS_EMBEDDING_LIMITS.moduleBytes}`,
    );
  }
  return copyBufferSource(source);
}

/** The constructor of `WebAssembly.Module` for one namespace. */
export function defineModule(
  ctx: FacadeContext,
): new (bytes: unknown) => object {
  const slot = (value: unknown): CompiledModule => {
    const compiled = ctx.modules.get(value as object);
    if (compiled === undefined) throw new TypeError("not a WebAssembly.Module");
    return compiled;
  };
  class WebAssemblyModule {
    constructor(bytes: unknown) {
      ctx.modules.set(this, compileBytes(ctx, moduleBytes(ctx, bytes)));
    }

    /** The module's exports: `{ name, kind }` in order. */
    static exports(module: unknown): { name: string; kind: string }[] {
      return slot(module).decoded.exports.map((e) => ({ name: e.name, kind: KIND_NAMES[e.kind] }));
    }

    /** The module's imports: `{ module, name, kind }` in order. */
    static imports(module: unknown): { module: string; name: string; kind: string }[] {
      return slot(module).decoded.imports.map((i) => ({
        module: i.module,
        name: i.name,
        kind: KIND_NAMES[i.desc.kind],
      }));
    }

    /** Copies of the contents of the custom sections named `sectionName`. */
    static customSections(module: unknown, sectionName: unknown): ArrayBuffer[] {
      const compiled = slot(module);
      if (sectionName === undefined) throw new TypeError("customSections needs a section name");
      const name = String(sectionName);
      return compiled.customSections.filter((s) => s.name === name).map((s) =>
        s.data.slice().buffer
      );
    }
  }
  finishInterface(WebAssemblyModule, "Module");
  Object.defineProperty(WebAssemblyModule, "name", { value: "Module" });
  return WebAssemblyModule;
}
