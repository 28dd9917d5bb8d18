//! The lab's SQLite database: runs (a tag with its machine and tool versions), programs,
//! pipelines, every measurement with every sample, and the lab's tasks (what is done, for
//! resuming). The schema is versioned (`PRAGMA user_version`) and migrated forward when a
//! database is opened; each measurement is committed on its own.

use crate::model::PerformanceSignal;
use rusqlite::{Connection, OptionalExtension, params};
use std::path::Path;

/// Schema migrations, in order: migration `i` brings a database from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: the first schema.
    "CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        tag TEXT NOT NULL UNIQUE,
        machine TEXT NOT NULL,
        llvm TEXT NOT NULL,
        cranelift TEXT NOT NULL,
        gcc TEXT NOT NULL,
        opm_commit TEXT NOT NULL,
        config TEXT NOT NULL,
        started_ms INTEGER NOT NULL,
        finished_ms INTEGER
    );
    CREATE TABLE programs (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        source_hash TEXT NOT NULL,
        args TEXT NOT NULL,
        UNIQUE (name, source_hash, args)
    );
    CREATE TABLE pipelines (
        id INTEGER PRIMARY KEY,
        backend TEXT NOT NULL,
        text TEXT NOT NULL,
        UNIQUE (backend, text)
    );
    CREATE TABLE measurements (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES runs(id),
        program_id INTEGER NOT NULL REFERENCES programs(id),
        pipeline_id INTEGER NOT NULL REFERENCES pipelines(id),
        strategy TEXT NOT NULL,
        origin TEXT NOT NULL,
        eval INTEGER NOT NULL,
        objective TEXT NOT NULL,
        verdict TEXT NOT NULL,
        detail TEXT,
        instcount INTEGER,
        text_bytes INTEGER,
        pass_ms REAL,
        check_ms REAL,
        codegen_ms REAL,
        binary_hash TEXT,
        finished_ms INTEGER NOT NULL
    );
    CREATE INDEX measurements_by_run ON measurements (run_id, program_id);
    CREATE TABLE samples (
        measurement_id INTEGER NOT NULL REFERENCES measurements(id),
        metric TEXT NOT NULL,
        idx INTEGER NOT NULL,
        value REAL NOT NULL
    );
    CREATE INDEX samples_by_measurement ON samples (measurement_id);
    CREATE TABLE tasks (
        run_id INTEGER NOT NULL REFERENCES runs(id),
        program_id INTEGER NOT NULL REFERENCES programs(id),
        backend TEXT NOT NULL,
        strategy TEXT NOT NULL,
        status TEXT NOT NULL,
        detail TEXT,
        PRIMARY KEY (run_id, program_id, backend, strategy)
    );",
];

/// What went wrong with the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the lab database: {0}")]
    Sql(#[from] rusqlite::Error),
    /// The database was written by a newer opm.
    #[error("the lab database has schema version {found}; this opm knows versions up to {known}")]
    TooNew { found: i64, known: i64 },
    /// A tag that is not in the database.
    #[error("no run tagged `{0}` in the lab database")]
    NoSuchTag(String),
}

/// A run's identity and the versions of what measured it.
#[derive(Clone, Debug, PartialEq)]
pub struct RunInfo {
    pub tag: String,
    pub machine: String,
    pub llvm: String,
    pub cranelift: String,
    pub gcc: String,
    pub opm_commit: String,
    /// The lab's options, as JSON.
    pub config: String,
}

/// One stored measurement with its samples, as `compare`, `report` and `export` read them.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Measurement {
    pub program: String,
    pub args: String,
    pub backend: String,
    pub pipeline: String,
    pub strategy: String,
    pub origin: String,
    pub eval: i64,
    pub objective: String,
    pub verdict: String,
    pub instcount: Option<i64>,
    pub text_bytes: Option<i64>,
    pub pass_ms: Option<f64>,
    pub check_ms: Option<f64>,
    pub codegen_ms: Option<f64>,
    pub binary_hash: Option<String>,
    /// Run times in milliseconds, every sample.
    pub runtime_ms: Vec<f64>,
}

/// An open lab database.
pub struct Store {
    conn: Connection,
}

impl Store {
    /// Opens (creating it if needed) the database at `path` and migrates it to the current
    /// schema.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "foreign_keys", true)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        let mut store = Store { conn };
        store.migrate()?;
        Ok(store)
    }

    /// The schema version of the database.
    pub fn version(&self) -> Result<i64, StoreError> {
        Ok(self.conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let found = self.version()?;
        let known = MIGRATIONS.len() as i64;
        if found > known {
            return Err(StoreError::TooNew { found, known });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// The id of the run `info.tag`, created if new (an existing run is resumed: its
    /// recorded versions stay).
    pub fn begin_run(&self, info: &RunInfo) -> Result<i64, StoreError> {
        if let Some(id) = self.run_id(&info.tag)? {
            return Ok(id);
        }
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
                info.config,
                now_ms()
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Marks the run finished.
    pub fn finish_run(&self, run: i64) -> Result<(), StoreError> {
        self.conn
            .execute("UPDATE runs SET finished_ms = ?1 WHERE id = ?2", params![now_ms(), run])?;
        Ok(())
    }

    /// The id of the run tagged `tag`, if any.
    pub fn run_id(&self, tag: &str) -> Result<Option<i64>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT id FROM runs WHERE tag = ?1", [tag], |r| r.get(0))
            .optional()?)
    }

    /// The run tagged `tag`.
    pub fn run(&self, tag: &str) -> Result<RunInfo, StoreError> {
        self.conn
            .query_row(
                "SELECT tag, machine, llvm, cranelift, gcc, opm_commit, config FROM runs
                 WHERE tag = ?1",
                [tag],
                |r| {
                    Ok(RunInfo {
                        tag: r.get(0)?,
                        machine: r.get(1)?,
                        llvm: r.get(2)?,
                        cranelift: r.get(3)?,
                        gcc: r.get(4)?,
                        opm_commit: r.get(5)?,
                        config: r.get(6)?,
                    })
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::NoSuchTag(tag.to_string()))
    }

    /// The id of a program (by name, source hash and arguments), created if new.
    pub fn program(&self, name: &str, source_hash: &str, args: &str) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT OR IGNORE INTO programs (name, source_hash, args) VALUES (?1, ?2, ?3)",
            params![name, source_hash, args],
        )?;
        Ok(self.conn.query_row(
            "SELECT id FROM programs WHERE name = ?1 AND source_hash = ?2 AND args = ?3",
            params![name, source_hash, args],
            |r| r.get(0),
        )?)
    }

    fn pipeline(&self, backend: &str, text: &str) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT OR IGNORE INTO pipelines (backend, text) VALUES (?1, ?2)",
            params![backend, text],
        )?;
        Ok(self.conn.query_row(
            "SELECT id FROM pipelines WHERE backend = ?1 AND text = ?2",
            params![backend, text],
            |r| r.get(0),
        )?)
    }

    /// Stores one measured candidate with all its samples, in one transaction.
    pub fn record(
        &mut self,
        run: i64,
        program: i64,
        strategy: &str,
        signal: &PerformanceSignal,
    ) -> Result<(), StoreError> {
        let pipeline = self.pipeline(&signal.backend, &signal.pipeline.text())?;
        let m = &signal.metrics;
        let origin = serde_json::to_value(signal.origin)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO measurements (run_id, program_id, pipeline_id, strategy, origin, eval,
                objective, verdict, detail, instcount, text_bytes, pass_ms, check_ms, codegen_ms,
                binary_hash, finished_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            params![
                run,
                program,
                pipeline,
                strategy,
                origin,
                signal.eval as i64,
                signal.objective.name(),
                signal.verdict.name(),
                signal.detail,
                m.instcount.map(|v| v as i64),
                m.text_bytes.map(|v| v as i64),
                m.pass_ms,
                m.check_ms,
                m.codegen_ms,
                signal.ir_hash,
                signal.finished_ms as i64,
            ],
        )?;
        let id = tx.last_insert_rowid();
        if let Some(r) = &m.runtime {
            let mut insert = tx.prepare(
                "INSERT INTO samples (measurement_id, metric, idx, value) VALUES (?1, 'runtime_ms', ?2, ?3)",
            )?;
            for (i, ns) in r.samples_ns.iter().enumerate() {
                insert.execute(params![id, i as i64, *ns as f64 / 1e6])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Records that the task (program, backend, strategy) of `run` ended: `done`, or
    /// `failed` with why.
    pub fn finish_task(
        &self,
        run: i64,
        program: i64,
        backend: &str,
        strategy: &str,
        failure: Option<&str>,
    ) -> Result<(), StoreError> {
        let status = if failure.is_some() { "failed" } else { "done" };
        self.conn.execute(
            "INSERT OR REPLACE INTO tasks (run_id, program_id, backend, strategy, status, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![run, program, backend, strategy, status, failure],
        )?;
        Ok(())
    }

    /// Whether the task ended (done or failed) in an earlier session of the run.
    pub fn task_ended(
        &self,
        run: i64,
        program: i64,
        backend: &str,
        strategy: &str,
    ) -> Result<bool, StoreError> {
        let n: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM tasks WHERE run_id = ?1 AND program_id = ?2 AND backend = ?3
             AND strategy = ?4",
            params![run, program, backend, strategy],
            |r| r.get(0),
        )?;
        Ok(n > 0)
    }

    /// Forgets the measurements of a task that did not end (an interrupted session), so
    /// that running it again does not count them twice.
    pub fn drop_unfinished(
        &mut self,
        run: i64,
        program: i64,
        backend: &str,
        strategy: &str,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let ids = "SELECT m.id FROM measurements m JOIN pipelines p ON p.id = m.pipeline_id
                   WHERE m.run_id = ?1 AND m.program_id = ?2 AND p.backend = ?3 AND m.strategy = ?4";
        tx.execute(
            &format!("DELETE FROM samples WHERE measurement_id IN ({ids})"),
            params![run, program, backend, strategy],
        )?;
        tx.execute(
            &format!("DELETE FROM measurements WHERE id IN ({ids})"),
            params![run, program, backend, strategy],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// The failed tasks of a run: (program, backend, strategy, why).
    pub fn failures(&self, tag: &str) -> Result<Vec<(String, String, String, String)>, StoreError> {
        let run = self.run_id(tag)?.ok_or_else(|| StoreError::NoSuchTag(tag.to_string()))?;
        let mut stmt = self.conn.prepare(
            "SELECT pr.name, t.backend, t.strategy, COALESCE(t.detail, '') FROM tasks t
             JOIN programs pr ON pr.id = t.program_id
             WHERE t.run_id = ?1 AND t.status = 'failed' ORDER BY pr.name, t.backend, t.strategy",
        )?;
        let rows = stmt.query_map([run], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every measurement of the run tagged `tag`, with its samples, in a stable order.
    pub fn measurements(&self, tag: &str) -> Result<Vec<Measurement>, StoreError> {
        let run = self.run_id(tag)?.ok_or_else(|| StoreError::NoSuchTag(tag.to_string()))?;
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
        let rows = stmt.query_map([run], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                Measurement {
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
                    runtime_ms: Vec::new(),
                },
            ))
        })?;
        let mut out: Vec<(i64, Measurement)> = rows.collect::<Result<_, _>>()?;
        let mut samples = self.conn.prepare(
            "SELECT value FROM samples WHERE measurement_id = ?1 AND metric = 'runtime_ms'
             ORDER BY idx",
        )?;
        for (id, m) in &mut out {
            let values = samples.query_map([*id], |r| r.get::<_, f64>(0))?;
            m.runtime_ms = values.collect::<Result<_, _>>()?;
        }
        Ok(out.into_iter().map(|(_, m)| m).collect())
    }

    /// Every tag in the database, oldest first.
    pub fn tags(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT tag FROM runs ORDER BY id")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_database_is_migrated_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lab.sqlite");
        let store = Store::open(&path).unwrap();
        assert_eq!(store.version().unwrap(), MIGRATIONS.len() as i64);
        let info = RunInfo {
            tag: "a".into(),
            machine: "m".into(),
            llvm: "22".into(),
            cranelift: "0.135".into(),
            gcc: "12".into(),
            opm_commit: "c".into(),
            config: "{}".into(),
        };
        let run = store.begin_run(&info).unwrap();
        drop(store);
        let store = Store::open(&path).unwrap();
        assert_eq!(store.begin_run(&info).unwrap(), run, "a tag is resumed, not duplicated");
        assert_eq!(store.run("a").unwrap(), info);
        assert!(matches!(store.run("b"), Err(StoreError::NoSuchTag(_))));
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lab.sqlite");
        Store::open(&path).unwrap().conn.pragma_update(None, "user_version", 99).unwrap();
        assert!(matches!(Store::open(&path), Err(StoreError::TooNew { found: 99, .. })));
    }
}
