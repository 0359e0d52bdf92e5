/**
 * The `path_*` functions of `wasi_snapshot_preview1`. Every path goes
 * through the sandbox (`sandbox.ts`) first; read-only mounts refuse writes
 * with EROFS.
 *
 * @module
 */

import { Errno, SysError } from "../host/errno.ts";
import { type FileStat, FileType } from "../host/fs.ts";
import { FdFlags, LOOKUP_SYMLINK_FOLLOW, OFlags, Rights, rightsForType } from "./constants.ts";
import { need, type WasiContext, writable } from "./context.ts";
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
      const dir = ctx.dir(fd);
      // Creating and truncating are rights of the directory, as in wasmtime.
      need(dir, Rights.PATH_OPEN);
      if (creat) need(dir, Rights.PATH_CREATE_FILE);
      if (trunc) need(dir, Rights.PATH_FILESTAT_SET_SIZE);
      const follow = (dirflags & LOOKUP_SYMLINK_FOLLOW) !== 0 && !(creat && excl);
      const r = ctx.resolve(fd, str(mem, pathPtr, pathLen), follow, 0n);
      mem.u32(fdPtr); // Fail on a bad result pointer before creating anything.
      const st = statOrUndefined(r, r.path);
      // The new descriptor gets what was asked, within what the directory may
      // pass on and what its file type can do (a directory cannot seek or read).
      const filetype = st?.filetype ?? FileType.REGULAR_FILE;
      const typeRights = rightsForType(filetype);
      const asked = BigInt.asUintN(64, rightsBase) & dir.rightsInheriting;
      const base = asked & typeRights;
      const inheriting = BigInt.asUintN(64, rightsInheriting) & dir.rightsInheriting;
      // Asking to write a directory is EISDIR (below), not a quiet read-only open.
      const write = trunc || append || (asked & WRITE_RIGHTS) !== 0n;
      const read = (asked & READ_RIGHTS) !== 0n || !write;
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
      const newFd = ctx.fds.add({
        filetype,
        fdflags,
        rightsBase: base,
        rightsInheriting: inheriting,
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
      const r = ctx.resolve(fd, str(mem, pathPtr, pathLen), false, Rights.PATH_CREATE_DIRECTORY);
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
      const follow = (flags & LOOKUP_SYMLINK_FOLLOW) !== 0;
      const r = ctx.resolve(fd, str(mem, pathPtr, pathLen), follow, Rights.PATH_FILESTAT_GET);
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
      const follow = (flags & LOOKUP_SYMLINK_FOLLOW) !== 0;
      const r = ctx.resolve(fd, str(mem, pathPtr, pathLen), follow, Rights.PATH_FILESTAT_SET_TIMES);
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
        Rights.PATH_LINK_SOURCE,
      );
      const to = ctx.resolve(newFd, str(mem, newPtr, newLen), false, Rights.PATH_LINK_TARGET);
      if (from.mount !== to.mount) return Errno.EXDEV;
      const st = from.mount.fs.stat(from.path);
      if (st.filetype === FileType.DIRECTORY) return Errno.EPERM;
      if (from.mustBeDir) return Errno.ENOTDIR;
      // Like Linux's linkat: a new name with a trailing slash names a directory
      // that does not exist (ENOENT), or one that does (EEXIST).
      if (to.mustBeDir) return statOrUndefined(to, to.path) ? Errno.EEXIST : Errno.ENOENT;
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
      const r = ctx.resolve(fd, str(mem, pathPtr, pathLen), false, Rights.PATH_READLINK);
      const target = new TextEncoder().encode(r.mount.fs.readlink(r.path));
      // Like readlink(2): a short buffer gets a truncated target, not an error.
      const n = Math.min(target.length, bufLen);
      mem.setBytes(buf, target.subarray(0, n));
      mem.setU32(usedPtr, n);
      return Errno.SUCCESS;
    },

    path_remove_directory(mem, fd: number, pathPtr: number, pathLen: number) {
      const r = ctx.resolve(fd, str(mem, pathPtr, pathLen), false, Rights.PATH_REMOVE_DIRECTORY);
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
      const from = ctx.resolve(fd, str(mem, oldPtr, oldLen), false, Rights.PATH_RENAME_SOURCE);
      const to = ctx.resolve(newFd, str(mem, newPtr, newLen), false, Rights.PATH_RENAME_TARGET);
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
      const r = ctx.resolve(fd, str(mem, newPtr, newLen), false, Rights.PATH_SYMLINK);
      if (r.path === "") return Errno.EEXIST;
      if (r.mustBeDir) return Errno.ENOENT;
      writable(r.mount);
      r.mount.fs.symlink(target, r.path);
      return Errno.SUCCESS;
    },

    path_unlink_file(mem, fd: number, pathPtr: number, pathLen: number) {
      const r = ctx.resolve(fd, str(mem, pathPtr, pathLen), false, Rights.PATH_UNLINK_FILE);
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
