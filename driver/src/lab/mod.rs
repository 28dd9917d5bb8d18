//! The benchmark lab (`opm-driver bench`): many programs × backends × strategies, every
//! measurement kept in SQLite, runs compared with statistics, results drawn as a report.

pub mod compare;
pub mod export;
pub mod report;
pub mod run;
pub mod stats;
pub mod store;

use crate::Backend;
use crate::search::Space;
use report::{ProgressPoint, ReportInput, ResultRow};
use std::collections::BTreeMap;
use store::{Measurement, Store, StoreError};

/// The pipeline space of the backend called `name` (as stored: `llvm`, `cranelift`, `gcc`).
fn space_of(name: &str) -> Option<Space> {
    let backend = <Backend as clap::ValueEnum>::from_str(name, false).ok()?;
    Some(Space::of(backend))
}

/// The objective value of a measurement (lower is better): `.text` bytes, instructions,
/// median run time or compile time, as the run's objective says.
fn score(objective: &str, m: &Measurement) -> Option<f64> {
    match objective {
        "size" => m.text_bytes.map(|v| v as f64),
        "instcount" => m.instcount.map(|v| v as f64),
        "runtime" => stats::median(&m.runtime_ms),
        _ => export::compile_ms(m),
    }
}

fn row(m: &Measurement, strategy: &str) -> ResultRow {
    ResultRow {
        program: m.program.clone(),
        backend: m.backend.clone(),
        strategy: strategy.to_string(),
        pipeline: m.pipeline.clone(),
        instcount: m.instcount.map(|v| v as u64),
        text_bytes: m.text_bytes.map(|v| v as u64),
        runtime_ms: stats::median(&m.runtime_ms),
        compile_ms: export::compile_ms(m),
    }
}

/// What `bench report` draws for the run tagged `tag`: each (program, backend, strategy)'s
/// best result, each backend's baselines, and best-so-far after each evaluation.
pub fn report_input(store: &Store, tag: &str) -> Result<ReportInput, StoreError> {
    let run = store.run(tag)?;
    let config: serde_json::Value = serde_json::from_str(&run.config).unwrap_or_default();
    let objective = config["objective"].as_str().unwrap_or("size").to_string();
    let measurements = store.measurements(tag)?;
    let mut tasks: BTreeMap<(&str, &str, &str), Vec<&Measurement>> = BTreeMap::new();
    for m in &measurements {
        tasks.entry((&m.program, &m.backend, &m.strategy)).or_default().push(m);
    }
    let mut input =
        ReportInput { tag: tag.to_string(), objective: objective.clone(), ..Default::default() };
    for ((_, _, strategy), ms) in &tasks {
        let scored = ms
            .iter()
            .filter(|m| m.verdict == "ok")
            .filter_map(|m| Some((score(&objective, m)?, *m)));
        if let Some((_, best)) = scored.min_by(|a, b| a.0.total_cmp(&b.0)) {
            input.results.push(row(best, strategy));
        }
        let mut best = f64::INFINITY;
        for m in ms {
            if m.verdict == "ok"
                && let Some(s) = score(&objective, m)
            {
                best = best.min(s);
            }
            if best.is_finite() {
                input.progress.push(ProgressPoint {
                    program: m.program.clone(),
                    backend: m.backend.clone(),
                    strategy: strategy.to_string(),
                    eval: m.eval as u64,
                    best,
                });
            }
        }
    }
    let backends: Vec<&str> = {
        let mut b: Vec<&str> = measurements.iter().map(|m| m.backend.as_str()).collect();
        b.sort_unstable();
        b.dedup();
        b
    };
    let mut programs: Vec<&str> = measurements.iter().map(|m| m.program.as_str()).collect();
    programs.sort_unstable();
    programs.dedup();
    for backend in backends {
        let Some(space) = space_of(backend) else { continue };
        for (name, pipeline) in &space.baselines {
            let text = pipeline.text();
            for program in &programs {
                let found = measurements.iter().find(|m| {
                    m.program == *program
                        && m.backend == backend
                        && m.pipeline == text
                        && m.verdict == "ok"
                });
                if let Some(m) = found {
                    input.baselines.push(row(m, name));
                }
            }
        }
    }
    Ok(input)
}
