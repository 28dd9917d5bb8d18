//! The printer: canonical IR to LLVM 22 textual IR.

use crate::module::Module;

/// Printing options.
#[derive(Clone, Copy, Debug, Default)]
pub struct PrintOptions {
    /// Ignore source names of local values and blocks: number everything (for hashing).
    pub anonymous_locals: bool,
}

/// `module` as LLVM 22 text that `opt -passes=verify` accepts.
pub fn print_module(module: &Module, opts: PrintOptions) -> String {
    let _ = (module, opts);
    todo!("printer")
}
