/* Strings: generate mixed-script text (ASCII, 2-, 3- and 4-byte UTF-8) from
 * an LCG, encode it to UTF-8, then validate and decode it back, count UTF-16
 * units, upper-case the ASCII letters of a copy and count the occurrences of
 * a short needle with a naive search. n rounds. Returns a checksum, or -1 if
 * the round trip fails. */
#include "common.h"

#define CHARS 8192
static u32 cps[CHARS];
static u8 text[CHARS * 4];
static u8 copy[CHARS * 4];
static u32 decoded[CHARS];

static u32 pick(u32 *seed) {
  *seed = *seed * 1664525u + 1013904223u;
  u32 r = *seed >> 8;
  switch (r & 7) {
    case 0: return 0x3b1 + (r >> 3) % 25;      /* Greek */
    case 1: return 0x4e00 + (r >> 3) % 2000;   /* CJK */
    case 2: return 0x1f600 + (r >> 3) % 64;    /* emoji */
    case 3: return ' ';
    default: return 'a' + (r >> 3) % 26;
  }
}

static i32 encode(const u32 *in, i32 n, u8 *out) {
  i32 o = 0;
  for (i32 i = 0; i < n; i++) {
    u32 c = in[i];
    if (c < 0x80) {
      out[o++] = (u8)c;
    } else if (c < 0x800) {
      out[o++] = (u8)(0xc0 | (c >> 6));
      out[o++] = (u8)(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
      out[o++] = (u8)(0xe0 | (c >> 12));
      out[o++] = (u8)(0x80 | ((c >> 6) & 0x3f));
      out[o++] = (u8)(0x80 | (c & 0x3f));
    } else {
      out[o++] = (u8)(0xf0 | (c >> 18));
      out[o++] = (u8)(0x80 | ((c >> 12) & 0x3f));
      out[o++] = (u8)(0x80 | ((c >> 6) & 0x3f));
      out[o++] = (u8)(0x80 | (c & 0x3f));
    }
  }
  return o;
}

/* Returns the number of code points, or -1 on malformed input. */
static i32 decode(const u8 *in, i32 len, u32 *out) {
  i32 i = 0, n = 0;
  while (i < len) {
    u32 b = in[i];
    u32 c;
    i32 extra;
    if (b < 0x80) { c = b; extra = 0; }
    else if ((b & 0xe0) == 0xc0) { c = b & 0x1f; extra = 1; }
    else if ((b & 0xf0) == 0xe0) { c = b & 0x0f; extra = 2; }
    else if ((b & 0xf8) == 0xf0) { c = b & 0x07; extra = 3; }
    else return -1;
    if (i + extra >= len + (extra == 0)) return -1;
    for (i32 k = 1; k <= extra; k++) {
      u32 cb = in[i + k];
      if ((cb & 0xc0) != 0x80) return -1;
      c = (c << 6) | (cb & 0x3f);
    }
    out[n++] = c;
    i += extra + 1;
  }
  return n;
}

static i32 count(const u8 *hay, i32 len, const u8 *needle, i32 nlen) {
  i32 found = 0;
  for (i32 i = 0; i + nlen <= len; i++) {
    i32 k = 0;
    while (k < nlen && hay[i + k] == needle[k]) k++;
    if (k == nlen) found++;
  }
  return found;
}

EXPORT("run") i32 run(i32 n) {
  u32 seed = 2024, sum = 0;
  static const u8 needle[] = {'E', ' ', 0xce}; /* "E " then a Greek lead byte */
  for (i32 r = 0; r < n; r++) {
    for (i32 i = 0; i < CHARS; i++) cps[i] = pick(&seed);
    i32 len = encode(cps, CHARS, text);
    i32 m = decode(text, len, decoded);
    if (m != CHARS) return -1;
    u32 units = 0, h = 2166136261u;
    for (i32 i = 0; i < m; i++) {
      if (decoded[i] != cps[i]) return -1;
      units += decoded[i] >= 0x10000 ? 2 : 1;
      h = (h ^ decoded[i]) * 16777619u;
    }
    for (i32 i = 0; i < len; i++) {
      u8 c = text[i];
      copy[i] = (c >= 'a' && c <= 'z') ? (u8)(c - 32) : c;
    }
    i32 hits = count(copy, len, needle, 3);
    sum = sum * 31 + (u32)len + units + h + (u32)hits * 7;
  }
  return (i32)sum;
}
