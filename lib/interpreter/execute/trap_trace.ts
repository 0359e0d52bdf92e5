/**
 * The wasm stack trace of a trap: `wasmStack` (innermost frame first) and
 * the `stack` text built from it. Both tiers add the frames they unwind;
 * after {@link MAX_TRACE_FRAMES} named frames the rest are only counted, so
 * a runaway recursion a million frames deep gives a short trace.
 *
 * @module
 */

import { RuntimeError } from "../../errors.ts";

/**
 * The trap that `e`, thrown while wasm code ran, stands for: a
 * `RuntimeError` as it is; a `RangeError` from a `DataView`'s range check
 * ("out of bounds memory access") or from the host's own stack limit (the
 * fallback for the runtime's: "call stack exhausted"); anything else is not
 * a trap (null).
 */
export function asTrap(e: unknown): RuntimeError | null {
  if (e instanceof RuntimeError) return e;
  if (!(e instanceof RangeError)) return null;
  return new RuntimeError(
    /call stack/i.test(e.message) ? "call stack exhausted" : "out of bounds memory access",
  );
}

/** Most frames a trap's wasm stack trace names; the rest are counted. */
export const MAX_TRACE_FRAMES = 50;

interface Traced {
  wasmStack?: string[];
  /** The named frames. */
  traceNamed?: string[];
  /** Frames unwound beyond the named ones. */
  traceMore?: number;
}

/**
 * A frame of a trace: the function's name and the byte offset of its
 * instruction (`name (wasm @0x1f)`), or `name (wasm)` when the offset is
 * unknown (negative).
 */
export function wasmFrameText(name: string, offset: number): string {
  return offset < 0 ? `${name} (wasm)` : `${name} (wasm @0x${offset.toString(16)})`;
}

/**
 * Adds `frames` (texts such as `name (wasm @0x1f)`, innermost first) and
 * then `unnamed` more frames to the trace of `trap`.
 */
export function addTraceFrames(trap: RuntimeError, frames: readonly string[], unnamed = 0): void {
  const t = trap as RuntimeError & Traced;
  const named = t.traceNamed ?? [];
  let more = t.traceMore ?? 0;
  for (const frame of frames) {
    if (more === 0 && named.length < MAX_TRACE_FRAMES) named.push(frame);
    else more++;
  }
  more += unnamed;
  const wasmStack = more > 0
    ? [...named, `... ${more} more frame${more === 1 ? "" : "s"}`]
    : [...named];
  define(t, "traceNamed", named);
  define(t, "traceMore", more);
  define(t, "wasmStack", wasmStack);
  trap.stack = `RuntimeError: ${trap.message}\n` +
    wasmStack.map((frame) => `    at ${frame}`).join("\n");
}

function define(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, configurable: true, writable: true });
}
