/* x87 `long double` (LLVM's x86_fp80) and `__float128` (fp128): arithmetic, comparisons,
   conversions, constants, memory, variadic and plain calls, printed with printf. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static long double poly(long double x) { return ((x * 0.25L + 1.5L) * x - 3.0L) * x + 0.1L; }

static long double __attribute__((noinline)) sum(const long double *v, int n) {
  long double s = 0;
  for (int i = 0; i < n; i++) s += v[i];
  return s;
}

static void show_bits(const char *what, const void *p, int n) {
  const unsigned char *b = p;
  printf("%s:", what);
  for (int i = n - 1; i >= 0; i--) printf("%02x", b[i]);
  printf("\n");
}

int main(void) {
  volatile long double third = 1.0L / 3.0L;
  long double v[8];
  for (int i = 0; i < 8; i++) v[i] = poly((long double)i - 3.5L) / (i + 1);
  printf("%.21Lg\n%La\n%.25Lf\n", third, third, sum(v, 8));
  long double big = 1e4000L, tiny = 1e-4000L;
  printf("%Lg %Lg %Lg %Lg\n", big, tiny, big * tiny, -big / tiny);
  long double pi = 3.14159265358979323846264338327950288L;
  printf("%.20Lf %.20Lf %.20Lf\n", sqrtl(pi), fabsl(-pi), floorl(pi * 100) / 100);
  printf("%d %d %d %d\n", third < pi, third == third, pi != pi, (big * 0.0L * big) != (big * 0.0L * big));
  printf("%lld %llu %d\n", (long long)(pi * 1e15L), (unsigned long long)(big > 0 ? 1e19L : 0),
         (int)-pi);
  printf("%.17g %.9g\n", (double)third, (float)third);
  long double back = (long double)(double)third;
  printf("%d\n", back == third);
  long double fr = fmodl(1000.0L, pi);
  printf("%.20Lg\n", fr);
  show_bits("third", (const void *)&third, 10);
  __int128 wide = (__int128)(pi * 1e30L);
  printf("%llx%016llx\n", (unsigned long long)(wide >> 64), (unsigned long long)wide);
  __float128 q = 1;
  for (int i = 1; i <= 30; i++) q = q * i / 3 + (__float128)1 / i;
  show_bits("q", &q, 16);
  __float128 r = q / 7;
  show_bits("q/7", &r, 16);
  printf("%.17g %d %d\n", (double)r, r < q, (int)(r > 1e20Q));
  double back_q = (double)(__float128)0.1;
  printf("%.17g\n", back_q);
  return 0;
}
