/* i64 arithmetic: a multiply/rotate/xor-shift mixing hash (in the style of
 * xxHash/wyhash) over a 64 KiB buffer, n times, with unsigned compares.
 * Returns the folded 64-bit digest. */
#include "common.h"

#define WORDS (64 * 1024 / 8)
static u64 buf[WORDS];

static inline u64 rotl(u64 x, int r) { return (x << r) | (x >> (64 - r)); }

static u64 mix(u64 h, u64 v) {
  h ^= v * 0x9E3779B97F4A7C15ull;
  h = rotl(h, 31) * 0xC2B2AE3D27D4EB4Full;
  h ^= h >> 29;
  return h;
}

EXPORT("run") i32 run(i32 n) {
  u64 s = 0x243F6A8885A308D3ull;
  for (i32 i = 0; i < WORDS; i++) {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    buf[i] = s;
  }
  u64 h = 0x84222325CBF29CE4ull;
  for (i32 r = 0; r < n; r++) {
    u64 acc = h + (u64)r;
    for (i32 i = 0; i < WORDS; i++) {
      u64 v = buf[i];
      acc = mix(acc, v);
      if (acc < v) acc += 0x165667B19E3779F9ull; /* unsigned compare */
    }
    h ^= acc + (h >> 17);
    buf[r & (WORDS - 1)] ^= h;
  }
  return (i32)(h ^ (h >> 32));
}
