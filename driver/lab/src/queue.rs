//! The collectors' queue in PostgreSQL: a lab's searches put on it (`bench --enqueue`), taken
//! one at a time by any number of collectors, each under a lease that its heartbeat renews.
//!
//! - Taking is `SELECT … FOR UPDATE SKIP LOCKED` in one transaction: two collectors never take
//!   the same search.
//! - A search whose lease expired (its collector was killed, its machine went away) is taken
//!   again; its token grows, and every write of the old holder ([`Fenced`]) is refused.
//! - A search that failed is queued again until it has been tried `max_attempts` times, then
//!   recorded as failed with why. A holder that stopped renewing its lease counts as a failed
//!   attempt only when it stored nothing under it.
//! - Run-time searches are pinned to a machine class; the others go to any collector. Every
//!   search goes only to collectors whose tools are the run's (LLVM always, and the search's
//!   own backend).

use crate::store::postgres_get as get;
use crate::store::{
    Baseline, ConfirmationPairs, Measurement, PgStore, ProgramId, RunId, RunInfo, Store,
    StoreError, Task, TaskFailure, backend_named, strategy_named,
};
use opm_backend::BackendKind;
use opm_search::{PerformanceSignal, StrategyKind};
use postgres::GenericClient;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

/// A collector as the queue knows it.
#[derive(Clone, Debug)]
pub struct Collector {
    pub name: String,
    /// Its machine class: run-time searches go only to collectors of the class they were
    /// enqueued for.
    pub class: String,
    /// Its CPU and number of CPUs.
    pub machine: String,
    pub llvm: String,
    pub cranelift: String,
    pub gcc: String,
}

/// A search a collector took.
#[derive(Clone, Debug)]
pub struct Lease {
    /// The search's row in the queue.
    pub id: i64,
    /// Its fencing token: writes carrying an older one are refused.
    pub token: i64,
    /// How many times it has been taken, this time included.
    pub attempts: i32,
    pub run: RunId,
    pub tag: String,
    pub task: Task,
}

/// A program of the queue, as a collector needs it.
#[derive(Clone, Debug)]
pub struct Source {
    pub name: String,
    pub source_hash: String,
    /// The arguments, as JSON text.
    pub args: String,
    /// The LLVM IR to search.
    pub ir: String,
}

/// The machine class a search is queued for: run-time searches keep `class` (the default
/// class when none was given); the others go anywhere.
pub fn queue_class(objective: opm_search::Objective, class: Option<&str>) -> Option<String> {
    (objective == opm_search::Objective::Runtime)
        .then(|| class.unwrap_or(DEFAULT_CLASS).to_string())
}

/// The machine class of a collector started without `--class`, and of run-time searches
/// enqueued without one.
pub const DEFAULT_CLASS: &str = "default";

/// Keeps a program's IR for the collectors (the first enqueued IR of a program stays: it is
/// the same program, by its source hash).
pub fn keep_source(store: &PgStore, program: ProgramId, ir: &str) -> Result<(), StoreError> {
    store.client()?.execute(
        "INSERT INTO lab_sources (program_id, ir) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        &[&program.0, &ir],
    )?;
    Ok(())
}

/// Puts a search on the queue; `false` if it is there already.
pub fn enqueue(
    store: &PgStore,
    run: RunId,
    task: &Task,
    class: Option<&str>,
) -> Result<bool, StoreError> {
    let n = store.client()?.execute(
        "INSERT INTO queue (run_id, program_id, backend, strategy, class)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        &[&run.0, &task.program.0, &task.backend.name(), &task.strategy.name(), &class],
    )?;
    Ok(n == 1)
}

/// Records the collector (again, if its name is known): its class, machine and tools, and a
/// first heartbeat.
pub fn register(store: &PgStore, c: &Collector) -> Result<(), StoreError> {
    store.client()?.execute(
        "INSERT INTO collectors (name, class, machine, llvm, cranelift, gcc, started, heartbeat)
         VALUES ($1, $2, $3, $4, $5, $6, now(), now())
         ON CONFLICT (name) DO UPDATE SET class = EXCLUDED.class, machine = EXCLUDED.machine,
            llvm = EXCLUDED.llvm, cranelift = EXCLUDED.cranelift, gcc = EXCLUDED.gcc,
            started = now(), heartbeat = now(), holding = NULL, note = NULL",
        &[&c.name, &c.class, &c.machine, &c.llvm, &c.cranelift, &c.gcc],
    )?;
    Ok(())
}

/// The searches a collector may take: of its class or of none, with its tools.
const TAKEABLE: &str = "(q.class IS NULL OR q.class = $1)
    AND r.llvm = $2
    AND (q.backend <> 'cranelift' OR r.cranelift = $3)
    AND (q.backend <> 'gcc' OR r.gcc = $4)";

/// Ends, as failed, the searches whose lease expired after their last allowed attempt without
/// their holder storing anything under it; their `tasks` row says why. Returns how many.
pub fn give_up_expired(store: &PgStore, max_attempts: i32) -> Result<u64, StoreError> {
    let mut client = store.client()?;
    let mut tx = client.transaction()?;
    let rows = tx.query(
        "UPDATE queue SET state = 'failed', finished = now(),
            detail = format('its collector %s stopped renewing its lease, %s times',
                holder, attempts)
         WHERE state = 'running' AND lease_until < now() AND attempts >= $1
           AND NOT EXISTS (SELECT 1 FROM queue_signals s
                           WHERE s.queue_id = queue.id AND s.token = queue.token)
         RETURNING run_id, program_id, backend, strategy, detail",
        &[&max_attempts],
    )?;
    for row in &rows {
        let task = Task {
            program: ProgramId(get(row, 1)?),
            backend: backend_named(get(row, 2)?)?,
            strategy: strategy_named(get(row, 3)?)?,
        };
        let detail: String = get(row, 4)?;
        crate::store::postgres_upsert_task(&mut tx, RunId(get(row, 0)?), &task, Some(&detail))?;
    }
    tx.commit()?;
    Ok(rows.len() as u64)
}

/// Takes the oldest search this collector may take, queued or with an expired lease, and holds
/// it for `lease`. Taking it counts as an attempt, except after an expired lease under which
/// its holder stored measurements: that holder was stopped (killed, its machine gone), not
/// failed by the search, and the search goes on from there; a search whose holders die
/// before storing anything is given up after `max_attempts`, as one that keeps failing.
pub fn take(store: &PgStore, c: &Collector, lease: Duration) -> Result<Option<Lease>, StoreError> {
    let mut client = store.client()?;
    let mut tx = client.transaction()?;
    let row = tx.query_opt(
        &format!(
            "SELECT q.id FROM queue q JOIN runs r ON r.id = q.run_id
             WHERE (q.state = 'queued' OR (q.state = 'running' AND q.lease_until < now()))
               AND {TAKEABLE}
             ORDER BY q.id LIMIT 1 FOR UPDATE OF q SKIP LOCKED"
        ),
        &[&c.class, &c.llvm, &c.cranelift, &c.gcc],
    )?;
    let Some(row) = row else {
        tx.commit()?;
        return Ok(None);
    };
    let id: i64 = get(&row, 0)?;
    let row = tx.query_one(
        "UPDATE queue q SET state = 'running', holder = $2, token = q.token + 1,
            attempts = q.attempts + CASE WHEN q.state = 'running' AND EXISTS
                (SELECT 1 FROM queue_signals s WHERE s.queue_id = q.id AND s.token = q.token)
                THEN 0 ELSE 1 END,
            lease_until = now() + make_interval(secs => $3)
         FROM runs r WHERE q.id = $1 AND r.id = q.run_id
         RETURNING q.token, q.attempts, q.run_id, r.tag, q.program_id, q.backend, q.strategy",
        &[&id, &c.name, &lease.as_secs_f64()],
    )?;
    tx.execute(
        "UPDATE collectors SET holding = $2, heartbeat = now() WHERE name = $1",
        &[&c.name, &id],
    )?;
    tx.commit()?;
    Ok(Some(Lease {
        id,
        token: get(&row, 0)?,
        attempts: get(&row, 1)?,
        run: RunId(get(&row, 2)?),
        tag: get(&row, 3)?,
        task: Task {
            program: ProgramId(get(&row, 4)?),
            backend: backend_named(get(&row, 5)?)?,
            strategy: strategy_named(get(&row, 6)?)?,
        },
    }))
}

/// The collector's heartbeat; with the search it holds, whose lease it renews for `lease`.
/// `false` when that lease was lost (taken again, or ended).
pub fn heartbeat(
    store: &PgStore,
    name: &str,
    holding: Option<(&Lease, Duration)>,
) -> Result<bool, StoreError> {
    let mut client = store.client()?;
    let id = holding.map(|(l, _)| l.id);
    client.execute(
        "UPDATE collectors SET heartbeat = now(), holding = $2 WHERE name = $1",
        &[&name, &id],
    )?;
    let Some((lease, length)) = holding else { return Ok(true) };
    let n = client.execute(
        "UPDATE queue SET lease_until = now() + make_interval(secs => $3)
         WHERE id = $1 AND token = $2 AND state = 'running'",
        &[&lease.id, &lease.token, &length.as_secs_f64()],
    )?;
    Ok(n == 1)
}

/// A note on the collector for `bench status` (why it waits, say); `None` clears it.
pub fn note(store: &PgStore, name: &str, note: Option<&str>) -> Result<(), StoreError> {
    store.client()?.execute("UPDATE collectors SET note = $2 WHERE name = $1", &[&name, &note])?;
    Ok(())
}

/// How many searches this collector could still take or take over: queued, or running
/// elsewhere (whose lease may yet expire).
pub fn open_for(store: &PgStore, c: &Collector) -> Result<i64, StoreError> {
    let row = store.client()?.query_one(
        &format!(
            "SELECT COUNT(*) FROM queue q JOIN runs r ON r.id = q.run_id
             WHERE q.state IN ('queued', 'running') AND {TAKEABLE}"
        ),
        &[&c.class, &c.llvm, &c.cranelift, &c.gcc],
    )?;
    get(&row, 0)
}

/// How many of `tag`'s searches are on the queue and have not ended (queued or running).
pub fn unfinished(store: &PgStore, tag: &str) -> Result<i64, StoreError> {
    let row = store.client()?.query_one(
        "SELECT COUNT(*) FROM queue q JOIN runs r ON r.id = q.run_id
         WHERE r.tag = $1 AND q.state IN ('queued', 'running')",
        &[&tag],
    )?;
    get(&row, 0)
}

/// Queued searches this collector will not take, per tag, with why.
pub fn refused(store: &PgStore, c: &Collector) -> Result<Vec<String>, StoreError> {
    let rows = store.client()?.query(
        &format!(
            "SELECT r.tag, q.class, r.llvm, r.cranelift, r.gcc, COUNT(*)
             FROM queue q JOIN runs r ON r.id = q.run_id
             WHERE q.state = 'queued' AND NOT ({TAKEABLE})
             GROUP BY r.tag, q.class, r.llvm, r.cranelift, r.gcc ORDER BY r.tag"
        ),
        &[&c.class, &c.llvm, &c.cranelift, &c.gcc],
    )?;
    let mut out = Vec::new();
    for row in &rows {
        let (tag, class): (String, Option<String>) = (get(row, 0)?, get(row, 1)?);
        let (llvm, cranelift, gcc): (String, String, String) =
            (get(row, 2)?, get(row, 3)?, get(row, 4)?);
        let n: i64 = get(row, 5)?;
        let mut why = Vec::new();
        if let Some(class) = class.filter(|k| *k != c.class) {
            why.push(format!(
                "they time runs on machines of class `{class}`, this one is `{}`",
                c.class
            ));
        }
        for (tool, theirs, ours) in [
            ("LLVM", &llvm, &c.llvm),
            ("Cranelift", &cranelift, &c.cranelift),
            ("gcc", &gcc, &c.gcc),
        ] {
            if theirs != ours {
                why.push(format!(
                    "they were enqueued with {tool} {theirs}, this machine has {ours}"
                ));
            }
        }
        out.push(format!("not taking {n} searches of tag `{tag}`: {}", why.join("; ")));
    }
    Ok(out)
}

/// A program's name, arguments and IR.
pub fn source(store: &PgStore, program: ProgramId) -> Result<Source, StoreError> {
    let row = store
        .client()?
        .query_opt(
            "SELECT p.name, p.source_hash, p.args, s.ir FROM programs p
             JOIN lab_sources s ON s.program_id = p.id WHERE p.id = $1",
            &[&program.0],
        )?
        .ok_or_else(|| StoreError::Invalid {
            what: format!("program {}", program.0),
            message: "its IR is not in the database".into(),
        })?;
    Ok(Source {
        name: get(&row, 0)?,
        source_hash: get(&row, 1)?,
        args: get(&row, 2)?,
        ir: get(&row, 3)?,
    })
}

/// The signals stored for a search by whoever held it, as JSON lines, in the order they were
/// stored.
pub fn signal_lines(store: &PgStore, id: i64) -> Result<Vec<String>, StoreError> {
    let rows = store
        .client()?
        .query("SELECT line FROM queue_signals WHERE queue_id = $1 ORDER BY token, seq", &[&id])?;
    rows.iter().map(|r| get(r, 0)).collect()
}

/// The lab's store as seen by the holder of a lease: reads as they are, and every write
/// checked, in its own transaction, against the search's token (the row locked while it
/// writes): the write of a holder whose lease was lost is refused with
/// [`StoreError::LeaseLost`]. Each measurement is stored with its signal's JSON line, for
/// whoever resumes the search.
pub struct Fenced<'a> {
    store: &'a PgStore,
    lease: Lease,
    /// The number of the next signal stored under this lease.
    seq: AtomicI64,
    /// Told each time a write waits for the database to come back.
    waiting: &'a (dyn Fn(&StoreError) + Sync),
}

impl<'a> Fenced<'a> {
    /// The store for `lease`'s holder. A measurement that cannot be stored because the
    /// database is unreachable is tried again every second, `waiting` told each time, until
    /// it is stored or refused: the search it belongs to waits rather than fails.
    pub fn new(
        store: &'a PgStore,
        lease: Lease,
        waiting: &'a (dyn Fn(&StoreError) + Sync),
    ) -> Fenced<'a> {
        Fenced { store, lease, seq: AtomicI64::new(0), waiting }
    }

    /// Checks in `tx` that the lease is still this holder's, locking the search's row until
    /// `tx` ends.
    fn check(&self, tx: &mut impl GenericClient) -> Result<(), StoreError> {
        let row = tx.query_opt(
            "SELECT token, state, holder FROM queue WHERE id = $1 FOR UPDATE",
            &[&self.lease.id],
        )?;
        let lost = |now: String| StoreError::LeaseLost {
            task: self.lease.id,
            token: self.lease.token,
            now,
        };
        let Some(row) = row else { return Err(lost("the search is no longer queued".into())) };
        let (token, state, holder): (i64, String, Option<String>) =
            (get(&row, 0)?, get(&row, 1)?, get(&row, 2)?);
        if token != self.lease.token {
            let holder = holder.unwrap_or_default();
            return Err(lost(format!("taken again by {holder} with token {token}")));
        }
        if state != "running" {
            return Err(lost(format!("the search is {state}")));
        }
        Ok(())
    }

    /// Ends the search: done, or failed with why. A failure before the last attempt queues it
    /// again; at the last, it is recorded as failed. Returns whether it ended for good.
    pub fn finish(&self, failure: Option<&str>, max_attempts: i32) -> Result<bool, StoreError> {
        let mut client = self.store.client()?;
        let mut tx = client.transaction()?;
        self.check(&mut tx)?;
        let retry = failure.is_some() && self.lease.attempts < max_attempts;
        if retry {
            tx.execute(
                "UPDATE queue SET state = 'queued', holder = NULL, lease_until = NULL, detail = $2
                 WHERE id = $1",
                &[&self.lease.id, &failure],
            )?;
        } else {
            let state = if failure.is_some() { "failed" } else { "done" };
            tx.execute(
                "UPDATE queue SET state = $2, detail = $3, lease_until = NULL, finished = now()
                 WHERE id = $1",
                &[&self.lease.id, &state, &failure],
            )?;
            crate::store::postgres_upsert_task(&mut tx, self.lease.run, &self.lease.task, failure)?;
            // The run is finished when nothing of it is left on the queue.
            tx.execute(
                "UPDATE runs SET finished_ms = $2 WHERE id = $1 AND NOT EXISTS
                    (SELECT 1 FROM queue WHERE run_id = $1 AND state IN ('queued', 'running'))",
                &[&self.lease.run.0, &crate::store::now_ms()],
            )?;
        }
        tx.commit()?;
        Ok(!retry)
    }

    pub fn lease(&self) -> &Lease {
        &self.lease
    }

    /// `attempt` until the database answers: while it is unreachable, said through
    /// `waiting` and tried again every second.
    fn retrying<T>(
        &self,
        mut attempt: impl FnMut() -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        loop {
            match attempt() {
                Err(e) if e.is_unreachable() => {
                    (self.waiting)(&e);
                    std::thread::sleep(Duration::from_secs(1));
                }
                other => return other,
            }
        }
    }

    fn try_record(
        &self,
        run: RunId,
        program: ProgramId,
        strategy: StrategyKind,
        signal: &PerformanceSignal,
        line: &str,
    ) -> Result<(), StoreError> {
        let seq = self.seq.load(Ordering::SeqCst);
        let mut client = self.store.client()?;
        let mut tx = client.transaction()?;
        self.check(&mut tx)?;
        let new = tx.execute(
            "INSERT INTO queue_signals (queue_id, token, seq, line) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING",
            &[&self.lease.id, &self.lease.token, &seq, &line],
        )?;
        if new == 1 {
            crate::store::postgres_insert_measurement(&mut tx, run, program, strategy, signal)?;
        }
        tx.commit()?;
        self.seq.store(seq + 1, Ordering::SeqCst);
        Ok(())
    }
}

impl Store for Fenced<'_> {
    fn schema_version(&self) -> Result<i64, StoreError> {
        self.store.schema_version()
    }

    fn begin_run(&self, info: &RunInfo) -> Result<RunId, StoreError> {
        self.store.begin_run(info)
    }

    fn finish_run(&self, _run: RunId) -> Result<(), StoreError> {
        Err(StoreError::Unsupported("a collector does not finish runs".into()))
    }

    fn run_id(&self, tag: &str) -> Result<Option<RunId>, StoreError> {
        self.store.run_id(tag)
    }

    fn run(&self, tag: &str) -> Result<RunInfo, StoreError> {
        self.store.run(tag)
    }

    fn tags(&self) -> Result<Vec<String>, StoreError> {
        self.store.tags()
    }

    fn program(&self, name: &str, source_hash: &str, args: &str) -> Result<ProgramId, StoreError> {
        self.store.program(name, source_hash, args)
    }

    fn record_baselines(
        &self,
        run: RunId,
        backend: BackendKind,
        baselines: &[Baseline],
    ) -> Result<(), StoreError> {
        self.store.record_baselines(run, backend, baselines)
    }

    fn baselines(&self, tag: &str) -> Result<Vec<Baseline>, StoreError> {
        self.store.baselines(tag)
    }

    /// Stores the measurement and its signal's line under the lease, once: a write retried
    /// after a lost connection whose first attempt was committed does nothing.
    fn record(
        &self,
        run: RunId,
        program: ProgramId,
        strategy: StrategyKind,
        signal: &PerformanceSignal,
    ) -> Result<(), StoreError> {
        let line = serde_json::to_string(signal)
            .map_err(|e| StoreError::Invalid { what: "a signal".into(), message: e.to_string() })?;
        self.retrying(|| self.try_record(run, program, strategy, signal, &line))
    }

    /// Stores the confirmation under the lease, replacing any an earlier holder stored.
    fn record_confirmation(
        &self,
        run: RunId,
        task: &Task,
        winner_pipeline: &str,
        confirmation: &ConfirmationPairs,
    ) -> Result<bool, StoreError> {
        let attempt = || -> Result<bool, StoreError> {
            let mut client = self.store.client()?;
            let mut tx = client.transaction()?;
            self.check(&mut tx)?;
            let found = crate::store::postgres_insert_confirmation(
                &mut tx,
                run,
                task,
                winner_pipeline,
                confirmation,
            )?;
            tx.commit()?;
            Ok(found)
        };
        self.retrying(attempt)
    }

    fn finish_task(
        &self,
        _run: RunId,
        _task: &Task,
        _failure: Option<&str>,
    ) -> Result<(), StoreError> {
        Err(StoreError::Unsupported("a collector ends its search with Fenced::finish".into()))
    }

    fn task_ended(&self, run: RunId, task: &Task) -> Result<bool, StoreError> {
        self.store.task_ended(run, task)
    }

    fn drop_unfinished(&self, _run: RunId, _task: &Task) -> Result<(), StoreError> {
        Err(StoreError::Unsupported(
            "a collector resumes a search from what was stored, and drops nothing".into(),
        ))
    }

    fn failures(&self, tag: &str) -> Result<Vec<TaskFailure>, StoreError> {
        self.store.failures(tag)
    }

    fn measurements(&self, tag: &str) -> Result<Vec<Measurement>, StoreError> {
        self.store.measurements(tag)
    }
}

/// A tag's searches on the queue, by state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TagProgress {
    pub tag: String,
    pub queued: i64,
    pub running: i64,
    pub done: i64,
    pub failed: i64,
}

/// A collector as `bench status` shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct CollectorState {
    pub name: String,
    pub class: String,
    pub machine: String,
    /// Seconds since its last heartbeat.
    pub heartbeat_age_s: f64,
    /// The search it holds (`program · backend · strategy`, its tag, and the seconds its lease
    /// has left, negative once expired).
    pub holding: Option<(String, String, f64)>,
    pub note: Option<String>,
}

/// A search that failed for good.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueueFailure {
    pub tag: String,
    /// `program · backend · strategy`.
    pub search: String,
    pub attempts: i32,
    pub detail: String,
}

/// The queue's state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QueueStatus {
    /// Each tag's progress, oldest tag first.
    pub tags: Vec<TagProgress>,
    pub collectors: Vec<CollectorState>,
    /// The searches that failed for good.
    pub failures: Vec<QueueFailure>,
}

/// The queue's state (of `tag` only, if given).
pub fn status(store: &PgStore, tag: Option<&str>) -> Result<QueueStatus, StoreError> {
    let mut client = store.client()?;
    let rows = client.query(
        "SELECT r.tag,
            COUNT(*) FILTER (WHERE q.state = 'queued'),
            COUNT(*) FILTER (WHERE q.state = 'running'),
            COUNT(*) FILTER (WHERE q.state = 'done'),
            COUNT(*) FILTER (WHERE q.state = 'failed')
         FROM queue q JOIN runs r ON r.id = q.run_id
         WHERE $1::TEXT IS NULL OR r.tag = $1
         GROUP BY r.id, r.tag ORDER BY r.id",
        &[&tag],
    )?;
    let mut tags = Vec::new();
    for row in &rows {
        tags.push(TagProgress {
            tag: get(row, 0)?,
            queued: get(row, 1)?,
            running: get(row, 2)?,
            done: get(row, 3)?,
            failed: get(row, 4)?,
        });
    }
    let search = "p.name || ' · ' || q.backend || ' · ' || q.strategy";
    let rows = client.query(
        &format!(
            "SELECT c.name, c.class, c.machine,
                EXTRACT(EPOCH FROM now() - c.heartbeat)::FLOAT8,
                {search}, r.tag, EXTRACT(EPOCH FROM q.lease_until - now())::FLOAT8, c.note
             FROM collectors c
             LEFT JOIN queue q ON q.id = c.holding AND q.holder = c.name AND q.state = 'running'
             LEFT JOIN programs p ON p.id = q.program_id
             LEFT JOIN runs r ON r.id = q.run_id
             ORDER BY c.name"
        ),
        &[],
    )?;
    let mut collectors = Vec::new();
    for row in &rows {
        let holding: Option<String> = get(row, 4)?;
        let held_tag: Option<String> = get(row, 5)?;
        let left: Option<f64> = get(row, 6)?;
        collectors.push(CollectorState {
            name: get(row, 0)?,
            class: get(row, 1)?,
            machine: get(row, 2)?,
            heartbeat_age_s: get(row, 3)?,
            holding: holding.map(|h| (h, held_tag.unwrap_or_default(), left.unwrap_or_default())),
            note: get(row, 7)?,
        });
    }
    let rows = client.query(
        &format!(
            "SELECT r.tag, {search}, q.attempts, COALESCE(q.detail, '')
             FROM queue q JOIN runs r ON r.id = q.run_id JOIN programs p ON p.id = q.program_id
             WHERE q.state = 'failed' AND ($1::TEXT IS NULL OR r.tag = $1)
             ORDER BY r.id, q.id"
        ),
        &[&tag],
    )?;
    let mut failures = Vec::new();
    for row in &rows {
        failures.push(QueueFailure {
            tag: get(row, 0)?,
            search: get(row, 1)?,
            attempts: get(row, 2)?,
            detail: get(row, 3)?,
        });
    }
    Ok(QueueStatus { tags, collectors, failures })
}
