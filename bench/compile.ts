/**
 * Compile throughput: decode + validate + translate of a multi-megabyte
 * module, in MB/s of code section, next to the host's native
 * `WebAssembly.Module` compiling the same bytes when it exists.
 *
 * Part of `deno task bench`; alone: `deno run bench/compile.ts`.
 *
 * A real module, and optionally another checkout side by side (its
 * `mod.ts`, compiling in turn with this one, in the same process):
 *
 *     deno run -A bench/compile.ts FILE.wasm [--against=DIR]
 *     bun bench/compile.ts FILE.wasm [--against=DIR]
 */
import process from "node:process";
import { Runtime } from "../mod.ts";
import { benchArgs } from "./args.ts";
import { bigModule } from "./big_module.ts";
import { median } from "./system.ts";

/** The measurement. */
export interface CompileResult {
  /** Size of the code section in MB (2^20 bytes). */
  codeMB: number;
  /** Functions in the module. */
  functions: number;
  /** wazero-ts: median ms per compileModule. */
  ms: number;
  /** wazero-ts: MB of code per second. */
  mbPerSecond: number;
  /** wazero-ts: ms of the first compilation in the process (the JIT still cold). */
  coldMs: number;
  /** Native `new WebAssembly.Module`: median ms (absent without it). */
  nativeMs?: number;
  /** Native MB/s (absent without it). */
  nativeMbPerSecond?: number;
  /** wazero-ts MB/s of each round, when several processes measured it (`bench/run.ts`). */
  rounds?: number[];
}

/** Runs the benchmark, prints one line per engine and returns the numbers. */
export async function benchCompile(
  megabytes = 4,
  runs = 7,
  print: (line: string) => void = console.log,
): Promise<CompileResult> {
  const { bytes, codeBytes, functions } = bigModule(megabytes * 1024 * 1024);
  const mb = codeBytes / (1024 * 1024);
  const runtime = new Runtime();
  const ours: number[] = [];
  // Steady state, like the workloads: untimed compilations let the JIT
  // optimise the decoder, validator and translator first. The first one
  // takes about twice as long, and on two cores V8 and JSC need five to
  // seven before the times settle (TurboFan compiles the big translator
  // functions in the background); the first is reported too, as the cold figure.
  const c0 = performance.now();
  await runtime.compileModule(bytes);
  const coldMs = performance.now() - c0;
  for (let i = 0; i < 7; i++) await runtime.compileModule(bytes);
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await runtime.compileModule(bytes);
    ours.push(performance.now() - t0);
  }
  runtime.close();
  const t = median(ours);
  const result: CompileResult = {
    codeMB: mb,
    functions,
    ms: t,
    mbPerSecond: mb / (t / 1000),
    coldMs,
  };
  print(
    `compile ${mb.toFixed(2)} MB of code (${functions} functions): wazero-ts ${t.toFixed(1)} ms = ${
      result.mbPerSecond.toFixed(1)
    } MB/s (the first, cold: ${coldMs.toFixed(0)} ms = ${(mb / (coldMs / 1000)).toFixed(1)} MB/s)`,
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
    result.nativeMs = tn;
    result.nativeMbPerSecond = mb / (tn / 1000);
    print(
      `compile ${mb.toFixed(2)} MB of code: native WebAssembly.Module ${tn.toFixed(1)} ms = ${
        result.nativeMbPerSecond.toFixed(1)
      } MB/s (wazero-ts takes ${(t / tn).toFixed(1)}x as long)`,
    );
  } else {
    print("native WebAssembly is not available here: no reference measurement");
  }
  return result;
}

/** A runtime class as `mod.ts` exports it (this checkout's or another's). */
type RuntimeClass = new () => {
  compileModule(bytes: Uint8Array): Promise<unknown>;
  close(): void;
};

/**
 * Times `compileModule` of the module in `path` (decode, validation, and the
 * translator's per-function setup): 5 untimed rounds, then `runs` timed ones,
 * the checkouts taking turns within each round. Prints the medians and, with
 * another checkout, the ratio of this one's to its.
 */
export async function benchCompileFile(path: string, againstDir?: string, runs = 9): Promise<void> {
  const { readFileSync } = await import("node:fs");
  const { resolve } = await import("node:path");
  const { pathToFileURL } = await import("node:url");
  const bytes = new Uint8Array(readFileSync(path));
  const engines: [string, RuntimeClass][] = [["this checkout", Runtime as RuntimeClass]];
  if (againstDir !== undefined) {
    const other = await import(pathToFileURL(resolve(againstDir, "mod.ts")).href);
    engines.push([againstDir, other.Runtime as RuntimeClass]);
  }
  const times = engines.map(() => [] as number[]);
  for (let round = 0; round < 5 + runs; round++) {
    for (let e = 0; e < engines.length; e++) {
      const runtime = new engines[e][1]();
      const t0 = performance.now();
      await runtime.compileModule(bytes);
      if (round >= 5) times[e].push(performance.now() - t0);
      runtime.close();
    }
  }
  const mb = bytes.length / (1024 * 1024);
  engines.forEach(([name], e) => {
    const t = median(times[e]);
    console.log(
      `compile ${path} (${mb.toFixed(1)} MB), ${name}: ${t.toFixed(1)} ms median of ${runs}`,
    );
  });
  if (engines.length === 2) {
    console.log(
      `this checkout takes ${(median(times[0]) / median(times[1])).toFixed(2)}x the time`,
    );
  }
}

if ((import.meta as { main?: boolean }).main) {
  const { option, positional } = benchArgs({
    options: ["against"],
    flags: [],
    positional: 1,
    usage: "usage: bench/compile.ts [MEGABYTES | FILE.wasm [--against=DIR]] (see bench/compile.ts)",
  });
  const [arg] = positional;
  if (arg?.endsWith(".wasm")) await benchCompileFile(arg, option("against"));
  else if (option("against") !== undefined) {
    console.error("bench/compile.ts: --against needs a module file");
    process.exit(2);
  } else if (arg !== undefined && !(Number(arg) > 0)) {
    console.error(`bench/compile.ts: ${arg} is neither a .wasm file nor a size in megabytes`);
    process.exit(2);
  } else await benchCompile(Number(arg ?? 4));
}
