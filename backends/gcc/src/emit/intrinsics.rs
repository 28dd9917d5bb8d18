//! Calls, and LLVM's intrinsics as gcc built-ins or short C expressions, by the class
//! [`opm_backend::intrinsic`] gives each: a match over every class, so that a new one is
//! emitted or refused here by name. Element-wise intrinsics (and `modf`) on vectors run lane
//! by lane.

use super::function::{Emitted, FnEmit, is_composite, var};
use super::ops::{self, sext, wrap};
use super::types::{container_bits, float_c, float_suffix, int_c, signed_c, unsigned_c};
use super::{ret_c, type_attr};
use opm_backend::intrinsic::{
    Arith, Elementwise, FloatOp, IntOp, Intrinsic, MemOp, ReduceOp, classify, masked_operands,
};
use opm_ir::{BinOp, Call, Inst, Type};

impl FnEmit<'_, '_> {
    /// A call: to an intrinsic, directly to a function of the module with the call's type,
    /// or through a function pointer of the call's type.
    pub(crate) fn call(&mut self, inst: &Inst, c: &Call) -> Emitted<()> {
        if let Some(asm) = c.asm() {
            return self.call_asm(inst, c, asm);
        }
        if let Some(name) = c.callee_name()
            && name.starts_with("llvm.")
        {
            return self.intrinsic(inst, name, c);
        }
        if c.fn_ty.varargs && c.fn_ty.params.is_empty() {
            return Err("a call of a variadic function without a named parameter".into());
        }
        let module = self.cx.module;
        let direct = c
            .callee_name()
            .and_then(|n| module.function(n))
            .filter(|f| f.ty == c.fn_ty && self.cx.symbols.contains_key(&f.name));
        if let Some(f) = direct
            && let Some(params) = self.libc_builtin(f, c)
        {
            return self.call_builtin(inst, c, &f.name, params);
        }
        let (attrs, callee) = match direct {
            Some(f) => (f.attrs.clone(), self.cx.symbols[&f.name].cname.clone()),
            None => {
                let mut params = Vec::new();
                for i in 0..c.fn_ty.params.len() {
                    params.push(self.param_c(&c.fn_ty, &c.attrs, i)?);
                }
                if c.fn_ty.varargs {
                    params.push("...".into());
                }
                let params = if params.is_empty() { "void".into() } else { params.join(", ") };
                let ret = ret_c(self.cx, &c.fn_ty, &c.attrs)?;
                let target = self.operand(&c.callee)?;
                (c.attrs.clone(), format!("(({ret} (*)({params}))({target}))"))
            }
        };
        let mut args = Vec::new();
        for (i, a) in c.args.iter().enumerate() {
            let x = self.operand(a)?;
            if i < c.fn_ty.params.len() {
                let pc = self.param_c(&c.fn_ty, &attrs, i)?;
                if type_attr(attrs.param(i), "byval").is_some() {
                    args.push(format!("*({pc} *)({x})"));
                } else if is_composite(&c.fn_ty.params[i]) {
                    args.push(x);
                } else {
                    args.push(format!("({pc})({x})"));
                }
            } else {
                let t = self.operand_type(a)?;
                if t.is_aggregate() {
                    return Err(format!(
                        "an aggregate of type `{t}` passed as a variadic argument"
                    ));
                }
                args.push(x);
            }
        }
        let call = format!("{callee}({})", args.join(", "));
        match inst.result {
            Some(v) if is_composite(&inst.ty) => self.line(&format!("{} = {call};", var(v))),
            Some(v) => {
                let c = self.cx.types.c(&inst.ty)?;
                self.line(&format!("{} = ({c})({call});", var(v)));
            }
            None => self.line(&format!("{call};")),
        }
        Ok(())
    }

    /// The C parameter types of gcc's built-in for the libc function `f` that `c` calls, when
    /// gcc may treat the call as that built-in (fold it, expand it inline): `f` is only
    /// declared here, with libc's signature, and neither the call, nor `f`, nor the calling
    /// function says `nobuiltin` or `no-builtins` (clang's `-fno-builtin`). The emitted C
    /// declares libc's functions under names of its own, which gcc does not know.
    fn libc_builtin(&self, f: &opm_ir::Function, c: &Call) -> Option<&'static [&'static str]> {
        let (_, params, ret) = LIBC_BUILTINS.iter().find(|(name, ..)| *name == f.name)?;
        let sig_params: Vec<Type> = params
            .iter()
            .map(|p| match *p {
                "int" => Type::Int(32),
                "__SIZE_TYPE__" => Type::Int(64),
                _ => Type::Ptr,
            })
            .collect();
        let fits = opm_backend::intrinsic::libc_call_is_builtin(f, c, self.f, &sig_params, ret);
        fits.then_some(*params)
    }

    /// The call `c` of libc's `name` as gcc's built-in (see [`Self::libc_builtin`]), its
    /// arguments converted to the built-in's `params`.
    fn call_builtin(&mut self, inst: &Inst, c: &Call, name: &str, params: &[&str]) -> Emitted<()> {
        let mut args = Vec::with_capacity(c.args.len());
        for (a, p) in c.args.iter().zip(params) {
            args.push(format!("({p})({})", self.operand(a)?));
        }
        let call = format!("__builtin_{name}({})", args.join(", "));
        match inst.result {
            Some(v) => {
                let ty = self.cx.types.c(&inst.ty)?;
                self.line(&format!("{} = ({ty})({call});", var(v)));
            }
            None => self.line(&format!("{call};")),
        }
        Ok(())
    }

    /// `llvm.masked.load`/`llvm.masked.store` (see [`Intrinsic::Masked`]): lane by lane, each
    /// lane's bytes copied only when its mask is true.
    fn masked(&mut self, inst: &Inst, c: &Call, store: bool, args: &[String]) -> Emitted<()> {
        let pos =
            masked_operands(store, c.args.len()).ok_or("@llvm.masked with too few operands")?;
        let vec_ty = if store { self.operand_type(&c.args[pos.lanes])? } else { inst.ty.clone() };
        let (ptr, mask) = (&args[pos.ptr], &c.args[pos.mask]);
        let n = vec_ty.vector_len().ok_or("@llvm.masked on a scalar")?;
        let elem = vec_ty.scalar().clone();
        let ctype = match &elem {
            Type::Int(b @ (8 | 16 | 32 | 64)) => int_c(*b),
            Type::Float => "float",
            Type::Double => "double",
            Type::Ptr => "opm_ptr",
            t => return Err(format!("@llvm.masked on lanes of `{t}`")),
        };
        let size = self.cx.layout.size_of(&elem)?;
        let dst =
            if store { None } else { Some(var(inst.result.ok_or("a load without a result")?)) };
        for i in 0..n as usize {
            let on = self.lane_of(mask, i)?;
            let at = format!("((uint8_t *)({ptr}) + {})", i as u64 * size);
            let t = self.fresh();
            self.declare(&format!("{ctype} {t}"));
            match &dst {
                None => {
                    let lane = self.lane(&args[pos.lanes], &vec_ty, i);
                    self.line(&format!("{t} = {lane};"));
                    self.line(&format!("if ({on}) __builtin_memcpy({at}, &{t}, {size});"));
                }
                Some(dst) => {
                    let passthru = self.lane_of(&c.args[pos.lanes], i)?;
                    self.line(&format!("{t} = {passthru};"));
                    self.line(&format!("if ({on}) __builtin_memcpy(&{t}, {at}, {size});"));
                    let lhs = self.lane(dst, &vec_ty, i);
                    self.line(&format!("{lhs} = {t};"));
                }
            }
        }
        Ok(())
    }

    /// The x86 intrinsics that are one instruction with fixed registers, as GNU asm: reading
    /// the time-stamp counter (`rdtsc`, `rdtscp`) and an extended control register
    /// (`xgetbv`, as Rust's std_detect reads XCR0), `pause` and the fences. Any other
    /// intrinsic is refused by name.
    fn x86_instruction(&mut self, inst: &Inst, base: &str, args: &[String]) -> Emitted<()> {
        let wide = |insn: &str, input: &str| {
            format!(
                "({{ uint32_t lo, hi; \
                 __asm__ __volatile__(\"{insn}\" : \"=a\"(lo), \"=d\"(hi){input}); \
                 ((uint64_t)hi << 32) | lo; }})"
            )
        };
        match (base, args) {
            ("x86.rdtsc", []) => self.assign(inst, &wide("rdtsc", "")),
            ("x86.xgetbv", [x]) => {
                self.assign(inst, &wide("xgetbv", &format!(" : \"c\"((uint32_t)({x}))")))
            }
            ("x86.rdtscp", []) => {
                let dst = var(inst.result.ok_or("rdtscp without a result")?);
                let (lo, hi, aux) = (self.fresh(), self.fresh(), self.fresh());
                self.declare(&format!("uint32_t {lo}, {hi}, {aux}"));
                self.line(&format!(
                    "__asm__ __volatile__(\"rdtscp\" : \"=a\"({lo}), \"=d\"({hi}), \"=c\"({aux}));"
                ));
                self.line(&format!("{dst}.f0 = ((uint64_t){hi} << 32) | {lo};"));
                self.line(&format!("{dst}.f1 = {aux};"));
            }
            ("x86.sse2.pause", []) => self.line("__asm__ __volatile__(\"pause\");"),
            ("x86.sse2.lfence" | "x86.sse2.mfence" | "x86.sse.sfence", []) => {
                let insn = base.rsplit('.').next().unwrap_or("mfence");
                self.line(&format!("__asm__ __volatile__(\"{insn}\" ::: \"memory\");"));
            }
            _ => return Err(format!("the intrinsic @llvm.{base}")),
        }
        Ok(())
    }

    /// A call of the intrinsic `name`.
    fn intrinsic(&mut self, inst: &Inst, name: &str, c: &Call) -> Emitted<()> {
        let class = classify(name);
        if class == Intrinsic::Hint {
            return Ok(());
        }
        let base = opm_ir::intrinsic::base_name(name);
        let mut args = Vec::with_capacity(c.args.len());
        for a in &c.args {
            args.push(self.operand(a)?);
        }
        let va = |p: &str| format!("*(__builtin_va_list *)({p})");
        match class {
            Intrinsic::Hint => {} // (returned above, before its operands)
            Intrinsic::Memory(op) => {
                let f = match op {
                    MemOp::Move => "__builtin_memmove",
                    MemOp::Set => "__builtin_memset",
                    MemOp::Copy => "__builtin_memcpy",
                };
                let val =
                    if op == MemOp::Set { format!("(int)({})", args[1]) } else { args[1].clone() };
                self.line(&format!("{f}({}, {val}, (uint64_t)({}));", args[0], args[2]));
            }
            Intrinsic::PassThrough => self.assign(inst, &args[0]),
            Intrinsic::Trap => self.line("__builtin_trap();"),
            Intrinsic::IsConstant => self.assign(inst, "((uint8_t)0)"),
            Intrinsic::ObjectSize => {
                let n = inst.ty.int_bits().unwrap_or(64);
                let all = ops::int_literal(n, u128::MAX);
                let none = ops::int_literal(n, 0);
                self.assign(inst, &format!("(({}) ? {none} : {all})", args[1]));
            }
            Intrinsic::VaStart => {
                let last = self
                    .f
                    .params
                    .last()
                    .ok_or("`va_start` in a function without a named parameter")?;
                let list = va(&args[0]);
                self.line(&format!("__builtin_va_start({list}, a{});", last.value.0));
            }
            Intrinsic::VaEnd => self.line(&format!("__builtin_va_end({});", va(&args[0]))),
            Intrinsic::VaCopy => {
                self.line(&format!("__builtin_va_copy({}, {});", va(&args[0]), va(&args[1])));
            }
            Intrinsic::StackSave => self.assign(inst, "(opm_ptr)__builtin_stack_save()"),
            Intrinsic::StackRestore => {
                self.line(&format!("__builtin_stack_restore({});", args[0]));
            }
            Intrinsic::LoadRelative => {
                let t = self.fresh_local("int32_t");
                self.line(&format!(
                    "__builtin_memcpy(&{t}, ({}) + (int64_t)({}), 4);",
                    args[0], args[1]
                ));
                self.assign(inst, &format!("(({}) + {t})", args[0]));
            }
            Intrinsic::PtrMask => {
                let mask_bits = self.operand_type(&c.args[1])?.int_bits();
                if inst.ty != Type::Ptr || mask_bits != Some(64) {
                    return Err(format!("the intrinsic @llvm.{base} on `{}`", inst.ty));
                }
                self.assign(
                    inst,
                    &format!("((opm_ptr)((uintptr_t)({}) & (uint64_t)({})))", args[0], args[1]),
                );
            }
            Intrinsic::Masked { store } => self.masked(inst, c, store, &args)?,
            Intrinsic::SignMask => {
                let ty = self.operand_type(&c.args[0])?;
                let n = ty.vector_len().ok_or("a sign mask of a scalar")?;
                // Whether a lane's sign bit is set: an integer lane read as signed, a float's
                // own sign (NaNs and zeros included).
                let signed = match ty.scalar() {
                    Type::Int(b @ (8 | 16 | 32 | 64)) => Some(*b),
                    Type::Float | Type::Double => None,
                    _ => return Err(format!("the intrinsic @llvm.{base} on `{ty}`")),
                };
                let bits: Vec<String> = (0..n as usize)
                    .map(|i| {
                        let lane = self.lane(&args[0], &ty, i);
                        let set = match signed {
                            Some(b) => format!("((int{b}_t)({lane}) < 0)"),
                            None => format!("(__builtin_signbit({lane}) != 0)"),
                        };
                        format!("((uint32_t){set} << {i})")
                    })
                    .collect();
                self.assign(inst, &format!("({})", bits.join(" | ")));
            }
            Intrinsic::CttzElts => {
                let ty = self.operand_type(&c.args[0])?;
                let n = ty.vector_len().ok_or("@llvm.experimental.cttz.elts of a scalar")?;
                let bits = inst.ty.int_bits().ok_or("@llvm.experimental.cttz.elts to a vector")?;
                // The first true lane's number: a chain of conditionals from lane 0.
                let mut e = ops::int_literal(bits, u128::from(n));
                for i in (0..n as usize).rev() {
                    let lane = self.lane(&args[0], &ty, i);
                    e = format!("(({lane}) ? {} : {e})", ops::int_literal(bits, i as u128));
                }
                self.assign(inst, &e);
            }
            Intrinsic::ThreadPointer => {
                self.assign(inst, "((opm_ptr)__builtin_thread_pointer())");
            }
            Intrinsic::Overflow { signed, op } => {
                let n = self
                    .operand_type(&c.args[0])?
                    .int_bits()
                    .ok_or("an overflow check on vectors")?;
                let (r, o) = self.overflow(signed, op, base, n, &args[0], &args[1])?;
                let dst = var(inst.result.ok_or("an overflow intrinsic without a result")?);
                self.line(&format!("{dst}.f0 = {r};"));
                self.line(&format!("{dst}.f1 = {o};"));
            }
            Intrinsic::Modf => self.modf(inst, c, &args[0])?,
            Intrinsic::Reduce(op) => {
                let r = self.reduce(op, base, c)?;
                self.assign(inst, &r);
            }
            Intrinsic::Elementwise(op) => self.lane_by_lane(op, base, inst, c, &args)?,
            // (`threadlocal.address` is a pass-through: C's `&` of a `__thread` variable is the
            // current thread's instance.)
            Intrinsic::FpToIntSat { signed } => self.float_to_int_sat(inst, c, signed, base)?,
            Intrinsic::IsFpClass => self.is_fpclass(inst, c, base)?,
            Intrinsic::Other(_) => self.x86_instruction(inst, base, &args)?,
        }
        Ok(())
    }

    /// `@llvm.is.fpclass` of floats or doubles, lane by lane: the classes of its mask told
    /// apart by the bits (no floating-point compare, so a signalling NaN raises no flag).
    /// With `a` the bits without the sign: NaN above the infinity's bits (quiet from the top
    /// mantissa bit up), subnormal from 1 to below the smallest normal, normal from there to
    /// below infinity.
    fn is_fpclass(&mut self, inst: &Inst, c: &Call, base: &str) -> Emitted<()> {
        let arg = c.args.first().ok_or("an intrinsic without arguments")?.clone();
        let from = self.operand_type(&arg)?.scalar().clone();
        let mask = c.args.get(1).and_then(|a| a.as_const()).and_then(opm_ir::Constant::as_signed);
        let (Some(mask), Some((ty, bits_of, w, m))) = (
            mask,
            match from {
                Type::Float => Some(("uint32_t", "opm_f32_bits", 32u32, 23u32)),
                Type::Double => Some(("uint64_t", "opm_f64_bits", 64, 52)),
                _ => None,
            },
        ) else {
            return Err(format!("the intrinsic @llvm.{base} on `{from}`"));
        };
        let inf = ((1u64 << (w - 1 - m)) - 1) << m;
        let quiet = 1u64 << (m - 1);
        let min_normal = 1u64 << m;
        let sign = 1u64 << (w - 1);
        self.lanes(inst, |e, i| {
            let x = e.lane_of(&arg, i)?;
            let b = format!("{bits_of}({x})");
            let a = format!("(({ty})({b} & {:#x}ULL))", !sign & (u64::MAX >> (64 - w)));
            let neg = format!("((({ty}){b} & {sign:#x}ULL) != 0)");
            let mut tests = Vec::new();
            for class in opm_backend::intrinsic::FpClass::of_mask(mask as u64) {
                use opm_backend::intrinsic::FpClass as C;
                let test = match class {
                    C::SignalingNan => {
                        format!("({a} > {inf:#x}ULL && {a} < {:#x}ULL)", inf | quiet)
                    }
                    C::QuietNan => format!("({a} >= {:#x}ULL)", inf | quiet),
                    C::NegativeInfinity | C::PositiveInfinity => format!("({a} == {inf:#x}ULL)"),
                    C::NegativeZero | C::PositiveZero => format!("({a} == 0)"),
                    C::NegativeSubnormal | C::PositiveSubnormal => {
                        format!("(({ty})({a} - 1) < {:#x}ULL)", min_normal - 1)
                    }
                    C::NegativeNormal | C::PositiveNormal => {
                        format!("(({ty})({a} - {min_normal:#x}ULL) < {:#x}ULL)", inf - min_normal)
                    }
                };
                tests.push(match class.negative() {
                    Some(true) => format!("({test} && {neg})"),
                    Some(false) => format!("({test} && !{neg})"),
                    None => test,
                });
            }
            let any = if tests.is_empty() { "0".to_string() } else { tests.join(" || ") };
            Ok(format!("((uint8_t)({any}))"))
        })
    }

    /// `@llvm.fptosi.sat` / `@llvm.fptoui.sat`: the float truncated toward zero, clamped to
    /// the result's range, NaN to 0; lane by lane. The bounds are powers of two, exact in
    /// every float type (compared in the wider of the operand's type and `double`).
    fn float_to_int_sat(&mut self, inst: &Inst, c: &Call, signed: bool, base: &str) -> Emitted<()> {
        let arg = c.args.first().ok_or("an intrinsic without arguments")?;
        let from = self.operand_type(arg)?.scalar().clone();
        let n = inst.ty.scalar().int_bits().unwrap_or(0);
        if float_c(&from).is_none() || !(1..=128).contains(&n) {
            return Err(format!("the intrinsic @llvm.{base} from `{from}` to `{}`", inst.ty));
        }
        let (wide, wide_u) =
            if n <= 64 { ("int64_t", "uint64_t") } else { ("opm_i128", "opm_u128") };
        let max = ops::int_literal(n, if signed { (1u128 << (n - 1)) - 1 } else { u128::MAX });
        let min = ops::int_literal(n, if signed { 1u128 << (n - 1) } else { 0 });
        let zero = ops::int_literal(n, 0);
        let arg = arg.clone();
        self.lanes(inst, |e, i| {
            let x = e.lane_of(&arg, i)?;
            Ok(if signed {
                let k = n - 1;
                let t = wrap(n, &format!("({wide_u})({wide})({x})"));
                format!(
                    "(({x}) >= 0x1p{k} ? {max} : ({x}) > -0x1p{k} ? {t} : \
                     __builtin_isnan({x}) ? {zero} : {min})"
                )
            } else {
                let t = format!("(({})({wide_u})({x}))", int_c(n));
                format!("(({x}) >= 0x1p{n} ? {max} : ({x}) > -1.0 ? {t} : {zero})")
            })
        })
    }

    /// `@llvm.modf` of `x`: `{ fractional part, integral part }` through the C library's
    /// modf, lane by lane for a vector.
    fn modf(&mut self, inst: &Inst, c: &Call, x: &str) -> Emitted<()> {
        let ty = self.operand_type(&c.args[0])?;
        let fc = float_c(ty.scalar()).filter(|fc| *fc != "_Float128");
        let fc = fc.ok_or(format!("@llvm.modf on `{ty}`"))?;
        let f = float_suffix(fc);
        let dst = var(inst.result.ok_or("@llvm.modf without a result")?);
        let Some(n) = ty.vector_len() else {
            self.line(&format!("{dst}.f0 = __builtin_modf{f}({x}, &{dst}.f1);"));
            return Ok(());
        };
        // A vector's lanes have no address: the integral part goes through a temporary.
        let v = self.materialize(&ty, x)?;
        let t = self.fresh_local(fc);
        let (fracs, ints) = (format!("{dst}.f0"), format!("{dst}.f1"));
        for i in 0..n as usize {
            let (x, frac, int) =
                (self.lane(&v, &ty, i), self.lane(&fracs, &ty, i), self.lane(&ints, &ty, i));
            self.line(&format!("{frac} = __builtin_modf{f}({x}, &{t});"));
            self.line(&format!("{int} = {t};"));
        }
        Ok(())
    }

    /// An element-wise intrinsic: the first argument's lanes drive the iteration, and a
    /// scalar argument is the same for every lane.
    fn lane_by_lane(
        &mut self,
        op: Elementwise,
        base: &str,
        inst: &Inst,
        c: &Call,
        args: &[String],
    ) -> Emitted<()> {
        let arg_ty = self.operand_type(c.args.first().ok_or("an intrinsic without arguments")?)?;
        let arg_elem = arg_ty.scalar().clone();
        let elem = inst.ty.scalar().clone();
        let n = arg_ty.vector_len();
        let mut lanes = Vec::new();
        for (a, op) in args.iter().zip(&c.args) {
            let t = self.operand_type(op)?;
            let a = if t.vector_len().is_some() { self.materialize(&t, a)? } else { a.clone() };
            lanes.push((a, t));
        }
        let lane_args = |e: &FnEmit<'_, '_>, i: usize| -> Vec<String> {
            lanes
                .iter()
                .map(|(a, t)| if t.vector_len().is_some() { e.lane(a, t, i) } else { a.clone() })
                .collect()
        };
        let dst = var(inst.result.ok_or("an intrinsic without a result")?);
        match n {
            Some(n) => {
                for i in 0..n as usize {
                    let a = lane_args(self, i);
                    let x = self.elementwise(op, base, &elem, &arg_elem, &a)?;
                    let lhs = self.lane(&dst, &inst.ty, i);
                    self.line(&format!("{lhs} = {x};"));
                }
            }
            None => {
                let a = lane_args(self, 0);
                let x = self.elementwise(op, base, &elem, &arg_elem, &a)?;
                self.line(&format!("{dst} = {x};"));
            }
        }
        Ok(())
    }

    /// A local of C type `c` for a temporary.
    fn fresh_local(&mut self, c: &str) -> String {
        let t = self.fresh();
        self.declare(&format!("{c} {t}"));
        t
    }

    /// One lane of an element-wise intrinsic: `elem` is the result's scalar type, `arg_elem`
    /// the first argument's; `base` names the intrinsic in errors.
    fn elementwise(
        &mut self,
        op: Elementwise,
        base: &str,
        elem: &Type,
        arg_elem: &Type,
        a: &[String],
    ) -> Emitted<String> {
        let arg = |i: usize| a.get(i).cloned().ok_or("an intrinsic with too few arguments");
        if let Some(fc) = float_c(arg_elem) {
            let Elementwise::Float(op) = op else {
                return Err(format!("the intrinsic @llvm.{base} on `{arg_elem}`"));
            };
            let f = float_suffix(fc);
            // gcc 12 has `_Float128` built-ins for these only (the others would call
            // functions of the C library by names LLVM may not use).
            let f128_ok = matches!(
                op,
                FloatOp::Sqrt
                    | FloatOp::Fabs
                    | FloatOp::Floor
                    | FloatOp::Ceil
                    | FloatOp::Trunc
                    | FloatOp::Round
                    | FloatOp::Rint
                    | FloatOp::NearbyInt
                    | FloatOp::RoundEven
                    | FloatOp::CopySign
                    | FloatOp::MinNum
                    | FloatOp::MaxNum
                    | FloatOp::Fma
                    | FloatOp::FMulAdd
                    | FloatOp::Minimum
                    | FloatOp::Maximum
            );
            if fc == "_Float128" && !f128_ok {
                return Err(format!("the intrinsic @llvm.{base} on `{arg_elem}`"));
            }
            let fused = self.fused_fmuladd;
            let fma = || -> Emitted<String> {
                Ok(format!("(({fc})__builtin_fma{f}({}, {}, {}))", arg(0)?, arg(1)?, arg(2)?))
            };
            let unary = |name: &str| -> Emitted<String> {
                Ok(format!("(({fc})__builtin_{name}{f}({}))", arg(0)?))
            };
            let binary = |name: &str| -> Emitted<String> {
                Ok(format!("(({fc})__builtin_{name}{f}({}, {}))", arg(0)?, arg(1)?))
            };
            return match op {
                FloatOp::Sqrt => unary("sqrt"),
                FloatOp::Fabs => unary("fabs"),
                FloatOp::Floor => unary("floor"),
                FloatOp::Ceil => unary("ceil"),
                FloatOp::Trunc => unary("trunc"),
                FloatOp::Round => unary("round"),
                FloatOp::Rint => unary("rint"),
                FloatOp::NearbyInt => unary("nearbyint"),
                FloatOp::RoundEven => unary("roundeven"),
                FloatOp::Exp => unary("exp"),
                FloatOp::Exp2 => unary("exp2"),
                FloatOp::Log => unary("log"),
                FloatOp::Log2 => unary("log2"),
                FloatOp::Log10 => unary("log10"),
                FloatOp::Sin => unary("sin"),
                FloatOp::Cos => unary("cos"),
                FloatOp::Tan => unary("tan"),
                FloatOp::CopySign => binary("copysign"),
                FloatOp::Pow => binary("pow"),
                FloatOp::MinNum => binary("fmin"),
                FloatOp::MaxNum => binary("fmax"),
                FloatOp::Fma => fma(),
                // One rounding where LLVM's code generator fuses it (the function's processor
                // has FMA, on floats and doubles; see `fuses_fmuladd`), two elsewhere.
                FloatOp::FMulAdd if fused && matches!(fc, "float" | "double") => fma(),
                FloatOp::FMulAdd => {
                    Ok(format!("(({fc})(({fc})(({}) * ({})) + ({})))", arg(0)?, arg(1)?, arg(2)?))
                }
                FloatOp::Minimum | FloatOp::Maximum => {
                    let h = self.min_max_helper(op == FloatOp::Maximum, fc);
                    Ok(format!("{h}({}, {})", arg(0)?, arg(1)?))
                }
                FloatOp::Powi | FloatOp::Ldexp => {
                    let name = if op == FloatOp::Powi { "powi" } else { "ldexp" };
                    Ok(format!("(({fc})__builtin_{name}{f}({}, (int)({})))", arg(0)?, arg(1)?))
                }
                FloatOp::LRound | FloatOp::LRint => {
                    let n = elem.int_bits().ok_or("a rounding intrinsic to a non-integer")?;
                    let name = if op == FloatOp::LRound { "round" } else { "rint" };
                    Ok(wrap(n, &format!("(uint64_t)__builtin_ll{name}{f}({})", arg(0)?)))
                }
            };
        }
        let n = arg_elem.int_bits().ok_or(format!("the intrinsic @llvm.{base} on `{arg_elem}`"))?;
        let w = container_bits(n).max(32);
        let u = unsigned_c(w);
        let t = int_c(n);
        let x = arg(0)?;
        let Elementwise::Int(op) = op else {
            return Err(format!("the intrinsic @llvm.{base} on `{arg_elem}`"));
        };
        Ok(match op {
            IntOp::MinMax { signed, max } => {
                let y = arg(1)?;
                let (p, q) = if signed {
                    (sext(&x, n, w), sext(&y, n, w))
                } else {
                    (format!("({x})"), format!("({y})"))
                };
                let cmp = if max { ">" } else { "<" };
                format!("(({p} {cmp} {q}) ? ({x}) : ({y}))")
            }
            IntOp::Abs => {
                wrap(n, &format!("({} < 0) ? ({u})0 - ({u})({x}) : ({u})({x})", sext(&x, n, w)))
            }
            IntOp::CountOnes => match n {
                0..=64 => format!("(({t})__builtin_popcountll((uint64_t)({x})))"),
                _ => format!(
                    "(({t})(__builtin_popcountll((uint64_t)({x})) + \
                     __builtin_popcountll((uint64_t)(({x}) >> 64))))"
                ),
            },
            IntOp::LeadingZeros => match n {
                0..=64 => format!(
                    "(({t})(({x}) == 0 ? {n} : __builtin_clzll((uint64_t)({x})) - {}))",
                    64 - n
                ),
                _ => format!(
                    "(({t})((uint64_t)(({x}) >> 64) != 0 ? \
                     __builtin_clzll((uint64_t)(({x}) >> 64)) - {} : \
                     (uint64_t)({x}) != 0 ? {} + __builtin_clzll((uint64_t)({x})) : {n}))",
                    128 - n,
                    n - 64
                ),
            },
            IntOp::TrailingZeros => match n {
                0..=64 => format!("(({t})(({x}) == 0 ? {n} : __builtin_ctzll((uint64_t)({x}))))"),
                _ => format!(
                    "(({t})((uint64_t)({x}) != 0 ? __builtin_ctzll((uint64_t)({x})) : \
                     (uint64_t)(({x}) >> 64) != 0 ? 64 + __builtin_ctzll((uint64_t)(({x}) >> 64)) \
                     : {n}))"
                ),
            },
            IntOp::ByteSwap => match n {
                16 => format!("(({t})__builtin_bswap16({x}))"),
                32 => format!("(({t})__builtin_bswap32({x}))"),
                128 => format!("(({t})__builtin_bswap128({x}))"),
                _ if n <= 64 => {
                    format!("(({t})(__builtin_bswap64((uint64_t)({x})) >> {}))", 64 - n)
                }
                _ if n < 128 => {
                    format!("(({t})(__builtin_bswap128((opm_u128)({x})) >> {}))", 128 - n)
                }
                _ => return Err(format!("@llvm.bswap on `i{n}`")),
            },
            IntOp::BitReverse => {
                let h = self.bitreverse_helper();
                match n {
                    0..=64 => format!("(({t})({h}((uint64_t)({x})) >> {}))", 64 - n),
                    128 => format!(
                        "(((opm_u128){h}((uint64_t)({x})) << 64) | {h}((uint64_t)(({x}) >> 64)))"
                    ),
                    _ => return Err(format!("@llvm.bitreverse on `i{n}`")),
                }
            }
            IntOp::Funnel { left } if n <= 128 => {
                let (y, z) = (arg(1)?, arg(2)?);
                let amt = format!("((unsigned)(({z}) % {n}))");
                let body = if left {
                    format!(
                        "{amt} == 0 ? ({u})({x}) : (({u})({x}) << {amt}) | (({u})({y}) >> ({n} - {amt}))"
                    )
                } else {
                    format!(
                        "{amt} == 0 ? ({u})({y}) : (({u})({y}) >> {amt}) | (({u})({x}) << ({n} - {amt}))"
                    )
                };
                wrap(n, &body)
            }
            IntOp::Saturating { signed, sub } if n <= 64 => {
                let y = arg(1)?;
                let op = if sub { "-" } else { "+" };
                if signed {
                    let (lo, hi) = (-(1i128 << (n - 1)), (1i128 << (n - 1)) - 1);
                    let r = format!(
                        "((opm_i128){} {op} (opm_i128){})",
                        sext(&x, n, 64),
                        sext(&y, n, 64)
                    );
                    wrap(
                        n,
                        &format!(
                            "(opm_u128)({r} < (opm_i128){lo}LL ? (opm_i128){lo}LL : \
                             {r} > (opm_i128){hi}LL ? (opm_i128){hi}LL : {r})"
                        ),
                    )
                } else if !sub {
                    let max = ops::int_literal(n, u128::MAX);
                    let r = format!("((opm_u128)({x}) + (opm_u128)({y}))");
                    format!("(({t})({r} > (opm_u128){max} ? {max} : ({t}){r}))")
                } else {
                    format!("(({t})(({x}) < ({y}) ? 0 : ({x}) - ({y})))")
                }
            }
            IntOp::Saturating { signed, sub } if n <= 128 => {
                // Wider than 64 bits: at the top of 128 bits, where gcc's overflow built-ins
                // saturate at the right bounds, then back down.
                let y = arg(1)?;
                let sh = 128 - n;
                let what = if sub { "sub" } else { "add" };
                let top = |v: &str| format!("(opm_u128)({v}) << {sh}");
                if signed {
                    let min = "(opm_i128)((opm_u128)1 << 127)";
                    let max = "(opm_i128)(((opm_u128)1 << 127) - 1)";
                    wrap(
                        n,
                        &format!(
                            "(opm_u128)(({{ opm_i128 a_ = (opm_i128)({}), b_ = (opm_i128)({}), \
                             r_; __builtin_{what}_overflow(a_, b_, &r_) ? (a_ < 0 ? {min} : \
                             {max}) : r_; }}) >> {sh})",
                            top(&x),
                            top(&y)
                        ),
                    )
                } else {
                    let sat = if sub { "(opm_u128)0" } else { "~(opm_u128)0" };
                    format!(
                        "(({t})(({{ opm_u128 a_ = {}, b_ = {}, r_; \
                         __builtin_{what}_overflow(a_, b_, &r_) ? {sat} : r_; }}) >> {sh}))",
                        top(&x),
                        top(&y)
                    )
                }
            }
            IntOp::Funnel { .. } | IntOp::Saturating { .. } => {
                return Err(format!("the intrinsic @llvm.{base} on `{arg_elem}`"));
            }
            IntOp::Compare { signed } => {
                let y = arg(1)?;
                let (p, q) = if signed {
                    (sext(&x, n, w), sext(&y, n, w))
                } else {
                    (format!("({x})"), format!("({y})"))
                };
                let m = elem.int_bits().ok_or("a comparison intrinsic to a non-integer")?;
                wrap(
                    m,
                    &format!(
                        "({})(int64_t)(({p} > {q}) - ({p} < {q}))",
                        unsigned_c(container_bits(m).max(32))
                    ),
                )
            }
        })
    }

    /// The value and overflow flag of `@llvm.<base>` (`sadd.with.overflow`, …) on two `iN`.
    fn overflow(
        &mut self,
        signed: bool,
        op: Arith,
        base: &str,
        n: u32,
        a: &str,
        b: &str,
    ) -> Emitted<(String, String)> {
        let (what, sym) = match op {
            Arith::Add => ("add", "+"),
            Arith::Sub => ("sub", "-"),
            Arith::Mul => ("mul", "*"),
        };
        let t = int_c(n);
        let o = self.fresh_local("uint8_t");
        if n == container_bits(n) {
            let c = if signed { signed_c(n) } else { t };
            let r = self.fresh_local(c);
            self.line(&format!(
                "{o} = (uint8_t)__builtin_{what}_overflow(({c})({a}), ({c})({b}), &{r});"
            ));
            return Ok((format!("(({t}){r})"), o));
        }
        if n > 64 {
            return Err(format!("@llvm.{base} on `i{n}`"));
        }
        // An odd width: the exact result in 128 bits, then a range check.
        let r = self.fresh_local("opm_i128");
        if signed {
            self.line(&format!(
                "{r} = (opm_i128){} {sym} (opm_i128){};",
                sext(a, n, 64),
                sext(b, n, 64)
            ));
            let (lo, hi) = (-(1i128 << (n - 1)), (1i128 << (n - 1)) - 1);
            self.line(&format!("{o} = {r} < (opm_i128){lo}LL || {r} > (opm_i128){hi}LL;"));
        } else {
            self.line(&format!("{r} = (opm_i128)({a}) {sym} (opm_i128)({b});"));
            let max = (1i128 << n) - 1;
            self.line(&format!("{o} = {r} < 0 || {r} > (opm_i128){max}LL;"));
        }
        Ok((wrap(n, &format!("(opm_u128){r}")), o))
    }

    /// `@llvm.vector.reduce.<op>` (`base`): a fold over the lanes in order (as the sequential
    /// float reductions require).
    fn reduce(&mut self, op: ReduceOp, base: &str, c: &Call) -> Emitted<String> {
        let (start, vec) = match op {
            ReduceOp::FAdd | ReduceOp::FMul => (Some(&c.args[0]), &c.args[1]),
            _ => (None, &c.args[0]),
        };
        let ty = self.operand_type(vec)?;
        let elem = ty.scalar().clone();
        let n = ty.vector_len().ok_or("a reduction of a non-vector")? as usize;
        let v = self.operand(vec)?;
        let v = self.materialize(&ty, &v)?;
        let mut acc = match start {
            Some(s) => self.operand(s)?,
            None => self.lane(&v, &ty, 0),
        };
        let first = usize::from(start.is_none());
        let fc = float_c(&elem);
        let f = fc.map_or("", float_suffix);
        let fc = match (op, fc) {
            (ReduceOp::FAdd | ReduceOp::FMul | ReduceOp::FMax | ReduceOp::FMin, None) => {
                return Err(format!("@llvm.{base} on `{ty}`"));
            }
            (_, fc) => fc.unwrap_or("double"),
        };
        for i in first..n {
            let x = self.lane(&v, &ty, i);
            acc = match (op, &elem) {
                (ReduceOp::FAdd, _) => ops::float_bin(BinOp::FAdd, fc, &acc, &x)?,
                (ReduceOp::FMul, _) => ops::float_bin(BinOp::FMul, fc, &acc, &x)?,
                (ReduceOp::FMax, _) => format!("__builtin_fmax{f}({acc}, {x})"),
                (ReduceOp::FMin, _) => format!("__builtin_fmin{f}({acc}, {x})"),
                (ReduceOp::Add, Type::Int(bits)) => ops::int_bin(BinOp::Add, *bits, &acc, &x)?,
                (ReduceOp::Mul, Type::Int(bits)) => ops::int_bin(BinOp::Mul, *bits, &acc, &x)?,
                (ReduceOp::And, Type::Int(bits)) => ops::int_bin(BinOp::And, *bits, &acc, &x)?,
                (ReduceOp::Or, Type::Int(bits)) => ops::int_bin(BinOp::Or, *bits, &acc, &x)?,
                (ReduceOp::Xor, Type::Int(bits)) => ops::int_bin(BinOp::Xor, *bits, &acc, &x)?,
                (ReduceOp::MinMax { signed, max }, Type::Int(_)) => {
                    let a = [acc.clone(), x];
                    let op = Elementwise::Int(IntOp::MinMax { signed, max });
                    self.elementwise(op, base, &elem, &elem, &a)?
                }
                (
                    ReduceOp::Add
                    | ReduceOp::Mul
                    | ReduceOp::And
                    | ReduceOp::Or
                    | ReduceOp::Xor
                    | ReduceOp::MinMax { .. },
                    _,
                ) => return Err(format!("@llvm.{base} on `{ty}`")),
            };
            // Keep expressions short: fold through a temporary every few lanes.
            if i % 4 == 3 {
                let c = self.cx.types.c(&elem)?;
                let t = self.fresh_local(&c);
                self.line(&format!("{t} = {acc};"));
                acc = t;
            }
        }
        Ok(acc)
    }

    /// The helper that reverses the bits of a 64-bit value.
    fn bitreverse_helper(&mut self) -> &'static str {
        const NAME: &str = "opm_bitreverse64";
        if !self.cx.helpers.iter().any(|h| h.contains(NAME)) {
            self.cx.helpers.push(format!(
                "OPM_INLINE uint64_t {NAME}(uint64_t x) {{ uint64_t r = 0; \
                 for (int i = 0; i < 64; i++) {{ r = (r << 1) | (x & 1); x >>= 1; }} return r; }}"
            ));
        }
        NAME
    }

    /// The helper for `minimum`/`maximum`: NaN if either is NaN, and -0 below +0.
    pub(crate) fn min_max_helper(&mut self, max: bool, fc: &str) -> String {
        let name =
            format!("opm_{}_{}", if max { "maximum" } else { "minimum" }, fc.replace(' ', "_"));
        if !self.cx.helpers.iter().any(|h| h.contains(&name)) {
            let (pick, zero) = if max {
                ("a > b", "__builtin_signbit(a) ? b : a")
            } else {
                ("a < b", "__builtin_signbit(a) ? a : b")
            };
            self.cx.helpers.push(format!(
                "OPM_INLINE {fc} {name}({fc} a, {fc} b) {{ if (__builtin_isnan(a) || __builtin_isnan(b)) \
                 return a + b; if (a == b) return {zero}; return {pick} ? a : b; }}"
            ));
        }
        name
    }
}

/// libc's string, memory and allocation functions that gcc knows as built-ins, as the
/// emitted C calls them: the name, the built-in's parameter types, and the IR's return type.
/// gcc knows that the memory `malloc`, `calloc` and `realloc` return aliases nothing else,
/// which lets it vectorise loops over separately allocated arrays without checks (as LLVM's
/// passes know it from the same calls); under a name of the emitted C's own it could not.
const LIBC_BUILTINS: &[(&str, &[&str], Type)] = &[
    ("strlen", &["const char *"], Type::Int(64)),
    ("strcmp", &["const char *", "const char *"], Type::Int(32)),
    ("strncmp", &["const char *", "const char *", "__SIZE_TYPE__"], Type::Int(32)),
    ("memcmp", &["const void *", "const void *", "__SIZE_TYPE__"], Type::Int(32)),
    ("strchr", &["const char *", "int"], Type::Ptr),
    ("malloc", &["__SIZE_TYPE__"], Type::Ptr),
    ("calloc", &["__SIZE_TYPE__", "__SIZE_TYPE__"], Type::Ptr),
    ("realloc", &["void *", "__SIZE_TYPE__"], Type::Ptr),
    ("free", &["void *"], Type::Void),
];

#[cfg(test)]
mod tests {
    //! `llvm.modf` on vectors (lane by lane) and on scalars, compiled by gcc and linked into a
    //! C program that checks every lane against the C library's modf, bit for bit.

    use crate::compiler::Gcc;
    use opm_ir::{Function, FunctionBuilder, FunctionType, Module, Op, Type};
    use std::process::Command;
    use std::time::Duration;

    /// `void fname(ptr x, ptr frac, ptr int)`: `llvm.modf` of the `ty` at `x`, its two parts
    /// stored at `frac` and `int`.
    fn modf(m: &mut Module, fname: &str, ty: Type) {
        let suffix = match &ty {
            Type::Vector(n, e) => format!("v{n}{}", if **e == Type::Float { "f32" } else { "f64" }),
            Type::Float => "f32".into(),
            _ => "f64".into(),
        };
        let pair = Type::Struct(opm_ir::StructType {
            name: None,
            body: Some(vec![ty.clone(), ty.clone()]),
            packed: false,
        });
        let name = format!("llvm.modf.{suffix}");
        let intrinsic =
            FunctionType { ret: pair.clone(), params: vec![ty.clone()], varargs: false };
        let params = vec![Type::Ptr, Type::Ptr, Type::Ptr];
        let mut b =
            FunctionBuilder::new(fname, FunctionType { ret: Type::Void, params, varargs: false });
        let x = b.push(
            ty.clone(),
            Op::Load { ptr: b.param(0), align: 16, volatile: false, atomic: None },
        );
        let parts = b.call(&name, intrinsic.clone(), vec![x]);
        for i in 0..2 {
            let op = Op::ExtractValue { agg: parts.clone(), indices: vec![i] };
            let part = b.push(ty.clone(), op);
            let ptr = b.param(1 + i as usize);
            b.push_void(Op::Store { val: part, ptr, align: 16, volatile: false, atomic: None });
        }
        b.ret(None);
        m.functions.push(b.finish());
        m.functions.push(Function::declaration(name, intrinsic));
    }

    const MAIN: &str = r#"
#include <math.h>
#include <stdio.h>
#include <string.h>
void t_modf2(const double *, double *, double *);
void t_modf4f(const float *, float *, float *);
void t_modf(const double *, double *, double *);
static int bad;
#define SAME(what, got, want) do { __typeof__(want) g_ = (got), w_ = (want); \
    if (memcmp(&g_, &w_, sizeof g_)) { bad++; printf("%s differs\n", what); } } while (0)
int main(void) {
  double d[] __attribute__((aligned(16))) = {2.75, -2.75, -0.0, INFINITY, -INFINITY, NAN, 1e300, -0.5};
  for (int i = 0; i < 8; i += 2) {
    double fr[2] __attribute__((aligned(16))), in[2] __attribute__((aligned(16)));
    t_modf2(d + i, fr, in);
    for (int j = 0; j < 2; j++) {
      double wi, wf = modf(d[i + j], &wi);
      SAME("modf v2f64 fractional", fr[j], wf);
      SAME("modf v2f64 integral", in[j], wi);
    }
    t_modf(d + i, fr, in);
    double wi, wf = modf(d[i], &wi);
    SAME("modf f64 fractional", fr[0], wf);
    SAME("modf f64 integral", in[0], wi);
  }
  float f[] __attribute__((aligned(16))) = {2.75f, -2.75f, -0.0f, INFINITY, -INFINITY, NAN, 1e30f, -0.5f};
  for (int i = 0; i < 8; i += 4) {
    float fr[4] __attribute__((aligned(16))), in[4] __attribute__((aligned(16)));
    t_modf4f(f + i, fr, in);
    for (int j = 0; j < 4; j++) {
      float wi, wf = modff(f[i + j], &wi);
      SAME("modf v4f32 fractional", fr[j], wf);
      SAME("modf v4f32 integral", in[j], wi);
    }
  }
  printf("%d bad\n", bad);
  return bad != 0;
}
"#;

    #[test]
    fn modf_of_vectors_goes_lane_by_lane() {
        let mut m = Module {
            target_triple: "x86_64-pc-linux-gnu".into(),
            data_layout:
                "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"
                    .into(),
            ..Module::default()
        };
        modf(&mut m, "t_modf2", Type::Vector(2, Box::new(Type::Double)));
        modf(&mut m, "t_modf4f", Type::Vector(4, Box::new(Type::Float)));
        modf(&mut m, "t_modf", Type::Double);
        let c = crate::emit::emit_module(&m).unwrap();
        assert!(
            c.contains("[1] = __builtin_modf((") && c.contains("[3] = __builtin_modff(("),
            "{c}"
        );
        let gcc = Gcc::find().expect("the tests need gcc (apt-get install gcc)");
        let dir = tempfile::tempdir().unwrap();
        for level in ["-O0", "-O2"] {
            let object =
                crate::compile_to_object(&gcc, &m, &[level.into()], Duration::from_secs(60))
                    .unwrap_or_else(|e| panic!("at {level}: {e}\n{c}"));
            let (obj, main, exe) =
                (dir.path().join("m.o"), dir.path().join("main.c"), dir.path().join("main"));
            std::fs::write(&obj, object).unwrap();
            std::fs::write(&main, MAIN).unwrap();
            let built = Command::new(gcc.path())
                .args(["-O0", "-fno-builtin"])
                .arg(&main)
                .arg(&obj)
                .arg("-o")
                .arg(&exe)
                .arg("-lm")
                .output()
                .unwrap();
            assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
            let ran = Command::new(&exe).output().unwrap();
            let out = String::from_utf8_lossy(&ran.stdout);
            assert!(ran.status.success() && out == "0 bad\n", "at {level}: {out}");
        }
    }
}
