/* Bitfields (signed/unsigned, odd widths, packed words) and unions (tagged unions, memcpy type punning, struct-with-union). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* a 32-bit instruction word split into odd-width fields */
typedef struct {
    unsigned op : 6;
    unsigned rd : 5;
    unsigned rs : 5;
    signed imm : 13;   /* signed, odd width */
    unsigned flag : 1;
    unsigned cond : 2;
} Insn;

/* 64-bit packed record mixing signed and unsigned fields */
typedef struct {
    uint64_t id : 20;
    int64_t delta : 17;
    uint64_t kind : 3;
    int64_t small : 7;
    uint64_t rest : 17;
} Packed64;

/* RGB565 pixel plus alpha in a 32-bit word */
typedef struct {
    unsigned b : 5;
    unsigned g : 6;
    unsigned r : 5;
    unsigned a : 8;
    unsigned pad : 8;
} Pixel;

/* tagged union value */
typedef enum { V_INT, V_DBL, V_PAIR, V_STR } Tag;
typedef struct {
    Tag tag;
    union {
        int64_t i;
        double d;
        struct { int32_t lo, hi; } pair;
        char s[16];
    } u;
} Value;

/* union used for punning through memcpy only */
typedef union {
    double d;
    uint64_t u;
    unsigned char bytes[8];
} Bits64;

static uint32_t h32 = 0x811c9dc5u;
static void mix(uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        h32 ^= (v >> (8 * i)) & 0xffu;
        h32 *= 16777619u;
    }
}

/* reduce an arbitrary value into the range of an n-bit two's complement field */
static int32_t wrap_signed(int64_t v, int bits)
{
    uint64_t m = (1ull << bits) - 1;
    uint64_t u = (uint64_t)v & m;
    if (u & (1ull << (bits - 1)))
        return (int32_t)((int64_t)u - (int64_t)(1ull << bits));
    return (int32_t)u;
}

static uint32_t encode(const Insn *in)
{
    return (uint32_t)in->op | ((uint32_t)in->rd << 6) | ((uint32_t)in->rs << 11) |
           (((uint32_t)in->imm & 0x1fffu) << 16) | ((uint32_t)in->flag << 29) | ((uint32_t)in->cond << 30);
}

static Insn decode(uint32_t w)
{
    Insn in;
    in.op = w & 0x3fu;
    in.rd = (w >> 6) & 0x1fu;
    in.rs = (w >> 11) & 0x1fu;
    in.imm = wrap_signed((int64_t)((w >> 16) & 0x1fffu), 13);
    in.flag = (w >> 29) & 1u;
    in.cond = (w >> 30) & 3u;
    return in;
}

static double value_as_double(const Value *v)
{
    switch (v->tag) {
    case V_INT: return (double)v->u.i;
    case V_DBL: return v->u.d;
    case V_PAIR: return (double)v->u.pair.lo + (double)v->u.pair.hi * 65536.0;
    default: return (double)strlen(v->u.s);
    }
}

static Value value_add(Value a, Value b)
{
    Value r;
    memset(&r, 0, sizeof r);
    if (a.tag == V_INT && b.tag == V_INT) {
        r.tag = V_INT;
        r.u.i = (int64_t)((uint64_t)a.u.i + (uint64_t)b.u.i);
    } else if (a.tag == V_PAIR && b.tag == V_PAIR) {
        r.tag = V_PAIR;
        r.u.pair.lo = (int32_t)((uint32_t)a.u.pair.lo + (uint32_t)b.u.pair.lo);
        r.u.pair.hi = a.u.pair.hi ^ b.u.pair.hi;
    } else if (a.tag == V_STR && b.tag == V_STR) {
        r.tag = V_STR;
        size_t la = strlen(a.u.s);
        memcpy(r.u.s, a.u.s, la);
        size_t lb = strlen(b.u.s);
        if (la + lb > 15)
            lb = 15 - la;
        memcpy(r.u.s + la, b.u.s, lb);
        r.u.s[la + lb] = '\0';
    } else {
        r.tag = V_DBL;
        r.u.d = value_as_double(&a) + value_as_double(&b);
    }
    return r;
}

int main(void)
{
    /* 1. instruction encode/decode round trips */
    uint32_t seed = 0xdeadbeefu;
    int64_t imm_sum = 0;
    uint32_t mismatches = 0;
    for (int it = 0; it < 15000000; it++) {
        seed = seed * 1664525u + 1013904223u;
        Insn in;
        in.op = seed >> 26;
        in.rd = (seed >> 3) & 31u;
        in.rs = (seed >> 8) & 31u;
        in.imm = wrap_signed((int64_t)(seed >> 13) - 300000, 13);
        in.flag = (seed >> 1) & 1u;
        in.cond = seed & 3u;
        uint32_t w = encode(&in);
        Insn back = decode(w);
        if (back.op != in.op || back.rd != in.rd || back.rs != in.rs || back.imm != in.imm ||
            back.flag != in.flag || back.cond != in.cond)
            mismatches++;
        imm_sum += back.imm;
        mix(w);
    }
    printf("insn: mismatches %u, imm sum %lld, sizeof(Insn)=%zu\n", mismatches, (long long)imm_sum, sizeof(Insn));
    mix((uint32_t)imm_sum);

    /* 2. Packed64 field arithmetic with wrap-around inside the fields */
    Packed64 p = {0, 0, 0, 0, 0};
    int64_t dsum = 0;
    for (int it = 0; it < 3000000; it++) {
        p.id = (p.id + 977u) & 0xfffffu;
        p.delta = wrap_signed((int64_t)p.delta * 3 + it - 40000, 17);
        p.kind = (p.kind + 1u) % 8u;
        p.small = wrap_signed((int64_t)p.small - (it % 5), 7);
        p.rest = (p.rest ^ (uint64_t)it) & 0x1ffffu;
        dsum += p.delta + p.small;
    }
    printf("packed64: id %llu delta %lld kind %llu small %lld rest %llu dsum %lld size %zu\n",
           (unsigned long long)p.id, (long long)p.delta, (unsigned long long)p.kind, (long long)p.small,
           (unsigned long long)p.rest, (long long)dsum, sizeof(Packed64));
    mix((uint32_t)p.id);
    mix((uint32_t)(int32_t)p.delta);
    mix((uint32_t)dsum);

    /* 3. pixels: blend two gradients */
    uint32_t px_hash = 0;
    for (int y = 0; y < 256; y++)
        for (int x = 0; x < 256; x++) {
            Pixel a = {(unsigned)x >> 3, (unsigned)y >> 2, (unsigned)(x ^ y) >> 3, 255, 0};
            Pixel b = {(unsigned)(255 - y) >> 3, (unsigned)x >> 2, 7, (unsigned)x, 0};
            Pixel c;
            c.r = (a.r * a.a + b.r * (255u - a.a + b.a / 2u)) / 255u % 32u;
            c.g = (a.g + b.g) / 2u;
            c.b = (a.b * 3u + b.b) / 4u;
            c.a = (a.a + b.a) / 2u;
            c.pad = 0;
            uint32_t word = (uint32_t)c.b | ((uint32_t)c.g << 5) | ((uint32_t)c.r << 11) | ((uint32_t)c.a << 16);
            px_hash = px_hash * 33u + word;
        }
    printf("pixels: hash %08x\n", (unsigned)px_hash);
    mix(px_hash);

    /* 4. tagged unions */
    Value vals[6];
    memset(vals, 0, sizeof vals);
    vals[0].tag = V_INT; vals[0].u.i = -42;
    vals[1].tag = V_DBL; vals[1].u.d = 2.5;
    vals[2].tag = V_PAIR; vals[2].u.pair.lo = 7; vals[2].u.pair.hi = -3;
    vals[3].tag = V_STR; strcpy(vals[3].u.s, "bit");
    vals[4].tag = V_STR; strcpy(vals[4].u.s, "field");
    vals[5].tag = V_INT; vals[5].u.i = INT64_C(9000000000);
    double dtotal = 0.0;
    for (int i = 0; i < 6; i++)
        for (int j = 0; j < 6; j++) {
            Value r = value_add(vals[i], vals[j]);
            dtotal += value_as_double(&r);
            if (r.tag == V_STR)
                printf("str %d+%d = \"%s\"\n", i, j, r.u.s);
            mix((uint32_t)r.tag);
        }
    printf("tagged union total %.3f\n", dtotal);
    mix((uint32_t)(int64_t)dtotal);

    /* 5. memcpy punning: float bits, byte order, manual double decomposition */
    static const double samples[] = {1.0, -2.5, 0.1, 1e300, -0.0, 3.14159265358979, 6.02214076e23};
    for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        Bits64 b;
        memcpy(&b.u, &samples[i], sizeof b.u);
        unsigned sign = (unsigned)(b.u >> 63);
        int exp = (int)((b.u >> 52) & 0x7ffu) - 1023;
        uint64_t mant = b.u & ((1ull << 52) - 1);
        unsigned char bytes[8];
        memcpy(bytes, &b, sizeof bytes);
        printf("%-12g bits %016llx sign %u exp %5d mant %013llx lowbyte %02x\n", samples[i],
               (unsigned long long)b.u, sign, exp, (unsigned long long)mant, bytes[0]);
        mix((uint32_t)b.u ^ (uint32_t)(b.u >> 32));
    }
    float f = 1.5f;
    uint32_t fu;
    memcpy(&fu, &f, sizeof fu);
    fu += 1u; /* next representable float */
    memcpy(&f, &fu, sizeof f);
    printf("nextafter(1.5f) via bits = %.10f (bits %08x)\n", (double)f, (unsigned)fu);
    mix(fu);

    printf("checksum: 0x%08x\n", (unsigned)h32);
    return 0;
}
