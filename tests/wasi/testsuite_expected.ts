/**
 * The wasi-testsuite programs a JavaScript host cannot pass, per host, each
 * with the host API that is missing and the outcome the runner asserts
 * (so a documented failure can neither hide a different one nor linger
 * once fixed).
 */

/** One documented failure. */
export interface ExpectedFailure {
  /** Why, naming the missing host API. */
  reason: string;
  /** What the runner must see instead of a pass. */
  outcome: RegExp;
}

/**
 * By host (`deno`; `bun-linux`; `node` for Node and Bun elsewhere), by
 * `language/name`.
 */
export const EXPECTED_FAILURES: Record<
  "deno" | "bun-linux" | "node",
  Record<string, ExpectedFailure>
> = {
  deno: {
    "rust/fd_filestat_set": {
      reason: "Deno.FileInfo times are Dates (milliseconds) and Deno.utime takes a Date or " +
        "seconds as a double: no nanosecond file times in Deno's API (nor in its node:fs)",
      outcome: /mtim should change/,
    },
    "rust/path_filestat": {
      reason: "the same: milliseconds only in Deno (sets mtim to a stat's mtim minus 100 ns)",
      outcome: /mtim should change/,
    },
    "rust/symlink_filestat": {
      reason: "the same: milliseconds only in Deno (a symlink's own times are set through " +
        "Deno's node:fs lutimesSync, as Deno.utime follows symlinks)",
      outcome: /symlink mtim should change/,
    },
  },
  // Bun on Linux: times set through libc's utimensat/futimens with bun:ffi.
  "bun-linux": {},
  node: {
    "rust/fd_filestat_set": {
      reason: "node:fs futimes/lutimes take seconds as a double (Node, and Bun off Linux), which " +
        "near 2026 moves in steps of 238 ns: reading is nanosecond-exact (BigInt stats), setting " +
        "is not, and one of the two times cannot be left as it is",
      outcome: /mtim should change/,
    },
    "rust/path_filestat": {
      reason: "the same: node:fs utimes takes seconds as a double (238 ns steps)",
      outcome: /mtim should change/,
    },
    "rust/symlink_filestat": {
      reason: "the same: node:fs lutimes takes seconds as a double (238 ns steps)",
      outcome: /symlink mtim should change/,
    },
  },
};
