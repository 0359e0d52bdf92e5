// WASI functions called directly through a WAT shim: the errno paths that
// matter, bad pointers, layouts, and the legacy wasi_unstable module.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  CollectedOutput,
  Errno,
  ExitError,
  fakeClock,
  FileType,
  MemoryFileSystem,
} from "../../mod.ts";
import { shim } from "./shim.ts";

const PATH = 1024, OUT = 2048, BUF = 4096;
// What wasi-libc asks for with O_RDONLY and O_WRONLY: every right except the
// other side's (rights are enforced, so a narrower set would refuse seek, stat...).
const ALL = (1n << 30n) - 1n;
const RIGHTS_READ = ALL & ~(1n << 0n | 1n << 6n | 1n << 8n | 1n << 22n);
const RIGHTS_WRITE = ALL & ~(1n << 1n | 1n << 14n);
const O_CREAT = 1, O_DIRECTORY = 2, O_EXCL = 4, O_TRUNC = 8;
const FOLLOW = 1;

function tree() {
  const fs = new MemoryFileSystem({
    "file.txt": "hello world",
    dir: { "a.txt": "a", "b.txt": "bb", sub: {} },
  });
  fs.symlink("file.txt", "link");
  fs.symlink("dir", "dirlink");
  fs.symlink("../outside", "escape");
  fs.symlink("/etc/passwd", "absolute");
  fs.symlink("loop", "loop");
  return fs;
}

async function withFs(readOnly = false) {
  const fs = tree();
  const s = await shim({ mounts: { "/": { dir: fs, readOnly } } });
  const open = (path: string, oflags = 0, rights = RIGHTS_READ, dirflags = FOLLOW, fdflags = 0) => {
    const len = s.str(PATH, path);
    const errno = s.call("path_open", 3, dirflags, PATH, len, oflags, rights, 0n, fdflags, OUT);
    return { errno, fd: s.u32(OUT) };
  };
  const path = (name: string, p: string, ...rest: number[]) =>
    s.call(name, 3, PATH, s.str(PATH, p), ...rest);
  return { fs, s, open, path };
}

test("path_open: the errno of each failure", async () => {
  const { open } = await withFs();
  assert.equal(open("file.txt").errno, Errno.SUCCESS);
  assert.equal(open("missing").errno, Errno.ENOENT);
  assert.equal(open("file.txt", O_CREAT | O_EXCL, RIGHTS_WRITE).errno, Errno.EEXIST);
  assert.equal(open("file.txt", O_DIRECTORY).errno, Errno.ENOTDIR);
  assert.equal(open("file.txt/").errno, Errno.ENOTDIR);
  assert.equal(open("file.txt/x").errno, Errno.ENOTDIR);
  assert.equal(open("dir", 0, RIGHTS_WRITE).errno, Errno.EISDIR);
  assert.equal(open("dir", O_TRUNC).errno, Errno.EISDIR);
  assert.equal(open("link", 0, RIGHTS_READ, 0).errno, Errno.ELOOP);
  assert.equal(open("link").errno, Errno.SUCCESS);
  assert.equal(open("loop").errno, Errno.ELOOP);
  assert.equal(open("x", 0x10).errno, Errno.EINVAL);
  assert.equal(open("").errno, Errno.ENOENT);
});

test("path_open: escapes are ENOTCAPABLE", async () => {
  const { open } = await withFs();
  for (
    const p of [
      "..",
      "../x",
      "dir/../../x",
      "/etc/passwd",
      "escape",
      "absolute",
      "dir/sub/../../..",
    ]
  ) {
    assert.equal(open(p).errno, Errno.ENOTCAPABLE, p);
  }
  assert.equal(open("dir/sub/../../file.txt").errno, Errno.SUCCESS);
  assert.equal(open("dirlink/a.txt").errno, Errno.SUCCESS);
});

test("path_open: a non-directory or missing dirfd", async () => {
  const { s, open } = await withFs();
  const { fd } = open("file.txt");
  const len = s.str(PATH, "x");
  assert.equal(s.call("path_open", fd, 0, PATH, len, 0, RIGHTS_READ, 0n, 0, OUT), Errno.ENOTDIR);
  assert.equal(s.call("path_open", 99, 0, PATH, len, 0, RIGHTS_READ, 0n, 0, OUT), Errno.EBADF);
  assert.equal(s.call("path_open", 1, 0, PATH, len, 0, RIGHTS_READ, 0n, 0, OUT), Errno.ENOTDIR);
  // A path outside memory is a fault, not a host error.
  assert.equal(s.call("path_open", 3, 0, 70000, 4, 0, RIGHTS_READ, 0n, 0, OUT), Errno.EFAULT);
  assert.equal(s.call("path_open", 3, 0, PATH, len, 0, RIGHTS_READ, 0n, 0, 65535), Errno.EFAULT);
});

test("a read-only mount refuses every write with EROFS", async () => {
  const { fs, open, path, s } = await withFs(true);
  assert.equal(open("new.txt", O_CREAT, RIGHTS_WRITE).errno, Errno.EROFS);
  assert.equal(open("file.txt", 0, RIGHTS_WRITE).errno, Errno.EROFS);
  assert.equal(open("file.txt", O_TRUNC).errno, Errno.EROFS);
  assert.equal(path("path_create_directory", "newdir"), Errno.EROFS);
  assert.equal(path("path_unlink_file", "file.txt"), Errno.EROFS);
  assert.equal(path("path_remove_directory", "dir/sub"), Errno.EROFS);
  const from = s.str(PATH, "file.txt"), to = s.str(PATH + 100, "moved.txt");
  assert.equal(s.call("path_rename", 3, PATH, from, 3, PATH + 100, to), Errno.EROFS);
  assert.equal(open("file.txt").errno, Errno.SUCCESS);
  assert.deepEqual(fs.list(), ["absolute", "dir", "dirlink", "escape", "file.txt", "link", "loop"]);
});

test("path_* functions: ENOENT, EEXIST, ENOTEMPTY, ENOTDIR, EISDIR, EXDEV", async () => {
  const { path, s } = await withFs();
  assert.equal(path("path_create_directory", "dir"), Errno.EEXIST);
  assert.equal(path("path_create_directory", "nope/x"), Errno.ENOENT);
  assert.equal(path("path_remove_directory", "dir"), Errno.ENOTEMPTY);
  assert.equal(path("path_remove_directory", "file.txt"), Errno.ENOTDIR);
  assert.equal(path("path_remove_directory", "missing"), Errno.ENOENT);
  assert.equal(path("path_remove_directory", "."), Errno.EBUSY);
  assert.equal(path("path_unlink_file", "dir"), Errno.EISDIR);
  assert.equal(path("path_unlink_file", "missing"), Errno.ENOENT);
  assert.equal(path("path_unlink_file", "../x"), Errno.ENOTCAPABLE);
  assert.equal(path("path_create_directory", "dir/sub/new"), Errno.SUCCESS);
  assert.equal(path("path_remove_directory", "dir/sub/new"), Errno.SUCCESS);
  const rename = (a: string, b: string) =>
    s.call("path_rename", 3, PATH, s.str(PATH, a), 3, PATH + 100, s.str(PATH + 100, b));
  assert.equal(rename("dir", "dir/sub/inside"), Errno.EINVAL);
  assert.equal(rename("missing", "x"), Errno.ENOENT);
  assert.equal(rename("file.txt", "dir"), Errno.EISDIR);
  assert.equal(rename("dir/sub", "file.txt"), Errno.ENOTDIR);
  assert.equal(rename("file.txt", "../x"), Errno.ENOTCAPABLE);
  assert.equal(rename("file.txt", "renamed.txt"), Errno.SUCCESS);
  const symlink = (target: string, at: string) =>
    s.call("path_symlink", PATH, s.str(PATH, target), 3, PATH + 100, s.str(PATH + 100, at));
  assert.equal(symlink("/abs", "l1"), Errno.ENOTCAPABLE);
  assert.equal(symlink("x", "renamed.txt"), Errno.EEXIST);
  assert.equal(symlink("renamed.txt", "l2"), Errno.SUCCESS);
  const link = (a: string, b: string) =>
    s.call("path_link", 3, 0, PATH, s.str(PATH, a), 3, PATH + 100, s.str(PATH + 100, b));
  assert.equal(link("dir", "dir2"), Errno.EPERM);
  assert.equal(link("renamed.txt", "l2"), Errno.EEXIST);
  assert.equal(link("renamed.txt", "hard"), Errno.SUCCESS);
  // path_filestat_get follows links only when asked.
  const stat = (p: string, flags: number) =>
    s.call("path_filestat_get", 3, flags, PATH, s.str(PATH, p), OUT);
  assert.equal(stat("l2", 0), Errno.SUCCESS);
  assert.equal(s.bytes(OUT + 16, 1)[0], FileType.SYMBOLIC_LINK);
  assert.equal(stat("l2", FOLLOW), Errno.SUCCESS);
  assert.equal(s.bytes(OUT + 16, 1)[0], FileType.REGULAR_FILE);
  assert.equal(s.u64(OUT + 24), 2n); // nlink: renamed.txt and hard
  assert.equal(s.u64(OUT + 32), 11n); // size
  assert.equal(stat("missing", 0), Errno.ENOENT);
});

test("fd_* functions on bad descriptors are EBADF; streams are ESPIPE", async () => {
  const { s, open } = await withFs();
  for (
    const [name, args] of [
      ["fd_close", [99]],
      ["fd_read", [99, BUF, 0, OUT]],
      ["fd_write", [99, BUF, 0, OUT]],
      ["fd_seek", [99, 0n, 0, OUT]],
      ["fd_tell", [99, OUT]],
      ["fd_fdstat_get", [99, OUT]],
      ["fd_filestat_get", [99, OUT]],
      ["fd_prestat_get", [99, OUT]],
      ["fd_sync", [99]],
      ["fd_renumber", [99, 3]],
      ["fd_readdir", [99, BUF, 100, 0n, OUT]],
    ] as const
  ) {
    assert.equal(s.call(name, ...args), Errno.EBADF, name);
  }
  assert.equal(s.call("fd_seek", 0, 0n, 0, OUT), Errno.ESPIPE);
  assert.equal(s.call("fd_pread", 1, BUF, 0, 0n, OUT), Errno.ESPIPE);
  assert.equal(s.call("fd_write", 0, BUF, 0, OUT), Errno.EBADF); // stdin is not writable
  assert.equal(s.call("fd_read", 1, BUF, 0, OUT), Errno.EBADF);
  const { fd } = open("file.txt");
  // Opened read-only: no FD_WRITE / FD_FILESTAT_SET_SIZE right.
  assert.equal(s.call("fd_write", fd, BUF, 0, OUT), Errno.ENOTCAPABLE);
  assert.equal(s.call("fd_filestat_set_size", fd, 0n), Errno.ENOTCAPABLE);
  assert.equal(s.call("fd_seek", fd, 0n, 7, OUT), Errno.EINVAL);
  assert.equal(s.call("fd_read", 3, BUF, 0, OUT), Errno.EISDIR);
});

test("fd_read, fd_write, fd_seek and fd_pread on a file", async () => {
  const { s, open, fs } = await withFs();
  const { fd } = open("new.txt", O_CREAT, RIGHTS_READ | RIGHTS_WRITE);
  const m = s.module.memory()!;
  const iov = (at: number, ptr: number, len: number) => {
    m.writeUint32(at, ptr);
    m.writeUint32(at + 4, len);
  };
  s.str(BUF, "hello");
  s.str(BUF + 16, ", world");
  iov(512, BUF, 5);
  iov(520, BUF + 16, 7);
  assert.equal(s.call("fd_write", fd, 512, 2, OUT), Errno.SUCCESS);
  assert.equal(s.u32(OUT), 12);
  assert.equal(s.call("fd_seek", fd, -5n, 1, OUT), Errno.SUCCESS);
  assert.equal(s.u64(OUT), 7n);
  iov(512, BUF + 100, 3);
  assert.equal(s.call("fd_read", fd, 512, 1, OUT), Errno.SUCCESS);
  assert.equal(new TextDecoder().decode(s.bytes(BUF + 100, s.u32(OUT))), "wor");
  assert.equal(s.call("fd_pread", fd, 512, 1, 0n, OUT), Errno.SUCCESS);
  assert.equal(new TextDecoder().decode(s.bytes(BUF + 100, 3)), "hel");
  assert.equal(s.call("fd_tell", fd, OUT), Errno.SUCCESS);
  assert.equal(s.u64(OUT), 10n); // pread does not move the position
  assert.equal(s.call("fd_seek", fd, -11n, 1, OUT), Errno.EINVAL);
  assert.equal(new TextDecoder().decode(fs.readFile("new.txt")), "hello, world");
  // Their views of guest memory lived for one call: growing it need not detach its buffer.
  assert.equal(s.module.state.memories[0].exposed, false);
  // An iovec pointing past memory is EFAULT, and nothing is written.
  iov(512, 65530, 100);
  assert.equal(s.call("fd_write", fd, 512, 1, OUT), Errno.EFAULT);
  assert.equal(fs.readFile("new.txt").length, 12);
});

test("fd_readdir: cookies resume, a full buffer cuts the last entry", async () => {
  const { s, open } = await withFs();
  const { fd } = open("dir", O_DIRECTORY);
  const names: string[] = [];
  let cookie = 0n;
  for (let guard = 0; guard < 20; guard++) {
    // Room for exactly one entry header and a short name per call.
    assert.equal(s.call("fd_readdir", fd, BUF, 32, cookie, OUT), Errno.SUCCESS);
    const used = s.u32(OUT);
    if (used === 0) break;
    const len = s.u32(BUF + 16);
    names.push(new TextDecoder().decode(s.bytes(BUF + 24, Math.min(len, used - 24))));
    cookie = s.u64(BUF);
  }
  assert.deepEqual(names, [".", "..", "a.txt", "b.txt", "sub"]);
  assert.equal(s.call("fd_readdir", fd, BUF, 4096, 99n, OUT), Errno.EINVAL);
});

test("fd_prestat, fd_fdstat and fd_renumber", async () => {
  const { s, open } = await withFs();
  assert.equal(s.call("fd_prestat_get", 3, OUT), Errno.SUCCESS);
  assert.equal(s.u32(OUT + 4), 1);
  assert.equal(s.call("fd_prestat_dir_name", 3, BUF, 1), Errno.SUCCESS);
  assert.equal(new TextDecoder().decode(s.bytes(BUF, 1)), "/");
  assert.equal(s.call("fd_prestat_get", 4, OUT), Errno.EBADF);
  assert.equal(s.call("fd_fdstat_get", 3, OUT), Errno.SUCCESS);
  assert.equal(s.bytes(OUT, 1)[0], FileType.DIRECTORY);
  const a = open("file.txt").fd, b = open("dir/a.txt").fd;
  assert.equal(s.call("fd_renumber", a, b), Errno.SUCCESS);
  assert.equal(s.call("fd_close", a), Errno.EBADF);
  assert.equal(s.call("fd_filestat_get", b, OUT), Errno.SUCCESS);
  assert.equal(s.u64(OUT + 32), 11n); // b is now file.txt
  assert.equal(s.call("fd_close", b), Errno.SUCCESS);
});

test("args, environ and bad pointers", async () => {
  const s = await shim({ args: ["prog", "x"], env: { A: "1" } });
  assert.equal(s.call("args_sizes_get", OUT, OUT + 4), Errno.SUCCESS);
  assert.deepEqual([s.u32(OUT), s.u32(OUT + 4)], [2, 7]);
  assert.equal(s.call("args_get", OUT, BUF), Errno.SUCCESS);
  assert.equal(new TextDecoder().decode(s.bytes(s.u32(OUT + 4), 2)), "x\0");
  assert.equal(s.call("environ_sizes_get", OUT, OUT + 4), Errno.SUCCESS);
  assert.deepEqual([s.u32(OUT), s.u32(OUT + 4)], [1, 4]);
  assert.equal(s.call("environ_get", OUT, BUF), Errno.SUCCESS);
  assert.equal(s.call("args_get", 65534, BUF), Errno.EFAULT);
  assert.equal(s.call("args_sizes_get", -1 >>> 0, OUT), Errno.EFAULT);
  assert.equal(s.call("random_get", 65000, 1000), Errno.EFAULT);
  assert.equal(s.call("clock_time_get", 0, 0n, 65535), Errno.EFAULT);
});

test("clocks: ids, resolution, the fake clock", async () => {
  const s = await shim({ clock: fakeClock() });
  assert.equal(s.call("clock_time_get", 0, 0n, OUT), Errno.SUCCESS);
  assert.equal(s.u64(OUT), 1_640_995_200_000_000_000n);
  assert.equal(s.call("clock_time_get", 1, 0n, OUT), Errno.SUCCESS);
  assert.equal(s.call("clock_time_get", 1, 0n, OUT + 8), Errno.SUCCESS);
  assert.ok(s.u64(OUT + 8) > s.u64(OUT));
  assert.equal(s.call("clock_res_get", 1, OUT), Errno.SUCCESS);
  assert.equal(s.call("clock_time_get", 2, 0n, OUT), Errno.EINVAL);
  assert.equal(s.call("clock_res_get", 9, OUT), Errno.EINVAL);
});

test("random_get: seeded is reproducible", async () => {
  const a = await shim({ random: 7 }), b = await shim({ random: 7 });
  a.call("random_get", BUF, 16);
  b.call("random_get", BUF, 16);
  assert.deepEqual(a.bytes(BUF, 16), b.bytes(BUF, 16));
  assert.notDeepEqual(a.bytes(BUF, 16), new Uint8Array(16));
});

test("poll_oneoff: clocks sleep, ready descriptors answer at once", async () => {
  const clock = fakeClock();
  const s = await shim({ clock, stdin: "data" });
  const m = s.module.memory()!;
  assert.equal(s.call("poll_oneoff", BUF, OUT, 0, 512), Errno.EINVAL);
  // A 5 ms relative clock subscription with userdata 42.
  m.writeUint64(BUF, 42n);
  m.writeUint8(BUF + 8, 0);
  m.writeUint32(BUF + 16, 1);
  m.writeUint64(BUF + 24, 5_000_000n);
  const before = clock.monotonic();
  assert.equal(s.call("poll_oneoff", BUF, OUT, 1, 512), Errno.SUCCESS);
  assert.equal(s.u32(512), 1);
  assert.equal(s.u64(OUT), 42n);
  assert.ok(clock.monotonic() - before >= 5_000_000n);
  // stdin readable (and a bad fd) alongside the clock: no sleep.
  m.writeUint64(BUF + 48, 7n);
  m.writeUint8(BUF + 56, 1);
  m.writeUint32(BUF + 64, 0);
  m.writeUint64(BUF + 96, 8n);
  m.writeUint8(BUF + 104, 2);
  m.writeUint32(BUF + 112, 99);
  assert.equal(s.call("poll_oneoff", BUF, OUT, 3, 512), Errno.SUCCESS);
  assert.equal(s.u32(512), 2);
  assert.equal(s.u64(OUT), 7n);
  assert.equal(m.readUint16(OUT + 32 + 8), Errno.EBADF);
});

test("proc_exit throws ExitError; proc_raise is ENOSYS; sched_yield succeeds", async () => {
  const s = await shim();
  assert.throws(() => s.call("proc_exit", 3), (e) => e instanceof ExitError && e.exitCode === 3);
  assert.equal(s.call("proc_raise", 9), Errno.ENOSYS);
  assert.equal(s.call("sched_yield"), Errno.SUCCESS);
});

test("sockets: ENOTSOCK for other descriptors, EBADF for none", async () => {
  const s = await shim();
  assert.equal(s.call("sock_accept", 1, 0, OUT), Errno.ENOTSOCK);
  assert.equal(s.call("sock_recv", 0, BUF, 1, 0, OUT, OUT + 4), Errno.ENOTSOCK);
  assert.equal(s.call("sock_send", 1, BUF, 1, 0, OUT), Errno.ENOTSOCK);
  assert.equal(s.call("sock_shutdown", 9, 1), Errno.EBADF);
});

test("wasi_unstable: old whence numbering and 32-bit nlink", async () => {
  const fs = tree();
  const s = await shim({ mounts: { "/": fs } }, "wasi_unstable");
  const len = s.str(PATH, "file.txt");
  assert.equal(s.call("path_open", 3, 0, PATH, len, 0, RIGHTS_READ, 0n, 0, OUT), Errno.SUCCESS);
  const fd = s.u32(OUT);
  assert.equal(s.call("fd_seek", fd, 0n, 1, OUT), Errno.SUCCESS); // 1 = END in wasi_unstable
  assert.equal(s.u64(OUT), 11n);
  assert.equal(s.call("fd_seek", fd, 2n, 2, OUT), Errno.SUCCESS); // 2 = SET
  assert.equal(s.u64(OUT), 2n);
  assert.equal(s.call("fd_filestat_get", fd, OUT), Errno.SUCCESS);
  assert.equal(s.u32(OUT + 20), 1); // nlink
  assert.equal(s.u64(OUT + 24), 11n); // size
});

test("hostLogging names each call's parameters and errno", async () => {
  const lines: string[] = [];
  const out = new CollectedOutput();
  const s = await shim({ hostLogging: (l) => lines.push(l), stdout: out });
  s.call("fd_close", 42);
  assert.deepEqual(lines, [
    "==> wasi_snapshot_preview1.fd_close(fd=42)",
    "<== errno=EBADF",
  ]);
});

test("a directory fd's own path is resolved through the sandbox on every call", async () => {
  const { s, open } = await withFs();
  const dir = open("dir", O_DIRECTORY);
  const two = (name: string, a: string, b: string) =>
    s.call(name, PATH, s.str(PATH, a), 3, PATH + 100, s.str(PATH + 100, b));
  assert.equal(
    s.call("path_rename", 3, PATH, s.str(PATH, "dir"), 3, PATH + 100, s.str(PATH + 100, "moved")),
    Errno.SUCCESS,
  );
  assert.equal(two("path_symlink", "..", "dir"), Errno.SUCCESS);
  const at = (p: string) =>
    s.call("path_open", dir.fd, FOLLOW, PATH, s.str(PATH, p), 0, RIGHTS_READ, 0n, 0, OUT);
  assert.equal(at("file.txt"), Errno.ENOTCAPABLE);
  assert.equal(s.call("path_unlink_file", 3, PATH, s.str(PATH, "dir")), Errno.SUCCESS);
  assert.equal(two("path_symlink", "moved", "dir"), Errno.SUCCESS);
  assert.equal(at("a.txt"), Errno.SUCCESS);
});

test("long symlink targets are ENAMETOOLONG, not a host error", async () => {
  const { fs, s, open } = await withFs();
  const m = s.module.memory()!;
  const long = new TextEncoder().encode("a/".repeat(3000));
  m.write(BUF, long);
  const len = s.str(PATH, "l");
  assert.equal(s.call("path_symlink", BUF, long.length, 3, PATH, len), Errno.ENAMETOOLONG);
  // One the embedder made (or a host tree holds) is refused when followed.
  fs.symlink("./".repeat(200_000) + "file.txt", "huge");
  assert.equal(open("huge").errno, Errno.ENAMETOOLONG);
  assert.equal(open("huge", 0, RIGHTS_READ, 0).errno, Errno.ELOOP);
});

test("iovec arrays: at most IOV_MAX entries, and no more bytes than the memory holds", async () => {
  const { s, open, fs } = await withFs();
  const { fd } = open("big.bin", O_CREAT, RIGHTS_WRITE);
  const m = s.module.memory()!;
  // 1025 iovecs each naming the whole memory.
  for (let i = 0; i < 1025; i++) {
    m.writeUint32(i * 8, 0);
    m.writeUint32(i * 8 + 4, m.size);
  }
  assert.equal(s.call("fd_write", fd, 0, 1025, m.size - 4), Errno.EINVAL);
  assert.equal(s.call("fd_read", 0, 0, 1025, m.size - 4), Errno.EINVAL);
  assert.equal(s.call("fd_pwrite", fd, 0, 0xffffffff, 0n, m.size - 4), Errno.EINVAL);
  // 1024 of them would be 64 MiB from a 64 KiB memory: a short write instead.
  assert.equal(s.call("fd_write", fd, 0, 1024, m.size - 4), Errno.SUCCESS);
  assert.equal(s.u32(m.size - 4), m.size);
  assert.equal(fs.readFile("big.bin").length, m.size);
});
