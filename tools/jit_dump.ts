/**
 * Prints the JavaScript the structured tier generates for the functions of a
 * wasm module (a development aid for reading the tier's output):
 *
 *     deno run --allow-read tools/jit_dump.ts bench/programs/fib.wasm [FUNC_INDEX[@LOOP]...]
 *
 * Without indices, every defined function is printed (or why it is declined).
 * `INDEX@LOOP` prints the function's loop entry at the `loop` instruction
 * with byte offset LOOP (see `generateFunction`'s `loopAt`).
 *
 * @module
 */

import { readFileSync } from "node:fs";
import process from "node:process";
import { decodeModule } from "../lib/binary/decoder.ts";
import { codegenModule, generateFunction } from "../lib/interpreter/jit/codegen.ts";

const [path, ...indices] = process.argv.slice(2);
if (path === undefined) {
  console.error("usage: jit_dump.ts MODULE.wasm [FUNC_INDEX[@LOOP_OFFSET]...]");
  process.exit(2);
}
const module = decodeModule(new Uint8Array(readFileSync(path)));
const cm = codegenModule(module);
const first = module.importedFunctionCount;
const wanted = indices.length > 0
  ? indices.map((s) => s.split("@").map(Number))
  : Array.from({ length: module.functions.length }, (_, i) => [first + i]);
for (const [index, loopAt = -1] of wanted) {
  console.log(`// ---- function ${index}${loopAt >= 0 ? ` entered at the loop @${loopAt}` : ""}`);
  if (!(index >= first && index < first + module.codes.length)) {
    console.log(index < first && index >= 0 ? "// imported: no code" : "// no such function");
    continue;
  }
  const generated = generateFunction(cm, index, undefined, false, loopAt);
  console.log(generated === null ? "// declined" : generated.source);
}
