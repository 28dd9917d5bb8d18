/* Computed goto as interpreters use it (GCC's labels as values): a byte-code interpreter
 * dispatching through a static table of labels (`goto *ops[*pc++]`), a second one through
 * a local array of labels (which clang copies from a constant), a label kept in a variable,
 * compared with other labels and jumped to, and a label chosen by a conditional. The output
 * is deterministic. */
#include <stdio.h>

enum { PUSH, ADD, MUL, DUP, SWAP, DEC, JNZ, POP, HALT };

static long run(const unsigned char *code, long arg) {
    static void *ops[] = {&&push, &&add, &&mul, &&dup, &&swap, &&dec, &&jnz, &&pop, &&halt};
    long stack[32];
    int sp = 0;
    const unsigned char *pc = code;
#define NEXT goto *ops[*pc++]
    NEXT;
push:
    stack[sp++] = *pc++ + arg;
    NEXT;
add:
    sp--;
    stack[sp - 1] += stack[sp];
    NEXT;
mul:
    sp--;
    stack[sp - 1] *= stack[sp];
    NEXT;
dup:
    stack[sp] = stack[sp - 1];
    sp++;
    NEXT;
swap: {
    long t = stack[sp - 1];
    stack[sp - 1] = stack[sp - 2];
    stack[sp - 2] = t;
    NEXT;
}
dec:
    stack[sp - 1]--;
    NEXT;
jnz:
    if (stack[--sp] != 0) pc = code + *pc;
    else pc++;
    NEXT;
pop:
    sp--;
    NEXT;
halt:
    return sp > 0 ? stack[sp - 1] : -1;
#undef NEXT
}

/* The same machine with a local table and a label variable. */
static long run_local(const unsigned char *code, long arg) {
    void *ops[] = {&&push, &&add, &&mul, &&dup, &&swap, &&dec, &&jnz, &&pop, &&halt};
    long stack[32];
    int sp = 0, steps = 0;
    const unsigned char *pc = code;
    void *next;
#define NEXT do { next = ops[*pc++]; steps += next == &&dec; goto *next; } while (0)
    NEXT;
push:
    stack[sp++] = *pc++ + arg;
    NEXT;
add:
    sp--;
    stack[sp - 1] += stack[sp];
    NEXT;
mul:
    sp--;
    stack[sp - 1] *= stack[sp];
    NEXT;
dup:
    stack[sp] = stack[sp - 1];
    sp++;
    NEXT;
swap: {
    long t = stack[sp - 1];
    stack[sp - 1] = stack[sp - 2];
    stack[sp - 2] = t;
    NEXT;
}
dec:
    stack[sp - 1]--;
    NEXT;
jnz:
    if (stack[--sp] != 0) pc = code + *pc;
    else pc++;
    NEXT;
pop:
    sp--;
    NEXT;
halt:
    return (sp > 0 ? stack[sp - 1] : -1) * 1000 + steps;
#undef NEXT
}

static int classify(int x) {
    void *target = x < 0 ? &&negative : x == 0 ? &&zero : &&positive;
    int seen_zero = target == &&zero;
    goto *target;
negative:
    return -1 + 10 * seen_zero;
zero:
    return 0 + 10 * seen_zero;
positive:
    return 1 + 10 * seen_zero;
}

int main(void) {
    /* acc = 1; n = arg + 5; while (n) { acc *= 2; acc += 1; n--; } */
    const unsigned char prog[] = {PUSH, 0,              /* acc (arg + 0) */
                                  PUSH, 5,              /* n */
                                  /* 4: */ SWAP, DUP, ADD, PUSH, 1, ADD, SWAP, DEC, DUP,
                                  JNZ, 4, POP, HALT};
    long total = 0;
    for (long arg = 0; arg < 3000; arg++) total += run(prog, arg % 7) ^ run_local(prog, arg % 5);
    printf("%ld %ld %ld\n", total, run(prog, 3), run_local(prog, 2));
    printf("%d %d %d\n", classify(-5), classify(0), classify(9));
    return 0;
}
