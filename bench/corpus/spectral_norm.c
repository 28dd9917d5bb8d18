/* Spectral norm of the infinite matrix A(i,j)=1/((i+j)(i+j+1)/2+i+1) via power iteration, plus a float variant and Hilbert-matrix CG solve. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t hash_text(uint32_t h, const char *s)
{
    while (*s) {
        h ^= (unsigned char)*s++;
        h *= 16777619u;
    }
    return h;
}

static double eval_a(int i, int j)
{
    return 1.0 / ((double)(i + j) * (i + j + 1) / 2.0 + i + 1);
}

static void mul_av(const double *v, double *out, int n)
{
    for (int i = 0; i < n; i++) {
        double s = 0.0;
        for (int j = 0; j < n; j++)
            s += eval_a(i, j) * v[j];
        out[i] = s;
    }
}

static void mul_atv(const double *v, double *out, int n)
{
    for (int i = 0; i < n; i++) {
        double s = 0.0;
        for (int j = 0; j < n; j++)
            s += eval_a(j, i) * v[j];
        out[i] = s;
    }
}

static void mul_atav(const double *v, double *out, double *tmp, int n)
{
    mul_av(v, tmp, n);
    mul_atv(tmp, out, n);
}

static double spectral_norm(int n)
{
    double *u = malloc((size_t)n * sizeof *u), *v = malloc((size_t)n * sizeof *v);
    double *tmp = malloc((size_t)n * sizeof *tmp);
    if (!u || !v || !tmp)
        exit(1);
    for (int i = 0; i < n; i++)
        u[i] = 1.0;
    for (int i = 0; i < 10; i++) {
        mul_atav(u, v, tmp, n);
        mul_atav(v, u, tmp, n);
    }
    double vbv = 0.0, vv = 0.0;
    for (int i = 0; i < n; i++) {
        vbv += u[i] * v[i];
        vv += v[i] * v[i];
    }
    free(u);
    free(v);
    free(tmp);
    return sqrt(vbv / vv);
}

/* same algorithm in single precision with a precomputed matrix */
static float spectral_norm_f(int n)
{
    float *m = malloc((size_t)n * n * sizeof *m);
    float *u = malloc((size_t)n * sizeof *u), *v = malloc((size_t)n * sizeof *v), *t = malloc((size_t)n * sizeof *t);
    if (!m || !u || !v || !t)
        exit(1);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            m[i * n + j] = (float)eval_a(i, j);
    for (int i = 0; i < n; i++)
        u[i] = 1.0f;
    for (int it = 0; it < 20; it++) {
        float *src = (it & 1) ? v : u, *dst = (it & 1) ? u : v;
        for (int i = 0; i < n; i++) {
            float s = 0.0f;
            for (int j = 0; j < n; j++)
                s += m[i * n + j] * src[j];
            t[i] = s;
        }
        for (int i = 0; i < n; i++) {
            float s = 0.0f;
            for (int j = 0; j < n; j++)
                s += m[j * n + i] * t[j];
            dst[i] = s;
        }
    }
    float vbv = 0.0f, vv = 0.0f;
    for (int i = 0; i < n; i++) {
        vbv += u[i] * v[i];
        vv += v[i] * v[i];
    }
    free(m);
    free(u);
    free(v);
    free(t);
    return sqrtf(vbv / vv);
}

/* conjugate gradient on a shifted Hilbert matrix H + I */
static int cg_hilbert(int n, double *out_norm)
{
    double *x = calloc((size_t)n, sizeof *x), *r = malloc((size_t)n * sizeof *r);
    double *p = malloc((size_t)n * sizeof *p), *ap = malloc((size_t)n * sizeof *ap);
    if (!x || !r || !p || !ap)
        exit(1);
    for (int i = 0; i < n; i++)
        r[i] = p[i] = 1.0 / (1.0 + i);
    double rr = 0.0;
    for (int i = 0; i < n; i++)
        rr += r[i] * r[i];
    int it;
    for (it = 0; it < 200 && rr > 1e-24; it++) {
        for (int i = 0; i < n; i++) {
            double s = p[i];
            for (int j = 0; j < n; j++)
                s += p[j] / (i + j + 1.0);
            ap[i] = s;
        }
        double pap = 0.0;
        for (int i = 0; i < n; i++)
            pap += p[i] * ap[i];
        double alpha = rr / pap, rr2 = 0.0;
        for (int i = 0; i < n; i++) {
            x[i] += alpha * p[i];
            r[i] -= alpha * ap[i];
            rr2 += r[i] * r[i];
        }
        double beta = rr2 / rr;
        for (int i = 0; i < n; i++)
            p[i] = r[i] + beta * p[i];
        rr = rr2;
    }
    double nx = 0.0;
    for (int i = 0; i < n; i++)
        nx += x[i] * x[i];
    *out_norm = sqrt(nx);
    free(x);
    free(r);
    free(p);
    free(ap);
    return it;
}

int main(void)
{
    uint32_t h = 2166136261u;
    char line[128];
    static const int sizes[] = {100, 400, 900};
    for (int k = 0; k < 3; k++) {
        snprintf(line, sizeof line, "spectral norm n=%d: %.9f\n", sizes[k], spectral_norm(sizes[k]));
        fputs(line, stdout);
        h = hash_text(h, line);
    }
    snprintf(line, sizeof line, "float spectral norm n=500: %.5f\n", (double)spectral_norm_f(500));
    fputs(line, stdout);
    h = hash_text(h, line);
    double nrm;
    int its = cg_hilbert(300, &nrm);
    snprintf(line, sizeof line, "CG on H+I (n=300): %d iterations, |x| = %.9f\n", its, nrm);
    fputs(line, stdout);
    h = hash_text(h, line);
    printf("checksum: 0x%08x\n", (unsigned)h);
    return 0;
}
