//! The evaluation engine: candidates run in parallel (rayon, `jobs` threads), each through a
//! persistent worker process checked out of a pool. A candidate's identity (`ir_hash`: its IR
//! for LLVM, its object for Cranelift) decides whether its object and run times were
//! measured already. Runtime measurements take an exclusive lock, compilation a shared one:
//! runs never overlap each other or compilation. Whatever the backend, the reference is the
//! input module built by LLVM without passes.

use crate::build::Backend;
use crate::model::{
    Budget, LocalProblem, Metrics, Objective, Origin, PerformanceSignal, RunOutput, RuntimeStats,
    Tools, Verdict,
};
use crate::pipeline::Pipeline;
use crate::toolchain::{DEFAULT_LIBS, Linker};
use crate::worker::{Reply, Request, Worker, WorkerFailure};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};

/// How the engine evaluates candidates.
#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// Whose pipelines candidates are: LLVM's passes or Cranelift's settings.
    pub backend: Backend,
    /// The `opm-driver` executable, started as `opm-driver worker`.
    pub worker_exe: PathBuf,
    /// Candidates evaluated at once.
    pub jobs: usize,
    /// Timed runs per candidate after one warm-up run (runtime objective).
    pub runs: usize,
    /// Whether the program may be run: without it there is no reference and no output
    /// check.
    pub run: bool,
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

/// What is measured once per identity (distinct IR, or distinct object for Cranelift).
#[derive(Clone)]
struct Measured {
    text_bytes: u64,
    codegen_ms: f64,
    /// The object file, while the batch that compiled it lasts.
    object: Option<PathBuf>,
    /// Timed runs (runtime objective).
    runtime: Option<Result<RuntimeStats, (Verdict, String)>>,
    /// One run compared with the reference (other objectives, contenders only).
    checked: Option<Result<(), (Verdict, String)>>,
}

impl Measured {
    /// An object just compiled, not yet run.
    fn compiled(text_bytes: u64, codegen_ms: f64, object: PathBuf) -> Measured {
        Measured { text_bytes, codegen_ms, object: Some(object), runtime: None, checked: None }
    }
}

/// Where a batch stands in settling its candidates in order.
struct Order {
    /// The candidate settled next.
    next: usize,
    /// Measured candidates waiting for the ones before them, and whether each is a
    /// contender.
    waiting: BTreeMap<usize, (PerformanceSignal, bool)>,
    /// The best score so far.
    beat: Option<f64>,
    done: Vec<Option<PerformanceSignal>>,
}

/// What a batch leaves behind: object files, removed when it ends.
#[derive(Default)]
struct Batch {
    objects: Mutex<Vec<PathBuf>>,
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
    /// The module's instruction count (Cranelift's candidates all have it).
    instcount: u64,
    pool: rayon::ThreadPool,
    idle: Mutex<Vec<Worker>>,
    measured: Mutex<HashMap<String, Measured>>,
    run_lock: RwLock<()>,
    reference: Option<Reference>,
    linker: Option<Linker>,
    /// The code-growth limit's baseline: its name and `.text` bytes.
    growth_base: Mutex<Option<(String, u64)>>,
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
    /// reference (the module without passes) to learn its output. `bitcode` is the module as
    /// LLVM reads it, which candidates start from: the input file itself, with its metadata
    /// (TBAA, loop properties such as `llvm.loop.mustprogress`, debug information), which the
    /// canonical IR does not carry but LLVM's passes use.
    pub fn new(
        config: EngineConfig,
        mut problem: LocalProblem,
        module: &opm_ir::Module,
        bitcode: &[u8],
    ) -> Result<Engine, EngineError> {
        let dir = tempfile::Builder::new()
            .prefix("opm-optimize-")
            .tempdir()
            .map_err(|source| EngineError::Io { path: std::env::temp_dir(), source })?;
        let path = dir.path().join("input.bc");
        std::fs::write(&path, bitcode)
            .map_err(|source| EngineError::Io { path: path.clone(), source })?;
        let bitcode = path;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(config.jobs.max(1))
            .thread_name(|i| format!("opm-eval-{i}"))
            .build()
            .map_err(|e| EngineError::Worker(e.to_string()))?;
        let has_main = config.run && module.definitions().any(|f| f.name == "main");
        let linker = if has_main { Some(Linker::find()?) } else { None };
        let mut engine = Engine {
            config,
            problem: problem.clone(),
            dir,
            bitcode,
            name: module.name.clone(),
            instcount: module.instruction_count() as u64,
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
        let run = || match run_once(&exe, &self.problem.run_args, &out, limit) {
            Ok(r) => Ok(r),
            Err(RunError::Timeout) => Err(EngineError::ReferenceRun(format!(
                "did not finish within {:.0} s",
                limit.as_secs_f64()
            ))),
            Err(RunError::Io(e)) => Err(EngineError::ReferenceRun(format!("cannot run: {e}"))),
        };
        // Twice: outputs can only be compared when the same build prints the same.
        let first = run()?;
        let second = run()?;
        if first.stdout != second.stdout || first.code != second.code {
            let why = if first.code != second.code {
                format!("exited with status {} and then {}", first.code, second.code)
            } else {
                "printed different output".to_string()
            };
            return Err(EngineError::ReferenceRun(format!(
                "{why} on two runs of the same build, so a candidate's output cannot be \
                 checked against it; use --no-run (or give arguments that make it \
                 deterministic)"
            )));
        }
        Ok(Reference {
            output: RunOutput {
                stdout_sha256: sha256_hex(&first.stdout),
                stdout_bytes: first.stdout.len() as u64,
                exit_code: first.code,
            },
            elapsed: first.elapsed.min(second.elapsed),
            stdout: first.stdout,
        })
    }

    /// Lowers or raises the time limit of one candidate's compilation from now on.
    pub fn set_compile_limit(&self, limit: Duration) {
        self.compile_limit_ms.store(limit.as_millis() as u64, Ordering::Relaxed);
    }

    fn compile_limit(&self) -> Duration {
        Duration::from_millis(self.compile_limit_ms.load(Ordering::Relaxed))
    }

    /// Sets the baseline of the code-growth limit: the baseline called `name` has
    /// `text_bytes` of code.
    pub fn set_growth_base(&self, name: &str, text_bytes: u64) {
        *self.growth_base.lock().expect("growth base") = Some((name.to_string(), text_bytes));
    }

    /// Evaluates `candidates` in parallel, numbering them from `first_eval`; each signal is
    /// handed to `sink` as soon as it is final. Returns the signals in candidate order.
    ///
    /// A valid candidate that scores below `beat` (the best so far) is a contender: it is run
    /// once and its output compared with the reference's before it is reported valid, so a
    /// miscompile never becomes the best. Contenders are settled in candidate order, each
    /// against the best so far including the batch's earlier contenders, so that which
    /// candidates are run does not depend on timing, and only a candidate that really
    /// improves on everything before it costs a run. A candidate that cannot become the best
    /// is handed to `sink` as soon as it is measured; a contender once it is settled.
    pub fn evaluate_all(
        &self,
        candidates: &[Candidate],
        first_eval: u64,
        beat: Option<f64>,
        sink: &(dyn Fn(&PerformanceSignal) + Sync),
    ) -> Vec<PerformanceSignal> {
        let order = Mutex::new(Order {
            next: 0,
            waiting: BTreeMap::new(),
            beat,
            done: vec![None; candidates.len()],
        });
        let next_candidate = AtomicUsize::new(0);
        let batch = Batch::default();
        let threads = self.config.jobs.max(1).min(candidates.len());
        self.pool.scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|_| {
                    loop {
                        let i = next_candidate.fetch_add(1, Ordering::Relaxed);
                        let Some(candidate) = candidates.get(i) else { break };
                        let signal = self.evaluate(candidate, first_eval + i as u64, &batch);
                        let contender = self.is_contender(&signal, beat);
                        if !contender {
                            sink(&signal);
                        }
                        let mut order = order.lock().expect("order");
                        order.waiting.insert(i, (signal, contender));
                        loop {
                            let next = order.next;
                            let Some((mut signal, contender)) = order.waiting.remove(&next) else {
                                break;
                            };
                            if contender && self.is_contender(&signal, order.beat) {
                                self.settle(&mut signal, &batch);
                                if signal.verdict == Verdict::Ok {
                                    order.beat = signal.score();
                                }
                            }
                            if contender {
                                sink(&signal);
                            }
                            order.done[next] = Some(signal);
                            order.next += 1;
                        }
                    }
                });
            }
        });
        for object in batch.objects.into_inner().expect("batch objects") {
            let _ = std::fs::remove_file(object);
        }
        order
            .into_inner()
            .expect("order")
            .done
            .into_iter()
            .map(|s| s.expect("every candidate is evaluated"))
            .collect()
    }

    /// Whether `signal` must be run before it may count as valid: it is valid, would beat
    /// `beat`, the objective is not measured by running anyway, and there is a reference.
    fn is_contender(&self, signal: &PerformanceSignal, beat: Option<f64>) -> bool {
        self.reference.is_some()
            && self.problem.objective != Objective::Runtime
            && matches!((signal.score(), beat), (Some(s), Some(b)) if s < b)
    }

    /// Runs a contender once (or reuses the run of its IR) and marks it a miscompile, crash
    /// or timeout when its run fails.
    fn settle(&self, signal: &mut PerformanceSignal, batch: &Batch) {
        let hash = signal.ir_hash.clone().unwrap_or_default();
        let known = self.measured.lock().expect("measured").get(&hash).cloned();
        let checked = match known.as_ref().and_then(|m| m.checked.clone()) {
            Some(checked) => checked,
            None => {
                let object = known.and_then(|m| m.object).filter(|o| o.is_file());
                let checked = self.check_candidate(&signal.pipeline, object, batch);
                if let Some(m) = self.measured.lock().expect("measured").get_mut(&hash) {
                    m.checked = Some(checked.clone());
                }
                checked
            }
        };
        if let Err((verdict, detail)) = checked {
            signal.verdict = verdict;
            signal.detail = Some(detail);
        }
    }

    /// Links the candidate's object (compiled again when it is gone) and runs it once.
    fn check_candidate(
        &self,
        pipeline: &Pipeline,
        object: Option<PathBuf>,
        batch: &Batch,
    ) -> Result<(), (Verdict, String)> {
        let object = match object {
            Some(o) => o,
            None => {
                let o = self.object_path(batch);
                self.compile_object(pipeline, &o)?;
                o
            }
        };
        self.check_object(&object)
    }

    /// Links `object` and runs it once, compared with the reference.
    fn check_object(&self, object: &Path) -> Result<(), (Verdict, String)> {
        let exe = self.link(object)?;
        let checked = self.check_run(&exe);
        let _ = std::fs::remove_file(&exe);
        checked
    }

    /// Links `object` into an executable beside it.
    fn link(&self, object: &Path) -> Result<PathBuf, (Verdict, String)> {
        let exe = object.with_extension("exe");
        let linker = self.linker.as_ref().expect("a program has a linker");
        linker
            .link(&[object], &exe, DEFAULT_LIBS)
            .map_err(|e| (Verdict::Crash, format!("linking failed: {e}")))?;
        Ok(exe)
    }

    /// Compiles the candidate `pipeline` to `object` in a worker (LLVM: applies the pipeline,
    /// then generates code; Cranelift: generates code with the settings).
    fn compile_object(&self, pipeline: &Pipeline, object: &Path) -> Result<(), (Verdict, String)> {
        match self.config.backend {
            Backend::Llvm => {
                let codegen = Request::Codegen { object: object.to_path_buf() };
                match self.apply_then(pipeline, codegen)? {
                    Reply::Compiled { .. } => Ok(()),
                    other => Err(unexpected(other)),
                }
            }
            Backend::Cranelift | Backend::Gcc => {
                let limit = self.compile_limit();
                let _compiling = self.run_lock.read().expect("run lock");
                let worker = self.checkout().map_err(verdict_of)?;
                let (worker, _, _) = self.object_codegen(worker, pipeline, object, limit)?;
                self.checkin(worker);
                Ok(())
            }
        }
    }

    /// Applies `pipeline` in a worker, then sends it `follow_up` (code generation, writing
    /// the IR) and returns the reply.
    fn apply_then(
        &self,
        pipeline: &Pipeline,
        follow_up: Request,
    ) -> Result<Reply, (Verdict, String)> {
        let limit = self.compile_limit();
        let _compiling = self.run_lock.read().expect("run lock");
        let mut worker = self.checkout().map_err(verdict_of)?;
        let steps = Request::Optimize { steps: pipeline.steps() };
        match worker.request(&steps, limit).map_err(verdict_of)? {
            Reply::Optimized { rejected: None, .. } => {}
            Reply::Optimized { rejected: Some(r), .. } => {
                self.checkin(worker);
                return Err((r.verdict, r.detail));
            }
            other => return Err(unexpected(other)),
        }
        match worker.request(&follow_up, limit).map_err(verdict_of)? {
            failed @ Reply::Failed { .. } => Err(unexpected(failed)),
            reply => {
                self.checkin(worker);
                Ok(reply)
            }
        }
    }

    fn object_path(&self, batch: &Batch) -> PathBuf {
        let n = self.next_object.fetch_add(1, Ordering::Relaxed);
        let path = self.dir.path().join(format!("candidate-{n}.o"));
        batch.objects.lock().expect("batch objects").push(path.clone());
        path
    }

    /// Evaluates one candidate: everything but the run of a contender (see
    /// [`Engine::evaluate_all`]).
    fn evaluate(&self, candidate: &Candidate, eval: u64, batch: &Batch) -> PerformanceSignal {
        let started_ms = now_ms();
        let mut metrics = Metrics::default();
        let mut ir_hash = None;
        let (verdict, detail) = match self.measure(candidate, batch, &mut metrics, &mut ir_hash) {
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
        batch: &Batch,
        metrics: &mut Metrics,
        ir_hash: &mut Option<String>,
    ) -> Result<(), (Verdict, String)> {
        let deadline = Instant::now() + self.compile_limit();
        let compiling = self.run_lock.read().expect("run lock");
        let worker = self.checkout().map_err(verdict_of)?;
        let pipeline = &candidate.pipeline;
        let (worker, hash, mut measured) = match self.config.backend {
            Backend::Llvm => {
                self.compile_llvm(worker, pipeline, batch, metrics, ir_hash, deadline)?
            }
            Backend::Cranelift | Backend::Gcc => {
                self.compile_to_object(worker, pipeline, batch, metrics, ir_hash)?
            }
        };
        self.checkin(worker);
        drop(compiling);
        metrics.text_bytes = Some(measured.text_bytes);
        metrics.codegen_ms = Some(measured.codegen_ms);

        // The runtime objective: timed runs, once per distinct IR.
        if self.problem.objective == Objective::Runtime && measured.runtime.is_none() {
            let object = match measured.object.clone().filter(|o| o.is_file()) {
                Some(o) => o,
                None => {
                    let o = self.object_path(batch);
                    self.compile_object(&candidate.pipeline, &o)?;
                    measured.object = Some(o.clone());
                    o
                }
            };
            measured.runtime = Some(self.link(&object).and_then(|exe| {
                let timed = self.time_runs(&exe);
                let _ = std::fs::remove_file(&exe);
                timed
            }));
        }
        {
            let mut all = self.measured.lock().expect("measured");
            let entry = all.entry(hash).or_insert_with(|| measured.clone());
            if entry.runtime.is_none() {
                entry.runtime = measured.runtime.clone();
            }
        }

        if let Some(runtime) = measured.runtime {
            metrics.runtime = Some(runtime?);
        }
        if let Some(Err(failed)) = measured.checked {
            return Err(failed);
        }
        let base = self.growth_base.lock().expect("growth base").clone();
        if let (Some(limit), Some((name, base))) = (self.budget().max_code_growth, base)
            && measured.text_bytes as f64 > limit * base as f64
        {
            return Err((
                Verdict::OverBudget,
                format!(
                    ".text is {} bytes, more than {limit}× the {name} baseline's {base}",
                    measured.text_bytes
                ),
            ));
        }
        Ok(())
    }

    /// LLVM: applies `pipeline` in `worker`, checking after each step, then compiles the
    /// result unless its IR was compiled before. Returns the worker (unless it died), the IR's
    /// identity and what is known of it.
    fn compile_llvm(
        &self,
        mut worker: Worker,
        pipeline: &Pipeline,
        batch: &Batch,
        metrics: &mut Metrics,
        ir_hash: &mut Option<String>,
        deadline: Instant,
    ) -> Result<(Worker, String, Measured), (Verdict, String)> {
        let remaining =
            || deadline.saturating_duration_since(Instant::now()).max(Duration::from_secs(1));
        let steps = Request::Optimize { steps: pipeline.steps() };
        let reply = worker.request(&steps, self.compile_limit()).map_err(verdict_of)?;
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

        let known = self.measured.lock().expect("measured").get(&hash).cloned();
        let measured = match known {
            Some(m) => m,
            None => {
                let object = self.object_path(batch);
                let request = Request::Codegen { object: object.clone() };
                let reply = worker.request(&request, remaining()).map_err(verdict_of)?;
                let Reply::Compiled { text_bytes, codegen_ms } = reply else {
                    return Err(unexpected(reply));
                };
                Measured::compiled(text_bytes, codegen_ms, object)
            }
        };
        Ok((worker, hash, measured))
    }

    /// Cranelift and GCC: compiles the module's canonical IR with `pipeline`'s settings or
    /// flags in `worker`.
    /// The object's hash is the candidate's identity: objects are compiled every time (the
    /// settings' text is what history deduplicates), linked and run once.
    fn compile_to_object(
        &self,
        worker: Worker,
        pipeline: &Pipeline,
        batch: &Batch,
        metrics: &mut Metrics,
        ir_hash: &mut Option<String>,
    ) -> Result<(Worker, String, Measured), (Verdict, String)> {
        let object = self.object_path(batch);
        let limit = self.compile_limit();
        let (worker, text_bytes, codegen_ms) =
            self.object_codegen(worker, pipeline, &object, limit)?;
        metrics.instcount = Some(self.instcount);
        metrics.pass_ms = Some(0.0);
        let bytes = std::fs::read(&object)
            .map_err(|e| (Verdict::Crash, format!("{}: {e}", object.display())))?;
        let hash = crate::worker::object_identity(&bytes);
        *ir_hash = Some(hash.clone());
        let known = self.measured.lock().expect("measured").get(&hash).cloned();
        let measured = match known {
            Some(m) => Measured { codegen_ms, object: Some(object), ..m },
            None => Measured::compiled(text_bytes, codegen_ms, object),
        };
        Ok((worker, hash, measured))
    }

    /// Asks `worker` to compile the module with `pipeline`'s Cranelift settings or GCC flags
    /// to `object`. Returns the worker (unless it died) with the object's `.text` bytes and
    /// the compilation's milliseconds.
    fn object_codegen(
        &self,
        mut worker: Worker,
        pipeline: &Pipeline,
        object: &Path,
        limit: Duration,
    ) -> Result<(Worker, u64, f64), (Verdict, String)> {
        let object = object.to_path_buf();
        let request = match self.config.backend {
            Backend::Gcc => {
                // gcc stops a little before the worker is given up on, so that it does not
                // outlive it.
                let limit_ms = (limit.as_millis() as u64).saturating_sub(500).max(1000);
                Request::GccCodegen { flags: pipeline.text(), object, limit_ms }
            }
            _ => Request::CraneliftCodegen { settings: pipeline.text(), object },
        };
        match worker.request(&request, limit).map_err(verdict_of)? {
            Reply::Compiled { text_bytes, codegen_ms } => Ok((worker, text_bytes, codegen_ms)),
            Reply::Rejected { verdict, detail } => {
                self.checkin(worker);
                Err((verdict, detail))
            }
            other => Err(unexpected(other)),
        }
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

    /// Runs the winner once and compares its output with the reference's. `written` is what
    /// the search wrote: for LLVM the module as LLVM text (built here through the canonical IR,
    /// without passes), for Cranelift the object file (linked here). `None` when there is no
    /// reference (no `main`).
    pub fn check_output(&self, written: &Path) -> Option<Result<(), String>> {
        self.reference.as_ref()?;
        if matches!(self.config.backend, Backend::Cranelift | Backend::Gcc) {
            return Some(self.check_object(written).map_err(|(_, why)| why));
        }
        let exe = self.dir.path().join("winner");
        let built = crate::build::Input::load(written).and_then(|input| {
            input.verify()?;
            crate::build::build_executable(&input.module, &Default::default(), &exe)
        });
        if let Err(e) = built {
            return Some(Err(format!("the written IR does not build: {e}")));
        }
        Some(self.check_run(&exe).map_err(|(_, why)| why))
    }

    /// Compiles the candidate `pipeline` to the object file `path`.
    pub fn write_object(&self, pipeline: &Pipeline, path: &Path) -> Result<(), String> {
        self.compile_object(pipeline, path).map_err(|(_, why)| why)
    }

    /// Applies `pipeline` in a worker and writes the module it produces to `path` (LLVM text).
    pub fn write_ir(&self, pipeline: &Pipeline, path: &Path) -> Result<(), String> {
        match self.apply_then(pipeline, Request::WriteIr { path: path.to_path_buf() }) {
            Ok(Reply::Written) => Ok(()),
            Ok(other) => Err(unexpected(other).1),
            Err((_, why)) => Err(why),
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

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
