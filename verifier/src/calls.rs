//! Calls fit their callee: a direct call uses the callee's own function type (an
//! unprototyped callee, `declare i32 @f(...)`, accepts any call with its return type), only
//! functions are called, and a `musttail` call is followed by a `ret` of its result.

use crate::context::{At, FnCtx, Symbol};
use crate::violation::ViolationKind;
use opm_ir::{Call, FunctionType, Inst, Op, Operand, TailKind};

/// Runs the call rules on the body of `ctx.f`.
pub(crate) fn check(ctx: &mut FnCtx) {
    let insts: Vec<_> = ctx.insts().collect();
    for (b, i, inst) in insts {
        let Op::Call(call) = &inst.op else { continue };
        let at = At::Inst(b, i);
        check_callee(ctx, at, call);
        if call.tail == TailKind::MustTail && !followed_by_ret_of(ctx.inst(b, i + 1), inst) {
            ctx.report(at, ViolationKind::MustTailNotFollowedByRet);
        }
    }
}

/// A direct call names a function whose type the call uses.
fn check_callee(ctx: &mut FnCtx, at: At, call: &Call) {
    let Some(name) = call.callee_name() else { return };
    let kind = match ctx.symbols.get(name) {
        None => return, // Reported as an undefined symbol.
        Some(Symbol::Global) => ViolationKind::CallToNonFunction { callee: name.to_string() },
        Some(Symbol::Function(callee)) if !accepts(&callee.ty, &call.fn_ty) => {
            ViolationKind::CallSignatureMismatch {
                callee: name.to_string(),
                call_ty: call.fn_ty.clone(),
                callee_ty: callee.ty.clone(),
            }
        }
        Some(Symbol::Function(_)) => return,
    };
    ctx.report(at, kind);
}

/// Whether a function of type `callee` may be called as `call`.
fn accepts(callee: &FunctionType, call: &FunctionType) -> bool {
    let unprototyped = callee.params.is_empty() && callee.varargs;
    callee == call || (unprototyped && callee.ret == call.ret)
}

/// `next` is `ret void` after a void call, or `ret` of the call's result.
fn followed_by_ret_of(next: Option<&Inst>, call: &Inst) -> bool {
    let Some(Inst { op: Op::Ret { val }, .. }) = next else { return false };
    match (val, call.result) {
        (None, None) => call.ty.is_void(),
        (Some(Operand::Value(v)), Some(r)) => *v == r,
        _ => false,
    }
}
