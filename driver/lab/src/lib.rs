//! The benchmark lab (`opm-driver bench`): many programs × backends × strategies, every
//! measurement kept in a database behind [`store::Store`] (SQLite: [`store::open`]), runs
//! compared with statistics, results drawn as a report.
//!
//! Everything after the run reads only the store: comparing, reporting and exporting runs
//! never opens a backend (each run stores its backends' baselines).

pub mod compare;
pub mod export;
pub mod queue;
pub mod report;
pub mod run;
pub mod stats;
pub mod store;

use report::{ProgressPoint, ReportInput, ResultRow};
use std::collections::BTreeMap;
use store::{Measurement, Store, StoreError};

/// The evaluation budget of each search of a lab when none is given, for a strategy that does
/// not stop by itself.
pub const DEFAULT_EVALS: u64 = 40;

fn row(m: &Measurement, strategy: &str) -> ResultRow {
    ResultRow {
        program: m.program.clone(),
        backend: m.backend.name().to_string(),
        strategy: strategy.to_string(),
        pipeline: m.pipeline.clone(),
        instcount: m.instcount,
        text_bytes: m.text_bytes,
        runtime_ms: stats::median(&m.runtime_ms),
        compile_ms: m.compile_ms(),
    }
}

/// What `bench report` draws for the run tagged `tag`: each (program, backend, strategy)'s
/// best result, each backend's baselines (as stored with the run), and best-so-far after each
/// evaluation.
pub fn report_input(store: &dyn Store, tag: &str) -> Result<ReportInput, StoreError> {
    let objective = store.run(tag)?.config.objective;
    let measurements = store.measurements(tag)?;
    let ok = |m: &Measurement| m.verdict == opm_search::Verdict::Ok;
    let mut tasks: BTreeMap<(&str, &str, &str), Vec<&Measurement>> = BTreeMap::new();
    for m in &measurements {
        tasks.entry((&m.program, m.backend.name(), m.strategy.name())).or_default().push(m);
    }
    let mut input = ReportInput {
        tag: tag.to_string(),
        objective: objective.name().to_string(),
        ..Default::default()
    };
    for ((_, _, strategy), ms) in &tasks {
        let scored = ms.iter().filter(|m| ok(m)).filter_map(|m| Some((m.score(objective)?, *m)));
        if let Some((_, best)) = scored.min_by(|a, b| a.0.total_cmp(&b.0)) {
            input.results.push(row(best, strategy));
        }
        let mut best = f64::INFINITY;
        for m in ms {
            if ok(m)
                && let Some(s) = m.score(objective)
            {
                best = best.min(s);
            }
            if best.is_finite() {
                input.progress.push(ProgressPoint {
                    program: m.program.clone(),
                    backend: m.backend.name().to_string(),
                    strategy: strategy.to_string(),
                    eval: m.eval,
                    best,
                });
            }
        }
    }
    let mut programs: Vec<&str> = measurements.iter().map(|m| m.program.as_str()).collect();
    programs.sort_unstable();
    programs.dedup();
    // By backend name, each backend's baselines in the order the run stored them.
    let mut baselines = store.baselines(tag)?;
    baselines.sort_by_key(|b| b.backend.name());
    for baseline in &baselines {
        for program in &programs {
            let found = measurements.iter().find(|m| {
                m.program == *program
                    && m.backend == baseline.backend
                    && m.pipeline == baseline.pipeline
                    && ok(m)
            });
            if let Some(m) = found {
                input.baselines.push(row(m, &baseline.name));
            }
        }
    }
    Ok(input)
}

#[cfg(test)]
mod tests {
    use super::*;
    use opm_backend::{BackendKind, Pipeline};
    use opm_search::{
        Identity, Metrics, Objective, Origin, PerformanceSignal, RuntimeStats, StrategyKind, Tools,
        Verdict,
    };
    use store::{Baseline, LabConfig, RunInfo, SqliteStore};

    fn signal(pipeline: &str, eval: u64, text_bytes: u64, verdict: Verdict) -> PerformanceSignal {
        PerformanceSignal {
            problem: "p".into(),
            backend: BackendKind::Llvm,
            pipeline: Pipeline::read(BackendKind::Llvm, pipeline).unwrap(),
            origin: if eval <= 2 { Origin::Preset } else { Origin::Random },
            objective: Objective::Size,
            verdict,
            detail: None,
            metrics: Metrics {
                instcount: Some(text_bytes / 10),
                text_bytes: Some(text_bytes),
                pass_ms: Some(2.0),
                check_ms: Some(50.0),
                codegen_ms: Some(3.0),
                runtime: RuntimeStats::from_samples(vec![4_000_000, 2_000_000, 3_000_000]),
            },
            identity: Some(Identity::of(BackendKind::Llvm, format!("ir{eval}"))),
            eval,
            started_ms: 0,
            finished_ms: 0,
            tools: Tools { opm: "0.1.0".into(), llvm: "22".into() },
        }
    }

    /// A run of one LLVM search (objective size): O2 and Oz as baselines, then a random
    /// candidate smaller than both, then a crash.
    fn store_with_a_run(dir: &std::path::Path) -> SqliteStore {
        let store = SqliteStore::open(&dir.join("lab.sqlite")).unwrap();
        let info = RunInfo {
            tag: "a".into(),
            machine: "m".into(),
            llvm: "22".into(),
            cranelift: "0.135".into(),
            gcc: "12".into(),
            opm_commit: "c".into(),
            config: LabConfig {
                corpus: "corpus".into(),
                backends: vec![BackendKind::Llvm],
                strategies: vec![StrategyKind::Random],
                objective: Objective::Size,
                budget_evals: Some(4),
                budget_time_s: None,
                runs: 3,
                seed: 1,
                jobs: 1,
            },
        };
        let run = store.begin_run(&info).unwrap();
        let program = store.program("work", "h", "[]").unwrap();
        let baseline = |name: &str, pipeline: &str| Baseline {
            backend: BackendKind::Llvm,
            name: name.into(),
            pipeline: pipeline.into(),
        };
        let baselines = [baseline("O2", "default<O2>"), baseline("Oz", "default<Oz>")];
        store.record_baselines(run, BackendKind::Llvm, &baselines).unwrap();
        for s in [
            signal("default<O2>", 1, 2000, Verdict::Ok),
            signal("default<Oz>", 2, 1000, Verdict::Ok),
            signal("function(gvn)", 3, 800, Verdict::Ok),
            signal("function(sroa)", 4, 10, Verdict::Crash),
        ] {
            store.record(run, program, StrategyKind::Random, &s).unwrap();
        }
        store
    }

    #[test]
    fn the_report_reads_the_stored_baselines_and_the_best_results() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_a_run(dir.path());
        let input = report_input(&store, "a").unwrap();
        assert_eq!(input.objective, "size");
        assert_eq!(input.results.len(), 1);
        let best = &input.results[0];
        assert_eq!((best.strategy.as_str(), best.pipeline.as_str()), ("random", "function(gvn)"));
        assert_eq!(best.text_bytes, Some(800));
        // Passes plus code generation; the checks are not compile time.
        assert_eq!(best.compile_ms, Some(5.0));
        assert_eq!(best.runtime_ms, Some(3.0));
        let baselines: Vec<(&str, &str)> =
            input.baselines.iter().map(|b| (b.strategy.as_str(), b.pipeline.as_str())).collect();
        assert_eq!(baselines, [("O2", "default<O2>"), ("Oz", "default<Oz>")]);
        let progress: Vec<(u64, f64)> = input.progress.iter().map(|p| (p.eval, p.best)).collect();
        assert_eq!(progress, [(1, 2000.0), (2, 1000.0), (3, 800.0), (4, 800.0)]);
    }

    #[test]
    fn the_export_has_one_record_per_pipeline_with_compile_time_without_checks() {
        let dir = tempfile::tempdir().unwrap();
        let store = store_with_a_run(dir.path());
        let text = export::export(&store, "a").unwrap();
        let records: Vec<serde_json::Value> =
            text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(records.len(), 4);
        let o2 = records.iter().find(|r| r["pipeline"] == "default<O2>").unwrap();
        assert_eq!(o2["backend"], "llvm");
        assert_eq!(o2["strategies"], serde_json::json!(["random"]));
        assert_eq!(o2["verdicts"], serde_json::json!(["ok"]));
        assert_eq!(o2["objective"], "size");
        assert_eq!(o2["binary_hash"], "ir1");
        assert_eq!(o2["compile_ms"], serde_json::json!([5.0]));
        assert_eq!(o2["runtime_ms"], serde_json::json!([4.0, 2.0, 3.0]));
        assert_eq!(o2["args"], "[]");
    }
}
