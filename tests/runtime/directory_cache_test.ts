// A directory compilation cache stays within its size: reads mark entries used, a write that takes
// the directory over its maximum deletes the entries used longest ago (never the one written), and
// temporary files left by a dead process go once they are old.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { type CompilationCache, directoryCompilationCache } from "../../mod.ts";

const KEY = { a: "a".repeat(64) + "-1", b: "b".repeat(64) + "-1", c: "c".repeat(64) + "-1" };

/** Runs `body` with a fresh directory, removed afterwards. */
function withDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "wazero-cache-"));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true });
  }
}

/** Sets the modification time of `key`'s entry in `dir` to `secondsAgo` before now. */
function age(dir: string, key: string, secondsAgo: number): void {
  const when = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(join(dir, `${key}.wzc`), when, when);
}

/** An entry's bytes as a plain Uint8Array (node:fs reads a Buffer), or undefined. */
function read(cache: CompilationCache, key: string): Uint8Array | undefined {
  const value = cache.get(key);
  return value === undefined ? undefined : new Uint8Array(value);
}

const entries = (dir: string) => readdirSync(dir).sort();
const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

test("a write over maxBytes deletes the least recently used entries, and a read counts as a use", () => {
  withDir((dir) => {
    const cache = directoryCompilationCache(dir, { maxBytes: 250 });
    cache.set(KEY.a, bytes(100, 1));
    cache.set(KEY.b, bytes(100, 2));
    age(dir, KEY.a, 3000);
    age(dir, KEY.b, 2000);
    // a was written first, but read last: b is the one used longest ago.
    assert.deepEqual(read(cache, KEY.a), bytes(100, 1));
    cache.set(KEY.c, bytes(100, 3));
    assert.deepEqual(entries(dir), [`${KEY.a}.wzc`, `${KEY.c}.wzc`]);
    assert.equal(cache.get(KEY.b), undefined);
    assert.deepEqual(read(cache, KEY.c), bytes(100, 3));
  });
});

test("entries within maxBytes all stay, and one larger than it stays alone", () => {
  withDir((dir) => {
    const cache = directoryCompilationCache(dir, { maxBytes: 300 });
    cache.set(KEY.a, bytes(100, 1));
    cache.set(KEY.b, bytes(100, 2));
    cache.set(KEY.c, bytes(100, 3));
    assert.equal(entries(dir).length, 3);
    // Rewriting an entry replaces its size, not adds to it.
    cache.set(KEY.b, bytes(100, 4));
    assert.equal(entries(dir).length, 3);
    cache.set(KEY.a, bytes(500, 5));
    assert.deepEqual(entries(dir), [`${KEY.a}.wzc`]);
    assert.deepEqual(read(cache, KEY.a), bytes(500, 5));
  });
});

test("a write removes temporary files older than an hour, and leaves fresh ones", () => {
  withDir((dir) => {
    const stale = `${KEY.a}.wzc.1733000000000-k3j2h1-0`;
    const fresh = `${KEY.b}.wzc.1733000000001-x9y8-4`;
    writeFileSync(join(dir, stale), "half an entry");
    writeFileSync(join(dir, fresh), "being written");
    const old = new Date(Date.now() - 2 * 3600 * 1000);
    utimesSync(join(dir, stale), old, old);
    writeFileSync(join(dir, "notes.txt"), "not the cache's");
    directoryCompilationCache(dir).set(KEY.c, bytes(10, 1));
    assert.deepEqual(entries(dir), [fresh, `${KEY.c}.wzc`, "notes.txt"].sort());
  });
});

test("maxBytes must be a size", () => {
  for (const maxBytes of [-1, NaN]) {
    assert.throws(() => directoryCompilationCache("unused", { maxBytes }), RangeError);
  }
});
