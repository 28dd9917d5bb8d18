/* Own variadic functions (stdarg: va_start/va_arg/va_end/va_copy) with mixed int/long/double/pointer args, plus vprintf/vsnprintf forwarding. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t ck = 2166136261u;
static void hash_bytes(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ck ^= (unsigned char)s[i];
        ck *= 16777619u;
    }
}

/* forwarding wrapper around vprintf that also hashes what it prints (vsnprintf first, via va_copy) */
static int logf_hashed(const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    char buf[512];
    int n = vsnprintf(buf, sizeof buf, fmt, ap2);
    va_end(ap2);
    if (n > 0)
        hash_bytes(buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
    int m = vprintf(fmt, ap);
    va_end(ap);
    return m == n ? n : -1;
}

/* a second level of forwarding: takes a va_list */
static int vformat_into(char *dst, size_t cap, const char *prefix, const char *fmt, va_list ap)
{
    int p = snprintf(dst, cap, "%s", prefix);
    if (p < 0 || (size_t)p >= cap)
        return p;
    int q = vsnprintf(dst + p, cap - (size_t)p, fmt, ap);
    return q < 0 ? q : p + q;
}

static int format_into(char *dst, size_t cap, const char *prefix, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = vformat_into(dst, cap, prefix, fmt, ap);
    va_end(ap);
    return r;
}

/* sum of n ints */
static long sum_ints(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    long s = 0;
    for (int i = 0; i < n; i++)
        s += va_arg(ap, int);
    va_end(ap);
    return s;
}

/* mixed arguments described by a type string: i=int, l=long, L=long long, u=unsigned, d=double,
   p=pointer to int, s=string, c=char (promoted to int), z=size_t */
static double sum_typed(const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    double total = 0.0;
    for (const char *t = types; *t; t++) {
        switch (*t) {
        case 'i': total += va_arg(ap, int); break;
        case 'l': total += (double)va_arg(ap, long); break;
        case 'L': total += (double)va_arg(ap, long long); break;
        case 'u': total += va_arg(ap, unsigned); break;
        case 'd': total += va_arg(ap, double); break;
        case 'p': { int *p = va_arg(ap, int *); total += *p; *p += 1; break; }
        case 's': total += (double)strlen(va_arg(ap, const char *)); break;
        case 'c': total += (char)va_arg(ap, int); break;
        case 'z': total += (double)va_arg(ap, size_t); break;
        default: break;
        }
    }
    va_end(ap);
    return total;
}

/* two passes over the same arguments using va_copy: mean and variance of n doubles */
static void stats(double *mean, double *var, int n, ...)
{
    va_list ap, again;
    va_start(ap, n);
    va_copy(again, ap);
    double s = 0.0;
    for (int i = 0; i < n; i++)
        s += va_arg(ap, double);
    double m = s / n;
    double v = 0.0;
    for (int i = 0; i < n; i++) {
        double d = va_arg(again, double) - m;
        v += d * d;
    }
    va_end(again);
    va_end(ap);
    *mean = m;
    *var = v / n;
}

/* NULL-terminated list of strings joined with a separator */
static size_t join(char *out, size_t cap, const char *sep, ...)
{
    va_list ap;
    va_start(ap, sep);
    size_t len = 0;
    out[0] = '\0';
    const char *s;
    int first = 1;
    while ((s = va_arg(ap, const char *)) != NULL) {
        size_t need = strlen(s) + (first ? 0 : strlen(sep));
        if (len + need + 1 > cap)
            break;
        if (!first) {
            memcpy(out + len, sep, strlen(sep));
            len += strlen(sep);
        }
        memcpy(out + len, s, strlen(s));
        len += strlen(s);
        out[len] = '\0';
        first = 0;
    }
    va_end(ap);
    return len;
}

/* a tiny printf-like formatter of our own: %d %u %x %l(d) %s %c %% and %f via snprintf of one double */
static int my_format(char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t o = 0;
#define PUTC(ch) do { if (o + 1 < cap) out[o] = (ch); o++; } while (0)
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            PUTC(*p);
            continue;
        }
        p++;
        int is_long = 0;
        if (*p == 'l') {
            is_long = 1;
            p++;
        }
        char tmp[64];
        size_t tn = 0;
        switch (*p) {
        case 'd': {
            long long v = is_long ? va_arg(ap, long) : va_arg(ap, int);
            unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
            do { tmp[tn++] = (char)('0' + u % 10u); u /= 10u; } while (u);
            if (v < 0) tmp[tn++] = '-';
            while (tn) PUTC(tmp[--tn]);
            break;
        }
        case 'u':
        case 'x': {
            unsigned long long u = is_long ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
            unsigned base = *p == 'x' ? 16u : 10u;
            do { tmp[tn++] = "0123456789abcdef"[u % base]; u /= base; } while (u);
            while (tn) PUTC(tmp[--tn]);
            break;
        }
        case 's': { const char *s = va_arg(ap, const char *); while (*s) PUTC(*s++); break; }
        case 'c': PUTC((char)va_arg(ap, int)); break;
        case 'f': {
            int k = snprintf(tmp, sizeof tmp, "%.4f", va_arg(ap, double));
            for (int i = 0; i < k; i++) PUTC(tmp[i]);
            break;
        }
        case '%': PUTC('%'); break;
        default: PUTC('?'); break;
        }
    }
#undef PUTC
    va_end(ap);
    if (cap)
        out[o < cap ? o : cap - 1] = '\0';
    return (int)o;
}

/* variadic function receiving a struct pointer and float (promoted to double) args */
typedef struct { int x, y; } Pt;
static double path_length(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    double len = 0.0;
    const Pt *prev = va_arg(ap, const Pt *);
    for (int i = 1; i < n; i++) {
        const Pt *cur = va_arg(ap, const Pt *);
        double scale = va_arg(ap, double); /* passed as float, promoted */
        long dx = labs((long)cur->x - prev->x), dy = labs((long)cur->y - prev->y);
        len += (double)(dx + dy) * scale;
        prev = cur;
    }
    va_end(ap);
    return len;
}

int main(void)
{
    logf_hashed("sum_ints: %ld %ld %ld\n", sum_ints(0), sum_ints(3, 1, 2, 3), sum_ints(10, -1, 2, -3, 4, -5, 6, -7, 8, -9, 10));
    int counter = 5;
    double t = sum_typed("ilLudpsczd", 7, -70000000000L, 123456789012345LL, 4000000000u, 2.5, &counter, "hello", 'A',
                         (size_t)99, -0.25);
    logf_hashed("sum_typed: %.3f (counter now %d)\n", t, counter);
    double mean, var;
    stats(&mean, &var, 8, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.5);
    logf_hashed("stats: mean %.6f var %.6f\n", mean, var);
    char buf[256];
    size_t jl = join(buf, sizeof buf, ", ", "alpha", "beta", "gamma", "delta", (const char *)NULL);
    logf_hashed("join: \"%s\" (%zu)\n", buf, jl);
    int fl = format_into(buf, sizeof buf, "[prefix] ", "%d-%s-%5.2f-%c-%llx", 42, "mid", 3.14159, 'z', 0xabcdefULL);
    logf_hashed("format_into: %s (%d)\n", buf, fl);
    int ml = my_format(buf, sizeof buf, "my: %d %ld %u %x %lx %s %c %f 100%%", -12345, -9876543210L, 4000000000u, 0xbeefu,
                       0x123456789abcUL, "str", '!', -2.5);
    logf_hashed("%s (%d)\n", buf, ml);
    Pt a = {0, 0}, b = {3, 4}, c = {-2, 10}, d = {7, -1};
    logf_hashed("path_length: %.4f\n", path_length(4, &a, &b, 1.5f, &c, 0.5f, &d, 2.0f));
    logf_hashed("formats: %x %lx %llu %hhd %hu %5.3f %e %g %o %+d %-6s| %08.3f %#x\n", 255u, 0xdeadbeefUL,
                18446744073709551615ULL, (signed char)-100, (unsigned short)65535, 3.14159, 12345.678, 0.0001234, 8u, 5,
                "ab", -3.5, 48879u);

    /* heavy loop: many variadic calls with mixed argument classes */
    double acc = 0.0;
    long iacc = 0;
    uint32_t r = 7u;
    int cnt = 0;
    for (int rep = 0; rep < 4000000; rep++) {
        r = r * 1664525u + 1013904223u;
        int v = (int)(r >> 16) - 32768;
        iacc += sum_ints(8, v, v + 1, v ^ 5, -v, (int)(r & 255u), 1, 2, 3);
        acc += sum_typed("idlipd", v, (double)v * 0.5, (long)r, 3, &cnt, 1.0 / (1 + (r & 7u)));
        if ((rep & 31) == 0) {
            double m2, v2;
            stats(&m2, &v2, 10, 1.0 * v, 2.0, 3.5, (double)(r & 1023u), -4.0, 6.0, 0.5, 9.0, 10.0, (double)rep);
            acc += m2 + v2 * 1e-6;
            int n = my_format(buf, sizeof buf, "%d:%x:%s:%ld", v, r, (r & 1u) ? "odd" : "even", (long)rep * 1000);
            hash_bytes(buf, (size_t)n);
            n = format_into(buf, sizeof buf, "p", "%u/%d/%.2f", r, v, (double)v / 3.0);
            hash_bytes(buf, (size_t)n);
        }
    }
    logf_hashed("heavy: int acc %ld, double acc %.6e, counter %d\n", iacc, acc, cnt);
    printf("checksum: 0x%08x\n", (unsigned)ck);
    return 0;
}
