//! Typing rules: every type is well formed, every operand's type fits its instruction, and
//! `Inst::ty` is the type the operation implies. One function per operation.

use crate::cast::is_valid_cast;
use crate::constants;
use crate::context::{At, FnCtx};
use crate::refs::inst_constants;
use crate::structure::{Produces, produces};
use crate::violation::{Expected, GepIndexProblem, OperandSlot, TypeProblem, ViolationKind};
use opm_ir::collections::HashSet;
use opm_ir::value::mask;
use opm_ir::{BinOp, Call, CastOp, Constant, Inst, Op, Operand, RmwOp, SwitchCase, Type};

/// Runs the typing rules on the signature and the body of `ctx.f`.
pub(crate) fn check(ctx: &mut FnCtx) {
    let sig = Type::Function(Box::new(ctx.f.ty.clone()));
    for kind in malformed(&sig) {
        ctx.report(At::Function, kind);
    }
    let insts: Vec<_> = ctx.insts().collect();
    for (b, i, inst) in insts {
        check_inst(ctx, At::Inst(b, i), inst);
    }
}

/// The problems of a type (and of the types nested in it), as violations.
pub(crate) fn malformed(ty: &Type) -> Vec<ViolationKind> {
    let mut problems = Vec::new();
    type_problems(ty, &mut problems);
    problems.dedup();
    problems
        .into_iter()
        .map(|problem| ViolationKind::MalformedType { ty: ty.clone(), problem })
        .collect()
}

fn type_problems(ty: &Type, out: &mut Vec<TypeProblem>) {
    let not_a_member = |t: &Type| matches!(t, Type::Void | Type::Function(_));
    match ty {
        Type::Int(b) if !(1..=opm_ir::types::MAX_INT_BITS).contains(b) => {
            out.push(TypeProblem::IntWidth(*b))
        }
        Type::Vector(n, e) => {
            if *n == 0 {
                out.push(TypeProblem::EmptyVector);
            }
            if !(e.is_int() || e.is_float() || e.is_ptr()) {
                out.push(TypeProblem::VectorElement((**e).clone()));
            }
            type_problems(e, out);
        }
        Type::Array(_, e) => {
            if not_a_member(e) {
                out.push(TypeProblem::AggregateElement((**e).clone()));
            }
            type_problems(e, out);
        }
        Type::Struct(s) => {
            for field in s.body.iter().flatten() {
                if not_a_member(field) {
                    out.push(TypeProblem::AggregateElement(field.clone()));
                }
                type_problems(field, out);
            }
        }
        Type::Function(ft) => {
            if matches!(ft.ret, Type::Function(_)) {
                out.push(TypeProblem::Return(ft.ret.clone()));
            }
            type_problems(&ft.ret, out);
            for p in &ft.params {
                if not_a_member(p) {
                    out.push(TypeProblem::Parameter(p.clone()));
                }
                type_problems(p, out);
            }
        }
        _ => {}
    }
}

/// Reports the problems of `ty` at `at`.
fn check_type(ctx: &mut FnCtx, at: At, ty: &Type) {
    for kind in malformed(ty) {
        ctx.report(at, kind);
    }
}

/// Reports if `op`'s type is not `expected` (an undefined value is reported elsewhere).
fn expect(ctx: &mut FnCtx, at: At, slot: OperandSlot, op: &Operand, expected: Expected) {
    expect_with(ctx, at, |_| slot, op, expected);
}

/// [`expect`] with a slot named only when there is something to report (naming a block
/// builds the function's printed names).
fn expect_with(
    ctx: &mut FnCtx,
    at: At,
    slot: impl FnOnce(&FnCtx) -> OperandSlot,
    op: &Operand,
    expected: Expected,
) {
    if let Some(found) = ctx.ty_of(op)
        && !expected.matches(&found)
    {
        let operand = slot(ctx);
        ctx.report(at, ViolationKind::OperandType { operand, found, expected });
    }
}

/// Reports if the instruction's type is not `expected`.
fn expect_result(ctx: &mut FnCtx, at: At, inst: &Inst, expected: Expected) {
    if !expected.matches(&inst.ty) {
        ctx.report(at, ViolationKind::ResultType { found: inst.ty.clone(), expected });
    }
}

fn operand(i: usize) -> OperandSlot {
    OperandSlot::Operand(i)
}

/// The typing rule of one instruction, and the well-formedness of its types and constants.
fn check_inst(ctx: &mut FnCtx, at: At, inst: &Inst) {
    check_type(ctx, at, &inst.ty);
    let callee = match &inst.op {
        Op::Call(call) | Op::Invoke { call, .. } => call.callee.as_const(),
        _ => None,
    };
    for c in inst_constants(inst) {
        let kinds = match callee {
            Some(callee) if std::ptr::eq(callee, c) => constants::callee_problems(c),
            _ => constants::problems(c),
        };
        for kind in kinds {
            ctx.report(at, kind);
        }
    }
    if inst.ty.is_void() && produces(&inst.op) == Produces::Value {
        return; // Reported by the structure rules; every typing rule would repeat it.
    }
    match &inst.op {
        Op::Bin { op, lhs, rhs, .. } => check_bin(ctx, at, inst, *op, lhs, rhs),
        Op::FNeg { val, .. } => check_fneg(ctx, at, inst, val),
        Op::ICmp { lhs, rhs, .. } => check_cmp(ctx, at, inst, Expected::IntOrPtrOrVector, lhs, rhs),
        Op::FCmp { lhs, rhs, .. } => {
            check_cmp(ctx, at, inst, Expected::FloatOrFloatVector, lhs, rhs)
        }
        Op::Select { cond, then_val, else_val, .. } => {
            check_select(ctx, at, inst, cond, then_val, else_val)
        }
        Op::Cast { op, val, .. } => check_cast(ctx, at, inst, *op, val),
        Op::Load { ptr, .. } => {
            expect(ctx, at, operand(0), ptr, Expected::Type(Type::Ptr));
            expect_result(ctx, at, inst, Expected::SizedFirstClass);
        }
        Op::Store { val, ptr, .. } => {
            expect(ctx, at, operand(0), val, Expected::SizedFirstClass);
            expect(ctx, at, operand(1), ptr, Expected::Type(Type::Ptr));
        }
        Op::Alloca { ty, count, .. } => check_alloca(ctx, at, inst, ty, count),
        Op::Gep { source_ty, base, indices, .. } => {
            check_gep(ctx, at, inst, source_ty, base, indices)
        }
        Op::AtomicRmw { op, ptr, val, .. } => check_atomic_rmw(ctx, at, inst, *op, ptr, val),
        Op::CmpXchg { ptr, cmp, new, .. } => check_cmpxchg(ctx, at, inst, ptr, cmp, new),
        Op::Call(call) | Op::Invoke { call, .. } => check_call(ctx, at, inst, call),
        Op::LandingPad { .. } => expect_result(ctx, at, inst, Expected::FirstClass),
        Op::Resume { val } => expect(ctx, at, operand(0), val, Expected::FirstClass),
        Op::IndirectBr { addr, .. } => expect(ctx, at, operand(0), addr, Expected::Type(Type::Ptr)),
        Op::Phi { incoming, .. } => {
            expect_result(ctx, at, inst, Expected::FirstClass);
            for (val, block) in incoming {
                let slot = |ctx: &FnCtx| OperandSlot::Incoming(ctx.block(*block));
                expect_with(ctx, at, slot, val, Expected::Type(inst.ty.clone()));
            }
        }
        Op::Freeze { val } => {
            expect_result(ctx, at, inst, Expected::FirstClass);
            expect(ctx, at, operand(0), val, Expected::Type(inst.ty.clone()));
        }
        Op::VaArg { list } => {
            expect(ctx, at, operand(0), list, Expected::Type(Type::Ptr));
            expect_result(ctx, at, inst, Expected::FirstClass);
        }
        Op::ExtractValue { agg, indices } => check_extract_value(ctx, at, inst, agg, indices),
        Op::InsertValue { agg, val, indices } => {
            check_insert_value(ctx, at, inst, agg, val, indices)
        }
        Op::ExtractElement { vec, index } => {
            let elem = vector_operand(ctx, at, vec);
            expect(ctx, at, operand(1), index, Expected::Int);
            if let Some(elem) = elem {
                expect_result(ctx, at, inst, Expected::Type(elem));
            }
        }
        Op::InsertElement { vec, val, index } => {
            if let Some(elem) = vector_operand(ctx, at, vec) {
                expect(ctx, at, operand(1), val, Expected::Type(elem));
                if let Some(vec_ty) = ctx.ty_of(vec) {
                    expect_result(ctx, at, inst, Expected::Type(vec_ty));
                }
            }
            expect(ctx, at, operand(2), index, Expected::Int);
        }
        Op::ShuffleVector { a, b, mask } => check_shuffle(ctx, at, inst, a, b, mask),
        Op::Ret { val } => check_ret(ctx, at, val.as_ref()),
        Op::CondBr { cond, .. } => expect(ctx, at, operand(0), cond, Expected::Type(Type::BOOL)),
        Op::Switch { val, cases, .. } => check_switch(ctx, at, val, cases),
        Op::Br { .. } | Op::Unreachable | Op::Fence { .. } => {}
    }
}

/// A pointer; a value of the operation's class (`xchg`: an integer, a float or a pointer;
/// the float operations: a float or a vector of floats; the others: an integer); the result
/// of the value's type.
fn check_atomic_rmw(ctx: &mut FnCtx, at: At, inst: &Inst, op: RmwOp, ptr: &Operand, val: &Operand) {
    expect(ctx, at, operand(0), ptr, Expected::Type(Type::Ptr));
    let class = match op {
        RmwOp::Xchg => Expected::IntOrFloatOrPtr,
        op if op.is_float() => Expected::FloatOrFloatVector,
        _ => Expected::Int,
    };
    expect(ctx, at, operand(1), val, class);
    if let Some(ty) = ctx.ty_of(val) {
        expect_result(ctx, at, inst, Expected::Type(ty));
    }
}

/// A pointer; the compared and the new value of one integer or pointer type `T`; the
/// result `{ T, i1 }`.
fn check_cmpxchg(
    ctx: &mut FnCtx,
    at: At,
    inst: &Inst,
    ptr: &Operand,
    cmp: &Operand,
    new: &Operand,
) {
    expect(ctx, at, operand(0), ptr, Expected::Type(Type::Ptr));
    expect(ctx, at, operand(1), cmp, Expected::IntOrPtr);
    let Some(ty) = ctx.ty_of(cmp) else { return };
    expect(ctx, at, operand(2), new, Expected::Type(ty.clone()));
    if Expected::IntOrPtr.matches(&ty) {
        expect_result(ctx, at, inst, Expected::Type(Type::literal_struct(vec![ty, Type::BOOL])));
    }
}

/// Both operands and the result of one type: integers (or vectors of them) for the integer
/// operators, floats (or vectors) for the float ones.
fn check_bin(ctx: &mut FnCtx, at: At, inst: &Inst, op: BinOp, lhs: &Operand, rhs: &Operand) {
    let class = if op.is_float() { Expected::FloatOrFloatVector } else { Expected::IntOrIntVector };
    same_type_operands(ctx, at, inst, class, &[lhs, rhs]);
}

fn check_fneg(ctx: &mut FnCtx, at: At, inst: &Inst, val: &Operand) {
    same_type_operands(ctx, at, inst, Expected::FloatOrFloatVector, &[val]);
}

/// The result's type is of `class`, and every operand has exactly that type (if the result's
/// type is wrong, the operands are only held to the class).
fn same_type_operands(ctx: &mut FnCtx, at: At, inst: &Inst, class: Expected, ops: &[&Operand]) {
    expect_result(ctx, at, inst, class.clone());
    let expected = if class.matches(&inst.ty) { Expected::Type(inst.ty.clone()) } else { class };
    for (i, op) in ops.iter().enumerate() {
        expect(ctx, at, operand(i), op, expected.clone());
    }
}

/// Two operands of one type of `class`; the result is `i1` or a vector of as many `i1`.
fn check_cmp(ctx: &mut FnCtx, at: At, inst: &Inst, class: Expected, lhs: &Operand, rhs: &Operand) {
    expect(ctx, at, operand(0), lhs, class.clone());
    let Some(lhs_ty) = ctx.ty_of(lhs) else { return };
    if class.matches(&lhs_ty) {
        expect(ctx, at, operand(1), rhs, Expected::Type(lhs_ty.clone()));
        expect_result(ctx, at, inst, Expected::Type(lhs_ty.with_scalar(Type::BOOL)));
    }
}

/// `i1` (or, for vectors, `<N x i1>`) condition; both arms of the result's type.
fn check_select(
    ctx: &mut FnCtx,
    at: At,
    inst: &Inst,
    cond: &Operand,
    then_val: &Operand,
    else_val: &Operand,
) {
    let cond_expected = match inst.ty.vector_len() {
        Some(n) => Expected::OneOf(vec![Type::BOOL, Type::vector(n, Type::BOOL)]),
        None => Expected::Type(Type::BOOL),
    };
    expect(ctx, at, operand(0), cond, cond_expected);
    expect_result(ctx, at, inst, Expected::FirstClass);
    expect(ctx, at, operand(1), then_val, Expected::Type(inst.ty.clone()));
    expect(ctx, at, operand(2), else_val, Expected::Type(inst.ty.clone()));
}

fn check_cast(ctx: &mut FnCtx, at: At, inst: &Inst, op: CastOp, val: &Operand) {
    if let Some(from) = ctx.ty_of(val)
        && !is_valid_cast(op, &from, &inst.ty)
    {
        ctx.report(at, ViolationKind::InvalidCast { op, from, to: inst.ty.clone() });
    }
}

/// A sized allocated type, an integer count, a pointer result.
fn check_alloca(ctx: &mut FnCtx, at: At, inst: &Inst, ty: &Type, count: &Operand) {
    check_type(ctx, at, ty);
    if !ty.is_sized() {
        ctx.report(at, ViolationKind::UnsizedType { ty: ty.clone() });
    }
    expect(ctx, at, operand(0), count, Expected::Int);
    expect_result(ctx, at, inst, Expected::Type(Type::Ptr));
}

/// A sized source type; a pointer base (or a vector of pointers); integer indices (or
/// vectors of them, all of one length); structure steps by constant `i32` within range. The
/// result is a pointer, or a vector of pointers when any operand is a vector.
fn check_gep(
    ctx: &mut FnCtx,
    at: At,
    inst: &Inst,
    source_ty: &Type,
    base: &Operand,
    indices: &[Operand],
) {
    check_type(ctx, at, source_ty);
    if !source_ty.is_sized() {
        ctx.report(at, ViolationKind::UnsizedType { ty: source_ty.clone() });
    }
    expect(ctx, at, operand(0), base, Expected::PtrOrPtrVector);
    let mut lanes = ctx.ty_of(base).and_then(|t| t.vector_len());
    for (k, index) in indices.iter().enumerate() {
        let Some(ty) = ctx.ty_of(index) else { continue };
        let expected = match (lanes, ty.vector_len()) {
            (Some(n), Some(m)) if n != m => Expected::Type(Type::vector(n, ty.scalar().clone())),
            _ => Expected::IntOrIntVector,
        };
        expect(ctx, at, operand(k + 1), index, expected);
        lanes = lanes.or(ty.vector_len());
    }
    if let Err((position, ty, problem)) =
        gep_steps(source_ty, indices.len(), |k| indices[k].as_const())
    {
        ctx.report(at, ViolationKind::InvalidGepIndex { position, ty, problem });
    }
    let result = lanes.map_or(Type::Ptr, |n| Type::vector(n, Type::Ptr));
    expect_result(ctx, at, inst, Expected::Type(result));
}

/// Steps through the types that getelementptr indices 1.. select inside `source`;
/// `constant(k)` is index `k` if it is a constant. Returns the type the last index selects,
/// or the first index that cannot step, the type it steps into, and why.
pub(crate) fn gep_steps<'c>(
    source: &Type,
    count: usize,
    constant: impl Fn(usize) -> Option<&'c Constant>,
) -> Result<Type, (usize, Type, GepIndexProblem)> {
    let mut cur = source.clone();
    for k in 1..count {
        let next = match &cur {
            Type::Struct(s) if s.body.is_some() => {
                let fields = s.body.as_deref().unwrap_or_default();
                match constant(k).and_then(struct_index) {
                    Some(i) => match usize::try_from(i).ok().and_then(|i| fields.get(i)) {
                        Some(field) => field.clone(),
                        None => return Err((k, cur, GepIndexProblem::StructIndexOutOfRange(i))),
                    },
                    None => return Err((k, cur, GepIndexProblem::StructIndexNotConstant)),
                }
            }
            Type::Array(_, e) | Type::Vector(_, e) => (**e).clone(),
            _ => return Err((k, cur, GepIndexProblem::NotAggregate)),
        };
        cur = next;
    }
    Ok(cur)
}

/// The value of a structure index: an `i32` constant, or a splat of one.
fn struct_index(c: &Constant) -> Option<u128> {
    match c {
        Constant::Int { bits: 32, value } => Some(*value),
        Constant::Zero(t) if t.scalar() == &Type::I32 => Some(0),
        Constant::Vector(elems) => {
            let first = struct_index(elems.first()?)?;
            elems.iter().all(|e| struct_index(e) == Some(first)).then_some(first)
        }
        _ => None,
    }
}

/// A pointer callee; as many arguments as the function type has parameters (at least as many
/// when variadic), the fixed ones of the parameters' types; the result of its return type.
fn check_call(ctx: &mut FnCtx, at: At, inst: &Inst, call: &Call) {
    let fn_ty = Type::Function(Box::new(call.fn_ty.clone()));
    check_type(ctx, at, &fn_ty);
    expect(ctx, at, OperandSlot::Callee, &call.callee, Expected::Type(Type::Ptr));
    let (found, expected) = (call.args.len(), call.fn_ty.params.len());
    let count_ok = if call.fn_ty.varargs { found >= expected } else { found == expected };
    if !count_ok {
        let kind = ViolationKind::ArgumentCount { found, expected, varargs: call.fn_ty.varargs };
        ctx.report(at, kind);
    }
    for (i, arg) in call.args.iter().enumerate() {
        let expected = match call.fn_ty.params.get(i) {
            Some(param) => Expected::Type(param.clone()),
            None => Expected::FirstClass,
        };
        expect(ctx, at, OperandSlot::Argument(i), arg, expected);
    }
    expect_result(ctx, at, inst, Expected::Type(call.fn_ty.ret.clone()));
}

/// The type `indices` select inside `agg_ty`, or reports the first index that selects
/// nothing. extractvalue and insertvalue step into arrays and structures, not vectors.
fn aggregate_member(ctx: &mut FnCtx, at: At, agg_ty: &Type, indices: &[u32]) -> Option<Type> {
    if indices.is_empty() {
        ctx.report(at, ViolationKind::NoIndices);
        return None;
    }
    let mut cur = agg_ty.clone();
    for (position, &index) in indices.iter().enumerate() {
        let member = if cur.is_aggregate() { cur.member(u64::from(index)).cloned() } else { None };
        match member {
            Some(m) => cur = m,
            None => {
                ctx.report(at, ViolationKind::InvalidAggregateIndex { position, index, ty: cur });
                return None;
            }
        }
    }
    Some(cur)
}

fn check_extract_value(ctx: &mut FnCtx, at: At, inst: &Inst, agg: &Operand, indices: &[u32]) {
    expect(ctx, at, operand(0), agg, Expected::Aggregate);
    let Some(agg_ty) = ctx.ty_of(agg).filter(Type::is_aggregate) else { return };
    if let Some(member) = aggregate_member(ctx, at, &agg_ty, indices) {
        expect_result(ctx, at, inst, Expected::Type(member));
    }
}

fn check_insert_value(
    ctx: &mut FnCtx,
    at: At,
    inst: &Inst,
    agg: &Operand,
    val: &Operand,
    indices: &[u32],
) {
    expect(ctx, at, operand(0), agg, Expected::Aggregate);
    let Some(agg_ty) = ctx.ty_of(agg).filter(Type::is_aggregate) else { return };
    expect_result(ctx, at, inst, Expected::Type(agg_ty.clone()));
    if let Some(member) = aggregate_member(ctx, at, &agg_ty, indices) {
        expect(ctx, at, operand(1), val, Expected::Type(member));
    }
}

/// Checks that operand 0 is a vector and returns its element type.
fn vector_operand(ctx: &mut FnCtx, at: At, vec: &Operand) -> Option<Type> {
    expect(ctx, at, operand(0), vec, Expected::Vector);
    match ctx.ty_of(vec)? {
        Type::Vector(_, e) => Some(*e),
        _ => None,
    }
}

/// Two vectors of one type; the result has one lane per mask element; every mask element
/// is -1 (poison) or a lane of the two inputs.
fn check_shuffle(ctx: &mut FnCtx, at: At, inst: &Inst, a: &Operand, b: &Operand, mask: &[i32]) {
    let Some(elem) = vector_operand(ctx, at, a) else { return };
    let Some(a_ty) = ctx.ty_of(a) else { return };
    expect(ctx, at, operand(1), b, Expected::Type(a_ty.clone()));
    let result = Type::vector(mask.len() as u32, elem);
    expect_result(ctx, at, inst, Expected::Type(result));
    let lanes = 2 * u64::from(a_ty.vector_len().unwrap_or(0));
    for (position, &value) in mask.iter().enumerate() {
        let ok = value == -1 || (value >= 0 && (value as u64) < lanes);
        if !ok {
            ctx.report(at, ViolationKind::ShuffleMaskElement { position, value, lanes });
        }
    }
}

/// `ret void` exactly in void functions; otherwise a value of the return type.
fn check_ret(ctx: &mut FnCtx, at: At, val: Option<&Operand>) {
    let ret = ctx.f.ty.ret.clone();
    match (ret.is_void(), val) {
        (true, None) => {}
        (true, Some(_)) => ctx.report(at, ViolationKind::ReturnValueInVoidFunction),
        (false, None) => ctx.report(at, ViolationKind::MissingReturnValue { expected: ret }),
        (false, Some(v)) => expect(ctx, at, operand(0), v, Expected::Type(ret)),
    }
}

/// An integer condition; case values unique and within its width.
fn check_switch(ctx: &mut FnCtx, at: At, val: &Operand, cases: &[SwitchCase]) {
    expect(ctx, at, operand(0), val, Expected::Int);
    let bits = ctx.ty_of(val).and_then(|t| t.int_bits());
    let mut seen = HashSet::default();
    let mut duplicates = Vec::new();
    for case in cases {
        if let Some(bits) = bits
            && case.value & !mask(bits) != 0
        {
            ctx.report(at, ViolationKind::CaseValueTooWide { value: case.value, bits });
        }
        if !seen.insert(case.value) && !duplicates.contains(&case.value) {
            duplicates.push(case.value);
        }
    }
    for value in duplicates {
        ctx.report(at, ViolationKind::DuplicateCase { value });
    }
}
