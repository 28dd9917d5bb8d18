/* x86 intrinsics of one instruction with fixed registers: `xgetbv` (as Rust's std_detect
 * reads XCR0), `rdtsc`, `rdtscp`, `pause` and the fences. The Cranelift backend outlines them
 * into functions LLVM compiles; the GCC backend writes them as GNU asm. */
#include <cpuid.h>
#include <stdio.h>
#include <x86intrin.h>

__attribute__((target("xsave"))) static unsigned long long xcr0(void) { return _xgetbv(0); }

int main(void) {
    unsigned a, b, c, d;
    if (__get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 27)))
        printf("XCR0: x87 and SSE state enabled: %llu\n", xcr0() & 3);
    unsigned long long t1 = __rdtsc();
    _mm_pause();
    _mm_lfence();
    _mm_mfence();
    _mm_sfence();
    unsigned long long t2 = __rdtsc();
    unsigned aux = 0;
    unsigned long long t3 = __rdtscp(&aux);
    printf("time stamps in order: %d %d\n", t2 >= t1, t3 >= t2);
    return 0;
}
