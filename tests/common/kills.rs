//! The kill campaign: `opm-driver optimize` killed with SIGKILL at a chosen moment, then
//! run again with `--resume`, against the same search left alone. Shared by
//! `tests/reliability.rs` (a bounded sample, seeded per run) and `bench --bin kills`.
//!
//! Promises checked per kill:
//! - every line of the signals file is a whole record (none half-written);
//! - the winner's file (`-o`) is absent or whole: the reference's bytes;
//! - every measurement acknowledged before the kill is still there after the resume;
//! - the resumed search ends with the same winner, and the same output bytes, as the search
//!   that was never interrupted (instruction count and size objectives, same seed).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What an uninterrupted search found.
pub struct Reference {
    /// The line `best (…): PIPELINE` it printed.
    pub best: String,
    /// The winner's file.
    pub output: Vec<u8>,
    pub elapsed: Duration,
    /// How many signal lines it wrote.
    pub signals: usize,
}

/// What one kill and resume did.
#[derive(Debug)]
pub struct Killed {
    pub at: Duration,
    /// Whole signal lines on disk when the driver died.
    pub acknowledged: usize,
    /// Whether the search had already finished (nothing to interrupt).
    pub finished_first: bool,
    /// The broken promises; empty when all held.
    pub findings: Vec<String>,
}

fn command(driver: &Path, ir: &Path, dir: &Path, args: &[String], resume: bool) -> Command {
    let mut cmd = Command::new(driver);
    cmd.arg("optimize").arg(ir).args(args);
    cmd.arg("--signals").arg(dir.join("signals.jsonl")).arg("-o").arg(dir.join("best.ll"));
    if resume {
        cmd.arg("--resume");
    }
    cmd.current_dir(dir).stdin(Stdio::null());
    cmd
}

fn best_line(stdout: &[u8], stderr: &[u8]) -> Option<String> {
    let text = format!("{}{}", String::from_utf8_lossy(stdout), String::from_utf8_lossy(stderr));
    text.lines().find(|l| l.starts_with("best (")).map(str::to_string)
}

/// Lines of the signals file: (whole records, lines that are not).
fn signal_lines(path: &Path) -> (Vec<String>, usize) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let mut whole = Vec::new();
    let mut torn = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        if serde_json::from_str::<serde_json::Value>(line).is_ok() {
            whole.push(line.to_string());
        } else {
            torn += 1;
        }
    }
    if !text.is_empty() && !text.ends_with('\n') {
        torn += 1;
    }
    (whole, torn)
}

const LIMIT: Duration = Duration::from_secs(600);

/// Runs the search to its end in `dir` (emptied first).
pub fn reference(
    driver: &Path,
    ir: &Path,
    dir: &Path,
    args: &[String],
) -> Result<Reference, String> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let ran = opm_backend::process::run_with_timeout(
        &mut command(driver, ir, dir, args, false),
        None,
        LIMIT,
    )
    .map_err(|e| e.to_string())?;
    let elapsed = started.elapsed();
    if ran.shell_code() != Some(0) {
        return Err(format!(
            "the reference search failed: {}",
            String::from_utf8_lossy(&ran.stderr)
        ));
    }
    let best = best_line(&ran.stdout, &ran.stderr).ok_or("the reference printed no winner")?;
    let output = std::fs::read(dir.join("best.ll")).map_err(|e| e.to_string())?;
    let signals = signal_lines(&dir.join("signals.jsonl")).0.len();
    Ok(Reference { best, output, elapsed, signals })
}

/// Starts `cmd` in a process group of its own, kills it with SIGKILL `at` after its start
/// (then what is left of its group: its compiler workers), and says whether it had already
/// finished by then.
fn run_and_kill(mut cmd: Command, at: Duration) -> Result<bool, String> {
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd.spawn().map_err(|e| e.to_string())?;
    let started = Instant::now();
    let mut finished_first = false;
    while started.elapsed() < at {
        if child.try_wait().map_err(|e| e.to_string())?.is_some() {
            finished_first = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let pid = child.id() as i32;
    // SAFETY: signals our own child (the driver), then what is left of its process group,
    // which it can no longer stop itself.
    unsafe {
        libc::kill(pid, libc::SIGKILL);
    }
    let _ = child.wait();
    unsafe {
        libc::killpg(pid, libc::SIGKILL);
    }
    Ok(finished_first)
}

/// Starts the search in `dir` (emptied first), kills it with SIGKILL `at` after its start,
/// checks what it left, resumes it and compares the end with `reference`.
pub fn kill_and_resume(
    driver: &Path,
    ir: &Path,
    dir: &Path,
    args: &[String],
    at: Duration,
    reference: &Reference,
) -> Result<Killed, String> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let finished_first = run_and_kill(command(driver, ir, dir, args, false), at)?;
    let mut findings = Vec::new();
    let signals = dir.join("signals.jsonl");
    let (before, torn) = signal_lines(&signals);
    if torn > 0 {
        findings.push(format!("{torn} half-written signal line(s) after the kill"));
    }
    let best = dir.join("best.ll");
    if let Ok(bytes) = std::fs::read(&best)
        && bytes != reference.output
    {
        findings.push(format!("best.ll left by the kill is not whole ({} bytes)", bytes.len()));
    }
    let ran = opm_backend::process::run_with_timeout(
        &mut command(driver, ir, dir, args, true),
        None,
        LIMIT,
    )
    .map_err(|e| e.to_string())?;
    if ran.shell_code() != Some(0) {
        findings.push(format!(
            "the resumed search failed ({:?}): {}",
            ran.shell_code(),
            String::from_utf8_lossy(&ran.stderr).lines().take(3).collect::<Vec<_>>().join(" | ")
        ));
    } else {
        let (after, _) = signal_lines(&signals);
        let lost = before.iter().filter(|l| !after.contains(l)).count();
        if lost > 0 {
            findings.push(format!("{lost} of {} measurements lost by the resume", before.len()));
        }
        match best_line(&ran.stdout, &ran.stderr) {
            Some(b) if b == reference.best => {}
            other => findings.push(format!("winner {other:?}, uninterrupted: {}", reference.best)),
        }
        if std::fs::read(&best).ok().as_ref() != Some(&reference.output) {
            findings.push("the resumed winner's file differs from the uninterrupted one".into());
        }
    }
    Ok(Killed { at, acknowledged: before.len(), finished_first, findings })
}

/// The kill moments of a campaign: `n` moments spread over `0..span`, jittered by `seed`.
pub fn moments(n: usize, span: Duration, seed: u64) -> Vec<Duration> {
    let mut rng = opm_search::rng::Rng::new(seed);
    (0..n)
        .map(|i| {
            let slot = span.as_secs_f64() / n.max(1) as f64;
            Duration::from_secs_f64(slot * (i as f64 + rng.unit()))
        })
        .collect()
}

/// The scratch directory of kill number `i` under `dir`.
pub fn trial_dir(dir: &Path, i: usize) -> PathBuf {
    dir.join(format!("kill{i}"))
}

/// A lab's export, as the comparable part of each line (program, backend, pipeline,
/// strategies, verdicts, instruction count, size, binary), sorted.
fn lab_export(driver: &Path, db: &Path) -> Result<Vec<String>, String> {
    let mut cmd = Command::new(driver);
    cmd.args(["bench", "export", "--db"]).arg(db).arg("lab");
    let ran =
        opm_backend::process::run_with_timeout(&mut cmd, None, LIMIT).map_err(|e| e.to_string())?;
    if ran.shell_code() != Some(0) {
        return Err(format!("bench export: {}", String::from_utf8_lossy(&ran.stderr)));
    }
    let keys = [
        "program",
        "backend",
        "pipeline",
        "strategies",
        "verdicts",
        "instcount",
        "text_bytes",
        "binary_hash",
    ];
    let mut rows = Vec::new();
    for line in String::from_utf8_lossy(&ran.stdout).lines() {
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
        let kept: serde_json::Map<String, serde_json::Value> =
            keys.iter().map(|k| (k.to_string(), v[*k].clone())).collect();
        rows.push(serde_json::Value::Object(kept).to_string());
    }
    rows.sort();
    Ok(rows)
}

fn bench_command(driver: &Path, corpus: &Path, dir: &Path, args: &[String]) -> Command {
    let mut cmd = Command::new(driver);
    cmd.arg("bench").arg("--corpus").arg(corpus).arg("--db").arg(dir.join("lab.sqlite"));
    cmd.args(["--tag", "lab"]).args(args).current_dir(dir).stdin(Stdio::null());
    cmd
}

/// What an uninterrupted lab measured: its export's rows, and how long it took.
pub fn bench_reference(
    driver: &Path,
    corpus: &Path,
    dir: &Path,
    args: &[String],
) -> Result<(Vec<String>, Duration), String> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let ran = opm_backend::process::run_with_timeout(
        &mut bench_command(driver, corpus, dir, args),
        None,
        LIMIT,
    )
    .map_err(|e| e.to_string())?;
    let elapsed = started.elapsed();
    if ran.shell_code() != Some(0) {
        return Err(format!("the reference lab failed: {}", String::from_utf8_lossy(&ran.stderr)));
    }
    Ok((lab_export(driver, &dir.join("lab.sqlite"))?, elapsed))
}

/// `bench` killed with SIGKILL `at` after its start, then run again (it resumes by tag):
/// the database reads after the kill, keeps every row it had, and ends equal to `reference`.
pub fn bench_kill_and_resume(
    driver: &Path,
    corpus: &Path,
    dir: &Path,
    args: &[String],
    at: Duration,
    reference: &[String],
) -> Result<Killed, String> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let finished_first = run_and_kill(bench_command(driver, corpus, dir, args), at)?;
    let db = dir.join("lab.sqlite");
    let mut findings = Vec::new();
    // A kill before the run was recorded leaves no tag to export: nothing was acknowledged.
    let before = if db.exists() { lab_export(driver, &db).unwrap_or_default() } else { Vec::new() };
    let ran = opm_backend::process::run_with_timeout(
        &mut bench_command(driver, corpus, dir, args),
        None,
        LIMIT,
    )
    .map_err(|e| e.to_string())?;
    if ran.shell_code() != Some(0) {
        findings.push(format!(
            "the lab run again failed ({:?}): {}",
            ran.shell_code(),
            String::from_utf8_lossy(&ran.stderr).lines().take(3).collect::<Vec<_>>().join(" | ")
        ));
    } else {
        let after = lab_export(driver, &db)?;
        // A row's strategies and verdicts grow when the rerun meets the same pipeline again;
        // its measurements must not change, nor may it go.
        let measured = |row: &String| -> Option<String> {
            let v: serde_json::Value = serde_json::from_str(row).ok()?;
            let keys = ["program", "backend", "pipeline", "instcount", "text_bytes", "binary_hash"];
            Some(keys.iter().map(|k| v[*k].to_string()).collect::<Vec<_>>().join("|"))
        };
        let now: Vec<Option<String>> = after.iter().map(measured).collect();
        let lost = before.iter().filter(|r| !now.contains(&measured(r))).count();
        if lost > 0 {
            findings.push(format!("{lost} of {} rows lost or changed by the rerun", before.len()));
        }
        if after != reference {
            findings.push(format!(
                "the lab ends with {} rows unlike the uninterrupted one's {} (first: {:?})",
                after.len(),
                reference.len(),
                after.iter().find(|r| !reference.contains(r))
            ));
        }
    }
    Ok(Killed { at, acknowledged: before.len(), finished_first, findings })
}
