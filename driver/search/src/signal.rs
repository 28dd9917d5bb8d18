//! What one evaluation measured: a [`PerformanceSignal`], one line of a signals file.

use crate::problem::Objective;
use opm_backend::{BackendKind, Pipeline};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How an evaluation ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
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
    /// A pass produced a construct the canonical IR does not represent, or the backend has
    /// no lowering for one.
    Unsupported,
}

impl Verdict {
    /// Every verdict, in the order reports count them.
    pub const ALL: [Verdict; 7] = [
        Verdict::Ok,
        Verdict::OverBudget,
        Verdict::InvariantViolation,
        Verdict::Miscompile,
        Verdict::Crash,
        Verdict::Timeout,
        Verdict::Unsupported,
    ];

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

    /// The verdict called `name` ([`Verdict::name`]).
    pub fn from_name(name: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.name() == name)
    }

    /// The verdict of a candidate whose compiler failed with an error of `kind`.
    pub fn of_error(kind: opm_backend::ErrorKind) -> Verdict {
        match kind {
            opm_backend::ErrorKind::Unsupported => Verdict::Unsupported,
            opm_backend::ErrorKind::Timeout => Verdict::Timeout,
            _ => Verdict::Crash,
        }
    }
}

/// Why a candidate is not valid: its verdict and what happened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rejection {
    pub verdict: Verdict,
    pub detail: String,
}

impl Rejection {
    pub fn new(verdict: Verdict, detail: impl Into<String>) -> Rejection {
        Rejection { verdict, detail: detail.into() }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.verdict.name(), self.detail)
    }
}

/// Which clock a run time is read on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Clock {
    /// The CPU time the program used, user and system (the kernel's accounting): what other
    /// load on a shared machine disturbs least.
    Cpu,
    /// Wall-clock time from start to end (signals written before the CPU time was recorded
    /// were timed on it).
    #[default]
    Wall,
}

impl Clock {
    pub fn name(self) -> &'static str {
        match self {
            Clock::Cpu => "cpu",
            Clock::Wall => "wall",
        }
    }
}

/// Timing statistics of repeated runs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RuntimeStats {
    /// Every measured run's wall-clock time, in nanoseconds (the warm-up excluded). A run
    /// repeated within one measurement (see `runs_per_sample`) counts as their mean.
    pub samples_ns: Vec<u64>,
    /// The median, least and 95% confidence interval of the median (order statistics; the
    /// sample range when there are too few samples) of the samples on `clock`.
    pub median_ns: f64,
    pub min_ns: f64,
    pub ci95_ns: (f64, f64),
    /// The CPU time (user and system) of the same runs, in nanoseconds, beside their wall
    /// time above; empty where the kernel did not tell it (and in signals written before it
    /// was recorded).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cpu_samples_ns: Vec<u64>,
    /// The clock the median, least and interval are of: CPU time where every run has one.
    #[serde(default)]
    pub clock: Clock,
    /// How many runs one sample is the mean of: a program shorter than the timing floor
    /// (`opm_search::timing::TIMING_FLOOR`) is run several times in a row per sample.
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub runs_per_sample: u32,
}

fn one() -> u32 {
    1
}

fn is_one(n: &u32) -> bool {
    *n == 1
}

/// Median, least and the median's 95% interval of `samples` (not empty).
fn order_statistics(samples: &[u64]) -> Option<(f64, f64, (f64, f64))> {
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    let (first, last) = (*sorted.first()?, sorted.len() - 1);
    let median = if n % 2 == 1 {
        sorted[n / 2] as f64
    } else {
        (sorted[n / 2 - 1] as f64 + sorted[n / 2] as f64) / 2.0
    };
    // Distribution-free CI of the median: ranks n/2 ± 1.96·√n/2.
    let half = 1.96 * (n as f64).sqrt() / 2.0;
    let lo = ((n as f64 / 2.0 - half).floor().max(0.0)) as usize;
    let hi = ((n as f64 / 2.0 + half).ceil() as usize).min(last);
    Some((median, first as f64, (sorted[lo] as f64, sorted[hi] as f64)))
}

impl RuntimeStats {
    /// Statistics of wall-clock `samples`; `None` when there are none.
    pub fn from_samples(samples_ns: Vec<u64>) -> Option<RuntimeStats> {
        RuntimeStats::measured(samples_ns, Vec::new(), Clock::Wall, 1)
    }

    /// Statistics of runs timed on both clocks (`cpu_ns` empty where the kernel did not tell
    /// it), read on `clock` when every run has a time on it, else on the wall clock; each
    /// sample the mean of `runs_per_sample` runs. `None` when there are no samples.
    pub fn measured(
        wall_ns: Vec<u64>,
        cpu_ns: Vec<u64>,
        clock: Clock,
        runs_per_sample: u32,
    ) -> Option<RuntimeStats> {
        let cpu_ns = if cpu_ns.len() == wall_ns.len() { cpu_ns } else { Vec::new() };
        let clock =
            if clock == Clock::Cpu && !cpu_ns.is_empty() { Clock::Cpu } else { Clock::Wall };
        let (median_ns, min_ns, ci95_ns) =
            order_statistics(if clock == Clock::Cpu { &cpu_ns } else { &wall_ns })?;
        Some(RuntimeStats {
            samples_ns: wall_ns,
            median_ns,
            min_ns,
            ci95_ns,
            cpu_samples_ns: cpu_ns,
            clock,
            runs_per_sample: runs_per_sample.max(1),
        })
    }

    /// The samples on the clock the statistics are of.
    pub fn clock_samples(&self) -> &[u64] {
        match self.clock {
            Clock::Cpu => &self.cpu_samples_ns,
            Clock::Wall => &self.samples_ns,
        }
    }
}

/// What one evaluation measured. Absent values were not measured (an earlier step failed).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Metrics {
    /// Instructions of the canonical IR after the pipeline (for a backend whose pipelines do
    /// not transform the IR: the input's).
    pub instcount: Option<u64>,
    /// Bytes of executable code in the object.
    pub text_bytes: Option<u64>,
    /// Milliseconds in LLVM's passes (with verify-each); 0 for a backend whose settings act
    /// within code generation.
    pub pass_ms: Option<f64>,
    /// Milliseconds importing and checking the IR between steps (opm's own work, not the
    /// compiler's).
    pub check_ms: Option<f64>,
    /// Milliseconds in code generation (Cranelift: from the canonical IR to the object; GCC:
    /// gcc on the emitted C).
    pub codegen_ms: Option<f64>,
    /// Run times, for the runtime objective.
    pub runtime: Option<RuntimeStats>,
}

impl Metrics {
    /// The compile time, the one definition every table, objective and export uses: the
    /// compiler's passes plus its code generation, in milliseconds. opm's checks between
    /// steps (`check_ms`) are not part of it: a user's build does not run them.
    pub fn compile_ms(&self) -> Option<f64> {
        Some(self.pass_ms? + self.codegen_ms?)
    }
}

/// Where a candidate came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// A default pipeline (O0–Oz, or a Cranelift or GCC preset).
    Preset,
    /// Given with `--pipeline`.
    User,
    /// Suggested by a registry: a plan that did well on programs of the same kind.
    Registry,
    /// A sequence known to do well.
    Known,
    /// A pipeline of the backend's coreset, learned offline ([`crate::coreset`]).
    Coreset,
    Random,
    Greedy,
    Evolve,
}

impl Origin {
    /// Every origin.
    pub const ALL: [Origin; 8] = [
        Origin::Preset,
        Origin::User,
        Origin::Registry,
        Origin::Known,
        Origin::Coreset,
        Origin::Random,
        Origin::Greedy,
        Origin::Evolve,
    ];

    /// The name used in signals and lab databases.
    pub fn name(self) -> &'static str {
        match self {
            Origin::Preset => "preset",
            Origin::User => "user",
            Origin::Registry => "registry",
            Origin::Known => "known",
            Origin::Coreset => "coreset",
            Origin::Random => "random",
            Origin::Greedy => "greedy",
            Origin::Evolve => "evolve",
        }
    }
}

/// Versions of the tools that produced a signal.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Tools {
    pub opm: String,
    pub llvm: String,
}

/// The structural hash of a candidate's canonical IR (what LLVM's passes made of the module,
/// less what LLVM re-derives when it reads text back): two candidates with the same IR compile
/// to the same code.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct IrHash(pub String);

/// The SHA-256 of a candidate's object file, in hex: its identity for a backend whose
/// pipelines do not change the IR.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ObjectDigest(pub String);

impl ObjectDigest {
    /// The digest of `object`'s bytes.
    pub fn of(object: &[u8]) -> ObjectDigest {
        use sha2::Digest;
        ObjectDigest(hex::encode(sha2::Sha256::digest(object)))
    }
}

/// What a candidate produced, which decides whether two candidates are the same program:
/// its IR for LLVM, its object for the other backends. Written as its hex text.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Identity {
    Ir(IrHash),
    Object(ObjectDigest),
}

impl Identity {
    /// The identity `text` has for a candidate of `backend`.
    pub fn of(backend: BackendKind, text: String) -> Identity {
        if backend.transforms_ir() {
            Identity::Ir(IrHash(text))
        } else {
            Identity::Object(ObjectDigest(text))
        }
    }

    /// The hex text.
    pub fn as_str(&self) -> &str {
        match self {
            Identity::Ir(IrHash(s)) | Identity::Object(ObjectDigest(s)) => s,
        }
    }
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Identity {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// One evaluated candidate: one line of a signals file.
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
pub struct PerformanceSignal {
    /// [`crate::LocalProblem::id`].
    pub problem: String,
    pub backend: BackendKind,
    pub pipeline: Pipeline,
    pub origin: Origin,
    pub objective: Objective,
    pub verdict: Verdict,
    /// Why, for any verdict but `ok`: the crash's signal and message, the violation, …
    pub detail: Option<String>,
    pub metrics: Metrics,
    /// What the pipeline produced ([`Identity`]). Candidates of one identity are compiled
    /// (LLVM) and linked and run (every backend) once. Written as `ir_hash`, as it always was.
    #[serde(rename = "ir_hash")]
    #[schemars(with = "Option<String>")]
    pub identity: Option<Identity>,
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

/// A signal as it is written: the pipeline's and the identity's texts are read with the
/// backend written beside them, so reading never needs the backend itself.
#[derive(Deserialize)]
struct StoredSignal {
    problem: String,
    backend: BackendKind,
    pipeline: String,
    origin: Origin,
    objective: Objective,
    verdict: Verdict,
    detail: Option<String>,
    metrics: Metrics,
    ir_hash: Option<String>,
    eval: u64,
    started_ms: u64,
    finished_ms: u64,
    tools: Tools,
}

impl<'de> Deserialize<'de> for PerformanceSignal {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<PerformanceSignal, D::Error> {
        let s = StoredSignal::deserialize(d)?;
        let pipeline = Pipeline::read(s.backend, &s.pipeline).map_err(serde::de::Error::custom)?;
        Ok(PerformanceSignal {
            problem: s.problem,
            backend: s.backend,
            pipeline,
            origin: s.origin,
            objective: s.objective,
            verdict: s.verdict,
            detail: s.detail,
            metrics: s.metrics,
            identity: s.ir_hash.map(|text| Identity::of(s.backend, text)),
            eval: s.eval,
            started_ms: s.started_ms,
            finished_ms: s.finished_ms,
            tools: s.tools,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_statistics() {
        let s = RuntimeStats::from_samples(vec![50, 10, 40, 20, 30]).unwrap();
        assert_eq!(s.median_ns, 30.0);
        assert_eq!(s.min_ns, 10.0);
        assert!(s.ci95_ns.0 <= 30.0 && s.ci95_ns.1 >= 30.0);
        assert_eq!(s.samples_ns, [50, 10, 40, 20, 30]);
        let even = RuntimeStats::from_samples(vec![1, 2, 3, 4]).unwrap();
        assert_eq!(even.median_ns, 2.5);
        assert_eq!(RuntimeStats::from_samples(Vec::new()), None);
    }

    #[test]
    fn runtime_statistics_are_of_the_cpu_clock_when_every_run_has_one() {
        let both = RuntimeStats::measured(vec![90, 70, 80], vec![30, 10, 20], Clock::Cpu, 4);
        let both = both.unwrap();
        assert_eq!((both.clock, both.median_ns, both.min_ns), (Clock::Cpu, 20.0, 10.0));
        assert_eq!(both.clock_samples(), [30, 10, 20]);
        assert_eq!(both.samples_ns, [90, 70, 80]);
        assert_eq!(both.runs_per_sample, 4);
        // A run without CPU time: the wall clock, said so.
        let wall = RuntimeStats::measured(vec![90, 70, 80], vec![30, 10], Clock::Cpu, 1).unwrap();
        assert_eq!((wall.clock, wall.median_ns), (Clock::Wall, 80.0));
        assert!(wall.cpu_samples_ns.is_empty());
        // Signals written before the clock was recorded read as wall-clock times.
        let old: RuntimeStats = serde_json::from_str(
            r#"{"samples_ns":[5],"median_ns":5.0,"min_ns":5.0,"ci95_ns":[5.0,5.0]}"#,
        )
        .unwrap();
        assert_eq!((old.clock, old.runs_per_sample), (Clock::Wall, 1));
        let text = serde_json::to_string(&both).unwrap();
        assert!(text.contains(r#""clock":"cpu""#) && text.contains(r#""runs_per_sample":4"#));
    }

    #[test]
    fn compile_time_is_passes_plus_code_generation() {
        let m = Metrics {
            pass_ms: Some(2.0),
            check_ms: Some(5.0),
            codegen_ms: Some(3.0),
            ..Metrics::default()
        };
        assert_eq!(m.compile_ms(), Some(5.0));
        assert_eq!(Objective::CompileTime.score(&m), Some(5.0));
        assert_eq!(Metrics { codegen_ms: None, ..m }.compile_ms(), None);
    }

    fn signal(backend: BackendKind, pipeline: &str, identity: &str) -> PerformanceSignal {
        PerformanceSignal {
            problem: "p".into(),
            backend,
            pipeline: Pipeline::read(backend, pipeline).unwrap(),
            origin: Origin::Known,
            objective: Objective::Size,
            verdict: Verdict::InvariantViolation,
            detail: Some("x".into()),
            metrics: Metrics { instcount: Some(10), pass_ms: Some(1.5), ..Metrics::default() },
            identity: Some(Identity::of(backend, identity.into())),
            eval: 3,
            started_ms: 1,
            finished_ms: 2,
            tools: Tools { opm: "0.1.0".into(), llvm: "22.1.8".into() },
        }
    }

    #[test]
    fn signals_round_trip_through_json() {
        let s = signal(BackendKind::Llvm, "default<Oz>,function(gvn)", "abcd");
        let line = serde_json::to_string(&s).unwrap();
        assert!(line.contains("\"verdict\":\"invariant-violation\""), "{line}");
        assert!(line.contains("\"pipeline\":\"default<Oz>,function(gvn)\""), "{line}");
        assert!(line.contains("\"ir_hash\":\"abcd\""), "{line}");
        assert_eq!(serde_json::from_str::<PerformanceSignal>(&line).unwrap(), s);
        assert_eq!(s.score(), None);
        // Another backend's pipeline and identity, an empty pipeline among them, read back as
        // what they are.
        for (backend, text) in [
            (BackendKind::Cranelift, "opt_level=speed"),
            (BackendKind::Cranelift, ""),
            (BackendKind::Gcc, "-O2 -funroll-loops"),
        ] {
            let s = signal(backend, text, "0123");
            let back: PerformanceSignal =
                serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
            assert_eq!(back, s, "{text}");
            assert!(matches!(back.identity, Some(Identity::Object(_))));
        }
    }

    #[test]
    fn a_signal_line_of_an_earlier_opm_reads_back() {
        // As `optimize --signals` wrote it before the backend trait.
        let line = r#"{"problem":"77724144b88cd878","backend":"gcc","pipeline":"-O2 -fno-inline","origin":"evolve","objective":"size","verdict":"ok","detail":null,"metrics":{"instcount":210,"text_bytes":1234,"pass_ms":0.0,"check_ms":null,"codegen_ms":41.5,"runtime":null},"ir_hash":"8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4","eval":12,"started_ms":1,"finished_ms":2,"tools":{"opm":"0.1.0","llvm":"22.1.8"}}"#;
        let s: PerformanceSignal = serde_json::from_str(line).unwrap();
        assert_eq!(s.backend, BackendKind::Gcc);
        assert_eq!(s.pipeline.text(), "-O2 -fno-inline");
        assert_eq!(s.score(), Some(1234.0));
        assert!(matches!(&s.identity, Some(Identity::Object(d)) if d.0.len() == 64));
        assert_eq!(serde_json::to_string(&s).unwrap(), line);
    }

    #[test]
    fn verdicts_by_name() {
        for v in Verdict::ALL {
            assert_eq!(Verdict::from_name(v.name()), Some(v));
            assert_eq!(serde_json::to_string(&v).unwrap(), format!("\"{}\"", v.name()));
        }
        for o in Origin::ALL {
            assert_eq!(serde_json::to_string(&o).unwrap(), format!("\"{}\"", o.name()));
        }
    }

    #[test]
    fn object_digests_are_sha256() {
        assert_eq!(
            ObjectDigest::of(b"").0,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
