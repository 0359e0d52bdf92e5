// A directory descriptor is a capability for that directory only: paths
// resolved from a directory fd opened with path_open may not climb above it
// with `..` or through a symlink, even where the place reached is inside the
// mount. The same checks on every adapter (memory, Deno, node:fs), since the
// sandbox sits above them all.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import {
  DenoFileSystem,
  Errno,
  type FileSystem,
  MemoryFileSystem,
  NodeFileSystem,
} from "../../mod.ts";
import { shim } from "./shim.ts";

const PATH = 1024, OUT = 2048;
const FOLLOW = 1, O_DIRECTORY = 2;
/** Every right but the writing ones, which a directory may not be opened with. */
const ALL = ((1n << 30n) - 1n) & ~(1n << 6n | 1n << 8n | 1n << 22n);

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno === "object";
function canWrite(): boolean {
  const deno = (globalThis as { Deno?: typeof Deno }).Deno;
  return deno === undefined || deno.permissions.querySync({ name: "write" }).state === "granted";
}

/** Each adapter over a fresh empty root, and how to dispose of it. */
const adapters: Array<[string, () => [FileSystem, () => void], boolean]> = [
  ["MemoryFileSystem", () => [new MemoryFileSystem({}), () => {}], true],
  ["DenoFileSystem", () => real((root) => new DenoFileSystem(root)), isDeno && canWrite()],
  ["NodeFileSystem", () => real((root) => new NodeFileSystem(fs, root)), canWrite()],
];

function real(make: (root: string) => FileSystem): [FileSystem, () => void] {
  const root = fs.mkdtempSync(`${os.tmpdir()}/wazero-ts-beneath-`);
  return [make(root), () => fs.rmSync(root, { recursive: true, force: true })];
}

for (const [name, make, available] of adapters) {
  test(`${name}: .. and symlinks cannot leave a directory fd from path_open`, {
    skip: available ? false : "needs write permission",
  }, async () => {
    const [tree, dispose] = make();
    try {
      // top.txt, d/f.txt, d/n/, d/up -> ../top.txt, d/n/ok -> ../f.txt
      const put = (path: string, text: string) => {
        const h = tree.open(path, { read: false, write: true, create: true });
        h.write(new TextEncoder().encode(text));
        h.close();
      };
      put("top.txt", "top");
      tree.mkdir("d");
      tree.mkdir("d/n");
      put("d/f.txt", "f");
      tree.symlink("../top.txt", "d/up");
      tree.symlink("../f.txt", "d/n/ok");
      const s = await shim({ mounts: { "/": tree } });
      const open = (dirfd: number, path: string, oflags = 0, lookup = FOLLOW) => {
        const len = s.str(PATH, path);
        const errno = s.call("path_open", dirfd, lookup, PATH, len, oflags, ALL, ALL, 0, OUT);
        return { errno, fd: s.u32(OUT) };
      };
      const d = open(3, "d", O_DIRECTORY);
      assert.equal(d.errno, Errno.SUCCESS);
      assert.equal(open(d.fd, "f.txt").errno, Errno.SUCCESS);
      assert.equal(open(d.fd, "n/ok").errno, Errno.SUCCESS, "a link staying below d");
      assert.equal(open(d.fd, "n/../f.txt").errno, Errno.SUCCESS);
      assert.equal(open(d.fd, "../top.txt").errno, Errno.ENOTCAPABLE);
      // Back inside d, but only by way of its parent: refused like wasmtime does.
      assert.equal(open(d.fd, "n/../../d/f.txt").errno, Errno.ENOTCAPABLE);
      assert.equal(open(d.fd, "..", O_DIRECTORY).errno, Errno.ENOTCAPABLE);
      assert.equal(open(d.fd, "up").errno, Errno.ENOTCAPABLE, "a link leading above d");
      assert.equal(open(d.fd, "up", 0, 0).errno, Errno.ELOOP, "not followed: the link itself");
      const len = s.str(PATH, "../top.txt");
      assert.equal(s.call("path_filestat_get", d.fd, 0, PATH, len, OUT), Errno.ENOTCAPABLE);
      assert.equal(s.call("path_unlink_file", d.fd, PATH, len), Errno.ENOTCAPABLE);
      // A directory opened below d has d's floor lifted to itself.
      const n = open(d.fd, "n", O_DIRECTORY);
      assert.equal(n.errno, Errno.SUCCESS);
      assert.equal(open(n.fd, "ok").errno, Errno.ENOTCAPABLE, "n/ok leads to d, above n");
      assert.equal(open(n.fd, "../f.txt").errno, Errno.ENOTCAPABLE);
      // From the pre-opened root all of it is reachable.
      assert.equal(open(3, "d/up").errno, Errno.SUCCESS);
      assert.equal(open(3, "d/n/../../top.txt").errno, Errno.SUCCESS);
    } finally {
      dispose();
    }
  });
}
