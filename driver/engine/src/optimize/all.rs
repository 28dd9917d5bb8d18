//! `optimize --backend all`: LLVM, Cranelift and GCC searched one after the other with a third
//! of the budget each, then ranked by the objective in one table. Signals and audit files get
//! the backend's name before their extension (`signals.gcc.jsonl`); `-o` receives the overall
//! winner's module or object.

use super::{OptimizeOptions, OptimizeReport, optimize};
use crate::error::Error;
use opm_backend::BackendKind;
use opm_search::Objective;
use std::path::{Path, PathBuf};

/// The searches of every backend, best first.
pub struct AllReport {
    pub objective: Objective,
    /// One search per backend, ranked by the objective (backends without a valid candidate
    /// last).
    pub rows: Vec<OptimizeReport>,
    /// Where the overall winner's module or object was written.
    pub output: Option<PathBuf>,
}

impl AllReport {
    /// The backend whose search won, if any found a valid candidate.
    pub fn winner(&self) -> Option<&OptimizeReport> {
        self.rows.first().filter(|r| r.best.is_some())
    }
}

/// `path` with `.NAME` before its extension: `signals.jsonl` → `signals.gcc.jsonl`.
fn per_backend(path: &Path, name: &str) -> PathBuf {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    let ext = path.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
    path.with_file_name(format!("{stem}.{name}{ext}"))
}

/// Runs one search per backend with `opts` (its `backend` is ignored), each with a third of
/// the budget, and ranks them. `instcount` is refused: the backends' code is compared.
pub fn optimize_all(opts: &OptimizeOptions) -> Result<AllReport, Error> {
    let objective = opts.objective;
    if objective == Objective::Instcount {
        return Err(Error::Usage(
            "--backend all compares the backends' code: use --objective size (the default), \
             runtime or compile-time, not instcount"
                .into(),
        ));
    }
    let scratch = tempfile::tempdir().map_err(|source| Error::io(std::env::temp_dir(), source))?;
    let mut rows = Vec::new();
    for backend in BackendKind::ALL {
        let mut one = opts.clone();
        one.backend = backend;
        one.budget.max_evals = one.budget.max_evals.map(|n| n.div_ceil(3));
        one.budget.wall_time = one.budget.wall_time.map(|t| t / 3);
        one.signals = opts.signals.as_deref().map(|p| per_backend(p, backend.name()));
        one.audit = opts.audit.as_deref().map(|p| per_backend(p, backend.name()));
        one.output = opts.output.as_ref().map(|_| scratch.path().join(backend.name()));
        if one.progress {
            eprintln!("opm-driver: searching {}'s pipelines", backend.name());
        }
        let report = optimize(&one)?;
        for note in &report.notes {
            eprintln!("opm-driver: note: {note} ({})", backend.name());
        }
        rows.push(report);
    }
    let score = |r: &OptimizeReport| r.best.as_ref().and_then(|b| b.score());
    rows.sort_by(|a, b| {
        let (a, b) = (score(a).unwrap_or(f64::INFINITY), score(b).unwrap_or(f64::INFINITY));
        a.total_cmp(&b)
    });
    let mut report = AllReport { objective, rows, output: None };
    if let (Some(out), Some(w)) = (&opts.output, report.winner()) {
        let from = scratch.path().join(w.backend.name());
        std::fs::copy(&from, out).map_err(|source| Error::io(out, source))?;
        report.output = Some(out.clone());
    }
    Ok(report)
}

impl AllReport {
    /// The outcome as JSON: the objective, the winning backend, and each backend's best.
    pub fn to_json(&self) -> serde_json::Value {
        let backends: Vec<serde_json::Value> = self
            .rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "backend": r.backend.name(),
                    "best": r.best,
                    "evaluations": r.history.signals.len(),
                    "stop_reason": r.stop_reason,
                    "output_checked": r.output_checked,
                    "seconds": r.elapsed.as_secs_f64(),
                })
            })
            .collect();
        serde_json::json!({
            "objective": self.objective.name(),
            "winner": self.winner().map(|w| w.backend.name()),
            "backends": backends,
        })
    }

    /// The table: each backend's best, ranked, and the winner.
    pub fn render(&self) -> String {
        let best_score = self.rows.first().and_then(|r| r.best.as_ref()).and_then(|b| b.score());
        let mut out = format!(
            "{:<4} {:<10} {:>9} {:>11} {:>11} {:>6} {:>8}  best pipeline\n",
            "rank", "backend", ".text", "runtime ms", "compile ms", "evals", "vs best"
        );
        for (i, r) in self.rows.iter().enumerate() {
            let Some(b) = &r.best else {
                out.push_str(&format!(
                    "{:<4} {:<10} no valid candidate ({})\n",
                    "-",
                    r.backend.name(),
                    r.stop_reason
                ));
                continue;
            };
            let m = &b.metrics;
            let text = m.text_bytes.map_or("-".into(), |v| v.to_string());
            let run =
                m.runtime.as_ref().map_or("-".into(), |r| format!("{:.1}", r.median_ns / 1e6));
            let compile = m.compile_ms().map_or("-".into(), |ms| format!("{ms:.1}"));
            let vs = match (b.score(), best_score) {
                (Some(s), Some(best)) if best > 0.0 => format!("{:.3}", s / best),
                _ => "-".into(),
            };
            out.push_str(&format!(
                "{:<4} {:<10} {:>9} {:>11} {:>11} {:>6} {:>8}  {}\n",
                i + 1,
                r.backend.name(),
                text,
                run,
                compile,
                r.history.signals.len(),
                vs,
                b.pipeline
            ));
        }
        out.push('\n');
        match (self.winner(), self.winner().and_then(|w| w.best.as_ref())) {
            (Some(w), Some(b)) => {
                out.push_str(&format!(
                    "winner ({}): {} `{}`\n",
                    self.objective.name(),
                    w.backend.name(),
                    b.pipeline
                ));
                if let Some(o) = &self.output {
                    let what = if w.backend.transforms_ir() { "module" } else { "object file" };
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
    fn files_get_the_backends_name_before_their_extension() {
        assert_eq!(per_backend(Path::new("d/s.jsonl"), "gcc"), Path::new("d/s.gcc.jsonl"));
        assert_eq!(per_backend(Path::new("audit"), "llvm"), Path::new("audit.llvm"));
    }
}
