//! Running a lab: every program of a corpus × every backend × every strategy, each a search
//! (`optimize`) whose every measurement is stored in the database as soon as it is final.
//! A task that ended (done or failed) is not run again when the lab is run again with the same
//! tag, so an interrupted lab resumes; a program that fails does not stop the others.

use super::store::{RunInfo, Store, StoreError};
use crate::build::Backend;
use crate::model::Objective;
use crate::optimize::{Observer, OptimizeOptions, optimize};
use crate::search::StrategyKind;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
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
    pub db: PathBuf,
    pub tag: String,
    pub jobs: usize,
    /// Timed runs per candidate (runtime objective).
    pub runs: usize,
    pub seed: u64,
    /// Draw a progress bar on stderr.
    pub progress: bool,
    /// The `opm-driver` executable to start workers from.
    pub worker_exe: PathBuf,
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
}

/// How a lab went: tasks run now, skipped as already ended, and failed now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LabSummary {
    pub run: usize,
    pub skipped: usize,
    pub failed: usize,
}

/// The programs of a corpus directory, by name, with their manifest entries.
pub fn corpus_programs(dir: &Path) -> Result<Vec<Program>, LabError> {
    let corpus_error =
        |path: &Path, message: String| LabError::Corpus { path: path.to_path_buf(), message };
    let manifest_path = dir.join("manifest.json");
    let manifest: Manifest = match std::fs::read_to_string(&manifest_path) {
        Ok(text) => serde_json::from_str(&text)
            .map_err(|e| corpus_error(&manifest_path, format!("invalid manifest: {e}")))?,
        Err(_) => Manifest::default(),
    };
    let entries = std::fs::read_dir(dir).map_err(|e| corpus_error(dir, e.to_string()))?;
    let mut programs = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| corpus_error(dir, e.to_string()))?.path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "c" | "ll") {
            continue;
        }
        let name = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        let entry = manifest.programs.get(&name).cloned().unwrap_or_default();
        if !entry.skip {
            programs.push(Program { name, source: path, entry });
        }
    }
    for name in manifest.programs.keys() {
        if !programs.iter().any(|p| &p.name == name) && !manifest.programs[name].skip {
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
    let gcc = opm_gcc::Gcc::find().map_or_else(|_| "none".into(), |g| g.version());
    let config = serde_json::json!({
        "corpus": opts.corpus,
        "backends": opts.backends.iter().map(|b| b.name()).collect::<Vec<_>>(),
        "strategies": opts.strategies.iter().map(|s| s.name()).collect::<Vec<_>>(),
        "objective": opts.objective.name(),
        "budget_evals": opts.budget_evals,
        "budget_time_s": opts.budget_time.map(|t| t.as_secs_f64()),
        "runs": opts.runs,
        "seed": opts.seed,
        "jobs": opts.jobs,
    });
    RunInfo {
        tag: opts.tag.clone(),
        machine: machine(),
        llvm: opm_llvm::llvm_version(),
        cranelift: opm_cranelift::CRANELIFT_VERSION.to_string(),
        gcc,
        opm_commit: env!("OPM_COMMIT").to_string(),
        config: config.to_string(),
    }
}

/// The machine: its CPU model and number of CPUs.
fn machine() -> String {
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

/// Runs the lab: every task not ended yet under this tag, each measurement stored at once.
pub fn run_lab(opts: &LabOptions) -> Result<LabSummary, LabError> {
    let programs = corpus_programs(&opts.corpus)?;
    let store = Store::open(&opts.db)?;
    let run = store.begin_run(&run_info(opts))?;
    let store = Arc::new(Mutex::new(store));
    let work = opts.db.with_extension("work");
    let total = programs.len() * opts.backends.len() * opts.strategies.len();
    let mut summary = LabSummary::default();
    let mut done = 0;
    for program in &programs {
        let hash = source_hash(program);
        // The IR's path is part of the module's name, which Cranelift writes into the object:
        // one path per source, whatever the tag, so that an unchanged program compiles to the
        // same binary in every run (and `compare` can tell).
        let prepared = prepare(program, &work.join(&hash[..16]));
        let program_id = {
            let st = store.lock().expect("store");
            let args = serde_json::to_string(&program.entry.args).unwrap_or_default();
            st.program(&program.name, &hash, &args)?
        };
        for &backend in &opts.backends {
            for &strategy in &opts.strategies {
                done += 1;
                let task = format!("{} · {} · {}", program.name, backend.name(), strategy.name());
                let ended = store.lock().expect("store").task_ended(
                    run,
                    program_id,
                    backend.name(),
                    strategy.name(),
                )?;
                if ended {
                    summary.skipped += 1;
                    bar(opts, done, total, &task, "already measured");
                    continue;
                }
                store.lock().expect("store").drop_unfinished(
                    run,
                    program_id,
                    backend.name(),
                    strategy.name(),
                )?;
                bar(opts, done, total, &task, "searching");
                let outcome = match &prepared {
                    Ok(ir) => search(opts, ir, program, backend, strategy, &store, run, program_id),
                    Err(why) => Err(why.clone()),
                };
                let failure = outcome.err();
                if failure.is_some() {
                    summary.failed += 1;
                }
                summary.run += 1;
                bar(opts, done, total, &task, failure.as_deref().unwrap_or("done"));
                store.lock().expect("store").finish_task(
                    run,
                    program_id,
                    backend.name(),
                    strategy.name(),
                    failure.as_deref(),
                )?;
            }
        }
    }
    store.lock().expect("store").finish_run(run)?;
    if opts.progress {
        eprintln!();
    }
    Ok(summary)
}

/// One task: a search whose signals go to the database as they come.
#[allow(clippy::too_many_arguments)]
fn search(
    opts: &LabOptions,
    ir: &Path,
    program: &Program,
    backend: Backend,
    strategy: StrategyKind,
    store: &Arc<Mutex<Store>>,
    run: i64,
    program_id: i64,
) -> Result<(), String> {
    let failed: Arc<Mutex<Option<String>>> = Arc::new(Mutex::new(None));
    let observer = {
        let (store, failed) = (Arc::clone(store), Arc::clone(&failed));
        let strategy = strategy.name().to_string();
        Observer(Arc::new(move |signal| {
            let stored = store.lock().expect("store").record(run, program_id, &strategy, signal);
            if let Err(e) = stored {
                failed.lock().expect("failure").get_or_insert(e.to_string());
            }
        }))
    };
    let unbounded = !matches!(strategy, StrategyKind::Presets | StrategyKind::Greedy);
    let max_evals = match (opts.budget_evals, opts.budget_time) {
        (None, None) if unbounded => Some(40),
        (n, _) => n,
    };
    let options = OptimizeOptions {
        file: ir.to_path_buf(),
        output: None,
        backend,
        objective: opts.objective,
        strategy,
        pipelines: Vec::new(),
        budget: crate::model::Budget {
            max_evals,
            wall_time: opts.budget_time,
            compile_timeout: Duration::from_secs(60),
            compile_timeout_fixed: false,
            run_timeout: None,
            memory_limit_mib: None,
            max_code_growth: None,
        },
        jobs: opts.jobs,
        signals: None,
        resume: false,
        seed: opts.seed,
        runs: opts.runs,
        run_args: program.entry.args.clone(),
        strip_optnone: false,
        run: true,
        audit: None,
        progress: false,
        worker_exe: opts.worker_exe.clone(),
        observer: Some(observer),
    };
    let report = optimize(&options).map_err(|e| e.to_string())?;
    if let Some(e) = failed.lock().expect("failure").take() {
        return Err(format!("storing a measurement failed: {e}"));
    }
    if report.best.is_none() {
        return Err(format!("no valid candidate ({})", report.stop_reason));
    }
    Ok(())
}

/// The IR a program is searched from: a `.ll` as it is; a `.c` compiled by clang-22 without
/// LLVM's passes and without `optnone` (`-O1 -Xclang -disable-llvm-passes`), so that every
/// pipeline starts from the same unoptimised IR.
fn prepare(program: &Program, work: &Path) -> Result<PathBuf, String> {
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
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// One line of the lab's progress bar: `[####----]  3/12  nbody · llvm · auto: searching`.
fn bar(opts: &LabOptions, done: usize, total: usize, task: &str, state: &str) {
    if !opts.progress {
        return;
    }
    let width = 20;
    let filled = (done * width).checked_div(total).unwrap_or(width);
    let line = format!(
        "[{}{}] {done:>3}/{total}  {task}: {state}",
        "#".repeat(filled),
        "-".repeat(width - filled)
    );
    let line: String = line.chars().take(110).collect();
    eprint!("\r\x1b[2K{line}");
    if state != "searching" {
        eprintln!();
    }
}
