/* Hashing: FNV-1a, a murmur3-style mixer, and an open-addressing (linear probing) hash table with deletes and resizing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t lcg_state = 12345u;

static uint32_t lcg_next(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state;
}

static uint32_t fnv1a32(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}

static uint64_t fnv1a64(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ull;
    }
    return h;
}

static uint32_t rotl32(uint32_t x, int r)
{
    return (x << r) | (x >> (32 - r));
}

/* murmur3-like 32-bit hash over bytes (little-endian block reads via memcpy-free assembly) */
static uint32_t murmur_like(const unsigned char *data, size_t len, uint32_t seed)
{
    const uint32_t c1 = 0xcc9e2d51u, c2 = 0x1b873593u;
    uint32_t h = seed;
    size_t nblocks = len / 4;
    for (size_t i = 0; i < nblocks; i++) {
        const unsigned char *b = data + 4 * i;
        uint32_t k = (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
        k *= c1;
        k = rotl32(k, 15);
        k *= c2;
        h ^= k;
        h = rotl32(h, 13);
        h = h * 5u + 0xe6546b64u;
    }
    const unsigned char *tail = data + 4 * nblocks;
    uint32_t k = 0;
    switch (len & 3u) {
    case 3: k ^= (uint32_t)tail[2] << 16; /* fall through */
    case 2: k ^= (uint32_t)tail[1] << 8;  /* fall through */
    case 1:
        k ^= tail[0];
        k *= c1;
        k = rotl32(k, 15);
        k *= c2;
        h ^= k;
        break;
    default: break;
    }
    h ^= (uint32_t)len;
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ull;
    x ^= x >> 33;
    return x;
}

/* ---------------- open addressing table: uint64 key -> uint32 value ---------------- */
enum { SLOT_EMPTY = 0, SLOT_FULL = 1, SLOT_TOMB = 2 };

typedef struct {
    uint64_t key;
    uint32_t value;
    uint8_t state;
} Slot;

typedef struct {
    Slot *slots;
    size_t cap;   /* power of two */
    size_t count; /* live entries */
    size_t used;  /* live + tombstones */
    uint64_t probes;
} Table;

static void table_init(Table *t, size_t cap)
{
    t->slots = calloc(cap, sizeof(Slot));
    if (!t->slots)
        exit(1);
    t->cap = cap;
    t->count = 0;
    t->used = 0;
    t->probes = 0;
}

static void table_put(Table *t, uint64_t key, uint32_t value);

static void table_grow(Table *t)
{
    Slot *old = t->slots;
    size_t oldcap = t->cap;
    size_t newcap = (t->count * 4 > oldcap) ? oldcap * 2 : oldcap;
    uint64_t probes = t->probes;
    table_init(t, newcap);
    t->probes = probes;
    for (size_t i = 0; i < oldcap; i++)
        if (old[i].state == SLOT_FULL)
            table_put(t, old[i].key, old[i].value);
    free(old);
}

static void table_put(Table *t, uint64_t key, uint32_t value)
{
    if ((t->used + 1) * 10 > t->cap * 7)
        table_grow(t);
    size_t mask = t->cap - 1;
    size_t i = (size_t)mix64(key) & mask;
    size_t tomb = (size_t)-1;
    for (;;) {
        Slot *s = &t->slots[i];
        t->probes++;
        if (s->state == SLOT_EMPTY) {
            if (tomb != (size_t)-1)
                s = &t->slots[tomb];
            else
                t->used++;
            s->key = key;
            s->value = value;
            s->state = SLOT_FULL;
            t->count++;
            return;
        }
        if (s->state == SLOT_TOMB) {
            if (tomb == (size_t)-1)
                tomb = i;
        } else if (s->key == key) {
            s->value = value;
            return;
        }
        i = (i + 1) & mask;
    }
}

static Slot *table_find(Table *t, uint64_t key)
{
    size_t mask = t->cap - 1;
    size_t i = (size_t)mix64(key) & mask;
    for (;;) {
        Slot *s = &t->slots[i];
        t->probes++;
        if (s->state == SLOT_EMPTY)
            return NULL;
        if (s->state == SLOT_FULL && s->key == key)
            return s;
        i = (i + 1) & mask;
    }
}

static int table_del(Table *t, uint64_t key)
{
    Slot *s = table_find(t, key);
    if (!s)
        return 0;
    s->state = SLOT_TOMB;
    t->count--;
    return 1;
}

/* ---------------- string keyed chained word counter ---------------- */
typedef struct Word {
    char text[16];
    uint32_t count;
    struct Word *next;
} Word;

#define WBUCKETS 1024

static void make_word(char *buf, uint32_t r)
{
    static const char syll[][4] = {"ka", "lo", "mi", "ne", "ru", "ta", "zo", "pe", "shi", "qu", "ax", "em"};
    size_t n = 1 + r % 3u;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        r /= 3u;
        strcat(buf, syll[r % 12u]);
        r /= 12u;
    }
}

int main(void)
{
    uint32_t checksum = 0;

    /* 1. hash throughput over generated buffers */
    enum { BUF = 4096 };
    unsigned char *buf = malloc(BUF);
    if (!buf)
        return 1;
    uint32_t acc32 = 0, accm = 0;
    uint64_t acc64 = 0;
    for (int round = 0; round < 5000; round++) {
        for (int i = 0; i < BUF; i++)
            buf[i] = (unsigned char)(lcg_next() >> 24);
        for (size_t len = 1; len <= BUF; len = len * 2 + 1) {
            acc32 ^= fnv1a32(buf, len) + (uint32_t)round;
            acc64 += fnv1a64(buf, len);
            accm = rotl32(accm, 5) ^ murmur_like(buf, len, (uint32_t)round);
        }
    }
    printf("fnv32 acc %08x fnv64 acc %016llx murmur acc %08x\n", (unsigned)acc32,
           (unsigned long long)acc64, (unsigned)accm);
    printf("fnv1a32(\"hello\") = %08x, murmur(\"hello\",0) = %08x\n",
           (unsigned)fnv1a32("hello", 5), (unsigned)murmur_like((const unsigned char *)"hello", 5, 0));
    checksum ^= acc32 ^ (uint32_t)acc64 ^ (uint32_t)(acc64 >> 32) ^ accm;
    free(buf);

    /* 2. open addressing table */
    Table t;
    table_init(&t, 16);
    const int NKEYS = 400000;
    for (int i = 0; i < NKEYS; i++) {
        uint64_t key = (uint64_t)lcg_next() % 100000u;
        Slot *s = table_find(&t, key);
        if (s)
            s->value += 1;
        else
            table_put(&t, key, 1);
    }
    size_t live1 = t.count;
    int deleted = 0;
    for (uint64_t k = 0; k < 100000u; k += 3)
        deleted += table_del(&t, k);
    for (int i = 0; i < NKEYS / 2; i++) {
        uint64_t key = ((uint64_t)lcg_next() << 20) ^ (uint64_t)i;
        table_put(&t, key, (uint32_t)i);
    }
    uint64_t vsum = 0, ksum = 0;
    for (size_t i = 0; i < t.cap; i++) {
        if (t.slots[i].state == SLOT_FULL) {
            vsum += t.slots[i].value;
            ksum ^= mix64(t.slots[i].key + t.slots[i].value);
        }
    }
    int hits = 0;
    for (uint64_t k = 0; k < 100000u; k++)
        hits += table_find(&t, k) != NULL;
    printf("table: live after insert %zu, deleted %d, final count %zu, cap %zu\n", live1, deleted,
           t.count, t.cap);
    printf("table: value sum %llu key mix %016llx hits %d probes %llu\n", (unsigned long long)vsum,
           (unsigned long long)ksum, hits, (unsigned long long)t.probes);
    checksum = checksum * 31u + (uint32_t)vsum + (uint32_t)ksum + (uint32_t)(ksum >> 32) + (uint32_t)hits;
    free(t.slots);

    /* 3. chained word counter keyed by FNV of the string */
    Word *buckets[WBUCKETS] = {0};
    Word *pool = calloc(4096, sizeof(Word));
    if (!pool)
        return 1;
    size_t npool = 0;
    for (int i = 0; i < 60000; i++) {
        char w[16];
        make_word(w, lcg_next() >> 4);
        size_t len = strlen(w);
        uint32_t b = fnv1a32(w, len) & (WBUCKETS - 1);
        Word *p = buckets[b];
        while (p && strcmp(p->text, w) != 0)
            p = p->next;
        if (!p) {
            if (npool >= 4096)
                return 1;
            p = &pool[npool++];
            memcpy(p->text, w, len + 1);
            p->next = buckets[b];
            buckets[b] = p;
        }
        p->count++;
    }
    const Word *best = NULL;
    for (size_t i = 0; i < npool; i++)
        if (!best || pool[i].count > best->count ||
            (pool[i].count == best->count && strcmp(pool[i].text, best->text) < 0))
            best = &pool[i];
    uint32_t wh = 0;
    for (int b = 0; b < WBUCKETS; b++)
        for (const Word *p = buckets[b]; p; p = p->next)
            wh += fnv1a32(p->text, strlen(p->text)) * p->count;
    printf("words: distinct %zu, most common \"%s\" x%u, weighted hash %08x\n", npool,
           best ? best->text : "", best ? (unsigned)best->count : 0u, (unsigned)wh);
    checksum = rotl32(checksum, 7) ^ wh ^ (uint32_t)npool;
    free(pool);

    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
