//! The constructs of the canonical IR that are not plain C — atomics, thread-locals,
//! computed goto, inline assembly, `x86_fp80`/`fp128`, aliases — built by hand, emitted,
//! compiled by gcc at -O0 and -O2 and linked into a C program that checks them; and each
//! construct the emitter refuses, refused by name.

use crate::compiler::Gcc;
use crate::error::GccError;
use opm_ir::inst::{Atomic, AtomicOrdering, Clause, RmwOp, SyncScope};
use opm_ir::module::Alias;
use opm_ir::value::{AsmDialect, InlineAsm};
use opm_ir::{
    Attribute, BinOp, BlockId, Call, CastOp, ConstExpr, Constant, Flags, FloatKind, FloatPredicate,
    Function, FunctionBuilder, FunctionType, Global, Linkage, Module, Op, Operand, SymbolProps,
    TlsModel, Type,
};
use std::process::Command;
use std::time::Duration;

fn module() -> Module {
    Module {
        target_triple: "x86_64-pc-linux-gnu".into(),
        data_layout:
            "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128".into(),
        ..Module::default()
    }
}

fn fn_ty(ret: Type, params: Vec<Type>) -> FunctionType {
    FunctionType { ret, params, varargs: false }
}

fn int(bits: u32, v: i128) -> Operand {
    Operand::Const(Constant::int(bits, v))
}

fn global_op(name: &str) -> Operand {
    Operand::Const(Constant::Global(name.into()))
}

fn load(b: &mut FunctionBuilder, ty: Type, ptr: Operand) -> Operand {
    b.push(ty, Op::Load { ptr, align: 0, volatile: false, atomic: None })
}

fn store(b: &mut FunctionBuilder, val: Operand, ptr: Operand) {
    b.push_void(Op::Store { val, ptr, align: 0, volatile: false, atomic: None });
}

fn cast(b: &mut FunctionBuilder, op: CastOp, val: Operand, to: Type) -> Operand {
    b.push(to, Op::Cast { op, flags: Flags::NONE, val })
}

fn gep_i8(b: &mut FunctionBuilder, base: Operand, off: Operand) -> Operand {
    b.push(Type::Ptr, Op::Gep { source_ty: Type::I8, flags: Flags::NONE, base, indices: vec![off] })
}

fn global(name: &str, ty: Type, init: Constant, linkage: Linkage) -> Global {
    Global {
        name: name.into(),
        ty,
        init: Some(init),
        is_constant: false,
        props: SymbolProps { linkage, ..SymbolProps::default() },
        thread_local: None,
        externally_initialized: false,
    }
}

/// Emits `m`, compiles it at -O0 and -O2, links it with the C program `main` (at -O0, with
/// pthreads) and runs it; every level must print "ok" last and exit 0. Returns the C.
fn check(m: &Module, main: &str) -> String {
    let c = crate::emit::emit_module(m).unwrap_or_else(|e| panic!("{e}"));
    let gcc = Gcc::find().expect("the tests need gcc (apt-get install gcc)");
    let dir = tempfile::tempdir().unwrap();
    for level in ["-O0", "-O2"] {
        let object = crate::compile_to_object(&gcc, m, &[level.into()], Duration::from_secs(120))
            .unwrap_or_else(|e| panic!("at {level}: {e}\n{c}"));
        let (obj, src, exe) =
            (dir.path().join("m.o"), dir.path().join("main.c"), dir.path().join("main"));
        std::fs::write(&obj, object).unwrap();
        std::fs::write(&src, main).unwrap();
        let built = Command::new(gcc.path())
            .args(["-O0", "-w", "-pthread"])
            .arg(&src)
            .arg(&obj)
            .arg("-o")
            .arg(&exe)
            .arg("-lm")
            .output()
            .unwrap();
        assert!(built.status.success(), "{}\n{c}", String::from_utf8_lossy(&built.stderr));
        let ran = Command::new(&exe).output().unwrap();
        let out = String::from_utf8_lossy(&ran.stdout);
        assert!(ran.status.success() && out.ends_with("ok\n"), "at {level}:\n{out}\n{c}");
    }
    // The C is also warning-free under -Wall (as the corpus tests require of whole programs).
    let src = dir.path().join("w.c");
    std::fs::write(&src, &c).unwrap();
    let mut cmd = Command::new(gcc.path());
    cmd.args(crate::compiler::FIXED_ARGS).args(["-Wall", "-O2", "-c"]).arg(&src);
    let o = cmd.arg("-o").arg(dir.path().join("w.o")).output().unwrap();
    let warnings = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success() && warnings.trim().is_empty(), "{warnings}\n{c}");
    c
}

/// The error emitting `m` gives.
fn refusal(m: &Module) -> String {
    match crate::emit::emit_module(m) {
        Err(e @ GccError::Unsupported { .. }) => e.to_string(),
        Err(e) => panic!("not an `unsupported` error: {e}"),
        Ok(c) => panic!("emitted:\n{c}"),
    }
}

const SEQ_CST: Atomic = Atomic::SEQ_CST;

/// `T name(ptr p, T v)`: `atomicrmw op ptr p, T v seq_cst`.
fn rmw_fn(name: &str, op: RmwOp, ty: Type) -> Function {
    let mut b = FunctionBuilder::new(name, fn_ty(ty.clone(), vec![Type::Ptr, ty.clone()]));
    let (p, v) = (b.param(0), b.param(1));
    let op = Op::AtomicRmw { op, ptr: p, val: v, align: 0, volatile: false, atomic: SEQ_CST };
    let old = b.push(ty, op);
    b.ret(Some(old));
    b.finish()
}

const INT_RMW: [RmwOp; 15] = [
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

const FLOAT_RMW: [RmwOp; 7] = [
    RmwOp::Xchg,
    RmwOp::FAdd,
    RmwOp::FSub,
    RmwOp::FMax,
    RmwOp::FMin,
    RmwOp::FMaximum,
    RmwOp::FMinimum,
];

const ATOMICS_MAIN: &str = r#"
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <math.h>
#include <pthread.h>
#define OPS(T) X(T, xchg) X(T, add) X(T, sub) X(T, and) X(T, nand) X(T, or) X(T, xor) \
  X(T, max) X(T, min) X(T, umax) X(T, umin) X(T, uinc_wrap) X(T, udec_wrap) X(T, usub_cond) \
  X(T, usub_sat)
#define X(T, op) T rmw_##op##_##T(T *, T);
OPS(uint8_t) OPS(uint32_t) OPS(uint64_t)
#undef X
#define FOPS(T) X(T, xchg) X(T, fadd) X(T, fsub) X(T, fmax) X(T, fmin) X(T, fmaximum) X(T, fminimum)
#define X(T, op) T rmw_##op##_##T(T *, T);
FOPS(float) FOPS(double)
#undef X
void *rmw_xchg_ptr(void **, void *);
uint32_t cas_i32(uint32_t *, uint32_t, uint32_t, uint8_t *);
void *cas_ptr(void **, void *, void *, uint8_t *);
uint64_t load_i64(uint64_t *);
void store_i64(uint64_t *, uint64_t);
float load_f32(float *);
void store_f64(double *, double);
void fences(void);
static int bad;
#define REF(T, S) \
  static T ref_##T(const char *op, T a, T v) { \
    if (!strcmp(op, "xchg")) return v; \
    if (!strcmp(op, "add")) return (T)(a + v); \
    if (!strcmp(op, "sub")) return (T)(a - v); \
    if (!strcmp(op, "and")) return a & v; \
    if (!strcmp(op, "nand")) return (T)~(a & v); \
    if (!strcmp(op, "or")) return a | v; \
    if (!strcmp(op, "xor")) return a ^ v; \
    if (!strcmp(op, "max")) return (S)a > (S)v ? a : v; \
    if (!strcmp(op, "min")) return (S)a < (S)v ? a : v; \
    if (!strcmp(op, "umax")) return a > v ? a : v; \
    if (!strcmp(op, "umin")) return a < v ? a : v; \
    if (!strcmp(op, "uinc_wrap")) return a >= v ? 0 : (T)(a + 1); \
    if (!strcmp(op, "udec_wrap")) return (a == 0 || a > v) ? v : (T)(a - 1); \
    if (!strcmp(op, "usub_cond")) return a >= v ? (T)(a - v) : a; \
    if (!strcmp(op, "usub_sat")) return a >= v ? (T)(a - v) : 0; \
    return 0; }
REF(uint8_t, int8_t) REF(uint32_t, int32_t) REF(uint64_t, int64_t)
static double fref(const char *op, double a, double v) {
  if (!strcmp(op, "xchg")) return v;
  if (!strcmp(op, "fadd")) return a + v;
  if (!strcmp(op, "fsub")) return a - v;
  if (!strcmp(op, "fmax")) return fmax(a, v);
  if (!strcmp(op, "fmin")) return fmin(a, v);
  if (isnan(a) || isnan(v)) return NAN;
  if (a == v) return !strcmp(op, "fmaximum") ? (signbit(a) ? v : a) : (signbit(a) ? a : v);
  return !strcmp(op, "fmaximum") ? (a > v ? a : v) : (a < v ? a : v);
}
static uint32_t counter;
static void *count(void *arg) {
  (void)arg;
  for (int i = 0; i < 200000; i++) rmw_add_uint32_t(&counter, 1);
  return 0;
}
int main(void) {
  uint64_t vals[] = {0, 1, 2, 5, 0x7f, 0x80, 0xff, 0x7fffffff, 0x80000000, 0xffffffff,
                     0x8000000000000000ull, 0xffffffffffffffffull, 123456789};
  int n = sizeof vals / sizeof vals[0];
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
#define X(T, op) { T m = (T)vals[i], v = (T)vals[j]; T old = rmw_##op##_##T(&m, v); \
        T want = ref_##T(#op, (T)vals[i], v); \
        if (old != (T)vals[i] || m != want) { bad++; \
          printf(#op " " #T " %llx %llx: old %llx new %llx, want %llx\n", (unsigned long long)vals[i], \
                 (unsigned long long)v, (unsigned long long)old, (unsigned long long)m, (unsigned long long)want); } }
      OPS(uint8_t) OPS(uint32_t) OPS(uint64_t)
#undef X
    }
  double fv[] = {0.0, -0.0, 1.5, -2.25, INFINITY, -INFINITY, NAN, 1e300};
  int fn = sizeof fv / sizeof fv[0];
  for (int i = 0; i < fn; i++)
    for (int j = 0; j < fn; j++) {
#define X(T, op) { T m = (T)fv[i], v = (T)fv[j]; T old = rmw_##op##_##T(&m, v); \
        T want = (T)fref(#op, (T)fv[i], v), was = (T)fv[i]; \
        /* maxnum and minnum may return either zero when the operands are +0 and -0 */ \
        int loose = (!strcmp(#op, "fmax") || !strcmp(#op, "fmin")) && m == want; \
        if (memcmp(&old, &was, sizeof old) || (memcmp(&m, &want, sizeof m) && !(isnan(m) && isnan(want)) && !loose)) { \
          bad++; printf(#op " " #T " %g %g: old %g new %g, want %g\n", (double)fv[i], (double)v, \
                        (double)old, (double)m, (double)want); } }
      FOPS(float) FOPS(double)
#undef X
    }
  int x, y;
  void *p = &x;
  if (rmw_xchg_ptr(&p, &y) != &x || p != &y) { bad++; puts("xchg ptr"); }
  uint32_t w = 7;
  uint8_t ok = 9;
  if (cas_i32(&w, 8, 1, &ok) != 7 || ok != 0 || w != 7) { bad++; puts("cas fail"); }
  if (cas_i32(&w, 7, 1, &ok) != 7 || ok != 1 || w != 1) { bad++; puts("cas success"); }
  if (cas_ptr(&p, &x, &x, &ok) != &y || ok != 0 || p != &y) { bad++; puts("cas ptr fail"); }
  if (cas_ptr(&p, &y, &x, &ok) != &y || ok != 1 || p != &x) { bad++; puts("cas ptr"); }
  uint64_t q = 0;
  store_i64(&q, 0x123456789abcdef0ull);
  if (load_i64(&q) != 0x123456789abcdef0ull) { bad++; puts("load/store"); }
  float f = 2.5f;
  double d = 0;
  store_f64(&d, -3.75);
  if (load_f32(&f) != 2.5f || d != -3.75) { bad++; puts("float load/store"); }
  fences();
  pthread_t t[2];
  for (int i = 0; i < 2; i++) pthread_create(&t[i], 0, count, 0);
  for (int i = 0; i < 2; i++) pthread_join(t[i], 0);
  if (counter != 400000) { bad++; printf("counter %u\n", counter); }
  printf(bad ? "%d bad\n" : "ok\n", bad);
  return bad != 0;
}
"#;

#[test]
fn atomics_match_their_c11_meaning() {
    let mut m = module();
    for (bits, c) in [(8, "uint8_t"), (32, "uint32_t"), (64, "uint64_t")] {
        for op in INT_RMW {
            m.functions.push(rmw_fn(&format!("rmw_{}_{c}", op.name()), op, Type::Int(bits)));
        }
    }
    for (ty, c) in [(Type::Float, "float"), (Type::Double, "double")] {
        for op in FLOAT_RMW {
            m.functions.push(rmw_fn(&format!("rmw_{}_{c}", op.name()), op, ty.clone()));
        }
    }
    m.functions.push(rmw_fn("rmw_xchg_ptr", RmwOp::Xchg, Type::Ptr));
    let pair = |t: Type| {
        Type::Struct(opm_ir::StructType {
            name: None,
            body: Some(vec![t, Type::BOOL]),
            packed: false,
        })
    };
    for (name, ty, weak, success, failure) in [
        ("cas_i32", Type::I32, false, AtomicOrdering::Release, AtomicOrdering::Acquire),
        ("cas_ptr", Type::Ptr, true, AtomicOrdering::SeqCst, AtomicOrdering::Monotonic),
    ] {
        let params = vec![Type::Ptr, ty.clone(), ty.clone(), Type::Ptr];
        let mut b = FunctionBuilder::new(name, fn_ty(ty.clone(), params));
        let op = Op::CmpXchg {
            ptr: b.param(0),
            cmp: b.param(1),
            new: b.param(2),
            align: 0,
            volatile: false,
            weak,
            success,
            failure,
            scope: SyncScope::System,
        };
        let r = b.push(pair(ty.clone()), op);
        let old = b.push(ty.clone(), Op::ExtractValue { agg: r.clone(), indices: vec![0] });
        let ok = b.push(Type::BOOL, Op::ExtractValue { agg: r, indices: vec![1] });
        let ok8 = cast(&mut b, CastOp::ZExt, ok, Type::I8);
        let out = b.param(3);
        store(&mut b, ok8, out);
        b.ret(Some(old));
        m.functions.push(b.finish());
    }
    let acquire = Atomic { ordering: AtomicOrdering::Acquire, scope: SyncScope::System };
    let release = Atomic { ordering: AtomicOrdering::Release, scope: SyncScope::System };
    let mut b = FunctionBuilder::new("load_i64", fn_ty(Type::I64, vec![Type::Ptr]));
    let op = Op::Load { ptr: b.param(0), align: 8, volatile: false, atomic: Some(acquire) };
    let x = b.push(Type::I64, op);
    b.ret(Some(x));
    m.functions.push(b.finish());
    let mut b = FunctionBuilder::new("load_f32", fn_ty(Type::Float, vec![Type::Ptr]));
    let unordered = Atomic { ordering: AtomicOrdering::Unordered, scope: SyncScope::System };
    let op = Op::Load { ptr: b.param(0), align: 4, volatile: true, atomic: Some(unordered) };
    let x = b.push(Type::Float, op);
    b.ret(Some(x));
    m.functions.push(b.finish());
    for (name, ty) in [("store_i64", Type::I64), ("store_f64", Type::Double)] {
        let mut b = FunctionBuilder::new(name, fn_ty(Type::Void, vec![Type::Ptr, ty]));
        let (val, ptr) = (b.param(1), b.param(0));
        b.push_void(Op::Store { val, ptr, align: 8, volatile: false, atomic: Some(release) });
        b.ret(None);
        m.functions.push(b.finish());
    }
    let mut b = FunctionBuilder::new("fences", fn_ty(Type::Void, vec![]));
    b.push_void(Op::Fence { atomic: SEQ_CST });
    b.push_void(Op::Fence {
        atomic: Atomic { ordering: AtomicOrdering::AcqRel, scope: SyncScope::SingleThread },
    });
    b.ret(None);
    m.functions.push(b.finish());
    let c = check(&m, ATOMICS_MAIN);
    for expected in [
        "__atomic_fetch_nand(",
        "__atomic_exchange_n(",
        "__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)", // release strengthened to cover acquire
        "__atomic_signal_fence(__ATOMIC_ACQ_REL)",
        "__atomic_thread_fence(__ATOMIC_SEQ_CST)",
        "__atomic_load_n(((volatile uint32_t *)(",
        "__ATOMIC_RELAXED)", // unordered
    ] {
        assert!(c.contains(expected), "{expected}\n{c}");
    }
}

#[test]
fn atomics_outside_what_gcc_does_inline_are_refused() {
    for (ty, align, what) in [
        (Type::Int(128), 16, "16-byte atomic"),
        (Type::I32, 2, "aligned to 2"),
        (Type::X86Fp80, 16, "`x86_fp80`"),
    ] {
        let mut m = module();
        let mut b = FunctionBuilder::new("f", fn_ty(ty.clone(), vec![Type::Ptr]));
        let op = Op::Load { ptr: b.param(0), align, volatile: false, atomic: Some(SEQ_CST) };
        let x = b.push(ty, op);
        b.ret(Some(x));
        m.functions.push(b.finish());
        let e = refusal(&m);
        assert!(e.contains(what) && e.contains("load atomic"), "{e}");
    }
}

/// `@tls` (initial-exec) and `ptr tls_address()`, which returns
/// `llvm.threadlocal.address(@tls)`; `i32 tls_bump()` adds one to the thread's copy.
#[test]
fn thread_locals_are_per_thread() {
    let mut m = module();
    let mut g = global("tls", Type::I32, Constant::int(32, 5), Linkage::External);
    g.thread_local = Some(TlsModel::InitialExec);
    m.globals.push(g);
    let mut g = global("tls_ld", Type::I32, Constant::int(32, 9), Linkage::Internal);
    g.thread_local = Some(TlsModel::LocalDynamic);
    m.globals.push(g);
    let addr_ty = fn_ty(Type::Ptr, vec![Type::Ptr]);
    m.functions.push(Function::declaration("llvm.threadlocal.address.p0", addr_ty.clone()));
    let mut b = FunctionBuilder::new("tls_address", fn_ty(Type::Ptr, vec![]));
    let p = b.call("llvm.threadlocal.address.p0", addr_ty.clone(), vec![global_op("tls")]);
    b.ret(Some(p));
    m.functions.push(b.finish());
    let mut b = FunctionBuilder::new("tls_bump", fn_ty(Type::I32, vec![]));
    let p = b.call("llvm.threadlocal.address.p0", addr_ty, vec![global_op("tls_ld")]);
    let x = load(&mut b, Type::I32, p.clone());
    let y = b.bin(Type::I32, BinOp::Add, x, int(32, 1));
    store(&mut b, y.clone(), p);
    b.ret(Some(y));
    m.functions.push(b.finish());
    let main = r#"
#include <stdio.h>
#include <pthread.h>
extern __thread int tls;
int *tls_address(void);
int tls_bump(void);
static int bad;
static void *other(void *arg) {
  (void)arg;
  if (tls_address() != &tls || tls != 5) bad++;
  tls = 7;
  if (tls_bump() != 10 || tls_bump() != 11) bad++;
  return 0;
}
int main(void) {
  if (tls_address() != &tls || tls != 5 || tls_bump() != 10) bad++;
  pthread_t t;
  pthread_create(&t, 0, other, 0);
  pthread_join(t, 0);
  if (tls != 5 || tls_bump() != 11) bad++;
  printf(bad ? "%d bad\n" : "ok\n", bad);
  return bad;
}
"#;
    let c = check(&m, main);
    assert!(c.contains("__thread") && c.contains("tls_model(\"initial-exec\")"), "{c}");
    assert!(c.contains("tls_model(\"local-dynamic\")"), "{c}");
}

/// A small interpreter in clang's -O0 shape: a private table of block addresses, a dispatch
/// through `indirectbr`, and phis in the handlers (a parallel swap on the indirect edge).
/// `i32 interp(ptr code, i32 n)`: opcodes 0 inc, 1 double, 2 swap the two registers,
/// 3 halt; returns `a * 1000 + b`.
fn interpreter(m: &mut Module) {
    let table_ty = Type::array(4, Type::Ptr);
    let mut b = FunctionBuilder::new("interp", fn_ty(Type::I32, vec![Type::Ptr, Type::I32]));
    let (code, n) = (b.param(0), b.param(1));
    let entry = b.current();
    let inc = b.block("inc");
    let dbl = b.block("dbl");
    let swap = b.block("swap");
    let halt = b.block("halt");
    let disp = b.block("disp");
    let handlers = [inc, dbl, swap, halt];
    let table = Constant::Array {
        elem: Type::Ptr,
        elems: handlers
            .iter()
            .map(|&block| Constant::BlockAddress { function: "interp".into(), block })
            .collect(),
    };
    let mut g = global("interp.table", table_ty.clone(), table, Linkage::Private);
    g.is_constant = true;
    m.globals.push(g);
    // entry: dispatch code[0] with pc = 1, a = n, b = 0
    let op0 = load(&mut b, Type::I8, code.clone());
    let op0 = cast(&mut b, CastOp::ZExt, op0, Type::I64);
    let slot = b.push(
        Type::Ptr,
        Op::Gep {
            source_ty: table_ty.clone(),
            flags: Flags::INBOUNDS,
            base: global_op("interp.table"),
            indices: vec![int(64, 0), op0],
        },
    );
    let target = load(&mut b, Type::Ptr, slot);
    b.push_void(Op::IndirectBr { addr: target, dests: handlers.to_vec() });
    // The handlers: phis (pc, a, b) from entry and from disp.
    let (pc_next, a_disp, b_disp) = (b.fresh(), b.fresh(), b.fresh());
    let mut outs = Vec::new();
    for (i, &h) in handlers.iter().enumerate() {
        b.position(h);
        let pc = b.phi(Type::I64, vec![(int(64, 1), entry), (Operand::Value(pc_next), disp)]);
        let ra = b.phi(Type::I32, vec![(n.clone(), entry), (Operand::Value(a_disp), disp)]);
        let rb = b.phi(Type::I32, vec![(int(32, 0), entry), (Operand::Value(b_disp), disp)]);
        match i {
            0 => {
                let x = b.bin(Type::I32, BinOp::Add, ra, int(32, 1));
                outs.push((h, pc, x, rb));
                b.br(disp);
            }
            1 => {
                let x = b.bin(Type::I32, BinOp::Mul, ra, int(32, 2));
                outs.push((h, pc, x, rb));
                b.br(disp);
            }
            2 => {
                outs.push((h, pc, rb, ra));
                b.br(disp);
            }
            _ => {
                let hi = b.bin(Type::I32, BinOp::Mul, ra, int(32, 1000));
                let r = b.bin(Type::I32, BinOp::Add, hi, rb);
                b.ret(Some(r));
            }
        }
    }
    b.position(disp);
    let pc = b.phi(Type::I64, outs.iter().map(|(h, pc, _, _)| (pc.clone(), *h)).collect());
    let ra = b.phi(Type::I32, outs.iter().map(|(h, _, x, _)| (x.clone(), *h)).collect());
    let rb = b.phi(Type::I32, outs.iter().map(|(h, _, _, y)| (y.clone(), *h)).collect());
    let at = gep_i8(&mut b, code, pc.clone());
    let op = load(&mut b, Type::I8, at);
    let op = cast(&mut b, CastOp::ZExt, op, Type::I64);
    let slot = b.push(
        Type::Ptr,
        Op::Gep {
            source_ty: table_ty,
            flags: Flags::INBOUNDS,
            base: global_op("interp.table"),
            indices: vec![int(64, 0), op],
        },
    );
    let target = load(&mut b, Type::Ptr, slot);
    let next = b.bin(Type::I64, BinOp::Add, pc, int(64, 1));
    // The values the handlers' phis take from disp: defined here, numbered above.
    for (v, val, ty) in
        [(pc_next, next, Type::I64), (a_disp, ra, Type::I32), (b_disp, rb, Type::I32)]
    {
        b.push_inst(opm_ir::Inst { result: Some(v), name: None, ty, op: Op::Freeze { val } });
    }
    b.push_void(Op::IndirectBr { addr: target, dests: handlers.to_vec() });
    m.functions.push(b.finish());
}

#[test]
fn computed_goto_is_native() {
    let mut m = module();
    interpreter(&mut m);
    // A block address as an operand, stored and jumped through: `ptr jump(i1 c)` returns 1
    // or 2 through `indirectbr` (the address taken in code, not in a table).
    let mut b = FunctionBuilder::new("jump", fn_ty(Type::I32, vec![Type::BOOL]));
    let one = b.block("one");
    let two = b.block("two");
    let slot = b.push(Type::Ptr, Op::Alloca { ty: Type::Ptr, count: int(32, 1), align: 8 });
    let addr = |block| Operand::Const(Constant::BlockAddress { function: "jump".into(), block });
    let sel = b.push(
        Type::Ptr,
        Op::Select {
            flags: Flags::NONE,
            cond: b.param(0),
            then_val: addr(one),
            else_val: addr(two),
        },
    );
    store(&mut b, sel, slot.clone());
    let p = load(&mut b, Type::Ptr, slot);
    b.push_void(Op::IndirectBr { addr: p, dests: vec![one, two] });
    b.position(one);
    b.ret(Some(int(32, 1)));
    b.position(two);
    b.ret(Some(int(32, 2)));
    m.functions.push(b.finish());
    let main = r#"
#include <stdio.h>
int interp(const unsigned char *, int);
int jump(_Bool);
int main(void) {
  static const unsigned char prog[] = {0, 1, 2, 0, 0, 1, 2, 1, 3};
  int r = interp(prog, 5);
  int bad = r != 24 * 1000 + 4 || jump(1) != 1 || jump(0) != 2;
  static const unsigned char loop[] = {0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 2, 3};
  r = interp(loop, 0);
  bad += r != 0 * 1000 + 126;
  printf(bad ? "bad %d\n" : "ok\n", r);
  return bad;
}
"#;
    let c = check(&m, main);
    assert!(c.contains("goto *(void *)(") && c.contains("static const opm_g"), "{c}");
    assert!(c.contains("&&bb1") && c.contains("noinline, noclone"), "{c}");
}

#[test]
fn block_address_tables_used_outside_their_function_are_refused() {
    let mut m = module();
    interpreter(&mut m);
    let mut b = FunctionBuilder::new("peek", fn_ty(Type::Ptr, vec![]));
    let p = load(&mut b, Type::Ptr, global_op("interp.table"));
    b.ret(Some(p));
    m.functions.push(b.finish());
    let e = refusal(&m);
    assert!(e.contains("@interp.table") && e.contains("used outside @interp"), "{e}");
    let mut m = module();
    interpreter(&mut m);
    m.globals[0].props.linkage = Linkage::External;
    let e = refusal(&m);
    assert!(e.contains("visible outside the module"), "{e}");
    // A block address in another function's code.
    let mut m = module();
    interpreter(&mut m);
    let mut b = FunctionBuilder::new("steal", fn_ty(Type::Ptr, vec![]));
    b.ret(Some(Operand::Const(Constant::BlockAddress {
        function: "interp".into(),
        block: BlockId(1),
    })));
    m.functions.push(b.finish());
    let e = refusal(&m);
    assert!(e.contains("the address of a block of @interp outside it"), "{e}");
}

fn asm_call(
    b: &mut FunctionBuilder,
    text: &str,
    constraints: &str,
    ty: FunctionType,
    args: Vec<Operand>,
) -> Operand {
    let ret = ty.ret.clone();
    let asm = InlineAsm {
        fn_ty: ty.clone(),
        asm: text.into(),
        constraints: constraints.into(),
        side_effect: true,
        align_stack: false,
        dialect: AsmDialect::Att,
        can_unwind: false,
    };
    let mut call = Call::new(Operand::Const(Constant::Asm(Box::new(asm))), ty, args);
    if constraints.contains("=*m") {
        call.attrs.params =
            vec![vec![Attribute::Type { name: "elementtype".into(), ty: Type::I32 }]];
    }
    if ret.is_void() {
        b.push_void(Op::Call(Box::new(call)));
        Operand::Const(Constant::Undef(Type::Void))
    } else {
        b.push(ret, Op::Call(Box::new(call)))
    }
}

#[test]
fn inline_asm_is_gnu_extended_asm() {
    let mut m = module();
    // Barriers: clang's `asm volatile("" ::: "memory")` and black_box's.
    let mut b = FunctionBuilder::new("barriers", fn_ty(Type::I32, vec![Type::Ptr]));
    let void = fn_ty(Type::Void, vec![]);
    asm_call(&mut b, "", "~{memory},~{dirflag},~{fpsr},~{flags}", void, vec![]);
    let one = fn_ty(Type::Void, vec![Type::Ptr]);
    let p0 = b.param(0);
    asm_call(&mut b, "", "r,~{memory}", one, vec![p0.clone()]);
    let x = load(&mut b, Type::I32, p0);
    b.ret(Some(x));
    m.functions.push(b.finish());
    // `bswap $0` with a tied operand; `${0:k}`; an indirect memory output; `$$`, `%`.
    let mut b = FunctionBuilder::new("asm_ops", fn_ty(Type::I64, vec![Type::I32, Type::Ptr]));
    let i32_op = fn_ty(Type::I32, vec![Type::I32]);
    let p0 = b.param(0);
    let swapped =
        asm_call(&mut b, "bswap $0", "=r,0,~{dirflag},~{fpsr},~{flags}", i32_op.clone(), vec![p0]);
    let plus = asm_call(
        &mut b,
        "leal 3(${1:k}), ${0:k}",
        "=&r,r,~{dirflag}",
        i32_op,
        vec![swapped.clone()],
    );
    let store_ty = fn_ty(Type::Void, vec![Type::Ptr]);
    let p1 = b.param(1);
    asm_call(&mut b, "movl $$42, $0 # 100%", "=*m,~{memory}", store_ty, vec![p1]);
    let lo = cast(&mut b, CastOp::ZExt, plus, Type::I64);
    let hi = cast(&mut b, CastOp::ZExt, swapped, Type::I64);
    let hi = b.bin(Type::I64, BinOp::Shl, hi, int(64, 32));
    let r = b.bin(Type::I64, BinOp::Or, hi, lo);
    b.ret(Some(r));
    m.functions.push(b.finish());
    let main = r#"
#include <stdio.h>
#include <stdint.h>
int barriers(int *);
uint64_t asm_ops(uint32_t, int *);
int main(void) {
  int x = 7, y = 0;
  uint64_t r = asm_ops(0x11223344u, &y);
  int bad = barriers(&x) != 7 || r != ((uint64_t)0x44332211u << 32 | 0x44332214u) || y != 42;
  printf(bad ? "bad %llx %d\n" : "ok\n", (unsigned long long)r, y);
  return bad;
}
"#;
    let c = check(&m, main);
    for expected in [
        r#"__asm__ __volatile__("" :  :  : "memory", "cc");"#,
        r#"__asm__ __volatile__("" :  : "r"((opm_ptr)(v0)) : "memory");"#,
        r#"__asm__ __volatile__("bswap %0" : "=r"(v2) : "0"((uint32_t)(v0)) : "cc");"#,
        r#"("leal 3(%k1), %k0" : "=&r"(v3)"#,
        r#"("movl $42, %0 # 100%%" : "=m"(*(uint32_t *)(v1)) :  : "memory");"#,
    ] {
        assert!(c.contains(expected), "{expected}\n{c}");
    }
}

#[test]
fn inline_asm_without_an_exact_gnu_form_is_refused() {
    for (text, constraints, dialect, what) in [
        ("mov eax, $0", "m,~{eax}", AsmDialect::Intel, "Intel syntax with a memory operand"),
        ("nop", "=r|m", AsmDialect::Att, "multiple-alternative"),
        ("nop", "~{rbp}", AsmDialect::Att, "`~{rbp}`"),
        ("nop ${0:V}", "r", AsmDialect::Att, "${0:V}"),
        ("nop", "{xmm1}", AsmDialect::Att, "`{xmm1}`"),
    ] {
        let mut m = module();
        let ty = fn_ty(
            Type::Void,
            if constraints.contains("xmm") || constraints == "r" || constraints.starts_with("m,") {
                vec![Type::I32]
            } else {
                vec![]
            },
        );
        let mut b = FunctionBuilder::new("f", fn_ty(Type::Void, vec![Type::I32]));
        let args = if ty.params.is_empty() { vec![] } else { vec![b.param(0)] };
        let asm = InlineAsm {
            fn_ty: ty.clone(),
            asm: text.into(),
            constraints: constraints.into(),
            side_effect: true,
            align_stack: false,
            dialect,
            can_unwind: false,
        };
        let call = Call::new(Operand::Const(Constant::Asm(Box::new(asm))), ty, args);
        b.push_void(Op::Call(Box::new(call)));
        b.ret(None);
        m.functions.push(b.finish());
        let e = refusal(&m);
        assert!(e.contains("inline assembly") && e.contains(what), "{what}: {e}");
    }
}

fn f80(v: &str) -> Constant {
    // sign+exponent (16 bits) then the 64-bit significand, as LLVM prints 0xK….
    let (hi, lo) = v.split_at(4);
    let bits = (u128::from(u16::from_str_radix(hi, 16).unwrap()) << 64)
        | u128::from(u64::from_str_radix(lo, 16).unwrap());
    Constant::Float { kind: FloatKind::X86Fp80, bits }
}

#[test]
fn long_double_and_float128_are_exact() {
    let mut m = module();
    let printf_ty = FunctionType { ret: Type::I32, params: vec![Type::Ptr], varargs: true };
    m.functions.push(Function::declaration("printf", printf_ty.clone()));
    m.globals.push(global(
        "fmt",
        Type::array(12, Type::I8),
        Constant::Bytes(b"%.21Lg %Lg\n\0".to_vec()),
        Linkage::Private,
    ));
    // void ld(ptr in, ptr out): out[k] = results, x86_fp80 in 16-byte slots.
    let mut b = FunctionBuilder::new("ld", fn_ty(Type::Void, vec![Type::Ptr, Type::Ptr]));
    let (inp, out) = (b.param(0), b.param(1));
    let a = load(&mut b, Type::X86Fp80, inp.clone());
    let p1 = gep_i8(&mut b, inp, int(64, 16));
    let c = load(&mut b, Type::X86Fp80, p1);
    let mut results = Vec::new();
    for op in [BinOp::FAdd, BinOp::FSub, BinOp::FMul, BinOp::FDiv, BinOp::FRem] {
        results.push(b.bin(Type::X86Fp80, op, a.clone(), c.clone()));
    }
    results.push(b.push(Type::X86Fp80, Op::FNeg { flags: Flags::NONE, val: a.clone() }));
    // pi as a constant, times a.
    let pi = Operand::Const(f80("4000C90FDAA22168C235"));
    results.push(b.bin(Type::X86Fp80, BinOp::FMul, a.clone(), pi));
    let d = cast(&mut b, CastOp::FPTrunc, a.clone(), Type::Double);
    let back = cast(&mut b, CastOp::FPExt, d, Type::X86Fp80);
    results.push(back);
    let i = cast(&mut b, CastOp::FPToSI, c.clone(), Type::I64);
    results.push(cast(&mut b, CastOp::SIToFP, i, Type::X86Fp80));
    let lt = b.push(
        Type::BOOL,
        Op::FCmp { pred: FloatPredicate::Olt, flags: Flags::NONE, lhs: a.clone(), rhs: c.clone() },
    );
    let lt = cast(&mut b, CastOp::UIToFP, lt, Type::X86Fp80);
    results.push(lt);
    for (k, r) in results.into_iter().enumerate() {
        let at = gep_i8(&mut b, out.clone(), int(64, 16 * k as i128));
        store(&mut b, r, at);
    }
    // Its bits as an i80, stored in 10 bytes.
    let bits = cast(&mut b, CastOp::BitCast, a.clone(), Type::Int(80));
    let at = gep_i8(&mut b, out.clone(), int(64, 16 * 11));
    store(&mut b, bits, at);
    // printf("%.21Lg %Lg\n", a, 0.5L) through the variadic call.
    let half = Operand::Const(f80("3FFE8000000000000000"));
    let mut call = Call::new(global_op("printf"), printf_ty, vec![global_op("fmt"), a, half]);
    call.fn_ty.params = vec![Type::Ptr];
    b.push(Type::I32, Op::Call(Box::new(call)));
    b.ret(None);
    m.functions.push(b.finish());
    // _Float128: q(ptr in, ptr out): out = in[0] * in[1] + 1, and as a double.
    let mut b = FunctionBuilder::new("q", fn_ty(Type::Double, vec![Type::Ptr, Type::Ptr]));
    let (inp, out) = (b.param(0), b.param(1));
    let x = load(&mut b, Type::Fp128, inp.clone());
    let p1 = gep_i8(&mut b, inp, int(64, 16));
    let y = load(&mut b, Type::Fp128, p1);
    let xy = b.bin(Type::Fp128, BinOp::FMul, x, y);
    let one = Operand::Const(Constant::Float { kind: FloatKind::Fp128, bits: 0x3FFF << 112 });
    let r = b.bin(Type::Fp128, BinOp::FAdd, xy, one);
    let rem = b.bin(
        Type::Fp128,
        BinOp::FRem,
        r.clone(),
        Operand::Const(Constant::Float { kind: FloatKind::Fp128, bits: 0x4000 << 112 }),
    );
    store(&mut b, r.clone(), out.clone());
    let at = gep_i8(&mut b, out, int(64, 16));
    store(&mut b, rem, at);
    let d = cast(&mut b, CastOp::FPTrunc, r, Type::Double);
    b.ret(Some(d));
    m.functions.push(b.finish());
    let main = r#"
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <math.h>
void ld(const long double *, long double *);
double q(const _Float128 *, _Float128 *);
int main(void) {
  long double in[2] = {7.25L, -2.5L}, out[12];
  memset(out, 0, sizeof out);
  ld(in, out);
  long double a = in[0], c = in[1];
  long double want[11] = {a + c, a - c, a * c, a / c, fmodl(a, c), -a,
                          a * 3.141592653589793238462643383279502884L,
                          (long double)(double)a, (long double)(long long)c, (long double)(a < c)};
  int bad = 0;
  for (int k = 0; k < 10; k++)
    if (memcmp(&out[k], &want[k], 10)) { bad++; printf("ld %d: %Lg, want %Lg\n", k, out[k], want[k]); }
  if (memcmp(&out[11], &a, 10)) { bad++; puts("bits"); }
  _Float128 qi[2] = {3, 0.1Q}, qo[2];
  double d = q(qi, qo);
  _Float128 r = qi[0] * qi[1] + 1;
  if (memcmp(&qo[0], &r, 16) || d != (double)r) { bad++; puts("f128"); }
  _Float128 rem = fmodf128(r, 2);
  if (memcmp(&qo[1], &rem, 16)) { bad++; puts("f128 rem"); }
  printf(bad ? "%d bad\n" : "ok\n", bad);
  return bad;
}
"#;
    let c = check(&m, main);
    assert!(c.contains("long double") && c.contains("_Float128"), "{c}");
}

#[test]
fn aliases_name_their_aliasee() {
    let mut m = module();
    m.globals.push(global("g", Type::I32, Constant::int(32, 41), Linkage::External));
    m.globals.push(global("h", Type::I64, Constant::int(64, 5), Linkage::Internal));
    let mut b = FunctionBuilder::new("f", fn_ty(Type::I32, vec![Type::I32]));
    let x = b.bin(Type::I32, BinOp::Add, b.param(0), int(32, 1));
    b.ret(Some(x));
    m.functions.push(b.finish());
    let alias = |name: &str, ty: Type, target: &str, linkage: Linkage| Alias {
        name: name.into(),
        ty,
        aliasee: Constant::Global(target.into()),
        props: SymbolProps { linkage, ..SymbolProps::default() },
        thread_local: None,
    };
    let f_ty = Type::Function(Box::new(fn_ty(Type::I32, vec![Type::I32])));
    m.aliases.push(alias("g_alias", Type::I32, "g", Linkage::External));
    m.aliases.push(alias("f_alias", f_ty.clone(), "f", Linkage::External));
    m.aliases.push(alias("f_weak", f_ty.clone(), "f_alias", Linkage::Weak));
    m.aliases.push(alias("h_alias", Type::I64, "h", Linkage::Internal));
    // `i64 h_through_alias()` reads @h through its internal alias; it calls @f_weak.
    let mut b = FunctionBuilder::new("h_through_alias", fn_ty(Type::I64, vec![]));
    let x = load(&mut b, Type::I64, global_op("h_alias"));
    let call = Call::new(global_op("f_weak"), fn_ty(Type::I32, vec![Type::I32]), vec![int(32, 1)]);
    let y = b.push(Type::I32, Op::Call(Box::new(call)));
    let y = cast(&mut b, CastOp::ZExt, y, Type::I64);
    let r = b.bin(Type::I64, BinOp::Add, x, y);
    b.ret(Some(r));
    m.functions.push(b.finish());
    let main = r#"
#include <stdio.h>
extern int g, g_alias;
int f(int), f_alias(int), f_weak(int);
long h_through_alias(void);
int main(void) {
  g_alias++;
  int bad = &g != &g_alias || g != 42 || f_alias(1) != 2 || f_weak(2) != 3 || f_alias != f
            || h_through_alias() != 7;
  printf(bad ? "bad\n" : "ok\n");
  return bad;
}
"#;
    let c = check(&m, main);
    assert!(c.contains("__attribute__((alias(\"f_alias\")))"), "{c}");
    // An aliasee inside a global is a constant expression: refused.
    let mut m2 = module();
    m2.globals = m.globals.clone();
    m2.aliases.push(Alias {
        aliasee: Constant::Expr(Box::new(ConstExpr::Gep {
            source_ty: Type::I8,
            base: Constant::Global("g".into()),
            indices: vec![Constant::int(64, 2)],
            flags: Flags::INBOUNDS,
        })),
        ..alias("inside", Type::I8, "g", Linkage::External)
    });
    let e = refusal(&m2);
    assert!(e.contains("the alias @inside of a constant expression"), "{e}");
}

/// rustc with `panic=abort` gives every function a personality, and clang's C++ keeps
/// `__gxx_personality_v0(...)` on functions whose landing pads it removed: they build (the
/// variadic declaration without a named parameter unprototyped), and a call of such a
/// declaration is refused.
#[test]
fn a_personality_without_landing_pads_builds() {
    let mut m = module();
    m.functions.push(Function::declaration("rust_eh_personality", fn_ty(Type::I32, vec![])));
    let gxx = FunctionType { ret: Type::I32, params: vec![], varargs: true };
    m.functions.push(Function::declaration("__gxx_personality_v0", gxx.clone()));
    for (name, personality) in [("f", "rust_eh_personality"), ("g", "__gxx_personality_v0")] {
        let mut b = FunctionBuilder::new(name, fn_ty(Type::I32, vec![]));
        b.ret(Some(int(32, 0)));
        let mut f = b.finish();
        f.personality = Some(Constant::Global(personality.into()));
        m.functions.push(f);
    }
    let main = r#"
#include <stdio.h>
int f(void), g(void);
int rust_eh_personality(void) { return 1; }
int __gxx_personality_v0() { return 2; }
int main(void) { printf(f() + g() ? "bad\n" : "ok\n"); return 0; }
"#;
    let c = check(&m, main);
    assert!(c.contains("f1___gxx_personality_v0() __asm__(\"__gxx_personality_v0\")"), "{c}");
    let mut b = FunctionBuilder::new("h", fn_ty(Type::I32, vec![]));
    let r = b.call("__gxx_personality_v0", gxx, vec![]);
    b.ret(Some(r));
    m.functions.push(b.finish());
    let e = refusal(&m);
    assert!(e.contains("a call of a variadic function without a named parameter"), "{e}");
}

/// What a `landingpad` gives: `{ ptr, i32 }`.
fn landing_pad_record() -> Type {
    Type::Struct(opm_ir::StructType {
        name: None,
        body: Some(vec![Type::Ptr, Type::I32]),
        packed: false,
    })
}

#[test]
fn exception_handling_and_wide_integers_where_c_cannot_follow_are_refused() {
    // invoke / landingpad / resume
    let mut m = module();
    m.functions.push(Function::declaration("may_throw", fn_ty(Type::Void, vec![])));
    let mut b = FunctionBuilder::new("f", fn_ty(Type::Void, vec![]));
    let ok = b.block("ok");
    let pad = b.block("pad");
    let call = Call::new(global_op("may_throw"), fn_ty(Type::Void, vec![]), vec![]);
    b.push_void(Op::Invoke { call: Box::new(call), normal: ok, unwind: pad });
    b.position(ok);
    b.ret(None);
    b.position(pad);
    let rec = landing_pad_record();
    let lp =
        b.push(rec, Op::LandingPad { cleanup: true, clauses: vec![Clause::Catch(Constant::Null)] });
    b.push_void(Op::Resume { val: lp });
    let mut f = b.finish();
    f.personality = Some(Constant::Global("may_throw".into()));
    m.functions.push(f);
    let e = refusal(&m);
    assert!(e.contains("`invoke`") && e.contains("exception handling"), "{e}");
    // i256 values and constants
    let mut m = module();
    let mut b = FunctionBuilder::new("wide", fn_ty(Type::Int(256), vec![Type::Int(256)]));
    let x = b.bin(
        Type::Int(256),
        BinOp::Add,
        b.param(0),
        Operand::Const(Constant::from_words(256, &[1])),
    );
    b.ret(Some(x));
    m.functions.push(b.finish());
    let e = refusal(&m);
    assert!(e.contains("`i256`") && e.contains("as a parameter or return value"), "{e}");
    // Wide values in memory and through arithmetic are emitted; their bit-casts and their
    // place in an aggregate are refused.
    let mut m = module();
    let mut b = FunctionBuilder::new("wide_cast", fn_ty(Type::Void, vec![Type::Ptr]));
    let p0 = b.param(0);
    let x = load(&mut b, Type::Int(256), p0.clone());
    let c = Operand::Const(Constant::from_words(256, &[1, 2, 3, 4]));
    let y = b.bin(Type::Int(256), BinOp::UDiv, x, c);
    let v = cast(&mut b, CastOp::BitCast, y, Type::Vector(4, Box::new(Type::I64)));
    store(&mut b, v, p0);
    b.ret(None);
    m.functions.push(b.finish());
    let e = refusal(&m);
    assert!(e.contains("`bitcast` on the integer type `i256` (wider than 128 bits)"), "{e}");
    let mut m = module();
    let pair = Type::Struct(opm_ir::StructType {
        name: None,
        body: Some(vec![Type::Int(136), Type::I8]),
        packed: false,
    });
    let mut b = FunctionBuilder::new("wide_member", fn_ty(Type::Void, vec![Type::Ptr]));
    let p0 = b.param(0);
    let x = load(&mut b, pair, p0.clone());
    store(&mut b, x, p0);
    b.ret(None);
    m.functions.push(b.finish());
    let e = refusal(&m);
    assert!(e.contains("`i136` (wider than 128 bits) inside the aggregate"), "{e}");
    // As a variadic argument, C would pass the structure otherwise.
    let mut m = module();
    let printf_ty = FunctionType { ret: Type::I32, params: vec![Type::Ptr], varargs: true };
    m.functions.push(Function::declaration("printf", printf_ty.clone()));
    let mut b = FunctionBuilder::new("wide_vararg", fn_ty(Type::Void, vec![Type::Ptr]));
    let p0 = b.param(0);
    let x = load(&mut b, Type::Int(256), p0.clone());
    let call = Call::new(global_op("printf"), printf_ty, vec![p0, x]);
    b.push(Type::I32, Op::Call(Box::new(call)));
    b.ret(None);
    m.functions.push(b.finish());
    let e = refusal(&m);
    assert!(e.contains("a variadic argument on the integer type `i256`"), "{e}");
}

/// rustc's `panic=abort` modules keep cleanup blocks (`landingpad`, `resume`) in functions
/// without an `invoke`: nothing reaches them, so they are left out and the function builds.
/// Where an `invoke` can run, it is what the refusal names, even after its landing pad.
#[test]
fn exception_handling_only_where_it_can_run_is_refused() {
    let rec = landing_pad_record();
    let mut m = module();
    m.functions.push(Function::declaration("may_throw", fn_ty(Type::Void, vec![])));
    let mut b = FunctionBuilder::new("f", fn_ty(Type::I32, vec![]));
    let pad = b.block("pad");
    b.ret(Some(int(32, 7)));
    b.position(pad);
    let lp = b.push(rec.clone(), Op::LandingPad { cleanup: true, clauses: vec![] });
    b.push_void(Op::Resume { val: lp });
    let mut f = b.finish();
    f.personality = Some(Constant::Global("may_throw".into()));
    m.functions.push(f);
    let main = r#"
#include <stdio.h>
int f(void);
void may_throw(void) {}
int main(void) { printf(f() == 7 ? "ok\n" : "bad\n"); return 0; }
"#;
    let c = check(&m, main);
    assert!(!c.contains("bb1"), "the unreachable block is left out:\n{c}");

    // The landing pad first, then the `invoke` that reaches it.
    let mut m = module();
    m.functions.push(Function::declaration("may_throw", fn_ty(Type::Void, vec![])));
    let mut b = FunctionBuilder::new("g", fn_ty(Type::Void, vec![]));
    let pad = b.block("pad");
    let call_bb = b.block("call");
    let ok = b.block("ok");
    b.push_void(Op::Br { dest: call_bb });
    b.position(pad);
    let lp = b.push(rec, Op::LandingPad { cleanup: true, clauses: vec![] });
    b.push_void(Op::Resume { val: lp });
    b.position(call_bb);
    let call = Call::new(global_op("may_throw"), fn_ty(Type::Void, vec![]), vec![]);
    b.push_void(Op::Invoke { call: Box::new(call), normal: ok, unwind: pad });
    b.position(ok);
    b.ret(None);
    let mut f = b.finish();
    f.personality = Some(Constant::Global("may_throw".into()));
    m.functions.push(f);
    let e = refusal(&m);
    assert!(e.contains("`invoke` (exception handling"), "{e}");
}

/// A Rust whole program with `panic=abort` (its `__rust_start_panic` defined, nothing that
/// starts unwinding declared, Rust's personality) never unwinds: std's `invoke`s, prebuilt
/// with unwinding, are calls that return, with the invoke's value and the normal edge's phi,
/// and their landing pads are left out. With `_Unwind_RaiseException` declared (the
/// `panic_unwind` runtime), or with C++'s personality, the `invoke` is refused as before.
#[test]
fn invokes_of_a_program_that_never_unwinds_are_calls() {
    let rec = landing_pad_record();
    let program = |raise: Option<&str>, personality: &str| {
        let mut m = module();
        m.functions.push(Function::declaration("next", fn_ty(Type::I32, vec![Type::I32])));
        m.functions.push(Function::declaration(personality, fn_ty(Type::I32, vec![])));
        if let Some(raise) = raise {
            m.functions.push(Function::declaration(raise, fn_ty(Type::I32, vec![Type::Ptr])));
        }
        let mut b = FunctionBuilder::new(
            "_RNvCs1_7___rustc18___rust_start_panic",
            fn_ty(Type::I32, vec![]),
        );
        b.ret(Some(int(32, 0)));
        m.functions.push(b.finish());
        let mut b = FunctionBuilder::new("f", fn_ty(Type::I32, vec![Type::I32]));
        let ok = b.block("ok");
        let pad = b.block("pad");
        let call =
            Call::new(global_op("next"), fn_ty(Type::I32, vec![Type::I32]), vec![b.param(0)]);
        let r = b.push(Type::I32, Op::Invoke { call: Box::new(call), normal: ok, unwind: pad });
        b.position(ok);
        let entry = BlockId(0);
        let phi = b.push(Type::I32, Op::Phi { flags: Flags::NONE, incoming: vec![(r, entry)] });
        let sum = b.bin(Type::I32, BinOp::Add, phi, int(32, 1));
        b.ret(Some(sum));
        b.position(pad);
        let lp = b.push(rec.clone(), Op::LandingPad { cleanup: true, clauses: vec![] });
        b.push_void(Op::Resume { val: lp });
        let mut f = b.finish();
        f.personality = Some(Constant::Global(personality.into()));
        m.functions.push(f);
        m
    };
    let main = r#"
#include <stdio.h>
int f(int);
int next(int x) { return 2 * x; }
int rust_eh_personality(void) { return 1; }
int main(void) { printf(f(20) == 41 ? "ok\n" : "bad\n"); return 0; }
"#;
    let c = check(&program(None, "rust_eh_personality"), main);
    assert!(!c.contains("bb2"), "the landing pad is left out:\n{c}");
    for (raise, personality) in
        [(Some("_Unwind_RaiseException"), "rust_eh_personality"), (None, "__gxx_personality_v0")]
    {
        let e = refusal(&program(raise, personality));
        assert!(e.contains("`invoke` (exception handling"), "{raise:?} {personality}: {e}");
    }
}

/// `i64 slots(i32 x, i64 y)`: stack slots of one integer, double or pointer are C scalars
/// (one of them over-aligned), read back through other types and at other offsets than they
/// were written at, beside a 12-byte slot that stays an array; the harness checks every value
/// and the over-aligned slot's address.
#[test]
fn scalar_sized_slots_are_c_scalars_read_as_bytes() {
    let mut m = module();
    let mut b = FunctionBuilder::new("slots", fn_ty(Type::I64, vec![Type::I32, Type::I64]));
    let (x, y) = (b.param(0), b.param(1));
    let slot = |b: &mut FunctionBuilder, ty: Type, align: u64| {
        b.push(Type::Ptr, Op::Alloca { ty, count: int(32, 1), align })
    };
    let s1 = slot(&mut b, Type::I8, 1);
    let s2 = slot(&mut b, Type::Int(16), 2);
    let s4 = slot(&mut b, Type::I32, 16);
    let s8 = slot(&mut b, Type::I64, 8);
    let s12 = slot(&mut b, Type::Array(3, Box::new(Type::I32)), 4);
    let sd = slot(&mut b, Type::Double, 8);
    let sp = slot(&mut b, Type::Ptr, 8);
    // The double slot written as an i64, read as a double; the pointer slot holds its address.
    store(&mut b, y.clone(), sd.clone());
    let d = load(&mut b, Type::Double, sd.clone());
    store(&mut b, sd.clone(), sp.clone());
    let back = load(&mut b, Type::Ptr, sp);
    let d2 = load(&mut b, Type::Double, back);
    let dsum =
        b.push(Type::Double, Op::Bin { op: BinOp::FSub, flags: Flags::NONE, lhs: d, rhs: d2 });
    let dbits = cast(&mut b, CastOp::BitCast, dsum, Type::I64);
    // The i64 written whole, read as its two i32 halves and its top byte.
    store(&mut b, y.clone(), s8.clone());
    let lo = load(&mut b, Type::I32, s8.clone());
    let hi_at = gep_i8(&mut b, s8.clone(), int(64, 4));
    let hi = load(&mut b, Type::I32, hi_at);
    let top_at = gep_i8(&mut b, s8.clone(), int(64, 7));
    let top = load(&mut b, Type::I8, top_at);
    // The i32 written, read as a float and as its low i16.
    store(&mut b, x.clone(), s4.clone());
    let f = load(&mut b, Type::Float, s4.clone());
    let fbits = cast(&mut b, CastOp::BitCast, f, Type::I32);
    let low16 = load(&mut b, Type::Int(16), s4.clone());
    store(&mut b, low16, s2.clone());
    let half = load(&mut b, Type::I8, s2.clone());
    store(&mut b, half, s1.clone());
    let byte = load(&mut b, Type::I8, s1);
    // The 12-byte slot: three i32s, the middle one read back.
    let mid = gep_i8(&mut b, s12.clone(), int(64, 4));
    store(&mut b, x, mid.clone());
    let mid_v = load(&mut b, Type::I32, mid);
    // The over-aligned slot's address modulo 16.
    let addr = cast(&mut b, CastOp::PtrToInt, s4, Type::I64);
    let misalign = b.bin(Type::I64, BinOp::And, addr, int(64, 15));
    // (hi - lo) + top + (fbits - mid) + byte + misalign * 1000
    let wide = |b: &mut FunctionBuilder, v: Operand, op: CastOp| cast(b, op, v, Type::I64);
    let (lo, hi) = (wide(&mut b, lo, CastOp::ZExt), wide(&mut b, hi, CastOp::ZExt));
    let (top, byte) = (wide(&mut b, top, CastOp::ZExt), wide(&mut b, byte, CastOp::ZExt));
    let (fbits, mid_v) = (wide(&mut b, fbits, CastOp::ZExt), wide(&mut b, mid_v, CastOp::ZExt));
    let d1 = b.bin(Type::I64, BinOp::Sub, hi, lo);
    let d2 = b.bin(Type::I64, BinOp::Sub, fbits, mid_v);
    let scaled = b.bin(Type::I64, BinOp::Mul, misalign, int(64, 1000));
    let mut r = b.bin(Type::I64, BinOp::Add, d1, top);
    for t in [d2, byte, scaled, dbits] {
        r = b.bin(Type::I64, BinOp::Add, r, t);
    }
    b.ret(Some(r));
    m.functions.push(b.finish());
    let main = r#"
#include <stdio.h>
long slots(int, long);
int main(void) {
  /* hi - lo + top byte, + 0 (the float's bits are x's), + x's low byte, + 0 (aligned) */
  long r = slots(0x12345678, 0x7f00000500000003L);
  long want = (0x7f000005L - 3) + 0x7f + 0x78;
  printf(r == want ? "ok\n" : "bad %lx %lx\n", r, want);
  return r != want;
}
"#;
    let c = check(&m, main);
    assert!(c.contains("  uint64_t s") && c.contains("  uint16_t s"), "{c}");
    assert!(c.contains("  double s") && c.contains("  opm_ptr s"), "{c}");
    assert!(c.contains("uint32_t s") && c.contains("__attribute__((aligned(16))) = 0;"), "{c}");
    assert!(c.contains("  uint8_t s") && c.contains("[12] __attribute__((aligned(4)));"), "{c}");
}

/// Constant pointers into other globals at an offset (into a byte array; into a structure's
/// bytes before its pointer and after it, and to the pointer), loaded and read through: gcc 12 crashed folding
/// such a load when the pointer was written as the global's cast address plus the offset;
/// it is the address of an element of the global's C member.
#[test]
fn constant_pointers_into_globals_are_member_addresses() {
    let mut m = module();
    let bytes: Vec<u8> = (0..200u32).map(|i| (i * 7 % 251) as u8).collect();
    m.globals.push(global(
        "arr",
        Type::Array(200, Box::new(Type::I8)),
        Constant::Bytes(bytes),
        Linkage::Internal,
    ));
    let run = |n: u64| Type::Array(n, Box::new(Type::I8));
    let s_ty = Type::Struct(opm_ir::StructType {
        name: None,
        body: Some(vec![run(100), Type::Ptr, run(92)]),
        packed: false,
    });
    let filled = |n: u8, base: u8| Constant::Bytes((0..n).map(|i| base.wrapping_add(i)).collect());
    m.globals.push(global(
        "s",
        s_ty.clone(),
        Constant::Struct {
            ty: s_ty,
            fields: vec![filled(100, 1), Constant::Global("arr".into()), filled(92, 101)],
        },
        Linkage::Internal,
    ));
    for (name, target, off) in [("p", "arr", 24), ("q", "s", 24), ("t", "s", 120)] {
        let gep = Constant::Expr(Box::new(ConstExpr::Gep {
            source_ty: Type::I8,
            base: Constant::Global(target.into()),
            indices: vec![Constant::int(64, off)],
            flags: Flags::INBOUNDS,
        }));
        let mut g = global(name, Type::Ptr, gep, Linkage::Internal);
        g.is_constant = true;
        m.globals.push(g);
    }
    // `u` points to `s`'s pointer slot (at 104, after 4 bytes of padding), which holds `arr`.
    let gep = Constant::Expr(Box::new(ConstExpr::Gep {
        source_ty: Type::I8,
        base: Constant::Global("s".into()),
        indices: vec![Constant::int(64, 104)],
        flags: Flags::INBOUNDS,
    }));
    let mut g = global("u", Type::Ptr, gep, Linkage::Internal);
    g.is_constant = true;
    m.globals.push(g);
    // `i32 peek()`: the sum of the bytes the three pointers point to, and of `arr[5]`
    // through `u`.
    let mut b = FunctionBuilder::new("peek", fn_ty(Type::I32, vec![]));
    let mut sum = int(32, 0);
    let slot = load(&mut b, Type::Ptr, global_op("u"));
    let arr = load(&mut b, Type::Ptr, slot);
    let fifth = gep_i8(&mut b, arr, int(64, 5));
    for ptr in [global_op("p"), global_op("q"), global_op("t"), fifth] {
        let ptr = if matches!(ptr, Operand::Const(_)) { load(&mut b, Type::Ptr, ptr) } else { ptr };
        let byte = load(&mut b, Type::I8, ptr);
        let wide = cast(&mut b, CastOp::ZExt, byte, Type::I32);
        sum = b.bin(Type::I32, BinOp::Add, sum, wide);
    }
    b.ret(Some(sum));
    m.functions.push(b.finish());
    let main = r#"
#include <stdio.h>
int peek(void);
int main(void) {
  /* arr[24] = 24 * 7 % 251; s's byte 24 = 1 + 24; s's byte 120, 8 into its last run (the
     pointer is at 104, after 4 bytes of padding): 101 + 8; arr[5] = 35 */
  int want = 168 + 25 + 109 + 35, got = peek();
  printf(got == want ? "ok\n" : "bad %d %d\n", got, want);
  return got != want;
}
"#;
    let c = check(&m, main);
    assert!(c.contains("_arr[24])") && c.contains(".b0[24])") && c.contains(".tail[8])"), "{c}");
    assert!(c.contains("_s.r0)"), "{c}");
}

/// A function marked `noinline` stays a function of its own at -O2, as LLVM's inliner leaves
/// it: gcc inlines a static function called once unless told not to.
/// `f(x)`, which returns `callee(x) + 1`; `ty` is both functions' type.
fn plus_one(callee: &str, ty: FunctionType) -> Function {
    let mut b = FunctionBuilder::new("f", ty.clone());
    let call = Call::new(global_op(callee), ty, vec![b.param(0)]);
    let r = b.push(Type::I32, Op::Call(Box::new(call)));
    let sum = b.bin(Type::I32, BinOp::Add, r, int(32, 1));
    b.ret(Some(sum));
    b.finish()
}

#[test]
fn noinline_functions_stay_out_of_line() {
    use object::{Object, ObjectSymbol};
    let program = |noinline: bool| {
        let mut m = module();
        let ty = fn_ty(Type::I32, vec![Type::I32]);
        let mut b = FunctionBuilder::new("twice", ty.clone());
        let p = b.param(0);
        let x = b.bin(Type::I32, BinOp::Mul, p, int(32, 2));
        b.ret(Some(x));
        let mut f = b.finish();
        f.props.linkage = Linkage::Internal;
        if noinline {
            f.attrs.func.push(Attribute::flag("noinline"));
        }
        m.functions.push(f);
        m.functions.push(plus_one("twice", ty));
        m
    };
    let main = r#"
#include <stdio.h>
int f(int);
int main(void) { printf(f(20) == 41 ? "ok\n" : "bad\n"); return 0; }
"#;
    let gcc = Gcc::find().expect("the tests need gcc (apt-get install gcc)");
    for noinline in [true, false] {
        let m = program(noinline);
        let c = check(&m, main);
        let object = crate::compile_to_object(&gcc, &m, &["-O2".into()], Duration::from_secs(120))
            .unwrap_or_else(|e| panic!("{e}\n{c}"));
        let file = object::File::parse(&*object).unwrap_or_else(|e| panic!("{e}"));
        let kept = file.symbols().any(|s| s.name().is_ok_and(|n| n.contains("twice")));
        assert_eq!(kept, noinline, "noinline {noinline}, a symbol of `twice` kept {kept}:\n{c}");
    }
}

#[test]
fn inline_hints_and_cold_functions_reach_gcc() {
    use object::{Object, ObjectSection, ObjectSymbol};
    // `mix`, of external linkage, is too large for gcc -O2 to inline undeclared and small
    // enough to inline declared `inline`; `rare`, marked `cold`, goes where gcc puts cold
    // code. main calls `mix` itself: its external definition stays.
    let program = |hint: bool| {
        let mut m = module();
        let ty = fn_ty(Type::I32, vec![Type::I32]);
        let mut b = FunctionBuilder::new("mix", ty.clone());
        let mut x = b.param(0);
        for k in 0..24 {
            let y = b.bin(Type::I32, BinOp::Mul, x.clone(), int(32, 2 * k + 3));
            x = b.bin(Type::I32, BinOp::Xor, y, int(32, 1 << k));
        }
        b.ret(Some(x));
        let mut f = b.finish();
        if hint {
            f.attrs.func.push(Attribute::flag("inlinehint"));
        }
        m.functions.push(f);
        let mut b = FunctionBuilder::new("rare", ty.clone());
        let x = b.bin(Type::I32, BinOp::Sub, b.param(0), int(32, 7));
        b.ret(Some(x));
        let mut f = b.finish();
        f.attrs.func.push(Attribute::flag("cold"));
        m.functions.push(f);
        // Marked `noreturn` though it returns: gcc would warn about the attribute.
        let mut b = FunctionBuilder::new("back", ty.clone());
        b.ret(Some(b.param(0)));
        let mut f = b.finish();
        f.attrs.func.push(Attribute::flag("noreturn"));
        m.functions.push(f);
        // And `halt`, which calls `abort`, does not.
        let void = fn_ty(Type::Void, vec![]);
        let mut abort = Function::declaration("abort", void.clone());
        abort.attrs.func.push(Attribute::flag("noreturn"));
        m.functions.push(abort);
        let mut b = FunctionBuilder::new("halt", void.clone());
        b.push_void(Op::Call(Box::new(Call::new(global_op("abort"), void, vec![]))));
        b.push_void(Op::Unreachable);
        let mut f = b.finish();
        f.attrs.func.push(Attribute::flag("noreturn"));
        m.functions.push(f);
        m.functions.push(plus_one("mix", ty));
        m
    };
    let main = r#"
#include <stdio.h>
int f(int), mix(int), rare(int);
int main(void) { printf(f(5) == mix(5) + 1 && rare(9) == 2 ? "ok\n" : "bad\n"); return 0; }
"#;
    let gcc = Gcc::find().expect("the tests need gcc (apt-get install gcc)");
    for hint in [true, false] {
        let m = program(hint);
        let c = check(&m, main);
        let object = crate::compile_to_object(&gcc, &m, &["-O2".into()], Duration::from_secs(120))
            .unwrap_or_else(|e| panic!("{e}\n{c}"));
        let file = object::File::parse(&*object).unwrap_or_else(|e| panic!("{e}"));
        let size = |name: &str| {
            let s = file.symbols().find(|s| s.name().is_ok_and(|n| n == name));
            s.map_or(0, |s| s.size())
        };
        let inlined = size("f") > size("mix");
        assert_eq!(inlined, hint, "inlinehint {hint}, `mix` inlined into `f` {inlined}:\n{c}");
        let rare = file.symbols().find(|s| s.name().is_ok_and(|n| n.contains("rare")));
        let section =
            rare.and_then(|s| s.section_index()).and_then(|i| file.section_by_index(i).ok());
        let section = section.and_then(|s| s.name().ok().map(String::from)).unwrap_or_default();
        assert!(section.starts_with(".text.unlikely"), "`rare` in {section:?}:\n{c}");
        let noreturn = c.lines().filter(|l| l.contains("__attribute__((noreturn))"));
        let noreturn: Vec<&str> = noreturn.collect();
        assert!(noreturn.len() == 2 && !noreturn.iter().any(|l| l.contains("back")), "{c}");
    }
}

#[test]
fn noalias_parameters_are_restrict() {
    // `f(a, b)` stores 1 through `a`, 2 through `b`, and reads `a`. Its parameters promise
    // not to alias; called with the same pointer twice, which breaks the promise, what it
    // returns shows whether gcc used it (LLVM's -O2 returns 1 as well).
    let program = |noalias: bool| {
        let mut m = module();
        let ty = fn_ty(Type::I32, vec![Type::Ptr, Type::Ptr]);
        let mut b = FunctionBuilder::new("f", ty);
        let (a, p) = (b.param(0), b.param(1));
        store(&mut b, int(32, 1), a.clone());
        store(&mut b, int(32, 2), p);
        let x = load(&mut b, Type::I32, a);
        b.ret(Some(x));
        let mut f = b.finish();
        if noalias {
            f.attrs.params = vec![vec![Attribute::flag("noalias")]; 2];
        }
        m.functions.push(f);
        m
    };
    let gcc = Gcc::find().expect("the tests need gcc (apt-get install gcc)");
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("main.c");
    let text = "#include <stdio.h>\nint f(int *, int *);\n\
                int main(void) { int x; printf(\"%d\\n\", f(&x, &x)); return 0; }\n";
    std::fs::write(&main, text).unwrap();
    for noalias in [true, false] {
        let m = program(noalias);
        let c = crate::emit::emit_module(&m).unwrap_or_else(|e| panic!("{e}"));
        let object = crate::compile_to_object(&gcc, &m, &["-O2".into()], Duration::from_secs(120))
            .unwrap_or_else(|e| panic!("{e}\n{c}"));
        let (obj, exe) = (dir.path().join("m.o"), dir.path().join("main"));
        std::fs::write(&obj, object).unwrap();
        let built = Command::new(gcc.path()).arg(&main).arg(&obj).arg("-o").arg(&exe).output();
        assert!(built.is_ok_and(|b| b.status.success()), "{c}");
        let ran = Command::new(&exe).output().unwrap();
        let expected = if noalias { "1\n" } else { "2\n" };
        assert_eq!(String::from_utf8_lossy(&ran.stdout), expected, "noalias {noalias}:\n{c}");
    }
}
