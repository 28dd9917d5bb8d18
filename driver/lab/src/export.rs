//! `opm-driver bench export TAG`: the run's results as JSON lines, one record per program ×
//! backend × pipeline with every sample, for other tools: run times on the wall clock
//! (`runtime_ms`) and, where every run has one, in CPU time (`cpu_ms`, what the lab judges
//! by); a search's run-time winner with its confirmation against the speed reference
//! (`confirmations`: the interleaved pairs and what they say).
//!
//! Compile time is [`opm_search::Metrics::compile_ms`]'s, the one definition every table,
//! objective and export uses: the compiler's passes plus its code generation (`pass_ms +
//! codegen_ms`), in milliseconds. opm's own checks between steps (`check_ms`) are not part of
//! it: a user's build does not run them.

use super::store::{Measurement, Store, StoreError};
use std::collections::BTreeMap;

/// A run-time winner's confirmation against its backend's speed reference, as exported.
#[derive(Debug, serde::Serialize)]
pub struct Confirmation<'a> {
    /// The strategy of the search whose winner it was.
    pub strategy: &'a str,
    /// `cpu` or `wall`: the clock of the pairs.
    pub clock: &'a str,
    /// The reference's and the winner's time in each interleaved pair, ms.
    pub baseline_ms: &'a [f64],
    pub winner_ms: &'a [f64],
    pub runs_per_sample: u32,
    pub threshold: f64,
    pub confidence: f64,
    /// `faster`, `slower`, `not significant` or `too short to time`.
    pub verdict: &'static str,
    /// The reference's time over the winner's (geometric mean over the pairs), with its
    /// interval; absent when too short to time.
    pub speedup: Option<f64>,
    pub interval: Option<(f64, f64)>,
}

/// One record: a pipeline of one backend on one program (with its arguments), every time it
/// was measured in the run.
#[derive(Debug, serde::Serialize)]
pub struct Record<'a> {
    pub tag: &'a str,
    pub program: &'a str,
    /// The program's arguments, as JSON text.
    pub args: &'a str,
    pub backend: &'a str,
    pub pipeline: &'a str,
    /// The strategies that proposed it.
    pub strategies: Vec<&'a str>,
    /// Each measurement's verdict.
    pub verdicts: Vec<&'a str>,
    pub objective: &'a str,
    pub instcount: Option<u64>,
    pub text_bytes: Option<u64>,
    pub binary_hash: Option<&'a str>,
    /// Compile time of each measurement (the compiler's passes plus code generation, opm's
    /// checks excluded: [`Measurement::compile_ms`]), ms.
    pub compile_ms: Vec<f64>,
    /// Every run-time sample of every measurement (wall-clock time), ms.
    pub runtime_ms: Vec<f64>,
    /// The CPU time of the same runs, ms, where every measurement has one for each run.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cpu_ms: Vec<f64>,
    /// Where this pipeline was a search's run-time winner: its confirmation.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub confirmations: Vec<Confirmation<'a>>,
}

fn confirmation(m: &Measurement) -> Option<Confirmation<'_>> {
    let c = m.confirmation.as_ref()?;
    let report = crate::confirmed(&m.pipeline, c);
    Some(Confirmation {
        strategy: m.strategy.name(),
        clock: c.clock.name(),
        baseline_ms: &c.baseline_ms,
        winner_ms: &c.winner_ms,
        runs_per_sample: c.runs_per_sample,
        threshold: c.threshold,
        confidence: c.confidence,
        verdict: report.verdict.text(),
        speedup: report.speedup,
        interval: report.interval,
    })
}

/// The JSON lines of the run tagged `tag`.
pub fn export(store: &dyn Store, tag: &str) -> Result<String, StoreError> {
    let ms = store.measurements(tag)?;
    let mut groups: BTreeMap<(&str, &str, &str, &str), Vec<&Measurement>> = BTreeMap::new();
    for m in &ms {
        groups
            .entry((m.program.as_str(), m.args.as_str(), m.backend.name(), m.pipeline.as_str()))
            .or_default()
            .push(m);
    }
    let mut out = String::new();
    for ((program, args, backend, pipeline), group) in groups {
        let Some(first) = group.first() else { continue };
        let record = Record {
            tag,
            program,
            args,
            backend,
            pipeline,
            strategies: group.iter().map(|m| m.strategy.name()).collect(),
            verdicts: group.iter().map(|m| m.verdict.name()).collect(),
            objective: first.objective.name(),
            instcount: first.instcount,
            text_bytes: first.text_bytes,
            binary_hash: first.binary_hash.as_ref().map(|h| h.as_str()),
            compile_ms: group.iter().filter_map(|m| m.compile_ms()).collect(),
            runtime_ms: group.iter().flat_map(|m| m.runtime_ms.iter().copied()).collect(),
            cpu_ms: if group.iter().all(|m| m.run_times().0 == opm_search::Clock::Cpu) {
                group.iter().flat_map(|m| m.cpu_ms.iter().copied()).collect()
            } else {
                Vec::new()
            },
            confirmations: group.iter().filter_map(|m| confirmation(m)).collect(),
        };
        let line = serde_json::to_string(&record).map_err(|e| StoreError::Invalid {
            what: format!("the export of {program} · {backend} · {pipeline}"),
            message: e.to_string(),
        })?;
        out.push_str(&line);
        out.push('\n');
    }
    Ok(out)
}
