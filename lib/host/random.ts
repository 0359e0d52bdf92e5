/**
 * Random sources for WASI's `random_get`: the host's CSPRNG and a seeded
 * generator (the library default, so runs are reproducible).
 *
 * @module
 */

/** Fills buffers with random bytes. */
export interface RandomSource {
  /** Fills `buf` entirely. */
  fill(buf: Uint8Array): void;
}

/** The host's cryptographic generator (`crypto.getRandomValues`). */
export function cryptoRandom(): RandomSource {
  return {
    fill(buf) {
      // getRandomValues refuses more than 65,536 bytes per call.
      for (let i = 0; i < buf.length; i += 65536) {
        crypto.getRandomValues(
          buf.subarray(i, Math.min(buf.length, i + 65536)) as Uint8Array<ArrayBuffer>,
        );
      }
    },
  };
}

/**
 * A deterministic, NOT cryptographic generator (SplitMix32), so a program
 * sees the same "random" bytes on every run. The default seed is 42.
 */
export function seededRandom(seed = 42): RandomSource {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  return {
    fill(buf) {
      for (let i = 0; i < buf.length; i += 4) {
        let v = next();
        for (let j = i; j < Math.min(buf.length, i + 4); j++, v >>>= 8) buf[j] = v & 0xff;
      }
    },
  };
}
