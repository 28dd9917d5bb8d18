/* Global initializers: nested struct/array/union initializers, pointers to globals/strings/functions, &arr[k], 2-D/3-D and partial arrays, 256-entry const tables. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef int (*unary_fn)(int);
static int f_double(int x) { return 2 * x; }
static int f_square(int x) { return x * x; }
static int f_negate(int x) { return -x; }
static int f_ident(int x) { return x; }

/* 256-entry const tables built with macros: popcount and bit reversal */
#define B2(n) n, n + 1, n + 1, n + 2
#define B4(n) B2(n), B2(n + 1), B2(n + 1), B2(n + 2)
#define B6(n) B4(n), B4(n + 1), B4(n + 1), B4(n + 2)
static const unsigned char popcount_table[256] = {B6(0), B6(1), B6(1), B6(2)};

#define R2(n) n, n + 2 * 64, n + 1 * 64, n + 3 * 64
#define R4(n) R2(n), R2(n + 2 * 16), R2(n + 1 * 16), R2(n + 3 * 16)
#define R6(n) R4(n), R4(n + 2 * 4), R4(n + 1 * 4), R4(n + 3 * 4)
static const unsigned char bitrev_table[256] = {R6(0), R6(2), R6(1), R6(3)};

/* plain global arrays, 2-D and 3-D, some partially initialized */
static int primes[16] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29}; /* last 6 are zero */
static const int magic[3][3] = {{2, 7, 6}, {9, 5, 1}, {4, 3, 8}};
static short cube[2][3][4] = {{{1, 2, 3, 4}, {5, 6}, {7}}, {{8}, {0, 9}, {10, 11, 12, 13}}};
static const char *const colours[] = {"red", "green", "blue", "cyan", "magenta", "yellow"};
static char grid_rows[4][8] = {"abc", "defgh", "", "ijklmno"};
static double weights[8] = {[2] = 0.5, [5] = 1.25, [7] = -3.0};
static uint64_t big_values[] = {0, UINT64_C(0xffffffffffffffff), UINT64_C(1) << 63, 1234567890123456789u};
static int zeroed[100]; /* zero-initialized, partly written at run time */

/* pointers into the middle of global arrays and string literals */
static int *const prime_mid = &primes[3];
static const int *const magic_centre = &magic[1][1];
static short *cube_ptrs[] = {&cube[0][1][0], &cube[1][2][3], cube[1][0], &cube[0][0][0] + 5};
static const char *const *colour_tail = &colours[4];
static const char *const world = &"hello world"[6];
static char *grid_ptr = &grid_rows[1][2];

/* struct containing an array, pointers to globals, strings and functions */
typedef struct {
    const char *name;
    int values[4];
    int *data;
    size_t ndata;
    unary_fn fn;
    const char *const *label;
} Entry;

static Entry entries[] = {
    {"doubles", {1, 2, 3, 4}, primes, 10, f_double, &colours[0]},
    {"squares", {5, 6}, &primes[2], 4, f_square, &colours[2]},
    {"negate", {0}, &primes[5], 5, f_negate, &colours[3]},
    {.name = "designated", .fn = f_ident, .values = {[3] = 42}, .data = &primes[9], .ndata = 1, .label = &colours[5]},
};
#define NENTRIES (sizeof entries / sizeof entries[0])

/* struct containing a union member, initialized via designators */
typedef enum { K_INT, K_DBL, K_STR, K_PAIR } Kind;
typedef struct {
    Kind kind;
    union {
        int i;
        double d;
        const char *s;
        struct { short a, b; } pair;
    } u;
    const char *desc;
} Tagged;

static Tagged tagged[] = {
    {K_INT, {.i = 12345}, "int"},
    {K_DBL, {.d = 2.75}, "double"},
    {K_STR, {.s = "union-string"}, "string"},
    {K_PAIR, {.pair = {-7, 300}}, "pair"},
    {.kind = K_INT, .desc = "zero-int"},
    {K_INT, {77}, NULL}, /* first member initialized without designator */
};

/* nested structs with inner arrays of structs */
typedef struct {
    const char *title;
    struct Item {
        const char *label;
        int id;
        unary_fn action;
    } items[3];
    int nitems;
} Menu;

static const Menu menus[] = {
    {"file", {{"open", 1, f_ident}, {"save", 2, f_double}, {"quit", 3, f_negate}}, 3},
    {"edit", {{"undo", 10, f_square}, {"redo", 11, NULL}}, 2},
    {"help", {{0}}, 0},
};

/* statically initialized linked list, including a cycle */
typedef struct Link {
    int value;
    const struct Link *next;
} Link;
static const Link link_c;
static const Link link_a = {1, &link_c};
static const Link link_b = {2, &link_a};
static const Link link_c = {3, &link_b}; /* a -> c -> b -> a ... */
static const Link *const list_head = &link_a;

/* table of function pointers and a pointer to that table */
static unary_fn const fn_table[] = {f_double, f_square, f_negate, f_ident};
static unary_fn const *fn_table_ptr = &fn_table[1];

/* a 3-D const lookup table fully specified */
static const unsigned char lut3[2][2][4] = {{{1, 2, 3, 4}, {5, 6, 7, 8}}, {{9, 10, 11, 12}, {13, 14, 15, 16}}};

static uint32_t ck = 0x811c9dc5u;
static void mix(uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        ck ^= (v >> (8 * i)) & 0xffu;
        ck *= 16777619u;
    }
}
static void mix_str(const char *s)
{
    while (*s) {
        ck ^= (unsigned char)*s++;
        ck *= 16777619u;
    }
}

int main(void)
{
    /* verify the macro-built tables against computed values */
    int pc_ok = 1, br_ok = 1;
    for (unsigned i = 0; i < 256; i++) {
        unsigned c = 0, r = 0;
        for (unsigned b = 0; b < 8; b++) {
            c += (i >> b) & 1u;
            r |= ((i >> b) & 1u) << (7u - b);
        }
        pc_ok &= popcount_table[i] == c;
        br_ok &= bitrev_table[i] == r;
    }
    printf("popcount table ok %d, bitrev table ok %d, bitrev[1]=%u bitrev[0x35]=%#x\n", pc_ok, br_ok, bitrev_table[1],
           bitrev_table[0x35]);
    mix((uint32_t)(pc_ok + 2 * br_ok));

    printf("primes: mid %d, tail zeros", *prime_mid);
    for (int i = 10; i < 16; i++)
        printf(" %d", primes[i]);
    printf("\n");
    printf("magic centre %d, row sums %d %d %d\n", *magic_centre, magic[0][0] + magic[0][1] + magic[0][2],
           magic[1][0] + magic[1][1] + magic[1][2], magic_centre[-4] + magic_centre[0] + magic_centre[4]);
    printf("cube ptrs: %d %d %d %d\n", *cube_ptrs[0], *cube_ptrs[1], *cube_ptrs[2], *cube_ptrs[3]);
    printf("colour tail: %s %s, world=\"%s\", grid_ptr=\"%s\", rows: %s|%s|%s|%s\n", colour_tail[0], colour_tail[1], world,
           grid_ptr, grid_rows[0], grid_rows[1], grid_rows[2], grid_rows[3]);
    printf("weights:");
    for (int i = 0; i < 8; i++)
        printf(" %.2f", weights[i]);
    printf("\nbig values: %llx %llx %llx %llu\n", (unsigned long long)big_values[0], (unsigned long long)big_values[1],
           (unsigned long long)big_values[2], (unsigned long long)big_values[3]);
    mix_str(world);
    mix_str(grid_ptr);

    for (size_t e = 0; e < NENTRIES; e++) {
        const Entry *en = &entries[e];
        int acc = 0;
        for (size_t i = 0; i < en->ndata; i++)
            acc += en->fn(en->data[i]);
        printf("entry %-10s values [%d %d %d %d] label %-7s data-sum %d\n", en->name, en->values[0], en->values[1],
               en->values[2], en->values[3], *en->label, acc);
        mix((uint32_t)acc);
        mix_str(en->name);
    }

    for (size_t i = 0; i < sizeof tagged / sizeof tagged[0]; i++) {
        const Tagged *t = &tagged[i];
        switch (t->kind) {
        case K_INT: printf("tagged %s: int %d\n", t->desc ? t->desc : "(null)", t->u.i); mix((uint32_t)t->u.i); break;
        case K_DBL: printf("tagged %s: double %.3f\n", t->desc, t->u.d); mix((uint32_t)(t->u.d * 1000)); break;
        case K_STR: printf("tagged %s: string %s\n", t->desc, t->u.s); mix_str(t->u.s); break;
        case K_PAIR: printf("tagged %s: pair %d,%d\n", t->desc, t->u.pair.a, t->u.pair.b); mix((uint32_t)(t->u.pair.a * t->u.pair.b)); break;
        }
    }

    for (size_t m = 0; m < sizeof menus / sizeof menus[0]; m++) {
        printf("menu %s:", menus[m].title);
        for (int i = 0; i < menus[m].nitems; i++) {
            const struct Item *it = &menus[m].items[i];
            int r = it->action ? it->action(it->id + 1) : -999;
            printf(" %s(%d)->%d", it->label, it->id, r);
            mix((uint32_t)r);
        }
        printf("\n");
    }

    const Link *l = list_head;
    printf("linked cycle:");
    for (int i = 0; i < 7; i++, l = l->next)
        printf(" %d", l->value);
    printf("\n");
    mix((uint32_t)l->value);

    /* heavy loop: run data through the tables, mutating the writable globals */
    uint32_t x = 1u, pop_total = 0, rev_acc = 0;
    int64_t fn_acc = 0;
    for (int rep = 0; rep < 12000000; rep++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        pop_total += popcount_table[x & 0xffu] + popcount_table[(x >> 8) & 0xffu] + popcount_table[(x >> 16) & 0xffu] +
                     popcount_table[x >> 24];
        uint32_t rev = ((uint32_t)bitrev_table[x & 0xffu] << 24) | ((uint32_t)bitrev_table[(x >> 8) & 0xffu] << 16) |
                       ((uint32_t)bitrev_table[(x >> 16) & 0xffu] << 8) | bitrev_table[x >> 24];
        rev_acc = (rev_acc * 31u) ^ rev;
        int k = (int)(x % 4u);
        fn_acc += fn_table_ptr[k % 3](primes[x % 10u] + lut3[x & 1u][(x >> 1) & 1u][(x >> 2) & 3u]);
        zeroed[x % 100u] += magic[x % 3u][(x >> 3) % 3u];
        cube[x & 1u][(x >> 1) % 3u][(x >> 3) & 3u] = (short)((cube[x & 1u][(x >> 1) % 3u][(x >> 3) & 3u] + 1) % 1000);
        if ((rep & 65535) == 0) {
            primes[10 + rep / 65536 % 6] += 1;
            weights[rep / 65536 % 8] += 0.125;
        }
    }
    int64_t zsum = 0;
    for (int i = 0; i < 100; i++)
        zsum += (int64_t)zeroed[i] * (i + 1);
    int csum = 0;
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 3; b++)
            for (int c = 0; c < 4; c++)
                csum += cube[a][b][c] * (a + 1) * (b + 2) * (c + 3);
    double wsum = 0.0;
    for (int i = 0; i < 8; i++)
        wsum += weights[i];
    printf("heavy: popcount total %u, reverse acc %08x, fn acc %lld, zeroed weighted %lld, cube %d, weights %.3f\n",
           (unsigned)pop_total, (unsigned)rev_acc, (long long)fn_acc, (long long)zsum, csum, wsum);
    mix(pop_total);
    mix(rev_acc);
    mix((uint32_t)fn_acc);
    mix((uint32_t)zsum);
    mix((uint32_t)csum);
    mix((uint32_t)(wsum * 8.0));
    printf("checksum: 0x%08x\n", (unsigned)ck);
    return 0;
}
