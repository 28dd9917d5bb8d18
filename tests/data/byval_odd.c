/* Structures passed by value in memory (byval) whose size is not a multiple of 8: the
   argument area holds whole eightbytes, the object does not. */
#include <stdio.h>

struct odd { char tag[19]; };
struct packed { char c; long l; short s; } __attribute__((packed));

static int sum_odd(struct odd o, int k) {
    int s = k;
    for (int i = 0; i < 19; i++) s = s * 31 + o.tag[i];
    return s;
}

static long sum_packed(int a, struct packed p, int b) {
    return a + p.c + p.l * 3 + p.s + b;
}

int main(void) {
    struct odd o;
    for (int i = 0; i < 19; i++) o.tag[i] = (char)(i * 7 + 1);
    struct packed p = { 5, 1234567890123L, -77 };
    printf("%d %ld\n", sum_odd(o, 3), sum_packed(1, p, 2));
    return 0;
}
