//! Constant getelementptr offsets: what a getelementptr adds to its base address
//! ([`GepPlan`], [`DataLayout::gep_offset`]).

use super::DataLayout;
use crate::types::Type;
use crate::value::{mask, sign_extend};

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

#[cfg(test)]
mod tests {
    //! Expected offsets are what `llc` 22 emits for globals initialized with these
    //! getelementptrs on x86_64-unknown-linux-gnu, not derived from the code under test.

    use super::*;
    use crate::layout::testing::{X86_64, ty};

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
}
