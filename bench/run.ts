/**
 * `deno task bench` (or `bun bench/run.ts`): runs every benchmark and prints
 * the results with ratios against the host's native WebAssembly.
 */
import { benchCompile } from "./compile.ts";

await benchCompile();
