/* Structs passed/returned by value: 8/16/24-byte and large structs, mixed int/float fields, many-argument calls spilling to the stack. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define NOINLINE __attribute__((noinline))

typedef struct { int32_t a, b; } Int2;              /* 8 bytes, INTEGER class */
typedef struct { float x, y; } Float2;              /* 8 bytes, SSE class */
typedef struct { int32_t i; float f; } IntFloat;    /* 8 bytes, mixed in one eightbyte */
typedef struct { double x, y; } Double2;            /* 16 bytes, two SSE eightbytes */
typedef struct { int32_t n; double d; } IntDouble;  /* 16 bytes, INTEGER + SSE */
typedef struct { int64_t a; int64_t b; int64_t c; } Long3;   /* 24 bytes, memory class */
typedef struct { double d; int32_t i; float f; uint16_t s; uint8_t c; } Mixed24;
typedef struct { int64_t v[5]; } Long5;             /* 40 bytes */
typedef struct { char name[12]; int32_t score; double weight; uint8_t tags[6]; } Record; /* array inside */
typedef struct { Double2 pos; Float2 vel; Int2 cell; } Nested;
typedef struct { uint8_t r, g, b; } Rgb;            /* 3 bytes */
typedef struct { int16_t s[3]; } Short3;            /* 6 bytes */

static uint64_t g_hash = 1469598103934665603ull;

static void mix(uint64_t v)
{
    g_hash ^= v;
    g_hash *= 1099511628211ull;
    g_hash ^= g_hash >> 29;
}

static uint64_t dbits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static uint32_t fbits(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

NOINLINE static Int2 int2_add(Int2 p, Int2 q)
{
    Int2 r = {(int32_t)((uint32_t)p.a + (uint32_t)q.a), (int32_t)((uint32_t)p.b ^ (uint32_t)q.b)};
    return r;
}

NOINLINE static Float2 float2_rot(Float2 v, float c, float s)
{
    Float2 r;
    r.x = v.x * c - v.y * s;
    r.y = v.x * s + v.y * c;
    return r;
}

NOINLINE static IntFloat intfloat_step(IntFloat v)
{
    IntFloat r = {v.i + 3, v.f * 0.5f + (float)(v.i % 7)};
    return r;
}

NOINLINE static Double2 double2_lerp(Double2 a, Double2 b, double t)
{
    return (Double2){a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t};
}

NOINLINE static IntDouble intdouble_acc(IntDouble acc, IntDouble v)
{
    acc.n += v.n;
    acc.d += v.d * (double)v.n;
    return acc;
}

NOINLINE static Long3 long3_mix(Long3 a, Long3 b)
{
    Long3 r;
    r.a = a.a - b.c;
    r.b = (int64_t)((uint64_t)a.b * 3u + (uint64_t)b.b);
    r.c = a.c / 3 + b.a % 1000;
    return r;
}

NOINLINE static Mixed24 mixed_update(Mixed24 m, int k)
{
    m.d = m.d * 0.75 + k;
    m.i = m.i * 2 % 100003 + k;
    m.f = m.f + (float)k * 0.125f;
    m.s = (uint16_t)(m.s * 31u + (unsigned)k);
    m.c = (uint8_t)(m.c + 7u);
    return m;
}

NOINLINE static Long5 long5_scan(Long5 v)
{
    Long5 r;
    int64_t run = 0;
    for (int i = 0; i < 5; i++) {
        run += v.v[i];
        r.v[i] = run - (int64_t)i * 17;
    }
    return r;
}

NOINLINE static Record record_bump(Record r, int delta)
{
    r.score += delta;
    r.weight *= 1.0625;
    if (r.weight > 1000.0)
        r.weight *= 0.001;
    for (int i = 0; i < 6; i++)
        r.tags[i] = (uint8_t)(r.tags[i] + i + delta);
    r.name[delta % 10] = (char)('a' + delta % 26);
    return r;
}

NOINLINE static Nested nested_move(Nested n, double dt)
{
    n.pos.x += n.vel.x * dt;
    n.pos.y += n.vel.y * dt;
    n.cell.a = (int32_t)(n.pos.x * 4.0);
    n.cell.b = (int32_t)(n.pos.y * 4.0);
    n.vel.x *= -0.9f;
    return n;
}

NOINLINE static Rgb rgb_blend(Rgb a, Rgb b)
{
    Rgb r = {(uint8_t)((a.r + b.r) / 2), (uint8_t)((a.g + b.g) / 2), (uint8_t)((a.b + b.b + 1) / 2)};
    return r;
}

NOINLINE static Short3 short3_neg(Short3 s)
{
    for (int i = 0; i < 3; i++)
        s.s[i] = (int16_t)(-s.s[i] / 2 + i);
    return s;
}

/* 10 integer-class args + 10 double args: several must be passed on the stack */
NOINLINE static int64_t many_ints(int a, int b, int c, int d, int e, int f, int g, int h, long i, long j)
{
    return (int64_t)a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 10 * j;
}

NOINLINE static double many_doubles(double a, double b, double c, double d, double e, double f, double g,
                                    double h, double i, double j, double k)
{
    return a - b + c * 0.5 - d + e * 0.25 - f + g * 0.125 - h + i * 2.0 - j + k * 0.0625;
}

/* mix of everything, structs both in registers and on the stack */
NOINLINE static Double2 kitchen_sink(int i1, Double2 p, int i2, Long5 big, double d1, Int2 q, float f1,
                                     IntDouble idd, int i3, int i4, int i5, int i6, int i7, double d2,
                                     double d3, double d4, double d5, double d6, double d7, double d8,
                                     double d9, Float2 fv, Mixed24 m, int i8)
{
    double sx = p.x + d1 + d2 + d3 + d4 + d5 + d6 + d7 + d8 + d9 + (double)f1 + (double)fv.x + m.d;
    int64_t si = (int64_t)i1 + i2 + i3 + i4 + i5 + i6 + i7 + i8 + q.a + q.b + idd.n + m.i + m.s + m.c;
    for (int k = 0; k < 5; k++)
        si += big.v[k] % 1000;
    Double2 r = {sx, p.y + (double)si + idd.d + (double)fv.y + (double)m.f};
    return r;
}

int main(void)
{
    Int2 i2 = {1, 2};
    Float2 f2 = {1.0f, 0.0f};
    IntFloat ifl = {0, 1.0f};
    Double2 d2a = {0.0, 0.0}, d2b = {10.0, -4.0};
    IntDouble idd = {0, 0.0};
    Long3 l3 = {1000000007, -5, 123456789012345};
    Mixed24 m24 = {1.5, 7, 0.5f, 3, 9};
    Long5 l5 = {{1, -2, 3, -4, 5}};
    Record rec = {"record-one", 10, 2.0, {1, 2, 3, 4, 5, 6}};
    Nested nest = {{0.5, 0.25}, {1.5f, -0.75f}, {0, 0}};
    Rgb col = {10, 200, 33};
    Short3 sh = {{1000, -2000, 3000}};

    int64_t isum = 0;
    double dsum = 0.0;
    for (int it = 0; it < 2500000; it++) {
        i2 = int2_add(i2, (Int2){it, it * 3});
        f2 = float2_rot(f2, 0.9998f, 0.0199987f);
        ifl = intfloat_step(ifl);
        if (ifl.i > 1000000)
            ifl.i = 0;
        d2a = double2_lerp(d2a, d2b, 0.001);
        idd = intdouble_acc(idd, (IntDouble){it & 15, 0.5});
        l3 = long3_mix(l3, (Long3){it, (int64_t)it * 7, 3});
        m24 = mixed_update(m24, it & 7);
        if ((it & 1023) == 0) {
            l5 = long5_scan(l5);
            for (int k = 0; k < 5; k++)
                l5.v[k] %= 1000003;
            rec = record_bump(rec, it % 13);
            col = rgb_blend(col, (Rgb){(uint8_t)it, (uint8_t)(it >> 3), (uint8_t)(it >> 5)});
            sh = short3_neg(sh);
        }
        nest = nested_move(nest, 0.0001);
        isum += many_ints(it, 1, -2, 3, -4, 5, -6, 7, (long)it * 2, -9L);
        dsum += many_doubles(it * 0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0);
        if ((it & 4095) == 0) {
            Double2 k = kitchen_sink(it, d2a, 2, l5, 0.5, i2, 0.25f, idd, 3, 4, 5, 6, 7, 1.0, 2.0, 3.0, 4.0, 5.0,
                                     6.0, 7.0, 8.0, f2, m24, 8);
            dsum += k.x * 1e-3 + k.y * 1e-9;
        }
    }

    printf("Int2 {%d, %d}\n", (int)i2.a, (int)i2.b);
    printf("Float2 {%.5f, %.5f}\n", (double)f2.x, (double)f2.y);
    printf("IntFloat {%d, %.4f}\n", (int)ifl.i, (double)ifl.f);
    printf("Double2 {%.9f, %.9f}\n", d2a.x, d2a.y);
    printf("IntDouble {%d, %.3f}\n", (int)idd.n, idd.d);
    printf("Long3 {%lld, %lld, %lld}\n", (long long)l3.a, (long long)l3.b, (long long)l3.c);
    printf("Mixed24 {%.6f, %d, %.3f, %hu, %hhu}\n", m24.d, (int)m24.i, (double)m24.f, m24.s, m24.c);
    printf("Long5 {%lld, %lld, %lld, %lld, %lld}\n", (long long)l5.v[0], (long long)l5.v[1],
           (long long)l5.v[2], (long long)l5.v[3], (long long)l5.v[4]);
    printf("Record {\"%.11s\", %d, %.6f, [%u %u %u %u %u %u]}\n", rec.name, (int)rec.score, rec.weight,
           rec.tags[0], rec.tags[1], rec.tags[2], rec.tags[3], rec.tags[4], rec.tags[5]);
    printf("Nested {(%.6f, %.6f), (%.6f, %.6f), (%d, %d)}\n", nest.pos.x, nest.pos.y, (double)nest.vel.x,
           (double)nest.vel.y, (int)nest.cell.a, (int)nest.cell.b);
    printf("Rgb {%u, %u, %u} Short3 {%d, %d, %d}\n", col.r, col.g, col.b, sh.s[0], sh.s[1], sh.s[2]);
    printf("many_ints sum %lld, many_doubles sum %.6f\n", (long long)isum, dsum);

    mix((uint64_t)(uint32_t)i2.a | ((uint64_t)(uint32_t)i2.b << 32));
    mix(fbits(f2.x) ^ ((uint64_t)fbits(f2.y) << 32));
    mix((uint64_t)ifl.i ^ fbits(ifl.f));
    mix(dbits(d2a.x) ^ dbits(d2a.y));
    mix((uint64_t)idd.n ^ dbits(idd.d));
    mix((uint64_t)l3.a ^ (uint64_t)l3.b ^ (uint64_t)l3.c);
    mix(dbits(m24.d) ^ (uint64_t)m24.i ^ fbits(m24.f) ^ m24.s ^ m24.c);
    for (int k = 0; k < 5; k++)
        mix((uint64_t)l5.v[k]);
    for (int k = 0; k < 12; k++)
        mix((unsigned char)rec.name[k]);
    mix((uint64_t)rec.score ^ dbits(rec.weight));
    mix(dbits(nest.pos.x) ^ dbits(nest.pos.y) ^ (uint64_t)nest.cell.a ^ (uint64_t)nest.cell.b);
    mix((uint64_t)col.r << 16 | (uint64_t)col.g << 8 | col.b);
    mix((uint64_t)(uint16_t)sh.s[0] ^ ((uint64_t)(uint16_t)sh.s[1] << 16) ^ ((uint64_t)(uint16_t)sh.s[2] << 32));
    mix((uint64_t)isum);
    char buf[64];
    snprintf(buf, sizeof buf, "%.6f", dsum);
    for (char *p = buf; *p; p++)
        mix((unsigned char)*p);
    printf("checksum: 0x%016llx\n", (unsigned long long)g_hash);
    return 0;
}
