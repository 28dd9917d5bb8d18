/* Integer sorting: quicksort, mergesort, heapsort, shellsort, radix sort and qsort over xorshift PRNG data. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 200000

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t xorshift64(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    rng_state = x;
    return x;
}

static uint32_t hash_u32(uint32_t h, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        h ^= (v >> (8 * i)) & 0xffu;
        h *= 16777619u;
    }
    return h;
}

static uint32_t hash_array(const int32_t *a, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = hash_u32(h, (uint32_t)a[i]);
    return h;
}

static int is_sorted(const int32_t *a, size_t n)
{
    for (size_t i = 1; i < n; i++)
        if (a[i - 1] > a[i])
            return 0;
    return 1;
}

static void swap_i32(int32_t *a, int32_t *b)
{
    int32_t t = *a;
    *a = *b;
    *b = t;
}

/* ---- quicksort: median of three, insertion sort for small ranges ---- */
static void insertion_sort(int32_t *a, long lo, long hi)
{
    for (long i = lo + 1; i <= hi; i++) {
        int32_t v = a[i];
        long j = i - 1;
        while (j >= lo && a[j] > v) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

static void quicksort(int32_t *a, long lo, long hi)
{
    while (hi - lo > 16) {
        long mid = lo + (hi - lo) / 2;
        if (a[mid] < a[lo]) swap_i32(&a[mid], &a[lo]);
        if (a[hi] < a[lo]) swap_i32(&a[hi], &a[lo]);
        if (a[hi] < a[mid]) swap_i32(&a[hi], &a[mid]);
        int32_t pivot = a[mid];
        long i = lo, j = hi;
        while (i <= j) {
            while (a[i] < pivot) i++;
            while (a[j] > pivot) j--;
            if (i <= j) {
                swap_i32(&a[i], &a[j]);
                i++;
                j--;
            }
        }
        /* recurse into the smaller half, loop on the larger */
        if (j - lo < hi - i) {
            quicksort(a, lo, j);
            lo = i;
        } else {
            quicksort(a, i, hi);
            hi = j;
        }
    }
    insertion_sort(a, lo, hi);
}

/* ---- top-down mergesort with a scratch buffer ---- */
static void merge_sort_rec(int32_t *a, int32_t *tmp, size_t lo, size_t hi)
{
    if (hi - lo < 2)
        return;
    size_t mid = lo + (hi - lo) / 2;
    merge_sort_rec(a, tmp, lo, mid);
    merge_sort_rec(a, tmp, mid, hi);
    if (a[mid - 1] <= a[mid])
        return;
    size_t i = lo, j = mid, k = lo;
    while (i < mid && j < hi)
        tmp[k++] = (a[j] < a[i]) ? a[j++] : a[i++];
    while (i < mid)
        tmp[k++] = a[i++];
    while (j < hi)
        tmp[k++] = a[j++];
    memcpy(a + lo, tmp + lo, (hi - lo) * sizeof *a);
}

static void merge_sort(int32_t *a, size_t n)
{
    int32_t *tmp = malloc(n * sizeof *tmp);
    if (!tmp)
        exit(1);
    merge_sort_rec(a, tmp, 0, n);
    free(tmp);
}

/* ---- heapsort ---- */
static void sift_down(int32_t *a, size_t start, size_t end)
{
    size_t root = start;
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= end)
            break;
        if (child + 1 < end && a[child] < a[child + 1])
            child++;
        if (a[root] >= a[child])
            break;
        swap_i32(&a[root], &a[child]);
        root = child;
    }
}

static void heap_sort(int32_t *a, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(a, i, n);
    for (size_t end = n; end-- > 1;) {
        swap_i32(&a[0], &a[end]);
        sift_down(a, 0, end);
    }
}

/* ---- shellsort with Ciura gaps ---- */
static void shell_sort(int32_t *a, size_t n)
{
    static const size_t gaps[] = {1750, 701, 301, 132, 57, 23, 10, 4, 1};
    for (size_t g = 0; g < sizeof gaps / sizeof gaps[0]; g++) {
        size_t gap = gaps[g];
        for (size_t i = gap; i < n; i++) {
            int32_t v = a[i];
            size_t j = i;
            while (j >= gap && a[j - gap] > v) {
                a[j] = a[j - gap];
                j -= gap;
            }
            a[j] = v;
        }
    }
}

/* ---- LSD radix sort on the bias-flipped unsigned key ---- */
static void radix_sort(int32_t *a, size_t n)
{
    uint32_t *src = malloc(n * sizeof *src);
    uint32_t *dst = malloc(n * sizeof *dst);
    if (!src || !dst)
        exit(1);
    for (size_t i = 0; i < n; i++)
        src[i] = (uint32_t)a[i] ^ 0x80000000u;
    for (int shift = 0; shift < 32; shift += 8) {
        size_t count[257];
        memset(count, 0, sizeof count);
        for (size_t i = 0; i < n; i++)
            count[((src[i] >> shift) & 0xffu) + 1]++;
        for (int b = 0; b < 256; b++)
            count[b + 1] += count[b];
        for (size_t i = 0; i < n; i++)
            dst[count[(src[i] >> shift) & 0xffu]++] = src[i];
        uint32_t *t = src;
        src = dst;
        dst = t;
    }
    for (size_t i = 0; i < n; i++)
        a[i] = (int32_t)(src[i] ^ 0x80000000u);
    free(src);
    free(dst);
}

static int cmp_i32(const void *pa, const void *pb)
{
    int32_t a = *(const int32_t *)pa, b = *(const int32_t *)pb;
    return (a > b) - (a < b);
}

static int cmp_i32_desc(const void *pa, const void *pb)
{
    return cmp_i32(pb, pa);
}

static void fill(int32_t *a, size_t n, int mode)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t r = xorshift64();
        switch (mode) {
        case 0: a[i] = (int32_t)(uint32_t)(r >> 32); break;           /* full range */
        case 1: a[i] = (int32_t)(r % 1000u) - 500; break;              /* many duplicates */
        case 2: a[i] = (int32_t)i * 3 - (int32_t)(r % 7u); break;      /* nearly sorted */
        default: a[i] = (int32_t)(n - i) + (int32_t)(r % 3u); break;   /* nearly reversed */
        }
    }
}

int main(void)
{
    int32_t *orig = malloc(N * sizeof *orig);
    int32_t *work = malloc(N * sizeof *work);
    int32_t *ref = malloc(N * sizeof *ref);
    if (!orig || !work || !ref)
        return 1;
    uint32_t checksum = 0x12345678u;
    static const char *const names[] = {"quick", "merge", "heap", "shell", "radix"};
    static const char *const modes[] = {"random", "dups", "nearly-sorted", "reversed"};

    for (int mode = 0; mode < 4; mode++) {
        fill(orig, N, mode);
        memcpy(ref, orig, N * sizeof *ref);
        qsort(ref, N, sizeof *ref, cmp_i32);
        uint32_t href = hash_array(ref, N);
        printf("%-14s qsort  min=%d max=%d median=%d hash=%08x\n", modes[mode],
               (int)ref[0], (int)ref[N - 1], (int)ref[N / 2], (unsigned)href);
        checksum = hash_u32(checksum, href);

        for (int alg = 0; alg < 5; alg++) {
            memcpy(work, orig, N * sizeof *work);
            switch (alg) {
            case 0: quicksort(work, 0, N - 1); break;
            case 1: merge_sort(work, N); break;
            case 2: heap_sort(work, N); break;
            case 3: shell_sort(work, N); break;
            default: radix_sort(work, N); break;
            }
            int ok = is_sorted(work, N) && memcmp(work, ref, N * sizeof *work) == 0;
            uint32_t h = hash_array(work, N);
            printf("%-14s %-6s sorted=%d hash=%08x\n", modes[mode], names[alg], ok, (unsigned)h);
            checksum = hash_u32(checksum, h ^ (uint32_t)ok);
        }
    }

    /* descending qsort and a weighted sum over the result */
    fill(work, N, 0);
    qsort(work, N, sizeof *work, cmp_i32_desc);
    uint64_t wsum = 0;
    for (size_t i = 0; i < N; i++)
        wsum += (uint64_t)(uint32_t)work[i] * (uint64_t)(i + 1);
    printf("descending first=%d last=%d wsum=%llu\n", (int)work[0], (int)work[N - 1],
           (unsigned long long)wsum);
    checksum = hash_u32(checksum, (uint32_t)wsum);
    checksum = hash_u32(checksum, (uint32_t)(wsum >> 32));

    free(orig);
    free(work);
    free(ref);
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
