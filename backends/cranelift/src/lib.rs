//! The Cranelift backend: lowers the canonical IR to CLIF with cranelift-frontend, applies
//! Cranelift's settings (the pipeline space of this backend) and emits native objects with
//! cranelift-object.
//!
//! The crate is organised by level: [`types`] (how values become CLIF leaves), [`abi`]
//! (signatures), `lower` (one function's body), `module` (declarations, data, the object),
//! `labels` (computed goto: which block addresses can be block numbers).

mod abi;
mod aliases;
pub mod backend;
pub mod error;
mod inline;
mod labels;
mod lower;
mod module;
mod returns_twice;
pub mod settings;
#[cfg(test)]
mod tests;
mod types;
mod unwind;

pub use backend::CraneliftBackend;
pub use error::CraneliftError;

/// The Cranelift release this backend is built against.
pub const CRANELIFT_VERSION: &str = "0.135";
use opm_ir::Module;

/// Compiles `module` to a relocatable object for the host with the Cranelift settings of
/// `pipeline` (its text form; `None` or empty: Cranelift's defaults). The module should
/// have passed the canonical IR's verifier; Cranelift's own verifier runs on every function.
pub fn compile_to_object(
    module: &Module,
    pipeline: Option<&str>,
) -> Result<Vec<u8>, CraneliftError> {
    compile_to_object_with(module, pipeline, None)
}

/// [`compile_to_object`], an inline asm other than a barrier becoming a function of the
/// module whose code `machine_code` gives (without it, such an asm is refused).
pub fn compile_to_object_with(
    module: &Module,
    pipeline: Option<&str>,
    machine_code: Option<&dyn opm_backend::MachineCode>,
) -> Result<Vec<u8>, CraneliftError> {
    let pipeline = settings::Pipeline::parse(pipeline.unwrap_or(""))?;
    let isa = settings::isa(&pipeline)?;
    let lowering = settings::lowering(&pipeline);
    // Cranelift asserts rather than returns errors in a few places; such a failure is this
    // module's error, not the end of the process (an optimize run goes on to the next
    // candidate).
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        module::compile(module, isa, lowering, machine_code)
    }))
    .unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "a panic without a message".into());
        Err(CraneliftError::Internal(message))
    })
}
