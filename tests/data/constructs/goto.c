/* A bytecode interpreter with computed goto, as real interpreters dispatch. */
#include <stdio.h>

static long run(const unsigned char *code, long n) {
    static void *ops[] = {&&push, &&add, &&dup, &&jnz, &&dec, &&halt};
    long stack[64];
    int sp = 0;
    const unsigned char *pc = code;
    long acc = 0;
#define NEXT goto *ops[*pc++]
    NEXT;
push:
    stack[sp++] = n;
    NEXT;
add:
    acc += stack[sp - 1];
    NEXT;
dup:
    stack[sp] = stack[sp - 1];
    sp++;
    NEXT;
dec:
    stack[sp - 1]--;
    NEXT;
jnz:
    if (stack[sp - 1] != 0)
        pc = code + 1;
    NEXT;
halt:
    return acc + sp;
}

int main(void) {
    const unsigned char code[] = {0, 1, 4, 3, 5};
    long total = 0;
    for (long i = 1; i <= 2000; i++)
        total += run(code, i % 97 + 1);
    printf("%ld\n", total);
    return 0;
}
