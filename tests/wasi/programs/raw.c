// raw: calls WASI functions directly (wasi/api.h), including the ones libc
// rarely reaches, and prints each errno. The pre-open (fd 3) must hold
// inner/file.txt ("inside\n"). Exit code: 0.
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

static const char *name(__wasi_errno_t e) {
  switch (e) {
    case 0: return "SUCCESS"; case 8: return "EBADF"; case 20: return "EEXIST";
    case 21: return "EFAULT"; case 28: return "EINVAL"; case 31: return "EISDIR";
    case 44: return "ENOENT"; case 52: return "ENOSYS"; case 54: return "ENOTDIR";
    case 55: return "ENOTEMPTY"; case 57: return "ENOTSOCK"; case 58: return "ENOTSUP";
    case 70: return "ESPIPE"; case 76: return "ENOTCAPABLE"; case 37: return "ENAMETOOLONG";
    default: return "other";
  }
}
// proc_raise left wasi-libc's headers when WASI removed it; import it by hand.
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")))
uint16_t raw_proc_raise(uint8_t sig);

#define SHOW(call) printf("%s: %s\n", #call, name(call))

int main(void) {
  __wasi_fd_t fd = 99, dirfd = 99;
  __wasi_filesize_t off = 0;
  __wasi_size_t used = 0;
  __wasi_prestat_t pre;
  char buf[256];
  SHOW(__wasi_fd_prestat_get(3, &pre));
  printf("prestat name length: %u\n", (unsigned)pre.u.dir.pr_name_len);
  SHOW(__wasi_fd_prestat_dir_name(3, (uint8_t *)buf, 1));
  SHOW(__wasi_fd_prestat_get(0, &pre));
  // Every right: the host grants those a regular file can have (rights are enforced).
  SHOW(__wasi_path_open(3, 0, "inner/file.txt", 0, ~(__wasi_rights_t)0, 0, 0, &fd));
  SHOW(__wasi_path_open(3, 0, "inner", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0, 0, &dirfd));
  SHOW(__wasi_fd_advise(fd, 0, 10, __WASI_ADVICE_SEQUENTIAL));
  SHOW(__wasi_fd_advise(fd, 0, 10, 42));
  SHOW(__wasi_fd_allocate(fd, 0, 100));
  __wasi_filestat_t st;
  (void)__wasi_fd_filestat_get(fd, &st);
  printf("size after allocate: %llu\n", (unsigned long long)st.size);
  SHOW(__wasi_fd_filestat_set_size(fd, 7));
  SHOW(__wasi_fd_datasync(fd));
  SHOW(__wasi_fd_sync(fd));
  SHOW(__wasi_fd_seek(fd, 3, __WASI_WHENCE_SET, &off));
  SHOW(__wasi_fd_tell(fd, &off));
  printf("tell: %llu\n", (unsigned long long)off);
  SHOW(__wasi_fd_seek(fd, -10, __WASI_WHENCE_CUR, &off));
  SHOW(__wasi_fd_seek(1, 0, __WASI_WHENCE_CUR, &off));
  SHOW(__wasi_fd_seek(dirfd, 0, __WASI_WHENCE_CUR, &off));
  SHOW(__wasi_fd_filestat_set_times(fd, 1000000000ull, 2000000000ull, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  (void)__wasi_fd_filestat_get(fd, &st);
  printf("mtim: %llu\n", (unsigned long long)st.mtim);
  SHOW(__wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
  SHOW(__wasi_path_filestat_set_times(3, 0, "inner/file.txt", 0, 3000000000ull, __WASI_FSTFLAGS_MTIM));
  SHOW(__wasi_path_filestat_get(3, 0, "inner/file.txt", &st));
  printf("mtim: %llu\n", (unsigned long long)st.mtim);
  SHOW(__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND));
  SHOW(__wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_SYNC));
  __wasi_fdstat_t fs;
  SHOW(__wasi_fd_fdstat_get(fd, &fs));
  printf("fdflags: %u filetype: %u\n", fs.fs_flags, fs.fs_filetype);
  SHOW(__wasi_fd_fdstat_set_rights(fd, __WASI_RIGHTS_FD_READ, 0));
  SHOW(__wasi_fd_fdstat_set_rights(fd, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0));
  SHOW(__wasi_fd_readdir(dirfd, (uint8_t *)buf, sizeof buf, 0, &used));
  printf("readdir bytes: %u\n", (unsigned)used);
  SHOW(__wasi_fd_readdir(dirfd, (uint8_t *)buf, sizeof buf, 3, &used));
  printf("readdir from cookie 3 bytes: %u\n", (unsigned)used);
  SHOW(__wasi_fd_readdir(fd, (uint8_t *)buf, sizeof buf, 0, &used));
  SHOW(__wasi_fd_renumber(fd, dirfd));
  SHOW(__wasi_fd_close(fd));
  SHOW(__wasi_fd_close(dirfd));
  SHOW(__wasi_fd_close(dirfd));
  SHOW(__wasi_path_create_directory(3, "inner"));
  SHOW(__wasi_path_remove_directory(3, "inner"));
  SHOW(__wasi_path_unlink_file(3, "inner"));
  SHOW(__wasi_path_link(3, 0, "inner/file.txt", 3, "inner/link.txt"));
  SHOW(__wasi_path_unlink_file(3, "inner/link.txt"));
  SHOW(__wasi_path_symlink("file.txt", 3, "inner/sym"));
  SHOW(__wasi_path_readlink(3, "inner/sym", (uint8_t *)buf, 4, &used));
  printf("readlink truncated: %.*s\n", (int)used, buf);
  SHOW(__wasi_path_readlink(3, "inner/file.txt", (uint8_t *)buf, sizeof buf, &used));
  SHOW(__wasi_path_unlink_file(3, "inner/sym"));
  SHOW(__wasi_path_rename(3, "inner", 3, "inner/deeper"));
  SHOW(__wasi_clock_res_get(99, &off));
  SHOW(__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &off));
  SHOW(__wasi_sched_yield());
  SHOW(raw_proc_raise(15));
  SHOW(__wasi_sock_shutdown(1, __WASI_SDFLAGS_WR));
  SHOW(__wasi_sock_shutdown(77, __WASI_SDFLAGS_WR));
  SHOW(__wasi_sock_accept(3, 0, &fd));
  __wasi_ciovec_t ci = {(const uint8_t *)"x", 1};
  SHOW(__wasi_sock_send(1, &ci, 1, 0, &used));
  __wasi_iovec_t io = {(uint8_t *)buf, 1};
  __wasi_roflags_t rof;
  SHOW(__wasi_sock_recv(0, &io, 1, 0, &used, &rof));
  fflush(stdout); // The raw write must not land inside a buffered line.
  SHOW(__wasi_fd_write(1, &ci, 1, &used));
  printf("\n");
  SHOW(__wasi_fd_write(1, (const __wasi_ciovec_t *)0x7ffffff0, 1, &used));
  SHOW(__wasi_fd_read(0, &io, 1, &used));
  printf("stdin first byte: %c\n", used ? buf[0] : '-');
  SHOW(__wasi_fd_pread(0, &io, 1, 0, &used));
  return 0;
}
