//! Import: an LLVM module (parsed by LLVM itself) into the canonical IR.
//!
//! Walks the module through LLVM's C API. Everything outside the supported subset is an
//! [`LlvmError::Unsupported`] naming the construct, the function and the instruction; nothing
//! is guessed. Metadata (debug info, TBAA, loop hints) is dropped, as are the calls that only
//! carry metadata (`llvm.dbg.*`, `llvm.experimental.noalias.scope.decl`) and `llvm.assume`
//! calls with operand bundles: all of them are hints, dropping them keeps the semantics.

use crate::attrs::AttrKinds;
use crate::conv;
use crate::error::{LlvmError, Site};
use crate::ffi::{self, borrowed_str, print_type, print_value, sized_str, value_name};
use llvm_sys::LLVMOpcode::*;
use llvm_sys::LLVMTypeKind::*;
use llvm_sys::LLVMValueKind::*;
use llvm_sys::core::*;
use llvm_sys::prelude::*;
use llvm_sys::{LLVMAtomicOrdering, LLVMTailCallKind, LLVMUnnamedAddr};
use opm_ir::attr::UNREADABLE_ATTRIBUTES;
use opm_ir::collections::HashMap;
use opm_ir::*;

/// Result of a conversion step: the error is the unsupported construct's description; the
/// caller adds where it was found.
type R<T> = Result<T, String>;

const FUNCTION_INDEX: u32 = u32::MAX; // LLVMAttributeFunctionIndex
const RETURN_INDEX: u32 = 0; // LLVMAttributeReturnIndex

/// Intrinsics whose calls only carry metadata; they are dropped with their declarations.
fn is_dropped_intrinsic(name: &str) -> bool {
    name.starts_with("llvm.dbg.") || name == "llvm.experimental.noalias.scope.decl"
}

/// Imports `module` into the canonical IR.
pub fn import_module(module: &inkwell::module::Module<'_>) -> Result<Module, LlvmError> {
    import(module, None)
}

/// Imports `module` again after passes changed only the function definitions named in
/// `changed` (see [`crate::codegen::PassSession::changed_functions`]) since it was imported
/// as `previous`: the other definitions are taken from `previous` as they are, everything
/// else (globals, declarations, aliases, the changed definitions) is read anew. The result is
/// the module [`import_module`] gives as long as nothing outside `changed` changed any
/// definition. A module with unnamed symbols (named by their position) is imported whole.
pub fn import_module_reusing(
    module: &inkwell::module::Module<'_>,
    previous: std::borrow::Cow<'_, Module>,
    changed: &opm_ir::collections::HashSet<String>,
) -> Result<Module, LlvmError> {
    let reusable = |f: &Function| !f.is_declaration() && !changed.contains(&f.name);
    let mut kept: HashMap<String, Function> = HashMap::default();
    match previous {
        std::borrow::Cow::Owned(previous) => kept
            .extend(previous.functions.into_iter().filter(reusable).map(|f| (f.name.clone(), f))),
        std::borrow::Cow::Borrowed(previous) => kept.extend(
            previous.functions.iter().filter(|f| reusable(f)).map(|f| (f.name.clone(), f.clone())),
        ),
    }
    import(module, Some(kept))
}

fn import(
    module: &inkwell::module::Module<'_>,
    mut reusable: Option<HashMap<String, Function>>,
) -> Result<Module, LlvmError> {
    let m = module.as_mut_ptr();
    let mut imp = Importer {
        types: HashMap::default(),
        block_numbers: HashMap::default(),
        names: HashMap::default(),
    };
    let unsupported =
        |construct: String| LlvmError::Unsupported { construct, site: Site::default() };
    // SAFETY: `m` is a live module; every pointer walked below belongs to it.
    unsafe {
        let ifunc = LLVMGetFirstGlobalIFunc(m);
        if !ifunc.is_null() {
            return Err(unsupported(format!("ifunc @{}", value_name(ifunc))));
        }
        let mut len = 0usize;
        let asm = sized_str(LLVMGetModuleInlineAsm(m, &mut len), len);
        if !asm.trim().is_empty() {
            return Err(unsupported("module-level inline asm".into()));
        }
        if imp.name_globals(m) {
            reusable = None;
        }

        let mut out = Module {
            name: sized_str(LLVMGetModuleIdentifier(m, &mut len), len),
            source_filename: sized_str(LLVMGetSourceFileName(m, &mut len), len),
            target_triple: borrowed_str(LLVMGetTarget(m)),
            data_layout: borrowed_str(LLVMGetDataLayoutStr(m)),
            ..Module::default()
        };
        let mut g = LLVMGetFirstGlobal(m);
        while !g.is_null() {
            out.globals.push(imp.global(g)?);
            g = LLVMGetNextGlobal(g);
        }
        let mut f = LLVMGetFirstFunction(m);
        while !f.is_null() {
            let kept = match &mut reusable {
                Some(kept) if LLVMCountBasicBlocks(f) > 0 => kept.remove(&imp.names[&f]),
                _ => None,
            };
            if let Some(func) = kept {
                out.functions.push(func);
            } else if let Some(func) = imp.function(f)? {
                out.functions.push(func);
            }
            f = LLVMGetNextFunction(f);
        }
        let mut a = LLVMGetFirstGlobalAlias(m);
        while !a.is_null() {
            out.aliases.push(imp.alias(a)?);
            a = LLVMGetNextGlobalAlias(a);
        }
        out.flags = module_flags(m);
        Ok(out)
    }
}

struct Importer {
    types: HashMap<LLVMTypeRef, Type>,
    /// The blocks of each function, numbered as the canonical IR numbers them (for
    /// `blockaddress` constants).
    block_numbers: HashMap<LLVMValueRef, HashMap<LLVMBasicBlockRef, BlockId>>,
    /// The name of every global value (unnamed ones get `__unnamed_N`, in LLVM's numbering).
    names: HashMap<LLVMValueRef, String>,
}

/// Where attributes are read from.
#[derive(Clone, Copy)]
enum AttrSource {
    Function,
    CallSite,
}

/// Per-function numbering of values and blocks.
#[derive(Default)]
struct FnState {
    values: HashMap<LLVMValueRef, ValueId>,
    blocks: HashMap<LLVMBasicBlockRef, BlockId>,
}

impl Importer {
    /// Names every global value; returns whether some are unnamed (named by position).
    unsafe fn name_globals(&mut self, m: LLVMModuleRef) -> bool {
        let mut all = Vec::new();
        // SAFETY: walking a live module.
        unsafe {
            let mut g = LLVMGetFirstGlobal(m);
            while !g.is_null() {
                all.push(g);
                g = LLVMGetNextGlobal(g);
            }
            let mut f = LLVMGetFirstFunction(m);
            while !f.is_null() {
                all.push(f);
                f = LLVMGetNextFunction(f);
            }
            let mut a = LLVMGetFirstGlobalAlias(m);
            while !a.is_null() {
                all.push(a);
                a = LLVMGetNextGlobalAlias(a);
            }
        }
        let taken: opm_ir::collections::HashSet<String> =
            all.iter().map(|&v| value_name(v)).collect();
        let mut unnamed = 0;
        for v in all {
            let mut name = value_name(v);
            if name.is_empty() {
                loop {
                    name = format!("__unnamed_{unnamed}");
                    unnamed += 1;
                    if !taken.contains(&name) {
                        break;
                    }
                }
            }
            self.names.insert(v, name);
        }
        unnamed > 0
    }

    // ---- types -------------------------------------------------------------------------

    fn ty(&mut self, t: LLVMTypeRef) -> R<Type> {
        if let Some(ty) = self.types.get(&t) {
            return Ok(ty.clone());
        }
        // SAFETY: `t` is a live type of the module's context.
        let ty = unsafe {
            match LLVMGetTypeKind(t) {
                LLVMVoidTypeKind => Type::Void,
                LLVMHalfTypeKind => Type::Half,
                LLVMBFloatTypeKind => Type::BFloat,
                LLVMFloatTypeKind => Type::Float,
                LLVMDoubleTypeKind => Type::Double,
                LLVMIntegerTypeKind => Type::Int(LLVMGetIntTypeWidth(t)),
                LLVMPointerTypeKind => match LLVMGetPointerAddressSpace(t) {
                    0 => Type::Ptr,
                    n => return Err(format!("pointer in address space {n}")),
                },
                LLVMArrayTypeKind => {
                    Type::Array(LLVMGetArrayLength2(t), Box::new(self.ty(LLVMGetElementType(t))?))
                }
                LLVMVectorTypeKind => {
                    Type::Vector(LLVMGetVectorSize(t), Box::new(self.ty(LLVMGetElementType(t))?))
                }
                LLVMStructTypeKind => self.struct_type(t)?,
                LLVMFunctionTypeKind => Type::Function(Box::new(self.fn_type(t)?)),
                LLVMX86_FP80TypeKind => Type::X86Fp80,
                LLVMFP128TypeKind => Type::Fp128,
                LLVMPPC_FP128TypeKind => return Err("ppc_fp128".into()),
                LLVMScalableVectorTypeKind => {
                    return Err(format!("scalable vector type {}", print_type(t)));
                }
                LLVMMetadataTypeKind => return Err("metadata operand".into()),
                LLVMTokenTypeKind => return Err("token type".into()),
                _ => return Err(format!("type {}", print_type(t))),
            }
        };
        self.types.insert(t, ty.clone());
        Ok(ty)
    }

    fn struct_type(&mut self, t: LLVMTypeRef) -> R<Type> {
        // SAFETY: `t` is a live struct type.
        unsafe {
            let name = borrowed_str(LLVMGetStructName(t));
            let name = (!name.is_empty()).then_some(name);
            let packed = LLVMIsPackedStruct(t) != 0;
            if LLVMIsOpaqueStruct(t) != 0 {
                return Ok(Type::Struct(StructType { name, body: None, packed }));
            }
            let n = LLVMCountStructElementTypes(t);
            let mut elems = vec![std::ptr::null_mut(); n as usize];
            LLVMGetStructElementTypes(t, elems.as_mut_ptr());
            let body = elems.into_iter().map(|e| self.ty(e)).collect::<R<Vec<_>>>()?;
            Ok(Type::Struct(StructType { name, body: Some(body), packed }))
        }
    }

    fn fn_type(&mut self, t: LLVMTypeRef) -> R<FunctionType> {
        // SAFETY: `t` is a live function type.
        unsafe {
            let n = LLVMCountParamTypes(t);
            let mut params = vec![std::ptr::null_mut(); n as usize];
            LLVMGetParamTypes(t, params.as_mut_ptr());
            Ok(FunctionType {
                ret: self.ty(LLVMGetReturnType(t))?,
                params: params.into_iter().map(|p| self.ty(p)).collect::<R<_>>()?,
                varargs: LLVMIsFunctionVarArg(t) != 0,
            })
        }
    }

    // ---- constants ---------------------------------------------------------------------

    fn constant(&mut self, c: LLVMValueRef) -> R<Constant> {
        // SAFETY: `c` is a live constant.
        unsafe {
            let t = LLVMTypeOf(c);
            let kind = LLVMGetValueKind(c);
            let is_vector = LLVMGetTypeKind(t) == LLVMVectorTypeKind;
            Ok(match kind {
                LLVMConstantIntValueKind | LLVMConstantFPValueKind if is_vector => {
                    Constant::Vector(self.elements(c, LLVMGetVectorSize(t) as u64)?)
                }
                LLVMConstantIntValueKind => self.int_constant(c, t)?,
                LLVMConstantFPValueKind => {
                    let ty = self.ty(t)?;
                    let kind = ty.float_kind().ok_or_else(|| format!("float type {ty}"))?;
                    let int_ty = LLVMIntTypeInContext(LLVMGetTypeContext(t), kind.bits());
                    let int = LLVMConstBitCast(c, int_ty);
                    if LLVMGetValueKind(int) != LLVMConstantIntValueKind {
                        return Err(format!("float constant `{}`", print_value(c)));
                    }
                    match self.int_constant(int, int_ty)? {
                        Constant::Int { value, .. } => Constant::Float { kind, bits: value },
                        _ => return Err(format!("float constant `{}`", print_value(c))),
                    }
                }
                LLVMConstantPointerNullValueKind => {
                    self.ty(t)?;
                    Constant::Null
                }
                LLVMPoisonValueKind => Constant::Poison(self.ty(t)?),
                LLVMUndefValueValueKind => Constant::Undef(self.ty(t)?),
                LLVMConstantAggregateZeroValueKind => Constant::Zero(self.ty(t)?),
                LLVMConstantDataArrayValueKind
                    if LLVMGetTypeKind(LLVMGetElementType(t)) == LLVMIntegerTypeKind
                        && LLVMGetIntTypeWidth(LLVMGetElementType(t)) == 8 =>
                {
                    let mut len = 0usize;
                    let p = LLVMGetAsString(c, &mut len);
                    Constant::Bytes(std::slice::from_raw_parts(p.cast::<u8>(), len).to_vec())
                }
                LLVMConstantDataArrayValueKind | LLVMConstantArrayValueKind => Constant::Array {
                    elem: self.ty(LLVMGetElementType(t))?,
                    elems: self.elements(c, LLVMGetArrayLength2(t))?,
                },
                LLVMConstantDataVectorValueKind | LLVMConstantVectorValueKind => {
                    Constant::Vector(self.elements(c, LLVMGetVectorSize(t) as u64)?)
                }
                LLVMConstantStructValueKind => Constant::Struct {
                    ty: self.ty(t)?,
                    fields: self.elements(c, LLVMCountStructElementTypes(t) as u64)?,
                },
                LLVMFunctionValueKind | LLVMGlobalVariableValueKind | LLVMGlobalAliasValueKind => {
                    Constant::Global(self.names.get(&c).cloned().unwrap_or_else(|| value_name(c)))
                }
                LLVMConstantExprValueKind => Constant::Expr(Box::new(self.const_expr(c)?)),
                LLVMBlockAddressValueKind => self.block_address(c)?,
                LLVMInlineAsmValueKind => Constant::Asm(Box::new(self.inline_asm(c)?)),
                LLVMMetadataAsValueValueKind => return Err("metadata operand".into()),
                LLVMConstantTokenNoneValueKind => return Err("token none".into()),
                LLVMConstantPtrAuthValueKind => return Err("ptrauth constant".into()),
                _ => return Err(format!("constant `{}`", print_value(c))),
            })
        }
    }

    unsafe fn int_constant(&mut self, c: LLVMValueRef, t: LLVMTypeRef) -> R<Constant> {
        // SAFETY: `c` is a live scalar ConstantInt of type `t`.
        unsafe {
            let bits = LLVMGetIntTypeWidth(t);
            if bits <= 64 {
                let value = u128::from(LLVMConstIntGetZExtValue(c));
                return Ok(Constant::Int { bits, value });
            }
            // The C API reads at most 64 bits; LLVM prints the value exactly, in signed
            // decimal of its width.
            let text = print_value(c);
            let digits = text.rsplit(' ').next().unwrap_or_default();
            let value: num_bigint::BigInt = digits
                .parse()
                .map_err(|_| format!("integer constant `{text}` that LLVM prints oddly"))?;
            // Two's complement of the width: add 2^bits to a negative value.
            let value = if value.sign() == num_bigint::Sign::Minus {
                value + (num_bigint::BigInt::from(1) << bits)
            } else {
                value
            };
            let (_, words) = value.to_u64_digits();
            Ok(Constant::from_words(bits, &words))
        }
    }

    /// `blockaddress(@f, %bb)`, with the block numbered as `f`'s import numbers it.
    unsafe fn block_address(&mut self, c: LLVMValueRef) -> R<Constant> {
        // SAFETY: `c` is a live BlockAddress constant; its function and block are live.
        unsafe {
            let f = LLVMGetBlockAddressFunction(c);
            let bb = LLVMGetBlockAddressBasicBlock(c);
            let numbers = self.block_numbers.entry(f).or_insert_with(|| {
                let mut numbers = HashMap::default();
                let mut b = LLVMGetFirstBasicBlock(f);
                while !b.is_null() {
                    numbers.insert(b, BlockId(numbers.len() as u32));
                    b = LLVMGetNextBasicBlock(b);
                }
                numbers
            });
            let block = *numbers.get(&bb).ok_or_else(|| format!("`{}`", print_value(c)))?;
            let function = self.names.get(&f).cloned().unwrap_or_else(|| value_name(f));
            Ok(Constant::BlockAddress { function, block })
        }
    }

    /// Inline assembly used as a callee.
    unsafe fn inline_asm(&mut self, c: LLVMValueRef) -> R<InlineAsm> {
        // SAFETY: `c` is a live InlineAsm value.
        unsafe {
            let fn_ty = match self.ty(LLVMGetInlineAsmFunctionType(c))? {
                Type::Function(ft) => *ft,
                other => return Err(format!("inline asm of type {other}")),
            };
            let mut len = 0usize;
            let asm = LLVMGetInlineAsmAsmString(c, &mut len);
            let asm = std::slice::from_raw_parts(asm.cast::<u8>(), len);
            let mut len = 0usize;
            let constraints = LLVMGetInlineAsmConstraintString(c, &mut len);
            let constraints = std::slice::from_raw_parts(constraints.cast::<u8>(), len);
            let text = |bytes: &[u8]| {
                String::from_utf8(bytes.to_vec())
                    .map_err(|_| format!("inline asm `{}` that is not UTF-8", print_value(c)))
            };
            Ok(InlineAsm {
                fn_ty,
                asm: text(asm)?,
                constraints: text(constraints)?,
                side_effect: LLVMGetInlineAsmHasSideEffects(c) != 0,
                align_stack: LLVMGetInlineAsmNeedsAlignedStack(c) != 0,
                dialect: match LLVMGetInlineAsmDialect(c) {
                    llvm_sys::LLVMInlineAsmDialect::LLVMInlineAsmDialectATT => AsmDialect::Att,
                    llvm_sys::LLVMInlineAsmDialect::LLVMInlineAsmDialectIntel => AsmDialect::Intel,
                },
                can_unwind: LLVMGetInlineAsmCanUnwind(c) != 0,
            })
        }
    }

    unsafe fn elements(&mut self, c: LLVMValueRef, n: u64) -> R<Vec<Constant>> {
        (0..n)
            .map(|i| {
                // SAFETY: `i` is below the aggregate's element count.
                let e = unsafe { LLVMGetAggregateElement(c, i as u32) };
                if e.is_null() {
                    return Err(format!("aggregate constant `{}`", print_value(c)));
                }
                self.constant(e)
            })
            .collect()
    }

    unsafe fn const_expr(&mut self, c: LLVMValueRef) -> R<ConstExpr> {
        // SAFETY: `c` is a live constant expression.
        unsafe {
            let opcode = LLVMGetConstOpcode(c);
            let n = LLVMGetNumOperands(c) as u32;
            let operand = |imp: &mut Importer, i: u32| imp.constant(LLVMGetOperand(c, i));
            if opcode == LLVMGetElementPtr {
                return Ok(ConstExpr::Gep {
                    source_ty: self.ty(LLVMGetGEPSourceElementType(c))?,
                    flags: conv::gep_flags(LLVMGEPGetNoWrapFlags(c)),
                    base: operand(self, 0)?,
                    indices: (1..n).map(|i| operand(self, i)).collect::<R<_>>()?,
                });
            }
            if let Some(op @ (BinOp::Add | BinOp::Sub | BinOp::Xor)) = conv::bin_op(opcode) {
                let wrap = ffi::opm_const_wrap_flags(c);
                let mut flags = Flags::NONE;
                if wrap & 1 != 0 {
                    flags |= Flags::NUW;
                }
                if wrap & 2 != 0 {
                    flags |= Flags::NSW;
                }
                return Ok(ConstExpr::Bin {
                    op,
                    flags,
                    lhs: operand(self, 0)?,
                    rhs: operand(self, 1)?,
                });
            }
            if let Some(
                op @ (CastOp::Trunc | CastOp::PtrToInt | CastOp::IntToPtr | CastOp::BitCast),
            ) = conv::cast_op(opcode)
            {
                return Ok(ConstExpr::Cast {
                    op,
                    val: operand(self, 0)?,
                    to: self.ty(LLVMTypeOf(c))?,
                });
            }
            Err(format!("constant expression `{}`", print_value(c)))
        }
    }

    // ---- attributes --------------------------------------------------------------------

    fn attribute_list(&mut self, list: Vec<LLVMAttributeRef>) -> R<Vec<Attribute>> {
        let mut out = Vec::with_capacity(list.len());
        for a in list {
            if let Some(attr) = self.attribute(a)? {
                out.push(attr);
            }
        }
        Ok(out)
    }

    fn attribute(&mut self, a: LLVMAttributeRef) -> R<Option<Attribute>> {
        // SAFETY: `a` is a live attribute.
        unsafe {
            if LLVMIsStringAttribute(a) != 0 {
                let (mut klen, mut vlen) = (0u32, 0u32);
                let key = sized_str(LLVMGetStringAttributeKind(a, &mut klen), klen as usize);
                let value = sized_str(LLVMGetStringAttributeValue(a, &mut vlen), vlen as usize);
                return Ok(Some(Attribute::Str { key, value }));
            }
            let id = LLVMGetEnumAttributeKind(a);
            let Some(name) = AttrKinds::get().name(id) else {
                return Err(format!("attribute of kind #{id}, unknown to opm"));
            };
            if LLVMIsTypeAttribute(a) != 0 {
                let ty = self.ty(LLVMGetTypeAttributeValue(a))?;
                return Ok(Some(Attribute::Type { name: name.to_string(), ty }));
            }
            if LLVMIsEnumAttribute(a) != 0 {
                let value = LLVMGetEnumAttributeValue(a);
                return Ok(Some(Attribute::Enum { name: name.to_string(), value }));
            }
            if UNREADABLE_ATTRIBUTES.contains(&name) {
                return Ok(None);
            }
            Err(format!("attribute `{name}`"))
        }
    }

    /// The function, return and parameter attributes of a function or a call site with
    /// `params` parameters (arguments).
    fn attrs(&mut self, v: LLVMValueRef, params: u32, source: AttrSource) -> R<Attrs> {
        let mut attrs = Attrs {
            func: self.attrs_at(v, FUNCTION_INDEX, source)?,
            ret: self.attrs_at(v, RETURN_INDEX, source)?,
            params: (1..=params).map(|i| self.attrs_at(v, i, source)).collect::<R<_>>()?,
        };
        // Trailing empty lists are dropped, so that equal attribute sets compare equal.
        while attrs.params.last().is_some_and(Vec::is_empty) {
            attrs.params.pop();
        }
        Ok(attrs)
    }

    fn attrs_at(&mut self, v: LLVMValueRef, index: u32, source: AttrSource) -> R<Vec<Attribute>> {
        // SAFETY: `v` is a live function, or a live call for `AttrSource::CallSite`.
        let list = unsafe {
            let n = match source {
                AttrSource::Function => LLVMGetAttributeCountAtIndex(v, index),
                AttrSource::CallSite => LLVMGetCallSiteAttributeCount(v, index),
            };
            let mut list = vec![std::ptr::null_mut(); n as usize];
            match source {
                AttrSource::Function => LLVMGetAttributesAtIndex(v, index, list.as_mut_ptr()),
                AttrSource::CallSite => LLVMGetCallSiteAttributes(v, index, list.as_mut_ptr()),
            }
            list
        };
        self.attribute_list(list)
    }

    // ---- globals and functions ---------------------------------------------------------

    unsafe fn props(&mut self, g: LLVMValueRef) -> R<SymbolProps> {
        // SAFETY: `g` is a live global value.
        unsafe {
            let comdat = match LLVMGetValueKind(g) {
                LLVMGlobalAliasValueKind => std::ptr::null_mut(),
                _ => llvm_sys::comdat::LLVMGetComdat(g),
            };
            let comdat = (!comdat.is_null()).then(|| {
                let mut len = 0usize;
                let name = sized_str(ffi::opm_comdat_name(comdat, &mut len), len);
                Comdat {
                    name,
                    selection: conv::comdat(llvm_sys::comdat::LLVMGetComdatSelectionKind(comdat)),
                }
            });
            let linkage = LLVMGetLinkage(g);
            let section = borrowed_str(LLVMGetSection(g));
            Ok(SymbolProps {
                linkage: conv::linkage(linkage).ok_or_else(|| format!("linkage {linkage:?}"))?,
                visibility: conv::visibility(LLVMGetVisibility(g)),
                dso_local: ffi::opm_is_dso_local(g) != 0,
                unnamed_addr: match LLVMGetUnnamedAddress(g) {
                    LLVMUnnamedAddr::LLVMNoUnnamedAddr => UnnamedAddr::None,
                    LLVMUnnamedAddr::LLVMLocalUnnamedAddr => UnnamedAddr::Local,
                    LLVMUnnamedAddr::LLVMGlobalUnnamedAddr => UnnamedAddr::Global,
                },
                section: (!section.is_empty()).then_some(section),
                align: match LLVMGetValueKind(g) {
                    LLVMGlobalAliasValueKind => 0,
                    _ => u64::from(LLVMGetAlignment(g)),
                },
                comdat,
            })
        }
    }

    unsafe fn global(&mut self, g: LLVMValueRef) -> Result<Global, LlvmError> {
        let name = self.names[&g].clone();
        let at = |construct: String| LlvmError::Unsupported {
            construct: format!("{construct} (global @{name})"),
            site: Site::default(),
        };
        // SAFETY: `g` is a live global variable.
        unsafe {
            let addrspace = LLVMGetPointerAddressSpace(LLVMTypeOf(g));
            if addrspace != 0 {
                return Err(at(format!("global in address space {addrspace}")));
            }
            let init = LLVMGetInitializer(g);
            let init = if init.is_null() { None } else { Some(self.constant(init).map_err(at)?) };
            Ok(Global {
                name: name.clone(),
                ty: self.ty(LLVMGlobalGetValueType(g)).map_err(at)?,
                init,
                is_constant: LLVMIsGlobalConstant(g) != 0,
                props: self.props(g).map_err(at)?,
                thread_local: conv::tls_mode(LLVMGetThreadLocalMode(g)),
                externally_initialized: LLVMIsExternallyInitialized(g) != 0,
            })
        }
    }

    unsafe fn alias(&mut self, a: LLVMValueRef) -> Result<Alias, LlvmError> {
        let name = self.names[&a].clone();
        let at = |construct: String| LlvmError::Unsupported {
            construct: format!("{construct} (alias @{name})"),
            site: Site::default(),
        };
        // SAFETY: `a` is a live global alias.
        unsafe {
            let addrspace = LLVMGetPointerAddressSpace(LLVMTypeOf(a));
            if addrspace != 0 {
                return Err(at(format!("alias in address space {addrspace}")));
            }
            let thread_local = match ffi::opm_thread_local_mode(a) {
                0 => None,
                1 => Some(TlsModel::GeneralDynamic),
                2 => Some(TlsModel::LocalDynamic),
                3 => Some(TlsModel::InitialExec),
                4 => Some(TlsModel::LocalExec),
                n => return Err(at(format!("thread-local mode #{n}"))),
            };
            Ok(Alias {
                name: name.clone(),
                ty: self.ty(LLVMGlobalGetValueType(a)).map_err(at)?,
                aliasee: self.constant(LLVMAliasGetAliasee(a)).map_err(at)?,
                props: self.props(a).map_err(at)?,
                thread_local,
            })
        }
    }

    unsafe fn function(&mut self, f: LLVMValueRef) -> Result<Option<Function>, LlvmError> {
        let name = self.names[&f].clone();
        if is_dropped_intrinsic(&name) {
            return Ok(None);
        }
        let at = |construct: String, inst: Option<String>| LlvmError::Unsupported {
            construct,
            site: Site { function: Some(name.clone()), inst, ..Site::default() },
        };
        // SAFETY: `f` is a live function; its blocks and instructions belong to it.
        unsafe {
            let personality = if LLVMHasPersonalityFn(f) != 0 {
                Some(self.constant(LLVMGetPersonalityFn(f)).map_err(|c| at(c, None))?)
            } else {
                None
            };
            if !LLVMGetGC(f).is_null() {
                return Err(at("garbage collector strategy".into(), None));
            }
            let ty = match self.ty(LLVMGlobalGetValueType(f)).map_err(|c| at(c, None))? {
                Type::Function(ft) => *ft,
                other => return Err(at(format!("function of type {other}"), None)),
            };
            let n = ty.params.len();
            let attrs = self.attrs(f, n as u32, AttrSource::Function).map_err(|c| at(c, None))?;

            let mut fs = FnState::default();
            let mut params = Vec::with_capacity(n);
            for i in 0..n {
                let p = LLVMGetParam(f, i as u32);
                let id = ValueId(i as u32);
                fs.values.insert(p, id);
                let pname = value_name(p);
                params.push(Param { value: id, name: (!pname.is_empty()).then_some(pname) });
            }
            // Number blocks and results first: uses may precede definitions in the layout.
            let mut blocks = Vec::new();
            let mut bb = LLVMGetFirstBasicBlock(f);
            while !bb.is_null() {
                fs.blocks.insert(bb, BlockId(blocks.len() as u32));
                blocks.push(bb);
                bb = LLVMGetNextBasicBlock(bb);
            }
            let mut next = n as u32;
            for &bb in &blocks {
                let mut i = LLVMGetFirstInstruction(bb);
                while !i.is_null() {
                    if LLVMGetTypeKind(LLVMTypeOf(i)) != LLVMVoidTypeKind {
                        fs.values.insert(i, ValueId(next));
                        next += 1;
                    }
                    i = LLVMGetNextInstruction(i);
                }
            }
            let mut body = Vec::with_capacity(blocks.len());
            for &bb in &blocks {
                let bname = borrowed_str(LLVMGetBasicBlockName(bb));
                let mut block =
                    Block { name: (!bname.is_empty()).then_some(bname), insts: Vec::new() };
                let mut i = LLVMGetFirstInstruction(bb);
                while !i.is_null() {
                    match self.inst(&fs, i) {
                        Ok(Some(inst)) => block.insts.push(inst),
                        Ok(None) => {}
                        Err(construct) => return Err(at(construct, Some(print_value(i)))),
                    }
                    i = LLVMGetNextInstruction(i);
                }
                body.push(block);
            }
            Ok(Some(Function {
                name: name.clone(),
                ty,
                params,
                attrs,
                props: self.props(f).map_err(|c| at(c, None))?,
                cconv: CallConv(LLVMGetFunctionCallConv(f)),
                personality,
                blocks: body,
            }))
        }
    }

    // ---- instructions ------------------------------------------------------------------

    fn operand(&mut self, fs: &FnState, v: LLVMValueRef) -> R<Operand> {
        // SAFETY: `v` is a live operand of an instruction of the function being imported.
        match unsafe { LLVMGetValueKind(v) } {
            LLVMArgumentValueKind | LLVMInstructionValueKind => {
                fs.values.get(&v).map(|id| Operand::Value(*id)).ok_or_else(|| {
                    format!("reference to `{}` from another function", print_value(v))
                })
            }
            _ => Ok(Operand::Const(self.constant(v)?)),
        }
    }

    fn block(fs: &FnState, bb: LLVMBasicBlockRef) -> R<BlockId> {
        fs.blocks.get(&bb).copied().ok_or_else(|| "branch to a block of another function".into())
    }

    /// The instruction, or `None` for a dropped hint.
    unsafe fn inst(&mut self, fs: &FnState, i: LLVMValueRef) -> R<Option<Inst>> {
        // SAFETY: `i` is a live instruction of the function being imported.
        unsafe {
            let opcode = LLVMGetInstructionOpcode(i);
            let nops = LLVMGetNumOperands(i).max(0) as u32;
            let op = |imp: &mut Importer, k: u32| imp.operand(fs, LLVMGetOperand(i, k));
            let fmf = || {
                if LLVMCanValueUseFastMathFlags(i) != 0 {
                    conv::fast_math(LLVMGetFastMathFlags(i))
                } else {
                    Flags::NONE
                }
            };
            let result_ty = self.ty(LLVMTypeOf(i))?;
            let op = match opcode {
                LLVMRet => Op::Ret { val: if nops == 0 { None } else { Some(op(self, 0)?) } },
                LLVMBr if LLVMIsConditional(i) != 0 => Op::CondBr {
                    cond: self.operand(fs, LLVMGetCondition(i))?,
                    then_dest: Self::block(fs, LLVMGetSuccessor(i, 0))?,
                    else_dest: Self::block(fs, LLVMGetSuccessor(i, 1))?,
                },
                LLVMBr => Op::Br { dest: Self::block(fs, LLVMGetSuccessor(i, 0))? },
                LLVMSwitch => {
                    let mut cases = Vec::new();
                    for s in 1..LLVMGetNumSuccessors(i) {
                        let value = match self.constant(LLVMGetSwitchCaseValue(i, s))? {
                            Constant::Int { value, .. } => value,
                            other => {
                                return Err(format!(
                                    "switch on {} (wider than 128 bits)",
                                    other.ty()
                                ));
                            }
                        };
                        cases.push(SwitchCase {
                            value,
                            dest: Self::block(fs, LLVMGetSuccessor(i, s))?,
                        });
                    }
                    Op::Switch {
                        val: op(self, 0)?,
                        default: Self::block(fs, LLVMGetSwitchDefaultDest(i))?,
                        cases,
                    }
                }
                LLVMUnreachable => Op::Unreachable,
                LLVMFNeg => Op::FNeg { flags: fmf(), val: op(self, 0)? },
                LLVMAdd | LLVMSub | LLVMMul | LLVMUDiv | LLVMSDiv | LLVMURem | LLVMSRem
                | LLVMShl | LLVMLShr | LLVMAShr | LLVMAnd | LLVMOr | LLVMXor | LLVMFAdd
                | LLVMFSub | LLVMFMul | LLVMFDiv | LLVMFRem => {
                    let bin = conv::bin_op(opcode).ok_or("a binary opcode without a kind")?;
                    let flags = match bin {
                        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Shl => wrap_flags(i),
                        BinOp::UDiv | BinOp::SDiv | BinOp::LShr | BinOp::AShr
                            if LLVMGetExact(i) != 0 =>
                        {
                            Flags::EXACT
                        }
                        BinOp::Or if LLVMGetIsDisjoint(i) != 0 => Flags::DISJOINT,
                        b if b.is_float() => fmf(),
                        _ => Flags::NONE,
                    };
                    Op::Bin { op: bin, flags, lhs: op(self, 0)?, rhs: op(self, 1)? }
                }
                LLVMAlloca => Op::Alloca {
                    ty: self.ty(LLVMGetAllocatedType(i))?,
                    count: op(self, 0)?,
                    align: u64::from(LLVMGetAlignment(i)),
                },
                LLVMLoad | LLVMStore => {
                    let atomic = match conv::ordering(LLVMGetOrdering(i)) {
                        None => None,
                        Some(ordering) => Some(Atomic { ordering, scope: sync_scope(i)? }),
                    };
                    let align = u64::from(LLVMGetAlignment(i));
                    let volatile = LLVMGetVolatile(i) != 0;
                    if opcode == LLVMLoad {
                        Op::Load { ptr: op(self, 0)?, align, volatile, atomic }
                    } else {
                        Op::Store { val: op(self, 0)?, ptr: op(self, 1)?, align, volatile, atomic }
                    }
                }
                LLVMAtomicRMW => {
                    let rmw = LLVMGetAtomicRMWBinOp(i);
                    Op::AtomicRmw {
                        op: conv::rmw_op(rmw).ok_or_else(|| format!("atomicrmw {rmw:?}"))?,
                        ptr: op(self, 0)?,
                        val: op(self, 1)?,
                        align: u64::from(LLVMGetAlignment(i)),
                        volatile: LLVMGetVolatile(i) != 0,
                        atomic: Atomic {
                            ordering: ordering_of(LLVMGetOrdering(i))?,
                            scope: sync_scope(i)?,
                        },
                    }
                }
                LLVMAtomicCmpXchg => Op::CmpXchg {
                    ptr: op(self, 0)?,
                    cmp: op(self, 1)?,
                    new: op(self, 2)?,
                    align: u64::from(LLVMGetAlignment(i)),
                    volatile: LLVMGetVolatile(i) != 0,
                    weak: LLVMGetWeak(i) != 0,
                    success: ordering_of(LLVMGetCmpXchgSuccessOrdering(i))?,
                    failure: ordering_of(LLVMGetCmpXchgFailureOrdering(i))?,
                    scope: sync_scope(i)?,
                },
                LLVMFence => Op::Fence {
                    atomic: Atomic {
                        ordering: ordering_of(LLVMGetOrdering(i))?,
                        scope: sync_scope(i)?,
                    },
                },
                LLVMGetElementPtr => Op::Gep {
                    source_ty: self.ty(LLVMGetGEPSourceElementType(i))?,
                    flags: conv::gep_flags(LLVMGEPGetNoWrapFlags(i)),
                    base: op(self, 0)?,
                    indices: (1..nops).map(|k| op(self, k)).collect::<R<_>>()?,
                },
                LLVMTrunc | LLVMZExt | LLVMSExt | LLVMFPToUI | LLVMFPToSI | LLVMUIToFP
                | LLVMSIToFP | LLVMFPTrunc | LLVMFPExt | LLVMPtrToInt | LLVMIntToPtr
                | LLVMBitCast => {
                    let cast = conv::cast_op(opcode).ok_or("a cast opcode without a kind")?;
                    let mut flags = fmf();
                    match cast {
                        CastOp::Trunc => flags |= wrap_flags(i),
                        CastOp::ZExt | CastOp::UIToFP if LLVMGetNNeg(i) != 0 => {
                            flags |= Flags::NNEG
                        }
                        _ => {}
                    }
                    Op::Cast { op: cast, flags, val: op(self, 0)? }
                }
                LLVMICmp => Op::ICmp {
                    pred: conv::int_predicate(LLVMGetICmpPredicate(i)),
                    flags: if LLVMGetICmpSameSign(i) != 0 { Flags::SAMESIGN } else { Flags::NONE },
                    lhs: op(self, 0)?,
                    rhs: op(self, 1)?,
                },
                LLVMFCmp => Op::FCmp {
                    pred: conv::float_predicate(LLVMGetFCmpPredicate(i)),
                    flags: fmf(),
                    lhs: op(self, 0)?,
                    rhs: op(self, 1)?,
                },
                LLVMPHI => {
                    let n = LLVMCountIncoming(i);
                    let mut incoming = Vec::with_capacity(n as usize);
                    for k in 0..n {
                        incoming.push((
                            self.operand(fs, LLVMGetIncomingValue(i, k))?,
                            Self::block(fs, LLVMGetIncomingBlock(i, k))?,
                        ));
                    }
                    Op::Phi { flags: fmf(), incoming }
                }
                LLVMCall => match self.call(fs, i)? {
                    Some(call) => Op::Call(Box::new(call)),
                    None => return Ok(None),
                },
                LLVMInvoke => match self.call(fs, i)? {
                    Some(call) => Op::Invoke {
                        call: Box::new(call),
                        normal: Self::block(fs, LLVMGetNormalDest(i))?,
                        unwind: Self::block(fs, LLVMGetUnwindDest(i))?,
                    },
                    None => return Err("invoke of an intrinsic that only carries metadata".into()),
                },
                LLVMLandingPad => {
                    let mut clauses = Vec::new();
                    for k in 0..LLVMGetNumClauses(i) {
                        let c = LLVMGetClause(i, k);
                        let is_filter = LLVMGetTypeKind(LLVMTypeOf(c)) == LLVMArrayTypeKind;
                        let c = self.constant(c)?;
                        clauses.push(if is_filter { Clause::Filter(c) } else { Clause::Catch(c) });
                    }
                    Op::LandingPad { cleanup: LLVMIsCleanup(i) != 0, clauses }
                }
                LLVMResume => Op::Resume { val: op(self, 0)? },
                LLVMIndirectBr => Op::IndirectBr {
                    addr: op(self, 0)?,
                    dests: (0..LLVMGetNumSuccessors(i))
                        .map(|k| Self::block(fs, LLVMGetSuccessor(i, k)))
                        .collect::<R<_>>()?,
                },
                LLVMSelect => Op::Select {
                    flags: fmf(),
                    cond: op(self, 0)?,
                    then_val: op(self, 1)?,
                    else_val: op(self, 2)?,
                },
                LLVMVAArg => Op::VaArg { list: op(self, 0)? },
                LLVMExtractElement => Op::ExtractElement { vec: op(self, 0)?, index: op(self, 1)? },
                LLVMInsertElement => {
                    Op::InsertElement { vec: op(self, 0)?, val: op(self, 1)?, index: op(self, 2)? }
                }
                LLVMShuffleVector => {
                    let n = LLVMGetNumMaskElements(i);
                    let undef = LLVMGetUndefMaskElem();
                    let mask = (0..n)
                        .map(|k| match LLVMGetMaskValue(i, k) {
                            m if m == undef => -1,
                            m => m,
                        })
                        .collect();
                    Op::ShuffleVector { a: op(self, 0)?, b: op(self, 1)?, mask }
                }
                LLVMExtractValue | LLVMInsertValue => {
                    let n = LLVMGetNumIndices(i) as usize;
                    let p = LLVMGetIndices(i);
                    let indices = std::slice::from_raw_parts(p, n).to_vec();
                    if opcode == LLVMExtractValue {
                        Op::ExtractValue { agg: op(self, 0)?, indices }
                    } else {
                        Op::InsertValue { agg: op(self, 0)?, val: op(self, 1)?, indices }
                    }
                }
                LLVMFreeze => Op::Freeze { val: op(self, 0)? },
                LLVMPtrToAddr => return Err("ptrtoaddr".into()),
                LLVMAddrSpaceCast => return Err("addrspacecast".into()),
                LLVMCleanupRet | LLVMCatchRet | LLVMCatchPad | LLVMCleanupPad | LLVMCatchSwitch => {
                    return Err(format!("{} (Windows funclet exception handling)", opcode_text(i)));
                }
                LLVMCallBr => return Err("callbr (asm goto)".into()),
                _ => return Err(format!("instruction `{}`", opcode_text(i))),
            };
            let result = fs.values.get(&i).copied();
            let name = value_name(i);
            Ok(Some(Inst {
                result,
                name: (result.is_some() && !name.is_empty()).then_some(name),
                ty: result_ty,
                op,
            }))
        }
    }

    /// A call; `None` when it is a dropped hint.
    unsafe fn call(&mut self, fs: &FnState, i: LLVMValueRef) -> R<Option<Call>> {
        // SAFETY: `i` is a live call instruction.
        unsafe {
            let callee_v = LLVMGetCalledValue(i);
            let callee_name = match LLVMGetValueKind(callee_v) {
                LLVMFunctionValueKind => self.names.get(&callee_v).cloned(),
                _ => None,
            };
            let callee_name = callee_name.as_deref().unwrap_or_default();
            if is_dropped_intrinsic(callee_name) {
                return Ok(None);
            }
            if LLVMGetNumOperandBundles(i) > 0 {
                if callee_name == "llvm.assume" {
                    return Ok(None);
                }
                return Err("call with operand bundles".into());
            }
            let fn_ty = match self.ty(LLVMGetCalledFunctionType(i))? {
                Type::Function(ft) => *ft,
                other => return Err(format!("call through type {other}")),
            };
            let n = LLVMGetNumArgOperands(i);
            let args = (0..n).map(|k| self.operand(fs, LLVMGetOperand(i, k))).collect::<R<_>>()?;
            let attrs = self.attrs(i, n, AttrSource::CallSite)?;
            let is_call = LLVMGetInstructionOpcode(i) == LLVMCall;
            let tail = match if is_call {
                LLVMGetTailCallKind(i)
            } else {
                LLVMTailCallKind::LLVMTailCallKindNone
            } {
                LLVMTailCallKind::LLVMTailCallKindNone => TailKind::None,
                LLVMTailCallKind::LLVMTailCallKindTail => TailKind::Tail,
                LLVMTailCallKind::LLVMTailCallKindMustTail => TailKind::MustTail,
                LLVMTailCallKind::LLVMTailCallKindNoTail => TailKind::NoTail,
            };
            let flags = if LLVMCanValueUseFastMathFlags(i) != 0 {
                conv::fast_math(LLVMGetFastMathFlags(i))
            } else {
                Flags::NONE
            };
            Ok(Some(Call {
                callee: self.operand(fs, callee_v)?,
                fn_ty,
                args,
                attrs,
                tail,
                cconv: CallConv(LLVMGetInstructionCallConv(i)),
                flags,
            }))
        }
    }
}

/// The ordering of an atomic instruction, which cannot be "not atomic".
fn ordering_of(o: LLVMAtomicOrdering) -> R<AtomicOrdering> {
    conv::ordering(o).ok_or_else(|| "an atomic instruction that is not atomic".into())
}

/// The synchronization scope of an atomic instruction.
unsafe fn sync_scope(i: LLVMValueRef) -> R<SyncScope> {
    // SAFETY: the caller passes an atomic instruction.
    let id = unsafe { LLVMGetAtomicSyncScopeID(i) };
    conv::sync_scope(id).ok_or_else(|| format!("target-specific synchronization scope #{id}"))
}

/// `nuw`/`nsw` of an add, sub, mul, shl or trunc instruction.
unsafe fn wrap_flags(i: LLVMValueRef) -> Flags {
    let mut flags = Flags::NONE;
    // SAFETY: the caller passes an instruction that carries wrap flags.
    unsafe {
        if LLVMGetNUW(i) != 0 {
            flags |= Flags::NUW;
        }
        if LLVMGetNSW(i) != 0 {
            flags |= Flags::NSW;
        }
    }
    flags
}

/// The instruction's opcode as LLVM spells it, from its printed form.
fn opcode_text(i: LLVMValueRef) -> String {
    let text = print_value(i);
    let rest = text.split_once(" = ").map_or(text.as_str(), |(_, r)| r);
    rest.split_whitespace().next().unwrap_or("?").to_string()
}

/// The integer-valued entries of `!llvm.module.flags`.
unsafe fn module_flags(m: LLVMModuleRef) -> Vec<ModuleFlag> {
    let key = c"llvm.module.flags";
    let mut out = Vec::new();
    // SAFETY: reading the named metadata of a live module.
    unsafe {
        let n = LLVMGetNamedMetadataNumOperands(m, key.as_ptr());
        let mut nodes = vec![std::ptr::null_mut(); n as usize];
        LLVMGetNamedMetadataOperands(m, key.as_ptr(), nodes.as_mut_ptr());
        for node in nodes {
            if LLVMGetMDNodeNumOperands(node) != 3 {
                continue;
            }
            let mut ops = [std::ptr::null_mut(); 3];
            LLVMGetMDNodeOperands(node, ops.as_mut_ptr());
            let is_int =
                |v: LLVMValueRef| !v.is_null() && LLVMGetValueKind(v) == LLVMConstantIntValueKind;
            if !is_int(ops[0]) || !is_int(ops[2]) || ops[1].is_null() {
                continue;
            }
            let mut len = 0u32;
            let key = LLVMGetMDString(ops[1], &mut len);
            if key.is_null() {
                continue;
            }
            let bits = LLVMGetIntTypeWidth(LLVMTypeOf(ops[2]));
            if bits > 64 {
                continue;
            }
            out.push(ModuleFlag {
                behavior: LLVMConstIntGetZExtValue(ops[0]) as u32,
                key: sized_str(key, len as usize),
                bits,
                value: LLVMConstIntGetZExtValue(ops[2]),
            });
        }
    }
    out
}
