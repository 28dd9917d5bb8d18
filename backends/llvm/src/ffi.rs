//! Small safe wrappers over llvm-sys calls used by import and export, and the C++ shim.

use llvm_sys::core::*;
use llvm_sys::prelude::*;
use std::ffi::{CStr, CString};

/// The shim's pass session (opaque).
#[repr(C)]
pub struct OpmPassSession {
    _private: [u8; 0],
}

unsafe extern "C" {
    pub fn opm_is_dso_local(v: LLVMValueRef) -> i32;
    pub fn opm_set_dso_local(v: LLVMValueRef, on: i32);
    pub fn opm_const_wrap_flags(v: LLVMValueRef) -> u32;
    pub fn opm_const_binop(
        opcode: u32,
        lhs: LLVMValueRef,
        rhs: LLVMValueRef,
        flags: u32,
    ) -> LLVMValueRef;
    pub fn opm_build_extract_value(
        bb: LLVMBasicBlockRef,
        agg: LLVMValueRef,
        idx: *const u32,
        n: u32,
        name: *const std::ffi::c_char,
    ) -> LLVMValueRef;
    pub fn opm_comdat_name(c: LLVMComdatRef, len: *mut usize) -> *const std::ffi::c_char;
    pub fn opm_thread_local_mode(v: LLVMValueRef) -> u32;
    pub fn opm_set_thread_local_mode(v: LLVMValueRef, mode: u32);
    pub fn opm_pass_session_new(
        m: LLVMModuleRef,
        tm: llvm_sys::target_machine::LLVMTargetMachineRef,
        verify: i32,
    ) -> *mut OpmPassSession;
    pub fn opm_pass_session_run(
        s: *mut OpmPassSession,
        passes: *const std::ffi::c_char,
        changed: *mut i32,
    ) -> *mut std::ffi::c_char;
    pub fn opm_pass_session_changed(
        s: *mut OpmPassSession,
        functions: *mut *const LLVMValueRef,
        n: *mut usize,
    ) -> i32;
    pub fn opm_pass_session_free(s: *mut OpmPassSession);
    pub fn opm_build_insert_value(
        bb: LLVMBasicBlockRef,
        agg: LLVMValueRef,
        val: LLVMValueRef,
        idx: *const u32,
        n: u32,
        name: *const std::ffi::c_char,
    ) -> LLVMValueRef;
}

/// The name of a value (empty when unnamed).
pub fn value_name(v: LLVMValueRef) -> String {
    let mut len = 0usize;
    // SAFETY: `v` is a live value; LLVM returns a pointer into the value's name with `len`.
    unsafe {
        let p = LLVMGetValueName2(v, &mut len);
        if p.is_null() || len == 0 {
            return String::new();
        }
        String::from_utf8_lossy(std::slice::from_raw_parts(p.cast::<u8>(), len)).into_owned()
    }
}

/// Takes ownership of a C string LLVM allocated, returning it as a `String`.
///
/// # Safety
/// `p` must come from an LLVM function documented to return a message to be disposed of
/// with `LLVMDisposeMessage`.
pub unsafe fn take_message(p: *mut std::ffi::c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: guaranteed by the caller.
    unsafe {
        let s = CStr::from_ptr(p).to_string_lossy().into_owned();
        LLVMDisposeMessage(p);
        s
    }
}

/// The value as LLVM prints it (one line for instructions and constants).
pub fn print_value(v: LLVMValueRef) -> String {
    // SAFETY: `v` is a live value; the result is an LLVM-allocated message.
    let s = unsafe { take_message(LLVMPrintValueToString(v)) };
    s.trim().to_string()
}

/// The type as LLVM prints it.
pub fn print_type(t: LLVMTypeRef) -> String {
    // SAFETY: `t` is a live type; the result is an LLVM-allocated message.
    unsafe { take_message(LLVMPrintTypeToString(t)) }
}

/// A C string for passing names to LLVM (interior NULs are replaced, names never hold them
/// in valid IR).
pub fn cstring(s: &str) -> CString {
    // With every NUL replaced, the conversion cannot fail.
    CString::new(s.replace('\0', "_")).unwrap_or_default()
}

/// A borrowed C string as `String` (empty for null).
///
/// # Safety
/// `p` must be null or point to a NUL-terminated string.
pub unsafe fn borrowed_str(p: *const std::ffi::c_char) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: guaranteed by the caller.
    unsafe { CStr::from_ptr(p).to_string_lossy().into_owned() }
}

/// A string of given length as `String`.
///
/// # Safety
/// `p` must point to `len` readable bytes (or be null).
pub unsafe fn sized_str(p: *const std::ffi::c_char, len: usize) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: guaranteed by the caller.
    unsafe { String::from_utf8_lossy(std::slice::from_raw_parts(p.cast::<u8>(), len)).into_owned() }
}
