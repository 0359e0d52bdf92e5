/**
 * {@link WasiContext}: the state one WASI instance serves its guest from —
 * arguments, environment, descriptors, clock and randomness — and the
 * helpers the function implementations share.
 *
 * @module
 */

import type { Clock } from "../host/clock.ts";
import { Errno, errnoName, SysError, toSysError } from "../host/errno.ts";
import { type FileHandle, type FileStat, FileType } from "../host/fs.ts";
import type { RandomSource } from "../host/random.ts";
import type { SocketListener } from "../host/socket.ts";
import type { InputStream, OutputStream } from "../host/stdio.ts";
import {
  ClockId,
  CONN_RIGHTS,
  DIR_RIGHTS,
  FILE_RIGHTS,
  LISTENER_RIGHTS,
  TTY_RIGHTS,
} from "./constants.ts";
import { type FdEntry, FdTable, type Mount } from "./fd_table.ts";
import { resolvePath } from "./sandbox.ts";

const encoder = new TextEncoder();

/** A descriptor entry for a pre-opened listener. */
function listenerEntry(listener: SocketListener): FdEntry {
  return {
    filetype: FileType.SOCKET_STREAM,
    fdflags: 0,
    rightsBase: LISTENER_RIGHTS,
    rightsInheriting: CONN_RIGHTS,
    listener,
    readable: false,
    writable: false,
  };
}

/** Everything a context is made from (already normalised by the config layer). */
export interface ContextParts {
  args: string[];
  env: Array<[string, string]>;
  stdin: InputStream;
  stdout: OutputStream;
  stderr: OutputStream;
  mounts: Mount[];
  /** Pre-opened listening sockets, given descriptors after the mounts. */
  listeners: SocketListener[];
  clock: Clock;
  random: RandomSource;
}

/** The state of one WASI instance. */
export class WasiContext {
  /** NUL-terminated UTF-8 arguments. */
  readonly args: Uint8Array[];
  /** NUL-terminated `KEY=value` strings. */
  readonly env: Uint8Array[];
  readonly fds = new FdTable();
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly mounts: Mount[];
  /**
   * The limits of the running call (set by `runWasi`): blocking host calls
   * (`poll_oneoff` sleeps) end at the deadline, `performance.now()` ms.
   */
  limits: { deadline: number; signal?: AbortSignal } = { deadline: Infinity };

  constructor(parts: ContextParts) {
    const z = (s: string) => encoder.encode(`${s}\0`);
    this.args = parts.args.map(z);
    this.env = parts.env.map(([k, v]) => z(`${k}=${v}`));
    this.clock = parts.clock;
    this.random = parts.random;
    this.mounts = parts.mounts;
    this.fds.set(0, stdio(parts.stdin, undefined));
    this.fds.set(1, stdio(undefined, parts.stdout));
    this.fds.set(2, stdio(undefined, parts.stderr));
    for (const mount of parts.mounts) {
      let handle: FileHandle;
      try {
        handle = mount.fs.open("", { read: true, write: false, directory: true });
      } catch (e) {
        // A missing or non-directory root fails the setup, naming the mount.
        const err = toSysError(e);
        const detail = err.message.slice(errnoName(err.errno).length + 2);
        throw new SysError(
          err.errno,
          `cannot pre-open ${mount.guestPath}${detail ? ` (${detail})` : ""}`,
        );
      }
      this.fds.add({
        filetype: FileType.DIRECTORY,
        fdflags: 0,
        rightsBase: DIR_RIGHTS,
        rightsInheriting: DIR_RIGHTS | FILE_RIGHTS,
        handle,
        mount,
        path: "",
        preopen: mount.guestPath,
        readable: true,
        writable: false,
      });
    }
    for (const listener of parts.listeners) this.fds.add(listenerEntry(listener));
  }

  /** The time of clock `id` in nanoseconds (the two clocks there are), else undefined. */
  clockNow(id: number): bigint | undefined {
    return id === ClockId.REALTIME
      ? this.clock.realtime()
      : id === ClockId.MONOTONIC
      ? this.clock.monotonic()
      : undefined;
  }

  /** The entry of a directory descriptor (EBADF if absent, ENOTDIR if not a directory). */
  dir(fd: number): FdEntry & { mount: Mount; path: string } {
    const e = this.fds.get(fd);
    if (e.mount === undefined || e.path === undefined) throw new SysError(Errno.ENOTDIR);
    if (e.filetype !== FileType.DIRECTORY) throw new SysError(Errno.ENOTDIR);
    return e as FdEntry & { mount: Mount; path: string };
  }

  /**
   * Resolves a guest path below directory `fd`: its mount and adapter path.
   * `rights` are what the operation needs of the directory descriptor.
   */
  resolve(
    fd: number,
    path: string,
    follow: boolean,
    rights: bigint,
  ): { mount: Mount; path: string; mustBeDir: boolean } {
    const dir = this.dir(fd);
    need(dir, rights);
    const r = resolvePath(dir.mount, dir.path, path, follow);
    return { mount: dir.mount, path: r.path, mustBeDir: r.mustBeDir };
  }

  /** Stat of a descriptor (stdio gets a synthetic character device or pipe). */
  fdStat(e: FdEntry): FileStat {
    if (e.handle !== undefined) return e.handle.stat();
    return {
      dev: 0n,
      ino: 0n,
      filetype: e.filetype,
      nlink: 1n,
      size: 0n,
      atim: 0n,
      mtim: 0n,
      ctim: 0n,
    };
  }

  /** Closes every descriptor. */
  close(): void {
    this.fds.closeAll();
  }
}

/**
 * Refuses with ENOTCAPABLE an operation the descriptor has not every one of
 * `rights` for. Rights are enforced as wasmtime did (they are the capability
 * model of preview1): a guest that dropped FD_READ with
 * `fd_fdstat_set_rights` can no longer read.
 */
export function need(e: FdEntry, rights: bigint): void {
  if ((e.rightsBase & rights) !== rights) throw new SysError(Errno.ENOTCAPABLE);
}

/** Refuses writes to a read-only mount. */
export function writable(mount: Mount): void {
  if (mount.readOnly || mount.fs.readOnly) throw new SysError(Errno.EROFS);
}

function stdio(input: InputStream | undefined, output: OutputStream | undefined): FdEntry {
  const tty = (input ?? output)?.isTerminal?.() ?? false;
  return {
    // A terminal is a character device without seek rights, which is what
    // wasi-libc's isatty() tests; anything else is an unknown stream.
    filetype: tty ? FileType.CHARACTER_DEVICE : FileType.UNKNOWN,
    fdflags: 0,
    rightsBase: TTY_RIGHTS,
    rightsInheriting: 0n,
    input,
    output,
    readable: input !== undefined,
    writable: output !== undefined,
  };
}
