/* A variable-length array: a dynamic stack allocation. */
#include <stdio.h>

int sum(int n) {
    int v[n];
    for (int i = 0; i < n; i++) v[i] = i * i;
    int s = 0;
    for (int i = 0; i < n; i++) s += v[i];
    return s;
}

int main(int argc, char **argv) {
    (void)argv;
    printf("%d\n", sum(argc + 9));
    return 0;
}
