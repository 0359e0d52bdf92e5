/* Byte loads/stores and branches: the sieve of Eratosthenes over 1 MiB of
 * flags, n times. Returns the sum of the prime counts and of a few flags. */
#include "common.h"

#define N (1 << 20)
static u8 flags[N];

EXPORT("run") i32 run(i32 n) {
  u32 sum = 0;
  for (i32 r = 0; r < n; r++) {
    for (i32 i = 0; i < N; i++) flags[i] = 1;
    flags[0] = flags[1] = 0;
    for (i32 i = 2; i * i < N; i++) {
      if (flags[i]) {
        for (i32 j = i * i; j < N; j += i) flags[j] = 0;
      }
    }
    i32 count = 0;
    for (i32 i = 0; i < N; i++) count += flags[i];
    sum = sum * 31 + (u32)count + flags[(r * 7919) & (N - 1)];
  }
  return (i32)sum;
}
