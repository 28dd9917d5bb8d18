//! The lab's database, behind the [`Store`] trait: runs (a tag with its machine, tool versions
//! and options), programs, pipelines, each run's baselines, every measurement with every
//! sample, and the lab's tasks (what is done, for resuming). A measurement's samples are its
//! run times on the wall clock ([`RUNTIME`]) and in CPU time ([`CPU`]), and, for a search's
//! run-time winner, its confirmation against the speed reference ([`ConfirmationPairs`],
//! [`CONFIRM_METRICS`]): rows of the one `samples` table, told apart by their metric, so that
//! neither needed a migration and a database without them reads as before.
//!
//! [`SqliteStore`] keeps them in one SQLite file, [`PgStore`] in a PostgreSQL database;
//! [`Database`] names either (`--db FILE` or `--db postgres://…`) and opens it. Names are stored as the model
//! spells them ([`BackendKind::name`], [`Verdict::name`], …) and read back as the model's
//! types: a name this opm does not know is [`StoreError::Unknown`], never a guess.

mod postgres;
mod schema;
mod sqlite;

pub use postgres::{IDLE_TRANSACTION_LIMIT, PG_SCHEMA_VERSION, PgStore};
pub(crate) use postgres::{
    get as postgres_get, insert_confirmation as postgres_insert_confirmation,
    insert_measurement as postgres_insert_measurement, upsert_task as postgres_upsert_task,
};
pub use sqlite::SqliteStore;

use opm_backend::BackendKind;
use opm_search::timing::{Comparison, compare_pairs};
use opm_search::{
    Clock, Identity, Metrics, Objective, Origin, PerformanceSignal, StrategyKind, Verdict,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The schema version this opm writes; older databases are migrated to it when opened.
/// Version 2 added each run's baselines.
pub const SCHEMA_VERSION: i64 = 2;

/// What went wrong with the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the lab database: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("the lab database (PostgreSQL): {}", postgres_message(.0))]
    Postgres(#[from] ::postgres::Error),
    /// The database was written by a newer opm.
    #[error("the lab database has schema version {found}; this opm knows versions up to {known}")]
    TooNew { found: i64, known: i64 },
    /// A tag that is not in the database.
    #[error("no run tagged `{0}` in the lab database")]
    NoSuchTag(String),
    /// A stored name this opm does not know (a backend, a verdict, …).
    #[error("the lab database holds an unknown {what} `{value}`")]
    Unknown { what: &'static str, value: String },
    /// A stored value that does not read back as what it should be.
    #[error("the lab database: {what}: {message}")]
    Invalid { what: String, message: String },
    /// A collector's write for a search it no longer holds (its lease expired and the search
    /// was taken again, or it ended): refused, so that only the holder's measurements count.
    #[error(
        "queued search {task}: this collector's lease (token {token}) was lost ({now}); \
         the write is refused"
    )]
    LeaseLost { task: i64, token: i64, now: String },
    /// What `--db` names cannot do what was asked (a queue in SQLite, say).
    #[error("{0}")]
    Unsupported(String),
}

impl StoreError {
    /// Whether the database could not be reached (a connection refused or closed, a server
    /// shutting down or starting): waiting may help, unlike an error in what was asked.
    pub fn is_unreachable(&self) -> bool {
        let StoreError::Postgres(e) = self else { return false };
        match e.as_db_error() {
            // admin_shutdown, crash_shutdown, cannot_connect_now, and the session ended for
            // idling in a transaction (the process was stopped): the next call connects again
            Some(db) => matches!(db.code().code(), "57P01" | "57P02" | "57P03" | "25P03"),
            None => {
                e.is_closed()
                    || std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>())
            }
        }
    }
}

/// A run's id in its database.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RunId(pub i64);

/// A program's id in its database.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProgramId(pub i64);

/// The lab's options stored with a run, as JSON (these keys, which every database so far
/// has).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LabConfig {
    /// The corpus directory.
    pub corpus: PathBuf,
    pub backends: Vec<BackendKind>,
    #[serde(with = "strategy_names")]
    pub strategies: Vec<StrategyKind>,
    pub objective: Objective,
    /// Per task.
    pub budget_evals: Option<u64>,
    /// Per task, in seconds.
    pub budget_time_s: Option<f64>,
    /// Timed runs per candidate.
    pub runs: usize,
    pub seed: u64,
    pub jobs: usize,
    /// The time limit of one run of a program, in seconds, when the lab was given one
    /// (absent from the runs of labs without it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_timeout_s: Option<f64>,
    /// The time limit of one candidate's compilation, in seconds, when the lab was given one
    /// (absent from the runs of labs without it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compile_timeout_s: Option<f64>,
}

/// Strategies by name ([`StrategyKind::name`]), which is how they are stored.
mod strategy_names {
    use opm_search::StrategyKind;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &[StrategyKind], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|k| k.name()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<StrategyKind>, D::Error> {
        Vec::<String>::deserialize(d)?
            .into_iter()
            .map(|name| {
                StrategyKind::from_name(&name)
                    .ok_or_else(|| serde::de::Error::custom(format!("unknown strategy `{name}`")))
            })
            .collect()
    }
}

/// A run's identity and the versions of what measured it.
#[derive(Clone, Debug, PartialEq)]
pub struct RunInfo {
    pub tag: String,
    pub machine: String,
    pub llvm: String,
    pub cranelift: String,
    pub gcc: String,
    pub opm_commit: String,
    /// The lab's options.
    pub config: LabConfig,
}

/// One of a backend's baselines as a run measured it: LLVM's `O2` is `default<O2>`,
/// Cranelift's `speed` is `opt_level=speed`, GCC's `O2` is `-O2`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Baseline {
    pub backend: BackendKind,
    /// The baseline's name (`O2`, `speed`, `Os`…).
    pub name: String,
    /// The pipeline's canonical text, as measurements store it.
    pub pipeline: String,
}

/// A task of a run: one search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Task {
    pub program: ProgramId,
    pub backend: BackendKind,
    pub strategy: StrategyKind,
}

/// A task that failed, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskFailure {
    pub program: String,
    pub backend: BackendKind,
    pub strategy: StrategyKind,
    pub detail: String,
}

impl std::fmt::Display for TaskFailure {
    /// `nbody · llvm · auto: why`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (program, backend, strategy) = (&self.program, self.backend, self.strategy.name());
        write!(f, "{program} · {backend} · {strategy}: {}", self.detail)
    }
}

/// One stored measurement with its samples, as `compare`, `report` and `export` read them.
#[derive(Clone, Debug, PartialEq)]
pub struct Measurement {
    pub program: String,
    /// The program's arguments, as the JSON text stored with the program (part of its
    /// identity).
    pub args: String,
    pub backend: BackendKind,
    /// The pipeline's canonical text: its identity in the database.
    pub pipeline: String,
    /// The strategy of the search that measured it.
    pub strategy: StrategyKind,
    pub origin: Origin,
    /// The number of the evaluation in its search (from 1).
    pub eval: u64,
    pub objective: Objective,
    pub verdict: Verdict,
    pub instcount: Option<u64>,
    pub text_bytes: Option<u64>,
    pub pass_ms: Option<f64>,
    pub check_ms: Option<f64>,
    pub codegen_ms: Option<f64>,
    /// What the pipeline produced (its IR for LLVM, its object otherwise).
    pub binary_hash: Option<Identity>,
    /// Run times in milliseconds, every sample: wall-clock time (metric `runtime_ms`).
    pub runtime_ms: Vec<f64>,
    /// The CPU time (user and system) of the same runs, in milliseconds (metric `cpu_ms`):
    /// empty where it was not recorded (runs stored before it was, or a kernel that did not
    /// tell it).
    pub cpu_ms: Vec<f64>,
    /// For a search's run-time winner: how it fared when timed again against its backend's
    /// reference baseline at the end of the search ([`Store::record_confirmation`]).
    pub confirmation: Option<ConfirmationPairs>,
}

impl Measurement {
    /// The compile time, as [`Metrics::compile_ms`] defines it: the compiler's passes plus
    /// its code generation, opm's own checks (`check_ms`) excluded.
    pub fn compile_ms(&self) -> Option<f64> {
        let metrics = Metrics {
            pass_ms: self.pass_ms,
            check_ms: self.check_ms,
            codegen_ms: self.codegen_ms,
            ..Metrics::default()
        };
        metrics.compile_ms()
    }

    /// The run-time samples the lab judges by, with their clock: CPU times when every run
    /// has one (the engine's own clock; a shared machine steals wall-clock time, not CPU
    /// time), else wall-clock times.
    pub fn run_times(&self) -> (Clock, &[f64]) {
        if !self.cpu_ms.is_empty() && self.cpu_ms.len() == self.runtime_ms.len() {
            (Clock::Cpu, &self.cpu_ms)
        } else {
            (Clock::Wall, &self.runtime_ms)
        }
    }

    /// The value of `objective` (lower is better): `.text` bytes, instructions, the median
    /// run time ([`Measurement::run_times`]: CPU time where every run has one) or the compile
    /// time.
    pub fn score(&self, objective: Objective) -> Option<f64> {
        match objective {
            Objective::Size => self.text_bytes.map(|v| v as f64),
            Objective::Instcount => self.instcount.map(|v| v as f64),
            Objective::Runtime => crate::stats::median(self.run_times().1),
            Objective::CompileTime => self.compile_ms(),
        }
    }
}

/// A search's run-time winner timed again against its backend's reference baseline (LLVM's
/// and GCC's O2, Cranelift's `speed`) in interleaved pairs when the search ended, as stored:
/// samples of the winner's measurement, metrics [`CONFIRM_BASELINE`] and [`CONFIRM_WINNER`]
/// (index = pair) and one sample each of the others of [`CONFIRM_METRICS`]. The verdict is
/// computed again from the pairs ([`ConfirmationPairs::comparison`]), as the engine computed
/// it.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfirmationPairs {
    /// The baseline's time in each pair, ms, on `clock`.
    pub baseline_ms: Vec<f64>,
    /// The winner's time in each pair, ms, on `clock`.
    pub winner_ms: Vec<f64>,
    pub clock: Clock,
    /// The winner counts as faster only when the interval of its speed-up is above this.
    pub threshold: f64,
    /// The interval's confidence (0.95).
    pub confidence: f64,
    /// How many runs one sample is the mean of (a program under the timing floor is run
    /// several times in a row per sample).
    pub runs_per_sample: u32,
    /// The program was too short to time: no speed-up is claimed whatever the pairs say.
    pub too_short: bool,
}

/// The metric of the baseline's times of a confirmation's pairs.
pub const CONFIRM_BASELINE: &str = "confirm_baseline_ms";
/// The metric of the winner's times of a confirmation's pairs.
pub const CONFIRM_WINNER: &str = "confirm_winner_ms";
/// Every metric a confirmation is stored as: the pairs, then one sample each of its
/// threshold, confidence, runs per sample, clock (1: CPU time, 0: wall-clock) and whether the
/// program was too short to time (1 or 0).
pub const CONFIRM_METRICS: [&str; 7] = [
    CONFIRM_BASELINE,
    CONFIRM_WINNER,
    "confirm_threshold",
    "confirm_confidence",
    "confirm_runs_per_sample",
    "confirm_cpu",
    "confirm_too_short",
];

impl ConfirmationPairs {
    /// The winner's speed-up over the baseline (baseline time / winner time, geometric mean
    /// over the pairs) with its interval and verdict; `None` when too short to time (or the
    /// pairs are too few or broken).
    pub fn comparison(&self) -> Option<Comparison> {
        if self.too_short {
            return None;
        }
        compare_pairs(&self.baseline_ms, &self.winner_ms, self.confidence, self.threshold)
    }

    /// The samples it is stored as: (metric, index, value).
    pub(crate) fn samples(&self) -> Vec<(&'static str, i64, f64)> {
        let mut out = Vec::new();
        for (metric, values) in
            [(CONFIRM_BASELINE, &self.baseline_ms), (CONFIRM_WINNER, &self.winner_ms)]
        {
            out.extend(values.iter().enumerate().map(|(i, v)| (metric, i as i64, *v)));
        }
        let flag = |b: bool| if b { 1.0 } else { 0.0 };
        let [_, _, rest @ ..] = CONFIRM_METRICS;
        let values = [
            self.threshold,
            self.confidence,
            f64::from(self.runs_per_sample),
            flag(self.clock == Clock::Cpu),
            flag(self.too_short),
        ];
        out.extend(rest.into_iter().zip(values).map(|(m, v)| (m, 0, v)));
        out
    }

    /// Read back from a measurement's samples by metric; `None` when it has none.
    fn read(samples: &mut BTreeMap<String, Vec<f64>>) -> Result<Option<Self>, StoreError> {
        let (Some(baseline_ms), Some(winner_ms)) =
            (samples.remove(CONFIRM_BASELINE), samples.remove(CONFIRM_WINNER))
        else {
            return Ok(None);
        };
        let invalid = |message: String| StoreError::Invalid {
            what: "a stored confirmation of a run-time winner".into(),
            message,
        };
        if baseline_ms.len() != winner_ms.len() {
            return Err(invalid(format!(
                "{} baseline times for {} winner times",
                baseline_ms.len(),
                winner_ms.len()
            )));
        }
        let mut one = |metric: &str| -> Result<f64, StoreError> {
            match samples.remove(metric).as_deref() {
                Some([v]) if v.is_finite() => Ok(*v),
                _ => Err(invalid(format!("`{metric}` is not one number"))),
            }
        };
        let [_, _, threshold, confidence, runs, cpu, too_short] = CONFIRM_METRICS;
        let (threshold, confidence, runs) = (one(threshold)?, one(confidence)?, one(runs)?);
        let (cpu, too_short) = (one(cpu)?, one(too_short)?);
        if !(threshold > 0.0 && (0.0..1.0).contains(&confidence) && runs >= 1.0) {
            return Err(invalid(format!(
                "threshold {threshold}, confidence {confidence}, {runs} runs per sample"
            )));
        }
        Ok(Some(ConfirmationPairs {
            baseline_ms,
            winner_ms,
            clock: if cpu == 1.0 { Clock::Cpu } else { Clock::Wall },
            threshold,
            confidence,
            runs_per_sample: runs.min(f64::from(u32::MAX)) as u32,
            too_short: too_short == 1.0,
        }))
    }
}

/// What the lab keeps, wherever it keeps it. Every method takes `&self`: an implementation
/// serialises its own access. Writes of one measurement are atomic.
pub trait Store {
    /// The schema version of the database ([`SCHEMA_VERSION`] once opened).
    fn schema_version(&self) -> Result<i64, StoreError>;

    /// The id of the run `info.tag`, created if new (an existing run is resumed: its
    /// recorded versions and options stay).
    fn begin_run(&self, info: &RunInfo) -> Result<RunId, StoreError>;

    /// Marks the run finished.
    fn finish_run(&self, run: RunId) -> Result<(), StoreError>;

    /// The id of the run tagged `tag`, if any.
    fn run_id(&self, tag: &str) -> Result<Option<RunId>, StoreError>;

    /// The run tagged `tag`.
    fn run(&self, tag: &str) -> Result<RunInfo, StoreError>;

    /// Every tag in the database, oldest first.
    fn tags(&self) -> Result<Vec<String>, StoreError>;

    /// The id of a program (by name, source hash and arguments as JSON text), created if new.
    fn program(&self, name: &str, source_hash: &str, args: &str) -> Result<ProgramId, StoreError>;

    /// Stores `backend`'s baselines for the run, in order. A backend whose baselines the run
    /// already has keeps them (a resumed run compares what its first session measured).
    fn record_baselines(
        &self,
        run: RunId,
        backend: BackendKind,
        baselines: &[Baseline],
    ) -> Result<(), StoreError>;

    /// The baselines of the run tagged `tag`, per backend in stored order.
    fn baselines(&self, tag: &str) -> Result<Vec<Baseline>, StoreError>;

    /// Stores one measured candidate of a search with `strategy`, with all its samples, in
    /// one transaction.
    fn record(
        &self,
        run: RunId,
        program: ProgramId,
        strategy: StrategyKind,
        signal: &PerformanceSignal,
    ) -> Result<(), StoreError>;

    /// Stores the confirmation of the task's run-time winner (the task's latest measurement
    /// of `winner_pipeline`), in one transaction, replacing any the task had (a search
    /// resumed and confirmed again). Returns whether the winner's measurement was found.
    fn record_confirmation(
        &self,
        run: RunId,
        task: &Task,
        winner_pipeline: &str,
        confirmation: &ConfirmationPairs,
    ) -> Result<bool, StoreError>;

    /// Records that the task ended: done, or failed with why.
    fn finish_task(&self, run: RunId, task: &Task, failure: Option<&str>)
    -> Result<(), StoreError>;

    /// Whether the task ended (done or failed) in an earlier session of the run.
    fn task_ended(&self, run: RunId, task: &Task) -> Result<bool, StoreError>;

    /// Forgets the measurements of a task that did not end (an interrupted session), so that
    /// running it again does not count them twice.
    fn drop_unfinished(&self, run: RunId, task: &Task) -> Result<(), StoreError>;

    /// The failed tasks of the run tagged `tag`, by program, backend and strategy.
    fn failures(&self, tag: &str) -> Result<Vec<TaskFailure>, StoreError>;

    /// Every measurement of the run tagged `tag`, with its samples, ordered by program,
    /// arguments, backend, strategy and evaluation.
    fn measurements(&self, tag: &str) -> Result<Vec<Measurement>, StoreError>;
}

/// A lab database as `--db` names it: a PostgreSQL URL (`postgres://` or `postgresql://`),
/// otherwise a SQLite file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Database {
    Sqlite(PathBuf),
    /// The connection URL, password included.
    Postgres(String),
}

impl Database {
    pub fn parse(text: &str) -> Database {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Database::Postgres(text.to_string())
        } else {
            Database::Sqlite(PathBuf::from(text))
        }
    }

    /// Opens the database (a SQLite file is created if needed), migrated to the current
    /// schema.
    pub fn open(&self) -> Result<Box<dyn Store>, StoreError> {
        Ok(match self {
            Database::Sqlite(path) => Box::new(SqliteStore::open(path)?),
            Database::Postgres(url) => Box::new(PgStore::open(url)?),
        })
    }

    /// Where a lab keeps its work files (the IR of its C programs): beside a SQLite file,
    /// `target/opm-lab.work` for PostgreSQL.
    pub fn work_dir(&self) -> PathBuf {
        match self {
            Database::Sqlite(path) => path.with_extension("work"),
            Database::Postgres(_) => PathBuf::from("target/opm-lab.work"),
        }
    }

    /// Where `bench report` writes by default: `opm-lab/report-TAG` beside a SQLite file,
    /// under `target/` for PostgreSQL.
    pub fn report_dir(&self, tag: &str) -> PathBuf {
        let base = match self {
            Database::Sqlite(path) => path.with_file_name("opm-lab"),
            Database::Postgres(_) => PathBuf::from("target/opm-lab"),
        };
        base.join(format!("report-{tag}"))
    }
}

impl std::fmt::Display for Database {
    /// The file, or the URL with its password hidden.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Database::Sqlite(path) => write!(f, "{}", path.display()),
            Database::Postgres(url) => {
                let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
                let (authority, tail) = match rest.find('/') {
                    Some(i) => rest.split_at(i),
                    None => (rest, ""),
                };
                let authority = match authority.rsplit_once('@') {
                    Some((user, host)) => match user.split_once(':') {
                        Some((name, _)) => format!("{name}:***@{host}"),
                        None => authority.to_string(),
                    },
                    None => authority.to_string(),
                };
                write!(f, "{scheme}://{authority}{tail}")
            }
        }
    }
}

/// A PostgreSQL error with what the server or the connection said (the error's own text is
/// often only "db error").
fn postgres_message(e: &::postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return format!("{}: {} ({})", db.severity(), db.message(), db.code().code());
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        let said = cause.to_string();
        if !text.contains(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        source = cause.source();
    }
    text
}

/// Opens (creating it if needed) the SQLite lab database at `path`, migrated to the current
/// schema ([`SqliteStore::open`]).
pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
    SqliteStore::open(path)
}

/// A stored count or size as the model's unsigned type.
fn unsigned(what: &str, v: Option<i64>) -> Result<Option<u64>, StoreError> {
    v.map(|v| {
        u64::try_from(v).map_err(|_| StoreError::Invalid {
            what: what.to_string(),
            message: format!("{v} is negative"),
        })
    })
    .transpose()
}

/// A measurement's columns as a database holds them, before they are read as the model's types.
pub(crate) struct Row {
    pub(crate) id: i64,
    pub(crate) program: String,
    pub(crate) args: String,
    pub(crate) backend: String,
    pub(crate) pipeline: String,
    pub(crate) strategy: String,
    pub(crate) origin: String,
    pub(crate) eval: i64,
    pub(crate) objective: String,
    pub(crate) verdict: String,
    pub(crate) instcount: Option<i64>,
    pub(crate) text_bytes: Option<i64>,
    pub(crate) pass_ms: Option<f64>,
    pub(crate) check_ms: Option<f64>,
    pub(crate) codegen_ms: Option<f64>,
    pub(crate) binary_hash: Option<String>,
}

impl Row {
    pub(crate) fn read(self) -> Result<(i64, Measurement), StoreError> {
        let backend = backend_named(&self.backend)?;
        let eval = unsigned("an evaluation number", Some(self.eval))?.unwrap_or_default();
        Ok((
            self.id,
            Measurement {
                program: self.program,
                args: self.args,
                backend,
                pipeline: self.pipeline,
                strategy: strategy_named(&self.strategy)?,
                origin: origin_named(&self.origin)?,
                eval,
                objective: objective_named(&self.objective)?,
                verdict: verdict_named(&self.verdict)?,
                instcount: unsigned("an instruction count", self.instcount)?,
                text_bytes: unsigned("a .text size", self.text_bytes)?,
                pass_ms: self.pass_ms,
                check_ms: self.check_ms,
                codegen_ms: self.codegen_ms,
                binary_hash: self.binary_hash.map(|h| Identity::of(backend, h)),
                runtime_ms: Vec::new(),
                cpu_ms: Vec::new(),
                confirmation: None,
            },
        ))
    }
}

/// The metric of wall-clock run times.
pub const RUNTIME: &str = "runtime_ms";
/// The metric of CPU run times.
pub const CPU: &str = "cpu_ms";

/// The samples a signal's measurement is stored with: (metric, index, value), run times in
/// milliseconds, wall-clock then CPU (where the kernel told it for every run).
pub(crate) fn signal_samples(signal: &PerformanceSignal) -> Vec<(&'static str, i64, f64)> {
    let Some(r) = &signal.metrics.runtime else { return Vec::new() };
    let mut out = Vec::new();
    let mut add = |metric, ns: &[u64]| {
        out.extend(ns.iter().enumerate().map(|(i, ns)| (metric, i as i64, *ns as f64 / 1e6)));
    };
    add(RUNTIME, &r.samples_ns);
    if r.cpu_samples_ns.len() == r.samples_ns.len() {
        add(CPU, &r.cpu_samples_ns);
    }
    out
}

/// Measurements with their samples (`(measurement id, metric, value)`, each measurement's
/// samples of a metric in their order); metrics this opm does not know are left out.
pub(crate) fn with_samples(
    measurements: Vec<(i64, Measurement)>,
    samples: Vec<(i64, String, f64)>,
) -> Result<Vec<Measurement>, StoreError> {
    let mut by_id: BTreeMap<i64, BTreeMap<String, Vec<f64>>> = BTreeMap::new();
    for (id, metric, value) in samples {
        by_id.entry(id).or_default().entry(metric).or_default().push(value);
    }
    measurements
        .into_iter()
        .map(|(id, mut m)| {
            let mut samples = by_id.remove(&id).unwrap_or_default();
            m.runtime_ms = samples.remove(RUNTIME).unwrap_or_default();
            m.cpu_ms = samples.remove(CPU).unwrap_or_default();
            m.confirmation = ConfirmationPairs::read(&mut samples)?;
            Ok(m)
        })
        .collect()
}

/// Now, in milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// The backend stored as `name`.
pub(crate) fn backend_named(name: &str) -> Result<BackendKind, StoreError> {
    BackendKind::from_name(name).ok_or_else(|| unknown("backend", name))
}

/// The strategy stored as `name`.
pub(crate) fn strategy_named(name: &str) -> Result<StrategyKind, StoreError> {
    StrategyKind::from_name(name).ok_or_else(|| unknown("strategy", name))
}

/// The verdict stored as `name`.
pub(crate) fn verdict_named(name: &str) -> Result<Verdict, StoreError> {
    Verdict::from_name(name).ok_or_else(|| unknown("verdict", name))
}

/// The objective stored as `name`.
pub(crate) fn objective_named(name: &str) -> Result<Objective, StoreError> {
    Objective::from_name(name).ok_or_else(|| unknown("objective", name))
}

/// The origin stored as `name` ([`Origin::name`], which is also its serde name).
pub(crate) fn origin_named(name: &str) -> Result<Origin, StoreError> {
    use serde::de::IntoDeserializer;
    let de: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
        name.into_deserializer();
    Origin::deserialize(de).map_err(|_| unknown("origin", name))
}

fn unknown(what: &'static str, value: &str) -> StoreError {
    StoreError::Unknown { what, value: value.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_is_named_by_its_url_and_shown_without_its_password() {
        let pg = Database::parse("postgres://opm:s3cret@db.example:5433/lab?sslmode=disable");
        assert!(matches!(pg, Database::Postgres(_)));
        assert_eq!(pg.to_string(), "postgres://opm:***@db.example:5433/lab?sslmode=disable");
        let no_password = Database::parse("postgresql://opm@127.0.0.1/lab");
        assert_eq!(no_password.to_string(), "postgresql://opm@127.0.0.1/lab");
        assert_eq!(no_password.work_dir(), PathBuf::from("target/opm-lab.work"));
        let file = Database::parse("target/lab.sqlite");
        assert_eq!(file, Database::Sqlite("target/lab.sqlite".into()));
        assert_eq!(file.work_dir(), PathBuf::from("target/lab.work"));
        assert_eq!(file.report_dir("a"), PathBuf::from("target/opm-lab/report-a"));
        // A file whose name merely mentions PostgreSQL is a file.
        assert!(matches!(Database::parse("postgres.sqlite"), Database::Sqlite(_)));
    }

    #[test]
    fn names_read_back_as_the_model_types() {
        for o in Origin::ALL {
            assert_eq!(origin_named(o.name()).unwrap(), o);
        }
        for v in Verdict::ALL {
            assert_eq!(verdict_named(v.name()).unwrap(), v);
        }
        for b in BackendKind::ALL {
            assert_eq!(backend_named(b.name()).unwrap(), b);
        }
        let e = origin_named("magic").unwrap_err();
        assert_eq!(e.to_string(), "the lab database holds an unknown origin `magic`");
        assert!(matches!(verdict_named("fine"), Err(StoreError::Unknown { what: "verdict", .. })));
        assert!(matches!(strategy_named("x"), Err(StoreError::Unknown { what: "strategy", .. })));
        assert!(matches!(objective_named("y"), Err(StoreError::Unknown { what: "objective", .. })));
    }

    #[test]
    fn the_options_of_an_earlier_opm_read_back() {
        // As `serde_json::json!` wrote them before the options were a type.
        let text = r#"{"backends":["llvm","cranelift"],"budget_evals":null,"budget_time_s":1.5,"corpus":"bench/corpus","jobs":4,"objective":"compile-time","runs":5,"seed":1,"strategies":["presets","auto"]}"#;
        let config: LabConfig = serde_json::from_str(text).unwrap();
        assert_eq!(
            config,
            LabConfig {
                corpus: "bench/corpus".into(),
                backends: vec![BackendKind::Llvm, BackendKind::Cranelift],
                strategies: vec![StrategyKind::Presets, StrategyKind::Auto],
                objective: Objective::CompileTime,
                budget_evals: None,
                budget_time_s: Some(1.5),
                runs: 5,
                seed: 1,
                jobs: 4,
                run_timeout_s: None,
                compile_timeout_s: None,
            }
        );
        let back: serde_json::Value = serde_json::to_value(&config).unwrap();
        assert_eq!(back, serde_json::from_str::<serde_json::Value>(text).unwrap());
        let bad = text.replace("\"auto\"", "\"annealing\"");
        let e = serde_json::from_str::<LabConfig>(&bad).unwrap_err();
        assert!(e.to_string().contains("unknown strategy `annealing`"), "{e}");
    }

    #[test]
    fn compile_time_leaves_out_the_checks() {
        let m = Measurement {
            program: "p".into(),
            args: "[]".into(),
            backend: BackendKind::Llvm,
            pipeline: "default<O2>".into(),
            strategy: StrategyKind::Presets,
            origin: Origin::Preset,
            eval: 1,
            objective: Objective::CompileTime,
            verdict: Verdict::Ok,
            instcount: Some(7),
            text_bytes: Some(70),
            pass_ms: Some(2.0),
            check_ms: Some(5.0),
            codegen_ms: Some(3.0),
            binary_hash: None,
            runtime_ms: vec![3.0, 1.0, 2.0],
            cpu_ms: Vec::new(),
            confirmation: None,
        };
        assert_eq!(m.compile_ms(), Some(5.0));
        assert_eq!(m.score(Objective::CompileTime), Some(5.0));
        assert_eq!(m.score(Objective::Runtime), Some(2.0));
        assert_eq!(m.score(Objective::Size), Some(70.0));
        assert_eq!(Measurement { codegen_ms: None, ..m }.compile_ms(), None);
    }
}
