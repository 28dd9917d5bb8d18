/* Signed overflow is undefined behaviour: without optimisation the wrapped sum is compared,
 * with instcombine the comparison folds to false. The output therefore depends on the
 * pipeline, which is what the optimizer's miscompile check must catch. */
#include <limits.h>
#include <stdio.h>

__attribute__((noinline)) int wraps(int x) { return x + 1 < x; }

int main(int argc, char **argv) {
    (void)argv;
    int x = INT_MAX - 1 + argc; /* INT_MAX when run without arguments */
    printf("%s\n", wraps(x) ? "wrapped" : "no wrap");
    return 0;
}
