//! LLVM's data layout without LLVM: parses a `target datalayout` string and answers what
//! LLVM 22's `DataLayout` answers about sizes, alignments and structure offsets, and lays
//! out constant initializers as the bytes and relocations LLVM's code generator emits.
//!
//! A type has three sizes, as in LLVM: its size in bits ([`DataLayout::size_in_bits`]), its
//! store size (the bytes a store writes, [`DataLayout::store_size`]) and its alloc size (the
//! distance between consecutive array elements, [`DataLayout::size_of`]). Unsized types —
//! `void`, function types, opaque structures and aggregates containing one — have no size
//! and no alignment: every query on them returns `Err` naming the type; none panics.
//!
//! The work is split by job: `parse.rs` reads the layout string into a [`DataLayout`],
//! `sizes.rs` answers sizes, alignments and structure layouts, `gep.rs` computes
//! getelementptr offsets ([`GepPlan`]) and `image.rs` lays out constant initializers as a
//! [`ConstImage`]. This file holds the types they share.

mod gep;
mod image;
mod parse;
mod sizes;

pub use gep::GepPlan;

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

#[cfg(test)]
mod testing {
    //! What the tests of every part share: the x86-64 layout string and a reader for the
    //! LLVM type syntax their tables use.
    //!
    //! Expected values in those tests are LLVM 22's own answers, not derived from the code
    //! under test; each test module says where its answers come from.

    use crate::types::{StructType, Type};

    /// clang 22's and rustc's layout for x86_64 Linux.
    pub(super) const X86_64: &str =
        "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128";

    // --- a reader for the LLVM type syntax used in the tables -------------------------

    /// `i17`, `half`, `ptr`, `[3 x T]`, `<4 x T>`, `{ T, T }`, `<{ T }>`.
    pub(super) fn ty(text: &str) -> Type {
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
}
