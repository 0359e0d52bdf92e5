// The command line, with a fake host so nothing touches the real stdio.
import { test } from "node:test";
import assert from "node:assert/strict";
import { main } from "../../lib/cli/main.ts";
import type { CliHost } from "../../lib/cli/host_io.ts";

function fakeHost(files: Record<string, Uint8Array | string>) {
  const out: string[] = [], err: string[] = [];
  const written = new Map<string, Uint8Array>();
  const host: CliHost = {
    readFile(p) {
      const f = files[p];
      if (f === undefined) throw new Error("No such file or directory");
      return typeof f === "string" ? new TextEncoder().encode(f) : f;
    },
    writeFile: (p, d) => void written.set(p, d),
    env: () => ({ HOME: "/home/x" }),
    writeOut: (t) => void out.push(t),
    writeErr: (t) => void err.push(t),
    exit: () => {
      throw new Error("exit called");
    },
  };
  return { host, out, err, written };
}

const EXIT7 = `(module
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (call $exit (i32.const 7))))`;
const TRAP = `(module (memory (export "memory") 1)
  (func $boom (unreachable))
  (func (export "_start") (call $boom)))`;

test("run: the exit code is the guest's", async () => {
  const { host } = fakeHost({ "exit.wat": EXIT7 });
  assert.equal(await main(["run", "exit.wat"], host), 7);
});

test("run: --interpret (no JavaScript tier) runs the same program", async () => {
  const { host, out } = fakeHost({ "exit.wat": EXIT7 });
  assert.equal(await main(["run", "--interpret", "exit.wat"], host), 7);
  assert.equal(await main(["run", "--help"], host), 0);
  assert.match(out.join(""), /--interpret +never compile hot functions to JavaScript/);
});

test("run: a trap prints the message and wasm stack, exit 134", async () => {
  const { host, err } = fakeHost({ "trap.wat": TRAP });
  assert.equal(await main(["run", "trap.wat"], host), 134);
  assert.match(err.join(""), /^wasm trap: unreachable\n {4}at /);
});

test("run: --timeout and --fuel stop a runaway program", async () => {
  const spin = `(module (memory (export "memory") 1) (func (export "_start") (loop $l (br $l))))`;
  const { host, err } = fakeHost({ "spin.wat": spin });
  assert.equal(await main(["run", "--timeout", "50ms", "spin.wat"], host), 134);
  assert.match(err.join(""), /deadline exceeded/);
  assert.equal(await main(["run", "--fuel=1000", "spin.wat"], host), 134);
  assert.match(err.join(""), /out of fuel/);
  assert.equal(await main(["run", "--timeout", "soon", "spin.wat"], host), 2);
});

test("errors are one line", async () => {
  const { host, err } = fakeHost({ "bad.wasm": new Uint8Array([0, 1, 2, 3]) });
  assert.equal(await main(["run", "bad.wasm"], host), 1);
  assert.match(err.join(""), /^wazero-ts: compile error: .*\n$/);
  err.length = 0;
  assert.equal(await main(["run", "missing.wasm"], host), 1);
  assert.equal(err.join("").split("\n").length, 2);
  err.length = 0;
  assert.equal(await main(["run", "--bogus", "x.wasm"], host), 2);
  assert.match(err.join(""), /unknown option --bogus/);
  assert.equal(await main(["frobnicate"], host), 2);
});

test("help, version, compile and wat2wasm", async () => {
  const { host, out, written } = fakeHost({ "exit.wat": EXIT7 });
  assert.equal(await main(["--help"], host), 0);
  assert.equal(await main(["run", "--help"], host), 0);
  assert.match(out.join(""), /--mount <host>\[:<guest>\]\[:ro\]/);
  out.length = 0;
  assert.equal(await main(["compile", "exit.wat"], host), 0);
  assert.equal(
    out.join(""),
    "exit.wat: valid\nimport func wasi_snapshot_preview1.proc_exit (i32) -> ()\n" +
      "export func _start () -> ()\nexport memory memory min=1 max=-\n",
  );
  assert.equal(await main(["wat2wasm", "exit.wat"], host), 0);
  assert.deepEqual([...written.get("exit.wasm")!.subarray(0, 4)], [0, 0x61, 0x73, 0x6d]);
  assert.equal(await main(["version"], host), 0);
});

test("run: a --mount that is not a directory is one line naming it", async () => {
  const { host, err } = fakeHost({ "exit.wat": EXIT7 });
  const file = decodeURIComponent(new URL(import.meta.url).pathname);
  assert.equal(await main(["run", "--mount", `${file}:/data`, "exit.wat"], host), 1);
  assert.match(err.join(""), /^wazero-ts: error: ENOTDIR: cannot pre-open \/data\b.*\n$/);
  err.length = 0;
  assert.equal(await main(["run", "--mount", "/no/such/dir:/data:ro", "exit.wat"], host), 1);
  assert.match(err.join(""), /^wazero-ts: error: ENOENT: cannot pre-open \/data\b.*\n$/);
});
