//! The registry: what the market knows, stored in SQLite under a path the user chooses, and
//! how it is found again (the [`GraphOfContracts`] with discovery).
//!
//! It holds adapters (a backend's name, version, tool versions and target), the [`PassSpec`]s
//! each offers, the [`Plan`]s known to be good for a kind of program, the problems plans were
//! measured on, and the edges between them: a spec belongs to an adapter, a plan uses specs,
//! a plan was measured on a problem. Nothing in it holds IR or source code: a problem is its
//! module's digest.
//!
//! Each node is stored as the JSON serde writes of its contract type, beside indexed columns
//! that queries use; a spec's adapter is a column of the spec (the `belongs-to` edge), the
//! other edges have tables of their own (`uses`, `measured_on`), all with foreign keys, and
//! the view `edges` shows the three relations as one. The database's schema version is its
//! `PRAGMA user_version` ([`DATABASE_VERSION`]); a newer one is refused.
//!
//! A spec's key is its backend and name (`llvm/gvn`, [`PassSpec::key`]), so one adapter
//! offers each backend's specs. Revoked adapters and plans stay stored, marked with why, and
//! are hidden from [`Registry::search`] unless asked for; the specs of a revoked adapter, and
//! the plans published for it, count as revoked with it.

use crate::db::Refusal;
use crate::graph::{Adapter, Edge, GraphOfContracts, Node, Plan, ProblemRef, Relation};
use crate::spec::{Effect, PassSpec};
use opm_backend::{BackendKind, Nest, Pipeline, PipelineSyntaxError};
use opm_search::Objective;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// The version of the registry database's schema this build writes (`PRAGMA user_version`).
/// A database of a newer version is refused.
pub const DATABASE_VERSION: i64 = MIGRATIONS.len() as i64;

/// `PRAGMA application_id` of a registry database ("OPMR"): a SQLite file of another
/// program is refused rather than read as an empty registry.
const APPLICATION_ID: i64 = 0x4f50_4d52;

/// Schema migrations, in order: migration `i` brings a database from version `i` to `i + 1`.
const MIGRATIONS: [&str; 1] = [
    // 1: the first schema.
    "CREATE TABLE adapters (
        name TEXT PRIMARY KEY,
        backend TEXT NOT NULL UNIQUE,
        version TEXT NOT NULL,
        target TEXT NOT NULL,
        contract TEXT NOT NULL,
        revoked TEXT
    );
    CREATE TABLE specs (
        key TEXT PRIMARY KEY,
        adapter TEXT NOT NULL REFERENCES adapters (name),
        name TEXT NOT NULL,
        nest TEXT NOT NULL,
        preset INTEGER NOT NULL,
        description TEXT,
        contract TEXT NOT NULL,
        revoked TEXT
    );
    CREATE INDEX specs_by_adapter ON specs (adapter, nest);
    CREATE INDEX specs_by_nest ON specs (nest);
    CREATE TABLE plans (
        id TEXT PRIMARY KEY,
        adapter TEXT NOT NULL REFERENCES adapters (name),
        backend TEXT NOT NULL,
        pipeline TEXT NOT NULL,
        kind_of_program TEXT,
        contract TEXT NOT NULL,
        revoked TEXT
    );
    CREATE INDEX plans_by_adapter ON plans (adapter);
    CREATE TABLE problems (
        id TEXT PRIMARY KEY,
        module_digest TEXT NOT NULL,
        objective TEXT NOT NULL,
        contract TEXT NOT NULL
    );
    CREATE TABLE improvements (
        plan TEXT NOT NULL REFERENCES plans (id),
        metric TEXT NOT NULL,
        before REAL NOT NULL,
        after REAL NOT NULL,
        PRIMARY KEY (plan, metric)
    );
    CREATE INDEX improvements_by_metric ON improvements (metric);
    CREATE TABLE uses (
        plan TEXT NOT NULL REFERENCES plans (id),
        spec TEXT NOT NULL REFERENCES specs (key),
        position INTEGER NOT NULL,
        PRIMARY KEY (plan, spec)
    );
    CREATE INDEX uses_by_spec ON uses (spec);
    CREATE TABLE measured_on (
        plan TEXT NOT NULL REFERENCES plans (id),
        problem TEXT NOT NULL REFERENCES problems (id),
        PRIMARY KEY (plan, problem)
    );
    CREATE INDEX measured_on_by_problem ON measured_on (problem);
    CREATE VIEW edges (relation, from_kind, from_id, to_kind, to_id, position) AS
        SELECT 'belongs-to', 'spec', key, 'adapter', adapter, 0 FROM specs
        UNION ALL SELECT 'uses', 'plan', plan, 'spec', spec, position FROM uses
        UNION ALL SELECT 'measured-on', 'plan', plan, 'problem', problem, 0 FROM measured_on;",
];

/// What kind of node a registry entry is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// An adapter (a backend as the registry knows it).
    Adapter,
    /// A spec an adapter offers.
    Spec,
    /// A published plan.
    Plan,
    /// A problem a plan was measured on.
    Problem,
}

impl Kind {
    /// Every kind, in the order listings give them.
    pub const ALL: [Kind; 4] = [Kind::Adapter, Kind::Spec, Kind::Plan, Kind::Problem];

    /// The name used on the command line and in `kind:id` references: `adapter`, `spec`,
    /// `plan`, `problem`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Adapter => "adapter",
            Kind::Spec => "spec",
            Kind::Plan => "plan",
            Kind::Problem => "problem",
        }
    }

    /// The kind called `name` ([`Kind::name`]).
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The kind of a graph's node.
    pub fn of(node: &Node) -> Kind {
        match node {
            Node::Adapter(_) => Kind::Adapter,
            Node::Spec(_) => Kind::Spec,
            Node::Plan(_) => Kind::Plan,
            Node::Problem(_) => Kind::Problem,
        }
    }

    /// The node of this kind with `id`.
    pub fn node(self, id: String) -> Node {
        match self {
            Kind::Adapter => Node::Adapter(id),
            Kind::Spec => Node::Spec(id),
            Kind::Plan => Node::Plan(id),
            Kind::Problem => Node::Problem(id),
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> Result<Kind, String> {
        Kind::from_name(s)
            .ok_or_else(|| format!("unknown kind `{s}` (adapter, spec, plan or problem)"))
    }
}

/// Why the registry cannot do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    /// The database file cannot be opened or read as SQLite.
    #[error("cannot open the registry `{}`: {source}", path.display())]
    Open { path: PathBuf, source: rusqlite::Error },
    /// The directory the database goes in cannot be created.
    #[error("cannot create the registry's directory `{}`: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    /// The database was written by a newer opm.
    #[error(
        "the registry `{}` has schema version {found}; this opm reads version {known} and older",
        path.display()
    )]
    Newer { path: PathBuf, found: i64, known: i64 },
    /// The file is a SQLite database of something else.
    #[error("`{}` is a SQLite database, but not an opm registry", path.display())]
    NotARegistry { path: PathBuf },
    /// SQLite failed.
    #[error("registry database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored contract cannot be read back.
    #[error("the registry's stored {kind} `{id}` is unreadable: {why}")]
    Corrupt { kind: Kind, id: String, why: String },
    /// A contract cannot be written as JSON.
    #[error("{kind} `{id}` cannot be written as JSON: {why}")]
    Encode { kind: Kind, id: String, why: String },
    /// A name or id is empty.
    #[error("{kind} {field} must not be empty")]
    Empty { kind: Kind, field: &'static str },
    /// An adapter offers a spec of another backend.
    #[error(
        "adapter `{adapter}` is a {backend} adapter, yet offers `{spec}`, a spec of another backend"
    )]
    SpecOfOtherBackend { adapter: String, backend: BackendKind, spec: String },
    /// An adapter offers the same spec twice.
    #[error("adapter `{adapter}` offers `{spec}` twice")]
    DuplicateSpec { adapter: String, spec: String },
    /// Another adapter already offers this backend's specs.
    #[error(
        "adapter `{adapter}` cannot be admitted: adapter `{owner}` already offers the {backend} \
         backend's specs (a spec's key is its backend and name, `{backend}/…`)"
    )]
    BackendTaken { adapter: String, backend: BackendKind, owner: String },
    /// An adapter admitted again names another backend.
    #[error("adapter `{adapter}` was admitted for {was}; it cannot be admitted again for {now}")]
    BackendChanged { adapter: String, was: String, now: BackendKind },
    /// Nothing of that kind has that id.
    #[error("no {kind} `{id}` in the registry")]
    NotFound { kind: Kind, id: String },
    /// A revocation without a reason.
    #[error("revoking {kind} `{id}` needs a reason")]
    NoReason { kind: Kind, id: String },
    /// It was revoked before.
    #[error("{kind} `{id}` is already revoked: {why}")]
    AlreadyRevoked { kind: Kind, id: String, why: String },
    /// A plan for a backend no admitted adapter offers.
    #[error("plan `{plan}` is for {backend}, which no admitted adapter offers")]
    NoAdapter { plan: String, backend: BackendKind },
    /// A plan uses specs its backend's adapter does not offer.
    #[error(
        "plan `{plan}` uses what the admitted {backend} adapter does not offer: {}",
        specs.join(", ")
    )]
    NotOffered { plan: String, backend: BackendKind, specs: Vec<String> },
    /// A plan's pipeline is not its backend's syntax.
    #[error("plan `{plan}`: {source}")]
    BadPipeline { plan: String, source: PipelineSyntaxError },
    /// Another plan has the same id.
    #[error("another plan `{id}` is already published (other pipeline, effects or specs)")]
    PlanExists { id: String },
    /// The plan was published and revoked.
    #[error("plan `{id}` was published and revoked: {why}")]
    PlanRevoked { id: String, why: String },
    /// Another problem has the same id.
    #[error("another problem `{id}` is already stored (other module digest or objective)")]
    ProblemConflict { id: String },
    /// A problem's module digest is not a digest.
    #[error(
        "problem `{problem}`: the module digest must be 1 to 128 hexadecimal digits, not `{digest}`"
    )]
    NotADigest { problem: String, digest: String },
}

/// One line of a listing or a search.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Listing {
    /// What it is.
    pub kind: Kind,
    /// The adapter's name, the spec's key, the plan's or the problem's id.
    pub id: String,
    /// A line saying what it is.
    pub summary: String,
    /// Why it was revoked (or its adapter was), when it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<String>,
}

/// An admitted adapter with what it offers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdapterRecord {
    /// The adapter's contract, as admitted last.
    pub adapter: Adapter,
    /// How many specs it offers (not withdrawn).
    pub specs: usize,
    /// How many plans are published for it (not revoked).
    pub plans: usize,
    /// Why it was revoked, when it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<String>,
}

/// A stored contract, of whichever kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Stored {
    /// An adapter's contract.
    Adapter(Adapter),
    /// A spec's contract.
    Spec(PassSpec),
    /// A plan's contract.
    Plan(Plan),
    /// A problem's reference (its module's digest, never its IR).
    Problem(ProblemRef),
}

/// One node as [`Registry::show`] gives it: its contract and its edges both ways.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Shown {
    /// What it is.
    pub kind: Kind,
    /// The adapter's name, the spec's key, the plan's or the problem's id.
    pub id: String,
    /// The contract as it was published.
    pub contract: Stored,
    /// Why it was revoked (or its adapter was), when it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked: Option<String>,
    /// Every edge from or to it: a spec's adapter and the plans that use it, a plan's specs
    /// and problems, an adapter's specs, a problem's plans.
    pub edges: Vec<Edge>,
}

/// A plan [`Registry::suggest`] offers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Suggestion {
    pub plan: Plan,
    /// Whether it was measured on a program of the kind asked for.
    pub same_kind: bool,
    /// Its metric after / before, against its own baseline.
    pub ratio: f64,
}

/// What [`Registry::search`] looks for; every field given must match.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Query {
    /// A substring, in any case, of a name, id or description: an adapter's name, backend,
    /// version or target; a spec's key or description; a plan's id, pipeline or kind of
    /// program; a problem's id or module digest.
    pub text: Option<String>,
    /// An adapter's name (or its backend's): its specs and its plans.
    pub adapter: Option<String>,
    /// A spec's nesting (`function`, `cgscc`, `setting`, `flag`…): specs only.
    pub level: Option<Nest>,
    /// A metric a plan improved (`instcount`, `text_bytes`, `compile_ms`,
    /// `runtime_median_ns`, as `opm_search::PlanDelta` names them, or an objective's name:
    /// `size`, `runtime`, `compile-time`): plans only. Every metric is better lower, so a
    /// plan improved it when it measured less after than before.
    pub improved: Option<String>,
    /// Whether revoked entries are found too.
    pub include_revoked: bool,
}

/// The metric `PlanDelta` records for `name`: an objective's name stands for its metric.
pub fn metric_named(name: &str) -> &str {
    match Objective::ALL.into_iter().find(|o| o.name() == name) {
        Some(Objective::Instcount) => "instcount",
        Some(Objective::Size) => "text_bytes",
        Some(Objective::Runtime) => "runtime_median_ns",
        Some(Objective::CompileTime) => "compile_ms",
        None => name,
    }
}

/// An open registry database.
pub struct Registry {
    conn: Connection,
    path: PathBuf,
}

/// A decoded row with its effective revocation.
struct Row<T> {
    value: T,
    revoked: Option<String>,
}

/// Which specs or plans to read.
#[derive(Default)]
struct Filter<'a> {
    /// One by its key or id.
    id: Option<&'a str>,
    /// An adapter's name or backend.
    adapter: Option<&'a str>,
    /// Specs of this nesting.
    nest: Option<String>,
    /// Plans that improved this metric.
    metric: Option<&'a str>,
    include_revoked: bool,
}

impl Registry {
    /// Opens the registry at `path`, creating the file, its directory and its tables when
    /// needed. Foreign keys are enforced. A database of a newer schema version, or a SQLite
    /// file that is not a registry, is refused.
    pub fn open(path: &Path) -> Result<Registry, RegistryError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|source| RegistryError::Io { path: dir.to_path_buf(), source })?;
        }
        let opening = |source| RegistryError::Open { path: path.to_path_buf(), source };
        let conn = Connection::open(path).map_err(opening)?;
        conn.busy_timeout(std::time::Duration::from_secs(30)).map_err(opening)?;
        conn.pragma_update(None, "foreign_keys", true).map_err(opening)?;
        let mut registry = Registry { conn, path: path.to_path_buf() };
        registry.migrate()?;
        Ok(registry)
    }

    /// The file the registry is stored in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Brings the schema to [`DATABASE_VERSION`], in one transaction.
    fn migrate(&mut self) -> Result<(), RegistryError> {
        if crate::db::current(&self.conn, APPLICATION_ID, MIGRATIONS.len()) {
            return Ok(());
        }
        let path = self.path.clone();
        let opening = |source| RegistryError::Open { path: path.clone(), source };
        let tx =
            self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(opening)?;
        match crate::db::migrate(&tx, APPLICATION_ID, &MIGRATIONS).map_err(opening)? {
            Ok(()) => {}
            Err(Refusal::Newer(found)) => {
                return Err(RegistryError::Newer { path, found, known: DATABASE_VERSION });
            }
            Err(Refusal::Foreign) => return Err(RegistryError::NotARegistry { path }),
        }
        tx.commit()?;
        Ok(())
    }

    /// Admits `adapter` with the specs it offers, in one transaction. Admitting an adapter
    /// of the same name again replaces its contract and its specs and lifts its revocation;
    /// a spec it no longer offers is removed, or, when a plan uses it, kept and marked
    /// withdrawn. Every spec must be of the adapter's backend, and one adapter offers each
    /// backend's specs.
    pub fn admit_adapter(
        &mut self,
        adapter: &Adapter,
        specs: &[PassSpec],
    ) -> Result<(), RegistryError> {
        let name = adapter.name.as_str();
        if name.trim().is_empty() {
            return Err(RegistryError::Empty { kind: Kind::Adapter, field: "name" });
        }
        let mut keys = HashSet::new();
        for s in specs {
            if s.adapter != adapter.backend {
                return Err(RegistryError::SpecOfOtherBackend {
                    adapter: name.to_string(),
                    backend: adapter.backend,
                    spec: s.key(),
                });
            }
            if s.name.trim().is_empty() {
                return Err(RegistryError::Empty { kind: Kind::Spec, field: "name" });
            }
            if !keys.insert(s.key()) {
                return Err(RegistryError::DuplicateSpec {
                    adapter: name.to_string(),
                    spec: s.key(),
                });
            }
        }
        let contract = encode(Kind::Adapter, name, adapter)?;
        let backend = adapter.backend.name();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let owner: Option<String> = tx
            .query_row(
                "SELECT name FROM adapters WHERE backend = ?1 AND name <> ?2",
                params![backend, name],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(owner) = owner {
            return Err(RegistryError::BackendTaken {
                adapter: name.to_string(),
                backend: adapter.backend,
                owner,
            });
        }
        let was: Option<String> = tx
            .query_row("SELECT backend FROM adapters WHERE name = ?1", [name], |r| r.get(0))
            .optional()?;
        if let Some(was) = was
            && was != backend
        {
            return Err(RegistryError::BackendChanged {
                adapter: name.to_string(),
                was,
                now: adapter.backend,
            });
        }
        tx.execute(
            "INSERT INTO adapters (name, backend, version, target, contract, revoked)
             VALUES (?1, ?2, ?3, ?4, ?5, NULL)
             ON CONFLICT (name) DO UPDATE SET version = excluded.version,
                 target = excluded.target, contract = excluded.contract, revoked = NULL",
            params![name, backend, adapter.version, adapter.target, contract],
        )?;
        let before: Vec<String> = {
            let mut stmt = tx.prepare("SELECT key FROM specs WHERE adapter = ?1")?;
            let rows = stmt.query_map([name], |r| r.get(0))?;
            rows.collect::<Result<_, _>>()?
        };
        {
            let mut upsert = tx.prepare(
                "INSERT INTO specs (key, adapter, name, nest, preset, description, contract,
                     revoked)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL)
                 ON CONFLICT (key) DO UPDATE SET name = excluded.name, nest = excluded.nest,
                     preset = excluded.preset, description = excluded.description,
                     contract = excluded.contract, revoked = NULL",
            )?;
            for s in specs {
                let key = s.key();
                upsert.execute(params![
                    key,
                    name,
                    s.name,
                    serde_name(&s.nest),
                    s.preset,
                    s.description,
                    encode(Kind::Spec, &key, s)?,
                ])?;
            }
        }
        {
            let why =
                format!("withdrawn: adapter `{name}` {} no longer offers it", adapter.version);
            let mut used = tx.prepare("SELECT EXISTS (SELECT 1 FROM uses WHERE spec = ?1)")?;
            let mut withdraw =
                tx.prepare("UPDATE specs SET revoked = ?2 WHERE key = ?1 AND revoked IS NULL")?;
            let mut remove = tx.prepare("DELETE FROM specs WHERE key = ?1")?;
            for key in before.iter().filter(|k| !keys.contains(*k)) {
                if used.query_row([key], |r| r.get::<_, bool>(0))? {
                    withdraw.execute(params![key, why])?;
                } else {
                    remove.execute([key])?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Revokes the adapter `name` for the reason `why`: it stays stored, marked, and its specs
    /// and plans are hidden from search with it.
    pub fn revoke_adapter(&mut self, name: &str, why: &str) -> Result<(), RegistryError> {
        self.revoke(Kind::Adapter, name, why)
    }

    /// Revokes the plan `id` for the reason `why`: it stays stored, marked, and hidden from
    /// search.
    pub fn revoke_plan(&mut self, id: &str, why: &str) -> Result<(), RegistryError> {
        self.revoke(Kind::Plan, id, why)
    }

    fn revoke(&mut self, kind: Kind, id: &str, why: &str) -> Result<(), RegistryError> {
        let why = why.trim();
        if why.is_empty() {
            return Err(RegistryError::NoReason { kind, id: id.to_string() });
        }
        let (select, update) = match kind {
            Kind::Adapter => (
                "SELECT revoked FROM adapters WHERE name = ?1",
                "UPDATE adapters SET revoked = ?2 WHERE name = ?1",
            ),
            Kind::Plan => (
                "SELECT revoked FROM plans WHERE id = ?1",
                "UPDATE plans SET revoked = ?2 WHERE id = ?1",
            ),
            // Specs are withdrawn by admitting their adapter again; problems are facts.
            Kind::Spec | Kind::Problem => {
                return Err(RegistryError::NotFound { kind, id: id.to_string() });
            }
        };
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let current: Option<Option<String>> =
            tx.query_row(select, [id], |r| r.get(0)).optional()?;
        match current {
            None => return Err(RegistryError::NotFound { kind, id: id.to_string() }),
            Some(Some(was)) => {
                return Err(RegistryError::AlreadyRevoked { kind, id: id.to_string(), why: was });
            }
            Some(None) => {
                tx.execute(update, params![id, why])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Publishes `plan`, which uses the specs whose keys are `uses` (in its pipeline's order;
    /// repeats are kept once) and was measured on `measured_on`. The plan's backend needs an
    /// admitted adapter that offers every spec used; its pipeline must read as its backend's
    /// (`Pipeline::read`). Publishing the same plan again with the same specs only records
    /// `measured_on`; another plan of the same id is refused.
    pub fn publish_plan(
        &mut self,
        plan: &Plan,
        uses: &[String],
        measured_on: Option<&ProblemRef>,
    ) -> Result<(), RegistryError> {
        let id = plan.id.as_str();
        if id.trim().is_empty() {
            return Err(RegistryError::Empty { kind: Kind::Plan, field: "id" });
        }
        Pipeline::read(plan.backend, &plan.pipeline)
            .map_err(|source| RegistryError::BadPipeline { plan: id.to_string(), source })?;
        if let Some(problem) = measured_on {
            check_problem(problem)?;
        }
        let mut seen = HashSet::new();
        let uses: Vec<&str> = uses.iter().map(String::as_str).filter(|k| seen.insert(*k)).collect();
        let contract = encode(Kind::Plan, id, plan)?;
        let backend = plan.backend.name();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let existing: Option<(String, Option<String>)> = tx
            .query_row("SELECT contract, revoked FROM plans WHERE id = ?1", [id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        match existing {
            Some((_, Some(why))) => {
                return Err(RegistryError::PlanRevoked { id: id.to_string(), why });
            }
            Some((stored, None)) => {
                let stored: Plan = decode(Kind::Plan, id, &stored)?;
                let mut stmt =
                    tx.prepare("SELECT spec FROM uses WHERE plan = ?1 ORDER BY position")?;
                let used: Vec<String> =
                    stmt.query_map([id], |r| r.get(0))?.collect::<Result<_, _>>()?;
                if stored != *plan || used != uses {
                    return Err(RegistryError::PlanExists { id: id.to_string() });
                }
            }
            None => {
                let adapter: Option<String> = tx
                    .query_row(
                        "SELECT name FROM adapters WHERE backend = ?1 AND revoked IS NULL",
                        [backend],
                        |r| r.get(0),
                    )
                    .optional()?;
                let Some(adapter) = adapter else {
                    return Err(RegistryError::NoAdapter {
                        plan: id.to_string(),
                        backend: plan.backend,
                    });
                };
                let mut missing = Vec::new();
                {
                    let mut offered = tx.prepare(
                        "SELECT EXISTS (SELECT 1 FROM specs
                         WHERE key = ?1 AND adapter = ?2 AND revoked IS NULL)",
                    )?;
                    for key in &uses {
                        if !offered.query_row(params![key, adapter], |r| r.get::<_, bool>(0))? {
                            missing.push(key.to_string());
                        }
                    }
                }
                if !missing.is_empty() {
                    return Err(RegistryError::NotOffered {
                        plan: id.to_string(),
                        backend: plan.backend,
                        specs: missing,
                    });
                }
                tx.execute(
                    "INSERT INTO plans (id, adapter, backend, pipeline, kind_of_program,
                         contract, revoked)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL)",
                    params![id, adapter, backend, plan.pipeline, plan.kind_of_program, contract],
                )?;
                let mut improved = tx.prepare(
                    "INSERT OR IGNORE INTO improvements (plan, metric, before, after)
                     VALUES (?1, ?2, ?3, ?4)",
                )?;
                for d in &plan.improved {
                    if let (Some(before), Some(after)) = (d.before, d.after)
                        && before.is_finite()
                        && after.is_finite()
                        && after < before
                    {
                        improved.execute(params![id, d.metric, before, after])?;
                    }
                }
                let mut used =
                    tx.prepare("INSERT INTO uses (plan, spec, position) VALUES (?1, ?2, ?3)")?;
                for (position, key) in uses.iter().enumerate() {
                    used.execute(params![id, key, position as i64])?;
                }
            }
        }
        if let Some(problem) = measured_on {
            put_problem(&tx, problem)?;
            tx.execute(
                "INSERT OR IGNORE INTO measured_on (plan, problem) VALUES (?1, ?2)",
                params![id, problem.id],
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The plans of `backend` to try first on a program of the kind `bucket`, at most `limit`,
    /// best first: those measured on programs of that kind, by how much they improved
    /// `metric` over their baseline (after / before, lowest first), then the others the same
    /// way. Only plans that are not revoked and that recorded `metric` before and after.
    pub fn suggest(
        &self,
        bucket: &str,
        backend: BackendKind,
        metric: &str,
        limit: usize,
    ) -> Result<Vec<Suggestion>, RegistryError> {
        let filter = Filter { adapter: Some(backend.name()), ..Filter::default() };
        let mut found: Vec<Suggestion> = self
            .plan_rows(&filter)?
            .into_iter()
            .filter(|row| row.value.backend == backend)
            .filter_map(|row| {
                let d = row.value.improved.iter().find(|d| d.metric == metric)?;
                let (before, after) = (d.before?, d.after?);
                let ratio = after / before;
                (ratio.is_finite() && ratio > 0.0).then(|| Suggestion {
                    same_kind: row.value.kind_of_program.as_deref() == Some(bucket),
                    ratio,
                    plan: row.value,
                })
            })
            .collect();
        found.sort_by(|a, b| {
            b.same_kind
                .cmp(&a.same_kind)
                .then(a.ratio.total_cmp(&b.ratio))
                .then_with(|| a.plan.id.cmp(&b.plan.id))
        });
        // The same pipeline published twice is tried once.
        let mut seen = std::collections::HashSet::new();
        found.retain(|s| seen.insert(s.plan.pipeline.clone()));
        found.truncate(limit);
        Ok(found)
    }

    /// Every adapter, admitted or revoked, by name, with how much it offers.
    pub fn adapters(&self) -> Result<Vec<AdapterRecord>, RegistryError> {
        self.adapter_rows(None)
    }

    fn adapter_rows(&self, name: Option<&str>) -> Result<Vec<AdapterRecord>, RegistryError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.name, a.contract, a.revoked,
                 (SELECT COUNT(*) FROM specs s WHERE s.adapter = a.name AND s.revoked IS NULL),
                 (SELECT COUNT(*) FROM plans p WHERE p.adapter = a.name AND p.revoked IS NULL)
             FROM adapters a WHERE ?1 IS NULL OR a.name = ?1 ORDER BY a.name",
        )?;
        let rows = stmt.query_map([name], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (name, contract, revoked, specs, plans) = row?;
            let adapter: Adapter = decode(Kind::Adapter, &name, &contract)?;
            same_id(Kind::Adapter, &name, &adapter.name)?;
            let count = |n: i64| usize::try_from(n).unwrap_or(0);
            out.push(AdapterRecord { adapter, specs: count(specs), plans: count(plans), revoked });
        }
        Ok(out)
    }

    fn spec_rows(&self, f: &Filter) -> Result<Vec<Row<PassSpec>>, RegistryError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT s.key, s.contract, s.revoked, a.name, a.revoked
             FROM specs s JOIN adapters a ON a.name = s.adapter
             WHERE (?1 IS NULL OR s.key = ?1)
                 AND (?2 IS NULL OR a.name = ?2 OR a.backend = ?2)
                 AND (?3 IS NULL OR s.nest = ?3)
                 AND (?4 OR (s.revoked IS NULL AND a.revoked IS NULL))
             ORDER BY s.key",
        )?;
        let rows =
            stmt.query_map(params![f.id, f.adapter, f.nest, f.include_revoked], listed_row)?;
        let mut out = Vec::new();
        for row in rows {
            let (key, contract, revoked, adapter, adapter_revoked) = row?;
            let value: PassSpec = decode(Kind::Spec, &key, &contract)?;
            same_id(Kind::Spec, &key, &value.key())?;
            let revoked = revoked.or_else(|| by_adapter(&adapter, adapter_revoked));
            out.push(Row { value, revoked });
        }
        Ok(out)
    }

    fn plan_rows(&self, f: &Filter) -> Result<Vec<Row<Plan>>, RegistryError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.id, p.contract, p.revoked, a.name, a.revoked
             FROM plans p JOIN adapters a ON a.name = p.adapter
             WHERE (?1 IS NULL OR p.id = ?1)
                 AND (?2 IS NULL OR a.name = ?2 OR a.backend = ?2)
                 AND (?3 IS NULL OR EXISTS
                     (SELECT 1 FROM improvements i WHERE i.plan = p.id AND i.metric = ?3))
                 AND (?4 OR (p.revoked IS NULL AND a.revoked IS NULL))
             ORDER BY p.id",
        )?;
        let rows =
            stmt.query_map(params![f.id, f.adapter, f.metric, f.include_revoked], listed_row)?;
        let mut out = Vec::new();
        for row in rows {
            let (id, contract, revoked, adapter, adapter_revoked) = row?;
            let value: Plan = decode(Kind::Plan, &id, &contract)?;
            same_id(Kind::Plan, &id, &value.id)?;
            let revoked = revoked.or_else(|| by_adapter(&adapter, adapter_revoked));
            out.push(Row { value, revoked });
        }
        Ok(out)
    }

    fn problem_rows(&self, id: Option<&str>) -> Result<Vec<ProblemRef>, RegistryError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, contract FROM problems WHERE ?1 IS NULL OR id = ?1 ORDER BY id",
        )?;
        let rows =
            stmt.query_map([id], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, contract) = row?;
            let value: ProblemRef = decode(Kind::Problem, &id, &contract)?;
            same_id(Kind::Problem, &id, &value.id)?;
            out.push(value);
        }
        Ok(out)
    }

    /// Everything of `kind` (every kind when `None`), revoked entries included and marked,
    /// adapters first, then specs, plans and problems, each by id.
    pub fn list(&self, kind: Option<Kind>) -> Result<Vec<Listing>, RegistryError> {
        let all = Filter { include_revoked: true, ..Filter::default() };
        let mut out = Vec::new();
        for k in Kind::ALL.into_iter().filter(|k| kind.is_none_or(|kind| kind == *k)) {
            match k {
                Kind::Adapter => out.extend(self.adapters()?.iter().map(adapter_listing)),
                Kind::Spec => out.extend(self.spec_rows(&all)?.iter().map(spec_listing)),
                Kind::Plan => out.extend(self.plan_rows(&all)?.iter().map(plan_listing)),
                Kind::Problem => out.extend(self.problem_rows(None)?.iter().map(problem_listing)),
            }
        }
        Ok(out)
    }

    /// What `query` finds, in the order of [`Registry::list`]. `adapter` finds that
    /// adapter's specs and plans, `level` specs, `improved` plans; `text` alone finds any
    /// kind. Revoked entries only with `include_revoked`.
    pub fn search(&self, query: &Query) -> Result<Vec<Listing>, RegistryError> {
        let improved = query.improved.as_deref().map(metric_named);
        let filter = Filter {
            id: None,
            adapter: query.adapter.as_deref(),
            nest: query.level.as_ref().map(serde_name),
            metric: improved,
            include_revoked: query.include_revoked,
        };
        let structured = query.adapter.is_some() || query.level.is_some() || improved.is_some();
        let needle = query.text.as_deref().map(str::to_lowercase);
        let matches = |fields: &[Option<&str>]| match &needle {
            None => true,
            Some(n) => fields.iter().flatten().any(|f| f.to_lowercase().contains(n.as_str())),
        };
        let mut out = Vec::new();
        if !structured {
            for a in self.adapters()? {
                let visible = query.include_revoked || a.revoked.is_none();
                let x = &a.adapter;
                let fields = [
                    Some(x.name.as_str()),
                    Some(x.backend.name()),
                    Some(&x.version),
                    Some(&x.target),
                ];
                if visible && matches(&fields) {
                    out.push(adapter_listing(&a));
                }
            }
        }
        if improved.is_none() {
            for s in self.spec_rows(&filter)? {
                let key = s.value.key();
                if matches(&[Some(&key), s.value.description.as_deref()]) {
                    out.push(spec_listing(&s));
                }
            }
        }
        if query.level.is_none() {
            for p in self.plan_rows(&filter)? {
                let v = &p.value;
                if matches(&[Some(&v.id), Some(&v.pipeline), v.kind_of_program.as_deref()]) {
                    out.push(plan_listing(&p));
                }
            }
        }
        if !structured {
            for p in self.problem_rows(None)? {
                if matches(&[Some(&p.id), Some(&p.module_digest)]) {
                    out.push(problem_listing(&p));
                }
            }
        }
        Ok(out)
    }

    /// The node `id` names, with its contract and edges; `None` when nothing has that id.
    /// `id` is an adapter's name, a spec's key, a plan's or a problem's id, looked for in
    /// that order, or `kind:id` (`plan:p1`) to say which.
    pub fn show(&self, id: &str) -> Result<Option<Shown>, RegistryError> {
        if let Some((kind, rest)) = id.split_once(':')
            && let Some(kind) = Kind::from_name(kind)
            && let Some(shown) = self.show_node(&kind.node(rest.to_string()))?
        {
            return Ok(Some(shown));
        }
        for kind in Kind::ALL {
            if let Some(shown) = self.show_node(&kind.node(id.to_string()))? {
                return Ok(Some(shown));
            }
        }
        Ok(None)
    }

    /// The node `node`, with its contract and edges; `None` when it is not stored.
    pub fn show_node(&self, node: &Node) -> Result<Option<Shown>, RegistryError> {
        let (kind, id) = match node {
            Node::Adapter(id) | Node::Spec(id) | Node::Plan(id) | Node::Problem(id) => {
                (Kind::of(node), id.as_str())
            }
        };
        let one = Filter { id: Some(id), include_revoked: true, ..Filter::default() };
        let found = match kind {
            Kind::Adapter => self
                .adapter_rows(Some(id))?
                .into_iter()
                .next()
                .map(|a| (Stored::Adapter(a.adapter), a.revoked)),
            Kind::Spec => {
                self.spec_rows(&one)?.into_iter().next().map(|r| (Stored::Spec(r.value), r.revoked))
            }
            Kind::Plan => {
                self.plan_rows(&one)?.into_iter().next().map(|r| (Stored::Plan(r.value), r.revoked))
            }
            Kind::Problem => {
                self.problem_rows(Some(id))?.into_iter().next().map(|p| (Stored::Problem(p), None))
            }
        };
        let Some((contract, revoked)) = found else { return Ok(None) };
        let edges = self.edges(Some((kind, id)))?;
        Ok(Some(Shown { kind, id: id.to_string(), contract, revoked, edges }))
    }

    /// The edges, all or those from or to one node: `belongs-to` by spec, then `uses` by
    /// plan in the plan's order, then `measured-on`.
    fn edges(&self, of: Option<(Kind, &str)>) -> Result<Vec<Edge>, RegistryError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT relation, from_kind, from_id, to_kind, to_id FROM edges
             WHERE ?1 IS NULL OR (from_kind = ?1 AND from_id = ?2)
                 OR (to_kind = ?1 AND to_id = ?2)
             ORDER BY CASE relation WHEN 'belongs-to' THEN 0 WHEN 'uses' THEN 1 ELSE 2 END,
                 from_id, position, to_id",
        )?;
        let (kind, id) = match of {
            Some((kind, id)) => (Some(kind.name()), Some(id)),
            None => (None, None),
        };
        let rows = stmt.query_map(params![kind, id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (relation, from_kind, from, to_kind, to) = row?;
            let relation = match relation.as_str() {
                "belongs-to" => Relation::BelongsTo,
                "uses" => Relation::Uses,
                "measured-on" => Relation::MeasuredOn,
                _ => {
                    return Err(RegistryError::Corrupt {
                        kind: Kind::Plan,
                        id: from,
                        why: format!("an edge of unknown relation `{relation}`"),
                    });
                }
            };
            let node = |kind: &str, id: String| match Kind::from_name(kind) {
                Some(kind) => Ok(kind.node(id)),
                None => Err(RegistryError::Corrupt {
                    kind: Kind::Plan,
                    why: format!("an edge to a node of unknown kind `{kind}`"),
                    id,
                }),
            };
            out.push(Edge { from: node(&from_kind, from)?, to: node(&to_kind, to)?, relation });
        }
        Ok(out)
    }

    /// Everything stored, revoked entries included, as a graph that passes
    /// [`GraphOfContracts::check`].
    pub fn graph(&self) -> Result<GraphOfContracts, RegistryError> {
        self.graph_with(true)
    }

    /// The graph of what is stored; without `include_revoked`, revoked adapters and plans
    /// (and the specs and plans of revoked adapters, and withdrawn specs) are left out with
    /// their edges. It passes [`GraphOfContracts::check`] either way.
    pub fn graph_with(&self, include_revoked: bool) -> Result<GraphOfContracts, RegistryError> {
        let keep = |revoked: &Option<String>| include_revoked || revoked.is_none();
        let filter = Filter { include_revoked, ..Filter::default() };
        let adapters: Vec<Adapter> =
            self.adapters()?.into_iter().filter(|a| keep(&a.revoked)).map(|a| a.adapter).collect();
        let specs: Vec<PassSpec> = self.spec_rows(&filter)?.into_iter().map(|r| r.value).collect();
        let plans: Vec<Plan> = self.plan_rows(&filter)?.into_iter().map(|r| r.value).collect();
        let problems = self.problem_rows(None)?;
        let nodes: HashSet<Node> = adapters
            .iter()
            .map(|a| Node::Adapter(a.name.clone()))
            .chain(specs.iter().map(|s| Node::Spec(s.key())))
            .chain(plans.iter().map(|p| Node::Plan(p.id.clone())))
            .chain(problems.iter().map(|p| Node::Problem(p.id.clone())))
            .collect();
        let edges = self
            .edges(None)?
            .into_iter()
            .filter(|e| nodes.contains(&e.from) && nodes.contains(&e.to))
            .collect();
        Ok(GraphOfContracts { adapters, specs, plans, problems, edges })
    }
}

/// A revocation inherited from the adapter `adapter`.
fn by_adapter(adapter: &str, revoked: Option<String>) -> Option<String> {
    revoked.map(|why| format!("adapter `{adapter}` revoked: {why}"))
}

/// Checks what a problem may hold: an id and a module digest, never the module.
fn check_problem(problem: &ProblemRef) -> Result<(), RegistryError> {
    if problem.id.trim().is_empty() {
        return Err(RegistryError::Empty { kind: Kind::Problem, field: "id" });
    }
    let d = &problem.module_digest;
    if d.is_empty() || d.len() > 128 || !d.bytes().all(|b| b.is_ascii_hexdigit()) {
        let shown: String = d.chars().take(40).collect();
        let shown = if d.chars().count() > 40 { shown + "…" } else { shown };
        return Err(RegistryError::NotADigest { problem: problem.id.clone(), digest: shown });
    }
    Ok(())
}

/// Stores `problem`, or checks that the one stored under its id is the same.
fn put_problem(conn: &Connection, problem: &ProblemRef) -> Result<(), RegistryError> {
    let stored: Option<String> = conn
        .query_row("SELECT contract FROM problems WHERE id = ?1", [&problem.id], |r| r.get(0))
        .optional()?;
    match stored {
        Some(stored) => {
            let stored: ProblemRef = decode(Kind::Problem, &problem.id, &stored)?;
            if stored != *problem {
                return Err(RegistryError::ProblemConflict { id: problem.id.clone() });
            }
        }
        None => {
            conn.execute(
                "INSERT INTO problems (id, module_digest, objective, contract)
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    problem.id,
                    problem.module_digest,
                    problem.objective.name(),
                    encode(Kind::Problem, &problem.id, problem)?
                ],
            )?;
        }
    }
    Ok(())
}

/// The JSON of a contract.
fn encode<T: Serialize>(kind: Kind, id: &str, value: &T) -> Result<String, RegistryError> {
    serde_json::to_string(value).map_err(|e| RegistryError::Encode {
        kind,
        id: id.to_string(),
        why: e.to_string(),
    })
}

/// A stored contract read back.
fn decode<T: DeserializeOwned>(kind: Kind, id: &str, text: &str) -> Result<T, RegistryError> {
    serde_json::from_str(text).map_err(|e| RegistryError::Corrupt {
        kind,
        id: id.to_string(),
        why: e.to_string(),
    })
}

/// Checks that a stored contract is the one its row says.
fn same_id(kind: Kind, row: &str, contract: &str) -> Result<(), RegistryError> {
    if row == contract {
        Ok(())
    } else {
        Err(RegistryError::Corrupt {
            kind,
            id: row.to_string(),
            why: format!("its stored contract is `{contract}`'s"),
        })
    }
}

/// The name serde gives a unit variant (`function`, `floating-point`).
fn serde_name<T: Serialize + fmt::Debug>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => format!("{value:?}").to_lowercase(),
    }
}

/// `n` things, in English.
fn count(n: usize, thing: &str) -> String {
    if n == 1 { format!("1 {thing}") } else { format!("{n} {thing}s") }
}

fn adapter_listing(a: &AdapterRecord) -> Listing {
    let x = &a.adapter;
    let tools: Vec<String> = x.tools.iter().map(|(t, v)| format!("{t} {v}")).collect();
    let tools = if tools.is_empty() { String::new() } else { format!(" ({})", tools.join(", ")) };
    Listing {
        kind: Kind::Adapter,
        id: x.name.clone(),
        summary: format!(
            "{} adapter {}{tools} for {}: {}, {}",
            x.backend,
            x.version,
            x.target,
            count(a.specs, "spec"),
            count(a.plans, "plan")
        ),
        revoked: a.revoked.clone(),
    }
}

fn spec_listing(r: &Row<PassSpec>) -> Listing {
    let s = &r.value;
    let effects: BTreeSet<&Effect> = s.may_change.iter().collect();
    let effects: Vec<String> = effects.into_iter().map(serde_name).collect();
    let mut summary = serde_name(&s.nest);
    if s.preset {
        summary.push_str(", preset");
    }
    if !s.parameters.is_empty() {
        let names: Vec<&str> = s.parameters.iter().map(|p| p.name.as_str()).collect();
        summary.push_str(&format!(", takes {}", names.join(", ")));
    }
    if effects.is_empty() {
        summary.push_str("; may change: not said");
    } else {
        summary.push_str(&format!("; may change {}", effects.join(", ")));
    }
    if let Some(d) = &s.description {
        summary.push_str(&format!("; {d}"));
    }
    Listing { kind: Kind::Spec, id: s.key(), summary, revoked: r.revoked.clone() }
}

fn plan_listing(r: &Row<Plan>) -> Listing {
    let p = &r.value;
    let mut summary = format!("{} `{}`", p.backend, p.pipeline);
    if let Some(k) = &p.kind_of_program {
        summary.push_str(&format!(" for {k}"));
    }
    let improved: Vec<String> = p
        .improved
        .iter()
        .filter_map(|d| match (d.before, d.after) {
            (Some(b), Some(a)) if a < b && b != 0.0 => {
                Some(format!("{} {b} → {a} ({:+.1}%)", d.metric, (a - b) / b * 100.0))
            }
            (Some(b), Some(a)) if a < b => Some(format!("{} {b} → {a}", d.metric)),
            _ => None,
        })
        .collect();
    if !improved.is_empty() {
        summary.push_str(&format!("; improved {}", improved.join(", ")));
    }
    Listing { kind: Kind::Plan, id: p.id.clone(), summary, revoked: r.revoked.clone() }
}

fn problem_listing(p: &ProblemRef) -> Listing {
    Listing {
        kind: Kind::Problem,
        id: p.id.clone(),
        summary: format!("{} of module {}", p.objective.name(), p.module_digest),
        revoked: None,
    }
}

/// A spec's or plan's row as `spec_rows` and `plan_rows` select it: its id, contract and
/// revocation, then its adapter's name and revocation.
type ListedRow = (String, String, Option<String>, String, Option<String>);

fn listed_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ListedRow> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}
