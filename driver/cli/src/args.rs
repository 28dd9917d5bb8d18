//! The command line: every command, argument and default, as clap reads them. The choices
//! mirror the libraries' enums ([`BackendKind`], [`Objective`], [`StrategyKind`]), which know
//! nothing of clap.

use clap::{Parser, Subcommand, ValueEnum};
use opm_backend::BackendKind;
use opm_search::{Objective, StrategyKind, parse_duration};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "opm-driver",
    version,
    about = "OpenPassMarket: searches, proves and measures compiler pass pipelines",
    after_help = "Exit status: 0 ok, 1 verification or program failure, 2 usage or input error.\n\
                  `run` exits with the program's own status (128+N when signal N ended it)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
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
        /// The executable (or with `-c`, the object) to write.
        #[arg(short, long)]
        output: PathBuf,
        /// With `--backend gcc`: also write the C that gcc compiles to FILE.
        #[arg(long, value_name = "FILE")]
        emit_c: Option<PathBuf>,
        /// Write the relocatable object instead of linking an executable.
        #[arg(short = 'c', long)]
        object: bool,
        #[command(flatten)]
        build: BuildArgs,
    },
    /// Search the best pass pipeline (or Cranelift settings, or GCC flags) for FILE within a
    /// budget, measuring every candidate.
    Optimize(Box<OptimizeArgs>),
    /// Run a benchmark lab (a corpus × backends × strategies, every measurement stored in
    /// SQLite or PostgreSQL under a tag), or put it on a PostgreSQL queue for collectors
    /// (`--enqueue`); compare two tags, report one, export one, show the queue.
    Bench(Box<BenchArgs>),
    /// Take a lab's searches from the queue of a PostgreSQL lab database (`bench --enqueue`)
    /// one at a time and run them, each held under a lease renewed by heartbeat.
    Collector(Box<CollectorArgs>),
    /// List the passes candidates are made of (LLVM's passes, Cranelift's settings, GCC's
    /// flags and params), and the default pipelines.
    Passes {
        /// The backend whose passes to list.
        #[arg(long, value_enum, default_value = "llvm")]
        backend: BackendArg,
        /// One JSON object per pass instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Make or show the Ed25519 key that signs attestations.
    Keys {
        #[command(subcommand)]
        action: KeysAction,
    },
    /// Sign what a finished search found, or check a signed attestation: its signature by
    /// the given public key and, with `--module`, that the module is the one attested.
    Attest {
        #[command(subcommand)]
        action: AttestAction,
    },
    /// Replay a signed attestation offline: check its signature and the module's digest, run
    /// its plan again and report per metric whether it is reproduced. Exit status 0 when it
    /// is, 1 when it is rejected or a metric differs, 3 when the tools here are not the
    /// attested ones (nothing is run).
    Replay {
        attestation: PathBuf,
        /// The signer's public key: its file (`KEY.pub`) or its hex.
        #[arg(long, value_name = "KEY")]
        public_key: String,
        /// The attested module [default: the attestation's subject, in the attestation's
        /// directory].
        #[arg(long, value_name = "FILE")]
        module: Option<PathBuf>,
        /// The replay as JSON.
        #[arg(long)]
        json: bool,
        /// Link a run-time plan's program with these arguments (as `optimize --link-args`).
        #[arg(long, value_name = "FILE")]
        link_args: Option<PathBuf>,
    },
    /// Put an adapter (a backend) through the contract checks a registry admits it on, and
    /// write the report; exit status 0 when it is conformant, 1 when not.
    Conformance {
        #[command(flatten)]
        checks: ConformanceArgs,
        /// Also write the report as JSON (a ConformanceReport contract) to FILE.
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
    },
    /// The registry of adapters, the specs they offer and the plans known to be good: admit
    /// an adapter (after its conformance checks), publish or revoke a plan, and discover
    /// what is there; in this machine's store, or with `--server` a registry server's. Every
    /// decision is recorded in the registry's ledger.
    Registry {
        #[command(flatten)]
        store: RegistryArgs,
        #[command(subcommand)]
        action: RegistryAction,
    },
    /// The store's governance ledger: an append-only Merkle log of the registry's decisions
    /// with signed checkpoints; show, append, verify, prove, check a proof, sync.
    Ledger {
        #[command(flatten)]
        store: StoreArgs,
        #[command(subcommand)]
        action: LedgerAction,
    },
    /// Print the JSON Schema of a market contract; without NAME, list the contracts.
    Schema {
        /// PassSpec, LocalProblem, PerformanceSignal, PlanDelta, AuditLog, PrivacyBudget or
        /// GraphOfContracts.
        name: Option<String>,
    },
    /// Serve compilation requests on stdin (started by `optimize`; not for direct use).
    #[command(hide = true)]
    Worker {
        #[arg(long)]
        memory_limit_mib: Option<u64>,
    },
}

/// A backend, on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BackendArg {
    /// LLVM 22, through its IR builder and target machine.
    Llvm,
    /// Cranelift 0.135, through cranelift-frontend and cranelift-object.
    Cranelift,
    /// GCC, compiling the canonical IR emitted as C.
    Gcc,
}

impl From<BackendArg> for BackendKind {
    fn from(b: BackendArg) -> BackendKind {
        match b {
            BackendArg::Llvm => BackendKind::Llvm,
            BackendArg::Cranelift => BackendKind::Cranelift,
            BackendArg::Gcc => BackendKind::Gcc,
        }
    }
}

/// The backends `optimize` can search.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SearchBackendArg {
    /// LLVM 22's passes.
    Llvm,
    /// Cranelift 0.135's settings.
    Cranelift,
    /// GCC's flags and params.
    Gcc,
    /// All three, one after the other, ranked in one table.
    All,
}

impl SearchBackendArg {
    /// The single backend, or `None` for `all`.
    pub fn single(self) -> Option<BackendKind> {
        match self {
            SearchBackendArg::Llvm => Some(BackendKind::Llvm),
            SearchBackendArg::Cranelift => Some(BackendKind::Cranelift),
            SearchBackendArg::Gcc => Some(BackendKind::Gcc),
            SearchBackendArg::All => None,
        }
    }
}

/// What a search minimises, on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ObjectiveArg {
    /// The canonical IR's instruction count.
    Instcount,
    /// The object's executable code bytes (`.text`).
    Size,
    /// The program's median run time.
    Runtime,
    /// Time spent in the compiler: passes plus code generation.
    CompileTime,
}

impl From<ObjectiveArg> for Objective {
    fn from(o: ObjectiveArg) -> Objective {
        match o {
            ObjectiveArg::Instcount => Objective::Instcount,
            ObjectiveArg::Size => Objective::Size,
            ObjectiveArg::Runtime => Objective::Runtime,
            ObjectiveArg::CompileTime => Objective::CompileTime,
        }
    }
}

/// How candidates are chosen, on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StrategyArg {
    /// The default pipelines (LLVM: O0–Oz; Cranelift and GCC: their presets) and any
    /// `--pipeline`.
    Presets,
    /// Random sequences of 1–40 passes (settings, flags).
    Random,
    /// Extend the best sequence one pass at a time while that improves it.
    Greedy,
    /// An ensemble of mutation, crossover and random techniques chosen by a bandit.
    Evolve,
    /// Presets, then sequences known to do well, then evolution until the budget ends.
    Auto,
}

impl From<StrategyArg> for StrategyKind {
    fn from(s: StrategyArg) -> StrategyKind {
        match s {
            StrategyArg::Presets => StrategyKind::Presets,
            StrategyArg::Random => StrategyKind::Random,
            StrategyArg::Greedy => StrategyKind::Greedy,
            StrategyArg::Evolve => StrategyKind::Evolve,
            StrategyArg::Auto => StrategyKind::Auto,
        }
    }
}

/// `--budget-evals`'s help, with the command's default.
fn evals_help(default: u64) -> String {
    format!(
        "Evaluate at most N candidates, baselines included [default: {default} when no budget \
         is given, for strategies that do not stop by themselves]"
    )
}

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct BenchArgs {
    #[command(subcommand)]
    pub action: Option<BenchAction>,
    /// A directory of `.c` and `.ll` programs, with an optional `manifest.json`
    /// (`{"programs": {"name": {"args": [...], "cflags": [...], "skip": false}}}`).
    #[arg(long, default_value = "bench/corpus")]
    pub corpus: PathBuf,
    /// The backends to search.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "llvm,cranelift,gcc")]
    pub backends: Vec<BackendArg>,
    /// The search strategies to run on every program and backend.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "presets,auto")]
    pub strategies: Vec<StrategyArg>,
    /// What every search minimises.
    #[arg(long, value_enum, default_value = "runtime")]
    pub objective: ObjectiveArg,
    #[arg(long, value_name = "N", help = evals_help(opm_lab::DEFAULT_EVALS))]
    pub budget_evals: Option<u64>,
    /// Time per search (`90s`, `5m`).
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub budget_time: Option<Duration>,
    /// The lab database: a SQLite file, or a PostgreSQL URL (`postgres://user@host/db`).
    #[arg(long, global = true, default_value = "target/opm-lab.sqlite", value_parser = parse_database)]
    pub db: opm_lab::store::Database,
    /// The name of this run: running the same tag again resumes it.
    #[arg(long)]
    pub tag: Option<String>,
    /// Candidates evaluated at once [default: the number of CPUs].
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Timed runs per candidate.
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    /// Time limit of one run of a program, its reference build's included (default: 10×
    /// the reference's for a candidate, at least 5 s; 120 s for the reference). A program
    /// whose reference build outlasts it is recorded as failed, with why.
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub run_timeout: Option<Duration>,
    /// Time limit of one candidate's passes and code generation, the reference build's
    /// included (default: 10× the slowest baseline's, between 10 s and 60 s). A candidate
    /// that outlasts it is a `timeout`; a program whose reference build does is recorded as
    /// failed, with why.
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    /// The searches' seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Put the lab's searches on the queue of the PostgreSQL database `--db` for collectors
    /// (`opm-driver collector`) instead of running them here.
    #[arg(long)]
    pub enqueue: bool,
    /// With `--enqueue` and `--objective runtime`: the machine class whose collectors time the
    /// runs [default: default].
    #[arg(long, value_name = "CLASS", requires = "enqueue")]
    pub class: Option<String>,
}

#[derive(clap::Args)]
pub struct CollectorArgs {
    /// The lab database: a PostgreSQL URL (`postgres://user@host/db`).
    #[arg(long, value_parser = parse_database)]
    pub db: opm_lab::store::Database,
    /// This collector's name, unique among the database's collectors.
    #[arg(long)]
    pub name: String,
    /// This machine's class: run-time searches go only to collectors of the class they were
    /// enqueued for.
    #[arg(long, default_value = opm_lab::queue::DEFAULT_CLASS)]
    pub class: String,
    /// Candidates evaluated at once within a search [default: the number of CPUs].
    #[arg(long)]
    pub jobs: Option<usize>,
    /// How long a taken search stays held without a heartbeat (`30s`, `2m`).
    #[arg(long, value_name = "DUR", value_parser = parse_duration, default_value = "30s")]
    pub lease: Duration,
    /// How many times a search is tried before it is recorded as failed.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(i32).range(1..))]
    pub max_attempts: i32,
    /// Exit once nothing this collector could take is queued or running anywhere, instead of
    /// waiting for more.
    #[arg(long)]
    pub exit_when_done: bool,
    /// Where the searched programs' IR and each search's signals are kept.
    #[arg(long, default_value = "target/opm-collector")]
    pub work: PathBuf,
    /// Say only what goes wrong.
    #[arg(long)]
    pub quiet: bool,
}

#[derive(Subcommand)]
pub enum BenchAction {
    /// The queue of a PostgreSQL lab database: each tag's progress, the collectors with their
    /// last heartbeat and what each holds, and the searches that failed.
    Status {
        /// Only this tag's searches.
        #[arg(long)]
        tag: Option<String>,
    },
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

/// The clock run times are read on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ClockArg {
    Cpu,
    Wall,
}

impl From<ClockArg> for opm_search::Clock {
    fn from(c: ClockArg) -> opm_search::Clock {
        match c {
            ClockArg::Cpu => opm_search::Clock::Cpu,
            ClockArg::Wall => opm_search::Clock::Wall,
        }
    }
}

/// When LLVM's verifier runs on a candidate's IR.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum VerifyEach {
    Pass,
    Step,
}

#[derive(clap::Args)]
pub struct OptimizeArgs {
    pub file: PathBuf,
    /// Write the best module's IR here (verified; for programs also output-checked); with
    /// `--backend cranelift` or `gcc`, the object file of the best settings (the one
    /// measured); with `--backend all`, the overall winner's.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Whose pipelines to search: LLVM's passes, Cranelift's settings, GCC's flags, or all
    /// three one after the other (the budget shared equally), ranked in one table.
    #[arg(long, value_enum, default_value = "llvm")]
    pub backend: SearchBackendArg,
    /// What to minimise [default: instcount; size with `--backend cranelift`, `gcc` or
    /// `all`, whose pipelines never change the IR's instructions]
    #[arg(long, value_enum)]
    pub objective: Option<ObjectiveArg>,
    /// How candidates are chosen.
    #[arg(long, value_enum, default_value = "auto")]
    pub strategy: StrategyArg,
    /// A candidate of your own, in the backend's syntax: LLVM's pipelines, Cranelift's
    /// settings (`opt_level=speed,regalloc_algorithm=single_pass`) or gcc's options
    /// (`-O2 -funroll-loops`). Repeatable.
    #[arg(long = "pipeline", value_name = "P", allow_hyphen_values = true)]
    pub pipelines: Vec<String>,
    #[arg(long, value_name = "N", help = evals_help(opm_engine::optimize::DEFAULT_EVALS))]
    pub budget_evals: Option<u64>,
    /// Start no candidate after this much time (`90s`, `5m`).
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub budget_time: Option<Duration>,
    /// Reject candidates whose `.text` exceeds R times the O2 baseline's (Cranelift: the
    /// `speed` baseline's).
    #[arg(long, value_name = "R")]
    pub max_code_growth: Option<f64>,
    /// Candidates evaluated at once (default: all cores).
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// Append one JSON object per evaluated candidate to this file.
    #[arg(long, value_name = "FILE")]
    pub signals: Option<PathBuf>,
    /// Skip candidates already in the signals file (and count them in the budget).
    #[arg(long)]
    pub resume: bool,
    /// Seed of the random choices: the same seed gives the same search.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Timed runs per candidate after one warm-up (runtime objective). A program whose run
    /// takes under 20 ms of CPU time is run several times per timed run, up to 20.
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    /// The clock run times are read on (runtime objective): CPU time (user and system, what
    /// other load on the machine disturbs least) or wall-clock time. Both are recorded.
    #[arg(long, value_enum, default_value_t = ClockArg::Cpu)]
    pub clock: ClockArg,
    /// Interleaved pairs (baseline, winner, winner, baseline, …) the run-time winner is
    /// timed in against the baseline before it is reported as faster; 0 to skip, then a
    /// winner other than the baseline is not claimed faster.
    #[arg(long, value_name = "N", default_value_t = opm_engine::timing::CONFIRM_PAIRS)]
    pub confirm_pairs: usize,
    /// The winner is faster only when the 95% interval of its speed-up over the baseline lies
    /// above this (1.02: at least 2% faster); otherwise the baseline stays the winner.
    #[arg(long, value_name = "X", default_value_t = 1.0)]
    pub speedup_threshold: f64,
    /// Time limit of one candidate's passes and code generation (default: 10× the slowest
    /// baseline's, between 10 s and 60 s).
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    /// Time limit of one run of the program (default: 10× the reference's, at least 5 s).
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub run_timeout: Option<Duration>,
    /// Address-space limit of each compiler worker, in MiB.
    #[arg(long, value_name = "MIB")]
    pub memory_limit_mib: Option<u64>,
    /// Address-space limit of each run of the program, in MiB: a build that allocates past
    /// it fails there, as that candidate's verdict. Runs are also limited to 1 GiB per file
    /// written and to the reference's output and 1 MiB more [default: 4096]
    #[arg(long, value_name = "MIB", value_parser = clap::value_parser!(u64).range(1..))]
    pub run_memory_limit_mib: Option<u64>,
    /// Remove `optnone` and `noinline` from functions first (IR from `clang -O0`).
    #[arg(long)]
    pub strip_optnone: bool,
    /// Never run the program: no reference run and no output checks (for a program whose
    /// output varies from run to run, or that must not run here). The winner's IR is still
    /// verified. Not with `--objective runtime`.
    #[arg(long, conflicts_with = "run_args")]
    pub no_run: bool,
    /// Append the audit log (evaluations and decisions) to this file.
    #[arg(long, value_name = "FILE")]
    pub audit: Option<PathBuf>,
    /// Write a signed attestation of the winner to this file (a DSSE envelope holding an
    /// in-toto statement: the input's digest, the plan, its backend, tools, target, host
    /// CPU, objective and measured metrics), signed with `--key`.
    #[arg(long, value_name = "FILE")]
    pub attest: Option<PathBuf>,
    /// The secret key that signs `--attest` and `--publish` [default:
    /// $XDG_CONFIG_HOME/opm/signing.key, else ~/.config/opm/signing.key; made by `opm-driver
    /// keys generate`]
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,
    #[command(flatten)]
    pub warm: WarmArgs,
    /// Rows of best candidates in the table.
    #[arg(long, default_value_t = 5)]
    pub top: usize,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    /// Print the outcome as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Link the program with these arguments instead of the C libraries: one argument per
    /// line, as `cc OBJECT -o OUT` is followed by them (for a Rust program, the rest of
    /// rustc's link line: see README).
    #[arg(long, value_name = "FILE")]
    pub link_args: Option<PathBuf>,
    /// When LLVM's verifier runs on a candidate: after every pass (`pass`, the default), or
    /// once after each step of the pipeline (`step`: for whole-program modules, where
    /// verifying after every pass is quadratic). opm's own checks run after every step.
    #[arg(long, value_enum, default_value_t = VerifyEach::Pass)]
    pub verify_each: VerifyEach,
    /// Keep proposing passes and pairs of passes that broke every earlier candidate with them
    /// (miscompiles, crashes, timeouts); by default the search learns them and avoids them.
    #[arg(long)]
    pub no_avoid: bool,
    /// Arguments for the program (runtime objective and output checks).
    #[arg(last = true)]
    pub run_args: Vec<String>,
}

/// A search that starts from what a registry's users measured.
#[derive(clap::Args, Debug)]
pub struct WarmArgs {
    /// Start warm: evaluate first the plans that did best on programs like this one (the
    /// same feature bucket), from a registry server (`https://HOST:PORT`) or a store
    /// directory, then go on with the strategy. Only the program's bucket is sent.
    #[arg(long, value_name = "URL|DIR")]
    pub registry: Option<String>,
    /// How many suggested plans to evaluate first.
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub suggestions: usize,
    /// Publish the winner to the registry: its signed attestation (signed with `--key`; the
    /// registry must trust that key) and, to a server, its ratio against the baseline as a
    /// privacy-budgeted signal of its bucket. Neither holds IR or a name from the program.
    #[arg(long, requires = "registry")]
    pub publish: bool,
    /// The CA certificate (PEM) the registry server's certificate must be issued by
    /// [default: the system's trusted roots]
    #[arg(long, value_name = "FILE", requires = "registry")]
    pub ca: Option<PathBuf>,
    /// The token that authenticates to the registry server; it is never printed [default:
    /// $OPM_REGISTRY_TOKEN]
    #[arg(long, value_name = "TOKEN", requires = "registry")]
    pub token: Option<String>,
    /// A client certificate (PEM) to present to the registry server (with `--client-key`).
    #[arg(long, value_name = "FILE", requires_all = ["registry", "client_key"])]
    pub client_cert: Option<PathBuf>,
    /// The client certificate's private key (PEM).
    #[arg(long, value_name = "FILE", requires = "client_cert")]
    pub client_key: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct BuildArgs {
    /// Code generator.
    #[arg(long, value_enum, default_value = "llvm")]
    pub backend: BackendArg,
    /// Pass pipeline to apply before code generation, in the backend's syntax
    /// (LLVM: `default<O2>`, `function(sroa,instcombine<no-verify-fixpoint>)`; Cranelift:
    /// settings such as `opt_level=speed,regalloc_algorithm=single_pass`; GCC: its flags,
    /// such as `-O2 -funroll-loops --param=max-unroll-times=4`).
    #[arg(long, allow_hyphen_values = true)]
    pub pipeline: Option<String>,
    /// Link the program with these arguments instead of the C libraries: one argument per
    /// line, as `cc OBJECT -o OUT` is followed by them (for a Rust program, the rest of
    /// rustc's link line: see README).
    #[arg(long, value_name = "FILE")]
    pub link_args: Option<PathBuf>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_choices_mirror_the_libraries_names() {
        for b in BackendArg::value_variants() {
            let name = b.to_possible_value().map(|v| v.get_name().to_string());
            assert_eq!(name.as_deref(), Some(BackendKind::from(*b).name()));
        }
        for o in ObjectiveArg::value_variants() {
            let name = o.to_possible_value().map(|v| v.get_name().to_string());
            assert_eq!(name.as_deref(), Some(Objective::from(*o).name()));
        }
        for s in StrategyArg::value_variants() {
            let name = s.to_possible_value().map(|v| v.get_name().to_string());
            assert_eq!(name.as_deref(), Some(StrategyKind::from(*s).name()));
        }
        assert_eq!(BackendArg::value_variants().len(), BackendKind::ALL.len());
        assert_eq!(ObjectiveArg::value_variants().len(), Objective::ALL.len());
        assert_eq!(StrategyArg::value_variants().len(), StrategyKind::ALL.len());
    }

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}

#[derive(Subcommand)]
pub enum KeysAction {
    /// Make a new key pair: the secret key (mode 0600, never over an existing file) and its
    /// public key beside it (`KEY.pub`).
    Generate {
        /// The secret key's file [default: $XDG_CONFIG_HOME/opm/signing.key, else
        /// ~/.config/opm/signing.key]
        #[arg(long, value_name = "FILE")]
        key: Option<PathBuf>,
    },
    /// Print the public key and its id.
    Show {
        /// The secret key's file [default: as for `generate`]
        #[arg(long, value_name = "FILE")]
        key: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
pub enum AttestAction {
    /// Sign what a finished search found: its JSON report (`optimize --json > REPORT`), for
    /// the module it searched (checked to be the same by its structural hash).
    Sign {
        report: PathBuf,
        /// The module searched [default: the report's `problem.source`]
        #[arg(long, value_name = "FILE")]
        module: Option<PathBuf>,
        /// The secret key [default: as for `keys generate`]
        #[arg(long, value_name = "FILE")]
        key: Option<PathBuf>,
        /// Where to write the attestation.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Verify ATTESTATION's signature and print what it attests; exit status 1 when it does
    /// not verify.
    Verify {
        attestation: PathBuf,
        /// The signer's public key: its file (`KEY.pub`) or its hex.
        #[arg(long, value_name = "KEY")]
        public_key: String,
        /// Also check that this file is the attested module (its SHA-256).
        #[arg(long, value_name = "FILE")]
        module: Option<PathBuf>,
    },
}

/// An adapter's conformance checks: which adapter, on what.
#[derive(clap::Args, Debug)]
pub struct ConformanceArgs {
    /// The adapter.
    #[arg(long, value_enum)]
    pub backend: BackendArg,
    /// The corpus its presets must preserve the output of (`.c` and `.ll` programs, with an
    /// optional manifest.json) [default: bench/corpus]
    #[arg(long, value_name = "DIR")]
    pub corpus: Option<PathBuf>,
    /// Only these programs of the corpus (comma-separated names).
    #[arg(long, value_delimiter = ',')]
    pub programs: Vec<String>,
    /// Compilations at once [default: the machine's CPUs]
    #[arg(long)]
    pub jobs: Option<usize>,
}

/// Where the market's registry and ledger are kept.
#[derive(clap::Args, Debug)]
pub struct StoreArgs {
    /// The store's directory (registry.sqlite, ledger.sqlite, the reports and attestations
    /// it refers to) [default: $XDG_DATA_HOME/opm/market, else ~/.local/share/opm/market]
    #[arg(long, value_name = "DIR", global = true)]
    pub store: Option<PathBuf>,
    /// The secret key that signs the ledger's checkpoints [default: as for `keys generate`]
    #[arg(long, value_name = "FILE", global = true)]
    pub key: Option<PathBuf>,
}

/// A registry server, and how to reach it and prove who is asking.
#[derive(clap::Args, Debug)]
pub struct ServerArgs {
    /// The registry server (`https://HOST:PORT`; `http://` only for 127.0.0.1 or localhost,
    /// a server run with `--insecure-loopback`).
    #[arg(long, value_name = "URL", global = true)]
    pub server: Option<String>,
    /// The CA certificate (PEM) the server's certificate must be issued by [default: the
    /// system's trusted roots]
    #[arg(long, value_name = "FILE", global = true, requires = "server")]
    pub ca: Option<PathBuf>,
    /// The token that authenticates to the server; it is never printed [default:
    /// $OPM_REGISTRY_TOKEN]
    #[arg(long, value_name = "TOKEN", global = true, requires = "server")]
    pub token: Option<String>,
    /// A client certificate (PEM) to present to the server, issued by its CA (with
    /// `--client-key`).
    #[arg(long, value_name = "FILE", global = true, requires_all = ["server", "client_key"])]
    pub client_cert: Option<PathBuf>,
    /// The client certificate's private key (PEM).
    #[arg(long, value_name = "FILE", global = true, requires = "client_cert")]
    pub client_key: Option<PathBuf>,
}

/// The registry: this machine's store, or a registry server.
#[derive(clap::Args, Debug)]
pub struct RegistryArgs {
    #[command(flatten)]
    pub local: StoreArgs,
    #[command(flatten)]
    pub remote: ServerArgs,
}

#[derive(Subcommand)]
pub enum RegistryAction {
    /// Put an adapter through its conformance checks; admit it when it passes, record the
    /// refusal when not (exit status 1).
    Admit {
        #[command(flatten)]
        checks: ConformanceArgs,
    },
    /// Publish the plan of a signed attestation (verified first, and its specs offered by an
    /// admitted adapter).
    Publish {
        attestation: PathBuf,
        /// The signer's public key: its file (`KEY.pub`) or its hex.
        #[arg(long, value_name = "KEY")]
        public_key: String,
    },
    /// Revoke a published plan, saying why.
    Revoke {
        id: String,
        #[arg(long)]
        why: String,
    },
    /// Revoke an admitted adapter, saying why: its specs and plans are withdrawn with it.
    RevokeAdapter {
        /// The adapter's name (`llvm`, `cranelift`, `gcc`).
        name: String,
        #[arg(long)]
        why: String,
    },
    /// Let a key sign the plans published here (a key-added decision in the ledger).
    AddKey {
        /// The public key: its file (`KEY.pub`) or its hex.
        public_key: String,
    },
    /// Stop a key from signing the plans published here, saying why (a key-revoked decision
    /// in the ledger).
    RevokeKey {
        /// The key's id, as `keys show` and the ledger print it.
        key_id: String,
        #[arg(long)]
        why: String,
    },
    /// List what the registry holds.
    List {
        /// Only adapters, specs, plans or problems.
        #[arg(long, value_parser = ["adapter", "spec", "plan", "problem"])]
        kind: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show one adapter, spec (`llvm/gvn`), plan or problem with its edges.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Search by name, adapter, level or what a plan improved.
    Search {
        /// Part of a name, id or description.
        text: Option<String>,
        #[arg(long)]
        adapter: Option<String>,
        /// A spec's level: module, cgscc, function, loop, loop-mssa, setting, flag.
        #[arg(long)]
        level: Option<String>,
        /// Plans that improved this metric: instcount, size, runtime.
        #[arg(long)]
        improved: Option<String>,
        /// Revoked ones too.
        #[arg(long)]
        all: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum LedgerAction {
    /// Print the entries (from index FROM on) and the latest checkpoint.
    Show {
        #[arg(long, default_value_t = 0)]
        from: u64,
        #[arg(long)]
        json: bool,
    },
    /// Append a decision written as JSON (`{"decision":"key-added","key_id":…,
    /// "public_key":…}`; `opm-driver schema LedgerEntry` shows every kind).
    Append { decision: PathBuf },
    /// Recompute every leaf hash and every checkpoint's root and signature; exit status 1
    /// naming the first bad index.
    Verify {
        /// A key whose checkpoints are trusted (repeatable) [default: the signing key's]
        #[arg(long, value_name = "KEY")]
        public_key: Vec<String>,
    },
    /// Write a proof that verifies offline (`ledger check`): of entry INDEX's inclusion, or
    /// with --old-size of the consistency of two checkpoints.
    Prove {
        /// The entry to prove included.
        #[arg(long, conflicts_with = "old_size", required_unless_present = "old_size")]
        index: Option<u64>,
        /// The older tree's size, for a consistency proof.
        #[arg(long)]
        old_size: Option<u64>,
        /// The tree size to prove against [default: the latest checkpoint's]
        #[arg(long)]
        size: Option<u64>,
    },
    /// Check a proof written by `prove`, with no store: its checkpoints' signatures and the
    /// proof itself. Exit status 1 when it does not hold.
    Check {
        proof: PathBuf,
        /// A key whose checkpoints are trusted (repeatable).
        #[arg(long, value_name = "KEY", required = true)]
        public_key: Vec<String>,
    },
    /// Bring this store's ledger up to date from another store's, or from a registry
    /// server's: it sends its checkpoint, gets the entries since, a consistency proof and the
    /// other's checkpoint, and appends only when all verify. A fork is reported (exit status
    /// 1) and nothing appended.
    #[command(group(clap::ArgGroup::new("source").required(true).args(["from", "server"])))]
    Sync {
        /// The other store's directory.
        #[arg(long, value_name = "DIR")]
        from: Option<PathBuf>,
        #[command(flatten)]
        remote: ServerArgs,
        /// A key whose checkpoints are trusted (repeatable; with `--server`, the server's)
        /// [default: the signing key's]
        #[arg(long, value_name = "KEY")]
        public_key: Vec<String>,
    },
}

/// `--db`: a PostgreSQL URL or a SQLite file.
fn parse_database(text: &str) -> Result<opm_lab::store::Database, String> {
    Ok(opm_lab::store::Database::parse(text))
}
