import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { OP, OP_SPECS } from "../../lib/interpreter/ops.ts";

// Every file of the interpreter that dispatches on register ops.
const dir = fileURLToPath(new URL("../../lib/interpreter/", import.meta.url));
const sources = (readdirSync(dir, { recursive: true }) as string[])
  .filter((f) => f.endsWith(".ts"))
  .map((f) => readFileSync(dir + f, "utf8"));

test("every literal case label in the executor matches the op named in its comment", () => {
  let cases = 0;
  for (const src of sources) {
    for (const m of src.matchAll(/case (\d+) \/\* (\w+) \*\//g)) {
      cases++;
      assert.equal(OP[m[2]], Number(m[1]), `case ${m[1]} is labelled ${m[2]}`);
    }
  }
  assert.ok(cases > 150, `found only ${cases} cases`);
});

test("every register op is handled, and no file handles one twice", () => {
  const handled = new Set<string>();
  for (const src of sources) {
    const inFile = new Set<string>();
    for (const m of src.matchAll(/case \d+ \/\* (\w+) \*\//g)) {
      assert.ok(!inFile.has(m[1]), `op ${m[1]} has two cases in one file`);
      inFile.add(m[1]);
      handled.add(m[1]);
    }
  }
  for (const [name] of OP_SPECS) assert.ok(handled.has(name), `op ${name} is not handled`);
});

test("the folder README documents every register op under its number", () => {
  const readme = readFileSync(dir + "README.md", "utf8");
  OP_SPECS.forEach(([name], i) => {
    const row = new RegExp(`\\|\\s*${i}\\s*\\|\\s*\`${name}\`\\s*\\|`);
    assert.match(readme, row, `README lacks op ${i} ${name}`);
  });
});
