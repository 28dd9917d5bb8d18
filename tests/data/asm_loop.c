/* Spends its time (about 30 ms) in a loop written in assembly, which no pass or code
   generator changes: every build of it runs equally fast, whatever its pipeline. The table
   is there so that pipelines give different modules. */
#include <stdio.h>

static int table[64];

__attribute__((noinline)) static unsigned long fill(int n)
{
    unsigned long sum = 0;
    for (int i = 0; i < n; i++) {
        table[i & 63] = (i * i) ^ (i >> 1);
        sum += (unsigned long)table[(i * 7) & 63];
    }
    return sum;
}

int main(void)
{
    unsigned long n = 100000000UL;
    __asm__ volatile("1: dec %0\n\tjnz 1b" : "+r"(n));
    printf("%lu %lu\n", n, fill(64));
    return 0;
}
