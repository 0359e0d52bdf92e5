/**
 * What the structured tier knows, while it writes a run of SIMD code, about
 * the range of the vectors in its variables: an upper bound of every lane
 * read as unsigned 16-bit and as unsigned 32-bit integers. Widening loads
 * and extends of unsigned bytes, constants and small products give bounds;
 * with them, `i16x8.add` needs no guard against carries between lanes (its
 * lanes cannot overflow) and unsigned narrowing needs no saturation (no lane
 * is out of range), so both become a plain word operation. A blur that sums
 * nine widened rows of bytes and scales them back is such code.
 *
 * The facts hold only along straight-line code that the SIMD writer itself
 * emitted: the generator reports where its output stands (`sync`) before
 * each SIMD instruction or v128 move, and any other code emitted in between
 * (a branch, a loop header, a call, a scalar instruction) forgets them all.
 *
 * @module
 */

/** Upper bounds of a vector's lanes, read as unsigned i16 and as unsigned i32. */
export interface LaneBounds {
  readonly max16: number;
  readonly max32: number;
}

/** Nothing known: the whole unsigned range. */
export const UNKNOWN: LaneBounds = { max16: 0xffff, max32: 0xffffffff };

/** The bounds of lanes known as unsigned 16-bit values up to `max` (its i32 lanes follow). */
export function bounds16(max: number): LaneBounds {
  return { max16: max, max32: max + max * 0x10000 };
}

/** The bounds of lanes known as unsigned 32-bit values up to `max` (its i16 lanes follow). */
export function bounds32(max: number): LaneBounds {
  return { max16: max <= 0xffff ? max : 0xffff, max32: max };
}

/** The bounds of a constant vector's four little-endian words. */
export function constantBounds(words: readonly number[]): LaneBounds {
  let max16 = 0, max32 = 0;
  for (const w of words) {
    max32 = Math.max(max32, w >>> 0);
    max16 = Math.max(max16, w & 0xffff, w >>> 16);
  }
  return { max16, max32 };
}

/** The bounds known per vector variable prefix (`x3`, `l5`), along the current run of SIMD code. */
export class SimdFacts {
  readonly #bounds = new Map<string, LaneBounds>();
  /** Where the generator's output stood when the last SIMD code was written. */
  #at = -1;

  /** Starts an instruction at output length `at`: anything written since the last one forgets all. */
  sync(at: number): void {
    if (at !== this.#at) this.#bounds.clear();
  }

  /** Ends an instruction whose code left the output at length `at`. */
  done(at: number): void {
    this.#at = at;
  }

  /** The bounds of vector variable `v` (UNKNOWN when nothing is known). */
  get(v: string): LaneBounds {
    return this.#bounds.get(v) ?? UNKNOWN;
  }

  /** Records what vector variable `v` now holds (UNKNOWN forgets it). */
  set(v: string, b: LaneBounds): void {
    if (b.max16 >= 0xffff && b.max32 >= 0xffffffff) this.#bounds.delete(v);
    else this.#bounds.set(v, b);
  }
}
