/**
 * The file system adapter interface. An adapter is one directory tree (a
 * mount); the WASI layer owns every semantic decision (sandboxing, symlink
 * resolution, rights, errno choice) and calls adapters with paths it has
 * already resolved, so adapters stay thin translations of host calls.
 *
 * Contract for implementers:
 * - Paths are relative to the adapter's root, `/`-separated, never absolute,
 *   never containing `.` or `..` components; `""` is the root itself.
 * - No path component except possibly the last is a symbolic link (the WASI
 *   layer resolved them), and no method needs to follow a final symlink:
 *   `stat` describes the link itself (lstat), and `open` is never asked to
 *   open one.
 * - Failures throw {@link SysError} with a WASI errno (see `toSysError`).
 *
 * @module
 */

/** WASI file types (the `filetype` enum). */
export const FileType = {
  UNKNOWN: 0,
  BLOCK_DEVICE: 1,
  CHARACTER_DEVICE: 2,
  DIRECTORY: 3,
  REGULAR_FILE: 4,
  SOCKET_DGRAM: 5,
  SOCKET_STREAM: 6,
  SYMBOLIC_LINK: 7,
} as const;

/** Metadata of a file, in WASI's units (times are nanoseconds since the Unix epoch). */
export interface FileStat {
  /** Device id (0 when the host does not say). */
  dev: bigint;
  /** Inode number (0 when the host does not say). */
  ino: bigint;
  /** A {@link FileType} value. */
  filetype: number;
  /** Number of hard links. */
  nlink: bigint;
  /** Size in bytes. */
  size: bigint;
  /** Last access time. */
  atim: bigint;
  /** Last modification time. */
  mtim: bigint;
  /** Last status change time. */
  ctim: bigint;
}

/** One directory entry, as listed by {@link FileHandle.readdir}. */
export interface DirEntry {
  /** The entry's name (no `/`). */
  name: string;
  /** A {@link FileType} value. */
  filetype: number;
  /** Inode number (0 when unknown). */
  ino: bigint;
}

/** How {@link FileSystem.open} opens a path. */
export interface OpenOptions {
  /** Open for reading. */
  read: boolean;
  /** Open for writing. */
  write: boolean;
  /** Create the file if missing. */
  create?: boolean;
  /** With `create`: fail with EEXIST if it exists. */
  exclusive?: boolean;
  /** Truncate to 0 bytes. */
  truncate?: boolean;
  /** Every write goes to the end. */
  append?: boolean;
  /** The path must be a directory (ENOTDIR otherwise). */
  directory?: boolean;
}

/** `whence` of {@link FileHandle.seek}, in WASI's numbering. */
export const Whence = { SET: 0, CUR: 1, END: 2 } as const;

/** An open file or directory. */
export interface FileHandle {
  /** Reads into `buf` at the current position (or at `position`, not moving it); returns the count, 0 at EOF. */
  read(buf: Uint8Array, position?: bigint): number;
  /** Writes `buf` at the current position (or at `position`, not moving it); returns the count. */
  write(buf: Uint8Array, position?: bigint): number;
  /** Moves the position; returns the new one. */
  seek(offset: bigint, whence: number): bigint;
  /** Metadata of the open file. */
  stat(): FileStat;
  /** Sets the size (growing fills with zeros). */
  truncate(size: bigint): void;
  /** Sets times in ns; `undefined` leaves one unchanged. */
  utimes(atim: bigint | undefined, mtim: bigint | undefined): void;
  /** Flushes data and metadata. */
  sync(): void;
  /** Lists a directory (without `.` and `..`), in a stable order. */
  readdir(): DirEntry[];
  /** Changes append mode, where the host can. */
  setAppend?(append: boolean): void;
  /** Releases the handle. */
  close(): void;
}

/** A directory tree the guest can see (one mount). */
export interface FileSystem {
  /** True when every write must be refused with EROFS (checked by the WASI layer too). */
  readonly readOnly?: boolean;
  /** Opens (maybe creates) a file or directory. */
  open(path: string, options: OpenOptions): FileHandle;
  /** Metadata of a path, not following a final symlink. */
  stat(path: string): FileStat;
  /** Creates a directory (EEXIST if anything exists there). */
  mkdir(path: string): void;
  /** Removes an empty directory. */
  rmdir(path: string): void;
  /** Removes a non-directory. */
  unlink(path: string): void;
  /** Renames, replacing a file (or an empty directory) at `to`. */
  rename(from: string, to: string): void;
  /** Creates a hard link `to` for the file `from`. */
  link(from: string, to: string): void;
  /** Creates a symbolic link at `path` holding `target` (stored as given). */
  symlink(target: string, path: string): void;
  /** The target stored in a symbolic link. */
  readlink(path: string): string;
  /** Sets times in ns of a path (not following a final symlink where the host can). */
  utimes(path: string, atim: bigint | undefined, mtim: bigint | undefined): void;
}
