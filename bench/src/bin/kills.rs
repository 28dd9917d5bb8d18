//! The kill campaign: on each chosen corpus program and for the objectives `instcount` and
//! `size`, one uninterrupted `opm-driver optimize --strategy random` search, then `--kills`
//! copies of it killed with SIGKILL at moments spread over its length (jittered by
//! `--seed`) and resumed with `--resume` (`tests/common/kills.rs`, which the test suite's
//! bounded sample shares). Prints per program and objective the kills, the measurements on
//! disk when killed, and the broken promises (a half-written record, a partial winner file,
//! a measurement lost, another winner than the uninterrupted search's).
//!
//! `cargo run --release -p opm-bench --bin kills [-- --kills 10 --budget-evals 24 --seed 1
//! --programs sieve,crc32,nbody,tinylang]` (build the driver first: `cargo build --release -p
//! opm-cli`).

#[path = "../../../tests/common/kills.rs"]
#[allow(dead_code)]
mod kills;

use clap::Parser;
use opm_bench::{chosen_programs, command_line, driver, emit_ir_with, secs, target_dir};
use std::time::Instant;

#[derive(Parser)]
#[command(about = "Kill campaign: optimize killed with SIGKILL and resumed")]
struct Args {
    /// Kills per program and objective.
    #[arg(long, default_value_t = 10)]
    kills: usize,
    #[arg(long, default_value_t = 24)]
    budget_evals: u64,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The corpus programs (comma-separated names).
    #[arg(long, value_delimiter = ',', default_value = "sieve,crc32,nbody,tinylang")]
    programs: Vec<String>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    println!("$ {}", command_line());
    let driver = driver()?;
    let out = target_dir().join("kills");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out)?;
    println!(
        "| program | objective | search s | kills | measurements on disk when killed | had finished | findings |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|");
    let started = Instant::now();
    let (mut total_kills, mut total_findings) = (0, 0);
    let mut listed = Vec::new();
    for (name, src) in chosen_programs(&args.programs)? {
        let ir = out.join(format!("{name}.ll"));
        emit_ir_with(&src, &ir, &["-O1", "-Xclang", "-disable-llvm-passes"])?;
        for objective in ["instcount", "size"] {
            let search: Vec<String> =
                ["--objective", objective, "--strategy", "random", "--jobs", "2", "--quiet"]
                    .iter()
                    .map(|s| s.to_string())
                    .chain(["--budget-evals".into(), args.budget_evals.to_string()])
                    .chain(["--seed".into(), args.seed.to_string()])
                    .collect();
            let dir = out.join(format!("{name}-{objective}"));
            let reference =
                kills::reference(&driver, &ir, &dir, &search).map_err(anyhow::Error::msg)?;
            let mut on_disk = Vec::new();
            let (mut finished, mut findings) = (0, 0);
            let moments = kills::moments(args.kills, reference.elapsed, args.seed);
            for (i, at) in moments.into_iter().enumerate() {
                let trial = kills::trial_dir(&dir, i);
                let k = kills::kill_and_resume(&driver, &ir, &trial, &search, at, &reference)
                    .map_err(anyhow::Error::msg)?;
                on_disk.push(k.acknowledged.to_string());
                finished += usize::from(k.finished_first);
                findings += k.findings.len();
                for f in k.findings {
                    listed.push(format!("{name} {objective}, kill at {at:.2?}: {f}"));
                }
            }
            total_kills += args.kills;
            total_findings += findings;
            println!(
                "| {name} | {objective} | {:.1} | {} | {} of {} | {finished} | {findings} |",
                reference.elapsed.as_secs_f64(),
                args.kills,
                on_disk.join(", "),
                reference.signals,
            );
        }
    }
    println!("\n{total_kills} kills, {total_findings} findings, in {}", secs(started.elapsed()));
    for l in &listed {
        println!("finding: {l}");
    }
    if total_findings > 0 {
        std::process::exit(1);
    }
    Ok(())
}
