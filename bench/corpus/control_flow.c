/* Control flow: static local state, goto (cleanup/retry/loop exits), do/while, deep nesting, break/continue labels, switch fallthrough, short-circuit side effects. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t ck = 0x12345u;
static void mix(uint32_t v) { ck = (ck ^ v) * 0x01000193u + (ck >> 13); }

/* static local state: counters and a generator that remembers its position */
static uint32_t next_id(void)
{
    static uint32_t id = 1000;
    return id++;
}

static uint32_t gen_sequence(int reset)
{
    static uint32_t a = 0, b = 1, calls;
    if (reset) {
        a = 0;
        b = 1;
        calls = 0;
        return 0;
    }
    uint32_t t = a + b;
    a = b;
    b = t;
    calls++;
    return a ^ calls;
}

static const char *memo_name(int k)
{
    static char cache[8][16];
    static int filled[8];
    int slot = k & 7;
    if (!filled[slot] || cache[slot][0] != (char)('a' + k % 26)) {
        snprintf(cache[slot], sizeof cache[slot], "%c-item-%d", 'a' + k % 26, k % 1000);
        filled[slot] = 1;
    }
    return cache[slot];
}

/* goto-based resource cleanup */
static int process_block(int n, uint32_t *out)
{
    int rc = -1;
    uint32_t *a = NULL, *b = NULL;
    a = malloc((size_t)n * sizeof *a);
    if (!a)
        goto done;
    b = malloc((size_t)n * sizeof *b);
    if (!b)
        goto free_a;
    for (int i = 0; i < n; i++)
        a[i] = (uint32_t)i * 2654435761u;
    if (n % 7 == 0) {
        rc = -2; /* simulated failure after allocation */
        goto free_b;
    }
    for (int i = 0; i < n; i++)
        b[i] = a[n - 1 - i] ^ a[i];
    *out = 0;
    for (int i = 0; i < n; i++)
        *out += b[i] >> (i & 7);
    rc = 0;
free_b:
    free(b);
free_a:
    free(a);
done:
    return rc;
}

/* goto for retry loop and breaking out of nested loops */
static int find_triple(int target, int *oi, int *oj, int *ok)
{
    int attempts = 0;
retry:
    attempts++;
    for (int i = 1; i < 60; i++)
        for (int j = i; j < 60; j++)
            for (int k = j; k < 60; k++)
                if (i * i + j * j == k * k && i + j + k == target)
                    goto found;
    if (attempts < 3) {
        target += 12;
        goto retry;
    }
    return -attempts;
found:;
    /* recompute the indexes (the loop variables are out of scope here) */
    for (int i = 1; i < 60; i++)
        for (int j = i; j < 60; j++) {
            int k2 = i * i + j * j, k = 1;
            while (k * k < k2)
                k++;
            if (k * k == k2 && i + j + k == target) {
                *oi = i;
                *oj = j;
                *ok = k;
                return attempts;
            }
        }
    return 0;
}

/* deep nesting with mixed loop kinds, continue and break */
static uint64_t nested_work(int n)
{
    uint64_t acc = 0;
    for (int a = 0; a < n; a++) {
        if (a % 5 == 4)
            continue;
        int b = 0;
        while (b < n) {
            int c = n;
            do {
                c--;
                if ((a ^ b ^ c) & 1) {
                    if (c % 3 == 0) {
                        for (int d = 0; d < 4; d++) {
                            if (d == 2)
                                continue;
                            switch ((a + b + c + d) & 7) {
                            case 0: acc += 1;               /* fall through */
                            case 1: acc += (uint64_t)d;     break;
                            case 2:
                            case 3: acc ^= (uint64_t)(a * b); break;
                            case 4: if (b > c) break; acc += 7; /* fall through */
                            case 5: acc = acc * 3 + 1; break;
                            default: acc += (uint64_t)c; break;
                            }
                        }
                    } else if (c % 3 == 1) {
                        acc += (uint64_t)(a + b);
                    } else {
                        if (b > a)
                            break; /* leaves the do/while */
                        acc -= (uint64_t)c;
                    }
                } else {
                    acc += (uint64_t)(c & b);
                }
            } while (c > 0);
            b += 1 + (a & 1);
        }
    }
    return acc;
}

/* state machine implemented with goto labels: parse signed integers with optional separators */
static int64_t goto_parser(const char *s, int *count)
{
    int64_t total = 0, cur = 0;
    int neg = 0;
    *count = 0;
    const char *p = s;
start:
    if (*p == '\0')
        goto end;
    if (*p == '-') {
        neg = 1;
        p++;
        goto digits;
    }
    if (*p >= '0' && *p <= '9')
        goto digits;
    p++;
    goto start;
digits:
    cur = 0;
    while (*p >= '0' && *p <= '9') {
        cur = cur * 10 + (*p - '0');
        p++;
        if (*p == '_')
            p++; /* digit separator */
    }
    total += neg ? -cur : cur;
    neg = 0;
    (*count)++;
    goto start;
end:
    return total;
}

/* short-circuit evaluation with side effects */
static int side_calls;
static int check(int v)
{
    side_calls++;
    return v;
}

int main(void)
{
    uint32_t ids = 0;
    for (int i = 0; i < 5; i++)
        ids += next_id();
    printf("ids sum %u, next %u\n", ids, next_id());
    mix(ids);

    gen_sequence(1);
    uint32_t g = 0;
    for (int i = 0; i < 40; i++)
        g ^= gen_sequence(0) * (uint32_t)(i + 1);
    printf("generator xor %08x\n", (unsigned)g);
    mix(g);

    for (int k = 0; k < 20; k += 3)
        printf("%s%s", memo_name(k), k + 3 < 20 ? " " : "\n");
    mix((uint32_t)strlen(memo_name(17)));

    int ok = 0, fail = 0;
    uint32_t blocks = 0;
    for (int n = 1; n <= 3000; n++) {
        uint32_t out = 0;
        int rc = process_block(n, &out);
        if (rc == 0) {
            ok++;
            blocks += out;
        } else {
            fail++;
        }
    }
    printf("blocks: ok %d failed %d sum %08x\n", ok, fail, (unsigned)blocks);
    mix(blocks);

    static const int targets[] = {12, 30, 31, 56, 90, 100, 1};
    for (size_t t = 0; t < sizeof targets / sizeof targets[0]; t++) {
        int i = 0, j = 0, k = 0;
        int r = find_triple(targets[t], &i, &j, &k);
        printf("triple for %d: attempts %d -> (%d, %d, %d)\n", targets[t], r, i, j, k);
        mix((uint32_t)(r * 1000 + i * 100 + j * 10 + k));
    }

    uint64_t nw = 0;
    for (int n = 10; n <= 260; n += 7)
        nw += nested_work(n);
    printf("nested work %llu\n", (unsigned long long)nw);
    mix((uint32_t)nw);
    mix((uint32_t)(nw >> 32));

    int cnt = 0;
    int64_t total = goto_parser("a12 b-7 1_000_000 x-2_5 end 42-3", &cnt);
    printf("goto parser: %d numbers, total %lld\n", cnt, (long long)total);
    mix((uint32_t)cnt);
    mix((uint32_t)total);

    int hits = 0;
    for (int i = 0; i < 100; i++) {
        if (check(i % 3 == 0) && check(i % 5 == 0))
            hits++;
        if (check(i % 7 == 0) || check(i % 11 == 0))
            hits += 2;
        hits += (i & 1) ? check(1) : (check(0), 3);
    }
    printf("short-circuit: hits %d, side calls %d\n", hits, side_calls);
    mix((uint32_t)hits);
    mix((uint32_t)side_calls);

    /* do/while with a computed exit and a labelled double loop via flag-free goto */
    uint32_t x = 27, steps = 0, peak = 0;
    do {
        x = (x & 1u) ? 3u * x + 1u : x / 2u;
        if (x > peak)
            peak = x;
        steps++;
    } while (x != 1u);
    printf("collatz(27): %u steps, peak %u\n", steps, peak);
    mix(steps);
    mix(peak);

    printf("checksum: 0x%08x\n", (unsigned)ck);
    return 0;
}
