/**
 * The WebAssembly text format: `wat2wasm` for single modules and
 * `parseWast` for spec test scripts.
 *
 * @module
 */

export { wat2wasm } from "./wat.ts";
export { parseWast } from "./wast.ts";
export type {
  NanKind,
  WastAction,
  WastCommand,
  WastExpected,
  WastLane,
  WastModule,
  WastValue,
} from "./wast.ts";
