//! Reading native object files with LLVM's object library (through its C API).

use crate::error::LlvmError;
use crate::ffi::take_message;
use llvm_sys::core::{LLVMCreateMemoryBufferWithMemoryRange, LLVMDisposeMemoryBuffer};
use llvm_sys::object::{
    LLVMBinaryGetType, LLVMBinaryRef, LLVMBinaryType, LLVMCreateBinary, LLVMDisposeBinary,
    LLVMDisposeSectionIterator, LLVMGetSectionName, LLVMGetSectionSize, LLVMMoveToNextSection,
    LLVMObjectFileCopySectionIterator, LLVMObjectFileIsSectionIteratorAtEnd,
};
use llvm_sys::prelude::LLVMMemoryBufferRef;
use std::ffi::CStr;

/// Whether a section of this name holds executable code: `.text` or `.text.<suffix>` (ELF
/// with `-ffunction-sections`, COFF).
pub fn is_text_section(name: &str) -> bool {
    name == ".text" || name.starts_with(".text.")
}

/// The total size in bytes of the executable code sections (`.text` and `.text.*`) of a
/// native object file (ELF, COFF, Mach-O or wasm, as LLVM reads them).
///
/// Fails with [`LlvmError::Codegen`] when `object` is not an object file LLVM can read
/// (archives, bitcode and universal binaries are refused).
pub fn text_section_bytes(object: &[u8]) -> Result<u64, LlvmError> {
    let binary = Binary::new(object)?;
    // SAFETY: `binary.raw` is a live binary.
    let kind = unsafe { LLVMBinaryGetType(binary.raw) };
    use LLVMBinaryType::*;
    match kind {
        LLVMBinaryTypeCOFF
        | LLVMBinaryTypeELF32L
        | LLVMBinaryTypeELF32B
        | LLVMBinaryTypeELF64L
        | LLVMBinaryTypeELF64B
        | LLVMBinaryTypeMachO32L
        | LLVMBinaryTypeMachO32B
        | LLVMBinaryTypeMachO64L
        | LLVMBinaryTypeMachO64B
        | LLVMBinaryTypeWasm => {}
        other => {
            return Err(LlvmError::Codegen(format!(
                "not a native object file (LLVM reads it as {other:?})"
            )));
        }
    }
    // SAFETY: the binary is an object file (checked above), so the C API's cast to
    // `ObjectFile` holds. The iterator is disposed of below, before the binary.
    let sections = unsafe { LLVMObjectFileCopySectionIterator(binary.raw) };
    let mut total = 0u64;
    // SAFETY: `sections` iterates over `binary`'s sections, both alive until the end of the loop.
    while unsafe { LLVMObjectFileIsSectionIteratorAtEnd(binary.raw, sections) } == 0 {
        // SAFETY: the iterator is not at its end; the name is owned by the object (or null
        // when LLVM cannot read it) and is copied before the iterator moves.
        let name = unsafe {
            let ptr = LLVMGetSectionName(sections);
            (!ptr.is_null()).then(|| CStr::from_ptr(ptr).to_string_lossy().into_owned())
        };
        if name.as_deref().is_some_and(is_text_section) {
            // SAFETY: the iterator is not at its end.
            total += unsafe { LLVMGetSectionSize(sections) };
        }
        // SAFETY: the iterator is not at its end.
        unsafe { LLVMMoveToNextSection(sections) };
    }
    // SAFETY: created above, disposed of once.
    unsafe { LLVMDisposeSectionIterator(sections) };
    Ok(total)
}

/// An LLVM binary over a memory buffer that borrows `bytes`; both are freed on drop.
struct Binary<'a> {
    raw: LLVMBinaryRef,
    buffer: LLVMMemoryBufferRef,
    _bytes: std::marker::PhantomData<&'a [u8]>,
}

impl<'a> Binary<'a> {
    fn new(bytes: &'a [u8]) -> Result<Binary<'a>, LlvmError> {
        // SAFETY: the buffer borrows `bytes` (no copy, no terminator required) and lives no
        // longer than `Binary<'a>`. The name is copied by LLVM.
        let buffer = unsafe {
            LLVMCreateMemoryBufferWithMemoryRange(
                bytes.as_ptr().cast(),
                bytes.len(),
                c"object".as_ptr(),
                0,
            )
        };
        let mut message = std::ptr::null_mut();
        // SAFETY: LLVMCreateBinary does not take ownership of the buffer; a null context is
        // allowed for anything but IR files (which then fail with a message).
        let raw = unsafe { LLVMCreateBinary(buffer, std::ptr::null_mut(), &mut message) };
        if raw.is_null() {
            // SAFETY: on failure `message` is an LLVM-allocated message (or null); the buffer
            // was created above and is not used afterwards.
            let text = unsafe { take_message(message) };
            unsafe { LLVMDisposeMemoryBuffer(buffer) };
            return Err(LlvmError::Codegen(format!("cannot read the object file: {text}")));
        }
        Ok(Binary { raw, buffer, _bytes: std::marker::PhantomData })
    }
}

impl Drop for Binary<'_> {
    fn drop(&mut self) {
        // SAFETY: both were created in `Binary::new` and are disposed of once, the binary
        // (which refers to the buffer) first.
        unsafe {
            LLVMDisposeBinary(self.raw);
            LLVMDisposeMemoryBuffer(self.buffer);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_section_names() {
        assert!(is_text_section(".text"));
        assert!(is_text_section(".text.main"));
        assert!(is_text_section(".text.unlikely."));
        assert!(!is_text_section(".texts"));
        assert!(!is_text_section(".rela.text"));
        assert!(!is_text_section(".data"));
    }

    #[test]
    fn garbage_is_refused() {
        let e = text_section_bytes(b"not an object at all").unwrap_err();
        assert!(matches!(e, LlvmError::Codegen(_)), "{e}");
        let e = text_section_bytes(&[]).unwrap_err();
        assert!(matches!(e, LlvmError::Codegen(_)), "{e}");
    }

    #[test]
    fn bitcode_is_refused() {
        let e = text_section_bytes(b"BC\xC0\xDE\x35\x14\x00\x00").unwrap_err();
        assert!(matches!(e, LlvmError::Codegen(_)), "{e}");
    }
}
