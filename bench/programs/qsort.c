/* Recursion plus i32 loads/stores: fill 100k ints with an LCG, quicksort
 * them (median-of-three, insertion sort for short ranges), verify the order.
 * n rounds. Returns a checksum of sampled elements, or -1 if unsorted. */
#include "common.h"

#define N 100000
static i32 v[N];

static void insertion(i32 *p, i32 lo, i32 hi) {
  for (i32 i = lo + 1; i <= hi; i++) {
    i32 x = p[i], j = i - 1;
    while (j >= lo && p[j] > x) {
      p[j + 1] = p[j];
      j--;
    }
    p[j + 1] = x;
  }
}

static void swap(i32 *p, i32 i, i32 j) {
  i32 t = p[i];
  p[i] = p[j];
  p[j] = t;
}

static void quicksort(i32 *p, i32 lo, i32 hi) {
  while (hi - lo > 16) {
    i32 mid = lo + ((hi - lo) >> 1);
    if (p[mid] < p[lo]) swap(p, mid, lo);
    if (p[hi] < p[lo]) swap(p, hi, lo);
    if (p[hi] < p[mid]) swap(p, hi, mid);
    i32 pivot = p[mid], i = lo, j = hi;
    while (i <= j) {
      while (p[i] < pivot) i++;
      while (p[j] > pivot) j--;
      if (i <= j) swap(p, i++, j--);
    }
    /* recurse into the smaller half, loop on the larger */
    if (j - lo < hi - i) {
      quicksort(p, lo, j);
      lo = i;
    } else {
      quicksort(p, i, hi);
      hi = j;
    }
  }
  insertion(p, lo, hi);
}

EXPORT("run") i32 run(i32 n) {
  u32 seed = 12345, sum = 0;
  for (i32 r = 0; r < n; r++) {
    for (i32 i = 0; i < N; i++) {
      seed = seed * 1103515245u + 12345u;
      v[i] = (i32)(seed >> 1) % 1000000 - 500000;
    }
    quicksort(v, 0, N - 1);
    for (i32 i = 1; i < N; i++) {
      if (v[i - 1] > v[i]) return -1;
    }
    sum = sum * 31 + (u32)v[0] + (u32)v[N / 2] + (u32)v[N - 1] + (u32)v[(r * 7919) % N];
  }
  return (i32)sum;
}
