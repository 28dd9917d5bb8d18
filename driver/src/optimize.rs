//! `opm-driver optimize`: search a pipeline for one module within a budget, record every
//! evaluation, and write the best module (LLVM) or the best object (Cranelift).

use crate::build::{Backend, DriverError, Input};
use crate::engine::{Candidate, Engine, EngineConfig, SignalSink};
use crate::model::{
    AuditEntry, AuditLog, Budget, LocalProblem, Objective, Origin, PerformanceSignal, PlanDelta,
    Verdict,
};
use crate::pipeline::Pipeline;
use crate::progress::Progress;
use crate::rng::Rng;
use crate::search::{self, Chain, Fixed, History, Space, Strategy, StrategyKind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Candidates proposed at once. Fixed (not tied to `--jobs`) so that a seed gives the same
/// search at any parallelism up to this many jobs.
pub const BATCH: usize = 8;

/// What to optimise and how.
#[derive(Clone, Debug)]
pub struct OptimizeOptions {
    pub file: PathBuf,
    /// Where the winner goes: its module as LLVM text, or for Cranelift its object file.
    pub output: Option<PathBuf>,
    /// Whose pipelines to search: LLVM's passes or Cranelift's settings.
    pub backend: Backend,
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
    /// Called with every signal as soon as it is final, after it is written to `signals`.
    pub observer: Option<Observer>,
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
    pub backend: Backend,
    pub problem: LocalProblem,
    /// The backend's baselines, by name, in table order.
    pub baselines: Vec<(String, Pipeline)>,
    /// The baseline the table's ratios are taken against.
    pub ratio_base: &'static str,
    pub history: History,
    /// The winner, checked: its IR verified or its object compiled again to the same bytes
    /// (and its output compared when it can run).
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
    /// The signal of the baseline called `name` (`O2`, `O3`, `Oz`; Cranelift's `none`,
    /// `speed`, `speed_native`), if measured.
    pub fn baseline(&self, name: &str) -> Option<&PerformanceSignal> {
        let (_, p) = self.baselines.iter().find(|(n, _)| n == name)?;
        self.history.signals.iter().find(|s| s.pipeline == *p)
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

/// A `--pipeline` in the backend's syntax, checked: LLVM's pass builder accepts it, or it is
/// valid Cranelift settings for this host.
fn user_pipeline(backend: Backend, text: &str) -> Result<Pipeline, DriverError> {
    match backend {
        Backend::Llvm => {
            let hint = |e: String| {
                if crate::pipeline::is_settings_text(text) {
                    usage(format!("{e} (Cranelift's settings need --backend cranelift)"))
                } else {
                    usage(e)
                }
            };
            let p = Pipeline::parse(text).map_err(|e| hint(e.to_string()))?;
            validate(&p, text).map_err(|e| hint(e.to_string()))?;
            Ok(p)
        }
        Backend::Cranelift => {
            Pipeline::parse_settings(text).map_err(|e| usage(format!("--pipeline: {e}")))
        }
        Backend::Gcc => Pipeline::parse_flags(text).map_err(|e| usage(format!("--pipeline: {e}"))),
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
fn adapt_compile_limit(engine: &Engine, history: &History, space: &Space) -> bool {
    let mut slowest: Option<f64> = None;
    for (_, p) in &space.baselines {
        let Some(s) = history.signals.iter().find(|s| s.pipeline == *p) else { return false };
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

/// How many times a strategy is asked for new candidates before it counts as finished.
const PROPOSALS: usize = 20;

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
    if opts.backend != Backend::Llvm && opts.objective == Objective::Instcount {
        let (name, what) = match opts.backend {
            Backend::Gcc => ("gcc", "GCC's flags"),
            _ => ("cranelift", "Cranelift's settings"),
        };
        return Err(usage(format!(
            "--objective instcount counts the canonical IR's instructions, which {what} \
             never change; with --backend {name} use --objective size (its default), runtime \
             or compile-time"
        )));
    }
    let mut input = Input::load(&opts.file)?;
    input.verify()?;
    let mut notes = Vec::new();
    // Cranelift compiles `optnone` functions like any other: only LLVM's passes skip them.
    if opts.backend == Backend::Llvm || opts.strip_optnone {
        notes.extend(handle_optnone(&mut input.module, opts.strip_optnone));
    }
    let mut user = Vec::new();
    for text in &opts.pipelines {
        let pipeline = user_pipeline(opts.backend, text)?;
        user.push(Candidate { pipeline, origin: Origin::User });
    }
    let space = Space::of(opts.backend);

    let problem = LocalProblem {
        source: opts.file.clone(),
        module_hash: input.module.structural_hash(),
        backend: opts.backend.name().into(),
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

    let baselines = space
        .baselines
        .iter()
        .map(|(_, p)| Candidate { pipeline: p.clone(), origin: Origin::Preset });
    let first: Vec<Candidate> = baselines.chain(user).collect();
    let mut strategy = Chain::new(vec![
        Box::new(Fixed::new(first)),
        search::make_in(opts.strategy, opts.objective, &space),
    ]);
    let mut rng = Rng::new(opts.seed);
    let budget = &opts.budget;
    let progress = Mutex::new(Progress::new(opts.progress, budget, opts.objective));
    let write_error: Mutex<Option<std::io::Error>> = Mutex::new(None);
    let mut next_eval = history.signals.iter().map(|s| s.eval).max().unwrap_or(0) + 1;
    let growth_base = space.baseline(space.growth_base).expect("the growth base is a baseline");
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
        // Candidates in the form they are recorded in, each new text once. A strategy does
        // not know which of its proposals are the same once resolved (GCC's `-O2 -Os` is
        // `-Os`): it is asked again before it counts as finished.
        let mut batch: Vec<Candidate> = Vec::new();
        for _ in 0..PROPOSALS {
            let mut texts = std::collections::HashSet::new();
            batch = strategy
                .propose(&history, &mut rng, n)
                .into_iter()
                .filter_map(|c| Some(Candidate { pipeline: space.canonical(c.pipeline)?, ..c }))
                .filter(|c| !history.seen(&c.pipeline) && texts.insert(c.pipeline.text()))
                .collect();
            if !batch.is_empty() {
                break;
            }
        }
        if batch.is_empty() {
            break format!("strategy `{}` finished", opts.strategy.name());
        }
        let on_signal = |s: &PerformanceSignal| {
            if let Err(e) = sink.write(s) {
                write_error.lock().expect("write error").get_or_insert(e);
            }
            if let Some(observer) = &opts.observer {
                (observer.0)(s);
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
        if let Some(base) = history.signals.iter().find(|s| s.pipeline == *growth_base)
            && let Some(bytes) = base.metrics.text_bytes
        {
            engine.set_growth_base(space.growth_base, bytes);
        }
        if !budget.compile_timeout_fixed && !limit_adapted {
            limit_adapted = adapt_compile_limit(&engine, &history, &space);
        }
    };
    progress.lock().expect("progress").finish();
    record(
        &mut audit,
        AuditEntry::Stopped { reason: stop_reason.clone(), evals: history.signals.len() as u64 },
    )?;

    // The winner: write its IR (Cranelift: its object), check that it is what was measured,
    // and compare the program's output with the reference build's. A winner that fails is
    // not a winner; the next one is tried.
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
        let path = scratch.path().join(match opts.backend {
            Backend::Llvm => "best.ll",
            Backend::Cranelift | Backend::Gcc => "best.o",
        });
        if let Err(note) = write_winner(&engine, opts.backend, candidate, &path) {
            notes.push(note);
            continue;
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
        backend: opts.backend,
        problem,
        baselines: space.baselines,
        ratio_base: space.ratio_base,
        history,
        best,
        output_checked,
        stop_reason,
        elapsed: start.elapsed(),
        audit,
        notes,
    })
}

/// Writes the winner `candidate` to `path` again and checks that it is what was measured:
/// LLVM's module is read back, verified and must have the measured IR identity; Cranelift's
/// object must have the measured bytes. Otherwise says why not, as a note.
fn write_winner(
    engine: &Engine,
    backend: Backend,
    candidate: &PerformanceSignal,
    path: &Path,
) -> Result<(), String> {
    let pipeline = &candidate.pipeline;
    match backend {
        Backend::Llvm => {
            engine
                .write_ir(pipeline, path)
                .map_err(|e| format!("`{pipeline}` could not be written again: {e}"))?;
            let written = Input::load(path).and_then(|i| i.verify().map(|()| i));
            match written {
                Ok(i) if Some(crate::worker::ir_identity(&i.module)) == candidate.ir_hash => Ok(()),
                Ok(_) => Err(format!("`{pipeline}` gave different IR when run again")),
                Err(e) => Err(format!("the IR of `{pipeline}` does not verify: {e}")),
            }
        }
        Backend::Cranelift | Backend::Gcc => {
            engine
                .write_object(pipeline, path)
                .map_err(|e| format!("`{pipeline}` could not be compiled again: {e}"))?;
            let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
            if Some(crate::worker::object_identity(&bytes)) == candidate.ir_hash {
                Ok(())
            } else {
                Err(format!("`{pipeline}` gave a different object when compiled again"))
            }
        }
    }
}
