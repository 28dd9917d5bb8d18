/* libm coverage and numerical methods: Simpson/trapezoid/Romberg/Gauss-Legendre integration, Newton, series, ODE (RK4). */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

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

typedef double (*fn1)(double);

static double f_gauss(double x) { return exp(-x * x); }
static double f_sinc(double x) { return x == 0.0 ? 1.0 : sin(x) / x; }
static double f_log1(double x) { return log(1.0 + x) / (1.0 + x * x); }
static double f_pow(double x) { return pow(x, 1.5) * cos(x); }
static double f_hyp(double x) { return hypot(x, 1.0 - x) + atan2(x, 2.0 - x); }
static double f_sqrt(double x) { return sqrt(1.0 - x * x); }
static double f_mix(double x) { return fabs(sin(7.0 * x)) + floor(3.0 * x) * 0.25 + fmod(x, 0.3); }
static double f_tanh(double x) { return tanh(x) * exp2(-x) + log10(1.0 + x) + cbrt(x); }

static double trapezoid(fn1 f, double a, double b, int n)
{
    double h = (b - a) / n, s = 0.5 * (f(a) + f(b));
    for (int i = 1; i < n; i++)
        s += f(a + i * h);
    return s * h;
}

static double simpson(fn1 f, double a, double b, int n)
{
    double h = (b - a) / n, s = f(a) + f(b);
    for (int i = 1; i < n; i++)
        s += f(a + i * h) * ((i & 1) ? 4.0 : 2.0);
    return s * h / 3.0;
}

static double romberg(fn1 f, double a, double b, int levels)
{
    double R[16][16];
    double h = b - a;
    R[0][0] = 0.5 * h * (f(a) + f(b));
    for (int i = 1; i < levels; i++) {
        h *= 0.5;
        double s = 0.0;
        long pts = 1L << (i - 1);
        for (long k = 1; k <= pts; k++)
            s += f(a + (double)(2 * k - 1) * h);
        R[i][0] = 0.5 * R[i - 1][0] + h * s;
        double p4 = 1.0;
        for (int j = 1; j <= i; j++) {
            p4 *= 4.0;
            R[i][j] = R[i][j - 1] + (R[i][j - 1] - R[i - 1][j - 1]) / (p4 - 1.0);
        }
    }
    return R[levels - 1][levels - 1];
}

/* 5-point Gauss-Legendre on many panels */
static double gauss_legendre(fn1 f, double a, double b, int panels)
{
    static const double xs[5] = {0.0, -0.5384693101056831, 0.5384693101056831, -0.9061798459386640,
                                 0.9061798459386640};
    static const double ws[5] = {0.5688888888888889, 0.4786286704993665, 0.4786286704993665,
                                 0.2369268850561891, 0.2369268850561891};
    double h = (b - a) / panels, total = 0.0;
    for (int p = 0; p < panels; p++) {
        double lo = a + p * h, mid = lo + 0.5 * h;
        double s = 0.0;
        for (int k = 0; k < 5; k++)
            s += ws[k] * f(mid + 0.5 * h * xs[k]);
        total += 0.5 * h * s;
    }
    return total;
}

/* Newton iteration for x - cos(x) = 0 and for cube roots */
static double newton_dottie(void)
{
    double x = 1.0;
    for (int i = 0; i < 50; i++)
        x -= (x - cos(x)) / (1.0 + sin(x));
    return x;
}

/* RK4 for the damped pendulum theta'' = -sin(theta) - 0.1 theta' */
static void rk4_pendulum(double *theta, double *omega, double dt, int steps)
{
    double th = *theta, om = *omega;
    for (int i = 0; i < steps; i++) {
        double k1t = om, k1o = -sin(th) - 0.1 * om;
        double k2t = om + 0.5 * dt * k1o, k2o = -sin(th + 0.5 * dt * k1t) - 0.1 * (om + 0.5 * dt * k1o);
        double k3t = om + 0.5 * dt * k2o, k3o = -sin(th + 0.5 * dt * k2t) - 0.1 * (om + 0.5 * dt * k2o);
        double k4t = om + dt * k3o, k4o = -sin(th + dt * k3t) - 0.1 * (om + dt * k3o);
        th += dt / 6.0 * (k1t + 2.0 * k2t + 2.0 * k3t + k4t);
        om += dt / 6.0 * (k1o + 2.0 * k2o + 2.0 * k3o + k4o);
    }
    *theta = th;
    *omega = om;
}

static float float_series(int terms)
{
    /* float-only arithmetic: Leibniz-like series with sqrtf/sinf */
    float s = 0.0f;
    for (int k = 0; k < terms; k++) {
        float t = 1.0f / (float)(2 * k + 1);
        s += (k & 1) ? -t : t;
    }
    return 4.0f * s + sqrtf(2.0f) * sinf(0.25f) - expf(-1.0f) + logf(3.0f) - powf(2.0f, 0.5f);
}

int main(void)
{
    static const struct {
        const char *name;
        fn1 f;
        double a, b;
    } cases[] = {
        {"exp(-x^2)", f_gauss, 0.0, 3.0},      {"sinc", f_sinc, 0.0, 20.0},
        {"log(1+x)/(1+x^2)", f_log1, 0.0, 1.0}, {"x^1.5 cos x", f_pow, 0.0, 4.0},
        {"hypot+atan2", f_hyp, 0.0, 1.0},      {"sqrt(1-x^2)", f_sqrt, -1.0, 1.0},
        {"mixed", f_mix, 0.0, 2.0},            {"tanh/exp2/log10/cbrt", f_tanh, 0.0, 2.0},
    };
    const int ncases = (int)(sizeof cases / sizeof cases[0]);
    for (int c = 0; c < ncases; c++) {
        double t = trapezoid(cases[c].f, cases[c].a, cases[c].b, 500000);
        double s = simpson(cases[c].f, cases[c].a, cases[c].b, 500000);
        double r = romberg(cases[c].f, cases[c].a, cases[c].b, 15);
        double g = gauss_legendre(cases[c].f, cases[c].a, cases[c].b, 60000);
        emit("%-22s trap %.9f simp %.9f romb %.9f gauss %.9f\n", cases[c].name, t, s, r, g);
    }
    emit("pi estimate from sqrt(1-x^2): %.10f (error %.2e)\n",
         2.0 * simpson(f_sqrt, -1.0, 1.0, 400000), fabs(2.0 * simpson(f_sqrt, -1.0, 1.0, 400000) - 3.14159265358979323846));
    emit("dottie number %.15f\n", newton_dottie());

    double th = 2.0, om = 0.0;
    rk4_pendulum(&th, &om, 0.001, 50000);
    emit("pendulum after 50s: theta %.9f omega %.9f\n", th, om);

    /* assorted libm functions on a grid */
    double acc = 0.0;
    for (int i = -500; i <= 500; i++) {
        double x = i * 0.013;
        acc += sin(x) * cos(2.0 * x) + atan(x) + exp(x * 0.1) - log1p(fabs(x)) + ceil(x) - floor(x * 2.0) +
               fmod(x, 0.7) + asin(x / 7.0) + acos(x / 7.5) + sinh(x * 0.5) - cosh(x * 0.25) + expm1(x * 0.01) +
               round(x * 3.0) + trunc(x * 5.0) + fmin(x, 0.5) + fmax(x, -0.5) + copysign(1.5, x) + ldexp(x, 3);
    }
    emit("libm grid accumulator %.9f\n", acc);
    int ex;
    double mant = frexp(1234.5678, &ex);
    double ip;
    double fp = modf(-3.75, &ip);
    emit("frexp %.12f * 2^%d, modf %.3f + %.3f, nearbyint(2.5)=%.1f\n", mant, ex, ip, fp, nearbyint(2.5));
    emit("float series %.5f\n", (double)float_series(2000000));
    printf("checksum: 0x%08x\n", (unsigned)out_hash);
    return 0;
}
