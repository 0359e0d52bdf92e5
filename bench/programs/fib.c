/* Recursive calls: fib(n) the naive way. run(n) = fib(n). */
#include "common.h"

static i32 fib(i32 n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

EXPORT("run") i32 run(i32 n) { return fib(n); }
