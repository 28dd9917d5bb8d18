//! The evaluation engine: candidates run in parallel (rayon, `jobs` threads), each through a
//! persistent worker process checked out of a pool. A candidate's [`Identity`] (its IR for
//! LLVM, its object for the other backends) decides whether its object and run times were
//! measured already. Timed runs (the runtime objective) take an exclusive lock, compilation a
//! shared one: timed runs never overlap each other or compilation; a run that only checks the
//! output takes no lock. Whatever the backend, the reference is the input module built
//! by LLVM without passes.

use crate::error::Error;
use crate::lock;
use crate::runs::{Reference, ReferenceRunError};
use crate::toolchain::{LinkArgs, Linker};
use crate::worker::{Reply, Request, Worker, WorkerFailure};
use opm_backend::{BackendKind, Pipeline};
use opm_search::{
    Budget, Candidate, Identity, IrHash, LocalProblem, Metrics, ObjectDigest, Objective, Origin,
    PerformanceSignal, Rank, Rejection, RuntimeStats, Tools, Verdict,
};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant, SystemTime};

/// Why [`Engine::confirm`] could not time a winner against its baseline.
#[derive(Debug)]
pub enum ConfirmFailure {
    /// A run of the candidate failed: its verdict.
    Candidate(Rejection),
    /// Anything else (a build, the baseline's run, no reference), said.
    Other(String),
}

/// How the engine evaluates candidates.
#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// Whose pipelines candidates are.
    pub backend: BackendKind,
    /// The `opm-driver` executable, started as `opm-driver worker`.
    pub worker_exe: PathBuf,
    /// Candidates evaluated at once.
    pub jobs: usize,
    /// Timed runs per candidate after one warm-up run (runtime objective).
    pub runs: usize,
    /// The clock timed runs are read on.
    pub clock: opm_search::Clock,
    /// Whether the program may be run: without it there is no reference and no output
    /// check.
    pub run: bool,
    /// What the program's object is linked with.
    pub link: LinkArgs,
    /// LLVM's verifier after every pass of a step (otherwise once after each step).
    pub verify_each_pass: bool,
}

/// A result written again, as the winner's pick needs it (see [`Engine::write_again`]).
pub struct WrittenAgain {
    /// The file: LLVM text, or another backend's object.
    pub path: PathBuf,
    /// LLVM's module read back from the file and verified (`None` for an object).
    pub module: Option<opm_ir::Module>,
}

/// Why a result written again is not what was measured.
pub enum AgainFailure {
    /// It could not be written, or it differs from what was measured: this says nothing of
    /// the program.
    Skipped(String),
    /// Its IR does not verify.
    Invalid(String),
}

/// What is measured once per identity (distinct IR, or distinct object).
#[derive(Clone, Default)]
struct Measured {
    /// The object's `.text` bytes and how long code generation took; `None` when no code was
    /// generated (see [`Engine::needs_code`]).
    text_bytes: Option<u64>,
    codegen_ms: Option<f64>,
    /// The object file, while the batch that compiled it lasts.
    object: Option<PathBuf>,
    /// The optimised module's bitcode, kept while its batch lasts when its code generation
    /// waits for the batch's end (see [`Engine::generate_deferred`]).
    bitcode: Option<PathBuf>,
    /// The code of the kept module, generated (in `object`) for a check made before the
    /// batch's end: what [`Engine::generate_deferred`] would generate again.
    from_kept: Option<Compiled>,
    /// Timed runs (runtime objective).
    runtime: Option<Result<RuntimeStats, Rejection>>,
    /// One run compared with the reference (other objectives, contenders only).
    checked: Option<Result<(), Rejection>>,
}

impl Measured {
    /// An object just compiled, not yet run.
    fn compiled(text_bytes: u64, codegen_ms: f64, object: PathBuf) -> Measured {
        Measured {
            text_bytes: Some(text_bytes),
            codegen_ms: Some(codegen_ms),
            object: Some(object),
            bitcode: None,
            from_kept: None,
            runtime: None,
            checked: None,
        }
    }

    /// Whether its code generation waits for the end of its batch.
    fn deferred(&self) -> bool {
        self.bitcode.is_some() && self.text_bytes.is_none() && self.checked.is_none()
    }
}

/// What a batch leaves behind (object files, removed when it ends), and the best when it
/// began.
struct Batch {
    objects: Mutex<Vec<PathBuf>>,
    beat: Option<Rank>,
    /// Contenders checked ahead while the batch was measured, by a thread near its end or
    /// with nothing left to measure (`None` while the check runs). Only the settling reads
    /// them, in its own order, so what was checked ahead changes no verdict: it only saves
    /// the wait.
    ahead: Mutex<HashMap<Identity, Option<Result<(), Rejection>>>>,
    /// Deferred candidates whose code a thread with nothing left to measure generates, or
    /// has generated, before the batch's end (see [`Engine::generate_ahead`]).
    generated: Mutex<HashSet<Identity>>,
}

/// What a worker was asked to compile: a candidate's object, its `.text` bytes and how long
/// the compiler took.
#[derive(Clone, Copy)]
struct Compiled {
    text_bytes: u64,
    codegen_ms: f64,
}

/// Evaluates candidates for one problem.
pub struct Engine {
    config: EngineConfig,
    problem: LocalProblem,
    dir: tempfile::TempDir,
    bitcode: PathBuf,
    /// The module's name, which workers give their copies.
    name: String,
    /// The module's instruction count (what every candidate of a backend whose pipelines do
    /// not transform the IR has).
    instcount: u64,
    pool: rayon::ThreadPool,
    /// Workers with the module loaded, waiting for a candidate (shared with the thread that
    /// builds the reference, which leaves its worker here).
    idle: Arc<Mutex<Vec<Worker>>>,
    measured: Mutex<HashMap<Identity, Measured>>,
    run_lock: RwLock<()>,
    reference: Option<PendingReference>,
    linker: Option<Linker>,
    /// The code-growth limit's baseline: its name and `.text` bytes.
    growth_base: Mutex<Option<(String, u64)>>,
    /// A candidate's compilation time limit, in microseconds (see [`Engine::set_compile_limit`]).
    compile_limit_us: AtomicU64,
    next_object: AtomicU64,
    tools: Tools,
    /// Results written again ahead of the winner's pick, by identity and pipeline (`None`
    /// while being written).
    again: Mutex<AgainCache>,
    /// Whether the batches evaluated next write their leader again ahead (see
    /// [`Engine::write_leaders_ahead`]).
    write_leaders: AtomicBool,
    /// When the search's time budget ends: no candidate of a strategy starts after it (see
    /// [`Engine::set_deadline`]).
    deadline: Mutex<Option<Instant>>,
}

type AgainCache = HashMap<(Identity, String), Option<Result<WrittenAgain, AgainFailure>>>;

fn now_ms() -> u64 {
    SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// A worker's reply that is not the one asked for.
fn unexpected(reply: Reply) -> Rejection {
    match reply {
        Reply::Failed { message } => {
            Rejection::new(Verdict::Crash, format!("the worker failed: {message}"))
        }
        other => {
            Rejection::new(Verdict::Crash, format!("unexpected reply from the worker: {other:?}"))
        }
    }
}

/// Why a candidate compiled again cannot stand for the one measured: its module's identity
/// (`got`) is not the one `expected`, if one is.
fn other_module(expected: Option<&IrHash>, got: Option<&str>) -> Option<Rejection> {
    let expected = expected?;
    if got == Some(expected.0.as_str()) {
        return None;
    }
    let detail = format!(
        "compiled again, the pipeline gave another module (identity {}) than the one measured \
         ({}): LLVM's result varies, and no check of it stands for the candidate",
        got.unwrap_or("unknown"),
        expected.0
    );
    Some(Rejection::new(Verdict::InvariantViolation, detail))
}

/// The least time limit of a candidate's run, however short the reference build's run.
const MIN_RUN_LIMIT: Duration = Duration::from_secs(5);

/// Why the reference cannot be checked against (or, for `Start`, no build run at all).
#[derive(Clone, Debug)]
enum ReferenceFailure {
    /// The input module without passes does not compile or link.
    Build(String),
    /// Its build cannot be run, or not so that outputs can be compared (said as
    /// [`Error::ReferenceRun`] says it).
    Run(String),
    /// Its build, or a candidate's, could not be run at all (said as [`Error::cannot_run`]
    /// says it).
    Start(String),
}

impl ReferenceFailure {
    fn error(&self) -> Error {
        match self {
            ReferenceFailure::Build(why) => Error::Reference(why.clone()),
            ReferenceFailure::Run(why) => Error::ReferenceRun(why.clone()),
            ReferenceFailure::Start(why) => Error::CannotRun(why.clone()),
        }
    }
}

impl std::fmt::Display for ReferenceFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error().fmt(f)
    }
}

/// The reference build, compiled, linked and run in a thread of its own while the first
/// candidates compile.
struct PendingReference {
    run: Mutex<Option<std::thread::JoinHandle<Result<Reference, ReferenceFailure>>>>,
    done: OnceLock<Result<Reference, ReferenceFailure>>,
    /// When its run began (once built).
    started: Arc<OnceLock<Instant>>,
}

impl PendingReference {
    /// The reference once its run is over (waiting for it), or why it failed.
    fn wait(&self) -> Result<&Reference, &ReferenceFailure> {
        let done = self.done.get_or_init(|| match lock(&self.run).take() {
            Some(run) => run.join().unwrap_or_else(|_| {
                Err(ReferenceFailure::Run("could not be run: its thread died".into()))
            }),
            None => Err(ReferenceFailure::Run("could not be run".into())),
        });
        done.as_ref()
    }

    /// How long the reference build's run took, once it has ended well (never waits).
    fn ended(&self) -> Option<Duration> {
        let finished = lock(&self.run).as_ref().is_none_or(|run| run.is_finished());
        if !finished {
            return None;
        }
        self.wait().ok().map(|r| r.elapsed)
    }

    /// How long the reference build has been running (zero while it is built), while it
    /// is not over (never waits).
    fn running_for(&self) -> Option<Duration> {
        let running = lock(&self.run).as_ref().is_some_and(|run| !run.is_finished());
        running.then(|| self.started.get().map_or(Duration::ZERO, Instant::elapsed))
    }

    /// Why the reference cannot be checked against, if known (never waits).
    fn failure(&self) -> Option<ReferenceFailure> {
        match self.done.get()? {
            Err(why) => Some(why.clone()),
            Ok(reference) => match (reference.varies(), reference.unstartable()) {
                (Some(v), _) => Some(ReferenceFailure::Run(v.to_string())),
                (None, Some(why)) => Some(ReferenceFailure::Start(why.to_string())),
                (None, None) => None,
            },
        }
    }
}

impl Engine {
    /// Sets up the workers for `module` and, when the module has a `main`, builds and runs the
    /// reference (the module without passes) to learn its output. `bitcode` is the module as
    /// LLVM reads it, which LLVM's candidates start from: the input file itself, with its
    /// metadata (TBAA, loop properties such as `llvm.loop.mustprogress`, debug information),
    /// which the canonical IR does not carry but LLVM's passes use.
    pub fn new(
        config: EngineConfig,
        problem: LocalProblem,
        module: &opm_ir::Module,
        bitcode: &[u8],
    ) -> Result<Engine, Error> {
        let dir = tempfile::Builder::new()
            .prefix("opm-optimize-")
            .tempdir()
            .map_err(|source| Error::io(std::env::temp_dir(), source))?;
        let path = dir.path().join("input.bc");
        std::fs::write(&path, bitcode).map_err(|source| Error::io(&path, source))?;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(config.jobs.max(1))
            .thread_name(|i| format!("opm-eval-{i}"))
            .build()
            .map_err(|e| Error::Worker(e.to_string()))?;
        let has_main = config.run && module.definitions().any(|f| f.name == "main");
        let linker =
            if has_main { Some(Linker::find()?.with_args(config.link.clone())) } else { None };
        let mut engine = Engine {
            config,
            problem: problem.clone(),
            dir,
            bitcode: path,
            name: crate::input::worker_module_name(&module.name),
            instcount: module.instruction_count() as u64,
            pool,
            idle: Arc::default(),
            measured: Mutex::new(HashMap::new()),
            run_lock: RwLock::new(()),
            reference: None,
            linker,
            growth_base: Mutex::new(None),
            compile_limit_us: AtomicU64::new(problem.budget.compile_timeout.as_micros() as u64),
            next_object: AtomicU64::new(0),
            tools: crate::backends::signal_tools(),
            again: Mutex::default(),
            write_leaders: AtomicBool::new(false),
            deadline: Mutex::new(None),
        };
        if has_main {
            engine.reference = Some(engine.build_reference()?);
        } else if problem.objective == Objective::Runtime {
            return Err(Error::Reference(
                "the runtime objective needs a program with a `main` function".into(),
            ));
        }
        Ok(engine)
    }

    /// The problem (its `reference` is [`Engine::reference_output`]).
    pub fn problem(&self) -> &LocalProblem {
        &self.problem
    }

    /// Whether the program is run: there is (or will be) a reference build's output.
    pub fn has_reference(&self) -> bool {
        self.reference.is_some()
    }

    /// What the reference build printed, once its run is over (waiting for it); `None` when
    /// the program is not run or its reference failed.
    pub fn reference_output(&self) -> Option<opm_search::RunOutput> {
        let reference = self.reference.as_ref()?.wait().ok()?;
        Some(reference.output.clone())
    }

    /// Why no candidate's output can be checked, if that is known already (never waits): the
    /// reference did not build, its run failed, a second run of it printed otherwise, or a
    /// candidate's build could not be run at all (the machine's fault, not the candidate's). The
    /// search stops with this; no signal judged against such a reference is kept.
    pub fn reference_failure(&self) -> Option<Error> {
        self.reference.as_ref()?.failure().map(|f| f.error())
    }

    /// The reference, waiting for its run to be over.
    fn reference(&self) -> Result<&Reference, Rejection> {
        let pending = self
            .reference
            .as_ref()
            .ok_or_else(|| Rejection::new(Verdict::Crash, "no reference to check against"))?;
        pending.wait().map_err(|why| Rejection::new(Verdict::Crash, why.to_string()))
    }

    fn budget(&self) -> &Budget {
        &self.problem.budget
    }

    fn checkout(&self) -> Result<Worker, WorkerFailure> {
        if let Some(w) = lock(&self.idle).pop() {
            return Ok(w);
        }
        self.new_worker()()
    }

    /// How to start a worker with the module loaded (to call on any thread).
    fn new_worker(&self) -> impl FnOnce() -> Result<Worker, WorkerFailure> + Send + 'static {
        let exe = self.config.worker_exe.clone();
        let memory = self.budget().memory_limit_mib;
        let load = Request::Load {
            bitcode: self.bitcode.clone(),
            name: self.name.clone(),
            backend: self.config.backend,
            verify_each_pass: self.config.verify_each_pass,
        };
        move || {
            let mut w = Worker::spawn(&exe, memory)?;
            match w.request(&load, Duration::from_secs(120))? {
                Reply::Loaded { .. } => Ok(w),
                Reply::Failed { message } => Err(WorkerFailure::Io(message)),
                other => Err(WorkerFailure::Io(format!("unexpected reply {other:?}"))),
            }
        }
    }

    fn checkin(&self, worker: Worker) {
        lock(&self.idle).push(worker);
    }

    /// Builds the reference and runs it in the background, in a worker of its own (left to
    /// the candidates afterwards): the first candidates compile meanwhile, and what needs its
    /// output waits for it.
    fn build_reference(&self) -> Result<PendingReference, Error> {
        let new_worker = self.new_worker();
        let idle = Arc::clone(&self.idle);
        let object = self.dir.path().join("reference.o");
        let exe = self.dir.path().join("reference");
        let compile_limit = self.compile_limit();
        let linker = self.linker.clone().ok_or(Error::Reference("no linker".into()))?;
        let limit = self.budget().run_timeout.unwrap_or(Duration::from_secs(120));
        let args = self.problem.run_args.clone();
        let memory = crate::runs::memory_mib(self.budget());
        let started = Arc::new(OnceLock::new());
        let run_started = Arc::clone(&started);
        let build = move || -> Result<Reference, ReferenceFailure> {
            let failed = |f: WorkerFailure| ReferenceFailure::Build(f.rejection().detail);
            let mut worker = new_worker().map_err(failed)?;
            let steps = Request::Optimize { steps: Vec::new() };
            for request in [steps, Request::Codegen { object: object.clone() }] {
                match worker.request(&request, compile_limit) {
                    Ok(Reply::Optimized { rejected: None, .. } | Reply::Compiled { .. }) => {}
                    Ok(other) => return Err(ReferenceFailure::Build(format!("{other:?}"))),
                    Err(f) => return Err(failed(f)),
                }
            }
            lock(&idle).push(worker);
            linker.link(&[&object], &exe).map_err(|e| ReferenceFailure::Build(e.to_string()))?;
            let _ = run_started.set(Instant::now());
            Reference::measure(&exe, &args, limit, memory).map_err(|e| match e {
                ReferenceRunError::Start(why) => ReferenceFailure::Start(why),
                ReferenceRunError::Run(why) => ReferenceFailure::Run(why),
            })
        };
        let run = std::thread::Builder::new()
            .name("opm-reference".into())
            .spawn(build)
            .map_err(|e| Error::ReferenceRun(format!("cannot be run: {e}")))?;
        Ok(PendingReference { run: Mutex::new(Some(run)), done: OnceLock::new(), started })
    }

    /// Lowers or raises the time limit of one candidate's compilation from now on.
    pub fn set_compile_limit(&self, limit: Duration) {
        self.compile_limit_us.store(limit.as_micros() as u64, Ordering::Relaxed);
    }

    fn compile_limit(&self) -> Duration {
        Duration::from_micros(self.compile_limit_us.load(Ordering::Relaxed))
    }

    /// Sets the baseline of the code-growth limit: the baseline called `name` has
    /// `text_bytes` of code.
    pub fn set_growth_base(&self, name: &str, text_bytes: u64) {
        *lock(&self.growth_base) = Some((name.to_string(), text_bytes));
    }

    /// Evaluates `candidates` in parallel, numbering them from `first_eval`; each signal is
    /// handed to `sink` as soon as it is final. Returns the signals in candidate order.
    ///
    /// A valid candidate that would rank ahead of `beat` (the best before the batch) is a
    /// contender: it must be run once, its output compared with the reference's, before it
    /// may become the best, so that a miscompile never does. When the batch is measured, its
    /// contenders are settled best first until one passes: only that one can become the best,
    /// so a batch usually costs one run, and which checks count depends on the results, never
    /// on timing (the leading contender is checked ahead while the last candidates compile:
    /// see `check_first` and `check_ahead`). The contenders behind it stay valid but
    /// unrun, like any candidate that cannot become the best (the winner's check runs
    /// whatever it picks). A candidate that is not a contender is handed to `sink` as soon as
    /// it is measured; contenders once the batch is settled.
    pub fn evaluate_all(
        &self,
        candidates: &[Candidate],
        evals: &[u64],
        beat: Option<Rank>,
        sink: &(dyn Fn(&PerformanceSignal) + Sync),
    ) -> Vec<PerformanceSignal> {
        let measured: Mutex<Vec<Option<PerformanceSignal>>> =
            Mutex::new(vec![None; candidates.len()]);
        let next_candidate = AtomicUsize::new(0);
        let batch = Batch {
            objects: Mutex::new(Vec::new()),
            beat,
            ahead: Mutex::default(),
            generated: Mutex::default(),
        };
        // The presets first: the likeliest leaders, so that the leader checked ahead while the
        // last candidates compile is the batch's more often (only the timing depends on it).
        let mut order: Vec<usize> = (0..candidates.len()).collect();
        order.sort_by_key(|&i| candidates[i].origin != Origin::Preset);
        let threads = self.config.jobs.max(1).min(candidates.len());
        let measuring = AtomicUsize::new(threads);
        self.pool.scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|_| {
                    loop {
                        let next = next_candidate.load(Ordering::Relaxed);
                        if self.check_first(
                            &measured,
                            candidates.len().saturating_sub(next),
                            threads,
                        ) {
                            self.check_leader(&measured, &batch);
                        }
                        let next = next_candidate.fetch_add(1, Ordering::Relaxed);
                        let Some(&i) = order.get(next) else { break };
                        let Some(candidate) = candidates.get(i) else { break };
                        let end = self.budget_end(candidate);
                        if end.is_some_and(|d| Instant::now() >= d) {
                            continue;
                        }
                        let eval = evals.get(i).copied().unwrap_or(i as u64);
                        let Some(signal) = self.evaluate(candidate, eval, end, &batch) else {
                            continue;
                        };
                        if !self.is_contender(&signal, beat) && !self.is_deferred(&signal) {
                            sink(&signal);
                        }
                        if let Some(slot) = lock(&measured).get_mut(i) {
                            *slot = Some(signal);
                        }
                    }
                    measuring.fetch_sub(1, Ordering::AcqRel);
                    self.check_ahead(&measured, &batch, &measuring);
                });
            }
        });
        let mut done: Vec<PerformanceSignal> = measured
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .into_iter()
            .flatten()
            .collect();
        let held: Vec<usize> = (0..done.len()).filter(|&i| self.is_deferred(&done[i])).collect();
        self.generate_deferred(&mut done, &batch);
        let mut contenders: Vec<usize> =
            (0..done.len()).filter(|&i| self.is_contender(&done[i], beat)).collect();
        contenders.sort_by(|&a, &b| match (Rank::of(&done[a]), Rank::of(&done[b])) {
            (Some(a), Some(b)) => a.order(&b),
            _ => a.cmp(&b),
        });
        for &i in &contenders {
            self.settle(&mut done[i], &batch);
            if done[i].verdict == Verdict::Ok {
                break;
            }
        }
        // The deferred candidates not compiled get no code; the kept modules go with the batch.
        for m in lock(&self.measured).values_mut() {
            m.bitcode = None;
        }
        contenders.extend(held.into_iter().filter(|&i| !self.is_contender(&done[i], beat)));
        contenders.sort_unstable();
        contenders.dedup();
        for &i in &contenders {
            sink(&done[i]);
        }
        for object in batch.objects.into_inner().unwrap_or_else(|e| e.into_inner()) {
            let _ = std::fs::remove_file(object);
        }
        done
    }

    /// Whether `signal` must be run before it may count as valid: it is valid, would become
    /// the best (ahead of `beat`, ties on the score included, which less code or fewer passes
    /// break), the objective is not measured by running anyway, and there is a reference.
    fn is_contender(&self, signal: &PerformanceSignal, beat: Option<Rank>) -> bool {
        self.reference.is_some()
            && self.problem.objective != Objective::Runtime
            && Rank::of(signal).is_some_and(|r| r.ahead_of(beat))
    }

    /// While another thread still measures the batch or checks a contender, one with nothing
    /// left to measure would idle: it checks the leading contender measured so far (the one
    /// the settling runs first unless a candidate still being measured ranks ahead of it), and
    /// the next one if that fails. (Another thread may be checking a contender that a later
    /// one overtook: the leader's check need not wait for it.) With no contender to check, it
    /// generates the code of the deferred candidates with the fewest instructions
    /// ([`Engine::generate_ahead`]).
    fn check_ahead(
        &self,
        measured: &Mutex<Vec<Option<PerformanceSignal>>>,
        batch: &Batch,
        measuring: &AtomicUsize,
    ) {
        let busy = || {
            measuring.load(Ordering::Acquire) > 0
                || lock(&batch.ahead).values().any(Option::is_none)
        };
        while busy() {
            match self.check_leader(measured, batch) {
                Some(false) => continue,
                Some(true) => break,
                None if self.generate_ahead(measured, batch) => continue,
                None if self.write_ahead(measured, batch) => continue,
                None => break,
            }
        }
    }

    /// The time budget's end: from then on, [`Engine::evaluate_all`] starts no candidate a
    /// strategy proposed (the presets and the user's pipelines are always measured: the
    /// baselines of the final table are among them), and one still compiling is stopped and
    /// left out of the results (a timeout there would not be its own).
    pub fn set_deadline(&self, deadline: Option<Instant>) {
        *lock(&self.deadline) = deadline;
    }

    /// When the time budget ends for `candidate` (see [`Engine::set_deadline`]): never for
    /// the presets and the user's pipelines.
    fn budget_end(&self, candidate: &Candidate) -> Option<Instant> {
        match candidate.origin {
            Origin::Preset | Origin::User => None,
            _ => *lock(&self.deadline),
        }
    }

    /// Whether the batches evaluated next write their leader again ahead, for
    /// [`Engine::write_again`]: the caller's choice for the search's last batch (or the one
    /// likely to be last) when the winner will be written again.
    pub fn write_leaders_ahead(&self, on: bool) {
        self.write_leaders.store(on, Ordering::Relaxed);
    }

    /// With nothing else to do ahead, and when asked to (see [`Engine::write_leaders_ahead`]),
    /// a thread with nothing left to measure writes the batch's leader again, which the
    /// winner's pick would do alone after the search: the batch's best valid candidate that
    /// would become the best, but for those whose check failed. Whether it did: each result
    /// is written ahead once. Only the timing depends on this.
    fn write_ahead(&self, measured: &Mutex<Vec<Option<PerformanceSignal>>>, batch: &Batch) -> bool {
        if !self.write_leaders.load(Ordering::Relaxed) {
            return false;
        }
        let mut valid: Vec<(Rank, Identity, Pipeline)> = lock(measured)
            .iter()
            .flatten()
            .filter_map(|s| {
                let rank = Rank::of(s).filter(|r| r.ahead_of(batch.beat))?;
                Some((rank, s.identity.clone()?, s.pipeline.clone()))
            })
            .collect();
        valid.sort_by(|a, b| a.0.order(&b.0));
        let failed = |id: &Identity| {
            let known = lock(&self.measured).get(id).and_then(|m| m.checked.clone());
            let ahead = || lock(&batch.ahead).get(id).cloned().flatten();
            matches!(known.or_else(ahead), Some(Err(_)))
        };
        let Some((_, identity, pipeline)) = valid.into_iter().find(|(_, id, _)| !failed(id)) else {
            return false;
        };
        let key = (identity, pipeline.text());
        {
            let mut again = lock(&self.again);
            if again.contains_key(&key) {
                return false;
            }
            again.insert(key.clone(), None);
        }
        let written = self.write_again_now(Some(&key.0), &pipeline);
        lock(&self.again).insert(key, Some(written));
        true
    }

    /// With no contender to check, a thread with nothing left to measure generates the code
    /// of a deferred candidate with the fewest instructions measured so far, which
    /// [`Engine::generate_deferred`] would generate after the batch's last candidate, while
    /// the other threads measure theirs. Whether it did: each such candidate is claimed once.
    /// A failure is left for the batch's end to meet again; only the timing depends on this.
    fn generate_ahead(
        &self,
        measured: &Mutex<Vec<Option<PerformanceSignal>>>,
        batch: &Batch,
    ) -> bool {
        let deferred: Vec<(f64, Identity)> = lock(measured)
            .iter()
            .flatten()
            .filter(|s| self.is_deferred(s))
            .filter_map(|s| Some((s.score()?, s.identity.clone()?)))
            .collect();
        let Some(best) = deferred.iter().map(|(score, _)| *score).reduce(f64::min) else {
            return false;
        };
        let claimed = {
            let mut generated = lock(&batch.generated);
            deferred
                .into_iter()
                .filter(|(score, _)| *score == best)
                .find(|(_, id)| generated.insert(id.clone()))
        };
        let Some((_, id)) = claimed else { return false };
        let Some(bitcode) = lock(&self.measured).get(&id).and_then(|m| m.bitcode.clone()) else {
            return true;
        };
        let object = self.object_path(batch);
        if let Ok(compiled) = self.codegen_kept(&bitcode, &object)
            && let Some(m) = lock(&self.measured).get_mut(&id)
            && m.from_kept.is_none()
        {
            m.from_kept = Some(compiled);
            m.object = Some(object);
        }
        true
    }

    /// Checks the leading contender measured so far unless it has passed or someone checks
    /// it: whether it passed, `None` when there was nothing to check.
    fn check_leader(
        &self,
        measured: &Mutex<Vec<Option<PerformanceSignal>>>,
        batch: &Batch,
    ) -> Option<bool> {
        let (identity, pipeline) = self.next_ahead(measured, batch)?;
        let known = lock(&self.measured).get(&identity).cloned();
        let checked = self.check_candidate(&identity, &pipeline, known.as_ref(), batch);
        let passed = checked.is_ok();
        lock(&batch.ahead).insert(identity, Some(checked));
        Some(passed)
    }

    /// Whether a thread about to take one of the `remaining` candidates should check the
    /// leading contender first: at the end of a batch one thread would otherwise run that
    /// check alone while the others wait for it. It does so once the other threads' share of
    /// what remains to compile (at the batch's mean time per candidate so far) is no longer
    /// than one run of the reference build, which has ended (one thread alone gains nothing).
    /// The leader is checked once (`next_ahead` says when it is being checked); another thread
    /// may still be checking a contender that it overtook. Only the work done ahead depends on
    /// this, never a verdict.
    fn check_first(
        &self,
        measured: &Mutex<Vec<Option<PerformanceSignal>>>,
        remaining: usize,
        threads: usize,
    ) -> bool {
        if threads < 2 || remaining == 0 {
            return false;
        }
        let Some(run) = self.reference.as_ref().and_then(PendingReference::ended) else {
            return false;
        };
        let (sum, n) = lock(measured).iter().flatten().fold((0u64, 0u64), |(sum, n), s| {
            (sum + s.finished_ms.saturating_sub(s.started_ms), n + 1)
        });
        if n == 0 {
            return false;
        }
        let others = (threads - 1) as u64;
        (remaining as u64) * sum / n / others <= run.as_millis() as u64
    }

    /// The leading contender measured so far that nobody has checked (claimed for the
    /// caller), or `None` when the leader has passed or is being checked.
    fn next_ahead(
        &self,
        measured: &Mutex<Vec<Option<PerformanceSignal>>>,
        batch: &Batch,
    ) -> Option<(Identity, Pipeline)> {
        let mut contenders: Vec<PerformanceSignal> = lock(measured)
            .iter()
            .flatten()
            .filter(|s| self.is_contender(s, batch.beat))
            .cloned()
            .collect();
        contenders.sort_by(|a, b| match (Rank::of(a), Rank::of(b)) {
            (Some(a), Some(b)) => a.order(&b),
            _ => a.eval.cmp(&b.eval),
        });
        let mut ahead = lock(&batch.ahead);
        for c in contenders {
            let identity = c.identity?;
            let known = lock(&self.measured).get(&identity).and_then(|m| m.checked.clone());
            match known.or_else(|| ahead.get(&identity).cloned().flatten()) {
                Some(Ok(())) => return None,
                Some(Err(_)) => continue,
                None if ahead.contains_key(&identity) => return None,
                None => {
                    ahead.insert(identity.clone(), None);
                    return Some((identity, c.pipeline));
                }
            }
        }
        None
    }

    /// Runs a contender once (or reuses the run of its identity, or the check made ahead
    /// while the batch was measured) and marks it a miscompile, crash or timeout when its run
    /// fails.
    fn settle(&self, signal: &mut PerformanceSignal, batch: &Batch) {
        let known = signal.identity.as_ref().and_then(|id| lock(&self.measured).get(id).cloned());
        let ahead = signal.identity.as_ref().and_then(|id| lock(&batch.ahead).remove(id).flatten());
        let checked = match known.as_ref().and_then(|m| m.checked.clone()) {
            Some(checked) => checked,
            None => {
                let checked = ahead.unwrap_or_else(|| match &signal.identity {
                    Some(id) => self.check_candidate(id, &signal.pipeline, known.as_ref(), batch),
                    None => self.compile_and_check(&signal.pipeline, None, batch),
                });
                if let Some(id) = &signal.identity
                    && let Some(m) = lock(&self.measured).get_mut(id)
                {
                    m.checked = Some(checked.clone());
                }
                checked
            }
        };
        if let Err(r) = checked {
            signal.verdict = r.verdict;
            signal.detail = Some(r.detail);
        }
    }

    /// Links the candidate's object and runs it once. Without an object (`known`, what was
    /// measured of its `identity`, has none, or it is gone), its kept module is compiled (the
    /// code is kept for [`Engine::generate_deferred`]), or the candidate compiled again;
    /// neither counts as its code (the signal's `.text` is the batch's business).
    fn check_candidate(
        &self,
        identity: &Identity,
        pipeline: &Pipeline,
        known: Option<&Measured>,
        batch: &Batch,
    ) -> Result<(), Rejection> {
        let existing = |p: Option<&PathBuf>| p.filter(|p| p.is_file()).cloned();
        if let Some(object) = known.and_then(|m| existing(m.object.as_ref())) {
            return self.check_object(&object);
        }
        let Some(bitcode) = known.and_then(|m| existing(m.bitcode.as_ref())) else {
            return self.compile_and_check(pipeline, Some(identity), batch);
        };
        let object = self.object_path(batch);
        let compiled = self.codegen_kept(&bitcode, &object)?;
        if let Some(m) = lock(&self.measured).get_mut(identity) {
            m.from_kept = Some(compiled);
            m.object = Some(object.clone());
        }
        self.check_object(&object)
    }

    /// Compiles the candidate `pipeline` again (into what was measured, its `identity`, when
    /// known) and runs it once, compared with the reference.
    fn compile_and_check(
        &self,
        pipeline: &Pipeline,
        identity: Option<&Identity>,
        batch: &Batch,
    ) -> Result<(), Rejection> {
        let object = self.object_path(batch);
        self.compile_object(pipeline, &object, identity)?;
        self.check_object(&object)
    }

    /// Links `object` and runs it once, compared with the reference.
    fn check_object(&self, object: &Path) -> Result<(), Rejection> {
        let exe = self.link(object)?;
        let checked = self.check_run(&exe);
        let _ = std::fs::remove_file(&exe);
        checked
    }

    /// Links `object` into an executable beside it.
    fn link(&self, object: &Path) -> Result<PathBuf, Rejection> {
        let exe = object.with_extension("exe");
        let linker = self
            .linker
            .as_ref()
            .ok_or_else(|| Rejection::new(Verdict::Crash, "a program without a linker"))?;
        linker
            .link(&[object], &exe)
            .map_err(|e| Rejection::new(Verdict::Crash, format!("linking failed: {e}")))?;
        Ok(exe)
    }

    /// Compiles the candidate `pipeline` to `object` in a worker (LLVM: applies the pipeline,
    /// then generates code; another backend: compiles with the pipeline). With `identity`
    /// (LLVM), the module the pipeline gives must be the one measured before.
    fn compile_object(
        &self,
        pipeline: &Pipeline,
        object: &Path,
        identity: Option<&Identity>,
    ) -> Result<(), Rejection> {
        if self.config.backend.transforms_ir() {
            let codegen = Request::Codegen { object: object.to_path_buf() };
            let expected = match identity {
                Some(Identity::Ir(hash)) => Some(hash),
                _ => None,
            };
            return match self.apply_then(pipeline, codegen, expected)? {
                Reply::Compiled { .. } => Ok(()),
                other => Err(unexpected(other)),
            };
        }
        let limit = self.compile_limit();
        let _compiling = self.run_lock.read().unwrap_or_else(|e| e.into_inner());
        let worker = self.checkout().map_err(WorkerFailure::rejection)?;
        let (worker, _) = self.backend_compile(worker, pipeline, object, limit)?;
        self.checkin(worker);
        Ok(())
    }

    /// Applies the LLVM `pipeline` of a candidate measured before again in a worker (its
    /// result checked once, see [`Request::Reproduce`]), then sends it `follow_up` (code
    /// generation, writing the IR) and returns the reply. With `expected`, the module must
    /// have that identity: the one measured before (otherwise what follows would not be of
    /// that module, and the rejection says so).
    fn apply_then(
        &self,
        pipeline: &Pipeline,
        follow_up: Request,
        expected: Option<&IrHash>,
    ) -> Result<Reply, Rejection> {
        let limit = self.compile_limit();
        let _compiling = self.run_lock.read().unwrap_or_else(|e| e.into_inner());
        let mut worker = self.checkout().map_err(WorkerFailure::rejection)?;
        let steps = Request::Reproduce { steps: pipeline.steps() };
        match worker.request(&steps, limit).map_err(WorkerFailure::rejection)? {
            Reply::Optimized { rejected: None, ir_hash, .. } => {
                if let Some(rejection) = other_module(expected, ir_hash.as_deref()) {
                    self.checkin(worker);
                    return Err(rejection);
                }
            }
            Reply::Optimized { rejected: Some(r), .. } => {
                self.checkin(worker);
                return Err(r);
            }
            other => return Err(unexpected(other)),
        }
        match worker.request(&follow_up, limit).map_err(WorkerFailure::rejection)? {
            failed @ Reply::Failed { .. } => Err(unexpected(failed)),
            reply => {
                self.checkin(worker);
                Ok(reply)
            }
        }
    }

    fn object_path(&self, batch: &Batch) -> PathBuf {
        self.batch_file(batch, "o")
    }

    /// A new file of the batch (removed when it ends) with the extension `ext`.
    fn batch_file(&self, batch: &Batch, ext: &str) -> PathBuf {
        let n = self.next_object.fetch_add(1, Ordering::Relaxed);
        let path = self.dir.path().join(format!("candidate-{n}.{ext}"));
        lock(&batch.objects).push(path.clone());
        path
    }

    /// Whether code generation waits for the end of the batch: for the instruction-count
    /// objective without a code-growth limit, only the candidates with the batch's fewest
    /// instructions need code (their `.text` breaks the tie between them), and which ones
    /// those are is known only then.
    fn defers_code(&self) -> bool {
        self.problem.objective == Objective::Instcount && self.budget().max_code_growth.is_none()
    }

    /// Whether `signal`'s code generation waits for the end of its batch.
    fn is_deferred(&self, signal: &PerformanceSignal) -> bool {
        signal.verdict == Verdict::Ok
            && signal
                .identity
                .as_ref()
                .is_some_and(|id| lock(&self.measured).get(id).is_some_and(Measured::deferred))
    }

    /// At the end of a batch, generates the code of the deferred candidates with the fewest
    /// instructions (the next fewest where that fails), in parallel, and completes their
    /// signals and the others deferred (those get no code: they can become neither the best
    /// nor a contender). Which ones are compiled depends only on the batch's results.
    fn generate_deferred(&self, done: &mut [PerformanceSignal], batch: &Batch) {
        loop {
            let deferred: Vec<usize> =
                (0..done.len()).filter(|&i| self.is_deferred(&done[i])).collect();
            let Some(best) = deferred.iter().filter_map(|&i| done[i].score()).reduce(f64::min)
            else {
                break;
            };
            let mut kept: Vec<(Identity, PathBuf)> = Vec::new();
            for &i in &deferred {
                let Some(id) = done[i].identity.clone().filter(|_| done[i].score() == Some(best))
                else {
                    continue;
                };
                let bitcode = lock(&self.measured).get(&id).and_then(|m| m.bitcode.clone());
                if let Some(bitcode) = bitcode.filter(|_| kept.iter().all(|(k, _)| k != &id)) {
                    kept.push((id, bitcode));
                }
            }
            self.pool.scope(|scope| {
                for (id, bitcode) in &kept {
                    scope.spawn(move |_| {
                        let ahead = lock(&self.measured).get(id).and_then(|m| {
                            Some((m.from_kept?, m.object.clone().filter(|o| o.is_file())?))
                        });
                        let (compiled, object) = match ahead {
                            Some((c, object)) => (Ok(c), object),
                            None => {
                                let object = self.object_path(batch);
                                (self.codegen_kept(bitcode, &object), object)
                            }
                        };
                        let mut all = lock(&self.measured);
                        let Some(m) = all.get_mut(id) else { return };
                        match compiled {
                            Ok(c) => {
                                m.text_bytes = Some(c.text_bytes);
                                m.codegen_ms = Some(c.codegen_ms);
                                m.object = Some(object);
                            }
                            Err(r) => m.checked = Some(Err(r)),
                        }
                    });
                }
            });
            let ties = done.iter_mut().filter(|s| s.score() == Some(best));
            for signal in ties {
                let Some(id) = &signal.identity else { continue };
                let Some(m) = lock(&self.measured).get(id).cloned() else { continue };
                signal.metrics.text_bytes = m.text_bytes;
                signal.metrics.codegen_ms = m.codegen_ms;
                if let Some(Err(r)) = m.checked {
                    signal.verdict = r.verdict;
                    signal.detail = Some(r.detail);
                }
            }
            // Every tie compiled (or failed): the next fewest only if all of them failed.
            if done.iter().any(|s| s.verdict == Verdict::Ok && s.score() == Some(best)) {
                break;
            }
        }
    }

    /// Compiles the kept module `bitcode` to `object` in a worker.
    fn codegen_kept(&self, bitcode: &Path, object: &Path) -> Result<Compiled, Rejection> {
        let mut worker = self.checkout().map_err(WorkerFailure::rejection)?;
        let request =
            Request::CodegenKept { bitcode: bitcode.to_path_buf(), object: object.to_path_buf() };
        match worker.request(&request, self.compile_limit()).map_err(WorkerFailure::rejection)? {
            Reply::Compiled { text_bytes, codegen_ms } => {
                self.checkin(worker);
                Ok(Compiled { text_bytes, codegen_ms })
            }
            Reply::Failed { message } => {
                self.checkin(worker);
                Err(Rejection::new(Verdict::Crash, message))
            }
            reply => Err(unexpected(reply)),
        }
    }

    /// Evaluates one candidate: everything but the run of a contender (see
    /// [`Engine::evaluate_all`]). `None` when its compilation was stopped at `budget_end`,
    /// the time budget's end for it.
    fn evaluate(
        &self,
        candidate: &Candidate,
        eval: u64,
        budget_end: Option<Instant>,
        batch: &Batch,
    ) -> Option<PerformanceSignal> {
        let started_ms = now_ms();
        let mut metrics = Metrics::default();
        let mut identity = None;
        let measured = self.measure(candidate, budget_end, batch, &mut metrics, &mut identity);
        let (verdict, detail) = match measured {
            Ok(()) => (Verdict::Ok, None),
            // Stopped at the time budget's end: not this candidate's verdict.
            Err(r)
                if r.verdict == Verdict::Timeout
                    && budget_end.is_some_and(|d| Instant::now() >= d) =>
            {
                return None;
            }
            Err(r) => (r.verdict, Some(r.detail)),
        };
        Some(PerformanceSignal {
            problem: self.problem.id(),
            backend: self.problem.backend,
            pipeline: candidate.pipeline.clone(),
            origin: candidate.origin,
            objective: self.problem.objective,
            verdict,
            detail,
            metrics,
            identity,
            eval,
            started_ms,
            finished_ms: now_ms(),
            tools: self.tools.clone(),
        })
    }

    fn measure(
        &self,
        candidate: &Candidate,
        budget_end: Option<Instant>,
        batch: &Batch,
        metrics: &mut Metrics,
        identity: &mut Option<Identity>,
    ) -> Result<(), Rejection> {
        let mut deadline = Instant::now() + self.compile_limit();
        if let Some(end) = budget_end {
            deadline = deadline.min(end);
        }
        let compiling = self.run_lock.read().unwrap_or_else(|e| e.into_inner());
        let worker = self.checkout().map_err(WorkerFailure::rejection)?;
        let pipeline = &candidate.pipeline;
        let (worker, id, mut measured) = if self.config.backend.transforms_ir() {
            self.compile_llvm(worker, pipeline, batch, metrics, identity, deadline)?
        } else {
            self.compile_with_backend(worker, pipeline, batch, metrics, identity)?
        };
        self.checkin(worker);
        drop(compiling);
        metrics.text_bytes = measured.text_bytes;
        metrics.codegen_ms = measured.codegen_ms;

        // The runtime objective: timed runs, once per identity.
        if self.problem.objective == Objective::Runtime && measured.runtime.is_none() {
            let object = match measured.object.clone().filter(|o| o.is_file()) {
                Some(o) => o,
                None => {
                    let o = self.object_path(batch);
                    self.compile_object(&candidate.pipeline, &o, identity.as_ref())?;
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
            let mut all = lock(&self.measured);
            let entry = all.entry(id).or_insert_with(|| measured.clone());
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
        let base = lock(&self.growth_base).clone();
        if let (Some(limit), Some((name, base)), Some(bytes)) =
            (self.budget().max_code_growth, base, measured.text_bytes)
            && bytes as f64 > limit * base as f64
        {
            return Err(Rejection::new(
                Verdict::OverBudget,
                format!(".text is {bytes} bytes, more than {limit}× the {name} baseline's {base}"),
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
        identity: &mut Option<Identity>,
        deadline: Instant,
    ) -> Result<(Worker, Identity, Measured), Rejection> {
        let remaining =
            || deadline.saturating_duration_since(Instant::now()).max(Duration::from_secs(1));
        let steps = Request::Optimize { steps: pipeline.steps() };
        // What is left of the compilation limit, or of the time budget when that ends first.
        let limit =
            deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(1));
        let reply = worker.request(&steps, limit).map_err(WorkerFailure::rejection)?;
        let Reply::Optimized { pass_ms, check_ms, instcount, ir_hash, rejected } = reply else {
            return Err(unexpected(reply));
        };
        metrics.pass_ms = Some(pass_ms);
        metrics.check_ms = Some(check_ms);
        if let Some(r) = rejected {
            self.checkin(worker);
            return Err(r);
        }
        metrics.instcount = instcount;
        let id = Identity::Ir(IrHash(ir_hash.unwrap_or_default()));
        *identity = Some(id.clone());
        let known = lock(&self.measured).get(&id).cloned();
        let measured = match known {
            Some(m) => m,
            None if !self.needs_code(instcount, batch.beat) => Measured::default(),
            None if self.defers_code() => {
                let path = self.batch_file(batch, "bc");
                let request = Request::KeepBitcode { path: path.clone() };
                match worker.request(&request, remaining()).map_err(WorkerFailure::rejection)? {
                    Reply::Written => Measured { bitcode: Some(path), ..Measured::default() },
                    reply => return Err(unexpected(reply)),
                }
            }
            None => {
                let object = self.object_path(batch);
                let request = Request::Codegen { object: object.clone() };
                let reply =
                    worker.request(&request, remaining()).map_err(WorkerFailure::rejection)?;
                let Reply::Compiled { text_bytes, codegen_ms } = reply else {
                    return Err(unexpected(reply));
                };
                Measured::compiled(text_bytes, codegen_ms, object)
            }
        };
        Ok((worker, id, measured))
    }

    /// Whether a candidate whose IR has `instcount` instructions needs its code generated:
    /// unless the objective is the instruction count, no code-growth limit is set and the
    /// candidate has more instructions than the best when its batch began (`beat`), so that
    /// it can become neither the best nor a contender, nor be over a limit.
    fn needs_code(&self, instcount: Option<u64>, beat: Option<Rank>) -> bool {
        self.problem.objective != Objective::Instcount
            || self.budget().max_code_growth.is_some()
            || match (instcount, beat) {
                (Some(n), Some(best)) => n as f64 <= best.score,
                _ => true,
            }
    }

    /// A backend whose pipelines do not transform the IR: compiles the module's canonical IR
    /// with `pipeline` in `worker`. The object's digest is the candidate's identity: objects
    /// are compiled every time (the pipeline's text is what history deduplicates), linked and
    /// run once.
    fn compile_with_backend(
        &self,
        worker: Worker,
        pipeline: &Pipeline,
        batch: &Batch,
        metrics: &mut Metrics,
        identity: &mut Option<Identity>,
    ) -> Result<(Worker, Identity, Measured), Rejection> {
        let object = self.object_path(batch);
        let limit = self.compile_limit();
        let (worker, compiled) = self.backend_compile(worker, pipeline, &object, limit)?;
        metrics.instcount = Some(self.instcount);
        metrics.pass_ms = Some(0.0);
        let bytes = std::fs::read(&object)
            .map_err(|e| Rejection::new(Verdict::Crash, format!("{}: {e}", object.display())))?;
        let id = Identity::Object(ObjectDigest::of(&bytes));
        *identity = Some(id.clone());
        let known = lock(&self.measured).get(&id).cloned();
        let measured = match known {
            Some(m) => {
                Measured { codegen_ms: Some(compiled.codegen_ms), object: Some(object), ..m }
            }
            None => Measured::compiled(compiled.text_bytes, compiled.codegen_ms, object),
        };
        Ok((worker, id, measured))
    }

    /// Asks `worker` to compile the module with the backend's `pipeline` to `object`. Returns
    /// the worker (unless it died) with what it compiled.
    fn backend_compile(
        &self,
        mut worker: Worker,
        pipeline: &Pipeline,
        object: &Path,
        limit: Duration,
    ) -> Result<(Worker, Compiled), Rejection> {
        // A compiler process stops a little before the worker is given up on, so that it does
        // not outlive it.
        let limit_ms = (limit.as_millis() as u64).saturating_sub(500).max(1000);
        let request =
            Request::Compile { pipeline: pipeline.text(), object: object.to_path_buf(), limit_ms };
        match worker.request(&request, limit).map_err(WorkerFailure::rejection)? {
            Reply::Compiled { text_bytes, codegen_ms } => {
                Ok((worker, Compiled { text_bytes, codegen_ms }))
            }
            Reply::Rejected(r) => {
                self.checkin(worker);
                Err(r)
            }
            other => Err(unexpected(other)),
        }
    }

    /// One run compared with the reference's output. Only a search that times runs needs
    /// the machine to itself; a run that only checks the output takes no lock.
    ///
    /// While the reference build still runs (objectives other than run time), `exe` runs
    /// beside it instead of after it, held to a limit the reference's run can only raise: the
    /// user's, or 10× how long the reference has run so far (at least [`MIN_RUN_LIMIT`]). A
    /// run that outlasts that limit is made again once the reference's own limit is known.
    fn check_run(&self, exe: &Path) -> Result<(), Rejection> {
        if self.problem.objective != Objective::Runtime
            && let Some(so_far) = self.reference.as_ref().and_then(PendingReference::running_for)
        {
            let user = self.budget().run_timeout;
            let limit = user.unwrap_or_else(|| (so_far * 10).max(MIN_RUN_LIMIT));
            let memory = crate::runs::memory_mib(self.budget());
            let early = crate::runs::run_early(exe, &self.problem.run_args, limit, memory);
            let reference = self.reference()?;
            match early {
                Err(e) => return Err(reference.cannot_run(exe, &e)),
                Ok(Some(run)) => return reference.judge(run),
                Ok(None) if user.is_some() => {
                    return Err(Rejection::new(Verdict::Timeout, reference.timeout_text(limit)));
                }
                Ok(None) => {}
            }
        }
        let reference = self.reference()?;
        let _alone = (self.problem.objective == Objective::Runtime)
            .then(|| self.run_lock.write().unwrap_or_else(|e| e.into_inner()));
        reference.check(exe, &self.problem.run_args, self.run_limit(reference))
    }

    /// One warm-up run and `runs` timed runs, alone on the machine; every run's output must
    /// match the reference's.
    fn time_runs(&self, exe: &Path) -> Result<RuntimeStats, Rejection> {
        let reference = self.reference()?;
        let _alone = self.run_lock.write().unwrap_or_else(|e| e.into_inner());
        let limit = self.run_limit(reference);
        reference.time(exe, &self.problem.run_args, limit, self.config.runs, self.config.clock)
    }

    /// How long one run of a candidate may take: the user's limit, or 10× the reference's
    /// run and at least 5 s.
    fn run_limit(&self, reference: &Reference) -> Duration {
        self.budget().run_timeout.unwrap_or_else(|| (reference.elapsed * 10).max(MIN_RUN_LIMIT))
    }

    /// Whether a result of this identity was run during the search and printed what the
    /// reference prints.
    pub fn passed_check(&self, identity: &Identity) -> bool {
        lock(&self.measured).get(identity).is_some_and(|m| matches!(m.checked, Some(Ok(()))))
    }

    /// Runs the winner once and compares its output with the reference's. `written` is what
    /// the search wrote: for LLVM the module as LLVM text (built here through the canonical IR,
    /// without passes; `module` is that text read back and verified, when the caller has it),
    /// for another backend the object file (linked here). `None` when there is no reference
    /// (no `main`). A failure is the run's verdict: a `miscompile` when its output differs, a
    /// `crash` or `timeout` when it does not end well, a `crash` when it does not build.
    pub fn check_output(
        &self,
        written: &Path,
        module: Option<&opm_ir::Module>,
    ) -> Option<Result<(), Rejection>> {
        self.reference.as_ref()?;
        if !self.config.backend.transforms_ir() {
            return Some(self.check_object(written));
        }
        let exe = self.dir.path().join("winner");
        let opts =
            crate::build::BuildOptions { link: self.config.link.clone(), ..Default::default() };
        let built = match module {
            Some(m) => crate::build::build_executable(m, &opts, &exe),
            None => crate::input::Input::load_verified(written)
                .and_then(|input| crate::build::build_executable(&input.module, &opts, &exe)),
        };
        if let Err(e) = built {
            let why = format!("the written IR does not build: {e}");
            return Some(Err(Rejection::new(Verdict::Crash, why)));
        }
        Some(self.check_run(&exe))
    }

    /// The time of one run of the reference build (the input without passes) on `clock`,
    /// waiting for it: CPU time where the kernel told it. `None` without a reference.
    pub fn reference_time(&self, clock: opm_search::Clock) -> Option<Duration> {
        let reference = self.reference().ok()?;
        match (clock, reference.cpu) {
            (opm_search::Clock::Cpu, Some(cpu)) => Some(cpu),
            _ => Some(reference.elapsed),
        }
    }

    /// Times the build of `candidate` against the build of `baseline` (signals measured
    /// before: each is built again into the module it measured) in `pairs` interleaved
    /// pairs, alone on the machine, every run's output checked against the reference's; each
    /// measurement repeats a run shorter than the timing floor (from the faster build's
    /// warm-up run). A run of the candidate that fails (prints otherwise, crashes, runs out of
    /// time) is [`ConfirmFailure::Candidate`], that candidate's verdict.
    pub fn confirm(
        &self,
        baseline: &PerformanceSignal,
        candidate: &PerformanceSignal,
        pairs: usize,
    ) -> Result<crate::timing::TimedPairs, ConfirmFailure> {
        use crate::timing::{Side, interleave, runs_per_sample};
        let reference = self.reference().map_err(|r| ConfirmFailure::Other(r.detail))?;
        let build = |signal: &PerformanceSignal, name: &str| -> Result<PathBuf, ConfirmFailure> {
            let (pipeline, identity) = (&signal.pipeline, signal.identity.as_ref());
            let object = self.dir.path().join(format!("{name}.o"));
            let compiled = self.compile_object(pipeline, &object, identity);
            compiled.and_then(|()| self.link(&object)).map_err(|r| {
                ConfirmFailure::Other(format!(
                    "`{pipeline}` could not be built again: {}",
                    r.detail
                ))
            })
        };
        let (base_exe, cand_exe) = (build(baseline, "baseline")?, build(candidate, "candidate")?);
        let _alone = self.run_lock.write().unwrap_or_else(|e| e.into_inner());
        let (args, limit) = (&self.problem.run_args, self.run_limit(reference));
        let sample = |side: Side, runs: u32| match side {
            Side::Reference => reference
                .sample(&base_exe, args, limit, runs)
                .map_err(|r| ConfirmFailure::Other(format!("`{}`: {r}", baseline.pipeline))),
            Side::Candidate => {
                reference.sample(&cand_exe, args, limit, runs).map_err(ConfirmFailure::Candidate)
            }
        };
        let timed = (|| {
            let (warm_base, warm_cand) = (sample(Side::Reference, 1)?, sample(Side::Candidate, 1)?);
            let one = |s: crate::timing::Sample| s.cpu.unwrap_or(s.wall);
            let per = runs_per_sample(one(warm_base).min(one(warm_cand)));
            let (reference, candidate) = interleave(pairs, |side| sample(side, per.runs()))?;
            Ok(crate::timing::TimedPairs { reference, candidate, runs_per_sample: per })
        })();
        for exe in [&base_exe, &cand_exe] {
            let _ = std::fs::remove_file(exe);
        }
        timed
    }

    /// Compiles the candidate `pipeline` to the object file `path`.
    pub fn write_object(&self, pipeline: &Pipeline, path: &Path) -> Result<(), String> {
        self.compile_object(pipeline, path, None).map_err(|r| r.detail)
    }

    /// Writes the result of `pipeline` again (LLVM text, or another backend's object, in the
    /// engine's directory) and checks that it is what was measured, of `identity`: LLVM's
    /// module is read back, verified and must have that IR identity; an object must have
    /// those bytes. Written ahead during the search (see [`Engine::write_ahead`]), the result
    /// is taken from there.
    pub fn write_again(
        &self,
        identity: Option<&Identity>,
        pipeline: &Pipeline,
    ) -> Result<WrittenAgain, AgainFailure> {
        if let Some(id) = identity
            && let Some(Some(written)) = lock(&self.again).remove(&(id.clone(), pipeline.text()))
        {
            return written;
        }
        self.write_again_now(identity, pipeline)
    }

    fn write_again_now(
        &self,
        identity: Option<&Identity>,
        pipeline: &Pipeline,
    ) -> Result<WrittenAgain, AgainFailure> {
        let skipped = AgainFailure::Skipped;
        let n = self.next_object.fetch_add(1, Ordering::Relaxed);
        if self.config.backend.transforms_ir() {
            let path = self.dir.path().join(format!("again-{n}.ll"));
            self.write_ir(pipeline, &path)
                .map_err(|e| skipped(format!("it could not be written again: {e}")))?;
            return match crate::input::Input::load_verified(&path) {
                Ok(i) if Some(&Identity::Ir(crate::worker::ir_identity(&i.module))) == identity => {
                    Ok(WrittenAgain { path, module: Some(i.module) })
                }
                Ok(_) => Err(skipped("it gave different IR when run again".into())),
                Err(e) => Err(AgainFailure::Invalid(format!("its IR does not verify: {e}"))),
            };
        }
        let path = self.dir.path().join(format!("again-{n}.o"));
        self.write_object(pipeline, &path)
            .map_err(|e| skipped(format!("it could not be compiled again: {e}")))?;
        let bytes =
            std::fs::read(&path).map_err(|e| skipped(format!("{}: {e}", path.display())))?;
        if Some(&Identity::Object(ObjectDigest::of(&bytes))) == identity {
            Ok(WrittenAgain { path, module: None })
        } else {
            Err(skipped("it gave a different object when compiled again".into()))
        }
    }

    /// Applies the LLVM `pipeline` in a worker and writes the module it produces to `path`
    /// (LLVM text).
    pub fn write_ir(&self, pipeline: &Pipeline, path: &Path) -> Result<(), String> {
        match self.apply_then(pipeline, Request::WriteIr { path: path.to_path_buf() }, None) {
            Ok(Reply::Written) => Ok(()),
            Ok(other) => Err(unexpected(other).detail),
            Err(r) => Err(r.detail),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_candidate_compiled_again_into_another_module_is_not_checked_as_the_one_measured() {
        let measured = IrHash("ab12".into());
        assert!(other_module(Some(&measured), Some("ab12")).is_none());
        assert!(other_module(None, Some("cd34")).is_none());
        let Some(r) = other_module(Some(&measured), Some("cd34")) else {
            panic!("another module passed for the one measured");
        };
        assert_eq!(r.verdict, Verdict::InvariantViolation);
        assert!(r.detail.contains("identity cd34") && r.detail.contains("(ab12)"), "{}", r.detail);
        assert!(other_module(Some(&measured), None).is_some());
    }

    #[test]
    fn a_search_stops_with_the_machines_error_once_a_candidate_build_cannot_be_run() {
        let limit = Duration::from_secs(30);
        let reference =
            Reference::measure(Path::new("/bin/true"), &[], limit, crate::runs::RUN_MEMORY_MIB)
                .unwrap_or_else(|e| panic!("true: {e}"));
        let pending = PendingReference {
            run: Mutex::new(None),
            done: OnceLock::from(Ok(reference)),
            started: Arc::default(),
        };
        assert!(pending.failure().is_none());
        let gone = Path::new("/nonexistent/candidate-1.exe");
        if let Ok(reference) = pending.wait() {
            let _ = reference.check(gone, &[], limit);
        }
        let error = pending.failure().map(|f| f.error());
        assert_eq!(error.as_ref().map(Error::exit_code), Some(2));
        let text = error.map(|e| e.to_string()).unwrap_or_default();
        assert!(text.starts_with("cannot run /nonexistent/candidate-1.exe: "), "{text}");
    }
}
