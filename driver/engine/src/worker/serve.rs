//! The worker's side of the protocol: one module loaded, candidates compiled one at a time.

use super::{Reply, Request};
use opm_backend::{BackendKind, Compiler, Pipeline};
use opm_ir::collections::HashSet;
use opm_search::{IrHash, Rejection, Verdict};
use std::borrow::Cow;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

/// Serves requests on stdin until it closes. Called by the hidden `worker` subcommand.
///
/// Once an LLVM module is loaded, each candidate runs in a child forked from this process
/// as it stands after the load (see [`Zygote`]): every candidate starts from the same memory,
/// so that LLVM passes whose result depends on where their objects lie (GVNSink orders blocks
/// by address) give the same result for the same pipeline, whatever ran before it.
pub fn serve(memory_limit_mib: Option<u64>) -> std::io::Result<()> {
    if let Some(mib) = memory_limit_mib {
        let bytes = mib.saturating_mul(1 << 20) as libc::rlim_t;
        let limit = libc::rlimit { rlim_cur: bytes, rlim_max: bytes };
        // SAFETY: plain system call on this process.
        unsafe { libc::setrlimit(libc::RLIMIT_AS, &limit) };
    }
    // A candidate's heap (a fresh thread's arena, see `Zygote::child`) grows by 32 MiB at a
    // time instead of glibc's 128 KiB, each growth a system call.
    // SAFETY: sets an allocator parameter of this process; no allocation is in progress.
    unsafe { libc::mallopt(libc::M_TOP_PAD, 32 << 20) };
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
    let mut input = Lines::default();
    let zygote = Zygote::new()?;
    let mut handed = false;
    loop {
        if session.forks() {
            // What was read after the last request goes to the child.
            if !input.buffered.is_empty() {
                zygote.give(&std::mem::take(&mut input.buffered))?;
                handed = true;
            }
            match zygote.candidate(&mut session, &mut out, handed)? {
                Ended::Input => return Ok(()),
                Ended::Handoff => {
                    handed = true;
                    continue;
                }
                Ended::HandoffHere => input = Lines::from(zygote.take()?),
            }
        }
        handed = false;
        let Some(line) = input.next_line()? else { return Ok(()) };
        answer(&mut session, &mut out, serde_json::from_slice(&line))?;
    }
}

/// Handles one request (as read from its line) and writes its reply.
fn answer(
    session: &mut Session,
    out: &mut std::fs::File,
    parsed: serde_json::Result<Request>,
) -> std::io::Result<()> {
    let reply = match parsed {
        Ok(request) => session.handle(request),
        Err(e) => Reply::Failed { message: format!("bad request: {e}") },
    };
    let mut text = serde_json::to_string(&reply).map_err(std::io::Error::other)?;
    text.push('\n');
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// Request lines read from stdin without reading past the line asked for more than a read
/// returns (a child hands what it read and did not use to the next one).
#[derive(Default)]
struct Lines {
    buffered: Vec<u8>,
    eof: bool,
}

impl From<Vec<u8>> for Lines {
    fn from(buffered: Vec<u8>) -> Lines {
        Lines { buffered, eof: false }
    }
}

impl Lines {
    /// The next line without its newline; `None` once stdin is closed.
    fn next_line(&mut self) -> std::io::Result<Option<Vec<u8>>> {
        loop {
            if let Some(end) = self.buffered.iter().position(|&b| b == b'\n') {
                let mut line: Vec<u8> = self.buffered.drain(..=end).collect();
                line.pop();
                return Ok(Some(line));
            }
            if self.eof {
                if self.buffered.is_empty() {
                    return Ok(None);
                }
                return Ok(Some(std::mem::take(&mut self.buffered)));
            }
            let mut chunk = [0u8; 16 * 1024];
            // SAFETY: reading into a buffer of the length given.
            let n = unsafe { libc::read(0, chunk.as_mut_ptr().cast(), chunk.len()) };
            match n {
                n if n > 0 => self.buffered.extend_from_slice(&chunk[..n as usize]),
                0 => self.eof = true,
                _ => {
                    let e = std::io::Error::last_os_error();
                    if e.kind() != std::io::ErrorKind::Interrupted {
                        return Err(e);
                    }
                }
            }
        }
    }

    /// `line` and what was read after it, given back.
    fn unread(mut self, line: &[u8]) -> Vec<u8> {
        let mut all = line.to_vec();
        all.push(b'\n');
        all.append(&mut self.buffered);
        all
    }
}

/// Waits for the child `pid` to end: its status.
fn wait_for(pid: libc::pid_t) -> std::io::Result<libc::c_int> {
    let mut status = 0;
    loop {
        // SAFETY: waiting for this process's own child.
        let r = unsafe { libc::waitpid(pid, &mut status, 0) };
        if r == pid {
            return Ok(status);
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

/// The exit status a child wrote on the pipe `fd` before exiting, or `None` once the pipe
/// ends without one (the child died).
fn read_notice(fd: libc::c_int) -> std::io::Result<Option<i32>> {
    let mut byte = 0u8;
    loop {
        // SAFETY: reading one byte into a live buffer.
        let n = unsafe { libc::read(fd, (&raw mut byte).cast(), 1) };
        match n {
            1 => return Ok(Some(i32::from(byte))),
            0 => return Ok(None),
            _ => {
                let e = std::io::Error::last_os_error();
                if e.kind() != std::io::ErrorKind::Interrupted {
                    return Err(e);
                }
            }
        }
    }
}

/// The zygote's state lent to the child's one working thread while its main thread waits.
struct Exclusive<T>(T);

// SAFETY: the child's main thread does nothing but wait for the thread it lends this to.
unsafe impl<T> Send for Exclusive<T> {}

/// How a candidate's child ended, as the zygote learns it.
enum Ended {
    /// Stdin closed.
    Input,
    /// The next candidate's request is in the hand-off file: fork again.
    Handoff,
    /// A request this process must handle itself (a new module, another backend's
    /// compilation, a bad request) is in the hand-off file.
    HandoffHere,
}

/// The child's exit statuses that are not deaths.
const EXIT_INPUT: i32 = 90;
const EXIT_HANDOFF: i32 = 91;
const EXIT_HANDOFF_HERE: i32 = 92;

/// The process every candidate of an LLVM module is forked from. Between two forks it only
/// waits, so that each child starts from the same memory. A child answers one `optimize` or
/// `reproduce` request (only as its first) and the code generation and IR printing of its
/// result, and the compilations of kept modules; the first request it is not for goes into
/// the hand-off file (a memfd) and the child exits, saying who reads it next. It says so on a
/// pipe before it exits, so that the next child is forked while the last one's memory is
/// still being given back. A child's death is this process's: it dies the same way, so that
/// the parent names the signal or the status; a child outlives it by nothing
/// (`PR_SET_PDEATHSIG`).
struct Zygote {
    handoff: std::fs::File,
    /// A child that said how it ends and is still to be reaped.
    ending: std::cell::Cell<Option<libc::pid_t>>,
}

impl Zygote {
    fn new() -> std::io::Result<Zygote> {
        // SAFETY: creating a descriptor this process owns.
        let fd = unsafe { libc::memfd_create(c"opm-handoff".as_ptr(), libc::MFD_CLOEXEC) };
        if fd < 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: `fd` is fresh and owned by nobody else.
        Ok(Zygote {
            handoff: unsafe { <std::fs::File as std::os::fd::FromRawFd>::from_raw_fd(fd) },
            ending: std::cell::Cell::new(None),
        })
    }

    /// The hand-off file's contents, emptied.
    fn take(&self) -> std::io::Result<Vec<u8>> {
        use std::os::unix::fs::FileExt;
        let len = self.handoff.metadata()?.len() as usize;
        let mut bytes = vec![0; len];
        self.handoff.read_exact_at(&mut bytes, 0)?;
        self.handoff.set_len(0)?;
        Ok(bytes)
    }

    fn give(&self, bytes: &[u8]) -> std::io::Result<()> {
        use std::os::unix::fs::FileExt;
        self.handoff.set_len(0)?;
        self.handoff.write_all_at(bytes, 0)
    }

    /// Forks a child for the next candidate (whose request is in the hand-off file when
    /// `handed`) and waits for it.
    fn candidate(
        &self,
        session: &mut Session,
        out: &mut std::fs::File,
        handed: bool,
    ) -> std::io::Result<Ended> {
        // The child writes how it ends here just before it exits (nothing if it dies).
        let mut notice = [0 as libc::c_int; 2];
        // SAFETY: plain system call filling the array given.
        if unsafe { libc::pipe2(notice.as_mut_ptr(), libc::O_CLOEXEC) } < 0 {
            return Err(std::io::Error::last_os_error());
        }
        let [notice_read, notice_write] = notice;
        // SAFETY: plain system calls; this process has one thread, and the child only runs
        // `child` and exits.
        let (zygote, pid) = unsafe { (libc::getpid(), libc::fork()) };
        if pid < 0 {
            let e = std::io::Error::last_os_error();
            // SAFETY: closing the descriptors just made.
            unsafe {
                libc::close(notice_read);
                libc::close(notice_write);
            }
            return Err(e);
        }
        if pid == 0 {
            // SAFETY: system calls on this process.
            unsafe {
                libc::close(notice_read);
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                if libc::getppid() != zygote {
                    libc::_exit(EXIT_INPUT);
                }
            }
            let code = self.child(session, out, handed).unwrap_or_else(|e| {
                eprintln!("opm-worker: {e}");
                1
            });
            if matches!(code, EXIT_INPUT | EXIT_HANDOFF | EXIT_HANDOFF_HERE) {
                let byte = code as u8;
                // SAFETY: writing one byte from a live buffer to the child's own descriptor.
                unsafe { libc::write(notice_write, (&raw const byte).cast(), 1) };
            }
            // SAFETY: ends the child without running what the zygote owns.
            unsafe { libc::_exit(code) }
        }
        // SAFETY: the parent's copy of the child's end, so that the child's death reads as the
        // pipe's end.
        unsafe { libc::close(notice_write) };
        // The child before this one, which said how it ended, is gone by now or soon.
        if let Some(before) = self.ending.take() {
            wait_for(before)?;
        }
        let said = read_notice(notice_read);
        // SAFETY: closing this process's own descriptor.
        unsafe { libc::close(notice_read) };
        let code = match said? {
            Some(code) => {
                self.ending.set(Some(pid));
                code
            }
            None => self.died(pid)?,
        };
        match code {
            EXIT_INPUT => Ok(Ended::Input),
            EXIT_HANDOFF => Ok(Ended::Handoff),
            EXIT_HANDOFF_HERE => Ok(Ended::HandoffHere),
            code => std::process::exit(code),
        }
    }

    /// The exit status of the child `pid`, which ended without saying how; dies as it did if
    /// a signal ended it.
    fn died(&self, pid: libc::pid_t) -> std::io::Result<i32> {
        let status = wait_for(pid)?;
        if libc::WIFSIGNALED(status) {
            let sig = libc::WTERMSIG(status);
            // SAFETY: dying of the child's signal, with its default action.
            unsafe {
                libc::signal(sig, libc::SIG_DFL);
                libc::raise(sig);
                libc::_exit(128 + sig)
            }
        }
        Ok(libc::WEXITSTATUS(status))
    }

    /// The child's work: the candidate's requests, until one that is not for it.
    fn child(
        &self,
        session: &mut Session,
        out: &mut std::fs::File,
        handed: bool,
    ) -> std::io::Result<i32> {
        let mut input = if handed { Lines::from(self.take()?) } else { Lines::default() };
        // A candidate's passes run only in a child that has done nothing else yet.
        let mut answered = false;
        loop {
            let Some(line) = input.next_line()? else { return Ok(EXIT_INPUT) };
            let request = serde_json::from_slice::<Request>(&line);
            let next = match &request {
                Ok(Request::Optimize { .. } | Request::Reproduce { .. }) if answered => {
                    Some(EXIT_HANDOFF)
                }
                Ok(
                    Request::Optimize { .. }
                    | Request::Reproduce { .. }
                    | Request::Codegen { .. }
                    | Request::WriteIr { .. }
                    | Request::KeepBitcode { .. }
                    | Request::CodegenKept { .. },
                ) => None,
                _ => Some(EXIT_HANDOFF_HERE),
            };
            answered = true;
            if let Some(code) = next {
                self.give(&input.unread(&line))?;
                return Ok(code);
            }
            // On a thread of its own: glibc gives it a heap (arena) of its own, so that where
            // the candidate's objects lie depends on its requests alone, not on how loading
            // the module or reading requests left the main heap.
            let work = Exclusive((&mut *session, &mut *out));
            std::thread::scope(|scope| {
                let thread = scope.spawn(move || {
                    let work = work;
                    let (session, out) = work.0;
                    answer(session, out, request)
                });
                // A panic ends the child as it would have ended the worker (its message is on
                // stderr already).
                // SAFETY: ends the child without running what the zygote owns.
                thread.join().unwrap_or_else(|_| unsafe { libc::_exit(101) })
            })?;
        }
    }
}

/// The loaded module prepared for its backend's compiler, or why it cannot be.
type Prepared = Result<Box<dyn Compiler>, Rejection>;

/// The worker's state between requests.
#[derive(Default)]
struct Session {
    /// The module's bitcode and its canonical IR (the preservation check's reference).
    input: Option<(Vec<u8>, opm_ir::Module)>,
    /// The module as parsed at its load, for one candidate: a child forked after the load
    /// runs its passes on this (its own copy of the zygote's memory) instead of reading the
    /// bitcode again.
    parsed: Option<opm_llvm::OwnedModule>,
    /// The module's name (LLVM names a module after its buffer).
    name: String,
    /// Whose pipelines the candidates are.
    backend: Option<BackendKind>,
    /// The last optimised module (for code generation and printing).
    last: Option<Last>,
    codegen: Option<opm_llvm::Codegen>,
    /// The loaded module prepared for the backend, once a candidate asked for it (GCC emits
    /// its C once for all candidates).
    prepared: Option<Prepared>,
    /// LLVM's verifier after every pass (otherwise after every step).
    verify_each_pass: bool,
}

/// An optimised module as the worker keeps it.
struct Last {
    module: opm_llvm::OwnedModule,
    /// Its bitcode, written only when a request needs it (most candidates' code is never
    /// generated).
    bitcode: std::cell::OnceCell<Vec<u8>>,
    /// Its canonical IR, held rather than dropped: a child ends without freeing what it holds.
    _canonical: opm_ir::Module,
}

/// The reply to a compilation that produced the object `bytes`: written to `object`, with
/// its `.text` size.
fn compiled_object(bytes: &[u8], object: &Path, codegen_ms: f64) -> Result<Reply, String> {
    let text_bytes = opm_backend::object::text_bytes(bytes).map_err(|e| e.to_string())?;
    std::fs::write(object, bytes).map_err(|e| format!("{}: {e}", object.display()))?;
    Ok(Reply::Compiled { text_bytes, codegen_ms })
}

impl Session {
    /// Whether candidates run in forked children: once an LLVM module is loaded.
    fn forks(&self) -> bool {
        self.input.is_some() && self.backend == Some(BackendKind::Llvm)
    }

    fn handle(&mut self, request: Request) -> Reply {
        match self.try_handle(request) {
            Ok(reply) => reply,
            Err(message) => Reply::Failed { message },
        }
    }

    fn try_handle(&mut self, request: Request) -> Result<Reply, String> {
        use opm_llvm::inkwell::context::Context;
        match request {
            Request::Load { bitcode, name, backend, verify_each_pass } => {
                let bytes =
                    std::fs::read(&bitcode).map_err(|e| format!("{}: {e}", bitcode.display()))?;
                self.name = name;
                // Verified once here: a candidate's passes start from this module unverified.
                let parsed =
                    opm_llvm::OwnedModule::parse(&bytes, &self.name).map_err(|e| e.to_string())?;
                let module = parsed
                    .with(|m| {
                        opm_llvm::verify_input(m, &self.name)?;
                        opm_llvm::import_module(m)
                    })
                    .map_err(|e| e.to_string())?;
                let codegen =
                    opm_llvm::Codegen::new(&module.target_triple, opm_llvm::CodegenLevel::Default)
                        .map_err(|e| e.to_string())?;
                let instcount = module.instruction_count() as u64;
                self.codegen = Some(codegen);
                self.input = Some((bytes, module));
                self.parsed = Some(parsed);
                self.backend = Some(backend);
                self.verify_each_pass = verify_each_pass;
                self.last = None;
                self.prepared = None;
                Ok(Reply::Loaded { instcount })
            }
            Request::Optimize { steps } => self.optimize(&steps, true),
            Request::Reproduce { steps } => self.optimize(&steps, false),
            Request::Codegen { object } => {
                let bitcode = last_bitcode(self.last.as_ref())?;
                let codegen = self.codegen.as_ref().ok_or("no module loaded")?;
                codegen_bitcode(codegen, bitcode, &self.name, &object)
            }
            Request::KeepBitcode { path } => {
                let bitcode = last_bitcode(self.last.as_ref())?;
                std::fs::write(&path, bitcode).map_err(|e| format!("{}: {e}", path.display()))?;
                Ok(Reply::Written)
            }
            Request::CodegenKept { bitcode, object } => {
                let codegen = self.codegen.as_ref().ok_or("no module loaded")?;
                let bytes =
                    std::fs::read(&bitcode).map_err(|e| format!("{}: {e}", bitcode.display()))?;
                codegen_bitcode(codegen, &bytes, &self.name, &object)
            }
            Request::WriteIr { path } => {
                let bitcode = last_bitcode(self.last.as_ref())?;
                let ctx = Context::create();
                let module =
                    opm_llvm::parse_bytes(&ctx, bitcode, &self.name).map_err(|e| e.to_string())?;
                module.print_to_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                Ok(Reply::Written)
            }
            Request::Compile { pipeline, object, limit_ms } => {
                self.compile(&pipeline, &object, Duration::from_millis(limit_ms))
            }
        }
    }

    /// Compiles the loaded module's canonical IR with the backend's pipeline `text`.
    fn compile(&mut self, text: &str, object: &Path, limit: Duration) -> Result<Reply, String> {
        let backend = self.backend.ok_or("no module loaded")?;
        let (_, module) = self.input.as_ref().ok_or("no module loaded")?;
        let pipeline = Pipeline::read(backend, text).map_err(|e| e.to_string())?;
        eprintln!("opm-worker: step: {backend} `{text}`");
        let start = Instant::now();
        let prepared = self.prepared.get_or_insert_with(|| {
            let backend = crate::backends::open(backend).map_err(|e| {
                // The parent opened the same backend before starting workers.
                Rejection::new(Verdict::Crash, format!("the backend is unusable: {e}"))
            })?;
            backend
                .prepare(module)
                .map_err(|e| Rejection::new(Verdict::of_error(e.kind()), e.to_string()))
        });
        let compiler = match prepared {
            Ok(c) => c,
            Err(rejection) => return Ok(Reply::Rejected(rejection.clone())),
        };
        let compiled = compiler.compile(&pipeline, limit);
        let codegen_ms = ms(start.elapsed());
        match compiled {
            Ok(bytes) => compiled_object(&bytes, object, codegen_ms),
            Err(e) => {
                Ok(Reply::Rejected(Rejection::new(Verdict::of_error(e.kind()), e.to_string())))
            }
        }
    }

    /// Applies `steps` to a fresh copy of the loaded module. With `each_step`, the module is
    /// checked after every step (and with `--verify-each pass`, by LLVM after every pass);
    /// otherwise only after the last.
    fn optimize(&mut self, steps: &[String], each_step: bool) -> Result<Reply, String> {
        self.last = None;
        // The module parsed at the load serves one candidate: in a child, the first (and only)
        // one it runs; anywhere else, the module is read again from its bitcode.
        let parsed = match self.parsed.take() {
            Some(parsed) => parsed,
            None => {
                let (bitcode, _) = self.input.as_ref().ok_or("no module loaded")?;
                opm_llvm::OwnedModule::parse(bitcode, &self.name).map_err(|e| e.to_string())?
            }
        };
        let (reply, canonical) = parsed.with(|m| self.run_steps(m, steps, each_step))?;
        self.last = canonical.map(|c| Last {
            module: parsed,
            bitcode: std::cell::OnceCell::new(),
            _canonical: c,
        });
        Ok(reply)
    }

    /// Runs `steps` on `module` (see [`Session::optimize`]). Returns the reply, and the
    /// result's canonical IR unless a step was rejected.
    fn run_steps(
        &self,
        module: &opm_llvm::inkwell::module::Module<'_>,
        steps: &[String],
        each_step: bool,
    ) -> Result<(Reply, Option<opm_ir::Module>), String> {
        let (_, reference) = self.input.as_ref().ok_or("no module loaded")?;
        let codegen = self.codegen.as_ref().ok_or("no module loaded")?;
        let (mut pass_ms, mut check_ms) = (0.0, 0.0);
        let mut canonical: Option<opm_ir::Module> = None;
        // The function definitions that the steps since the last check (or the input)
        // changed, while only function and loop passes changed anything.
        let mut changed_since = Some(HashSet::default());
        let rejected = |rejection, pass_ms, check_ms| Reply::Optimized {
            pass_ms,
            check_ms,
            instcount: None,
            ir_hash: None,
            rejected: Some(rejection),
        };
        // One session for all steps: the analyses a step preserved are not computed again.
        let verify_each_pass = self.verify_each_pass && each_step;
        let mut session = codegen.session(module, verify_each_pass);
        for (i, step) in steps.iter().enumerate() {
            eprintln!("opm-worker: step {}: {step}", i + 1);
            let start = Instant::now();
            let result = session.run(step);
            pass_ms += ms(start.elapsed());
            let changed = match result {
                Ok(changed) => changed,
                Err(e) => {
                    let detail = format!("step {} `{step}`: {e}", i + 1);
                    let r = Rejection::new(Verdict::Crash, detail);
                    return Ok((rejected(r, pass_ms, check_ms), None));
                }
            };
            // Only the per-step checks use it, and only while it is known.
            if each_step && let Some(since) = &mut changed_since {
                match session.changed_functions() {
                    Some(names) => since.extend(names),
                    None => changed_since = None,
                }
            }
            let last = i + 1 == steps.len();
            // Every pass of the step reported that it changed nothing: the module is the one
            // checked after the step before (or the input), but for alignments and attributes
            // (passes that change only those may report so: no analysis depends on them), and
            // is not imported again until a step changes it or the last step has run. Without
            // `each_step`, only the last step's module is checked.
            if (!changed || !each_step) && !last {
                continue;
            }
            // Between the first step and the last, when function and loop passes alone
            // changed the module since the last check, only the definitions they changed are
            // imported and verified again; the last step's module is imported and verified
            // whole, whatever the passes reported.
            let since = changed_since.replace(HashSet::default());
            let reuse = match since {
                Some(changed) if !last => {
                    let previous = match canonical.take() {
                        Some(m) => Cow::Owned(m),
                        None => Cow::Borrowed(reference),
                    };
                    Some((previous, changed))
                }
                _ => None,
            };
            let start = Instant::now();
            let checked = check_step(module, reference, !verify_each_pass, &self.name, reuse);
            check_ms += ms(start.elapsed());
            match checked {
                Ok(m) => canonical = Some(m),
                Err(r) => {
                    let detail = format!("after step {} `{step}`: {}", i + 1, r.detail);
                    let r = Rejection::new(r.verdict, detail);
                    return Ok((rejected(r, pass_ms, check_ms), None));
                }
            }
        }
        let mut canonical = match canonical {
            Some(m) => m,
            None => reference.clone(),
        };
        let reply = Reply::Optimized {
            pass_ms,
            check_ms,
            instcount: Some(canonical.instruction_count() as u64),
            ir_hash: Some(identity_in_place(&mut canonical).0),
            rejected: None,
        };
        Ok((reply, Some(canonical)))
    }
}

/// Compiles the module in `bitcode` to `object`. The module is read back from its bitcode,
/// not compiled as the passes left it in memory: reading it back may order its values' uses
/// otherwise, and the code measured is that of the IR as it is written.
fn codegen_bitcode(
    codegen: &opm_llvm::Codegen,
    bitcode: &[u8],
    name: &str,
    object: &Path,
) -> Result<Reply, String> {
    use opm_llvm::inkwell::context::Context;
    let ctx = Context::create();
    let module = opm_llvm::parse_bytes(&ctx, bitcode, name).map_err(|e| e.to_string())?;
    eprintln!("opm-worker: step: code generation");
    let start = Instant::now();
    let bytes = codegen.emit_object(&module).map_err(|e| e.to_string())?;
    compiled_object(&bytes, object, ms(start.elapsed()))
}

/// The bitcode of the last optimised module, written at the first request that needs it.
fn last_bitcode(last: Option<&Last>) -> Result<&[u8], String> {
    let last = last.ok_or("nothing optimised yet")?;
    let write = || last.module.with(|m| m.write_bitcode_to_memory().as_slice().to_vec());
    Ok(last.bitcode.get_or_init(write))
}

/// Checks the module after a step (see [`check`]); with `llvm_verifier` (LLVM's verifier did
/// not run after every pass), LLVM's verifier runs first.
/// `reuse`: the module as last checked and the definitions changed since (see [`check`]).
fn check_step(
    module: &opm_llvm::inkwell::module::Module<'_>,
    reference: &opm_ir::Module,
    llvm_verifier: bool,
    name: &str,
    reuse: Option<(Cow<'_, opm_ir::Module>, HashSet<String>)>,
) -> Result<opm_ir::Module, Rejection> {
    if llvm_verifier {
        opm_llvm::verify_input(module, name)
            .map_err(|e| Rejection::new(Verdict::InvariantViolation, e.to_string()))?;
    }
    check(module, reference, reuse)
}

/// The identity of an optimised module: its structural hash, ignoring what LLVM decides by
/// itself when it reads the module back from text (the module's name, taken from the file,
/// and the function attributes of intrinsic declarations, which come from LLVM's intrinsic
/// table). Two modules with the same identity compile to the same code.
pub fn ir_identity(module: &opm_ir::Module) -> IrHash {
    identity_in_place(&mut module.clone())
}

/// [`ir_identity`] without a copy of the module: what the identity ignores is taken out of
/// `m` while it is hashed, and put back.
fn identity_in_place(m: &mut opm_ir::Module) -> IrHash {
    let ignored = |f: &opm_ir::Function| f.blocks.is_empty() && f.name.starts_with("llvm.");
    let name = std::mem::take(&mut m.name);
    let attrs: Vec<_> = m
        .functions
        .iter_mut()
        .filter(|f| ignored(f))
        .map(|f| std::mem::take(&mut f.attrs.func))
        .collect();
    let hash = IrHash(m.structural_hash());
    m.name = name;
    for (f, a) in m.functions.iter_mut().filter(|f| ignored(f)).zip(attrs) {
        f.attrs.func = a;
    }
    hash
}

/// Imports the module after a step and checks it: opm's verifier, then the preservation
/// check against the input. With `reuse` (the module as last checked, and the only
/// definitions that passes changed since), the other definitions are taken from the module
/// last checked and not verified again.
fn check(
    module: &opm_llvm::inkwell::module::Module<'_>,
    reference: &opm_ir::Module,
    reuse: Option<(Cow<'_, opm_ir::Module>, HashSet<String>)>,
) -> Result<opm_ir::Module, Rejection> {
    let (imported, changed) = match reuse {
        Some((previous, changed)) => {
            (opm_llvm::import::import_module_reusing(module, previous, &changed), Some(changed))
        }
        None => (opm_llvm::import_module(module), None),
    };
    let canonical = imported.map_err(|e| {
        let verdict = if matches!(e, opm_llvm::LlvmError::Unsupported { .. }) {
            Verdict::Unsupported
        } else {
            Verdict::InvariantViolation
        };
        Rejection::new(verdict, e.to_string())
    })?;
    let mut violations = match &changed {
        Some(changed) => {
            opm_verifier::verify_module_except(&canonical, |f| !changed.contains(&f.name))
        }
        None => opm_verifier::verify_module(&canonical),
    };
    violations.extend(opm_verifier::check_preservation(reference, &canonical));
    if violations.is_empty() {
        return Ok(canonical);
    }
    let shown: Vec<String> = violations.iter().take(3).map(|v| v.to_string()).collect();
    let more = violations.len().saturating_sub(3);
    let tail = if more > 0 { format!(" (and {more} more)") } else { String::new() };
    Err(Rejection::new(Verdict::InvariantViolation, format!("{}{tail}", shown.join("; "))))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
