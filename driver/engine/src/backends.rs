//! The backends this build has, behind [`opm_backend::Backend`]: the one place that knows
//! which crate implements which [`BackendKind`].

use crate::error::Error;
use opm_backend::{Backend, BackendKind};

/// The backend `kind`, ready to use; an error saying why when its tools are missing or
/// unusable (no gcc, or `CC` naming another compiler), with exit status 2.
pub fn open(kind: BackendKind) -> Result<Box<dyn Backend>, Error> {
    Ok(match kind {
        BackendKind::Llvm => Box::new(opm_llvm::LlvmBackend),
        // An inline asm that Cranelift cannot express is an outlined function LLVM compiles.
        BackendKind::Cranelift => Box::new(opm_cranelift::CraneliftBackend::with_machine_code(
            std::sync::Arc::new(opm_llvm::LlvmMachineCode),
        )),
        BackendKind::Gcc => Box::new(opm_gcc::GccBackend::new().map_err(opm_backend::Error::from)?),
    })
}

/// The versions of every backend's tools (`none` for a backend whose tools are missing), as a
/// lab records them with a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToolVersions {
    pub llvm: String,
    pub cranelift: String,
    pub gcc: String,
}

/// The tools of this build and this machine.
pub fn tool_versions() -> ToolVersions {
    ToolVersions {
        llvm: opm_llvm::llvm_version(),
        cranelift: opm_cranelift::CRANELIFT_VERSION.to_string(),
        gcc: opm_gcc::Gcc::find().map_or_else(|_| "none".into(), |g| g.version()),
    }
}

/// The versions a signal records: opm's and LLVM's (every backend's reference build is
/// LLVM's).
pub fn signal_tools() -> opm_search::Tools {
    opm_search::Tools { opm: env!("CARGO_PKG_VERSION").to_string(), llvm: opm_llvm::llvm_version() }
}
