//! Running a lab: every program of a corpus × every backend × every strategy, each a search
//! (`optimize`) whose every measurement is stored in the database as soon as it is final.
//! A task that ended (done or failed) is not run again when the lab is run again with the same
//! tag, so an interrupted lab resumes; a program that fails does not stop the others.

use super::store::{
    Baseline, ConfirmationPairs, Database, LabConfig, RunId, RunInfo, Store, StoreError, Task,
};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use opm_backend::BackendKind as Backend;
use opm_engine::optimize::{Observer, OptimizeOptions, optimize};
use opm_search::{Budget, Objective, PerformanceSignal, StrategyKind};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

/// A lab's options (`opm-driver bench`).
#[derive(Clone, Debug)]
pub struct LabOptions {
    /// A directory of `.c` and `.ll` programs, with an optional `manifest.json`.
    pub corpus: PathBuf,
    pub backends: Vec<Backend>,
    pub strategies: Vec<StrategyKind>,
    pub objective: Objective,
    /// Per task (program × backend × strategy).
    pub budget_evals: Option<u64>,
    /// Per task.
    pub budget_time: Option<Duration>,
    /// The database: a SQLite file or a PostgreSQL URL.
    pub db: Database,
    pub tag: String,
    pub jobs: usize,
    /// Timed runs per candidate (runtime objective).
    pub runs: usize,
    /// The time limit of one run of a program, the reference's included (`None`: the
    /// engine's defaults, 10× the reference's run for a candidate's, 120 s for the
    /// reference's).
    pub run_timeout: Option<Duration>,
    /// The time limit of one candidate's passes and code generation, the reference build's
    /// included (`None`: the engine's default, adapted to the baselines).
    pub compile_timeout: Option<Duration>,
    pub seed: u64,
    /// Show progress on stderr: a progress bar on a terminal, otherwise a line per finished
    /// task.
    pub progress: bool,
    /// The `opm-driver` executable to start workers from.
    pub worker_exe: PathBuf,
    /// The commit opm was built from, recorded with the run.
    pub opm_commit: String,
}

/// What `manifest.json` may say of one program.
#[derive(Clone, Debug, Default, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProgramEntry {
    /// Arguments for every run of the program.
    #[serde(default)]
    pub args: Vec<String>,
    /// Extra flags for clang when the program is C (`-DN=1000`).
    #[serde(default)]
    pub cflags: Vec<String>,
    /// Leave the program out.
    #[serde(default)]
    pub skip: bool,
}

/// `manifest.json`: `{"programs": {"name": {"args": [...], "cflags": [...], "skip": false}}}`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    #[serde(default)]
    programs: BTreeMap<String, ProgramEntry>,
}

/// A program of the corpus, ready to search.
#[derive(Clone, Debug)]
pub struct Program {
    pub name: String,
    pub source: PathBuf,
    pub entry: ProgramEntry,
}

/// Why a lab could not run at all (a program's own failure is recorded, not returned).
#[derive(Debug, thiserror::Error)]
pub enum LabError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{path}: {message}")]
    Corpus { path: PathBuf, message: String },
    /// A backend the lab was asked for cannot be used here (no gcc, say).
    #[error("--backends {backend}: {source}")]
    Backend { backend: Backend, source: opm_engine::Error },
}

impl LabError {
    /// The process exit status for this error: 2 (the user's corpus, database or machine is at
    /// fault), or what the backend's error says.
    pub fn exit_code(&self) -> u8 {
        match self {
            LabError::Backend { source, .. } => source.exit_code(),
            _ => 2,
        }
    }
}

impl LabOptions {
    /// The options stored with the run.
    pub fn config(&self) -> LabConfig {
        LabConfig {
            corpus: self.corpus.clone(),
            backends: self.backends.clone(),
            strategies: self.strategies.clone(),
            objective: self.objective,
            budget_evals: self.budget_evals,
            budget_time_s: self.budget_time.map(|t| t.as_secs_f64()),
            runs: self.runs,
            seed: self.seed,
            jobs: self.jobs,
            run_timeout_s: self.run_timeout.map(|t| t.as_secs_f64()),
            compile_timeout_s: self.compile_timeout.map(|t| t.as_secs_f64()),
        }
    }
}

/// How a lab went: tasks run now, skipped as already ended, and failed now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabSummary {
    pub run: usize,
    pub skipped: usize,
    pub failed: usize,
}

/// The entries of a corpus's `manifest.json`, by program name.
pub fn parse_manifest(text: &str) -> Result<BTreeMap<String, ProgramEntry>, String> {
    serde_json::from_str::<Manifest>(text)
        .map(|m| m.programs)
        .map_err(|e| format!("invalid manifest: {e}"))
}

/// The programs of a corpus directory, by name, with their manifest entries.
pub fn corpus_programs(dir: &Path) -> Result<Vec<Program>, LabError> {
    let corpus_error =
        |path: &Path, message: String| LabError::Corpus { path: path.to_path_buf(), message };
    let manifest_path = dir.join("manifest.json");
    let manifest = match std::fs::read_to_string(&manifest_path) {
        Ok(text) => parse_manifest(&text).map_err(|e| corpus_error(&manifest_path, e))?,
        Err(_) => BTreeMap::new(),
    };
    let entries = std::fs::read_dir(dir).map_err(|e| corpus_error(dir, e.to_string()))?;
    let mut programs = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| corpus_error(dir, e.to_string()))?.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "c" | "ll") {
            continue;
        }
        // Only regular files: a FIFO would block the reading for ever, a directory fail late.
        match std::fs::metadata(&path) {
            Ok(m) if m.is_file() => {}
            Ok(_) => return Err(corpus_error(&path, "not a regular file".into())),
            Err(e) => return Err(corpus_error(&path, e.to_string())),
        }
        let name = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        let entry = manifest.get(&name).cloned().unwrap_or_default();
        if !entry.skip {
            programs.push(Program { name, source: path, entry });
        }
    }
    for (name, entry) in &manifest {
        if !programs.iter().any(|p| &p.name == name) && !entry.skip {
            return Err(corpus_error(&manifest_path, format!("`{name}` is not in the corpus")));
        }
    }
    if programs.is_empty() {
        return Err(corpus_error(dir, "no .c or .ll programs".into()));
    }
    programs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(programs)
}

/// The versions and machine a run records.
pub fn run_info(opts: &LabOptions) -> RunInfo {
    let tools = opm_engine::backends::tool_versions();
    RunInfo {
        tag: opts.tag.clone(),
        machine: machine(),
        llvm: tools.llvm,
        cranelift: tools.cranelift,
        gcc: tools.gcc,
        opm_commit: opts.opm_commit.clone(),
        config: opts.config(),
    }
}

/// The machine: its CPU model and number of CPUs.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string());
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!("{cpu}, {cpus} CPUs")
}

/// What a lab needs before it touches the database: its programs, and the baselines of every
/// backend asked for (opening each, so that a backend that cannot be used here stops the lab
/// before hours of searches start).
struct Plan {
    programs: Vec<Program>,
    baselines: Vec<(Backend, Vec<Baseline>)>,
}

fn plan(opts: &LabOptions) -> Result<Plan, LabError> {
    let programs = corpus_programs(&opts.corpus)?;
    let mut baselines = Vec::new();
    for &backend in &opts.backends {
        let space = opm_engine::backends::open(backend)
            .map_err(|source| LabError::Backend { backend, source })?
            .space();
        // As the searches measure them: in canonical form.
        let named = space
            .baselines
            .iter()
            .map(|(name, p)| Baseline { backend, name: name.clone(), pipeline: space.key(p) })
            .collect();
        baselines.push((backend, named));
    }
    Ok(Plan { programs, baselines })
}

/// Runs the lab into the database `opts.db`: every task not ended yet under this tag, each
/// measurement stored at once.
pub fn run_lab(opts: &LabOptions) -> Result<LabSummary, LabError> {
    let plan = plan(opts)?;
    let store = opts.db.open()?;
    execute(&*store, opts, &plan)
}

/// Runs the lab into `store` (`opts.db` is used only for the lab's work files).
pub fn run_lab_in(store: &dyn Store, opts: &LabOptions) -> Result<LabSummary, LabError> {
    let plan = plan(opts)?;
    execute(store, opts, &plan)
}

fn execute(store: &dyn Store, opts: &LabOptions, plan: &Plan) -> Result<LabSummary, LabError> {
    let run = store.begin_run(&run_info(opts))?;
    for (backend, baselines) in &plan.baselines {
        store.record_baselines(run, *backend, baselines)?;
    }
    let work = opts.db.work_dir();
    let total = plan.programs.len() * opts.backends.len() * opts.strategies.len();
    let progress = Progress::new(opts.progress, total);
    let mut summary = LabSummary::default();
    let mut done = 0;
    // The (program, backend) pairs whose speed reference was measured: said once, by the
    // first search that measured it, whether it is under the timing floor.
    let mut floors_said: BTreeSet<(String, Backend)> = BTreeSet::new();
    for program in &plan.programs {
        let hash = source_hash(program);
        // The IR's path is part of the module's name, which Cranelift writes into the object:
        // one path per source, whatever the tag, so that an unchanged program compiles to the
        // same binary in every run (and `compare` can tell).
        let prepared = prepare(program, &work.join(&hash[..16]));
        let args = serde_json::to_string(&program.entry.args).unwrap_or_default();
        let program_id = store.program(&program.name, &hash, &args)?;
        for &backend in &opts.backends {
            for &strategy in &opts.strategies {
                done += 1;
                let name = format!("{} · {} · {}", program.name, backend.name(), strategy.name());
                let task = Task { program: program_id, backend, strategy };
                if store.task_ended(run, &task)? {
                    summary.skipped += 1;
                    progress.finished(done, &name, "already measured");
                    continue;
                }
                store.drop_unfinished(run, &task)?;
                progress.searching(done, &name);
                let mut watch = |signal: &PerformanceSignal| {
                    if opts.objective != Objective::Runtime
                        || floors_said.contains(&(program.name.clone(), backend))
                    {
                        return;
                    }
                    let Some(reference) = speed_reference(plan, backend) else { return };
                    if signal.verdict != opm_search::Verdict::Ok
                        || signal.pipeline.text() != reference.pipeline
                    {
                        return;
                    }
                    let Some(runtime) = &signal.metrics.runtime else { return };
                    floors_said.insert((program.name.clone(), backend));
                    if let Some(note) = floor_note(&reference.name, runtime) {
                        progress.note(&format!("{} · {}: {note}", program.name, backend.name()));
                    }
                };
                let outcome = match &prepared {
                    Ok(ir) => search_watching(
                        opts,
                        ir,
                        &program.entry.args,
                        &task,
                        store,
                        run,
                        None,
                        &mut watch,
                    ),
                    Err(why) => Err(why.clone()),
                };
                let failure = outcome.err();
                if failure.is_some() {
                    summary.failed += 1;
                }
                summary.run += 1;
                progress.finished(done, &name, failure.as_deref().unwrap_or("done"));
                store.finish_task(run, &task, failure.as_deref())?;
            }
        }
    }
    store.finish_run(run)?;
    drop(progress);
    Ok(summary)
}

/// How enqueuing a lab went: searches put on the queue now, already there, and already ended.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnqueueSummary {
    pub enqueued: usize,
    pub queued_before: usize,
    pub ended: usize,
    /// Programs whose IR could not be made (clang failed): their searches are recorded as
    /// failed.
    pub failed: usize,
}

/// Puts the lab's searches on the PostgreSQL queue instead of running them: the run with this
/// machine's tool versions and options, its baselines, each program's IR, and a queue row per
/// search that has not ended. Run-time searches are pinned to `class` (the default class when
/// `None`). Enqueuing the same tag again adds only what is missing.
pub fn enqueue_lab(
    store: &crate::store::PgStore,
    opts: &LabOptions,
    class: Option<&str>,
) -> Result<EnqueueSummary, LabError> {
    let plan = plan(opts)?;
    let run = store.begin_run(&run_info(opts))?;
    for (backend, baselines) in &plan.baselines {
        store.record_baselines(run, *backend, baselines)?;
    }
    let class = crate::queue::queue_class(opts.objective, class);
    let work = opts.db.work_dir();
    let mut summary = EnqueueSummary::default();
    for program in &plan.programs {
        let hash = source_hash(program);
        let args = serde_json::to_string(&program.entry.args).unwrap_or_default();
        let program_id = store.program(&program.name, &hash, &args)?;
        let ir = prepare(program, &work.join(&hash[..16])).and_then(|path| {
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
        });
        if let Ok(ir) = &ir {
            crate::queue::keep_source(store, program_id, ir)?;
        }
        for &backend in &opts.backends {
            for &strategy in &opts.strategies {
                let task = Task { program: program_id, backend, strategy };
                if store.task_ended(run, &task)? {
                    summary.ended += 1;
                } else if let Err(why) = &ir {
                    store.finish_task(run, &task, Some(why))?;
                    summary.failed += 1;
                } else if crate::queue::enqueue(store, run, &task, class.as_deref())? {
                    summary.enqueued += 1;
                } else {
                    summary.queued_before += 1;
                }
            }
        }
    }
    Ok(summary)
}

/// The backend's speed reference among the lab's baselines (LLVM's and GCC's O2, Cranelift's
/// `speed`: [`crate::report::SPEED_REFERENCE`]).
fn speed_reference(plan: &Plan, backend: Backend) -> Option<&Baseline> {
    let (_, baselines) = plan.baselines.iter().find(|(b, _)| *b == backend)?;
    baselines
        .iter()
        .find(|b| crate::report::SPEED_REFERENCE.contains(&(backend.name(), b.name.as_str())))
}

/// What the speed reference `name`'s run times say of timing the program, before the search
/// spends its budget: under the timing floor, each timed measurement repeats the program;
/// under a twentieth of it, the program is too short to time and no speed-up will be claimed.
/// `None` for a program long enough.
pub fn floor_note(name: &str, runtime: &opm_search::RuntimeStats) -> Option<String> {
    let floor = opm_search::timing::TIMING_FLOOR.as_secs_f64() * 1e3;
    let most = opm_engine::timing::MAX_RUNS_PER_SAMPLE;
    let ms = runtime.median_ns / 1e6;
    let clock = match runtime.clock {
        opm_search::Clock::Cpu => "CPU time",
        opm_search::Clock::Wall => "wall-clock time",
    };
    if !ms.is_finite() || ms >= floor {
        return None;
    }
    Some(if ms * f64::from(most) < floor {
        format!(
            "{name} runs {ms:.2} ms of {clock}: too short to time (even {most} runs in a row \
             last less than the {floor:.0} ms timing floor); no speed-up will be claimed for \
             it — give it a larger input (manifest.json's `args`)"
        )
    } else {
        format!(
            "{name} runs {ms:.1} ms of {clock}, under the {floor:.0} ms timing floor: each timed \
             measurement repeats it until it lasts {floor:.0} ms ({} runs), and a speed-up is \
             claimed only once confirmed in interleaved pairs",
            runtime.runs_per_sample.max(1)
        )
    })
}

/// The engine's confirmation of a run-time winner as the lab stores it.
fn confirmation_pairs(c: &opm_engine::timing::Confirmation) -> ConfirmationPairs {
    ConfirmationPairs {
        baseline_ms: c.timed_ns.iter().map(|(b, _)| b / 1e6).collect(),
        winner_ms: c.timed_ns.iter().map(|(_, w)| w / 1e6).collect(),
        clock: c.clock,
        threshold: c.threshold,
        confidence: c.confidence,
        runs_per_sample: c.runs_per_sample,
        too_short: c.verdict == "too-short-to-time",
    }
}

/// What the search's thread tells the lab's: a signal to store (answered once it is stored,
/// so that the search goes on only then), or how the search ended (with the confirmation of
/// its run-time winner, and that winner's pipeline).
enum Message {
    Signal(Box<PerformanceSignal>, mpsc::SyncSender<()>),
    Done(Result<Option<(String, ConfirmationPairs)>, String>),
}

/// One task: a search of the IR `ir` (run with `args`) whose signals go to the store as they
/// come. The search runs on its own thread and hands each signal to this one, which stores it
/// before the search goes on. With `resume`, the search goes on from the signals that file
/// holds (stored earlier, and not stored again), and appends its own. A run-time winner's
/// confirmation against the backend's reference is stored with the winner when the search
/// ends.
pub fn search(
    opts: &LabOptions,
    ir: &Path,
    args: &[String],
    task: &Task,
    store: &dyn Store,
    run: RunId,
    resume: Option<&Path>,
) -> Result<(), String> {
    search_watching(opts, ir, args, task, store, run, resume, &mut |_| {})
}

/// [`search`], with `watch` told each signal once it is stored.
#[allow(clippy::too_many_arguments)]
pub fn search_watching(
    opts: &LabOptions,
    ir: &Path,
    args: &[String],
    task: &Task,
    store: &dyn Store,
    run: RunId,
    resume: Option<&Path>,
    watch: &mut dyn FnMut(&PerformanceSignal),
) -> Result<(), String> {
    let (sender, receiver) = mpsc::sync_channel::<Message>(0);
    let observer = {
        let sender = sender.clone();
        Observer(Arc::new(move |signal: &PerformanceSignal| {
            let (stored, wait) = mpsc::sync_channel(1);
            if sender.send(Message::Signal(Box::new(signal.clone()), stored)).is_ok() {
                let _ = wait.recv();
            }
        }))
    };
    let max_evals = Budget::evals_or_default(
        task.strategy,
        opts.budget_evals,
        opts.budget_time,
        super::DEFAULT_EVALS,
    );
    let options = OptimizeOptions {
        file: ir.to_path_buf(),
        output: None,
        backend: task.backend,
        objective: opts.objective,
        strategy: task.strategy,
        pipelines: Vec::new(),
        budget: Budget {
            max_evals,
            wall_time: opts.budget_time,
            run_timeout: opts.run_timeout,
            compile_timeout: opts
                .compile_timeout
                .unwrap_or(opm_search::problem::DEFAULT_COMPILE_TIMEOUT),
            compile_timeout_fixed: opts.compile_timeout.is_some(),
            ..Budget::default()
        },
        jobs: opts.jobs,
        signals: resume.map(Path::to_path_buf),
        resume: resume.is_some(),
        seed: opts.seed,
        runs: opts.runs,
        timing: Default::default(),
        run_args: args.to_vec(),
        strip_optnone: false,
        run: true,
        audit: None,
        progress: false,
        speaker: "opm-driver",
        worker_exe: opts.worker_exe.clone(),
        observer: Some(observer),
        link: Default::default(),
        verify_each_pass: true,
        avoid: true,
        warm_start: Vec::new(),
    };
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let outcome = optimize(&options).map_err(|e| e.to_string()).and_then(|report| {
                match report.best {
                    Some(_) => Ok(report
                        .confirmation
                        .as_ref()
                        .map(|c| (c.winner_pipeline.clone(), confirmation_pairs(c)))),
                    None => Err(format!("no valid candidate ({})", report.stop_reason)),
                }
            });
            // The observer (and its sender) goes with the options.
            drop(options);
            let _ = sender.send(Message::Done(outcome));
        });
        let mut failed: Option<String> = None;
        // Until the search ends; should its thread panic, the channel closes and the scope
        // passes the panic on.
        let mut outcome = Err("the search ended without a result".to_string());
        for message in receiver.iter() {
            match message {
                Message::Signal(signal, stored) => {
                    match store.record(run, task.program, task.strategy, &signal) {
                        Ok(()) => watch(&signal),
                        Err(e) => {
                            failed.get_or_insert(e.to_string());
                        }
                    }
                    let _ = stored.send(());
                }
                Message::Done(result) => {
                    outcome = result.and_then(|confirmed| {
                        let Some((winner, pairs)) = confirmed else { return Ok(()) };
                        match store.record_confirmation(run, task, &winner, &pairs) {
                            Ok(_) => Ok(()),
                            Err(e) => Err(format!("storing the winner's confirmation failed: {e}")),
                        }
                    });
                    break;
                }
            }
        }
        match failed {
            Some(e) => Err(format!("storing a measurement failed: {e}")),
            None => outcome,
        }
    })
}

/// The IR a program is searched from: a `.ll` as it is; a `.c` compiled by clang-22 without
/// LLVM's passes and without `optnone` (`-O1 -Xclang -disable-llvm-passes`), so that every
/// pipeline starts from the same unoptimised IR.
pub fn prepare(program: &Program, work: &Path) -> Result<PathBuf, String> {
    if program.source.extension().is_some_and(|e| e == "ll") {
        return Ok(program.source.clone());
    }
    std::fs::create_dir_all(work).map_err(|e| format!("{}: {e}", work.display()))?;
    let ir = work.join(format!("{}.ll", program.name));
    let out = std::process::Command::new("clang-22")
        .args(["-O1", "-Xclang", "-disable-llvm-passes", "-S", "-emit-llvm", "-w"])
        .args(&program.entry.cflags)
        .arg(&program.source)
        .arg("-o")
        .arg(&ir)
        .output()
        .map_err(|e| format!("cannot run clang-22 ({e}); install it: apt-get install clang-22"))?;
    if !out.status.success() {
        return Err(format!("clang-22 failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(ir)
}

/// The SHA-256 of a program's source and clang flags: a program that changed is another
/// program.
fn source_hash(program: &Program) -> String {
    let mut h = Sha256::new();
    h.update(std::fs::read(&program.source).unwrap_or_default());
    for f in &program.entry.cflags {
        h.update([0]);
        h.update(f.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The lab's progress on stderr: a progress bar on a terminal (the task being searched, the
/// tasks that ended printed above it); otherwise one plain line per ended task
/// (`3/12 nbody · llvm · auto: done`), which logs read well.
enum Progress {
    Off,
    Lines { total: usize },
    Bar(ProgressBar),
}

impl Progress {
    fn new(enabled: bool, total: usize) -> Progress {
        if !enabled {
            return Progress::Off;
        }
        if !std::io::stderr().is_terminal() {
            return Progress::Lines { total };
        }
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
        if let Ok(style) =
            ProgressStyle::with_template("[{bar:20}] {pos:>3}/{len}  {elapsed_precise}  {wide_msg}")
        {
            bar.set_style(style.progress_chars("#>-"));
        }
        bar.enable_steady_tick(Duration::from_millis(500));
        Progress::Bar(bar)
    }

    /// Task number `n` is being searched.
    fn searching(&self, n: usize, task: &str) {
        if let Progress::Bar(bar) = self {
            bar.set_position(n.saturating_sub(1) as u64);
            bar.set_message(format!("{task}: searching"));
        }
    }

    /// Something to know about a task's timing, said whether or not progress is shown.
    fn note(&self, text: &str) {
        match self {
            Progress::Bar(bar) => bar.println(format!("note: {text}")),
            _ => eprintln!("note: {text}"),
        }
    }

    /// Task number `n` ended as `state` says (`done`, `already measured`, or why it failed;
    /// its first line).
    fn finished(&self, n: usize, task: &str, state: &str) {
        let state = state.lines().next().unwrap_or_default();
        match self {
            Progress::Off => {}
            Progress::Lines { total } => eprintln!("{n}/{total} {task}: {state}"),
            Progress::Bar(bar) => {
                let total = bar.length().unwrap_or_default();
                bar.println(format!("{n}/{total} {task}: {state}"));
                bar.set_position(n as u64);
            }
        }
    }
}

impl Drop for Progress {
    /// The bar goes when the lab ends, however it ends; the lines it printed stay.
    fn drop(&mut self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        std::fs::write(dir.join(name), text).unwrap();
    }

    #[test]
    fn a_corpus_reads_its_manifest() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "b.c", "int main(void) { return 0; }\n");
        write(dir.path(), "a.ll", "");
        write(dir.path(), "skip.c", "");
        write(dir.path(), "notes.txt", "");
        write(
            dir.path(),
            "manifest.json",
            r#"{"programs": {"b": {"args": ["7"], "cflags": ["-DEXTRA"]}, "skip": {"skip": true}}}"#,
        );
        let programs = corpus_programs(dir.path()).unwrap();
        let names: Vec<&str> = programs.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert_eq!(programs[1].entry.args, ["7"]);
        // The flags are part of the program's identity.
        let plain = Program { entry: ProgramEntry::default(), ..programs[1].clone() };
        assert_ne!(source_hash(&programs[1]), source_hash(&plain));

        write(dir.path(), "manifest.json", r#"{"programs": {"gone": {}}}"#);
        let e = corpus_programs(dir.path()).unwrap_err();
        assert!(e.to_string().contains("`gone` is not in the corpus"), "{e}");
    }

    #[test]
    fn a_program_under_the_timing_floor_is_said_before_its_search_spends_the_budget() {
        let cpu = |ms: f64, runs| {
            let ns = vec![(ms * 1e6) as u64; 5];
            opm_search::RuntimeStats::measured(ns.clone(), ns, opm_search::Clock::Cpu, runs)
                .unwrap()
        };
        assert_eq!(floor_note("O2", &cpu(30.0, 1)), None);
        let note = floor_note("O2", &cpu(4.0, 5)).unwrap();
        assert!(
            note.starts_with("O2 runs 4.0 ms of CPU time, under the 20 ms timing floor")
                && note.contains("each timed measurement repeats it until it lasts 20 ms (5 runs)"),
            "{note}"
        );
        let note = floor_note("speed", &cpu(0.4, 20)).unwrap();
        assert!(note.starts_with("speed runs 0.40 ms of CPU time: too short to time"), "{note}");
        assert!(
            note.contains(
                "(even 20 runs in a row last less than the 20 ms timing floor); no \
                 speed-up will be claimed"
            ),
            "{note}"
        );
    }

    #[test]
    fn the_stored_options_are_the_lab_options() {
        let opts = LabOptions {
            corpus: "corpus".into(),
            backends: vec![Backend::Llvm, Backend::Gcc],
            strategies: vec![StrategyKind::Auto],
            objective: Objective::Size,
            budget_evals: None,
            budget_time: Some(Duration::from_millis(2500)),
            db: Database::parse("lab.sqlite"),
            tag: "t".into(),
            jobs: 2,
            runs: 3,
            run_timeout: None,
            compile_timeout: None,
            seed: 9,
            progress: false,
            worker_exe: "opm-driver".into(),
            opm_commit: "c".into(),
        };
        let json = serde_json::to_value(opts.config()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "corpus": "corpus",
                "backends": ["llvm", "gcc"],
                "strategies": ["auto"],
                "objective": "size",
                "budget_evals": null,
                "budget_time_s": 2.5,
                "runs": 3,
                "seed": 9,
                "jobs": 2,
            })
        );
        // Time limits are stored when given, and read back by collectors.
        let limited = LabOptions {
            run_timeout: Some(Duration::from_secs(10)),
            compile_timeout: Some(Duration::from_millis(2500)),
            ..opts
        };
        let config = limited.config();
        assert_eq!(serde_json::to_value(&config).unwrap()["run_timeout_s"], 10.0);
        assert_eq!(serde_json::to_value(&config).unwrap()["compile_timeout_s"], 2.5);
        let back: LabConfig =
            serde_json::from_value(serde_json::to_value(&config).unwrap()).unwrap();
        assert_eq!(back, config);
    }
}
