/* A program that misbehaves only when built by a pipeline that merges its two identical
 * functions (`mergefunc`; their addresses compare equal then): it allocates, prints, writes a
 * file or forks without bound, as argv[1] says, each bounded at 2 GiB (or 2000 processes) by
 * itself so that a missing limit shows as "escaped" instead of taking the machine. Its
 * `twin_` functions are made `unnamed_addr` in the IR by the test that uses it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

__attribute__((noinline)) static int twin_a(int x) { return x * 3 + 1; }
__attribute__((noinline)) static int twin_b(int x) { return x * 3 + 1; }
int (*volatile pa)(int) = twin_a;
int (*volatile pb)(int) = twin_b;

static char block[1 << 20];

int main(int argc, char **argv) {
    const char *what = argc > 1 ? argv[1] : "";
    if (pa != pb) {
        printf("%d %d\n", pa(4), pb(5));
        return 0;
    }
    if (!strcmp(what, "memory")) {
        for (int i = 0; i < 128; i++) {
            char *p = malloc(16 << 20);
            if (!p)
                abort();
            memset(p, i, 16 << 20);
        }
    } else if (!strcmp(what, "output")) {
        for (int i = 0; i < 2048; i++)
            fwrite(block, 1, sizeof block, stdout);
    } else if (!strcmp(what, "file")) {
        FILE *f = fopen("run_limits.out", "w");
        if (!f)
            return 4;
        for (int i = 0; i < 2048; i++)
            fwrite(block, 1, sizeof block, f);
        fclose(f);
    } else if (!strcmp(what, "fork")) {
        for (int i = 0; i < 2000; i++) {
            pid_t p = fork();
            if (p < 0)
                return 5;
            if (p == 0) {
                pause();
                _exit(0);
            }
        }
    }
    puts("escaped");
    return 0;
}
