// coremark_like: a WASI command with CoreMark's mix of work, written for this
// project (not CoreMark's code, and not comparable with CoreMark scores): per
// iteration it runs the three kinds of kernels CoreMark times, each feeding
// a CRC-16 of its results into the next,
// - a linked list of 400 nodes: finds, a reversal, a merge sort by value and
//   one back by index (pointer chasing, unpredictable branches);
// - 24x24 matrices of i16: multiply into i32, add and multiply by constants,
//   extract bit fields, sum (integer arithmetic, memory in strides);
// - a state machine scanning 640 bytes of numbers, hex, floats and junk
//   (switch dispatch on every byte).
// The fifth workload of bench/real_programs.ts (`deno task bench:programs`).
// Prints the iterations and the final CRC; exits 1 if the lists lost a node.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define ITERATIONS 10000
#define LIST_NODES 400
#define MATRIX_N 24
#define STATE_BYTES 640

static uint16_t crc16_byte(uint8_t data, uint16_t crc) {
  for (int i = 0; i < 8; i++) {
    uint16_t mix = (uint16_t)((data ^ crc) & 1);
    crc >>= 1;
    data >>= 1;
    if (mix) crc ^= 0xa001;
  }
  return crc;
}

static uint16_t crc16(uint32_t value, uint16_t crc) {
  for (int k = 0; k < 4; k++) crc = crc16_byte((uint8_t)(value >> (8 * k)), crc);
  return crc;
}

// ---- linked list --------------------------------------------------------

typedef struct Node {
  struct Node *next;
  int16_t value;
  int16_t index;
} Node;

static Node nodes[LIST_NODES];

static Node *list_build(uint16_t seed) {
  Node *head = NULL;
  for (int i = LIST_NODES - 1; i >= 0; i--) {
    nodes[i].index = (int16_t)i;
    nodes[i].value = (int16_t)(((i * 7919) ^ seed) & 0x3fff);
    nodes[i].next = head;
    head = &nodes[i];
  }
  return head;
}

static Node *list_find(Node *list, int16_t value) {
  while (list != NULL && list->value != value) list = list->next;
  return list;
}

static Node *list_reverse(Node *list) {
  Node *done = NULL;
  while (list != NULL) {
    Node *next = list->next;
    list->next = done;
    done = list;
    list = next;
  }
  return done;
}

/** Merge sort (bottom-up, as CoreMark's list benchmark does); by value or by index. */
static Node *list_sort(Node *list, int by_index) {
  for (int width = 1;; width *= 2) {
    Node *p = list, *tail = NULL;
    list = NULL;
    int merges = 0;
    while (p != NULL) {
      merges++;
      Node *q = p;
      int psize = 0;
      for (int i = 0; i < width && q != NULL; i++, psize++) q = q->next;
      int qsize = width;
      while (psize > 0 || (qsize > 0 && q != NULL)) {
        Node *e;
        if (psize == 0) {
          e = q, q = q->next, qsize--;
        } else if (qsize == 0 || q == NULL) {
          e = p, p = p->next, psize--;
        } else if ((by_index ? p->index - q->index : p->value - q->value) <= 0) {
          e = p, p = p->next, psize--;
        } else {
          e = q, q = q->next, qsize--;
        }
        if (tail != NULL) tail->next = e;
        else list = e;
        tail = e;
      }
      p = q;
    }
    tail->next = NULL;
    if (merges <= 1) return list;
  }
}

static uint16_t list_work(uint16_t crc, int *lost) {
  Node *list = list_build(crc);
  int found = 0;
  for (int i = 0; i < 24; i++) {
    Node *n = list_find(list, (int16_t)(((i * 311) ^ crc) & 0x3fff));
    found += n != NULL ? n->index : -1;
  }
  list = list_reverse(list);
  list = list_sort(list, 0);
  int count = 0;
  for (Node *n = list; n != NULL; n = n->next, count++) {
    if (count < 16) crc = crc16((uint32_t)n->value, crc);
  }
  list = list_sort(list, 1);
  if (count != LIST_NODES || list->index != 0) *lost = 1;
  return crc16((uint32_t)found, crc);
}

// ---- matrices -------------------------------------------------------------

static int16_t ma[MATRIX_N][MATRIX_N], mb[MATRIX_N][MATRIX_N];
static int32_t mc[MATRIX_N][MATRIX_N];

static uint16_t matrix_work(uint16_t crc) {
  int16_t seed = (int16_t)(crc | 1);
  for (int i = 0; i < MATRIX_N; i++) {
    for (int j = 0; j < MATRIX_N; j++) {
      seed = (int16_t)(seed * 75 + 74);
      ma[i][j] = (int16_t)(seed & 0x0fff);
      mb[i][j] = (int16_t)((seed >> 4) & 0x0fff) - 0x400;
    }
  }
  int32_t sum = 0;
  for (int i = 0; i < MATRIX_N; i++) {
    for (int j = 0; j < MATRIX_N; j++) ma[i][j] = (int16_t)(ma[i][j] + 3);
  }
  for (int i = 0; i < MATRIX_N; i++) {
    for (int j = 0; j < MATRIX_N; j++) {
      int32_t acc = 0;
      for (int k = 0; k < MATRIX_N; k++) acc += (int32_t)ma[i][k] * mb[k][j];
      mc[i][j] = acc;
    }
  }
  for (int i = 0; i < MATRIX_N; i++) {
    for (int j = 0; j < MATRIX_N; j++) {
      int32_t bits = (mc[i][j] >> 2) & 0x0f;
      sum += bits > 7 ? bits * 3 : mc[i][j] & 0xff;
      mc[i][j] *= 5;
    }
  }
  return crc16((uint32_t)sum, crc16((uint32_t)mc[3][5], crc));
}

// ---- state machine -------------------------------------------------------

enum State { START, INT, FLOAT, EXPONENT, SCIENTIFIC, HEX, INVALID, STATES };

static uint8_t text[STATE_BYTES];

static void state_text(uint16_t seed) {
  static const char *pieces[] = {"5012", "1234", "-874", "+122", "35.54400", ".1234500", "-110.700",
                                 "+0.64400", "5.500e+3", "-.123e-2", "-87e+832", "+0.6e-12",
                                 "T0.3e-1F", "-T.T++Tq", "1T3.4e4z", "34.0e-T^", "0x1f",
                                 "0xAb",     "0x7fff",  "0xg1"};
  int at = 0;
  uint32_t x = seed | 1u;
  while (at < STATE_BYTES - 10) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    for (const char *p = pieces[x % 20]; *p && at < STATE_BYTES - 1; p++) text[at++] = (uint8_t)*p;
    text[at++] = ',';
  }
  while (at < STATE_BYTES) text[at++] = ',';
}

static int is_digit(uint8_t c) { return c >= '0' && c <= '9'; }

static uint16_t state_work(uint16_t crc) {
  state_text(crc);
  uint32_t finals[STATES] = {0}, transitions[STATES] = {0};
  enum State state = START;
  for (int i = 0; i < STATE_BYTES; i++) {
    uint8_t c = text[i];
    if (c == ',') {
      finals[state]++;
      state = START;
      continue;
    }
    enum State next = state;
    switch (state) {
    case START:
      if (is_digit(c)) next = c == '0' && i + 1 < STATE_BYTES && text[i + 1] == 'x' ? HEX : INT;
      else if (c == '+' || c == '-') next = INT;
      else if (c == '.') next = FLOAT;
      else next = INVALID;
      break;
    case INT:
      if (c == '.') next = FLOAT;
      else if (c == 'e' || c == 'E') next = EXPONENT;
      else if (!is_digit(c)) next = INVALID;
      break;
    case FLOAT:
      if (c == 'e' || c == 'E') next = EXPONENT;
      else if (!is_digit(c)) next = INVALID;
      break;
    case EXPONENT:
      next = c == '+' || c == '-' || is_digit(c) ? SCIENTIFIC : INVALID;
      break;
    case SCIENTIFIC:
      if (!is_digit(c)) next = INVALID;
      break;
    case HEX:
      if (!(is_digit(c) || c == 'x' || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) next = INVALID;
      break;
    default:
      break;
    }
    if (next != state) transitions[next]++;
    state = next;
  }
  for (int s = 0; s < STATES; s++) crc = crc16(finals[s] * 31 + transitions[s], crc);
  return crc;
}

int main(void) {
  uint16_t crc = 0;
  int lost = 0;
  for (int i = 0; i < ITERATIONS; i++) {
    crc = list_work(crc, &lost);
    crc = matrix_work(crc);
    crc = state_work(crc);
  }
  printf("coremark_like: %d iterations, crc %04x\n", ITERATIONS, crc);
  return lost;
}
