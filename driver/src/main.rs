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
struct OptimizeArgs {
    file: PathBuf,
    /// Write the best module's IR here (verified; for programs also output-checked); with
    /// `--backend cranelift`, the object file of the best settings (the one measured).
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Whose pipelines to search: LLVM's passes, or Cranelift's settings.
    #[arg(long, value_enum, default_value = "llvm")]
    backend: Backend,
    /// What to minimise [default: instcount; size with `--backend cranelift`, whose settings
    /// never change the IR's instructions]
    #[arg(long, value_enum)]
    objective: Option<Objective>,
    /// How candidates are chosen.
    #[arg(long, value_enum, default_value = "auto")]
    strategy: StrategyKind,
    /// A candidate of your own, in the backend's syntax: LLVM's pipelines, or Cranelift's
    /// settings (`opt_level=speed,regalloc_algorithm=single_pass`). Repeatable.
    #[arg(long = "pipeline", value_name = "P")]
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
    fn options(&self) -> OptimizeOptions {
        let unbounded = !matches!(self.strategy, StrategyKind::Presets | StrategyKind::Greedy);
        let max_evals = match (self.budget_evals, self.budget_time) {
            (None, None) if unbounded => Some(200),
            (n, _) => n,
        };
        let objective = self.objective.unwrap_or(match self.backend {
            Backend::Llvm => Objective::Instcount,
            Backend::Cranelift | Backend::Gcc => Objective::Size,
        });
        OptimizeOptions {
            file: self.file.clone(),
            output: self.output.clone(),
            backend: self.backend,
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
    let opts = args.options();
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
