/**
 * Clocks for WASI's `clock_*` and `poll_oneoff`: the system clock and a
 * deterministic fake one (the library default, so runs are reproducible).
 *
 * @module
 */

/** Time sources, all in nanoseconds. */
export interface Clock {
  /** Wall-clock time since the Unix epoch. */
  realtime(): bigint;
  /** A clock that never goes backwards, from an arbitrary origin. */
  monotonic(): bigint;
  /** Resolution of {@link realtime} and {@link monotonic}, in ns. */
  readonly resolution: bigint;
  /** Blocks the calling thread for `ns` nanoseconds (the guest is synchronous). */
  sleep(ns: bigint): void;
}

/** Blocks without spinning: Atomics.wait is allowed on the main thread of Deno, Bun and Node. */
export function blockFor(ms: number): void {
  if (ms <= 0) return;
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  } catch {
    // Hosts that forbid blocking (browser main threads) get a busy wait.
    const end = performance.now() + ms;
    while (performance.now() < end) { /* spin */ }
  }
}

/** The host's clocks: `Date`/`performance` with microsecond resolution. */
export function systemClock(): Clock {
  const origin = BigInt(Math.round(performance.timeOrigin * 1000)) * 1000n;
  return {
    realtime: () => origin + BigInt(Math.round(performance.now() * 1000)) * 1000n,
    monotonic: () => BigInt(Math.round(performance.now() * 1000)) * 1000n,
    resolution: 1000n,
    sleep: (ns) => blockFor(Number(ns) / 1e6),
  };
}

/**
 * A deterministic clock like wazero's default: wall time starts at
 * 2022-01-01T00:00:00Z, monotonic time at 0, and each reading advances by
 * `step` (1 ms by default); `sleep` advances both without waiting.
 */
export function fakeClock(options: { start?: bigint; step?: bigint } = {}): Clock {
  const step = options.step ?? 1_000_000n;
  let wall = options.start ?? 1_640_995_200_000_000_000n;
  let mono = 0n;
  return {
    realtime: () => (wall += step) - step,
    monotonic: () => (mono += step) - step,
    resolution: 1000n,
    sleep: (ns) => {
      wall += ns;
      mono += ns;
    },
  };
}
