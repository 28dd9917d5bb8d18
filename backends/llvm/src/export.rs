//! Export: the canonical IR into an LLVM module, built in memory with the IR builder
//! (never by printing text and parsing it again).
//!
//! Blocks are built in layout order. A use that comes before its definition (in a phi, or in
//! unreachable code) gets a placeholder that is replaced once the definition exists. LLVM's
//! builder folds instructions whose operands are all constants; to keep the module exactly
//! as given, such instructions are built over a placeholder that is swapped for the constant
//! afterwards.

use crate::attrs::AttrKinds;
use crate::conv;
use crate::error::LlvmError;
use crate::ffi::{self, cstring, take_message};
use inkwell::context::Context;
use llvm_sys::LLVMOpcode::*;
use llvm_sys::analysis::{LLVMVerifierFailureAction, LLVMVerifyModule};
use llvm_sys::core::*;
use llvm_sys::prelude::*;
use llvm_sys::{LLVMTailCallKind, LLVMUnnamedAddr};
use opm_ir::collections::HashMap;
use opm_ir::*;

/// Result of a build step; the error says what in the canonical IR is wrong.
type R<T> = Result<T, String>;

const FUNCTION_INDEX: u32 = u32::MAX;
const RETURN_INDEX: u32 = 0;

/// Builds `module` as an LLVM module in `ctx` and runs LLVM's verifier on it.
pub fn export_module<'ctx>(
    ctx: &'ctx Context,
    module: &Module,
) -> Result<inkwell::module::Module<'ctx>, LlvmError> {
    let llvm = ctx.create_module(&module.name);
    let mut ex = Exporter {
        ctx: ctx.raw(),
        m: llvm.as_mut_ptr(),
        structs: HashMap::default(),
        symbols: HashMap::default(),
        blocks: HashMap::default(),
    };
    // SAFETY: the context and module are alive for the whole build.
    unsafe { ex.module(module) }.map_err(LlvmError::Build)?;
    // SAFETY: verifying a live module; the message is LLVM-allocated.
    unsafe {
        let mut message = std::ptr::null_mut();
        let broken = LLVMVerifyModule(
            llvm.as_mut_ptr(),
            LLVMVerifierFailureAction::LLVMReturnStatusAction,
            &mut message,
        );
        let text = take_message(message);
        if broken != 0 {
            return Err(LlvmError::BuiltInvalid(text.trim_end().to_string()));
        }
    }
    Ok(llvm)
}

struct Exporter {
    ctx: LLVMContextRef,
    m: LLVMModuleRef,
    structs: HashMap<String, LLVMTypeRef>,
    symbols: HashMap<String, LLVMValueRef>,
    /// The blocks of every function with a body, created before any constant is built so
    /// that `blockaddress` constants can name them.
    blocks: HashMap<String, Vec<LLVMBasicBlockRef>>,
}

/// The state of one function body under construction.
struct Body {
    builder: LLVMBuilderRef,
    blocks: Vec<LLVMBasicBlockRef>,
    /// Holds placeholders; deleted at the end.
    scratch: LLVMBasicBlockRef,
    values: HashMap<ValueId, LLVMValueRef>,
    /// Forward references waiting for their definition.
    pending: HashMap<ValueId, LLVMValueRef>,
    types: HashMap<ValueId, Type>,
    /// Phis whose incoming lists are filled once every block exists.
    phis: Vec<(LLVMValueRef, Vec<(Operand, BlockId)>)>,
}

impl Drop for Body {
    fn drop(&mut self) {
        // SAFETY: the builder was created for this body and is disposed once.
        unsafe { LLVMDisposeBuilder(self.builder) }
    }
}

impl Exporter {
    unsafe fn module(&mut self, module: &Module) -> R<()> {
        // SAFETY: the module is alive; all values created belong to it.
        unsafe {
            let s = cstring(&module.source_filename);
            LLVMSetSourceFileName(self.m, s.as_ptr(), module.source_filename.len());
            LLVMSetTarget(self.m, cstring(&module.target_triple).as_ptr());
            LLVMSetDataLayout(self.m, cstring(&module.data_layout).as_ptr());

            for g in &module.globals {
                let ty = self.ty(&g.ty)?;
                let v = LLVMAddGlobal(self.m, ty, cstring(&g.name).as_ptr());
                self.add_symbol(&g.name, v)?;
            }
            for f in &module.functions {
                let ty = self.fn_type(&f.ty)?;
                let v = LLVMAddFunction(self.m, cstring(&f.name).as_ptr(), ty);
                self.add_symbol(&f.name, v)?;
                let blocks = f
                    .blocks
                    .iter()
                    .map(|b| {
                        let name = cstring(b.name.as_deref().unwrap_or(""));
                        LLVMAppendBasicBlockInContext(self.ctx, v, name.as_ptr())
                    })
                    .collect();
                self.blocks.insert(f.name.clone(), blocks);
            }
            let ptr = LLVMPointerTypeInContext(self.ctx, 0);
            for a in &module.aliases {
                let ty = self.ty(&a.ty)?;
                // The aliasee is set once every symbol exists (it may be another alias).
                let v = LLVMAddAlias2(self.m, ty, 0, LLVMGetPoison(ptr), cstring(&a.name).as_ptr());
                self.add_symbol(&a.name, v)?;
            }
            for c in module.comdats() {
                let comdat =
                    llvm_sys::comdat::LLVMGetOrInsertComdat(self.m, cstring(&c.name).as_ptr());
                llvm_sys::comdat::LLVMSetComdatSelectionKind(
                    comdat,
                    conv::comdat_to_llvm(c.selection),
                );
            }
            for g in &module.globals {
                self.global(g)?;
            }
            for a in &module.aliases {
                let v = self.symbols[&a.name];
                let aliasee =
                    self.constant(&a.aliasee).map_err(|e| format!("in alias @{}: {e}", a.name))?;
                LLVMAliasSetAliasee(v, aliasee);
                self.props(v, &a.props);
                ffi::opm_set_thread_local_mode(v, conv::tls_mode_to_llvm(a.thread_local) as u32);
            }
            for f in &module.functions {
                self.function(f).map_err(|e| format!("in function @{}: {e}", f.name))?;
            }
            for flag in &module.flags {
                self.module_flag(flag);
            }
        }
        Ok(())
    }

    fn add_symbol(&mut self, name: &str, v: LLVMValueRef) -> R<()> {
        if self.symbols.insert(name.to_string(), v).is_some() {
            return Err(format!("two symbols are named @{name}"));
        }
        Ok(())
    }

    unsafe fn module_flag(&mut self, flag: &ModuleFlag) {
        // SAFETY: building metadata in a live context and module.
        unsafe {
            let i32_ty = LLVMInt32TypeInContext(self.ctx);
            let value_ty = LLVMIntTypeInContext(self.ctx, flag.bits);
            let ops = [
                LLVMValueAsMetadata(LLVMConstInt(i32_ty, u64::from(flag.behavior), 0)),
                LLVMMDStringInContext2(self.ctx, flag.key.as_ptr().cast(), flag.key.len()),
                LLVMValueAsMetadata(LLVMConstInt(value_ty, flag.value, 0)),
            ];
            let node = LLVMMDNodeInContext2(self.ctx, ops.as_ptr().cast_mut(), ops.len());
            LLVMAddNamedMetadataOperand(
                self.m,
                c"llvm.module.flags".as_ptr(),
                LLVMMetadataAsValue(self.ctx, node),
            );
        }
    }

    // ---- types -------------------------------------------------------------------------

    fn ty(&mut self, t: &Type) -> R<LLVMTypeRef> {
        // SAFETY: creating types in a live context.
        unsafe {
            Ok(match t {
                Type::Void => LLVMVoidTypeInContext(self.ctx),
                Type::Int(bits) => LLVMIntTypeInContext(self.ctx, *bits),
                Type::Half => LLVMHalfTypeInContext(self.ctx),
                Type::BFloat => LLVMBFloatTypeInContext(self.ctx),
                Type::Float => LLVMFloatTypeInContext(self.ctx),
                Type::Double => LLVMDoubleTypeInContext(self.ctx),
                Type::X86Fp80 => LLVMX86FP80TypeInContext(self.ctx),
                Type::Fp128 => LLVMFP128TypeInContext(self.ctx),
                Type::Ptr => LLVMPointerTypeInContext(self.ctx, 0),
                Type::Array(n, e) => LLVMArrayType2(self.ty(e)?, *n),
                Type::Vector(n, e) => LLVMVectorType(self.ty(e)?, *n),
                Type::Struct(s) => self.struct_type(s)?,
                Type::Function(ft) => self.fn_type(ft)?,
            })
        }
    }

    fn struct_type(&mut self, s: &StructType) -> R<LLVMTypeRef> {
        // SAFETY: creating types in a live context.
        unsafe {
            let Some(name) = &s.name else {
                let mut fields = self.types(s.body.as_deref().unwrap_or_default())?;
                return Ok(LLVMStructTypeInContext(
                    self.ctx,
                    fields.as_mut_ptr(),
                    fields.len() as u32,
                    i32::from(s.packed),
                ));
            };
            if let Some(t) = self.structs.get(name) {
                return Ok(*t);
            }
            let t = LLVMStructCreateNamed(self.ctx, cstring(name).as_ptr());
            self.structs.insert(name.clone(), t);
            if let Some(body) = &s.body {
                let mut fields = self.types(body)?;
                LLVMStructSetBody(t, fields.as_mut_ptr(), fields.len() as u32, i32::from(s.packed));
            }
            Ok(t)
        }
    }

    fn types(&mut self, ts: &[Type]) -> R<Vec<LLVMTypeRef>> {
        ts.iter().map(|t| self.ty(t)).collect()
    }

    fn fn_type(&mut self, ft: &FunctionType) -> R<LLVMTypeRef> {
        let ret = self.ty(&ft.ret)?;
        let mut params = self.types(&ft.params)?;
        // SAFETY: creating a type in a live context.
        Ok(unsafe {
            LLVMFunctionType(ret, params.as_mut_ptr(), params.len() as u32, i32::from(ft.varargs))
        })
    }

    // ---- constants ---------------------------------------------------------------------

    fn constant(&mut self, c: &Constant) -> R<LLVMValueRef> {
        // SAFETY: creating constants in a live context.
        unsafe {
            Ok(match c {
                Constant::Int { bits, value } => {
                    let t = LLVMIntTypeInContext(self.ctx, *bits);
                    let words = [*value as u64, (*value >> 64) as u64];
                    LLVMConstIntOfArbitraryPrecision(t, 2, words.as_ptr())
                }
                Constant::Float { kind, bits } => {
                    let t = LLVMIntTypeInContext(self.ctx, kind.bits());
                    let words = [*bits as u64, (*bits >> 64) as u64];
                    let int = LLVMConstIntOfArbitraryPrecision(t, 2, words.as_ptr());
                    LLVMConstBitCast(int, self.ty(&kind.ty())?)
                }
                Constant::WideInt { bits, words } => {
                    let t = LLVMIntTypeInContext(self.ctx, *bits);
                    LLVMConstIntOfArbitraryPrecision(t, words.len() as u32, words.as_ptr())
                }
                Constant::BlockAddress { function, block } => {
                    let f = *self
                        .symbols
                        .get(function)
                        .ok_or_else(|| format!("blockaddress of undefined function @{function}"))?;
                    let bb = self
                        .blocks
                        .get(function)
                        .and_then(|blocks| blocks.get(block.index()))
                        .ok_or_else(|| {
                            format!("blockaddress of missing block {block} of @{function}")
                        })?;
                    LLVMBlockAddress(f, *bb)
                }
                Constant::Asm(asm) => {
                    let dialect = match asm.dialect {
                        AsmDialect::Att => llvm_sys::LLVMInlineAsmDialect::LLVMInlineAsmDialectATT,
                        AsmDialect::Intel => {
                            llvm_sys::LLVMInlineAsmDialect::LLVMInlineAsmDialectIntel
                        }
                    };
                    LLVMGetInlineAsm(
                        self.fn_type(&asm.fn_ty)?,
                        asm.asm.as_ptr().cast(),
                        asm.asm.len(),
                        asm.constraints.as_ptr().cast(),
                        asm.constraints.len(),
                        i32::from(asm.side_effect),
                        i32::from(asm.align_stack),
                        dialect,
                        i32::from(asm.can_unwind),
                    )
                }
                Constant::Null => LLVMConstPointerNull(LLVMPointerTypeInContext(self.ctx, 0)),
                Constant::Undef(t) => LLVMGetUndef(self.ty(t)?),
                Constant::Poison(t) => LLVMGetPoison(self.ty(t)?),
                Constant::Zero(t) => LLVMConstNull(self.ty(t)?),
                Constant::Array { elem, elems } => {
                    let mut vals = self.constants(elems)?;
                    LLVMConstArray2(self.ty(elem)?, vals.as_mut_ptr(), vals.len() as u64)
                }
                Constant::Bytes(bytes) => {
                    LLVMConstStringInContext2(self.ctx, bytes.as_ptr().cast(), bytes.len(), 1)
                }
                Constant::Vector(elems) => {
                    if elems.is_empty() {
                        return Err("empty vector constant".into());
                    }
                    let mut vals = self.constants(elems)?;
                    LLVMConstVector(vals.as_mut_ptr(), vals.len() as u32)
                }
                Constant::Struct { ty, fields } => {
                    let mut vals = self.constants(fields)?;
                    match ty {
                        Type::Struct(StructType { name: Some(_), .. }) => {
                            LLVMConstNamedStruct(self.ty(ty)?, vals.as_mut_ptr(), vals.len() as u32)
                        }
                        Type::Struct(s) => LLVMConstStructInContext(
                            self.ctx,
                            vals.as_mut_ptr(),
                            vals.len() as u32,
                            i32::from(s.packed),
                        ),
                        other => return Err(format!("structure constant of type {other}")),
                    }
                }
                Constant::Global(name) => *self
                    .symbols
                    .get(name)
                    .ok_or_else(|| format!("reference to undefined symbol @{name}"))?,
                Constant::Expr(e) => self.const_expr(e)?,
            })
        }
    }

    fn constants(&mut self, cs: &[Constant]) -> R<Vec<LLVMValueRef>> {
        cs.iter().map(|c| self.constant(c)).collect()
    }

    fn const_expr(&mut self, e: &ConstExpr) -> R<LLVMValueRef> {
        // SAFETY: creating constants in a live context.
        unsafe {
            match e {
                ConstExpr::Cast { op, val, to } => {
                    let (v, t) = (self.constant(val)?, self.ty(to)?);
                    Ok(match op {
                        CastOp::Trunc => LLVMConstTrunc(v, t),
                        CastOp::PtrToInt => LLVMConstPtrToInt(v, t),
                        CastOp::IntToPtr => LLVMConstIntToPtr(v, t),
                        CastOp::BitCast => LLVMConstBitCast(v, t),
                        other => return Err(format!("constant expression `{}`", other.name())),
                    })
                }
                ConstExpr::Bin { op, flags, lhs, rhs } => {
                    let (l, r) = (self.constant(lhs)?, self.constant(rhs)?);
                    let wrap = u32::from(flags.contains(Flags::NUW))
                        | (u32::from(flags.contains(Flags::NSW)) << 1);
                    let v = ffi::opm_const_binop(conv::bin_opcode(*op) as u32, l, r, wrap);
                    if v.is_null() {
                        return Err(format!("constant expression `{}`", op.name()));
                    }
                    Ok(v)
                }
                ConstExpr::Gep { source_ty, base, indices, flags } => {
                    let t = self.ty(source_ty)?;
                    let b = self.constant(base)?;
                    let mut idx = self.constants(indices)?;
                    Ok(LLVMConstGEPWithNoWrapFlags(
                        t,
                        b,
                        idx.as_mut_ptr(),
                        idx.len() as u32,
                        conv::gep_flags_to_llvm(*flags),
                    ))
                }
            }
        }
    }

    // ---- attributes and symbols --------------------------------------------------------

    fn attribute(&mut self, a: &Attribute) -> R<LLVMAttributeRef> {
        let kinds = AttrKinds::get();
        let id = |name: &str| kinds.id(name).ok_or_else(|| format!("unknown attribute `{name}`"));
        // SAFETY: creating attributes in a live context.
        unsafe {
            Ok(match a {
                Attribute::Enum { name, value } => {
                    LLVMCreateEnumAttribute(self.ctx, id(name)?, *value)
                }
                Attribute::Type { name, ty } => {
                    LLVMCreateTypeAttribute(self.ctx, id(name)?, self.ty(ty)?)
                }
                Attribute::Str { key, value } => LLVMCreateStringAttribute(
                    self.ctx,
                    key.as_ptr().cast(),
                    key.len() as u32,
                    value.as_ptr().cast(),
                    value.len() as u32,
                ),
            })
        }
    }

    /// Calls `add(index, attribute)` for every attribute of `attrs`, with LLVM's indices.
    fn each_attribute(
        &mut self,
        attrs: &Attrs,
        mut add: impl FnMut(u32, LLVMAttributeRef),
    ) -> R<()> {
        for a in &attrs.func {
            add(FUNCTION_INDEX, self.attribute(a)?);
        }
        for a in &attrs.ret {
            add(RETURN_INDEX, self.attribute(a)?);
        }
        for (i, list) in attrs.params.iter().enumerate() {
            for a in list {
                add(i as u32 + 1, self.attribute(a)?);
            }
        }
        Ok(())
    }

    unsafe fn props(&self, v: LLVMValueRef, p: &SymbolProps) {
        // SAFETY: `v` is a live global value.
        unsafe {
            LLVMSetLinkage(v, conv::linkage_to_llvm(p.linkage));
            LLVMSetVisibility(v, conv::visibility_to_llvm(p.visibility));
            ffi::opm_set_dso_local(v, i32::from(p.dso_local));
            LLVMSetUnnamedAddress(
                v,
                match p.unnamed_addr {
                    UnnamedAddr::None => LLVMUnnamedAddr::LLVMNoUnnamedAddr,
                    UnnamedAddr::Local => LLVMUnnamedAddr::LLVMLocalUnnamedAddr,
                    UnnamedAddr::Global => LLVMUnnamedAddr::LLVMGlobalUnnamedAddr,
                },
            );
            if let Some(section) = &p.section {
                LLVMSetSection(v, cstring(section).as_ptr());
            }
            if p.align > 0 {
                LLVMSetAlignment(v, p.align as u32);
            }
            if let Some(c) = &p.comdat {
                let comdat =
                    llvm_sys::comdat::LLVMGetOrInsertComdat(self.m, cstring(&c.name).as_ptr());
                llvm_sys::comdat::LLVMSetComdat(v, comdat);
            }
        }
    }

    unsafe fn global(&mut self, g: &Global) -> R<()> {
        let v = self.symbols[&g.name];
        // SAFETY: `v` is the live global created for `g`.
        unsafe {
            if let Some(init) = &g.init {
                let c = self.constant(init).map_err(|e| format!("in global @{}: {e}", g.name))?;
                LLVMSetInitializer(v, c);
            }
            LLVMSetGlobalConstant(v, i32::from(g.is_constant));
            LLVMSetThreadLocalMode(v, conv::tls_mode_to_llvm(g.thread_local));
            LLVMSetExternallyInitialized(v, i32::from(g.externally_initialized));
            self.props(v, &g.props);
        }
        Ok(())
    }

    // ---- functions ---------------------------------------------------------------------

    unsafe fn function(&mut self, f: &Function) -> R<()> {
        let func = self.symbols[&f.name];
        // SAFETY: `func` is the live function created for `f`.
        unsafe {
            self.each_attribute(&f.attrs, |i, a| LLVMAddAttributeAtIndex(func, i, a))?;
            self.props(func, &f.props);
            LLVMSetFunctionCallConv(func, f.cconv.0);
            if let Some(p) = &f.personality {
                LLVMSetPersonalityFn(func, self.constant(p)?);
            }
            if f.params.len() != f.ty.params.len() {
                return Err("parameter list does not match the function type".into());
            }
            for (i, p) in f.params.iter().enumerate() {
                if let Some(name) = &p.name {
                    LLVMSetValueName2(
                        LLVMGetParam(func, i as u32),
                        name.as_ptr().cast(),
                        name.len(),
                    );
                }
            }
            if f.is_declaration() {
                return Ok(());
            }
            let mut body = Body {
                builder: LLVMCreateBuilderInContext(self.ctx),
                blocks: self.blocks.get(&f.name).cloned().unwrap_or_default(),
                scratch: std::ptr::null_mut(),
                values: HashMap::default(),
                pending: HashMap::default(),
                types: f.value_types(),
                phis: Vec::new(),
            };
            for (i, p) in f.params.iter().enumerate() {
                body.values.insert(p.value, LLVMGetParam(func, i as u32));
            }
            body.scratch = LLVMAppendBasicBlockInContext(self.ctx, func, c"opm.scratch".as_ptr());
            for (bi, b) in f.blocks.iter().enumerate() {
                LLVMPositionBuilderAtEnd(body.builder, body.blocks[bi]);
                for (ii, inst) in b.insts.iter().enumerate() {
                    self.inst(&mut body, inst).map_err(|e| {
                        format!("block {} instruction {ii} ({}): {e}", bi, inst.op.opcode_name())
                    })?;
                }
            }
            for (phi, incoming) in std::mem::take(&mut body.phis) {
                for (v, b) in incoming {
                    let mut val = self.value(&mut body, &v)?;
                    let mut bb = *body
                        .blocks
                        .get(b.index())
                        .ok_or_else(|| format!("phi names missing block {b}"))?;
                    LLVMAddIncoming(phi, &mut val, &mut bb, 1);
                }
            }
            if let Some(v) = body.pending.keys().min() {
                return Err(format!("use of undefined value {v}"));
            }
            // Placeholders for folded constants are erased as they are replaced; the block
            // is empty now.
            LLVMDeleteBasicBlock(body.scratch);
        }
        Ok(())
    }

    /// The LLVM value of an operand (a placeholder for a value not built yet).
    fn value(&mut self, body: &mut Body, op: &Operand) -> R<LLVMValueRef> {
        match op {
            Operand::Const(c) => self.constant(c),
            Operand::Value(v) => {
                if let Some(x) = body.values.get(v).or_else(|| body.pending.get(v)) {
                    return Ok(*x);
                }
                let ty = body
                    .types
                    .get(v)
                    .cloned()
                    .ok_or_else(|| format!("use of undefined value {v}"))?;
                let placeholder = self.placeholder(body, &ty)?;
                body.pending.insert(*v, placeholder);
                Ok(placeholder)
            }
        }
    }

    /// A stand-in instruction of type `ty` in the scratch block.
    fn placeholder(&mut self, body: &Body, ty: &Type) -> R<LLVMValueRef> {
        if !ty.is_first_class() {
            return Err(format!("value of type {ty}"));
        }
        let t = self.ty(ty)?;
        // SAFETY: building in the live scratch block, then restoring the insertion point.
        unsafe {
            let here = LLVMGetInsertBlock(body.builder);
            LLVMPositionBuilderAtEnd(body.builder, body.scratch);
            let p = LLVMBuildFreeze(body.builder, LLVMGetPoison(t), c"".as_ptr());
            LLVMPositionBuilderAtEnd(body.builder, here);
            Ok(p)
        }
    }

    fn block(body: &Body, b: BlockId) -> R<LLVMBasicBlockRef> {
        body.blocks.get(b.index()).copied().ok_or_else(|| format!("branch to missing block {b}"))
    }

    unsafe fn inst(&mut self, body: &mut Body, inst: &Inst) -> R<()> {
        let name = cstring(inst.name.as_deref().unwrap_or(""));
        let name = if inst.result.is_some() { name.as_ptr() } else { c"".as_ptr() };
        let b = body.builder;
        // Instructions LLVM's builder would fold when every operand is a constant.
        let foldable = matches!(
            inst.op,
            Op::Bin { .. }
                | Op::FNeg { .. }
                | Op::ICmp { .. }
                | Op::FCmp { .. }
                | Op::Select { .. }
                | Op::Cast { .. }
                | Op::Gep { .. }
                | Op::ExtractElement { .. }
                | Op::InsertElement { .. }
                | Op::ShuffleVector { .. }
        ) && inst.op.operands().iter().all(|o| o.as_const().is_some());
        let mut ops = Vec::new();
        for (i, o) in inst.op.operands().into_iter().enumerate() {
            if foldable
                && i == 0
                && let Some(c) = o.as_const()
            {
                ops.push(self.placeholder(body, &c.ty())?);
            } else if matches!(inst.op, Op::Phi { .. }) {
                break;
            } else {
                ops.push(self.value(body, o)?);
            }
        }
        // SAFETY: the builder is positioned in a live block of the function; operands are
        // live values of the right kinds (checked by LLVM's verifier afterwards).
        let v = unsafe {
            match &inst.op {
                Op::Bin { op, flags, .. } => {
                    let v = LLVMBuildBinOp(b, conv::bin_opcode(*op), ops[0], ops[1], name);
                    set_flags(v, *flags);
                    v
                }
                Op::FNeg { flags, .. } => {
                    let v = LLVMBuildFNeg(b, ops[0], name);
                    set_flags(v, *flags);
                    v
                }
                Op::ICmp { pred, flags, .. } => {
                    let v =
                        LLVMBuildICmp(b, conv::int_predicate_to_llvm(*pred), ops[0], ops[1], name);
                    if flags.contains(Flags::SAMESIGN) {
                        LLVMSetICmpSameSign(v, 1);
                    }
                    v
                }
                Op::FCmp { pred, flags, .. } => {
                    let v = LLVMBuildFCmp(
                        b,
                        conv::float_predicate_to_llvm(*pred),
                        ops[0],
                        ops[1],
                        name,
                    );
                    set_flags(v, *flags);
                    v
                }
                Op::Select { flags, .. } => {
                    let v = LLVMBuildSelect(b, ops[0], ops[1], ops[2], name);
                    set_flags(v, *flags);
                    v
                }
                Op::Cast { op, flags, .. } => {
                    let v =
                        LLVMBuildCast(b, conv::cast_opcode(*op), ops[0], self.ty(&inst.ty)?, name);
                    set_flags(v, *flags);
                    v
                }
                Op::Load { align, volatile, atomic, .. } => {
                    let v = LLVMBuildLoad2(b, self.ty(&inst.ty)?, ops[0], name);
                    set_memory(v, *align, *volatile);
                    set_atomic(v, *atomic);
                    v
                }
                Op::Store { align, volatile, atomic, .. } => {
                    let v = LLVMBuildStore(b, ops[0], ops[1]);
                    set_memory(v, *align, *volatile);
                    set_atomic(v, *atomic);
                    v
                }
                Op::AtomicRmw { op, align, volatile, atomic, .. } => {
                    let v = LLVMBuildAtomicRMW(
                        b,
                        conv::rmw_op_to_llvm(*op),
                        ops[0],
                        ops[1],
                        conv::ordering_to_llvm(atomic.ordering),
                        0,
                    );
                    set_memory(v, *align, *volatile);
                    LLVMSetAtomicSyncScopeID(v, conv::sync_scope_id(atomic.scope));
                    set_name(v, inst);
                    v
                }
                Op::CmpXchg { align, volatile, weak, success, failure, scope, .. } => {
                    let v = LLVMBuildAtomicCmpXchg(
                        b,
                        ops[0],
                        ops[1],
                        ops[2],
                        conv::ordering_to_llvm(*success),
                        conv::ordering_to_llvm(*failure),
                        0,
                    );
                    set_memory(v, *align, *volatile);
                    LLVMSetWeak(v, i32::from(*weak));
                    LLVMSetAtomicSyncScopeID(v, conv::sync_scope_id(*scope));
                    set_name(v, inst);
                    v
                }
                Op::Fence { atomic } => {
                    let v = LLVMBuildFence(b, conv::ordering_to_llvm(atomic.ordering), 0, name);
                    LLVMSetAtomicSyncScopeID(v, conv::sync_scope_id(atomic.scope));
                    v
                }
                Op::Invoke { call, normal, unwind } => {
                    let (normal, unwind) =
                        (Self::block(body, *normal)?, Self::block(body, *unwind)?);
                    self.call(body, call, &mut ops, name, Some((normal, unwind)))?
                }
                Op::LandingPad { cleanup, clauses } => {
                    let v = LLVMBuildLandingPad(
                        b,
                        self.ty(&inst.ty)?,
                        std::ptr::null_mut(),
                        clauses.len() as u32,
                        name,
                    );
                    for clause in clauses {
                        let (Clause::Catch(c) | Clause::Filter(c)) = clause;
                        LLVMAddClause(v, self.constant(c)?);
                    }
                    LLVMSetCleanup(v, i32::from(*cleanup));
                    v
                }
                Op::Resume { .. } => LLVMBuildResume(b, ops[0]),
                Op::IndirectBr { dests, .. } => {
                    let v = LLVMBuildIndirectBr(b, ops[0], dests.len() as u32);
                    for d in dests {
                        LLVMAddDestination(v, Self::block(body, *d)?);
                    }
                    v
                }
                Op::Alloca { ty, align, .. } => {
                    let v = LLVMBuildArrayAlloca(b, self.ty(ty)?, ops[0], name);
                    if *align > 0 {
                        LLVMSetAlignment(v, *align as u32);
                    }
                    v
                }
                Op::Gep { source_ty, flags, .. } => LLVMBuildGEPWithNoWrapFlags(
                    b,
                    self.ty(source_ty)?,
                    ops[0],
                    ops[1..].as_mut_ptr(),
                    (ops.len() - 1) as u32,
                    name,
                    conv::gep_flags_to_llvm(*flags),
                ),
                Op::Call(call) => self.call(body, call, &mut ops, name, None)?,
                Op::Phi { flags, incoming } => {
                    let v = LLVMBuildPhi(b, self.ty(&inst.ty)?, name);
                    set_flags(v, *flags);
                    body.phis.push((v, incoming.clone()));
                    v
                }
                Op::Freeze { .. } => LLVMBuildFreeze(b, ops[0], name),
                Op::VaArg { .. } => LLVMBuildVAArg(b, ops[0], self.ty(&inst.ty)?, name),
                Op::ExtractValue { indices, .. } => ffi::opm_build_extract_value(
                    LLVMGetInsertBlock(b),
                    ops[0],
                    indices.as_ptr(),
                    indices.len() as u32,
                    name,
                ),
                Op::InsertValue { indices, .. } => ffi::opm_build_insert_value(
                    LLVMGetInsertBlock(b),
                    ops[0],
                    ops[1],
                    indices.as_ptr(),
                    indices.len() as u32,
                    name,
                ),
                Op::ExtractElement { .. } => LLVMBuildExtractElement(b, ops[0], ops[1], name),
                Op::InsertElement { .. } => LLVMBuildInsertElement(b, ops[0], ops[1], ops[2], name),
                Op::ShuffleVector { mask, .. } => {
                    let i32_ty = LLVMInt32TypeInContext(self.ctx);
                    let mut elems: Vec<_> = mask
                        .iter()
                        .map(|&m| {
                            if m < 0 {
                                LLVMGetPoison(i32_ty)
                            } else {
                                LLVMConstInt(i32_ty, m as u64, 0)
                            }
                        })
                        .collect();
                    let mask = LLVMConstVector(elems.as_mut_ptr(), elems.len() as u32);
                    LLVMBuildShuffleVector(b, ops[0], ops[1], mask, name)
                }
                Op::Ret { val: None } => LLVMBuildRetVoid(b),
                Op::Ret { val: Some(_) } => LLVMBuildRet(b, ops[0]),
                Op::Br { dest } => LLVMBuildBr(b, Self::block(body, *dest)?),
                Op::CondBr { then_dest, else_dest, .. } => LLVMBuildCondBr(
                    b,
                    ops[0],
                    Self::block(body, *then_dest)?,
                    Self::block(body, *else_dest)?,
                ),
                Op::Switch { default, cases, .. } => {
                    let sw = LLVMBuildSwitch(
                        b,
                        ops[0],
                        Self::block(body, *default)?,
                        cases.len() as u32,
                    );
                    let cond_ty = LLVMTypeOf(ops[0]);
                    for case in cases {
                        let words = [case.value as u64, (case.value >> 64) as u64];
                        let value = LLVMConstIntOfArbitraryPrecision(cond_ty, 2, words.as_ptr());
                        LLVMAddCase(sw, value, Self::block(body, case.dest)?);
                    }
                    sw
                }
                Op::Unreachable => LLVMBuildUnreachable(b),
            }
        };
        // SAFETY: `v` and the placeholders are live values of this function.
        unsafe {
            if foldable {
                let placeholder = ops[0];
                let real = self.value(body, inst.op.operands()[0])?;
                LLVMSetOperand(v, 0, real);
                LLVMInstructionEraseFromParent(placeholder);
            }
            if let Some(id) = inst.result {
                if body.values.insert(id, v).is_some() {
                    return Err(format!("value {id} defined twice"));
                }
                if let Some(p) = body.pending.remove(&id) {
                    LLVMReplaceAllUsesWith(p, v);
                    LLVMInstructionEraseFromParent(p);
                }
            }
        }
        Ok(())
    }

    /// A call, or an invoke when `invoke` gives its normal and unwind destinations.
    unsafe fn call(
        &mut self,
        body: &mut Body,
        call: &Call,
        ops: &mut [LLVMValueRef],
        name: *const std::ffi::c_char,
        invoke: Option<(LLVMBasicBlockRef, LLVMBasicBlockRef)>,
    ) -> R<LLVMValueRef> {
        // Operands are the arguments followed by the callee.
        let (callee, args) = ops.split_last_mut().ok_or("a call without a callee operand")?;
        let fn_ty = self.fn_type(&call.fn_ty)?;
        // SAFETY: building a call with live operands.
        unsafe {
            let v = match invoke {
                None => LLVMBuildCall2(
                    body.builder,
                    fn_ty,
                    *callee,
                    args.as_mut_ptr(),
                    args.len() as u32,
                    name,
                ),
                Some((normal, unwind)) => LLVMBuildInvoke2(
                    body.builder,
                    fn_ty,
                    *callee,
                    args.as_mut_ptr(),
                    args.len() as u32,
                    normal,
                    unwind,
                    name,
                ),
            };
            self.each_attribute(&call.attrs, |i, a| LLVMAddCallSiteAttribute(v, i, a))?;
            if invoke.is_none() {
                LLVMSetTailCallKind(
                    v,
                    match call.tail {
                        TailKind::None => LLVMTailCallKind::LLVMTailCallKindNone,
                        TailKind::Tail => LLVMTailCallKind::LLVMTailCallKindTail,
                        TailKind::MustTail => LLVMTailCallKind::LLVMTailCallKindMustTail,
                        TailKind::NoTail => LLVMTailCallKind::LLVMTailCallKindNoTail,
                    },
                );
            } else if call.tail != TailKind::None {
                return Err("an invoke with a tail-call marker".into());
            }
            LLVMSetInstructionCallConv(v, call.cconv.0);
            set_flags(v, call.flags);
            Ok(v)
        }
    }
}

/// Sets the instruction flags of `v` (a no-op for flags the instruction cannot carry).
unsafe fn set_flags(v: LLVMValueRef, flags: Flags) {
    // SAFETY: each setter is called only on an instruction of the kind it applies to.
    unsafe {
        if v.is_null() || LLVMIsAInstruction(v).is_null() || flags.is_empty() {
            return;
        }
        let fmf = flags.fast_math();
        if !fmf.is_empty() && LLVMCanValueUseFastMathFlags(v) != 0 {
            LLVMSetFastMathFlags(v, conv::fast_math_to_llvm(fmf));
        }
        match LLVMGetInstructionOpcode(v) {
            LLVMAdd | LLVMSub | LLVMMul | LLVMShl | LLVMTrunc => {
                LLVMSetNUW(v, i32::from(flags.contains(Flags::NUW)));
                LLVMSetNSW(v, i32::from(flags.contains(Flags::NSW)));
            }
            LLVMUDiv | LLVMSDiv | LLVMLShr | LLVMAShr => {
                LLVMSetExact(v, i32::from(flags.contains(Flags::EXACT)))
            }
            LLVMOr => LLVMSetIsDisjoint(v, i32::from(flags.contains(Flags::DISJOINT))),
            LLVMZExt | LLVMUIToFP => LLVMSetNNeg(v, i32::from(flags.contains(Flags::NNEG))),
            _ => {}
        }
    }
}

/// Makes a load or store atomic.
unsafe fn set_atomic(v: LLVMValueRef, atomic: Option<Atomic>) {
    if let Some(a) = atomic {
        // SAFETY: `v` is a load or store.
        unsafe {
            LLVMSetOrdering(v, conv::ordering_to_llvm(a.ordering));
            LLVMSetAtomicSyncScopeID(v, conv::sync_scope_id(a.scope));
        }
    }
}

/// Names an instruction whose builder takes no name.
unsafe fn set_name(v: LLVMValueRef, inst: &Inst) {
    if let (Some(_), Some(name)) = (inst.result, &inst.name) {
        // SAFETY: `v` is a live instruction.
        unsafe { LLVMSetValueName2(v, name.as_ptr().cast(), name.len()) }
    }
}

unsafe fn set_memory(v: LLVMValueRef, align: u64, volatile: bool) {
    // SAFETY: `v` is a load or store.
    unsafe {
        if align > 0 {
            LLVMSetAlignment(v, align as u32);
        }
        if volatile {
            LLVMSetVolatile(v, 1);
        }
    }
}
