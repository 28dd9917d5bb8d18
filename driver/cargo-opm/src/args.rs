//! The command line, as clap reads it: `cargo opm tune|build|test`, and the hidden `worker`
//! the engine starts compiler workers with (`cargo-opm worker`, the argv the engine's
//! `Worker::spawn` uses).

use clap::{Parser, Subcommand, ValueEnum};
use opm_backend::BackendKind;
use opm_search::{Objective, StrategyKind, parse_duration};
use std::path::PathBuf;
use std::time::Duration;

/// `tune`'s evaluation budget when none is given: small enough that a tune of a small crate
/// ends in a few minutes on 2 cores (every candidate compiles the whole program).
pub const DEFAULT_TUNE_EVALS: u64 = 24;

/// `tune --backend all`'s evaluation budget when none is given: a quarter to each backend's
/// search and to the cross plans, 12 each, so that LLVM's search tries 9 pipelines beyond its
/// baselines (O2, O3 and Oz) rather than 3.
pub const DEFAULT_TUNE_EVALS_ALL: u64 = 48;

/// The time limit of one candidate's work in a worker until the baselines say how long this
/// module takes (the engine's own default is for one C file, not a whole program).
pub const DEFAULT_TUNE_TIMEOUT: Duration = Duration::from_secs(600);

/// Timed runs of each binary in `tune`'s final table.
pub const TABLE_RUNS: usize = 5;

/// Cargo runs `cargo-opm opm ARGS...`: the first word is the subcommand's name.
#[derive(Parser)]
#[command(name = "cargo-opm", bin_name = "cargo", version)]
pub enum Cli {
    #[command(subcommand)]
    Opm(Command),
    /// Serve compilation requests on stdin (started by `tune`; not for direct use).
    #[command(hide = true)]
    Worker {
        /// Address-space limit of this process, in MiB.
        #[arg(long)]
        memory_limit_mib: Option<u64>,
    },
}

/// OpenPassMarket for cargo projects: search the best pass pipeline for a binary, build it
/// with the winner, test it with the winner.
#[derive(Subcommand)]
#[command(
    after_help = "Exit status: 0 ok; 1 no valid candidate, failing tests, a build that prints \
                  differently; 2 usage error, not a cargo project, no binary, a crate that does \
                  not build, a missing or unusable tool."
)]
pub enum Command {
    /// Search the best pipeline for the binary's whole program (rustc's fat LTO module: the
    /// crate, its dependencies and the parts of std it uses) and compare it with `cargo build
    /// --release`, with and without fat LTO. Results go to <target-dir>/opm/<bin>/.
    #[command(
        after_help = "Arguments after a first `--` go to cargo (features, --locked, --config, \
                      --profile, --target-dir, --manifest-path, ...), after a second `--` to \
                      the program: `cargo opm tune -- --features fast -- input.txt`.\n\
                      Every candidate's program must print what the module built without \
                      passes prints (output and exit status)."
    )]
    Tune(Box<TuneArgs>),
    /// Build the binary with the stored winner: rebuild its module as `tune` did, compile it
    /// with the winner's pipeline exactly as it was measured, link it with rustc's link line,
    /// and print the binary's path (<target-dir>/opm/<bin>/<bin>).
    Build(Box<BuildArgs>),
    /// Run the crate's tests built with the stored winner (each test target's whole program,
    /// compiled the same way). A winner that fails a test is rejected and the next-best
    /// distinct candidate of `tune` is tried.
    #[command(after_help = "Arguments after a first `--` go to cargo, after a second `--` to the \
                      test harnesses: `cargo opm test -- --features x -- --nocapture`.")]
    Test(Box<TestArgs>),
}

/// What every command takes: which binary, which cargo project, cargo's arguments.
#[derive(clap::Args, Clone, Debug)]
pub struct ProjectArgs {
    /// The binary target [default: the package's only binary, or its `default-run`].
    #[arg(long, value_name = "NAME")]
    pub bin: Option<String>,
    /// The package's Cargo.toml [default: found from the current directory up].
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// cargo's target directory; opm keeps everything under <DIR>/opm/.
    #[arg(long, value_name = "DIR")]
    pub target_dir: Option<PathBuf>,
    /// The cargo profile to build with (fat LTO is added to it).
    #[arg(long, value_name = "NAME", default_value = "release")]
    pub profile: String,
    /// Build with the release profile (the default).
    #[arg(long, short = 'r')]
    pub release: bool,
    /// The target triple: this machine's only (the program runs here).
    #[arg(long, value_name = "TRIPLE")]
    pub target: Option<String>,
    /// `[-- CARGO-ARGS [-- RUN-ARGS]]`
    #[arg(last = true, value_name = "ARGS")]
    pub rest: Vec<String>,
}

#[derive(clap::Args, Debug)]
pub struct TuneArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// What to minimise: `.text` bytes, run time (median of timed runs, with RUN-ARGS), or
    /// the canonical IR's instructions (LLVM only).
    #[arg(long, value_enum, default_value = "size")]
    pub objective: ObjectiveArg,
    /// Whose pipelines to search: `llvm`, `cranelift`, `gcc`, or `all` (each backend's
    /// search with a quarter of the budget, then LLVM's best module through Cranelift's and
    /// GCC's code generation; the best of them wins). GCC does not build unwinding
    /// (`invoke`), which std's code has unless the profile sets panic = "abort".
    #[arg(long, default_value = "llvm", value_parser = backend_names())]
    pub backend: BackendArg,
    /// How candidates are chosen (`presets`: O0-O3, Os, Oz only).
    #[arg(long, default_value = "auto", value_parser = strategy_names())]
    pub strategy: StrategyKind,
    /// Evaluate at most N candidates, O2/O3/Oz included [default: 24 when no budget is
    /// given: a few minutes for a small crate on 2 cores; 48 with `--backend all`].
    #[arg(long, value_name = "N")]
    pub budget_evals: Option<u64>,
    /// Start no candidate after this much time (`90s`, `5m`).
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub budget_time: Option<Duration>,
    /// Candidates evaluated at once [default: all cores].
    #[arg(long, value_name = "N")]
    pub jobs: Option<usize>,
    /// How long one candidate's passes, checks and code generation may take [default: 10 min
    /// for the first candidates, then 10× the slowest of O2/O3/Oz's, at least 10 s]: a
    /// whole program is large.
    #[arg(long, value_name = "DUR", value_parser = parse_duration)]
    pub timeout: Option<Duration>,
    /// The search's seed: the same seed gives the same search (size, instcount).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Timed runs per candidate with `--objective runtime`.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub runs: usize,
}

#[derive(clap::Args, Debug)]
pub struct BuildArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
}

#[derive(clap::Args, Debug)]
pub struct TestArgs {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Test this package's targets [default: the binary's package]. Repeatable.
    #[arg(long, short = 'p', value_name = "SPEC")]
    pub package: Vec<String>,
    /// Test every package of the workspace.
    #[arg(long)]
    pub workspace: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ObjectiveArg {
    /// Bytes of `.text` in the object.
    Size,
    /// The program's median run time.
    Runtime,
    /// The canonical IR's instructions.
    Instcount,
}

impl From<ObjectiveArg> for Objective {
    fn from(o: ObjectiveArg) -> Objective {
        match o {
            ObjectiveArg::Size => Objective::Size,
            ObjectiveArg::Runtime => Objective::Runtime,
            ObjectiveArg::Instcount => Objective::Instcount,
        }
    }
}

impl TuneArgs {
    /// The evaluation budget: `--budget-evals`, else none with `--budget-time` or a strategy
    /// that stops by itself, else the default for one backend or for all.
    pub fn max_evals(&self) -> Option<u64> {
        let default = match self.backend {
            BackendArg::One(_) => DEFAULT_TUNE_EVALS,
            BackendArg::All => DEFAULT_TUNE_EVALS_ALL,
        };
        opm_search::Budget::evals_or_default(
            self.strategy,
            self.budget_evals,
            self.budget_time,
            default,
        )
    }
}

/// `tune --backend`: one backend's search, or every backend's and the cross plans.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BackendArg {
    One(BackendKind),
    All,
}

/// `--backend`'s values: the backends' own names, and `all`.
fn backend_names() -> impl clap::builder::TypedValueParser<Value = BackendArg> {
    use clap::builder::TypedValueParser;
    let names: Vec<&'static str> =
        BackendKind::ALL.map(BackendKind::name).into_iter().chain(["all"]).collect();
    clap::builder::PossibleValuesParser::new(names).try_map(|name| match name.as_str() {
        "all" => Ok(BackendArg::All),
        one => one.parse::<BackendKind>().map(BackendArg::One),
    })
}

/// `--strategy`'s values: the strategies' own names.
fn strategy_names() -> impl clap::builder::TypedValueParser<Value = StrategyKind> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(StrategyKind::ALL.map(StrategyKind::name))
        .try_map(|name| StrategyKind::from_name(&name).ok_or(format!("unknown strategy `{name}`")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tune(words: &[&str]) -> TuneArgs {
        let argv = ["cargo", "opm", "tune"].iter().chain(words);
        match Cli::try_parse_from(argv) {
            Ok(Cli::Opm(Command::Tune(args))) => *args,
            Ok(_) => panic!("not a tune: {words:?}"),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn every_backend_gets_a_budget_of_its_own_by_default() {
        assert_eq!(tune(&[]).max_evals(), Some(24));
        assert_eq!(tune(&["--backend", "gcc"]).max_evals(), Some(24));
        assert_eq!(tune(&["--backend", "all"]).max_evals(), Some(48));
        assert_eq!(tune(&["--backend", "all", "--budget-evals", "8"]).max_evals(), Some(8));
        assert_eq!(tune(&["--backend", "all", "--budget-time", "90s"]).max_evals(), None);
        assert_eq!(tune(&["--strategy", "presets"]).max_evals(), None);
    }
}
