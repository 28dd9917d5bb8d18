//! Calls: direct, indirect, to variadic functions, and to the C library for what Cranelift
//! has no instruction for.
//!
//! Cranelift has no variadic calls, and x86-64 SysV wants `%al` to bound the number of vector
//! registers a variadic call uses. A call to a variadic function therefore goes to a small
//! trampoline of the module (`mov $8, %al; jmp callee`, see [`crate::module`]), called with
//! the call site's own signature: the arguments are already where the callee looks for them,
//! and 8 is always a valid bound.

use super::{FnLower, Lowered};
use crate::abi::{byval_slot_size, signature, type_attr};
use cranelift_codegen::ir::{
    AbiParam, ExtFuncData, ExternalName, FuncRef, Inst as ClifInst, InstBuilder, MemFlagsData,
    SigRef, Signature, StackSlotData, StackSlotKind, UserExternalName, Value, types as ct,
};
use cranelift_module::{Linkage, Module as _};
use opm_ir::{Call, Inst, Operand, Type};

/// What an outlined call runs (see [`FnLower::outlined`]).
#[derive(Clone, Copy, Debug)]
enum Outlined<'a> {
    Asm(&'a opm_ir::InlineAsm),
    Intrinsic(&'a str),
}

/// What a call instruction calls.
pub(crate) enum CallTarget {
    /// A function of the module (or a trampoline), by its reference.
    Direct(FuncRef),
    /// An address, called with this signature.
    Indirect(SigRef, Value),
}

impl FnLower<'_, '_> {
    /// Lowers a call; returns the leaves of its result.
    pub(crate) fn call(&mut self, inst: &Inst, c: &Call) -> Lowered<Vec<Value>> {
        if let Some(asm) = c.asm() {
            return self.inline_asm(asm, c);
        }
        if let Some(name) = c.callee_name()
            && name.starts_with("llvm.")
        {
            if crate::unwind::is_typeid_for(name) {
                return self.typeid_for(c);
            }
            // An x86 intrinsic without a lowering here (`xgetbv`, `rdtsc`, …) is outlined.
            if name.starts_with("llvm.x86.")
                && matches!(
                    opm_backend::intrinsic::classify(name),
                    opm_backend::intrinsic::Intrinsic::Other(_)
                )
            {
                return self.outlined(c, Outlined::Intrinsic(name));
            }
            return self.intrinsic(inst, name, c);
        }
        if self.libm_sqrt(c) {
            return self.partially_inlined_sqrt(c);
        }
        self.plain_call(c)
    }

    /// Whether `c` calls the C library's `sqrt` or `sqrtf`: a declaration of that name and
    /// signature, with neither the call, nor the declaration, nor the caller saying
    /// `nobuiltin` or `no-builtins`.
    fn libm_sqrt(&self, c: &Call) -> bool {
        let Some(f) = c.callee_name().and_then(|n| self.cx.module.function(n)) else {
            return false;
        };
        let ty = match f.name.as_str() {
            "sqrt" => opm_ir::Type::Double,
            "sqrtf" => opm_ir::Type::Float,
            _ => return false,
        };
        c.fn_ty == f.ty
            && opm_backend::intrinsic::libc_call_is_builtin(
                f,
                c,
                self.f,
                std::slice::from_ref(&ty),
                &ty,
            )
    }

    /// A call of the C library's `sqrt` (or `sqrtf`) as LLVM's code generator makes it
    /// (`PartiallyInlineLibCalls`): the square root instruction, and the call only when its
    /// result is NaN, for the C library to set `errno` (the argument is negative) and return
    /// what it returns. The same result, and the call's effect exactly when it has one.
    fn partially_inlined_sqrt(&mut self, c: &Call) -> Lowered<Vec<Value>> {
        let x = match c.args.as_slice() {
            [a] => self.scalar_operand(a)?,
            _ => return Err("a call of sqrt without one argument".into()),
        };
        let ty = self.b.func.dfg.value_type(x);
        let r = self.b.ins().sqrt(x);
        let ok = self.b.ins().fcmp(cranelift_codegen::ir::condcodes::FloatCC::Ordered, r, r);
        let slow = self.b.create_block();
        let join = self.b.create_block();
        let result = self.b.append_block_param(join, ty);
        self.b.set_cold_block(slow);
        self.b.ins().brif(ok, join, &[r.into()], slow, &[]);
        self.b.switch_to_block(slow);
        let called = self.plain_call(c)?;
        let &[called] = called.as_slice() else {
            return Err("a call of sqrt without one result".into());
        };
        self.b.ins().jump(join, &[called.into()]);
        self.b.switch_to_block(join);
        Ok(vec![result])
    }

    /// A call as the callee's ABI wants it, direct or indirect.
    fn plain_call(&mut self, c: &Call) -> Lowered<Vec<Value>> {
        let (target, args) = self.call_target(c)?;
        let call = match target {
            CallTarget::Direct(fref) => self.b.ins().call(fref, &args),
            CallTarget::Indirect(sigref, callee) => {
                self.b.ins().call_indirect(sigref, callee, &args)
            }
        };
        Ok(self.results(call))
    }

    /// What a call of `c` calls, and its arguments as the callee's ABI wants them: the
    /// function itself, the trampoline of a variadic callee, or an address.
    pub(crate) fn call_target(&mut self, c: &Call) -> Lowered<(CallTarget, Vec<Value>)> {
        let mut args = Vec::new();
        let mut extra = Vec::new();
        for (i, a) in c.args.iter().enumerate() {
            if i >= c.fn_ty.params.len() {
                let t = self.operand_type(a)?;
                if t.is_aggregate() {
                    return Err(format!(
                        "an aggregate of type `{t}` passed as a variadic argument"
                    ));
                }
                extra.push(t);
            }
            let vals = self.operand(a)?;
            match type_attr(c.attrs.param(i), "byval") {
                Some(t) if i < c.fn_ty.params.len() => {
                    let t = t.clone();
                    args.push(self.byval_source(&t, vals[0])?);
                }
                _ => args.extend(vals),
            }
        }
        // (A call of an alias is a call of the function it stands for.)
        let direct = c.callee_name().and_then(|n| {
            let n = self.cx.aliases.get(n).map_or(n, String::as_str);
            let callee = self.cx.module.function(n)?;
            Some((n.to_string(), callee.ty == c.fn_ty, self.cx.funcs.get(n).copied()))
        });
        let target = match direct {
            Some((name, same_type, _)) if c.fn_ty.varargs && same_type => {
                let sig = signature(&self.cx.layout, &c.fn_ty, &c.attrs, &extra)?;
                let tramp = self.cx.trampoline(&name)?;
                self.trampoline_ref(tramp, sig)
            }
            Some((_, true, Some(id))) => CallTarget::Direct(self.funcref(id)),
            _ if c.fn_ty.varargs => {
                let mut sig = signature(&self.cx.layout, &c.fn_ty, &c.attrs, &extra)?;
                let reg = free_argument_register(&sig).ok_or(
                    "an indirect call of a variadic function whose arguments fill every \
                     integer argument register",
                )?;
                sig.params.push(AbiParam::new(ct::I64));
                let callee = self.scalar_operand(&c.callee)?;
                args.push(callee);
                let tramp = self.cx.indirect_trampoline(reg)?;
                self.trampoline_ref(tramp, sig)
            }
            _ => {
                let sig = signature(&self.cx.layout, &c.fn_ty, &c.attrs, &extra)?;
                let callee = self.scalar_operand(&c.callee)?;
                CallTarget::Indirect(self.b.import_signature(sig), callee)
            }
        };
        Ok((target, args))
    }

    /// The module's trampoline `tramp`, called with the call site's signature `sig`.
    fn trampoline_ref(&mut self, tramp: cranelift_module::FuncId, sig: Signature) -> CallTarget {
        let sigref = self.b.import_signature(sig);
        let user =
            self.b.func.declare_imported_user_function(UserExternalName::new(0, tramp.as_u32()));
        CallTarget::Direct(self.b.import_function(ExtFuncData {
            name: ExternalName::user(user),
            signature: sigref,
            colocated: true,
            patchable: false,
        }))
    }

    /// Inline assembly. The empty compiler barriers of rustc and clang
    /// ([`opm_ir::InlineAsm::is_barrier`]: `asm sideeffect "", "~{memory}"`, and
    /// `black_box`'s `asm sideeffect "", "r,~{memory}"(ptr %x)`) execute nothing; what
    /// they mean is that memory may change behind the compiler's back, so that no load or
    /// store moves across them and none is removed because of what was stored before. That
    /// is Cranelift's `sequence_point`: its alias analysis treats it as a fence (no
    /// redundant load, store-to-load forwarding or dead store across it), its code
    /// generator moves no memory access across it (it is a side effect), and it emits no
    /// instruction. The operand of `black_box` only has to exist, which it does.
    ///
    /// Any other asm is outlined: see [`FnLower::outlined`].
    fn inline_asm(&mut self, asm: &opm_ir::InlineAsm, c: &Call) -> Lowered<Vec<Value>> {
        if !asm.is_barrier() {
            return self.outlined(c, Outlined::Asm(asm));
        }
        for a in &c.args {
            self.operand(a)?;
        }
        self.b.ins().sequence_point();
        Ok(Vec::new())
    }

    /// An inline asm Cranelift cannot express, or an x86 intrinsic it has no instruction for,
    /// as a call of a function of the module that executes it: `void __opm_outlined.N(operands…,
    /// ptr out)`, the asm's (or the intrinsic's) call alone with its operands as parameters
    /// (integer constants stay in it, for immediate operands), its results stored through
    /// `out`; LLVM compiles that function (the backend's [`opm_backend::MachineCode`]) from a
    /// module of its own, so that any asm LLVM takes (either dialect, any constraint) runs as
    /// LLVM's build would run it, and its bytes are placed in the object as they are (code
    /// that refers to a symbol is refused). One function per distinct asm and operands.
    ///
    /// What differs from an inline asm: the call is a barrier for every register and memory
    /// location (as an asm with `~{memory}` is), and an asm that reads the stack or frame
    /// pointer sees the wrapper's frame.
    fn outlined(&mut self, c: &Call, what: Outlined<'_>) -> Lowered<Vec<Value>> {
        let text = || match what {
            Outlined::Asm(asm) => {
                format!("inline asm {:?} (constraints {:?})", asm.asm, asm.constraints)
            }
            Outlined::Intrinsic(name) => format!("the intrinsic @{name}"),
        };
        let Some(machine_code) = self.cx.machine_code else {
            return Err(text());
        };
        if let Outlined::Asm(asm) = what
            && asm.can_unwind
        {
            return Err(format!("{} that may unwind", text()));
        }
        let ret = c.fn_ty.ret.clone();
        let mut params = Vec::new();
        let mut args = Vec::new();
        let mut inner = Vec::new();
        for a in &c.args {
            // An integer constant stays in the asm, as an immediate operand may need; another
            // (a float's bits from a constant pool, an address) would be a relocation there.
            if let Operand::Const(k @ opm_ir::Constant::Int { .. }) = a {
                inner.push(Some(k.clone()));
                continue;
            }
            let ty = self.operand_type(a)?;
            if !matches!(ty, Type::Int(8 | 16 | 32 | 64) | Type::Ptr | Type::Float | Type::Double) {
                return Err(format!("{}: an operand of type `{ty}`", text()));
            }
            inner.push(None);
            args.push(self.scalar_operand(a)?);
            params.push(ty);
        }
        let key = format!("{what:?} {:?} {:?} {params:?} {inner:?}", c.fn_ty, c.attrs.params);
        let id = match self.cx.outlined.get(&key) {
            Some(&id) => id,
            None => {
                let name = format!("__opm_outlined.{}", self.cx.outlined.len());
                let wrapper = self.wrapper(&name, what, c, &params, &inner);
                let code = machine_code
                    .function_code(&wrapper, &name)
                    .map_err(|e| format!("{}: {e}", text()))?;
                let mut sig = Signature::new(cranelift_codegen::isa::CallConv::SystemV);
                for t in &params {
                    sig.params.push(AbiParam::new(crate::types::scalar(t)?));
                }
                if ret != Type::Void {
                    sig.params.push(AbiParam::new(ct::I64));
                }
                let id = self.cx.obj_declare(&name, Linkage::Local, &sig)?;
                self.cx
                    .obj
                    .define_function_bytes(id, 16, &code, &[])
                    .map_err(|e| format!("{}: {e}", text()))?;
                self.cx.outlined.insert(key, id);
                id
            }
        };
        let fref = self.funcref(id);
        if ret == Type::Void {
            self.b.ins().call(fref, &args);
            return Ok(Vec::new());
        }
        let size = self.cx.layout.size_of(&ret)?;
        let slot = self.b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            u32::try_from(size).map_err(|_| "an asm result larger than 4 GiB")?,
            4,
        ));
        let out = self.b.ins().stack_addr(ct::I64, slot, 0);
        args.push(out);
        self.b.ins().call(fref, &args);
        self.load(&ret, out)
    }

    /// The module that defines the wrapper `name` of an outlined asm or intrinsic (see
    /// [`FnLower::outlined`]): the call `c` of `what`, its operands the wrapper's parameters
    /// (`params`) where `inner` has no constant, its result stored through the last
    /// parameter. The caller's processor (`target-cpu`, `target-features`) goes with it.
    fn wrapper(
        &self,
        name: &str,
        what: Outlined<'_>,
        c: &Call,
        params: &[Type],
        inner: &[Option<opm_ir::Constant>],
    ) -> opm_ir::Module {
        let ret = c.fn_ty.ret.clone();
        let mut types = params.to_vec();
        if ret != Type::Void {
            types.push(Type::Ptr);
        }
        let fn_ty = opm_ir::FunctionType { ret: Type::Void, params: types, varargs: false };
        let mut b = opm_ir::FunctionBuilder::new(name, fn_ty);
        let mut next = 0;
        let operands: Vec<Operand> = inner
            .iter()
            .map(|k| match k {
                Some(k) => Operand::Const(k.clone()),
                None => {
                    next += 1;
                    b.param(next - 1)
                }
            })
            .collect();
        let (callee, declarations) = match what {
            Outlined::Asm(asm) => (opm_ir::Constant::Asm(Box::new(asm.clone())), Vec::new()),
            Outlined::Intrinsic(intrinsic) => (
                opm_ir::Constant::Global(intrinsic.to_string()),
                vec![opm_ir::Function::declaration(intrinsic, c.fn_ty.clone())],
            ),
        };
        let mut call = Call::new(Operand::Const(callee), c.fn_ty.clone(), operands);
        call.attrs.params = c.attrs.params.clone();
        if ret == Type::Void {
            b.push_void(opm_ir::Op::Call(Box::new(call)));
        } else {
            let r = b.push(ret.clone(), opm_ir::Op::Call(Box::new(call)));
            let out = b.param(next);
            b.push_void(opm_ir::Op::Store {
                val: r,
                ptr: out,
                align: 1,
                volatile: false,
                atomic: None,
            });
        }
        b.ret(None);
        let mut f = b.finish();
        f.attrs.func = self
            .f
            .attrs
            .func
            .iter()
            .filter(|a| {
                matches!(a, opm_ir::Attribute::Str { key, .. }
                    if key == "target-cpu" || key == "target-features")
            })
            .cloned()
            .collect();
        opm_ir::Module {
            name: name.to_string(),
            source_filename: String::new(),
            target_triple: self.cx.module.target_triple.clone(),
            data_layout: self.cx.module.data_layout.clone(),
            globals: Vec::new(),
            functions: declarations.into_iter().chain([f]).collect(),
            aliases: Vec::new(),
            flags: Vec::new(),
        }
    }

    /// The address a `byval(T)` argument is copied from. Cranelift copies whole eightbytes
    /// (see [`crate::abi::byval_slot_size`]); a `T` whose size is not a multiple of 8 is first
    /// copied into a padded stack slot, so that the call never reads beyond the object.
    fn byval_source(&mut self, t: &opm_ir::Type, src: Value) -> Lowered<Value> {
        let size = self.cx.layout.size_of(t)?;
        let padded = byval_slot_size(&self.cx.layout, t)?;
        if size == padded {
            return Ok(src);
        }
        let slot = self.b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            u32::try_from(padded).map_err(|_| "a byval argument larger than 4 GiB")?,
            3,
        ));
        let dst = self.b.ins().stack_addr(ct::I64, slot, 0);
        let config = self.cx.obj_config();
        self.b.emit_small_memory_copy(config, dst, src, size, 8, 1, true, MemFlagsData::new());
        Ok(dst)
    }

    fn results(&self, call: ClifInst) -> Vec<Value> {
        self.b.inst_results(call).to_vec()
    }

    /// Calls the C library (or compiler runtime) function `name` with one result.
    pub(crate) fn libcall(
        &mut self,
        name: &str,
        params: &[ct::Type],
        ret: ct::Type,
        args: &[Value],
    ) -> Lowered<Value> {
        let results = self.library_call(name, params, Some(ret), args)?;
        results.first().copied().ok_or_else(|| format!("`{name}` returned nothing"))
    }

    /// Calls the C library (or compiler runtime) function `name`, with the result `ret`
    /// (`None`: `void`); returns its results.
    pub(crate) fn library_call(
        &mut self,
        name: &str,
        params: &[ct::Type],
        ret: Option<ct::Type>,
        args: &[Value],
    ) -> Lowered<Vec<Value>> {
        let mut sig =
            cranelift_codegen::ir::Signature::new(cranelift_codegen::isa::CallConv::SystemV);
        sig.params.extend(params.iter().map(|&t| cranelift_codegen::ir::AbiParam::new(t)));
        sig.returns.extend(ret.map(cranelift_codegen::ir::AbiParam::new));
        let id = self
            .cx
            .obj_declare(name, Linkage::Import, &sig)
            .map_err(|e| format!("a call of the library function `{name}`: {e}"))?;
        let fref = self.funcref(id);
        let call = self.b.ins().call(fref, args);
        Ok(self.results(call))
    }
}

/// The number of the first integer argument register of x86-64 SysV (`%rdi`, `%rsi`, `%rdx`,
/// `%rcx`, `%r8`, `%r9`) that a call with signature `sig` leaves free, so that one more
/// 64-bit argument lands there without moving any other; `None` when every one may be used,
/// or when the results may need a hidden return area (whose address takes `%rdi`).
fn free_argument_register(sig: &Signature) -> Option<usize> {
    let scalar_results = sig.returns.iter().all(|r| r.value_type.bits() <= 64);
    if sig.returns.len() > 2 || !scalar_results && sig.returns.len() > 1 {
        return None;
    }
    let used: usize = sig.params.iter().map(crate::abi::int_registers).sum::<Option<usize>>()?;
    (used < 6).then_some(used)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cranelift_codegen::ir::ArgumentPurpose;
    use cranelift_codegen::isa::CallConv;

    fn sig(params: &[AbiParam], returns: &[AbiParam]) -> Signature {
        let mut s = Signature::new(CallConv::SystemV);
        s.params.extend_from_slice(params);
        s.returns.extend_from_slice(returns);
        s
    }

    #[test]
    fn the_register_after_the_integer_arguments_is_free() {
        let i64p = AbiParam::new(ct::I64);
        let f64p = AbiParam::new(ct::F64);
        let sret = AbiParam::special(ct::I64, ArgumentPurpose::StructReturn);
        let byval = AbiParam::special(ct::I64, ArgumentPurpose::StructArgument(24));
        let i128p = AbiParam::new(ct::I128);
        let cases: &[(&[AbiParam], &[AbiParam], Option<usize>)] = &[
            (&[f64p, f64p], &[], Some(0)),
            (&[AbiParam::new(ct::I32), i64p, f64p], &[i64p], Some(2)),
            (&[sret, i64p], &[], Some(2)),
            (&[i128p, i64p], &[i128p], Some(3)),
            (&[byval, AbiParam::new(ct::I8)], &[], Some(1)),
            (&[i64p; 5], &[f64p, i64p], Some(5)),
            (&[i64p; 6], &[], None),
            (&[i128p, i128p, i64p, i64p], &[], None),
            // Three results may need a hidden return area, whose address takes `%rdi`.
            (&[i64p], &[i64p, i64p, i64p], None),
        ];
        for (params, returns, want) in cases {
            assert_eq!(free_argument_register(&sig(params, returns)), *want, "{params:?}");
        }
    }
}
