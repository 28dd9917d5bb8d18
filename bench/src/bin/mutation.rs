//! The malformed-input campaign: mutants of every corpus program's IR (textual at -O0 and
//! -O2, and bitcode) and the hostile special files, each through `ir`, `verify`, `compile`
//! and `run` on every backend, `optimize` and `bench`, every outcome checked against what the
//! driver promises for bad input (`tests/common/mutate.rs`, which the test suite's bounded
//! sample in `tests/reliability.rs` shares). Prints the table of inputs, command runs,
//! refusals and findings; the findings go to `target/mutation/findings.tsv` (kind, input,
//! command, exit, finding), their mutants to `target/mutation/scratch/findings/` (by number).
//!
//! `cargo run --release -p opm-bench --bin mutation [-- --per-mutation 3 --seed 1 --jobs 2
//! --programs a,b]` (build the driver first: `cargo build --release -p opm-cli`).

#[path = "../../../tests/common/mutate.rs"]
#[allow(dead_code)]
mod mutate;

use anyhow::Context;
use clap::Parser;
use mutate::{Input, Special, Step};
use opm_bench::{chosen_programs, command_line, driver, emit_ir, llvm_tool, secs, target_dir};
use std::fmt::Write as _;
use std::process::Command;
use std::time::Instant;

#[derive(Parser)]
#[command(about = "Malformed-input campaign: mutants of the corpus through every command")]
struct Args {
    /// Mutants per input file and mutation.
    #[arg(long, default_value_t = 3)]
    per_mutation: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Inputs tried at once.
    #[arg(long, default_value_t = 2)]
    jobs: usize,
    /// Only these corpus programs (comma-separated names).
    #[arg(long, value_delimiter = ',')]
    programs: Vec<String>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    println!("$ {}", command_line());
    let driver = driver()?;
    let out = target_dir().join("mutation");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out).with_context(|| out.display().to_string())?;
    let mut inputs = Vec::new();
    for (name, src) in chosen_programs(&args.programs)? {
        for level in ["-O0", "-O2"] {
            let ll = out.join(format!("{name}{level}.ll"));
            emit_ir(&src, &ll, level)?;
            let bytes = std::fs::read(&ll)?;
            inputs.push(Input { name: format!("{name}{level}.ll"), bytes, bitcode: false });
        }
        let ll = out.join(format!("{name}-O0.ll"));
        let bc = out.join(format!("{name}-O0.bc"));
        let status = Command::new(llvm_tool("llvm-as")?).arg(&ll).arg("-o").arg(&bc).status()?;
        anyhow::ensure!(status.success(), "llvm-as failed on {}", ll.display());
        inputs.push(Input {
            name: format!("{name}-O0.bc"),
            bytes: std::fs::read(&bc)?,
            bitcode: true,
        });
    }
    let plan = mutate::plan(&inputs, args.per_mutation, &Special::ALL, args.seed);
    let total = plan.len();
    println!(
        "{} inputs from {} files, seed {}, each through {} commands, {} at a time",
        total,
        inputs.len(),
        args.seed,
        Step::ALL.len(),
        args.jobs
    );
    let started = Instant::now();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let scratch = out.join("scratch");
    let trials =
        mutate::run_plan(&driver, &scratch, &inputs, plan, &Step::ALL, args.jobs, |_, t| {
            let n = done.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            for (c, f) in t.findings() {
                eprintln!("finding: {} ({}) — {}: {f}", t.kind, t.what, c.step);
            }
            if n.is_multiple_of(50) || n == total {
                eprintln!("{n}/{total} inputs, {}", secs(started.elapsed()));
            }
        });
    let mut tsv = String::from("kind\tinput\tcommand\texit\tfinding\n");
    for t in &trials {
        for (c, f) in t.findings() {
            let code = c.code.map_or("-".to_string(), |c| c.to_string());
            let _ = writeln!(tsv, "{}\t{}\t{}\t{code}\t{f}", t.kind, t.what, c.step);
        }
    }
    std::fs::write(out.join("findings.tsv"), &tsv)?;
    println!("\n{}", mutate::table(&trials));
    let runs: usize = trials.iter().map(|t| t.checked.len()).sum();
    let slowest = trials
        .iter()
        .flat_map(|t| t.checked.iter().map(move |c| (c.elapsed, c.step, &t.kind)))
        .max_by_key(|(e, _, _)| *e);
    println!("{} inputs, {runs} command runs in {}", trials.len(), secs(started.elapsed()));
    if let Some((e, step, kind)) = slowest {
        println!("slowest: {step} on {kind}, {}", secs(e));
    }
    let findings = tsv.lines().count() - 1;
    println!("findings: {findings} (target/mutation/findings.tsv)");
    if findings > 0 {
        std::process::exit(1);
    }
    Ok(())
}
