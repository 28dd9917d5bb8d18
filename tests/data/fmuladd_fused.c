/* `a * b + c` in one expression, which clang contracts into `llvm.fmuladd`: built for a
   processor with FMA (-mfma), clang's code rounds it once, and so must every backend's.
   The values come from the command line's count, so that nothing is folded, and are chosen
   so that one rounding and two differ: (1 + 2^-30)(1 - 2^-30) - 1 is -2^-60 fused, 0 not
   (for floats, with 2^-13: -2^-26 and 0). */
#include <stdio.h>

static double mul_add(double a, double b, double c) { return a * b + c; }
static float mul_addf(float a, float b, float c) { return a * b + c; }

int main(int argc, char **argv) {
    (void)argv;
    double e = 1.0 / (double)(1u << 30) * argc;
    float ef = 1.0f / (float)(1u << 13) * (float)argc;
    printf("%.17g\n", mul_add(1 + e, 1 - e, -1));
    printf("%.9g\n", mul_addf(1 + ef, 1 - ef, -1));
    double poly = 0, x = 0.1 * argc;
    for (int i = 0; i < 20; i++) poly = poly * x + 1.0 / (i + 1);
    printf("%.17g\n", poly);
    double dot = 0;
    for (int i = 1; i <= 1000; i++) dot = (0.1 * i) * (0.3 / i) + dot;
    printf("%.17g\n", dot);
    return 0;
}
