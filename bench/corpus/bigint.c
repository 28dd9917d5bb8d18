/* Arbitrary precision integers (base 1e9 limbs): factorials, powers, Fibonacci, schoolbook big*big multiply, small division, pi and e spigots. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE 1000000000u

typedef struct {
    uint32_t *d; /* little-endian limbs, each < BASE */
    size_t n, cap;
} Big;

static uint32_t ck = 2166136261u;
static void mix_text(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        ck ^= (unsigned char)s[i];
        ck *= 16777619u;
    }
}

static void big_reserve(Big *b, size_t cap)
{
    if (cap <= b->cap)
        return;
    uint32_t *nd = realloc(b->d, cap * sizeof *nd);
    if (!nd)
        exit(1);
    b->d = nd;
    b->cap = cap;
}

static void big_set(Big *b, uint32_t v)
{
    big_reserve(b, 2);
    b->n = 0;
    if (v >= BASE) {
        b->d[b->n++] = v % BASE;
        b->d[b->n++] = v / BASE;
    } else {
        b->d[b->n++] = v;
    }
}

static void big_trim(Big *b)
{
    while (b->n > 1 && b->d[b->n - 1] == 0)
        b->n--;
}

static void big_mul_small(Big *b, uint32_t m)
{
    uint64_t carry = 0;
    for (size_t i = 0; i < b->n; i++) {
        uint64_t cur = (uint64_t)b->d[i] * m + carry;
        b->d[i] = (uint32_t)(cur % BASE);
        carry = cur / BASE;
    }
    while (carry) {
        big_reserve(b, b->n + 1);
        b->d[b->n++] = (uint32_t)(carry % BASE);
        carry /= BASE;
    }
}

static uint32_t big_div_small(Big *b, uint32_t m)
{
    uint64_t rem = 0;
    for (size_t i = b->n; i-- > 0;) {
        uint64_t cur = b->d[i] + rem * BASE;
        b->d[i] = (uint32_t)(cur / m);
        rem = cur % m;
    }
    big_trim(b);
    return (uint32_t)rem;
}

static void big_add(Big *r, const Big *a, const Big *b) /* r may alias a */
{
    size_t n = a->n > b->n ? a->n : b->n;
    big_reserve(r, n + 1);
    uint32_t carry = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t s = carry + (i < a->n ? a->d[i] : 0) + (i < b->n ? b->d[i] : 0);
        carry = s >= BASE;
        r->d[i] = carry ? s - BASE : s;
    }
    r->n = n;
    if (carry)
        r->d[r->n++] = 1;
}

/* schoolbook product into r (r must not alias) */
static void big_mul(Big *r, const Big *a, const Big *b)
{
    size_t n = a->n + b->n;
    uint64_t *acc = calloc(n + 1, sizeof *acc);
    if (!acc)
        exit(1);
    for (size_t i = 0; i < a->n; i++) {
        uint64_t carry = 0;
        for (size_t j = 0; j < b->n; j++) {
            uint64_t cur = acc[i + j] + (uint64_t)a->d[i] * b->d[j] + carry;
            acc[i + j] = cur % BASE;
            carry = cur / BASE;
        }
        size_t k = i + b->n;
        while (carry) {
            uint64_t cur = acc[k] + carry;
            acc[k] = cur % BASE;
            carry = cur / BASE;
            k++;
        }
    }
    big_reserve(r, n + 1);
    for (size_t i = 0; i < n; i++)
        r->d[i] = (uint32_t)acc[i];
    r->n = n;
    big_trim(r);
    free(acc);
}

static size_t big_to_string(const Big *b, char **out)
{
    size_t cap = b->n * 9 + 2;
    char *s = malloc(cap);
    if (!s)
        exit(1);
    size_t len = (size_t)sprintf(s, "%u", b->d[b->n - 1]);
    for (size_t i = b->n - 1; i-- > 0;)
        len += (size_t)sprintf(s + len, "%09u", b->d[i]);
    *out = s;
    return len;
}

static void report(const char *label, const Big *b)
{
    char *s;
    size_t len = big_to_string(b, &s);
    unsigned digit_sum = 0;
    for (size_t i = 0; i < len; i++)
        digit_sum += (unsigned)(s[i] - '0');
    printf("%-12s %6zu digits, digit sum %6u, head %.20s, tail %s\n", label, len, digit_sum, s,
           len > 20 ? s + len - 20 : s);
    mix_text(s, len);
    free(s);
}

/* pi digits with the Rabinowitz-Wagon spigot */
static void pi_spigot(char *out, int ndigits)
{
    int len = ndigits * 10 / 3 + 2;
    uint32_t *a = malloc((size_t)len * sizeof *a);
    if (!a)
        exit(1);
    for (int i = 0; i < len; i++)
        a[i] = 2;
    int nines = 0, predigit = 0, pos = 0;
    for (int j = 0; j < ndigits; j++) {
        uint32_t q = 0;
        for (int i = len; i > 0; i--) {
            uint32_t x = 10u * a[i - 1] + q * (uint32_t)i;
            a[i - 1] = x % (2u * (uint32_t)i - 1u);
            q = x / (2u * (uint32_t)i - 1u);
        }
        a[0] = q % 10u;
        q /= 10u;
        if (q == 9) {
            nines++;
        } else if (q == 10) {
            out[pos++] = (char)('0' + predigit + 1);
            for (int k = 0; k < nines; k++)
                out[pos++] = '0';
            predigit = 0;
            nines = 0;
        } else {
            if (j > 0)
                out[pos++] = (char)('0' + predigit);
            predigit = (int)q;
            for (int k = 0; k < nines; k++)
                out[pos++] = '9';
            nines = 0;
        }
    }
    out[pos++] = (char)('0' + predigit);
    out[pos] = '\0';
    free(a);
}

/* e digits: spigot using the mixed-radix representation 1/2! + 1/3! + ... */
static void e_spigot(char *out, int ndigits)
{
    int n = ndigits + 10;
    uint32_t *a = malloc((size_t)n * sizeof *a);
    if (!a)
        exit(1);
    for (int i = 0; i < n; i++)
        a[i] = 1;
    out[0] = '2';
    for (int d = 1; d <= ndigits; d++) {
        uint32_t carry = 0;
        for (int i = n - 1; i >= 0; i--) {
            uint32_t x = a[i] * 10u + carry;
            a[i] = x % (uint32_t)(i + 2);
            carry = x / (uint32_t)(i + 2);
        }
        out[d] = (char)('0' + carry);
    }
    out[ndigits + 1] = '\0';
    free(a);
}

int main(void)
{
    Big a = {0}, b = {0}, c = {0}, t = {0};

    big_set(&a, 1);
    for (uint32_t i = 2; i <= 3000; i++)
        big_mul_small(&a, i);
    report("3000!", &a);
    uint32_t rems[4];
    rems[0] = big_div_small(&a, 1000003u);
    rems[1] = big_div_small(&a, 999999937u);
    printf("3000!/1000003 rem %u, then /999999937 rem %u\n", rems[0], rems[1]);
    ck ^= rems[0] * 3u + rems[1];

    big_set(&b, 1);
    for (int i = 0; i < 5000; i++)
        big_mul_small(&b, 2);
    report("2^5000", &b);

    /* Fibonacci by repeated addition */
    big_set(&a, 0);
    big_set(&b, 1);
    for (int i = 0; i < 20000; i++) {
        big_add(&a, &a, &b);
        Big tmp = a;
        a = b;
        b = tmp;
    }
    report("F(20000)", &a);

    /* 3^20000 via square-and-multiply with big * big */
    big_set(&c, 1);
    big_set(&b, 3);
    for (uint32_t e = 20000; e; e >>= 1) {
        if (e & 1u) {
            big_mul(&t, &c, &b);
            Big tmp = c; c = t; t = tmp;
        }
        big_mul(&t, &b, &b);
        Big tmp = b; b = t; t = tmp;
    }
    report("3^20000", &c);

    /* product of two big numbers, checked by dividing back with small factors */
    big_set(&a, 1);
    for (uint32_t i = 1; i <= 1200; i++)
        big_mul_small(&a, 1000u + i);
    big_mul(&t, &a, &c);
    report("prod", &t);
    for (uint32_t i = 1; i <= 1200; i++)
        if (big_div_small(&t, 1000u + i) != 0)
            printf("unexpected remainder at %u\n", i);
    int eq = t.n == c.n && memcmp(t.d, c.d, c.n * sizeof *c.d) == 0;
    printf("division round trip equal: %d\n", eq);
    ck ^= (uint32_t)eq;

    static char digits[4100];
    pi_spigot(digits, 3000);
    printf("pi: %.1s.%.40s... digit[2999]=%c\n", digits, digits + 1, digits[2999]);
    mix_text(digits, strlen(digits));
    e_spigot(digits, 4000);
    printf("e:  %.1s.%.40s... digit[3990]=%c\n", digits, digits + 1, digits[3990]);
    mix_text(digits, 3990);

    free(a.d); free(b.d); free(c.d); free(t.d);
    printf("checksum: 0x%08x\n", (unsigned)ck);
    return 0;
}
