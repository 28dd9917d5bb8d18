//! `opm-driver bench compare TAG_A TAG_B`: per program, backend and metric, the change from
//! run A to run B with its significance, as LNT does: min-of-N with a Mann-Whitney U test for
//! run times, any change of 1% or more for sizes and counts, and nothing flagged when the
//! binary and its arguments did not change. Metrics: the run time of each backend's reference
//! pipeline (LLVM's and GCC's O2, Cranelift's `speed`), and the smallest `.text` and
//! instruction count each run found.

use super::stats::{Change, compare, geomean};
use super::store::{Measurement, Store, StoreError};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One compared (program, backend, metric).
#[derive(Clone, Debug)]
pub struct Row {
    pub program: String,
    pub backend: String,
    pub metric: &'static str,
    pub change: Change,
}

/// The comparison of two runs.
#[derive(Clone, Debug)]
pub struct Comparison {
    pub a: String,
    pub b: String,
    pub rows: Vec<Row>,
    /// (program, backend) of one run without a counterpart in the other.
    pub unmatched: Vec<String>,
}

impl Comparison {
    /// Whether a change is a significant regression (the exit status of `compare`).
    pub fn has_regression(&self) -> bool {
        self.rows.iter().any(|r| r.change.is_regression())
    }
}

/// The pipeline text of each backend's speed reference (see the module's doc).
pub fn speed_references() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (backend, name) in super::report::SPEED_REFERENCE {
        if let Some(p) = super::space_of(backend).as_ref().and_then(|s| s.baseline(name)) {
            out.insert(backend.to_string(), p.text());
        }
    }
    out
}

/// Compares the runs tagged `a` and `b`.
pub fn compare_tags(store: &Store, a: &str, b: &str) -> Result<Comparison, StoreError> {
    let references = speed_references();
    let group = |ms: Vec<Measurement>| {
        let mut by: BTreeMap<(String, String), Vec<Measurement>> = BTreeMap::new();
        for m in ms.into_iter().filter(|m| m.verdict == "ok") {
            by.entry((m.program.clone(), m.backend.clone())).or_default().push(m);
        }
        by
    };
    let (runs_a, runs_b) = (group(store.measurements(a)?), group(store.measurements(b)?));
    let mut rows = Vec::new();
    let mut unmatched = Vec::new();
    for (key, ma) in &runs_a {
        let Some(mb) = runs_b.get(key) else {
            unmatched.push(format!("{} · {} (only in {a})", key.0, key.1));
            continue;
        };
        let (program, backend) = key.clone();
        let mut push = |metric, change: Option<Change>| {
            if let Some(change) = change {
                rows.push(Row {
                    program: program.clone(),
                    backend: backend.clone(),
                    metric,
                    change,
                });
            }
        };
        if let Some(reference) = references.get(&backend) {
            let (sa, ha) = runtime_samples(ma, reference);
            let (sb, hb) = runtime_samples(mb, reference);
            if !sa.is_empty() && !sb.is_empty() {
                push("runtime_ms", compare(&sa, &sb, ha == hb && ha.is_some(), false));
            }
        }
        for (metric, get) in [
            ("text_bytes", (|m: &Measurement| m.text_bytes) as fn(&Measurement) -> Option<i64>),
            ("instcount", |m: &Measurement| m.instcount),
        ] {
            if let (Some((va, ha)), Some((vb, hb))) = (smallest(ma, get), smallest(mb, get)) {
                let same = ha.is_some() && ha == hb;
                push(metric, compare(&[va], &[vb], same, true));
            }
        }
    }
    for key in runs_b.keys().filter(|k| !runs_a.contains_key(*k)) {
        unmatched.push(format!("{} · {} (only in {b})", key.0, key.1));
    }
    Ok(Comparison { a: a.to_string(), b: b.to_string(), rows, unmatched })
}

/// The run-time samples of `pipeline` (pooled over the strategies that measured it), and its
/// binary's identity with the program's arguments (`None` when they disagree).
fn runtime_samples(ms: &[Measurement], pipeline: &str) -> (Vec<f64>, Option<String>) {
    let matching: Vec<&Measurement> =
        ms.iter().filter(|m| m.pipeline == pipeline && !m.runtime_ms.is_empty()).collect();
    let samples = matching.iter().flat_map(|m| m.runtime_ms.iter().copied()).collect();
    let identity = |m: &&Measurement| format!("{:?} {}", m.binary_hash, m.args);
    let first = matching.first().map(identity);
    let same = matching.iter().all(|m| Some(identity(m)) == first);
    (samples, if same { first } else { None })
}

/// The smallest value of a metric over the measurements, with the identity (binary and
/// arguments) of the measurement that has it.
fn smallest(
    ms: &[Measurement],
    get: fn(&Measurement) -> Option<i64>,
) -> Option<(f64, Option<String>)> {
    ms.iter()
        .filter_map(|m| get(m).map(|v| (v, m)))
        .min_by_key(|(v, _)| *v)
        .map(|(v, m)| (v as f64, m.binary_hash.as_ref().map(|h| format!("{h} {}", m.args))))
}

/// The comparison as text: regressions, then improvements, then how many did not change,
/// the geomean of each backend's ratios per metric, and what could not be matched.
pub fn render(c: &Comparison) -> String {
    let mut out = format!("compare {} → {}\n", c.a, c.b);
    let line = |out: &mut String, r: &Row| {
        let p = r.change.p_value.map_or("-".into(), |p| format!("{p:.4}"));
        let _ = writeln!(
            out,
            "  {:<22} {:<10} {:<11} {:>12.3} {:>12.3} {:>+8.1}%  p={p}",
            r.program,
            r.backend,
            r.metric,
            r.change.baseline,
            r.change.current,
            (r.change.ratio - 1.0) * 100.0
        );
    };
    let mut regressions: Vec<&Row> = c.rows.iter().filter(|r| r.change.is_regression()).collect();
    regressions.sort_by(|x, y| y.change.ratio.total_cmp(&x.change.ratio));
    let mut improvements: Vec<&Row> = c.rows.iter().filter(|r| r.change.is_improvement()).collect();
    improvements.sort_by(|x, y| x.change.ratio.total_cmp(&y.change.ratio));
    let head = format!(
        "  {:<22} {:<10} {:<11} {:>12} {:>12} {:>9}\n",
        "program", "backend", "metric", "A (min)", "B (min)", "change"
    );
    let _ = writeln!(out, "regressions: {}", regressions.len());
    if !regressions.is_empty() {
        out.push_str(&head);
        regressions.iter().for_each(|r| line(&mut out, r));
    }
    let _ = writeln!(out, "improvements: {}", improvements.len());
    if !improvements.is_empty() {
        out.push_str(&head);
        improvements.iter().for_each(|r| line(&mut out, r));
    }
    let unchanged = c.rows.len() - regressions.len() - improvements.len();
    let _ =
        writeln!(out, "not flagged: {unchanged} (under 1%, not significant, or the same binary)");
    let mut by: BTreeMap<(&str, &str), Vec<f64>> = BTreeMap::new();
    for r in &c.rows {
        by.entry((r.backend.as_str(), r.metric)).or_default().push(r.change.ratio);
    }
    if !by.is_empty() {
        out.push_str("geomean of B/A per backend:\n");
        for ((backend, metric), ratios) in &by {
            if let Some(g) = geomean(ratios) {
                let _ = writeln!(out, "  {backend:<10} {metric:<11} {g:.4} over {}", ratios.len());
            }
        }
    }
    for u in &c.unmatched {
        let _ = writeln!(out, "unmatched: {u}");
    }
    out
}
