//! `opm-driver bench compare TAG_A TAG_B`: per program, backend and metric, the change from
//! run A to run B with its significance, as LNT does: min-of-N with a Mann-Whitney U test for
//! run times, any change of 1% or more for sizes and counts, and nothing flagged when the
//! binary and its arguments did not change. Metrics: the run time of each backend's reference
//! pipeline (LLVM's and GCC's O2, Cranelift's `speed`, as each run stored its baselines), and
//! the smallest `.text` and instruction count each run found. Run times are CPU times
//! (`cpu_ms`) when both runs have one for every sample, else wall-clock times
//! (`runtime_ms`); the metric's name says which. Everything comes from the store: comparing
//! runs never opens a backend.

use super::stats::{Change, compare, geomean};
use super::store::{CPU, Measurement, RUNTIME, Store, StoreError};
use opm_backend::BackendKind;
use opm_search::{Clock, Verdict};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One compared (program, backend, metric).
#[derive(Clone, Debug)]
pub struct Row {
    pub program: String,
    pub backend: BackendKind,
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

/// The pipeline text of each backend's speed reference (see the module's doc) in the run
/// tagged `tag`, from the baselines stored with it.
pub fn speed_references(
    store: &dyn Store,
    tag: &str,
) -> Result<BTreeMap<BackendKind, String>, StoreError> {
    let mut out = BTreeMap::new();
    for b in store.baselines(tag)? {
        if super::report::SPEED_REFERENCE.contains(&(b.backend.name(), b.name.as_str())) {
            out.insert(b.backend, b.pipeline);
        }
    }
    Ok(out)
}

/// Compares the runs tagged `a` and `b`, from what the store holds (no backend is asked).
pub fn compare_tags(store: &dyn Store, a: &str, b: &str) -> Result<Comparison, StoreError> {
    let group = |ms: Vec<Measurement>| {
        let mut by: BTreeMap<(String, &'static str), Vec<Measurement>> = BTreeMap::new();
        for m in ms.into_iter().filter(|m| m.verdict == Verdict::Ok) {
            by.entry((m.program.clone(), m.backend.name())).or_default().push(m);
        }
        by
    };
    let (runs_a, runs_b) = (group(store.measurements(a)?), group(store.measurements(b)?));
    let (references_a, references_b) = (speed_references(store, a)?, speed_references(store, b)?);
    let mut rows = Vec::new();
    let mut unmatched = Vec::new();
    for (key, ma) in &runs_a {
        let Some(mb) = runs_b.get(key) else {
            unmatched.push(format!("{} · {} (only in {a})", key.0, key.1));
            continue;
        };
        let program = key.0.clone();
        let Some(backend) = ma.first().map(|m| m.backend) else { continue };
        let mut push = |metric, change: Option<Change>| {
            if let Some(change) = change {
                rows.push(Row { program: program.clone(), backend, metric, change });
            }
        };
        if let (Some(ref_a), Some(ref_b)) = (references_a.get(&backend), references_b.get(&backend))
        {
            let (sa, ha) = runtime_samples(ma, ref_a);
            let (sb, hb) = runtime_samples(mb, ref_b);
            // CPU time where both runs have it for every sample, else wall-clock time.
            let (metric, sa, sb) = match (sa.cpu, sb.cpu) {
                (Some(ca), Some(cb)) => (CPU, ca, cb),
                _ => (RUNTIME, sa.wall, sb.wall),
            };
            if !sa.is_empty() && !sb.is_empty() {
                push(metric, compare(&sa, &sb, ha == hb && ha.is_some(), false));
            }
        }
        for (metric, get) in [
            ("text_bytes", (|m: &Measurement| m.text_bytes) as fn(&Measurement) -> Option<u64>),
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

/// A pipeline's run-time samples, pooled over the strategies that measured it: wall-clock
/// times, and CPU times when every measurement has one for every sample.
struct Samples {
    wall: Vec<f64>,
    cpu: Option<Vec<f64>>,
}

/// The run-time samples of `pipeline` (pooled over the strategies that measured it), and its
/// binary's identity with the program's arguments (`None` when they disagree).
fn runtime_samples(ms: &[Measurement], pipeline: &str) -> (Samples, Option<String>) {
    let matching: Vec<&Measurement> =
        ms.iter().filter(|m| m.pipeline == pipeline && !m.runtime_ms.is_empty()).collect();
    let wall = matching.iter().flat_map(|m| m.runtime_ms.iter().copied()).collect();
    let all_cpu = matching.iter().all(|m| m.run_times().0 == Clock::Cpu);
    let cpu = all_cpu.then(|| matching.iter().flat_map(|m| m.cpu_ms.iter().copied()).collect());
    let identity = |m: &&Measurement| format!("{:?} {}", m.binary_hash, m.args);
    let first = matching.first().map(identity);
    let same = matching.iter().all(|m| Some(identity(m)) == first);
    (Samples { wall, cpu }, if same { first } else { None })
}

/// The smallest value of a metric over the measurements, with the identity (binary and
/// arguments) of the measurement that has it.
fn smallest(
    ms: &[Measurement],
    get: fn(&Measurement) -> Option<u64>,
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
            r.backend.name(),
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
    let has = |metric: &str| c.rows.iter().any(|r| r.metric == metric);
    let clocks = match (has(CPU), has(RUNTIME)) {
        (true, false) => "CPU time (cpu_ms)",
        (false, true) => "wall-clock time (runtime_ms): a run stored no CPU time",
        (true, true) => {
            "CPU time (cpu_ms) where both runs have it for every sample, else wall-clock \
             time (runtime_ms)"
        }
        (false, false) => "",
    };
    if !clocks.is_empty() {
        let _ = writeln!(out, "run times: {clocks}");
    }
    let mut by: BTreeMap<(&str, &str), Vec<f64>> = BTreeMap::new();
    for r in &c.rows {
        by.entry((r.backend.name(), r.metric)).or_default().push(r.change.ratio);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Baseline, LabConfig, ProgramId, RunId, RunInfo, SqliteStore};
    use opm_backend::Pipeline;
    use opm_search::{
        Identity, Metrics, Objective, Origin, PerformanceSignal, RuntimeStats, StrategyKind, Tools,
    };

    /// Run times in ms, 5 a side: `SLOW` is 20% slower than `BASE`.
    const BASE: [f64; 5] = [100.0, 101.0, 99.0, 100.5, 99.5];
    const SLOW: [f64; 5] = [120.0, 121.0, 119.0, 120.5, 119.5];

    /// A run of one program whose LLVM O2 was measured with `runtime_ms` and built to the
    /// binary `binary`.
    fn record_run(store: &dyn Store, tag: &str, runtime_ms: &[f64], binary: &str) {
        record_timed_run(store, tag, runtime_ms, None, binary)
    }

    /// [`record_run`], with the CPU time of each run when `cpu_ms` says it.
    fn record_timed_run(
        store: &dyn Store,
        tag: &str,
        runtime_ms: &[f64],
        cpu_ms: Option<&[f64]>,
        binary: &str,
    ) {
        let info = RunInfo {
            tag: tag.into(),
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
                runs: runtime_ms.len(),
                seed: 1,
                jobs: 1,
                run_timeout_s: None,
                compile_timeout_s: None,
            },
        };
        let run: RunId = store.begin_run(&info).unwrap();
        let program: ProgramId = store.program("work", "source", "[\"300\"]").unwrap();
        let o2 = Baseline {
            backend: BackendKind::Llvm,
            name: "O2".into(),
            pipeline: "default<O2>".into(),
        };
        store.record_baselines(run, BackendKind::Llvm, &[o2]).unwrap();
        let ns = |ms: &[f64]| ms.iter().map(|ms| (ms * 1e6) as u64).collect::<Vec<u64>>();
        let runtime = RuntimeStats::measured(
            ns(runtime_ms),
            cpu_ms.map(ns).unwrap_or_default(),
            opm_search::Clock::Cpu,
            1,
        );
        let signal = PerformanceSignal {
            problem: "p".into(),
            backend: BackendKind::Llvm,
            pipeline: Pipeline::read(BackendKind::Llvm, "default<O2>").unwrap(),
            origin: Origin::Preset,
            objective: Objective::Runtime,
            verdict: Verdict::Ok,
            detail: None,
            metrics: Metrics {
                instcount: Some(100),
                text_bytes: Some(1000),
                pass_ms: Some(1.0),
                check_ms: Some(1.0),
                codegen_ms: Some(1.0),
                runtime,
            },
            identity: Some(Identity::of(BackendKind::Llvm, binary.into())),
            eval: 1,
            started_ms: 0,
            finished_ms: 0,
            tools: Tools { opm: "0.1.0".into(), llvm: "22".into() },
        };
        store.record(run, program, StrategyKind::Presets, &signal).unwrap();
        store.finish_run(run).unwrap();
    }

    fn runtime_row(c: &Comparison) -> &Row {
        let rows: Vec<&Row> = c.rows.iter().filter(|r| r.metric == "runtime_ms").collect();
        assert_eq!(rows.len(), 1, "{c:?}");
        rows[0]
    }

    #[test]
    fn a_recorded_slowdown_is_flagged_and_identical_samples_are_not() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("lab.sqlite")).unwrap();
        // Three builds of the program, so that no verdict comes from "the same binary".
        record_run(&store, "a", &BASE, "binary-a");
        record_run(&store, "slow", &SLOW, "binary-slow");
        record_run(&store, "same", &BASE, "binary-same");

        let slower = compare_tags(&store, "a", "slow").unwrap();
        let row = runtime_row(&slower);
        assert_eq!((row.program.as_str(), row.backend), ("work", BackendKind::Llvm));
        assert_eq!((row.change.baseline, row.change.current), (99.0, 119.0));
        assert!(row.change.p_value.is_some_and(|p| p < crate::stats::ALPHA));
        assert!(row.change.is_regression());
        assert!(slower.has_regression());
        let text = render(&slower);
        assert!(text.contains("regressions: 1") && text.contains("+20.2%"), "{text}");

        let same = compare_tags(&store, "a", "same").unwrap();
        let row = runtime_row(&same);
        assert_eq!(row.change.ratio, 1.0);
        assert!(!row.change.flagged);
        assert!(!same.has_regression());
        // Equal sizes and counts are not flagged either.
        assert_eq!(same.rows.len(), 3);
        assert!(same.rows.iter().all(|r| !r.change.flagged));
        assert!(same.unmatched.is_empty());

        // The other way round, the slowdown is an improvement.
        let faster = compare_tags(&store, "slow", "a").unwrap();
        assert!(runtime_row(&faster).change.is_improvement() && !faster.has_regression());
        assert!(matches!(compare_tags(&store, "a", "nope"), Err(StoreError::NoSuchTag(_))));
    }

    #[test]
    fn cpu_times_are_compared_when_both_runs_have_them() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("lab.sqlite")).unwrap();
        // The same wall-clock times (a machine whose load hides it), 20% more CPU time.
        record_timed_run(&store, "a", &BASE, Some(&BASE), "binary-a");
        record_timed_run(&store, "b", &BASE, Some(&SLOW), "binary-b");
        record_run(&store, "old", &BASE, "binary-old");
        let c = compare_tags(&store, "a", "b").unwrap();
        let rows: Vec<&Row> = c.rows.iter().filter(|r| r.metric == "cpu_ms").collect();
        assert_eq!(rows.len(), 1, "{c:?}");
        assert!(rows[0].change.is_regression(), "{c:?}");
        assert!(c.rows.iter().all(|r| r.metric != "runtime_ms"));
        let text = render(&c);
        assert!(text.contains("regressions: 1") && text.contains("cpu_ms"), "{text}");
        assert!(text.contains("run times: CPU time (cpu_ms)"), "{text}");
        // A run stored without CPU times: both compared on the wall clock, and said so.
        let c = compare_tags(&store, "old", "b").unwrap();
        assert!(!runtime_row(&c).change.flagged, "{c:?}");
        let text = render(&c);
        assert!(text.contains("run times: wall-clock time (runtime_ms)"), "{text}");
    }

    #[test]
    fn the_same_binary_is_not_flagged_whatever_its_samples() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("lab.sqlite")).unwrap();
        record_run(&store, "a", &BASE, "one-binary");
        record_run(&store, "b", &SLOW, "one-binary");
        let c = compare_tags(&store, "a", "b").unwrap();
        assert!(c.rows.iter().all(|r| !r.change.flagged), "{c:?}");
        assert!(!c.has_regression());
    }
}
