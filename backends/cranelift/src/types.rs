//! How canonical values are represented in CLIF. Every first-class value is a list of scalar
//! leaves: a scalar is one leaf, a vector one leaf per lane, a structure or array its members'
//! leaves in order. Each leaf lives in a Cranelift type:
//! - `iN` in the narrowest of I8/I16/I32/I64/I128 that holds it, always zero-extended (the
//!   bits above N are 0); `i1` is an I8 holding 0 or 1, which is what `icmp` yields;
//! - `float` / `double` in F32 / F64; `ptr` in I64.

use cranelift_codegen::ir::types as ct;
use opm_ir::Type;
use opm_ir::layout::DataLayout;

/// One scalar of a first-class value and where it sits in memory.
#[derive(Clone, Debug)]
pub(crate) struct Leaf {
    /// The canonical scalar type (`iN`, `float`, `double`, `ptr`).
    pub ty: Type,
    /// Its byte offset from the start of the value in memory.
    pub offset: u64,
}

/// The Cranelift integer type that holds an `iN`.
pub(crate) fn container(bits: u32) -> ct::Type {
    match bits {
        0..=8 => ct::I8,
        9..=16 => ct::I16,
        17..=32 => ct::I32,
        33..=64 => ct::I64,
        _ => ct::I128,
    }
}

/// The Cranelift type of a canonical scalar.
pub(crate) fn scalar(ty: &Type) -> Result<ct::Type, String> {
    match ty {
        Type::Int(n) if *n > opm_ir::types::NATIVE_INT_BITS => {
            Err(format!("the type `i{n}` (integers wider than 128 bits)"))
        }
        Type::Int(n) => Ok(container(*n)),
        Type::Float => Ok(ct::F32),
        Type::Double => Ok(ct::F64),
        Type::Ptr => Ok(ct::I64),
        Type::Half => Err("the type `half`".into()),
        Type::BFloat => Err("the type `bfloat`".into()),
        Type::X86Fp80 => Err("the type `x86_fp80`".into()),
        Type::Fp128 => Err("the type `fp128`".into()),
        other => Err(format!("the type `{other}` where a scalar was expected")),
    }
}

/// Why a value of type `ty` (or of a type nested in it) cannot be represented here: an
/// integer wider than 128 bits, `x86_fp80`, `fp128`.
pub(crate) fn unrepresentable(ty: &Type) -> Option<String> {
    let mut bad = None;
    ty.walk(&mut |t| {
        if bad.is_none() && matches!(t, Type::X86Fp80 | Type::Fp128 | Type::Int(_)) {
            bad = scalar(t).err();
        }
    });
    bad
}

/// The leaves of a value of type `ty`, with their offsets in memory.
pub(crate) fn leaves(layout: &DataLayout, ty: &Type) -> Result<Vec<Leaf>, String> {
    let mut out = Vec::new();
    push_leaves(layout, ty, 0, &mut out)?;
    Ok(out)
}

fn push_leaves(
    layout: &DataLayout,
    ty: &Type,
    base: u64,
    out: &mut Vec<Leaf>,
) -> Result<(), String> {
    match ty {
        Type::Void => Ok(()),
        // Wider than 128 bits: its 64-bit limbs, the last holding the remaining bits (see
        // `lower::wide`).
        Type::Int(n) if *n > opm_ir::types::NATIVE_INT_BITS => {
            let (k, r) = crate::lower::wide::limbs(*n);
            for i in 0..k {
                let bits = if i + 1 == k { r } else { 64 };
                out.push(Leaf { ty: Type::Int(bits), offset: base + 8 * i as u64 });
            }
            Ok(())
        }
        Type::Int(_)
        | Type::Float
        | Type::Double
        | Type::Ptr
        | Type::Half
        | Type::BFloat
        | Type::X86Fp80
        | Type::Fp128 => {
            scalar(ty)?;
            out.push(Leaf { ty: ty.clone(), offset: base });
            Ok(())
        }
        Type::Vector(n, elem) => {
            scalar(elem)?;
            let stride = layout.size_of(elem)?;
            for i in 0..u64::from(*n) {
                out.push(Leaf { ty: (**elem).clone(), offset: base + i * stride });
            }
            Ok(())
        }
        Type::Array(n, elem) => {
            let stride = layout.size_of(elem)?;
            for i in 0..*n {
                push_leaves(layout, elem, base + i * stride, out)?;
            }
            Ok(())
        }
        Type::Struct(st) => {
            let fields =
                st.body.as_ref().ok_or_else(|| format!("a value of the opaque type `{ty}`"))?;
            let sl = layout.struct_layout(fields, st.packed)?;
            for (f, off) in fields.iter().zip(&sl.offsets) {
                push_leaves(layout, f, base + off, out)?;
            }
            Ok(())
        }
        Type::Function(_) => Err(format!("a value of the function type `{ty}`")),
    }
}

/// How many leaves a value of type `ty` has (no layout needed).
pub(crate) fn leaf_count(ty: &Type) -> usize {
    match ty {
        Type::Void | Type::Function(_) => 0,
        Type::Vector(n, _) => *n as usize,
        Type::Array(n, elem) => *n as usize * leaf_count(elem),
        Type::Struct(st) => st.body.as_ref().map_or(0, |b| b.iter().map(leaf_count).sum()),
        Type::Int(n) if *n > opm_ir::types::NATIVE_INT_BITS => crate::lower::wide::limbs(*n).0,
        _ => 1,
    }
}

/// The leaf range and type of the member at `indices` of an aggregate of type `ty`
/// (`extractvalue` / `insertvalue`).
pub(crate) fn member_range(
    ty: &Type,
    indices: &[u32],
) -> Result<(std::ops::Range<usize>, Type), String> {
    let mut start = 0usize;
    let mut cur = ty.clone();
    for &i in indices {
        let next = match &cur {
            Type::Array(_, elem) => {
                start += i as usize * leaf_count(elem);
                (**elem).clone()
            }
            Type::Struct(st) => {
                let body = st.body.as_ref().ok_or("a member of an opaque structure")?;
                start += body.iter().take(i as usize).map(leaf_count).sum::<usize>();
                body.get(i as usize).ok_or("a member index out of range")?.clone()
            }
            other => return Err(format!("a member of the non-aggregate type `{other}`")),
        };
        cur = next;
    }
    Ok((start..start + leaf_count(&cur), cur))
}
