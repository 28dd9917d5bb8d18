/* long double (x86_fp80) arithmetic, conversions and printing. */
#include <stdio.h>

static long double harmonic(int n) {
    long double s = 0.0L;
    for (int i = 1; i <= n; i++)
        s += 1.0L / (long double)i;
    return s;
}

int main(void) {
    long double h = harmonic(100000);
    long double big = 1e4000L;
    double d = (double)h;
    long long i = (long long)(h * 1e15L);
    printf("%.18Lf %.6f %lld %Le %d\n", h, d, i, big / 3.0L, h > (long double)d);
    return 0;
}
