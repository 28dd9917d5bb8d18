//! Values: SSA value and block references, operands and constants.

use crate::inst::{BinOp, CastOp, Flags};
use crate::types::{FloatKind, FunctionType, Type};
use serde::{Deserialize, Serialize};
use std::fmt;

/// An SSA value of a function: a parameter or an instruction's result. The number is unique
/// within its function; it has no meaning beyond identity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ValueId(pub u32);

/// A basic block of a function: the index into [`crate::Function::blocks`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BlockId(pub u32);

impl BlockId {
    /// The position in [`crate::Function::blocks`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl fmt::Display for ValueId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}", self.0)
    }
}

impl fmt::Display for BlockId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bb{}", self.0)
    }
}

/// An instruction operand: a value of the function or a constant.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Operand {
    Value(ValueId),
    Const(Constant),
}

impl Operand {
    /// An integer constant operand of `bits` width; `value` is truncated to the width.
    pub fn int(bits: u32, value: i128) -> Operand {
        Operand::Const(Constant::int(bits, value))
    }

    /// The address of a global variable or function.
    pub fn global(name: impl Into<String>) -> Operand {
        Operand::Const(Constant::Global(name.into()))
    }

    /// The value this operand refers to, if it is not a constant.
    pub fn as_value(&self) -> Option<ValueId> {
        match self {
            Operand::Value(v) => Some(*v),
            Operand::Const(_) => None,
        }
    }

    /// The constant, if it is one.
    pub fn as_const(&self) -> Option<&Constant> {
        match self {
            Operand::Const(c) => Some(c),
            Operand::Value(_) => None,
        }
    }
}

impl From<ValueId> for Operand {
    fn from(v: ValueId) -> Operand {
        Operand::Value(v)
    }
}

impl From<Constant> for Operand {
    fn from(c: Constant) -> Operand {
        Operand::Const(c)
    }
}

/// A constant. Its type is implied by its contents (see [`Constant::ty`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Constant {
    /// An integer of at most [`crate::types::NATIVE_INT_BITS`] bits; `value` holds the low
    /// `bits` bits, the rest are zero.
    Int { bits: u32, value: u128 },
    /// An integer wider than [`crate::types::NATIVE_INT_BITS`] bits: `words` are its 64-bit
    /// words, least significant first, exactly `bits.div_ceil(64)` of them, the bits above
    /// `bits` zero.
    WideInt { bits: u32, words: Vec<u64> },
    /// A floating-point number given by its bit pattern (exact, NaN payloads included), in
    /// the low [`FloatKind::bits`] bits: for `x86_fp80` the 64-bit significand (explicit
    /// integer bit included) in bits 0–63 and the sign and exponent in bits 64–79, as in
    /// memory; for `fp128` the IEEE binary128 pattern.
    Float { kind: FloatKind, bits: u128 },
    /// `ptr null`.
    Null,
    /// `undef` of a type.
    Undef(Type),
    /// `poison` of a type.
    Poison(Type),
    /// `zeroinitializer` (or `0`, `0.0`, `null`) of any sized type.
    Zero(Type),
    /// `[N x T] [ ... ]`.
    Array { elem: Type, elems: Vec<Constant> },
    /// `[N x i8] c"..."`: a byte array.
    Bytes(Vec<u8>),
    /// `<N x T> < ... >`; never empty.
    Vector(Vec<Constant>),
    /// A structure; `ty` is its (possibly named) structure type.
    Struct { ty: Type, fields: Vec<Constant> },
    /// The address of the global variable, function or alias of that name.
    Global(String),
    /// `blockaddress(@function, %block)`: the address of a block of a function, for
    /// `indirectbr` (C's computed `goto`).
    BlockAddress { function: String, block: BlockId },
    /// Inline assembly, which only a call or an invoke uses, as its callee.
    Asm(Box<InlineAsm>),
    /// A constant expression.
    Expr(Box<ConstExpr>),
}

/// The dialect of an inline assembly string.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AsmDialect {
    #[default]
    Att,
    Intel,
}

/// Inline assembly: `asm sideeffect alignstack inteldialect unwind "string", "constraints"`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct InlineAsm {
    /// The signature of the calls that use it.
    pub fn_ty: FunctionType,
    /// The assembly text, in LLVM's template syntax (`$0`, `${1:b}`).
    pub asm: String,
    /// LLVM's constraint string (`=r,r,~{memory}`).
    pub constraints: String,
    /// `sideeffect`: has effects beyond its outputs.
    pub side_effect: bool,
    /// `alignstack`.
    pub align_stack: bool,
    pub dialect: AsmDialect,
    /// `unwind`: may throw (only an invoke may call it then, or a call that may unwind).
    pub can_unwind: bool,
}

impl InlineAsm {
    /// A compiler barrier: `asm sideeffect ""` with no operands, clobbering at most memory
    /// (`~{memory}`), or taking one pointer or register operand it does nothing with
    /// (`r,~{memory}`, what `std::hint::black_box` gives). It emits no instruction; what
    /// it means is that memory may be read and written behind the compiler's back.
    pub fn is_barrier(&self) -> bool {
        if !self.asm.trim().is_empty() || self.can_unwind || !self.fn_ty.ret.is_void() {
            return false;
        }
        let parts: Vec<&str> = self.constraints.split(',').filter(|c| !c.is_empty()).collect();
        let inputs = parts.iter().filter(|c| !c.starts_with('~')).count();
        let clobbers_ok = parts
            .iter()
            .filter(|c| c.starts_with('~'))
            .all(|c| matches!(*c, "~{memory}" | "~{dirflag}" | "~{fpsr}" | "~{flags}"));
        let inputs_ok =
            parts.iter().filter(|c| !c.starts_with('~')).all(|c| matches!(*c, "r" | "m" | "*m"));
        clobbers_ok && inputs_ok && inputs == self.fn_ty.params.len() && inputs <= 1
    }
}

/// The constant expressions LLVM 22 still has.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ConstExpr {
    /// `trunc`, `ptrtoint`, `inttoptr`, `bitcast` (the casts LLVM 22 keeps as expressions).
    Cast { op: CastOp, val: Constant, to: Type },
    /// `add`, `sub`, `xor` with their wrap flags.
    Bin { op: BinOp, flags: Flags, lhs: Constant, rhs: Constant },
    /// `getelementptr`.
    Gep { source_ty: Type, base: Constant, indices: Vec<Constant>, flags: Flags },
}

impl Constant {
    /// An integer constant; `value` is truncated to `bits`, or sign-extended to them for a
    /// width above 128 bits (two's complement).
    pub fn int(bits: u32, value: i128) -> Constant {
        if bits > crate::types::NATIVE_INT_BITS {
            let high = if value < 0 { u64::MAX } else { 0 };
            let words: Vec<u64> = (0..bits.div_ceil(64) as usize)
                .map(|i| match i {
                    0 => value as u64,
                    1 => (value >> 64) as u64,
                    _ => high,
                })
                .collect();
            return Constant::from_words(bits, &words);
        }
        Constant::Int { bits, value: (value as u128) & mask(bits) }
    }

    /// `i1 true` / `i1 false`.
    pub fn bool(b: bool) -> Constant {
        Constant::Int { bits: 1, value: u128::from(b) }
    }

    /// A double constant.
    pub fn f64(v: f64) -> Constant {
        Constant::Float { kind: FloatKind::Double, bits: u128::from(v.to_bits()) }
    }

    /// A float constant.
    pub fn f32(v: f32) -> Constant {
        Constant::Float { kind: FloatKind::Float, bits: u128::from(v.to_bits()) }
    }

    /// An integer constant of any width from its 64-bit words, least significant first
    /// (missing words are zero): [`Constant::Int`] up to 128 bits, [`Constant::WideInt`] above.
    pub fn from_words(bits: u32, words: &[u64]) -> Constant {
        if bits <= crate::types::NATIVE_INT_BITS {
            let lo = u128::from(words.first().copied().unwrap_or(0));
            let hi = u128::from(words.get(1).copied().unwrap_or(0));
            return Constant::Int { bits, value: (lo | hi << 64) & mask(bits) };
        }
        let n = bits.div_ceil(64) as usize;
        let mut w: Vec<u64> = (0..n).map(|i| words.get(i).copied().unwrap_or(0)).collect();
        if let Some(top) = w.last_mut()
            && !bits.is_multiple_of(64)
        {
            *top &= (1u64 << (bits % 64)) - 1;
        }
        Constant::WideInt { bits, words: w }
    }

    /// Lane `i` of a vector constant (a list of lanes, `zeroinitializer`, `undef` or
    /// `poison` of a vector type); `None` for another constant, or past its last lane.
    pub fn lane(&self, i: usize) -> Option<Constant> {
        let lane_of = |ty: &Type, make: fn(Type) -> Constant| match ty {
            Type::Vector(n, e) if i < *n as usize => Some(make((**e).clone())),
            _ => None,
        };
        match self {
            Constant::Vector(lanes) => lanes.get(i).cloned(),
            Constant::Zero(ty) => lane_of(ty, Constant::Zero),
            Constant::Undef(ty) => lane_of(ty, Constant::Undef),
            Constant::Poison(ty) => lane_of(ty, Constant::Poison),
            _ => None,
        }
    }

    /// The one integer of at most [`crate::types::NATIVE_INT_BITS`] bits that this constant
    /// holds in every lane, as its width and low bits: an integer constant itself, a vector
    /// of integers whose lanes are all equal (a splat), or the `zeroinitializer` of either.
    pub fn uniform_int(&self) -> Option<(u32, u128)> {
        match self {
            Constant::Int { bits, value } => Some((*bits, *value)),
            Constant::Zero(ty) => match ty.scalar() {
                Type::Int(bits) if *bits <= crate::types::NATIVE_INT_BITS => Some((*bits, 0)),
                _ => None,
            },
            Constant::Vector(lanes) => {
                let first = lanes.first()?.uniform_int()?;
                lanes.iter().all(|l| l.uniform_int() == Some(first)).then_some(first)
            }
            _ => None,
        }
    }

    /// The integer value sign-extended from its width.
    pub fn as_signed(&self) -> Option<i128> {
        match self {
            Constant::Int { bits, value } => Some(sign_extend(*value, *bits)),
            _ => None,
        }
    }

    /// The type of the constant.
    pub fn ty(&self) -> Type {
        match self {
            Constant::Int { bits, .. } | Constant::WideInt { bits, .. } => Type::Int(*bits),
            Constant::Float { kind, .. } => kind.ty(),
            Constant::Null
            | Constant::Global(_)
            | Constant::BlockAddress { .. }
            | Constant::Asm(_) => Type::Ptr,
            Constant::Undef(t) | Constant::Poison(t) | Constant::Zero(t) => t.clone(),
            Constant::Array { elem, elems } => Type::array(elems.len() as u64, elem.clone()),
            Constant::Bytes(b) => Type::array(b.len() as u64, Type::I8),
            Constant::Vector(elems) => {
                let elem = elems.first().map_or(Type::I8, Constant::ty);
                Type::vector(elems.len() as u32, elem)
            }
            Constant::Struct { ty, .. } => ty.clone(),
            Constant::Expr(e) => match &**e {
                ConstExpr::Cast { to, .. } => to.clone(),
                ConstExpr::Bin { lhs, .. } => lhs.ty(),
                ConstExpr::Gep { .. } => Type::Ptr,
            },
        }
    }

    /// The targets of a relative lookup table, if this is the initializer of the global
    /// `table` and has the shape LLVM gives them for `llvm.load.relative`: an array of `i32`
    /// whose every element is `trunc(sub(ptrtoint target, ptrtoint @table))`.
    pub fn relative_table_targets(&self, table: &str) -> Option<Vec<&Constant>> {
        let Constant::Array { elem: Type::Int(32), elems } = self else { return None };
        elems
            .iter()
            .map(|e| {
                let Constant::Expr(e) = e else { return None };
                let ConstExpr::Cast { op: CastOp::Trunc, val, .. } = &**e else { return None };
                let Constant::Expr(sub) = val else { return None };
                let ConstExpr::Bin { op: BinOp::Sub, lhs, rhs, .. } = &**sub else {
                    return None;
                };
                let target = lhs.ptr_to_int_operand()?;
                matches!(rhs.ptr_to_int_operand()?, Constant::Global(n) if n == table)
                    .then_some(target)
            })
            .collect()
    }

    /// The pointer `p` of a `ptrtoint (p)` constant expression.
    fn ptr_to_int_operand(&self) -> Option<&Constant> {
        match self {
            Constant::Expr(e) => match &**e {
                ConstExpr::Cast { op: CastOp::PtrToInt, val, .. } => Some(val),
                _ => None,
            },
            _ => None,
        }
    }

    /// Visit this constant and every constant nested in it.
    pub fn walk(&self, f: &mut dyn FnMut(&Constant)) {
        f(self);
        match self {
            Constant::Array { elems, .. } | Constant::Vector(elems) => {
                elems.iter().for_each(|c| c.walk(f))
            }
            Constant::Struct { fields, .. } => fields.iter().for_each(|c| c.walk(f)),
            Constant::Expr(e) => match &**e {
                ConstExpr::Cast { val, .. } => val.walk(f),
                ConstExpr::Bin { lhs, rhs, .. } => {
                    lhs.walk(f);
                    rhs.walk(f)
                }
                ConstExpr::Gep { base, indices, .. } => {
                    base.walk(f);
                    indices.iter().for_each(|c| c.walk(f))
                }
            },
            _ => {}
        }
    }
}

/// The mask of the low `bits` bits.
pub fn mask(bits: u32) -> u128 {
    if bits >= 128 { u128::MAX } else { (1u128 << bits) - 1 }
}

/// Sign-extends the low `bits` bits of `value`.
pub fn sign_extend(value: u128, bits: u32) -> i128 {
    if bits == 0 || bits >= 128 {
        return value as i128;
    }
    let shift = 128 - bits;
    ((value << shift) as i128) >> shift
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_splat_and_a_zero_vector_hold_one_integer_and_lanes_read_alike() {
        let splat = Constant::Vector(vec![Constant::int(32, -1), Constant::int(32, -1)]);
        assert_eq!(splat.uniform_int(), Some((32, 0xffff_ffff)));
        let mixed = Constant::Vector(vec![Constant::int(64, 7), Constant::int(64, 3)]);
        assert_eq!(mixed.uniform_int(), None);
        assert_eq!(mixed.lane(1).and_then(|c| c.as_signed()), Some(3));
        assert_eq!(mixed.lane(2), None);
        let zero = Constant::Zero(Type::vector(3, Type::I64));
        assert_eq!(zero.uniform_int(), Some((64, 0)));
        assert_eq!(zero.lane(2).and_then(|c| c.uniform_int()), Some((64, 0)));
        assert_eq!(zero.lane(3), None);
        assert_eq!(
            Constant::Poison(Type::vector(2, Type::I32)).lane(0),
            Some(Constant::Poison(Type::I32))
        );
        assert_eq!(Constant::Zero(Type::vector(2, Type::Double)).uniform_int(), None);
        assert_eq!(Constant::int(8, 5).uniform_int(), Some((8, 5)));
    }
}
