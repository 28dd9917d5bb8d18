//! A crash campaign: `opm-driver optimize --strategy random` over every corpus program,
//! `--total` candidates in all (default 2000), split evenly between the programs.
//!
//! Every driver run must exit with status 0 and print no Rust panic; the verdicts of all
//! candidates are summed from the signals files. The candidates that crashed, timed out,
//! broke an invariant or miscompiled are listed in `target/robustness/findings.tsv`
//! (verdict, program, pipeline, detail); the inputs and signals files stay beside it for
//! replaying. Exits with status 1 when a driver run failed.
//!
//! `cargo run --release -p opm-bench --bin robustness [-- --total 2000 --seed 1 --jobs 2]`
//! (build the driver first: `cargo build --release -p opm-cli`). `--strategy` and
//! `--no-avoid` go to the driver: the same campaign with and without `--no-avoid` shows the
//! share of the budget the search spends on broken candidates once it learns what breaks.

use anyhow::Context;
use clap::Parser;
use opm_bench::{
    command_line, driver, read_signals, search_inputs, secs, show_command, target_dir,
};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::process::Command;
use std::time::Instant;

#[derive(Parser)]
#[command(about = "Crash campaign: opm-driver optimize --strategy random over the corpus")]
struct Args {
    /// Candidates in all, split evenly between the programs.
    #[arg(long, default_value_t = 2000)]
    total: usize,
    /// Base seed; program number i gets seed + i.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The driver's `--jobs`.
    #[arg(long, default_value_t = 2)]
    jobs: usize,
    /// Only these corpus programs (comma-separated names).
    #[arg(long, value_delimiter = ',')]
    programs: Vec<String>,
    /// Passed on to the driver as `--objective` (default: the driver's own).
    #[arg(long)]
    objective: Option<String>,
    /// The driver's `--strategy`.
    #[arg(long, default_value = "random")]
    strategy: String,
    /// Passes `--no-avoid` to the driver: the search keeps proposing passes and pairs that
    /// broke the program, for comparing the share of the budget spent on broken candidates.
    #[arg(long)]
    no_avoid: bool,
    /// Where the signals and findings go, under the target directory.
    #[arg(long, default_value = "robustness")]
    out: String,
}

/// Verdicts whose candidates are listed in the findings file.
const LISTED: &[&str] = &["crash", "timeout", "invariant-violation", "miscompile"];

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let driver = driver()?;
    let out_dir = target_dir().join(&args.out);
    let ir_dir = out_dir.join("ir");
    let sig_dir = out_dir.join("signals");
    for d in [&ir_dir, &sig_dir] {
        std::fs::create_dir_all(d).with_context(|| d.display().to_string())?;
    }
    let programs = search_inputs(&ir_dir, &args.programs, args.jobs.max(1))?;
    anyhow::ensure!(!programs.is_empty(), "no programs");
    let (share, extra) = (args.total / programs.len(), args.total % programs.len());

    println!("$ {}", command_line());
    println!(
        "{} candidates over {} programs, seeds {}..{}, {} jobs per driver run",
        args.total,
        programs.len(),
        args.seed,
        args.seed + programs.len() as u64 - 1,
        args.jobs
    );
    let mut verdicts: BTreeMap<String, usize> = BTreeMap::new();
    let mut findings = String::new();
    let mut failed_runs = Vec::new();
    let mut short = Vec::new();
    // Broken candidates and all, by count and by evaluation time.
    let (mut broken, mut broken_ms, mut all_ms) = (0usize, 0u64, 0u64);
    let start = Instant::now();
    for (i, program) in programs.iter().enumerate() {
        let evals = share + usize::from(i < extra);
        if evals == 0 {
            continue;
        }
        let seed = args.seed + i as u64;
        let file = sig_dir.join(format!("{}.jsonl", program.name));
        match std::fs::remove_file(&file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).with_context(|| file.display().to_string());
            }
            _ => {}
        }
        let mut cmd = Command::new(&driver);
        cmd.arg("optimize").arg(&program.ll).args(["--strategy", &args.strategy]);
        if args.no_avoid {
            cmd.arg("--no-avoid");
        }
        if let Some(o) = &args.objective {
            cmd.args(["--objective", o]);
        }
        cmd.args(["--budget-evals", &evals.to_string(), "--seed", &seed.to_string()])
            .args(["--jobs", &args.jobs.to_string(), "--quiet", "--signals"])
            .arg(&file);
        let t = Instant::now();
        let out = cmd.output().with_context(|| format!("running {}", driver.display()))?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        let signals = read_signals(&file)?;
        let mut line = BTreeMap::<&str, usize>::new();
        for s in &signals {
            all_ms += s.ms;
            if s.is_broken() {
                broken += 1;
                broken_ms += s.ms;
            }
            *verdicts.entry(s.verdict.clone()).or_default() += 1;
            *line.entry(s.verdict.as_str()).or_default() += 1;
            if LISTED.contains(&s.verdict.as_str()) {
                let detail = s.detail.as_deref().unwrap_or("").replace(['\n', '\t'], " ");
                writeln!(findings, "{}\t{}\t{}\t{}", s.verdict, program.name, s.pipeline, detail)?;
            }
        }
        let ok = out.status.success() && !stderr.contains("panicked");
        let summary: Vec<String> = line.iter().map(|(v, n)| format!("{v} {n}")).collect();
        println!(
            "{:<20} {:>5} candidates {:>6} s  {}{}",
            program.name,
            signals.len(),
            secs(t.elapsed()),
            summary.join(", "),
            if ok { String::new() } else { format!("  DRIVER FAILED ({})", out.status) }
        );
        if !ok {
            failed_runs.push(format!(
                "{}: {}\n  {}\n{}",
                program.name,
                out.status,
                show_command(&cmd),
                stderr.trim_end()
            ));
        }
        if signals.len() != evals {
            short.push(format!("{} ({} of {evals})", program.name, signals.len()));
        }
    }
    let wall = start.elapsed();

    let findings_file = out_dir.join("findings.tsv");
    std::fs::write(&findings_file, &findings)
        .with_context(|| findings_file.display().to_string())?;
    let total: usize = verdicts.values().sum();
    println!("\n{:<20} {:>6}", "verdict", "count");
    for (v, n) in &verdicts {
        println!("{v:<20} {n:>6}");
    }
    println!("{:<20} {:>6}", "total", total);
    println!(
        "broken candidates: {broken} of {total} ({:.1}%), {:.1}% of the evaluation time",
        100.0 * broken as f64 / total.max(1) as f64,
        100.0 * broken_ms as f64 / all_ms.max(1) as f64
    );
    println!("\nwall time {} s; findings: {}", secs(wall), findings_file.display());
    if !short.is_empty() {
        println!("fewer or more candidates recorded than asked for: {}", short.join(", "));
    }
    if !failed_runs.is_empty() {
        println!("\n{} driver runs failed:", failed_runs.len());
        for f in &failed_runs {
            println!("{f}");
        }
        std::process::exit(1);
    }
    println!("every driver run exited with status 0, without a panic");
    Ok(())
}
