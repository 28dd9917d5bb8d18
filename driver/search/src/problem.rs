//! What is optimised ([`LocalProblem`]), for what ([`Objective`]) and within which limits
//! ([`Budget`]).

use crate::strategy::StrategyKind;
use opm_backend::{BackendKind, Goal};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;

/// What a search minimises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Objective {
    /// The canonical IR's instruction count.
    Instcount,
    /// The object's executable code bytes (`.text`).
    Size,
    /// The program's median run time.
    Runtime,
    /// Time spent in the compiler: passes plus code generation ([`crate::Metrics::compile_ms`]).
    CompileTime,
}

impl Objective {
    /// Every objective, in the order help texts list them.
    pub const ALL: [Objective; 4] =
        [Objective::Instcount, Objective::Size, Objective::Runtime, Objective::CompileTime];

    /// The objective's value in `m` (lower is better), if measured.
    pub fn score(self, m: &crate::Metrics) -> Option<f64> {
        match self {
            Objective::Instcount => m.instcount.map(|v| v as f64),
            Objective::Size => m.text_bytes.map(|v| v as f64),
            Objective::Runtime => m.runtime.as_ref().map(|r| r.median_ns),
            Objective::CompileTime => m.compile_ms(),
        }
    }

    /// Whether the same candidate always scores the same (counts, sizes), as opposed to a
    /// timing.
    pub fn is_deterministic(self) -> bool {
        matches!(self, Objective::Instcount | Objective::Size)
    }

    /// The name used on the command line and in tables.
    pub fn name(self) -> &'static str {
        match self {
            Objective::Instcount => "instcount",
            Objective::Size => "size",
            Objective::Runtime => "runtime",
            Objective::CompileTime => "compile-time",
        }
    }

    /// The objective called `name` ([`Objective::name`]).
    pub fn from_name(name: &str) -> Option<Objective> {
        Objective::ALL.into_iter().find(|o| o.name() == name)
    }

    /// What a backend's known sequences for this objective aim at.
    pub fn goal(self) -> Goal {
        match self {
            Objective::Instcount | Objective::Size => Goal::Small,
            Objective::Runtime => Goal::Fast,
            Objective::CompileTime => Goal::QuickBuild,
        }
    }

    /// The objective a search of `backend` minimises when none is given: the canonical IR's
    /// instructions for a backend whose pipelines transform it, `.text` bytes otherwise.
    pub fn default_for(backend: BackendKind) -> Objective {
        if backend.transforms_ir() { Objective::Instcount } else { Objective::Size }
    }
}

/// The limits a search respects.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Budget {
    /// At most this many evaluations (baselines included).
    pub max_evals: Option<u64>,
    /// Start no evaluation after this much wall-clock time.
    #[serde(with = "opt_secs")]
    #[schemars(with = "Option<f64>")]
    pub wall_time: Option<Duration>,
    /// The work of one candidate in a compiler worker (passes, checks and code generation
    /// together) may take this long.
    #[serde(with = "secs")]
    #[schemars(with = "f64")]
    pub compile_timeout: Duration,
    /// Whether `compile_timeout` was chosen by the user; otherwise it is adapted to the
    /// module once the baselines are measured (10× the slowest, between 10 and 60 s).
    pub compile_timeout_fixed: bool,
    /// One run of the program may take this long (`None`: derived from the reference run).
    #[serde(with = "opt_secs")]
    #[schemars(with = "Option<f64>")]
    pub run_timeout: Option<Duration>,
    /// Address-space limit of a worker process, in MiB.
    pub memory_limit_mib: Option<u64>,
    /// Address-space limit of each run of the program, in MiB (`None`: the engine's
    /// default, 4096).
    #[serde(default)]
    pub run_memory_limit_mib: Option<u64>,
    /// A candidate whose `.text` exceeds this multiple of the growth baseline's (LLVM's O2,
    /// Cranelift's `speed`) is over budget.
    pub max_code_growth: Option<f64>,
}

/// The time limit of one candidate's work in a worker, unless the user gives one.
pub const DEFAULT_COMPILE_TIMEOUT: Duration = Duration::from_secs(60);

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            max_evals: None,
            wall_time: None,
            compile_timeout: DEFAULT_COMPILE_TIMEOUT,
            compile_timeout_fixed: false,
            run_timeout: None,
            memory_limit_mib: None,
            run_memory_limit_mib: None,
            max_code_growth: None,
        }
    }
}

impl Budget {
    /// The evaluation limit of a search with `strategy`, given `evals` and `time` budgets: as
    /// given; without either, `default` for a strategy that does not stop by itself
    /// ([`StrategyKind::stops_by_itself`]), no limit for one that does.
    pub fn evals_or_default(
        strategy: StrategyKind,
        evals: Option<u64>,
        time: Option<Duration>,
        default: u64,
    ) -> Option<u64> {
        match (evals, time) {
            (None, None) if !strategy.stops_by_itself() => Some(default),
            (n, _) => n,
        }
    }
}

/// What the reference build of the input printed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RunOutput {
    /// Standard output, hashed (SHA-256, hex).
    pub stdout_sha256: String,
    pub stdout_bytes: u64,
    /// The shell exit code (128+N for signal N).
    pub exit_code: i32,
}

/// One module to optimise, and how.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct LocalProblem {
    /// The input file.
    pub source: PathBuf,
    /// The input module's structural hash.
    pub module_hash: String,
    pub backend: BackendKind,
    pub objective: Objective,
    /// Arguments the program runs with.
    pub run_args: Vec<String>,
    /// The output of the input built without passes, when the module has a `main`.
    pub reference: Option<RunOutput>,
    pub budget: Budget,
}

impl LocalProblem {
    /// A short identity of the problem: the module, the backend, the objective and the
    /// program's arguments. Signals of other problems are not reused on `--resume`.
    pub fn id(&self) -> String {
        use sha2::Digest;
        let mut h = sha2::Sha256::new();
        h.update(self.module_hash.as_bytes());
        h.update([0]);
        h.update(self.backend.name().as_bytes());
        h.update([0]);
        h.update(self.objective.name().as_bytes());
        for a in &self.run_args {
            h.update([0]);
            h.update(a.as_bytes());
        }
        hex::encode(&h.finalize()[..8])
    }
}

mod secs {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;
    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64())
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let v = f64::deserialize(d)?;
        Duration::try_from_secs_f64(v).map_err(serde::de::Error::custom)
    }
}

mod opt_secs {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;
    pub fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_some(&d.as_secs_f64()),
            None => s.serialize_none(),
        }
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        Option::<f64>::deserialize(d)?
            .map(|v| Duration::try_from_secs_f64(v).map_err(serde::de::Error::custom))
            .transpose()
    }
}

/// Parses a duration such as `90s`, `1.5m`, `2h`, `500ms` or a plain number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let value: f64 =
        num.parse().map_err(|_| format!("`{text}` is not a duration (try 90s, 5m)"))?;
    let secs = match unit.trim() {
        "" | "s" | "sec" | "secs" => value,
        "ms" => value / 1e3,
        "m" | "min" | "mins" => value * 60.0,
        "h" => value * 3600.0,
        other => return Err(format!("unknown unit `{other}` in `{text}` (use ms, s, m or h)")),
    };
    Duration::try_from_secs_f64(secs).map_err(|e| format!("`{text}`: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("1.5m"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2"), Ok(Duration::from_secs(2)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("3 weeks").is_err());
        assert!(parse_duration("1e400").is_err());
    }

    #[test]
    fn objectives_by_name() {
        for o in Objective::ALL {
            assert_eq!(Objective::from_name(o.name()), Some(o));
        }
        assert_eq!(Objective::default_for(BackendKind::Llvm), Objective::Instcount);
        assert_eq!(Objective::default_for(BackendKind::Gcc), Objective::Size);
    }

    #[test]
    fn default_budgets_apply_only_without_one() {
        let d = |s, e, t| Budget::evals_or_default(s, e, t, 200);
        assert_eq!(d(StrategyKind::Auto, None, None), Some(200));
        assert_eq!(d(StrategyKind::Auto, Some(7), None), Some(7));
        assert_eq!(d(StrategyKind::Evolve, None, Some(Duration::from_secs(5))), None);
        assert_eq!(d(StrategyKind::Presets, None, None), None);
        assert_eq!(d(StrategyKind::Greedy, None, None), None);
    }

    #[test]
    fn problem_ids_are_stable() {
        let p = LocalProblem {
            source: "x.ll".into(),
            module_hash: "abc".into(),
            backend: BackendKind::Llvm,
            objective: Objective::Instcount,
            run_args: vec!["1".into()],
            reference: None,
            budget: Budget::default(),
        };
        // The id this problem has had in every signals file so far: SHA-256 of
        // "abc\0llvm\0instcount\01", its first 8 bytes.
        assert_eq!(p.id(), "77724144b88cd878");
        let other = LocalProblem { backend: BackendKind::Gcc, ..p.clone() };
        assert_ne!(other.id(), p.id());
    }
}
