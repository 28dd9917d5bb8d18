/* printf with doubles: a variadic call that passes floating-point arguments. On x86-64 the
 * doubles go in vector registers, %al says how many, and the ninth onwards go on the
 * stack; ints and doubles interleave. The values come through volatiles so that -O2
 * cannot fold them into the format. */
#include <stdio.h>

static volatile double half = 0.5;
static volatile int seven = 7;

int main(void) {
    double x = 3 * half, big = 2.5e10 * (2 * half);
    float f = (float)(half / 4);
    printf("%.3f %d %.1e\n", x, seven, big);
    printf("%g %d %g %ld %g\n", (double)f, -seven, -x, 1234567890123L, x * x);
    printf("%.1f %.1f %.1f %.1f %.1f %.1f %.1f %.1f %.1f %.1f %d\n", x, x + 1, x + 2, x + 3,
           x + 4, x + 5, x + 6, x + 7, x + 8, x + 9, seven);
    return 0;
}
