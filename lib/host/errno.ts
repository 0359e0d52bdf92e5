/**
 * Error numbers shared by the host adapters and WASI. The values are WASI
 * preview1's, so the WASI layer passes them to the guest unchanged; adapters
 * translate whatever their host reports into these.
 *
 * @module
 */

/** WASI preview1 `errno` values (the subset a host can produce, plus the ones WASI itself uses). */
export const Errno = {
  SUCCESS: 0,
  E2BIG: 1,
  EACCES: 2,
  EAGAIN: 6,
  EBADF: 8,
  EBUSY: 10,
  EEXIST: 20,
  EFAULT: 21,
  EFBIG: 22,
  EINTR: 27,
  EINVAL: 28,
  EIO: 29,
  EISDIR: 31,
  ELOOP: 32,
  EMFILE: 33,
  EMLINK: 34,
  ENAMETOOLONG: 37,
  ENODEV: 43,
  ENOENT: 44,
  ENOMEM: 48,
  ENOSPC: 51,
  ENOSYS: 52,
  ENOTCONN: 53,
  ENOTDIR: 54,
  ENOTEMPTY: 55,
  ENOTSOCK: 57,
  ENOTSUP: 58,
  ENOTTY: 59,
  ENXIO: 60,
  EOVERFLOW: 61,
  EPERM: 63,
  EPIPE: 64,
  ERANGE: 68,
  EROFS: 69,
  ESPIPE: 70,
  ETIMEDOUT: 73,
  ETXTBSY: 74,
  EXDEV: 75,
  ENOTCAPABLE: 76,
} as const;

/** One of the {@link Errno} values. */
export type ErrnoValue = (typeof Errno)[keyof typeof Errno];

const NAMES = new Map<number, string>(Object.entries(Errno).map(([k, v]) => [v, k]));

/** The symbolic name of an errno value, e.g. `"ENOENT"` (or `"errno 99"`). */
export function errnoName(errno: number): string {
  return NAMES.get(errno) ?? `errno ${errno}`;
}

/**
 * What an adapter throws when the host refuses an operation. Adapters throw
 * rather than return codes so that their methods can return plain values;
 * the WASI layer catches it and hands `errno` to the guest.
 */
export class SysError extends Error {
  /** The WASI errno. */
  readonly errno: number;

  /**
   * Creates the error.
   * @param errno a {@link Errno} value.
   * @param detail optional host detail for the message.
   */
  constructor(errno: number, detail?: string) {
    super(detail === undefined ? errnoName(errno) : `${errnoName(errno)}: ${detail}`);
    this.name = "SysError";
    this.errno = errno;
  }
}

/** Host error codes (Node's `err.code`, also set by Deno) mapped to WASI errno values. */
const CODES: Record<string, number> = {
  E2BIG: Errno.E2BIG,
  EACCES: Errno.EACCES,
  EAGAIN: Errno.EAGAIN,
  EWOULDBLOCK: Errno.EAGAIN,
  EBADF: Errno.EBADF,
  EBUSY: Errno.EBUSY,
  EEXIST: Errno.EEXIST,
  EFAULT: Errno.EFAULT,
  EFBIG: Errno.EFBIG,
  EINTR: Errno.EINTR,
  EINVAL: Errno.EINVAL,
  EIO: Errno.EIO,
  EISDIR: Errno.EISDIR,
  ELOOP: Errno.ELOOP,
  EMFILE: Errno.EMFILE,
  EMLINK: Errno.EMLINK,
  ENAMETOOLONG: Errno.ENAMETOOLONG,
  ENODEV: Errno.ENODEV,
  ENOENT: Errno.ENOENT,
  ENOMEM: Errno.ENOMEM,
  ENOSPC: Errno.ENOSPC,
  ENOSYS: Errno.ENOSYS,
  ENOTDIR: Errno.ENOTDIR,
  ENOTEMPTY: Errno.ENOTEMPTY,
  ENOTSUP: Errno.ENOTSUP,
  EOPNOTSUPP: Errno.ENOTSUP,
  ENOTTY: Errno.ENOTTY,
  ENXIO: Errno.ENXIO,
  EOVERFLOW: Errno.EOVERFLOW,
  EPERM: Errno.EPERM,
  EPIPE: Errno.EPIPE,
  EROFS: Errno.EROFS,
  ESPIPE: Errno.ESPIPE,
  ETXTBSY: Errno.ETXTBSY,
  EXDEV: Errno.EXDEV,
};

/** Deno's error classes for errors that carry no `code`. */
const CLASSES: Record<string, number> = {
  NotFound: Errno.ENOENT,
  AlreadyExists: Errno.EEXIST,
  PermissionDenied: Errno.EACCES,
  NotCapable: Errno.ENOTCAPABLE,
  IsADirectory: Errno.EISDIR,
  NotADirectory: Errno.ENOTDIR,
  InvalidData: Errno.EINVAL,
  BrokenPipe: Errno.EPIPE,
  WouldBlock: Errno.EAGAIN,
  Interrupted: Errno.EINTR,
  FilesystemLoop: Errno.ELOOP,
  NotSupported: Errno.ENOTSUP,
};

/**
 * Converts anything a host API threw into a {@link SysError} (unknown
 * failures become `EIO`, so a guest never sees a host exception).
 */
export function toSysError(e: unknown): SysError {
  if (e instanceof SysError) return e;
  const err = e as { code?: unknown; name?: unknown; message?: unknown } | null;
  const code = typeof err?.code === "string" ? CODES[err.code] : undefined;
  if (code !== undefined) return new SysError(code, String(err?.message ?? ""));
  const byClass = typeof err?.name === "string" ? CLASSES[err.name] : undefined;
  return new SysError(byClass ?? Errno.EIO, String(err?.message ?? e));
}
