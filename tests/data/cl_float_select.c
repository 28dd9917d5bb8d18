/* Conversions to unsigned 64-bit integers and selects of floats on float compares, the
   forms the Cranelift backend lowers without branches: every value near 2^63 and 2^64
   that converts exactly, small and negative-zero inputs, and every compare (ordered and
   unordered, with NaN) choosing between doubles, between floats, and across the two
   types. Each result is printed bit for bit. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint64_t dbits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static uint32_t fbits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static volatile double dsrc[] = {0.0, -0.0, 0.25, 0.5, 0.999, 1.0, 1.5, 4294967295.0, 4294967296.5,
                                 9007199254740993.0, 9223372036854774784.0, 9223372036854775808.0,
                                 9223372036854777856.0, 13835058055282163712.0, 18446744073709549568.0};
static volatile float fsrc[] = {0.0f, -0.0f, 0.75f, 1.0f, 16777216.0f, 4294967296.0f, 9223371487098961920.0f,
                                9223372036854775808.0f, 9223373136366403584.0f, 18446742974197923840.0f};
static volatile double cmp_d[] = {-1.5, -0.0, 0.0, 2.0, 2.0, INFINITY, -INFINITY, NAN};
static volatile float cmp_f[] = {-1.5f, -0.0f, 0.0f, 2.0f, 2.0f, INFINITY, -INFINITY, NAN};

#define N(a) (sizeof(a) / sizeof((a)[0]))

int main(void)
{
    uint64_t mix = 0;
    for (size_t i = 0; i < N(dsrc); i++) {
        double d = dsrc[i];
        uint64_t u = (uint64_t)d;
        uint32_t w = (uint32_t)(d < 4294967296.0 ? d : 0.0);
        printf("double %.1f -> u64 %llu u32 %u\n", d, (unsigned long long)u, w);
        mix = mix * 31 + u;
    }
    for (size_t i = 0; i < N(fsrc); i++) {
        float f = fsrc[i];
        uint64_t u = (uint64_t)f;
        printf("float %.1f -> u64 %llu\n", (double)f, (unsigned long long)u);
        mix = mix * 31 + u;
    }
    /* A loop whose conversions the compiler may speculate past the test. */
    uint64_t acc = 0;
    for (int i = -2000; i < 2000; i++) {
        double d = (double)i * 4.6116860184273879e15;
        acc += d > 0 ? (uint64_t)d % 65536u : 7u;
        acc ^= d >= 0 ? (uint64_t)(d * 1.9) : (uint64_t)i;
    }
    printf("loop %llu\n", (unsigned long long)acc);

    for (size_t i = 0; i < N(cmp_d); i++) {
        for (size_t j = 0; j < N(cmp_d); j++) {
            double a = cmp_d[i], b = cmp_d[j];
            double x = a * 3.0 + 1.0, y = -b;
            float fa = cmp_f[i], fb = cmp_f[j];
            float fx = fa * 3.0f + 1.0f, fy = -fb;
            double r[8] = {a < b ? x : y,  a <= b ? x : y,        a > b ? x : y,       a >= b ? x : y,
                           a == b ? x : y, a != b ? x : y,        isunordered(a, b) ? x : y,
                           !islessgreater(a, b) ? x : y};
            float s[8] = {fa < fb ? fx : fy,  fa <= fb ? fx : fy, fa > fb ? fx : fy,
                          fa >= fb ? fx : fy, fa == fb ? fx : fy, fa != fb ? fx : fy,
                          isunordered(fa, fb) ? fx : fy, !islessgreater(fa, fb) ? fx : fy};
            /* The compare of one type choosing values of the other. */
            double crossed = fa < fb ? x : y;
            float crossed_f = a > b ? fx : fy;
            /* Signed zeros must keep their sign through the select. */
            double zero = a < b ? -0.0 : 0.0;
            printf("%zu %zu:", i, j);
            for (int k = 0; k < 8; k++)
                printf(" %016llx/%08x", (unsigned long long)dbits(r[k]), fbits(s[k]));
            printf(" %016llx %08x %016llx\n", (unsigned long long)dbits(crossed), fbits(crossed_f),
                   (unsigned long long)dbits(zero));
            mix = mix * 31 + dbits(r[0]) + fbits(s[3]);
        }
    }
    printf("mix %016llx\n", (unsigned long long)mix);
    return 0;
}
