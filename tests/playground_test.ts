// The playground's runner (playground/run.js) on the library's sources, without a browser
// (tools/playground_check.ts drives the page itself in headless Chromium in CI).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as lib from "../mod.ts";
// @ts-types="./playground_run.d.ts"
import { EXAMPLES, runModule } from "../playground/run.js";

test("a WASI program: stdout, stderr and a file of the in-memory file system", async () => {
  const out = await runModule(lib, {
    source: EXAMPLES.hello,
    files: { "input.txt": "from the file" },
  });
  assert.equal(out.error, undefined);
  assert.equal(out.exitCode, 0);
  assert.equal(out.stdout, "hello from wasm\nfrom the file");
  assert.equal(out.stderr, "a line on stderr\n");
  assert.ok(
    out.imports.includes("func wasi_snapshot_preview1.fd_write (i32 i32 i32 i32) -> (i32)"),
  );
  assert.deepEqual(out.exports, ["func _start () -> ()", "memory memory 1"]);
});

test("binary modules run with their arguments", async () => {
  const bytes = readFileSync(new URL("./wasi/programs/hello.wasm", import.meta.url));
  const out = await runModule(lib, { source: new Uint8Array(bytes), args: ["one"] });
  assert.equal(out.exitCode, 0);
  assert.match(out.stdout, /argv\[1\]=one/);
});

test("traps come with their wasm stack; fuel and timeouts stop a loop", async () => {
  const trap = await runModule(lib, { source: EXAMPLES.trap });
  assert.equal(trap.error?.kind, "trap");
  assert.equal(trap.error?.message, "integer divide by zero");
  assert.deepEqual(trap.error?.stack.map((l: string) => l.split(" ")[1]), [
    "divide",
    "compute",
    "main",
  ]);
  const fuel = await runModule(lib, { source: EXAMPLES.loop, fuel: 500 });
  assert.equal(fuel.error?.message, "out of fuel");
  assert.equal(fuel.fuelUsed, 500);
  const timeout = await runModule(lib, { source: EXAMPLES.loop, timeout: 20 });
  assert.equal(timeout.error?.message, "interrupted: deadline exceeded");
});

test("plain functions: env imports log, results are shown; compile errors are located", async () => {
  const add = await runModule(lib, { source: EXAMPLES.add });
  assert.equal(add.stdout, "log(7)\n");
  assert.equal(add.results, "42 -1n");
  const bad = await runModule(lib, { source: "(module\n (func (result i32) (i64.const 1)))" });
  assert.equal(bad.error?.kind, "compile error");
  assert.match(bad.error?.message ?? "", /at line 2, column 34/);
  const none = await runModule(lib, { source: '(module (func (export "f") (param i32)))' });
  assert.match(none.error?.message ?? "", /no _start, main or parameterless export/);
});
