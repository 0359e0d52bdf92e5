/**
 * The structured tier's JavaScript generation alone: generates the source of
 * every function of a module, several times in one process, and prints each
 * round's time and a hash of all the sources (so that a change meant to keep
 * the output can show that it does; `call_indirect`'s type ids are numbered in
 * the order the process interns types, so a change in that order changes the
 * hash too). Not part of `deno task bench`; for the
 * real programs' modules, which `deno task bench:programs` fetches:
 *
 *     deno run --allow-read bench/codegen.ts MODULE.wasm [--rounds=N]
 *
 * @module
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import process from "node:process";
import { decodeModule } from "../lib/binary/decoder.ts";
import { codegenModule, generateFunction } from "../lib/interpreter/jit/codegen.ts";
import { benchArgs } from "./args.ts";

const usage = "usage: bench/codegen.ts MODULE.wasm [--rounds=N]";
const { option, positional: [file] } = benchArgs({
  options: ["rounds"],
  flags: [],
  positional: 1,
  usage,
});
const rounds = Number(option("rounds") ?? 3);
if (file === undefined || !(rounds >= 1)) {
  console.error(usage);
  process.exit(2);
}
const module = decodeModule(new Uint8Array(readFileSync(file)));
for (let round = 1; round <= rounds; round++) {
  const hash = createHash("sha256");
  // Each round starts from the module's facts, as a compiled module's first generation does.
  const cm = codegenModule(module);
  let generated = 0, declined = 0, bytes = 0;
  const start = performance.now();
  for (let i = 0; i < module.codes.length; i++) {
    const g = generateFunction(cm, module.importedFunctionCount + i);
    if (g === null) {
      declined++;
      continue;
    }
    generated++;
    bytes += g.source.length;
    hash.update(g.source).update(String(g.frameUnits));
  }
  const ms = performance.now() - start;
  console.log(
    `round ${round}: ${generated} functions generated (${declined} declined), ` +
      `${(bytes / 1048576).toFixed(1)} MB of source in ${ms.toFixed(0)} ms; ` +
      `sources sha256 ${hash.digest("hex").slice(0, 16)}`,
  );
}
