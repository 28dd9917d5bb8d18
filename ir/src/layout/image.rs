//! Constant initializers as the bytes and relocations LLVM's code generator emits for
//! them ([`DataLayout::constant_image`]).

use super::{ConstImage, DataLayout, Reloc};
use crate::inst::{BinOp, CastOp};
use crate::types::Type;
use crate::value::{ConstExpr, Constant, mask, sign_extend};

/// The largest constant laid out: 2 GiB, what x86-64's small code model addresses.
pub const MAX_IMAGE: u64 = 1 << 31;

/// The value of an integer or pointer constant: plain bits (the low bits of its width), or
/// the address of a symbol plus an addend.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Scalar {
    Bits(u128),
    Symbol { name: String, addend: i64 },
}

impl DataLayout {
    /// The bytes and relocations LLVM 22's code generator emits for `c` as an initializer
    /// of its type ([`Constant::ty`]): `size_of(ty)` bytes, padding zero.
    ///
    /// Integers are little-endian at their store size, zero-extended; floats by bit
    /// pattern; `null`, `zeroinitializer`, `undef` and `poison` as zero bytes; aggregates
    /// at their layout offsets. A vector whose elements' size in bits differs from their
    /// alloc size (`<8 x i1>`, `<3 x i24>`) is bit-packed as LLVM does: element `i` at bit
    /// `i × bits`, `undef` lanes zero. A global's address is pointer-size zero bytes plus a
    /// [`Reloc`]; so are the constant expressions that reduce to an address plus an
    /// offset: getelementptr with constant indices, `ptrtoint`/`inttoptr`/`bitcast` at the
    /// pointer width, `add`/`sub` of such an address and an integer. Expressions over
    /// plain integers are folded.
    ///
    /// `Err` for what a pointer-sized absolute relocation cannot express, which LLVM
    /// itself may emit with other relocations or reject: the difference of two addresses,
    /// an address truncated or converted to an integer narrower or wider than a pointer, an
    /// address inside a bit-packed vector, `undef` operands of an expression; for
    /// big-endian layouts; and for unsized types.
    pub fn constant_image(&self, c: &Constant) -> Result<ConstImage, String> {
        if self.big_endian {
            return Err("constant images are only laid out for little-endian data layouts".into());
        }
        self.image(c)
    }

    fn image(&self, c: &Constant) -> Result<ConstImage, String> {
        let size = self.size_of(&c.ty())?;
        // Data past 2 GiB cannot be reached by the small code model's 32-bit displacements
        // (LLVM's own build of it fails to link), and laying it out would exhaust memory.
        if size > MAX_IMAGE {
            return Err(format!(
                "a constant of {size} bytes: data over 2 GiB does not fit x86-64's small code model"
            ));
        }
        let len = usize::try_from(size)
            .map_err(|_| format!("a constant of {size} bytes does not fit in memory"))?;
        let mut image = ConstImage { bytes: vec![0; len], relocs: Vec::new() };
        self.write(c, 0, &mut image)?;
        Ok(image)
    }

    /// Writes `c` at `offset` into `image`, whose bytes there are still zero.
    fn write(&self, c: &Constant, offset: u64, image: &mut ConstImage) -> Result<(), String> {
        match c {
            Constant::Int { bits, value } => {
                put_uint(image, offset, value & mask(*bits), u64::from(*bits).div_ceil(8))
            }
            Constant::WideInt { bits, words } => {
                let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
                let len = u64::from(*bits).div_ceil(8);
                put_bytes(image, offset, &bytes[..(len as usize).min(bytes.len())], len)
            }
            Constant::Float { kind, bits } => {
                put_uint(image, offset, *bits, u64::from(kind.bits() / 8))
            }
            Constant::BlockAddress { function, .. } => Err(format!(
                "the address of a block of @{} cannot be laid out as data",
                crate::names::quote_if_needed(function)
            )),
            Constant::Asm(_) => Err("inline assembly is not data".into()),
            Constant::Null | Constant::Undef(_) | Constant::Poison(_) | Constant::Zero(_) => {
                // Zero bytes; the size was checked when the image was made, or is checked
                // here for a constant nested in an aggregate of another (malformed) type.
                let size = self.size_of(&c.ty())?;
                put_bytes(image, offset, &[], size)
            }
            Constant::Bytes(bytes) => put_bytes(image, offset, bytes, bytes.len() as u64),
            Constant::Array { elem, elems } => {
                let stride = self.size_of(elem)?;
                for (i, e) in elems.iter().enumerate() {
                    self.write(e, element_offset(offset, i, stride)?, image)?;
                }
                Ok(())
            }
            Constant::Vector(elems) => self.write_vector(elems, offset, image),
            Constant::Struct { ty, fields } => {
                let Type::Struct(s) = ty else {
                    return Err(format!("a structure constant has the non-structure type {ty}"));
                };
                let Some(body) = &s.body else {
                    return Err(format!("{ty} is unsized: an opaque structure has no layout"));
                };
                if body.len() != fields.len() {
                    return Err(format!(
                        "a constant of {ty} has {} fields where its type has {}",
                        fields.len(),
                        body.len()
                    ));
                }
                let layout = self.struct_layout(body, s.packed)?;
                for (field, field_offset) in fields.iter().zip(&layout.offsets) {
                    let at = offset.checked_add(*field_offset).ok_or("offset overflow")?;
                    self.write(field, at, image)?;
                }
                Ok(())
            }
            Constant::Global(name) => self.put_scalar(
                image,
                offset,
                &Type::Ptr,
                Scalar::Symbol { name: name.clone(), addend: 0 },
            ),
            Constant::Expr(e) => match &**e {
                ConstExpr::Cast { op: CastOp::BitCast, val, to } => {
                    self.write_bitcast(val, to, offset, image)
                }
                _ => {
                    let value = self.scalar(c).map_err(|why| {
                        format!(
                            "constant expression {} cannot be laid out as data: {why}",
                            describe(c)
                        )
                    })?;
                    self.put_scalar(image, offset, &c.ty(), value)
                }
            },
        }
    }

    /// A vector: element by element at alloc-size stride, or bit-packed when the elements'
    /// size in bits is not their alloc size (LLVM then bitcasts the vector to one integer).
    fn write_vector(
        &self,
        elems: &[Constant],
        offset: u64,
        image: &mut ConstImage,
    ) -> Result<(), String> {
        let Some(first) = elems.first() else { return Ok(()) };
        let elem_ty = first.ty();
        if !(elem_ty.is_int() || elem_ty.is_float() || elem_ty.is_ptr()) {
            return Err(format!(
                "a vector of {elem_ty}: vector elements are integers, floats or pointers"
            ));
        }
        let m = self.measure(&elem_ty)?;
        if m.bits == u128::from(m.alloc) * 8 {
            for (i, e) in elems.iter().enumerate() {
                self.write(e, element_offset(offset, i, m.alloc)?, image)?;
            }
            return Ok(());
        }
        // Lanes of a bit-packed vector are scalars of at most 2^24 bits.
        let lane_bits = m.bits as u64;
        let total_bits = lane_bits * elems.len() as u64;
        let mut packed = vec![0u8; total_bits.div_ceil(8) as usize];
        for (i, e) in elems.iter().enumerate() {
            let lane = match e {
                Constant::Int { value, .. } => *value,
                Constant::Float { bits, .. } => *bits,
                Constant::Null | Constant::Zero(_) | Constant::Undef(_) | Constant::Poison(_) => 0,
                other => match self.scalar(other) {
                    Ok(Scalar::Bits(v)) => v,
                    _ => {
                        return Err(format!(
                            "the vector element {} cannot be laid out as data: vectors of \
                             {elem_ty} are bit-packed, and an address cannot be",
                            describe(other)
                        ));
                    }
                },
            } & mask(lane_bits.min(128) as u32);
            let base = i as u64 * lane_bits;
            for bit in 0..lane_bits.min(128) {
                if lane >> bit & 1 == 1 {
                    let at = base + bit;
                    packed[(at / 8) as usize] |= 1 << (at % 8);
                }
            }
        }
        put_bytes(image, offset, &packed, packed.len() as u64)
    }

    /// LLVM emits the operand of a bitcast in place of the bitcast: its store-size bytes.
    fn write_bitcast(
        &self,
        val: &Constant,
        to: &Type,
        offset: u64,
        image: &mut ConstImage,
    ) -> Result<(), String> {
        let from = val.ty();
        if from == *to {
            return self.write(val, offset, image);
        }
        let n = self.store_size(to)?;
        if self.store_size(&from)? != n {
            return Err(format!(
                "constant expression {} cannot be laid out as data: bitcast from {from} to {to} \
                 changes the size",
                describe(val)
            ));
        }
        let inner = self.image(val)?;
        put_bytes(image, offset, &inner.bytes[..n as usize], n)?;
        for r in inner.relocs {
            if r.offset + self.pointer_size() > n {
                return Err(format!("bitcast to {to} cuts a relocation of {}", r.symbol));
            }
            let at = offset.checked_add(r.offset).ok_or("offset overflow")?;
            image.relocs.push(Reloc { offset: at, ..r });
        }
        Ok(())
    }

    /// Writes an integer or pointer value of type `ty` at `offset`.
    fn put_scalar(
        &self,
        image: &mut ConstImage,
        offset: u64,
        ty: &Type,
        value: Scalar,
    ) -> Result<(), String> {
        match value {
            Scalar::Bits(v) => put_uint(image, offset, v, self.store_size(ty)?),
            Scalar::Symbol { name, addend } => {
                if self.store_size(ty)? != self.pointer_size() {
                    return Err(format!("the address of {name} does not fit {ty}"));
                }
                put_bytes(image, offset, &[], self.pointer_size())?;
                image.relocs.push(Reloc { offset, symbol: name, addend });
                Ok(())
            }
        }
    }

    /// The value of an integer or pointer constant, folding constant expressions. `Err`
    /// gives the reason, to follow "cannot be laid out as data: ".
    fn scalar(&self, c: &Constant) -> Result<Scalar, String> {
        match c {
            Constant::Int { bits, value } => Ok(Scalar::Bits(value & mask(*bits))),
            Constant::Null => Ok(Scalar::Bits(0)),
            Constant::Zero(t) if t.is_int() || t.is_ptr() => Ok(Scalar::Bits(0)),
            Constant::Global(name) => Ok(Scalar::Symbol { name: name.clone(), addend: 0 }),
            Constant::Undef(_) | Constant::Poison(_) => {
                Err(format!("its operand {} has no value to compute with", describe(c)))
            }
            Constant::Expr(e) => match &**e {
                ConstExpr::Cast { op, val, to } => self.cast_scalar(*op, val, to),
                ConstExpr::Bin { op, lhs, rhs, .. } => self.bin_scalar(*op, lhs, rhs),
                ConstExpr::Gep { source_ty, base, indices, .. } => {
                    let base = self.scalar(base)?;
                    let indices = indices
                        .iter()
                        .map(|i| match i {
                            Constant::Int { .. } => Ok(i.as_signed().unwrap_or_default()),
                            Constant::Zero(t) if t.is_int() => Ok(0),
                            other => Err(format!(
                                "the index {} is not a constant integer",
                                describe(other)
                            )),
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    let offset = self.gep_offset(source_ty, &indices)?;
                    self.offset_by(base, i128::from(offset))
                }
            },
            other => Err(format!("{} is not an integer or pointer", describe(other))),
        }
    }

    /// The width in bits of an integer or pointer type.
    fn scalar_bits(&self, ty: &Type) -> Result<u32, String> {
        match ty {
            Type::Int(bits) => Ok(*bits),
            Type::Ptr => Ok(self.pointer.bits),
            _ => Err(format!("{ty} is not an integer or pointer type")),
        }
    }

    fn cast_scalar(&self, op: CastOp, val: &Constant, to: &Type) -> Result<Scalar, String> {
        use CastOp::*;
        if !matches!(op, Trunc | ZExt | SExt | PtrToInt | IntToPtr | BitCast) {
            return Err(format!("{} is not laid out", op.name()));
        }
        let from_bits = self.scalar_bits(&val.ty())?;
        let to_bits = self.scalar_bits(to)?;
        let ptr_bits = self.pointer.bits;
        match self.scalar(val)? {
            Scalar::Bits(v) => {
                let v = if op == SExt { sign_extend(v, from_bits) as u128 } else { v };
                Ok(Scalar::Bits(v & mask(to_bits)))
            }
            symbol @ Scalar::Symbol { .. }
                if matches!(op, PtrToInt | IntToPtr | BitCast)
                    && from_bits == ptr_bits
                    && to_bits == ptr_bits =>
            {
                Ok(symbol)
            }
            Scalar::Symbol { name, .. } => Err(format!(
                "{} of the address of {name} from {from_bits} to {to_bits} bits; only \
                 pointer-width ({ptr_bits}-bit) addresses are laid out",
                op.name()
            )),
        }
    }

    fn bin_scalar(&self, op: BinOp, lhs: &Constant, rhs: &Constant) -> Result<Scalar, String> {
        let bits = self.scalar_bits(&lhs.ty())?;
        let (l, r) = (self.scalar(lhs)?, self.scalar(rhs)?);
        let address_op = |why: &str| Err(format!("`{}` {why}", op.name()));
        match (op, l, r) {
            (BinOp::Add, Scalar::Bits(a), Scalar::Bits(b)) => {
                Ok(Scalar::Bits(a.wrapping_add(b) & mask(bits)))
            }
            (BinOp::Sub, Scalar::Bits(a), Scalar::Bits(b)) => {
                Ok(Scalar::Bits(a.wrapping_sub(b) & mask(bits)))
            }
            (BinOp::Xor, Scalar::Bits(a), Scalar::Bits(b)) => Ok(Scalar::Bits(a ^ b)),
            (_, Scalar::Bits(_), Scalar::Bits(_)) => {
                address_op("is not a constant expression LLVM 22 has")
            }
            (_, Scalar::Symbol { name, .. }, _) | (_, _, Scalar::Symbol { name, .. })
                if bits != self.pointer.bits =>
            {
                address_op(&format!(
                    "on the address of {name} at {bits} bits, not the pointer width"
                ))
            }
            (BinOp::Add, s @ Scalar::Symbol { .. }, Scalar::Bits(b))
            | (BinOp::Add, Scalar::Bits(b), s @ Scalar::Symbol { .. }) => {
                self.offset_by(s, sign_extend(b, bits))
            }
            (BinOp::Sub, s @ Scalar::Symbol { .. }, Scalar::Bits(b)) => {
                self.offset_by(s, sign_extend(b, bits).wrapping_neg())
            }
            (BinOp::Sub, Scalar::Symbol { name: a, .. }, Scalar::Symbol { name: b, .. }) => {
                address_op(&format!(
                    "subtracts the address of {b} from that of {a}: the difference of two \
                     addresses needs a PC-relative relocation"
                ))
            }
            (BinOp::Sub, Scalar::Bits(_), Scalar::Symbol { name, .. }) => {
                address_op(&format!("negates the address of {name}"))
            }
            (BinOp::Add, Scalar::Symbol { .. }, Scalar::Symbol { .. }) => {
                address_op("adds two addresses")
            }
            _ => address_op("on an address has no relocation"),
        }
    }

    /// `value + offset`, wrapping at the pointer width.
    fn offset_by(&self, value: Scalar, offset: i128) -> Result<Scalar, String> {
        let bits = self.pointer.bits;
        match value {
            Scalar::Bits(v) => Ok(Scalar::Bits(v.wrapping_add(offset as u128) & mask(bits))),
            Scalar::Symbol { name, addend } => {
                let sum = i128::from(addend).wrapping_add(offset);
                let addend = if bits <= 64 {
                    sign_extend(sum as u128 & mask(bits), bits) as i64
                } else {
                    i64::try_from(sum)
                        .map_err(|_| format!("the offset from {name} does not fit in 64 bits"))?
                };
                Ok(Scalar::Symbol { name, addend })
            }
        }
    }
}

/// `offset + index * stride`, checked.
fn element_offset(offset: u64, index: usize, stride: u64) -> Result<u64, String> {
    (index as u64)
        .checked_mul(stride)
        .and_then(|o| o.checked_add(offset))
        .ok_or_else(|| "offset overflow".to_string())
}

/// Copies `bytes` to `offset` after checking that `len` bytes (at least `bytes.len()`) fit
/// there.
fn put_bytes(image: &mut ConstImage, offset: u64, bytes: &[u8], len: u64) -> Result<(), String> {
    let len = len.max(bytes.len() as u64);
    let end = offset.checked_add(len).filter(|end| *end <= image.bytes.len() as u64);
    if end.is_none() {
        return Err(format!(
            "a constant of {len} bytes at offset {offset} overruns its {}-byte container: the \
             constant does not match its type",
            image.bytes.len()
        ));
    }
    let start = offset as usize;
    image.bytes[start..start + bytes.len()].copy_from_slice(bytes);
    Ok(())
}

/// Writes the low `len` bytes of `value`, little-endian (bytes past the 16th stay zero).
fn put_uint(image: &mut ConstImage, offset: u64, value: u128, len: u64) -> Result<(), String> {
    let bytes = value.to_le_bytes();
    put_bytes(image, offset, &bytes[..len.min(16) as usize], len)
}

/// A short description of a constant for messages: `@g`, `i64 8`, `sub (@a, @b)`.
fn describe(c: &Constant) -> String {
    match c {
        Constant::Int { bits: 1, value } => format!("i1 {}", *value == 1),
        Constant::Int { bits, .. } => format!("i{bits} {}", c.as_signed().unwrap_or_default()),
        Constant::Global(name) => format!("@{}", crate::names::quote_if_needed(name)),
        Constant::Null => "null".into(),
        Constant::Undef(t) => format!("{t} undef"),
        Constant::Poison(t) => format!("{t} poison"),
        Constant::Expr(e) => match &**e {
            ConstExpr::Cast { op, val, to } => format!("{} ({} to {to})", op.name(), describe(val)),
            ConstExpr::Bin { op, lhs, rhs, .. } => {
                format!("{} ({}, {})", op.name(), describe(lhs), describe(rhs))
            }
            ConstExpr::Gep { source_ty, base, .. } => {
                format!("getelementptr ({source_ty}, {}, …)", describe(base))
            }
        },
        other => format!("a {} constant", other.ty()),
    }
}

#[cfg(test)]
mod tests {
    //! Expected images are what `llc` 22 emits for the same globals on
    //! x86_64-unknown-linux-gnu, not derived from the code under test.

    use super::*;
    use crate::inst::Flags;
    use crate::layout::testing::{X86_64, ty};
    use crate::types::FloatKind;

    fn hex(text: &str) -> Vec<u8> {
        let digits: String = text.split_whitespace().collect();
        (0..digits.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).unwrap())
            .collect()
    }

    fn int(bits: u32, value: i128) -> Constant {
        Constant::int(bits, value)
    }

    fn global(name: &str) -> Constant {
        Constant::Global(name.into())
    }

    fn gep(source: &str, base: Constant, indices: &[i128]) -> Constant {
        Constant::Expr(Box::new(ConstExpr::Gep {
            source_ty: ty(source),
            base,
            indices: indices.iter().map(|i| int(64, *i)).collect(),
            flags: Flags::NONE,
        }))
    }

    fn cast(op: CastOp, val: Constant, to: Type) -> Constant {
        Constant::Expr(Box::new(ConstExpr::Cast { op, val, to }))
    }

    fn bin(op: BinOp, lhs: Constant, rhs: Constant) -> Constant {
        Constant::Expr(Box::new(ConstExpr::Bin { op, flags: Flags::NONE, lhs, rhs }))
    }

    fn structure(text: &str, fields: Vec<Constant>) -> Constant {
        Constant::Struct { ty: ty(text), fields }
    }

    fn float(kind: FloatKind, bits: u128) -> Constant {
        Constant::Float { kind, bits }
    }

    fn reloc(offset: u64, symbol: &str, addend: i64) -> Reloc {
        Reloc { offset, symbol: symbol.into(), addend }
    }

    #[test]
    fn data_past_2_gib_is_refused_not_laid_out() {
        // Found by the malformed-input campaign: `[2305843009213693951 x i16]
        // zeroinitializer` made both backends ask for 4.6e18 bytes and abort.
        let dl = DataLayout::parse(X86_64).unwrap();
        let huge = Constant::Zero(ty("[2305843009213693951 x i16]"));
        let err = dl.constant_image(&huge).unwrap_err();
        assert!(err.contains("4611686018427387902 bytes"), "{err}");
        let edge = Constant::Zero(ty("[2147483649 x i8]"));
        assert!(dl.constant_image(&edge).is_err());
        let fits = Constant::Zero(ty("[4096 x i16]"));
        assert_eq!(dl.constant_image(&fits).unwrap().bytes.len(), 8192);
    }

    #[test]
    fn constant_images_match_llvm() {
        let dl = DataLayout::parse(X86_64).unwrap();
        let s16 =
            |vals: [i128; 2]| structure("{ i8, i16 }", vec![int(8, vals[0]), int(16, vals[1])]);
        let row = |a, b| Constant::Array { elem: ty("{ i8, i16 }"), elems: vec![a, b] };
        let lanes =
            |bits, vals: &[i128]| Constant::Vector(vals.iter().map(|v| int(bits, *v)).collect());
        // (what, constant, bytes, relocations), bytes as llc 22 emits them.
        let cases: Vec<(&str, Constant, &str, Vec<Reloc>)> = vec![
            (
                "struct with padding",
                structure(
                    "{ i8, i32, i16, double }",
                    vec![int(8, 1), int(32, 2), int(16, 3), Constant::f64(4.0)],
                ),
                "01000000 02000000 0300 000000000000 0000000000001040",
                vec![],
            ),
            (
                "nested array of structures",
                Constant::Array {
                    elem: ty("[2 x { i8, i16 }]"),
                    elems: vec![
                        row(s16([1, 258]), s16([3, 4])),
                        row(s16([5, 6]), Constant::Zero(ty("{ i8, i16 }"))),
                    ],
                },
                "01000201 03000400 05000600 00000000",
                vec![],
            ),
            (
                "struct with addresses, a vector and bytes",
                structure(
                    "{ ptr, i1, i64, <2 x float>, [3 x i8] }",
                    vec![
                        gep("i8", global("s"), &[4]),
                        Constant::bool(true),
                        bin(
                            BinOp::Add,
                            cast(CastOp::PtrToInt, global("s"), Type::I64),
                            int(64, -7),
                        ),
                        Constant::Vector(vec![Constant::f32(1.0), Constant::f32(-2.0)]),
                        Constant::Bytes(b"ab\0".to_vec()),
                    ],
                ),
                "0000000000000000 0100000000000000 0000000000000000 0000803f000000c0 6162000000000000",
                vec![reloc(0, "s", 4), reloc(16, "s", -7)],
            ),
            (
                "getelementptr through struct, array and struct",
                gep("{ i8, [4 x { i16, i32 }] }", global("big"), &[1, 1, 2, 1]),
                "0000000000000000",
                vec![reloc(0, "big", 60)],
            ),
            (
                "sub of an address and an integer",
                bin(
                    BinOp::Sub,
                    cast(CastOp::PtrToInt, gep("i8", global("s"), &[16]), Type::I64),
                    int(64, 6),
                ),
                "0000000000000000",
                vec![reloc(0, "s", 10)],
            ),
            (
                "vector of pointers",
                Constant::Vector(vec![global("s"), gep("i8", global("s"), &[-4])]),
                "0000000000000000 0000000000000000",
                vec![reloc(0, "s", 0), reloc(8, "s", -4)],
            ),
            (
                "inttoptr",
                cast(CastOp::IntToPtr, int(64, 4096), Type::Ptr),
                "0010000000000000",
                vec![],
            ),
            ("getelementptr on null", gep("i8", Constant::Null, &[8]), "0800000000000000", vec![]),
            (
                "half, bfloat, float",
                structure(
                    "{ half, bfloat, float }",
                    vec![
                        float(FloatKind::Half, 0x3e00),
                        float(FloatKind::BFloat, 0x3fc0),
                        Constant::f32(0.5),
                    ],
                ),
                "003e c03f 0000003f",
                vec![],
            ),
            ("i17 -1, zero-extended", int(17, -1), "ffff0100", vec![]),
            ("i72 -2", int(72, -2), "feffffffffffffff ff00000000000000", vec![]),
            ("i100 -3", int(100, -3), "fdffffffffffffff ffffffff0f000000", vec![]),
            (
                "array of i24",
                Constant::Array { elem: Type::Int(24), elems: vec![int(24, 1), int(24, -1)] },
                "01000000 ffffff00",
                vec![],
            ),
            ("<8 x i1>, bit-packed", lanes(1, &[1, 0, 1, 1, 0, 0, 0, 1]), "8d", vec![]),
            ("<3 x i1>", lanes(1, &[1, 0, 1]), "05", vec![]),
            ("<2 x i4>", lanes(4, &[1, 15]), "f1", vec![]),
            ("<4 x i7>", lanes(7, &[1, 2, 3, 127]), "01c1e00f", vec![]),
            (
                "<3 x i24>, bit-packed then padded",
                lanes(24, &[0x123456, -1, 2]),
                "563412ffffff0200 0000000000000000",
                vec![],
            ),
            (
                "<3 x i24> with an undef lane",
                Constant::Vector(vec![int(24, 1), Constant::Undef(Type::Int(24)), int(24, 2)]),
                "0100000000000200 0000000000000000",
                vec![],
            ),
            (
                "<3 x half>",
                Constant::Vector(vec![
                    float(FloatKind::Half, 0x3c00),
                    float(FloatKind::Half, 0x4000),
                    float(FloatKind::Half, 0x4200),
                ]),
                "003c 0040 0042 0000",
                vec![],
            ),
            ("<3 x i8>", lanes(8, &[1, 2, 3]), "01020300", vec![]),
            (
                "undef struct",
                Constant::Undef(ty("{ i8, double }")),
                "00000000000000000000000000000000",
                vec![],
            ),
        ];
        for (what, c, bytes, relocs) in cases {
            let image = dl.constant_image(&c).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert_eq!(image, ConstImage { bytes: hex(bytes), relocs }, "{what}");
            assert_eq!(image.bytes.len() as u64, dl.size_of(&c.ty()).unwrap(), "{what}");
        }
    }

    #[test]
    fn what_a_data_image_cannot_express_is_an_error() {
        let dl = DataLayout::parse(X86_64).unwrap();
        let p2i = |c, bits| cast(CastOp::PtrToInt, c, Type::Int(bits));
        let cases = [
            (
                "difference of two globals",
                bin(BinOp::Sub, p2i(global("a"), 64), p2i(global("b"), 64)),
                "constant expression sub (ptrtoint (@a to i64), ptrtoint (@b to i64)) cannot be \
                 laid out as data: `sub` subtracts the address of b from that of a",
            ),
            (
                "ptrtoint to a narrower integer",
                p2i(global("a"), 32),
                "ptrtoint of the address of a from 64 to 32 bits",
            ),
            (
                "trunc of a pointer",
                cast(CastOp::Trunc, p2i(global("a"), 64), Type::I32),
                "trunc of the address of a from 64 to 32 bits",
            ),
            (
                "an address negated",
                bin(BinOp::Sub, int(64, 0), p2i(global("a"), 64)),
                "negates the address of a",
            ),
            (
                "an address in a bit-packed vector",
                Constant::Vector(vec![p2i(global("a"), 24), int(24, 1)]),
                "vectors of i24 are bit-packed",
            ),
            (
                "undef operand",
                gep("i8", Constant::Undef(Type::Ptr), &[8]),
                "its operand ptr undef has no value to compute with",
            ),
        ];
        for (what, c, message) in cases {
            let e = dl.constant_image(&c).expect_err(what);
            assert!(e.contains(message), "{what}: {e}");
        }
        let big = DataLayout::parse("E").unwrap();
        assert!(big.constant_image(&int(32, 1)).unwrap_err().contains("little-endian"));
    }
}
