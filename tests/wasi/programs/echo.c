// A TCP echo server on the listener the host pre-opened at fd 3 (--listen,
// WasiConfig.listeners): serves argv[1] connections (default 1) one after the
// other, echoing each until the client shuts down its side. The listener is
// non-blocking (fcntl O_NONBLOCK): accept with nobody waiting is EAGAIN, and
// poll() waits for the next client. Connections are blocking (recv waits).
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1;
  int lfd = 3;
  if (fcntl(lfd, F_SETFL, fcntl(lfd, F_GETFL) | O_NONBLOCK) != 0) {
    perror("fcntl");
    return 1;
  }
  int early = accept(lfd, NULL, NULL);
  printf("accept with nobody waiting: %s\n", early < 0 && errno == EAGAIN ? "EAGAIN" : "?");
  fflush(stdout);
  for (int i = 0; i < n; i++) {
    struct pollfd p = {lfd, POLLIN, 0};
    int ready = poll(&p, 1, 10000);
    if (ready != 1) {
      fprintf(stderr, "poll: %d\n", ready);
      return 1;
    }
    int conn = accept(lfd, NULL, NULL);
    if (conn < 0) {
      perror("accept");
      return 1;
    }
    char buf[256];
    ssize_t got;
    size_t total = 0;
    while ((got = recv(conn, buf, sizeof buf, 0)) > 0) {
      for (ssize_t off = 0; off < got;) {
        ssize_t sent = send(conn, buf + off, got - off, 0);
        if (sent < 0) {
          perror("send");
          return 1;
        }
        off += sent;
      }
      total += got;
    }
    if (got < 0) {
      perror("recv");
      return 1;
    }
    shutdown(conn, SHUT_WR);
    close(conn);
    printf("connection %d: echoed %zu bytes\n", i + 1, total);
    fflush(stdout);
  }
  return 0;
}
