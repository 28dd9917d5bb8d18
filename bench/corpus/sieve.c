/* Sieve of Eratosthenes: byte sieve, odd-only bit sieve, segmented sieve, totient/mobius sieves, Goldbach checks. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIMIT 16000000u

static uint32_t mix(uint32_t h, uint32_t v)
{
    h ^= v + 0x9e3779b9u + (h << 6) + (h >> 2);
    return h;
}

static uint32_t byte_sieve(unsigned char *comp, uint32_t n)
{
    memset(comp, 0, n + 1);
    comp[0] = comp[1] = 1;
    for (uint32_t i = 2; (uint64_t)i * i <= n; i++)
        if (!comp[i])
            for (uint32_t j = i * i; j <= n; j += i)
                comp[j] = 1;
    uint32_t count = 0;
    for (uint32_t i = 2; i <= n; i++)
        count += !comp[i];
    return count;
}

/* bit k of the array represents the odd number 2k+1 */
static uint32_t bit_sieve(uint64_t *bits, uint32_t n)
{
    uint32_t words = (n / 2 + 64) / 64;
    memset(bits, 0, words * sizeof *bits);
    bits[0] |= 1u; /* 1 is not prime */
    for (uint32_t i = 3; (uint64_t)i * i <= n; i += 2) {
        uint32_t k = i / 2;
        if (bits[k / 64] & (1ull << (k % 64)))
            continue;
        for (uint32_t j = i * i / 2; j <= n / 2; j += i)
            bits[j / 64] |= 1ull << (j % 64);
    }
    uint32_t count = 1; /* the prime 2 */
    for (uint32_t k = 1; 2 * k + 1 <= n; k++)
        count += !(bits[k / 64] & (1ull << (k % 64)));
    return count;
}

static uint32_t segmented_sieve(const uint32_t *small_primes, uint32_t nsmall, uint32_t lo, uint32_t hi,
                                uint32_t *sum_mod)
{
    enum { SEG = 32768 };
    unsigned char seg[SEG];
    uint32_t count = 0, s = 0;
    for (uint32_t base = lo; base < hi; base += SEG) {
        uint32_t top = base + SEG < hi ? base + SEG : hi;
        memset(seg, 1, sizeof seg);
        for (uint32_t p = 0; p < nsmall; p++) {
            uint32_t q = small_primes[p];
            if ((uint64_t)q * q >= top)
                break;
            uint32_t start = (base + q - 1) / q * q;
            if (start < q * q)
                start = q * q;
            for (uint32_t j = start; j < top; j += q)
                seg[j - base] = 0;
        }
        for (uint32_t v = base; v < top; v++)
            if (v >= 2 && seg[v - base]) {
                count++;
                s = (s + v) % 1000000007u;
            }
    }
    *sum_mod = s;
    return count;
}

int main(void)
{
    uint32_t checksum = 0;
    unsigned char *comp = malloc(LIMIT + 1);
    uint64_t *bits = malloc(((LIMIT / 2 + 64) / 64) * sizeof *bits);
    if (!comp || !bits)
        return 1;

    uint32_t c1 = byte_sieve(comp, LIMIT);
    uint32_t c2 = bit_sieve(bits, LIMIT);
    printf("pi(%u) = %u (byte sieve), %u (bit sieve)\n", LIMIT, c1, c2);
    checksum = mix(checksum, c1);
    checksum = mix(checksum, c2);

    static const uint32_t checkpoints[] = {10, 100, 1000, 10000, 100000, 1000000};
    for (size_t i = 0; i < sizeof checkpoints / sizeof checkpoints[0]; i++) {
        uint32_t cnt = 0;
        for (uint32_t v = 2; v <= checkpoints[i]; v++)
            cnt += !comp[v];
        printf("pi(%u) = %u\n", checkpoints[i], cnt);
        checksum = mix(checksum, cnt);
    }

    /* twin primes, largest gap, last primes */
    uint32_t twins = 0, prev = 2, gap = 0, gap_at = 0;
    for (uint32_t v = 3; v <= LIMIT; v += 2) {
        if (comp[v])
            continue;
        if (v - prev == 2)
            twins++;
        if (v - prev > gap) {
            gap = v - prev;
            gap_at = prev;
        }
        prev = v;
    }
    printf("twin pairs %u, max gap %u after %u, largest prime %u\n", twins, gap, gap_at, prev);
    checksum = mix(mix(mix(checksum, twins), gap), prev);

    /* collect small primes and run a segmented sieve on a window above LIMIT */
    uint32_t nsmall = 0;
    uint32_t *small = malloc(5000 * sizeof *small);
    if (!small)
        return 1;
    for (uint32_t v = 2; v < 40000 && nsmall < 5000; v++)
        if (!comp[v])
            small[nsmall++] = v;
    uint32_t smod = 0;
    uint32_t cseg = segmented_sieve(small, nsmall, 1000000000u, 1000000000u + 8000000u, &smod);
    printf("primes in [1e9, 1e9+8e6): %u, sum mod 1e9+7 = %u\n", cseg, smod);
    checksum = mix(mix(checksum, cseg), smod);
    uint32_t smod2 = 0;
    uint32_t cseg2 = segmented_sieve(small, nsmall, 0, 1000000u + 1u, &smod2);
    printf("segmented pi(1000000) = %u, sum mod = %u\n", cseg2, smod2);
    checksum = mix(mix(checksum, cseg2), smod2);

    /* Euler totient and Mobius via sieves up to 300000 */
    enum { TN = 300000 };
    uint32_t *phi = malloc((TN + 1) * sizeof *phi);
    int8_t *mu = malloc(TN + 1);
    if (!phi || !mu)
        return 1;
    for (uint32_t i = 0; i <= TN; i++) {
        phi[i] = i;
        mu[i] = 1;
    }
    for (uint32_t p = 2; p <= TN; p++) {
        if (phi[p] != p)
            continue; /* not prime */
        for (uint32_t j = p; j <= TN; j += p) {
            phi[j] -= phi[j] / p;
            mu[j] = (int8_t)-mu[j];
        }
        if ((uint64_t)p * p <= TN)
            for (uint32_t j = p * p; j <= TN; j += p * p)
                mu[j] = 0;
    }
    uint64_t phisum = 0;
    int64_t mertens = 0;
    for (uint32_t i = 1; i <= TN; i++) {
        phisum += phi[i];
        mertens += mu[i];
    }
    printf("sum phi(1..%u) = %llu, Mertens M(%u) = %lld\n", (unsigned)TN, (unsigned long long)phisum,
           (unsigned)TN, (long long)mertens);
    checksum = mix(mix(checksum, (uint32_t)phisum), (uint32_t)mertens);

    /* Goldbach: every even number in range has a prime-pair decomposition */
    uint32_t worst = 0, worst_n = 0, fail = 0;
    uint64_t decomp_total = 0;
    for (uint32_t n = 4; n <= 200000; n += 2) {
        uint32_t p = 2;
        do {
            if (!comp[p] && !comp[n - p])
                break;
            p++;
        } while (p <= n / 2);
        if (p > n / 2)
            fail++;
        decomp_total += p;
        if (p > worst) {
            worst = p;
            worst_n = n;
        }
    }
    printf("goldbach: failures %u, largest minimal prime %u (for n=%u), total %llu\n", fail, worst, worst_n,
           (unsigned long long)decomp_total);
    checksum = mix(mix(mix(checksum, fail), worst), (uint32_t)decomp_total);

    free(comp);
    free(bits);
    free(small);
    free(phi);
    free(mu);
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
