/**
 * A growable byte buffer with the binary format's primitive encodings
 * (LEB128 integers, IEEE 754 bit patterns, names), used by the text encoder.
 *
 * @module
 */

/** Appends bytes to a growable buffer. */
export class ByteWriter {
  #buf: Uint8Array;
  /** Number of bytes written so far. */
  length = 0;

  constructor(capacity = 64) {
    this.#buf = new Uint8Array(capacity);
  }

  #reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.#buf.length) return;
    let cap = this.#buf.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.#buf.subarray(0, this.length));
    this.#buf = next;
  }

  /** Appends one byte. */
  byte(b: number): void {
    this.#reserve(1);
    this.#buf[this.length++] = b;
  }

  /** Appends a byte array. */
  bytes(b: Uint8Array): void {
    this.#reserve(b.length);
    this.#buf.set(b, this.length);
    this.length += b.length;
  }

  /** Appends a value type: its byte, or `0x63`/`0x64` and a heap type for `(ref null? ht)`. */
  valType(t: number): void {
    if (t < 0x100) this.byte(t);
    else {
      const concrete = t >= 0x200;
      this.byte(concrete ? ((t & 1) === 0 ? 0x63 : 0x64) : 0x64);
      this.heapType(concrete ? t & ~1 : t & 0xff);
    }
  }

  /** Appends a heap type: an abstract type's code, or a concrete type index (s33). */
  heapType(ht: number): void {
    if (ht < 0x200) this.byte(ht);
    else this.s32((ht - 0x200) >>> 1);
  }

  /** Appends an unsigned LEB128 integer (0..2^32-1). */
  u32(v: number): void {
    v = v >>> 0;
    do {
      let b = v & 0x7f;
      v >>>= 7;
      if (v !== 0) b |= 0x80;
      this.byte(b);
    } while (v !== 0);
  }

  /** Appends a signed LEB128 integer in the range of a signed 32-bit number. */
  s32(v: number): void {
    v = v | 0;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
        this.byte(b);
        return;
      }
      this.byte(b | 0x80);
    }
  }

  /** Appends a signed LEB128 integer of up to 64 bits. */
  s64(v: bigint): void {
    v = BigInt.asIntN(64, v);
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) {
        this.byte(b);
        return;
      }
      this.byte(b | 0x80);
    }
  }

  /** Appends an unsigned LEB128 integer of up to 64 bits. */
  u64(v: bigint): void {
    v = BigInt.asUintN(64, v);
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      if (v === 0n) {
        this.byte(b);
        return;
      }
      this.byte(b | 0x80);
    }
  }

  /** Appends a 32-bit value in little-endian order (an f32 bit pattern). */
  u32le(v: number): void {
    this.byte(v & 0xff);
    this.byte((v >>> 8) & 0xff);
    this.byte((v >>> 16) & 0xff);
    this.byte((v >>> 24) & 0xff);
  }

  /** Appends a 64-bit value in little-endian order (an f64 bit pattern). */
  u64le(v: bigint): void {
    const lo = Number(v & 0xffffffffn), hi = Number((v >> 32n) & 0xffffffffn);
    this.u32le(lo);
    this.u32le(hi);
  }

  /** Appends a length-prefixed byte string (a name or data). */
  vecBytes(b: Uint8Array): void {
    this.u32(b.length);
    this.bytes(b);
  }

  /** The bytes written, as a view of the internal buffer. */
  view(): Uint8Array {
    return this.#buf.subarray(0, this.length);
  }

  /** The bytes written, as a fresh copy. */
  toBytes(): Uint8Array<ArrayBuffer> {
    return this.#buf.slice(0, this.length);
  }
}
