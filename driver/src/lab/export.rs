//! `opm-driver bench export TAG`: the run's results as JSON lines, one record per program ×
//! backend × pipeline with every sample, for other tools.

use super::store::{Measurement, Store, StoreError};
use std::collections::BTreeMap;

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
    pub instcount: Option<i64>,
    pub text_bytes: Option<i64>,
    pub binary_hash: Option<&'a str>,
    /// Compile time of each measurement (passes, checks and code generation), ms.
    pub compile_ms: Vec<f64>,
    /// Every run-time sample of every measurement, ms.
    pub runtime_ms: Vec<f64>,
}

/// The JSON lines of the run tagged `tag`.
pub fn export(store: &Store, tag: &str) -> Result<String, StoreError> {
    let ms = store.measurements(tag)?;
    let mut groups: BTreeMap<(&str, &str, &str, &str), Vec<&Measurement>> = BTreeMap::new();
    for m in &ms {
        groups
            .entry((m.program.as_str(), m.args.as_str(), m.backend.as_str(), m.pipeline.as_str()))
            .or_default()
            .push(m);
    }
    let mut out = String::new();
    for ((program, args, backend, pipeline), group) in groups {
        let first = group[0];
        let record = Record {
            tag,
            program,
            args,
            backend,
            pipeline,
            strategies: group.iter().map(|m| m.strategy.as_str()).collect(),
            verdicts: group.iter().map(|m| m.verdict.as_str()).collect(),
            objective: &first.objective,
            instcount: first.instcount,
            text_bytes: first.text_bytes,
            binary_hash: first.binary_hash.as_deref(),
            compile_ms: group.iter().filter_map(|m| compile_ms(m)).collect(),
            runtime_ms: group.iter().flat_map(|m| m.runtime_ms.iter().copied()).collect(),
        };
        out.push_str(&serde_json::to_string(&record).expect("records serialise"));
        out.push('\n');
    }
    Ok(out)
}

/// Passes, checks and code generation of a measurement, ms.
pub fn compile_ms(m: &Measurement) -> Option<f64> {
    Some(m.pass_ms.unwrap_or(0.0) + m.check_ms.unwrap_or(0.0) + m.codegen_ms?)
}
