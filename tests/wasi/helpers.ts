/** Shared helpers of the WASI tests: loading the committed programs and running them. */

import { readFileSync } from "node:fs";
import { CollectedOutput, Runtime, runWasi, type WasiConfig } from "../../mod.ts";

/** The bytes of `tests/wasi/programs/<name>.wasm`. */
export function program(name: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`./programs/${name}.wasm`, import.meta.url)));
}

/** What a run produced. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program to completion with collected stdout and stderr. */
export async function run(
  name: string | Uint8Array,
  config: WasiConfig = {},
): Promise<RunResult> {
  const stdout = new CollectedOutput(), stderr = new CollectedOutput();
  const bytes = typeof name === "string" ? program(name) : name;
  const code = await runWasi(new Runtime(), bytes, { stdout, stderr, ...config });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
