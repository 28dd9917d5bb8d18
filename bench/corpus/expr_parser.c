/* Recursive descent parser: tokenizes built-in expression strings, builds an AST, evaluates (int64 wrapping and double), simplifies, prints. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

typedef enum { N_NUM, N_VAR, N_NEG, N_ADD, N_SUB, N_MUL, N_DIV, N_MOD, N_POW, N_LT, N_EQ, N_AND, N_OR, N_COND, N_CALL } Kind;

typedef struct Ast {
    Kind kind;
    int64_t num;
    char name[8];
    struct Ast *a, *b, *c;
} Ast;

typedef struct {
    const char *src;
    size_t pos;
    int error;
    Ast *pool;
    size_t used, cap;
} Parser;

static Ast *new_node(Parser *p, Kind k, Ast *a, Ast *b)
{
    if (p->used == p->cap) {
        p->error = 1;
        return &p->pool[0];
    }
    Ast *n = &p->pool[p->used++];
    memset(n, 0, sizeof *n);
    n->kind = k;
    n->a = a;
    n->b = b;
    return n;
}

static void skip_ws(Parser *p)
{
    while (p->src[p->pos] == ' ' || p->src[p->pos] == '\t')
        p->pos++;
}

static int peek(Parser *p)
{
    skip_ws(p);
    return (unsigned char)p->src[p->pos];
}

static int accept(Parser *p, const char *tok)
{
    skip_ws(p);
    size_t n = strlen(tok);
    if (strncmp(p->src + p->pos, tok, n) == 0) {
        p->pos += n;
        return 1;
    }
    return 0;
}

static Ast *parse_expr(Parser *p);

static Ast *parse_primary(Parser *p)
{
    int c = peek(p);
    if (c >= '0' && c <= '9') {
        int64_t v = 0;
        while (p->src[p->pos] >= '0' && p->src[p->pos] <= '9') {
            v = (int64_t)((uint64_t)v * 10u + (uint64_t)(p->src[p->pos] - '0'));
            p->pos++;
        }
        Ast *n = new_node(p, N_NUM, NULL, NULL);
        n->num = v;
        return n;
    }
    if ((c >= 'a' && c <= 'z') || c == '_') {
        char name[8] = {0};
        size_t len = 0;
        while ((p->src[p->pos] >= 'a' && p->src[p->pos] <= 'z') || p->src[p->pos] == '_' ||
               (p->src[p->pos] >= '0' && p->src[p->pos] <= '9')) {
            if (len < sizeof name - 1)
                name[len++] = p->src[p->pos];
            p->pos++;
        }
        Ast *n;
        if (accept(p, "(")) {
            Ast *arg1 = parse_expr(p);
            Ast *arg2 = NULL;
            if (accept(p, ","))
                arg2 = parse_expr(p);
            if (!accept(p, ")"))
                p->error = 1;
            n = new_node(p, N_CALL, arg1, arg2);
        } else {
            n = new_node(p, N_VAR, NULL, NULL);
        }
        memcpy(n->name, name, sizeof name);
        return n;
    }
    if (accept(p, "(")) {
        Ast *e = parse_expr(p);
        if (!accept(p, ")"))
            p->error = 1;
        return e;
    }
    if (accept(p, "-"))
        return new_node(p, N_NEG, parse_primary(p), NULL);
    p->error = 1;
    return new_node(p, N_NUM, NULL, NULL);
}

static Ast *parse_power(Parser *p)
{
    Ast *base = parse_primary(p);
    if (accept(p, "^"))
        return new_node(p, N_POW, base, parse_power(p)); /* right associative */
    return base;
}

static Ast *parse_term(Parser *p)
{
    Ast *l = parse_power(p);
    for (;;) {
        if (accept(p, "*"))
            l = new_node(p, N_MUL, l, parse_power(p));
        else if (accept(p, "/"))
            l = new_node(p, N_DIV, l, parse_power(p));
        else if (accept(p, "%"))
            l = new_node(p, N_MOD, l, parse_power(p));
        else
            return l;
    }
}

static Ast *parse_sum(Parser *p)
{
    Ast *l = parse_term(p);
    for (;;) {
        if (accept(p, "+"))
            l = new_node(p, N_ADD, l, parse_term(p));
        else if (peek(p) == '-' && (p->pos++, 1))
            l = new_node(p, N_SUB, l, parse_term(p));
        else
            return l;
    }
}

static Ast *parse_cmp(Parser *p)
{
    Ast *l = parse_sum(p);
    for (;;) {
        if (accept(p, "<"))
            l = new_node(p, N_LT, l, parse_sum(p));
        else if (accept(p, "=="))
            l = new_node(p, N_EQ, l, parse_sum(p));
        else
            return l;
    }
}

static Ast *parse_and(Parser *p)
{
    Ast *l = parse_cmp(p);
    while (accept(p, "&&"))
        l = new_node(p, N_AND, l, parse_cmp(p));
    return l;
}

static Ast *parse_or(Parser *p)
{
    Ast *l = parse_and(p);
    while (accept(p, "||"))
        l = new_node(p, N_OR, l, parse_and(p));
    return l;
}

static Ast *parse_expr(Parser *p)
{
    Ast *c = parse_or(p);
    if (accept(p, "?")) {
        Ast *t = parse_expr(p);
        if (!accept(p, ":"))
            p->error = 1;
        Ast *n = new_node(p, N_COND, c, t);
        n->c = parse_expr(p);
        return n;
    }
    return c;
}

/* ---------- evaluation ---------- */
typedef struct {
    const char *name;
    int64_t value;
} Var;

static int64_t lookup(const Var *vars, int nvars, const char *name)
{
    for (int i = 0; i < nvars; i++)
        if (strcmp(vars[i].name, name) == 0)
            return vars[i].value;
    return 0;
}

/* integer evaluation with wrapping arithmetic; division by zero yields 0 */
static int64_t eval_int(const Ast *n, const Var *vars, int nvars)
{
    uint64_t a, b;
    switch (n->kind) {
    case N_NUM: return n->num;
    case N_VAR: return lookup(vars, nvars, n->name);
    case N_NEG: return (int64_t)(0u - (uint64_t)eval_int(n->a, vars, nvars));
    case N_ADD: return (int64_t)((uint64_t)eval_int(n->a, vars, nvars) + (uint64_t)eval_int(n->b, vars, nvars));
    case N_SUB: return (int64_t)((uint64_t)eval_int(n->a, vars, nvars) - (uint64_t)eval_int(n->b, vars, nvars));
    case N_MUL: return (int64_t)((uint64_t)eval_int(n->a, vars, nvars) * (uint64_t)eval_int(n->b, vars, nvars));
    case N_DIV:
    case N_MOD: {
        int64_t x = eval_int(n->a, vars, nvars), y = eval_int(n->b, vars, nvars);
        if (y == 0 || (x == INT64_MIN && y == -1))
            return 0;
        return n->kind == N_DIV ? x / y : x % y;
    }
    case N_POW: {
        a = (uint64_t)eval_int(n->a, vars, nvars);
        b = (uint64_t)eval_int(n->b, vars, nvars) & 63u;
        uint64_t r = 1;
        while (b) {
            if (b & 1u)
                r *= a;
            a *= a;
            b >>= 1;
        }
        return (int64_t)r;
    }
    case N_LT: return eval_int(n->a, vars, nvars) < eval_int(n->b, vars, nvars);
    case N_EQ: return eval_int(n->a, vars, nvars) == eval_int(n->b, vars, nvars);
    case N_AND: return eval_int(n->a, vars, nvars) && eval_int(n->b, vars, nvars);
    case N_OR: return eval_int(n->a, vars, nvars) || eval_int(n->b, vars, nvars);
    case N_COND: return eval_int(n->a, vars, nvars) ? eval_int(n->b, vars, nvars) : eval_int(n->c, vars, nvars);
    case N_CALL: {
        int64_t x = eval_int(n->a, vars, nvars);
        int64_t y = n->b ? eval_int(n->b, vars, nvars) : 0;
        if (strcmp(n->name, "max") == 0) return x > y ? x : y;
        if (strcmp(n->name, "min") == 0) return x < y ? x : y;
        if (strcmp(n->name, "abs") == 0) return x < 0 ? (int64_t)(0u - (uint64_t)x) : x;
        if (strcmp(n->name, "gcd") == 0) {
            uint64_t u = (uint64_t)(x < 0 ? -(x + 1) : x), v = (uint64_t)(y < 0 ? -(y + 1) : y);
            while (v) {
                uint64_t t = u % v;
                u = v;
                v = t;
            }
            return (int64_t)u;
        }
        return 0;
    }
    }
    return 0;
}

static double eval_dbl(const Ast *n, double x)
{
    switch (n->kind) {
    case N_NUM: return (double)n->num;
    case N_VAR: return n->name[0] == 'x' ? x : 1.0;
    case N_NEG: return -eval_dbl(n->a, x);
    case N_ADD: return eval_dbl(n->a, x) + eval_dbl(n->b, x);
    case N_SUB: return eval_dbl(n->a, x) - eval_dbl(n->b, x);
    case N_MUL: return eval_dbl(n->a, x) * eval_dbl(n->b, x);
    case N_DIV: { double d = eval_dbl(n->b, x); return d == 0.0 ? 0.0 : eval_dbl(n->a, x) / d; }
    case N_MOD: { double d = eval_dbl(n->b, x); return d == 0.0 ? 0.0 : fmod(eval_dbl(n->a, x), d); }
    case N_POW: return pow(fabs(eval_dbl(n->a, x)), eval_dbl(n->b, x) * 0.5);
    case N_LT: return eval_dbl(n->a, x) < eval_dbl(n->b, x);
    case N_EQ: return eval_dbl(n->a, x) == eval_dbl(n->b, x);
    case N_AND: return eval_dbl(n->a, x) != 0.0 && eval_dbl(n->b, x) != 0.0;
    case N_OR: return eval_dbl(n->a, x) != 0.0 || eval_dbl(n->b, x) != 0.0;
    case N_COND: return eval_dbl(n->a, x) != 0.0 ? eval_dbl(n->b, x) : eval_dbl(n->c, x);
    case N_CALL: {
        double a = eval_dbl(n->a, x), b = n->b ? eval_dbl(n->b, x) : 0.0;
        if (strcmp(n->name, "sin") == 0) return sin(a);
        if (strcmp(n->name, "cos") == 0) return cos(a);
        if (strcmp(n->name, "sqrt") == 0) return sqrt(fabs(a));
        if (strcmp(n->name, "max") == 0) return a > b ? a : b;
        return a + b;
    }
    }
    return 0.0;
}

/* ---------- printing back (fully parenthesised) ---------- */
static void print_ast(const Ast *n, char *buf, size_t cap, size_t *len)
{
    static const char *const ops[] = {"", "", "", "+", "-", "*", "/", "%", "^", "<", "==", "&&", "||"};
#define PUT(...)                                                                 \
    do {                                                                         \
        int w_ = snprintf(buf + *len, *len < cap ? cap - *len : 0, __VA_ARGS__); \
        if (w_ > 0)                                                              \
            *len += (size_t)w_;                                                  \
        if (*len >= cap)                                                         \
            *len = cap - 1;                                                      \
    } while (0)
    switch (n->kind) {
    case N_NUM: PUT("%lld", (long long)n->num); break;
    case N_VAR: PUT("%s", n->name); break;
    case N_NEG: PUT("(-"); print_ast(n->a, buf, cap, len); PUT(")"); break;
    case N_COND:
        PUT("(");
        print_ast(n->a, buf, cap, len);
        PUT(" ? ");
        print_ast(n->b, buf, cap, len);
        PUT(" : ");
        print_ast(n->c, buf, cap, len);
        PUT(")");
        break;
    case N_CALL:
        PUT("%s(", n->name);
        print_ast(n->a, buf, cap, len);
        if (n->b) {
            PUT(", ");
            print_ast(n->b, buf, cap, len);
        }
        PUT(")");
        break;
    default:
        PUT("(");
        print_ast(n->a, buf, cap, len);
        PUT(" %s ", ops[n->kind]);
        print_ast(n->b, buf, cap, len);
        PUT(")");
        break;
    }
#undef PUT
}

/* constant folding: returns number of folded nodes */
static int fold(Ast *n)
{
    if (!n)
        return 0;
    int f = fold(n->a) + fold(n->b) + fold(n->c);
    if (n->kind >= N_ADD && n->kind <= N_OR && n->a->kind == N_NUM && n->b->kind == N_NUM) {
        int64_t v = eval_int(n, NULL, 0);
        n->kind = N_NUM;
        n->num = v;
        n->a = n->b = NULL;
        f++;
    }
    return f;
}

static int count_nodes(const Ast *n) { return n ? 1 + count_nodes(n->a) + count_nodes(n->b) + count_nodes(n->c) : 0; }

static uint32_t hstr(uint32_t h, const char *s)
{
    while (*s) {
        h ^= (unsigned char)*s++;
        h *= 16777619u;
    }
    return h;
}

int main(void)
{
    static const char *const exprs[] = {
        "1 + 2 * 3 - 4 / 2",
        "(1 + 2) * (3 - 4) / 2 % 7",
        "2 ^ 3 ^ 2",
        "-x * -y + z % 5",
        "x < y && y < z || x == 0 ? max(x, y) : min(y, z) - 1",
        "gcd(x * 12, y * 18) + abs(0 - z)",
        "(x + 1) * (x + 2) * (x + 3) * (x + 4) - 24 * 7 ^ 2",
        "100000007 * 100000037 * 1000003 + x",
        "sin(x) * sin(x) + cos(x) * cos(x) + sqrt(x * x) - x",
        "((((x + 1) * 2 - 3) * 4 + 5) * 6 - 7) % 1000 + (1 + 2 + 3 + 4 + 5)",
        "x == y ? 10 : x < y ? 20 : 30",
        "max(x, 3 * y) - min(2 * x, y) + (7 - 7) * z",
    };
    const int nexpr = (int)(sizeof exprs / sizeof exprs[0]);
    enum { POOL = 512 };
    static Ast pool[POOL];
    uint32_t h = 2166136261u;
    char text[1024];

    for (int e = 0; e < nexpr; e++) {
        Parser p = {exprs[e], 0, 0, pool, 0, POOL};
        Ast *root = parse_expr(&p);
        if (p.src[p.pos] != '\0')
            p.error = 1;
        size_t len = 0;
        text[0] = '\0';
        print_ast(root, text, sizeof text, &len);
        int nodes = count_nodes(root);
        Var vars[] = {{"x", 7}, {"y", -3}, {"z", 12}};
        int64_t v = eval_int(root, vars, 3);
        int folded = fold(root);
        int64_t v2 = eval_int(root, vars, 3);
        printf("[%2d] %s\n     parsed %s nodes=%d folded=%d value=%lld (after fold %lld)\n", e, exprs[e], text, nodes,
               folded, (long long)v, (long long)v2);
        h = hstr(h, text);
        h ^= (uint32_t)v + (uint32_t)(v >> 32) * 3u + (uint32_t)(v == v2);
    }

    /* heavy part: re-parse and evaluate over many variable assignments */
    int64_t total = 0;
    double dtotal = 0.0;
    for (int rep = 0; rep < 16000; rep++) {
        for (int e = 0; e < nexpr; e++) {
            Parser p = {exprs[e], 0, 0, pool, 0, POOL};
            Ast *root = parse_expr(&p);
            for (int k = 0; k < 8; k++) {
                Var vars[] = {{"x", rep - 700 + k}, {"y", (rep * 7 + k) % 41 - 20}, {"z", rep % 97 + k}};
                total = (int64_t)((uint64_t)total * 31u + (uint64_t)eval_int(root, vars, 3));
            }
            dtotal += eval_dbl(root, (double)(rep % 50) * 0.1);
        }
    }
    char dbuf[64];
    snprintf(dbuf, sizeof dbuf, "%.6e", dtotal);
    printf("bulk evaluation: int hash %016llx, double sum %s\n", (unsigned long long)total, dbuf);
    h = hstr(h, dbuf);
    h ^= (uint32_t)total ^ (uint32_t)((uint64_t)total >> 32);

    /* error handling */
    static const char *const bad[] = {"1 + ", "(2 * 3", "4 $ 5", "max(1, 2"};
    for (int i = 0; i < 4; i++) {
        Parser p = {bad[i], 0, 0, pool, 0, POOL};
        parse_expr(&p);
        if (p.src[p.pos] != '\0')
            p.error = 1;
        printf("bad input \"%s\": error=%d stopped at %zu\n", bad[i], p.error, p.pos);
        h = h * 33u + (uint32_t)p.error + (uint32_t)p.pos;
    }
    printf("checksum: 0x%08x\n", (unsigned)h);
    return 0;
}
