/* Inline assembly: compiler barriers (`asm volatile("" ::: "memory")`, and the
   `black_box` form with a register input) and small x86-64 instructions with outputs,
   tied inputs, operand modifiers (%k), memory operands (=m, +m) and clobbers. */
#include <stdint.h>
#include <stdio.h>

static inline void *black_box(void *p) {
  __asm__ __volatile__("" : : "r"(p) : "memory");
  return p;
}

static uint32_t bswap(uint32_t x) {
  __asm__("bswap %0" : "=r"(x) : "0"(x));
  return x;
}

static uint64_t lea(uint64_t a, uint64_t b) {
  uint64_t r;
  __asm__("leaq 7(%1,%2), %0" : "=r"(r) : "r"(a), "r"(b));
  return r;
}

static uint32_t low(uint64_t a) {
  uint32_t r;
  __asm__("movl %k1, %0" : "=r"(r) : "r"(a));
  return r;
}

static void store42(int *p) { __asm__ __volatile__("movl $42, %0" : "=m"(*p)); }

static int add_mem(int *p, int v) {
  __asm__ __volatile__("addl %1, %0" : "+m"(*p) : "r"(v) : "cc");
  return *p;
}

static uint64_t rotate_with_cl(uint64_t x, uint8_t n) {
  __asm__("rolq %%cl, %0" : "+r"(x) : "c"(n) : "cc");
  return x;
}

static unsigned carry(unsigned a, unsigned b, unsigned *sum) {
  unsigned char c;
  __asm__("addl %3, %0\n\tsetc %1" : "=r"(*sum), "=q"(c) : "0"(a), "r"(b) : "cc");
  return c;
}

int main(void) {
  int x = 1;
  long total = 0;
  for (int i = 0; i < 1000; i++) {
    __asm__ __volatile__("" ::: "memory"); /* the loop is not folded away */
    total += i;
  }
  int *p = black_box(&x);
  store42(p);
  unsigned s;
  unsigned c = carry(0xffffffffu, 2, &s);
  printf("%d %ld %08x %llu %u %d\n", x, total, bswap(0x11223344u),
         (unsigned long long)lea(10, 20), low(0x1234567890ull), add_mem(&x, 8));
  printf("%llx %u %u\n", (unsigned long long)rotate_with_cl(0x8000000000000001ull, 4), c, s);
  return 0;
}
