/**
 * Word-at-a-time helpers for the executor's own SIMD ops: a vector is four
 * int32 words of the register file, so 8- and 16-bit lanes are handled two
 * or four at a time with shifts and masks ("SIMD within a register")
 * instead of through typed-array views of other element types, which would
 * make the executor's element accesses polymorphic.
 *
 * @module
 */

/** The sign bits of the two i16 lanes of `w`, as bits 0-1. */
function signs16(w: number): number {
  return ((w >>> 15) & 1) | ((w >>> 30) & 2);
}

/** `i16x8.bitmask` of the vector with words `a`..`d`. */
export function bitmask16(a: number, b: number, c: number, d: number): number {
  return signs16(a) | (signs16(b) << 2) | (signs16(c) << 4) | (signs16(d) << 6);
}

/** An i16 lane (`v`, sign-extended) saturated to i8, as its low byte. */
function satS8(v: number): number {
  return v < -128 ? 0x80 : v > 127 ? 127 : v & 0xff;
}

/** Four i16 lanes (words `p`, `q`) narrowed to i8 with signed saturation: one result word. */
export function narrowS8(p: number, q: number): number {
  return satS8((p << 16) >> 16) | (satS8(p >> 16) << 8) | (satS8((q << 16) >> 16) << 16) |
    (satS8(q >> 16) << 24);
}

/** Two i32 lanes narrowed to i16 with signed saturation: one result word. */
export function narrowS16(p: number, q: number): number {
  const lo = p < -32768 ? 0x8000 : p > 32767 ? 32767 : p & 0xffff;
  const hi = q < -32768 ? 0x8000 : q > 32767 ? 32767 : q & 0xffff;
  return lo | (hi << 16);
}

/** The two i16 lanes of `w` saturated to u8, each in the low byte of its half. */
function satU8Pair(w: number): number {
  // Lanes below 0 become 0, then lanes above 255 (adding 0x7f00 reaches bit 15) 255.
  const v = w & ~(((w & -0x7fff8000) >>> 15) * 0xffff);
  return (v | ((((v + 0x7f007f00) & -0x7fff8000) >>> 15) * 0xff)) & 0xff00ff;
}

/** Four i16 lanes (words `p`, `q`) narrowed to u8 with unsigned saturation: one result word. */
export function narrowU8(p: number, q: number): number {
  const s = satU8Pair(p), t = satU8Pair(q);
  return ((s | (s >>> 8)) & 0xffff) | (((t | (t >>> 8)) & 0xffff) << 16);
}

/** Two i32 lanes narrowed to u16 with unsigned saturation: one result word. */
export function narrowU16(p: number, q: number): number {
  const lo = p < 0 ? 0 : p > 65535 ? 65535 : p;
  const hi = q < 0 ? 0 : q > 65535 ? 65535 : q;
  return lo | (hi << 16);
}

/** Each byte's top bit (0x80) widened to the whole byte: 0x80 → 0xff, 0 → 0. */
function widenTopBits(m: number): number {
  // Per byte 0x80 - 0x01 = 0x7f borrows from nothing, so the bytes stay apart.
  return m | (m - (m >>> 7));
}

/** `i8x16.lt_u` of one word of each operand: 0xff in each byte where x's is below y's. */
export function ltMaskU8(x: number, y: number): number {
  // Bytewise x - y without borrows between bytes, then each byte's borrow out of its top bit.
  const diff = ((x | 0x80808080) - (y & 0x7f7f7f7f)) ^ ((x ^ ~y) & 0x80808080);
  const borrow = ((~x & y) | (~(x ^ y) & diff)) & 0x80808080;
  return widenTopBits(borrow);
}
