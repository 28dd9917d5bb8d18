//! `opm-driver optimize`: search a pipeline for one module within a budget, record every
//! evaluation, and write the best module.

use crate::build::{DriverError, Input};
use crate::engine::{Candidate, Engine, EngineConfig, SignalSink};
use crate::model::{
    AuditEntry, AuditLog, Budget, LocalProblem, Objective, Origin, PerformanceSignal, PlanDelta,
    Verdict,
};
use crate::pipeline::Pipeline;
use crate::progress::Progress;
use crate::rng::Rng;
use crate::search::{self, Chain, Fixed, History, Strategy, StrategyKind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Candidates proposed at once. Fixed (not tied to `--jobs`) so that a seed gives the same
/// search at any parallelism up to this many jobs.
pub const BATCH: usize = 8;

/// The baselines every search measures first.
pub const BASELINES: [&str; 3] = ["O2", "O3", "Oz"];

/// What to optimise and how.
#[derive(Clone, Debug)]
pub struct OptimizeOptions {
    pub file: PathBuf,
    pub output: Option<PathBuf>,
    pub objective: Objective,
    pub strategy: StrategyKind,
    /// The user's own candidates, in LLVM's pipeline syntax.
    pub pipelines: Vec<String>,
    pub budget: Budget,
    pub jobs: usize,
    pub signals: Option<PathBuf>,
    pub resume: bool,
    pub seed: u64,
    pub runs: usize,
    pub run_args: Vec<String>,
    /// Remove `optnone` and `noinline` from functions (clang -O0 output).
    pub strip_optnone: bool,
    /// Run the program: the reference build, output checks (and timed runs for the runtime
    /// objective).
    pub run: bool,
    /// Append the audit log here (JSON lines).
    pub audit: Option<PathBuf>,
    /// Draw a progress bar on stderr.
    pub progress: bool,
    /// The `opm-driver` executable to start workers from.
    pub worker_exe: PathBuf,
}

/// The outcome of a search.
pub struct OptimizeReport {
    pub problem: LocalProblem,
    pub history: History,
    /// The winner, checked: its IR verified (and its output compared when it can run).
    pub best: Option<PerformanceSignal>,
    /// Whether the winner's output was compared with the reference build's.
    pub output_checked: bool,
    pub stop_reason: String,
    pub elapsed: Duration,
    pub audit: AuditLog,
    /// Things the user should know (optnone input, …).
    pub notes: Vec<String>,
}

impl OptimizeReport {
    /// The baseline's signal (`O2`, `O3`, `Oz`), if measured.
    pub fn baseline(&self, level: &str) -> Option<&PerformanceSignal> {
        let p = Pipeline::preset(level);
        self.history.signals.iter().find(|s| s.pipeline == p)
    }
}

fn usage(message: String) -> DriverError {
    DriverError::Usage(message)
}

/// The input file as bitcode, for LLVM's passes: as LLVM reads it, metadata included, with
/// `optnone` and `noinline` removed from `optnone` functions when `strip` is set (as
/// [`handle_optnone`] does to the canonical IR).
fn input_bitcode(path: &Path, strip: bool) -> Result<Vec<u8>, DriverError> {
    use opm_llvm::inkwell::attributes::{Attribute, AttributeLoc};
    let ctx = opm_llvm::inkwell::context::Context::create();
    let module = opm_llvm::parse_file(&ctx, path)?;
    if strip {
        let optnone = Attribute::get_named_enum_kind_id("optnone");
        let noinline = Attribute::get_named_enum_kind_id("noinline");
        for f in module.get_functions() {
            if f.get_enum_attribute(AttributeLoc::Function, optnone).is_some() {
                f.remove_enum_attribute(AttributeLoc::Function, optnone);
                f.remove_enum_attribute(AttributeLoc::Function, noinline);
            }
        }
    }
    Ok(module.write_bitcode_to_memory().as_slice().to_vec())
}

/// Removes `optnone`/`noinline` when asked; otherwise returns a warning about them.
fn handle_optnone(module: &mut opm_ir::Module, strip: bool) -> Option<String> {
    let marked: Vec<usize> = module
        .functions
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.blocks.is_empty() && f.attrs.func_has("optnone"))
        .map(|(i, _)| i)
        .collect();
    if marked.is_empty() {
        return None;
    }
    let total = module.definitions().count();
    if strip {
        for &i in &marked {
            module.functions[i]
                .attrs
                .func
                .retain(|a| a.name() != "optnone" && a.name() != "noinline");
        }
        Some(format!(
            "removed `optnone` and `noinline` from {} of {total} functions (--strip-optnone)",
            marked.len()
        ))
    } else {
        Some(format!(
            "{} of {total} functions are `optnone` (clang -O0 output): passes leave them as they \
             are. Use --strip-optnone, or emit IR with `clang -O1 -Xclang -disable-llvm-passes`.",
            marked.len()
        ))
    }
}

/// Checks that LLVM's pass builder accepts `pipeline` (on an empty module).
fn validate(pipeline: &Pipeline, original: &str) -> Result<(), DriverError> {
    let ctx = opm_llvm::inkwell::context::Context::create();
    let module = ctx.create_module("check");
    let codegen = opm_llvm::Codegen::new("", opm_llvm::CodegenLevel::Default)?;
    for step in pipeline.steps() {
        if let Err(e) = codegen.run_pipeline(&module, &step, false) {
            return Err(usage(format!("--pipeline `{original}`: {e}")));
        }
    }
    Ok(())
}

/// Reads the signals of `problem` from an existing signals file.
fn read_signals(path: &Path, problem: &str) -> Result<Vec<PerformanceSignal>, DriverError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(DriverError::Io { path: path.to_path_buf(), source }),
    };
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<PerformanceSignal>(line) {
            Ok(s) if s.problem == problem => out.push(s),
            Ok(_) => {}
            // A line cut short by a kill: the candidate is simply evaluated again.
            Err(e) => eprintln!(
                "opm-driver: warning: {}:{}: skipping an unreadable signal: {e}",
                path.display(),
                i + 1
            ),
        }
    }
    Ok(out)
}

/// Once the baselines are measured, limits a candidate's compilation to 10× the slowest
/// baseline's (between 10 s and the budget's limit): a pass that runs away on this module
/// does not eat the budget. Returns whether the baselines were there.
fn adapt_compile_limit(engine: &Engine, history: &History) -> bool {
    let mut slowest: Option<f64> = None;
    for level in BASELINES {
        let p = Pipeline::preset(level);
        let Some(s) = history.signals.iter().find(|s| s.pipeline == p) else { return false };
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

/// Runs a search.
pub fn optimize(opts: &OptimizeOptions) -> Result<OptimizeReport, DriverError> {
    let start = Instant::now();
    if opts.resume && opts.signals.is_none() {
        return Err(usage("--resume needs --signals FILE".into()));
    }
    if !opts.run && opts.objective == Objective::Runtime {
        return Err(usage(
            "--objective runtime runs the program; it cannot go with --no-run".into(),
        ));
    }
    let mut input = Input::load(&opts.file)?;
    input.verify()?;
    let mut notes = Vec::new();
    if let Some(note) = handle_optnone(&mut input.module, opts.strip_optnone) {
        notes.push(note);
    }
    let mut user = Vec::new();
    for text in &opts.pipelines {
        let p = Pipeline::parse(text).map_err(|e| usage(e.to_string()))?;
        validate(&p, text)?;
        user.push(Candidate { pipeline: p, origin: Origin::User });
    }

    let problem = LocalProblem {
        source: opts.file.clone(),
        module_hash: input.module.structural_hash(),
        backend: "llvm".into(),
        objective: opts.objective,
        run_args: opts.run_args.clone(),
        reference: None,
        budget: opts.budget.clone(),
    };
    let config = EngineConfig {
        worker_exe: opts.worker_exe.clone(),
        jobs: opts.jobs.max(1),
        runs: opts.runs.max(1),
        run: opts.run,
    };
    let bitcode = input_bitcode(&opts.file, opts.strip_optnone)?;
    let engine = Engine::new(config, problem, &input.module, &bitcode)?;
    let problem = engine.problem().clone();
    let problem_id = problem.id();

    let mut audit = AuditLog::default();
    let mut audit_file = match &opts.audit {
        Some(p) => Some(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p)
                .map_err(|source| DriverError::Io { path: p.clone(), source })?,
        ),
        None => None,
    };
    let mut record = |audit: &mut AuditLog, entry: AuditEntry| -> Result<(), DriverError> {
        if let (Some(f), Some(p)) = (audit_file.as_mut(), opts.audit.as_ref()) {
            use std::io::Write;
            let line = serde_json::to_string(&entry).expect("audit entries serialise") + "\n";
            f.write_all(line.as_bytes())
                .map_err(|source| DriverError::Io { path: p.clone(), source })?;
        }
        audit.push(entry);
        Ok(())
    };
    record(
        &mut audit,
        AuditEntry::Started {
            problem: problem_id.clone(),
            strategy: opts.strategy.name().into(),
            seed: opts.seed,
            jobs: opts.jobs,
        },
    )?;

    let mut history = History::new(opts.objective);
    if opts.resume {
        let path = opts.signals.as_ref().expect("checked above");
        for s in read_signals(path, &problem_id)? {
            record(&mut audit, AuditEntry::Resumed { pipeline: s.pipeline.clone(), eval: s.eval })?;
            history.push(s);
        }
    }
    let sink = SignalSink::open(opts.signals.as_deref()).map_err(|source| DriverError::Io {
        path: opts.signals.clone().unwrap_or_default(),
        source,
    })?;

    let baselines = BASELINES
        .iter()
        .map(|l| Candidate { pipeline: Pipeline::preset(l), origin: Origin::Preset });
    let first: Vec<Candidate> = baselines.chain(user).collect();
    let mut strategy = Chain::new(vec![
        Box::new(Fixed::new(first)),
        search::make(opts.strategy, opts.objective, search::llvm_space()),
    ]);
    let mut rng = Rng::new(opts.seed);
    let budget = &opts.budget;
    let progress = Mutex::new(Progress::new(opts.progress, budget, opts.objective));
    let write_error: Mutex<Option<std::io::Error>> = Mutex::new(None);
    let mut next_eval = history.signals.iter().map(|s| s.eval).max().unwrap_or(0) + 1;
    let o2 = Pipeline::preset("O2");
    let mut limit_adapted = false;

    let stop_reason = loop {
        let done = history.signals.len() as u64;
        if let Some(max) = budget.max_evals
            && done >= max
        {
            break format!("evaluation budget ({max}) used");
        }
        if let Some(t) = budget.wall_time
            && start.elapsed() >= t
        {
            break format!("time budget ({:.0} s) used", t.as_secs_f64());
        }
        let n = budget.max_evals.map_or(BATCH, |m| BATCH.min((m - done) as usize)).max(1);
        let batch: Vec<Candidate> = strategy
            .propose(&history, &mut rng, n)
            .into_iter()
            .filter(|c| !history.seen(&c.pipeline))
            .collect();
        if batch.is_empty() {
            break format!("strategy `{}` finished", opts.strategy.name());
        }
        let on_signal = |s: &PerformanceSignal| {
            if let Err(e) = sink.write(s) {
                write_error.lock().expect("write error").get_or_insert(e);
            }
            progress.lock().expect("progress").update(s);
        };
        // The first valid candidate is checked too: it becomes the best.
        let beat = Some(history.best().and_then(|b| b.score()).unwrap_or(f64::INFINITY));
        let signals = engine.evaluate_all(&batch, next_eval, beat, &on_signal);
        next_eval += signals.len() as u64;
        if let Some(source) = write_error.lock().expect("write error").take() {
            let path = opts.signals.clone().unwrap_or_default();
            return Err(DriverError::Io { path, source });
        }
        for s in signals {
            let entry = AuditEntry::Evaluated {
                pipeline: s.pipeline.clone(),
                eval: s.eval,
                verdict: s.verdict,
                score: s.score(),
            };
            record(&mut audit, entry)?;
            let before = history.best().cloned();
            if history.push(s) {
                let after = history.best().expect("a new best");
                record(
                    &mut audit,
                    AuditEntry::NewBest(PlanDelta::between(before.as_ref(), after)),
                )?;
            }
        }
        if let Some(base) = history.signals.iter().find(|s| s.pipeline == o2)
            && let Some(bytes) = base.metrics.text_bytes
        {
            engine.set_growth_base(bytes);
        }
        if !budget.compile_timeout_fixed && !limit_adapted {
            limit_adapted = adapt_compile_limit(&engine, &history);
        }
    };
    progress.lock().expect("progress").finish();
    record(
        &mut audit,
        AuditEntry::Stopped { reason: stop_reason.clone(), evals: history.signals.len() as u64 },
    )?;

    // The winner: write its IR, verify it, and compare the program's output with the
    // reference build's. A winner that fails is not a winner; the next one is tried.
    let scratch = tempfile::Builder::new()
        .prefix("opm-winner-")
        .tempdir()
        .map_err(|source| DriverError::Io { path: std::env::temp_dir(), source })?;
    let mut best = None;
    let mut output_checked = false;
    let ranked: Vec<PerformanceSignal> = history.ranked().into_iter().cloned().collect();
    let mut tried = std::collections::HashSet::new();
    for candidate in ranked.iter() {
        // Identical IR fails identically; and a winner is found within a few tries or not at
        // all.
        if !tried.insert(candidate.ir_hash.clone()) {
            continue;
        }
        if tried.len() > 10 {
            break;
        }
        if opts.output.is_none() && problem.reference.is_none() {
            best = Some(candidate.clone());
            break;
        }
        let path = scratch.path().join("best.ll");
        if let Err(e) = engine.write_ir(&candidate.pipeline, &path) {
            notes.push(format!("`{}` could not be written again: {e}", candidate.pipeline));
            continue;
        }
        let written = Input::load(&path).and_then(|i| i.verify().map(|()| i));
        match written {
            Ok(i) if Some(crate::worker::ir_identity(&i.module)) == candidate.ir_hash => {}
            Ok(_) => {
                notes.push(format!("`{}` gave different IR when run again", candidate.pipeline));
                continue;
            }
            Err(e) => {
                notes.push(format!("the IR of `{}` does not verify: {e}", candidate.pipeline));
                continue;
            }
        }
        match engine.check_output(&path) {
            None => {}
            Some(Ok(())) => output_checked = true,
            Some(Err(why)) => {
                record(
                    &mut audit,
                    AuditEntry::WinnerChecked {
                        pipeline: candidate.pipeline.clone(),
                        verdict: Verdict::Miscompile,
                    },
                )?;
                notes.push(format!("`{}` is a miscompile ({why}); not chosen", candidate.pipeline));
                continue;
            }
        }
        if let Some(out) = &opts.output {
            std::fs::copy(&path, out)
                .map_err(|source| DriverError::Io { path: out.clone(), source })?;
        }
        record(
            &mut audit,
            AuditEntry::WinnerChecked {
                pipeline: candidate.pipeline.clone(),
                verdict: Verdict::Ok,
            },
        )?;
        best = Some(candidate.clone());
        break;
    }
    Ok(OptimizeReport {
        problem,
        history,
        best,
        output_checked,
        stop_reason,
        elapsed: start.elapsed(),
        audit,
        notes,
    })
}
