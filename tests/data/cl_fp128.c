/* `__float128` is fp128, which Cranelift has no type for: refused by name. */
#include <stdio.h>

int main(int argc, char **argv) {
    (void)argv;
    __float128 x = argc;
    for (int i = 1; i < 20 + argc; i++) x += (__float128)1 / i;
    printf("%.15f\n", (double)x);
    return 0;
}
