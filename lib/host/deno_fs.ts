/**
 * {@link DenoFileSystem}: a host directory through Deno's synchronous file
 * APIs. Needs `--allow-read` (and `--allow-write` for writes).
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
} from "./fs.ts";
import { isInside, joinRoot } from "./node_fs.ts";

function guard<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw toSysError(e);
  }
}

const ns = (d: Date | null | undefined): bigint => d ? BigInt(d.getTime()) * 1_000_000n : 0n;

function statOf(s: Deno.FileInfo): FileStat {
  return {
    dev: BigInt(s.dev ?? 0),
    ino: BigInt(s.ino ?? 0),
    filetype: s.isSymlink
      ? FileType.SYMBOLIC_LINK
      : s.isDirectory
      ? FileType.DIRECTORY
      : s.isFile
      ? FileType.REGULAR_FILE
      : s.isCharDevice
      ? FileType.CHARACTER_DEVICE
      : s.isBlockDevice
      ? FileType.BLOCK_DEVICE
      : s.isSocket
      ? FileType.SOCKET_STREAM
      : FileType.UNKNOWN,
    nlink: BigInt(s.nlink ?? 1),
    size: BigInt(s.size),
    atim: ns(s.atime),
    mtim: ns(s.mtime),
    ctim: ns(s.ctime ?? s.mtime),
  };
}

const toDate = (t: bigint): Date => new Date(Number(t / 1_000_000n));

/**
 * A host directory, accessed with `Deno.*Sync` calls. Paths from the WASI
 * layer are joined under `root` (and refused if they try to leave it).
 */
export class DenoFileSystem implements FileSystem {
  /** The host directory the file system is rooted at. */
  readonly root: string;
  /** True when every write is refused with EROFS. */
  readonly readOnly: boolean;
  readonly #lutimes: ((path: string, atime: number, mtime: number) => void) | undefined;

  /**
   * Creates it.
   * @param root host directory.
   * @param options `readOnly` refuses writes with EROFS; `lutimes` (e.g.
   * `node:fs`'s `lutimesSync`, which Deno provides) sets a symlink's own
   * times, which Deno's API cannot (without it: ENOTSUP).
   */
  constructor(
    root: string,
    options: {
      readOnly?: boolean;
      lutimes?: (path: string, atime: number, mtime: number) => void;
    } = {},
  ) {
    this.root = root;
    this.readOnly = options.readOnly ?? false;
    this.#lutimes = options.lutimes;
  }

  #path(path: string): string {
    return joinRoot(this.root, path);
  }

  #writable(): void {
    if (this.readOnly) throw new SysError(Errno.EROFS);
  }

  open(path: string, o: OpenOptions): FileHandle {
    const full = this.#path(path);
    if ((o.write || o.create || o.truncate) && this.readOnly) {
      if (!o.create || o.write || o.truncate) throw new SysError(Errno.EROFS);
    }
    return guard(() => {
      let info: Deno.FileInfo | undefined;
      try {
        info = Deno.lstatSync(full);
      } catch (e) {
        if (!(e instanceof Deno.errors.NotFound) || !o.create) throw e;
      }
      if (info !== undefined) {
        if (o.create && o.exclusive) throw new SysError(Errno.EEXIST, path);
        if (info.isSymlink) throw new SysError(Errno.ELOOP, path);
        if (info.isDirectory) {
          if (o.write || o.truncate) throw new SysError(Errno.EISDIR, path);
          return new DenoDir(this.root, full);
        }
        if (o.directory) throw new SysError(Errno.ENOTDIR, path);
      } else if (this.readOnly) throw new SysError(Errno.EROFS);
      // Deno only creates files opened for writing, and only truncates those;
      // the WASI layer still refuses writes to a descriptor without FD_WRITE.
      const creating = o.create === true && info === undefined;
      const file = Deno.openSync(full, {
        // Deno needs at least one of read/write; a stat-only open reads.
        read: o.read || !o.write,
        // Never the host's append mode: it could not be cleared again (no
        // fcntl in Deno), so append is done by DenoFile itself.
        write: o.write || creating || o.truncate === true,
        create: creating,
        createNew: creating && o.exclusive,
        truncate: o.truncate,
      });
      return new DenoFile(file, o.append ?? false);
    });
  }

  stat(path: string): FileStat {
    return guard(() => statOf(Deno.lstatSync(this.#path(path))));
  }
  mkdir(path: string): void {
    this.#writable();
    guard(() => Deno.mkdirSync(this.#path(path)));
  }
  rmdir(path: string): void {
    this.#writable();
    guard(() => {
      if (!Deno.lstatSync(this.#path(path)).isDirectory) throw new SysError(Errno.ENOTDIR, path);
      Deno.removeSync(this.#path(path));
    });
  }
  unlink(path: string): void {
    this.#writable();
    guard(() => {
      if (Deno.lstatSync(this.#path(path)).isDirectory) throw new SysError(Errno.EISDIR, path);
      Deno.removeSync(this.#path(path));
    });
  }
  rename(from: string, to: string): void {
    this.#writable();
    guard(() => Deno.renameSync(this.#path(from), this.#path(to)));
  }
  link(from: string, to: string): void {
    this.#writable();
    guard(() => Deno.linkSync(this.#path(from), this.#path(to)));
  }
  symlink(target: string, path: string): void {
    this.#writable();
    guard(() => Deno.symlinkSync(target, this.#path(path)));
  }
  readlink(path: string): string {
    return guard(() => Deno.readLinkSync(this.#path(path)));
  }
  utimes(path: string, atim: bigint | undefined, mtim: bigint | undefined): void {
    this.#writable();
    guard(() => {
      const s = Deno.lstatSync(this.#path(path));
      // Deno.utimeSync follows a final symlink and Deno has no lutime: refuse
      // rather than touch the link's target, which may lie outside the mount.
      if (s.isSymlink) {
        if (this.#lutimes === undefined) throw new SysError(Errno.ENOTSUP, path);
        const secs = (t: bigint | undefined, d: Date | null) =>
          t === undefined ? (d ?? new Date()).getTime() / 1000 : Number(t) / 1e9;
        return this.#lutimes(this.#path(path), secs(atim, s.atime), secs(mtim, s.mtime));
      }
      Deno.utimeSync(
        this.#path(path),
        atim === undefined ? s.atime ?? new Date() : toDate(atim),
        mtim === undefined ? s.mtime ?? new Date() : toDate(mtim),
      );
    });
  }
}

class DenoFile implements FileHandle {
  #append: boolean;
  constructor(readonly file: Deno.FsFile, append: boolean) {
    this.#append = append;
  }

  read(buf: Uint8Array, position?: bigint): number {
    return guard(() => {
      if (position === undefined) return this.file.readSync(buf) ?? 0;
      const saved = this.file.seekSync(0, Deno.SeekMode.Current);
      try {
        this.file.seekSync(Number(position), Deno.SeekMode.Start);
        return this.file.readSync(buf) ?? 0;
      } finally {
        this.file.seekSync(saved, Deno.SeekMode.Start);
      }
    });
  }
  write(buf: Uint8Array, position?: bigint): number {
    return guard(() => {
      // Append mode (emulated, see open): every write goes to the current
      // end, and pwrite too, as on Linux.
      if (this.#append) {
        const saved = this.file.seekSync(0, Deno.SeekMode.Current);
        this.file.seekSync(0, Deno.SeekMode.End);
        const n = writeAll(this.file, buf);
        if (position !== undefined) this.file.seekSync(saved, Deno.SeekMode.Start);
        return n;
      }
      if (position === undefined) return this.file.writeSync(buf);
      const saved = this.file.seekSync(0, Deno.SeekMode.Current);
      try {
        this.file.seekSync(Number(position), Deno.SeekMode.Start);
        return this.file.writeSync(buf);
      } finally {
        this.file.seekSync(saved, Deno.SeekMode.Start);
      }
    });
  }
  seek(offset: bigint, whence: number): bigint {
    return guard(() => BigInt(this.file.seekSync(offset, whence as Deno.SeekMode)));
  }
  stat(): FileStat {
    return guard(() => statOf(this.file.statSync()));
  }
  truncate(size: bigint): void {
    guard(() => this.file.truncateSync(Number(size)));
  }
  utimes(atim: bigint | undefined, mtim: bigint | undefined): void {
    guard(() => {
      const s = this.file.statSync();
      this.file.utimeSync(
        atim === undefined ? s.atime ?? new Date() : toDate(atim),
        mtim === undefined ? s.mtime ?? new Date() : toDate(mtim),
      );
    });
  }
  sync(): void {
    guard(() => this.file.syncSync());
  }
  readdir(): DirEntry[] {
    throw new SysError(Errno.ENOTDIR);
  }
  setAppend(append: boolean): void {
    this.#append = append;
  }
  close(): void {
    guard(() => this.file.close());
  }
}

/** Writes all of `buf` (an appending write must not leave a gap for the next one to fill). */
function writeAll(file: Deno.FsFile, buf: Uint8Array): number {
  let at = 0;
  while (at < buf.length) at += file.writeSync(buf.subarray(at));
  return at;
}

/** Directories are handled by path: Deno has no directory handles. */
class DenoDir implements FileHandle {
  constructor(readonly root: string, readonly path: string) {}

  /** The directory's real path, refused if it no longer lies inside the root. */
  #real(): string {
    const real = Deno.realPathSync(this.path);
    if (!isInside(Deno.realPathSync(this.root), real)) {
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
    return guard(() => statOf(Deno.statSync(this.#real())));
  }
  truncate(): void {
    throw new SysError(Errno.EISDIR);
  }
  utimes(atim: bigint | undefined, mtim: bigint | undefined): void {
    guard(() => {
      const real = this.#real();
      const s = Deno.statSync(real);
      Deno.utimeSync(
        real,
        atim === undefined ? s.atime ?? new Date() : toDate(atim),
        mtim === undefined ? s.mtime ?? new Date() : toDate(mtim),
      );
    });
  }
  sync(): void {}
  readdir(): DirEntry[] {
    return guard(() => {
      const real = this.#real();
      const out: DirEntry[] = [];
      for (const e of Deno.readDirSync(real)) {
        let ino = 0n;
        try {
          ino = BigInt(Deno.lstatSync(`${real}/${e.name}`).ino ?? 0);
        } catch { /* raced with a removal: keep 0 */ }
        out.push({
          name: e.name,
          filetype: e.isSymlink
            ? FileType.SYMBOLIC_LINK
            : e.isDirectory
            ? FileType.DIRECTORY
            : e.isFile
            ? FileType.REGULAR_FILE
            : FileType.UNKNOWN,
          ino,
        });
      }
      return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    });
  }
  close(): void {}
}
