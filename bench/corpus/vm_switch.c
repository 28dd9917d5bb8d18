/* Dense-switch bytecode interpreter: ~34 opcodes, a label-resolving assembler, and built-in programs (primes, fib, collatz, sort, gcd). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum Op {
    OP_NOP, OP_PUSH, OP_POP, OP_DUP, OP_SWAP, OP_OVER, OP_ADD, OP_SUB, OP_MUL, OP_DIV,
    OP_MOD, OP_NEG, OP_AND, OP_OR, OP_XOR, OP_SHL, OP_SHR, OP_NOT, OP_EQ, OP_LT,
    OP_SLT, OP_GT, OP_JMP, OP_JZ, OP_JNZ, OP_LOAD, OP_STORE, OP_GLOAD, OP_GSTORE, OP_CALL,
    OP_RET, OP_ENTER, OP_INC, OP_DEC, OP_OUT, OP_HALT, OP_COUNT
};

static const char *const op_names[OP_COUNT] = {
    "nop", "push", "pop", "dup", "swap", "over", "add", "sub", "mul", "div",
    "mod", "neg", "and", "or", "xor", "shl", "shr", "not", "eq", "lt",
    "slt", "gt", "jmp", "jz", "jnz", "load", "store", "gload", "gstore", "call",
    "ret", "enter", "inc", "dec", "out", "halt",
};

/* ------------------------------ assembler ------------------------------ */
#define MAXCODE 1024
#define MAXLABEL 64
typedef struct {
    uint32_t code[MAXCODE];
    uint32_t len;
    int32_t label_at[MAXLABEL];
    uint32_t fix_pos[MAXLABEL * 4];
    uint32_t fix_label[MAXLABEL * 4];
    uint32_t nfix;
} Asm;

static void asm_init(Asm *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 0; i < MAXLABEL; i++)
        a->label_at[i] = -1;
}
static void emit0(Asm *a, enum Op op) { a->code[a->len++] = (uint32_t)op; }
static void emit1(Asm *a, enum Op op, uint32_t arg)
{
    a->code[a->len++] = (uint32_t)op;
    a->code[a->len++] = arg;
}
static void label(Asm *a, int l) { a->label_at[l] = (int32_t)a->len; }
static void jump(Asm *a, enum Op op, int l)
{
    a->code[a->len++] = (uint32_t)op;
    a->fix_pos[a->nfix] = a->len;
    a->fix_label[a->nfix++] = (uint32_t)l;
    a->code[a->len++] = 0;
}
static int asm_finish(Asm *a)
{
    for (uint32_t i = 0; i < a->nfix; i++) {
        int32_t at = a->label_at[a->fix_label[i]];
        if (at < 0)
            return -1;
        a->code[a->fix_pos[i]] = (uint32_t)at;
    }
    return 0;
}

/* ------------------------------ interpreter ------------------------------ */
#define STACK 256
#define FRAMES 256
#define LOCALS 4096
#define MEM 4096

typedef struct {
    uint32_t stack[STACK];
    uint32_t sp;
    uint32_t ret_pc[FRAMES], ret_fp[FRAMES];
    uint32_t rsp;
    uint32_t locals[LOCALS];
    uint32_t fp, lp;
    uint32_t mem[MEM];
    uint32_t out_hash, out_count, last_out;
    uint64_t steps;
    uint64_t op_hist[OP_COUNT];
} Vm;

static int run(Vm *vm, const uint32_t *code, uint32_t len)
{
    uint32_t pc = 0;
    uint32_t a, b;
#define POP() (vm->stack[--vm->sp])
#define PUSH(v) (vm->stack[vm->sp++] = (v))
#define NEED(n) do { if (vm->sp < (n)) return -2; } while (0)
#define ROOM() do { if (vm->sp >= STACK) return -3; } while (0)
    for (;;) {
        if (pc >= len)
            return -1;
        uint32_t op = code[pc++];
        vm->steps++;
        if (op < OP_COUNT)
            vm->op_hist[op]++;
        switch (op) {
        case OP_NOP: break;
        case OP_PUSH: ROOM(); PUSH(code[pc++]); break;
        case OP_POP: NEED(1); vm->sp--; break;
        case OP_DUP: NEED(1); ROOM(); a = vm->stack[vm->sp - 1]; PUSH(a); break;
        case OP_SWAP: NEED(2); a = vm->stack[vm->sp - 1]; vm->stack[vm->sp - 1] = vm->stack[vm->sp - 2]; vm->stack[vm->sp - 2] = a; break;
        case OP_OVER: NEED(2); ROOM(); a = vm->stack[vm->sp - 2]; PUSH(a); break;
        case OP_ADD: NEED(2); b = POP(); a = POP(); PUSH(a + b); break;
        case OP_SUB: NEED(2); b = POP(); a = POP(); PUSH(a - b); break;
        case OP_MUL: NEED(2); b = POP(); a = POP(); PUSH(a * b); break;
        case OP_DIV: NEED(2); b = POP(); a = POP(); PUSH(b ? a / b : 0u); break;
        case OP_MOD: NEED(2); b = POP(); a = POP(); PUSH(b ? a % b : 0u); break;
        case OP_NEG: NEED(1); a = POP(); PUSH(0u - a); break;
        case OP_AND: NEED(2); b = POP(); a = POP(); PUSH(a & b); break;
        case OP_OR: NEED(2); b = POP(); a = POP(); PUSH(a | b); break;
        case OP_XOR: NEED(2); b = POP(); a = POP(); PUSH(a ^ b); break;
        case OP_SHL: NEED(2); b = POP(); a = POP(); PUSH(a << (b & 31u)); break;
        case OP_SHR: NEED(2); b = POP(); a = POP(); PUSH(a >> (b & 31u)); break;
        case OP_NOT: NEED(1); a = POP(); PUSH(a == 0u); break;
        case OP_EQ: NEED(2); b = POP(); a = POP(); PUSH(a == b); break;
        case OP_LT: NEED(2); b = POP(); a = POP(); PUSH(a < b); break;
        case OP_SLT: NEED(2); b = POP(); a = POP(); PUSH((a ^ 0x80000000u) < (b ^ 0x80000000u)); break;
        case OP_GT: NEED(2); b = POP(); a = POP(); PUSH(a > b); break;
        case OP_JMP: pc = code[pc]; break;
        case OP_JZ: NEED(1); a = POP(); pc = a ? pc + 1 : code[pc]; break;
        case OP_JNZ: NEED(1); a = POP(); pc = a ? code[pc] : pc + 1; break;
        case OP_LOAD: ROOM(); a = vm->fp + code[pc++]; if (a >= LOCALS) return -4; PUSH(vm->locals[a]); break;
        case OP_STORE: NEED(1); a = vm->fp + code[pc++]; if (a >= LOCALS) return -4; vm->locals[a] = POP(); break;
        case OP_GLOAD: NEED(1); a = POP(); PUSH(vm->mem[a % MEM]); break;
        case OP_GSTORE: NEED(2); a = POP(); b = POP(); vm->mem[a % MEM] = b; break; /* value addr gstore */
        case OP_CALL:
            if (vm->rsp >= FRAMES) return -5;
            vm->ret_pc[vm->rsp] = pc + 1;
            vm->ret_fp[vm->rsp++] = vm->fp;
            pc = code[pc];
            break;
        case OP_ENTER: { /* enter nargs,nlocals (packed): pop args into fresh frame */
            uint32_t arg = code[pc++], nargs = arg & 0xffu, nloc = arg >> 8;
            NEED(nargs);
            if (vm->lp + nloc >= LOCALS) return -4;
            vm->fp = vm->lp;
            vm->lp += nloc;
            for (uint32_t i = nargs; i-- > 0;)
                vm->locals[vm->fp + i] = POP();
            break;
        }
        case OP_RET:
            if (vm->rsp == 0) return -6;
            vm->lp = vm->fp;
            vm->rsp--;
            pc = vm->ret_pc[vm->rsp];
            vm->fp = vm->ret_fp[vm->rsp];
            break;
        case OP_INC: a = vm->fp + code[pc++]; if (a >= LOCALS) return -4; vm->locals[a]++; break;
        case OP_DEC: a = vm->fp + code[pc++]; if (a >= LOCALS) return -4; vm->locals[a]--; break;
        case OP_OUT:
            NEED(1);
            a = POP();
            vm->out_hash = (vm->out_hash ^ a) * 16777619u;
            vm->out_count++;
            vm->last_out = a;
            break;
        case OP_HALT: return 0;
        default: return -7;
        }
    }
#undef POP
#undef PUSH
#undef NEED
#undef ROOM
}

/* ------------------------------ programs ------------------------------ */

/* count primes below n by trial division; outputs each 1000th prime and the count */
static void prog_primes(Asm *a, uint32_t n)
{
    enum { L_OUTER, L_INNER, L_COMPOSITE, L_PRIME, L_NEXT, L_DONE, L_SKIP };
    /* locals: 0 = candidate, 1 = divisor, 2 = count */
    emit1(a, OP_ENTER, 3u << 8);
    emit1(a, OP_PUSH, 2); emit1(a, OP_STORE, 0);
    emit1(a, OP_PUSH, 0); emit1(a, OP_STORE, 2);
    label(a, L_OUTER);
    emit1(a, OP_LOAD, 0); emit1(a, OP_PUSH, n); emit0(a, OP_LT); jump(a, OP_JZ, L_DONE);
    emit1(a, OP_PUSH, 2); emit1(a, OP_STORE, 1);
    label(a, L_INNER);
    emit1(a, OP_LOAD, 1); emit0(a, OP_DUP); emit0(a, OP_MUL); emit1(a, OP_LOAD, 0); emit0(a, OP_GT); jump(a, OP_JNZ, L_PRIME);
    emit1(a, OP_LOAD, 0); emit1(a, OP_LOAD, 1); emit0(a, OP_MOD); jump(a, OP_JZ, L_COMPOSITE);
    emit1(a, OP_INC, 1); jump(a, OP_JMP, L_INNER);
    label(a, L_PRIME);
    emit1(a, OP_INC, 2);
    emit1(a, OP_LOAD, 2); emit1(a, OP_PUSH, 1000); emit0(a, OP_MOD); jump(a, OP_JNZ, L_SKIP);
    emit1(a, OP_LOAD, 0); emit0(a, OP_OUT);
    label(a, L_SKIP);
    label(a, L_COMPOSITE);
    label(a, L_NEXT);
    emit1(a, OP_INC, 0); jump(a, OP_JMP, L_OUTER);
    label(a, L_DONE);
    emit1(a, OP_LOAD, 2); emit0(a, OP_OUT);
    emit0(a, OP_HALT);
}

/* recursive fib(n) via CALL/RET plus an iterative loop */
static void prog_fib(Asm *a, uint32_t n, uint32_t iters)
{
    enum { L_FIB, L_BASE, L_LOOP, L_LOOPEND, L_MAIN };
    jump(a, OP_JMP, L_MAIN);
    label(a, L_FIB); /* fib(x): x < 2 ? x : fib(x-1)+fib(x-2) */
    emit1(a, OP_ENTER, 1u | (1u << 8));
    emit1(a, OP_LOAD, 0); emit1(a, OP_PUSH, 2); emit0(a, OP_LT); jump(a, OP_JNZ, L_BASE);
    emit1(a, OP_LOAD, 0); emit1(a, OP_PUSH, 1); emit0(a, OP_SUB); jump(a, OP_CALL, L_FIB);
    emit1(a, OP_LOAD, 0); emit1(a, OP_PUSH, 2); emit0(a, OP_SUB); jump(a, OP_CALL, L_FIB);
    emit0(a, OP_ADD); emit0(a, OP_RET);
    label(a, L_BASE);
    emit1(a, OP_LOAD, 0); emit0(a, OP_RET);
    label(a, L_MAIN);
    emit1(a, OP_ENTER, 4u << 8);
    emit1(a, OP_PUSH, n); jump(a, OP_CALL, L_FIB); emit0(a, OP_OUT);
    /* iterative: locals 0=a 1=b 2=i */
    emit1(a, OP_PUSH, 0); emit1(a, OP_STORE, 0);
    emit1(a, OP_PUSH, 1); emit1(a, OP_STORE, 1);
    emit1(a, OP_PUSH, iters); emit1(a, OP_STORE, 2);
    label(a, L_LOOP);
    emit1(a, OP_LOAD, 2); jump(a, OP_JZ, L_LOOPEND);
    emit1(a, OP_LOAD, 0); emit1(a, OP_LOAD, 1); emit0(a, OP_ADD);
    emit1(a, OP_LOAD, 1); emit1(a, OP_STORE, 0); emit1(a, OP_STORE, 1);
    emit1(a, OP_DEC, 2); jump(a, OP_JMP, L_LOOP);
    label(a, L_LOOPEND);
    emit1(a, OP_LOAD, 0); emit0(a, OP_OUT);
    emit0(a, OP_HALT);
}

/* collatz: longest chain for starting values below n, with bit tricks (shr, and, xor, neg, not, slt) */
static void prog_collatz(Asm *a, uint32_t n)
{
    enum { L_OUT, L_CHAIN, L_ODD, L_CONT, L_END_CHAIN, L_NOBEST, L_DONE };
    /* locals: 0 = start, 1 = x, 2 = steps, 3 = best, 4 = best_start, 5 = mixed */
    emit1(a, OP_ENTER, 6u << 8);
    emit1(a, OP_PUSH, 1); emit1(a, OP_STORE, 0);
    emit1(a, OP_PUSH, 0); emit0(a, OP_DUP); emit1(a, OP_STORE, 3); emit1(a, OP_STORE, 5);
    label(a, L_OUT);
    emit1(a, OP_LOAD, 0); emit1(a, OP_PUSH, n); emit0(a, OP_LT); jump(a, OP_JZ, L_DONE);
    emit1(a, OP_LOAD, 0); emit1(a, OP_STORE, 1);
    emit1(a, OP_PUSH, 0); emit1(a, OP_STORE, 2);
    label(a, L_CHAIN);
    emit1(a, OP_LOAD, 1); emit1(a, OP_PUSH, 1); emit0(a, OP_EQ); jump(a, OP_JNZ, L_END_CHAIN);
    emit1(a, OP_LOAD, 1); emit1(a, OP_PUSH, 1); emit0(a, OP_AND); jump(a, OP_JNZ, L_ODD);
    emit1(a, OP_LOAD, 1); emit1(a, OP_PUSH, 1); emit0(a, OP_SHR); emit1(a, OP_STORE, 1);
    jump(a, OP_JMP, L_CONT);
    label(a, L_ODD);
    emit1(a, OP_LOAD, 1); emit0(a, OP_DUP); emit1(a, OP_PUSH, 1); emit0(a, OP_SHL); emit0(a, OP_ADD);
    emit1(a, OP_PUSH, 1); emit0(a, OP_ADD); emit1(a, OP_STORE, 1);
    label(a, L_CONT);
    emit1(a, OP_INC, 2); jump(a, OP_JMP, L_CHAIN);
    label(a, L_END_CHAIN);
    /* mixed = mixed ^ (steps * start) ; also exercise neg/not/slt/swap/over/or/div */
    emit1(a, OP_LOAD, 5); emit1(a, OP_LOAD, 2); emit1(a, OP_LOAD, 0); emit0(a, OP_MUL); emit0(a, OP_XOR);
    emit1(a, OP_LOAD, 0); emit0(a, OP_NEG); emit1(a, OP_PUSH, 7); emit0(a, OP_DIV); emit0(a, OP_OR);
    emit1(a, OP_STORE, 5);
    emit1(a, OP_LOAD, 3); emit1(a, OP_LOAD, 2); emit0(a, OP_SWAP); emit0(a, OP_OVER); emit0(a, OP_POP);
    emit0(a, OP_SLT); emit0(a, OP_NOT); jump(a, OP_JNZ, L_NOBEST);
    emit1(a, OP_LOAD, 2); emit1(a, OP_STORE, 3);
    emit1(a, OP_LOAD, 0); emit1(a, OP_STORE, 4);
    label(a, L_NOBEST);
    emit1(a, OP_INC, 0); jump(a, OP_JMP, L_OUT);
    label(a, L_DONE);
    emit1(a, OP_LOAD, 3); emit0(a, OP_OUT);
    emit1(a, OP_LOAD, 4); emit0(a, OP_OUT);
    emit1(a, OP_LOAD, 5); emit0(a, OP_OUT);
    emit0(a, OP_NOP);
    emit0(a, OP_HALT);
}

/* fill memory with an LCG sequence, insertion-sort it in VM memory, output a hash; then gcd sums */
static void prog_sort_gcd(Asm *a, uint32_t n)
{
    enum { L_FILL, L_FILLED, L_I, L_J, L_JDONE, L_IDONE, L_H, L_HDONE, L_GCD, L_GLOOP, L_GEND, L_G2, L_G2END };
    /* locals: 0=i 1=j 2=key 3=seed 4=acc */
    emit1(a, OP_ENTER, 6u << 8);
    emit1(a, OP_PUSH, 0); emit1(a, OP_STORE, 0);
    emit1(a, OP_PUSH, 12345); emit1(a, OP_STORE, 3);
    label(a, L_FILL);
    emit1(a, OP_LOAD, 0); emit1(a, OP_PUSH, n); emit0(a, OP_LT); jump(a, OP_JZ, L_FILLED);
    emit1(a, OP_LOAD, 3); emit1(a, OP_PUSH, 1103515245u); emit0(a, OP_MUL); emit1(a, OP_PUSH, 12345); emit0(a, OP_ADD);
    emit0(a, OP_DUP); emit1(a, OP_STORE, 3);
    emit1(a, OP_PUSH, 16); emit0(a, OP_SHR);
    emit1(a, OP_LOAD, 0); emit0(a, OP_GSTORE);
    emit1(a, OP_INC, 0); jump(a, OP_JMP, L_FILL);
    label(a, L_FILLED);
    /* insertion sort: for i=1..n-1 */
    emit1(a, OP_PUSH, 1); emit1(a, OP_STORE, 0);
    label(a, L_I);
    emit1(a, OP_LOAD, 0); emit1(a, OP_PUSH, n); emit0(a, OP_LT); jump(a, OP_JZ, L_IDONE);
    emit1(a, OP_LOAD, 0); emit0(a, OP_GLOAD); emit1(a, OP_STORE, 2);
    emit1(a, OP_LOAD, 0); emit1(a, OP_STORE, 1);
    label(a, L_J);
    emit1(a, OP_LOAD, 1); jump(a, OP_JZ, L_JDONE);
    emit1(a, OP_LOAD, 1); emit1(a, OP_PUSH, 1); emit0(a, OP_SUB); emit0(a, OP_GLOAD);
    emit1(a, OP_LOAD, 2); emit0(a, OP_GT); jump(a, OP_JZ, L_JDONE);
    emit1(a, OP_LOAD, 1); emit1(a, OP_PUSH, 1); emit0(a, OP_SUB); emit0(a, OP_GLOAD);
    emit1(a, OP_LOAD, 1); emit0(a, OP_GSTORE);
    emit1(a, OP_DEC, 1); jump(a, OP_JMP, L_J);
    label(a, L_JDONE);
    emit1(a, OP_LOAD, 2); emit1(a, OP_LOAD, 1); emit0(a, OP_GSTORE);
    emit1(a, OP_INC, 0); jump(a, OP_JMP, L_I);
    label(a, L_IDONE);
    /* hash sorted memory */
    emit1(a, OP_PUSH, 0); emit1(a, OP_STORE, 0);
    emit1(a, OP_PUSH, 0); emit1(a, OP_STORE, 4);
    label(a, L_H);
    emit1(a, OP_LOAD, 0); emit1(a, OP_PUSH, n); emit0(a, OP_LT); jump(a, OP_JZ, L_HDONE);
    emit1(a, OP_LOAD, 4); emit1(a, OP_PUSH, 31); emit0(a, OP_MUL); emit1(a, OP_LOAD, 0); emit0(a, OP_GLOAD); emit0(a, OP_ADD);
    emit1(a, OP_STORE, 4);
    emit1(a, OP_INC, 0); jump(a, OP_JMP, L_H);
    label(a, L_HDONE);
    emit1(a, OP_LOAD, 4); emit0(a, OP_OUT);
    emit1(a, OP_PUSH, 0); emit0(a, OP_GLOAD); emit0(a, OP_OUT);
    emit1(a, OP_PUSH, n - 1); emit0(a, OP_GLOAD); emit0(a, OP_OUT);
    /* sum of gcd(mem[i], mem[i+1]) with Euclid */
    emit1(a, OP_PUSH, 0); emit1(a, OP_STORE, 0);
    emit1(a, OP_PUSH, 0); emit1(a, OP_STORE, 4);
    label(a, L_G2);
    emit1(a, OP_LOAD, 0); emit1(a, OP_PUSH, n - 1); emit0(a, OP_LT); jump(a, OP_JZ, L_G2END);
    emit1(a, OP_LOAD, 0); emit0(a, OP_GLOAD); emit1(a, OP_STORE, 1);
    emit1(a, OP_LOAD, 0); emit1(a, OP_PUSH, 1); emit0(a, OP_ADD); emit0(a, OP_GLOAD); emit1(a, OP_STORE, 2);
    label(a, L_GLOOP);
    emit1(a, OP_LOAD, 2); jump(a, OP_JZ, L_GEND);
    emit1(a, OP_LOAD, 1); emit1(a, OP_LOAD, 2); emit0(a, OP_MOD);
    emit1(a, OP_LOAD, 2); emit1(a, OP_STORE, 1); emit1(a, OP_STORE, 2);
    jump(a, OP_JMP, L_GLOOP);
    label(a, L_GEND);
    emit1(a, OP_LOAD, 4); emit1(a, OP_LOAD, 1); emit0(a, OP_ADD); emit1(a, OP_STORE, 4);
    emit1(a, OP_INC, 0); jump(a, OP_JMP, L_G2);
    label(a, L_G2END);
    label(a, L_GCD);
    emit1(a, OP_LOAD, 4); emit0(a, OP_OUT);
    emit0(a, OP_HALT);
}

typedef void (*builder)(Asm *);
static void build_primes(Asm *a) { prog_primes(a, 70000); }
static void build_fib(Asm *a) { prog_fib(a, 25, 100000); }
static void build_collatz(Asm *a) { prog_collatz(a, 25000); }
static void build_sort(Asm *a) { prog_sort_gcd(a, 2000); }

int main(void)
{
    static const struct { const char *name; builder build; } progs[] = {
        {"primes", build_primes}, {"fib", build_fib}, {"collatz", build_collatz}, {"sort+gcd", build_sort},
    };
    static Asm as;
    static Vm vm;
    uint32_t checksum = 0;
    uint64_t total_hist[OP_COUNT] = {0};
    for (size_t i = 0; i < sizeof progs / sizeof progs[0]; i++) {
        asm_init(&as);
        progs[i].build(&as);
        if (asm_finish(&as) != 0) {
            printf("%s: unresolved label\n", progs[i].name);
            return 1;
        }
        memset(&vm, 0, sizeof vm);
        vm.out_hash = 2166136261u;
        int rc = run(&vm, as.code, as.len);
        printf("%-8s code %4u words, rc %d, steps %10llu, outputs %u, last %u, hash %08x\n", progs[i].name,
               (unsigned)as.len, rc, (unsigned long long)vm.steps, vm.out_count, vm.last_out, (unsigned)vm.out_hash);
        checksum = (checksum * 16777619u) ^ vm.out_hash ^ (uint32_t)vm.steps ^ (uint32_t)rc;
        for (int k = 0; k < OP_COUNT; k++)
            total_hist[k] += vm.op_hist[k];
    }
    printf("opcode histogram:\n");
    for (int k = 0; k < OP_COUNT; k++) {
        printf("  %-6s %10llu%s", op_names[k], (unsigned long long)total_hist[k], (k % 4 == 3) ? "\n" : "");
        checksum += (uint32_t)total_hist[k] * (uint32_t)(k + 1);
    }
    printf("\nchecksum: 0x%08x\n", (unsigned)checksum);
    return 0;
}
