/* f64 arithmetic: C = A x B for 96x96 matrices, n times, with A and B
 * perturbed each round. Returns a checksum of C's bits. */
#include "common.h"

#define M 96
static double a[M][M], b[M][M], c[M][M];

EXPORT("run") i32 run(i32 n) {
  for (i32 i = 0; i < M; i++) {
    for (i32 j = 0; j < M; j++) {
      a[i][j] = (double)(i * M + j) / (M * M) - 0.5;
      b[i][j] = (double)((i + 3) * (j + 7) % 17) * 0.125;
    }
  }
  double total = 0;
  for (i32 r = 0; r < n; r++) {
    for (i32 i = 0; i < M; i++) {
      for (i32 j = 0; j < M; j++) {
        double s = 0;
        for (i32 k = 0; k < M; k++) s += a[i][k] * b[k][j];
        c[i][j] = s;
      }
    }
    a[r % M][(r * 5) % M] += c[(r * 3) % M][r % M] * 1e-3;
    total += c[r % M][(r * 11) % M];
  }
  u64 bits;
  __builtin_memcpy(&bits, &total, 8);
  return (i32)(bits ^ (bits >> 32));
}
