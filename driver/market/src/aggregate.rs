//! Privacy-budgeted aggregation of shared signals: the [`SignalPool`].
//!
//! Contributors share, per cell — a feature bucket (a kind of program) and a plan —, the effect
//! the plan had on one of their programs, as a ratio (the metric after over the metric before:
//! 0.93 is 7% better on a lower-is-better metric). Nobody ever reads an individual value back:
//! the pool releases only a cell's noisy count, mean and 95% interval ([`Release`]), each under
//! differential privacy (pure ε-DP, δ = 0).
//!
//! # The model
//!
//! - **Privacy unit: the contributor.** Neighbouring pools differ by one contributor's shares.
//!   A contributor holds at most one value per cell: sharing again replaces the earlier value,
//!   so within one cell a contributor is one row, and adding or removing a contributor changes
//!   each statistic of that cell by at most its sensitivity (below).
//! - **Budget: basic composition, per contributor.** Each contributor has the pool's
//!   [`PoolSettings::epsilon_per_contributor`] in total. A release of a cell at ε spends ε of
//!   *every* contributor whose value is in the cell; the spends add up across releases and
//!   cells (basic composition). The check and the spends are one SQLite transaction: if any
//!   contributor of the cell has less than ε left, nothing is spent and the release is refused
//!   ([`ShareError::Exhausted`]). Spends are stored, cannot be updated or deleted (triggers),
//!   and survive reopening the file. The pool's ε and bounds are stored when the file is
//!   created; opening it with other settings is refused, so a budget cannot be raised by
//!   reopening.
//! - **Clamping.** Every ratio is clamped to the published [`Bounds`] (by default
//!   [`Bounds::DEFAULT`], 0.25..=4.0: at most 4 times better or worse) before anything is
//!   computed, so one contributor moves a cell's sum by a bounded amount whatever they share.
//! - **Three noisy statistics, ε split 15 / 55 / 30 %.** With the centre `c = √(lower·upper)`
//!   (1.0, "no effect", for symmetric bounds such as the default) and `r = max(c − lower,
//!   upper − c)` (3.0 by default), a release draws, with OpenDP:
//!   the count `N` (sensitivity 1), the centred sum `S = Σ (x − c)` (sensitivity `r`) and the
//!   centred sum of squares `Q = Σ (x − c)²` (sensitivity `r²`). Centring at the ratio of no
//!   effect keeps the sum's sensitivity at `r` rather than `upper`, and makes the count's noise
//!   matter little for the mean of plans whose effect is small. The values are put on an
//!   integer grid of 2²⁰ steps per `r` (per `r²` for the squares) after clamping, and OpenDP's
//!   integer transformations (`make_clamp`, `make_sum`, `make_count`) and its discrete Laplace
//!   mechanism (`make_laplace` over `i64`, sampled exactly, without floating-point noise) do the
//!   rest; each mechanism's ε is read back from OpenDP's own privacy map and must not exceed its
//!   share. Mapping each row onto the grid is a function of that row alone, so it keeps the
//!   contributor-level guarantee.
//! - **The interval** is computed from the noisy statistics and the public noise scales only
//!   (post-processing, free of privacy cost). The mean is `c + S̃/Ñ`. Its error is the sampling
//!   error of the sample mean (the contributors are a sample of programs) plus the noise's,
//!   `(Z_S − d·Z_N)/Ñ` exactly, with `d` the centred sample mean and `Z` the Laplace noises.
//!   The sampling part is `t·σ/√n`, with Student's t quantile (Cornish–Fisher), an upper
//!   estimate of σ² (the noisy `Q̃/Ñ − d̃²` plus one standard deviation of its noise, capped at
//!   Popoviciu's `(upper − lower)²/4`) and a lower estimate of `n` (`Ñ` less the count noise's
//!   one-sided 95% quantile). The noise part is the exact 95% quantile of the sum of the two
//!   Laplace terms (their closed-form tail, solved by bisection), with an upper estimate of
//!   `|d|`. The two parts are combined as `√(a² + b²)`, which for a Gaussian plus Laplace noise
//!   is a little wider than the exact quantile of the sum (checked numerically). The interval
//!   is clamped to the bounds. When the noisy count is too small for a meaningful mean (fewer
//!   than [`MIN_COUNT`] contributors after allowing for the count's noise), the interval is the
//!   whole of the bounds.
//!
//! What the interval covers is the mean of the *clamped* ratios of the population the
//! contributors were drawn from; values beyond the bounds are counted at the bounds.
//!
//! # Noise
//!
//! OpenDP is built without its default `use-openssl` feature (which compiles OpenSSL from
//! source): its samplers then draw their random bits from `rand` 0.7's `ThreadRng` (ChaCha20,
//! reseeded from the operating system's generator every 64 KiB) instead of OpenSSL's
//! `RAND_priv_bytes`; OpenDP's documentation calls that fallback not secure (it is not the
//! audited path). The samplers themselves are OpenDP's exact discrete ones either way.

use crate::db::Refusal;
use crate::privacy::{PrivacyBudget, PrivacySpend};
use opendp::core::Measurement;
use opendp::domains::{AtomDomain, VectorDomain};
use opendp::measurements::make_laplace;
use opendp::measures::MaxDivergence;
use opendp::metrics::SymmetricDistance;
use opendp::transformations::{make_clamp, make_count, make_sum};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The version of the pool database's schema this build writes (`PRAGMA user_version`). A
/// database of a newer version is refused.
pub const DATABASE_VERSION: i64 = MIGRATIONS.len() as i64;

/// `PRAGMA application_id` of a signal pool ("OPMS"): a SQLite file of another program is
/// refused rather than read as an empty pool.
const APPLICATION_ID: i64 = 0x4f50_4d53;

/// Schema migrations, in order: migration `i` brings a database from version `i` to `i + 1`.
const MIGRATIONS: [&str; 1] = [
    // 1: the first schema.
    "CREATE TABLE settings (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        epsilon REAL NOT NULL,
        lower REAL NOT NULL,
        upper REAL NOT NULL
    );
    CREATE TABLE shares (
        bucket TEXT NOT NULL,
        plan TEXT NOT NULL,
        contributor TEXT NOT NULL,
        ratio REAL NOT NULL,
        at_ms INTEGER NOT NULL,
        PRIMARY KEY (bucket, plan, contributor)
    );
    CREATE TABLE releases (
        id INTEGER PRIMARY KEY,
        bucket TEXT NOT NULL,
        plan TEXT NOT NULL,
        epsilon REAL NOT NULL,
        count REAL NOT NULL,
        mean REAL NOT NULL,
        low REAL NOT NULL,
        high REAL NOT NULL,
        at_ms INTEGER NOT NULL
    );
    CREATE TABLE spends (
        release INTEGER NOT NULL REFERENCES releases (id),
        contributor TEXT NOT NULL,
        epsilon REAL NOT NULL,
        PRIMARY KEY (release, contributor)
    );
    CREATE INDEX spends_by_contributor ON spends (contributor);
    CREATE TRIGGER spends_never_change BEFORE UPDATE ON spends
        BEGIN SELECT RAISE(ABORT, 'privacy spends are never changed'); END;
    CREATE TRIGGER spends_never_go BEFORE DELETE ON spends
        BEGIN SELECT RAISE(ABORT, 'privacy spends are never deleted'); END;
    CREATE TRIGGER releases_never_change BEFORE UPDATE ON releases
        BEGIN SELECT RAISE(ABORT, 'releases are never changed'); END;
    CREATE TRIGGER releases_never_go BEFORE DELETE ON releases
        BEGIN SELECT RAISE(ABORT, 'releases are never deleted'); END;
    CREATE TRIGGER settings_never_change BEFORE UPDATE ON settings
        BEGIN SELECT RAISE(ABORT, 'a pool''s settings are never changed'); END;",
];

/// What share of a release's ε goes to the noisy count, the noisy sum and (the rest) the noisy
/// sum of squares.
const COUNT_SHARE: f64 = 0.15;
const SUM_SHARE: f64 = 0.55;

/// Grid steps per `r` (the sum's sensitivity) and per `r²` (the squares'): values are
/// integers of at most this magnitude when OpenDP sums them.
const STEPS: i64 = 1 << 20;

/// Below this many contributors (the noisy count less its noise's one-sided 95% quantile),
/// a release's interval is the whole of the bounds.
pub const MIN_COUNT: f64 = 5.0;

/// How far a spend may exceed what remains through rounding of the spends' sum.
const TOLERANCE: f64 = 1e-12;

/// The two-sided normal quantile of a 95% interval.
const Z_975: f64 = 1.959_963_984_540_054;

/// The published clamp bounds of a ratio: every shared ratio counts as `lower` when below it
/// and as `upper` when above it. Both finite, positive, `lower < upper`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Bounds {
    pub lower: f64,
    pub upper: f64,
}

impl Bounds {
    /// 0.25..=4.0: a plan at most four times better or worse than its baseline.
    pub const DEFAULT: Bounds = Bounds { lower: 0.25, upper: 4.0 };

    /// Checked bounds.
    pub fn new(lower: f64, upper: f64) -> Result<Bounds, ShareError> {
        let bounds = Bounds { lower, upper };
        bounds.check()?;
        Ok(bounds)
    }

    /// Whether the bounds are usable: finite, positive, `lower < upper`.
    pub fn check(&self) -> Result<(), ShareError> {
        let Bounds { lower, upper } = *self;
        if lower.is_finite() && upper.is_finite() && lower > 0.0 && lower < upper {
            Ok(())
        } else {
            Err(ShareError::BadBounds { lower, upper })
        }
    }

    /// The value the statistics are centred on: `√(lower·upper)`, the geometric middle (1.0,
    /// no effect, for bounds symmetric in ratio such as the default).
    pub fn centre(&self) -> f64 {
        (self.lower * self.upper).sqrt().clamp(self.lower, self.upper)
    }

    /// How far a clamped value can be from [`Bounds::centre`]: the sum's sensitivity.
    pub fn reach(&self) -> f64 {
        let c = self.centre();
        (c - self.lower).max(self.upper - c)
    }

    fn clamp(&self, x: f64) -> f64 {
        x.clamp(self.lower, self.upper)
    }
}

impl Default for Bounds {
    fn default() -> Bounds {
        Bounds::DEFAULT
    }
}

/// A pool's fixed settings, stored when its file is created.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PoolSettings {
    /// Each contributor's total ε, across every release of every cell they are in.
    pub epsilon_per_contributor: f64,
    pub bounds: Bounds,
}

impl PoolSettings {
    fn check(&self) -> Result<(), ShareError> {
        check_epsilon(self.epsilon_per_contributor)?;
        self.bounds.check()
    }
}

/// One released aggregate of a cell: what anyone may see. It names the cell and nothing of
/// its contributors.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Release {
    /// The feature bucket (the kind of program).
    pub bucket: String,
    /// The plan's id.
    pub plan: String,
    /// How many contributors shared, with noise (a whole number, never below 0).
    pub count: f64,
    /// The mean ratio, with noise, within the pool's bounds.
    pub mean: f64,
    /// The 95% interval of the mean ratio, within the pool's bounds.
    pub low: f64,
    pub high: f64,
    /// The ε this release cost each contributor of the cell.
    pub epsilon: f64,
}

/// What [`noisy_mean`] releases.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// The noisy count (a whole number), never below 0.
    pub count: f64,
    /// The noisy mean of the clamped values, within the bounds.
    pub mean: f64,
    /// The 95% interval, within the bounds.
    pub low: f64,
    pub high: f64,
}

/// Why the pool cannot do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum ShareError {
    /// A contributor of the cell has less budget left than the release costs.
    #[error(
        "privacy budget exhausted: contributor `{contributor}` has ε {remaining} left, the \
         release costs {asked}"
    )]
    Exhausted { contributor: String, remaining: f64, asked: f64 },
    /// A ratio or ε that is not allowed.
    #[error("{what} {value} is not allowed: it must be finite and greater than 0")]
    BadValue { what: &'static str, value: f64 },
    /// Clamp bounds that are not allowed.
    #[error(
        "bounds {lower}..={upper} are not allowed: both must be finite and greater than 0, \
         and lower below upper"
    )]
    BadBounds { lower: f64, upper: f64 },
    /// A contributor, bucket or plan name is empty.
    #[error("the {field} must not be empty")]
    Empty { field: &'static str },
    /// Nobody shared in the cell.
    #[error("nobody shared a value for plan `{plan}` in bucket `{bucket}`")]
    NoShares { bucket: String, plan: String },
    /// The database file cannot be opened or read as SQLite.
    #[error("cannot open the signal pool `{}`: {source}", path.display())]
    Open { path: PathBuf, source: rusqlite::Error },
    /// The directory the database goes in cannot be created.
    #[error("cannot create the signal pool's directory `{}`: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    /// The database was written by a newer opm.
    #[error(
        "the signal pool `{}` has schema version {found}; this opm reads version {known} and older",
        path.display()
    )]
    Newer { path: PathBuf, found: i64, known: i64 },
    /// The file is a SQLite database of something else.
    #[error("`{}` is a SQLite database, but not an opm signal pool", path.display())]
    NotAPool { path: PathBuf },
    /// The pool was created with other settings.
    #[error(
        "the signal pool `{}` was created with ε {stored_epsilon} per contributor and bounds \
         {stored_lower}..={stored_upper}; it cannot be opened with ε {epsilon} and bounds \
         {lower}..={upper}",
        path.display()
    )]
    Settings {
        path: PathBuf,
        stored_epsilon: f64,
        stored_lower: f64,
        stored_upper: f64,
        epsilon: f64,
        lower: f64,
        upper: f64,
    },
    /// A stored value is not what the pool writes.
    #[error("the signal pool's stored {what} is unreadable: {why}")]
    Corrupt { what: &'static str, why: String },
    /// SQLite failed.
    #[error("signal pool database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// OpenDP refused to build or run a mechanism.
    #[error("differential privacy: {0}")]
    Privacy(String),
}

impl From<opendp::error::Error> for ShareError {
    fn from(e: opendp::error::Error) -> ShareError {
        match e.message {
            Some(message) => ShareError::Privacy(format!("{}: {message}", e.variant)),
            None => ShareError::Privacy(e.variant.to_string()),
        }
    }
}

fn check_epsilon(epsilon: f64) -> Result<(), ShareError> {
    if epsilon.is_finite() && epsilon > 0.0 {
        Ok(())
    } else {
        Err(ShareError::BadValue { what: "ε", value: epsilon })
    }
}

fn check_ratio(ratio: f64) -> Result<(), ShareError> {
    if ratio.is_finite() && ratio > 0.0 {
        Ok(())
    } else {
        Err(ShareError::BadValue { what: "ratio", value: ratio })
    }
}

fn check_name(name: &str, field: &'static str) -> Result<(), ShareError> {
    if name.trim().is_empty() { Err(ShareError::Empty { field }) } else { Ok(()) }
}

/// A budget as shown: rounding of the spends' sum removed, never below 0.
fn tidy(epsilon: f64) -> f64 {
    ((epsilon * 1e12).round() / 1e12).max(0.0)
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// An OpenDP measurement over one integer per contributor.
type Mechanism = Measurement<VectorDomain<AtomDomain<i64>>, SymmetricDistance, MaxDivergence, i64>;

/// The noisy count of the rows, at most `epsilon`.
fn count_mechanism(epsilon: f64) -> Result<Mechanism, ShareError> {
    within(epsilon, 1.0, |scale| {
        let count =
            make_count::<i64, i64>(VectorDomain::new(AtomDomain::default()), SymmetricDistance)?;
        let noise = make_laplace::<_, _, MaxDivergence>(
            count.output_domain.clone(),
            count.output_metric.clone(),
            scale,
            None,
        )?;
        count >> noise
    })
}

/// The noisy sum of the rows clamped to `bounds`, at most `epsilon`.
fn sum_mechanism(bounds: (i64, i64), epsilon: f64) -> Result<Mechanism, ShareError> {
    // Without a known size, OpenDP's bounded sum has sensitivity max(|lower|, |upper|).
    let sensitivity = bounds.0.unsigned_abs().max(bounds.1.unsigned_abs()) as f64;
    within(epsilon, sensitivity, |scale| {
        let clamp =
            make_clamp(VectorDomain::new(AtomDomain::<i64>::default()), SymmetricDistance, bounds)?;
        let sum = make_sum(clamp.output_domain.clone(), SymmetricDistance)?;
        let noise = make_laplace::<_, _, MaxDivergence>(
            sum.output_domain.clone(),
            sum.output_metric.clone(),
            scale,
            None,
        )?;
        (clamp >> sum)? >> noise
    })
}

/// Builds a mechanism with Laplace scale `sensitivity / epsilon` (a hair wider) and checks,
/// with OpenDP's privacy map, that one contributor more or less costs at most `epsilon`.
fn within(
    epsilon: f64,
    sensitivity: f64,
    build: impl Fn(f64) -> opendp::error::Fallible<Mechanism>,
) -> Result<Mechanism, ShareError> {
    let scale = sensitivity / epsilon * (1.0 + 1e-9);
    if !scale.is_finite() || scale <= 0.0 {
        return Err(ShareError::Privacy(format!(
            "no usable noise scale for ε {epsilon} at sensitivity {sensitivity}"
        )));
    }
    let mechanism = build(scale)?;
    let cost = mechanism.map(&1)?;
    if cost > epsilon {
        return Err(ShareError::Privacy(format!(
            "OpenDP's privacy map gives ε {cost} for a mechanism meant to cost {epsilon}"
        )));
    }
    Ok(mechanism)
}

/// The differentially private count, mean and 95% interval of `values` (one per
/// contributor), clamped to `bounds`, at a total cost of `epsilon` per contributor (basic
/// composition of the three mechanisms described in the [module](self)). Pure apart from the
/// noise: no budget is checked or spent here ([`SignalPool::release`] does that).
pub fn noisy_mean(values: &[f64], bounds: &Bounds, epsilon: f64) -> Result<Estimate, ShareError> {
    check_epsilon(epsilon)?;
    bounds.check()?;
    for &v in values {
        check_ratio(v)?;
    }
    let centre = bounds.centre();
    let reach = bounds.reach();
    let sum_unit = reach / STEPS as f64;
    let square_unit = reach * reach / STEPS as f64;

    let eps_count = epsilon * COUNT_SHARE;
    let eps_sum = epsilon * SUM_SHARE;
    let eps_squares = epsilon - eps_count - eps_sum;
    let count = count_mechanism(eps_count)?;
    let sum = sum_mechanism((-STEPS, STEPS), eps_sum)?;
    let squares = sum_mechanism((0, STEPS), eps_squares)?;
    let total = count.map(&1)? + sum.map(&1)? + squares.map(&1)?;
    if total > epsilon * (1.0 + 1e-12) {
        return Err(ShareError::Privacy(format!(
            "the release would cost ε {total}, more than the {epsilon} asked"
        )));
    }

    // Each row on the integer grid: a function of that row alone. `as` saturates, and the
    // values are within ±STEPS after clamping anyway.
    let deviations: Vec<f64> = values.iter().map(|&v| bounds.clamp(v) - centre).collect();
    let sum_rows: Vec<i64> = deviations.iter().map(|d| (d / sum_unit).round() as i64).collect();
    let square_rows: Vec<i64> =
        deviations.iter().map(|d| (d * d / square_unit).round() as i64).collect();

    let noisy_count = count.invoke(&sum_rows)? as f64;
    let noisy_sum = sum.invoke(&sum_rows)? as f64 * sum_unit;
    let noisy_squares = squares.invoke(&square_rows)? as f64 * square_unit;

    let scales = Scales {
        count: 1.0 / eps_count,
        sum: reach / eps_sum,
        squares: reach * reach / eps_squares,
    };
    Ok(estimate(noisy_count, noisy_sum, noisy_squares, bounds, &scales))
}

/// The Laplace scales of the three noisy statistics, in the values' units.
struct Scales {
    count: f64,
    sum: f64,
    squares: f64,
}

/// The mean and its interval from the noisy statistics (post-processing only).
fn estimate(count: f64, sum: f64, squares: f64, bounds: &Bounds, scales: &Scales) -> Estimate {
    let Bounds { lower, upper } = *bounds;
    let centre = bounds.centre();
    let reach = bounds.reach();
    let shown_count = count.max(0.0);
    // The count noise's one-sided 95% quantile: P(Z > b ln 10) = 5% for Laplace(b).
    let n_low = count - scales.count * 10f64.ln();
    if n_low < MIN_COUNT {
        let mean = bounds.clamp(centre + sum / count.max(1.0));
        return Estimate { count: shown_count, mean, low: lower, high: upper };
    }
    let n = count;
    let d = (sum / n).clamp(lower - centre, upper - centre);
    let mean = centre + d;

    // Sampling error: an upper estimate of the variance (one standard deviation of its noise
    // above the estimate) over a lower estimate of n.
    let variance_noise_sd = std::f64::consts::SQRT_2 * scales.squares / n;
    let popoviciu = (upper - lower) * (upper - lower) / 4.0;
    let variance = (squares / n - d * d + variance_noise_sd).clamp(0.0, popoviciu);
    let t = t_quantile_975(n_low - 1.0);
    let sampling = t * (variance / n_low).sqrt();

    // Noise: (Z_S − d·Z_N)/Ñ, with an upper estimate of |d|.
    let a = scales.sum / n;
    let d_high = (d.abs() + sampling + a * 20f64.ln()).min(reach);
    let b = d_high * scales.count / n;
    let noise = two_laplace_quantile(a, b, 0.05);

    let half = sampling.hypot(noise);
    Estimate {
        count: shown_count,
        mean,
        low: (mean - half).clamp(lower, upper),
        high: (mean + half).clamp(lower, upper),
    }
}

/// Student's t quantile at 0.975 with `df` degrees of freedom (Cornish–Fisher expansion
/// around the normal quantile; within 0.5% for `df ≥ 4`, exact in the limit).
fn t_quantile_975(df: f64) -> f64 {
    let z = Z_975;
    let df = df.max(1.0);
    let (z3, z5, z7) = (z.powi(3), z.powi(5), z.powi(7));
    z + (z3 + z) / (4.0 * df)
        + (5.0 * z5 + 16.0 * z3 + 3.0 * z) / (96.0 * df * df)
        + (3.0 * z7 + 19.0 * z5 + 17.0 * z3 - 15.0 * z) / (384.0 * df * df * df)
}

/// P(|A + B| > t) for independent A ~ Laplace(a), B ~ Laplace(b).
fn two_laplace_tail(t: f64, a: f64, b: f64) -> f64 {
    let (a, b) = if a >= b { (a, b) } else { (b, a) };
    if a <= 0.0 {
        return if t < 0.0 { 1.0 } else { 0.0 };
    }
    if b <= a * 1e-9 {
        (-t / a).exp()
    } else if (a - b) <= a * 1e-6 {
        let s = (a + b) / 2.0;
        (1.0 + t / (2.0 * s)) * (-t / s).exp()
    } else {
        (a * a * (-t / a).exp() - b * b * (-t / b).exp()) / (a * a - b * b)
    }
}

/// The `t` with P(|A + B| > t) = `alpha` (bisection on the closed-form tail).
fn two_laplace_quantile(a: f64, b: f64, alpha: f64) -> f64 {
    let mut high = (a + b).max(f64::MIN_POSITIVE);
    for _ in 0..200 {
        if two_laplace_tail(high, a, b) <= alpha {
            break;
        }
        high *= 2.0;
    }
    let mut low = 0.0;
    for _ in 0..100 {
        let mid = (low + high) / 2.0;
        if two_laplace_tail(mid, a, b) > alpha {
            low = mid;
        } else {
            high = mid;
        }
    }
    high
}

/// The shared signals and the budgets spent on them, in one SQLite file.
#[derive(Debug)]
pub struct SignalPool {
    conn: Connection,
    path: PathBuf,
    settings: PoolSettings,
}

impl SignalPool {
    /// Opens the pool at `path`, creating the file, its directory and its tables when
    /// needed; a new pool stores `settings`. A pool created with other settings, a database of
    /// a newer schema version, or a SQLite file that is not a pool, is refused.
    pub fn open(path: &Path, settings: PoolSettings) -> Result<SignalPool, ShareError> {
        settings.check()?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|source| ShareError::Io { path: dir.to_path_buf(), source })?;
        }
        let opening = |source| ShareError::Open { path: path.to_path_buf(), source };
        let conn = Connection::open(path).map_err(opening)?;
        conn.busy_timeout(std::time::Duration::from_secs(30)).map_err(opening)?;
        conn.pragma_update(None, "foreign_keys", true).map_err(opening)?;
        let mut pool = SignalPool { conn, path: path.to_path_buf(), settings };
        pool.migrate()?;
        Ok(pool)
    }

    /// The file the pool is stored in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The pool's settings.
    pub fn settings(&self) -> PoolSettings {
        self.settings
    }

    /// Brings the schema to [`DATABASE_VERSION`] and stores or checks the settings, in one
    /// transaction.
    fn migrate(&mut self) -> Result<(), ShareError> {
        let path = self.path.clone();
        let opening = |source| ShareError::Open { path: path.clone(), source };
        let tx =
            self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(opening)?;
        match crate::db::migrate(&tx, APPLICATION_ID, &MIGRATIONS).map_err(opening)? {
            Ok(()) => {}
            Err(Refusal::Newer(found)) => {
                return Err(ShareError::Newer { path, found, known: DATABASE_VERSION });
            }
            Err(Refusal::Foreign) => return Err(ShareError::NotAPool { path }),
        }
        let stored: Option<(f64, f64, f64)> = tx
            .query_row("SELECT epsilon, lower, upper FROM settings WHERE id = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        let PoolSettings { epsilon_per_contributor: epsilon, bounds } = self.settings;
        match stored {
            None => {
                tx.execute(
                    "INSERT INTO settings (id, epsilon, lower, upper) VALUES (1, ?1, ?2, ?3)",
                    params![epsilon, bounds.lower, bounds.upper],
                )?;
            }
            Some((e, l, u)) if e == epsilon && l == bounds.lower && u == bounds.upper => {}
            Some((e, l, u)) => {
                return Err(ShareError::Settings {
                    path,
                    stored_epsilon: e,
                    stored_lower: l,
                    stored_upper: u,
                    epsilon,
                    lower: bounds.lower,
                    upper: bounds.upper,
                });
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Records `contributor`'s `ratio` for `plan` in `bucket`. One value per contributor per
    /// cell: a later share replaces the earlier one. The ratio must be finite and positive;
    /// it is clamped to the bounds only when aggregated. Sharing spends no budget.
    pub fn share(
        &mut self,
        contributor: &str,
        bucket: &str,
        plan: &str,
        ratio: f64,
    ) -> Result<(), ShareError> {
        check_name(contributor, "contributor")?;
        check_name(bucket, "bucket")?;
        check_name(plan, "plan")?;
        check_ratio(ratio)?;
        self.conn.execute(
            "INSERT INTO shares (bucket, plan, contributor, ratio, at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (bucket, plan, contributor)
             DO UPDATE SET ratio = excluded.ratio, at_ms = excluded.at_ms",
            params![bucket, plan, contributor, ratio, now_ms()],
        )?;
        Ok(())
    }

    /// Releases the noisy count, mean and 95% interval of `plan` in `bucket`, spending
    /// `epsilon` of every contributor of the cell. The budget check, the noise and the spends
    /// are one transaction: when any contributor has less than `epsilon` left (the one with
    /// the least is named), nothing is spent and nothing is released.
    pub fn release(
        &mut self,
        bucket: &str,
        plan: &str,
        epsilon: f64,
    ) -> Result<Release, ShareError> {
        check_name(bucket, "bucket")?;
        check_name(plan, "plan")?;
        check_epsilon(epsilon)?;
        let total = self.settings.epsilon_per_contributor;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let rows: Vec<(String, f64, f64)> = {
            let mut query = tx.prepare(
                "SELECT s.contributor, s.ratio,
                        COALESCE((SELECT SUM(p.epsilon) FROM spends p
                                  WHERE p.contributor = s.contributor), 0.0)
                 FROM shares s WHERE s.bucket = ?1 AND s.plan = ?2
                 ORDER BY s.contributor",
            )?;
            query
                .query_map(params![bucket, plan], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<Result<_, _>>()?
        };
        if rows.is_empty() {
            return Err(ShareError::NoShares { bucket: bucket.into(), plan: plan.into() });
        }
        let poorest = rows
            .iter()
            .map(|(who, _, spent)| (who, total - spent))
            .min_by(|x, y| x.1.total_cmp(&y.1).then_with(|| x.0.cmp(y.0)));
        if let Some((who, left)) = poorest
            && left + TOLERANCE < epsilon
        {
            return Err(ShareError::Exhausted {
                contributor: who.clone(),
                remaining: tidy(left),
                asked: epsilon,
            });
        }
        let mut values = Vec::with_capacity(rows.len());
        for (_, ratio, _) in &rows {
            if !(ratio.is_finite() && *ratio > 0.0) {
                return Err(ShareError::Corrupt {
                    what: "ratio",
                    why: format!("{ratio} is not a finite positive ratio"),
                });
            }
            values.push(*ratio);
        }
        let estimate = noisy_mean(&values, &self.settings.bounds, epsilon)?;
        let at = now_ms();
        tx.execute(
            "INSERT INTO releases (bucket, plan, epsilon, count, mean, low, high, at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                bucket,
                plan,
                epsilon,
                estimate.count,
                estimate.mean,
                estimate.low,
                estimate.high,
                at
            ],
        )?;
        let release_id = tx.last_insert_rowid();
        {
            let mut spend = tx.prepare(
                "INSERT INTO spends (release, contributor, epsilon) VALUES (?1, ?2, ?3)",
            )?;
            for (who, _, _) in &rows {
                spend.execute(params![release_id, who, epsilon])?;
            }
        }
        tx.commit()?;
        Ok(Release {
            bucket: bucket.into(),
            plan: plan.into(),
            count: estimate.count,
            mean: estimate.mean,
            low: estimate.low,
            high: estimate.high,
            epsilon,
        })
    }

    /// The ε `contributor` has left (the whole budget for one who never took part in a
    /// release).
    pub fn remaining(&self, contributor: &str) -> Result<f64, ShareError> {
        let spent: f64 = self.conn.query_row(
            "SELECT COALESCE(SUM(epsilon), 0.0) FROM spends WHERE contributor = ?1",
            params![contributor],
            |r| r.get(0),
        )?;
        Ok(tidy(self.settings.epsilon_per_contributor - spent))
    }

    /// `contributor`'s budget with every release that spent from it, oldest first (δ is 0:
    /// the releases are pure ε-DP).
    pub fn budget(&self, contributor: &str) -> Result<PrivacyBudget, ShareError> {
        let mut query = self.conn.prepare(
            "SELECT r.id, r.bucket, r.plan, p.epsilon, r.at_ms
             FROM spends p JOIN releases r ON r.id = p.release
             WHERE p.contributor = ?1 ORDER BY r.id",
        )?;
        let spent = query
            .query_map(params![contributor], |r| {
                let id: i64 = r.get(0)?;
                let bucket: String = r.get(1)?;
                let plan: String = r.get(2)?;
                let at: i64 = r.get(4)?;
                Ok(PrivacySpend {
                    release: format!("{bucket}/{plan}#{id}"),
                    epsilon: r.get(3)?,
                    delta: 0.0,
                    at_ms: u64::try_from(at).unwrap_or(0),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(PrivacyBudget {
            contributor: contributor.into(),
            epsilon: self.settings.epsilon_per_contributor,
            delta: 0.0,
            spent,
        })
    }

    /// The (bucket, plan) cells someone shared in, sorted: names only, no counts.
    pub fn cells(&self) -> Result<Vec<(String, String)>, ShareError> {
        let mut query =
            self.conn.prepare("SELECT DISTINCT bucket, plan FROM shares ORDER BY bucket, plan")?;
        let cells =
            query.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<Result<Vec<_>, _>>()?;
        Ok(cells)
    }
}

/// The feature bucket of a program, from its features by name (`opm_ir::features::NAMES`):
/// `s{size}-l{loops}-c{calls}-m{mix}`, where size is log2(1 + instructions) rounded down to
/// an even number, loops is 1 when any block heads a loop, calls is 1 when calls are at
/// least 5% of the instructions, and mix is the larger share of `i`nteger, `f`loating-point
/// or `m`emory instructions. Coarse on purpose: a bucket says what kind of program it is,
/// never which one.
pub fn bucket(feature: impl Fn(&str) -> Option<f64>) -> String {
    let f = |name: &str| feature(name).filter(|v| v.is_finite()).unwrap_or(0.0);
    let size = ((f("log-instructions").max(0.0) / 2.0).floor() as u32 * 2).min(40);
    let loops = u8::from(f("loop-headers") > 0.0);
    let calls = u8::from(f("call") >= 0.05);
    let int = f("int-arith") + f("int-muldiv") + f("bitwise") + f("shift") + f("icmp");
    let float = f("float-arith") + f("fcmp");
    let memory = f("load") + f("store") + f("gep") + f("alloca");
    let mix = if float >= int && float >= memory {
        'f'
    } else if int >= memory {
        'i'
    } else {
        'm'
    };
    format!("s{size}-l{loops}-c{calls}-m{mix}")
}

/// Whether `text` is a bucket as [`bucket`] writes them (what a registry accepts, so that a
/// share cannot carry a name or any other text).
pub fn is_bucket(text: &str) -> bool {
    let mut parts = text.split('-');
    let mut number = |prefix: char, max: u32| {
        parts.next().and_then(|p| p.strip_prefix(prefix)).and_then(|n| {
            (!n.is_empty() && n.len() <= 2 && n.bytes().all(|b| b.is_ascii_digit()))
                .then(|| n.parse::<u32>().ok())
                .flatten()
                .filter(|v| *v <= max)
        })
    };
    let size = number('s', 40);
    let loops = number('l', 1);
    let calls = number('c', 1);
    let mix = parts.next().map(|m| matches!(m, "mi" | "mf" | "mm"));
    size.is_some_and(|s| s % 2 == 0)
        && loops.is_some()
        && calls.is_some()
        && mix == Some(true)
        && parts.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_laplace_tail_matches_its_limits() {
        // One Laplace: P(|A| > b ln 20) = 5%.
        let q = two_laplace_quantile(1.0, 0.0, 0.05);
        assert!((q - 20f64.ln()).abs() < 1e-9, "{q}");
        // Two equal ones: (1 + t/2) e^{-t} = 0.05 at t ≈ 4.1130.
        let q = two_laplace_quantile(1.0, 1.0, 0.05);
        assert!((q - 4.1130).abs() < 1e-3, "{q}");
        // Nearly equal scales agree with the limit.
        let near = two_laplace_quantile(1.0, 0.999, 0.05);
        let apart = two_laplace_quantile(1.0, 0.99, 0.05);
        assert!(near < q && apart < near, "{apart} {near} {q}");
    }

    #[test]
    fn t_quantile_is_close_to_student() {
        for (df, exact) in [(4.0, 2.776), (10.0, 2.228), (30.0, 2.042), (1e9, 1.960)] {
            let q = t_quantile_975(df);
            assert!((q - exact).abs() / exact < 0.005, "df {df}: {q} against {exact}");
        }
    }

    #[test]
    fn default_bounds_centre_on_no_effect() {
        assert_eq!(Bounds::DEFAULT.centre(), 1.0);
        assert_eq!(Bounds::DEFAULT.reach(), 3.0);
    }
}
