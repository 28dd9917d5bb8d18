//! Golden tests of the rendered violations: each case builds a module with planted faults
//! (or a module before and after a transform), renders what the verifier reports, one
//! violation per line, and compares it with `tests/golden/<case>.txt`. Set `OPM_BLESS=1` to
//! write the files instead. Together the cases cover every rule.

use opm_ir::types::MAX_INT_BITS;
use opm_ir::{
    Alias, Atomic, AtomicOrdering, Attribute, BinOp, BlockId, Call, CallConv, CastOp, Clause,
    Comdat, ComdatSelection, ConstExpr, Constant, Flags, FloatKind, FloatPredicate, Function,
    FunctionBuilder, FunctionType, Global, InlineAsm, Inst, IntPredicate, Linkage, Module, Op,
    Operand, Param, RmwOp, StructType, SymbolProps, SyncScope, TailKind, Type, ValueId,
};
use opm_verifier::{Violation, ViolationKind, check_preservation, verify_module};
use std::collections::BTreeSet;
use std::path::Path;

// --- Helpers ------------------------------------------------------------------------------

fn sig(ret: Type, params: Vec<Type>) -> FunctionType {
    FunctionType { ret, params, varargs: false }
}

fn module(functions: Vec<Function>, globals: Vec<Global>) -> Module {
    Module { functions, globals, ..Module::default() }
}

/// A builder for `name` whose parameters carry the given source names.
fn builder(name: &str, ret: Type, params: &[(&str, Type)]) -> FunctionBuilder {
    let ty = sig(ret, params.iter().map(|(_, t)| t.clone()).collect());
    let mut b = FunctionBuilder::new(name, ty);
    for (p, (n, _)) in b.func_mut().params.iter_mut().zip(params) {
        p.name = Some(n.to_string());
    }
    b.func_mut().blocks[0].name = Some("entry".into());
    b
}

/// Appends `%name = <op>` of type `ty`.
fn named(b: &mut FunctionBuilder, name: &str, ty: Type, op: Op) -> Operand {
    let v = b.fresh();
    b.push_inst(Inst { result: Some(v), name: Some(name.into()), ty, op });
    Operand::Value(v)
}

/// Appends `%name = <op>` defining the given value (for forward references and duplicates).
fn named_as(b: &mut FunctionBuilder, v: ValueId, name: &str, ty: Type, op: Op) {
    b.push_inst(Inst { result: Some(v), name: Some(name.into()), ty, op });
}

fn int(bits: u32, value: i128) -> Operand {
    Operand::int(bits, value)
}

fn c(constant: Constant) -> Operand {
    Operand::Const(constant)
}

fn bin(op: BinOp, lhs: Operand, rhs: Operand) -> Op {
    Op::Bin { op, flags: Flags::NONE, lhs, rhs }
}

fn phi(incoming: Vec<(Operand, BlockId)>) -> Op {
    Op::Phi { flags: Flags::NONE, incoming }
}

fn call(callee: Operand, fn_ty: FunctionType, args: Vec<Operand>) -> Call {
    Call::new(callee, fn_ty, args)
}

fn global(name: &str, init: Constant) -> Global {
    Global {
        name: name.into(),
        ty: init.ty(),
        init: Some(init),
        is_constant: false,
        props: SymbolProps::default(),
        thread_local: None,
        externally_initialized: false,
    }
}

fn atomic(ordering: AtomicOrdering) -> Atomic {
    Atomic { ordering, scope: SyncScope::System }
}

fn load_atomic(ptr: Operand, align: u64, ordering: AtomicOrdering) -> Op {
    Op::Load { ptr, align, volatile: false, atomic: Some(atomic(ordering)) }
}

fn store_atomic(val: Operand, ptr: Operand, align: u64, ordering: AtomicOrdering) -> Op {
    Op::Store { val, ptr, align, volatile: false, atomic: Some(atomic(ordering)) }
}

fn rmw(op: RmwOp, ptr: Operand, val: Operand, ordering: AtomicOrdering) -> Op {
    Op::AtomicRmw { op, ptr, val, align: 4, volatile: false, atomic: atomic(ordering) }
}

fn cmpxchg(
    ptr: Operand,
    cmp: Operand,
    new: Operand,
    success: AtomicOrdering,
    failure: AtomicOrdering,
) -> Op {
    Op::CmpXchg {
        ptr,
        cmp,
        new,
        align: 8,
        volatile: false,
        weak: false,
        success,
        failure,
        scope: SyncScope::System,
    }
}

/// `{ ptr, i32 }`, the exception record of the Itanium ABI.
fn exception_ty() -> Type {
    Type::literal_struct(vec![Type::Ptr, Type::I32])
}

fn invoke(
    callee: &str,
    fn_ty: FunctionType,
    args: Vec<Operand>,
    normal: BlockId,
    unwind: BlockId,
) -> Op {
    Op::Invoke { call: Box::new(call(Operand::global(callee), fn_ty, args)), normal, unwind }
}

fn alias(name: &str, aliasee: Constant) -> Alias {
    Alias {
        name: name.into(),
        ty: Type::I32,
        aliasee,
        props: SymbolProps::default(),
        thread_local: None,
    }
}

fn comdat(name: &str, selection: ComdatSelection) -> Option<Comdat> {
    Some(Comdat { name: name.into(), selection })
}

fn asm(fn_ty: FunctionType) -> Constant {
    Constant::Asm(Box::new(InlineAsm {
        fn_ty,
        asm: String::new(),
        constraints: "~{memory}".into(),
        side_effect: true,
        align_stack: false,
        dialect: Default::default(),
        can_unwind: false,
    }))
}

fn gep_const(base: &str, offset: i128) -> Constant {
    Constant::Expr(Box::new(ConstExpr::Gep {
        source_ty: Type::I8,
        base: Constant::Global(base.into()),
        indices: vec![Constant::int(64, offset)],
        flags: Flags::NONE,
    }))
}

fn block_address(function: &str, block: u32) -> Constant {
    Constant::BlockAddress { function: function.into(), block: BlockId(block) }
}

// --- Cases --------------------------------------------------------------------------------

/// A module that is fine: no output.
fn valid() -> Vec<Violation> {
    let mut b = builder("sum", Type::I32, &[("n", Type::I32)]);
    let (lp, body, exit) = (b.block("loop"), b.block("body"), b.block("exit"));
    let (i, i2) = (b.fresh(), b.fresh());
    b.br(lp);
    b.position(lp);
    named_as(&mut b, i, "i", Type::I32, phi(vec![(int(32, 0), BlockId(0)), (i2.into(), body)]));
    let cmp =
        Op::ICmp { pred: IntPredicate::Slt, flags: Flags::NONE, lhs: i.into(), rhs: b.param(0) };
    let done = named(&mut b, "done", Type::BOOL, cmp);
    b.cond_br(done, exit, body);
    b.position(body);
    named_as(&mut b, i2, "i.next", Type::I32, bin(BinOp::Add, i.into(), int(32, 1)));
    b.br(lp);
    b.position(exit);
    b.ret(Some(i.into()));
    let thrower = sig(Type::I32, vec![Type::I32]);
    let personality = FunctionType { ret: Type::I32, params: vec![], varargs: true };
    let mut counter = global("counter", Constant::int(32, 0));
    counter.props.comdat = comdat("eh", ComdatSelection::Any);
    let mut typeinfo = global("typeinfo", Constant::Null);
    typeinfo.init = None;
    let targets = Constant::Array {
        elem: Type::Ptr,
        elems: vec![block_address("goto", 1), block_address("goto", 2)],
    };
    let mut m = module(
        vec![
            b.finish(),
            valid_eh(),
            valid_atomics(),
            valid_goto(),
            Function::declaration("may_throw", thrower),
            Function::declaration("__gxx_personality_v0", personality),
        ],
        vec![counter, typeinfo, global("targets", targets)],
    );
    let mut eh_alias = alias("eh_alias", Constant::Global("eh".into()));
    eh_alias.ty = Type::Function(Box::new(sig(Type::I32, vec![Type::BOOL, Type::I32])));
    m.aliases = vec![
        alias("counter_alias", Constant::Global("counter".into())),
        alias("counter_byte", gep_const("counter", 1)),
        alias("alias_of_alias", Constant::Global("counter_alias".into())),
        eh_alias,
    ];
    verify_module(&m)
}

/// Two invokes (the second's normal edge is critical, its result taken by a phi along it),
/// one landing pad, a resume; a call through an alias.
fn valid_eh() -> Function {
    let thrower = sig(Type::I32, vec![Type::I32]);
    let mut b = builder("eh", Type::I32, &[("c", Type::BOOL), ("x", Type::I32)]);
    let x = b.param(1);
    let (try_, cont, join, lpad) =
        (b.block("try"), b.block("cont"), b.block("join"), b.block("lpad"));
    b.cond_br(b.param(0), try_, join);
    b.position(try_);
    let (r, t) = (b.fresh(), b.fresh());
    named_as(&mut b, r, "r", Type::I32, invoke("may_throw", thrower.clone(), vec![x], cont, lpad));
    b.position(cont);
    let s = named(&mut b, "s", Type::I32, bin(BinOp::Add, r.into(), int(32, 1)));
    let again = Call::new(
        Operand::global("eh_alias"),
        sig(Type::I32, vec![Type::BOOL, Type::I32]),
        vec![c(Constant::bool(false)), s.clone()],
    );
    named(&mut b, "again", Type::I32, Op::Call(Box::new(again)));
    named_as(&mut b, t, "t", Type::I32, invoke("may_throw", thrower, vec![s], join, lpad));
    b.position(join);
    let v = named(&mut b, "v", Type::I32, phi(vec![(int(32, 0), BlockId(0)), (t.into(), cont)]));
    b.ret(Some(v));
    b.position(lpad);
    let clauses = vec![
        Clause::Catch(Constant::Global("typeinfo".into())),
        Clause::Catch(Constant::Null),
        Clause::Filter(Constant::Array {
            elem: Type::Ptr,
            elems: vec![Constant::Global("typeinfo".into())],
        }),
        Clause::Filter(Constant::Zero(Type::array(0, Type::Ptr))),
    ];
    let lp = named(&mut b, "lp", exception_ty(), Op::LandingPad { cleanup: true, clauses });
    b.push_void(Op::Resume { val: lp });
    let mut f = b.finish();
    f.personality = Some(Constant::Global("__gxx_personality_v0".into()));
    f.props.comdat = comdat("eh", ComdatSelection::Any);
    f
}

/// Every atomic operation with orderings, alignments and types it may have; a barrier.
fn valid_atomics() -> Function {
    use AtomicOrdering::*;
    let params = [("p", Type::Ptr), ("x", Type::I32), ("f", Type::Float), ("q", Type::Ptr)];
    let mut b = builder("atomics", Type::Void, &params);
    let (p, x, f, q) = (b.param(0), b.param(1), b.param(2), b.param(3));
    named(&mut b, "a", Type::I32, load_atomic(p.clone(), 4, Acquire));
    named(&mut b, "v", Type::vector(2, Type::I32), load_atomic(p.clone(), 8, Unordered));
    named(&mut b, "l", Type::Fp128, load_atomic(p.clone(), 16, SeqCst));
    b.push_void(store_atomic(f.clone(), p.clone(), 4, Release));
    named(&mut b, "add", Type::I32, rmw(RmwOp::Add, p.clone(), x, Monotonic));
    named(&mut b, "fadd", Type::Float, rmw(RmwOp::FAdd, p.clone(), f, SeqCst));
    named(&mut b, "xchg", Type::Ptr, rmw(RmwOp::Xchg, p.clone(), q.clone(), AcqRel));
    let pair = Type::literal_struct(vec![Type::Ptr, Type::BOOL]);
    named(&mut b, "cx", pair, cmpxchg(p, q.clone(), q, AcqRel, Acquire));
    b.push_void(Op::Fence { atomic: Atomic { ordering: SeqCst, scope: SyncScope::SingleThread } });
    b.push_void(Op::Fence { atomic: atomic(Acquire) });
    let barrier = sig(Type::Void, vec![]);
    b.push_void(Op::Call(Box::new(call(c(asm(barrier.clone())), barrier, vec![]))));
    b.ret(None);
    b.finish()
}

/// A computed goto (its block addresses in `@targets`), wide integers, x87 and binary128
/// floats.
fn valid_goto() -> Function {
    let i256 = Type::Int(256);
    let mut b = builder("goto", i256.clone(), &[("dest", Type::Ptr), ("w", i256.clone())]);
    let (a, bb) = (b.block("a"), b.block("b"));
    b.push_void(Op::IndirectBr { addr: b.param(0), dests: vec![a, bb] });
    b.position(a);
    let big = Constant::from_words(256, &[1, 0, 0, 1 << 63]);
    let w = b.param(1);
    let sum = named(&mut b, "sum", i256, bin(BinOp::Add, w, c(big)));
    b.ret(Some(sum));
    b.position(bb);
    let one = Constant::Float { kind: FloatKind::X86Fp80, bits: 0x3fff_8000_0000_0000_0000 };
    let two = named(&mut b, "two", Type::X86Fp80, bin(BinOp::FAdd, c(one.clone()), c(one)));
    let cast = Op::Cast { op: CastOp::FPExt, flags: Flags::NONE, val: two };
    named(&mut b, "quad", Type::Fp128, cast);
    b.ret(Some(b.param(1)));
    b.finish()
}

fn structure() -> Vec<Violation> {
    let mut b = builder("main", Type::I32, &[("n", Type::I32)]);
    let (lp, empty, done) = (b.block("loop"), b.block("empty"), b.block("done"));
    let n = b.param(0);
    let x = named(&mut b, "x", Type::I32, bin(BinOp::Add, n, int(32, 1)));
    b.push_void(Op::Unreachable);
    b.br(lp);
    b.position(lp);
    named(&mut b, "sq", Type::I32, bin(BinOp::Mul, x.clone(), x.clone()));
    named(&mut b, "p", Type::I32, phi(vec![(x.clone(), BlockId(0))]));
    b.br(BlockId(0));
    let _ = empty;
    b.position(done);
    b.push_void(Op::Store {
        val: x,
        ptr: c(Constant::Null),
        align: 4,
        volatile: false,
        atomic: None,
    });

    let mut r = builder("results", Type::Void, &[]);
    let g_ty = sig(Type::Void, vec![]);
    named(
        &mut r,
        "nothing",
        Type::Void,
        Op::Call(Box::new(call(Operand::global("g"), g_ty.clone(), vec![]))),
    );
    r.push_inst(Inst {
        result: None,
        name: None,
        ty: Type::I32,
        op: bin(BinOp::Add, int(32, 1), int(32, 2)),
    });
    named(&mut r, "v", Type::Void, bin(BinOp::Add, int(32, 1), int(32, 2)));
    r.push_inst(Inst {
        result: None,
        name: None,
        ty: Type::I32,
        op: Op::Store {
            val: int(32, 1),
            ptr: c(Constant::Null),
            align: 4,
            volatile: false,
            atomic: None,
        },
    });
    r.ret(None);
    let g = Function::declaration("g", g_ty);
    verify_module(&module(vec![b.finish(), r.finish(), g], vec![]))
}

fn ssa() -> Vec<Violation> {
    let mut b = builder("ssa", Type::I32, &[("c", Type::BOOL), ("a", Type::I32)]);
    let (left, right, join) = (b.block("left"), b.block("right"), b.block("join"));
    let (late, this, l) = (b.fresh(), b.fresh(), b.fresh());
    named(&mut b, "early", Type::I32, bin(BinOp::Add, late.into(), int(32, 1)));
    let a = b.param(1);
    named_as(&mut b, late, "late", Type::I32, bin(BinOp::Add, a.clone(), int(32, 1)));
    named_as(&mut b, this, "self", Type::I32, bin(BinOp::Add, this.into(), int(32, 1)));
    b.cond_br(b.param(0), left, right);
    b.position(left);
    named_as(&mut b, l, "l", Type::I32, bin(BinOp::Mul, late.into(), int(32, 2)));
    b.br(join);
    b.position(right);
    let a = a.as_value().unwrap();
    named_as(&mut b, a, "a", Type::I32, bin(BinOp::Sub, int(32, 0), late.into()));
    b.br(join);
    b.position(join);
    let m = named(&mut b, "m", Type::I32, phi(vec![(l.into(), left), (l.into(), right)]));
    let n = named(&mut b, "n", Type::I32, bin(BinOp::Add, l.into(), m));
    b.ret(Some(n));
    verify_module(&module(vec![b.finish()], vec![]))
}

fn phis() -> Vec<Violation> {
    let mut b = builder("phis", Type::I32, &[("k", Type::I32)]);
    let (other, join) = (b.block("other"), b.block("join"));
    let entry = BlockId(0);
    b.switch(b.param(0), other, &[(1, join), (2, join)]);
    b.position(other);
    b.br(join);
    b.position(join);
    named(&mut b, "one", Type::I32, phi(vec![(int(32, 0), entry), (int(32, 1), other)]));
    named(
        &mut b,
        "two",
        Type::I32,
        phi(vec![(int(32, 0), entry), (int(32, 1), entry), (int(32, 2), other)]),
    );
    let three = phi(vec![
        (int(32, 0), entry),
        (int(32, 0), entry),
        (int(32, 2), other),
        (int(32, 3), join),
    ]);
    named(&mut b, "three", Type::I32, three);
    named(&mut b, "four", Type::I32, phi(vec![(int(32, 0), entry), (int(32, 0), entry)]));
    named(
        &mut b,
        "five",
        Type::I64,
        phi(vec![(int(64, 0), entry), (int(64, 0), entry), (int(32, 5), other)]),
    );
    named(&mut b, "six", Type::I32, phi(vec![]));
    b.ret(Some(int(32, 0)));
    verify_module(&module(vec![b.finish()], vec![]))
}

fn operand_types() -> Vec<Violation> {
    let v4 = Type::vector(4, Type::I32);
    let params = [("p", Type::Ptr), ("x", Type::I32), ("f", Type::Float), ("v", v4.clone())];
    let mut b = builder("types", Type::Float, &params);
    let (p, x, f, v) = (b.param(0), b.param(1), b.param(2), b.param(3));
    named(&mut b, "a", Type::I32, bin(BinOp::Add, x.clone(), int(64, 1)));
    named(&mut b, "b", Type::I32, bin(BinOp::FAdd, x.clone(), x.clone()));
    named(
        &mut b,
        "c",
        Type::BOOL,
        Op::ICmp { pred: IntPredicate::Eq, flags: Flags::NONE, lhs: f.clone(), rhs: f.clone() },
    );
    let fcmp = Op::FCmp {
        pred: FloatPredicate::Olt,
        flags: Flags::NONE,
        lhs: f.clone(),
        rhs: c(Constant::f64(1.0)),
    };
    named(&mut b, "d", Type::BOOL, fcmp);
    let vcmp =
        Op::ICmp { pred: IntPredicate::Slt, flags: Flags::NONE, lhs: v.clone(), rhs: v.clone() };
    named(&mut b, "e", Type::BOOL, vcmp);
    let select = Op::Select {
        flags: Flags::NONE,
        cond: x.clone(),
        then_val: f.clone(),
        else_val: x.clone(),
    };
    named(&mut b, "s", Type::Float, select);
    named(
        &mut b,
        "g",
        Type::I32,
        Op::Load { ptr: x.clone(), align: 4, volatile: false, atomic: None },
    );
    b.push_void(Op::Store {
        val: f.clone(),
        ptr: int(64, 0),
        align: 4,
        volatile: false,
        atomic: None,
    });
    named(&mut b, "h", Type::I64, Op::Freeze { val: x.clone() });
    named(&mut b, "i", Type::I32, Op::ExtractElement { vec: x, index: int(32, 0) });
    named(&mut b, "j", Type::I64, Op::ExtractElement { vec: v, index: int(32, 0) });
    named(&mut b, "k", Type::I32, Op::VaArg { list: f });
    let _ = p;
    b.ret(Some(int(32, 0)));
    verify_module(&module(vec![b.finish()], vec![]))
}

fn casts() -> Vec<Violation> {
    let mut b = builder(
        "casts",
        Type::Void,
        &[("x", Type::I32), ("h", Type::Half), ("v", Type::vector(2, Type::I32))],
    );
    let (x, h, v) = (b.param(0), b.param(1), b.param(2));
    let cast = |op, val| Op::Cast { op, flags: Flags::NONE, val };
    named(&mut b, "wide", Type::I64, cast(CastOp::Trunc, x.clone()));
    named(&mut b, "narrow", Type::I8, cast(CastOp::SExt, x.clone()));
    named(&mut b, "bf", Type::BFloat, cast(CastOp::FPTrunc, h));
    named(&mut b, "lanes", Type::Float, cast(CastOp::SIToFP, v));
    named(&mut b, "addr", Type::I64, cast(CastOp::PtrToInt, x.clone()));
    named(&mut b, "ptr", Type::Ptr, cast(CastOp::BitCast, int(64, 0)));
    named(&mut b, "bits", Type::I64, cast(CastOp::BitCast, x));
    b.ret(None);
    verify_module(&module(vec![b.finish()], vec![]))
}

fn memory() -> Vec<Violation> {
    let opaque =
        Type::Struct(StructType { name: Some("opaque".into()), body: None, packed: false });
    let node = Type::Struct(StructType {
        name: Some("struct.node".into()),
        body: Some(vec![Type::I32, Type::array(4, Type::I8)]),
        packed: false,
    });
    let mut b =
        builder("memory", Type::Void, &[("i", Type::I64), ("lanes", Type::vector(2, Type::I64))]);
    let (i, lanes) = (b.param(0), b.param(1));
    named(&mut b, "o", Type::Ptr, Op::Alloca { ty: opaque, count: int(32, 1), align: 8 });
    let n = named(
        &mut b,
        "n",
        Type::Ptr,
        Op::Alloca { ty: node.clone(), count: c(Constant::f32(2.0)), align: 8 },
    );
    let gep = |base: Operand, indices| Op::Gep {
        source_ty: node.clone(),
        flags: Flags::INBOUNDS,
        base,
        indices,
    };
    named(&mut b, "field", Type::Ptr, gep(n.clone(), vec![int(64, 0), i.clone()]));
    named(&mut b, "past", Type::Ptr, gep(n.clone(), vec![int(64, 0), int(32, 2)]));
    named(&mut b, "deep", Type::Ptr, gep(n.clone(), vec![int(64, 0), int(32, 0), int(64, 1)]));
    named(&mut b, "many", Type::Ptr, gep(n.clone(), vec![lanes]));
    named(&mut b, "notptr", Type::Ptr, gep(i, vec![int(64, 0)]));
    b.ret(None);
    verify_module(&module(vec![b.finish()], vec![]))
}

fn aggregates() -> Vec<Violation> {
    let pair = Type::literal_struct(vec![Type::I32, Type::array(2, Type::Float)]);
    let v4 = Type::vector(4, Type::I32);
    let mut b = builder("aggregates", Type::Void, &[("s", pair.clone()), ("v", v4.clone())]);
    let (s, v) = (b.param(0), b.param(1));
    named(&mut b, "a", Type::Float, Op::ExtractValue { agg: s.clone(), indices: vec![] });
    named(&mut b, "b", Type::Float, Op::ExtractValue { agg: s.clone(), indices: vec![1, 2] });
    named(&mut b, "c", Type::I32, Op::ExtractValue { agg: s.clone(), indices: vec![1, 0] });
    named(&mut b, "d", pair, Op::InsertValue { agg: s, val: int(64, 0), indices: vec![0] });
    named(&mut b, "e", Type::I32, Op::ExtractValue { agg: v.clone(), indices: vec![0] });
    let shuffle = Op::ShuffleVector { a: v.clone(), b: v, mask: vec![0, 8, -1, -7] };
    named(&mut b, "f", v4, shuffle);
    b.ret(None);
    verify_module(&module(vec![b.finish()], vec![]))
}

fn terminators() -> Vec<Violation> {
    let mut b = builder("terminators", Type::I32, &[("k", Type::I8), ("p", Type::Ptr)]);
    let (a, bb, d) = (b.block("a"), b.block("b"), b.block("d"));
    b.cond_br(b.param(0), a, bb);
    b.position(a);
    b.switch(b.param(0), d, &[(1, d), (300, d), (1, bb)]);
    b.position(bb);
    b.switch(b.param(1), d, &[]);
    b.position(d);
    b.ret(None);
    let mut v = builder("returns_void", Type::Void, &[]);
    v.ret(Some(int(32, 0)));
    let mut w = builder("returns_i32", Type::I32, &[]);
    w.ret(Some(int(64, 0)));
    verify_module(&module(vec![b.finish(), v.finish(), w.finish()], vec![]))
}

fn calls() -> Vec<Violation> {
    let printf_ty = FunctionType { ret: Type::I32, params: vec![Type::Ptr], varargs: true };
    let unproto_ty = FunctionType { ret: Type::I32, params: vec![], varargs: true };
    let abs_ty = sig(Type::I32, vec![Type::I32]);
    let mut b = builder("calls", Type::I32, &[("x", Type::I32), ("fp", Type::Ptr)]);
    let (x, fp) = (b.param(0), b.param(1));
    let direct = |b: &mut FunctionBuilder, name: &str, callee: &str, ty: FunctionType, args| {
        let ret = ty.ret.clone();
        named(b, name, ret, Op::Call(Box::new(call(Operand::global(callee), ty, args))))
    };
    direct(&mut b, "none", "printf", printf_ty.clone(), vec![]);
    direct(&mut b, "wrong", "printf", printf_ty, vec![x.clone(), x.clone()]);
    direct(&mut b, "long", "abs", sig(Type::I64, vec![Type::I64]), vec![int(64, 1)]);
    direct(&mut b, "old", "old", sig(Type::I32, vec![Type::Double]), vec![c(Constant::f64(1.0))]);
    direct(&mut b, "oldlong", "old", sig(Type::I64, vec![]), vec![]);
    direct(&mut b, "var", "counter", sig(Type::I32, vec![]), vec![]);
    let indirect = call(x.clone(), abs_ty.clone(), vec![x.clone()]);
    named(&mut b, "ind", Type::I64, Op::Call(Box::new(indirect)));
    let mut tail = call(fp, abs_ty, vec![x.clone()]);
    tail.tail = TailKind::MustTail;
    named(&mut b, "t", Type::I32, Op::Call(Box::new(tail)));
    b.ret(Some(x));
    let m = module(
        vec![
            b.finish(),
            Function::declaration(
                "printf",
                FunctionType { ret: Type::I32, params: vec![Type::Ptr], varargs: true },
            ),
            Function::declaration("abs", sig(Type::I32, vec![Type::I32])),
            Function::declaration("old", unproto_ty),
        ],
        vec![global("counter", Constant::int(32, 0))],
    );
    verify_module(&m)
}

fn flags() -> Vec<Violation> {
    let mut b = builder("flags", Type::Void, &[("x", Type::I32), ("f", Type::Float)]);
    let (x, f) = (b.param(0), b.param(1));
    let or = Op::Bin {
        op: BinOp::Or,
        flags: Flags::NSW | Flags::DISJOINT,
        lhs: x.clone(),
        rhs: int(32, 8),
    };
    named(&mut b, "or", Type::I32, or);
    let icmp = Op::ICmp {
        pred: IntPredicate::Ult,
        flags: Flags::SAMESIGN | Flags::NUW,
        lhs: x.clone(),
        rhs: int(32, 8),
    };
    named(&mut b, "lt", Type::BOOL, icmp);
    named(
        &mut b,
        "t",
        Type::I8,
        Op::Cast { op: CastOp::Trunc, flags: Flags::NNEG | Flags::NSW, val: x.clone() },
    );
    let select = Op::Select {
        flags: Flags::FAST,
        cond: c(Constant::bool(true)),
        then_val: x.clone(),
        else_val: int(32, 0),
    };
    named(&mut b, "sel", Type::I32, select);
    let fselect = Op::Select {
        flags: Flags::NNAN,
        cond: c(Constant::bool(true)),
        then_val: f.clone(),
        else_val: f,
    };
    named(&mut b, "fsel", Type::Float, fselect);
    let add = Op::Bin { op: BinOp::Add, flags: Flags(1 << 20), lhs: x.clone(), rhs: x };
    named(&mut b, "odd", Type::I32, add);
    b.ret(None);
    verify_module(&module(vec![b.finish()], vec![]))
}

fn malformed() -> Vec<Violation> {
    let pair = Type::literal_struct(vec![Type::I32, Type::Ptr]);
    let mut b = builder("malformed", Type::Void, &[]);
    named(&mut b, "zero", Type::Int(0), Op::Freeze { val: int(0, 0) });
    let bad_vec = Type::vector(0, Type::array(1, Type::I8));
    named(&mut b, "vec", Type::Ptr, Op::Alloca { ty: bad_vec, count: int(32, 1), align: 0 });
    named(&mut b, "big", Type::I8, Op::Freeze { val: c(Constant::Int { bits: 8, value: 0x1ff }) });
    let mixed = Constant::Vector(vec![Constant::int(32, 1), Constant::f32(1.0)]);
    named(&mut b, "mixed", mixed.ty(), Op::Freeze { val: c(mixed) });
    let short = Constant::Struct { ty: pair.clone(), fields: vec![Constant::int(32, 1)] };
    named(&mut b, "short", pair, Op::Freeze { val: c(short) });
    b.ret(None);
    let decl = Function::declaration("decl", sig(Type::Int(MAX_INT_BITS + 1), vec![Type::Void]));
    let zext = ConstExpr::Cast { op: CastOp::ZExt, val: Constant::int(8, 1), to: Type::I32 };
    let gep = ConstExpr::Gep {
        source_ty: Type::I32,
        base: Constant::Global("zext".into()),
        indices: vec![Constant::int(64, 0), Constant::int(64, 1)],
        flags: Flags::NSW,
    };
    let mut void = global("nothing", Constant::int(8, 0));
    void.ty = Type::Void;
    void.init = None;
    let globals = vec![
        global("zext", Constant::Expr(Box::new(zext))),
        global("gep", Constant::Expr(Box::new(gep))),
        global("undef", Constant::Undef(Type::Void)),
        void,
    ];
    verify_module(&module(vec![b.finish(), decl], globals))
}

fn references() -> Vec<Violation> {
    let mut b = builder("refs", Type::I32, &[("x", Type::I32)]);
    let x = b.param(0);
    named(&mut b, "y", Type::I32, bin(BinOp::Add, x, Operand::Value(ValueId(42))));
    named(&mut b, "p", Type::I32, phi(vec![(int(32, 0), BlockId(9))]));
    let gep = Op::Gep {
        source_ty: Type::I8,
        flags: Flags::NONE,
        base: Operand::global("nowhere"),
        indices: vec![],
    };
    named(&mut b, "q", Type::Ptr, gep);
    b.cond_br(c(Constant::bool(false)), BlockId(7), BlockId(0));
    let mut f = b.finish();
    f.params.push(Param { value: ValueId(99), name: Some("extra".into()) });
    let mut wrong = global("wrong", Constant::int(32, 0));
    wrong.ty = Type::I64;
    let globals = vec![
        global("refs", Constant::int(32, 0)),
        wrong,
        global("dangling", Constant::Global("missing".into())),
    ];
    verify_module(&module(vec![f], globals))
}

/// A library: exported `@api(i8 signext, ptr byval)`, a private helper, exported globals.
fn library() -> Module {
    let pair = Type::literal_struct(vec![Type::I32, Type::I32]);
    let mut api = builder("api", Type::I32, &[("c", Type::I8), ("s", Type::Ptr)]);
    api.ret(Some(int(32, 0)));
    let mut api = api.finish();
    api.attrs.params = vec![
        vec![Attribute::flag("signext")],
        vec![Attribute::Type { name: "byval".into(), ty: pair }],
    ];
    let mut helper = builder("helper", Type::Void, &[]);
    helper.ret(None);
    let mut helper = helper.finish();
    helper.props.linkage = Linkage::Private;
    let mut exported = builder("exported", Type::Void, &[]);
    exported.ret(None);
    let mut weak = builder("weak_hook", Type::Void, &[]);
    weak.ret(None);
    let mut weak = weak.finish();
    weak.props.linkage = Linkage::Weak;
    let mut m = module(
        vec![api, helper, exported.finish(), weak],
        vec![
            global("table", Constant::Array { elem: Type::I32, elems: vec![Constant::int(32, 1)] }),
            global("limit", Constant::int(64, 10)),
        ],
    );
    m.target_triple = "x86_64-pc-linux-gnu".into();
    m.data_layout = "e-m:e-i64:64-n8:16:32:64-S128".into();
    m
}

fn preservation_symbols() -> Vec<Violation> {
    let before = library();
    let mut after = before.clone();
    after.functions.retain(|f| f.name != "exported" && f.name != "helper");
    after.functions[0].blocks.clear(); // @api
    after.functions[1].props.linkage = Linkage::Internal; // @weak_hook
    after.globals.retain(|g| g.name != "limit");
    after.globals.push(global("exported", Constant::int(8, 0)));
    after.globals[0].init = None; // @table
    check_preservation(&before, &after)
}

fn preservation_interfaces() -> Vec<Violation> {
    let before = library();
    let mut after = before.clone();
    let api = &mut after.functions[0];
    api.ty.params[0] = Type::I32;
    api.cconv = CallConv::FAST;
    api.attrs.params[0] = vec![Attribute::flag("zeroext")];
    api.attrs.params[1] =
        vec![Attribute::Type { name: "byval".into(), ty: Type::literal_struct(vec![Type::I64]) }];
    api.attrs.ret = vec![Attribute::flag("inreg")];
    let table = &mut after.globals[0];
    table.init = Some(Constant::int(32, 1));
    table.ty = Type::I32;
    after.globals[1].is_constant = true;
    after.target_triple = "aarch64-unknown-linux-gnu".into();
    after.data_layout = "e-m:e-i8:8:32-i16:16:32-i64:64-i128:128-n32:64-S128".into();
    check_preservation(&before, &after)
}

fn atomics() -> Vec<Violation> {
    use AtomicOrdering::*;
    let s_ty = Type::literal_struct(vec![Type::I32]);
    let params = [
        ("p", Type::Ptr),
        ("x", Type::I32),
        ("f", Type::Float),
        ("odd", Type::Int(24)),
        ("s", s_ty.clone()),
    ];
    let mut b = builder("atomics", Type::Void, &params);
    let (p, x, f, odd, s) = (b.param(0), b.param(1), b.param(2), b.param(3), b.param(4));
    named(&mut b, "rel", Type::I32, load_atomic(p.clone(), 4, Release));
    named(&mut b, "unaligned", Type::I32, load_atomic(p.clone(), 0, Acquire));
    named(&mut b, "agg", s_ty.clone(), load_atomic(p.clone(), 4, SeqCst));
    named(&mut b, "ld", Type::X86Fp80, load_atomic(p.clone(), 16, SeqCst));
    b.push_void(store_atomic(odd, p.clone(), 4, AcqRel));
    named(&mut b, "add", Type::Float, rmw(RmwOp::Add, p.clone(), f.clone(), Unordered));
    named(&mut b, "fadd", Type::I32, rmw(RmwOp::FAdd, p.clone(), x.clone(), SeqCst));
    named(&mut b, "xchg", s_ty, rmw(RmwOp::Xchg, p.clone(), s, SeqCst));
    named(&mut b, "wide", Type::I64, rmw(RmwOp::Xchg, p.clone(), x.clone(), Monotonic));
    let pair = |t| Type::literal_struct(vec![t, Type::BOOL]);
    named(
        &mut b,
        "cx1",
        pair(Type::I32),
        cmpxchg(p.clone(), x.clone(), int(64, 0), AcqRel, Release),
    );
    named(&mut b, "cx2", pair(Type::Float), cmpxchg(p.clone(), f.clone(), f, Unordered, Unordered));
    named(&mut b, "cx3", Type::I32, cmpxchg(p, x.clone(), x, SeqCst, SeqCst));
    b.push_void(Op::Fence { atomic: atomic(Monotonic) });
    b.ret(None);
    verify_module(&module(vec![b.finish()], vec![]))
}

fn exceptions() -> Vec<Violation> {
    let thrower = sig(Type::I32, vec![Type::I32]);
    let float_thrower = sig(Type::Float, vec![]);
    let mut b = builder("eh", Type::I32, &[("c", Type::BOOL), ("x", Type::I32)]);
    let x = b.param(1);
    let (try_, cont, join, lpad, other) =
        (b.block("try"), b.block("cont"), b.block("join"), b.block("lpad"), b.block("other"));
    b.cond_br(b.param(0), try_, join);
    b.position(try_);
    let (r, t) = (b.fresh(), b.fresh());
    let mut tail = invoke("may_throw", thrower.clone(), vec![x.clone()], cont, lpad);
    if let Op::Invoke { call, .. } = &mut tail {
        call.tail = TailKind::Tail;
    }
    named_as(&mut b, r, "r", Type::I32, tail);
    b.position(cont);
    let mut fast = invoke("may_throw_f", float_thrower, vec![], join, lpad);
    if let Op::Invoke { call, .. } = &mut fast {
        call.flags = Flags::NNAN;
    }
    named(&mut b, "fl", Type::Float, fast);
    b.position(join);
    named_as(&mut b, t, "t", Type::I32, invoke("may_throw", thrower, vec![r.into()], join, join));
    b.position(lpad);
    named(&mut b, "before", Type::I32, bin(BinOp::Add, x.clone(), int(32, 1)));
    let lp =
        named(&mut b, "lp", exception_ty(), Op::LandingPad { cleanup: false, clauses: vec![] });
    named(&mut b, "late", Type::I32, bin(BinOp::Add, r.into(), int(32, 1)));
    b.push_void(Op::Resume { val: lp });
    b.position(other);
    let clauses = vec![
        Clause::Catch(Constant::int(32, 0)),
        Clause::Filter(Constant::int(32, 0)),
        Clause::Filter(Constant::Undef(Type::array(1, Type::Ptr))),
    ];
    let short = Type::literal_struct(vec![Type::Ptr]);
    named(&mut b, "lp2", short, Op::LandingPad { cleanup: true, clauses });
    b.push_void(Op::Resume { val: int(32, 0) });
    let mut eh = b.finish();
    eh.personality = Some(Constant::Global("__gxx_personality_v0".into()));

    // A landing pad in the entry block, another reached by a branch; no personality.
    let mut n = builder("no_personality", Type::Void, &[]);
    let pad = n.block("pad");
    named(&mut n, "lp", exception_ty(), Op::LandingPad { cleanup: true, clauses: vec![] });
    n.br(pad);
    n.position(pad);
    let lp =
        named(&mut n, "lp2", exception_ty(), Op::LandingPad { cleanup: true, clauses: vec![] });
    n.push_void(Op::Resume { val: lp });
    let mut d = Function::declaration("declared", sig(Type::Void, vec![]));
    d.personality = Some(Constant::Global("__gxx_personality_v0".into()));
    let mut w = builder("wrong_personality", Type::Void, &[]);
    w.ret(None);
    let mut w = w.finish();
    w.personality = Some(Constant::int(32, 0));
    let personality = FunctionType { ret: Type::I32, params: vec![], varargs: true };
    let m = module(
        vec![
            eh,
            n.finish(),
            d,
            w,
            Function::declaration("may_throw", sig(Type::I32, vec![Type::I32])),
            Function::declaration("may_throw_f", sig(Type::Float, vec![])),
            Function::declaration("__gxx_personality_v0", personality),
        ],
        vec![],
    );
    verify_module(&m)
}

fn constants() -> Vec<Violation> {
    let mut b = builder("consts", Type::Void, &[("p", Type::Ptr), ("x", Type::I32)]);
    let (p, x) = (b.param(0), b.param(1));
    let (a, bb) = (b.block("a"), b.block("b"));
    let freeze = |k: Constant| Op::Freeze { val: c(k) };
    named(&mut b, "narrow", Type::Int(200), freeze(Constant::Int { bits: 200, value: 1 }));
    named(
        &mut b,
        "wide",
        Type::Int(100),
        freeze(Constant::WideInt { bits: 100, words: vec![1, 0] }),
    );
    named(
        &mut b,
        "words",
        Type::Int(256),
        freeze(Constant::WideInt { bits: 256, words: vec![1, 2] }),
    );
    let high = Constant::WideInt { bits: 200, words: vec![0, 0, 0, 1 << 9] };
    named(&mut b, "high", Type::Int(200), freeze(high));
    let ld = Constant::Float { kind: FloatKind::X86Fp80, bits: 1 << 80 };
    named(&mut b, "ld", Type::X86Fp80, freeze(ld));
    let store = |val: Constant, p: &Operand| Op::Store {
        val: c(val),
        ptr: p.clone(),
        align: 8,
        volatile: false,
        atomic: None,
    };
    let barrier = sig(Type::Void, vec![]);
    b.push_void(store(asm(barrier.clone()), &p));
    let mismatched = call(c(asm(barrier)), sig(Type::Void, vec![Type::I32]), vec![x.clone()]);
    b.push_void(Op::Call(Box::new(mismatched)));
    b.push_void(store(block_address("consts", 0), &p));
    b.push_void(store(block_address("consts", 9), &p));
    b.push_void(store(block_address("decl", 1), &p));
    b.push_void(store(block_address("table", 1), &p));
    b.push_void(store(block_address("nowhere", 1), &p));
    b.push_void(Op::IndirectBr { addr: x, dests: vec![a, bb, BlockId(7)] });
    b.position(a);
    b.ret(None);
    b.position(bb);
    b.ret(None);
    let globals = vec![
        global(
            "table",
            Constant::Array { elem: Type::Ptr, elems: vec![block_address("consts", 1)] },
        ),
        global("entry", block_address("consts", 0)),
        global("asm_value", asm(sig(Type::Void, vec![]))),
    ];
    verify_module(&module(
        vec![b.finish(), Function::declaration("decl", sig(Type::Void, vec![]))],
        globals,
    ))
}

fn aliases() -> Vec<Violation> {
    let mut imp = builder("impl", Type::Void, &[]);
    imp.ret(None);
    let mut imp = imp.finish();
    imp.props.comdat = comdat("impl", ComdatSelection::Any);
    let mut decl = Function::declaration("decl", sig(Type::Void, vec![]));
    decl.props.comdat = comdat("impl", ComdatSelection::Any);
    let mut user = builder("user", Type::I32, &[]);
    let through = call(Operand::global("impl_alias"), sig(Type::I32, vec![]), vec![]);
    let r = named(&mut user, "r", Type::I32, Op::Call(Box::new(through)));
    let load = Op::Load { ptr: Operand::global("g_plus"), align: 1, volatile: false, atomic: None };
    named(&mut user, "byte", Type::I8, load);
    user.ret(Some(r));

    let mut g = global("g", Constant::int(32, 0));
    g.props.comdat = comdat("g", ComdatSelection::Any);
    let mut g2 = global("g2", Constant::int(32, 1));
    g2.props.comdat = comdat("g", ComdatSelection::Largest);
    let mut ext = global("ext", Constant::int(32, 0));
    ext.init = None;
    let mut common = global("common_g", Constant::int(32, 0));
    common.props.linkage = Linkage::Common;
    common.props.comdat = comdat("c", ComdatSelection::Any);

    let with = |name: &str, aliasee: Constant, f: &dyn Fn(&mut Alias)| {
        let mut a = alias(name, aliasee);
        f(&mut a);
        a
    };
    let global_ref = |n: &str| Constant::Global(n.into());
    let aliases = vec![
        alias("g_alias", global_ref("g")),
        alias("g_plus", gep_const("g", 4)),
        alias("impl_alias", global_ref("impl")),
        alias("g", global_ref("impl")),
        with("bad_linkage", global_ref("g"), &|a| a.props.linkage = Linkage::Common),
        alias("null_alias", Constant::Null),
        alias("int_alias", Constant::int(32, 0)),
        alias("to_decl", global_ref("decl")),
        alias("to_ext", global_ref("ext")),
        alias("c1", global_ref("c2")),
        alias("c2", global_ref("c1")),
        with("weak_a", global_ref("g"), &|a| a.props.linkage = Linkage::Weak),
        alias("through", global_ref("weak_a")),
        with("ae", global_ref("g"), &|a| a.props.linkage = Linkage::AvailableExternally),
        alias("dangling", global_ref("nowhere")),
        with("in_comdat", global_ref("g"), &|a| a.props.comdat = comdat("g", ComdatSelection::Any)),
    ];
    let mut m = module(vec![imp, decl, user.finish()], vec![g, g2, ext, common]);
    m.aliases = aliases;
    verify_module(&m)
}

fn preservation_aliases() -> Vec<Violation> {
    let mut before = library();
    before.aliases = vec![
        alias("api_alias", Constant::Global("api".into())),
        alias("table_alias", Constant::Global("table".into())),
        with_linkage(alias("hidden", Constant::Global("helper".into())), Linkage::Internal),
    ];
    let mut after = before.clone();
    // mergefunc: @exported becomes an alias of the identical @weak_hook (fine).
    after.functions.retain(|f| f.name != "exported");
    after.aliases.push(alias("exported", Constant::Global("weak_hook".into())));
    after.aliases.retain(|a| a.name != "table_alias" && a.name != "hidden");
    after.aliases[0].aliasee = Constant::Global("limit".into()); // @api_alias
    check_preservation(&before, &after)
}

fn with_linkage(mut a: Alias, linkage: Linkage) -> Alias {
    a.props.linkage = linkage;
    a
}

/// A golden case: builds its module(s) and returns what the verifier reports.
type Case = fn() -> Vec<Violation>;

/// The golden cases, by file name.
const CASES: &[(&str, Case)] = &[
    ("valid", valid),
    ("structure", structure),
    ("ssa", ssa),
    ("phis", phis),
    ("operand_types", operand_types),
    ("casts", casts),
    ("memory", memory),
    ("aggregates", aggregates),
    ("terminators", terminators),
    ("calls", calls),
    ("flags", flags),
    ("malformed", malformed),
    ("references", references),
    ("atomics", atomics),
    ("exceptions", exceptions),
    ("constants", constants),
    ("aliases", aliases),
    ("preservation_symbols", preservation_symbols),
    ("preservation_interfaces", preservation_interfaces),
    ("preservation_aliases", preservation_aliases),
];

// --- The test -----------------------------------------------------------------------------

#[test]
fn golden_messages() {
    let bless = std::env::var("OPM_BLESS").is_ok_and(|v| v == "1");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut failures = Vec::new();
    let mut rules: BTreeSet<&'static str> = BTreeSet::new();
    for (name, case) in CASES {
        let violations = case();
        rules.extend(violations.iter().map(|v| v.kind.name()));
        for v in &violations {
            serde_json::to_string(v).expect("violations serialize");
        }
        let actual: String = violations.iter().map(|v| format!("{v}\n")).collect();
        let path = dir.join(format!("{name}.txt"));
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_default();
        if expected != actual {
            failures.push(format!("--- {}\n{}", path.display(), diff(&expected, &actual)));
        }
    }
    let unknown: Vec<_> = rules.iter().filter(|r| !ViolationKind::NAMES.contains(r)).collect();
    assert!(unknown.is_empty(), "rules missing from ViolationKind::NAMES: {unknown:?}");
    let uncovered: Vec<_> = ViolationKind::NAMES.iter().filter(|r| !rules.contains(*r)).collect();
    assert!(uncovered.is_empty(), "rules no golden case shows: {uncovered:?}");
    assert!(
        failures.is_empty(),
        "rendered violations differ from the golden files:\n{}\nset OPM_BLESS=1 to update",
        failures.join("\n")
    );
}

/// A line diff (`-` expected, `+` actual), by longest common subsequence.
fn diff(expected: &str, actual: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] =
                if a[i] == b[j] { lcs[i + 1][j + 1] + 1 } else { lcs[i + 1][j].max(lcs[i][j + 1]) };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, String::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out += &format!("  {}\n", a[i]);
            (i, j) = (i + 1, j + 1);
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out += &format!("+ {}\n", b[j]);
            j += 1;
        } else {
            out += &format!("- {}\n", a[i]);
            i += 1;
        }
    }
    out
}
