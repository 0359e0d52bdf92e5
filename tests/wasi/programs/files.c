// files: file and directory operations through wasi-libc. Every step
// prints one line, so a test can compare the whole transcript. Works in
// the current directory (the first pre-open, mounted at "/").
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void check(const char *what, int ok) {
  printf("%s: %s\n", what, ok ? "ok" : strerror(errno));
}

static void expect_errno(const char *what, int result, int expected) {
  if (result == -1 && errno == expected) printf("%s: fails as expected (%s)\n", what, strerror(errno));
  else printf("%s: UNEXPECTED result %d errno %s\n", what, result, strerror(errno));
}

static void list(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) { printf("opendir %s: %s\n", dir, strerror(errno)); return; }
  char names[64][64]; int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < 64) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    snprintf(names[n++], 64, "%s%s", e->d_name, e->d_type == DT_DIR ? "/" : e->d_type == DT_LNK ? "@" : "");
  }
  closedir(d);
  // Sort so the listing does not depend on the host's directory order.
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++)
      if (strcmp(names[i], names[j]) > 0) { char t[64]; strcpy(t, names[i]); strcpy(names[i], names[j]); strcpy(names[j], t); }
  printf("ls %s:", dir);
  for (int i = 0; i < n; i++) printf(" %s", names[i]);
  printf("\n");
}

int main(void) {
  // Create, write, read back.
  FILE *f = fopen("work/notes.txt", "w");
  if (!f) { check("mkdir work first", mkdir("work", 0755) == 0); f = fopen("work/notes.txt", "w"); }
  check("fopen for write", f != NULL);
  fprintf(f, "line one\nline two\n");
  check("fclose", fclose(f) == 0);

  char buf[128] = {0};
  int fd = open("work/notes.txt", O_RDWR);
  check("open O_RDWR", fd >= 0);
  ssize_t n = read(fd, buf, sizeof buf - 1);
  printf("read %zd bytes: %s", n, buf);

  // Seek and overwrite in place.
  off_t pos = lseek(fd, 5, SEEK_SET);
  printf("lseek SET 5 -> %lld\n", (long long)pos);
  write(fd, "ONE", 3);
  printf("lseek CUR 0 -> %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  printf("lseek END 0 -> %lld\n", (long long)lseek(fd, 0, SEEK_END));
  memset(buf, 0, sizeof buf);
  n = pread(fd, buf, 8, 0);
  printf("pread 8 at 0: %zd '%s'\n", n, buf);
  n = pwrite(fd, "TWO", 3, 14);
  printf("pwrite 3 at 14: %zd\n", n);

  struct stat st;
  check("fstat", fstat(fd, &st) == 0);
  printf("size=%lld regular=%d\n", (long long)st.st_size, S_ISREG(st.st_mode));
  check("ftruncate 8", ftruncate(fd, 8) == 0);
  fstat(fd, &st);
  printf("size after truncate=%lld\n", (long long)st.st_size);
  close(fd);

  // Append mode.
  fd = open("work/notes.txt", O_WRONLY | O_APPEND);
  write(fd, "+tail\n", 6);
  close(fd);
  f = fopen("work/notes.txt", "r");
  memset(buf, 0, sizeof buf);
  fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  printf("contents: %s", buf);

  // Directories, rename, unlink, links.
  check("mkdir work/sub", mkdir("work/sub", 0755) == 0);
  expect_errno("mkdir work/sub again", mkdir("work/sub", 0755), EEXIST);
  check("rename notes.txt -> sub/moved.txt", rename("work/notes.txt", "work/sub/moved.txt") == 0);
  expect_errno("stat old name", stat("work/notes.txt", &st), ENOENT);
  check("stat new name", stat("work/sub/moved.txt", &st) == 0);
  check("symlink", symlink("sub/moved.txt", "work/link") == 0);
  char target[64] = {0};
  ssize_t tl = readlink("work/link", target, sizeof target - 1);
  printf("readlink: %zd '%s'\n", tl, target);
  check("stat through symlink", stat("work/link", &st) == 0 && S_ISREG(st.st_mode));
  check("lstat symlink", lstat("work/link", &st) == 0 && S_ISLNK(st.st_mode));
  check("hard link", link("work/sub/moved.txt", "work/hard.txt") == 0);
  stat("work/hard.txt", &st);
  printf("nlink=%lld\n", (long long)st.st_nlink);
  list("work");
  list("work/sub");
  expect_errno("rmdir non-empty", rmdir("work/sub"), ENOTEMPTY);
  expect_errno("unlink a directory", unlink("work/sub"), EISDIR);
  expect_errno("rmdir a file", rmdir("work/hard.txt"), ENOTDIR);
  expect_errno("open missing", open("work/missing.txt", O_RDONLY), ENOENT);
  expect_errno("open O_EXCL existing", open("work/hard.txt", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
  expect_errno("open file as directory", open("work/hard.txt/x", O_RDONLY), ENOTDIR);
  expect_errno("open dir for writing", open("work/sub", O_WRONLY), EISDIR);
  check("unlink symlink", unlink("work/link") == 0);
  check("unlink hard link", unlink("work/hard.txt") == 0);
  check("unlink moved", unlink("work/sub/moved.txt") == 0);
  check("rmdir sub", rmdir("work/sub") == 0);
  list("work");
  check("rmdir work", rmdir("work") == 0);
  return 0;
}
