//! LLVM's data layout without LLVM: parses a `target datalayout` string and answers what
//! LLVM 22's `DataLayout` answers about sizes, alignments and structure offsets, and lays
//! out constant initializers as the bytes and relocations LLVM's code generator emits.
//!
//! A type has three sizes, as in LLVM: its size in bits ([`DataLayout::size_in_bits`]), its
//! store size (the bytes a store writes, [`DataLayout::store_size`]) and its alloc size (the
//! distance between consecutive array elements, [`DataLayout::size_of`]). Unsized types —
//! `void`, function types, opaque structures and aggregates containing one — have no size
//! and no alignment: every query on them returns `Err` naming the type; none panics.

use crate::inst::{BinOp, CastOp};
use crate::types::Type;
use crate::value::{ConstExpr, Constant, mask, sign_extend};

/// A parsed `target datalayout`: endianness, the alignment entries for integers, floats and
/// vectors, the pointers of address space 0 and the aggregate alignment. Components that do
/// not affect layout (`m:`, `n`, `S`, `A`, `G`, `P`, `F`, `ni`, other address spaces) are
/// checked as LLVM checks them and then ignored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataLayout {
    big_endian: bool,
    /// Sorted by width, as in LLVM; never empty.
    ints: Vec<PrimitiveSpec>,
    floats: Vec<PrimitiveSpec>,
    vectors: Vec<PrimitiveSpec>,
    pointer: PointerSpec,
    /// `a:<abi>:<pref>`, in bytes.
    aggregate_abi: u64,
    aggregate_pref: u64,
}

/// One `i`, `f` or `v` entry: a width in bits and its alignments in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct PrimitiveSpec {
    bits: u32,
    abi: u64,
    pref: u64,
}

/// The `p` entry of address space 0; alignments in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct PointerSpec {
    bits: u32,
    abi: u64,
    pref: u64,
    index_bits: u32,
}

/// Where each field of a structure lies, as LLVM's `StructLayout` computes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StructLayout {
    /// The byte offset of each field.
    pub offsets: Vec<u64>,
    /// The bytes the fields and their padding occupy, tail padding included (LLVM's
    /// `StructLayout::getSizeInBytes`, which is also the structure's store size).
    pub size: u64,
    /// The ABI alignment of the structure type: 1 when packed, else the largest field
    /// alignment raised to the layout's `a:` entry. [`DataLayout::size_of`] is `size`
    /// rounded up to it, which differs from `size` only when `a:` raises the alignment.
    pub align: u64,
}

/// A relocation of a [`ConstImage`]: the pointer-sized slot at `offset` holds the address
/// of `symbol` plus `addend`; the image's bytes there are zero.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reloc {
    /// Byte offset of the slot in the image.
    pub offset: u64,
    /// The global variable or function whose address goes there.
    pub symbol: String,
    /// Added to the address; meaningful modulo 2^(pointer bits).
    pub addend: i64,
}

/// The memory image of a constant: exactly the bytes LLVM emits for it (its alloc size,
/// padding zero) and the relocations that fill its pointer slots.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConstImage {
    /// The bytes, `size_of(ty)` of them.
    pub bytes: Vec<u8>,
    /// The relocations, by increasing offset.
    pub relocs: Vec<Reloc>,
}

impl Default for DataLayout {
    /// LLVM's defaults, which an empty layout string leaves in place: little-endian,
    /// `i8:8-i16:16-i32:32-i64:32:64` (no `i1` entry), `f16:16-f32:32-f64:64-f128:128`,
    /// `v64:64-v128:128`, `p:64:64:64:64`, `a:0:64`.
    fn default() -> DataLayout {
        let spec = |bits, abi, pref| PrimitiveSpec { bits, abi, pref };
        DataLayout {
            big_endian: false,
            ints: vec![spec(8, 1, 1), spec(16, 2, 2), spec(32, 4, 4), spec(64, 4, 8)],
            floats: vec![spec(16, 2, 2), spec(32, 4, 4), spec(64, 8, 8), spec(128, 16, 16)],
            vectors: vec![spec(64, 8, 8), spec(128, 16, 16)],
            pointer: PointerSpec { bits: 64, abi: 8, pref: 8, index_bits: 64 },
            aggregate_abi: 1,
            aggregate_pref: 8,
        }
    }
}

// ---------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------

impl DataLayout {
    /// Parses a `target datalayout` string as LLVM 22 does; the empty string gives LLVM's
    /// defaults ([`DataLayout::default`]). A malformed string is an `Err` naming the bad
    /// specification and giving LLVM's own reason.
    pub fn parse(spec: &str) -> Result<DataLayout, String> {
        let mut layout = DataLayout::default();
        if spec.is_empty() {
            return Ok(layout);
        }
        let mut names = Vec::new();
        for part in spec.split('-') {
            layout.parse_specification(part, &mut names).map_err(|why| {
                if part.is_empty() {
                    format!("invalid data layout \"{spec}\": {why}")
                } else {
                    format!("invalid data layout \"{spec}\": specification \"{part}\": {why}")
                }
            })?;
        }
        Ok(layout)
    }

    /// One `-`-separated specification. `names` collects the address space names seen.
    fn parse_specification(&mut self, spec: &str, names: &mut Vec<String>) -> Result<(), String> {
        if spec.is_empty() {
            return Err("empty specification is not allowed".into());
        }
        if let Some(rest) = spec.strip_prefix("ni") {
            let Some(rest) = rest.strip_prefix(':') else {
                return Err(form("ni:<address space>[:<address space>]..."));
            };
            for s in rest.split(':') {
                if parse_addr_space(s)? == 0 {
                    return Err("address space 0 cannot be non-integral".into());
                }
            }
            return Ok(());
        }
        let mut chars = spec.chars();
        let specifier = chars.next().unwrap_or_default();
        let rest = chars.as_str();
        match specifier {
            'i' | 'f' | 'v' => self.parse_primitive(specifier, rest),
            'a' => self.parse_aggregate(rest),
            'p' => self.parse_pointer(rest, names),
            // Deprecated; LLVM still accepts and ignores it.
            's' => Ok(()),
            'e' | 'E' => {
                if !rest.is_empty() {
                    return Err("malformed specification, must be just 'e' or 'E'".into());
                }
                self.big_endian = specifier == 'E';
                Ok(())
            }
            'n' => {
                for s in rest.split(':') {
                    parse_size(s, "size")?;
                }
                Ok(())
            }
            'S' => {
                if rest.is_empty() {
                    return Err(form("S<size>"));
                }
                parse_alignment(rest, "stack natural", false).map(drop)
            }
            'F' => {
                let mut chars = rest.chars();
                match chars.next() {
                    None => Err(form("F<type><abi>")),
                    Some('i' | 'n') => parse_alignment(chars.as_str(), "ABI", false).map(drop),
                    Some(t) => Err(format!("unknown function pointer alignment type '{t}'")),
                }
            }
            'P' | 'A' | 'G' => {
                if rest.is_empty() {
                    return Err(form(&format!("{specifier}<address space>")));
                }
                parse_addr_space(rest).map(drop)
            }
            'm' => match rest.strip_prefix(':') {
                None | Some("") => Err(form("m:<mangling>")),
                Some("e" | "l" | "o" | "m" | "w" | "x" | "a") => Ok(()),
                Some(_) => Err("unknown mangling mode".into()),
            },
            other => Err(format!("unknown specifier '{other}'")),
        }
    }

    /// `i<size>:<abi>[:<pref>]`, and the same for `f` and `v`.
    fn parse_primitive(&mut self, specifier: char, rest: &str) -> Result<(), String> {
        let parts: Vec<&str> = rest.split(':').collect();
        if !(2..=3).contains(&parts.len()) {
            return Err(form(&format!("{specifier}<size>:<abi>[:<pref>]")));
        }
        let bits = parse_size(parts[0], "size")?;
        let abi = parse_alignment(parts[1], "ABI", false)?;
        if specifier == 'i' && bits == 8 && abi != 1 {
            return Err("i8 must be 8-bit aligned".into());
        }
        let pref = match parts.get(2) {
            Some(s) => parse_alignment(s, "preferred", false)?,
            None => abi,
        };
        if pref < abi {
            return Err("preferred alignment cannot be less than the ABI alignment".into());
        }
        let specs = match specifier {
            'i' => &mut self.ints,
            'f' => &mut self.floats,
            _ => &mut self.vectors,
        };
        let spec = PrimitiveSpec { bits, abi, pref };
        match specs.binary_search_by_key(&bits, |s| s.bits) {
            Ok(i) => specs[i] = spec,
            Err(i) => specs.insert(i, spec),
        }
        Ok(())
    }

    /// `a[0]:<abi>[:<pref>]`; an ABI alignment of 0 means 1 byte.
    fn parse_aggregate(&mut self, rest: &str) -> Result<(), String> {
        let parts: Vec<&str> = rest.split(':').collect();
        if !(2..=3).contains(&parts.len()) {
            return Err(form("a:<abi>[:<pref>]"));
        }
        if !parts[0].is_empty() && parse_uint(parts[0]) != Some(0) {
            return Err("size must be zero".into());
        }
        let abi = parse_alignment(parts[1], "ABI", true)?;
        let pref = match parts.get(2) {
            Some(s) => parse_alignment(s, "preferred", false)?,
            None => abi,
        };
        if pref < abi {
            return Err("preferred alignment cannot be less than the ABI alignment".into());
        }
        self.aggregate_abi = abi;
        self.aggregate_pref = pref;
        Ok(())
    }

    /// `p[<flags>][<n>][(<name>)]:<size>:<abi>[:<pref>[:<idx>]]`; only address space 0 is
    /// kept.
    fn parse_pointer(&mut self, rest: &str, names: &mut Vec<String>) -> Result<(), String> {
        let parts: Vec<&str> = rest.split(':').collect();
        if !(3..=5).contains(&parts.len()) {
            return Err(form("p[<n>]:<size>:<abi>[:<pref>[:<idx>]]"));
        }
        let mut space_text = parts[0];
        let mut flagged = false;
        while let Some(c) = space_text.chars().next() {
            match c {
                'e' | 'u' => flagged = true,
                c if c.is_ascii_alphabetic() => {
                    return Err(format!("'{c}' is not a valid pointer specification flag"));
                }
                _ => break,
            }
            space_text = &space_text[1..];
        }
        let (space, name) = parse_addr_space_and_name(space_text)?;
        if space == 0 && flagged {
            return Err("address space 0 cannot be unstable or have external state".into());
        }
        if let Some(name) = name {
            if names.iter().any(|n| n == name) {
                return Err(format!("address space name `{name}` already used"));
            }
            names.push(name.to_string());
        }
        let bits = parse_size(parts[1], "pointer size")?;
        let abi = parse_alignment(parts[2], "ABI", false)?;
        let pref = match parts.get(3) {
            Some(s) => parse_alignment(s, "preferred", false)?,
            None => abi,
        };
        if pref < abi {
            return Err("preferred alignment cannot be less than the ABI alignment".into());
        }
        let index_bits = match parts.get(4) {
            Some(s) => parse_size(s, "index size")?,
            None => bits,
        };
        if index_bits > bits {
            return Err("index size cannot be larger than the pointer size".into());
        }
        if space == 0 {
            self.pointer = PointerSpec { bits, abi, pref, index_bits };
        }
        Ok(())
    }
}

/// LLVM's message for a specification of the wrong shape.
fn form(shape: &str) -> String {
    format!("malformed specification, must be of the form \"{shape}\"")
}

/// A decimal number made of ASCII digits only (no sign, no spaces), as LLVM's
/// `to_integer(…, 10)` reads it; `None` if it is not one or does not fit 64 bits.
fn parse_uint(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A width in bits: non-zero and below 2^24.
fn parse_size(s: &str, what: &str) -> Result<u32, String> {
    if s.is_empty() {
        return Err(format!("{what} component cannot be empty"));
    }
    match parse_uint(s) {
        Some(v) if v != 0 && v < 1 << 24 => Ok(v as u32),
        _ => Err(format!("{what} must be a non-zero 24-bit integer")),
    }
}

/// An address space number below 2^24.
fn parse_addr_space(s: &str) -> Result<u32, String> {
    if s.is_empty() {
        return Err("address space component cannot be empty".into());
    }
    match parse_uint(s) {
        Some(v) if v < 1 << 24 => Ok(v as u32),
        _ => Err("address space must be a 24-bit integer".into()),
    }
}

/// The address space of a `p` entry: an optional number (0 when absent), then an optional
/// `(name)`.
fn parse_addr_space_and_name(s: &str) -> Result<(u32, Option<&str>), String> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let (number, rest) = s.split_at(digits);
    let space = if number.is_empty() { 0 } else { parse_addr_space(number)? };
    if rest.is_empty() {
        return Ok((space, None));
    }
    if !rest.starts_with('(') {
        return Err("address space must be a 24-bit integer".into());
    }
    if !rest.ends_with(')') || rest.len() <= 2 {
        return Err("Expected `( address space name )`".into());
    }
    let name = &rest[1..rest.len() - 1];
    if matches!(name, "A" | "G" | "P") {
        return Err("Cannot use predefined address space names P/G/A in data layout".into());
    }
    Ok((space, Some(name)))
}

/// An alignment given in bits, returned in bytes: a power of two times 8, below 2^16.
/// Zero means one byte where `allow_zero`.
fn parse_alignment(s: &str, what: &str, allow_zero: bool) -> Result<u64, String> {
    if s.is_empty() {
        return Err(format!("{what} alignment component cannot be empty"));
    }
    let Some(bits) = parse_uint(s).filter(|v| *v < 1 << 16) else {
        return Err(format!("{what} alignment must be a 16-bit integer"));
    };
    if bits == 0 {
        return if allow_zero { Ok(1) } else { Err(format!("{what} alignment must be non-zero")) };
    }
    if bits % 8 != 0 || !(bits / 8).is_power_of_two() {
        return Err(format!("{what} alignment must be a power of two times the byte width"));
    }
    Ok(bits / 8)
}

// ---------------------------------------------------------------------------------------
// Sizes and alignments
// ---------------------------------------------------------------------------------------

/// Everything LLVM derives for a sized type, computed in one pass so that nested
/// structures are laid out once.
#[derive(Clone, Copy, Debug)]
struct Measure {
    /// `getTypeSizeInBits` (which may exceed 64 bits where the alloc size does not).
    bits: u128,
    /// `getTypeStoreSize`.
    store: u64,
    /// `getTypeAllocSize`.
    alloc: u64,
    /// `getABITypeAlign`.
    abi: u64,
    /// `getPrefTypeAlign`.
    pref: u64,
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

    fn measure(&self, ty: &Type) -> Result<Measure, String> {
        match ty {
            Type::Int(bits) => {
                let spec = self.int_spec(*bits);
                Ok(self.natural(u64::from(*bits), spec.abi, spec.pref))
            }
            Type::Half | Type::BFloat | Type::Float | Type::Double => {
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

// ---------------------------------------------------------------------------------------
// getelementptr
// ---------------------------------------------------------------------------------------

/// How a getelementptr computes its address from its base: `offset` bytes, plus each
/// variable index (sign-extended to 64 bits) times its stride. Constant terms wrap at 64 bits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GepPlan {
    /// The sum of the constant indices' terms.
    pub offset: i64,
    /// For each variable index: its position among the indices and its stride in bytes.
    pub scaled: Vec<(usize, i64)>,
}

impl DataLayout {
    /// The plan of a getelementptr over `source_ty` whose indices are constants (`Some`) or
    /// variables (`None`): the first index steps over whole `source_ty`s, the next ones
    /// select a structure field (which must be constant), an array element or a vector
    /// element (alloc size strides).
    pub fn gep_plan(&self, source_ty: &Type, indices: &[Option<i128>]) -> Result<GepPlan, String> {
        let mut plan = GepPlan { offset: 0, scaled: Vec::new() };
        let mut cur = source_ty;
        for (i, index) in indices.iter().enumerate() {
            if i > 0 {
                if let Type::Struct(st) = cur {
                    let field = index.ok_or("a getelementptr with a variable structure index")?;
                    let body =
                        st.body.as_ref().ok_or("a getelementptr into an opaque structure")?;
                    let sl = self.struct_layout(body, st.packed)?;
                    let f = usize::try_from(field)
                        .ok()
                        .filter(|f| *f < body.len())
                        .ok_or("a field index out of range")?;
                    plan.offset = plan.offset.wrapping_add(sl.offsets[f] as i64);
                    cur = &body[f];
                    continue;
                }
                cur = match cur {
                    Type::Array(_, e) | Type::Vector(_, e) => e,
                    other => return Err(format!("a getelementptr into the type `{other}`")),
                };
            }
            let stride = self.size_of(cur)? as i64;
            match index {
                Some(k) => plan.offset = plan.offset.wrapping_add((*k as i64).wrapping_mul(stride)),
                None => plan.scaled.push((i, stride)),
            }
        }
        Ok(plan)
    }

    /// The byte offset a getelementptr with constant `indices` adds to its base, as LLVM
    /// computes it: the first index steps over whole `source_ty`s, the next ones select a
    /// structure field (0-based, in range), an array element (alloc size stride) or a
    /// vector element (store size stride; elements must be whole bytes). Indices are
    /// sign-extended or truncated to [`DataLayout::index_bits`] and the sum wraps at that
    /// width, then is sign-extended, like LLVM's `accumulateConstantOffset`.
    pub fn gep_offset(&self, source_ty: &Type, indices: &[i128]) -> Result<i64, String> {
        let Some((&first, rest)) = indices.split_first() else { return Ok(0) };
        // With indices of at most 64 bits every term fits in an i128 and the sum may wrap,
        // which stays exact modulo 2^index_bits; wider indices are summed with checks.
        let wide = self.pointer.index_bits > 64;
        let mut total: i128 = 0;
        let mut add = |term: Option<i128>| -> Result<(), String> {
            let sum = term.and_then(|t| {
                if wide { total.checked_add(t) } else { Some(total.wrapping_add(t)) }
            });
            total = sum.ok_or("the getelementptr offset does not fit in 128 bits")?;
            Ok(())
        };
        let stride = self
            .measure(source_ty)
            .map_err(|e| format!("getelementptr over an unsized type: {e}"))?
            .alloc;
        add(self.scaled_index(first, stride))?;
        let mut ty = source_ty;
        for &index in rest {
            match ty {
                Type::Struct(s) => {
                    let Some(fields) = &s.body else {
                        return Err(format!("getelementptr into {ty}, an opaque structure"));
                    };
                    let field = usize::try_from(index).ok().filter(|i| *i < fields.len());
                    let Some(field) = field else {
                        return Err(format!(
                            "getelementptr selects field {index} of {ty}, which has {} fields",
                            fields.len()
                        ));
                    };
                    let offset = self.struct_layout(fields, s.packed)?.offsets[field];
                    add(Some(i128::from(offset)))?;
                    ty = &fields[field];
                }
                Type::Array(_, elem) => {
                    add(self.scaled_index(index, self.size_of(elem)?))?;
                    ty = elem;
                }
                Type::Vector(_, elem) => {
                    let m = self.measure(elem)?;
                    if m.bits != u128::from(m.store) * 8 {
                        return Err(format!(
                            "getelementptr into {ty}: its {}-bit elements are not whole bytes",
                            m.bits
                        ));
                    }
                    add(self.scaled_index(index, m.store))?;
                    ty = elem;
                }
                _ => return Err(format!("getelementptr cannot index into {ty}")),
            }
        }
        let bits = self.pointer.index_bits;
        if bits <= 64 {
            Ok(sign_extend(total as u128 & mask(bits), bits) as i64)
        } else {
            i64::try_from(total)
                .map_err(|_| "the getelementptr offset does not fit in 64 bits".into())
        }
    }

    /// `index × stride`, the index first truncated to the index width and sign-extended
    /// back (LLVM's `sextOrTrunc`); `None` if the product overflows.
    fn scaled_index(&self, index: i128, stride: u64) -> Option<i128> {
        let bits = self.pointer.index_bits;
        let index = if bits >= 128 { index } else { sign_extend(index as u128 & mask(bits), bits) };
        index.checked_mul(i128::from(stride))
    }
}

// ---------------------------------------------------------------------------------------
// Constant images
// ---------------------------------------------------------------------------------------

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
            Constant::Float { kind, bits } => {
                put_uint(image, offset, u128::from(*bits), u64::from(kind.bits() / 8))
            }
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
                Constant::Float { bits, .. } => u128::from(*bits),
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
    //! Expected values are LLVM 22's own answers, not derived from the code under test.
    //! The type tables were printed by a small program linked against LLVM 22 that parses
    //! each layout string with `DataLayout::parse` and each type with `parseType`, and prints
    //! `getTypeSizeInBits`, `getTypeStoreSize`, `getTypeAllocSize`, `getABITypeAlign`,
    //! `getPrefTypeAlign` and, for structures, `StructLayout::getElementOffset` and
    //! `getSizeInBytes`. Constant images and getelementptr offsets are what `llc` 22 emits
    //! for the same globals on x86_64-unknown-linux-gnu; layout-string errors are
    //! `llvm-as` 22's messages.

    use super::*;
    use crate::inst::Flags;
    use crate::types::{FloatKind, FunctionType, StructType};
    use crate::value::ConstExpr;

    /// clang 22's and rustc's layout for x86_64 Linux.
    const X86_64: &str =
        "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128";

    // --- a reader for the LLVM type syntax used in the tables -------------------------

    /// `i17`, `half`, `ptr`, `[3 x T]`, `<4 x T>`, `{ T, T }`, `<{ T }>`.
    fn ty(text: &str) -> Type {
        let mut p = TypeReader { s: text, at: 0 };
        let t = p.ty();
        assert!(p.s[p.at..].trim().is_empty(), "trailing text in {text:?}");
        t
    }

    struct TypeReader<'a> {
        s: &'a str,
        at: usize,
    }

    impl TypeReader<'_> {
        fn eat(&mut self, token: &str) -> bool {
            self.at += self.s[self.at..].len() - self.s[self.at..].trim_start().len();
            let found = self.s[self.at..].starts_with(token);
            if found {
                self.at += token.len();
            }
            found
        }

        fn number(&mut self) -> u64 {
            self.eat("");
            let digits = self.s[self.at..].bytes().take_while(u8::is_ascii_digit).count();
            let n = self.s[self.at..self.at + digits].parse().expect("a number");
            self.at += digits;
            n
        }

        fn ty(&mut self) -> Type {
            if self.eat("<{") {
                return self.fields("}>", true);
            }
            if self.eat("{") {
                return self.fields("}", false);
            }
            if self.eat("[") {
                let n = self.number();
                assert!(self.eat("x"));
                let elem = self.ty();
                assert!(self.eat("]"));
                return Type::array(n, elem);
            }
            if self.eat("<") {
                let n = self.number() as u32;
                assert!(self.eat("x"));
                let elem = self.ty();
                assert!(self.eat(">"));
                return Type::vector(n, elem);
            }
            let named = [
                ("half", Type::Half),
                ("bfloat", Type::BFloat),
                ("float", Type::Float),
                ("double", Type::Double),
                ("ptr", Type::Ptr),
            ];
            for (name, t) in named {
                if self.eat(name) {
                    return t;
                }
            }
            assert!(self.eat("i"), "unknown type at {:?}", &self.s[self.at..]);
            Type::Int(self.number() as u32)
        }

        fn fields(&mut self, close: &str, packed: bool) -> Type {
            let mut fields = Vec::new();
            if !self.eat(close) {
                loop {
                    fields.push(self.ty());
                    if self.eat(close) {
                        break;
                    }
                    assert!(self.eat(","), "expected , in {:?}", self.s);
                }
            }
            Type::Struct(StructType { name: None, body: Some(fields), packed })
        }
    }

    // --- sizes and alignments ---------------------------------------------------------

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

    // --- layout strings -----------------------------------------------------------------

    #[test]
    fn parses_what_llvm_accepts() {
        let accepted = [
            "",
            "e",
            "E",
            X86_64,
            // LLVM 22's layouts for aarch64 Linux, i386 Linux, m68k, avr, hexagon, amdgcn,
            // wasm32, systemz, arm64 macOS, x86_64 Windows.
            "e-m:e-p270:32:32-p271:32:32-p272:64:64-i8:8:32-i16:16:32-i64:64-i128:128-n32:64-S128-Fn32",
            "e-m:e-p:32:32-p270:32:32-p271:32:32-p272:64:64-i128:128-f64:32:64-f80:32-n8:16:32-S128",
            "E-m:e-p:32:16:32-i8:8:8-i16:16:16-i32:16:32-n8:16:32-a:0:16-S16",
            "e-P1-p:16:8-i8:8-i16:8-i32:8-i64:8-f32:8-f64:8-n8:16-a:8",
            "e-m:e-p:32:32:32-a:0-n16:32-i64:64:64-i32:32:32-i16:16:16-i1:8:8-f32:32:32-f64:64:64-v32:32:32-v64:64:64-v512:512:512-v1024:1024:1024-v2048:2048:2048",
            "e-p:64:64-p1:64:64-p2:32:32-p3:32:32-p4:64:64-p5:32:32-p6:32:32-p7:160:256:256:32-p8:128:128:128:48-p9:192:256:256:32-i64:64-v16:16-v24:32-v32:32-v48:64-v96:128-v192:256-v256:256-v512:512-v1024:1024-v2048:2048-n32:64-S32-A5-G1-ni:7:8:9",
            "e-m:e-p:32:32-p10:8:8-p20:8:8-i64:64-i128:128-n32:64-S128-ni:1:10:20",
            "E-m:e-i1:8:16-i8:8:16-i64:64-f128:64-v128:64-a:8:16-n32:64",
            "e-m:o-i64:64-i128:128-n32:64-S128-Fn32",
            "e-m:w-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128",
            // Single components llvm-as 22 accepts.
            "p1:64:64:64:32",
            "pe1:64:64",
            "pu1:64:64",
            "peu1:64:64",
            "p1(foo):64:64",
            "p(foo):32:32",
            "p1(a b):64:64",
            "p(x)(y):64:64",
            "p01:64:64",
            "p16777215:64:64",
            "i1:8:8",
            "i1:16",
            "i17:32",
            "i16777215:8",
            "i16:32768",
            "i8:8:16",
            "a:0:64",
            "a0:64",
            "a:64",
            "a:016",
            "s",
            "s0:64",
            "sfoo",
            "n8:16",
            "S128",
            "Fi8",
            "Fn32",
            "P1",
            "A5",
            "G1",
            "m:e",
            "m:l",
            "ni:1",
            "ni:1:2:3",
            "f80:128",
            "v32:32",
            "e-e-E",
        ];
        for s in accepted {
            if let Err(e) = DataLayout::parse(s) {
                panic!("LLVM 22 accepts {s:?}, we do not: {e}");
            }
        }
    }

    #[test]
    fn pointers_of_address_space_zero_only_count() {
        let cases = [
            // (layout, pointer size, ABI alignment, index bits)
            ("", 8, 8, 64),
            ("p:32:32", 4, 4, 32),
            ("p0:32:32:32:32", 4, 4, 32),
            ("p:31:8", 4, 1, 31),
            ("p:48:64:64:32", 6, 8, 32),
            ("p:64:64-p:32:16", 4, 2, 32),
            ("p1:32:32-p2:16:16", 8, 8, 64),
            (X86_64, 8, 8, 64),
        ];
        for (layout, size, align, index) in cases {
            let dl = DataLayout::parse(layout).unwrap();
            assert_eq!(
                (dl.pointer_size(), dl.pointer_align(), dl.index_bits()),
                (size, align, index),
                "{layout:?}"
            );
        }
        assert!(DataLayout::parse(X86_64).unwrap().is_little_endian());
        assert!(!DataLayout::parse("e-e-E").unwrap().is_little_endian());
        assert!(DataLayout::parse("E-e").unwrap().is_little_endian());
    }

    #[test]
    fn rejects_what_llvm_rejects_with_its_reason() {
        let rejected = [
            ("pz1:64:64", "'z' is not a valid pointer specification flag"),
            ("pE1:64:64", "'E' is not a valid pointer specification flag"),
            ("pe:64:64", "address space 0 cannot be unstable or have external state"),
            ("p1(foo):64:64-p2(foo):64:64", "address space name `foo` already used"),
            ("p1():64:64", "Expected `( address space name )`"),
            ("p1(foo:64:64", "Expected `( address space name )`"),
            ("p1(A):64:64", "Cannot use predefined address space names P/G/A in data layout"),
            ("p1x:64:64", "address space must be a 24-bit integer"),
            ("p16777216:64:64", "address space must be a 24-bit integer"),
            (
                "p1:64",
                r#"malformed specification, must be of the form "p[<n>]:<size>:<abi>[:<pref>[:<idx>]]""#,
            ),
            (
                "p-1:64:64",
                r#"malformed specification, must be of the form "p[<n>]:<size>:<abi>[:<pref>[:<idx>]]""#,
            ),
            ("p:0:64", "pointer size must be a non-zero 24-bit integer"),
            ("p:64:0", "ABI alignment must be non-zero"),
            ("p:64:64:64:128", "index size cannot be larger than the pointer size"),
            ("p:64:64:64:0", "index size must be a non-zero 24-bit integer"),
            ("i8:16", "i8 must be 8-bit aligned"),
            ("i24:24", "ABI alignment must be a power of two times the byte width"),
            ("i8:65535", "ABI alignment must be a power of two times the byte width"),
            ("i16:65536", "ABI alignment must be a 16-bit integer"),
            ("i8:8 ", "ABI alignment must be a 16-bit integer"),
            ("i0:8", "size must be a non-zero 24-bit integer"),
            ("i9999999999:8", "size must be a non-zero 24-bit integer"),
            ("i+8:8", "size must be a non-zero 24-bit integer"),
            ("i8:0", "ABI alignment must be non-zero"),
            ("i16:8:0", "preferred alignment must be non-zero"),
            ("i64:64:32", "preferred alignment cannot be less than the ABI alignment"),
            (
                "i64:64:64:64",
                r#"malformed specification, must be of the form "i<size>:<abi>[:<pref>]""#,
            ),
            ("f80:24", "ABI alignment must be a power of two times the byte width"),
            ("v0:8", "size must be a non-zero 24-bit integer"),
            ("a8:64", "size must be zero"),
            ("a", r#"malformed specification, must be of the form "a:<abi>[:<pref>]""#),
            ("a:8:16:32", r#"malformed specification, must be of the form "a:<abi>[:<pref>]""#),
            ("n", "size component cannot be empty"),
            ("n8::16", "size component cannot be empty"),
            ("n0", "size must be a non-zero 24-bit integer"),
            ("S0", "stack natural alignment must be non-zero"),
            ("S12", "stack natural alignment must be a power of two times the byte width"),
            ("Fx8", "unknown function pointer alignment type 'x'"),
            ("Fi", "ABI alignment component cannot be empty"),
            ("Fi0", "ABI alignment must be non-zero"),
            ("P", r#"malformed specification, must be of the form "P<address space>""#),
            ("A", r#"malformed specification, must be of the form "A<address space>""#),
            ("Ax", "address space must be a 24-bit integer"),
            ("A(foo)", "address space must be a 24-bit integer"),
            ("G16777216", "address space must be a 24-bit integer"),
            ("m", r#"malformed specification, must be of the form "m:<mangling>""#),
            ("m:", r#"malformed specification, must be of the form "m:<mangling>""#),
            ("m:z", "unknown mangling mode"),
            ("m:oo", "unknown mangling mode"),
            (
                "ni",
                r#"malformed specification, must be of the form "ni:<address space>[:<address space>]...""#,
            ),
            ("ni:0", "address space 0 cannot be non-integral"),
            ("ni:1:", "address space component cannot be empty"),
            ("ni:x", "address space must be a 24-bit integer"),
            ("ee", "malformed specification, must be just 'e' or 'E'"),
            ("x", "unknown specifier 'x'"),
            ("z0", "unknown specifier 'z'"),
            ("e-", "empty specification is not allowed"),
            ("-e", "empty specification is not allowed"),
        ];
        for (layout, reason) in rejected {
            match DataLayout::parse(layout) {
                Ok(_) => panic!("LLVM 22 rejects {layout:?} ({reason}); we accept it"),
                Err(e) => assert!(
                    e.ends_with(reason),
                    "{layout:?}: expected LLVM's {reason:?}, got {e:?}"
                ),
            }
        }
        let e = DataLayout::parse("e-i24:24-n8").unwrap_err();
        assert_eq!(
            e,
            "invalid data layout \"e-i24:24-n8\": specification \"i24:24\": ABI alignment must \
             be a power of two times the byte width"
        );
    }

    // --- getelementptr ------------------------------------------------------------------

    #[test]
    fn gep_offsets_match_llvm() {
        let dl = DataLayout::parse(X86_64).unwrap();
        // (source type, indices, the offset llc 22 emits as `sym+offset`)
        let cases: [(&str, &[i128], i64); 8] = [
            ("{ i8, [4 x { i16, i32 }] }", &[1, 1, 2, 1], 60),
            ("{ i8, i32, i16, double }", &[1, 3], 40),
            ("i32", &[-3], -12),
            ("<4 x i24>", &[0, 2], 6),
            ("i8", &[-1], -1),
            ("i8", &[8], 8),
            ("[2 x [3 x i16]]", &[0, 1, 2], 10),
            ("{ i8, <3 x float>, i48 }", &[-1, 2], -16),
        ];
        for (source, indices, offset) in cases {
            assert_eq!(
                dl.gep_offset(&ty(source), indices).unwrap(),
                offset,
                "{source} {indices:?}"
            );
        }
        assert_eq!(dl.gep_offset(&Type::I8, &[]).unwrap(), 0);
        // With 32-bit indices LLVM truncates 2^32 + 1 to 1 (opt 22 folds the GEP to `i32 1`).
        let dl32 = DataLayout::parse("e-p:64:64:64:32").unwrap();
        assert_eq!(dl32.gep_offset(&Type::I8, &[(1 << 32) + 1]).unwrap(), 1);
        assert_eq!(dl32.gep_offset(&Type::I8, &[-1]).unwrap(), -1);
    }

    #[test]
    fn gep_errors_name_the_problem() {
        let dl = DataLayout::parse(X86_64).unwrap();
        let e = dl.gep_offset(&ty("{ i8, i32 }"), &[0, 2]).unwrap_err();
        assert!(e.contains("selects field 2 of { i8, i32 }, which has 2 fields"), "{e}");
        assert!(dl.gep_offset(&ty("{ i8, i32 }"), &[0, -1]).is_err());
        let e = dl.gep_offset(&Type::I32, &[0, 1]).unwrap_err();
        assert!(e.contains("cannot index into i32"), "{e}");
        let e = dl.gep_offset(&ty("<8 x i1>"), &[0, 3]).unwrap_err();
        assert!(e.contains("not whole bytes"), "{e}");
    }

    // --- constant images ----------------------------------------------------------------

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

    fn float(kind: FloatKind, bits: u64) -> Constant {
        Constant::Float { kind, bits }
    }

    fn reloc(offset: u64, symbol: &str, addend: i64) -> Reloc {
        Reloc { offset, symbol: symbol.into(), addend }
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
