/**
 * Valid modules to mutate: generated ones, the C programs' `.wasm` files in
 * the repository, and modules of a few spec-suite scripts (read in place
 * from the shared checkout when it is there; never copied).
 *
 * @module
 */

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { parseWast } from "../../lib/text/wast.ts";
import { generateModule } from "./module_gen.ts";
import { encodeModule } from "./module_ir.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** The spec suite's core scripts (the CI checkout, or WASM_SPEC_DIR). */
export const SPEC_DIR: string = process.env.WASM_SPEC_DIR ??
  resolve(root, "../shared/wasm-spec/core");
/** Scripts whose modules cover every section kind and most instructions. */
const SPEC_SCRIPTS = [
  "br_table.wast",
  "bulk.wast",
  "call_indirect.wast",
  "elem.wast",
  "global.wast",
  "memory_grow.wast",
  "simd_lane.wast",
  "table_copy.wast",
  "float_exprs.wast",
  "ref_func.wast",
];

/** The C programs built for the WASI tests. */
export function programModules(): Uint8Array[] {
  const dir = resolve(root, "tests/wasi/programs");
  return readdirSync(dir).filter((f) => f.endsWith(".wasm")).sort()
    .map((f) => new Uint8Array(readFileSync(resolve(dir, f))));
}

/** Up to `perScript` modules of each chosen spec script; none when the suite is absent. */
export function specModules(perScript: number): Uint8Array[] {
  if (!existsSync(SPEC_DIR)) return [];
  const out: Uint8Array[] = [];
  for (const script of SPEC_SCRIPTS) {
    const path = resolve(SPEC_DIR, script);
    if (!existsSync(path)) continue;
    let n = 0;
    for (const c of parseWast(readFileSync(path, "utf8"))) {
      if (c.type !== "module" || n >= perScript) continue;
      const bytes = c.module.kind === "quote" ? undefined : c.module.bytes;
      if (bytes !== undefined) {
        out.push(bytes);
        n++;
      }
    }
  }
  return out;
}

/** Generated modules of seeds `first`.. `first + count - 1`. */
export function generatedModules(first: number, count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => encodeModule(generateModule(first + i).ir));
}
