//! Sizes and alignments of types and the layout of structures, as LLVM 22's `DataLayout`
//! computes them.

use super::{DataLayout, PrimitiveSpec, StructLayout};
use crate::types::Type;

/// Everything LLVM derives for a sized type, computed in one pass so that nested
/// structures are laid out once.
#[derive(Clone, Copy, Debug)]
pub(super) struct Measure {
    /// `getTypeSizeInBits` (which may exceed 64 bits where the alloc size does not).
    pub(super) bits: u128,
    /// `getTypeStoreSize`.
    pub(super) store: u64,
    /// `getTypeAllocSize`.
    pub(super) alloc: u64,
    /// `getABITypeAlign`.
    pub(super) abi: u64,
    /// `getPrefTypeAlign`.
    pub(super) pref: u64,
}

/// A structure's layout and the largest alignment among its fields (1 when packed), which
/// LLVM's preferred alignment needs besides the ABI alignment.
struct RawStructLayout {
    layout: StructLayout,
    field_align: u64,
}

impl DataLayout {
    /// `E` in the layout string makes it big-endian; the default is little-endian.
    pub fn is_little_endian(&self) -> bool {
        !self.big_endian
    }

    /// The width of a pointer (address space 0) in bits.
    pub fn pointer_bits(&self) -> u32 {
        self.pointer.bits
    }

    /// The size of a pointer in bytes (its width rounded up to whole bytes).
    pub fn pointer_size(&self) -> u64 {
        u64::from(self.pointer.bits).div_ceil(8)
    }

    /// The ABI alignment of a pointer in bytes.
    pub fn pointer_align(&self) -> u64 {
        self.pointer.abi
    }

    /// The width in bits of getelementptr index arithmetic (the `<idx>` of the `p` entry,
    /// by default the pointer width).
    pub fn index_bits(&self) -> u32 {
        self.pointer.index_bits
    }

    /// LLVM's `getTypeSizeInBits`: the bits of the value (`i17`: 17; `<3 x i1>`: 3; a
    /// structure: 8 × its [`StructLayout::size`]).
    pub fn size_in_bits(&self, ty: &Type) -> Result<u64, String> {
        u64::try_from(self.measure(ty)?.bits).map_err(|_| too_big(ty))
    }

    /// LLVM's `getTypeStoreSize`: the bytes a store of the type writes, `ceil(bits / 8)`.
    /// For a structure it includes the tail padding up to its fields' alignment.
    pub fn store_size(&self, ty: &Type) -> Result<u64, String> {
        Ok(self.measure(ty)?.store)
    }

    /// LLVM's `getTypeAllocSize`: the store size rounded up to the ABI alignment, the
    /// distance between consecutive elements of an array of the type.
    pub fn size_of(&self, ty: &Type) -> Result<u64, String> {
        Ok(self.measure(ty)?.alloc)
    }

    /// LLVM's `getABITypeAlign`, in bytes.
    pub fn align_of(&self, ty: &Type) -> Result<u64, String> {
        Ok(self.measure(ty)?.abi)
    }

    /// LLVM's `getPrefTypeAlign`, in bytes (what LLVM gives a global of the type that has
    /// no explicit alignment, before raising large globals to 16).
    pub fn pref_align_of(&self, ty: &Type) -> Result<u64, String> {
        Ok(self.measure(ty)?.pref)
    }

    /// The layout of a structure with these fields. Packed: every field at the end of the
    /// previous one, alignment 1. Otherwise each field at its ABI alignment and the size
    /// rounded up to the largest. `Err` if a field is unsized or the size overflows.
    pub fn struct_layout(&self, fields: &[Type], packed: bool) -> Result<StructLayout, String> {
        Ok(self.raw_struct_layout(fields, packed)?.layout)
    }

    fn raw_struct_layout(&self, fields: &[Type], packed: bool) -> Result<RawStructLayout, String> {
        let mut offsets = Vec::with_capacity(fields.len());
        let mut size = 0u64;
        let mut field_align = 1u64;
        for field in fields {
            let m = self.measure(field)?;
            let align = if packed { 1 } else { m.abi };
            size = align_to(size, align).ok_or_else(|| too_big_fields(fields))?;
            field_align = field_align.max(align);
            offsets.push(size);
            size = size.checked_add(m.alloc).ok_or_else(|| too_big_fields(fields))?;
        }
        size = align_to(size, field_align).ok_or_else(|| too_big_fields(fields))?;
        let align = if packed { 1 } else { field_align.max(self.aggregate_abi) };
        Ok(RawStructLayout { layout: StructLayout { offsets, size, align }, field_align })
    }

    pub(super) fn measure(&self, ty: &Type) -> Result<Measure, String> {
        match ty {
            Type::Int(bits) => {
                let spec = self.int_spec(*bits);
                Ok(self.natural(u64::from(*bits), spec.abi, spec.pref))
            }
            Type::Half
            | Type::BFloat
            | Type::Float
            | Type::Double
            | Type::X86Fp80
            | Type::Fp128 => {
                let bits = ty.float_kind().map_or(0, |k| k.bits());
                let (abi, pref) = match self.floats.iter().find(|s| s.bits == bits) {
                    Some(s) => (s.abi, s.pref),
                    None => {
                        let a = u64::from(bits / 8).max(1).next_power_of_two();
                        (a, a)
                    }
                };
                Ok(self.natural(u64::from(bits), abi, pref))
            }
            Type::Ptr => {
                Ok(self.natural(u64::from(self.pointer.bits), self.pointer.abi, self.pointer.pref))
            }
            Type::Array(n, elem) => {
                let e = self.measure(elem)?;
                let alloc = n.checked_mul(e.alloc).ok_or_else(|| too_big(ty))?;
                Ok(Measure {
                    bits: u128::from(alloc) * 8,
                    store: alloc,
                    alloc,
                    abi: e.abi,
                    pref: e.pref,
                })
            }
            Type::Vector(n, elem) => {
                let e = self.measure(elem)?;
                let bits = u128::from(*n).checked_mul(e.bits).ok_or_else(|| too_big(ty))?;
                let store = u64::try_from(bits.div_ceil(8)).map_err(|_| too_big(ty))?;
                let (abi, pref) = match self.vectors.iter().find(|s| u128::from(s.bits) == bits) {
                    Some(s) => (s.abi, s.pref),
                    None => {
                        let a =
                            store.max(1).checked_next_power_of_two().ok_or_else(|| too_big(ty))?;
                        (a, a)
                    }
                };
                let alloc = align_to(store, abi).ok_or_else(|| too_big(ty))?;
                Ok(Measure { bits, store, alloc, abi, pref })
            }
            Type::Struct(s) => {
                let Some(fields) = &s.body else {
                    return Err(format!("{ty} is unsized: an opaque structure has no layout"));
                };
                let raw = self.raw_struct_layout(fields, s.packed)?;
                let size = raw.layout.size;
                let alloc = align_to(size, raw.layout.align).ok_or_else(|| too_big(ty))?;
                let pref = self.aggregate_pref.max(raw.field_align);
                let bits = u128::from(size) * 8;
                Ok(Measure { bits, store: size, alloc, abi: raw.layout.align, pref })
            }
            Type::Void => Err("void is unsized: it has no size or alignment".into()),
            Type::Function(_) => Err(format!("the function type {ty} is unsized")),
        }
    }

    /// A scalar of `bits` bits: store size in whole bytes, alloc size rounded to `abi`.
    fn natural(&self, bits: u64, abi: u64, pref: u64) -> Measure {
        let store = bits.div_ceil(8);
        // A scalar's store size is below 2^21 bytes: rounding up cannot overflow.
        Measure { bits: u128::from(bits), store, alloc: store.div_ceil(abi) * abi, abi, pref }
    }

    /// The entry of the smallest listed integer width at least `bits`, else the largest.
    fn int_spec(&self, bits: u32) -> PrimitiveSpec {
        let i = self.ints.partition_point(|s| s.bits < bits);
        self.ints[i.min(self.ints.len() - 1)]
    }
}

/// `v` rounded up to a multiple of the power of two `align`; `None` on overflow.
fn align_to(v: u64, align: u64) -> Option<u64> {
    Some(v.checked_add(align - 1)? & !(align - 1))
}

fn too_big(ty: &Type) -> String {
    format!("the size of {ty} does not fit in 64 bits")
}

fn too_big_fields(fields: &[Type]) -> String {
    too_big(&Type::literal_struct(fields.to_vec()))
}

#[cfg(test)]
mod tests {
    //! Expected values are LLVM 22's own answers, not derived from the code under test.
    //! The type tables were printed by a small program linked against LLVM 22 that parses
    //! each layout string with `DataLayout::parse` and each type with `parseType`, and prints
    //! `getTypeSizeInBits`, `getTypeStoreSize`, `getTypeAllocSize`, `getABITypeAlign`,
    //! `getPrefTypeAlign` and, for structures, `StructLayout::getElementOffset` and
    //! `getSizeInBytes`.

    use super::*;
    use crate::layout::testing::{X86_64, ty};
    use crate::types::{FunctionType, StructType};
    use crate::value::Constant;

    /// Checks every row `type | bits B store S alloc A abi X pref P [offsets O… size Z]`
    /// of `table` against `layout`, and reports all mismatches at once.
    fn check_table(layout: &str, table: &str) {
        let dl = DataLayout::parse(layout).unwrap();
        let mut wrong = Vec::new();
        for row in table.lines() {
            let (text, expected) = row.split_once(" | ").unwrap();
            let t = ty(text);
            let mut got = format!(
                "bits {} store {} alloc {} abi {} pref {}",
                dl.size_in_bits(&t).unwrap(),
                dl.store_size(&t).unwrap(),
                dl.size_of(&t).unwrap(),
                dl.align_of(&t).unwrap(),
                dl.pref_align_of(&t).unwrap()
            );
            if let Type::Struct(s) = &t {
                let l = dl.struct_layout(s.body.as_ref().unwrap(), s.packed).unwrap();
                assert_eq!(
                    l.align,
                    dl.align_of(&t).unwrap(),
                    "StructLayout::align is the ABI alignment"
                );
                got.push_str(" offsets");
                for o in &l.offsets {
                    got.push_str(&format!(" {o}"));
                }
                got.push_str(&format!(" size {}", l.size));
            }
            if got != expected {
                wrong.push(format!("  {text}\n    LLVM: {expected}\n    ours: {got}"));
            }
        }
        assert!(wrong.is_empty(), "layout {layout:?} differs from LLVM 22:\n{}", wrong.join("\n"));
    }

    #[test]
    fn sizes_and_alignments_match_llvm_on_x86_64() {
        check_table(X86_64, X86_64_TABLE);
    }

    #[test]
    fn sizes_and_alignments_match_llvm_on_other_layouts() {
        check_table("", DEFAULT_TABLE);
        check_table("e-p:32:32-i64:64-a:32", ILP32_A32_TABLE);
        check_table("e-i16:32-i24:8-v96:32-f64:32:64-p:16:16-n16", ODD_TABLE);
        check_table("E-m:e-p:32:16:32-i8:8:8-i16:16:16-i32:16:32-n8:16:32-a:0:16-S16", M68K_TABLE);
    }

    #[test]
    fn integers_without_an_entry_take_the_next_wider_one() {
        // LLVM 22 has no default `i1` entry: with `i2:16`, i1 is 2-aligned (LLVM: alloc 2,
        // ABI 2), while i3 falls to i8.
        let dl = DataLayout::parse("i2:16").unwrap();
        assert_eq!(
            (dl.size_of(&Type::Int(1)).unwrap(), dl.align_of(&Type::Int(1)).unwrap()),
            (2, 2)
        );
        assert_eq!(dl.align_of(&Type::Int(3)).unwrap(), 1);
        // Wider than every entry: the widest (`i128:128` on x86-64, `i64:32` by default).
        // LLVM: i300 is 40 bytes, 4-aligned by default; 48 bytes, 16-aligned with i128:128.
        let i300 = Type::Int(300);
        let default = DataLayout::default();
        assert_eq!((default.size_of(&i300).unwrap(), default.align_of(&i300).unwrap()), (40, 4));
        let dl = DataLayout::parse("i128:128-i64:32:64").unwrap();
        assert_eq!((dl.size_of(&i300).unwrap(), dl.align_of(&i300).unwrap()), (48, 16));
    }

    #[test]
    fn named_structures_lay_out_like_literal_ones() {
        let dl = DataLayout::parse(X86_64).unwrap();
        let named = Type::Struct(StructType {
            name: Some("struct.point".into()),
            body: Some(vec![Type::I32, Type::Int(16), Type::I8]),
            packed: false,
        });
        let outer = Type::literal_struct(vec![Type::I8, named]);
        // LLVM: { i8, { i32, i16, i8 } } is 12 bytes, the inner structure at 4.
        assert_eq!(dl.size_of(&outer).unwrap(), 12);
        assert_eq!(dl.gep_offset(&outer, &[0, 1, 2]).unwrap(), 10);
    }

    #[test]
    fn unsized_types_are_errors_not_panics() {
        let dl = DataLayout::parse(X86_64).unwrap();
        let opaque =
            Type::Struct(StructType { name: Some("opaque".into()), body: None, packed: false });
        let function = Type::Function(Box::new(FunctionType {
            ret: Type::Void,
            params: vec![],
            varargs: false,
        }));
        for t in [
            Type::Void,
            function,
            opaque.clone(),
            Type::literal_struct(vec![Type::I8, opaque.clone()]),
            Type::array(2, opaque.clone()),
        ] {
            assert!(dl.size_of(&t).is_err(), "{t}");
            assert!(dl.store_size(&t).is_err(), "{t}");
            assert!(dl.align_of(&t).is_err(), "{t}");
            assert!(dl.gep_offset(&t, &[1]).is_err(), "{t}");
            assert!(dl.constant_image(&Constant::Zero(t.clone())).is_err(), "{t}");
        }
        let e = dl.size_of(&opaque).unwrap_err();
        assert!(e.contains("%opaque is unsized"), "{e}");
        assert!(dl.struct_layout(&[Type::I8, Type::Void], false).is_err());
    }

    #[test]
    fn sizes_that_overflow_are_errors() {
        let dl = DataLayout::parse(X86_64).unwrap();
        let huge = Type::array(u64::MAX / 4, Type::I64);
        assert!(dl.size_of(&huge).unwrap_err().contains("does not fit in 64 bits"));
        // 2^62 bytes have a size, but not one in bits that fits 64 bits.
        let quarter = Type::array(1 << 59, Type::I64);
        assert_eq!(dl.size_of(&quarter).unwrap(), 1 << 62);
        assert!(dl.size_in_bits(&quarter).is_err());
        let four =
            Type::literal_struct(vec![quarter.clone(), quarter.clone(), quarter.clone(), quarter]);
        assert!(dl.size_of(&four).is_err());
        assert!(dl.gep_offset(&huge, &[0, 1]).is_err());
    }

    // --- LLVM 22's answers -------------------------------------------------------------

    /// Layout `X86_64`.
    const X86_64_TABLE: &str = "\
i1 | bits 1 store 1 alloc 1 abi 1 pref 1
i8 | bits 8 store 1 alloc 1 abi 1 pref 1
i17 | bits 17 store 3 alloc 4 abi 4 pref 4
i24 | bits 24 store 3 alloc 4 abi 4 pref 4
i33 | bits 33 store 5 alloc 8 abi 8 pref 8
i48 | bits 48 store 6 alloc 8 abi 8 pref 8
i64 | bits 64 store 8 alloc 8 abi 8 pref 8
i65 | bits 65 store 9 alloc 16 abi 16 pref 16
i96 | bits 96 store 12 alloc 16 abi 16 pref 16
i128 | bits 128 store 16 alloc 16 abi 16 pref 16
half | bits 16 store 2 alloc 2 abi 2 pref 2
bfloat | bits 16 store 2 alloc 2 abi 2 pref 2
float | bits 32 store 4 alloc 4 abi 4 pref 4
double | bits 64 store 8 alloc 8 abi 8 pref 8
ptr | bits 64 store 8 alloc 8 abi 8 pref 8
<3 x float> | bits 96 store 12 alloc 16 abi 16 pref 16
<4 x i32> | bits 128 store 16 alloc 16 abi 16 pref 16
<8 x i1> | bits 8 store 1 alloc 1 abi 1 pref 1
<3 x i1> | bits 3 store 1 alloc 1 abi 1 pref 1
<3 x i24> | bits 72 store 9 alloc 16 abi 16 pref 16
<2 x i64> | bits 128 store 16 alloc 16 abi 16 pref 16
<3 x half> | bits 48 store 6 alloc 8 abi 8 pref 8
<5 x i8> | bits 40 store 5 alloc 8 abi 8 pref 8
<2 x ptr> | bits 128 store 16 alloc 16 abi 16 pref 16
<1 x i128> | bits 128 store 16 alloc 16 abi 16 pref 16
[3 x i24] | bits 96 store 12 alloc 12 abi 4 pref 4
[0 x i32] | bits 0 store 0 alloc 0 abi 4 pref 4
[2 x <3 x float>] | bits 256 store 32 alloc 32 abi 16 pref 16
{} | bits 0 store 0 alloc 0 abi 1 pref 8 offsets size 0
{ i8, i32, i16, double } | bits 192 store 24 alloc 24 abi 8 pref 8 offsets 0 4 8 16 size 24
<{ i8, i32, i16, double }> | bits 120 store 15 alloc 15 abi 1 pref 8 offsets 0 1 5 7 size 15
{ i8, <{ i16, i8 }>, i24, [3 x i8], i128 } | bits 256 store 32 alloc 32 abi 16 pref 16 offsets 0 1 4 8 16 size 32
{ i1, { i8, i64 }, i8 } | bits 256 store 32 alloc 32 abi 8 pref 8 offsets 0 8 24 size 32
<{ i8, { i32, i8 } }> | bits 72 store 9 alloc 9 abi 1 pref 8 offsets 0 1 size 9
{ [0 x i64], i8 } | bits 64 store 8 alloc 8 abi 8 pref 8 offsets 0 0 size 8
{ i8, <3 x float>, i48 } | bits 384 store 48 alloc 48 abi 16 pref 16 offsets 0 16 32 size 48
{ i8, { i32, i16, i8 } } | bits 96 store 12 alloc 12 abi 4 pref 8 offsets 0 4 size 12
{ i8 } | bits 8 store 1 alloc 1 abi 1 pref 8 offsets 0 size 1
{ i8, { i8 }, <{ i8 }> } | bits 24 store 3 alloc 3 abi 1 pref 8 offsets 0 1 2 size 3
[2 x { i8 }] | bits 16 store 2 alloc 2 abi 1 pref 8
";

    /// Layout `""`.
    const DEFAULT_TABLE: &str = "\
i1 | bits 1 store 1 alloc 1 abi 1 pref 1
i16 | bits 16 store 2 alloc 2 abi 2 pref 2
i17 | bits 17 store 3 alloc 4 abi 4 pref 4
i24 | bits 24 store 3 alloc 4 abi 4 pref 4
i33 | bits 33 store 5 alloc 8 abi 4 pref 8
i64 | bits 64 store 8 alloc 8 abi 4 pref 8
i65 | bits 65 store 9 alloc 12 abi 4 pref 8
i128 | bits 128 store 16 alloc 16 abi 4 pref 8
double | bits 64 store 8 alloc 8 abi 8 pref 8
ptr | bits 64 store 8 alloc 8 abi 8 pref 8
<3 x float> | bits 96 store 12 alloc 16 abi 16 pref 16
<3 x i24> | bits 72 store 9 alloc 16 abi 16 pref 16
<2 x ptr> | bits 128 store 16 alloc 16 abi 16 pref 16
[3 x i24] | bits 96 store 12 alloc 12 abi 4 pref 4
{} | bits 0 store 0 alloc 0 abi 1 pref 8 offsets size 0
{ i8, i32, i16, double } | bits 192 store 24 alloc 24 abi 8 pref 8 offsets 0 4 8 16 size 24
<{ i8, i32, i16, double }> | bits 120 store 15 alloc 15 abi 1 pref 8 offsets 0 1 5 7 size 15
{ i8, <{ i16, i8 }>, i24, [3 x i8], i128 } | bits 224 store 28 alloc 28 abi 4 pref 8 offsets 0 1 4 8 12 size 28
{ i1, { i8, i64 }, i8 } | bits 160 store 20 alloc 20 abi 4 pref 8 offsets 0 4 16 size 20
{ i8 } | bits 8 store 1 alloc 1 abi 1 pref 8 offsets 0 size 1
{ i8, { i8 }, <{ i8 }> } | bits 24 store 3 alloc 3 abi 1 pref 8 offsets 0 1 2 size 3
[2 x { i8 }] | bits 16 store 2 alloc 2 abi 1 pref 8
";

    /// Layout `"e-p:32:32-i64:64-a:32"`.
    const ILP32_A32_TABLE: &str = "\
i1 | bits 1 store 1 alloc 1 abi 1 pref 1
i16 | bits 16 store 2 alloc 2 abi 2 pref 2
i17 | bits 17 store 3 alloc 4 abi 4 pref 4
i24 | bits 24 store 3 alloc 4 abi 4 pref 4
i33 | bits 33 store 5 alloc 8 abi 8 pref 8
i64 | bits 64 store 8 alloc 8 abi 8 pref 8
i65 | bits 65 store 9 alloc 16 abi 8 pref 8
i128 | bits 128 store 16 alloc 16 abi 8 pref 8
double | bits 64 store 8 alloc 8 abi 8 pref 8
ptr | bits 32 store 4 alloc 4 abi 4 pref 4
<3 x float> | bits 96 store 12 alloc 16 abi 16 pref 16
<3 x i24> | bits 72 store 9 alloc 16 abi 16 pref 16
<2 x ptr> | bits 64 store 8 alloc 8 abi 8 pref 8
[3 x i24] | bits 96 store 12 alloc 12 abi 4 pref 4
{} | bits 0 store 0 alloc 0 abi 4 pref 4 offsets size 0
{ i8, i32, i16, double } | bits 192 store 24 alloc 24 abi 8 pref 8 offsets 0 4 8 16 size 24
<{ i8, i32, i16, double }> | bits 120 store 15 alloc 15 abi 1 pref 4 offsets 0 1 5 7 size 15
{ i8, <{ i16, i8 }>, i24, [3 x i8], i128 } | bits 256 store 32 alloc 32 abi 8 pref 8 offsets 0 1 4 8 16 size 32
{ i1, { i8, i64 }, i8 } | bits 256 store 32 alloc 32 abi 8 pref 8 offsets 0 8 24 size 32
{ i8 } | bits 8 store 1 alloc 4 abi 4 pref 4 offsets 0 size 1
{ i8, { i8 }, <{ i8 }> } | bits 96 store 12 alloc 12 abi 4 pref 4 offsets 0 4 8 size 12
[2 x { i8 }] | bits 64 store 8 alloc 8 abi 4 pref 4
";

    /// Layout `"e-i16:32-i24:8-v96:32-f64:32:64-p:16:16-n16"`.
    const ODD_TABLE: &str = "\
i1 | bits 1 store 1 alloc 1 abi 1 pref 1
i16 | bits 16 store 2 alloc 4 abi 4 pref 4
i17 | bits 17 store 3 alloc 3 abi 1 pref 1
i24 | bits 24 store 3 alloc 3 abi 1 pref 1
i33 | bits 33 store 5 alloc 8 abi 4 pref 8
i64 | bits 64 store 8 alloc 8 abi 4 pref 8
i65 | bits 65 store 9 alloc 12 abi 4 pref 8
i128 | bits 128 store 16 alloc 16 abi 4 pref 8
double | bits 64 store 8 alloc 8 abi 4 pref 8
ptr | bits 16 store 2 alloc 2 abi 2 pref 2
<3 x float> | bits 96 store 12 alloc 12 abi 4 pref 4
<3 x i24> | bits 72 store 9 alloc 16 abi 16 pref 16
<2 x ptr> | bits 32 store 4 alloc 4 abi 4 pref 4
[3 x i24] | bits 72 store 9 alloc 9 abi 1 pref 1
{} | bits 0 store 0 alloc 0 abi 1 pref 8 offsets size 0
{ i8, i32, i16, double } | bits 160 store 20 alloc 20 abi 4 pref 8 offsets 0 4 8 12 size 20
<{ i8, i32, i16, double }> | bits 136 store 17 alloc 17 abi 1 pref 8 offsets 0 1 5 9 size 17
{ i8, <{ i16, i8 }>, i24, [3 x i8], i128 } | bits 224 store 28 alloc 28 abi 4 pref 8 offsets 0 1 6 9 12 size 28
{ i1, { i8, i64 }, i8 } | bits 160 store 20 alloc 20 abi 4 pref 8 offsets 0 4 16 size 20
{ i8 } | bits 8 store 1 alloc 1 abi 1 pref 8 offsets 0 size 1
{ i8, { i8 }, <{ i8 }> } | bits 24 store 3 alloc 3 abi 1 pref 8 offsets 0 1 2 size 3
[2 x { i8 }] | bits 16 store 2 alloc 2 abi 1 pref 8
";

    /// Layout `"E-m:e-p:32:16:32-i8:8:8-i16:16:16-i32:16:32-n8:16:32-a:0:16-S16"`.
    const M68K_TABLE: &str = "\
i1 | bits 1 store 1 alloc 1 abi 1 pref 1
i16 | bits 16 store 2 alloc 2 abi 2 pref 2
i17 | bits 17 store 3 alloc 4 abi 2 pref 4
i24 | bits 24 store 3 alloc 4 abi 2 pref 4
i33 | bits 33 store 5 alloc 8 abi 4 pref 8
i64 | bits 64 store 8 alloc 8 abi 4 pref 8
i65 | bits 65 store 9 alloc 12 abi 4 pref 8
i128 | bits 128 store 16 alloc 16 abi 4 pref 8
double | bits 64 store 8 alloc 8 abi 8 pref 8
ptr | bits 32 store 4 alloc 4 abi 2 pref 4
<3 x float> | bits 96 store 12 alloc 16 abi 16 pref 16
<3 x i24> | bits 72 store 9 alloc 16 abi 16 pref 16
<2 x ptr> | bits 64 store 8 alloc 8 abi 8 pref 8
[3 x i24] | bits 96 store 12 alloc 12 abi 2 pref 4
{} | bits 0 store 0 alloc 0 abi 1 pref 2 offsets size 0
{ i8, i32, i16, double } | bits 128 store 16 alloc 16 abi 8 pref 8 offsets 0 2 6 8 size 16
<{ i8, i32, i16, double }> | bits 120 store 15 alloc 15 abi 1 pref 2 offsets 0 1 5 7 size 15
{ i8, <{ i16, i8 }>, i24, [3 x i8], i128 } | bits 224 store 28 alloc 28 abi 4 pref 4 offsets 0 1 4 8 12 size 28
{ i1, { i8, i64 }, i8 } | bits 160 store 20 alloc 20 abi 4 pref 4 offsets 0 4 16 size 20
{ i8 } | bits 8 store 1 alloc 1 abi 1 pref 2 offsets 0 size 1
{ i8, { i8 }, <{ i8 }> } | bits 24 store 3 alloc 3 abi 1 pref 2 offsets 0 1 2 size 3
[2 x { i8 }] | bits 16 store 2 alloc 2 abi 1 pref 2
";
}
