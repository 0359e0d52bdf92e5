/**
 * Byte-level mutations of valid modules, for the malformed-input fuzzer:
 * flipped bits, boundary bytes, insertions, deletions, duplications,
 * truncation, and huge LEB128 counts (the classic way to ask a decoder for
 * gigabytes).
 *
 * @module
 */

import type { Random } from "./random.ts";

const INTERESTING = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x40, 0x41, 0x60, 0x70, 0x0b];
/** LEB128 encodings of counts and sizes no module should be believed about. */
const HUGE_LEBS = [
  [0xff, 0xff, 0xff, 0xff, 0x0f],
  [0x80, 0x80, 0x80, 0x80, 0x08],
  [0xff, 0xff, 0xff, 0x7f],
  [0x80, 0x80, 0x04],
];

/** One mutant of `bytes`, after 1–3 random mutations. */
export function mutate(rnd: Random, bytes: Uint8Array): Uint8Array {
  let out = Array.from(bytes);
  const n = 1 + rnd.weighted([6, 2, 1]);
  for (let i = 0; i < n; i++) out = mutateOnce(rnd, out);
  return new Uint8Array(out);
}

function mutateOnce(rnd: Random, b: number[]): number[] {
  // Mutate the 8-byte header rarely: a broken header is rejected at once and teaches nothing.
  const at = b.length <= 8 || rnd.chance(0.02) ? rnd.int(b.length + 1) : 8 + rnd.int(b.length - 7);
  switch (rnd.int(8)) {
    case 0:
      if (at < b.length) b[at] ^= 1 << rnd.int(8);
      return b;
    case 1:
      if (at < b.length) b[at] = rnd.pick(INTERESTING);
      return b;
    case 2:
      b.splice(at, 0, ...Array.from({ length: rnd.range(1, 4) }, () => rnd.int(256)));
      return b;
    case 3:
      b.splice(at, rnd.range(1, 16));
      return b;
    case 4: {
      const len = rnd.range(1, 32);
      b.splice(rnd.int(b.length + 1), 0, ...b.slice(at, at + len));
      return b;
    }
    case 5:
      return b.slice(0, at);
    case 6:
      b.splice(at, rnd.range(1, 5), ...rnd.pick(HUGE_LEBS));
      return b;
    default: {
      const other = rnd.int(b.length);
      if (at < b.length) [b[at], b[other]] = [b[other], b[at]];
      return b;
    }
  }
}
