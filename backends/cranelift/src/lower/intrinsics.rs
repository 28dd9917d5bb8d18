//! LLVM intrinsics. Those with a Cranelift instruction map to it; the others are built from
//! several instructions or call the C library, always with LLVM's exact semantics (llvm.round
//! rounds half away from zero, so it is `round()`, not Cranelift's `nearest`; llvm.minnum
//! ignores a NaN operand, so it is `fmin()`; llvm.fmuladd is not fused, as clang's own build
//! on x86-64 without FMA). Annotations (lifetime, assume, dbg, noalias scopes, prefetch) are
//! dropped. Element-wise intrinsics on vectors apply lane by lane.

use super::{FnLower, Lowered};
use crate::types::{container, scalar};
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{InstBuilder, TrapCode, Value, types as ct};
use cranelift_frontend::FunctionBuilder;
use opm_ir::{Call, Constant, Inst, Type};

impl FnLower<'_, '_> {
    /// Lowers a call of the intrinsic `name`.
    pub(crate) fn intrinsic(&mut self, inst: &Inst, name: &str, c: &Call) -> Lowered<Vec<Value>> {
        if opm_ir::intrinsic::is_hint(name) {
            return Ok(Vec::new());
        }
        let base = opm_ir::intrinsic::base_name(name);
        let mut args = Vec::with_capacity(c.args.len());
        for a in &c.args {
            args.push(self.operand(a)?);
        }
        let ty = inst.ty.clone();
        let elem = ty.scalar().clone();
        let config = self.cx.obj_config();
        match base {
            "memcpy" | "memcpy.inline" | "memmove" | "memset" | "memset.inline" => {
                let len_bits = self.operand_type(&c.args[2])?.int_bits().unwrap_or(64);
                let len = self.zext_to_i64(args[2][0], len_bits);
                let (dst, src) = (args[0][0], args[1][0]);
                match base {
                    "memmove" => self.b.call_memmove(config, dst, src, len),
                    "memset" | "memset.inline" => self.b.call_memset(config, dst, src, len),
                    _ => self.b.call_memcpy(config, dst, src, len),
                }
                return Ok(Vec::new());
            }
            "expect" | "expect.with.probability" => return Ok(args.swap_remove(0)),
            "trap" | "debugtrap" | "ubsantrap" => {
                self.b.ins().trap(TrapCode::unwrap_user(2));
                return Ok(Vec::new());
            }
            "is.constant" => return Ok(vec![self.iconst(ct::I8, 0)]),
            "va_start" => {
                self.va_start(args[0][0])?;
                return Ok(Vec::new());
            }
            "va_end" => return Ok(Vec::new()),
            "va_copy" => {
                self.va_copy(args[0][0], args[1][0]);
                return Ok(Vec::new());
            }
            "load.relative" => {
                let off_bits = self.operand_type(&c.args[1])?.int_bits().unwrap_or(64);
                let off = self.sext_to_i64(args[1][0], off_bits);
                let base = args[0][0];
                let flags = cranelift_codegen::ir::MemFlagsData::new();
                if let Some(Constant::Global(table)) = c.args[0].as_const()
                    && self.cx.relative_tables.contains(table)
                {
                    // Laid out as absolute pointers (see `module::relative_tables`).
                    let scaled = self.b.ins().imul_imm_s(off, 2);
                    let addr = self.b.ins().iadd(base, scaled);
                    return Ok(vec![self.b.ins().load(ct::I64, flags, addr, 0)]);
                }
                let addr = self.b.ins().iadd(base, off);
                let rel = self.b.ins().load(ct::I32, flags, addr, 0);
                let rel = self.b.ins().sextend(ct::I64, rel);
                return Ok(vec![self.b.ins().iadd(base, rel)]);
            }
            "objectsize" => {
                // "Unknown": 0 when asked for the minimum, -1 for the maximum.
                let min = c.args.get(1).and_then(|a| a.as_const()) == Some(&Constant::bool(true));
                let bits = elem.int_bits().unwrap_or(64);
                let v = if min { 0 } else { u128::MAX };
                return Ok(vec![self.iconst(container(bits), v & opm_ir::value::mask(bits))]);
            }
            _ => {}
        }
        if let Some(op) = base.strip_suffix(".with.overflow") {
            let bits = self.operand_type(&c.args[0])?.int_bits().unwrap_or(64);
            let mut out = Vec::new();
            let mut flags = Vec::new();
            for (&a, &b) in args[0].iter().zip(&args[1]) {
                let (r, o) = self.overflow_op(op, bits, a, b)?;
                out.push(r);
                flags.push(o);
            }
            out.extend(flags);
            return Ok(out);
        }
        if base == "modf" {
            // { fractional part, integral part }, through the C library's modf (which keeps
            // the signs of zeros and infinities exact).
            let fty = scalar(self.operand_type(&c.args[0])?.scalar())?;
            let name = if fty == ct::F32 { "modff" } else { "modf" };
            let slot = self.b.create_sized_stack_slot(cranelift_codegen::ir::StackSlotData::new(
                cranelift_codegen::ir::StackSlotKind::ExplicitSlot,
                8,
                3,
            ));
            let (mut fracs, mut ints) = (Vec::new(), Vec::new());
            for &x in &args[0] {
                let addr = self.b.ins().stack_addr(ct::I64, slot, 0);
                fracs.push(self.libcall(name, &[fty, ct::I64], fty, &[x, addr])?);
                let flags = cranelift_codegen::ir::MemFlagsData::new();
                ints.push(self.b.ins().load(fty, flags, addr, 0));
            }
            fracs.extend(ints);
            return Ok(fracs);
        }
        if let Some(op) = base.strip_prefix("vector.reduce.") {
            return Ok(vec![self.reduce(op, &c.args[0], &args)?]);
        }
        if matches!(base, "stacksave" | "stackrestore") {
            return Err(format!("a dynamic stack allocation (@llvm.{base})"));
        }
        if c.args.is_empty() || args.iter().any(|a| a.is_empty()) {
            return Err(format!("the intrinsic @llvm.{base}"));
        }
        // Element-wise intrinsics: the first argument's lanes drive the iteration.
        let arg_elem = self.operand_type(&c.args[0])?.scalar().clone();
        let lanes = args[0].len();
        let mut out = Vec::with_capacity(lanes);
        for i in 0..lanes {
            let lane: Vec<Value> =
                args.iter().map(|a| if a.len() == lanes { a[i] } else { a[0] }).collect();
            out.push(self.elementwise(base, &elem, &arg_elem, &lane)?);
        }
        Ok(out)
    }

    /// One lane of an element-wise intrinsic. `elem` is the result's scalar type, `arg_elem`
    /// the first argument's.
    fn elementwise(
        &mut self,
        base: &str,
        elem: &Type,
        arg_elem: &Type,
        a: &[Value],
    ) -> Lowered<Value> {
        let bits = arg_elem.int_bits().unwrap_or(64);
        let is_f32 = arg_elem == &Type::Float;
        let libm = |name: &str| if is_f32 { format!("{name}f") } else { name.to_string() };
        let fty = if arg_elem.is_float() { Some(scalar(arg_elem)?) } else { None };
        let ins = |b: &mut FunctionBuilder<'_>| -> Option<Value> {
            let i = b.ins();
            Some(match base {
                "sqrt" => i.sqrt(a[0]),
                "fabs" => i.fabs(a[0]),
                "floor" => i.floor(a[0]),
                "ceil" => i.ceil(a[0]),
                "trunc" => i.trunc(a[0]),
                "rint" | "nearbyint" | "roundeven" => i.nearest(a[0]),
                "copysign" => i.fcopysign(a[0], a[1]),
                "minimum" => i.fmin(a[0], a[1]),
                "maximum" => i.fmax(a[0], a[1]),
                "fmuladd" => {
                    let m = i.fmul(a[0], a[1]);
                    b.ins().fadd(m, a[2])
                }
                _ => return None,
            })
        };
        if fty.is_some()
            && let Some(v) = ins(&mut self.b)
        {
            return Ok(v);
        }
        if let Some(fty) = fty {
            let (name, arity) = match base {
                "round" => ("round", 1),
                "fma" => ("fma", 3),
                "minnum" => ("fmin", 2),
                "maxnum" => ("fmax", 2),
                "pow" => ("pow", 2),
                "exp" => ("exp", 1),
                "exp2" => ("exp2", 1),
                "log" => ("log", 1),
                "log2" => ("log2", 1),
                "log10" => ("log10", 1),
                "sin" => ("sin", 1),
                "cos" => ("cos", 1),
                "tan" => ("tan", 1),
                _ => return Err(format!("the intrinsic @llvm.{base} on `{arg_elem}`")),
            };
            return self.libcall(&libm(name), &vec![fty; arity], fty, &a[..arity]);
        }
        let cty = container(bits);
        let v = match base {
            "smax" | "smin" | "umax" | "umin" => {
                let signed = base.starts_with('s');
                let (x, y) = if signed {
                    (self.sext_in(a[0], bits), self.sext_in(a[1], bits))
                } else {
                    (a[0], a[1])
                };
                let r = match base {
                    "smax" => self.b.ins().smax(x, y),
                    "smin" => self.b.ins().smin(x, y),
                    "umax" => self.b.ins().umax(x, y),
                    _ => self.b.ins().umin(x, y),
                };
                self.mask(r, bits)
            }
            "abs" => {
                let x = self.sext_in(a[0], bits);
                let r = self.b.ins().iabs(x);
                self.mask(r, bits)
            }
            "scmp" | "ucmp" => {
                // -1, 0 or 1 in the result's width.
                let (lt, gt) = if base == "scmp" {
                    (opm_ir::IntPredicate::Slt, opm_ir::IntPredicate::Sgt)
                } else {
                    (opm_ir::IntPredicate::Ult, opm_ir::IntPredicate::Ugt)
                };
                let below = self.icmp(lt, arg_elem, a[0], a[1])?;
                let above = self.icmp(gt, arg_elem, a[0], a[1])?;
                let rbits = elem.int_bits().unwrap_or(32);
                let rty = container(rbits);
                let below = self.resize(below, 1, rty, false);
                let above = self.resize(above, 1, rty, false);
                let r = self.b.ins().isub(above, below);
                return Ok(self.mask(r, rbits));
            }
            "ctpop" => self.b.ins().popcnt(a[0]),
            "ctlz" => {
                let r = self.b.ins().clz(a[0]);
                let extra = cty.bits() - bits;
                if extra == 0 { r } else { self.b.ins().iadd_imm_s(r, -i64::from(extra)) }
            }
            "cttz" => {
                let r = self.b.ins().ctz(a[0]);
                if bits == cty.bits() {
                    r
                } else {
                    let n = self.iconst(cty, u128::from(bits));
                    self.b.ins().umin(r, n)
                }
            }
            "bswap" | "bitreverse" => {
                // Reversed across the container: the N bits end up at the top.
                let r = if base == "bswap" {
                    self.b.ins().bswap(a[0])
                } else {
                    self.b.ins().bitrev(a[0])
                };
                let extra = cty.bits() - bits;
                if extra == 0 { r } else { self.b.ins().ushr_imm_u(r, i64::from(extra)) }
            }
            "fshl" | "fshr" => self.funnel_shift(base == "fshl", bits, a[0], a[1], a[2]),
            "sadd.sat" | "uadd.sat" | "ssub.sat" | "usub.sat" => {
                self.saturating(&base[..4], bits, a[0], a[1])?
            }
            _ => return Err(format!("the intrinsic @llvm.{base}")),
        };
        Ok(v)
    }

    /// `fshl` / `fshr` on `bits`-wide values: the shift amount is taken modulo the width.
    fn funnel_shift(&mut self, left: bool, bits: u32, hi: Value, lo: Value, amt: Value) -> Value {
        let ty = self.b.func.dfg.value_type(hi);
        let n = self.iconst(ty, u128::from(bits));
        let s = self.b.ins().urem(amt, n);
        let inv = self.b.ins().isub(n, s);
        let (x, y) = if left {
            (self.b.ins().ishl(hi, s), self.b.ins().ushr(lo, inv))
        } else {
            (self.b.ins().ishl(hi, inv), self.b.ins().ushr(lo, s))
        };
        let r = self.b.ins().bor(x, y);
        let r = self.mask(r, bits);
        let zero = self.b.ins().icmp_imm_s(IntCC::Equal, s, 0);
        let unchanged = if left { hi } else { lo };
        self.b.ins().select(zero, unchanged, r)
    }

    /// The `*.with.overflow` intrinsics on `bits`-wide values: the result and the flag.
    fn overflow_op(&mut self, op: &str, bits: u32, a: Value, b: Value) -> Lowered<(Value, Value)> {
        let cty = container(bits);
        let signed = op.starts_with('s');
        let kind = &op[1..];
        if bits > 64 && kind == "mul" {
            return self.mul_overflow_wide(signed, bits, a, b);
        }
        // Compute exactly in a type wide enough for the whole result, then compare.
        let wide = if kind == "mul" {
            if bits <= 32 { ct::I64 } else { ct::I128 }
        } else {
            container(bits + 1)
        };
        if wide.bits() > cty.bits() || (kind != "mul" && bits < cty.bits()) {
            let (x, y) = (self.resize(a, bits, wide, signed), self.resize(b, bits, wide, signed));
            let exact = match kind {
                "add" => self.b.ins().iadd(x, y),
                "sub" => self.b.ins().isub(x, y),
                _ => self.b.ins().imul(x, y),
            };
            // The truncated result, extended back: equal to the exact one iff no overflow.
            let narrow = self.resize(exact, wide.bits(), cty, false);
            let narrow = self.mask(narrow, bits);
            let back = self.resize(narrow, bits, wide, signed);
            let ovf = self.b.ins().icmp(IntCC::NotEqual, back, exact);
            return Ok((narrow, ovf));
        }
        // Full-width add or sub of a 128-bit (or exactly container-sized) value.
        let r = if kind == "add" { self.b.ins().iadd(a, b) } else { self.b.ins().isub(a, b) };
        let ovf = if signed {
            // Overflow when the operands' signs (add: equal, sub: different) disagree with the
            // result's.
            let x = self.b.ins().bxor(r, a);
            let y = if kind == "add" { self.b.ins().bxor(r, b) } else { self.b.ins().bxor(a, b) };
            let both = self.b.ins().band(x, y);
            let zero = self.iconst(cty, 0);
            self.b.ins().icmp(IntCC::SignedLessThan, both, zero)
        } else if kind == "add" {
            self.b.ins().icmp(IntCC::UnsignedLessThan, r, a)
        } else {
            self.b.ins().icmp(IntCC::UnsignedLessThan, a, b)
        };
        Ok((r, ovf))
    }

    /// A multiplication of more than 64 bits with its overflow flag: the wrapped product `r`
    /// overflowed unless `a` is 0 or `r / a == b` (and, signed, not `-1 * MIN`).
    fn mul_overflow_wide(
        &mut self,
        signed: bool,
        bits: u32,
        a: Value,
        b: Value,
    ) -> Lowered<(Value, Value)> {
        let (sa, sb) = if signed { (self.sext_in(a, bits), self.sext_in(b, bits)) } else { (a, b) };
        let r = self.b.ins().imul(sa, sb);
        let r = self.mask(r, bits);
        let sr = if signed { self.sext_in(r, bits) } else { r };
        // Divide by `a`, or by 1 when `a` is 0 (no division by zero).
        let a_zero = self.b.ins().icmp_imm_s(IntCC::Equal, sa, 0);
        let one = self.iconst(ct::I128, 1);
        let divisor = self.b.ins().select(a_zero, one, sa);
        let q = self.libcall(
            if signed { "__divti3" } else { "__udivti3" },
            &[ct::I128, ct::I128],
            ct::I128,
            &[sr, divisor],
        )?;
        let differs = self.b.ins().icmp(IntCC::NotEqual, q, sb);
        let not_zero = self.b.ins().icmp_imm_s(IntCC::NotEqual, sa, 0);
        let mut ovf = self.b.ins().band(differs, not_zero);
        if signed {
            // -1 * MIN wraps to MIN, and MIN / -1 would overflow the division as well.
            let minus_one = self.b.ins().icmp_imm_s(IntCC::Equal, sa, -1);
            let min = self.iconst(ct::I128, 1u128 << (bits - 1));
            let min = self.sext_in(min, bits);
            let b_min = self.b.ins().icmp(IntCC::Equal, sb, min);
            let special = self.b.ins().band(minus_one, b_min);
            ovf = self.b.ins().bor(ovf, special);
        }
        Ok((r, ovf))
    }

    /// `sadd.sat`, `uadd.sat`, `ssub.sat`, `usub.sat`.
    fn saturating(&mut self, op: &str, bits: u32, a: Value, b: Value) -> Lowered<Value> {
        let cty = container(bits);
        let (r, ovf) = self.overflow_op(op, bits, a, b)?;
        let limit = match op {
            "uadd" => self.iconst(cty, opm_ir::value::mask(bits)),
            "usub" => self.iconst(cty, 0),
            _ => {
                // Signed: overflow goes towards the sign of `a`.
                let max = self.iconst(cty, opm_ir::value::mask(bits - 1));
                let min = self.iconst(cty, 1u128 << (bits - 1));
                let sa = self.sext_in(a, bits);
                let zero = self.iconst(cty, 0);
                let neg = self.b.ins().icmp(IntCC::SignedLessThan, sa, zero);
                self.b.ins().select(neg, min, max)
            }
        };
        Ok(self.b.ins().select(ovf, limit, r))
    }

    /// `llvm.vector.reduce.*`: a fold over the lanes (in lane order, as the sequential
    /// floating-point reductions require).
    pub(crate) fn reduce(
        &mut self,
        op: &str,
        vec: &opm_ir::Operand,
        args: &[Vec<Value>],
    ) -> Lowered<Value> {
        let elem = self.operand_type(vec)?.scalar().clone();
        let (start, lanes) = match op {
            "fadd" | "fmul" => (Some(args[0][0]), args[1].clone()),
            _ => (None, args[0].clone()),
        };
        let (first, rest) = match start {
            Some(s) => (s, &lanes[..]),
            None => (lanes[0], &lanes[1..]),
        };
        let bits = elem.int_bits().unwrap_or(64);
        let mut acc = first;
        for &x in rest {
            acc = match op {
                "add" => self.bin(opm_ir::BinOp::Add, &elem, acc, x)?,
                "mul" => self.bin(opm_ir::BinOp::Mul, &elem, acc, x)?,
                "and" => self.b.ins().band(acc, x),
                "or" => self.b.ins().bor(acc, x),
                "xor" => self.b.ins().bxor(acc, x),
                "fadd" => self.b.ins().fadd(acc, x),
                "fmul" => self.b.ins().fmul(acc, x),
                "smax" | "smin" => {
                    let (p, q) = (self.sext_in(acc, bits), self.sext_in(x, bits));
                    let r = if op == "smax" {
                        self.b.ins().smax(p, q)
                    } else {
                        self.b.ins().smin(p, q)
                    };
                    self.mask(r, bits)
                }
                "umax" => self.b.ins().umax(acc, x),
                "umin" => self.b.ins().umin(acc, x),
                _ => return Err(format!("the intrinsic @llvm.vector.reduce.{op}")),
            };
        }
        Ok(acc)
    }
}
