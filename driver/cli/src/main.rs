//! `opm-driver`: the command-line interface. It reads the command line ([`args`]), calls the
//! libraries, prints what they return and turns their errors into exit statuses.

mod args;

use args::{BenchAction, BenchArgs, BuildArgs, Cli, Command, OptimizeArgs};
use clap::Parser;
use opm_backend::BackendKind;
use opm_engine::build::{BuildOptions, build_executable};
use opm_engine::optimize::{DEFAULT_EVALS, OptimizeOptions, all::optimize_all, optimize};
use opm_engine::toolchain::LinkArgs;
use opm_engine::{Error, Input};
use opm_ir::print::{PrintOptions, print_module};
use opm_search::{Budget, Objective, StrategyKind};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Why a command failed: an error of the engine, or of the lab, with its exit status, or a
/// command line naming what does not exist (exit 2).
enum Failure {
    Engine(Error),
    Lab { message: String, code: u8 },
    Usage(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Engine(e)
    }
}

impl From<opm_lab::run::LabError> for Failure {
    fn from(e: opm_lab::run::LabError) -> Failure {
        Failure::Lab { code: e.exit_code(), message: e.to_string() }
    }
}

impl From<opm_lab::store::StoreError> for Failure {
    fn from(e: opm_lab::store::StoreError) -> Failure {
        Failure::Lab { code: 2, message: e.to_string() }
    }
}

impl From<opm_lab::report::ReportError> for Failure {
    fn from(e: opm_lab::report::ReportError) -> Failure {
        Failure::Lab { code: 2, message: e.to_string() }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(code) => code,
        Err(Failure::Engine(e)) => {
            // Parse errors already start with `file:line:col:`; everything else gets a prefix.
            if e.is_located() {
                eprintln!("{e}");
            } else {
                eprintln!("opm-driver: error: {e}");
            }
            ExitCode::from(e.exit_code())
        }
        Err(Failure::Lab { message, code }) => {
            eprintln!("opm-driver: error: {message}");
            ExitCode::from(code)
        }
        Err(Failure::Usage(message)) => {
            eprintln!("opm-driver: error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(command: Command) -> Result<ExitCode, Failure> {
    match command {
        Command::Ir { file, output, json, anonymous } => {
            let input = Input::load(&file)?;
            let text = if json {
                let json = serde_json::to_string_pretty(&input.module)
                    .map_err(|e| Error::io("<stdout>", std::io::Error::other(e)))?;
                json + "\n"
            } else {
                print_module(&input.module, PrintOptions { anonymous_locals: anonymous })
            };
            write_output(output.as_deref(), &text)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Verify { file } => {
            let input = Input::load_verified(&file)?;
            input.check_export()?;
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
        Command::Run { file, build, args } => run_program(&file, &build, &args),
        Command::Compile { file, output, emit_c, build } => {
            let input = Input::load_verified(&file)?;
            if let Some(path) = emit_c {
                if build.backend != args::BackendArg::Gcc {
                    return Err(Error::Usage("--emit-c needs --backend gcc".into()).into());
                }
                let c = opm_engine::build::emit_c(&input.module)?;
                std::fs::write(&path, c).map_err(|source| Error::io(path, source))?;
            }
            build_executable(&input.module, &build_options(&build)?, &output)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Optimize(args) => run_optimize(&args),
        Command::Bench(args) => run_bench(&args),
        Command::Passes { backend, json } => {
            let backend = opm_engine::backends::open(backend.into())?;
            write_output(None, &backend.listing(json))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema { name: None } => {
            write_output(None, &(opm_market::NAMES.join("\n") + "\n"))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Schema { name: Some(name) } => match opm_market::schema(&name) {
            Some(schema) => {
                let text = serde_json::to_string_pretty(&schema).unwrap_or_default();
                write_output(None, &(text + "\n"))?;
                Ok(ExitCode::SUCCESS)
            }
            None => Err(Failure::Usage(format!(
                "no contract named `{name}`; the contracts are {}",
                opm_market::NAMES.join(", ")
            ))),
        },
        Command::Worker { memory_limit_mib } => {
            opm_engine::worker::serve(memory_limit_mib)
                .map_err(|source| Error::io("<worker pipe>", source))?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn build_options(build: &BuildArgs) -> Result<BuildOptions, Error> {
    Ok(BuildOptions {
        backend: build.backend.into(),
        pipeline: build.pipeline.clone(),
        link: link_args(build.link_args.as_deref())?,
    })
}

/// The link arguments of `--link-args FILE`, or the C defaults.
fn link_args(file: Option<&Path>) -> Result<LinkArgs, Error> {
    match file {
        None => Ok(LinkArgs::default()),
        Some(path) => LinkArgs::read(path).map_err(|source| Error::io(path, source)),
    }
}

/// `run`: builds `file` and runs it with `args`, forwarding its output and status.
fn run_program(file: &Path, build: &BuildArgs, args: &[String]) -> Result<ExitCode, Failure> {
    let input = Input::load_verified(file)?;
    let dir = temp_dir()?;
    let exe = dir.path().join(exe_name(file));
    build_executable(&input.module, &build_options(build)?, &exe)?;
    let status = std::process::Command::new(&exe)
        .args(args)
        .status()
        .map_err(|source| Error::io(&exe, source))?;
    let code = opm_backend::process::shell_exit_code(status);
    if let Some(sig) = std::os::unix::process::ExitStatusExt::signal(&status) {
        eprintln!("opm-driver: {} was terminated by signal {sig}", file.display());
    }
    Ok(ExitCode::from(code.clamp(0, 255) as u8))
}

/// The number of CPUs, the default parallelism.
fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// The `opm-driver` executable workers are started from: this one.
fn worker_exe() -> PathBuf {
    std::env::current_exe().unwrap_or_else(|_| "opm-driver".into())
}

/// The options of a search of `backend`.
fn optimize_options(args: &OptimizeArgs, backend: BackendKind) -> Result<OptimizeOptions, Error> {
    let strategy = StrategyKind::from(args.strategy);
    let max_evals =
        Budget::evals_or_default(strategy, args.budget_evals, args.budget_time, DEFAULT_EVALS);
    let objective = args.objective.map_or(Objective::default_for(backend), Objective::from);
    Ok(OptimizeOptions {
        file: args.file.clone(),
        output: args.output.clone(),
        backend,
        objective,
        strategy,
        pipelines: args.pipelines.clone(),
        budget: Budget {
            max_evals,
            wall_time: args.budget_time,
            compile_timeout: args.timeout.unwrap_or(opm_search::problem::DEFAULT_COMPILE_TIMEOUT),
            compile_timeout_fixed: args.timeout.is_some(),
            run_timeout: args.run_timeout,
            memory_limit_mib: args.memory_limit_mib,
            max_code_growth: args.max_code_growth,
        },
        jobs: args.jobs.unwrap_or_else(cpus),
        signals: args.signals.clone(),
        resume: args.resume,
        seed: args.seed,
        runs: args.runs,
        run_args: args.run_args.clone(),
        strip_optnone: args.strip_optnone,
        run: !args.no_run,
        audit: args.audit.clone(),
        progress: !args.quiet && !args.json,
        worker_exe: worker_exe(),
        observer: None,
        link: link_args(args.link_args.as_deref())?,
        verify_each_pass: args.verify_each == args::VerifyEach::Pass,
        avoid: !args.no_avoid,
    })
}

fn to_text(value: &serde_json::Value) -> Result<String, Error> {
    serde_json::to_string_pretty(value)
        .map(|t| t + "\n")
        .map_err(|e| Error::io("<stdout>", std::io::Error::other(e)))
}

fn run_optimize(args: &OptimizeArgs) -> Result<ExitCode, Failure> {
    let Some(backend) = args.backend.single() else {
        // Every backend's code is compared: `size` unless another objective is given.
        let mut opts = optimize_options(args, BackendKind::Llvm)?;
        opts.objective = args.objective.map_or(Objective::Size, Objective::from);
        let report = optimize_all(&opts)?;
        let text = if args.json { to_text(&report.to_json())? } else { report.render() };
        write_output(None, &text)?;
        return Ok(if report.winner().is_some() { ExitCode::SUCCESS } else { ExitCode::from(1) });
    };
    let opts = optimize_options(args, backend)?;
    let report = optimize(&opts)?;
    for note in &report.notes {
        eprintln!("opm-driver: note: {note}");
    }
    if args.json {
        write_output(None, &to_text(&report.to_json(opts.seed))?)?;
    } else {
        let mut text = opm_engine::report::render(&report, args.top);
        if let (Some(out), Some(_)) = (&args.output, &report.best) {
            let checked = if report.output_checked { ", output checked" } else { "" };
            let what =
                if backend.transforms_ir() { "verified" } else { "object file, the one measured" };
            text.push_str(&format!("wrote {} ({what}{checked})\n", out.display()));
        }
        write_output(None, &text)?;
    }
    Ok(if report.best.is_some() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// `bench`: run a lab, or compare, report or export runs.
fn run_bench(args: &BenchArgs) -> Result<ExitCode, Failure> {
    match &args.action {
        Some(BenchAction::Compare { a, b }) => {
            let store = opm_lab::store::open(&args.db)?;
            let c = opm_lab::compare::compare_tags(&store, a, b)?;
            write_output(None, &opm_lab::compare::render(&c))?;
            Ok(if c.has_regression() { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Some(BenchAction::Report { tag, out }) => {
            let store = opm_lab::store::open(&args.db)?;
            let input = opm_lab::report_input(&store, tag)?;
            let dir = out
                .clone()
                .unwrap_or_else(|| args.db.with_file_name("opm-lab").join(format!("report-{tag}")));
            for path in opm_lab::report::write_report(&input, &dir)? {
                println!("wrote {}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(BenchAction::Export { tag, output }) => {
            let store = opm_lab::store::open(&args.db)?;
            let text = opm_lab::export::export(&store, tag)?;
            write_output(output.as_deref(), &text)?;
            Ok(ExitCode::SUCCESS)
        }
        None => run_lab(args),
    }
}

/// `bench --tag T`: runs (or resumes) a lab and says how it went.
fn run_lab(args: &BenchArgs) -> Result<ExitCode, Failure> {
    use opm_lab::store::Store as _;
    let tag = args.tag.clone().ok_or_else(|| {
        Error::Usage("bench needs --tag NAME (or compare, report, export)".into())
    })?;
    let opts = opm_lab::run::LabOptions {
        corpus: args.corpus.clone(),
        backends: args.backends.iter().map(|&b| b.into()).collect(),
        strategies: args.strategies.iter().map(|&s| s.into()).collect(),
        objective: args.objective.into(),
        budget_evals: args.budget_evals,
        budget_time: args.budget_time,
        db: args.db.clone(),
        tag: tag.clone(),
        jobs: args.jobs.unwrap_or_else(cpus),
        runs: args.runs,
        seed: args.seed,
        progress: !args.quiet,
        worker_exe: worker_exe(),
        opm_commit: opm_buildinfo::COMMIT.to_string(),
    };
    let start = std::time::Instant::now();
    let summary = opm_lab::run::run_lab(&opts)?;
    let store = opm_lab::store::open(&args.db)?;
    let failures = store.failures(&tag)?;
    let mut text = format!(
        "lab `{tag}`: {} searches run, {} already measured, {} failed, in {:.0} s; \
         database {}\n",
        summary.run,
        summary.skipped,
        failures.len(),
        start.elapsed().as_secs_f64(),
        args.db.display()
    );
    for failure in &failures {
        text.push_str(&format!("failed: {failure}\n"));
    }
    write_output(None, &text)?;
    Ok(if failures.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn exe_name(file: &Path) -> String {
    file.file_stem().map_or_else(|| "program".into(), |s| s.to_string_lossy().into_owned())
}

fn temp_dir() -> Result<tempfile::TempDir, Error> {
    tempfile::Builder::new()
        .prefix("opm-run-")
        .tempdir()
        .map_err(|source| Error::io(std::env::temp_dir(), source))
}

fn write_output(path: Option<&Path>, text: &str) -> Result<(), Error> {
    let result = match path {
        Some(p) => std::fs::write(p, text),
        None => std::io::stdout().lock().write_all(text.as_bytes()),
    };
    result.map_err(|source| {
        Error::io(path.map_or_else(|| "<stdout>".into(), Path::to_path_buf), source)
    })
}
