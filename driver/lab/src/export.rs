//! `opm-driver bench export TAG`: the run's results as JSON lines, one record per program ×
//! backend × pipeline with every sample, for other tools.
//!
//! Compile time is [`opm_search::Metrics::compile_ms`]'s, the one definition every table,
//! objective and export uses: the compiler's passes plus its code generation (`pass_ms +
//! codegen_ms`), in milliseconds. opm's own checks between steps (`check_ms`) are not part of
//! it: a user's build does not run them.

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
    pub instcount: Option<u64>,
    pub text_bytes: Option<u64>,
    pub binary_hash: Option<&'a str>,
    /// Compile time of each measurement (the compiler's passes plus code generation, opm's
    /// checks excluded: [`Measurement::compile_ms`]), ms.
    pub compile_ms: Vec<f64>,
    /// Every run-time sample of every measurement, ms.
    pub runtime_ms: Vec<f64>,
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
