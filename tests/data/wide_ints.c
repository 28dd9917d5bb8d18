/* Integers wider than 128 bits: the bit-fields of packed structures, which clang reads and
 * writes through one integer of all their bits (an `i136`, an `i168`, as in csmith's
 * programs), volatile or not, and `_BitInt` arithmetic (`i200`, `i256`): shifts by constant
 * and variable amounts, addition, subtraction, multiplication, comparisons and conversions
 * (division: `wide_division.c`). The values depend on the program's arguments, so that no
 * build folds them away. Built without SLP vectorization, which at -O2 pairs the bit-fields'
 * updates in vectors of `i136` (`wide_vectors.ll` has such vectors). */
#include <stdio.h>

#pragma pack(push)
#pragma pack(1)
struct S0 {
    signed f0 : 29;
    signed f1 : 30;
    unsigned f2 : 8;
    signed f3 : 20;
    signed f4 : 19;
    unsigned f5 : 30;
};
struct S1 {
    unsigned g0 : 31;
    signed g1 : 32;
    signed g2 : 25;
    unsigned g3 : 32;
    signed g4 : 30;
    unsigned g5 : 18;
};
#pragma pack(pop)

static struct S0 s0 = {-15662, -10098, 200, 751, -429, 24924};
static volatile struct S1 s1 = {6250, -14697, 7, 840, -429, 11962};

typedef unsigned _BitInt(256) u256;
typedef signed _BitInt(200) s200;

static void print_u256(const char *name, u256 x) {
    printf("%s %016llx %016llx %016llx %016llx\n", name, (unsigned long long)(x >> 192),
           (unsigned long long)(x >> 128), (unsigned long long)(x >> 64), (unsigned long long)x);
}

int main(int argc, char **argv) {
    (void)argv;
    int a = argc; /* 1 */
    /* Reads, writes and read-modify-writes of the wide storage units. */
    for (int i = 0; i < 5; i++) {
        s0.f0 = s0.f0 * 3 + a - i;
        s0.f1 ^= s0.f0 + 7 * i;
        s0.f2 += (unsigned)(s0.f3 + i);
        s0.f3 = -s0.f3 + s0.f4 * a;
        s0.f4 -= 1000 * i;
        s0.f5 = s0.f5 * 5 + (unsigned)s0.f1;
        s1.g0 += (unsigned)s1.g1;
        s1.g1 = s1.g1 * -3 + i;
        s1.g2 ^= s1.g4;
        s1.g3 = s1.g3 * 7 + (unsigned)s1.g2;
        s1.g4 = -s1.g4 - i * a;
        s1.g5 += 3 * i;
        printf("s0 %d %d %u %d %d %u\n", s0.f0, s0.f1, s0.f2, s0.f3, s0.f4, s0.f5);
        printf("s1 %u %d %d %u %d %u\n", s1.g0, s1.g1, s1.g2, s1.g3, s1.g4, s1.g5);
    }
    /* _BitInt arithmetic. */
    u256 x = (u256)a;
    for (int i = 0; i < 150; i++) x = x * 3 + (u256)(i * a);
    print_u256("x", x);
    print_u256("x<<77", x << (77 * a));
    print_u256("x>>131", x >> (131 * a));
    print_u256("x>>64", x >> (64 * a));
    print_u256("x-~x", x - ~x);
    s200 y = -(s200)x;
    s200 z = y >> (150 * a);
    printf("y<0 %d z %lld y>>190 %lld\n", y < 0, (long long)z, (long long)(y >> 190));
    printf("cmp %d %d %d %d\n", x > (u256)y, y < (s200)x, (s200)x == -y, x != 0);
    s200 w = (s200)(long long)(-7 * a) * (s200)(x >> 100);
    printf("w %lld %llx\n", (long long)(w >> 150), (unsigned long long)(w >> 10));
    unsigned __int128 lo = (unsigned __int128)(x >> 3);
    printf("lo %llx %llx\n", (unsigned long long)(lo >> 64), (unsigned long long)lo);
    return (int)(x & 0x3f);
}
