/* `_BitInt(256)` is i256, wider than the 128 bits the Cranelift backend handles: refused by
 * name. */
#include <stdio.h>

int main(void) {
    unsigned _BitInt(256) x = 1;
    for (int i = 0; i < 200; i++) x = x * 3 + i;
    printf("%llx\n", (unsigned long long)(x >> 190));
    return 0;
}
