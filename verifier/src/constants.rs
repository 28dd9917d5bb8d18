//! Well-formed constants: integers fit their width (and are held as `Int` up to 128 bits,
//! as `WideInt` above), floats fit their format, aggregates and vectors hold elements of
//! their element types, vectors are non-empty and homogeneous, constant expressions are ones
//! LLVM 22 has, with operands of the right types, and inline asm is only ever called. Used
//! for instruction operands, global initializers, aliasees and personalities alike. (That
//! symbols and `blockaddress` blocks exist is checked with the module, in `refs.rs`.)

use crate::cast::is_valid_cast;
use crate::types::{gep_steps, malformed};
use crate::violation::{ConstantProblem, Expected, ViolationKind};
use opm_ir::types::NATIVE_INT_BITS;
use opm_ir::value::mask;
use opm_ir::{BinOp, CastOp, ConstExpr, Constant, Flags, Type};

/// Every problem of `c` and of the constants nested in it, as violations (malformed types
/// inside constants included).
pub(crate) fn problems(c: &Constant) -> Vec<ViolationKind> {
    problems_of(c, false)
}

/// [`problems`] of the callee of a call or an invoke, which may be inline asm itself.
pub(crate) fn callee_problems(c: &Constant) -> Vec<ViolationKind> {
    problems_of(c, true)
}

fn problems_of(c: &Constant, callee: bool) -> Vec<ViolationKind> {
    let mut out = Vec::new();
    c.walk(&mut |node| {
        if let Constant::Asm(asm) = node {
            if !(callee && std::ptr::eq(node, c)) {
                out.push(ViolationKind::MisplacedInlineAsm);
            }
            out.extend(malformed(&Type::Function(Box::new(asm.fn_ty.clone()))));
        }
        check_node(node, &mut out)
    });
    out
}

/// The problems of one constant, not of those nested in it.
fn check_node(c: &Constant, out: &mut Vec<ViolationKind>) {
    let mut problem =
        |p: ConstantProblem| out.push(ViolationKind::MalformedConstant { problem: p });
    let mut types: Vec<Type> = Vec::new();
    match c {
        Constant::Int { bits, value } => {
            types.push(Type::Int(*bits));
            if *bits > NATIVE_INT_BITS {
                problem(ConstantProblem::IntTooWide { bits: *bits });
            } else if *bits >= 1 && value & !mask(*bits) != 0 {
                problem(ConstantProblem::IntValueTooWide { bits: *bits, value: *value });
            }
        }
        Constant::WideInt { bits, words } => {
            types.push(Type::Int(*bits));
            check_wide_int(*bits, words, &mut problem);
        }
        Constant::Float { kind, bits } => {
            if kind.bits() < 128 && bits >> kind.bits() != 0 {
                problem(ConstantProblem::FloatBitsTooWide { kind: *kind, bits: *bits });
            }
        }
        Constant::Null
        | Constant::Global(_)
        | Constant::Bytes(_)
        | Constant::BlockAddress { .. }
        | Constant::Asm(_) => {}
        Constant::Undef(ty) | Constant::Poison(ty) | Constant::Zero(ty) => {
            types.push(ty.clone());
            let sized = ty.is_sized() || !matches!(c, Constant::Zero(_));
            if !ty.is_first_class() || !sized {
                problem(ConstantProblem::NotAValueType { ty: ty.clone() });
            }
        }
        Constant::Array { elem, elems } => {
            types.push(c.ty());
            element_types(elems, elem, &mut problem);
        }
        Constant::Vector(elems) => match elems.first() {
            None => problem(ConstantProblem::EmptyVector),
            Some(first) => {
                types.push(c.ty());
                element_types(elems, &first.ty(), &mut problem);
            }
        },
        Constant::Struct { ty, fields } => {
            types.push(ty.clone());
            match ty {
                Type::Struct(s) if s.body.is_some() => {
                    let body = s.body.as_deref().unwrap_or_default();
                    if body.len() != fields.len() {
                        let (found, expected) = (fields.len(), body.len());
                        problem(ConstantProblem::FieldCount { found, expected });
                    }
                    for (index, (field, expected)) in fields.iter().zip(body).enumerate() {
                        let found = field.ty();
                        if &found != expected {
                            let expected = expected.clone();
                            problem(ConstantProblem::ElementType { index, found, expected });
                        }
                    }
                }
                _ => problem(ConstantProblem::NotAStruct { ty: ty.clone() }),
            }
        }
        Constant::Expr(e) => check_expr(e, &mut types, &mut problem),
    }
    for ty in types {
        out.extend(malformed(&ty));
    }
}

/// A wide integer: wider than a native one, exactly as many words as its width needs, no
/// bits set above its width.
fn check_wide_int(bits: u32, words: &[u64], problem: &mut impl FnMut(ConstantProblem)) {
    if bits <= NATIVE_INT_BITS {
        problem(ConstantProblem::WideIntTooNarrow { bits });
    }
    let expected = bits.div_ceil(64) as usize;
    if words.len() != expected {
        problem(ConstantProblem::WideIntWordCount { bits, found: words.len(), expected });
    }
    // Bits above the width: in the partial top word, and in every word past the last.
    let used = bits % 64;
    let top = expected.checked_sub(1).and_then(|i| words.get(i));
    let high_in_top = used != 0 && top.is_some_and(|top| top >> used != 0);
    let high_beyond = words.iter().skip(expected).any(|w| *w != 0);
    if high_in_top || high_beyond {
        problem(ConstantProblem::WideIntValueTooWide { bits });
    }
}

/// Every element of `elems` has type `expected`.
fn element_types(elems: &[Constant], expected: &Type, problem: &mut impl FnMut(ConstantProblem)) {
    for (index, e) in elems.iter().enumerate() {
        let found = e.ty();
        if &found != expected {
            problem(ConstantProblem::ElementType { index, found, expected: expected.clone() });
        }
    }
}

/// A constant expression; the types it names go to `types` for the well-formedness check.
fn check_expr(e: &ConstExpr, types: &mut Vec<Type>, problem: &mut impl FnMut(ConstantProblem)) {
    match e {
        ConstExpr::Cast { op, val, to } => {
            types.push(to.clone());
            let kept =
                matches!(op, CastOp::Trunc | CastOp::PtrToInt | CastOp::IntToPtr | CastOp::BitCast);
            if !kept {
                problem(ConstantProblem::UnsupportedExpr { opcode: op.name().to_string() });
            } else if !is_valid_cast(*op, &val.ty(), to) {
                problem(ConstantProblem::InvalidCast { op: *op, from: val.ty(), to: to.clone() });
            }
        }
        ConstExpr::Bin { op, flags, lhs, rhs } => {
            if !matches!(op, BinOp::Add | BinOp::Sub | BinOp::Xor) {
                problem(ConstantProblem::UnsupportedExpr { opcode: op.name().to_string() });
            }
            operand_type(problem, 0, lhs, Expected::IntOrIntVector);
            operand_type(problem, 1, rhs, Expected::Type(lhs.ty()));
            let bad = flags.outside(op.allowed_flags());
            if !bad.is_empty() {
                problem(ConstantProblem::DisallowedFlags { flags: bad });
            }
        }
        ConstExpr::Gep { source_ty, base, indices, flags } => {
            types.push(source_ty.clone());
            if !source_ty.is_sized() {
                problem(ConstantProblem::UnsizedGepSource { ty: source_ty.clone() });
            }
            operand_type(problem, 0, base, Expected::PtrOrPtrVector);
            for (k, index) in indices.iter().enumerate() {
                operand_type(problem, k + 1, index, Expected::IntOrIntVector);
            }
            if let Err((position, ty, why)) =
                gep_steps(source_ty, indices.len(), |k| indices.get(k))
            {
                problem(ConstantProblem::InvalidGepIndex { position, ty, problem: why });
            }
            let bad = flags.outside(Flags::INBOUNDS | Flags::NUSW | Flags::NUW);
            if !bad.is_empty() {
                problem(ConstantProblem::DisallowedFlags { flags: bad });
            }
        }
    }
}

/// Operand `operand` of a constant expression is `c`, which should be of `expected`.
fn operand_type(
    problem: &mut impl FnMut(ConstantProblem),
    operand: usize,
    c: &Constant,
    expected: Expected,
) {
    let found = c.ty();
    if !expected.matches(&found) {
        problem(ConstantProblem::OperandType { operand, found, expected });
    }
}
