//! From a canonical module to an executable, through any backend: prepare, compile under a
//! pipeline, link with the system C compiler.

use crate::error::Error;
use crate::toolchain::{LinkArgs, Linker};
use opm_backend::{Backend, BackendKind, Pipeline};
use opm_ir::Module;
use std::path::Path;
use std::time::Duration;

/// How long a compiler that runs as a process (gcc) may take to compile one module.
pub const COMPILE_LIMIT: Duration = Duration::from_secs(300);

/// How to build an executable from a canonical module.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    pub backend: BackendKind,
    /// A pipeline in the backend's text form (LLVM: a pass pipeline; Cranelift: its
    /// settings; GCC: its options); `None` builds the module as it is, with the backend's
    /// defaults.
    pub pipeline: Option<String>,
    /// What the object is linked with (an executable's build only).
    pub link: LinkArgs,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions { backend: BackendKind::Llvm, pipeline: None, link: LinkArgs::default() }
    }
}

/// Compiles the verified `module` with `backend` under the pipeline `text` (checked by the
/// backend; `None`: the empty pipeline) to a relocatable object.
pub fn compile(
    backend: &dyn Backend,
    module: &Module,
    text: Option<&str>,
) -> Result<Vec<u8>, Error> {
    let pipeline = match text {
        Some(t) => backend.parse_pipeline(t)?,
        None => Pipeline::empty(backend.kind()),
    };
    Ok(backend.prepare(module)?.compile(&pipeline, COMPILE_LIMIT)?)
}

/// Compiles the verified `module` to an object and links it into the executable `out`.
pub fn build_executable(module: &Module, opts: &BuildOptions, out: &Path) -> Result<(), Error> {
    let backend = crate::backends::open(opts.backend)?;
    let object = compile(backend.as_ref(), module, opts.pipeline.as_deref())?;
    let dir = tempfile::Builder::new()
        .prefix("opm-build-")
        .tempdir()
        .map_err(|source| Error::io(std::env::temp_dir(), source))?;
    let obj_path = dir.path().join("module.o");
    std::fs::write(&obj_path, object).map_err(|source| Error::io(&obj_path, source))?;
    // Linked beside the object, then moved into place whole.
    let exe = dir.path().join("a.out");
    Linker::find()?.with_args(opts.link.clone()).link(&[&obj_path], &exe)?;
    crate::atomic::copy(&exe, out).map_err(|source| Error::io(out, source))
}

/// The C the GCC backend emits for the verified `module` (what `compile --emit-c` writes).
pub fn emit_c(module: &Module) -> Result<String, Error> {
    Ok(opm_gcc::emit::emit_module(module).map_err(opm_backend::Error::from)?)
}
