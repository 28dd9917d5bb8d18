/* overflow_ub.c's undefined overflow after about a second of work when built without passes:
 * a search resumed with every candidate measured checks its winners while the reference
 * build still runs, and must still tell the miscompiles from the program. */
#include <limits.h>
#include <stdio.h>

__attribute__((noinline)) int wraps(int x) { return x + 1 < x; }

__attribute__((noinline)) unsigned work(unsigned n) {
    unsigned h = 0;
    for (unsigned i = 0; i < n; i++)
        h = h * 31u + (i ^ (h >> 7));
    return h;
}

int main(int argc, char **argv) {
    (void)argv;
    int x = INT_MAX - 1 + argc; /* INT_MAX when run without arguments */
    printf("%s %u\n", wraps(x) ? "wrapped" : "no wrap", work(800000000u / (unsigned)argc));
    return 0;
}
