/**
 * The little the command line needs from its host beyond the adapters:
 * reading and writing whole files, the environment, and exiting.
 *
 * @module
 */

import { detectHost } from "../host/host.ts";

/** Host services for the CLI. */
export interface CliHost {
  readFile(path: string): Uint8Array;
  writeFile(path: string, data: Uint8Array): void;
  env(): Record<string, string>;
  writeOut(text: string): void;
  writeErr(text: string): void;
  exit(code: number): never;
}

const encoder = new TextEncoder();

/** Loads the host services for Deno, or Node/Bun. */
export async function cliHost(): Promise<CliHost> {
  if (detectHost() === "deno") {
    const write = (s: typeof Deno.stdout, text: string) => {
      const bytes = encoder.encode(text);
      let done = 0;
      while (done < bytes.length) done += s.writeSync(bytes.subarray(done));
    };
    return {
      readFile: (p) => Deno.readFileSync(p),
      writeFile: (p, d) => Deno.writeFileSync(p, d),
      env: () => Deno.env.toObject(),
      writeOut: (t) => write(Deno.stdout, t),
      writeErr: (t) => write(Deno.stderr, t),
      exit: (code) => Deno.exit(code),
    };
  }
  const fs = await import("node:fs");
  const proc = (globalThis as unknown as {
    process: { env: Record<string, string | undefined>; exit(code: number): never };
  }).process;
  return {
    readFile: (p) => {
      const data = fs.readFileSync(p);
      // A big file's Buffer owns its memory: viewed, not copied (small ones share a pool).
      return data.byteOffset === 0 && data.byteLength === data.buffer.byteLength
        ? new Uint8Array(data.buffer, 0, data.byteLength)
        : new Uint8Array(data);
    },
    writeFile: (p, d) => fs.writeFileSync(p, d),
    env: () =>
      Object.fromEntries(
        Object.entries(proc.env).filter((e): e is [string, string] => e[1] !== undefined),
      ),
    writeOut: (t) => fs.writeSync(1, t),
    writeErr: (t) => fs.writeSync(2, t),
    exit: (code) => proc.exit(code),
  };
}
