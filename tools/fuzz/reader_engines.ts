/**
 * The engines of `reader_matrix.ts`: a family's module run natively or in
 * wazero-ts, and a call's outcome as text to compare (also used by
 * `tests/interpreter/int32_words_test.ts`, without the native engine).
 *
 * @module
 */

import { Runtime } from "../../mod.ts";
import type { Input } from "./reader_families.ts";

/** What one engine does with an input: call `f` after setting up memory, and read back. */
export interface Engine {
  name: string;
  call(f: number, input: Input): unknown;
  /** `n` bytes of memory at `at` (a copy). */
  read(at: number, n: number): Uint8Array;
}

/** The host's native WebAssembly running `bytes`. */
export function nativeEngine(bytes: Uint8Array): Engine {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource));
  const mem = instance.exports.mem as WebAssembly.Memory | undefined;
  const grow = instance.exports.grow as ((pages: number) => number) | undefined;
  return {
    name: "native",
    call(f, input) {
      if (input.memory !== undefined) prepare(mem!, input, grow!);
      return (instance.exports[`f${f}`] as (...a: unknown[]) => unknown)(...input.args);
    },
    read: (at, n) => new Uint8Array(mem!.buffer, at, n).slice(),
  };
}

/** wazero-ts running `bytes` with `jsTier` (false: interpreting; 1: compiled at the first call). */
export async function ourEngine(
  bytes: Uint8Array,
  jsTier: boolean | number,
  name: string,
): Promise<Engine> {
  const module = await new Runtime({ jsTier }).instantiate(bytes);
  const mem = module.exportedMemory("mem");
  let zeros = new Uint8Array(0);
  return {
    name,
    call(f, input) {
      if (input.memory !== undefined) {
        while (mem!.size < input.memory.length) module.exportedFunction("grow")!.call(1);
        if (zeros.length !== mem!.size) zeros = new Uint8Array(mem!.size);
        mem!.write(0, zeros);
        mem!.write(0, input.memory);
      }
      const results = module.exportedFunction(`f${f}`)!.call(...input.args);
      return results.length === 1 ? results[0] : results.length === 0 ? undefined : results;
    },
    read: (at, n) => mem!.read(at, n)!,
  };
}

/** The native memory zeroed, grown to the input's size and filled with its bytes. */
function prepare(mem: WebAssembly.Memory, input: Input, grow: (pages: number) => void): void {
  while (mem.buffer.byteLength < input.memory!.length) grow(1);
  const bytes = new Uint8Array(mem.buffer);
  bytes.fill(0);
  bytes.set(input.memory!);
}

/** The outcome of a call as text: its result and the result ranges of memory, or its trap's kind. */
export function outcome(engine: Engine, f: number, input: Input, nanEqual: boolean): string {
  try {
    const value = engine.call(f, input);
    const values = Array.isArray(value) ? value : [value];
    const text = values.map((v) => nanEqual && Number.isNaN(v) ? "NaN" : String(v)).join(",");
    const ranges = (input.resultAt ?? []).map(([at, n]) => [...engine.read(at, n)].join(" "));
    return [text, ...ranges].join(" | ");
  } catch (e) {
    // Engines word traps their own way: compared by kind.
    const message = (e as Error).message;
    if (/out of bounds/i.test(message)) return "trap: out of bounds";
    if (/(divide|remainder|division) by zero/i.test(message)) return "trap: divide by zero";
    if (/overflow|unrepresentable/i.test(message)) return "trap: overflow";
    return `trap: ${message}`;
  }
}
