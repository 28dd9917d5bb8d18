/* A bytecode interpreter dispatching with GNU C's computed goto (`&&label`, `goto *p`):
   clang puts the label table in a private constant global of block addresses and jumps
   with `indirectbr`. */
#include <stdio.h>
#include <stdint.h>

enum { PUSH, ADD, SUB, MUL, DUP, SWAP, JNZ, DEC, PRINT, HALT };

static uint64_t run(const int32_t *code, uint64_t *stack) {
  static void *const labels[] = {&&op_push, &&op_add, &&op_sub, &&op_mul, &&op_dup,
                                 &&op_swap, &&op_jnz, &&op_dec, &&op_print, &&op_halt};
  const int32_t *pc = code;
  uint64_t *sp = stack;
  uint64_t steps = 0;
#define NEXT do { steps++; goto *labels[*pc++]; } while (0)
  NEXT;
op_push: *sp++ = *pc++; NEXT;
op_add: sp--; sp[-1] += sp[0]; NEXT;
op_sub: sp--; sp[-1] -= sp[0]; NEXT;
op_mul: sp--; sp[-1] *= sp[0]; NEXT;
op_dup: sp[0] = sp[-1]; sp++; NEXT;
op_swap: { uint64_t t = sp[-1]; sp[-1] = sp[-2]; sp[-2] = t; } NEXT;
op_jnz: { int32_t off = *pc++; if (sp[-1] != 0) pc += off; } NEXT;
op_dec: sp[-1]--; NEXT;
op_print: printf("%llu\n", (unsigned long long)sp[-1]); NEXT;
op_halt: return sp[-1] % 1000003 * 1000 + steps;
}

/* Labels whose addresses are values of the function, chosen and jumped through (not
   compared: LLVM leaves comparing two block addresses undefined). */
static int __attribute__((noinline)) classify(int x) {
  void *where = x < 0 ? &&negative : x == 0 ? &&zero : &&positive;
  goto *where;
negative: return -1;
zero: return 0;
positive: return 1;
}

int main(void) {
  /* (2 + 3) * 4 - 6, duplicated and multiplied */
  static const int32_t prog[] = {PUSH, 2, PUSH, 3, ADD, PUSH, 4, MUL, PUSH, 6, SUB, DUP, MUL,
                                 PRINT, HALT};
  static const int32_t loop[] = {
    PUSH, 7, PUSH, 50,          /* acc n */
    SWAP, PUSH, 3, MUL, PUSH, 11, SUB, PRINT, /* n acc' */
    SWAP, DEC, JNZ, -12,        /* acc n-1, loop while n != 0 */
    SWAP, HALT};
  uint64_t stack[64];
  printf("%llu\n", (unsigned long long)run(prog, stack));
  printf("%llu\n", (unsigned long long)run(loop, stack));
  for (int i = -2; i <= 2; i++) printf("%d ", classify(i * 7));
  printf("\n");
  return 0;
}
