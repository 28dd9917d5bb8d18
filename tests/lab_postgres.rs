//! The lab on PostgreSQL (`--db postgres://…`) and its collectors, on a cluster each test
//! starts itself (a temporary directory, a port on 127.0.0.1) and stops:
//!
//! - the same lab on SQLite and on PostgreSQL measures the same sizes and instruction counts;
//!   a run resumes; `compare`, `report` and `export` read PostgreSQL as they read SQLite; the
//!   schema is versioned there too (a newer one is refused); a server that is not there is a
//!   clear error, exit 2, which never shows the URL's password;
//! - two collectors drain a queue of 500 small searches: each is done once, by one of them,
//!   and the results are those of the same lab run on SQLite on one machine;
//! - a collector stopped (SIGSTOP) past its lease: another takes the search over and finishes
//!   it, and the stopped one's late write is refused once it goes on; a collector killed
//!   (`kill -9`) in the middle of a search: another finishes it, resuming from what was
//!   stored, and nothing stored before the kill is lost; a collector stopped inside a
//!   transaction does not keep its row locked: the server ends its session;
//! - PostgreSQL stopped and started again in the middle of a lab: the collectors say so, wait,
//!   and go on; nothing is lost or duplicated;
//! - a collector with other tools, or of another class, takes nothing of a tag and says why;
//!   a search that fails is tried `--max-attempts` times, then recorded as failed with why.
//!
//! The tests take turns (a lock): each uses both cores, and leases are timed.

mod common;

use common::postgres::Cluster;
use common::{driver, run, scratch};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(900);

static TURNS: Mutex<()> = Mutex::new(());

fn turn() -> std::sync::MutexGuard<'static, ()> {
    TURNS.lock().unwrap_or_else(|p| p.into_inner())
}

/// `n` small programs, each different (its constants), into `dir`.
fn corpus(dir: &Path, n: usize) -> PathBuf {
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    for i in 1..=n {
        let (len, mul, shift) = (i % 13 + 8, i * 3 + 1, i % 5 + 1);
        let c = format!(
            "#include <stdio.h>\n\
             static unsigned t[{len}];\n\
             int main(void) {{\n\
                 unsigned s = {i};\n\
                 for (unsigned i = 0; i < {len}; i++) t[i] = i * {mul} ^ (s >> {shift});\n\
                 for (unsigned r = 0; r < 50; r++)\n\
                     for (unsigned i = 0; i < {len}; i++) s += t[i] * (r | {i});\n\
                 printf(\"%u\\n\", s);\n\
                 return 0;\n\
             }}\n"
        );
        std::fs::write(corpus.join(format!("p{i:03}.c")), c).unwrap();
    }
    corpus
}

fn driver_at(dir: &Path) -> Command {
    let mut cmd = Command::new(driver());
    cmd.current_dir(dir);
    cmd
}

/// `bench ARGS --db DB`, run in `dir`.
fn bench(dir: &Path, db: &str, args: &[&str]) -> common::Outcome {
    let mut cmd = driver_at(dir);
    cmd.arg("bench").args(args).args(["--db", db]);
    run(cmd, LIMIT)
}

/// A lab's options: `backends` × `strategies` for the smallest code, `evals` each, seed 5.
fn lab_args<'a>(
    corpus: &'a Path,
    backends: &'a str,
    strategies: &'a str,
    evals: &'a str,
) -> Vec<&'a str> {
    vec![
        "--corpus",
        corpus.to_str().unwrap(),
        "--backends",
        backends,
        "--strategies",
        strategies,
        "--objective",
        "size",
        "--budget-evals",
        evals,
        "--jobs",
        "1",
        "--seed",
        "5",
        "--quiet",
    ]
}

/// A collector in the background, its output in `dir/NAME.out` and `dir/NAME.err`.
fn collector(dir: &Path, db: &str, name: &str, extra: &[&str]) -> Child {
    let mut cmd = driver_at(dir);
    cmd.args(["collector", "--db", db, "--name", name, "--jobs", "1", "--exit-when-done"])
        .args(extra)
        .stdout(std::fs::File::create(dir.join(format!("{name}.out"))).unwrap())
        .stderr(std::fs::File::create(dir.join(format!("{name}.err"))).unwrap())
        .stdin(Stdio::null());
    cmd.spawn().expect("start a collector")
}

/// Waits for a background collector to exit (killed after `LIMIT`): its status and output.
fn finish(dir: &Path, name: &str, mut child: Child) -> (Option<i32>, String, String) {
    let deadline = Instant::now() + LIMIT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let read = |ext: &str| std::fs::read_to_string(dir.join(format!("{name}.{ext}"))).unwrap();
    (status, read("out"), read("err"))
}

fn signal(child: &Child, sig: &str) {
    let ok = Command::new("kill").args([sig, &child.id().to_string()]).status().unwrap();
    assert!(ok.success(), "kill {sig}");
}

/// Per program, backend and pipeline: the `.text` size, instruction count and verdicts.
fn results(dir: &Path, db: &str, tag: &str) -> BTreeSet<String> {
    let out = bench(dir, db, &["export", tag]);
    assert_eq!(out.code, Some(0), "{}", out.stderr_text());
    out.stdout_text()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .map(|r| {
            let fields = ["program", "backend", "pipeline", "instcount", "text_bytes", "verdicts"];
            fields.map(|f| r[f].to_string()).join(" ")
        })
        .collect()
}

fn connect(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls).unwrap()
}

/// The queue's rows of `tag`: (state, attempts, holder) per search.
fn queue_rows(url: &str, tag: &str) -> Vec<(String, i32, Option<String>)> {
    connect(url)
        .query(
            "SELECT q.state, q.attempts, q.holder FROM queue q JOIN runs r ON r.id = q.run_id
             WHERE r.tag = $1 ORDER BY q.id",
            &[&tag],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
}

/// Per search of `tag`: its measurements' evaluation numbers, in order.
fn evals(url: &str, tag: &str) -> BTreeMap<String, Vec<i64>> {
    let rows = connect(url)
        .query(
            "SELECT pr.name || ' ' || p.backend || ' ' || m.strategy, m.eval
             FROM measurements m JOIN runs r ON r.id = m.run_id
             JOIN programs pr ON pr.id = m.program_id JOIN pipelines p ON p.id = m.pipeline_id
             WHERE r.tag = $1 ORDER BY m.id",
            &[&tag],
        )
        .unwrap();
    let mut out: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for r in &rows {
        out.entry(r.get(0)).or_default().push(r.get(1));
    }
    out
}

/// Each search's evaluations are 1, 2, … once each: nothing lost, nothing counted twice.
fn assert_each_once(evals: &BTreeMap<String, Vec<i64>>) {
    for (search, e) in evals {
        let mut sorted = e.clone();
        sorted.sort();
        let expected: Vec<i64> = (1..=sorted.len() as i64).collect();
        assert_eq!(sorted, expected, "{search}: evaluations {e:?}");
    }
}

#[test]
fn a_lab_on_postgresql_measures_what_it_measures_on_sqlite() {
    let _turn = turn();
    let dir = scratch("lab-postgres");
    let corpus = corpus(&dir, 2);
    let cluster = Cluster::start();
    let pg = cluster.database("lab");
    let sqlite = dir.join("lab.sqlite");
    let sqlite = sqlite.to_str().unwrap();
    let args = lab_args(&corpus, "llvm,cranelift", "presets,random", "6");
    let lab = |db: &str, tag: &str| bench(&dir, db, &[&args[..], &["--tag", tag]].concat());

    let on_sqlite = lab(sqlite, "a");
    assert_eq!(on_sqlite.code, Some(0), "{}", on_sqlite.stderr_text());
    let on_pg = lab(&pg, "a");
    let text = on_pg.stdout_text();
    assert_eq!(on_pg.code, Some(0), "{text}\n{}", on_pg.stderr_text());
    assert!(text.contains("8 searches run, 0 already measured, 0 failed"), "{text}");
    assert!(text.contains(&format!("database {pg}")), "{text}");
    let expected = results(&dir, sqlite, "a");
    assert!(expected.len() >= 8, "{expected:?}");
    assert_eq!(results(&dir, &pg, "a"), expected, "the same measurements on both databases");

    // Resumed: nothing to do.
    let again = lab(&pg, "a");
    assert!(again.stdout_text().contains("0 searches run, 8 already measured"), "resumed");

    // A second tag, compared with the first: the same code, nothing flagged.
    assert_eq!(lab(&pg, "b").code, Some(0));
    let same = bench(&dir, &pg, &["compare", "a", "b"]);
    let text = same.stdout_text();
    assert_eq!(same.code, Some(0), "{text}\n{}", same.stderr_text());
    assert!(text.contains("regressions: 0") && text.contains("improvements: 0"), "{text}");

    let out = dir.join("report");
    let report = bench(&dir, &pg, &["report", "a", "--out", out.to_str().unwrap()]);
    assert_eq!(report.code, Some(0), "{}", report.stderr_text());
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("| llvm |") && md.contains("| cranelift |"), "{md}");

    let unknown = bench(&dir, &pg, &["export", "nope"]);
    assert_eq!(unknown.code, Some(2));
    assert!(unknown.stderr_text().contains("no run tagged `nope`"), "{}", unknown.stderr_text());

    // The schema's version is kept in the database; one written by a newer opm is refused.
    let mut client = connect(&pg);
    let version: i64 = client.query_one("SELECT version FROM opm_schema", &[]).unwrap().get(0);
    assert_eq!(version, opm_lab::store::PG_SCHEMA_VERSION);
    client.execute("UPDATE opm_schema SET version = 99", &[]).unwrap();
    let newer = bench(&dir, &pg, &["export", "a"]);
    assert_eq!(newer.code, Some(2));
    assert!(newer.stderr_text().contains("schema version 99"), "{}", newer.stderr_text());

    // No server there: a clear error, exit 2, and the password is not shown.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let gone = format!("postgres://opm:s3cret@127.0.0.1:{port}/lab");
    let refused = lab(&gone, "c");
    let err = refused.stderr_text();
    assert_eq!(refused.code, Some(2), "{err}");
    assert!(err.contains("PostgreSQL") && err.contains("connect"), "{err}");
    assert!(!err.contains("s3cret") && !refused.stdout_text().contains("s3cret"), "{err}");
}

#[test]
fn two_collectors_drain_500_searches_each_once_as_one_machine_would() {
    let _turn = turn();
    let dir = scratch("collectors-drain");
    // 50 programs × 2 backends × 5 strategies.
    let corpus = corpus(&dir, 50);
    let args = lab_args(&corpus, "llvm,cranelift", "presets,random,greedy,evolve,auto", "3");
    let sqlite = dir.join("one-machine.sqlite");
    let sqlite = sqlite.to_str().unwrap();
    let alone = bench(&dir, sqlite, &[&args[..], &["--tag", "a"]].concat());
    assert_eq!(alone.code, Some(0), "{}\n{}", alone.stdout_text(), alone.stderr_text());
    assert!(alone.stdout_text().contains("500 searches run"), "{}", alone.stdout_text());

    let cluster = Cluster::start();
    let url = cluster.database("lab");
    let enqueue = bench(&dir, &url, &[&args[..], &["--tag", "a", "--enqueue"]].concat());
    let text = enqueue.stdout_text();
    assert_eq!(enqueue.code, Some(0), "{text}\n{}", enqueue.stderr_text());
    assert!(text.contains("500 searches enqueued, 0 already queued"), "{text}");
    // Enqueuing again adds nothing.
    let again = bench(&dir, &url, &[&args[..], &["--tag", "a", "--enqueue"]].concat());
    assert!(again.stdout_text().contains("0 searches enqueued, 500 already queued"));

    let start = Instant::now();
    let (c1, c2) = (collector(&dir, &url, "c1", &[]), collector(&dir, &url, "c2", &[]));
    let (s1, out1, err1) = finish(&dir, "c1", c1);
    let (s2, out2, err2) = finish(&dir, "c2", c2);
    eprintln!("two collectors drained 500 searches in {:.1} s", start.elapsed().as_secs_f64());
    assert_eq!((s1, s2), (Some(0), Some(0)), "{err1}\n{err2}");
    let done = |out: &str| -> usize {
        let words: Vec<&str> = out.split_whitespace().collect();
        let at = words.iter().position(|w| *w == "searches").unwrap();
        words[at - 1].parse().unwrap()
    };
    let (d1, d2) = (done(&out1), done(&out2));
    assert_eq!(d1 + d2, 500, "{out1}{out2}");
    assert!(d1 > 0 && d2 > 0, "both collectors took searches: {out1}{out2}");
    assert!(out1.contains("0 failed, 0 failed and queued again, 0 leases lost"), "{out1}");

    // Each search once: done, on its first attempt.
    let rows = queue_rows(&url, "a");
    assert_eq!(rows.len(), 500);
    assert!(rows.iter().all(|(state, attempts, _)| state == "done" && *attempts == 1), "{rows:?}");
    assert_each_once(&evals(&url, "a"));
    // The same measurements as on one machine.
    assert_eq!(results(&dir, &url, "a"), results(&dir, sqlite, "a"));

    let status = bench(&dir, &url, &["status", "--tag", "a"]).stdout_text();
    assert!(status.contains("500/500 ended (100%): 0 queued, 0 running, 500 done"), "{status}");
    assert!(status.contains("  c1  class default") && status.contains("  c2  class default"));
}

/// Waits until `tag`'s first search has at least `n` measurements; panics after a minute.
fn wait_for_measurements(url: &str, tag: &str, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let stored: usize = evals(url, tag).values().map(Vec::len).sum();
        if stored >= n {
            return;
        }
        assert!(Instant::now() < deadline, "{tag}: only {stored} measurements stored");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Waits until collector `name` holds the (only) search of `tag`, looking every 2 ms.
fn wait_for_holder(url: &str, tag: &str, name: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while queue_rows(url, tag)[0].2.as_deref() != Some(name) {
        assert!(Instant::now() < deadline, "{name} never took the search of {tag}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

/// A collector stopped (SIGSTOP) while it writes a measurement holds its search's row locked
/// inside a transaction, where `take` (`SKIP LOCKED`) would never see it: the server ends such
/// a session after `IDLE_TRANSACTION_LIMIT`, and the store connects again for its next call.
#[test]
fn a_transaction_left_open_by_a_stopped_process_does_not_keep_its_lock() {
    use opm_lab::store::{IDLE_TRANSACTION_LIMIT, PgStore, StoreError};
    let _turn = turn();
    let cluster = Cluster::start();
    let url = cluster.database("idle");
    let store = PgStore::open(&url).unwrap();
    let mut other = connect(&url);
    other.batch_execute("CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1)").unwrap();
    let free = |c: &mut postgres::Client| {
        c.query("SELECT id FROM t FOR UPDATE SKIP LOCKED", &[]).unwrap().len() == 1
    };
    let mut client = store.client().unwrap();
    let mut tx = client.transaction().unwrap();
    tx.query("SELECT id FROM t FOR UPDATE", &[]).unwrap();
    let locked = Instant::now();
    // As if stopped here, between two statements.
    assert!(!free(&mut other), "the row is locked while the transaction is open");
    while !free(&mut other) {
        assert!(locked.elapsed() < IDLE_TRANSACTION_LIMIT * 4, "the lock was never released");
        std::thread::sleep(Duration::from_millis(50));
    }
    let held = locked.elapsed();
    assert!(held >= IDLE_TRANSACTION_LIMIT - Duration::from_millis(500), "{held:?}");
    // Going on, the stopped holder finds its session ended, as when the server restarts.
    let late = StoreError::from(tx.query("SELECT 1", &[]).unwrap_err());
    assert!(late.is_unreachable(), "{late}");
    drop(tx);
    drop(client);
    assert_eq!(
        store.client().unwrap().query_one("SELECT 1::INT", &[]).unwrap().get::<_, i32>(0),
        1
    );
}

#[test]
fn a_search_whose_collector_stops_or_dies_is_finished_by_another() {
    let _turn = turn();
    let dir = scratch("collectors-kill");
    let corpus = corpus(&dir, 1);
    let cluster = Cluster::start();
    let url = cluster.database("lab");
    // One long search per tag (60 random pipelines), enqueued when its turn comes.
    let enqueue = |tag: &str| {
        let args = lab_args(&corpus, "llvm", "random", "60");
        let out = bench(&dir, &url, &[&args[..], &["--tag", tag, "--enqueue"]].concat());
        assert_eq!(out.code, Some(0), "{}", out.stderr_text());
    };
    let lease = ["--lease", "2s"];
    enqueue("stopped");

    // Stopped past its lease: the search is taken over, and the late write refused.
    let a = collector(&dir, &url, "a", &lease);
    wait_for_measurements(&url, "stopped", 5);
    signal(&a, "-STOP");
    std::thread::sleep(Duration::from_secs(4));
    let b = collector(&dir, &url, "b", &lease);
    // Until b holds the search under a new token.
    wait_for_holder(&url, "stopped", "b");
    signal(&a, "-CONT");
    let (sa, out_a, err_a) = finish(&dir, "a", a);
    let (sb, out_b, err_b) = finish(&dir, "b", b);
    assert_eq!((sa, sb), (Some(0), Some(0)), "{err_a}\n{err_b}");
    assert!(err_a.contains("lease (token 1) was lost (taken again by b with token 2)"), "{err_a}");
    assert!(err_a.contains("the write is refused"), "{err_a}");
    assert!(out_a.contains("1 leases lost"), "{out_a}");
    assert!(err_b.contains("resuming from"), "{err_b}");
    assert!(out_b.contains("searches done"), "{out_b}");

    // Killed in the middle of the search: another finishes it from what was stored.
    enqueue("killed");
    let c = collector(&dir, &url, "c", &lease);
    wait_for_measurements(&url, "killed", 8);
    signal(&c, "-KILL");
    let _ = finish(&dir, "c", c);
    let before = evals(&url, "killed");
    let d = collector(&dir, &url, "d", &lease);
    let (sd, out_d, err_d) = finish(&dir, "d", d);
    assert_eq!(sd, Some(0), "{err_d}");
    assert!(out_d.contains("1 searches done"), "{out_d}");
    let stored = before.values().map(Vec::len).sum::<usize>();
    assert!(err_d.contains(&format!("resuming from {stored} stored measurements")), "{err_d}");

    for tag in ["stopped", "killed"] {
        let rows = queue_rows(&url, tag);
        assert_eq!(rows.len(), 1);
        // One attempt: the first holder had stored measurements, so its end was not the
        // search's failure.
        assert_eq!((rows[0].0.as_str(), rows[0].1), ("done", 1), "{tag}: {rows:?}");
        let after = evals(&url, tag);
        assert_each_once(&after);
        // 60 evaluations in all: what the first holder stored, and the rest.
        assert_eq!(after.values().map(Vec::len).sum::<usize>(), 60, "{tag}: {after:?}");
    }
    // Nothing stored before the kill is lost.
    let after = evals(&url, "killed");
    for (search, e) in &before {
        assert!(after[search].starts_with(e), "{search}: {e:?} then {:?}", after[search]);
    }

    // Holders killed as soon as they take the search, before storing anything, count as
    // failed attempts: such a search is given up after `--max-attempts`, with why.
    enqueue("poison");
    let attempts = ["--max-attempts", "2"];
    for name in ["p1", "p2"] {
        let p = collector(&dir, &url, name, &[&lease[..], &attempts[..]].concat());
        wait_for_holder(&url, "poison", name);
        signal(&p, "-KILL");
        let _ = finish(&dir, name, p);
    }
    let stored: usize = evals(&url, "poison").values().map(Vec::len).sum();
    let last = collector(&dir, &url, "p3", &[&lease[..], &attempts[..]].concat());
    let (code, _, err) = finish(&dir, "p3", last);
    assert_eq!(code, Some(0), "{err}");
    let rows = queue_rows(&url, "poison");
    if stored == 0 {
        assert_eq!((rows[0].0.as_str(), rows[0].1), ("failed", 2), "{rows:?}");
    } else {
        // A measurement got in before a kill (a fast machine): that holder was not failed.
        println!("poison: {stored} measurements stored before a kill; the search went on");
        assert_eq!(rows[0].0, "done", "{rows:?}");
    }
}

/// Collectors killed with SIGKILL at `OPM_RELIABILITY_KILLS` moments (default 3; seeded,
/// the seed printed) spread over a lab of four searches, each followed by a new collector:
/// after every kill, every measurement stored before it is still there and no evaluation is
/// stored twice; the lab then ends with every evaluation stored once, and the measurements of
/// the same lab run uninterrupted on SQLite. A larger campaign: `OPM_RELIABILITY_KILLS=30 cargo test -p opm-cli --test
/// lab_postgres collectors_killed -- --nocapture`.
#[test]
fn collectors_killed_at_any_moment_lose_nothing_and_end_as_an_uninterrupted_lab() {
    let _turn = turn();
    let seed = common::seed_from_env("OPM_RELIABILITY_SEED");
    let kills = common::count_from_env("OPM_RELIABILITY_KILLS", 3);
    println!("collector kills: seed {seed} (replay with OPM_RELIABILITY_SEED={seed})");
    let dir = scratch("collectors-kills");
    let corpus = corpus(&dir, 4);
    // The searches grow with the kills, so that collectors live long enough to store some.
    let evals_each = (kills * 4).max(20).to_string();
    let args = lab_args(&corpus, "llvm", "random", &evals_each);
    let sqlite = dir.join("lab.sqlite");
    let _ = std::fs::remove_file(&sqlite);
    let sqlite = sqlite.to_str().unwrap();
    let started = Instant::now();
    let alone = bench(&dir, sqlite, &[&args[..], &["--tag", "alone"]].concat());
    assert_eq!(alone.code, Some(0), "{}", alone.stderr_text());
    let span = started.elapsed();
    let expected = results(&dir, sqlite, "alone");

    let cluster = Cluster::start();
    let url = cluster.database("lab");
    let enqueued = bench(&dir, &url, &[&args[..], &["--tag", "killed", "--enqueue"]].concat());
    assert_eq!(enqueued.code, Some(0), "{}", enqueued.stderr_text());
    // A holder killed before it stored anything counts as a failed attempt (it cannot be told
    // from a search that kills its collector): enough attempts for every kill.
    let max_attempts = (kills + 1).to_string();
    let lease = ["--lease", "2s", "--max-attempts", &max_attempts];
    let mut stored: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    let mut since = Duration::ZERO;
    for (i, at) in common::kills::moments(kills, span, seed).into_iter().enumerate() {
        // Each collector lives from the last kill's moment to this one's: together they
        // cover the kills' moments of one uninterrupted lab.
        let name = format!("k{i}");
        let c = collector(&dir, &url, &name, &lease);
        std::thread::sleep(at.saturating_sub(since));
        since = at;
        signal(&c, "-KILL");
        let _ = finish(&dir, &name, c);
        let now = evals(&url, "killed");
        // Measurements are stored as candidates end, not always in their order: between
        // kills, only no evaluation twice; at the end, every one once.
        for (search, e) in &now {
            let distinct: BTreeSet<_> = e.iter().collect();
            assert_eq!(distinct.len(), e.len(), "kill {i} at {at:?}: {search}: {e:?}");
        }
        for (search, e) in &stored {
            let kept = now.get(search).is_some_and(|n| n.starts_with(e));
            assert!(kept, "kill {i} at {at:?}: {search}: {e:?} then {:?}", now.get(search));
        }
        let n: usize = now.values().map(Vec::len).sum();
        println!(
            "kill {i} at {:.2} s of {:.2} s: {n} measurements stored",
            at.as_secs_f64(),
            span.as_secs_f64()
        );
        stored = now;
    }
    let last = collector(&dir, &url, "last", &lease);
    let (code, out, err) = finish(&dir, "last", last);
    assert_eq!(code, Some(0), "{out}\n{err}");
    let rows = queue_rows(&url, "killed");
    assert!(rows.iter().all(|r| r.0 == "done"), "{rows:?}");
    let after = evals(&url, "killed");
    assert_each_once(&after);
    for (search, e) in &stored {
        assert!(after[search].starts_with(e), "{search}: {e:?} then {:?}", after[search]);
    }
    assert_eq!(results(&dir, &url, "killed"), expected, "the measurements of the lab left alone");
}

#[test]
fn collectors_wait_for_postgresql_to_come_back_and_lose_nothing() {
    let _turn = turn();
    let dir = scratch("collectors-restart");
    let corpus = corpus(&dir, 10);
    let args = lab_args(&corpus, "llvm,cranelift", "presets,random", "4");
    let sqlite = dir.join("one-machine.sqlite");
    let sqlite = sqlite.to_str().unwrap();
    assert_eq!(bench(&dir, sqlite, &[&args[..], &["--tag", "r"]].concat()).code, Some(0));

    let cluster = Cluster::start();
    let url = cluster.database("lab");
    let out = bench(&dir, &url, &[&args[..], &["--tag", "r", "--enqueue"]].concat());
    assert!(out.stdout_text().contains("40 searches enqueued"), "{}", out.stdout_text());
    let (c1, c2) = (collector(&dir, &url, "c1", &[]), collector(&dir, &url, "c2", &[]));
    wait_for_measurements(&url, "r", 20);
    cluster.stop();
    std::thread::sleep(Duration::from_secs(3));
    cluster.restart();
    let (s1, _, err1) = finish(&dir, "c1", c1);
    let (s2, _, err2) = finish(&dir, "c2", c2);
    assert_eq!((s1, s2), (Some(0), Some(0)), "{err1}\n{err2}");
    let said = format!("{err1}{err2}");
    assert!(said.contains("the lab database is unreachable"), "{said}");
    assert!(said.contains("waiting for it") && said.contains("the lab database is back"), "{said}");

    let rows = queue_rows(&url, "r");
    assert_eq!(rows.len(), 40);
    assert!(rows.iter().all(|(state, _, _)| state == "done"), "{rows:?}");
    assert_each_once(&evals(&url, "r"));
    assert_eq!(results(&dir, &url, "r"), results(&dir, sqlite, "r"));
}

#[test]
fn collectors_take_only_what_their_tools_and_class_can_measure() {
    let _turn = turn();
    let dir = scratch("collectors-refuse");
    let corpus = corpus(&dir, 1);
    // Prints its process id: no two runs agree, so its search fails (there is no reference
    // output to check candidates against).
    let varies = "#include <stdio.h>\n#include <unistd.h>\n\
                  int main(void) { printf(\"%d\\n\", (int)getpid()); return 0; }\n";
    std::fs::write(corpus.join("varies.c"), varies).unwrap();
    let cluster = Cluster::start();
    let url = cluster.database("lab");
    let enqueue = |tag: &str, extra: &[&str]| {
        let mut args = lab_args(&corpus, "llvm", "presets", "3");
        if extra.contains(&"--objective") {
            // The objective is the extra's.
            let at = args.iter().position(|a| *a == "--objective").unwrap();
            args.drain(at..at + 2);
        }
        let out = bench(&dir, &url, &[&args[..], &["--tag", tag, "--enqueue"], extra].concat());
        assert_eq!(out.code, Some(0), "{}", out.stderr_text());
    };
    enqueue("old-tools", &[]);
    enqueue("timed", &["--objective", "runtime", "--class", "quiet-box"]);
    // As if "old-tools" had been enqueued on a machine with another LLVM.
    connect(&url).execute("UPDATE runs SET llvm = '21.1.0' WHERE tag = 'old-tools'", &[]).unwrap();

    let c = collector(&dir, &url, "c", &[]);
    let (status, out, err) = finish(&dir, "c", c);
    assert_eq!(status, Some(0), "{err}");
    assert!(out.contains("0 searches done"), "{out}");
    let old = "not taking 2 searches of tag `old-tools`: they were enqueued with LLVM 21.1.0, \
               this machine has 22.";
    assert!(err.contains(old), "{err}");
    let other = "not taking 2 searches of tag `timed`: they time runs on machines of class \
                 `quiet-box`, this one is `default`";
    assert!(err.contains(other), "{err}");
    assert!(queue_rows(&url, "old-tools").iter().all(|(s, a, _)| s == "queued" && *a == 0));
    // A queued lab is the collectors' to run, not a `bench` of this machine's.
    let args = lab_args(&corpus, "llvm", "presets", "3");
    let here = bench(&dir, &url, &[&args[..], &["--tag", "old-tools"]].concat());
    assert_eq!(here.code, Some(2));
    assert!(here.stderr_text().contains("is on the collectors' queue (2 searches not ended)"));

    // The class's own collector takes the timed searches; the program whose output varies
    // fails on each of its 2 attempts, then is recorded as failed with why.
    let q = collector(&dir, &url, "q", &["--class", "quiet-box", "--max-attempts", "2"]);
    let (status, out, err) = finish(&dir, "q", q);
    assert_eq!(status, Some(0), "{err}");
    assert!(out.contains("1 searches done, 1 failed, 1 failed and queued again"), "{out}\n{err}");
    let status = bench(&dir, &url, &["status", "--tag", "timed"]).stdout_text();
    assert!(status.contains("2/2 ended (100%): 0 queued, 0 running, 1 done, 1 failed"), "{status}");
    let why = "varies · llvm · presets (tag timed, 2 attempts): the program built without passes \
               printed different output on two runs";
    assert!(status.contains(why), "{status}");
    let failures = bench(&dir, &url, &["export", "timed"]);
    assert_eq!(failures.code, Some(0));
    let sqlite_refused = bench(&dir, dir.join("x.sqlite").to_str().unwrap(), &["status"]);
    assert_eq!(sqlite_refused.code, Some(2));
    assert!(sqlite_refused.stderr_text().contains("needs a PostgreSQL lab database"));
}
