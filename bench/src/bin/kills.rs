//! The kill campaign: on each chosen corpus program and for the objectives `instcount` and
//! `size`, one uninterrupted `opm-driver optimize --strategy random` search, then `--kills`
//! copies of it killed with SIGKILL at moments spread over its length (jittered by
//! `--seed`) and resumed with `--resume` (`tests/common/kills.rs`, which the test suite's
//! bounded sample shares). Prints per program and objective the kills, the measurements on
//! disk when killed, and the broken promises (a half-written record, a partial winner file,
//! a measurement lost, another winner than the uninterrupted search's). Then the same for
//! `bench`, a lab over the same programs killed and run again: its rows kept and its end
//! equal to the uninterrupted lab's.
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
    /// Only the lab's kills (`bench`), not `optimize`'s.
    #[arg(long)]
    lab_only: bool,
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
    let searched = if args.lab_only { Vec::new() } else { chosen_programs(&args.programs)? };
    for (name, src) in searched {
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
    // The lab: `bench` on the chosen programs, killed and run again.
    let corpus = out.join("lab-corpus");
    std::fs::create_dir_all(&corpus)?;
    for (name, src) in chosen_programs(&args.programs)? {
        std::fs::copy(&src, corpus.join(format!("{name}.c")))?;
    }
    let lab: Vec<String> = [
        "--backends",
        "llvm",
        "--strategies",
        "presets,random",
        "--objective",
        "instcount",
        "--jobs",
        "2",
        "--quiet",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain(["--budget-evals".into(), args.budget_evals.to_string()])
    .chain(["--seed".into(), args.seed.to_string()])
    .collect();
    let dir = out.join("lab");
    let (reference, elapsed) =
        kills::bench_reference(&driver, &corpus, &dir.join("reference"), &lab)
            .map_err(anyhow::Error::msg)?;
    let (mut stored, mut finished, mut findings) = (Vec::new(), 0, 0);
    for (i, at) in kills::moments(args.kills, elapsed, args.seed).into_iter().enumerate() {
        let k = kills::bench_kill_and_resume(
            &driver,
            &corpus,
            &kills::trial_dir(&dir, i),
            &lab,
            at,
            &reference,
        )
        .map_err(anyhow::Error::msg)?;
        stored.push(k.acknowledged.to_string());
        finished += usize::from(k.finished_first);
        findings += k.findings.len();
        listed.extend(k.findings.into_iter().map(|f| format!("bench, kill at {at:.2?}: {f}")));
    }
    total_kills += args.kills;
    total_findings += findings;
    println!(
        "| `bench` (all of them) | instcount | {:.1} | {} | {} of {} rows | {finished} | {findings} |",
        elapsed.as_secs_f64(),
        args.kills,
        stored.join(", "),
        reference.len()
    );
    println!("\n{total_kills} kills, {total_findings} findings, in {}", secs(started.elapsed()));
    for l in &listed {
        println!("finding: {l}");
    }
    if total_findings > 0 {
        std::process::exit(1);
    }
    Ok(())
}
