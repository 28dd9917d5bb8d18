//! What can go wrong in `cargo opm`, each with its exit status: 2 when the user's project,
//! arguments or machine are at fault, 1 when opm's answer does not hold (no valid candidate,
//! failing tests, a build that prints differently).

use std::fmt;
use std::path::PathBuf;

#[derive(Debug)]
pub enum Error {
    /// Arguments that cannot work together.
    Usage(String),
    /// Not a cargo project, no binary, several binaries without `--bin`, a manifest cargo
    /// cannot read.
    Project(String),
    /// Cargo could not build the crate (its own messages are printed above ours).
    Build(String),
    /// A tool that is missing or unusable: cargo, rustc (or its LLVM), the linker.
    Tool(String),
    /// Reading or writing one of opm's files.
    Io { path: PathBuf, source: std::io::Error },
    /// An error of the engine (loading the module, the search, a backend, linking).
    Engine(opm_engine::Error),
    /// The answer does not hold: no valid candidate, failing tests, different output.
    Failed(String),
}

impl Error {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io { path: path.into(), source }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) | Error::Project(_) | Error::Build(_) | Error::Tool(_) => 2,
            Error::Io { .. } => 2,
            Error::Engine(e) => e.exit_code(),
            Error::Failed(_) => 1,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(m) | Error::Project(m) | Error::Build(m) | Error::Tool(m) => {
                f.write_str(m)
            }
            Error::Failed(m) => f.write_str(m),
            Error::Io { path, source } => write!(f, "{}: {source}", path.display()),
            Error::Engine(e) => write!(f, "{e}"),
        }
    }
}

impl From<opm_engine::Error> for Error {
    fn from(e: opm_engine::Error) -> Error {
        Error::Engine(e)
    }
}

impl From<opm_engine::toolchain::ToolchainError> for Error {
    fn from(e: opm_engine::toolchain::ToolchainError) -> Error {
        Error::Engine(e.into())
    }
}
