//! The Rust corpus (`tests/rust/*.rs`), built by rustc at opt-level 0, 1 and 3, runs through
//! every backend that accepts it, linked with the rest of rustc's own link line
//! (`--link-args`), printing byte for byte what rustc's build prints and ending with the same
//! status. (That each module imports, verifies and round-trips is tests/roundtrip.rs's.)
//!
//! LLVM and Cranelift build rustc's default (`panic=unwind`) modules, landing pads and all.
//! GCC refuses exception handling with a clear error, so it builds the `panic=abort` modules,
//! compared with rustc's `panic=abort` build; it must refuse the unwinding module naming
//! `invoke`.
//!
//! Each program is tried at one opt-level per run, rotating with a printed seed
//! (`OPM_RUST_SEED` replays it), to fit the suite's time; `OPM_RUST_LEVELS=0,1,3` runs every
//! level, and `OPM_RUST_BACKENDS=llvm,gcc` narrows the backends.

mod common;

use common::{driver, first_difference, run, scratch};
use libtest_mimic::{Arguments, Failed, Trial};
use opm_engine::toolchain::LinkArgs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(120);

/// A comma-separated list from the environment, or `default`.
fn list_from_env(var: &str, default: &[&str]) -> Vec<String> {
    match std::env::var(var) {
        Ok(s) => s.split(',').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect(),
        Err(_) => default.iter().map(|s| s.to_string()).collect(),
    }
}

/// rustc's build of `src` at `level` with `panic`: the executable (the reference), the module
/// it was built from (`.ll`) and the rest of its link line (a `--link-args` file).
struct RustBuild {
    exe: PathBuf,
    ir: PathBuf,
    link_args: PathBuf,
}

fn rustc_build(src: &Path, level: &str, panic: &str, dir: &Path) -> Result<RustBuild, String> {
    let exe = dir.join(format!("prog-{panic}"));
    let out = Command::new("rustc")
        .args(["--edition", "2024", "-C", &format!("opt-level={level}")])
        .args(["-C", "codegen-units=1", "-C", "save-temps", "-C", &format!("panic={panic}")])
        .args(["--emit=llvm-ir,link", "--print", "link-args", "-o"])
        .arg(&exe)
        .arg(src)
        .output()
        .map_err(|e| format!("cannot run rustc: {e}"))?;
    if !out.status.success() {
        return Err(format!("rustc failed:\n{}", String::from_utf8_lossy(&out.stderr)));
    }
    // Half the programs' link arguments go in as rustc prints them, half one per line.
    let link_args = dir.join(format!("link-args-{panic}"));
    let written = if src.to_string_lossy().len().is_multiple_of(2) {
        std::fs::write(&link_args, &out.stdout)
    } else {
        LinkArgs::from_rustc_print(&String::from_utf8_lossy(&out.stdout))?.write(&link_args)
    };
    written.map_err(|e| format!("{}: {e}", link_args.display()))?;
    Ok(RustBuild { ir: exe.with_extension("ll"), exe, link_args })
}

/// `opm-driver run --backend B --link-args F IR` against rustc's executable.
fn compare(build: &RustBuild, backend: &str, what: &str) -> Result<(), String> {
    let reference = run(Command::new(&build.exe), LIMIT);
    if reference.code.is_none() {
        return Err(format!("{what}: rustc's build ran out of time"));
    }
    let mut cmd = Command::new(driver());
    cmd.args(["run", "--backend", backend, "--link-args"]).arg(&build.link_args).arg(&build.ir);
    let ours = run(cmd, LIMIT * 3);
    if ours.stdout != reference.stdout || ours.code != reference.code {
        return Err(format!(
            "{what}: `opm-driver run --backend {backend}` differs from rustc's build\n\
             rustc: exit {:?}, {} bytes of output\nopm:   exit {:?}, {} bytes of output\n\
             first difference: {}\nopm stderr:\n{}",
            reference.code,
            reference.stdout.len(),
            ours.code,
            ours.stdout.len(),
            first_difference(&reference.stdout_text(), &ours.stdout_text()),
            ours.stderr_text().chars().take(4000).collect::<String>(),
        ));
    }
    Ok(())
}

/// The module has exception handling and `backend` refuses it clearly.
fn refuses_unwinding(build: &RustBuild, backend: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(&build.ir).map_err(|e| e.to_string())?;
    if !text.contains(" invoke ") {
        return Ok(()); // Nothing unwinds in this module.
    }
    let mut cmd = Command::new(driver());
    cmd.args(["run", "--backend", backend, "--link-args"]).arg(&build.link_args).arg(&build.ir);
    let o = run(cmd, LIMIT);
    let stderr = o.stderr_text();
    if o.code != Some(2) || !stderr.contains("unsupported") || !stderr.contains("invoke") {
        return Err(format!(
            "--backend {backend} on a panic=unwind module: expected exit 2 naming `invoke`, got \
             exit {:?}:\n{stderr}",
            o.code
        ));
    }
    Ok(())
}

/// Without rustc's link line, the module cannot link against Rust's standard library: the
/// error says what to give.
fn says_to_give_link_args(build: &RustBuild) -> Result<(), String> {
    let mut cmd = Command::new(driver());
    cmd.arg("run").arg(&build.ir);
    let o = run(cmd, LIMIT);
    let stderr = o.stderr_text();
    if o.code != Some(1) || !stderr.contains("refers to Rust's standard library") {
        return Err(format!(
            "`opm-driver run` without --link-args: expected exit 1 saying to give rustc's link \
             line, got exit {:?}:\n{stderr}",
            o.code
        ));
    }
    if !stderr.trim_end().ends_with("give it with --link-args FILE, from `rustc --print link-args`; see the README, \"Rust programs\")") {
        return Err(format!("the advice is not the error's last line:\n{stderr}"));
    }
    Ok(())
}

fn check(src: &Path, level: &str, backends: &[String], dir: &Path) -> Result<(), Failed> {
    let unwind = rustc_build(src, level, "unwind", dir)?;
    says_to_give_link_args(&unwind)?;
    let mut abort = None;
    for backend in backends {
        let what = format!("{} at opt-level {level}", src.display());
        if backend == "llvm" || backend == "cranelift" {
            compare(&unwind, backend, &what)?;
            continue;
        }
        refuses_unwinding(&unwind, backend)?;
        if abort.is_none() {
            abort = Some(rustc_build(src, level, "abort", dir)?);
        }
        if let Some(build) = &abort {
            compare(build, backend, &format!("{what} (panic=abort)"))?;
        }
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let backends = list_from_env("OPM_RUST_BACKENDS", &["llvm", "cranelift", "gcc"]);
    let mut trials = Vec::new();
    for (src, level) in common::rust_trials("rust") {
        let name = src.file_stem().unwrap().to_string_lossy().into_owned();
        let test_name = format!("rust::{name}::O{level}");
        let backends = backends.clone();
        trials.push(Trial::test(test_name.clone(), move || {
            check(&src, &level, &backends, &scratch(&test_name.replace("::", "-")))
        }));
    }
    libtest_mimic::run(&args, trials).exit();
}
