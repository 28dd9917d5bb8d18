//! C types of canonical types. An `iN` lives in the narrowest of `uint8_t` … `uint64_t` and
//! `opm_u128` that holds it, always zero-extended (the bits above N are 0); `i1` is a
//! `uint8_t` holding 0 or 1. `ptr` is `opm_ptr` (`uint8_t *`). `x86_fp80` is gcc's `long double`
//! on x86-64 (the x87 format, 10 significant bytes in 16), `fp128` is `_Float128`. A vector of 2 to 16 bytes of
//! 8/16/32/64-bit integers, floats or doubles is a GCC vector type (passed in one SSE register
//! as LLVM passes it); any other vector, and every structure and array value, is a C
//! structure (`.e[i]` for elements, `.fK` for fields). How aggregates sit in memory is the
//! data layout's business, never C's: loads and stores go member by member.

use opm_ir::Type;
use std::collections::{HashMap, HashSet};

/// The C type holding an `iN`.
pub(crate) fn int_c(bits: u32) -> &'static str {
    match bits {
        0..=8 => "uint8_t",
        9..=16 => "uint16_t",
        17..=32 => "uint32_t",
        33..=64 => "uint64_t",
        _ => "opm_u128",
    }
}

/// The width in bits of the C type holding an `iN`.
pub(crate) fn container_bits(bits: u32) -> u32 {
    match bits {
        0..=8 => 8,
        9..=16 => 16,
        17..=32 => 32,
        33..=64 => 64,
        _ => 128,
    }
}

/// The signed C type of `width` bits (8, 16, 32, 64 or 128).
pub(crate) fn signed_c(width: u32) -> &'static str {
    match width {
        8 => "int8_t",
        16 => "int16_t",
        32 => "int32_t",
        64 => "int64_t",
        _ => "opm_i128",
    }
}

/// The unsigned C type of `width` bits (8, 16, 32, 64 or 128).
pub(crate) fn unsigned_c(width: u32) -> &'static str {
    int_c(width)
}

/// The C types a module's values need, declared once each, in an order C accepts.
#[derive(Default)]
pub(crate) struct CTypes {
    /// The `typedef`s, each after the types it uses.
    pub defs: Vec<String>,
    names: HashMap<Type, String>,
    gnu_vectors: HashSet<Type>,
    /// The limb counts of the wide integers' structures defined so far.
    wide_limbs: HashSet<u32>,
}

impl CTypes {
    /// The C type of a value of type `ty`.
    pub fn c(&mut self, ty: &Type) -> Result<String, String> {
        match ty {
            Type::Void => Ok("void".into()),
            Type::Int(n) if *n > opm_ir::types::NATIVE_INT_BITS => Ok(self.wide(*n)),
            Type::Int(n) => Ok(int_c(*n).into()),
            Type::Float => Ok("float".into()),
            Type::Double => Ok("double".into()),
            Type::Ptr => Ok("opm_ptr".into()),
            Type::Half => Err("the type `half`".into()),
            Type::BFloat => Err("the type `bfloat`".into()),
            Type::X86Fp80 => Ok("long double".into()),
            Type::Fp128 => Ok("_Float128".into()),
            Type::Function(_) => Err("a value of function type".into()),
            Type::Vector(..) | Type::Array(..) | Type::Struct(_) => self.composite(ty),
        }
    }

    /// Whether values of the vector type `ty` are GCC vectors (`v[i]`), not structures.
    pub fn is_gnu_vector(&self, ty: &Type) -> bool {
        self.gnu_vectors.contains(ty)
    }

    /// The element `i` of the vector or array expression `e` of type `ty`.
    pub fn elem(&self, e: &str, ty: &Type, i: usize) -> String {
        self.elem_at(e, ty, &i.to_string())
    }

    /// The element at the index expression `i` of the vector or array expression `e`.
    pub fn elem_at(&self, e: &str, ty: &Type, i: &str) -> String {
        if self.is_gnu_vector(ty) { format!("({e})[{i}]") } else { format!("({e}).e[{i}]") }
    }

    /// The structure of 64-bit limbs holding an `iN` wider than 128 bits (see
    /// [`super::wide`]).
    fn wide(&mut self, n: u32) -> String {
        let k = super::wide::limbs(n);
        let name = format!("opm_w{k}");
        if self.wide_limbs.insert(k) {
            self.defs.push(format!("typedef struct {{ uint64_t w[{k}]; }} {name};"));
        }
        name
    }

    fn composite(&mut self, ty: &Type) -> Result<String, String> {
        if let Some(name) = self.names.get(ty) {
            return Ok(name.clone());
        }
        // A wide integer is a scalar or a vector's lane only: in memory, an aggregate's
        // members sit where the data layout puts them, which these structures do not follow
        // (and a vector of them is never loaded or stored, see `wide`).
        let mut wide = None;
        let nested = match ty {
            Type::Vector(_, elem) if matches!(**elem, Type::Int(_)) => &Type::Void,
            _ => ty,
        };
        nested.walk(&mut |t| wide = wide.or(t.wide_int_bits()));
        if let Some(b) = wide {
            return Err(format!(
                "the integer type `i{b}` (wider than 128 bits) inside the aggregate `{ty}`"
            ));
        }
        let name = format!("opm_t{}", self.names.len());
        let def = match ty {
            Type::Vector(n, elem) => {
                let lane_bytes = match &**elem {
                    Type::Int(b @ (1 | 8 | 16 | 32 | 64)) => Some(u64::from((*b).max(8) / 8)),
                    Type::Float => Some(4),
                    Type::Double => Some(8),
                    _ => None,
                };
                let ec = self.c(elem)?;
                let bytes = lane_bytes.map(|b| b * u64::from(*n));
                match bytes {
                    Some(b @ (2 | 4 | 8 | 16)) if *n > 1 => {
                        self.gnu_vectors.insert(ty.clone());
                        format!("typedef {ec} {name} __attribute__((vector_size({b})));")
                    }
                    _ => format!("typedef struct {{ {ec} e[{n}]; }} {name};"),
                }
            }
            Type::Array(n, elem) => {
                let ec = self.c(elem)?;
                format!("typedef struct {{ {ec} e[{n}]; }} {name};")
            }
            Type::Struct(st) => {
                let body = st.body.as_ref().ok_or("a value of an opaque structure type")?;
                let mut fields = String::new();
                for (i, t) in body.iter().enumerate() {
                    let fc = self.c(t)?;
                    fields.push_str(&format!(" {fc} f{i};"));
                }
                format!("typedef struct {{{fields} }} {name};")
            }
            _ => unreachable!("composite() is called for vectors, arrays and structures"),
        };
        self.defs.push(def);
        self.names.insert(ty.clone(), name.clone());
        Ok(name)
    }
}

/// The suffix of the C library's and gcc's built-ins for the float C type `fc` (`sqrtf`,
/// `sqrt`, `sqrtl`, `sqrtf128`).
pub(crate) fn float_suffix(fc: &str) -> &'static str {
    match fc {
        "float" => "f",
        "long double" => "l",
        "_Float128" => "f128",
        _ => "",
    }
}

/// The C type of a float type, if it is one gcc has arithmetic for.
pub(crate) fn float_c(ty: &Type) -> Option<&'static str> {
    match ty {
        Type::Float => Some("float"),
        Type::Double => Some("double"),
        Type::X86Fp80 => Some("long double"),
        Type::Fp128 => Some("_Float128"),
        _ => None,
    }
}
