//! The evaluation engine: candidates run in parallel (rayon, `jobs` threads), each through a
//! persistent worker process checked out of a pool. A candidate's IR hash decides whether
//! its object and run times were measured already. Runtime measurements take an exclusive
//! lock, compilation a shared one: runs never overlap each other or compilation.

use crate::model::{
    Budget, LocalProblem, Metrics, Objective, Origin, PerformanceSignal, RunOutput, RuntimeStats,
    Tools, Verdict,
};
use crate::pipeline::Pipeline;
use crate::toolchain::{DEFAULT_LIBS, Linker};
use crate::worker::{Reply, Request, Worker, WorkerFailure};
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};

/// How the engine evaluates candidates.
#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// The `opm-driver` executable, started as `opm-driver worker`.
    pub worker_exe: PathBuf,
    /// Candidates evaluated at once.
    pub jobs: usize,
    /// Timed runs per candidate after one warm-up run (runtime objective).
    pub runs: usize,
}

/// A candidate to evaluate.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub pipeline: Pipeline,
    pub origin: Origin,
}

/// What the reference build printed, in full.
struct Reference {
    output: RunOutput,
    stdout: Vec<u8>,
    elapsed: Duration,
}

/// What is measured once per distinct IR.
#[derive(Clone)]
struct Measured {
    text_bytes: u64,
    codegen_ms: f64,
    /// Timed runs (runtime objective).
    runtime: Option<Result<RuntimeStats, (Verdict, String)>>,
    /// One run compared with the reference (other objectives, would-be winners only).
    checked: Option<Result<(), (Verdict, String)>>,
}

/// Errors setting up the engine (not verdicts: those belong to candidates).
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("cannot start the compiler worker: {0}")]
    Worker(String),
    #[error("the input module without passes fails to build: {0}")]
    Reference(String),
    #[error("the program built without passes {0}")]
    ReferenceRun(String),
    #[error(transparent)]
    Toolchain(#[from] crate::toolchain::ToolchainError),
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
}

/// Appends signals to a JSON-lines file, each flushed before the call returns.
pub struct SignalSink {
    file: Option<Mutex<std::fs::File>>,
}

impl SignalSink {
    /// Appends to `path` (created if missing); `None` keeps signals in memory only.
    pub fn open(path: Option<&Path>) -> std::io::Result<SignalSink> {
        let file = match path {
            Some(p) => {
                Some(Mutex::new(std::fs::OpenOptions::new().create(true).append(true).open(p)?))
            }
            None => None,
        };
        Ok(SignalSink { file })
    }

    /// Writes one signal as one line.
    pub fn write(&self, signal: &PerformanceSignal) -> std::io::Result<()> {
        let Some(file) = &self.file else { return Ok(()) };
        let mut line = serde_json::to_string(signal).expect("signals serialise");
        line.push('\n');
        let mut f = file.lock().expect("signals file");
        f.write_all(line.as_bytes())?;
        f.flush()
    }
}

/// Evaluates candidates for one problem.
pub struct Engine {
    config: EngineConfig,
    problem: LocalProblem,
    dir: tempfile::TempDir,
    bitcode: PathBuf,
    /// The module's name, which workers give their copies.
    name: String,
    pool: rayon::ThreadPool,
    idle: Mutex<Vec<Worker>>,
    measured: Mutex<HashMap<String, Measured>>,
    run_lock: RwLock<()>,
    reference: Option<Reference>,
    linker: Option<Linker>,
    /// `.text` bytes of the O2 baseline, for the code-growth limit.
    growth_base: Mutex<Option<u64>>,
    /// A candidate's compilation time limit, in milliseconds (see [`Engine::set_compile_limit`]).
    compile_limit_ms: AtomicU64,
    next_object: AtomicU64,
    tools: Tools,
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

impl Engine {
    /// Sets up the workers for `module` and, when the module has a `main`, builds and runs the
    /// reference (the module without passes) to learn its output.
    pub fn new(
        config: EngineConfig,
        mut problem: LocalProblem,
        module: &opm_ir::Module,
    ) -> Result<Engine, EngineError> {
        let dir = tempfile::Builder::new()
            .prefix("opm-optimize-")
            .tempdir()
            .map_err(|source| EngineError::Io { path: std::env::temp_dir(), source })?;
        let bitcode = dir.path().join("input.bc");
        {
            let ctx = opm_llvm::inkwell::context::Context::create();
            let llvm = opm_llvm::export_module(&ctx, module)
                .map_err(|e| EngineError::Reference(e.to_string()))?;
            let bytes = llvm.write_bitcode_to_memory();
            std::fs::write(&bitcode, bytes.as_slice())
                .map_err(|source| EngineError::Io { path: bitcode.clone(), source })?;
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(config.jobs.max(1))
            .thread_name(|i| format!("opm-eval-{i}"))
            .build()
            .map_err(|e| EngineError::Worker(e.to_string()))?;
        let has_main = module.definitions().any(|f| f.name == "main");
        let linker = if has_main { Some(Linker::find()?) } else { None };
        let mut engine = Engine {
            config,
            problem: problem.clone(),
            dir,
            bitcode,
            name: module.name.clone(),
            pool,
            idle: Mutex::new(Vec::new()),
            measured: Mutex::new(HashMap::new()),
            run_lock: RwLock::new(()),
            reference: None,
            linker,
            growth_base: Mutex::new(None),
            compile_limit_ms: AtomicU64::new(problem.budget.compile_timeout.as_millis() as u64),
            next_object: AtomicU64::new(0),
            tools: Tools::current(),
        };
        if has_main {
            let reference = engine.build_reference()?;
            problem.reference = Some(reference.output.clone());
            engine.reference = Some(reference);
        } else if problem.objective == Objective::Runtime {
            return Err(EngineError::Reference(
                "the runtime objective needs a program with a `main` function".into(),
            ));
        }
        engine.problem = problem;
        Ok(engine)
    }

    /// The problem, with the reference output filled in.
    pub fn problem(&self) -> &LocalProblem {
        &self.problem
    }

    fn budget(&self) -> &Budget {
        &self.problem.budget
    }

    fn checkout(&self) -> Result<Worker, WorkerFailure> {
        if let Some(w) = self.idle.lock().expect("worker pool").pop() {
            return Ok(w);
        }
        let mut w = Worker::spawn(&self.config.worker_exe, self.budget().memory_limit_mib)?;
        let load = Request::Load { bitcode: self.bitcode.clone(), name: self.name.clone() };
        match w.request(&load, Duration::from_secs(120))? {
            Reply::Loaded { .. } => Ok(w),
            Reply::Failed { message } => Err(WorkerFailure::Io(message)),
            other => Err(WorkerFailure::Io(format!("unexpected reply {other:?}"))),
        }
    }

    fn checkin(&self, worker: Worker) {
        self.idle.lock().expect("worker pool").push(worker);
    }

    fn build_reference(&self) -> Result<Reference, EngineError> {
        let mut worker = self.checkout().map_err(|f| EngineError::Reference(failure_text(&f)))?;
        let object = self.dir.path().join("reference.o");
        let limit = self.compile_limit();
        let steps = Request::Optimize { steps: Vec::new() };
        for request in [steps, Request::Codegen { object: object.clone() }] {
            match worker.request(&request, limit) {
                Ok(Reply::Optimized { rejected: None, .. } | Reply::Compiled { .. }) => {}
                Ok(other) => return Err(EngineError::Reference(format!("{other:?}"))),
                Err(f) => return Err(EngineError::Reference(failure_text(&f))),
            }
        }
        self.checkin(worker);
        let exe = self.dir.path().join("reference");
        self.linker.as_ref().expect("a program has a linker").link(
            &[&object],
            &exe,
            DEFAULT_LIBS,
        )?;
        let limit = self.budget().run_timeout.unwrap_or(Duration::from_secs(120));
        let out = self.dir.path().join("reference.out");
        match run_once(&exe, &self.problem.run_args, &out, limit) {
            Ok(RunResult { code, elapsed, stdout }) => Ok(Reference {
                output: RunOutput {
                    stdout_sha256: sha256_hex(&stdout),
                    stdout_bytes: stdout.len() as u64,
                    exit_code: code,
                },
                stdout,
                elapsed,
            }),
            Err(RunError::Timeout) => Err(EngineError::ReferenceRun(format!(
                "did not finish within {:.0} s",
                limit.as_secs_f64()
            ))),
            Err(RunError::Io(e)) => Err(EngineError::ReferenceRun(format!("cannot run: {e}"))),
        }
    }

    /// Lowers or raises the time limit of one candidate's compilation from now on.
    pub fn set_compile_limit(&self, limit: Duration) {
        self.compile_limit_ms.store(limit.as_millis() as u64, Ordering::Relaxed);
    }

    fn compile_limit(&self) -> Duration {
        Duration::from_millis(self.compile_limit_ms.load(Ordering::Relaxed))
    }

    /// Sets the baseline of the code-growth limit.
    pub fn set_growth_base(&self, text_bytes: u64) {
        *self.growth_base.lock().expect("growth base") = Some(text_bytes);
    }

    /// Evaluates `candidates` in parallel, numbering them from `first_eval`; each signal is
    /// handed to `sink` as soon as it is complete. Returns the signals in candidate order.
    /// A candidate that scores below `beat` (the best so far) is run once and its output
    /// compared with the reference's before it is reported valid: a miscompile never
    /// becomes the best.
    pub fn evaluate_all(
        &self,
        candidates: &[Candidate],
        first_eval: u64,
        beat: Option<f64>,
        sink: &(dyn Fn(&PerformanceSignal) + Sync),
    ) -> Vec<PerformanceSignal> {
        self.pool.install(|| {
            candidates
                .par_iter()
                .enumerate()
                .with_max_len(1)
                .map(|(i, c)| {
                    let signal = self.evaluate(c, first_eval + i as u64, beat);
                    sink(&signal);
                    signal
                })
                .collect()
        })
    }

    /// Evaluates one candidate (see [`Engine::evaluate_all`] for `beat`).
    pub fn evaluate(
        &self,
        candidate: &Candidate,
        eval: u64,
        beat: Option<f64>,
    ) -> PerformanceSignal {
        let started_ms = now_ms();
        let mut metrics = Metrics::default();
        let mut ir_hash = None;
        let (verdict, detail) = match self.measure(candidate, beat, &mut metrics, &mut ir_hash) {
            Ok(()) => (Verdict::Ok, None),
            Err((v, d)) => (v, Some(d)),
        };
        PerformanceSignal {
            problem: self.problem.id(),
            backend: self.problem.backend.clone(),
            pipeline: candidate.pipeline.clone(),
            origin: candidate.origin,
            objective: self.problem.objective,
            verdict,
            detail,
            metrics,
            ir_hash,
            eval,
            started_ms,
            finished_ms: now_ms(),
            tools: self.tools.clone(),
        }
    }

    fn measure(
        &self,
        candidate: &Candidate,
        beat: Option<f64>,
        metrics: &mut Metrics,
        ir_hash: &mut Option<String>,
    ) -> Result<(), (Verdict, String)> {
        let limit = self.compile_limit();
        let deadline = Instant::now() + limit;
        let remaining =
            || deadline.saturating_duration_since(Instant::now()).max(Duration::from_secs(1));
        let compiling = self.run_lock.read().expect("run lock");
        let mut worker = self.checkout().map_err(verdict_of)?;
        let steps = Request::Optimize { steps: candidate.pipeline.steps() };
        let reply = worker.request(&steps, limit).map_err(verdict_of)?;
        let Reply::Optimized { pass_ms, check_ms, instcount, ir_hash: hash, rejected } = reply
        else {
            return Err(unexpected(reply));
        };
        metrics.pass_ms = Some(pass_ms);
        metrics.check_ms = Some(check_ms);
        if let Some(r) = rejected {
            self.checkin(worker);
            return Err((r.verdict, r.detail));
        }
        metrics.instcount = instcount;
        let hash = hash.unwrap_or_default();
        *ir_hash = Some(hash.clone());

        let object = self
            .dir
            .path()
            .join(format!("candidate-{}.o", self.next_object.fetch_add(1, Ordering::Relaxed)));
        let mut have_object = false;
        let known = self.measured.lock().expect("measured").get(&hash).cloned();
        let mut measured = match known {
            Some(m) => m,
            None => {
                let request = Request::Codegen { object: object.clone() };
                let reply = worker.request(&request, remaining()).map_err(verdict_of)?;
                let Reply::Compiled { text_bytes, codegen_ms } = reply else {
                    return Err(unexpected(reply));
                };
                have_object = true;
                Measured { text_bytes, codegen_ms, runtime: None, checked: None }
            }
        };
        metrics.text_bytes = Some(measured.text_bytes);
        metrics.codegen_ms = Some(measured.codegen_ms);

        // What needs the program: timed runs for the runtime objective; otherwise one
        // checked run of a candidate that would become the new best.
        let runtime = self.problem.objective == Objective::Runtime && measured.runtime.is_none();
        let would_win = self.reference.is_some()
            && self.problem.objective != Objective::Runtime
            && measured.checked.is_none()
            && beat.is_some_and(|b| self.problem.objective.score(metrics).is_some_and(|v| v < b));
        if runtime || would_win {
            if !have_object {
                let request = Request::Codegen { object: object.clone() };
                worker.request(&request, remaining()).map_err(verdict_of)?;
            }
            self.checkin(worker);
            let exe = object.with_extension("exe");
            let linker = self.linker.as_ref().expect("a program has a linker");
            let linked = linker.link(&[&object], &exe, DEFAULT_LIBS);
            drop(compiling);
            let linked = linked.map_err(|e| (Verdict::Crash, format!("linking failed: {e}")));
            if runtime {
                measured.runtime = Some(linked.clone().and_then(|()| self.time_runs(&exe)));
            } else {
                measured.checked = Some(linked.clone().and_then(|()| self.check_run(&exe)));
            }
            let _ = std::fs::remove_file(&exe);
        } else {
            self.checkin(worker);
            drop(compiling);
        }
        let _ = std::fs::remove_file(&object);
        self.measured.lock().expect("measured").insert(hash, measured.clone());

        if let Some(runtime) = measured.runtime {
            metrics.runtime = Some(runtime?);
        }
        if let Some(checked) = measured.checked {
            checked?;
        }
        let base = *self.growth_base.lock().expect("growth base");
        if let (Some(limit), Some(base)) = (self.budget().max_code_growth, base)
            && measured.text_bytes as f64 > limit * base as f64
        {
            return Err((
                Verdict::OverBudget,
                format!(
                    ".text is {} bytes, more than {limit}× the O2 baseline's {base}",
                    measured.text_bytes
                ),
            ));
        }
        Ok(())
    }

    /// One run, alone on the machine, compared with the reference's output.
    fn check_run(&self, exe: &Path) -> Result<(), (Verdict, String)> {
        let reference = self.reference.as_ref().expect("checks need a reference");
        let limit = self.run_limit();
        let _alone = self.run_lock.write().expect("run lock");
        let out = exe.with_extension("out");
        let result = run_once(exe, &self.problem.run_args, &out, limit);
        let _ = std::fs::remove_file(&out);
        match result {
            Ok(r) if r.stdout == reference.stdout && r.code == reference.output.exit_code => Ok(()),
            Ok(r) => Err((Verdict::Miscompile, mismatch(reference, &r))),
            Err(RunError::Timeout) => Err((Verdict::Timeout, self.timeout_text(limit))),
            Err(RunError::Io(e)) => Err((Verdict::Crash, format!("cannot run: {e}"))),
        }
    }

    fn timeout_text(&self, limit: Duration) -> String {
        let reference = self.reference.as_ref().map_or(0.0, |r| r.elapsed.as_secs_f64());
        format!(
            "the program ran longer than {:.1} s (the build without passes takes {reference:.2} s)",
            limit.as_secs_f64()
        )
    }

    /// One warm-up run and `runs` timed runs, alone on the machine; every run's output must
    /// match the reference's.
    fn time_runs(&self, exe: &Path) -> Result<RuntimeStats, (Verdict, String)> {
        let reference = self.reference.as_ref().expect("runtime objective has a reference");
        let limit = self.run_limit();
        let _alone = self.run_lock.write().expect("run lock");
        let out = exe.with_extension("out");
        let mut samples = Vec::new();
        for i in 0..=self.config.runs.max(1) {
            let r = match run_once(exe, &self.problem.run_args, &out, limit) {
                Ok(r) => r,
                Err(RunError::Timeout) => return Err((Verdict::Timeout, self.timeout_text(limit))),
                Err(RunError::Io(e)) => return Err((Verdict::Crash, format!("cannot run: {e}"))),
            };
            if r.stdout != reference.stdout || r.code != reference.output.exit_code {
                return Err((Verdict::Miscompile, mismatch(reference, &r)));
            }
            if i > 0 {
                samples.push(r.elapsed.as_nanos() as u64);
            }
        }
        let _ = std::fs::remove_file(&out);
        Ok(RuntimeStats::from_samples(samples))
    }

    fn run_limit(&self) -> Duration {
        self.budget().run_timeout.unwrap_or_else(|| {
            let reference = self.reference.as_ref().map_or(Duration::ZERO, |r| r.elapsed);
            (reference * 10).max(Duration::from_secs(5))
        })
    }

    /// Runs the executable built from `ir` (a file of canonical IR) once and compares its
    /// output with the reference's. `None` when there is no reference (no `main`).
    pub fn check_output(&self, ir: &Path) -> Option<Result<(), String>> {
        self.reference.as_ref()?;
        let exe = self.dir.path().join("winner");
        let built = crate::build::Input::load(ir).and_then(|input| {
            input.verify()?;
            crate::build::build_executable(&input.module, &Default::default(), &exe)
        });
        if let Err(e) = built {
            return Some(Err(format!("the written IR does not build: {e}")));
        }
        Some(self.check_run(&exe).map_err(|(_, why)| why))
    }

    /// Applies `pipeline` in a worker and writes the canonical IR it produces to `path`.
    pub fn write_ir(&self, pipeline: &Pipeline, path: &Path) -> Result<(), String> {
        let limit = self.compile_limit();
        let mut worker = self.checkout().map_err(|f| failure_text(&f))?;
        let steps = Request::Optimize { steps: pipeline.steps() };
        match worker.request(&steps, limit).map_err(|f| failure_text(&f))? {
            Reply::Optimized { rejected: None, .. } => {}
            other => return Err(format!("{other:?}")),
        }
        match worker.request(&Request::WriteIr { path: path.to_path_buf() }, limit) {
            Ok(Reply::Written) => {
                self.checkin(worker);
                Ok(())
            }
            Ok(other) => Err(format!("{other:?}")),
            Err(f) => Err(failure_text(&f)),
        }
    }
}

fn mismatch(reference: &Reference, r: &RunResult) -> String {
    if r.code != reference.output.exit_code {
        return format!("exit status {} instead of {}", r.code, reference.output.exit_code);
    }
    let at = reference.stdout.iter().zip(&r.stdout).position(|(a, b)| a != b);
    match at {
        Some(i) => format!("output differs from the reference's at byte {i}"),
        None => format!(
            "output has {} bytes instead of the reference's {}",
            r.stdout.len(),
            reference.stdout.len()
        ),
    }
}

fn failure_text(f: &WorkerFailure) -> String {
    match f {
        WorkerFailure::Died { detail, .. } => detail.clone(),
        WorkerFailure::TimedOut { detail } => detail.clone(),
        WorkerFailure::Io(m) => m.clone(),
    }
}

fn verdict_of(f: WorkerFailure) -> (Verdict, String) {
    match f {
        WorkerFailure::Died { verdict, detail } => (verdict, detail),
        WorkerFailure::TimedOut { detail } => (Verdict::Timeout, detail),
        WorkerFailure::Io(m) => (Verdict::Crash, m),
    }
}

fn unexpected(reply: Reply) -> (Verdict, String) {
    match reply {
        Reply::Failed { message } => (Verdict::Crash, format!("the worker failed: {message}")),
        other => (Verdict::Crash, format!("unexpected reply from the worker: {other:?}")),
    }
}

struct RunResult {
    code: i32,
    elapsed: Duration,
    stdout: Vec<u8>,
}

enum RunError {
    Timeout,
    Io(std::io::Error),
}

/// Runs `exe args` with stdin empty, stdout into `out`, stderr discarded; kills it after
/// `limit`.
fn run_once(
    exe: &Path,
    args: &[String],
    out: &Path,
    limit: Duration,
) -> Result<RunResult, RunError> {
    let file = std::fs::File::create(out).map_err(RunError::Io)?;
    let start = Instant::now();
    let mut child = Command::new(exe)
        .args(args)
        .stdin(Stdio::null())
        .stdout(file)
        .stderr(Stdio::null())
        .spawn()
        .map_err(RunError::Io)?;
    let pid = child.id() as libc::pid_t;
    let (tx, rx) = std::sync::mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let status = child.wait();
        let _ = tx.send((status, Instant::now()));
    });
    let (status, end) = match rx.recv_timeout(limit) {
        Ok(r) => r,
        Err(_) => {
            // SAFETY: signalling our own child, which has not been reaped yet.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            let _ = waiter.join();
            return Err(RunError::Timeout);
        }
    };
    let _ = waiter.join();
    let status = status.map_err(RunError::Io)?;
    let stdout = std::fs::read(out).map_err(RunError::Io)?;
    Ok(RunResult { code: crate::toolchain::shell_exit_code(status), elapsed: end - start, stdout })
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
