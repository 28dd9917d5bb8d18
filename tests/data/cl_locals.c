/* Local variables of every scalar type, as an unoptimised build keeps them (each in an
 * alloca): assigned in loops and branches, read where paths meet, some whose address escapes
 * (written through a pointer by a callee), one read through a union as another type, and,
 * in a function that calls setjmp, locals written between setjmp and longjmp and read after
 * the second return: at -O0 they are in memory and read as written. */
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

static jmp_buf env;

__attribute__((noinline)) static void bump(long *p, int by)
{
    *p += by;
}

__attribute__((noinline)) static void fail(int code)
{
    longjmp(env, code);
}

/* Only scalar locals whose address never escapes. */
__attribute__((noinline)) static unsigned long mix(unsigned n)
{
    unsigned long h = 1469598103u;
    unsigned i;
    int s = -3;
    short sh = 7;
    signed char c = -2;
    _Bool odd = 0;
    long long ll = 1;
    for (i = 0; i < n; i++) {
        odd = !odd;
        if (odd) {
            s = s * 5 + (int)i;
            sh = (short)(sh * 3 + 1);
        } else {
            c = (signed char)(c + (signed char)i);
            ll = ll * 3 - (long long)i;
        }
        h = (h ^ (unsigned long)s ^ ((unsigned long)(unsigned short)sh << 16)
             ^ ((unsigned long)(unsigned char)c << 32) ^ (unsigned long)ll) * 1099511628211ul;
    }
    return h + (unsigned long)odd;
}

__attribute__((noinline)) static double wave(int n)
{
    double x = 0.5, sum = 0.0;
    float f = 1.25f;
    const char *p = "locals";
    int k;
    for (k = 0; k < n; k++) {
        x = x * 0.9999 + 0.25 / (k + 1);
        f = f * 0.999f + (float)(k & 3);
        sum += x - f;
        if (*p == 0)
            p = "locals";
        sum += *p++;
    }
    return sum;
}

__attribute__((noinline)) static unsigned __int128 wide(int n)
{
    unsigned __int128 acc = 1;
    int k;
    for (k = 0; k < n; k++)
        acc = acc * 6364136223846793005u + 1442695040888963407u;
    return acc;
}

/* A local whose address escapes, and one read through a union as another type. */
__attribute__((noinline)) static long escapes(int n)
{
    long total = 0;
    union {
        double d;
        unsigned long u;
    } pun;
    int k;
    for (k = 0; k < n; k++)
        bump(&total, k);
    pun.d = (double)total;
    return total + (long)(pun.u >> 40);
}

/* Locals written between setjmp and its second return, not volatile. */
__attribute__((noinline)) static int recover(int n)
{
    int written = 1;
    long steps = 0;
    int code = setjmp(env);
    if (code == 0) {
        for (written = 0; written < n; written++)
            steps += written;
        fail(n);
    }
    return written * 1000 + code + (int)(steps % 1000);
}

int main(void)
{
    unsigned __int128 w = wide(1000);
    printf("mix %lu\n", mix(3000000));
    printf("wave %.6f\n", wave(1000000));
    printf("wide %016llx%016llx\n", (unsigned long long)(w >> 64), (unsigned long long)w);
    printf("escapes %ld\n", escapes(1000));
    printf("recover %d\n", recover(37));
    return 0;
}
