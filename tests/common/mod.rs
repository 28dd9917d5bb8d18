//! Shared helpers of the end-to-end tests: finding clang and the driver, compiling C,
//! running programs with a time limit, and comparing with clang's build; the csmith
//! campaigns are in `csmith.rs`, a PostgreSQL cluster of a test's own in `postgres.rs`.
#![allow(dead_code)]

pub mod csmith;
pub mod kills;
pub mod mutate;
pub mod postgres;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The repository's top directory (these tests belong to `driver/cli`).
pub fn repo_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

/// The `opm-driver` binary cargo built for these tests.
pub fn driver() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_opm-driver"))
}

/// A scratch directory for one test, emptied first.
pub fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("opm-tests").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

/// clang 22: `clang-22` on the PATH, else the distribution's LLVM 22 directory.
pub fn clang() -> PathBuf {
    for candidate in ["clang-22", "/usr/lib/llvm-22/bin/clang"] {
        if Command::new(candidate).arg("--version").output().is_ok_and(|o| o.status.success()) {
            return PathBuf::from(candidate);
        }
    }
    panic!("clang 22 not found: install it with `apt-get install clang-22` (see README)");
}

/// An LLVM 22 tool (`opt`, `llvm-as`, …).
pub fn llvm_tool(name: &str) -> PathBuf {
    let p = Path::new("/usr/lib/llvm-22/bin").join(name);
    assert!(p.exists(), "{} not found: install llvm-22 (see README)", p.display());
    p
}

/// What a program did.
#[derive(Debug)]
pub struct Outcome {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// The shell exit code (128+N for signal N); `None` when it ran out of time and was killed.
    pub code: Option<i32>,
}

impl Outcome {
    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}

/// Runs `cmd` to completion or until `limit` (killed then, with what it started), capturing
/// its output; opm's own helper, so that the tests run programs the way opm does.
pub fn run(mut cmd: Command, limit: Duration) -> Outcome {
    let ran = opm_backend::process::run_with_timeout(&mut cmd, None, limit)
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let code = ran.shell_code();
    Outcome { stdout: ran.stdout, stderr: ran.stderr, code }
}

/// Compiles C with clang 22 at `level` (`-O0`, `-O2`, …): to an executable, or to textual IR
/// when `out` ends in `.ll`.
pub fn clang_compile(src: &Path, out: &Path, level: &str, extra: &[&str]) -> Result<(), String> {
    let mut cmd = Command::new(clang());
    cmd.args(level.split_whitespace()).arg("-w").args(extra).arg(src).arg("-o").arg(out);
    if out.extension().is_some_and(|e| e == "ll") {
        cmd.args(["-S", "-emit-llvm"]);
    } else {
        cmd.arg("-lm");
    }
    let o = run(cmd, Duration::from_secs(300));
    if o.code != Some(0) {
        return Err(format!("clang failed on {}:\n{}", src.display(), o.stderr_text()));
    }
    Ok(())
}

/// The clang flags a program of `tests/data/` is built with besides its level: `-mfma` for
/// `fmuladd_fused.c`, whose point is a processor with FMA, and so on.
pub fn data_flags(program: &str) -> &'static [&'static str] {
    if program.starts_with("fmuladd_fused") {
        &["-mfma"]
    } else if program.starts_with("inline_asm_intel") {
        &["-masm=intel"]
    } else if program.starts_with("wide_ints") {
        // At -O2 the SLP vectorizer pairs its bit-fields in vectors of `i136`, which the
        // Cranelift backend refuses (`wide_vectors.ll` has such vectors for GCC).
        &["-fno-slp-vectorize"]
    } else {
        &[]
    }
}

/// Whether this machine's processor has FMA (its `/proc/cpuinfo` says `fma`): a program built
/// with `-mfma` runs only there. Without it, a test of such a program says so and stops.
pub fn has_fma() -> bool {
    std::fs::read_to_string("/proc/cpuinfo").is_ok_and(|t| {
        t.lines().any(|l| l.starts_with("flags") && l.split_whitespace().any(|f| f == "fma"))
    })
}

/// The result of one differential comparison.
#[derive(Debug)]
pub enum Verdict {
    /// `opm-driver run` printed exactly what clang's build printed, with the same status.
    Match,
    /// clang's own build did not finish in time: nothing to compare with.
    ReferenceTimeout,
    /// clang's own build ended in a way the caller does not accept as a reference (by
    /// default: a signal, status 128+N): the program's behaviour is undefined (a stack
    /// overflow; csmith's rare side-effect-free infinite loop, which -O1 and above delete),
    /// so there is nothing to compare with.
    ReferenceCrash(i32),
    /// opm rejected the program with a clean "unsupported" error (exit 2).
    Unsupported(String),
}

/// Builds `src` with clang at `level` (the reference), emits its IR at the same level, runs
/// that IR through `opm-driver run IR <driver_args>` (e.g. `["--backend", "cranelift"]`; `&[]`
/// for the defaults), and compares output and exit status byte for byte. `extra` goes to clang.
pub fn differential(
    src: &Path,
    level: &str,
    extra: &[&str],
    driver_args: &[&str],
    dir: &Path,
    limit: Duration,
) -> Result<Verdict, String> {
    differential_with(src, level, extra, driver_args, dir, limit, |code, _| code < 128)
}

/// [`differential`], with `sound_reference` deciding from its exit status and its output
/// whether clang's build is a reference at all ([`Verdict::ReferenceCrash`] when not).
pub fn differential_with(
    src: &Path,
    level: &str,
    extra: &[&str],
    driver_args: &[&str],
    dir: &Path,
    limit: Duration,
    sound_reference: fn(i32, &[u8]) -> bool,
) -> Result<Verdict, String> {
    let stem = src.file_stem().unwrap().to_string_lossy().into_owned();
    let tag = level_tag(level);
    let ref_exe = dir.join(format!("{stem}.{tag}.ref"));
    let ir = dir.join(format!("{stem}.{tag}.ll"));
    clang_compile(src, &ref_exe, level, extra)?;
    clang_compile(src, &ir, level, extra)?;
    let reference = run(Command::new(&ref_exe), limit);
    if reference.code.is_none() {
        return Ok(Verdict::ReferenceTimeout);
    }
    if let Some(code) = reference.code.filter(|&c| !sound_reference(c, &reference.stdout)) {
        return Ok(Verdict::ReferenceCrash(code));
    }
    let mut cmd = Command::new(driver());
    cmd.arg("run").arg(&ir).args(driver_args);
    let ours = run(cmd, limit * 3 + Duration::from_secs(60));
    if ours.code == Some(2) && ours.stderr_text().contains("unsupported:") {
        return Ok(Verdict::Unsupported(ours.stderr_text().trim().to_string()));
    }
    if ours.stdout != reference.stdout || ours.code != reference.code {
        let how = ["opm-driver run"].iter().chain(driver_args).copied().collect::<Vec<_>>();
        return Err(format!(
            "{} at {level}: {} differs from clang's build\n\
             clang: exit {:?}, {} bytes of output\nopm:   exit {:?}, {} bytes of output\n\
             first difference: {}\nopm stderr:\n{}",
            src.display(),
            how.join(" "),
            reference.code,
            reference.stdout.len(),
            ours.code,
            ours.stdout.len(),
            first_difference(&reference.stdout_text(), &ours.stdout_text()),
            ours.stderr_text().chars().take(4000).collect::<String>(),
        ));
    }
    Ok(Verdict::Match)
}

/// The first line where two outputs differ, for failure messages.
pub fn first_difference(a: &str, b: &str) -> String {
    for (i, (x, y)) in a.lines().zip(b.lines()).enumerate() {
        if x != y {
            return format!("line {}: clang `{x}` vs opm `{y}`", i + 1);
        }
    }
    format!(
        "one output is a prefix of the other ({} vs {} lines)",
        a.lines().count(),
        b.lines().count()
    )
}

/// The corpus programs, sorted by name.
pub fn corpus() -> Vec<PathBuf> {
    files_in("bench/corpus", &["c"])
}

/// The files of the repository's directory `dir` with one of the extensions `exts`, sorted.
fn files_in(dir: &str, exts: &[&str]) -> Vec<PathBuf> {
    let dir = repo_root().join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| exts.iter().any(|x| e == *x)))
        .collect();
    files.sort();
    files
}

/// A seed from the environment variable `var`, or a fresh one.
pub fn seed_from_env(var: &str) -> u64 {
    match std::env::var(var) {
        Ok(s) => s.parse().unwrap_or_else(|_| panic!("{var}={s} is not a number")),
        Err(_) => {
            let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
            (t.as_nanos() as u64 ^ u64::from(std::process::id()).rotate_left(32)) % 1_000_000_000
        }
    }
}

/// A count from the environment variable `var`, or `default`.
pub fn count_from_env(var: &str, default: usize) -> usize {
    std::env::var(var).ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

/// One trial per corpus program and level (-O0, -O2), named `<kind>::<program>::<level>`;
/// `check(source, level, scratch directory)` decides each.
pub fn corpus_trials(
    kind: &str,
    check: impl Fn(&Path, &'static str, &Path) -> Result<(), libtest_mimic::Failed>
    + Send
    + Sync
    + Clone
    + 'static,
) -> Vec<libtest_mimic::Trial> {
    let mut trials = Vec::new();
    for src in corpus() {
        let name = src.file_stem().unwrap().to_string_lossy().into_owned();
        push_level_trials(&mut trials, &format!("{kind}::{name}"), &src, &["-O0", "-O2"], &check);
    }
    trials
}

/// clang's unoptimised IR, as rustc's and `opm-driver optimize`'s searches start from it:
/// `-O1` without LLVM's passes (no `optnone`/`noinline` on every function, as at `-O0`).
pub const UNOPTIMISED: &str = "-O1 -Xclang -disable-llvm-passes";

/// The short name of a level of clang's (`-O2` → `O2`, [`UNOPTIMISED`] → `unoptimised`),
/// for test and file names.
pub fn level_tag(level: &str) -> &str {
    if level == UNOPTIMISED { "unoptimised" } else { level.trim_start_matches('-') }
}

/// One trial per level of `file`, named `<prefix>::<level>` (`<prefix>` alone for the level
/// `""`), each with a scratch directory of its own.
fn push_level_trials(
    trials: &mut Vec<libtest_mimic::Trial>,
    prefix: &str,
    file: &Path,
    levels: &[&'static str],
    check: &(
         impl Fn(&Path, &'static str, &Path) -> Result<(), libtest_mimic::Failed>
         + Send
         + Sync
         + Clone
         + 'static
     ),
) {
    for &level in levels {
        let test_name = match level {
            "" => prefix.to_string(),
            _ => format!("{prefix}::{}", level_tag(level)),
        };
        let (file, check) = (file.to_path_buf(), check.clone());
        trials.push(libtest_mimic::Trial::test(test_name.clone(), move || {
            check(&file, level, &scratch(&test_name.replace("::", "-")))
        }));
    }
}

/// The trial `<kind>::available_externally`: `tests/data/extern_inline.c` from clang's
/// unoptimised IR (`-O1 -Xclang -disable-llvm-passes`), whose glibc inline functions (`atoi`,
/// `bsearch`) are `available_externally` copies, runs through `driver_args` like clang's build.
pub fn available_externally_trial(
    kind: &str,
    driver_args: &'static [&'static str],
) -> libtest_mimic::Trial {
    let name = format!("{kind}::available_externally");
    let dir = scratch(&name.replace("::", "-"));
    libtest_mimic::Trial::test(name, move || {
        let src = repo_root().join("tests/data/extern_inline.c");
        let unoptimised = ["-Xclang", "-disable-llvm-passes"];
        match differential(&src, "-O1", &unoptimised, driver_args, &dir, Duration::from_secs(30))? {
            Verdict::Match => Ok(()),
            other => Err(format!("expected a match with clang's build: {other:?}").into()),
        }
    })
}

/// The programs of `tests/data/constructs/`, one per construct family that rustc and clang
/// emit beyond plain C (atomics, exception handling, inline asm, computed goto, long double,
/// thread-locals, wide integers, comdats and aliases), sorted by name: hand-written `.ll`
/// files and C programs with deterministic output.
pub fn constructs() -> Vec<PathBuf> {
    files_in("tests/data/constructs", &["c", "ll"])
}

/// One trial per construct file: a `.ll` file as it is (level `""`), a C program at -O0 and
/// -O2; named `<kind>::constructs::<file>[::<level>]`. `check(file, level, scratch)` decides.
pub fn construct_trials(
    kind: &str,
    check: impl Fn(&Path, &'static str, &Path) -> Result<(), libtest_mimic::Failed>
    + Send
    + Sync
    + Clone
    + 'static,
) -> Vec<libtest_mimic::Trial> {
    let mut trials = Vec::new();
    for file in constructs() {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let levels: &[&'static str] =
            if file.extension().is_some_and(|e| e == "c") { &["-O0", "-O2"] } else { &[""] };
        push_level_trials(
            &mut trials,
            &format!("{kind}::constructs::{name}"),
            &file,
            levels,
            &check,
        );
    }
    trials
}

/// The programs of the Rust corpus (`tests/rust/*.rs`), sorted by name.
pub fn rust_programs() -> Vec<PathBuf> {
    files_in("tests/rust", &["rs"])
}

/// rustc's LLVM IR of the Rust program `src` at opt-level `level` (one codegen unit).
pub fn rustc_emit_ir(src: &Path, level: &str, out: &Path) -> Result<(), String> {
    let o = Command::new("rustc")
        .args(["--edition", "2024", "-C", &format!("opt-level={level}"), "-C", "codegen-units=1"])
        .args(["--emit=llvm-ir", "-o"])
        .arg(out)
        .arg(src)
        .output()
        .map_err(|e| format!("cannot run rustc: {e}"))?;
    if !o.status.success() {
        return Err(format!("rustc failed:\n{}", String::from_utf8_lossy(&o.stderr)));
    }
    Ok(())
}

/// The opt-levels each Rust corpus program is tried at, as `(program, level)` pairs. With
/// `OPM_RUST_LEVELS=0,1,3` every program at each of those levels; otherwise a sample that
/// fits the suite's time: each program at one level, rotating with a seed (`OPM_RUST_SEED`,
/// fresh and printed when unset) so that every level gets a third of the programs and every
/// pair comes up across runs.
pub fn rust_trials(kind: &str) -> Vec<(PathBuf, String)> {
    let programs = rust_programs();
    if let Ok(levels) = std::env::var("OPM_RUST_LEVELS") {
        let levels: Vec<String> =
            levels.split(',').map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect();
        return programs
            .iter()
            .flat_map(|p| levels.iter().map(move |l| (p.clone(), l.clone())))
            .collect();
    }
    let seed = seed_from_env("OPM_RUST_SEED");
    eprintln!(
        "{kind}: each Rust program at one opt-level, rotating from seed {seed} (replay with \
         OPM_RUST_SEED={seed}; all levels: OPM_RUST_LEVELS=0,1,3)"
    );
    let levels = ["0", "1", "3"];
    programs
        .into_iter()
        .enumerate()
        .map(|(i, p)| (p, levels[(seed as usize).wrapping_add(i) % levels.len()].to_string()))
        .collect()
}
