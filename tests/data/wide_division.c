/* Division and remainder of integers wider than 128 bits (`_BitInt(256)`, `_BitInt(200)`),
 * unsigned and signed, of values that depend on the program's arguments. */
#include <stdio.h>

typedef unsigned _BitInt(256) u256;
typedef signed _BitInt(200) s200;

static void print_u256(const char *name, u256 x) {
    printf("%s %016llx %016llx %016llx %016llx\n", name, (unsigned long long)(x >> 192),
           (unsigned long long)(x >> 128), (unsigned long long)(x >> 64), (unsigned long long)x);
}

int main(int argc, char **argv) {
    (void)argv;
    int a = argc; /* 1 */
    u256 x = (u256)a;
    for (int i = 0; i < 150; i++) x = x * 3 + (u256)(i * a);
    for (int i = 1; i < 6; i++) {
        u256 d = x / (u256)(12345 * a * i), r = x % ((u256)(1000003 * a) << (40 * i));
        print_u256("x/", d);
        print_u256("x%", r);
        s200 y = -(s200)(x >> (20 * i));
        s200 sq = y / (s200)(-77 * a * i), sr = y % (s200)(99991 * a * i);
        printf("sdiv %lld %lld srem %lld\n", (long long)(sq >> 120), (long long)sq,
               (long long)sr);
        printf("big %d\n", (int)(x / (x >> (i * 30))));
    }
    return 0;
}
