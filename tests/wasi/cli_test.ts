// The command line, with a fake host so nothing touches the real stdio.
import { test } from "node:test";
import assert from "node:assert/strict";
import { main } from "../../lib/cli/main.ts";
import { type CliHost, cliHost, readWhole } from "../../lib/cli/host_io.ts";
import { wat2wasm } from "../../lib/text/index.ts";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";

/** Runs `body` with a fresh temporary directory, removed afterwards. */
async function withTempDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "wazero-cli-"));
  try {
    await body(dir);
  } finally {
    rmSync(dir, { recursive: true });
  }
}

function fakeHost(files: Record<string, Uint8Array | string>) {
  const out: string[] = [], err: string[] = [];
  const written = new Map<string, Uint8Array>();
  const readFile = (p: string) => {
    const f = files[p];
    if (f === undefined) throw new Error("No such file or directory");
    return typeof f === "string" ? new TextEncoder().encode(f) : f;
  };
  const host: CliHost = {
    readFile,
    startReading: (p) =>
      Promise.resolve().then(() => {
        const bytes = readFile(p);
        return { bytes: Promise.resolve(bytes), size: bytes.length };
      }),
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

// Exits with argc, so the tests see what argv the guest got.
const ARGC = `(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (func (export "_start") (drop (call $sizes (i32.const 0) (i32.const 4)))
    (call $exit (i32.load (i32.const 0)))))`;

test("run: options end at the module path or at --, and that -- is not the guest's", async () => {
  const { host } = fakeHost({ "argc.wat": ARGC });
  assert.equal(await main(["run", "argc.wat"], host), 1);
  assert.equal(await main(["run", "argc.wat", "--", "a", "b"], host), 3);
  assert.equal(await main(["run", "--", "argc.wat", "a"], host), 2);
  assert.equal(await main(["run", "--", "argc.wat", "--", "a"], host), 3, "a second -- is an arg");
  assert.equal(await main(["run", "argc.wat", "a", "--", "b"], host), 4);
  assert.equal(await main(["run", "argc.wat", "--env", "X=1"], host), 3, "guest args, not options");
});

// Sleeps 30 s in poll_oneoff (one relative clock subscription at 0, event out at 64).
const SLEEPER = `(module
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    (i32.store8 (i32.const 8) (i32.const 0))
    (i32.store (i32.const 16) (i32.const 1))
    (i64.store (i32.const 24) (i64.const 30000000000))
    (drop (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 128)))))`;

test("run: --timeout interrupts a poll_oneoff sleep", async () => {
  const { host, err } = fakeHost({ "sleep.wat": SLEEPER });
  const started = performance.now();
  assert.equal(await main(["run", "--timeout", "100ms", "sleep.wat"], host), 134);
  assert.ok(performance.now() - started < 5000, "stopped at the deadline, not after 30 s");
  assert.match(err.join(""), /deadline exceeded/);
});

test("run: --listen pre-opens a socket after the mounts, and a bad address is a usage error", {
  skip: typeof (globalThis as { Deno?: typeof Deno }).Deno?.permissions !== "undefined" &&
      Deno.permissions.querySync({ name: "net", host: "127.0.0.1" }).state !== "granted"
    ? "needs --allow-net=127.0.0.1"
    : false,
}, async () => {
  // Exits with the file type of fd 3 (6: SOCKET_STREAM).
  const fdType = `(module
    (import "wasi_snapshot_preview1" "fd_fdstat_get" (func $stat (param i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    (memory (export "memory") 1)
    (func (export "_start") (drop (call $stat (i32.const 3) (i32.const 0)))
      (call $exit (i32.load8_u (i32.const 0)))))`;
  const { host, err } = fakeHost({ "fdtype.wat": fdType });
  assert.equal(await main(["run", "--listen", "127.0.0.1:0", "fdtype.wat"], host), 6);
  assert.equal(await main(["run", "--listen", "nowhere", "fdtype.wat"], host), 2);
  assert.match(err.join(""), /--listen expects host:port/);
});

test("the real host reads whole files, big and empty, byte for byte", async () => {
  await withTempDir(async (dir) => {
    const big = new Uint8Array(3 * 1024 * 1024 + 17);
    for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
    writeFileSync(join(dir, "big.bin"), big);
    writeFileSync(join(dir, "empty.bin"), new Uint8Array(0));
    const host = await cliHost();
    assert.deepEqual(host.readFile(join(dir, "big.bin")), big);
    assert.equal(host.readFile(join(dir, "empty.bin")).length, 0);
    assert.throws(() => host.readFile(join(dir, "missing.bin")));
    // Read on the host's I/O threads while this one works, as `run` reads a module.
    const reading = await host.startReading(join(dir, "big.bin"));
    assert.deepEqual(await reading.bytes, big);
    assert.equal((await (await host.startReading(join(dir, "empty.bin"))).bytes).length, 0);
    await assert.rejects(host.startReading(join(dir, "missing.bin")));
  });
});

test("a whole file is read past its stated size, and to where it ends before it", async () => {
  // A file read in chunks, as the host reads it (a file that has grown, or /proc's, which state
  // no size): the positions asked for follow on, and a 0 or null read is its end.
  const file = (content: string, chunk: number, end: 0 | null) => {
    const bytes = new TextEncoder().encode(content);
    const asked: number[] = [];
    const read = (into: Uint8Array, at: number) => {
      asked.push(at);
      const n = Math.min(chunk, into.length, bytes.length - at);
      into.set(bytes.subarray(at, at + n));
      return Promise.resolve(n > 0 ? n : end);
    };
    return { read, asked };
  };
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  const unsized = file("abcdefgh", 3, null);
  assert.equal(text(await readWhole(0, unsized.read)), "abcdefgh");
  assert.deepEqual(unsized.asked, [0, 3, 6, 8]);
  assert.equal(text(await readWhole(3, file("abcdefgh", 100, 0).read)), "abcdefgh");
  assert.equal(text(await readWhole(10, file("abcd", 2, 0).read)), "abcd");
  assert.equal((await readWhole(0, file("", 1, null).read)).length, 0);
});

test("run: a module read by the real host, while the runtime warms up", async () => {
  await withTempDir(async (dir) => {
    writeFileSync(join(dir, "exit.wat"), EXIT7);
    // The same module with a 2 MB custom section: big enough for the overlapped warm-up.
    const module = wat2wasm(EXIT7);
    const padding = new Uint8Array(2 << 20);
    const name = new TextEncoder().encode("padding");
    const size = 1 + name.length + padding.length;
    const leb: number[] = [];
    for (let v = size; v !== 0 || leb.length === 0; v >>>= 7) {
      leb.push((v & 0x7f) | (v >= 128 ? 0x80 : 0));
    }
    const big = new Uint8Array([...module, 0, ...leb, name.length, ...name, ...padding]);
    writeFileSync(join(dir, "big.wasm"), big);
    const host = await cliHost();
    assert.equal(await main(["run", join(dir, "exit.wat")], host), 7);
    assert.equal(await main(["run", join(dir, "big.wasm")], host), 7);
    assert.equal(
      await main(["compile", join(dir, "missing.wasm")], { ...host, writeErr: () => {} }),
      1,
    );
  });
});
