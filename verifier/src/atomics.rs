//! Atomics, as LLVM's verifier and parser check them: each operation only has the orderings
//! that make sense for it (a load never releases, a store never acquires, a read-modify-write
//! or a cmpxchg is never unordered, the failure of a cmpxchg never releases, a fence at least
//! acquires or releases); an atomic access has an explicit alignment; an atomic load or
//! store is of an integer, a float, a pointer or a vector of them; and every atomic access
//! is a power of two of at least 8 bits. (The operand and result types of `atomicrmw` and
//! `cmpxchg` are typing rules, in `types.rs`.)

use crate::context::{At, FnCtx};
use crate::violation::{AtomicOp, Expected, ViolationKind};
use opm_ir::{AtomicOrdering, Inst, Op, RmwOp, Type};

use AtomicOrdering::{AcqRel, Acquire, Release, SeqCst, Unordered};

/// Runs the atomic rules on the body of `ctx.f`.
pub(crate) fn check(ctx: &mut FnCtx) {
    let insts: Vec<_> = ctx.insts().collect();
    for (b, i, inst) in insts {
        check_inst(ctx, At::Inst(b, i), inst);
    }
}

fn check_inst(ctx: &mut FnCtx, at: At, inst: &Inst) {
    match &inst.op {
        Op::Load { align, atomic: Some(atomic), .. } => {
            let op = AtomicOp::Load;
            ordering(ctx, at, op, false, atomic.ordering, |o| !matches!(o, Release | AcqRel));
            alignment(ctx, at, op, *align);
            access_type(ctx, at, op, &inst.ty);
        }
        Op::Store { val, align, atomic: Some(atomic), .. } => {
            let op = AtomicOp::Store;
            ordering(ctx, at, op, false, atomic.ordering, |o| !matches!(o, Acquire | AcqRel));
            alignment(ctx, at, op, *align);
            if let Some(ty) = ctx.ty_of(val) {
                access_type(ctx, at, op, &ty);
            }
        }
        Op::AtomicRmw { op: rmw, val, align, atomic, .. } => {
            let op = AtomicOp::AtomicRmw;
            ordering(ctx, at, op, false, atomic.ordering, |o| o != Unordered);
            alignment(ctx, at, op, *align);
            let class = match rmw {
                RmwOp::Xchg => Expected::IntOrFloatOrPtr,
                r if r.is_float() => Expected::FloatOrFloatVector,
                _ => Expected::Int,
            };
            // A value of the wrong class is a typing violation; its size says nothing more.
            if let Some(ty) = ctx.ty_of(val).filter(|t| class.matches(t)) {
                access_size(ctx, at, op, &ty);
            }
        }
        Op::CmpXchg { cmp, align, success, failure, .. } => {
            let op = AtomicOp::CmpXchg;
            ordering(ctx, at, op, false, *success, |o| o != Unordered);
            ordering(ctx, at, op, true, *failure, |o| !matches!(o, Unordered | Release | AcqRel));
            alignment(ctx, at, op, *align);
            if let Some(ty) = ctx.ty_of(cmp).filter(|t| Expected::IntOrPtr.matches(t)) {
                access_size(ctx, at, op, &ty);
            }
        }
        Op::Fence { atomic } => {
            let allowed = |o| matches!(o, Acquire | Release | AcqRel | SeqCst);
            ordering(ctx, at, AtomicOp::Fence, false, atomic.ordering, allowed);
        }
        _ => {}
    }
}

/// Reports `ordering` unless `allowed`.
fn ordering(
    ctx: &mut FnCtx,
    at: At,
    op: AtomicOp,
    failure: bool,
    ordering: AtomicOrdering,
    allowed: impl Fn(AtomicOrdering) -> bool,
) {
    if !allowed(ordering) {
        ctx.report(at, ViolationKind::DisallowedOrdering { op, failure, ordering });
    }
}

/// An atomic access states its alignment (LLVM's parser requires it of atomic loads and
/// stores, and fills it in for the others, so an imported one always has it).
fn alignment(ctx: &mut FnCtx, at: At, op: AtomicOp, align: u64) {
    if align == 0 {
        ctx.report(at, ViolationKind::AtomicWithoutAlignment { op });
    }
}

/// An atomic load or store: an integer, a float, a pointer or a vector of them, of a size
/// an atomic access can have.
fn access_type(ctx: &mut FnCtx, at: At, op: AtomicOp, ty: &Type) {
    let scalar = ty.scalar();
    if !(scalar.is_int() || scalar.is_float() || scalar.is_ptr()) {
        ctx.report(at, ViolationKind::AtomicAccessType { op, ty: ty.clone() });
        return;
    }
    access_size(ctx, at, op, ty);
}

/// The access is a power of two of at least 8 bits.
fn access_size(ctx: &mut FnCtx, at: At, op: AtomicOp, ty: &Type) {
    let Some(bits) = size_in_bits(ty) else { return };
    if bits < 8 || !bits.is_power_of_two() {
        ctx.report(at, ViolationKind::AtomicAccessSize { op, ty: ty.clone(), bits });
    }
}

/// LLVM's `getTypeSizeInBits` of an integer, a float, a pointer or a vector of them (an
/// `x86_fp80` is 80 bits). Pointers count as 64 bits: every data layout opm targets gives
/// them a power of two, so only the number of lanes can make a vector of them odd.
fn size_in_bits(ty: &Type) -> Option<u64> {
    match ty {
        Type::Int(b) => Some(u64::from(*b)),
        Type::Ptr => Some(64),
        Type::Vector(n, e) => Some(u64::from(*n) * size_in_bits(e)?),
        t => t.float_kind().map(|k| u64::from(k.bits())),
    }
}
