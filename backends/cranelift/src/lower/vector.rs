//! Vectors kept whole (`vectors=native`). In a function whose every vector has a [`Shape`]
//! and whose every vector operation has a native form here, a vector lives in SIMD
//! registers: one 128-bit CLIF value of type I8X16 … F64X2 per 128 bits of lanes. A vector
//! narrower than 128 bits (`<4 x i8>`, `<2 x float>` …) sits in the low lanes of one such
//! value, the lanes above it undefined; a wider one (`<8 x i32>`, `<4 x double>` …) is two or
//! four of them, lane i in part i / L at lane i % L (L lanes to a part). `<N x i1>` is a
//! lane mask (every bit of a lane set or clear), which is what Cranelift's vector compares
//! produce: in the 128-bit type with N lanes for N of 2, 4, 8 or 16, in bytes for 32 and 64.
//! A compare of vectors of other lane widths, and a select on data of other lane widths,
//! change a mask's lane width with the native widening and narrowing instructions
//! (`swiden_low`/`swiden_high`, `snarrow`), as do integer extensions and truncations and
//! conversions between integers and floats of different widths.
//!
//! Any other function has its vectors split into lanes (see [`crate::types`]). Splitting only
//! part of a function would take vectors apart and rebuild them around every split
//! operation, which measured slower than either way.

use super::scalar::{float_cc, int_cc};
use super::{FnLower, Lowered};
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{
    ConstantData, Endianness, InstBuilder, MemFlagsData, Value, types as ct,
};
use opm_ir::{BinOp, CastOp, Constant, Function, Inst, Op, Operand, Type};

/// How a vector kept whole is held: `parts` CLIF values of the 128-bit type `part`, the
/// canonical vector's `lanes` lanes in order from the low lanes of the first part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Shape {
    pub(crate) part: ct::Type,
    pub(crate) parts: usize,
    pub(crate) lanes: usize,
    /// A vector of `i1`: a lane mask.
    pub(crate) mask: bool,
}

impl Shape {
    fn lane_bits(self) -> u32 {
        self.part.lane_bits()
    }

    /// Lanes to a part.
    fn per_part(self) -> usize {
        self.part.lane_count() as usize
    }

    /// Every lane of every part is one of the vector's.
    fn full(self) -> bool {
        self.lanes >= self.per_part()
    }

    /// The part and the lane in it of lane `i`.
    fn place(self, i: usize) -> (usize, u8) {
        (i / self.per_part(), (i % self.per_part()) as u8)
    }

    /// The vector's size in memory, in bytes (not for masks, which memory bit-packs).
    fn bytes(self) -> usize {
        self.lanes * self.lane_bits() as usize / 8
    }
}

/// The shape of `lanes` lanes of the CLIF type `lane`: sizes from 16 to 512 bits, a power of
/// two.
fn lanes_of(lane: ct::Type, lanes: usize, mask: bool) -> Option<Shape> {
    let total = lanes * lane.bits() as usize;
    if lanes < 2 || !total.is_power_of_two() || !(16..=512).contains(&total) {
        return None;
    }
    let part = lane.by(128 / lane.bits())?;
    Some(Shape { part, parts: total.div_ceil(128), lanes, mask })
}

/// How a vector of type `ty` is kept whole, if it can be.
pub(crate) fn shape(ty: &Type) -> Option<Shape> {
    let Type::Vector(n, elem) = ty else { return None };
    let n = *n as usize;
    let (lane, mask) = match &**elem {
        Type::Int(1) => {
            let bits = match n {
                2 | 4 | 8 | 16 => 128 / n,
                32 | 64 => 8,
                _ => return None,
            };
            (ct::Type::int(u16::try_from(bits).ok()?)?, true)
        }
        Type::Int(b @ (8 | 16 | 32 | 64)) => (ct::Type::int(u16::try_from(*b).ok()?)?, false),
        Type::Float => (ct::F32, false),
        Type::Double => (ct::F64, false),
        Type::Ptr => (ct::I64, false),
        _ => return None,
    };
    lanes_of(lane, n, mask)
}

/// Whether `ty` is a vector of `i1` (a lane mask when kept whole).
fn is_mask(ty: &Type) -> bool {
    matches!(ty, Type::Vector(_, elem) if **elem == Type::Int(1))
}

/// Whether `ty` is or holds a vector.
fn has_vector(ty: &Type) -> bool {
    let mut found = false;
    ty.walk(&mut |t| found |= matches!(t, Type::Vector(..)));
    found
}

/// The width in bits of a scalar that a vector may be bitcast to or from: an integer of 16,
/// 32 or 64 bits, a float or a double.
fn scalar_bits(ty: &Type) -> Option<usize> {
    match ty {
        Type::Int(b @ (16 | 32 | 64)) => Some(*b as usize),
        Type::Float => Some(32),
        Type::Double => Some(64),
        _ => None,
    }
}

/// Whether `f` keeps its vectors whole under `vectors=native`: it has vectors, every type
/// holding one is a vector with a [`shape`], and every instruction on one has a native form
/// here. Vector parameters and results (the ABI passes lanes) do not fit.
pub(crate) fn native_vectors_fit(f: &Function) -> bool {
    if f.ty.params.iter().chain(std::iter::once(&f.ty.ret)).any(has_vector) {
        return false;
    }
    let types = f.value_types();
    let ty_of = |op: &Operand| match op {
        Operand::Value(v) => types.get(v).cloned(),
        Operand::Const(c) => Some(c.ty()),
    };
    let fused = opm_backend::intrinsic::fuses_fmuladd(f);
    let mut any = false;
    for inst in f.blocks.iter().flat_map(|b| &b.insts) {
        let operands = inst.op.operands();
        let mut involved = vec![inst.ty.clone()];
        for op in &operands {
            match ty_of(op) {
                Some(t) => involved.push(t),
                None => return false,
            }
        }
        if !involved.iter().any(has_vector) {
            continue;
        }
        any = true;
        if involved.iter().any(|t| has_vector(t) && shape(t).is_none()) {
            return false;
        }
        let constants_fit = operands.iter().filter_map(|op| op.as_const()).all(|c| {
            shape(&c.ty()).is_none()
                || match c {
                    Constant::Zero(_) | Constant::Undef(_) | Constant::Poison(_) => true,
                    Constant::Vector(elems) => elems.iter().all(|e| {
                        matches!(
                            e,
                            Constant::Int { .. }
                                | Constant::Float { .. }
                                | Constant::Undef(_)
                                | Constant::Poison(_)
                        )
                    }),
                    _ => false,
                }
        });
        if !constants_fit || !op_fits(inst, &|op| ty_of(op).unwrap_or(Type::Void), fused) {
            return false;
        }
    }
    any
}

/// Whether the vector instruction `inst` has a native form (`fused`: `llvm.fmuladd` rounds
/// once, which only the C library's `fma` does for every processor, lane by lane).
fn op_fits(inst: &Inst, ty_of: &dyn Fn(&Operand) -> Type, fused: bool) -> bool {
    let lane_bits = |t: &Type| shape(t).map_or(0, |s| s.lane_bits());
    let int_lanes = |t: &Type| t.scalar().is_int() && !is_mask(t) && shape(t).is_some();
    match &inst.op {
        Op::Bin { op, lhs, rhs, .. } => {
            let t = ty_of(lhs);
            let int = int_lanes(&t);
            match op {
                BinOp::And | BinOp::Or | BinOp::Xor => true,
                BinOp::Add | BinOp::Sub => int,
                BinOp::Mul => int,
                BinOp::Shl | BinOp::LShr | BinOp::AShr => int && splat_amount(rhs).is_some(),
                BinOp::FAdd | BinOp::FSub | BinOp::FMul | BinOp::FDiv => true,
                _ => false,
            }
        }
        Op::FNeg { .. } | Op::ICmp { .. } | Op::FCmp { .. } | Op::Select { .. } => true,
        Op::Cast { op, val, .. } => {
            let (from, to) = (ty_of(val), inst.ty.clone());
            let same_lanes = from.vector_len().is_some() && from.vector_len() == to.vector_len();
            let (fs, ts) = (shape(&from), shape(&to));
            let float_bits = |t: &Type| match t.scalar() {
                Type::Float => 32,
                Type::Double => 64,
                _ => 0,
            };
            match op {
                CastOp::BitCast => match (fs, ts) {
                    (Some(f), Some(t)) => {
                        !f.mask && !t.mask && f.parts == t.parts && f.bytes() == t.bytes()
                    }
                    (Some(f), None) if f.mask => to.int_bits() == u32::try_from(f.lanes).ok(),
                    (Some(f), None) => {
                        f.parts == 1 && scalar_bits(&to).is_some_and(|b| b == f.bytes() * 8)
                    }
                    (None, Some(t)) => {
                        !t.mask && scalar_bits(&from).is_some_and(|b| b == t.bytes() * 8)
                    }
                    (None, None) => false,
                },
                CastOp::ZExt | CastOp::SExt => {
                    same_lanes
                        && int_lanes(&to)
                        && (is_mask(&from) || int_lanes(&from) && lane_bits(&from) < lane_bits(&to))
                }
                CastOp::Trunc => {
                    same_lanes
                        && int_lanes(&from)
                        && (is_mask(&to) || int_lanes(&to) && lane_bits(&from) > lane_bits(&to))
                }
                CastOp::SIToFP | CastOp::UIToFP => {
                    same_lanes
                        && int_lanes(&from)
                        && (lane_bits(&from) <= 32 && float_bits(&to) > 0
                            || lane_bits(&from) == 64 && float_bits(&to) == 64)
                }
                // Saturating conversions of 32-bit lanes, and x86's own of doubles to 32-bit
                // lanes (every result in range fits them): out of range is poison in LLVM.
                CastOp::FPToSI | CastOp::FPToUI => {
                    let fits = match float_bits(&from) {
                        32 => lane_bits(&to) <= 32,
                        64 => lane_bits(&to) < 32 || *op == CastOp::FPToSI && lane_bits(&to) == 32,
                        _ => false,
                    };
                    same_lanes && int_lanes(&to) && fits
                }
                CastOp::FPExt | CastOp::FPTrunc => same_lanes && ts.is_some(),
                _ => false,
            }
        }
        // A mask in memory is bit-packed, not a lane mask: split into lanes (see `memory`).
        Op::Load { .. } => !is_mask(&inst.ty),
        Op::Store { val, .. } => !is_mask(&ty_of(val)),
        Op::Phi { .. } | Op::Freeze { .. } => true,
        Op::ExtractElement { vec, index } | Op::InsertElement { vec, index, .. } => {
            let lanes = ty_of(vec).vector_len().unwrap_or(0);
            const_index(index).is_some_and(|i| i < lanes as usize)
        }
        // Lanes move between parts of one lane width.
        Op::ShuffleVector { a, .. } => lane_bits(&ty_of(a)) == lane_bits(&inst.ty),
        Op::Call(c) => {
            let Some(name) = c.callee_name().filter(|n| n.starts_with("llvm.")) else {
                return false;
            };
            let arg = c.args.first().map(ty_of).unwrap_or(Type::Void);
            let int = int_lanes(&arg);
            match opm_ir::intrinsic::base_name(name) {
                "fmuladd" => arg.scalar().is_float() && !fused,
                "fabs" | "sqrt" => arg.scalar().is_float(),
                "smin" | "smax" | "umin" | "umax" | "abs" => int,
                "sadd.sat" | "uadd.sat" | "ssub.sat" | "usub.sat" => int && lane_bits(&arg) <= 16,
                base => base.starts_with("vector.reduce."),
            }
        }
        _ => false,
    }
}

/// A lane index that is a non-negative constant.
fn const_index(index: &Operand) -> Option<usize> {
    index.as_const().and_then(Constant::as_signed).and_then(|i| usize::try_from(i).ok())
}

/// The shift amount of a vector shift whose every lane shifts by the same constant.
fn splat_amount(rhs: &Operand) -> Option<u128> {
    rhs.as_const()?.uniform_int().map(|(_, value)| value)
}

/// Flags for a `bitcast` between vector types: lanes are numbered as in memory.
pub(crate) fn little() -> MemFlagsData {
    MemFlagsData::new().with_endianness(Endianness::Little)
}

/// The 128-bit integer vector type of lanes of `bits` bits.
fn int_part(bits: u32) -> ct::Type {
    match bits {
        8 => ct::I8X16,
        16 => ct::I16X8,
        32 => ct::I32X4,
        _ => ct::I64X2,
    }
}

impl FnLower<'_, '_> {
    /// The shape of `ty` when this function keeps vectors whole and `ty` is one.
    pub(crate) fn whole(&self, ty: &Type) -> Option<Shape> {
        if self.native { shape(ty) } else { None }
    }

    /// Whether `inst` works on a vector kept whole (and is lowered here).
    pub(crate) fn on_whole_vectors(&self, inst: &Inst) -> bool {
        self.native
            && (shape(&inst.ty).is_some()
                || inst
                    .op
                    .operands()
                    .iter()
                    .any(|op| self.operand_type(op).is_ok_and(|t| shape(&t).is_some())))
    }

    /// A vector constant kept whole: its parts.
    pub(crate) fn vector_constant(&mut self, c: &Constant, sh: Shape) -> Lowered<Vec<Value>> {
        let lane_bytes = (sh.lane_bits() / 8) as usize;
        let mut bytes = vec![vec![0u8; 16]; sh.parts];
        if let Constant::Vector(elems) = c {
            for (i, e) in elems.iter().enumerate() {
                let bits: u128 = match e {
                    Constant::Int { value, .. } if sh.mask => {
                        if value & 1 == 1 {
                            u128::MAX
                        } else {
                            0
                        }
                    }
                    Constant::Int { value, .. } => *value,
                    Constant::Float { bits, .. } => *bits,
                    Constant::Undef(_) | Constant::Poison(_) => 0,
                    other => return Err(format!("the vector constant element `{other:?}`")),
                };
                let (p, l) = sh.place(i);
                let at = l as usize * lane_bytes;
                let le = bits.to_le_bytes();
                bytes[p][at..at + lane_bytes].copy_from_slice(&le[..lane_bytes]);
            }
        }
        Ok(bytes.into_iter().map(|b| self.vconst(sh.part, b)).collect())
    }

    fn vconst(&mut self, cty: ct::Type, bytes: Vec<u8>) -> Value {
        let handle = self.b.func.dfg.constants.insert(ConstantData::from(bytes));
        self.b.ins().vconst(cty, handle)
    }

    /// A vector of type `cty` with every lane `value` (an integer lane type).
    fn splat_const(&mut self, cty: ct::Type, value: u128) -> Value {
        let lane_bytes = (cty.lane_bits() / 8) as usize;
        let le = value.to_le_bytes();
        let bytes = (0..16).map(|i| le[i % lane_bytes]).collect();
        self.vconst(cty, bytes)
    }

    /// The shape of a vector operand.
    fn shape_of(&self, op: &Operand) -> Lowered<Shape> {
        let ty = self.operand_type(op)?;
        shape(&ty).ok_or_else(|| format!("the vector type `{ty}` kept whole"))
    }

    /// The parts of a vector operand kept whole.
    fn parts(&mut self, op: &Operand) -> Lowered<Vec<Value>> {
        let sh = self.shape_of(op)?;
        let v = self.operand(op)?;
        if v.len() != sh.parts {
            return Err("a vector in lanes where a whole vector was expected".into());
        }
        Ok(v)
    }

    /// Lane `i` of a vector of shape `sh`, as a leaf (an `i1` lane is 0/1).
    fn lane(&mut self, parts: &[Value], sh: Shape, i: usize) -> Value {
        let (p, l) = sh.place(i);
        let x = self.b.ins().extractlane(parts[p], l);
        if sh.mask {
            let one = self.b.ins().band_imm_u(x, 1);
            let t = self.b.func.dfg.value_type(one);
            return if t == ct::I8 { one } else { self.b.ins().ireduce(ct::I8, one) };
        }
        x
    }

    /// A leaf made a lane of a vector of shape `sh` (an `i1` becomes 0 or -1).
    fn lane_of(&mut self, x: Value, sh: Shape) -> Value {
        if !sh.mask {
            return x;
        }
        let lane = sh.part.lane_type();
        let wide = if lane == ct::I8 { x } else { self.b.ins().uextend(lane, x) };
        self.b.ins().ineg(wide)
    }

    /// `n` integer lanes of `from` bits (in `parts`) widened to `to` bits, sign- or
    /// zero-extended, or narrowed to `to` bits when every lane's value fits them as a
    /// signed number (a lane mask does): the native widening and narrowing instructions,
    /// one halving or doubling at a time.
    fn resize_lanes(
        &mut self,
        mut parts: Vec<Value>,
        n: usize,
        from: u32,
        to: u32,
        signed: bool,
    ) -> Vec<Value> {
        let mut w = from;
        while w < to {
            let count = (n * 2 * w as usize).div_ceil(128);
            let mut out = Vec::with_capacity(count);
            for j in 0..count {
                let src = parts[j / 2];
                let i = self.b.ins();
                out.push(match (j % 2 == 0, signed) {
                    (true, true) => i.swiden_low(src),
                    (false, true) => i.swiden_high(src),
                    (true, false) => i.uwiden_low(src),
                    (false, false) => i.uwiden_high(src),
                });
            }
            parts = out;
            w *= 2;
        }
        while w > to {
            parts = self.halve(&parts, n, w, |lo, a, b| match w {
                64 => lo.pick_even_32(a, b),
                _ => lo.b.ins().snarrow(a, b),
            });
            w /= 2;
        }
        parts
    }

    /// `n` integer lanes of `from` bits truncated to `to` bits (their low bits): each lane
    /// first made to fit the narrower lane as a number the saturating narrowing keeps
    /// (the low byte zero-extended for `packuswb`, the low 16 bits sign-extended for
    /// `packssdw`), and 64-bit lanes by a shuffle of their low halves.
    fn truncate(&mut self, mut parts: Vec<Value>, n: usize, from: u32, to: u32) -> Vec<Value> {
        let mut w = from;
        while w > to {
            parts = self.halve(&parts, n, w, |lo, a, b| match w {
                16 => {
                    let low = lo.splat_const(ct::I16X8, 0xff);
                    let a = lo.b.ins().band(a, low);
                    let b = if a == b { a } else { lo.b.ins().band(b, low) };
                    lo.b.ins().unarrow(a, b)
                }
                32 => {
                    let fit = |lo: &mut Self, x: Value| {
                        let k = lo.b.ins().iconst(ct::I32, 16);
                        let up = lo.b.ins().ishl(x, k);
                        lo.b.ins().sshr(up, k)
                    };
                    let a2 = fit(lo, a);
                    let b2 = if a == b { a2 } else { fit(lo, b) };
                    lo.b.ins().snarrow(a2, b2)
                }
                _ => lo.pick_even_32(a, b),
            });
            w /= 2;
        }
        parts
    }

    /// One narrowing step of `n` lanes of `w` bits: each part of the result from two parts
    /// of the source (`narrow` of the low and the high one; a single part twice).
    fn halve(
        &mut self,
        parts: &[Value],
        n: usize,
        w: u32,
        mut narrow: impl FnMut(&mut Self, Value, Value) -> Value,
    ) -> Vec<Value> {
        let count = (n * (w / 2) as usize).div_ceil(128);
        (0..count)
            .map(|k| {
                let a = parts[2 * k];
                let b = parts.get(2 * k + 1).copied().unwrap_or(a);
                narrow(self, a, b)
            })
            .collect()
    }

    /// The low 32 bits of each 64-bit lane of `a` then of `b`, as an I32X4 (`shufps`).
    fn pick_even_32(&mut self, a: Value, b: Value) -> Value {
        let a = self.b.ins().bitcast(ct::I32X4, little(), a);
        let b = self.b.ins().bitcast(ct::I32X4, little(), b);
        self.shuffle_two(a, b, &[Some(0), Some(2), Some(4), Some(6)])
    }

    /// A lane mask of `n` lanes of `from` bits, as a mask of `to` bits per lane.
    fn mask_to(&mut self, parts: Vec<Value>, n: usize, from: u32, to: u32) -> Vec<Value> {
        self.resize_lanes(parts, n, from, to, true)
    }

    /// Lowers an instruction on vectors kept whole.
    pub(crate) fn vector_inst(&mut self, inst: &Inst) -> Lowered<()> {
        let r: Vec<Value> = match &inst.op {
            Op::Bin { op: op @ (BinOp::Shl | BinOp::LShr | BinOp::AShr), lhs, rhs, .. } => {
                let a = self.parts(lhs)?;
                let amount = splat_amount(rhs).ok_or("a vector shift by lanes")?;
                let mut r = Vec::with_capacity(a.len());
                for x in a {
                    let cty = self.b.func.dfg.value_type(x);
                    r.push(if amount >= u128::from(cty.lane_bits()) {
                        // Poison in LLVM: any value will do.
                        self.splat_const(cty, 0)
                    } else {
                        let k = self.b.ins().iconst(ct::I32, amount as i64);
                        match op {
                            BinOp::Shl => self.b.ins().ishl(x, k),
                            BinOp::LShr => self.b.ins().ushr(x, k),
                            _ => self.b.ins().sshr(x, k),
                        }
                    });
                }
                r
            }
            Op::Bin { op: BinOp::Mul, lhs, rhs, .. } if self.shape_of(lhs)?.lane_bits() == 8 => {
                // x86 multiplies no bytes: each half widened to 16 bits, multiplied, and the
                // low bytes packed back.
                let (a, b) = (self.parts(lhs)?, self.parts(rhs)?);
                let mut r = Vec::with_capacity(a.len());
                for (x, y) in a.into_iter().zip(b) {
                    let lo = self.b.ins().uwiden_low(x);
                    let lo_y = self.b.ins().uwiden_low(y);
                    let lo = self.b.ins().imul(lo, lo_y);
                    let hi = self.b.ins().uwiden_high(x);
                    let hi_y = self.b.ins().uwiden_high(y);
                    let hi = self.b.ins().imul(hi, hi_y);
                    r.extend(self.truncate(vec![lo, hi], 16, 16, 8));
                }
                r
            }
            Op::Bin { op, lhs, rhs, .. } => {
                let (a, b) = (self.parts(lhs)?, self.parts(rhs)?);
                let mut r = Vec::with_capacity(a.len());
                for (x, y) in a.into_iter().zip(b) {
                    let i = self.b.ins();
                    r.push(match op {
                        BinOp::Add => i.iadd(x, y),
                        BinOp::Sub => i.isub(x, y),
                        BinOp::Mul => i.imul(x, y),
                        BinOp::And => i.band(x, y),
                        BinOp::Or => i.bor(x, y),
                        BinOp::Xor => i.bxor(x, y),
                        BinOp::FAdd => i.fadd(x, y),
                        BinOp::FSub => i.fsub(x, y),
                        BinOp::FMul => i.fmul(x, y),
                        BinOp::FDiv => i.fdiv(x, y),
                        other => return Err(format!("`{}` on whole vectors", other.name())),
                    });
                }
                r
            }
            Op::FNeg { val, .. } => {
                let v = self.parts(val)?;
                v.into_iter().map(|x| self.b.ins().fneg(x)).collect()
            }
            Op::ICmp { pred, lhs, rhs, .. } => {
                let sh = self.shape_of(lhs)?;
                let (a, b) = (self.parts(lhs)?, self.parts(rhs)?);
                let m = a.into_iter().zip(b).map(|(x, y)| self.b.ins().icmp(int_cc(*pred), x, y));
                let m: Vec<Value> = m.collect();
                self.compare_mask(m, sh, &inst.ty)?
            }
            Op::FCmp { pred, lhs, rhs, .. } => {
                let sh = self.shape_of(lhs)?;
                let (a, b) = (self.parts(lhs)?, self.parts(rhs)?);
                let mask_ty = sh.part.as_int();
                let mut m = Vec::with_capacity(a.len());
                for (x, y) in a.into_iter().zip(b) {
                    m.push(match float_cc(*pred) {
                        Ok(cc) => self.b.ins().fcmp(cc, x, y),
                        Err(all) => self.splat_const(mask_ty, if all { u128::MAX } else { 0 }),
                    });
                }
                self.compare_mask(m, sh, &inst.ty)?
            }
            Op::Select { cond, then_val, else_val, .. } => {
                let sh = shape(&inst.ty).ok_or("a select of a split vector")?;
                let (t, e) = (self.parts(then_val)?, self.parts(else_val)?);
                if self.operand_type(cond)?.vector_len().is_some() {
                    let ms = self.shape_of(cond)?;
                    let m = self.parts(cond)?;
                    let m = self.mask_to(m, ms.lanes, ms.lane_bits(), sh.lane_bits());
                    let mut r = Vec::with_capacity(t.len());
                    for ((m, x), y) in m.into_iter().zip(t).zip(e) {
                        let m = if self.b.func.dfg.value_type(m) == sh.part {
                            m
                        } else {
                            self.b.ins().bitcast(sh.part, little(), m)
                        };
                        r.push(self.b.ins().bitselect(m, x, y));
                    }
                    r
                } else {
                    let c = self.scalar_operand(cond)?;
                    t.into_iter().zip(e).map(|(x, y)| self.b.ins().select(c, x, y)).collect()
                }
            }
            Op::Cast { op, val, .. } => self.vector_cast(*op, val, &inst.ty)?,
            Op::Load { ptr, .. } => {
                let sh = shape(&inst.ty).ok_or("a load of a split vector")?;
                let addr = self.scalar_operand(ptr)?;
                self.vector_load(sh, addr)
            }
            Op::Store { val, ptr, .. } => {
                let sh = self.shape_of(val)?;
                let v = self.parts(val)?;
                let addr = self.scalar_operand(ptr)?;
                self.vector_store(sh, &v, addr);
                return Ok(());
            }
            Op::Phi { .. } => return Ok(()),
            Op::Freeze { val } => self.parts(val)?,
            Op::ExtractElement { vec, index } => {
                let sh = self.shape_of(vec)?;
                let v = self.parts(vec)?;
                let i = const_index(index).ok_or("a variable lane index")?;
                vec![self.lane(&v, sh, i)]
            }
            Op::InsertElement { vec, val, index } => {
                let sh = self.shape_of(vec)?;
                let x = self.scalar_operand(val)?;
                let x = self.lane_of(x, sh);
                let i = const_index(index).ok_or("a variable lane index")?;
                let (p, l) = sh.place(i);
                let into_nothing =
                    matches!(vec.as_const(), Some(Constant::Poison(_) | Constant::Undef(_)));
                if into_nothing && l == 0 {
                    // The other lanes are poison: a move into the vector register will do
                    // (x86 moves 32 or 64 bits), and any part will do for the others.
                    let v = if sh.lane_bits() >= 32 {
                        self.b.ins().scalar_to_vector(sh.part, x)
                    } else {
                        let wide = self.b.ins().uextend(ct::I32, x);
                        let v = self.b.ins().scalar_to_vector(ct::I32X4, wide);
                        self.b.ins().bitcast(sh.part, little(), v)
                    };
                    vec![v; sh.parts]
                } else {
                    let mut v = self.parts(vec)?;
                    v[p] = self.b.ins().insertlane(v[p], x, l);
                    v
                }
            }
            Op::ShuffleVector { a, b, mask } => {
                let (sa, sr) = (self.shape_of(a)?, shape(&inst.ty).ok_or("a shuffle result")?);
                let (a, b) = (self.parts(a)?, self.parts(b)?);
                self.shuffle_vector(&a, &b, sa, sr, mask)
            }
            Op::Call(c) => return self.vector_call(inst, c),
            _ => return Err(format!("`{}` on whole vectors", inst.op.opcode_name())),
        };
        self.define(inst, r);
        Ok(())
    }

    /// The mask `m` that a compare of vectors of shape `sh` gave (lanes of `sh`'s width), as
    /// the `<N x i1>` of type `ty` is kept.
    fn compare_mask(&mut self, m: Vec<Value>, sh: Shape, ty: &Type) -> Lowered<Vec<Value>> {
        let rs = shape(ty).ok_or("a compare's result mask")?;
        Ok(self.mask_to(m, sh.lanes, sh.lane_bits(), rs.lane_bits()))
    }

    /// A load of a vector of shape `sh` from `addr`: a 128-bit load per part, or one scalar
    /// load of a narrower vector's bytes into the low lanes.
    fn vector_load(&mut self, sh: Shape, addr: Value) -> Vec<Value> {
        let bytes = sh.bytes();
        if bytes >= 16 {
            return (0..sh.parts)
                .map(|k| self.b.ins().load(sh.part, MemFlagsData::new(), addr, 16 * k as i32))
                .collect();
        }
        let (sty, vty) = match bytes {
            8 => (ct::I64, ct::I64X2),
            4 => (ct::I32, ct::I32X4),
            _ => (ct::I16, ct::I32X4),
        };
        let mut x = self.b.ins().load(sty, MemFlagsData::new(), addr, 0);
        if sty == ct::I16 {
            x = self.b.ins().uextend(ct::I32, x);
        }
        let v = self.b.ins().scalar_to_vector(vty, x);
        vec![self.b.ins().bitcast(sh.part, little(), v)]
    }

    /// A store of a vector of shape `sh` (its parts `v`) to `addr`: the bytes it has and no
    /// more.
    fn vector_store(&mut self, sh: Shape, v: &[Value], addr: Value) {
        let bytes = sh.bytes();
        if bytes >= 16 {
            for (k, &x) in v.iter().enumerate() {
                self.b.ins().store(MemFlagsData::new(), x, addr, 16 * k as i32);
            }
            return;
        }
        let vty = if bytes == 8 { ct::I64X2 } else { ct::I32X4 };
        let w = self.b.ins().bitcast(vty, little(), v[0]);
        let mut x = self.b.ins().extractlane(w, 0);
        if bytes == 2 {
            x = self.b.ins().ireduce(ct::I16, x);
        }
        self.b.ins().store(MemFlagsData::new(), x, addr, 0);
    }

    /// A conversion to or from a vector kept whole.
    fn vector_cast(&mut self, op: CastOp, val: &Operand, to: &Type) -> Lowered<Vec<Value>> {
        let from = self.operand_type(val)?;
        let fs = shape(&from);
        let ts = shape(to);
        if op == CastOp::BitCast {
            return self.vector_bitcast(val, &from, to);
        }
        let (Some(fs), Some(ts)) = (fs, ts) else {
            return Err(format!("`{}` from `{from}` to `{to}`", op.name()));
        };
        let v = self.parts(val)?;
        let n = fs.lanes;
        let (fb, tb) = (fs.lane_bits(), ts.lane_bits());
        Ok(match op {
            CastOp::SExt | CastOp::ZExt if fs.mask => {
                let m = self.mask_to(v, n, fb, tb);
                if op == CastOp::SExt {
                    m
                } else {
                    m.into_iter()
                        .map(|x| {
                            let one = self.splat_const(ts.part, 1);
                            self.b.ins().band(x, one)
                        })
                        .collect()
                }
            }
            CastOp::SExt => self.resize_lanes(v, n, fb, tb, true),
            CastOp::ZExt => self.resize_lanes(v, n, fb, tb, false),
            CastOp::Trunc if ts.mask => {
                let mut m = Vec::with_capacity(v.len());
                for x in v {
                    let one = self.splat_const(fs.part, 1);
                    let low = self.b.ins().band(x, one);
                    let zero = self.splat_const(fs.part, 0);
                    m.push(self.b.ins().icmp(IntCC::NotEqual, low, zero));
                }
                self.mask_to(m, n, fb, tb)
            }
            CastOp::Trunc => self.truncate(v, n, fb, tb),
            CastOp::SIToFP | CastOp::UIToFP => {
                let signed = op == CastOp::SIToFP;
                if tb == 32 || fb == 64 {
                    let ints = self.resize_lanes(v, n, fb, tb, signed);
                    ints.into_iter()
                        .map(|x| {
                            if signed {
                                self.b.ins().fcvt_from_sint(ts.part, x)
                            } else {
                                self.b.ins().fcvt_from_uint(ts.part, x)
                            }
                        })
                        .collect()
                } else {
                    // To doubles from lanes of up to 32 bits: 32-bit lanes, then each pair
                    // widened and converted (`cvtdq2pd`).
                    let ints = self.resize_lanes(v, n, fb, 32, signed);
                    let mut r = Vec::with_capacity(ts.parts);
                    for j in 0..ts.parts {
                        let mut src = ints[j / 2];
                        if j % 2 == 1 {
                            src = self.shuffle_two(src, src, &[Some(2), Some(3), None, None]);
                        }
                        let wide = if signed {
                            self.b.ins().swiden_low(src)
                        } else {
                            self.b.ins().uwiden_low(src)
                        };
                        r.push(if signed {
                            self.b.ins().fcvt_from_sint(ct::F64X2, wide)
                        } else {
                            self.b.ins().fcvt_from_uint(ct::F64X2, wide)
                        });
                    }
                    r
                }
            }
            CastOp::FPToSI | CastOp::FPToUI if fb == 64 => {
                // `cvttpd2dq`: two doubles to the low lanes of an I32X4, x86's answer out of
                // range one of the poison values LLVM allows; then two parts into one.
                if !self.cx.is_x86_64() {
                    return Err(format!("`{}` from `{from}` to `{to}`", op.name()));
                }
                let mut halves = Vec::with_capacity(v.len());
                for x in v {
                    let wide = self.b.ins().x86_cvtt2dq(ct::I64X2, x);
                    let zero = self.splat_const(ct::I64X2, 0);
                    halves.push(self.b.ins().snarrow(wide, zero));
                }
                let ints: Vec<Value> = (0..halves.len().div_ceil(2))
                    .map(|k| match halves.get(2 * k + 1) {
                        Some(&b) => {
                            let a = halves[2 * k];
                            self.shuffle_two(a, b, &[Some(0), Some(1), Some(4), Some(5)])
                        }
                        None => halves[2 * k],
                    })
                    .collect();
                self.truncate(ints, n, 32, tb)
            }
            CastOp::FPToSI | CastOp::FPToUI => {
                // Out of range is poison in LLVM; saturating is one of its values.
                let ints: Vec<Value> = v
                    .into_iter()
                    .map(|x| {
                        if op == CastOp::FPToSI {
                            self.b.ins().fcvt_to_sint_sat(ct::I32X4, x)
                        } else {
                            self.b.ins().fcvt_to_uint_sat(ct::I32X4, x)
                        }
                    })
                    .collect();
                self.truncate(ints, n, 32, tb)
            }
            CastOp::FPExt => {
                let mut r = Vec::with_capacity(ts.parts);
                for j in 0..ts.parts {
                    let mut src = v[j / 2];
                    if j % 2 == 1 {
                        src = self.shuffle_two(src, src, &[Some(2), Some(3), None, None]);
                    }
                    r.push(self.b.ins().fvpromote_low(src));
                }
                r
            }
            CastOp::FPTrunc => {
                let demoted: Vec<Value> = v.into_iter().map(|x| self.b.ins().fvdemote(x)).collect();
                let mut r = Vec::with_capacity(ts.parts);
                for k in 0..ts.parts {
                    let a = demoted[2 * k];
                    r.push(match demoted.get(2 * k + 1) {
                        Some(&b) => self.shuffle_two(a, b, &[Some(0), Some(1), Some(4), Some(5)]),
                        None => a,
                    });
                }
                r
            }
            _ => return Err(format!("`{}` from `{from}` to `{to}`", op.name())),
        })
    }

    /// A `bitcast` to, from or between vectors kept whole.
    fn vector_bitcast(&mut self, val: &Operand, from: &Type, to: &Type) -> Lowered<Vec<Value>> {
        match (shape(from), shape(to)) {
            (Some(_), Some(ts)) => {
                let v = self.parts(val)?;
                Ok(v.into_iter()
                    .map(|x| {
                        if self.b.func.dfg.value_type(x) == ts.part {
                            x
                        } else {
                            self.b.ins().bitcast(ts.part, little(), x)
                        }
                    })
                    .collect())
            }
            (Some(fs), None) if fs.mask => {
                // `<N x i1>` to `iN`: the top bit of each lane, 16 lanes a part at most.
                let v = self.parts(val)?;
                let rty = crate::types::container(u32::try_from(fs.lanes).unwrap_or(64));
                if let [x] = v.as_slice() {
                    return Ok(vec![self.b.ins().vhigh_bits(rty, *x)]);
                }
                let mut acc = None;
                for (k, x) in v.into_iter().enumerate() {
                    let bits = self.b.ins().vhigh_bits(rty, x);
                    let shifted = if k == 0 {
                        bits
                    } else {
                        let s = self.b.ins().iconst(ct::I32, 16 * k as i64);
                        self.b.ins().ishl(bits, s)
                    };
                    acc = Some(match acc {
                        None => shifted,
                        Some(a) => self.b.ins().bor(a, shifted),
                    });
                }
                acc.map(|a| vec![a]).ok_or_else(|| "an empty mask".into())
            }
            (Some(_), None) => {
                // A vector's bytes as one scalar: the low lane of the right type.
                let v = self.parts(val)?;
                let vty = match to {
                    Type::Float => ct::F32X4,
                    Type::Double => ct::F64X2,
                    t => int_part(t.int_bits().unwrap_or(64)),
                };
                let w = self.b.ins().bitcast(vty, little(), v[0]);
                Ok(vec![self.b.ins().extractlane(w, 0)])
            }
            (None, Some(ts)) => {
                let x = self.scalar_operand(val)?;
                let v = match from {
                    Type::Float => self.b.ins().scalar_to_vector(ct::F32X4, x),
                    Type::Double => self.b.ins().scalar_to_vector(ct::F64X2, x),
                    Type::Int(16) => {
                        let wide = self.b.ins().uextend(ct::I32, x);
                        self.b.ins().scalar_to_vector(ct::I32X4, wide)
                    }
                    t => {
                        let bits = t.int_bits().unwrap_or(64);
                        self.b.ins().scalar_to_vector(int_part(bits), x)
                    }
                };
                let v = if self.b.func.dfg.value_type(v) == ts.part {
                    v
                } else {
                    self.b.ins().bitcast(ts.part, little(), v)
                };
                Ok(vec![v])
            }
            (None, None) => Err(format!("a bitcast from `{from}` to `{to}`")),
        }
    }

    /// A call of an intrinsic on vectors kept whole.
    fn vector_call(&mut self, inst: &Inst, c: &opm_ir::Call) -> Lowered<()> {
        let name = c.callee_name().unwrap_or_default();
        let base = opm_ir::intrinsic::base_name(name);
        if let Some(op) = base.strip_prefix("vector.reduce.") {
            let r = match self.reduce_whole(op, &c.args)? {
                Some(r) => r,
                None => {
                    // A fold over the lanes: the lanes become leaves for the scalar code.
                    let mut args = Vec::new();
                    for a in &c.args {
                        let ty = self.operand_type(a)?;
                        match shape(&ty) {
                            Some(sh) => {
                                let v = self.parts(a)?;
                                args.push((0..sh.lanes).map(|i| self.lane(&v, sh, i)).collect());
                            }
                            None => args.push(self.operand(a)?),
                        }
                    }
                    self.reduce(op, c.args.last().ok_or("a reduction")?, &args)?
                }
            };
            self.define(inst, vec![r]);
            return Ok(());
        }
        let mut args = Vec::new();
        for a in &c.args {
            args.push(self.operand(a)?);
        }
        let parts = args.first().map_or(0, Vec::len);
        let mut r = Vec::with_capacity(parts);
        for k in 0..parts {
            let arg = |j: usize| args.get(j).and_then(|a| a.get(k)).copied();
            let i = self.b.ins();
            r.push(match (base, arg(0), arg(1), arg(2)) {
                ("fmuladd", Some(x), Some(y), Some(z)) => {
                    let p = i.fmul(x, y);
                    self.b.ins().fadd(p, z)
                }
                ("fabs", Some(x), ..) => i.fabs(x),
                ("sqrt", Some(x), ..) => i.sqrt(x),
                ("smin", Some(x), Some(y), _) => i.smin(x, y),
                ("smax", Some(x), Some(y), _) => i.smax(x, y),
                ("umin", Some(x), Some(y), _) => i.umin(x, y),
                ("umax", Some(x), Some(y), _) => i.umax(x, y),
                ("abs", Some(x), ..) => i.iabs(x),
                ("sadd.sat", Some(x), Some(y), _) => i.sadd_sat(x, y),
                ("uadd.sat", Some(x), Some(y), _) => i.uadd_sat(x, y),
                ("ssub.sat", Some(x), Some(y), _) => i.ssub_sat(x, y),
                ("usub.sat", Some(x), Some(y), _) => i.usub_sat(x, y),
                _ => return Err(format!("the intrinsic @{name} on whole vectors")),
            });
        }
        self.define(inst, r);
        Ok(())
    }

    /// `llvm.vector.reduce.<op>` without taking the vector apart, where that is cheaper: a
    /// mask's `or`/`and` from its lanes' top bits, and integer folds of 32- and 64-bit lanes
    /// in halving steps (the parts folded into one, then the fold of lanes 0..L/2 with lanes
    /// L/2..L, and so on), which is exact because these operations are associative and
    /// commutative. A vector narrower than its part has lanes that are not its own: folded
    /// lane by lane.
    fn reduce_whole(&mut self, op: &str, args: &[Operand]) -> Lowered<Option<Value>> {
        let [arg] = args else { return Ok(None) };
        let ty = self.operand_type(arg)?;
        let Some(sh) = shape(&ty) else { return Ok(None) };
        let fold = |lo: &mut Self, a: Value, b: Value| {
            let i = lo.b.ins();
            match op {
                "add" => i.iadd(a, b),
                "mul" => i.imul(a, b),
                "and" => i.band(a, b),
                "or" => i.bor(a, b),
                "xor" => i.bxor(a, b),
                "smin" => i.smin(a, b),
                "smax" => i.smax(a, b),
                "umin" => i.umin(a, b),
                _ => i.umax(a, b),
            }
        };
        if sh.mask && matches!(op, "or" | "and") && sh.full() {
            let v = self.parts(arg)?;
            let mut acc = v[0];
            for &x in &v[1..] {
                acc = fold(self, acc, x);
            }
            let bits = self.b.ins().vhigh_bits(ct::I32, acc);
            let all = (1i64 << sh.per_part()) - 1;
            let r = match op {
                "or" => self.b.ins().icmp_imm_s(IntCC::NotEqual, bits, 0),
                _ => self.b.ins().icmp_imm_s(IntCC::Equal, bits, all),
            };
            return Ok(Some(r));
        }
        let foldable = matches!(op, "add" | "mul" | "and" | "or" | "xor" | "smin" | "smax")
            || matches!(op, "umin" | "umax");
        if sh.mask || !ty.scalar().is_int() || sh.lane_bits() < 32 || !foldable || !sh.full() {
            return Ok(None);
        }
        let v = self.parts(arg)?;
        let mut acc = v[0];
        for &x in &v[1..] {
            acc = fold(self, acc, x);
        }
        let cty = sh.part;
        // 32-bit lane orders: swap the 64-bit halves, then swap the 32-bit lanes of each.
        let steps: &[[u8; 4]] =
            if sh.lane_bits() == 64 { &[[2, 3, 0, 1]] } else { &[[2, 3, 0, 1], [1, 0, 3, 2]] };
        for order in steps {
            let bytes: Vec<u8> = order.iter().flat_map(|&l| l * 4..l * 4 + 4).collect();
            let handle = self.b.func.dfg.immediates.push(ConstantData::from(bytes));
            let w = self.b.ins().bitcast(ct::I8X16, little(), acc);
            let w = self.b.ins().shuffle(w, w, handle);
            let w = self.b.ins().bitcast(cty, little(), w);
            acc = fold(self, acc, w);
        }
        Ok(Some(self.b.ins().extractlane(acc, 0)))
    }

    /// `shufflevector` of `a` and `b` (parts of shape `src`) into a vector of shape `res`
    /// (of the same lane width): each part of the result from the parts its lanes come
    /// from, left in place when one part has them all where they are.
    fn shuffle_vector(
        &mut self,
        a: &[Value],
        b: &[Value],
        src: Shape,
        res: Shape,
        mask: &[i32],
    ) -> Vec<Value> {
        let n = src.lanes;
        let per = src.per_part();
        let sources: Vec<Value> = a.iter().chain(b).copied().collect();
        // Lane m of the concatenation of `a` and `b`: its source part and lane there.
        let locate = |m: usize| {
            if m < n { (m / per, m % per) } else { (src.parts + (m - n) / per, (m - n) % per) }
        };
        let mut out = Vec::with_capacity(res.parts);
        for j in 0..res.parts {
            let lanes: Vec<Option<(usize, usize)>> = (0..per)
                .map(|k| {
                    let i = j * per + k;
                    let m = mask.get(i).and_then(|&m| usize::try_from(m).ok());
                    m.filter(|&m| i < res.lanes && m < 2 * n).map(locate)
                })
                .collect();
            let mut used: Vec<usize> = lanes.iter().flatten().map(|&(s, _)| s).collect();
            used.sort_unstable();
            used.dedup();
            let in_place = |s: usize| {
                lanes
                    .iter()
                    .enumerate()
                    .all(|(k, l)| l.is_none_or(|(ls, lane)| ls == s && lane == k))
            };
            let r = match used.as_slice() {
                [] => sources[0],
                [s] if in_place(*s) => sources[*s],
                [x] | [x, _] => {
                    let x = *x;
                    let y = used.get(1).copied().unwrap_or(x);
                    let picks: Vec<Option<usize>> = lanes
                        .iter()
                        .map(|l| l.map(|(s, lane)| if s == x { lane } else { per + lane }))
                        .collect();
                    self.shuffle_two(sources[x], sources[y], &picks)
                }
                _ => {
                    // Lanes from three parts or more: moved one by one into the part that
                    // has most of them in place already.
                    let count = |s: usize| {
                        lanes.iter().enumerate().filter(|(k, l)| **l == Some((s, *k))).count()
                    };
                    let base = used.iter().copied().max_by_key(|&s| count(s)).unwrap_or(0);
                    let mut r = sources[base];
                    for (k, l) in lanes.iter().enumerate() {
                        if let Some((s, lane)) = *l
                            && (s, lane) != (base, k)
                        {
                            let x = self.b.ins().extractlane(sources[s], lane as u8);
                            r = self.b.ins().insertlane(r, x, k as u8);
                        }
                    }
                    r
                }
            };
            out.push(r);
        }
        out
    }

    /// A shuffle of two values of one 128-bit type: lane k of the result is lane `picks[k]`
    /// of the concatenation of `a` and `b` (`None`: any value). Cranelift lowers any
    /// `shuffle` to `pshufb` with SSSE3; without it, only the shuffles x86 does with SSE2
    /// instructions (`pshufd`, `shufps`, `punpck*`: 32-bit granules) are given to Cranelift,
    /// because any other would call a helper no C library has. The rest move lanes one by one.
    fn shuffle_two(&mut self, a: Value, b: Value, picks: &[Option<usize>]) -> Value {
        let n = picks.len();
        let pick = |i: usize| picks[i].filter(|&m| m < 2 * n);
        if (0..n).all(|i| pick(i).is_none_or(|m| m == i)) {
            return a;
        }
        if (0..n).all(|i| pick(i).is_none_or(|m| m == n + i)) {
            return b;
        }
        let cty = self.b.func.dfg.value_type(a);
        let lane_bytes = (cty.lane_bits() / 8) as usize;
        let full: Vec<usize> = (0..n).map(|i| pick(i).unwrap_or(i)).collect();
        let granules = sse2_granules(&full, lane_bytes);
        if self.cx.has_ssse3() || granules.is_some() {
            let bytes: Vec<u8> = match granules {
                Some(g) => g.iter().flat_map(|&l| (l * 4..l * 4 + 4).map(|x| x as u8)).collect(),
                None => full
                    .iter()
                    .flat_map(|&m| (0..lane_bytes).map(move |k| (m * lane_bytes + k) as u8))
                    .collect(),
            };
            let handle = self.b.func.dfg.immediates.push(ConstantData::from(bytes));
            let (a8, b8) = if cty == ct::I8X16 {
                (a, b)
            } else {
                let a8 = self.b.ins().bitcast(ct::I8X16, little(), a);
                (a8, self.b.ins().bitcast(ct::I8X16, little(), b))
            };
            let r = self.b.ins().shuffle(a8, b8, handle);
            return if cty == ct::I8X16 { r } else { self.b.ins().bitcast(cty, little(), r) };
        }
        let defined: Vec<usize> = (0..n).filter_map(pick).collect();
        if let Some(&m) = defined.first()
            && defined.iter().all(|&p| p == m)
        {
            let (src, k) = if m < n { (a, m) } else { (b, m - n) };
            let x = self.b.ins().extractlane(src, k as u8);
            return self.b.ins().splat(cty, x);
        }
        // Start from the source that already has more lanes in place.
        let from_a = (0..n).filter(|&i| pick(i) == Some(i)).count();
        let from_b = (0..n).filter(|&i| pick(i) == Some(n + i)).count();
        let (mut r, base) = if from_b > from_a { (b, n) } else { (a, 0) };
        for i in 0..n {
            match pick(i) {
                Some(m) if m != base + i => {
                    let (src, k) = if m < n { (a, m) } else { (b, m - n) };
                    let x = self.b.ins().extractlane(src, k as u8);
                    r = self.b.ins().insertlane(r, x, i as u8);
                }
                _ => {}
            }
        }
        r
    }
}

/// The shuffle `picks` (lane indices into the concatenation of both sources, lanes of
/// `lane_bytes` bytes) as four 32-bit granules (0..4 from the first source, 4..8 from the
/// second) when x86 does it with one SSE2 instruction: `pshufd` (all granules from one
/// source), `shufps` (the low two from one source, the high two from the other) or
/// `punpckldq`/`punpckhdq` (interleaving).
fn sse2_granules(picks: &[usize], lane_bytes: usize) -> Option<[usize; 4]> {
    if lane_bytes < 4 {
        return None;
    }
    let per_lane = lane_bytes / 4;
    let mut g = [0usize; 4];
    for (i, &m) in picks.iter().enumerate() {
        for k in 0..per_lane {
            // Lane m of the concatenation: granule (m / lanes) * 4 + (m % lanes) * per_lane.
            let lanes = picks.len();
            let granule = (m / lanes) * 4 + (m % lanes) * per_lane + k;
            *g.get_mut(i * per_lane + k)? = granule;
        }
    }
    let from_a = |x: usize| x < 4;
    let low_a = from_a(g[0]) && from_a(g[1]);
    let low_b = !from_a(g[0]) && !from_a(g[1]);
    let high_a = from_a(g[2]) && from_a(g[3]);
    let high_b = !from_a(g[2]) && !from_a(g[3]);
    let fits = (low_a || low_b) && (high_a || high_b) || g == [0, 4, 1, 5] || g == [2, 6, 3, 7];
    fits.then_some(g)
}
