//! The lab's database in SQLite. The schema is versioned (`PRAGMA user_version`) and
//! migrated forward when a database is opened; each measurement is committed on its own.

use super::{
    Baseline, CONFIRM_METRICS, ConfirmationPairs, LabConfig, Measurement, ProgramId, Row, RunId,
    RunInfo, SCHEMA_VERSION, Store, StoreError, Task, TaskFailure, backend_named, now_ms,
    signal_samples, strategy_named, with_samples,
};
use opm_backend::BackendKind;
use opm_search::{PerformanceSignal, StrategyKind};
use rusqlite::{Connection, OptionalExtension, params};
use std::path::Path;

/// Fills a migration's new tables from the database's data.
type Fill = fn(&Connection) -> Result<(), StoreError>;

/// What each migration fills after its SQL ([`super::schema::migrations`]), by index.
const FILLS: [Option<Fill>; 2] = [
    None,
    // 2: the baselines of the runs stored before.
    Some(baselines_of_version_1),
];

/// The baselines every search of an opm writing schema version 1 measured first, as
/// evaluations 1, 2 and 3 (origin `preset`), in this order.
fn version_1_baselines(backend: BackendKind) -> [&'static str; 3] {
    match backend {
        BackendKind::Llvm => ["O2", "O3", "Oz"],
        BackendKind::Cranelift => ["none", "speed", "speed_native"],
        BackendKind::Gcc => ["O2", "O3", "Os"],
    }
}

/// Reconstructs the baselines of runs stored before version 2 from their measurements: per
/// run and backend, the pipeline measured as evaluation 1, 2 or 3 with origin `preset` is the
/// first, second or third of [`version_1_baselines`] (the pipeline most searches measured
/// there, should they disagree).
fn baselines_of_version_1(conn: &Connection) -> Result<(), StoreError> {
    let mut stmt = conn.prepare(
        "SELECT m.run_id, p.backend, m.eval, m.pipeline_id FROM measurements m
         JOIN pipelines p ON p.id = m.pipeline_id
         WHERE m.origin = 'preset' AND m.eval BETWEEN 1 AND 3
         GROUP BY m.run_id, p.backend, m.eval, m.pipeline_id
         ORDER BY m.run_id, p.backend, m.eval, COUNT(*) DESC, m.pipeline_id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?, r.get::<_, i64>(3)?))
    })?;
    let mut insert = conn.prepare(
        "INSERT OR IGNORE INTO baselines (run_id, backend, name, position, pipeline_id)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for row in rows {
        let (run, backend, eval, pipeline) = row?;
        let names = version_1_baselines(backend_named(&backend)?);
        // Ordered by count first: the first row of each (run, backend, eval) wins.
        let name = names[(eval - 1) as usize];
        insert.execute(params![run, backend, name, eval - 1, pipeline])?;
    }
    Ok(())
}

/// An open lab database in SQLite.
pub struct SqliteStore {
    conn: Connection,
}

impl SqliteStore {
    /// Opens (creating it if needed) the database at `path` and migrates it to the current
    /// schema.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        let mut store = SqliteStore { conn };
        store.migrate()?;
        Ok(store)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let found = self.schema_version()?;
        let migrations = super::schema::migrations(&super::schema::SQLITE);
        let known = migrations.len() as i64;
        debug_assert_eq!(known, SCHEMA_VERSION);
        debug_assert_eq!(FILLS.len(), migrations.len());
        if found > known {
            return Err(StoreError::TooNew { found, known });
        }
        for (i, sql) in migrations.iter().enumerate().skip(found as usize) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            if let Some(fill) = FILLS.get(i).copied().flatten() {
                fill(&tx)?;
            }
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        Ok(())
    }

    fn pipeline(&self, backend: BackendKind, text: &str) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT OR IGNORE INTO pipelines (backend, text) VALUES (?1, ?2)",
            params![backend.name(), text],
        )?;
        Ok(self.conn.query_row(
            "SELECT id FROM pipelines WHERE backend = ?1 AND text = ?2",
            params![backend.name(), text],
            |r| r.get(0),
        )?)
    }

    fn existing_run(&self, tag: &str) -> Result<RunId, StoreError> {
        self.run_id(tag)?.ok_or_else(|| StoreError::NoSuchTag(tag.to_string()))
    }
}

impl Store for SqliteStore {
    fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    fn begin_run(&self, info: &RunInfo) -> Result<RunId, StoreError> {
        if let Some(id) = self.run_id(&info.tag)? {
            return Ok(id);
        }
        let config = serde_json::to_string(&info.config).map_err(|e| StoreError::Invalid {
            what: format!("the options of run `{}`", info.tag),
            message: e.to_string(),
        })?;
        self.conn.execute(
            "INSERT INTO runs (tag, machine, llvm, cranelift, gcc, opm_commit, config, started_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                info.tag,
                info.machine,
                info.llvm,
                info.cranelift,
                info.gcc,
                info.opm_commit,
                config,
                now_ms()
            ],
        )?;
        Ok(RunId(self.conn.last_insert_rowid()))
    }

    fn finish_run(&self, run: RunId) -> Result<(), StoreError> {
        self.conn
            .execute("UPDATE runs SET finished_ms = ?1 WHERE id = ?2", params![now_ms(), run.0])?;
        Ok(())
    }

    fn run_id(&self, tag: &str) -> Result<Option<RunId>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT id FROM runs WHERE tag = ?1", [tag], |r| r.get(0))
            .optional()?
            .map(RunId))
    }

    fn run(&self, tag: &str) -> Result<RunInfo, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT tag, machine, llvm, cranelift, gcc, opm_commit, config FROM runs
                 WHERE tag = ?1",
                [tag],
                |r| {
                    Ok((
                        [r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?],
                        r.get::<_, String>(6)?,
                    ))
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::NoSuchTag(tag.to_string()))?;
        let ([tag, machine, llvm, cranelift, gcc, opm_commit], config) = row;
        let config: LabConfig = serde_json::from_str(&config).map_err(|e| StoreError::Invalid {
            what: format!("the options of run `{tag}`"),
            message: e.to_string(),
        })?;
        Ok(RunInfo { tag, machine, llvm, cranelift, gcc, opm_commit, config })
    }

    fn tags(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT tag FROM runs ORDER BY id")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    fn program(&self, name: &str, source_hash: &str, args: &str) -> Result<ProgramId, StoreError> {
        self.conn.execute(
            "INSERT OR IGNORE INTO programs (name, source_hash, args) VALUES (?1, ?2, ?3)",
            params![name, source_hash, args],
        )?;
        Ok(ProgramId(self.conn.query_row(
            "SELECT id FROM programs WHERE name = ?1 AND source_hash = ?2 AND args = ?3",
            params![name, source_hash, args],
            |r| r.get(0),
        )?))
    }

    fn record_baselines(
        &self,
        run: RunId,
        backend: BackendKind,
        baselines: &[Baseline],
    ) -> Result<(), StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        let stored: i64 = tx.query_row(
            "SELECT COUNT(*) FROM baselines WHERE run_id = ?1 AND backend = ?2",
            params![run.0, backend.name()],
            |r| r.get(0),
        )?;
        if stored == 0 {
            for (position, b) in baselines.iter().filter(|b| b.backend == backend).enumerate() {
                let pipeline = self.pipeline(backend, &b.pipeline)?;
                tx.execute(
                    "INSERT OR IGNORE INTO baselines (run_id, backend, name, position, pipeline_id)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![run.0, backend.name(), b.name, position as i64, pipeline],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn baselines(&self, tag: &str) -> Result<Vec<Baseline>, StoreError> {
        let run = self.existing_run(tag)?;
        let mut stmt = self.conn.prepare(
            "SELECT b.backend, b.name, p.text FROM baselines b
             JOIN pipelines p ON p.id = b.pipeline_id
             WHERE b.run_id = ?1 ORDER BY b.backend, b.position",
        )?;
        let rows = stmt.query_map([run.0], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (backend, name, pipeline) = row?;
            out.push(Baseline { backend: backend_named(&backend)?, name, pipeline });
        }
        Ok(out)
    }

    fn record(
        &self,
        run: RunId,
        program: ProgramId,
        strategy: StrategyKind,
        signal: &PerformanceSignal,
    ) -> Result<(), StoreError> {
        let pipeline = self.pipeline(signal.backend, &signal.pipeline.text())?;
        let m = &signal.metrics;
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT INTO measurements (run_id, program_id, pipeline_id, strategy, origin, eval,
                objective, verdict, detail, instcount, text_bytes, pass_ms, check_ms, codegen_ms,
                binary_hash, finished_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            params![
                run.0,
                program.0,
                pipeline,
                strategy.name(),
                signal.origin.name(),
                signal.eval as i64,
                signal.objective.name(),
                signal.verdict.name(),
                signal.detail,
                m.instcount.map(|v| v as i64),
                m.text_bytes.map(|v| v as i64),
                m.pass_ms,
                m.check_ms,
                m.codegen_ms,
                signal.identity.as_ref().map(|i| i.as_str()),
                signal.finished_ms as i64,
            ],
        )?;
        let id = tx.last_insert_rowid();
        let mut insert = tx.prepare(
            "INSERT INTO samples (measurement_id, metric, idx, value) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (metric, i, value) in signal_samples(signal) {
            insert.execute(params![id, metric, i, value])?;
        }
        drop(insert);
        tx.commit()?;
        Ok(())
    }

    fn record_confirmation(
        &self,
        run: RunId,
        task: &Task,
        winner_pipeline: &str,
        confirmation: &ConfirmationPairs,
    ) -> Result<bool, StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        let ids = "SELECT m.id FROM measurements m JOIN pipelines p ON p.id = m.pipeline_id
                   WHERE m.run_id = ?1 AND m.program_id = ?2 AND p.backend = ?3 AND m.strategy = ?4";
        let metrics = CONFIRM_METRICS.map(|m| format!("'{m}'")).join(", ");
        let key = params![run.0, task.program.0, task.backend.name(), task.strategy.name()];
        tx.execute(
            &format!(
                "DELETE FROM samples WHERE metric IN ({metrics}) AND measurement_id IN ({ids})"
            ),
            key,
        )?;
        let winner: Option<i64> = tx
            .query_row(
                &format!("{ids} AND p.text = ?5 ORDER BY m.eval DESC, m.id DESC LIMIT 1"),
                params![
                    run.0,
                    task.program.0,
                    task.backend.name(),
                    task.strategy.name(),
                    winner_pipeline
                ],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(id) = winner {
            let mut insert = tx.prepare(
                "INSERT INTO samples (measurement_id, metric, idx, value) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for (metric, i, value) in confirmation.samples() {
                insert.execute(params![id, metric, i, value])?;
            }
        }
        tx.commit()?;
        Ok(winner.is_some())
    }

    fn finish_task(
        &self,
        run: RunId,
        task: &Task,
        failure: Option<&str>,
    ) -> Result<(), StoreError> {
        let status = if failure.is_some() { "failed" } else { "done" };
        self.conn.execute(
            "INSERT OR REPLACE INTO tasks (run_id, program_id, backend, strategy, status, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                run.0,
                task.program.0,
                task.backend.name(),
                task.strategy.name(),
                status,
                failure
            ],
        )?;
        Ok(())
    }

    fn task_ended(&self, run: RunId, task: &Task) -> Result<bool, StoreError> {
        let n: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM tasks WHERE run_id = ?1 AND program_id = ?2 AND backend = ?3
             AND strategy = ?4",
            params![run.0, task.program.0, task.backend.name(), task.strategy.name()],
            |r| r.get(0),
        )?;
        Ok(n > 0)
    }

    fn drop_unfinished(&self, run: RunId, task: &Task) -> Result<(), StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        let ids = "SELECT m.id FROM measurements m JOIN pipelines p ON p.id = m.pipeline_id
                   WHERE m.run_id = ?1 AND m.program_id = ?2 AND p.backend = ?3 AND m.strategy = ?4";
        let key = params![run.0, task.program.0, task.backend.name(), task.strategy.name()];
        tx.execute(&format!("DELETE FROM samples WHERE measurement_id IN ({ids})"), key)?;
        tx.execute(&format!("DELETE FROM measurements WHERE id IN ({ids})"), key)?;
        tx.commit()?;
        Ok(())
    }

    fn failures(&self, tag: &str) -> Result<Vec<TaskFailure>, StoreError> {
        let run = self.existing_run(tag)?;
        let mut stmt = self.conn.prepare(
            "SELECT pr.name, t.backend, t.strategy, COALESCE(t.detail, '') FROM tasks t
             JOIN programs pr ON pr.id = t.program_id
             WHERE t.run_id = ?1 AND t.status = 'failed' ORDER BY pr.name, t.backend, t.strategy",
        )?;
        let rows = stmt.query_map([run.0], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (program, backend, strategy, detail) = row?;
            out.push(TaskFailure {
                program,
                backend: backend_named(&backend)?,
                strategy: strategy_named(&strategy)?,
                detail,
            });
        }
        Ok(out)
    }

    fn measurements(&self, tag: &str) -> Result<Vec<Measurement>, StoreError> {
        let run = self.existing_run(tag)?;
        let mut stmt = self.conn.prepare(
            "SELECT m.id, pr.name, pr.args, p.backend, p.text, m.strategy, m.origin, m.eval,
                    m.objective, m.verdict, m.instcount, m.text_bytes, m.pass_ms, m.check_ms,
                    m.codegen_ms, m.binary_hash
             FROM measurements m
             JOIN programs pr ON pr.id = m.program_id
             JOIN pipelines p ON p.id = m.pipeline_id
             WHERE m.run_id = ?1
             ORDER BY pr.name, pr.args, p.backend, m.strategy, m.eval, m.id",
        )?;
        let rows = stmt.query_map([run.0], |r| {
            Ok(Row {
                id: r.get(0)?,
                program: r.get(1)?,
                args: r.get(2)?,
                backend: r.get(3)?,
                pipeline: r.get(4)?,
                strategy: r.get(5)?,
                origin: r.get(6)?,
                eval: r.get(7)?,
                objective: r.get(8)?,
                verdict: r.get(9)?,
                instcount: r.get(10)?,
                text_bytes: r.get(11)?,
                pass_ms: r.get(12)?,
                check_ms: r.get(13)?,
                codegen_ms: r.get(14)?,
                binary_hash: r.get(15)?,
            })
        })?;
        let mut out: Vec<(i64, Measurement)> = Vec::new();
        for row in rows {
            out.push(row?.read()?);
        }
        // Every sample of the run at once, rather than a query per measurement.
        let mut stmt = self.conn.prepare(
            "SELECT s.measurement_id, s.metric, s.value FROM samples s
             JOIN measurements m ON m.id = s.measurement_id
             WHERE m.run_id = ?1
             ORDER BY s.measurement_id, s.metric, s.idx",
        )?;
        let rows = stmt.query_map([run.0], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, f64>(2)?))
        })?;
        let samples = rows.collect::<Result<Vec<_>, _>>()?;
        with_samples(out, samples)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::ConfirmationPairs;
    use opm_backend::Pipeline;
    use opm_search::{Clock, Identity, Metrics, Objective, Origin, RuntimeStats, Tools, Verdict};

    fn config() -> LabConfig {
        LabConfig {
            corpus: "corpus".into(),
            backends: vec![BackendKind::Llvm],
            strategies: vec![StrategyKind::Presets],
            objective: Objective::Runtime,
            budget_evals: Some(10),
            budget_time_s: None,
            runs: 5,
            seed: 1,
            jobs: 1,
            run_timeout_s: None,
            compile_timeout_s: None,
        }
    }

    fn info(tag: &str) -> RunInfo {
        RunInfo {
            tag: tag.into(),
            machine: "m".into(),
            llvm: "22".into(),
            cranelift: "0.135".into(),
            gcc: "12".into(),
            opm_commit: "c".into(),
            config: config(),
        }
    }

    fn signal(
        pipeline: &str,
        eval: u64,
        verdict: Verdict,
        samples_ns: Vec<u64>,
    ) -> PerformanceSignal {
        PerformanceSignal {
            problem: "p".into(),
            backend: BackendKind::Llvm,
            pipeline: Pipeline::read(BackendKind::Llvm, pipeline).unwrap(),
            origin: Origin::Preset,
            objective: Objective::Runtime,
            verdict,
            detail: None,
            metrics: Metrics {
                instcount: Some(10),
                text_bytes: Some(100),
                pass_ms: Some(1.0),
                check_ms: Some(2.0),
                codegen_ms: Some(3.0),
                runtime: RuntimeStats::from_samples(samples_ns),
            },
            identity: Some(Identity::of(BackendKind::Llvm, format!("{pipeline}-ir"))),
            eval,
            started_ms: 1,
            finished_ms: 2,
            tools: Tools { opm: "0.1.0".into(), llvm: "22".into() },
        }
    }

    #[test]
    fn a_new_database_is_migrated_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lab.sqlite");
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
        let run = store.begin_run(&info("a")).unwrap();
        drop(store);
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.begin_run(&info("a")).unwrap(), run, "a tag is resumed, not duplicated");
        assert_eq!(store.run("a").unwrap(), info("a"));
        assert_eq!(store.tags().unwrap(), ["a"]);
        assert!(matches!(store.run("b"), Err(StoreError::NoSuchTag(_))));
        assert!(matches!(store.measurements("b"), Err(StoreError::NoSuchTag(_))));
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lab.sqlite");
        SqliteStore::open(&path).unwrap().conn.pragma_update(None, "user_version", 99).unwrap();
        assert!(matches!(SqliteStore::open(&path), Err(StoreError::TooNew { found: 99, .. })));
    }

    #[test]
    fn measurements_tasks_and_baselines_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("lab.sqlite")).unwrap();
        let run = store.begin_run(&info("a")).unwrap();
        let program = store.program("work", "hash", "[\"3\"]").unwrap();
        assert_eq!(store.program("work", "hash", "[\"3\"]").unwrap(), program);
        let baseline = |name: &str, pipeline: &str| Baseline {
            backend: BackendKind::Llvm,
            name: name.into(),
            pipeline: pipeline.into(),
        };
        let first = [baseline("O2", "default<O2>"), baseline("Oz", "default<Oz>")];
        store.record_baselines(run, BackendKind::Llvm, &first).unwrap();
        // A resumed session keeps what the first one stored.
        store.record_baselines(run, BackendKind::Llvm, &[baseline("O2", "default<O3>")]).unwrap();
        assert_eq!(store.baselines("a").unwrap(), first);

        let task = Task { program, backend: BackendKind::Llvm, strategy: StrategyKind::Presets };
        for s in [
            signal("default<O2>", 1, Verdict::Ok, vec![3_000_000, 1_500_000]),
            signal("default<Oz>", 2, Verdict::Crash, vec![]),
        ] {
            store.record(run, program, task.strategy, &s).unwrap();
        }
        let ms = store.measurements("a").unwrap();
        assert_eq!(ms.len(), 2);
        assert_eq!(ms[0].pipeline, "default<O2>");
        assert_eq!(ms[0].backend, BackendKind::Llvm);
        assert_eq!(ms[0].strategy, StrategyKind::Presets);
        assert_eq!(ms[0].origin, Origin::Preset);
        assert_eq!(ms[0].verdict, Verdict::Ok);
        assert_eq!(ms[0].objective, Objective::Runtime);
        assert_eq!(ms[0].runtime_ms, [3.0, 1.5]);
        assert_eq!(ms[0].compile_ms(), Some(4.0));
        assert_eq!(ms[0].binary_hash.as_ref().map(|h| h.as_str()), Some("default<O2>-ir"));
        assert_eq!(ms[1].verdict, Verdict::Crash);
        assert!(ms[1].runtime_ms.is_empty());

        // An interrupted task's measurements are forgotten; an ended one is remembered.
        assert!(!store.task_ended(run, &task).unwrap());
        store.drop_unfinished(run, &task).unwrap();
        assert!(store.measurements("a").unwrap().is_empty());
        store.finish_task(run, &task, Some("clang-22 failed")).unwrap();
        assert!(store.task_ended(run, &task).unwrap());
        let failures = store.failures("a").unwrap();
        assert_eq!(failures.len(), 1);
        assert_eq!(failures[0].to_string(), "work · llvm · presets: clang-22 failed");
    }

    #[test]
    fn cpu_times_and_a_winners_confirmation_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("lab.sqlite")).unwrap();
        let run = store.begin_run(&info("a")).unwrap();
        let program = store.program("work", "hash", "[]").unwrap();
        let task = Task { program, backend: BackendKind::Llvm, strategy: StrategyKind::Presets };
        // O2 timed on both clocks (a loaded machine: wall-clock times well above CPU times);
        // O1 as an opm that did not record CPU time stored it.
        let mut o2 = signal("default<O2>", 1, Verdict::Ok, vec![]);
        o2.metrics.runtime = RuntimeStats::measured(
            vec![9_000_000, 3_000_000, 5_000_000],
            vec![2_000_000, 2_100_000, 1_900_000],
            Clock::Cpu,
            1,
        );
        let o1 = signal("default<O1>", 2, Verdict::Ok, vec![4_000_000, 6_000_000]);
        for s in [&o2, &o1] {
            store.record(run, program, task.strategy, s).unwrap();
        }
        let ms = store.measurements("a").unwrap();
        assert_eq!(ms[0].runtime_ms, [9.0, 3.0, 5.0]);
        assert_eq!(ms[0].cpu_ms, [2.0, 2.1, 1.9]);
        // The run time a report and a search go by is the CPU time's median.
        assert_eq!(ms[0].run_times(), (Clock::Cpu, &[2.0, 2.1, 1.9][..]));
        assert_eq!(ms[0].score(Objective::Runtime), Some(2.0));
        assert!(ms[1].cpu_ms.is_empty());
        assert_eq!(ms[1].run_times().0, Clock::Wall);
        assert_eq!(ms[1].score(Objective::Runtime), Some(5.0));
        assert!(ms.iter().all(|m| m.confirmation.is_none()));

        let pairs = |winner: f64| ConfirmationPairs {
            baseline_ms: vec![2.0, 2.1, 1.9],
            winner_ms: vec![winner; 3],
            clock: Clock::Cpu,
            threshold: 1.0,
            confidence: 0.95,
            runs_per_sample: 10,
            too_short: false,
        };
        assert!(store.record_confirmation(run, &task, "default<O1>", &pairs(1.0)).unwrap());
        // Confirmed again (a resumed search): the later confirmation replaces the first.
        assert!(store.record_confirmation(run, &task, "default<O1>", &pairs(1.5)).unwrap());
        let ms = store.measurements("a").unwrap();
        assert_eq!(ms[1].confirmation, Some(pairs(1.5)));
        assert!(ms[0].confirmation.is_none());
        // Its speed-up: 2.0/1.5, 2.1/1.5 and 1.9/1.5, whose interval is above 1.
        let c = ms[1].confirmation.as_ref().unwrap().comparison().unwrap();
        assert_eq!(c.verdict, opm_search::timing::Speedup::Faster);
        assert!((c.speedup - 4.0 / 3.0).abs() < 0.01, "{c:?}");
        // A winner the task never measured: nothing stored, and the old one gone.
        assert!(!store.record_confirmation(run, &task, "default<O3>", &pairs(1.0)).unwrap());
        assert!(store.measurements("a").unwrap().iter().all(|m| m.confirmation.is_none()));
        // A confirmation whose pairs do not match is refused on reading, not guessed at.
        store.record_confirmation(run, &task, "default<O1>", &pairs(1.0)).unwrap();
        store
            .conn
            .execute("DELETE FROM samples WHERE metric = 'confirm_winner_ms' AND idx = 2", [])
            .unwrap();
        let e = store.measurements("a").unwrap_err();
        assert!(e.to_string().contains("3 baseline times for 2 winner times"), "{e}");
    }

    #[test]
    fn unknown_names_in_the_database_are_errors_naming_them() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("lab.sqlite")).unwrap();
        let run = store.begin_run(&info("a")).unwrap();
        let program = store.program("work", "hash", "[]").unwrap();
        let ok = signal("default<O2>", 1, Verdict::Ok, vec![1]);
        store.record(run, program, StrategyKind::Presets, &ok).unwrap();
        store.conn.execute("UPDATE measurements SET verdict = 'exploded'", []).unwrap();
        let e = store.measurements("a").unwrap_err();
        assert_eq!(e.to_string(), "the lab database holds an unknown verdict `exploded`");
        store.conn.execute("UPDATE measurements SET verdict = 'ok'", []).unwrap();
        store.conn.execute("UPDATE pipelines SET backend = 'msvc'", []).unwrap();
        let e = store.measurements("a").unwrap_err();
        assert!(matches!(&e, StoreError::Unknown { what: "backend", value } if value == "msvc"));
        store.conn.execute("UPDATE runs SET config = '{\"objective\": \"speed\"}'", []).unwrap();
        let e = store.run("a").unwrap_err();
        assert!(e.to_string().contains("the options of run `a`"), "{e}");
    }

    /// A database as an opm of schema version 1 wrote it: runs of every backend, each search
    /// measuring its backend's three baselines first.
    fn version_1_database(path: &Path) {
        let conn = Connection::open(path).unwrap();
        conn.execute_batch(&super::super::schema::migrations(&super::super::schema::SQLITE)[0])
            .unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        let config = r#"{"backends":["llvm","cranelift","gcc"],"budget_evals":4,"budget_time_s":null,"corpus":"c","jobs":1,"objective":"runtime","runs":3,"seed":1,"strategies":["presets","random"]}"#;
        for tag in ["old", "empty"] {
            conn.execute(
                "INSERT INTO runs (tag, machine, llvm, cranelift, gcc, opm_commit, config,
                 started_ms) VALUES (?1, 'm', '22', '0.135', '12', 'c', ?2, 0)",
                params![tag, config],
            )
            .unwrap();
        }
        conn.execute("INSERT INTO programs (name, source_hash, args) VALUES ('p', 'h', '[]')", [])
            .unwrap();
        conn.execute("INSERT INTO programs (name, source_hash, args) VALUES ('q', 'h', '[]')", [])
            .unwrap();
        let searches: [(&str, &[&str]); 3] = [
            ("llvm", &["default<O2>", "default<O3>", "default<Oz>", "default<O1>"]),
            ("cranelift", &["", "opt_level=speed", "opt_level=speed,has_sse3=true"]),
            ("gcc", &["-O2", "-O3", "-Os", "-O2 -funroll-loops"]),
        ];
        let mut measurement = 0;
        for program in [1, 2] {
            for strategy in ["presets", "random"] {
                for (backend, pipelines) in searches {
                    for (i, text) in pipelines.iter().enumerate() {
                        conn.execute(
                            "INSERT OR IGNORE INTO pipelines (backend, text) VALUES (?1, ?2)",
                            params![backend, text],
                        )
                        .unwrap();
                        let pipeline: i64 = conn
                            .query_row(
                                "SELECT id FROM pipelines WHERE backend = ?1 AND text = ?2",
                                params![backend, text],
                                |r| r.get(0),
                            )
                            .unwrap();
                        let origin = if i < 3 { "preset" } else { strategy_origin(strategy) };
                        conn.execute(
                            "INSERT INTO measurements (run_id, program_id, pipeline_id, strategy,
                             origin, eval, objective, verdict, instcount, text_bytes, pass_ms,
                             check_ms, codegen_ms, binary_hash, finished_ms)
                             VALUES (1, ?1, ?2, ?3, ?4, ?5, 'runtime', 'ok', 10, 100, 1.0, 2.0,
                             3.0, 'abcd', 0)",
                            params![program, pipeline, strategy, origin, i as i64 + 1],
                        )
                        .unwrap();
                        measurement += 1;
                        for idx in 0..3 {
                            conn.execute(
                                "INSERT INTO samples (measurement_id, metric, idx, value)
                                 VALUES (?1, 'runtime_ms', ?2, ?3)",
                                params![measurement, idx, 10.0 + idx as f64],
                            )
                            .unwrap();
                        }
                    }
                }
            }
        }
    }

    fn strategy_origin(strategy: &str) -> &'static str {
        if strategy == "presets" { "preset" } else { "random" }
    }

    #[test]
    fn version_1_baselines_are_reconstructed_from_the_measurements() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lab.sqlite");
        version_1_database(&path);
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), 2);
        let got: Vec<(BackendKind, String, String)> = store
            .baselines("old")
            .unwrap()
            .into_iter()
            .map(|b| (b.backend, b.name, b.pipeline))
            .collect();
        let want = [
            (BackendKind::Cranelift, "none", ""),
            (BackendKind::Cranelift, "speed", "opt_level=speed"),
            (BackendKind::Cranelift, "speed_native", "opt_level=speed,has_sse3=true"),
            (BackendKind::Gcc, "O2", "-O2"),
            (BackendKind::Gcc, "O3", "-O3"),
            (BackendKind::Gcc, "Os", "-Os"),
            (BackendKind::Llvm, "O2", "default<O2>"),
            (BackendKind::Llvm, "O3", "default<O3>"),
            (BackendKind::Llvm, "Oz", "default<Oz>"),
        ]
        .map(|(b, n, p)| (b, n.to_string(), p.to_string()));
        assert_eq!(got, want);
        assert!(store.baselines("empty").unwrap().is_empty());
        // The rest of the run reads back as before, typed.
        let run = store.run("old").unwrap();
        assert_eq!(run.config.objective, Objective::Runtime);
        assert_eq!(run.config.strategies, [StrategyKind::Presets, StrategyKind::Random]);
        let ms = store.measurements("old").unwrap();
        assert_eq!(ms.len(), 2 * 2 * 11);
        assert!(ms.iter().all(|m| m.runtime_ms == [10.0, 11.0, 12.0]));
        assert!(ms.iter().all(|m| m.compile_ms() == Some(4.0)));
        drop(store);
        // Migrated once: reopening changes nothing.
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.baselines("old").unwrap().len(), 9);
    }
}
