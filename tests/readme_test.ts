// The README's code blocks are type-checked and run by tools/readme_blocks.ts (a CI step); this
// checks the extraction and the import rewriting it relies on, on the README itself.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { blockModule, extractBlocks } from "../tools/readme_blocks.ts";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

test("every ```ts block of the README is found, and no other fence", () => {
  const blocks = extractBlocks(readme);
  const fences = readme.split("\n").filter((l) => /^```(ts|typescript)\b/.test(l)).length;
  assert.equal(blocks.length, fences);
  assert.ok(blocks.length >= 6, `only ${blocks.length} blocks`);
  // The API tour is among them, with its line number.
  const api = blocks.find((b) => b.code.includes("newHostModuleBuilder"));
  assert.ok(api !== undefined);
  assert.equal(readme.split("\n")[api.line - 1], "```ts");
});

test("fences of other languages and `ts no-run` blocks are handled", () => {
  const md = [
    "```sh",
    "```ts",
    "not code",
    "```",
    "```ts no-run",
    'import { Runtime } from "wazero-ts";',
    "```",
    "```typescript",
    'import "./polyfill.ts";',
    'import { x } from "./other.ts";',
    "```",
  ].join("\n");
  const blocks = extractBlocks(md);
  assert.deepEqual(blocks.map((b) => [b.line, b.run]), [[5, false], [8, true]]);
  const root = "file:///repo/";
  assert.equal(
    blockModule(blocks[0], root),
    'import { Runtime } from "file:///repo/mod.ts";\nexport {};\n',
  );
  const second = blockModule(blocks[1], root);
  assert.match(second, /import "file:\/\/\/repo\/polyfill\.ts";/);
  assert.match(second, /from "\.\/other\.ts"/); // not a package entry: left alone
});
