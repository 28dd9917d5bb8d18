/* __int128 / unsigned __int128: multiply, divide, modulo, shifts, comparisons, 64x64->128 products, mulmod Miller-Rabin, PCG-style 128-bit LCG, decimal printing. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef unsigned __int128 u128;
typedef __int128 i128;

static uint64_t ck = 0x84222325cbf29ce4ull;
static void mix64(uint64_t v)
{
    ck ^= v;
    ck *= 0x100000001b3ull;
    ck ^= ck >> 29;
}
static void mix128(u128 v)
{
    mix64((uint64_t)v);
    mix64((uint64_t)(v >> 64));
}

static void print_hex128(const char *label, u128 v)
{
    printf("%s0x%016llx_%016llx\n", label, (unsigned long long)(uint64_t)(v >> 64), (unsigned long long)(uint64_t)v);
}

/* decimal conversion by repeated division by 10^19 */
static char *u128_to_dec(u128 v, char *buf)
{
    const uint64_t P19 = 10000000000000000000ull;
    uint64_t parts[3];
    int n = 0;
    do {
        parts[n++] = (uint64_t)(v % P19);
        v /= P19;
    } while (v && n < 3);
    char *p = buf;
    p += sprintf(p, "%llu", (unsigned long long)parts[n - 1]);
    for (int i = n - 2; i >= 0; i--)
        p += sprintf(p, "%019llu", (unsigned long long)parts[i]);
    return buf;
}

static char *i128_to_dec(i128 v, char *buf)
{
    if (v < 0) {
        buf[0] = '-';
        u128_to_dec((u128)0 - (u128)v, buf + 1);
    } else {
        u128_to_dec((u128)v, buf);
    }
    return buf;
}

/* schoolbook 64x64 -> 128 using 32-bit limbs, to check the native product */
static void mul64x64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
    uint64_t a0 = (uint32_t)a, a1 = a >> 32, b0 = (uint32_t)b, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;
    *lo = (mid << 32) | (uint32_t)p00;
    *hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

static uint64_t mulmod64(uint64_t a, uint64_t b, uint64_t m) { return (uint64_t)((u128)a * b % m); }

static uint64_t powmod64(uint64_t b, uint64_t e, uint64_t m)
{
    uint64_t r = 1;
    b %= m;
    while (e) {
        if (e & 1u) r = mulmod64(r, b, m);
        b = mulmod64(b, b, m);
        e >>= 1;
    }
    return r;
}

static int is_prime64(uint64_t n)
{
    if (n < 2) return 0;
    static const uint64_t small[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};
    for (int i = 0; i < 12; i++) {
        if (n == small[i]) return 1;
        if (n % small[i] == 0) return 0;
    }
    uint64_t d = n - 1;
    int s = __builtin_ctzll(d);
    d >>= s;
    for (int i = 0; i < 12; i++) {
        uint64_t x = powmod64(small[i], d, n);
        if (x == 1 || x == n - 1) continue;
        int ok = 0;
        for (int r = 1; r < s; r++) {
            x = mulmod64(x, x, n);
            if (x == n - 1) { ok = 1; break; }
        }
        if (!ok) return 0;
    }
    return 1;
}

/* binary long division as an independent check of native u128 division */
static u128 slow_div(u128 n, u128 d, u128 *rem)
{
    u128 q = 0, r = 0;
    for (int i = 127; i >= 0; i--) {
        r = (r << 1) | ((n >> i) & 1u);
        if (r >= d) {
            r -= d;
            q |= (u128)1 << i;
        }
    }
    *rem = r;
    return q;
}

int main(void)
{
    char buf[64], buf2[64];

    /* factorials and fibonacci in 128 bits */
    u128 f = 1;
    int n = 1;
    while (f <= ~(u128)0 / (u128)(n + 1)) {
        n++;
        f *= (u128)n;
    }
    printf("largest factorial in u128: %d! = %s\n", n, u128_to_dec(f, buf));
    print_hex128("  hex ", f);
    mix128(f);
    u128 fa = 0, fb = 1;
    int k = 1;
    while (fb <= ~(u128)0 - fa) {
        u128 t = fa + fb;
        fa = fb;
        fb = t;
        k++;
    }
    printf("largest fibonacci in u128: F(%d) = %s\n", k, u128_to_dec(fb, buf));
    mix128(fb);

    /* signed 128-bit division/modulo with negatives and shifts */
    static const long long sv[] = {1, -1, 7, -7, 1000000000000LL, -999999999999LL, 9223372036854775807LL};
    u128 sacc = 0; /* accumulate with wrapping (unsigned) arithmetic */
    for (size_t i = 0; i < 7; i++)
        for (size_t j = 0; j < 7; j++) {
            i128 a = (i128)sv[i] * (i128)sv[j] - (i128)sv[j] * 3; /* |a| < 2^127 */
            i128 b = (i128)sv[(i + j) % 7] * ((j & 1) ? -1 : 1);
            i128 q = a / b, r = a % b;
            sacc += (u128)(q ^ (r * 5));
            if (i >= 4 && j < 3) {
                char b3[64], b4[64];
                printf("(%s) / (%s) = %s rem %s\n", i128_to_dec(a, buf), i128_to_dec(b, buf2), i128_to_dec(q, b3),
                       i128_to_dec(r, b4));
            }
        }
    print_hex128("signed accumulate (mod 2^128): ", sacc);
    mix128(sacc);
    i128 neg = -((i128)1 << 100) - 12345;
    printf("neg >> 7 = %s, neg / 128 = %s\n", i128_to_dec(neg >> 7, buf), i128_to_dec(neg / 128, buf2));
    mix128((u128)(neg >> 7));
    mix128((u128)(neg / 128));

    /* heavy: compare native 64x64->128 with the schoolbook version, and native division with slow division */
    uint64_t x = 0x123456789abcdefull;
    uint32_t mism = 0;
    u128 acc = 0;
    for (int i = 0; i < 3000000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        uint64_t y = x * 0x2545f4914f6cdd1dull;
        u128 p = (u128)x * y;
        uint64_t hi, lo;
        mul64x64(x, y, &hi, &lo);
        mism += ((uint64_t)(p >> 64) != hi) | ((uint64_t)p != lo);
        u128 big = (p << (i % 37)) | (u128)y;
        u128 d = ((u128)(y >> (i % 50)) << (i % 29)) | 1u;
        acc += big / d + big % d;
        acc ^= (acc << 3) ^ (big >> (i % 128));
    }
    printf("mul check mismatches %u\n", mism);
    print_hex128("division accumulator ", acc);
    mix64(mism);
    mix128(acc);

    uint32_t div_mism = 0;
    for (int i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        u128 num = ((u128)x << 64) | (x * 31u);
        u128 den = (u128)(x >> (i % 60)) + 1u;
        if (i % 3 == 0) den = (den << 40) | 7u;
        u128 r1, r2 = num % den;
        u128 q1 = slow_div(num, den, &r1);
        div_mism += (q1 != num / den) | (r1 != r2);
    }
    printf("division check mismatches %u\n", div_mism);
    mix64(div_mism);

    /* PCG-style 128-bit LCG producing 64-bit outputs */
    u128 state = ((u128)0x2360ed051fc65da4ull << 64) | 0x4385df649fccf645ull;
    const u128 mult = ((u128)2549297995355413924ull << 64) | 4865540595714422341ull;
    const u128 inc = ((u128)6364136223846793005ull << 64) | 1442695040888963407ull;
    uint64_t out = 0;
    for (int i = 0; i < 2000000; i++) {
        state = state * mult + inc;
        uint64_t xored = (uint64_t)(state >> 64) ^ (uint64_t)state;
        unsigned rot = (unsigned)(state >> 122);
        out += rot ? (xored >> rot) | (xored << (64u - rot)) : xored;
    }
    printf("pcg128 output sum %016llx\n", (unsigned long long)out);
    print_hex128("pcg128 state ", state);
    mix64(out);
    mix128(state);

    /* Miller-Rabin with 128-bit mulmod near 2^63 */
    uint64_t found = 0, last = 0;
    for (uint64_t v = 9223372036854775807ull; found < 40; v -= 2) {
        if (is_prime64(v)) {
            found++;
            last = v;
            mix64(v);
        }
    }
    printf("40th prime below 2^63: %llu\n", (unsigned long long)last);

    /* comparisons and mixed-width conversions */
    i128 m1 = -1;
    u128 um = (u128)m1;
    printf("(u128)-1 == max: %d, (int64)(i128)(-5) = %lld, i128 < 0: %d, u128 > 2^64: %d\n", um == ~(u128)0,
           (long long)(int64_t)(i128)(-5), m1 < 0, um > ((u128)1 << 64));
    double dv = (double)(((u128)1 << 100) + 12345u);
    u128 back = (u128)1e30;
    printf("u128 -> double %.6e, double 1e30 -> u128 %s\n", dv, u128_to_dec(back, buf));
    mix128(back);
    printf("checksum: 0x%016llx\n", (unsigned long long)ck);
    return 0;
}
