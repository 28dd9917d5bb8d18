//! Signatures: canonical function types and their ABI attributes as Cranelift signatures,
//! following x86-64 SysV as clang has already lowered it into the IR. Every calling
//! convention is SysV here (`fastcc` and `coldcc` are internal to a module, and both sides of
//! such a call are ours). Scalars pass as their leaves; `signext` / `zeroext` become
//! argument extensions; `byval(T)` a struct argument copied by the caller; `sret` the
//! struct-return pointer; an aggregate result several return values.

use crate::types::{Leaf, leaves, scalar};
use cranelift_codegen::ir::{AbiParam, ArgumentExtension, ArgumentPurpose, Signature};
use cranelift_codegen::isa::CallConv;
use opm_ir::layout::DataLayout;
use opm_ir::{Attribute, Attrs, FunctionType, Type};

/// Attributes this backend cannot honour on a parameter.
const UNSUPPORTED_PARAM_ATTRS: &[&str] =
    &["inalloca", "preallocated", "byref", "nest", "swiftself", "swifterror", "swiftasync"];

/// The signature of a function of type `ty` (its fixed part, for a variadic one) with the
/// attributes `attrs`; `extra` are the types of further (variadic) arguments at a call site.
pub(crate) fn signature(
    layout: &DataLayout,
    ty: &FunctionType,
    attrs: &Attrs,
    extra: &[Type],
) -> Result<Signature, String> {
    let mut sig = Signature::new(CallConv::SystemV);
    for (i, p) in ty.params.iter().enumerate() {
        let pa = attrs.param(i);
        if let Some(bad) = pa.iter().find(|a| UNSUPPORTED_PARAM_ATTRS.contains(&a.name())) {
            return Err(format!("the parameter attribute `{}`", bad.name()));
        }
        if let Some(t) = type_attr(pa, "byval") {
            let size = u32::try_from(byval_slot_size(layout, t)?)
                .map_err(|_| "a byval argument larger than 4 GiB".to_string())?;
            sig.params.push(AbiParam::special(
                cranelift_codegen::ir::types::I64,
                ArgumentPurpose::StructArgument(size),
            ));
        } else if type_attr(pa, "sret").is_some() {
            sig.params.push(AbiParam::special(
                cranelift_codegen::ir::types::I64,
                ArgumentPurpose::StructReturn,
            ));
        } else {
            push_params(layout, p, pa, &mut sig.params)?;
        }
    }
    for t in extra {
        push_params(layout, t, &[], &mut sig.params)?;
    }
    if wide_argument_skips_a_register(&sig.params) {
        return Err("an `i128` argument that x86-64 SysV passes on the stack while a later \
                    argument takes the integer register it leaves (Cranelift would pass that \
                    one on the stack too)"
            .into());
    }
    push_params(layout, &ty.ret, &attrs.ret, &mut sig.returns)?;
    Ok(sig)
}

/// How many x86-64 SysV integer argument registers (`%rdi`, `%rsi`, `%rdx`, `%rcx`, `%r8`,
/// `%r9`) the parameter `p` takes when they are free: a `byval` copy (on the stack), a float
/// or a vector (in vector registers) none, the `sret` pointer and an integer of up to 64 bits
/// one, an `i128` two; `None` for any other type.
pub(crate) fn int_registers(p: &AbiParam) -> Option<usize> {
    use cranelift_codegen::ir::types;
    let t = p.value_type;
    match p.purpose {
        ArgumentPurpose::StructArgument(_) => Some(0),
        ArgumentPurpose::StructReturn => Some(1),
        _ if t.is_int() && t.bits() <= 64 => Some(1),
        _ if t == types::I128 => Some(2),
        _ if t.is_float() || t.is_vector() => Some(0),
        _ => None,
    }
}

/// Whether an `i128` argument goes on the stack with one integer argument register left
/// (`%r9`), and a later argument would take that register. x86-64 SysV (as clang and gcc
/// pass arguments) gives it to the later argument; Cranelift leaves it unused and passes the
/// later argument on the stack, so that code on either side of such a call would read the
/// other's arguments from the wrong places.
fn wide_argument_skips_a_register(params: &[AbiParam]) -> bool {
    let mut used = 0;
    let mut skipped = false;
    for p in params {
        match int_registers(p) {
            Some(2) if used + 2 > 6 => skipped |= used < 6,
            Some(2) => used += 2,
            Some(1) if used < 6 => {
                if skipped {
                    return true;
                }
                used += 1;
            }
            _ => {}
        }
    }
    false
}

fn push_params(
    layout: &DataLayout,
    ty: &Type,
    attrs: &[Attribute],
    out: &mut Vec<AbiParam>,
) -> Result<(), String> {
    let ext = if attrs.iter().any(|a| a.name() == "signext") {
        ArgumentExtension::Sext
    } else if attrs.iter().any(|a| a.name() == "zeroext") {
        ArgumentExtension::Uext
    } else {
        ArgumentExtension::None
    };
    for Leaf { ty, .. } in leaves(layout, ty)? {
        let mut param = AbiParam::new(scalar(&ty)?);
        param.extension = ext_for(&ty, ext);
        out.push(param);
    }
    Ok(())
}

/// An extension only applies to integers narrower than a register.
fn ext_for(ty: &Type, ext: ArgumentExtension) -> ArgumentExtension {
    match ty {
        Type::Int(n) if *n < 32 => ext,
        _ => ArgumentExtension::None,
    }
}

/// The type of a type attribute (`byval(T)`, `sret(T)`) named `name`.
pub(crate) fn type_attr<'a>(attrs: &'a [Attribute], name: &str) -> Option<&'a Type> {
    attrs.iter().find_map(|a| match a {
        Attribute::Type { name: n, ty } if n == name => Some(ty),
        _ => None,
    })
}

/// The size of the argument-area copy of a `byval(T)` argument: whole eightbytes, as SysV
/// passes them and as Cranelift requires (the caller pads a smaller `T`, see
/// `lower::calls`).
pub(crate) fn byval_slot_size(layout: &DataLayout, t: &Type) -> Result<u64, String> {
    Ok(layout.size_of(t)?.next_multiple_of(8))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cranelift_codegen::ir::types::{F64, I32, I64, I128};

    #[test]
    fn a_wide_argument_skips_a_register_only_when_a_later_one_would_take_it() {
        let p = AbiParam::new;
        let byval = AbiParam::special(I64, ArgumentPurpose::StructArgument(16));
        let cases: &[(&[AbiParam], bool)] = &[
            (&[p(I64), p(I64), p(I64), p(I64), p(I64), p(I128), p(I32)], true),
            // Nothing after it, or only floats and copies on the stack.
            (&[p(I64), p(I64), p(I64), p(I64), p(I64), p(I128)], false),
            (&[p(I64), p(I64), p(I64), p(I64), p(I64), p(I128), p(F64), byval], false),
            // In registers: two left.
            (&[p(I64), p(I64), p(I64), p(I64), p(I128), p(I32)], false),
            // No register left: SysV and Cranelift both put what follows on the stack.
            (&[p(I64), p(I64), p(I64), p(I64), p(I64), p(I64), p(I128), p(I32)], false),
            (&[p(I128), p(I128), p(I64), p(I128), p(I64)], true),
        ];
        for (params, want) in cases {
            assert_eq!(wide_argument_skips_a_register(params), *want, "{params:?}");
        }
    }
}
