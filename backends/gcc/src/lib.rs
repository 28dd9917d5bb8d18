//! The GCC backend: emits the canonical IR as C11 with GNU extensions ([`emit`]), compiles it
//! with the system's gcc under a pipeline of GCC's optimization flags ([`flags`]) and returns
//! the object ([`compiler`]).

pub mod backend;
pub mod compiler;
pub mod emit;
pub mod error;
pub mod flags;

pub use backend::GccBackend;
pub use compiler::Gcc;
pub use error::GccError;

use opm_ir::Module;
use std::sync::Mutex;
use std::time::Duration;

/// Emits `module` as C and compiles it with `gcc` and the arguments `args` (a pipeline's
/// flags; [`compiler::FIXED_ARGS`] come first), killing gcc after `limit`. Returns the
/// relocatable object.
pub fn compile_to_object(
    gcc: &Gcc,
    module: &Module,
    args: &[String],
    limit: Duration,
) -> Result<Vec<u8>, GccError> {
    compile_c_to_object(gcc, &emit::emit_module(module)?, args, limit)
}

/// Compiles the C `c` ([`emit::emit_module`]'s) with `gcc` and `args` as
/// [`compile_to_object`] does: for compiling one module's C with many pipelines.
pub fn compile_c_to_object(
    gcc: &Gcc,
    c: &str,
    args: &[String],
    limit: Duration,
) -> Result<Vec<u8>, GccError> {
    let dir = tempfile::tempdir()?;
    let src = dir.path().join("module.c");
    let obj = dir.path().join("module.o");
    std::fs::write(&src, c)?;
    gcc.compile(&src, &obj, args, limit)?;
    Ok(std::fs::read(&obj)?)
}

/// The flag catalog of `gcc`, read once per process (gcc is run a dozen times to read it).
pub fn catalog(gcc: &Gcc) -> Result<&'static flags::Catalog, GccError> {
    static CATALOGS: Mutex<Vec<(std::path::PathBuf, &'static flags::Catalog)>> =
        Mutex::new(Vec::new());
    let mut catalogs = CATALOGS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((_, c)) = catalogs.iter().find(|(path, _)| path == gcc.path()) {
        return Ok(c);
    }
    let c: &'static flags::Catalog = Box::leak(Box::new(flags::Catalog::read(gcc.path())?));
    catalogs.push((gcc.path().to_path_buf(), c));
    Ok(c)
}
