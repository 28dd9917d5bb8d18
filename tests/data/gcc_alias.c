/* Aliases: other names of a function and of variables (GNU C's `alias` attribute, which
   clang turns into LLVM aliases), a weak one and a static one, called and read through
   every name. */
#include <stdio.h>

int scale(int x) { return 3 * x + 1; }
int scale_alias(int x) __attribute__((alias("scale")));
int scale_weak(int x) __attribute__((weak, alias("scale")));

int table[4] = {1, 2, 3, 4};
extern int table_alias[4] __attribute__((alias("table")));

static long hidden = 40;
extern long hidden_alias __attribute__((alias("hidden")));

static int (*volatile pick)(int) = scale_weak;

int main(void) {
  table_alias[2] += 10;
  hidden_alias += 2;
  printf("%d %d %d %d\n", scale(4), scale_alias(5), scale_weak(6), pick(7));
  printf("%d %d %ld %ld\n", table[2], table_alias[3], hidden, hidden_alias);
  printf("%d %d\n", scale_alias == scale, (void *)table_alias == (void *)table);
  return 0;
}
