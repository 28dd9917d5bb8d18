//! Calls, and LLVM's intrinsics as gcc built-ins or short C expressions. Element-wise
//! intrinsics on vectors run lane by lane.

use super::function::{Emitted, FnEmit, is_composite, var};
use super::ops::{self, sext, wrap};
use super::types::{container_bits, int_c, signed_c, unsigned_c};
use super::{ret_c, type_attr};
use opm_ir::{BinOp, Call, Inst, Type};

impl FnEmit<'_, '_> {
    /// A call: to an intrinsic, directly to a function of the module with the call's type,
    /// or through a function pointer of the call's type.
    pub(crate) fn call(&mut self, inst: &Inst, c: &Call) -> Emitted<()> {
        if let Some(name) = c.callee_name()
            && name.starts_with("llvm.")
        {
            return self.intrinsic(inst, name, c);
        }
        let module = self.cx.module;
        let direct = c
            .callee_name()
            .and_then(|n| module.function(n))
            .filter(|f| f.ty == c.fn_ty && self.cx.symbols.contains_key(&f.name));
        let (attrs, callee) = match direct {
            Some(f) => (f.attrs.clone(), self.cx.symbols[&f.name].cname.clone()),
            None => {
                let mut params = Vec::new();
                for i in 0..c.fn_ty.params.len() {
                    params.push(self.param_c(&c.fn_ty, &c.attrs, i)?);
                }
                if c.fn_ty.varargs {
                    if params.is_empty() {
                        return Err("an indirect call of a variadic function without a named \
                                    parameter"
                            .into());
                    }
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

    /// A call of the intrinsic `name`.
    fn intrinsic(&mut self, inst: &Inst, name: &str, c: &Call) -> Emitted<()> {
        if opm_ir::intrinsic::is_hint(name) {
            return Ok(());
        }
        let base = opm_ir::intrinsic::base_name(name);
        let mut args = Vec::with_capacity(c.args.len());
        for a in &c.args {
            args.push(self.operand(a)?);
        }
        let va = |p: &str| format!("*(__builtin_va_list *)({p})");
        match base {
            "memcpy" | "memcpy.inline" | "memmove" | "memset" | "memset.inline" => {
                let f = match base {
                    "memmove" => "__builtin_memmove",
                    "memset" | "memset.inline" => "__builtin_memset",
                    _ => "__builtin_memcpy",
                };
                let val = if f == "__builtin_memset" {
                    format!("(int)({})", args[1])
                } else {
                    args[1].clone()
                };
                self.line(&format!("{f}({}, {val}, (uint64_t)({}));", args[0], args[2]));
                return Ok(());
            }
            "expect"
            | "expect.with.probability"
            | "launder.invariant.group"
            | "strip.invariant.group" => {
                self.assign(inst, &args[0]);
                return Ok(());
            }
            "trap" | "debugtrap" | "ubsantrap" => {
                self.line("__builtin_trap();");
                return Ok(());
            }
            "is.constant" => {
                self.assign(inst, "((uint8_t)0)");
                return Ok(());
            }
            "objectsize" => {
                let n = inst.ty.int_bits().unwrap_or(64);
                let all = ops::int_literal(n, u128::MAX);
                let none = ops::int_literal(n, 0);
                self.assign(inst, &format!("(({}) ? {none} : {all})", args[1]));
                return Ok(());
            }
            "va_start" => {
                let last = self
                    .f
                    .params
                    .last()
                    .ok_or("`va_start` in a function without a named parameter")?;
                let list = va(&args[0]);
                self.line(&format!("__builtin_va_start({list}, a{});", last.value.0));
                return Ok(());
            }
            "va_end" => {
                self.line(&format!("__builtin_va_end({});", va(&args[0])));
                return Ok(());
            }
            "va_copy" => {
                self.line(&format!("__builtin_va_copy({}, {});", va(&args[0]), va(&args[1])));
                return Ok(());
            }
            "stacksave" => {
                self.assign(inst, "(opm_ptr)__builtin_stack_save()");
                return Ok(());
            }
            "stackrestore" => {
                self.line(&format!("__builtin_stack_restore({});", args[0]));
                return Ok(());
            }
            "load.relative" => {
                let t = self.fresh_local("int32_t");
                self.line(&format!(
                    "__builtin_memcpy(&{t}, ({}) + (int64_t)({}), 4);",
                    args[0], args[1]
                ));
                self.assign(inst, &format!("(({}) + {t})", args[0]));
                return Ok(());
            }
            _ => {}
        }
        if let Some(op) = base.strip_suffix(".with.overflow") {
            let n =
                self.operand_type(&c.args[0])?.int_bits().ok_or("an overflow check on vectors")?;
            let (r, o) = self.overflow(op, n, &args[0], &args[1])?;
            let dst = var(inst.result.ok_or("an overflow intrinsic without a result")?);
            self.line(&format!("{dst}.f0 = {r};"));
            self.line(&format!("{dst}.f1 = {o};"));
            return Ok(());
        }
        if base == "modf" && inst.ty.vector_len().is_none() {
            let fc = float_c(self.operand_type(&c.args[0])?.scalar()).ok_or("@llvm.modf")?;
            let f = if fc == "float" { "f" } else { "" };
            let dst = var(inst.result.ok_or("@llvm.modf without a result")?);
            self.line(&format!("{dst}.f0 = __builtin_modf{f}({}, &{dst}.f1);", args[0]));
            return Ok(());
        }
        if let Some(op) = base.strip_prefix("vector.reduce.") {
            let r = self.reduce(op, c)?;
            self.assign(inst, &r);
            return Ok(());
        }
        // Element-wise intrinsics: the first argument's lanes drive the iteration.
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
                    let x = self.elementwise(base, &elem, &arg_elem, &a)?;
                    let lhs = self.lane(&dst, &inst.ty, i);
                    self.line(&format!("{lhs} = {x};"));
                }
            }
            None => {
                let a = lane_args(self, 0);
                let x = self.elementwise(base, &elem, &arg_elem, &a)?;
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
    /// the first argument's.
    fn elementwise(
        &mut self,
        base: &str,
        elem: &Type,
        arg_elem: &Type,
        a: &[String],
    ) -> Emitted<String> {
        let arg = |i: usize| a.get(i).cloned().ok_or("an intrinsic with too few arguments");
        if let Some(fc) = float_c(arg_elem) {
            let f = if fc == "float" { "f" } else { "" };
            let unary = |name: &str| -> Emitted<String> {
                Ok(format!("(({fc})__builtin_{name}{f}({}))", arg(0)?))
            };
            let binary = |name: &str| -> Emitted<String> {
                Ok(format!("(({fc})__builtin_{name}{f}({}, {}))", arg(0)?, arg(1)?))
            };
            return match base {
                "sqrt" | "fabs" | "floor" | "ceil" | "trunc" | "round" | "rint" | "nearbyint"
                | "roundeven" | "exp" | "exp2" | "log" | "log2" | "log10" | "sin" | "cos"
                | "tan" => unary(base),
                "copysign" | "pow" => binary(base),
                "minnum" => binary("fmin"),
                "maxnum" => binary("fmax"),
                "fma" => {
                    Ok(format!("(({fc})__builtin_fma{f}({}, {}, {}))", arg(0)?, arg(1)?, arg(2)?))
                }
                "fmuladd" => {
                    Ok(format!("(({fc})(({fc})(({}) * ({})) + ({})))", arg(0)?, arg(1)?, arg(2)?))
                }
                "minimum" | "maximum" => {
                    let h = self.min_max_helper(base, fc);
                    Ok(format!("{h}({}, {})", arg(0)?, arg(1)?))
                }
                "powi" | "ldexp" => {
                    let name = if base == "powi" { "powi" } else { "ldexp" };
                    Ok(format!("(({fc})__builtin_{name}{f}({}, (int)({})))", arg(0)?, arg(1)?))
                }
                "lround" | "llround" | "lrint" | "llrint" => {
                    let n = elem.int_bits().ok_or("a rounding intrinsic to a non-integer")?;
                    let name = base.trim_start_matches('l').trim_start_matches('l');
                    Ok(wrap(n, &format!("(uint64_t)__builtin_ll{name}{f}({})", arg(0)?)))
                }
                _ => Err(format!("the intrinsic @llvm.{base} on `{arg_elem}`")),
            };
        }
        let n = arg_elem.int_bits().ok_or(format!("the intrinsic @llvm.{base} on `{arg_elem}`"))?;
        let w = container_bits(n).max(32);
        let u = unsigned_c(w);
        let t = int_c(n);
        let x = arg(0)?;
        Ok(match base {
            "smax" | "smin" | "umax" | "umin" => {
                let y = arg(1)?;
                let (p, q) = if base.starts_with('s') {
                    (sext(&x, n, w), sext(&y, n, w))
                } else {
                    (format!("({x})"), format!("({y})"))
                };
                let cmp = if base.ends_with("max") { ">" } else { "<" };
                format!("(({p} {cmp} {q}) ? ({x}) : ({y}))")
            }
            "abs" => {
                wrap(n, &format!("({} < 0) ? ({u})0 - ({u})({x}) : ({u})({x})", sext(&x, n, w)))
            }
            "ctpop" => match n {
                0..=64 => format!("(({t})__builtin_popcountll((uint64_t)({x})))"),
                _ => format!(
                    "(({t})(__builtin_popcountll((uint64_t)({x})) + \
                     __builtin_popcountll((uint64_t)(({x}) >> 64))))"
                ),
            },
            "ctlz" => match n {
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
            "cttz" => match n {
                0..=64 => format!("(({t})(({x}) == 0 ? {n} : __builtin_ctzll((uint64_t)({x}))))"),
                _ => format!(
                    "(({t})((uint64_t)({x}) != 0 ? __builtin_ctzll((uint64_t)({x})) : \
                     (uint64_t)(({x}) >> 64) != 0 ? 64 + __builtin_ctzll((uint64_t)(({x}) >> 64)) \
                     : {n}))"
                ),
            },
            "bswap" => match n {
                16 => format!("(({t})__builtin_bswap16({x}))"),
                32 => format!("(({t})__builtin_bswap32({x}))"),
                128 => format!("(({t})__builtin_bswap128({x}))"),
                _ if n <= 64 => {
                    format!("(({t})(__builtin_bswap64((uint64_t)({x})) >> {}))", 64 - n)
                }
                _ => return Err(format!("@llvm.bswap on `i{n}`")),
            },
            "bitreverse" => {
                let h = self.bitreverse_helper();
                match n {
                    0..=64 => format!("(({t})({h}((uint64_t)({x})) >> {}))", 64 - n),
                    128 => format!(
                        "(((opm_u128){h}((uint64_t)({x})) << 64) | {h}((uint64_t)(({x}) >> 64)))"
                    ),
                    _ => return Err(format!("@llvm.bitreverse on `i{n}`")),
                }
            }
            "fshl" | "fshr" if n <= 64 => {
                let (y, z) = (arg(1)?, arg(2)?);
                let amt = format!("((unsigned)(({z}) % {n}))");
                let body = if base == "fshl" {
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
            "sadd.sat" | "ssub.sat" | "uadd.sat" | "usub.sat" if n <= 64 => {
                let y = arg(1)?;
                let op = if base.contains("add") { "+" } else { "-" };
                if base.starts_with('s') {
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
                } else if op == "+" {
                    let max = ops::int_literal(n, u128::MAX);
                    let r = format!("((opm_u128)({x}) + (opm_u128)({y}))");
                    format!("(({t})({r} > (opm_u128){max} ? {max} : ({t}){r}))")
                } else {
                    format!("(({t})(({x}) < ({y}) ? 0 : ({x}) - ({y})))")
                }
            }
            "scmp" | "ucmp" => {
                let y = arg(1)?;
                let (p, q) = if base == "scmp" {
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
            _ => return Err(format!("the intrinsic @llvm.{base} on `{arg_elem}`")),
        })
    }

    /// The value and overflow flag of `@llvm.<op>.with.overflow` on two `iN`.
    fn overflow(&mut self, op: &str, n: u32, a: &str, b: &str) -> Emitted<(String, String)> {
        let (signed, what) = match op {
            "sadd" => (true, "add"),
            "uadd" => (false, "add"),
            "ssub" => (true, "sub"),
            "usub" => (false, "sub"),
            "smul" => (true, "mul"),
            "umul" => (false, "mul"),
            other => return Err(format!("@llvm.{other}.with.overflow")),
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
            return Err(format!("@llvm.{op}.with.overflow on `i{n}`"));
        }
        // An odd width: the exact result in 128 bits, then a range check.
        let sym = match what {
            "add" => "+",
            "sub" => "-",
            _ => "*",
        };
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

    /// `@llvm.vector.reduce.<op>`: a fold over the lanes in order (as the sequential float
    /// reductions require).
    fn reduce(&mut self, op: &str, c: &Call) -> Emitted<String> {
        let (start, vec) = match op {
            "fadd" | "fmul" => (Some(&c.args[0]), &c.args[1]),
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
        for i in first..n {
            let x = self.lane(&v, &ty, i);
            acc = match (op, &elem) {
                ("fadd", Type::Float) => ops::float_bin(BinOp::FAdd, "float", &acc, &x)?,
                ("fadd", _) => ops::float_bin(BinOp::FAdd, "double", &acc, &x)?,
                ("fmul", Type::Float) => ops::float_bin(BinOp::FMul, "float", &acc, &x)?,
                ("fmul", _) => ops::float_bin(BinOp::FMul, "double", &acc, &x)?,
                ("fmax" | "fmin", _) => {
                    let f = if elem == Type::Float { "f" } else { "" };
                    format!("__builtin_{op}{f}({acc}, {x})")
                }
                (_, Type::Int(bits)) => {
                    let bin = match op {
                        "add" => Some(BinOp::Add),
                        "mul" => Some(BinOp::Mul),
                        "and" => Some(BinOp::And),
                        "or" => Some(BinOp::Or),
                        "xor" => Some(BinOp::Xor),
                        _ => None,
                    };
                    match bin {
                        Some(b) => ops::int_bin(b, *bits, &acc, &x)?,
                        None => {
                            let a = [acc.clone(), x];
                            self.elementwise(op, &elem, &elem, &a)?
                        }
                    }
                }
                _ => return Err(format!("@llvm.vector.reduce.{op} on `{ty}`")),
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
    fn min_max_helper(&mut self, base: &str, fc: &str) -> String {
        let name = format!("opm_{base}_{fc}");
        if !self.cx.helpers.iter().any(|h| h.contains(&name)) {
            let (pick, zero) = if base == "minimum" {
                ("a < b", "__builtin_signbit(a) ? a : b")
            } else {
                ("a > b", "__builtin_signbit(a) ? b : a")
            };
            self.cx.helpers.push(format!(
                "OPM_INLINE {fc} {name}({fc} a, {fc} b) {{ if (__builtin_isnan(a) || __builtin_isnan(b)) \
                 return a + b; if (a == b) return {zero}; return {pick} ? a : b; }}"
            ));
        }
        name
    }
}

/// The C float type of a scalar type, if it is one.
fn float_c(ty: &Type) -> Option<&'static str> {
    match ty {
        Type::Float => Some("float"),
        Type::Double => Some("double"),
        _ => None,
    }
}
