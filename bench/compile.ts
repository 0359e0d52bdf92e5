/**
 * Compile throughput: decode + validate (+ definitions) of a multi-megabyte
 * module, in MB/s of code section, next to the host's native
 * `WebAssembly.Module` compiling the same bytes when it exists.
 */
import { Runtime } from "../mod.ts";
import { bigModule } from "./big_module.ts";

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs the benchmark and prints one line per engine. */
export async function benchCompile(megabytes = 4, runs = 5): Promise<void> {
  const { bytes, codeBytes } = bigModule(megabytes * 1024 * 1024);
  const mb = codeBytes / (1024 * 1024);
  const runtime = new Runtime();
  const ours: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await runtime.compileModule(bytes);
    ours.push(performance.now() - t0);
  }
  const t = median(ours);
  console.log(
    `compile ${mb.toFixed(2)} MB of code: wazero-ts ${t.toFixed(1)} ms = ${
      (mb / (t / 1000)).toFixed(1)
    } MB/s`,
  );
  const native = (globalThis as { WebAssembly?: { Module: new (b: Uint8Array) => unknown } })
    .WebAssembly;
  if (native) {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      new native.Module(bytes);
      times.push(performance.now() - t0);
    }
    const tn = median(times);
    console.log(
      `compile ${mb.toFixed(2)} MB of code: native WebAssembly.Module ${tn.toFixed(1)} ms = ${
        (mb / (tn / 1000)).toFixed(1)
      } MB/s (wazero-ts takes ${(t / tn).toFixed(1)}x as long)`,
    );
  } else {
    console.log("native WebAssembly is not available here: no reference measurement");
  }
}
