// The host adapters on a real temporary directory: the `files` and `escape`
// programs through DenoFileSystem (Deno) and NodeFileSystem (Deno, Bun).
// Then escape attempts through a real file system that the in-memory one cannot
// show. Skipped where the test run may not write (CI runs Deno with --allow-read only).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import { DenoFileSystem, Errno, type FileSystem, hostAdapters, NodeFileSystem } from "../../mod.ts";
import { bunNsTimes } from "../../lib/host/bun_times.ts";
import { run } from "./helpers.ts";
import { shim } from "./shim.ts";

function canWrite(): boolean {
  const deno = (globalThis as { Deno?: typeof Deno }).Deno;
  if (deno === undefined) return true;
  return deno.permissions.querySync({ name: "write" }).state === "granted" &&
    deno.permissions.querySync({ name: "env" }).state === "granted";
}

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno === "object";
const adapters: Array<[string, (root: string) => FileSystem, boolean]> = [
  ["DenoFileSystem", (root) => new DenoFileSystem(root), isDeno],
  ["NodeFileSystem", (root) => new NodeFileSystem(fs, root), true],
];

for (const [name, make, available] of adapters) {
  test(`${name}: files and escape on a temporary directory`, {
    skip: !available || !canWrite() ? "needs write permission" : false,
  }, async () => {
    const root = fs.mkdtempSync(`${os.tmpdir()}/wazero-ts-`);
    try {
      fs.writeFileSync(`${root}/secret.txt`, "secret");
      fs.mkdirSync(`${root}/box/inner`, { recursive: true });
      fs.writeFileSync(`${root}/box/inner/file.txt`, "inside\n");
      fs.symlinkSync("/etc/passwd", `${root}/box/abs`);
      const files = await run("files", { mounts: { "/": make(`${root}/box`) } });
      assert.equal(files.code, 0);
      assert.match(files.stdout, /contents: line ONE\+tail\n/);
      assert.match(files.stdout, /ls work: hard\.txt link@ sub\/\n/);
      assert.doesNotMatch(files.stdout, /UNEXPECTED/);
      const escape = await run("escape", { mounts: { "/sandbox": make(`${root}/box`) } });
      assert.match(escape.stdout, /escapes: 0\n$/);
      assert.equal(fs.readFileSync(`${root}/secret.txt`, "utf8"), "secret");
      assert.deepEqual(fs.readdirSync(root).sort(), ["box", "secret.txt"]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
}

const PATH = 1024, PATH2 = 1536, OUT = 2048, BUF = 4096;
const FOLLOW = 1, O_DIRECTORY = 2;
/** wasi-libc's rights for O_RDONLY: all but the writing ones. */
const RIGHTS_READ = ((1n << 30n) - 1n) & ~(1n << 0n | 1n << 6n | 1n << 8n | 1n << 22n);

/** A temporary `root/secret.txt` next to the mounted `root/box` (with `box/d/f.txt`). */
async function sandboxed(make: (root: string) => FileSystem) {
  const root = fs.mkdtempSync(`${os.tmpdir()}/wazero-ts-`);
  fs.writeFileSync(`${root}/secret.txt`, "secret");
  fs.mkdirSync(`${root}/box/d`, { recursive: true });
  fs.writeFileSync(`${root}/box/d/f.txt`, "f");
  const s = await shim({ mounts: { "/": make(`${root}/box`) } });
  const open = (dirfd: number, path: string, oflags = 0) => {
    const errno = s.call(
      "path_open",
      dirfd,
      FOLLOW,
      PATH,
      s.str(PATH, path),
      oflags,
      RIGHTS_READ,
      0n,
      0,
      OUT,
    );
    return { errno, fd: s.u32(OUT) };
  };
  const two = (name: string, a: string, b: string) =>
    s.call(name, PATH, s.str(PATH, a), 3, PATH2, s.str(PATH2, b));
  const cleanup = () => fs.rmSync(root, { recursive: true, force: true });
  return { root, s, open, two, cleanup };
}

for (const [name, make, available] of adapters) {
  test(`${name}: a directory fd whose path became a symlink cannot lead outside`, {
    skip: !available || !canWrite() ? "needs write permission" : false,
  }, async () => {
    const { root, s, open, two, cleanup } = await sandboxed(make);
    try {
      const dir = open(3, "d", O_DIRECTORY);
      assert.equal(dir.errno, Errno.SUCCESS);
      // Move the directory away and put a symlink to the mount's parent in its place.
      assert.equal(
        s.call("path_rename", 3, PATH, s.str(PATH, "d"), 3, PATH2, s.str(PATH2, "e")),
        Errno.SUCCESS,
      );
      assert.equal(two("path_symlink", "..", "d"), Errno.SUCCESS);
      assert.equal(open(dir.fd, "secret.txt").errno, Errno.ENOTCAPABLE);
      assert.equal(open(dir.fd, "box/e/f.txt").errno, Errno.ENOTCAPABLE);
      const before = fs.statSync(root).mtimeMs;
      assert.notEqual(s.call("fd_readdir", dir.fd, BUF, 4096, 0n, OUT), Errno.SUCCESS);
      assert.notEqual(s.call("fd_filestat_get", dir.fd, OUT), Errno.SUCCESS);
      assert.notEqual(s.call("fd_filestat_set_times", dir.fd, 0n, 0n, 1 | 4), Errno.SUCCESS);
      assert.equal(fs.statSync(root).mtimeMs, before);
      // A symlink that stays inside is followed as usual.
      assert.equal(s.call("path_unlink_file", 3, PATH, s.str(PATH, "d")), Errno.SUCCESS);
      assert.equal(two("path_symlink", "e", "d"), Errno.SUCCESS);
      assert.equal(open(dir.fd, "f.txt").errno, Errno.SUCCESS);
      assert.equal(s.call("fd_readdir", dir.fd, BUF, 4096, 0n, OUT), Errno.SUCCESS);
    } finally {
      cleanup();
    }
  });

  test(`${name}: path_filestat_set_times without FOLLOW never touches a link's target`, {
    skip: !available || !canWrite() ? "needs write permission" : false,
  }, async () => {
    const { root, s, two, cleanup } = await sandboxed(make);
    try {
      assert.equal(two("path_symlink", "../secret.txt", "out"), Errno.SUCCESS);
      const before = fs.statSync(`${root}/secret.txt`).mtimeMs;
      const len = s.str(PATH, "out");
      // Setting the link's own times (where the host can) or refusing are both fine.
      const errno = s.call("path_filestat_set_times", 3, 0, PATH, len, 0n, 0n, 1 | 4);
      assert.ok(errno === Errno.SUCCESS || errno === Errno.ENOTSUP, `errno ${errno}`);
      assert.equal(fs.statSync(`${root}/secret.txt`).mtimeMs, before);
      assert.equal(
        s.call("path_filestat_set_times", 3, FOLLOW, PATH, len, 0n, 0n, 1 | 4),
        Errno.ENOTCAPABLE,
      );
    } finally {
      cleanup();
    }
  });
}

for (const [name, make, available] of adapters) {
  test(`${name}: O_CREAT with only read rights creates or opens the file`, {
    skip: !available || !canWrite() ? "needs write permission" : false,
  }, async () => {
    const { root, s, open, cleanup } = await sandboxed(make);
    try {
      assert.equal(open(3, "new.txt", 1).errno, Errno.SUCCESS);
      assert.equal(open(3, "d/f.txt", 1).errno, Errno.SUCCESS);
      assert.equal(fs.readFileSync(`${root}/box/new.txt`, "utf8"), "");
      assert.equal(fs.readFileSync(`${root}/box/d/f.txt`, "utf8"), "f");
      assert.equal(s.call("fd_filestat_get", open(3, "new.txt", 1).fd, OUT), Errno.SUCCESS);
    } finally {
      cleanup();
    }
  });
}

const denoLutimes: Array<[string, () => Promise<(root: string) => FileSystem>]> = [
  [
    "given lutimes",
    () => Promise.resolve((root) => new DenoFileSystem(root, { lutimes: fs.lutimesSync })),
  ],
  // The Deno host's own adapters load node:fs only at the first symlink time.
  ["the Deno host's adapters", async () => (await hostAdapters("deno")).directory],
];

for (const [how, maker] of denoLutimes) {
  test(`DenoFileSystem (${how}): a symlink's own times through lutimes, target untouched`, {
    skip: !isDeno || !canWrite() ? "Deno with write permission only" : false,
  }, async () => {
    const make = await maker();
    const { root, s, two, cleanup } = await sandboxed(make);
    try {
      assert.equal(two("path_symlink", "d/f.txt", "ln"), Errno.SUCCESS);
      const before = fs.statSync(`${root}/box/d/f.txt`).mtimeMs;
      const len = s.str(PATH, "ln");
      const mtim = 1_500_000_000_123_000_000n; // whole milliseconds: Deno reads no finer
      assert.equal(s.call("path_filestat_set_times", 3, 0, PATH, len, 0n, mtim, 4), Errno.SUCCESS);
      assert.equal(BigInt(fs.lstatSync(`${root}/box/ln`).mtimeMs) * 1_000_000n, mtim);
      assert.equal(fs.statSync(`${root}/box/d/f.txt`).mtimeMs, before);
    } finally {
      cleanup();
    }
  });
}

test("NodeFileSystem under Bun on Linux: nanosecond times, one time left exactly as it was", {
  skip: typeof (globalThis as { Bun?: unknown }).Bun !== "object" || process.platform !== "linux"
    ? "Bun on Linux only (bun:ffi and glibc)"
    : false,
}, async () => {
  const nsTimes = await bunNsTimes();
  assert.ok(nsTimes !== undefined, "bun:ffi reaches libc's utimensat");
  const { root, s, open, cleanup } = await sandboxed((r) => new NodeFileSystem(fs, r, { nsTimes }));
  try {
    const file = `${root}/box/d/f.txt`;
    const atim = fs.statSync(file, { bigint: true }).atimeNs;
    const mtim = 1_700_000_000_123_456_789n;
    const len = s.str(PATH, "d/f.txt");
    assert.equal(s.call("path_filestat_set_times", 3, 0, PATH, len, 0n, mtim, 4), Errno.SUCCESS);
    assert.equal(fs.statSync(file, { bigint: true }).mtimeNs, mtim);
    assert.equal(fs.statSync(file, { bigint: true }).atimeNs, atim);
    const f = open(3, "d/f.txt");
    assert.equal(s.call("fd_filestat_set_times", f.fd, mtim + 1n, 0n, 1), Errno.SUCCESS);
    assert.equal(fs.statSync(file, { bigint: true }).atimeNs, mtim + 1n);
    assert.equal(fs.statSync(file, { bigint: true }).mtimeNs, mtim);
  } finally {
    cleanup();
  }
});
