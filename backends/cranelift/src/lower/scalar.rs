//! Integer and floating-point operations on leaves. An `iN` lives zero-extended in its
//! container (see [`crate::types`]): operations that can set the bits above N (add, sub, mul,
//! shl, the signed ones) mask their result, and signed operations first sign-extend their
//! operands inside the container.

use super::vector::little;
use super::{FnLower, Lowered};
use crate::types::{container, scalar};
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::immediates::{Ieee32, Ieee64};
use cranelift_codegen::ir::{InstBuilder, MemFlagsData, Value, types as ct};
use opm_ir::{BinOp, CastOp, FloatPredicate, IntPredicate, Type};

impl FnLower<'_, '_> {
    /// Clears the bits above `bits` in a container value.
    pub(crate) fn mask(&mut self, v: Value, bits: u32) -> Value {
        let ty = self.b.func.dfg.value_type(v);
        let cw = ty.bits();
        if bits >= cw {
            v
        } else if cw <= 64 {
            self.b.ins().band_imm_u(v, ((1u64 << bits) - 1) as i64)
        } else {
            let s = i64::from(cw - bits);
            let up = self.b.ins().ishl_imm_u(v, s);
            self.b.ins().ushr_imm_u(up, s)
        }
    }

    /// Sign-extends the low `bits` bits across the container.
    pub(crate) fn sext_in(&mut self, v: Value, bits: u32) -> Value {
        let cw = self.b.func.dfg.value_type(v).bits();
        if bits >= cw {
            return v;
        }
        let s = i64::from(cw - bits);
        let up = self.b.ins().ishl_imm_u(v, s);
        self.b.ins().sshr_imm_u(up, s)
    }

    /// Converts a container value to another container type, zero- or sign-extending from
    /// `bits` (the source width) or truncating.
    pub(crate) fn resize(&mut self, v: Value, bits: u32, to: ct::Type, signed: bool) -> Value {
        let from = self.b.func.dfg.value_type(v);
        let v = if signed { self.sext_in(v, bits) } else { v };
        if from == to {
            v
        } else if from.bits() < to.bits() {
            if signed { self.b.ins().sextend(to, v) } else { self.b.ins().uextend(to, v) }
        } else {
            self.b.ins().ireduce(to, v)
        }
    }

    /// An `iN` index zero-extended to I64 (an I128 is truncated).
    pub(crate) fn zext_to_i64(&mut self, v: Value, bits: u32) -> Value {
        self.resize(v, bits, ct::I64, false)
    }

    /// An `iN` sign-extended to I64 (an I128 is truncated).
    pub(crate) fn sext_to_i64(&mut self, v: Value, bits: u32) -> Value {
        self.resize(v, bits, ct::I64, true)
    }

    /// A binary operator applied lane by lane; `ty` is the operands' type.
    pub(crate) fn bin_lanes(
        &mut self,
        op: BinOp,
        ty: &Type,
        a: Vec<Value>,
        b: Vec<Value>,
    ) -> Lowered<Vec<Value>> {
        let elem = ty.scalar().clone();
        let mut out = Vec::with_capacity(a.len());
        for (x, y) in a.into_iter().zip(b) {
            out.push(self.bin(op, &elem, x, y)?);
        }
        Ok(out)
    }

    /// One binary operation on scalars of type `ty`.
    pub(crate) fn bin(&mut self, op: BinOp, ty: &Type, a: Value, b: Value) -> Lowered<Value> {
        if op.is_float() {
            let ins = self.b.ins();
            return Ok(match op {
                BinOp::FAdd => ins.fadd(a, b),
                BinOp::FSub => ins.fsub(a, b),
                BinOp::FMul => ins.fmul(a, b),
                BinOp::FDiv => ins.fdiv(a, b),
                _ => {
                    let name = if ty == &Type::Float { "fmodf" } else { "fmod" };
                    let fty = scalar(ty)?;
                    return self.libcall(name, &[fty, fty], fty, &[a, b]);
                }
            });
        }
        let bits = ty.int_bits().unwrap_or(64);
        let r = match op {
            BinOp::Add => self.b.ins().iadd(a, b),
            BinOp::Sub => self.b.ins().isub(a, b),
            BinOp::Mul => self.b.ins().imul(a, b),
            BinOp::Shl => self.b.ins().ishl(a, b),
            BinOp::UDiv | BinOp::URem | BinOp::SDiv | BinOp::SRem if bits > 64 => {
                // Cranelift's x86-64 backend has no 128-bit division: libgcc's routines.
                let name = match op {
                    BinOp::UDiv => "__udivti3",
                    BinOp::URem => "__umodti3",
                    BinOp::SDiv => "__divti3",
                    _ => "__modti3",
                };
                let (a, b) = if matches!(op, BinOp::SDiv | BinOp::SRem) {
                    (self.sext_in(a, bits), self.sext_in(b, bits))
                } else {
                    (a, b)
                };
                let r = self.libcall(name, &[ct::I128, ct::I128], ct::I128, &[a, b])?;
                return Ok(self.mask(r, bits));
            }
            BinOp::UDiv => self.b.ins().udiv(a, b),
            BinOp::URem => self.b.ins().urem(a, b),
            BinOp::LShr => self.b.ins().ushr(a, b),
            BinOp::And => self.b.ins().band(a, b),
            BinOp::Or => self.b.ins().bor(a, b),
            BinOp::Xor => self.b.ins().bxor(a, b),
            BinOp::SDiv | BinOp::SRem | BinOp::AShr => {
                let sa = self.sext_in(a, bits);
                let r = match op {
                    BinOp::SDiv => {
                        let sb = self.sext_in(b, bits);
                        self.b.ins().sdiv(sa, sb)
                    }
                    BinOp::SRem => {
                        let sb = self.sext_in(b, bits);
                        self.b.ins().srem(sa, sb)
                    }
                    _ => self.b.ins().sshr(sa, b),
                };
                return Ok(self.mask(r, bits));
            }
            _ => unreachable!("float operators are handled above"),
        };
        Ok(match op {
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Shl => self.mask(r, bits),
            _ => r,
        })
    }

    /// `icmp` on scalars of type `ty`; the result is an I8 holding 0 or 1.
    pub(crate) fn icmp(
        &mut self,
        pred: IntPredicate,
        ty: &Type,
        a: Value,
        b: Value,
    ) -> Lowered<Value> {
        let bits = ty.int_bits().unwrap_or(64);
        let cc = int_cc(pred);
        let signed = matches!(
            pred,
            IntPredicate::Sgt | IntPredicate::Sge | IntPredicate::Slt | IntPredicate::Sle
        );
        let (a, b) = if signed { (self.sext_in(a, bits), self.sext_in(b, bits)) } else { (a, b) };
        Ok(self.b.ins().icmp(cc, a, b))
    }

    /// `fcmp`; the result is an I8 holding 0 or 1.
    pub(crate) fn fcmp(&mut self, pred: FloatPredicate, a: Value, b: Value) -> Value {
        let cc = match float_cc(pred) {
            Ok(cc) => cc,
            Err(always) => return self.b.ins().iconst(ct::I8, i64::from(always)),
        };
        self.b.ins().fcmp(cc, a, b)
    }

    /// A conversion of a value of type `from` (leaves `v`) to type `to`.
    pub(crate) fn cast(
        &mut self,
        op: CastOp,
        from: &Type,
        to: &Type,
        v: Vec<Value>,
    ) -> Lowered<Vec<Value>> {
        if op == CastOp::BitCast {
            return self.bitcast(from, to, v);
        }
        let (fe, te) = (from.scalar().clone(), to.scalar().clone());
        let mut out = Vec::with_capacity(v.len());
        for x in v {
            out.push(self.cast_scalar(op, &fe, &te, x)?);
        }
        Ok(out)
    }

    fn cast_scalar(&mut self, op: CastOp, from: &Type, to: &Type, v: Value) -> Lowered<Value> {
        let fb = from.int_bits().unwrap_or(64);
        let tb = to.int_bits().unwrap_or(64);
        Ok(match op {
            CastOp::Trunc => {
                let r = self.resize(v, fb, container(tb), false);
                self.mask(r, tb)
            }
            CastOp::ZExt => self.resize(v, fb, container(tb), false),
            CastOp::SExt => {
                let r = self.resize(v, fb, container(tb), true);
                self.mask(r, tb)
            }
            CastOp::FPTrunc => self.b.ins().fdemote(scalar(to)?, v),
            CastOp::FPExt => self.b.ins().fpromote(scalar(to)?, v),
            CastOp::FPToSI | CastOp::FPToUI => {
                self.float_to_int(op == CastOp::FPToSI, from, tb, v)?
            }
            CastOp::SIToFP | CastOp::UIToFP => {
                self.int_to_float(op == CastOp::SIToFP, fb, to, v)?
            }
            CastOp::PtrToInt => {
                let r = self.resize(v, 64, container(tb), false);
                self.mask(r, tb)
            }
            CastOp::IntToPtr => self.resize(v, fb, ct::I64, false),
            CastOp::BitCast => unreachable!("bitcasts are handled by the caller"),
        })
    }

    /// `fptosi` / `fptoui`: out-of-range results are poison in LLVM; the saturating forms
    /// give a defined value. Widths above 64 bits go through compiler-rt / libgcc.
    fn float_to_int(&mut self, signed: bool, from: &Type, bits: u32, v: Value) -> Lowered<Value> {
        let r = if bits > 64 {
            let name = match (signed, from) {
                (true, Type::Float) => "__fixsfti",
                (true, _) => "__fixdfti",
                (false, Type::Float) => "__fixunssfti",
                (false, _) => "__fixunsdfti",
            };
            let fty = scalar(from)?;
            self.libcall(name, &[fty], ct::I128, &[v])?
        } else if (signed && bits <= 32 || bits < 32) && self.cx.is_x86_64() {
            // Every result in range fits an i32 (fptoui to 8 or 16 bits too).
            let r = self.truncate_to_i32(v);
            self.resize(r, 32, container(bits), false)
        } else if signed && bits <= 32 {
            let r = self.b.ins().fcvt_to_sint_sat(ct::I32, v);
            self.resize(r, 32, container(bits), false)
        } else if signed || bits < 64 {
            let r = self.b.ins().fcvt_to_sint_sat(ct::I64, v);
            self.resize(r, 64, container(bits), false)
        } else {
            self.float_to_u64(v)
        };
        Ok(self.mask(r, bits))
    }

    /// The conversion of a float or double to an i32, truncating, with x86's own answer
    /// (`0x80000000`) out of range, where LLVM's is poison: `cvttps2dq` or `cvttpd2dq` on
    /// the low lane. Cranelift's scalar conversions check the range after `cvttss2si`,
    /// with a branch taken on every value in range.
    fn truncate_to_i32(&mut self, v: Value) -> Value {
        let r = if self.b.func.dfg.value_type(v) == ct::F32 {
            let x = self.b.ins().scalar_to_vector(ct::F32X4, v);
            self.b.ins().x86_cvtt2dq(ct::I32X4, x)
        } else {
            let x = self.b.ins().scalar_to_vector(ct::F64X2, v);
            let wide = self.b.ins().x86_cvtt2dq(ct::I64X2, x);
            let zero = self.b.func.dfg.constants.insert(vec![0u8; 16].into());
            let zero = self.b.ins().vconst(ct::I64X2, zero);
            self.b.ins().snarrow(wide, zero)
        };
        self.b.ins().extractlane(r, 0)
    }

    /// `select` between the floats `x` and `y` (F32 or F64) on `cond`, the result of a
    /// scalar `fcmp` (`compare`: its condition and operands). Cranelift lowers a scalar
    /// `select` of floats to a branch (x86 has no conditional move between its vector
    /// registers), which the processor mispredicts when the condition follows the data;
    /// when the compared values have the selected values' type, this makes it a lane mask of
    /// the same compare in the low lanes and a bitwise select, as LLVM does (`cmpltsd`,
    /// `andpd`…).
    pub(crate) fn float_select(
        &mut self,
        compare: (FloatCC, Value, Value),
        cond: Value,
        x: Value,
        y: Value,
    ) -> Value {
        let (cc, a, b) = compare;
        let ty = self.b.func.dfg.value_type(x);
        let vty = match ty {
            ct::F32 => ct::F32X4,
            ct::F64 => ct::F64X2,
            _ => return self.b.ins().select(cond, x, y),
        };
        if self.b.func.dfg.value_type(a) != ty {
            return self.b.ins().select(cond, x, y);
        }
        let mut v = |s: Value| self.b.ins().scalar_to_vector(vty, s);
        let (va, vb, vx, vy) = (v(a), v(b), v(x), v(y));
        let mask = self.b.ins().fcmp(cc, va, vb);
        let mask = self.b.ins().bitcast(vty, little(), mask);
        let r = self.b.ins().bitselect(mask, vx, vy);
        self.b.ins().extractlane(r, 0)
    }

    /// `fptoui` to `i64` without a branch on the value. A value from 2^63 up is converted
    /// less 2^63 and gets its top bit set, any other as signed (a negative value's result is
    /// poison in LLVM, so any will do). The 2^63 to subtract, and the top bit, come from a
    /// lane mask of the compare (`cmpnlesd`, `andpd`, as LLVM does it), so that the one
    /// conversion left sees a value in the signed range for every input in range and never
    /// takes its saturating path. Cranelift's own `fcvt_to_uint_sat` branches on the signed
    /// conversion's sign, which the processor mispredicts when the sign follows the data.
    fn float_to_u64(&mut self, v: Value) -> Value {
        let fty = self.b.func.dfg.value_type(v);
        let (two63, vty, ity) = match fty {
            ct::F32 => (
                self.b.ins().f32const(Ieee32::with_float(9_223_372_036_854_775_808.0)),
                ct::F32X4,
                ct::I32X4,
            ),
            _ => (
                self.b.ins().f64const(Ieee64::with_float(9_223_372_036_854_775_808.0)),
                ct::F64X2,
                ct::I64X2,
            ),
        };
        let vv = self.b.ins().scalar_to_vector(vty, v);
        let vlimit = self.b.ins().scalar_to_vector(vty, two63);
        let mask = self.b.ins().fcmp(FloatCC::GreaterThanOrEqual, vv, vlimit);
        let fmask = self.b.ins().bitcast(vty, little(), mask);
        let sub = self.b.ins().band(fmask, vlimit);
        let sub = self.b.ins().extractlane(sub, 0);
        let t = self.b.ins().fsub(v, sub);
        let r = self.b.ins().fcvt_to_sint_sat(ct::I64, t);
        let imask = self.b.ins().bitcast(ity, little(), mask);
        let mut top = self.b.ins().extractlane(imask, 0);
        if fty == ct::F32 {
            top = self.b.ins().sextend(ct::I64, top);
        }
        let top = self.b.ins().band_imm_s(top, i64::MIN);
        self.b.ins().bor(r, top)
    }

    /// `sitofp` / `uitofp`.
    fn int_to_float(&mut self, signed: bool, bits: u32, to: &Type, v: Value) -> Lowered<Value> {
        let fty = scalar(to)?;
        if bits > 64 {
            let name = match (signed, to) {
                (true, Type::Float) => "__floattisf",
                (true, _) => "__floattidf",
                (false, Type::Float) => "__floatuntisf",
                (false, _) => "__floatuntidf",
            };
            let wide = self.resize(v, bits, ct::I128, signed);
            return self.libcall(name, &[ct::I128], fty, &[wide]);
        }
        Ok(if signed {
            let x = self.sext_to_i64(v, bits);
            self.b.ins().fcvt_from_sint(fty, x)
        } else if bits < 64 {
            let x = self.zext_to_i64(v, bits);
            self.b.ins().fcvt_from_sint(fty, x)
        } else {
            self.b.ins().fcvt_from_uint(fty, v)
        })
    }

    /// `bitcast`: a no-op between pointers, a register move between an integer and a float
    /// of one size, and a trip through a stack slot for vectors (LLVM's bitcast is defined
    /// by the in-memory layout).
    fn bitcast(&mut self, from: &Type, to: &Type, v: Vec<Value>) -> Lowered<Vec<Value>> {
        if from.vector_len().is_none() && to.vector_len().is_none() {
            let x = v[0];
            let (ft, tt) = (scalar(from)?, scalar(to)?);
            if ft == tt {
                return Ok(vec![x]);
            }
            return Ok(vec![self.b.ins().bitcast(tt, MemFlagsData::new(), x)]);
        }
        let bool_lanes = |t: &Type| t.vector_len().is_some() && t.scalar() == &Type::Int(1);
        if let (true, Type::Int(bits)) = (bool_lanes(from), to) {
            // Lane i is bit i (LLVM's little-endian packing of `<N x i1>`).
            let cty = container(*bits);
            let mut acc = self.iconst(cty, 0);
            for (i, &lane) in v.iter().enumerate() {
                let wide = self.resize(lane, 1, cty, false);
                let bit = self.b.ins().ishl_imm_u(wide, i as i64);
                acc = self.b.ins().bor(acc, bit);
            }
            return Ok(vec![acc]);
        }
        if let (Type::Int(_), true) = (from, bool_lanes(to)) {
            let n = to.vector_len().unwrap_or(0);
            let mut out = Vec::new();
            for i in 0..n {
                let shifted = self.b.ins().ushr_imm_u(v[0], i64::from(i));
                let bit = self.b.ins().band_imm_u(shifted, 1);
                out.push(self.resize(bit, 1, ct::I8, false));
            }
            return Ok(out);
        }
        self.through_memory(from, &v, to)
    }
}

/// The Cranelift condition of an integer predicate.
pub(crate) fn int_cc(pred: IntPredicate) -> IntCC {
    match pred {
        IntPredicate::Eq => IntCC::Equal,
        IntPredicate::Ne => IntCC::NotEqual,
        IntPredicate::Ugt => IntCC::UnsignedGreaterThan,
        IntPredicate::Uge => IntCC::UnsignedGreaterThanOrEqual,
        IntPredicate::Ult => IntCC::UnsignedLessThan,
        IntPredicate::Ule => IntCC::UnsignedLessThanOrEqual,
        IntPredicate::Sgt => IntCC::SignedGreaterThan,
        IntPredicate::Sge => IntCC::SignedGreaterThanOrEqual,
        IntPredicate::Slt => IntCC::SignedLessThan,
        IntPredicate::Sle => IntCC::SignedLessThanOrEqual,
    }
}

/// The Cranelift condition of a float predicate, or whether the predicate is always true
/// (`true`) or always false (`false`).
/// Whether x86 has `cc` as a vector compare (`cmppd`/`cmpps`, with its operands swapped
/// for the greater-than forms).
pub(crate) fn vector_fcmp(cc: FloatCC) -> bool {
    !matches!(cc, FloatCC::OrderedNotEqual | FloatCC::UnorderedOrEqual)
}

pub(crate) fn float_cc(pred: FloatPredicate) -> Result<FloatCC, bool> {
    Ok(match pred {
        FloatPredicate::False => return Err(false),
        FloatPredicate::True => return Err(true),
        FloatPredicate::Oeq => FloatCC::Equal,
        FloatPredicate::Ogt => FloatCC::GreaterThan,
        FloatPredicate::Oge => FloatCC::GreaterThanOrEqual,
        FloatPredicate::Olt => FloatCC::LessThan,
        FloatPredicate::Ole => FloatCC::LessThanOrEqual,
        FloatPredicate::One => FloatCC::OrderedNotEqual,
        FloatPredicate::Ord => FloatCC::Ordered,
        FloatPredicate::Uno => FloatCC::Unordered,
        FloatPredicate::Ueq => FloatCC::UnorderedOrEqual,
        FloatPredicate::Ugt => FloatCC::UnorderedOrGreaterThan,
        FloatPredicate::Uge => FloatCC::UnorderedOrGreaterThanOrEqual,
        FloatPredicate::Ult => FloatCC::UnorderedOrLessThan,
        FloatPredicate::Ule => FloatCC::UnorderedOrLessThanOrEqual,
        FloatPredicate::Une => FloatCC::NotEqual,
    })
}
