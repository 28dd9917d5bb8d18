//! `measure`: the user's pipelines measured on one module exactly as a search measures its
//! candidates (the same engine, workers, checks and metrics), with nothing else: no
//! baselines, no strategy, no winner. What a replay of an attested plan runs.

use super::{Prepared, prepare};
use crate::error::Error;
use opm_search::{PerformanceSignal, Verdict};

/// Measures each of `opts.pipelines` once, in order; the other search options (strategy,
/// budget of evaluations, signals, audit) are ignored. Every signal that ended well has its
/// `.text` bytes, generated now when the evaluation did not need the code; a pipeline whose
/// output differs from the reference's (when the program is run) has the verdict that says so.
pub fn measure(opts: &super::OptimizeOptions) -> Result<Vec<PerformanceSignal>, Error> {
    let quiet = super::OptimizeOptions {
        signals: None,
        resume: false,
        audit: None,
        progress: false,
        ..opts.clone()
    };
    let Prepared { engine, user, .. } = prepare(&quiet)?;
    let scratch = tempfile::Builder::new()
        .prefix("opm-measure-")
        .tempdir()
        .map_err(|source| Error::io(std::env::temp_dir(), source))?;
    let numbers: Vec<u64> = (0..user.len() as u64).collect();
    let signals = engine.evaluate_all(&user, &numbers, None, &|_| {});
    Ok(signals
        .iter()
        .map(|s| {
            if matches!(s.verdict, Verdict::Ok | Verdict::OverBudget) {
                super::winner::with_code_size(&engine, s, scratch.path())
            } else {
                s.clone()
            }
        })
        .collect())
}
