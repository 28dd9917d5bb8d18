//! The malformed-input campaign: mutants of real `.ll` and `.bc` files (and hostile special
//! files) put through `opm-driver`'s commands, each outcome checked against what the driver
//! promises for bad input. Shared by `tests/reliability.rs` (a bounded sample, seeded per
//! run) and `bench --bin mutation` (the larger campaign of the README's figures).
//!
//! What counts as a finding, per command run:
//! - a Rust panic, a stack overflow or any other death by a signal of the driver itself;
//! - running past the command's time limit;
//! - exit status 2 whose message names neither the input file nor a construct;
//! - an exit status the command never gives (anything but 0, 1, 2 outside `run`);
//! - an output file (`-o`, `--signals`) left behind by a command that failed, or a
//!   successful one whose output is empty.
//!
//! `run` exits with the program's own status, so a mutant that builds may exit with anything;
//! for `run` only panics, overruns and a refusal without a location count.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The campaign draws from the search's own generator (SplitMix64), so a seed always gives
/// the same mutants.
pub use opm_search::rng::Rng;

/// One of `items` (not empty).
fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> &'a T {
    &items[rng.below(items.len()).min(items.len().saturating_sub(1))]
}

/// How a mutant is made from a valid file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mutation {
    ByteFlip,
    Truncate,
    DeleteLine,
    DuplicateLine,
    SwapOperands,
    SwapType,
    HugeInteger,
    HugeCount,
    DeepNesting,
    InvalidUtf8,
}

impl Mutation {
    /// Every mutation of textual IR.
    pub const TEXT: [Mutation; 10] = [
        Mutation::ByteFlip,
        Mutation::Truncate,
        Mutation::DeleteLine,
        Mutation::DuplicateLine,
        Mutation::SwapOperands,
        Mutation::SwapType,
        Mutation::HugeInteger,
        Mutation::HugeCount,
        Mutation::DeepNesting,
        Mutation::InvalidUtf8,
    ];
    /// The mutations that make sense on bitcode, which has no lines or tokens.
    pub const BITCODE: [Mutation; 2] = [Mutation::ByteFlip, Mutation::Truncate];

    pub fn name(self) -> &'static str {
        match self {
            Mutation::ByteFlip => "byte flips",
            Mutation::Truncate => "truncation",
            Mutation::DeleteLine => "line deleted",
            Mutation::DuplicateLine => "line duplicated",
            Mutation::SwapOperands => "operands swapped",
            Mutation::SwapType => "type swapped",
            Mutation::HugeInteger => "huge integer",
            Mutation::HugeCount => "huge count",
            Mutation::DeepNesting => "deep nesting",
            Mutation::InvalidUtf8 => "invalid UTF-8",
        }
    }
}

const TYPES: [&str; 10] =
    ["i1", "i8", "i16", "i32", "i64", "i128", "float", "double", "ptr", "void"];
const HUGE_INTEGERS: [&str; 6] = [
    "4294967296",
    "18446744073709551616",
    "-9223372036854775809",
    "340282366920938463463374607431768211457",
    "99999999999999999999999999999999999999999999999999999999999999",
    "-1",
];
const HUGE_COUNTS: [&str; 4] =
    ["4294967296", "2305843009213693951", "18446744073709551615", "1000000000000"];

/// Applies `m` to `bytes` (textual IR, or bitcode for the byte-level mutations); returns the
/// mutant and what was done, for the findings' list.
pub fn mutate(bytes: &[u8], m: Mutation, rng: &mut Rng) -> (Vec<u8>, String) {
    let mut out = bytes.to_vec();
    match m {
        Mutation::ByteFlip => {
            let n = 1 + rng.below(4);
            let mut at = Vec::new();
            for _ in 0..n {
                let i = rng.below(out.len());
                let bit = rng.below(8);
                out[i] ^= 1 << bit;
                at.push(format!("bit {bit} of byte {i}"));
            }
            (out, format!("flipped {}", at.join(", ")))
        }
        Mutation::Truncate => {
            let keep = rng.below(out.len());
            out.truncate(keep);
            (out, format!("cut to {keep} of {} bytes", bytes.len()))
        }
        Mutation::InvalidUtf8 => {
            const BAD: [&[u8]; 4] =
                [b"\xff\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80"];
            let bad = pick(rng, &BAD);
            let i = rng.below(out.len());
            out.splice(i..i, bad.iter().copied());
            (out, format!("{bad:02x?} inserted at byte {i}"))
        }
        _ => mutate_lines(bytes, m, rng),
    }
}

/// The line- and token-level mutations of textual IR.
fn mutate_lines(bytes: &[u8], m: Mutation, rng: &mut Rng) -> (Vec<u8>, String) {
    let text = String::from_utf8_lossy(bytes);
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // Instruction lines: indented, inside a function body.
    let body: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].starts_with("  ")).collect();
    let pick_line = |rng: &mut Rng, lines: &[String]| -> usize {
        if body.is_empty() { rng.below(lines.len()) } else { *pick(rng, &body) }
    };
    let what = match m {
        Mutation::DeleteLine => {
            let i = pick_line(rng, &lines);
            let gone = lines.remove(i);
            format!("line {} deleted: {}", i + 1, gone.trim())
        }
        Mutation::DuplicateLine => {
            let i = rng.below(lines.len());
            let line = lines[i].clone();
            lines.insert(i, line.clone());
            format!("line {} duplicated: {}", i + 1, line.trim())
        }
        Mutation::SwapOperands => {
            // Two comma-separated operands of an instruction change places.
            let candidates: Vec<usize> =
                body.iter().copied().filter(|&i| lines[i].matches(", ").count() >= 1).collect();
            if candidates.is_empty() {
                return (bytes.to_vec(), "no operands to swap".into());
            }
            let i = *pick(rng, &candidates);
            let mut parts: Vec<String> = lines[i].split(", ").map(str::to_string).collect();
            let a = rng.below(parts.len());
            let b = (a + 1 + rng.below(parts.len() - 1)) % parts.len();
            parts.swap(a, b);
            lines[i] = parts.join(", ");
            format!("line {}: parts {a} and {b} swapped", i + 1)
        }
        Mutation::SwapType => {
            let i = pick_line(rng, &lines);
            let found: Vec<&str> =
                TYPES.iter().copied().filter(|t| has_token(&lines[i], t)).collect();
            let Some(&from) = found.get(rng.below(found.len().max(1))) else {
                return (bytes.to_vec(), format!("line {}: no type to swap", i + 1));
            };
            let to = *pick(rng, &TYPES);
            lines[i] = replace_token(&lines[i], from, to, rng);
            format!("line {}: {from} became {to}", i + 1)
        }
        Mutation::HugeInteger => {
            let with_number: Vec<usize> = body
                .iter()
                .copied()
                .filter(|&i| number_spans(&lines[i]).next().is_some())
                .collect();
            let Some(&i) = with_number.get(rng.below(with_number.len().max(1))) else {
                return (bytes.to_vec(), "no integer to change".into());
            };
            let spans: Vec<(usize, usize)> = number_spans(&lines[i]).collect();
            let (s, e) = *pick(rng, &spans);
            let huge = *pick(rng, &HUGE_INTEGERS);
            lines[i].replace_range(s..e, huge);
            format!("line {}: an integer became {huge}", i + 1)
        }
        Mutation::HugeCount => {
            // An array's or vector's element count, or an `alloca`'s count.
            let counted: Vec<usize> = (0..lines.len())
                .filter(|&i| lines[i].contains(" x ") || lines[i].contains("alloca "))
                .collect();
            let Some(&i) = counted.get(rng.below(counted.len().max(1))) else {
                return (bytes.to_vec(), "no count to change".into());
            };
            let huge = *pick(rng, &HUGE_COUNTS);
            let line = &lines[i];
            if let Some(x) = line.find(" x ") {
                let start = line[..x].rfind(['[', '<']).map_or(x, |p| p + 1);
                lines[i] = format!("{}{huge}{}", &line[..start], &line[x..]);
            } else if let Some(comma) = line.find(", align") {
                lines[i] = format!("{}, i64 {huge}{}", &line[..comma], &line[comma..]);
            }
            format!("line {}: a count became {huge}", i + 1)
        }
        Mutation::DeepNesting => {
            let depth = *pick(rng, &[64usize, 600, 5_000, 100_000]);
            let i = pick_line(rng, &lines);
            let (open, close) = *pick(rng, &[("{", "}"), ("[1 x ", "]"), ("<{", "}>")]);
            match TYPES.iter().find(|t| **t != "void" && has_token(&lines[i], t)) {
                Some(t) => {
                    let nested = format!("{}{t}{}", open.repeat(depth), close.repeat(depth));
                    lines[i] = replace_token(&lines[i], t, &nested, rng);
                    format!("line {}: {t} nested {depth} deep in {open}…{close}", i + 1)
                }
                None => {
                    let ty = format!("{}i8{}", open.repeat(depth), close.repeat(depth));
                    lines.push(format!("@opm.deep = global {ty} zeroinitializer"));
                    format!("a global of a type nested {depth} deep in {open}…{close}")
                }
            }
        }
        Mutation::ByteFlip | Mutation::Truncate | Mutation::InvalidUtf8 => unreachable!(),
    };
    let mut out = lines.join("\n");
    out.push('\n');
    (out.into_bytes(), what)
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '%' || c == '@' || c == '$'
}

/// Byte ranges of `token` standing alone in `line` (not part of a longer name).
fn token_spans<'a>(line: &'a str, token: &'a str) -> impl Iterator<Item = usize> + 'a {
    line.match_indices(token).map(|(i, _)| i).filter(move |&i| {
        let before = line[..i].chars().next_back().is_none_or(|c| !is_ident(c));
        let after = line[i + token.len()..].chars().next().is_none_or(|c| !is_ident(c));
        before && after
    })
}

fn has_token(line: &str, token: &str) -> bool {
    token_spans(line, token).next().is_some()
}

fn replace_token(line: &str, from: &str, to: &str, rng: &mut Rng) -> String {
    let spans: Vec<usize> = token_spans(line, from).collect();
    let i = *pick(rng, &spans);
    format!("{}{to}{}", &line[..i], &line[i + from.len()..])
}

/// Integer literals of an instruction line (digits standing alone, after a space).
fn number_spans(line: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let b = line.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() {
            if b[i].is_ascii_digit() && i > 0 && (b[i - 1] == b' ' || b[i - 1] == b'-') {
                let s = if b[i - 1] == b'-' { i - 1 } else { i };
                let mut e = i;
                while e < b.len() && b[e].is_ascii_digit() {
                    e += 1;
                }
                i = e;
                let ends = e == b.len() || matches!(b[e], b',' | b' ' | b']' | b')' | b'>');
                if ends && (s == 0 || b[s - 1] == b' ') {
                    return Some((s, e));
                }
            } else {
                i += 1;
            }
        }
        None
    })
}

/// A file that is not a mutant of a program: the hostile cases of the campaign.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Special {
    Empty,
    Missing,
    Directory,
    Fifo,
    /// A valid program followed by 200 MB of comment lines.
    Huge,
    /// A valid program removed moments after the command starts.
    Vanishing,
}

impl Special {
    pub const ALL: [Special; 6] = [
        Special::Empty,
        Special::Missing,
        Special::Directory,
        Special::Fifo,
        Special::Huge,
        Special::Vanishing,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Special::Empty => "empty file",
            Special::Missing => "missing file",
            Special::Directory => "a directory",
            Special::Fifo => "a FIFO with no writer",
            Special::Huge => "200 MB file",
            Special::Vanishing => "file removed while read",
        }
    }

    /// Makes the input at `path` (a `.ll` name) from the valid program `valid`.
    pub fn make(self, path: &Path, valid: &[u8]) -> std::io::Result<()> {
        match self {
            Special::Empty => std::fs::write(path, b""),
            Special::Missing => Ok(()),
            Special::Directory => std::fs::create_dir_all(path),
            Special::Fifo => {
                let status = Command::new("mkfifo").arg(path).status()?;
                if status.success() { Ok(()) } else { Err(std::io::Error::other("mkfifo failed")) }
            }
            Special::Huge => {
                use std::io::Write;
                let mut f = std::io::BufWriter::new(std::fs::File::create(path)?);
                f.write_all(valid)?;
                let line = format!("; {}\n", "x".repeat(1021));
                for _ in 0..(200 << 20) / line.len() {
                    f.write_all(line.as_bytes())?;
                }
                f.flush()
            }
            Special::Vanishing => std::fs::write(path, valid),
        }
    }
}

/// A command of the driver the campaign puts every input through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    Ir,
    Verify,
    Compile(&'static str),
    Run(&'static str),
    Optimize,
    Bench,
}

impl Step {
    pub const ALL: [Step; 10] = [
        Step::Ir,
        Step::Verify,
        Step::Compile("llvm"),
        Step::Compile("cranelift"),
        Step::Compile("gcc"),
        Step::Run("llvm"),
        Step::Run("cranelift"),
        Step::Run("gcc"),
        Step::Optimize,
        Step::Bench,
    ];
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Ir => write!(f, "ir"),
            Step::Verify => write!(f, "verify"),
            Step::Compile(b) => write!(f, "compile --backend {b}"),
            Step::Run(b) => write!(f, "run --backend {b}"),
            Step::Optimize => write!(f, "optimize"),
            Step::Bench => write!(f, "bench"),
        }
    }
}

/// What one command did with one input.
#[derive(Debug)]
pub struct Checked {
    pub step: Step,
    /// The driver's exit code (128+N for signal N); `None` when it overran its limit.
    pub code: Option<i32>,
    pub elapsed: Duration,
    /// Why this outcome breaks a promise; `None` when it keeps them.
    pub finding: Option<String>,
}

/// How long a command may take on any input before it counts as hanging.
pub fn limit(step: Step) -> Duration {
    match step {
        Step::Ir | Step::Verify => Duration::from_secs(60),
        Step::Compile(_) => Duration::from_secs(120),
        Step::Run(_) => Duration::from_secs(30),
        Step::Optimize | Step::Bench => Duration::from_secs(240),
    }
}

/// Runs `step` of `driver` on `input` in the scratch directory `dir` and checks the outcome.
/// `built` tells `run` that `compile` with the same backend built the input: its program
/// then runs, and may end any way or loop for ever (stopped at the limit, not a finding).
pub fn check(
    driver: &Path,
    step: Step,
    input: &Path,
    dir: &Path,
    special: Option<Special>,
    built: bool,
) -> Checked {
    let out = dir.join(format!("out-{}", step.to_string().replace([' ', '-'], "_")));
    let signals = dir.join("signals.jsonl");
    let _ = std::fs::remove_file(&out);
    let _ = std::fs::remove_file(&signals);
    let mut cmd = Command::new(driver);
    let mut outputs: Vec<PathBuf> = Vec::new();
    match step {
        Step::Ir => {
            cmd.arg("ir").arg(input).arg("-o").arg(&out);
            outputs.push(out.clone());
        }
        Step::Verify => {
            cmd.arg("verify").arg(input);
        }
        Step::Compile(b) => {
            cmd.arg("compile").arg(input).args(["--backend", b]).arg("-o").arg(&out);
            outputs.push(out.clone());
        }
        Step::Run(b) => {
            cmd.arg("run").arg(input).args(["--backend", b]);
        }
        Step::Optimize => {
            cmd.arg("optimize").arg(input).arg("-o").arg(&out).arg("--signals").arg(&signals);
            cmd.args(["--strategy", "random", "--budget-evals", "3", "--jobs", "1", "--seed", "1"]);
            cmd.args(["--timeout", "30s", "--run-timeout", "10s", "--quiet"]);
            outputs.push(out.clone());
        }
        Step::Bench => {
            let corpus = dir.join("bench-corpus");
            let _ = std::fs::remove_dir_all(&corpus);
            let _ = std::fs::create_dir_all(&corpus);
            let name = corpus.join("mutant.ll");
            if special == Some(Special::Missing) {
                // Nothing to link: the lab's corpus is then empty.
            } else if let Err(e) = std::os::unix::fs::symlink(input, &name) {
                return Checked {
                    step,
                    code: Some(0),
                    elapsed: Duration::ZERO,
                    finding: Some(format!("campaign: cannot link the input: {e}")),
                };
            }
            cmd.arg("bench").arg("--corpus").arg(&corpus).arg("--db").arg(dir.join("lab.sqlite"));
            cmd.args(["--tag", "mutant", "--backends", "llvm", "--strategies", "presets"]);
            cmd.args(["--objective", "instcount", "--budget-evals", "2", "--quiet"]);
            cmd.args(["--run-timeout", "10s"]);
        }
    }
    cmd.current_dir(dir).stdin(Stdio::null());
    let started = Instant::now();
    let ran = if special == Some(Special::Vanishing) {
        // Removed at a different moment for each command: before it reads, while it does,
        // or after.
        let at = Step::ALL.iter().position(|s| *s == step).unwrap_or(0);
        let delay = Duration::from_millis([1, 15, 40, 80, 150, 300, 600][at % 7]);
        run_and_remove(cmd, input, delay, limit(step))
    } else {
        opm_backend::process::run_with_timeout(&mut cmd, None, limit(step))
    };
    let elapsed = started.elapsed();
    let ran = match ran {
        Ok(r) => r,
        Err(e) => {
            return Checked {
                step,
                code: None,
                elapsed,
                finding: Some(format!("campaign: cannot start the driver: {e}")),
            };
        }
    };
    let code = ran.shell_code();
    let stderr = String::from_utf8_lossy(&ran.stderr).into_owned();
    let finding = match (step, code) {
        (Step::Run(_), None) if built => None,
        _ => judge(step, code, &stderr, input, &outputs),
    };
    Checked { step, code, elapsed, finding }
}

/// Starts `cmd`, removes `input` `delay` later, and waits for it.
fn run_and_remove(
    mut cmd: Command,
    input: &Path,
    delay: Duration,
    limit: Duration,
) -> std::io::Result<opm_backend::process::Ran> {
    let input = input.to_path_buf();
    let remover = std::thread::spawn(move || {
        std::thread::sleep(delay);
        let _ = std::fs::remove_file(&input);
    });
    let ran = opm_backend::process::run_with_timeout(&mut cmd, None, limit);
    let _ = remover.join();
    ran
}

/// The promises of the module's documentation, applied to one outcome.
fn judge(
    step: Step,
    code: Option<i32>,
    stderr: &str,
    input: &Path,
    outputs: &[PathBuf],
) -> Option<String> {
    let first_lines = || stderr.lines().take(3).collect::<Vec<_>>().join(" | ");
    for sign in ["panicked at", "overflowed its stack", "fatal runtime error", "RUST_BACKTRACE"] {
        if stderr.contains(sign) {
            return Some(format!("the driver crashed ({sign}): {}", first_lines()));
        }
    }
    if stderr.contains("LLVM ERROR") || stderr.contains("Stack dump:") {
        return Some(format!("LLVM aborted the driver: {}", first_lines()));
    }
    let Some(code) = code else {
        return Some(format!("still running after {} s", limit(step).as_secs()));
    };
    if let Step::Run(_) = step {
        if code == 2 && !locates(stderr, input) && !stderr.trim().is_empty() {
            // A program exiting 2 prints what it likes; the driver's refusals say where.
            if stderr.contains("opm-driver: error") {
                return Some(format!("exit 2 without the file or construct: {}", first_lines()));
            }
        }
        return None;
    }
    if !(0..=2).contains(&code) {
        return Some(format!("exit status {code}: {}", first_lines()));
    }
    if code == 2 && !locates(stderr, input) {
        return Some(format!("exit 2 without the file or construct: {}", first_lines()));
    }
    for out in outputs {
        let meta = std::fs::metadata(out);
        if code != 0 && meta.is_ok() {
            return Some(format!("exit {code} but {} was left behind", out.display()));
        }
        if code == 0 && meta.is_ok_and(|m| m.len() == 0) {
            return Some(format!("exit 0 but {} is empty", out.display()));
        }
    }
    None
}

/// Whether a refusal names where: the input's file name (`file:line:col`, or the file and
/// what is wrong with it), the lab's corpus for `bench`, or an unsupported construct with
/// its function.
fn locates(stderr: &str, input: &Path) -> bool {
    let name = input.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    (!name.is_empty() && stderr.contains(&name))
        || stderr.contains("bench-corpus")
        || stderr.contains("unsupported")
        || stderr.contains("in function")
}

/// A valid program the mutants are made from.
pub struct Input {
    pub name: String,
    pub bytes: Vec<u8>,
    pub bitcode: bool,
}

/// One input put through the commands.
pub struct Trial {
    /// The mutation or special file.
    pub kind: String,
    /// The program it was made from and what was done to it.
    pub what: String,
    pub checked: Vec<Checked>,
}

impl Trial {
    pub fn findings(&self) -> impl Iterator<Item = (&Checked, &str)> {
        self.checked.iter().filter_map(|c| c.finding.as_deref().map(|f| (c, f)))
    }
}

/// Puts `input` through `steps` in `dir` (created, and emptied of what a step left). Inputs
/// that are refused are refused by every command alike, so once `verify` refuses a mutant the
/// backends are still tried (each parses on its own), but `run` only when `compile` built it.
pub fn trial(
    driver: &Path,
    dir: &Path,
    source: &Input,
    bytes: Option<Vec<u8>>,
    special: Option<Special>,
    steps: &[Step],
) -> std::io::Result<Vec<Checked>> {
    std::fs::create_dir_all(dir)?;
    let ext = if source.bitcode { "bc" } else { "ll" };
    let input = dir.join(format!("mutant.{ext}"));
    let mut built: Vec<&'static str> = Vec::new();
    let mut checked = Vec::new();
    for &step in steps {
        remove_any(&input)?;
        match (special, &bytes) {
            (Some(s), _) => s.make(&input, &source.bytes)?,
            (None, Some(b)) => std::fs::write(&input, b)?,
            (None, None) => std::fs::write(&input, &source.bytes)?,
        }
        let ok_build = matches!(step, Step::Run(b) if built.contains(&b));
        let c = check(driver, step, &input, dir, special, ok_build);
        if let (Step::Compile(b), Some(0)) = (step, c.code) {
            built.push(b);
        }
        checked.push(c);
    }
    remove_any(&input)?;
    Ok(checked)
}

fn remove_any(path: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(_) => Ok(()),
    }
}

/// One input of the campaign's plan.
#[derive(Default)]
pub struct Planned {
    /// The index of the valid program it is made from.
    pub input: usize,
    pub mutation: Option<Mutation>,
    pub special: Option<Special>,
    /// The mutant's bytes (a mutation only).
    pub bytes: Vec<u8>,
    /// The program and what was done to it.
    pub what: String,
}

/// The campaign's plan: `per_mutation` mutants of each input per mutation, then the special
/// files made from the first input; seeded, so a seed always gives the same mutants.
pub fn plan(
    inputs: &[Input],
    per_mutation: usize,
    specials: &[Special],
    seed: u64,
) -> Vec<Planned> {
    let mut rng = Rng::new(seed);
    let mut plan = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let kinds: &[Mutation] = if input.bitcode { &Mutation::BITCODE } else { &Mutation::TEXT };
        for &m in kinds {
            for _ in 0..per_mutation {
                let (bytes, what) = mutate(&input.bytes, m, &mut rng);
                let what = format!("{}: {what}", input.name);
                plan.push(Planned { input: i, mutation: Some(m), special: None, bytes, what });
            }
        }
    }
    if let Some(first) = inputs.first() {
        for &s in specials {
            let what = format!("{}: {}", first.name, s.name());
            plan.push(Planned { special: Some(s), what, ..Planned::default() });
        }
    }
    plan
}

/// Runs `plan` on `jobs` threads, each in its own scratch directory under `dir`, and returns
/// the trials in plan order.
pub fn run_plan(
    driver: &Path,
    dir: &Path,
    inputs: &[Input],
    plan: Vec<Planned>,
    steps: &[Step],
    jobs: usize,
    progress: impl Fn(usize, &Trial) + Sync,
) -> Vec<Trial> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let plan: Vec<_> = plan.into_iter().map(std::sync::Mutex::new).collect();
    let results: Vec<std::sync::Mutex<Option<Trial>>> =
        (0..plan.len()).map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for job in 0..jobs.max(1) {
            let (next, plan, results, progress) = (&next, &plan, &results, &progress);
            s.spawn(move || {
                let scratch = dir.join(format!("job{job}"));
                loop {
                    let k = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(item) = plan.get(k) else { break };
                    let Ok(mut item) = item.lock() else { break };
                    let Planned { input: i, mutation: m, special, bytes, what } =
                        std::mem::take(&mut *item);
                    let kind = match (m, special) {
                        (Some(m), _) => m.name().to_string(),
                        (None, Some(s)) => s.name().to_string(),
                        (None, None) => "unchanged".to_string(),
                    };
                    let kept = bytes.clone();
                    let bytes = m.map(|_| bytes);
                    let checked = match trial(driver, &scratch, &inputs[i], bytes, special, steps) {
                        Ok(c) => c,
                        Err(e) => vec![Checked {
                            step: Step::Ir,
                            code: None,
                            elapsed: Duration::ZERO,
                            finding: Some(format!("campaign: cannot make the input: {e}")),
                        }],
                    };
                    let t = Trial { kind, what, checked };
                    if m.is_some() && t.findings().next().is_some() {
                        // The mutant, kept for replaying the finding.
                        let ext = if inputs[i].bitcode { "bc" } else { "ll" };
                        let kept_dir = dir.join("findings");
                        let _ = std::fs::create_dir_all(&kept_dir);
                        let _ = std::fs::write(kept_dir.join(format!("{k}.{ext}")), &kept);
                    }
                    progress(k, &t);
                    if let Ok(mut slot) = results[k].lock() {
                        *slot = Some(t);
                    }
                }
            });
        }
    });
    results.into_iter().filter_map(|r| r.into_inner().ok().flatten()).collect()
}

/// The campaign's table: per kind of input, the inputs, the command runs, how many were
/// accepted (exit 0 or 1), refused (exit 2, located) and the findings.
pub fn table(trials: &[Trial]) -> String {
    let mut rows: Vec<(String, [usize; 5])> = Vec::new();
    for t in trials {
        let i = match rows.iter().position(|(k, _)| *k == t.kind) {
            Some(i) => i,
            None => {
                rows.push((t.kind.clone(), [0; 5]));
                rows.len() - 1
            }
        };
        let r = &mut rows[i].1;
        r[0] += 1;
        for c in &t.checked {
            r[1] += 1;
            match (c.code, &c.finding) {
                (_, Some(_)) => r[4] += 1,
                (Some(2), None) => r[3] += 1,
                _ => r[2] += 1,
            }
        }
    }
    let mut total = [0; 5];
    let mut out = String::from(
        "| input | inputs | command runs | accepted | refused, located | findings |\n\
         |---|---:|---:|---:|---:|---:|\n",
    );
    for (kind, r) in &rows {
        for (t, v) in total.iter_mut().zip(r) {
            *t += v;
        }
        out += &format!("| {kind} | {} | {} | {} | {} | {} |\n", r[0], r[1], r[2], r[3], r[4]);
    }
    let t = total;
    out += &format!("| all | {} | {} | {} | {} | {} |\n", t[0], t[1], t[2], t[3], t[4]);
    out
}
