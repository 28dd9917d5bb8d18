//! Compile time and run time of the corpus through Cranelift beside LLVM, in one run, as
//! ratios.
//!
//! The common input of both backends is clang's -O2 IR (`clang-22 -O2 -S -emit-llvm`): the
//! middle end has already run, so the comparison is mostly of the code generators. Per
//! program:
//!
//! - compile: in this process, from the same loaded canonical module, the time from the module
//!   to an object: `opm_cranelift::compile_to_object` with `opt_level=speed` (lowering to CLIF,
//!   Cranelift's passes and code generation) against `opm_llvm::compile_to_object` with
//!   `default<O2>` (building the LLVM module, the O2 passes and LLVM's code generation),
//!   `--reps` times each, alternating (ABBA…); the median. Parsing, import, verification and
//!   linking are the same on both sides and left out.
//! - build: `opm-driver compile prog.ll -o EXE --backend cranelift|llvm --pipeline …`.
//! - check: each executable runs once; its output and exit status are compared with clang
//!   -O2's own build. A side that does not build or prints something else is reported, and
//!   the program is not timed.
//! - run: each executable `--runs` times, alternating, one run at a time (never
//!   overlapping), standard output discarded; the median wall time.
//!
//! The table shows llvm/cranelift for compile time (above 1: Cranelift compiles faster) and
//! cranelift/llvm for run time (above 1: Cranelift's code is slower), and their geomeans
//! over the programs timed.
//!
//! `--input` gives clang other flags for the common input (`-O1 -Xclang
//! -disable-llvm-passes`: unoptimised IR, every local in an `alloca`), and
//! `--cranelift-baseline P` adds a third side, Cranelift with the settings `P`, built,
//! checked and timed in the same rounds, with the ratios cranelift/baseline of run time and
//! baseline/cranelift of compile time (above 1: the baseline is slower).
//!
//! `cargo run --release -p opm-bench --bin cranelift-vs-llvm [-- --reps 5 --runs 5
//! --programs a,b]` (build the driver first: `cargo build --release -p opm-cli`).

use anyhow::Context;
use clap::Parser;
use opm_bench::{
    chosen_programs, command_line, driver, emit_ir_with, geomean, median, ms, output_differs,
    parse_duration, ratio, reference_output, run_tool, shell_quote, time_round_robin,
};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(about = "Compile time and run time of the corpus: Cranelift against LLVM")]
struct Args {
    /// Compilations per program and backend (the median is shown).
    #[arg(long, default_value_t = 5)]
    reps: usize,
    /// Timed runs per program and backend (the median is shown).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Only these corpus programs (comma-separated names).
    #[arg(long, value_delimiter = ',')]
    programs: Vec<String>,
    /// Cranelift's settings (`--pipeline` of `--backend cranelift`).
    #[arg(long, default_value = "opt_level=speed")]
    cranelift_pipeline: String,
    /// LLVM's pipeline (`--pipeline` of `--backend llvm`).
    #[arg(long, default_value = "default<O2>")]
    llvm_pipeline: String,
    /// clang's flags for the common input, besides `-S -emit-llvm` (space-separated).
    #[arg(long, default_value = "-O2", allow_hyphen_values = true)]
    input: String,
    /// A third side: Cranelift with these settings, timed beside the other two.
    #[arg(long)]
    cranelift_baseline: Option<String>,
    /// Time limit of each compilation and of each run.
    #[arg(long, default_value = "120s", value_parser = parse_duration)]
    timeout: Duration,
}

/// One backend as the driver is asked to use it.
struct Side {
    name: &'static str,
    backend: &'static str,
    pipeline: String,
}

impl Side {
    fn compile(&self, driver: &Path, ll: &Path, exe: &Path) -> Command {
        let mut cmd = Command::new(driver);
        cmd.arg("compile").arg(ll).arg("-o").arg(exe);
        cmd.args(["--backend", self.backend, "--pipeline", &self.pipeline]);
        cmd
    }
}

/// What became of one program.
enum Row {
    /// Every side built and printed what clang's build prints: the medians of each side, in
    /// the order of the sides (cranelift, llvm, then the baseline if any).
    Timed { compile: Vec<Duration>, run: Vec<Duration> },
    /// Not timed, and why.
    Skipped(String),
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let driver = driver()?;
    check_cranelift(&driver)?;
    let mut sides = vec![
        Side { name: "cranelift", backend: "cranelift", pipeline: args.cranelift_pipeline.clone() },
        Side { name: "llvm", backend: "llvm", pipeline: args.llvm_pipeline.clone() },
    ];
    if let Some(pipeline) = &args.cranelift_baseline {
        sides.push(Side { name: "baseline", backend: "cranelift", pipeline: pipeline.clone() });
    }
    let baseline = sides.len() > 2;
    let programs = chosen_programs(&args.programs)?;
    let dir = tempfile::tempdir()?;

    println!("$ {}", command_line());
    println!("input: clang-22 {} -S -emit-llvm prog.c (the same IR for every side)", args.input);
    for side in &sides {
        println!(
            "{:<9}: opm-driver compile prog.ll -o EXE --backend {} --pipeline {}",
            side.name,
            side.backend,
            shell_quote(&side.pipeline)
        );
    }
    println!(
        "compile: median of {} in-process compilations per side, alternating, from the loaded \
         canonical module to an object (parsing, import, checks and linking left out)",
        args.reps
    );
    println!(
        "run: median wall time of {} runs per side, alternating, one at a time, after one \
         checked run whose output and exit status must match clang -O2's build",
        args.runs
    );
    println!();
    let (wide, base) = if baseline { (39, " baseline base/cl") } else { (29, "") };
    let (run_base, run_ratio) = if baseline { (" baseline", " cl/base") } else { ("", "") };
    println!("{:<20} {:-^wide$}  {:-^wide$}", "", " compile ms ", " run ms ");
    println!(
        "{:<20} {:>9} {:>9} {:>9}{base}  {:>9} {:>9} {:>9}{run_base}{run_ratio}",
        "program", "cranelift", "llvm", "llvm/cl", "cranelift", "llvm", "cl/llvm"
    );

    let mut rows = Vec::new();
    for (name, src) in &programs {
        let row = measure(&driver, &sides, name, src, dir.path(), &args)?;
        match &row {
            Row::Timed { compile, run } => {
                let mut line = format!(
                    "{:<20} {:>9} {:>9} {:>9.2}",
                    name,
                    ms(compile[0]),
                    ms(compile[1]),
                    ratio(compile[1], compile[0])
                );
                if baseline {
                    line +=
                        &format!(" {:>8} {:>8.2}", ms(compile[2]), ratio(compile[2], compile[0]));
                }
                line += &format!(
                    "  {:>9} {:>9} {:>9.2}",
                    ms(run[0]),
                    ms(run[1]),
                    ratio(run[0], run[1])
                );
                if baseline {
                    line += &format!(" {:>8} {:>7.2}", ms(run[2]), ratio(run[0], run[2]));
                }
                println!("{line}");
            }
            Row::Skipped(why) => println!("{name:<20} not timed: {why}"),
        }
        rows.push(row);
    }

    let (mut compile, mut run, mut compile_base, mut run_base) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for row in &rows {
        if let Row::Timed { compile: c, run: r } = row {
            compile.push(ratio(c[1], c[0]));
            run.push(ratio(r[0], r[1]));
            if baseline {
                compile_base.push(ratio(c[2], c[0]));
                run_base.push(ratio(r[0], r[2]));
            }
        }
    }
    println!();
    match (geomean(&compile), geomean(&run)) {
        (Some(c), Some(r)) => println!(
            "geomean over {} programs: compile time llvm/cranelift {c:.2}, run time \
             cranelift/llvm {r:.2}",
            compile.len()
        ),
        _ => println!("no program was timed"),
    }
    if let (Some(c), Some(r)) = (geomean(&compile_base), geomean(&run_base)) {
        println!(
            "against the baseline ({}): compile time baseline/cranelift {c:.2}, run time \
             cranelift/baseline {r:.2}",
            shell_quote(args.cranelift_baseline.as_deref().unwrap_or(""))
        );
    }
    let skipped = rows.iter().filter(|r| matches!(r, Row::Skipped(_))).count();
    if skipped > 0 {
        println!("{skipped} of {} programs not timed (see above)", rows.len());
    }
    Ok(())
}

/// Fails early, with what to do, when the driver does not know `--backend cranelift`.
fn check_cranelift(driver: &Path) -> anyhow::Result<()> {
    let help = Command::new(driver)
        .args(["compile", "--help"])
        .output()
        .with_context(|| format!("running {}", driver.display()))?;
    if !String::from_utf8_lossy(&help.stdout).contains("cranelift") {
        anyhow::bail!(
            "{} has no Cranelift backend (`compile --backend cranelift`): rebuild it with \
             `cargo build --release -p opm-cli`",
            driver.display()
        );
    }
    Ok(())
}

/// Builds, checks and times one program on both sides.
fn measure(
    driver: &Path,
    sides: &[Side],
    name: &str,
    src: &Path,
    dir: &Path,
    args: &Args,
) -> anyhow::Result<Row> {
    let ll = dir.join(format!("{name}.ll"));
    let input: Vec<&str> = args.input.split_whitespace().collect();
    emit_ir_with(src, &ll, &input)?;
    let reference = reference_output(src, &dir.join(format!("{name}.ref")), args.timeout)?;
    let exes: Vec<_> = sides.iter().map(|s| dir.join(format!("{name}.{}", s.name))).collect();

    // Build every executable through the driver.
    for i in 0..sides.len() {
        let mut cmd = sides[i].compile(driver, &ll, &exes[i]);
        let out = run_tool(&mut cmd, &[], args.timeout)?;
        if !out.exit.success() {
            let err = String::from_utf8_lossy(&out.stderr);
            let last = err.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
            return Ok(Row::Skipped(format!(
                "{} did not compile ({:?}): {}",
                sides[i].name,
                out.exit,
                last.trim()
            )));
        }
    }

    // Compile in this process: alternating A B B A …, so that neither side always goes first.
    let module = opm_llvm::load_file(&ll).with_context(|| format!("loading {}", ll.display()))?;
    let mut compile_times = vec![Vec::new(); sides.len()];
    for rep in 0..args.reps.max(1) {
        let mut order: Vec<usize> = (0..sides.len()).collect();
        if rep % 2 == 1 {
            order.reverse();
        }
        for i in order {
            let start = Instant::now();
            let object = if sides[i].backend == "cranelift" {
                opm_cranelift::compile_to_object(&module, Some(&sides[i].pipeline))
                    .map_err(|e| anyhow::anyhow!("{e}"))
            } else {
                opm_llvm::compile_to_object(
                    &module,
                    Some(&sides[i].pipeline),
                    opm_llvm::CodegenLevel::Default,
                )
                .map_err(|e| anyhow::anyhow!("{e}"))
            };
            let took = start.elapsed();
            let object = object.with_context(|| format!("{} on {name}", sides[i].name))?;
            anyhow::ensure!(!object.is_empty(), "{} produced an empty object", sides[i].name);
            compile_times[i].push(took);
        }
    }

    // Check each executable's output against clang's build before timing it.
    let mut wrong = Vec::new();
    for (side, exe) in sides.iter().zip(&exes) {
        wrong.extend(output_differs(side.name, exe, &reference, args.timeout)?);
    }
    if !wrong.is_empty() {
        return Ok(Row::Skipped(format!("output differs: {}", wrong.join("; "))));
    }

    // Run: alternating, one at a time, output discarded.
    let names: Vec<&str> = sides.iter().map(|s| s.name).collect();
    let run_times = match time_round_robin(&names, &exes, &reference, args.runs)? {
        Ok(t) => t,
        Err(why) => return Ok(Row::Skipped(why)),
    };
    Ok(Row::Timed { compile: compile_times.iter().map(|t| median(t)).collect(), run: run_times })
}
