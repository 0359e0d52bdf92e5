/**
 * Nanosecond file times under Bun on Linux: `node:fs` takes times as seconds
 * in a double (about 238 ns steps near 2026) and cannot leave one of the two
 * unchanged, so `NodeFileSystem` sets times through libc's `utimensat` and
 * `futimens` (with `UTIME_OMIT`) by way of `bun:ffi` where that is available,
 * and falls back to `node:fs` elsewhere or whenever a call fails (so errors
 * keep node:fs's codes).
 *
 * @module
 */

/** Time setters with nanosecond precision; each returns false when it did not set anything. */
export interface NsTimes {
  /** A path's times, not following a final symlink when `noFollow`; `undefined` leaves one as is. */
  utimens(
    path: string,
    atim: bigint | undefined,
    mtim: bigint | undefined,
    noFollow: boolean,
  ): boolean;
  /** An open file's times. */
  futimens(fd: number, atim: bigint | undefined, mtim: bigint | undefined): boolean;
}

const AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, UTIME_OMIT = (1n << 30n) - 2n;

/** The libc setters under Bun on Linux (glibc), else `undefined`. */
export async function bunNsTimes(): Promise<NsTimes | undefined> {
  const g = globalThis as { Bun?: unknown; process?: { platform?: string } };
  if (g.Bun === undefined || g.process?.platform !== "linux") return undefined;
  try {
    // A computed specifier: other hosts' type checkers do not know bun:ffi.
    const specifier = "bun:ffi";
    const ffi = await import(specifier);
    const { i32, ptr, cstring } = ffi.FFIType;
    const lib = ffi.dlopen("libc.so.6", {
      utimensat: { args: [i32, cstring, ptr, i32], returns: i32 },
      futimens: { args: [i32, ptr], returns: i32 },
    });
    const times = (atim: bigint | undefined, mtim: bigint | undefined) =>
      new BigInt64Array([
        atim === undefined ? 0n : atim / 1_000_000_000n,
        atim === undefined ? UTIME_OMIT : atim % 1_000_000_000n,
        mtim === undefined ? 0n : mtim / 1_000_000_000n,
        mtim === undefined ? UTIME_OMIT : mtim % 1_000_000_000n,
      ]);
    const encoder = new TextEncoder();
    return {
      utimens(path, atim, mtim, noFollow) {
        // C would end the path at a NUL: leave such a path to node:fs, which rejects it.
        if (path.includes("\0")) return false;
        const cpath = encoder.encode(`${path}\0`);
        const flags = noFollow ? AT_SYMLINK_NOFOLLOW : 0;
        return lib.symbols.utimensat(
          AT_FDCWD,
          ffi.ptr(cpath),
          ffi.ptr(times(atim, mtim)),
          flags,
        ) ===
          0;
      },
      futimens(fd, atim, mtim) {
        return lib.symbols.futimens(fd, ffi.ptr(times(atim, mtim))) === 0;
      },
    };
  } catch {
    return undefined; // No bun:ffi or no glibc: node:fs it is.
  }
}
