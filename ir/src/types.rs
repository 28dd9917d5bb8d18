//! Types of the canonical IR: the first-class types of LLVM that the project supports.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The widest integer type the canonical IR represents: LLVM's own limit (2^23 - 1 bits).
pub const MAX_INT_BITS: u32 = (1 << 23) - 1;

/// The widest integer a [`crate::Constant::Int`] holds; wider constants are
/// [`crate::Constant::WideInt`], and the Cranelift and GCC backends stop at this width.
pub const NATIVE_INT_BITS: u32 = 128;

/// A type. Pointers are opaque, as in LLVM since version 17; only address space 0 exists.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Type {
    /// No value (function results, instructions without a result).
    Void,
    /// An integer of 1 to [`MAX_INT_BITS`] bits, with no signedness.
    Int(u32),
    /// IEEE binary16.
    Half,
    /// bfloat16.
    BFloat,
    /// IEEE binary32.
    Float,
    /// IEEE binary64.
    Double,
    /// x87's 80-bit extended precision (`long double` on x86-64).
    X86Fp80,
    /// IEEE binary128.
    Fp128,
    /// An opaque pointer in address space 0.
    Ptr,
    /// `[N x T]`.
    Array(u64, Box<Type>),
    /// `<N x T>`: a fixed-width vector of integers, floats or pointers.
    Vector(u32, Box<Type>),
    /// A literal or named structure.
    Struct(StructType),
    /// A function type (the type of callees, never of a value).
    Function(Box<FunctionType>),
}

/// A structure type. Named structures keep their name so that printing stays readable;
/// an opaque named structure has no body.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StructType {
    /// `Some("struct.point")` for `%struct.point`; `None` for a literal `{ i32, i8 }`.
    pub name: Option<String>,
    /// The fields, or `None` for an opaque structure.
    pub body: Option<Vec<Type>>,
    /// `<{ ... }>`: no padding between fields.
    pub packed: bool,
}

/// A function signature.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FunctionType {
    pub ret: Type,
    pub params: Vec<Type>,
    /// Takes further arguments after `params` (`...`).
    pub varargs: bool,
}

/// The floating-point formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FloatKind {
    Half,
    BFloat,
    Float,
    Double,
    X86Fp80,
    Fp128,
}

impl FloatKind {
    /// Width in bits (of the value; an `x86_fp80` occupies 16 bytes in memory).
    pub fn bits(self) -> u32 {
        match self {
            FloatKind::Half | FloatKind::BFloat => 16,
            FloatKind::Float => 32,
            FloatKind::Double => 64,
            FloatKind::X86Fp80 => 80,
            FloatKind::Fp128 => 128,
        }
    }

    /// The corresponding type.
    pub fn ty(self) -> Type {
        match self {
            FloatKind::Half => Type::Half,
            FloatKind::BFloat => Type::BFloat,
            FloatKind::Float => Type::Float,
            FloatKind::Double => Type::Double,
            FloatKind::X86Fp80 => Type::X86Fp80,
            FloatKind::Fp128 => Type::Fp128,
        }
    }
}

impl Type {
    /// `i1`.
    pub const BOOL: Type = Type::Int(1);
    /// `i8`.
    pub const I8: Type = Type::Int(8);
    /// `i32`.
    pub const I32: Type = Type::Int(32);
    /// `i64`.
    pub const I64: Type = Type::Int(64);

    /// A literal (unnamed, unpacked) structure.
    pub fn literal_struct(fields: Vec<Type>) -> Type {
        Type::Struct(StructType { name: None, body: Some(fields), packed: false })
    }

    /// An array type.
    pub fn array(len: u64, elem: Type) -> Type {
        Type::Array(len, Box::new(elem))
    }

    /// A vector type.
    pub fn vector(len: u32, elem: Type) -> Type {
        Type::Vector(len, Box::new(elem))
    }

    /// The float format, if this is a scalar floating-point type.
    pub fn float_kind(&self) -> Option<FloatKind> {
        match self {
            Type::Half => Some(FloatKind::Half),
            Type::BFloat => Some(FloatKind::BFloat),
            Type::Float => Some(FloatKind::Float),
            Type::Double => Some(FloatKind::Double),
            Type::X86Fp80 => Some(FloatKind::X86Fp80),
            Type::Fp128 => Some(FloatKind::Fp128),
            _ => None,
        }
    }

    /// The width of an integer type.
    pub fn int_bits(&self) -> Option<u32> {
        match self {
            Type::Int(b) => Some(*b),
            _ => None,
        }
    }

    pub fn is_int(&self) -> bool {
        matches!(self, Type::Int(_))
    }

    pub fn is_float(&self) -> bool {
        self.float_kind().is_some()
    }

    pub fn is_ptr(&self) -> bool {
        matches!(self, Type::Ptr)
    }

    pub fn is_void(&self) -> bool {
        matches!(self, Type::Void)
    }

    /// The element type of a vector, or the type itself for a scalar.
    pub fn scalar(&self) -> &Type {
        match self {
            Type::Vector(_, e) => e,
            t => t,
        }
    }

    /// The number of lanes of a vector type.
    pub fn vector_len(&self) -> Option<u32> {
        match self {
            Type::Vector(n, _) => Some(*n),
            _ => None,
        }
    }

    /// Integer or vector of integers.
    pub fn is_int_or_int_vector(&self) -> bool {
        self.scalar().is_int()
    }

    /// Float or vector of floats.
    pub fn is_float_or_float_vector(&self) -> bool {
        self.scalar().is_float()
    }

    /// Pointer or vector of pointers.
    pub fn is_ptr_or_ptr_vector(&self) -> bool {
        self.scalar().is_ptr()
    }

    /// Arrays and structures.
    pub fn is_aggregate(&self) -> bool {
        matches!(self, Type::Array(..) | Type::Struct(_))
    }

    /// Types a value can have (an SSA value, an argument, a loaded value).
    pub fn is_first_class(&self) -> bool {
        match self {
            Type::Void | Type::Function(_) => false,
            Type::Struct(s) => s.body.is_some(),
            _ => true,
        }
    }

    /// Types that have a size in memory.
    pub fn is_sized(&self) -> bool {
        match self {
            Type::Void | Type::Function(_) => false,
            Type::Array(_, e) | Type::Vector(_, e) => e.is_sized(),
            Type::Struct(s) => s.body.as_ref().is_some_and(|b| b.iter().all(Type::is_sized)),
            _ => true,
        }
    }

    /// The type that `index` selects inside an aggregate or vector (for extractvalue,
    /// insertvalue and the struct/array steps of getelementptr).
    pub fn member(&self, index: u64) -> Option<&Type> {
        match self {
            Type::Array(n, e) => (index < *n).then_some(&**e),
            Type::Vector(n, e) => (index < u64::from(*n)).then_some(&**e),
            Type::Struct(s) => s.body.as_ref()?.get(usize::try_from(index).ok()?),
            _ => None,
        }
    }

    /// The same shape with the scalar replaced (`<4 x float>` with `i1` → `<4 x i1>`).
    pub fn with_scalar(&self, scalar: Type) -> Type {
        match self {
            Type::Vector(n, _) => Type::Vector(*n, Box::new(scalar)),
            _ => scalar,
        }
    }

    /// The width of this type if it is an integer wider than [`NATIVE_INT_BITS`] (which
    /// the backends other than LLVM build as several 64-bit limbs).
    pub fn wide_int_bits(&self) -> Option<u32> {
        match self {
            Type::Int(b) if *b > NATIVE_INT_BITS => Some(*b),
            _ => None,
        }
    }

    /// Whether this type or a type nested in it is an integer wider than
    /// [`NATIVE_INT_BITS`].
    pub fn has_wide_int(&self) -> bool {
        let mut wide = false;
        self.walk(&mut |t| wide |= t.wide_int_bits().is_some());
        wide
    }

    /// Visit this type and every type nested in it, outermost first.
    pub fn walk(&self, f: &mut dyn FnMut(&Type)) {
        f(self);
        match self {
            Type::Array(_, e) | Type::Vector(_, e) => e.walk(f),
            Type::Struct(s) => {
                for t in s.body.iter().flatten() {
                    t.walk(f)
                }
            }
            Type::Function(ft) => {
                ft.ret.walk(f);
                for p in &ft.params {
                    p.walk(f)
                }
            }
            _ => {}
        }
    }
}

impl fmt::Display for Type {
    /// LLVM's spelling; named structures print as `%name`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Void => f.write_str("void"),
            Type::Int(b) => write!(f, "i{b}"),
            Type::Half => f.write_str("half"),
            Type::BFloat => f.write_str("bfloat"),
            Type::Float => f.write_str("float"),
            Type::Double => f.write_str("double"),
            Type::X86Fp80 => f.write_str("x86_fp80"),
            Type::Fp128 => f.write_str("fp128"),
            Type::Ptr => f.write_str("ptr"),
            Type::Array(n, e) => write!(f, "[{n} x {e}]"),
            Type::Vector(n, e) => write!(f, "<{n} x {e}>"),
            Type::Struct(s) => match &s.name {
                Some(name) => write!(f, "%{}", crate::names::quote_if_needed(name)),
                None => write_struct_body(f, s),
            },
            Type::Function(ft) => fmt::Display::fmt(ft, f),
        }
    }
}

/// Writes `{ a, b }` / `<{ a, b }>` / `opaque`.
pub(crate) fn write_struct_body(f: &mut dyn fmt::Write, s: &StructType) -> fmt::Result {
    let Some(body) = &s.body else { return f.write_str("opaque") };
    let (open, close) = if s.packed { ("<{", "}>") } else { ("{", "}") };
    if body.is_empty() {
        return write!(f, "{open}{close}");
    }
    f.write_str(open)?;
    for (i, t) in body.iter().enumerate() {
        write!(f, "{}{t}", if i == 0 { " " } else { ", " })?;
    }
    write!(f, " {close}")
}

impl fmt::Display for FunctionType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (", self.ret)?;
        for (i, p) in self.params.iter().enumerate() {
            write!(f, "{}{p}", if i == 0 { "" } else { ", " })?;
        }
        if self.varargs {
            f.write_str(if self.params.is_empty() { "..." } else { ", ..." })?;
        }
        f.write_str(")")
    }
}
