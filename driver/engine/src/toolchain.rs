//! The system C compiler, found through the `cc` crate, used as linker.

use std::path::{Path, PathBuf};

/// Libraries every program is linked with (libm for the math functions C programs use).
pub const DEFAULT_LIBS: &[&str] = &["m"];

/// How long linking one program may take.
const LINK_LIMIT: std::time::Duration = std::time::Duration::from_secs(300);

/// Errors finding or running the toolchain.
#[derive(Debug, thiserror::Error)]
pub enum ToolchainError {
    /// No C compiler was found. The environment is at fault.
    #[error("no C compiler found to link with ({0}); install gcc (apt-get install gcc) or set CC")]
    NoCompiler(String),
    /// The linker could not be started.
    #[error("cannot run the linker {}: {source}", path.display())]
    Spawn { path: PathBuf, source: std::io::Error },
    /// Linking failed (an undefined symbol, most often) or ran out of time.
    #[error("linking failed:\n{0}")]
    Link(String),
}

/// The C compiler driver used to link objects into executables.
#[derive(Clone, Debug)]
pub struct Linker {
    path: PathBuf,
}

impl Linker {
    /// Finds the system C compiler as the `cc` crate does for the host (honouring `CC`),
    /// without taking any of its default flags or `CFLAGS`: we pass exactly the arguments we
    /// want.
    pub fn find() -> Result<Linker, ToolchainError> {
        let tool = opm_gcc::compiler::system_c_compiler().map_err(ToolchainError::NoCompiler)?;
        Ok(Linker { path: tool.path().to_path_buf() })
    }

    /// The compiler's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Links `objects` into the executable `out`, with `-l` for each of `libs`.
    pub fn link(&self, objects: &[&Path], out: &Path, libs: &[&str]) -> Result<(), ToolchainError> {
        let mut cmd = std::process::Command::new(&self.path);
        cmd.args(objects).arg("-o").arg(out);
        cmd.args(libs.iter().map(|l| format!("-l{l}")));
        let ran = opm_backend::process::run_with_timeout(&mut cmd, None, LINK_LIMIT)
            .map_err(|source| ToolchainError::Spawn { path: self.path.clone(), source })?;
        if !ran.success() {
            let mut text = String::from_utf8_lossy(&ran.stderr).into_owned();
            text.push_str(&String::from_utf8_lossy(&ran.stdout));
            if ran.shell_code().is_none() {
                text.push_str("(the linker ran out of time)");
            }
            return Err(ToolchainError::Link(text.trim_end().to_string()));
        }
        Ok(())
    }
}
