// The package manifests: what npm and JSR users get. The build itself is checked by
// tools/package_smoke.sh (a CI step: it needs to write, run node and npm).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

const root = new URL("../", import.meta.url);
const json = (name: string) => JSON.parse(readFileSync(new URL(name, root), "utf8"));

test("package.json: exports, types and bin point at the JavaScript build", () => {
  const pkg = json("package.json");
  assert.equal(pkg.type, "module");
  const main = pkg.exports["."];
  assert.deepEqual(Object.keys(main), ["types", "import", "default"]); // types first
  assert.equal(main.types, "./dist/mod.d.ts");
  assert.equal(main.import, "./dist/mod.js");
  assert.equal(pkg.types, "./dist/mod.d.ts");
  assert.equal(pkg.bin["wazero-ts"], "./dist/cli.js");
  assert.deepEqual(pkg.dependencies ?? {}, {}, "zero runtime dependencies");
});

test("package.json: npm ships only the build, README and LICENSE", () => {
  const pkg = json("package.json");
  assert.deepEqual([...pkg.files].sort(), ["LICENSE", "README.md", "dist/"]);
  assert.equal(pkg.license, "Apache-2.0");
  assert.match(readFileSync(new URL("LICENSE", root), "utf8"), /Apache License\s+Version 2\.0/);
});

test("deno.json: JSR publishes the TypeScript sources, not tests, bench or tools", () => {
  const deno = json("deno.json");
  assert.equal(deno.exports["."], "./mod.ts");
  assert.equal(deno.exports["./polyfill"], "./polyfill.ts");
  assert.equal(deno.version, json("package.json").version);
  const include: string[] = deno.publish.include;
  for (
    const needed of ["mod.ts", "webassembly.ts", "polyfill.ts", "lib/", "README.md", "LICENSE"]
  ) {
    assert.ok(include.includes(needed));
  }
  for (const dir of ["tests", "bench", "tools", ".ci"]) {
    assert.ok(!include.some((p) => p.startsWith(dir)), dir);
  }
  assert.ok(deno.tasks.build.includes("tools/build.ts"));
});

test("dist/ is not committed", () => {
  const ignore = readFileSync(new URL(".gitignore", root), "utf8").split("\n");
  assert.ok(ignore.includes("dist/"));
});
