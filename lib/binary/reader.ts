/**
 * A cursor over module bytes that reads the binary format's primitive
 * encodings: bytes, LEB128 integers (with the spec's exact rules for overlong
 * and out-of-range encodings), IEEE 754 bit patterns and UTF-8 names.
 *
 * @module
 */

import { CompileError } from "../errors.ts";

/** Reads primitive values from a byte range, failing with {@link CompileError}. */
export class ByteReader {
  /** The whole module's bytes; offsets in errors are relative to them. */
  readonly bytes: Uint8Array;
  /** Offset of the next byte to read. */
  pos: number;
  /** Offset just past the last readable byte (a section's or body's end). */
  end: number;
  /** High 32 bits of the last {@link s64} or {@link f64Bits} read. */
  hi = 0;
  /** Byte length of the last {@link u64} read. */
  lebLength = 0;
  /** Set while reading inside a section, to word "unexpected end" errors as the spec does. */
  inSection = false;

  constructor(bytes: Uint8Array, pos = 0, end = bytes.length) {
    this.bytes = bytes;
    this.pos = pos;
    this.end = end;
  }

  /** True when every byte up to {@link end} has been read. */
  atEnd(): boolean {
    return this.pos >= this.end;
  }

  /** Throws a {@link CompileError} at the given offset (default: the cursor). */
  fail(reason: string, offset: number = this.pos): never {
    throw new CompileError(reason, offset);
  }

  /** Reads one byte. */
  u8(): number {
    if (this.pos >= this.end) this.unexpectedEnd();
    return this.bytes[this.pos++];
  }

  /** Fails with the spec's message for running past the end. */
  unexpectedEnd(): never {
    return this.fail(this.inSection ? "unexpected end of section or function" : "unexpected end");
  }

  /** Reads an unsigned 32-bit LEB128 integer (at most 5 bytes). */
  u32(): number {
    let result = 0, shift = 0;
    const start = this.pos;
    for (;;) {
      const b = this.u8();
      if (shift === 28) {
        if (b & 0x80) this.fail("integer representation too long", start);
        if (b & 0x70) this.fail("integer too large", start);
        return (result | (b << 28)) >>> 0;
      }
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
      shift += 7;
    }
  }

  /**
   * Reads an unsigned 64-bit LEB128 integer (at most 10 bytes); returns the
   * low 32 bits (unsigned) and leaves the high 32 bits (unsigned) in
   * {@link hi}. {@link lebLength} says how many bytes it took.
   */
  u64(): number {
    let lo = 0, hi = 0, shift = 0;
    const start = this.pos;
    for (;;) {
      const b = this.u8();
      const v = b & 0x7f;
      if (shift === 63) {
        if (b & 0x80) this.fail("integer representation too long", start);
        if (v > 1) this.fail("integer too large", start);
        hi |= v << 31;
        break;
      }
      if (shift < 32) {
        lo |= v << shift;
        if (shift > 25) hi |= v >>> (32 - shift);
      } else {
        hi |= v << (shift - 32);
      }
      shift += 7;
      if ((b & 0x80) === 0) break;
    }
    this.lebLength = this.pos - start;
    this.hi = hi >>> 0;
    return lo >>> 0;
  }

  /** Reads a signed 32-bit LEB128 integer. */
  s32(): number {
    let result = 0, shift = 0;
    const start = this.pos;
    for (;;) {
      const b = this.u8();
      if (shift === 28) {
        if (b & 0x80) this.fail("integer representation too long", start);
        // Bits 31..34 must all repeat the sign bit (bit 3 of this byte).
        const upper = b & 0x78;
        if (upper !== 0 && upper !== 0x78) this.fail("integer too large", start);
        return result | (b << 28);
      }
      result |= (b & 0x7f) << shift;
      shift += 7;
      if ((b & 0x80) === 0) {
        return shift < 32 && (b & 0x40) ? result | (-1 << shift) : result;
      }
    }
  }

  /**
   * Reads a signed 33-bit LEB128 integer (block types). Returns it as a JS
   * number in -2^32..2^32-1.
   */
  s33(): number {
    let result = 0, mul = 1;
    const start = this.pos;
    for (let i = 0;; i++) {
      const b = this.u8();
      if (i === 4) {
        if (b & 0x80) this.fail("integer representation too long", start);
        // Bits 32..34 must all repeat the sign bit (bit 4 of this byte).
        const upper = b & 0x70;
        if (upper !== 0 && upper !== 0x70) this.fail("integer too large", start);
        result += (b & 0x1f) * mul;
        return b & 0x10 ? result - 2 ** 33 : result;
      }
      result += (b & 0x7f) * mul;
      mul *= 128;
      if ((b & 0x80) === 0) return b & 0x40 ? result - mul : result;
    }
  }

  /**
   * Reads a signed 64-bit LEB128 integer; returns the low 32 bits and leaves
   * the high 32 bits in {@link hi} (both as int32).
   */
  s64(): number {
    let lo = 0, hi = 0, shift = 0, b: number;
    const start = this.pos;
    for (;;) {
      b = this.u8();
      const v = b & 0x7f;
      if (shift === 63) {
        if (b & 0x80) this.fail("integer representation too long", start);
        // Bits 64..69 must all repeat the sign bit (bit 0 of this byte).
        if (v !== 0 && v !== 0x7f) this.fail("integer too large", start);
        hi |= v << 31;
        this.hi = hi;
        return lo;
      }
      if (shift < 32) {
        lo |= v << shift;
        if (shift > 25) hi |= v >>> (32 - shift);
      } else {
        hi |= v << (shift - 32);
      }
      shift += 7;
      if ((b & 0x80) === 0) break;
    }
    if (b & 0x40) {
      if (shift < 32) {
        lo |= -1 << shift;
        hi = -1;
      } else {
        hi |= -1 << (shift - 32);
      }
    }
    this.hi = hi;
    return lo;
  }

  /** Reads 4 bytes little-endian as an int32 (an f32 bit pattern). */
  f32Bits(): number {
    if (this.pos + 4 > this.end) this.unexpectedEnd();
    const b = this.bytes, p = this.pos;
    this.pos = p + 4;
    return b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24);
  }

  /** Reads 8 bytes little-endian; returns the low word, leaves the high word in {@link hi}. */
  f64Bits(): number {
    const lo = this.f32Bits();
    this.hi = this.f32Bits();
    return lo;
  }

  /** Reads `n` bytes and returns a view of them (not a copy). */
  take(n: number): Uint8Array {
    if (n > this.end - this.pos) this.unexpectedEnd();
    const view = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return view;
  }

  /**
   * Reads a vector length and checks that at least `minBytesPerItem` bytes per
   * item remain, so hostile counts cannot make the decoder allocate or loop
   * for long before failing.
   */
  vecLength(minBytesPerItem = 1): number {
    const start = this.pos;
    const n = this.u32();
    if (n * minBytesPerItem > this.end - this.pos) {
      this.fail(this.inSection ? "unexpected end of section or function" : "unexpected end", start);
    }
    return n;
  }

  /** Reads a name: a length-prefixed UTF-8 string, which must be valid UTF-8. */
  name(): string {
    const start = this.pos;
    const len = this.u32();
    if (len > this.end - this.pos) {
      this.fail("length out of bounds", start);
    }
    const s = decodeUtf8(this.bytes, this.pos, this.pos + len);
    if (s === null) this.fail("malformed UTF-8 encoding", start);
    this.pos += len;
    return s;
  }
}

/**
 * Decodes strict UTF-8 (no overlong forms, no surrogates, nothing above
 * U+10FFFF); returns `null` when the bytes are not valid UTF-8. Written out
 * rather than using `TextDecoder` so that the runtime works in JS engines
 * without it.
 */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string | null {
  let out = "";
  let i = start;
  while (i < end) {
    const b0 = bytes[i];
    if (b0 < 0x80) {
      out += String.fromCharCode(b0);
      i++;
      continue;
    }
    let need: number, cp: number, min: number;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
      need = 1, cp = b0 & 0x1f, min = 0x80;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
      need = 2, cp = b0 & 0x0f, min = 0x800;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
      need = 3, cp = b0 & 0x07, min = 0x10000;
    } else {
      return null;
    }
    if (i + need >= end) return null;
    for (let k = 1; k <= need; k++) {
      const b = bytes[i + k];
      if ((b & 0xc0) !== 0x80) return null;
      cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return null;
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}

/** Appends the UTF-8 bytes of code point `cp` to `out`. */
export function pushUtf8(out: number[], cp: number): void {
  if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  else if (cp < 0x10000) {
    out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f));
  } else {
    out.push(
      0xf0 | (cp >> 18),
      0x80 | ((cp >> 12) & 0x3f),
      0x80 | ((cp >> 6) & 0x3f),
      0x80 | (cp & 0x3f),
    );
  }
}

/** Encodes a string as UTF-8 (the inverse of {@link decodeUtf8}). */
export function encodeUtf8(s: string): Uint8Array {
  const out: number[] = [];
  for (const ch of s) pushUtf8(out, ch.codePointAt(0)!);
  return new Uint8Array(out);
}
