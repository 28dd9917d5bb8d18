/* libc's string and memory functions, called on strings built at run time (so that clang's
 * -O2 cannot fold them): through the GCC backend they become gcc's built-ins, which gcc may
 * fold or expand inline, and must still give libc's answers. */
#include <stdio.h>
#include <string.h>

static volatile int seed = 3;

int main(void) {
    char a[32], b[32];
    int n = seed;
    for (int i = 0; i < 20; i++) {
        a[i] = (char)('a' + (i * n) % 26);
        b[i] = (char)('a' + (i * n) % 26);
    }
    a[20] = b[20] = 0;
    b[n + 10] = 'Z';
    unsigned long sum = 0;
    for (int k = 0; k < 4; k++) {
        a[12 + k] = 0;
        sum += strlen(a) + (unsigned long)strlen(b + k);
        a[12 + k] = (char)('a' + ((12 + k) * n) % 26);
    }
    const char *z = strchr(b, 'Z');
    const char *none = strchr(a, '#');
    printf("strlen %lu %lu sum %lu\n", (unsigned long)strlen(a), (unsigned long)strlen(b), sum);
    printf("strcmp %d %d %d\n", strcmp(a, b) > 0, strcmp(b, a) < 0, strcmp(a, a));
    printf("strncmp %d %d\n", strncmp(a, b, (size_t)n + 10), strncmp(a, b, (size_t)n + 11) > 0);
    printf("memcmp %d %d\n", memcmp(a, b, (size_t)n), memcmp(a, b, 20) != 0);
    printf("strchr %ld %d\n", z ? (long)(z - b) : -1L, none == NULL);
    return 0;
}
