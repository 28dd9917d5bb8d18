/* 8/16-bit integer arithmetic: promotions, narrowing stores, signed/unsigned char and short mixing, saturating ops, Q15 fixed point, %hhd/%hu printing. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Note: converting an out-of-range value to a signed narrow type is implementation-defined
   (gcc and clang both define it as modulo 2^N); right shifts of negative values are arithmetic
   on both. Left shifts are only ever applied to unsigned operands. */

static uint32_t ck = 0x2545f491u;
static void mix(uint32_t v)
{
    ck ^= v + 0x9e3779b9u + (ck << 6) + (ck >> 2);
}

static int8_t sat8(int v) { return (int8_t)(v > INT8_MAX ? INT8_MAX : v < INT8_MIN ? INT8_MIN : v); }
static int16_t sat16(int32_t v) { return (int16_t)(v > INT16_MAX ? INT16_MAX : v < INT16_MIN ? INT16_MIN : v); }
static uint8_t satu8(int v) { return (uint8_t)(v > 255 ? 255 : v < 0 ? 0 : v); }

/* Q15 multiply with rounding */
static int16_t q15_mul(int16_t a, int16_t b)
{
    int32_t p = (int32_t)a * (int32_t)b; /* fits in int32 */
    p += 1 << 14;
    return sat16(p >> 15);
}

/* 8-bit RGB -> luma with integer weights */
static uint8_t luma(uint8_t r, uint8_t g, uint8_t b)
{
    return (uint8_t)((r * 77u + g * 150u + b * 29u + 128u) >> 8);
}

int main(void)
{
    /* 1. promotion corner cases */
    uint8_t u8a = 200, u8b = 100;
    int8_t s8a = -100, s8b = 90;
    uint16_t u16a = 60000, u16b = 50000;
    int16_t s16a = -30000, s16b = 25000;
    int prom1 = u8a + u8b;                  /* 300: promoted to int */
    uint8_t wrap1 = (uint8_t)(u8a + u8b);   /* 44 */
    int prom2 = s8a - s8b;                  /* -190 */
    int8_t wrap2 = (int8_t)(s8a - s8b);     /* impl-defined: 66 */
    uint32_t prod16 = (uint32_t)u16a * u16b; /* must not multiply as int */
    uint16_t wrap16 = (uint16_t)(u16a + u16b);
    int16_t wrap16s = (int16_t)(s16a - s16b);
    int cmp1 = (int8_t)-1 < (uint8_t)1;     /* both promote to int: 1 */
    int cmp2 = -1 < (int)(unsigned short)65535;
    unsigned char uc = (unsigned char)~u8a;  /* ~ promotes first */
    printf("prom %d wrap %u prom %d wrap %hhd prod16 %u wrap16 %hu wrap16s %hd cmp %d %d uc %u\n", prom1, wrap1, prom2,
           wrap2, prod16, wrap16, wrap16s, cmp1, cmp2, uc);
    printf("shift: %d %d %u %d\n", s8a >> 2, (int)(s16a >> 5), (unsigned)(uint8_t)(u8a << 1), u8a << 4);
    printf("div/mod: %d %d %d %d %hhd %hd\n", s8a / 7, s8a % 7, s16a / -7, s16a % -7, (int8_t)(s8a / 3), (int16_t)(s16b % 1000));
    printf("sizes: %zu %zu %zu; limits: %d %d %u %d %d %u\n", sizeof(int8_t), sizeof(int16_t), sizeof(u16a + u16b), SCHAR_MIN,
           SCHAR_MAX, UCHAR_MAX, SHRT_MIN, SHRT_MAX, (unsigned)USHRT_MAX);
    mix((uint32_t)prom1); mix(wrap1); mix((uint32_t)prom2); mix((uint32_t)(uint8_t)wrap2); mix(prod16); mix(wrap16);
    mix((uint32_t)(uint16_t)wrap16s); mix((uint32_t)(cmp1 + 2 * cmp2)); mix(uc);

    /* 2. arrays of narrow types: accumulate, saturate, narrowing stores */
    enum { N = 4096 };
    static int8_t a8[N], b8[N], c8[N];
    static uint8_t u8[N], v8[N];
    static int16_t a16[N], b16[N];
    static uint16_t u16[N];
    uint32_t s = 1u;
    for (int i = 0; i < N; i++) {
        s = s * 1103515245u + 12345u;
        a8[i] = (int8_t)(s >> 24);
        b8[i] = (int8_t)(s >> 16);
        u8[i] = (uint8_t)(s >> 8);
        v8[i] = (uint8_t)(s >> 20);
        a16[i] = (int16_t)(s >> 12);
        b16[i] = (int16_t)(s >> 3);
        u16[i] = (uint16_t)(s >> 14);
    }

    int64_t dot8 = 0, dot16 = 0;
    uint32_t sad = 0, lum = 0, sat_hash = 0, q_hash = 0;
    int16_t running = 0;
    uint16_t urun = 0;
    for (int rep = 0; rep < 7000; rep++) {
        for (int i = 0; i < N; i++) {
            dot8 += a8[i] * b8[i];
            dot16 += a16[i] * b16[i]; /* int16*int16 fits in int */
            sad += (uint32_t)abs(u8[i] - v8[i]);
            c8[i] = sat8(a8[i] + b8[i]);
            running = (int16_t)(running + a8[i] * 3 - c8[i]); /* narrowing store (wraps) */
            urun = (uint16_t)(urun * 3u + u16[i]);
        }
        for (int i = 0; i < N; i += 3)
            lum += luma(u8[i], v8[i], (uint8_t)c8[i]);
        for (int i = 0; i < N; i += 4) {
            sat_hash = sat_hash * 31u + satu8(u8[i] + v8[i]) + (uint8_t)sat16(a16[i] * 3);
            q_hash = q_hash * 17u + (uint16_t)q15_mul(a16[i], b16[(i + rep) % N]);
        }
        /* rotate the arrays a little so each rep differs */
        int8_t first = a8[0];
        for (int i = 0; i < N - 1; i++)
            a8[i] = a8[i + 1];
        a8[N - 1] = (int8_t)(first ^ (int8_t)rep);
        u8[rep % N] = (uint8_t)(u8[rep % N] + 13u);
    }
    printf("dot8 %lld dot16 %lld sad %u luma %u sat %08x q15 %08x running %hd urun %hu\n", (long long)dot8,
           (long long)dot16, (unsigned)sad, (unsigned)lum, (unsigned)sat_hash, (unsigned)q_hash, running, urun);
    mix((uint32_t)dot8); mix((uint32_t)(dot8 >> 32)); mix((uint32_t)dot16); mix(sad); mix(lum); mix(sat_hash); mix(q_hash);
    mix((uint16_t)running); mix(urun);

    /* 3. char arithmetic: caesar cipher and checks */
    char msg[] = "Narrow Types Promote To Int Before Arithmetic";
    for (char *p = msg; *p; p++) {
        if (*p >= 'a' && *p <= 'z')
            *p = (char)('a' + (*p - 'a' + 13) % 26);
        else if (*p >= 'A' && *p <= 'Z')
            *p = (char)('A' + (*p - 'A' + 13) % 26);
    }
    printf("rot13: %s\n", msg);
    for (char *p = msg; *p; p++)
        mix((unsigned char)*p);

    /* 4. 16-bit checksums: Fletcher-16 and Internet checksum */
    uint16_t f1 = 0, f2 = 0;
    uint32_t inet = 0;
    for (int i = 0; i < N; i++) {
        f1 = (uint16_t)((f1 + u8[i]) % 255u);
        f2 = (uint16_t)((f2 + f1) % 255u);
        if (i % 2 == 0)
            inet += (uint32_t)((unsigned)u8[i] << 8 | v8[i]);
    }
    while (inet >> 16)
        inet = (inet & 0xffffu) + (inet >> 16);
    uint16_t inet16 = (uint16_t)~inet;
    printf("fletcher16 %04x internet checksum %04x\n", (unsigned)((f2 << 8) | f1), (unsigned)inet16);
    mix((uint32_t)((f2 << 8) | f1)); mix(inet16);

    printf("checksum: 0x%08x\n", (unsigned)ck);
    return 0;
}
