//! Run time of the corpus through the GCC backend (the canonical IR emitted as C, compiled by
//! gcc -O2 and -O3) beside LLVM (`default<O2>`, `default<O3>`) and beside gcc compiling the
//! original C source, in one run, as ratios.
//!
//! The bridge and LLVM start from the same IR: clang's unoptimised IR without `optnone`
//! (`clang-22 -O1 -Xclang -disable-llvm-passes`), so that each optimiser does all the work.
//! Per program:
//!
//! - build: `opm-driver compile prog.ll -o EXE --backend gcc --pipeline -O2` (and `-O3`),
//!   `--backend llvm --pipeline 'default<O2>'` (and O3), and `gcc -O2 prog.c -lm` (and -O3);
//! - check: each executable runs once; its output and exit status must match clang -O2's own
//!   build, or the program is not timed;
//! - run: every executable `--runs` times, round-robin in a rotating order, one run at a time
//!   (never overlapping), standard output discarded; the median wall time.
//!
//! Ratios above 1 mean the bridge's code is slower: bridge/LLVM at O2 and O3, bridge/gcc-on-C
//! at O2 and O3, and their geomeans.
//!
//! `cargo run --release -p opm-bench --bin gcc-bridge [-- --runs 5 --programs a,b]` (build
//! the driver first: `cargo build --release -p opm-cli`).

use clap::Parser;
use opm_bench::{
    chosen_programs, command_line, driver, emit_ir_with, geomean, last_line, ms, output_differs,
    parse_duration, ratio, reference_output, run_tool, time_round_robin,
};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

#[derive(Parser)]
#[command(about = "Run time of the corpus: the GCC bridge against LLVM and against gcc on C")]
struct Args {
    /// Timed runs per program and build (the median is shown).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Only these corpus programs (comma-separated names).
    #[arg(long, value_delimiter = ',')]
    programs: Vec<String>,
    /// Time limit of each build and of each run.
    #[arg(long, default_value = "300s", value_parser = parse_duration)]
    timeout: Duration,
}

/// The builds compared, in table order.
const BUILDS: [&str; 6] = ["bridge-O2", "llvm-O2", "gcc-O2", "bridge-O3", "llvm-O3", "gcc-O3"];

/// The command that builds `exe` for build `name`.
fn build_command(name: &str, driver: &Path, ll: &Path, src: &Path, exe: &Path) -> Command {
    let (kind, level) = name.split_once('-').unwrap_or((name, "O2"));
    match kind {
        "gcc" => {
            let mut cmd = Command::new("gcc");
            cmd.arg(format!("-{level}")).arg("-w").arg(src).arg("-o").arg(exe).arg("-lm");
            cmd
        }
        _ => {
            let mut cmd = Command::new(driver);
            cmd.arg("compile").arg(ll).arg("-o").arg(exe);
            if kind == "bridge" {
                cmd.args(["--backend", "gcc", "--pipeline", &format!("-{level}")]);
            } else {
                cmd.args(["--backend", "llvm", "--pipeline", &format!("default<{level}>")]);
            }
            cmd
        }
    }
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let driver = driver()?;
    let programs = chosen_programs(&args.programs)?;
    let dir = tempfile::tempdir()?;
    println!("$ {}", command_line());
    println!("input: clang-22 -O1 -Xclang -disable-llvm-passes -S -emit-llvm prog.c");
    println!("bridge-OL: opm-driver compile prog.ll -o EXE --backend gcc --pipeline -OL");
    println!(
        "llvm-OL  : opm-driver compile prog.ll -o EXE --backend llvm --pipeline 'default<OL>'"
    );
    println!("gcc-OL   : gcc -OL prog.c -o EXE -lm (the original C source)");
    println!(
        "run: median wall time of {} runs per build, round-robin, one at a time, after one \
         checked run whose output and exit status must match clang -O2's build",
        args.runs
    );
    println!();
    let head: Vec<String> = BUILDS.iter().map(|b| format!("{b:>9}")).collect();
    println!(
        "{:<20} {}  {:>9} {:>9} {:>9} {:>9}",
        "program (run ms)",
        head.join(" "),
        "br/llvm2",
        "br/gcc2",
        "br/llvm3",
        "br/gcc3"
    );
    let mut ratios: [Vec<f64>; 4] = Default::default();
    let mut skipped = 0;
    for (name, src) in &programs {
        match measure(&driver, name, src, dir.path(), &args)? {
            Ok(t) => {
                let r =
                    [ratio(t[0], t[1]), ratio(t[0], t[2]), ratio(t[3], t[4]), ratio(t[3], t[5])];
                for (all, x) in ratios.iter_mut().zip(r) {
                    all.push(x);
                }
                let cells: Vec<String> = t.iter().map(|d| format!("{:>9}", ms(*d))).collect();
                println!(
                    "{name:<20} {}  {:>9.2} {:>9.2} {:>9.2} {:>9.2}",
                    cells.join(" "),
                    r[0],
                    r[1],
                    r[2],
                    r[3]
                );
            }
            Err(why) => {
                skipped += 1;
                println!("{name:<20} not timed: {why}");
            }
        }
    }
    println!();
    let g: Vec<String> =
        ratios.iter().map(|r| geomean(r).map_or("-".into(), |g| format!("{g:.2}"))).collect();
    println!(
        "geomean over {} programs: bridge/llvm at O2 {}, bridge/gcc-on-C at O2 {}, \
         bridge/llvm at O3 {}, bridge/gcc-on-C at O3 {}",
        ratios[0].len(),
        g[0],
        g[1],
        g[2],
        g[3]
    );
    if skipped > 0 {
        println!("{skipped} of {} programs not timed (see above)", programs.len());
    }
    Ok(())
}

/// Builds, checks and times one program in every build: the median run times in
/// [`BUILDS`] order, or why it was not timed.
fn measure(
    driver: &Path,
    name: &str,
    src: &Path,
    dir: &Path,
    args: &Args,
) -> anyhow::Result<Result<[Duration; 6], String>> {
    let ll = dir.join(format!("{name}.ll"));
    emit_ir_with(src, &ll, &["-O1", "-Xclang", "-disable-llvm-passes"])?;
    let reference = reference_output(src, &dir.join(format!("{name}.ref")), args.timeout)?;
    let mut exes: Vec<PathBuf> = Vec::new();
    for build in BUILDS {
        let exe = dir.join(format!("{name}.{build}"));
        let out = run_tool(&mut build_command(build, driver, &ll, src, &exe), &[], args.timeout)?;
        if !out.exit.success() {
            let last = last_line(&out.stderr);
            return Ok(Err(format!("{build} did not build ({:?}): {last}", out.exit)));
        }
        if let Some(why) = output_differs(build, &exe, &reference, args.timeout)? {
            return Ok(Err(why));
        }
        exes.push(exe);
    }
    let times = match time_round_robin(&BUILDS, &exes, &reference, args.runs)? {
        Ok(t) => t,
        Err(why) => return Ok(Err(why)),
    };
    <[Duration; 6]>::try_from(times).map(Ok).map_err(|_| anyhow::anyhow!("one time per build"))
}
