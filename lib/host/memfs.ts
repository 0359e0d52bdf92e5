/**
 * {@link MemoryFileSystem}: a file system that lives in JS memory. It is the
 * default sandbox (nothing of the host is visible) and the way to hand a
 * guest a prepared tree of files in tests and in the browser.
 *
 * @module
 */

import { Errno, SysError } from "./errno.ts";
import {
  type DirEntry,
  type FileHandle,
  type FileStat,
  type FileSystem,
  FileType,
  type OpenOptions,
  Whence,
} from "./fs.ts";

/** A tree to pre-populate a {@link MemoryFileSystem}: strings and bytes are files, objects directories. */
export interface MemoryTree {
  /** A file (text or bytes) or a directory, by name. */
  [name: string]: string | Uint8Array | MemoryTree;
}

type Node = FileNode | DirNode | LinkNode;

interface Meta {
  ino: bigint;
  nlink: number;
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
}
interface FileNode extends Meta {
  kind: "file";
  data: Uint8Array;
  size: number;
}
interface DirNode extends Meta {
  kind: "dir";
  entries: Map<string, Node>;
}
interface LinkNode extends Meta {
  kind: "link";
  target: string;
}

const encoder = new TextEncoder();

/**
 * An in-memory file system with directories, files, hard links, symbolic
 * links and timestamps.
 *
 * @example
 * ```ts
 * const fs = new MemoryFileSystem({ "hello.txt": "hi", data: { "a.bin": new Uint8Array([1]) } });
 * fs.writeFile("out/log.txt", "");        // creates out/ as needed
 * new TextDecoder().decode(fs.readFile("hello.txt")); // "hi"
 * ```
 */
export class MemoryFileSystem implements FileSystem {
  readonly readOnly: boolean;
  readonly #root: DirNode;
  readonly #now: () => bigint;
  #nextIno = 1n;

  /**

   * Creates it.

   *
   * @param tree initial contents.
   * @param options `readOnly` refuses writes (EROFS); `now` supplies timestamps in ns.
   */
  constructor(tree: MemoryTree = {}, options: { readOnly?: boolean; now?: () => bigint } = {}) {
    this.readOnly = options.readOnly ?? false;
    this.#now = options.now ?? (() => BigInt(Date.now()) * 1_000_000n);
    this.#root = this.#dir();
    this.#populate(this.#root, tree);
  }

  #meta(): Meta {
    const t = this.#now();
    return { ino: this.#nextIno++, nlink: 1, atim: t, mtim: t, ctim: t };
  }
  #dir(): DirNode {
    return { ...this.#meta(), kind: "dir", entries: new Map(), nlink: 2 };
  }
  #file(data: Uint8Array = new Uint8Array(0)): FileNode {
    return { ...this.#meta(), kind: "file", data: data.slice(), size: data.length };
  }

  #populate(dir: DirNode, tree: MemoryTree): void {
    for (const [name, value] of Object.entries(tree)) {
      if (typeof value === "string") dir.entries.set(name, this.#file(encoder.encode(value)));
      else if (value instanceof Uint8Array) dir.entries.set(name, this.#file(value));
      else {
        const sub = this.#dir();
        dir.entries.set(name, sub);
        this.#populate(sub, value);
      }
    }
  }

  // ---- Convenience API for embedders (not used by WASI) ----------------------

  /** Writes a whole file, creating missing parent directories. */
  writeFile(path: string, data: string | Uint8Array): void {
    const parts = split(path);
    let dir = this.#root;
    for (const p of parts.slice(0, -1)) {
      let next = dir.entries.get(p);
      if (next === undefined) dir.entries.set(p, next = this.#dir());
      if (next.kind !== "dir") throw new SysError(Errno.ENOTDIR, path);
      dir = next;
    }
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    dir.entries.set(parts[parts.length - 1], this.#file(bytes));
  }

  /** Reads a whole file (a copy). */
  readFile(path: string): Uint8Array {
    const node = this.#lookup(path);
    if (node.kind === "dir") throw new SysError(Errno.EISDIR, path);
    if (node.kind !== "file") throw new SysError(Errno.EINVAL, path);
    return node.data.slice(0, node.size);
  }

  /** Lists a directory's names, sorted. */
  list(path = ""): string[] {
    const node = this.#lookup(path);
    if (node.kind !== "dir") throw new SysError(Errno.ENOTDIR, path);
    return [...node.entries.keys()].sort();
  }

  /** True when something (not following a final symlink) exists at `path`. */
  exists(path: string): boolean {
    try {
      this.#lookup(path);
      return true;
    } catch {
      return false;
    }
  }

  // ---- FileSystem ------------------------------------------------------------

  #lookup(path: string): Node {
    let node: Node = this.#root;
    for (const p of split(path)) {
      if (node.kind !== "dir") throw new SysError(Errno.ENOTDIR, path);
      const next: Node | undefined = node.entries.get(p);
      if (next === undefined) throw new SysError(Errno.ENOENT, path);
      node = next;
    }
    return node;
  }

  /** The parent directory of `path` and the last component. */
  #parent(path: string): [DirNode, string] {
    const parts = split(path);
    if (parts.length === 0) throw new SysError(Errno.EBUSY, "the root");
    const name = parts.pop()!;
    const dir = this.#lookup(parts.join("/"));
    if (dir.kind !== "dir") throw new SysError(Errno.ENOTDIR, path);
    return [dir, name];
  }

  #writable(): void {
    if (this.readOnly) throw new SysError(Errno.EROFS);
  }

  #touch(node: Meta): void {
    node.mtim = node.ctim = this.#now();
  }

  open(path: string, o: OpenOptions): FileHandle {
    let node: Node;
    if (o.create) {
      const [dir, name] = this.#parent(path);
      const existing = dir.entries.get(name);
      if (existing !== undefined && o.exclusive) throw new SysError(Errno.EEXIST, path);
      if (existing === undefined) {
        this.#writable();
        node = this.#file();
        dir.entries.set(name, node);
        this.#touch(dir);
      } else node = existing;
    } else node = this.#lookup(path);
    if (node.kind === "link") throw new SysError(Errno.ELOOP, path);
    if (node.kind === "dir") {
      if (o.write || o.truncate) throw new SysError(Errno.EISDIR, path);
    } else if (o.directory) throw new SysError(Errno.ENOTDIR, path);
    if ((o.write || o.truncate) && this.readOnly) throw new SysError(Errno.EROFS);
    if (o.truncate && node.kind === "file") {
      node.size = 0;
      this.#touch(node);
    }
    return new MemoryHandle(node, o, this.#now);
  }

  stat(path: string): FileStat {
    return statOf(this.#lookup(path));
  }

  mkdir(path: string): void {
    const [dir, name] = this.#parent(path);
    if (dir.entries.has(name)) throw new SysError(Errno.EEXIST, path);
    this.#writable();
    dir.entries.set(name, this.#dir());
    dir.nlink++;
    this.#touch(dir);
  }

  rmdir(path: string): void {
    const [dir, name] = this.#parent(path);
    const node = dir.entries.get(name);
    if (node === undefined) throw new SysError(Errno.ENOENT, path);
    if (node.kind !== "dir") throw new SysError(Errno.ENOTDIR, path);
    if (node.entries.size > 0) throw new SysError(Errno.ENOTEMPTY, path);
    this.#writable();
    dir.entries.delete(name);
    dir.nlink--;
    this.#touch(dir);
  }

  unlink(path: string): void {
    const [dir, name] = this.#parent(path);
    const node = dir.entries.get(name);
    if (node === undefined) throw new SysError(Errno.ENOENT, path);
    if (node.kind === "dir") throw new SysError(Errno.EISDIR, path);
    this.#writable();
    dir.entries.delete(name);
    node.nlink--;
    this.#touch(dir);
  }

  rename(from: string, to: string): void {
    const [fromDir, fromName] = this.#parent(from);
    const node = fromDir.entries.get(fromName);
    if (node === undefined) throw new SysError(Errno.ENOENT, from);
    const [toDir, toName] = this.#parent(to);
    const existing = toDir.entries.get(toName);
    if (existing === node) return;
    if (node.kind === "dir") {
      // A directory must not move into its own subtree.
      if (isInside(toDir, node)) throw new SysError(Errno.EINVAL, to);
      if (existing !== undefined && existing.kind !== "dir") throw new SysError(Errno.ENOTDIR, to);
    } else if (existing?.kind === "dir") throw new SysError(Errno.EISDIR, to);
    if (existing?.kind === "dir" && existing.entries.size > 0) {
      throw new SysError(Errno.ENOTEMPTY, to);
    }
    this.#writable();
    fromDir.entries.delete(fromName);
    toDir.entries.set(toName, node);
    if (node.kind === "dir") {
      fromDir.nlink--;
      toDir.nlink++;
    }
    this.#touch(fromDir);
    this.#touch(toDir);
  }

  link(from: string, to: string): void {
    const node = this.#lookup(from);
    if (node.kind === "dir") throw new SysError(Errno.EPERM, from);
    const [dir, name] = this.#parent(to);
    if (dir.entries.has(name)) throw new SysError(Errno.EEXIST, to);
    this.#writable();
    dir.entries.set(name, node);
    node.nlink++;
    this.#touch(dir);
  }

  symlink(target: string, path: string): void {
    const [dir, name] = this.#parent(path);
    if (dir.entries.has(name)) throw new SysError(Errno.EEXIST, path);
    this.#writable();
    dir.entries.set(name, { ...this.#meta(), kind: "link", target });
    this.#touch(dir);
  }

  readlink(path: string): string {
    const node = this.#lookup(path);
    if (node.kind !== "link") throw new SysError(Errno.EINVAL, path);
    return node.target;
  }

  utimes(path: string, atim: bigint | undefined, mtim: bigint | undefined): void {
    const node = this.#lookup(path);
    this.#writable();
    setTimes(node, atim, mtim, this.#now());
  }
}

function split(path: string): string[] {
  return path.split("/").filter((p) => p !== "" && p !== ".");
}

function isInside(dir: DirNode, ancestor: DirNode): boolean {
  if (dir === ancestor) return true;
  for (const child of ancestor.entries.values()) {
    if (child.kind === "dir" && isInside(dir, child)) return true;
  }
  return false;
}

function setTimes(node: Meta, atim: bigint | undefined, mtim: bigint | undefined, now: bigint) {
  if (atim !== undefined) node.atim = atim;
  if (mtim !== undefined) node.mtim = mtim;
  node.ctim = now;
}

function statOf(node: Node): FileStat {
  const filetype = node.kind === "dir"
    ? FileType.DIRECTORY
    : node.kind === "file"
    ? FileType.REGULAR_FILE
    : FileType.SYMBOLIC_LINK;
  const size = node.kind === "file"
    ? node.size
    : node.kind === "link"
    ? encoder.encode(node.target).length
    : 4096;
  return {
    dev: 1n,
    ino: node.ino,
    filetype,
    nlink: BigInt(node.nlink),
    size: BigInt(size),
    atim: node.atim,
    mtim: node.mtim,
    ctim: node.ctim,
  };
}

/** Files above this size are refused (EFBIG) rather than exhausting JS memory. */
const MAX_FILE_SIZE = 2 ** 31;

class MemoryHandle implements FileHandle {
  #pos = 0;
  #append: boolean;
  #closed = false;

  constructor(
    readonly node: FileNode | DirNode,
    readonly options: OpenOptions,
    readonly now: () => bigint,
  ) {
    this.#append = options.append ?? false;
  }

  #file(): FileNode {
    if (this.#closed) throw new SysError(Errno.EBADF);
    if (this.node.kind !== "file") throw new SysError(Errno.EISDIR);
    return this.node;
  }

  read(buf: Uint8Array, position?: bigint): number {
    const f = this.#file();
    if (!this.options.read) throw new SysError(Errno.EBADF);
    const at = position === undefined ? this.#pos : Number(position);
    const n = Math.max(0, Math.min(buf.length, f.size - at));
    if (n > 0) buf.set(f.data.subarray(at, at + n));
    if (position === undefined) this.#pos += n;
    f.atim = this.now();
    return n;
  }

  write(buf: Uint8Array, position?: bigint): number {
    const f = this.#file();
    if (!this.options.write) throw new SysError(Errno.EBADF);
    let at = position === undefined ? (this.#append ? f.size : this.#pos) : Number(position);
    if (position !== undefined && this.#append) at = f.size; // POSIX: pwrite ignores the offset with O_APPEND on Linux
    const end = at + buf.length;
    if (end > MAX_FILE_SIZE) throw new SysError(Errno.EFBIG);
    ensureCapacity(f, end);
    f.data.set(buf, at);
    if (end > f.size) f.size = end;
    if (position === undefined) this.#pos = end;
    f.mtim = f.ctim = this.now();
    return buf.length;
  }

  seek(offset: bigint, whence: number): bigint {
    const f = this.#file();
    const base = whence === Whence.SET
      ? 0n
      : whence === Whence.CUR
      ? BigInt(this.#pos)
      : BigInt(f.size);
    const to = base + offset;
    if (to < 0n) throw new SysError(Errno.EINVAL);
    if (to > BigInt(Number.MAX_SAFE_INTEGER)) throw new SysError(Errno.EOVERFLOW);
    this.#pos = Number(to);
    return to;
  }

  stat(): FileStat {
    if (this.#closed) throw new SysError(Errno.EBADF);
    return statOf(this.node);
  }

  truncate(size: bigint): void {
    const f = this.#file();
    if (!this.options.write) throw new SysError(Errno.EBADF);
    if (size > BigInt(MAX_FILE_SIZE)) throw new SysError(Errno.EFBIG);
    const n = Number(size);
    ensureCapacity(f, n);
    if (n < f.size) f.data.fill(0, n, f.size);
    f.size = n;
    f.mtim = f.ctim = this.now();
  }

  utimes(atim: bigint | undefined, mtim: bigint | undefined): void {
    if (this.#closed) throw new SysError(Errno.EBADF);
    setTimes(this.node, atim, mtim, this.now());
  }

  sync(): void {
    if (this.#closed) throw new SysError(Errno.EBADF);
  }

  readdir(): DirEntry[] {
    if (this.#closed) throw new SysError(Errno.EBADF);
    if (this.node.kind !== "dir") throw new SysError(Errno.ENOTDIR);
    return [...this.node.entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map((
      [name, n],
    ) => ({ name, filetype: statOf(n).filetype, ino: n.ino }));
  }

  setAppend(append: boolean): void {
    this.#append = append;
  }

  close(): void {
    this.#closed = true;
  }
}

function ensureCapacity(f: FileNode, size: number): void {
  if (size <= f.data.length) return;
  const grown = new Uint8Array(Math.max(size, Math.min(f.data.length * 2, MAX_FILE_SIZE), 64));
  grown.set(f.data.subarray(0, f.size));
  f.data = grown;
}
