// wc: a small text tool. Reads stdin, counts lines, words and bytes, prints
// the five most frequent words, then round-trips the text through a
// run-length + LZ77-style compressor via a file and checks it survives.
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXW 4096
static char *words[MAXW];
static int counts[MAXW];
static int nwords = 0;

static void count_word(const char *w) {
  for (int i = 0; i < nwords; i++) if (strcmp(words[i], w) == 0) { counts[i]++; return; }
  if (nwords < MAXW) { words[nwords] = strdup(w); counts[nwords++] = 1; }
}

// Compressed format: literal byte b (b != 0xff) or 0xff, dist(2), len(1).
static size_t compress(const unsigned char *in, size_t n, unsigned char *out) {
  size_t o = 0;
  for (size_t i = 0; i < n;) {
    size_t best = 0, dist = 0;
    size_t start = i > 65535 ? i - 65535 : 0;
    for (size_t j = start; j < i; j++) {
      size_t l = 0;
      while (l < 255 && i + l < n && in[j + l] == in[i + l]) l++;
      if (l > best) { best = l; dist = i - j; }
    }
    if (best >= 4) {
      out[o++] = 0xff; out[o++] = dist >> 8; out[o++] = dist & 0xff; out[o++] = best; i += best;
    } else if (in[i] == 0xff) {
      out[o++] = 0xff; out[o++] = 0; out[o++] = 0; out[o++] = 0; i++;
    } else out[o++] = in[i++];
  }
  return o;
}

static size_t decompress(const unsigned char *in, size_t n, unsigned char *out) {
  size_t o = 0;
  for (size_t i = 0; i < n;) {
    if (in[i] != 0xff) { out[o++] = in[i++]; continue; }
    size_t dist = (in[i + 1] << 8) | in[i + 2], len = in[i + 3];
    i += 4;
    if (dist == 0) { out[o++] = 0xff; continue; }
    for (size_t k = 0; k < len; k++, o++) out[o] = out[o - dist];
  }
  return o;
}

int main(void) {
  size_t cap = 1 << 16, n = 0;
  unsigned char *text = malloc(cap);
  size_t got;
  while ((got = fread(text + n, 1, cap - n, stdin)) > 0) {
    n += got;
    if (n == cap) text = realloc(text, cap *= 2);
  }
  long lines = 0, wordc = 0;
  char w[256]; int wl = 0;
  for (size_t i = 0; i <= n; i++) {
    int c = i < n ? text[i] : ' ';
    if (c == '\n') lines++;
    if (isalnum(c)) { if (wl < 255) w[wl++] = tolower(c); }
    else if (wl > 0) { w[wl] = 0; count_word(w); wordc++; wl = 0; }
  }
  printf("%ld %ld %zu\n", lines, wordc, n);
  for (int k = 0; k < 5 && k < nwords; k++) {
    int best = k;
    for (int i = k + 1; i < nwords; i++)
      if (counts[i] > counts[best] || (counts[i] == counts[best] && strcmp(words[i], words[best]) < 0)) best = i;
    char *tw = words[k]; words[k] = words[best]; words[best] = tw;
    int tc = counts[k]; counts[k] = counts[best]; counts[best] = tc;
    printf("%s %d\n", words[k], counts[k]);
  }

  unsigned char *packed = malloc(n * 4 + 16);
  size_t pn = compress(text, n, packed);
  FILE *f = fopen("packed.bin", "wb");
  if (!f) { perror("packed.bin"); return 1; }
  fwrite(packed, 1, pn, f);
  fclose(f);
  f = fopen("packed.bin", "rb");
  unsigned char *back = malloc(pn + 1);
  size_t bn = fread(back, 1, pn + 1, f);
  fclose(f);
  unsigned char *plain = malloc(n + 1);
  size_t un = decompress(back, bn, plain);
  printf("compressed %zu -> %zu, round trip %s\n", n, pn, un == n && memcmp(plain, text, n) == 0 ? "ok" : "BROKEN");
  remove("packed.bin");
  return 0;
}
