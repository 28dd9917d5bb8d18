//! Scalar operations as C expressions with LLVM's semantics. Operands and results are `iN`
//! values zero-extended in their containers (see [`super::types`]). Arithmetic happens in an
//! unsigned type of at least 32 bits, so that `uint8_t` and `uint16_t` operands, which C
//! promotes to `int`, can never overflow a signed type; the result is masked back to N bits.
//! Shift amounts are masked to the arithmetic width: a shift by N or more is poison in LLVM
//! and undefined in C, and a masked amount keeps gcc from assuming it never happens.

use super::types::{container_bits, float_c, float_suffix, int_c, signed_c, unsigned_c};
use opm_ir::{BinOp, CastOp, FloatPredicate, IntPredicate, Type};

/// The width arithmetic on an `iN` happens in: the container, at least 32 bits.
fn arith_width(n: u32) -> u32 {
    container_bits(n).max(32)
}

/// The mask of the low `n` bits, as a C constant.
fn mask_literal(n: u32) -> String {
    if n <= 64 {
        format!("{:#x}ULL", opm_ir::value::mask(n))
    } else {
        format!("((((opm_u128)1) << {n}) - 1)")
    }
}

/// An `iN` constant in its container.
pub(crate) fn int_literal(n: u32, value: u128) -> String {
    let t = int_c(n);
    let value = value & opm_ir::value::mask(n);
    if value <= u128::from(u64::MAX) {
        format!("(({t}){value:#x}ULL)")
    } else {
        let (hi, lo) = ((value >> 64) as u64, value as u64);
        format!("((((opm_u128){hi:#x}ULL) << 64) | {lo:#x}ULL)")
    }
}

/// `expr` (an unsigned value at least as wide as the container) as an `iN`.
pub(crate) fn wrap(n: u32, expr: &str) -> String {
    let t = int_c(n);
    if n == container_bits(n) {
        format!("(({t})({expr}))")
    } else {
        format!("(({t})(({expr}) & {}))", mask_literal(n))
    }
}

/// The `iN` value `a` sign-extended to the signed C type of `width` bits (at least its
/// container's width).
pub(crate) fn sext(a: &str, n: u32, width: u32) -> String {
    let s = signed_c(width);
    let cb = container_bits(n);
    if n == cb {
        format!("(({s})({})({a}))", signed_c(cb))
    } else {
        let u = unsigned_c(width);
        let sh = width - n;
        format!("((({s})(({u})({a}) << {sh})) >> {sh})")
    }
}

/// The shift amount `b` masked to the arithmetic width of an `iN`.
fn shift_amount(b: &str, n: u32) -> String {
    format!("((unsigned)(({b}) & {}))", arith_width(n) - 1)
}

/// An integer binary operation on two `iN` values.
pub(crate) fn int_bin(op: BinOp, n: u32, a: &str, b: &str) -> Result<String, String> {
    let w = arith_width(n);
    let u = unsigned_c(w);
    let t = int_c(n);
    Ok(match op {
        BinOp::Add => wrap(n, &format!("({u})({a}) + ({u})({b})")),
        BinOp::Sub => wrap(n, &format!("({u})({a}) - ({u})({b})")),
        BinOp::Mul => wrap(n, &format!("({u})({a}) * ({u})({b})")),
        BinOp::UDiv => format!("(({t})(({u})({a}) / ({u})({b})))"),
        BinOp::URem => format!("(({t})(({u})({a}) % ({u})({b})))"),
        BinOp::SDiv => wrap(n, &format!("({u})({} / {})", sext(a, n, w), sext(b, n, w))),
        BinOp::SRem => wrap(n, &format!("({u})({} % {})", sext(a, n, w), sext(b, n, w))),
        BinOp::Shl => wrap(n, &format!("({u})({a}) << {}", shift_amount(b, n))),
        BinOp::LShr => format!("(({t})(({u})({a}) >> {}))", shift_amount(b, n)),
        BinOp::AShr => wrap(n, &format!("({u})({} >> {})", sext(a, n, w), shift_amount(b, n))),
        BinOp::And => format!("(({t})(({a}) & ({b})))"),
        BinOp::Or => format!("(({t})(({a}) | ({b})))"),
        BinOp::Xor => format!("(({t})(({a}) ^ ({b})))"),
        other => return Err(format!("`{}` on integers", other.name())),
    })
}

/// `add`, `sub` or `mul nsw` on two `iN` (N of 32 or 64) whose overflow is undefined in the IR
/// too, as C's signed arithmetic, which is undefined on overflow the same way.
pub(crate) fn signed_arith(op: BinOp, n: u32, a: &str, b: &str) -> Result<String, String> {
    let (s, t) = (signed_c(n), int_c(n));
    let sym = match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        other => return Err(format!("`{}` as signed arithmetic", other.name())),
    };
    Ok(format!("(({t})(({s})({a}) {sym} ({s})({b})))"))
}

/// A float binary operation on two values of C type `fc` (`float`, `double`, `long double`,
/// `_Float128`). `frem` on `_Float128` calls the C library's `fmodf128` (gcc has no
/// built-in for it; fmod's result is exact, so any correct implementation gives it).
pub(crate) fn float_bin(op: BinOp, fc: &str, a: &str, b: &str) -> Result<String, String> {
    let sym = match op {
        BinOp::FAdd => "+",
        BinOp::FSub => "-",
        BinOp::FMul => "*",
        BinOp::FDiv => "/",
        BinOp::FRem => {
            if fc == "_Float128" {
                return Ok(format!("opm_fmodf128({a}, {b})"));
            }
            return Ok(format!("__builtin_fmod{}({a}, {b})", float_suffix(fc)));
        }
        other => return Err(format!("`{}` on floats", other.name())),
    };
    Ok(format!("(({fc})(({a}) {sym} ({b})))"))
}

/// `icmp` of two values of the scalar type `ty`; a `uint8_t` 0 or 1.
pub(crate) fn icmp(pred: IntPredicate, ty: &Type, a: &str, b: &str) -> String {
    let (a, b) = match ty {
        Type::Int(n) if is_signed(pred) => {
            let w = arith_width(*n);
            (sext(a, *n, w), sext(b, *n, w))
        }
        Type::Ptr => (format!("((uintptr_t)({a}))"), format!("((uintptr_t)({b}))")),
        // Through the container's unsigned type: a local may be declared signed (see
        // `super::signed`).
        Type::Int(n) => (format!("(({})({a}))", int_c(*n)), format!("(({})({b}))", int_c(*n))),
        _ => (format!("({a})"), format!("({b})")),
    };
    format!("((uint8_t)({a} {} {b}))", relation(pred))
}

/// C's relational operator of an integer predicate (whose signedness is the operands').
pub(crate) fn relation(pred: IntPredicate) -> &'static str {
    match pred {
        IntPredicate::Eq => "==",
        IntPredicate::Ne => "!=",
        IntPredicate::Ugt | IntPredicate::Sgt => ">",
        IntPredicate::Uge | IntPredicate::Sge => ">=",
        IntPredicate::Ult | IntPredicate::Slt => "<",
        IntPredicate::Ule | IntPredicate::Sle => "<=",
    }
}

/// Whether an integer predicate compares its operands as signed.
pub(crate) fn is_signed(pred: IntPredicate) -> bool {
    matches!(pred, IntPredicate::Sgt | IntPredicate::Sge | IntPredicate::Slt | IntPredicate::Sle)
}

/// `fcmp` of two floats; a `uint8_t` 0 or 1. Ordered predicates are false on NaN, unordered
/// ones true; none raises on a quiet NaN beyond what C's comparisons do.
pub(crate) fn fcmp(pred: FloatPredicate, a: &str, b: &str) -> String {
    let e = match pred {
        FloatPredicate::False => "0".to_string(),
        FloatPredicate::True => "1".to_string(),
        FloatPredicate::Oeq => format!("({a}) == ({b})"),
        FloatPredicate::Ogt => format!("({a}) > ({b})"),
        FloatPredicate::Oge => format!("({a}) >= ({b})"),
        FloatPredicate::Olt => format!("({a}) < ({b})"),
        FloatPredicate::Ole => format!("({a}) <= ({b})"),
        FloatPredicate::One => format!("__builtin_islessgreater({a}, {b})"),
        FloatPredicate::Ord => format!("!__builtin_isunordered({a}, {b})"),
        FloatPredicate::Uno => format!("__builtin_isunordered({a}, {b})"),
        FloatPredicate::Ueq => format!("!__builtin_islessgreater({a}, {b})"),
        FloatPredicate::Ugt => format!("!(({a}) <= ({b}))"),
        FloatPredicate::Uge => format!("!(({a}) < ({b}))"),
        FloatPredicate::Ult => format!("!(({a}) >= ({b}))"),
        FloatPredicate::Ule => format!("!(({a}) > ({b}))"),
        FloatPredicate::Une => format!("({a}) != ({b})"),
    };
    format!("((uint8_t)({e}))")
}

/// A conversion of the scalar `a` from `from` to `to` (not `bitcast`).
pub(crate) fn cast(op: CastOp, from: &Type, to: &Type, a: &str) -> Result<String, String> {
    let fc = |t: &Type| float_c(t).ok_or(format!("the type `{t}` where a float was expected"));
    let bits =
        |t: &Type| t.int_bits().ok_or(format!("the type `{t}` where an integer was expected"));
    Ok(match op {
        CastOp::Trunc => wrap(bits(to)?, a),
        CastOp::ZExt => format!("(({})({})({a}))", int_c(bits(to)?), int_c(bits(from)?)),
        CastOp::SExt => {
            let (n, m) = (bits(from)?, bits(to)?);
            let w = container_bits(m);
            wrap(m, &format!("({}){}", unsigned_c(w), sext(a, n, w)))
        }
        CastOp::FPTrunc | CastOp::FPExt => format!("(({})({a}))", fc(to)?),
        CastOp::FPToUI => {
            let m = bits(to)?;
            wrap(m, &format!("({})({a})", unsigned_c(container_bits(m))))
        }
        CastOp::FPToSI => {
            let m = bits(to)?;
            let w = container_bits(m);
            wrap(m, &format!("({})({})({a})", unsigned_c(w), signed_c(w)))
        }
        CastOp::UIToFP => format!("(({})({})({a}))", fc(to)?, int_c(bits(from)?)),
        CastOp::SIToFP => {
            let n = bits(from)?;
            format!("(({})({}))", fc(to)?, sext(a, n, container_bits(n)))
        }
        CastOp::PtrToInt => wrap(bits(to)?, &format!("(uint64_t)(uintptr_t)({a})")),
        CastOp::IntToPtr => format!("((opm_ptr)(uintptr_t)({a}))"),
        CastOp::BitCast => match (from, to) {
            (Type::Int(32), Type::Float) => format!("opm_f32({a})"),
            (Type::Int(64), Type::Double) => format!("opm_f64({a})"),
            (Type::Float, Type::Int(32)) => format!("opm_f32_bits({a})"),
            (Type::Double, Type::Int(64)) => format!("opm_f64_bits({a})"),
            (Type::Int(80), Type::X86Fp80) => format!("opm_f80_of({a})"),
            (Type::X86Fp80, Type::Int(80)) => format!("opm_f80_bits({a})"),
            (Type::Int(128), Type::Fp128) => format!("opm_f128_of({a})"),
            (Type::Fp128, Type::Int(128)) => format!("opm_f128_bits({a})"),
            (f, t) if f == t => a.to_string(),
            _ => return Err(format!("a bitcast from `{from}` to `{to}`")),
        },
    })
}
