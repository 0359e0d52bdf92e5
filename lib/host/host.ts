/**
 * Picks the adapters for the JS host we run on: Deno's APIs under Deno,
 * `node:fs` and friends under Node and Bun, nothing (in-memory only)
 * elsewhere.
 *
 * @module
 */

import { Errno, SysError } from "./errno.ts";
import { type Clock, systemClock } from "./clock.ts";
import { DenoFileSystem } from "./deno_fs.ts";
import type { FileSystem } from "./fs.ts";
import { NodeFileSystem } from "./node_fs.ts";
import { denoListen } from "./deno_socket.ts";
import { bunNsTimes } from "./bun_times.ts";
import { nodeListen } from "./node_socket.ts";
import type { SocketListener } from "./socket.ts";
import { cryptoRandom, type RandomSource } from "./random.ts";
import { denoStdio, type HostStdio, nodeStdio } from "./stdio.ts";

/** Which family of host APIs an adapter set uses. */
export type HostKind = "deno" | "node";

/** The real host: its file system, standard streams, clock and randomness. */
export interface HostAdapters {
  /** Which host APIs are used. */
  readonly kind: HostKind;
  /** A host directory as a {@link FileSystem}. */
  directory(root: string, options?: { readOnly?: boolean }): FileSystem;
  /** The process's standard streams. */
  readonly stdio: HostStdio;
  /** The system clock. */
  readonly clock: Clock;
  /** The host's cryptographic random generator. */
  readonly random: RandomSource;
  /** Opens a listening TCP socket (port 0: any free one) for `WasiConfig.listeners`. */
  listen?(hostname: string, port: number): Promise<SocketListener>;
}

/** The host we run on: `"deno"`, `"node"` (also Bun), or `undefined` (e.g. a browser). */
export function detectHost(): HostKind | undefined {
  const g = globalThis as { Deno?: unknown; process?: { versions?: { node?: string } } };
  if (typeof g.Deno === "object" && g.Deno !== null) return "deno";
  if (g.process?.versions?.node !== undefined) return "node";
  return undefined;
}

/**
 * Loads the adapters of the host (detected, or the one named). Asynchronous
 * because the Node adapters import `node:fs` on demand, which keeps this
 * package loadable where `node:fs` does not exist.
 *
 * @throws {Error} when no supported host API is available.
 */
export async function hostAdapters(
  kind: HostKind | undefined = detectHost(),
): Promise<HostAdapters> {
  if (kind === "deno") {
    // Deno's own API has no lutime; its node:fs has (used for symlinks' times only). Loaded on
    // the first use: `globalThis.process` and node:fs cost Deno ~80 ms to set up, at every start.
    let nodeLutimes: ((path: string, atime: number, mtime: number) => void) | undefined;
    const lutimes = (path: string, atime: number, mtime: number) => {
      nodeLutimes ??= nodeBuiltinFs()?.lutimesSync;
      if (nodeLutimes === undefined) throw new SysError(Errno.ENOTSUP);
      nodeLutimes(path, atime, mtime);
    };
    return {
      kind,
      directory: (root, options) => new DenoFileSystem(root, { ...options, lutimes }),
      stdio: denoStdio(),
      clock: systemClock(),
      random: cryptoRandom(),
      listen: (hostname, port) => Promise.resolve(denoListen(hostname, port)),
    };
  }
  if (kind === "node") {
    const fs = await import("node:fs");
    const tty = await import("node:tty");
    const nsTimes = await bunNsTimes();
    return {
      kind,
      directory: (root, options) => new NodeFileSystem(fs, root, { ...options, nsTimes }),
      stdio: nodeStdio(fs, (fd) => tty.isatty(fd)),
      clock: systemClock(),
      random: cryptoRandom(),
      listen: async (hostname, port) => nodeListen(await import("node:net"), hostname, port),
    };
  }
  throw new Error("no host file system or stdio API here (neither Deno nor node:fs)");
}

/** The host's `node:fs`, loaded synchronously (`process.getBuiltinModule`), if it has one. */
function nodeBuiltinFs():
  | { lutimesSync(path: string, atime: number, mtime: number): void }
  | undefined {
  const g = globalThis as {
    process?: { getBuiltinModule?(name: string): unknown };
  };
  try {
    return g.process?.getBuiltinModule?.("node:fs") as ReturnType<typeof nodeBuiltinFs>;
  } catch {
    return undefined;
  }
}
