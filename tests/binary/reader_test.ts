import { test } from "node:test";
import assert from "node:assert/strict";
import { ByteReader, decodeUtf8, encodeUtf8 } from "../../lib/binary/reader.ts";
import { CompileError } from "../../lib/errors.ts";

function reader(...bytes: number[]): ByteReader {
  return new ByteReader(new Uint8Array(bytes));
}

function failsWith(fn: () => unknown, reason: string): void {
  assert.throws(fn, (e: unknown) => e instanceof CompileError && e.reason === reason);
}

test("u32 reads minimal and padded encodings", () => {
  assert.equal(reader(0x00).u32(), 0);
  assert.equal(reader(0x7f).u32(), 127);
  assert.equal(reader(0x80, 0x01).u32(), 128);
  assert.equal(reader(0xe5, 0x8e, 0x26).u32(), 624485);
  // Padding with zero continuation bytes is allowed up to five bytes.
  assert.equal(reader(0x80, 0x80, 0x80, 0x80, 0x00).u32(), 0);
  assert.equal(reader(0x83, 0x80, 0x80, 0x80, 0x00).u32(), 3);
  assert.equal(reader(0xff, 0xff, 0xff, 0xff, 0x0f).u32(), 0xffffffff);
});

test("u32 rejects overlong and out-of-range encodings", () => {
  failsWith(
    () => reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x00).u32(),
    "integer representation too long",
  );
  failsWith(() => reader(0xff, 0xff, 0xff, 0xff, 0x1f).u32(), "integer too large");
  failsWith(() => reader(0x82, 0x80, 0x80, 0x80, 0x70).u32(), "integer too large");
  failsWith(() => reader(0x80, 0x80).u32(), "unexpected end");
});

test("s32 sign-extends and checks the unused bits of the fifth byte", () => {
  assert.equal(reader(0x7f).s32(), -1);
  assert.equal(reader(0x3f).s32(), 63);
  assert.equal(reader(0x40).s32(), -64);
  assert.equal(reader(0xff, 0x7f).s32(), -1);
  assert.equal(reader(0x80, 0x80, 0x80, 0x80, 0x78).s32(), -2147483648);
  assert.equal(reader(0xff, 0xff, 0xff, 0xff, 0x07).s32(), 2147483647);
  assert.equal(reader(0xff, 0xff, 0xff, 0xff, 0x7f).s32(), -1);
  failsWith(() => reader(0xff, 0xff, 0xff, 0xff, 0x0f).s32(), "integer too large");
  failsWith(() => reader(0x80, 0x80, 0x80, 0x80, 0x70).s32(), "integer too large");
  failsWith(() => reader(0x80, 0x80, 0x80, 0x80, 0x1f).s32(), "integer too large");
  failsWith(() => reader(0xff, 0xff, 0xff, 0xff, 0x4f).s32(), "integer too large");
  failsWith(
    () => reader(0xff, 0xff, 0xff, 0xff, 0xff, 0x7f).s32(),
    "integer representation too long",
  );
});

test("s33 covers the block type range", () => {
  assert.equal(reader(0x40).s33(), -64);
  assert.equal(reader(0x00).s33(), 0);
  assert.equal(reader(0xff, 0xff, 0xff, 0xff, 0x0f).s33(), 0xffffffff);
  assert.equal(reader(0x80, 0x80, 0x80, 0x80, 0x70).s33(), -(2 ** 32));
  failsWith(() => reader(0x80, 0x80, 0x80, 0x80, 0x20).s33(), "integer too large");
});

test("s64 returns both halves exactly", () => {
  const r = reader(0x7f);
  assert.equal(r.s64(), -1);
  assert.equal(r.hi, -1);
  const max = reader(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00);
  assert.equal(max.s64(), -1);
  assert.equal(max.hi, 0x7fffffff);
  const min = reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f);
  assert.equal(min.s64(), 0);
  assert.equal(min.hi, -2147483648);
  // 2^32 = 0x80 0x80 0x80 0x80 0x10
  const big = reader(0x80, 0x80, 0x80, 0x80, 0x10);
  assert.equal(big.s64(), 0);
  assert.equal(big.hi, 1);
  // -2^35: sign extension starting inside the high word.
  const neg = reader(0x80, 0x80, 0x80, 0x80, 0x40);
  assert.equal(neg.s64(), 0);
  assert.equal(neg.hi, -4);
  failsWith(
    () => reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02).s64(),
    "integer too large",
  );
  failsWith(
    () => reader(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x41).s64(),
    "integer too large",
  );
  failsWith(
    () => reader(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00).s64(),
    "integer representation too long",
  );
});

test("float bit patterns are read little-endian without conversion", () => {
  // A signalling NaN payload survives because we never make it a JS number.
  assert.equal(reader(0x01, 0x00, 0xa0, 0x7f).f32Bits(), 0x7fa00001);
  const r = reader(0x01, 0, 0, 0, 0, 0, 0xf4, 0x7f);
  assert.equal(r.f64Bits(), 1);
  assert.equal(r.hi, 0x7ff40000);
});

test("names must be valid UTF-8", () => {
  assert.equal(reader(3, 0x61, 0x62, 0x63).name(), "abc");
  assert.equal(reader(4, 0xf0, 0x9f, 0x98, 0x80).name(), "😀");
  failsWith(() => reader(2, 0xc0, 0x80).name(), "malformed UTF-8 encoding"); // overlong NUL
  failsWith(() => reader(3, 0xed, 0xa0, 0x80).name(), "malformed UTF-8 encoding"); // surrogate
  failsWith(() => reader(4, 0xf4, 0x90, 0x80, 0x80).name(), "malformed UTF-8 encoding"); // > U+10FFFF
  failsWith(() => reader(1, 0xe2).name(), "malformed UTF-8 encoding"); // truncated sequence
  failsWith(() => reader(5, 0x61).name(), "length out of bounds");
});

test("UTF-8 encoding and decoding round-trip", () => {
  for (const s of ["", "a", "é", "€", "😀", "mixed ✓ text 𝄞"]) {
    const bytes = encodeUtf8(s);
    assert.deepEqual(bytes, new TextEncoder().encode(s));
    assert.equal(decodeUtf8(bytes, 0, bytes.length), s);
  }
});
