/* Tiny language toolchain: lexer, recursive-descent parser with scopes and constant folding, tree-walking interpreter, bytecode compiler with peephole, disassembler and switch VM; both engines must agree. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ======================================================================
 * Shared helpers: defined (wrapping) 64-bit arithmetic
 * ====================================================================== */

static int64_t wrap_u64(uint64_t u)
{
    return u <= (uint64_t)INT64_MAX ? (int64_t)u : -(int64_t)(~u) - 1;
}

enum BinOp { B_ADD, B_SUB, B_MUL, B_DIV, B_MOD, B_LT, B_LE, B_GT, B_GE, B_EQ, B_NE, B_BAND, B_BOR, B_BXOR, B_SHL, B_SHR, B_COUNT };
enum UnOp { U_NEG, U_NOT, U_BNOT };

static int64_t op_div(int64_t a, int64_t b)
{
    if (b == 0)
        return 0;
    if (a == INT64_MIN && b == -1)
        return a;
    return a / b;
}

static int64_t op_mod(int64_t a, int64_t b)
{
    if (b == 0 || b == -1)
        return 0;
    return a % b;
}

static int64_t op_shr(int64_t a, int64_t b)
{
    unsigned s = (unsigned)((uint64_t)b & 63u);
    return a >= 0 ? a >> s : ~(~a >> s); /* arithmetic shift, spelled out portably */
}

static int64_t binop_eval(int op, int64_t a, int64_t b)
{
    switch (op) {
    case B_ADD: return wrap_u64((uint64_t)a + (uint64_t)b);
    case B_SUB: return wrap_u64((uint64_t)a - (uint64_t)b);
    case B_MUL: return wrap_u64((uint64_t)a * (uint64_t)b);
    case B_DIV: return op_div(a, b);
    case B_MOD: return op_mod(a, b);
    case B_LT: return a < b;
    case B_LE: return a <= b;
    case B_GT: return a > b;
    case B_GE: return a >= b;
    case B_EQ: return a == b;
    case B_NE: return a != b;
    case B_BAND: return a & b;
    case B_BOR: return a | b;
    case B_BXOR: return a ^ b;
    case B_SHL: return wrap_u64((uint64_t)a << ((uint64_t)b & 63u));
    case B_SHR: return op_shr(a, b);
    default: return 0;
    }
}

static int64_t unop_eval(int op, int64_t a)
{
    switch (op) {
    case U_NEG: return wrap_u64(0u - (uint64_t)a);
    case U_NOT: return a == 0;
    default: return ~a;
    }
}

/* ======================================================================
 * Output sink: collects printed lines and hashes them
 * ====================================================================== */

typedef struct {
    char *buf;
    size_t len, cap;
    uint32_t hash;
    uint32_t lines;
} Output;

static void out_init(Output *o)
{
    o->buf = NULL;
    o->len = o->cap = 0;
    o->hash = 2166136261u;
    o->lines = 0;
}

static void out_append(Output *o, const char *s, size_t n)
{
    if (o->len + n + 1 > o->cap) {
        size_t nc = o->cap ? o->cap * 2 : 256;
        while (nc < o->len + n + 1)
            nc *= 2;
        char *nb = realloc(o->buf, nc);
        if (!nb)
            exit(1);
        o->buf = nb;
        o->cap = nc;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = '\0';
    for (size_t i = 0; i < n; i++) {
        o->hash ^= (unsigned char)s[i];
        o->hash *= 16777619u;
    }
}

static void out_print_values(Output *o, const int64_t *vals, int n)
{
    char tmp[32];
    for (int i = 0; i < n; i++) {
        int k = snprintf(tmp, sizeof tmp, "%s%lld", i ? " " : "", (long long)vals[i]);
        out_append(o, tmp, (size_t)k);
    }
    out_append(o, "\n", 1);
    o->lines++;
}

/* ======================================================================
 * Lexer
 * ====================================================================== */

typedef enum { T_EOF, T_NUM, T_IDENT, T_KW, T_PUNCT } TokType;
enum { KW_VAR, KW_FUNC, KW_IF, KW_ELSE, KW_WHILE, KW_FOR, KW_RETURN, KW_BREAK, KW_CONTINUE, KW_PRINT, KW_COUNT };
static const char *const kw_names[KW_COUNT] = {"var", "func", "if", "else", "while", "for", "return", "break", "continue", "print"};

typedef struct {
    TokType type;
    int kw;
    int line;
    int64_t num;
    char text[32];
} Token;

typedef struct {
    Token *toks;
    size_t n, cap;
    char err[160];
} TokenList;

static void tok_push(TokenList *tl, Token t)
{
    if (tl->n == tl->cap) {
        tl->cap = tl->cap ? tl->cap * 2 : 128;
        Token *nt = realloc(tl->toks, tl->cap * sizeof *nt);
        if (!nt)
            exit(1);
        tl->toks = nt;
    }
    tl->toks[tl->n++] = t;
}

static int is_ident_start(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int is_digit(int c) { return c >= '0' && c <= '9'; }

static int lex(const char *src, TokenList *tl)
{
    static const char *const two[] = {"==", "!=", "<=", ">=", "&&", "||", "<<", ">>"};
    static const char single[] = "+-*/%<>=!~&|^(){}[],;";
    int line = 1;
    const char *p = src;
    tl->n = 0;
    tl->err[0] = '\0';
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || (*p == '/' && p[1] == '/')) {
            if (*p == '/') {
                while (*p && *p != '\n')
                    p++;
                continue;
            }
            if (*p == '\n')
                line++;
            p++;
        }
        Token t;
        memset(&t, 0, sizeof t);
        t.line = line;
        if (!*p) {
            t.type = T_EOF;
            tok_push(tl, t);
            return 1;
        }
        if (is_digit((unsigned char)*p)) {
            uint64_t v = 0;
            while (is_digit((unsigned char)*p)) {
                v = v * 10u + (uint64_t)(*p - '0');
                p++;
            }
            t.type = T_NUM;
            t.num = wrap_u64(v);
            tok_push(tl, t);
            continue;
        }
        if (is_ident_start((unsigned char)*p)) {
            size_t n = 0;
            while (is_ident_start((unsigned char)*p) || is_digit((unsigned char)*p)) {
                if (n < sizeof t.text - 1)
                    t.text[n++] = *p;
                p++;
            }
            t.text[n] = '\0';
            t.type = T_IDENT;
            for (int k = 0; k < KW_COUNT; k++)
                if (strcmp(t.text, kw_names[k]) == 0) {
                    t.type = T_KW;
                    t.kw = k;
                }
            tok_push(tl, t);
            continue;
        }
        int matched = 0;
        for (size_t k = 0; k < sizeof two / sizeof two[0]; k++)
            if (p[0] == two[k][0] && p[1] == two[k][1]) {
                t.type = T_PUNCT;
                memcpy(t.text, two[k], 3);
                p += 2;
                matched = 1;
                break;
            }
        if (!matched && strchr(single, *p)) {
            t.type = T_PUNCT;
            t.text[0] = *p++;
            t.text[1] = '\0';
            matched = 1;
        }
        if (!matched) {
            snprintf(tl->err, sizeof tl->err, "line %d: unexpected character '%c'", line, *p);
            return 0;
        }
        tok_push(tl, t);
    }
}

/* ======================================================================
 * AST
 * ====================================================================== */

typedef enum {
    N_NUM, N_LOCAL, N_GLOBAL, N_INDEX, N_BIN, N_UN, N_AND, N_OR, N_CALL,
    N_SET_LOCAL, N_SET_GLOBAL, N_SET_INDEX, N_IF, N_WHILE, N_FOR, N_RETURN,
    N_BREAK, N_CONTINUE, N_BLOCK, N_EXPR, N_PRINT
} NodeKind;

typedef struct Node {
    NodeKind kind;
    int line;
    int op;       /* operator for N_BIN / N_UN */
    int sym;      /* local slot, global address, or function index */
    int size;     /* array size for N_INDEX / N_SET_INDEX, arg count for calls/print */
    int64_t val;  /* N_NUM */
    struct Node *a, *b, *c, *d;
    struct Node *next; /* statement and argument lists */
} Node;

#define MAX_GLOBALS 64
#define MAX_FUNCS 64
#define MAX_LOCALS 128

typedef struct {
    char name[32];
    int size; /* 0 = scalar */
    int addr;
    int64_t init;
} Global;

typedef struct {
    char name[32];
    int nparams;
    int defined;
    int call_args; /* arity used at the first call before definition, -1 if none */
    int call_line;
    int nlocals;
    Node *body;
    int entry; /* bytecode address */
} Func;

typedef struct {
    char name[32];
    int slot;
} Local;

typedef struct {
    const Token *t;
    size_t pos;
    Node *pool;
    size_t nnodes, cap;
    Global globals[MAX_GLOBALS];
    int nglobals, gsize;
    Func funcs[MAX_FUNCS];
    int nfuncs;
    Local locals[MAX_LOCALS];
    int nlocal, next_slot, max_slot;
    int scope_base; /* first local index of the innermost scope */
    int loop_depth;
    int folded;
    int failed;
    char err[160];
} Parser;

static Node *new_node(Parser *p, NodeKind k, int line)
{
    if (p->nnodes == p->cap) {
        if (!p->failed) {
            p->failed = 1;
            snprintf(p->err, sizeof p->err, "line %d: program too large", line);
        }
        return &p->pool[0];
    }
    Node *n = &p->pool[p->nnodes++];
    memset(n, 0, sizeof *n);
    n->kind = k;
    n->line = line;
    return n;
}

static const Token *cur(Parser *p) { return &p->t[p->pos]; }

static void error_at(Parser *p, const char *msg, const char *detail)
{
    if (p->failed)
        return;
    p->failed = 1;
    const Token *t = cur(p);
    const char *near = t->type == T_EOF ? "end of input" : t->type == T_NUM ? "number" : t->text;
    snprintf(p->err, sizeof p->err, "line %d: %s%s%s (near '%s')", t->line, msg, detail ? " " : "", detail ? detail : "", near);
}

static int is_punct(Parser *p, const char *s) { return cur(p)->type == T_PUNCT && strcmp(cur(p)->text, s) == 0; }
static int is_kw(Parser *p, int kw) { return cur(p)->type == T_KW && cur(p)->kw == kw; }

static int accept_punct(Parser *p, const char *s)
{
    if (!p->failed && is_punct(p, s)) {
        p->pos++;
        return 1;
    }
    return 0;
}

static void expect_punct(Parser *p, const char *s)
{
    if (!accept_punct(p, s)) {
        char msg[32];
        snprintf(msg, sizeof msg, "expected '%s'", s);
        error_at(p, msg, NULL);
    }
}

static void expect_ident(Parser *p, char *out)
{
    if (!p->failed && cur(p)->type == T_IDENT) {
        strcpy(out, cur(p)->text);
        p->pos++;
        return;
    }
    out[0] = '\0';
    error_at(p, "expected identifier", NULL);
}

static int find_local(Parser *p, const char *name)
{
    for (int i = p->nlocal - 1; i >= 0; i--)
        if (strcmp(p->locals[i].name, name) == 0)
            return p->locals[i].slot;
    return -1;
}

static int find_global(Parser *p, const char *name)
{
    for (int i = 0; i < p->nglobals; i++)
        if (strcmp(p->globals[i].name, name) == 0)
            return i;
    return -1;
}

static int find_func(Parser *p, const char *name, int create)
{
    for (int i = 0; i < p->nfuncs; i++)
        if (strcmp(p->funcs[i].name, name) == 0)
            return i;
    if (!create)
        return -1;
    if (p->nfuncs == MAX_FUNCS) {
        error_at(p, "too many functions", NULL);
        return 0;
    }
    Func *f = &p->funcs[p->nfuncs];
    memset(f, 0, sizeof *f);
    strcpy(f->name, name);
    f->call_args = -1;
    return p->nfuncs++;
}

static int declare_local(Parser *p, const char *name)
{
    for (int i = p->scope_base; i < p->nlocal; i++)
        if (strcmp(p->locals[i].name, name) == 0) {
            error_at(p, "duplicate variable", name);
            return 0;
        }
    if (p->nlocal == MAX_LOCALS) {
        error_at(p, "too many locals", NULL);
        return 0;
    }
    Local *l = &p->locals[p->nlocal++];
    strcpy(l->name, name);
    l->slot = p->next_slot++;
    if (p->next_slot > p->max_slot)
        p->max_slot = p->next_slot;
    return l->slot;
}

/* ---------------- expressions ---------------- */

static Node *parse_expr(Parser *p);

static Node *fold_bin(Parser *p, Node *n)
{
    if (n->a->kind == N_NUM && n->b->kind == N_NUM) {
        int64_t v;
        if (n->kind == N_AND)
            v = n->a->val != 0 && n->b->val != 0;
        else if (n->kind == N_OR)
            v = n->a->val != 0 || n->b->val != 0;
        else
            v = binop_eval(n->op, n->a->val, n->b->val);
        n->kind = N_NUM;
        n->val = v;
        n->a = n->b = NULL;
        p->folded++;
    } else if (n->kind == N_BIN && n->b->kind == N_NUM && n->b->val == 0 &&
               (n->op == B_ADD || n->op == B_SUB || n->op == B_BOR || n->op == B_BXOR)) {
        p->folded++;
        return n->a; /* x + 0, x - 0, x | 0, x ^ 0 */
    } else if (n->kind == N_BIN && n->b->kind == N_NUM && n->b->val == 1 && (n->op == B_MUL || n->op == B_DIV)) {
        p->folded++;
        return n->a;
    }
    return n;
}

static Node *parse_primary(Parser *p)
{
    const Token *t = cur(p);
    if (p->failed)
        return new_node(p, N_NUM, t->line);
    if (t->type == T_NUM) {
        Node *n = new_node(p, N_NUM, t->line);
        n->val = t->num;
        p->pos++;
        return n;
    }
    if (accept_punct(p, "(")) {
        Node *e = parse_expr(p);
        expect_punct(p, ")");
        return e;
    }
    if (t->type == T_IDENT) {
        char name[32];
        int line = t->line;
        expect_ident(p, name);
        if (accept_punct(p, "(")) {
            Node *n = new_node(p, N_CALL, line);
            n->sym = find_func(p, name, 1);
            Node **tail = &n->a;
            if (!is_punct(p, ")")) {
                do {
                    *tail = parse_expr(p);
                    tail = &(*tail)->next;
                    n->size++;
                } while (accept_punct(p, ","));
            }
            expect_punct(p, ")");
            Func *f = &p->funcs[n->sym];
            if (f->defined && f->nparams != n->size)
                error_at(p, "wrong number of arguments to", name);
            else if (!f->defined && f->call_args < 0) {
                f->call_args = n->size;
                f->call_line = line;
            } else if (!f->defined && f->call_args != n->size)
                error_at(p, "inconsistent argument count for", name);
            return n;
        }
        if (accept_punct(p, "[")) {
            int g = find_global(p, name);
            if (g < 0 || p->globals[g].size == 0) {
                error_at(p, "not an array:", name);
                return new_node(p, N_NUM, line);
            }
            Node *n = new_node(p, N_INDEX, line);
            n->sym = p->globals[g].addr;
            n->size = p->globals[g].size;
            n->a = parse_expr(p);
            expect_punct(p, "]");
            return n;
        }
        int slot = find_local(p, name);
        if (slot >= 0) {
            Node *n = new_node(p, N_LOCAL, line);
            n->sym = slot;
            return n;
        }
        int g = find_global(p, name);
        if (g >= 0 && p->globals[g].size == 0) {
            Node *n = new_node(p, N_GLOBAL, line);
            n->sym = p->globals[g].addr;
            return n;
        }
        error_at(p, "undefined variable", name);
        return new_node(p, N_NUM, line);
    }
    error_at(p, "unexpected token", NULL);
    return new_node(p, N_NUM, t->line);
}

static Node *parse_unary(Parser *p)
{
    int line = cur(p)->line;
    int op = -1;
    if (accept_punct(p, "-"))
        op = U_NEG;
    else if (accept_punct(p, "!"))
        op = U_NOT;
    else if (accept_punct(p, "~"))
        op = U_BNOT;
    if (op < 0)
        return parse_primary(p);
    Node *operand = parse_unary(p);
    if (operand->kind == N_NUM) {
        operand->val = unop_eval(op, operand->val);
        p->folded++;
        return operand;
    }
    Node *n = new_node(p, N_UN, line);
    n->op = op;
    n->a = operand;
    return n;
}

typedef struct {
    const char *text;
    int level;
    int op; /* BinOp, or -1 for &&, -2 for || */
} OpInfo;

static const OpInfo op_info[] = {
    {"||", 1, -2}, {"&&", 2, -1}, {"|", 3, B_BOR}, {"^", 4, B_BXOR}, {"&", 5, B_BAND},
    {"==", 6, B_EQ}, {"!=", 6, B_NE}, {"<", 7, B_LT}, {"<=", 7, B_LE}, {">", 7, B_GT}, {">=", 7, B_GE},
    {"<<", 8, B_SHL}, {">>", 8, B_SHR}, {"+", 9, B_ADD}, {"-", 9, B_SUB}, {"*", 10, B_MUL}, {"/", 10, B_DIV}, {"%", 10, B_MOD},
};
#define MAX_LEVEL 10

static Node *parse_binary(Parser *p, int level)
{
    if (level > MAX_LEVEL)
        return parse_unary(p);
    Node *left = parse_binary(p, level + 1);
    for (;;) {
        if (p->failed || cur(p)->type != T_PUNCT)
            return left;
        const OpInfo *found = NULL;
        for (size_t i = 0; i < sizeof op_info / sizeof op_info[0]; i++)
            if (op_info[i].level == level && strcmp(op_info[i].text, cur(p)->text) == 0)
                found = &op_info[i];
        if (!found)
            return left;
        int line = cur(p)->line;
        p->pos++;
        Node *right = parse_binary(p, level + 1);
        Node *n = new_node(p, found->op == -1 ? N_AND : found->op == -2 ? N_OR : N_BIN, line);
        n->op = found->op;
        n->a = left;
        n->b = right;
        left = fold_bin(p, n);
    }
}

static Node *parse_expr(Parser *p) { return parse_binary(p, 1); }

/* ---------------- statements ---------------- */

static Node *parse_stmt(Parser *p);

static Node *parse_simple(Parser *p)
{
    int line = cur(p)->line;
    Node *target = parse_expr(p);
    if (accept_punct(p, "=")) {
        Node *value = parse_expr(p);
        Node *n;
        switch (target->kind) {
        case N_LOCAL: n = new_node(p, N_SET_LOCAL, line); break;
        case N_GLOBAL: n = new_node(p, N_SET_GLOBAL, line); break;
        case N_INDEX:
            n = new_node(p, N_SET_INDEX, line);
            n->size = target->size;
            n->b = target->a;
            break;
        default:
            error_at(p, "cannot assign to expression", NULL);
            return target;
        }
        n->sym = target->sym;
        n->a = value;
        return n;
    }
    Node *n = new_node(p, N_EXPR, line);
    n->a = target;
    return n;
}

static Node *parse_block(Parser *p)
{
    int line = cur(p)->line;
    expect_punct(p, "{");
    int saved_nlocal = p->nlocal, saved_slot = p->next_slot, saved_base = p->scope_base;
    p->scope_base = p->nlocal;
    Node *blk = new_node(p, N_BLOCK, line);
    Node **tail = &blk->a;
    while (!p->failed && !is_punct(p, "}")) {
        if (cur(p)->type == T_EOF) {
            error_at(p, "unterminated block", NULL);
            break;
        }
        *tail = parse_stmt(p);
        while (*tail)
            tail = &(*tail)->next;
    }
    expect_punct(p, "}");
    p->nlocal = saved_nlocal;
    p->next_slot = saved_slot;
    p->scope_base = saved_base;
    return blk;
}

static Node *parse_stmt(Parser *p)
{
    int line = cur(p)->line;
    if (p->failed)
        return new_node(p, N_BLOCK, line);
    if (is_punct(p, "{"))
        return parse_block(p);
    if (is_kw(p, KW_VAR)) {
        p->pos++;
        char name[32];
        expect_ident(p, name);
        Node *init;
        if (accept_punct(p, "="))
            init = parse_expr(p);
        else
            init = new_node(p, N_NUM, line);
        expect_punct(p, ";");
        Node *n = new_node(p, N_SET_LOCAL, line);
        n->sym = declare_local(p, name);
        n->a = init;
        return n;
    }
    if (is_kw(p, KW_IF)) {
        p->pos++;
        Node *n = new_node(p, N_IF, line);
        expect_punct(p, "(");
        n->a = parse_expr(p);
        expect_punct(p, ")");
        n->b = parse_stmt(p);
        if (is_kw(p, KW_ELSE)) {
            p->pos++;
            n->c = parse_stmt(p);
        }
        return n;
    }
    if (is_kw(p, KW_WHILE)) {
        p->pos++;
        Node *n = new_node(p, N_WHILE, line);
        expect_punct(p, "(");
        n->a = parse_expr(p);
        expect_punct(p, ")");
        p->loop_depth++;
        n->b = parse_stmt(p);
        p->loop_depth--;
        return n;
    }
    if (is_kw(p, KW_FOR)) {
        p->pos++;
        Node *n = new_node(p, N_FOR, line);
        expect_punct(p, "(");
        if (!is_punct(p, ";"))
            n->a = parse_simple(p);
        expect_punct(p, ";");
        if (!is_punct(p, ";"))
            n->b = parse_expr(p);
        expect_punct(p, ";");
        if (!is_punct(p, ")"))
            n->c = parse_simple(p);
        expect_punct(p, ")");
        p->loop_depth++;
        n->d = parse_stmt(p);
        p->loop_depth--;
        return n;
    }
    if (is_kw(p, KW_RETURN)) {
        p->pos++;
        Node *n = new_node(p, N_RETURN, line);
        n->a = is_punct(p, ";") ? new_node(p, N_NUM, line) : parse_expr(p);
        expect_punct(p, ";");
        return n;
    }
    if (is_kw(p, KW_BREAK) || is_kw(p, KW_CONTINUE)) {
        int is_break = is_kw(p, KW_BREAK);
        if (p->loop_depth == 0)
            error_at(p, is_break ? "break outside loop" : "continue outside loop", NULL);
        p->pos++;
        expect_punct(p, ";");
        return new_node(p, is_break ? N_BREAK : N_CONTINUE, line);
    }
    if (is_kw(p, KW_PRINT)) {
        p->pos++;
        Node *n = new_node(p, N_PRINT, line);
        expect_punct(p, "(");
        Node **tail = &n->a;
        do {
            *tail = parse_expr(p);
            tail = &(*tail)->next;
            n->size++;
        } while (accept_punct(p, ","));
        expect_punct(p, ")");
        expect_punct(p, ";");
        return n;
    }
    Node *n = parse_simple(p);
    expect_punct(p, ";");
    return n;
}

static void parse_global(Parser *p)
{
    char name[32];
    expect_ident(p, name);
    if (p->failed)
        return;
    if (find_global(p, name) >= 0) {
        error_at(p, "duplicate global", name);
        return;
    }
    if (p->nglobals == MAX_GLOBALS) {
        error_at(p, "too many globals", NULL);
        return;
    }
    Global *g = &p->globals[p->nglobals];
    strcpy(g->name, name);
    g->size = 0;
    g->init = 0;
    if (accept_punct(p, "[")) {
        if (cur(p)->type != T_NUM || cur(p)->num <= 0 || cur(p)->num > 100000) {
            error_at(p, "bad array size for", name);
            return;
        }
        g->size = (int)cur(p)->num;
        p->pos++;
        expect_punct(p, "]");
    }
    if (accept_punct(p, "=")) {
        int neg = accept_punct(p, "-");
        if (cur(p)->type != T_NUM) {
            error_at(p, "expected constant initializer for", name);
            return;
        }
        g->init = neg ? unop_eval(U_NEG, cur(p)->num) : cur(p)->num;
        p->pos++;
    }
    expect_punct(p, ";");
    g->addr = p->gsize;
    p->gsize += g->size ? g->size : 1;
    p->nglobals++;
}

static void parse_function(Parser *p)
{
    char name[32];
    expect_ident(p, name);
    if (p->failed)
        return;
    int fi = find_func(p, name, 1);
    Func *f = &p->funcs[fi];
    if (f->defined) {
        error_at(p, "duplicate function", name);
        return;
    }
    p->nlocal = 0;
    p->next_slot = 0;
    p->max_slot = 0;
    p->scope_base = 0;
    expect_punct(p, "(");
    int nparams = 0;
    if (!is_punct(p, ")")) {
        do {
            char pname[32];
            expect_ident(p, pname);
            if (p->failed)
                return;
            declare_local(p, pname);
            nparams++;
        } while (accept_punct(p, ","));
    }
    expect_punct(p, ")");
    if (f->call_args >= 0 && f->call_args != nparams) {
        error_at(p, "wrong number of arguments to", name);
        return;
    }
    f->nparams = nparams;
    f->defined = 1;
    f->body = parse_block(p);
    f->nlocals = p->max_slot;
}

static int parse_program(Parser *p, const Token *toks, Node *pool, size_t cap)
{
    memset(p, 0, sizeof *p);
    p->t = toks;
    p->pool = pool;
    p->cap = cap;
    while (!p->failed && cur(p)->type != T_EOF) {
        if (is_kw(p, KW_VAR)) {
            p->pos++;
            parse_global(p);
        } else if (is_kw(p, KW_FUNC)) {
            p->pos++;
            parse_function(p);
        } else {
            error_at(p, "expected 'var' or 'func'", NULL);
        }
    }
    for (int i = 0; i < p->nfuncs && !p->failed; i++)
        if (!p->funcs[i].defined) {
            p->failed = 1;
            snprintf(p->err, sizeof p->err, "line %d: undefined function %s", p->funcs[i].call_line, p->funcs[i].name);
        }
    int m = find_func(p, "main", 0);
    if (!p->failed && (m < 0 || p->funcs[m].nparams != 0)) {
        p->failed = 1;
        snprintf(p->err, sizeof p->err, "missing 'func main()'");
    }
    return !p->failed;
}

/* ======================================================================
 * Engine 1: tree-walking interpreter
 * ====================================================================== */

enum { FLOW_NORMAL, FLOW_BREAK, FLOW_CONTINUE, FLOW_RETURN };

typedef struct {
    const Parser *prog;
    int64_t *globals;
    int64_t *stack;
    size_t sp, cap;
    int depth;
    int error;
    uint64_t steps;
    Output *out;
} Interp;

static int64_t call_func(Interp *in, int fi, const Node *args, int64_t *frame);

static int64_t eval(Interp *in, const Node *n, int64_t *frame)
{
    in->steps++;
    switch (n->kind) {
    case N_NUM: return n->val;
    case N_LOCAL: return frame[n->sym];
    case N_GLOBAL: return in->globals[n->sym];
    case N_INDEX: {
        int64_t i = eval(in, n->a, frame);
        if (i < 0 || i >= n->size) {
            in->error = 1;
            return 0;
        }
        return in->globals[n->sym + i];
    }
    case N_BIN: {
        int64_t a = eval(in, n->a, frame);
        int64_t b = eval(in, n->b, frame);
        return binop_eval(n->op, a, b);
    }
    case N_UN: return unop_eval(n->op, eval(in, n->a, frame));
    case N_AND: return eval(in, n->a, frame) != 0 && eval(in, n->b, frame) != 0;
    case N_OR: return eval(in, n->a, frame) != 0 || eval(in, n->b, frame) != 0;
    case N_CALL: return call_func(in, n->sym, n->a, frame);
    default: in->error = 2; return 0;
    }
}

static int exec(Interp *in, const Node *n, int64_t *frame, int64_t *ret)
{
    for (; n; n = n->next) {
        if (in->error)
            return FLOW_RETURN;
        in->steps++;
        switch (n->kind) {
        case N_SET_LOCAL: frame[n->sym] = eval(in, n->a, frame); break;
        case N_SET_GLOBAL: in->globals[n->sym] = eval(in, n->a, frame); break;
        case N_SET_INDEX: {
            int64_t i = eval(in, n->b, frame);
            int64_t v = eval(in, n->a, frame);
            if (i < 0 || i >= n->size) {
                in->error = 1;
                return FLOW_RETURN;
            }
            in->globals[n->sym + i] = v;
            break;
        }
        case N_EXPR: eval(in, n->a, frame); break;
        case N_PRINT: {
            int64_t vals[16];
            int k = 0;
            for (const Node *a = n->a; a && k < 16; a = a->next)
                vals[k++] = eval(in, a, frame);
            out_print_values(in->out, vals, k);
            break;
        }
        case N_BLOCK: {
            int f = exec(in, n->a, frame, ret);
            if (f != FLOW_NORMAL)
                return f;
            break;
        }
        case N_IF: {
            int f = FLOW_NORMAL;
            if (eval(in, n->a, frame))
                f = exec(in, n->b, frame, ret);
            else if (n->c)
                f = exec(in, n->c, frame, ret);
            if (f != FLOW_NORMAL)
                return f;
            break;
        }
        case N_WHILE:
            while (!in->error && eval(in, n->a, frame)) {
                int f = exec(in, n->b, frame, ret);
                if (f == FLOW_BREAK)
                    break;
                if (f == FLOW_RETURN)
                    return f;
            }
            break;
        case N_FOR:
            if (n->a)
                exec(in, n->a, frame, ret);
            while (!in->error && (!n->b || eval(in, n->b, frame))) {
                int f = exec(in, n->d, frame, ret);
                if (f == FLOW_BREAK)
                    break;
                if (f == FLOW_RETURN)
                    return f;
                if (n->c)
                    exec(in, n->c, frame, ret);
            }
            break;
        case N_RETURN: *ret = eval(in, n->a, frame); return FLOW_RETURN;
        case N_BREAK: return FLOW_BREAK;
        case N_CONTINUE: return FLOW_CONTINUE;
        default: in->error = 2; return FLOW_RETURN;
        }
    }
    return FLOW_NORMAL;
}

/* note: exec() walks `next` chains, so single statements in if/while bodies must not chain further;
   the parser only links statements inside blocks, and bodies are parsed as single statements */

static int64_t call_func(Interp *in, int fi, const Node *args, int64_t *caller_frame)
{
    const Func *f = &in->prog->funcs[fi];
    size_t need = (size_t)(f->nlocals > 0 ? f->nlocals : 1);
    if (in->depth > 5000 || in->sp + need > in->cap) {
        in->error = 3;
        return 0;
    }
    int64_t argv[16];
    int k = 0;
    for (const Node *a = args; a && k < 16; a = a->next)
        argv[k++] = eval(in, a, caller_frame);
    int64_t *frame = in->stack + in->sp;
    in->sp += need;
    memset(frame, 0, need * sizeof *frame);
    memcpy(frame, argv, (size_t)k * sizeof *argv);
    in->depth++;
    int64_t ret = 0;
    exec(in, f->body, frame, &ret);
    in->depth--;
    in->sp -= need;
    return ret;
}

static int run_tree(const Parser *prog, Output *out, uint64_t *steps)
{
    Interp in;
    memset(&in, 0, sizeof in);
    in.prog = prog;
    in.out = out;
    in.globals = calloc((size_t)(prog->gsize > 0 ? prog->gsize : 1), sizeof *in.globals);
    in.cap = 1 << 16;
    in.stack = malloc(in.cap * sizeof *in.stack);
    if (!in.globals || !in.stack)
        exit(1);
    for (int i = 0; i < prog->nglobals; i++)
        for (int k = 0; k < (prog->globals[i].size ? prog->globals[i].size : 1); k++)
            in.globals[prog->globals[i].addr + k] = prog->globals[i].init;
    int64_t dummy = 0;
    call_func(&in, find_func((Parser *)prog, "main", 0), NULL, &dummy);
    free(in.globals);
    free(in.stack);
    *steps = in.steps;
    return in.error;
}

/* ======================================================================
 * Engine 2: bytecode compiler + VM
 * ====================================================================== */

enum VmOp {
    V_CONST, V_LOADL, V_STOREL, V_LOADG, V_STOREG, V_LOADX, V_STOREX,
    V_ADD, V_SUB, V_MUL, V_DIV, V_MOD, V_LT, V_LE, V_GT, V_GE, V_EQ, V_NE, V_BAND, V_BOR, V_BXOR, V_SHL, V_SHR,
    V_NEG, V_NOT, V_BNOT, V_JMP, V_JZ, V_JNZ, V_CALL, V_RET, V_POP, V_PRINT, V_HALT, V_INCL, V_BOOL, V_COUNT
};

static const struct {
    const char *name;
    int nargs;
} vm_info[V_COUNT] = {
    {"const", 1}, {"loadl", 1}, {"storel", 1}, {"loadg", 1}, {"storeg", 1}, {"loadx", 2}, {"storex", 2},
    {"add", 0}, {"sub", 0}, {"mul", 0}, {"div", 0}, {"mod", 0}, {"lt", 0}, {"le", 0}, {"gt", 0}, {"ge", 0},
    {"eq", 0}, {"ne", 0}, {"band", 0}, {"bor", 0}, {"bxor", 0}, {"shl", 0}, {"shr", 0},
    {"neg", 0}, {"not", 0}, {"bnot", 0}, {"jmp", 1}, {"jz", 1}, {"jnz", 1}, {"call", 1}, {"ret", 0},
    {"pop", 0}, {"print", 1}, {"halt", 0}, {"incl", 2}, {"bool", 0},
};

typedef struct {
    int32_t *code;
    size_t len, cap;
    int64_t *consts;
    size_t nconsts, ccap;
    int break_patch[32][64], nbreak[32];
    int cont_patch[32][64], ncont[32];
    int loop_depth;
    int peepholes;
    int failed;
} Compiler;

static void emit(Compiler *c, int32_t w)
{
    if (c->len == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        int32_t *nc = realloc(c->code, c->cap * sizeof *nc);
        if (!nc)
            exit(1);
        c->code = nc;
    }
    c->code[c->len++] = w;
}

static int const_index(Compiler *c, int64_t v)
{
    for (size_t i = 0; i < c->nconsts; i++)
        if (c->consts[i] == v)
            return (int)i;
    if (c->nconsts == c->ccap) {
        c->ccap = c->ccap ? c->ccap * 2 : 32;
        int64_t *nc = realloc(c->consts, c->ccap * sizeof *nc);
        if (!nc)
            exit(1);
        c->consts = nc;
    }
    c->consts[c->nconsts] = v;
    return (int)c->nconsts++;
}

static int emit_jump(Compiler *c, int op)
{
    emit(c, op);
    emit(c, -1);
    return (int)c->len - 1;
}

static void patch(Compiler *c, int at, int target) { c->code[at] = target; }

static void compile_expr(Compiler *c, const Node *n)
{
    switch (n->kind) {
    case N_NUM: emit(c, V_CONST); emit(c, const_index(c, n->val)); break;
    case N_LOCAL: emit(c, V_LOADL); emit(c, n->sym); break;
    case N_GLOBAL: emit(c, V_LOADG); emit(c, n->sym); break;
    case N_INDEX: compile_expr(c, n->a); emit(c, V_LOADX); emit(c, n->sym); emit(c, n->size); break;
    case N_BIN: compile_expr(c, n->a); compile_expr(c, n->b); emit(c, V_ADD + n->op); break;
    case N_UN: compile_expr(c, n->a); emit(c, V_NEG + n->op); break;
    case N_AND: {
        compile_expr(c, n->a);
        int j1 = emit_jump(c, V_JZ);
        compile_expr(c, n->b);
        emit(c, V_BOOL);
        int j2 = emit_jump(c, V_JMP);
        patch(c, j1, (int)c->len);
        emit(c, V_CONST);
        emit(c, const_index(c, 0));
        patch(c, j2, (int)c->len);
        break;
    }
    case N_OR: {
        compile_expr(c, n->a);
        int j1 = emit_jump(c, V_JNZ);
        compile_expr(c, n->b);
        emit(c, V_BOOL);
        int j2 = emit_jump(c, V_JMP);
        patch(c, j1, (int)c->len);
        emit(c, V_CONST);
        emit(c, const_index(c, 1));
        patch(c, j2, (int)c->len);
        break;
    }
    case N_CALL:
        for (const Node *a = n->a; a; a = a->next)
            compile_expr(c, a);
        emit(c, V_CALL);
        emit(c, n->sym);
        break;
    default: c->failed = 1; break;
    }
}

static void compile_stmt(Compiler *c, const Node *n);

static void compile_list(Compiler *c, const Node *n)
{
    for (; n; n = n->next)
        compile_stmt(c, n);
}

static void compile_loop_end(Compiler *c, int cont_target, int break_target)
{
    int d = c->loop_depth;
    for (int i = 0; i < c->ncont[d]; i++)
        patch(c, c->cont_patch[d][i], cont_target);
    for (int i = 0; i < c->nbreak[d]; i++)
        patch(c, c->break_patch[d][i], break_target);
    c->loop_depth--;
}

static void compile_stmt(Compiler *c, const Node *n)
{
    switch (n->kind) {
    case N_SET_LOCAL:
        /* peephole: x = x + k / x = x - k  ->  incl x, k */
        if (n->a->kind == N_BIN && (n->a->op == B_ADD || n->a->op == B_SUB) && n->a->a->kind == N_LOCAL &&
            n->a->a->sym == n->sym && n->a->b->kind == N_NUM) {
            int64_t k = n->a->op == B_ADD ? n->a->b->val : unop_eval(U_NEG, n->a->b->val);
            emit(c, V_INCL);
            emit(c, n->sym);
            emit(c, const_index(c, k));
            c->peepholes++;
            break;
        }
        compile_expr(c, n->a);
        emit(c, V_STOREL);
        emit(c, n->sym);
        break;
    case N_SET_GLOBAL: compile_expr(c, n->a); emit(c, V_STOREG); emit(c, n->sym); break;
    case N_SET_INDEX:
        compile_expr(c, n->b);
        compile_expr(c, n->a);
        emit(c, V_STOREX);
        emit(c, n->sym);
        emit(c, n->size);
        break;
    case N_EXPR: compile_expr(c, n->a); emit(c, V_POP); break;
    case N_PRINT:
        for (const Node *a = n->a; a; a = a->next)
            compile_expr(c, a);
        emit(c, V_PRINT);
        emit(c, n->size);
        break;
    case N_BLOCK: compile_list(c, n->a); break;
    case N_IF: {
        if (n->a->kind == N_NUM) { /* constant condition: compile only the live branch */
            c->peepholes++;
            if (n->a->val)
                compile_stmt(c, n->b);
            else if (n->c)
                compile_stmt(c, n->c);
            break;
        }
        compile_expr(c, n->a);
        int jf = emit_jump(c, V_JZ);
        compile_stmt(c, n->b);
        if (n->c) {
            int je = emit_jump(c, V_JMP);
            patch(c, jf, (int)c->len);
            compile_stmt(c, n->c);
            patch(c, je, (int)c->len);
        } else {
            patch(c, jf, (int)c->len);
        }
        break;
    }
    case N_WHILE: {
        int top = (int)c->len;
        compile_expr(c, n->a);
        int jend = emit_jump(c, V_JZ);
        c->loop_depth++;
        c->nbreak[c->loop_depth] = c->ncont[c->loop_depth] = 0;
        compile_stmt(c, n->b);
        emit(c, V_JMP);
        emit(c, top);
        patch(c, jend, (int)c->len);
        compile_loop_end(c, top, (int)c->len);
        break;
    }
    case N_FOR: {
        if (n->a)
            compile_stmt(c, n->a);
        int top = (int)c->len;
        int jend = -1;
        if (n->b) {
            compile_expr(c, n->b);
            jend = emit_jump(c, V_JZ);
        }
        c->loop_depth++;
        c->nbreak[c->loop_depth] = c->ncont[c->loop_depth] = 0;
        compile_stmt(c, n->d);
        int step = (int)c->len;
        if (n->c)
            compile_stmt(c, n->c);
        emit(c, V_JMP);
        emit(c, top);
        if (jend >= 0)
            patch(c, jend, (int)c->len);
        compile_loop_end(c, step, (int)c->len);
        break;
    }
    case N_RETURN: compile_expr(c, n->a); emit(c, V_RET); break;
    case N_BREAK:
    case N_CONTINUE: {
        int d = c->loop_depth;
        int at = emit_jump(c, V_JMP);
        if (d <= 0 || d >= 32) {
            c->failed = 1;
            break;
        }
        if (n->kind == N_BREAK && c->nbreak[d] < 64)
            c->break_patch[d][c->nbreak[d]++] = at;
        else if (n->kind == N_CONTINUE && c->ncont[d] < 64)
            c->cont_patch[d][c->ncont[d]++] = at;
        else
            c->failed = 1;
        break;
    }
    default: c->failed = 1; break;
    }
}

static int compile_program(Compiler *c, Parser *prog)
{
    free(c->code);
    free(c->consts);
    memset(c, 0, sizeof *c);
    int main_idx = find_func(prog, "main", 0);
    emit(c, V_CALL);
    emit(c, main_idx);
    emit(c, V_HALT);
    for (int i = 0; i < prog->nfuncs; i++) {
        prog->funcs[i].entry = (int)c->len;
        compile_stmt(c, prog->funcs[i].body);
        emit(c, V_CONST); /* implicit "return 0" */
        emit(c, const_index(c, 0));
        emit(c, V_RET);
    }
    return !c->failed;
}

static size_t disassemble(const Compiler *c, char *buf, size_t cap)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t pc = 0; pc < c->len;) {
        int op = c->code[pc];
        if (op < 0 || op >= V_COUNT)
            break;
        char line[64];
        int k = snprintf(line, sizeof line, "%04zu %-6s", pc, vm_info[op].name);
        for (int a = 0; a < vm_info[op].nargs; a++) {
            int32_t arg = c->code[pc + 1 + (size_t)a];
            if ((op == V_CONST && a == 0) || (op == V_INCL && a == 1))
                k += snprintf(line + k, sizeof line - (size_t)k, " #%lld", (long long)c->consts[arg]);
            else
                k += snprintf(line + k, sizeof line - (size_t)k, " %d", (int)arg);
        }
        line[k++] = '\n';
        line[k] = '\0';
        if (len + (size_t)k + 1 < cap) {
            memcpy(buf + len, line, (size_t)k + 1);
            len += (size_t)k;
        }
        pc += 1 + (size_t)vm_info[op].nargs;
    }
    return len;
}

#define VM_STACK 65536
#define VM_FRAMES 8192

static int run_vm(const Compiler *c, const Parser *prog, Output *out, uint64_t *steps_out)
{
    int64_t *stack = malloc(VM_STACK * sizeof *stack);
    int64_t *globals = calloc((size_t)(prog->gsize > 0 ? prog->gsize : 1), sizeof *globals);
    int32_t *ret_pc = malloc(VM_FRAMES * sizeof *ret_pc);
    int32_t *ret_fp = malloc(VM_FRAMES * sizeof *ret_fp);
    if (!stack || !globals || !ret_pc || !ret_fp)
        exit(1);
    for (int i = 0; i < prog->nglobals; i++)
        for (int k = 0; k < (prog->globals[i].size ? prog->globals[i].size : 1); k++)
            globals[prog->globals[i].addr + k] = prog->globals[i].init;

    const int32_t *code = c->code;
    const int64_t *K = c->consts;
    size_t pc = 0, sp = 0, fp = 0, rsp = 0;
    uint64_t steps = 0;
    int err = 0;
    int64_t a, b;
#define POP() (stack[--sp])
#define PUSH(v) (stack[sp++] = (v))
#define BIN(expr) do { b = POP(); a = POP(); PUSH(expr); } while (0)
    for (;;) {
        steps++;
        if (sp + 8 >= VM_STACK) { err = 4; break; }
        int op = code[pc++];
        switch (op) {
        case V_CONST: PUSH(K[code[pc++]]); break;
        case V_LOADL: PUSH(stack[fp + (size_t)code[pc++]]); break;
        case V_STOREL: stack[fp + (size_t)code[pc++]] = POP(); break;
        case V_LOADG: PUSH(globals[code[pc++]]); break;
        case V_STOREG: globals[code[pc++]] = POP(); break;
        case V_LOADX:
            a = POP();
            if (a < 0 || a >= code[pc + 1]) { err = 1; goto done; }
            PUSH(globals[code[pc] + a]);
            pc += 2;
            break;
        case V_STOREX:
            b = POP();
            a = POP();
            if (a < 0 || a >= code[pc + 1]) { err = 1; goto done; }
            globals[code[pc] + a] = b;
            pc += 2;
            break;
        case V_ADD: BIN(wrap_u64((uint64_t)a + (uint64_t)b)); break;
        case V_SUB: BIN(wrap_u64((uint64_t)a - (uint64_t)b)); break;
        case V_MUL: BIN(wrap_u64((uint64_t)a * (uint64_t)b)); break;
        case V_DIV: BIN(op_div(a, b)); break;
        case V_MOD: BIN(op_mod(a, b)); break;
        case V_LT: BIN(a < b); break;
        case V_LE: BIN(a <= b); break;
        case V_GT: BIN(a > b); break;
        case V_GE: BIN(a >= b); break;
        case V_EQ: BIN(a == b); break;
        case V_NE: BIN(a != b); break;
        case V_BAND: BIN(a & b); break;
        case V_BOR: BIN(a | b); break;
        case V_BXOR: BIN(a ^ b); break;
        case V_SHL: BIN(wrap_u64((uint64_t)a << ((uint64_t)b & 63u))); break;
        case V_SHR: BIN(op_shr(a, b)); break;
        case V_NEG: a = POP(); PUSH(wrap_u64(0u - (uint64_t)a)); break;
        case V_NOT: a = POP(); PUSH(a == 0); break;
        case V_BNOT: a = POP(); PUSH(~a); break;
        case V_BOOL: a = POP(); PUSH(a != 0); break;
        case V_JMP: pc = (size_t)code[pc]; break;
        case V_JZ: a = POP(); pc = a ? pc + 1 : (size_t)code[pc]; break;
        case V_JNZ: a = POP(); pc = a ? (size_t)code[pc] : pc + 1; break;
        case V_CALL: {
            const Func *f = &prog->funcs[code[pc]];
            if (rsp >= VM_FRAMES || sp + (size_t)f->nlocals + 8 >= VM_STACK) { err = 3; goto done; }
            ret_pc[rsp] = (int32_t)(pc + 1);
            ret_fp[rsp++] = (int32_t)fp;
            fp = sp - (size_t)f->nparams;
            for (int i = f->nparams; i < f->nlocals; i++)
                PUSH(0);
            pc = (size_t)f->entry;
            break;
        }
        case V_RET:
            a = POP();
            sp = fp;
            rsp--;
            pc = (size_t)ret_pc[rsp];
            fp = (size_t)ret_fp[rsp];
            PUSH(a);
            break;
        case V_POP: sp--; break;
        case V_PRINT: {
            int n = code[pc++];
            out_print_values(out, &stack[sp - (size_t)n], n);
            sp -= (size_t)n;
            break;
        }
        case V_INCL: {
            size_t slot = fp + (size_t)code[pc];
            stack[slot] = wrap_u64((uint64_t)stack[slot] + (uint64_t)K[code[pc + 1]]);
            pc += 2;
            break;
        }
        case V_HALT: goto done;
        default: err = 2; goto done;
        }
    }
done:
#undef POP
#undef PUSH
#undef BIN
    free(stack);
    free(globals);
    free(ret_pc);
    free(ret_fp);
    *steps_out = steps;
    return err;
}

/* ======================================================================
 * Built-in Tiny programs
 * ====================================================================== */

static const char prog_sieve[] =
    "// sieve of Eratosthenes over a global array\n"
    "var flags[50000];\n"
    "var nprimes;\n"
    "func sieve(n) {\n"
    "    var i; var j; var count = 0; var last = 0;\n"
    "    for (i = 2; i < n; i = i + 1) flags[i] = 1;\n"
    "    for (i = 2; i * i < n; i = i + 1) {\n"
    "        if (flags[i]) {\n"
    "            for (j = i * i; j < n; j = j + i) flags[j] = 0;\n"
    "        }\n"
    "    }\n"
    "    for (i = 2; i < n; i = i + 1) {\n"
    "        if (flags[i]) { count = count + 1; last = i; }\n"
    "    }\n"
    "    nprimes = count;\n"
    "    return last;\n"
    "}\n"
    "func main() {\n"
    "    var rounds = 0; var last = 0;\n"
    "    while (rounds < 6) { last = sieve(50000 - rounds * 1000); rounds = rounds + 1; print(rounds, nprimes, last); }\n"
    "}\n";

static const char prog_recursion[] =
    "func fib(n) { if (n < 2) return n; return fib(n - 1) + fib(n - 2); }\n"
    "func gcd(a, b) { while (b != 0) { var t = a % b; a = b; b = t; } return a; }\n"
    "func ack(m, n) {\n"
    "    if (m == 0) return n + 1;\n"
    "    if (n == 0) return ack(m - 1, 1);\n"
    "    return ack(m - 1, ack(m, n - 1));\n"
    "}\n"
    "func main() {\n"
    "    var i;\n"
    "    for (i = 0; i <= 24; i = i + 8) print(i, fib(i));\n"
    "    var s = 0;\n"
    "    for (i = 1; i < 3000; i = i + 1) s = s + gcd(i * 7919, 123456);\n"
    "    print(s, ack(2, 3), ack(3, 4));\n"
    "}\n";

static const char prog_qsort[] =
    "var a[4000];\n"
    "var seed = 12345;\n"
    "func rand() { seed = (seed * 1103515245 + 12345) % 2147483648; return seed; }\n"
    "func qsort(lo, hi) {\n"
    "    if (lo >= hi) return 0;\n"
    "    var p = a[(lo + hi) / 2]; var i = lo; var j = hi;\n"
    "    while (i <= j) {\n"
    "        while (a[i] < p) i = i + 1;\n"
    "        while (a[j] > p) j = j - 1;\n"
    "        if (i <= j) { var t = a[i]; a[i] = a[j]; a[j] = t; i = i + 1; j = j - 1; }\n"
    "    }\n"
    "    qsort(lo, j);\n"
    "    qsort(i, hi);\n"
    "    return 0;\n"
    "}\n"
    "func main() {\n"
    "    var n = 4000; var i; var h = 0; var ok = 1; var round;\n"
    "    for (round = 0; round < 5; round = round + 1) {\n"
    "        for (i = 0; i < n; i = i + 1) a[i] = rand() % 100000 - 50000;\n"
    "        qsort(0, n - 1);\n"
    "        for (i = 0; i < n; i = i + 1) {\n"
    "            h = (h * 31 + a[i]) & 1152921504606846975;\n"
    "            if (i > 0 && a[i - 1] > a[i]) ok = 0;\n"
    "        }\n"
    "        print(round, ok, a[0], a[n - 1], h);\n"
    "    }\n"
    "}\n";

static const char prog_mandel[] =
    "// fixed point (12 fractional bits) mandelbrot\n"
    "func mandel(cr, ci, maxit) {\n"
    "    var zr = 0; var zi = 0; var it = 0;\n"
    "    while (it < maxit) {\n"
    "        var zr2 = (zr * zr) >> 12; var zi2 = (zi * zi) >> 12;\n"
    "        if (zr2 + zi2 > 16384) break;\n"
    "        zi = ((zr * zi) >> 11) + ci;\n"
    "        zr = zr2 - zi2 + cr;\n"
    "        it = it + 1;\n"
    "    }\n"
    "    return it;\n"
    "}\n"
    "func main() {\n"
    "    var y; var x; var total = 0;\n"
    "    for (y = 0; y < 30; y = y + 1) {\n"
    "        var line = 0;\n"
    "        for (x = 0; x < 64; x = x + 1) {\n"
    "            var it = mandel(-8192 + x * 190, -4096 + y * 273, 250);\n"
    "            total = total + it;\n"
    "            line = line * 3 + (it >= 250) - (it < 3);\n"
    "        }\n"
    "        if (y % 6 == 0) print(y, line);\n"
    "    }\n"
    "    print(total);\n"
    "}\n";

static const char prog_queens[] =
    "var cols[16]; var d1[32]; var d2[32];\n"
    "var solutions;\n"
    "func place(r, n) {\n"
    "    if (r == n) { solutions = solutions + 1; return 0; }\n"
    "    var c;\n"
    "    for (c = 0; c < n; c = c + 1) {\n"
    "        if (!cols[c] && !d1[r + c] && !d2[r - c + n]) {\n"
    "            cols[c] = 1; d1[r + c] = 1; d2[r - c + n] = 1;\n"
    "            place(r + 1, n);\n"
    "            cols[c] = 0; d1[r + c] = 0; d2[r - c + n] = 0;\n"
    "        }\n"
    "    }\n"
    "    return 0;\n"
    "}\n"
    "func popcount(x) { var c = 0; while (x != 0) { x = x & (x - 1); c = c + 1; } return c; }\n"
    "func main() {\n"
    "    var n;\n"
    "    for (n = 4; n <= 8; n = n + 1) { solutions = 0; place(0, n); print(n, solutions); }\n"
    "    var i; var s = 0;\n"
    "    for (i = 0; i < 6000; i = i + 1) {\n"
    "        if (i % 1000 == 999) continue;\n"
    "        s = s + popcount(i * 2654435761) + ((i << 3) ^ (i >> 2)) % 7 - (~i & 15);\n"
    "        if (s > 1000000000) break;\n"
    "    }\n"
    "    print(s, -17 / 5, -17 % 5, 1 << 62, (1 << 63) >> 3, 7 / 0, 0 - 9223372036854775807 - 1, 3 * 4 + 2 == 14 || 0);\n"
    "}\n";

static const char *const error_programs[] = {
    "func main() { x = 1; }",
    "func main() { var a = 1 }",
    "func f(a, b) { return a; }\nfunc main() { f(1); }",
    "func main() { break; }",
    "var g[0];\nfunc main() { }",
    "func main() { return g(); }",
    "func main() { print(1 +); }",
    "func main() { var a; var a; }",
    "func main() { 1 = 2; }",
    "func helper() { }",
    "func main() { @ }",
    "func main() {\n  if (1) {\n    print(2);\n",
};

/* ======================================================================
 * Driver
 * ====================================================================== */

#define NODE_POOL 4096

int main(void)
{
    static const struct {
        const char *name;
        const char *src;
    } programs[] = {
        {"sieve", prog_sieve}, {"recursion", prog_recursion}, {"qsort", prog_qsort},
        {"mandel", prog_mandel}, {"queens", prog_queens},
    };
    static Node pool[NODE_POOL];
    static Parser parser;
    static Compiler comp;
    static char listing[1 << 16];
    TokenList tl = {NULL, 0, 0, {0}};
    uint32_t checksum = 0x13579bdfu;

    for (size_t pi = 0; pi < sizeof programs / sizeof programs[0]; pi++) {
        const char *name = programs[pi].name;
        if (!lex(programs[pi].src, &tl)) {
            printf("%s: lex error: %s\n", name, tl.err);
            return 1;
        }
        if (!parse_program(&parser, tl.toks, pool, NODE_POOL)) {
            printf("%s: parse error: %s\n", name, parser.err);
            return 1;
        }
        if (!compile_program(&comp, &parser)) {
            printf("%s: compile error\n", name);
            return 1;
        }
        size_t ll = disassemble(&comp, listing, sizeof listing);
        uint32_t lh = 2166136261u;
        for (size_t i = 0; i < ll; i++) {
            lh ^= (unsigned char)listing[i];
            lh *= 16777619u;
        }
        printf("== %s: %zu tokens, %zu nodes, %d folded, %d functions, %d globals cells, %zu code words, %zu consts, %d peepholes, listing %08x\n",
               name, tl.n, parser.nnodes, parser.folded, parser.nfuncs, parser.gsize, comp.len, comp.nconsts,
               comp.peepholes, (unsigned)lh);
        if (pi == 1) {
            /* show the bytecode of the first function */
            const char *p = listing;
            for (int line = 0; line < 14 && *p; line++) {
                const char *e = strchr(p, '\n');
                printf("    %.*s\n", (int)(e - p), p);
                p = e + 1;
            }
        }

        Output o_tree, o_vm;
        out_init(&o_tree);
        out_init(&o_vm);
        uint64_t steps_tree = 0, steps_vm = 0;
        int err_tree = run_tree(&parser, &o_tree, &steps_tree);
        int err_vm = run_vm(&comp, &parser, &o_vm, &steps_vm);
        int agree = err_tree == err_vm && o_tree.len == o_vm.len && memcmp(o_tree.buf, o_vm.buf, o_vm.len) == 0;
        fputs(o_vm.buf ? o_vm.buf : "", stdout);
        printf("   tree steps %llu, vm steps %llu, errors %d/%d, engines agree: %s\n", (unsigned long long)steps_tree,
               (unsigned long long)steps_vm, err_tree, err_vm, agree ? "yes" : "NO");
        checksum = (checksum ^ o_vm.hash) * 16777619u;
        checksum ^= (uint32_t)steps_vm + lh + (uint32_t)agree;
        free(o_tree.buf);
        free(o_vm.buf);
    }

    for (size_t i = 0; i < sizeof error_programs / sizeof error_programs[0]; i++) {
        const char *msg;
        if (!lex(error_programs[i], &tl))
            msg = tl.err;
        else if (!parse_program(&parser, tl.toks, pool, NODE_POOL))
            msg = parser.err;
        else
            msg = "ok";
        printf("error test %2zu: %s\n", i, msg);
        for (const char *p = msg; *p; p++)
            checksum = (checksum ^ (unsigned char)*p) * 16777619u;
    }
    free(tl.toks);
    free(comp.code);
    free(comp.consts);
    printf("checksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
