/**
 * The part of `node:fs` the Node adapters use, written out structurally so
 * that the package's declarations do not name `node:fs`: a consumer without
 * `@types/node` (a browser or Deno project) can type-check them. The real
 * module (`await import("node:fs")`) is assignable to {@link NodeFs}.
 *
 * @module
 */

/** `fs.BigIntStats`: the fields the adapters read. */
export interface NodeBigIntStats {
  /** Device id. */
  readonly dev: bigint;
  /** Inode number. */
  readonly ino: bigint;
  /** Number of hard links. */
  readonly nlink: bigint;
  /** Size in bytes. */
  readonly size: bigint;
  /** Last access, nanoseconds since the epoch. */
  readonly atimeNs: bigint;
  /** Last modification, nanoseconds since the epoch. */
  readonly mtimeNs: bigint;
  /** Last status change, nanoseconds since the epoch. */
  readonly ctimeNs: bigint;
  /** True for a regular file. */
  isFile(): boolean;
  /** True for a directory. */
  isDirectory(): boolean;
  /** True for a symbolic link (from `lstat`). */
  isSymbolicLink(): boolean;
  /** True for a character device. */
  isCharacterDevice(): boolean;
  /** True for a block device. */
  isBlockDevice(): boolean;
  /** True for a socket. */
  isSocket(): boolean;
}

/** `fs.Dirent`: a directory entry. */
export interface NodeDirent {
  /** The entry's name. */
  readonly name: string;
  /** True for a regular file. */
  isFile(): boolean;
  /** True for a directory. */
  isDirectory(): boolean;
  /** True for a symbolic link. */
  isSymbolicLink(): boolean;
}

/** The `node:fs` module: the synchronous functions the adapters call. */
export interface NodeFs {
  /** Open flags. */
  readonly constants: {
    readonly O_RDONLY: number;
    readonly O_WRONLY: number;
    readonly O_RDWR: number;
    readonly O_CREAT: number;
    readonly O_EXCL: number;
    readonly O_TRUNC: number;
    readonly O_APPEND: number;
  };
  /** `fs.openSync(path, flags, mode)`. */
  openSync(path: string, flags: number, mode: number): number;
  /** `fs.closeSync(fd)`. */
  closeSync(fd: number): void;
  /** `fs.readSync(fd, buffer, offset, length, position)`. */
  readSync(
    fd: number,
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number | null,
  ): number;
  /** `fs.writeSync(fd, buffer, offset, length, position?)`. */
  writeSync(
    fd: number,
    buffer: Uint8Array,
    offset: number,
    length: number,
    position?: number,
  ): number;
  /** `fs.fstatSync(fd, { bigint: true })`. */
  fstatSync(fd: number, options: { bigint: true }): NodeBigIntStats;
  /** `fs.statSync(path, { bigint: true })`. */
  statSync(path: string, options: { bigint: true }): NodeBigIntStats;
  /** `fs.lstatSync(path, { bigint: true })`. */
  lstatSync(path: string, options: { bigint: true }): NodeBigIntStats;
  /** `fs.ftruncateSync(fd, length)`. */
  ftruncateSync(fd: number, length: number): void;
  /** `fs.futimesSync(fd, atime, mtime)`, times in seconds. */
  futimesSync(fd: number, atime: number, mtime: number): void;
  /** `fs.utimesSync(path, atime, mtime)`, times in seconds. */
  utimesSync(path: string, atime: number, mtime: number): void;
  /** `fs.lutimesSync(path, atime, mtime)`, times in seconds. */
  lutimesSync(path: string, atime: number, mtime: number): void;
  /** `fs.fsyncSync(fd)`. */
  fsyncSync(fd: number): void;
  /** `fs.realpathSync(path)`. */
  realpathSync(path: string): string;
  /** `fs.readdirSync(path, { withFileTypes: true })`. */
  readdirSync(path: string, options: { withFileTypes: true }): NodeDirent[];
  /** `fs.readlinkSync(path, "utf8")`. */
  readlinkSync(path: string, encoding: "utf8"): string;
  /** `fs.mkdirSync(path)`. */
  mkdirSync(path: string): unknown;
  /** `fs.rmdirSync(path)`. */
  rmdirSync(path: string): void;
  /** `fs.unlinkSync(path)`. */
  unlinkSync(path: string): void;
  /** `fs.renameSync(from, to)`. */
  renameSync(from: string, to: string): void;
  /** `fs.linkSync(existing, path)`. */
  linkSync(existing: string, path: string): void;
  /** `fs.symlinkSync(target, path)`. */
  symlinkSync(target: string, path: string): void;
}
