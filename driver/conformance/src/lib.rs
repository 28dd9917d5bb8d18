//! The conformance harness: the contract checks an adapter (a backend) must pass before a
//! registry admits it, run on real compilers and real programs, and the specs it lists
//! ([`specs`]). Its result is an `opm_market::ConformanceReport`.
//!
//! The checks, all required:
//! - `tool-versions`: every tool the adapter drives reports a version, the same as an earlier
//!   claim of the adapter's (its registry record) when there is one;
//! - `determinism`: each preset compiles a program to the same object twice, in two
//!   processes;
//! - `specs-run`: every spec the adapter lists is accepted by its pipeline parser and
//!   compiles a corpus program (a refusal must come from the parser, naming the spec);
//! - `presets-preserve-output`: every preset's build of every program prints what the
//!   reference build (LLVM, no passes) prints and exits the same way;
//! - `unsupported-is-an-error`: modules with constructs adapters may not lower (inline
//!   assembly, exception handling, 128-bit atomics, wide integers, computed goto …) compile
//!   or fail with an error naming what is wrong; never a crash.

pub mod specs;

use opm_backend::{Backend, BackendKind, Pipeline};
use opm_market::{Adapter, CheckResult, ConformanceReport, Status};
use sha2::Digest;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Where the adapter's compilations run.
#[derive(Clone, Debug)]
pub enum Isolation {
    /// Each compilation in a process of its own: `EXE compile FILE -c …` (`opm-driver`),
    /// so that a crash is that compilation's result and two compilations share nothing.
    Process { exe: PathBuf },
    /// In this process: for an adapter that exists only here (a test's); a crash that is a
    /// panic is caught, an abort is not.
    InProcess,
}

/// The adapter under test.
pub struct Subject<'a> {
    pub backend: &'a dyn Backend,
    pub isolation: Isolation,
    /// The tool versions an earlier record of this adapter claims (the registry's).
    pub claimed: Option<BTreeMap<String, String>>,
}

/// A corpus program, as IR the adapter compiles.
#[derive(Clone, Debug)]
pub struct Program {
    pub name: String,
    pub ir: PathBuf,
    pub args: Vec<String>,
}

/// What the checks run on.
#[derive(Clone, Debug)]
pub struct Options {
    /// The programs; the first is the one specs are tried on (make it a small one).
    pub programs: Vec<Program>,
    /// Compilations at once.
    pub jobs: usize,
    /// Limit of each compilation and each run.
    pub limit: Duration,
}

/// The adapter's record: its name, version, tools and target.
pub fn adapter_of(backend: &dyn Backend) -> Adapter {
    Adapter {
        name: backend.kind().name().to_string(),
        backend: backend.kind(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        tools: backend.tool_versions().into_iter().collect(),
        target: host_target(),
    }
}

fn host_target() -> String {
    format!("{}-unknown-{}-gnu", std::env::consts::ARCH, std::env::consts::OS)
}

/// Puts the adapter through every check.
pub fn check(subject: &Subject, opts: &Options) -> ConformanceReport {
    let listed = specs::listed(subject.backend);
    let checks = vec![
        tool_versions(subject),
        determinism(subject, opts),
        specs_run(subject, opts, &listed),
        presets_preserve_output(subject, opts),
        unsupported_is_an_error(subject, opts),
    ];
    ConformanceReport {
        adapter: adapter_of(subject.backend),
        specs: listed.as_ref().map_or(0, Vec::len),
        programs: opts.programs.iter().map(|p| p.name.clone()).collect(),
        checks,
    }
}

fn result(check: &str, asks: &str, failures: Vec<String>, passed: String) -> CheckResult {
    let (status, why) = match failures.first() {
        None => (Status::Pass, passed),
        Some(first) => (Status::Fail, format!("{} failed; the first: {first}", failures.len())),
    };
    CheckResult { check: check.into(), asks: asks.into(), required: true, status, why, failures }
}

fn skipped(check: &str, asks: &str, why: String) -> CheckResult {
    CheckResult {
        check: check.into(),
        asks: asks.into(),
        required: true,
        status: Status::Skip,
        why,
        failures: Vec::new(),
    }
}

fn tool_versions(subject: &Subject) -> CheckResult {
    const ASKS: &str = "every tool reports a version, the one the adapter claims";
    let reported: BTreeMap<String, String> = subject.backend.tool_versions().into_iter().collect();
    let mut failures: Vec<String> = reported
        .iter()
        .filter(|(_, v)| v.trim().is_empty() || v.as_str() == "none")
        .map(|(t, v)| format!("{t}: no version reported (`{v}`)"))
        .collect();
    if reported.is_empty() {
        failures.push("the adapter reports no tools".into());
    }
    if let Some(claimed) = &subject.claimed {
        for (tool, version) in claimed {
            match reported.get(tool) {
                Some(v) if v == version => {}
                Some(v) => failures.push(format!("{tool}: claims {version}, reports {v}")),
                None => failures.push(format!("{tool}: claimed ({version}), not reported")),
            }
        }
    }
    let list: Vec<String> = reported.iter().map(|(t, v)| format!("{t} {v}")).collect();
    let against = if subject.claimed.is_some() { ", as claimed" } else { " (no earlier claim)" };
    result("tool-versions", ASKS, failures, format!("{}{against}", list.join(", ")))
}

/// The adapter's presets, as pipeline texts.
fn presets(backend: &dyn Backend) -> Vec<String> {
    backend.space().presets.iter().map(Pipeline::text).collect()
}

fn determinism(subject: &Subject, opts: &Options) -> CheckResult {
    const ASKS: &str = "a module and pipeline give the same object twice, in two processes";
    let Some(program) = opts.programs.first() else {
        return skipped("determinism", ASKS, "no corpus program to compile".into());
    };
    let presets = presets(subject.backend);
    let failures: Vec<String> = par_map(&presets, opts.jobs, |p| {
        let twice = [0, 1].map(|_| compile(subject, &program.ir, Some(p), opts.limit));
        match twice {
            [Ok(a), Ok(b)] if digest(&a) == digest(&b) => None,
            [Ok(a), Ok(b)] => Some(format!(
                "`{p}` on {}: objects {} and {} differ",
                program.name,
                &digest(&a)[..12],
                &digest(&b)[..12]
            )),
            [Err(e), _] | [_, Err(e)] => Some(format!("`{p}` on {}: {e}", program.name)),
        }
    })
    .into_iter()
    .flatten()
    .collect();
    let passed = format!(
        "{} presets on {}, each compiled twice: the same objects",
        presets.len(),
        program.name
    );
    result("determinism", ASKS, failures, passed)
}

fn specs_run(
    subject: &Subject,
    opts: &Options,
    listed: &Result<Vec<specs::Listed>, String>,
) -> CheckResult {
    const ASKS: &str = "every spec the adapter lists parses and compiles a corpus program";
    let listed = match listed {
        Ok(l) => l,
        Err(why) => {
            return result("specs-run", ASKS, vec![format!("the listing: {why}")], String::new());
        }
    };
    let Some(program) = opts.programs.first() else {
        return skipped("specs-run", ASKS, "no corpus program to compile".into());
    };
    let parsed: Vec<Result<(), String>> = listed
        .iter()
        .map(|l| subject.backend.parse_pipeline(&l.trial).map(|_| ()).map_err(|e| e.to_string()))
        .collect();
    // Out of process, the specs are measured by the engine, as a search measures candidates:
    // the module prepared once per worker, LLVM's verifier after every pass, a crash the
    // candidate's verdict.
    let engine: Option<Result<Vec<Result<(), String>>, String>> = match &subject.isolation {
        Isolation::Process { exe } => {
            Some(measure_specs(subject, exe, program, listed, &parsed, opts))
        }
        Isolation::InProcess => None,
    };
    let engine = match engine {
        Some(Err(why)) => return skipped("specs-run", ASKS, why),
        Some(Ok(e)) => Some(e),
        None => None,
    };
    let outcomes = par_map(&(0..listed.len()).collect::<Vec<_>>(), opts.jobs, |&i| {
        let l = &listed[i];
        let key = l.spec.key();
        if let Err(e) = &parsed[i] {
            return Err(format!("{key} (`{}`): refused by its own parser: {e}", l.trial));
        }
        let compiled = match &engine {
            Some(measured) => measured[i].clone().map(|_| Vec::new()).map_err(Failed::Error),
            None => compile(subject, &program.ir, Some(&l.trial), opts.limit),
        };
        match compiled {
            Ok(_) => Ok(None),
            // A failure the adapter warns of, in its listing, is refused by its rule.
            Err(e) if l.rule.is_some() => Ok(Some(format!("{key} ({e})"))),
            Err(e) => Err(format!("{key} (`{}`) on {}: {e}", l.trial, program.name)),
        }
    });
    let mut failures = Vec::new();
    let mut ruled = Vec::new();
    for (l, o) in listed.iter().zip(outcomes) {
        match o {
            Ok(None) => {}
            Ok(Some(_)) => {
                ruled.push(format!("{} ({})", l.spec.key(), l.rule.clone().unwrap_or_default()))
            }
            Err(f) => failures.push(f),
        }
    }
    let mut passed = format!(
        "{} specs, each alone: {} compiled {}",
        listed.len(),
        listed.len() - ruled.len(),
        program.name
    );
    if !ruled.is_empty() {
        passed.push_str(&format!("; failed, as the adapter's rules say: {}", ruled.join("; ")));
    }
    result("specs-run", ASKS, failures, passed)
}

/// The parsed specs of `listed` measured by the engine on `program` (code generated for
/// each: the size objective), in the listing's order; a spec that did not parse is `Ok` here
/// (its refusal is reported from `parsed`).
fn measure_specs(
    subject: &Subject,
    exe: &Path,
    program: &Program,
    listed: &[specs::Listed],
    parsed: &[Result<(), String>],
    opts: &Options,
) -> Result<Vec<Result<(), String>>, String> {
    use opm_search::{Budget, Objective, StrategyKind, Verdict};
    let trials: Vec<String> = listed
        .iter()
        .zip(parsed)
        .filter(|(_, p)| p.is_ok())
        .map(|(l, _)| l.trial.clone())
        .collect();
    let options = opm_engine::optimize::OptimizeOptions {
        file: program.ir.clone(),
        output: None,
        backend: subject.backend.kind(),
        objective: Objective::Size,
        strategy: StrategyKind::Presets,
        pipelines: trials,
        budget: Budget {
            compile_timeout: opts.limit,
            compile_timeout_fixed: true,
            ..Budget::default()
        },
        jobs: opts.jobs,
        signals: None,
        resume: false,
        seed: 0,
        runs: 1,
        timing: Default::default(),
        run_args: Vec::new(),
        strip_optnone: false,
        run: false,
        audit: None,
        progress: false,
        speaker: "opm-driver",
        worker_exe: exe.to_path_buf(),
        observer: None,
        link: Default::default(),
        verify_each_pass: true,
        avoid: false,
        warm_start: Vec::new(),
    };
    let signals =
        opm_engine::optimize::measure(&options).map_err(|e| format!("the engine: {e}"))?;
    let mut signals = signals.into_iter();
    Ok(parsed
        .iter()
        .map(|p| {
            if p.is_err() {
                return Ok(());
            }
            match signals.next() {
                Some(s) if matches!(s.verdict, Verdict::Ok | Verdict::OverBudget) => Ok(()),
                Some(s) => Err(format!("{}: {}", s.verdict.name(), s.detail.unwrap_or_default())),
                None => Err("not measured".into()),
            }
        })
        .collect())
}

fn presets_preserve_output(subject: &Subject, opts: &Options) -> CheckResult {
    const ASKS: &str =
        "every preset's build of every corpus program prints what the reference prints";
    if opts.programs.is_empty() {
        return skipped("presets-preserve-output", ASKS, "no corpus programs".into());
    }
    let linker = match opm_engine::toolchain::Linker::find() {
        Ok(l) => l,
        Err(e) => return skipped("presets-preserve-output", ASKS, format!("cannot link: {e}")),
    };
    let presets = presets(subject.backend);
    let scratch = match tempfile::Builder::new().prefix("opm-conformance-").tempdir() {
        Ok(d) => d,
        Err(e) => {
            return skipped("presets-preserve-output", ASKS, format!("no scratch directory: {e}"));
        }
    };
    let work: Vec<(usize, Option<&String>)> = (0..opts.programs.len())
        .flat_map(|i| std::iter::once((i, None)).chain(presets.iter().map(move |p| (i, Some(p)))))
        .collect();
    // Every build run once; the reference of each program is the LLVM build without passes.
    let next = AtomicUsize::new(0);
    let outputs = par_map(&work, opts.jobs, |(i, preset)| {
        let program = &opts.programs[*i];
        let n = next.fetch_add(1, Ordering::Relaxed);
        let object = match preset {
            None => reference_object(&subject.isolation, &program.ir, opts.limit),
            Some(p) => compile(subject, &program.ir, Some(p), opts.limit).map_err(String::from),
        }?;
        let obj = scratch.path().join(format!("{n}.o"));
        let exe = scratch.path().join(format!("{n}.exe"));
        std::fs::write(&obj, object).map_err(|e| format!("{}: {e}", obj.display()))?;
        linker.link(&[&obj], &exe).map_err(|e| e.to_string())?;
        run(&exe, &program.args, opts.limit)
    });
    let mut failures = Vec::new();
    let mut reference: BTreeMap<usize, Result<Ran, String>> = BTreeMap::new();
    for ((i, preset), out) in work.iter().zip(outputs) {
        let name = &opts.programs[*i].name;
        match preset {
            None => {
                if let Err(e) = &out {
                    failures.push(format!("{name}: the reference build: {e}"));
                }
                reference.insert(*i, out);
            }
            Some(p) => match (reference.get(i), out) {
                (Some(Ok(want)), Ok(got)) if *want == got => {}
                (Some(Ok(want)), Ok(got)) => failures.push(format!(
                    "{name} under `{p}`: {}",
                    if want.0 != got.0 {
                        format!("exit status {:?}, the reference's {:?}", got.0, want.0)
                    } else {
                        "prints otherwise than the reference".to_string()
                    }
                )),
                (_, Err(e)) => failures.push(format!("{name} under `{p}`: {e}")),
                (_, Ok(_)) => {}
            },
        }
    }
    let passed = format!(
        "{} presets × {} programs: every build prints what the reference prints",
        presets.len(),
        opts.programs.len()
    );
    result("presets-preserve-output", ASKS, failures, passed)
}

/// Modules with constructs some adapter cannot lower, from the test suite's data.
const CONSTRUCTS: &[(&str, &str)] = &[
    ("inline assembly", include_str!("../../../tests/data/constructs/asm.ll")),
    ("Intel-syntax assembly", include_str!("../../../tests/data/gcc_refuse_asm_intel.ll")),
    ("atomics", include_str!("../../../tests/data/constructs/atomics.ll")),
    ("128-bit atomics", include_str!("../../../tests/data/gcc_refuse_atomic128.ll")),
    ("exception handling", include_str!("../../../tests/data/constructs/eh.ll")),
    ("invoke", include_str!("../../../tests/data/gcc_refuse_invoke.ll")),
    ("resume", include_str!("../../../tests/data/gcc_refuse_resume.ll")),
    ("indirectbr", include_str!("../../../tests/data/constructs/indirectbr.ll")),
    ("label tables", include_str!("../../../tests/data/gcc_refuse_label_table.ll")),
    ("256-bit integers", include_str!("../../../tests/data/gcc_refuse_i256.ll")),
    ("wide integers", include_str!("../../../tests/data/constructs/wide.ll")),
    ("alias expressions", include_str!("../../../tests/data/gcc_refuse_alias_expr.ll")),
    ("floating point", include_str!("../../../tests/data/constructs/floats.ll")),
    ("symbols and linkage", include_str!("../../../tests/data/constructs/symbols.ll")),
];

fn unsupported_is_an_error(subject: &Subject, opts: &Options) -> CheckResult {
    const ASKS: &str = "an unsupported construct is an error naming it, never a crash";
    let scratch = match tempfile::Builder::new().prefix("opm-conformance-").tempdir() {
        Ok(d) => d,
        Err(e) => {
            return skipped("unsupported-is-an-error", ASKS, format!("no scratch directory: {e}"));
        }
    };
    let last_preset = presets(subject.backend).pop();
    let mut files = Vec::new();
    for (i, (what, text)) in CONSTRUCTS.iter().enumerate() {
        let path = scratch.path().join(format!("construct{i}.ll"));
        if let Err(e) = std::fs::write(&path, text) {
            return skipped("unsupported-is-an-error", ASKS, format!("{}: {e}", path.display()));
        }
        files.push((what, path.clone(), None));
        files.push((what, path, last_preset.clone()));
    }
    let (mut compiled, mut refused) = (0, 0);
    let outcomes =
        par_map(&files, opts.jobs, |(_, path, p)| compile(subject, path, p.as_deref(), opts.limit));
    let mut failures = Vec::new();
    for ((what, _, p), out) in files.iter().zip(outcomes) {
        let under = p.as_deref().unwrap_or("no passes");
        match out {
            Ok(_) => compiled += 1,
            Err(Failed::Error(m)) if !m.trim().is_empty() => refused += 1,
            Err(e) => failures.push(format!("{what} under `{under}`: {e}")),
        }
    }
    let passed = format!(
        "{} constructs, with no passes and with the last preset: {compiled} compiled, {refused} \
         refused with an error naming the construct",
        CONSTRUCTS.len()
    );
    result("unsupported-is-an-error", ASKS, failures, passed)
}

/// A program's exit status (`None`: a signal) and what it printed.
type Ran = (Option<i32>, Vec<u8>);

/// A process's exit status, stdout and stderr.
type Captured = (Option<i32>, Vec<u8>, Vec<u8>);

/// How a compilation failed.
#[derive(Debug)]
enum Failed {
    /// An error the adapter reported (its message).
    Error(String),
    /// A crash: a signal, an abort, a panic, or no answer within the limit.
    Crash(String),
}

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failed::Error(m) => write!(f, "error: {m}"),
            Failed::Crash(m) => write!(f, "crash: {m}"),
        }
    }
}

impl From<Failed> for String {
    fn from(f: Failed) -> String {
        f.to_string()
    }
}

fn digest(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

/// The reference object: LLVM without passes, isolated as the subject is.
fn reference_object(isolation: &Isolation, ir: &Path, limit: Duration) -> Result<Vec<u8>, String> {
    match isolation {
        Isolation::Process { exe } => {
            compile_in_process_of_its_own(exe, BackendKind::Llvm, ir, None, limit)
        }
        Isolation::InProcess => {
            let llvm = opm_engine::backends::open(BackendKind::Llvm).map_err(|e| e.to_string())?;
            compile_here(llvm.as_ref(), ir, None)
        }
    }
    .map_err(String::from)
}

/// `ir` compiled by the subject under `pipeline` (`None`: no passes) to an object.
fn compile(
    subject: &Subject,
    ir: &Path,
    pipeline: Option<&str>,
    limit: Duration,
) -> Result<Vec<u8>, Failed> {
    match &subject.isolation {
        Isolation::Process { exe } => {
            compile_in_process_of_its_own(exe, subject.backend.kind(), ir, pipeline, limit)
        }
        Isolation::InProcess => compile_here(subject.backend, ir, pipeline),
    }
}

fn compile_here(
    backend: &dyn Backend,
    ir: &Path,
    pipeline: Option<&str>,
) -> Result<Vec<u8>, Failed> {
    let attempt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let input = opm_engine::Input::load_verified(ir).map_err(|e| e.to_string())?;
        opm_engine::build::compile(backend, &input.module, pipeline).map_err(|e| e.to_string())
    }));
    match attempt {
        Ok(Ok(object)) => Ok(object),
        Ok(Err(message)) => Err(Failed::Error(message)),
        Err(panic) => Err(Failed::Crash(format!(
            "panicked: {}",
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default()
        ))),
    }
}

fn compile_in_process_of_its_own(
    exe: &Path,
    backend: BackendKind,
    ir: &Path,
    pipeline: Option<&str>,
    limit: Duration,
) -> Result<Vec<u8>, Failed> {
    let dir = tempfile::Builder::new()
        .prefix("opm-conformance-")
        .tempdir()
        .map_err(|e| Failed::Error(format!("no scratch directory: {e}")))?;
    let out = dir.path().join("out.o");
    let mut cmd = Command::new(exe);
    cmd.arg("compile").arg(ir).arg("-c").arg("-o").arg(&out).args(["--backend", backend.name()]);
    if let Some(p) = pipeline {
        cmd.arg(format!("--pipeline={p}"));
    }
    let (status, stderr) = run_limited(cmd, limit).map_err(Failed::Crash)?;
    let last = stderr.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("").to_string();
    match status {
        Some(0) => {
            std::fs::read(&out).map_err(|e| Failed::Error(format!("{}: {e}", out.display())))
        }
        // Rust's exit status for a panic.
        Some(101) => Err(Failed::Crash(format!("panicked: {last}"))),
        Some(_) => Err(Failed::Error(last)),
        None => Err(Failed::Crash(format!("killed by a signal: {last}"))),
    }
}

/// Runs `cmd` within `limit` (the shared runner: its whole process group killed at the
/// limit): its exit status (`None`: ended by a signal), stdout and stderr; out of time is an
/// error.
fn run_capturing(cmd: &mut Command, limit: Duration) -> Result<Captured, String> {
    use opm_backend::process::{Ending, run_with_timeout};
    let ran = run_with_timeout(cmd, None, limit)
        .map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))?;
    match ran.ending {
        Ending::TimedOut => Err(format!("no answer within {} s", limit.as_secs())),
        Ending::Exited(status) => Ok((status.code(), ran.stdout, ran.stderr)),
    }
}

fn run_limited(mut cmd: Command, limit: Duration) -> Result<(Option<i32>, String), String> {
    let (code, _, stderr) = run_capturing(&mut cmd, limit)?;
    Ok((code, String::from_utf8_lossy(&stderr).into_owned()))
}

/// Runs the program `exe`: its exit status and what it printed.
fn run(exe: &Path, args: &[String], limit: Duration) -> Result<Ran, String> {
    let (code, out, _) = run_capturing(Command::new(exe).args(args), limit)?;
    Ok((code, out))
}

/// `f` over `items` on `jobs` threads, results in the items' order.
fn par_map<T: Sync, R: Send>(items: &[T], jobs: usize, f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let results: std::sync::Mutex<Vec<Option<R>>> =
        std::sync::Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1).min(items.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let r = f(item);
                    let mut all = results.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                    all[i] = Some(r);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .into_iter()
        .flatten()
        .collect()
}

/// The corpus programs of `dir` (`.c` compiled by clang-22 without LLVM's passes, `.ll` as
/// they are), with the manifest's run arguments; `only` keeps those named.
pub fn corpus(dir: &Path, only: &[String], work: &Path) -> Result<Vec<Program>, String> {
    let programs = opm_lab::run::corpus_programs(dir).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for p in programs.into_iter().filter(|p| only.is_empty() || only.contains(&p.name)) {
        let ir = opm_lab::run::prepare(&p, work)?;
        out.push(Program { name: p.name, ir, args: p.entry.args });
    }
    if let Some(missing) = only.iter().find(|n| !out.iter().any(|p| &p.name == *n)) {
        return Err(format!("no program `{missing}` in {}", dir.display()));
    }
    // The smallest first: specs are tried on it.
    out.sort_by_key(|p| std::fs::metadata(&p.ir).map(|m| m.len()).unwrap_or(u64::MAX));
    Ok(out)
}
