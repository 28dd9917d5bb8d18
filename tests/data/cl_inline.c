/* Small functions called from loops, as an unoptimised module keeps them: helpers that read
 * and write globals, take the address of a string and of a function, keep a local array,
 * switch over a table, compute with float constants, return a structure, call other
 * functions and themselves; one marked noinline. Built through Cranelift with its small
 * functions inlined (`inline=small`, the default) and without, each prints what clang's build
 * prints, and only without inlining does `hot` still call `step`. */
#include <stdio.h>
#include <string.h>

struct pair {
    long lo, hi;
};

static unsigned long counter = 7;
static const char *names[] = {"zero", "one", "two", "three"};
static double scale = 1.5;

static unsigned long step(unsigned long x)
{
    counter += x & 3;
    return x * 2654435761u + counter;
}

static int classify(int k)
{
    switch (k & 7) {
    case 0: return 11;
    case 1: return 23;
    case 2: return 5;
    case 3: return 42;
    case 4: return 8;
    case 5: return 19;
    default: return -1;
    }
}

static size_t name_length(int k)
{
    const char *name = names[k & 3];
    return strlen(name);
}

static double blend(double a, double b)
{
    return a * 0.25 + b * 0.75 * scale;
}

static struct pair split(long v)
{
    struct pair p = {v & 0xffff, v >> 16};
    return p;
}

static int sum3(int a, int b, int c)
{
    int t[3] = {a, b, c};
    return t[0] + t[1] * 2 + t[2] * 3;
}

static int twice(int (*f)(int), int v)
{
    return f(f(v));
}

static int fact(int n)
{
    return n <= 1 ? 1 : n * fact(n - 1);
}

__attribute__((noinline)) static int kept(int v)
{
    return v ^ 0x5a5a;
}

static int (*pick(int k))(int)
{
    return k & 1 ? classify : kept;
}

__attribute__((noinline)) static unsigned long hot(int n)
{
    unsigned long h = 1469598103u;
    double d = 0.0;
    int k;
    for (k = 0; k < n; k++) {
        struct pair p = split((long)step(h));
        h ^= step((unsigned long)k) + (unsigned long)classify(k) + name_length(k);
        h += (unsigned long)(p.lo + p.hi) + (unsigned long)sum3(k, k + 1, k + 2);
        h += (unsigned long)twice(pick(k), k) + (unsigned long)kept(k) + (unsigned long)fact(k & 7);
        d = blend(d, (double)(h & 1023));
    }
    return h + (unsigned long)d + counter;
}

int main(void)
{
    printf("hot %lu\n", hot(2000000));
    printf("counter %lu\n", counter);
    return 0;
}
