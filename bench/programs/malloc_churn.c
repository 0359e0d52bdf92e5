// malloc_churn: a WASI command (wasi-libc's dlmalloc) that makes the heap,
// and so the linear memory, grow to about 64 MiB in many steps, then churns
// it. The fourth workload of bench/real_programs.ts (`deno task
// bench:programs`); built by build.sh as a command, not as a reactor.
//
// 2,000 blocks of pseudo-random sizes from 1 byte to 68 KiB (about 66 MiB in
// all) are allocated and touched (a tag byte every 256 bytes and at the
// end), then for 4 rounds every block is either freed and allocated anew,
// realloc'ed to a new size (its kept prefix checked), or checked in place.
// Prints the checksum of every byte it touched and the bytes allocated;
// exits 1 if a block lost its contents or an allocation failed.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define BLOCKS 2000
#define MAX_SIZE (68u * 1024u)
#define STRIDE 256u
#define ROUNDS 4

static uint32_t rng_state = 0x2545f491u;

static uint32_t next_random(void) { // xorshift32
  uint32_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return rng_state = x;
}

static unsigned char *blocks[BLOCKS];
static uint32_t sizes[BLOCKS];
static unsigned char tags[BLOCKS];
static uint32_t checksum = 2166136261u; // FNV-1a over every byte written or checked
static uint64_t allocated = 0;
static int failures = 0;

static void mix(uint32_t v) {
  for (int k = 0; k < 4; k++) {
    checksum ^= (v >> (8 * k)) & 0xff;
    checksum *= 16777619u;
  }
}

static unsigned char byte_at(int i, uint32_t offset) {
  return (unsigned char)(tags[i] + (offset / STRIDE) * 7u);
}

/** Writes the tag pattern into block i from byte `from` on. */
static void touch(int i, uint32_t from) {
  unsigned char *p = blocks[i];
  uint32_t size = sizes[i];
  for (uint32_t o = (from + STRIDE - 1) / STRIDE * STRIDE; o < size; o += STRIDE) {
    p[o] = byte_at(i, o);
  }
  p[size - 1] = tags[i];
  mix(size);
}

/** Checks the pattern of block i below `limit` (its last byte excluded). */
static void check(int i, uint32_t limit) {
  unsigned char *p = blocks[i];
  for (uint32_t o = 0; o < limit && o < sizes[i] - 1; o += STRIDE) {
    if (p[o] != byte_at(i, o)) {
      if (failures++ < 5) printf("block %d: byte %u is %u, expected %u\n", i, o, p[o], byte_at(i, o));
      return;
    }
    mix(p[o]);
  }
}

static uint32_t random_size(void) { return 1 + next_random() % MAX_SIZE; }

static int fresh(int i) {
  sizes[i] = random_size();
  tags[i] = (unsigned char)next_random();
  blocks[i] = malloc(sizes[i]);
  if (blocks[i] == NULL) {
    printf("malloc(%u) failed\n", sizes[i]);
    return 0;
  }
  allocated += sizes[i];
  touch(i, 0);
  return 1;
}

int main(void) {
  for (int i = 0; i < BLOCKS; i++) {
    if (!fresh(i)) return 1;
  }
  uint64_t first = allocated;
  for (int round = 0; round < ROUNDS; round++) {
    for (int i = 0; i < BLOCKS; i++) {
      switch (next_random() % 3) {
      case 0: // free, and allocate anew
        check(i, sizes[i]);
        free(blocks[i]);
        if (!fresh(i)) return 1;
        break;
      case 1: { // realloc: the common prefix must survive
        uint32_t old = sizes[i];
        uint32_t size = random_size();
        unsigned char *p = realloc(blocks[i], size);
        if (p == NULL) {
          printf("realloc(%u) failed\n", size);
          return 1;
        }
        blocks[i] = p;
        sizes[i] = size;
        check(i, old < size ? old - 1 : size);
        if (size > old) allocated += size - old;
        touch(i, old < size ? old - 1 : size);
        break;
      }
      default:
        check(i, sizes[i]);
      }
    }
  }
  for (int i = 0; i < BLOCKS; i++) {
    check(i, sizes[i]);
    free(blocks[i]);
  }
  printf("malloc_churn: %d blocks, %llu bytes at first, %llu allocated in all, checksum %08x\n",
         BLOCKS, (unsigned long long)first, (unsigned long long)allocated, checksum);
  return failures == 0 ? 0 : 1;
}
