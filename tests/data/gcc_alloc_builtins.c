/* libc's allocation functions on sizes known only at run time (so that clang's -O2 keeps the
 * calls): through the GCC backend they become gcc's built-ins, which tell gcc that the memory
 * returned aliases nothing else, and must still behave as libc's. Two arrays from malloc
 * feed a loop gcc may vectorise; calloc's memory reads as zeros; realloc keeps the contents
 * when it grows and when it shrinks; free of NULL does nothing. */
#include <stdio.h>
#include <stdlib.h>

static volatile int size = 37;

int main(void) {
    int n = size;
    double *a = malloc((size_t)n * sizeof *a), *b = malloc((size_t)n * sizeof *b);
    long *z = calloc((size_t)n, sizeof *z);
    if (!a || !b || !z)
        return 1;
    for (int i = 0; i < n; i++) {
        a[i] = i * 0.5;
        b[i] = (n - i) * 0.25;
    }
    for (int r = 0; r < 3; r++)
        for (int i = 0; i < n; i++)
            a[i] += b[i] * (r + 1);
    z[n % 7] = n;
    long zeros = 0;
    for (int i = 0; i < n; i++)
        zeros += z[i] == 0;
    double s = 0;
    for (int i = 0; i < n; i++)
        s += a[i];
    printf("sum %.3f zeros %ld\n", s, zeros);
    int *v = malloc(4 * sizeof *v);
    if (!v)
        return 1;
    for (int i = 0; i < 4; i++)
        v[i] = i * i + n;
    int *w = realloc(v, (size_t)n * 100 * sizeof *w);
    if (!w)
        return 1;
    for (int i = 4; i < n * 100; i++)
        w[i] = -i;
    int *u = realloc(w, 3 * sizeof *u);
    if (!u)
        return 1;
    printf("realloc %d %d %d\n", u[0], u[1], u[2]);
    free(u);
    free(NULL);
    free(z);
    free(b);
    free(a);
    return 0;
}
