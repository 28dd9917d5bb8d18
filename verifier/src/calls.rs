//! Calls fit their callee: a direct call uses the callee's own function type (an
//! unprototyped callee, `declare i32 @f(...)`, accepts any call with its return type), seen
//! through aliases; only functions are called; a call of inline asm uses the asm's function
//! type; and a `musttail` call is followed by a `ret` of its result. Invokes are calls here.

use crate::context::{At, FnCtx, Symbol};
use crate::violation::ViolationKind;
use opm_ir::{Call, FunctionType, Inst, Op, Operand, TailKind};

/// Runs the call rules on the body of `ctx.f`.
pub(crate) fn check(ctx: &mut FnCtx) {
    let insts: Vec<_> = ctx.insts().collect();
    for (b, i, inst) in insts {
        let at = At::Inst(b, i);
        match &inst.op {
            Op::Call(call) => {
                check_callee(ctx, at, call);
                if call.tail == TailKind::MustTail && !followed_by_ret_of(ctx.inst(b, i + 1), inst)
                {
                    ctx.report(at, ViolationKind::MustTailNotFollowedByRet);
                }
            }
            Op::Invoke { call, .. } => check_callee(ctx, at, call),
            _ => {}
        }
    }
}

/// A direct call names a function (possibly through aliases) whose type the call uses; a
/// call of inline asm uses the asm's type.
fn check_callee(ctx: &mut FnCtx, at: At, call: &Call) {
    if let Some(asm) = call.asm() {
        if asm.fn_ty != call.fn_ty {
            let kind = ViolationKind::InlineAsmTypeMismatch {
                call_ty: call.fn_ty.clone(),
                asm_ty: asm.fn_ty.clone(),
            };
            ctx.report(at, kind);
        }
        return;
    }
    let Some(name) = call.callee_name() else { return };
    let kind = match ctx.symbols.resolve(name) {
        None => return, // Reported as an undefined symbol.
        Some(Symbol::Global(_)) => ViolationKind::CallToNonFunction { callee: name.to_string() },
        Some(Symbol::Function(callee)) if !accepts(&callee.ty, &call.fn_ty) => {
            ViolationKind::CallSignatureMismatch {
                callee: name.to_string(),
                call_ty: call.fn_ty.clone(),
                callee_ty: callee.ty.clone(),
            }
        }
        // An alias of a constant expression: what it calls is not known here.
        Some(Symbol::Function(_) | Symbol::Alias(_)) => return,
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
