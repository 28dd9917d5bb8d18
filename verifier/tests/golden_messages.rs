//! Golden tests of the rendered violations: each case builds a module with planted faults
//! (or a module before and after a transform), renders what the verifier reports, one
//! violation per line, and compares it with `tests/golden/<case>.txt`. Set `OPM_BLESS=1` to
//! write the files instead. Together the cases cover every rule.

use opm_ir::{
    Attribute, BinOp, BlockId, Call, CallConv, CastOp, ConstExpr, Constant, Flags, FloatPredicate,
    Function, FunctionBuilder, FunctionType, Global, Inst, IntPredicate, Linkage, Module, Op,
    Operand, Param, StructType, SymbolProps, TailKind, Type, ValueId,
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
    verify_module(&module(vec![b.finish()], vec![]))
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
    b.push_void(Op::Store { val: x, ptr: c(Constant::Null), align: 4, volatile: false });

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
        op: Op::Store { val: int(32, 1), ptr: c(Constant::Null), align: 4, volatile: false },
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
    named(&mut b, "g", Type::I32, Op::Load { ptr: x.clone(), align: 4, volatile: false });
    b.push_void(Op::Store { val: f.clone(), ptr: int(64, 0), align: 4, volatile: false });
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
    let decl = Function::declaration("decl", sig(Type::Int(256), vec![Type::Void]));
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
    ("preservation_symbols", preservation_symbols),
    ("preservation_interfaces", preservation_interfaces),
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
