/**
 * Producer × reader matrices: each operation's result fed to operations
 * that read it in other ways (a signed or unsigned comparison, a saturating
 * narrow, a division, a conversion, its bits), run natively, interpreted and
 * in the structured tier (compiled at the first call) on inputs with edge
 * values; every difference is printed.
 *
 * Why: the structured tier keeps i32 values, i64 halves and vector words in
 * JavaScript variables, which must stay int32. A word left outside that
 * range is stored right (typed arrays wrap) but read wrong by the next
 * operation that treats it as a number, and the random modules of the
 * differential fuzzer rarely chain such a pair on such a value: two such
 * bugs (`i8x16.avgr_u`, and `i64.shr_u` by a run-time count of 0 or 32)
 * were found this way. `tests/interpreter/int32_words_test.ts` runs part of
 * the integer matrices without a native engine.
 *
 * Families (`reader_families.ts`): `simd` (integer SIMD ops, shifts, lanes,
 * loads, conversions), `scalar` (i32 and i64 ops), `float` (f32 and f64 ops;
 * NaNs compare as NaN: only their signs differ, which the spec leaves open)
 * and `memory` (load and store widths near the ends of memories of 1 to 3
 * pages, grown by `memory.grow`).
 *
 *     deno run -A tools/fuzz/reader_matrix.ts [--only=simd,scalar,float,memory] [--inputs=N]
 *
 * Exits with status 1 when anything differs (CI runs it under Deno and Bun).
 *
 * @module
 */

import { Runtime } from "../../mod.ts";
import { wat2wasm } from "../../lib/text/index.ts";
import {
  type Family,
  type Input,
  memoryFamily,
  scalarFamilies,
  simdFamily,
} from "./reader_families.ts";

const argv: string[] = (globalThis as any).process?.argv?.slice(2) ?? [];
const option = (name: string) =>
  argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const only = option("only")?.split(",") ?? ["simd", "scalar", "float", "memory"];
const inputCount = Number(option("inputs") ?? 42);

/** What one engine does with an input: call `f` after setting up memory, and read back. */
interface Engine {
  name: string;
  call(f: number, input: Input): unknown;
  memory(): Uint8Array | undefined;
}

function nativeEngine(bytes: Uint8Array): Engine {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource));
  const mem = instance.exports.mem as WebAssembly.Memory | undefined;
  const grow = instance.exports.grow as ((pages: number) => number) | undefined;
  return {
    name: "native",
    call(f, input) {
      if (input.memory !== undefined) prepare(mem!, input, grow!);
      return (instance.exports[`f${f}`] as (...a: unknown[]) => unknown)(...input.args);
    },
    memory: () => mem === undefined ? undefined : new Uint8Array(mem.buffer),
  };
}

async function ourEngine(
  bytes: Uint8Array,
  jsTier: boolean | number,
  name: string,
): Promise<Engine> {
  const module = await new Runtime({ jsTier }).instantiate(bytes);
  const mem = module.exportedMemory("mem");
  return {
    name,
    call(f, input) {
      if (input.memory !== undefined) {
        while (mem!.size < input.memory.length) module.exportedFunction("grow")!.call(1);
        mem!.write(0, new Uint8Array(mem!.size));
        mem!.write(0, input.memory);
      }
      const results = module.exportedFunction(`f${f}`)!.call(...input.args);
      return results.length === 1 ? results[0] : results.length === 0 ? undefined : results;
    },
    memory: () => mem?.read(0, mem.size),
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
function outcome(engine: Engine, f: number, input: Input, nanEqual: boolean): string {
  try {
    const value = engine.call(f, input);
    const values = Array.isArray(value) ? value : [value];
    const text = values.map((v) => nanEqual && Number.isNaN(v) ? "NaN" : String(v)).join(",");
    const mem = engine.memory();
    const ranges = (input.resultAt ?? []).map(([at, n]) =>
      [...mem!.subarray(at, at + n)].join(" ")
    );
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

/** Runs one family; returns how many of our (mode, function) pairs differed from native. */
async function check(family: Family): Promise<number> {
  const bytes = wat2wasm(family.source);
  const native = nativeEngine(bytes);
  const ours = [await ourEngine(bytes, false, "interpret"), await ourEngine(bytes, 1, "eager")];
  const differing = new Set<string>();
  for (let n = 0; n < inputCount; n++) {
    const input = family.input(n);
    for (let f = 0; f < family.names.length; f++) {
      const expected = outcome(native, f, input, family.nanEqual);
      for (const engine of ours) {
        const got = outcome(engine, f, input, family.nanEqual);
        const key = `${engine.name}: ${family.names[f]}`;
        if (got !== expected && !differing.has(key)) {
          differing.add(key);
          console.log(`${family.name} ${key}\n  input  ${input.describe}`);
          console.log(`  native ${expected}\n  ours   ${got}`);
        }
      }
    }
  }
  console.log(`${family.name}: ${family.names.length} functions, ${differing.size} differing`);
  return differing.size;
}

const families = [simdFamily(), ...scalarFamilies(), memoryFamily()]
  .filter((family) => only.includes(family.name));
let total = 0;
for (const family of families) total += await check(family);
console.log(`differences: ${total}`);
// A failing exit status for CI (`.ci/run` runs this under Deno and Bun).
if (total > 0) (globalThis as any).process.exitCode = 1;
