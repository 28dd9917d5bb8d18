//! From an input file to a checked canonical module, and from a canonical module to an
//! executable. Every path goes through the canonical IR: import → verify → export → object →
//! link.

use crate::toolchain::{DEFAULT_LIBS, Linker, ToolchainError};
use opm_ir::Module;
use opm_llvm::{CodegenLevel, LlvmError};
use opm_verifier::Violation;
use std::path::{Path, PathBuf};

/// A code generator for the canonical IR.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Backend {
    /// LLVM 22, through its IR builder and target machine.
    Llvm,
    /// Cranelift 0.135, through cranelift-frontend and cranelift-object.
    Cranelift,
    /// GCC, compiling the canonical IR emitted as C.
    Gcc,
}

impl Backend {
    /// The name used on the command line and in signals.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Llvm => "llvm",
            Backend::Cranelift => "cranelift",
            Backend::Gcc => "gcc",
        }
    }
}

/// What can go wrong between an input file and a running program.
#[derive(Debug, thiserror::Error)]
pub enum DriverError {
    /// An error of the LLVM backend (input, pipeline or code generation).
    #[error(transparent)]
    Llvm(#[from] LlvmError),
    /// An error of the Cranelift backend (unsupported construct, settings, code generation).
    #[error(transparent)]
    Cranelift(#[from] opm_cranelift::CraneliftError),
    /// An error of the GCC backend (unsupported construct, flags, gcc itself).
    #[error(transparent)]
    Gcc(#[from] opm_gcc::GccError),
    /// The canonical IR breaks invariants.
    #[error("{} invariant violation(s):\n{}", .0.len(), render(.0))]
    Invalid(Vec<Violation>),
    /// Linking.
    #[error(transparent)]
    Toolchain(#[from] ToolchainError),
    /// Reading or writing files.
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    /// Arguments that cannot work together or a pipeline LLVM rejects.
    #[error("{0}")]
    Usage(String),
    /// The evaluation engine could not be set up.
    #[error(transparent)]
    Engine(#[from] crate::engine::EngineError),
}

fn render(violations: &[Violation]) -> String {
    violations.iter().map(|v| format!("  {v}")).collect::<Vec<_>>().join("\n")
}

impl DriverError {
    /// The process exit status for this error: 2 when the user's input or arguments are at
    /// fault, 1 otherwise (invalid IR, failed build).
    pub fn exit_code(&self) -> u8 {
        match self {
            DriverError::Llvm(e) if e.is_input_error() => 2,
            DriverError::Cranelift(e) if e.is_input_error() => 2,
            DriverError::Gcc(e) if e.is_input_error() => 2,
            DriverError::Io { .. } | DriverError::Usage(_) => 2,
            _ => 1,
        }
    }
}

/// An input module, loaded and imported.
pub struct Input {
    /// The file it came from.
    pub path: PathBuf,
    /// Its canonical IR.
    pub module: Module,
}

impl Input {
    /// Reads a `.ll` or `.bc` file (LLVM's parser and verifier run first) and imports it.
    pub fn load(path: &Path) -> Result<Input, DriverError> {
        let module = opm_llvm::load_file(path)?;
        Ok(Input { path: path.to_path_buf(), module })
    }

    /// Runs the canonical IR verifier.
    pub fn verify(&self) -> Result<(), DriverError> {
        let violations = opm_verifier::verify_module(&self.module);
        if violations.is_empty() { Ok(()) } else { Err(DriverError::Invalid(violations)) }
    }
}

/// How to build an executable from a canonical module.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    pub backend: Backend,
    /// A pass pipeline in the backend's text form (LLVM: a pass pipeline; Cranelift: its
    /// settings); `None` builds the module as it is, with the backend's defaults.
    pub pipeline: Option<String>,
    /// Code generation level (LLVM only).
    pub codegen: CodegenLevel,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions { backend: Backend::Llvm, pipeline: None, codegen: CodegenLevel::Default }
    }
}

/// How long gcc may take to compile one module.
const GCC_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(300);

/// Compiles `module` to an object and links it into the executable `out`.
pub fn build_executable(
    module: &Module,
    opts: &BuildOptions,
    out: &Path,
) -> Result<(), DriverError> {
    let object = match opts.backend {
        Backend::Llvm => {
            opm_llvm::compile_to_object(module, opts.pipeline.as_deref(), opts.codegen)?
        }
        Backend::Cranelift => opm_cranelift::compile_to_object(module, opts.pipeline.as_deref())?,
        Backend::Gcc => {
            let gcc = opm_gcc::Gcc::find()?;
            let args = opm_gcc::pipeline_args(&gcc, opts.pipeline.as_deref())?;
            opm_gcc::compile_to_object(&gcc, module, &args, GCC_TIME_LIMIT)?
        }
    };
    let dir = tempfile::Builder::new()
        .prefix("opm-build-")
        .tempdir()
        .map_err(|source| DriverError::Io { path: std::env::temp_dir(), source })?;
    let obj_path = dir.path().join("module.o");
    std::fs::write(&obj_path, object)
        .map_err(|source| DriverError::Io { path: obj_path.clone(), source })?;
    Linker::find()?.link(&[&obj_path], out, DEFAULT_LIBS)?;
    Ok(())
}
