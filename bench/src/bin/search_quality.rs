//! Search quality under equal budgets: the smallest instruction count that
//! `opm-driver optimize` finds, against a naive random search with `opt` and against
//! `default<Oz>`.
//!
//! Programs, in groups kept apart from the driver's coreset training (opm_bench's
//! `TRAINING_CORPUS` and `EVALUATION_CSMITH_SEEDS`): the corpus programs held out from it
//! (`--corpus held-out`, the default; `training`, `all` or `none` otherwise) and `--csmith N`
//! fresh csmith programs. Geomeans are given per group and over all.
//!
//! Per program (compiled with `clang-22 -O1 -Xclang -disable-llvm-passes`):
//!
//! - Oz: the instructions of `opt -passes=default<Oz>`'s output, counted on the canonical IR
//!   (`opm_llvm::load_file(..).instruction_count()`).
//! - naive: random pipelines of 1–40 catalog search passes, each run as
//!   `opt -passes=P -verify-each -S prog.ll`, `--jobs` at a time, until the budget ends; the
//!   smallest output by a count of its text wins, and is counted again on the canonical IR for
//!   the table. Failing candidates are skipped and counted.
//! - ours: `opm-driver optimize prog.ll --objective instcount --budget-time T --jobs J
//!   --seed S --quiet --signals FILE` (its default strategy); the best is the smallest
//!   `metrics.instcount` among the candidates with verdict "ok".
//!
//! Both sides get the same wall-clock budget per program (`--budget`, default 60s) and the
//! same parallelism; with `--evals N` both get N evaluations instead.
//!
//! A count does not say the program still works. The naive side's best ten candidates are
//! then built with `opm-driver compile` and run, and the first whose output matches clang
//! -O2's build is its output-checked best. The driver output-checks its own winner while it
//! searches and writes it with `-o`; that module is built and run the same way. The table and
//! geomeans are printed again over these (`--no-check` skips this).
//!
//! `cargo run --release -p opm-bench --bin search-quality [-- --budget 60s | --evals 200]
//! [--jobs 2] [--seed S] [--corpus held-out] [--csmith 50] [--programs a,b]` (build the
//! driver first:
//! `cargo build --release -p opm-cli`).

use anyhow::Context;
use clap::Parser;
use opm_bench::{
    Exit, Program, SplitMix64, command_line, count_ir_instructions, driver, geomean, llvm_tool,
    oz_count, parse_duration, random_pipeline, read_signals, run_tool, search_inputs,
    search_passes, secs,
};
use std::path::Path;
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(about = "Search quality: opm-driver optimize against a naive random search with opt")]
struct Args {
    /// Wall-clock budget per program and side.
    #[arg(long, default_value = "60s", value_parser = parse_duration)]
    budget: Duration,
    /// Give each side this many evaluations per program instead of a time budget.
    #[arg(long)]
    evals: Option<usize>,
    /// Candidates evaluated at once, on each side.
    #[arg(long, default_value_t = 2)]
    jobs: usize,
    /// Seed of both searches (default: drawn from the clock, and printed).
    #[arg(long)]
    seed: Option<u64>,
    /// Only these corpus programs (comma-separated names; overrides `--corpus`).
    #[arg(long, value_delimiter = ',')]
    programs: Vec<String>,
    /// Which corpus programs: those the driver's coreset was not learned on (`held-out`),
    /// those it was (`training`), `all` or `none`.
    #[arg(long, value_parser = ["held-out", "training", "all", "none"], default_value = "held-out")]
    corpus: String,
    /// Also this many fresh csmith programs (none of the coreset's training seeds).
    #[arg(long, default_value_t = 0)]
    csmith: usize,
    /// The first csmith seed tried (default: drawn from `--seed`, at or above
    /// opm_bench::EVALUATION_CSMITH_SEEDS).
    #[arg(long)]
    csmith_seed: Option<u64>,
    /// Longest random pipeline of the naive search, in passes.
    #[arg(long, default_value_t = 40)]
    max_len: usize,
    /// Time limit of one naive candidate.
    #[arg(long, default_value = "60s", value_parser = parse_duration)]
    timeout: Duration,
    /// Skip the output check of each side's best candidates.
    #[arg(long)]
    no_check: bool,
    /// Run one side only (Oz is always measured).
    #[arg(long, value_parser = ["both", "naive", "ours"], default_value = "both")]
    side: String,
}

/// The naive search's budget.
#[derive(Clone, Copy)]
enum Budget {
    Time(Duration),
    Evals(usize),
}

/// One of the naive search's best: its count in the text, the candidate's index, the
/// pipeline and opt's output.
type Best = (usize, usize, String, Vec<u8>);

/// How many of a side's best candidates the output check tries, best first.
const CHECKED: usize = 10;

/// A side's candidate for the output check.
struct Contender {
    /// The optimized IR: the naive side's output of opt, or the module the driver wrote.
    ir: Vec<u8>,
}

/// The outcome of one search on one program.
#[derive(Default)]
struct Outcome {
    best: Option<usize>,
    best_pipeline: Option<String>,
    /// The best few candidates, best first, for the output check.
    contenders: Vec<Contender>,
    evals: usize,
    failed: usize,
    wall: Duration,
    /// The instruction count of the side's own `default<Oz>` candidate, if it ran one.
    own_oz: Option<usize>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let jobs = args.jobs.max(1);
    let seed = args.seed.unwrap_or_else(|| {
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
        t.map_or(1, |d| d.as_nanos() as u64 % 1_000_000_000)
    });
    let opt = llvm_tool("opt")?;
    // The output check builds the candidates with the driver too.
    let driver = if args.side == "naive" && args.no_check { None } else { Some(driver()?) };
    let budget = match args.evals {
        Some(n) => Budget::Evals(n),
        None => Budget::Time(args.budget),
    };
    let dir = tempfile::tempdir()?;
    let programs = programs(&args, seed, dir.path(), jobs)?;

    println!("$ {}", command_line());
    println!(
        "seed {seed}; budget per program and side: {}; {jobs} jobs; {} programs",
        match budget {
            Budget::Time(d) => format!("{} s wall clock", secs(d)),
            Budget::Evals(n) => format!("{n} evaluations"),
        },
        programs.len()
    );
    let groups: Vec<&str> = ["held-out", "training", "csmith"]
        .into_iter()
        .filter(|g| programs.iter().any(|(group, _)| group == g))
        .collect();
    for g in &groups {
        let names: Vec<&str> =
            programs.iter().filter(|(p, _)| p == g).map(|(_, p)| p.name.as_str()).collect();
        println!("{g} ({}): {}", names.len(), group_note(g, &names));
    }
    println!(
        "naive: random pipelines of 1-{} catalog search passes, opt -passes=P -verify-each -S",
        args.max_len
    );
    println!(
        "ours:  opm-driver optimize PROG.ll --objective instcount {} --jobs {jobs} --seed {seed} \
         --quiet --signals FILE",
        match budget {
            Budget::Time(d) => format!("--budget-time {}", duration_arg(d)),
            Budget::Evals(n) => format!("--budget-evals {n}"),
        }
    );
    println!(
        "counts: instructions of the canonical IR (opm_llvm::load_file); ratios Oz/best, \
         >1 beats Oz; o.Oz: ours' own default<Oz> candidate, if it ran one; n./o.: naive's \
         and ours' evaluations, failed candidates and wall seconds\n"
    );
    println!(
        "{:<20} {:>7} {:>7} {:>7} {:>7} {:>7} {:>8} {:>8} {:>7} {:>7} {:>6} {:>6} {:>6} {:>6}",
        "program",
        "input",
        "Oz",
        "o.Oz",
        "naive",
        "ours",
        "Oz/naive",
        "Oz/ours",
        "n.evals",
        "o.evals",
        "n.fail",
        "o.fail",
        "n.s",
        "o.s"
    );

    let mut naive_ratios = Vec::new();
    let mut ours_ratios = Vec::new();
    let mut skipped = Vec::new();
    let mut best_pipelines = Vec::new();
    let mut checks = Vec::new();
    for (index, (group, program)) in programs.iter().enumerate() {
        let input = opm_llvm::load_file(&program.ll)
            .with_context(|| format!("importing {}", program.ll.display()))?
            .instruction_count();
        let oz = oz_count(&opt, program, dir.path())?;
        let naive = if args.side == "ours" {
            Outcome::default()
        } else {
            let seed = seed ^ (index as u64).wrapping_mul(0xd1b5_4a32_d192_ed03);
            naive_search(&opt, program, budget, jobs, seed, args.max_len, args.timeout, dir.path())?
        };
        let ours = match &driver {
            Some(d) if args.side != "naive" => {
                ours_search(d, program, budget, jobs, seed, dir.path())?
            }
            _ => Outcome::default(),
        };
        let ratio = |o: &Outcome| o.best.map(|b| oz as f64 / b.max(1) as f64);
        let show = |x: Option<usize>| x.map_or("-".into(), |v| v.to_string());
        let show_ratio = |x: Option<f64>| x.map_or("-".into(), |v| format!("{v:.3}"));
        println!(
            "{:<20} {:>7} {:>7} {:>7} {:>7} {:>7} {:>8} {:>8} {:>7} {:>7} {:>6} {:>6} {:>6} {:>6}",
            program.name,
            input,
            oz,
            show(ours.own_oz),
            show(naive.best),
            show(ours.best),
            show_ratio(ratio(&naive)),
            show_ratio(ratio(&ours)),
            naive.evals,
            ours.evals,
            naive.failed,
            ours.failed,
            secs(naive.wall),
            secs(ours.wall)
        );
        match (ratio(&naive), ratio(&ours)) {
            (Some(n), Some(o)) => {
                naive_ratios.push((*group, n));
                ours_ratios.push((*group, o));
            }
            (Some(n), None) if args.side == "naive" => naive_ratios.push((*group, n)),
            (None, Some(o)) if args.side == "ours" => ours_ratios.push((*group, o)),
            _ => skipped.push(program.name.clone()),
        }
        if let (Some(d), false) = (&driver, args.no_check) {
            let reference = opm_bench::ProgramReference::of(program, dir.path())?;
            let n = check_side("naive", &naive.contenders, program, d, &reference, dir.path())?;
            let o = check_side("ours", &ours.contenders, program, d, &reference, dir.path())?;
            checks.push((*group, program.name.clone(), oz, n, o));
        }
        best_pipelines.push((program.name.clone(), naive.best_pipeline, ours.best_pipeline));
    }

    println!();
    if !skipped.is_empty() {
        println!("left out of the geomeans (a side found nothing valid): {}", skipped.join(", "));
    }
    print_geomeans("", &groups, &naive_ratios, &ours_ratios);

    if !checks.is_empty() {
        println!(
            "\noutput check: each side's best {CHECKED} candidates (the naive side's distinct \
             modules), best first, built with \
             opm-driver compile and run; the first that prints what clang -O2's build prints \
             (same exit status, time limit 10x its run time, at least 5 s) counts"
        );
        println!(
            "{:<20} {:>7} {:>7} {:>7} {:>8} {:>8}  passed over",
            "program", "Oz", "naive", "ours", "Oz/naive", "Oz/ours"
        );
        let (mut n_ratios, mut o_ratios, mut left_out) = (Vec::new(), Vec::new(), Vec::new());
        for (group, name, oz, n, o) in &checks {
            let ratio = |c: &Checked| c.count.map(|b| *oz as f64 / b.max(1) as f64);
            let show = |c: &Checked| c.count.map_or("-".into(), |v| v.to_string());
            let show_ratio = |x: Option<f64>| x.map_or("-".into(), |v| format!("{v:.3}"));
            let notes: Vec<String> = [("naive", n), ("ours", o)]
                .iter()
                .filter_map(|(side, c)| c.summary(side))
                .collect();
            println!(
                "{:<20} {:>7} {:>7} {:>7} {:>8} {:>8}  {}",
                name,
                oz,
                show(n),
                show(o),
                show_ratio(ratio(n)),
                show_ratio(ratio(o)),
                notes.join("; ")
            );
            match (ratio(n), ratio(o)) {
                (Some(a), Some(b)) => {
                    n_ratios.push((*group, a));
                    o_ratios.push((*group, b));
                }
                (Some(a), None) if args.side == "naive" => n_ratios.push((*group, a)),
                _ => left_out.push(name.as_str()),
            }
        }
        println!();
        if !left_out.is_empty() {
            println!(
                "left out of the output-checked geomeans (no candidate of a side passed): {}",
                left_out.join(", ")
            );
        }
        print_geomeans("output-checked ", &groups, &n_ratios, &o_ratios);
    }
    println!("seed {seed}");
    let file = dir.path().join("best-pipelines.txt");
    let mut text = String::new();
    for (name, n, o) in &best_pipelines {
        text += &format!("{name}\tnaive\t{}\n", n.as_deref().unwrap_or("-"));
        text += &format!("{name}\tours\t{}\n", o.as_deref().unwrap_or("-"));
    }
    let keep = opm_bench::target_dir().join("search-quality-best.txt");
    std::fs::create_dir_all(opm_bench::target_dir()).ok();
    std::fs::write(&file, &text)?;
    std::fs::copy(&file, &keep).with_context(|| keep.display().to_string())?;
    println!("best pipelines: {}", keep.display());
    Ok(())
}

/// Prints the geometric means of Oz/best of each side and their ratio, per group of programs
/// and, with more than one group, over all of them.
fn print_geomeans(what: &str, groups: &[&str], naive: &[(&str, f64)], ours: &[(&str, f64)]) {
    let mut sets: Vec<(String, Option<&str>)> =
        groups.iter().map(|g| (format!("{what}{g}: "), Some(*g))).collect();
    if groups.len() > 1 {
        sets.push((format!("{what}all: "), None));
    }
    for (label, group) in sets {
        let pick = |v: &[(&str, f64)]| -> Vec<f64> {
            v.iter().filter(|(g, _)| group.is_none_or(|want| *g == want)).map(|(_, r)| *r).collect()
        };
        let (naive, ours) = (pick(naive), pick(ours));
        let g_naive = geomean(&naive);
        let g_ours = geomean(&ours);
        if let Some(g) = g_naive {
            println!("{label}geomean Oz/naive: {g:.4}  ({} programs)", naive.len());
        }
        if let Some(g) = g_ours {
            println!("{label}geomean Oz/ours:  {g:.4}  ({} programs)", ours.len());
        }
        if let (Some(n), Some(o)) = (g_naive, g_ours) {
            println!("{label}ours/naive (geomean Oz/ours / geomean Oz/naive): {:.4}", o / n);
        }
    }
}

/// The programs to search, each with its group: corpus programs held out from the coreset's
/// training or part of it, and fresh csmith programs.
fn programs(
    args: &Args,
    seed: u64,
    dir: &Path,
    jobs: usize,
) -> anyhow::Result<Vec<(&'static str, Program)>> {
    let training = |name: &str| opm_bench::TRAINING_CORPUS.contains(&name);
    let group = |name: &str| if training(name) { "training" } else { "held-out" };
    let corpus = match args.corpus.as_str() {
        _ if !args.programs.is_empty() => search_inputs(dir, &args.programs, jobs)?,
        "none" => Vec::new(),
        which => search_inputs(dir, &[], jobs)?
            .into_iter()
            .filter(|p| which == "all" || group(&p.name) == which)
            .collect(),
    };
    let mut out: Vec<(&str, Program)> = corpus.into_iter().map(|p| (group(&p.name), p)).collect();
    if args.csmith > 0 {
        let first = args
            .csmith_seed
            .unwrap_or(opm_bench::EVALUATION_CSMITH_SEEDS + (seed % 1_000_000_000) * 1000);
        anyhow::ensure!(
            first >= opm_bench::EVALUATION_CSMITH_SEEDS,
            "csmith seeds below {} are the coreset's training programs",
            opm_bench::EVALUATION_CSMITH_SEEDS
        );
        let fresh =
            opm_bench::csmith_programs(dir, first, args.csmith, Duration::from_secs(5), jobs)?;
        out.extend(fresh.into_iter().map(|p| ("csmith", p)));
    }
    anyhow::ensure!(!out.is_empty(), "no programs chosen");
    Ok(out)
}

/// What a group of programs is, for the report.
fn group_note(group: &str, names: &[&str]) -> String {
    match group {
        "held-out" => {
            format!("corpus programs the coreset was not learned on: {}", names.join(", "))
        }
        "training" => format!("corpus programs the coreset was learned on: {}", names.join(", ")),
        _ => format!(
            "fresh csmith programs from seed {}, none of them the coreset's",
            names.first().map_or("", |n| n.trim_start_matches("csmith-"))
        ),
    }
}

/// Random pipelines through `opt` until the budget ends, `jobs` at a time.
#[allow(clippy::too_many_arguments)]
fn naive_search(
    opt: &Path,
    program: &Program,
    budget: Budget,
    jobs: usize,
    seed: u64,
    max_len: usize,
    timeout: Duration,
    dir: &Path,
) -> anyhow::Result<Outcome> {
    let passes = search_passes();
    anyhow::ensure!(!passes.is_empty(), "the pass catalog has no search passes");
    let start = Instant::now();
    let next = AtomicUsize::new(0);
    let evals = AtomicUsize::new(0);
    let failed = AtomicUsize::new(0);
    let best: Mutex<Vec<Best>> = Mutex::new(Vec::new());
    let error: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let limit = match budget {
                        Budget::Evals(n) if i >= n => break,
                        Budget::Evals(_) => timeout,
                        Budget::Time(d) => match d.checked_sub(start.elapsed()) {
                            Some(left) if !left.is_zero() => left.min(timeout),
                            _ => break,
                        },
                    };
                    let mut rng =
                        SplitMix64::new(seed ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
                    let pipeline = random_pipeline(&mut rng, &passes, max_len);
                    let mut cmd = Command::new(opt);
                    cmd.arg(format!("-passes={pipeline}"))
                        .args(["-verify-each", "-S"])
                        .arg(&program.ll);
                    let run = match run_tool(&mut cmd, &[], limit) {
                        Ok(r) => r,
                        Err(e) => {
                            *error.lock().unwrap() = Some(e);
                            break;
                        }
                    };
                    if run.exit == Exit::TimedOut && matches!(budget, Budget::Time(_)) {
                        // Cut by the end of the budget, unless its own limit came first.
                        if start.elapsed() + Duration::from_millis(50) >= budget_time(budget) {
                            break;
                        }
                    }
                    evals.fetch_add(1, Ordering::Relaxed);
                    if !run.exit.success() {
                        failed.fetch_add(1, Ordering::Relaxed);
                        continue;
                    }
                    let count = count_ir_instructions(&String::from_utf8_lossy(&run.stdout));
                    let mut best = best.lock().unwrap();
                    let better =
                        best.len() < CHECKED || best.iter().any(|(c, j, ..)| (count, i) < (*c, *j));
                    if better && !best.iter().any(|(.., text)| *text == run.stdout) {
                        best.push((count, i, pipeline, run.stdout));
                        best.sort_by_key(|(c, j, ..)| (*c, *j));
                        best.truncate(CHECKED);
                    }
                }
            });
        }
    });
    let wall = start.elapsed();
    if let Some(e) = error.into_inner().unwrap() {
        return Err(e);
    }
    let mut outcome = Outcome {
        evals: evals.into_inner(),
        failed: failed.into_inner(),
        wall,
        ..Outcome::default()
    };
    let best = best.into_inner().unwrap();
    outcome.contenders =
        best.iter().map(|(_, _, _, text)| Contender { ir: text.clone() }).collect();
    if let Some((_, _, pipeline, text)) = best.into_iter().next() {
        let file = dir.join(format!("{}.naive.ll", program.name));
        std::fs::write(&file, text)?;
        let module = opm_llvm::load_file(&file)
            .with_context(|| format!("importing the naive search's best, {}", file.display()))?;
        outcome.best = Some(module.instruction_count());
        outcome.best_pipeline = Some(pipeline);
    }
    Ok(outcome)
}

fn budget_time(budget: Budget) -> Duration {
    match budget {
        Budget::Time(d) => d,
        Budget::Evals(_) => Duration::MAX,
    }
}

/// A duration as the driver's `--budget-time` takes it.
fn duration_arg(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}

/// One `opm-driver optimize` run with the same budget.
fn ours_search(
    driver: &Path,
    program: &Program,
    budget: Budget,
    jobs: usize,
    seed: u64,
    dir: &Path,
) -> anyhow::Result<Outcome> {
    let file = dir.join(format!("{}.signals.jsonl", program.name));
    let mut cmd = Command::new(driver);
    cmd.arg("optimize").arg(&program.ll).args(["--objective", "instcount"]);
    match budget {
        Budget::Time(d) => cmd.args(["--budget-time", &duration_arg(d)]),
        Budget::Evals(n) => cmd.args(["--budget-evals", &n.to_string()]),
    };
    cmd.args(["--jobs", &jobs.to_string(), "--seed", &seed.to_string(), "--quiet"]);
    cmd.arg("--signals").arg(&file);
    let written = dir.join(format!("{}.ours.best.ll", program.name));
    let _ = std::fs::remove_file(&written);
    cmd.arg("-o").arg(&written);
    let start = Instant::now();
    let out = cmd.output().with_context(|| format!("running {}", driver.display()))?;
    let wall = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    anyhow::ensure!(
        out.status.success() && !stderr.contains("panicked"),
        "opm-driver optimize failed on {} ({}):\n{}",
        program.name,
        out.status,
        stderr.trim_end()
    );
    let signals = read_signals(&file)?;
    let mut ranked: Vec<(u64, &opm_bench::Signal)> = signals
        .iter()
        .filter(|s| s.verdict == "ok")
        .filter_map(|s| s.instcount.map(|c| (c, s)))
        .collect();
    ranked.sort_by_key(|(c, _)| *c);
    let best = ranked.first().copied();
    // The driver output-checks its winner itself; what it wrote is what is checked here.
    let contenders = match std::fs::read(&written) {
        Ok(ir) => vec![Contender { ir }],
        Err(_) => Vec::new(),
    };
    Ok(Outcome {
        best: best.map(|(c, _)| c as usize),
        best_pipeline: best.map(|(_, s)| s.pipeline.clone()),
        contenders,
        evals: signals.len(),
        failed: signals.iter().filter(|s| s.verdict != "ok").count(),
        wall,
        own_oz: signals
            .iter()
            .find(|s| s.pipeline == "default<Oz>" && s.verdict == "ok")
            .and_then(|s| s.instcount.map(|c| c as usize)),
    })
}

/// The outcome of the output check of one side.
#[derive(Default)]
struct Checked {
    /// The instruction count of the best candidate whose program prints the reference.
    count: Option<usize>,
    /// Its place among the side's best candidates (0: the best).
    rank: Option<usize>,
    /// Better candidates passed over: they did not build, printed something else or hung.
    unbuilt: usize,
    wrong: usize,
    hung: usize,
    tried: usize,
}

impl Checked {
    /// What was passed over, for the table (`None` when the best passed).
    fn summary(&self, side: &str) -> Option<String> {
        let mut parts = Vec::new();
        for (n, what) in [
            (self.wrong, "printed something else"),
            (self.hung, "hung"),
            (self.unbuilt, "did not build"),
        ] {
            if n > 0 {
                parts.push(format!("{n} {what}"));
            }
        }
        if parts.is_empty() {
            return None;
        }
        let verdict = if self.count.is_some() { "" } else { ", none passed" };
        Some(format!("{side}: of {} tried, {}{verdict}", self.tried, parts.join(", ")))
    }
}

/// Builds each contender with `opm-driver compile`, runs it and compares what it prints
/// (and its exit status) with the reference; the first one that agrees is the side's
/// checked best.
fn check_side(
    side: &str,
    contenders: &[Contender],
    program: &Program,
    driver: &Path,
    reference: &opm_bench::ProgramReference,
    dir: &Path,
) -> anyhow::Result<Checked> {
    let mut checked = Checked::default();
    for (k, c) in contenders.iter().enumerate() {
        let exe = dir.join(format!("{}.{side}.{k}.exe", program.name));
        let mut cmd = Command::new(driver);
        cmd.arg("compile");
        let file = dir.join(format!("{}.{side}.{k}.ll", program.name));
        std::fs::write(&file, &c.ir)?;
        cmd.arg(&file);
        let module =
            opm_llvm::load_file(&file).with_context(|| format!("importing {}", file.display()))?;
        let count = module.instruction_count();
        cmd.arg("-o").arg(&exe);
        let build = run_tool(&mut cmd, &[], Duration::from_secs(600))?;
        checked.tried += 1;
        if !build.exit.success() {
            checked.unbuilt += 1;
            continue;
        }
        let run = run_tool(&mut Command::new(&exe), &[], reference.limit)?;
        if run.exit == Exit::TimedOut {
            checked.hung += 1;
        } else if run.exit != reference.exit || run.stdout != reference.stdout {
            checked.wrong += 1;
        } else {
            checked.count = Some(count);
            checked.rank = Some(k);
            return Ok(checked);
        }
    }
    Ok(checked)
}
