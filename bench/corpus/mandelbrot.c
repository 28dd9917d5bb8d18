/* Mandelbrot/Julia iteration counts in double and float, ASCII rendering, histogram and smooth-colouring sums. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

static uint32_t fnv(uint32_t h, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        h ^= (v >> (8 * i)) & 0xffu;
        h *= 16777619u;
    }
    return h;
}

static int mandel_d(double cr, double ci, int maxit)
{
    double zr = 0.0, zi = 0.0, zr2 = 0.0, zi2 = 0.0;
    int it = 0;
    while (it < maxit && zr2 + zi2 <= 4.0) {
        zi = 2.0 * zr * zi + ci;
        zr = zr2 - zi2 + cr;
        zr2 = zr * zr;
        zi2 = zi * zi;
        it++;
    }
    return it;
}

static int mandel_f(float cr, float ci, int maxit)
{
    float zr = 0.0f, zi = 0.0f;
    int it = 0;
    for (; it < maxit; it++) {
        float zr2 = zr * zr, zi2 = zi * zi;
        if (zr2 + zi2 > 4.0f)
            break;
        float t = zr2 - zi2 + cr;
        zi = 2.0f * zr * zi + ci;
        zr = t;
    }
    return it;
}

static int julia(double zr, double zi, double cr, double ci, int maxit, double *mod)
{
    int it = 0;
    double m = zr * zr + zi * zi;
    while (it < maxit && m <= 256.0) {
        double t = zr * zr - zi * zi + cr;
        zi = 2.0 * zr * zi + ci;
        zr = t;
        m = zr * zr + zi * zi;
        it++;
    }
    *mod = m;
    return it;
}

int main(void)
{
    uint32_t h = 2166136261u;

    /* 1. ASCII render, 72x28 */
    static const char shades[] = " .:-=+*#%@";
    for (int y = 0; y < 28; y++) {
        char line[80];
        for (int x = 0; x < 72; x++) {
            double cr = -2.2 + x * (3.0 / 72.0), ci = -1.2 + y * (2.4 / 28.0);
            int it = mandel_d(cr, ci, 200);
            line[x] = it >= 200 ? '@' : shades[it % 9];
        }
        line[72] = '\0';
        puts(line);
        for (int x = 0; x < 72; x++)
            h = fnv(h, (unsigned char)line[x]);
    }

    /* 2. dense double grid with histogram */
    enum { W = 480, H = 360, MAXIT = 600 };
    uint32_t hist[8] = {0};
    uint64_t total = 0;
    long inside = 0;
    for (int y = 0; y < H; y++) {
        double ci = -1.25 + y * (2.5 / H);
        for (int x = 0; x < W; x++) {
            double cr = -2.25 + x * (3.25 / W);
            int it = mandel_d(cr, ci, MAXIT);
            total += (uint64_t)it;
            if (it == MAXIT)
                inside++;
            hist[it * 8 / (MAXIT + 1)]++;
        }
    }
    printf("double grid: total iterations %llu, inside %ld\n", (unsigned long long)total, inside);
    printf("histogram:");
    for (int i = 0; i < 8; i++) {
        printf(" %u", (unsigned)hist[i]);
        h = fnv(h, hist[i]);
    }
    printf("\n");
    h = fnv(fnv(h, (uint32_t)total), (uint32_t)inside);

    /* 3. float version of a zoomed region (only counts; float rounding is deterministic IEEE) */
    uint64_t ftotal = 0;
    for (int y = 0; y < 200; y++)
        for (int x = 0; x < 200; x++) {
            float cr = -0.75f + (float)x * 0.0005f, ci = 0.05f + (float)y * 0.0005f;
            ftotal += (uint64_t)mandel_f(cr, ci, 400);
        }
    printf("float zoom: total iterations %llu\n", (unsigned long long)ftotal);
    h = fnv(h, (uint32_t)ftotal);

    /* 4. Julia set with smooth colouring sum (printed with limited precision) */
    double smooth = 0.0;
    long escaped = 0;
    for (int y = 0; y < 160; y++)
        for (int x = 0; x < 240; x++) {
            double mod;
            int it = julia(-1.6 + x * (3.2 / 240), -1.0 + y * (2.0 / 160), -0.8, 0.156, 300, &mod);
            if (it < 300) {
                escaped++;
                smooth += it + 1.0 - log(log(sqrt(mod))) / log(2.0);
            }
        }
    char sbuf[64];
    snprintf(sbuf, sizeof sbuf, "%.4f", smooth);
    printf("julia: escaped %ld, smooth sum %s\n", escaped, sbuf);
    h = fnv(h, (uint32_t)escaped);
    for (const char *p = sbuf; *p; p++)
        h = fnv(h, (unsigned char)*p);

    printf("checksum: 0x%08x\n", (unsigned)h);
    return 0;
}
