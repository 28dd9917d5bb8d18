/* Calls of the C library's sqrt and sqrtf, which the Cranelift backend makes as LLVM's code
   generator does: the square root instruction, and the call only when the result is NaN,
   for errno. Every class of argument, errno after each, and a loop that takes both ways. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static volatile double dv[] = {4.0, 2.0, 0.0, -0.0, 1e-310, 1e308, -1.0, -1e-300, INFINITY, -INFINITY, NAN};
static volatile float fv[] = {9.0f, 3.0f, 0.0f, -0.0f, 1e-40f, -2.0f, INFINITY, -INFINITY, NAN};

static uint64_t dbits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

int main(void)
{
    for (size_t i = 0; i < sizeof dv / sizeof dv[0]; i++) {
        errno = 0;
        double r = sqrt(dv[i]);
        int e = errno;
        printf("sqrt(%g) = %g nan %d sign %d errno %s\n", dv[i], r, r != r, signbit(r) != 0,
               e == EDOM ? "EDOM" : e == 0 ? "0" : "other");
    }
    for (size_t i = 0; i < sizeof fv / sizeof fv[0]; i++) {
        errno = 0;
        float r = sqrtf(fv[i]);
        int e = errno;
        printf("sqrtf(%g) = %g nan %d sign %d errno %s\n", (double)fv[i], (double)r, r != r,
               signbit(r) != 0, e == EDOM ? "EDOM" : e == 0 ? "0" : "other");
    }
    double acc = 0.0;
    int doms = 0;
    for (int i = -500; i < 1500; i++) {
        errno = 0;
        double r = sqrt((double)i * 0.75);
        doms += errno == EDOM;
        acc += r == r ? r : 1.0;
    }
    printf("loop acc %.17g (%016llx) domain errors %d\n", acc, (unsigned long long)dbits(acc), doms);
    return 0;
}
