/* Inline assembly beyond the compiler barriers, as C code writes it (AT&T syntax): a register
 * read and written (`+r`), several outputs, fixed registers (`cpuid` through <cpuid.h>),
 * early clobbers, an immediate (`i`), memory operands (`m`, `=m`), flags and memory
 * clobbers, a tied input (`0`), 8- and 16-bit operands, a `double` in an SSE register, and
 * the same asm at several call sites. */
#include <cpuid.h>
#include <stdint.h>
#include <stdio.h>

static unsigned swap(unsigned x) {
    __asm__("bswap %0" : "+r"(x));
    return x;
}

static uint64_t add_carry(uint64_t a, uint64_t b, unsigned *carry) {
    unsigned char c;
    __asm__("addq %2, %0\n\tsetc %1" : "=r"(a), "=qm"(c) : "r"(b), "0"(a) : "cc");
    *carry = c;
    return a;
}

static int shifted(int x) {
    int r;
    __asm__("movl %1, %0\n\tshll %2, %0" : "=&r"(r) : "r"(x), "i"(3));
    return r;
}

static void store_sum(long *dst, long a, long b) {
    __asm__ volatile("movq %1, %%rax\n\taddq %2, %%rax\n\tmovq %%rax, %0"
                     : "=m"(*dst)
                     : "r"(a), "m"(b)
                     : "rax", "memory");
}

static uint16_t rotate16(uint16_t x) {
    __asm__("rolw $4, %0" : "+r"(x));
    return x;
}

static uint8_t negate8(uint8_t x) {
    __asm__("negb %0" : "+q"(x));
    return x;
}

static double twice(double x) {
    __asm__("addsd %0, %0" : "+x"(x));
    return x;
}

int main(void) {
    printf("swap %x %x\n", swap(0x11223344u), swap(0xa1b2c3d4u));
    unsigned carry = 0;
    uint64_t s = add_carry(~0ull, 5, &carry);
    printf("add %llu carry %u\n", (unsigned long long)s, carry);
    s = add_carry(40, 2, &carry);
    printf("add %llu carry %u\n", (unsigned long long)s, carry);
    printf("shifted %d %d\n", shifted(5), shifted(-7));
    long dst = 0;
    store_sum(&dst, 1000, 234);
    printf("stored %ld\n", dst);
    printf("rotate %x negate %u twice %.3f\n", rotate16(0x1234), negate8(3), twice(1.25));
    unsigned a, b, c, d;
    if (__get_cpuid(0, &a, &b, &c, &d)) {
        char vendor[13];
        *(unsigned *)&vendor[0] = b;
        *(unsigned *)&vendor[4] = d;
        *(unsigned *)&vendor[8] = c;
        vendor[12] = 0;
        printf("cpuid: vendor %s, highest leaf at least 1: %d\n", vendor, a >= 1);
    }
    unsigned total = 0;
    for (unsigned i = 0; i < 1000; i++) total += swap(i) >> 24;
    printf("loop %u\n", total);
    return 0;
}
