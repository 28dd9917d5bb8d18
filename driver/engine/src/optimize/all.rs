//! `optimize --backend all`: LLVM, Cranelift and GCC searched one after the other, then (for
//! the size and runtime objectives) cross-backend plans: the LLVM winner's module, LLVM's
//! passes already applied, becomes the input of a short Cranelift search and a short GCC
//! search (their presets and the three best settings of their own search), so that the best
//! mid-end meets the best code generator. The budget is split in quarters: one per backend
//! and one for the two cross searches (`compile-time` keeps thirds: a cross plan's compile
//! time would leave out LLVM's passes). Every search is ranked by the objective in one table;
//! with `--objective runtime`, by a final round that times the winners against each other
//! (see [`final_round`]).
//!
//! Signals and audit files get the search's label before their extension
//! (`signals.gcc.jsonl`, `signals.llvm+gcc.jsonl`); `-o` receives the overall winner's module
//! or object. A cross search counts only if its reference build (the LLVM winner's module
//! built without passes) prints what the input's prints.

use super::{OptimizeOptions, OptimizeReport, optimize};
use crate::error::Error;
use crate::timing::CONFIDENCE;
use opm_backend::BackendKind;
use opm_search::timing::{Comparison, Speedup, compare_pairs};
use opm_search::{Objective, RuntimeStats, StrategyKind};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How many of each backend's own best settings a cross search starts from (after its
/// presets).
const CROSS_TOP: usize = 3;

/// The file name a cross search's input (the LLVM winner's module) has: the module's name
/// in the worker, which a Cranelift object records, so a build of a cross plan that wants
/// the object measured loads its module under this name too.
pub const MID_END_FILE: &str = "mid-end.ll";

/// One search of `--backend all`.
pub struct Row {
    /// `llvm`, `cranelift` or `gcc`; `llvm+cranelift` or `llvm+gcc` for a cross plan.
    pub label: String,
    /// For a cross plan, the LLVM pipeline that made the module the code generator started
    /// from.
    pub mid_end: Option<String>,
    pub report: OptimizeReport,
    /// For `--objective runtime`, the median of the winner's runs in the final round (see
    /// [`final_round`]), in nanoseconds: what the rows are ranked by.
    pub final_ns: Option<f64>,
    /// For `--objective runtime`, the final round's comparison with LLVM's winner (paired
    /// round by round): a row ranks above LLVM's only when significantly faster.
    pub versus_llvm: Option<Comparison>,
}

impl Row {
    /// The row's plan: its pipeline, after the LLVM pipeline for a cross plan.
    pub fn plan(&self) -> Option<String> {
        let best = self.report.best.as_ref()?;
        Some(match &self.mid_end {
            Some(mid) => format!("{mid} then {}", best.pipeline),
            None => best.pipeline.to_string(),
        })
    }
}

/// The searches of every backend and the cross plans, best first.
pub struct AllReport {
    pub objective: Objective,
    /// One search per backend and per cross plan, ranked by the objective (searches without a
    /// valid candidate last).
    pub rows: Vec<Row>,
    /// Where the overall winner's module or object was written.
    pub output: Option<PathBuf>,
    /// Why a cross plan was left out, and the like.
    pub notes: Vec<String>,
}

impl AllReport {
    /// The search that won, if any found a valid candidate.
    pub fn winner(&self) -> Option<&Row> {
        self.rows.first().filter(|r| r.report.best.is_some())
    }
}

/// `path` with `.NAME` before its extension: `signals.jsonl` → `signals.gcc.jsonl`.
fn per_backend(path: &Path, name: &str) -> PathBuf {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let ext = path.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
    path.with_file_name(format!("{stem}.{name}{ext}"))
}

/// What is left of `--budget-evals` and `--budget-time` for the searches still to run,
/// counted in shares (two per backend and one per cross plan, or one per backend): each
/// search takes its shares of what is left, so that what a search leaves unused (a backend
/// that refuses the module, a strategy that finishes early) goes to the later ones, and the
/// searches' evaluations add up to the budget.
struct Pool {
    evals: Option<u64>,
    deadline: Option<Instant>,
    shares: u32,
}

impl Pool {
    fn new(evals: Option<u64>, time: Option<Duration>, shares: u32) -> Pool {
        Pool { evals, deadline: time.map(|t| Instant::now() + t), shares }
    }

    /// The evaluations and time of a search with `shares` of the shares left.
    fn take(&mut self, shares: u32) -> (Option<u64>, Option<Duration>) {
        let of = self.shares.max(shares).max(1);
        let evals = self.evals.map(|n| n * u64::from(shares) / u64::from(of));
        let left = self.deadline.map(|d| d.saturating_duration_since(Instant::now()));
        self.shares = of - shares;
        (evals, left.map(|t| t * shares / of))
    }

    /// Counts the evaluations a search made.
    fn spent(&mut self, evals: usize) {
        self.evals = self.evals.map(|n| n.saturating_sub(evals as u64));
    }
}

/// `opts` for the search labelled `label`, with `shares` of what is left in `pool`; its
/// result goes to `scratch/label`.
fn share(
    opts: &OptimizeOptions,
    backend: BackendKind,
    label: &str,
    pool: &mut Pool,
    shares: u32,
    scratch: &Path,
) -> OptimizeOptions {
    let mut one = opts.clone();
    one.backend = backend;
    let (evals, time) = pool.take(shares);
    one.budget.max_evals = evals;
    one.budget.wall_time = time;
    one.signals = opts.signals.as_deref().map(|p| per_backend(p, label));
    one.audit = opts.audit.as_deref().map(|p| per_backend(p, label));
    one.output = Some(scratch.join(label));
    one
}

/// Runs one search per backend with `opts` (its `backend` is ignored), then the cross plans,
/// and ranks them. `instcount` is refused: the backends' code is compared.
pub fn optimize_all(opts: &OptimizeOptions) -> Result<AllReport, Error> {
    let objective = opts.objective;
    if objective == Objective::Instcount {
        return Err(Error::Usage(
            "--backend all compares the backends' code: use --objective size (the default), \
             runtime or compile-time, not instcount"
                .into(),
        ));
    }
    let cross = objective != Objective::CompileTime;
    // In eighths: a quarter per backend and one for the cross searches, or thirds.
    let (shares, per_backend) = if cross { (8, 2) } else { (3, 1) };
    let mut pool = Pool::new(opts.budget.max_evals, opts.budget.wall_time, shares);
    let scratch = tempfile::tempdir().map_err(|source| Error::io(std::env::temp_dir(), source))?;
    let mut rows = Vec::new();
    for backend in BackendKind::ALL {
        let one = share(opts, backend, backend.name(), &mut pool, per_backend, scratch.path());
        if one.progress {
            eprintln!("{}: searching {}'s pipelines", opts.speaker, backend.name());
        }
        let report = optimize(&one)?;
        pool.spent(report.history.signals.len());
        for note in &report.notes {
            eprintln!("{}: note: {note} ({})", opts.speaker, backend.name());
        }
        let label = backend.name().into();
        rows.push(Row { label, mid_end: None, report, final_ns: None, versus_llvm: None });
    }
    let mut notes = Vec::new();
    if cross {
        let crossed = cross_plans(opts, &rows, &mut pool, scratch.path(), &mut notes)?;
        rows.extend(crossed);
    }
    if objective == Objective::Runtime {
        final_round(opts, &mut rows, scratch.path(), &mut notes)?;
    }
    // Runtime: the finalists by their final round: those significantly faster than LLVM's
    // winner, then it, then the others; a winner that failed the round after them.
    let key = |r: &Row| {
        let score = r.report.best.as_ref().and_then(|b| b.score()).unwrap_or(f64::INFINITY);
        let llvm = r.label == BackendKind::Llvm.name();
        match (r.final_ns, &r.versus_llvm) {
            (Some(ns), Some(c)) if c.verdict != Speedup::Faster => (2, ns),
            (Some(ns), None) if llvm => (1, ns),
            (Some(ns), _) => (0, ns),
            (None, _) if objective == Objective::Runtime && score.is_finite() => (3, score),
            (None, _) => (4, score),
        }
    };
    rows.sort_by(|a, b| {
        let (a, b) = (key(a), key(b));
        a.0.cmp(&b.0).then(a.1.total_cmp(&b.1))
    });
    let mut report = AllReport { objective, rows, output: None, notes };
    if let (Some(out), Some(w)) = (&opts.output, report.winner()) {
        let from = scratch.path().join(&w.label);
        crate::atomic::copy(&from, out).map_err(|source| Error::io(out, source))?;
        report.output = Some(out.clone());
    }
    Ok(report)
}

/// Rounds of the final timing per timed run of a candidate (`--runs`).
const FINAL_ROUNDS_PER_RUN: usize = 2;

/// The final round of `--objective runtime`: each search measured its candidates at its own
/// time, on a machine whose speed drifts, so the winners are timed again against each other:
/// each built as the user gets it (LLVM's module through `opm-driver compile`'s path, an
/// object linked), one warm-up round, then `2 × --runs` rounds running each winner once, one
/// at a time, in an order that rotates every round. Every run must print what the reference
/// prints; a winner that does not, or does not build, leaves the final with a note. Sets
/// each finalist's `final_ns` (the median).
fn final_round(
    opts: &OptimizeOptions,
    rows: &mut [Row],
    scratch: &Path,
    notes: &mut Vec<String>,
) -> Result<(), Error> {
    let mut finalists: Vec<(usize, PathBuf, Duration)> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let Some(best) = &row.report.best else { continue };
        let exe = scratch.join(format!("{}.exe", row.label));
        match build_winner(opts, row, &scratch.join(&row.label), &exe) {
            Ok(()) => {
                let ns = best.metrics.runtime.as_ref().map_or(0.0, |r| r.median_ns);
                let limit = Duration::from_secs_f64(ns * 10.0 / 1e9).max(Duration::from_secs(5));
                finalists.push((i, exe, limit));
            }
            Err(e) => notes.push(format!("{} left out of the final round: {e}", row.label)),
        }
    }
    if finalists.len() < 2 {
        return Ok(());
    }
    if opts.progress {
        eprintln!(
            "{}: timing the {} searches' winners against each other",
            opts.speaker,
            finalists.len()
        );
    }
    let rounds = opts.runs.max(1) * FINAL_ROUNDS_PER_RUN;
    let memory_mib = crate::runs::memory_mib(&opts.budget);
    let mut samples: Vec<Vec<u64>> = vec![Vec::new(); finalists.len()];
    let mut cpu: Vec<Vec<u64>> = vec![Vec::new(); finalists.len()];
    let mut out: Vec<bool> = vec![false; finalists.len()];
    for round in 0..=rounds {
        for k in 0..finalists.len() {
            let f = (k + round) % finalists.len();
            let (i, exe, limit) = &finalists[f];
            if out[f] {
                continue;
            }
            let row = &rows[*i];
            let cap = row.report.problem.reference.as_ref().map_or(0, |r| r.stdout_bytes as usize);
            let cap = cap.saturating_add(1 << 20);
            let why = match crate::runs::run_once(exe, &opts.run_args, *limit, cap, memory_mib) {
                Ok(r) => {
                    let same = row.report.problem.reference.as_ref().is_some_and(|want| {
                        want.exit_code == r.code
                            && want.stdout_sha256 == crate::runs::sha256_hex(&r.stdout)
                    });
                    if same {
                        // The first round warms up.
                        if round > 0 {
                            samples[f].push(r.elapsed.as_nanos() as u64);
                            cpu[f].extend(r.cpu.map(|c| c.as_nanos() as u64));
                        }
                        continue;
                    }
                    "it printed otherwise than the reference".to_string()
                }
                Err(crate::runs::RunError::Timeout) => {
                    format!("it ran longer than {:.1} s", limit.as_secs_f64())
                }
                Err(crate::runs::RunError::Io(e)) => format!("it could not be run: {e}"),
            };
            out[f] = true;
            notes.push(format!("{} left out of the final round: {why}", row.label));
        }
    }
    let mut clock = opts.timing.clock;
    for (f, (i, _, _)) in finalists.iter().enumerate() {
        if !out[f] {
            let stats =
                RuntimeStats::measured(samples[f].clone(), cpu[f].clone(), opts.timing.clock, 1);
            if let Some(s) = &stats
                && s.clock != clock
            {
                clock = s.clock;
            }
            rows[*i].final_ns = stats.map(|s| s.median_ns);
        }
    }
    notes.push(format!(
        "runtime ms: the median {} time of {rounds} runs of each winner, timed against each \
         other in rotating order after the searches",
        if clock == opm_search::Clock::Cpu { "CPU" } else { "wall-clock" }
    ));
    // Each round ran every finalist once: its runs pair up with LLVM's winner's, round by
    // round, as a search's winner is confirmed against its O2.
    let series = |f: usize| -> Vec<f64> {
        let cpu_whole = clock == opm_search::Clock::Cpu && cpu[f].len() == samples[f].len();
        let ns = if cpu_whole { &cpu[f] } else { &samples[f] };
        ns.iter().map(|&n| n as f64).collect()
    };
    let llvm = finalists
        .iter()
        .position(|(i, _, _)| rows[*i].label == BackendKind::Llvm.name())
        .filter(|&f| !out[f]);
    if let Some(l) = llvm {
        let reference = series(l);
        for (f, (i, _, _)) in finalists.iter().enumerate() {
            if f == l || out[f] {
                continue;
            }
            let compared = compare_pairs(&reference, &series(f), CONFIDENCE, 1.0);
            if let Some(c) = &compared
                && c.verdict != Speedup::Faster
                && rows[*i].final_ns < rows[finalists[l].0].final_ns
            {
                notes.push(format!(
                    "{} ran {:.3}× as fast as llvm's winner in the final round, not \
                     significantly faster ({:.0}% interval {:.3}–{:.3}; {} pairs): llvm's \
                     stays ahead of it",
                    rows[*i].label,
                    c.speedup,
                    c.confidence * 100.0,
                    c.interval.0,
                    c.interval.1,
                    c.pairs
                ));
            }
            rows[*i].versus_llvm = compared;
        }
    }
    Ok(())
}

/// Builds the executable of `row`'s winner, written at `artifact`, into `exe`.
fn build_winner(
    opts: &OptimizeOptions,
    row: &Row,
    artifact: &Path,
    exe: &Path,
) -> Result<(), Error> {
    if row.report.backend.transforms_ir() {
        let input = crate::input::Input::load_verified(artifact)?;
        let build = crate::build::BuildOptions { link: opts.link.clone(), ..Default::default() };
        return crate::build::build_executable(&input.module, &build, exe);
    }
    let linker = crate::toolchain::Linker::find()?.with_args(opts.link.clone());
    linker.link(&[artifact], exe)?;
    Ok(())
}

/// The cross plans: the LLVM winner's module searched by Cranelift and by GCC, each with a
/// share of what is left of the budget (an eighth of it when the searches before used
/// theirs), its presets and the best settings of its own search. A cross search that fails,
/// or whose reference build prints otherwise than the input's, is left out with a note.
fn cross_plans(
    opts: &OptimizeOptions,
    rows: &[Row],
    pool: &mut Pool,
    scratch: &Path,
    notes: &mut Vec<String>,
) -> Result<Vec<Row>, Error> {
    let own = |backend: BackendKind| rows.iter().find(|r| r.label == backend.name());
    let Some(llvm) = own(BackendKind::Llvm) else { return Ok(Vec::new()) };
    let Some(mid_end) = llvm.report.best.as_ref().map(|b| b.pipeline.to_string()) else {
        notes.push("no cross-backend plans: LLVM's search found no valid candidate".into());
        return Ok(Vec::new());
    };
    // The module as the LLVM search wrote it, under a name that says it is LLVM text.
    let module = scratch.join(MID_END_FILE);
    let written = scratch.join(BackendKind::Llvm.name());
    std::fs::copy(&written, &module).map_err(|source| Error::io(&module, source))?;
    let mut crossed = Vec::new();
    for backend in [BackendKind::Cranelift, BackendKind::Gcc] {
        let label = format!("llvm+{}", backend.name());
        let mut one = share(opts, backend, &label, pool, 1, scratch);
        one.file = module.clone();
        one.strategy = StrategyKind::Presets;
        one.pipelines = own(backend)
            .map(|r| {
                let ranked = r.report.history.ranked();
                ranked.iter().take(CROSS_TOP).map(|s| s.pipeline.to_string()).collect()
            })
            .unwrap_or_default();
        if one.progress {
            eprintln!(
                "{}: searching {}'s settings on LLVM's best module",
                opts.speaker,
                backend.name()
            );
        }
        let report = match optimize(&one) {
            Ok(report) => report,
            Err(e) => {
                notes.push(format!("{label} left out: {e}"));
                continue;
            }
        };
        pool.spent(report.history.signals.len());
        if report.problem.reference != llvm.report.problem.reference {
            notes.push(format!(
                "{label} left out: LLVM's best module, built without passes, does not print \
                 what the input prints"
            ));
            continue;
        }
        for note in &report.notes {
            eprintln!("{}: note: {note} ({label})", opts.speaker);
        }
        let mid_end = Some(mid_end.clone());
        crossed.push(Row { label, mid_end, report, final_ns: None, versus_llvm: None });
    }
    Ok(crossed)
}

impl AllReport {
    /// The outcome as JSON: the objective, the winning search, and each search's best.
    pub fn to_json(&self) -> serde_json::Value {
        let backends: Vec<serde_json::Value> = self
            .rows
            .iter()
            .map(|r| {
                let rep = &r.report;
                serde_json::json!({
                    "label": r.label,
                    "backend": rep.backend.name(),
                    "mid_end": r.mid_end,
                    "final_median_ns": r.final_ns,
                    "versus_llvm": r.versus_llvm.map(|c| serde_json::json!({
                        "speedup": c.speedup,
                        "interval": [c.interval.0, c.interval.1],
                        "pairs": c.pairs,
                        "faster": c.verdict == Speedup::Faster,
                    })),
                    "best": rep.best,
                    "evaluations": rep.history.signals.len(),
                    "stop_reason": rep.stop_reason,
                    "no_valid_candidate": crate::report::why_no_valid_candidate(rep),
                    "output_checked": rep.output_checked,
                    "seconds": rep.elapsed.as_secs_f64(),
                })
            })
            .collect();
        serde_json::json!({
            "objective": self.objective.name(),
            "winner": self.winner().map(|w| w.label.clone()),
            "backends": backends,
            "notes": self.notes,
        })
    }

    /// The table: each search's best, ranked, and the winner.
    pub fn render(&self) -> String {
        let best_score = self
            .rows
            .first()
            .and_then(|r| r.final_ns.or(r.report.best.as_ref().and_then(|b| b.score())));
        let mut out = format!(
            "{:<4} {:<14} {:>9} {:>11} {:>11} {:>6} {:>8}  best plan\n",
            "rank", "search", ".text", "runtime ms", "compile ms", "evals", "vs best"
        );
        for (i, r) in self.rows.iter().enumerate() {
            let (Some(b), Some(plan)) = (&r.report.best, r.plan()) else {
                out.push_str(&format!(
                    "{:<4} {:<14} no valid candidate ({})\n",
                    "-", r.label, r.report.stop_reason
                ));
                if let Some(why) = crate::report::why_no_valid_candidate(&r.report) {
                    out.push_str(&format!("{:<4} {:<14} {why}\n", "", ""));
                }
                continue;
            };
            let m = &b.metrics;
            let text = m.text_bytes.map_or("-".into(), |v| v.to_string());
            let run = match (r.final_ns, &m.runtime) {
                (Some(ns), _) => format!("{:.1}", ns / 1e6),
                (None, Some(rt)) => format!("{:.1}", rt.median_ns / 1e6),
                (None, None) => "-".into(),
            };
            let compile = m.compile_ms().map_or("-".into(), |ms| format!("{ms:.1}"));
            let vs = match (r.final_ns.or(b.score()), best_score) {
                (Some(s), Some(best)) if best > 0.0 => format!("{:.3}", s / best),
                _ => "-".into(),
            };
            out.push_str(&format!(
                "{:<4} {:<14} {:>9} {:>11} {:>11} {:>6} {:>8}  {plan}\n",
                i + 1,
                r.label,
                text,
                run,
                compile,
                r.report.history.signals.len(),
                vs,
            ));
        }
        out.push('\n');
        for note in &self.notes {
            out.push_str(&format!("note: {note}\n"));
        }
        match (self.winner(), self.winner().and_then(|w| w.plan())) {
            (Some(w), Some(plan)) => {
                out.push_str(&format!(
                    "winner ({}): {} `{plan}`\n",
                    self.objective.name(),
                    w.label,
                ));
                if let Some(o) = &self.output {
                    let what =
                        if w.report.backend.transforms_ir() { "module" } else { "object file" };
                    out.push_str(&format!("wrote {} (the winner's {what})\n", o.display()));
                }
            }
            _ => out.push_str("no backend found a valid candidate\n"),
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shares_of_a_budget_add_up_to_it_and_what_a_search_leaves_goes_on() {
        for n in [0, 1, 5, 12, 13, 200] {
            let mut pool = Pool::new(Some(n), None, 8);
            let mut taken = Vec::new();
            for k in [2, 2, 2, 1, 1] {
                let evals = pool.take(k).0.unwrap_or(0);
                pool.spent(evals as usize);
                taken.push(evals);
            }
            assert_eq!(taken.iter().sum::<u64>(), n, "{taken:?}");
        }
        // 24 evaluations: a quarter each, but a backend that spends 3 of its 6 leaves the
        // other 3 to the searches after it.
        let mut pool = Pool::new(Some(24), Some(Duration::from_secs(80)), 8);
        assert_eq!(pool.take(2).0, Some(6));
        pool.spent(6);
        assert_eq!(pool.take(2).0, Some(6));
        pool.spent(6);
        assert_eq!(pool.take(2).0, Some(6));
        pool.spent(3);
        let (evals, time) = pool.take(1);
        assert_eq!(evals, Some(4));
        // Half of what is left of the time (a little under 80 s).
        assert!(time.is_some_and(|t| t > Duration::from_secs(39) && t <= Duration::from_secs(40)));
        pool.spent(4);
        assert_eq!(pool.take(1).0, Some(5));
    }

    #[test]
    fn files_get_the_backends_name_before_their_extension() {
        assert_eq!(per_backend(Path::new("d/s.jsonl"), "gcc"), Path::new("d/s.gcc.jsonl"));
        assert_eq!(per_backend(Path::new("audit"), "llvm"), Path::new("audit.llvm"));
        assert_eq!(
            per_backend(Path::new("d/s.jsonl"), "llvm+gcc"),
            Path::new("d/s.llvm+gcc.jsonl")
        );
    }
}
