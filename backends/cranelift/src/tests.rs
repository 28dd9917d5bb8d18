//! The constructs of rustc's and clang's IR beyond plain C, built as canonical IR (no LLVM
//! needed), compiled by this backend, linked with a C program by the system's C compiler and
//! run: atomics (every `atomicrmw` operation on every width, `cmpxchg`, atomic loads and
//! stores, fences, two threads counting), thread-local variables, computed goto, compiler
//! barriers; and the clean refusal of what the backend does not lower.

use opm_ir::{
    Atomic, AtomicOrdering, BinOp, BlockId, CastOp, Clause, ConstExpr, Constant, Flags, Function,
    FunctionBuilder, FunctionType, Global, InlineAsm, Inst, IntPredicate, Linkage, Module, Op,
    Operand, RmwOp, SymbolProps, SyncScope, TlsModel, Type,
};
use std::path::{Path, PathBuf};
use std::process::Command;

fn module() -> Module {
    Module {
        target_triple: "x86_64-pc-linux-gnu".into(),
        data_layout:
            "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128".into(),
        ..Module::default()
    }
}

fn fn_ty(ret: Type, params: &[Type]) -> FunctionType {
    FunctionType { ret, params: params.to_vec(), varargs: false }
}

fn void_ptrs(n: usize) -> FunctionType {
    fn_ty(Type::Void, &vec![Type::Ptr; n])
}

fn i(bits: u32, v: i128) -> Operand {
    Operand::Const(Constant::int(bits, v))
}

fn load(b: &mut FunctionBuilder, ty: &Type, ptr: Operand) -> Operand {
    b.push(ty.clone(), Op::Load { ptr, align: 0, volatile: false, atomic: None })
}

fn store(b: &mut FunctionBuilder, val: Operand, ptr: Operand) {
    b.push_void(Op::Store { val, ptr, align: 0, volatile: false, atomic: None });
}

fn load_param(b: &mut FunctionBuilder, ty: &Type, i: usize) -> Operand {
    let p = b.param(i);
    load(b, ty, p)
}

fn store_param(b: &mut FunctionBuilder, val: Operand, i: usize) {
    let p = b.param(i);
    store(b, val, p)
}

fn at(ordering: AtomicOrdering) -> Atomic {
    Atomic { ordering, scope: SyncScope::System }
}

fn global(name: &str, ty: Type, init: Option<Constant>, linkage: Linkage) -> Global {
    Global {
        name: name.into(),
        ty,
        init,
        is_constant: false,
        props: SymbolProps { linkage, ..SymbolProps::default() },
        thread_local: None,
        externally_initialized: false,
    }
}

/// A directory of its own for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("opm-cranelift-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Links `object` with the C program `main` in `dir` and runs it; returns its output.
fn link_and_run(dir: &Path, object: &[u8], main: &str) -> String {
    let (obj, src, exe) = (dir.join("m.o"), dir.join("main.c"), dir.join("main"));
    std::fs::write(&obj, object).unwrap();
    std::fs::write(&src, main).unwrap();
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let built = Command::new(&cc)
        .args(["-O1", "-pthread", "-fno-builtin"])
        .arg(&src)
        .arg(&obj)
        .arg("-o")
        .arg(&exe)
        .arg("-lm")
        .output()
        .expect("the test needs a C compiler (cc)");
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let ran = Command::new(&exe).output().unwrap();
    let out = String::from_utf8_lossy(&ran.stdout).into_owned();
    assert!(ran.status.success(), "{out}{}", String::from_utf8_lossy(&ran.stderr));
    out
}

/// Builds `m` with each pipeline and runs it with `main`; every run must print `0 bad`.
fn check_runs(name: &str, m: &Module, main: &str) {
    let dir = scratch(name);
    for pipeline in ["", "opt_level=speed", "opt_level=none"] {
        let object = crate::compile_to_object(m, Some(pipeline))
            .unwrap_or_else(|e| panic!("with `{pipeline}`: {e}"));
        let out = link_and_run(&dir, &object, main);
        assert!(out.ends_with("0 bad\n"), "with `{pipeline}`:\n{out}");
    }
    if std::env::var_os("OPM_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
}

/// The error message of building `m`, which must be refused as unsupported.
fn refusal(m: &Module) -> String {
    match crate::compile_to_object(m, None) {
        Err(e @ crate::CraneliftError::Unsupported { .. }) => e.to_string(),
        Err(e) => panic!("expected an unsupported error, got: {e}"),
        Ok(_) => panic!("expected an unsupported error, the module built"),
    }
}

// ---------------------------------------------------------------------------------------
// Atomics

const INT_OPS: [RmwOp; 15] = [
    RmwOp::Xchg,
    RmwOp::Add,
    RmwOp::Sub,
    RmwOp::And,
    RmwOp::Nand,
    RmwOp::Or,
    RmwOp::Xor,
    RmwOp::Max,
    RmwOp::Min,
    RmwOp::UMax,
    RmwOp::UMin,
    RmwOp::UIncWrap,
    RmwOp::UDecWrap,
    RmwOp::USubCond,
    RmwOp::USubSat,
];

const FLOAT_OPS: [RmwOp; 7] = [
    RmwOp::Xchg,
    RmwOp::FAdd,
    RmwOp::FSub,
    RmwOp::FMax,
    RmwOp::FMin,
    RmwOp::FMaximum,
    RmwOp::FMinimum,
];

/// The suffix of a type in the test functions' names.
fn suffix(ty: &Type) -> String {
    match ty {
        Type::Int(n) => n.to_string(),
        Type::Float => "f".into(),
        Type::Double => "d".into(),
        _ => "p".into(),
    }
}

/// `void rmw_OP_T(T *p, T *v, T *old)`: `*old = atomicrmw OP p, *v`.
fn rmw_function(op: RmwOp, ty: &Type, ordering: AtomicOrdering) -> Function {
    let mut b = FunctionBuilder::new(format!("rmw_{}_{}", op.name(), suffix(ty)), void_ptrs(3));
    let v = load_param(&mut b, ty, 1);
    let old = b.push(
        ty.clone(),
        Op::AtomicRmw {
            op,
            ptr: b.param(0),
            val: v,
            align: 0,
            volatile: false,
            atomic: at(ordering),
        },
    );
    store_param(&mut b, old, 2);
    b.ret(None);
    b.finish()
}

/// `void cas_T(T *p, T *cmp, T *new, T *old, char *ok)`.
fn cas_function(ty: &Type, weak: bool) -> Function {
    let name = format!("cas{}_{}", if weak { "_weak" } else { "" }, suffix(ty));
    let mut b = FunctionBuilder::new(name, void_ptrs(5));
    let cmp = load_param(&mut b, ty, 1);
    let new = load_param(&mut b, ty, 2);
    let pair = Type::Struct(opm_ir::StructType {
        name: None,
        body: Some(vec![ty.clone(), Type::Int(1)]),
        packed: false,
    });
    let r = b.push(
        pair,
        Op::CmpXchg {
            ptr: b.param(0),
            cmp,
            new,
            align: 0,
            volatile: weak,
            weak,
            success: AtomicOrdering::AcqRel,
            failure: AtomicOrdering::Acquire,
            scope: SyncScope::System,
        },
    );
    let old = b.push(ty.clone(), Op::ExtractValue { agg: r.clone(), indices: vec![0] });
    let ok = b.push(Type::Int(1), Op::ExtractValue { agg: r, indices: vec![1] });
    let ok = b.push(Type::Int(8), Op::Cast { op: CastOp::ZExt, flags: Flags::NONE, val: ok });
    store_param(&mut b, old, 3);
    store_param(&mut b, ok, 4);
    b.ret(None);
    b.finish()
}

/// `void ld_T(T *p, T *out)` (an acquire load) and `void st_T(T *p, T *v)` (a release
/// store).
fn load_store_functions(ty: &Type) -> [Function; 2] {
    let mut b = FunctionBuilder::new(format!("ld_{}", suffix(ty)), void_ptrs(2));
    let v = b.push(
        ty.clone(),
        Op::Load {
            ptr: b.param(0),
            align: 0,
            volatile: false,
            atomic: Some(at(AtomicOrdering::Acquire)),
        },
    );
    store_param(&mut b, v, 1);
    b.ret(None);
    let ld = b.finish();
    let mut b = FunctionBuilder::new(format!("st_{}", suffix(ty)), void_ptrs(2));
    let v = load_param(&mut b, ty, 1);
    b.push_void(Op::Store {
        val: v,
        ptr: b.param(0),
        align: 0,
        volatile: true,
        atomic: Some(at(AtomicOrdering::Release)),
    });
    b.ret(None);
    [ld, b.finish()]
}

/// `void fences(void)`: one fence of each kind.
fn fences() -> Function {
    let mut b = FunctionBuilder::new("fences", void_ptrs(0));
    for ordering in [
        AtomicOrdering::Acquire,
        AtomicOrdering::Release,
        AtomicOrdering::AcqRel,
        AtomicOrdering::SeqCst,
    ] {
        b.push_void(Op::Fence { atomic: at(ordering) });
        b.push_void(Op::Fence { atomic: Atomic { ordering, scope: SyncScope::SingleThread } });
    }
    b.ret(None);
    b.finish()
}

/// `void NAME(T *p, long n)`: n times `atomicrmw OP p, one monotonic`, in a loop.
fn counter(name: &str, op: RmwOp, ty: &Type, one: Constant) -> Function {
    let mut b = FunctionBuilder::new(name, fn_ty(Type::Void, &[Type::Ptr, Type::Int(64)]));
    let (body, exit) = (b.block("body"), b.block("exit"));
    let entry = b.current();
    b.br(body);
    b.position(body);
    let n1 = b.fresh();
    let count = b.phi(Type::Int(64), vec![(i(64, 0), entry), (Operand::Value(n1), body)]);
    b.push(
        ty.clone(),
        Op::AtomicRmw {
            op,
            ptr: b.param(0),
            val: Operand::Const(one),
            align: 0,
            volatile: false,
            atomic: at(AtomicOrdering::Monotonic),
        },
    );
    b.push_inst(Inst {
        result: Some(n1),
        name: None,
        ty: Type::Int(64),
        op: Op::Bin { op: BinOp::Add, flags: Flags::NONE, lhs: count, rhs: i(64, 1) },
    });
    let more = b.icmp(IntPredicate::Ult, Operand::Value(n1), b.param(1));
    b.cond_br(more, body, exit);
    b.position(exit);
    b.ret(None);
    b.finish()
}

fn atomics_module() -> Module {
    let mut m = module();
    let ints = [Type::Int(8), Type::Int(16), Type::Int(32), Type::Int(64)];
    for ty in &ints {
        for op in INT_OPS {
            m.functions.push(rmw_function(op, ty, AtomicOrdering::SeqCst));
        }
    }
    for ty in [Type::Float, Type::Double] {
        for op in FLOAT_OPS {
            m.functions.push(rmw_function(op, &ty, AtomicOrdering::AcqRel));
        }
    }
    m.functions.push(rmw_function(RmwOp::Xchg, &Type::Ptr, AtomicOrdering::Release));
    for ty in ints.iter().chain(&[Type::Ptr]) {
        m.functions.push(cas_function(ty, false));
        m.functions.push(cas_function(ty, true));
    }
    for ty in ints.iter().chain(&[Type::Float, Type::Double, Type::Ptr]) {
        m.functions.extend(load_store_functions(ty));
    }
    m.functions.push(fences());
    m.functions.push(counter("count_add", RmwOp::Add, &Type::Int(64), Constant::int(64, 1)));
    m.functions.push(counter("count_fadd", RmwOp::FAdd, &Type::Double, Constant::f64(1.0)));
    m.functions.push(counter("count_inc", RmwOp::UIncWrap, &Type::Int(32), Constant::int(32, 999)));
    m
}

const ATOMICS_MAIN: &str = r#"
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
static int bad;
#define FAIL(...) do { bad++; printf(__VA_ARGS__); } while (0)

#define INT_OPS(B) \
  X(xchg, B, b) X(add, B, a + b) X(sub, B, a - b) X(and, B, a & b) X(nand, B, ~(a & b)) \
  X(or, B, a | b) X(xor, B, a ^ b) \
  X(max, B, (int##B##_t)a > (int##B##_t)b ? a : b) \
  X(min, B, (int##B##_t)a < (int##B##_t)b ? a : b) \
  X(umax, B, a > b ? a : b) X(umin, B, a < b ? a : b) \
  X(uinc_wrap, B, a >= b ? 0 : a + 1) X(udec_wrap, B, a == 0 || a > b ? b : a - 1) \
  X(usub_cond, B, a >= b ? a - b : a) X(usub_sat, B, a > b ? a - b : 0)

#define X(op, B, expr) void rmw_##op##_##B(uint##B##_t *, uint##B##_t *, uint##B##_t *);
INT_OPS(8) INT_OPS(16) INT_OPS(32) INT_OPS(64)
#undef X

#define FLOAT_OPS(S, T) \
  X(xchg, S, T, b) X(fadd, S, T, a + b) X(fsub, S, T, a - b) \
  X(fmax, S, T, isnan(a) ? b : b > a ? b : a) X(fmin, S, T, isnan(a) ? b : b < a ? b : a) \
  X(fmaximum, S, T, isnan(a) || isnan(b) ? a + b : a == b ? (signbit(a) ? b : a) : a > b ? a : b) \
  X(fminimum, S, T, isnan(a) || isnan(b) ? a + b : a == b ? (signbit(a) ? a : b) : a < b ? a : b)
#define X(op, S, T, expr) void rmw_##op##_##S(T *, T *, T *);
FLOAT_OPS(f, float) FLOAT_OPS(d, double)
#undef X
void rmw_xchg_p(void **, void **, void **);

#define CAS(S, T) void cas_##S(T *, T *, T *, T *, char *); \
  void cas_weak_##S(T *, T *, T *, T *, char *); \
  void ld_##S(T *, T *); void st_##S(T *, T *);
typedef void *ptr_t;
CAS(8, uint8_t) CAS(16, uint16_t) CAS(32, uint32_t) CAS(64, uint64_t) CAS(p, ptr_t)
void ld_f(float *, float *); void st_f(float *, float *);
void ld_d(double *, double *); void st_d(double *, double *);
void fences(void);
void count_add(int64_t *, long); void count_fadd(double *, long);
void count_inc(uint32_t *, long);

static uint64_t vals[] = {0, 1, 2, 3, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff,
  0x7fffffff, 0x80000000, 0xffffffff, 0x123456789abcdef0, 0x8000000000000000,
  0xffffffffffffffff, 0xfffffffffffffffe, 42};
#define N (sizeof vals / sizeof vals[0])

static int64_t shared_add; static double shared_fadd; static uint32_t shared_inc;
static void *worker(void *arg) {
  (void)arg;
  count_add(&shared_add, 200000);
  count_fadd(&shared_fadd, 20000);
  count_inc(&shared_inc, 20000);
  return 0;
}

int main(void) {
  for (unsigned i = 0; i < N; i++)
    for (unsigned j = 0; j < N; j++) {
#define X(op, B, expr) { \
        uint##B##_t a = (uint##B##_t)vals[i], b = (uint##B##_t)vals[j], m = a, old = 0; \
        uint##B##_t want = (uint##B##_t)(expr); \
        rmw_##op##_##B(&m, &b, &old); \
        if (old != a || m != want) \
          FAIL("rmw_%s_%d(%llx, %llx): old %llx mem %llx, want mem %llx\n", #op, B, \
               (unsigned long long)a, (unsigned long long)b, (unsigned long long)old, \
               (unsigned long long)m, (unsigned long long)want); }
      INT_OPS(8) INT_OPS(16) INT_OPS(32) INT_OPS(64)
#undef X
    }
  double fv[] = {0.0, -0.0, 1.5, -2.25, 1e300, -INFINITY, INFINITY, NAN};
  for (unsigned i = 0; i < 8; i++)
    for (unsigned j = 0; j < 8; j++) {
#define X(op, S, T, expr) { \
        T a = (T)fv[i], b = (T)fv[j], m = a, old = 0, want = (expr); \
        rmw_##op##_##S(&m, &b, &old); \
        if (memcmp(&old, &a, sizeof a) || (memcmp(&m, &want, sizeof m) && !(isnan(m) && isnan(want)))) \
          FAIL("rmw_%s_%s(%g, %g): old %g mem %g, want %g\n", #op, #S, (double)a, (double)b, \
               (double)old, (double)m, (double)want); }
      FLOAT_OPS(f, float) FLOAT_OPS(d, double)
#undef X
    }
  { void *m = &bad, *b = vals, *old = 0; rmw_xchg_p(&m, &b, &old);
    if (old != &bad || m != vals) FAIL("rmw_xchg_p\n"); }
#define CHECK_CAS(S, T, x, y) { \
    T m = x, cmp = x, nw = y, old = 0; char ok = 7; \
    cas_##S(&m, &cmp, &nw, &old, &ok); \
    if (ok != 1 || old != x || m != y) FAIL("cas_%s success\n", #S); \
    cmp = x; ok = 7; cas_##S(&m, &cmp, &nw, &old, &ok); \
    if (ok != 0 || old != y || m != y) FAIL("cas_%s failure\n", #S); \
    m = x; cmp = x; ok = 0; \
    for (int k = 0; k < 100 && !ok; k++) cas_weak_##S(&m, &cmp, &nw, &old, &ok); \
    if (ok != 1 || m != y) FAIL("cas_weak_%s\n", #S); \
    T l = 0; ld_##S(&m, &l); if (l != y) FAIL("ld_%s\n", #S); \
    st_##S(&m, &cmp); if (m != x) FAIL("st_%s\n", #S); }
  CHECK_CAS(8, uint8_t, 0xfe, 0x81) CHECK_CAS(16, uint16_t, 0xfffe, 0x8001)
  CHECK_CAS(32, uint32_t, 0xfffffffe, 0x80000001)
  CHECK_CAS(64, uint64_t, 0xfffffffffffffffe, 0x8000000000000001)
  CHECK_CAS(p, ptr_t, (ptr_t)vals, (ptr_t)&bad)
  { float m = -0.0f, v = 3.5f, l = 0; ld_f(&m, &l);
    if (l != 0 || !signbit(l)) FAIL("ld_f\n"); st_f(&m, &v); if (m != 3.5f) FAIL("st_f\n"); }
  { double m = 1e-300, v = -7.25, l = 0; ld_d(&m, &l);
    if (l != 1e-300) FAIL("ld_d\n"); st_d(&m, &v); if (m != -7.25) FAIL("st_d\n"); }
  fences();
  pthread_t t[2];
  for (int k = 0; k < 2; k++) pthread_create(&t[k], 0, worker, 0);
  for (int k = 0; k < 2; k++) pthread_join(t[k], 0);
  if (shared_add != 400000) FAIL("two threads counted %lld, not 400000\n", (long long)shared_add);
  if (shared_fadd != 40000.0) FAIL("two threads added %g, not 40000\n", shared_fadd);
  if (shared_inc != 40000 % 1000) FAIL("uinc_wrap counted to %u, not 0\n", shared_inc);
  printf("%d bad\n", bad);
  return bad != 0;
}
"#;

#[test]
fn atomics_match_c() {
    check_runs("atomics", &atomics_module(), ATOMICS_MAIN);
}

#[test]
fn atomics_cranelift_cannot_do_exactly_are_refused() {
    let cases: [(Type, u64, &str); 4] = [
        (Type::Int(128), 0, "`atomicrmw add` on `i128`"),
        (Type::Int(24), 0, "`atomicrmw add` on `i24`"),
        (Type::Int(4), 0, "`atomicrmw add` on `i4`"),
        (Type::Int(32), 2, "aligned to 2 bytes"),
    ];
    for (ty, align, want) in cases {
        let mut m = module();
        let mut b = FunctionBuilder::new("f", void_ptrs(1));
        b.push(
            ty.clone(),
            Op::AtomicRmw {
                op: RmwOp::Add,
                ptr: b.param(0),
                val: Operand::Const(Constant::Int { bits: ty.int_bits().unwrap(), value: 1 }),
                align,
                volatile: false,
                atomic: Atomic::SEQ_CST,
            },
        );
        b.ret(None);
        m.functions.push(b.finish());
        let e = refusal(&m);
        assert!(e.contains(want) && e.contains("in function @f"), "{e}");
    }
}

// ---------------------------------------------------------------------------------------
// Thread-local variables

fn tls_module() -> Module {
    let mut m = module();
    let i32t = Type::Int(32);
    let mut counter =
        global("tls_counter", i32t.clone(), Some(Constant::int(32, 5)), Linkage::Internal);
    counter.thread_local = Some(TlsModel::LocalExec);
    let mut ext = global("tls_ext", i32t.clone(), None, Linkage::External);
    ext.thread_local = Some(TlsModel::InitialExec);
    let mut def = global("tls_def", Type::Int(64), Some(Constant::int(64, 11)), Linkage::External);
    def.thread_local = Some(TlsModel::GeneralDynamic);
    let mut zero = global(
        "tls_zero",
        Type::array(4, Type::Int(64)),
        Some(Constant::Zero(Type::array(4, Type::Int(64)))),
        Linkage::Internal,
    );
    zero.thread_local = Some(TlsModel::LocalDynamic);
    m.globals.extend([counter, ext, def, zero]);
    let address = fn_ty(Type::Ptr, &[Type::Ptr]);
    m.functions.push(Function::declaration("llvm.threadlocal.address.p0", address.clone()));

    // int tls_bump(int by): the current thread's tls_counter += by; returns it.
    let mut b = FunctionBuilder::new("tls_bump", fn_ty(i32t.clone(), std::slice::from_ref(&i32t)));
    let a = b.call(
        "llvm.threadlocal.address.p0",
        address.clone(),
        vec![Operand::global("tls_counter")],
    );
    let v = load(&mut b, &i32t, a.clone());
    let n = b.bin(i32t.clone(), BinOp::Add, v, b.param(0));
    store(&mut b, n.clone(), a);
    b.ret(Some(n));
    m.functions.push(b.finish());

    // int tls_ext_get(void): the extern thread-local, read without the intrinsic.
    let mut b = FunctionBuilder::new("tls_ext_get", fn_ty(i32t.clone(), &[]));
    let v = load(&mut b, &i32t, Operand::global("tls_ext"));
    b.ret(Some(v));
    m.functions.push(b.finish());

    // long *tls_def_addr(void); long *tls_zero_at(long i)
    let mut b = FunctionBuilder::new("tls_def_addr", fn_ty(Type::Ptr, &[]));
    let a =
        b.call("llvm.threadlocal.address.p0", address.clone(), vec![Operand::global("tls_def")]);
    b.ret(Some(a));
    m.functions.push(b.finish());
    let mut b = FunctionBuilder::new("tls_zero_at", fn_ty(Type::Ptr, &[Type::Int(64)]));
    let base = b.call("llvm.threadlocal.address.p0", address, vec![Operand::global("tls_zero")]);
    let p = b.push(
        Type::Ptr,
        Op::Gep { source_ty: Type::Int(64), flags: Flags::NONE, base, indices: vec![b.param(0)] },
    );
    b.ret(Some(p));
    m.functions.push(b.finish());
    m
}

const TLS_MAIN: &str = r#"
#include <pthread.h>
#include <stdio.h>
static int bad;
#define FAIL(...) do { bad++; printf(__VA_ARGS__); } while (0)
int tls_bump(int); int tls_ext_get(void); long *tls_def_addr(void); long *tls_zero_at(long);
__thread int tls_ext = 7;
extern __thread long tls_def;
static void *worker(void *arg) {
  long id = (long)arg;
  tls_ext = 100 + (int)id;
  for (int k = 1; k <= 1000; k++)
    if (tls_bump(1) != 5 + k) { FAIL("thread %ld: tls_bump\n", id); break; }
  if (tls_ext_get() != 100 + id) FAIL("thread %ld: tls_ext_get\n", id);
  if (tls_def_addr() != &tls_def) FAIL("thread %ld: tls_def_addr\n", id);
  if (*tls_def_addr() != 11) FAIL("thread %ld: tls_def's initial value\n", id);
  *tls_def_addr() = id;
  for (long k = 0; k < 4; k++) if (*tls_zero_at(k) != 0) FAIL("tls_zero\n");
  *tls_zero_at(3) = id;
  return (void *)(*tls_def_addr() + *tls_zero_at(3));
}
int main(void) {
  pthread_t t[3];
  for (long k = 0; k < 3; k++) pthread_create(&t[k], 0, worker, (void *)(k + 1));
  for (long k = 0; k < 3; k++) {
    void *r; pthread_join(t[k], &r);
    if ((long)r != 2 * (k + 1)) FAIL("thread %ld returned %ld\n", k + 1, (long)r);
  }
  if (tls_bump(2) != 7 || tls_ext_get() != 7 || tls_def != 11 || *tls_zero_at(3) != 0)
    FAIL("the main thread's copies changed\n");
  printf("%d bad\n", bad);
  return bad != 0;
}
"#;

#[test]
fn thread_locals_are_per_thread() {
    check_runs("tls", &tls_module(), TLS_MAIN);
}

#[test]
fn a_thread_local_address_in_an_initializer_is_refused() {
    let mut m = tls_module();
    m.globals.push(global(
        "p",
        Type::Ptr,
        Some(Constant::Global("tls_def".into())),
        Linkage::External,
    ));
    let e = refusal(&m);
    assert!(e.contains("thread-local variable @tls_def in an initializer"), "{e}");
}

// ---------------------------------------------------------------------------------------
// Computed goto

fn block_address(function: &str, block: BlockId) -> Constant {
    Constant::BlockAddress { function: function.into(), block }
}

/// `long interp(const unsigned char *code)`: a byte-code interpreter dispatching through a
/// table of labels (`goto *labels[code[pc]]`), as clang emits it; its operations: 0 `acc +=
/// 1`, 1 `acc *= 2`, 2 `acc -= 3`, 3 stop. The stop block has a phi, whose edge from the
/// dispatch goes through a block of its own.
fn interpreter(m: &mut Module, table_linkage: Linkage) {
    let i64t = Type::Int(64);
    let mut b = FunctionBuilder::new("interp", fn_ty(i64t.clone(), &[Type::Ptr]));
    let entry = b.current();
    let dispatch = b.block("dispatch");
    let ops = [b.block("inc"), b.block("dbl"), b.block("sub3"), b.block("stop")];
    let table = Type::array(4, Type::Ptr);
    let mut g = global(
        "interp.labels",
        table.clone(),
        Some(Constant::Array {
            elem: Type::Ptr,
            elems: ops.iter().map(|&o| block_address("interp", o)).collect(),
        }),
        table_linkage,
    );
    g.is_constant = true;
    m.globals.push(g);
    b.br(dispatch);
    b.position(dispatch);
    let next_pc = b.fresh();
    let mut pc_in = vec![(i(64, 0), entry)];
    let mut acc_in = vec![(i(64, 1), entry)];
    for &o in &ops[..3] {
        pc_in.push((Operand::Value(next_pc), o));
    }
    // Each operation block defines its own accumulator: numbered after the phis.
    let acc_values: Vec<opm_ir::ValueId> = (0..3).map(|_| b.fresh()).collect();
    for (k, &o) in ops[..3].iter().enumerate() {
        acc_in.push((Operand::Value(acc_values[k]), o));
    }
    let pc = b.phi(i64t.clone(), pc_in);
    let acc = b.phi(i64t.clone(), acc_in);
    let at_pc = b.push(
        Type::Ptr,
        Op::Gep {
            source_ty: Type::Int(8),
            flags: Flags::NONE,
            base: b.param(0),
            indices: vec![pc.clone()],
        },
    );
    let op = load(&mut b, &Type::Int(8), at_pc);
    let op = b.push(i64t.clone(), Op::Cast { op: CastOp::ZExt, flags: Flags::NONE, val: op });
    let slot = b.push(
        Type::Ptr,
        Op::Gep {
            source_ty: table,
            flags: Flags::NONE,
            base: Operand::global("interp.labels"),
            indices: vec![i(64, 0), op],
        },
    );
    let target = load(&mut b, &Type::Ptr, slot);
    b.push_inst(Inst {
        result: Some(next_pc),
        name: None,
        ty: i64t.clone(),
        op: Op::Bin { op: BinOp::Add, flags: Flags::NONE, lhs: pc, rhs: i(64, 1) },
    });
    b.push_void(Op::IndirectBr { addr: target, dests: ops.to_vec() });
    let body = [(BinOp::Add, 1), (BinOp::Mul, 2), (BinOp::Sub, 3)];
    for (k, (bin, x)) in body.into_iter().enumerate() {
        b.position(ops[k]);
        b.push_inst(Inst {
            result: Some(acc_values[k]),
            name: None,
            ty: i64t.clone(),
            op: Op::Bin { op: bin, flags: Flags::NONE, lhs: acc.clone(), rhs: i(64, x) },
        });
        b.br(dispatch);
    }
    b.position(ops[3]);
    let last = b.phi(i64t.clone(), vec![(acc, dispatch)]);
    b.ret(Some(last));
    m.functions.push(b.finish());
}

/// `int pick(int c)`: a label chosen by a select, kept in a local variable, compared and
/// jumped to: `c ? 10 : 20`, plus 1 when the label compares equal to `&&ten`.
fn pick(m: &mut Module) {
    let i32t = Type::Int(32);
    let mut b = FunctionBuilder::new("pick", fn_ty(i32t.clone(), std::slice::from_ref(&i32t)));
    let (ten, twenty) = (b.block("ten"), b.block("twenty"));
    let var = b.push(Type::Ptr, Op::Alloca { ty: Type::Ptr, count: i(32, 1), align: 8 });
    let c = b.icmp(IntPredicate::Ne, b.param(0), i(32, 0));
    let label = b.push(
        Type::Ptr,
        Op::Select {
            flags: Flags::NONE,
            cond: c,
            then_val: Operand::Const(block_address("pick", ten)),
            else_val: Operand::Const(block_address("pick", twenty)),
        },
    );
    store(&mut b, label, var.clone());
    let back = load(&mut b, &Type::Ptr, var);
    let same = b.icmp(IntPredicate::Eq, back.clone(), Operand::Const(block_address("pick", ten)));
    let same = b.push(i32t.clone(), Op::Cast { op: CastOp::ZExt, flags: Flags::NONE, val: same });
    b.push_void(Op::IndirectBr { addr: back, dests: vec![twenty, ten, twenty] });
    b.position(ten);
    let r = b.bin(i32t.clone(), BinOp::Add, same.clone(), i(32, 10));
    b.ret(Some(r));
    b.position(twenty);
    let r = b.bin(i32t, BinOp::Add, same, i(32, 20));
    b.ret(Some(r));
    m.functions.push(b.finish());
}

const GOTO_MAIN: &str = r#"
#include <stdio.h>
static int bad;
#define FAIL(...) do { bad++; printf(__VA_ARGS__); } while (0)
long interp(const unsigned char *); int pick(int);
int main(void) {
  static const unsigned char prog[] = {0, 1, 1, 0, 2, 1, 1, 1, 0, 3, 0};
  long acc = 1;
  for (int k = 0; prog[k] != 3; k++)
    acc = prog[k] == 0 ? acc + 1 : prog[k] == 1 ? acc * 2 : acc - 3;
  if (interp(prog) != acc) FAIL("interp: %ld, want %ld\n", interp(prog), acc);
  if (pick(1) != 11) FAIL("pick(1) = %d\n", pick(1));
  if (pick(0) != 20) FAIL("pick(0) = %d\n", pick(0));
  printf("%d bad\n", bad);
  return bad != 0;
}
"#;

#[test]
fn computed_goto_dispatches_on_block_tokens() {
    let mut m = module();
    interpreter(&mut m, Linkage::Private);
    pick(&mut m);
    check_runs("goto", &m, GOTO_MAIN);
}

#[test]
fn block_addresses_that_escape_are_refused() {
    // Returned.
    let mut m = module();
    let mut b = FunctionBuilder::new("leak", fn_ty(Type::Ptr, &[]));
    let there = b.block("there");
    b.br(there);
    b.position(there);
    b.ret(Some(Operand::Const(block_address("leak", there))));
    m.functions.push(b.finish());
    let e = refusal(&m);
    assert!(e.contains("a block address used by `ret`") && e.contains("@leak"), "{e}");

    // Converted and subtracted (a table of label differences).
    let mut m = module();
    let mut b = FunctionBuilder::new("diff", fn_ty(Type::Int(64), &[]));
    let there = b.block("there");
    b.br(there);
    b.position(there);
    let x = b.push(
        Type::Int(64),
        Op::Cast {
            op: CastOp::PtrToInt,
            flags: Flags::NONE,
            val: Operand::Const(block_address("diff", there)),
        },
    );
    let y = b.bin(Type::Int(64), BinOp::Sub, x, i(64, 8));
    b.ret(Some(y));
    m.functions.push(b.finish());
    let e = refusal(&m);
    assert!(e.contains("a block address used by `sub`"), "{e}");

    // A table visible outside the module.
    let mut m = module();
    interpreter(&mut m, Linkage::External);
    let e = refusal(&m);
    assert!(e.contains("not an internal or private global"), "{e}");

    // A table written to.
    let mut m = module();
    interpreter(&mut m, Linkage::Internal);
    let mut b = FunctionBuilder::new("patch", fn_ty(Type::Void, &[Type::Ptr]));
    let p = b.param(0);
    store(&mut b, p, Operand::global("interp.labels"));
    b.ret(None);
    m.functions.push(b.finish());
    let e = refusal(&m);
    assert!(
        e.contains("table of computed-goto labels used by `store`") && e.contains("@patch"),
        "{e}"
    );

    // A block address inside a constant expression.
    let mut m = module();
    interpreter(&mut m, Linkage::Private);
    let expr = Constant::Expr(Box::new(ConstExpr::Cast {
        op: CastOp::PtrToInt,
        val: block_address("interp", BlockId(2)),
        to: Type::Int(64),
    }));
    m.globals.push(global("off", Type::Int(64), Some(expr), Linkage::Internal));
    let e = refusal(&m);
    assert!(e.contains("inside a constant expression"), "{e}");
}

// ---------------------------------------------------------------------------------------
// Inline assembly

fn asm(text: &str, constraints: &str, params: &[Type]) -> Operand {
    Operand::Const(Constant::Asm(Box::new(InlineAsm {
        fn_ty: fn_ty(Type::Void, params),
        asm: text.into(),
        constraints: constraints.into(),
        side_effect: true,
        align_stack: false,
        dialect: opm_ir::AsmDialect::Att,
        can_unwind: false,
    })))
}

fn asm_call(b: &mut FunctionBuilder, callee: Operand, args: Vec<Operand>) {
    let Operand::Const(Constant::Asm(a)) = &callee else { unreachable!() };
    let call = opm_ir::Call::new(callee.clone(), a.fn_ty.clone(), args);
    b.push_void(Op::Call(Box::new(call)));
}

/// `void wait_for(int *flag)`: spins until `*flag` is not 0, reading it with plain loads
/// after a memory barrier; `int kept(int *x)`: `*x = 1`, black_box(x), returns `*x` (the
/// barrier may have changed it: the load is not forwarded from the store).
fn barriers(m: &mut Module) {
    let i32t = Type::Int(32);
    let mut b = FunctionBuilder::new("wait_for", void_ptrs(1));
    let (spin, done) = (b.block("spin"), b.block("done"));
    b.br(spin);
    b.position(spin);
    asm_call(&mut b, asm("", "~{memory},~{dirflag},~{fpsr},~{flags}", &[]), vec![]);
    let v = load_param(&mut b, &i32t, 0);
    let zero = b.icmp(IntPredicate::Eq, v, i(32, 0));
    b.cond_br(zero, spin, done);
    b.position(done);
    b.ret(None);
    m.functions.push(b.finish());

    let mut b = FunctionBuilder::new("kept", fn_ty(i32t.clone(), &[Type::Ptr]));
    store_param(&mut b, i(32, 1), 0);
    let x = b.param(0);
    asm_call(&mut b, asm("", "r,~{memory}", &[Type::Ptr]), vec![x]);
    let v = load_param(&mut b, &i32t, 0);
    b.ret(Some(v));
    m.functions.push(b.finish());
}

const BARRIER_MAIN: &str = r#"
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
static int bad;
void wait_for(int *); int kept(int *);
static int flag;
static void *setter(void *arg) { (void)arg; usleep(20000); __atomic_store_n(&flag, 1, __ATOMIC_SEQ_CST); return 0; }
int main(void) {
  pthread_t t;
  pthread_create(&t, 0, setter, 0);
  wait_for(&flag);
  pthread_join(t, 0);
  int x = 0;
  if (kept(&x) != 1 || x != 1) { bad++; printf("kept\n"); }
  printf("%d bad\n", bad);
  return bad != 0;
}
"#;

#[test]
fn compiler_barriers_build_and_keep_memory_accesses() {
    let mut m = module();
    barriers(&mut m);
    check_runs("barriers", &m, BARRIER_MAIN);
}

#[test]
fn other_inline_asm_is_refused_by_its_text() {
    let mut m = module();
    let mut b = FunctionBuilder::new("swap", fn_ty(Type::Void, &[Type::Int(32)]));
    let x = b.param(0);
    asm_call(&mut b, asm("bswap $0", "r", &[Type::Int(32)]), vec![x]);
    b.ret(None);
    m.functions.push(b.finish());
    let e = refusal(&m);
    assert!(e.contains("inline asm \"bswap $0\"") && e.contains("in function @swap"), "{e}");
}

// ---------------------------------------------------------------------------------------
// Exception handling and the other refusals

/// The names of the sections of `object` that hold bytes.
fn sections_with_bytes(object: &[u8]) -> Vec<String> {
    use object::{Object as _, ObjectSection as _};
    let file = object::File::parse(object).expect("an object file");
    file.sections()
        .filter(|s| s.size() > 0)
        .filter_map(|s| s.name().ok().map(String::from))
        .collect()
}

#[test]
fn exception_handling_has_unwind_tables_and_a_bare_personality_builds() {
    let mut m = module();
    let void = fn_ty(Type::Void, &[]);
    m.functions.push(Function::declaration("may_throw", void.clone()));
    m.functions.push(Function::declaration("__gxx_personality_v0", fn_ty(Type::Int(32), &[])));
    let mut b = FunctionBuilder::new("catcher", void.clone());
    let (ok, pad) = (b.block("ok"), b.block("pad"));
    let call = opm_ir::Call::new(Operand::global("may_throw"), void.clone(), vec![]);
    b.push_void(Op::Invoke { call: Box::new(call), normal: ok, unwind: pad });
    b.position(ok);
    b.ret(None);
    b.position(pad);
    let record = Type::Struct(opm_ir::StructType {
        name: None,
        body: Some(vec![Type::Ptr, Type::Int(32)]),
        packed: false,
    });
    let lp = b.push(
        record,
        Op::LandingPad { cleanup: true, clauses: vec![Clause::Catch(Constant::Null)] },
    );
    b.push_void(Op::Resume { val: lp });
    let mut f = b.finish();
    f.personality = Some(Constant::Global("__gxx_personality_v0".into()));
    m.functions.push(f.clone());
    let object = crate::compile_to_object(&m, None).expect("exception handling builds");
    let sections = sections_with_bytes(&object);
    for wanted in [".eh_frame", ".gcc_except_table", ".data.rel.ro.opm_eh_cells"] {
        assert!(sections.iter().any(|s| s == wanted), "no {wanted} in {sections:?}");
    }

    // A landing pad whose exception type is neither a global nor null is refused by name.
    let mut odd = f;
    odd.name = "odd".into();
    for inst in odd.blocks.iter_mut().flat_map(|b| &mut b.insts) {
        if let Op::LandingPad { clauses, .. } = &mut inst.op {
            *clauses = vec![Clause::Catch(Constant::Int { bits: 64, value: 8 })];
        }
    }
    let mut m2 = module();
    m2.functions.extend(m.functions.iter().filter(|f| f.name != "catcher").cloned());
    m2.functions.push(odd);
    let e = refusal(&m2);
    assert!(e.contains("an exception type that is neither") && e.contains("@odd"), "{e}");

    // rustc with panic=abort: a personality, no exception-handling instruction.
    let mut m = module();
    m.functions.push(Function::declaration("rust_eh_personality", fn_ty(Type::Int(32), &[])));
    let mut b = FunctionBuilder::new("plain", fn_ty(Type::Int(32), &[]));
    b.ret(Some(i(32, 3)));
    let mut f = b.finish();
    f.personality = Some(Constant::Global("rust_eh_personality".into()));
    m.functions.push(f);
    let object = crate::compile_to_object(&m, None).expect("a personality alone builds");
    // Without `invoke`, no unwind tables, as before.
    assert!(!sections_with_bytes(&object).iter().any(|s| s == ".eh_frame"));
}

#[test]
fn wide_types_are_refused_and_aliases_of_definitions_build() {
    let unary = |ty: Type| {
        let mut m = module();
        let mut b = FunctionBuilder::new("f", void_ptrs(1));
        let v = load_param(&mut b, &ty, 0);
        store_param(&mut b, v, 0);
        b.ret(None);
        m.functions.push(b.finish());
        refusal(&m)
    };
    // (A scalar `i256` builds, see `lower::wide`; a vector of them does not.)
    let wide_pair = Type::Vector(2, Box::new(Type::Int(256)));
    for (ty, name) in
        [(Type::X86Fp80, "`x86_fp80`"), (Type::Fp128, "`fp128`"), (wide_pair, "`i256`")]
    {
        let e = unary(ty);
        assert!(e.contains(name) && e.contains("in function @f"), "{e}");
    }
    // A scalar `i256` multiplied builds; an `i8192` multiplied (whose code would grow with the
    // square of its 128 limbs) is refused.
    let square = |bits: u32| {
        let mut m = module();
        let mut b = FunctionBuilder::new("f", void_ptrs(1));
        let ty = Type::Int(bits);
        let v = load_param(&mut b, &ty, 0);
        let sq = b.bin(ty, BinOp::Mul, v.clone(), v);
        store_param(&mut b, sq, 0);
        b.ret(None);
        m.functions.push(b.finish());
        m
    };
    assert!(crate::compile_to_object(&square(256), None).is_ok());
    let e = refusal(&square(8192));
    assert!(e.contains("`mul` (wider than 4096 bits) on the integer type `i8192`"), "{e}");
    // An alias of a global builds; one of a declaration, or of an offset into a global, is
    // refused by name.
    let alias = |name: &str, aliasee: Constant| opm_ir::Alias {
        name: name.into(),
        ty: Type::Int(32),
        aliasee,
        props: SymbolProps::default(),
        thread_local: None,
    };
    let mut m = module();
    m.globals.push(global("g", Type::Int(32), Some(Constant::int(32, 1)), Linkage::External));
    m.aliases.push(alias("a", Constant::Global("g".into())));
    let object = crate::compile_to_object(&m, None).expect("an alias builds");
    {
        use object::{Object as _, ObjectSymbol as _};
        let file = object::File::parse(&*object).expect("an object file");
        let address = |n: &str| {
            file.symbols().find(|s| s.name() == Ok(n)).map(|s| (s.section(), s.address()))
        };
        assert!(address("a").is_some() && address("a") == address("g"));
    }
    m.globals.push(global("d", Type::Int(32), None, Linkage::External));
    m.aliases.push(alias("b", Constant::Global("d".into())));
    let e = refusal(&m);
    assert!(e.contains("the alias @b of @d, which this module does not define"), "{e}");
    m.aliases.pop();
    let offset = ConstExpr::Gep {
        source_ty: Type::Int(8),
        base: Constant::Global("g".into()),
        indices: vec![Constant::int(64, 2)],
        flags: Flags::default(),
    };
    m.aliases.push(alias("c", Constant::Expr(Box::new(offset))));
    let e = refusal(&m);
    assert!(e.contains("the alias @c of a constant expression"), "{e}");
}

// ---------------------------------------------------------------------------------------
// Saturating conversions and bit-packed vectors in memory (what rustc's IR has)

const SAT_BITS: [u32; 11] = [1, 7, 8, 13, 16, 32, 33, 63, 64, 100, 128];

/// `void sat_{s,u}_N_{f,d}(T *x, unsigned __int128 *out)`: `*out = zext(fpto?i.sat(*x))`.
fn saturating(m: &mut Module) {
    for (fty, fs) in [(Type::Float, "f"), (Type::Double, "d")] {
        for signed in [true, false] {
            for bits in SAT_BITS {
                let kind = if signed { "s" } else { "u" };
                let iname = format!(
                    "llvm.fpto{kind}i.sat.i{bits}.{}",
                    if fs == "f" { "f32" } else { "f64" }
                );
                let ity = Type::Int(bits);
                let sig = fn_ty(ity.clone(), std::slice::from_ref(&fty));
                m.functions.push(Function::declaration(iname.clone(), sig.clone()));
                let mut b = FunctionBuilder::new(format!("sat_{kind}_{bits}_{fs}"), void_ptrs(2));
                let x = load_param(&mut b, &fty, 0);
                let r = b.call(&iname, sig, vec![x]);
                let r = if bits < 128 {
                    b.push(
                        Type::Int(128),
                        Op::Cast { op: CastOp::ZExt, flags: Flags::NONE, val: r },
                    )
                } else {
                    r
                };
                store_param(&mut b, r, 1);
                b.ret(None);
                m.functions.push(b.finish());
            }
        }
    }
}

/// `void pack_N_K(unsigned char *lanes, void *mem)`: stores the `<N x iK>` made of the
/// bytes `lanes` at `mem`; `void unpack_N_K(void *mem, unsigned char *lanes)`: the reverse.
fn packed(m: &mut Module) {
    for (n, k) in [(16, 1), (3, 1), (4, 2), (5, 3), (8, 1)] {
        let vty = Type::Vector(n, Box::new(Type::Int(k)));
        let mut b = FunctionBuilder::new(format!("pack_{n}_{k}"), void_ptrs(2));
        let mut v = Operand::Const(Constant::Poison(vty.clone()));
        for lane_no in 0..n {
            let lanes = b.param(0);
            let at = b.push(
                Type::Ptr,
                Op::Gep {
                    source_ty: Type::Int(8),
                    flags: Flags::NONE,
                    base: lanes,
                    indices: vec![i(64, i128::from(lane_no))],
                },
            );
            let byte = load(&mut b, &Type::Int(8), at);
            let lane =
                b.push(Type::Int(k), Op::Cast { op: CastOp::Trunc, flags: Flags::NONE, val: byte });
            v = b.push(
                vty.clone(),
                Op::InsertElement { vec: v, val: lane, index: i(32, i128::from(lane_no)) },
            );
        }
        store_param(&mut b, v, 1);
        b.ret(None);
        m.functions.push(b.finish());
        let mut b = FunctionBuilder::new(format!("unpack_{n}_{k}"), void_ptrs(2));
        let v = load_param(&mut b, &vty, 0);
        for lane_no in 0..n {
            let lane = b.push(
                Type::Int(k),
                Op::ExtractElement { vec: v.clone(), index: i(32, i128::from(lane_no)) },
            );
            let byte =
                b.push(Type::Int(8), Op::Cast { op: CastOp::ZExt, flags: Flags::NONE, val: lane });
            let lanes = b.param(1);
            let at = b.push(
                Type::Ptr,
                Op::Gep {
                    source_ty: Type::Int(8),
                    flags: Flags::NONE,
                    base: lanes,
                    indices: vec![i(64, i128::from(lane_no))],
                },
            );
            store(&mut b, byte, at);
        }
        b.ret(None);
        m.functions.push(b.finish());
    }
}

const RUSTC_MAIN: &str = r#"
#include <math.h>
#include <stdio.h>
#include <string.h>
typedef unsigned __int128 u128;
typedef __int128 i128;
static int bad;
#define BITS(X) X(1) X(7) X(8) X(13) X(16) X(32) X(33) X(63) X(64) X(100) X(128)
#define X(N) void sat_s_##N##_f(float *, u128 *); void sat_u_##N##_f(float *, u128 *); \
             void sat_s_##N##_d(double *, u128 *); void sat_u_##N##_d(double *, u128 *);
BITS(X)
#undef X
static u128 mask(int n) { return n == 128 ? ~(u128)0 : ((u128)1 << n) - 1; }
/* The saturated conversion, as a long double (exact for these bounds) clamped first. */
static u128 want(int sgn, int n, double x) {
  if (isnan(x)) return 0;
  long double lo = sgn ? -ldexpl(1, n - 1) : 0, hi = sgn ? ldexpl(1, n - 1) : ldexpl(1, n);
  if (x < lo) return sgn ? ((u128)1 << (n - 1)) & mask(n) : 0;  /* min, n bits */
  if (x >= hi) return sgn ? mask(n - 1) : mask(n);
  long double t = truncl(x);
  i128 v = t < 0 ? -(i128)(u128)(-t) : (i128)(u128)t;
  return (u128)v & mask(n);
}
#define PACKS(X) X(16, 1) X(3, 1) X(4, 2) X(5, 3) X(8, 1)
#define X(N, K) void pack_##N##_##K(unsigned char *, void *); void unpack_##N##_##K(void *, unsigned char *);
PACKS(X)
#undef X
int main(void) {
  double xs[] = {0, -0.0, 0.5, -0.5, 1, -1, 1.9, -1.9, 63.5, -64, 100, 4095.99, -4096.5, 32767.5,
                 2147483647.9, -2147483648.0, -2147483649.0, 4294967295.5, 9.2233720368547e18,
                 -9.2233720368547758e18, 1.8446744073709552e19, 6.3e29, -6.4e29, 1.7e38, -1.7e38,
                 3.4e38, 1e300, -1e300, INFINITY, -INFINITY, NAN};
  for (unsigned i = 0; i < sizeof xs / sizeof xs[0]; i++) {
    double d = xs[i]; float f = (float)d;
    u128 r;
#define X(N) \
    sat_s_##N##_d(&d, &r); if (r != want(1, N, d)) { bad++; printf("sat_s_%d_d(%g)\n", N, d); } \
    sat_u_##N##_d(&d, &r); if (r != want(0, N, d)) { bad++; printf("sat_u_%d_d(%g)\n", N, d); } \
    sat_s_##N##_f(&f, &r); if (r != want(1, N, f)) { bad++; printf("sat_s_%d_f(%g)\n", N, f); } \
    sat_u_##N##_f(&f, &r); if (r != want(0, N, f)) { bad++; printf("sat_u_%d_f(%g)\n", N, f); }
    BITS(X)
#undef X
  }
  for (int seed = 0; seed < 50; seed++) {
#define X(N, K) { \
      unsigned char lanes[N], back[N]; unsigned char mem[20], expect[20]; \
      memset(mem, 0xAA, sizeof mem); memset(expect, 0xAA, sizeof expect); \
      unsigned __int128 bits = 0; \
      for (int i = 0; i < N; i++) { lanes[i] = (unsigned char)((seed * 7 + i * 13 + i * i) & ((1 << K) - 1)); \
        bits |= (u128)lanes[i] << (i * K); } \
      memcpy(expect, &bits, (N * K + 7) / 8); \
      pack_##N##_##K(lanes, mem); \
      if (memcmp(mem, expect, sizeof mem)) { bad++; printf("pack_%d_%d\n", N, K); } \
      unpack_##N##_##K(mem, back); \
      if (memcmp(lanes, back, N)) { bad++; printf("unpack_%d_%d\n", N, K); } }
    PACKS(X)
#undef X
  }
  printf("%d bad\n", bad);
  return bad != 0;
}
"#;

#[test]
fn saturating_conversions_and_packed_vectors_match_c() {
    let mut m = module();
    saturating(&mut m);
    packed(&mut m);
    check_runs("rustc-ir", &m, RUSTC_MAIN);
}
