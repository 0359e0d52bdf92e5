// lightningcss-wasm (Rust, napi-wasm glue), unchanged: minifies CSS with browser targets. Prints one
// JSON line with the output. With FACADE set, the wazero-ts facade replaces (or, under --jitless,
// provides) globalThis.WebAssembly first. argv[2]: the folder holding node_modules/lightningcss-wasm.
import process from "node:process";
const native = typeof WebAssembly !== "undefined";
if (process.env.FACADE) {
  const { installWebAssembly } = await import("../../webassembly.ts");
  installWebAssembly({ force: true });
}
const start = performance.now();
const { transform } = await import(
  `${process.argv[2]}/node_modules/lightningcss-wasm/wasm-node.mjs`
);
const { code } = transform({
  filename: "style.css",
  code: new TextEncoder().encode(
    ".foo { color: #ff0000; margin: 0px 0px 0px 0px; }\n.bar { display: flex }",
  ),
  minify: true,
  targets: { safari: 13 << 16 },
});
console.log(
  JSON.stringify({
    output: new TextDecoder().decode(code),
    nativeWebAssembly: native,
    ms: Math.round(performance.now() - start),
  }),
);
