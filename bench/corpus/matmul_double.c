/* Dense double linear algebra: naive/transposed/blocked matrix multiply, LU with partial pivoting, solve, determinant, power iteration. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 200

static uint32_t out_hash = 2166136261u;

static void emit(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    for (int i = 0; i < n && i < (int)sizeof buf; i++) {
        out_hash ^= (unsigned char)buf[i];
        out_hash *= 16777619u;
    }
    fputs(buf, stdout);
}

static uint32_t seed = 1u;
static double rnd(void)
{
    seed = seed * 1103515245u + 12345u;
    return ((double)((seed >> 8) & 0xffffu) / 65536.0) - 0.5;
}

static void matmul_naive(const double *a, const double *b, double *c, int n)
{
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double s = 0.0;
            for (int k = 0; k < n; k++)
                s += a[i * n + k] * b[k * n + j];
            c[i * n + j] = s;
        }
}

static void matmul_ikj(const double *a, const double *b, double *c, int n)
{
    memset(c, 0, (size_t)n * n * sizeof *c);
    for (int i = 0; i < n; i++)
        for (int k = 0; k < n; k++) {
            double aik = a[i * n + k];
            for (int j = 0; j < n; j++)
                c[i * n + j] += aik * b[k * n + j];
        }
}

static void matmul_blocked(const double *a, const double *b, double *c, int n, int bs)
{
    memset(c, 0, (size_t)n * n * sizeof *c);
    for (int ii = 0; ii < n; ii += bs)
        for (int kk = 0; kk < n; kk += bs)
            for (int jj = 0; jj < n; jj += bs)
                for (int i = ii; i < ii + bs && i < n; i++)
                    for (int k = kk; k < kk + bs && k < n; k++) {
                        double aik = a[i * n + k];
                        for (int j = jj; j < jj + bs && j < n; j++)
                            c[i * n + j] += aik * b[k * n + j];
                    }
}

static double max_abs_diff(const double *x, const double *y, int n)
{
    double m = 0.0;
    for (int i = 0; i < n; i++) {
        double d = fabs(x[i] - y[i]);
        if (d > m)
            m = d;
    }
    return m;
}

/* in-place LU decomposition with partial pivoting; returns sign of permutation or 0 if singular */
static int lu_decompose(double *a, int *perm, int n)
{
    int sign = 1;
    for (int i = 0; i < n; i++)
        perm[i] = i;
    for (int col = 0; col < n; col++) {
        int piv = col;
        double best = fabs(a[col * n + col]);
        for (int r = col + 1; r < n; r++)
            if (fabs(a[r * n + col]) > best) {
                best = fabs(a[r * n + col]);
                piv = r;
            }
        if (best == 0.0)
            return 0;
        if (piv != col) {
            for (int j = 0; j < n; j++) {
                double t = a[col * n + j];
                a[col * n + j] = a[piv * n + j];
                a[piv * n + j] = t;
            }
            int t = perm[col];
            perm[col] = perm[piv];
            perm[piv] = t;
            sign = -sign;
        }
        for (int r = col + 1; r < n; r++) {
            double f = a[r * n + col] / a[col * n + col];
            a[r * n + col] = f;
            for (int j = col + 1; j < n; j++)
                a[r * n + j] -= f * a[col * n + j];
        }
    }
    return sign;
}

static void lu_solve(const double *lu, const int *perm, const double *b, double *x, int n)
{
    for (int i = 0; i < n; i++) {
        double s = b[perm[i]];
        for (int j = 0; j < i; j++)
            s -= lu[i * n + j] * x[j];
        x[i] = s;
    }
    for (int i = n - 1; i >= 0; i--) {
        double s = x[i];
        for (int j = i + 1; j < n; j++)
            s -= lu[i * n + j] * x[j];
        x[i] = s / lu[i * n + i];
    }
}

int main(void)
{
    size_t sz = (size_t)N * N;
    double *a = malloc(sz * sizeof *a), *b = malloc(sz * sizeof *b);
    double *c1 = malloc(sz * sizeof *c1), *c2 = malloc(sz * sizeof *c2), *c3 = malloc(sz * sizeof *c3);
    double *lu = malloc(sz * sizeof *lu);
    int *perm = malloc(N * sizeof *perm);
    double *x = malloc(N * sizeof *x), *rhs = malloc(N * sizeof *rhs), *v = malloc(N * sizeof *v);
    if (!a || !b || !c1 || !c2 || !c3 || !lu || !perm || !x || !rhs || !v)
        return 1;

    for (size_t i = 0; i < sz; i++) {
        a[i] = rnd();
        b[i] = rnd();
    }
    for (int i = 0; i < N; i++)
        a[i * N + i] += 4.0; /* make it comfortably non-singular */

    double tr = 0.0;
    for (int rep = 0; rep < 8; rep++) {
        matmul_naive(a, b, c1, N);
        matmul_ikj(a, b, c2, N);
        matmul_blocked(a, b, c3, N, 32);
        tr += c1[rep * N + rep];
    }
    double fro = 0.0, trace = 0.0;
    for (size_t i = 0; i < sz; i++)
        fro += c1[i] * c1[i];
    for (int i = 0; i < N; i++)
        trace += c1[i * N + i];
    emit("C = A*B: frobenius %.8f trace %.8f sampled %.8f\n", sqrt(fro), trace, tr);
    emit("max |naive-ikj| %.3e, max |naive-blocked| %.3e\n", max_abs_diff(c1, c2, (int)sz),
         max_abs_diff(c1, c3, (int)sz));
    emit("C[0][0] %.10f C[%d][%d] %.10f\n", c1[0], N - 1, N - 1, c1[sz - 1]);

    /* LU, determinant (as log|det| and sign), and solving A x = rhs */
    memcpy(lu, a, sz * sizeof *lu);
    int sign = lu_decompose(lu, perm, N);
    double logdet = 0.0;
    for (int i = 0; i < N; i++) {
        if (lu[i * N + i] < 0)
            sign = -sign;
        logdet += log(fabs(lu[i * N + i]));
    }
    emit("det(A): sign %d, log|det| %.9f\n", sign, logdet);
    for (int i = 0; i < N; i++)
        rhs[i] = sin(0.1 * i) + 1.0;
    lu_solve(lu, perm, rhs, x, N);
    double resid = 0.0;
    for (int i = 0; i < N; i++) {
        double s = 0.0;
        for (int j = 0; j < N; j++)
            s += a[i * N + j] * x[j];
        resid += (s - rhs[i]) * (s - rhs[i]);
    }
    double xs = 0.0;
    for (int i = 0; i < N; i++)
        xs += x[i] * (i + 1);
    emit("solve: weighted sum of x %.9f, residual below 1e-20: %s\n", xs, resid < 1e-20 ? "yes" : "no");

    /* power iteration on A^T A for the dominant singular value of A */
    for (int i = 0; i < N; i++)
        v[i] = 1.0;
    double lambda = 0.0;
    for (int it = 0; it < 200; it++) {
        for (int i = 0; i < N; i++) {
            double s = 0.0;
            for (int j = 0; j < N; j++)
                s += a[i * N + j] * v[j];
            x[i] = s;
        }
        double norm = 0.0;
        for (int j = 0; j < N; j++) {
            double s = 0.0;
            for (int i = 0; i < N; i++)
                s += a[i * N + j] * x[i];
            v[j] = s;
            norm += s * s;
        }
        norm = sqrt(norm);
        for (int j = 0; j < N; j++)
            v[j] /= norm;
        lambda = norm;
    }
    emit("largest singular value of A: %.9f\n", sqrt(lambda));

    free(a); free(b); free(c1); free(c2); free(c3); free(lu); free(perm); free(x); free(rhs); free(v);
    printf("checksum: 0x%08x\n", (unsigned)out_hash);
    return 0;
}
