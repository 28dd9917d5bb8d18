//! Reading `.ll` and `.bc` files into LLVM modules.

use crate::error::{LlvmError, parse_diagnostic};
use crate::ffi::take_message;
use inkwell::context::Context;
use inkwell::memory_buffer::MemoryBuffer;
use inkwell::module::Module;
use llvm_sys::ir_reader::LLVMParseIRInContext2;
use std::path::Path;

/// Whether `bytes` start like LLVM bitcode (raw or in the wrapper format).
pub fn is_bitcode(bytes: &[u8]) -> bool {
    bytes.starts_with(b"BC\xC0\xDE") || bytes.starts_with(&[0xDE, 0xC0, 0x17, 0x0B])
}

/// Parses the file at `path` (assembly or bitcode, by content) in `ctx`.
pub fn parse_file<'ctx>(ctx: &'ctx Context, path: &Path) -> Result<Module<'ctx>, LlvmError> {
    let bytes =
        std::fs::read(path).map_err(|source| LlvmError::Io { path: path.to_path_buf(), source })?;
    parse_bytes(ctx, &bytes, &path.display().to_string())
}

/// Parses assembly or bitcode held in memory; `name` is used in diagnostics.
pub fn parse_bytes<'ctx>(
    ctx: &'ctx Context,
    bytes: &[u8],
    name: &str,
) -> Result<Module<'ctx>, LlvmError> {
    let buffer = MemoryBuffer::create_from_memory_range_copy(bytes, name);
    if is_bitcode(bytes) {
        let module = Module::parse_bitcode_from_buffer(&buffer, ctx)
            .map_err(|e| LlvmError::Bitcode { file: name.to_string(), message: e.to_string() })?;
        return Ok(module);
    }
    let mut module = std::ptr::null_mut();
    let mut message = std::ptr::null_mut();
    // SAFETY: the context and buffer are alive; LLVMParseIRInContext2 does not take ownership
    // of the buffer (dropped below), and hands us the module or an error message.
    let failed =
        unsafe { LLVMParseIRInContext2(ctx.raw(), buffer.as_mut_ptr(), &mut module, &mut message) };
    if failed != 0 {
        // SAFETY: on failure `message` is an LLVM-allocated message.
        let text = unsafe { take_message(message) };
        return Err(parse_diagnostic(name, &text));
    }
    // SAFETY: on success `module` is a new module owned by `ctx`.
    Ok(unsafe { Module::new(module) })
}

/// Runs LLVM's verifier on a module read from `file`.
pub fn verify_input(module: &Module<'_>, file: &str) -> Result<(), LlvmError> {
    module.verify().map_err(|e| LlvmError::InvalidModule {
        file: file.to_string(),
        message: e.to_string().trim_end().to_string(),
    })
}
