// The JavaScript SHA-256 that keys compilation caches on hosts without node:crypto: FIPS 180-4's
// test vectors, every padding case against node:crypto, and a cache used with node:crypto hidden.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { sha256Hex } from "../../lib/runtime/sha256.ts";
import { type CompilationCache, inMemoryCompilationCache, Runtime } from "../../mod.ts";
import { wat2wasm } from "../../lib/text/index.ts";

const native = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");
const text = (s: string) => new TextEncoder().encode(s);

test("sha256Hex gives FIPS 180-4's digests", () => {
  assert.equal(
    sha256Hex(new Uint8Array(0)),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  assert.equal(
    sha256Hex(text("abc")),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  assert.equal(
    sha256Hex(text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
  );
  assert.equal(
    sha256Hex(new Uint8Array(1_000_000).fill(0x61)),
    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
  );
});

test("sha256Hex agrees with node:crypto on every length around the padding's block boundaries", () => {
  for (let n = 0; n <= 300; n++) {
    const bytes = new Uint8Array(n);
    for (let i = 0; i < n; i++) bytes[i] = (i * 167 + n * 31) & 0xff;
    assert.equal(sha256Hex(bytes), native(bytes), `length ${n}`);
  }
});

test("sha256Hex hashes only the view it is given, not its buffer", () => {
  const buffer = new Uint8Array(1000);
  for (let i = 0; i < buffer.length; i++) buffer[i] = i & 0xff;
  for (const [start, end] of [[1, 1], [3, 70], [17, 1000], [999, 1000]]) {
    const view = buffer.subarray(start, end);
    assert.equal(sha256Hex(view), native(view.slice()), `bytes ${start}..${end}`);
  }
});

test("a compilation cache works on a host without node:crypto, under the same key", async () => {
  const bytes = wat2wasm(`(module (func (export "seven") (result i32) (i32.const 7)))`);
  const keys: string[] = [];
  const inner = inMemoryCompilationCache();
  const cache: CompilationCache = {
    get: (key) => (keys.push(key), inner.get(key)),
    set: (key, value) => inner.set(key, value),
  };
  const host = globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } };
  const builtin = host.process!.getBuiltinModule!;
  host.process!.getBuiltinModule = (id) => id === "node:crypto" ? undefined : builtin(id);
  try {
    for (let run = 0; run < 2; run++) {
      using runtime = new Runtime({ compilationCache: cache });
      const module = await runtime.instantiate(bytes);
      assert.deepEqual(module.exportedFunction("seven")!.call(), [7]);
    }
  } finally {
    host.process!.getBuiltinModule = builtin;
  }
  // Each compilation reads the entry (and a closing runtime reads it again, to merge).
  assert.ok(keys.length >= 2, `${keys.length} reads`);
  assert.ok(keys[0].startsWith(`${native(bytes)}-`), keys[0]);
  assert.deepEqual(new Set(keys), new Set([keys[0]]));
  // The same key as with node:crypto there.
  const withCrypto: string[] = [];
  using runtime = new Runtime({
    compilationCache: { get: (key) => (withCrypto.push(key), inner.get(key)), set: () => {} },
  });
  await runtime.compileModule(bytes);
  assert.deepEqual(withCrypto, [keys[0]]);
});
