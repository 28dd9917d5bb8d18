//! `tune`'s final comparison: each build's `.text` bytes, run time and build time, side by
//! side, and the check that every build prints what cargo's build prints.

use crate::error::Error;
use opm_backend::process::{Ending, run_with_timeout};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// How long one run of a program may take in the table's runs.
const RUN_LIMIT: Duration = Duration::from_secs(600);

/// One build of the program, as the table shows it.
#[derive(Clone, Debug)]
pub struct Entry {
    pub label: String,
    pub exe: PathBuf,
    /// Bytes of `.text` in the executable.
    pub text_bytes: u64,
    /// The build of the binary's crate alone (dependencies built), when measured so.
    pub build_time: Option<Duration>,
    /// The median of the timed runs.
    pub run_time: Option<Duration>,
}

/// `tune`'s table as it is stored (`comparison.json`), for scripts and benchmarks.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    /// Timed runs per build (after one warm-up run each).
    pub runs: usize,
    /// The program's arguments in those runs.
    pub run_args: Vec<String>,
    /// The whole of `tune`: builds, search, the winner's build and these runs.
    pub tune_seconds: f64,
    /// The rows, cargo's `--release` build first.
    pub builds: Vec<Row>,
}

/// One row of the table.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub label: String,
    pub text_bytes: u64,
    pub run_ms: Option<f64>,
    pub build_seconds: Option<f64>,
}

impl Comparison {
    pub fn new(entries: &[Entry], runs: usize, run_args: &[String], tune: Duration) -> Self {
        let builds = entries
            .iter()
            .map(|e| Row {
                label: e.label.clone(),
                text_bytes: e.text_bytes,
                run_ms: e.run_time.map(|d| d.as_secs_f64() * 1e3),
                build_seconds: e.build_time.map(|d| d.as_secs_f64()),
            })
            .collect();
        Comparison { runs, run_args: run_args.to_vec(), tune_seconds: tune.as_secs_f64(), builds }
    }
}

/// The `.text` bytes of an executable.
pub fn text_bytes(exe: &Path) -> Result<u64, Error> {
    let bytes = std::fs::read(exe).map_err(|e| Error::io(exe, e))?;
    opm_backend::object::text_bytes(&bytes)
        .map_err(|e| Error::Failed(format!("{}: {e}", exe.display())))
}

/// What a run printed and how it ended.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Outcome {
    stdout: Vec<u8>,
    code: Option<i32>,
}

fn run_once(exe: &Path, args: &[String]) -> Result<(Outcome, Duration), Error> {
    let mut cmd = Command::new(exe);
    cmd.args(args);
    let ran = run_with_timeout(&mut cmd, None, RUN_LIMIT).map_err(|e| Error::io(exe, e))?;
    if ran.ending == Ending::TimedOut {
        return Err(Error::Failed(format!(
            "{} ran for more than {} s",
            exe.display(),
            RUN_LIMIT.as_secs()
        )));
    }
    let code = ran.shell_code();
    Ok((Outcome { stdout: ran.stdout, code }, ran.elapsed))
}

fn median(mut v: Vec<Duration>) -> Option<Duration> {
    v.sort();
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some((v[n / 2 - 1] + v[n / 2]) / 2),
    }
}

/// Runs every entry `runs` times after one warm-up run each, round after round (so that a
/// change in the machine's load touches all of them alike), and sets their median run times.
/// Every run must print what the first entry's first run printed and end with its status.
pub fn time_runs(entries: &mut [Entry], args: &[String], runs: usize) -> Result<(), Error> {
    let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); entries.len()];
    let mut reference: Option<(Outcome, String)> = None;
    for round in 0..=runs {
        for (i, e) in entries.iter().enumerate() {
            let (outcome, elapsed) = run_once(&e.exe, args)?;
            match &reference {
                None => reference = Some((outcome, e.label.clone())),
                Some((r, label)) if *r != outcome => {
                    return Err(Error::Failed(format!(
                        "{} ({}) does not behave as {label}: {}",
                        e.label,
                        e.exe.display(),
                        difference(r, &outcome)
                    )));
                }
                Some(_) => {}
            }
            if round > 0 {
                samples[i].push(elapsed);
            }
        }
    }
    for (e, s) in entries.iter_mut().zip(samples) {
        e.run_time = median(s);
    }
    Ok(())
}

/// Runs `reference` and `exe` once each with `args`: how `exe` behaves otherwise (its output
/// or exit status), if it does.
pub fn compare_once(
    reference: &Path,
    exe: &Path,
    args: &[String],
) -> Result<Option<String>, Error> {
    let (want, _) = run_once(reference, args)?;
    let (got, _) = run_once(exe, args)?;
    Ok((want != got).then(|| difference(&want, &got)))
}

/// How two runs differ, in a few words.
fn difference(a: &Outcome, b: &Outcome) -> String {
    if a.code != b.code {
        return format!("exit status {:?} instead of {:?}", b.code, a.code);
    }
    let at = a.stdout.iter().zip(&b.stdout).position(|(x, y)| x != y);
    let at = at.unwrap_or(a.stdout.len().min(b.stdout.len()));
    format!(
        "its output differs at byte {at} ({} bytes instead of {})",
        b.stdout.len(),
        a.stdout.len()
    )
}

/// A percentage change from `base`, as `-12.3%`.
fn change(value: f64, base: f64) -> String {
    if base <= 0.0 {
        return String::new();
    }
    format!("{:+.1}%", (value / base - 1.0) * 100.0)
}

fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

fn millis(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

/// The table: one row per entry, changes against the first.
pub fn render(entries: &[Entry], runs: usize) -> String {
    let label_w = entries.iter().map(|e| e.label.chars().count()).max().unwrap_or(0).max(5);
    let mut out = format!(
        "{:<label_w$}  {:>12} {:>8}  {:>12} {:>8}  {:>10}\n",
        "build",
        ".text bytes",
        "",
        format!("run (med {runs})"),
        "",
        "build time"
    );
    let base = entries.first();
    for e in entries {
        let text_change =
            base.map_or(String::new(), |b| change(e.text_bytes as f64, b.text_bytes as f64));
        let run_change = match (base.and_then(|b| b.run_time), e.run_time) {
            (Some(b), Some(r)) => change(r.as_secs_f64(), b.as_secs_f64()),
            _ => String::new(),
        };
        let first = base.is_some_and(|b| std::ptr::eq(b, e));
        out.push_str(&format!(
            "{:<label_w$}  {:>12} {:>8}  {:>12} {:>8}  {:>10}\n",
            e.label,
            e.text_bytes,
            if first { String::new() } else { text_change },
            e.run_time.map_or_else(|| "-".into(), millis),
            if first { String::new() } else { run_change },
            e.build_time.map_or_else(|| "-".into(), seconds),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_changes() {
        let ms = Duration::from_millis;
        assert_eq!(median(vec![ms(3), ms(1), ms(2)]), Some(ms(2)));
        assert_eq!(median(vec![ms(4), ms(1), ms(2), ms(3)]), Some(Duration::from_micros(2500)));
        assert_eq!(median(vec![]), None);
        assert_eq!(change(90.0, 100.0), "-10.0%");
        assert_eq!(change(1.0, 0.0), "");
    }

    #[test]
    fn the_table_compares_with_the_first_row() {
        let e = |label: &str, text: u64, run: u64| Entry {
            label: label.into(),
            exe: PathBuf::new(),
            text_bytes: text,
            build_time: Some(Duration::from_millis(1500)),
            run_time: Some(Duration::from_millis(run)),
        };
        let t = render(&[e("cargo", 1000, 10), e("opm", 800, 11)], 5);
        assert!(t.contains("-20.0%") && t.contains("+10.0%") && t.contains("1.5 s"), "{t}");
        let first = t.lines().nth(1).unwrap_or_default();
        assert!(!first.contains('%'), "{t}");
    }

    #[test]
    fn differences_are_described() {
        let a = Outcome { stdout: b"abc".to_vec(), code: Some(3) };
        let b = Outcome { stdout: b"abd".to_vec(), code: Some(3) };
        assert_eq!(difference(&a, &b), "its output differs at byte 2 (3 bytes instead of 3)");
        let c = Outcome { code: Some(0), ..a.clone() };
        assert_eq!(difference(&a, &c), "exit status Some(0) instead of Some(3)");
    }
}
