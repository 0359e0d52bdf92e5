// Runs a WASI program with Node's built-in node:wasi, for comparison with
// `deno task wazero run` (see wasi_crosscheck.sh). Usage:
//   node bench/node_wasi_run.mjs [--mount host:guest]... [--env K=V]... prog.wasm [args...]
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { WASI } from "node:wasi";

const argv = process.argv.slice(2);
const preopens = {};
const env = {};
while (argv[0]?.startsWith("--")) {
  const flag = argv.shift();
  const value = argv.shift();
  if (flag === "--mount") {
    const [host, guest] = value.split(":");
    preopens[guest ?? host] = host;
  } else if (flag === "--env") {
    const eq = value.indexOf("=");
    env[value.slice(0, eq)] = value.slice(eq + 1);
  }
}
const file = argv.shift();
const wasi = new WASI({
  version: "preview1",
  args: [basename(file), ...argv],
  env,
  preopens,
  returnOnExit: true,
});
const module = await WebAssembly.compile(readFileSync(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exitCode = wasi.start(instance);
