//! The data model of a search: what is optimized ([`LocalProblem`]), within which limits
//! ([`Budget`]), what one evaluation measured ([`PerformanceSignal`]), how the best plan
//! changed ([`PlanDelta`]) and the record of it all ([`AuditLog`]). Everything serialises
//! with serde; signals are stored one JSON object per line.

use crate::pipeline::Pipeline;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;

/// What a search minimises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Objective {
    /// The canonical IR's instruction count.
    Instcount,
    /// The object's executable code bytes (`.text`).
    Size,
    /// The program's median run time.
    Runtime,
    /// Time spent in the passes plus code generation.
    CompileTime,
}

impl Objective {
    /// The objective's value in `m` (lower is better), if measured.
    pub fn score(self, m: &Metrics) -> Option<f64> {
        match self {
            Objective::Instcount => m.instcount.map(|v| v as f64),
            Objective::Size => m.text_bytes.map(|v| v as f64),
            Objective::Runtime => m.runtime.as_ref().map(|r| r.median_ns),
            Objective::CompileTime => Some(m.pass_ms? + m.codegen_ms?),
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
}

/// The limits a search respects.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Budget {
    /// At most this many evaluations (baselines included).
    pub max_evals: Option<u64>,
    /// Start no evaluation after this much wall-clock time.
    #[serde(with = "opt_secs")]
    pub wall_time: Option<Duration>,
    /// A candidate's passes and code generation together may take this long.
    #[serde(with = "secs")]
    pub compile_timeout: Duration,
    /// Whether `compile_timeout` was chosen by the user; otherwise it is adapted to the
    /// module once the baselines are measured (10× the slowest, between 10 and 60 s).
    pub compile_timeout_fixed: bool,
    /// One run of the program may take this long (`None`: derived from the reference run).
    #[serde(with = "opt_secs")]
    pub run_timeout: Option<Duration>,
    /// Address-space limit of a worker process, in MiB.
    pub memory_limit_mib: Option<u64>,
    /// A candidate whose `.text` exceeds this multiple of the growth baseline's (LLVM's O2,
    /// Cranelift's `speed`) is over budget.
    pub max_code_growth: Option<f64>,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget {
            max_evals: None,
            wall_time: None,
            compile_timeout: Duration::from_secs(60),
            compile_timeout_fixed: false,
            run_timeout: None,
            memory_limit_mib: None,
            max_code_growth: None,
        }
    }
}

/// What the reference build of the input printed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunOutput {
    /// Standard output, hashed (SHA-256, hex).
    pub stdout_sha256: String,
    pub stdout_bytes: u64,
    /// The shell exit code (128+N for signal N).
    pub exit_code: i32,
}

/// One module to optimise, and how.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LocalProblem {
    /// The input file.
    pub source: PathBuf,
    /// The input module's structural hash.
    pub module_hash: String,
    pub backend: String,
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
        h.update(self.backend.as_bytes());
        h.update([0]);
        h.update(self.objective.name().as_bytes());
        for a in &self.run_args {
            h.update([0]);
            h.update(a.as_bytes());
        }
        let digest = h.finalize();
        digest[..8].iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// How an evaluation ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Measured; a valid candidate.
    Ok,
    /// Valid, but beyond a budget limit (code growth).
    OverBudget,
    /// LLVM's verifier, opm's verifier or the preservation check rejected a pass's result.
    InvariantViolation,
    /// The program's output or exit status differs from the reference build's.
    Miscompile,
    /// The compiler crashed (signal, abort, fatal error) on this candidate.
    Crash,
    /// Compiling or running took longer than the budget allows.
    Timeout,
    /// A pass produced a construct the canonical IR does not represent.
    Unsupported,
}

impl Verdict {
    /// The name used in signals and tables.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::OverBudget => "over-budget",
            Verdict::InvariantViolation => "invariant-violation",
            Verdict::Miscompile => "miscompile",
            Verdict::Crash => "crash",
            Verdict::Timeout => "timeout",
            Verdict::Unsupported => "unsupported",
        }
    }
}

/// Timing statistics of repeated runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuntimeStats {
    /// Every measured run, in nanoseconds (the warm-up excluded).
    pub samples_ns: Vec<u64>,
    pub median_ns: f64,
    pub min_ns: f64,
    /// A 95% confidence interval of the median (order statistics; the sample range when
    /// there are too few samples).
    pub ci95_ns: (f64, f64),
}

impl RuntimeStats {
    /// Statistics of `samples` (not empty).
    pub fn from_samples(mut samples_ns: Vec<u64>) -> RuntimeStats {
        let mut sorted = samples_ns.clone();
        sorted.sort_unstable();
        let n = sorted.len();
        let median = if n % 2 == 1 {
            sorted[n / 2] as f64
        } else {
            (sorted[n / 2 - 1] as f64 + sorted[n / 2] as f64) / 2.0
        };
        // Distribution-free CI of the median: ranks n/2 ± 1.96·√n/2.
        let half = 1.96 * (n as f64).sqrt() / 2.0;
        let lo = ((n as f64 / 2.0 - half).floor().max(0.0)) as usize;
        let hi = ((n as f64 / 2.0 + half).ceil() as usize).min(n - 1);
        samples_ns.shrink_to_fit();
        RuntimeStats {
            samples_ns,
            median_ns: median,
            min_ns: sorted[0] as f64,
            ci95_ns: (sorted[lo] as f64, sorted[hi] as f64),
        }
    }
}

/// What one evaluation measured. Absent values were not measured (an earlier step failed).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// Instructions of the canonical IR after the pipeline (Cranelift: the input's, which
    /// settings do not change).
    pub instcount: Option<u64>,
    /// Bytes of executable code in the object.
    pub text_bytes: Option<u64>,
    /// Milliseconds in LLVM's passes (with verify-each); 0 for Cranelift, whose settings act
    /// within code generation.
    pub pass_ms: Option<f64>,
    /// Milliseconds importing and checking the IR between steps.
    pub check_ms: Option<f64>,
    /// Milliseconds in code generation (Cranelift: from the canonical IR to the object).
    pub codegen_ms: Option<f64>,
    /// Run times, for the runtime objective.
    pub runtime: Option<RuntimeStats>,
}

/// Where a candidate came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// A default pipeline (O0–Oz, or a Cranelift preset).
    Preset,
    /// Given with `--pipeline`.
    User,
    /// A sequence known to do well.
    Known,
    Random,
    Greedy,
    Evolve,
}

/// Versions of the tools that produced a signal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tools {
    pub opm: String,
    pub llvm: String,
}

impl Tools {
    /// The versions of this build.
    pub fn current() -> Tools {
        Tools { opm: env!("CARGO_PKG_VERSION").to_string(), llvm: opm_llvm::llvm_version() }
    }
}

/// One evaluated candidate: one line of a signals file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PerformanceSignal {
    /// [`LocalProblem::id`].
    pub problem: String,
    pub backend: String,
    pub pipeline: Pipeline,
    pub origin: Origin,
    pub objective: Objective,
    pub verdict: Verdict,
    /// Why, for any verdict but `ok`: the crash's signal and message, the violation, …
    pub detail: Option<String>,
    pub metrics: Metrics,
    /// The identity of what the pipeline produced: for LLVM the structural hash of the IR
    /// (`worker::ir_identity`); for Cranelift, whose settings leave the IR as it is, the
    /// SHA-256 of the object file (`worker::object_identity`). Candidates of one identity
    /// are compiled (LLVM) and linked and run (both) once.
    pub ir_hash: Option<String>,
    /// The number of this evaluation in its search (from 1).
    pub eval: u64,
    /// Milliseconds since the Unix epoch.
    pub started_ms: u64,
    pub finished_ms: u64,
    pub tools: Tools,
}

impl PerformanceSignal {
    /// The objective's value, for valid candidates only.
    pub fn score(&self) -> Option<f64> {
        if self.verdict == Verdict::Ok { self.objective.score(&self.metrics) } else { None }
    }
}

/// One metric's change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricDelta {
    pub metric: String,
    pub before: Option<f64>,
    pub after: Option<f64>,
}

/// A change of the incumbent best plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanDelta {
    /// The previous best, if there was one.
    pub from: Option<Pipeline>,
    pub to: Pipeline,
    /// The evaluation that found it.
    pub eval: u64,
    pub deltas: Vec<MetricDelta>,
}

impl PlanDelta {
    /// The change from `from` (if any) to `to`.
    pub fn between(from: Option<&PerformanceSignal>, to: &PerformanceSignal) -> PlanDelta {
        let pick = |s: Option<&PerformanceSignal>, f: fn(&Metrics) -> Option<f64>| {
            s.and_then(|s| f(&s.metrics))
        };
        type Read = fn(&Metrics) -> Option<f64>;
        let metrics: [(&str, Read); 4] = [
            ("instcount", |m| m.instcount.map(|v| v as f64)),
            ("text_bytes", |m| m.text_bytes.map(|v| v as f64)),
            ("compile_ms", |m| Some(m.pass_ms? + m.codegen_ms?)),
            ("runtime_median_ns", |m| m.runtime.as_ref().map(|r| r.median_ns)),
        ];
        PlanDelta {
            from: from.map(|s| s.pipeline.clone()),
            to: to.pipeline.clone(),
            eval: to.eval,
            deltas: metrics
                .iter()
                .map(|(name, f)| MetricDelta {
                    metric: name.to_string(),
                    before: pick(from, *f),
                    after: pick(Some(to), *f),
                })
                .filter(|d| d.before.is_some() || d.after.is_some())
                .collect(),
        }
    }
}

/// One entry of the audit log.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum AuditEntry {
    /// The search began.
    Started { problem: String, strategy: String, seed: u64, jobs: usize },
    /// A candidate was skipped because the signals file already holds it.
    Resumed { pipeline: Pipeline, eval: u64 },
    /// A candidate was evaluated.
    Evaluated { pipeline: Pipeline, eval: u64, verdict: Verdict, score: Option<f64> },
    /// A new best plan was adopted.
    NewBest(PlanDelta),
    /// The search stopped.
    Stopped { reason: String, evals: u64 },
    /// The winner's output was checked against the reference build.
    WinnerChecked { pipeline: Pipeline, verdict: Verdict },
}

/// An append-only record of evaluations and decisions.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct AuditLog {
    entries: Vec<AuditEntry>,
}

impl AuditLog {
    /// Appends an entry. Entries are never changed or removed.
    pub fn push(&mut self, entry: AuditEntry) {
        self.entries.push(entry);
    }

    /// The entries, oldest first.
    pub fn entries(&self) -> &[AuditEntry] {
        &self.entries
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
        assert_eq!(parse_duration("90s").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("1.5m").unwrap(), Duration::from_secs(90));
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_duration("2").unwrap(), Duration::from_secs(2));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("3 weeks").is_err());
    }

    #[test]
    fn runtime_statistics() {
        let s = RuntimeStats::from_samples(vec![50, 10, 40, 20, 30]);
        assert_eq!(s.median_ns, 30.0);
        assert_eq!(s.min_ns, 10.0);
        assert!(s.ci95_ns.0 <= 30.0 && s.ci95_ns.1 >= 30.0);
        assert_eq!(s.samples_ns, [50, 10, 40, 20, 30]);
        let even = RuntimeStats::from_samples(vec![1, 2, 3, 4]);
        assert_eq!(even.median_ns, 2.5);
    }

    #[test]
    fn signals_round_trip_through_json() {
        let s = PerformanceSignal {
            problem: "p".into(),
            backend: "llvm".into(),
            pipeline: Pipeline::parse("default<Oz>,function(gvn)").unwrap(),
            origin: Origin::Known,
            objective: Objective::Instcount,
            verdict: Verdict::InvariantViolation,
            detail: Some("x".into()),
            metrics: Metrics { instcount: Some(10), pass_ms: Some(1.5), ..Metrics::default() },
            ir_hash: None,
            eval: 3,
            started_ms: 1,
            finished_ms: 2,
            tools: Tools::current(),
        };
        let line = serde_json::to_string(&s).unwrap();
        assert!(line.contains("\"verdict\":\"invariant-violation\""), "{line}");
        assert!(line.contains("\"pipeline\":\"default<Oz>,function(gvn)\""), "{line}");
        assert_eq!(serde_json::from_str::<PerformanceSignal>(&line).unwrap(), s);
        assert_eq!(s.score(), None);
    }

    #[test]
    fn plan_deltas_name_what_changed() {
        let base = |n, p: &str| PerformanceSignal {
            problem: "p".into(),
            backend: "llvm".into(),
            pipeline: Pipeline::parse(p).unwrap(),
            origin: Origin::Preset,
            objective: Objective::Instcount,
            verdict: Verdict::Ok,
            detail: None,
            metrics: Metrics { instcount: Some(n), ..Metrics::default() },
            ir_hash: None,
            eval: n,
            started_ms: 0,
            finished_ms: 0,
            tools: Tools::current(),
        };
        let (a, b) = (base(100, "default<O2>"), base(90, "default<Oz>"));
        let d = PlanDelta::between(Some(&a), &b);
        assert_eq!(d.from.unwrap().text(), "default<O2>");
        assert_eq!(d.deltas.len(), 1);
        assert_eq!((d.deltas[0].before, d.deltas[0].after), (Some(100.0), Some(90.0)));
    }
}
