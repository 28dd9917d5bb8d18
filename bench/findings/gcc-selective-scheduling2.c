/* gcc 12.2 (Debian 12.2.0-14) miscompiles this at -O2 -fselective-scheduling2: the selective
   scheduler hoists the overflow-area pointer into a register above the branch that still needs
   the register's fp_offset, so the register-save-area path reads through a wrong address and the
   program crashes (SIGSEGV). It prints 18.5000 at -O2, with clang, and at -O0 under ASan and UBSan.
   Reduced by hand from the C that opm's gcc bridge emits for bench/corpus/varargs_own.c, whose
   va_arg clang lowered into reads of the x86-64 va_list (gp_offset, fp_offset, overflow_arg_area,
   reg_save_area), as this file does.
     gcc -O2 -w gcc-selective-scheduling2.c && ./a.out                            # 18.5000
     gcc -O2 -fselective-scheduling2 -w gcc-selective-scheduling2.c && ./a.out   # SIGSEGV */
#include <stdint.h>
#include <stdio.h>
typedef uint8_t *P;
__attribute__((noinline)) static double f(uint32_t n, ...) {
  uint8_t s2[24] __attribute__((aligned(16)));
  P ap = s2, prev, cur, q;
  double len = 0, scale;
  uint32_t off, i;
  __builtin_va_start(*(__builtin_va_list *)ap, n);
  __builtin_memcpy(&off, ap, 4);
  if (off <= 40) { __builtin_memcpy(&q, ap + 16, 8); q += off; off += 8; __builtin_memcpy(ap, &off, 4); }
  else { __builtin_memcpy(&q, ap + 8, 8); P nq = q + 8; __builtin_memcpy(ap + 8, &nq, 8); }
  __builtin_memcpy(&prev, q, 8);
  for (i = 1; i < n; i++) {
    __builtin_memcpy(&off, ap, 4);
    if (off <= 40) { __builtin_memcpy(&q, ap + 16, 8); q += off; off += 8; __builtin_memcpy(ap, &off, 4); }
    else { __builtin_memcpy(&q, ap + 8, 8); P nq = q + 8; __builtin_memcpy(ap + 8, &nq, 8); }
    __builtin_memcpy(&cur, q, 8);
    __builtin_memcpy(&off, ap + 4, 4);
    if (off <= 160) { __builtin_memcpy(&q, ap + 16, 8); q += off; off += 16; __builtin_memcpy(ap + 4, &off, 4); }
    else { __builtin_memcpy(&q, ap + 8, 8); P nq = q + 8; __builtin_memcpy(ap + 8, &nq, 8); }
    __builtin_memcpy(&scale, q, 8);
    int32_t cx, px;
    __builtin_memcpy(&cx, cur, 4);
    __builtin_memcpy(&px, prev, 4);
    int64_t d = (int64_t)cx - px;
    len += (double)(d < 0 ? -d : d) * scale;
    prev = cur;
  }
  __builtin_va_end(*(__builtin_va_list *)ap);
  return len;
}
int main(void) {
  int32_t a[2] = {0, 0}, b[2] = {3, 4}, c[2] = {-1, 2}, d[2] = {5, -6};
  printf("%.4f\n", f(4, a, b, 1.5, c, 0.5, d, 2.0));
  return 0;
}
