/* Numeric conversions: double/float <-> signed/unsigned 8..64-bit (in range, incl. negatives and > 2^63), float math, rounding functions, strtol/strtoul/strtod/atoi, printf formats. */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t ck = 2166136261u;
static void mix_text(const char *s)
{
    while (*s) {
        ck ^= (unsigned char)*s++;
        ck *= 16777619u;
    }
}
static char line[512];
#define OUT(...) do { snprintf(line, sizeof line, __VA_ARGS__); fputs(line, stdout); mix_text(line); } while (0)

int main(void)
{
    /* 1. float -> integer (truncation toward zero), all values in range */
    static const double dvals[] = {0.0, -0.0, 0.5, -0.5, 1.9999, -1.9999, 127.99, -128.99, 255.5, 32767.7, -32768.9,
                                   65535.99, 2147483647.9, -2147483648.9, 4294967295.5, 9007199254740993.0,
                                   -9223372036854775808.0, 9223372036854774784.0, 18446744073709549568.0, 1e-300};
    for (size_t i = 0; i < sizeof dvals / sizeof dvals[0]; i++) {
        double d = dvals[i];
        char part[256];
        int n = snprintf(part, sizeof part, "%-24.4f", d);
        if (d > -129.0 && d < 128.0) n += snprintf(part + n, sizeof part - (size_t)n, " i8 %hhd", (signed char)d);
        if (d > -1.0 && d < 256.0) n += snprintf(part + n, sizeof part - (size_t)n, " u8 %u", (unsigned)(uint8_t)d);
        if (d > -32769.0 && d < 32768.0) n += snprintf(part + n, sizeof part - (size_t)n, " i16 %hd", (short)d);
        if (d > -1.0 && d < 65536.0) n += snprintf(part + n, sizeof part - (size_t)n, " u16 %hu", (unsigned short)d);
        if (d > -2147483649.0 && d < 2147483648.0) n += snprintf(part + n, sizeof part - (size_t)n, " i32 %d", (int)d);
        if (d > -1.0 && d < 4294967296.0) n += snprintf(part + n, sizeof part - (size_t)n, " u32 %u", (unsigned)d);
        if (d >= -9223372036854775808.0 && d < 9223372036854775808.0)
            n += snprintf(part + n, sizeof part - (size_t)n, " i64 %lld", (long long)d);
        if (d > -1.0 && d < 18446744073709551616.0)
            snprintf(part + n, sizeof part - (size_t)n, " u64 %llu", (unsigned long long)d);
        OUT("%s\n", part);
    }

    /* 2. integer -> floating point, including values that round */
    static const long long ivals[] = {0, -1, 1, 16777217, -16777217, 9007199254740993LL, -9007199254740993LL,
                                      LLONG_MAX, LLONG_MIN, 123456789012345678LL};
    for (size_t i = 0; i < sizeof ivals / sizeof ivals[0]; i++)
        OUT("%lld -> double %.1f float %.1f\n", ivals[i], (double)ivals[i], (double)(float)ivals[i]);
    static const unsigned long long uvals[] = {0, 1, 4294967295ULL, 9223372036854775808ULL, 9223372036854775809ULL,
                                               18446744073709551615ULL, 12345678901234567890ULL, 0x8000000000000401ULL};
    for (size_t i = 0; i < sizeof uvals / sizeof uvals[0]; i++)
        OUT("%llu -> double %.1f float %.1f\n", uvals[i], (double)uvals[i], (double)(float)uvals[i]);
    unsigned u32max = UINT_MAX;
    OUT("UINT_MAX -> float %.1f double %.1f; (unsigned)(float)16777216 = %u\n", (double)(float)u32max, (double)u32max,
        (unsigned)(float)16777216u);

    /* 3. double -> float rounding, float limits, float math */
    float feps = 1.0f, fmaxv = 3.40282347e+38f;
    while ((float)(1.0f + feps / 2.0f) != 1.0f)
        feps /= 2.0f;
    double deps = 1.0;
    while (1.0 + deps / 2.0 != 1.0)
        deps /= 2.0;
    OUT("(float)0.1 = %.10f, (float)1e38 < float max? %d, float epsilon %e, double epsilon %e, float max %e\n",
        (double)(float)0.1, (float)1e38 < fmaxv, (double)feps, deps, (double)fmaxv);
    float fa = 1.0f, fsum = 0.0f;
    for (int i = 1; i <= 1000; i++) {
        fa = fa * 1.001f + 0.0001f;
        fsum += sqrtf((float)i) * sinf((float)i * 0.01f) + fabsf(cosf((float)i)) - floorf((float)i * 0.3f) * 0.001f;
    }
    OUT("float loop: fa %.5f fsum %.4f expf %.6f logf %.6f powf %.6f atan2f %.6f fmodf %.6f hypotf %.5f\n", (double)fa,
        (double)fsum, (double)expf(1.5f), (double)logf(10.0f), (double)powf(2.0f, 0.5f), (double)atan2f(1.0f, -1.0f),
        (double)fmodf(7.5f, 2.0f), (double)hypotf(3.0f, 4.0f));

    /* 4. rounding functions */
    static const double rv[] = {2.5, 3.5, -2.5, -3.5, 2.4999, -0.5, 1e15 + 0.5, -7.75};
    for (size_t i = 0; i < sizeof rv / sizeof rv[0]; i++)
        OUT("x=%g round %g floor %g ceil %g trunc %g rint %g lround %ld llround %lld lrint %ld\n", rv[i], round(rv[i]),
            floor(rv[i]), ceil(rv[i]), trunc(rv[i]), rint(rv[i]), lround(rv[i]), llround(rv[i]), lrint(rv[i]));

    /* 5. string -> number */
    static const char *const strs[] = {"42", "-17", "  +123abc", "0x1F", "0777", "-0", "2147483647", "99999999999", "z12", ""};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        char *end;
        long v = strtol(strs[i], &end, 0);
        unsigned long uv = strtoul(strs[i], NULL, 16);
        long long lv = strtoll(strs[i], NULL, 10);
        OUT("\"%s\": atoi %d strtol(0) %ld consumed %td strtoul(16) %lu strtoll(10) %lld atol %ld\n", strs[i],
            (i == 7) ? 0 : atoi(strs[i]), v, end - strs[i], uv, lv, atol(strs[i]));
    }
    static const char *const dstrs[] = {"3.14159", "-2.5e-3", "1e10", "  .5", "inf?", "0x1p4", "12abc"};
    for (size_t i = 0; i < sizeof dstrs / sizeof dstrs[0]; i++) {
        char *end;
        double v = strtod(dstrs[i], &end);
        OUT("strtod(\"%s\") = %g consumed %td, atof %g\n", dstrs[i], v, end - dstrs[i], atof(dstrs[i]));
    }
    OUT("abs %d labs %ld llabs %lld, div(-7,2) = {%d,%d}, ldiv(7,-2) = {%ld,%ld}\n", abs(-2147483647), labs(-123456789L),
        llabs(-9223372036854775807LL), div(-7, 2).quot, div(-7, 2).rem, ldiv(7L, -2L).quot, ldiv(7L, -2L).rem);

    /* 6. printf format coverage */
    OUT("%x %X %#x %lx %llu %lld %hhd %hhu %hd %hu %o %5.3f|%-8.2f|%+.1e|%g|%G|%10.4g|%%|%c|%5s|%-5s|%.3s\n", 3054u,
        3054u, 255u, 0xfeedfacecafeUL, 18446744073709551615ULL, -9223372036854775807LL - 1, (signed char)-128,
        (unsigned char)255, (short)-32768, (unsigned short)65535, 511u, 3.14159265, 2.5, -123456.789, 0.00001234,
        1e20, 123456789.0, 'Q', "ab", "cd", "truncate");

    /* 7. heavy loop: round trips int <-> double <-> float over a large range */
    uint64_t st = 0x853c49e6748fea9bull, acc = 0;
    double dacc = 0.0;
    uint32_t bad = 0;
    for (int i = 0; i < 24000000; i++) {
        st = st * 6364136223846793005ull + 1442695040888963407ull;
        int64_t iv = (int64_t)(st >> 11) - (int64_t)(1ull << 52); /* |iv| < 2^53: exact in double */
        double d = (double)iv;
        bad += (int64_t)d != iv;
        uint64_t uv = st | 1ull << 63; /* >= 2^63 */
        double du = (double)uv;
        uint64_t back = (uint64_t)du; /* du <= 2^64 - 2048, in range */
        acc += back ^ uv;
        float f = (float)(int32_t)(st >> 40);
        int32_t fi = (int32_t)f;
        acc += (uint64_t)(uint32_t)fi;
        unsigned short us = (unsigned short)(d * 1e-12 > 0 ? (uint64_t)(d * 1e-12) % 65536u : 0u);
        dacc += (double)us * 0.5 + (double)(float)(d * 1e-9) - (double)(signed char)(int)(d * 1e-14); /* |d * 1e-14| < 91 */
    }
    OUT("round trips: exact failures %u, acc %016llx, dacc %.6e\n", (unsigned)bad, (unsigned long long)acc, dacc);
    printf("checksum: 0x%08x\n", (unsigned)ck);
    return 0;
}
