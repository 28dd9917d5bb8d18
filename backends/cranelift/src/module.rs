//! Module level: declarations, data objects with relocations, the trampolines of variadic
//! callees, and the object file.

use crate::abi::signature;
use crate::error::CraneliftError;
use crate::settings::Lowering;
use cranelift_codegen::Context;
use cranelift_codegen::binemit::Reloc;
use cranelift_codegen::ir::{self, UserFuncName};
use cranelift_codegen::isa::{OwnedTargetIsa, TargetFrontendConfig};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_module::{
    DataDescription, DataId, FuncId, Linkage, Module as _, ModuleReloc, ModuleRelocTarget,
    default_libcall_names,
};
use cranelift_object::{ObjectBuilder, ObjectModule};
use opm_backend::Site;
use opm_ir::layout::{ConstImage, DataLayout};
use opm_ir::{Constant, Function, Global, Module, Type, Visibility};
use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::sync::Once;

/// Globals that only carry information for LLVM's own tools.
const IGNORED_GLOBALS: &[&str] = &["llvm.used", "llvm.compiler.used"];

/// What the lowering of every function shares.
pub(crate) struct ModuleCx<'m> {
    pub(crate) obj: ObjectModule,
    pub(crate) layout: DataLayout,
    pub(crate) module: &'m Module,
    /// Every function of the module except intrinsics.
    pub(crate) funcs: HashMap<String, FuncId>,
    /// Every global variable of the module.
    pub(crate) data: HashMap<String, DataId>,
    /// The trampoline of each variadic callee (see [`crate::lower`]'s calls).
    trampolines: HashMap<String, FuncId>,
    /// The trampolines of indirect variadic calls, by the argument register that holds the
    /// callee (see [`ModuleCx::indirect_trampoline`]).
    indirect_trampolines: [Option<FuncId>; 6],
    /// Relative lookup tables, laid out as tables of absolute pointers (see
    /// [`relative_tables`]).
    pub(crate) relative_tables: HashSet<String>,
    /// The body of each variadic function this module defines (see [`define_variadic_entry`]).
    va_bodies: HashMap<String, FuncId>,
    /// Tables of computed-goto labels, laid out with block tokens (see [`crate::labels`]).
    label_tables: HashSet<String>,
    /// The function that returns the thread pointer (see [`ModuleCx::thread_pointer`]).
    thread_pointer: Option<FuncId>,
    /// The unwind tables, in a module with `invoke` (see [`crate::unwind`]).
    unwind: Option<crate::unwind::Tables>,
    /// What each alias stands for (see [`crate::aliases`]); `funcs` and `data` have the
    /// aliases' names too.
    pub(crate) aliases: HashMap<String, String>,
    /// Who compiles the functions of outlined inline asm and intrinsics (see
    /// `crate::lower::calls`), and those compiled so far, by what they run and its operands.
    pub(crate) machine_code: Option<&'m dyn opm_backend::MachineCode>,
    pub(crate) outlined: HashMap<String, FuncId>,
    /// The functions of the module that return twice (`setjmp` …).
    pub(crate) returns_twice: opm_backend::returns_twice::ReturnsTwice<'m>,
}

impl ModuleCx<'_> {
    /// Declares (or finds) a function symbol.
    pub(crate) fn obj_declare(
        &mut self,
        name: &str,
        linkage: Linkage,
        sig: &ir::Signature,
    ) -> Result<FuncId, String> {
        self.obj.declare_function(name, linkage, sig).map_err(|e| e.to_string())
    }

    /// The target's configuration, for the frontend's memory helpers.
    pub(crate) fn obj_config(&self) -> TargetFrontendConfig {
        self.obj.target_config()
    }

    /// The target's triple.
    pub(crate) fn obj_isa_triple(&self) -> &target_lexicon::Triple {
        self.obj.isa().triple()
    }

    /// Whether the target is x86-64 (whose own instructions Cranelift offers as `x86_*`).
    pub(crate) fn is_x86_64(&self) -> bool {
        self.obj_isa_triple().architecture == target_lexicon::Architecture::X86_64
    }

    /// Whether the pipeline turned SSSE3 on (`has_ssse3`): Cranelift's byte shuffle.
    pub(crate) fn has_ssse3(&self) -> bool {
        self.obj
            .isa()
            .isa_flags()
            .iter()
            .any(|v| v.name == "has_ssse3" && v.as_bool() == Some(true))
    }

    /// The trampoline that calls the variadic function `callee` with `%al` = 8.
    pub(crate) fn trampoline(&mut self, callee: &str) -> Result<FuncId, String> {
        if let Some(id) = self.trampolines.get(callee) {
            return Ok(*id);
        }
        let target = *self.funcs.get(callee).ok_or_else(|| format!("the callee @{callee}"))?;
        let sig = ir::Signature::new(cranelift_codegen::isa::CallConv::SystemV);
        let name = format!("__opm_vararg_call.{callee}");
        let id = self.obj_declare(&name, Linkage::Local, &sig)?;
        // mov $8, %al ; jmp callee (rel32, through the PLT when external)
        let code = [0xb0, 0x08, 0xe9, 0, 0, 0, 0];
        let reloc = ModuleReloc {
            offset: 3,
            kind: Reloc::X86CallPLTRel4,
            name: ModuleRelocTarget::user(0, target.as_u32()),
            addend: -4,
        };
        self.obj.define_function_bytes(id, 16, &code, &[reloc]).map_err(|e| e.to_string())?;
        self.trampolines.insert(callee.to_string(), id);
        Ok(id)
    }

    /// The trampoline of an indirect variadic call whose arguments leave the integer argument
    /// register number `reg` of x86-64 SysV free (0 to 5: `%rdi`, `%rsi`, `%rdx`, `%rcx`,
    /// `%r8`, `%r9`): the call site passes the callee's address there, as one more argument,
    /// and the trampoline sets `%al` = 8 and jumps to it. The callee finds its own arguments
    /// where they were; the extra register is one it does not read.
    pub(crate) fn indirect_trampoline(&mut self, reg: usize) -> Result<FuncId, String> {
        // mov $8, %al ; jmp *%reg
        let jump: &[u8] = match reg {
            0 => &[0xff, 0xe7],
            1 => &[0xff, 0xe6],
            2 => &[0xff, 0xe2],
            3 => &[0xff, 0xe1],
            4 => &[0x41, 0xff, 0xe0],
            5 => &[0x41, 0xff, 0xe1],
            _ => return Err(format!("no argument register number {reg}")),
        };
        if let Some(id) = self.indirect_trampolines[reg] {
            return Ok(id);
        }
        let sig = ir::Signature::new(cranelift_codegen::isa::CallConv::SystemV);
        let name = format!("__opm_vararg_call_indirect.{reg}");
        let id = self.obj_declare(&name, Linkage::Local, &sig)?;
        let code: Vec<u8> = [0xb0, 0x08].iter().chain(jump).copied().collect();
        self.obj.define_function_bytes(id, 16, &code, &[]).map_err(|e| e.to_string())?;
        self.indirect_trampolines[reg] = Some(id);
        Ok(id)
    }
}

impl ModuleCx<'_> {
    /// A function of the module that returns the thread pointer, for `llvm.thread.pointer`:
    /// `mov %fs:0, %rax; ret` (the x86-64 ABI keeps the thread control block's own address
    /// at its start). Cranelift has no instruction that reads through `%fs`.
    pub(crate) fn thread_pointer(&mut self) -> Result<FuncId, String> {
        if let Some(id) = self.thread_pointer {
            return Ok(id);
        }
        let mut sig = ir::Signature::new(cranelift_codegen::isa::CallConv::SystemV);
        sig.returns.push(ir::AbiParam::new(ir::types::I64));
        let id = self.obj_declare("__opm_thread_pointer", Linkage::Local, &sig)?;
        let code = [0x64, 0x48, 0x8b, 0x04, 0x25, 0x00, 0x00, 0x00, 0x00, 0xc3];
        self.obj.define_function_bytes(id, 16, &code, &[]).map_err(|e| e.to_string())?;
        self.thread_pointer = Some(id);
        Ok(id)
    }
}

/// Compiles `module` for the ISA `isa` into a relocatable object file.
pub(crate) fn compile(
    module: &Module,
    isa: OwnedTargetIsa,
    lowering: Lowering,
    machine_code: Option<&dyn opm_backend::MachineCode>,
) -> Result<Vec<u8>, CraneliftError> {
    let module = &*module.with_inline_only_copies();
    let module = &*crate::returns_twice::in_slots(module)?;
    let layout =
        DataLayout::parse(&module.data_layout).map_err(|e| CraneliftError::Unsupported {
            construct: format!("the data layout `{}`: {e}", module.data_layout),
            site: Site::module(),
        })?;
    let aliases = crate::aliases::targets(module)?;
    let label_tables = crate::labels::check(module)?;
    let unwind = if module.emitted_definitions().any(crate::unwind::invokes) {
        let tables = crate::unwind::Tables::new(&*isa)
            .ok_or_else(|| CraneliftError::Module("no unwind information on this target".into()))?;
        Some(tables)
    } else {
        None
    };
    let name = if module.name.is_empty() { "opm" } else { &module.name };
    let builder = ObjectBuilder::new(isa, name.as_bytes().to_vec(), default_libcall_names())
        .map_err(|e| CraneliftError::Module(e.to_string()))?;
    let mut cx = ModuleCx {
        obj: ObjectModule::new(builder),
        layout,
        module,
        funcs: HashMap::new(),
        data: HashMap::new(),
        trampolines: HashMap::new(),
        indirect_trampolines: [None; 6],
        relative_tables: relative_tables(module),
        va_bodies: HashMap::new(),
        label_tables,
        thread_pointer: None,
        unwind,
        aliases,
        machine_code,
        outlined: HashMap::new(),
        returns_twice: opm_backend::returns_twice::ReturnsTwice::of(module),
    };
    declare_functions(&mut cx)?;
    declare_globals(&mut cx)?;
    // A reference to an alias is one to what it stands for.
    for (alias, target) in &cx.aliases {
        if let Some(&id) = cx.funcs.get(target) {
            cx.funcs.insert(alias.clone(), id);
        } else if let Some(&id) = cx.data.get(target) {
            cx.data.insert(alias.clone(), id);
        }
    }
    for g in &module.globals {
        define_global(&mut cx, g)?;
    }
    define_structors(&mut cx)?;
    let mut ctx = cx.obj.make_context();
    let mut fctx = FunctionBuilderContext::new();
    let bodies = if lowering.inline_small {
        small_bodies(&mut cx, &mut ctx, lowering)
    } else {
        HashMap::new()
    };
    for f in module.emitted_definitions() {
        let id = cx.va_bodies.get(&f.name).copied().unwrap_or(cx.funcs[&f.name]);
        // Locals stay in memory, and nothing is inlined, in a function that calls `setjmp`
        // (see `crate::lower::locals` and `crate::inline`).
        let twice = cx.returns_twice.called_in(f);
        let registers = lowering.locals_in_registers && !twice;
        let mut lower = |cx: &mut ModuleCx<'_>, native: bool, inline: bool| {
            ctx.clear();
            ctx.func.signature = cx.obj.declarations().get_function_decl(id).signature.clone();
            ctx.func.name = UserFuncName::user(0, id.as_u32());
            // A fresh builder context: a lowering that stopped half-way leaves one dirty.
            fctx = FunctionBuilderContext::new();
            let b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
            let eh = crate::lower::lower_function(cx, f, b, native, registers)?;
            if inline {
                let mut inliner = crate::inline::Inliner::new(&bodies, id, &ctx.func);
                ctx.inline(&mut inliner).map_err(|e| CraneliftError::Codegen {
                    function: f.name.clone(),
                    message: format!("inlining: {e}"),
                    unsupported: false,
                })?;
            }
            define(cx, f, id, &mut ctx, &eh)
        };
        let native = lowering.native_vectors && crate::lower::native_vectors_fit(f);
        // Inlining is an optimization: should the function not build with it (an error, or a
        // lowering Cranelift's x64 backend lacks, which panics), it is built without.
        if !bodies.is_empty()
            && !twice
            && matches!(quietly(|| lower(&mut cx, native, true)), Ok(Ok(())))
        {
            continue;
        }
        if native {
            // Cranelift's x64 backend has no lowering for a few vector operations on some
            // ISA flags (it returns an error or, for some, asserts); such a function has its
            // vectors split into lanes instead, as has one whose vectors this backend could
            // not keep whole after all. Any other error is the function's error.
            match quietly(|| lower(&mut cx, true, false)) {
                Ok(Err(
                    CraneliftError::Codegen { unsupported: true, .. }
                    | CraneliftError::Unsupported { .. },
                ))
                | Err(()) => {}
                Ok(done) => {
                    done?;
                    continue;
                }
            }
        }
        lower(&mut cx, false, false)?;
    }
    let ModuleCx { obj, unwind, aliases, funcs, data, .. } = cx;
    let mut product = obj.finish();
    if let Some(tables) = unwind {
        tables.write(&mut product).map_err(CraneliftError::Module)?;
    }
    crate::aliases::write(&mut product, module, &aliases, &funcs, &data)
        .map_err(CraneliftError::Module)?;
    weak_imports(&mut product, module, &funcs, &data);
    product.emit().map_err(|e| CraneliftError::Module(e.to_string()))
}

/// The CLIF of each function of the module that may be inlined and is small enough (see
/// [`crate::inline`]), by its symbol, lowered with its vectors split and its locals as
/// `lowering` asks. A function whose lowering fails is simply not kept.
fn small_bodies(
    cx: &mut ModuleCx<'_>,
    ctx: &mut Context,
    lowering: Lowering,
) -> HashMap<FuncId, ir::Function> {
    let mut bodies = HashMap::new();
    let module = cx.module;
    for f in module.emitted_definitions() {
        if !crate::inline::may_be_inlined(cx, f) {
            continue;
        }
        let Some(&id) = cx.funcs.get(&f.name) else {
            continue;
        };
        ctx.clear();
        ctx.func.signature = cx.obj.declarations().get_function_decl(id).signature.clone();
        ctx.func.name = UserFuncName::user(0, id.as_u32());
        let mut fctx = FunctionBuilderContext::new();
        let lowered = quietly(|| {
            let b = FunctionBuilder::new(&mut ctx.func, &mut fctx);
            crate::lower::lower_function(cx, f, b, false, lowering.locals_in_registers)
        });
        if matches!(lowered, Ok(Ok(_))) && ctx.func.dfg.num_insts() <= crate::inline::SMALL {
            bodies.insert(id, ctx.func.clone());
        }
    }
    ctx.clear();
    bodies
}

thread_local! {
    /// Set while [`quietly`] runs: the panic hook stays silent.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, catching a panic without printing it (the caller has a way around it).
fn quietly<T>(f: impl FnOnce() -> T) -> Result<T, ()> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    QUIET.with(|quiet| quiet.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET.with(|quiet| quiet.set(false));
    result.map_err(|_| ())
}

fn define(
    cx: &mut ModuleCx<'_>,
    f: &Function,
    id: FuncId,
    ctx: &mut Context,
    eh: &crate::unwind::FunctionEh,
) -> Result<(), CraneliftError> {
    cx.obj.define_function(id, ctx).map_err(|e| {
        let unsupported = matches!(
            e,
            cranelift_module::ModuleError::Compilation(
                cranelift_codegen::CodegenError::Unsupported(_)
            )
        );
        let message = match &e {
            cranelift_module::ModuleError::Compilation(
                cranelift_codegen::CodegenError::Verifier(errors),
            ) => cranelift_codegen::print_errors::pretty_verifier_error(
                &ctx.func,
                None,
                errors.clone(),
            ),
            other => format!("{other:?}"),
        };
        CraneliftError::Codegen { function: f.name.clone(), message, unsupported }
    })?;
    let ModuleCx { obj, unwind, funcs, data, .. } = cx;
    if let Some(tables) = unwind {
        let add = |tables: &mut crate::unwind::Tables| {
            let code = ctx.compiled_code().ok_or("no compiled code")?;
            tables.add_function(obj.isa(), id, code, eh, funcs, data)
        };
        add(tables).map_err(|message| CraneliftError::Codegen {
            function: f.name.clone(),
            message,
            unsupported: false,
        })?;
    }
    Ok(())
}

/// Marks the symbols of `extern_weak` declarations weak, which cranelift-module cannot say
/// (its imports are strong): undefined at link time, such a symbol's address is null, as
/// Rust's standard library expects of the C library functions it looks for
/// (`pidfd_spawnp`, …), where a strong reference would not link.
fn weak_imports(
    product: &mut cranelift_object::ObjectProduct,
    module: &Module,
    funcs: &HashMap<String, FuncId>,
    data: &HashMap<String, DataId>,
) {
    let weak = |p: &opm_ir::SymbolProps| p.linkage == opm_ir::Linkage::ExternWeak;
    let functions = module.functions.iter().filter(|f| weak(&f.props)).map(|f| &f.name);
    let symbols: Vec<_> = functions
        .filter_map(|n| funcs.get(n).and_then(|&id| product.functions[id]))
        .chain(
            module
                .globals
                .iter()
                .filter(|g| weak(&g.props))
                .filter_map(|g| data.get(&g.name).and_then(|&id| product.data_objects[id])),
        )
        .map(|(symbol, _)| symbol)
        .collect();
    for symbol in symbols {
        product.object.symbol_mut(symbol).weak = true;
    }
}

/// The object-file linkage of a symbol defined in (or imported into) the module.
///
/// Comdats (`SymbolProps::comdat`) are ignored, which is exact for what this backend
/// builds: one object, linked once into an executable with the C library. A comdat group
/// only tells the linker which copy to keep when several objects hold the same group; here
/// each group has one copy, which is kept whatever its selection kind, and its members stay
/// what their linkage makes them (`linkonce_odr` / `weak_odr` are weak definitions). Only a
/// link of this object with other objects holding the same groups would differ: members
/// would then be resolved symbol by symbol instead of group by group (equivalent copies,
/// by the ODR), and an external member would be a duplicate definition, which the linker
/// reports. opm builds no such link.
fn linkage(props: &opm_ir::SymbolProps, defined: bool) -> Linkage {
    use opm_ir::Linkage as L;
    if !defined {
        return Linkage::Import;
    }
    match props.linkage {
        L::Internal | L::Private => Linkage::Local,
        L::Weak | L::WeakOdr | L::LinkOnce | L::LinkOnceOdr | L::Common => Linkage::Preemptible,
        L::AvailableExternally | L::ExternWeak => Linkage::Import,
        L::External | L::Appending => match props.visibility {
            Visibility::Hidden => Linkage::Hidden,
            _ => Linkage::Export,
        },
    }
}

fn declare_functions(cx: &mut ModuleCx<'_>) -> Result<(), CraneliftError> {
    for f in &cx.module.functions {
        if f.name.starts_with("llvm.") {
            continue;
        }
        let site = Site::function(&f.name);
        let sig = signature(&cx.layout, &f.ty, &f.attrs, &[])
            .map_err(|construct| CraneliftError::Unsupported { construct, site: site.clone() })?;
        let defined =
            !f.is_declaration() && f.props.linkage != opm_ir::Linkage::AvailableExternally;
        let id = cx
            .obj
            .declare_function(&f.name, linkage(&f.props, defined), &sig)
            .map_err(|e| CraneliftError::Module(e.to_string()))?;
        cx.funcs.insert(f.name.clone(), id);
        if defined && f.ty.varargs {
            define_variadic_entry(cx, f, id)
                .map_err(|construct| CraneliftError::Unsupported { construct, site })?;
            if let Some(tables) = &mut cx.unwind {
                tables.add_variadic_entry(id, VARIADIC_ENTRY_LEN);
            }
        }
    }
    Ok(())
}

/// The size of a variadic function's entry (see [`define_variadic_entry`]).
const VARIADIC_ENTRY_LEN: u32 = 103;

/// A variadic function defined here: its symbol is a machine-code entry that saves the
/// argument registers in a register save area (6 GPRs, then 8 XMM registers, as SysV's
/// `va_list` expects) and calls the Cranelift body with two pointers, the save area and the
/// caller's stack arguments. The body reads its fixed parameters from there, and `va_start`
/// points the `va_list` past them. The entry returns what the body returns (rax, rdx, xmm0,
/// xmm1 are left as the body set them).
fn define_variadic_entry(cx: &mut ModuleCx<'_>, f: &Function, entry: FuncId) -> Result<(), String> {
    for i in 0..f.ty.params.len() {
        if let Some(a) = f.attrs.param(i).iter().find(|a| matches!(a.name(), "byval" | "sret")) {
            return Err(format!("a variadic function with a `{}` parameter", a.name()));
        }
    }
    let body_ty = opm_ir::FunctionType {
        ret: f.ty.ret.clone(),
        params: vec![Type::Ptr, Type::Ptr],
        varargs: false,
    };
    let attrs = opm_ir::Attrs { ret: f.attrs.ret.clone(), ..Default::default() };
    let sig = signature(&cx.layout, &body_ty, &attrs, &[])?;
    let body = cx.obj_declare(&format!("__opm_variadic_body.{}", f.name), Linkage::Local, &sig)?;
    #[rustfmt::skip]
    let code: [u8; VARIADIC_ENTRY_LEN as usize] = [
        0x55,                                     // push rbp
        0x48, 0x89, 0xe5,                         // mov rbp, rsp
        0x48, 0x81, 0xec, 0xb0, 0x00, 0x00, 0x00, // sub rsp, 176
        0x48, 0x89, 0x3c, 0x24,                   // mov [rsp], rdi
        0x48, 0x89, 0x74, 0x24, 0x08,             // mov [rsp+8], rsi
        0x48, 0x89, 0x54, 0x24, 0x10,             // mov [rsp+16], rdx
        0x48, 0x89, 0x4c, 0x24, 0x18,             // mov [rsp+24], rcx
        0x4c, 0x89, 0x44, 0x24, 0x20,             // mov [rsp+32], r8
        0x4c, 0x89, 0x4c, 0x24, 0x28,             // mov [rsp+40], r9
        0x0f, 0x29, 0x44, 0x24, 0x30,             // movaps [rsp+48], xmm0
        0x0f, 0x29, 0x4c, 0x24, 0x40,             // movaps [rsp+64], xmm1
        0x0f, 0x29, 0x54, 0x24, 0x50,             // movaps [rsp+80], xmm2
        0x0f, 0x29, 0x5c, 0x24, 0x60,             // movaps [rsp+96], xmm3
        0x0f, 0x29, 0x64, 0x24, 0x70,             // movaps [rsp+112], xmm4
        0x0f, 0x29, 0xac, 0x24, 0x80, 0, 0, 0,    // movaps [rsp+128], xmm5
        0x0f, 0x29, 0xb4, 0x24, 0x90, 0, 0, 0,    // movaps [rsp+144], xmm6
        0x0f, 0x29, 0xbc, 0x24, 0xa0, 0, 0, 0,    // movaps [rsp+160], xmm7
        0x48, 0x89, 0xe7,                         // mov rdi, rsp
        0x48, 0x8d, 0x75, 0x10,                   // lea rsi, [rbp+16]
        0xe8, 0, 0, 0, 0,                         // call body
        0xc9,                                     // leave
        0xc3,                                     // ret
    ];
    let reloc = ModuleReloc {
        offset: 0x61,
        kind: Reloc::X86CallPCRel4,
        name: ModuleRelocTarget::user(0, body.as_u32()),
        addend: -4,
    };
    cx.obj.define_function_bytes(entry, 16, &code, &[reloc]).map_err(|e| e.to_string())?;
    cx.va_bodies.insert(f.name.clone(), body);
    Ok(())
}

fn declare_globals(cx: &mut ModuleCx<'_>) -> Result<(), CraneliftError> {
    for g in &cx.module.globals {
        // The constructor and destructor arrays are written by `define_structors`.
        if IGNORED_GLOBALS.contains(&g.name.as_str())
            || opm_backend::structors::ARRAYS.contains(&g.name.as_str())
        {
            continue;
        }
        let site = Site::global(&g.name);
        let tls = g.thread_local.is_some();
        if tls && g.props.section.is_some() {
            return Err(CraneliftError::Unsupported {
                construct: "a thread-local global variable in a section of its own".into(),
                site,
            });
        }
        if g.name.starts_with("llvm.") {
            return Err(CraneliftError::Unsupported {
                construct: format!("the special global @{}", g.name),
                site,
            });
        }
        let id = cx
            .obj
            .declare_data(&g.name, linkage(&g.props, g.init.is_some()), !g.is_constant, tls)
            .map_err(|e| CraneliftError::Module(e.to_string()))?;
        cx.data.insert(g.name.clone(), id);
    }
    Ok(())
}

/// The module's constructors and destructors (`@llvm.global_ctors`, `@llvm.global_dtors`):
/// their addresses as an array of pointers per section LLVM would put them in
/// (`.init_array`, `.fini_array.00101` …; see [`opm_backend::structors`]), which the linker
/// gathers and the C runtime calls.
fn define_structors(cx: &mut ModuleCx<'_>) -> Result<(), CraneliftError> {
    let unsupported = |name: &str, construct: String| CraneliftError::Unsupported {
        construct,
        site: Site::initializer(name),
    };
    let list = opm_backend::structors::structors(cx.module)
        .map_err(|e| unsupported("llvm.global_ctors", e))?;
    for (i, s) in list.iter().enumerate() {
        let id = cx
            .obj
            .declare_data(&format!("opm.structors.{i}"), Linkage::Local, true, false)
            .map_err(|e| CraneliftError::Module(e.to_string()))?;
        let mut desc = DataDescription::new();
        desc.define(vec![0u8; 8 * s.functions.len()].into_boxed_slice());
        desc.set_align(8);
        desc.set_custom_section(&s.section);
        for (k, function) in s.functions.iter().enumerate() {
            let Some(&f) = cx.funcs.get(function) else {
                let array = if s.section.starts_with(".init") { "ctors" } else { "dtors" };
                return Err(unsupported(
                    &format!("llvm.global_{array}"),
                    format!("a constructor or destructor that is not a function (@{function})"),
                ));
            };
            let fref = cx.obj.declare_func_in_data(f, &mut desc);
            desc.write_function_addr(8 * k as u32, fref);
        }
        cx.obj.define_data(id, &desc).map_err(|e| CraneliftError::Module(e.to_string()))?;
    }
    Ok(())
}

/// Writes a global's initializer: its bytes per the data layout, and a relocation for every
/// address of a function or global inside it.
fn define_global(cx: &mut ModuleCx<'_>, g: &Global) -> Result<(), CraneliftError> {
    let (Some(init), Some(&id)) = (&g.init, cx.data.get(&g.name)) else { return Ok(()) };
    if g.props.linkage == opm_ir::Linkage::AvailableExternally {
        return Ok(());
    }
    let site = Site::initializer(&g.name);
    let unsupported =
        |construct: String| CraneliftError::Unsupported { construct, site: site.clone() };
    let image = if cx.relative_tables.contains(&g.name) {
        absolute_table(&cx.layout, init, &g.name).map_err(unsupported)?
    } else if cx.label_tables.contains(&g.name) {
        cx.layout.constant_image(&crate::labels::with_tokens(init)).map_err(unsupported)?
    } else {
        cx.layout.constant_image(init).map_err(unsupported)?
    };
    let mut desc = DataDescription::new();
    desc.define(image.bytes.into_boxed_slice());
    let align = g.props.align.max(cx.layout.align_of(&g.ty).map_err(unsupported)?).max(1);
    desc.set_align(align);
    if let Some(section) = &g.props.section {
        desc.set_custom_section(section);
    }
    for r in &image.relocs {
        let offset = u32::try_from(r.offset)
            .map_err(|_| unsupported("an initializer beyond 4 GiB".into()))?;
        if let Some(&f) = cx.funcs.get(&r.symbol) {
            if r.addend != 0 {
                return Err(unsupported(format!("an offset from the function @{}", r.symbol)));
            }
            let fref = cx.obj.declare_func_in_data(f, &mut desc);
            desc.write_function_addr(offset, fref);
        } else if let Some(&d) = cx.data.get(&r.symbol) {
            if cx.obj.declarations().get_data_decl(d).tls {
                return Err(unsupported(format!(
                    "the address of the thread-local variable @{} in an initializer",
                    r.symbol
                )));
            }
            let gv = cx.obj.declare_data_in_data(d, &mut desc);
            desc.write_data_addr(offset, gv, r.addend);
        } else {
            return Err(unsupported(format!("a reference to the unknown symbol @{}", r.symbol)));
        }
    }
    cx.obj.define_data(id, &desc).map_err(|e| CraneliftError::Module(e.to_string()))
}

/// LLVM's relative lookup tables: `[N x i32]` of `trunc(sub(ptrtoint X, ptrtoint @table))`,
/// read only through `llvm.load.relative`. Their entries need 32-bit PC-relative data
/// relocations, which cranelift-object cannot write; the tables found here are laid out as
/// `[N x ptr]` of absolute addresses instead, and `llvm.load.relative` on them reads entry
/// `offset / 4` of that table. A table used in any other way is left alone (and its
/// initializer then reports the unsupported expression).
fn relative_tables(module: &Module) -> HashSet<String> {
    let mut candidates: HashSet<String> = module
        .globals
        .iter()
        .filter(|g| g.init.as_ref().is_some_and(|c| c.relative_table_targets(&g.name).is_some()))
        .map(|g| g.name.clone())
        .collect();
    // Every other use disqualifies a table.
    let drop_uses = |c: &Constant, candidates: &mut HashSet<String>| {
        c.walk(&mut |k| {
            if let Constant::Global(n) = k {
                candidates.remove(n);
            }
        })
    };
    for g in &module.globals {
        if let Some(init) = &g.init
            && !candidates.contains(&g.name)
        {
            drop_uses(init, &mut candidates);
        }
    }
    for f in module.definitions() {
        for inst in f.blocks.iter().flat_map(|b| &b.insts) {
            let loads_relative = matches!(&inst.op, opm_ir::Op::Call(c)
                if c.callee_name().is_some_and(|n| n.starts_with("llvm.load.relative.")));
            for (i, op) in inst.op.operands().into_iter().enumerate() {
                let Some(c) = op.as_const() else { continue };
                if loads_relative && i == 0 && matches!(c, Constant::Global(_)) {
                    continue;
                }
                drop_uses(c, &mut candidates);
            }
        }
    }
    candidates
}

/// A relative table's entries as absolute pointers.
fn absolute_table(layout: &DataLayout, init: &Constant, table: &str) -> Result<ConstImage, String> {
    let targets = init
        .relative_table_targets(table)
        .ok_or("a relative lookup table of an unexpected shape")?;
    let mut out = ConstImage { bytes: Vec::new(), relocs: Vec::new() };
    for t in targets {
        let image = layout.constant_image(t)?;
        let base = out.bytes.len() as u64;
        out.relocs.extend(image.relocs.into_iter().map(|mut r| {
            r.offset += base;
            r
        }));
        out.bytes.extend(image.bytes);
    }
    Ok(out)
}
