/**
 * The guest's file descriptor table: stdio at 0–2, pre-opened directories
 * from 3, and whatever the guest opens after them (lowest free number
 * first, like POSIX).
 *
 * @module
 */

import { Errno, SysError } from "../host/errno.ts";
import type { DirEntry, FileHandle, FileSystem } from "../host/fs.ts";
import type { SocketConn, SocketListener } from "../host/socket.ts";
import type { InputStream, OutputStream } from "../host/stdio.ts";

/** A mounted file system and where the guest sees it. */
export interface Mount {
  /** The pre-opened directory's name as the guest sees it, e.g. `/` or `/data`. */
  guestPath: string;
  /** The tree. */
  fs: FileSystem;
  /** Refuse every write with EROFS. */
  readOnly: boolean;
}

/** One open descriptor. */
export interface FdEntry {
  /** WASI file type. */
  filetype: number;
  /** `fdflags` (APPEND, NONBLOCK...). */
  fdflags: number;
  /** Rights reported by `fd_fdstat_get` (and narrowed by `fd_fdstat_set_rights`). */
  rightsBase: bigint;
  rightsInheriting: bigint;
  /** Stdio streams. */
  input?: InputStream;
  output?: OutputStream;
  /** Files and directories: the handle, its mount and its path inside it. */
  handle?: FileHandle;
  mount?: Mount;
  path?: string;
  /** Sockets: a pre-opened listener, or a connection it accepted. */
  listener?: SocketListener;
  conn?: SocketConn;
  /** Set for pre-opened directories. */
  preopen?: string;
  readable: boolean;
  writable: boolean;
  /** `fd_readdir` listing, kept between calls so cookies stay meaningful. */
  listing?: DirEntry[];
}

/** Descriptor numbers to entries. */
export class FdTable {
  readonly #entries = new Map<number, FdEntry>();

  /** The entry for `fd`, or EBADF. */
  get(fd: number): FdEntry {
    const e = this.#entries.get(fd);
    if (e === undefined) throw new SysError(Errno.EBADF);
    return e;
  }

  /** The entry for `fd` if it exists. */
  find(fd: number): FdEntry | undefined {
    return this.#entries.get(fd);
  }

  /** Places `entry` at `fd` (replacing nothing: callers close first). */
  set(fd: number, entry: FdEntry): void {
    this.#entries.set(fd, entry);
  }

  /** Adds `entry` at the lowest free descriptor. */
  add(entry: FdEntry): number {
    let fd = 0;
    while (this.#entries.has(fd)) fd++;
    this.#entries.set(fd, entry);
    return fd;
  }

  /** Removes `fd` and returns its entry, or EBADF. */
  remove(fd: number): FdEntry {
    const e = this.get(fd);
    this.#entries.delete(fd);
    return e;
  }

  /** Closes every file handle (used when the WASI instance is closed). */
  closeAll(): void {
    for (const e of this.#entries.values()) {
      try {
        e.handle?.close();
        e.conn?.close();
        e.listener?.close();
      } catch { /* closing is best effort */ }
    }
    this.#entries.clear();
  }
}
