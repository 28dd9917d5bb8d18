//! The table printed at the end of `opm-driver optimize`: the best candidates beside the
//! backend's baselines (LLVM's O2 / O3 / Oz, Cranelift's none / speed / speed_native, GCC's
//! O2 / O3 / Os).

use crate::optimize::OptimizeReport;
use crate::progress::format_score;
use opm_search::{PerformanceSignal, Verdict, verdict_counts};

const PIPELINE_WIDTH: usize = 56;

/// Widths of the columns that depend on the backend: the row labels (baseline names) and
/// the ratio (`vs Oz`, `vs speed`).
struct Widths {
    label: usize,
    ratio: usize,
}

fn elide(text: &str) -> String {
    if text.chars().count() <= PIPELINE_WIDTH {
        return text.to_string();
    }
    let head: String = text.chars().take(PIPELINE_WIDTH - 1).collect();
    format!("{head}…")
}

fn row(label: &str, s: &PerformanceSignal, base: Option<f64>, w: &Widths) -> String {
    let opt = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    let m = &s.metrics;
    let compile = m.compile_ms().map(|ms| format!("{ms:.1}"));
    let runtime = m.runtime.as_ref().map(|r| format!("{:.2}", r.median_ns / 1e6));
    let ratio = match (s.score(), base) {
        (Some(v), Some(base)) if base > 0.0 => format!("{:.3}", v / base),
        _ => "-".into(),
    };
    format!(
        "{label:>lw$}  {:<width$}  {:>9}  {:>8}  {:>10}  {:>10}  {:>rw$}",
        elide(&s.pipeline.text()),
        opt(m.instcount.map(|v| v.to_string())),
        opt(m.text_bytes.map(|v| v.to_string())),
        opt(compile),
        opt(runtime),
        ratio,
        width = PIPELINE_WIDTH,
        lw = w.label,
        rw = w.ratio,
    )
}

/// The summary table and the lines around it.
pub fn render(report: &OptimizeReport, top: usize) -> String {
    let objective = report.problem.objective;
    let base = report.baseline(&report.ratio_base).and_then(PerformanceSignal::score);
    let ratio_header = format!("vs {}", report.ratio_base);
    let w = Widths {
        label: report.baselines.iter().map(|(name, _)| name.len()).max().unwrap_or(0).max(4),
        ratio: ratio_header.len().max(6),
    };
    let mut out = String::new();
    out.push_str(&format!(
        "{:>lw$}  {:<width$}  {:>9}  {:>8}  {:>10}  {:>10}  {:>rw$}\n",
        "",
        "pipeline",
        "instcount",
        ".text",
        "compile ms",
        // The clock the run times were read on: CPU time unless the search was told otherwise.
        if report.history.signals.iter().any(|s| {
            s.metrics.runtime.as_ref().is_some_and(|r| r.clock == opm_search::Clock::Cpu)
        }) {
            "run cpu ms"
        } else {
            "runtime ms"
        },
        ratio_header,
        width = PIPELINE_WIDTH,
        lw = w.label,
        rw = w.ratio,
    ));
    for (i, s) in report.history.ranked().iter().take(top).enumerate() {
        out.push_str(&row(&(i + 1).to_string(), s, base, &w));
        out.push('\n');
    }
    for (name, _) in &report.baselines {
        if let Some(s) = report.baseline(name) {
            out.push_str(&row(name, s, base, &w));
            if s.score().is_none() {
                out.push_str(&format!("  ({})", s.verdict.name()));
            }
            out.push('\n');
        }
    }
    let counts: Vec<String> = verdict_counts(&report.history.signals)
        .iter()
        .map(|(v, n)| format!("{n} {}", v.name()))
        .collect();
    out.push_str(&format!(
        "\n{} candidates in {:.1} s ({}); {}.\n",
        report.history.signals.len(),
        report.elapsed.as_secs_f64(),
        counts.join(", "),
        report.stop_reason
    ));
    match &report.best {
        Some(best) => {
            let score = best.score().map_or("-".into(), |v| format_score(objective, v));
            out.push_str(&format!("best ({} {score}): {}\n", objective.name(), best.pipeline));
            if let Some(c) = &report.confirmation {
                let who = if c.stands {
                    "it is".to_string()
                } else {
                    format!("`{}` was", c.winner_pipeline)
                };
                out.push_str(&format!("timed again against {}, {who} {}\n", c.baseline, c.text()));
            }
        }
        None => match why_no_valid_candidate(report) {
            Some(why) => out.push_str(&format!("no winner: no candidate is valid: {why}\n")),
            None => out.push_str(
                "no winner: no candidate, not even a preset, passed the winner's check\n",
            ),
        },
    }
    out
}

/// When no candidate of the search ended well: how most of them ended, with the first one's
/// detail (an unsupported construct names the function and the instruction), so that a search
/// that cannot compile the program at all says why. `None` when some candidate ended well.
pub fn why_no_valid_candidate(report: &OptimizeReport) -> Option<String> {
    let signals = &report.history.signals;
    if signals.is_empty() || signals.iter().any(|s| s.verdict == Verdict::Ok) {
        return None;
    }
    let counts = verdict_counts(signals);
    // The most frequent verdict; the first of those listed on a tie.
    let (verdict, n) =
        counts.iter().copied().reduce(|best, c| if c.1 > best.1 { c } else { best })?;
    let first = signals.iter().find(|s| s.verdict == verdict)?;
    let detail = first.detail.as_deref().unwrap_or("no detail");
    Some(format!(
        "{n} of {} {}, e.g. `{}`: {detail}",
        signals.len(),
        verdict.name(),
        first.pipeline
    ))
}
