//! `cargo opm` end to end, as cargo runs it (`cargo-opm opm ...`, with `CARGO` set), on a copy
//! of the fixture crate `tests/data/cargo-fixture/` (a binary with a build script, a path
//! dependency, unit tests in both, deterministic output, exit status 3):
//!
//! - `tune` with a tiny budget, then `build`, then `test`: the binary `build` prints runs
//!   exactly as `cargo run --release` does (output and exit status), the tests pass;
//! - each clear error (exit status 2, one line): not a cargo project, no binary, several
//!   binaries without `--bin`, a crate that does not build (cargo's own error shown above).
//!
//! The crates live under `CARGO_TARGET_TMPDIR/cargo-opm/`; a failing run's files stay there.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The candidates `tune` evaluates here: O2, O3 and Oz (the baselines every search measures
/// first) and one more. Every candidate compiles the fixture's whole program (its std
/// included), so this is kept small.
const EVALS: &str = "4";

fn cargo() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from)
}

/// A fresh directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cargo-opm").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap_or_else(|e| panic!("{}: {e}", to.display()));
    let entries = std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
    for e in entries.flatten() {
        let (src, dst) = (e.path(), to.join(e.file_name()));
        if src.is_dir() {
            if e.file_name() != "target" {
                copy_dir(&src, &dst);
            }
        } else {
            std::fs::copy(&src, &dst).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
        }
    }
}

/// The fixture, copied to a scratch directory.
fn fixture(name: &str) -> PathBuf {
    let dir = scratch(name);
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/cargo-fixture");
    copy_dir(&src, &dir);
    dir
}

/// A crate made of `files` (path, text) in a scratch directory, its own workspace.
fn make_crate(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = scratch(name);
    for (path, text) in files {
        let path = dir.join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("{}: {e}", parent.display()));
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }
    dir
}

fn manifest(name: &str) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[workspace]\n"
    )
}

/// Cargo's environment without what would send the nested builds elsewhere.
fn isolate(cmd: &mut Command) -> &mut Command {
    cmd.env_remove("CARGO_TARGET_DIR").env_remove("CARGO_BUILD_TARGET_DIR").env("CARGO", cargo())
}

/// `cargo opm ARGS` in `dir`.
fn cargo_opm(dir: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cargo-opm"));
    isolate(&mut cmd).arg("opm").args(args).current_dir(dir);
    cmd.output().unwrap_or_else(|e| panic!("cannot run cargo-opm: {e}"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn show(what: &str, out: &Output) -> String {
    format!(
        "{what}: {}\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        text(&out.stdout),
        text(&out.stderr)
    )
}

/// A clear error: exit status 2 and, last on stderr, one `cargo-opm: error:` line containing
/// `needle`.
fn assert_clear_error(out: &Output, needle: &str) {
    let stderr = text(&out.stderr);
    let last = stderr.lines().last().unwrap_or_default();
    assert_eq!(out.status.code(), Some(2), "{}", show("exit status", out));
    assert!(last.starts_with("cargo-opm: error: "), "{}", show("last line", out));
    assert!(last.contains(needle), "`{needle}` missing: {}", show("last line", out));
}

#[test]
fn tune_then_build_then_test_the_fixture() {
    let start = std::time::Instant::now();
    let dir = fixture("e2e");
    let reference = isolate(&mut Command::new(cargo()))
        .args(["run", "--release", "--quiet"])
        .current_dir(&dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run cargo: {e}"));
    assert_eq!(reference.status.code(), Some(3), "{}", show("cargo run --release", &reference));
    eprintln!("cargo run --release: {:.0} s", start.elapsed().as_secs_f64());

    let out = cargo_opm(&dir, &["tune", "--budget-evals", EVALS]);
    assert!(out.status.success(), "{}", show("cargo opm tune", &out));
    eprintln!("cargo opm tune: {:.0} s", start.elapsed().as_secs_f64());
    let stdout = text(&out.stdout);
    for row in
        ["cargo build --release ", "cargo build --release + fat LTO", "cargo opm build (llvm)"]
    {
        assert!(stdout.contains(row), "no row `{row}`: {}", show("tune", &out));
    }
    let store = dir.join("target/opm/opm-fixture");
    let winner = json(&store.join("winner.json"));
    assert_eq!(winner["backend"], "llvm");
    assert_eq!(winner["objective"], "size");
    let pipeline = winner["pipeline"].as_str().unwrap_or_default().to_string();
    assert!(!pipeline.is_empty(), "{winner}");
    assert!(stdout.contains(&format!("winner: `{pipeline}`")), "{}", show("tune", &out));
    let signals = std::fs::read_to_string(store.join("signals.jsonl")).unwrap_or_default();
    assert_eq!(signals.lines().count().to_string(), EVALS, "{signals}");
    for file in ["fat-lto.bc", "module.ll", "link-args", "link-line.txt", "ranking.json"] {
        assert!(store.join(file).is_file(), "{file} missing: {}", show("tune", &out));
    }
    let comparison = json(&store.join("comparison.json"));
    let builds = comparison["builds"].as_array().cloned().unwrap_or_default();
    assert_eq!(builds.len(), 3, "{comparison}");
    assert!(builds.iter().all(|b| b["text_bytes"].as_u64() > Some(0) && b["run_ms"].is_f64()));

    let out = cargo_opm(&dir, &["build"]);
    assert!(out.status.success(), "{}", show("cargo opm build", &out));
    eprintln!("cargo opm build: {:.0} s", start.elapsed().as_secs_f64());
    assert!(text(&out.stderr).contains("built what `tune` measured"), "{}", show("build", &out));
    let exe = text(&out.stdout).trim().to_string();
    assert_eq!(Path::new(&exe), store.join("opm-fixture"), "{}", show("build", &out));
    let ours = Command::new(&exe).output().unwrap_or_else(|e| panic!("{exe}: {e}"));
    assert_eq!(ours.status.code(), reference.status.code(), "{}", show("the binary", &ours));
    assert_eq!(text(&ours.stdout), text(&reference.stdout));

    let out = cargo_opm(&dir, &["test"]);
    assert!(out.status.success(), "{}", show("cargo opm test", &out));
    eprintln!("cargo opm test: {:.0} s", start.elapsed().as_secs_f64());
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(&format!("tests passed with `{pipeline}` (llvm), 1 test target")),
        "{}",
        show("test", &out)
    );
    let winner = std::fs::read_to_string(store.join("winner.json")).unwrap_or_default();
    assert!(winner.contains("\"tests_passed\": true"), "{winner}");
}

/// Reads `path` as JSON.
fn json(path: &Path) -> serde_json::Value {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_else(|| panic!("{} does not read as JSON", path.display()))
}

/// `--backend all` on the fixture: LLVM's, Cranelift's and GCC's searches and the cross plans
/// (LLVM's best module through Cranelift's and GCC's code generation) in one table; GCC
/// refuses std's unwinding by name. Then a cross plan, put in `winner.json` as if it had
/// won, is what `build` builds (the object measured, printing what cargo's build prints) and
/// what `test` tests: through Cranelift's code generation, std's unwinding, aliases and weak
/// imports included, a panic unwinding to the harness among the tests.
#[test]
fn tune_every_backend_then_build_and_test_a_cross_plan() {
    let dir = fixture("all");
    let out = cargo_opm(&dir, &["tune", "--backend", "all", "--budget-evals", "8"]);
    assert!(out.status.success(), "{}", show("cargo opm tune --backend all", &out));
    let stdout = text(&out.stdout);
    for row in ["llvm ", "cranelift ", "llvm+cranelift "] {
        let ranked = stdout.lines().any(|l| l.split_whitespace().nth(1) == Some(row.trim()));
        assert!(ranked, "no row `{row}`: {}", show("tune", &out));
    }
    let gcc = stdout.lines().find(|l| l.contains(" gcc ")).unwrap_or_default();
    assert!(gcc.contains("no valid candidate"), "{}", show("tune", &out));
    assert!(stdout.contains("unsupported: `invoke`"), "{}", show("tune", &out));
    // The engine's messages speak as the command the user ran.
    let stderr = text(&out.stderr);
    assert!(stderr.contains("cargo-opm: searching cranelift's pipelines"), "{stderr}");
    assert!(!stderr.contains("opm-driver:"), "{stderr}");

    let store = dir.join("target/opm/opm-fixture");
    let ranking = json(&store.join("ranking.json"));
    let candidates = ranking["candidates"].as_array().cloned().unwrap_or_default();
    let cross = candidates
        .iter()
        .find(|c| c["backend"] == "cranelift" && c["mid_end"].is_string())
        .unwrap_or_else(|| panic!("no cross plan in the ranking: {ranking}"))
        .clone();
    let mut winner = json(&store.join("winner.json"));
    for field in ["backend", "mid_end", "pipeline", "identity"] {
        winner[field] = cross[field].clone();
    }
    let text_of = serde_json::to_string_pretty(&winner).unwrap_or_default();
    std::fs::write(store.join("winner.json"), text_of).unwrap_or_else(|e| panic!("{e}"));

    let out = cargo_opm(&dir, &["build"]);
    assert!(out.status.success(), "{}", show("cargo opm build", &out));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("(llvm+cranelift)"), "{}", show("build", &out));
    assert!(stderr.contains("built what `tune` measured"), "{}", show("build", &out));
    let reference = store.join("baselines/release/opm-fixture");
    let reference = Command::new(&reference).output().unwrap_or_else(|e| panic!("{e}"));
    let ours = Command::new(store.join("opm-fixture")).output().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ours.status.code(), reference.status.code(), "{}", show("the binary", &ours));
    assert_eq!(text(&ours.stdout), text(&reference.stdout));

    let out = cargo_opm(&dir, &["test"]);
    assert!(out.status.success(), "{}", show("cargo opm test", &out));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("a_panic_reaches_the_harness - should panic ... ok"), "{stdout}");
    assert!(stdout.contains("(llvm+cranelift), 1 test target"), "{}", show("test", &out));
}

/// The fixture with `panic = "abort"` through GCC: std's `invoke`s (it is prebuilt with
/// unwinding) are calls that return in a program whose panics abort, so its whole program
/// builds as C, and `build` rebuilds the object measured, printing what cargo's build prints.
#[test]
fn tune_and_build_the_fixture_with_panic_abort_through_gcc() {
    let dir = fixture("gcc-abort");
    let manifest = dir.join("Cargo.toml");
    let toml = std::fs::read_to_string(&manifest).unwrap_or_default();
    let toml = format!("{toml}\n[profile.release]\npanic = \"abort\"\n");
    std::fs::write(&manifest, toml).unwrap_or_else(|e| panic!("{e}"));
    let out = cargo_opm(&dir, &["tune", "--backend", "gcc", "--budget-evals", "3"]);
    assert!(out.status.success(), "{}", show("cargo opm tune --backend gcc", &out));
    assert!(text(&out.stdout).contains("cargo opm build (gcc)"), "{}", show("tune", &out));
    let out = cargo_opm(&dir, &["build"]);
    assert!(out.status.success(), "{}", show("cargo opm build", &out));
    assert!(text(&out.stderr).contains("built what `tune` measured"), "{}", show("build", &out));
    let store = dir.join("target/opm/opm-fixture");
    let reference = store.join("baselines/release/opm-fixture");
    let reference = Command::new(&reference).output().unwrap_or_else(|e| panic!("{e}"));
    let ours = Command::new(store.join("opm-fixture")).output().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ours.status.code(), reference.status.code(), "{}", show("the binary", &ours));
    assert_eq!(text(&ours.stdout), text(&reference.stdout));
}

#[test]
fn not_a_cargo_project() {
    let dir = std::env::temp_dir().join(format!("cargo-opm-none-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let has_manifest_above = dir.ancestors().any(|d| d.join("Cargo.toml").is_file());
    if !has_manifest_above {
        let out = cargo_opm(&dir, &["tune"]);
        assert_clear_error(&out, "not a cargo project: no Cargo.toml in");
    }
    let _ = std::fs::remove_dir_all(&dir);
    let dir = scratch("no-project");
    let missing = dir.join("Cargo.toml");
    let out = cargo_opm(&dir, &["build", "--manifest-path", &missing.to_string_lossy()]);
    assert_clear_error(&out, "not a cargo project: the manifest");
}

#[test]
fn a_crate_without_a_binary() {
    let dir = make_crate(
        "no-bin",
        &[("Cargo.toml", &manifest("only-lib")), ("src/lib.rs", "pub fn f() -> u8 { 1 }\n")],
    );
    assert_clear_error(&cargo_opm(&dir, &["tune"]), "no binary target in");
}

#[test]
fn several_binaries_need_bin() {
    let main = "fn main() { println!(\"hi\"); }\n";
    let dir = make_crate(
        "two-bins",
        &[("Cargo.toml", &manifest("two")), ("src/bin/a.rs", main), ("src/bin/b.rs", main)],
    );
    assert_clear_error(
        &cargo_opm(&dir, &["tune"]),
        "several binaries (a, b): choose one with --bin",
    );
    assert_clear_error(
        &cargo_opm(&dir, &["build", "--bin", "c"]),
        "no binary target `c`; the binaries are: a, b",
    );
}

#[test]
fn a_crate_that_does_not_build() {
    let dir = make_crate(
        "broken",
        &[
            ("Cargo.toml", &manifest("broken")),
            ("src/main.rs", "fn main() { let x: u8 = \"no\"; }\n"),
        ],
    );
    let out = cargo_opm(&dir, &["tune"]);
    assert_clear_error(&out, "cargo could not build bin `broken` of package `broken`");
    // Cargo's own error comes first, as cargo printed it.
    assert!(text(&out.stderr).contains("error[E0308]: mismatched types"), "{}", show("tune", &out));
}

#[test]
fn cargo_arguments_that_cargo_opm_sets_itself_are_refused() {
    let dir = fixture("refused");
    assert_clear_error(
        &cargo_opm(&dir, &["build", "--", "--bin", "x"]),
        "`--bin` among CARGO-ARGS",
    );
}
