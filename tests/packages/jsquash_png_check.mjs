// @jsquash/png (Rust, wasm-bindgen glue), unchanged: encodes a 64x48 RGBA image to PNG and decodes
// it back. Prints one JSON line (PNG size and hash, whether the pixels round-trip). With FACADE set,
// the wazero-ts facade replaces (or, under --jitless, provides) globalThis.WebAssembly first.
// argv[2]: the folder holding node_modules/@jsquash/png. The package is written for browsers: the
// host global ImageData it constructs is given a minimal stand-in where the host has none.
import process from "node:process";
import { readFileSync } from "node:fs";
const native = typeof WebAssembly !== "undefined";
if (process.env.FACADE) {
  const { installWebAssembly } = await import("../../webassembly.ts");
  installWebAssembly({ force: true });
}
globalThis.ImageData ??= class ImageData {
  constructor(data, width, height) {
    this.data = data;
    this.width = width;
    this.height = height;
  }
};
const dir = process.argv[2];
const start = performance.now();
const wasm = readFileSync(`${dir}/node_modules/@jsquash/png/codec/pkg/squoosh_png_bg.wasm`);
const { default: encode, init: initEncode } = await import(
  `${dir}/node_modules/@jsquash/png/encode.js`
);
const { default: decode, init: initDecode } = await import(
  `${dir}/node_modules/@jsquash/png/decode.js`
);
const module = new WebAssembly.Module(wasm);
await initEncode(module);
await initDecode(module);
const width = 64, height = 48;
const pixels = new Uint8ClampedArray(width * height * 4);
for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7 + (i >> 6)) & 255;
const png = new Uint8Array(await encode(new ImageData(pixels, width, height)));
const back = await decode(png);
let sum = 0;
for (const b of png) sum = (sum * 31 + b) >>> 0;
const same = back.data.every((v, i) => v === pixels[i]);
console.log(
  JSON.stringify({
    output: { pngBytes: png.length, pngHash: sum, roundTrip: same, w: back.width, h: back.height },
    nativeWebAssembly: native,
    ms: Math.round(performance.now() - start),
  }),
);
