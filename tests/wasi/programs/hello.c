// hello: args, environment and exit code. Prints its arguments and the
// environment, then exits with the code given by EXIT_CODE (default 0).
#include <stdio.h>
#include <stdlib.h>

extern char **environ;

int main(int argc, char **argv) {
  printf("hello from wasm\n");
  printf("argc=%d\n", argc);
  for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
  for (char **e = environ; *e; e++) printf("env %s\n", *e);
  fprintf(stderr, "this goes to stderr\n");
  const char *code = getenv("EXIT_CODE");
  return code ? atoi(code) : 0;
}
