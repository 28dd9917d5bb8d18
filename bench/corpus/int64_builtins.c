/* 64-bit integer arithmetic (signed div/mod with negatives, shifts, rotations) and builtins: popcount/clz/ctz/bswap/parity, add/sub/mul overflow checks. */
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t ck = 0xcbf29ce484222325ull;
static void mix(uint64_t v)
{
    ck ^= v;
    ck *= 0x100000001b3ull;
    ck ^= ck >> 31;
}

static uint64_t rotl64(uint64_t x, unsigned r) { r &= 63u; return r ? (x << r) | (x >> (64u - r)) : x; }
static uint64_t rotr64(uint64_t x, unsigned r) { r &= 63u; return r ? (x >> r) | (x << (64u - r)) : x; }
static uint32_t rotl32(uint32_t x, unsigned r) { r &= 31u; return r ? (x << r) | (x >> (32u - r)) : x; }

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* floor division/modulo built from C's truncating ones */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}
static int64_t floor_mod(int64_t a, int64_t b)
{
    int64_t r = a % b;
    if (r != 0 && ((r < 0) != (b < 0)))
        r += b;
    return r;
}

/* portable reference implementations to compare the builtins against */
static int ref_popcount64(uint64_t x) { int c = 0; while (x) { x &= x - 1; c++; } return c; }
static int ref_clz64(uint64_t x) { int n = 0; for (uint64_t m = 1ull << 63; m && !(x & m); m >>= 1) n++; return n; }
static int ref_ctz32(uint32_t x) { int n = 0; while (!(x & 1u)) { x >>= 1; n++; } return n; }
static uint32_t ref_bswap32(uint32_t x) { return (x >> 24) | ((x >> 8) & 0xff00u) | ((x << 8) & 0xff0000u) | (x << 24); }

static uint64_t gcd64(uint64_t a, uint64_t b)
{
    if (a == 0) return b;
    if (b == 0) return a;
    int shift = __builtin_ctzll(a | b);
    a >>= __builtin_ctzll(a);
    do {
        b >>= __builtin_ctzll(b);
        if (a > b) { uint64_t t = a; a = b; b = t; }
        b -= a;
    } while (b);
    return a << shift;
}

/* modular exponentiation with 64-bit modulus below 2^32 (products fit in 64 bits) */
static uint64_t powmod(uint64_t base, uint64_t exp, uint64_t mod)
{
    uint64_t r = 1 % mod;
    base %= mod;
    while (exp) {
        if (exp & 1u) r = r * base % mod;
        base = base * base % mod;
        exp >>= 1;
    }
    return r;
}

int main(void)
{
    /* 1. signed division and modulo with negative operands */
    static const int64_t nums[] = {7, -7, 100, -100, INT64_C(9223372036854775807), INT64_MIN + 1, -1, 0, 123456789012345};
    static const int64_t dens[] = {2, -2, 3, -3, 7, -7, 1000000007, -1000000007};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        int64_t row = 0;
        for (size_t j = 0; j < sizeof dens / sizeof dens[0]; j++) {
            int64_t q = nums[i] / dens[j], r = nums[i] % dens[j];
            int64_t fq = floor_div(nums[i], dens[j]), fm = floor_mod(nums[i], dens[j]);
            row = (int64_t)((uint64_t)row * 31u + (uint64_t)q + (uint64_t)r * 7u + (uint64_t)fq * 11u + (uint64_t)fm);
            if (j < 2)
                printf("%" PRId64 " / %" PRId64 " = %" PRId64 " rem %" PRId64 " (floor %" PRId64 " mod %" PRId64 ")\n",
                       nums[i], dens[j], q, r, fq, fm);
        }
        mix((uint64_t)row);
    }
    printf("INT64_MIN / 2 = %lld, INT64_MIN %% 3 = %lld, llabs(-5) = %lld, labs(-6) = %ld, imaxabs(-7) = %jd\n",
           (long long)(INT64_MIN / 2), (long long)(INT64_MIN % 3), llabs(-5LL), labs(-6L), imaxabs((intmax_t)-7));
    lldiv_t ld = lldiv(-1000000000000LL, 7LL);
    printf("lldiv(-1e12, 7) = {%lld, %lld}\n", ld.quot, ld.rem);
    mix((uint64_t)ld.quot ^ (uint64_t)ld.rem);

    /* 2. builtins compared against reference implementations over many values */
    uint64_t seed = 42;
    uint64_t pop = 0, clz = 0, ctz = 0, bsw = 0, par = 0, ffs = 0, mism = 0;
    for (int i = 0; i < 10000000; i++) {
        uint64_t x = splitmix(&seed);
        if ((i & 7) == 0) x >>= (unsigned)(i % 61);
        if (x == 0) x = 1;
        uint32_t lo = (uint32_t)x | 1u << 31;
        uint32_t y = (uint32_t)(x >> 17) | 0x100u;
        int pc = __builtin_popcountll(x), pc32 = __builtin_popcount((uint32_t)x);
        int lz = __builtin_clzll(x), lz32 = __builtin_clz(lo);
        int tz = __builtin_ctz(y), tz64 = __builtin_ctzll(x);
        pop += (uint64_t)(pc + pc32);
        clz += (uint64_t)(lz + lz32);
        ctz += (uint64_t)(tz + tz64);
        bsw ^= __builtin_bswap64(x) + __builtin_bswap32((uint32_t)x) + __builtin_bswap16((uint16_t)x);
        par += (uint64_t)__builtin_parityll(x);
        ffs += (uint64_t)__builtin_ffsll((long long)(x & 0x7fffffffffffffffull));
        if ((i & 255) == 0) {
            mism += pc != ref_popcount64(x);
            mism += lz != ref_clz64(x);
            mism += tz != ref_ctz32(y);
            mism += __builtin_bswap32((uint32_t)x) != ref_bswap32((uint32_t)x);
        }
    }
    printf("builtins: popcount %llu clz %llu ctz %llu bswap %016llx parity %llu ffs %llu mismatches %llu\n",
           (unsigned long long)pop, (unsigned long long)clz, (unsigned long long)ctz, (unsigned long long)bsw,
           (unsigned long long)par, (unsigned long long)ffs, (unsigned long long)mism);
    mix(pop); mix(clz); mix(ctz); mix(bsw); mix(par); mix(ffs); mix(mism);

    /* 3. overflow-checking builtins */
    static const int64_t ov_vals[] = {0, 1, -1, 2, 3000000000LL, -3000000000LL, INT64_MAX, INT64_MIN, INT64_MAX / 2 + 1, -4611686018427387904LL};
    const size_t nov = sizeof ov_vals / sizeof ov_vals[0];
    uint32_t add_ov = 0, sub_ov = 0, mul_ov = 0, mul32_ov = 0, uadd_ov = 0;
    uint64_t res_hash = 0;
    for (size_t i = 0; i < nov; i++)
        for (size_t j = 0; j < nov; j++) {
            int64_t r;
            int32_t r32;
            uint64_t ur;
            add_ov += __builtin_add_overflow(ov_vals[i], ov_vals[j], &r);
            res_hash = res_hash * 3u + (uint64_t)r;
            sub_ov += __builtin_sub_overflow(ov_vals[i], ov_vals[j], &r);
            res_hash = res_hash * 3u + (uint64_t)r;
            mul_ov += __builtin_mul_overflow(ov_vals[i], ov_vals[j], &r);
            res_hash = res_hash * 3u + (uint64_t)r;
            mul32_ov += __builtin_mul_overflow((int32_t)(ov_vals[i] % 100000), (int32_t)(ov_vals[j] % 70000), &r32);
            res_hash = res_hash * 3u + (uint32_t)r32;
            uadd_ov += __builtin_add_overflow((uint64_t)ov_vals[i], (uint64_t)ov_vals[j], &ur);
            res_hash ^= ur;
        }
    printf("overflow counts: add %u sub %u mul %u mul32 %u uadd %u, wrapped results hash %016llx\n", add_ov, sub_ov,
           mul_ov, mul32_ov, uadd_ov, (unsigned long long)res_hash);
    mix(add_ov); mix(sub_ov); mix(mul_ov); mix(mul32_ov); mix(uadd_ov); mix(res_hash);

    /* checked factorial: find the first n where n! overflows int64 / uint64 */
    int64_t f = 1;
    int n = 1;
    while (!__builtin_mul_overflow(f, (int64_t)(n + 1), &f))
        n++;
    uint64_t uf = 1;
    int un = 1;
    while (!__builtin_mul_overflow(uf, (uint64_t)(un + 1), &uf))
        un++;
    printf("largest factorial fitting: int64 %d!, uint64 %d!\n", n, un);
    mix((uint64_t)(n * 100 + un));

    /* 4. shifts, rotations, hashing loop with 64-bit mul/div */
    uint64_t h = 0, g = 0;
    uint64_t sacc = 0;
    for (int i = 1; i <= 6000000; i++) {
        uint64_t x = splitmix(&seed);
        h = rotl64(h ^ x, (unsigned)i) * 0x9e3779b97f4a7c15ull;
        h ^= rotr64(x, 17) + (uint64_t)rotl32((uint32_t)x, (unsigned)(i % 32));
        int64_t sx = (int64_t)(x >> 2) - (int64_t)(x >> 3); /* mixed sign values */
        int64_t d = (int64_t)(i % 1000) - 500;
        if (d != 0)
            sacc += (uint64_t)(sx / d) + (uint64_t)(sx % d) + (uint64_t)(sx >> (i % 63)); /* >> of negatives: impl-defined, arithmetic */
        if ((i & 1023) == 0)
            g += gcd64(x >> 20, h >> 24);
    }
    printf("shift/rotate hash %016llx signed acc (mod 2^64) %016llx gcd sum %llu\n", (unsigned long long)h, (unsigned long long)sacc,
           (unsigned long long)g);
    mix(h); mix(sacc); mix(g);

    /* 5. Fermat/Miller-Rabin style primality for 32-bit values */
    uint32_t prime_count = 0;
    for (uint64_t v = 4000000001ull; v < 4000020001ull; v += 2) {
        static const uint64_t bases[] = {2, 7, 61};
        uint64_t dd = v - 1;
        int sh = __builtin_ctzll(dd);
        dd >>= sh;
        int probable = 1;
        for (int b = 0; b < 3 && probable; b++) {
            uint64_t x = powmod(bases[b], dd, v);
            if (x == 1 || x == v - 1) continue;
            int ok = 0;
            for (int r = 1; r < sh; r++) {
                x = x * x % v;
                if (x == v - 1) { ok = 1; break; }
            }
            probable = ok;
        }
        prime_count += (uint32_t)probable;
    }
    printf("primes in [4000000001, 4000020001): %u\n", prime_count);
    mix(prime_count);

    printf("checksum: 0x%016llx\n", (unsigned long long)ck);
    return 0;
}
