/**
 * Importing this module defines `globalThis.WebAssembly` with wazero-ts where
 * the host has none (e.g. `deno run --v8-flags=--jitless`), so unmodified
 * packages that use the standard JS API run. Where a native `WebAssembly`
 * exists it is left alone; use `installWebAssembly({ force: true })` from
 * `webassembly.ts` to replace it.
 *
 * @example
 * ```ts
 * import "./polyfill.ts";
 * const { instance } = await WebAssembly.instantiate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
 * ```
 *
 * @module
 */

import { installWebAssembly } from "./webassembly.ts";

installWebAssembly();
