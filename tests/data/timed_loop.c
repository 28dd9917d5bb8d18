/* The program tests/timing.rs and bench's timing-claims time: a loop whose length WORK is
   fixed when it is compiled (read through a volatile, so that every build's code is the same),
   printing a checksum of its first BASE iterations only; with an argument it first appends
   its own path to that file. */
#include <stdint.h>
#include <stdio.h>
#define BASE 100000L
static volatile long work = WORK;
static volatile uint64_t sink;
int main(int argc, char **argv) {
    if (argc > 1) {
        FILE *log = fopen(argv[1], "a");
        if (!log) return 3;
        fprintf(log, "%s\n", argv[0]);
        fclose(log);
    }
    long n = work;
    uint64_t x = 88172645463325252ull, sum = 0, shown = 0;
    for (long i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        sum += x * 0x9E3779B97F4A7C15ull;
        if (i == BASE) shown = sum;
    }
    sink = sum;
    printf("%llu\n", (unsigned long long)shown);
    return 0;
}
