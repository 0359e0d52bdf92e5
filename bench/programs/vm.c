/* Indirect branches: a stack-machine bytecode interpreter (a `switch` in a
 * loop, operand stack and variables in memory) running a small program that
 * loops n times mixing an accumulator. Returns the accumulator. */
#include "common.h"

enum {
  OP_PUSH, /* imm */
  OP_LOAD, /* var */
  OP_STORE, /* var */
  OP_ADD,
  OP_SUB,
  OP_MUL,
  OP_XOR,
  OP_SHR,
  OP_AND,
  OP_LT,
  OP_DUP,
  OP_JZ, /* target */
  OP_JMP, /* target */
  OP_HALT,
};

/* vars: 0 = i, 1 = n, 2 = acc, 3 = t. The program:
 *   i = 0
 *   while (i < n) {
 *     t = acc * 31 + i
 *     acc = t ^ (t >>> 7)
 *     if ((acc & 1) == 0) acc = acc + 0x9e37
 *     i = i + 1
 *   }
 * The numbers in comments are code offsets (jump targets). */
static i32 program[] = {
    OP_PUSH, 0, OP_STORE, 0,                           /*  0: i = 0 */
    OP_LOAD, 0, OP_LOAD, 1, OP_LT, OP_JZ, 55,          /*  4: top: i < n, else end */
    OP_LOAD, 2, OP_PUSH, 31, OP_MUL, OP_LOAD, 0,       /* 11 */
    OP_ADD, OP_STORE, 3,                               /* 18: t = acc * 31 + i */
    OP_LOAD, 3, OP_LOAD, 3, OP_PUSH, 7, OP_SHR,        /* 21 */
    OP_XOR, OP_DUP, OP_STORE, 2,                       /* 28: acc = t ^ (t >>> 7) */
    OP_PUSH, 1, OP_AND, OP_JZ, 39, OP_JMP, 46,         /* 32: odd: skip */
    OP_LOAD, 2, OP_PUSH, 0x9e37, OP_ADD, OP_STORE, 2,  /* 39: even */
    OP_LOAD, 0, OP_PUSH, 1, OP_ADD, OP_STORE, 0,       /* 46: i = i + 1 */
    OP_JMP, 4,                                         /* 53 */
    OP_HALT,                                           /* 55: end */
};

static i32 stack[256];
static i32 vars[8];

static i32 interpret(const i32 *code) {
  i32 pc = 0, sp = 0;
  for (;;) {
    i32 op = code[pc++];
    switch (op) {
      case OP_PUSH: stack[sp++] = code[pc++]; break;
      case OP_LOAD: stack[sp++] = vars[code[pc++]]; break;
      case OP_STORE: vars[code[pc++]] = stack[--sp]; break;
      case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
      case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
      case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
      case OP_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
      case OP_SHR: sp--; stack[sp - 1] = (i32)((u32)stack[sp - 1] >> stack[sp]); break;
      case OP_AND: sp--; stack[sp - 1] &= stack[sp]; break;
      case OP_LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
      case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
      case OP_JZ: {
        i32 target = code[pc++];
        if (stack[--sp] == 0) pc = target;
        break;
      }
      case OP_JMP: pc = code[pc]; break;
      case OP_HALT: return vars[2];
      default: return -1;
    }
  }
}

EXPORT("run") i32 run(i32 n) {
  for (i32 i = 0; i < 8; i++) vars[i] = 0;
  vars[1] = n;
  vars[2] = 0x1234;
  return interpret(program);
}
