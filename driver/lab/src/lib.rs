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

use report::{ConfirmVerdict, Confirmed, ProgressPoint, ReportInput, ResultRow};
use std::collections::BTreeMap;
use store::{ConfirmationPairs, Measurement, Store, StoreError};

/// The evaluation budget of each search of a lab when none is given, for a strategy that does
/// not stop by itself.
pub const DEFAULT_EVALS: u64 = 40;

fn row(m: &Measurement, strategy: &str) -> ResultRow {
    let (clock, times) = m.run_times();
    ResultRow {
        program: m.program.clone(),
        backend: m.backend.name().to_string(),
        strategy: strategy.to_string(),
        pipeline: m.pipeline.clone(),
        instcount: m.instcount,
        text_bytes: m.text_bytes,
        runtime_ms: stats::median(times),
        compile_ms: m.compile_ms(),
        runtime_clock: (!times.is_empty()).then_some(clock),
        noise: opm_search::timing::coefficient_of_variation(times),
        binary: m.binary_hash.as_ref().map(|h| h.as_str().to_string()),
        confirmation: None,
    }
}

/// A stored confirmation as the report states it: the verdict computed again from the pairs,
/// as the engine computed it.
fn confirmed(winner: &str, c: &ConfirmationPairs) -> Confirmed {
    use opm_search::timing::Speedup;
    let comparison = c.comparison();
    Confirmed {
        winner_pipeline: winner.to_string(),
        verdict: match comparison.map(|c| c.verdict) {
            None => ConfirmVerdict::TooShort,
            Some(Speedup::Faster) => ConfirmVerdict::Faster,
            Some(Speedup::Slower) => ConfirmVerdict::Slower,
            Some(Speedup::NotSignificant) => ConfirmVerdict::NotSignificant,
        },
        speedup: comparison.map(|c| c.speedup),
        interval: comparison.map(|c| c.interval),
        confidence: c.confidence,
        threshold: c.threshold,
        pairs: c.baseline_ms.len().min(c.winner_ms.len()),
        runs_per_sample: c.runs_per_sample,
        clock: c.clock,
    }
}

/// The result of one search for the report. A search whose run-time winner was confirmed
/// gives what it delivered: the winner when it stood, else its backend's speed reference
/// (which stayed the winner), each with the confirmation. Otherwise, its best measurement for
/// the objective.
fn task_result(
    ms: &[&Measurement],
    objective: opm_search::Objective,
    speed_reference: Option<&str>,
    strategy: &str,
) -> Option<ResultRow> {
    let ok = |m: &&&Measurement| m.verdict == opm_search::Verdict::Ok;
    if let Some(winner) = ms.iter().filter(ok).rev().find(|m| m.confirmation.is_some())
        && let Some(pairs) = &winner.confirmation
    {
        let c = confirmed(&winner.pipeline, pairs);
        let kept = match c.verdict {
            ConfirmVerdict::Faster => Some(*winner),
            _ => {
                ms.iter().filter(ok).find(|m| Some(m.pipeline.as_str()) == speed_reference).copied()
            }
        };
        let mut result = row(kept.unwrap_or(winner), strategy);
        result.confirmation = Some(c);
        return Some(result);
    }
    let scored = ms.iter().filter(ok).filter_map(|m| Some((m.score(objective)?, *m)));
    scored.min_by(|a, b| a.0.total_cmp(&b.0)).map(|(_, best)| row(best, strategy))
}

/// What `bench report` draws for the run tagged `tag`: each (program, backend, strategy)'s
/// result (for a search whose run-time winner was confirmed, what it delivered, with the
/// confirmation; otherwise its best measurement), each backend's baselines (as stored with
/// the run), and best-so-far after each evaluation. Run times are CPU times where a
/// measurement has one for every run, else wall-clock times.
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
    let references = compare::speed_references(store, tag)?;
    for ((_, _, strategy), ms) in &tasks {
        let reference = ms.first().and_then(|m| references.get(&m.backend)).map(String::as_str);
        if let Some(result) = task_result(ms, objective, reference, strategy) {
            input.results.push(result);
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

/// What `bench` warns about timing for the run tagged `tag` (noisy programs, programs too
/// short to time: [`report::timing_warnings`]).
pub fn timing_warnings(store: &dyn Store, tag: &str) -> Result<Vec<String>, StoreError> {
    Ok(report::timing_warnings(&report_input(store, tag)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use opm_backend::{BackendKind, Pipeline};
    use opm_search::{
        Clock, Identity, Metrics, Objective, Origin, PerformanceSignal, RuntimeStats, StrategyKind,
        Tools, Verdict,
    };
    use store::{Baseline, ConfirmationPairs, LabConfig, RunInfo, SqliteStore, Task};

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
                run_timeout_s: None,
                compile_timeout_s: None,
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

    /// A lab of the runtime objective, one LLVM presets search (on CPU time): O2 runs 10 ms
    /// and O1 5 ms by their search's samples (the fastest of noisy candidates); O1, the
    /// winner, then timed against O2 in ten pairs, O2's times `baseline_ms` and O1's
    /// `winner_ms`.
    fn runtime_store(dir: &std::path::Path, baseline_ms: &[f64], winner_ms: &[f64]) -> SqliteStore {
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
                strategies: vec![StrategyKind::Presets],
                objective: Objective::Runtime,
                budget_evals: None,
                budget_time_s: None,
                runs: 5,
                seed: 1,
                jobs: 1,
                run_timeout_s: None,
                compile_timeout_s: None,
            },
        };
        let run = store.begin_run(&info).unwrap();
        let program = store.program("work", "h", "[]").unwrap();
        let o2 = Baseline {
            backend: BackendKind::Llvm,
            name: "O2".into(),
            pipeline: "default<O2>".into(),
        };
        store.record_baselines(run, BackendKind::Llvm, &[o2]).unwrap();
        for (pipeline, eval, cpu_ms) in [("default<O2>", 1, 10.0), ("default<O1>", 2, 5.0)] {
            let mut s = signal(pipeline, eval, 1000, Verdict::Ok);
            s.objective = Objective::Runtime;
            let ns = |ms: f64| (ms * 1e6) as u64;
            let cpu: Vec<u64> = [1.0, 1.02, 0.98].iter().map(|f| ns(cpu_ms * f)).collect();
            let wall = cpu.iter().map(|c| c * 3).collect();
            s.metrics.runtime = RuntimeStats::measured(wall, cpu, Clock::Cpu, 2);
            store.record(run, program, StrategyKind::Presets, &s).unwrap();
        }
        let pairs = ConfirmationPairs {
            baseline_ms: baseline_ms.to_vec(),
            winner_ms: winner_ms.to_vec(),
            clock: Clock::Cpu,
            threshold: 1.0,
            confidence: 0.95,
            runs_per_sample: 2,
            too_short: false,
        };
        let task = Task { program, backend: BackendKind::Llvm, strategy: StrategyKind::Presets };
        assert!(store.record_confirmation(run, &task, "default<O1>", &pairs).unwrap());
        store
    }

    const O2_PAIRS: [f64; 10] = [10.0, 10.2, 9.9, 10.1, 10.0, 9.8, 10.3, 10.0, 9.9, 10.1];

    #[test]
    fn a_stored_confirmation_not_significantly_faster_is_not_claimed() {
        let dir = tempfile::tempdir().unwrap();
        // Pair by pair, O1 is as fast as O2.
        let o1 = [9.9, 10.3, 9.8, 10.0, 10.1, 9.9, 10.2, 9.9, 10.0, 10.0];
        let store = runtime_store(dir.path(), &O2_PAIRS, &o1);
        let input = report_input(&store, "a").unwrap();
        // The search delivered O2, which stayed the winner; run times are CPU times.
        let result = &input.results[0];
        assert_eq!(result.pipeline, "default<O2>");
        assert_eq!(result.runtime_clock, Some(Clock::Cpu));
        assert_eq!(result.runtime_ms, Some(10.0));
        let c = result.confirmation.as_ref().unwrap();
        assert_eq!(
            (c.verdict, c.winner_pipeline.as_str()),
            (ConfirmVerdict::NotSignificant, "default<O1>")
        );
        let out = dir.path().join("report");
        report::write_report(&input, &out).unwrap();
        let md = std::fs::read_to_string(out.join("report.md")).unwrap();
        // Not 2.000 (10 ms over 5 ms, the search's medians): 1.0, the rule said.
        assert!(md.contains("| llvm | 1 | 1.000 | 1 not significant |"), "{md}");
        assert!(md.contains(") not significant | "), "{md}");
        assert!(
            md.contains("`default<O1>` was not significantly faster than `default<O2>`"),
            "{md}"
        );
        // The export carries both clocks and the pairs.
        let text = export::export(&store, "a").unwrap();
        let records: Vec<serde_json::Value> =
            text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        let o1 = records.iter().find(|r| r["pipeline"] == "default<O1>").unwrap();
        assert_eq!(o1["cpu_ms"], serde_json::json!([5.0, 5.1, 4.9]));
        assert_eq!(o1["confirmations"][0]["verdict"], "not significant");
        assert_eq!(o1["confirmations"][0]["winner_ms"].as_array().map(Vec::len), Some(10));
    }

    #[test]
    fn a_stored_confirmation_faster_gives_its_ratio_with_its_interval() {
        let dir = tempfile::tempdir().unwrap();
        let o1 = [8.1, 8.0, 8.3, 8.0, 7.9, 8.1, 8.2, 8.0, 8.0, 8.1];
        let store = runtime_store(dir.path(), &O2_PAIRS, &o1);
        let input = report_input(&store, "a").unwrap();
        assert_eq!(input.results[0].pipeline, "default<O1>");
        let out = dir.path().join("report");
        report::write_report(&input, &out).unwrap();
        let md = std::fs::read_to_string(out.join("report.md")).unwrap();
        // The pairs' speed-up (about 1.25), not the search's 2.0.
        let c = opm_search::timing::compare_pairs(&O2_PAIRS, &o1, 0.95, 1.0).unwrap();
        assert!(c.interval.0 > 1.0 && (c.speedup - 1.25).abs() < 0.02, "{c:?}");
        let headline = format!("| llvm | 1 | {:.3} | 1 faster |", c.speedup);
        assert!(md.contains(&headline), "{md}");
        let figure = format!("{:.3} ({:.3}–{:.3}) faster", c.speedup, c.interval.0, c.interval.1);
        assert!(md.contains(&figure), "{md}");
        let svg = std::fs::read_to_string(out.join("speedup.svg")).unwrap();
        assert!(svg.contains("95% interval"), "{svg}");
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
        // No CPU time, no confirmation: nothing said of them.
        assert!(o2.get("cpu_ms").is_none() && o2.get("confirmations").is_none(), "{o2}");
    }
}
