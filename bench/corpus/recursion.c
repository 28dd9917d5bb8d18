/* Recursion: Ackermann (small), N-queens, permutations (Heap's algorithm), binary search trees, Hanoi, mutual recursion, flood fill. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t ck = 0x9747b28cu;
static void mix(uint32_t v)
{
    ck ^= v;
    ck *= 0x01000193u;
    ck ^= ck >> 15;
}

static uint32_t ackermann(uint32_t m, uint32_t n)
{
    if (m == 0)
        return n + 1;
    if (n == 0)
        return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

/* N-queens with bitmasks, counting solutions */
static uint32_t queens(uint32_t n, uint32_t row, uint32_t cols, uint32_t d1, uint32_t d2)
{
    if (row == n)
        return 1;
    uint32_t count = 0;
    uint32_t avail = ~(cols | d1 | d2) & ((1u << n) - 1u);
    while (avail) {
        uint32_t bit = avail & (0u - avail);
        avail ^= bit;
        count += queens(n, row + 1, cols | bit, (d1 | bit) << 1, (d2 | bit) >> 1);
    }
    return count;
}

/* array-based N-queens that records the first solution */
static int first_solution[16];
static int place(int *pos, int n, int row)
{
    if (row == n) {
        for (int i = 0; i < n; i++)
            first_solution[i] = pos[i];
        return 1;
    }
    for (int c = 0; c < n; c++) {
        int ok = 1;
        for (int r = 0; r < row && ok; r++)
            if (pos[r] == c || abs(pos[r] - c) == row - r)
                ok = 0;
        if (ok) {
            pos[row] = c;
            if (place(pos, n, row + 1))
                return 1;
        }
    }
    return 0;
}

/* Heap's algorithm: visit every permutation, accumulate an order-sensitive hash */
static uint64_t perm_hash;
static uint32_t perm_count;
static void heap_perm(int *a, int k, int n)
{
    if (k == 1) {
        uint64_t h = 0;
        for (int i = 0; i < n; i++)
            h = h * 11u + (uint64_t)a[i];
        perm_hash += h * (perm_count + 1u);
        perm_count++;
        return;
    }
    heap_perm(a, k - 1, n);
    for (int i = 0; i < k - 1; i++) {
        int j = (k % 2 == 0) ? i : 0;
        int t = a[j];
        a[j] = a[k - 1];
        a[k - 1] = t;
        heap_perm(a, k - 1, n);
    }
}

/* lexicographic permutations via recursion with a used-mask; count those with no fixed point */
static uint32_t derangements(int *cur, int depth, int n, uint32_t used)
{
    if (depth == n)
        return 1;
    uint32_t total = 0;
    for (int v = 0; v < n; v++) {
        if ((used >> v) & 1u || v == depth)
            continue;
        cur[depth] = v;
        total += derangements(cur, depth + 1, n, used | (1u << v));
    }
    return total;
}

/* binary search tree */
typedef struct Node {
    int32_t key;
    uint32_t count;
    struct Node *left, *right;
} Node;

static Node *bst_insert(Node *t, int32_t key)
{
    if (!t) {
        Node *n = malloc(sizeof *n);
        if (!n)
            exit(1);
        n->key = key;
        n->count = 1;
        n->left = n->right = NULL;
        return n;
    }
    if (key < t->key)
        t->left = bst_insert(t->left, key);
    else if (key > t->key)
        t->right = bst_insert(t->right, key);
    else
        t->count++;
    return t;
}

static int bst_height(const Node *t)
{
    if (!t)
        return 0;
    int l = bst_height(t->left), r = bst_height(t->right);
    return 1 + (l > r ? l : r);
}

static void bst_inorder(const Node *t, uint64_t *acc, uint32_t *idx)
{
    if (!t)
        return;
    bst_inorder(t->left, acc, idx);
    *acc += (uint64_t)(uint32_t)t->key * (++*idx) + t->count;
    bst_inorder(t->right, acc, idx);
}

static uint32_t bst_count_range(const Node *t, int32_t lo, int32_t hi)
{
    if (!t)
        return 0;
    if (t->key < lo)
        return bst_count_range(t->right, lo, hi);
    if (t->key > hi)
        return bst_count_range(t->left, lo, hi);
    return 1 + bst_count_range(t->left, lo, hi) + bst_count_range(t->right, lo, hi);
}

static Node *bst_mirror(Node *t)
{
    if (!t)
        return NULL;
    Node *l = bst_mirror(t->left);
    t->left = bst_mirror(t->right);
    t->right = l;
    return t;
}

static void bst_free(Node *t)
{
    if (!t)
        return;
    bst_free(t->left);
    bst_free(t->right);
    free(t);
}

/* Towers of Hanoi: count moves and hash the move sequence */
static uint32_t hanoi_hash;
static uint32_t hanoi(int n, int from, int to, int via)
{
    if (n == 0)
        return 0;
    uint32_t moves = hanoi(n - 1, from, via, to);
    hanoi_hash = hanoi_hash * 7u + (uint32_t)(from * 3 + to) + (uint32_t)n;
    return moves + 1 + hanoi(n - 1, via, to, from);
}

/* mutual recursion */
static int is_even_r(uint32_t n);
static int is_odd_r(uint32_t n) { return n == 0 ? 0 : is_even_r(n - 1); }
static int is_even_r(uint32_t n) { return n == 0 ? 1 : is_odd_r(n - 1); }

/* recursive flood fill on a generated grid */
#define GW 64
#define GH 48
static char grid[GH][GW];
static int fill(int y, int x, char from, char to)
{
    if (y < 0 || y >= GH || x < 0 || x >= GW || grid[y][x] != from)
        return 0;
    grid[y][x] = to;
    return 1 + fill(y + 1, x, from, to) + fill(y - 1, x, from, to) + fill(y, x + 1, from, to) +
           fill(y, x - 1, from, to);
}

/* memo-less recursive fibonacci and binomials (Pascal) */
static uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
static uint64_t binom(uint32_t n, uint32_t k) { return (k == 0 || k == n) ? 1 : binom(n - 1, k - 1) + binom(n - 1, k); }

int main(void)
{
    for (uint32_t m = 0; m <= 3; m++)
        for (uint32_t n = 0; n <= 5; n++) {
            uint32_t a = ackermann(m, n);
            mix(a);
            if (n == 5)
                printf("A(%u,%u) = %u\n", m, n, a);
        }
    printf("A(3,7) = %u\n", ackermann(3, 7));
    mix(ackermann(3, 7));

    for (uint32_t n = 4; n <= 11; n++) {
        uint32_t q = queens(n, 0, 0, 0, 0);
        printf("queens(%u) = %u\n", n, q);
        mix(q);
    }
    int pos[16];
    if (place(pos, 12, 0)) {
        printf("first 12-queens solution:");
        for (int i = 0; i < 12; i++) {
            printf(" %d", first_solution[i]);
            mix((uint32_t)first_solution[i]);
        }
        printf("\n");
    }

    int arr[9] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    heap_perm(arr, 9, 9);
    printf("heap permutations of 9: count %u hash %016llx, final order", perm_count, (unsigned long long)perm_hash);
    for (int i = 0; i < 9; i++)
        printf(" %d", arr[i]);
    printf("\n");
    mix(perm_count);
    mix((uint32_t)perm_hash ^ (uint32_t)(perm_hash >> 32));

    int cur[10];
    for (int n = 2; n <= 9; n++) {
        uint32_t d = derangements(cur, 0, n, 0);
        printf("derangements(%d) = %u\n", n, d);
        mix(d);
    }

    Node *root = NULL;
    uint32_t s = 42u;
    for (int i = 0; i < 200000; i++) {
        s = s * 1664525u + 1013904223u;
        root = bst_insert(root, (int32_t)(s >> 12) - 500000);
    }
    uint64_t acc = 0;
    uint32_t idx = 0;
    bst_inorder(root, &acc, &idx);
    uint32_t inrange = bst_count_range(root, -100000, 100000);
    printf("bst: distinct %u height %d inorder %016llx in [-1e5,1e5] %u\n", idx, bst_height(root),
           (unsigned long long)acc, inrange);
    mix(idx);
    mix((uint32_t)acc);
    mix(inrange);
    root = bst_mirror(root);
    acc = 0;
    idx = 0;
    bst_inorder(root, &acc, &idx);
    printf("bst mirrored inorder %016llx\n", (unsigned long long)acc);
    mix((uint32_t)(acc >> 16));
    bst_free(root);

    uint32_t moves = hanoi(20, 0, 2, 1);
    printf("hanoi(20): %u moves, hash %08x\n", moves, (unsigned)hanoi_hash);
    mix(moves);
    mix(hanoi_hash);

    printf("is_even(10001) = %d, is_odd(7777) = %d\n", is_even_r(10001), is_odd_r(7777));
    mix((uint32_t)is_even_r(10001) * 2u + (uint32_t)is_odd_r(7777));

    uint32_t g = 12345u;
    for (int y = 0; y < GH; y++)
        for (int x = 0; x < GW; x++) {
            g = g * 1103515245u + 12345u;
            grid[y][x] = ((g >> 16) % 100u) < 42u ? '#' : '.';
        }
    int regions = 0, largest = 0;
    for (int y = 0; y < GH; y++)
        for (int x = 0; x < GW; x++)
            if (grid[y][x] == '.') {
                int sz = fill(y, x, '.', 'o');
                regions++;
                if (sz > largest)
                    largest = sz;
            }
    printf("flood fill: %d regions, largest %d cells\n", regions, largest);
    mix((uint32_t)regions);
    mix((uint32_t)largest);

    printf("fib(30) = %u, C(26,13) = %llu\n", fib(30), (unsigned long long)binom(26, 13));
    mix(fib(30));
    mix((uint32_t)binom(26, 13));

    printf("checksum: 0x%08x\n", (unsigned)ck);
    return 0;
}
