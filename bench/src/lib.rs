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
    let samples: Vec<Duration> = (0..n.max(1))
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    median(&samples)
}

/// Milliseconds with two decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1e3)
}

/// The pass catalog the random pipelines are drawn from.
pub use opm_llvm::catalog;

use opm_backend::process::Ending;
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
            "{} not found: build it with `cargo build --release -p opm-cli` \
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
             `cargo build --release -p opm-cli`",
            path.display()
        );
    }
    Ok(path)
}

/// The search's SplitMix64 generator: a seed gives the same pipelines everywhere.
pub use opm_search::rng::Rng as SplitMix64;

/// Durations such as `60s`, `2m`, `500ms` or `90` (seconds), as the driver reads them.
pub use opm_search::parse_duration;

/// The geometric mean of ratios (`None` when there are none or one is not positive), as the
/// lab computes it.
pub use opm_lab::stats::geomean;

/// The `.text` bytes of an object file, as the driver measures them.
pub use opm_backend::object::text_bytes;

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
    /// What clang needs besides the file to build it (csmith's include directory).
    pub cflags: Vec<String>,
}

/// What a search input's program prints when clang builds it at -O2, and how long its
/// candidates may run (10× as long, at least 5 s).
pub struct ProgramReference {
    pub stdout: Vec<u8>,
    pub exit: Exit,
    pub limit: Duration,
}

impl ProgramReference {
    /// Builds `program` with `clang-22 -O2` in `dir` and runs it (at most 5 minutes).
    pub fn of(program: &Program, dir: &Path) -> anyhow::Result<ProgramReference> {
        let exe = dir.join(format!("{}.ref", program.name));
        let status = Command::new("clang-22")
            .args(["-O2", "-w"])
            .args(&program.cflags)
            .arg(&program.src)
            .arg("-o")
            .arg(&exe)
            .arg("-lm")
            .status()
            .context("running clang-22 (apt-get install clang-22)")?;
        anyhow::ensure!(status.success(), "clang-22 -O2 failed on {}", program.src.display());
        let start = Instant::now();
        let run = run_tool(&mut Command::new(&exe), &[], Duration::from_secs(300))?;
        let limit = (start.elapsed() * 10).max(Duration::from_secs(5));
        anyhow::ensure!(run.exit != Exit::TimedOut, "{} ran for 5 minutes", program.name);
        Ok(ProgramReference { stdout: run.stdout, exit: run.exit, limit })
    }
}

/// The corpus programs the coreset is learned on (every other one by name); the others are
/// held out to evaluate it. The generator (`coreset`) and `search-quality` both take the split
/// from here, so that training and evaluation programs stay apart.
pub const TRAINING_CORPUS: [&str; 15] = [
    "bigint",
    "control_flow",
    "crc32",
    "fnptr_dispatch",
    "hash_table",
    "int64_builtins",
    "lz_compress",
    "matmul_double",
    "nbody",
    "recursion",
    "sort_int",
    "spectral_norm",
    "structs_byval",
    "tinylang",
    "vec_loops",
];

/// csmith seeds below this are the coreset's to learn on; evaluation programs are drawn from
/// seeds at or above it.
pub const EVALUATION_CSMITH_SEEDS: u64 = 1_000_000;

/// Where csmith's runtime headers are (Debian's `libcsmith-dev`).
pub const CSMITH_INCLUDE: &str = "-I/usr/include/csmith";

/// `wanted` csmith programs from consecutive seeds starting at `first`, as search inputs in
/// `dir`: generated, built with `clang-22 -O2` and run (at most `limit`); a program that does
/// not build, runs out of time or does not exit 0 (csmith's programs print a checksum and
/// exit 0; anything else is undefined behaviour) is replaced by the next seed. Fails after
/// `4 × wanted + 20` seeds without enough.
pub fn csmith_programs(
    dir: &Path,
    first: u64,
    wanted: usize,
    limit: Duration,
    jobs: usize,
) -> anyhow::Result<Vec<Program>> {
    let mut out = Vec::new();
    let mut seed = first;
    let last = first + 4 * wanted as u64 + 20;
    while out.len() < wanted && seed < last {
        let seeds: Vec<u64> = (seed..(seed + jobs.max(1) as u64).min(last)).collect();
        seed += seeds.len() as u64;
        for p in par_map(&seeds, jobs, |s| csmith_program(dir, *s, limit)) {
            if let Some(p) = p?
                && out.len() < wanted
            {
                out.push(p);
            }
        }
    }
    if out.len() < wanted {
        bail!("only {} of {wanted} csmith programs from seed {first} built and ran", out.len());
    }
    Ok(out)
}

/// One csmith program (see [`csmith_programs`]); `None` when it does not qualify.
fn csmith_program(dir: &Path, seed: u64, limit: Duration) -> anyhow::Result<Option<Program>> {
    let name = format!("csmith-{seed}");
    let src = dir.join(format!("{name}.c"));
    // csmith writes `platform.info` where it runs: one directory per seed.
    let own = dir.join(&name);
    std::fs::create_dir_all(&own).with_context(|| own.display().to_string())?;
    let out = Command::new("csmith")
        .args(["--seed", &seed.to_string(), "-o"])
        .arg(&src)
        .current_dir(&own)
        .output()
        .context("running csmith (apt-get install csmith libcsmith-dev)")?;
    if !out.status.success() {
        bail!("csmith --seed {seed} failed: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    let exe = dir.join(format!("{name}.ref"));
    let build = Command::new("clang-22")
        .args(["-O2", "-w", CSMITH_INCLUDE])
        .arg(&src)
        .arg("-o")
        .arg(&exe)
        .output()
        .context("running clang-22")?;
    if !build.status.success() {
        return Ok(None);
    }
    let run = run_tool(&mut Command::new(&exe), &[], limit)?;
    if run.exit != Exit::Code(0) {
        return Ok(None);
    }
    let ll = dir.join(format!("{name}.ll"));
    emit_ir_with(&src, &ll, &["-O1", "-Xclang", "-disable-llvm-passes", CSMITH_INCLUDE])?;
    Ok(Some(Program { name, src, ll, cflags: vec![CSMITH_INCLUDE.into()] }))
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
        Ok(Program { name, src: src.clone(), ll, cflags: Vec::new() })
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

/// Runs `cmd` with `stdin` as its standard input, collects its output, and kills it (and
/// what it started) if it has not ended after `timeout`.
pub fn run_tool(cmd: &mut Command, stdin: &[u8], timeout: Duration) -> anyhow::Result<ToolRun> {
    let ran = opm_backend::process::run_with_timeout(cmd, Some(stdin), timeout)
        .with_context(|| format!("starting {:?}", cmd.get_program()))?;
    let exit = match ran.ending {
        Ending::TimedOut => Exit::TimedOut,
        Ending::Exited(status) => {
            use std::os::unix::process::ExitStatusExt;
            match (status.code(), status.signal()) {
                (Some(c), _) => Exit::Code(c),
                (None, Some(s)) => Exit::Signal(s),
                (None, None) => Exit::Code(-1),
            }
        }
    };
    Ok(ToolRun { exit, stdout: ran.stdout, stderr: ran.stderr })
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

/// One line of an `opm-driver optimize --signals` file: the fields the benchmarks read.
#[derive(Clone, Debug)]
pub struct Signal {
    pub pipeline: String,
    pub origin: Option<String>,
    pub verdict: String,
    pub detail: Option<String>,
    pub instcount: Option<u64>,
    pub text_bytes: Option<u64>,
    /// How long its evaluation took, from its timestamps.
    pub ms: u64,
    /// Of that, milliseconds in passes, in checks of the canonical IR and in code generation
    /// (0 when not given).
    pub pass_ms: f64,
    pub check_ms: f64,
    pub codegen_ms: f64,
}

impl Signal {
    /// Whether the candidate was broken: not valid, and not merely over a budget limit.
    pub fn is_broken(&self) -> bool {
        !matches!(self.verdict.as_str(), "ok" | "over-budget")
    }
}

/// Reads a signals file (one JSON object per line), a later line for the same evaluation
/// replacing the earlier one. A missing file has no signals.
pub fn read_signals(path: &Path) -> anyhow::Result<Vec<Signal>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| path.display().to_string()),
    };
    let mut out: Vec<Signal> = Vec::new();
    let mut at_eval = std::collections::HashMap::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not JSON", path.display(), i + 1))?;
        let s = |v: &serde_json::Value| v.as_str().map(str::to_string);
        let signal = Signal {
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
            ms: v["finished_ms"]
                .as_u64()
                .zip(v["started_ms"].as_u64())
                .map_or(0, |(f, s)| f.saturating_sub(s)),
            pass_ms: v["metrics"]["pass_ms"].as_f64().unwrap_or(0.0),
            check_ms: v["metrics"]["check_ms"].as_f64().unwrap_or(0.0),
            codegen_ms: v["metrics"]["codegen_ms"].as_f64().unwrap_or(0.0),
        };
        // A line for an evaluation already read corrects it (the winner's check failed).
        let eval = v["eval"].as_u64();
        match eval.and_then(|e| at_eval.get(&e).copied()) {
            Some(earlier) => out[earlier] = signal,
            None => {
                if let Some(e) = eval {
                    at_eval.insert(e, out.len());
                }
                out.push(signal);
            }
        }
    }
    Ok(out)
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

/// The median of durations (zero when there are none), through the lab's median.
pub fn median(samples: &[Duration]) -> Duration {
    let secs: Vec<f64> = samples.iter().map(Duration::as_secs_f64).collect();
    opm_lab::stats::median(&secs).map_or(Duration::ZERO, Duration::from_secs_f64)
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

/// Runs the executable of build `name` once: why its output or exit status differs from
/// `reference` (clang -O2's build), if it does.
pub fn output_differs(
    name: &str,
    exe: &Path,
    reference: &Reference,
    timeout: Duration,
) -> anyhow::Result<Option<String>> {
    let run = run_tool(&mut Command::new(exe), &[], timeout)?;
    Ok((run.exit != reference.exit || run.stdout != reference.stdout).then(|| {
        format!(
            "{name} printed {} bytes and ended {:?}, clang's build {} bytes and {:?}",
            run.stdout.len(),
            run.exit,
            reference.stdout.len(),
            reference.exit
        )
    }))
}

/// The median run time of each executable over `runs` rounds: round-robin, each round
/// starting one build later, one run at a time. Or which build ended otherwise than
/// `reference` on a timed run.
pub fn time_round_robin(
    names: &[&str],
    exes: &[PathBuf],
    reference: &Reference,
    runs: usize,
) -> anyhow::Result<Result<Vec<Duration>, String>> {
    let mut times = vec![Vec::new(); exes.len()];
    for rep in 0..runs.max(1) {
        for k in 0..exes.len() {
            let i = (k + rep) % exes.len();
            let (took, same) = timed_run(&exes[i], reference)?;
            times[i].push(took);
            if !same {
                let name = names.get(i).copied().unwrap_or("a build");
                return Ok(Err(format!("{name} ended otherwise on a timed run")));
            }
        }
    }
    Ok(Ok(times.iter().map(|t| median(t)).collect()))
}

/// The last non-empty line of a tool's standard error, trimmed.
pub fn last_line(stderr: &[u8]) -> String {
    let err = String::from_utf8_lossy(stderr);
    err.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").trim().to_string()
}

/// The canonical instruction count of `opt -passes=default<Oz>`'s output.
pub fn oz_count(opt: &Path, program: &Program, dir: &Path) -> anyhow::Result<usize> {
    let out = dir.join(format!("{}.Oz.ll", program.name));
    let status = Command::new(opt)
        .arg("-passes=default<Oz>")
        .arg("-S")
        .arg(&program.ll)
        .arg("-o")
        .arg(&out)
        .status()
        .context("running opt")?;
    anyhow::ensure!(status.success(), "opt -passes=default<Oz> failed on {}", program.name);
    Ok(opm_llvm::load_file(&out)
        .with_context(|| format!("importing {}", out.display()))?
        .instruction_count())
}
