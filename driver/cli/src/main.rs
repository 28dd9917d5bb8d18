//! `opm-driver`: the command-line interface. It reads the command line ([`args`]), calls the
//! libraries, prints what they return and turns their errors into exit statuses.

mod args;
mod market;
mod warm;

use args::{
    AttestAction, BenchAction, BenchArgs, BuildArgs, Cli, CollectorArgs, Command, KeysAction,
    OptimizeArgs,
};
use clap::Parser;
use opm_backend::BackendKind;
use opm_engine::build::{BuildOptions, build_executable};
use opm_engine::optimize::{DEFAULT_EVALS, OptimizeOptions, all::optimize_all, optimize};
use opm_engine::toolchain::LinkArgs;
use opm_engine::{Error, Input};
use opm_ir::print::{PrintOptions, print_module};
use opm_market::attest::Statement;
use opm_search::{Budget, Objective, StrategyKind};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Why a command failed: an error of the engine, or another (the lab's, the market's) with
/// its exit status, or a command line naming what does not exist (exit 2).
enum Failure {
    Engine(Error),
    Message { message: String, code: u8 },
    Usage(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure::Engine(e)
    }
}

impl From<opm_lab::run::LabError> for Failure {
    fn from(e: opm_lab::run::LabError) -> Failure {
        Failure::Message { code: e.exit_code(), message: e.to_string() }
    }
}

impl From<opm_collector::CollectorError> for Failure {
    fn from(e: opm_collector::CollectorError) -> Failure {
        Failure::Message { code: 2, message: e.to_string() }
    }
}

impl From<opm_lab::store::StoreError> for Failure {
    fn from(e: opm_lab::store::StoreError) -> Failure {
        Failure::Message { code: 2, message: e.to_string() }
    }
}

impl From<opm_market::keys::KeyError> for Failure {
    fn from(e: opm_market::keys::KeyError) -> Failure {
        Failure::Message { code: 2, message: e.to_string() }
    }
}

impl From<opm_lab::report::ReportError> for Failure {
    fn from(e: opm_lab::report::ReportError) -> Failure {
        Failure::Message { code: 2, message: e.to_string() }
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
        Err(Failure::Message { message, code }) => {
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
        Command::Compile { file, output, emit_c, object, build } => {
            let input = Input::load_verified(&file)?;
            if let Some(path) = emit_c {
                if build.backend != args::BackendArg::Gcc {
                    return Err(Error::Usage("--emit-c needs --backend gcc".into()).into());
                }
                let c = opm_engine::build::emit_c(&input.module)?;
                opm_engine::atomic::write(&path, c.as_bytes())
                    .map_err(|source| Error::io(path, source))?;
            }
            if object {
                let backend = opm_engine::backends::open(build.backend.into())?;
                let bytes = opm_engine::build::compile(
                    backend.as_ref(),
                    &input.module,
                    build.pipeline.as_deref(),
                )?;
                opm_engine::atomic::write(&output, &bytes)
                    .map_err(|source| Error::io(&output, source))?;
            } else {
                require_main(&file, &input.module, &build)?;
                build_executable(&input.module, &build_options(&build)?, &output)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Optimize(args) => run_optimize(&args),
        Command::Bench(args) => run_bench(&args),
        Command::Collector(args) => run_collector(&args),
        Command::Passes { backend, json } => {
            let backend = opm_engine::backends::open(backend.into())?;
            write_output(None, &backend.listing(json))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Keys { action } => run_keys(action),
        Command::Attest { action: AttestAction::Verify { attestation, public_key, module } } => {
            verify_attestation(&attestation, &public_key, module.as_deref())
        }
        Command::Attest { action: AttestAction::Sign { report, module, key, output } } => {
            sign_report(&report, module.as_deref(), key.as_deref(), &output)
        }
        Command::Replay { attestation, public_key, module, json, link_args } => {
            run_replay(&attestation, &public_key, module, json, link_args.as_deref())
        }
        Command::Conformance { checks, report } => run_conformance(&checks, report.as_deref()),
        Command::Registry { store, action } => market::run_registry(&store, action),
        Command::Ledger { store, action } => market::run_ledger(&store, action),
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

/// An executable needs a `main`: without one (and without `--link-args`, whose objects may
/// define it) the input is refused before the linker says so in its own words.
fn require_main(file: &Path, module: &opm_ir::Module, build: &BuildArgs) -> Result<(), Error> {
    if build.link_args.is_some() || module.definitions().any(|f| f.name == "main") {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "{}: no `main` function is defined, so there is no program to build or run \
         (`compile -c` writes an object)",
        file.display()
    )))
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
    require_main(file, &input.module, build)?;
    let dir = temp_dir()?;
    let exe = dir.path().join(exe_name(file));
    build_executable(&input.module, &build_options(build)?, &exe)?;
    let status = std::process::Command::new(&exe)
        .args(args)
        .status()
        .map_err(|source| Error::cannot_run(&exe, &source))?;
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
            run_memory_limit_mib: args.run_memory_limit_mib,
            max_code_growth: args.max_code_growth,
        },
        jobs: args.jobs.unwrap_or_else(cpus),
        signals: args.signals.clone(),
        resume: args.resume,
        seed: args.seed,
        runs: args.runs,
        timing: opm_engine::timing::TimingOptions {
            clock: args.clock.into(),
            confirm_pairs: args.confirm_pairs,
            threshold: args.speedup_threshold,
        },
        run_args: args.run_args.clone(),
        strip_optnone: args.strip_optnone,
        run: !args.no_run,
        audit: args.audit.clone(),
        progress: !args.quiet && !args.json,
        speaker: "opm-driver",
        worker_exe: worker_exe(),
        observer: None,
        link: link_args(args.link_args.as_deref())?,
        verify_each_pass: args.verify_each == args::VerifyEach::Pass,
        avoid: !args.no_avoid,
        warm_start: Vec::new(),
    })
}

fn to_text(value: &serde_json::Value) -> Result<String, Error> {
    serde_json::to_string_pretty(value)
        .map(|t| t + "\n")
        .map_err(|e| Error::io("<stdout>", std::io::Error::other(e)))
}

fn run_optimize(args: &OptimizeArgs) -> Result<ExitCode, Failure> {
    // A key that cannot sign, or a registry that cannot be reached, is known before the
    // search spends its budget.
    let signs = args.attest.is_some() || args.warm.publish;
    if args.key.is_some() && !signs {
        return Err(Failure::Usage("--key signs --attest or --publish; give one of them".into()));
    }
    let signer = match signs {
        true => Some(opm_market::keys::read_secret(&key_path(args.key.as_deref())?)?),
        false => None,
    };
    // So is a file that cannot be written where it is asked for.
    for path in [&args.output, &args.attest, &args.audit].into_iter().flatten() {
        opm_engine::atomic::check_writable(path).map_err(|source| Error::io(path, source))?;
    }
    let warm = warm::Warm::open(&args.warm, &args.file)?;
    let Some(backend) = args.backend.single() else {
        if warm.is_some() {
            return Err(Failure::Usage(
                "--registry goes with one backend, not --backend all".into(),
            ));
        }
        // Every backend's code is compared: `size` unless another objective is given.
        let mut opts = optimize_options(args, BackendKind::Llvm)?;
        opts.objective = args.objective.map_or(Objective::Size, Objective::from);
        let report = optimize_all(&opts)?;
        if let (Some(path), Some(key)) = (&args.attest, &signer) {
            // A cross plan (LLVM's passes, then another code generator) is not one backend's
            // pipeline: the best search of a single backend is attested.
            let single =
                report.rows.iter().find(|r| r.mid_end.is_none() && r.report.best.is_some());
            if let Some(row) = single {
                if report.winner().is_some_and(|w| w.mid_end.is_some()) {
                    eprintln!(
                        "opm-driver: note: the winner is a cross plan, which an attestation \
                         cannot hold; attesting the best single backend's, {}",
                        row.label
                    );
                }
                if let Some(found) = Found::of(&row.report) {
                    let source = &row.report.problem.source;
                    let (envelope, _) = sign_attestation(key, &found, source, false)?;
                    write_attestation(path, &envelope)?;
                }
            }
        }
        let text = if args.json { to_text(&report.to_json())? } else { report.render() };
        write_output(None, &text)?;
        return Ok(if report.winner().is_some() { ExitCode::SUCCESS } else { ExitCode::from(1) });
    };
    let mut opts = optimize_options(args, backend)?;
    if args.warm.publish && opts.objective == Objective::CompileTime {
        return Err(Failure::Usage(
            "--publish: an attestation holds instruction counts, code size and run time, not \
             compile time"
                .into(),
        ));
    }
    if let Some(w) = &warm {
        opts.warm_start = w.plans(backend, opts.objective)?;
    }
    let report = optimize(&opts)?;
    for note in &report.notes {
        eprintln!("opm-driver: note: {note}");
    }
    let signed = match (&signer, Found::of(&report)) {
        (Some(key), Some(found)) => {
            Some(sign_attestation(key, &found, &report.problem.source, true)?)
        }
        _ => None,
    };
    if let (Some(path), Some((envelope, _))) = (&args.attest, &signed) {
        write_attestation(path, envelope)?;
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
    // What was measured is printed first: a registry that refuses it loses nothing.
    if let (true, Some(w), Some(key), Some((envelope, statement))) =
        (args.warm.publish, &warm, &signer, &signed)
    {
        w.publish(envelope, statement, key)?;
    }
    Ok(if report.best.is_some() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// `bench`: run a lab, or compare, report or export runs.
fn run_bench(args: &BenchArgs) -> Result<ExitCode, Failure> {
    match &args.action {
        Some(BenchAction::Compare { a, b }) => {
            let store = args.db.open()?;
            let c = opm_lab::compare::compare_tags(&*store, a, b)?;
            write_output(None, &opm_lab::compare::render(&c))?;
            Ok(if c.has_regression() { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Some(BenchAction::Report { tag, out }) => {
            let store = args.db.open()?;
            let input = opm_lab::report_input(&*store, tag)?;
            let dir = out.clone().unwrap_or_else(|| args.db.report_dir(tag));
            for path in opm_lab::report::write_report(&input, &dir)? {
                println!("wrote {}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(BenchAction::Export { tag, output }) => {
            let store = args.db.open()?;
            let text = opm_lab::export::export(&*store, tag)?;
            write_output(output.as_deref(), &text)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(BenchAction::Status { tag }) => {
            let store = postgres_store(&args.db, "bench status")?;
            write_output(None, &opm_collector::status::status(&store, tag.as_deref())?)?;
            Ok(ExitCode::SUCCESS)
        }
        None if args.enqueue => enqueue_lab(args),
        None => run_lab(args),
    }
}

/// The URL of the PostgreSQL database `db` names, for `what`, which needs one.
fn postgres_url<'a>(db: &'a opm_lab::store::Database, what: &str) -> Result<&'a str, Failure> {
    match db {
        opm_lab::store::Database::Postgres(url) => Ok(url),
        opm_lab::store::Database::Sqlite(path) => Err(Error::Usage(format!(
            "{what} needs a PostgreSQL lab database (--db postgres://user@host/db); {} is SQLite",
            path.display()
        ))
        .into()),
    }
}

/// The PostgreSQL database `db` names, opened, for `what`, which needs one.
fn postgres_store(
    db: &opm_lab::store::Database,
    what: &str,
) -> Result<opm_lab::store::PgStore, Failure> {
    Ok(opm_lab::store::PgStore::open(postgres_url(db, what)?)?)
}

/// The lab's options from `bench`'s arguments.
fn lab_options(args: &BenchArgs, tag: &str) -> opm_lab::run::LabOptions {
    opm_lab::run::LabOptions {
        corpus: args.corpus.clone(),
        backends: args.backends.iter().map(|&b| b.into()).collect(),
        strategies: args.strategies.iter().map(|&s| s.into()).collect(),
        objective: args.objective.into(),
        budget_evals: args.budget_evals,
        budget_time: args.budget_time,
        db: args.db.clone(),
        tag: tag.to_string(),
        jobs: args.jobs.unwrap_or_else(cpus),
        runs: args.runs,
        run_timeout: args.run_timeout,
        compile_timeout: args.timeout,
        seed: args.seed,
        progress: !args.quiet,
        worker_exe: worker_exe(),
        opm_commit: opm_buildinfo::COMMIT.to_string(),
    }
}

/// `bench --tag T --enqueue`: puts the lab on the queue for collectors.
fn enqueue_lab(args: &BenchArgs) -> Result<ExitCode, Failure> {
    let tag =
        args.tag.clone().ok_or_else(|| Error::Usage("bench --enqueue needs --tag NAME".into()))?;
    let store = postgres_store(&args.db, "bench --enqueue")?;
    let opts = lab_options(args, &tag);
    let s = opm_lab::run::enqueue_lab(&store, &opts, args.class.as_deref())?;
    let mut text = format!(
        "lab `{tag}`: {} searches enqueued, {} already queued, {} already ended, {} failed; \
         database {}\n",
        s.enqueued, s.queued_before, s.ended, s.failed, args.db
    );
    text.push_str(&format!(
        "start collectors with: opm-driver collector --db URL --name NAME{}\n\
         follow them with: opm-driver bench status --db URL --tag {tag}\n",
        match (&args.class, opts.objective) {
            (Some(class), opm_search::Objective::Runtime) => format!(" --class {class}"),
            _ => String::new(),
        }
    ));
    write_output(None, &text)?;
    Ok(if s.failed == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// `collector`: takes and runs searches from the queue.
fn run_collector(args: &CollectorArgs) -> Result<ExitCode, Failure> {
    let opts = opm_collector::CollectorOptions {
        url: postgres_url(&args.db, "collector")?.to_string(),
        name: args.name.clone(),
        class: args.class.clone(),
        jobs: args.jobs.unwrap_or_else(cpus),
        lease: args.lease,
        max_attempts: args.max_attempts,
        exit_when_done: args.exit_when_done,
        poll: std::time::Duration::from_secs(1),
        work: args.work.clone(),
        worker_exe: worker_exe(),
        opm_commit: opm_buildinfo::COMMIT.to_string(),
        verbose: !args.quiet,
    };
    let s = opm_collector::run(&opts)?;
    write_output(
        None,
        &format!(
            "collector {}: {} searches done, {} failed, {} failed and queued again, {} leases lost\n",
            args.name, s.done, s.failed, s.retried, s.lost
        ),
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `bench --tag T`: runs (or resumes) a lab and says how it went.
fn run_lab(args: &BenchArgs) -> Result<ExitCode, Failure> {
    let tag = args.tag.clone().ok_or_else(|| {
        Error::Usage("bench needs --tag NAME (or compare, report, export)".into())
    })?;
    let opts = lab_options(args, &tag);
    if let opm_lab::store::Database::Postgres(url) = &args.db {
        let queued = opm_lab::queue::unfinished(&opm_lab::store::PgStore::open(url)?, &tag)?;
        if queued > 0 {
            return Err(Error::Usage(format!(
                "lab `{tag}` is on the collectors' queue ({queued} searches not ended): \
                 collectors run it (`opm-driver collector`); `bench status` shows them"
            ))
            .into());
        }
    }
    let start = std::time::Instant::now();
    let summary = opm_lab::run::run_lab(&opts)?;
    let store = args.db.open()?;
    let failures = store.failures(&tag)?;
    let mut text = format!(
        "lab `{tag}`: {} searches run, {} already measured, {} failed, in {:.0} s; \
         database {}\n",
        summary.run,
        summary.skipped,
        failures.len(),
        start.elapsed().as_secs_f64(),
        args.db
    );
    for failure in &failures {
        text.push_str(&format!("failed: {failure}\n"));
    }
    // Noisy programs and programs too short to time: what their speed-ups are worth.
    for warning in opm_lab::timing_warnings(&*store, &tag)? {
        text.push_str(&format!("warning: {warning}\n"));
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
        Some(p) => opm_engine::atomic::write(p, text.as_bytes()),
        None => std::io::stdout().lock().write_all(text.as_bytes()),
    };
    result.map_err(|source| {
        Error::io(path.map_or_else(|| "<stdout>".into(), Path::to_path_buf), source)
    })
}

/// The secret key's file: `given`, or `$XDG_CONFIG_HOME/opm/signing.key`, or
/// `~/.config/opm/signing.key`.
fn key_path(given: Option<&Path>) -> Result<PathBuf, Failure> {
    if let Some(p) = given {
        return Ok(p.to_path_buf());
    }
    match xdg_dir("XDG_CONFIG_HOME", ".config") {
        Some(dir) => Ok(dir.join("opm").join("signing.key")),
        None => Err(Failure::Usage(
            "neither XDG_CONFIG_HOME nor HOME is set: give the key's file with --key".into(),
        )),
    }
}

/// `keys generate|show`.
fn run_keys(action: KeysAction) -> Result<ExitCode, Failure> {
    let (path, made) = match action {
        KeysAction::Generate { key } => {
            let path = key_path(key.as_deref())?;
            let key = opm_market::keys::generate(&path)?;
            (path, Some(key))
        }
        KeysAction::Show { key } => (key_path(key.as_deref())?, None),
    };
    let key = match made {
        Some(k) => k,
        None => opm_market::keys::read_secret(&path)?,
    };
    let public = key.verifying_key();
    let text = format!(
        "secret key: {}\npublic key: {} ({})\nkey id:     {}\n{}",
        path.display(),
        opm_market::keys::public_path(&path).display(),
        opm_market::keys::public_hex(&public),
        opm_market::attest::key_id(&public),
        opm_market::keys::public_text(&public)
    );
    write_output(None, &text)?;
    Ok(ExitCode::SUCCESS)
}

/// What an attestation is made of: a finished search's problem, its winner, and the
/// baseline its ratios are taken against (name and signal).
struct Found<'a> {
    problem: &'a opm_search::LocalProblem,
    best: &'a opm_search::PerformanceSignal,
    baseline: Option<(&'a str, &'a opm_search::PerformanceSignal)>,
}

impl<'a> Found<'a> {
    fn of(report: &'a opm_engine::optimize::OptimizeReport) -> Option<Found<'a>> {
        Some(Found {
            problem: &report.problem,
            best: report.best.as_ref()?,
            baseline: report.baseline(&report.ratio_base).map(|b| (report.ratio_base.as_str(), b)),
        })
    }
}

/// Signs what the search found for the module in the file `source`, with its feature bucket
/// when `with_bucket`: the envelope and the statement it holds.
fn sign_attestation(
    key: &opm_market::attest::SigningKey,
    found: &Found,
    source: &Path,
    with_bucket: bool,
) -> Result<(opm_market::attest::Envelope, Statement), Failure> {
    use opm_market::attest::{AttestedMetrics, AttestedRuntime, Envelope, PlanPredicate};
    let (best, problem) = (found.best, found.problem);
    let module = std::fs::read(source).map_err(|e| Error::io(source, e))?;
    let input = Input::load(source)?;
    if input.module.structural_hash() != problem.module_hash {
        return Err(Failure::Message {
            code: 1,
            message: format!("{}: not the module the search was for", source.display()),
        });
    }
    let bucket = with_bucket.then(|| warm::bucket_of(&input.module));
    let target = input.module.target_triple;
    // opm's and LLVM's versions as the signal recorded them, and the backend's own tools.
    let mut tools = opm_replay::tools_here(best.backend);
    tools.insert("opm".into(), best.tools.opm.clone());
    tools.insert("llvm".into(), best.tools.llvm.clone());
    let attested = |m: &opm_search::Metrics| AttestedMetrics {
        instcount: m.instcount,
        text_bytes: m.text_bytes,
        runtime: m.runtime.as_ref().map(|r| AttestedRuntime {
            samples_ns: r.clock_samples().to_vec(),
            median_ns: r.median_ns,
            ci95_ns: r.ci95_ns,
            clock: r.clock,
        }),
    };
    let baseline = found.baseline.and_then(|(name, b)| {
        (b.verdict == opm_search::Verdict::Ok).then(|| opm_market::attest::AttestedBaseline {
            name: name.to_string(),
            plan: b.pipeline.text(),
            metrics: attested(&b.metrics),
        })
    });
    let predicate = PlanPredicate {
        plan: best.pipeline.text(),
        backend: best.backend,
        tools,
        target,
        host_cpu: opm_replay::host_cpu(),
        objective: best.objective,
        module_hash: problem.module_hash.clone(),
        run_args: problem.run_args.clone(),
        metrics: attested(&best.metrics),
        baseline,
        bucket,
    };
    let name = source.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let statement = Statement::new(&name, &module, predicate);
    Ok((Envelope::sign(&statement, key), statement))
}

/// Writes a signed attestation to `path`.
fn write_attestation(path: &Path, envelope: &opm_market::attest::Envelope) -> Result<(), Failure> {
    write_output(Some(path), &(envelope.to_json() + "\n"))?;
    eprintln!("opm-driver: wrote the attestation {}", path.display());
    Ok(())
}

/// `conformance`: the adapter's contract checks on the corpus, the report on stdout (and as
/// a contract in `report`); exit status 1 when it is not conformant.
fn run_conformance(
    checks: &args::ConformanceArgs,
    report: Option<&Path>,
) -> Result<ExitCode, Failure> {
    let adapter = opm_engine::backends::open(checks.backend.into())?;
    let result = conformance(checks, adapter.as_ref(), None)?;
    if let Some(path) = report {
        let text = opm_market::Contract::new(result.clone()).to_json();
        write_output(Some(path), &(text + "\n"))?;
    }
    write_output(None, &result.render())?;
    Ok(if result.conformant() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// The conformance checks of `adapter` as `checks` asks, each compilation in a process of
/// its own; `claimed`: the tool versions an earlier record of it claims.
fn conformance(
    checks: &args::ConformanceArgs,
    adapter: &dyn opm_backend::Backend,
    claimed: Option<std::collections::BTreeMap<String, String>>,
) -> Result<opm_market::ConformanceReport, Failure> {
    let corpus = checks.corpus.clone().unwrap_or_else(|| PathBuf::from("bench/corpus"));
    if !corpus.is_dir() {
        return Err(Failure::Usage(format!(
            "{}: no corpus directory; give one with --corpus DIR",
            corpus.display()
        )));
    }
    let work = tempfile::Builder::new()
        .prefix("opm-conformance-")
        .tempdir()
        .map_err(|e| Error::io(std::env::temp_dir(), e))?;
    let programs = opm_conformance::corpus(&corpus, &checks.programs, work.path())
        .map_err(|message| Failure::Message { code: 2, message })?;
    let subject = opm_conformance::Subject {
        backend: adapter,
        isolation: opm_conformance::Isolation::Process { exe: worker_exe() },
        claimed,
    };
    let opts = opm_conformance::Options {
        programs,
        jobs: checks.jobs.unwrap_or_else(cpus),
        limit: std::time::Duration::from_secs(120),
    };
    Ok(opm_conformance::check(&subject, &opts))
}

/// A directory of the XDG base directories: `$VAR` when set, else `~/FALLBACK`.
fn xdg_dir(var: &str, fallback: &str) -> Option<PathBuf> {
    std::env::var_os(var).filter(|v| !v.is_empty()).map(PathBuf::from).or_else(|| {
        std::env::var_os("HOME").filter(|v| !v.is_empty()).map(|h| PathBuf::from(h).join(fallback))
    })
}

/// The envelope in the file `path` and the public key `public` (a file or hex); exit
/// status 2 when either cannot be read.
fn read_envelope(
    path: &Path,
    public: &str,
) -> Result<(opm_market::attest::Envelope, opm_market::attest::VerifyingKey), Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let key = opm_market::keys::read_public(public)?;
    let envelope = opm_market::attest::Envelope::from_json(&text)
        .map_err(|e| Failure::Message { code: 2, message: format!("{}: {e}", path.display()) })?;
    Ok((envelope, key))
}

/// `replay`: the attestation verified and its plan run again on the module; exit status 0
/// reproduced, 1 rejected or different, 3 not replayable with the tools here.
fn run_replay(
    path: &Path,
    public: &str,
    module: Option<PathBuf>,
    json: bool,
    link: Option<&Path>,
) -> Result<ExitCode, Failure> {
    let (envelope, key) = read_envelope(path, public)?;
    let module = match module {
        Some(m) => Some(m),
        None => attested_module_beside(path, &envelope, &key)?,
    };
    // Without a module, the signature did not verify: `replay` says why.
    let bytes = match &module {
        Some(m) => std::fs::read(m).map_err(|e| Error::io(m, e))?,
        None => Vec::new(),
    };
    let module = module.unwrap_or_default();
    let opts =
        opm_replay::ReplayOptions { module, worker_exe: worker_exe(), link: link_args(link)? };
    let replay = match opm_replay::replay(&envelope, &key, &bytes, &opts) {
        Ok(r) => r,
        Err(opm_replay::ReplayError::Rejected(why)) => {
            eprintln!("opm-driver: {}: rejected: {why}", path.display());
            return Ok(ExitCode::from(1));
        }
        Err(opm_replay::ReplayError::Engine(e)) => return Err(e.into()),
    };
    let out = if json {
        to_text(&serde_json::to_value(&replay).unwrap_or_default())?
    } else {
        opm_replay::render(&replay)
    };
    write_output(None, &out)?;
    Ok(match replay.verdict {
        opm_replay::ReplayVerdict::Reproduced => ExitCode::SUCCESS,
        opm_replay::ReplayVerdict::Differs(_) => ExitCode::from(1),
        opm_replay::ReplayVerdict::CannotReplay(_) => ExitCode::from(3),
    })
}

/// The module an attestation names, looked for beside it; only a plain file name is taken
/// from a statement whose signature verified.
fn attested_module_beside(
    path: &Path,
    envelope: &opm_market::attest::Envelope,
    key: &opm_market::attest::VerifyingKey,
) -> Result<Option<PathBuf>, Failure> {
    let Ok(statement) = envelope.verify(key) else { return Ok(None) };
    let name = statement
        .subject
        .first()
        .map(|s| s.name.clone())
        .filter(|n| !n.is_empty() && Path::new(n).file_name() == Some(std::ffi::OsStr::new(n)));
    match name {
        Some(n) => Ok(Some(path.parent().unwrap_or(Path::new(".")).join(n))),
        None => Err(Failure::Usage(format!(
            "{}: the attestation names no module file; give it with --module FILE",
            path.display()
        ))),
    }
}

/// `attest sign`: an attestation of what a finished search found, from the JSON report it
/// printed (`optimize --json`), for its module.
fn sign_report(
    report: &Path,
    module: Option<&Path>,
    key: Option<&Path>,
    output: &Path,
) -> Result<ExitCode, Failure> {
    let key = opm_market::keys::read_secret(&key_path(key)?)?;
    let text = std::fs::read_to_string(report).map_err(|e| Error::io(report, e))?;
    let bad = |why: String| Failure::Message {
        code: 2,
        message: format!("{}: not a report of `optimize --json`: {why}", report.display()),
    };
    let doc: serde_json::Value = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
    let problem: opm_search::LocalProblem =
        serde_json::from_value(doc["problem"].clone()).map_err(|e| bad(format!("problem: {e}")))?;
    let best: opm_search::PerformanceSignal = match &doc["best"] {
        serde_json::Value::Null => {
            return Err(Failure::Message {
                code: 1,
                message: format!("{}: the search found no winner to attest", report.display()),
            });
        }
        b => serde_json::from_value(b.clone()).map_err(|e| bad(format!("best: {e}")))?,
    };
    let ratio_base = doc["ratio_base"].as_str().unwrap_or_default().to_string();
    let baseline: Option<opm_search::PerformanceSignal> = match &doc["baselines"][&ratio_base] {
        serde_json::Value::Null => None,
        b => Some(serde_json::from_value(b.clone()).map_err(|e| bad(format!("baselines: {e}")))?),
    };
    let found = Found {
        problem: &problem,
        best: &best,
        baseline: baseline.as_ref().map(|b| (ratio_base.as_str(), b)),
    };
    let source = module.unwrap_or(&problem.source);
    let (envelope, _) = sign_attestation(&key, &found, source, true)?;
    write_attestation(output, &envelope)?;
    Ok(ExitCode::SUCCESS)
}

/// `attest verify`: the signature, and the module when given; exit 1 when either fails.
fn verify_attestation(
    path: &Path,
    public: &str,
    module: Option<&Path>,
) -> Result<ExitCode, Failure> {
    let (envelope, key) = read_envelope(path, public)?;
    let statement = match envelope.verify(&key) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("opm-driver: {}: rejected: {e}", path.display());
            return Ok(ExitCode::from(1));
        }
    };
    if let Some(m) = module {
        let bytes = std::fs::read(m).map_err(|e| Error::io(m, e))?;
        if !statement.is_subject(&bytes) {
            eprintln!(
                "opm-driver: {}: rejected: {} is not the attested module",
                path.display(),
                m.display()
            );
            return Ok(ExitCode::from(1));
        }
    }
    let p = &statement.predicate;
    let subject = statement.subject.first().map(|s| s.name.as_str()).unwrap_or_default();
    let mut text = format!(
        "verified: signed by key {}\nsubject:   {subject}\nplan:      {} ({})\nobjective: {}\n",
        opm_market::attest::key_id(&key),
        p.plan,
        p.backend.name(),
        p.objective.name()
    );
    if let Some(n) = p.metrics.instcount {
        text.push_str(&format!("instcount: {n}\n"));
    }
    if let Some(n) = p.metrics.text_bytes {
        text.push_str(&format!(".text:     {n} bytes\n"));
    }
    if let Some(r) = &p.metrics.runtime {
        text.push_str(&format!(
            "runtime:   median {:.3} ms, 95% [{:.3}, {:.3}] ms over {} runs ({} time)\n",
            r.median_ns / 1e6,
            r.ci95_ns.0 / 1e6,
            r.ci95_ns.1 / 1e6,
            r.samples_ns.len(),
            r.clock.name()
        ));
    }
    write_output(None, &text)?;
    Ok(ExitCode::SUCCESS)
}
