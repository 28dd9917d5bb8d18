//! Shared pieces of the benchmarks: the corpus, clang, timing statistics.

use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The C programs of `bench/corpus`, sorted by name.
pub fn corpus() -> anyhow::Result<Vec<PathBuf>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| dir.display().to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "c"))
        .collect();
    files.sort();
    Ok(files)
}

/// Compiles `src` to textual LLVM IR with clang 22 at `level` (`-O0`, `-O2`, …).
pub fn emit_ir(src: &Path, out: &Path, level: &str) -> anyhow::Result<()> {
    emit_ir_with(src, out, &[level])
}

/// Compiles `src` to textual LLVM IR with clang 22 and the options `opts`.
pub fn emit_ir_with(src: &Path, out: &Path, opts: &[&str]) -> anyhow::Result<()> {
    let status = Command::new("clang-22")
        .args(opts)
        .args(["-w", "-S", "-emit-llvm"])
        .arg(src)
        .arg("-o")
        .arg(out)
        .status()
        .context("running clang-22 (apt-get install clang-22)")?;
    if !status.success() {
        bail!("clang-22 failed on {}", src.display());
    }
    Ok(())
}

/// Runs `f` `n` times and returns the median duration.
pub fn median_time(n: usize, mut f: impl FnMut()) -> Duration {
    let mut samples: Vec<Duration> = (0..n.max(1))
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    samples.sort();
    samples[samples.len() / 2]
}

/// Milliseconds with two decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1e3)
}

/// The pass catalog the random pipelines are drawn from.
pub use opm_llvm::catalog;

use std::io::{Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// Where LLVM 22's command-line tools live on Debian and Ubuntu.
pub const LLVM_BIN: &str = "/usr/lib/llvm-22/bin";

/// The path of LLVM 22's tool `name` (`opt`, `llc`, …), checked to exist.
pub fn llvm_tool(name: &str) -> anyhow::Result<PathBuf> {
    let path = Path::new(LLVM_BIN).join(name);
    if !path.is_file() {
        bail!("{} not found: install LLVM 22's tools (apt-get install llvm-22)", path.display());
    }
    Ok(path)
}

/// The workspace's top directory.
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().unwrap_or(manifest).to_path_buf()
}

/// Cargo's target directory: `CARGO_TARGET_DIR`, else `target/` in the workspace.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

/// The `opm-driver` binary to measure: `OPM_DRIVER`, else the workspace's release build.
/// Checked to exist and to have the `optimize` command.
pub fn driver() -> anyhow::Result<PathBuf> {
    let path = match std::env::var_os("OPM_DRIVER") {
        Some(p) => PathBuf::from(p),
        None => target_dir().join("release").join("opm-driver"),
    };
    if !path.is_file() {
        bail!(
            "{} not found: build it with `cargo build --release -p opm-driver` \
             (or point OPM_DRIVER at an opm-driver binary)",
            path.display()
        );
    }
    let help = Command::new(&path)
        .args(["optimize", "--help"])
        .output()
        .with_context(|| format!("running {}", path.display()))?;
    if !help.status.success() {
        bail!(
            "{} has no working `optimize` command: rebuild it with \
             `cargo build --release -p opm-driver`",
            path.display()
        );
    }
    Ok(path)
}

/// The driver's SplitMix64 generator: a seed gives the same pipelines everywhere.
pub use opm_driver::rng::Rng as SplitMix64;

/// The catalog's passes that are meant for search.
pub fn search_passes() -> Vec<&'static catalog::PassInfo> {
    catalog::passes().iter().filter(|p| p.search).collect()
}

/// A random pipeline of 1 to `max_len` passes drawn from `passes`, as LLVM's pipeline text:
/// each pass wrapped for its level, joined with commas.
pub fn random_pipeline(
    rng: &mut SplitMix64,
    passes: &[&catalog::PassInfo],
    max_len: usize,
) -> String {
    let len = 1 + rng.below(max_len.max(1));
    (0..len)
        .map(|_| {
            let p = passes[rng.below(passes.len())];
            p.level.wrap(&p.text())
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// The preset pipelines (`default<O0>` … `default<Oz>`).
pub fn presets() -> Vec<String> {
    catalog::PRESETS.iter().map(|(_, p)| p.to_string()).collect()
}

/// A corpus program compiled to LLVM IR for a search.
#[derive(Clone, Debug)]
pub struct Program {
    pub name: String,
    /// The C source in the corpus.
    pub src: PathBuf,
    /// The LLVM IR made from it.
    pub ll: PathBuf,
}

/// Compiles the corpus programs (all, or those named in `only`) to LLVM IR in `dir`, the
/// way a search wants its input: `clang-22 -O1 -Xclang -disable-llvm-passes` (unoptimized,
/// yet without `optnone`/`noinline`).
pub fn search_inputs(dir: &Path, only: &[String], jobs: usize) -> anyhow::Result<Vec<Program>> {
    let all = corpus()?;
    let name_of = |p: &Path| p.file_stem().unwrap_or_default().to_string_lossy().into_owned();
    for want in only {
        if !all.iter().any(|p| &name_of(p) == want) {
            let names: Vec<String> = all.iter().map(|p| name_of(p)).collect();
            bail!("no corpus program named {want:?}; there are: {}", names.join(", "));
        }
    }
    let chosen: Vec<PathBuf> =
        all.into_iter().filter(|p| only.is_empty() || only.contains(&name_of(p))).collect();
    let results = par_map(&chosen, jobs, |src| {
        let name = name_of(src);
        let ll = dir.join(format!("{name}.ll"));
        emit_ir_with(src, &ll, &["-O1", "-Xclang", "-disable-llvm-passes"])?;
        Ok(Program { name, src: src.clone(), ll })
    });
    results.into_iter().collect()
}

/// Runs `f` over `items`, `jobs` at a time on scoped threads, and returns the results in the
/// order of `items`.
pub fn par_map<T: Sync, R: Send>(items: &[T], jobs: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel();
    std::thread::scope(|s| {
        for _ in 0..jobs.max(1).min(items.len().max(1)) {
            let tx = tx.clone();
            let (next, f) = (&next, &f);
            s.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    if tx.send((i, f(item))).is_err() {
                        break;
                    }
                }
            });
        }
    });
    drop(tx);
    let mut out: Vec<(usize, R)> = rx.into_iter().collect();
    out.sort_by_key(|(i, _)| *i);
    out.into_iter().map(|(_, r)| r).collect()
}

/// How a tool run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Exited with this status.
    Code(i32),
    /// Killed by this signal.
    Signal(i32),
    /// Still running at the time limit; killed.
    TimedOut,
}

impl Exit {
    pub fn success(self) -> bool {
        self == Exit::Code(0)
    }
}

/// The result of [`run_tool`].
#[derive(Debug)]
pub struct ToolRun {
    pub exit: Exit,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Runs `cmd` with `stdin` as its standard input, collects its output, and kills it if it
/// has not closed its standard output after `timeout`.
pub fn run_tool(cmd: &mut Command, stdin: &[u8], timeout: Duration) -> anyhow::Result<ToolRun> {
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {:?}", cmd.get_program()))?;
    let mut child_in = child.stdin.take();
    let mut child_out = child.stdout.take().context("stdout")?;
    let mut child_err = child.stderr.take().context("stderr")?;
    let (done_tx, done_rx) = mpsc::channel();
    let (stdout, stderr, timed_out) = std::thread::scope(|s| {
        if let Some(mut w) = child_in.take() {
            // A tool that stops reading early makes this fail: its status tells why.
            s.spawn(move || {
                let _ = w.write_all(stdin);
            });
        }
        let err = s.spawn(move || {
            let mut buf = Vec::new();
            let _ = child_err.read_to_end(&mut buf);
            buf
        });
        let out = s.spawn(move || {
            let mut buf = Vec::new();
            let _ = child_out.read_to_end(&mut buf);
            let _ = done_tx.send(());
            buf
        });
        let timed_out = done_rx.recv_timeout(timeout).is_err();
        if timed_out {
            let _ = child.kill();
        }
        (out.join().unwrap_or_default(), err.join().unwrap_or_default(), timed_out)
    });
    let status = child.wait().context("waiting for a tool")?;
    let exit = if timed_out {
        Exit::TimedOut
    } else {
        use std::os::unix::process::ExitStatusExt;
        match (status.code(), status.signal()) {
            (Some(c), _) => Exit::Code(c),
            (None, Some(s)) => Exit::Signal(s),
            (None, None) => Exit::Code(-1),
        }
    };
    Ok(ToolRun { exit, stdout, stderr })
}

/// The number of instructions in LLVM assembly as `opt -S` prints it: the lines of function
/// bodies that are neither labels nor comments, a multi-line `switch` counting once. To
/// agree with the canonical IR's count, debug records and calls to the hint-only
/// intrinsics that the import drops (`llvm.dbg.*`, `llvm.experimental.noalias.scope.decl`,
/// `llvm.assume` with operand bundles) are left out.
pub fn count_ir_instructions(text: &str) -> usize {
    let mut count = 0;
    let mut in_body = false;
    let mut in_switch = false;
    for line in text.lines() {
        if !in_body {
            in_body = line.starts_with("define ") && line.trim_end().ends_with('{');
            continue;
        }
        if line.starts_with('}') {
            in_body = false;
            continue;
        }
        if !line.starts_with([' ', '\t']) {
            continue; // a label
        }
        let t = line.trim_start();
        if in_switch {
            in_switch = !t.starts_with(']');
            continue;
        }
        if t.is_empty() || t.starts_with(';') || t.starts_with('#') {
            continue;
        }
        if t.contains("@llvm.dbg.")
            || t.contains("@llvm.experimental.noalias.scope.decl(")
            || (t.contains("@llvm.assume(") && t.contains(") [ \""))
        {
            continue;
        }
        if t.starts_with("switch ") && t.ends_with('[') {
            in_switch = true;
        }
        count += 1;
    }
    count
}

/// The size in bytes of the code sections (`.text` and `.text.*`) of an ELF64
/// little-endian object, read from its section headers.
pub fn elf_text_size(obj: &[u8]) -> anyhow::Result<u64> {
    let u16_at = |o: usize| -> anyhow::Result<u64> {
        let b = obj.get(o..o + 2).context("truncated ELF object")?;
        Ok(u64::from(u16::from_le_bytes([b[0], b[1]])))
    };
    let u32_at = |o: usize| -> anyhow::Result<u64> {
        let b = obj.get(o..o + 4).context("truncated ELF object")?;
        Ok(u64::from(u32::from_le_bytes(b.try_into()?)))
    };
    let u64_at = |o: usize| -> anyhow::Result<u64> {
        let b = obj.get(o..o + 8).context("truncated ELF object")?;
        Ok(u64::from_le_bytes(b.try_into()?))
    };
    if obj.get(..4) != Some(b"\x7fELF") || obj.get(4) != Some(&2) || obj.get(5) != Some(&1) {
        bail!("not an ELF64 little-endian object");
    }
    let shoff = u64_at(0x28)? as usize;
    let shentsize = u16_at(0x3a)? as usize;
    let shnum = u16_at(0x3c)? as usize;
    let shstrndx = u16_at(0x3e)? as usize;
    let header = |i: usize| shoff + i * shentsize;
    let strtab = u64_at(header(shstrndx) + 0x18)? as usize;
    let mut total = 0;
    for i in 0..shnum {
        let h = header(i);
        let name_at = strtab + u32_at(h)? as usize;
        let name = obj.get(name_at..).context("truncated ELF object")?;
        let name = &name[..name.iter().position(|&b| b == 0).unwrap_or(name.len())];
        if name == b".text" || name.starts_with(b".text.") {
            total += u64_at(h + 0x20)?;
        }
    }
    Ok(total)
}

/// One line of an `opm-driver optimize --signals` file: the fields the benchmarks read.
#[derive(Clone, Debug)]
pub struct Signal {
    pub pipeline: String,
    pub origin: Option<String>,
    pub verdict: String,
    pub detail: Option<String>,
    pub instcount: Option<u64>,
    pub text_bytes: Option<u64>,
}

/// Reads a signals file (one JSON object per line). A missing file has no signals.
pub fn read_signals(path: &Path) -> anyhow::Result<Vec<Signal>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| path.display().to_string()),
    };
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not JSON", path.display(), i + 1))?;
        let s = |v: &serde_json::Value| v.as_str().map(str::to_string);
        out.push(Signal {
            pipeline: s(&v["pipeline"]).unwrap_or_default(),
            origin: s(&v["origin"]),
            verdict: s(&v["verdict"])
                .with_context(|| format!("{}:{}: no verdict", path.display(), i + 1))?,
            detail: match &v["detail"] {
                serde_json::Value::Null => None,
                serde_json::Value::String(d) => Some(d.clone()),
                other => Some(other.to_string()),
            },
            instcount: v["metrics"]["instcount"].as_u64(),
            text_bytes: v["metrics"]["text_bytes"].as_u64(),
        });
    }
    Ok(out)
}

/// Parses a duration such as `60s`, `2m`, `500ms` or `90` (seconds).
pub fn parse_duration(s: &str) -> anyhow::Result<Duration> {
    let s = s.trim();
    let (num, scale) = if let Some(n) = s.strip_suffix("ms") {
        (n, 1e-3)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60.0)
    } else if let Some(n) = s.strip_suffix('h') {
        (n, 3600.0)
    } else {
        (s, 1.0)
    };
    let value: f64 = num.trim().parse().with_context(|| format!("not a duration: {s:?}"))?;
    if !(value.is_finite() && value >= 0.0) {
        bail!("not a duration: {s:?}");
    }
    Ok(Duration::from_secs_f64(value * scale))
}

/// The geometric mean of positive numbers (`None` when there are none).
pub fn geomean(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    Some((xs.iter().map(|x| x.ln()).sum::<f64>() / xs.len() as f64).exp())
}

/// This process's command line, quoted where needed, for reports.
pub fn command_line() -> String {
    std::env::args().map(|a| shell_quote(&a)).collect::<Vec<_>>().join(" ")
}

/// `s` quoted for a POSIX shell when it needs to be.
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// A command as a shell would show it.
pub fn show_command(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|a| shell_quote(&a.to_string_lossy()))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The seconds of `d`, for tables.
pub fn secs(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64())
}

/// The corpus programs (all, or those named in `only`) as (name, source).
pub fn chosen_programs(only: &[String]) -> anyhow::Result<Vec<(String, PathBuf)>> {
    let all: Vec<(String, PathBuf)> = corpus()?
        .into_iter()
        .map(|p| (p.file_stem().unwrap_or_default().to_string_lossy().into_owned(), p))
        .collect();
    for want in only {
        if !all.iter().any(|(name, _)| name == want) {
            let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
            anyhow::bail!("no corpus program named {want:?}; there are: {}", names.join(", "));
        }
    }
    Ok(all.into_iter().filter(|(name, _)| only.is_empty() || only.contains(name)).collect())
}

/// What clang -O2's own build of a program prints, and how it ends.
pub struct Reference {
    pub exit: Exit,
    pub stdout: Vec<u8>,
}

/// Builds `src` with clang -O2 into `exe` and runs it once.
pub fn reference_output(src: &Path, exe: &Path, timeout: Duration) -> anyhow::Result<Reference> {
    let status = Command::new("clang-22")
        .args(["-O2", "-w"])
        .arg(src)
        .arg("-o")
        .arg(exe)
        .arg("-lm")
        .status()
        .context("running clang-22 (apt-get install clang-22)")?;
    anyhow::ensure!(status.success(), "clang-22 -O2 failed on {}", src.display());
    let out = run_tool(&mut Command::new(exe), &[], timeout)?;
    anyhow::ensure!(
        out.exit != Exit::TimedOut,
        "clang's build of {} ran out of time",
        src.display()
    );
    Ok(Reference { exit: out.exit, stdout: out.stdout })
}

/// The median of samples (at least one).
pub fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// `a / b` in seconds.
pub fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-9)
}

/// Runs `exe` once with no input and its output discarded: how long it took, and whether it
/// ended as `reference` did.
pub fn timed_run(exe: &Path, reference: &Reference) -> anyhow::Result<(Duration, bool)> {
    use std::process::Stdio;
    let start = Instant::now();
    let status = Command::new(exe)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .with_context(|| format!("running {}", exe.display()))?;
    let same = matches!(reference.exit, Exit::Code(c) if status.code() == Some(c));
    Ok((start.elapsed(), same))
}
