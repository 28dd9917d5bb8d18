/* Floating point n-body simulation (5 planets + a generated 64-body cluster) with sqrt, energy and momentum output. */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define PI 3.141592653589793
#define SOLAR_MASS (4.0 * PI * PI)
#define DAYS_PER_YEAR 365.24

typedef struct {
    double x, y, z;
    double vx, vy, vz;
    double mass;
} Body;

static uint32_t out_hash = 2166136261u;

/* print and fold the printed text into the checksum */
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

static Body planets[5] = {
    {0, 0, 0, 0, 0, 0, SOLAR_MASS},
    {4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
     1.66007664274403694e-03 * DAYS_PER_YEAR, 7.69901118419740425e-03 * DAYS_PER_YEAR,
     -6.90460016972063023e-05 * DAYS_PER_YEAR, 9.54791938424326609e-04 * SOLAR_MASS},
    {8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
     -2.76742510726862411e-03 * DAYS_PER_YEAR, 4.99852801234917238e-03 * DAYS_PER_YEAR,
     2.30417297573763929e-05 * DAYS_PER_YEAR, 2.85885980666130812e-04 * SOLAR_MASS},
    {1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
     2.96460137564761618e-03 * DAYS_PER_YEAR, 2.37847173959480950e-03 * DAYS_PER_YEAR,
     -2.96589568540237556e-05 * DAYS_PER_YEAR, 4.36624404335156298e-05 * SOLAR_MASS},
    {1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
     2.68067772490389322e-03 * DAYS_PER_YEAR, 1.62824170038242295e-03 * DAYS_PER_YEAR,
     -9.51592254519715870e-05 * DAYS_PER_YEAR, 5.15138902046611451e-05 * SOLAR_MASS},
};

static void offset_momentum(Body *b, int n)
{
    double px = 0, py = 0, pz = 0;
    for (int i = 0; i < n; i++) {
        px += b[i].vx * b[i].mass;
        py += b[i].vy * b[i].mass;
        pz += b[i].vz * b[i].mass;
    }
    b[0].vx = -px / b[0].mass;
    b[0].vy = -py / b[0].mass;
    b[0].vz = -pz / b[0].mass;
}

static double energy(const Body *b, int n, double soft)
{
    double e = 0.0;
    for (int i = 0; i < n; i++) {
        e += 0.5 * b[i].mass * (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
        for (int j = i + 1; j < n; j++) {
            double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
            e -= b[i].mass * b[j].mass / sqrt(dx * dx + dy * dy + dz * dz + soft);
        }
    }
    return e;
}

static void advance(Body *b, int n, double dt, double soft)
{
    for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
            double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
            double d2 = dx * dx + dy * dy + dz * dz + soft;
            double mag = dt / (d2 * sqrt(d2));
            double mi = b[i].mass * mag, mj = b[j].mass * mag;
            b[i].vx -= dx * mj;
            b[i].vy -= dy * mj;
            b[i].vz -= dz * mj;
            b[j].vx += dx * mi;
            b[j].vy += dy * mi;
            b[j].vz += dz * mi;
        }
    }
    for (int i = 0; i < n; i++) {
        b[i].x += dt * b[i].vx;
        b[i].y += dt * b[i].vy;
        b[i].z += dt * b[i].vz;
    }
}

/* deterministic cluster generator: LCG -> doubles in [0,1) */
static uint64_t lcg = 88172645463325252ull;
static double urand(void)
{
    lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(lcg >> 11) * (1.0 / 9007199254740992.0);
}

#define CLUSTER 64

int main(void)
{
    Body sys[5];
    memcpy(sys, planets, sizeof sys);
    offset_momentum(sys, 5);
    emit("planets: initial energy %.9f\n", energy(sys, 5, 0.0));
    for (int step = 1; step <= 2000000; step++) {
        advance(sys, 5, 0.01, 0.0);
        if (step % 500000 == 0)
            emit("planets: step %6d energy %.9f\n", step, energy(sys, 5, 0.0));
    }
    for (int i = 0; i < 5; i++)
        emit("body %d: pos (%.6f, %.6f, %.6f)\n", i, sys[i].x, sys[i].y, sys[i].z);

    /* a softened random cluster: spherical shell positions via sin/cos */
    static Body cl[CLUSTER];
    for (int i = 0; i < CLUSTER; i++) {
        double r = 1.0 + 4.0 * urand();
        double theta = acos(2.0 * urand() - 1.0);
        double phi = 2.0 * PI * urand();
        cl[i].x = r * sin(theta) * cos(phi);
        cl[i].y = r * sin(theta) * sin(phi);
        cl[i].z = r * cos(theta);
        cl[i].vx = 0.1 * (urand() - 0.5);
        cl[i].vy = 0.1 * (urand() - 0.5);
        cl[i].vz = 0.1 * (urand() - 0.5);
        cl[i].mass = 0.5 + urand();
    }
    offset_momentum(cl, CLUSTER);
    double e0 = energy(cl, CLUSTER, 0.01);
    emit("cluster: initial energy %.6f\n", e0);
    for (int step = 1; step <= 2400; step++) {
        advance(cl, CLUSTER, 0.001, 0.01);
        if (step % 600 == 0)
            emit("cluster: step %d energy %.6f drift %.3e\n", step, energy(cl, CLUSTER, 0.01),
                 fabs(energy(cl, CLUSTER, 0.01) - e0));
    }
    double cx = 0, cy = 0, cz = 0, m = 0;
    for (int i = 0; i < CLUSTER; i++) {
        cx += cl[i].x * cl[i].mass;
        cy += cl[i].y * cl[i].mass;
        cz += cl[i].z * cl[i].mass;
        m += cl[i].mass;
    }
    emit("cluster: mass %.6f centre (%.6f, %.6f, %.6f)\n", m, cx / m, cy / m, cz / m);
    printf("checksum: 0x%08x\n", (unsigned)out_hash);
    return 0;
}
