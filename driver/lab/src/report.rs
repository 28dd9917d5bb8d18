//! The lab's report: Markdown and SVG charts.
//!
//! `opm-driver bench report TAG` renders one lab run (a tag) from plain data read out of the
//! lab's database: the best result of each (program, backend, strategy), the baselines of each
//! (program, backend), and each search's best-so-far after every evaluation. [`write_report`]
//! writes four charts and a Markdown summary that links them:
//!
//! - `speedup.svg`: each program's speed-up over the speed reference per backend, with its
//!   95% interval as a whisker; what is not significantly faster is a hollow bar marked
//!   "n.s.", what was never confirmed a pale one;
//! - `size.svg`: the best `.text` size and instruction count over the size reference's;
//! - `pareto.svg`: compile time against run time of every result and baseline, each over its
//!   program's speed reference on the same backend (log axes, so that programs of every size
//!   share the chart), with the points no other point beats in both;
//! - `progress.svg`: each strategy's best-so-far over its final best, against evaluations;
//! - `report.md`: a headline table per backend, a table per program, the timing rules and
//!   warnings (noisy programs, programs too short to time), and the charts.
//!
//! Every ratio is taken against a backend's reference baseline ([`SPEED_REFERENCE`],
//! [`SIZE_REFERENCE`]). A speed-up is the one confirmed when the search ended (the winner
//! timed again against the reference in interleaved pairs: [`Confirmed`]), never the fastest
//! time seen during the search; a winner not significantly faster is not claimed (the
//! reference stays the winner: 1.0 in the headline). Where nothing was confirmed (runs stored
//! before confirmations were, other objectives), the search's own ratio is shown, marked
//! "unconfirmed". Programs, backends and strategies are sorted by name, so the same input
//! always gives the same files; missing values are skipped, never guessed, and a chart with
//! nothing to draw still exists (captioned "no data") so that the links hold.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

use opm_search::Clock;
use plotters::coord::Shift;
use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, ValueFormatter};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// The data of one lab run, as the report needs it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReportInput {
    /// The run's tag.
    pub tag: String,
    /// The objective the searches minimised (`size`, `runtime`, `instcount`, `compile-time`).
    pub objective: String,
    /// The best result of each (program, backend, strategy).
    pub results: Vec<ResultRow>,
    /// The baselines measured for each (program, backend): LLVM's O2/O3/Oz, Cranelift's
    /// none/speed/speed_native, GCC's O2/O3/Os. `strategy` holds the baseline's name here.
    pub baselines: Vec<ResultRow>,
    /// Best-so-far after each evaluation, per (program, backend, strategy).
    pub progress: Vec<ProgressPoint>,
}

/// One measured pipeline: a search's best result, or a baseline.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResultRow {
    /// The program's name.
    pub program: String,
    /// The backend (`llvm`, `cranelift`, `gcc`).
    pub backend: String,
    /// The search strategy, or the baseline's name (`O2`, `speed`, `Os`…) for a baseline.
    pub strategy: String,
    /// The pipeline's text.
    pub pipeline: String,
    /// The canonical IR's instruction count.
    pub instcount: Option<u64>,
    /// The object's `.text` bytes.
    pub text_bytes: Option<u64>,
    /// The median run time, in milliseconds.
    pub runtime_ms: Option<f64>,
    /// The compile time (passes plus code generation), in milliseconds.
    pub compile_ms: Option<f64>,
    /// The clock of `runtime_ms`: CPU time where every run had one, else wall-clock time.
    pub runtime_clock: Option<Clock>,
    /// The noise of the run times: the coefficient of variation of the samples `runtime_ms`
    /// is the median of (standard deviation over mean), with two samples or more.
    pub noise: Option<f64>,
    /// What the pipeline produced (the hash of its IR or object): the same binary runs the
    /// same code.
    pub binary: Option<String>,
    /// For a search's result under the runtime objective: its winner timed again against the
    /// speed reference when the search ended. When the winner did not stand, the row is the
    /// reference's (which stayed the winner) and this says why.
    pub confirmation: Option<Confirmed>,
}

/// What timing a search's run-time winner again against its backend's speed reference
/// ([`SPEED_REFERENCE`]) in interleaved pairs said.
#[derive(Clone, Debug, PartialEq)]
pub struct Confirmed {
    /// The winner that was timed.
    pub winner_pipeline: String,
    pub verdict: ConfirmVerdict,
    /// The reference's time over the winner's (geometric mean over the pairs; above 1: the
    /// winner is faster) and its interval at `confidence`; absent when too short to time.
    pub speedup: Option<f64>,
    pub interval: Option<(f64, f64)>,
    pub confidence: f64,
    /// The winner counts as faster only when the whole interval is above this.
    pub threshold: f64,
    pub pairs: usize,
    /// Runs per sample (a program under the timing floor is repeated within each).
    pub runs_per_sample: u32,
    pub clock: Clock,
}

/// What a confirmation found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConfirmVerdict {
    /// The interval is above the threshold: the speed-up is claimed.
    Faster,
    /// The interval is below the threshold's inverse: the reference stays the winner.
    Slower,
    /// Neither: the difference is not told from the noise; the reference stays the winner.
    NotSignificant,
    /// The program runs too briefly for a measurement to mean anything: nothing is claimed.
    TooShort,
}

impl ConfirmVerdict {
    /// As `report.md` says it.
    pub fn text(self) -> &'static str {
        match self {
            ConfirmVerdict::Faster => "faster",
            ConfirmVerdict::Slower => "slower",
            ConfirmVerdict::NotSignificant => "not significant",
            ConfirmVerdict::TooShort => "too short to time",
        }
    }
}

/// A search's best objective value after a number of evaluations.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProgressPoint {
    /// The program's name.
    pub program: String,
    /// The backend.
    pub backend: String,
    /// The search strategy.
    pub strategy: String,
    /// How many candidates had been evaluated.
    pub eval: u64,
    /// The best objective value so far (lower is better).
    pub best: f64,
}

/// The baseline each backend's run times (and compile times) are compared with: (backend,
/// baseline name).
pub const SPEED_REFERENCE: &[(&str, &str)] =
    &[("llvm", "O2"), ("cranelift", "speed"), ("gcc", "O2")];

/// The baseline each backend's sizes and instruction counts are compared with: (backend,
/// baseline name). Cranelift has no size preset; its `speed` is what it offers.
pub const SIZE_REFERENCE: &[(&str, &str)] =
    &[("llvm", "Oz"), ("cranelift", "speed"), ("gcc", "Os")];

/// The noise above which a program is too noisy for the difference asked of it: a
/// coefficient of variation of its speed reference's run times above 5%, or above the
/// threshold's margin (`threshold - 1`) when that is larger. With 10 interleaved pairs, the
/// 95% interval of a speed-up spans about ± the CV (t₉ · √2 / √10 ≈ 1.01 when both builds
/// are as noisy), so a speed-up smaller than the CV cannot be confirmed; at 5%, most of what
/// separates compiler pipelines is within the noise.
pub const NOISE_LIMIT: f64 = 0.05;

/// A program whose speed reference runs less than this (1 ms, of CPU time where measured) is
/// too short to time: even 20 runs in a row last less than the 20 ms timing floor.
pub const TOO_SHORT_MS: f64 = opm_search::timing::TIMING_FLOOR.as_secs_f64() * 1e3
    / opm_engine::timing::MAX_RUNS_PER_SAMPLE as f64;

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// A file or directory could not be written; the message names the path.
    #[error("cannot write the report: {0}")]
    Io(#[from] std::io::Error),
    /// A chart could not be drawn.
    #[error("cannot draw a chart: {0}")]
    Draw(String),
}

/// The chart files, in the order the report links them.
const CHARTS: [&str; 4] = ["speedup", "size", "pareto", "progress"];

/// The pipeline column's width in `report.md`, in characters.
const PIPELINE_WIDTH: usize = 60;

/// A chart's height; its width grows with the number of program groups.
const HEIGHT: u32 = 600;
const MIN_WIDTH: u32 = 1000;
/// Pixels per program in the bar charts, beyond which the chart grows wider.
const GROUP_PIXELS: u32 = 90;

const FONT: &str = "sans-serif";

/// Simple, distinguishable colours; backends and strategies take them in name order.
const PALETTE: [RGBColor; 8] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
];

/// Writes `speedup.svg`, `size.svg`, `pareto.svg`, `progress.svg` and `report.md` into
/// `out_dir` (created if needed) and returns their paths, in that order.
pub fn write_report(input: &ReportInput, out_dir: &Path) -> Result<Vec<PathBuf>, ReportError> {
    std::fs::create_dir_all(out_dir).map_err(|e| at_path(out_dir, e))?;
    let data = Data::new(input);
    let mut written = Vec::new();
    for name in CHARTS {
        let path = out_dir.join(format!("{name}.svg"));
        let svg = match name {
            "speedup" => speedup_chart(&data)?,
            "size" => size_chart(&data)?,
            "pareto" => pareto_chart(&data)?,
            _ => progress_chart(&data)?,
        };
        write_file(&path, &svg)?;
        written.push(path);
    }
    let path = out_dir.join("report.md");
    write_file(&path, &markdown(&data))?;
    written.push(path);
    Ok(written)
}

fn at_path(path: &Path, e: std::io::Error) -> ReportError {
    ReportError::Io(std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))
}

fn write_file(path: &Path, text: &str) -> Result<(), ReportError> {
    std::fs::write(path, text).map_err(|e| at_path(path, e))
}

fn draw_err(e: impl std::fmt::Display) -> ReportError {
    ReportError::Draw(e.to_string())
}

// ---------------------------------------------------------------------------------------
// Data

/// A measured quantity of a [`ResultRow`].
#[derive(Clone, Copy, Debug, PartialEq)]
enum Metric {
    Instcount,
    Text,
    Runtime,
    Compile,
}

impl Metric {
    /// The metric an objective minimises, if the objective is known.
    fn of_objective(objective: &str) -> Option<Metric> {
        match objective {
            "instcount" => Some(Metric::Instcount),
            "size" => Some(Metric::Text),
            "runtime" => Some(Metric::Runtime),
            "compile-time" | "compile_time" => Some(Metric::Compile),
            _ => None,
        }
    }

    /// The row's value, if measured and a usable number (finite, not negative).
    fn value(self, row: &ResultRow) -> Option<f64> {
        let v = match self {
            Metric::Instcount => row.instcount.map(|v| v as f64),
            Metric::Text => row.text_bytes.map(|v| v as f64),
            Metric::Runtime => row.runtime_ms,
            Metric::Compile => row.compile_ms,
        }?;
        (v.is_finite() && v >= 0.0).then_some(v)
    }

    /// The table of reference baselines this metric is compared with.
    fn reference_table(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Metric::Instcount | Metric::Text => SIZE_REFERENCE,
            Metric::Runtime | Metric::Compile => SPEED_REFERENCE,
        }
    }
}

/// The reference baseline's name for `backend` in `table`.
fn reference_name(table: &[(&'static str, &'static str)], backend: &str) -> Option<&'static str> {
    table.iter().find(|(b, _)| *b == backend).map(|(_, name)| *name)
}

/// `num / den` when both are positive and finite (so that the ratio has a logarithm).
fn ratio(num: Option<f64>, den: Option<f64>) -> Option<f64> {
    let (num, den) = (num?, den?);
    let r = num / den;
    (num > 0.0 && den > 0.0 && r.is_finite() && r > 0.0).then_some(r)
}

/// The geometric mean ([`crate::stats::geomean`]) of the positive finite values, skipping
/// the others; `None` if there are none.
fn geomean(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    let usable: Vec<f64> = values.into_iter().filter(|v| v.is_finite() && *v > 0.0).collect();
    crate::stats::geomean(&usable)
}

/// The smallest of the values, if any.
fn min_of(values: impl IntoIterator<Item = f64>) -> Option<f64> {
    values.into_iter().fold(None, |m, v| Some(m.map_or(v, |m: f64| m.min(v))))
}

/// How a program's speed-up on a backend is known.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Status {
    /// Timed again against the reference in interleaved pairs, with this verdict.
    Confirmed(ConfirmVerdict),
    /// The best result is the reference's own binary: no speed-up, exactly.
    SameBinary,
    /// The search's own ratio (median run times): nothing was confirmed.
    Unconfirmed,
}

/// A program's speed-up over its speed reference on one backend, as the report states it.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Figure {
    /// The speed-up measured (above 1: faster), claimed or not.
    value: Option<f64>,
    interval: Option<(f64, f64)>,
    status: Status,
}

impl Figure {
    fn of(c: &Confirmed) -> Figure {
        Figure { value: c.speedup, interval: c.interval, status: Status::Confirmed(c.verdict) }
    }

    /// The speed-up the headline counts: a confirmed one only when faster (otherwise the
    /// reference stayed the winner: 1.0); an unconfirmed one as measured.
    fn claimed(&self) -> Option<f64> {
        match self.status {
            Status::Confirmed(ConfirmVerdict::Faster) | Status::Unconfirmed => self.value,
            Status::Confirmed(_) | Status::SameBinary => Some(1.0),
        }
    }

    /// `1.234 (1.150–1.310) faster`, `1.009 (0.982–1.037) not significant`, `too short to
    /// time`, `1.000 (same binary)`, `2.000 unconfirmed`.
    fn text(&self) -> String {
        let value = self.value.filter(|v| v.is_finite());
        let interval =
            self.interval.map_or(String::new(), |(lo, hi)| format!(" ({lo:.3}–{hi:.3})"));
        match (self.status, value) {
            (Status::Confirmed(ConfirmVerdict::TooShort), _) | (Status::Confirmed(_), None) => {
                ConfirmVerdict::TooShort.text().into()
            }
            (Status::Confirmed(v), Some(x)) => format!("{x:.3}{interval} {}", v.text()),
            (Status::SameBinary, _) => "1.000 (same binary)".into(),
            (Status::Unconfirmed, Some(x)) => format!("{x:.3} unconfirmed"),
            (Status::Unconfirmed, None) => "-".into(),
        }
    }
}

/// The input indexed by name, in name order.
struct Data<'a> {
    input: &'a ReportInput,
    objective: Option<Metric>,
    /// Every backend of the results and baselines.
    backends: Vec<&'a str>,
    /// Results per (program, backend), each list in strategy order.
    results: BTreeMap<(&'a str, &'a str), Vec<&'a ResultRow>>,
    /// Baselines per (program, backend, name); the first of duplicates.
    baselines: BTreeMap<(&'a str, &'a str, &'a str), &'a ResultRow>,
}

impl<'a> Data<'a> {
    fn new(input: &'a ReportInput) -> Self {
        let mut results: BTreeMap<(&str, &str), Vec<&ResultRow>> = BTreeMap::new();
        for r in &input.results {
            results.entry((&r.program, &r.backend)).or_default().push(r);
        }
        for rows in results.values_mut() {
            rows.sort_by(|a, b| a.strategy.cmp(&b.strategy));
        }
        let mut baselines = BTreeMap::new();
        for b in &input.baselines {
            baselines
                .entry((b.program.as_str(), b.backend.as_str(), b.strategy.as_str()))
                .or_insert(b);
        }
        let backends: BTreeSet<&str> =
            input.results.iter().chain(&input.baselines).map(|r| r.backend.as_str()).collect();
        Data {
            input,
            objective: Metric::of_objective(&input.objective),
            backends: backends.into_iter().collect(),
            results,
            baselines,
        }
    }

    fn colour(&self, backend: &str) -> RGBColor {
        let i = self.backends.iter().position(|b| *b == backend).unwrap_or(0);
        PALETTE[i % PALETTE.len()]
    }

    /// The reference baseline of (program, backend) for `metric`, with its name.
    fn reference(
        &self,
        program: &str,
        backend: &str,
        metric: Metric,
    ) -> Option<(&'static str, &'a ResultRow)> {
        let name = reference_name(metric.reference_table(), backend)?;
        self.baselines.get(&(program, backend, name)).map(|row| (name, *row))
    }

    /// The best value of `metric` over all strategies of (program, backend).
    fn best(&self, program: &str, backend: &str, metric: Metric) -> Option<f64> {
        min_of(self.results.get(&(program, backend))?.iter().filter_map(|r| metric.value(r)))
    }

    /// The reference's `metric` over the best result's (lower is better: a speedup when the
    /// metric is a time).
    fn gain(&self, program: &str, backend: &str, metric: Metric) -> Option<f64> {
        let (_, reference) = self.reference(program, backend, metric)?;
        ratio(metric.value(reference), self.best(program, backend, metric))
    }

    /// The result of (program, backend) whose confirmed speed-up stands for the program: a
    /// confirmed faster one first, then the lowest run time its search measured (so that the
    /// choice is not made on the confirmation's own numbers), then the strategy's name.
    /// `None` when no result was confirmed.
    fn confirmed_row(&self, program: &str, backend: &str) -> Option<&'a ResultRow> {
        let rows = self.results.get(&(program, backend))?;
        let key = |r: &ResultRow| {
            let faster =
                r.confirmation.as_ref().is_some_and(|c| c.verdict == ConfirmVerdict::Faster);
            (!faster, Metric::Runtime.value(r).unwrap_or(f64::INFINITY))
        };
        rows.iter().copied().filter(|r| r.confirmation.is_some()).min_by(|a, b| {
            let (ka, kb) = (key(a), key(b));
            ka.0.cmp(&kb.0).then(ka.1.total_cmp(&kb.1)).then(a.strategy.cmp(&b.strategy))
        })
    }

    /// The program's speed-up on `backend`: the confirmed one when a result was confirmed;
    /// else exactly 1 when the fastest result is the reference's binary; else the reference's
    /// median run time over the fastest result's, unconfirmed.
    fn speedup(&self, program: &str, backend: &str) -> Option<Figure> {
        if let Some(c) = self.confirmed_row(program, backend).and_then(|r| r.confirmation.as_ref())
        {
            return Some(Figure::of(c));
        }
        let (_, reference) = self.reference(program, backend, Metric::Runtime)?;
        let fastest = self.results.get(&(program, backend))?.iter().copied().fold(
            None,
            |best: Option<&ResultRow>, r| match (best, Metric::Runtime.value(r)) {
                (_, None) => best,
                (Some(b), Some(v)) if Metric::Runtime.value(b).is_some_and(|bv| bv <= v) => best,
                _ => Some(r),
            },
        )?;
        if fastest.binary.is_some() && fastest.binary == reference.binary {
            return Some(Figure { value: Some(1.0), interval: None, status: Status::SameBinary });
        }
        let value = self.gain(program, backend, Metric::Runtime)?;
        Some(Figure { value: Some(value), interval: None, status: Status::Unconfirmed })
    }

    /// `row`'s `metric` over the reference's (below 1: better). Run time is the inverse of
    /// the speed-up the report claims for it: confirmed when the row was (1 when its winner
    /// did not stand), 1 for the reference's own binary, else the ratio of median run times.
    fn ratio_to(&self, row: &ResultRow, reference: &ResultRow, metric: Metric) -> Option<f64> {
        if metric == Metric::Runtime {
            if let Some(c) = &row.confirmation {
                return Figure::of(c).claimed().filter(|x| *x > 0.0).map(|x| 1.0 / x);
            }
            if row.binary.is_some() && row.binary == reference.binary {
                return Some(1.0);
            }
        }
        ratio(metric.value(row), metric.value(reference))
    }

    /// The best result's `metric` over the reference's (below 1: better than the reference).
    fn relative(&self, program: &str, backend: &str, metric: Metric) -> Option<f64> {
        let (_, reference) = self.reference(program, backend, metric)?;
        ratio(self.best(program, backend, metric), metric.value(reference))
    }

    /// The result of (program, backend) that is best for the objective: for run time, the
    /// one whose confirmation stands for the program ([`Data::confirmed_row`]) if any;
    /// otherwise the lowest objective value, then the strategy's name; rows without a value
    /// come last.
    fn best_row(&self, program: &str, backend: &str) -> Option<&'a ResultRow> {
        if self.objective == Some(Metric::Runtime)
            && let Some(row) = self.confirmed_row(program, backend)
        {
            return Some(row);
        }
        let rows = self.results.get(&(program, backend))?;
        let key = |r: &ResultRow| self.objective.and_then(|m| m.value(r));
        rows.iter().copied().fold(None, |best: Option<&ResultRow>, r| match best {
            None => Some(r),
            Some(b) => match (key(r), key(b)) {
                (Some(x), Some(y)) if x < y => Some(r),
                (Some(_), None) => Some(r),
                _ => Some(b),
            },
        })
    }

    /// The programs with results on `backend`.
    fn programs_of(&self, backend: &str) -> Vec<&'a str> {
        self.results.keys().filter(|(_, b)| *b == backend).map(|(p, _)| *p).collect()
    }

    /// The strategy of `backend` whose results have the lowest geometric mean of objective
    /// value over the reference's, with that mean. Strategies are ranked by how many programs
    /// they have a ratio for first, so that one that covers only easy programs cannot win.
    fn best_strategy(&self, backend: &str) -> Option<(&'a str, f64)> {
        let metric = self.objective?;
        let mut ratios: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
        for program in self.programs_of(backend) {
            let Some((_, reference)) = self.reference(program, backend, metric) else { continue };
            for r in &self.results[&(program, backend)] {
                if let Some(x) = self.ratio_to(r, reference, metric) {
                    ratios.entry(r.strategy.as_str()).or_default().push(x);
                }
            }
        }
        let mut best: Option<(&str, usize, f64)> = None;
        for (strategy, values) in ratios {
            let Some(g) = geomean(values.iter().copied()) else { continue };
            let better = match best {
                None => true,
                Some((_, n, bg)) => values.len() > n || (values.len() == n && g < bg),
            };
            if better {
                best = Some((strategy, values.len(), g));
            }
        }
        best.map(|(s, _, g)| (s, g))
    }
}

// ---------------------------------------------------------------------------------------
// Charts

/// Draws a chart of `width` × [`HEIGHT`] into a string of SVG.
fn render_svg(
    width: u32,
    draw: impl FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), ReportError>,
) -> Result<String, ReportError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_err)?;
        draw(&root)?;
        root.present().map_err(draw_err)?;
    }
    Ok(svg)
}

/// An empty chart: its title with "(no data)", axes named as they would be, and "no data" in
/// the middle.
fn no_data_chart(title: &str, x_desc: &str, y_desc: &str) -> Result<String, ReportError> {
    render_svg(MIN_WIDTH, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(format!("{title} (no data)"), (FONT, 24))
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(0f64..1f64, 0f64..1f64)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .draw()
            .map_err(draw_err)?;
        let style =
            TextStyle::from((FONT, 32).into_font()).pos(Pos::new(HPos::Center, VPos::Center));
        chart
            .draw_series(std::iter::once(Text::new("no data", (0.5, 0.5), style)))
            .map_err(draw_err)?;
        Ok(())
    })
}

/// An x axis of named groups (programs): group `i` is centred on `i`, from `i - 0.5` to
/// `i + 0.5`, and the labels are the names.
struct GroupAxis {
    names: Vec<String>,
}

impl GroupAxis {
    fn bounds(&self) -> (f64, f64) {
        (-0.5, self.names.len().max(1) as f64 - 0.5)
    }
}

impl Ranged for GroupAxis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let (lo, hi) = self.bounds();
        let t = (value - lo) / (hi - lo);
        limit.0 + (f64::from(limit.1 - limit.0) * t).round() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        let step = self.names.len().div_ceil(hint.max_num_points().max(1)).max(1);
        (0..self.names.len()).step_by(step).map(|i| i as f64).collect()
    }

    fn range(&self) -> Range<f64> {
        let (lo, hi) = self.bounds();
        lo..hi
    }
}

impl ValueFormatter<f64> for GroupAxis {
    fn format_ext(&self, value: &f64) -> String {
        let i = value.round();
        if i < 0.0 || (value - i).abs() > 1e-6 {
            return String::new();
        }
        self.names.get(i as usize).cloned().unwrap_or_default()
    }
}

/// How a bar is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Look {
    /// Solid: a measured value (a confirmed speed-up).
    Filled,
    /// A light fill: a second metric of the same backend, or a figure never confirmed.
    Pale,
    /// White inside a coloured border: measured, but not claimed.
    Hollow,
}

impl Look {
    fn fill(self, colour: RGBColor) -> ShapeStyle {
        match self {
            Look::Filled => colour.filled(),
            Look::Pale => colour.mix(0.35).filled(),
            Look::Hollow => WHITE.filled(),
        }
    }
}

/// The colour of the interval whiskers (and of nothing else).
const WHISKER: RGBColor = RGBColor(40, 40, 40);

/// A neutral colour for legend entries that are about every backend.
const NEUTRAL: RGBColor = RGBColor(127, 127, 127);

/// One bar: its height, the interval its whisker spans, how it is drawn, and a word above it.
#[derive(Clone, Debug, PartialEq)]
struct Bar {
    value: f64,
    interval: Option<(f64, f64)>,
    look: Look,
    mark: Option<&'static str>,
}

impl Bar {
    fn plain(value: f64, look: Look) -> Bar {
        Bar { value, interval: None, look, mark: None }
    }

    /// The highest point it reaches, whisker included.
    fn top(&self) -> f64 {
        self.interval.map_or(self.value, |(_, hi)| hi.max(self.value))
    }
}

/// One series of a bar chart: its legend label, its colour, the look of its legend entry, and
/// a bar per group (programs, in axis order).
struct BarSeries {
    label: String,
    colour: RGBColor,
    look: Look,
    values: Vec<Option<Bar>>,
}

/// A legend entry that is no series: what a look or a whisker means.
enum Key {
    Look(Look, String),
    Whisker(String),
}

/// A grouped bar chart over `groups`, with a dashed reference line at 1, whiskers where a bar
/// has an interval, a word above a bar that has one, and `keys` in the legend.
fn bar_chart(
    title: &str,
    y_desc: &str,
    line_label: &str,
    groups: Vec<String>,
    series: &[BarSeries],
    keys: &[Key],
) -> Result<String, ReportError> {
    let n = groups.len();
    let groups_width = u32::try_from(n).unwrap_or(u32::MAX).saturating_mul(GROUP_PIXELS);
    let width = MIN_WIDTH.max(groups_width.saturating_add(160));
    let highest = series
        .iter()
        .flat_map(|s| s.values.iter().flatten().map(Bar::top))
        .filter(|v| v.is_finite())
        .fold(1.0f64, f64::max);
    // Room above the bars for the legend (a row per series, key and the line at 1), so that
    // it hides none of them.
    let rows = series.len() + keys.len() + 1;
    let legend_share = (rows as f64 * 19.0 + 30.0) / f64::from(HEIGHT - 130);
    let top = highest * 1.05 / (1.0 - legend_share.min(0.6));
    let slots = series.len().max(1) as f64;
    let bar = 0.8 / slots;
    let axis = GroupAxis { names: groups };
    let (lo, hi) = axis.bounds();
    render_svg(width, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 24))
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(axis, 0f64..top)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .y_max_light_lines(4)
            .x_labels(n)
            .x_desc("program")
            .y_desc(y_desc)
            .label_style((FONT, 14))
            .draw()
            .map_err(draw_err)?;
        // Each bar's left edge, in group coordinates.
        let placed = |k: usize| {
            series[k].values.iter().enumerate().filter_map(move |(i, v)| {
                let x0 = i as f64 - 0.4 + k as f64 * bar;
                v.as_ref().map(|v| (x0, v))
            })
        };
        for (k, s) in series.iter().enumerate() {
            let colour = s.colour;
            let legend_style = s.look.fill(colour);
            chart
                .draw_series(placed(k).map(|(x0, b)| {
                    Rectangle::new([(x0, 0.0), (x0 + bar * 0.9, b.value)], b.look.fill(colour))
                }))
                .map_err(draw_err)?
                .label(s.label.as_str())
                .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], legend_style));
            chart
                .draw_series(placed(k).map(|(x0, b)| {
                    let width = if b.look == Look::Hollow { 2 } else { 1 };
                    Rectangle::new(
                        [(x0, 0.0), (x0 + bar * 0.9, b.value)],
                        colour.stroke_width(width),
                    )
                }))
                .map_err(draw_err)?;
        }
        // Whiskers over the bars: one path each, the interval with a cap at both ends.
        let whisker = WHISKER.stroke_width(2);
        for k in 0..series.len() {
            chart
                .draw_series(placed(k).filter_map(|(x0, b)| {
                    let (low, high) = b.interval?;
                    let (mid, cap) = (x0 + bar * 0.45, bar * 0.2);
                    let path = vec![
                        (mid - cap, low),
                        (mid + cap, low),
                        (mid, low),
                        (mid, high),
                        (mid - cap, high),
                        (mid + cap, high),
                    ];
                    Some(PathElement::new(path, whisker))
                }))
                .map_err(draw_err)?;
        }
        let mark_style =
            TextStyle::from((FONT, 12).into_font()).pos(Pos::new(HPos::Center, VPos::Bottom));
        for k in 0..series.len() {
            chart
                .draw_series(placed(k).filter_map(|(x0, b)| {
                    let mark = b.mark?;
                    Some(
                        EmptyElement::at((x0 + bar * 0.45, b.top()))
                            + Text::new(mark, (0, -4), mark_style.clone()),
                    )
                }))
                .map_err(draw_err)?;
        }
        chart
            .draw_series(DashedLineSeries::new([(lo, 1.0), (hi, 1.0)], 8, 5, BLACK.stroke_width(1)))
            .map_err(draw_err)?
            .label(line_label)
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], BLACK));
        for key in keys {
            let none = std::iter::empty::<Rectangle<(f64, f64)>>();
            match key {
                Key::Look(look, label) => {
                    let style = match look {
                        Look::Hollow => NEUTRAL.stroke_width(2),
                        _ => look.fill(NEUTRAL),
                    };
                    chart
                        .draw_series(none)
                        .map_err(draw_err)?
                        .label(label.as_str())
                        .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], style));
                }
                Key::Whisker(label) => {
                    chart.draw_series(none).map_err(draw_err)?.label(label.as_str()).legend(
                        move |(x, y)| {
                            let path = vec![
                                (x + 3, y - 6),
                                (x + 11, y - 6),
                                (x + 7, y - 6),
                                (x + 7, y + 6),
                                (x + 3, y + 6),
                                (x + 11, y + 6),
                            ];
                            PathElement::new(path, whisker)
                        },
                    );
                }
            }
        }
        legend(&mut chart, SeriesLabelPosition::UpperRight)
    })
}

/// Draws the chart's legend (its series' labels) at `position`.
fn legend<'a, DB: DrawingBackend + 'a, X: Ranged, Y: Ranged>(
    chart: &mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    position: SeriesLabelPosition,
) -> Result<(), ReportError>
where
    DB::ErrorType: 'static,
{
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font((FONT, 14))
        .draw()
        .map_err(draw_err)
}

/// The reference names of `table` as "LLVM O2, Cranelift speed, GCC O2".
fn reference_caption(table: &[(&str, &str)]) -> String {
    let names: Vec<String> = table.iter().map(|(b, n)| format!("{b} {n}")).collect();
    names.join(", ")
}

/// A program's speed-up as a bar: solid when confirmed faster (or the reference's own
/// binary), hollow and marked when measured but not claimed, pale when never confirmed.
fn speedup_bar(f: &Figure) -> Option<Bar> {
    let too_short =
        || Bar { value: 0.0, interval: None, look: Look::Hollow, mark: Some("too short") };
    Some(match (f.status, f.value.filter(|v| v.is_finite())) {
        (Status::Confirmed(ConfirmVerdict::TooShort), _) | (Status::Confirmed(_), None) => {
            too_short()
        }
        (Status::Confirmed(ConfirmVerdict::Faster), Some(x)) => {
            Bar { value: x, interval: f.interval, look: Look::Filled, mark: None }
        }
        (Status::Confirmed(v), Some(x)) => Bar {
            value: x,
            interval: f.interval,
            look: Look::Hollow,
            mark: Some(if v == ConfirmVerdict::Slower { "slower" } else { "n.s." }),
        },
        (Status::SameBinary, _) => Bar::plain(1.0, Look::Filled),
        (Status::Unconfirmed, x) => Bar::plain(x?, Look::Pale),
    })
}

fn speedup_chart(data: &Data) -> Result<String, ReportError> {
    let title = "Speed-up over O2 (confirmed in interleaved pairs; whiskers: 95% interval)";
    let y_desc = "reference run time / result's run time";
    let mut bars: BTreeMap<(&str, &str), Bar> = BTreeMap::new();
    for &(program, backend) in data.results.keys() {
        if let Some(bar) = data.speedup(program, backend).as_ref().and_then(speedup_bar) {
            bars.insert((program, backend), bar);
        }
    }
    if bars.is_empty() {
        return no_data_chart(title, "program", y_desc);
    }
    let programs: BTreeSet<&str> = bars.keys().map(|(p, _)| *p).collect();
    let backends: BTreeSet<&str> = bars.keys().map(|(_, b)| *b).collect();
    let series: Vec<BarSeries> = backends
        .iter()
        .map(|&backend| BarSeries {
            label: backend.to_string(),
            colour: data.colour(backend),
            look: Look::Filled,
            values: programs.iter().map(|&p| bars.get(&(p, backend)).cloned()).collect(),
        })
        .collect();
    // Keys for what the bars show, those only.
    let has = |look: Look| bars.values().any(|b| b.look == look);
    let mut keys = Vec::new();
    if has(Look::Hollow) {
        keys.push(Key::Look(
            Look::Hollow,
            "hollow: not claimed (n.s.: not significant; slower; too short)".into(),
        ));
    }
    if has(Look::Pale) {
        keys.push(Key::Look(Look::Pale, "pale: unconfirmed (the search's own ratio)".into()));
    }
    if bars.values().any(|b| b.interval.is_some()) {
        keys.push(Key::Whisker("95% interval".into()));
    }
    let line = format!("reference = 1 ({})", reference_caption(SPEED_REFERENCE));
    bar_chart(
        title,
        y_desc,
        &line,
        programs.iter().map(|p| p.to_string()).collect(),
        &series,
        &keys,
    )
}

fn size_chart(data: &Data) -> Result<String, ReportError> {
    let title = "Size against Oz (best of all strategies)";
    let y_desc = "best / reference";
    let mut text: BTreeMap<(&str, &str), f64> = BTreeMap::new();
    let mut inst: BTreeMap<(&str, &str), f64> = BTreeMap::new();
    for &(program, backend) in data.results.keys() {
        if let Some(r) = data.relative(program, backend, Metric::Text) {
            text.insert((program, backend), r);
        }
        if let Some(r) = data.relative(program, backend, Metric::Instcount) {
            inst.insert((program, backend), r);
        }
    }
    if text.is_empty() && inst.is_empty() {
        return no_data_chart(title, "program", y_desc);
    }
    let programs: BTreeSet<&str> = text.keys().chain(inst.keys()).map(|(p, _)| *p).collect();
    let backends: BTreeSet<&str> = text.keys().chain(inst.keys()).map(|(_, b)| *b).collect();
    let mut series = Vec::new();
    for &backend in &backends {
        for (label, map, look) in [(".text", &text, Look::Filled), ("instcount", &inst, Look::Pale)]
        {
            if !map.keys().any(|(_, b)| *b == backend) {
                continue;
            }
            series.push(BarSeries {
                label: format!("{backend} {label}"),
                colour: data.colour(backend),
                look,
                values: programs
                    .iter()
                    .map(|&p| map.get(&(p, backend)).map(|v| Bar::plain(*v, look)))
                    .collect(),
            });
        }
    }
    let line = format!("reference = 1 ({})", reference_caption(SIZE_REFERENCE));
    bar_chart(title, y_desc, &line, programs.iter().map(|p| p.to_string()).collect(), &series, &[])
}

/// A point of the Pareto chart: compile time and run time, each over the program's speed
/// reference's on the same backend.
struct Measured<'a> {
    compile: f64,
    runtime: f64,
    row: &'a ResultRow,
    baseline: bool,
}

/// The points no other point beats in both coordinates, by increasing compile time (of equal
/// points, the first).
fn pareto_front<'p, 'a>(points: &'p [Measured<'a>]) -> Vec<&'p Measured<'a>> {
    let mut sorted: Vec<&Measured> = points.iter().collect();
    sorted.sort_by(|a, b| a.compile.total_cmp(&b.compile).then(a.runtime.total_cmp(&b.runtime)));
    let mut front: Vec<&Measured> = Vec::new();
    for p in sorted {
        if front.last().is_none_or(|last| p.runtime < last.runtime) {
            front.push(p);
        }
    }
    front
}

/// A log axis from `lo` to `hi` (both positive), widened by a tenth of a decade's worth
/// either side, and further up by `room` (the share of the height kept free at the top).
fn log_range(lo: f64, hi: f64, room: f64) -> (f64, f64) {
    let (lo, hi) = (lo / 1.15, hi * 1.15);
    let span = (hi / lo).ln();
    (lo, hi * (span * room / (1.0 - room)).exp())
}

/// Tick marks for a log axis from `lo` to `hi`: round ratios (1, 2, 5 × 10ⁿ, or finer when
/// the range is narrow), 1 always among them when within the range.
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    const SERIES: [&[f64]; 3] = [
        &[1.0, 2.0, 5.0],
        &[1.0, 1.5, 2.0, 3.0, 5.0, 7.0],
        &[1.0, 1.1, 1.2, 1.3, 1.5, 1.7, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0],
    ];
    let (first, last) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let mut ticks = Vec::new();
    for mantissas in SERIES {
        ticks = (first..=last)
            .flat_map(|e| mantissas.iter().map(move |m| m * 10f64.powi(e)))
            .filter(|v| (lo..=hi).contains(v))
            .collect();
        if ticks.len() >= 4 {
            break;
        }
    }
    ticks
}

/// A ratio as a tick's label: `0.5`, `1`, `1.25`.
fn tick_label(v: f64) -> String {
    let text = format!("{v:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The points of the Pareto chart: every result and baseline with both times, each over its
/// program's speed reference on its backend (the reference's pipeline left out: it is
/// (1, 1)), in a fixed order whatever the input's.
fn pareto_points<'a>(data: &Data<'a>) -> Vec<Measured<'a>> {
    let mut points: Vec<Measured> = Vec::new();
    for (rows, baseline) in [(&data.input.results, false), (&data.input.baselines, true)] {
        for row in rows {
            let Some((name, reference)) =
                data.reference(&row.program, &row.backend, Metric::Runtime)
            else {
                continue;
            };
            // The reference itself is (1, 1) for every program: drawn once, by the chart. So
            // is a search's result that is the reference's pipeline (its winner did not
            // stand), whose times differ from the reference's by noise alone.
            if (baseline && row.strategy == name) || row.pipeline == reference.pipeline {
                continue;
            }
            let compile = ratio(Metric::Compile.value(row), Metric::Compile.value(reference));
            let runtime = data.ratio_to(row, reference, Metric::Runtime);
            if let (Some(compile), Some(runtime)) = (compile, runtime) {
                points.push(Measured { compile, runtime, row, baseline });
            }
        }
    }
    // Same order whatever the input's: the front's ties and the drawing order are fixed.
    points.sort_by(|a, b| {
        (&a.row.backend, &a.row.program, a.baseline, &a.row.strategy)
            .cmp(&(&b.row.backend, &b.row.program, b.baseline, &b.row.strategy))
            .then(a.compile.total_cmp(&b.compile))
            .then(a.runtime.total_cmp(&b.runtime))
    });
    points
}

fn pareto_chart(data: &Data) -> Result<String, ReportError> {
    let title = "Compile time against run time, each over its program's reference (log axes)";
    let (x_desc, y_desc) =
        ("compile time / reference's compile time", "run time / reference's run time");
    let points = pareto_points(data);
    if points.is_empty() {
        return no_data_chart(title, x_desc, y_desc);
    }
    let origin = ResultRow::default();
    let reference = Measured { compile: 1.0, runtime: 1.0, row: &origin, baseline: true };
    let everything: Vec<Measured> = points
        .iter()
        .map(|p| Measured { ..*p })
        .chain(std::iter::once(Measured { ..reference }))
        .collect();
    let front = pareto_front(&everything);
    let backends: BTreeSet<&str> = points.iter().map(|p| p.row.backend.as_str()).collect();
    let extent = |get: fn(&Measured) -> f64| {
        everything
            .iter()
            .map(get)
            .fold((f64::INFINITY, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)))
    };
    let (x_lo, x_hi) = extent(|p| p.compile);
    let (y_lo, y_hi) = extent(|p| p.runtime);
    let (x_lo, x_hi) = log_range(x_lo, x_hi, 0.0);
    // Room at the top for the legend: two rows per backend, the reference and the front.
    let rows = backends.len() * 2 + 2;
    let room = ((rows as f64 * 19.0 + 30.0) / f64::from(HEIGHT - 130)).min(0.6);
    let (y_lo, y_hi) = log_range(y_lo, y_hi, room);
    render_svg(MIN_WIDTH, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 24))
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(
                (x_lo..x_hi).log_scale().with_key_points(log_ticks(x_lo, x_hi)),
                (y_lo..y_hi).log_scale().with_key_points(log_ticks(y_lo, y_hi)),
            )
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .x_label_formatter(&|v| tick_label(*v))
            .y_label_formatter(&|v| tick_label(*v))
            .label_style((FONT, 14))
            .draw()
            .map_err(draw_err)?;
        let dashed = BLACK.mix(0.5).stroke_width(1);
        chart
            .draw_series(DashedLineSeries::new([(x_lo, 1.0), (x_hi, 1.0)], 6, 4, dashed))
            .map_err(draw_err)?;
        chart
            .draw_series(DashedLineSeries::new([(1.0, y_lo), (1.0, y_hi)], 6, 4, dashed))
            .map_err(draw_err)?;
        for &backend in &backends {
            let colour = data.colour(backend);
            let of = |baseline: bool| {
                points
                    .iter()
                    .filter(move |p| p.row.backend == backend && p.baseline == baseline)
                    .map(|p| (p.compile, p.runtime))
            };
            if of(false).next().is_some() {
                chart
                    .draw_series(of(false).map(|c| Circle::new(c, 4, colour.filled())))
                    .map_err(draw_err)?
                    .label(format!("{backend} results"))
                    .legend(move |c| Circle::new(c, 4, colour.filled()));
            }
            if of(true).next().is_some() {
                chart
                    .draw_series(of(true).map(|c| TriangleMarker::new(c, 6, colour.filled())))
                    .map_err(draw_err)?
                    .label(format!("{backend} baselines"))
                    .legend(move |c| TriangleMarker::new(c, 6, colour.filled()));
            }
        }
        chart
            .draw_series(std::iter::once(Cross::new((1.0, 1.0), 7, BLACK.stroke_width(2))))
            .map_err(draw_err)?
            .label(format!("reference = (1, 1) ({})", reference_caption(SPEED_REFERENCE)))
            .legend(|c| Cross::new(c, 6, BLACK.stroke_width(2)));
        let front_style = BLACK.stroke_width(2);
        chart
            .draw_series(LineSeries::new(front.iter().map(|p| (p.compile, p.runtime)), front_style))
            .map_err(draw_err)?
            .label("Pareto front")
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], front_style));
        chart
            .draw_series(
                front.iter().map(|p| Circle::new((p.compile, p.runtime), 8, BLACK.stroke_width(2))),
            )
            .map_err(draw_err)?;
        legend(&mut chart, SeriesLabelPosition::UpperRight)
    })
}

/// (evaluation count, value) pairs in evaluation order.
type Steps = Vec<(u64, f64)>;

/// Each strategy's curve: at every evaluation count where one of its searches has a point,
/// the geometric mean over its (program, backend) pairs of best-so-far over that pair's final
/// best. A pair counts from its first point on, its last value carried forward.
fn progress_curves(progress: &[ProgressPoint]) -> BTreeMap<&str, Vec<(u64, f64)>> {
    let mut searches: BTreeMap<(&str, &str, &str), Steps> = BTreeMap::new();
    for p in progress {
        if p.best.is_finite() && p.best > 0.0 {
            searches
                .entry((&p.strategy, &p.program, &p.backend))
                .or_default()
                .push((p.eval, p.best));
        }
    }
    // Per strategy, the pairs' ratio steps.
    let mut by_strategy: BTreeMap<&str, Vec<Vec<(u64, f64)>>> = BTreeMap::new();
    for ((strategy, _, _), mut points) in searches {
        points.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
        // Several points at one evaluation count: the last (lowest) holds.
        let mut steps: Vec<(u64, f64)> = Vec::new();
        for (eval, best) in points {
            match steps.last_mut() {
                Some(last) if last.0 == eval => last.1 = best,
                _ => steps.push((eval, best)),
            }
        }
        let Some(&(_, last)) = steps.last() else { continue };
        by_strategy
            .entry(strategy)
            .or_default()
            .push(steps.into_iter().map(|(e, b)| (e, b / last)).collect());
    }
    let mut curves = BTreeMap::new();
    for (strategy, pairs) in by_strategy {
        let evals: BTreeSet<u64> = pairs.iter().flat_map(|s| s.iter().map(|(e, _)| *e)).collect();
        let mut cursor = vec![0usize; pairs.len()];
        let mut curve = Vec::new();
        for eval in evals {
            let mut current = Vec::new();
            for (steps, at) in pairs.iter().zip(cursor.iter_mut()) {
                while *at + 1 < steps.len() && steps[*at + 1].0 <= eval {
                    *at += 1;
                }
                if steps[*at].0 <= eval {
                    current.push(steps[*at].1);
                }
            }
            if let Some(g) = geomean(current) {
                curve.push((eval, g));
            }
        }
        curves.insert(strategy, curve);
    }
    curves
}

fn progress_chart(data: &Data) -> Result<String, ReportError> {
    let title = "Best so far against evaluations (geomean over programs and backends)";
    let (x_desc, y_desc) = ("evaluations", "best so far / final best");
    let curves = progress_curves(&data.input.progress);
    let curves: Vec<(&str, Vec<(u64, f64)>)> =
        curves.into_iter().filter(|(_, c)| !c.is_empty()).collect();
    if curves.is_empty() {
        return no_data_chart(title, x_desc, y_desc);
    }
    let all = || curves.iter().flat_map(|(_, c)| c.iter());
    let x_max = all().map(|(e, _)| *e).max().unwrap_or(0) as f64;
    let x_top = if x_max > 0.0 { x_max * 1.02 } else { 1.0 };
    let y_lo = all().map(|(_, v)| *v).fold(1.0f64, f64::min);
    let y_hi = all().map(|(_, v)| *v).fold(1.0f64, f64::max);
    let pad = ((y_hi - y_lo) * 0.05).max(0.05);
    let (y_bottom, y_top) = ((y_lo - pad).max(0.0), y_hi + pad);
    render_svg(MIN_WIDTH, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 24))
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(0f64..x_top, y_bottom..y_top)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .label_style((FONT, 14))
            .draw()
            .map_err(draw_err)?;
        for (i, (strategy, curve)) in curves.iter().enumerate() {
            let style = PALETTE[i % PALETTE.len()].stroke_width(2);
            // A step line: each value holds until the next evaluation count.
            let mut line: Vec<(f64, f64)> = Vec::new();
            for &(eval, value) in curve {
                if let Some(&(_, previous)) = line.last() {
                    line.push((eval as f64, previous));
                }
                line.push((eval as f64, value));
            }
            chart
                .draw_series(LineSeries::new(line, style))
                .map_err(draw_err)?
                .label(*strategy)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], style));
        }
        legend(&mut chart, SeriesLabelPosition::UpperRight)
    })
}

// ---------------------------------------------------------------------------------------
// Markdown

/// A table cell: no line breaks, no column separators.
fn cell(text: &str) -> String {
    text.replace(['\n', '\r'], " ").replace('|', "\\|")
}

/// The pipeline as a code span of at most [`PIPELINE_WIDTH`] characters.
fn pipeline_cell(text: &str) -> String {
    if text.trim().is_empty() {
        return "-".into();
    }
    let short = if text.chars().count() <= PIPELINE_WIDTH {
        text.to_string()
    } else {
        let head: String = text.chars().take(PIPELINE_WIDTH - 1).collect();
        format!("{head}…")
    };
    if short.contains('`') { cell(&short) } else { format!("`{}`", cell(&short)) }
}

fn fmt_opt(v: Option<f64>, decimals: usize) -> String {
    match v {
        Some(v) if v.is_finite() => format!("{v:.decimals$}"),
        _ => "-".into(),
    }
}

fn fmt_count(v: Option<u64>) -> String {
    v.map_or_else(|| "-".into(), |v| v.to_string())
}

/// "CPU time" or "wall-clock time", as a clock's run times are called.
fn clock_text(clock: Option<Clock>) -> &'static str {
    match clock {
        Some(Clock::Cpu) => "CPU time",
        Some(Clock::Wall) => "wall-clock time",
        None => "run time",
    }
}

/// The clocks of the rows' run times: `(any CPU, any wall)`.
fn clocks(data: &Data) -> (bool, bool) {
    let rows = data.input.results.iter().chain(&data.input.baselines);
    let measured: Vec<Option<Clock>> =
        rows.filter(|r| r.runtime_ms.is_some()).map(|r| r.runtime_clock).collect();
    (measured.contains(&Some(Clock::Cpu)), measured.contains(&Some(Clock::Wall)))
}

/// What `bench` warns about the run's timing, per (program, backend) in name order: a
/// program too short to time (its speed reference runs under [`TOO_SHORT_MS`], or a
/// confirmation found it so), and a program too noisy for the difference asked of it (its
/// speed reference's run times vary by more than [`NOISE_LIMIT`], or than the threshold's
/// margin when that is larger).
pub fn timing_warnings(input: &ReportInput) -> Vec<String> {
    let data = Data::new(input);
    let mut out = Vec::new();
    let floor = opm_search::timing::TIMING_FLOOR.as_millis();
    let most = opm_engine::timing::MAX_RUNS_PER_SAMPLE;
    for (&(program, backend), rows) in &data.results {
        let confirmations = || rows.iter().filter_map(|r| r.confirmation.as_ref());
        let threshold = confirmations().map(|c| c.threshold).next().unwrap_or(1.0);
        let limit = NOISE_LIMIT.max(threshold - 1.0);
        let short = confirmations().any(|c| c.verdict == ConfirmVerdict::TooShort);
        let reference = data.reference(program, backend, Metric::Runtime);
        let ms = reference.and_then(|(_, r)| Metric::Runtime.value(r));
        let what = format!("{program} · {backend}");
        match (reference, ms) {
            (Some((name, r)), Some(ms)) if ms < TOO_SHORT_MS => out.push(format!(
                "{what}: too short to time: {name} runs {ms:.2} ms of {} (under \
                 {TOO_SHORT_MS} ms: even {most} runs in a row last less than the {floor} ms \
                 timing floor); no speed-up is claimed for it — give it a larger input",
                clock_text(r.runtime_clock)
            )),
            _ if short => out.push(format!(
                "{what}: too short to time when its winner was timed against the reference; \
                 no speed-up is claimed for it — give it a larger input"
            )),
            _ => {}
        }
        if let Some((name, r)) = reference
            && let Some(cv) = r.noise.filter(|cv| *cv > limit)
        {
            out.push(format!(
                "{what}: noisy: {name}'s run times vary by {:.1}% ({}, coefficient of \
                 variation), above the {:.0}% limit: speed-ups under about {:.0}% cannot be \
                 told from the noise — time it on a quieter machine, or give it a larger input",
                cv * 100.0,
                clock_text(r.runtime_clock),
                limit * 100.0,
                cv * 100.0
            ));
        }
    }
    out
}

fn markdown(data: &Data) -> String {
    let input = data.input;
    let mut md = String::new();
    let _ = writeln!(md, "# Lab report: {}\n", input.tag);
    let _ = writeln!(md, "Objective: `{}` (lower is better).\n", input.objective);
    if data.objective.is_none() {
        let _ =
            writeln!(md, "The objective is not one the report knows: strategies are not ranked.\n");
    }
    let _ = writeln!(
        md,
        "Reference baselines: for speed {}; for size {}. Each program's value is the best over \
         all strategies; the columns give geometric means over programs.\n",
        reference_caption(SPEED_REFERENCE),
        reference_caption(SIZE_REFERENCE)
    );
    let (cpu, wall) = clocks(data);
    let mixed = cpu && wall;
    let clock_note = match (cpu, wall) {
        (true, false) => "Run times: CPU time (user and system) of each run.\n",
        (false, true) => "Run times: wall-clock time of each run (no CPU time was stored).\n",
        (true, true) => {
            "Run times: CPU time (user and system) of each run where every run of a \
             measurement has one, else wall-clock time (marked w).\n"
        }
        (false, false) => "",
    };
    if !clock_note.is_empty() {
        let _ = writeln!(md, "{clock_note}");
    }

    md.push_str("## Headline\n\n");
    if data.backends.is_empty() {
        md.push_str("No results.\n\n");
    } else {
        md.push_str(
            "| backend | programs | speedup vs O2 | speed-up verdicts | .text vs Oz | instcount vs Oz | best strategy |\n\
             |---|---:|---:|---|---:|---:|---|\n",
        );
        for &backend in &data.backends {
            let programs = data.programs_of(backend);
            let mean =
                |f: &dyn Fn(&str) -> Option<f64>| geomean(programs.iter().filter_map(|p| f(p)));
            let figures: Vec<Figure> =
                programs.iter().filter_map(|p| data.speedup(p, backend)).collect();
            let speedup = geomean(figures.iter().filter_map(Figure::claimed));
            let text = mean(&|p| data.relative(p, backend, Metric::Text));
            let inst = mean(&|p| data.relative(p, backend, Metric::Instcount));
            let best = data
                .best_strategy(backend)
                .map_or_else(|| "-".into(), |(s, g)| format!("{} ({g:.3})", cell(s)));
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {} |",
                cell(backend),
                programs.len(),
                fmt_opt(speedup, 3),
                verdict_counts(&figures),
                fmt_opt(text, 3),
                fmt_opt(inst, 3),
                best
            );
        }
        md.push_str(
            "\nSpeedup: the geometric mean over programs of each program's speed-up, the \
             reference's run time over the result's (above 1: faster). A speed-up is the one \
             confirmed when the search ended: its winner timed again against the reference in \
             interleaved pairs, the geometric mean of the pairs' ratios with its 95% interval, \
             claimed only when the whole interval is above the threshold. A winner not \
             significantly faster (or slower, or too short to time) is not claimed: the \
             reference stays the winner, and the headline counts 1.0 for that program. \
             Figures marked unconfirmed (runs stored before confirmations were, or another \
             objective) are the ratio of the search's median run times, the fastest of noisy \
             candidates: they overstate. Size and instcount: the best over the reference's \
             (below 1: smaller). Best strategy: the lowest geometric mean of objective over \
             reference (for run time, of the claimed speed-ups' inverses), among the \
             strategies with the most programs.\n\n",
        );
    }

    md.push_str("## Per program\n\n");
    if data.results.is_empty() {
        md.push_str("No results.\n\n");
    } else {
        let runtime_header = match (cpu, wall) {
            (true, false) => "run time ms (CPU)",
            (false, true) => "run time ms (wall)",
            (true, true) => "run time ms (CPU; w: wall)",
            (false, false) => "run time ms",
        };
        let _ = writeln!(
            md,
            "| program | backend | best strategy | pipeline | instcount | .text | {runtime_header} | compile ms | vs reference | speed-up (95% interval) | noise (CV of O2) |\n\
             |---|---|---|---|---:|---:|---:|---:|---:|---|---:|"
        );
        for &(program, backend) in data.results.keys() {
            let Some(row) = data.best_row(program, backend) else { continue };
            let vs = data
                .objective
                .and_then(|m| {
                    let (name, reference) = data.reference(program, backend, m)?;
                    data.ratio_to(row, reference, m).map(|r| format!("{r:.3} ({})", cell(name)))
                })
                .unwrap_or_else(|| "-".into());
            let mut runtime = fmt_opt(row.runtime_ms.filter(|v| v.is_finite()), 2);
            if mixed && row.runtime_ms.is_some() && row.runtime_clock != Some(Clock::Cpu) {
                runtime.push_str(" w");
            }
            let speedup = data.speedup(program, backend).map_or_else(|| "-".into(), |f| f.text());
            let noise = data
                .reference(program, backend, Metric::Runtime)
                .and_then(|(_, r)| r.noise)
                .map_or_else(|| "-".into(), |cv| format!("{:.1}%", cv * 100.0));
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                cell(program),
                cell(backend),
                cell(&row.strategy),
                pipeline_cell(&row.pipeline),
                fmt_count(row.instcount),
                fmt_count(row.text_bytes),
                runtime,
                fmt_opt(row.compile_ms.filter(|v| v.is_finite()), 1),
                vs,
                speedup,
                noise
            );
        }
        let not_kept: Vec<String> = data
            .results
            .values()
            .flatten()
            .filter_map(|r| {
                let c = r.confirmation.as_ref()?;
                (c.verdict != ConfirmVerdict::Faster && c.winner_pipeline != r.pipeline).then(
                    || {
                        let was = match c.verdict {
                            ConfirmVerdict::Slower => "slower than",
                            ConfirmVerdict::TooShort => "too short to time against",
                            _ => "not significantly faster than",
                        };
                        format!(
                            "- {} · {} · {}: {} was {was} {}, which stayed the winner.\n",
                            cell(&r.program),
                            cell(&r.backend),
                            cell(&r.strategy),
                            pipeline_cell(&c.winner_pipeline),
                            pipeline_cell(&r.pipeline)
                        )
                    },
                )
            })
            .collect();
        if !not_kept.is_empty() {
            md.push_str("\nWinners not kept (timed again, they were not faster):\n\n");
            not_kept.iter().for_each(|line| md.push_str(line));
        }
        md.push('\n');
    }

    md.push_str("## Timing\n\n");
    let _ = writeln!(
        md,
        "Noise: the coefficient of variation (standard deviation over mean) of the reference's \
         run times. A program is too noisy for the difference asked of it when it is above \
         {:.0}% (or above the threshold's margin, when larger): with 10 interleaved pairs the \
         95% interval of a speed-up spans about ± the noise, so a smaller speed-up cannot be \
         confirmed. A program is too short to time when its reference runs under \
         {TOO_SHORT_MS} ms (even {} runs in a row last less than the {} ms timing floor): no \
         speed-up is claimed for it. A run under the floor is repeated within each timed \
         measurement until the measurement lasts it.\n",
        NOISE_LIMIT * 100.0,
        opm_engine::timing::MAX_RUNS_PER_SAMPLE,
        opm_search::timing::TIMING_FLOOR.as_millis()
    );
    let confirmed: BTreeSet<(usize, &str)> = data
        .input
        .results
        .iter()
        .filter_map(|r| r.confirmation.as_ref())
        .map(|c| (c.pairs, clock_text(Some(c.clock))))
        .collect();
    if !confirmed.is_empty() {
        let how: Vec<String> = confirmed
            .iter()
            .map(|(pairs, clock)| format!("{pairs} interleaved pairs on {clock}"))
            .collect();
        let _ = writeln!(md, "Winners were confirmed in {}.\n", how.join("; "));
    }
    let warnings = timing_warnings(input);
    if warnings.is_empty() {
        md.push_str("No timing warnings.\n\n");
    } else {
        for w in &warnings {
            let _ = writeln!(md, "- warning: {}", cell(w));
        }
        md.push('\n');
    }

    md.push_str("## Charts\n\n");
    for name in CHARTS {
        let _ = writeln!(md, "![{name}]({name}.svg)\n");
    }
    md
}

/// How many programs' speed-ups are of each kind: `1 faster, 2 not significant`.
fn verdict_counts(figures: &[Figure]) -> String {
    let kinds = [
        ("faster", Status::Confirmed(ConfirmVerdict::Faster)),
        ("not significant", Status::Confirmed(ConfirmVerdict::NotSignificant)),
        ("slower", Status::Confirmed(ConfirmVerdict::Slower)),
        ("too short to time", Status::Confirmed(ConfirmVerdict::TooShort)),
        ("same binary", Status::SameBinary),
        ("unconfirmed", Status::Unconfirmed),
    ];
    let parts: Vec<String> = kinds
        .iter()
        .filter_map(|(name, status)| {
            let n = figures.iter().filter(|f| f.status == *status).count();
            (n > 0).then(|| format!("{n} {name}"))
        })
        .collect();
    if parts.is_empty() { "-".into() } else { parts.join(", ") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        program: &str,
        backend: &str,
        strategy: &str,
        inst: u64,
        text: u64,
        run: f64,
        compile: f64,
    ) -> ResultRow {
        ResultRow {
            program: program.into(),
            backend: backend.into(),
            strategy: strategy.into(),
            pipeline: format!("{strategy}-pipeline"),
            instcount: Some(inst),
            text_bytes: Some(text),
            runtime_ms: Some(run),
            compile_ms: Some(compile),
            ..Default::default()
        }
    }

    fn point(program: &str, backend: &str, strategy: &str, eval: u64, best: f64) -> ProgressPoint {
        ProgressPoint {
            program: program.into(),
            backend: backend.into(),
            strategy: strategy.into(),
            eval,
            best,
        }
    }

    /// 2 programs × 2 backends × 2 strategies. On LLVM the best run times give speedups of
    /// 2 (alpha) and 8 (beta) over O2: a geometric mean of 4.
    fn sample() -> ReportInput {
        let mut results = Vec::new();
        let mut baselines = Vec::new();
        for (program, o2, oz_text, oz_inst) in
            [("alpha", 100.0, 1000, 400), ("beta", 80.0, 2000, 800)]
        {
            let (greedy, random) = if program == "alpha" { (50.0, 60.0) } else { (20.0, 10.0) };
            results.push(row(program, "llvm", "greedy", oz_inst / 2, oz_text / 2, greedy, 30.0));
            results.push(row(program, "llvm", "random", oz_inst, oz_text * 2, random, 40.0));
            results.push(row(program, "cranelift", "greedy", 500, 1500, 90.0, 5.0));
            results.push(row(program, "cranelift", "random", 520, 1400, 95.0, 6.0));
            baselines.push(row(program, "llvm", "O2", oz_inst * 2, oz_text * 2, o2, 20.0));
            baselines.push(row(program, "llvm", "Oz", oz_inst, oz_text, o2 * 1.5, 15.0));
            baselines.push(row(program, "cranelift", "speed", 600, 1600, 100.0, 4.0));
        }
        let mut progress = Vec::new();
        for backend in ["llvm", "cranelift"] {
            for program in ["alpha", "beta"] {
                progress.push(point(program, backend, "greedy", 1, 200.0));
                progress.push(point(program, backend, "greedy", 5, 120.0));
                progress.push(point(program, backend, "greedy", 10, 100.0));
                progress.push(point(program, backend, "random", 2, 150.0));
                progress.push(point(program, backend, "random", 8, 100.0));
            }
        }
        ReportInput {
            tag: "nightly".into(),
            objective: "runtime".into(),
            results,
            baselines,
            progress,
        }
    }

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap()
    }

    /// Whether the SVG has a text that says exactly `text` (a mark above a bar).
    fn has_text(svg: &str, text: &str) -> bool {
        svg.lines().any(|l| l.trim() == text)
    }

    fn confirmed(
        winner: &str,
        verdict: ConfirmVerdict,
        speedup: f64,
        interval: (f64, f64),
    ) -> Confirmed {
        Confirmed {
            winner_pipeline: winner.into(),
            verdict,
            speedup: Some(speedup),
            interval: Some(interval),
            confidence: 0.95,
            threshold: 1.0,
            pairs: 10,
            runs_per_sample: 1,
            clock: Clock::Cpu,
        }
    }

    /// [`sample`] as today's lab stores it: CPU times, 1% noise, and LLVM's winners confirmed.
    /// On alpha, greedy's winner is 2× faster (1.8–2.2) and random's 1.5× (1.3–1.7); on beta,
    /// neither search's winner is significantly faster (1.009, 0.98–1.04), so both searches
    /// delivered O2's own build. Cranelift's figures were never confirmed.
    fn confirmed_sample() -> ReportInput {
        let mut input = sample();
        for r in input.results.iter_mut().chain(input.baselines.iter_mut()) {
            r.runtime_clock = Some(Clock::Cpu);
        }
        for b in &mut input.baselines {
            b.noise = Some(0.01);
        }
        let o2 = |program: &str| {
            input.baselines.iter().find(|b| b.program == program && b.strategy == "O2").cloned()
        };
        let beta_o2 = o2("beta").unwrap();
        for r in input.results.iter_mut().filter(|r| r.backend == "llvm") {
            let winner = r.pipeline.clone();
            let (verdict, x, interval) = match (r.program.as_str(), r.strategy.as_str()) {
                ("alpha", "greedy") => (ConfirmVerdict::Faster, 2.0, (1.8, 2.2)),
                ("alpha", _) => (ConfirmVerdict::Faster, 1.5, (1.3, 1.7)),
                _ => {
                    *r = ResultRow { strategy: r.strategy.clone(), ..beta_o2.clone() };
                    (ConfirmVerdict::NotSignificant, 1.009, (0.98, 1.04))
                }
            };
            r.confirmation = Some(confirmed(&winner, verdict, x, interval));
        }
        input
    }

    #[test]
    fn renders_all_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("report");
        let written = write_report(&sample(), &out).unwrap();
        let names: Vec<String> =
            written.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(names, ["speedup.svg", "size.svg", "pareto.svg", "progress.svg", "report.md"]);
        for path in &written {
            assert!(path.is_file(), "{} missing", path.display());
        }
        let labels: [(&str, &[&str]); 4] = [
            ("speedup.svg", &["llvm", "cranelift", "alpha", "beta", "reference = 1"]),
            (
                "size.svg",
                &["llvm .text", "llvm instcount", "cranelift .text", "cranelift instcount"],
            ),
            (
                "pareto.svg",
                &["llvm results", "llvm baselines", "cranelift results", "Pareto front"],
            ),
            ("progress.svg", &["greedy", "random", "evaluations"]),
        ];
        for (file, expected) in labels {
            let svg = read(&out.join(file));
            assert!(svg.trim_start().starts_with("<svg"), "{file} is not SVG");
            assert!(!svg.contains("no data"), "{file} has no data");
            for label in expected {
                assert!(svg.contains(label), "{file} lacks {label}");
            }
        }
    }

    #[test]
    fn headline_geomeans() {
        let dir = tempfile::tempdir().unwrap();
        write_report(&sample(), dir.path()).unwrap();
        let md = read(&dir.path().join("report.md"));
        assert!(md.starts_with("# Lab report: nightly"));
        assert!(md.contains("`runtime`"));
        // Speedups 100/50 = 2 and 80/10 = 8: geomean 4. Best .text 500/1000 and 1000/2000,
        // best instcount 200/400 and 400/800: 0.5. greedy's run times over O2 are 0.5 and
        // 0.25, random's 0.6 and 0.125: geomeans 0.354 and 0.274, so random wins.
        // Nothing was confirmed: every speed-up is marked so.
        assert!(
            md.contains("| llvm | 2 | 4.000 | 2 unconfirmed | 0.500 | 0.500 | random (0.274) |"),
            "{md}"
        );
        // Cranelift: speedup 100/90 on both; size against `speed`: 1400/1600, 500/600.
        assert!(
            md.contains(
                "| cranelift | 2 | 1.111 | 2 unconfirmed | 0.875 | 0.833 | greedy (0.900) |"
            ),
            "{md}"
        );
        assert!(md.contains("| alpha | llvm | greedy | `greedy-pipeline` | 200 | 500 | 50.00 | 30.0 | 0.500 (O2) | 2.000 unconfirmed | - |"), "{md}");
        assert!(md.contains("| beta | llvm | random | `random-pipeline` | 800 | 4000 | 10.00 | 40.0 | 0.125 (O2) | 8.000 unconfirmed | - |"), "{md}");
        assert!(md.contains("No timing warnings."), "{md}");
        for chart in CHARTS {
            assert!(md.contains(&format!("![{chart}]({chart}.svg)")));
        }
    }

    #[test]
    fn deterministic() {
        let dir = tempfile::tempdir().unwrap();
        let mut input = sample();
        let first: Vec<String> =
            write_report(&input, dir.path()).unwrap().iter().map(|p| read(p)).collect();
        input.results.reverse();
        input.baselines.reverse();
        input.progress.reverse();
        let second: Vec<String> =
            write_report(&input, dir.path()).unwrap().iter().map(|p| read(p)).collect();
        assert_eq!(first, second);
    }

    #[test]
    fn empty_input() {
        let dir = tempfile::tempdir().unwrap();
        let written = write_report(&ReportInput::default(), dir.path()).unwrap();
        assert_eq!(written.len(), 5);
        for path in &written[..4] {
            let svg = read(path);
            assert!(svg.trim_start().starts_with("<svg"));
            assert!(svg.contains("no data"));
        }
        let md = read(&written[4]);
        assert!(md.contains("![pareto](pareto.svg)"));
    }

    #[test]
    fn missing_values() {
        let mut input = sample();
        for r in input.results.iter_mut().chain(input.baselines.iter_mut()) {
            r.runtime_ms = None;
            r.compile_ms = Some(f64::NAN);
        }
        input.progress.push(point("alpha", "gcc", "evolve", 3, f64::INFINITY));
        input.progress.push(point("alpha", "gcc", "evolve", 4, 0.0));
        let dir = tempfile::tempdir().unwrap();
        let written = write_report(&input, dir.path()).unwrap();
        assert!(read(&written[0]).contains("no data"));
        assert!(!read(&written[1]).contains("no data"));
        assert!(read(&written[2]).contains("no data"));
        let md = read(&written[4]);
        assert!(md.contains("| llvm | 2 | - | - | 0.500 | 0.500 | - |"), "{md}");
    }

    #[test]
    fn a_winner_not_significantly_faster_counts_one_and_a_faster_one_its_ratio() {
        let dir = tempfile::tempdir().unwrap();
        write_report(&confirmed_sample(), dir.path()).unwrap();
        let md = read(&dir.path().join("report.md"));
        // alpha 2.0 (confirmed faster; greedy's, the faster search), beta 1.0 (not
        // significant: O2 stayed the winner), not beta's 1.009: √2.
        assert!(md.contains("| llvm | 2 | 1.414 | 1 faster, 1 not significant |"), "{md}");
        // Never confirmed: the search's own ratio, said so.
        assert!(md.contains("| cranelift | 2 | 1.111 | 2 unconfirmed |"), "{md}");
        assert!(md.contains("| alpha | llvm | greedy | `greedy-pipeline` | 200 | 500 | 50.00 | 30.0 | 0.500 (O2) | 2.000 (1.800–2.200) faster | 1.0% |"), "{md}");
        assert!(md.contains("| beta | llvm | greedy | `O2-pipeline` | 1600 | 4000 | 80.00 | 20.0 | 1.000 (O2) | 1.009 (0.980–1.040) not significant | 1.0% |"), "{md}");
        assert!(md.contains("- beta · llvm · random: `random-pipeline` was not significantly faster than `O2-pipeline`, which stayed the winner."), "{md}");
        // The rule is stated, and the clock named.
        assert!(md.contains("the headline counts 1.0 for that program"), "{md}");
        assert!(md.contains("Winners were confirmed in 10 interleaved pairs on CPU time."));
        assert!(md.contains("run time ms (CPU)") && md.contains("Run times: CPU time"), "{md}");
    }

    #[test]
    fn slower_and_too_short_winners_are_not_claimed_either() {
        let mut input = confirmed_sample();
        for r in input.results.iter_mut().filter(|r| r.backend == "llvm" && r.program == "alpha") {
            let c = r.confirmation.as_mut().unwrap();
            if r.strategy == "greedy" {
                (c.verdict, c.speedup, c.interval) =
                    (ConfirmVerdict::Slower, Some(0.9), Some((0.85, 0.95)));
            } else {
                (c.verdict, c.speedup, c.interval) = (ConfirmVerdict::TooShort, None, None);
            }
        }
        let dir = tempfile::tempdir().unwrap();
        write_report(&input, dir.path()).unwrap();
        let md = read(&dir.path().join("report.md"));
        assert!(md.contains("| llvm | 2 | 1.000 | 1 not significant, 1 slower |"), "{md}");
        assert!(md.contains("| 0.900 (0.850–0.950) slower |"), "{md}");
        let svg = read(&dir.path().join("speedup.svg"));
        assert!(has_text(&svg, "slower") && has_text(&svg, "n.s."), "{svg}");
        // Only random's search was too short: said, since a figure of it would mean nothing.
        let warnings = timing_warnings(&input);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].starts_with("alpha · llvm: too short to time when"), "{warnings:?}");
    }

    #[test]
    fn the_speedup_chart_shows_intervals_and_marks_what_is_not_claimed() {
        let dir = tempfile::tempdir().unwrap();
        write_report(&confirmed_sample(), dir.path()).unwrap();
        let svg = read(&dir.path().join("speedup.svg"));
        // A whisker (one path in the whiskers' colour) per confirmed LLVM program, and one in
        // the legend; Cranelift's unconfirmed bars have none.
        let whiskers = |svg: &str| svg.matches("stroke=\"#282828\"").count();
        assert_eq!(whiskers(&svg), 3, "{svg}");
        assert!(has_text(&svg, "n.s."), "{svg}");
        for label in ["95% interval", "hollow: not claimed", "pale: unconfirmed"] {
            assert!(svg.contains(label), "speedup.svg lacks {label}");
        }
        // Nothing confirmed: no whisker, nothing marked not significant.
        write_report(&sample(), dir.path()).unwrap();
        let svg = read(&dir.path().join("speedup.svg"));
        assert_eq!(whiskers(&svg), 0);
        assert!(!svg.contains("n.s.") && !svg.contains("hollow") && svg.contains("pale"));
    }

    #[test]
    fn noisy_and_too_short_programs_are_warned_about() {
        let mut input = confirmed_sample();
        // alpha's O2 on LLVM varies by 8%; beta's runs 0.4 ms.
        for b in input.baselines.iter_mut().filter(|b| b.backend == "llvm" && b.strategy == "O2") {
            if b.program == "alpha" {
                b.noise = Some(0.08);
            } else {
                b.runtime_ms = Some(0.4);
            }
        }
        let warnings = timing_warnings(&input);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(
            warnings[0].starts_with(
                "alpha · llvm: noisy: O2's run times vary by 8.0% (CPU time, coefficient of \
                 variation), above the 5% limit"
            ),
            "{warnings:?}"
        );
        assert!(
            warnings[1].starts_with("beta · llvm: too short to time: O2 runs 0.40 ms of CPU time"),
            "{warnings:?}"
        );
        let dir = tempfile::tempdir().unwrap();
        write_report(&input, dir.path()).unwrap();
        let md = read(&dir.path().join("report.md"));
        assert!(md.contains("- warning: alpha · llvm: noisy"), "{md}");
        assert!(md.contains("| 2.000 (1.800–2.200) faster | 8.0% |"), "{md}");
        // Asked only for speed-ups above 10%, 8% of noise is not too much.
        for c in input.results.iter_mut().filter_map(|r| r.confirmation.as_mut()) {
            c.threshold = 1.1;
        }
        let warnings = timing_warnings(&input);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].starts_with("beta · llvm: too short"), "{warnings:?}");
    }

    #[test]
    fn the_pareto_chart_puts_every_program_relative_to_its_reference() {
        // Two programs a thousand times apart, their Oz compiling in half O2's time and
        // running 1.5 times as long, their best result compiling 3 times as long as O2 and
        // running half as long.
        let mut input =
            ReportInput { tag: "t".into(), objective: "runtime".into(), ..Default::default() };
        for (program, scale) in [("tiny", 1.0), ("huge", 1000.0)] {
            input.results.push(row(program, "llvm", "greedy", 1, 1, 0.5 * scale, 3.0 * scale));
            input.baselines.push(row(program, "llvm", "O2", 1, 1, scale, scale));
            input.baselines.push(row(program, "llvm", "Oz", 1, 1, 1.5 * scale, 0.5 * scale));
            // A search that delivered O2 itself (measured again, a little off): the reference.
            let o2_again = row(program, "llvm", "O2", 1, 1, 1.02 * scale, 1.3 * scale);
            input.results.push(ResultRow { strategy: "random".into(), ..o2_again });
        }
        let data = Data::new(&input);
        let points: Vec<(&str, &str, f64, f64)> = pareto_points(&data)
            .iter()
            .map(|p| (p.row.program.as_str(), p.row.strategy.as_str(), p.compile, p.runtime))
            .collect();
        assert_eq!(
            points,
            [
                ("huge", "greedy", 3.0, 0.5),
                ("huge", "Oz", 0.5, 1.5),
                ("tiny", "greedy", 3.0, 0.5),
                ("tiny", "Oz", 0.5, 1.5)
            ]
        );
        let dir = tempfile::tempdir().unwrap();
        write_report(&input, dir.path()).unwrap();
        let svg = read(&dir.path().join("pareto.svg"));
        // No label per point to overlap: the legend says what each mark is.
        assert!(!svg.contains("tiny") && !svg.contains("huge"), "{svg}");
        for label in ["llvm results", "llvm baselines", "reference = (1, 1)", "Pareto front"] {
            assert!(svg.contains(label), "pareto.svg lacks {label}");
        }
    }

    #[test]
    fn progress_is_carried_forward() {
        let points = [
            point("a", "llvm", "s", 1, 4.0),
            point("a", "llvm", "s", 3, 1.0),
            point("b", "llvm", "s", 2, 9.0),
            point("b", "llvm", "s", 4, 1.0),
        ];
        let curves = progress_curves(&points);
        let curve = &curves["s"];
        let evals: Vec<u64> = curve.iter().map(|(e, _)| *e).collect();
        assert_eq!(evals, [1, 2, 3, 4]);
        let expect = [4.0, 6.0, 3.0, 1.0]; // 4; √(4·9); √(1·9); 1
        for ((_, got), want) in curve.iter().zip(expect) {
            assert!((got - want).abs() < 1e-9, "{curve:?}");
        }
    }

    #[test]
    fn front_keeps_undominated_points() {
        let r = ResultRow::default();
        let m = |compile, runtime| Measured { compile, runtime, row: &r, baseline: false };
        let points = [m(1.0, 10.0), m(2.0, 5.0), m(3.0, 7.0), m(4.0, 2.0), m(2.0, 6.0)];
        let front: Vec<(f64, f64)> =
            pareto_front(&points).iter().map(|p| (p.compile, p.runtime)).collect();
        assert_eq!(front, [(1.0, 10.0), (2.0, 5.0), (4.0, 2.0)]);
    }
}
