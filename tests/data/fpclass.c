/* The classes of floats and doubles, as clang asks LLVM for them (llvm.is.fpclass): isnan,
   isinf, isfinite, isnormal and signbit-free classes at every level, and each class of
   __builtin_isfpclass alone and in combinations, on signalling and quiet NaNs of both
   signs, infinities, normals, subnormals and zeros; also lane by lane on vectors. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static float f_of(uint32_t b)
{
    float f;
    memcpy(&f, &b, 4);
    return f;
}

static double d_of(uint64_t b)
{
    double d;
    memcpy(&d, &b, 8);
    return d;
}

static volatile uint32_t fb[] = {0x7f800001u, 0xffa00000u, 0x7fc00000u, 0xffc00001u, 0x7f800000u, 0xff800000u,
                                 0x3f800000u, 0xbf800000u, 0x00800000u, 0x807fffffu, 0x00000001u, 0x00000000u,
                                 0x80000000u, 0x7f7fffffu};
static volatile uint64_t db[] = {0x7ff0000000000001ull, 0xfff4000000000000ull, 0x7ff8000000000000ull,
                                 0xfff8000000000001ull, 0x7ff0000000000000ull, 0xfff0000000000000ull,
                                 0x3ff0000000000000ull, 0xc000000000000000ull, 0x0010000000000000ull,
                                 0x800fffffffffffffull, 0x0000000000000001ull, 0x0000000000000000ull,
                                 0x8000000000000000ull, 0x7fefffffffffffffull};

typedef float v4f __attribute__((vector_size(16)));
typedef int v4i __attribute__((vector_size(16)));

#define CLASSES(x)                                                                                              \
    (__builtin_isfpclass(x, 1) | __builtin_isfpclass(x, 2) << 1 | __builtin_isfpclass(x, 4) << 2 |               \
     __builtin_isfpclass(x, 8) << 3 | __builtin_isfpclass(x, 16) << 4 | __builtin_isfpclass(x, 32) << 5 |        \
     __builtin_isfpclass(x, 64) << 6 | __builtin_isfpclass(x, 128) << 7 | __builtin_isfpclass(x, 256) << 8 |     \
     __builtin_isfpclass(x, 512) << 9 | __builtin_isfpclass(x, 0x3c) << 10 | __builtin_isfpclass(x, 0x90) << 11 | \
     __builtin_isfpclass(x, 0x204) << 12 | __builtin_isfpclass(x, 0x1f8) << 13)

int main(void)
{
    unsigned mix = 0;
    for (size_t i = 0; i < sizeof fb / sizeof fb[0]; i++) {
        float f = f_of(fb[i]);
        unsigned c = (unsigned)CLASSES(f);
        printf("float %08x: classes %04x isnan %d isinf %d isfinite %d isnormal %d\n", (unsigned)fb[i], c,
               isnan(f) != 0, isinf(f) != 0, isfinite(f) != 0, isnormal(f) != 0);
        mix = mix * 31u + c;
    }
    for (size_t i = 0; i < sizeof db / sizeof db[0]; i++) {
        double d = d_of(db[i]);
        unsigned c = (unsigned)CLASSES(d);
        printf("double %016llx: classes %04x isnan %d isinf %d isfinite %d isnormal %d\n",
               (unsigned long long)db[i], c, isnan(d) != 0, isinf(d) != 0, isfinite(d) != 0, isnormal(d) != 0);
        mix = mix * 31u + c;
    }
    v4f v = {f_of(fb[0]), f_of(fb[7]), f_of(fb[9]), f_of(fb[12])};
    v4i r1 = __builtin_isfpclass(v, 3), r2 = __builtin_isfpclass(v, 0x90), r3 = __builtin_isfpclass(v, 0x108);
    for (int k = 0; k < 4; k++)
        mix = mix * 7u + (unsigned)(r1[k] & 1) + (unsigned)(r2[k] & 1) * 2u + (unsigned)(r3[k] & 1) * 4u;
    printf("mix %08x\n", mix);
    return 0;
}
