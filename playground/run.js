// The playground's engine room, free of the DOM: compiles a module (WAT text or .wasm bytes),
// lists its imports and exports, and runs it — a WASI program (`_start`) on an in-memory file
// system with stdout/stderr collected, or else one exported function — under optional fuel and
// timeout limits. The library is passed in (`lib`: the exports of wazero-ts), so the page uses the
// built ESM bundle (dist/mod.js) and the unit test (tests/playground_test.ts) the sources.

/** Sample programs, selectable in the page and by `?example=NAME`. */
export const EXAMPLES = {
  hello: `;; A WASI program: prints a line and the file /input.txt to stdout,
;; and a line to stderr.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read"
    (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "hello from wasm\\n")
  (data (i32.const 16) "a line on stderr\\n")
  (data (i32.const 40) "input.txt")

  ;; write(fd, ptr, len) through one iovec at 100
  (func $write (param $fd i32) (param $ptr i32) (param $len i32)
    (i32.store (i32.const 100) (local.get $ptr))
    (i32.store (i32.const 104) (local.get $len))
    (drop (call $fd_write (local.get $fd) (i32.const 100) (i32.const 1) (i32.const 108))))

  (func (export "_start")
    (call $write (i32.const 1) (i32.const 0) (i32.const 16))
    (call $write (i32.const 2) (i32.const 16) (i32.const 17))
    ;; cat /input.txt (the pre-opened directory is fd 3)
    (if (i32.eqz (call $path_open (i32.const 3) (i32.const 0) (i32.const 40) (i32.const 9)
          (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 112)))
      (then
        (i32.store (i32.const 100) (i32.const 1024))
        (i32.store (i32.const 104) (i32.const 4096))
        (drop (call $fd_read (i32.load (i32.const 112)) (i32.const 100) (i32.const 1)
          (i32.const 108)))
        (call $write (i32.const 1) (i32.const 1024) (i32.load (i32.const 108)))))))
`,
  trap: `;; A trap deep in the call stack: the page shows the wasm stack.
(module
  (func $divide (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func $compute (param i32) (result i32) (call $divide (local.get 0) (i32.const 0)))
  (func (export "main") (result i32) (call $compute (i32.const 42))))
`,
  loop: `;; Never ends: set fuel or a timeout to stop it.
(module
  (func (export "main") (loop $forever (br $forever))))
`,
  add: `;; A plain function: its results are shown.
(module
  (import "env" "log" (func $log (param i32)))
  (func (export "main") (result i32 i64)
    (call $log (i32.const 7))
    (i32.const 42) (i64.const -1)))
`,
};

/** Imports and exports of a compiled module, as lines such as `func env.log (i32) -> ()`. */
export function describeModule(compiled) {
  const sig = (d) => `(${d.paramTypes.join(" ")}) -> (${d.resultTypes.join(" ")})`;
  const limits = (d) => `${d.min}${d.max === undefined ? "" : `..${d.max}`}`;
  const imports = [
    ...compiled.importedFunctions.map((d) => `func ${d.import.module}.${d.import.name} ${sig(d)}`),
    ...compiled.importedMemories.map((d) =>
      `memory ${d.import.module}.${d.import.name} ${limits(d)}`
    ),
    ...compiled.importedTables.map((d) =>
      `table ${d.import.module}.${d.import.name} ${d.element} ${limits(d)}`
    ),
    ...compiled.importedGlobals.map((d) =>
      `global ${d.import.module}.${d.import.name} ${d.mutable ? "mut " : ""}${d.type}`
    ),
  ];
  const exports = [
    ...[...compiled.exportedFunctions].map(([n, d]) => `func ${n} ${sig(d)}`),
    ...[...compiled.exportedMemories].map(([n, d]) => `memory ${n} ${limits(d)}`),
    ...[...compiled.exportedTables].map(([n, d]) => `table ${n} ${d.element} ${limits(d)}`),
    ...[...compiled.exportedGlobals].map(([n, d]) =>
      `global ${n} ${d.mutable ? "mut " : ""}${d.type}`
    ),
  ];
  return { imports, exports };
}

/** Shows a result value (bigints with their `n`). */
function show(v) {
  return typeof v === "bigint" ? `${v}n` : String(v);
}

/**
 * Compiles and runs `input.source` (a WAT string or wasm bytes). Options: `args` (argv after the
 * program name), `stdin` (text), `files` (name → text, in the in-memory root directory), `fuel`
 * and `timeout` (ms) (undefined: no limit), `entry` (the function to call when there is no
 * `_start`; default `main`, else the first exported function without parameters). Never throws:
 * every outcome is in the result.
 */
export async function runModule(lib, input) {
  const out = {
    imports: [],
    exports: [],
    stdout: "",
    stderr: "",
    exitCode: undefined,
    results: undefined,
    called: undefined,
    error: undefined,
    fuelUsed: undefined,
  };
  const metered = input.fuel !== undefined;
  const runtime = new lib.Runtime({ fuel: metered });
  const decoder = { out: new TextDecoder(), err: new TextDecoder() };
  try {
    const compiled = await runtime.compileModule(input.source);
    Object.assign(out, describeModule(compiled));
    const logs = [];
    if (compiled.exportedFunctions.has("_start")) {
      out.called = "_start";
      const fs = new lib.MemoryFileSystem(input.files ?? {});
      out.exitCode = await lib.runWasi(runtime, compiled, {
        args: ["program", ...(input.args ?? [])],
        stdin: input.stdin ?? "",
        stdout: (b) => out.stdout += decoder.out.decode(b, { stream: true }),
        stderr: (b) => out.stderr += decoder.err.decode(b, { stream: true }),
        mounts: { "/": fs },
        fuel: input.fuel,
        timeout: input.timeout,
      });
    } else {
      // Functions the module imports from "env" log their arguments to stdout.
      const env = {};
      for (const d of compiled.importedFunctions) {
        if (d.import.module !== "env") continue;
        env[d.import.name] = (...args) => {
          logs.push(`${d.import.name}(${args.map(show).join(", ")})`);
          return d.resultTypes.length === 0 ? undefined : d.resultTypes.map(() => 0);
        };
      }
      const module = await runtime.instantiateModule(compiled, { name: null, imports: { env } });
      const entry = input.entry ||
        (compiled.exportedFunctions.has("main")
          ? "main"
          : [...compiled.exportedFunctions].find(([, d]) => d.paramTypes.length === 0)?.[0]);
      if (entry === undefined) throw new Error("no _start, main or parameterless export to call");
      out.called = entry;
      if (metered) module.fuel = input.fuel;
      const fn = module.exportedFunction(entry);
      if (fn === undefined) throw new Error(`no exported function "${entry}"`);
      try {
        const results = fn.withOptions({ timeout: input.timeout }).call();
        out.results = results.map(show).join(" ");
      } finally {
        out.stdout = logs.map((l) => l + "\n").join("");
        if (metered) out.fuelUsed = input.fuel - module.fuel;
      }
    }
  } catch (e) {
    const kind = e instanceof lib.CompileError
      ? "compile error"
      : e instanceof lib.LinkError
      ? "link error"
      : e instanceof lib.RuntimeError
      ? "trap"
      : e instanceof lib.ExitError
      ? "exit"
      : "error";
    const stack = e instanceof lib.RuntimeError
      ? String(e.stack ?? "").split("\n").filter((l) => /^\s+at .*\(wasm/.test(l)).map((l) =>
        l.trim()
      )
      : [];
    out.error = { kind, message: String(e?.message ?? e), stack };
  } finally {
    runtime.close();
  }
  return out;
}
