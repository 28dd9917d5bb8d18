//! Pass pipelines and native code generation with a target machine.

use crate::error::LlvmError;
use inkwell::OptimizationLevel;
use inkwell::module::Module;
use inkwell::targets::{
    CodeModel, FileType, InitializationConfig, RelocMode, Target, TargetMachine, TargetTriple,
};
use std::sync::Once;

/// The optimisation level of instruction selection and register allocation (llc's `-O`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CodegenLevel {
    /// `-O0`.
    None,
    /// `-O1`.
    Less,
    /// `-O2`, what clang uses at -O2.
    #[default]
    Default,
    /// `-O3`.
    Aggressive,
}

impl CodegenLevel {
    fn llvm(self) -> OptimizationLevel {
        match self {
            CodegenLevel::None => OptimizationLevel::None,
            CodegenLevel::Less => OptimizationLevel::Less,
            CodegenLevel::Default => OptimizationLevel::Default,
            CodegenLevel::Aggressive => OptimizationLevel::Aggressive,
        }
    }
}

/// A target machine for one triple: runs pipelines and emits position-independent objects.
/// Not `Send`: create one per thread.
pub struct Codegen {
    machine: TargetMachine,
}

impl Codegen {
    /// A target machine for `triple` (the host's when empty), generic CPU, PIC.
    pub fn new(triple: &str, level: CodegenLevel) -> Result<Codegen, LlvmError> {
        static INIT: Once = Once::new();
        let mut init_error = None;
        INIT.call_once(|| {
            init_error = Target::initialize_native(&InitializationConfig::default()).err();
        });
        if let Some(e) = init_error {
            return Err(LlvmError::Codegen(format!("cannot initialise the native target: {e}")));
        }
        let triple = if triple.is_empty() {
            TargetMachine::get_default_triple()
        } else {
            TargetTriple::create(triple)
        };
        let target = Target::from_triple(&triple)
            .map_err(|e| LlvmError::Codegen(format!("target {triple}: {e}")))?;
        let machine = target
            .create_target_machine(
                &triple,
                "generic",
                "",
                level.llvm(),
                RelocMode::PIC,
                CodeModel::Default,
            )
            .ok_or_else(|| LlvmError::Codegen(format!("no target machine for {triple}")))?;
        Ok(Codegen { machine })
    }

    /// Runs an LLVM pass pipeline (`default<O2>`, `function(sroa,gvn)`, …) over `module`
    /// once: a [`PassSession`] for one pipeline (see there for `verify_each` and the result).
    pub fn run_pipeline(
        &self,
        module: &Module<'_>,
        pipeline: &str,
        verify_each: bool,
    ) -> Result<bool, LlvmError> {
        self.session(module, verify_each).run(pipeline)
    }

    /// A pass session over `module`: pipelines run one after the other through it keep the
    /// analyses their passes preserved, as the passes of one pipeline do, instead of
    /// computing every analysis again for each.
    ///
    /// With `verify_each`, LLVM's verifier checks after every pass what that pass changed
    /// (its function, its SCC's functions, or the module; nothing when the pass reports that it
    /// changed nothing), and the whole module at the end of each pipeline if a CGSCC or module
    /// pass changed something (it may have changed functions outside its unit): opt's
    /// `-verify-each` finds the same broken IR, without verifying again and again what no pass
    /// touched. Broken IR ends the process with LLVM's "Broken function found after
    /// pass" message, as `-verify-each` does.
    pub fn session<'a>(&'a self, module: &'a Module<'_>, verify_each: bool) -> PassSession<'a> {
        // SAFETY: the module and the target machine outlive the session (its lifetime borrows
        // both); the session is freed once, in its `Drop`.
        let raw = unsafe {
            crate::ffi::opm_pass_session_new(
                module.as_mut_ptr(),
                self.machine.as_mut_ptr(),
                i32::from(verify_each),
            )
        };
        PassSession { raw, _borrows: std::marker::PhantomData }
    }

    /// The module compiled to a native object file.
    ///
    /// Code generation first inlines what must be inlined and cannot be linked to, as every
    /// clang build does (its `-O0` pipeline included): a call left to an `available_externally`
    /// `alwaysinline` definition, which a library keeps out of its exported symbols (C++'s
    /// standard library does so for many `std::string` members). LLVM's `always-inline` pass
    /// then runs over `module` first; a module without such a call (every C program that does
    /// not use them) is compiled as it is.
    pub fn emit_object(&self, module: &Module<'_>) -> Result<Vec<u8>, LlvmError> {
        if calls_inline_only(module) {
            self.run_pipeline(module, "always-inline", false)?;
        }
        let buffer = self
            .machine
            .write_to_memory_buffer(module, FileType::Object)
            .map_err(|e| LlvmError::Codegen(e.to_string()))?;
        Ok(buffer.as_slice().to_vec())
    }
}

/// Whether `module` calls (or otherwise uses) an `available_externally` definition marked
/// `alwaysinline`: code that exists only to be inlined, with no symbol to link to elsewhere.
fn calls_inline_only(module: &Module<'_>) -> bool {
    use inkwell::attributes::{Attribute, AttributeLoc};
    use inkwell::module::Linkage;
    use inkwell::values::AsValueRef;
    let always = Attribute::get_named_enum_kind_id("alwaysinline");
    module.get_functions().any(|f| {
        f.get_linkage() == Linkage::AvailableExternally
            && f.count_basic_blocks() > 0
            && f.get_enum_attribute(AttributeLoc::Function, always).is_some()
            // SAFETY: `f` is a live function of `module`.
            && !unsafe { llvm_sys::core::LLVMGetFirstUse(f.as_value_ref()) }.is_null()
    })
}

/// LLVM's pass builder, analysis managers and instrumentations over one module, kept between
/// the pipelines run through it (see [`Codegen::session`]).
pub struct PassSession<'a> {
    raw: *mut crate::ffi::OpmPassSession,
    _borrows: std::marker::PhantomData<&'a ()>,
}

impl PassSession<'_> {
    /// Runs the pass pipeline `pipeline` over the session's module. Returns whether any pass
    /// reported a change (every pass reporting every analysis preserved leaves the module as
    /// it was).
    pub fn run(&mut self, pipeline: &str) -> Result<bool, LlvmError> {
        let failed =
            |message: String| LlvmError::Pipeline { pipeline: pipeline.to_string(), message };
        let text = std::ffi::CString::new(pipeline)
            .map_err(|_| failed("the pipeline contains a NUL byte".into()))?;
        let mut changed = 0i32;
        // SAFETY: the session is live (freed only on drop) and so are its module and target
        // machine; the shim returns null or a message allocated by LLVM, which is copied and
        // disposed of here.
        unsafe {
            let message = crate::ffi::opm_pass_session_run(self.raw, text.as_ptr(), &mut changed);
            if message.is_null() {
                return Ok(changed != 0);
            }
            let text = std::ffi::CStr::from_ptr(message).to_string_lossy().into_owned();
            llvm_sys::core::LLVMDisposeMessage(message);
            Err(failed(text))
        }
    }

    /// What the last [`PassSession::run`] changed, when function and loop passes alone
    /// changed anything: the names of the functions they changed (empty when nothing
    /// changed). `None` when a CGSCC or module pass changed something, or a pass whose unit
    /// is gone, or when a changed function's blocks have their address taken (other
    /// functions' `blockaddress` constants number its blocks): then any part of the module
    /// may have changed. A pass that changes IR but reports every analysis preserved is not
    /// seen here (nor by the verifier after it).
    pub fn changed_functions(&self) -> Option<Vec<String>> {
        let mut functions = std::ptr::null();
        let mut n = 0usize;
        // SAFETY: the session is live; the shim's array stays valid until the next run, and
        // its functions are the session's module's, which outlives the session.
        unsafe {
            if crate::ffi::opm_pass_session_changed(self.raw, &mut functions, &mut n) != 0 {
                return None;
            }
            let functions = if n == 0 { &[][..] } else { std::slice::from_raw_parts(functions, n) };
            let mut names = Vec::with_capacity(n);
            for &f in functions {
                let name = crate::ffi::value_name(f);
                if name.is_empty() {
                    return None;
                }
                names.push(name);
            }
            Some(names)
        }
    }
}

impl Drop for PassSession<'_> {
    fn drop(&mut self) {
        // SAFETY: made by opm_pass_session_new and freed only here.
        unsafe { crate::ffi::opm_pass_session_free(self.raw) }
    }
}
