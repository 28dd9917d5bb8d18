/* `long double` is x86_fp80 on x86-64, which Cranelift has no type for: refused by name. */
#include <stdio.h>

int main(void) {
    long double x = 1;
    for (int i = 1; i < 20; i++) x += 1.0L / i;
    printf("%.18Lf\n", x);
    return 0;
}
