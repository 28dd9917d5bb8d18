/* Inline assembly that is not an empty compiler barrier: the Cranelift backend refuses it,
 * naming the assembly text. */
#include <stdio.h>

static unsigned swap(unsigned x) {
    __asm__("bswap %0" : "+r"(x));
    return x;
}

int main(void) {
    printf("%x\n", swap(0x11223344u));
    return 0;
}
