/* Inline assembly in Intel syntax (built with -masm=intel: LLVM's `inteldialect`, as Rust's
 * `asm!` writes it): `cpuid` with `rbx` saved around it, as Rust's std_detect does, an
 * addition with the destination first, an address in a register, and a loop of calls. */
#include <stdint.h>
#include <stdio.h>

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4]) {
    uint64_t b;
    uint32_t a, c, d;
    __asm__("mov %q1, rbx\n\tcpuid\n\txchg %q1, rbx"
            : "=a"(a), "=&r"(b), "=c"(c), "=d"(d)
            : "0"(leaf), "2"(sub));
    r[0] = a;
    r[1] = (uint32_t)b;
    r[2] = c;
    r[3] = d;
}

static uint64_t add3(uint64_t x, uint64_t y, const uint64_t *z) {
    __asm__("add %0, %1\n\tadd %0, qword ptr [%2]" : "+r"(x) : "r"(y), "r"(z) : "cc");
    return x;
}

int main(void) {
    uint32_t r[4];
    cpuid(0, 0, r);
    char vendor[13];
    *(uint32_t *)&vendor[0] = r[1];
    *(uint32_t *)&vendor[4] = r[3];
    *(uint32_t *)&vendor[8] = r[2];
    vendor[12] = 0;
    printf("vendor %s\n", vendor);
    cpuid(1, 0, r);
    printf("sse2 %u\n", (r[3] >> 26) & 1);
    uint64_t z = 7, sum = 0;
    for (uint64_t i = 0; i < 100; i++) sum += add3(i, 2 * i, &z);
    printf("sum %llu\n", (unsigned long long)sum);
    return 0;
}
