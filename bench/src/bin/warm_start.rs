//! Warm starts: the best instruction count within the same number of evaluations, for a
//! search that starts from a registry's suggestions (`optimize --registry DIR`) against the
//! same search cold, on programs the registry never saw.
//!
//! 1. A registry is filled: the llvm adapter admitted (its conformance checks on `crc32`),
//!    then `optimize --budget-evals TRAIN --registry DIR --publish` on each training program
//!    (`opm_bench::TRAINING_CORPUS`, and `--train-csmith N` csmith programs), each publishing
//!    its winner with its program's feature bucket.
//! 2. On each held-out corpus program (and `--csmith N` fresh csmith programs of other
//!    seeds), `optimize --budget-evals EVALS` cold and with `--registry DIR`, same seed and
//!    jobs. The count is the driver's written winner (verified and output-checked), counted
//!    on the canonical IR; `Oz` is `opt -passes=default<Oz>`'s output, counted the same way.
//!
//! `cargo run --release -p opm-bench --bin warm-start -- [--evals 45] [--train-evals 200]
//! [--jobs 2] [--seed S] [--csmith N] [--train-csmith N]` (build the driver first:
//! `cargo build --release -p opm-cli`; `OPM_DRIVER` overrides it).

use anyhow::Context;
use clap::Parser;
use opm_bench::{
    Program, command_line, driver, geomean, llvm_tool, oz_count, read_signals, search_inputs,
};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

#[derive(Parser)]
#[command(about = "Warm starts from a registry against the same search cold")]
struct Args {
    /// Evaluations per held-out program and side.
    #[arg(long, default_value_t = 45)]
    evals: u64,
    /// Evaluations per training program (what the registry holds comes from these).
    #[arg(long, default_value_t = 200)]
    train_evals: u64,
    #[arg(long, default_value_t = 2)]
    jobs: usize,
    /// Seed of every search (default: from the clock, printed).
    #[arg(long)]
    seed: Option<u64>,
    /// Fresh csmith programs to evaluate on (seeds drawn from `--seed`).
    #[arg(long, default_value_t = 0)]
    csmith: usize,
    /// csmith programs added to the training programs (seeds other than the evaluation's).
    #[arg(long, default_value_t = 0)]
    train_csmith: usize,
    /// How many suggested plans a warm search evaluates first.
    #[arg(long, default_value_t = 8)]
    suggestions: usize,
}

/// One side's result on one program.
struct Side {
    /// The instruction count of the winner the driver wrote.
    best: Option<usize>,
    /// Whether the winner was a registry's plan.
    from_registry: bool,
    /// Candidates that came from the registry.
    suggested: usize,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let seed = args.seed.unwrap_or_else(|| {
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
        t.map_or(1, |d| d.as_nanos() as u64 % 1_000_000_000)
    });
    let driver = driver()?;
    let opt = llvm_tool("opt")?;
    let dir = tempfile::tempdir()?;
    let jobs = args.jobs.max(1);
    println!("$ {}", command_line());

    let corpus = search_inputs(dir.path(), &[], jobs)?;
    let (mut training, mut held_out): (Vec<Program>, Vec<Program>) =
        corpus.into_iter().partition(|p| opm_bench::TRAINING_CORPUS.contains(&p.name.as_str()));
    let csmith = |first: u64, n: usize| {
        opm_bench::csmith_programs(dir.path(), first, n, Duration::from_secs(5), jobs)
    };
    let base = opm_bench::EVALUATION_CSMITH_SEEDS + (seed % 1_000_000) * 1000;
    if args.train_csmith > 0 {
        training.extend(csmith(base + 500, args.train_csmith)?);
    }
    let first_eval_csmith = held_out.len();
    if args.csmith > 0 {
        held_out.extend(csmith(base, args.csmith)?);
    }
    println!(
        "seed {seed}; {jobs} jobs; registry trained on {} programs at {} evaluations each; \
         {} held-out programs at {} evaluations per side; up to {} suggestions",
        training.len(),
        args.train_evals,
        held_out.len(),
        args.evals,
        args.suggestions
    );

    // 1. The registry.
    let store = dir.path().join("registry");
    let key = dir.path().join("signing.key");
    run(Command::new(&driver).args(["keys", "generate", "--key"]).arg(&key))?;
    let corpus_dir = opm_bench::workspace_root().join("bench/corpus");
    run(Command::new(&driver)
        .args(["registry", "--store"])
        .arg(&store)
        .arg("--key")
        .arg(&key)
        .args(["admit", "--backend", "llvm", "--programs", "crc32", "--corpus"])
        .arg(&corpus_dir))?;
    let mut published = 0;
    for p in &training {
        let out = dir.path().join(format!("{}.train.ll", p.name));
        let o = Command::new(&driver)
            .arg("optimize")
            .arg(&p.ll)
            .args(["--quiet", "--budget-evals", &args.train_evals.to_string()])
            .args(["--jobs", &jobs.to_string(), "--seed", &seed.to_string(), "--registry"])
            .arg(&store)
            .arg("--publish")
            .arg("--key")
            .arg(&key)
            .arg("-o")
            .arg(&out)
            .output()
            .context("running opm-driver")?;
        let said = String::from_utf8_lossy(&o.stderr);
        if o.status.success() && said.contains("published plan") {
            published += 1;
        } else {
            println!("training: {}: nothing published ({})", p.name, last_line(&said));
        }
    }
    println!("registry: {published} plans published from {} training programs\n", training.len());

    // 2. Cold and warm on programs it never saw.
    println!(
        "{:<22} {:>6} {:>6} {:>6} {:>8} {:>8} {:>9} {:>6}  bucket",
        "program", "Oz", "cold", "warm", "Oz/cold", "Oz/warm", "warm/cold", "sugg."
    );
    let (mut cold_ratios, mut warm_ratios, mut gains) = (Vec::new(), Vec::new(), Vec::new());
    let (mut wins, mut losses, mut won_by_registry) = (0, 0, 0);
    for (i, p) in held_out.iter().enumerate() {
        let group = if i >= first_eval_csmith { "csmith" } else { "held-out" };
        let oz = oz_count(&opt, p, dir.path())?;
        let cold = search(&driver, p, &args, jobs, seed, None, dir.path())?;
        let warm = search(&driver, p, &args, jobs, seed, Some(&store), dir.path())?;
        let bucket = bucket_of(&p.ll)?;
        let r = |s: &Side| s.best.map(|b| oz as f64 / b.max(1) as f64);
        let show = |x: Option<f64>| x.map_or("-".into(), |v| format!("{v:.3}"));
        let gain = match (r(&cold), r(&warm)) {
            (Some(c), Some(w)) => {
                cold_ratios.push((group, c));
                warm_ratios.push((group, w));
                gains.push((group, w / c));
                Some(w / c)
            }
            _ => None,
        };
        match gain {
            Some(g) if g > 1.0 + 1e-9 => wins += 1,
            Some(g) if g < 1.0 - 1e-9 => losses += 1,
            _ => {}
        }
        won_by_registry += usize::from(warm.from_registry);
        println!(
            "{:<22} {:>6} {:>6} {:>6} {:>8} {:>8} {:>9} {:>6}  {bucket}{}",
            p.name,
            oz,
            cold.best.map_or("-".into(), |v| v.to_string()),
            warm.best.map_or("-".into(), |v| v.to_string()),
            show(r(&cold)),
            show(r(&warm)),
            show(gain),
            warm.suggested,
            if warm.from_registry { " (winner from the registry)" } else { "" }
        );
    }
    println!();
    for group in ["held-out", "csmith", "all"] {
        let pick = |v: &[(&str, f64)]| -> Vec<f64> {
            v.iter().filter(|(g, _)| group == "all" || *g == group).map(|(_, x)| *x).collect()
        };
        let (c, w, g) = (pick(&cold_ratios), pick(&warm_ratios), pick(&gains));
        if g.is_empty() {
            continue;
        }
        println!(
            "{group} ({}): geomean Oz/cold {:.3}, Oz/warm {:.3}, warm/cold {:.3}",
            g.len(),
            geomean(&c).unwrap_or(f64::NAN),
            geomean(&w).unwrap_or(f64::NAN),
            geomean(&g).unwrap_or(f64::NAN)
        );
    }
    println!(
        "warm ahead on {wins}, behind on {losses}, even on {}; the warm winner was a \
         registry's plan on {won_by_registry}",
        gains.len() - wins - losses
    );
    println!("seed {seed}");
    Ok(())
}

/// One `optimize` run, cold or warm from `registry`.
fn search(
    driver: &Path,
    p: &Program,
    args: &Args,
    jobs: usize,
    seed: u64,
    registry: Option<&Path>,
    dir: &Path,
) -> anyhow::Result<Side> {
    let side = if registry.is_some() { "warm" } else { "cold" };
    let out = dir.join(format!("{}.{side}.ll", p.name));
    let signals = dir.join(format!("{}.{side}.jsonl", p.name));
    let _ = std::fs::remove_file(&out);
    let _ = std::fs::remove_file(&signals);
    let mut cmd = Command::new(driver);
    cmd.arg("optimize")
        .arg(&p.ll)
        .args(["--quiet", "--objective", "instcount", "--budget-evals", &args.evals.to_string()])
        .args(["--jobs", &jobs.to_string(), "--seed", &seed.to_string()])
        .arg("--signals")
        .arg(&signals)
        .arg("-o")
        .arg(&out);
    if let Some(r) = registry {
        cmd.arg("--registry").arg(r).args(["--suggestions", &args.suggestions.to_string()]);
    }
    let o = cmd.output().context("running opm-driver")?;
    let said = String::from_utf8_lossy(&o.stderr);
    anyhow::ensure!(!said.contains("panicked"), "{}: {side}: {said}", p.name);
    let best = match o.status.success() {
        true => Some(
            opm_llvm::load_file(&out)
                .with_context(|| format!("importing {}", out.display()))?
                .instruction_count(),
        ),
        false => None,
    };
    let signals = read_signals(&signals)?;
    let winner = String::from_utf8_lossy(&o.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("best (").and_then(|r| r.split_once("): ")))
        .map(|(_, p)| p.to_string());
    let from_registry = signals
        .iter()
        .any(|s| s.origin.as_deref() == Some("registry") && Some(&s.pipeline) == winner.as_ref());
    Ok(Side {
        best,
        from_registry,
        suggested: signals.iter().filter(|s| s.origin.as_deref() == Some("registry")).count(),
    })
}

fn bucket_of(ll: &Path) -> anyhow::Result<String> {
    let features = opm_llvm::load_file(ll)?.features();
    Ok(opm_market::aggregate::bucket(|n| features.get(n)))
}

fn run(cmd: &mut Command) -> anyhow::Result<()> {
    let o = cmd.output().with_context(|| format!("running {cmd:?}"))?;
    anyhow::ensure!(
        o.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&o.stderr).trim_end()
    );
    Ok(())
}

fn last_line(text: &str) -> &str {
    text.lines().last().unwrap_or("")
}
