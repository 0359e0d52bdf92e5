/**
 * Compiling: module bytes or WebAssembly text to a {@link CompiledModule}
 * (decoded and validated; function bodies translated on their first call).
 *
 * @module
 */

import { decodeModule } from "../binary/decoder.ts";
import { FEATURE_NAMES, type Features } from "../binary/features.ts";
import { CompileError } from "../errors.ts";
import { translateModule } from "../interpreter/translate/translator.ts";
import { wat2wasmLocated } from "../text/wat.ts";
import { validateModule } from "../validate/module_validator.ts";
import { CompiledModule } from "./compiled_module.ts";
import { CachedModule } from "./cached_module.ts";
import type { CompilationCache } from "./compilation_cache.ts";

/** What `Runtime.compileModule` accepts: binary module bytes, or WebAssembly text. */
export type ModuleSource = Uint8Array | ArrayBuffer | ArrayBufferView | string;

/** Limits and options applied while compiling. */
export interface CompileLimits {
  fuel: boolean;
  /** The deterministic profile (`RuntimeConfig.deterministic`). */
  deterministic?: boolean;
  listeners: boolean;
  maxModuleBytes: number;
  maxFunctions: number;
  features: Features;
  /** Where validations and generated code are kept (`RuntimeConfig.compilationCache`). */
  cache?: CompilationCache;
  /** The runtime's open cache entries, by key, which it writes back when it closes. */
  cacheEntries?: Map<string, CachedModule>;
}

/** Module bytes whose owner handed them over (see {@link handOverBytes}): compiled without a copy. */
const handedOver = new WeakSet<Uint8Array>();

/**
 * @internal Marks `bytes` as the runtime's from now on, so that compiling
 * them skips the defensive copy (a large module's copy costs its size in
 * memory and, on some machines, a tenth of a second in page faults). For
 * callers inside the project that read a file and never touch the bytes
 * again (the command line).
 */
export function handOverBytes(bytes: Uint8Array): Uint8Array {
  handedOver.add(bytes);
  return bytes;
}

/** Converts any accepted source to bytes (a copy, so later changes by the caller cannot leak in). */
function toBytes(source: Exclude<ModuleSource, string>): Uint8Array {
  if (source instanceof Uint8Array && handedOver.has(source)) {
    handedOver.delete(source);
    return source;
  }
  if (source instanceof Uint8Array) return source.slice();
  if (source instanceof ArrayBuffer) return new Uint8Array(source.slice(0));
  if (ArrayBuffer.isView(source)) {
    return new Uint8Array(source.buffer, source.byteOffset, source.byteLength).slice();
  }
  throw new TypeError("compileModule expects a Uint8Array, an ArrayBuffer or a string");
}

/** Compiles synchronously; every failure caused by the input is a {@link CompileError}. */
export function compileSync(source: ModuleSource, limits: CompileLimits): CompiledModule {
  if (typeof source !== "string") return compileBytes(toBytes(source), limits);
  const text = wat2wasmLocated(source);
  try {
    return compileBytes(text.bytes, limits);
  } catch (e) {
    // An invalid instruction is reported at its place in the text, not at a byte offset.
    const at = e instanceof CompileError && e.offset !== undefined
      ? text.locate(e.offset)
      : undefined;
    if (at === undefined) throw e;
    throw new CompileError((e as CompileError).reason, at);
  }
}

function compileBytes(bytes: Uint8Array, limits: CompileLimits): CompiledModule {
  if (bytes.length > limits.maxModuleBytes) {
    throw new CompileError(
      `module of ${bytes.length} bytes exceeds the limit of ${limits.maxModuleBytes} bytes`,
    );
  }
  try {
    // Function bodies are decoded and validated here, and translated on their first call.
    const decoded = decodeModule(bytes, { checkCode: false, features: limits.features });
    const functions = decoded.importedFunctionCount + decoded.functions.length;
    if (functions > limits.maxFunctions) {
      throw new CompileError(
        `module has ${functions} functions, more than the limit of ${limits.maxFunctions}`,
      );
    }
    const deterministic = limits.deterministic ?? false;
    const cached = limits.cache === undefined ? undefined : CachedModule.open(
      limits.cache,
      bytes,
      {
        fuel: limits.fuel,
        deterministic,
        listeners: limits.listeners,
        features: FEATURE_NAMES.map((name) => limits.features[name] ? name : "").join(","),
      },
      limits.cacheEntries ?? new Map(),
    );
    // Bytes the cache has an entry for were validated under the same features: the module-level
    // checks run again (they are cheap), the function bodies not.
    const ctx = validateModule(decoded, cached?.validated !== true);
    const code = translateModule(ctx, {
      fuel: limits.fuel,
      listeners: limits.listeners,
      deterministic,
      lazy: true,
      sources: cached,
    });
    if (cached !== undefined) {
      // Only now, with the module valid: the validation is stored now, the generated code when
      // the runtime closes.
      cached.save();
      limits.cacheEntries?.set(cached.key, cached);
    }
    return new CompiledModule(decoded, code, limits.fuel, limits.listeners, deterministic);
  } catch (e) {
    if (e instanceof CompileError) throw e;
    // A hostile module must not surface as a RangeError or TypeError from deep
    // inside the decoder; report it as what it is, a module we cannot compile.
    throw new CompileError(`cannot compile module: ${(e as Error)?.message ?? e}`);
  }
}
