//! Running the programs a search builds: once to compare with the reference build's output,
//! or a warm-up and timed runs.

use opm_backend::process::{Ending, run_with_timeout};
use opm_search::{Rejection, RunOutput, RuntimeStats, Verdict};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// What one run of a program did.
pub(crate) struct RunResult {
    pub code: i32,
    pub elapsed: Duration,
    pub stdout: Vec<u8>,
}

/// Why a run gave no result.
pub(crate) enum RunError {
    Timeout,
    Io(std::io::Error),
}

/// Runs `exe args` with stdin empty, its standard output kept and its standard error
/// discarded; kills it after `limit`.
pub(crate) fn run_once(
    exe: &Path,
    args: &[String],
    limit: Duration,
) -> Result<RunResult, RunError> {
    let ran = run_with_timeout(Command::new(exe).args(args), None, limit).map_err(RunError::Io)?;
    match ran.ending {
        Ending::TimedOut => Err(RunError::Timeout),
        Ending::Exited(status) => Ok(RunResult {
            code: opm_backend::process::shell_exit_code(status),
            elapsed: ran.elapsed,
            stdout: ran.stdout,
        }),
    }
}

/// What the reference build of the input printed, in full: the input built by LLVM without
/// passes, whatever the backend searched.
pub(crate) struct Reference {
    pub output: RunOutput,
    pub stdout: Vec<u8>,
    pub elapsed: Duration,
}

impl Reference {
    /// Runs the reference build `exe` twice (at once when `parallel`: the search has the cores
    /// for it): outputs can only be compared when the same build prints the same.
    pub fn measure(
        exe: &Path,
        args: &[String],
        limit: Duration,
        parallel: bool,
    ) -> Result<Reference, String> {
        let run = || match run_once(exe, args, limit) {
            Ok(r) => Ok(r),
            Err(RunError::Timeout) => {
                Err(format!("did not finish within {:.0} s", limit.as_secs_f64()))
            }
            Err(RunError::Io(e)) => Err(format!("cannot run: {e}")),
        };
        let (first, second) = if parallel {
            std::thread::scope(|scope| {
                let other = scope.spawn(run);
                let first = run();
                let second = other.join().unwrap_or_else(|_| Err("the run's thread died".into()));
                (first, second)
            })
        } else {
            (run(), run())
        };
        let (first, second) = (first?, second?);
        if first.stdout != second.stdout || first.code != second.code {
            let why = if first.code != second.code {
                format!("exited with status {} and then {}", first.code, second.code)
            } else {
                "printed different output".to_string()
            };
            return Err(format!(
                "{why} on two runs of the same build, so a candidate's output cannot be \
                 checked against it; use --no-run (or give arguments that make it \
                 deterministic)"
            ));
        }
        Ok(Reference {
            output: RunOutput {
                stdout_sha256: sha256_hex(&first.stdout),
                stdout_bytes: first.stdout.len() as u64,
                exit_code: first.code,
            },
            elapsed: first.elapsed.min(second.elapsed),
            stdout: first.stdout,
        })
    }

    /// Whether the run `r` printed what the reference printed and ended the same way.
    fn matches(&self, r: &RunResult) -> Result<(), Rejection> {
        if r.stdout == self.stdout && r.code == self.output.exit_code {
            Ok(())
        } else {
            Err(Rejection::new(Verdict::Miscompile, self.mismatch(r)))
        }
    }

    /// How the run `r` differs from the reference.
    fn mismatch(&self, r: &RunResult) -> String {
        if r.code != self.output.exit_code {
            return format!("exit status {} instead of {}", r.code, self.output.exit_code);
        }
        let at = self.stdout.iter().zip(&r.stdout).position(|(a, b)| a != b);
        match at {
            Some(i) => format!("output differs from the reference's at byte {i}"),
            None => format!(
                "output has {} bytes instead of the reference's {}",
                r.stdout.len(),
                self.stdout.len()
            ),
        }
    }

    /// What a candidate's run out of time is told.
    pub fn timeout_text(&self, limit: Duration) -> String {
        format!(
            "the program ran longer than {:.1} s (the build without passes takes {:.2} s)",
            limit.as_secs_f64(),
            self.elapsed.as_secs_f64()
        )
    }

    /// One run of `exe` whose output and exit status must be the reference's; running out of
    /// time or failing to start is the candidate's verdict too.
    fn run_matching(
        &self,
        exe: &Path,
        args: &[String],
        limit: Duration,
    ) -> Result<RunResult, Rejection> {
        let r = run_once(exe, args, limit).map_err(|e| match e {
            RunError::Timeout => Rejection::new(Verdict::Timeout, self.timeout_text(limit)),
            RunError::Io(e) => Rejection::new(Verdict::Crash, format!("cannot run: {e}")),
        })?;
        self.matches(&r)?;
        Ok(r)
    }

    /// One run of `exe`, compared with the reference's output.
    pub fn check(&self, exe: &Path, args: &[String], limit: Duration) -> Result<(), Rejection> {
        self.run_matching(exe, args, limit).map(|_| ())
    }

    /// One warm-up run and `runs` timed runs of `exe`; every run's output must match the
    /// reference's.
    pub fn time(
        &self,
        exe: &Path,
        args: &[String],
        limit: Duration,
        runs: usize,
    ) -> Result<RuntimeStats, Rejection> {
        let mut samples = Vec::new();
        for i in 0..=runs.max(1) {
            let r = self.run_matching(exe, args, limit)?;
            if i > 0 {
                samples.push(r.elapsed.as_nanos() as u64);
            }
        }
        RuntimeStats::from_samples(samples)
            .ok_or_else(|| Rejection::new(Verdict::Crash, "no timed run"))
    }
}

/// The SHA-256 of `bytes`, in hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}
