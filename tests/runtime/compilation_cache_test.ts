// Compilation caches: a module's second compilation takes the cached validation and generated
// code, the functions an earlier run compiled are compiled at their first call, and what the
// cache holds never changes a result; unreadable entries are ignored.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import {
  type CompilationCache,
  CompileError,
  directoryCompilationCache,
  inMemoryCompilationCache,
  type Module,
  Runtime,
} from "../../mod.ts";
import { wat2wasm } from "../../lib/text/index.ts";
import { CACHE_FORMAT } from "../../lib/runtime/cached_module.ts";
import { WITHOUT_JIT } from "../../lib/interpreter/engine.ts";
import { useLoopEntries } from "../../lib/runtime/runtime.ts";
import { decodeModule } from "../../lib/binary/decoder.ts";
import {
  codegenModule,
  generateFunction,
  setSplitPolicy,
} from "../../lib/interpreter/jit/codegen.ts";
import { main } from "../../lib/cli/main.ts";
import { cliHost } from "../../lib/cli/host_io.ts";

/** A hot function (`sum`, called many times) and a cold one. */
const SOURCE = `(module
  (func $sum (export "sum") (param $n i32) (result i32) (local $s i32)
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $s (i32.add (local.get $s) (local.get $n)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l)))
    (local.get $s))
  (func (export "cold") (result i32) (i32.const 7))
  (func (export "twice") (param i32) (result i32) (i32.shl (local.get 0) (i32.const 1))))`;
const BYTES = wat2wasm(SOURCE);
const SUM = 0, TWICE = 2;

/** A cache that records what the runtime asks of it. */
function recording(inner: CompilationCache = inMemoryCompilationCache()) {
  const gets: string[] = [], sets: string[] = [];
  const cache: CompilationCache = {
    get: (key) => (gets.push(key), inner.get(key)),
    set: (key, value) => (sets.push(key), inner.set(key, value)),
  };
  return { cache, gets, sets };
}

/**
 * Fewer calls than any function of {@link SOURCE} takes to get hot (200 calls with a JIT; without
 * one, as in the CI's `--jitless` run, `sum` is compiled after 7).
 */
const NOT_YET_HOT = WITHOUT_JIT ? 5 : 100;

/** Calls `sum` (or `twice`) until the structured tier has compiled it; the calls it took. */
function callsUntilCompiled(m: Module, name = "sum"): number {
  const f = m.exportedFunction(name)!;
  const [index, arg, result] = name === "sum" ? [SUM, 10, 55] : [TWICE, 21, 42];
  for (let calls = 1; calls <= 100_000; calls++) {
    assert.deepEqual(f.call(arg), [result]);
    if (m.state.functions[index].jit !== null) return calls;
  }
  return Infinity;
}

test("a second runtime compiles a cached module's hot function at its first call", async () => {
  const { cache, gets, sets } = recording();
  {
    using first = new Runtime({ compilationCache: cache });
    const m = await first.instantiate(BYTES);
    assert.equal(sets.length, 1, "the validation is stored at once");
    assert.ok(callsUntilCompiled(m) > NOT_YET_HOT, "compiled once hot, not sooner");
  }
  assert.equal(sets.length, 2, "the generated code is stored when the runtime closes");
  assert.equal(sets[0], sets[1]);
  {
    using second = new Runtime({ compilationCache: cache });
    const m = await second.instantiate(BYTES);
    assert.equal(callsUntilCompiled(m), 1);
    assert.deepEqual(m.exportedFunction("cold")!.call(), [7]);
    assert.equal(m.state.functions[1].jit, null, "a function never compiled stays interpreted");
  }
  assert.equal(sets.length, 2, "nothing new to store");
  {
    // A function hot in a later run is added to those compiled at their first call.
    using third = new Runtime({ compilationCache: cache });
    const m = await third.instantiate(BYTES);
    assert.ok(callsUntilCompiled(m, "twice") > NOT_YET_HOT);
  }
  assert.equal(sets.length, 3);
  {
    using fourth = new Runtime({ compilationCache: cache });
    const m = await fourth.instantiate(BYTES);
    assert.equal(callsUntilCompiled(m, "twice"), 1);
    assert.equal(callsUntilCompiled(m), 1);
  }
  assert.equal(new Set(gets).size, 1);
});

test("cache keys differ by the settings that change compiled code", async () => {
  const keys = new Set<string>();
  for (
    const config of [{}, { fuel: true }, { deterministic: true }, { features: "2.0" as const }]
  ) {
    const { cache, gets } = recording();
    using runtime = new Runtime({ ...config, compilationCache: cache });
    await runtime.compileModule(BYTES);
    keys.add(gets[0]);
    assert.match(gets[0], /^[0-9a-f]{64}-[0-9a-f]{16}$/);
  }
  assert.equal(keys.size, 4);
});

/** The key under which a runtime of `config` looks `bytes` up (its first `get`). */
async function keyOf(bytes: Uint8Array, config = {}): Promise<string> {
  const { cache, gets } = recording();
  using runtime = new Runtime({ ...config, compilationCache: cache });
  await runtime.compileModule(bytes).catch(() => {});
  return gets[0];
}

test("a split policy set by a test is part of the key: its code is not the default's", async () => {
  const usual = await keyOf(BYTES);
  const before = setSplitPolicy({ above: 0, target: 1, maxBlock: 24, min: 0 });
  let split: string;
  try {
    split = await keyOf(BYTES);
  } finally {
    setSplitPolicy(before);
  }
  assert.notEqual(split, usual);
  assert.equal(split.slice(0, 64), usual.slice(0, 64), "the same bytes' hash");
  assert.equal(await keyOf(BYTES), usual);
});

test("an entry the runtime cannot read is ignored: the module is validated and compiled anew", async () => {
  const invalid = wat2wasm(`(module (func (result i32) (i32.const 1)))`);
  // An invalid module's body: i32.const 1 replaced by i64.const 1 (same length).
  invalid[invalid.lastIndexOf(0x41)] = 0x42;
  const junks = [
    "not json",
    `{"format":"other"}`,
    "{}",
    `{"format":"${CACHE_FORMAT}","key":"KEY","functions":{"x":0},"hot":[]}`,
    `{"format":"${CACHE_FORMAT}","key":"KEY","functions":{"0@5":["",1,null]},"hot":[]}`,
  ];
  for (const junk of junks) {
    for (const bytes of [invalid, BYTES]) {
      const key = await keyOf(bytes);
      const { cache, gets } = recording();
      cache.set(key, new TextEncoder().encode(junk.replace("KEY", key)));
      using runtime = new Runtime({ compilationCache: cache });
      if (bytes === invalid) {
        await assert.rejects(runtime.compileModule(bytes), CompileError, junk);
        continue;
      }
      const m = await runtime.instantiate(bytes);
      assert.deepEqual(m.exportedFunction("sum")!.call(4), [10]);
      assert.deepEqual(gets, [key, key], "read at compile, and again to merge when stored");
      assert.ok(callsUntilCompiled(m) > NOT_YET_HOT, "nothing taken from the junk");
    }
  }
});

test("the validation of a module that failed to compile is never stored", async () => {
  const { cache, sets } = recording();
  {
    using runtime = new Runtime({ compilationCache: cache });
    await assert.rejects(runtime.compileModule(`(module (func (result i32) (i64.const 1)))`));
  }
  assert.equal(sets.length, 0);
});

test("a cache that fails to give an entry does not fail compiling", async () => {
  const cache: CompilationCache = {
    get: () => {
      throw new Error("connection reset");
    },
    set: () => {},
  };
  using runtime = new Runtime({ compilationCache: cache });
  const m = await runtime.instantiate(BYTES);
  assert.deepEqual(m.exportedFunction("sum")!.call(3), [6]);
});

test("generated code names no process's type ids: call_indirect reads its instance's", () => {
  // Interned ids are numbered in the order a process meets each type; cached code outlives it.
  const source = `(module (type $t (func (param i32) (result i32))) (table 1 funcref)
    (func (export "go") (param i32) (result i32) (call_indirect (type $t) (local.get 0) (i32.const 0))))`;
  const generated = generateFunction(codegenModule(decodeModule(wat2wasm(source))), 0)!.source;
  assert.match(generated, /J\.callee\(T0, [^,]+, TY0\)/);
  assert.match(generated, /const TY0 = INST\.typeIds\[0\];/);
});

test("two compilations of the same bytes in one runtime share their entry", async () => {
  const { cache } = recording();
  {
    using runtime = new Runtime({ compilationCache: cache });
    const first = await runtime.instantiate(BYTES, { name: null });
    const second = await runtime.instantiate(BYTES, { name: null });
    callsUntilCompiled(first);
    callsUntilCompiled(second, "twice");
  }
  using runtime = new Runtime({ compilationCache: cache });
  const m = await runtime.instantiate(BYTES);
  assert.equal(callsUntilCompiled(m), 1);
  assert.equal(callsUntilCompiled(m, "twice"), 1);
});

test("a loop entry's code comes back from the cache with the locals it takes", async () => {
  const source = `(module
    (func (export "count") (param $n i32) (param $unused i64) (result i32) (local $i i32)
      (loop $l (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                                    (local.get $n))))
      (local.get $i)))`;
  const { cache } = recording();
  const stored = () => {
    const value = cache.get([...new Set(keys)][0])!;
    return JSON.parse(new TextDecoder().decode(value)).functions as Record<string, unknown>;
  };
  const keys: string[] = [];
  for (let run = 0; run < 2; run++) {
    const spy: CompilationCache = {
      get: (key) => (keys.push(key), cache.get(key)),
      set: (key, value) => cache.set(key, value),
    };
    using runtime = useLoopEntries(new Runtime({ jsTier: 1, compilationCache: spy }));
    const m = await runtime.instantiate(source);
    assert.deepEqual(m.exportedFunction("count")!.call(100_000, 7n), [100_000]);
  }
  const entries = Object.entries(stored()).filter(([name]) => name.includes("@"));
  assert.equal(entries.length, 1);
  assert.deepEqual((entries[0][1] as unknown[])[2], [0, 2]);
});

test("a cache that fails to store does not fail compiling", async () => {
  const cache: CompilationCache = {
    get: () => undefined,
    set: () => {
      throw new Error("disk full");
    },
  };
  const runtime = new Runtime({ compilationCache: cache });
  const m = await runtime.instantiate(BYTES);
  callsUntilCompiled(m);
  runtime.close();
});

test("a directory cache serves the next runtime, and leaves one file per module", async () => {
  const dir = mkdtempSync(join(tmpdir(), "wazero-cache-"));
  try {
    const cacheDir = join(dir, "nested", "cache");
    for (let run = 0; run < 2; run++) {
      using runtime = new Runtime({ compilationCache: directoryCompilationCache(cacheDir) });
      const m = await runtime.instantiate(BYTES);
      assert.equal(callsUntilCompiled(m) === 1, run === 1, `run ${run}`);
    }
    const files = readdirSync(cacheDir);
    assert.equal(files.length, 1);
    assert.match(files[0], /^[0-9a-f]{64}-[0-9a-f]{16}\.wzc$/);
    // A damaged file is read as no entry, and replaced.
    writeFileSync(join(cacheDir, files[0]), "{");
    using runtime = new Runtime({ compilationCache: directoryCompilationCache(cacheDir) });
    const m = await runtime.instantiate(BYTES);
    assert.ok(callsUntilCompiled(m) > 1);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("run --cachedir: the first run stores its hot function when it exits, the second reads it", async () => {
  const dir = mkdtempSync(join(tmpdir(), "wazero-cache-"));
  try {
    const wasm = join(dir, "exit.wasm");
    writeFileSync(
      wasm,
      wat2wasm(`(module
        (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
        (memory (export "memory") 1)
        (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
        (func (export "_start") (local $i i32)
          (loop $l (br_if $l (i32.lt_u (local.tee $i (call $inc (local.get $i)))
                                       (i32.const 20000))))
          (call $exit (i32.const 3))))`),
    );
    const cacheDir = join(dir, "cache");
    const entries: string[] = [];
    for (let run = 0; run < 2; run++) {
      assert.equal(await main(["run", "--cachedir", cacheDir, wasm], await cliHost()), 3);
      const files = readdirSync(cacheDir);
      assert.equal(files.length, 1);
      entries.push(readFileSync(join(cacheDir, files[0]), "utf8"));
    }
    // $inc (function 1, after the import) was compiled, and stored as the process exited.
    assert.ok(JSON.parse(entries[0]).hot.includes(1), entries[0].slice(0, 200));
    assert.equal(entries[1], entries[0], "the second run had nothing new to store");
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("metered code compiled from the cache at its first call spends the fuel the interpreter does", async () => {
  const cache = inMemoryCompilationCache();
  const spent: number[] = [], compiledAt: number[] = [];
  for (const compilationCache of [undefined, cache, cache]) {
    using runtime = new Runtime({ fuel: true, compilationCache });
    const m = await runtime.instantiate(BYTES, { fuel: 1e9 });
    const start = m.fuel;
    compiledAt.push(callsUntilCompiled(m));
    // As many calls in all: the first runtimes interpreted the calls before their compilation.
    const sum = m.exportedFunction("sum")!;
    for (let i = compiledAt.at(-1)!; i < 5_000; i++) assert.deepEqual(sum.call(10), [55]);
    spent.push(start - m.fuel);
  }
  assert.ok(compiledAt[0] > NOT_YET_HOT && compiledAt[2] === 1, `${compiledAt}`);
  assert.equal(new Set(spent).size, 1, `${spent}`);
});
