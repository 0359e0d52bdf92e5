/**
 * The `path_*` functions of `wasi_snapshot_preview1`. Every path goes
 * through the sandbox (`sandbox.ts`) first; read-only mounts refuse writes
 * with EROFS.
 *
 * @module
 */

import { Errno, SysError } from "../host/errno.ts";
import { type FileStat, FileType } from "../host/fs.ts";
import { FdFlags, LOOKUP_SYMLINK_FOLLOW, OFlags, Rights } from "./constants.ts";
import { type WasiContext, writable } from "./context.ts";
import { type Dialect, type Impl, timesFrom, writeFilestat } from "./fd_functions.ts";
import type { GuestMemory } from "./guest_memory.ts";
import { MAX_PATH } from "./sandbox.ts";

const WRITE_RIGHTS = Rights.FD_WRITE | Rights.FD_ALLOCATE | Rights.FD_FILESTAT_SET_SIZE;
const READ_RIGHTS = Rights.FD_READ | Rights.FD_READDIR;

function statOrUndefined(ctx: { mount: { fs: { stat(p: string): FileStat } } }, path: string) {
  try {
    return ctx.mount.fs.stat(path);
  } catch (e) {
    if (e instanceof SysError && e.errno === Errno.ENOENT) return undefined;
    throw e;
  }
}

/** The `path_*` functions bound to `ctx`. */
export function pathFunctions(ctx: WasiContext, dialect: Dialect): Record<string, Impl> {
  const str = (mem: GuestMemory, ptr: number, len: number) => mem.string(ptr, len);
  return {
    path_open(
      mem,
      fd: number,
      dirflags: number,
      pathPtr: number,
      pathLen: number,
      oflags: number,
      rightsBase: bigint,
      rightsInheriting: bigint,
      fdflags: number,
      fdPtr: number,
    ) {
      if (oflags & ~0xf || fdflags & ~0x1f) return Errno.EINVAL;
      const creat = (oflags & OFlags.CREAT) !== 0;
      const excl = (oflags & OFlags.EXCL) !== 0;
      const trunc = (oflags & OFlags.TRUNC) !== 0;
      const directory = (oflags & OFlags.DIRECTORY) !== 0;
      const append = (fdflags & FdFlags.APPEND) !== 0;
      const base = BigInt.asUintN(64, rightsBase);
      const write = trunc || append || (base & WRITE_RIGHTS) !== 0n;
      const read = (base & READ_RIGHTS) !== 0n || !write;
      const follow = (dirflags & LOOKUP_SYMLINK_FOLLOW) !== 0 && !(creat && excl);
      const r = ctx.resolve(fd, str(mem, pathPtr, pathLen), follow);
      mem.u32(fdPtr); // Fail on a bad result pointer before creating anything.
      const st = statOrUndefined(r, r.path);
      if (st !== undefined && creat && excl) return Errno.EEXIST;
      if (st === undefined) {
        if (!creat || directory) return Errno.ENOENT;
        if (r.mustBeDir) return Errno.EISDIR;
        writable(r.mount);
      } else {
        if (st.filetype === FileType.SYMBOLIC_LINK) return Errno.ELOOP;
        const isDir = st.filetype === FileType.DIRECTORY;
        if ((directory || r.mustBeDir) && !isDir) return Errno.ENOTDIR;
        if (isDir && write) return Errno.EISDIR;
        if (write) writable(r.mount);
      }
      const handle = r.mount.fs.open(r.path, {
        read,
        write,
        create: creat,
        exclusive: creat && excl,
        truncate: trunc,
        append,
        directory,
      });
      const filetype = st?.filetype ?? FileType.REGULAR_FILE;
      const newFd = ctx.fds.add({
        filetype,
        fdflags: fdflags & (FdFlags.APPEND | FdFlags.NONBLOCK),
        rightsBase: base,
        rightsInheriting: BigInt.asUintN(64, rightsInheriting),
        handle,
        mount: r.mount,
        path: r.path,
        readable: read,
        writable: write,
      });
      mem.setU32(fdPtr, newFd);
      return Errno.SUCCESS;
    },

    path_create_directory(mem, fd: number, pathPtr: number, pathLen: number) {
      const r = ctx.resolve(fd, str(mem, pathPtr, pathLen), false);
      if (r.path === "") return Errno.EEXIST;
      writable(r.mount);
      r.mount.fs.mkdir(r.path);
      return Errno.SUCCESS;
    },

    path_filestat_get(
      mem,
      fd: number,
      flags: number,
      pathPtr: number,
      pathLen: number,
      buf: number,
    ) {
      const r = ctx.resolve(fd, str(mem, pathPtr, pathLen), (flags & LOOKUP_SYMLINK_FOLLOW) !== 0);
      const st = r.mount.fs.stat(r.path);
      if (r.mustBeDir && st.filetype !== FileType.DIRECTORY) return Errno.ENOTDIR;
      writeFilestat(mem, buf, st, dialect);
      return Errno.SUCCESS;
    },

    path_filestat_set_times(
      mem,
      fd: number,
      flags: number,
      pathPtr: number,
      pathLen: number,
      atim: bigint,
      mtim: bigint,
      fstFlags: number,
    ) {
      const r = ctx.resolve(fd, str(mem, pathPtr, pathLen), (flags & LOOKUP_SYMLINK_FOLLOW) !== 0);
      const [a, m] = timesFrom(ctx, atim, mtim, fstFlags);
      r.mount.fs.stat(r.path);
      writable(r.mount);
      r.mount.fs.utimes(r.path, a, m);
      return Errno.SUCCESS;
    },

    path_link(
      mem,
      oldFd: number,
      oldFlags: number,
      oldPtr: number,
      oldLen: number,
      newFd: number,
      newPtr: number,
      newLen: number,
    ) {
      const from = ctx.resolve(
        oldFd,
        str(mem, oldPtr, oldLen),
        (oldFlags & LOOKUP_SYMLINK_FOLLOW) !== 0,
      );
      const to = ctx.resolve(newFd, str(mem, newPtr, newLen), false);
      if (from.mount !== to.mount) return Errno.EXDEV;
      const st = from.mount.fs.stat(from.path);
      if (st.filetype === FileType.DIRECTORY) return Errno.EPERM;
      if (to.mustBeDir || from.mustBeDir) return Errno.ENOTDIR;
      writable(to.mount);
      to.mount.fs.link(from.path, to.path);
      return Errno.SUCCESS;
    },

    path_readlink(
      mem,
      fd: number,
      pathPtr: number,
      pathLen: number,
      buf: number,
      bufLen: number,
      usedPtr: number,
    ) {
      const r = ctx.resolve(fd, str(mem, pathPtr, pathLen), false);
      const target = new TextEncoder().encode(r.mount.fs.readlink(r.path));
      // Like readlink(2): a short buffer gets a truncated target, not an error.
      const n = Math.min(target.length, bufLen);
      mem.setBytes(buf, target.subarray(0, n));
      mem.setU32(usedPtr, n);
      return Errno.SUCCESS;
    },

    path_remove_directory(mem, fd: number, pathPtr: number, pathLen: number) {
      const r = ctx.resolve(fd, str(mem, pathPtr, pathLen), false);
      if (r.path === "") return Errno.EBUSY;
      writable(r.mount);
      r.mount.fs.rmdir(r.path);
      return Errno.SUCCESS;
    },

    path_rename(
      mem,
      fd: number,
      oldPtr: number,
      oldLen: number,
      newFd: number,
      newPtr: number,
      newLen: number,
    ) {
      const from = ctx.resolve(fd, str(mem, oldPtr, oldLen), false);
      const to = ctx.resolve(newFd, str(mem, newPtr, newLen), false);
      if (from.mount !== to.mount) return Errno.EXDEV;
      if (from.path === "" || to.path === "") return Errno.EBUSY;
      const st = from.mount.fs.stat(from.path);
      const isDir = st.filetype === FileType.DIRECTORY;
      if ((from.mustBeDir || to.mustBeDir) && !isDir) return Errno.ENOTDIR;
      if (isDir && (to.path + "/").startsWith(from.path + "/") && to.path !== from.path) {
        return Errno.EINVAL;
      }
      writable(from.mount);
      from.mount.fs.rename(from.path, to.path);
      return Errno.SUCCESS;
    },

    path_symlink(mem, oldPtr: number, oldLen: number, fd: number, newPtr: number, newLen: number) {
      const target = str(mem, oldPtr, oldLen);
      // An absolute target could never resolve inside the sandbox, and on a
      // real file system it would point host programs outside of it.
      if (target.startsWith("/")) return Errno.ENOTCAPABLE;
      if (target === "" || target.includes("\0")) return Errno.ENOENT;
      if (target.length > MAX_PATH) return Errno.ENAMETOOLONG;
      const r = ctx.resolve(fd, str(mem, newPtr, newLen), false);
      if (r.path === "") return Errno.EEXIST;
      if (r.mustBeDir) return Errno.ENOENT;
      writable(r.mount);
      r.mount.fs.symlink(target, r.path);
      return Errno.SUCCESS;
    },

    path_unlink_file(mem, fd: number, pathPtr: number, pathLen: number) {
      const r = ctx.resolve(fd, str(mem, pathPtr, pathLen), false);
      if (r.path === "") return Errno.EISDIR;
      const st = r.mount.fs.stat(r.path);
      if (st.filetype === FileType.DIRECTORY) return Errno.EISDIR;
      if (r.mustBeDir) return Errno.ENOTDIR;
      writable(r.mount);
      r.mount.fs.unlink(r.path);
      return Errno.SUCCESS;
    },
  };
}
