//! Run time across backends: `opm-driver optimize --objective runtime --backend all` (LLVM,
//! Cranelift and GCC searched, then the LLVM winner's module through Cranelift's and GCC's
//! settings) beside the fixed levels a user would try on the original C source, in one run.
//!
//! Per corpus program:
//!
//! - select: clang -O2's build runs `--runs-select` times; a program whose median is under
//!   `--min-run` (0.3 s) is left out, as too short for a run-time search to be worth it;
//! - builds: `clang-22 -O2` and `-O3`, `gcc -O2` and `-O3` on the C source (`-lm`), and
//!   opm: `opm-driver optimize prog.ll --objective runtime --backend all --budget-time B
//!   --seed S -o WINNER` on clang's unoptimised IR (`-O1 -Xclang -disable-llvm-passes`),
//!   the winner's module built by `opm-driver compile WINNER -o EXE` (LLVM's code generator,
//!   no passes) or its object linked by `cc WINNER -o EXE -lm`;
//! - check: each executable runs once; its output and exit status must match clang -O2's;
//! - run: every executable `--runs` times, round-robin in a rotating order, one run at a time,
//!   standard output discarded; the median wall time.
//!
//! The table gives, per program, each build's median, opm's winning search, and speed-ups
//! (above 1: faster): opm over clang -O2, the best fixed level (the fastest of the four C
//! builds, chosen after the fact) over clang -O2, and opm over that best fixed level; then
//! their geomeans.
//!
//! `cargo run --release -p opm-bench --bin runtime-all [-- --budget 120s --runs 7 --programs a,b]`
//! (build the driver first: `cargo build --release -p opm-cli`).

use anyhow::Context;
use clap::Parser;
use opm_bench::{
    Reference, chosen_programs, command_line, driver, emit_ir_with, last_line, median, ms,
    output_differs, parse_duration, ratio, reference_output, run_tool, secs, time_round_robin,
    timed_run,
};
use opm_lab::stats::geomean;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(about = "Run time: opm-driver optimize --backend all against clang and gcc levels")]
struct Args {
    /// Wall-clock budget of each program's search.
    #[arg(long, default_value = "120s", value_parser = parse_duration)]
    budget: Duration,
    /// Timed runs per program and build (the median is shown).
    #[arg(long, default_value_t = 7)]
    runs: usize,
    /// Runs of clang -O2's build that decide whether a program is long enough.
    #[arg(long, default_value_t = 3)]
    runs_select: usize,
    /// Programs whose clang -O2 build runs shorter than this (median) are left out.
    #[arg(long, default_value = "300ms", value_parser = parse_duration)]
    min_run: Duration,
    /// Seed of the searches.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Candidates the driver evaluates at once.
    #[arg(long, default_value_t = 2)]
    jobs: usize,
    /// Only these corpus programs (comma-separated names).
    #[arg(long, value_delimiter = ',')]
    programs: Vec<String>,
    /// Time limit of each build (the search excepted) and of each run.
    #[arg(long, default_value = "300s", value_parser = parse_duration)]
    timeout: Duration,
}

/// The builds compared, in table order: the four fixed levels on C, then opm's winner.
const BUILDS: [&str; 5] = ["clang-O2", "clang-O3", "gcc-O2", "gcc-O3", "opm"];

/// The fixed levels: all builds but opm's.
const FIXED: usize = 4;

/// One program's outcome.
struct Timed {
    /// Median run time per build, in [`BUILDS`] order.
    times: [Duration; 5],
    /// The search whose winner opm built (`llvm`, `llvm+gcc`, …) and its plan.
    winner: String,
    plan: String,
    search: Duration,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let driver = driver()?;
    let programs = chosen_programs(&args.programs)?;
    let dir = tempfile::tempdir()?;
    println!("$ {}", command_line());
    println!(
        "fixed levels: clang-22 -O2/-O3 and gcc -O2/-O3 on the C source; opm: opm-driver \
         optimize prog.ll --objective runtime --backend all --budget-time {}s --seed {} --jobs {} \
         -o WINNER, on clang-22 -O1 -Xclang -disable-llvm-passes IR",
        args.budget.as_secs_f64(),
        args.seed,
        args.jobs
    );
    println!(
        "run: median wall time of {} runs per build, round-robin, one at a time, after one \
         checked run whose output and exit status must match clang -O2's build; programs \
         whose clang -O2 build runs under {} ms are left out",
        args.runs,
        args.min_run.as_millis()
    );
    println!();
    println!(
        "{:<20} {:>9} {:>9} {:>9} {:>9} {:>9}  {:>8} {:>9} {:>9}  {:<14} plan",
        "program (run ms)",
        BUILDS[0],
        BUILDS[1],
        BUILDS[2],
        BUILDS[3],
        BUILDS[4],
        "opm/O2",
        "fixed/O2",
        "opm/fixed",
        "opm's search"
    );
    let (mut opm, mut fixed, mut vs_fixed) = (Vec::new(), Vec::new(), Vec::new());
    let (mut short, mut skipped) = (Vec::new(), 0);
    let (mut ahead, mut behind) = (0, 0);
    for (name, src) in &programs {
        let exe = dir.path().join(format!("{name}.clang-O2"));
        let reference = reference_output(src, &exe, args.timeout)?;
        let took: Vec<Duration> = (0..args.runs_select.max(1))
            .map(|_| timed_run(&exe, &reference).map(|(t, _)| t))
            .collect::<anyhow::Result<_>>()?;
        let select = median(&took);
        if select < args.min_run {
            short.push(format!("{name} {}", ms(select)));
            continue;
        }
        match measure(&driver, name, src, dir.path(), &reference, &args)? {
            Ok(t) => {
                let best = t.times[..FIXED].iter().min().copied().unwrap_or(t.times[0]);
                let r = [
                    ratio(t.times[0], t.times[4]),
                    ratio(t.times[0], best),
                    ratio(best, t.times[4]),
                ];
                opm.push(r[0]);
                fixed.push(r[1]);
                vs_fixed.push(r[2]);
                // Within 2% counts as even: the runs' own noise.
                if r[2] > 1.02 {
                    ahead += 1;
                } else if r[2] < 0.98 {
                    behind += 1;
                }
                let cells: Vec<String> = t.times.iter().map(|d| format!("{:>9}", ms(*d))).collect();
                println!(
                    "{name:<20} {}  {:>8.3} {:>9.3} {:>9.3}  {:<14} {} ({} s search)",
                    cells.join(" "),
                    r[0],
                    r[1],
                    r[2],
                    t.winner,
                    t.plan,
                    secs(t.search)
                );
            }
            Err(why) => {
                skipped += 1;
                println!("{name:<20} not timed: {why}");
            }
        }
    }
    println!();
    let g = |xs: &[f64]| geomean(xs).map_or("-".into(), |g| format!("{g:.3}"));
    println!(
        "geomean speed-up over {} programs: opm over clang -O2 {}, best fixed level over \
         clang -O2 {}, opm over the best fixed level {} (ahead on {ahead}, behind on {behind}, \
         within 2% on {})",
        opm.len(),
        g(&opm),
        g(&fixed),
        g(&vs_fixed),
        opm.len() - ahead - behind
    );
    if !short.is_empty() {
        println!("left out, clang -O2 runs under the floor: {}", short.join(", "));
    }
    if skipped > 0 {
        println!("{skipped} programs not timed (see above)");
    }
    Ok(())
}

/// The command that builds `exe` for a fixed level (`clang-O3`, `gcc-O2`, …).
fn fixed_build(name: &str, src: &Path, exe: &Path) -> Command {
    let (cc, level) = name.split_once('-').unwrap_or((name, "O2"));
    let mut cmd = Command::new(if cc == "clang" { "clang-22" } else { "gcc" });
    cmd.arg(format!("-{level}")).arg("-w").arg(src).arg("-o").arg(exe).arg("-lm");
    cmd
}

/// opm's search, and its winner built into `exe`: the winning search's label and plan, and
/// how long the search took; or why there is no executable.
fn search(
    driver: &Path,
    ll: &Path,
    exe: &Path,
    args: &Args,
) -> anyhow::Result<Result<(String, String, Duration), String>> {
    let winner = exe.with_extension("winner");
    let mut cmd = Command::new(driver);
    cmd.arg("optimize")
        .arg(ll)
        .args(["--objective", "runtime", "--backend", "all", "--quiet", "--json"])
        .args(["--budget-time", &format!("{}s", args.budget.as_secs_f64())])
        .args(["--seed", &args.seed.to_string(), "--jobs", &args.jobs.to_string()])
        .arg("-o")
        .arg(&winner);
    let start = Instant::now();
    // The search stops starting candidates at its budget; one may still be running.
    let out = run_tool(&mut cmd, &[], args.budget * 2 + args.timeout)?;
    let took = start.elapsed();
    if !out.exit.success() {
        return Ok(Err(format!("the search ended {:?}: {}", out.exit, last_line(&out.stderr))));
    }
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).context("reading optimize --json")?;
    let label = json["winner"].as_str().unwrap_or_default().to_string();
    let row =
        json["backends"].as_array().and_then(|rows| rows.iter().find(|r| r["label"] == label));
    let Some(row) = row else { return Ok(Err("optimize named no winner".into())) };
    let pipeline = row["best"]["pipeline"].as_str().unwrap_or_default();
    let plan = match row["mid_end"].as_str() {
        Some(mid) => format!("`{mid}` then `{pipeline}`"),
        None => format!("`{pipeline}`"),
    };
    let mut build = if row["backend"] == "llvm" {
        let mut cmd = Command::new(driver);
        cmd.arg("compile").arg(&winner).arg("-o").arg(exe);
        cmd
    } else {
        let mut cmd = Command::new("cc");
        cmd.arg(&winner).arg("-o").arg(exe).arg("-lm");
        cmd
    };
    let built = run_tool(&mut build, &[], args.timeout)?;
    if !built.exit.success() {
        return Ok(Err(format!("the winner did not build: {}", last_line(&built.stderr))));
    }
    Ok(Ok((label, plan, took)))
}

/// Builds, checks and times one program in every build, or says why it was not timed.
fn measure(
    driver: &Path,
    name: &str,
    src: &Path,
    dir: &Path,
    reference: &Reference,
    args: &Args,
) -> anyhow::Result<Result<Timed, String>> {
    let ll = dir.join(format!("{name}.ll"));
    emit_ir_with(src, &ll, &["-O1", "-Xclang", "-disable-llvm-passes"])?;
    let exes: Vec<PathBuf> = BUILDS.iter().map(|b| dir.join(format!("{name}.{b}"))).collect();
    for (build, exe) in BUILDS.iter().zip(&exes).skip(1).take(FIXED - 1) {
        let out = run_tool(&mut fixed_build(build, src, exe), &[], args.timeout)?;
        if !out.exit.success() {
            return Ok(Err(format!("{build} did not build: {}", last_line(&out.stderr))));
        }
    }
    let (winner, plan, search) = match search(driver, &ll, &exes[4], args)? {
        Ok(found) => found,
        Err(why) => return Ok(Err(why)),
    };
    for (build, exe) in BUILDS.iter().zip(&exes) {
        if let Some(why) = output_differs(build, exe, reference, args.timeout)? {
            return Ok(Err(why));
        }
    }
    let times = match time_round_robin(&BUILDS, &exes, reference, args.runs)? {
        Ok(t) => t,
        Err(why) => return Ok(Err(why)),
    };
    let times =
        <[Duration; 5]>::try_from(times).map_err(|_| anyhow::anyhow!("one time per build"))?;
    Ok(Ok(Timed { times, winner, plan, search }))
}
