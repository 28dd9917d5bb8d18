//! Constants: `i32 -1`, `i1 true`, `double 0x7FF8000000000001`, `[2 x i32] [i32 1, i32 2]`,
//! `c"hi\00"`, `{ i32 1, ptr @g }`, `getelementptr inbounds (i8, ptr @g, i64 4)`, …

use super::float::float_text;
use super::inst::flags_text;
use crate::names::{quote_bytes, quote_if_needed};
use crate::types::Type;
use crate::value::{ConstExpr, Constant, mask, sign_extend};

/// The constant preceded by its type: `i32 7`.
pub(super) fn typed_constant(c: &Constant) -> String {
    format!("{} {}", c.ty(), constant_text(c))
}

/// The constant as it follows its type: `7`, `null`, `[i32 1, i32 2]`.
pub(super) fn constant_text(c: &Constant) -> String {
    match c {
        Constant::Int { bits, value } => int_text(*bits, *value),
        Constant::Float { kind, bits } => float_text(*kind, *bits),
        Constant::Null => "null".to_string(),
        Constant::Undef(_) => "undef".to_string(),
        Constant::Poison(_) => "poison".to_string(),
        Constant::Zero(ty) => zero_text(ty),
        Constant::Array { elems, .. } => format!("[{}]", typed_list(elems)),
        Constant::Bytes(bytes) => format!("c{}", quote_bytes(bytes)),
        Constant::Vector(elems) => format!("<{}>", typed_list(elems)),
        Constant::Struct { ty, fields } => struct_text(ty, fields),
        Constant::Global(name) => format!("@{}", quote_if_needed(name)),
        Constant::Expr(e) => expr_text(e),
    }
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
fn typed_list(elems: &[Constant]) -> String {
    elems.iter().map(typed_constant).collect::<Vec<_>>().join(", ")
}

/// `{ i32 1, ptr @g }`, `<{ i8 1 }>` (packed), `{}`.
fn struct_text(ty: &Type, fields: &[Constant]) -> String {
    let packed = matches!(ty, Type::Struct(s) if s.packed);
    let (open, close) = if packed { ("<{", "}>") } else { ("{", "}") };
    if fields.is_empty() {
        return format!("{open}{close}");
    }
    format!("{open} {} {close}", typed_list(fields))
}

/// `ptrtoint (ptr @a to i64)`, `add nuw (i64 …, i64 1)`, `getelementptr inbounds (…)`.
fn expr_text(e: &ConstExpr) -> String {
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
