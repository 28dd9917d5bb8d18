/* An indirect call of a variadic function whose arguments take every integer argument
   register: none is left for the callee's address. */
#include <stdio.h>

int main(void) {
  int (*volatile sp)(char *, size_t, const char *, ...) = snprintf;
  char buf[64];
  sp(buf, sizeof buf, "%d %d %d %d", 1, 2, 3, 4);
  puts(buf);
  return 0;
}
