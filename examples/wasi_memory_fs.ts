/**
 * A WASI program with an in-memory file system: the guest sees only the
 * files the host gives it (a `MemoryFileSystem` mounted at `/data`), its
 * stdout is collected in a string, and the file it writes is read back by
 * the host. Nothing of the host's disk is visible; this runs in browsers too.
 *
 * The program (WAT, using WASI preview1 directly) reads `greeting.txt`,
 * prints it upper-cased and writes the same bytes to `shout.txt`.
 *
 * Run: `deno run examples/wasi_memory_fs.ts`, `bun examples/wasi_memory_fs.ts`.
 */
import { MemoryFileSystem, Runtime, runWasi } from "../mod.ts";

const PROGRAM = `(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "greeting.txt")
  (data (i32.const 16) "shout.txt")

  ;; Opens a file in the pre-opened directory (fd 3); exits with 2 on failure.
  (func $open (param $path i32) (param $len i32) (param $oflags i32) (result i32)
    (if (call $path_open (i32.const 3) (i32.const 0) (local.get $path) (local.get $len)
          (local.get $oflags) (i64.const 0x1fffffff) (i64.const 0x1fffffff) (i32.const 0)
          (i32.const 64))
      (then (call $proc_exit (i32.const 2))))
    (i32.load (i32.const 64)))

  (func (export "_start") (local $n i32) (local $i i32) (local $c i32)
    ;; One iovec at 32: { buf = 1024, len = 4096 }; counts go to 68.
    (i32.store (i32.const 32) (i32.const 1024))
    (i32.store (i32.const 36) (i32.const 4096))
    (drop (call $fd_read (call $open (i32.const 0) (i32.const 12) (i32.const 0))
      (i32.const 32) (i32.const 1) (i32.const 68)))
    (local.set $n (i32.load (i32.const 68)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $c (i32.load8_u (i32.add (i32.const 1024) (local.get $i))))
        (if (i32.lt_u (i32.sub (local.get $c) (i32.const 97)) (i32.const 26))
          (then (i32.store8 (i32.add (i32.const 1024) (local.get $i))
            (i32.sub (local.get $c) (i32.const 32)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each)))
    (i32.store (i32.const 36) (local.get $n))
    (drop (call $fd_write (i32.const 1) (i32.const 32) (i32.const 1) (i32.const 68)))
    ;; O_CREAT | O_TRUNC
    (drop (call $fd_write (call $open (i32.const 16) (i32.const 9) (i32.const 9))
      (i32.const 32) (i32.const 1) (i32.const 68)))))`;

const fs = new MemoryFileSystem({ "greeting.txt": "hello from the in-memory fs\n" });
let stdout = "";
const decoder = new TextDecoder();
const exitCode = await runWasi(new Runtime(), PROGRAM, {
  args: ["shout"],
  mounts: { "/data": fs },
  stdout: (bytes) => {
    stdout += decoder.decode(bytes, { stream: true });
  },
  timeout: 5_000,
});
const written = decoder.decode(fs.readFile("shout.txt"));
console.log(`exit code ${exitCode}; stdout: ${stdout.trim()}`);
console.log(`files now: ${fs.list().join(", ")}; shout.txt: ${written.trim()}`);
if (exitCode !== 0 || stdout !== "HELLO FROM THE IN-MEMORY FS\n" || written !== stdout) {
  throw new Error("unexpected result");
}
