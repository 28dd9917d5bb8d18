//! How often a paired timing claims a speed-up that is not there, and how small a real one it
//! finds: `opm_engine::timing::time_pairs` (interleaved pairs, on CPU time) and
//! `opm_engine::timing::compare` (a 95% Student-t interval on the pairs' log ratios, faster
//! only when it lies above 1), as a search confirms its run-time winner.
//!
//! - False claims: `--trials` trials of one program against a byte-identical copy of itself
//!   (another file), `--pairs` pairs each, on the machine as it is ("idle") and with the
//!   benchmark keeping every CPU busy with a spinning thread ("loaded"). Any verdict but "not
//!   significant" is a false claim; "faster" (the copy claimed faster) is what a search would
//!   report as a speed-up.
//! - Detection: variants of the program doing `--more-work` percent more work than the base;
//!   per variant and per pair count of `--detect-pairs`, `--detect-trials` trials of the base
//!   as the candidate against the variant as the reference: detected when the base is called
//!   faster. The smallest difference detected at a pair count is the smallest extra work
//!   detected in at least 90% of its trials, as every larger one was.
//!
//! The programs are built at the start in a temporary directory with `clang-22 -O2` from the C
//! below: a loop whose length is fixed at compile time (`-DWORK=N`, calibrated so that the
//! base runs about `--base-ms` of CPU time, one run per measurement), printing a checksum of
//! its first iterations only, so that all of them print the same bytes. The length is read
//! through a volatile: the variants' code is the base's, only that word of data differs (with
//! the length a constant, clang's unrolled loop and its remainder changed with it, and a
//! build doing 5% more work ran 7% longer).
//!
//! `cargo run --release -p opm-bench --bin timing-claims [-- --trials 100 --detect-trials 20]`

use anyhow::{Context, bail};
use clap::Parser;
use opm_bench::{command_line, secs};
use opm_engine::timing::{CONFIDENCE, RunsPerSample, TimedPairs, compare, time_pairs};
use opm_search::Clock;
use opm_search::timing::{Comparison, Speedup};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The timed program, shared with `tests/timing.rs`.
const PROGRAM: &str = include_str!("../../../tests/data/timed_loop.c");

/// The loop's length the calibration starts from (well above the 100,000 iterations whose
/// checksum is printed).
const CALIBRATION_WORK: u64 = 10_000_000;

/// A run's time limit: far above what one takes, even loaded.
const LIMIT: Duration = Duration::from_secs(60);

/// The share of trials a difference must be detected in to count as detected.
const DETECTED: f64 = 0.9;

#[derive(Parser)]
#[command(about = "False speed-up claims between identical binaries, and the smallest real \
                   difference paired timing detects")]
struct Args {
    /// Trials of identical binaries, idle and loaded each.
    #[arg(long, default_value_t = 100)]
    trials: usize,
    /// Pairs per trial of identical binaries (a search confirms its winner in 10).
    #[arg(long, default_value_t = 10)]
    pairs: usize,
    /// Trials per variant and pair count in the detection table.
    #[arg(long, default_value_t = 20)]
    detect_trials: usize,
    /// The pair counts of the detection table.
    #[arg(long, value_delimiter = ',', default_value = "5,10,20")]
    detect_pairs: Vec<usize>,
    /// The variants' extra work over the base, in percent.
    #[arg(long, value_delimiter = ',', default_value = "1,2,5,10,20,50")]
    more_work: Vec<u32>,
    /// The base program's CPU time per run to calibrate to, in milliseconds (above the 20 ms
    /// timing floor, so that a measurement is one run).
    #[arg(long, default_value_t = 30)]
    base_ms: u64,
    /// Also run the detection table with the machine loaded.
    #[arg(long)]
    detect_loaded: bool,
}

/// Threads spinning on every CPU until dropped.
struct Load {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<u64>>,
}

impl Load {
    fn start(n: usize) -> Load {
        let stop = Arc::new(AtomicBool::new(false));
        let threads = (0..n)
            .map(|_| {
                let flag = Arc::clone(&stop);
                std::thread::spawn(move || {
                    let mut x = 1u64;
                    while !flag.load(Ordering::Relaxed) {
                        for _ in 0..10_000 {
                            x = std::hint::black_box(
                                x.wrapping_mul(6364136223846793005).wrapping_add(1),
                            );
                        }
                    }
                    x
                })
            })
            .collect();
        Load { stop, threads }
    }
}

impl Drop for Load {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
    }
}

/// The program with `WORK` = `work`, built as `dir/name`.
fn build(dir: &Path, name: &str, work: u64) -> anyhow::Result<PathBuf> {
    let src = dir.join("loop.c");
    std::fs::write(&src, PROGRAM).with_context(|| src.display().to_string())?;
    let exe = dir.join(name);
    let out = Command::new("clang-22")
        .args(["-O2", "-w", &format!("-DWORK={work}")])
        .arg(&src)
        .arg("-o")
        .arg(&exe)
        .output()
        .context("running clang-22 (apt-get install clang-22)")?;
    if !out.status.success() {
        bail!("clang-22 failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(exe)
}

/// One trial: `candidate` timed against `reference` in `pairs` interleaved pairs.
fn timed(reference: &Path, candidate: &Path, pairs: usize) -> anyhow::Result<TimedPairs> {
    time_pairs(reference, candidate, &[], pairs, LIMIT).map_err(anyhow::Error::msg)
}

/// `compare` on CPU time at `confidence`, above `threshold`.
fn compared(t: &TimedPairs, confidence: f64, threshold: f64) -> anyhow::Result<Comparison> {
    compare(&t.reference, &t.candidate, Clock::Cpu, confidence, threshold)
        .with_context(|| format!("no comparison of {t:?}"))
}

/// A comparison as the progress lines show it: the speed-up, its interval and the verdict.
fn shown(c: &Comparison) -> String {
    format!("{:.4} ({:.4}–{:.4}) {:?}", c.speedup, c.interval.0, c.interval.1, c.verdict)
}

/// The median CPU time of a program's runs (3 pairs of it against itself).
fn cpu_time(exe: &Path) -> anyhow::Result<Duration> {
    let t = timed(exe, exe, 3)?;
    let mut cpu: Vec<Duration> =
        t.reference.iter().chain(&t.candidate).filter_map(|s| s.cpu).collect();
    if cpu.len() != 6 {
        bail!("the kernel gave no CPU time for {}", exe.display());
    }
    cpu.sort();
    Ok((cpu[2] + cpu[3]) / 2)
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

fn median(mut xs: Vec<f64>) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 { xs[n / 2] } else { (xs[n / 2 - 1] + xs[n / 2]) / 2.0 }
}

/// The Wilson score interval (95%) of `k` successes in `n`, in percent.
fn wilson(k: usize, n: usize) -> (f64, f64) {
    if n == 0 {
        return (0.0, 100.0);
    }
    let (k, n, z) = (k as f64, n as f64, 1.959964);
    let p = k / n;
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / (1.0 + z * z / n);
    (100.0 * (centre - half).max(0.0), 100.0 * (centre + half).min(1.0))
}

fn pct(k: usize, n: usize) -> String {
    format!("{:.1}%", 100.0 * k as f64 / n.max(1) as f64)
}

/// What the trials of identical binaries said on one machine state.
struct Claims {
    machine: &'static str,
    trials: usize,
    /// At the search's 95% above 1.0.
    faster: usize,
    slower: usize,
    /// At 99% above 1.05 (the test suite's setting).
    strict_faster: usize,
    strict_slower: usize,
    /// Half the width of the 95% interval, in percent of the speed-up.
    half_widths: Vec<f64>,
    /// The median |ln speed-up|, in percent.
    offsets: Vec<f64>,
    not_one_run: usize,
    load: (String, String),
    elapsed: Duration,
}

fn false_claims(
    machine: &'static str,
    a: &Path,
    copy: &Path,
    args: &Args,
    spinners: usize,
) -> anyhow::Result<Claims> {
    let load_before = loadavg();
    let _load = (spinners > 0).then(|| Load::start(spinners));
    let started = Instant::now();
    let mut c = Claims {
        machine,
        trials: args.trials,
        faster: 0,
        slower: 0,
        strict_faster: 0,
        strict_slower: 0,
        half_widths: Vec::new(),
        offsets: Vec::new(),
        not_one_run: 0,
        load: (load_before, String::new()),
        elapsed: Duration::ZERO,
    };
    for trial in 0..args.trials {
        let t = timed(a, copy, args.pairs)?;
        c.not_one_run += usize::from(t.runs_per_sample != RunsPerSample::Runs(1));
        let usual = compared(&t, CONFIDENCE, 1.0)?;
        let strict = compared(&t, 0.99, 1.05)?;
        c.faster += usize::from(usual.verdict == Speedup::Faster);
        c.slower += usize::from(usual.verdict == Speedup::Slower);
        c.strict_faster += usize::from(strict.verdict == Speedup::Faster);
        c.strict_slower += usize::from(strict.verdict == Speedup::Slower);
        c.half_widths.push(50.0 * (usual.interval.1 - usual.interval.0) / usual.speedup);
        c.offsets.push(100.0 * usual.speedup.ln().abs());
        eprintln!("{machine} trial {}/{}: {}", trial + 1, args.trials, shown(&usual));
    }
    c.elapsed = started.elapsed();
    c.load.1 = loadavg();
    Ok(c)
}

/// The detection table on one machine state: per variant (rows) and pair count (columns),
/// the trials in which the base was called faster than the variant, those calling it slower,
/// and the speed-ups measured.
struct Detection {
    machine: &'static str,
    detected: Vec<Vec<usize>>,
    wrong_way: Vec<Vec<usize>>,
    speedups: Vec<Vec<Vec<f64>>>,
    load: (String, String),
    elapsed: Duration,
}

fn detection(
    machine: &'static str,
    base: &Path,
    variants: &[(u32, PathBuf)],
    args: &Args,
    spinners: usize,
) -> anyhow::Result<Detection> {
    let load_before = loadavg();
    let _load = (spinners > 0).then(|| Load::start(spinners));
    let started = Instant::now();
    let (rows, cols) = (variants.len(), args.detect_pairs.len());
    let mut d = Detection {
        machine,
        detected: vec![vec![0; cols]; rows],
        wrong_way: vec![vec![0; cols]; rows],
        speedups: vec![vec![Vec::new(); cols]; rows],
        load: (load_before, String::new()),
        elapsed: Duration::ZERO,
    };
    // Trial k of every cell before trial k + 1 of any: the machine's drift falls on all
    // cells alike.
    for k in 0..args.detect_trials {
        for (r, (more, variant)) in variants.iter().enumerate() {
            for (p, &pairs) in args.detect_pairs.iter().enumerate() {
                // The variant is the reference, the base the candidate: detected when the base
                // is called faster, the claim a search makes of its winner.
                let t = timed(variant, base, pairs)?;
                let c = compared(&t, CONFIDENCE, 1.0)?;
                d.detected[r][p] += usize::from(c.verdict == Speedup::Faster);
                d.wrong_way[r][p] += usize::from(c.verdict == Speedup::Slower);
                d.speedups[r][p].push(c.speedup);
                eprintln!(
                    "{machine} detection {}/{}: +{more}% at {pairs} pairs: {}",
                    k + 1,
                    args.detect_trials,
                    shown(&c)
                );
            }
        }
    }
    d.elapsed = started.elapsed();
    d.load.1 = loadavg();
    Ok(d)
}

fn print_claims(rows: &[Claims], pairs: usize) {
    println!(
        "\nFalse claims between identical binaries ({pairs} pairs a trial; at the search's 95% \
         above 1.0, and at 99% above 1.05):\n"
    );
    println!(
        "| machine | trials | claimed faster | claimed slower | either | faster, 95% CI | \
         either, 95% CI | at 99% > 1.05 | median \\|ln speed-up\\| | median 95% half-width | \
         load avg | wall s |"
    );
    println!("|---|---:|---:|---:|---:|---|---|---|---:|---:|---|---:|");
    for c in rows {
        let (fl, fh) = wilson(c.faster, c.trials);
        let (el, eh) = wilson(c.faster + c.slower, c.trials);
        println!(
            "| {} | {} | {} ({}) | {} ({}) | {} ({}) | {fl:.1}–{fh:.1}% | {el:.1}–{eh:.1}% | \
             {} faster, {} slower | {:.2}% | {:.2}% | {} → {} | {} |",
            c.machine,
            c.trials,
            c.faster,
            pct(c.faster, c.trials),
            c.slower,
            pct(c.slower, c.trials),
            c.faster + c.slower,
            pct(c.faster + c.slower, c.trials),
            c.strict_faster,
            c.strict_slower,
            median(c.offsets.clone()),
            median(c.half_widths.clone()),
            c.load.0,
            c.load.1,
            secs(c.elapsed),
        );
    }
    for c in rows.iter().filter(|c| c.not_one_run > 0) {
        println!(
            "\n{}: {} trials measured more than one run per sample (a run below the floor)",
            c.machine, c.not_one_run
        );
    }
}

fn print_detection(d: &Detection, variants: &[(u32, PathBuf)], args: &Args) {
    let n = args.detect_trials;
    println!(
        "\nDetection, machine {} ({n} trials a cell; the base called faster than a variant doing \
         more work, at 95% above 1.0; in brackets the median speed-up measured):\n",
        d.machine
    );
    let head: Vec<String> = args.detect_pairs.iter().map(|p| format!("{p} pairs")).collect();
    println!("| more work | {} |", head.join(" | "));
    println!("|---|{}", "---:|".repeat(head.len()));
    for (r, (more, _)) in variants.iter().enumerate() {
        let cells: Vec<String> = (0..head.len())
            .map(|p| {
                let wrong = match d.wrong_way[r][p] {
                    0 => String::new(),
                    w => format!(", {w} the wrong way"),
                };
                format!("{}/{n} ({:.3}{wrong})", d.detected[r][p], median(d.speedups[r][p].clone()))
            })
            .collect();
        println!("| +{more}% | {} |", cells.join(" | "));
    }
    // The smallest extra work detected in at least 90% of its trials, as was every larger
    // one (the rows are sorted by extra work).
    let smallest: Vec<String> = (0..head.len())
        .map(|p| {
            let detected = |r: usize| d.detected[r][p] as f64 >= DETECTED * n as f64;
            let mut found = None;
            for r in (0..variants.len()).rev() {
                if !detected(r) {
                    break;
                }
                found = Some(variants[r].0);
            }
            found.map_or_else(|| "none".into(), |more| format!("**+{more}%**"))
        })
        .collect();
    println!("| smallest detected in ≥ 90% | {} |", smallest.join(" | "));
    println!("\nload avg {} → {}, {} s", d.load.0, d.load.1, secs(d.elapsed));
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.trials == 0 || args.pairs < 2 || args.detect_pairs.iter().any(|&p| p < 2) {
        bail!("--trials must be at least 1 and every pair count at least 2");
    }
    let mut more_work = args.more_work.clone();
    more_work.sort();
    more_work.dedup();
    println!("$ {}", command_line());
    let started = Instant::now();
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let dir = tempfile::tempdir().context("a temporary directory")?;

    // Calibrate the base to about --base-ms of CPU time a run.
    let probe = build(dir.path(), "probe", CALIBRATION_WORK)?;
    let per_iteration = cpu_time(&probe)?.as_secs_f64() / CALIBRATION_WORK as f64;
    if per_iteration <= 0.0 {
        bail!("the calibration run took no CPU time");
    }
    let target = Duration::from_millis(args.base_ms).as_secs_f64();
    let work = ((target / per_iteration) as u64).clamp(CALIBRATION_WORK / 10, 1 << 40);
    let base = build(dir.path(), "base", work)?;
    let copy = dir.path().join("base-copy");
    std::fs::copy(&base, &copy).context("copying the base")?;
    if std::fs::read(&base).context("reading the base")?
        != std::fs::read(&copy).context("reading its copy")?
    {
        bail!("the copy differs from the base");
    }
    let base_cpu = cpu_time(&base)?;
    let variants: Vec<(u32, PathBuf)> = more_work
        .iter()
        .map(|&m| {
            Ok((m, build(dir.path(), &format!("more{m}"), work * (100 + u64::from(m)) / 100)?))
        })
        .collect::<anyhow::Result<_>>()?;
    println!(
        "\nbase: {work} iterations, {:.1} ms of CPU time a run (median of 6); {cpus} CPUs; \
         clang-22 -O2",
        base_cpu.as_secs_f64() * 1e3
    );

    let idle = false_claims("idle", &base, &copy, &args, 0)?;
    let loaded = false_claims("loaded", &base, &copy, &args, cpus)?;
    print_claims(&[idle, loaded], args.pairs);

    let d = detection("idle", &base, &variants, &args, 0)?;
    print_detection(&d, &variants, &args);
    if args.detect_loaded {
        let d = detection("loaded", &base, &variants, &args, cpus)?;
        print_detection(&d, &variants, &args);
    }
    println!("\nin {} s", secs(started.elapsed()));
    Ok(())
}
