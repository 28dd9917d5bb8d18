/* glibc's headers define atoi and bsearch inline (extern inline, for -O1 and above): clang
   -O1 -Xclang -disable-llvm-passes keeps them as `available_externally` definitions, which a
   code generator must treat as declarations of the C library's functions. */
#include <stdio.h>
#include <stdlib.h>

static int cmp(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    const char *s = argc > 5 ? argv[1] : "12345";
    int keys[] = {1, 3, 5, 7, 11, 13};
    int k = 7;
    int *hit = bsearch(&k, keys, 6, sizeof keys[0], cmp);
    printf("%d %d\n", atoi(s), hit ? (int)(hit - keys) : -1);
    return 0;
}
