//! Candidates per second: `opm-driver optimize` against the script a user would write
//! with LLVM's own tools, over the same candidates at the same parallelism.
//!
//! The candidates are the six presets (`default<O0>` … `default<Oz>`) plus `--random K`
//! pipelines of 1–40 catalog passes drawn with a fixed seed, on every corpus program
//! (compiled with `clang-22 -O1 -Xclang -disable-llvm-passes`).
//!
//! - baseline: per candidate, `opt -passes=P -verify-each -S prog.ll`, its output piped
//!   into `llc -O2 -relocation-model=pic -filetype=obj`; the instructions are counted in
//!   opt's text, the `.text` bytes read from the object with the `object` crate. `--jobs`
//!   candidates at a time.
//! - ours: per program, `opm-driver optimize prog.ll --objective instcount --strategy
//!   presets --pipeline P… --jobs J --quiet --signals FILE`; the candidates are the lines of FILE.
//!   Ours runs each program (a reference run, and a run of each candidate that would become
//!   the best); "ours --no-run" does not, which is the baseline's work plus the checks of
//!   the canonical IR after every step
//!   (kept in `target/throughput-signals/PROGRAM.jsonl`).
//!
//! The sides take turns by groups of ten programs (baseline, ours, ours --no-run on one group,
//! then the next), so that the machine's drift in speed over minutes meets every side alike;
//! the baseline keeps its `--jobs` busy across a group's candidates.
//!
//! With `--efficiency`, instead: ours' parallel efficiency, per program `--jobs 1` held to one
//! core against `--jobs J` held to J cores (and `--jobs 1` on J cores, for comparison), with
//! runs and with `--no-run`. With `--versus PATH`, instead: ours against another build of
//! the driver, paired per program (`--objective runtime` times every candidate instead).
//!
//! `cargo run --release -p opm-bench --bin throughput [-- --jobs 2 --random 14 --programs a,b]`
//! (build the driver first: `cargo build --release -p opm-cli`).

use anyhow::Context;
use clap::Parser;
use opm_bench::{
    Exit, Program, SplitMix64, command_line, count_ir_instructions, driver, last_line, llvm_tool,
    par_map, parse_duration, presets, random_pipeline, read_signals, run_tool, search_inputs,
    search_passes, secs, text_bytes,
};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(about = "Candidates per second: opm-driver optimize against opt | llc")]
struct Args {
    /// Candidates evaluated at once, on each side.
    #[arg(long, default_value_t = 2)]
    jobs: usize,
    /// Random pipelines added to the six presets.
    #[arg(long, default_value_t = 14)]
    random: usize,
    /// Longest random pipeline, in passes.
    #[arg(long, default_value_t = 40)]
    max_len: usize,
    /// Seed of the random pipelines.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Only these corpus programs (comma-separated names).
    #[arg(long, value_delimiter = ',')]
    programs: Vec<String>,
    /// The baseline's time limit per tool run (as `timeout` would be in a script).
    #[arg(long, default_value = "60s", value_parser = parse_duration)]
    timeout: Duration,
    /// Only a third of the programs, by the size of their input (its instruction count):
    /// the smallest, middle or largest ten of the thirty.
    #[arg(long, value_parser = ["smallest", "middle", "largest"])]
    third: Option<String>,
    /// Run one side only ("ours" is both of ours).
    #[arg(long, value_parser = ["both", "baseline", "ours"], default_value = "both")]
    side: String,
    /// Instead of the sides above, ours' parallel efficiency: per program, `--jobs 1` on one
    /// core against `--jobs J` on J cores (each search held to its cores, the runs of the
    /// program included), with runs and with `--no-run`, in alternating order.
    #[arg(long)]
    efficiency: bool,
    /// Instead of the sides above, ours (with runs) against another build of the driver at
    /// PATH: per program, the two searches in turn, their order alternating, `--rounds`
    /// times; the wall times summed per round and the ratio. Paired this way, a change of a
    /// few percent shows through the machine's drift.
    #[arg(long, value_name = "PATH")]
    versus: Option<std::path::PathBuf>,
    /// Rounds of `--versus`.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
    /// The searches' objective with `--versus` (the sides above and `--efficiency` count
    /// instructions, as the baseline does): `runtime` times every candidate's runs.
    #[arg(long, value_parser = ["instcount", "runtime"], default_value = "instcount")]
    objective: String,
}

/// Where the candidates of one of our sides spent their time, in milliseconds.
#[derive(Default)]
struct Spent {
    all: f64,
    passes: f64,
    checks: f64,
    codegen: f64,
}

impl Spent {
    fn add(&mut self, s: &opm_bench::Signal) {
        self.all += s.ms as f64;
        self.passes += s.pass_ms;
        self.checks += s.check_ms;
        self.codegen += s.codegen_ms;
    }

    fn text(&self) -> String {
        let rest = self.all - self.passes - self.checks - self.codegen;
        format!(
            "{:.1} s in all: LLVM's passes with the verifier {:.1} s, import and checks of the \
             canonical IR {:.1} s, code generation {:.1} s, the rest {:.1} s",
            self.all / 1e3,
            self.passes / 1e3,
            self.checks / 1e3,
            self.codegen / 1e3,
            rest / 1e3
        )
    }
}

/// How many programs each side runs before the next side's turn.
const GROUP: usize = 10;

/// What the baseline made of one candidate.
struct BaselineRun {
    opt: Exit,
    llc: Option<Exit>,
    instcount: Option<usize>,
    text_bytes: Option<u64>,
    /// The last line of the failing tool's stderr.
    error: String,
}

#[derive(Default)]
struct Tally {
    candidates: usize,
    ok: usize,
    crashes: usize,
    timeouts: usize,
    other: usize,
    wall: Duration,
}

impl Tally {
    fn add(&mut self, t: Tally) {
        self.candidates += t.candidates;
        self.ok += t.ok;
        self.crashes += t.crashes;
        self.timeouts += t.timeouts;
        self.other += t.other;
        self.wall += t.wall;
    }
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let jobs = args.jobs.max(1);
    let opt = llvm_tool("opt")?;
    let llc = llvm_tool("llc")?;
    let driver = if args.side == "baseline" { None } else { Some(driver()?) };

    let mut rng = SplitMix64::new(args.seed);
    let passes = search_passes();
    anyhow::ensure!(!passes.is_empty(), "the pass catalog has no search passes");
    let random: Vec<String> =
        (0..args.random).map(|_| random_pipeline(&mut rng, &passes, args.max_len)).collect();
    let pipelines: Vec<String> = presets().into_iter().chain(random.iter().cloned()).collect();

    let dir = tempfile::tempdir()?;
    let mut programs = search_inputs(dir.path(), &args.programs, jobs)?;
    if let Some(third) = &args.third {
        programs = third_by_size(programs, third)?;
    }

    println!("$ {}", command_line());
    anyhow::ensure!(
        args.objective == "instcount" || args.versus.is_some(),
        "--objective {} is for --versus: the baseline counts instructions",
        args.objective
    );
    if args.efficiency {
        let driver = driver.context("the efficiency needs the driver")?;
        return efficiency(&driver, &programs, &random, pipelines.len(), jobs);
    }
    if let Some(other) = &args.versus {
        let driver = driver.context("--versus needs the driver")?;
        let drivers = [driver.as_path(), other.as_path()];
        let rounds = args.rounds.max(1);
        return versus(drivers, &programs, &random, pipelines.len(), jobs, rounds, &args.objective);
    }
    println!(
        "{} programs x {} pipelines ({} presets + {} random of 1-{} passes, seed {}), {} jobs",
        programs.len(),
        pipelines.len(),
        pipelines.len() - random.len(),
        random.len(),
        args.max_len,
        args.seed,
        jobs
    );
    println!(
        "baseline: opt -passes=P -verify-each -S prog.ll | llc -O2 -relocation-model=pic \
         -filetype=obj; instructions counted in opt's text by a line counter, .text bytes \
         read from the object with the `object` crate; {} candidates at a time",
        jobs
    );
    println!(
        "ours:     opm-driver optimize prog.ll --objective instcount --strategy presets \
         --pipeline P... --jobs {jobs} --quiet --signals FILE, one program after the other \
         (besides, the driver builds and runs each program for its reference output, \
         and builds and runs its winner to compare outputs)"
    );
    println!("ours --no-run: the same with --no-run: the program is never run, as in the baseline");
    println!(
        "the sides take turns by groups of {GROUP} programs: baseline, ours, ours --no-run on \
         one group, then the next"
    );
    println!();

    // A group of programs at a time, each side in turn on it: the machine's speed drifts
    // over minutes, and this way every side meets the same drift.
    let sides = [("ours", None), ("ours --no-run", Some("--no-run"))];
    let mut baseline_tally = Tally::default();
    let mut baseline_results = HashMap::new();
    let mut ours_tallies: Vec<Tally> = sides.iter().map(|_| Tally::default()).collect();
    let mut ours_verdicts = Verdicts::new();
    let mut ours_signals = Vec::new();
    let mut spent: Vec<Spent> = sides.iter().map(|_| Spent::default()).collect();
    for group in programs.chunks(GROUP) {
        if args.side != "ours" {
            let (tally, results) = baseline(group, &pipelines, &opt, &llc, jobs, args.timeout)?;
            baseline_tally.add(tally);
            baseline_results.extend(results);
        }
        let Some(driver) = &driver else { continue };
        for (((side, extra), total), spent) in sides.iter().zip(&mut ours_tallies).zip(&mut spent) {
            let signals_dir = opm_bench::target_dir()
                .join("throughput-signals")
                .join(if extra.is_some() { "no-run" } else { "run" });
            std::fs::create_dir_all(&signals_dir)
                .with_context(|| signals_dir.display().to_string())?;
            let run = Ours {
                driver,
                random: &random,
                jobs,
                cores: None,
                dir: &signals_dir,
                objective: "instcount",
            };
            let (tally, verdicts, signals) =
                run.run(group, pipelines.len(), *extra).with_context(|| side.to_string())?;
            total.add(tally);
            for (_, s) in &signals {
                spent.add(s);
            }
            if extra.is_none() {
                for (verdict, n) in verdicts {
                    *ours_verdicts.entry(verdict).or_default() += n;
                }
                ours_signals.extend(signals);
            }
        }
    }
    let mut rows: Vec<(&str, Tally)> = Vec::new();
    if args.side != "ours" {
        rows.push(("baseline", baseline_tally));
    }
    if driver.is_some() {
        rows.extend(sides.iter().map(|(side, _)| *side).zip(ours_tallies));
    }
    for (side, tally) in &rows {
        eprintln!("{side}: {} candidates in {} s", tally.candidates, secs(tally.wall));
    }
    // Candidates ok on both sides; with the same instruction count; with code generated on
    // our side (only what could become the best is compiled to an object for the
    // instruction-count objective); with the same .text bytes.
    let mut agreement = (0, 0, 0, 0);
    for (program, s) in &ours_signals {
        let key = (program.clone(), s.pipeline.clone());
        let Some(b) = baseline_results.get(&key) else { continue };
        if s.verdict != "ok" || b.instcount.is_none() {
            continue;
        }
        agreement.0 += 1;
        agreement.1 += usize::from(s.instcount == b.instcount.map(|c| c as u64));
        if s.text_bytes.is_some() {
            agreement.2 += 1;
            agreement.3 += usize::from(s.text_bytes == b.text_bytes);
        }
    }

    println!(
        "{:<14} {:>10} {:>6} {:>8} {:>9} {:>7} {:>8} {:>8}",
        "side", "candidates", "ok", "crashes", "timeouts", "other", "wall s", "cand/s"
    );
    for (side, t) in &rows {
        println!(
            "{:<14} {:>10} {:>6} {:>8} {:>9} {:>7} {:>8} {:>8.2}",
            side,
            t.candidates,
            t.ok,
            t.crashes,
            t.timeouts,
            t.other,
            secs(t.wall),
            rate(t)
        );
    }
    if let [(_, b), ours @ ..] = rows.as_slice()
        && rows[0].0 == "baseline"
    {
        println!();
        for (side, o) in ours {
            println!("{side}/baseline, candidates per second: {:.2}", rate(o) / rate(b));
        }
    }
    println!(
        "\ncrashes: baseline = opt ended by a signal or with a nonzero status other than a \
         rejected pipeline; ours = verdict \"crash\". other: baseline = llc failed or the \
         pipeline was rejected; ours = verdicts other than ok/crash/timeout."
    );
    if driver.is_some() {
        println!(
            "\nwhere ours' candidates spend their time, summed from the signals (from each \
             candidate's start to its end; the rest: the worker's round trip, its fork, the \
             identity):"
        );
        for ((side, _), s) in sides.iter().zip(&spent) {
            println!("{side}: {}", s.text());
        }
    }
    if !ours_verdicts.is_empty() {
        let list: Vec<String> = ours_verdicts.iter().map(|(v, n)| format!("{v} {n}")).collect();
        println!("ours, verdicts: {}", list.join(", "));
    }
    let failures = failures_file(&baseline_results, &ours_signals)?;
    println!("failed candidates: {}", failures.display());
    if agreement.0 > 0 {
        println!(
            "ok on both sides: {} candidates; same instruction count {}; of the {} compiled to an \
             object by ours, same .text bytes {}",
            agreement.0, agreement.1, agreement.2, agreement.3
        );
    }
    Ok(())
}

/// Lists the candidates that did not end well on either side in `target/`.
fn failures_file(
    baseline: &BaselineResults,
    ours: &[ProgramSignal],
) -> anyhow::Result<std::path::PathBuf> {
    use std::fmt::Write as _;
    let mut text = String::new();
    let mut base: Vec<_> = baseline.iter().collect();
    base.sort_by(|a, b| a.0.cmp(b.0));
    for ((program, pipeline), r) in base {
        if r.opt.success() && r.llc.is_some_and(Exit::success) {
            continue;
        }
        let what = match (r.opt, r.llc) {
            (Exit::Code(0), Some(e)) => format!("llc {e:?}"),
            (e, _) => format!("opt {e:?}"),
        };
        writeln!(text, "baseline\t{program}\t{what}\t{pipeline}\t{}", r.error)?;
    }
    for (program, s) in ours.iter().filter(|(_, s)| s.verdict != "ok") {
        let detail = s.detail.as_deref().unwrap_or("").replace(['\n', '\t'], " ");
        writeln!(text, "ours\t{program}\t{}\t{}\t{detail}", s.verdict, s.pipeline)?;
    }
    let dir = opm_bench::target_dir();
    std::fs::create_dir_all(&dir).with_context(|| dir.display().to_string())?;
    let file = dir.join("throughput-failures.tsv");
    std::fs::write(&file, text).with_context(|| file.display().to_string())?;
    Ok(file)
}

fn rate(t: &Tally) -> f64 {
    t.candidates as f64 / t.wall.as_secs_f64().max(1e-9)
}

type BaselineResults = HashMap<(String, String), BaselineRun>;

/// The baseline: opt then llc per candidate, `jobs` candidates at a time.
fn baseline(
    programs: &[Program],
    pipelines: &[String],
    opt: &Path,
    llc: &Path,
    jobs: usize,
    timeout: Duration,
) -> anyhow::Result<(Tally, BaselineResults)> {
    let work: Vec<(&Program, &String)> =
        programs.iter().flat_map(|p| pipelines.iter().map(move |q| (p, q))).collect();
    let start = Instant::now();
    let runs = par_map(&work, jobs, |(program, pipeline)| -> anyhow::Result<BaselineRun> {
        let mut cmd = Command::new(opt);
        cmd.arg(format!("-passes={pipeline}")).args(["-verify-each", "-S"]).arg(&program.ll);
        let o = run_tool(&mut cmd, &[], timeout)?;
        if !o.exit.success() {
            return Ok(BaselineRun {
                opt: rejected(o.exit, &o.stderr),
                llc: None,
                instcount: None,
                text_bytes: None,
                error: last_line(&o.stderr),
            });
        }
        let text = String::from_utf8_lossy(&o.stdout);
        let instcount = count_ir_instructions(&text);
        let mut cmd = Command::new(llc);
        cmd.args(["-O2", "-relocation-model=pic", "-filetype=obj", "-o", "-", "-"]);
        let l = run_tool(&mut cmd, &o.stdout, timeout)?;
        let text_bytes = if l.exit.success() {
            Some(text_bytes(&l.stdout).context("reading llc's object")?)
        } else {
            None
        };
        Ok(BaselineRun {
            opt: o.exit,
            llc: Some(l.exit),
            instcount: Some(instcount),
            text_bytes,
            error: if l.exit.success() { String::new() } else { last_line(&l.stderr) },
        })
    });
    let wall = start.elapsed();
    let mut tally = Tally { candidates: work.len(), wall, ..Tally::default() };
    let mut results = HashMap::new();
    for ((program, pipeline), run) in work.iter().zip(runs) {
        let run = run?;
        match (run.opt, run.llc) {
            (Exit::Code(0), Some(Exit::Code(0))) => tally.ok += 1,
            (Exit::Code(0), _) | (Exit::Code(REJECTED), _) => tally.other += 1,
            (Exit::TimedOut, _) => tally.timeouts += 1,
            _ => tally.crashes += 1,
        }
        results.insert((program.name.clone(), (*pipeline).clone()), run);
    }
    Ok((tally, results))
}

/// The smallest, middle or largest third of `programs` by their input's instruction count.
fn third_by_size(programs: Vec<Program>, third: &str) -> anyhow::Result<Vec<Program>> {
    let mut sized = Vec::new();
    for p in programs {
        let text = std::fs::read_to_string(&p.ll).with_context(|| p.ll.display().to_string())?;
        sized.push((count_ir_instructions(&text), p));
    }
    sized.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
    let n = sized.len().div_ceil(3);
    let skip = match third {
        "smallest" => 0,
        "middle" => n,
        _ => 2 * n,
    };
    let chosen: Vec<Program> = sized.into_iter().skip(skip).take(n).map(|(_, p)| p).collect();
    let names: Vec<&str> = chosen.iter().map(|p| p.name.as_str()).collect();
    println!("the {third} third by input size: {}", names.join(", "));
    Ok(chosen)
}

/// A stand-in status for a pipeline that opt refused to parse (not a crash).
const REJECTED: i32 = -2;

fn rejected(exit: Exit, stderr: &[u8]) -> Exit {
    let err = String::from_utf8_lossy(stderr);
    if exit == Exit::Code(1) && err.contains("unknown pass name") {
        Exit::Code(REJECTED)
    } else {
        exit
    }
}

type Verdicts = BTreeMap<String, usize>;

/// A signal and the program it belongs to.
type ProgramSignal = (String, opm_bench::Signal);

/// Ours: one `opm-driver optimize` run per program.
struct Ours<'a> {
    driver: &'a Path,
    /// The pipelines given with `--pipeline` (the presets come with the strategy).
    random: &'a [String],
    jobs: usize,
    /// The CPUs each search (and every process it starts) is held to, if any.
    cores: Option<&'a [usize]>,
    /// Where the signals go, one file per program.
    dir: &'a Path,
    /// The searches' `--objective`.
    objective: &'a str,
}

impl Ours<'_> {
    fn run(
        &self,
        programs: &[Program],
        per_program: usize,
        extra: Option<&str>,
    ) -> anyhow::Result<(Tally, Verdicts, Vec<ProgramSignal>)> {
        let Ours { driver, random, jobs, cores, dir, objective } = *self;
        let mut tally = Tally::default();
        let mut verdicts = Verdicts::new();
        let mut signals = Vec::new();
        let mut failed_runs = Vec::new();
        let start = Instant::now();
        for program in programs {
            let file = dir.join(format!("{}.jsonl", program.name));
            let _ = std::fs::remove_file(&file);
            let mut cmd = Command::new(driver);
            cmd.arg("optimize").arg(&program.ll).args([
                "--objective",
                objective,
                "--strategy",
                "presets",
            ]);
            for p in random {
                cmd.arg("--pipeline").arg(p);
            }
            cmd.args(["--jobs", &jobs.to_string(), "--quiet", "--signals"]).arg(&file);
            cmd.args(extra);
            if let Some(cores) = cores {
                hold_to(&mut cmd, cores);
            }
            let out = cmd.output().with_context(|| format!("running {}", driver.display()))?;
            let stderr = String::from_utf8_lossy(&out.stderr);
            if !out.status.success() || stderr.contains("panicked") {
                failed_runs.push(format!(
                    "{}: {}\n{}",
                    program.name,
                    out.status,
                    stderr.trim_end()
                ));
            }
            for s in read_signals(&file)? {
                *verdicts.entry(s.verdict.clone()).or_default() += 1;
                signals.push((program.name.clone(), s));
            }
        }
        tally.wall = start.elapsed();
        tally.candidates = signals.len();
        for (_, s) in &signals {
            match s.verdict.as_str() {
                "ok" => tally.ok += 1,
                "crash" => tally.crashes += 1,
                "timeout" => tally.timeouts += 1,
                _ => tally.other += 1,
            }
        }
        let expected = per_program * programs.len();
        if tally.candidates != expected {
            eprintln!(
                "note: ours recorded {} candidates where {} were asked for",
                tally.candidates, expected
            );
        }
        for f in &failed_runs {
            eprintln!("opm-driver failed on {f}");
        }
        anyhow::ensure!(failed_runs.is_empty(), "{} opm-driver runs failed", failed_runs.len());
        Ok((tally, verdicts, signals))
    }
}

/// Holds the process `cmd` starts, and every process that one starts, to the CPUs `cores`.
fn hold_to(cmd: &mut Command, cores: &[usize]) {
    use std::os::unix::process::CommandExt;
    // SAFETY: a cpu_set_t is a plain bit set, zeroed and filled before the fork; the child
    // only makes the sched_setaffinity system call, which is async-signal-safe.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    for &c in cores {
        unsafe { libc::CPU_SET(c, &mut set) };
    }
    unsafe {
        cmd.pre_exec(move || {
            if libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// The CPUs this process may run on, in order.
fn allowed_cores() -> anyhow::Result<Vec<usize>> {
    // SAFETY: sched_getaffinity fills the zeroed set it is given, of the size given.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    let got =
        unsafe { libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) };
    anyhow::ensure!(got == 0, "sched_getaffinity: {}", std::io::Error::last_os_error());
    let n = 8 * std::mem::size_of::<libc::cpu_set_t>();
    Ok((0..n).filter(|&c| unsafe { libc::CPU_ISSET(c, &set) }).collect())
}

/// Ours with one driver against ours with another (`--versus`): per program, one search with
/// each, in an order that alternates with the program and the round, `rounds` times; the wall
/// times summed per round, and the second's over the first's.
fn versus(
    drivers: [&Path; 2],
    programs: &[Program],
    random: &[String],
    per_program: usize,
    jobs: usize,
    rounds: usize,
    objective: &str,
) -> anyhow::Result<()> {
    println!(
        "{} programs x {per_program} pipelines; ours with runs, --objective {objective} --jobs \
         {jobs}, A = {}, B = {}; per program the two in turn, A first on even programs of even \
         rounds",
        programs.len(),
        drivers[0].display(),
        drivers[1].display()
    );
    println!("\n{:<8} {:>8} {:>8} {:>7}", "round", "A s", "B s", "B/A");
    let dir = tempfile::tempdir()?;
    let mut all = [Duration::ZERO; 2];
    for round in 0..rounds {
        let mut wall = [Duration::ZERO; 2];
        for (i, program) in programs.iter().enumerate() {
            for k in 0..2 {
                let d = (i + round + k) % 2;
                let run = Ours {
                    driver: drivers[d],
                    random,
                    jobs,
                    cores: None,
                    dir: dir.path(),
                    objective,
                };
                let (tally, ..) = run
                    .run(std::slice::from_ref(program), per_program, None)
                    .with_context(|| format!("{} on {}", drivers[d].display(), program.name))?;
                wall[d] += tally.wall;
            }
        }
        let ratio = wall[1].as_secs_f64() / wall[0].as_secs_f64().max(1e-9);
        println!("{:<8} {:>8} {:>8} {:>7.3}", round + 1, secs(wall[0]), secs(wall[1]), ratio);
        all[0] += wall[0];
        all[1] += wall[1];
    }
    let ratio = all[1].as_secs_f64() / all[0].as_secs_f64().max(1e-9);
    println!("{:<8} {:>8} {:>8} {:>7.3}", "all", secs(all[0]), secs(all[1]), ratio);
    Ok(())
}

/// Ours' parallel efficiency from one job to `jobs`, with runs and with `--no-run`: per
/// program, the search with `--jobs 1` held to one core, with `--jobs J` held to J cores,
/// and (for comparison) with `--jobs 1` on the J cores, in an order that turns with each
/// program so that the machine's drift meets every setting alike.
fn efficiency(
    driver: &Path,
    programs: &[Program],
    random: &[String],
    per_program: usize,
    jobs: usize,
) -> anyhow::Result<()> {
    let cores = allowed_cores()?;
    anyhow::ensure!(
        jobs >= 2 && cores.len() >= jobs,
        "the efficiency needs --jobs 2 or more and as many CPUs (this process may use {})",
        cores.len()
    );
    let (one, all) = (&cores[..1], &cores[..jobs]);
    println!(
        "{} programs x {per_program} pipelines; ours: opm-driver optimize prog.ll --objective \
         instcount --strategy presets --pipeline P... --jobs N --quiet, held to CPUs with \
         sched_setaffinity (the program's runs too)",
        programs.len()
    );
    println!(
        "per program, in turn: --jobs 1 on CPU {}, --jobs {jobs} on CPUs {:?}, --jobs 1 on \
         CPUs {:?}; efficiency = time with one job on one core / ({jobs} x time with {jobs} jobs \
         on {jobs} cores)\n",
        one[0], all, all
    );
    let settings: [(usize, &[usize]); 3] = [(1, one), (jobs, all), (1, all)];
    let dir = tempfile::tempdir()?;
    println!(
        "{:<14} {:>16} {:>18} {:>16} {:>11}",
        "side",
        "1 job, 1 core s",
        format!("{jobs} jobs, {jobs} cores s"),
        format!("1 job, {jobs} cores s"),
        "efficiency"
    );
    for (side, extra) in [("ours", None), ("ours --no-run", Some("--no-run"))] {
        let mut wall = [Duration::ZERO; 3];
        for (i, program) in programs.iter().enumerate() {
            for k in 0..settings.len() {
                let s = (i + k) % settings.len();
                let (jobs, cores) = settings[s];
                let run = Ours {
                    driver,
                    random,
                    jobs,
                    cores: Some(cores),
                    dir: dir.path(),
                    objective: "instcount",
                };
                let (tally, ..) = run
                    .run(std::slice::from_ref(program), per_program, extra)
                    .with_context(|| format!("{side} on {}", program.name))?;
                wall[s] += tally.wall;
            }
        }
        let eff = wall[0].as_secs_f64() / (jobs as f64 * wall[1].as_secs_f64().max(1e-9));
        println!(
            "{:<14} {:>16} {:>18} {:>16} {:>10.0}%",
            side,
            secs(wall[0]),
            secs(wall[1]),
            secs(wall[2]),
            100.0 * eff
        );
    }
    Ok(())
}
