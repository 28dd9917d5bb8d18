/* Vectorizable loops: saxpy/daxpy, int dot products, element-wise min/max/abs, sum/xor/max reductions, int8/int16 kernels, 1-D stencil, prefix sums. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 8192

static float fx[N], fy[N];
static double dx[N], dy[N];
static int32_t ia[N], ib[N], ic[N];
static int16_t sa[N], sb[N], sc[N];
static int8_t ca[N], cb[N];
static uint8_t ua[N], ub[N], uc[N];
static uint32_t wa[N], wb[N];

static uint32_t ck = 2166136261u;
static void mix(uint32_t v)
{
    ck ^= v;
    ck *= 16777619u;
}
static void mix_text(const char *s)
{
    while (*s)
        mix((unsigned char)*s++);
}

static void saxpy(float a, const float *restrict x, float *restrict y, int n)
{
    for (int i = 0; i < n; i++)
        y[i] = a * x[i] + y[i];
}

static void daxpy(double a, const double *restrict x, double *restrict y, int n)
{
    for (int i = 0; i < n; i++)
        y[i] += a * x[i];
}

static int64_t dot_i32(const int32_t *a, const int32_t *b, int n)
{
    int64_t s = 0;
    for (int i = 0; i < n; i++)
        s += (int64_t)a[i] * b[i];
    return s;
}

static int64_t dot_i16(const int16_t *a, const int16_t *b, int n)
{
    int64_t s = 0; /* each product fits in int; the sum is widened */
    for (int i = 0; i < n; i++)
        s += a[i] * b[i];
    return s;
}

static uint32_t sad_u8(const uint8_t *a, const uint8_t *b, int n)
{
    uint32_t s = 0;
    for (int i = 0; i < n; i++)
        s += (uint32_t)(a[i] > b[i] ? a[i] - b[i] : b[i] - a[i]);
    return s;
}

static void minmax_i32(const int32_t *a, const int32_t *b, int32_t *mn, int32_t *mx, int n)
{
    for (int i = 0; i < n; i++) {
        mn[i] = a[i] < b[i] ? a[i] : b[i];
        mx[i] = a[i] > b[i] ? a[i] : b[i];
    }
}

static void avg_u8(const uint8_t *a, const uint8_t *b, uint8_t *out, int n)
{
    for (int i = 0; i < n; i++)
        out[i] = (uint8_t)((a[i] + b[i] + 1) >> 1);
}

static void add_sat_i16(const int16_t *a, const int16_t *b, int16_t *out, int n)
{
    for (int i = 0; i < n; i++) {
        int32_t s = a[i] + b[i];
        out[i] = (int16_t)(s > 32767 ? 32767 : s < -32768 ? -32768 : s);
    }
}

static void stencil3(const double *in, double *out, int n)
{
    out[0] = in[0];
    out[n - 1] = in[n - 1];
    for (int i = 1; i < n - 1; i++)
        out[i] = 0.25 * in[i - 1] + 0.5 * in[i] + 0.25 * in[i + 1];
}

static void stencil5_i32(const int32_t *in, int32_t *out, int n)
{
    for (int i = 2; i < n - 2; i++)
        out[i] = (in[i - 2] + 4 * in[i - 1] + 6 * in[i] + 4 * in[i + 1] + in[i + 2]) >> 4;
}

static void prefix_sum_u32(uint32_t *a, int n)
{
    for (int i = 1; i < n; i++)
        a[i] += a[i - 1];
}

int main(void)
{
    uint32_t s = 0x9e3779b9u;
    for (int i = 0; i < N; i++) {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        fx[i] = (float)(s & 0xffffu) / 65536.0f - 0.5f;
        fy[i] = (float)((s >> 16) & 0xffu) / 256.0f;
        dx[i] = (double)(s % 100000u) / 100000.0 - 0.5;
        dy[i] = (double)(s >> 20) / 4096.0;
        ia[i] = (int32_t)(s % 2000001u) - 1000000;
        ib[i] = (int32_t)((s >> 7) % 20001u) - 10000;
        sa[i] = (int16_t)((int32_t)(s % 4001u) - 2000);
        sb[i] = (int16_t)((int32_t)((s >> 12) % 4001u) - 2000);
        ca[i] = (int8_t)((int32_t)(s % 255u) - 127);
        cb[i] = (int8_t)((int32_t)((s >> 9) % 255u) - 127);
        ua[i] = (uint8_t)s;
        ub[i] = (uint8_t)(s >> 8);
        wa[i] = s & 0xffu;
    }

    double dsum = 0.0;
    float fsum = 0.0f;
    int64_t dot = 0;
    int64_t dot16 = 0, dot8 = 0;
    uint32_t sad = 0, xr = 0;
    int32_t gmax = INT32_MIN, gmin = INT32_MAX;
    uint64_t psum = 0;
    static int32_t mn[N], mx[N];
    static double tmpd[N];
    for (int rep = 0; rep < 2200; rep++) {
        float a = 0.001f * (float)(rep % 7) - 0.002f;
        saxpy(a, fx, fy, N);
        daxpy(1e-4 * (rep % 5 - 2), dx, dy, N);
        dot += dot_i32(ia, ib, N);
        dot16 += dot_i16(sa, sb, N);
        sad += sad_u8(ua, ub, N);
        minmax_i32(ia, ib, mn, mx, N);
        avg_u8(ua, ub, uc, N);
        add_sat_i16(sa, sb, sc, N);
        for (int i = 0; i < N; i++) { /* reductions: xor, max, min */
            xr ^= (uint32_t)mn[i] + (uint32_t)uc[i];
            gmax = mx[i] > gmax ? mx[i] : gmax;
            gmin = mn[i] < gmin ? mn[i] : gmin;
        }
        int32_t d8 = 0;
        for (int i = 0; i < N; i++)
            d8 += ca[i] * cb[i];
        dot8 += d8;
        stencil3(dy, tmpd, N);
        memcpy(dy, tmpd, sizeof dy);
        stencil5_i32(ia, ic, N);
        for (int i = 2; i < N - 2; i++)
            ia[i] = ic[i] + (int32_t)(sc[i] & 7);
        memcpy(wb, wa, sizeof wb);
        prefix_sum_u32(wb, N);
        psum += wb[N - 1] + wb[N / 2];
        for (int i = 0; i < N; i++) { /* mutate int8/int16/uint8 inputs a little */
            ca[i] = (int8_t)(ca[i] ^ (int8_t)(i & 3));
            sa[i] = (int16_t)(sc[i] >> 1);
            ua[i] = (uint8_t)(ua[i] + uc[i]);
        }
    }
    for (int i = 0; i < N; i++) { /* strict-order FP sums (not reassociated) */
        dsum += dy[i];
        fsum += fy[i];
    }
    char line[512];
    snprintf(line, sizeof line,
             "dsum %.9f fsum %.4f dot %lld dot16 %lld dot8 %lld sad %u xor %08x max %d min %d psum %llu\n", dsum,
             (double)fsum, (long long)dot, (long long)dot16, (long long)dot8, (unsigned)sad, (unsigned)xr, (int)gmax,
             (int)gmin, (unsigned long long)psum);
    fputs(line, stdout);
    mix_text(line);
    for (int i = 0; i < N; i += 512) {
        snprintf(line, sizeof line, "i=%4d fy %.6f dy %.9f ia %d sc %d uc %u\n", i, (double)fy[i], dy[i], (int)ia[i],
                 (int)sc[i], (unsigned)uc[i]);
        fputs(line, stdout);
        mix_text(line);
    }
    printf("checksum: 0x%08x\n", (unsigned)ck);
    return 0;
}
