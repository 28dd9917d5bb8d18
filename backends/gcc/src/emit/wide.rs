//! Integers wider than 128 bits (gcc 12 has no `_BitInt`): an `iN` is a structure of
//! ⌈N/64⌉ 64-bit limbs, the lowest first (`opm_w3` for `i136`), whose bits from N up are 0,
//! as a narrower `iN` is zero-extended in its container. Its operations are the helpers of
//! [`HELPERS`], each on the limbs with the width N: loads and stores of its store size,
//! `and`/`or`/`xor`, `add`/`sub`/`mul`, division and remainder (long division, a bit at a
//! time), shifts, comparisons, and conversions from and to other widths, lane by lane in a
//! vector; `select`, `phi`, `freeze` and a vector's lanes copy the structures. Refused by
//! name: such an integer passed to or returned from a function that code built elsewhere may
//! call or define (C would pass the structure otherwise than LLVM passes the integer; see
//! [`check_calls`]), inside an aggregate (whose layout the data layout decides), a vector of
//! them in memory, and any other operation on them (an intrinsic, a bit-cast, a `switch`, an
//! atomic).

use super::function::{Emitted, FnEmit, var};
use super::ops;
use crate::error::GccError;
use opm_backend::Site;
use opm_ir::print::{LocalNames, PrintOptions, instruction_text};
use opm_ir::{
    BinOp, Call, CastOp, ConstExpr, Constant, Function, FunctionType, Inst, Linkage, Module, Op,
    Operand, Type,
};

/// The number of 64-bit limbs of an `iN`.
pub(crate) fn limbs(n: u32) -> u32 {
    n.div_ceil(64)
}

/// The width of an integer type wider than 128 bits, or of a vector's lanes of one.
fn lane_bits(ty: &Type) -> Option<u32> {
    ty.scalar().wide_int_bits()
}

/// The widest integer above 128 bits among a function type's parameters and result.
fn wide_in_signature(ty: &FunctionType) -> Option<u32> {
    ty.params.iter().chain([&ty.ret]).filter_map(Type::wide_int_bits).max()
}

/// A function that only this module's own code calls: a local definition.
fn local_definition(f: &Function) -> bool {
    !f.blocks.is_empty() && matches!(f.props.linkage, Linkage::Internal | Linkage::Private)
}

/// Refuses integers wider than 128 bits passed to or returned from a function that code
/// built elsewhere may call or define: C passes their structures of limbs otherwise than
/// LLVM passes the integers. A function of this module with local linkage, called directly
/// by this module's code, passes them as C does on both sides.
pub(crate) fn check_calls(module: &Module) -> Result<(), GccError> {
    let ours = |name: &str| module.function(name).is_some_and(local_definition);
    for f in module.functions.iter().filter(|f| !f.name.starts_with("llvm.")) {
        if let Some(n) = wide_in_signature(&f.ty)
            && !local_definition(f)
        {
            return Err(GccError::Unsupported {
                construct: format!(
                    "the integer type `i{n}` (wider than 128 bits) as a parameter or return \
                     value of a function that code built elsewhere may call or define"
                ),
                site: Site::function(&f.name),
            });
        }
        for inst in f.blocks.iter().flat_map(|b| &b.insts) {
            let call = match &inst.op {
                Op::Call(c) => c,
                Op::Invoke { call, .. } => &**call,
                _ => continue,
            };
            let Some(n) = wide_in_signature(&call.fn_ty) else { continue };
            let direct = call.callee_name().is_some_and(ours)
                && call.callee_name().and_then(|c| module.function(c)).map(|c| &c.ty)
                    == Some(&call.fn_ty);
            if !direct && !is_intrinsic(call) {
                let names = LocalNames::new(f, PrintOptions::default());
                return Err(GccError::Unsupported {
                    construct: format!(
                        "the integer type `i{n}` (wider than 128 bits) passed to or returned \
                         from a function called through a pointer or that code built elsewhere \
                         may define"
                    ),
                    site: Site::instruction(&f.name, instruction_text(&names, inst)),
                });
            }
        }
    }
    Ok(())
}

fn is_intrinsic(c: &Call) -> bool {
    c.callee_name().is_some_and(|n| n.starts_with("llvm."))
}

/// What the refusal of a wide integer says.
pub(crate) fn refused(n: u32, what: &str) -> String {
    format!("{what} on the integer type `i{n}` (wider than 128 bits)")
}

/// The constant `words` (the lowest first, missing ones 0) of an `iN` wider than 128 bits.
pub(crate) fn literal(n: u32, words: &[u64]) -> String {
    let k = limbs(n);
    // Only the low N bits: the others are 0 in every value.
    let top_mask = u64::MAX >> (64 * k - n);
    let parts: Vec<String> = (0..k as usize)
        .map(|i| words.get(i).copied().unwrap_or(0))
        .enumerate()
        .map(|(i, w)| if i + 1 == k as usize { w & top_mask } else { w })
        .map(|w| format!("{w:#x}ULL"))
        .collect();
    format!("((opm_w{k}){{ {{ {} }} }})", parts.join(", "))
}

/// The helpers, emitted when the C calls one of them (`opm_w_`). The limb counts and widths
/// are constants at every call, so gcc unrolls their loops.
pub(crate) const HELPERS: &str = "\
OPM_INLINE void opm_w_norm(uint64_t *r, unsigned k, unsigned n) {
  unsigned top = n - 64 * (k - 1);
  if (top < 64) r[k - 1] &= ~0ULL >> (64 - top);
}
OPM_INLINE uint64_t opm_w_sign(const uint64_t *a, unsigned n) {
  return -((a[(n - 1) / 64] >> ((n - 1) % 64)) & 1);
}
OPM_INLINE void opm_w_ext(uint64_t *r, unsigned k, unsigned n, const uint64_t *a,
                          unsigned na, int sign) {
  uint64_t fill = sign ? opm_w_sign(a, na) : 0;
  unsigned la = (na + 63) / 64;
  for (unsigned i = 0; i < k; i++) r[i] = i < la ? a[i] : fill;
  if (na % 64 && la - 1 < k) r[la - 1] |= fill << (na % 64);
  opm_w_norm(r, k, n);
}
OPM_INLINE void opm_w_load(uint64_t *r, const void *p, unsigned k, unsigned n) {
  for (unsigned i = 0; i < k; i++) r[i] = 0;
  __builtin_memcpy(r, p, (n + 7) / 8);
  opm_w_norm(r, k, n);
}
OPM_INLINE void opm_w_load_volatile(uint64_t *r, const volatile uint8_t *p, unsigned k,
                                    unsigned n) {
  for (unsigned i = 0; i < k; i++) r[i] = 0;
  for (unsigned i = 0; i < (n + 7) / 8; i++) r[i / 8] |= (uint64_t)p[i] << 8 * (i % 8);
  opm_w_norm(r, k, n);
}
OPM_INLINE void opm_w_store(void *p, const uint64_t *a, unsigned n) {
  __builtin_memcpy(p, a, (n + 7) / 8);
}
OPM_INLINE void opm_w_store_volatile(volatile uint8_t *p, const uint64_t *a, unsigned n) {
  for (unsigned i = 0; i < (n + 7) / 8; i++) p[i] = (uint8_t)(a[i / 8] >> 8 * (i % 8));
}
OPM_INLINE void opm_w_and(uint64_t *r, const uint64_t *a, const uint64_t *b, unsigned k) {
  for (unsigned i = 0; i < k; i++) r[i] = a[i] & b[i];
}
OPM_INLINE void opm_w_or(uint64_t *r, const uint64_t *a, const uint64_t *b, unsigned k) {
  for (unsigned i = 0; i < k; i++) r[i] = a[i] | b[i];
}
OPM_INLINE void opm_w_xor(uint64_t *r, const uint64_t *a, const uint64_t *b, unsigned k) {
  for (unsigned i = 0; i < k; i++) r[i] = a[i] ^ b[i];
}
OPM_INLINE void opm_w_add(uint64_t *r, const uint64_t *a, const uint64_t *b, unsigned k,
                          unsigned n) {
  uint64_t c = 0;
  for (unsigned i = 0; i < k; i++) {
    opm_u128 s = (opm_u128)a[i] + b[i] + c;
    r[i] = (uint64_t)s;
    c = (uint64_t)(s >> 64);
  }
  opm_w_norm(r, k, n);
}
OPM_INLINE void opm_w_sub(uint64_t *r, const uint64_t *a, const uint64_t *b, unsigned k,
                          unsigned n) {
  uint64_t c = 0;
  for (unsigned i = 0; i < k; i++) {
    opm_u128 s = (opm_u128)a[i] - b[i] - c;
    r[i] = (uint64_t)s;
    c = (uint64_t)(s >> 64) & 1;
  }
  opm_w_norm(r, k, n);
}
OPM_INLINE void opm_w_mul(uint64_t *r, const uint64_t *a, const uint64_t *b, unsigned k,
                          unsigned n) {
  for (unsigned i = 0; i < k; i++) r[i] = 0;
  for (unsigned i = 0; i < k; i++) {
    uint64_t c = 0;
    for (unsigned j = 0; i + j < k; j++) {
      opm_u128 p = (opm_u128)a[i] * b[j] + r[i + j] + c;
      r[i + j] = (uint64_t)p;
      c = (uint64_t)(p >> 64);
    }
  }
  opm_w_norm(r, k, n);
}
OPM_INLINE uint64_t opm_w_amount(const uint64_t *s, unsigned k) {
  for (unsigned i = 1; i < k; i++)
    if (s[i]) return ~0ULL;
  return s[0];
}
OPM_INLINE void opm_w_shl(uint64_t *r, const uint64_t *a, unsigned k, unsigned n, uint64_t s) {
  if (s >= n) s = 0; /* poison: any value will do */
  unsigned q = s / 64, b = s % 64;
  for (unsigned i = k; i-- > 0;) {
    uint64_t hi = i >= q ? a[i - q] : 0, lo = i >= q + 1 ? a[i - q - 1] : 0;
    r[i] = b ? hi << b | lo >> (64 - b) : hi;
  }
  opm_w_norm(r, k, n);
}
OPM_INLINE uint64_t opm_w_limb(const uint64_t *a, unsigned k, unsigned n, unsigned i,
                               uint64_t fill) {
  if (i >= k) return fill;
  unsigned top = n - 64 * (k - 1);
  return i == k - 1 && top < 64 ? a[i] | (fill & ~(~0ULL >> (64 - top))) : a[i];
}
OPM_INLINE void opm_w_shr(uint64_t *r, const uint64_t *a, unsigned k, unsigned n, uint64_t s,
                          int sign) {
  uint64_t fill = sign ? opm_w_sign(a, n) : 0;
  if (s >= n) s = 0; /* poison: any value will do */
  unsigned q = s / 64, b = s % 64;
  for (unsigned i = 0; i < k; i++) {
    uint64_t lo = opm_w_limb(a, k, n, i + q, fill), hi = opm_w_limb(a, k, n, i + q + 1, fill);
    r[i] = b ? lo >> b | hi << (64 - b) : lo;
  }
  opm_w_norm(r, k, n);
}
OPM_INLINE int opm_w_cmp(const uint64_t *a, const uint64_t *b, unsigned k, unsigned n,
                         int sign) {
  if (sign) {
    uint64_t sa = opm_w_sign(a, n), sb = opm_w_sign(b, n);
    if (sa != sb) return sa ? -1 : 1;
  }
  for (unsigned i = k; i-- > 0;)
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}
/* a / b, or a % b with rem, as signed values with sign: long division of the magnitudes, a
   bit at a time; x, y and r are the caller's scratch limbs. Division by 0 and the one signed
   overflow are undefined in LLVM: any value will do. */
OPM_INLINE void opm_w_div(uint64_t *out, const uint64_t *a, const uint64_t *b, uint64_t *x,
                          uint64_t *y, uint64_t *r, unsigned k, unsigned n, int sign, int rem) {
  uint64_t sa = sign ? opm_w_sign(a, n) : 0, sb = sign ? opm_w_sign(b, n) : 0;
  for (unsigned i = 0; i < k; i++) out[i] = r[i] = x[i] = y[i] = 0;
  opm_w_sub(x, x, a, k, n);
  if (!sa) for (unsigned i = 0; i < k; i++) x[i] = a[i];
  opm_w_sub(y, y, b, k, n);
  if (!sb) for (unsigned i = 0; i < k; i++) y[i] = b[i];
  for (unsigned i = n; i-- > 0;) {
    uint64_t top = r[k - 1] >> 63;
    for (unsigned j = k; j-- > 1;) r[j] = r[j] << 1 | r[j - 1] >> 63;
    r[0] = r[0] << 1 | (x[i / 64] >> (i % 64) & 1);
    if (top || opm_w_cmp(r, y, k, 64 * k, 0) >= 0) {
      opm_w_sub(r, r, y, k, 64 * k);
      out[i / 64] |= 1ULL << (i % 64);
    }
  }
  if (rem)
    for (unsigned i = 0; i < k; i++) out[i] = r[i];
  if (rem ? sa : sa != sb) {
    for (unsigned i = 0; i < k; i++) y[i] = 0;
    opm_w_sub(out, y, out, k, n);
  }
  opm_w_norm(out, k, n);
}
";

impl FnEmit<'_, '_> {
    /// Emits `inst` if an integer wider than 128 bits (a scalar or a vector's lanes) is its
    /// result or an operand (`true`), or refuses it by name; `false` for any other
    /// instruction, and for the ones that only move wide values (`select`, `phi`, `freeze`,
    /// a vector's lanes inserted, extracted or shuffled), which the general code emits.
    pub(crate) fn wide_inst(&mut self, inst: &Inst) -> Emitted<bool> {
        let mut wide = lane_bits(&inst.ty);
        let mut lanes = inst.ty.vector_len();
        for op in inst.op.operands() {
            let ty = self.operand_type(op)?;
            if wide.is_none() && ty.has_wide_int() {
                wide = Some(lane_bits(&ty).ok_or_else(|| {
                    format!("the integer type inside `{ty}` (wider than 128 bits)")
                })?);
            }
            lanes = lanes.or(ty.vector_len());
        }
        let Some(n) = wide else { return Ok(false) };
        match &inst.op {
            // A direct call of a function of this module that no other code calls (see
            // `check_calls`), or a return from one.
            Op::Call(c) if !is_intrinsic(c) && c.asm().is_none() => {
                // Not as a variadic argument: C would pass the structure otherwise.
                for a in c.args.iter().skip(c.fn_ty.params.len()) {
                    if let Some(m) = self.operand_type(a)?.wide_int_bits() {
                        return Err(refused(m, "a variadic argument"));
                    }
                }
                return Ok(false);
            }
            Op::Ret { .. }
            | Op::Select { .. }
            | Op::Phi { .. }
            | Op::Freeze { .. }
            | Op::InsertElement { .. }
            | Op::ExtractElement { .. }
            | Op::ShuffleVector { .. } => return Ok(false),
            Op::Bin { .. } | Op::ICmp { .. } | Op::Cast { .. } => {
                let Some(count) = lanes else { return self.wide_lane(inst, n, None).map(|_| true) };
                for i in 0..count as usize {
                    self.wide_lane(inst, n, Some(i))?;
                }
            }
            Op::Load { ptr, volatile, atomic: None, .. } if inst.ty.wide_int_bits().is_some() => {
                let p = self.operand(ptr)?;
                let dst = var(inst.result.ok_or("a load without a result")?);
                let k = limbs(n);
                if *volatile {
                    let p = format!("(volatile uint8_t *)({p})");
                    self.line(&format!("opm_w_load_volatile({dst}.w, {p}, {k}, {n});"));
                } else {
                    self.line(&format!("opm_w_load({dst}.w, {p}, {k}, {n});"));
                }
            }
            Op::Store { val, ptr, volatile, atomic: None, .. }
                if self.operand_type(val)?.wide_int_bits().is_some() =>
            {
                let x = self.limbs_of(val, None)?;
                let p = self.operand(ptr)?;
                if *volatile {
                    let p = format!("(volatile uint8_t *)({p})");
                    self.line(&format!("opm_w_store_volatile({p}, {x}, {n});"));
                } else {
                    self.line(&format!("opm_w_store({p}, {x}, {n});"));
                }
            }
            op => return Err(refused(n, &format!("`{}`", op.opcode_name()))),
        }
        Ok(true)
    }

    /// The operation `inst` (a `Bin`, `ICmp` or `Cast`) on one lane, or on scalars.
    fn wide_lane(&mut self, inst: &Inst, n: u32, lane: Option<usize>) -> Emitted<()> {
        let v = inst.result.ok_or("an operation without a result")?;
        let dst = match lane {
            Some(i) => self.lane(&var(v), &inst.ty, i),
            None => var(v),
        };
        match &inst.op {
            Op::Bin { op, lhs, rhs, .. } if lane_bits(&inst.ty).is_some() => {
                let k = limbs(n);
                let (a, b) = (self.limbs_of(lhs, lane)?, self.limbs_of(rhs, lane)?);
                let call = match op {
                    BinOp::And => format!("opm_w_and({dst}.w, {a}, {b}, {k})"),
                    BinOp::Or => format!("opm_w_or({dst}.w, {a}, {b}, {k})"),
                    BinOp::Xor => format!("opm_w_xor({dst}.w, {a}, {b}, {k})"),
                    BinOp::Add => format!("opm_w_add({dst}.w, {a}, {b}, {k}, {n})"),
                    BinOp::Sub => format!("opm_w_sub({dst}.w, {a}, {b}, {k}, {n})"),
                    BinOp::Mul => format!("opm_w_mul({dst}.w, {a}, {b}, {k}, {n})"),
                    BinOp::UDiv | BinOp::SDiv | BinOp::URem | BinOp::SRem => {
                        let ct = format!("opm_w{k}");
                        let scratch: Vec<String> = (0..3).map(|_| self.fresh()).collect();
                        for t in &scratch {
                            self.declare(&format!("{ct} {t}"));
                        }
                        let [x, y, r] = [&scratch[0], &scratch[1], &scratch[2]];
                        let sign = u8::from(matches!(op, BinOp::SDiv | BinOp::SRem));
                        let rem = u8::from(matches!(op, BinOp::URem | BinOp::SRem));
                        format!(
                            "opm_w_div({dst}.w, {a}, {b}, {x}.w, {y}.w, {r}.w, {k}, {n}, {sign}, \
                             {rem})"
                        )
                    }
                    BinOp::Shl => {
                        format!("opm_w_shl({dst}.w, {a}, {k}, {n}, opm_w_amount({b}, {k}))")
                    }
                    BinOp::LShr | BinOp::AShr => {
                        let sign = u8::from(*op == BinOp::AShr);
                        let s = format!("opm_w_amount({b}, {k})");
                        format!("opm_w_shr({dst}.w, {a}, {k}, {n}, {s}, {sign})")
                    }
                    other => return Err(refused(n, &format!("`{}`", other.name()))),
                };
                self.line(&format!("{call};"));
            }
            Op::ICmp { pred, lhs, rhs, .. } => {
                let (a, b) = (self.limbs_of(lhs, lane)?, self.limbs_of(rhs, lane)?);
                let (rel, s) = (ops::relation(*pred), u8::from(ops::is_signed(*pred)));
                let k = limbs(n);
                self.line(&format!(
                    "{dst} = (uint8_t)(opm_w_cmp({a}, {b}, {k}, {n}, {s}) {rel} 0);"
                ));
            }
            Op::Cast { op: op @ (CastOp::Trunc | CastOp::ZExt | CastOp::SExt), val, .. } => {
                let from = self.operand_type(val)?;
                let (Some(Type::Int(m)), Some(Type::Int(to))) =
                    (Some(from.scalar()), Some(inst.ty.scalar()))
                else {
                    return Err(refused(n, &format!("`{}` from `{from}`", op.name())));
                };
                let (m, to) = (*m, *to);
                let sign = u8::from(*op == CastOp::SExt);
                let k = limbs(to);
                if m > opm_ir::types::NATIVE_INT_BITS {
                    let a = self.limbs_of(val, lane)?;
                    if to > opm_ir::types::NATIVE_INT_BITS {
                        self.line(&format!("opm_w_ext({dst}.w, {k}, {to}, {a}, {m}, {sign});"));
                    } else {
                        // To 128 bits or fewer: the low two limbs.
                        let low = format!("((opm_u128)({a})[1] << 64 | ({a})[0])");
                        self.line(&format!("{dst} = {};", ops::wrap(to, &low)));
                    }
                } else {
                    // From 128 bits or fewer: its container as two limbs.
                    let x = match lane {
                        Some(i) => self.lane_of(val, i)?,
                        None => self.operand(val)?,
                    };
                    let t = self.fresh();
                    self.declare(&format!("uint64_t {t}[2]"));
                    self.line(&format!("{t}[0] = (uint64_t)({x});"));
                    self.line(&format!("{t}[1] = (uint64_t)((opm_u128)({x}) >> 64);"));
                    self.line(&format!("opm_w_ext({dst}.w, {k}, {to}, {t}, {m}, {sign});"));
                }
            }
            op => return Err(refused(n, &format!("`{}`", op.opcode_name()))),
        }
        Ok(())
    }

    /// The limbs of a wide operand (of its lane `lane`), as an `uint64_t *` expression.
    fn limbs_of(&mut self, op: &Operand, lane: Option<usize>) -> Emitted<String> {
        let e = match lane {
            Some(i) => self.lane_of(op, i)?,
            None => self.operand(op)?,
        };
        Ok(format!("({e}).w"))
    }
}

/// The width of a wide integer a constant expression computes or reads, if any.
pub(crate) fn wide_in_expr(e: &ConstExpr) -> Option<u32> {
    let types: Vec<Type> = match e {
        ConstExpr::Cast { val, to, .. } => vec![val.ty(), to.clone()],
        ConstExpr::Bin { lhs, rhs, .. } => vec![lhs.ty(), rhs.ty()],
        ConstExpr::Gep { indices, .. } => indices.iter().map(Constant::ty).collect(),
    };
    types.iter().find_map(Type::wide_int_bits)
}
