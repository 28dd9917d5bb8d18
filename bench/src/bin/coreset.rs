//! Learns the LLVM backend's coreset (`backends/llvm/data/coreset-small.tsv`): a few pass
//! pipelines that together do nearly as well on the training programs as everything a search
//! found on each of them, with each training program's features and each pipeline's score on
//! it, for the model that orders them for a new program (opm-search's `coreset`).
//!
//! 1. Training programs: the corpus programs of `opm_bench::TRAINING_CORPUS` and `--csmith N`
//!    csmith programs from seed `--csmith-seed` (below `EVALUATION_CSMITH_SEEDS`, which
//!    evaluation programs are drawn from).
//! 2. Candidates: on each, `opm-driver optimize --strategy evolve --budget-evals E` (output
//!    checked as usual); its `--top T` best distinct pipelines, plus the backend's known
//!    sequences and the presets.
//! 3. Scores: every candidate on every training program (`--strategy presets --no-run
//!    --pipeline …`): `default<Oz>`'s instruction count over the candidate's (0 when it failed).
//! 4. Selection: greedily, the candidate that most raises the sum over programs of the log of
//!    the best score so far (Oz counting as 1), until `--size K` or no gain. Scores come from
//!    runs without output checks, and a pipeline that beats Oz by folding a program's work
//!    away through undefined behaviour scores high: before a candidate is chosen, each of its
//!    scores above 1 is checked (built with `opm-driver compile --pipeline`, run, its output
//!    and exit status compared with clang -O2's build); a score that fails becomes 0 and the
//!    choice is made again.
//!
//! `cargo run --release -p opm-bench --bin coreset [-- --csmith 25 --evals 200 --size 30]`
//! (build the driver first: `cargo build --release -p opm-cli`), then rebuild.

use anyhow::Context;
use clap::Parser;
use opm_backend::{Backend, Coreset, Goal, Pipeline, TrainingProgram};
use opm_bench::{Program, command_line, driver, read_signals, search_inputs};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(about = "Learns the LLVM backend's coreset of pass pipelines")]
struct Args {
    /// csmith training programs (besides the corpus's training half).
    #[arg(long, default_value_t = 25)]
    csmith: usize,
    /// The first csmith seed tried.
    #[arg(long, default_value_t = 1)]
    csmith_seed: u64,
    /// Evaluations of the search on each training program.
    #[arg(long, default_value_t = 200)]
    evals: u64,
    /// Best distinct pipelines kept from each search.
    #[arg(long, default_value_t = 3)]
    top: usize,
    /// Pipelines in the coreset, at most.
    #[arg(long, default_value_t = 30)]
    size: usize,
    #[arg(long, default_value_t = 2)]
    jobs: usize,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where to write it (default: the LLVM backend's data file).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Where the searches' and the scores' signals files are kept (default:
    /// `target/coreset`): an interrupted run resumes from them, and a finished search is not
    /// run again.
    #[arg(long)]
    work: Option<PathBuf>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(
        args.csmith_seed + 4 * args.csmith as u64 + 20 <= opm_bench::EVALUATION_CSMITH_SEEDS,
        "training csmith seeds must stay below {}",
        opm_bench::EVALUATION_CSMITH_SEEDS
    );
    let driver = driver()?;
    let work = args.work.clone().unwrap_or_else(|| opm_bench::target_dir().join("coreset"));
    std::fs::create_dir_all(&work).with_context(|| work.display().to_string())?;
    let started = Instant::now();
    let only: Vec<String> = opm_bench::TRAINING_CORPUS.iter().map(|s| s.to_string()).collect();
    // The programs' IR in `work` too: clang names a module after its source file, so with
    // sources kept in one place a search's problem (and what `--resume` takes back) is the
    // same from one run to the next.
    let mut programs = search_inputs(&work, &only, args.jobs)?;
    programs.extend(opm_bench::csmith_programs(
        &work,
        args.csmith_seed,
        args.csmith,
        Duration::from_secs(5),
        args.jobs,
    )?);
    println!("$ {}", command_line());
    println!("{} training programs", programs.len());

    // 2. Candidates.
    let space = opm_llvm::LlvmBackend.space();
    let mut pool: BTreeSet<String> = BTreeSet::new();
    pool.extend(space.known_sequences(Goal::Small).iter().map(Pipeline::text));
    pool.extend(space.presets.iter().map(Pipeline::text));
    for p in &programs {
        let file = work.join(format!("{}.search.jsonl", p.name));
        if (read_signals(&file)?.len() as u64) < args.evals {
            let mut cmd = Command::new(&driver);
            cmd.arg("optimize").arg(&p.ll);
            cmd.args(["--strategy", "evolve", "--objective", "instcount", "--quiet"]);
            cmd.args(["--budget-evals", &args.evals.to_string()]);
            cmd.args(["--jobs", &args.jobs.to_string(), "--seed", &args.seed.to_string()]);
            cmd.arg("--signals").arg(&file).arg("--resume");
            run(&mut cmd, &p.name)?;
        }
        let mut ok: Vec<(u64, String)> = read_signals(&file)?
            .into_iter()
            .filter(|s| s.verdict == "ok")
            .filter_map(|s| Some((s.instcount?, s.pipeline)))
            .collect();
        ok.sort();
        let mut counts = BTreeSet::new();
        let best: Vec<String> = ok
            .into_iter()
            .filter(|(c, _)| counts.insert(*c))
            .take(args.top)
            .map(|(_, p)| p)
            .collect();
        println!("{:<16} {:>6.0} s  {}", p.name, started.elapsed().as_secs_f64(), best.len());
        pool.extend(best);
    }
    let pool: Vec<String> = pool.into_iter().collect();
    println!("{} candidate pipelines", pool.len());

    // 3. Scores.
    let mut training = Vec::new();
    for p in &programs {
        let scores = scores(&driver, p, &pool, args.jobs, &work)?;
        let module = opm_llvm::load_file(&p.ll).with_context(|| p.ll.display().to_string())?;
        let features = module.features().values.to_vec();
        training.push(TrainingProgram { name: p.name.clone(), features, scores });
        println!("scored {:<16} {:>6.0} s", p.name, started.elapsed().as_secs_f64());
    }

    // 4. Selection, with output checks.
    let references = programs
        .iter()
        .map(|p| opm_bench::ProgramReference::of(p, &work))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let check = |i: usize, which: &[usize]| -> anyhow::Result<Vec<bool>> {
        opm_bench::par_map(which, args.jobs, |&p| {
            passes(&driver, &programs[p], &pool[i], &references[p], &work)
        })
        .into_iter()
        .collect()
    };
    let (chosen, failed) = select(&mut training, pool.len(), args.size, &check)?;
    println!("{failed} scores above 1 failed their output check and count as 0");
    let read = |t: &str| opm_llvm::backend::parse_pipeline_syntax(t).map_err(|e| e.to_string());
    let coreset = Coreset {
        goal: Goal::Small,
        feature_names: opm_ir::features::NAMES.iter().map(|s| s.to_string()).collect(),
        sequences: chosen.iter().map(|&i| read(&pool[i])).collect::<Result<_, _>>().map_err(
            |e| anyhow::anyhow!("a pipeline the driver measured does not read back: {e}"),
        )?,
        programs: training
            .iter()
            .map(|t| TrainingProgram {
                scores: chosen.iter().map(|&i| t.scores[i]).collect(),
                ..t.clone()
            })
            .collect(),
    };
    let gm = |f: &dyn Fn(&TrainingProgram) -> f64| {
        let logs: f64 = training.iter().map(|t| f(t).max(1.0).ln()).sum();
        (logs / training.len().max(1) as f64).exp()
    };
    let first = |k: usize| gm(&|t| chosen.iter().take(k).map(|&i| t.scores[i]).fold(0.0, f64::max));
    let summary = format!(
        "{} pipelines chosen from {} on {} programs; geomean of Oz over the best, output \
         checked (Oz at worst): {:.4} with the first 10, {:.4} with all",
        chosen.len(),
        pool.len(),
        training.len(),
        first(10),
        first(chosen.len())
    );
    println!("{summary}");
    let comments = vec![
        "The LLVM backend's coreset for instruction count and size: learned offline by".into(),
        format!("`cargo run --release -p opm-bench --bin coreset -- {}`", own_args()),
        format!("with LLVM {} (bench/src/bin/coreset.rs says how).", opm_llvm::llvm_version()),
        format!(
            "Training programs: the corpus's {} (opm_bench::TRAINING_CORPUS) and csmith seeds {}.. .",
            opm_bench::TRAINING_CORPUS.len(),
            args.csmith_seed
        ),
        summary,
    ];
    let out = args.out.clone().unwrap_or_else(|| {
        opm_bench::workspace_root().join("backends/llvm/data/coreset-small.tsv")
    });
    std::fs::write(&out, coreset.to_text(&comments)).with_context(|| out.display().to_string())?;
    println!("written to {} in {:.0} s", out.display(), started.elapsed().as_secs_f64());
    Ok(())
}

/// This run's arguments, for the data file's header.
fn own_args() -> String {
    std::env::args().skip(1).map(|a| opm_bench::shell_quote(&a)).collect::<Vec<_>>().join(" ")
}

/// Runs a driver command that has to succeed.
fn run(cmd: &mut Command, what: &str) -> anyhow::Result<()> {
    let out = cmd.output().context("running opm-driver")?;
    anyhow::ensure!(
        out.status.success(),
        "opm-driver failed on {what} ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr).trim_end()
    );
    Ok(())
}

/// Every pipeline of `pool` on `program`, without runs: `default<Oz>`'s count over each one's
/// (0 when it failed). Resumes from what `dir` holds of an earlier run.
fn scores(
    driver: &Path,
    program: &Program,
    pool: &[String],
    jobs: usize,
    dir: &Path,
) -> anyhow::Result<Vec<f64>> {
    let file = dir.join(format!("{}.scores.jsonl", program.name));
    let mut cmd = Command::new(driver);
    cmd.arg("optimize").arg(&program.ll);
    cmd.args(["--strategy", "presets", "--objective", "instcount", "--no-run", "--quiet"]);
    cmd.args(["--jobs", &jobs.to_string()]);
    cmd.arg("--signals").arg(&file).arg("--resume");
    for p in pool {
        cmd.arg("--pipeline").arg(p);
    }
    run(&mut cmd, &program.name)?;
    let signals = read_signals(&file)?;
    let count = |text: &str| {
        signals.iter().find(|s| s.pipeline == text && s.verdict == "ok").and_then(|s| s.instcount)
    };
    let oz = count("default<Oz>").context("default<Oz> failed")? as f64;
    Ok(pool.iter().map(|p| count(p).map_or(0.0, |c| oz / c.max(1) as f64)).collect())
}

/// Whether `pipeline` builds `program` into an executable that prints what clang's build
/// prints, with the same exit status.
fn passes(
    driver: &Path,
    program: &Program,
    pipeline: &str,
    reference: &opm_bench::ProgramReference,
    dir: &Path,
) -> anyhow::Result<bool> {
    let exe = tempfile::Builder::new().prefix(&program.name).tempfile_in(dir)?.into_temp_path();
    let mut cmd = Command::new(driver);
    cmd.arg("compile").arg(&program.ll).arg("--pipeline").arg(pipeline).arg("-o").arg(&exe);
    let build = opm_bench::run_tool(&mut cmd, &[], Duration::from_secs(300))?;
    if !build.exit.success() {
        return Ok(false);
    }
    let run = opm_bench::run_tool(&mut Command::new(&exe), &[], reference.limit)?;
    Ok(run.exit == reference.exit && run.stdout == reference.stdout)
}

/// `check(i, programs)`: per program, whether pipeline `i` passes its output check there.
type Check<'a> = dyn Fn(usize, &[usize]) -> anyhow::Result<Vec<bool>> + 'a;

/// Greedy selection: indexes into the pool, best first, and how many scores failed their
/// check. `check(i, programs)` tells, per program, whether pipeline `i` passes its output
/// check there.
fn select(
    training: &mut [TrainingProgram],
    n: usize,
    size: usize,
    check: &Check,
) -> anyhow::Result<(Vec<usize>, usize)> {
    let mut best: Vec<f64> = vec![1.0; training.len()];
    let mut chosen = Vec::new();
    let mut checked = vec![vec![false; n]; training.len()];
    let mut failed = 0;
    while chosen.len() < size {
        let training_now: &[TrainingProgram] = training;
        let gain = |i: usize| -> f64 {
            training_now.iter().zip(&best).map(|(t, b)| (t.scores[i].max(*b) / b).ln()).sum()
        };
        let Some((i, g)) = (0..n)
            .filter(|i| !chosen.contains(i))
            .map(|i| (i, gain(i)))
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
        else {
            break;
        };
        if g < 1e-6 {
            break;
        }
        let unchecked: Vec<usize> = (0..training.len())
            .filter(|&p| training[p].scores[i] > 1.0 && !checked[p][i])
            .collect();
        let mut all_passed = true;
        for (&p, ok) in unchecked.iter().zip(check(i, &unchecked)?) {
            checked[p][i] = true;
            if !ok {
                training[p].scores[i] = 0.0;
                failed += 1;
                all_passed = false;
            }
        }
        if !all_passed {
            // Its gain was not what it seemed: choose again.
            continue;
        }
        chosen.push(i);
        for (t, b) in training.iter().zip(best.iter_mut()) {
            *b = b.max(t.scores[i]);
        }
    }
    Ok((chosen, failed))
}
