// clock_random: clocks, sleeping (poll_oneoff) and random bytes. Prints
// only properties (not values), so the output is the same on every host.
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

int main(void) {
  struct timespec res, a, b, wall;
  printf("clock_getres monotonic: %s\n", clock_getres(CLOCK_MONOTONIC, &res) == 0 ? "ok" : "failed");
  printf("resolution positive: %s\n", (res.tv_sec > 0 || res.tv_nsec > 0) ? "yes" : "no");
  clock_gettime(CLOCK_REALTIME, &wall);
  printf("realtime after 2020: %s\n", wall.tv_sec > 1577836800 ? "yes" : "no");
  clock_gettime(CLOCK_MONOTONIC, &a);
  struct timespec sleep = {0, 20 * 1000 * 1000};
  nanosleep(&sleep, NULL);
  clock_gettime(CLOCK_MONOTONIC, &b);
  long long elapsed = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
  printf("slept at least 20ms: %s\n", elapsed >= 20000000LL ? "yes" : "no");
  printf("time() agrees: %s\n", time(NULL) >= wall.tv_sec ? "yes" : "no");

  unsigned char r1[32], r2[32];
  printf("getentropy: %s\n", getentropy(r1, sizeof r1) == 0 ? "ok" : "failed");
  getentropy(r2, sizeof r2);
  printf("two draws differ: %s\n", memcmp(r1, r2, sizeof r1) != 0 ? "yes" : "no");
  int zeros = 0;
  for (int i = 0; i < 32; i++) zeros += r1[i] == 0;
  printf("not all zero: %s\n", zeros < 32 ? "yes" : "no");

  // poll() with only a timeout is a clock subscription.
  printf("poll timeout: %d\n", poll(NULL, 0, 5));
  return 0;
}
