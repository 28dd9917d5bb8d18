//! `cargo opm tune` on real crates from crates.io, beside `cargo build --release` and
//! `--release` with fat LTO, in one run, as ratios.
//!
//! Each subject is a published crate with a binary and a workload whose output is the same on
//! every run, so that every candidate's output is checked against the crate's own build:
//!
//! - `pulldown-cmark` 0.13.6: a generated Markdown document (headings, paragraphs with
//!   emphasis, code and links, lists, quotes, fenced code, tables, footnotes) to HTML,
//!   `pulldown-cmark -T -F doc.md`;
//! - `brotli` 9.1.1: the same document compressed at quality 9, `brotli -c -q9 doc.md` (the
//!   compressed bytes on standard output);
//! - `jsonxf` 1.1.1: a generated JSON document (nested objects, arrays, strings with escapes,
//!   numbers) pretty-printed, `jsonxf -i data.json`.
//!
//! The inputs come from a fixed seed, so they are the same bytes on every machine. The
//! crates' sources are fetched by cargo (a scratch package that depends on the exact
//! versions), copied under `<target>/cargo-opm-crates/`, and built with their published
//! `Cargo.lock` (`--locked`). Per crate and objective (`size`, then `runtime`):
//!
//! ```text
//! cargo opm tune --bin B --objective O --budget-evals N --seed S -- --locked -- ARGS
//! ```
//!
//! `tune` builds the three variants itself and times their runs round after round in the
//! same process (median of 5 after a warm-up), so each row's figures come from one run on one
//! machine state; this benchmark reads its `comparison.json` and prints each build's `.text`,
//! run time and build time divided by `--release`'s (below 1: smaller or faster), with the
//! time `tune` took and the winner.
//!
//! `cargo run --release -p opm-bench --bin cargo-opm-crates [-- --budget-evals 12
//! --crates brotli,jsonxf --objectives size --backend cranelift|all]` (build `cargo-opm` first:
//! `cargo build --release -p cargo-opm`); through GCC, whose builds cannot unwind, `--backend
//! gcc --panic-abort` builds every crate, its baselines too, with `panic = "abort"`.

use anyhow::{Context, bail};
use clap::Parser;
use opm_bench::{SplitMix64, command_line, geomean, secs, target_dir};
use serde_json::Value;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(about = "cargo opm tune on crates.io crates, beside cargo's release builds")]
struct Args {
    /// Candidates per search (`tune --budget-evals`).
    #[arg(long, default_value_t = 12)]
    budget_evals: u64,
    /// Only these subjects (comma-separated crate names).
    #[arg(long, value_delimiter = ',')]
    crates: Vec<String>,
    /// The objectives searched, one `tune` each.
    #[arg(long, value_delimiter = ',', default_values_t = ["size".to_string(), "runtime".to_string()])]
    objectives: Vec<String>,
    /// The search's seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Candidates evaluated at once (`tune --jobs`) [default: the machine's cores].
    #[arg(long)]
    jobs: Option<usize>,
    /// The backend searched (`tune --backend`: llvm, cranelift, gcc, or all: every backend's
    /// search and the cross plans; gcc alone cannot build std's unwinding: with
    /// `--panic-abort`).
    #[arg(long, default_value = "llvm")]
    backend: String,
    /// Build every crate with `panic = "abort"` (cargo's `--config`), its baselines too.
    #[arg(long)]
    panic_abort: bool,
}

/// A crate from crates.io, its binary and its workload.
struct Subject {
    name: &'static str,
    version: &'static str,
    bin: &'static str,
    /// The program's arguments, given the inputs' directory.
    args: fn(&Path) -> Vec<String>,
}

fn arg(dir: &Path, file: &str) -> String {
    dir.join(file).display().to_string()
}

const SUBJECTS: [Subject; 3] = [
    Subject {
        name: "pulldown-cmark",
        version: "0.13.6",
        bin: "pulldown-cmark",
        args: |d| vec!["-T".into(), "-F".into(), arg(d, "doc.md")],
    },
    Subject {
        name: "brotli",
        version: "9.1.1",
        bin: "brotli",
        args: |d| vec!["-c".into(), "-q9".into(), arg(d, "doc.md")],
    },
    Subject {
        name: "jsonxf",
        version: "1.1.1",
        bin: "jsonxf",
        args: |d| vec!["-i".into(), arg(d, "data.json")],
    },
];

/// The `cargo-opm` binary: `OPM_CARGO_OPM`, else the workspace's release build.
fn cargo_opm() -> anyhow::Result<PathBuf> {
    let path = std::env::var_os("OPM_CARGO_OPM")
        .map_or_else(|| target_dir().join("release").join("cargo-opm"), PathBuf::from);
    if !path.is_file() {
        bail!(
            "{} not found: build it with `cargo build --release -p cargo-opm` (or point \
             OPM_CARGO_OPM at a cargo-opm binary)",
            path.display()
        );
    }
    Ok(path)
}

/// Words for the generated documents.
const WORDS: [&str; 24] = [
    "pass", "pipeline", "module", "function", "loop", "vector", "inline", "branch", "value",
    "memory", "register", "schedule", "alias", "constant", "fold", "hoist", "sink", "unroll",
    "merge", "split", "verify", "measure", "signal", "budget",
];

fn words(rng: &mut SplitMix64, n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        if i > 0 {
            out.push(' ');
        }
        let w = WORDS[rng.below(WORDS.len())];
        match rng.below(12) {
            0 => write!(out, "*{w}*"),
            1 => write!(out, "**{w}**"),
            2 => write!(out, "`{w}()`"),
            3 => write!(out, "[{w}](https://example.org/{w}/{})", rng.below(1000)),
            4 => write!(out, "{w}[^{}]", rng.below(50)),
            5 => write!(out, "{w} & <{w}>"),
            _ => write!(out, "{w}"),
        }
        .ok();
    }
    out
}

/// Between `lo` and `hi` words.
fn words_between(rng: &mut SplitMix64, lo: usize, hi: usize) -> String {
    let n = rng.range(lo, hi);
    words(rng, n)
}

/// A Markdown document of about `bytes` bytes.
fn markdown(seed: u64, bytes: usize) -> String {
    let mut rng = SplitMix64::new(seed);
    let mut doc = String::new();
    let mut section = 0;
    while doc.len() < bytes {
        section += 1;
        writeln!(
            doc,
            "{} Section {section}: {}\n",
            "#".repeat(1 + rng.below(3)),
            words(&mut rng, 4)
        )
        .ok();
        for _ in 0..rng.range(2, 6) {
            match rng.below(6) {
                0 => {
                    for _ in 0..rng.range(2, 7) {
                        writeln!(doc, "- {}", words_between(&mut rng, 3, 12)).ok();
                    }
                }
                1 => {
                    for i in 1..rng.range(3, 6) {
                        writeln!(doc, "{i}. {}", words_between(&mut rng, 3, 10)).ok();
                    }
                }
                2 => {
                    writeln!(doc, "> {}\n> {}", words(&mut rng, 12), words(&mut rng, 8)).ok();
                }
                3 => {
                    doc.push_str("```rust\n");
                    for i in 0..rng.range(2, 8) {
                        writeln!(doc, "let x{i} = {}({});", WORDS[rng.below(24)], rng.below(99))
                            .ok();
                    }
                    doc.push_str("```\n");
                }
                4 => {
                    doc.push_str("| pass | before | after |\n|:--|--:|--:|\n");
                    for _ in 0..rng.range(2, 8) {
                        let w = WORDS[rng.below(24)];
                        writeln!(doc, "| {w} | {} | {} |", rng.below(10000), rng.below(10000)).ok();
                    }
                }
                _ => {
                    writeln!(doc, "{}", words_between(&mut rng, 20, 80)).ok();
                }
            }
            doc.push('\n');
        }
        if section % 10 == 0 {
            for n in 0..50 {
                writeln!(doc, "[^{n}]: {}", words(&mut rng, 6)).ok();
            }
            doc.push('\n');
        }
    }
    doc
}

/// A JSON value nested `depth` levels at most.
fn json_value(rng: &mut SplitMix64, depth: usize, out: &mut String) {
    match if depth == 0 { 3 + rng.below(4) } else { rng.below(7) } {
        0 | 1 => {
            out.push('{');
            for i in 0..rng.range(1, 8) {
                if i > 0 {
                    out.push(',');
                }
                write!(out, "\"{}_{i}\":", WORDS[rng.below(24)]).ok();
                json_value(rng, depth - 1, out);
            }
            out.push('}');
        }
        2 => {
            out.push('[');
            for i in 0..rng.range(1, 10) {
                if i > 0 {
                    out.push(',');
                }
                json_value(rng, depth - 1, out);
            }
            out.push(']');
        }
        3 => {
            write!(out, "\"{} \\\"{}\\\"\\n\\u00e9\"", WORDS[rng.below(24)], rng.below(100)).ok();
        }
        4 => {
            write!(out, "{}", rng.next_u64() % 1_000_000_007).ok();
        }
        5 => {
            write!(out, "-{}.{:03}e{}", rng.below(1000), rng.below(1000), rng.below(20)).ok();
        }
        _ => out.push_str(["true", "false", "null"][rng.below(3)]),
    }
}

/// A JSON document of about `bytes` bytes: an array of records.
fn json(seed: u64, bytes: usize) -> String {
    let mut rng = SplitMix64::new(seed);
    let mut out = String::from("[");
    while out.len() < bytes {
        if out.len() > 1 {
            out.push(',');
        }
        json_value(&mut rng, 4, &mut out);
    }
    out.push_str("]\n");
    out
}

/// Runs `cmd`, failing with its standard error when it fails; its standard output.
fn checked(cmd: &mut Command, what: &str) -> anyhow::Result<Vec<u8>> {
    let out = cmd.output().with_context(|| format!("running {what}"))?;
    if !out.status.success() {
        bail!("{what} failed ({}):\n{}", out.status, String::from_utf8_lossy(&out.stderr));
    }
    Ok(out.stdout)
}

/// Fetches the subjects with cargo: the directory of each one's source, by name.
fn fetch(work: &Path, subjects: &[&Subject]) -> anyhow::Result<Vec<PathBuf>> {
    let dir = work.join("fetch");
    std::fs::create_dir_all(dir.join("src"))?;
    let mut manifest = String::from(
        "[package]\nname = \"opm-bench-fetch\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\
         publish = false\n\n[workspace]\n\n[dependencies]\n",
    );
    for s in subjects {
        writeln!(manifest, "{} = \"={}\"", s.name, s.version)?;
    }
    std::fs::write(dir.join("Cargo.toml"), manifest)?;
    std::fs::write(dir.join("src/lib.rs"), "")?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let meta = checked(
        Command::new(&cargo)
            .args(["metadata", "--format-version", "1", "--manifest-path"])
            .arg(dir.join("Cargo.toml")),
        "cargo metadata",
    )?;
    let meta: Value = serde_json::from_slice(&meta).context("reading cargo metadata")?;
    let packages = meta["packages"].as_array().cloned().unwrap_or_default();
    subjects
        .iter()
        .map(|s| {
            packages
                .iter()
                .find(|p| p["name"] == s.name && p["version"] == s.version)
                .and_then(|p| p["manifest_path"].as_str())
                .and_then(|m| Path::new(m).parent().map(Path::to_path_buf))
                .with_context(|| format!("cargo metadata does not list {} {}", s.name, s.version))
        })
        .collect()
}

fn copy_dir(from: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if e.file_type()?.is_dir() {
            copy_dir(&src, &dst)?;
        } else {
            std::fs::copy(&src, &dst).with_context(|| format!("copying {}", src.display()))?;
        }
    }
    Ok(())
}

/// A fresh copy of a crate's source at `to`, its own workspace.
fn prepare(source: &Path, to: &Path) -> anyhow::Result<()> {
    if to.exists() {
        std::fs::remove_dir_all(to)?;
    }
    copy_dir(source, to)?;
    let manifest = to.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest)?;
    if !text.lines().any(|l| l.trim() == "[workspace]") {
        text.push_str("\n[workspace]\n");
        std::fs::write(&manifest, text)?;
    }
    if !to.join("Cargo.lock").is_file() {
        bail!("{} has no Cargo.lock: its build would not be reproducible", source.display());
    }
    Ok(())
}

/// One `tune`: what its `comparison.json` and `winner.json` say.
struct Tuned {
    subject: &'static str,
    objective: String,
    tune_time: Duration,
    /// `.text`, run time and build time of fat LTO and of opm, each over `--release`'s.
    text: [Option<f64>; 2],
    run: [Option<f64>; 2],
    build: [Option<f64>; 2],
    winner: String,
    evaluations: u64,
}

fn ratio_of(builds: &[Value], field: &str, row: usize) -> Option<f64> {
    let base = builds.first()?[field].as_f64()?;
    let value = builds.get(row)?[field].as_f64()?;
    (base > 0.0).then(|| value / base)
}

fn read_json(path: &Path) -> anyhow::Result<Value> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{}", path.display()))
}

fn tune(
    exe: &Path,
    dir: &Path,
    s: &Subject,
    objective: &str,
    args: &Args,
    run_args: &[String],
) -> anyhow::Result<Tuned> {
    let mut cmd = Command::new(exe);
    cmd.current_dir(dir).args(["opm", "tune", "--bin", s.bin, "--objective", objective]);
    cmd.args(["--backend", &args.backend, "--budget-evals", &args.budget_evals.to_string()]);
    cmd.args(["--seed", &args.seed.to_string()]);
    if let Some(j) = args.jobs {
        cmd.args(["--jobs", &j.to_string()]);
    }
    cmd.args(["--", "--locked"]);
    if args.panic_abort {
        cmd.args(["--config", "profile.release.panic=\"abort\""]);
    }
    cmd.arg("--").args(run_args);
    println!("$ (cd {}; {})", dir.display(), opm_bench::show_command(&cmd));
    let start = Instant::now();
    // Its progress and cargo's messages as they come; its tables once it is done.
    let out = cmd.stderr(Stdio::inherit()).output().context("running cargo-opm")?;
    let tune_time = start.elapsed();
    if !out.status.success() {
        bail!("cargo opm tune failed for {} ({}): see above", s.name, out.status);
    }
    print!("{}", String::from_utf8_lossy(&out.stdout));
    let store = dir.join("target/opm").join(s.bin);
    let comparison = read_json(&store.join("comparison.json"))?;
    let winner = read_json(&store.join("winner.json"))?;
    let builds = comparison["builds"].as_array().cloned().unwrap_or_default();
    if builds.len() != 3 {
        bail!("{}: expected 3 builds, found {}", store.display(), builds.len());
    }
    let pair = |field| [ratio_of(&builds, field, 1), ratio_of(&builds, field, 2)];
    Ok(Tuned {
        subject: s.name,
        objective: objective.to_string(),
        tune_time,
        text: pair("text_bytes"),
        run: pair("run_ms"),
        build: pair("build_seconds"),
        winner: plan(&winner),
        evaluations: winner["evaluations"].as_u64().unwrap_or_default(),
    })
}

/// The stored winner's plan as `tune` prints it, after its search's name when not LLVM's
/// (`cranelift: opt_level=speed`, `llvm+cranelift: default<O2> then opt_level=speed`).
fn plan(winner: &Value) -> String {
    let text = |field: &str| winner[field].as_str().unwrap_or_default().to_string();
    let (backend, pipeline) = (text("backend"), text("pipeline"));
    match winner["mid_end"].as_str() {
        Some(mid) => format!("llvm+{backend}: {mid} then {pipeline}"),
        None if backend == "llvm" => pipeline,
        None => format!("{backend}: {pipeline}"),
    }
}

fn fmt_ratio(r: Option<f64>) -> String {
    r.map_or_else(|| "-".into(), |r| format!("{r:.3}"))
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let head: String = text.chars().take(max.saturating_sub(1)).collect();
    head + "…"
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let exe = cargo_opm()?;
    for o in &args.objectives {
        if !["size", "runtime", "instcount"].contains(&o.as_str()) {
            bail!("unknown objective `{o}` (size, runtime or instcount)");
        }
    }
    let subjects: Vec<&Subject> = SUBJECTS
        .iter()
        .filter(|s| args.crates.is_empty() || args.crates.iter().any(|c| c == s.name))
        .collect();
    if subjects.is_empty() {
        let names: Vec<&str> = SUBJECTS.iter().map(|s| s.name).collect();
        bail!("no such subject; the subjects are {}", names.join(", "));
    }
    let work = target_dir().join("cargo-opm-crates");
    let inputs = work.join("inputs");
    std::fs::create_dir_all(&inputs)?;
    std::fs::write(inputs.join("doc.md"), markdown(7, 4 << 20))?;
    std::fs::write(inputs.join("data.json"), json(11, 16 << 20))?;
    println!("$ {}", command_line());
    let sources = fetch(&work, &subjects)?;

    let mut results = Vec::new();
    for (s, source) in subjects.iter().zip(&sources) {
        let dir = work.join(format!("{}-{}", s.name, s.version));
        prepare(source, &dir)?;
        let run_args = (s.args)(&inputs);
        for objective in &args.objectives {
            results.push(tune(&exe, &dir, s, objective, &args, &run_args)?);
        }
    }

    println!();
    println!(
        "cargo opm tune --backend {} --budget-evals {} on crates.io crates: each build's figure \
         over cargo build --release's (below 1 is smaller or faster); fat = --release + fat LTO, \
         opm = cargo opm build with the winner",
        args.backend, args.budget_evals
    );
    println!(
        "{:<15} {:<9} {:>8} {:>6} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}  winner",
        "crate",
        "objective",
        "tune s",
        "evals",
        "text fat",
        "text opm",
        "run fat",
        "run opm",
        "build fat",
        "build opm"
    );
    for r in &results {
        println!(
            "{:<15} {:<9} {:>8} {:>6} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}  {}",
            r.subject,
            r.objective,
            secs(r.tune_time),
            r.evaluations,
            fmt_ratio(r.text[0]),
            fmt_ratio(r.text[1]),
            fmt_ratio(r.run[0]),
            fmt_ratio(r.run[1]),
            fmt_ratio(r.build[0]),
            fmt_ratio(r.build[1]),
            shorten(&r.winner, 60)
        );
    }
    for objective in &args.objectives {
        let of = |pick: fn(&Tuned) -> Option<f64>| {
            let v: Vec<f64> =
                results.iter().filter(|r| &r.objective == objective).filter_map(pick).collect();
            fmt_ratio(geomean(&v))
        };
        println!(
            "{:<15} {:<9} {:>8} {:>6} {:>9} {:>9} {:>9} {:>9} {:>9} {:>9}",
            "geomean",
            objective,
            "",
            "",
            of(|r| r.text[0]),
            of(|r| r.text[1]),
            of(|r| r.run[0]),
            of(|r| r.run[1]),
            of(|r| r.build[0]),
            of(|r| r.build[1]),
        );
    }
    Ok(())
}
