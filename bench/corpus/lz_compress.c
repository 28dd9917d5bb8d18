/* Compression suite: LZ77 (hash chains, lazy matching) + canonical Huffman bitstream codec, LZSS codec, BWT+MTF with inverse, over generated data sets; all round trips verified. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ======================================================================
 * Utilities: PRNG, CRC32, growable byte buffer
 * ====================================================================== */

static uint64_t rng_state = 0x6a09e667f3bcc909ull;
static uint32_t rnd32(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 2685821657736338717ull) >> 32);
}

static uint32_t crc_table[256];
static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
        crc_table[i] = c;
    }
}
static uint32_t crc32(const uint8_t *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    for (size_t i = 0; i < n; i++)
        c = crc_table[(c ^ p[i]) & 0xffu] ^ (c >> 8);
    return ~c;
}

typedef struct {
    uint8_t *data;
    size_t len, cap;
} Buf;

static void buf_reserve(Buf *b, size_t need)
{
    if (need <= b->cap)
        return;
    size_t nc = b->cap ? b->cap : 1024;
    while (nc < need)
        nc *= 2;
    uint8_t *nd = realloc(b->data, nc);
    if (!nd)
        exit(1);
    b->data = nd;
    b->cap = nc;
}

static void buf_push(Buf *b, uint8_t v)
{
    buf_reserve(b, b->len + 1);
    b->data[b->len++] = v;
}

static void buf_append(Buf *b, const void *p, size_t n)
{
    buf_reserve(b, b->len + n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void buf_free(Buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* ======================================================================
 * Data set generators
 * ====================================================================== */

static void gen_text(Buf *out, size_t size)
{
    static const char *const words[] = {
        "the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "was", "with", "be", "by", "on",
        "not", "he", "this", "are", "or", "his", "from", "at", "which", "but", "have", "an", "had", "they",
        "compiler", "pass", "pipeline", "register", "allocation", "instruction", "selection", "loop", "vector",
        "constant", "folding", "inline", "function", "memory", "analysis", "graph", "value", "number", "block",
    };
    const size_t nw = sizeof words / sizeof words[0];
    size_t prev = 0, sentence = 0;
    while (out->len < size) {
        uint32_t r = rnd32();
        /* skewed choice: favour small indices and repeat bigrams */
        size_t w = (r & 3u) == 0 ? (prev * 7u + 3u) % nw : (size_t)((r >> 8) % (uint32_t)(1u + (r >> 4) % nw));
        const char *word = words[w];
        if (sentence == 0) {
            buf_push(out, (uint8_t)(word[0] - 'a' + 'A'));
            buf_append(out, word + 1, strlen(word) - 1);
        } else {
            buf_append(out, word, strlen(word));
        }
        sentence++;
        if (sentence > 6 && (r >> 20) % 5u == 0) {
            buf_append(out, (r >> 25) & 1u ? ".\n" : ". ", 2);
            sentence = 0;
        } else if ((r >> 28) == 7u) {
            buf_append(out, ", ", 2);
        } else {
            buf_push(out, ' ');
        }
        prev = w;
    }
    out->len = size;
}

static void gen_records(Buf *out, size_t size)
{
    /* binary records: id (incrementing), timestamp (small deltas), value (smooth), flags */
    uint32_t id = 1000, ts = 1700000000u;
    int32_t value = 0;
    while (out->len < size) {
        uint32_t r = rnd32();
        id++;
        ts += 1u + (r & 7u);
        value += (int32_t)((r >> 8) % 21u) - 10;
        uint8_t rec[16];
        for (int i = 0; i < 4; i++) {
            rec[i] = (uint8_t)(id >> (8 * i));
            rec[4 + i] = (uint8_t)(ts >> (8 * i));
            rec[8 + i] = (uint8_t)((uint32_t)value >> (8 * i));
        }
        rec[12] = (uint8_t)(r >> 24 & 3u);
        rec[13] = 0;
        rec[14] = 0xff;
        rec[15] = (uint8_t)(id % 7u);
        buf_append(out, rec, sizeof rec);
    }
    out->len = size;
}

static void gen_random(Buf *out, size_t size)
{
    while (out->len < size)
        buf_push(out, (uint8_t)(rnd32() >> 24));
}

static void gen_runs(Buf *out, size_t size)
{
    while (out->len < size) {
        uint32_t r = rnd32();
        uint8_t v = (uint8_t)("aaabbcxyz \n"[r % 11u]);
        size_t run = 1 + (r >> 8) % 300u;
        for (size_t i = 0; i < run && out->len < size; i++)
            buf_push(out, v);
        if ((r >> 30) == 0) { /* occasionally copy an earlier chunk */
            size_t from = out->len > 5000 ? out->len - 1 - (r >> 4) % 4000u : 0;
            size_t n = 50 + (r >> 12) % 500u;
            for (size_t i = 0; i < n && out->len < size && from + i < out->len; i++)
                buf_push(out, out->data[from + i]);
        }
    }
    out->len = size;
}

static void gen_source(Buf *out, size_t size)
{
    static const char *const templates[] = {
        "static int %s_%u(int x) {\n    return x * %u + %u;\n}\n",
        "for (int i = 0; i < %u; i++) {\n    total += table[i] ^ %u;\n}\n",
        "/* %s: computes the %u-th value */\n",
        "if (state == %u) {\n    state = next_%s(state, %u);\n}\n",
        "#define %s_LIMIT %u\n",
    };
    static const char *const names[] = {"alpha", "beta", "gamma", "delta", "parse", "emit", "lower", "fold"};
    char line[256];
    while (out->len < size) {
        uint32_t r = rnd32();
        const char *t = templates[r % 5u];
        const char *nm = names[(r >> 4) % 8u];
        int n;
        switch (r % 5u) {
        case 0: n = snprintf(line, sizeof line, t, nm, (r >> 8) % 100u, (r >> 12) % 17u, (r >> 16) % 9u); break;
        case 1: n = snprintf(line, sizeof line, t, (r >> 8) % 64u, (r >> 16) % 255u); break;
        case 2: n = snprintf(line, sizeof line, t, nm, (r >> 8) % 1000u); break;
        case 3: n = snprintf(line, sizeof line, t, (r >> 8) % 12u, nm, (r >> 16) % 5u); break;
        default: n = snprintf(line, sizeof line, t, nm, (r >> 8) % 4096u); break;
        }
        buf_append(out, line, (size_t)n);
    }
    out->len = size;
}

/* ======================================================================
 * Bit I/O (LSB-first)
 * ====================================================================== */

typedef struct {
    Buf *out;
    uint64_t acc;
    int nbits;
} BitWriter;

static void bw_put(BitWriter *w, uint32_t value, int n) /* n <= 24 */
{
    w->acc |= (uint64_t)(value & ((1u << n) - 1u)) << w->nbits;
    w->nbits += n;
    while (w->nbits >= 8) {
        buf_push(w->out, (uint8_t)w->acc);
        w->acc >>= 8;
        w->nbits -= 8;
    }
}

static void bw_flush(BitWriter *w)
{
    if (w->nbits > 0)
        buf_push(w->out, (uint8_t)w->acc);
    w->acc = 0;
    w->nbits = 0;
}

typedef struct {
    const uint8_t *data;
    size_t len, pos;
    uint64_t acc;
    int nbits;
    int overrun;
} BitReader;

static uint32_t br_get(BitReader *r, int n) /* n <= 24 */
{
    while (r->nbits < n) {
        uint64_t byte = 0;
        if (r->pos < r->len)
            byte = r->data[r->pos];
        else
            r->overrun = 1;
        r->pos++;
        r->acc |= byte << r->nbits;
        r->nbits += 8;
    }
    uint32_t v = (uint32_t)(r->acc & ((1ull << n) - 1u));
    r->acc >>= n;
    r->nbits -= n;
    return v;
}

/* ======================================================================
 * Huffman: length-limited code lengths, canonical codes, decoding
 * ====================================================================== */

#define MAXBITS 15

static void huff_lengths(const uint32_t *freq_in, int n, uint8_t *len)
{
    uint32_t freq[320];
    int parent[640];
    uint64_t weight[640];
    int alive[640];
    for (int i = 0; i < n; i++)
        freq[i] = freq_in[i];
    for (;;) {
        int used = 0, last = -1;
        for (int i = 0; i < n; i++) {
            len[i] = 0;
            if (freq[i]) {
                used++;
                last = i;
            }
        }
        if (used == 0)
            return;
        if (used == 1) {
            len[last] = 1;
            return;
        }
        int nodes = 0;
        int leaf_node[320];
        for (int i = 0; i < n; i++) {
            leaf_node[i] = -1;
            if (freq[i]) {
                leaf_node[i] = nodes;
                weight[nodes] = freq[i];
                parent[nodes] = -1;
                alive[nodes] = 1;
                nodes++;
            }
        }
        int remaining = used;
        while (remaining > 1) {
            int a = -1, b = -1;
            for (int k = 0; k < nodes; k++) {
                if (!alive[k])
                    continue;
                if (a < 0 || weight[k] < weight[a]) {
                    b = a;
                    a = k;
                } else if (b < 0 || weight[k] < weight[b]) {
                    b = k;
                }
            }
            weight[nodes] = weight[a] + weight[b];
            parent[nodes] = -1;
            alive[nodes] = 1;
            alive[a] = alive[b] = 0;
            parent[a] = parent[b] = nodes;
            nodes++;
            remaining--;
        }
        int maxlen = 0;
        for (int i = 0; i < n; i++) {
            if (leaf_node[i] < 0)
                continue;
            int d = 0;
            for (int k = leaf_node[i]; parent[k] >= 0; k = parent[k])
                d++;
            len[i] = (uint8_t)d;
            if (d > maxlen)
                maxlen = d;
        }
        if (maxlen <= MAXBITS)
            return;
        for (int i = 0; i < n; i++) /* flatten the distribution and retry */
            if (freq[i])
                freq[i] = (freq[i] >> 1) | 1u;
    }
}

typedef struct {
    uint16_t code[320]; /* bit-reversed canonical codes, ready for LSB-first output */
    uint8_t len[320];
    int n;
} HuffEnc;

typedef struct {
    uint16_t count[MAXBITS + 1];
    uint16_t symbol[320];
} HuffDec;

static uint16_t reverse_bits(uint16_t code, int len)
{
    uint16_t r = 0;
    for (int i = 0; i < len; i++) {
        r = (uint16_t)((r << 1) | (code & 1u));
        code >>= 1;
    }
    return r;
}

static void huff_make_encoder(HuffEnc *e, const uint8_t *len, int n)
{
    uint16_t count[MAXBITS + 1] = {0}, next[MAXBITS + 2];
    e->n = n;
    for (int i = 0; i < n; i++) {
        e->len[i] = len[i];
        count[len[i]]++;
    }
    count[0] = 0;
    uint16_t code = 0;
    for (int b = 1; b <= MAXBITS; b++) {
        code = (uint16_t)((code + count[b - 1]) << 1);
        next[b] = code;
    }
    for (int i = 0; i < n; i++)
        e->code[i] = len[i] ? reverse_bits(next[len[i]]++, len[i]) : 0;
}

static int huff_make_decoder(HuffDec *d, const uint8_t *len, int n)
{
    uint16_t offs[MAXBITS + 2];
    memset(d->count, 0, sizeof d->count);
    for (int i = 0; i < n; i++)
        d->count[len[i]]++;
    d->count[0] = 0;
    int left = 1; /* check the code is not over-subscribed */
    for (int b = 1; b <= MAXBITS; b++) {
        left <<= 1;
        left -= d->count[b];
        if (left < 0)
            return 0;
    }
    offs[1] = 0;
    for (int b = 1; b < MAXBITS; b++)
        offs[b + 1] = (uint16_t)(offs[b] + d->count[b]);
    for (int i = 0; i < n; i++)
        if (len[i])
            d->symbol[offs[len[i]]++] = (uint16_t)i;
    return 1;
}

static int huff_decode(BitReader *r, const HuffDec *d)
{
    int code = 0, first = 0, index = 0;
    for (int b = 1; b <= MAXBITS; b++) {
        code |= (int)br_get(r, 1);
        int count = d->count[b];
        if (code - first < count)
            return d->symbol[index + (code - first)];
        index += count;
        first += count;
        first <<= 1;
        code <<= 1;
    }
    return -1;
}

/* ======================================================================
 * Deflate-style length/distance alphabets (tables computed at start-up)
 * ====================================================================== */

#define NLIT 286
#define NDIST 30
#define END_BLOCK 256
#define WINDOW 32768
#define MIN_MATCH 3
#define MAX_MATCH 258

static uint16_t len_base[29];
static uint8_t len_extra[29];
static uint16_t dist_base[30];
static uint8_t dist_extra[30];
static uint8_t len_code_of[MAX_MATCH + 1];
static uint8_t dist_code_of[WINDOW + 1];

static void init_alphabets(void)
{
    uint16_t base = 3;
    for (int i = 0; i < 28; i++) {
        len_extra[i] = (uint8_t)(i < 8 ? 0 : (i - 4) / 4);
        len_base[i] = base;
        base = (uint16_t)(base + (1u << len_extra[i]));
    }
    len_base[28] = 258;
    len_extra[28] = 0;
    for (int c = 0; c < 29; c++)
        for (int l = len_base[c]; l < len_base[c] + (1 << len_extra[c]) && l <= MAX_MATCH; l++)
            len_code_of[l] = (uint8_t)c;
    len_code_of[258] = 28;
    uint32_t dbase = 1;
    for (int i = 0; i < 30; i++) {
        dist_extra[i] = (uint8_t)(i < 4 ? 0 : i / 2 - 1);
        dist_base[i] = (uint16_t)dbase;
        for (uint32_t d = dbase; d < dbase + (1u << dist_extra[i]) && d <= WINDOW; d++)
            dist_code_of[d] = (uint8_t)i;
        dbase += 1u << dist_extra[i];
    }
}

/* ======================================================================
 * LZ77 match finder with hash chains and lazy evaluation
 * ====================================================================== */

typedef struct {
    uint16_t len;  /* 0 = literal */
    uint16_t dist;
    uint8_t lit;
} Lz;

typedef struct {
    int max_chain;
    int lazy;
    int nice_len;
    const char *name;
} Level;

#define HASH_BITS 15
#define HASH_SIZE (1 << HASH_BITS)

typedef struct {
    int32_t head[HASH_SIZE];
    int32_t *prev; /* indexed by position & (WINDOW - 1) */
    uint64_t chain_steps;
} Matcher;

static uint32_t hash3(const uint8_t *p)
{
    return (((uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]) * 2654435761u) >> (32 - HASH_BITS);
}

static void insert_pos(Matcher *m, const uint8_t *data, size_t n, size_t pos)
{
    if (pos + MIN_MATCH > n)
        return;
    uint32_t h = hash3(data + pos);
    m->prev[pos & (WINDOW - 1)] = m->head[h];
    m->head[h] = (int32_t)pos;
}

static int longest_match(Matcher *m, const uint8_t *data, size_t n, size_t pos, const Level *lv, int *best_dist)
{
    if (pos + MIN_MATCH > n)
        return 0;
    int best = 0;
    size_t limit = pos > WINDOW - 1 ? pos - (WINDOW - 1) : 0;
    int32_t cand = m->head[hash3(data + pos)];
    int chain = lv->max_chain;
    size_t maxlen = n - pos < MAX_MATCH ? n - pos : MAX_MATCH;
    while (cand >= 0 && (size_t)cand >= limit && (size_t)cand < pos && chain-- > 0) {
        m->chain_steps++;
        const uint8_t *a = data + cand, *b = data + pos;
        if (a[best] == b[best] && a[0] == b[0]) {
            size_t l = 0;
            while (l < maxlen && a[l] == b[l])
                l++;
            if ((int)l > best) {
                best = (int)l;
                *best_dist = (int)(pos - (size_t)cand);
                if (best >= lv->nice_len || (size_t)best == maxlen)
                    break;
            }
        }
        int32_t next = m->prev[(size_t)cand & (WINDOW - 1)];
        if (next >= cand)
            break; /* stale entry from an older window */
        cand = next;
    }
    return best >= MIN_MATCH ? best : 0;
}

static size_t lz_parse(const uint8_t *data, size_t n, const Level *lv, Lz **out_tokens, uint64_t *steps)
{
    Matcher *m = malloc(sizeof *m);
    Lz *tok = malloc((n + 1) * sizeof *tok);
    if (!m || !tok)
        exit(1);
    m->prev = malloc(WINDOW * sizeof *m->prev);
    if (!m->prev)
        exit(1);
    for (int i = 0; i < HASH_SIZE; i++)
        m->head[i] = -1;
    for (int i = 0; i < WINDOW; i++)
        m->prev[i] = -1;
    m->chain_steps = 0;
    size_t nt = 0, pos = 0;
    while (pos < n) {
        int dist = 0;
        int len = longest_match(m, data, n, pos, lv, &dist);
        if (len && lv->lazy && len < lv->nice_len && pos + 1 < n) {
            insert_pos(m, data, n, pos);
            int dist2 = 0;
            int len2 = longest_match(m, data, n, pos + 1, lv, &dist2);
            if (len2 > len) { /* emit a literal and take the better match next time */
                tok[nt].len = 0;
                tok[nt].dist = 0;
                tok[nt].lit = data[pos];
                nt++;
                pos++;
                len = len2;
                dist = dist2;
            } else {
                /* position already inserted: emit the match from pos */
                tok[nt].len = (uint16_t)len;
                tok[nt].dist = (uint16_t)dist;
                tok[nt].lit = 0;
                nt++;
                for (size_t k = 1; k < (size_t)len; k++)
                    insert_pos(m, data, n, pos + k);
                pos += (size_t)len;
                continue;
            }
        }
        if (len) {
            tok[nt].len = (uint16_t)len;
            tok[nt].dist = (uint16_t)dist;
            tok[nt].lit = 0;
            nt++;
            for (size_t k = 0; k < (size_t)len; k++)
                insert_pos(m, data, n, pos + k);
            pos += (size_t)len;
        } else {
            tok[nt].len = 0;
            tok[nt].dist = 0;
            tok[nt].lit = data[pos];
            nt++;
            insert_pos(m, data, n, pos);
            pos++;
        }
    }
    *steps = m->chain_steps;
    free(m->prev);
    free(m);
    *out_tokens = tok;
    return nt;
}

/* ======================================================================
 * LZ77 + Huffman container format
 *   u32 length (as 2 x 16 bits), then blocks: final(1) lit lengths(286 x 4) dist lengths(30 x 4) symbols... EOB
 * ====================================================================== */

#define BLOCK_TOKENS 16384

static void lzh_compress(const uint8_t *data, size_t n, const Level *lv, Buf *out, uint64_t *steps, size_t *ntokens)
{
    Lz *tok;
    size_t nt = lz_parse(data, n, lv, &tok, steps);
    *ntokens = nt;
    BitWriter w = {out, 0, 0};
    bw_put(&w, (uint32_t)(n & 0xffffu), 16);
    bw_put(&w, (uint32_t)(n >> 16), 16);
    size_t start = 0;
    do {
        size_t end = start + BLOCK_TOKENS < nt ? start + BLOCK_TOKENS : nt;
        uint32_t lf[NLIT] = {0}, df[NDIST] = {0};
        for (size_t i = start; i < end; i++) {
            if (tok[i].len == 0) {
                lf[tok[i].lit]++;
            } else {
                lf[257 + len_code_of[tok[i].len]]++;
                df[dist_code_of[tok[i].dist]]++;
            }
        }
        lf[END_BLOCK]++;
        uint8_t ll[NLIT], dl[NDIST];
        huff_lengths(lf, NLIT, ll);
        huff_lengths(df, NDIST, dl);
        HuffEnc le, de;
        huff_make_encoder(&le, ll, NLIT);
        huff_make_encoder(&de, dl, NDIST);
        bw_put(&w, end == nt, 1);
        for (int i = 0; i < NLIT; i++)
            bw_put(&w, ll[i], 4);
        for (int i = 0; i < NDIST; i++)
            bw_put(&w, dl[i], 4);
        for (size_t i = start; i < end; i++) {
            if (tok[i].len == 0) {
                bw_put(&w, le.code[tok[i].lit], le.len[tok[i].lit]);
            } else {
                int lc = len_code_of[tok[i].len], dc = dist_code_of[tok[i].dist];
                bw_put(&w, le.code[257 + lc], le.len[257 + lc]);
                bw_put(&w, (uint32_t)(tok[i].len - len_base[lc]), len_extra[lc]);
                bw_put(&w, de.code[dc], de.len[dc]);
                bw_put(&w, (uint32_t)(tok[i].dist - dist_base[dc]), dist_extra[dc]);
            }
        }
        bw_put(&w, le.code[END_BLOCK], le.len[END_BLOCK]);
        start = end;
    } while (start < nt);
    bw_flush(&w);
    free(tok);
}

static int lzh_decompress(const uint8_t *src, size_t srclen, Buf *out)
{
    BitReader r = {src, srclen, 0, 0, 0, 0};
    size_t n = br_get(&r, 16);
    n |= (size_t)br_get(&r, 16) << 16;
    buf_reserve(out, n);
    out->len = 0;
    int final;
    do {
        final = (int)br_get(&r, 1);
        uint8_t ll[NLIT], dl[NDIST];
        for (int i = 0; i < NLIT; i++)
            ll[i] = (uint8_t)br_get(&r, 4);
        for (int i = 0; i < NDIST; i++)
            dl[i] = (uint8_t)br_get(&r, 4);
        HuffDec ld, dd;
        if (!huff_make_decoder(&ld, ll, NLIT) || !huff_make_decoder(&dd, dl, NDIST))
            return -1;
        for (;;) {
            int sym = huff_decode(&r, &ld);
            if (sym < 0 || r.overrun)
                return -2;
            if (sym < 256) {
                if (out->len >= n)
                    return -3;
                out->data[out->len++] = (uint8_t)sym;
                continue;
            }
            if (sym == END_BLOCK)
                break;
            int lc = sym - 257;
            if (lc > 28)
                return -4;
            size_t len = len_base[lc] + br_get(&r, len_extra[lc]);
            int dc = huff_decode(&r, &dd);
            if (dc < 0 || dc >= NDIST)
                return -5;
            size_t dist = dist_base[dc] + br_get(&r, dist_extra[dc]);
            if (dist > out->len || out->len + len > n)
                return -6;
            for (size_t k = 0; k < len; k++) { /* byte-wise copy handles overlap */
                out->data[out->len] = out->data[out->len - dist];
                out->len++;
            }
        }
    } while (!final);
    return out->len == n ? 0 : -7;
}

/* ======================================================================
 * LZSS: flag byte + 8 items; match = 12-bit offset, 4-bit length (3..18)
 * ====================================================================== */

#define LZSS_WINDOW 4096
#define LZSS_MAXLEN 18

static void lzss_compress(const uint8_t *data, size_t n, Buf *out)
{
    static int32_t head[4096];
    int32_t *prev = malloc(n * sizeof *prev + 1);
    if (!prev)
        exit(1);
    for (int i = 0; i < 4096; i++)
        head[i] = -1;
    for (int i = 0; i < 4; i++)
        buf_push(out, (uint8_t)(n >> (8 * i)));
    size_t pos = 0;
    while (pos < n) {
        size_t flag_at = out->len;
        buf_push(out, 0);
        uint8_t flags = 0;
        for (int item = 0; item < 8 && pos < n; item++) {
            size_t best = 0, best_off = 0;
            if (pos + 3 <= n) {
                uint32_t h = ((uint32_t)data[pos] * 33u + data[pos + 1]) * 33u + data[pos + 2];
                h &= 4095u;
                int chain = 16;
                for (int32_t c = head[h]; c >= 0 && pos - (size_t)c < LZSS_WINDOW && chain-- > 0; c = prev[c]) {
                    size_t l = 0, maxl = n - pos < LZSS_MAXLEN ? n - pos : LZSS_MAXLEN;
                    while (l < maxl && data[(size_t)c + l] == data[pos + l])
                        l++;
                    if (l > best) {
                        best = l;
                        best_off = pos - (size_t)c;
                    }
                }
            }
            size_t adv = best >= 3 ? best : 1;
            if (best >= 3) {
                flags |= (uint8_t)(1u << item);
                uint32_t v = (uint32_t)((best_off - 1) << 4 | (best - 3));
                buf_push(out, (uint8_t)v);
                buf_push(out, (uint8_t)(v >> 8));
            } else {
                buf_push(out, data[pos]);
            }
            for (size_t k = 0; k < adv; k++, pos++) {
                if (pos + 3 <= n) {
                    uint32_t h = (((uint32_t)data[pos] * 33u + data[pos + 1]) * 33u + data[pos + 2]) & 4095u;
                    prev[pos] = head[h];
                    head[h] = (int32_t)pos;
                }
            }
        }
        out->data[flag_at] = flags;
    }
    free(prev);
}

static int lzss_decompress(const uint8_t *src, size_t srclen, Buf *out)
{
    if (srclen < 4)
        return -1;
    size_t n = (size_t)src[0] | (size_t)src[1] << 8 | (size_t)src[2] << 16 | (size_t)src[3] << 24;
    buf_reserve(out, n);
    out->len = 0;
    size_t i = 4;
    while (out->len < n) {
        if (i >= srclen)
            return -2;
        uint8_t flags = src[i++];
        for (int item = 0; item < 8 && out->len < n; item++) {
            if (flags & (1u << item)) {
                if (i + 2 > srclen)
                    return -3;
                uint32_t v = (uint32_t)src[i] | (uint32_t)src[i + 1] << 8;
                i += 2;
                size_t off = (v >> 4) + 1, len = (v & 15u) + 3;
                if (off > out->len || out->len + len > n)
                    return -4;
                for (size_t k = 0; k < len; k++, out->len++)
                    out->data[out->len] = out->data[out->len - off];
            } else {
                if (i >= srclen)
                    return -5;
                out->data[out->len++] = src[i++];
            }
        }
    }
    return 0;
}

/* ======================================================================
 * BWT (prefix doubling over rotations) + MTF, inverse transform
 * ====================================================================== */

static const int32_t *g_rank;
static size_t g_n, g_k;

static int cmp_rot(const void *pa, const void *pb)
{
    size_t a = (size_t)*(const int32_t *)pa, b = (size_t)*(const int32_t *)pb;
    if (g_rank[a] != g_rank[b])
        return g_rank[a] < g_rank[b] ? -1 : 1;
    int32_t ra = g_rank[(a + g_k) % g_n], rb = g_rank[(b + g_k) % g_n];
    if (ra != rb)
        return ra < rb ? -1 : 1;
    return a < b ? -1 : (a > b); /* stable tie-break keeps qsort deterministic */
}

static size_t bwt_forward(const uint8_t *in, size_t n, uint8_t *out)
{
    int32_t *sa = malloc(n * sizeof *sa), *rank = malloc(n * sizeof *rank), *tmp = malloc(n * sizeof *tmp);
    if (!sa || !rank || !tmp)
        exit(1);
    for (size_t i = 0; i < n; i++) {
        sa[i] = (int32_t)i;
        rank[i] = in[i];
    }
    g_rank = rank;
    g_n = n;
    for (size_t k = 1;; k *= 2) {
        g_k = k;
        qsort(sa, n, sizeof *sa, cmp_rot);
        tmp[sa[0]] = 0;
        for (size_t i = 1; i < n; i++) {
            size_t a = (size_t)sa[i - 1], b = (size_t)sa[i];
            int same = rank[a] == rank[b] && rank[(a + k) % n] == rank[(b + k) % n];
            tmp[b] = tmp[a] + !same;
        }
        memcpy(rank, tmp, n * sizeof *rank);
        if ((size_t)rank[sa[n - 1]] == n - 1 || k >= n)
            break;
    }
    size_t primary = 0;
    for (size_t i = 0; i < n; i++) {
        size_t s = (size_t)sa[i];
        out[i] = in[(s + n - 1) % n];
        if (s == 0)
            primary = i;
    }
    free(sa);
    free(rank);
    free(tmp);
    return primary;
}

static void bwt_inverse(const uint8_t *in, size_t n, size_t primary, uint8_t *out)
{
    size_t count[256] = {0}, start[256];
    uint32_t *lf = malloc(n * sizeof *lf);
    if (!lf)
        exit(1);
    for (size_t i = 0; i < n; i++)
        count[in[i]]++;
    size_t sum = 0;
    for (int c = 0; c < 256; c++) {
        start[c] = sum;
        sum += count[c];
    }
    for (size_t i = 0; i < n; i++)
        lf[i] = (uint32_t)(start[in[i]]++);
    size_t p = primary;
    for (size_t i = n; i-- > 0;) {
        out[i] = in[p];
        p = lf[p];
    }
    free(lf);
}

static void mtf_encode(const uint8_t *in, size_t n, uint8_t *out)
{
    uint8_t order[256];
    for (int i = 0; i < 256; i++)
        order[i] = (uint8_t)i;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = in[i];
        int j = 0;
        while (order[j] != c)
            j++;
        out[i] = (uint8_t)j;
        memmove(order + 1, order, (size_t)j);
        order[0] = c;
    }
}

static void mtf_decode(const uint8_t *in, size_t n, uint8_t *out)
{
    uint8_t order[256];
    for (int i = 0; i < 256; i++)
        order[i] = (uint8_t)i;
    for (size_t i = 0; i < n; i++) {
        int j = in[i];
        uint8_t c = order[j];
        out[i] = c;
        memmove(order + 1, order, (size_t)j);
        order[0] = c;
    }
}

/* estimated size in bytes of a Huffman-coded byte stream (code lengths + payload) */
static size_t huff_cost(const uint8_t *p, size_t n)
{
    uint32_t freq[256] = {0};
    for (size_t i = 0; i < n; i++)
        freq[p[i]]++;
    uint8_t len[256];
    huff_lengths(freq, 256, len);
    uint64_t bits = 256 * 4;
    for (int i = 0; i < 256; i++)
        bits += (uint64_t)freq[i] * len[i];
    return (size_t)((bits + 7) / 8);
}

/* ======================================================================
 * Driver
 * ====================================================================== */

static uint32_t ck = 0x811c9dc5u;
static void mix(uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        ck ^= (v >> (8 * i)) & 0xffu;
        ck *= 16777619u;
    }
}

int main(void)
{
    crc_init();
    init_alphabets();
    printf("alphabets: len_base[8]=%u len_base[27]=%u dist_base[29]=%u extra %u/%u\n", len_base[8], len_base[27],
           dist_base[29], len_extra[27], dist_extra[29]);

    static const struct {
        const char *name;
        void (*gen)(Buf *, size_t);
        size_t size;
    } sets[] = {
        {"text", gen_text, 120000}, {"records", gen_records, 96000}, {"random", gen_random, 40000},
        {"runs", gen_runs, 100000}, {"source", gen_source, 110000},
    };
    static const Level levels[] = {{4, 0, 16, "fast"}, {32, 1, 128, "default"}, {256, 1, 258, "best"}};

    for (size_t s = 0; s < sizeof sets / sizeof sets[0]; s++) {
        Buf data = {0};
        sets[s].gen(&data, sets[s].size);
        uint32_t crc = crc32(data.data, data.len);
        printf("[%s] %zu bytes, crc32 %08x\n", sets[s].name, data.len, (unsigned)crc);
        mix(crc);

        for (size_t l = 0; l < sizeof levels / sizeof levels[0]; l++) {
            Buf comp = {0}, back = {0};
            uint64_t steps = 0;
            size_t ntok = 0;
            lzh_compress(data.data, data.len, &levels[l], &comp, &steps, &ntok);
            int rc = lzh_decompress(comp.data, comp.len, &back);
            int ok = rc == 0 && back.len == data.len && memcmp(back.data, data.data, data.len) == 0;
            uint32_t ccrc = crc32(comp.data, comp.len);
            printf("  lz77+huff %-7s: %7zu bytes (%5.1f%%), %6zu tokens, chain steps %8llu, crc %08x, round trip %s\n",
                   levels[l].name, comp.len, 100.0 * (double)comp.len / (double)data.len, ntok,
                   (unsigned long long)steps, (unsigned)ccrc, ok ? "ok" : "FAILED");
            mix((uint32_t)comp.len);
            mix(ccrc);
            mix((uint32_t)ok);
            buf_free(&comp);
            buf_free(&back);
        }

        Buf comp = {0}, back = {0};
        lzss_compress(data.data, data.len, &comp);
        int rc = lzss_decompress(comp.data, comp.len, &back);
        int ok = rc == 0 && back.len == data.len && memcmp(back.data, data.data, data.len) == 0;
        printf("  lzss             : %7zu bytes (%5.1f%%), crc %08x, round trip %s\n", comp.len,
               100.0 * (double)comp.len / (double)data.len, (unsigned)crc32(comp.data, comp.len), ok ? "ok" : "FAILED");
        mix((uint32_t)comp.len);
        mix(crc32(comp.data, comp.len));
        buf_free(&comp);
        buf_free(&back);

        /* BWT + MTF on the first 16 KiB */
        size_t bn = data.len < 16384 ? data.len : 16384;
        uint8_t *bwt = malloc(bn), *mtf = malloc(bn), *unmtf = malloc(bn), *orig = malloc(bn);
        if (!bwt || !mtf || !unmtf || !orig)
            return 1;
        size_t primary = bwt_forward(data.data, bn, bwt);
        mtf_encode(bwt, bn, mtf);
        size_t zeros = 0;
        for (size_t i = 0; i < bn; i++)
            zeros += mtf[i] == 0;
        mtf_decode(mtf, bn, unmtf);
        bwt_inverse(unmtf, bn, primary, orig);
        int bok = memcmp(orig, data.data, bn) == 0;
        size_t raw_cost = huff_cost(data.data, bn), bwt_cost = huff_cost(mtf, bn);
        printf("  bwt+mtf (16K)    : primary %zu, mtf zeros %zu, huffman %zu -> %zu bytes, inverse %s\n", primary,
               zeros, raw_cost, bwt_cost, bok ? "ok" : "FAILED");
        mix((uint32_t)primary);
        mix((uint32_t)zeros);
        mix((uint32_t)bwt_cost);
        mix((uint32_t)bok);
        free(bwt);
        free(mtf);
        free(unmtf);
        free(orig);
        buf_free(&data);
    }

    /* corrupted stream must be rejected (or at least not crash) */
    Buf data = {0}, comp = {0}, back = {0};
    gen_text(&data, 5000);
    lzh_compress(data.data, data.len, &levels[1], &comp, &(uint64_t){0}, &(size_t){0});
    int rejected = 0;
    for (size_t i = 8; i < comp.len; i += comp.len / 16 + 1) {
        comp.data[i] ^= 0x5a;
        int rc = lzh_decompress(comp.data, comp.len, &back);
        int same = rc == 0 && back.len == data.len && memcmp(back.data, data.data, data.len) == 0;
        rejected += !same;
        comp.data[i] ^= 0x5a;
    }
    printf("corruption test: %d of 16 damaged streams detected or decoded differently\n", rejected);
    mix((uint32_t)rejected);
    buf_free(&data);
    buf_free(&comp);
    buf_free(&back);

    printf("checksum: 0x%08x\n", (unsigned)ck);
    return 0;
}
