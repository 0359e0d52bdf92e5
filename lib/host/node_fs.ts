/**
 * {@link NodeFileSystem}: a host directory through `node:fs`'s synchronous
 * APIs (Node and Bun). The `fs` module is passed in rather than imported, so
 * that loading this package never pulls `node:fs` into hosts without it.
 *
 * @module
 */

import { Errno, SysError, toSysError } from "./errno.ts";
import {
  type DirEntry,
  type FileHandle,
  type FileStat,
  type FileSystem,
  FileType,
  type OpenOptions,
  Whence,
} from "./fs.ts";
import type { NsTimes } from "./bun_times.ts";

import type { NodeBigIntStats, NodeFs } from "./node_fs_types.ts";

export type { NodeFs } from "./node_fs_types.ts";

/**
 * Joins an adapter-relative path under a host root, refusing anything that
 * could leave it. The WASI layer never passes such paths; this is a second
 * wall for embedders calling adapters directly.
 */
export function joinRoot(root: string, path: string): string {
  if (path === "") return root;
  if (path.startsWith("/") || path.includes("\\") || path.includes("\0")) {
    throw new SysError(Errno.ENOTCAPABLE, path);
  }
  for (const part of path.split("/")) {
    if (part === "..") throw new SysError(Errno.ENOTCAPABLE, path);
  }
  return root.endsWith("/") ? root + path : `${root}/${path}`;
}

/**
 * True when the host path `real` is `root` or below it (both already passed
 * through realpath). Directory handles are held by path, so they check this
 * before each use: the guest may since have swapped a component for a symlink.
 */
export function isInside(root: string, real: string): boolean {
  if (!real.startsWith(root)) return false;
  const rest = real.slice(root.length);
  return rest === "" || rest[0] === "/" || rest[0] === "\\" || /[/\\]$/.test(root);
}

function guard<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw toSysError(e);
  }
}

type BigStats = NodeBigIntStats;

function statOf(s: BigStats): FileStat {
  return {
    dev: s.dev,
    ino: s.ino,
    filetype: s.isSymbolicLink()
      ? FileType.SYMBOLIC_LINK
      : s.isDirectory()
      ? FileType.DIRECTORY
      : s.isFile()
      ? FileType.REGULAR_FILE
      : s.isCharacterDevice()
      ? FileType.CHARACTER_DEVICE
      : s.isBlockDevice()
      ? FileType.BLOCK_DEVICE
      : s.isSocket()
      ? FileType.SOCKET_STREAM
      : FileType.UNKNOWN,
    nlink: s.nlink,
    size: s.size,
    atim: s.atimeNs,
    mtim: s.mtimeNs,
    ctim: s.ctimeNs,
  };
}

/**
 * Nanoseconds as the seconds node:fs takes: a double, so near 2026 only to
 * about 238 ns (node:fs has no nanosecond setter); whole seconds and the
 * fraction are converted apart so the result is the nearest double.
 */
const seconds = (t: bigint): number =>
  Number(t / 1_000_000_000n) + Number(t % 1_000_000_000n) / 1e9;

/**
 * A host directory through `node:fs`.
 *
 * @example
 * ```ts
 * import * as fs from "node:fs";
 * const root = new NodeFileSystem(fs, "/tmp/sandbox");
 * ```
 */
export class NodeFileSystem implements FileSystem {
  /** The host directory the file system is rooted at. */
  readonly root: string;
  /** True when every write is refused with EROFS. */
  readonly readOnly: boolean;
  readonly #fs: NodeFs;
  readonly #ns: NsTimes | undefined;

  /**

   * Creates it.

   *
   * @param fs the `node:fs` module.
   * @param root host directory.
   * @param options `readOnly` refuses writes with EROFS; `nsTimes` sets
   * times to the nanosecond where node:fs cannot (see `bunNsTimes`).
   */
  constructor(
    fs: NodeFs,
    root: string,
    options: { readOnly?: boolean; nsTimes?: NsTimes } = {},
  ) {
    this.#fs = fs;
    this.root = root;
    this.readOnly = options.readOnly ?? false;
    this.#ns = options.nsTimes;
  }

  #path(path: string): string {
    return joinRoot(this.root, path);
  }
  #writable(): void {
    if (this.readOnly) throw new SysError(Errno.EROFS);
  }

  open(path: string, o: OpenOptions): FileHandle {
    const fs = this.#fs;
    const full = this.#path(path);
    return guard(() => {
      let info: BigStats | undefined;
      try {
        info = fs.lstatSync(full, { bigint: true });
      } catch (e) {
        if ((e as { code?: string }).code !== "ENOENT" || !o.create) throw e;
      }
      if (info !== undefined) {
        if (o.create && o.exclusive) throw new SysError(Errno.EEXIST, path);
        if (info.isSymbolicLink()) throw new SysError(Errno.ELOOP, path);
        if (info.isDirectory()) {
          if (o.write || o.truncate) throw new SysError(Errno.EISDIR, path);
          return new NodeDir(fs, this.root, full, this.#ns);
        }
        if (o.directory) throw new SysError(Errno.ENOTDIR, path);
      }
      if ((o.write || o.truncate || info === undefined) && this.readOnly) {
        throw new SysError(Errno.EROFS);
      }
      const c = fs.constants;
      let flags = o.write ? (o.read ? c.O_RDWR : c.O_WRONLY) : c.O_RDONLY;
      if (o.create) flags |= c.O_CREAT;
      if (o.exclusive) flags |= c.O_EXCL;
      if (o.truncate) flags |= c.O_TRUNC;
      // No O_APPEND: node:fs cannot clear it on an open fd (no fcntl), so
      // NodeFile appends by itself and fd_fdstat_set_flags can switch it.
      return new NodeFile(fs, fs.openSync(full, flags, 0o666), o.append ?? false, this.#ns);
    });
  }

  stat(path: string): FileStat {
    return guard(() => statOf(this.#fs.lstatSync(this.#path(path), { bigint: true })));
  }
  mkdir(path: string): void {
    this.#writable();
    guard(() => this.#fs.mkdirSync(this.#path(path)));
  }
  rmdir(path: string): void {
    this.#writable();
    guard(() => this.#fs.rmdirSync(this.#path(path)));
  }
  unlink(path: string): void {
    this.#writable();
    guard(() => {
      if (this.#fs.lstatSync(this.#path(path), { bigint: true }).isDirectory()) {
        throw new SysError(Errno.EISDIR, path);
      }
      this.#fs.unlinkSync(this.#path(path));
    });
  }
  rename(from: string, to: string): void {
    this.#writable();
    guard(() => this.#fs.renameSync(this.#path(from), this.#path(to)));
  }
  link(from: string, to: string): void {
    this.#writable();
    guard(() => this.#fs.linkSync(this.#path(from), this.#path(to)));
  }
  symlink(target: string, path: string): void {
    this.#writable();
    guard(() => this.#fs.symlinkSync(target, this.#path(path)));
  }
  readlink(path: string): string {
    return guard(() => this.#fs.readlinkSync(this.#path(path), "utf8"));
  }
  utimes(path: string, atim: bigint | undefined, mtim: bigint | undefined): void {
    this.#writable();
    guard(() => {
      const full = this.#path(path);
      if (this.#ns?.utimens(full, atim, mtim, true)) return;
      const s = this.#fs.lstatSync(full, { bigint: true });
      this.#fs.lutimesSync(full, seconds(atim ?? s.atimeNs), seconds(mtim ?? s.mtimeNs));
    });
  }
}

class NodeFile implements FileHandle {
  #pos = 0n;
  #append: boolean;
  constructor(
    readonly fs: NodeFs,
    readonly fd: number,
    append: boolean,
    readonly ns: NsTimes | undefined,
  ) {
    this.#append = append;
  }

  read(buf: Uint8Array, position?: bigint): number {
    return guard(() => {
      const n = this.fs.readSync(this.fd, buf, 0, buf.length, Number(position ?? this.#pos));
      if (position === undefined) this.#pos += BigInt(n);
      return n;
    });
  }
  write(buf: Uint8Array, position?: bigint): number {
    return guard(() => {
      if (this.#append) {
        // Every write at the current end; pwrite too, as on Linux.
        const end = this.fs.fstatSync(this.fd, { bigint: true }).size;
        const n = this.fs.writeSync(this.fd, buf, 0, buf.length, Number(end));
        if (position === undefined) this.#pos = end + BigInt(n);
        return n;
      }
      const n = this.fs.writeSync(this.fd, buf, 0, buf.length, Number(position ?? this.#pos));
      if (position === undefined) this.#pos += BigInt(n);
      return n;
    });
  }
  seek(offset: bigint, whence: number): bigint {
    const base = whence === Whence.SET
      ? 0n
      : whence === Whence.CUR
      ? this.#pos
      : guard(() => this.fs.fstatSync(this.fd, { bigint: true }).size);
    const to = base + offset;
    if (to < 0n) throw new SysError(Errno.EINVAL);
    return this.#pos = to;
  }
  stat(): FileStat {
    return guard(() => statOf(this.fs.fstatSync(this.fd, { bigint: true })));
  }
  truncate(size: bigint): void {
    guard(() => this.fs.ftruncateSync(this.fd, Number(size)));
  }
  utimes(atim: bigint | undefined, mtim: bigint | undefined): void {
    guard(() => {
      if (this.ns?.futimens(this.fd, atim, mtim)) return;
      const s = this.fs.fstatSync(this.fd, { bigint: true });
      this.fs.futimesSync(this.fd, seconds(atim ?? s.atimeNs), seconds(mtim ?? s.mtimeNs));
    });
  }
  sync(): void {
    guard(() => this.fs.fsyncSync(this.fd));
  }
  readdir(): DirEntry[] {
    throw new SysError(Errno.ENOTDIR);
  }
  setAppend(append: boolean): void {
    this.#append = append;
  }
  close(): void {
    guard(() => this.fs.closeSync(this.fd));
  }
}

/** Directories are handled by path, which is all WASI needs of them. */
class NodeDir implements FileHandle {
  constructor(
    readonly fs: NodeFs,
    readonly root: string,
    readonly path: string,
    readonly ns: NsTimes | undefined,
  ) {}

  /** The directory's real path, refused if it no longer lies inside the root. */
  #real(): string {
    const real = this.fs.realpathSync(this.path);
    if (!isInside(this.fs.realpathSync(this.root), real)) {
      throw new SysError(Errno.ENOTCAPABLE, this.path);
    }
    return real;
  }
  read(): number {
    throw new SysError(Errno.EISDIR);
  }
  write(): number {
    throw new SysError(Errno.EISDIR);
  }
  seek(): bigint {
    throw new SysError(Errno.EISDIR);
  }
  stat(): FileStat {
    return guard(() => statOf(this.fs.statSync(this.#real(), { bigint: true })));
  }
  truncate(): void {
    throw new SysError(Errno.EISDIR);
  }
  utimes(atim: bigint | undefined, mtim: bigint | undefined): void {
    guard(() => {
      const real = this.#real();
      if (this.ns?.utimens(real, atim, mtim, false)) return;
      const s = this.fs.statSync(real, { bigint: true });
      this.fs.utimesSync(real, seconds(atim ?? s.atimeNs), seconds(mtim ?? s.mtimeNs));
    });
  }
  sync(): void {}
  readdir(): DirEntry[] {
    return guard(() => {
      const real = this.#real();
      return this.fs.readdirSync(real, { withFileTypes: true }).map((e) => {
        let ino = 0n;
        try {
          ino = this.fs.lstatSync(`${real}/${e.name}`, { bigint: true }).ino;
        } catch { /* raced with a removal: keep 0 */ }
        return {
          name: e.name,
          filetype: e.isSymbolicLink()
            ? FileType.SYMBOLIC_LINK
            : e.isDirectory()
            ? FileType.DIRECTORY
            : e.isFile()
            ? FileType.REGULAR_FILE
            : FileType.UNKNOWN,
          ino,
        };
      }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    });
  }
  close(): void {}
}
