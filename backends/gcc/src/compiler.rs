//! The system's gcc, found through the `cc` crate at run time, run as a subprocess with
//! exactly the arguments this backend chooses (no default flags, no `CFLAGS`) and a time
//! limit.

use crate::error::GccError;
use opm_backend::process::Ending;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// Flags every compilation gets, whatever the pipeline: the emitted C relies on them
/// (`-fno-strict-aliasing`: memory is accessed through byte pointers of any type;
/// `-ffp-contract=off`: a multiply and an add stay two roundings, as in LLVM without
/// `contract`), and objects are linked into position-independent executables.
pub const FIXED_ARGS: &[&str] =
    &["-std=gnu11", "-fno-strict-aliasing", "-ffp-contract=off", "-fPIE"];

/// The system's C compiler for the host, as the `cc` crate finds it (honouring `CC`), with
/// none of its default flags: what the GCC backend checks is gcc, and what links programs.
/// Looked up once per process (the `cc` crate runs the compiler to learn its family).
pub fn system_c_compiler() -> Result<cc::Tool, String> {
    static FOUND: std::sync::OnceLock<Result<cc::Tool, String>> = std::sync::OnceLock::new();
    FOUND.get_or_init(look_up_c_compiler).clone()
}

fn look_up_c_compiler() -> Result<cc::Tool, String> {
    let host = target_lexicon::HOST.to_string();
    cc::Build::new()
        .target(&host)
        .host(&host)
        .opt_level(0)
        .cargo_metadata(false)
        .warnings(false)
        .try_get_compiler()
        .map_err(|e| e.to_string())
}

/// A gcc to compile with.
#[derive(Clone, Debug)]
pub struct Gcc {
    path: PathBuf,
}

impl Gcc {
    /// Finds gcc as the `cc` crate does for the host (honouring `CC`), taking none of its
    /// default flags, and checks that it is gcc and not another C compiler. Looked up once
    /// per process.
    pub fn find() -> Result<Gcc, GccError> {
        static FOUND: std::sync::OnceLock<Result<Gcc, String>> = std::sync::OnceLock::new();
        FOUND.get_or_init(Gcc::look_up).clone().map_err(GccError::NoCompiler)
    }

    /// The lookup behind [`Gcc::find`]; the error says why no gcc is usable.
    fn look_up() -> Result<Gcc, String> {
        let tool = system_c_compiler()?;
        if !tool.is_like_gnu() || tool.is_like_clang() {
            return Err(format!("{} is not gcc", tool.path().display()));
        }
        Ok(Gcc { path: tool.path().to_path_buf() })
    }

    /// The compiler's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// gcc's version (`12.2.0`), or `unknown` when it does not say.
    pub fn version(&self) -> String {
        Command::new(&self.path)
            .arg("-dumpfullversion")
            .stdin(Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| "unknown".into())
    }

    /// Compiles the C file `src` to the object `out` with `args` (a pipeline's flags) after
    /// [`FIXED_ARGS`], killing gcc after `limit`.
    pub fn compile(
        &self,
        src: &Path,
        out: &Path,
        args: &[String],
        limit: Duration,
    ) -> Result<(), GccError> {
        let mut cmd = Command::new(&self.path);
        cmd.args(FIXED_ARGS).args(args).arg("-c").arg(src).arg("-o").arg(out);
        let command = format!("{cmd:?}").replace('"', "");
        let ran = opm_backend::process::run_with_timeout(&mut cmd, None, limit)?;
        if ran.ending == Ending::TimedOut {
            return Err(GccError::Timeout { seconds: limit.as_secs() });
        }
        if !ran.success() {
            let mut log = String::from_utf8_lossy(&ran.stderr).into_owned();
            log.push_str(&String::from_utf8_lossy(&ran.stdout));
            return Err(GccError::Compile { command, log });
        }
        Ok(())
    }
}
