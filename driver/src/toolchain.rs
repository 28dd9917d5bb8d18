//! The system C compiler, found through the `cc` crate, used as linker; and running the
//! programs we build.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};

/// Libraries every program is linked with (libm for the math functions C programs use).
pub const DEFAULT_LIBS: &[&str] = &["m"];

/// Errors finding or running the toolchain.
#[derive(Debug, thiserror::Error)]
pub enum ToolchainError {
    /// No C compiler was found. The environment is at fault.
    #[error("no C compiler found to link with ({0}); install gcc (apt-get install gcc) or set CC")]
    NoCompiler(String),
    /// The linker could not be started.
    #[error("cannot run the linker {}: {source}", path.display())]
    Spawn { path: PathBuf, source: std::io::Error },
    /// Linking failed (an undefined symbol, most often).
    #[error("linking failed:\n{0}")]
    Link(String),
}

/// The C compiler driver used to link objects into executables.
#[derive(Clone, Debug)]
pub struct Linker {
    path: PathBuf,
}

impl Linker {
    /// Finds the system C compiler as the `cc` crate does (honouring `CC`), without taking
    /// any of its default flags or `CFLAGS`: we pass exactly the arguments we want.
    pub fn find() -> Result<Linker, ToolchainError> {
        let host = env!("OPM_HOST_TARGET");
        let tool = cc::Build::new()
            .target(host)
            .host(host)
            .opt_level(0)
            .cargo_metadata(false)
            .warnings(false)
            .try_get_compiler()
            .map_err(|e| ToolchainError::NoCompiler(e.to_string()))?;
        Ok(Linker { path: tool.path().to_path_buf() })
    }

    /// The compiler's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Links `objects` into the executable `out`, with `-l` for each of `libs`.
    pub fn link(&self, objects: &[&Path], out: &Path, libs: &[&str]) -> Result<(), ToolchainError> {
        let mut cmd = Command::new(&self.path);
        cmd.args(objects).arg("-o").arg(out);
        cmd.args(libs.iter().map(|l| format!("-l{l}")));
        let output = cmd
            .output()
            .map_err(|source| ToolchainError::Spawn { path: self.path.clone(), source })?;
        if !output.status.success() {
            let mut text = String::from_utf8_lossy(&output.stderr).into_owned();
            text.push_str(&String::from_utf8_lossy(&output.stdout));
            return Err(ToolchainError::Link(text.trim_end().to_string()));
        }
        Ok(())
    }
}

/// The exit code a shell would report for `status`: the program's own code, or 128 + the
/// signal number when a signal ended it.
pub fn shell_exit_code(status: ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => code,
        (None, Some(sig)) => 128 + sig,
        (None, None) => 1,
    }
}
