/* SIMD (built with -msimd128, written with wasm_simd128.h): per round, an
 * f32 dot product of two 4096-element vectors, a 3x3 box blur of a 128x128
 * 8-bit image in 16- and 32-bit lanes, a saturating blend of the blur back
 * into the image and an integer checksum with pairwise adds, dot_i16x8 and
 * bitmask. Returns a checksum of everything. */
#include "common.h"
#include <wasm_simd128.h>

#define W 128
#define H 128
#define N 4096
static u8 img[H][W], blurred[H][W];
static float xs[N], ys[N];

static u32 state = 12345;
static u32 next(void) {
  state = state * 1664525u + 1013904223u;
  return state;
}

static float dot(void) {
  v128_t acc0 = wasm_f32x4_splat(0.0f), acc1 = acc0;
  for (i32 i = 0; i < N; i += 8) {
    acc0 = wasm_f32x4_add(acc0, wasm_f32x4_mul(wasm_v128_load(&xs[i]), wasm_v128_load(&ys[i])));
    acc1 = wasm_f32x4_add(acc1,
                          wasm_f32x4_mul(wasm_v128_load(&xs[i + 4]), wasm_v128_load(&ys[i + 4])));
  }
  v128_t acc = wasm_f32x4_add(acc0, acc1);
  acc = wasm_f32x4_add(acc, wasm_i32x4_shuffle(acc, acc, 2, 3, 0, 1));
  acc = wasm_f32x4_add(acc, wasm_i32x4_shuffle(acc, acc, 1, 0, 3, 2));
  return wasm_f32x4_extract_lane(acc, 0);
}

/* The mean of each interior pixel's 3x3 neighbourhood, 8 pixels at a time:
 * sums in u16 lanes, then x/9 as (x * 7282) >> 16 in u32 lanes. */
static void blur(void) {
  const v128_t ninth = wasm_i16x8_splat(7282);
  for (i32 y = 1; y < H - 1; y++) {
    for (i32 x = 1; x + 8 < W; x += 8) {
      v128_t s = wasm_i16x8_splat(0);
      for (i32 dy = -1; dy <= 1; dy++) {
        const u8 *row = &img[y + dy][x];
        s = wasm_i16x8_add(s, wasm_u16x8_load8x8(row - 1));
        s = wasm_i16x8_add(s, wasm_u16x8_load8x8(row));
        s = wasm_i16x8_add(s, wasm_u16x8_load8x8(row + 1));
      }
      v128_t lo = wasm_u32x4_shr(wasm_u32x4_extmul_low_u16x8(s, ninth), 16);
      v128_t hi = wasm_u32x4_shr(wasm_u32x4_extmul_high_u16x8(s, ninth), 16);
      v128_t q = wasm_u16x8_narrow_i32x4(lo, hi);
      wasm_v128_store64_lane(&blurred[y][x], wasm_u8x16_narrow_i16x8(q, q), 0);
    }
  }
}

/* img = avgr(img, blurred) + a little noise (saturating); returns a checksum. */
static u32 blend(u32 noise) {
  v128_t sum = wasm_i32x4_splat(0);
  u32 bits = 0;
  const v128_t add = wasm_i8x16_splat((char)(noise & 7));
  const v128_t weights = wasm_i16x8_make(1, 2, 3, 4, 5, 6, 7, 8);
  for (i32 i = 0; i < H * W; i += 16) {
    u8 *p = &img[0][0] + i;
    v128_t a = wasm_v128_load(p);
    v128_t b = wasm_v128_load(&blurred[0][0] + i);
    v128_t c = wasm_u8x16_add_sat(wasm_u8x16_avgr(a, b), add);
    wasm_v128_store(p, c);
    v128_t wide = wasm_u16x8_extadd_pairwise_u8x16(c);
    sum = wasm_i32x4_add(sum, wasm_i32x4_dot_i16x8(wide, weights));
    bits += wasm_i8x16_bitmask(wasm_u8x16_gt(c, wasm_u8x16_splat(128)));
  }
  return (u32)wasm_i32x4_extract_lane(sum, 0) ^ (u32)wasm_i32x4_extract_lane(sum, 1) * 3u ^
         (u32)wasm_i32x4_extract_lane(sum, 2) * 5u ^ (u32)wasm_i32x4_extract_lane(sum, 3) * 7u ^
         bits;
}

EXPORT("run") i32 run(i32 n) {
  state = 12345;
  for (i32 i = 0; i < N; i++) {
    xs[i] = (float)(i32)(next() >> 20) / 1024.0f - 2.0f;
    ys[i] = (float)(i32)(next() >> 20) / 2048.0f - 1.0f;
  }
  for (i32 y = 0; y < H; y++) {
    for (i32 x = 0; x < W; x++) img[y][x] = blurred[y][x] = (u8)(next() >> 24);
  }
  u32 check = 0;
  for (i32 r = 0; r < n; r++) {
    float d = dot();
    u32 dbits;
    __builtin_memcpy(&dbits, &d, 4);
    xs[(r * 7) % N] += 0.25f;
    blur();
    check = (check * 31u) ^ dbits ^ blend(next());
  }
  return (i32)check;
}
