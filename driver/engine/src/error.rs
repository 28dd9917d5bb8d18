//! What can go wrong between an input file and a measured search, and the exit status each
//! error means.

use crate::toolchain::ToolchainError;
use opm_llvm::LlvmError;
use opm_verifier::Violation;
use std::path::{Path, PathBuf};

/// An error of the engine: loading, building, searching.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Reading the input into the canonical IR (LLVM's parser and verifier, the import).
    #[error(transparent)]
    Load(#[from] LlvmError),
    /// A backend's error (an unsupported construct, a pipeline it refuses, a missing tool,
    /// a failed compilation).
    #[error(transparent)]
    Backend(#[from] opm_backend::Error),
    /// The canonical IR breaks invariants.
    #[error("{} invariant violation(s):\n{}", .0.len(), render(.0))]
    Invalid(Vec<Violation>),
    /// Finding the linker or linking.
    #[error(transparent)]
    Toolchain(#[from] ToolchainError),
    /// Reading or writing files.
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    /// Arguments that cannot work together.
    #[error("{0}")]
    Usage(String),
    /// A compiler worker could not be started.
    #[error("cannot start the compiler worker: {0}")]
    Worker(String),
    /// The input module without passes does not build.
    #[error("the input module without passes fails to build: {0}")]
    Reference(String),
    /// The reference build cannot be run, or not so that outputs can be compared.
    #[error("the program built without passes {0}")]
    ReferenceRun(String),
    /// A program just built could not be started: the machine's fault (see
    /// [`Error::cannot_run`]).
    #[error("{0}")]
    CannotRun(String),
}

/// How [`Error::cannot_run`] says it. A permission refused to a file the linker made
/// executable most often means that its directory is on a file system mounted `noexec` (a
/// temporary directory, as on many hardened systems): the text says what to do.
pub(crate) fn cannot_run_text(exe: &Path, e: &std::io::Error) -> String {
    let mut text = format!("cannot run {}: {e}", exe.display());
    if e.kind() == std::io::ErrorKind::PermissionDenied {
        let temp = std::env::temp_dir();
        let place = if exe.starts_with(&temp) {
            format!("the temporary directory {} may be", temp.display())
        } else {
            "its directory may be".to_string()
        };
        text.push_str(&format!(
            "; {place} on a file system mounted `noexec`: set TMPDIR to a directory where \
             programs may run"
        ));
    }
    text
}

fn render(violations: &[Violation]) -> String {
    violations.iter().map(|v| format!("  {v}")).collect::<Vec<_>>().join("\n")
}

impl Error {
    /// An error of reading or writing `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io { path: path.into(), source }
    }

    /// The program `exe`, just built, could not be started (`e`).
    pub fn cannot_run(exe: &Path, e: &std::io::Error) -> Error {
        Error::CannotRun(cannot_run_text(exe, e))
    }

    /// The process exit status for this error: 2 when the user's input, arguments or machine
    /// are at fault (a malformed or unsupported module, a refused pipeline, a missing or
    /// unusable tool, a file that cannot be read), 1 otherwise (invalid IR, a failed build, a
    /// program that cannot be checked).
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Load(e) if e.is_input_error() => 2,
            Error::Backend(e) if e.kind().is_users() => 2,
            Error::Toolchain(ToolchainError::NoCompiler(_)) => 2,
            Error::Io { .. } | Error::Usage(_) | Error::CannotRun(_) => 2,
            _ => 1,
        }
    }

    /// Whether the message already starts with `file:line:col:` (a parse error), so that it is
    /// printed as it is.
    pub fn is_located(&self) -> bool {
        matches!(self, Error::Load(LlvmError::Parse { .. }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_program_refused_to_run_in_the_temporary_directory_says_what_to_do() {
        let exe = std::env::temp_dir().join("opm-optimize-x").join("reference");
        let refused = Error::cannot_run(&exe, &std::io::Error::from_raw_os_error(libc::EACCES));
        assert_eq!(refused.exit_code(), 2);
        let text = refused.to_string();
        assert!(text.starts_with(&format!("cannot run {}: ", exe.display())), "{text}");
        assert!(text.contains("mounted `noexec`: set TMPDIR"), "{text}");
        let gone = Error::cannot_run(&exe, &std::io::Error::from_raw_os_error(libc::ENOENT));
        assert_eq!(gone.exit_code(), 2);
        assert!(!gone.to_string().contains("noexec"), "{gone}");
    }
}
