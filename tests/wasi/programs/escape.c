// escape: tries to leave the sandbox in every way we know. Each attempt
// must fail; the program prints "blocked" or "ESCAPED" per attempt and
// exits with the number of escapes. The pre-open is mounted at "/sandbox".
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

static int escapes = 0;

static void attempt(const char *what, int result) {
  if (result >= 0) { printf("%s: ESCAPED\n", what); escapes++; }
  else printf("%s: blocked\n", what);
}

static int raw_open(const char *path) {
  __wasi_fd_t fd;
  // fd 3 is the pre-open: bypass wasi-libc's own path handling.
  __wasi_errno_t e = __wasi_path_open(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd);
  if (e != 0) { errno = e; return -1; }
  return fd;
}

int main(void) {
  struct stat st;
  attempt("open ../secret.txt", open("/sandbox/../secret.txt", O_RDONLY));
  attempt("raw ../secret.txt", raw_open("../secret.txt"));
  attempt("raw a/../../secret.txt", raw_open("inner/../../secret.txt"));
  attempt("raw absolute /secret.txt", raw_open("/secret.txt"));
  attempt("open outside any pre-open", open("/secret.txt", O_RDONLY));
  symlink("../secret.txt", "/sandbox/up");
  attempt("follow symlink to ..", open("/sandbox/up", O_RDONLY));
  symlink("/secret.txt", "/sandbox/abs");
  attempt("follow absolute symlink", raw_open("abs"));
  symlink("inner/../..", "/sandbox/sneaky");
  attempt("symlink dir then ..", raw_open("sneaky/secret.txt"));
  attempt("stat ../", stat("/sandbox/..//secret.txt", &st));
  attempt("mkdir ../x", mkdir("/sandbox/../x", 0755));
  attempt("rename out", rename("/sandbox/inner/file.txt", "/sandbox/../stolen.txt"));
  attempt("raw rename out", __wasi_path_rename(3, "inner/file.txt", 3, "../stolen.txt") == 0 ? 0 : (errno = ENOTCAPABLE, -1));
  symlink("loop2", "/sandbox/loop1");
  symlink("loop1", "/sandbox/loop2");
  attempt("symlink loop", raw_open("loop1"));
  // Staying inside through ".." is fine.
  int ok = raw_open("inner/../inner/file.txt");
  printf("inner/../inner/file.txt inside: %s\n", ok >= 0 ? "opened" : strerror(errno));
  printf("escapes: %d\n", escapes);
  return escapes;
}
