//! Running cargo: one target of one package built in a profile, its messages read with
//! `cargo_metadata`, and — for opm — the whole-program module and link line rustc leaves.
//!
//! The module comes from rustc's fat LTO with its temporary files kept: `cargo rustc` with
//! `CARGO_PROFILE_<P>_LTO=fat` and `-- -C save-temps --print link-args`, the rustc flags for
//! the final crate only (build scripts and proc-macros are untouched, and the dependencies are
//! the very ones `cargo build` with fat LTO builds). rustc prints its link line on its standard
//! output, which cargo forwards to its own as a line that is not JSON (`Message::TextLine`).
//! Fat LTO merges every codegen unit into one (the crate's largest), so the link line names
//! one object of the crate, `…-cgu.N.rcgu.o`, and beside it `-C save-temps` kept
//! `…-cgu.N.rcgu.lto.after-restriction.bc`: the whole program after fat LTO merged and
//! internalized it, before LTO's optimization.
//!
//! rustc prints only when it runs: a crate cargo finds fresh prints nothing. Builds whose line
//! is needed first remove the crate's own output in `deps/` (cargo then rebuilds that crate
//! alone, nothing else); builds that are timed are timed on such a rebuild, so that every
//! build time in `tune`'s table is the time of the binary's crate with its dependencies built.

use crate::error::Error;
use crate::project::Project;
use cargo_metadata::{Artifact, Message, TargetKind};
use opm_engine::toolchain::LinkArgs;
use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Which target of the package to build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Select {
    Bin(String),
    Lib(String),
    Test(String),
}

impl Select {
    /// The target's name.
    pub fn name(&self) -> &str {
        match self {
            Select::Bin(n) | Select::Lib(n) | Select::Test(n) => n,
        }
    }

    fn args(&self) -> Vec<String> {
        match self {
            Select::Bin(n) => vec!["--bin".into(), n.clone()],
            Select::Lib(_) => vec!["--lib".into()],
            Select::Test(n) => vec!["--test".into(), n.clone()],
        }
    }

    fn matches(&self, kinds: &[TargetKind]) -> bool {
        match self {
            Select::Bin(_) => kinds.contains(&TargetKind::Bin),
            Select::Test(_) => kinds.contains(&TargetKind::Test),
            Select::Lib(_) => kinds.iter().any(is_lib_kind),
        }
    }

    /// How `cargo test` names it: `unittests src/main.rs (bin opm-fixture)` → `bin x`.
    pub fn describe(&self) -> String {
        match self {
            Select::Bin(n) => format!("bin `{n}`"),
            Select::Lib(n) => format!("lib `{n}`"),
            Select::Test(n) => format!("test `{n}`"),
        }
    }
}

/// The kinds of library target `cargo rustc --lib` builds (not proc-macros: they run inside
/// the compiler).
pub fn is_lib_kind(k: &TargetKind) -> bool {
    matches!(
        k,
        TargetKind::Lib
            | TargetKind::RLib
            | TargetKind::DyLib
            | TargetKind::CDyLib
            | TargetKind::StaticLib
    )
}

/// One cargo build of one target.
#[derive(Clone, Debug)]
pub struct Spec {
    pub package_id: String,
    /// The package's name, for messages.
    pub package: String,
    pub select: Select,
    /// The profile (`release`, the user's own, or `bench` for test harnesses).
    pub profile: String,
    /// Fat LTO added to the profile (`CARGO_PROFILE_<P>_LTO=fat`).
    pub fat_lto: bool,
    /// `cargo rustc … -- -C save-temps --print link-args`: keep the module, print the line.
    pub keep_module: bool,
    /// A test harness (the artifact's profile says `test`).
    pub harness: bool,
    /// cargo's `--target-dir`.
    pub target_dir: PathBuf,
}

/// What one build gave.
#[derive(Clone, Debug)]
pub struct Built {
    /// The executable cargo linked.
    pub exe: PathBuf,
    /// rustc's link line, as printed (when asked for and rustc ran).
    pub link_line: Option<String>,
    /// The whole cargo command's wall time.
    pub elapsed: Duration,
    /// Whether that was the time of the target's crate alone: it was built, every other unit
    /// was fresh.
    pub crate_only: bool,
}

/// The directory of a profile's outputs under a target triple's directory.
fn profile_dir(profile: &str) -> &str {
    match profile {
        "release" | "bench" => "release",
        "dev" | "test" => "debug",
        other => other,
    }
}

/// The environment variable of `setting` in `profile`'s cargo configuration.
fn profile_var(profile: &str, setting: &str) -> String {
    format!("CARGO_PROFILE_{}_{setting}", profile.to_uppercase().replace('-', "_"))
}

/// Whether `name` is `{stem}-{16 hex digits}`: one of the crate's outputs in `deps/` (the
/// executable, without an extension).
fn is_crate_output(name: &str, stem: &str) -> bool {
    name.strip_prefix(stem)
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|hash| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Copies cargo's standard error to ours as it comes, keeping the first line that reports an
/// error.
fn tee_stderr(pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Option<String>> {
    std::thread::spawn(move || {
        let mut first_error = None;
        let mut reader = BufReader::new(pipe);
        let mut line = Vec::new();
        loop {
            line.clear();
            match reader.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            let _ = std::io::stderr().write_all(&line);
            let text = String::from_utf8_lossy(&line);
            let plain = strip_ansi(text.trim());
            if first_error.is_none() && plain.starts_with("error") {
                first_error = Some(plain);
            }
        }
        first_error
    })
}

/// `text` without terminal color sequences.
fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether a line of cargo's output that is not JSON is rustc's link line.
fn is_link_line(line: &str) -> bool {
    shell_words::split(line.trim()).is_ok_and(|w| w.iter().any(|x| x == "-o") && w.len() > 3)
}

impl Project {
    /// The directory cargo writes `spec`'s crate outputs to.
    fn deps_dir(&self, spec: &Spec, host: &str) -> PathBuf {
        spec.target_dir.join(host).join(profile_dir(&spec.profile)).join("deps")
    }

    /// Removes the crate's outputs from `deps/`, so that cargo builds it again (and rustc
    /// prints its link line). Cargo rebuilds a unit whose output is missing, and nothing else.
    fn remove_crate_outputs(&self, spec: &Spec, host: &str) -> Result<(), Error> {
        let dir = self.deps_dir(spec, host);
        let stem = spec.select.name().replace('-', "_");
        let Ok(entries) = std::fs::read_dir(&dir) else { return Ok(()) };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if is_crate_output(&name, &stem) && e.path().is_file() {
                std::fs::remove_file(e.path()).map_err(|err| Error::io(e.path(), err))?;
            }
        }
        Ok(())
    }

    /// Builds `spec` once; with `force`, its crate is built even when cargo finds it fresh.
    pub fn cargo_build(&self, spec: &Spec, host: &str, force: bool) -> Result<Built, Error> {
        if force {
            self.remove_crate_outputs(spec, host)?;
        }
        let mut cmd = Command::new(&self.cargo);
        cmd.arg(if spec.keep_module { "rustc" } else { "build" });
        cmd.arg("--manifest-path").arg(&self.manifest);
        cmd.args(["--target", host, "--profile", &spec.profile]);
        cmd.arg("--target-dir").arg(&spec.target_dir);
        cmd.args(["--message-format", "json-render-diagnostics", "-p", &spec.package_id]);
        cmd.args(spec.select.args());
        if std::io::stderr().is_terminal() {
            cmd.arg("--color=always");
        }
        cmd.args(&self.args.passthrough);
        if spec.keep_module {
            cmd.args(["--", "-C", "save-temps", "--print", "link-args"]);
        }
        if spec.fat_lto {
            cmd.env(profile_var(&spec.profile, "LTO"), "fat");
        }
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).stdin(Stdio::null());
        let start = Instant::now();
        let mut child = cmd
            .spawn()
            .map_err(|e| Error::Tool(format!("cannot run {}: {e}", self.cargo.display())))?;
        let tee = child.stderr.take().map(tee_stderr);
        let mut artifacts: Vec<Artifact> = Vec::new();
        let mut link_line = None;
        if let Some(stdout) = child.stdout.take() {
            for message in Message::parse_stream(BufReader::new(stdout)).flatten() {
                match message {
                    Message::CompilerArtifact(a) => artifacts.push(a),
                    Message::TextLine(line) if spec.keep_module && is_link_line(&line) => {
                        link_line = Some(line);
                    }
                    Message::TextLine(line) => eprintln!("{line}"),
                    _ => {}
                }
            }
        }
        let status = child
            .wait()
            .map_err(|e| Error::Tool(format!("cannot wait for {}: {e}", self.cargo.display())))?;
        let elapsed = start.elapsed();
        let first_error = tee.and_then(|t| t.join().ok()).flatten();
        let what = format!("{} of package `{}`", spec.select.describe(), spec.package);
        if !status.success() {
            let why = first_error.map_or_else(String::new, |e| format!(": {e}"));
            return Err(Error::Build(format!(
                "cargo could not build {what}{why} (cargo's messages are above)"
            )));
        }
        let is_final = |a: &Artifact| {
            a.package_id.repr == spec.package_id
                && a.target.name == spec.select.name()
                && spec.select.matches(&a.target.kind)
                && a.profile.test == spec.harness
        };
        let Some(last) = artifacts.iter().rev().find(|a| is_final(a)) else {
            return Err(Error::Build(format!("cargo built no artifact for {what}")));
        };
        let Some(exe) = last.executable.clone() else {
            return Err(Error::Build(format!("cargo built no executable for {what}")));
        };
        let crate_only = !last.fresh && artifacts.iter().all(|a| is_final(a) || a.fresh);
        Ok(Built { exe: exe.into_std_path_buf(), link_line, elapsed, crate_only })
    }

    /// Builds `spec` and times it: the time of a build of its crate alone (dependencies
    /// built, the crate rebuilt), which takes a second build when the first one built
    /// dependencies or found the crate fresh.
    pub fn cargo_build_timed(&self, spec: &Spec, host: &str) -> Result<Built, Error> {
        let first = self.cargo_build(spec, host, false)?;
        if first.crate_only && (first.link_line.is_some() || !spec.keep_module) {
            return Ok(first);
        }
        self.cargo_build(spec, host, true)
    }
}

/// The whole-program module rustc kept and the link line that links it.
#[derive(Clone, Debug)]
pub struct Module {
    /// `…-cgu.0.rcgu.lto.after-restriction.bc`.
    pub bitcode: PathBuf,
    /// rustc's line as printed.
    pub line: String,
    /// The line without the environment, the linker, `-o` and the crate's own object.
    pub link: LinkArgs,
}

impl Module {
    /// The module a fat-LTO build with `-C save-temps` left, found from its link line.
    pub fn from_link_line(line: &str, profile: &str) -> Result<Module, Error> {
        let words = shell_words::split(line.trim())
            .map_err(|e| Error::Tool(format!("rustc's link line does not parse: {e}")))?;
        let cgus: Vec<&String> = words
            .iter()
            .filter(|w| {
                Path::new(w).file_name().is_some_and(|n| {
                    let n = n.to_string_lossy();
                    n.contains("-cgu.") && n.ends_with(".rcgu.o")
                })
            })
            .collect();
        let object = match cgus.as_slice() {
            [one] => PathBuf::from(one.as_str()),
            _ => {
                return Err(Error::Build(format!(
                    "rustc linked {} codegen units, not one fat-LTO module: is `lto` or \
                     `codegen-units` of profile `{profile}` forced by a --config or by \
                     RUSTFLAGS?",
                    cgus.len()
                )));
            }
        };
        let name = object.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let bc_name = format!("{}.lto.after-restriction.bc", name.trim_end_matches(".o"));
        let bitcode = object.with_file_name(bc_name);
        if !bitcode.is_file() {
            return Err(Error::Build(format!(
                "rustc kept no fat-LTO module ({} is missing): is `lto` of profile `{profile}` \
                 forced off by a --config or by RUSTFLAGS?",
                bitcode.display()
            )));
        }
        let link = LinkArgs::from_rustc_print(line).map_err(Error::Tool)?;
        crate::toolchain::check_fuse_ld(&link.to_args())?;
        Ok(Module { bitcode, line: line.to_string(), link })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_outputs_are_told_from_other_files() {
        assert!(is_crate_output("opm_fixture-afe89a68c5c824a4", "opm_fixture"));
        assert!(!is_crate_output("opm_fixture-afe89a68c5c824a4.d", "opm_fixture"));
        assert!(!is_crate_output("libopm_fixture-afe89a68c5c824a4.rlib", "opm_fixture"));
        assert!(!is_crate_output("opm_fixture_x-afe89a68c5c824a4", "opm_fixture"));
        assert_eq!(profile_var("release-lto", "LTO"), "CARGO_PROFILE_RELEASE_LTO_LTO");
        assert_eq!(profile_dir("bench"), "release");
    }

    #[test]
    fn link_lines_are_told_from_other_output() {
        assert!(is_link_line(r#"LC_ALL="C" "cc" "-m64" "/t/x.o" "-o" "/t/x""#));
        assert!(!is_link_line("hello -o"));
        assert!(!is_link_line("warning: unused"));
        assert_eq!(strip_ansi("\u{1b}[1m\u{1b}[91merror\u{1b}[0m: x"), "error: x");
    }

    #[test]
    fn the_module_is_found_beside_the_crate_object() {
        let dir = tempfile::tempdir().map_err(|e| e.to_string());
        let Ok(dir) = dir else { panic!("no temporary directory") };
        let object = dir.path().join("p-0123456789abcdef.p.abc-cgu.0.rcgu.o");
        let line = format!(r#"LC_ALL="C" "cc" "-m64" "{}" "-lc" "-o" "/t/p""#, object.display());
        assert!(matches!(Module::from_link_line(&line, "release"), Err(Error::Build(_))));
        let bc = dir.path().join("p-0123456789abcdef.p.abc-cgu.0.rcgu.lto.after-restriction.bc");
        assert!(std::fs::write(&bc, b"BC").is_ok());
        let m = Module::from_link_line(&line, "release");
        let Ok(m) = m else { panic!("{m:?}") };
        assert_eq!(m.bitcode, bc);
        assert_eq!(m.link.to_args(), vec![std::ffi::OsString::from("-m64"), "-lc".into()]);
        let two = format!(r#""cc" "{0}" "{0}" "-o" "/t/p""#, object.display());
        assert!(matches!(Module::from_link_line(&two, "release"), Err(Error::Build(_))));
    }
}
