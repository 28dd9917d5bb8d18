/* Variadic functions called through pointers, as C libraries do (SQLite's table of system
   calls, callbacks taking a format): integer, double and stack arguments, with the callee's
   address left in each of the integer argument registers that a call leaves free; and
   `__int128` arguments, which `va_arg` finds 16-byte aligned (`llvm.ptrmask`). */
#include <stdarg.h>
#include <stdio.h>

/* The sum of the arguments after `kinds`, one per letter: i (int), l (long), w (__int128),
   d (double). */
static double total(const char *kinds, ...) {
  va_list ap;
  va_start(ap, kinds);
  double s = 0;
  for (const char *k = kinds; *k; k++) {
    if (*k == 'i')
      s += va_arg(ap, int);
    else if (*k == 'l')
      s += (double)va_arg(ap, long);
    else if (*k == 'w')
      s += (double)va_arg(ap, __int128);
    else
      s += va_arg(ap, double);
  }
  va_end(ap);
  return s;
}

typedef double (*total_fn)(const char *, ...);
typedef int (*printf_fn)(const char *, ...);
typedef int (*snprintf_fn)(char *, size_t, const char *, ...);

int main(void) {
  /* volatile: the calls stay indirect whatever the optimiser knows. */
  volatile total_fn t = total;
  volatile printf_fn pf = printf;
  volatile snprintf_fn sp = snprintf;
  printf("%.2f\n", t("lll", 1L, 2L, 3L));
  printf("%.2f\n", t("llll", 10L, 20L, 30L, 40L));
  printf("%.2f\n", t("ddd", 1.5, 2.5, 3.25));
  /* Eight doubles in vector registers, four on the stack. */
  printf("%.2f\n", t("dddddddddddd", 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0));
  printf("%.2f\n", t("idid", 1, 2.5, 3, 4.5));
  printf("%.2f\n", t("wi", (__int128)1 << 70, 2));
  /* The last two past the registers: on the stack, 16-byte aligned (a direct call: through
     a pointer, these arguments would fill every integer argument register). */
  printf("%.2f\n", total("wwww", (__int128)1, (__int128)2, (__int128)3, -((__int128)4 << 64)));
  pf("%s %d %.3f %c %ld\n", "hello", 42, 3.14159, 'x', 1234567890123L);
  char buf[100];
  sp(buf, sizeof buf, "%d-%d-%.1f", 1, 2, 5.5);
  puts(buf);
  return 0;
}
