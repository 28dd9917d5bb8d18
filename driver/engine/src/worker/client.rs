//! The parent's side of the protocol: a worker process, its requests and how it died.

use super::{Reply, Request};
use crate::lock;
use opm_search::{Rejection, Verdict};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How a request to a worker failed. The worker is gone in every case.
#[derive(Debug)]
pub enum WorkerFailure {
    /// The worker died: a signal, an abort or a fatal error's exit.
    Died(Rejection),
    /// No reply within the time limit; the worker was killed.
    TimedOut { detail: String },
    /// The worker could not be started or talked to.
    Io(String),
}

impl WorkerFailure {
    /// What happened, as the verdict of the candidate it was working on.
    pub fn rejection(self) -> Rejection {
        match self {
            WorkerFailure::Died(r) => r,
            WorkerFailure::TimedOut { detail } => Rejection::new(Verdict::Timeout, detail),
            WorkerFailure::Io(m) => Rejection::new(Verdict::Crash, m),
        }
    }
}

const STDERR_KEEP: usize = 64 * 1024;

/// A running worker process.
pub struct Worker {
    child: Child,
    stdin: ChildStdin,
    replies: Receiver<String>,
    stderr: Arc<Mutex<Vec<u8>>>,
    stderr_reader: Option<std::thread::JoinHandle<()>>,
}

impl Worker {
    /// Starts `exe worker` (the `opm-driver` binary).
    pub fn spawn(exe: &Path, memory_limit_mib: Option<u64>) -> Result<Worker, WorkerFailure> {
        let mut cmd = Command::new(exe);
        cmd.arg("worker");
        if let Some(mib) = memory_limit_mib {
            cmd.arg("--memory-limit-mib").arg(mib.to_string());
        }
        // Without address-space randomisation, so that LLVM passes whose result depends on
        // addresses give the same result in every run (the worker forks each candidate from
        // the same memory). Where the system refuses, the worker runs randomised.
        // SAFETY: one system call between fork and exec.
        unsafe {
            use std::os::unix::process::CommandExt;
            cmd.pre_exec(|| {
                let current = libc::personality(0xffff_ffff);
                if current != -1 {
                    libc::personality(
                        (current as libc::c_ulong) | libc::ADDR_NO_RANDOMIZE as libc::c_ulong,
                    );
                }
                Ok(())
            });
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| WorkerFailure::Io(format!("cannot start {}: {e}", exe.display())))?;
        let pipes = (child.stdin.take(), child.stdout.take(), child.stderr.take());
        let (Some(stdin), Some(stdout), Some(mut stderr_pipe)) = pipes else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(WorkerFailure::Io(format!("{} started without its pipes", exe.display())));
        };
        let (tx, replies) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&stderr);
        let stderr_reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = stderr_pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut kept = lock(&sink);
                kept.extend_from_slice(&buf[..n]);
                if kept.len() > STDERR_KEEP {
                    let cut = kept.len() - STDERR_KEEP;
                    kept.drain(..cut);
                }
            }
        });
        Ok(Worker { child, stdin, replies, stderr, stderr_reader: Some(stderr_reader) })
    }

    /// Sends one request and waits up to `limit` for the reply.
    pub fn request(&mut self, request: &Request, limit: Duration) -> Result<Reply, WorkerFailure> {
        lock(&self.stderr).clear();
        let mut line = serde_json::to_string(request)
            .map_err(|e| WorkerFailure::Io(format!("a request that cannot be written: {e}")))?;
        line.push('\n');
        if self.stdin.write_all(line.as_bytes()).and_then(|()| self.stdin.flush()).is_err() {
            return Err(self.died());
        }
        match self.replies.recv_timeout(limit) {
            Ok(text) => serde_json::from_str(&text)
                .map_err(|e| WorkerFailure::Io(format!("bad reply from a worker: {e}: {text}"))),
            Err(RecvTimeoutError::Disconnected) => Err(self.died()),
            Err(RecvTimeoutError::Timeout) => {
                let _ = self.child.kill();
                let _ = self.child.wait();
                let step = self.last_step();
                Err(WorkerFailure::TimedOut {
                    detail: format!("no result after {}{step}", limit_text(limit)),
                })
            }
        }
    }

    /// The last step the worker announced, as ` in step …`.
    fn last_step(&mut self) -> String {
        if let Some(h) = self.stderr_reader.take() {
            if self.child.try_wait().ok().flatten().is_some() {
                let _ = h.join();
            } else {
                self.stderr_reader = Some(h);
            }
        }
        let text = String::from_utf8_lossy(&lock(&self.stderr)).into_owned();
        text.lines()
            .rev()
            .find_map(|l| l.strip_prefix("opm-worker: step"))
            .map(|s| format!(" in step{s}"))
            .unwrap_or_default()
    }

    fn died(&mut self) -> WorkerFailure {
        let status = self.child.wait();
        if let Some(h) = self.stderr_reader.take() {
            let _ = h.join();
        }
        let stderr = String::from_utf8_lossy(&lock(&self.stderr)).into_owned();
        WorkerFailure::Died(describe_death(status.ok(), &stderr))
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Names a worker's death from its exit status and the end of its stderr: the signal or
/// LLVM's fatal error, and the step it was in. LLVM's verifier failing under verify-each is an
/// invariant violation, not a crash.
fn describe_death(status: Option<ExitStatus>, stderr: &str) -> Rejection {
    use std::os::unix::process::ExitStatusExt;
    let how = match status {
        Some(s) => match (s.signal(), s.code()) {
            (Some(sig), _) => format!("was killed by signal {sig} ({})", signal_name(sig)),
            (None, Some(code)) => format!("exited with status {code}"),
            _ => "ended".to_string(),
        },
        None => "vanished".to_string(),
    };
    let step = stderr
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix("opm-worker: step"))
        .map(|s| format!(" in step{s}"))
        .unwrap_or_default();
    let fatal = stderr.lines().find(|l| l.starts_with("LLVM ERROR:")).map(str::trim);
    let verdict =
        if stderr.contains("Broken module found") || stderr.contains("Broken function found") {
            Verdict::InvariantViolation
        } else {
            Verdict::Crash
        };
    let mut detail = format!("the compiler {how}{step}");
    if let Some(f) = fatal {
        detail.push_str(": ");
        detail.push_str(f);
    }
    // LLVM's verifier explains what is broken on the lines before its fatal error.
    if verdict == Verdict::InvariantViolation {
        let why: Vec<&str> = stderr
            .lines()
            .filter(|l| !l.starts_with("opm-worker:") && !l.starts_with("LLVM ERROR:"))
            .take(3)
            .collect();
        if !why.is_empty() {
            detail.push_str(" — ");
            detail.push_str(&why.join(" | "));
        }
    }
    Rejection::new(verdict, detail.chars().take(2000).collect::<String>())
}

fn signal_name(sig: i32) -> &'static str {
    match sig {
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGABRT => "SIGABRT",
        libc::SIGBUS => "SIGBUS",
        libc::SIGILL => "SIGILL",
        libc::SIGFPE => "SIGFPE",
        libc::SIGKILL => "SIGKILL",
        libc::SIGTRAP => "SIGTRAP",
        _ => "signal",
    }
}

/// A time limit as a timeout names it: in seconds to a tenth, or in milliseconds below 0.1 s.
fn limit_text(limit: Duration) -> String {
    let s = limit.as_secs_f64();
    if s >= 0.1 { format!("{s:.1} s") } else { format!("{} ms", (s * 1e6).round() / 1e3) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;

    #[test]
    fn deaths_are_named_with_their_step() {
        let Rejection { verdict: v, detail: d } = describe_death(
            Some(ExitStatus::from_raw(11)),
            "opm-worker: step 1: default<O2>\nopm-worker: step 2: function(gvn)\n",
        );
        assert_eq!(v, Verdict::Crash);
        assert_eq!(d, "the compiler was killed by signal 11 (SIGSEGV) in step 2: function(gvn)");
        let Rejection { verdict: v, detail: d } = describe_death(
            Some(ExitStatus::from_raw(1 << 8)),
            "opm-worker: step 1: x\nInstruction does not dominate all uses!\nLLVM ERROR: Broken module found, compilation aborted!\n",
        );
        assert_eq!(v, Verdict::InvariantViolation);
        assert!(d.contains("exited with status 1 in step 1: x: LLVM ERROR: Broken module"), "{d}");
        assert!(d.contains("does not dominate"), "{d}");
    }

    #[test]
    fn time_limits_are_named_in_their_unit() {
        assert_eq!(limit_text(Duration::from_secs(12)), "12.0 s");
        assert_eq!(limit_text(Duration::from_millis(250)), "0.2 s");
        assert_eq!(limit_text(Duration::from_millis(50)), "50 ms");
        assert_eq!(limit_text(Duration::from_micros(1)), "0.001 ms");
    }
}
