/* Dynamic stack allocations, which Cranelift's fixed frames cannot hold: variable-length
   arrays in loops (freed each iteration: 20,000 of 1 MiB would pass the 1 GiB of address
   space the program allows itself otherwise),
   nested and in recursion, over-aligned elements, a `goto` out of a VLA's scope,
   `__builtin_alloca` in a loop (kept until the function returns), and a VLA in a variadic
   function. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

struct wide {
    _Alignas(64) double d;
    int tag;
};

static uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ull; }

/* A VLA per iteration: LLVM saves the stack before it and restores it after. */
static uint64_t big_in_loop(int rounds, int n) {
    uint64_t h = 1469598103934665603ull;
    for (int r = 0; r < rounds; r++) {
        unsigned char buf[n];
        memset(buf, r & 0xff, (size_t)n);
        buf[r % n] = 7;
        h = mix(h, buf[(r * 31) % n] + buf[n - 1]);
    }
    return h;
}

/* Nested VLAs whose sizes depend on the outer one. */
static long nested(int n) {
    long total = 0;
    for (int i = 1; i <= n; i++) {
        int outer[i];
        for (int j = 0; j < i; j++) outer[j] = j * i;
        for (int j = 0; j < i; j++) {
            long inner[outer[j] % 7 + 1];
            for (int k = 0; k < outer[j] % 7 + 1; k++) inner[k] = k + outer[j];
            total += inner[outer[j] % 7];
        }
    }
    return total;
}

/* A VLA in each frame of a recursion. */
static long recurse(int depth, int n) {
    int v[n];
    for (int i = 0; i < n; i++) v[i] = depth * i;
    long below = depth > 0 ? recurse(depth - 1, n + 1) : 0;
    long s = below;
    for (int i = 0; i < n; i++) s += v[i];
    return s;
}

/* Elements aligned to 64 bytes: every address must be too. */
static int aligned(int n) {
    struct wide w[n];
    int ok = 1;
    for (int i = 0; i < n; i++) {
        w[i].d = i * 0.5;
        w[i].tag = i;
        ok &= ((uintptr_t)&w[i] % 64) == 0;
    }
    double s = 0;
    for (int i = 0; i < n; i++) s += w[i].d * w[i].tag;
    return ok * (int)s;
}

/* Leaving a VLA's scope by `goto`. */
static int jump_out(int rounds) {
    int count = 0, r = 0;
again:
    if (r < rounds) {
        int v[r + 100];
        v[r] = r;
        count += v[r];
        r++;
        goto again;
    }
    return count;
}

/* `alloca` in a loop: every block lives until the function returns. */
static uint64_t alloca_loop(int n) {
    int *blocks[16];
    for (int i = 0; i < 16; i++) {
        blocks[i] = __builtin_alloca((size_t)(n + i) * sizeof(int));
        for (int k = 0; k < n + i; k++) blocks[i][k] = i * 1000 + k;
    }
    uint64_t h = 0;
    for (int i = 0; i < 16; i++)
        for (int k = 0; k < n + i; k++) h = mix(h, (uint64_t)blocks[i][k]);
    return h;
}

/* A variadic function with a VLA of its arguments. */
static long variadic_sum(int n, ...) {
    long v[n];
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) v[i] = va_arg(ap, long);
    va_end(ap);
    long s = 0;
    for (int i = n - 1; i >= 0; i--) s = s * 3 + v[i];
    return s;
}

int main(int argc, char **argv) {
    (void)argv;
    struct rlimit space = {1ul << 30, 1ul << 30};
    if (setrlimit(RLIMIT_AS, &space) != 0) return 3;
    int n = argc + 9;
    printf("big_in_loop %llu\n", (unsigned long long)big_in_loop(20000, 1 << 20));
    for (int i = 0; i < 3; i++)
        printf("nested %d %ld\n", n + i, nested(n + i));
    printf("recurse %ld\n", recurse(200, n));
    printf("aligned %d\n", aligned(n * 3));
    printf("jump_out %d\n", jump_out(5000));
    printf("alloca_loop %llu\n", (unsigned long long)alloca_loop(n * 10));
    printf("variadic_sum %ld\n", variadic_sum(n - 5, 1L, 2L, 3L, 4L, 5L, 6L, 7L));
    return 0;
}
