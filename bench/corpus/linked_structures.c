/* Dynamic data structures: realloc-grown vectors, calloc'd adjacency lists, linked lists (reverse/merge sort), binary heap Dijkstra, LRU cache, memcmp. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t rng = 2463534242u;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (!q) {
        free(p);
        exit(1);
    }
    return q;
}

/* ---------------- growable vector ---------------- */
typedef struct {
    int32_t *data;
    size_t len, cap;
    uint32_t reallocs;
} Vec;

static void vec_push(Vec *v, int32_t x)
{
    if (v->len == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 4;
        v->data = xrealloc(v->data, v->cap * sizeof *v->data);
        v->reallocs++;
    }
    v->data[v->len++] = x;
}

/* ---------------- singly linked list with merge sort ---------------- */
typedef struct LNode {
    int32_t value;
    struct LNode *next;
} LNode;

static LNode *list_reverse(LNode *h)
{
    LNode *prev = NULL;
    while (h) {
        LNode *n = h->next;
        h->next = prev;
        prev = h;
        h = n;
    }
    return prev;
}

static LNode *list_merge(LNode *a, LNode *b)
{
    LNode head = {0, NULL}, *t = &head;
    while (a && b) {
        if (a->value <= b->value) {
            t->next = a;
            a = a->next;
        } else {
            t->next = b;
            b = b->next;
        }
        t = t->next;
    }
    t->next = a ? a : b;
    return head.next;
}

static LNode *list_sort(LNode *h)
{
    if (!h || !h->next)
        return h;
    LNode *slow = h, *fast = h->next;
    while (fast && fast->next) {
        slow = slow->next;
        fast = fast->next->next;
    }
    LNode *second = slow->next;
    slow->next = NULL;
    return list_merge(list_sort(h), list_sort(second));
}

/* ---------------- graph + binary heap Dijkstra ---------------- */
typedef struct { uint32_t to, w; } Edge;
typedef struct { Edge *e; uint32_t n, cap; } Adj;
typedef struct { uint64_t dist; uint32_t node; } HeapItem;
typedef struct { HeapItem *a; size_t n, cap; } Heap;

static void heap_push(Heap *h, HeapItem it)
{
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 64;
        h->a = xrealloc(h->a, h->cap * sizeof *h->a);
    }
    size_t i = h->n++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (h->a[p].dist < it.dist || (h->a[p].dist == it.dist && h->a[p].node <= it.node))
            break;
        h->a[i] = h->a[p];
        i = p;
    }
    h->a[i] = it;
}

static HeapItem heap_pop(Heap *h)
{
    HeapItem top = h->a[0], last = h->a[--h->n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && (h->a[c + 1].dist < h->a[c].dist || (h->a[c + 1].dist == h->a[c].dist && h->a[c + 1].node < h->a[c].node)))
            c++;
        if (last.dist < h->a[c].dist || (last.dist == h->a[c].dist && last.node <= h->a[c].node))
            break;
        h->a[i] = h->a[c];
        i = c;
    }
    if (h->n)
        h->a[i] = last;
    return top;
}

/* ---------------- LRU cache: hash map + doubly linked list ---------------- */
typedef struct Entry {
    uint32_t key, value;
    struct Entry *prev, *next, *hnext;
} Entry;
typedef struct {
    Entry **buckets;
    size_t nbuckets, size, cap;
    Entry head; /* sentinel: head.next = most recent */
    uint64_t hits, misses, evictions;
} Lru;

static void lru_unlink(Entry *e) { e->prev->next = e->next; e->next->prev = e->prev; }
static void lru_front(Lru *c, Entry *e)
{
    e->next = c->head.next;
    e->prev = &c->head;
    c->head.next->prev = e;
    c->head.next = e;
}

static uint32_t lru_get(Lru *c, uint32_t key)
{
    size_t b = (key * 2654435761u) % c->nbuckets;
    for (Entry *e = c->buckets[b]; e; e = e->hnext)
        if (e->key == key) {
            c->hits++;
            lru_unlink(e);
            lru_front(c, e);
            return e->value;
        }
    c->misses++;
    uint32_t value = key * 7u + 3u; /* "compute" */
    Entry *e;
    if (c->size == c->cap) {
        e = c->head.prev; /* evict least recent */
        lru_unlink(e);
        size_t ob = (e->key * 2654435761u) % c->nbuckets;
        Entry **pp = &c->buckets[ob];
        while (*pp != e)
            pp = &(*pp)->hnext;
        *pp = e->hnext;
        c->evictions++;
    } else {
        e = calloc(1, sizeof *e);
        if (!e)
            exit(1);
        c->size++;
    }
    e->key = key;
    e->value = value;
    e->hnext = c->buckets[b];
    c->buckets[b] = e;
    lru_front(c, e);
    return value;
}

int main(void)
{
    uint32_t checksum = 0;

    /* vector growth and memcmp-based comparisons */
    Vec v = {NULL, 0, 0, 0}, w = {NULL, 0, 0, 0};
    for (int i = 0; i < 300000; i++) {
        int32_t x = (int32_t)(rnd() % 1000000u) - 500000;
        vec_push(&v, x);
        vec_push(&w, i % 1000 == 999 ? x + 1 : x);
    }
    size_t first_diff = 0;
    while (first_diff < v.len && memcmp(&v.data[first_diff], &w.data[first_diff], sizeof(int32_t)) == 0)
        first_diff++;
    int whole = memcmp(v.data, w.data, v.len * sizeof(int32_t));
    printf("vector: len %zu cap %zu reallocs %u, first diff at %zu, memcmp sign %d\n", v.len, v.cap, v.reallocs, first_diff,
           (whole > 0) - (whole < 0));
    checksum ^= (uint32_t)first_diff + v.reallocs;
    v.data = xrealloc(v.data, v.len * sizeof *v.data); /* shrink to fit */

    /* linked list from the vector, sorted, reversed */
    LNode *nodes = calloc(v.len, sizeof *nodes);
    if (!nodes)
        return 1;
    LNode *head = NULL;
    for (size_t i = 0; i < v.len; i++) {
        nodes[i].value = v.data[i];
        nodes[i].next = head;
        head = &nodes[i];
    }
    head = list_sort(head);
    int sorted_ok = 1;
    uint64_t lsum = 0;
    size_t idx = 0;
    for (LNode *p = head; p; p = p->next, idx++) {
        if (p->next && p->value > p->next->value)
            sorted_ok = 0;
        lsum += (uint64_t)(uint32_t)p->value * (idx % 97u + 1u);
    }
    head = list_reverse(head);
    printf("list: sorted %d, weighted sum %llu, max %d, nodes[0] %d\n", sorted_ok, (unsigned long long)lsum, (int)head->value,
           (int)nodes[0].value);
    checksum = checksum * 31u + (uint32_t)lsum + (uint32_t)sorted_ok;
    free(nodes);
    free(v.data);
    free(w.data);

    /* graph with calloc'd adjacency and realloc'd edge arrays */
    enum { NODES = 20000, EDGES = 120000 };
    Adj *adj = calloc(NODES, sizeof *adj);
    if (!adj)
        return 1;
    for (uint32_t i = 0; i < EDGES; i++) {
        uint32_t a = rnd() % NODES, b = (i < NODES - 1) ? i + 1 : rnd() % NODES;
        if (i < NODES - 1)
            a = i; /* guarantee a path 0 -> 1 -> ... */
        Adj *l = &adj[a];
        if (l->n == l->cap) {
            l->cap = l->cap ? l->cap * 2 : 2;
            l->e = xrealloc(l->e, l->cap * sizeof *l->e);
        }
        l->e[l->n].to = b;
        l->e[l->n].w = 1 + rnd() % 1000u;
        l->n++;
    }
    uint64_t *dist = malloc(NODES * sizeof *dist);
    if (!dist)
        return 1;
    uint64_t total_all = 0;
    for (uint32_t src = 0; src < 5; src++) {
        for (int i = 0; i < NODES; i++)
            dist[i] = UINT64_MAX;
        Heap h = {NULL, 0, 0};
        dist[src * 1000] = 0;
        heap_push(&h, (HeapItem){0, src * 1000});
        uint32_t pops = 0;
        while (h.n) {
            HeapItem it = heap_pop(&h);
            pops++;
            if (it.dist != dist[it.node])
                continue;
            for (uint32_t k = 0; k < adj[it.node].n; k++) {
                Edge e = adj[it.node].e[k];
                uint64_t nd = it.dist + e.w;
                if (nd < dist[e.to]) {
                    dist[e.to] = nd;
                    heap_push(&h, (HeapItem){nd, e.to});
                }
            }
        }
        uint64_t total = 0, maxd = 0;
        uint32_t reach = 0;
        for (int i = 0; i < NODES; i++)
            if (dist[i] != UINT64_MAX) {
                reach++;
                total += dist[i];
                if (dist[i] > maxd)
                    maxd = dist[i];
            }
        printf("dijkstra from %u: reached %u, pops %u, max dist %llu, total %llu\n", src * 1000, reach, pops,
               (unsigned long long)maxd, (unsigned long long)total);
        total_all += total ^ maxd;
        free(h.a);
    }
    checksum ^= (uint32_t)total_all ^ (uint32_t)(total_all >> 32);
    for (int i = 0; i < NODES; i++)
        free(adj[i].e);
    free(adj);
    free(dist);

    /* LRU cache with a skewed access pattern */
    Lru c;
    memset(&c, 0, sizeof c);
    c.nbuckets = 1021;
    c.cap = 2000;
    c.buckets = calloc(c.nbuckets, sizeof *c.buckets);
    if (!c.buckets)
        return 1;
    c.head.next = c.head.prev = &c.head;
    uint64_t vsum = 0;
    for (int i = 0; i < 1500000; i++) {
        uint32_t r = rnd();
        uint32_t key = (r & 3u) ? r % 1500u : r % 50000u; /* hot set + cold tail */
        vsum += lru_get(&c, key);
    }
    printf("lru: size %zu hits %llu misses %llu evictions %llu value sum %llu\n", c.size, (unsigned long long)c.hits,
           (unsigned long long)c.misses, (unsigned long long)c.evictions, (unsigned long long)vsum);
    checksum = checksum * 17u + (uint32_t)c.hits + (uint32_t)vsum;
    Entry *e = c.head.next;
    while (e != &c.head) {
        Entry *n = e->next;
        free(e);
        e = n;
    }
    free(c.buckets);

    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
