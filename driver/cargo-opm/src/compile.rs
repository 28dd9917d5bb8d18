//! Building a module with a pipeline exactly as the engine measured it: in a worker process
//! (this executable's hidden `worker`), from the module's own IR (metadata kept), LLVM's
//! pipeline applied one step at a time with the verifier and opm's checks after each, then
//! code generation; another backend compiles the module's canonical IR with its settings or
//! flags. The object is linked with rustc's link line. The result's identity (the IR's hash,
//! the object's SHA-256) is the one the search recorded, so `build` can say whether what it
//! built is what was measured.
//!
//! Before any of that, [`prepare`] turns rustc's fat-LTO module into the module opm searches:
//! the same module without its unreachable code (`globaldce`).

use crate::error::Error;
use crate::store::Plan;
use opm_backend::{BackendKind, Pipeline};
use opm_engine::optimize::all::MID_END_FILE;
use opm_engine::toolchain::{LinkArgs, Linker};
use opm_engine::worker::{Reply, Request, Worker};
use opm_search::{Identity, IrHash, ObjectDigest};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long one request to the worker may take: a whole program's passes and code
/// generation.
const LIMIT: Duration = Duration::from_secs(3 * 3600);

/// What rustc's fat-LTO module goes through before it is searched: the removal of what
/// nothing reaches. Fat LTO merges every crate's code whole — a hello world's module has
/// about 2400 functions of std, 650 of them reachable — and the pass pipelines of LTO start
/// with this pass too. Every candidate, and every build, starts from the result.
pub const PREPARE: &str = "globaldce";

/// What one build with a pipeline gave.
#[derive(Clone, Debug)]
pub struct Compiled {
    pub identity: Identity,
    /// `.text` bytes of the object.
    pub text_bytes: u64,
    /// Passes, code generation and linking.
    pub elapsed: Duration,
}

/// A worker with one module loaded, building it with any number of pipelines.
pub struct ModuleBuilder {
    worker: Worker,
    backend: BackendKind,
    /// The LLVM pipeline the loaded module went through first (a cross plan).
    mid_end: Option<String>,
    scratch: tempfile::TempDir,
    /// How long loading took (the module read, imported and checked).
    pub load_time: Duration,
}

/// The worker executable: this one (`cargo-opm worker`).
pub fn worker_exe() -> Result<PathBuf, Error> {
    std::env::current_exe()
        .map_err(|e| Error::Tool(format!("cannot find cargo-opm's own executable: {e}")))
}

fn failed(what: &str, e: opm_engine::worker::WorkerFailure) -> Error {
    let r = e.rejection();
    Error::Failed(format!("{what}: {} ({})", r.detail, r.verdict.name()))
}

fn unexpected(what: &str, reply: Reply) -> Error {
    match reply {
        Reply::Failed { message } => Error::Failed(format!("{what}: {message}")),
        other => Error::Failed(format!("{what}: unexpected reply {other:?}")),
    }
}

/// Writes the module opm searches to `out` (LLVM text, metadata kept): rustc's module `raw`
/// after [`PREPARE`], applied and checked as any step of a candidate is. Returns its
/// instruction count.
pub fn prepare(raw: &Path, out: &Path) -> Result<u64, Error> {
    let mut b = ModuleBuilder::load(raw, BackendKind::Llvm)?;
    let instcount = b.optimize(PREPARE)?;
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    b.write_ir(out)?;
    Ok(instcount)
}

impl ModuleBuilder {
    /// Starts a worker and loads `module` (`.bc` or `.ll`) into it, as the engine does for a
    /// search of `module`: the same bitcode, the same module name.
    pub fn load(module: &Path, backend: BackendKind) -> Result<ModuleBuilder, Error> {
        let start = Instant::now();
        let scratch = tempfile::Builder::new()
            .prefix("cargo-opm-")
            .tempdir()
            .map_err(|e| Error::io(std::env::temp_dir(), e))?;
        let bitcode = scratch.path().join("input.bc");
        let bytes = opm_engine::input::input_bitcode(module, false)?;
        std::fs::write(&bitcode, bytes).map_err(|e| Error::io(&bitcode, e))?;
        let mut worker =
            Worker::spawn(&worker_exe()?, None).map_err(|e| failed("cannot start a worker", e))?;
        let name = opm_engine::input::worker_module_name(&module.display().to_string());
        let what = format!("loading {}", module.display());
        let load = Request::Load { bitcode, name, backend, verify_each_pass: false };
        match worker.request(&load, LIMIT) {
            Ok(Reply::Loaded { .. }) => {}
            Ok(other) => return Err(unexpected(&what, other)),
            Err(e) => return Err(failed(&what, e)),
        }
        Ok(ModuleBuilder { worker, backend, mid_end: None, scratch, load_time: start.elapsed() })
    }

    /// Loads `module` for `plan`'s backend, after the plan's LLVM pipeline for a cross plan
    /// of `--backend all`: that pipeline applied and checked as any candidate's, its module
    /// written as LLVM text under the name the engine's cross search gave it
    /// ([`MID_END_FILE`]), then loaded as the cross search loaded it. Only `plan`'s backend
    /// and mid-end matter: the builder builds any of that backend's pipelines.
    pub fn load_plan(module: &Path, plan: &Plan) -> Result<ModuleBuilder, Error> {
        let Some(mid_end) = &plan.mid_end else { return ModuleBuilder::load(module, plan.backend) };
        let start = Instant::now();
        let mut llvm = ModuleBuilder::load(module, BackendKind::Llvm)?;
        llvm.optimize(mid_end)?;
        let written = llvm.scratch.path().join(MID_END_FILE);
        llvm.write_ir(&written)?;
        let mut builder = ModuleBuilder::load(&written, plan.backend)?;
        builder.mid_end = Some(mid_end.clone());
        builder.load_time = start.elapsed();
        Ok(builder)
    }

    /// Whether this builder builds `plan`'s pipelines (its backend, after its mid-end).
    pub fn builds(&self, plan: &Plan) -> bool {
        self.backend == plan.backend && self.mid_end == plan.mid_end
    }

    /// Writes the module as the last request left it to `path` (LLVM text).
    fn write_ir(&mut self, path: &Path) -> Result<(), Error> {
        let write = Request::WriteIr { path: path.to_path_buf() };
        match self.worker.request(&write, LIMIT).map_err(|e| failed("writing the module", e))? {
            Reply::Written => Ok(()),
            other => Err(unexpected("writing the module", other)),
        }
    }

    /// Applies the LLVM pipeline `text` to a fresh copy of the loaded module, checked after
    /// each step. Returns the result's instruction count.
    fn optimize(&mut self, text: &str) -> Result<u64, Error> {
        self.optimize_steps(text).map(|(instcount, _)| instcount)
    }

    /// [`ModuleBuilder::optimize`], also returning the result's identity.
    fn optimize_steps(&mut self, text: &str) -> Result<(u64, Option<Identity>), Error> {
        let what = format!("`{text}` (llvm)");
        let parsed = Pipeline::read(BackendKind::Llvm, text)
            .map_err(|e| Error::Usage(format!("the pipeline `{text}` does not read: {e}")))?;
        let steps = Request::Optimize { steps: parsed.steps() };
        match self.worker.request(&steps, LIMIT).map_err(|e| failed(&what, e))? {
            Reply::Optimized { rejected: Some(r), .. } => Err(Error::Failed(format!(
                "{what} is rejected on this module: {} ({})",
                r.detail,
                r.verdict.name()
            ))),
            Reply::Optimized { instcount, ir_hash, .. } => {
                Ok((instcount.unwrap_or(0), ir_hash.map(|h| Identity::Ir(IrHash(h)))))
            }
            other => Err(unexpected(&what, other)),
        }
    }

    /// Compiles the module with `pipeline` (its backend's text) and links the object with
    /// `link` into `out`.
    pub fn build(
        &mut self,
        pipeline: &str,
        link: &LinkArgs,
        out: &Path,
    ) -> Result<Compiled, Error> {
        let start = Instant::now();
        let object = self.scratch.path().join("module.o");
        let what = format!("`{pipeline}` ({})", self.backend);
        let mut identity = None;
        let compiled = if self.backend.transforms_ir() {
            identity = self.optimize_steps(pipeline)?.1;
            let codegen = Request::Codegen { object: object.clone() };
            self.worker.request(&codegen, LIMIT).map_err(|e| failed(&what, e))?
        } else {
            let parsed = Pipeline::read(self.backend, pipeline).map_err(|e| {
                Error::Usage(format!("the stored pipeline `{pipeline}` does not read: {e}"))
            })?;
            let limit_ms = LIMIT.as_millis() as u64;
            let request =
                Request::Compile { pipeline: parsed.text(), object: object.clone(), limit_ms };
            self.worker.request(&request, LIMIT).map_err(|e| failed(&what, e))?
        };
        let text_bytes = match compiled {
            Reply::Compiled { text_bytes, .. } => text_bytes,
            Reply::Rejected(r) => {
                return Err(Error::Failed(format!(
                    "{what} is rejected on this module: {} ({})",
                    r.detail,
                    r.verdict.name()
                )));
            }
            other => return Err(unexpected(&what, other)),
        };
        let identity = match identity {
            Some(id) => id,
            None => {
                let bytes = std::fs::read(&object).map_err(|e| Error::io(&object, e))?;
                Identity::Object(ObjectDigest::of(&bytes))
            }
        };
        if let Some(dir) = out.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let _ = std::fs::remove_file(out);
        Linker::find()?.with_args(link.clone()).link(&[&object], out)?;
        Ok(Compiled { identity, text_bytes, elapsed: start.elapsed() })
    }
}
