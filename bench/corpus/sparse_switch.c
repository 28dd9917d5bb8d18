/* Sparse switches: opcode values spread over 32/64-bit ranges (incl. negatives), keyword dispatch on hash constants, fallthrough chains. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint32_t xs = 0x1234abcdu;
static uint32_t next_rand(void)
{
    xs ^= xs << 13;
    xs ^= xs >> 17;
    xs ^= xs << 5;
    return xs;
}

/* a register machine whose opcodes are deliberately sparse */
enum {
    S_LOAD = 3,
    S_ADD = 17,
    S_SUB = 101,
    S_MUL = 977,
    S_XOR = 4096,
    S_ROT = 40000,
    S_SWAP = 65537,
    S_CMP = 1000003,
    S_INC = 7340033,
    S_HALVE = 0x10000001,
    S_NEG_A = -1,
    S_NEG_B = -250,
    S_NEG_C = -77777,
    S_MIN = -2147483647 - 1,
    S_MAX = 2147483647,
};

static const int32_t opcode_pool[] = {S_LOAD, S_ADD, S_SUB,   S_MUL,   S_XOR,   S_ROT, S_SWAP, S_CMP,
                                      S_INC,  S_HALVE, S_NEG_A, S_NEG_B, S_NEG_C, S_MIN, S_MAX, 12345 /* unknown */};

typedef struct {
    uint32_t r[4];
    uint32_t flags;
    uint32_t unknown;
} Regs;

static void exec(Regs *m, int32_t op, uint32_t arg)
{
    uint32_t d = arg & 3u, s = (arg >> 2) & 3u;
    switch (op) {
    case S_LOAD: m->r[d] = arg >> 4; break;
    case S_ADD: m->r[d] += m->r[s]; break;
    case S_SUB: m->r[d] -= m->r[s] + 1u; break;
    case S_MUL: m->r[d] *= (m->r[s] | 1u); break;
    case S_XOR: m->r[d] ^= m->r[s] ^ arg; break;
    case S_ROT: { uint32_t k = (arg >> 4) & 31u; m->r[d] = k ? (m->r[d] << k) | (m->r[d] >> (32u - k)) : m->r[d]; break; }
    case S_SWAP: { uint32_t t = m->r[d]; m->r[d] = m->r[s]; m->r[s] = t; break; }
    case S_CMP: m->flags = (m->r[d] > m->r[s]) * 2u + (m->r[d] == m->r[s]); break;
    case S_INC: m->r[d]++; /* fall through */
    case S_HALVE: m->r[s] >>= 1; break;
    case S_NEG_A: m->r[d] = 0u - m->r[d]; break;
    case S_NEG_B: m->r[d] = ~m->r[d]; break;
    case S_NEG_C: m->r[d] = m->r[d] * 3u + m->flags; break;
    case S_MIN: m->r[d] = m->r[d] < m->r[s] ? m->r[d] : m->r[s]; break;
    case S_MAX: m->r[d] = m->r[d] > m->r[s] ? m->r[d] : m->r[s]; break;
    default: m->unknown++; break;
    }
}

/* 64-bit sparse switch: classify by exact large constants */
static int classify64(uint64_t v)
{
    switch (v) {
    case 0ull: return 1;
    case 1ull: return 2;
    case 0xffffffffull: return 3;
    case 0x100000000ull: return 4;
    case 0x8000000000000000ull: return 5;
    case 0xdeadbeefcafebabeull: return 6;
    case 1000000000000ull: return 7;
    case 0xffffffffffffffffull: return 8;
    default: break;
    }
    return (int)(v % 7u) + 10;
}

/* keyword recognition via hash + sparse switch on the (constant) hash values */
static uint32_t fnv(const char *s)
{
    uint32_t h = 2166136261u;
    while (*s) {
        h ^= (unsigned char)*s++;
        h *= 16777619u;
    }
    return h;
}

static const char *const keywords[] = {"if", "else", "while", "for", "return", "switch", "case", "break", "struct", "union", "goto", "static"};
#define NKW (sizeof keywords / sizeof keywords[0])
static uint32_t kw_hash[NKW];

static int keyword_id(const char *w)
{
    uint32_t h = fnv(w);
    int idx = -1;
    /* the switch is over values only known at runtime, so dispatch through a small table then a switch on index */
    for (size_t i = 0; i < NKW; i++)
        if (kw_hash[i] == h && strcmp(keywords[i], w) == 0)
            idx = (int)i;
    switch (idx) {
    case 0: case 1: return 100;          /* conditionals */
    case 2: case 3: return 200;          /* loops */
    case 4: case 7: case 10: return 300; /* jumps */
    case 5: case 6: return 400;          /* switch */
    case 8: case 9: return 500;          /* aggregates */
    case 11: return 600;
    default: return 0;
    }
}

/* character-class switch with ranges expressed as case lists */
static int char_class(int c)
{
    switch (c) {
    case ' ': case '\t': case '\n': return 0;
    case '(': case ')': case '[': case ']': case '{': case '}': return 1;
    case '+': case '-': case '*': case '/': case '%': case '=': case '<': case '>': case '!': case '&': case '|': case '^': return 2;
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9': return 3;
    case ';': case ',': case '.': return 4;
    case '"': case '\'': return 5;
    case 127: return 6;
    case 200: case 201: case 250: return 7;
    default: return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ? 8 : 9;
    }
}

/* HTTP-like status code handling: sparse 3-digit values */
static const char *status_text(int code)
{
    switch (code) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 418: return "Teapot";
    case 500: return "Server Error";
    case 503: return "Unavailable";
    default: return "Unknown";
    }
}

int main(void)
{
    uint32_t checksum = 0;
    for (size_t i = 0; i < NKW; i++)
        kw_hash[i] = fnv(keywords[i]);

    /* 1. sparse-opcode register machine */
    Regs m;
    memset(&m, 0, sizeof m);
    const size_t npool = sizeof opcode_pool / sizeof opcode_pool[0];
    uint32_t opcount[16] = {0};
    for (int it = 0; it < 12000000; it++) {
        uint32_t r = next_rand();
        size_t k = r % npool;
        opcount[k]++;
        exec(&m, opcode_pool[k], r >> 4);
    }
    printf("regs: %08x %08x %08x %08x flags %u unknown %u\n", (unsigned)m.r[0], (unsigned)m.r[1], (unsigned)m.r[2],
           (unsigned)m.r[3], (unsigned)m.flags, (unsigned)m.unknown);
    for (int i = 0; i < 4; i++)
        checksum = checksum * 31u + m.r[i];
    checksum ^= m.unknown + m.flags;
    printf("op counts:");
    for (size_t k = 0; k < npool; k++)
        printf(" %d:%u", (int)opcode_pool[k], (unsigned)opcount[k]);
    printf("\n");

    /* 2. 64-bit sparse switch */
    static const uint64_t probes[] = {0ull, 1ull, 0xffffffffull, 0x100000000ull, 0x8000000000000000ull,
                                      0xdeadbeefcafebabeull, 1000000000000ull, 0xffffffffffffffffull, 42ull, 999999999999ull};
    int cls_total = 0;
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        int c = classify64(probes[i]);
        printf("classify64(%#llx) = %d\n", (unsigned long long)probes[i], c);
        cls_total = cls_total * 3 + c;
    }
    uint64_t sweep = 0;
    for (uint32_t i = 0; i < 2000000; i++) {
        uint64_t v = ((uint64_t)next_rand() << 32) | next_rand();
        if ((i & 255u) == 0)
            v = probes[i / 256u % 10u];
        sweep += (uint64_t)classify64(v);
    }
    printf("classify64 sweep %llu\n", (unsigned long long)sweep);
    checksum ^= (uint32_t)cls_total + (uint32_t)sweep;

    /* 3. keyword and character classification over a generated source text */
    static const char *const words[] = {"if", "x", "else", "while", "count", "for", "return", "goto", "switch", "case",
                                        "break", "struct", "union", "static", "value", "elsewhere", "iff", "for_each"};
    const size_t nwords = sizeof words / sizeof words[0];
    uint32_t kw_sum = 0, cls_hist[10] = {0};
    for (int it = 0; it < 400000; it++) {
        const char *w = words[next_rand() % nwords];
        kw_sum += (uint32_t)keyword_id(w);
        for (const char *p = w; *p; p++)
            cls_hist[char_class((unsigned char)*p)]++;
        cls_hist[char_class((int)(next_rand() & 0xffu))]++;
    }
    printf("keyword score %u, class histogram", (unsigned)kw_sum);
    for (int i = 0; i < 10; i++) {
        printf(" %u", (unsigned)cls_hist[i]);
        checksum = checksum * 7u + cls_hist[i];
    }
    printf("\n");
    checksum ^= kw_sum;

    /* 4. status codes */
    static const int codes[] = {100, 200, 201, 204, 301, 304, 400, 401, 403, 404, 418, 500, 503, 302, 999};
    size_t textlen = 0;
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        const char *t = status_text(codes[i]);
        textlen += strlen(t);
        if (i % 5 == 0)
            printf("status %d: %s\n", codes[i], t);
        checksum += fnv(t);
    }
    printf("status text total length %zu\n", textlen);
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
