//! LLVM intrinsics, by the class [`opm_backend::intrinsic`] gives each: a match over every
//! class, so that a new one is lowered or refused here by name. Those with a Cranelift
//! instruction map to it; the others are built from several instructions or call the C
//! library (or libgcc: `__powidf2`), always with LLVM's exact semantics (llvm.round rounds
//! half away from zero, so it is `round()`, not Cranelift's `nearest`; llvm.minnum ignores a
//! NaN operand, so it is `fmin()`; llvm.fmuladd is not fused, as clang's own build on x86-64
//! without FMA, but is `fma()` in a function whose processor has FMA, as clang's build
//! there). Annotations (lifetime, assume, dbg, noalias scopes, prefetch) are dropped;
//! `stacksave`/`stackrestore` mark and free dynamic allocations (see
//! [`FnLower::dynamic_alloca`]). Element-wise intrinsics on vectors apply lane by lane.

use super::{FnLower, Lowered};
use crate::types::{container, scalar};
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{BlockArg, InstBuilder, MemFlagsData, TrapCode, Value, types as ct};
use opm_backend::intrinsic::{
    Arith, Elementwise, FloatOp, IntOp, Intrinsic, MemOp, ReduceOp, classify, masked_operands,
};
use opm_ir::{Call, Constant, Inst, Type};

impl FnLower<'_, '_> {
    /// `llvm.masked.load`/`llvm.masked.store` (see [`Intrinsic::Masked`]): lane by lane, a
    /// branch around each lane's access, so that a lane whose mask is false is never touched.
    fn masked(
        &mut self,
        inst: &Inst,
        c: &Call,
        store: bool,
        args: &[Vec<Value>],
    ) -> Lowered<Vec<Value>> {
        let pos = masked_operands(store, args.len()).ok_or("@llvm.masked with too few operands")?;
        let vec_ty = if store { self.operand_type(&c.args[pos.lanes])? } else { inst.ty.clone() };
        let ptr = *args[pos.ptr].first().ok_or("@llvm.masked without a pointer")?;
        let (mask, lanes) = (&args[pos.mask], &args[pos.lanes]);
        let elem = vec_ty.scalar().clone();
        if !matches!(elem, Type::Int(8 | 16 | 32 | 64) | Type::Float | Type::Double | Type::Ptr) {
            return Err(format!("@llvm.masked on lanes of `{elem}`"));
        }
        let size = i64::try_from(self.cx.layout.size_of(&elem)?).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        for (i, &on) in mask.iter().enumerate() {
            let access = self.b.create_block();
            let next = self.b.create_block();
            let addr = self.b.ins().iadd_imm_s(ptr, size * i as i64);
            if store {
                let lane = *lanes.get(i).ok_or("@llvm.masked: lanes and mask differ")?;
                self.b.ins().brif(on, access, &[], next, &[]);
                self.b.switch_to_block(access);
                self.store(&elem, &[lane], addr)?;
                self.b.ins().jump(next, &[]);
                self.b.switch_to_block(next);
            } else {
                let passthru = *lanes.get(i).ok_or("@llvm.masked: lanes and mask differ")?;
                let ty = self.b.func.dfg.value_type(passthru);
                let lane = self.b.append_block_param(next, ty);
                self.b.ins().brif(on, access, &[], next, &[passthru.into()]);
                self.b.switch_to_block(access);
                let loaded = self.load(&elem, addr)?;
                let args: Vec<BlockArg> = loaded.into_iter().map(BlockArg::from).collect();
                self.b.ins().jump(next, &args);
                self.b.switch_to_block(next);
                out.push(lane);
            }
        }
        Ok(out)
    }

    /// Lowers a call of the intrinsic `name`.
    pub(crate) fn intrinsic(&mut self, inst: &Inst, name: &str, c: &Call) -> Lowered<Vec<Value>> {
        let class = classify(name);
        if class == Intrinsic::Hint {
            return Ok(Vec::new());
        }
        let base = opm_ir::intrinsic::base_name(name);
        let mut args = Vec::with_capacity(c.args.len());
        for a in &c.args {
            args.push(self.operand(a)?);
        }
        let elem = inst.ty.scalar().clone();
        let config = self.cx.obj_config();
        match class {
            Intrinsic::Hint => Ok(Vec::new()), // (returned above, before its operands)
            Intrinsic::Memory(op) => {
                let len_bits = self.operand_type(&c.args[2])?.int_bits().unwrap_or(64);
                let len = self.zext_to_i64(args[2][0], len_bits);
                let (dst, src) = (args[0][0], args[1][0]);
                match op {
                    MemOp::Move => self.b.call_memmove(config, dst, src, len),
                    MemOp::Set => self.b.call_memset(config, dst, src, len),
                    MemOp::Copy => self.b.call_memcpy(config, dst, src, len),
                }
                Ok(Vec::new())
            }
            Intrinsic::PassThrough => Ok(args.swap_remove(0)),
            Intrinsic::Trap => {
                self.b.ins().trap(TrapCode::unwrap_user(2));
                // The rest of the canonical block (its terminator at least) cannot be reached:
                // it goes to a block of its own that nothing jumps to.
                let rest = self.b.create_block();
                self.b.switch_to_block(rest);
                Ok(Vec::new())
            }
            Intrinsic::IsConstant => Ok(vec![self.iconst(ct::I8, 0)]),
            Intrinsic::ObjectSize => {
                // "Unknown": 0 when asked for the minimum, -1 for the maximum.
                let min = c.args.get(1).and_then(|a| a.as_const()) == Some(&Constant::bool(true));
                let bits = elem.int_bits().unwrap_or(64);
                let v = if min { 0 } else { u128::MAX };
                Ok(vec![self.iconst(container(bits), v & opm_ir::value::mask(bits))])
            }
            Intrinsic::VaStart => {
                self.va_start(args[0][0])?;
                Ok(Vec::new())
            }
            Intrinsic::VaEnd => Ok(Vec::new()),
            Intrinsic::VaCopy => {
                self.va_copy(args[0][0], args[1][0]);
                Ok(Vec::new())
            }
            Intrinsic::StackSave => {
                let newest = self.dynamic.ok_or("@llvm.stacksave")?;
                Ok(vec![self.b.use_var(newest)])
            }
            Intrinsic::StackRestore => {
                self.release_dynamic(args[0][0])?;
                Ok(Vec::new())
            }
            Intrinsic::LoadRelative => Ok(vec![self.load_relative(c, &args)?]),
            Intrinsic::PtrMask => {
                let mask_ty = self.operand_type(&c.args[1])?;
                let (Type::Ptr, Some(64)) = (&inst.ty, mask_ty.int_bits()) else {
                    return Err(format!("the intrinsic @llvm.{base} on `{}`", inst.ty));
                };
                Ok(vec![self.b.ins().band(args[0][0], args[1][0])])
            }
            Intrinsic::Masked { store } => self.masked(inst, c, store, &args),
            Intrinsic::SignMask => {
                let ty = self.operand_type(&c.args[0])?;
                let lane_bits = match ty.scalar() {
                    Type::Int(b @ (8 | 16 | 32 | 64)) => *b,
                    Type::Float => 32,
                    Type::Double => 64,
                    t => return Err(format!("the intrinsic @llvm.{base} on `<… x {t}>`")),
                };
                let ity = container(lane_bits);
                let mut r = self.iconst(ct::I32, 0);
                for (i, &lane) in args[0].iter().enumerate() {
                    let bits = if ty.scalar().is_float() {
                        self.b.ins().bitcast(ity, MemFlagsData::new(), lane)
                    } else {
                        lane
                    };
                    let sign = self.b.ins().ushr_imm_u(bits, i64::from(lane_bits - 1));
                    let sign = match lane_bits {
                        64 => self.b.ins().ireduce(ct::I32, sign),
                        32 => sign,
                        _ => self.b.ins().uextend(ct::I32, sign),
                    };
                    let at = self.b.ins().ishl_imm_u(sign, i as i64);
                    r = self.b.ins().bor(r, at);
                }
                Ok(vec![r])
            }
            Intrinsic::CttzElts => {
                // The first true lane's number: selects from the last lane to lane 0.
                let bits = inst.ty.int_bits().ok_or("@llvm.experimental.cttz.elts to a vector")?;
                let cty = container(bits);
                let lanes = &args[0];
                let mut r = self.iconst(cty, lanes.len() as u128);
                for (i, &lane) in lanes.iter().enumerate().rev() {
                    let at = self.iconst(cty, i as u128);
                    r = self.b.ins().select(lane, at, r);
                }
                Ok(vec![r])
            }
            Intrinsic::ThreadPointer => {
                let helper = self.cx.thread_pointer()?;
                let fref = self.funcref(helper);
                let call = self.b.ins().call(fref, &[]);
                Ok(self.b.inst_results(call).to_vec())
            }
            Intrinsic::Overflow { signed, op } => {
                let bits = self.operand_type(&c.args[0])?.int_bits().unwrap_or(64);
                let mut out = Vec::new();
                let mut flags = Vec::new();
                for (&a, &b) in args[0].iter().zip(&args[1]) {
                    let (r, o) = self.overflow_op(signed, op, bits, a, b)?;
                    out.push(r);
                    flags.push(o);
                }
                out.extend(flags);
                Ok(out)
            }
            Intrinsic::Modf => self.modf(c, &args),
            Intrinsic::IsFpClass => {
                let arg_elem = self.operand_type(&c.args[0])?.scalar().clone();
                let mask = c.args.get(1).and_then(|a| a.as_const()).and_then(Constant::as_signed);
                let (Some(mask), Type::Float | Type::Double) = (mask, &arg_elem) else {
                    return Err(format!("the intrinsic @llvm.{base} on `{arg_elem}`"));
                };
                let mut out = Vec::with_capacity(args[0].len());
                for &x in &args[0] {
                    out.push(self.is_fpclass(x, mask as u64));
                }
                Ok(out)
            }
            Intrinsic::Reduce(op) => Ok(vec![self.fold(op, &c.args[0], &args)?]),
            Intrinsic::Elementwise(op) => self.lanes(op, base, c, &args, &elem),
            // (`threadlocal.address` is a pass-through: a thread-local's name already gives its
            // address in the current thread, see `FnLower::address`, a `tls_value`.)
            Intrinsic::FpToIntSat { signed } => {
                let bits = elem.int_bits().unwrap_or(0);
                let arg_elem = self.operand_type(&c.args[0])?.scalar().clone();
                if !arg_elem.is_float() || !(1..=128).contains(&bits) {
                    return Err(format!(
                        "the intrinsic @llvm.{base} from `{arg_elem}` to `{elem}`"
                    ));
                }
                let mut out = Vec::with_capacity(args[0].len());
                for &x in &args[0] {
                    out.push(if bits > 64 {
                        self.float_to_wide_sat(signed, bits, x)?
                    } else {
                        self.float_to_int_sat(signed, bits, x)
                    });
                }
                Ok(out)
            }
            Intrinsic::Other(_) => Err(format!("the intrinsic @llvm.{base}")),
        }
    }

    /// `fptosi.sat` / `fptoui.sat` to `iN` (N at most 64): the value rounded towards zero,
    /// clamped to the range of `iN`, and 0 for a NaN. Cranelift's saturating conversion to
    /// I64 does that for 64 bits; a narrower result clamps its result further (the
    /// conversion is monotonic, so that clamping once more is clamping to the narrower range).
    fn float_to_int_sat(&mut self, signed: bool, bits: u32, x: Value) -> Value {
        let wide = if signed {
            self.b.ins().fcvt_to_sint_sat(ct::I64, x)
        } else {
            self.b.ins().fcvt_to_uint_sat(ct::I64, x)
        };
        if bits == 64 {
            return wide;
        }
        let clamped = if signed {
            let max = self.b.ins().iconst(ct::I64, (1i64 << (bits - 1)) - 1);
            let min = self.b.ins().iconst(ct::I64, -(1i64 << (bits - 1)));
            let upper = self.b.ins().smin(wide, max);
            self.b.ins().smax(upper, min)
        } else {
            let max = self.b.ins().iconst(ct::I64, ((1u64 << bits) - 1) as i64);
            self.b.ins().umin(wide, max)
        };
        let narrow = self.resize(clamped, 64, container(bits), false);
        self.mask(narrow, bits)
    }

    /// `fptosi.sat` / `fptoui.sat` to `iN`, 64 < N <= 128: libgcc's `__fixdfti` /
    /// `__fixunsdfti` on a value in the range of `iN` (a float is widened to a double first,
    /// exactly), the bound of the range beyond it, 0 for a NaN. The range is checked on the
    /// double (its bounds are powers of two, exact): clamping the I128 result instead makes
    /// Cranelift's optimizer form an `smax.i128`, which its x64 backend cannot lower.
    fn float_to_wide_sat(&mut self, signed: bool, bits: u32, x: Value) -> Lowered<Value> {
        use cranelift_codegen::ir::condcodes::FloatCC;
        use cranelift_codegen::ir::immediates::Ieee64;
        let x = if self.b.func.dfg.value_type(x) == ct::F32 {
            self.b.ins().fpromote(ct::F64, x)
        } else {
            x
        };
        // [lower, upper): the doubles whose truncation fits; min and max as N-bit patterns.
        let (lower, upper, min, max, name) = if signed {
            let half = 2f64.powi(bits as i32 - 1);
            (-half, half, 1u128 << (bits - 1), (1u128 << (bits - 1)) - 1, "__fixdfti")
        } else {
            (0.0, 2f64.powi(bits as i32), 0, opm_ir::value::mask(bits), "__fixunsdfti")
        };
        let lower = self.b.ins().f64const(Ieee64::with_float(lower));
        let upper = self.b.ins().f64const(Ieee64::with_float(upper));
        let above_lower = self.b.ins().fcmp(FloatCC::GreaterThanOrEqual, x, lower);
        let below_upper = self.b.ins().fcmp(FloatCC::LessThan, x, upper);
        let in_range = self.b.ins().band(above_lower, below_upper);
        let zero = self.b.ins().f64const(Ieee64::with_bits(0));
        let safe = self.b.ins().select(in_range, x, zero);
        let r = self.libcall(name, &[ct::F64], ct::I128, &[safe])?;
        let r = self.mask(r, bits);
        let (min, max) = (self.iconst(ct::I128, min), self.iconst(ct::I128, max));
        let zero = self.iconst(ct::I128, 0);
        let nan = self.b.ins().fcmp(FloatCC::Unordered, x, x);
        let low = self.b.ins().select(nan, zero, min);
        let high = self.b.ins().fcmp(FloatCC::GreaterThanOrEqual, x, upper);
        let out = self.b.ins().select(high, max, low);
        Ok(self.b.ins().select(in_range, r, out))
    }

    /// `load.relative`: `base + *(i32 *)(base + offset)`, or an entry of a relative table
    /// laid out as absolute pointers.
    fn load_relative(&mut self, c: &Call, args: &[Vec<Value>]) -> Lowered<Value> {
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
            return Ok(self.b.ins().load(ct::I64, flags, addr, 0));
        }
        let addr = self.b.ins().iadd(base, off);
        let rel = self.b.ins().load(ct::I32, flags, addr, 0);
        let rel = self.b.ins().sextend(ct::I64, rel);
        Ok(self.b.ins().iadd(base, rel))
    }

    /// `modf`: { fractional part, integral part }, through the C library's modf (which keeps
    /// the signs of zeros and infinities exact), lane by lane.
    /// `llvm.is.fpclass` of the float or double `x` (an I8 0 or 1): the classes of `mask`
    /// told apart by the bits, without a floating-point compare (a signalling NaN raises no
    /// flag). `abs` is the bits without the sign: NaN above the infinity's bits (quiet from
    /// the top mantissa bit up), subnormal from 1 to below the smallest normal, normal from
    /// there to below infinity.
    fn is_fpclass(&mut self, x: Value, mask: u64) -> Value {
        let fty = self.b.func.dfg.value_type(x);
        let (ity, w, m) = if fty == ct::F32 { (ct::I32, 32u32, 23u32) } else { (ct::I64, 64, 52) };
        let bits = self.b.ins().bitcast(ity, cranelift_codegen::ir::MemFlagsData::new(), x);
        let abs_mask = if w == 32 { 0x7fff_ffff } else { i64::MAX };
        let abs = self.b.ins().band_imm_s(bits, abs_mask);
        let inf = (((1i64 << (w - 1 - m)) - 1) << m) as u64;
        let quiet = 1u64 << (m - 1);
        let min_normal = 1u64 << m;
        let neg = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, bits, 0);
        let mut result: Option<Value> = None;
        for class in opm_backend::intrinsic::FpClass::of_mask(mask) {
            use opm_backend::intrinsic::FpClass as C;
            let i = self.b.ins();
            let test = match class {
                C::SignalingNan => {
                    let nan = i.icmp_imm_u(IntCC::UnsignedGreaterThan, abs, inf as i64);
                    let quiet_nan = self.b.ins().icmp_imm_u(
                        IntCC::UnsignedGreaterThanOrEqual,
                        abs,
                        (inf | quiet) as i64,
                    );
                    let not_quiet = self.b.ins().bxor_imm_u(quiet_nan, 1);
                    self.b.ins().band(nan, not_quiet)
                }
                C::QuietNan => {
                    i.icmp_imm_u(IntCC::UnsignedGreaterThanOrEqual, abs, (inf | quiet) as i64)
                }
                C::NegativeInfinity | C::PositiveInfinity => {
                    i.icmp_imm_u(IntCC::Equal, abs, inf as i64)
                }
                C::NegativeZero | C::PositiveZero => i.icmp_imm_u(IntCC::Equal, abs, 0),
                C::NegativeSubnormal | C::PositiveSubnormal => {
                    let less = i.iadd_imm_s(abs, -1);
                    self.b.ins().icmp_imm_u(IntCC::UnsignedLessThan, less, (min_normal - 1) as i64)
                }
                C::NegativeNormal | C::PositiveNormal => {
                    let less = i.iadd_imm_s(abs, -(min_normal as i64));
                    let range = (inf - min_normal) as i64;
                    self.b.ins().icmp_imm_u(IntCC::UnsignedLessThan, less, range)
                }
            };
            let test = match class.negative() {
                Some(true) => self.b.ins().band(test, neg),
                Some(false) => {
                    let pos = self.b.ins().bxor_imm_u(neg, 1);
                    self.b.ins().band(test, pos)
                }
                None => test,
            };
            result = Some(match result {
                Some(r) => self.b.ins().bor(r, test),
                None => test,
            });
        }
        result.unwrap_or_else(|| self.b.ins().iconst(ct::I8, 0))
    }

    fn modf(&mut self, c: &Call, args: &[Vec<Value>]) -> Lowered<Vec<Value>> {
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
        Ok(fracs)
    }

    /// An element-wise intrinsic: the first argument's lanes drive the iteration, and an
    /// argument with fewer lanes (a scalar) is the same for each. `elem` is the result's
    /// scalar type.
    fn lanes(
        &mut self,
        op: Elementwise,
        base: &str,
        c: &Call,
        args: &[Vec<Value>],
        elem: &Type,
    ) -> Lowered<Vec<Value>> {
        if c.args.is_empty() || args.iter().any(|a| a.is_empty()) {
            return Err(format!("the intrinsic @llvm.{base}"));
        }
        let arg_elem = self.operand_type(&c.args[0])?.scalar().clone();
        let lanes = args[0].len();
        let mut out = Vec::with_capacity(lanes);
        for i in 0..lanes {
            let lane: Vec<Value> =
                args.iter().map(|a| if a.len() == lanes { a[i] } else { a[0] }).collect();
            out.push(match op {
                Elementwise::Float(op) => self.float_lane(op, base, elem, &arg_elem, &lane)?,
                Elementwise::Int(op) => self.int_lane(op, base, elem, &arg_elem, &lane)?,
            });
        }
        Ok(out)
    }

    /// One lane of an element-wise intrinsic on floats: a Cranelift instruction, or a call of
    /// the C library (or libgcc). `elem` is the result's scalar type, `arg_elem` the first
    /// argument's.
    fn float_lane(
        &mut self,
        op: FloatOp,
        base: &str,
        elem: &Type,
        arg_elem: &Type,
        a: &[Value],
    ) -> Lowered<Value> {
        if !arg_elem.is_float() {
            return Err(format!("the intrinsic @llvm.{base} on `{arg_elem}`"));
        }
        let fty = scalar(arg_elem)?;
        let single = arg_elem == &Type::Float;
        let i = self.b.ins();
        let (name, arity) = match op {
            FloatOp::Sqrt => return Ok(i.sqrt(a[0])),
            FloatOp::Fabs => return Ok(i.fabs(a[0])),
            FloatOp::Floor => return Ok(i.floor(a[0])),
            FloatOp::Ceil => return Ok(i.ceil(a[0])),
            FloatOp::Trunc => return Ok(i.trunc(a[0])),
            FloatOp::Rint | FloatOp::NearbyInt | FloatOp::RoundEven => {
                return Ok(i.nearest(a[0]));
            }
            FloatOp::CopySign => return Ok(i.fcopysign(a[0], a[1])),
            // Cranelift's fmin and fmax are IEEE's minimum and maximum: NaN wins, -0 < +0.
            FloatOp::Minimum => return Ok(i.fmin(a[0], a[1])),
            FloatOp::Maximum => return Ok(i.fmax(a[0], a[1])),
            // Fused, one rounding, as LLVM's code generator does where the function's
            // processor has FMA (see `fuses_fmuladd`); two roundings elsewhere.
            FloatOp::FMulAdd if self.fused_fmuladd => ("fma", 3),
            FloatOp::FMulAdd => {
                let m = i.fmul(a[0], a[1]);
                return Ok(self.b.ins().fadd(m, a[2]));
            }
            FloatOp::Round => ("round", 1),
            FloatOp::Fma => ("fma", 3),
            FloatOp::MinNum => ("fmin", 2),
            FloatOp::MaxNum => ("fmax", 2),
            FloatOp::Pow => ("pow", 2),
            FloatOp::Exp => ("exp", 1),
            FloatOp::Exp2 => ("exp2", 1),
            FloatOp::Log => ("log", 1),
            FloatOp::Log2 => ("log2", 1),
            FloatOp::Log10 => ("log10", 1),
            FloatOp::Sin => ("sin", 1),
            FloatOp::Cos => ("cos", 1),
            FloatOp::Tan => ("tan", 1),
            FloatOp::Powi | FloatOp::Ldexp => {
                // (value, i32 exponent): libgcc's __powidf2 / __powisf2, the C library's ldexp.
                if self.b.func.dfg.value_type(a[1]) != ct::I32 {
                    return Err(format!(
                        "the intrinsic @llvm.{base} with an exponent other than i32"
                    ));
                }
                let name = match (op, single) {
                    (FloatOp::Powi, true) => "__powisf2",
                    (FloatOp::Powi, false) => "__powidf2",
                    (_, true) => "ldexpf",
                    (_, false) => "ldexp",
                };
                return self.libcall(name, &[fty, ct::I32], fty, &a[..2]);
            }
            FloatOp::LRound | FloatOp::LRint => {
                // llround / llrint, truncated to the result's width.
                let bits = elem.int_bits().filter(|&b| b <= 64);
                let bits = bits.ok_or(format!("the intrinsic @llvm.{base} to `{elem}`"))?;
                let name = if op == FloatOp::LRound { "llround" } else { "llrint" };
                let name = if single { format!("{name}f") } else { name.to_string() };
                let r = self.libcall(&name, &[fty], ct::I64, &a[..1])?;
                let r = self.resize(r, 64, container(bits), false);
                return Ok(self.mask(r, bits));
            }
        };
        let name = if single { format!("{name}f") } else { name.to_string() };
        self.libcall(&name, &vec![fty; arity], fty, &a[..arity])
    }

    /// One lane of an element-wise intrinsic on integers. `elem` is the result's scalar type,
    /// `arg_elem` the first argument's.
    fn int_lane(
        &mut self,
        op: IntOp,
        base: &str,
        elem: &Type,
        arg_elem: &Type,
        a: &[Value],
    ) -> Lowered<Value> {
        if arg_elem.is_float() {
            return Err(format!("the intrinsic @llvm.{base} on `{arg_elem}`"));
        }
        let bits = arg_elem.int_bits().unwrap_or(64);
        let cty = container(bits);
        let v = match op {
            IntOp::MinMax { signed, max } => {
                let (x, y) = if signed {
                    (self.sext_in(a[0], bits), self.sext_in(a[1], bits))
                } else {
                    (a[0], a[1])
                };
                let r = match (signed, max) {
                    (true, true) => self.b.ins().smax(x, y),
                    (true, false) => self.b.ins().smin(x, y),
                    (false, true) => self.b.ins().umax(x, y),
                    (false, false) => self.b.ins().umin(x, y),
                };
                self.mask(r, bits)
            }
            IntOp::Abs => {
                let x = self.sext_in(a[0], bits);
                let r = self.b.ins().iabs(x);
                self.mask(r, bits)
            }
            IntOp::Compare { signed } => {
                // -1, 0 or 1 in the result's width.
                let (lt, gt) = if signed {
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
                self.mask(r, rbits)
            }
            IntOp::CountOnes => self.b.ins().popcnt(a[0]),
            IntOp::LeadingZeros => {
                let r = self.b.ins().clz(a[0]);
                let extra = cty.bits() - bits;
                if extra == 0 { r } else { self.b.ins().iadd_imm_s(r, -i64::from(extra)) }
            }
            IntOp::TrailingZeros => {
                let r = self.b.ins().ctz(a[0]);
                if bits == cty.bits() {
                    r
                } else {
                    let n = self.iconst(cty, u128::from(bits));
                    self.b.ins().umin(r, n)
                }
            }
            IntOp::ByteSwap | IntOp::BitReverse => {
                // Reversed across the container: the N bits end up at the top.
                let r = if op == IntOp::ByteSwap {
                    self.b.ins().bswap(a[0])
                } else {
                    self.b.ins().bitrev(a[0])
                };
                let extra = cty.bits() - bits;
                if extra == 0 { r } else { self.b.ins().ushr_imm_u(r, i64::from(extra)) }
            }
            IntOp::Funnel { left } => self.funnel_shift(left, bits, a[0], a[1], a[2])?,
            IntOp::Saturating { signed, sub } => self.saturating(signed, sub, bits, a[0], a[1])?,
        };
        Ok(v)
    }

    /// `fshl` / `fshr` on `bits`-wide values: the shift amount is taken modulo the width.
    /// A power-of-two width takes the amount with a mask; another one with `urem`, or
    /// libgcc's `__umodti3` in an I128 (Cranelift's x64 backend has no `urem` on I128).
    fn funnel_shift(
        &mut self,
        left: bool,
        bits: u32,
        hi: Value,
        lo: Value,
        amt: Value,
    ) -> Lowered<Value> {
        let ty = self.b.func.dfg.value_type(hi);
        let n = self.iconst(ty, u128::from(bits));
        let s = if bits.is_power_of_two() {
            let m = self.iconst(ty, u128::from(bits - 1));
            self.b.ins().band(amt, m)
        } else if ty == ct::I128 {
            self.libcall("__umodti3", &[ct::I128, ct::I128], ct::I128, &[amt, n])?
        } else {
            self.b.ins().urem(amt, n)
        };
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
        Ok(self.b.ins().select(zero, unchanged, r))
    }

    /// The `*.with.overflow` intrinsics on `bits`-wide values: the result and the flag.
    fn overflow_op(
        &mut self,
        signed: bool,
        op: Arith,
        bits: u32,
        a: Value,
        b: Value,
    ) -> Lowered<(Value, Value)> {
        let cty = container(bits);
        if bits > 64 && op == Arith::Mul {
            return self.mul_overflow_wide(signed, bits, a, b);
        }
        // Compute exactly in a type wide enough for the whole result, then compare.
        let wide = if op == Arith::Mul {
            if bits <= 32 { ct::I64 } else { ct::I128 }
        } else {
            container(bits + 1)
        };
        if wide.bits() > cty.bits() || (op != Arith::Mul && bits < cty.bits()) {
            let (x, y) = (self.resize(a, bits, wide, signed), self.resize(b, bits, wide, signed));
            let exact = match op {
                Arith::Add => self.b.ins().iadd(x, y),
                Arith::Sub => self.b.ins().isub(x, y),
                Arith::Mul => self.b.ins().imul(x, y),
            };
            // The truncated result, extended back: equal to the exact one iff no overflow.
            let narrow = self.resize(exact, wide.bits(), cty, false);
            let narrow = self.mask(narrow, bits);
            let back = self.resize(narrow, bits, wide, signed);
            let ovf = self.b.ins().icmp(IntCC::NotEqual, back, exact);
            return Ok((narrow, ovf));
        }
        // Full-width add or sub of a 128-bit (or exactly container-sized) value.
        let add = op == Arith::Add;
        let r = if add { self.b.ins().iadd(a, b) } else { self.b.ins().isub(a, b) };
        let ovf = if signed {
            // Overflow when the operands' signs (add: equal, sub: different) disagree with the
            // result's.
            let x = self.b.ins().bxor(r, a);
            let y = if add { self.b.ins().bxor(r, b) } else { self.b.ins().bxor(a, b) };
            let both = self.b.ins().band(x, y);
            let zero = self.iconst(cty, 0);
            self.b.ins().icmp(IntCC::SignedLessThan, both, zero)
        } else if add {
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
    fn saturating(
        &mut self,
        signed: bool,
        sub: bool,
        bits: u32,
        a: Value,
        b: Value,
    ) -> Lowered<Value> {
        let cty = container(bits);
        let op = if sub { Arith::Sub } else { Arith::Add };
        let (r, ovf) = self.overflow_op(signed, op, bits, a, b)?;
        let limit = match (signed, sub) {
            (false, false) => self.iconst(cty, opm_ir::value::mask(bits)),
            (false, true) => self.iconst(cty, 0),
            (true, _) => {
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

    /// `llvm.vector.reduce.<op>` (for vectors kept whole, which name the fold `op`).
    pub(crate) fn reduce(
        &mut self,
        op: &str,
        vec: &opm_ir::Operand,
        args: &[Vec<Value>],
    ) -> Lowered<Value> {
        match ReduceOp::from_name(op) {
            Some(fold) => self.fold(fold, vec, args),
            None => Err(format!("the intrinsic @llvm.vector.reduce.{op}")),
        }
    }

    /// `llvm.vector.reduce.*`: a fold over the lanes (in lane order, as the sequential
    /// floating-point reductions require).
    fn fold(&mut self, op: ReduceOp, vec: &opm_ir::Operand, args: &[Vec<Value>]) -> Lowered<Value> {
        let elem = self.operand_type(vec)?.scalar().clone();
        let (start, lanes) = match op {
            ReduceOp::FAdd | ReduceOp::FMul => (Some(args[0][0]), args[1].clone()),
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
                ReduceOp::Add => self.bin(opm_ir::BinOp::Add, &elem, acc, x)?,
                ReduceOp::Mul => self.bin(opm_ir::BinOp::Mul, &elem, acc, x)?,
                ReduceOp::And => self.b.ins().band(acc, x),
                ReduceOp::Or => self.b.ins().bor(acc, x),
                ReduceOp::Xor => self.b.ins().bxor(acc, x),
                ReduceOp::FAdd => self.b.ins().fadd(acc, x),
                ReduceOp::FMul => self.b.ins().fmul(acc, x),
                ReduceOp::FMax | ReduceOp::FMin => {
                    // As maxnum and minnum: the C library's fmax and fmin.
                    let fty = scalar(&elem)?;
                    let name = if op == ReduceOp::FMax { "fmax" } else { "fmin" };
                    let name = if fty == ct::F32 { format!("{name}f") } else { name.to_string() };
                    self.libcall(&name, &[fty, fty], fty, &[acc, x])?
                }
                ReduceOp::MinMax { signed: true, max } => {
                    let (p, q) = (self.sext_in(acc, bits), self.sext_in(x, bits));
                    let r = if max { self.b.ins().smax(p, q) } else { self.b.ins().smin(p, q) };
                    self.mask(r, bits)
                }
                ReduceOp::MinMax { signed: false, max: true } => self.b.ins().umax(acc, x),
                ReduceOp::MinMax { signed: false, max: false } => self.b.ins().umin(acc, x),
            };
        }
        Ok(acc)
    }
}

#[cfg(test)]
mod tests {
    //! The intrinsics lowered through the C library and libgcc, and those that pass their
    //! operand through or stop the program, linked into a C program that checks every result
    //! against the C compiler's own builtins, bit for bit.

    use opm_ir::{Constant, Function, FunctionBuilder, FunctionType, Module, Op, Operand, Type};
    use std::path::Path;
    use std::process::Command;

    fn f64v(n: u32) -> Type {
        Type::Vector(n, Box::new(Type::Double))
    }

    fn f32v(n: u32) -> Type {
        Type::Vector(n, Box::new(Type::Float))
    }

    /// `fname(params…)`: loads the operands of vector type from the pointer parameter in
    /// their place, calls `name` on all of them and returns the result (a vector result is
    /// stored through a last pointer parameter).
    fn wrapper(m: &mut Module, fname: &str, name: &str, ret: Type, operands: &[Type]) {
        let intrinsic =
            FunctionType { ret: ret.clone(), params: operands.to_vec(), varargs: false };
        let as_param = |t: &Type| if t.vector_len().is_some() { Type::Ptr } else { t.clone() };
        let mut params: Vec<Type> = operands.iter().map(as_param).collect();
        let out = ret.vector_len().map(|_| params.len());
        let fret = if out.is_some() {
            params.push(Type::Ptr);
            Type::Void
        } else {
            ret.clone()
        };
        let mut b = FunctionBuilder::new(fname, FunctionType { ret: fret, params, varargs: false });
        let mut args = Vec::new();
        for (i, t) in operands.iter().enumerate() {
            args.push(match t.vector_len() {
                Some(_) => {
                    let op = Op::Load { ptr: b.param(i), align: 16, volatile: false, atomic: None };
                    b.push(t.clone(), op)
                }
                None => b.param(i),
            });
        }
        let r = b.call(name, intrinsic.clone(), args);
        match out {
            Some(i) => {
                b.push_void(Op::Store {
                    val: r,
                    ptr: b.param(i),
                    align: 16,
                    volatile: false,
                    atomic: None,
                });
                b.ret(None);
            }
            None => b.ret(Some(r)),
        }
        m.functions.push(b.finish());
        m.functions.push(Function::declaration(name, intrinsic));
    }

    /// `int t_trap(int c)`: `llvm.trap` when `c` is not 0 (the rest of its block, here an
    /// `unreachable`, comes after it), `c + 1` otherwise.
    fn trap(m: &mut Module) {
        let i32t = Type::Int(32);
        let ty = FunctionType { ret: i32t.clone(), params: vec![i32t.clone()], varargs: false };
        let mut b = FunctionBuilder::new("t_trap", ty);
        let (stop, go) = (b.block("stop"), b.block("go"));
        let zero = Operand::Const(Constant::int(32, 0));
        let c = b.icmp(opm_ir::IntPredicate::Ne, b.param(0), zero);
        b.cond_br(c, stop, go);
        b.position(stop);
        let void = FunctionType { ret: Type::Void, params: Vec::new(), varargs: false };
        b.call("llvm.trap", void.clone(), Vec::new());
        b.push_void(Op::Unreachable);
        b.position(go);
        let one = Operand::Const(Constant::int(32, 1));
        let r = b.bin(i32t, opm_ir::BinOp::Add, b.param(0), one);
        b.ret(Some(r));
        m.functions.push(b.finish());
        m.functions.push(Function::declaration("llvm.trap", void));
    }

    fn module() -> Module {
        let mut m = Module {
            target_triple: "x86_64-pc-linux-gnu".into(),
            data_layout:
                "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
                    .into(),
            ..Module::default()
        };
        let (d, f, i32t, i64t, p) =
            (Type::Double, Type::Float, Type::Int(32), Type::Int(64), Type::Ptr);
        let wrappers = [
            ("t_powi", "llvm.powi.f64.i32", d.clone(), vec![d.clone(), i32t.clone()]),
            ("t_powif", "llvm.powi.f32.i32", f.clone(), vec![f.clone(), i32t.clone()]),
            ("t_ldexp", "llvm.ldexp.f64.i32", d.clone(), vec![d.clone(), i32t.clone()]),
            ("t_ldexpf", "llvm.ldexp.f32.i32", f.clone(), vec![f.clone(), i32t.clone()]),
            ("t_lround", "llvm.lround.i32.f64", i32t.clone(), vec![d.clone()]),
            ("t_llroundf", "llvm.llround.i64.f32", i64t.clone(), vec![f.clone()]),
            ("t_lrint", "llvm.lrint.i64.f64", i64t.clone(), vec![d.clone()]),
            ("t_llrintf", "llvm.llrint.i64.f32", i64t, vec![f.clone()]),
            ("t_launder", "llvm.launder.invariant.group.p0", p.clone(), vec![p.clone()]),
            ("t_strip", "llvm.strip.invariant.group.p0", p.clone(), vec![p]),
            ("t_fmax", "llvm.vector.reduce.fmax.v4f32", f, vec![f32v(4)]),
            ("t_fmin", "llvm.vector.reduce.fmin.v2f64", d, vec![f64v(2)]),
            ("t_powi2", "llvm.powi.v2f64.i32", f64v(2), vec![f64v(2), i32t]),
        ];
        for (fname, name, ret, operands) in wrappers {
            wrapper(&mut m, fname, name, ret, &operands);
        }
        trap(&mut m);
        m
    }

    const MAIN: &str = r#"
#include <math.h>
#include <stdio.h>
#include <string.h>
typedef double v2d __attribute__((vector_size(16)));
double t_powi(double, int); float t_powif(float, int);
double t_ldexp(double, int); float t_ldexpf(float, int);
int t_lround(double); long long t_llroundf(float); long long t_lrint(double);
long long t_llrintf(float); void *t_launder(void *); void *t_strip(void *);
float t_fmax(const float *); double t_fmin(const double *); void t_powi2(const v2d *, int, v2d *);
int t_trap(int);
static int bad;
#define SAME(what, got, want) do { __typeof__(want) g_ = (got), w_ = (want); \
    if (memcmp(&g_, &w_, sizeof g_)) { bad++; printf("%s differs\n", what); } } while (0)
int main(void) {
  double xs[] = {2.5, -2.5, 0.49999999999999994, -3.75, 1e-3, 7.0, -0.0, 1e300, NAN};
  int ns[] = {3, -2, 0, 31, -1070, 1030, 5, 2, 1};
  for (int i = 0; i < 9; i++) {
    double x = xs[i]; float xf = (float)x; int n = ns[i];
    SAME("powi", t_powi(x, n), __builtin_powi(x, n));
    SAME("powif", t_powif(xf, n), __builtin_powif(xf, n));
    SAME("ldexp", t_ldexp(x, n), ldexp(x, n));
    SAME("ldexpf", t_ldexpf(xf, n), ldexpf(xf, n));
    if (fabs(x) < 1e9) {
      SAME("lround", t_lround(x), (int)lround(x));
      SAME("llroundf", t_llroundf(xf), llroundf(xf));
      SAME("lrint", t_lrint(x), lrint(x));
      SAME("llrintf", t_llrintf(xf), llrintf(xf));
    }
    v2d v = {x, -x}, p;
    t_powi2(&v, n, &p);
    SAME("powi v0", p[0], __builtin_powi(x, n));
    SAME("powi v1", p[1], __builtin_powi(-x, n));
  }
  static int obj;
  SAME("launder", t_launder(&obj), (void *)&obj);
  SAME("strip", t_strip(&obj), (void *)&obj);
  float fs[][4] __attribute__((aligned(16))) = {
      {1, NAN, -3, 2.5f}, {NAN, NAN, -0.0f, NAN}, {NAN, NAN, NAN, NAN}, {-1, -7, 3, 0}};
  for (int i = 0; i < 4; i++) {
    float *a = fs[i];
    SAME("fmax", t_fmax(a), fmaxf(fmaxf(fmaxf(a[0], a[1]), a[2]), a[3]));
  }
  double ds[][2] __attribute__((aligned(16))) = {{1, NAN}, {NAN, -2}, {NAN, NAN}, {4, -4}};
  for (int i = 0; i < 4; i++) SAME("fmin", t_fmin(ds[i]), fmin(ds[i][0], ds[i][1]));
  SAME("trap", t_trap(0), 1);
  printf("%d bad\n", bad);
  return bad != 0;
}
"#;

    /// Links `object` with [`MAIN`] in `dir` by the system's C compiler and runs it.
    fn link_and_run(dir: &Path, object: &[u8]) -> String {
        std::fs::create_dir_all(dir).unwrap();
        let (obj, main, exe) = (dir.join("m.o"), dir.join("main.c"), dir.join("main"));
        std::fs::write(&obj, object).unwrap();
        std::fs::write(&main, MAIN).unwrap();
        let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
        let built = Command::new(&cc)
            .args(["-O0", "-fno-builtin"])
            .arg(&main)
            .arg(&obj)
            .arg("-o")
            .arg(&exe)
            .arg("-lm")
            .output()
            .expect("the test needs a C compiler (cc)");
        assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
        let ran = Command::new(&exe).output().unwrap();
        let out = String::from_utf8_lossy(&ran.stdout).into_owned();
        assert!(ran.status.success(), "{out}");
        out
    }

    #[test]
    fn library_intrinsics_match_the_c_compilers_builtins() {
        let m = module();
        let dir =
            std::env::temp_dir().join(format!("opm-cranelift-intrinsics-{}", std::process::id()));
        for pipeline in ["", "vectors=lanes", "opt_level=speed"] {
            let object = crate::compile_to_object(&m, Some(pipeline))
                .unwrap_or_else(|e| panic!("with `{pipeline}`: {e}"));
            let out = link_and_run(&dir.join(pipeline.replace('=', "-")), &object);
            assert_eq!(out, "0 bad\n", "with `{pipeline}`");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
