/**
 * Numeric constants of `wasi_snapshot_preview1` (witx names, WASI values).
 * Errno values and file types are shared with the host adapters and live in
 * `lib/host`.
 *
 * @module
 */

export { Errno } from "../host/errno.ts";
import { FileType } from "../host/fs.ts";
export { FileType };

/** `fdflags`. */
export const FdFlags = { APPEND: 1, DSYNC: 2, NONBLOCK: 4, RSYNC: 8, SYNC: 16 } as const;
/** `oflags` of `path_open`. */
export const OFlags = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 } as const;
/** `lookupflags`. */
export const LOOKUP_SYMLINK_FOLLOW = 1;
/** `fstflags` of the `*_set_times` calls. */
export const FstFlags = { ATIM: 1, ATIM_NOW: 2, MTIM: 4, MTIM_NOW: 8 } as const;
/** `clockid`. */
export const ClockId = {
  REALTIME: 0,
  MONOTONIC: 1,
  PROCESS_CPUTIME: 2,
  THREAD_CPUTIME: 3,
} as const;
/** `eventtype` of `poll_oneoff`. */
export const EventType = { CLOCK: 0, FD_READ: 1, FD_WRITE: 2 } as const;
/** `subclockflags`. */
export const SUBSCRIPTION_CLOCK_ABSTIME = 1;
/** `advice` values run 0..5. */
export const ADVICE_MAX = 5;

/** `rights` bits. */
export const Rights = {
  FD_DATASYNC: 1n << 0n,
  FD_READ: 1n << 1n,
  FD_SEEK: 1n << 2n,
  FD_FDSTAT_SET_FLAGS: 1n << 3n,
  FD_SYNC: 1n << 4n,
  FD_TELL: 1n << 5n,
  FD_WRITE: 1n << 6n,
  FD_ADVISE: 1n << 7n,
  FD_ALLOCATE: 1n << 8n,
  PATH_CREATE_DIRECTORY: 1n << 9n,
  PATH_CREATE_FILE: 1n << 10n,
  PATH_LINK_SOURCE: 1n << 11n,
  PATH_LINK_TARGET: 1n << 12n,
  PATH_OPEN: 1n << 13n,
  FD_READDIR: 1n << 14n,
  PATH_READLINK: 1n << 15n,
  PATH_RENAME_SOURCE: 1n << 16n,
  PATH_RENAME_TARGET: 1n << 17n,
  PATH_FILESTAT_GET: 1n << 18n,
  PATH_FILESTAT_SET_SIZE: 1n << 19n,
  PATH_FILESTAT_SET_TIMES: 1n << 20n,
  FD_FILESTAT_GET: 1n << 21n,
  FD_FILESTAT_SET_SIZE: 1n << 22n,
  FD_FILESTAT_SET_TIMES: 1n << 23n,
  PATH_SYMLINK: 1n << 24n,
  PATH_REMOVE_DIRECTORY: 1n << 25n,
  PATH_UNLINK_FILE: 1n << 26n,
  POLL_FD_READWRITE: 1n << 27n,
  SOCK_SHUTDOWN: 1n << 28n,
  SOCK_ACCEPT: 1n << 29n,
} as const;

/** Every right. */
export const ALL_RIGHTS = (1n << 30n) - 1n;

/** Rights of a regular file (everything that applies to file descriptors). */
export const FILE_RIGHTS = Rights.FD_DATASYNC | Rights.FD_READ | Rights.FD_SEEK |
  Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_SYNC | Rights.FD_TELL | Rights.FD_WRITE |
  Rights.FD_ADVISE | Rights.FD_ALLOCATE | Rights.FD_FILESTAT_GET | Rights.FD_FILESTAT_SET_SIZE |
  Rights.FD_FILESTAT_SET_TIMES | Rights.POLL_FD_READWRITE;

/** Rights of a directory: the path operations, and files opened below it inherit everything. */
export const DIR_RIGHTS = ALL_RIGHTS & ~(Rights.FD_READ | Rights.FD_WRITE | Rights.FD_SEEK |
  Rights.FD_TELL | Rights.FD_ALLOCATE | Rights.FD_FILESTAT_SET_SIZE | Rights.SOCK_SHUTDOWN |
  Rights.SOCK_ACCEPT);

/**
 * Rights of a terminal: no seek/tell, which is how wasi-libc's `isatty`
 * recognises one (and so line-buffers stdout).
 */
export const TTY_RIGHTS = FILE_RIGHTS & ~(Rights.FD_SEEK | Rights.FD_TELL);

/** Rights of a listening socket. */
export const LISTENER_RIGHTS = Rights.SOCK_ACCEPT | Rights.FD_FDSTAT_SET_FLAGS |
  Rights.FD_FILESTAT_GET | Rights.POLL_FD_READWRITE;
/** Rights of a connection. */
export const CONN_RIGHTS = Rights.FD_READ | Rights.FD_WRITE | Rights.SOCK_SHUTDOWN |
  Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_FILESTAT_GET | Rights.POLL_FD_READWRITE;

/**
 * The rights a descriptor of `filetype` can hold: what `path_open` grants is
 * what was asked, cut down to this (and to the directory's inheritable rights).
 */
export function rightsForType(filetype: number): bigint {
  return filetype === FileType.DIRECTORY ? DIR_RIGHTS : FILE_RIGHTS;
}
