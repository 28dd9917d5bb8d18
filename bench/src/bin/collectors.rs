//! A lab from one collector to two: the same lab (the corpus, `--backends`, `--strategies`,
//! `--objective`, `--budget-evals` per search, one seed) run four ways, one after the other, in
//! one run, on a PostgreSQL cluster started for it (or `--db URL`):
//!
//! 1. `bench` on one machine into SQLite, `--jobs 1` (the lab before collectors existed);
//! 2. enqueued, then one collector (`--jobs 1`) drains it;
//! 3. enqueued under another tag, then two collectors (`--jobs 1` each) drain it;
//! 4. `bench` on one machine into SQLite, `--jobs 2` (two cores used within each search).
//!
//! It prints each side's wall time, the speed-up of two collectors over one, and what the
//! queue cost: PostgreSQL's committed transactions per search and per second while two
//! collectors ran, against the commits per second one client reaches on this cluster with
//! the collectors' own write (a fenced measurement). That ratio is how many machines' worth of
//! collectors this database could serve before it, not the searches, is the limit.
//!
//! `cargo run --release -p opm-bench --bin collectors -- [--programs N] [--budget-evals 12]
//! [--strategies presets,random] [--backends llvm] [--objective instcount] [--db URL]`
//! (build the driver first: `cargo build --release -p opm-cli`; `OPM_DRIVER` overrides it).

#[path = "../../../tests/common/postgres.rs"]
#[allow(dead_code)]
mod postgres_cluster;

use anyhow::{Context, bail};
use clap::Parser;
use opm_bench::{command_line, driver, secs};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(about = "A lab from one collector to two, beside the lab on one machine")]
struct Args {
    /// The first N corpus programs (by name); all by default.
    #[arg(long)]
    programs: Option<usize>,
    #[arg(long, default_value = "llvm")]
    backends: String,
    #[arg(long, default_value = "presets,random")]
    strategies: String,
    #[arg(long, default_value = "instcount")]
    objective: String,
    #[arg(long, default_value_t = 12)]
    budget_evals: u64,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// An existing PostgreSQL database to use (its queue must be empty); by default a
    /// cluster of its own, in a temporary directory, on 127.0.0.1.
    #[arg(long)]
    db: Option<String>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    println!("$ {}", command_line());
    let driver = driver()?;
    let dir = tempfile::tempdir()?;
    let corpus = corpus(dir.path(), args.programs)?;
    let cluster = args.db.is_none().then(postgres_cluster::Cluster::start);
    let url = match (&args.db, &cluster) {
        (Some(url), _) => url.clone(),
        (None, Some(c)) => c.database("bench"),
        (None, None) => bail!("no database"),
    };
    let seed = args.seed.to_string();
    let evals = args.budget_evals.to_string();
    let lab: Vec<&str> = vec![
        "--corpus",
        corpus.to_str().context("corpus path")?,
        "--backends",
        &args.backends,
        "--strategies",
        &args.strategies,
        "--objective",
        &args.objective,
        "--budget-evals",
        &evals,
        "--seed",
        &seed,
        "--quiet",
    ];
    let bench = |db: &str, extra: &[&str]| -> anyhow::Result<Duration> {
        let start = Instant::now();
        let out = Command::new(&driver)
            .current_dir(dir.path())
            .arg("bench")
            .args(&lab)
            .args(["--db", db])
            .args(extra)
            .output()?;
        if !out.status.success() {
            bail!("bench {extra:?}: {}", String::from_utf8_lossy(&out.stderr));
        }
        print!("  {}", String::from_utf8_lossy(&out.stdout));
        Ok(start.elapsed())
    };
    let collect = |tag: &str, n: usize| -> anyhow::Result<(Duration, i64)> {
        bench(&url, &["--tag", tag, "--enqueue", "--jobs", "1"])?;
        let before = commits(&url)?;
        let start = Instant::now();
        let children: Vec<Child> = (0..n)
            .map(|i| {
                Command::new(&driver)
                    .current_dir(dir.path())
                    .args(["collector", "--db", &url, "--name", &format!("{tag}-{i}")])
                    .args(["--jobs", "1", "--exit-when-done", "--quiet"])
                    .stdout(Stdio::piped())
                    .spawn()
            })
            .collect::<Result<_, _>>()?;
        for child in children {
            let out = child.wait_with_output()?;
            if !out.status.success() {
                bail!("a collector failed: {}", String::from_utf8_lossy(&out.stdout));
            }
            print!("  {}", String::from_utf8_lossy(&out.stdout));
        }
        Ok((start.elapsed(), commits(&url)? - before))
    };

    let sqlite = dir.path().join("lab.sqlite");
    let sqlite = sqlite.to_str().context("path")?;
    println!("one machine, SQLite, --jobs 1:");
    let alone = bench(sqlite, &["--tag", "alone", "--jobs", "1"])?;
    println!("one collector:");
    let (one, _) = collect("one", 1)?;
    println!("two collectors:");
    let (two, two_commits) = collect("two", 2)?;
    println!("one machine, SQLite, --jobs 2:");
    let jobs2 = bench(sqlite, &["--tag", "jobs2", "--jobs", "2"])?;
    let searches = searches(&url, "two")?;
    let write_rate = fenced_write_rate(&url)?;

    println!();
    println!("| side | wall s | vs one collector |");
    println!("|---|---:|---:|");
    for (side, t) in [
        ("one machine, SQLite, --jobs 1", alone),
        ("one collector, --jobs 1", one),
        ("two collectors, --jobs 1 each", two),
        ("one machine, SQLite, --jobs 2", jobs2),
    ] {
        println!("| {side} | {} | {:.2} |", secs(t), one.as_secs_f64() / t.as_secs_f64());
    }
    let per_s = two_commits as f64 / two.as_secs_f64();
    println!();
    println!(
        "{searches} searches; two collectors: {two_commits} commits, {:.1} per search, {per_s:.1}/s",
        two_commits as f64 / searches as f64
    );
    println!(
        "one client's fenced measurement writes on this cluster: {write_rate:.0}/s, {:.0}× what \
         two collectors asked",
        write_rate / per_s
    );
    Ok(())
}

/// The corpus's `.c` programs (the first `n` by name) and its manifest, copied to `dir`.
fn corpus(dir: &Path, n: Option<usize>) -> anyhow::Result<PathBuf> {
    let out = dir.join("corpus");
    std::fs::create_dir_all(&out)?;
    let mut programs = opm_bench::corpus()?;
    programs.sort();
    programs.truncate(n.unwrap_or(usize::MAX));
    for p in &programs {
        let name = p.file_name().context("program name")?;
        std::fs::copy(p, out.join(name))?;
    }
    let names: Vec<String> =
        programs.iter().filter_map(|p| p.file_stem()?.to_str().map(String::from)).collect();
    let manifest = opm_bench::workspace_root().join("bench/corpus/manifest.json");
    if let Ok(text) = std::fs::read_to_string(&manifest) {
        let mut m: serde_json::Value = serde_json::from_str(&text)?;
        if let Some(programs) = m.get_mut("programs").and_then(|p| p.as_object_mut()) {
            programs.retain(|name, _| names.contains(name));
        }
        std::fs::write(out.join("manifest.json"), m.to_string())?;
    }
    Ok(out)
}

fn client(url: &str) -> anyhow::Result<postgres::Client> {
    Ok(postgres::Client::connect(url, postgres::NoTls)?)
}

/// The database's committed transactions so far.
fn commits(url: &str) -> anyhow::Result<i64> {
    let mut c = client(url)?;
    // The statistics are sent by each backend at its end, and at most every 0.5 s.
    std::thread::sleep(Duration::from_millis(600));
    c.execute("SELECT pg_stat_clear_snapshot()", &[])?;
    let row = c.query_one(
        "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()",
        &[],
    )?;
    Ok(row.get(0))
}

fn searches(url: &str, tag: &str) -> anyhow::Result<i64> {
    let row = client(url)?.query_one(
        "SELECT COUNT(*) FROM queue q JOIN runs r ON r.id = q.run_id WHERE r.tag = $1",
        &[&tag],
    )?;
    Ok(row.get(0))
}

/// Commits per second of one client doing what a collector does per measurement: lock the
/// search's queue row, check its token, insert the signal's line and a measurement, commit.
fn fenced_write_rate(url: &str) -> anyhow::Result<f64> {
    let mut c = client(url)?;
    let row = c.query_one(
        "SELECT q.id, q.token, q.run_id, q.program_id, m.pipeline_id FROM queue q
         JOIN measurements m ON m.run_id = q.run_id AND m.program_id = q.program_id LIMIT 1",
        &[],
    )?;
    let (id, token, run, program, pipeline): (i64, i64, i64, i64, i64) =
        (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4));
    let n = 2000;
    let start = Instant::now();
    for seq in 0..n {
        let mut tx = c.transaction()?;
        tx.query_one("SELECT token FROM queue WHERE id = $1 FOR UPDATE", &[&id])?;
        tx.execute(
            "INSERT INTO queue_signals (queue_id, token, seq, line) VALUES ($1, $2, $3, $4)",
            &[&id, &(token + 1_000_000), &(seq as i64), &"{}"],
        )?;
        tx.execute(
            "INSERT INTO measurements (run_id, program_id, pipeline_id, strategy, origin, eval,
                objective, verdict, finished_ms)
             VALUES ($1, $2, $3, 'random', 'random', $4, 'instcount', 'ok', 0)",
            &[&run, &program, &pipeline, &(1_000_000 + seq as i64)],
        )?;
        tx.commit()?;
    }
    let rate = n as f64 / start.elapsed().as_secs_f64();
    // Leave the database as the collectors left it.
    c.execute("DELETE FROM measurements WHERE eval >= 1000000", &[])?;
    c.execute("DELETE FROM queue_signals WHERE token >= 1000000", &[])?;
    Ok(rate)
}
