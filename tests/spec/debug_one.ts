// Temporary debugging aid (not committed): prints the failures of one 3.0 script.
import { readFileSync } from "node:fs";
import process from "node:process";
import { parseWast } from "../../lib/text/index.ts";
import { runScript } from "./script.ts";
const path = "../shared/wasm-spec/3.0/" + process.argv[2];
try {
  const r = await runScript(parseWast(readFileSync(path, "utf8")), {});
  console.log(`${r.passed} passed ${r.failed} failed`);
  for (const f of r.failures.slice(0, Number(process.argv[3] ?? 15))) console.log(f.slice(0, 400));
} catch (e) {
  console.log("ERROR", e);
}
