/* A symbol alias (`@other = alias ...`), which cranelift-module cannot express: refused by
 * name. */
#include <stdio.h>

int counter = 3;
extern int other_name __attribute__((alias("counter")));

int main(void) {
    other_name += 4;
    printf("%d\n", counter);
    return 0;
}
