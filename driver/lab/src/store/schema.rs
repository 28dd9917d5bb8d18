//! The lab's schema, one text for every database: its migrations written once, with each
//! database's spelling of an id, an integer and a float put in.

/// How a database spells the types the schema uses.
pub(crate) struct Dialect {
    /// A table's own id, assigned on insert.
    id: &'static str,
    /// A 64-bit integer.
    int: &'static str,
    /// A 64-bit float.
    real: &'static str,
}

pub(crate) const SQLITE: Dialect =
    Dialect { id: "INTEGER PRIMARY KEY", int: "INTEGER", real: "REAL" };

pub(crate) const POSTGRES: Dialect =
    Dialect { id: "BIGSERIAL PRIMARY KEY", int: "BIGINT", real: "DOUBLE PRECISION" };

/// The schema's migrations in `d`'s types, in order: migration `i` brings a database from
/// version `i` to `i + 1`. Never change one that was released: add another.
pub(crate) fn migrations(d: &Dialect) -> Vec<String> {
    let Dialect { id, int, real } = d;
    vec![
        // 1: the first schema.
        format!(
            "CREATE TABLE runs (
                id {id},
                tag TEXT NOT NULL UNIQUE,
                machine TEXT NOT NULL,
                llvm TEXT NOT NULL,
                cranelift TEXT NOT NULL,
                gcc TEXT NOT NULL,
                opm_commit TEXT NOT NULL,
                config TEXT NOT NULL,
                started_ms {int} NOT NULL,
                finished_ms {int}
            );
            CREATE TABLE programs (
                id {id},
                name TEXT NOT NULL,
                source_hash TEXT NOT NULL,
                args TEXT NOT NULL,
                UNIQUE (name, source_hash, args)
            );
            CREATE TABLE pipelines (
                id {id},
                backend TEXT NOT NULL,
                text TEXT NOT NULL,
                UNIQUE (backend, text)
            );
            CREATE TABLE measurements (
                id {id},
                run_id {int} NOT NULL REFERENCES runs(id),
                program_id {int} NOT NULL REFERENCES programs(id),
                pipeline_id {int} NOT NULL REFERENCES pipelines(id),
                strategy TEXT NOT NULL,
                origin TEXT NOT NULL,
                eval {int} NOT NULL,
                objective TEXT NOT NULL,
                verdict TEXT NOT NULL,
                detail TEXT,
                instcount {int},
                text_bytes {int},
                pass_ms {real},
                check_ms {real},
                codegen_ms {real},
                binary_hash TEXT,
                finished_ms {int} NOT NULL
            );
            CREATE INDEX measurements_by_run ON measurements (run_id, program_id);
            CREATE TABLE samples (
                measurement_id {int} NOT NULL REFERENCES measurements(id),
                metric TEXT NOT NULL,
                idx {int} NOT NULL,
                value {real} NOT NULL
            );
            CREATE INDEX samples_by_measurement ON samples (measurement_id);
            CREATE TABLE tasks (
                run_id {int} NOT NULL REFERENCES runs(id),
                program_id {int} NOT NULL REFERENCES programs(id),
                backend TEXT NOT NULL,
                strategy TEXT NOT NULL,
                status TEXT NOT NULL,
                detail TEXT,
                PRIMARY KEY (run_id, program_id, backend, strategy)
            );"
        ),
        // 2: each run's baselines per backend, so that comparing and reporting runs never
        // asks a backend (whose baselines may differ on this machine, or which may not be
        // installed).
        format!(
            "CREATE TABLE baselines (
                run_id {int} NOT NULL REFERENCES runs(id),
                backend TEXT NOT NULL,
                name TEXT NOT NULL,
                position {int} NOT NULL,
                pipeline_id {int} NOT NULL REFERENCES pipelines(id),
                PRIMARY KEY (run_id, backend, name)
            );"
        ),
    ]
}

/// The migrations only PostgreSQL has, after [`migrations`]'s: version 3, the collectors'
/// queue (`bench --enqueue`, `collector`).
///
/// - `lab_sources`: each enqueued program's IR, so that any machine can search it;
/// - `queue`: one row per search (a run's program × backend × strategy), `queued`, `running`
///   (held by a collector until `lease_until`), `done` or `failed`; `token` grows each time
///   the search is taken, and a write carrying an older one is refused (fencing);
/// - `queue_signals`: each signal a holder stored, as its JSON line, so that whoever takes
///   the search next resumes from them; `(queue_id, token, seq)` makes a write retried after
///   a lost connection count once;
/// - `collectors`: each collector's machine, tools, last heartbeat and the search it holds.
pub(crate) fn queue_migrations() -> Vec<String> {
    vec![
        "CREATE TABLE lab_sources (
            program_id BIGINT PRIMARY KEY REFERENCES programs(id),
            ir TEXT NOT NULL
        );
        CREATE TABLE queue (
            id BIGSERIAL PRIMARY KEY,
            run_id BIGINT NOT NULL REFERENCES runs(id),
            program_id BIGINT NOT NULL REFERENCES programs(id),
            backend TEXT NOT NULL,
            strategy TEXT NOT NULL,
            class TEXT,
            state TEXT NOT NULL DEFAULT 'queued',
            attempts INTEGER NOT NULL DEFAULT 0,
            token BIGINT NOT NULL DEFAULT 0,
            holder TEXT,
            lease_until TIMESTAMPTZ,
            detail TEXT,
            enqueued TIMESTAMPTZ NOT NULL DEFAULT now(),
            finished TIMESTAMPTZ,
            UNIQUE (run_id, program_id, backend, strategy)
        );
        CREATE INDEX queue_by_state ON queue (state, id);
        CREATE TABLE queue_signals (
            queue_id BIGINT NOT NULL REFERENCES queue(id),
            token BIGINT NOT NULL,
            seq BIGINT NOT NULL,
            line TEXT NOT NULL,
            PRIMARY KEY (queue_id, token, seq)
        );
        CREATE TABLE collectors (
            name TEXT PRIMARY KEY,
            class TEXT NOT NULL,
            machine TEXT NOT NULL,
            llvm TEXT NOT NULL,
            cranelift TEXT NOT NULL,
            gcc TEXT NOT NULL,
            started TIMESTAMPTZ NOT NULL,
            heartbeat TIMESTAMPTZ NOT NULL,
            holding BIGINT,
            note TEXT
        );"
        .to_string(),
    ]
}
