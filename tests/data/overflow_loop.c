/* Signed overflow is undefined behaviour: without optimisation the doubling wraps to a
 * negative number after 31 steps and the loop ends; once -O1's passes know that doubling a
 * positive number without overflow keeps it positive, the loop never ends. */
#include <stdio.h>

volatile int sink;

int main(int argc, char **argv) {
    (void)argv;
    int i = argc; /* 1 when run without arguments */
    int steps = 0;
    while (i > 0) {
        i *= 2;
        sink = i;
        steps++;
    }
    printf("%d\n", steps);
    return 0;
}
