//! What every backend of OpenPassMarket implements, and what the backends share.
//!
//! A backend turns a verified canonical module ([`opm_ir::Module`]) into a native object under
//! a [`Pipeline`] of its own kind: LLVM's passes, Cranelift's settings, GCC's flags. The
//! [`Backend`] trait is all the rest of opm knows of one: its [`Space`] (what a search draws
//! candidates from, with presets and baselines), how it reads a user's pipeline text, how it
//! compiles, and the versions of its tools.
//!
//! Shared by the backends, so that each does not carry its own copy: [`Site`] and [`Error`]
//! (every error says whose fault it is), [`intrinsic`] (which LLVM intrinsics there are and
//! what each does, classified once), [`object`] (the `.text` size of any object file),
//! [`process`] (child processes with a time limit), [`structors`] (the constructors and
//! destructors of `@llvm.global_ctors`/`@llvm.global_dtors`, as the sections they go in),
//! [`returns_twice`] (the calls of `setjmp` and its kin).
//!
//! Nothing here runs a compiler: reading a pipeline's stored text ([`Pipeline::read`]) is
//! plain parsing.

pub mod coreset;
pub mod error;
pub mod intrinsic;
pub mod llvm_syntax;
pub mod object;
mod pids;
pub mod pipeline;
pub mod process;
pub mod returns_twice;
pub mod space;
pub mod structors;

pub use coreset::{Coreset, TrainingProgram};
pub use error::{Error, ErrorKind, Site};
pub use pipeline::{BackendKind, Nest, PassSpec, Pipeline, PipelineSyntaxError};
pub use space::{Goal, Space};

use std::time::Duration;

/// A code generator for the canonical IR, with the pipelines it can be given.
pub trait Backend: Send + Sync {
    /// Which backend this is.
    fn kind(&self) -> BackendKind;

    /// The tools it runs and their versions, by name: `[("llvm", "22.1.8")]`,
    /// `[("cranelift", "0.135")]`, `[("gcc", "12.2.0")]`.
    fn tool_versions(&self) -> Vec<(String, String)>;

    /// What a search of this backend draws from: its elements, presets and baselines, and
    /// how a proposed pipeline is put in canonical form.
    fn space(&self) -> Space;

    /// Reads a pipeline a user wrote in this backend's syntax (LLVM's pipeline text,
    /// Cranelift's `name=value` settings, gcc's options) and checks it against what the
    /// backend accepts; the error names what is wrong (an [`ErrorKind::Input`] error).
    fn parse_pipeline(&self, text: &str) -> Result<Pipeline, Error>;

    /// Gets ready to compile `module` (which passed the canonical IR's verifier) under any
    /// number of pipelines: whatever is the same for every pipeline is done once (GCC emits
    /// the module's C here).
    fn prepare(&self, module: &opm_ir::Module) -> Result<Box<dyn Compiler>, Error>;

    /// The backend's pipeline space for people: every pass, setting or flag, its values and
    /// defaults, and the presets; one JSON object per line with `json`. What
    /// `opm-driver passes` prints.
    fn listing(&self, json: bool) -> String;
}

/// Another code generator's machine code for a function a backend cannot express itself:
/// the wrapper of an inline asm that Cranelift has no instruction for, compiled by LLVM from
/// a canonical module that defines it.
pub trait MachineCode: Send + Sync {
    /// The code of the function `name` of `module`, compiled for the host: bytes that refer
    /// to nothing else (no relocation), to place as they are; an error names what could not
    /// be compiled or what the code refers to.
    fn function_code(&self, module: &opm_ir::Module, name: &str) -> Result<Vec<u8>, String>;
}

/// A module prepared by [`Backend::prepare`], compiled once per pipeline.
pub trait Compiler: Send {
    /// Compiles the module under `pipeline` (of this backend's kind) to a relocatable object
    /// for the host. A compiler that runs as a separate process is killed after `limit` (an
    /// [`ErrorKind::Timeout`] error); one that runs in this process is not interrupted (run it
    /// in a process of its own to bound it).
    fn compile(&mut self, pipeline: &Pipeline, limit: Duration) -> Result<Vec<u8>, Error>;
}
