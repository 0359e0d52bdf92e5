// Append mode switched on an open file with fcntl (wasi-libc: fd_fdstat_set_flags):
// writes after F_SETFL O_APPEND go to the end whatever the offset, and go back
// to the offset once it is cleared. Prints the file's contents after each step.
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void show(const char *step, int fd) {
  char buf[64];
  ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
  buf[n < 0 ? 0 : n] = 0;
  printf("%s: %s\n", step, buf);
}

int main(void) {
  int fd = open("append.txt", O_CREAT | O_TRUNC | O_RDWR, 0644);
  if (fd < 0) { perror("open"); return 1; }
  write(fd, "0123456789", 10);
  if (fcntl(fd, F_SETFL, O_APPEND) != 0) { perror("fcntl"); return 1; }
  printf("append flag: %d\n", (fcntl(fd, F_GETFL) & O_APPEND) != 0);
  lseek(fd, 2, SEEK_SET);
  write(fd, "ab", 2);
  show("after O_APPEND", fd);
  if (fcntl(fd, F_SETFL, 0) != 0) { perror("fcntl"); return 1; }
  printf("append flag: %d\n", (fcntl(fd, F_GETFL) & O_APPEND) != 0);
  lseek(fd, 0, SEEK_SET);
  write(fd, "XY", 2);
  show("after clearing", fd);
  close(fd);
  // Created, truncated and appending in one open (Deno used to refuse it: EIO).
  fd = open("append.txt", O_CREAT | O_TRUNC | O_WRONLY | O_APPEND, 0644);
  if (fd < 0) { perror("open append"); return 1; }
  write(fd, "new", 3);
  lseek(fd, 0, SEEK_SET);
  write(fd, "+", 1);
  close(fd);
  fd = open("append.txt", O_RDONLY);
  show("reopened with O_TRUNC|O_APPEND", fd);
  close(fd);
  return 0;
}
