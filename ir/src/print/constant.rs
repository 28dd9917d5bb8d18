//! Constants: `i32 -1`, `i1 true`, `double 0x7FF8000000000001`, `[2 x i32] [i32 1, i32 2]`,
//! `c"hi\00"`, `{ i32 1, ptr @g }`, `getelementptr inbounds (i8, ptr @g, i64 4)`, …

use super::float::float_text;
use super::inst::flags_text;
use crate::collections::HashMap;
use crate::names::{quote_bytes, quote_if_needed};
use crate::types::Type;
use crate::value::{AsmDialect, ConstExpr, Constant, InlineAsm, mask, sign_extend};

/// The block labels of the functions whose blocks `blockaddress` constants name, by function
/// name: `blockaddress(@f, %label)` must spell the label as `f`'s body does.
pub type BlockLabels = HashMap<String, Vec<String>>;

/// The constant preceded by its type: `i32 7`.
pub(super) fn typed_constant(c: &Constant, labels: &BlockLabels) -> String {
    format!("{} {}", c.ty(), constant_text(c, labels))
}

/// The constant as it follows its type: `7`, `null`, `[i32 1, i32 2]`.
pub(super) fn constant_text(c: &Constant, labels: &BlockLabels) -> String {
    let typed_list = |elems: &[Constant]| typed_list(elems, labels);
    match c {
        Constant::Int { bits, value } => int_text(*bits, *value),
        Constant::WideInt { bits, words } => wide_int_text(*bits, words),
        Constant::Float { kind, bits } => float_text(*kind, *bits),
        Constant::Null => "null".to_string(),
        Constant::Undef(_) => "undef".to_string(),
        Constant::Poison(_) => "poison".to_string(),
        Constant::Zero(ty) => zero_text(ty),
        Constant::Array { elems, .. } => format!("[{}]", typed_list(elems)),
        Constant::Bytes(bytes) => format!("c{}", quote_bytes(bytes)),
        Constant::Vector(elems) => format!("<{}>", typed_list(elems)),
        Constant::Struct { ty, fields } => struct_text(ty, fields, labels),
        Constant::Global(name) => format!("@{}", quote_if_needed(name)),
        Constant::BlockAddress { function, block } => {
            let label = labels
                .get(function)
                .and_then(|l| l.get(block.index()))
                .cloned()
                .unwrap_or_else(|| format!("<no block {}>", block.0));
            format!("blockaddress(@{}, %{label})", quote_if_needed(function))
        }
        Constant::Asm(asm) => asm_text(asm),
        Constant::Expr(e) => expr_text(e, labels),
    }
}

/// `asm sideeffect alignstack inteldialect unwind "text", "constraints"`.
fn asm_text(asm: &InlineAsm) -> String {
    let mut out = String::from("asm ");
    if asm.side_effect {
        out.push_str("sideeffect ");
    }
    if asm.align_stack {
        out.push_str("alignstack ");
    }
    if asm.dialect == AsmDialect::Intel {
        out.push_str("inteldialect ");
    }
    if asm.can_unwind {
        out.push_str("unwind ");
    }
    out.push_str(&quote_bytes(asm.asm.as_bytes()));
    out.push_str(", ");
    out.push_str(&quote_bytes(asm.constraints.as_bytes()));
    out
}

/// An integer wider than 128 bits, in signed decimal of its width.
fn wide_int_text(bits: u32, words: &[u64]) -> String {
    let magnitude = num_bigint::BigUint::from_slice(
        &words.iter().flat_map(|w| [*w as u32, (*w >> 32) as u32]).collect::<Vec<_>>(),
    );
    let value = num_bigint::BigInt::from(magnitude);
    let negative = bits > 0 && value.bit(u64::from(bits) - 1);
    let value = if negative { value - (num_bigint::BigInt::from(1) << bits) } else { value };
    value.to_string()
}

/// An integer as signed decimal of its width; `i1` as `true`/`false`.
pub(super) fn int_text(bits: u32, value: u128) -> String {
    let value = value & mask(bits);
    if bits == 1 {
        return if value == 1 { "true" } else { "false" }.to_string();
    }
    sign_extend(value, bits).to_string()
}

/// `0`, `false`, `0.000000e+00`, `null` for scalars; `zeroinitializer` for the rest.
fn zero_text(ty: &Type) -> String {
    match ty {
        Type::Int(bits) => int_text(*bits, 0),
        Type::Ptr => "null".to_string(),
        t => match t.float_kind() {
            Some(kind) => float_text(kind, 0),
            None => "zeroinitializer".to_string(),
        },
    }
}

/// `i32 1, i32 2`.
fn typed_list(elems: &[Constant], labels: &BlockLabels) -> String {
    elems.iter().map(|c| typed_constant(c, labels)).collect::<Vec<_>>().join(", ")
}

/// `{ i32 1, ptr @g }`, `<{ i8 1 }>` (packed), `{}`.
fn struct_text(ty: &Type, fields: &[Constant], labels: &BlockLabels) -> String {
    let packed = matches!(ty, Type::Struct(s) if s.packed);
    let (open, close) = if packed { ("<{", "}>") } else { ("{", "}") };
    if fields.is_empty() {
        return format!("{open}{close}");
    }
    format!("{open} {} {close}", typed_list(fields, labels))
}

/// `ptrtoint (ptr @a to i64)`, `add nuw (i64 …, i64 1)`, `getelementptr inbounds (…)`.
fn expr_text(e: &ConstExpr, labels: &BlockLabels) -> String {
    let typed_constant = |c: &Constant| typed_constant(c, labels);
    match e {
        ConstExpr::Cast { op, val, to } => {
            format!("{} ({} to {to})", op.name(), typed_constant(val))
        }
        ConstExpr::Bin { op, flags, lhs, rhs } => format!(
            "{}{} ({}, {})",
            op.name(),
            flags_text(*flags),
            typed_constant(lhs),
            typed_constant(rhs)
        ),
        ConstExpr::Gep { source_ty, base, indices, flags } => {
            let mut out = format!(
                "getelementptr{} ({source_ty}, {}",
                flags_text(*flags),
                typed_constant(base)
            );
            for index in indices {
                out.push_str(", ");
                out.push_str(&typed_constant(index));
            }
            out.push(')');
            out
        }
    }
}
