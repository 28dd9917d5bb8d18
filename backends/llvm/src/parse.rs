//! Reading `.ll` and `.bc` files into LLVM modules.

use crate::error::{LlvmError, parse_diagnostic};
use crate::ffi::take_message;
use inkwell::context::Context;
use inkwell::memory_buffer::MemoryBuffer;
use inkwell::module::Module;
use llvm_sys::ir_reader::LLVMParseIRInContext2;
use std::path::Path;

/// Whether `bytes` start like LLVM bitcode (raw or in the wrapper format).
pub fn is_bitcode(bytes: &[u8]) -> bool {
    bytes.starts_with(b"BC\xC0\xDE") || bytes.starts_with(&[0xDE, 0xC0, 0x17, 0x0B])
}

/// Parses the file at `path` (assembly or bitcode, by content) in `ctx`.
pub fn parse_file<'ctx>(ctx: &'ctx Context, path: &Path) -> Result<Module<'ctx>, LlvmError> {
    let bytes = read_input(path)?;
    let name = path.display().to_string();
    if is_bitcode(&bytes) {
        probe_bitcode(&bytes, &name)?;
    }
    parse_bytes(ctx, &bytes, &name)
}

/// The probe's exit statuses: the bitcode was read, or refused with an error.
const PROBE_READ: i32 = 0;
const PROBE_REFUSED: i32 = 86;

/// How long the probe of [`probe_bitcode`] may read.
const PROBE_LIMIT: std::time::Duration = std::time::Duration::from_secs(60);

/// LLVM's bitcode reader trusts what it reads: one flipped bit can make its metadata loader
/// crash the process (LLVM 22's own `llvm-dis` too). A user's bitcode is therefore read once
/// in a forked child first, and a child that dies or hangs makes the file the input's fault,
/// not the driver's end. Bitcode opm writes itself is parsed directly ([`parse_bytes`]).
fn probe_bitcode(bytes: &[u8], name: &str) -> Result<(), LlvmError> {
    let damaged = |message: String| LlvmError::Bitcode { file: name.to_string(), message };
    // SAFETY: fork() has no preconditions. The child only parses `bytes` with LLVM (glibc's
    // allocator is safe to use after fork) and leaves with _exit, running no destructors or
    // exit handlers of the parent's state.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        // No child to spare (a process limit): read in this process, as without the probe.
        return Ok(());
    }
    if pid == 0 {
        // What LLVM says as it dies goes nowhere: the parent says it in its own words.
        // SAFETY: opens /dev/null and puts it in place of the child's standard error.
        unsafe {
            let null = libc::open(c"/dev/null".as_ptr(), libc::O_WRONLY);
            if null >= 0 {
                libc::dup2(null, 2);
            }
        }
        let ctx = Context::create();
        let buffer = MemoryBuffer::create_from_memory_range_copy(bytes, name);
        let read = Module::parse_bitcode_from_buffer(&buffer, &ctx).is_ok();
        // SAFETY: ends the child at once, as intended. Statuses of its own, since LLVM's
        // fatal errors end a process with status 1.
        unsafe { libc::_exit(if read { PROBE_READ } else { PROBE_REFUSED }) }
    }
    let started = std::time::Instant::now();
    let mut status = 0;
    loop {
        // SAFETY: waits for our own child without blocking.
        let done = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if done == pid {
            break;
        }
        if done < 0 {
            return Ok(());
        }
        if started.elapsed() > PROBE_LIMIT {
            // SAFETY: our own child, not yet reaped.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
                libc::waitpid(pid, &mut status, 0);
            }
            return Err(damaged(format!(
                "LLVM's bitcode reader did not finish in {} s",
                PROBE_LIMIT.as_secs()
            )));
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    if libc::WIFSIGNALED(status) {
        return Err(damaged(format!(
            "LLVM's bitcode reader crashed on it (signal {}): the file is damaged",
            libc::WTERMSIG(status)
        )));
    }
    match libc::WEXITSTATUS(status) {
        // Read, or refused with a message the parse in this process gives again.
        PROBE_READ | PROBE_REFUSED => Ok(()),
        code => Err(damaged(format!(
            "LLVM's bitcode reader stopped on a fatal error (status {code}): the file is damaged"
        ))),
    }
}

/// Reads an input file. Only a regular file is read: a directory is refused, and so are a
/// FIFO, a socket or a device, whose reading could wait for ever or never end.
pub fn read_input(path: &Path) -> Result<Vec<u8>, LlvmError> {
    let io = |source| LlvmError::Io { path: path.to_path_buf(), source };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(io(std::io::Error::other("is a directory, not an LLVM IR file")));
    }
    if !meta.is_file() {
        return Err(io(std::io::Error::other(
            "not a regular file (a FIFO, socket or device): opm reads .ll and .bc files",
        )));
    }
    std::fs::read(path).map_err(io)
}

/// How deeply brackets may nest in LLVM assembly. LLVM's parser recurses once per level (a
/// structure in a structure, a constant expression in another) and a deep enough nesting
/// overflows its stack, so deeper input is refused first. Real programs stay far below.
pub const MAX_NESTING: usize = 500;

/// The position (line, column, from 1) of the first bracket of `text` that opens level
/// [`MAX_NESTING`] + 1, if any. Strings and comments are skipped.
fn too_deep(text: &[u8]) -> Option<(u32, u32)> {
    let (mut line, mut col) = (1u32, 0u32);
    let mut depth = 0usize;
    let (mut in_string, mut in_comment) = (false, false);
    for &b in text {
        col += 1;
        if b == b'\n' {
            (line, col) = (line + 1, 0);
            in_comment = false;
            continue;
        }
        if in_comment {
            continue;
        }
        if in_string {
            in_string = b != b'"';
            continue;
        }
        match b {
            b'"' => in_string = true,
            b';' => in_comment = true,
            b'{' | b'[' | b'(' | b'<' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some((line, col));
                }
            }
            b'}' | b']' | b')' | b'>' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// Parses assembly or bitcode held in memory; `name` is used in diagnostics.
pub fn parse_bytes<'ctx>(
    ctx: &'ctx Context,
    bytes: &[u8],
    name: &str,
) -> Result<Module<'ctx>, LlvmError> {
    let buffer = MemoryBuffer::create_from_memory_range_copy(bytes, name);
    if is_bitcode(bytes) {
        let module = Module::parse_bitcode_from_buffer(&buffer, ctx)
            .map_err(|e| LlvmError::Bitcode { file: name.to_string(), message: e.to_string() })?;
        return Ok(module);
    }
    if let Some((line, col)) = too_deep(bytes) {
        return Err(LlvmError::Parse {
            file: name.to_string(),
            line,
            col,
            message: format!(
                "brackets nested more than {MAX_NESTING} deep: opm refuses them before LLVM's \
                 parser, which recurses once per level"
            ),
            snippet: String::new(),
        });
    }
    let mut module = std::ptr::null_mut();
    let mut message = std::ptr::null_mut();
    // SAFETY: the context and buffer are alive; LLVMParseIRInContext2 does not take ownership
    // of the buffer (dropped below), and hands us the module or an error message.
    let failed =
        unsafe { LLVMParseIRInContext2(ctx.raw(), buffer.as_mut_ptr(), &mut module, &mut message) };
    if failed != 0 {
        // SAFETY: on failure `message` is an LLVM-allocated message.
        let text = unsafe { take_message(message) };
        return Err(parse_diagnostic(name, &text));
    }
    // SAFETY: on success `module` is a new module owned by `ctx`.
    Ok(unsafe { Module::new(module) })
}

/// A module parsed into a context of its own, owning both: for a process that keeps a parsed
/// module between requests. The module is lent only to a closure ([`OwnedModule::with`]), so
/// that nothing taken from it outlives the context.
pub struct OwnedModule {
    // Fields drop in order: the module before the context it lives in.
    module: Module<'static>,
    _context: Box<Context>,
}

impl OwnedModule {
    /// Parses `bytes` (see [`parse_bytes`]) into a new context.
    pub fn parse(bytes: &[u8], name: &str) -> Result<OwnedModule, LlvmError> {
        let context = Box::new(Context::create());
        // SAFETY: the context is boxed, so it stays where it is for as long as `OwnedModule`
        // holds it, and the module is dropped before it; the module is only lent to closures
        // that must work for any lifetime of the context, so nothing taken from it escapes.
        let ctx: &'static Context = unsafe { &*std::ptr::from_ref::<Context>(&context) };
        let module = parse_bytes(ctx, bytes, name)?;
        Ok(OwnedModule { module, _context: context })
    }

    /// Lends the module to `f`.
    pub fn with<R>(&self, f: impl for<'ctx> FnOnce(&Module<'ctx>) -> R) -> R {
        f(&self.module)
    }
}

/// Runs LLVM's verifier on a module read from `file`.
pub fn verify_input(module: &Module<'_>, file: &str) -> Result<(), LlvmError> {
    module.verify().map_err(|e| LlvmError::InvalidModule {
        file: file.to_string(),
        message: e.to_string().trim_end().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(depth: usize) -> String {
        format!("@g = global {}i8{} zeroinitializer\n", "{".repeat(depth), "}".repeat(depth))
    }

    #[test]
    fn nesting_past_the_limit_is_refused_where_it_starts_before_llvm_parses() {
        let ctx = Context::create();
        // A nesting that overflowed LLVM's parser's stack (found by the mutation campaign).
        let deep = format!("; a comment {{{{{{ [[[ (((\n{}", nested(100_000));
        let err = parse_bytes(&ctx, deep.as_bytes(), "deep.ll").err().map(|e| e.to_string());
        let err = err.unwrap_or_default();
        assert!(err.starts_with("deep.ll:2:"), "{err}");
        assert!(err.contains(&format!("more than {MAX_NESTING} deep")), "{err}");
        // At the limit the module parses; brackets in strings and comments do not count.
        assert!(parse_bytes(&ctx, nested(MAX_NESTING - 1).as_bytes(), "ok.ll").is_ok());
        let quoted = format!("@s = global [801 x i8] c\"{}\\00\"\n", "{".repeat(800));
        let text = format!("{quoted}; {}\n", "[".repeat(1000));
        assert_eq!(too_deep(text.as_bytes()), None);
        assert!(parse_bytes(&ctx, text.as_bytes(), "quoted.ll").is_ok());
    }

    #[test]
    fn only_regular_files_are_read() {
        let dir = std::env::temp_dir().join(format!("opm-parse-{}", std::process::id()));
        let fifo = dir.join("pipe.ll");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).ok();
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        // A FIFO with no writer would block `read` for ever; it is refused at once.
        let err = read_input(&fifo).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("pipe.ll: not a regular file"), "{err}");
        let err = read_input(&dir).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("is a directory"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
