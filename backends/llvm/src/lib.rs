//! The LLVM 22 backend: parse `.ll`/`.bc` with LLVM itself, import LLVM modules into the
//! canonical IR, build LLVM modules back from it with LLVM's IR builder, run pass pipelines,
//! and emit native objects.

mod attrs;
pub mod backend;
pub mod catalog;
pub mod codegen;
mod conv;
pub mod error;
pub mod export;
mod ffi;
pub mod import;
pub mod parse;

pub use backend::LlvmBackend;
pub use codegen::{Codegen, CodegenLevel};
pub use error::{LlvmError, Site};
pub use export::export_module;
pub use import::import_module;
pub use inkwell;
pub use parse::{OwnedModule, parse_bytes, parse_file, verify_input};

use inkwell::context::Context;
use std::path::Path;

/// Reads a `.ll` or `.bc` file, checks it with LLVM's verifier and imports it.
pub fn load_file(path: &Path) -> Result<opm_ir::Module, LlvmError> {
    let ctx = Context::create();
    let module = parse_file(&ctx, path)?;
    verify_input(&module, &path.display().to_string())?;
    import_module(&module)
}

/// LLVM as another backend's [`opm_backend::MachineCode`]: the module compiled at the
/// default level, the function's bytes taken from the object.
pub struct LlvmMachineCode;

impl opm_backend::MachineCode for LlvmMachineCode {
    fn function_code(&self, module: &opm_ir::Module, name: &str) -> Result<Vec<u8>, String> {
        let object =
            compile_to_object(module, None, CodegenLevel::Default).map_err(|e| e.to_string())?;
        opm_backend::object::function_code(&object, name).map_err(|e| e.to_string())
    }
}

/// Builds `module` in LLVM, runs `pipeline` (if any, then LLVM's verifier once: after every
/// pass it would be quadratic on a whole program) and returns the native object.
pub fn compile_to_object(
    module: &opm_ir::Module,
    pipeline: Option<&str>,
    level: CodegenLevel,
) -> Result<Vec<u8>, LlvmError> {
    let ctx = Context::create();
    let llvm = export_module(&ctx, module)?;
    let codegen = Codegen::new(&module.target_triple, level)?;
    if let Some(p) = pipeline {
        codegen.run_pipeline(&llvm, p, false)?;
        llvm.verify().map_err(|e| LlvmError::Pipeline {
            pipeline: p.to_string(),
            message: format!("LLVM's verifier after it: {}", e.to_string().trim_end()),
        })?;
    }
    codegen.emit_object(&llvm)
}

/// The LLVM version this backend is built against (`22.1.8`).
pub fn llvm_version() -> String {
    let (mut major, mut minor, mut patch) = (0, 0, 0);
    // SAFETY: writes three integers.
    unsafe { llvm_sys::core::LLVMGetVersion(&mut major, &mut minor, &mut patch) };
    format!("{major}.{minor}.{patch}")
}
