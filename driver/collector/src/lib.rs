//! Collectors (`opm-driver collector`): any number of them, on any machines, take a lab's
//! searches from the queue in a PostgreSQL lab database (`bench --enqueue`) one at a time and
//! run them, the way rustc-perf's collectors take benchmarks.
//!
//! - A taken search is held under a lease that a heartbeat thread renews; should the collector
//!   die, the lease expires and another collector takes the search over, resuming from the
//!   signals stored so far. Every write carries the lease's token, and the database refuses a
//!   write whose token is no longer the search's ([`opm_lab::queue::Fenced`]).
//! - A failed search is queued again, up to `max_attempts` tries, then recorded as failed.
//! - When the database cannot be reached (restarted, say), the collector says so once and
//!   waits, then goes on; its search waits with it.
//!
//! [`status`] renders what `bench status` shows.

pub mod status;

use opm_lab::queue::{self, Collector, Fenced, Lease, Source};
use opm_lab::run::LabOptions;
use opm_lab::store::{Database, PgStore, Store, StoreError};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A collector's options (`opm-driver collector`).
#[derive(Clone, Debug)]
pub struct CollectorOptions {
    /// The PostgreSQL URL of the lab database.
    pub url: String,
    /// Its name, unique among the collectors of the database.
    pub name: String,
    /// Its machine class (run-time searches go only to their class).
    pub class: String,
    /// Candidates evaluated at once within a search.
    pub jobs: usize,
    /// How long a taken search stays held without a heartbeat.
    pub lease: Duration,
    /// How many times a search is tried before it is recorded as failed.
    pub max_attempts: i32,
    /// Stop once nothing this collector could take is queued or running anywhere; otherwise
    /// wait for more work.
    pub exit_when_done: bool,
    /// How long to wait between looks at an empty queue.
    pub poll: Duration,
    /// Where the searched programs' IR and each search's signals are kept.
    pub work: PathBuf,
    /// The `opm-driver` executable to start workers from.
    pub worker_exe: PathBuf,
    pub opm_commit: String,
    /// Say what it does on stderr, a line per event.
    pub verbose: bool,
}

/// What a collector did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// Searches it finished.
    pub done: usize,
    /// Searches that failed on their last attempt here.
    pub failed: usize,
    /// Searches that failed here and went back on the queue.
    pub retried: usize,
    /// Searches whose lease it lost (its late writes refused).
    pub lost: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum CollectorError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

/// Says what a collector does, on stderr, when it is verbose; and, once per outage, that the
/// database is unreachable and it waits.
struct Say {
    name: String,
    verbose: bool,
    /// Whether the database is unreachable, as last said.
    down: AtomicBool,
}

impl Say {
    fn line(&self, text: &str) {
        if self.verbose {
            eprintln!("collector {}: {text}", self.name);
        }
    }

    fn waiting(&self, e: &StoreError) {
        if !self.down.swap(true, Ordering::SeqCst) {
            eprintln!(
                "collector {}: the lab database is unreachable ({e}); waiting for it",
                self.name
            );
        }
    }

    fn reached(&self) {
        if self.down.swap(false, Ordering::SeqCst) {
            eprintln!("collector {}: the lab database is back; going on", self.name);
        }
    }
}

/// Runs `f` until it is done or fails for another reason than an unreachable database,
/// waiting a second between tries.
fn patiently<T>(say: &Say, mut f: impl FnMut() -> Result<T, StoreError>) -> Result<T, StoreError> {
    loop {
        match f() {
            Err(e) if e.is_unreachable() => {
                say.waiting(&e);
                std::thread::sleep(Duration::from_secs(1));
            }
            Ok(v) => {
                say.reached();
                return Ok(v);
            }
            Err(e) => return Err(e),
        }
    }
}

/// This machine as a collector named `name` of `class`.
pub fn this_machine(name: &str, class: &str) -> Collector {
    let tools = opm_engine::backends::tool_versions();
    Collector {
        name: name.to_string(),
        class: class.to_string(),
        machine: opm_lab::run::machine(),
        llvm: tools.llvm,
        cranelift: tools.cranelift,
        gcc: tools.gcc,
    }
}

/// The heartbeat: renews the held search's lease every third of its length, and marks the
/// collector alive, on a connection of its own, until dropped.
struct Heartbeat {
    stop: Arc<AtomicBool>,
    holding: Arc<Mutex<Option<Lease>>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Heartbeat {
    fn start(store: PgStore, name: String, lease: Duration, say: Arc<Say>) -> Heartbeat {
        let stop = Arc::new(AtomicBool::new(false));
        let holding: Arc<Mutex<Option<Lease>>> = Arc::default();
        let every = (lease / 3).max(Duration::from_millis(200));
        let thread = {
            let (stop, holding) = (stop.clone(), holding.clone());
            std::thread::spawn(move || {
                let mut last = Instant::now() - every;
                while !stop.load(Ordering::SeqCst) {
                    if last.elapsed() >= every {
                        last = Instant::now();
                        beat(&store, &name, &holding, lease, &say);
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
            })
        };
        Heartbeat { stop, holding, thread: Some(thread) }
    }

    /// The search held from now on (`None`: none).
    fn hold(&self, lease: Option<Lease>) {
        *lock(&self.holding) = lease;
    }
}

/// One heartbeat. A lease found lost is said once and forgotten: the search's own writes will
/// be refused. An unreachable database is the main thread's to report.
fn beat(store: &PgStore, name: &str, holding: &Mutex<Option<Lease>>, lease: Duration, say: &Say) {
    let held = lock(holding).clone();
    if let Ok(false) = queue::heartbeat(store, name, held.as_ref().map(|l| (l, lease))) {
        if let Some(l) = held {
            say.line(&format!("lost the lease on queued search {}", l.id));
        }
        *lock(holding) = None;
    }
}

impl Drop for Heartbeat {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// Runs a collector: registers it, then takes and runs searches until stopped (or, with
/// `exit_when_done`, until nothing it could take is left).
pub fn run(opts: &CollectorOptions) -> Result<Summary, CollectorError> {
    let say = Arc::new(Say { name: opts.name.clone(), verbose: opts.verbose, down: false.into() });
    let store = PgStore::open(&opts.url)?;
    let me = this_machine(&opts.name, &opts.class);
    queue::register(&store, &me)?;
    let heartbeat =
        Heartbeat::start(PgStore::open(&opts.url)?, opts.name.clone(), opts.lease, say.clone());
    say.line(&format!(
        "started (class `{}`, LLVM {}, Cranelift {}, gcc {})",
        me.class, me.llvm, me.cranelift, me.gcc
    ));
    let mut summary = Summary::default();
    let mut said_refused = Vec::new();
    loop {
        let given_up = patiently(&say, || queue::give_up_expired(&store, opts.max_attempts))?;
        if given_up > 0 {
            say.line(&format!("{given_up} searches failed: their leases expired too often"));
        }
        let Some(lease) = patiently(&say, || queue::take(&store, &me, opts.lease))? else {
            for why in patiently(&say, || queue::refused(&store, &me))? {
                if !said_refused.contains(&why) {
                    eprintln!("collector {}: {why}", opts.name);
                    said_refused.push(why);
                }
            }
            if opts.exit_when_done && patiently(&say, || queue::open_for(&store, &me))? == 0 {
                break;
            }
            std::thread::sleep(opts.poll);
            continue;
        };
        heartbeat.hold(Some(lease.clone()));
        let source = patiently(&say, || queue::source(&store, lease.task.program))?;
        let name = describe(&source, &lease);
        say.line(&format!("took {name} (attempt {})", lease.attempts));
        let outcome = run_one(opts, &store, &lease, &source, &say);
        heartbeat.hold(None);
        let waiting = |e: &StoreError| say.waiting(e);
        let fenced = Fenced::new(&store, lease.clone(), &waiting);
        let failure = outcome.err();
        match patiently(&say, || fenced.finish(failure.as_deref(), opts.max_attempts)) {
            Ok(true) if failure.is_none() => {
                summary.done += 1;
                say.line(&format!("done: {name}"));
            }
            Ok(true) => {
                summary.failed += 1;
                say.line(&format!("failed: {name}: {}", failure.unwrap_or_default()));
            }
            Ok(false) => {
                summary.retried += 1;
                say.line(&format!("failed, queued again: {name}: {}", failure.unwrap_or_default()));
            }
            Err(e @ StoreError::LeaseLost { .. }) => {
                summary.lost += 1;
                eprintln!("collector {}: {name}: {e}", opts.name);
            }
            Err(e) => return Err(e.into()),
        }
    }
    queue::note(&store, &opts.name, Some("exited: nothing left to take"))?;
    Ok(summary)
}

/// `program · backend · strategy (tag T)`.
fn describe(source: &Source, lease: &Lease) -> String {
    let (backend, strategy) = (lease.task.backend.name(), lease.task.strategy.name());
    format!("{} · {backend} · {strategy} (tag {})", source.name, lease.tag)
}

/// Runs one taken search of `source`, resuming from what earlier holders stored. `Err` says
/// why it failed.
fn run_one(
    opts: &CollectorOptions,
    store: &PgStore,
    lease: &Lease,
    source: &Source,
    say: &Say,
) -> Result<(), String> {
    let info = patiently(say, || store.run(&lease.tag)).map_err(|e| e.to_string())?;
    let args: Vec<String> = serde_json::from_str(&source.args)
        .map_err(|e| format!("the arguments of {} in the database: {e}", source.name))?;
    // One path per program on this machine (the IR's path is part of the module's name,
    // which Cranelift writes into the object), as the lab on one machine does.
    let hash: String = source.source_hash.chars().take(16).collect();
    let dir = opts.work.join(&hash);
    let ir = dir.join(format!("{}.ll", source.name));
    write_atomically(&ir, source.ir.as_bytes()).map_err(|e| e.to_string())?;
    let signals = opts.work.join(format!("queue-{}.signals", lease.id));
    let mut earlier =
        patiently(say, || queue::signal_lines(store, lease.id)).map_err(|e| e.to_string())?;
    if !earlier.is_empty() {
        say.line(&format!("resuming from {} stored measurements", earlier.len()));
        earlier.push(String::new());
    }
    write_atomically(&signals, earlier.join("\n").as_bytes()).map_err(|e| e.to_string())?;
    let config = &info.config;
    let lab = LabOptions {
        corpus: config.corpus.clone(),
        backends: config.backends.clone(),
        strategies: config.strategies.clone(),
        objective: config.objective,
        budget_evals: config.budget_evals,
        budget_time: config.budget_time_s.map(Duration::from_secs_f64),
        db: Database::Postgres(opts.url.clone()),
        tag: lease.tag.clone(),
        jobs: opts.jobs,
        runs: config.runs,
        run_timeout: config.run_timeout_s.map(Duration::from_secs_f64),
        compile_timeout: config.compile_timeout_s.map(Duration::from_secs_f64),
        seed: config.seed,
        progress: false,
        worker_exe: opts.worker_exe.clone(),
        opm_commit: opts.opm_commit.clone(),
    };
    let waiting = |e: &StoreError| say.waiting(e);
    let fenced = Fenced::new(store, lease.clone(), &waiting);
    let outcome =
        opm_lab::run::search(&lab, &ir, &args, &lease.task, &fenced, lease.run, Some(&signals));
    let _ = std::fs::remove_file(&signals);
    outcome
}

/// Writes `bytes` to `path` by way of a temporary file beside it, so that another collector of
/// this machine never reads it half-written.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CollectorError> {
    let io = |source| CollectorError::Io { path: path.to_path_buf(), source };
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io)?;
    let tmp = dir.join(format!(
        ".{}.{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("file"),
        std::process::id()
    ));
    std::fs::write(&tmp, bytes).map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)
}
