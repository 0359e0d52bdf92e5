/**
 * The `fd_*` functions of `wasi_snapshot_preview1`. Each takes the guest
 * memory and the raw parameters and returns an errno; failures inside are
 * thrown as `SysError` and converted by the caller (see `functions.ts`).
 *
 * @module
 */

import { Errno, SysError } from "../host/errno.ts";
import { type FileStat, FileType, Whence } from "../host/fs.ts";
import { ADVICE_MAX, FdFlags, FstFlags, Rights } from "./constants.ts";
import type { WasiContext } from "./context.ts";
import { need, writable } from "./context.ts";
import type { FdEntry } from "./fd_table.ts";
import type { GuestMemory } from "./guest_memory.ts";
import { type MaybeAsync, receive, send } from "./sock_functions.ts";

/** An implementation: guest memory and raw parameters in, errno out (later, when it must wait). */
// deno-lint-ignore no-explicit-any
export type Impl = (mem: GuestMemory, ...params: any[]) => MaybeAsync;

/** Options that change struct layouts for the legacy `wasi_unstable` module. */
export interface Dialect {
  /** `wasi_unstable`: `whence` is CUR=0, END=1, SET=2 and `filestat.nlink` is 32-bit. */
  legacy: boolean;
}

/** Writes a `filestat` (64 bytes; 56 with the legacy 32-bit nlink). */
export function writeFilestat(mem: GuestMemory, ptr: number, s: FileStat, d: Dialect): void {
  mem.setU64(ptr, s.dev);
  mem.setU64(ptr + 8, s.ino);
  mem.setU8(ptr + 16, s.filetype);
  const o = d.legacy ? 24 : 32;
  if (d.legacy) mem.setU32(ptr + 20, Number(s.nlink & 0xffffffffn));
  else mem.setU64(ptr + 24, s.nlink);
  mem.setU64(ptr + o, s.size);
  mem.setU64(ptr + o + 8, s.atim);
  mem.setU64(ptr + o + 16, s.mtim);
  mem.setU64(ptr + o + 24, s.ctim);
}

/** Resolves `*_set_times` flags into the times to set (`undefined`: unchanged). */
export function timesFrom(
  ctx: WasiContext,
  atim: bigint,
  mtim: bigint,
  flags: number,
): [bigint | undefined, bigint | undefined] {
  if (flags & ~0xf) throw new SysError(Errno.EINVAL);
  if ((flags & FstFlags.ATIM) && (flags & FstFlags.ATIM_NOW)) throw new SysError(Errno.EINVAL);
  if ((flags & FstFlags.MTIM) && (flags & FstFlags.MTIM_NOW)) throw new SysError(Errno.EINVAL);
  const now = flags & (FstFlags.ATIM_NOW | FstFlags.MTIM_NOW) ? ctx.clock.realtime() : 0n;
  // Timestamps are u64 in WASI; i64 parameters arrive signed.
  const a = BigInt.asUintN(64, atim), m = BigInt.asUintN(64, mtim);
  return [
    flags & FstFlags.ATIM ? a : flags & FstFlags.ATIM_NOW ? now : undefined,
    flags & FstFlags.MTIM ? m : flags & FstFlags.MTIM_NOW ? now : undefined,
  ];
}

/** A regular file's entry (EISDIR for directories, ESPIPE for streams). */
function fileOf(e: FdEntry): FdEntry & { handle: NonNullable<FdEntry["handle"]> } {
  if (e.filetype === FileType.DIRECTORY) throw new SysError(Errno.EISDIR);
  if (e.handle === undefined) throw new SysError(Errno.ESPIPE);
  return e as FdEntry & { handle: NonNullable<FdEntry["handle"]> };
}

function readInto(
  ctx: WasiContext,
  mem: GuestMemory,
  e: FdEntry,
  iovs: number,
  count: number,
  position: bigint | undefined,
): number {
  if (e.filetype === FileType.DIRECTORY) throw new SysError(Errno.EISDIR);
  need(e, position === undefined ? Rights.FD_READ : Rights.FD_READ | Rights.FD_SEEK);
  if (!e.readable) throw new SysError(Errno.EBADF);
  let total = 0;
  for (const [buf, len] of mem.iovecs(iovs, count)) {
    if (len === 0) continue;
    const view = mem.view(buf, len);
    let n: number;
    if (e.input !== undefined) {
      n = e.input.read(view);
      total += n;
      // A stream has given what it had: asking again could block.
      break;
    }
    n = e.handle!.read(view, position === undefined ? undefined : position + BigInt(total));
    total += n;
    if (n < len) break;
  }
  void ctx;
  return total;
}

function writeFrom(
  mem: GuestMemory,
  e: FdEntry,
  iovs: number,
  count: number,
  position: bigint | undefined,
): number {
  if (e.filetype === FileType.DIRECTORY) throw new SysError(Errno.EISDIR);
  need(e, position === undefined ? Rights.FD_WRITE : Rights.FD_WRITE | Rights.FD_SEEK);
  if (!e.writable) throw new SysError(Errno.EBADF);
  const parts = mem.iovecs(iovs, count);
  let size = 0;
  for (const [, len] of parts) size += len;
  // One host write per call, so output from a single fd_write is never interleaved.
  const data = new Uint8Array(size);
  let at = 0;
  for (const [buf, len] of parts) {
    data.set(mem.view(buf, len), at);
    at += len;
  }
  if (size === 0) return 0;
  if (e.output !== undefined) return e.output.write(data);
  const n = e.handle!.write(data, position);
  // SYNC and DSYNC are kept by syncing after each write: no host API here
  // can switch O_SYNC on an open file, and this is what the flags promise.
  if (e.fdflags & (FdFlags.SYNC | FdFlags.DSYNC)) e.handle!.sync();
  return n;
}

/** The `fd_*` functions bound to `ctx`. */
export function fdFunctions(ctx: WasiContext, dialect: Dialect): Record<string, Impl> {
  const fds = ctx.fds;
  return {
    fd_advise(_mem, fd: number, _offset: bigint, _len: bigint, advice: number) {
      const e = fds.get(fd);
      fileOf(e);
      need(e, Rights.FD_ADVISE);
      if (advice < 0 || advice > ADVICE_MAX) return Errno.EINVAL;
      return Errno.SUCCESS; // Advice is a hint; ignoring it is allowed.
    },

    fd_allocate(_mem, fd: number, offset: bigint, len: bigint) {
      const e = fileOf(fds.get(fd));
      need(e, Rights.FD_ALLOCATE);
      if (offset < 0n || len <= 0n) return Errno.EINVAL;
      if (!e.writable) return Errno.EBADF;
      const end = offset + len;
      if (e.handle.stat().size < end) e.handle.truncate(end);
      return Errno.SUCCESS;
    },

    fd_close(_mem, fd: number) {
      const e = fds.remove(fd);
      e.handle?.close();
      e.conn?.close();
      e.listener?.close();
      return Errno.SUCCESS;
    },

    fd_datasync(_mem, fd: number) {
      const e = fds.get(fd);
      need(e, Rights.FD_DATASYNC);
      if (e.handle === undefined) return Errno.EINVAL;
      e.handle.sync();
      return Errno.SUCCESS;
    },

    fd_sync(_mem, fd: number) {
      const e = fds.get(fd);
      need(e, Rights.FD_SYNC);
      if (e.handle === undefined) return Errno.EINVAL;
      e.handle.sync();
      return Errno.SUCCESS;
    },

    fd_fdstat_get(mem, fd: number, ptr: number) {
      const e = fds.get(fd);
      mem.setU8(ptr, e.filetype);
      mem.setU8(ptr + 1, 0);
      mem.setU16(ptr + 2, e.fdflags);
      mem.setU32(ptr + 4, 0);
      mem.setU64(ptr + 8, e.rightsBase);
      mem.setU64(ptr + 16, e.rightsInheriting);
      return Errno.SUCCESS;
    },

    fd_fdstat_set_flags(_mem, fd: number, flags: number) {
      const e = fds.get(fd);
      need(e, Rights.FD_FDSTAT_SET_FLAGS);
      if (flags & ~0x1f) return Errno.EINVAL;
      if (e.filetype === FileType.DIRECTORY && (flags & FdFlags.APPEND)) return Errno.EISDIR;
      // Every flag path_open takes can be set and cleared here too: APPEND by
      // the handle (adapters emulate it), the SYNC family by the WASI layer
      // (see writeFrom), NONBLOCK by the streams that care.
      e.handle?.setAppend?.((flags & FdFlags.APPEND) !== 0);
      e.fdflags = flags;
      return Errno.SUCCESS;
    },

    fd_fdstat_set_rights(_mem, fd: number, base: bigint, inheriting: bigint) {
      const e = fds.get(fd);
      // Rights may only shrink.
      if ((base & ~e.rightsBase) !== 0n || (inheriting & ~e.rightsInheriting) !== 0n) {
        return Errno.ENOTCAPABLE;
      }
      e.rightsBase = base;
      e.rightsInheriting = inheriting;
      return Errno.SUCCESS;
    },

    fd_filestat_get(mem, fd: number, ptr: number) {
      const e = fds.get(fd);
      need(e, Rights.FD_FILESTAT_GET);
      writeFilestat(mem, ptr, ctx.fdStat(e), dialect);
      return Errno.SUCCESS;
    },

    fd_filestat_set_size(_mem, fd: number, size: bigint) {
      const e = fileOf(fds.get(fd));
      need(e, Rights.FD_FILESTAT_SET_SIZE);
      if (size < 0n) return Errno.EINVAL;
      if (!e.writable) return Errno.EBADF;
      if (e.mount) writable(e.mount);
      e.handle.truncate(size);
      return Errno.SUCCESS;
    },

    fd_filestat_set_times(_mem, fd: number, atim: bigint, mtim: bigint, flags: number) {
      const e = fds.get(fd);
      need(e, Rights.FD_FILESTAT_SET_TIMES);
      const [a, m] = timesFrom(ctx, atim, mtim, flags);
      if (e.handle === undefined) return Errno.SUCCESS; // Streams have no times to keep.
      if (e.mount) writable(e.mount);
      e.handle.utimes(a, m);
      return Errno.SUCCESS;
    },

    fd_pread(mem, fd: number, iovs: number, count: number, offset: bigint, nreadPtr: number) {
      const e = fds.get(fd);
      fileOf(e);
      if (offset < 0n) return Errno.EINVAL;
      mem.setU32(nreadPtr, readInto(ctx, mem, e, iovs, count, offset));
      return Errno.SUCCESS;
    },

    fd_pwrite(mem, fd: number, iovs: number, count: number, offset: bigint, nwrittenPtr: number) {
      const e = fds.get(fd);
      fileOf(e);
      if (offset < 0n) return Errno.EINVAL;
      if (e.mount) writable(e.mount);
      mem.setU32(nwrittenPtr, writeFrom(mem, e, iovs, count, offset));
      return Errno.SUCCESS;
    },

    fd_read(mem, fd: number, iovs: number, count: number, nreadPtr: number) {
      const e = fds.get(fd);
      if (e.conn !== undefined) {
        mem.u32(nreadPtr);
        return receive(ctx, mem, e, iovs, count, false, (n) => mem.setU32(nreadPtr, n));
      }
      mem.setU32(nreadPtr, readInto(ctx, mem, e, iovs, count, undefined));
      return Errno.SUCCESS;
    },

    fd_write(mem, fd: number, iovs: number, count: number, nwrittenPtr: number) {
      const e = fds.get(fd);
      if (e.conn !== undefined) {
        mem.u32(nwrittenPtr);
        mem.setU32(nwrittenPtr, send(mem, e, iovs, count));
        return Errno.SUCCESS;
      }
      if (e.mount && e.writable) writable(e.mount);
      mem.setU32(nwrittenPtr, writeFrom(mem, e, iovs, count, undefined));
      return Errno.SUCCESS;
    },

    fd_prestat_get(mem, fd: number, ptr: number) {
      const e = fds.get(fd);
      if (e.preopen === undefined) return Errno.EBADF;
      mem.setU32(ptr, 0); // tag 0: a directory
      mem.setU32(ptr + 4, new TextEncoder().encode(e.preopen).length);
      return Errno.SUCCESS;
    },

    fd_prestat_dir_name(mem, fd: number, path: number, len: number) {
      const e = fds.get(fd);
      if (e.preopen === undefined) return Errno.EBADF;
      const name = new TextEncoder().encode(e.preopen);
      if (len < name.length) return Errno.ENAMETOOLONG;
      mem.setBytes(path, name);
      return Errno.SUCCESS;
    },

    fd_readdir(mem, fd: number, buf: number, len: number, cookie: bigint, usedPtr: number) {
      const e = fds.get(fd);
      if (e.filetype !== FileType.DIRECTORY || e.handle === undefined) return Errno.ENOTDIR;
      need(e, Rights.FD_READDIR);
      if (cookie < 0n) return Errno.EINVAL;
      // Cookie 0 rewinds (re-reading the directory); any other cookie continues the listing.
      if (cookie === 0n || e.listing === undefined) {
        const self = e.handle.stat();
        let parentIno = self.ino;
        if (e.path !== "" && e.mount !== undefined && e.path !== undefined) {
          const parent = e.path.includes("/") ? e.path.slice(0, e.path.lastIndexOf("/")) : "";
          try {
            parentIno = e.mount.fs.stat(parent).ino;
          } catch { /* keep the directory's own inode */ }
        }
        e.listing = [
          { name: ".", filetype: FileType.DIRECTORY, ino: self.ino },
          { name: "..", filetype: FileType.DIRECTORY, ino: parentIno },
          ...e.handle.readdir(),
        ];
      }
      if (cookie > BigInt(e.listing.length)) return Errno.EINVAL;
      const encoder = new TextEncoder();
      let used = 0;
      for (let i = Number(cookie); i < e.listing.length && used < len; i++) {
        const entry = e.listing[i];
        const name = encoder.encode(entry.name);
        const record = new Uint8Array(24 + name.length);
        const view = new DataView(record.buffer);
        view.setBigUint64(0, BigInt(i + 1), true);
        view.setBigUint64(8, entry.ino, true);
        view.setUint32(16, name.length, true);
        view.setUint8(20, entry.filetype);
        record.set(name, 24);
        // The last record may be cut short: that is how the guest learns the buffer was full.
        const n = Math.min(record.length, len - used);
        mem.setBytes(buf + used, record.subarray(0, n));
        used += n;
      }
      mem.setU32(usedPtr, used);
      return Errno.SUCCESS;
    },

    fd_renumber(_mem, fd: number, to: number) {
      const from = fds.get(fd);
      const target = fds.get(to);
      if (fd === to) return Errno.SUCCESS;
      target.handle?.close();
      fds.remove(fd);
      fds.set(to, from);
      return Errno.SUCCESS;
    },

    fd_seek(mem, fd: number, offset: bigint, whence: number, newPtr: number) {
      const e = fds.get(fd);
      if (e.filetype === FileType.DIRECTORY) return Errno.EISDIR;
      if (e.handle === undefined) return Errno.ESPIPE;
      let w = whence;
      if (dialect.legacy) {
        w = whence === 0 ? Whence.CUR : whence === 1 ? Whence.END : whence === 2 ? Whence.SET : -1;
      }
      if (w !== Whence.SET && w !== Whence.CUR && w !== Whence.END) return Errno.EINVAL;
      // Asking where one is (offset 0 from CUR) is telling, which FD_TELL allows.
      need(e, offset === 0n && w === Whence.CUR ? Rights.FD_TELL : Rights.FD_SEEK);
      mem.u64(newPtr); // Check the result pointer before moving the file.
      mem.setU64(newPtr, e.handle.seek(BigInt.asIntN(64, offset), w));
      return Errno.SUCCESS;
    },

    fd_tell(mem, fd: number, ptr: number) {
      const e = fds.get(fd);
      if (e.filetype === FileType.DIRECTORY) return Errno.EISDIR;
      if (e.handle === undefined) return Errno.ESPIPE;
      need(e, Rights.FD_TELL);
      mem.setU64(ptr, e.handle.seek(0n, Whence.CUR));
      return Errno.SUCCESS;
    },
  };
}
