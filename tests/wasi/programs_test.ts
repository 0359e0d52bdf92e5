// The committed C programs (tests/wasi/programs), run through the public
// API on the in-memory file system.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MemoryFileSystem } from "../../mod.ts";
import { run } from "./helpers.ts";

test("hello: args, env, stderr and the exit code", async () => {
  const r = await run("hello", {
    args: ["hello", "a b", "ü"],
    env: { EXIT_CODE: "42", LANG: "C" },
  });
  assert.equal(r.code, 42);
  assert.equal(
    r.stdout,
    "hello from wasm\nargc=3\nargv[0]=hello\nargv[1]=a b\nargv[2]=ü\nenv EXIT_CODE=42\nenv LANG=C\n",
  );
  assert.equal(r.stderr, "this goes to stderr\n");
});

test("hello: defaults give no args, no env, and discard output", async () => {
  const r = await run("hello", { stdout: undefined, stderr: undefined });
  assert.equal(r.code, 0);
  assert.equal(r.stdout, "");
});

const FILES_TRANSCRIPT = `mkdir work first: ok
fopen for write: ok
fclose: ok
open O_RDWR: ok
read 18 bytes: line one
line two
lseek SET 5 -> 5
lseek CUR 0 -> 8
lseek END 0 -> 18
pread 8 at 0: 8 'line ONE'
pwrite 3 at 14: 3
fstat: ok
size=18 regular=1
ftruncate 8: ok
size after truncate=8
contents: line ONE+tail
mkdir work/sub: ok
mkdir work/sub again: fails as expected (File exists)
rename notes.txt -> sub/moved.txt: ok
stat old name: fails as expected (No such file or directory)
stat new name: ok
symlink: ok
readlink: 13 'sub/moved.txt'
stat through symlink: ok
lstat symlink: ok
hard link: ok
nlink=2
ls work: hard.txt link@ sub/
ls work/sub: moved.txt
rmdir non-empty: fails as expected (Directory not empty)
unlink a directory: fails as expected (Is a directory)
rmdir a file: fails as expected (Not a directory)
open missing: fails as expected (No such file or directory)
open O_EXCL existing: fails as expected (File exists)
open file as directory: fails as expected (Not a directory)
open dir for writing: fails as expected (Is a directory)
unlink symlink: ok
unlink hard link: ok
unlink moved: ok
rmdir sub: ok
ls work:
rmdir work: ok
`;

test("files: create, read, seek, stat, readdir, rename, links, unlink, rmdir (in memory)", async () => {
  const fs = new MemoryFileSystem();
  const r = await run("files", { mounts: { "/": fs } });
  assert.equal(r.stdout, FILES_TRANSCRIPT);
  assert.equal(r.code, 0);
  assert.deepEqual(fs.list(), []);
});

test("clock_random: system clock and crypto random", async () => {
  const r = await run("clock_random", { clock: "system", random: "crypto" });
  assert.equal(r.code, 0);
  assert.doesNotMatch(r.stdout, /: (no|failed)$/m);
  assert.match(r.stdout, /slept at least 20ms: yes/);
  assert.match(r.stdout, /poll timeout: 0/);
});

test("clock_random: the default fake clock and seeded random are deterministic", async () => {
  const a = await run("clock_random");
  const b = await run("clock_random");
  assert.equal(a.stdout, b.stdout);
  assert.doesNotMatch(a.stdout, /: (no|failed)$/m);
});

test("escape: no path leaves the pre-opened directory", async () => {
  const fs = new MemoryFileSystem({ inner: { "file.txt": "inside\n" } });
  // Links an embedder (not the guest) placed: absolute and escaping.
  fs.symlink("/secret.txt", "abs");
  fs.symlink("../../../../secret.txt", "deep");
  const r = await run("escape", { mounts: { "/sandbox": fs } });
  assert.match(r.stdout, /escapes: 0\n$/);
  assert.doesNotMatch(r.stdout, /ESCAPED/);
  assert.match(r.stdout, /inner\/\.\.\/inner\/file\.txt inside: opened/);
  assert.equal(r.code, 0);
});

test("wc: stdin, a larger program, and a file round trip", async () => {
  const text = "the quick brown fox\njumps over the lazy dog\nthe end\n".repeat(20);
  const fs = new MemoryFileSystem();
  const r = await run("wc", { stdin: text, mounts: { "/": fs } });
  assert.equal(
    r.stdout,
    "60 220 1040\nthe 60\nbrown 20\ndog 20\nend 20\nfox 20\ncompressed 1040 -> 71, round trip ok\n",
  );
  assert.equal(r.code, 0);
  assert.deepEqual(fs.list(), []);
});

test("raw: every rarely used function through wasi/api.h", async () => {
  const fs = new MemoryFileSystem({ inner: { "file.txt": "inside\n" } });
  const r = await run("raw", { stdin: "stdin\n", mounts: { "/sandbox": fs } });
  assert.equal(r.code, 0);
  const results = new Map<string, string>();
  for (const line of r.stdout.split("\n")) {
    const m = /^(__wasi_\w+|raw_\w+)\((.*)\): (\w+)$/.exec(line);
    if (m) results.set(`${m[1]}(${m[2]})`, m[3]);
  }
  const expect = (prefix: string, errno: string) => {
    const hits = [...results].filter(([k]) => k.startsWith(prefix));
    assert.ok(hits.length > 0, `no call ${prefix}`);
    assert.equal(hits[0][1], errno, prefix);
  };
  expect("__wasi_fd_prestat_dir_name(3", "ENAMETOOLONG");
  expect("__wasi_fd_prestat_get(0", "EBADF");
  expect("__wasi_fd_advise(fd, 0, 10, 42)", "EINVAL");
  expect("__wasi_fd_allocate", "SUCCESS");
  expect("__wasi_fd_seek(fd, -10", "EINVAL");
  expect("__wasi_fd_seek(1,", "ESPIPE");
  expect("__wasi_fd_seek(dirfd", "EISDIR");
  expect("__wasi_fd_filestat_set_times(fd, 0, 0", "EINVAL");
  expect("__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_SYNC", "SUCCESS");
  expect(
    "__wasi_fd_fdstat_set_rights(fd, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE",
    "ENOTCAPABLE",
  );
  expect("__wasi_fd_readdir(fd,", "ENOTDIR");
  expect("__wasi_fd_renumber", "SUCCESS");
  expect("__wasi_fd_close(fd)", "EBADF");
  expect("__wasi_path_create_directory", "EEXIST");
  expect("__wasi_path_remove_directory", "ENOTEMPTY");
  expect('__wasi_path_unlink_file(3, "inner")', "EISDIR");
  expect('__wasi_path_readlink(3, "inner/file.txt"', "EINVAL");
  expect("__wasi_path_rename", "EINVAL");
  expect("__wasi_clock_res_get(99", "EINVAL");
  expect("raw_proc_raise", "ENOSYS");
  expect("__wasi_sock_shutdown(1", "ENOTSOCK");
  expect("__wasi_sock_shutdown(77", "EBADF");
  expect("__wasi_sock_accept", "ENOTSOCK");
  expect("__wasi_fd_write(1, (const __wasi_ciovec_t *)0x7ffffff0", "EFAULT");
  expect("__wasi_fd_pread(0", "ESPIPE");
  assert.match(r.stdout, /size after allocate: 100\n/);
  assert.match(r.stdout, /readlink truncated: file\n/);
  assert.match(r.stdout, /readdir bytes: 83\n/);
  assert.match(r.stdout, /stdin first byte: s\n/);
  assert.match(r.stdout, /mtim: 3000000000\n/);
});
