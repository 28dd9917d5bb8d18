//! `opm-driver`: the command-line interface.

use clap::{Parser, Subcommand};
use opm_driver::build::{BuildOptions, build_executable};
use opm_driver::model::{Budget, Objective, parse_duration};
use opm_driver::optimize::{OptimizeOptions, optimize};
use opm_driver::search::StrategyKind;
use opm_driver::toolchain::shell_exit_code;
use opm_driver::{Backend, DriverError, Input};
use opm_ir::print::{PrintOptions, print_module};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "opm-driver",
    version,
    about = "OpenPassMarket: searches, proves and measures compiler pass pipelines",
    after_help = "Exit status: 0 ok, 1 verification or program failure, 2 usage or input error.\n\
                  `run` exits with the program's own status (128+N when signal N ended it)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the canonical IR of FILE (.ll or .bc) as LLVM text.
    Ir {
        file: PathBuf,
        /// Write to this file instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Print the canonical IR as JSON instead.
        #[arg(long)]
        json: bool,
        /// Number local values and blocks instead of using their names.
        #[arg(long)]
        anonymous: bool,
    },
    /// Check FILE: LLVM's verifier, the canonical IR's invariants, and that the module
    /// builds back into LLVM.
    Verify { file: PathBuf },
    /// Build FILE through the canonical IR and run it, forwarding its output and status.
    Run {
        file: PathBuf,
        #[command(flatten)]
        build: BuildArgs,
        /// Arguments for the program.
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Build FILE through the canonical IR into an executable.
    Compile {
        file: PathBuf,
        /// The executable to write.
        #[arg(short, long)]
        output: PathBuf,
        /// With `--backend gcc`: also write the C that gcc compiles to FILE.
        #[arg(long, value_name = "FILE")]
        emit_c: Option<PathBuf>,
        #[command(flatten)]
        build: BuildArgs,
    },
    /// Search the best pass pipeline (or Cranelift settings) for FILE within a budget,
    /// measuring every candidate.
    Optimize(Box<OptimizeArgs>),
    /// Run a benchmark lab (a corpus × backends × strategies, every measurement stored in
    /// SQLite under a tag), or compare two tags, report one, export one.
    Bench(Box<BenchArgs>),
    /// List the passes candidates are made of (LLVM's passes, Cranelift's settings, GCC's
    /// flags and params), and the default pipelines.
    Passes {
        /// The backend whose passes to list.
        #[arg(long, value_enum, default_value = "llvm")]
        backend: Backend,
        /// One JSON object per pass instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Serve compilation requests on stdin (started by `optimize`; not for direct use).
    #[command(hide = true)]
    Worker {
        #[arg(long)]
        memory_limit_mib: Option<u64>,
    },
}

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
struct BenchArgs {
    #[command(subcommand)]
    action: Option<BenchAction>,
    /// A directory of `.c` and `.ll` programs, with an optional `manifest.json`
    /// (`{"programs": {"name": {"args": [...], "cflags": [...], "skip": false}}}`).
    #[arg(long, default_value = "bench/corpus")]
    corpus: PathBuf,
    /// The backends to search.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "llvm,cranelift,gcc")]
    backends: Vec<Backend>,
    /// The search strategies to run on every program and backend.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "presets,auto")]
    strategies: Vec<StrategyKind>,
    /// What every search minimises.
    #[arg(long, value_enum, default_value = "runtime")]
    objective: Objective,
    /// Evaluations per search (program × backend × strategy) [default: 40 for `random`,
    /// `evolve` and `auto` when no budget is given].
    #[arg(long, value_name = "N")]
    budget_evals: Option<u64>,
    /// Time per search (`90s`, `5m`).
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    budget_time: Option<Duration>,
    /// The lab database (SQLite).
    #[arg(long, global = true, default_value = "target/opm-lab.sqlite")]
    db: PathBuf,
    /// The name of this run: running the same tag again resumes it.
    #[arg(long)]
    tag: Option<String>,
    /// Candidates evaluated at once [default: the number of CPUs].
    #[arg(long)]
    jobs: Option<usize>,
    /// Timed runs per candidate.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// The searches' seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

#[derive(Subcommand)]
enum BenchAction {
    /// Compare two runs: per program, backend and metric, the change and its significance;
    /// exit status 1 when a regression is significant.
    Compare {
        /// The earlier run.
        a: String,
        /// The later run.
        b: String,
    },
    /// Write a run's Markdown summary and SVG charts.
    Report {
        tag: String,
        /// The directory to write to [default: target/opm-lab/report-TAG].
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// A run's results as JSON lines, one per program × backend × pipeline, every sample.
    Export {
        tag: String,
        /// Write here instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

/// The backends `optimize` can search.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum SearchBackend {
    /// LLVM 22's passes.
    Llvm,
    /// Cranelift 0.135's settings.
    Cranelift,
    /// GCC's flags and params.
    Gcc,
    /// All three, one after the other, ranked in one table.
    All,
}

impl SearchBackend {
    /// The single backend, or `None` for `all`.
    fn single(self) -> Option<Backend> {
        match self {
            SearchBackend::Llvm => Some(Backend::Llvm),
            SearchBackend::Cranelift => Some(Backend::Cranelift),
            SearchBackend::Gcc => Some(Backend::Gcc),
            SearchBackend::All => None,
        }
    }
}

#[derive(clap::Args)]
struct OptimizeArgs {
    file: PathBuf,
    /// Write the best module's IR here (verified; for programs also output-checked); with
    /// `--backend cranelift` or `gcc`, the object file of the best settings (the one
    /// measured); with `--backend all`, the overall winner's.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Whose pipelines to search: LLVM's passes, Cranelift's settings, GCC's flags, or all
    /// three one after the other (the budget shared equally), ranked in one table.
    #[arg(long, value_enum, default_value = "llvm")]
    backend: SearchBackend,
    /// What to minimise [default: instcount; size with `--backend cranelift`, `gcc` or
    /// `all`, whose pipelines never change the IR's instructions]
    #[arg(long, value_enum)]
    objective: Option<Objective>,
    /// How candidates are chosen.
    #[arg(long, value_enum, default_value = "auto")]
    strategy: StrategyKind,
    /// A candidate of your own, in the backend's syntax: LLVM's pipelines, Cranelift's
    /// settings (`opt_level=speed,regalloc_algorithm=single_pass`) or gcc's options
    /// (`-O2 -funroll-loops`). Repeatable.
    #[arg(long = "pipeline", value_name = "P", allow_hyphen_values = true)]
    pipelines: Vec<String>,
    /// Evaluate at most N candidates, baselines included (default 200 when no budget is
    /// given).
    #[arg(long, value_name = "N")]
    budget_evals: Option<u64>,
    /// Start no candidate after this much time (`90s`, `5m`).
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    budget_time: Option<Duration>,
    /// Reject candidates whose `.text` exceeds R times the O2 baseline's (Cranelift: the
    /// `speed` baseline's).
    #[arg(long, value_name = "R")]
    max_code_growth: Option<f64>,
    /// Candidates evaluated at once (default: all cores).
    #[arg(long, value_name = "N")]
    jobs: Option<usize>,
    /// Append one JSON object per evaluated candidate to this file.
    #[arg(long, value_name = "FILE")]
    signals: Option<PathBuf>,
    /// Skip candidates already in the signals file (and count them in the budget).
    #[arg(long)]
    resume: bool,
    /// Seed of the random choices: the same seed gives the same search.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Timed runs per candidate after one warm-up (runtime objective).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Time limit of one candidate's passes and code generation (default: 10× the slowest
    /// baseline's, between 10 s and 60 s).
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    timeout: Option<Duration>,
    /// Time limit of one run of the program (default: 10× the reference's, at least 5 s).
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    run_timeout: Option<Duration>,
    /// Address-space limit of each compiler worker, in MiB.
    #[arg(long, value_name = "MIB")]
    memory_limit_mib: Option<u64>,
    /// Remove `optnone` and `noinline` from functions first (IR from `clang -O0`).
    #[arg(long)]
    strip_optnone: bool,
    /// Never run the program: no reference run and no output checks (for a program whose
    /// output varies from run to run, or that must not run here). The winner's IR is still
    /// verified. Not with `--objective runtime`.
    #[arg(long, conflicts_with = "run_args")]
    no_run: bool,
    /// Append the audit log (evaluations and decisions) to this file.
    #[arg(long, value_name = "FILE")]
    audit: Option<PathBuf>,
    /// Rows of best candidates in the table.
    #[arg(long, default_value_t = 5)]
    top: usize,
    /// No progress bar.
    #[arg(long, short)]
    quiet: bool,
    /// Print the outcome as JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// Arguments for the program (runtime objective and output checks).
    #[arg(last = true)]
    run_args: Vec<String>,
}

impl OptimizeArgs {
    /// The options of a search of `backend`.
    fn options(&self, backend: Backend) -> OptimizeOptions {
        let unbounded = !matches!(self.strategy, StrategyKind::Presets | StrategyKind::Greedy);
        let max_evals = match (self.budget_evals, self.budget_time) {
            (None, None) if unbounded => Some(200),
            (n, _) => n,
        };
        let objective = self.objective.unwrap_or(match backend {
            Backend::Llvm => Objective::Instcount,
            Backend::Cranelift | Backend::Gcc => Objective::Size,
        });
        OptimizeOptions {
            file: self.file.clone(),
            output: self.output.clone(),
            backend,
            objective,
            strategy: self.strategy,
            pipelines: self.pipelines.clone(),
            budget: Budget {
                max_evals,
                wall_time: self.budget_time,
                compile_timeout: self.timeout.unwrap_or(Duration::from_secs(60)),
                compile_timeout_fixed: self.timeout.is_some(),
                run_timeout: self.run_timeout,
                memory_limit_mib: self.memory_limit_mib,
                max_code_growth: self.max_code_growth,
            },
            jobs: self.jobs.unwrap_or_else(|| {
                std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
            }),
            signals: self.signals.clone(),
            resume: self.resume,
            seed: self.seed,
            runs: self.runs,
            run_args: self.run_args.clone(),
            strip_optnone: self.strip_optnone,
            run: !self.no_run,
            audit: self.audit.clone(),
            progress: !self.quiet && !self.json,
            worker_exe: std::env::current_exe().unwrap_or_else(|_| "opm-driver".into()),
            observer: None,
        }
    }
}

#[derive(clap::Args)]
struct BuildArgs {
    /// Code generator.
    #[arg(long, value_enum, default_value = "llvm")]
    backend: Backend,
    /// Pass pipeline to apply before code generation, in the backend's syntax
    /// (LLVM: `default<O2>`, `function(sroa,instcombine<no-verify-fixpoint>)`; Cranelift:
    /// settings such as `opt_level=speed,regalloc_algorithm=single_pass`; GCC: its flags,
    /// such as `-O2 -funroll-loops --param=max-unroll-times=4`).
    #[arg(long, allow_hyphen_values = true)]
    pipeline: Option<String>,
}

impl BuildArgs {
    fn options(&self) -> BuildOptions {
        BuildOptions {
            backend: self.backend,
            pipeline: self.pipeline.clone(),
            ..Default::default()
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(e) => {
            report(&e);
            ExitCode::from(e.exit_code())
        }
    }
}

fn report(e: &DriverError) {
    // Parse errors already start with `file:line:col:`; everything else gets a prefix.
    match e {
        DriverError::Llvm(opm_llvm::LlvmError::Parse { .. }) => eprintln!("{e}"),
        _ => eprintln!("opm-driver: error: {e}"),
    }
}

fn run(command: Command) -> Result<ExitCode, DriverError> {
    match command {
        Command::Ir { file, output, json, anonymous } => {
            let input = Input::load(&file)?;
            let text = if json {
                serde_json::to_string_pretty(&input.module).expect("the IR serialises") + "\n"
            } else {
                print_module(&input.module, PrintOptions { anonymous_locals: anonymous })
            };
            write_output(output.as_deref(), &text)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify { file } => {
            let input = Input::load(&file)?;
            input.verify()?;
            // The module must also build back into a module LLVM accepts.
            let ctx = opm_llvm::inkwell::context::Context::create();
            opm_llvm::export_module(&ctx, &input.module)?;
            let m = &input.module;
            println!(
                "{}: ok ({} functions, {} globals, {} instructions; hash {})",
                file.display(),
                m.definitions().count(),
                m.globals.len(),
                m.instruction_count(),
                m.structural_hash()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Run { file, build, args } => {
            let input = Input::load(&file)?;
            input.verify()?;
            let dir = temp_dir()?;
            let exe = dir.path().join(exe_name(&file));
            build_executable(&input.module, &build.options(), &exe)?;
            let status = std::process::Command::new(&exe)
                .args(&args)
                .status()
                .map_err(|source| DriverError::Io { path: exe.clone(), source })?;
            let code = shell_exit_code(status);
            if let Some(sig) = std::os::unix::process::ExitStatusExt::signal(&status) {
                eprintln!("opm-driver: {} was terminated by signal {sig}", file.display());
            }
            Ok(ExitCode::from(code.clamp(0, 255) as u8))
        }
        Command::Compile { file, output, emit_c, build } => {
            let input = Input::load(&file)?;
            input.verify()?;
            if let Some(path) = emit_c {
                if build.backend != Backend::Gcc {
                    return Err(DriverError::Usage("--emit-c needs --backend gcc".into()));
                }
                let c = opm_gcc::emit::emit_module(&input.module)?;
                std::fs::write(&path, c).map_err(|source| DriverError::Io { path, source })?;
            }
            build_executable(&input.module, &build.options(), &output)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Optimize(args) => run_optimize(&args),
        Command::Bench(args) => run_bench(&args),
        Command::Passes { backend: Backend::Llvm, json } => {
            write_output(None, &passes_listing(json))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Passes { backend: Backend::Cranelift, json } => {
            write_output(None, &cranelift_settings_listing(json))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Passes { backend: Backend::Gcc, json } => {
            write_output(None, &gcc_flags_listing(json)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Worker { memory_limit_mib } => {
            opm_driver::worker::serve(memory_limit_mib)
                .map_err(|source| DriverError::Io { path: "<worker pipe>".into(), source })?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn run_optimize(args: &OptimizeArgs) -> Result<ExitCode, DriverError> {
    let Some(backend) = args.backend.single() else { return run_optimize_all(args) };
    let opts = args.options(backend);
    let report = optimize(&opts)?;
    for note in &report.notes {
        eprintln!("opm-driver: note: {note}");
    }
    if args.json {
        let summary = serde_json::json!({
            "problem": report.problem,
            "best": report.best,
            "baselines": report
                .baselines
                .iter()
                .map(|(name, _)| (name.clone(), report.baseline(name)))
                .collect::<std::collections::BTreeMap<_, _>>(),
            "evaluations": report.history.signals.len(),
            "stop_reason": report.stop_reason,
            "output_checked": report.output_checked,
            "seconds": report.elapsed.as_secs_f64(),
            "seed": opts.seed,
        });
        let text = serde_json::to_string_pretty(&summary).expect("summaries serialise") + "\n";
        write_output(None, &text)?;
    } else {
        let mut text = opm_driver::report::render(&report, args.top);
        if let (Some(out), Some(_)) = (&args.output, &report.best) {
            let checked = if report.output_checked { ", output checked" } else { "" };
            let what = match report.backend {
                Backend::Llvm => "verified",
                Backend::Cranelift | Backend::Gcc => "object file, the one measured",
            };
            text.push_str(&format!("wrote {} ({what}{checked})\n", out.display()));
        }
        write_output(None, &text)?;
    }
    Ok(if report.best.is_some() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// `bench`: run a lab, or compare, report or export runs.
fn run_bench(args: &BenchArgs) -> Result<ExitCode, DriverError> {
    use opm_driver::lab;
    let lab_error = |e: &dyn std::fmt::Display| DriverError::Usage(e.to_string());
    let open = || lab::store::Store::open(&args.db).map_err(|e| lab_error(&e));
    match &args.action {
        Some(BenchAction::Compare { a, b }) => {
            let store = open()?;
            let c = lab::compare::compare_tags(&store, a, b).map_err(|e| lab_error(&e))?;
            write_output(None, &lab::compare::render(&c))?;
            Ok(if c.has_regression() { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Some(BenchAction::Report { tag, out }) => {
            let store = open()?;
            let input = lab::report_input(&store, tag).map_err(|e| lab_error(&e))?;
            let dir = out
                .clone()
                .unwrap_or_else(|| args.db.with_file_name("opm-lab").join(format!("report-{tag}")));
            let written = lab::report::write_report(&input, &dir).map_err(|e| lab_error(&e))?;
            for path in written {
                println!("wrote {}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(BenchAction::Export { tag, output }) => {
            let store = open()?;
            let text = lab::export::export(&store, tag).map_err(|e| lab_error(&e))?;
            write_output(output.as_deref(), &text)?;
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let tag = args.tag.clone().ok_or_else(|| {
                DriverError::Usage("bench needs --tag NAME (or compare, report, export)".into())
            })?;
            let opts = lab::run::LabOptions {
                corpus: args.corpus.clone(),
                backends: args.backends.clone(),
                strategies: args.strategies.clone(),
                objective: args.objective,
                budget_evals: args.budget_evals,
                budget_time: args.budget_time,
                db: args.db.clone(),
                tag: tag.clone(),
                jobs: args.jobs.unwrap_or_else(|| {
                    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
                }),
                runs: args.runs,
                seed: args.seed,
                progress: !args.quiet,
                worker_exe: std::env::current_exe().unwrap_or_else(|_| "opm-driver".into()),
            };
            let start = std::time::Instant::now();
            let summary = lab::run::run_lab(&opts).map_err(|e| lab_error(&e))?;
            let store = open()?;
            let failures = store.failures(&tag).map_err(|e| lab_error(&e))?;
            let mut text = format!(
                "lab `{tag}`: {} searches run, {} already measured, {} failed, in {:.0} s; \
                 database {}\n",
                summary.run,
                summary.skipped,
                failures.len(),
                start.elapsed().as_secs_f64(),
                args.db.display()
            );
            for (program, backend, strategy, why) in &failures {
                text.push_str(&format!("failed: {program} · {backend} · {strategy}: {why}\n"));
            }
            write_output(None, &text)?;
            Ok(if failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
    }
}

/// `optimize --backend all`: LLVM, Cranelift and GCC searched one after the other with a
/// third of the budget each, then ranked by the objective in one table. Signals and audit
/// files get the backend's name before their extension (`signals.gcc.jsonl`); `-o` receives
/// the overall winner's module or object.
fn run_optimize_all(args: &OptimizeArgs) -> Result<ExitCode, DriverError> {
    let objective = args.objective.unwrap_or(Objective::Size);
    if objective == Objective::Instcount {
        return Err(DriverError::Usage(
            "--backend all compares the backends' code: use --objective size (the default), \
             runtime or compile-time, not instcount"
                .into(),
        ));
    }
    let scratch = tempfile::tempdir()
        .map_err(|source| DriverError::Io { path: std::env::temp_dir(), source })?;
    let per_backend = |path: &Option<PathBuf>, name: &str| {
        path.as_ref().map(|p| {
            let stem = p.file_stem().unwrap_or_default().to_string_lossy();
            let ext =
                p.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
            p.with_file_name(format!("{stem}.{name}{ext}"))
        })
    };
    let mut rows = Vec::new();
    for backend in [Backend::Llvm, Backend::Cranelift, Backend::Gcc] {
        let mut opts = args.options(backend);
        opts.objective = objective;
        opts.budget.max_evals = opts.budget.max_evals.map(|n| n.div_ceil(3));
        opts.budget.wall_time = opts.budget.wall_time.map(|t| t / 3);
        opts.signals = per_backend(&opts.signals, backend.name());
        opts.audit = per_backend(&opts.audit, backend.name());
        opts.output = args.output.as_ref().map(|_| scratch.path().join(backend.name()));
        if opts.progress {
            eprintln!("opm-driver: searching {}'s pipelines", backend.name());
        }
        let report = optimize(&opts)?;
        for note in &report.notes {
            eprintln!("opm-driver: note: {note} ({})", backend.name());
        }
        rows.push(report);
    }
    let score = |r: &opm_driver::optimize::OptimizeReport| r.best.as_ref().and_then(|b| b.score());
    rows.sort_by(|a, b| {
        let (a, b) = (score(a).unwrap_or(f64::INFINITY), score(b).unwrap_or(f64::INFINITY));
        a.total_cmp(&b)
    });
    let winner = rows.first().filter(|r| r.best.is_some());
    if let (Some(out), Some(w)) = (&args.output, winner) {
        let from = scratch.path().join(w.backend.name());
        std::fs::copy(&from, out)
            .map_err(|source| DriverError::Io { path: out.clone(), source })?;
    }
    if args.json {
        let backends: Vec<serde_json::Value> = rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "backend": r.backend.name(),
                    "best": r.best,
                    "evaluations": r.history.signals.len(),
                    "stop_reason": r.stop_reason,
                    "output_checked": r.output_checked,
                    "seconds": r.elapsed.as_secs_f64(),
                })
            })
            .collect();
        let summary = serde_json::json!({
            "objective": objective.name(),
            "winner": winner.map(|w| w.backend.name()),
            "backends": backends,
        });
        let text = serde_json::to_string_pretty(&summary).expect("summaries serialise")
            + "
";
        write_output(None, &text)?;
    } else {
        write_output(None, &render_all(&rows, objective, winner.map(|w| w.backend), args))?;
    }
    Ok(if winner.is_some() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// The table of `optimize --backend all`: each backend's best, ranked.
fn render_all(
    rows: &[opm_driver::optimize::OptimizeReport],
    objective: Objective,
    winner: Option<Backend>,
    args: &OptimizeArgs,
) -> String {
    let best_score = rows.first().and_then(|r| r.best.as_ref()).and_then(|b| b.score());
    let mut out = format!(
        "{:<4} {:<10} {:>9} {:>11} {:>11} {:>6} {:>8}  best pipeline\n",
        "rank", "backend", ".text", "runtime ms", "compile ms", "evals", "vs best"
    );
    for (i, r) in rows.iter().enumerate() {
        let Some(b) = &r.best else {
            out.push_str(&format!(
                "{:<4} {:<10} no valid candidate ({})\n",
                "-",
                r.backend.name(),
                r.stop_reason
            ));
            continue;
        };
        let m = &b.metrics;
        let text = m.text_bytes.map_or("-".into(), |v| v.to_string());
        let run = m.runtime.as_ref().map_or("-".into(), |r| format!("{:.1}", r.median_ns / 1e6));
        let compile = match (m.pass_ms, m.codegen_ms) {
            (Some(p), Some(c)) => format!("{:.1}", p + c),
            _ => "-".into(),
        };
        let vs = match (b.score(), best_score) {
            (Some(s), Some(best)) if best > 0.0 => format!("{:.3}", s / best),
            _ => "-".into(),
        };
        out.push_str(&format!(
            "{:<4} {:<10} {:>9} {:>11} {:>11} {:>6} {:>8}  {}\n",
            i + 1,
            r.backend.name(),
            text,
            run,
            compile,
            r.history.signals.len(),
            vs,
            b.pipeline
        ));
    }
    out.push('\n');
    match (winner, rows.first().and_then(|r| r.best.as_ref())) {
        (Some(w), Some(b)) => {
            out.push_str(&format!(
                "winner ({}): {} `{}`\n",
                objective.name(),
                w.name(),
                b.pipeline
            ));
            if let Some(o) = &args.output {
                out.push_str(&format!(
                    "wrote {} (the winner's {})\n",
                    o.display(),
                    match w {
                        Backend::Llvm => "module",
                        _ => "object file",
                    }
                ));
            }
        }
        _ => out.push_str("no backend found a valid candidate\n"),
    }
    out
}

fn passes_listing(json: bool) -> String {
    use opm_llvm::catalog;
    let mut out = String::new();
    if json {
        for p in catalog::passes() {
            let v = serde_json::json!({
                "name": p.name,
                "level": p.level.name(),
                "text": p.level.wrap(&p.text()),
                "search": p.search,
                "about": p.about,
            });
            out.push_str(&v.to_string());
            out.push('\n');
        }
        for (name, text) in catalog::PRESETS {
            let v = serde_json::json!({ "preset": name, "text": text });
            out.push_str(&v.to_string());
            out.push('\n');
        }
        return out;
    }
    out.push_str(&format!("{:<10}  {:<44}  {:<6}  about\n", "level", "pass", "search"));
    for p in catalog::passes() {
        out.push_str(&format!(
            "{:<10}  {:<44}  {:<6}  {}\n",
            p.level.name(),
            p.text(),
            if p.search { "yes" } else { "no" },
            p.about
        ));
    }
    out.push_str("\ndefault pipelines:\n");
    for (name, text) in catalog::PRESETS {
        out.push_str(&format!("  {name:<3} {text}\n"));
    }
    out.push_str(&format!(
        "\n{} passes ({} used by search); LLVM {}\n",
        catalog::passes().len(),
        catalog::passes().iter().filter(|p| p.search).count(),
        opm_llvm::llvm_version()
    ));
    out
}

/// GCC's pipeline space, read from the installed gcc: every flag and param a pipeline may
/// set, with what it takes and gcc's default at each -O level, then the presets.
fn gcc_flags_listing(json: bool) -> Result<String, DriverError> {
    let gcc = opm_gcc::Gcc::find()?;
    let catalog = opm_gcc::catalog(&gcc)?;
    let levels = catalog.levels();
    let mut rows: Vec<(&str, String, Vec<String>)> = Vec::new();
    for f in catalog.flags() {
        let defaults = levels.iter().map(|l| f.default_at(l).map(ToString::to_string));
        rows.push(("flag", f.spelling(), defaults.map(Option::unwrap_or_default).collect()));
    }
    for p in catalog.params() {
        let defaults = levels.iter().map(|l| p.default_at(l).unwrap_or_default().to_string());
        rows.push(("param", p.spelling(), defaults.collect()));
    }
    let mut out = String::new();
    if json {
        for (kind, spelling, defaults) in &rows {
            let defaults: serde_json::Map<String, serde_json::Value> = levels
                .iter()
                .zip(defaults)
                .map(|(l, d)| (format!("O{l}"), serde_json::Value::from(d.as_str())))
                .collect();
            let v = serde_json::json!({ "kind": kind, "name": spelling, "defaults": defaults });
            out.push_str(&v.to_string());
            out.push('\n');
        }
        for (name, p) in catalog.presets() {
            let v = serde_json::json!({ "preset": name, "text": p.text() });
            out.push_str(&v.to_string());
            out.push('\n');
        }
        return Ok(out);
    }
    let head: Vec<String> = levels.iter().map(|l| format!("{:<8}", format!("O{l}"))).collect();
    out.push_str(&format!("{:<5}  {:<60}  {}\n", "kind", "flag", head.join(" ").trim_end()));
    for (kind, spelling, defaults) in &rows {
        let cells: Vec<String> = defaults.iter().map(|d| format!("{d:<8}")).collect();
        out.push_str(&format!("{kind:<5}  {spelling:<60}  {}\n", cells.join(" ").trim_end()));
    }
    out.push_str("\npresets:\n");
    for (name, p) in catalog.presets() {
        out.push_str(&format!("  {name:<4} {}\n", p.text()));
    }
    out.push_str(&format!(
        "\n{} flags, {} params; gcc {} ({}); always passed: {}\n",
        catalog.flags().len(),
        catalog.params().len(),
        gcc.version(),
        gcc.path().display(),
        opm_gcc::compiler::FIXED_ARGS.join(" ")
    ));
    Ok(out)
}

/// Cranelift's pipeline space: the settings that change code, with their values.
fn cranelift_settings_listing(json: bool) -> String {
    use opm_cranelift::settings::{self, Kind};
    let kind = |k: Kind| match k {
        Kind::Shared => "shared",
        Kind::Isa => "isa",
        Kind::Lowering => "lowering",
    };
    let mut out = String::new();
    if json {
        for s in settings::catalog() {
            let v = serde_json::json!({
                "name": s.name,
                "kind": kind(s.kind),
                "values": s.values,
                "default": s.default,
                "requires": s.requires,
                "about": s.description,
            });
            out.push_str(&v.to_string());
            out.push('\n');
        }
        for (name, p) in settings::presets() {
            let v = serde_json::json!({ "preset": name, "text": p.text() });
            out.push_str(&v.to_string());
            out.push('\n');
        }
        return out;
    }
    out.push_str(&format!(
        "{:<8}  {:<28}  {:<36}  {:<10}  about\n",
        "kind", "setting", "values", "default"
    ));
    for s in settings::catalog() {
        let mut about = s.description.to_string();
        if !s.requires.is_empty() {
            about.push_str(&format!(" (needs {})", s.requires.join(", ")));
        }
        out.push_str(&format!(
            "{:<8}  {:<28}  {:<36}  {:<10}  {about}\n",
            kind(s.kind),
            s.name,
            s.values.join("|"),
            s.default,
        ));
    }
    out.push_str("\npresets:\n");
    for (name, p) in settings::presets() {
        out.push_str(&format!("  {name:<16} {}\n", p.text()));
    }
    out.push_str("\nalways set: ");
    let fixed: Vec<String> = settings::FIXED.iter().map(|(k, v)| format!("{k}={v}")).collect();
    out.push_str(&fixed.join(", "));
    out.push_str(&format!("\n{} settings; Cranelift 0.135\n", settings::catalog().len()));
    out
}

fn exe_name(file: &Path) -> String {
    file.file_stem().map_or_else(|| "program".into(), |s| s.to_string_lossy().into_owned())
}

fn temp_dir() -> Result<tempfile::TempDir, DriverError> {
    tempfile::Builder::new()
        .prefix("opm-run-")
        .tempdir()
        .map_err(|source| DriverError::Io { path: std::env::temp_dir(), source })
}

fn write_output(path: Option<&Path>, text: &str) -> Result<(), DriverError> {
    let result = match path {
        Some(p) => std::fs::write(p, text),
        None => std::io::stdout().lock().write_all(text.as_bytes()),
    };
    result.map_err(|source| DriverError::Io {
        path: path.map_or_else(|| "<stdout>".into(), Path::to_path_buf),
        source,
    })
}
