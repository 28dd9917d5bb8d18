//! Crash-isolated compilation: a persistent worker process (`opm-driver worker`, hidden)
//! runs LLVM's passes and code generation, or Cranelift's code generation, for one candidate
//! at a time, so that a fatal error, an abort, a segfault or a hang kills only that worker;
//! the parent turns it into the candidate's verdict and starts a new worker.
//!
//! The protocol is one JSON object per line: requests on the worker's stdin, replies on the
//! file descriptor that was its stdout (the worker points its own stdout at stderr, so that
//! nothing LLVM prints can corrupt the protocol). Each step of a candidate is announced on
//! stderr first, so that a crash names the step that caused it.

use crate::model::Verdict;
use serde::{Deserialize, Serialize};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the parent asks of a worker.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "request", rename_all = "kebab-case")]
pub enum Request {
    /// Load the module to optimise (bitcode built from the canonical IR), named `name`.
    Load { bitcode: PathBuf, name: String },
    /// Apply `steps` to a fresh copy of the module, checking after each one.
    Optimize { steps: Vec<String> },
    /// Compile the last optimised module to an object file.
    Codegen { object: PathBuf },
    /// Print the last optimised module to a file as LLVM text (metadata included).
    WriteIr { path: PathBuf },
    /// Compile the loaded module's canonical IR with Cranelift's `settings` (their text) to an
    /// object file. The module was verified when the search started (the parent's
    /// `Input::verify`, on the same file); Cranelift's verifier checks every function.
    CraneliftCodegen { settings: String, object: PathBuf },
    /// Compile the loaded module's canonical IR, emitted as C, with gcc and the options
    /// `flags` (gcc's own text, checked by the parent) to an object file; gcc is killed after
    /// `limit_ms`.
    GccCodegen { flags: String, object: PathBuf, limit_ms: u64 },
}

/// A step's failure found by the worker's own checks (crashes are found by the parent).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rejection {
    pub verdict: Verdict,
    pub detail: String,
}

/// What a worker answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reply", rename_all = "kebab-case")]
pub enum Reply {
    Loaded {
        instcount: u64,
    },
    Optimized {
        pass_ms: f64,
        check_ms: f64,
        /// Set when the result was measured; `rejected` otherwise.
        instcount: Option<u64>,
        ir_hash: Option<String>,
        rejected: Option<Rejection>,
    },
    Compiled {
        text_bytes: u64,
        codegen_ms: f64,
    },
    Written,
    /// The compiler refused the candidate (Cranelift: an unsupported construct, or an error
    /// or a caught panic inside Cranelift).
    Rejected {
        verdict: Verdict,
        detail: String,
    },
    /// The request could not be served (a protocol or environment error, not a verdict).
    Failed {
        message: String,
    },
}

// ---------------------------------------------------------------------------------------
// The worker side.

/// Serves requests on stdin until it closes. Called by the hidden `worker` subcommand.
pub fn serve(memory_limit_mib: Option<u64>) -> std::io::Result<()> {
    if let Some(mib) = memory_limit_mib {
        let bytes = mib.saturating_mul(1 << 20) as libc::rlim_t;
        let limit = libc::rlimit { rlim_cur: bytes, rlim_max: bytes };
        // SAFETY: plain system call on this process.
        unsafe { libc::setrlimit(libc::RLIMIT_AS, &limit) };
    }
    // Keep the protocol on a private descriptor and send whatever else reaches stdout to
    // stderr.
    // SAFETY: duplicating standard descriptors of this process.
    let proto_fd = unsafe {
        let fd = libc::dup(1);
        libc::dup2(2, 1);
        fd
    };
    if proto_fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: `proto_fd` is a fresh descriptor owned by nobody else.
    let mut out = unsafe { <std::fs::File as std::os::fd::FromRawFd>::from_raw_fd(proto_fd) };
    let mut session = Session::default();
    let stdin = std::io::stdin();
    for line in stdin.lock().lines() {
        let line = line?;
        let reply = match serde_json::from_str::<Request>(&line) {
            Ok(request) => session.handle(request),
            Err(e) => Reply::Failed { message: format!("bad request: {e}") },
        };
        let mut text = serde_json::to_string(&reply).expect("replies serialise");
        text.push('\n');
        out.write_all(text.as_bytes())?;
        out.flush()?;
    }
    Ok(())
}

/// The worker's state between requests.
#[derive(Default)]
struct Session {
    /// The module's bitcode and its canonical IR (the preservation check's reference).
    input: Option<(Vec<u8>, opm_ir::Module)>,
    /// The module's name (LLVM names a module after its buffer).
    name: String,
    /// The last optimised module: its bitcode (for code generation) and canonical IR.
    last: Option<(Vec<u8>, opm_ir::Module)>,
    codegen: Option<opm_llvm::Codegen>,
    /// The loaded module emitted as C, once a GCC candidate asked for it.
    c_source: Option<String>,
}

/// The reply to a compilation that produced the object `bytes`: written to `object`, with
/// its `.text` size.
fn compiled_object(bytes: &[u8], object: &Path, codegen_ms: f64) -> Result<Reply, String> {
    let text_bytes = opm_llvm::text_section_bytes(bytes).map_err(|e| e.to_string())?;
    std::fs::write(object, bytes).map_err(|e| format!("{}: {e}", object.display()))?;
    Ok(Reply::Compiled { text_bytes, codegen_ms })
}

impl Session {
    fn handle(&mut self, request: Request) -> Reply {
        match self.try_handle(request) {
            Ok(reply) => reply,
            Err(message) => Reply::Failed { message },
        }
    }

    fn try_handle(&mut self, request: Request) -> Result<Reply, String> {
        use opm_llvm::inkwell::context::Context;
        match request {
            Request::Load { bitcode, name } => {
                let bytes =
                    std::fs::read(&bitcode).map_err(|e| format!("{}: {e}", bitcode.display()))?;
                self.name = name;
                let ctx = Context::create();
                let module = opm_llvm::parse_bytes(&ctx, &bytes, &self.name)
                    .and_then(|m| opm_llvm::import_module(&m))
                    .map_err(|e| e.to_string())?;
                let codegen =
                    opm_llvm::Codegen::new(&module.target_triple, opm_llvm::CodegenLevel::Default)
                        .map_err(|e| e.to_string())?;
                let instcount = module.instruction_count() as u64;
                self.codegen = Some(codegen);
                self.input = Some((bytes, module));
                self.last = None;
                self.c_source = None;
                Ok(Reply::Loaded { instcount })
            }
            Request::Optimize { steps } => self.optimize(&steps),
            Request::Codegen { object } => {
                let (bitcode, _) = self.last.as_ref().ok_or("nothing optimised yet")?;
                let codegen = self.codegen.as_ref().ok_or("no module loaded")?;
                let ctx = Context::create();
                let module =
                    opm_llvm::parse_bytes(&ctx, bitcode, &self.name).map_err(|e| e.to_string())?;
                eprintln!("opm-worker: step: code generation");
                let start = Instant::now();
                let bytes = codegen.emit_object(&module).map_err(|e| e.to_string())?;
                let codegen_ms = ms(start.elapsed());
                let text_bytes = opm_llvm::text_section_bytes(&bytes).map_err(|e| e.to_string())?;
                std::fs::write(&object, &bytes)
                    .map_err(|e| format!("{}: {e}", object.display()))?;
                Ok(Reply::Compiled { text_bytes, codegen_ms })
            }
            Request::WriteIr { path } => {
                let (bitcode, _) = self.last.as_ref().ok_or("nothing optimised yet")?;
                let ctx = Context::create();
                let module =
                    opm_llvm::parse_bytes(&ctx, bitcode, &self.name).map_err(|e| e.to_string())?;
                module.print_to_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                Ok(Reply::Written)
            }
            Request::CraneliftCodegen { settings, object } => {
                let (_, module) = self.input.as_ref().ok_or("no module loaded")?;
                eprintln!("opm-worker: step: Cranelift code generation `{settings}`");
                let start = Instant::now();
                let compiled = opm_cranelift::compile_to_object(module, Some(&settings));
                let codegen_ms = ms(start.elapsed());
                match compiled {
                    Ok(bytes) => compiled_object(&bytes, &object, codegen_ms),
                    Err(e) => {
                        let verdict = match e {
                            opm_cranelift::CraneliftError::Unsupported { .. } => {
                                Verdict::Unsupported
                            }
                            _ => Verdict::Crash,
                        };
                        Ok(Reply::Rejected { verdict, detail: e.to_string() })
                    }
                }
            }
            Request::GccCodegen { flags, object, limit_ms } => {
                let (_, module) = self.input.as_ref().ok_or("no module loaded")?;
                eprintln!("opm-worker: step: gcc `{flags}`");
                let start = Instant::now();
                let limit = std::time::Duration::from_millis(limit_ms);
                if self.c_source.is_none() {
                    match opm_gcc::emit::emit_module(module) {
                        Ok(c) => self.c_source = Some(c),
                        Err(e) => {
                            let detail = e.to_string();
                            return Ok(Reply::Rejected { verdict: Verdict::Unsupported, detail });
                        }
                    }
                }
                let c = self.c_source.as_deref().unwrap_or_default();
                let compiled = opm_gcc::Gcc::find().and_then(|gcc| {
                    let args = opm_gcc::pipeline_args(&gcc, Some(&flags))?;
                    opm_gcc::compile_c_to_object(&gcc, c, &args, limit)
                });
                let codegen_ms = ms(start.elapsed());
                match compiled {
                    Ok(bytes) => compiled_object(&bytes, &object, codegen_ms),
                    Err(e) => {
                        let verdict = match e {
                            opm_gcc::GccError::Timeout { .. } => Verdict::Timeout,
                            _ => Verdict::Crash,
                        };
                        Ok(Reply::Rejected { verdict, detail: e.to_string() })
                    }
                }
            }
        }
    }

    fn optimize(&mut self, steps: &[String]) -> Result<Reply, String> {
        use opm_llvm::inkwell::context::Context;
        self.last = None;
        let (bitcode, reference) = self.input.as_ref().ok_or("no module loaded")?;
        let codegen = self.codegen.as_ref().ok_or("no module loaded")?;
        let ctx = Context::create();
        let module = opm_llvm::parse_bytes(&ctx, bitcode, &self.name).map_err(|e| e.to_string())?;
        let (mut pass_ms, mut check_ms) = (0.0, 0.0);
        let mut canonical = None;
        let rejected = |verdict, detail: String, pass_ms, check_ms| Reply::Optimized {
            pass_ms,
            check_ms,
            instcount: None,
            ir_hash: None,
            rejected: Some(Rejection { verdict, detail }),
        };
        for (i, step) in steps.iter().enumerate() {
            eprintln!("opm-worker: step {}: {step}", i + 1);
            let start = Instant::now();
            let result = codegen.run_pipeline(&module, step, true);
            pass_ms += ms(start.elapsed());
            if let Err(e) = result {
                let detail = format!("step {} `{step}`: {e}", i + 1);
                return Ok(rejected(Verdict::Crash, detail, pass_ms, check_ms));
            }
            let start = Instant::now();
            let checked = check(&module, reference);
            check_ms += ms(start.elapsed());
            match checked {
                Ok(m) => canonical = Some(m),
                Err((verdict, why)) => {
                    let detail = format!("after step {} `{step}`: {why}", i + 1);
                    return Ok(rejected(verdict, detail, pass_ms, check_ms));
                }
            }
        }
        let canonical = match canonical {
            Some(m) => m,
            None => reference.clone(),
        };
        let reply = Reply::Optimized {
            pass_ms,
            check_ms,
            instcount: Some(canonical.instruction_count() as u64),
            ir_hash: Some(ir_identity(&canonical)),
            rejected: None,
        };
        let bitcode = module.write_bitcode_to_memory().as_slice().to_vec();
        self.last = Some((bitcode, canonical));
        Ok(reply)
    }
}

/// The identity of an optimised module: its structural hash, ignoring what LLVM decides by
/// itself when it reads the module back from text (the module's name, taken from the file,
/// and the function attributes of intrinsic declarations, which come from LLVM's intrinsic
/// table). Two modules with the same identity compile to the same code.
pub fn ir_identity(module: &opm_ir::Module) -> String {
    let mut m = module.clone();
    m.name.clear();
    for f in m.functions.iter_mut().filter(|f| f.blocks.is_empty() && f.name.starts_with("llvm.")) {
        f.attrs.func.clear();
    }
    m.structural_hash()
}

/// The identity of a Cranelift candidate's result: the SHA-256 of its object file. Cranelift's
/// settings leave the IR as it is, and equal objects link into equal programs.
pub fn object_identity(object: &[u8]) -> String {
    crate::engine::sha256_hex(object)
}

/// Imports the module after a step and checks it: opm's verifier, then the preservation
/// check against the input.
fn check(
    module: &opm_llvm::inkwell::module::Module<'_>,
    reference: &opm_ir::Module,
) -> Result<opm_ir::Module, (Verdict, String)> {
    let canonical = opm_llvm::import_module(module).map_err(|e| {
        let verdict = if matches!(e, opm_llvm::LlvmError::Unsupported { .. }) {
            Verdict::Unsupported
        } else {
            Verdict::InvariantViolation
        };
        (verdict, e.to_string())
    })?;
    let mut violations = opm_verifier::verify_module(&canonical);
    violations.extend(opm_verifier::check_preservation(reference, &canonical));
    if violations.is_empty() {
        return Ok(canonical);
    }
    let shown: Vec<String> = violations.iter().take(3).map(|v| v.to_string()).collect();
    let more = violations.len().saturating_sub(3);
    let tail = if more > 0 { format!(" (and {more} more)") } else { String::new() };
    Err((Verdict::InvariantViolation, format!("{}{tail}", shown.join("; "))))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

// ---------------------------------------------------------------------------------------
// The parent side.

/// How a request to a worker failed. The worker is gone in every case.
#[derive(Debug)]
pub enum WorkerFailure {
    /// The worker died: a signal, an abort or a fatal error's exit.
    Died { verdict: Verdict, detail: String },
    /// No reply within the time limit; the worker was killed.
    TimedOut { detail: String },
    /// The worker could not be started or talked to.
    Io(String),
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
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| WorkerFailure::Io(format!("cannot start {}: {e}", exe.display())))?;
        let stdin = child.stdin.take().expect("piped");
        let stdout = child.stdout.take().expect("piped");
        let mut stderr_pipe = child.stderr.take().expect("piped");
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
                let mut kept = sink.lock().expect("stderr buffer");
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
        self.stderr.lock().expect("stderr buffer").clear();
        let mut line = serde_json::to_string(request).expect("requests serialise");
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
                    detail: format!("no result after {:.1} s{step}", limit.as_secs_f64()),
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
        let text =
            String::from_utf8_lossy(&self.stderr.lock().expect("stderr buffer")).into_owned();
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
        let stderr =
            String::from_utf8_lossy(&self.stderr.lock().expect("stderr buffer")).into_owned();
        let (verdict, detail) = describe_death(status.ok(), &stderr);
        WorkerFailure::Died { verdict, detail }
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
fn describe_death(status: Option<ExitStatus>, stderr: &str) -> (Verdict, String) {
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
    (verdict, detail.chars().take(2000).collect())
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;

    #[test]
    fn deaths_are_named_with_their_step() {
        let (v, d) = describe_death(
            Some(ExitStatus::from_raw(11)),
            "opm-worker: step 1: default<O2>\nopm-worker: step 2: function(gvn)\n",
        );
        assert_eq!(v, Verdict::Crash);
        assert_eq!(d, "the compiler was killed by signal 11 (SIGSEGV) in step 2: function(gvn)");
        let (v, d) = describe_death(
            Some(ExitStatus::from_raw(1 << 8)),
            "opm-worker: step 1: x\nInstruction does not dominate all uses!\nLLVM ERROR: Broken module found, compilation aborted!\n",
        );
        assert_eq!(v, Verdict::InvariantViolation);
        assert!(d.contains("exited with status 1 in step 1: x: LLVM ERROR: Broken module"), "{d}");
        assert!(d.contains("does not dominate"), "{d}");
    }
}
