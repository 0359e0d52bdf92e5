// The host adapters on a real temporary directory: the `files` and `escape`
// programs through DenoFileSystem (Deno) and NodeFileSystem (Deno, Bun).
// Skipped where the test run may not write (CI runs Deno with --allow-read only).
import { test } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import { DenoFileSystem, type FileSystem, NodeFileSystem } from "../../mod.ts";
import { run } from "./helpers.ts";

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
