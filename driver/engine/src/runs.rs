//! Running the programs a search builds: once to compare with the reference build's output,
//! or a warm-up and timed runs.

use crate::error::cannot_run_text;
use crate::timing::{Sample, runs_per_sample};
use opm_backend::process::{Ending, Limits, ProcessLimit, process_limit, run_limited};
use opm_search::{Clock, Rejection, RunOutput, RuntimeStats, Verdict};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

/// What one run of a program did.
pub(crate) struct RunResult {
    pub code: i32,
    pub elapsed: Duration,
    /// User and system CPU time, where the kernel told it.
    pub cpu: Option<Duration>,
    pub stdout: Vec<u8>,
    /// It printed past its output limit and was stopped there.
    pub cut: bool,
}

/// Why a run gave no result.
pub(crate) enum RunError {
    Timeout,
    Io(std::io::Error),
}

/// Address space a run of the program may use unless the budget says otherwise.
pub const RUN_MEMORY_MIB: u64 = 4096;

/// The address-space limit of each run under `budget`, in MiB.
pub fn memory_mib(budget: &opm_search::Budget) -> u64 {
    budget.run_memory_limit_mib.unwrap_or(RUN_MEMORY_MIB)
}
/// The largest file a run of the program may write.
pub const RUN_FILE_BYTES: u64 = 1 << 30;
/// What the reference build may print (a candidate: the reference's output and 1 MiB more).
pub const REFERENCE_OUTPUT_BYTES: usize = 256 << 20;
/// Processes (threads count) a run may have at once: in a `pids` cgroup of its own where one
/// can be made, else beyond those its user had when the search began (which does not bind
/// root); see [`opm_backend::process::process_limit`].
pub const RUN_PROCESSES: u64 = 256;

/// The limits every run of the program is held to, so that a build that allocates, writes,
/// prints or forks without bound ends as that candidate's verdict instead of taking the
/// machine (or the driver's memory, which holds what it prints) with it.
pub(crate) fn limits(output_bytes: usize, memory_mib: u64) -> Limits {
    Limits {
        output_bytes: Some(output_bytes),
        memory_bytes: Some(memory_mib.saturating_mul(1 << 20)),
        file_bytes: Some(RUN_FILE_BYTES),
        processes: Some(RUN_PROCESSES),
    }
}

/// How the limits read in a verdict.
pub fn limits_text(memory_mib: u64) -> String {
    let processes = match process_limit() {
        ProcessLimit::PerRun => format!(" and {RUN_PROCESSES} processes"),
        ProcessLimit::PerUser => format!(" and {RUN_PROCESSES} more processes"),
        ProcessLimit::None => String::new(),
    };
    format!(
        "runs are limited to {memory_mib} MiB of address space, {} MiB per file written, {} MiB \
         of output beyond the reference's{processes}",
        RUN_FILE_BYTES >> 20,
        CANDIDATE_OUTPUT_SLACK >> 20
    )
}

/// What a candidate may print beyond the reference's output.
const CANDIDATE_OUTPUT_SLACK: usize = 1 << 20;

/// Runs `exe args` with stdin empty, its standard output kept (up to `output_bytes`) and its
/// standard error discarded, within the run limits; kills it after `limit`.
pub(crate) fn run_once(
    exe: &Path,
    args: &[String],
    limit: Duration,
    output_bytes: usize,
    memory_mib: u64,
) -> Result<RunResult, RunError> {
    let mut cmd = Command::new(exe);
    cmd.args(args);
    let limits = limits(output_bytes, memory_mib);
    let ran = run_limited(&mut cmd, None, limit, &limits).map_err(RunError::Io)?;
    match ran.ending {
        Ending::TimedOut => Err(RunError::Timeout),
        Ending::Exited(status) => Ok(RunResult {
            code: opm_backend::process::shell_exit_code(status),
            elapsed: ran.elapsed,
            cpu: ran.cpu,
            stdout: ran.stdout,
            cut: ran.cut,
        }),
    }
}

/// What the reference build of the input printed, in full: the input built by LLVM without
/// passes, whatever the backend searched.
pub(crate) struct Reference {
    pub output: RunOutput,
    pub stdout: Vec<u8>,
    pub elapsed: Duration,
    /// The CPU time of that run, where the kernel told it.
    pub cpu: Option<Duration>,
    exe: PathBuf,
    args: Vec<String>,
    limit: Duration,
    /// The address-space limit of every run, in MiB.
    memory_mib: u64,
    /// A second run of the reference build, made when a candidate first prints otherwise:
    /// whether the build prints the same twice, which tells a miscompile from a program whose
    /// output varies. `Err` says how it varied.
    again: OnceLock<Result<(), String>>,
    /// Why a candidate's build could not be run at all (not started, or not waited for): the
    /// machine's fault, never the candidate's, and then no output can be checked.
    unstartable: OnceLock<String>,
}

impl Reference {
    /// Runs the reference build `exe` once.
    pub fn measure(
        exe: &Path,
        args: &[String],
        limit: Duration,
        memory_mib: u64,
    ) -> Result<Reference, ReferenceRunError> {
        let first = run_reference(exe, args, limit, memory_mib)?;
        Ok(Reference {
            output: RunOutput {
                stdout_sha256: sha256_hex(&first.stdout),
                stdout_bytes: first.stdout.len() as u64,
                exit_code: first.code,
            },
            elapsed: first.elapsed,
            cpu: first.cpu,
            stdout: first.stdout,
            exe: exe.to_path_buf(),
            args: args.to_vec(),
            limit,
            memory_mib,
            again: OnceLock::new(),
            unstartable: OnceLock::new(),
        })
    }

    /// Whether the reference build printed otherwise on a second run (made only once a
    /// candidate printed otherwise): then no output can be checked against it.
    pub fn varies(&self) -> Option<&str> {
        self.again.get().and_then(|r| r.as_ref().err()).map(String::as_str)
    }

    /// Why a candidate's build could not be run at all, if one could not (see
    /// [`Reference::cannot_run`]): then no output can be checked on this machine.
    pub fn unstartable(&self) -> Option<&str> {
        self.unstartable.get().map(String::as_str)
    }

    /// The candidate's build `exe` could not be run (`e`): not the candidate's fault, so the
    /// search stops (on [`Reference::unstartable`]) rather than hold it against the
    /// candidate's passes.
    pub(crate) fn cannot_run(&self, exe: &Path, e: &std::io::Error) -> Rejection {
        let why = cannot_run_text(exe, e);
        let _ = self.unstartable.set(why.clone());
        Rejection::new(Verdict::Crash, why)
    }

    /// Runs the reference build a second time, once: whether it printed what it printed the
    /// first time.
    fn confirm(&self) -> Result<(), &str> {
        let again = self.again.get_or_init(|| {
            let second = run_reference(&self.exe, &self.args, self.limit, self.memory_mib)
                .map_err(|e| e.to_string())?;
            if second.code != self.output.exit_code {
                let why = format!(
                    "exited with status {} and then {}",
                    self.output.exit_code, second.code
                );
                return Err(varying(&why));
            }
            if second.stdout != self.stdout {
                return Err(varying("printed different output"));
            }
            Ok(())
        });
        again.as_ref().map(|_| ()).map_err(String::as_str)
    }

    /// Whether the run `r` printed what the reference printed and ended the same way.
    /// A run that differs is a miscompile once a second run of the reference build printed
    /// what its first did; otherwise the program's output varies, and the rejection says so
    /// (the search stops on [`Reference::varies`]).
    fn matches(&self, r: &RunResult) -> Result<(), Rejection> {
        if r.stdout == self.stdout && r.code == self.output.exit_code {
            return Ok(());
        }
        match self.confirm() {
            Ok(()) => Err(Rejection::new(Verdict::Miscompile, self.mismatch(r))),
            Err(why) => Err(Rejection::new(
                Verdict::Crash,
                format!("the program built without passes {why}"),
            )),
        }
    }

    /// How the run `r` differs from the reference.
    fn mismatch(&self, r: &RunResult) -> String {
        if r.cut {
            return format!(
                "printed more than the reference's {} bytes and was stopped at its output \
                 limit ({})",
                self.stdout.len(),
                limits_text(self.memory_mib)
            );
        }
        if r.code != self.output.exit_code {
            let mut text = format!("exit status {} instead of {}", r.code, self.output.exit_code);
            if r.code > 128 {
                text.push_str(&format!(" (a signal ended it; {})", limits_text(self.memory_mib)));
            }
            return text;
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

    /// Whether the run `r`, made while this reference build still ran (see [`run_early`]),
    /// printed what the reference printed and ended the same way: what it printed beyond the
    /// reference's output limit counts as cut there, as if it had been run after.
    pub(crate) fn judge(&self, mut r: RunResult) -> Result<(), Rejection> {
        let cap = self.stdout.len().saturating_add(CANDIDATE_OUTPUT_SLACK);
        if r.stdout.len() > cap {
            r.stdout.truncate(cap);
            r.cut = true;
        }
        self.matches(&r)
    }

    /// One run of `exe` whose output and exit status must be the reference's; running out of
    /// time or failing to start is the candidate's verdict too.
    fn run_matching(
        &self,
        exe: &Path,
        args: &[String],
        limit: Duration,
    ) -> Result<RunResult, Rejection> {
        let cap = self.stdout.len().saturating_add(CANDIDATE_OUTPUT_SLACK);
        let r = run_once(exe, args, limit, cap, self.memory_mib).map_err(|e| match e {
            RunError::Timeout => Rejection::new(Verdict::Timeout, self.timeout_text(limit)),
            RunError::Io(e) => self.cannot_run(exe, &e),
        })?;
        self.matches(&r)?;
        Ok(r)
    }

    /// One run of `exe`, compared with the reference's output.
    pub fn check(&self, exe: &Path, args: &[String], limit: Duration) -> Result<(), Rejection> {
        self.run_matching(exe, args, limit).map(|_| ())
    }

    /// `runs` runs of `exe` in a row, each one's output matching the reference's: one
    /// measurement, their mean time per run.
    pub fn sample(
        &self,
        exe: &Path,
        args: &[String],
        limit: Duration,
        runs: u32,
    ) -> Result<Sample, Rejection> {
        let (mut wall, mut cpu) = (Duration::ZERO, Some(Duration::ZERO));
        for _ in 0..runs.max(1) {
            let r = self.run_matching(exe, args, limit)?;
            wall += r.elapsed;
            cpu = cpu.zip(r.cpu).map(|(a, b)| a + b);
        }
        Ok(Sample::mean_of(wall, cpu, runs))
    }

    /// One warm-up run and `samples` timed measurements of `exe`, read on `clock`; every
    /// run's output must match the reference's. A program whose warm-up run is shorter than
    /// the timing floor is run several times per measurement ([`runs_per_sample`]).
    pub fn time(
        &self,
        exe: &Path,
        args: &[String],
        limit: Duration,
        samples: usize,
        clock: Clock,
    ) -> Result<RuntimeStats, Rejection> {
        let warm = self.run_matching(exe, args, limit)?;
        let runs = runs_per_sample(warm.cpu.unwrap_or(warm.elapsed)).runs();
        let (mut wall, mut cpu) = (Vec::new(), Vec::new());
        for _ in 0..samples.max(1) {
            let s = self.sample(exe, args, limit, runs)?;
            wall.push(s.wall.as_nanos() as u64);
            cpu.extend(s.cpu.map(|c| c.as_nanos() as u64));
        }
        RuntimeStats::measured(wall, cpu, clock, runs)
            .ok_or_else(|| Rejection::new(Verdict::Crash, "no timed run"))
    }
}

/// Why a run of the reference build gave no output to compare with.
#[derive(Debug)]
pub(crate) enum ReferenceRunError {
    /// It could not be started: the machine's fault, said as [`crate::Error::cannot_run`]
    /// says it.
    Start(String),
    /// It ran, but not so that outputs can be compared (said as
    /// [`crate::Error::ReferenceRun`] says it).
    Run(String),
}

impl std::fmt::Display for ReferenceRunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReferenceRunError::Start(why) | ReferenceRunError::Run(why) => f.write_str(why),
        }
    }
}

/// One run of the reference build.
fn run_reference(
    exe: &Path,
    args: &[String],
    limit: Duration,
    memory_mib: u64,
) -> Result<RunResult, ReferenceRunError> {
    match run_once(exe, args, limit, REFERENCE_OUTPUT_BYTES, memory_mib) {
        Ok(r) if r.cut => Err(ReferenceRunError::Run(format!(
            "printed more than {} MiB, the most a run may print",
            REFERENCE_OUTPUT_BYTES >> 20
        ))),
        Ok(r) => Ok(r),
        Err(RunError::Timeout) => Err(ReferenceRunError::Run(format!(
            "did not finish within {:.0} s",
            limit.as_secs_f64()
        ))),
        Err(RunError::Io(e)) => Err(ReferenceRunError::Start(cannot_run_text(exe, &e))),
    }
}

/// A candidate's run made while the reference build still runs, to be judged by
/// [`Reference::judge`] once it has ended: held to `limit` and to the reference's own output
/// limit (the reference's output is not known yet). `None` when it ran out of `limit`; an
/// error when it could not be run at all (see [`Reference::cannot_run`]).
pub(crate) fn run_early(
    exe: &Path,
    args: &[String],
    limit: Duration,
    memory_mib: u64,
) -> Result<Option<RunResult>, std::io::Error> {
    match run_once(exe, args, limit, REFERENCE_OUTPUT_BYTES, memory_mib) {
        Ok(r) => Ok(Some(r)),
        Err(RunError::Timeout) => Ok(None),
        Err(RunError::Io(e)) => Err(e),
    }
}

/// Why a reference build whose output varies cannot be checked against, and what to do.
fn varying(why: &str) -> String {
    format!(
        "{why} on two runs of the same build, so a candidate's output cannot be checked \
         against it; use --no-run (or give arguments that make it deterministic)"
    )
}

/// The SHA-256 of `bytes`, in hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_candidate_build_that_cannot_be_run_is_the_machines_fault_not_a_verdict_to_learn() {
        let limit = Duration::from_secs(30);
        let args = vec!["hello".to_string()];
        let reference = Reference::measure(Path::new("/bin/echo"), &args, limit, RUN_MEMORY_MIB)
            .unwrap_or_else(|e| panic!("echo: {e}"));
        assert_eq!(reference.stdout, b"hello\n");
        // A build that runs and prints the same passes; one that prints otherwise does not,
        // and neither says the machine failed.
        assert!(reference.check(Path::new("/bin/echo"), &args, limit).is_ok());
        let silent = reference.check(Path::new("/bin/true"), &args, limit).err();
        assert_eq!(silent.map(|r| r.verdict), Some(Verdict::Miscompile));
        assert!(reference.unstartable().is_none());
        // One that cannot be run at all is rejected, and the reference says why for the
        // search to stop on.
        let gone = std::env::temp_dir().join("opm-no-such-dir").join("candidate-3.exe");
        let rejected = reference.check(&gone, &args, limit).err();
        let detail = rejected.map(|r| r.detail).unwrap_or_default();
        assert!(detail.starts_with(&format!("cannot run {}: ", gone.display())), "{detail}");
        assert_eq!(reference.unstartable(), Some(detail.as_str()));
        assert!(reference.varies().is_none());
    }
}
