/**
 * `deno run --allow-read tools/dump_structured.ts module.wasm [function index...]`:
 * prints the JavaScript the structured tier generates for each function of
 * a module (or the ones named), or why it declines one. A development aid
 * for reading what hot code turns into (see `lib/interpreter/jit/`).
 */
import { readFileSync } from "node:fs";
import process from "node:process";
import { decodeModule } from "../lib/binary/decoder.ts";
import { codegenModule, generateFunction } from "../lib/interpreter/jit/codegen.ts";

const [path, ...which] = process.argv.slice(2);
if (path === undefined) {
  console.error("usage: dump_structured.ts module.wasm [function index...]");
  process.exit(2);
}
const module = decodeModule(new Uint8Array(readFileSync(path)));
const cm = codegenModule(module);
const first = module.importedFunctionCount;
const indices = which.length > 0 ? which.map(Number) : module.codes.map((_, i) => first + i);
for (const index of indices) {
  const generated = generateFunction(cm, index);
  console.log(`// ---- function ${index} ----`);
  console.log(generated === null ? "// declined by the structured tier" : generated.source);
}
