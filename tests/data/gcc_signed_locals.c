/* Integer locals that the GCC backend declares signed because they are compared as signed:
   saturations (which gcc then turns into MIN/MAX), and the same variables read unsigned by
   every other kind of operation (unsigned compares, zero extension, unsigned division and
   shifts, conversion to double as unsigned, bitwise logic), at the ends of each range. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>

static int8_t sat8(int v) { return (int8_t)(v > INT8_MAX ? INT8_MAX : v < INT8_MIN ? INT8_MIN : v); }
static int32_t clamp64(long long v) { return (int32_t)(v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : v); }

static unsigned unsigned_views(int v)
{
    unsigned r = 0;
    if (v < 0)
        r += 1;
    if ((unsigned)v > 2000000000u)
        r += 2;
    unsigned long long z = (unsigned)v;
    r += (unsigned)(z >> 31) * 4;
    r += (unsigned)v / 7u % 1000u;
    r ^= (unsigned)v >> 28;
    double d = (double)(unsigned)v;
    r += d > 3e9 ? 8u : 0u;
    r += (unsigned)(v & 0xff) + (unsigned)(v | 1) % 3u;
    return r;
}

static long long wide_views(long long v)
{
    long long r = v < -5 ? 1 : 2;
    unsigned long long u = (unsigned long long)v;
    r += u > 0x8000000000000000ull ? 10 : 20;
    r += (long long)(u / 3u % 1000u);
    r += (long long)((double)u / 1e18);
    return r;
}

static volatile int ints[] = {0, 1, -1, 127, 128, -128, -129, 255, 256, 1000, -1000, INT_MAX, INT_MIN, 2000000001, -7};
static volatile long long longs[] = {0, -1, 5, -6, 4294967296LL, -4294967297LL, LLONG_MAX, LLONG_MIN, 123456789012LL};

int main(void)
{
    unsigned mix = 0;
    for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
        int v = ints[i];
        printf("%d: sat8 %d views %u\n", v, sat8(v), unsigned_views(v));
        mix = mix * 31u + (unsigned)sat8(v) + unsigned_views(v);
    }
    for (size_t i = 0; i < sizeof longs / sizeof longs[0]; i++) {
        long long v = longs[i];
        printf("%lld: clamp %d views %lld\n", v, clamp64(v), wide_views(v));
    }
    /* A saturating loop over pseudo-random data, as in image code. */
    uint32_t s = 12345u;
    int acc = 0;
    for (int i = 0; i < 100000; i++) {
        s = s * 1103515245u + 12345u;
        int a = (int8_t)(s >> 24), b = (int8_t)(s >> 16);
        acc += sat8(a + b) - sat8(a - b);
    }
    printf("acc %d mix %08x\n", acc, mix);
    return 0;
}
