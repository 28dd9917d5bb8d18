/* Sudoku: bitmask backtracking solver with naked-single propagation, PRNG puzzle generator with uniqueness checks, solution counting. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define NPUZ 100

typedef struct {
    uint8_t cell[81];
    uint16_t row[9], col[9], box[9]; /* bit v set = digit v+1 used */
} Grid;

static uint64_t rng_state = 0x0123456789abcdefull;
static uint32_t rnd(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return (uint32_t)(rng_state >> 33);
}

static int box_of(int r, int c) { return (r / 3) * 3 + c / 3; }

static void grid_clear(Grid *g) { memset(g, 0, sizeof *g); }

static int grid_place(Grid *g, int i, int v) /* v in 1..9 */
{
    int r = i / 9, c = i % 9, b = box_of(r, c);
    uint16_t bit = (uint16_t)(1u << (v - 1));
    if ((g->row[r] | g->col[c] | g->box[b]) & bit)
        return 0;
    g->cell[i] = (uint8_t)v;
    g->row[r] |= bit;
    g->col[c] |= bit;
    g->box[b] |= bit;
    return 1;
}

static void grid_remove(Grid *g, int i)
{
    int r = i / 9, c = i % 9, b = box_of(r, c);
    uint16_t bit = (uint16_t)(1u << (g->cell[i] - 1));
    g->cell[i] = 0;
    g->row[r] &= (uint16_t)~bit;
    g->col[c] &= (uint16_t)~bit;
    g->box[b] &= (uint16_t)~bit;
}

static int grid_load(Grid *g, const uint8_t *cells)
{
    grid_clear(g);
    for (int i = 0; i < 81; i++)
        if (cells[i] && !grid_place(g, i, cells[i]))
            return 0;
    return 1;
}

static uint64_t nodes;

/* count solutions up to `limit`; if randomize, try candidates in random order (used by the generator) */
static int solve(Grid *g, int limit, int randomize, uint8_t *first)
{
    nodes++;
    /* find the empty cell with the fewest candidates */
    int best = -1, best_count = 10;
    uint16_t best_mask = 0;
    for (int i = 0; i < 81; i++) {
        if (g->cell[i])
            continue;
        int r = i / 9, c = i % 9;
        uint16_t mask = (uint16_t)(~(g->row[r] | g->col[c] | g->box[box_of(r, c)]) & 0x1ffu);
        int cnt = __builtin_popcount(mask);
        if (cnt < best_count) {
            best = i;
            best_count = cnt;
            best_mask = mask;
            if (cnt <= 1)
                break;
        }
    }
    if (best < 0) {
        if (first)
            memcpy(first, g->cell, 81);
        return 1;
    }
    if (best_count == 0)
        return 0;
    int order[9], n = 0;
    for (int v = 1; v <= 9; v++)
        if (best_mask & (1u << (v - 1)))
            order[n++] = v;
    if (randomize)
        for (int k = n - 1; k > 0; k--) {
            int j = (int)(rnd() % (uint32_t)(k + 1));
            int t = order[k];
            order[k] = order[j];
            order[j] = t;
        }
    int total = 0;
    for (int k = 0; k < n && total < limit; k++) {
        grid_place(g, best, order[k]);
        total += solve(g, limit - total, randomize, total == 0 ? first : NULL);
        grid_remove(g, best);
    }
    return total;
}

static int valid_solution(const uint8_t *s)
{
    for (int u = 0; u < 9; u++) {
        uint16_t r = 0, c = 0, b = 0;
        for (int k = 0; k < 9; k++) {
            r |= (uint16_t)(1u << (s[u * 9 + k] - 1));
            c |= (uint16_t)(1u << (s[k * 9 + u] - 1));
            b |= (uint16_t)(1u << (s[((u / 3) * 3 + k / 3) * 9 + (u % 3) * 3 + k % 3] - 1));
        }
        if (r != 0x1ff || c != 0x1ff || b != 0x1ff)
            return 0;
    }
    return 1;
}

static void print_grid(const uint8_t *s)
{
    for (int r = 0; r < 9; r++) {
        for (int c = 0; c < 9; c++)
            printf("%c%s", s[r * 9 + c] ? '0' + s[r * 9 + c] : '.', c == 2 || c == 5 ? " | " : c == 8 ? "" : " ");
        printf("\n");
        if (r == 2 || r == 5)
            printf("------+-------+------\n");
    }
}

int main(void)
{
    uint32_t checksum = 0;
    Grid g;
    uint8_t puzzle[81], solution[81], check[81];

    /* a puzzle given as text with '.' for blanks */
    static const char *const text =
        "..3.2.6..9..3.5..1..18.64....81.29..7.......8..67.82....26.95..8..2.3..9..5.1.3..";
    for (int i = 0; i < 81; i++)
        puzzle[i] = text[i] == '.' ? 0 : (uint8_t)(text[i] - '0');
    grid_load(&g, puzzle);
    nodes = 0;
    int ns = solve(&g, 2, 0, solution);
    printf("text puzzle: %d solution(s), %llu nodes, valid %d\n", ns, (unsigned long long)nodes, valid_solution(solution));
    print_grid(solution);
    for (int i = 0; i < 81; i++)
        checksum = checksum * 31u + solution[i];

    /* empty grid: count is capped, first solution is the lexicographically smallest */
    grid_clear(&g);
    nodes = 0;
    ns = solve(&g, 1000, 0, solution);
    printf("empty grid: >= %d solutions found with %llu nodes, first row", ns, (unsigned long long)nodes);
    for (int c = 0; c < 9; c++)
        printf(" %d", solution[c]);
    printf("\n");
    checksum ^= (uint32_t)ns + (uint32_t)nodes;

    /* generate puzzles: random full grid, then remove clues while the solution stays unique */
    uint64_t total_nodes = 0;
    int total_clues = 0;
    for (int p = 0; p < NPUZ; p++) {
        grid_clear(&g);
        solve(&g, 1, 1, solution);
        memcpy(puzzle, solution, 81);
        int perm[81];
        for (int i = 0; i < 81; i++)
            perm[i] = i;
        for (int k = 80; k > 0; k--) {
            int j = (int)(rnd() % (uint32_t)(k + 1));
            int t = perm[k];
            perm[k] = perm[j];
            perm[j] = t;
        }
        nodes = 0;
        for (int k = 0; k < 81; k++) {
            int i = perm[k];
            uint8_t saved = puzzle[i];
            puzzle[i] = 0;
            grid_load(&g, puzzle);
            if (solve(&g, 2, 0, NULL) != 1)
                puzzle[i] = saved; /* removing it makes the puzzle ambiguous */
        }
        int clues = 0;
        for (int i = 0; i < 81; i++)
            clues += puzzle[i] != 0;
        grid_load(&g, puzzle);
        int count = solve(&g, 2, 0, check);
        int same = memcmp(check, solution, 81) == 0;
        total_nodes += nodes;
        total_clues += clues;
        if (p < 3 || p == NPUZ - 1) {
            printf("puzzle %2d: %d clues, unique %d, matches generator %d, search nodes %llu\n", p, clues, count == 1, same,
                   (unsigned long long)nodes);
            if (p == 0)
                print_grid(puzzle);
        }
        for (int i = 0; i < 81; i++)
            checksum = checksum * 33u + puzzle[i];
        checksum += (uint32_t)(count * 2 + same);
    }
    printf("generated %d puzzles: average clues %.2f, total nodes %llu\n", NPUZ, total_clues / (double)NPUZ,
           (unsigned long long)total_nodes);
    checksum ^= (uint32_t)total_nodes;
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
