//! `opm-driver optimize`: search a pipeline for one module within a budget, record every
//! evaluation, and write the best module (LLVM) or the best object (another backend).
//!
//! A search is three steps: [`prepare`] (check the options, load the input, open the backend,
//! start the engine and its reference build, read back what a resumed search measured),
//! [`search`] (the strategy's batches, evaluated until the budget or the strategy ends) and
//! [`pick_winner`] (the best candidate written again, checked to be what was measured and run
//! against the reference). [`all`] runs one search per backend and ranks them.

pub mod all;
mod audit;
mod measure;
mod winner;

pub use measure::measure;

use crate::engine::{Engine, EngineConfig};
use crate::error::Error;
use crate::input::{Input, handle_optnone, input_bitcode};
use crate::lock;
use crate::progress::Progress;
use crate::signals::{SignalSink, read_signals};
use crate::timing::Confirmation;
use crate::toolchain::LinkArgs;
use audit::Audit;
use opm_backend::{BackendKind, Pipeline, Space};
use opm_search::rng::Rng;
use opm_search::{
    AuditEntry, AuditLog, Budget, Candidate, Chain, Fixed, History, LocalProblem, Objective,
    Origin, PerformanceSignal, PlanDelta, Strategy, StrategyKind, Verdict,
};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Candidates proposed at once. Fixed (not tied to `--jobs`) so that a seed gives the same
/// search at any parallelism up to this many jobs.
pub const BATCH: usize = 8;

/// The most candidates of the first batch: the baselines and the user's pipelines, which
/// depend on no result, go in one batch (up to this many), so that no job waits at the end of
/// a batch for the others while they could compile the next.
pub const FIRST_BATCH: usize = 4 * BATCH;

/// The evaluation budget of `optimize` when none is given, for a strategy that does not stop
/// by itself.
pub const DEFAULT_EVALS: u64 = 200;

/// How many times a strategy is asked for new candidates before it counts as finished.
const PROPOSALS: usize = 20;

/// What to optimise and how.
#[derive(Clone, Debug)]
pub struct OptimizeOptions {
    pub file: PathBuf,
    /// Where the winner goes: its module as LLVM text, or for another backend its object
    /// file.
    pub output: Option<PathBuf>,
    /// Whose pipelines to search.
    pub backend: BackendKind,
    pub objective: Objective,
    pub strategy: StrategyKind,
    /// The user's own candidates, in the backend's pipeline syntax.
    pub pipelines: Vec<String>,
    pub budget: Budget,
    pub jobs: usize,
    pub signals: Option<PathBuf>,
    pub resume: bool,
    pub seed: u64,
    pub runs: usize,
    /// The clock run times are read on, and how a run-time winner is confirmed.
    pub timing: crate::timing::TimingOptions,
    pub run_args: Vec<String>,
    /// Remove `optnone` and `noinline` from functions (clang -O0 output).
    pub strip_optnone: bool,
    /// Run the program: the reference build, output checks (and timed runs for the runtime
    /// objective).
    pub run: bool,
    /// Append the audit log here (JSON lines).
    pub audit: Option<PathBuf>,
    /// Draw a progress bar on stderr (when it is a terminal).
    pub progress: bool,
    /// The name the search's messages on stderr begin with: the command the user ran
    /// (`opm-driver`, `cargo-opm`).
    pub speaker: &'static str,
    /// The `opm-driver` executable to start workers from.
    pub worker_exe: PathBuf,
    /// Called with every signal as soon as it is final, after it is written to `signals`.
    pub observer: Option<Observer>,
    /// What the program's object is linked with.
    pub link: LinkArgs,
    /// LLVM's verifier after every pass of a step; otherwise once after each step, which
    /// whole-program modules need (verifying the whole module after each pass of every SCC
    /// is quadratic in its size). opm's own checks run after every step either way.
    pub verify_each_pass: bool,
    /// Learn which passes and pairs of passes break this program and stop proposing them
    /// (`--no-avoid` turns it off, for comparison).
    pub avoid: bool,
    /// Plans a registry suggested for programs like this one, in the backend's syntax, best
    /// first: evaluated after the baselines and the user's pipelines, before the strategy's
    /// own candidates (a plan this backend cannot read is skipped, with a note).
    pub warm_start: Vec<String>,
}

/// A callback that sees every signal of a search as it is recorded (the benchmark lab
/// stores each in its database before the next one is measured).
#[derive(Clone)]
pub struct Observer(pub std::sync::Arc<dyn Fn(&PerformanceSignal) + Send + Sync>);

impl std::fmt::Debug for Observer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Observer")
    }
}

/// The outcome of a search.
pub struct OptimizeReport {
    pub backend: BackendKind,
    pub problem: LocalProblem,
    /// The backend's baselines, by name, in table order.
    pub baselines: Vec<(String, Pipeline)>,
    /// The baseline the table's ratios are taken against.
    pub ratio_base: String,
    pub history: History,
    /// The winner, checked: its IR verified or its object compiled again to the same bytes
    /// (and its output compared when it can run).
    pub best: Option<PerformanceSignal>,
    /// Whether the winner's output was compared with the reference build's.
    pub output_checked: bool,
    /// For the runtime objective, the winner timed again against the baseline in
    /// interleaved pairs: the speed-up reported, or why the baseline stayed the winner.
    pub confirmation: Option<Confirmation>,
    pub stop_reason: String,
    pub elapsed: Duration,
    pub audit: AuditLog,
    /// Things the user should know (optnone input, winners that failed their check, …).
    pub notes: Vec<String>,
}

impl OptimizeReport {
    /// The signal of the baseline called `name` (`O2`, `O3`, `Oz`; Cranelift's `none`,
    /// `speed`, `speed_native`; GCC's `O2`, `O3`, `Os`), if measured.
    pub fn baseline(&self, name: &str) -> Option<&PerformanceSignal> {
        let (_, p) = self.baselines.iter().find(|(n, _)| n == name)?;
        self.history.signal_of(p)
    }

    /// The outcome as JSON: the problem, the best candidate, each baseline's signal, the
    /// evaluations, why the search stopped, whether the winner's output was checked, the
    /// time and the seed.
    pub fn to_json(&self, seed: u64) -> serde_json::Value {
        serde_json::json!({
            "problem": self.problem,
            "best": self.best,
            "baselines": self
                .baselines
                .iter()
                .map(|(name, _)| (name.clone(), self.baseline(name)))
                .collect::<std::collections::BTreeMap<_, _>>(),
            "ratio_base": self.ratio_base,
            "evaluations": self.history.signals.len(),
            "stop_reason": self.stop_reason,
            "output_checked": self.output_checked,
            "confirmation": self.confirmation,
            "seconds": self.elapsed.as_secs_f64(),
            "seed": seed,
        })
    }
}

/// A search ready to run: everything [`prepare`] set up.
struct Prepared {
    space: Space,
    engine: Engine,
    problem: LocalProblem,
    audit: Audit,
    history: History,
    sink: SignalSink,
    /// The user's `--pipeline`s, measured right after the baselines.
    user: Vec<Candidate>,
    /// The input's program features, which order the coreset.
    features: opm_ir::features::Features,
    notes: Vec<String>,
}

/// Runs a search.
pub fn optimize(opts: &OptimizeOptions) -> Result<OptimizeReport, Error> {
    let start = Instant::now();
    let mut s = prepare(opts)?;
    if let Some(note) = timing_note(opts, &s.engine) {
        // Said before the budget is spent, where someone is watching.
        if opts.progress {
            eprintln!("{}: note: {note}", opts.speaker);
        } else {
            s.notes.push(note);
        }
    }
    let stop_reason = search(opts, &mut s, start)?;
    let (best, output_checked, confirmation) = pick_winner(opts, &mut s)?;
    let problem = LocalProblem { reference: s.engine.reference_output(), ..s.problem };
    if let Some(code) = problem.reference.as_ref().map(|r| r.exit_code).filter(|&c| c > 128) {
        let memory = crate::runs::memory_mib(&opts.budget);
        s.notes.push(format!(
            "the build without passes was ended by signal {} (status {code}), so every \
             candidate had to end so too; if it ran out of its limits ({}), raise \
             --run-memory-limit-mib",
            code - 128,
            crate::runs::limits_text(memory)
        ));
    }
    Ok(OptimizeReport {
        backend: opts.backend,
        problem,
        baselines: s.space.baselines.clone(),
        ratio_base: s.space.ratio_base.clone(),
        history: s.history,
        best,
        output_checked,
        confirmation,
        stop_reason,
        elapsed: start.elapsed(),
        audit: s.audit.into_log(),
        notes: s.notes,
    })
}

/// Checks that the options go together.
fn check_options(opts: &OptimizeOptions) -> Result<(), Error> {
    if opts.resume && opts.signals.is_none() {
        return Err(Error::Usage("--resume needs --signals FILE".into()));
    }
    if !opts.run && opts.objective == Objective::Runtime {
        return Err(Error::Usage(
            "--objective runtime runs the program; it cannot go with --no-run".into(),
        ));
    }
    if !opts.backend.transforms_ir() && opts.objective == Objective::Instcount {
        return Err(Error::Usage(format!(
            "--objective instcount counts the canonical IR's instructions, which {} never \
             change; with --backend {} use --objective size (its default), runtime or \
             compile-time",
            opts.backend.pipeline_noun(),
            opts.backend.name()
        )));
    }
    let threshold = opts.timing.threshold;
    if !(threshold.is_finite() && threshold > 0.0) {
        return Err(Error::Usage(format!(
            "--speedup-threshold {threshold}: a speed-up ratio must be a positive number (1.0: \
             any significant speed-up, 1.05: at least 5%)"
        )));
    }
    Ok(())
}

/// Everything before the first candidate: the options checked, the input loaded and verified,
/// the backend opened (an error with exit status 2 when its tools are missing), the user's
/// pipelines checked, the engine started with its reference build, the audit log opened, and
/// on `--resume` what the signals file holds for this problem.
fn prepare(opts: &OptimizeOptions) -> Result<Prepared, Error> {
    check_options(opts)?;
    if opts.run {
        // The linker is looked up (the `cc` crate runs the C compiler to learn its family)
        // while the input loads; the engine waits for it if it needs it first.
        std::thread::spawn(crate::toolchain::Linker::find);
    }
    let mut input = Input::load_verified(&opts.file)?;
    let backend = crate::backends::open(opts.backend)?;
    let mut notes = Vec::new();
    // Other backends compile `optnone` functions like any other: only LLVM's passes skip them.
    if opts.backend.transforms_ir() || opts.strip_optnone {
        notes.extend(handle_optnone(&mut input.module, opts.strip_optnone));
    }
    let mut user = Vec::new();
    for text in &opts.pipelines {
        let pipeline = backend
            .parse_pipeline(text)
            .map_err(|e| Error::Usage(format!("--pipeline `{text}`: {e}")))?;
        user.push(Candidate { pipeline, origin: Origin::User });
    }
    let mut skipped = Vec::new();
    for text in &opts.warm_start {
        match backend.parse_pipeline(text) {
            Ok(pipeline) => user.push(Candidate { pipeline, origin: Origin::Registry }),
            Err(e) => skipped.push(format!("`{text}` ({e})")),
        }
    }
    if !skipped.is_empty() {
        notes.push(format!(
            "skipped {} of the registry's plans that the {} backend cannot read: {}",
            skipped.len(),
            opts.backend,
            skipped.join("; ")
        ));
    }
    let space = backend.space();
    if space.baseline(&space.growth_base).is_none() {
        return Err(Error::Usage(format!(
            "the {} backend offers no baseline `{}` to search against",
            opts.backend, space.growth_base
        )));
    }
    let problem = LocalProblem {
        source: opts.file.clone(),
        module_hash: input.module.structural_hash(),
        backend: opts.backend,
        objective: opts.objective,
        run_args: opts.run_args.clone(),
        reference: None,
        budget: opts.budget.clone(),
    };
    let config = EngineConfig {
        backend: opts.backend,
        worker_exe: opts.worker_exe.clone(),
        jobs: opts.jobs.max(1),
        runs: opts.runs.max(1),
        clock: opts.timing.clock,
        run: opts.run,
        link: opts.link.clone(),
        verify_each_pass: opts.verify_each_pass,
    };
    let bitcode = input_bitcode(&opts.file, opts.strip_optnone)?;
    let engine = Engine::new(config, problem, &input.module, &bitcode)?;
    let problem = engine.problem().clone();
    let mut audit = Audit::open(opts.audit.as_deref())?;
    audit.record(AuditEntry::Started {
        problem: problem.id(),
        strategy: opts.strategy.name().into(),
        seed: opts.seed,
        jobs: opts.jobs,
    })?;
    let mut history = History::in_space(opts.objective, &space);
    history.set_learning(opts.avoid);
    if let Some(path) = opts.signals.as_ref().filter(|_| opts.resume) {
        let (signals, skipped) = read_signals(path, &problem.id())?;
        for (line, why) in skipped {
            eprintln!(
                "{}: warning: {}:{line}: skipping an unreadable signal: {why}",
                opts.speaker,
                path.display()
            );
        }
        for s in signals {
            audit.record(AuditEntry::Resumed { pipeline: s.pipeline.clone(), eval: s.eval })?;
            history.push(s);
        }
    }
    let sink = SignalSink::open(opts.signals.as_deref())
        .map_err(|source| Error::io(opts.signals.clone().unwrap_or_default(), source))?;
    let features = input.module.features();
    Ok(Prepared { space, engine, problem, audit, history, sink, user, features, notes })
}

/// The numbers of a search's next evaluations: on `--resume`, first those missing below the
/// highest one read back (a batch stores its contenders after the others, so a kill can leave
/// gaps), which the same candidates fill as in the search left alone, since a strategy
/// proposes again, first, what its seed proposed and the history lacks; then on from there.
struct EvalNumbers {
    gaps: std::collections::VecDeque<u64>,
    next: u64,
}

impl EvalNumbers {
    fn after(done: impl Iterator<Item = u64>) -> EvalNumbers {
        let done: std::collections::BTreeSet<u64> = done.collect();
        let next = done.last().map_or(1, |m| m + 1);
        let gaps = (1..next).filter(|e| !done.contains(e)).collect();
        EvalNumbers { gaps, next }
    }

    fn take(&mut self, n: usize) -> Vec<u64> {
        (0..n)
            .map(|_| {
                self.gaps.pop_front().unwrap_or_else(|| {
                    self.next += 1;
                    self.next - 1
                })
            })
            .collect()
    }
}

/// The next batch of up to `n` new candidates, in the form they are recorded in, each new text
/// once. A strategy does not know which of its proposals are the same once resolved (GCC's
/// `-O2 -Os` is `-Os`): it is asked again before it counts as finished. A proposal with a pass
/// or pair that broke this program before is dropped too (the strategies avoid them; this
/// catches fixed lists such as known sequences), except the presets and the user's own.
fn next_batch(
    strategy: &mut dyn Strategy,
    space: &Space,
    history: &History,
    rng: &mut Rng,
    n: usize,
) -> Vec<Candidate> {
    for _ in 0..PROPOSALS {
        let mut texts = HashSet::new();
        let batch: Vec<Candidate> = strategy
            .propose(history, rng, n)
            .into_iter()
            .filter_map(|c| Some(Candidate { pipeline: space.canonical(c.pipeline)?, ..c }))
            .filter(|c| {
                // Canonical already: its text is its key.
                let text = c.pipeline.text();
                !history.seen_text(&text) && texts.insert(text)
            })
            .filter(|c| {
                matches!(c.origin, Origin::Preset | Origin::User) || !history.avoids(&c.pipeline)
            })
            .collect();
        if !batch.is_empty() {
            return batch;
        }
    }
    Vec::new()
}

/// Evaluates the strategy's batches until the budget or the strategy ends; returns why it
/// stopped. The baselines come first, then the user's pipelines.
fn search(opts: &OptimizeOptions, s: &mut Prepared, start: Instant) -> Result<String, Error> {
    let baselines = s
        .space
        .baselines
        .iter()
        .map(|(_, p)| Candidate { pipeline: p.clone(), origin: Origin::Preset });
    // What the first batch measures whatever the time budget, as the stop reason names it.
    let mut always = String::from("the baselines");
    if opts.strategy == StrategyKind::Presets {
        always.push_str(if s.user.is_empty() { " and the presets" } else { ", the presets" });
    }
    if !s.user.is_empty() {
        always.push_str(" and your pipelines");
    }
    let mut first: Vec<Candidate> = baselines.chain(std::mem::take(&mut s.user)).collect();
    // The presets strategy's list depends on no result either: it joins the first batch.
    if opts.strategy == StrategyKind::Presets {
        let presets = s.space.presets.iter().cloned();
        first.extend(presets.map(|pipeline| Candidate { pipeline, origin: Origin::Preset }));
    }
    let mut first_batch = first.len().clamp(BATCH, FIRST_BATCH);
    let mut strategy = Chain::new(vec![
        Box::new(Fixed::new(first)),
        opm_search::make(
            opts.strategy,
            opts.objective,
            &s.space,
            &s.features.named().collect::<Vec<_>>(),
        ),
    ]);
    let mut rng = Rng::new(opts.seed);
    let budget = &opts.budget;
    let progress = Mutex::new(Progress::new(opts.progress, budget, opts.objective));
    let write_error: Mutex<Option<std::io::Error>> = Mutex::new(None);
    let mut numbers = EvalNumbers::after(s.history.signals.iter().map(|s| s.eval));
    let growth_base = s.space.baseline(&s.space.growth_base).cloned();
    let mut limit_adapted = false;
    let mut last_batch = Duration::ZERO;
    let (mut first_iteration, mut refused_module) = (true, false);
    // How long the first batch took, when that alone used up the time budget.
    let mut first_over: Option<Duration> = None;
    // No candidate of the strategy starts once the time budget is used, even within a batch.
    s.engine.set_deadline(budget.wall_time.map(|t| start + t));

    let stop_reason = loop {
        // Said first: it is why the rest of the budget is not used.
        if refused_module {
            break format!(
                "{} refuses this module: every candidate of the first batch was unsupported",
                opts.backend.name()
            );
        }
        let done = s.history.signals.len() as u64;
        if let Some(max) = budget.max_evals
            && done >= max
        {
            break format!("evaluation budget ({max}) used");
        }
        // The first batch always runs: the baselines of the final table are in it (past the
        // time budget, only they and the user's pipelines are measured).
        if let Some(t) = budget.wall_time
            && done > 0
            && start.elapsed() >= t
        {
            // Past the budget already after the first batch: say why the search ran over it.
            break match first_over {
                Some(took) => format!(
                    "time budget ({}) used up by the first batch ({}): {always} are measured \
                     whatever the budget",
                    duration_text(t, 0),
                    duration_text(took, 1)
                ),
                None => format!("time budget ({}) used", duration_text(t, 0)),
            };
        }
        let first = std::mem::replace(&mut first_iteration, false);
        let size = std::mem::replace(&mut first_batch, BATCH);
        let n = budget.max_evals.map_or(size, |m| size.min((m - done) as usize)).max(1);
        let batch = next_batch(&mut strategy, &s.space, &s.history, &mut rng, n);
        if batch.is_empty() {
            break format!("strategy `{}` finished", opts.strategy.name());
        }
        let on_signal = |signal: &PerformanceSignal| {
            // A signal judged against a reference whose output varies is not kept.
            if s.engine.reference_failure().is_some() {
                return;
            }
            if let Err(e) = s.sink.write(signal) {
                lock(&write_error).get_or_insert(e);
            }
            if let Some(observer) = &opts.observer {
                (observer.0)(signal);
            }
            lock(&progress).update(signal);
        };
        // The winner is written again after the search (to be checked, or written out): the
        // last batch's leader is written ahead while the batch's last candidates are measured.
        // A batch is likely the last when the strategy proposes a fixed list, when the
        // evaluation budget ends with it, or when a batch as long as the last one would use
        // up the time budget.
        let last = opts.strategy == StrategyKind::Presets
            || budget.max_evals.is_some_and(|m| done + batch.len() as u64 >= m)
            || budget.wall_time.is_some_and(|t| start.elapsed() + last_batch >= t);
        // Without an output, a winner is written again only when its run did not match the
        // reference's during the search, which the leader's check ahead makes rare.
        let winner_written = opts.output.is_some();
        s.engine.write_leaders_ahead(last && winner_written);
        let batch_start = Instant::now();
        // The first valid candidate is checked too: it becomes the best.
        let evals = numbers.take(batch.len());
        let signals = s.engine.evaluate_all(&batch, &evals, s.history.best_rank(), &on_signal);
        // A backend that compiles the input as it is (Cranelift, GCC) and refuses every
        // candidate of the first batch, its baselines among them, refuses the module: its
        // other settings would be refused for the same construct.
        refused_module = first
            && !opts.backend.transforms_ir()
            && !signals.is_empty()
            && signals.iter().all(|s| s.verdict == Verdict::Unsupported);
        last_batch = batch_start.elapsed();
        let elapsed = start.elapsed();
        if first && budget.wall_time.is_some_and(|t| elapsed >= t) {
            first_over = Some(elapsed);
        }
        if let Some(source) = lock(&write_error).take() {
            return Err(Error::io(opts.signals.clone().unwrap_or_default(), source));
        }
        // The reference's run is over by the end of the first batch (waited for here if no
        // candidate needed it).
        s.engine.reference_output();
        if let Some(failure) = s.engine.reference_failure() {
            return Err(failure);
        }
        for signal in signals {
            s.audit.record(AuditEntry::Evaluated {
                pipeline: signal.pipeline.clone(),
                eval: signal.eval,
                verdict: signal.verdict,
                score: signal.score(),
            })?;
            let before = s.history.best().cloned();
            if s.history.push(signal)
                && let Some(after) = s.history.best()
            {
                s.audit.record(AuditEntry::NewBest(PlanDelta::between(before.as_ref(), after)))?;
            }
            for avoided in s.history.take_avoided() {
                s.audit.record(AuditEntry::Avoided(avoided))?;
            }
        }
        if let Some(base) = growth_base.as_ref().and_then(|p| s.history.signal_of(p))
            && let Some(bytes) = base.metrics.text_bytes
        {
            s.engine.set_growth_base(&s.space.growth_base, bytes);
        }
        if !budget.compile_timeout_fixed && !limit_adapted {
            limit_adapted = adapt_compile_limit(&s.engine, &s.history, &s.space);
        }
    };
    lock(&progress).finish();
    if s.history.avoided_count() > 0 {
        s.notes.push(avoided_note(&s.audit));
    }
    s.audit.record(AuditEntry::Stopped {
        reason: stop_reason.clone(),
        evals: s.history.signals.len() as u64,
    })?;
    Ok(stop_reason)
}

/// A duration as the stop reason names it: in seconds with `decimals` places, in milliseconds
/// below one second.
fn duration_text(d: Duration, decimals: usize) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.*} s", decimals, d.as_secs_f64())
    }
}

/// What the search learned to avoid, in one line: the features and the evidence.
fn avoided_note(audit: &Audit) -> String {
    let avoided: Vec<String> = audit
        .log()
        .entries()
        .iter()
        .filter_map(|e| match e {
            AuditEntry::Avoided(a) => {
                Some(format!("{} ({} broken, {} ok)", a.feature, a.broken, a.valid))
            }
            _ => None,
        })
        .collect();
    format!(
        "the search stopped proposing what broke nearly every candidate containing it ({}): {}",
        avoided.len(),
        avoided.join("; ")
    )
}

/// Once the baselines are measured, limits a candidate's work in a worker to 10× the slowest
/// baseline's (passes, checks and code generation; between 10 s and the budget's limit): a
/// pass that runs away on this module does not eat the budget. Returns whether the baselines
/// were there.
fn adapt_compile_limit(engine: &Engine, history: &History, space: &Space) -> bool {
    let mut slowest: Option<f64> = None;
    for (_, p) in &space.baselines {
        let Some(s) = history.signal_of(p) else { return false };
        let ms = s.metrics.pass_ms.unwrap_or(0.0)
            + s.metrics.check_ms.unwrap_or(0.0)
            + s.metrics.codegen_ms.unwrap_or(0.0);
        slowest = Some(slowest.map_or(ms, |m: f64| m.max(ms)));
    }
    let cap = engine.problem().budget.compile_timeout;
    let limit = Duration::from_secs_f64(slowest.unwrap_or(0.0) * 10.0 / 1e3)
        .max(Duration::from_secs(10))
        .min(cap);
    engine.set_compile_limit(limit);
    true
}

/// For the runtime objective, what the reference build's run says of timing this program:
/// shorter than the timing floor, every timed run repeats it; far shorter, it is too short to
/// time. Waits for the reference's run.
fn timing_note(opts: &OptimizeOptions, engine: &Engine) -> Option<String> {
    use crate::timing::{MAX_RUNS_PER_SAMPLE, RunsPerSample, runs_per_sample};
    if opts.objective != Objective::Runtime || !opts.run {
        return None;
    }
    let one = engine.reference_time(opts.timing.clock)?;
    let floor = opm_search::timing::TIMING_FLOOR;
    let ms = one.as_secs_f64() * 1e3;
    let clock = match opts.timing.clock {
        opm_search::Clock::Cpu => "CPU time",
        opm_search::Clock::Wall => "wall-clock time",
    };
    match runs_per_sample(one) {
        RunsPerSample::Runs(1) => None,
        RunsPerSample::Runs(n) => Some(format!(
            "the program runs {ms:.1} ms of {clock} without passes, under the {} ms timing \
             floor: each timed run of a candidate repeats it until it lasts {} ms (now {n} \
             times, at most {MAX_RUNS_PER_SAMPLE})",
            floor.as_millis(),
            floor.as_millis()
        )),
        RunsPerSample::TooShort => Some(format!(
            "the program runs {ms:.2} ms of {clock} without passes: too short to time (even \
             {MAX_RUNS_PER_SAMPLE} runs in a row last less than the {} ms timing floor, and \
             starting the process is much of what would be measured); candidates are ranked \
             by what is measured, but no winner is claimed faster than the baseline",
            floor.as_millis()
        )),
    }
}

/// The winner: the best candidate whose result, written again, is what was measured and (for
/// a program) prints what the reference prints. Returns it and whether its output was
/// compared.
fn pick_winner(
    opts: &OptimizeOptions,
    s: &mut Prepared,
) -> Result<(Option<PerformanceSignal>, bool, Option<Confirmation>), Error> {
    // Run time is confirmed against the usual level (LLVM's and gcc's O2, Cranelift's
    // `speed`), the one code growth is measured against.
    let base = &s.space.growth_base;
    let baseline = s.space.baseline(base).map(|p| (base.as_str(), p));
    winner::pick(opts, &s.engine, &mut s.history, &s.sink, &mut s.audit, &mut s.notes, baseline)
}

#[cfg(test)]
mod tests {
    use super::EvalNumbers;

    #[test]
    fn a_resumed_search_fills_the_numbers_a_kill_left_out_first() {
        let mut n = EvalNumbers::after([1, 2, 4, 3, 7, 5].into_iter());
        assert_eq!(n.take(2), [6, 8]);
        assert_eq!(n.take(2), [9, 10]);
        assert_eq!(EvalNumbers::after(std::iter::empty()).take(3), [1, 2, 3]);
    }
}
