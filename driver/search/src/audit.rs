//! How the best plan changed ([`PlanDelta`]) and the record of a search's decisions
//! ([`AuditLog`]), written one JSON object per line with `--audit`.

use crate::avoid::Avoided;
use crate::signal::{Metrics, PerformanceSignal, Verdict};
use opm_backend::Pipeline;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One metric's change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MetricDelta {
    pub metric: String,
    pub before: Option<f64>,
    pub after: Option<f64>,
}

/// A change of the incumbent best plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
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
            ("compile_ms", Metrics::compile_ms),
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
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
    /// Every candidate containing this pass, or this pair of passes in this order, was broken
    /// (or all but one in ten): the search no longer proposes it.
    Avoided(Avoided),
}

/// An append-only record of evaluations and decisions.
#[derive(Clone, Debug, Default, Serialize, Deserialize, JsonSchema)]
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::Objective;
    use crate::signal::{Origin, Tools};
    use opm_backend::BackendKind;

    #[test]
    fn plan_deltas_name_what_changed() {
        let base = |n, p: &str| PerformanceSignal {
            problem: "p".into(),
            backend: BackendKind::Llvm,
            pipeline: Pipeline::read(BackendKind::Llvm, p).unwrap(),
            origin: Origin::Preset,
            objective: Objective::Instcount,
            verdict: Verdict::Ok,
            detail: None,
            metrics: Metrics { instcount: Some(n), ..Metrics::default() },
            identity: None,
            eval: n,
            started_ms: 0,
            finished_ms: 0,
            tools: Tools { opm: "t".into(), llvm: "t".into() },
        };
        let (a, b) = (base(100, "default<O2>"), base(90, "default<Oz>"));
        let d = PlanDelta::between(Some(&a), &b);
        assert_eq!(d.from.unwrap().text(), "default<O2>");
        assert_eq!(d.deltas.len(), 1);
        assert_eq!((d.deltas[0].before, d.deltas[0].after), (Some(100.0), Some(90.0)));
        let entry = AuditEntry::Evaluated {
            pipeline: b.pipeline.clone(),
            eval: 2,
            verdict: Verdict::Ok,
            score: Some(90.0),
        };
        let line = serde_json::to_string(&entry).unwrap();
        assert!(line.starts_with(r#"{"event":"evaluated","pipeline":"default<Oz>""#), "{line}");
        assert_eq!(serde_json::from_str::<AuditEntry>(&line).unwrap(), entry);
    }
}
