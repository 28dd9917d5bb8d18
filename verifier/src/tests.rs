//! Unit tests of each rule: small functions, built with the builder or by hand, and the
//! exact violation kinds they give. Names are raw (`v3`, `bb1`) so that these tests do not
//! depend on the printer; the rendered messages are covered by `tests/golden_messages.rs`.

use crate::context::Naming;
use crate::violation::*;
use crate::{check_preservation, verify_module_with};
use opm_ir::types::MAX_INT_BITS;
use opm_ir::{
    Alias, AsmDialect, Atomic, AtomicOrdering, Attribute, BinOp, BlockId, Call, CallConv, CastOp,
    Clause, Comdat, ComdatSelection, ConstExpr, Constant, Flags, FloatKind, FloatPredicate,
    Function, FunctionBuilder, FunctionType, Global, InlineAsm, Inst, IntPredicate, Linkage,
    Module, Op, Operand, Param, RmwOp, StructType, SymbolProps, SyncScope, TailKind, Type, ValueId,
};

// --- Helpers ------------------------------------------------------------------------------

fn sig(ret: Type, params: Vec<Type>) -> FunctionType {
    FunctionType { ret, params, varargs: false }
}

fn module(functions: Vec<Function>) -> Module {
    Module { functions, ..Module::default() }
}

/// The kinds of every violation of `m`.
fn kinds_of(m: &Module) -> Vec<ViolationKind> {
    verify_module_with(m, Naming::Raw).into_iter().map(|v| v.kind).collect()
}

fn kinds(functions: Vec<Function>) -> Vec<ViolationKind> {
    kinds_of(&module(functions))
}

fn v(n: u32) -> ValueRef {
    ValueRef { id: ValueId(n), name: format!("v{n}") }
}

fn bb(n: u32) -> BlockRef {
    BlockRef { id: BlockId(n), name: format!("bb{n}") }
}

fn val(n: u32) -> Operand {
    Operand::Value(ValueId(n))
}

fn int(bits: u32, value: i128) -> Operand {
    Operand::int(bits, value)
}

/// An instruction defining `v`.
fn def(v: ValueId, ty: Type, op: Op) -> Inst {
    Inst { result: Some(v), name: None, ty, op }
}

fn bin(op: BinOp, lhs: Operand, rhs: Operand) -> Op {
    Op::Bin { op, flags: Flags::NONE, lhs, rhs }
}

fn call_op(callee: &str, fn_ty: FunctionType, args: Vec<Operand>) -> Op {
    Op::Call(Box::new(Call::new(Operand::global(callee), fn_ty, args)))
}

/// `define void @f() { <insts>; ret void }`: one block, for single-instruction rules.
fn void_fn(insts: Vec<Inst>) -> Function {
    let mut b = FunctionBuilder::new("f", sig(Type::Void, vec![]));
    for i in insts {
        b.push_inst(i);
    }
    b.ret(None);
    b.finish()
}

/// `define void @f(<params>) { <insts>; ret void }`; parameters are v0, v1, …
fn fn_with_params(params: Vec<Type>, insts: Vec<Inst>) -> Function {
    let mut b = FunctionBuilder::new("f", sig(Type::Void, params));
    for i in insts {
        b.push_inst(i);
    }
    b.ret(None);
    b.finish()
}

/// The kinds of `fn_with_params(params, insts)`.
fn inst_kinds(params: Vec<Type>, insts: Vec<Inst>) -> Vec<ViolationKind> {
    kinds(vec![fn_with_params(params, insts)])
}

fn operand_type(operand: usize, found: Type, expected: Expected) -> ViolationKind {
    ViolationKind::OperandType { operand: OperandSlot::Operand(operand), found, expected }
}

fn result_type(found: Type, expected: Expected) -> ViolationKind {
    ViolationKind::ResultType { found, expected }
}

const VOID: Vec<ViolationKind> = Vec::new();

/// `i32 @sum(i32 %n)`: a counting loop with two phis, one referring forward.
fn sum_loop() -> Function {
    let mut b = FunctionBuilder::new("sum", sig(Type::I32, vec![Type::I32]));
    let (lp, body, exit) = (b.block("loop"), b.block("body"), b.block("exit"));
    let (i, acc, c, acc2, i2) = (b.fresh(), b.fresh(), b.fresh(), b.fresh(), b.fresh());
    b.br(lp);
    b.position(lp);
    let phi = |incoming| Op::Phi { flags: Flags::NONE, incoming };
    b.push_inst(def(i, Type::I32, phi(vec![(int(32, 0), BlockId(0)), (i2.into(), body)])));
    b.push_inst(def(acc, Type::I32, phi(vec![(int(32, 0), BlockId(0)), (acc2.into(), body)])));
    let cmp = Op::ICmp { pred: IntPredicate::Slt, flags: Flags::NONE, lhs: i.into(), rhs: val(0) };
    b.push_inst(def(c, Type::BOOL, cmp));
    b.cond_br(c.into(), body, exit);
    b.position(body);
    b.push_inst(def(acc2, Type::I32, bin(BinOp::Add, acc.into(), i.into())));
    b.push_inst(def(i2, Type::I32, bin(BinOp::Add, i.into(), int(32, 1))));
    b.br(lp);
    b.position(exit);
    b.ret(Some(acc.into()));
    b.finish()
}

// --- Valid code ---------------------------------------------------------------------------

#[test]
fn loop_with_phis_is_valid() {
    assert_eq!(kinds(vec![sum_loop()]), VOID);
}

#[test]
fn switch_with_duplicate_edges_is_valid() {
    // Two cases and the default go to %join: three edges, three entries of one value.
    let mut b = FunctionBuilder::new("f", sig(Type::I32, vec![Type::I32]));
    let (other, join) = (b.block("other"), b.block("join"));
    b.switch(b.param(0), join, &[(1, join), (2, other), (3, join)]);
    b.position(other);
    b.br(join);
    b.position(join);
    let p = b.phi(
        Type::I32,
        vec![
            (int(32, 7), BlockId(0)),
            (int(32, 8), other),
            (int(32, 7), BlockId(0)),
            (int(32, 7), BlockId(0)),
        ],
    );
    b.ret(Some(p));
    assert_eq!(kinds(vec![b.finish()]), VOID);
}

#[test]
fn unreachable_blocks_may_use_each_others_values() {
    let mut b = FunctionBuilder::new("f", sig(Type::Void, vec![]));
    let (dead1, dead2) = (b.block("dead1"), b.block("dead2"));
    let (x, y) = (b.fresh(), b.fresh());
    b.ret(None);
    b.position(dead1);
    b.push_inst(def(x, Type::I32, bin(BinOp::Add, y.into(), int(32, 1))));
    b.br(dead2);
    b.position(dead2);
    b.push_inst(def(y, Type::I32, bin(BinOp::Add, x.into(), int(32, 1))));
    b.br(dead1);
    assert_eq!(kinds(vec![b.finish()]), VOID);
}

#[test]
fn variadic_and_unprototyped_calls_are_valid() {
    let printf_ty = FunctionType { ret: Type::I32, params: vec![Type::Ptr], varargs: true };
    let old_ty = FunctionType { ret: Type::I32, params: vec![], varargs: true };
    let printf = Function::declaration("printf", printf_ty.clone());
    let old = Function::declaration("old", old_ty);
    let mut b = FunctionBuilder::new("main", sig(Type::I32, vec![]));
    b.call(
        "printf",
        printf_ty,
        vec![Operand::global("fmt"), int(32, 1), Operand::Const(Constant::f64(2.0))],
    );
    let r = b.call(
        "old",
        sig(Type::I32, vec![Type::I64, Type::Double]),
        vec![int(64, 1), Operand::Const(Constant::f64(0.5))],
    );
    b.ret(Some(r));
    let mut m = module(vec![printf, old, b.finish()]);
    m.globals.push(global("fmt", Constant::Bytes(b"%d %f\n\0".to_vec())));
    assert_eq!(kinds_of(&m), VOID);
}

fn global(name: &str, init: Constant) -> Global {
    Global {
        name: name.to_string(),
        ty: init.ty(),
        init: Some(init),
        is_constant: false,
        props: SymbolProps::default(),
        thread_local: None,
        externally_initialized: false,
    }
}

/// One valid instance of every operation, with the flags each may carry.
#[test]
fn every_operation_well_typed_is_valid() {
    let v4f = Type::vector(4, Type::Float);
    let v4i = Type::vector(4, Type::I32);
    let v4b = Type::vector(4, Type::BOOL);
    let point = Type::Struct(StructType {
        name: Some("struct.point".into()),
        body: Some(vec![Type::I32, Type::Double]),
        packed: false,
    });
    let agg = Type::literal_struct(vec![Type::I32, Type::array(2, Type::Float)]);
    let fast = Flags::FAST;
    let ids: Vec<ValueId> = (0..40).map(ValueId).collect();
    // Parameters: v0 ptr, v1 i32, v2 float, v3 <4 x float>, v4 <4 x i32>, v5 agg, v6 ptr.
    let params =
        vec![Type::Ptr, Type::I32, Type::Float, v4f.clone(), v4i.clone(), agg.clone(), Type::Ptr];
    let insts = vec![
        def(
            ids[10],
            Type::I32,
            Op::Bin {
                op: BinOp::Add,
                flags: Flags::NSW | Flags::NUW,
                lhs: val(1),
                rhs: int(32, 1),
            },
        ),
        def(
            ids[11],
            Type::I32,
            Op::Bin { op: BinOp::Or, flags: Flags::DISJOINT, lhs: val(1), rhs: int(32, 8) },
        ),
        def(
            ids[12],
            Type::I32,
            Op::Bin { op: BinOp::LShr, flags: Flags::EXACT, lhs: val(1), rhs: int(32, 1) },
        ),
        def(
            ids[13],
            v4f.clone(),
            Op::Bin { op: BinOp::FMul, flags: fast, lhs: val(3), rhs: val(3) },
        ),
        def(ids[14], Type::Float, Op::FNeg { flags: Flags::NNAN, val: val(2) }),
        def(
            ids[15],
            Type::BOOL,
            Op::ICmp {
                pred: IntPredicate::Ult,
                flags: Flags::SAMESIGN,
                lhs: val(1),
                rhs: int(32, 3),
            },
        ),
        def(
            ids[16],
            Type::BOOL,
            Op::ICmp {
                pred: IntPredicate::Eq,
                flags: Flags::NONE,
                lhs: val(0),
                rhs: Operand::Const(Constant::Null),
            },
        ),
        def(
            ids[17],
            v4b.clone(),
            Op::FCmp { pred: FloatPredicate::Olt, flags: fast, lhs: val(3), rhs: val(3) },
        ),
        def(
            ids[18],
            v4f.clone(),
            Op::Select { flags: Flags::NSZ, cond: val(17), then_val: val(3), else_val: val(13) },
        ),
        def(
            ids[19],
            Type::I32,
            Op::Select {
                flags: Flags::NONE,
                cond: val(15),
                then_val: val(1),
                else_val: int(32, 0),
            },
        ),
        def(ids[20], Type::I64, Op::Cast { op: CastOp::ZExt, flags: Flags::NNEG, val: val(1) }),
        def(ids[21], Type::Double, Op::Cast { op: CastOp::FPExt, flags: fast, val: val(2) }),
        def(ids[22], Type::I32, Op::Cast { op: CastOp::BitCast, flags: Flags::NONE, val: val(2) }),
        def(ids[23], Type::Ptr, Op::Alloca { ty: point.clone(), count: int(32, 1), align: 8 }),
        def(
            ids[24],
            Type::Ptr,
            Op::Gep {
                source_ty: point.clone(),
                flags: Flags::INBOUNDS | Flags::NUW,
                base: val(23),
                indices: vec![int(64, 0), int(32, 1)],
            },
        ),
        def(
            ids[25],
            Type::Double,
            Op::Load { ptr: val(24), align: 8, volatile: false, atomic: None },
        ),
        Inst::void(Op::Store {
            val: val(25),
            ptr: val(24),
            align: 8,
            volatile: true,
            atomic: None,
        }),
        def(ids[26], Type::I32, Op::Freeze { val: val(1) }),
        def(ids[27], Type::I32, Op::VaArg { list: val(6) }),
        def(ids[28], Type::Float, Op::ExtractValue { agg: val(5), indices: vec![1, 0] }),
        def(
            ids[29],
            agg.clone(),
            Op::InsertValue { agg: val(5), val: int(32, 4), indices: vec![0] },
        ),
        def(ids[30], Type::Float, Op::ExtractElement { vec: val(3), index: int(64, 2) }),
        def(
            ids[31],
            v4i.clone(),
            Op::InsertElement { vec: val(4), val: val(1), index: int(32, 0) },
        ),
        def(
            ids[32],
            Type::vector(2, Type::I32),
            Op::ShuffleVector { a: val(4), b: val(31), mask: vec![7, -1] },
        ),
        def(
            ids[33],
            Type::vector(4, Type::Ptr),
            Op::Gep {
                source_ty: Type::I32,
                flags: Flags::NONE,
                base: val(0),
                indices: vec![val(4)],
            },
        ),
        def(
            ids[34],
            Type::Float,
            call_op("sqrtf", sig(Type::Float, vec![Type::Float]), vec![val(2)]),
        ),
    ];
    let mut f = fn_with_params(params, insts);
    if let Op::Call(c) = &mut f.blocks[0].insts[25].op {
        c.flags = Flags::AFN;
    }
    let sqrtf = Function::declaration("sqrtf", sig(Type::Float, vec![Type::Float]));
    assert_eq!(kinds(vec![f, sqrtf]), VOID);
}

#[test]
fn musttail_call_followed_by_ret_is_valid() {
    let mut b = FunctionBuilder::new("f", sig(Type::I32, vec![Type::I32]));
    let r = b.fresh();
    let mut op = call_op("f", sig(Type::I32, vec![Type::I32]), vec![b.param(0)]);
    if let Op::Call(c) = &mut op {
        c.tail = TailKind::MustTail;
    }
    b.push_inst(def(r, Type::I32, op));
    b.ret(Some(r.into()));
    assert_eq!(kinds(vec![b.finish()]), VOID);
}

#[test]
fn well_formed_globals_are_valid() {
    let pair = Type::literal_struct(vec![Type::I32, Type::Ptr]);
    let mut m = module(vec![Function::declaration("ext", sig(Type::Void, vec![]))]);
    m.globals.push(global("counter", Constant::int(64, -1)));
    m.globals.push(global(
        "table",
        Constant::Array {
            elem: pair.clone(),
            elems: vec![
                Constant::Struct {
                    ty: pair.clone(),
                    fields: vec![Constant::int(32, 1), Constant::Global("ext".into())],
                },
                Constant::Zero(pair.clone()),
            ],
        },
    ));
    m.globals.push(global("lanes", Constant::Vector(vec![Constant::f32(1.0), Constant::f32(2.0)])));
    let gep = ConstExpr::Gep {
        source_ty: Type::array(2, pair.clone()),
        base: Constant::Global("table".into()),
        indices: vec![Constant::int(64, 0), Constant::int(64, 1), Constant::int(32, 1)],
        flags: Flags::INBOUNDS,
    };
    m.globals.push(global("second", Constant::Expr(Box::new(gep))));
    let addr = ConstExpr::Cast {
        op: CastOp::PtrToInt,
        val: Constant::Global("counter".into()),
        to: Type::I64,
    };
    let sum = ConstExpr::Bin {
        op: BinOp::Add,
        flags: Flags::NUW,
        lhs: Constant::Expr(Box::new(addr)),
        rhs: Constant::int(64, 8),
    };
    m.globals.push(global("addr", Constant::Expr(Box::new(sum))));
    assert_eq!(kinds_of(&m), VOID);
}

// --- 1. Structure -------------------------------------------------------------------------

#[test]
fn blocks_end_in_exactly_one_terminator() {
    let mut b = FunctionBuilder::new("f", sig(Type::Void, vec![]));
    let (empty, open) = (b.block("empty"), b.block("open"));
    b.br(empty); // entry: br, then another br after it.
    b.br(open);
    b.position(open);
    b.bin(Type::I32, BinOp::Add, int(32, 1), int(32, 2));
    assert_eq!(
        kinds(vec![b.finish()]),
        vec![
            ViolationKind::TerminatorNotAtEnd,
            ViolationKind::EmptyBlock,
            ViolationKind::MissingTerminator,
        ]
    );
}

#[test]
fn phis_come_first_and_the_entry_has_no_predecessors() {
    let mut b = FunctionBuilder::new("f", sig(Type::Void, vec![Type::I32]));
    let next = b.block("next");
    b.br(next);
    b.position(next);
    b.bin(Type::I32, BinOp::Add, b.param(0), int(32, 1));
    b.phi(Type::I32, vec![(int(32, 0), BlockId(0))]);
    b.cond_br(Operand::Const(Constant::bool(true)), BlockId(0), BlockId(0));
    assert_eq!(
        kinds(vec![b.finish()]),
        vec![
            ViolationKind::EntryHasPredecessors { preds: vec![bb(1)] },
            ViolationKind::PhiNotAtStart,
        ]
    );
}

#[test]
fn results_exactly_when_a_value_is_produced() {
    let void_call = call_op("g", sig(Type::Void, vec![]), vec![]);
    let int_call = call_op("h", sig(Type::I32, vec![]), vec![]);
    let insts = vec![
        // A call returning a value may leave it unnamed; a void call defines nothing.
        Inst::void(int_call.clone()).with_ty(Type::I32),
        def(ValueId(1), Type::Void, void_call.clone()),
        // Operations that produce a value: a type and a result.
        Inst::void(bin(BinOp::Add, int(32, 1), int(32, 2))).with_ty(Type::I32),
        def(ValueId(2), Type::Void, bin(BinOp::Add, int(32, 1), int(32, 2))),
        // Operations that produce nothing: neither.
        Inst {
            result: None,
            name: None,
            ty: Type::I32,
            op: Op::Store {
                val: int(32, 1),
                ptr: Operand::Const(Constant::Null),
                align: 4,
                volatile: false,
                atomic: None,
            },
        },
        def(ValueId(3), Type::Void, Op::Unreachable),
    ];
    let g = Function::declaration("g", sig(Type::Void, vec![]));
    let h = Function::declaration("h", sig(Type::I32, vec![]));
    let f = void_fn(insts);
    assert_eq!(
        kinds(vec![f, g, h]),
        vec![
            ViolationKind::ResultOnVoid { value: v(1) },
            ViolationKind::MissingResult { ty: Type::I32 },
            ViolationKind::VoidResult { opcode: "add".into() },
            ViolationKind::NoResultExpected { opcode: "store".into(), ty: Type::I32 },
            ViolationKind::TerminatorNotAtEnd,
            ViolationKind::ResultOnVoid { value: v(3) },
        ]
    );
}

trait WithTy {
    fn with_ty(self, ty: Type) -> Self;
}

impl WithTy for Inst {
    fn with_ty(mut self, ty: Type) -> Inst {
        self.ty = ty;
        self
    }
}

// --- 2. SSA -------------------------------------------------------------------------------

#[test]
fn values_are_defined_once() {
    let insts = vec![
        def(ValueId(0), Type::I32, bin(BinOp::Add, int(32, 1), int(32, 2))),
        def(ValueId(5), Type::I32, bin(BinOp::Add, int(32, 1), int(32, 2))),
        def(ValueId(5), Type::I32, bin(BinOp::Add, int(32, 1), int(32, 2))),
    ];
    let mut f = fn_with_params(vec![Type::I32, Type::I32], insts);
    f.params[1].value = ValueId(0);
    assert_eq!(
        kinds(vec![f]),
        vec![
            ViolationKind::DuplicateDefinition { value: v(0) },
            ViolationKind::DuplicateDefinition { value: v(0) },
            ViolationKind::DuplicateDefinition { value: v(5) },
        ]
    );
}

#[test]
fn uses_are_dominated_by_their_definitions() {
    // entry: use of v2 before its definition; a diamond whose arm defines v3, used at join.
    let mut b = FunctionBuilder::new("f", sig(Type::I32, vec![Type::BOOL]));
    let (left, right, join) = (b.block("left"), b.block("right"), b.block("join"));
    let (early, x, y) = (ValueId(1), ValueId(2), ValueId(3));
    b.push_inst(def(early, Type::I32, bin(BinOp::Add, x.into(), int(32, 1))));
    b.push_inst(def(x, Type::I32, bin(BinOp::Add, int(32, 1), int(32, 1))));
    b.cond_br(b.param(0), left, right);
    b.position(left);
    b.push_inst(def(y, Type::I32, bin(BinOp::Mul, x.into(), int(32, 3))));
    b.br(join);
    b.position(right);
    b.br(join);
    b.position(join);
    // The phi takes y from left (fine) and from right (not dominated).
    b.push_inst(def(
        ValueId(4),
        Type::I32,
        Op::Phi { flags: Flags::NONE, incoming: vec![(y.into(), left), (y.into(), right)] },
    ));
    b.push_inst(def(ValueId(5), Type::I32, bin(BinOp::Add, y.into(), ValueId(5).into())));
    b.ret(Some(x.into()));
    assert_eq!(
        kinds(vec![b.finish()]),
        vec![
            ViolationKind::UseNotDominated { value: v(2) },
            ViolationKind::IncomingNotDominated { value: v(3), block: bb(2) },
            ViolationKind::UseNotDominated { value: v(3) },
            ViolationKind::SelfReference { value: v(5) },
        ]
    );
}

#[test]
fn a_phi_may_use_its_own_result() {
    let mut b = FunctionBuilder::new("f", sig(Type::Void, vec![]));
    let lp = b.block("loop");
    b.br(lp);
    b.position(lp);
    let p = b.fresh();
    b.push_inst(def(
        p,
        Type::I32,
        Op::Phi { flags: Flags::NONE, incoming: vec![(int(32, 0), BlockId(0)), (p.into(), lp)] },
    ));
    b.br(lp);
    assert_eq!(kinds(vec![b.finish()]), VOID);
}

#[test]
fn unreachable_code_may_use_its_own_result() {
    // entry returns; `dead` (no predecessors) loops on `%1 = sub %1, 1`, as jump threading
    // leaves it. LLVM accepts this; so do we, but not in reachable code.
    let mut b = FunctionBuilder::new("f", sig(Type::I32, vec![Type::BOOL]));
    let (dead, live) = (b.block("dead"), b.block("live"));
    b.cond_br(b.param(0), live, live);
    b.position(dead);
    let x = ValueId(1);
    b.push_inst(def(x, Type::I32, bin(BinOp::Sub, x.into(), int(32, 1))));
    b.br(dead);
    b.position(live);
    let y = ValueId(2);
    b.push_inst(def(y, Type::I32, bin(BinOp::Sub, y.into(), int(32, 1))));
    b.ret(Some(int(32, 0)));
    assert_eq!(kinds(vec![b.finish()]), vec![ViolationKind::SelfReference { value: v(2) }]);
}

// --- 3. Phis ------------------------------------------------------------------------------

#[test]
fn phi_entries_match_predecessor_edges() {
    let mut b = FunctionBuilder::new("f", sig(Type::Void, vec![Type::I32]));
    let (a, join) = (b.block("a"), b.block("join"));
    // entry -> join twice (cases 1 and 2) and -> a (default); a -> join.
    b.switch(b.param(0), a, &[(1, join), (2, join)]);
    b.position(a);
    b.br(join);
    b.position(join);
    let phi = |b: &mut FunctionBuilder, incoming| {
        b.phi(Type::I32, incoming);
    };
    // One entry for two edges from entry, none for a.
    phi(&mut b, vec![(int(32, 0), BlockId(0))]);
    // Two different values for the two edges from entry; an entry for join itself.
    phi(
        &mut b,
        vec![
            (int(32, 0), BlockId(0)),
            (int(32, 1), BlockId(0)),
            (int(32, 2), a),
            (int(32, 3), join),
        ],
    );
    // Entry of the wrong type.
    phi(&mut b, vec![(int(32, 0), BlockId(0)), (int(32, 0), BlockId(0)), (int(64, 2), a)]);
    phi(&mut b, vec![]);
    b.ret(None);
    assert_eq!(
        kinds(vec![b.finish()]),
        vec![
            ViolationKind::PhiIncomingCount { block: bb(0), edges: 2, entries: 1 },
            ViolationKind::PhiIncomingCount { block: bb(1), edges: 1, entries: 0 },
            ViolationKind::PhiConflictingValues { block: bb(0) },
            ViolationKind::PhiIncomingNotPredecessor { block: bb(2) },
            ViolationKind::OperandType {
                operand: OperandSlot::Incoming(bb(1)),
                found: Type::I64,
                expected: Expected::Type(Type::I32),
            },
            ViolationKind::EmptyPhi,
        ]
    );
}

// --- 4. Types -----------------------------------------------------------------------------

#[test]
fn binary_operators_take_operands_of_their_type() {
    let insts = vec![
        def(ValueId(1), Type::I32, bin(BinOp::Add, val(0), int(64, 1))),
        def(ValueId(2), Type::Float, bin(BinOp::Add, int(32, 1), int(32, 1))),
        def(ValueId(3), Type::I32, bin(BinOp::FAdd, val(0), val(0))),
        def(
            ValueId(4),
            Type::Double,
            Op::FNeg { flags: Flags::NONE, val: Operand::Const(Constant::f32(1.0)) },
        ),
    ];
    assert_eq!(
        inst_kinds(vec![Type::I32], insts),
        vec![
            operand_type(1, Type::I64, Expected::Type(Type::I32)),
            // The operands fit the class of `add`; only the result is wrong.
            result_type(Type::Float, Expected::IntOrIntVector),
            result_type(Type::I32, Expected::FloatOrFloatVector),
            operand_type(0, Type::I32, Expected::FloatOrFloatVector),
            operand_type(1, Type::I32, Expected::FloatOrFloatVector),
            operand_type(0, Type::Float, Expected::Type(Type::Double)),
        ]
    );
}

#[test]
fn comparisons_and_selects() {
    let v2i = Type::vector(2, Type::I32);
    let insts = vec![
        def(
            ValueId(2),
            Type::BOOL,
            Op::ICmp {
                pred: IntPredicate::Eq,
                flags: Flags::NONE,
                lhs: Operand::Const(Constant::f64(1.0)),
                rhs: int(32, 1),
            },
        ),
        def(
            ValueId(3),
            Type::BOOL,
            Op::ICmp { pred: IntPredicate::Eq, flags: Flags::NONE, lhs: val(1), rhs: val(1) },
        ),
        def(
            ValueId(4),
            Type::I32,
            Op::FCmp {
                pred: FloatPredicate::Oeq,
                flags: Flags::NONE,
                lhs: val(0),
                rhs: int(32, 0),
            },
        ),
        def(
            ValueId(5),
            v2i.clone(),
            Op::Select {
                flags: Flags::NONE,
                cond: int(32, 1),
                then_val: val(1),
                else_val: int(32, 0),
            },
        ),
    ];
    assert_eq!(
        inst_kinds(vec![Type::Double, v2i.clone()], insts),
        vec![
            operand_type(0, Type::Double, Expected::IntOrPtrOrVector),
            result_type(Type::BOOL, Expected::Type(Type::vector(2, Type::BOOL))),
            operand_type(1, Type::I32, Expected::Type(Type::Double)),
            result_type(Type::I32, Expected::Type(Type::BOOL)),
            operand_type(
                0,
                Type::I32,
                Expected::OneOf(vec![Type::BOOL, Type::vector(2, Type::BOOL)])
            ),
            operand_type(2, Type::I32, Expected::Type(v2i)),
        ]
    );
}

#[test]
fn casts_follow_the_langref() {
    let cast = |op, to: Type, from: Operand| {
        def(ValueId(9), to, Op::Cast { op, flags: Flags::NONE, val: from })
    };
    let bad = [
        (CastOp::Trunc, Type::I64, int(32, 1)),
        (CastOp::ZExt, Type::I8, int(32, 1)),
        (CastOp::FPTrunc, Type::Double, Operand::Const(Constant::f32(1.0))),
        (CastOp::SIToFP, Type::I32, int(32, 1)),
        (CastOp::PtrToInt, Type::I64, int(64, 1)),
        (CastOp::BitCast, Type::Ptr, int(64, 1)),
        (CastOp::BitCast, Type::I64, int(32, 1)),
    ];
    for (op, to, from) in bad {
        let from_ty = from.as_const().map(Constant::ty).unwrap();
        assert_eq!(
            kinds(vec![void_fn(vec![cast(op, to.clone(), from)])]),
            vec![ViolationKind::InvalidCast { op, from: from_ty, to }],
            "{}",
            op.name()
        );
    }
}

#[test]
fn memory_operations() {
    let opaque =
        Type::Struct(StructType { name: Some("opaque".into()), body: None, packed: false });
    let insts = vec![
        def(
            ValueId(1),
            Type::I32,
            Op::Load { ptr: int(64, 0), align: 4, volatile: false, atomic: None },
        ),
        def(
            ValueId(2),
            opaque.clone(),
            Op::Load { ptr: val(0), align: 4, volatile: false, atomic: None },
        ),
        Inst::void(Op::Store {
            val: Operand::Const(Constant::Undef(opaque.clone())),
            ptr: int(32, 0),
            align: 4,
            volatile: false,
            atomic: None,
        }),
        def(
            ValueId(3),
            Type::I32,
            Op::Alloca { ty: opaque.clone(), count: Operand::Const(Constant::f32(1.0)), align: 4 },
        ),
    ];
    assert_eq!(
        inst_kinds(vec![Type::Ptr], insts),
        vec![
            operand_type(0, Type::I64, Expected::Type(Type::Ptr)),
            result_type(opaque.clone(), Expected::SizedFirstClass),
            ViolationKind::MalformedConstant {
                problem: ConstantProblem::NotAValueType { ty: opaque.clone() }
            },
            operand_type(0, opaque.clone(), Expected::SizedFirstClass),
            operand_type(1, Type::I32, Expected::Type(Type::Ptr)),
            ViolationKind::UnsizedType { ty: opaque },
            operand_type(0, Type::Float, Expected::Int),
            result_type(Type::I32, Expected::Type(Type::Ptr)),
        ]
    );
}

#[test]
fn getelementptr_steps() {
    let s = Type::literal_struct(vec![Type::I32, Type::array(4, Type::I8)]);
    let gep = |indices: Vec<Operand>, base: Operand, ty: Type| {
        def(ValueId(5), ty, Op::Gep { source_ty: s.clone(), flags: Flags::NONE, base, indices })
    };
    let ptr = Operand::Const(Constant::Null);
    let v2p = Type::vector(2, Type::Ptr);
    let cases: Vec<(Inst, Vec<ViolationKind>)> = vec![
        (gep(vec![int(64, 0), int(32, 1), int(8, 3)], ptr.clone(), Type::Ptr), vec![]),
        (
            gep(vec![int(64, 0), int(64, 1)], ptr.clone(), Type::Ptr),
            vec![ViolationKind::InvalidGepIndex {
                position: 1,
                ty: s.clone(),
                problem: GepIndexProblem::StructIndexNotConstant,
            }],
        ),
        (
            gep(vec![int(64, 0), int(32, 2)], ptr.clone(), Type::Ptr),
            vec![ViolationKind::InvalidGepIndex {
                position: 1,
                ty: s.clone(),
                problem: GepIndexProblem::StructIndexOutOfRange(2),
            }],
        ),
        (
            gep(vec![int(64, 0), int(32, 0), int(32, 0)], ptr.clone(), Type::Ptr),
            vec![ViolationKind::InvalidGepIndex {
                position: 2,
                ty: Type::I32,
                problem: GepIndexProblem::NotAggregate,
            }],
        ),
        (
            gep(vec![Operand::Const(Constant::f64(0.0))], int(64, 0), Type::I64),
            vec![
                operand_type(0, Type::I64, Expected::PtrOrPtrVector),
                operand_type(1, Type::Double, Expected::IntOrIntVector),
                result_type(Type::I64, Expected::Type(Type::Ptr)),
            ],
        ),
        // A vector index makes a vector of pointers; lengths must agree.
        (gep(vec![val(0)], ptr.clone(), v2p.clone()), vec![]),
        (
            gep(vec![val(0), val(1)], ptr.clone(), Type::Ptr),
            vec![
                operand_type(
                    2,
                    Type::vector(3, Type::I64),
                    Expected::Type(Type::vector(2, Type::I64)),
                ),
                ViolationKind::InvalidGepIndex {
                    position: 1,
                    ty: s.clone(),
                    problem: GepIndexProblem::StructIndexNotConstant,
                },
                result_type(Type::Ptr, Expected::Type(v2p.clone())),
            ],
        ),
    ];
    for (i, (inst, expected)) in cases.into_iter().enumerate() {
        let params = vec![Type::vector(2, Type::I64), Type::vector(3, Type::I64)];
        assert_eq!(inst_kinds(params, vec![inst]), expected, "case {i}");
    }
}

#[test]
fn calls_are_typed_by_their_function_type() {
    let fn_ty = FunctionType { ret: Type::I32, params: vec![Type::I32, Type::Ptr], varargs: false };
    let mut indirect = call_op("x", fn_ty.clone(), vec![int(32, 1), int(32, 2), int(32, 3)]);
    if let Op::Call(c) = &mut indirect {
        c.callee = int(64, 0);
    }
    let variadic = FunctionType { ret: Type::Void, params: vec![Type::Ptr], varargs: true };
    let mut few = call_op("x", variadic, vec![]);
    if let Op::Call(c) = &mut few {
        c.callee = Operand::Const(Constant::Null);
    }
    let insts = vec![def(ValueId(1), Type::I64, indirect), Inst::void(few)];
    assert_eq!(
        inst_kinds(vec![], insts),
        vec![
            ViolationKind::OperandType {
                operand: OperandSlot::Callee,
                found: Type::I64,
                expected: Expected::Type(Type::Ptr)
            },
            ViolationKind::ArgumentCount { found: 3, expected: 2, varargs: false },
            ViolationKind::OperandType {
                operand: OperandSlot::Argument(1),
                found: Type::I32,
                expected: Expected::Type(Type::Ptr)
            },
            result_type(Type::I64, Expected::Type(Type::I32)),
            ViolationKind::ArgumentCount { found: 0, expected: 1, varargs: true },
        ]
    );
}

#[test]
fn phi_freeze_va_arg() {
    let insts = vec![
        def(ValueId(1), Type::I32, Op::Freeze { val: int(64, 1) }),
        def(ValueId(2), Type::I32, Op::VaArg { list: int(64, 1) }),
    ];
    assert_eq!(
        inst_kinds(vec![], insts),
        vec![
            operand_type(0, Type::I64, Expected::Type(Type::I32)),
            operand_type(0, Type::I64, Expected::Type(Type::Ptr)),
        ]
    );
}

#[test]
fn aggregate_indices() {
    let agg = Type::literal_struct(vec![Type::I32, Type::array(2, Type::Float)]);
    let insts = vec![
        def(ValueId(1), Type::Float, Op::ExtractValue { agg: val(0), indices: vec![1, 2] }),
        def(ValueId(2), Type::Float, Op::ExtractValue { agg: val(0), indices: vec![] }),
        def(ValueId(3), Type::I32, Op::ExtractValue { agg: val(0), indices: vec![1, 0] }),
        def(
            ValueId(4),
            agg.clone(),
            Op::InsertValue { agg: val(0), val: int(64, 0), indices: vec![0] },
        ),
        def(ValueId(5), Type::I32, Op::ExtractValue { agg: int(32, 0), indices: vec![0] }),
        def(ValueId(6), Type::I32, Op::ExtractValue { agg: val(0), indices: vec![0, 0] }),
    ];
    assert_eq!(
        inst_kinds(vec![agg.clone()], insts),
        vec![
            ViolationKind::InvalidAggregateIndex {
                position: 1,
                index: 2,
                ty: Type::array(2, Type::Float)
            },
            ViolationKind::NoIndices,
            result_type(Type::I32, Expected::Type(Type::Float)),
            operand_type(1, Type::I64, Expected::Type(Type::I32)),
            operand_type(0, Type::I32, Expected::Aggregate),
            ViolationKind::InvalidAggregateIndex { position: 1, index: 0, ty: Type::I32 },
        ]
    );
}

#[test]
fn vector_element_operations() {
    let v4 = Type::vector(4, Type::I32);
    let insts = vec![
        def(ValueId(1), Type::I64, Op::ExtractElement { vec: val(0), index: int(32, 0) }),
        def(ValueId(2), Type::I32, Op::ExtractElement { vec: int(32, 0), index: int(32, 0) }),
        def(
            ValueId(3),
            v4.clone(),
            Op::InsertElement {
                vec: val(0),
                val: int(8, 1),
                index: Operand::Const(Constant::f32(0.0)),
            },
        ),
        def(
            ValueId(4),
            Type::vector(2, Type::I32),
            Op::ShuffleVector { a: val(0), b: int(32, 0), mask: vec![0, 8, -2] },
        ),
    ];
    assert_eq!(
        inst_kinds(vec![v4.clone()], insts),
        vec![
            result_type(Type::I64, Expected::Type(Type::I32)),
            operand_type(0, Type::I32, Expected::Vector),
            operand_type(1, Type::I8, Expected::Type(Type::I32)),
            operand_type(2, Type::Float, Expected::Int),
            operand_type(1, Type::I32, Expected::Type(v4.clone())),
            result_type(Type::vector(2, Type::I32), Expected::Type(Type::vector(3, Type::I32))),
            ViolationKind::ShuffleMaskElement { position: 1, value: 8, lanes: 8 },
            ViolationKind::ShuffleMaskElement { position: 2, value: -2, lanes: 8 },
        ]
    );
}

#[test]
fn terminators() {
    let mut b = FunctionBuilder::new("t", sig(Type::I32, vec![Type::I8]));
    let (a, c, d) = (b.block("a"), b.block("c"), b.block("d"));
    b.cond_br(b.param(0), a, c);
    b.position(a);
    b.switch(b.param(0), d, &[(1, d), (300, d), (1, c), (2, c)]);
    b.position(c);
    b.ret(None);
    b.position(d);
    b.ret(Some(int(64, 0)));
    let void = void_fn(vec![Inst::void(Op::Ret { val: Some(int(32, 0)) })]);
    let mut ptr_switch = FunctionBuilder::new("g", sig(Type::Void, vec![Type::Ptr]));
    let e = ptr_switch.block("e");
    ptr_switch.switch(ptr_switch.param(0), e, &[]);
    ptr_switch.position(e);
    ptr_switch.ret(None);
    assert_eq!(
        kinds(vec![b.finish(), void, ptr_switch.finish()]),
        vec![
            operand_type(0, Type::I8, Expected::Type(Type::BOOL)),
            ViolationKind::CaseValueTooWide { value: 300, bits: 8 },
            ViolationKind::DuplicateCase { value: 1 },
            ViolationKind::MissingReturnValue { expected: Type::I32 },
            operand_type(0, Type::I64, Expected::Type(Type::I32)),
            ViolationKind::ReturnValueInVoidFunction,
            ViolationKind::TerminatorNotAtEnd,
            operand_type(0, Type::Ptr, Expected::Int),
        ]
    );
}

#[test]
fn a_void_value_is_reported_once() {
    let op = Op::Phi { flags: Flags::NONE, incoming: vec![(int(32, 0), BlockId(0))] };
    let mut b = FunctionBuilder::new("f", sig(Type::Void, vec![]));
    let next = b.block("next");
    b.br(next);
    b.position(next);
    b.push_inst(def(ValueId(1), Type::Void, op));
    b.ret(None);
    assert_eq!(kinds(vec![b.finish()]), vec![ViolationKind::VoidResult { opcode: "phi".into() }]);
}

#[test]
fn malformed_types() {
    let i0 = Type::Int(0);
    let bad_vec = Type::vector(0, Type::array(1, Type::I8));
    // A declaration: only its signature is checked. `i256` and the widest integer are fine.
    let too_wide = Type::Int(MAX_INT_BITS + 1);
    let decl = Function::declaration("m", sig(too_wide.clone(), vec![Type::Void]));
    let wide = Function::declaration("w", sig(Type::Int(256), vec![Type::Int(MAX_INT_BITS)]));
    let g = void_fn(vec![
        def(ValueId(1), i0.clone(), Op::Freeze { val: int(0, 0) }),
        def(ValueId(2), Type::Ptr, Op::Alloca { ty: bad_vec.clone(), count: int(32, 1), align: 0 }),
        def(
            ValueId(3),
            Type::Ptr,
            Op::Alloca { ty: Type::array(2, Type::Void), count: int(32, 1), align: 0 },
        ),
    ]);
    let sig_ty = |ft: FunctionType| Type::Function(Box::new(ft));
    assert_eq!(
        kinds(vec![decl, wide, g]),
        vec![
            ViolationKind::MalformedType {
                ty: sig_ty(sig(too_wide.clone(), vec![Type::Void])),
                problem: TypeProblem::IntWidth(MAX_INT_BITS + 1)
            },
            ViolationKind::MalformedType {
                ty: sig_ty(sig(too_wide, vec![Type::Void])),
                problem: TypeProblem::Parameter(Type::Void)
            },
            // Once, though both the type and the constant of the freeze are `i0`.
            ViolationKind::MalformedType { ty: i0.clone(), problem: TypeProblem::IntWidth(0) },
            ViolationKind::MalformedType { ty: bad_vec.clone(), problem: TypeProblem::EmptyVector },
            ViolationKind::MalformedType {
                ty: bad_vec.clone(),
                problem: TypeProblem::VectorElement(Type::array(1, Type::I8))
            },
            ViolationKind::MalformedType {
                ty: Type::array(2, Type::Void),
                problem: TypeProblem::AggregateElement(Type::Void)
            },
            ViolationKind::UnsizedType { ty: Type::array(2, Type::Void) },
        ]
    );
}

#[test]
fn malformed_constants() {
    let pair = Type::literal_struct(vec![Type::I32, Type::Ptr]);
    let c = |c: Constant| def(ValueId(1), c.ty(), Op::Freeze { val: Operand::Const(c) });
    let problem = |p| ViolationKind::MalformedConstant { problem: p };
    let cases: Vec<(Constant, Vec<ViolationKind>)> = vec![
        (
            Constant::Int { bits: 8, value: 0x1ff },
            vec![problem(ConstantProblem::IntValueTooWide { bits: 8, value: 0x1ff })],
        ),
        (
            Constant::Float { kind: opm_ir::FloatKind::Float, bits: 1 << 40 },
            vec![problem(ConstantProblem::FloatBitsTooWide {
                kind: opm_ir::FloatKind::Float,
                bits: 1 << 40,
            })],
        ),
        (
            Constant::Array {
                elem: Type::I32,
                elems: vec![Constant::int(32, 1), Constant::int(64, 2)],
            },
            vec![problem(ConstantProblem::ElementType {
                index: 1,
                found: Type::I64,
                expected: Type::I32,
            })],
        ),
        (
            Constant::Vector(vec![Constant::int(32, 1), Constant::f32(1.0)]),
            vec![problem(ConstantProblem::ElementType {
                index: 1,
                found: Type::Float,
                expected: Type::I32,
            })],
        ),
        (
            Constant::Struct { ty: pair.clone(), fields: vec![Constant::Null] },
            vec![
                problem(ConstantProblem::FieldCount { found: 1, expected: 2 }),
                problem(ConstantProblem::ElementType {
                    index: 0,
                    found: Type::Ptr,
                    expected: Type::I32,
                }),
            ],
        ),
        (
            Constant::Struct { ty: Type::I32, fields: vec![] },
            vec![problem(ConstantProblem::NotAStruct { ty: Type::I32 })],
        ),
        (
            Constant::Expr(Box::new(ConstExpr::Cast {
                op: CastOp::ZExt,
                val: Constant::int(8, 1),
                to: Type::I32,
            })),
            vec![problem(ConstantProblem::UnsupportedExpr { opcode: "zext".into() })],
        ),
        (
            Constant::Expr(Box::new(ConstExpr::Cast {
                op: CastOp::Trunc,
                val: Constant::int(8, 1),
                to: Type::I32,
            })),
            vec![problem(ConstantProblem::InvalidCast {
                op: CastOp::Trunc,
                from: Type::I8,
                to: Type::I32,
            })],
        ),
        (
            Constant::Expr(Box::new(ConstExpr::Bin {
                op: BinOp::Mul,
                flags: Flags::EXACT,
                lhs: Constant::Null,
                rhs: Constant::int(8, 1),
            })),
            vec![
                problem(ConstantProblem::UnsupportedExpr { opcode: "mul".into() }),
                problem(ConstantProblem::OperandType {
                    operand: 0,
                    found: Type::Ptr,
                    expected: Expected::IntOrIntVector,
                }),
                problem(ConstantProblem::OperandType {
                    operand: 1,
                    found: Type::I8,
                    expected: Expected::Type(Type::Ptr),
                }),
                problem(ConstantProblem::DisallowedFlags { flags: Flags::EXACT }),
            ],
        ),
        (
            Constant::Expr(Box::new(ConstExpr::Gep {
                source_ty: Type::Void,
                base: Constant::int(64, 0),
                indices: vec![Constant::int(64, 0), Constant::int(64, 0)],
                flags: Flags::NSW,
            })),
            vec![
                problem(ConstantProblem::UnsizedGepSource { ty: Type::Void }),
                problem(ConstantProblem::OperandType {
                    operand: 0,
                    found: Type::I64,
                    expected: Expected::PtrOrPtrVector,
                }),
                problem(ConstantProblem::InvalidGepIndex {
                    position: 1,
                    ty: Type::Void,
                    problem: GepIndexProblem::NotAggregate,
                }),
                problem(ConstantProblem::DisallowedFlags { flags: Flags::NSW }),
            ],
        ),
    ];
    for (i, (constant, expected)) in cases.into_iter().enumerate() {
        assert_eq!(kinds(vec![void_fn(vec![c(constant)])]), expected, "case {i}");
    }
    // An empty vector constant: its type is <0 x i8>, malformed as a type, too.
    let empty = kinds(vec![void_fn(vec![c(Constant::Vector(vec![]))])]);
    assert!(empty.contains(&problem(ConstantProblem::EmptyVector)), "{empty:?}");
    // Undef of void (what the builder returns for a void call) used as an operand.
    assert_eq!(
        kinds(vec![void_fn(vec![def(
            ValueId(1),
            Type::I32,
            Op::Freeze { val: Operand::Const(Constant::Undef(Type::Void)) }
        )])]),
        vec![
            problem(ConstantProblem::NotAValueType { ty: Type::Void }),
            operand_type(0, Type::Void, Expected::Type(Type::I32)),
        ]
    );
}

// --- 5. Flags -----------------------------------------------------------------------------

#[test]
fn only_allowed_flags() {
    let with = |flags: Flags, op: Op| {
        let mut op = op;
        match &mut op {
            Op::Bin { flags: f, .. }
            | Op::ICmp { flags: f, .. }
            | Op::Cast { flags: f, .. }
            | Op::Select { flags: f, .. }
            | Op::Gep { flags: f, .. }
            | Op::FNeg { flags: f, .. } => *f = flags,
            Op::Call(c) => c.flags = flags,
            _ => unreachable!(),
        }
        op
    };
    let disallowed =
        |opcode: &str, flags| ViolationKind::DisallowedFlags { opcode: opcode.into(), flags };
    let select = Op::Select {
        flags: Flags::NONE,
        cond: Operand::Const(Constant::bool(true)),
        then_val: int(32, 1),
        else_val: int(32, 2),
    };
    let insts = vec![
        def(
            ValueId(1),
            Type::I32,
            with(Flags::NSW | Flags::DISJOINT, bin(BinOp::Or, int(32, 1), int(32, 2))),
        ),
        def(
            ValueId(2),
            Type::BOOL,
            with(
                Flags::NSW,
                Op::ICmp {
                    pred: IntPredicate::Eq,
                    flags: Flags::NONE,
                    lhs: int(32, 1),
                    rhs: int(32, 2),
                },
            ),
        ),
        def(
            ValueId(3),
            Type::I8,
            with(Flags::NNEG, Op::Cast { op: CastOp::Trunc, flags: Flags::NONE, val: int(32, 1) }),
        ),
        def(ValueId(4), Type::I32, with(Flags::FAST, select)),
        def(
            ValueId(5),
            Type::Ptr,
            with(
                Flags::EXACT | Flags::INBOUNDS,
                Op::Gep {
                    source_ty: Type::I8,
                    flags: Flags::NONE,
                    base: Operand::Const(Constant::Null),
                    indices: vec![],
                },
            ),
        ),
        def(ValueId(6), Type::I32, with(Flags::NNAN, call_op("h", sig(Type::I32, vec![]), vec![]))),
        def(ValueId(7), Type::I32, with(Flags(1 << 20), bin(BinOp::Add, int(32, 1), int(32, 2)))),
        def(
            ValueId(8),
            Type::Float,
            with(Flags::ARCP, Op::Cast { op: CastOp::SIToFP, flags: Flags::NONE, val: int(32, 1) }),
        ),
    ];
    let h = Function::declaration("h", sig(Type::I32, vec![]));
    assert_eq!(
        kinds(vec![void_fn(insts), h]),
        vec![
            disallowed("or", Flags::NSW),
            disallowed("icmp", Flags::NSW),
            disallowed("trunc", Flags::NNEG),
            disallowed("select", Flags::FAST),
            disallowed("getelementptr", Flags::EXACT),
            disallowed("call", Flags::NNAN),
            disallowed("add", Flags(1 << 20)),
            // LLVM's FPMathOperator covers fptrunc and fpext, not the int-to-float casts.
            disallowed("sitofp", Flags::ARCP),
        ]
    );
}

// --- 6. Calls -----------------------------------------------------------------------------

#[test]
fn calls_fit_their_callee() {
    let callee = Function::declaration("g", sig(Type::I32, vec![Type::I32]));
    let unproto =
        Function::declaration("k", FunctionType { ret: Type::I32, params: vec![], varargs: true });
    let mut tail = call_op("g", sig(Type::I32, vec![Type::I32]), vec![int(32, 1)]);
    if let Op::Call(c) = &mut tail {
        c.tail = TailKind::MustTail;
    }
    let insts = vec![
        def(ValueId(1), Type::I64, call_op("g", sig(Type::I64, vec![Type::I32]), vec![int(32, 1)])),
        def(ValueId(2), Type::I64, call_op("k", sig(Type::I64, vec![]), vec![])),
        def(
            ValueId(3),
            Type::I32,
            call_op("k", sig(Type::I32, vec![Type::Ptr]), vec![Operand::Const(Constant::Null)]),
        ),
        def(ValueId(4), Type::I32, call_op("data", sig(Type::I32, vec![]), vec![])),
        def(ValueId(5), Type::I32, tail),
    ];
    let mut m = module(vec![void_fn(insts), callee, unproto]);
    m.globals.push(global("data", Constant::int(32, 0)));
    let mismatch = |callee: &str, call_ty, callee_ty| ViolationKind::CallSignatureMismatch {
        callee: callee.into(),
        call_ty,
        callee_ty,
    };
    assert_eq!(
        kinds_of(&m),
        vec![
            mismatch("g", sig(Type::I64, vec![Type::I32]), sig(Type::I32, vec![Type::I32])),
            mismatch(
                "k",
                sig(Type::I64, vec![]),
                FunctionType { ret: Type::I32, params: vec![], varargs: true }
            ),
            ViolationKind::CallToNonFunction { callee: "data".into() },
            ViolationKind::MustTailNotFollowedByRet,
        ]
    );
}

// --- 7. References ------------------------------------------------------------------------

#[test]
fn references_are_defined() {
    let mut b = FunctionBuilder::new("f", sig(Type::I32, vec![Type::I32]));
    let x = b.bin(Type::I32, BinOp::Add, val(42), val(42));
    b.push(Type::I32, Op::Phi { flags: Flags::NONE, incoming: vec![(int(32, 0), BlockId(9))] });
    b.push(
        Type::Ptr,
        Op::Gep {
            source_ty: Type::I8,
            flags: Flags::NONE,
            base: Operand::global("nowhere"),
            indices: vec![],
        },
    );
    b.cond_br(Operand::Const(Constant::bool(false)), BlockId(7), BlockId(7));
    let mut f = b.finish();
    f.params.push(Param { value: ValueId(99), name: None });
    let _ = x;
    assert_eq!(
        kinds(vec![f]),
        vec![
            ViolationKind::ParamCount { found: 2, expected: 1 },
            ViolationKind::UndefinedValue { value: v(42) },
            ViolationKind::UndefinedBlock { block: bb(9) },
            ViolationKind::PhiNotAtStart,
            ViolationKind::UndefinedSymbol { name: "nowhere".into() },
            ViolationKind::UndefinedBlock { block: bb(7) },
        ]
    );
}

#[test]
fn symbols_and_globals() {
    let mut m = module(vec![
        Function::declaration("x", sig(Type::Void, vec![])),
        Function::declaration("x", sig(Type::Void, vec![])),
    ]);
    m.globals.push(global("x", Constant::int(32, 0)));
    let mut wrong = global("w", Constant::int(32, 0));
    wrong.ty = Type::I64;
    m.globals.push(wrong);
    m.globals.push(global("r", Constant::Global("missing".into())));
    let mut void = global("v", Constant::int(8, 0));
    void.ty = Type::Void;
    void.init = None;
    m.globals.push(void);
    assert_eq!(
        kinds_of(&m),
        vec![
            // Globals first, in module order; then the functions, both named like @x.
            ViolationKind::InitializerType { found: Type::I32, expected: Type::I64 },
            ViolationKind::UndefinedSymbol { name: "missing".into() },
            ViolationKind::MalformedType { ty: Type::Void, problem: TypeProblem::NotAValueType },
            ViolationKind::DuplicateSymbol { name: "x".into() },
            ViolationKind::DuplicateSymbol { name: "x".into() },
        ]
    );
}

// --- 9. Atomics ---------------------------------------------------------------------------

fn atomic(ordering: AtomicOrdering) -> Atomic {
    Atomic { ordering, scope: SyncScope::System }
}

fn load_atomic(ptr: Operand, align: u64, ordering: AtomicOrdering) -> Op {
    Op::Load { ptr, align, volatile: false, atomic: Some(atomic(ordering)) }
}

fn store_atomic(val: Operand, ptr: Operand, align: u64, ordering: AtomicOrdering) -> Op {
    Op::Store { val, ptr, align, volatile: false, atomic: Some(atomic(ordering)) }
}

fn rmw(op: RmwOp, val: Operand, ordering: AtomicOrdering) -> Op {
    Op::AtomicRmw { op, ptr: val_ptr(), val, align: 8, volatile: false, atomic: atomic(ordering) }
}

fn cmpxchg(cmp: Operand, new: Operand, success: AtomicOrdering, failure: AtomicOrdering) -> Op {
    Op::CmpXchg {
        ptr: val_ptr(),
        cmp,
        new,
        align: 8,
        volatile: true,
        weak: true,
        success,
        failure,
        scope: SyncScope::SingleThread,
    }
}

/// Parameter 0 of the functions of these tests, a pointer.
fn val_ptr() -> Operand {
    val(0)
}

fn pair(t: Type) -> Type {
    Type::literal_struct(vec![t, Type::BOOL])
}

fn ordering_kind(op: AtomicOp, failure: bool, ordering: AtomicOrdering) -> ViolationKind {
    ViolationKind::DisallowedOrdering { op, failure, ordering }
}

#[test]
fn atomic_operations_with_allowed_orderings_are_valid() {
    use AtomicOrdering::*;
    let params = vec![Type::Ptr, Type::I64, Type::Double, Type::Ptr];
    let mut insts = Vec::new();
    let mut n = 10;
    let mut push = |ty: Type, op: Op| {
        insts.push(def(ValueId(n), ty, op));
        n += 1;
    };
    for o in [Unordered, Monotonic, Acquire, SeqCst] {
        push(Type::I64, load_atomic(val(0), 8, o));
    }
    push(Type::Ptr, load_atomic(val(0), 8, SeqCst));
    push(Type::Fp128, load_atomic(val(0), 16, SeqCst));
    push(Type::vector(4, Type::I8), load_atomic(val(0), 4, Acquire));
    push(Type::Int(256), load_atomic(val(0), 32, Monotonic));
    for o in [Monotonic, Acquire, Release, AcqRel, SeqCst] {
        push(Type::I64, rmw(RmwOp::Add, val(1), o));
    }
    for op in RmwOp::ALL {
        let (ty, v) = if op.is_float() { (Type::Double, val(2)) } else { (Type::I64, val(1)) };
        push(ty, rmw(op, v, SeqCst));
    }
    push(Type::Double, rmw(RmwOp::Xchg, val(2), SeqCst));
    push(Type::Ptr, rmw(RmwOp::Xchg, val(3), SeqCst));
    push(
        Type::vector(2, Type::Float),
        rmw(RmwOp::FAdd, Operand::Const(Constant::Zero(Type::vector(2, Type::Float))), SeqCst),
    );
    for (s, f) in
        [(Monotonic, Monotonic), (Release, Acquire), (AcqRel, SeqCst), (SeqCst, Monotonic)]
    {
        push(pair(Type::I64), cmpxchg(val(1), val(1), s, f));
    }
    push(pair(Type::Ptr), cmpxchg(val(3), val(0), SeqCst, SeqCst));
    for o in [Monotonic, Release, SeqCst, Unordered] {
        insts.push(Inst::void(store_atomic(val(1), val(0), 8, o)));
    }
    for o in [Acquire, Release, AcqRel, SeqCst] {
        insts.push(Inst::void(Op::Fence { atomic: atomic(o) }));
    }
    assert_eq!(inst_kinds(params, insts), VOID);
}

#[test]
fn atomic_orderings() {
    use AtomicOrdering::*;
    let insts = vec![
        def(ValueId(2), Type::I64, load_atomic(val(0), 8, Release)),
        def(ValueId(3), Type::I64, load_atomic(val(0), 8, AcqRel)),
        Inst::void(store_atomic(val(1), val(0), 8, Acquire)),
        Inst::void(store_atomic(val(1), val(0), 8, AcqRel)),
        def(ValueId(4), Type::I64, rmw(RmwOp::Xchg, val(1), Unordered)),
        def(ValueId(5), pair(Type::I64), cmpxchg(val(1), val(1), Unordered, Release)),
        def(ValueId(6), pair(Type::I64), cmpxchg(val(1), val(1), Acquire, AcqRel)),
        def(ValueId(7), pair(Type::I64), cmpxchg(val(1), val(1), Acquire, Unordered)),
        Inst::void(Op::Fence { atomic: atomic(Unordered) }),
        Inst::void(Op::Fence { atomic: atomic(Monotonic) }),
    ];
    let (load, store, cx) = (AtomicOp::Load, AtomicOp::Store, AtomicOp::CmpXchg);
    assert_eq!(
        inst_kinds(vec![Type::Ptr, Type::I64], insts),
        vec![
            ordering_kind(load, false, Release),
            ordering_kind(load, false, AcqRel),
            ordering_kind(store, false, Acquire),
            ordering_kind(store, false, AcqRel),
            ordering_kind(AtomicOp::AtomicRmw, false, Unordered),
            ordering_kind(cx, false, Unordered),
            ordering_kind(cx, true, Release),
            ordering_kind(cx, true, AcqRel),
            ordering_kind(cx, true, Unordered),
            ordering_kind(AtomicOp::Fence, false, Unordered),
            ordering_kind(AtomicOp::Fence, false, Monotonic),
        ]
    );
}

#[test]
fn atomic_alignment_types_and_sizes() {
    use AtomicOrdering::*;
    let s = Type::literal_struct(vec![Type::I32]);
    let mut unaligned_rmw = rmw(RmwOp::Add, val(1), SeqCst);
    if let Op::AtomicRmw { align, .. } = &mut unaligned_rmw {
        *align = 0;
    }
    let mut unaligned_cx = cmpxchg(val(1), val(1), SeqCst, SeqCst);
    if let Op::CmpXchg { align, .. } = &mut unaligned_cx {
        *align = 0;
    }
    let insts = vec![
        def(ValueId(2), Type::I64, load_atomic(val(0), 0, SeqCst)),
        Inst::void(store_atomic(val(1), val(0), 0, SeqCst)),
        def(ValueId(3), Type::I64, unaligned_rmw),
        def(ValueId(4), pair(Type::I64), unaligned_cx),
        // Types: an aggregate; sizes: under a byte, not a power of two.
        def(ValueId(5), s.clone(), load_atomic(val(0), 4, SeqCst)),
        def(ValueId(6), Type::BOOL, load_atomic(val(0), 1, SeqCst)),
        def(ValueId(7), Type::X86Fp80, load_atomic(val(0), 16, SeqCst)),
        def(ValueId(8), Type::vector(3, Type::I32), load_atomic(val(0), 16, SeqCst)),
        def(ValueId(9), Type::vector(3, Type::Ptr), load_atomic(val(0), 16, SeqCst)),
        Inst::void(store_atomic(Operand::int(48, 0), val(0), 8, SeqCst)),
        def(ValueId(10), Type::Int(24), rmw(RmwOp::Add, Operand::int(24, 0), SeqCst)),
        def(
            ValueId(11),
            pair(Type::Int(7)),
            cmpxchg(Operand::int(7, 0), Operand::int(7, 0), SeqCst, SeqCst),
        ),
    ];
    let size = |op, ty: Type, bits| ViolationKind::AtomicAccessSize { op, ty, bits };
    assert_eq!(
        inst_kinds(vec![Type::Ptr, Type::I64], insts),
        vec![
            ViolationKind::AtomicWithoutAlignment { op: AtomicOp::Load },
            ViolationKind::AtomicWithoutAlignment { op: AtomicOp::Store },
            ViolationKind::AtomicWithoutAlignment { op: AtomicOp::AtomicRmw },
            ViolationKind::AtomicWithoutAlignment { op: AtomicOp::CmpXchg },
            ViolationKind::AtomicAccessType { op: AtomicOp::Load, ty: s },
            size(AtomicOp::Load, Type::BOOL, 1),
            size(AtomicOp::Load, Type::X86Fp80, 80),
            size(AtomicOp::Load, Type::vector(3, Type::I32), 96),
            size(AtomicOp::Load, Type::vector(3, Type::Ptr), 192),
            size(AtomicOp::Store, Type::Int(48), 48),
            size(AtomicOp::AtomicRmw, Type::Int(24), 24),
            size(AtomicOp::CmpXchg, Type::Int(7), 7),
        ]
    );
}

#[test]
fn atomicrmw_and_cmpxchg_are_typed() {
    use AtomicOrdering::*;
    let s = Type::literal_struct(vec![Type::I32]);
    let v2 = Type::vector(2, Type::I64);
    let zero_v2 = Operand::Const(Constant::Zero(v2.clone()));
    let insts = vec![
        def(ValueId(3), Type::Double, rmw(RmwOp::Add, val(2), SeqCst)),
        def(ValueId(4), v2.clone(), rmw(RmwOp::UMax, zero_v2.clone(), SeqCst)),
        def(ValueId(5), Type::I64, rmw(RmwOp::FMaximum, val(1), SeqCst)),
        def(ValueId(6), v2.clone(), rmw(RmwOp::Xchg, zero_v2, SeqCst)),
        def(ValueId(7), Type::I32, rmw(RmwOp::Sub, val(1), SeqCst)),
        Inst {
            result: Some(ValueId(8)),
            name: None,
            ty: Type::I64,
            op: Op::AtomicRmw {
                op: RmwOp::Xchg,
                ptr: val(1),
                val: val(1),
                align: 8,
                volatile: false,
                atomic: atomic(SeqCst),
            },
        },
        def(ValueId(9), pair(Type::Double), cmpxchg(val(2), val(2), SeqCst, SeqCst)),
        def(ValueId(10), pair(Type::I64), cmpxchg(val(1), Operand::int(32, 0), SeqCst, SeqCst)),
        def(ValueId(11), pair(Type::I32), cmpxchg(val(1), val(1), SeqCst, SeqCst)),
        def(ValueId(12), s.clone(), cmpxchg(val(1), val(1), SeqCst, SeqCst)),
    ];
    let int = Expected::Int;
    assert_eq!(
        inst_kinds(vec![Type::Ptr, Type::I64, Type::Double], insts),
        vec![
            operand_type(1, Type::Double, int.clone()),
            operand_type(1, v2.clone(), int),
            operand_type(1, Type::I64, Expected::FloatOrFloatVector),
            operand_type(1, v2, Expected::IntOrFloatOrPtr),
            result_type(Type::I32, Expected::Type(Type::I64)),
            operand_type(0, Type::I64, Expected::Type(Type::Ptr)),
            operand_type(1, Type::Double, Expected::IntOrPtr),
            operand_type(2, Type::I32, Expected::Type(Type::I64)),
            result_type(pair(Type::I32), Expected::Type(pair(Type::I64))),
            result_type(s, Expected::Type(pair(Type::I64))),
        ]
    );
}

#[test]
fn atomics_have_their_results() {
    use AtomicOrdering::*;
    let insts = vec![
        Inst::void(rmw(RmwOp::Add, val(1), SeqCst)),
        def(ValueId(2), Type::Void, Op::Fence { atomic: atomic(SeqCst) }),
        Inst { result: None, name: None, ty: Type::I64, op: Op::Fence { atomic: atomic(SeqCst) } },
    ];
    assert_eq!(
        inst_kinds(vec![Type::Ptr, Type::I64], insts),
        vec![
            ViolationKind::VoidResult { opcode: "atomicrmw".into() },
            ViolationKind::ResultOnVoid { value: v(2) },
            ViolationKind::NoResultExpected { opcode: "fence".into(), ty: Type::I64 },
        ]
    );
}

// --- 10. Exception handling ---------------------------------------------------------------

fn thrower() -> FunctionType {
    sig(Type::I32, vec![Type::I32])
}

fn invoke(args: Vec<Operand>, normal: BlockId, unwind: BlockId) -> Op {
    let call = Call::new(Operand::global("may_throw"), thrower(), args);
    Op::Invoke { call: Box::new(call), normal, unwind }
}

fn exception_ty() -> Type {
    Type::literal_struct(vec![Type::Ptr, Type::I32])
}

fn landing_pad(cleanup: bool, clauses: Vec<Clause>) -> Op {
    Op::LandingPad { cleanup, clauses }
}

/// A module of `f` (given the personality `@personality` unless it has one), `@may_throw`,
/// `@personality` and `@typeinfo`.
fn eh_module(mut f: Function) -> Module {
    if f.personality.is_none() {
        f.personality = Some(Constant::Global("personality".into()));
    }
    let mut typeinfo = global("typeinfo", Constant::Null);
    typeinfo.init = None;
    let personality = FunctionType { ret: Type::I32, params: vec![], varargs: true };
    let mut m = module(vec![
        f,
        Function::declaration("may_throw", thrower()),
        Function::declaration("personality", personality),
    ]);
    m.globals.push(typeinfo);
    m
}

/// `i32 @f(i1 %c, i32 %x)`: entry branches to %try (bb1) or %join (bb3); %try invokes
/// `@may_throw(%x)` as v2 to %cont (bb2), unwinding to %lpad (bb4); %cont goes to %join;
/// %lpad is `cleanup` and resumes. `cont` and `join` are filled by the caller, which also
/// finishes them.
fn eh_diamond(
    cont: impl FnOnce(&mut FunctionBuilder),
    join: impl FnOnce(&mut FunctionBuilder),
) -> Function {
    let mut b = FunctionBuilder::new("f", sig(Type::I32, vec![Type::BOOL, Type::I32]));
    let (try_, cont_b, join_b, lpad) =
        (b.block("try"), b.block("cont"), b.block("join"), b.block("lpad"));
    b.cond_br(val(0), try_, join_b);
    b.position(try_);
    b.push_inst(def(ValueId(2), Type::I32, invoke(vec![val(1)], cont_b, lpad)));
    b.position(cont_b);
    cont(&mut b);
    b.position(join_b);
    join(&mut b);
    b.position(lpad);
    b.push_inst(def(ValueId(9), exception_ty(), landing_pad(true, vec![])));
    b.push_void(Op::Resume { val: val(9) });
    b.finish()
}

#[test]
fn invoke_results_are_defined_on_the_normal_edge() {
    // Used in the normal destination, which only the invoke reaches: fine.
    let f = eh_diamond(
        |b| {
            b.push_inst(def(ValueId(3), Type::I32, bin(BinOp::Add, val(2), int(32, 1))));
            b.br(BlockId(3));
        },
        |b| {
            let incoming = vec![(int(32, 0), BlockId(0)), (val(3), BlockId(2))];
            b.push_inst(def(ValueId(4), Type::I32, Op::Phi { flags: Flags::NONE, incoming }));
            b.ret(Some(val(4)));
        },
    );
    assert_eq!(kinds_of(&eh_module(f)), VOID);

    // Used at the join, which the entry reaches too; and in the landing pad.
    let mut f = eh_diamond(
        |b| b.br(BlockId(3)),
        |b| {
            b.push_inst(def(ValueId(4), Type::I32, bin(BinOp::Add, val(2), int(32, 1))));
            b.ret(Some(val(4)));
        },
    );
    f.blocks[4].insts.insert(1, def(ValueId(5), Type::I32, bin(BinOp::Add, val(2), int(32, 1))));
    assert_eq!(
        kinds_of(&eh_module(f)),
        vec![
            ViolationKind::UseNotDominated { value: v(2) },
            ViolationKind::UseNotDominated { value: v(2) },
        ]
    );
}

#[test]
fn a_phi_takes_an_invoke_result_along_its_normal_edge() {
    // entry: br %c, %try, %join; %try: invoke to %join (a critical edge) unwind %lpad;
    // %join: phi [0, entry], [v2, try] is fine, a plain use of v2 is not.
    let mut b = FunctionBuilder::new("f", sig(Type::I32, vec![Type::BOOL, Type::I32]));
    let (try_, join, lpad) = (b.block("try"), b.block("join"), b.block("lpad"));
    b.cond_br(val(0), try_, join);
    b.position(try_);
    b.push_inst(def(ValueId(2), Type::I32, invoke(vec![val(1)], join, lpad)));
    b.position(join);
    let incoming = vec![(int(32, 0), BlockId(0)), (val(2), try_)];
    b.push_inst(def(ValueId(3), Type::I32, Op::Phi { flags: Flags::NONE, incoming }));
    b.push_inst(def(ValueId(4), Type::I32, bin(BinOp::Add, val(2), val(3))));
    b.ret(Some(val(4)));
    b.position(lpad);
    b.push_inst(def(ValueId(9), exception_ty(), landing_pad(true, vec![])));
    // From the landing pad, a phi of %join cannot take v2: its edge does not come from %try.
    b.br(join);
    let mut f = b.finish();
    if let Op::Phi { incoming, .. } = &mut f.blocks[2].insts[0].op {
        incoming.push((val(2), lpad));
    }
    assert_eq!(
        kinds_of(&eh_module(f)),
        vec![
            ViolationKind::IncomingNotDominated { value: v(2), block: bb(3) },
            ViolationKind::UseNotDominated { value: v(2) },
        ]
    );
}

#[test]
fn an_invoke_with_one_destination_is_reported_once() {
    // normal == unwind: the landing pad's block is reached by the normal edge too. LLVM
    // skips the dominance of such an invoke's result; so do we.
    let mut b = FunctionBuilder::new("f", sig(Type::I32, vec![Type::BOOL, Type::I32]));
    let lpad = b.block("lpad");
    b.push_inst(def(ValueId(2), Type::I32, invoke(vec![val(1)], lpad, lpad)));
    b.position(lpad);
    b.push_inst(def(ValueId(9), exception_ty(), landing_pad(true, vec![])));
    b.ret(Some(val(2)));
    assert_eq!(
        kinds_of(&eh_module(b.finish())),
        vec![ViolationKind::LandingPadPredecessor { pred: bb(0) }]
    );
}

#[test]
fn invokes_are_checked_as_calls() {
    let mut b = FunctionBuilder::new("f", sig(Type::I32, vec![Type::BOOL, Type::I32]));
    let (cont, lpad) = (b.block("cont"), b.block("lpad"));
    let mut op = invoke(vec![Operand::int(64, 1), val(1)], cont, lpad);
    if let Op::Invoke { call, .. } = &mut op {
        call.tail = TailKind::MustTail;
        call.flags = Flags::FAST;
    }
    b.push_inst(def(ValueId(2), Type::I64, op));
    b.position(cont);
    // An invoke whose type is void may not define a value; one of another type may leave
    // it unnamed.
    let void_ty = sig(Type::Void, vec![]);
    let call = Call::new(Operand::global("nothing"), void_ty, vec![]);
    let void_invoke = Op::Invoke { call: Box::new(call), normal: BlockId(3), unwind: lpad };
    b.push_inst(def(ValueId(3), Type::Void, void_invoke));
    let lost = BlockId(3);
    b.position(lpad);
    b.push_inst(def(ValueId(9), exception_ty(), landing_pad(true, vec![])));
    b.ret(Some(val(1)));
    let mut m = eh_module(b.finish());
    m.functions.push(Function::declaration("nothing", sig(Type::I32, vec![])));
    assert_eq!(
        kinds_of(&m),
        vec![
            ViolationKind::ArgumentCount { found: 2, expected: 1, varargs: false },
            ViolationKind::OperandType {
                operand: OperandSlot::Argument(0),
                found: Type::I64,
                expected: Expected::Type(Type::I32)
            },
            result_type(Type::I64, Expected::Type(Type::I32)),
            ViolationKind::DisallowedFlags { opcode: "invoke".into(), flags: Flags::FAST },
            ViolationKind::TailMarkerOnInvoke { tail: TailKind::MustTail },
            ViolationKind::UndefinedBlock { block: bb(lost.0) },
            ViolationKind::ResultOnVoid { value: v(3) },
            ViolationKind::CallSignatureMismatch {
                callee: "nothing".into(),
                call_ty: sig(Type::Void, vec![]),
                callee_ty: sig(Type::I32, vec![]),
            },
        ]
    );
}

#[test]
fn invokes_unwind_to_landing_pads() {
    // Unwinding to a block that starts with a phi and then a landingpad is fine; to one
    // that starts otherwise is not.
    let mut b = FunctionBuilder::new("f", sig(Type::I32, vec![Type::BOOL, Type::I32]));
    let (other, lpad, plain) = (b.block("other"), b.block("lpad"), b.block("plain"));
    b.push_inst(def(ValueId(2), Type::I32, invoke(vec![val(1)], other, lpad)));
    b.position(other);
    b.push_inst(def(ValueId(3), Type::I32, invoke(vec![val(2)], plain, plain)));
    b.position(lpad);
    let incoming = vec![(int(32, 0), BlockId(0))];
    b.push_inst(def(ValueId(4), Type::I32, Op::Phi { flags: Flags::NONE, incoming }));
    b.push_inst(def(ValueId(9), exception_ty(), landing_pad(true, vec![])));
    b.ret(Some(val(4)));
    b.position(plain);
    b.ret(Some(val(1)));
    assert_eq!(
        kinds_of(&eh_module(b.finish())),
        vec![ViolationKind::UnwindDestNotLandingPad { block: bb(3) }]
    );
}

#[test]
fn landing_pads_are_placed_and_reached_as_landing_pads() {
    let mut b = FunctionBuilder::new("f", sig(Type::I32, vec![Type::BOOL, Type::I32]));
    let (lpad, join) = (b.block("lpad"), b.block("join"));
    b.push_inst(def(ValueId(8), exception_ty(), landing_pad(true, vec![])));
    b.cond_br(val(0), lpad, join);
    b.position(lpad);
    b.push_inst(def(ValueId(3), Type::I32, bin(BinOp::Add, val(1), int(32, 1))));
    b.push_inst(def(ValueId(9), exception_ty(), landing_pad(false, vec![])));
    b.push_inst(def(ValueId(10), exception_ty(), landing_pad(true, vec![])));
    b.br(join);
    b.position(join);
    b.ret(Some(val(1)));
    assert_eq!(
        kinds_of(&eh_module(b.finish())),
        vec![
            ViolationKind::LandingPadInEntryBlock,
            ViolationKind::EmptyLandingPad,
            ViolationKind::LandingPadNotFirst,
            ViolationKind::LandingPadPredecessor { pred: bb(0) },
            ViolationKind::LandingPadNotFirst,
            ViolationKind::LandingPadPredecessor { pred: bb(0) },
        ]
    );
}

#[test]
fn landing_pad_clauses_and_exception_types() {
    let mut b = FunctionBuilder::new("f", sig(Type::Void, vec![Type::BOOL]));
    let (lpad, other) = (b.block("lpad"), b.block("other"));
    b.push_inst(def(ValueId(1), Type::I32, invoke(vec![int(32, 0)], other, lpad)));
    b.position(lpad);
    let ptrs = |n| Type::array(n, Type::Ptr);
    let clauses = vec![
        Clause::Catch(Constant::Null),
        Clause::Catch(Constant::Global("typeinfo".into())),
        Clause::Catch(Constant::int(32, 1)),
        Clause::Filter(Constant::Zero(ptrs(0))),
        Clause::Filter(Constant::Array { elem: Type::Ptr, elems: vec![Constant::Null] }),
        Clause::Filter(Constant::Poison(ptrs(2))),
        Clause::Filter(Constant::Zero(Type::array(2, Type::I32))),
        Clause::Filter(Constant::Global("nowhere".into())),
    ];
    b.push_inst(def(ValueId(2), exception_ty(), landing_pad(false, clauses)));
    b.push_void(Op::Resume { val: val(2) });
    b.position(other);
    b.push_void(Op::Resume { val: Operand::Const(Constant::Zero(Type::Ptr)) });
    let problem = |index, problem| ViolationKind::InvalidClause { index, problem };
    assert_eq!(
        kinds_of(&eh_module(b.finish())),
        vec![
            ViolationKind::UndefinedSymbol { name: "nowhere".into() },
            problem(2, ClauseProblem::CatchNotPointer(Type::I32)),
            problem(5, ClauseProblem::FilterNotAList),
            problem(6, ClauseProblem::FilterNotPointerArray(Type::array(2, Type::I32))),
            problem(7, ClauseProblem::FilterNotPointerArray(Type::Ptr)),
            ViolationKind::ExceptionTypeMismatch { found: Type::Ptr, expected: exception_ty() },
        ]
    );
}

#[test]
fn exception_handling_needs_a_personality() {
    let mut b = FunctionBuilder::new("f", sig(Type::Void, vec![]));
    let lpad = b.block("lpad");
    b.push_inst(def(ValueId(1), Type::I32, invoke(vec![int(32, 0)], lpad, lpad)));
    b.position(lpad);
    b.push_inst(def(ValueId(2), exception_ty(), landing_pad(true, vec![])));
    b.push_void(Op::Resume { val: val(2) });
    let mut f = b.finish();
    f.personality = Some(Constant::int(8, 0));
    let mut decl = Function::declaration("d", sig(Type::Void, vec![]));
    decl.personality = Some(Constant::Global("missing".into()));
    let mut m = eh_module(f);
    m.functions.push(decl);
    assert_eq!(
        kinds_of(&m),
        vec![
            ViolationKind::InvalidPersonality {
                problem: PersonalityProblem::NotAPointer(Type::I8)
            },
            ViolationKind::LandingPadPredecessor { pred: bb(0) },
            ViolationKind::UndefinedSymbol { name: "missing".into() },
            ViolationKind::InvalidPersonality { problem: PersonalityProblem::Declaration },
        ]
    );
    // Without one at all.
    let mut m = eh_module(eh_diamond(|b| b.br(BlockId(3)), |b| b.ret(Some(val(1)))));
    m.functions[0].personality = None;
    let missing = |opcode: &str| ViolationKind::MissingPersonality { opcode: opcode.into() };
    assert_eq!(kinds_of(&m), vec![missing("landingpad"), missing("resume")]);
}

#[test]
fn indirect_branches() {
    let mut b = FunctionBuilder::new("f", sig(Type::Void, vec![Type::Ptr, Type::I64]));
    let (a, c) = (b.block("a"), b.block("c"));
    b.push_void(Op::IndirectBr { addr: val(0), dests: vec![a, c] });
    b.position(a);
    b.push_void(Op::IndirectBr { addr: val(1), dests: vec![c, BlockId(9)] });
    b.position(c);
    b.push_void(Op::IndirectBr { addr: val(0), dests: vec![] });
    let m = module(vec![b.finish()]);
    assert_eq!(
        kinds_of(&m),
        vec![
            ViolationKind::UndefinedBlock { block: bb(9) },
            operand_type(0, Type::I64, Expected::Type(Type::Ptr)),
        ]
    );
}

#[test]
fn new_terminators_end_blocks() {
    let mut b = FunctionBuilder::new("f", sig(Type::Void, vec![Type::Ptr]));
    let (a, lpad) = (b.block("a"), b.block("lpad"));
    b.push_void(Op::IndirectBr { addr: val(0), dests: vec![a] });
    b.push_inst(def(ValueId(1), Type::I32, invoke(vec![int(32, 0)], a, lpad)));
    b.push_void(Op::Fence { atomic: atomic(AtomicOrdering::SeqCst) });
    b.position(a);
    b.ret(None);
    b.position(lpad);
    b.push_inst(def(ValueId(2), exception_ty(), landing_pad(true, vec![])));
    b.push_void(Op::Resume { val: val(2) });
    b.push_void(Op::Unreachable);
    assert_eq!(
        kinds_of(&eh_module(b.finish())),
        vec![
            ViolationKind::TerminatorNotAtEnd,
            ViolationKind::TerminatorNotAtEnd,
            ViolationKind::MissingTerminator,
            ViolationKind::TerminatorNotAtEnd,
        ]
    );
}

// --- 11. Wide integers, floats, inline asm, block addresses -------------------------------

#[test]
fn wide_integer_and_float_constants() {
    let freeze = |ty: Type, c: Constant| Inst {
        result: Some(ValueId(1)),
        name: None,
        ty,
        op: Op::Freeze { val: Operand::Const(c) },
    };
    let check = |ty: Type, c: Constant| kinds(vec![void_fn(vec![freeze(ty, c)])]);
    let problem = |p| vec![ViolationKind::MalformedConstant { problem: p }];
    // Valid: the widest native integer, a wide one, one of the widest width, floats.
    assert_eq!(check(Type::Int(128), Constant::Int { bits: 128, value: u128::MAX }), VOID);
    assert_eq!(check(Type::Int(129), Constant::from_words(129, &[1, 2, 1])), VOID);
    let widest = Constant::from_words(MAX_INT_BITS, &[u64::MAX; 4]);
    assert_eq!(check(Type::Int(MAX_INT_BITS), widest), VOID);
    let ld = Constant::Float { kind: FloatKind::X86Fp80, bits: (1 << 80) - 1 };
    assert_eq!(check(Type::X86Fp80, ld), VOID);
    let quad = Constant::Float { kind: FloatKind::Fp128, bits: u128::MAX };
    assert_eq!(check(Type::Fp128, quad), VOID);
    // Malformed.
    assert_eq!(
        check(Type::Int(129), Constant::Int { bits: 129, value: 1 }),
        problem(ConstantProblem::IntTooWide { bits: 129 })
    );
    assert_eq!(
        check(Type::Int(128), Constant::WideInt { bits: 128, words: vec![1, 0] }),
        problem(ConstantProblem::WideIntTooNarrow { bits: 128 })
    );
    assert_eq!(
        check(Type::Int(192), Constant::WideInt { bits: 192, words: vec![1, 0, 0, 0] }),
        problem(ConstantProblem::WideIntWordCount { bits: 192, found: 4, expected: 3 })
    );
    assert_eq!(
        check(Type::Int(192), Constant::WideInt { bits: 192, words: vec![1, 0, 0, 1] }),
        vec![
            ViolationKind::MalformedConstant {
                problem: ConstantProblem::WideIntWordCount { bits: 192, found: 4, expected: 3 }
            },
            ViolationKind::MalformedConstant {
                problem: ConstantProblem::WideIntValueTooWide { bits: 192 }
            },
        ]
    );
    assert_eq!(
        check(Type::Int(130), Constant::WideInt { bits: 130, words: vec![0, 0, 4] }),
        problem(ConstantProblem::WideIntValueTooWide { bits: 130 })
    );
    assert_eq!(
        check(Type::Int(130), Constant::WideInt { bits: 130, words: vec![0, 0] }),
        problem(ConstantProblem::WideIntWordCount { bits: 130, found: 2, expected: 3 })
    );
    let too_wide = Type::Int(MAX_INT_BITS + 1);
    let words = vec![0; (MAX_INT_BITS + 1).div_ceil(64) as usize];
    assert_eq!(
        check(too_wide.clone(), Constant::WideInt { bits: MAX_INT_BITS + 1, words }),
        vec![ViolationKind::MalformedType {
            ty: too_wide,
            problem: TypeProblem::IntWidth(MAX_INT_BITS + 1)
        }]
    );
    let bits = 1u128 << 80;
    assert_eq!(
        check(Type::X86Fp80, Constant::Float { kind: FloatKind::X86Fp80, bits }),
        problem(ConstantProblem::FloatBitsTooWide { kind: FloatKind::X86Fp80, bits })
    );
    let bits = 1u128 << 64;
    assert_eq!(
        check(Type::Double, Constant::Float { kind: FloatKind::Double, bits }),
        problem(ConstantProblem::FloatBitsTooWide { kind: FloatKind::Double, bits })
    );
}

fn asm(fn_ty: FunctionType) -> Constant {
    Constant::Asm(Box::new(InlineAsm {
        fn_ty,
        asm: "nop".into(),
        constraints: String::new(),
        side_effect: true,
        align_stack: false,
        dialect: AsmDialect::Att,
        can_unwind: true,
    }))
}

#[test]
fn inline_asm_is_only_called() {
    let void_ty = sig(Type::Void, vec![]);
    let int_ty = sig(Type::I32, vec![Type::I32]);
    let call_asm = |asm_ty: FunctionType, call_ty: FunctionType, args| {
        Op::Call(Box::new(Call::new(Operand::Const(asm(asm_ty)), call_ty, args)))
    };
    let in_vector = Constant::Vector(vec![asm(void_ty.clone())]);
    let insts = vec![
        Inst::void(call_asm(void_ty.clone(), void_ty.clone(), vec![])),
        def(ValueId(1), Type::I32, call_asm(int_ty.clone(), int_ty.clone(), vec![int(32, 1)])),
        Inst::void(call_asm(int_ty.clone(), void_ty.clone(), vec![])),
        // As an argument, as a stored value, inside a constant.
        Inst::void(call_asm(
            sig(Type::Void, vec![Type::Ptr]),
            sig(Type::Void, vec![Type::Ptr]),
            vec![Operand::Const(asm(void_ty.clone()))],
        )),
        Inst::void(Op::Store {
            val: Operand::Const(asm(void_ty.clone())),
            ptr: val(0),
            align: 8,
            volatile: false,
            atomic: None,
        }),
        def(ValueId(2), in_vector.ty(), Op::Freeze { val: Operand::Const(in_vector) }),
    ];
    let mut m = module(vec![fn_with_params(vec![Type::Ptr], insts)]);
    m.globals.push(global("g", asm(void_ty.clone())));
    assert_eq!(
        kinds_of(&m),
        vec![
            ViolationKind::MisplacedInlineAsm,
            ViolationKind::InlineAsmTypeMismatch { call_ty: void_ty, asm_ty: int_ty },
            ViolationKind::MisplacedInlineAsm,
            ViolationKind::MisplacedInlineAsm,
            ViolationKind::MisplacedInlineAsm,
        ]
    );
}

#[test]
fn block_addresses_name_blocks_of_definitions() {
    let mut b = FunctionBuilder::new("f", sig(Type::Void, vec![Type::Ptr]));
    let a = b.block("a");
    let addr = |f: &str, block: u32| {
        Operand::Const(Constant::BlockAddress { function: f.into(), block: BlockId(block) })
    };
    let store = |v: Operand| {
        Inst::void(Op::Store { val: v, ptr: val(0), align: 8, volatile: false, atomic: None })
    };
    b.push_inst(store(addr("f", 1)));
    b.push_inst(store(addr("f", 0)));
    b.push_inst(store(addr("f", 2)));
    b.push_inst(store(addr("d", 1)));
    b.push_inst(store(addr("g", 1)));
    b.push_inst(store(addr("none", 1)));
    b.push_void(Op::IndirectBr { addr: addr("f", 1), dests: vec![a] });
    b.position(a);
    b.ret(None);
    let mut m = module(vec![b.finish(), Function::declaration("d", sig(Type::Void, vec![]))]);
    m.globals.push(global("g", Constant::BlockAddress { function: "f".into(), block: BlockId(1) }));
    let invalid = |function: &str, block, problem| ViolationKind::InvalidBlockAddress {
        function: function.into(),
        block: bb(block),
        problem,
    };
    assert_eq!(
        kinds_of(&m),
        vec![
            invalid("f", 0, BlockAddressProblem::EntryBlock),
            invalid("f", 2, BlockAddressProblem::NoSuchBlock),
            invalid("d", 1, BlockAddressProblem::Declaration),
            invalid("g", 1, BlockAddressProblem::NotAFunction),
            ViolationKind::UndefinedSymbol { name: "none".into() },
        ]
    );
}

// --- 12. Aliases and comdats --------------------------------------------------------------

fn alias(name: &str, aliasee: Constant) -> Alias {
    Alias {
        name: name.into(),
        ty: Type::I32,
        aliasee,
        props: SymbolProps::default(),
        thread_local: None,
    }
}

fn linked(mut a: Alias, linkage: Linkage) -> Alias {
    a.props.linkage = linkage;
    a
}

fn sym(name: &str) -> Constant {
    Constant::Global(name.into())
}

/// `@g = global i32 0`, `@f` defined (`i32 ()`), `@d` declared, `@e` external global.
fn alias_module(aliases: Vec<Alias>) -> Module {
    let mut f = FunctionBuilder::new("f", sig(Type::I32, vec![]));
    f.ret(Some(int(32, 0)));
    let mut m = module(vec![f.finish(), Function::declaration("d", sig(Type::Void, vec![]))]);
    let mut e = global("e", Constant::int(32, 0));
    e.init = None;
    m.globals = vec![global("g", Constant::int(32, 0)), e];
    m.aliases = aliases;
    m
}

#[test]
fn aliases_of_definitions_are_valid_and_usable() {
    let gep = ConstExpr::Gep {
        source_ty: Type::array(4, Type::I8),
        base: sym("g"),
        indices: vec![Constant::int(64, 0), Constant::int(64, 2)],
        flags: Flags::INBOUNDS,
    };
    let cast = ConstExpr::Cast { op: CastOp::PtrToInt, val: sym("g"), to: Type::I64 };
    let back = ConstExpr::Cast {
        op: CastOp::IntToPtr,
        val: Constant::Expr(Box::new(cast)),
        to: Type::Ptr,
    };
    let mut m = alias_module(vec![
        alias("a", sym("g")),
        alias("b", Constant::Expr(Box::new(gep))),
        alias("c", sym("a")),
        linked(alias("fa", sym("f")), Linkage::Internal),
        linked(alias("w", sym("g")), Linkage::WeakOdr),
        alias("via_odr", sym("w")),
        alias("cast", Constant::Expr(Box::new(back))),
    ]);
    // A user: loads through an alias, calls through two, takes addresses of aliases.
    let mut u = FunctionBuilder::new("u", sig(Type::I32, vec![]));
    let load = Op::Load { ptr: Operand::global("c"), align: 4, volatile: false, atomic: None };
    u.push(Type::I32, load);
    let r = u.call("fa", sig(Type::I32, vec![]), vec![]);
    u.ret(Some(r));
    m.functions.push(u.finish());
    m.globals.push(global(
        "table",
        Constant::Array { elem: Type::Ptr, elems: vec![sym("b"), sym("fa")] },
    ));
    assert_eq!(kinds_of(&m), VOID);
}

#[test]
fn aliases_stand_for_definitions_without_cycles() {
    let target =
        |target: &str, problem| ViolationKind::AliasTarget { target: target.into(), problem };
    use AliasTargetProblem::*;
    let m = alias_module(vec![
        alias("to_d", sym("d")),
        alias("to_e", sym("e")),
        alias("self", sym("self")),
        alias("x", sym("y")),
        alias("y", sym("x")),
        alias("into_cycle", sym("x")),
        linked(alias("weak", sym("g")), Linkage::Weak),
        alias("via_weak", sym("weak")),
        linked(alias("ae", sym("g")), Linkage::AvailableExternally),
        alias("via_ae", sym("ae")),
        alias("gone", sym("nowhere")),
    ]);
    let cycle = |path: &[&str]| ViolationKind::AliasCycle {
        path: path.iter().map(|s| s.to_string()).collect(),
    };
    assert_eq!(
        kinds_of(&m),
        vec![
            target("d", Declaration),
            target("e", Declaration),
            cycle(&["self", "self"]),
            cycle(&["x", "y", "x"]),
            cycle(&["y", "x", "y"]),
            cycle(&["into_cycle", "x", "y", "x"]),
            target("weak", InterposableAlias),
            target("g", NotAvailableExternally),
            target("ae", Declaration),
            ViolationKind::UndefinedSymbol { name: "nowhere".into() },
        ]
    );
}

#[test]
fn aliases_have_alias_linkages_and_pointer_aliasees() {
    let m = alias_module(vec![
        linked(alias("common", sym("g")), Linkage::Common),
        linked(alias("appending", sym("g")), Linkage::Appending),
        linked(alias("ew", sym("g")), Linkage::ExternWeak),
        alias("null", Constant::Null),
        alias("int", Constant::int(64, 8)),
        alias("g", sym("f")),
        alias("f", sym("g")),
        alias("dup", sym("g")),
        alias("dup", sym("g")),
    ]);
    assert_eq!(
        kinds_of(&m),
        vec![
            ViolationKind::InvalidAliasLinkage { linkage: Linkage::Common },
            ViolationKind::InvalidAliasLinkage { linkage: Linkage::Appending },
            ViolationKind::InvalidAliasLinkage { linkage: Linkage::ExternWeak },
            ViolationKind::InvalidAliasee,
            ViolationKind::InvalidAliasee,
            ViolationKind::AliaseeType { found: Type::I64 },
            ViolationKind::DuplicateSymbol { name: "g".into() },
            ViolationKind::DuplicateSymbol { name: "f".into() },
            ViolationKind::DuplicateSymbol { name: "dup".into() },
        ]
    );
}

#[test]
fn calls_through_aliases_fit_the_function() {
    let mut u = FunctionBuilder::new("u", sig(Type::Void, vec![]));
    u.call("fa", sig(Type::I64, vec![]), vec![]);
    u.call("ga", sig(Type::Void, vec![]), vec![]);
    u.call("ea", sig(Type::Void, vec![]), vec![]);
    u.ret(None);
    let gep = ConstExpr::Gep {
        source_ty: Type::I8,
        base: sym("f"),
        indices: vec![Constant::int(64, 0)],
        flags: Flags::NONE,
    };
    let mut m = alias_module(vec![
        alias("fa", sym("f")),
        alias("ga", sym("g")),
        alias("ea", Constant::Expr(Box::new(gep))),
    ]);
    m.functions.push(u.finish());
    assert_eq!(
        kinds_of(&m),
        vec![
            ViolationKind::CallSignatureMismatch {
                callee: "fa".into(),
                call_ty: sig(Type::I64, vec![]),
                callee_ty: sig(Type::I32, vec![]),
            },
            ViolationKind::CallToNonFunction { callee: "ga".into() },
        ]
    );
}

#[test]
fn comdats_hold_definitions_of_one_selection_kind() {
    let any = |name: &str| Some(Comdat { name: name.into(), selection: ComdatSelection::Any });
    let mut m = alias_module(vec![]);
    m.globals[0].props.comdat = any("g"); // @g, a definition.
    m.globals[1].props.comdat = any("g"); // @e, a declaration.
    let mut common = global("c", Constant::int(32, 0));
    common.props.linkage = Linkage::Common;
    common.props.comdat = any("c");
    let mut ae = global("ae", Constant::int(32, 0));
    ae.props.linkage = Linkage::AvailableExternally;
    ae.props.comdat = any("ae");
    m.globals.push(common);
    m.globals.push(ae);
    m.functions[0].props.comdat =
        Some(Comdat { name: "g".into(), selection: ComdatSelection::NoDeduplicate });
    m.functions[1].props.comdat = any("f");
    let mut a = alias("a", sym("g"));
    a.props.comdat = any("g");
    m.aliases.push(a);
    let invalid =
        |comdat: &str, problem| ViolationKind::InvalidComdat { comdat: comdat.into(), problem };
    assert_eq!(
        kinds_of(&m),
        vec![
            invalid("g", ComdatProblem::Declaration),
            invalid("c", ComdatProblem::Common),
            invalid("ae", ComdatProblem::Declaration),
            invalid("g", ComdatProblem::Alias),
            invalid(
                "g",
                ComdatProblem::SelectionConflict {
                    first: ComdatSelection::Any,
                    found: ComdatSelection::NoDeduplicate
                }
            ),
            invalid("f", ComdatProblem::Declaration),
        ]
    );
}

// --- Robustness ---------------------------------------------------------------------------

/// A tiny deterministic generator (no dependency needed).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// `i32 @f(i1 %c, i32 %x)` with an invoke, a landing pad, a phi of the invoke's result,
/// atomics, a computed goto and a block address: valid.
fn eh_base() -> Function {
    use AtomicOrdering::*;
    let addr = Constant::BlockAddress { function: "f".into(), block: BlockId(2) };
    eh_diamond(
        |b| {
            b.push_inst(def(ValueId(3), Type::I32, bin(BinOp::Add, val(2), int(32, 1))));
            b.push_inst(def(
                ValueId(5),
                Type::Ptr,
                Op::Alloca { ty: Type::I32, count: int(32, 1), align: 4 },
            ));
            let rmw = Op::AtomicRmw {
                op: RmwOp::Add,
                ptr: val(5),
                val: val(3),
                align: 4,
                volatile: false,
                atomic: atomic(SeqCst),
            };
            b.push_inst(def(ValueId(6), Type::I32, rmw));
            let cx = Op::CmpXchg {
                ptr: val(5),
                cmp: val(6),
                new: val(3),
                align: 4,
                volatile: false,
                weak: false,
                success: AcqRel,
                failure: Acquire,
                scope: SyncScope::System,
            };
            b.push_inst(def(ValueId(7), pair(Type::I32), cx));
            b.push_void(Op::Fence { atomic: atomic(SeqCst) });
            b.push_void(Op::IndirectBr { addr: Operand::Const(addr), dests: vec![BlockId(3)] });
        },
        |b| {
            let incoming = vec![(int(32, 0), BlockId(0)), (val(3), BlockId(2))];
            b.push_inst(def(ValueId(4), Type::I32, Op::Phi { flags: Flags::NONE, incoming }));
            b.ret(Some(val(4)));
        },
    )
}

/// Random damage to valid functions: block ids, value ids, types, instructions moved or
/// dropped. The verifier must report, never panic.
pub(crate) fn damaged_modules(count: usize) -> Vec<Module> {
    let mut rng = Lcg(7);
    let types = [
        Type::Void,
        Type::Int(0),
        Type::I32,
        Type::Ptr,
        Type::vector(0, Type::Void),
        Type::array(3, Type::Function(Box::new(sig(Type::Void, vec![])))),
    ];
    let mut out = Vec::new();
    for n in 0..count {
        let mut f = if n % 2 == 0 { sum_loop() } else { eh_base() };
        for _ in 0..1 + rng.next(4) {
            let nb = f.blocks.len();
            let b = rng.next(nb);
            let block = &mut f.blocks[b];
            if block.insts.is_empty() {
                continue;
            }
            let i = rng.next(block.insts.len());
            match rng.next(7) {
                0 => {
                    for t in block.insts[i].op.block_refs_mut() {
                        *t = BlockId(rng.next(8) as u32);
                    }
                }
                1 => {
                    for o in block.insts[i].op.operands_mut() {
                        *o = val(rng.next(12) as u32);
                    }
                }
                2 => block.insts[i].ty = types[rng.next(types.len())].clone(),
                3 => {
                    let inst = block.insts.remove(i);
                    let to = rng.next(nb);
                    f.blocks[to].insts.insert(0, inst);
                }
                4 => {
                    block.insts.remove(i);
                }
                5 => f.blocks.swap(b, rng.next(nb)),
                _ => block.insts[i].result = Some(ValueId(rng.next(12) as u32)),
            }
        }
        if rng.next(5) == 0 {
            f.params.clear();
        }
        let mut m = eh_module(f);
        m.functions.push(Function::declaration("sum", sig(Type::Void, vec![])));
        m.aliases.push(alias("f_alias", sym("f")));
        out.push(m);
    }
    out.push(module(vec![Function {
        blocks: vec![Default::default()],
        ..Function::declaration("empty", sig(Type::I32, vec![]))
    }]));
    out
}

#[test]
fn the_bases_of_the_damage_are_valid() {
    assert_eq!(kinds_of(&eh_module(eh_base())), VOID);
    assert_eq!(kinds_of(&eh_module(sum_loop())), VOID);
}

#[test]
fn damaged_functions_never_panic() {
    let mut total = 0;
    for m in damaged_modules(500) {
        total += verify_module_with(&m, Naming::Raw).len();
    }
    assert!(total > 500, "damage should be noticed: {total}");
}

/// The same, with names and instruction texts from the printer, rendered to text.
#[test]
fn damaged_functions_never_panic_with_printed_names() {
    for m in damaged_modules(300) {
        for v in crate::verify_module(&m) {
            assert!(!v.to_string().contains('\n'), "one line: {v}");
        }
    }
}

// --- 8. Preservation ----------------------------------------------------------------------

/// `@api(i8 signext, ptr byval(%pair))`, exported; `@helper`, private; `@table`, exported.
fn library() -> Module {
    let pair = Type::literal_struct(vec![Type::I32, Type::I32]);
    let mut api = FunctionBuilder::new("api", sig(Type::I32, vec![Type::I8, Type::Ptr]));
    let r = api.call("helper", sig(Type::I32, vec![]), vec![]);
    api.ret(Some(r));
    let mut api = api.finish();
    api.attrs.params = vec![
        vec![Attribute::flag("signext"), Attribute::flag("noundef")],
        vec![Attribute::Type { name: "byval".into(), ty: pair }],
    ];
    let mut helper = FunctionBuilder::new("helper", sig(Type::I32, vec![]));
    helper.ret(Some(int(32, 1)));
    let mut helper = helper.finish();
    helper.props.linkage = Linkage::Private;
    let mut dead = FunctionBuilder::new("dead", sig(Type::Void, vec![]));
    dead.ret(None);
    let mut dead = dead.finish();
    dead.props.linkage = Linkage::Internal;
    let mut m = module(vec![
        api,
        helper,
        dead,
        Function::declaration("puts", sig(Type::I32, vec![Type::Ptr])),
    ]);
    m.target_triple = "x86_64-pc-linux-gnu".into();
    m.globals.push(global(
        "table",
        Constant::Array { elem: Type::I32, elems: vec![Constant::int(32, 1)] },
    ));
    m
}

fn preservation(change: impl FnOnce(&mut Module)) -> Vec<ViolationKind> {
    let before = library();
    let mut after = before.clone();
    change(&mut after);
    check_preservation(&before, &after).into_iter().map(|v| v.kind).collect()
}

#[test]
fn allowed_changes_preserve_the_interface() {
    assert_eq!(preservation(|_| {}), VOID);
    // Internalise the private helper, delete the internal function and the unused import,
    // change the body of an exported one, drop a non-ABI attribute.
    assert_eq!(
        preservation(|m| {
            m.functions[1].props.linkage = Linkage::Internal;
            m.functions.retain(|f| f.name != "dead" && f.name != "puts");
            let api = &mut m.functions[0];
            api.blocks[0].insts.clear();
            api.blocks[0].insts.push(Inst::void(Op::Ret { val: Some(int(32, 1)) }));
            api.attrs.params[0].retain(|a| a.name() != "noundef");
        }),
        VOID
    );
}

#[test]
fn removing_or_hollowing_exported_symbols_is_caught() {
    assert_eq!(
        preservation(|m| m.functions.remove(0).name.clear()),
        vec![ViolationKind::SymbolRemoved { kind: SymbolKind::Function }]
    );
    assert_eq!(
        preservation(|m| m.functions[0].blocks.clear()),
        vec![ViolationKind::DefinitionRemoved { kind: SymbolKind::Function }]
    );
    assert_eq!(
        preservation(|m| m.functions[0].props.linkage = Linkage::Internal),
        vec![ViolationKind::SymbolNoLongerExported { linkage: Linkage::Internal }]
    );
    assert_eq!(
        preservation(|m| {
            let f = m.functions.remove(0);
            m.globals.push(global(&f.name, Constant::int(8, 0)));
        }),
        vec![ViolationKind::SymbolKindChanged {
            before: SymbolKind::Function,
            after: SymbolKind::Global
        }]
    );
}

#[test]
fn interface_changes_are_caught() {
    let pair = Type::literal_struct(vec![Type::I32, Type::I32]);
    let byval = |ty| Attribute::Type { name: "byval".into(), ty };
    assert_eq!(
        preservation(|m| {
            let api = &mut m.functions[0];
            api.attrs.params[0][0] = Attribute::flag("zeroext");
            api.attrs.params[1][0] = byval(Type::literal_struct(vec![Type::I64]));
            api.attrs.ret.push(Attribute::flag("inreg"));
            api.cconv = CallConv::FAST;
            api.ty.params[0] = Type::I32;
        }),
        vec![
            ViolationKind::FunctionTypeChanged {
                before: sig(Type::I32, vec![Type::I8, Type::Ptr]),
                after: sig(Type::I32, vec![Type::I32, Type::Ptr]),
            },
            ViolationKind::CallingConventionChanged { before: CallConv::C, after: CallConv::FAST },
            ViolationKind::AbiAttributeChanged {
                position: AttrPosition::Return,
                name: "inreg".into(),
                before: None,
                after: Some(Attribute::flag("inreg"))
            },
            ViolationKind::AbiAttributeChanged {
                position: AttrPosition::Param(0),
                name: "signext".into(),
                before: Some(Attribute::flag("signext")),
                after: None
            },
            ViolationKind::AbiAttributeChanged {
                position: AttrPosition::Param(0),
                name: "zeroext".into(),
                before: None,
                after: Some(Attribute::flag("zeroext"))
            },
            ViolationKind::AbiAttributeChanged {
                position: AttrPosition::Param(1),
                name: "byval".into(),
                before: Some(byval(pair)),
                after: Some(byval(Type::literal_struct(vec![Type::I64]))),
            },
        ]
    );
    assert_eq!(
        preservation(|m| {
            let g = &mut m.globals[0];
            g.init = Some(Constant::int(64, 1));
            g.ty = Type::I64;
            g.is_constant = true;
        }),
        vec![
            ViolationKind::GlobalTypeChanged {
                before: Type::array(1, Type::I32),
                after: Type::I64
            },
            ViolationKind::ConstnessChanged { before: false, after: true },
        ]
    );
    assert_eq!(
        preservation(|m| {
            m.globals[0].init = None;
            m.target_triple = "aarch64-linux-gnu".into();
            m.data_layout = "e-m:e".into();
        }),
        vec![
            ViolationKind::TargetTripleChanged {
                before: "x86_64-pc-linux-gnu".into(),
                after: "aarch64-linux-gnu".into()
            },
            ViolationKind::DataLayoutChanged { before: String::new(), after: "e-m:e".into() },
            ViolationKind::DefinitionRemoved { kind: SymbolKind::Global },
        ]
    );
}

#[test]
fn discardable_exported_definitions_may_go() {
    let before = {
        let mut m = library();
        m.functions[0].props.linkage = Linkage::LinkOnceOdr;
        m.globals[0].props.linkage = Linkage::AvailableExternally;
        m
    };
    let mut after = before.clone();
    after.functions.remove(0);
    after.globals[0].init = None;
    assert_eq!(check_preservation(&before, &after), vec![]);
}

#[test]
fn aliases_are_preserved_as_what_they_stand_for() {
    // `@api_alias` (exported) stands for `@api`, `@table_alias` for `@table`, `@local` is
    // internal.
    let with_aliases = |m: &mut Module| {
        m.aliases = vec![
            alias("api_alias", sym("api")),
            alias("table_alias", sym("table")),
            linked(alias("local", sym("helper")), Linkage::Internal),
        ];
    };
    let check = |change: &dyn Fn(&mut Module)| {
        let mut before = library();
        with_aliases(&mut before);
        let mut after = before.clone();
        change(&mut after);
        check_preservation(&before, &after).into_iter().map(|v| v.kind).collect::<Vec<_>>()
    };
    assert_eq!(check(&|_| {}), VOID);
    // mergefunc: an exported function becomes an alias of an equivalent one; globalopt: an
    // alias of an internal function becomes that function, under the alias's name; an
    // internal alias goes.
    assert_eq!(
        check(&|m| {
            let mut twin = m.functions[0].clone();
            twin.name = "api_impl".into();
            twin.props.linkage = Linkage::Internal;
            m.functions[0] = twin;
            m.aliases[0] = alias("api", sym("api_impl"));
            m.aliases[1] = alias("api_alias", sym("api"));
            m.aliases.retain(|a| a.name != "local");
            m.aliases.push(alias("table_alias", sym("table")));
        }),
        VOID
    );
    assert_eq!(
        check(&|m| {
            m.aliases.retain(|a| a.name != "table_alias");
            m.aliases[0].aliasee = sym("table");
        }),
        vec![
            ViolationKind::SymbolKindChanged {
                before: SymbolKind::Function,
                after: SymbolKind::Global
            },
            ViolationKind::SymbolRemoved { kind: SymbolKind::Alias },
        ]
    );
    // What an alias stands for keeps its interface; so does a function that became an alias.
    assert_eq!(
        check(&|m| {
            m.aliases[0].aliasee = sym("helper");
            m.aliases[1].props.linkage = Linkage::Internal;
        }),
        vec![
            ViolationKind::FunctionTypeChanged {
                before: sig(Type::I32, vec![Type::I8, Type::Ptr]),
                after: sig(Type::I32, vec![]),
            },
            ViolationKind::AbiAttributeChanged {
                position: AttrPosition::Param(0),
                name: "signext".into(),
                before: Some(Attribute::flag("signext")),
                after: None,
            },
            ViolationKind::AbiAttributeChanged {
                position: AttrPosition::Param(1),
                name: "byval".into(),
                before: Some(Attribute::Type {
                    name: "byval".into(),
                    ty: Type::literal_struct(vec![Type::I32, Type::I32])
                }),
                after: None,
            },
            ViolationKind::SymbolNoLongerExported { linkage: Linkage::Internal },
        ]
    );
    assert_eq!(
        check(&|m| {
            m.functions.remove(0);
            m.aliases.push(alias("api", sym("helper")));
        }),
        vec![
            ViolationKind::FunctionTypeChanged {
                before: sig(Type::I32, vec![Type::I8, Type::Ptr]),
                after: sig(Type::I32, vec![]),
            },
            ViolationKind::AbiAttributeChanged {
                position: AttrPosition::Param(0),
                name: "signext".into(),
                before: Some(Attribute::flag("signext")),
                after: None,
            },
            ViolationKind::AbiAttributeChanged {
                position: AttrPosition::Param(1),
                name: "byval".into(),
                before: Some(Attribute::Type {
                    name: "byval".into(),
                    ty: Type::literal_struct(vec![Type::I32, Type::I32])
                }),
                after: None,
            },
            // The same through @api_alias, which stands for @api.
            ViolationKind::FunctionTypeChanged {
                before: sig(Type::I32, vec![Type::I8, Type::Ptr]),
                after: sig(Type::I32, vec![]),
            },
            ViolationKind::AbiAttributeChanged {
                position: AttrPosition::Param(0),
                name: "signext".into(),
                before: Some(Attribute::flag("signext")),
                after: None,
            },
            ViolationKind::AbiAttributeChanged {
                position: AttrPosition::Param(1),
                name: "byval".into(),
                before: Some(Attribute::Type {
                    name: "byval".into(),
                    ty: Type::literal_struct(vec![Type::I32, Type::I32])
                }),
                after: None,
            },
        ]
    );
}

#[test]
fn every_rule_has_a_name() {
    let mut names = ViolationKind::NAMES.to_vec();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), ViolationKind::NAMES.len(), "duplicate names");
    assert_eq!(ViolationKind::EmptyBlock.name(), "empty_block");
    let json = serde_json::to_value(ViolationKind::DuplicateCase { value: 3 }).unwrap();
    assert_eq!(json["rule"], "duplicate_case");
}

// --- Verifying what changed ---------------------------------------------------------------

#[test]
fn definitions_said_unchanged_are_not_checked_again_but_still_count_for_the_module() {
    // @f adds an i32 to an i64; a second @sum duplicates the first's name.
    let broken = fn_with_params(
        vec![Type::I64],
        vec![def(ValueId(1), Type::I32, bin(BinOp::Add, int(32, 1), val(0)))],
    );
    let m = module(vec![broken, sum_loop(), sum_loop()]);
    let all: Vec<ViolationKind> = crate::verify_module(&m).into_iter().map(|v| v.kind).collect();
    assert!(all.iter().any(|k| matches!(k, ViolationKind::OperandType { .. })), "{all:?}");
    let except: Vec<ViolationKind> =
        crate::verify_module_except(&m, |f| f.name == "f").into_iter().map(|v| v.kind).collect();
    assert_eq!(except, vec![ViolationKind::DuplicateSymbol { name: "sum".into() }]);
    let none_skipped: Vec<ViolationKind> =
        crate::verify_module_except(&m, |_| false).into_iter().map(|v| v.kind).collect();
    assert_eq!(none_skipped, all);
}
