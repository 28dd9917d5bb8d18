/* Floats and doubles in memory: in packed structures at odd offsets (clang loads and stores
 * them with align 1), in arrays, and NaNs with payloads copied through memory, whose bits
 * must survive every load and store. The values come through volatiles so that -O2 cannot
 * fold them. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct __attribute__((packed)) odd {
    char tag;
    double d;
    float f;
    char pad[3];
    double e;
};

static volatile uint64_t nan_bits = 0x7ff0000000000123ull; /* a signalling NaN */
static volatile uint32_t fnan_bits = 0xffa00042u;          /* a negative signalling NaN */
static volatile double third = 1.0 / 3.0;

static uint64_t bits_of(double d) { uint64_t b; memcpy(&b, &d, 8); return b; }
static uint32_t fbits_of(float f) { uint32_t b; memcpy(&b, &f, 4); return b; }

int main(void) {
    struct odd s[5];
    uint64_t nb = nan_bits;
    uint32_t fb = fnan_bits;
    double nan;
    float fnan;
    memcpy(&nan, &nb, 8);
    memcpy(&fnan, &fb, 4);
    for (int i = 0; i < 5; i++) {
        s[i].tag = (char)('a' + i);
        s[i].d = third * (i + 1);
        s[i].f = (float)(third * -(i + 2));
        s[i].e = i == 3 ? nan : -0.0 * i;
    }
    s[4].f = fnan;
    double sum = 0.0;
    float fsum = 0.0f;
    for (int i = 0; i < 5; i++) {
        sum += s[i].d;
        fsum += i < 4 ? s[i].f : 0.0f;
    }
    struct odd copy = s[3];
    double moved[3];
    moved[1] = copy.e;
    float fmoved = s[4].f;
    printf("sum %.17g fsum %.9g\n", sum, (double)fsum);
    printf("nan %016llx -> %016llx\n", (unsigned long long)nb, (unsigned long long)bits_of(moved[1]));
    printf("fnan %08x -> %08x\n", (unsigned)fb, (unsigned)fbits_of(fmoved));
    printf("neg zero %016llx %c%c\n", (unsigned long long)bits_of(s[2].e), s[0].tag, s[4].tag);
    return 0;
}
