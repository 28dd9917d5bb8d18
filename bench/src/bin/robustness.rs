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
//!
//! `--backend cranelift|gcc` searches that backend's space (settings, flags); `--csmith N`
//! adds N csmith programs to the corpus's. With `--objective runtime --runs 1` every
//! candidate's output is checked, not only the contenders'. Every miscompile is reduced: the
//! pipeline is cut down (delta debugging over its passes, nests taken apart first) to a
//! smallest one that still builds a program printing otherwise than the build without
//! passes, checked with `opm-driver run`; `reduced.tsv` lists program, pipeline and reduced
//! pipeline, and the table says how far each went, then lists the distinct reduced pipelines.
//! A pipeline containing one already found for the same program is reduced to it without a
//! build. `--reduce-findings` reduces what an earlier campaign in `--out` listed (up to
//! `--reduce`), without searching again.

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
    /// Whose space to search: llvm, cranelift or gcc.
    #[arg(long, default_value = "llvm")]
    backend: String,
    /// csmith programs to add to the corpus's (seeds from 1,500,000 + --seed on; each one
    /// built by clang -O2 and run first, and replaced when it does not exit 0 in 5 s).
    #[arg(long, default_value_t = 0)]
    csmith: usize,
    /// The driver's `--runs` (with `--objective runtime`).
    #[arg(long)]
    runs: Option<u32>,
    /// Reduce at most this many miscompiles (the first ones).
    #[arg(long, default_value_t = 50)]
    reduce: usize,
    /// Only reduce this pipeline on `--ir` (a miscompile found elsewhere), then stop.
    #[arg(long, requires = "ir")]
    reduce_pipeline: Option<String>,
    /// The program (LLVM IR) `--reduce-pipeline` miscompiles.
    #[arg(long)]
    ir: Option<std::path::PathBuf>,
    /// Only reduce the miscompiles an earlier campaign listed in `--out`'s `findings.tsv`
    /// (its programs' IR beside it, in `ir/`), up to `--reduce` of them, then stop.
    #[arg(long)]
    reduce_findings: bool,
}

/// Verdicts whose candidates are listed in the findings file.
const LISTED: &[&str] = &["crash", "timeout", "invariant-violation", "miscompile"];

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let driver = driver()?;
    if let (Some(pipeline), Some(ir)) = (&args.reduce_pipeline, &args.ir) {
        let name = ir.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        let program =
            opm_bench::Program { name, src: ir.clone(), ll: ir.clone(), cflags: Vec::new() };
        let out_dir = target_dir().join(&args.out);
        std::fs::create_dir_all(&out_dir).with_context(|| out_dir.display().to_string())?;
        print!("{}", reduce_all(&driver, &args, &[(program, pipeline.clone())], &out_dir)?);
        return Ok(());
    }
    if args.reduce_findings {
        let out_dir = target_dir().join(&args.out);
        let miscompiles = listed_miscompiles(&out_dir)?;
        print!("{}", reduce_all(&driver, &args, &miscompiles, &out_dir)?);
        return Ok(());
    }
    let out_dir = target_dir().join(&args.out);
    let ir_dir = out_dir.join("ir");
    let sig_dir = out_dir.join("signals");
    for d in [&ir_dir, &sig_dir] {
        std::fs::create_dir_all(d).with_context(|| d.display().to_string())?;
    }
    let mut programs = search_inputs(&ir_dir, &args.programs, args.jobs.max(1))?;
    if args.csmith > 0 {
        let first = opm_bench::EVALUATION_CSMITH_SEEDS + 500_000 + args.seed;
        let limit = std::time::Duration::from_secs(5);
        programs.extend(opm_bench::csmith_programs(
            &ir_dir,
            first,
            args.csmith,
            limit,
            args.jobs.max(1),
        )?);
    }
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
    let mut miscompiles: Vec<(opm_bench::Program, String)> = Vec::new();
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
        cmd.args(["--backend", &args.backend]);
        if let Some(r) = args.runs {
            cmd.args(["--runs", &r.to_string()]);
        }
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
            if s.verdict == "miscompile" {
                miscompiles.push((program.clone(), s.pipeline.clone()));
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
    let reduced = reduce_all(&driver, &args, &miscompiles, &out_dir)?;
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
    print!("{reduced}");
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

/// The miscompiles a campaign listed in `out_dir/findings.tsv`, with their programs' IR.
fn listed_miscompiles(
    out_dir: &std::path::Path,
) -> anyhow::Result<Vec<(opm_bench::Program, String)>> {
    let file = out_dir.join("findings.tsv");
    let text = std::fs::read_to_string(&file).with_context(|| file.display().to_string())?;
    let mut out = Vec::new();
    for line in text.lines() {
        let mut fields = line.split('\t');
        let (Some("miscompile"), Some(name), Some(pipeline)) =
            (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let ll = out_dir.join("ir").join(format!("{name}.ll"));
        anyhow::ensure!(ll.is_file(), "{} is missing", ll.display());
        let program =
            opm_bench::Program { name: name.to_string(), src: ll.clone(), ll, cflags: Vec::new() };
        out.push((program, pipeline.to_string()));
    }
    Ok(out)
}

/// Whether `small` is `big` with some units left out (the order kept).
fn subsequence(small: &[String], big: &[String]) -> bool {
    let mut rest = big.iter();
    small.iter().all(|u| rest.any(|b| b == u))
}

/// Reduces each miscompile's pipeline (the first `--reduce` of them) and writes
/// `reduced.tsv`; returns the table to print, and the distinct reduced pipelines with how
/// many miscompiles each explains. A pipeline that contains a pipeline already found to
/// miscompile the same program (its passes in order, others between) is reduced to that one
/// without a build: it is a smallest miscompiling part of it as much as ddmin's would be.
fn reduce_all(
    driver: &std::path::Path,
    args: &Args,
    miscompiles: &[(opm_bench::Program, String)],
    out_dir: &std::path::Path,
) -> anyhow::Result<String> {
    if miscompiles.is_empty() {
        return Ok("\nno miscompile to reduce\n".to_string());
    }
    let mut tsv = String::from("program\tpipeline\treduced\ttests\n");
    let mut table = format!(
        "\n{} miscompiles, the first {} reduced ({} against the build without passes):\n\
         | program | passes | reduced to | tests |\n|---|---:|---|---:|\n",
        miscompiles.len(),
        miscompiles.len().min(args.reduce),
        if args.backend == "llvm" {
            "`opt-22 -passes=P`, clang-22's code generation".to_string()
        } else {
            format!("`opm-driver run --backend {} --pipeline P`", args.backend)
        }
    );
    // Per program, the reduced pipelines found so far.
    let mut known: BTreeMap<String, Vec<Vec<String>>> = BTreeMap::new();
    let mut distinct: BTreeMap<String, (usize, std::collections::BTreeSet<String>)> =
        BTreeMap::new();
    let mut note = |reduced: &str, program: &str| {
        let entry = distinct.entry(reduced.to_string()).or_default();
        entry.0 += 1;
        entry.1.insert(program.to_string());
    };
    for (program, pipeline) in miscompiles.iter().take(args.reduce) {
        let before = units_of(&args.backend, pipeline, true).len();
        let seen = known.get(&program.name).and_then(|found| {
            let (flat, top) =
                (units_of(&args.backend, pipeline, true), units_of(&args.backend, pipeline, false));
            found.iter().find(|r| subsequence(r, &flat) || subsequence(r, &top)).cloned()
        });
        if let Some((units, reduced)) = seen.and_then(|u| join(&args.backend, &u).map(|j| (u, j))) {
            writeln!(tsv, "{}\t{pipeline}\t{reduced}\t0", program.name)?;
            writeln!(
                table,
                "| {} | {before} | `{reduced}` ({} passes, found before) | 0 |",
                program.name,
                units.len()
            )?;
            note(&reduced, &program.name);
            continue;
        }
        let reducer = Reducer::new(driver, &args.backend, program)?;
        let Some(reducer) = reducer else {
            writeln!(
                table,
                "| {} | - | the build without passes does not run | 0 |",
                program.name
            )?;
            continue;
        };
        let (units, tests) = reducer.reduce(pipeline);
        let reduced = join(&args.backend, &units);
        if let Some(r) = &reduced {
            note(r, &program.name);
            known.entry(program.name.clone()).or_default().push(units.clone());
        }
        writeln!(
            tsv,
            "{}\t{pipeline}\t{}\t{tests}",
            program.name,
            reduced.as_deref().unwrap_or("-")
        )?;
        let shown = match &reduced {
            Some(r) if units.len() == 1 => format!("`{r}` (1 pass)"),
            Some(r) => format!("`{r}` ({} passes)", units.len()),
            None => "not reproduced outside the search".to_string(),
        };
        writeln!(table, "| {} | {before} | {shown} | {tests} |", program.name)?;
    }
    let file = out_dir.join("reduced.tsv");
    std::fs::write(&file, tsv).with_context(|| file.display().to_string())?;
    writeln!(table, "reduced pipelines: {}", file.display())?;
    let mut by_count: Vec<_> = distinct.into_iter().collect();
    by_count.sort_by(|a, b| b.1.0.cmp(&a.1.0).then_with(|| a.0.cmp(&b.0)));
    writeln!(table, "\n{} distinct reduced pipelines:", by_count.len())?;
    writeln!(table, "| reduced pipeline | miscompiles | programs |\n|---|---:|---|")?;
    for (reduced, (n, programs)) in by_count {
        let programs: Vec<&str> = programs.iter().map(String::as_str).collect();
        writeln!(table, "| `{reduced}` | {n} | {} |", programs.join(", "))?;
    }
    Ok(table)
}

/// A program and how its build without passes runs: what a reduced pipeline must still
/// differ from. LLVM pipelines are checked with LLVM's own tools, as the search applies them
/// (to the input with its metadata): `opt -passes=P`, then clang's code generation at -O2
/// without its passes; the reference is that build without `opt`. A reproducer of this kind
/// is LLVM's alone. Cranelift's settings and gcc's flags are checked with `opm-driver run
/// --backend B --pipeline P`, which compiles as the search does.
struct Reducer<'a> {
    driver: &'a std::path::Path,
    backend: &'a str,
    program: &'a opm_bench::Program,
    reference: (Option<i32>, Vec<u8>),
    limit: std::time::Duration,
    scratch: tempfile::TempDir,
}

impl<'a> Reducer<'a> {
    fn new(
        driver: &'a std::path::Path,
        backend: &'a str,
        program: &'a opm_bench::Program,
    ) -> anyhow::Result<Option<Reducer<'a>>> {
        let scratch = tempfile::tempdir()?;
        let exe = scratch.path().join("reference");
        let mut build = if backend == "llvm" {
            let mut c = Command::new("clang-22");
            c.args(["-O2", "-Xclang", "-disable-llvm-passes", "-w"]).arg(&program.ll);
            c.arg("-o").arg(&exe).arg("-lm");
            c
        } else {
            let mut c = Command::new(driver);
            c.arg("compile").arg(&program.ll).arg("-o").arg(&exe);
            c
        };
        let limit = std::time::Duration::from_secs(300);
        if !opm_backend::process::run_with_timeout(&mut build, None, limit)?.success() {
            return Ok(None);
        }
        let start = Instant::now();
        let ran = opm_backend::process::run_with_timeout(&mut Command::new(&exe), None, limit)?;
        let Some(code) = ran.shell_code() else { return Ok(None) };
        let limit = (start.elapsed() * 10).max(std::time::Duration::from_secs(5));
        let reference = (Some(code), ran.stdout);
        Ok(Some(Reducer { driver, backend, program, reference, limit, scratch }))
    }

    /// Whether `units` as a pipeline builds a program that ends in time and prints otherwise
    /// (or exits otherwise) than the build without passes.
    fn miscompiles(&self, units: &[String]) -> bool {
        let Some(pipeline) = join(self.backend, units) else { return false };
        let compile = std::time::Duration::from_secs(300);
        let exe = self.scratch.path().join("candidate");
        let _ = std::fs::remove_file(&exe);
        let ran = if self.backend == "llvm" {
            let bc = self.scratch.path().join("candidate.bc");
            let mut opt = Command::new("opt-22");
            opt.arg(format!("-passes={pipeline}")).arg(&self.program.ll).arg("-o").arg(&bc);
            let mut cc = Command::new("clang-22");
            cc.args(["-O2", "-Xclang", "-disable-llvm-passes", "-w"]).arg(&bc);
            cc.arg("-o").arg(&exe).arg("-lm");
            let built = [opt, cc].iter_mut().all(|c| {
                opm_backend::process::run_with_timeout(c, None, compile).is_ok_and(|r| r.success())
            });
            if !built {
                return false;
            }
            opm_backend::process::run_with_timeout(&mut Command::new(&exe), None, self.limit)
        } else {
            let mut cmd = Command::new(self.driver);
            cmd.arg("run").args(["--backend", self.backend, "--pipeline", &pipeline]);
            cmd.arg(&self.program.ll);
            opm_backend::process::run_with_timeout(&mut cmd, None, self.limit)
        };
        match ran {
            // `run` exits 2 when it cannot build; that is not this miscompile.
            Ok(r) => match r.shell_code() {
                Some(2) if self.backend != "llvm" => false,
                None => false,
                code => (code, r.stdout) != self.reference,
            },
            Err(_) => false,
        }
    }

    /// The smallest list of units found that still miscompiles (empty when even the whole
    /// pipeline does not, under `run`), and the number of builds tried.
    fn reduce(&self, pipeline: &str) -> (Vec<String>, usize) {
        let mut tests = 0;
        let mut check = |u: &[String]| {
            tests += 1;
            self.miscompiles(u)
        };
        // Nests taken apart when the pipeline still miscompiles so; else its top-level units.
        let flat = units_of(self.backend, pipeline, true);
        let mut units = if check(&flat) {
            flat
        } else {
            let top = units_of(self.backend, pipeline, false);
            if !check(&top) {
                return (Vec::new(), tests);
            }
            top
        };
        // ddmin: remove chunks while what is left still miscompiles, halving the chunk size.
        let mut chunk = units.len().div_ceil(2).max(1);
        loop {
            let mut removed = false;
            let mut start = 0;
            while start < units.len() && units.len() > 1 {
                let end = (start + chunk).min(units.len());
                let trial: Vec<String> =
                    units[..start].iter().chain(&units[end..]).cloned().collect();
                if !trial.is_empty() && check(&trial) {
                    units = trial;
                    removed = true;
                } else {
                    start = end;
                }
            }
            if chunk == 1 && !removed {
                break;
            }
            chunk = (chunk / 2).max(1);
        }
        (units, tests)
    }
}

/// A pipeline's units: LLVM's top-level passes (with `flat`, nests taken apart:
/// `function(a,b)` gives `function(a)` and `function(b)`), Cranelift's settings, gcc's
/// options.
fn units_of(backend: &str, pipeline: &str, flat: bool) -> Vec<String> {
    match backend {
        "gcc" => pipeline.split_whitespace().map(str::to_string).collect(),
        "cranelift" => pipeline.split(',').filter(|s| !s.is_empty()).map(str::to_string).collect(),
        _ => {
            let top = split_top(pipeline);
            if !flat {
                return top;
            }
            top.iter().flat_map(|u| flatten(u)).collect()
        }
    }
}

/// `function(loop(a,b),c)` → `function(loop(a))`, `function(loop(b))`, `function(c)`.
fn flatten(unit: &str) -> Vec<String> {
    let open = unit.find('(');
    let angle = unit.find('<');
    match open {
        Some(i) if unit.ends_with(')') && angle.is_none_or(|a| a > i) => {
            let (name, inner) = (&unit[..i], &unit[i + 1..unit.len() - 1]);
            split_top(inner)
                .iter()
                .flat_map(|u| flatten(u))
                .map(|u| format!("{name}({u})"))
                .collect()
        }
        _ => vec![unit.to_string()],
    }
}

/// Splits at the commas outside brackets of either kind.
fn split_top(text: &str) -> Vec<String> {
    let (mut out, mut depth, mut start) = (Vec::new(), 0i32, 0);
    for (i, c) in text.char_indices() {
        match c {
            '(' | '<' => depth += 1,
            ')' | '>' => depth -= 1,
            ',' if depth == 0 => {
                out.push(text[start..i].to_string());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(text[start..].to_string());
    out.into_iter().filter(|u| !u.is_empty()).collect()
}

/// Units as one pipeline in the backend's syntax; `None` for none.
fn join(backend: &str, units: &[String]) -> Option<String> {
    if units.is_empty() {
        return None;
    }
    Some(units.join(if backend == "gcc" { " " } else { "," }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_known_reproducer_is_found_inside_a_longer_pipeline() {
        let v = |s: &[&str]| s.iter().map(|u| u.to_string()).collect::<Vec<_>>();
        assert!(subsequence(&v(&["a", "c"]), &v(&["a", "b", "c"])));
        assert!(!subsequence(&v(&["c", "a"]), &v(&["a", "b", "c"])));
        assert!(!subsequence(&v(&["a", "a"]), &v(&["a", "b"])));
    }

    #[test]
    fn nests_come_apart_and_join_again() {
        let p = "function(loop(licm,loop-rotate),instcombine<no-verify-fixpoint>),globaldce";
        assert_eq!(
            units_of("llvm", p, true),
            [
                "function(loop(licm))",
                "function(loop(loop-rotate))",
                "function(instcombine<no-verify-fixpoint>)",
                "globaldce"
            ]
        );
        assert_eq!(units_of("llvm", p, false).len(), 2);
        assert_eq!(
            join("gcc", &units_of("gcc", "-O2 -funroll-loops", true)).unwrap(),
            "-O2 -funroll-loops"
        );
    }
}
