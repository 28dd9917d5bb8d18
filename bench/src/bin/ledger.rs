//! The governance ledger at scale: a store with `--entries N` decisions (100,000 by
//! default), then what a user runs on it, each timed as the `opm-driver` process it is:
//! `ledger verify` (every leaf re-hashed, every checkpoint's root and signature), `ledger
//! sync` of a store that is empty (all entries) and of one 1,000 entries behind, `ledger
//! prove` and `ledger check` of an inclusion and a consistency proof, and one more decision
//! appended. The store is built through the library in one transaction (its time is
//! printed too). Beside them, the floors: `sha256sum` of the database file (reading and
//! hashing every byte once, which `verify` compares with) and `cp` of it (copying the whole
//! ledger, which a sync from empty compares with).
//!
//! `cargo run --release -p opm-bench --bin ledger [-- --entries 100000]` (build the driver
//! first: `cargo build --release -p opm-cli`).

use anyhow::{Context, bail};
use clap::Parser;
use opm_bench::driver;
use opm_market::attest::SigningKey;
use opm_market::ledger::{Decision, Ledger};
use std::path::Path;
use std::process::Command;
use std::time::Instant;

#[derive(Parser)]
#[command(about = "The governance ledger's verify, sync and proofs at scale")]
struct Args {
    /// Decisions in the store.
    #[arg(long, default_value_t = 100_000)]
    entries: u64,
    /// Of which the behind store lacks the last.
    #[arg(long, default_value_t = 1_000)]
    delta: u64,
}

/// A key-added decision for the `i`th made-up key.
fn decision(i: u64) -> Decision {
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&i.to_le_bytes());
    let key = SigningKey::from_bytes(&seed).verifying_key();
    Decision::KeyAdded {
        key_id: opm_market::attest::key_id(&key),
        public_key: opm_market::keys::public_hex(&key),
    }
}

/// Runs `opm-driver ARGS`, failing unless it exits 0; its stdout and wall seconds.
fn timed(driver: &Path, args: &[&str]) -> anyhow::Result<(String, f64)> {
    let start = Instant::now();
    let out = Command::new(driver).args(args).output().context("running opm-driver")?;
    let secs = start.elapsed().as_secs_f64();
    if !out.status.success() {
        bail!("opm-driver {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
    }
    Ok((String::from_utf8_lossy(&out.stdout).into_owned(), secs))
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let driver = driver()?;
    let dir = tempfile::tempdir()?;
    let key_path = dir.path().join("signing.key");
    let key = opm_market::keys::generate(&key_path)?;
    let public = opm_market::keys::public_path(&key_path);
    let (ahead, behind, empty) =
        (dir.path().join("ahead"), dir.path().join("behind"), dir.path().join("empty"));
    for d in [&ahead, &behind, &empty] {
        std::fs::create_dir_all(d)?;
    }
    let n = args.entries;
    let delta = args.delta.min(n);
    let decisions: Vec<Decision> = (0..n).map(decision).collect();
    let split = (n - delta) as usize;
    let start = Instant::now();
    let mut ledger = Ledger::open(&ahead.join("ledger.sqlite"))?;
    ledger.append(&decisions[..split], &key, 1_800_000_000)?;
    ledger.append(&decisions[split..], &key, 1_800_000_001)?;
    let built = start.elapsed().as_secs_f64();
    let mut b = Ledger::open(&behind.join("ledger.sqlite"))?;
    b.append(&decisions[..split], &key, 1_800_000_000)?;
    drop((ledger, b));
    let size = std::fs::metadata(ahead.join("ledger.sqlite"))?.len();

    // The floors a user would compare with: reading and hashing every byte of the database
    // once (`sha256sum`), and copying it whole (`cp`), as a file-level backup would.
    let db = ahead.join("ledger.sqlite");
    let floor = |program: &str, args: &[&Path]| -> anyhow::Result<f64> {
        let start = Instant::now();
        let ok = Command::new(program).args(args).output()?.status.success();
        if !ok {
            bail!("{program} failed");
        }
        Ok(start.elapsed().as_secs_f64())
    };
    let hashed = floor("sha256sum", &[&db])?;
    let copied = floor("cp", &[&db, &dir.path().join("copy.sqlite")])?;
    let store = |d: &Path| d.to_string_lossy().into_owned();
    let (k, p) = (store(&key_path), store(&public));
    let (a, bh, e) = (store(&ahead), store(&behind), store(&empty));
    let mut rows: Vec<(String, f64, String)> = Vec::new();
    let (out, s) = timed(&driver, &["ledger", "--store", &a, "--key", &k, "verify"])?;
    rows.push((format!("ledger verify ({n} entries)"), s, out.trim().to_string()));
    let (out, s) = timed(&driver, &["ledger", "--store", &e, "--key", &k, "sync", "--from", &a])?;
    rows.push(("ledger sync, from empty".into(), s, first_line(&out)));
    let (out, s) = timed(&driver, &["ledger", "--store", &bh, "--key", &k, "sync", "--from", &a])?;
    rows.push((format!("ledger sync, {delta} behind"), s, first_line(&out)));
    let index = (n / 2).to_string();
    let (proof, s) =
        timed(&driver, &["ledger", "--store", &a, "--key", &k, "prove", "--index", &index])?;
    rows.push((format!("ledger prove --index {index}"), s, String::new()));
    let proof_path = dir.path().join("inclusion.json");
    std::fs::write(&proof_path, proof)?;
    let (out, s) = timed(&driver, &["ledger", "check", &store(&proof_path), "--public-key", &p])?;
    rows.push(("ledger check (inclusion, no store)".into(), s, out.trim().to_string()));
    let old = (n - delta).to_string();
    let (proof, s) =
        timed(&driver, &["ledger", "--store", &a, "--key", &k, "prove", "--old-size", &old])?;
    rows.push((format!("ledger prove --old-size {old}"), s, String::new()));
    std::fs::write(&proof_path, proof)?;
    let (out, s) = timed(&driver, &["ledger", "check", &store(&proof_path), "--public-key", &p])?;
    rows.push(("ledger check (consistency, no store)".into(), s, out.trim().to_string()));
    let one = dir.path().join("one.json");
    std::fs::write(&one, serde_json::to_string(&decision(n + 1))?)?;
    let (_, s) = timed(&driver, &["ledger", "--store", &a, "--key", &k, "append", &store(&one)])?;
    rows.push(("ledger append (one more decision)".into(), s, String::new()));

    println!(
        "{n} entries built through the library in {built:.2} s (two transactions); the \
         database is {:.1} MB",
        size as f64 / 1e6
    );
    println!("floors: sha256sum of the database {hashed:.2} s, cp of it {copied:.2} s");
    println!("{:<40} {:>7} {:>9}  output", "command", "wall s", "vs floor");
    for (i, (what, s, out)) in rows.into_iter().enumerate() {
        // verify against hashing the file once; a sync from empty against copying it.
        let ratio = match i {
            0 => format!("{:.1}", s / hashed),
            1 => format!("{:.1}", s / copied),
            _ => String::new(),
        };
        println!("{what:<40} {s:>7.2} {ratio:>9}  {out}");
    }
    Ok(())
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_string()
}
