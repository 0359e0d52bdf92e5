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
  /**
   * Opens `path` and starts reading it whole on the host's I/O threads:
   * resolves, once the read is under way, to the promise of its bytes and
   * its size as stated before the read, so that this thread can do other
   * work meanwhile (the command line warms the runtime up while a large
   * module is read).
   */
  startReading(path: string): Promise<{ bytes: Promise<Uint8Array>; size: number }>;
  writeFile(path: string, data: Uint8Array): void;
  env(): Record<string, string>;
  writeOut(text: string): void;
  writeErr(text: string): void;
  exit(code: number): never;
}

const encoder = new TextEncoder();

/**
 * Reads a whole file straight into one buffer of its size `size` (as
 * stated before the read), through `read`, which fills the start of `into`
 * from file position `at` and returns how many bytes it read (0 or null at
 * the end). `Deno.readFileSync` reads into memory of its own and copies that
 * into the returned buffer, so every page is touched twice: a 21 MB module
 * took 200 ms that way and 86 ms so (5 December 2026; page faults cost about
 * 4 ms per MiB on this project's machines).
 */
export async function readWhole(
  size: number,
  read: (into: Uint8Array, at: number) => Promise<number | null>,
): Promise<Uint8Array> {
  let bytes = new Uint8Array(size);
  let done = 0;
  for (;;) {
    if (done === bytes.length) {
      // The file grew since its size was read (or has none, like a pipe): read on, and into a
      // larger buffer if there is more.
      const probe = new Uint8Array(64 * 1024);
      const n = await read(probe, done);
      if (!n) return bytes;
      const larger = new Uint8Array(Math.max(bytes.length * 2, done + n));
      larger.set(bytes);
      larger.set(probe.subarray(0, n), done);
      bytes = larger;
      done += n;
      continue;
    }
    const n = await read(bytes.subarray(done), done);
    if (!n) return bytes.subarray(0, done);
    done += n;
  }
}

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
      startReading: async (p) => {
        const file = await Deno.open(p);
        try {
          const { size } = await file.stat();
          // Positional reads are not needed: the file is read in order, from its start.
          const bytes = readWhole(size, (into) => file.read(into)).finally(() => file.close());
          return { bytes, size };
        } catch (e) {
          file.close();
          throw e;
        }
      },
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
    startReading: async (p) => {
      const handle = await fs.promises.open(p);
      try {
        const { size } = await handle.stat();
        const read = async (into: Uint8Array, at: number) =>
          (await handle.read(into, 0, into.length, at)).bytesRead;
        return { bytes: readWhole(size, read).finally(() => handle.close()), size };
      } catch (e) {
        await handle.close();
        throw e;
      }
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
