//! Integers wider than 128 bits, as scalars: an `iN` is ⌈N/64⌉ leaves (see
//! [`crate::types`]), 64-bit limbs from the lowest, the last holding the remaining bits
//! zero-extended in its container (an `i136` is I64, I64, I8). Loads, stores, `select`,
//! `phi` and `freeze` move the leaves as for any value; here are `and`/`or`/`xor`,
//! `add`/`sub` (carry chains), `mul` (64×64→128-bit partial products), shifts by constant
//! or variable amounts, every comparison, and `trunc`/`zext`/`sext` from, to and between
//! wide widths. Anything else on them (division, a call, an intrinsic, vectors and aggregates
//! of them) is refused by name.

use super::{FnLower, Lowered};
use crate::types::container;
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{InstBuilder, Value, types as ct};
use opm_ir::{BinOp, CastOp, Constant, Inst, IntPredicate, Op, Type};

/// What [`FnLower::wide_inst`] made of an instruction.
pub(super) enum Wide {
    /// No scalar integer wider than 128 bits takes part in it.
    No,
    /// It only moves the leaves of one: the general lowering does it.
    Moves,
    /// Lowered here.
    Done,
}

/// The number of limbs of an `iN`, and the width of its last.
pub(crate) fn limbs(n: u32) -> (usize, u32) {
    let k = n.div_ceil(64);
    (k as usize, n - 64 * (k - 1))
}

/// A constant shift amount (one of N or more, poison, as any such amount).
fn constant_amount(c: &Constant) -> Option<u128> {
    match c {
        Constant::WideInt { words, .. } if words.iter().skip(1).all(|&w| w == 0) => {
            Some(u128::from(words.first().copied().unwrap_or(0)))
        }
        Constant::WideInt { .. } => Some(u128::MAX),
        Constant::Zero(_) | Constant::Undef(_) | Constant::Poison(_) => Some(0),
        _ => None,
    }
}

/// The most limbs of a multiplication or of a shift by a variable amount, whose code grows
/// with the square of the limbs (4,096 bits; LLVM allows integers of up to 2^23 bits).
const MAX_SQUARED_LIMBS: usize = 64;

fn is_shift(op: BinOp) -> bool {
    matches!(op, BinOp::Shl | BinOp::LShr | BinOp::AShr)
}

fn refused(n: u32, what: &str) -> String {
    format!("{what} on the integer type `i{n}` (wider than 128 bits)")
}

impl FnLower<'_, '_> {
    /// Lowers `inst` if a scalar integer wider than 128 bits is its result or an operand.
    pub(super) fn wide_inst(&mut self, inst: &Inst) -> Lowered<Wide> {
        let mut wide = inst.ty.wide_int_bits();
        for op in inst.op.operands() {
            wide = wide.or(self.operand_type(op)?.wide_int_bits());
        }
        let Some(n) = wide else { return Ok(Wide::No) };
        let r = match &inst.op {
            Op::Load { atomic: None, .. }
            | Op::Store { atomic: None, .. }
            | Op::Phi { .. }
            | Op::Freeze { .. } => return Ok(Wide::Moves),
            Op::Select { cond, .. } if self.operand_type(cond)?.vector_len().is_none() => {
                return Ok(Wide::Moves);
            }
            Op::Bin { op, lhs, rhs, .. } => {
                let (a, b) = (self.operand(lhs)?, self.operand(rhs)?);
                let shift = rhs.as_const().and_then(constant_amount);
                self.wide_bin(*op, n, &a, &b, shift)?
            }
            Op::ICmp { pred, lhs, rhs, .. } => {
                let (a, b) = (self.operand(lhs)?, self.operand(rhs)?);
                vec![self.wide_icmp(*pred, n, &a, &b)]
            }
            Op::Cast { op: op @ (CastOp::Trunc | CastOp::ZExt | CastOp::SExt), val, .. } => {
                let from = self.operand_type(val)?;
                let v = self.operand(val)?;
                match (&from, &inst.ty) {
                    (Type::Int(m), Type::Int(to)) => {
                        self.wide_cast(*m, *to, &v, *op == CastOp::SExt)?
                    }
                    _ => return Err(refused(n, &format!("`{}` from `{from}`", op.name()))),
                }
            }
            op => return Err(refused(n, &format!("`{}`", op.opcode_name()))),
        };
        self.define(inst, r);
        Ok(Wide::Done)
    }

    /// The limbs of a wide value as I64 values.
    fn widened(&mut self, v: &[Value]) -> Vec<Value> {
        v.iter()
            .map(|&x| {
                if self.b.func.dfg.value_type(x) == ct::I64 {
                    x
                } else {
                    self.b.ins().uextend(ct::I64, x)
                }
            })
            .collect()
    }

    /// I64 limbs back to the leaves of an `iN`: the last masked to its bits, in its
    /// container.
    fn narrowed(&mut self, mut v: Vec<Value>, n: u32) -> Vec<Value> {
        let (k, r) = limbs(n);
        v.truncate(k);
        if let Some(last) = v.pop() {
            let m = self.mask(last, r);
            let x = self.resize(m, r, container(r), false);
            v.push(x);
        }
        v
    }

    /// The I64 limbs of `v` (of width `n`) with the last one sign-extended from its bits,
    /// and the fill (all ones or zeros) above them.
    fn signed_limbs(&mut self, v: &[Value], n: u32) -> (Vec<Value>, Value) {
        let (_, r) = limbs(n);
        let mut a = self.widened(v);
        let top = a.len() - 1;
        a[top] = self.sext_in(a[top], r);
        let fill = self.b.ins().sshr_imm_u(a[top], 63);
        (a, fill)
    }

    fn wide_bin(
        &mut self,
        op: BinOp,
        n: u32,
        a: &[Value],
        b: &[Value],
        shift: Option<u128>,
    ) -> Lowered<Vec<Value>> {
        let k = a.len();
        // Their code grows with the square of the limbs.
        let quadratic = op == BinOp::Mul || (shift.is_none() && is_shift(op));
        if quadratic && k > MAX_SQUARED_LIMBS {
            let what = format!("`{}` (wider than {} bits)", op.name(), 64 * MAX_SQUARED_LIMBS);
            return Err(refused(n, &what));
        }
        let r = match op {
            BinOp::And => a.iter().zip(b).map(|(&x, &y)| self.b.ins().band(x, y)).collect(),
            BinOp::Or => a.iter().zip(b).map(|(&x, &y)| self.b.ins().bor(x, y)).collect(),
            BinOp::Xor => a.iter().zip(b).map(|(&x, &y)| self.b.ins().bxor(x, y)).collect(),
            BinOp::Add | BinOp::Sub => {
                let (x, y) = (self.widened(a), self.widened(b));
                let mut carry = self.b.ins().iconst(ct::I64, 0);
                let mut out = Vec::with_capacity(k);
                for i in 0..k {
                    // Add: s = x + y + c, carried when s < x or s + c < s.
                    // Sub: d = x - y - c, borrowed when x < y or d < c.
                    let (s, c1) = if op == BinOp::Add {
                        let s = self.b.ins().iadd(x[i], y[i]);
                        (s, self.b.ins().icmp(IntCC::UnsignedLessThan, s, x[i]))
                    } else {
                        let s = self.b.ins().isub(x[i], y[i]);
                        (s, self.b.ins().icmp(IntCC::UnsignedLessThan, x[i], y[i]))
                    };
                    let (t, c2) = if op == BinOp::Add {
                        let t = self.b.ins().iadd(s, carry);
                        (t, self.b.ins().icmp(IntCC::UnsignedLessThan, t, s))
                    } else {
                        let t = self.b.ins().isub(s, carry);
                        (t, self.b.ins().icmp(IntCC::UnsignedLessThan, s, carry))
                    };
                    out.push(t);
                    let c = self.b.ins().bor(c1, c2);
                    carry = self.b.ins().uextend(ct::I64, c);
                }
                self.narrowed(out, n)
            }
            BinOp::Mul => {
                let (x, y) = (self.widened(a), self.widened(b));
                let mut out: Vec<Value> = (0..k).map(|_| self.b.ins().iconst(ct::I64, 0)).collect();
                for i in 0..k {
                    let mut carry = self.b.ins().iconst(ct::I64, 0);
                    for j in 0..k - i {
                        // out[i + j] + x[i] * y[j] + carry, in 128 bits.
                        let lo = self.b.ins().imul(x[i], y[j]);
                        let hi = self.b.ins().umulhi(x[i], y[j]);
                        let p = self.b.ins().iconcat(lo, hi);
                        let acc = self.b.ins().uextend(ct::I128, out[i + j]);
                        let c = self.b.ins().uextend(ct::I128, carry);
                        let p = self.b.ins().iadd(p, acc);
                        let p = self.b.ins().iadd(p, c);
                        let (l, h) = self.b.ins().isplit(p);
                        out[i + j] = l;
                        carry = h;
                    }
                }
                self.narrowed(out, n)
            }
            BinOp::Shl | BinOp::LShr | BinOp::AShr => {
                let (x, fill) = match op {
                    BinOp::AShr => self.signed_limbs(a, n),
                    _ => (self.widened(a), self.b.ins().iconst(ct::I64, 0)),
                };
                let out = match shift {
                    // A shift by N or more is poison: any value will do.
                    Some(s) => self.shift_by(op, &x, fill, (s % u128::from(n)) as u32),
                    None => {
                        let s = self.widened(&b[..1])[0];
                        self.shift_variable(op, &x, fill, s)
                    }
                };
                self.narrowed(out, n)
            }
            other => return Err(refused(n, &format!("`{}`", other.name()))),
        };
        Ok(r)
    }

    /// Limb `j` of `x`, or `fill` past its end (`None` below its start: 0).
    fn limb(&mut self, x: &[Value], fill: Value, j: isize) -> Option<Value> {
        match usize::try_from(j) {
            Ok(j) => Some(x.get(j).copied().unwrap_or(fill)),
            Err(_) => None,
        }
    }

    /// `x` shifted by the constant `s` (less than its width).
    fn shift_by(&mut self, op: BinOp, x: &[Value], fill: Value, s: u32) -> Vec<Value> {
        let (q, bit) = ((s / 64) as isize, i64::from(s % 64));
        let zero = self.b.ins().iconst(ct::I64, 0);
        (0..x.len() as isize)
            .map(|i| {
                // Shifting left, limb i takes from limbs i - q (high part) and i - q - 1;
                // right, from i + q (low part) and i + q + 1.
                let (main, next) =
                    if op == BinOp::Shl { (i - q, i - q - 1) } else { (i + q, i + q + 1) };
                let main = self.limb(x, fill, main).unwrap_or(zero);
                if bit == 0 {
                    return main;
                }
                let next = self.limb(x, fill, next).unwrap_or(zero);
                let (m, o) = if op == BinOp::Shl {
                    (self.b.ins().ishl_imm_u(main, bit), self.b.ins().ushr_imm_u(next, 64 - bit))
                } else {
                    (self.b.ins().ushr_imm_u(main, bit), self.b.ins().ishl_imm_u(next, 64 - bit))
                };
                self.b.ins().bor(m, o)
            })
            .collect()
    }

    /// `x` shifted by the I64 amount `s`: for each limb, the shift by each whole number of
    /// limbs, selected by `s / 64`.
    fn shift_variable(&mut self, op: BinOp, x: &[Value], fill: Value, s: Value) -> Vec<Value> {
        let k = x.len();
        let q = self.b.ins().ushr_imm_u(s, 6);
        let bit = self.b.ins().band_imm_u(s, 63);
        let sixty_four = self.b.ins().iconst(ct::I64, 64);
        let back = self.b.ins().isub(sixty_four, bit);
        let zero = self.b.ins().iconst(ct::I64, 0);
        let aligned = self.b.ins().icmp_imm_u(IntCC::Equal, bit, 0);
        // Beyond the width: poison, any value (the fill).
        let outside = if op == BinOp::Shl { zero } else { fill };
        let mut out = Vec::with_capacity(k);
        for i in 0..k as isize {
            let mut acc = outside;
            for j in 0..k as isize {
                let (main, next) =
                    if op == BinOp::Shl { (i - j, i - j - 1) } else { (i + j, i + j + 1) };
                let main = self.limb(x, fill, main).unwrap_or(zero);
                let next = self.limb(x, fill, next).unwrap_or(zero);
                let (m, o) = if op == BinOp::Shl {
                    (self.b.ins().ishl(main, bit), self.b.ins().ushr(next, back))
                } else {
                    (self.b.ins().ushr(main, bit), self.b.ins().ishl(next, back))
                };
                // Cranelift masks a shift amount of 64 to 0: no `next` part when aligned.
                let o = self.b.ins().select(aligned, zero, o);
                let piece = self.b.ins().bor(m, o);
                let here = self.b.ins().icmp_imm_u(IntCC::Equal, q, j as i64);
                acc = self.b.ins().select(here, piece, acc);
            }
            out.push(acc);
        }
        out
    }

    /// `icmp pred` of two wide values: an I8 0 or 1.
    fn wide_icmp(&mut self, pred: IntPredicate, n: u32, a: &[Value], b: &[Value]) -> Value {
        use IntPredicate as P;
        if matches!(pred, P::Eq | P::Ne) {
            let (x, y) = (self.widened(a), self.widened(b));
            let mut diff = self.b.ins().iconst(ct::I64, 0);
            for (&p, &q) in x.iter().zip(&y) {
                let d = self.b.ins().bxor(p, q);
                diff = self.b.ins().bor(diff, d);
            }
            let cc = if pred == P::Eq { IntCC::Equal } else { IntCC::NotEqual };
            return self.b.ins().icmp_imm_u(cc, diff, 0);
        }
        let signed = matches!(pred, P::Sgt | P::Sge | P::Slt | P::Sle);
        let (x, y) = if signed {
            (self.signed_limbs(a, n).0, self.signed_limbs(b, n).0)
        } else {
            (self.widened(a), self.widened(b))
        };
        // `lt(p, q)`: p < q, decided by the highest limb where they differ.
        let less = |e: &mut Self, p: &[Value], q: &[Value]| {
            let mut acc = e.b.ins().icmp(IntCC::UnsignedLessThan, p[0], q[0]);
            for i in 1..p.len() {
                let cc = if signed && i + 1 == p.len() {
                    IntCC::SignedLessThan
                } else {
                    IntCC::UnsignedLessThan
                };
                let here = e.b.ins().icmp(cc, p[i], q[i]);
                let same = e.b.ins().icmp(IntCC::Equal, p[i], q[i]);
                acc = e.b.ins().select(same, acc, here);
            }
            acc
        };
        match pred {
            P::Ult | P::Slt => less(self, &x, &y),
            P::Ugt | P::Sgt => less(self, &y, &x),
            P::Uge | P::Sge => {
                let l = less(self, &x, &y);
                self.b.ins().bxor_imm_u(l, 1)
            }
            _ => {
                let l = less(self, &y, &x);
                self.b.ins().bxor_imm_u(l, 1)
            }
        }
    }

    /// `trunc`, `zext` or `sext` (`signed`) of `v`, an `im`, to an `in`, one of them wide.
    fn wide_cast(&mut self, m: u32, n: u32, v: &[Value], signed: bool) -> Lowered<Vec<Value>> {
        let narrow = opm_ir::types::NATIVE_INT_BITS;
        if m > narrow && n <= narrow {
            // The low limbs.
            let lo = self.widened(v);
            let x = if n <= 64 { lo[0] } else { self.b.ins().iconcat(lo[0], lo[1]) };
            let x = self.mask(x, n);
            return Ok(vec![self.resize(x, n, container(n), false)]);
        }
        let (k, _) = limbs(n);
        let (mut x, fill) = match (m > narrow, v) {
            (true, _) if signed => self.signed_limbs(v, m),
            (true, _) => (self.widened(v), self.b.ins().iconst(ct::I64, 0)),
            (false, [x]) => {
                let parts = if m <= 64 {
                    vec![self.resize(*x, m, ct::I64, signed)]
                } else {
                    let x = if signed { self.sext_in(*x, m) } else { *x };
                    let (lo, hi) = self.b.ins().isplit(x);
                    vec![lo, hi]
                };
                let fill = if signed {
                    self.b.ins().sshr_imm_u(parts[parts.len() - 1], 63)
                } else {
                    self.b.ins().iconst(ct::I64, 0)
                };
                (parts, fill)
            }
            (false, _) => return Err(refused(n, "a conversion from an aggregate")),
        };
        x.resize(k, fill);
        Ok(self.narrowed(x, n))
    }

    /// The leaves of the constant `words` (the lowest first) of an `iN` wider than 128 bits.
    pub(super) fn wide_constant(&mut self, n: u32, words: &[u64]) -> Vec<Value> {
        let (k, r) = limbs(n);
        (0..k)
            .map(|i| {
                let w = words.get(i).copied().unwrap_or(0);
                let (ty, w) = if i + 1 == k {
                    (container(r), w & (u64::MAX >> (64 - r)))
                } else {
                    (ct::I64, w)
                };
                self.iconst(ty, u128::from(w))
            })
            .collect()
    }
}
