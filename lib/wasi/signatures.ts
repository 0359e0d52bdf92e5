/**
 * The 46 functions of `wasi_snapshot_preview1`, in the spec's order, with
 * their parameter names (as in the witx files; `result.*` are pointers the
 * function writes its results to) and types. Every function returns an
 * `errno` (i32) except `proc_exit`, which does not return.
 *
 * @module
 */

/** A function's parameters as `name:type` (type `i32` when omitted). */
export const WASI_FUNCTIONS: Readonly<Record<string, readonly string[]>> = {
  args_get: ["argv", "argv_buf"],
  args_sizes_get: ["result.argc", "result.argv_len"],
  environ_get: ["environ", "environ_buf"],
  environ_sizes_get: ["result.environc", "result.environv_len"],
  clock_res_get: ["id", "result.resolution"],
  clock_time_get: ["id", "precision:i64", "result.timestamp"],
  fd_advise: ["fd", "offset:i64", "len:i64", "advice"],
  fd_allocate: ["fd", "offset:i64", "len:i64"],
  fd_close: ["fd"],
  fd_datasync: ["fd"],
  fd_fdstat_get: ["fd", "result.stat"],
  fd_fdstat_set_flags: ["fd", "flags"],
  fd_fdstat_set_rights: ["fd", "fs_rights_base:i64", "fs_rights_inheriting:i64"],
  fd_filestat_get: ["fd", "result.buf"],
  fd_filestat_set_size: ["fd", "size:i64"],
  fd_filestat_set_times: ["fd", "atim:i64", "mtim:i64", "fst_flags"],
  fd_pread: ["fd", "iovs", "iovs_len", "offset:i64", "result.nread"],
  fd_prestat_get: ["fd", "result.prestat"],
  fd_prestat_dir_name: ["fd", "path", "path_len"],
  fd_pwrite: ["fd", "iovs", "iovs_len", "offset:i64", "result.nwritten"],
  fd_read: ["fd", "iovs", "iovs_len", "result.nread"],
  fd_readdir: ["fd", "buf", "buf_len", "cookie:i64", "result.bufused"],
  fd_renumber: ["fd", "to"],
  fd_seek: ["fd", "offset:i64", "whence", "result.newoffset"],
  fd_sync: ["fd"],
  fd_tell: ["fd", "result.offset"],
  fd_write: ["fd", "iovs", "iovs_len", "result.nwritten"],
  path_create_directory: ["fd", "path", "path_len"],
  path_filestat_get: ["fd", "flags", "path", "path_len", "result.buf"],
  path_filestat_set_times: [
    "fd",
    "flags",
    "path",
    "path_len",
    "atim:i64",
    "mtim:i64",
    "fst_flags",
  ],
  path_link: [
    "old_fd",
    "old_flags",
    "old_path",
    "old_path_len",
    "new_fd",
    "new_path",
    "new_path_len",
  ],
  path_open: [
    "fd",
    "dirflags",
    "path",
    "path_len",
    "oflags",
    "fs_rights_base:i64",
    "fs_rights_inheriting:i64",
    "fdflags",
    "result.opened_fd",
  ],
  path_readlink: ["fd", "path", "path_len", "buf", "buf_len", "result.bufused"],
  path_remove_directory: ["fd", "path", "path_len"],
  path_rename: ["fd", "old_path", "old_path_len", "new_fd", "new_path", "new_path_len"],
  path_symlink: ["old_path", "old_path_len", "fd", "new_path", "new_path_len"],
  path_unlink_file: ["fd", "path", "path_len"],
  poll_oneoff: ["in", "out", "nsubscriptions", "result.nevents"],
  proc_exit: ["rval"],
  proc_raise: ["sig"],
  sched_yield: [],
  random_get: ["buf", "buf_len"],
  sock_accept: ["fd", "flags", "result.fd"],
  sock_recv: ["fd", "ri_data", "ri_data_len", "ri_flags", "result.ro_datalen", "result.ro_flags"],
  sock_send: ["fd", "si_data", "si_data_len", "si_flags", "result.so_datalen"],
  sock_shutdown: ["fd", "how"],
};

/** Splits `name:type` into its parts. */
export function parseParam(p: string): { name: string; type: "i32" | "i64" } {
  const [name, type] = p.split(":");
  return { name, type: type === "i64" ? "i64" : "i32" };
}
