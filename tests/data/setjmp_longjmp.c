/* Error recovery with setjmp/longjmp, as interpreters do it (Lua's luaD_rawrunprotected):
 * values computed before setjmp and used after its second return, a jump out of a deep
 * recursion, nested handlers, sigsetjmp. Every local written between setjmp and longjmp is
 * volatile, as C requires. */
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

struct handler {
    jmp_buf buf;
    struct handler *prev;
    volatile int status;
};

static struct handler *current;
static unsigned long trace = 1469598103u;

static void note(unsigned long v)
{
    trace = (trace ^ v) * 1099511628211ul;
}

__attribute__((noinline)) static void raise_error(int code)
{
    note((unsigned long)code);
    current->status = code;
    longjmp(current->buf, code);
}

__attribute__((noinline)) static int descend(int n, int fail_at)
{
    if (n == fail_at)
        raise_error(100 + n);
    if (n == 0)
        return 1;
    return descend(n - 1, fail_at) + n % 5;
}

/* Runs descend under a handler; the values a, b and scale are computed before setjmp and
 * read after either return. */
__attribute__((noinline)) static long protected_call(int n, int fail_at, long scale)
{
    struct handler h;
    long a = scale * 3 + n;
    long b = scale ^ (long)fail_at;
    h.prev = current;
    h.status = 0;
    current = &h;
    if (setjmp(h.buf) == 0) {
        long v = descend(n, fail_at);
        current = h.prev;
        return v * a + b;
    }
    current = h.prev;
    return -(long)h.status * a - b;
}

static double g_scale = 1.25;
static long g_blends;

__attribute__((noinline)) static double blend(double u, double v)
{
    g_blends++;
    return u * 0.75 + v * 0.5 - 0.125;
}

/* Doubles computed before setjmp and read only after its second return: every vector
 * register is clobbered by a call, so they live in stack slots, and on the first return's
 * path, where they are dead, the values of its loop of calls need slots too. */
__attribute__((noinline)) static double float_handler(double x, double y, int fail)
{
    struct handler h;
    double a = x * g_scale + y, b = x - y * g_scale, c = x * y + g_scale, d = y / (x + 3.0);
    double e = a * b - g_scale, f = c - d * x;
    h.prev = current;
    h.status = 0;
    current = &h;
    if (setjmp(h.buf) == 0) {
        double p = x + 1.0, q = y + 2.0, r = x * y, t = x - y, u = y * 0.5, w = x * 0.25;
        g_scale = g_scale * 1.0625;
        for (int i = 0; i < 6; i++) {
            p = blend(p, q);
            q = blend(q, r);
            r = blend(r, t);
            t = blend(t, u);
            u = blend(u, w);
            w = blend(w, p);
        }
        if (fail)
            raise_error(3);
        current = h.prev;
        return p + q * 2.0 + r * 3.0 + t * 4.0 + u * 5.0 + w * 6.0;
    }
    current = h.prev;
    return a + b * 2.0 + c * 3.0 + d * 4.0 + e * 5.0 + f * 6.0 + h.status;
}

/* setjmp in a loop: the sums, carried from one iteration to the next, live across each
 * setjmp; neither is written between a setjmp and the longjmp back to it. */
__attribute__((noinline)) static long retry_loop(int n, int fail_every)
{
    struct handler h;
    long acc = 0;
    int failures = 0;
    h.prev = current;
    for (int i = 0; i < n; i++) {
        h.status = 0;
        current = &h;
        if (setjmp(h.buf) == 0) {
            long v = descend(i % 17, i % fail_every == 0 ? i % 17 : -1);
            acc += v * (i + 1);
        } else {
            failures++;
            acc -= h.status;
        }
        current = h.prev;
    }
    return acc * 1000 + failures;
}

/* A handler inside a handler: the inner error is caught by the inner one, then a second
 * error goes to the outer one. */
__attribute__((noinline)) static int nested(int k)
{
    struct handler outer;
    volatile int stage = 0;
    int base = k * 7;
    outer.prev = current;
    outer.status = 0;
    current = &outer;
    if (setjmp(outer.buf) == 0) {
        stage = 1;
        long inner = protected_call(10 + k, 4, k);
        stage = 2;
        note((unsigned long)inner);
        raise_error(7 + k);
        stage = 3;
    }
    current = outer.prev;
    return base + stage * 1000 + outer.status;
}

static sigjmp_buf sigbuf;
static volatile int sig_last;

__attribute__((noinline)) static void sig_fail(int v)
{
    sig_last = v;
    siglongjmp(sigbuf, v);
}

int main(void)
{
    long total = 0;
    for (int i = 0; i < 40; i++) {
        long v = protected_call(20 + i % 9, i % 3 == 0 ? i % 20 : -1, i * 11 + 1);
        note((unsigned long)v);
        total += v;
    }
    printf("protected total %ld\n", total);
    for (int i = 0; i < 6; i++)
        printf("float_handler(%d) = %.9g\n", i, float_handler(i * 0.5 + 1.0, 3.0 - i, i % 2));
    printf("blends %ld\n", g_blends);
    for (int k = 2; k < 6; k++)
        printf("retry_loop(%d) = %ld\n", k, retry_loop(50 + k, k));
    for (int k = 0; k < 5; k++)
        printf("nested(%d) = %d\n", k, nested(k));
    volatile int rounds = 0;
    if (sigsetjmp(sigbuf, 1) != 0)
        rounds = rounds + 100;
    if (sig_last < 4) {
        rounds = rounds + 1;
        sig_fail(sig_last + 1);
    }
    printf("sigsetjmp rounds %d, last %d\n", rounds, sig_last);
    char msg[32];
    snprintf(msg, sizeof msg, "%lu", trace % 1000003ul);
    printf("trace %s (%zu digits)\n", msg, strlen(msg));
    return current != NULL;
}
