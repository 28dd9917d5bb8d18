/* Function pointers: dispatch tables, global initialized structs of callbacks, qsort/bsearch comparators, fn-returning-fn, state machines. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint32_t (*binop_fn)(uint32_t, uint32_t);
typedef int (*cmp_fn)(const void *, const void *);

static uint32_t op_add(uint32_t a, uint32_t b) { return a + b; }
static uint32_t op_sub(uint32_t a, uint32_t b) { return a - b; }
static uint32_t op_mul(uint32_t a, uint32_t b) { return a * (b | 1u); }
static uint32_t op_xor(uint32_t a, uint32_t b) { return a ^ b; }
static uint32_t op_rotl(uint32_t a, uint32_t b) { b &= 31u; return b ? (a << b) | (a >> (32u - b)) : a; }
static uint32_t op_min(uint32_t a, uint32_t b) { return a < b ? a : b; }
static uint32_t op_max(uint32_t a, uint32_t b) { return a > b ? a : b; }
static uint32_t op_divs(uint32_t a, uint32_t b) { return a / ((b >> 20) | 1u) + (a ^ b); }

/* a global table of structs holding names and function pointers */
typedef struct {
    const char *name;
    binop_fn fn;
    uint32_t identity;
    int commutative;
} OpInfo;

static const OpInfo op_table[] = {
    {"add", op_add, 0u, 1},        {"sub", op_sub, 0u, 0},      {"mul", op_mul, 1u, 1},
    {"xor", op_xor, 0u, 1},        {"rotl", op_rotl, 0u, 0},    {"min", op_min, 0xffffffffu, 1},
    {"max", op_max, 0u, 1},        {"div", op_divs, 1u, 0},
};
#define NOPS (sizeof op_table / sizeof op_table[0])

/* plain array of function pointers */
static binop_fn const raw_ops[NOPS] = {op_add, op_sub, op_mul, op_xor, op_rotl, op_min, op_max, op_divs};

/* ---------- comparators for qsort / bsearch ---------- */
typedef struct {
    char name[8];
    int32_t age;
    double score;
} Person;

static int by_name(const void *a, const void *b);

static int by_age(const void *a, const void *b)
{
    const Person *p = a, *q = b;
    if (p->age != q->age)
        return (p->age > q->age) - (p->age < q->age);
    return by_name(a, b);
}
static int by_name(const void *a, const void *b)
{
    const Person *p = a, *q = b;
    int c = strcmp(p->name, q->name);
    if (c)
        return c;
    if (p->age != q->age)
        return (p->age > q->age) - (p->age < q->age);
    return (p->score > q->score) - (p->score < q->score);
}
static int by_score_desc(const void *a, const void *b)
{
    const Person *p = a, *q = b;
    if (p->score != q->score)
        return (p->score < q->score) - (p->score > q->score);
    return by_name(a, b);
}
static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static const struct {
    const char *label;
    cmp_fn cmp;
} sorters[] = {{"age", by_age}, {"name", by_name}, {"score", by_score_desc}};

/* ---------- state machine: each state is a function returning the next state ---------- */
struct Machine;
typedef struct StateRet { struct StateRet (*next)(struct Machine *, int); } State;
typedef State (*state_fn)(struct Machine *, int);
typedef struct Machine {
    uint32_t acc;
    uint32_t words, numbers, symbols;
} Machine;

static State st_idle(Machine *m, int c);
static State st_word(Machine *m, int c);
static State st_number(Machine *m, int c);

static int is_alpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_digit(int c) { return c >= '0' && c <= '9'; }

static State st_idle(Machine *m, int c)
{
    if (is_alpha(c)) {
        m->words++;
        m->acc = m->acc * 31u + (uint32_t)c;
        return (State){st_word};
    }
    if (is_digit(c)) {
        m->numbers++;
        m->acc += (uint32_t)(c - '0');
        return (State){st_number};
    }
    if (c != ' ' && c != '\n')
        m->symbols++;
    return (State){st_idle};
}
static State st_word(Machine *m, int c)
{
    if (is_alpha(c) || is_digit(c)) {
        m->acc = m->acc * 31u + (uint32_t)c;
        return (State){st_word};
    }
    return st_idle(m, c);
}
static State st_number(Machine *m, int c)
{
    if (is_digit(c)) {
        m->acc = m->acc * 10u + (uint32_t)(c - '0');
        return (State){st_number};
    }
    return st_idle(m, c);
}

/* function returning a function pointer */
static binop_fn pick_op(const char *name)
{
    for (size_t i = 0; i < NOPS; i++)
        if (strcmp(op_table[i].name, name) == 0)
            return op_table[i].fn;
    return op_xor;
}

/* higher order helpers */
static uint32_t fold(const uint32_t *v, size_t n, binop_fn f, uint32_t init)
{
    for (size_t i = 0; i < n; i++)
        init = f(init, v[i]);
    return init;
}

static void map_inplace(uint32_t *v, size_t n, uint32_t (*f)(uint32_t, uint32_t), uint32_t arg)
{
    for (size_t i = 0; i < n; i++)
        v[i] = f(v[i], arg);
}

/* callback with a context pointer */
typedef void (*visit_fn)(void *ctx, size_t index, uint32_t value);
static void for_each(const uint32_t *v, size_t n, visit_fn visit, void *ctx)
{
    for (size_t i = 0; i < n; i++)
        visit(ctx, i, v[i]);
}
static void visit_sum(void *ctx, size_t i, uint32_t v) { *(uint64_t *)ctx += (uint64_t)v * (i + 1); }
static void visit_hist(void *ctx, size_t i, uint32_t v)
{
    (void)i;
    ((uint32_t *)ctx)[v >> 28]++;
}

int main(void)
{
    uint32_t checksum = 0x1234567u;
    enum { N = 4096 };
    static uint32_t data[N], work[N];
    uint32_t s = 2463534242u;
    for (int i = 0; i < N; i++) {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        data[i] = s;
    }

    /* 1. fold every op over the data many times through both tables */
    uint32_t results[NOPS] = {0};
    for (int rep = 0; rep < 1500; rep++) {
        for (size_t k = 0; k < NOPS; k++) {
            uint32_t r1 = fold(data, N, op_table[k].fn, op_table[k].identity + (uint32_t)rep);
            binop_fn f = raw_ops[(k + (size_t)rep) % NOPS];
            results[k] ^= r1 + f(r1, (uint32_t)rep | 1u);
        }
    }
    for (size_t k = 0; k < NOPS; k++) {
        printf("op %-4s commutative=%d folded %08x\n", op_table[k].name, op_table[k].commutative,
               (unsigned)results[k]);
        checksum = op_rotl(checksum, 5) ^ results[k];
    }

    /* 2. a tiny "pipeline" described by op names resolved at runtime */
    static const char *const pipeline[] = {"mul", "add", "rotl", "xor", "sub", "div", "rotl", "unknown"};
    memcpy(work, data, sizeof work);
    for (int rep = 0; rep < 40; rep++)
        for (size_t p = 0; p < sizeof pipeline / sizeof pipeline[0]; p++)
            map_inplace(work, N, pick_op(pipeline[p]), 0x9e3779b9u + (uint32_t)p * 7u + (uint32_t)rep);
    uint64_t wsum = 0;
    for_each(work, N, visit_sum, &wsum);
    uint32_t hist[16] = {0};
    for_each(work, N, visit_hist, hist);
    printf("pipeline weighted sum %llu, histogram", (unsigned long long)wsum);
    for (int i = 0; i < 16; i++)
        printf(" %u", hist[i]);
    printf("\n");
    checksum ^= (uint32_t)wsum ^ (uint32_t)(wsum >> 32) ^ hist[0] ^ (hist[15] << 8);

    /* 3. qsort + bsearch with comparators from a table */
    Person people[64];
    static const char syll[][3] = {"ka", "to", "ri", "su", "me", "no", "ha", "yu"};
    uint32_t r = 77u;
    for (int i = 0; i < 64; i++) {
        r = r * 1103515245u + 12345u;
        snprintf(people[i].name, sizeof people[i].name, "%s%s%s", syll[(r >> 8) & 7u], syll[(r >> 12) & 7u],
                 syll[(r >> 16) & 7u]);
        people[i].age = (int32_t)(18 + (r >> 20) % 50u);
        people[i].score = (double)((r >> 4) % 1000u) / 10.0;
    }
    for (size_t k = 0; k < sizeof sorters / sizeof sorters[0]; k++) {
        qsort(people, 64, sizeof people[0], sorters[k].cmp);
        printf("by %-5s: first %s(%d, %.1f) last %s(%d, %.1f)\n", sorters[k].label, people[0].name,
               (int)people[0].age, people[0].score, people[63].name, (int)people[63].age, people[63].score);
        for (int i = 0; i < 64; i++)
            checksum = checksum * 31u + (uint32_t)people[i].age + (uint32_t)(unsigned char)people[i].name[0];
    }
    qsort(people, 64, sizeof people[0], by_name);
    Person key;
    memcpy(&key, &people[37], sizeof key);
    Person *found = bsearch(&key, people, 64, sizeof people[0], by_name);
    printf("bsearch found %s at index %td\n", found ? found->name : "none", found ? found - people : (ptrdiff_t)-1);
    checksum += found ? (uint32_t)(found - people) : 999u;

    memcpy(work, data, sizeof work);
    for (int rep = 0; rep < 20; rep++) {
        qsort(work, N, sizeof work[0], cmp_u32);
        uint32_t hits = 0;
        for (int i = 0; i < N; i += 7) {
            uint32_t probe = data[i] ^ (uint32_t)(rep & 1);
            hits += bsearch(&probe, work, N, sizeof work[0], cmp_u32) != NULL;
        }
        checksum += hits;
        map_inplace(work, N, op_xor, (uint32_t)rep * 0x01010101u);
    }
    printf("u32 sort/search rounds done, work[0]=%08x work[N-1]=%08x\n", (unsigned)work[0], (unsigned)work[N - 1]);
    checksum ^= work[0] + work[N - 1];

    /* 4. state machine driven through function pointers */
    static const char text[] = "let x1 = 42 + y_2 * (7 - 3); while (x1 > 0) { x1 = x1 - 1; } // 12345 done\n";
    Machine m = {0, 0, 0, 0};
    for (int rep = 0; rep < 20000; rep++) {
        State st = {st_idle};
        for (const char *p = text; *p; p++)
            st = st.next(&m, (unsigned char)*p);
    }
    printf("machine: words %u numbers %u symbols %u acc %08x\n", m.words, m.numbers, m.symbols, (unsigned)m.acc);
    checksum ^= m.acc + m.words + m.numbers * 3u + m.symbols * 7u;

    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
