//! Which conversions each cast performs, as LLVM's LangRef defines them (shared by cast
//! instructions and constant cast expressions).

use opm_ir::{CastOp, Type};

/// Whether `op` converts `from` to `to`.
pub(crate) fn is_valid_cast(op: CastOp, from: &Type, to: &Type) -> bool {
    // Scalar to scalar, or vector to vector of the same length.
    let same_lanes = from.vector_len() == to.vector_len();
    let (src, dst) = (from.scalar(), to.scalar());
    let int_bits = |t: &Type| t.int_bits();
    let float_bits = |t: &Type| t.float_kind().map(|k| k.bits());
    match op {
        CastOp::Trunc => same_lanes && wider(int_bits(src), int_bits(dst)),
        CastOp::ZExt | CastOp::SExt => same_lanes && wider(int_bits(dst), int_bits(src)),
        CastOp::FPTrunc => same_lanes && wider(float_bits(src), float_bits(dst)),
        CastOp::FPExt => same_lanes && wider(float_bits(dst), float_bits(src)),
        CastOp::FPToUI | CastOp::FPToSI => same_lanes && src.is_float() && dst.is_int(),
        CastOp::UIToFP | CastOp::SIToFP => same_lanes && src.is_int() && dst.is_float(),
        CastOp::PtrToInt => same_lanes && src.is_ptr() && dst.is_int(),
        CastOp::IntToPtr => same_lanes && src.is_int() && dst.is_ptr(),
        CastOp::BitCast => is_valid_bitcast(from, to),
    }
}

/// `a` and `b` both known and `a > b`.
fn wider(a: Option<u32>, b: Option<u32>) -> bool {
    matches!((a, b), (Some(a), Some(b)) if a > b)
}

/// Non-aggregate types of one size; pointers only to pointers (the size of a pointer is the
/// data layout's business, and LLVM forbids ptr <-> int bitcasts anyway).
fn is_valid_bitcast(from: &Type, to: &Type) -> bool {
    let (from_ptr, to_ptr) = (from.is_ptr_or_ptr_vector(), to.is_ptr_or_ptr_vector());
    if from_ptr || to_ptr {
        return from_ptr && to_ptr && from.vector_len() == to.vector_len();
    }
    matches!((bit_size(from), bit_size(to)), (Some(a), Some(b)) if a == b)
}

/// The size in bits of an integer, float or vector of them.
fn bit_size(t: &Type) -> Option<u64> {
    match t {
        Type::Int(b) => Some(u64::from(*b)),
        Type::Vector(n, e) if e.is_int() || e.is_float() => Some(u64::from(*n) * bit_size(e)?),
        t => t.float_kind().map(|k| u64::from(k.bits())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opm_ir::Type as T;

    #[test]
    fn langref_rules() {
        let v = |n, t| T::vector(n, t);
        let ok = [
            (CastOp::Trunc, T::I64, T::I32),
            (CastOp::Trunc, v(4, T::I32), v(4, T::I8)),
            (CastOp::ZExt, T::BOOL, T::I32),
            (CastOp::SExt, T::I8, T::Int(128)),
            (CastOp::FPTrunc, T::Double, T::Float),
            (CastOp::FPTrunc, T::Float, T::BFloat),
            (CastOp::FPExt, T::Half, T::Double),
            (CastOp::FPToSI, v(2, T::Double), v(2, T::I64)),
            (CastOp::UIToFP, T::I32, T::Float),
            (CastOp::PtrToInt, T::Ptr, T::I64),
            (CastOp::IntToPtr, v(2, T::I64), v(2, T::Ptr)),
            (CastOp::BitCast, T::I32, T::Float),
            (CastOp::BitCast, v(2, T::I32), T::Double),
            (CastOp::BitCast, T::Ptr, T::Ptr),
            (CastOp::BitCast, v(4, T::Int(16)), v(2, T::Float)),
        ];
        for (op, from, to) in ok {
            assert!(is_valid_cast(op, &from, &to), "{} {from} to {to}", op.name());
        }
        let bad = [
            (CastOp::Trunc, T::I32, T::I64),
            (CastOp::Trunc, T::I32, T::I32),
            (CastOp::Trunc, v(4, T::I32), v(2, T::I8)),
            (CastOp::ZExt, T::I32, T::I8),
            (CastOp::SExt, T::Float, T::Double),
            (CastOp::FPTrunc, T::Half, T::BFloat),
            (CastOp::FPExt, T::Double, T::Float),
            (CastOp::FPToUI, T::I32, T::Float),
            (CastOp::SIToFP, v(2, T::I32), T::Float),
            (CastOp::PtrToInt, T::I64, T::I64),
            (CastOp::IntToPtr, T::Ptr, T::Ptr),
            (CastOp::BitCast, T::I64, T::Ptr),
            (CastOp::BitCast, T::Ptr, T::I64),
            (CastOp::BitCast, T::I32, T::I64),
            (CastOp::BitCast, T::array(2, T::I32), T::I64),
            (CastOp::BitCast, v(2, T::Ptr), T::Ptr),
        ];
        for (op, from, to) in bad {
            assert!(!is_valid_cast(op, &from, &to), "{} {from} to {to}", op.name());
        }
    }
}
