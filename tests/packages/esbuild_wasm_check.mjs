// esbuild-wasm (Go's runtime and wasm_exec.js glue), unchanged: its browser build, in this thread
// (worker: false), transforms a TypeScript snippet. Prints one JSON line with the output. With
// FACADE set, the wazero-ts facade replaces (or, under --jitless, provides) globalThis.WebAssembly
// first. argv[2]: the folder holding node_modules/esbuild-wasm. (Its Node build runs the wasm in a
// child `node` process, so only the browser build exercises the WebAssembly in this process.)
import process from "node:process";
import { readFileSync } from "node:fs";

const dir = process.argv[2];
const native = typeof WebAssembly !== "undefined";
if (process.env.FACADE) {
  const { installWebAssembly } = await import("../../webassembly.ts");
  installWebAssembly({ force: true });
}
const esbuild = await import(`${dir}/node_modules/esbuild-wasm/esm/browser.js`);
const start = performance.now();
const bytes = readFileSync(`${dir}/node_modules/esbuild-wasm/esbuild.wasm`);
await esbuild.initialize({ wasmModule: new WebAssembly.Module(bytes), worker: false });
const result = await esbuild.transform(
  "const x: number = 1 + 2;\nexport enum E { A, B }\nexport function f<T>(v: T): T { return v; }",
  { loader: "ts" },
);
console.log(JSON.stringify({
  output: result.code,
  nativeWebAssembly: native,
  ms: Math.round(performance.now() - start),
}));
// Go's runtime keeps the event loop alive.
process.exit(0);
