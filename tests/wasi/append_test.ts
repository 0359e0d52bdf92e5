// Append mode set and cleared on an open file (fcntl F_SETFL → fd_fdstat_set_flags),
// and create+truncate+append in one open, on every adapter: the host's own
// append mode cannot be cleared from JavaScript, so the adapters emulate it.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import { DenoFileSystem, type FileSystem, MemoryFileSystem, NodeFileSystem } from "../../mod.ts";
import { run } from "./helpers.ts";

const isDeno = typeof (globalThis as { Deno?: unknown }).Deno === "object";
function canWrite(): boolean {
  const deno = (globalThis as { Deno?: typeof Deno }).Deno;
  return deno === undefined || deno.permissions.querySync({ name: "write" }).state === "granted";
}

const adapters: Array<[string, (root: string) => FileSystem, boolean]> = [
  ["MemoryFileSystem", () => new MemoryFileSystem({}), true],
  ["DenoFileSystem", (root) => new DenoFileSystem(root), isDeno && canWrite()],
  ["NodeFileSystem", (root) => new NodeFileSystem(fs, root), canWrite()],
];

const EXPECTED = [
  "append flag: 1",
  "after O_APPEND: 0123456789ab",
  "append flag: 0",
  "after clearing: XY23456789ab",
  "reopened with O_TRUNC|O_APPEND: new+",
  "",
].join("\n");

for (const [name, make, available] of adapters) {
  test(`${name}: O_APPEND set and cleared with fcntl, and O_CREAT|O_TRUNC|O_APPEND`, {
    skip: available ? false : "needs write permission",
  }, async () => {
    const root = canWrite() ? fs.mkdtempSync(`${os.tmpdir()}/wazero-ts-append-`) : "";
    try {
      const r = await run("append", { mounts: { "/": make(root) } });
      assert.equal(r.stderr, "");
      assert.equal(r.stdout, EXPECTED);
      assert.equal(r.code, 0);
      if (name !== "MemoryFileSystem") {
        assert.equal(fs.readFileSync(`${root}/append.txt`, "utf8"), "new+");
      }
    } finally {
      if (root !== "") fs.rmSync(root, { recursive: true, force: true });
    }
  });
}
