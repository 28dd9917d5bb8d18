/* Conversions to integers and selects of floats on float compares, the forms the Cranelift
   backend lowers without branches: to unsigned 64 bits every value near 2^63 and 2^64 that
   converts exactly, small and negative-zero inputs; to 32 bits and narrower, signed and
   unsigned, at the ends of each range; conversions the compiler may speculate past their
   range test; and every compare (ordered and unordered, with NaN) choosing between doubles,
   between floats, and across the two types. Each result is printed bit for bit. */
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
    static volatile double narrow_d[] = {0.0, -0.0, 0.9, -0.9, 127.9, -128.9, 255.9, 32767.9, -32768.9,
                                         65535.9, 2147483647.9, -2147483648.9, 1e-300};
    static volatile float narrow_f[] = {0.0f, -0.9f, 127.5f, -128.5f, 255.5f, 32767.5f, -32768.5f,
                                        65535.5f, 2147483520.0f, -2147483648.0f};
    for (size_t i = 0; i < N(narrow_d); i++) {
        double d = narrow_d[i];
        int n = (int)d;
        int s8 = d > -129.0 && d < 128.0 ? (signed char)d : 0;
        int u8 = d > -1.0 && d < 256.0 ? (unsigned char)d : 0;
        int s16 = d > -32769.0 && d < 32768.0 ? (short)d : 0;
        int u16 = d > -1.0 && d < 65536.0 ? (unsigned short)d : 0;
        printf("double %g -> i32 %d i8 %d u8 %d i16 %d u16 %d\n", d, n, s8, u8, s16, u16);
        mix = mix * 31 + (uint32_t)n;
    }
    for (size_t i = 0; i < N(narrow_f); i++) {
        float f = narrow_f[i];
        int s8 = f > -129.0f && f < 128.0f ? (signed char)f : 0;
        int u16 = f > -1.0f && f < 65536.0f ? (unsigned short)f : 0;
        printf("float %g -> i32 %d i8 %d u16 %d\n", (double)f, (int)f, s8, u16);
    }
    /* Loops whose conversions the compiler may speculate past the test. */
    int32_t iacc = 0;
    for (int i = -3000; i < 3000; i++) {
        double d = (double)i * 1.5e6;
        float f = (float)i * 3.0e5f;
        iacc += d > -2e9 && d < 2e9 ? (int32_t)d : 3;
        iacc ^= f > -1e5f && f < 1e5f ? (int16_t)f : i;
    }
    printf("int loop %d\n", (int)iacc);
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
