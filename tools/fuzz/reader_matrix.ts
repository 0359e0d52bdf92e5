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

import { wat2wasm } from "../../lib/text/index.ts";
import { type Family, memoryFamily, scalarFamilies, simdFamily } from "./reader_families.ts";
import { nativeEngine, ourEngine, outcome } from "./reader_engines.ts";

const argv: string[] = (globalThis as any).process?.argv?.slice(2) ?? [];
const option = (name: string) =>
  argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const only = option("only")?.split(",") ?? ["simd", "scalar", "float", "memory"];
const inputCount = Number(option("inputs") ?? 42);

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
