/* An `__int128` argument that goes on the stack with one integer argument register left,
   which the next argument takes under x86-64 SysV (and which Cranelift would leave). */
#include <stdio.h>

__attribute__((noinline)) double after_wide(char *p, long a, long b, long c, long d, __int128 w,
                                             int e) {
  return (double)(a + b + c + d + e) + (double)w + (p != 0);
}

int main(void) {
  printf("%.1f\n", after_wide("", 1, 2, 3, 4, (__int128)1 << 80, 5));
  return 0;
}
