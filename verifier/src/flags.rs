//! Flags: each operation carries only the flags LLVM allows on it; fast-math flags only on
//! operations of floating-point type (and never on an invoke).

use crate::context::{At, FnCtx};
use crate::violation::ViolationKind;
use opm_ir::{Flags, Inst, Op, Type};

/// Runs the flag rules on the body of `ctx.f`.
pub(crate) fn check(ctx: &mut FnCtx) {
    let insts: Vec<_> = ctx.insts().collect();
    for (b, i, inst) in insts {
        let Some((flags, allowed)) = flags_and_allowed(inst) else { continue };
        let bad = flags.outside(allowed);
        if !bad.is_empty() {
            let opcode = inst.op.opcode_name().to_string();
            ctx.report(At::Inst(b, i), ViolationKind::DisallowedFlags { opcode, flags: bad });
        }
    }
}

/// The flags an instruction carries and those it may carry; `None` for operations without
/// flags.
fn flags_and_allowed(inst: &Inst) -> Option<(Flags, Flags)> {
    let fast_if_float = |ty: &Type| if is_fp_math_type(ty) { Flags::FAST } else { Flags::NONE };
    Some(match &inst.op {
        Op::Bin { op, flags, .. } => (*flags, op.allowed_flags()),
        Op::FNeg { flags, .. } | Op::FCmp { flags, .. } => (*flags, Flags::FAST),
        Op::ICmp { flags, .. } => (*flags, Flags::SAMESIGN),
        Op::Cast { op, flags, .. } => (*flags, op.allowed_flags()),
        Op::Gep { flags, .. } => (*flags, Flags::INBOUNDS | Flags::NUSW | Flags::NUW),
        Op::Select { flags, .. } | Op::Phi { flags, .. } => (*flags, fast_if_float(&inst.ty)),
        Op::Call(call) => (call.flags, fast_if_float(&call.fn_ty.ret)),
        // An invoke is no `FPMathOperator` in LLVM: it never carries fast-math flags.
        Op::Invoke { call, .. } => (call.flags, Flags::NONE),
        _ => return None,
    })
}

/// The types LLVM's `FPMathOperator` accepts for select, phi and call: floats, vectors of
/// floats, arrays of those, and literal structures of one such type repeated.
fn is_fp_math_type(ty: &Type) -> bool {
    let mut ty = ty;
    while let Type::Array(_, e) = ty {
        ty = e;
    }
    if let Type::Struct(s) = ty
        && s.name.is_none()
        && let Some(fields) = &s.body
        && let Some(first) = fields.first()
        && fields.iter().all(|f| f == first)
    {
        ty = first;
    }
    ty.is_float_or_float_vector()
}
