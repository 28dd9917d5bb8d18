//! The lab's report: Markdown and SVG charts.
//!
//! `opm-driver bench report TAG` renders one lab run (a tag) from plain data read out of the
//! lab's database: the best result of each (program, backend, strategy), the baselines of each
//! (program, backend), and each search's best-so-far after every evaluation. [`write_report`]
//! writes four charts and a Markdown summary that links them:
//!
//! - `speedup.svg`: the speed reference's run time over the best run time, per program and
//!   backend (above 1: the search found faster code);
//! - `size.svg`: the best `.text` size and instruction count over the size reference's;
//! - `pareto.svg`: compile time against run time of every result and baseline, with the
//!   points no other point beats in both;
//! - `progress.svg`: each strategy's best-so-far over its final best, against evaluations;
//! - `report.md`: a headline table per backend, a table per program, and the charts.
//!
//! Every ratio is taken against a backend's reference baseline ([`SPEED_REFERENCE`],
//! [`SIZE_REFERENCE`]). Programs, backends and strategies are sorted by name, so the same
//! input always gives the same files; missing values are skipped, never guessed, and a chart
//! with nothing to draw still exists (captioned "no data") so that the links hold.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

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

    /// The best result's `metric` over the reference's (below 1: better than the reference).
    fn relative(&self, program: &str, backend: &str, metric: Metric) -> Option<f64> {
        let (_, reference) = self.reference(program, backend, metric)?;
        ratio(self.best(program, backend, metric), metric.value(reference))
    }

    /// The result of (program, backend) that is best for the objective: the lowest objective
    /// value, then the strategy's name; rows without a value come last.
    fn best_row(&self, program: &str, backend: &str) -> Option<&'a ResultRow> {
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
                if let Some(x) = ratio(metric.value(r), metric.value(reference)) {
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

/// One series of a bar chart: its legend label, its colour, whether bars are filled, and a
/// value per group (programs, in axis order).
struct BarSeries {
    label: String,
    colour: RGBColor,
    filled: bool,
    values: Vec<Option<f64>>,
}

/// A grouped bar chart over `groups`, with a dashed reference line at 1.
fn bar_chart(
    title: &str,
    y_desc: &str,
    line_label: &str,
    groups: Vec<String>,
    series: &[BarSeries],
) -> Result<String, ReportError> {
    let n = groups.len();
    let groups_width = u32::try_from(n).unwrap_or(u32::MAX).saturating_mul(GROUP_PIXELS);
    let width = MIN_WIDTH.max(groups_width.saturating_add(160));
    let highest =
        series.iter().flat_map(|s| s.values.iter().flatten().copied()).fold(1.0f64, f64::max);
    // Room above the bars for the legend (a row per series and the line at 1), so that it
    // hides none of them.
    let legend_share = ((series.len() + 1) as f64 * 19.0 + 30.0) / f64::from(HEIGHT - 130);
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
        for (k, s) in series.iter().enumerate() {
            let style = if s.filled { s.colour.filled() } else { s.colour.mix(0.35).filled() };
            let border = s.colour.stroke_width(1);
            let bars = s.values.iter().enumerate().filter_map(|(i, v)| {
                let x0 = i as f64 - 0.4 + k as f64 * bar;
                v.map(|v| [(x0, 0.0), (x0 + bar * 0.9, v)])
            });
            let bars: Vec<_> = bars.collect();
            chart
                .draw_series(bars.iter().map(|c| Rectangle::new(*c, style)))
                .map_err(draw_err)?
                .label(s.label.as_str())
                .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], style));
            chart.draw_series(bars.iter().map(|c| Rectangle::new(*c, border))).map_err(draw_err)?;
        }
        chart
            .draw_series(DashedLineSeries::new([(lo, 1.0), (hi, 1.0)], 8, 5, BLACK.stroke_width(1)))
            .map_err(draw_err)?
            .label(line_label)
            .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], BLACK));
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

fn speedup_chart(data: &Data) -> Result<String, ReportError> {
    let title = "Speedup over O2 (best of all strategies)";
    let y_desc = "reference run time / best run time";
    let mut values: BTreeMap<(&str, &str), f64> = BTreeMap::new();
    for &(program, backend) in data.results.keys() {
        if let Some(s) = data.gain(program, backend, Metric::Runtime) {
            values.insert((program, backend), s);
        }
    }
    if values.is_empty() {
        return no_data_chart(title, "program", y_desc);
    }
    let programs: BTreeSet<&str> = values.keys().map(|(p, _)| *p).collect();
    let backends: BTreeSet<&str> = values.keys().map(|(_, b)| *b).collect();
    let series: Vec<BarSeries> = backends
        .iter()
        .map(|&backend| BarSeries {
            label: backend.to_string(),
            colour: data.colour(backend),
            filled: true,
            values: programs.iter().map(|&p| values.get(&(p, backend)).copied()).collect(),
        })
        .collect();
    let line = format!("reference = 1 ({})", reference_caption(SPEED_REFERENCE));
    bar_chart(title, y_desc, &line, programs.iter().map(|p| p.to_string()).collect(), &series)
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
        for (label, map, filled) in [(".text", &text, true), ("instcount", &inst, false)] {
            if !map.keys().any(|(_, b)| *b == backend) {
                continue;
            }
            series.push(BarSeries {
                label: format!("{backend} {label}"),
                colour: data.colour(backend),
                filled,
                values: programs.iter().map(|&p| map.get(&(p, backend)).copied()).collect(),
            });
        }
    }
    let line = format!("reference = 1 ({})", reference_caption(SIZE_REFERENCE));
    bar_chart(title, y_desc, &line, programs.iter().map(|p| p.to_string()).collect(), &series)
}

/// A point of the Pareto chart.
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

fn pareto_chart(data: &Data) -> Result<String, ReportError> {
    let title = "Compile time against run time (results and baselines)";
    let (x_desc, y_desc) = ("compile time (ms)", "run time (ms)");
    let mut points: Vec<Measured> = Vec::new();
    for (rows, baseline) in [(&data.input.results, false), (&data.input.baselines, true)] {
        for row in rows {
            if let (Some(compile), Some(runtime)) =
                (Metric::Compile.value(row), Metric::Runtime.value(row))
            {
                points.push(Measured { compile, runtime, row, baseline });
            }
        }
    }
    if points.is_empty() {
        return no_data_chart(title, x_desc, y_desc);
    }
    // Same order whatever the input's: the front's ties and the drawing order are fixed.
    points.sort_by(|a, b| {
        (&a.row.backend, &a.row.program, a.baseline, &a.row.strategy)
            .cmp(&(&b.row.backend, &b.row.program, b.baseline, &b.row.strategy))
            .then(a.compile.total_cmp(&b.compile))
            .then(a.runtime.total_cmp(&b.runtime))
    });
    let front = pareto_front(&points);
    let x_max = points.iter().map(|p| p.compile).fold(0.0, f64::max);
    let y_max = points.iter().map(|p| p.runtime).fold(0.0, f64::max);
    let x_top = if x_max > 0.0 { x_max * 1.1 } else { 1.0 };
    let y_top = if y_max > 0.0 { y_max * 1.1 } else { 1.0 };
    let backends: BTreeSet<&str> = points.iter().map(|p| p.row.backend.as_str()).collect();
    render_svg(MIN_WIDTH, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 24))
            .margin(20)
            .x_label_area_size(50)
            .y_label_area_size(70)
            .build_cartesian_2d(0f64..x_top, 0f64..y_top)
            .map_err(draw_err)?;
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .label_style((FONT, 14))
            .draw()
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
        let label_style =
            TextStyle::from((FONT, 12).into_font()).pos(Pos::new(HPos::Left, VPos::Bottom));
        chart
            .draw_series(front.iter().map(|p| {
                let r = p.row;
                let text = format!("{} {} {}", r.program, r.backend, r.strategy);
                // Beside the marker's ring rather than across it.
                EmptyElement::at((p.compile, p.runtime))
                    + Text::new(text, (10, -6), label_style.clone())
            }))
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

    md.push_str("## Headline\n\n");
    if data.backends.is_empty() {
        md.push_str("No results.\n\n");
    } else {
        md.push_str(
            "| backend | programs | speedup vs O2 | .text vs Oz | instcount vs Oz | best strategy |\n\
             |---|---:|---:|---:|---:|---|\n",
        );
        for &backend in &data.backends {
            let programs = data.programs_of(backend);
            let mean =
                |f: &dyn Fn(&str) -> Option<f64>| geomean(programs.iter().filter_map(|p| f(p)));
            let speedup = mean(&|p| data.gain(p, backend, Metric::Runtime));
            let text = mean(&|p| data.relative(p, backend, Metric::Text));
            let inst = mean(&|p| data.relative(p, backend, Metric::Instcount));
            let best = data
                .best_strategy(backend)
                .map_or_else(|| "-".into(), |(s, g)| format!("{} ({g:.3})", cell(s)));
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} |",
                cell(backend),
                programs.len(),
                fmt_opt(speedup, 3),
                fmt_opt(text, 3),
                fmt_opt(inst, 3),
                best
            );
        }
        md.push_str(
            "\nSpeedup: the reference's run time over the best (above 1: faster). Size and \
             instcount: the best over the reference's (below 1: smaller). Best strategy: the \
             lowest geometric mean of objective over reference, among the strategies with the \
             most programs.\n\n",
        );
    }

    md.push_str("## Per program\n\n");
    if data.results.is_empty() {
        md.push_str("No results.\n\n");
    } else {
        md.push_str(
            "| program | backend | best strategy | pipeline | instcount | .text | runtime ms | compile ms | vs reference |\n\
             |---|---|---|---|---:|---:|---:|---:|---:|\n",
        );
        for &(program, backend) in data.results.keys() {
            let Some(row) = data.best_row(program, backend) else { continue };
            let vs = data
                .objective
                .and_then(|m| {
                    let (name, reference) = data.reference(program, backend, m)?;
                    ratio(m.value(row), m.value(reference))
                        .map(|r| format!("{r:.3} ({})", cell(name)))
                })
                .unwrap_or_else(|| "-".into());
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                cell(program),
                cell(backend),
                cell(&row.strategy),
                pipeline_cell(&row.pipeline),
                fmt_count(row.instcount),
                fmt_count(row.text_bytes),
                fmt_opt(row.runtime_ms.filter(|v| v.is_finite()), 2),
                fmt_opt(row.compile_ms.filter(|v| v.is_finite()), 1),
                vs
            );
        }
        md.push('\n');
    }

    md.push_str("## Charts\n\n");
    for name in CHARTS {
        let _ = writeln!(md, "![{name}]({name}.svg)\n");
    }
    md
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
        assert!(md.contains("| llvm | 2 | 4.000 | 0.500 | 0.500 | random (0.274) |"), "{md}");
        // Cranelift: speedup 100/90 on both; size against `speed`: 1400/1600, 500/600.
        assert!(md.contains("| cranelift | 2 | 1.111 | 0.875 | 0.833 | greedy (0.900) |"), "{md}");
        assert!(md.contains("| alpha | llvm | greedy | `greedy-pipeline` | 200 | 500 | 50.00 | 30.0 | 0.500 (O2) |"), "{md}");
        assert!(md.contains("| beta | llvm | random | `random-pipeline` | 800 | 4000 | 10.00 | 40.0 | 0.125 (O2) |"), "{md}");
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
        assert!(md.contains("| llvm | 2 | - | 0.500 | 0.500 | - |"), "{md}");
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
