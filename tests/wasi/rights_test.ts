// Rights are cut down to what a file type allows and enforced (as wasmtime
// did for preview1); the SYNC family of fdflags is consistent between
// path_open, fd_fdstat_get and fd_fdstat_set_flags; path_link to `name/`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Errno, MemoryFileSystem } from "../../mod.ts";
import { shim } from "./shim.ts";

const PATH = 1024, PATH2 = 1536, OUT = 2048, STAT = 2560, BUF = 4096, IOV = 3072;
const O_CREAT = 1, O_DIRECTORY = 2, O_TRUNC = 8;
const APPEND = 1, DSYNC = 2, NONBLOCK = 4, RSYNC = 8, SYNC = 16;
const R = {
  FD_READ: 1n << 1n,
  FD_SEEK: 1n << 2n,
  FD_FDSTAT_SET_FLAGS: 1n << 3n,
  FD_TELL: 1n << 5n,
  FD_WRITE: 1n << 6n,
  PATH_CREATE_FILE: 1n << 10n,
  PATH_OPEN: 1n << 13n,
  PATH_FILESTAT_SET_SIZE: 1n << 19n,
  FD_FILESTAT_SET_SIZE: 1n << 22n,
};
const ALL = (1n << 30n) - 1n;

async function setup() {
  const fs = new MemoryFileSystem({ "file.txt": "hello", dir: { "a.txt": "a" } });
  const s = await shim({ mounts: { "/": fs } });
  const open = (dirfd: number, path: string, oflags: number, base: bigint, fdflags = 0) => {
    const len = s.str(PATH, path);
    const errno = s.call("path_open", dirfd, 0, PATH, len, oflags, base, ALL, fdflags, OUT);
    return { errno, fd: s.u32(OUT) };
  };
  const fdstat = (fd: number) => {
    assert.equal(s.call("fd_fdstat_get", fd, STAT), Errno.SUCCESS);
    const b = s.bytes(STAT, 24);
    const v = new DataView(b.buffer, b.byteOffset);
    return {
      flags: v.getUint16(2, true),
      base: v.getBigUint64(8, true),
      inheriting: v.getBigUint64(16, true),
    };
  };
  /** One iovec of `len` bytes at BUF. */
  const iov = (len: number) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setUint32(0, BUF, true);
    new DataView(b.buffer).setUint32(4, len, true);
    s.module.memory()!.write(IOV, b);
    return IOV;
  };
  return { fs, s, open, fdstat, iov };
}

test("rights: a directory never gets file rights, whatever is asked", async () => {
  const { open, fdstat } = await setup();
  const d = open(3, "dir", O_DIRECTORY, R.FD_SEEK | R.FD_TELL | R.FD_READ | R.PATH_OPEN);
  assert.equal(d.errno, Errno.SUCCESS);
  assert.equal(fdstat(d.fd).base, R.PATH_OPEN);
  assert.equal(fdstat(3).base & (R.FD_SEEK | R.FD_READ | R.FD_WRITE), 0n);
  // A file gets what it asked for, and no path rights.
  const f = open(3, "file.txt", 0, R.FD_READ | R.PATH_OPEN);
  assert.equal(fdstat(f.fd).base, R.FD_READ);
});

test("rights: dropped rights are enforced (fd_read, fd_write, fd_seek → ENOTCAPABLE)", async () => {
  const { s, open, iov } = await setup();
  const f = open(3, "file.txt", 0, R.FD_READ | R.FD_WRITE | R.FD_SEEK | R.FD_TELL);
  assert.equal(f.errno, Errno.SUCCESS);
  assert.equal(s.call("fd_read", f.fd, iov(5), 1, OUT), Errno.SUCCESS);
  assert.equal(s.u32(OUT), 5);
  assert.equal(s.call("fd_fdstat_set_rights", f.fd, R.FD_SEEK | R.FD_TELL, 0n), Errno.SUCCESS);
  assert.equal(s.call("fd_read", f.fd, iov(5), 1, OUT), Errno.ENOTCAPABLE);
  assert.equal(s.call("fd_write", f.fd, iov(1), 1, OUT), Errno.ENOTCAPABLE);
  assert.equal(s.call("fd_seek", f.fd, 0n, 0, OUT), Errno.SUCCESS);
  assert.equal(s.call("fd_fdstat_set_rights", f.fd, R.FD_TELL, 0n), Errno.SUCCESS);
  assert.equal(s.call("fd_seek", f.fd, 1n, 0, OUT), Errno.ENOTCAPABLE);
  assert.equal(s.call("fd_seek", f.fd, 0n, 1, OUT), Errno.SUCCESS, "tell is allowed");
  assert.equal(s.call("fd_filestat_get", f.fd, STAT), Errno.ENOTCAPABLE);
  assert.equal(s.call("fd_fdstat_set_rights", f.fd, R.FD_TELL | R.FD_READ, 0n), Errno.ENOTCAPABLE);
});

test("rights: truncating needs PATH_FILESTAT_SET_SIZE, creating PATH_CREATE_FILE", async () => {
  const { s, fs, open, fdstat } = await setup();
  const d = open(3, "dir", O_DIRECTORY, ALL & ~(R.FD_WRITE | R.FD_FILESTAT_SET_SIZE | 1n << 8n));
  assert.equal(open(d.fd, "a.txt", O_TRUNC, 0n).errno, Errno.SUCCESS);
  assert.equal(fs.stat("dir/a.txt").size, 0n);
  const base = fdstat(d.fd).base & ~(R.PATH_FILESTAT_SET_SIZE | R.PATH_CREATE_FILE);
  assert.equal(s.call("fd_fdstat_set_rights", d.fd, base, fdstat(d.fd).inheriting), Errno.SUCCESS);
  assert.equal(open(d.fd, "a.txt", O_TRUNC, 0n).errno, Errno.ENOTCAPABLE);
  assert.equal(open(d.fd, "new.txt", O_CREAT, R.FD_WRITE).errno, Errno.ENOTCAPABLE);
  assert.equal(open(d.fd, "a.txt", 0, R.FD_READ).errno, Errno.SUCCESS);
  // A directory passes on only its inheriting rights.
  assert.equal(s.call("fd_fdstat_set_rights", d.fd, base, R.FD_READ), Errno.SUCCESS);
  const f = open(d.fd, "a.txt", 0, R.FD_READ | R.FD_SEEK);
  assert.equal(f.errno, Errno.SUCCESS);
  assert.equal(s.call("fd_seek", f.fd, 0n, 0, OUT), Errno.ENOTCAPABLE);
});

test("fdflags: SYNC, DSYNC and RSYNC are kept by path_open and settable like APPEND", async () => {
  const { s, open, fdstat } = await setup();
  const rights = R.FD_READ | R.FD_WRITE | R.FD_FDSTAT_SET_FLAGS;
  const f = open(3, "file.txt", 0, rights, APPEND | SYNC);
  assert.equal(f.errno, Errno.SUCCESS);
  assert.equal(fdstat(f.fd).flags, APPEND | SYNC);
  for (const flags of [DSYNC | RSYNC, SYNC | NONBLOCK, 0, APPEND]) {
    assert.equal(s.call("fd_fdstat_set_flags", f.fd, flags), Errno.SUCCESS);
    assert.equal(fdstat(f.fd).flags, flags);
  }
  assert.equal(s.call("fd_fdstat_set_flags", f.fd, 32), Errno.EINVAL);
  // Without the right, nothing changes.
  assert.equal(s.call("fd_fdstat_set_rights", f.fd, R.FD_READ, 0n), Errno.SUCCESS);
  assert.equal(s.call("fd_fdstat_set_flags", f.fd, 0), Errno.ENOTCAPABLE);
  assert.equal(fdstat(f.fd).flags, APPEND);
});

test("path_link: a new name with a trailing slash is ENOENT (EEXIST if a directory is there)", async () => {
  const { s } = await setup();
  const link = (to: string) =>
    s.call("path_link", 3, 0, PATH, s.str(PATH, "file.txt"), 3, PATH2, s.str(PATH2, to));
  assert.equal(link("link/"), Errno.ENOENT);
  assert.equal(link("dir/"), Errno.EEXIST);
  assert.equal(link("link"), Errno.SUCCESS);
});
