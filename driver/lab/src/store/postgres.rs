//! The lab's database in PostgreSQL (`--db postgres://…`): the same tables as SQLite's, so
//! that `compare`, `report` and `export` read either. The schema is versioned (the one row of
//! `opm_schema`) and migrated forward when a database is opened, under an advisory lock, so
//! that machines opening one database at once migrate it once.

use super::{
    Baseline, CONFIRM_METRICS, ConfirmationPairs, LabConfig, Measurement, ProgramId, Row, RunId,
    RunInfo, Store, StoreError, Task, TaskFailure, backend_named, now_ms, signal_samples,
    strategy_named, with_samples,
};
use opm_backend::BackendKind;
use opm_search::{PerformanceSignal, StrategyKind};
use postgres::types::FromSql;
use postgres::{Client, GenericClient, NoTls};
use std::sync::{Mutex, MutexGuard};

/// The schema version this opm writes in PostgreSQL. Versions 1 and 2 are SQLite's (the first
/// schema; each run's baselines); version 3 adds the collectors' queue.
pub const PG_SCHEMA_VERSION: i64 = 3;

/// The advisory lock held while a database is migrated (any number, the same everywhere).
const MIGRATION_LOCK: i64 = 0x6f70_6d6c_6162;

/// How long the server lets one of our sessions sit inside a transaction waiting for us. Our
/// transactions never wait on anything but the database, so only a stopped process (SIGSTOP,
/// a suspended machine) reaches it: the server then ends that session and releases its row
/// locks, which would otherwise keep a search from being taken over after its lease.
pub const IDLE_TRANSACTION_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

/// An open lab database in PostgreSQL. One connection, used by one call at a time, and made
/// again by the next call should the server have closed it (restarted, say).
pub struct PgStore {
    url: String,
    client: Mutex<Client>,
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://user@host:port/db`) and migrates it to
    /// the current schema.
    pub fn open(url: &str) -> Result<PgStore, StoreError> {
        let client = connect(url)?;
        let store = PgStore { url: url.to_string(), client: Mutex::new(client) };
        store.migrate()?;
        Ok(store)
    }

    /// The connection, for one call, connected again if the server closed it. A call that
    /// panicked while holding it left no transaction open (the transaction rolls back when
    /// dropped), so it is still usable.
    pub fn client(&self) -> Result<MutexGuard<'_, Client>, StoreError> {
        let mut client = self.client.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if client.is_closed() {
            *client = connect(&self.url)?;
        }
        Ok(client)
    }

    fn migrate(&self) -> Result<(), StoreError> {
        let mut client = self.client()?;
        let mut tx = client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
        tx.batch_execute("CREATE TABLE IF NOT EXISTS opm_schema (version BIGINT NOT NULL)")?;
        let found = schema_version(&mut tx)?;
        let mut migrations = super::schema::migrations(&super::schema::POSTGRES);
        migrations.extend(super::schema::queue_migrations());
        let known = migrations.len() as i64;
        debug_assert_eq!(known, PG_SCHEMA_VERSION);
        if found > known {
            return Err(StoreError::TooNew { found, known });
        }
        for sql in migrations.iter().skip(found as usize) {
            tx.batch_execute(sql)?;
        }
        if found < known {
            tx.execute("DELETE FROM opm_schema", &[])?;
            tx.execute("INSERT INTO opm_schema (version) VALUES ($1)", &[&known])?;
        }
        tx.commit()?;
        Ok(())
    }
}

/// A connection to `url` whose transactions the server ends after [`IDLE_TRANSACTION_LIMIT`]
/// without a statement.
fn connect(url: &str) -> Result<Client, StoreError> {
    let mut client = Client::connect(url, NoTls)?;
    client.batch_execute(&format!(
        "SET idle_in_transaction_session_timeout = {}",
        IDLE_TRANSACTION_LIMIT.as_millis()
    ))?;
    Ok(client)
}

/// Column `i` of a row, as `T`: a column of another type (a database changed by hand) is an
/// error, not a panic.
pub(crate) fn get<'a, T: FromSql<'a>>(row: &'a postgres::Row, i: usize) -> Result<T, StoreError> {
    row.try_get(i).map_err(StoreError::from)
}

/// The stored schema version (0 for a new database).
fn schema_version(client: &mut impl GenericClient) -> Result<i64, StoreError> {
    let row = client.query_opt("SELECT version FROM opm_schema", &[])?;
    row.map_or(Ok(0), |r| get(&r, 0))
}

/// The id of a pipeline, created if new. Two statements: should another machine insert the
/// same pipeline at once, the insert waits for it and the select then sees its row.
fn pipeline_id(
    client: &mut impl GenericClient,
    backend: BackendKind,
    text: &str,
) -> Result<i64, StoreError> {
    client.execute(
        "INSERT INTO pipelines (backend, text) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        &[&backend.name(), &text],
    )?;
    let row = client.query_one(
        "SELECT id FROM pipelines WHERE backend = $1 AND text = $2",
        &[&backend.name(), &text],
    )?;
    get(&row, 0)
}

fn existing_run(client: &mut impl GenericClient, tag: &str) -> Result<RunId, StoreError> {
    let row = client.query_opt("SELECT id FROM runs WHERE tag = $1", &[&tag])?;
    match row {
        Some(r) => Ok(RunId(get(&r, 0)?)),
        None => Err(StoreError::NoSuchTag(tag.to_string())),
    }
}

/// Stores one measured candidate with its samples in `tx` (the caller commits).
pub(crate) fn insert_measurement(
    tx: &mut impl GenericClient,
    run: RunId,
    program: ProgramId,
    strategy: StrategyKind,
    signal: &PerformanceSignal,
) -> Result<(), StoreError> {
    let pipeline = pipeline_id(tx, signal.backend, &signal.pipeline.text())?;
    let m = &signal.metrics;
    let row = tx.query_one(
        "INSERT INTO measurements (run_id, program_id, pipeline_id, strategy, origin, eval,
            objective, verdict, detail, instcount, text_bytes, pass_ms, check_ms, codegen_ms,
            binary_hash, finished_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
         RETURNING id",
        &[
            &run.0,
            &program.0,
            &pipeline,
            &strategy.name(),
            &signal.origin.name(),
            &(signal.eval as i64),
            &signal.objective.name(),
            &signal.verdict.name(),
            &signal.detail,
            &m.instcount.map(|v| v as i64),
            &m.text_bytes.map(|v| v as i64),
            &m.pass_ms,
            &m.check_ms,
            &m.codegen_ms,
            &signal.identity.as_ref().map(|i| i.as_str()),
            &(signal.finished_ms as i64),
        ],
    )?;
    let id: i64 = get(&row, 0)?;
    let samples = signal_samples(signal);
    if !samples.is_empty() {
        let insert = tx.prepare(
            "INSERT INTO samples (measurement_id, metric, idx, value) VALUES ($1, $2, $3, $4)",
        )?;
        for (metric, i, value) in samples {
            tx.execute(&insert, &[&id, &metric, &i, &value])?;
        }
    }
    Ok(())
}

/// Stores in `tx` the confirmation of the task's run-time winner (the caller commits):
/// [`Store::record_confirmation`].
pub(crate) fn insert_confirmation(
    tx: &mut impl GenericClient,
    run: RunId,
    task: &Task,
    winner_pipeline: &str,
    confirmation: &ConfirmationPairs,
) -> Result<bool, StoreError> {
    let ids = "SELECT m.id FROM measurements m JOIN pipelines p ON p.id = m.pipeline_id
               WHERE m.run_id = $1 AND m.program_id = $2 AND p.backend = $3 AND m.strategy = $4";
    let metrics = CONFIRM_METRICS.map(|m| format!("'{m}'")).join(", ");
    let key: [&(dyn postgres::types::ToSql + Sync); 4] =
        [&run.0, &task.program.0, &task.backend.name(), &task.strategy.name()];
    tx.execute(
        &format!("DELETE FROM samples WHERE metric IN ({metrics}) AND measurement_id IN ({ids})"),
        &key,
    )?;
    let winner = tx.query_opt(
        &format!("{ids} AND p.text = $5 ORDER BY m.eval DESC, m.id DESC LIMIT 1"),
        &[&run.0, &task.program.0, &task.backend.name(), &task.strategy.name(), &winner_pipeline],
    )?;
    let Some(winner) = winner else { return Ok(false) };
    let id: i64 = get(&winner, 0)?;
    let insert = tx.prepare(
        "INSERT INTO samples (measurement_id, metric, idx, value) VALUES ($1, $2, $3, $4)",
    )?;
    for (metric, i, value) in confirmation.samples() {
        tx.execute(&insert, &[&id, &metric, &i, &value])?;
    }
    Ok(true)
}

/// Records in `client` that a task ended.
pub(crate) fn upsert_task(
    client: &mut impl GenericClient,
    run: RunId,
    task: &Task,
    failure: Option<&str>,
) -> Result<(), StoreError> {
    let status = if failure.is_some() { "failed" } else { "done" };
    client.execute(
        "INSERT INTO tasks (run_id, program_id, backend, strategy, status, detail)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (run_id, program_id, backend, strategy)
         DO UPDATE SET status = EXCLUDED.status, detail = EXCLUDED.detail",
        &[&run.0, &task.program.0, &task.backend.name(), &task.strategy.name(), &status, &failure],
    )?;
    Ok(())
}

/// Forgets in `client` the measurements of a task that did not end.
pub(crate) fn delete_unfinished(
    client: &mut impl GenericClient,
    run: RunId,
    task: &Task,
) -> Result<(), StoreError> {
    let ids = "SELECT m.id FROM measurements m JOIN pipelines p ON p.id = m.pipeline_id
               WHERE m.run_id = $1 AND m.program_id = $2 AND p.backend = $3 AND m.strategy = $4";
    let key: [&(dyn postgres::types::ToSql + Sync); 4] =
        [&run.0, &task.program.0, &task.backend.name(), &task.strategy.name()];
    client.execute(&format!("DELETE FROM samples WHERE measurement_id IN ({ids})"), &key)?;
    client.execute(&format!("DELETE FROM measurements WHERE id IN ({ids})"), &key)?;
    Ok(())
}

impl Store for PgStore {
    fn schema_version(&self) -> Result<i64, StoreError> {
        schema_version(&mut *self.client()?)
    }

    fn begin_run(&self, info: &RunInfo) -> Result<RunId, StoreError> {
        let config = serde_json::to_string(&info.config).map_err(|e| StoreError::Invalid {
            what: format!("the options of run `{}`", info.tag),
            message: e.to_string(),
        })?;
        let mut client = self.client()?;
        // A tag that exists is resumed: its recorded versions and options stay.
        client.execute(
            "INSERT INTO runs (tag, machine, llvm, cranelift, gcc, opm_commit, config, started_ms)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (tag) DO NOTHING",
            &[
                &info.tag,
                &info.machine,
                &info.llvm,
                &info.cranelift,
                &info.gcc,
                &info.opm_commit,
                &config,
                &now_ms(),
            ],
        )?;
        existing_run(&mut *client, &info.tag)
    }

    fn finish_run(&self, run: RunId) -> Result<(), StoreError> {
        self.client()?
            .execute("UPDATE runs SET finished_ms = $1 WHERE id = $2", &[&now_ms(), &run.0])?;
        Ok(())
    }

    fn run_id(&self, tag: &str) -> Result<Option<RunId>, StoreError> {
        let row = self.client()?.query_opt("SELECT id FROM runs WHERE tag = $1", &[&tag])?;
        row.map(|r| Ok(RunId(get(&r, 0)?))).transpose()
    }

    fn run(&self, tag: &str) -> Result<RunInfo, StoreError> {
        let row = self
            .client()?
            .query_opt(
                "SELECT tag, machine, llvm, cranelift, gcc, opm_commit, config FROM runs
                 WHERE tag = $1",
                &[&tag],
            )?
            .ok_or_else(|| StoreError::NoSuchTag(tag.to_string()))?;
        let config: String = get(&row, 6)?;
        let config: LabConfig = serde_json::from_str(&config).map_err(|e| StoreError::Invalid {
            what: format!("the options of run `{tag}`"),
            message: e.to_string(),
        })?;
        Ok(RunInfo {
            tag: get(&row, 0)?,
            machine: get(&row, 1)?,
            llvm: get(&row, 2)?,
            cranelift: get(&row, 3)?,
            gcc: get(&row, 4)?,
            opm_commit: get(&row, 5)?,
            config,
        })
    }

    fn tags(&self) -> Result<Vec<String>, StoreError> {
        let rows = self.client()?.query("SELECT tag FROM runs ORDER BY id", &[])?;
        rows.iter().map(|r| get(r, 0)).collect()
    }

    fn program(&self, name: &str, source_hash: &str, args: &str) -> Result<ProgramId, StoreError> {
        let mut client = self.client()?;
        client.execute(
            "INSERT INTO programs (name, source_hash, args) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
            &[&name, &source_hash, &args],
        )?;
        let row = client.query_one(
            "SELECT id FROM programs WHERE name = $1 AND source_hash = $2 AND args = $3",
            &[&name, &source_hash, &args],
        )?;
        Ok(ProgramId(get(&row, 0)?))
    }

    fn record_baselines(
        &self,
        run: RunId,
        backend: BackendKind,
        baselines: &[Baseline],
    ) -> Result<(), StoreError> {
        let mut client = self.client()?;
        let mut tx = client.transaction()?;
        // One machine at a time decides whether the run has this backend's baselines.
        tx.execute("SELECT id FROM runs WHERE id = $1 FOR UPDATE", &[&run.0])?;
        let stored: i64 = get(
            &tx.query_one(
                "SELECT COUNT(*) FROM baselines WHERE run_id = $1 AND backend = $2",
                &[&run.0, &backend.name()],
            )?,
            0,
        )?;
        if stored == 0 {
            for (position, b) in baselines.iter().filter(|b| b.backend == backend).enumerate() {
                let pipeline = pipeline_id(&mut tx, backend, &b.pipeline)?;
                tx.execute(
                    "INSERT INTO baselines (run_id, backend, name, position, pipeline_id)
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                    &[&run.0, &backend.name(), &b.name, &(position as i64), &pipeline],
                )?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn baselines(&self, tag: &str) -> Result<Vec<Baseline>, StoreError> {
        let mut client = self.client()?;
        let run = existing_run(&mut *client, tag)?;
        let rows = client.query(
            "SELECT b.backend, b.name, p.text FROM baselines b
             JOIN pipelines p ON p.id = b.pipeline_id
             WHERE b.run_id = $1 ORDER BY b.backend, b.position",
            &[&run.0],
        )?;
        rows.iter()
            .map(|r| {
                Ok(Baseline {
                    backend: backend_named(get(r, 0)?)?,
                    name: get(r, 1)?,
                    pipeline: get(r, 2)?,
                })
            })
            .collect()
    }

    fn record(
        &self,
        run: RunId,
        program: ProgramId,
        strategy: StrategyKind,
        signal: &PerformanceSignal,
    ) -> Result<(), StoreError> {
        let mut client = self.client()?;
        let mut tx = client.transaction()?;
        insert_measurement(&mut tx, run, program, strategy, signal)?;
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
        let mut client = self.client()?;
        let mut tx = client.transaction()?;
        let found = insert_confirmation(&mut tx, run, task, winner_pipeline, confirmation)?;
        tx.commit()?;
        Ok(found)
    }

    fn finish_task(
        &self,
        run: RunId,
        task: &Task,
        failure: Option<&str>,
    ) -> Result<(), StoreError> {
        upsert_task(&mut *self.client()?, run, task, failure)
    }

    fn task_ended(&self, run: RunId, task: &Task) -> Result<bool, StoreError> {
        let row = self.client()?.query_one(
            "SELECT COUNT(*) FROM tasks WHERE run_id = $1 AND program_id = $2 AND backend = $3
             AND strategy = $4",
            &[&run.0, &task.program.0, &task.backend.name(), &task.strategy.name()],
        )?;
        Ok(get::<i64>(&row, 0)? > 0)
    }

    fn drop_unfinished(&self, run: RunId, task: &Task) -> Result<(), StoreError> {
        let mut client = self.client()?;
        let mut tx = client.transaction()?;
        delete_unfinished(&mut tx, run, task)?;
        tx.commit()?;
        Ok(())
    }

    fn failures(&self, tag: &str) -> Result<Vec<TaskFailure>, StoreError> {
        let mut client = self.client()?;
        let run = existing_run(&mut *client, tag)?;
        let rows = client.query(
            "SELECT pr.name, t.backend, t.strategy, COALESCE(t.detail, '') FROM tasks t
             JOIN programs pr ON pr.id = t.program_id
             WHERE t.run_id = $1 AND t.status = 'failed' ORDER BY pr.name, t.backend, t.strategy",
            &[&run.0],
        )?;
        rows.iter()
            .map(|r| {
                Ok(TaskFailure {
                    program: get(r, 0)?,
                    backend: backend_named(get(r, 1)?)?,
                    strategy: strategy_named(get(r, 2)?)?,
                    detail: get(r, 3)?,
                })
            })
            .collect()
    }

    fn measurements(&self, tag: &str) -> Result<Vec<Measurement>, StoreError> {
        let mut client = self.client()?;
        let run = existing_run(&mut *client, tag)?;
        // `COLLATE "C"`: names ordered by their bytes, as SQLite orders them.
        let rows = client.query(
            "SELECT m.id, pr.name, pr.args, p.backend, p.text, m.strategy, m.origin, m.eval,
                    m.objective, m.verdict, m.instcount, m.text_bytes, m.pass_ms, m.check_ms,
                    m.codegen_ms, m.binary_hash
             FROM measurements m
             JOIN programs pr ON pr.id = m.program_id
             JOIN pipelines p ON p.id = m.pipeline_id
             WHERE m.run_id = $1
             ORDER BY pr.name COLLATE \"C\", pr.args COLLATE \"C\", p.backend COLLATE \"C\",
                      m.strategy COLLATE \"C\", m.eval, m.id",
            &[&run.0],
        )?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let row = Row {
                id: get(r, 0)?,
                program: get(r, 1)?,
                args: get(r, 2)?,
                backend: get(r, 3)?,
                pipeline: get(r, 4)?,
                strategy: get(r, 5)?,
                origin: get(r, 6)?,
                eval: get(r, 7)?,
                objective: get(r, 8)?,
                verdict: get(r, 9)?,
                instcount: get(r, 10)?,
                text_bytes: get(r, 11)?,
                pass_ms: get(r, 12)?,
                check_ms: get(r, 13)?,
                codegen_ms: get(r, 14)?,
                binary_hash: get(r, 15)?,
            };
            out.push(row.read()?);
        }
        let samples = client.query(
            "SELECT s.measurement_id, s.metric, s.value FROM samples s
             JOIN measurements m ON m.id = s.measurement_id
             WHERE m.run_id = $1
             ORDER BY s.measurement_id, s.metric COLLATE \"C\", s.idx",
            &[&run.0],
        )?;
        let samples = samples
            .iter()
            .map(|r| Ok((get(r, 0)?, get(r, 1)?, get(r, 2)?)))
            .collect::<Result<Vec<_>, StoreError>>()?;
        with_samples(out, samples)
    }
}
