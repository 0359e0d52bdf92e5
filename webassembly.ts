/**
 * The standard `WebAssembly` JavaScript API on wazero-ts, for hosts without
 * a native one (`--jitless` V8, locked-down browsers, embedded engines) or
 * code that wants wazero-ts's controls (fuel, timeouts, memory limits)
 * behind the standard API. Packages written against the JS API (wasm-bindgen,
 * Emscripten, Go's `wasm_exec.js` glue) use it unchanged.
 *
 * @example
 * ```ts
 * import { createWebAssembly } from "./webassembly.ts";
 *
 * const WebAssembly = createWebAssembly({ timeout: 1000 });
 * const bytes = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
 * const { instance } = await WebAssembly.instantiate(bytes, {}) as { instance: object };
 * console.log(instance instanceof WebAssembly.Instance); // true
 * ```
 *
 * @module
 */

import {
  createWebAssemblyNamespace,
  type WebAssemblyNamespace,
} from "./lib/webassembly/namespace.ts";
import type { WebAssemblyOptions } from "./lib/webassembly/context.ts";
import { FACADE_WITHOUT_NATIVE, noNativeWebAssembly } from "./lib/interpreter/engine.ts";

export type { WebAssemblyNamespace, WebAssemblyOptions };

/**
 * Creates a `WebAssembly` namespace object (`Module`, `Instance`, `Memory`,
 * `Table`, `Global`, the three error classes, `validate`, `compile`,
 * `instantiate`, `compileStreaming`, `instantiateStreaming`) that runs
 * modules with wazero-ts. Each call makes an independent namespace.
 *
 * @param options the controls of the runtime behind it: fuel, timeout, memory and table limits, JS tier.
 */
export function createWebAssembly(options: WebAssemblyOptions = {}): WebAssemblyNamespace {
  return createWebAssemblyNamespace(options);
}

/** Options of {@link installWebAssembly}. */
export interface InstallOptions extends WebAssemblyOptions {
  /** Replace a `globalThis.WebAssembly` that already exists (default: keep it). */
  force?: boolean;
}

/**
 * Defines `globalThis.WebAssembly` as a facade namespace where the host has
 * none (or always, with `force`), with the property attributes of the native
 * one (writable, configurable, not enumerable). Returns the namespace now in
 * place: the new facade, or the host's own when it was kept. A facade put
 * where the host had none carries a non-enumerable mark
 * (`Symbol.for("wazero-ts.facadeWithoutNativeWebAssembly")`), by which
 * copies of wazero-ts loaded later still tell a host without a JIT.
 *
 * @example
 * ```ts
 * import { installWebAssembly } from "./webassembly.ts";
 * installWebAssembly();   // a no-op where WebAssembly exists
 * ```
 */
export function installWebAssembly(options: InstallOptions = {}): unknown {
  const global = globalThis as Record<string, unknown>;
  if (!options.force && typeof global.WebAssembly === "object" && global.WebAssembly !== null) {
    return global.WebAssembly;
  }
  const { force: _force, ...rest } = options;
  const withoutNative = noNativeWebAssembly(global.WebAssembly);
  const namespace = createWebAssembly(rest);
  // Copies of the runtime loaded later must still see a host without a JIT (see WITHOUT_JIT).
  if (withoutNative) Object.defineProperty(namespace, FACADE_WITHOUT_NATIVE, { value: true });
  Object.defineProperty(globalThis, "WebAssembly", {
    value: namespace,
    writable: true,
    enumerable: false,
    configurable: true,
  });
  return namespace;
}
