//! The command-line interface as a user meets it: exit statuses, messages, inputs.

mod common;

use common::{clang_compile, driver, llvm_tool, repo_root, run, scratch};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

fn data(name: &str) -> PathBuf {
    repo_root().join("tests/data").join(name)
}

fn opm(args: &[&str]) -> common::Outcome {
    let mut cmd = Command::new(driver());
    cmd.args(args);
    run(cmd, Duration::from_secs(120))
}

fn path_str(p: &std::path::Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn run_forwards_arguments_output_and_exit_status() {
    let file = data("echo_args.ll");
    let o = opm(&["run", path_str(&file), "--", "alpha", "b c"]);
    assert_eq!(o.stdout_text(), "argc=3\nalpha\nb c\n");
    assert_eq!(o.stderr_text(), "to stderr\n");
    assert_eq!(o.code, Some(3));
}

#[test]
fn run_reports_a_signal_as_128_plus_its_number() {
    let o = opm(&["run", path_str(&data("abort.ll"))]);
    assert_eq!(o.code, Some(128 + 6), "stderr: {}", o.stderr_text());
    assert!(o.stderr_text().contains("terminated by signal 6"), "{}", o.stderr_text());
}

#[test]
fn malformed_ir_gives_file_line_col_and_exit_2() {
    let file = data("malformed.ll");
    let o = opm(&["verify", path_str(&file)]);
    assert_eq!(o.code, Some(2));
    let expected = format!("{}:3:3: expected value token", file.display());
    assert!(o.stderr_text().starts_with(&expected), "stderr: {}", o.stderr_text());
}

#[test]
fn unsupported_constructs_are_named_with_function_and_instruction() {
    let o = opm(&["run", path_str(&data("callbr.ll"))]);
    assert_eq!(o.code, Some(2));
    let err = o.stderr_text();
    assert!(err.contains("unsupported: callbr (asm goto) in function @f"), "{err}");
    assert!(err.contains("callbr void asm \"testl $0, $0; jne ${1:l}\""), "{err}");
}

#[test]
fn atomics_and_inline_asm_build() {
    let o = opm(&["run", path_str(&data("atomic.ll"))]);
    assert_eq!(o.code, Some(42), "{}", o.stderr_text());
    let o = opm(&["run", path_str(&data("inline_asm.ll"))]);
    assert_eq!(o.code, Some(1), "{}", o.stderr_text());
    // Through Cranelift, the asm outlined into a function LLVM compiles.
    let o = opm(&["run", "--backend", "cranelift", path_str(&data("inline_asm.ll"))]);
    assert_eq!(o.code, Some(1), "{}", o.stderr_text());
}

#[test]
fn input_rejected_by_llvms_verifier_is_an_input_error() {
    let o = opm(&["verify", path_str(&data("bad_dominance.ll"))]);
    assert_eq!(o.code, Some(2));
    assert!(
        o.stderr_text().contains("Instruction does not dominate all uses"),
        "{}",
        o.stderr_text()
    );
}

#[test]
fn unreachable_code_using_its_own_result_verifies_and_runs_on_every_backend() {
    // LLVM's jump threading leaves `%x = sub nsw i32 %x, 1` in blocks it cuts off; LLVM's
    // verifier accepts it there, and so must ours (it once rejected such candidates).
    let file = data("self_reference_unreachable.ll");
    let o = opm(&["verify", path_str(&file)]);
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    for backend in ["llvm", "cranelift", "gcc"] {
        let o = opm(&["run", "--backend", backend, path_str(&file)]);
        assert_eq!(o.code, Some(0), "{backend}: {}", o.stderr_text());
        assert_eq!(o.stdout_text(), "42\n", "{backend}");
    }
}

#[test]
fn verify_accepts_a_valid_module_and_prints_its_hash() {
    let o = opm(&["verify", path_str(&data("echo_args.ll"))]);
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    let out = o.stdout_text();
    assert!(out.contains(": ok (1 functions, 3 globals, "), "{out}");
    assert!(out.contains("hash "), "{out}");
}

#[test]
fn ir_prints_text_that_llvm_accepts_and_json_that_reads_back() {
    let dir = scratch("cli-ir");
    let out = dir.join("printed.ll");
    let o = opm(&["ir", path_str(&data("echo_args.ll")), "-o", path_str(&out)]);
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    let mut verify = Command::new(llvm_tool("opt"));
    verify.args(["-passes=verify", "-disable-output"]).arg(&out);
    let v = run(verify, Duration::from_secs(60));
    assert_eq!(v.code, Some(0), "opt rejects our printed IR: {}", v.stderr_text());

    let o = opm(&["ir", "--json", path_str(&data("echo_args.ll"))]);
    assert_eq!(o.code, Some(0));
    let module: opm_ir::Module = serde_json::from_slice(&o.stdout).expect("JSON of a module");
    assert_eq!(module.function("main").map(|f| f.blocks.len()), Some(4));
}

#[test]
fn bitcode_input_runs_like_text() {
    let dir = scratch("cli-bitcode");
    let bc = dir.join("echo_args.bc");
    let mut asm = Command::new(llvm_tool("llvm-as"));
    asm.arg(data("echo_args.ll")).arg("-o").arg(&bc);
    assert_eq!(run(asm, Duration::from_secs(60)).code, Some(0));
    let o = opm(&["run", path_str(&bc), "--", "x"]);
    assert_eq!(o.stdout_text(), "argc=2\nx\n");
    assert_eq!(o.code, Some(3));
}

#[test]
fn compile_writes_an_executable_and_pipelines_apply() {
    let dir = scratch("cli-compile");
    // An output named like an object file must not collide with the intermediate object.
    let exe = dir.join("echo.o");
    let o = opm(&[
        "compile",
        path_str(&data("echo_args.ll")),
        "-o",
        path_str(&exe),
        "--pipeline",
        "default<O2>",
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    let ran = run(Command::new(&exe), Duration::from_secs(30));
    assert_eq!(ran.stdout_text(), "argc=1\n");
    assert_eq!(ran.code, Some(3));
}

#[test]
fn an_invalid_pipeline_is_a_usage_error() {
    let o = opm(&["run", path_str(&data("echo_args.ll")), "--pipeline", "no-such-pass"]);
    assert_eq!(o.code, Some(2));
    assert!(o.stderr_text().contains("invalid pipeline `no-such-pass`"), "{}", o.stderr_text());
}

#[test]
fn missing_files_and_bad_usage_exit_2() {
    let o = opm(&["ir", "does-not-exist.ll"]);
    assert_eq!(o.code, Some(2));
    assert!(o.stderr_text().contains("does-not-exist.ll"), "{}", o.stderr_text());
    assert_eq!(opm(&[]).code, Some(2));
    assert_eq!(opm(&["run"]).code, Some(2));
    assert_eq!(opm(&["frobnicate"]).code, Some(2));
}

#[test]
fn a_personality_without_exception_handling_is_kept() {
    let file = data("personality.ll");
    let o = opm(&["ir", path_str(&file)]);
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    assert!(
        o.stdout_text().contains("@main() personality ptr @my_personality {"),
        "{}",
        o.stdout_text()
    );
    let o = opm(&["run", path_str(&file)]);
    assert_eq!(
        (o.stdout_text().as_str(), o.code),
        ("personality\n", Some(0)),
        "{}",
        o.stderr_text()
    );
}

/// A temporary directory on a file system mounted `noexec` (as on many hardened machines)
/// refuses to run what opm builds there: `run` and `optimize` name the program and the
/// directory, say to set TMPDIR, and exit 2 (the machine's fault, not the program's). The
/// mount is made in a mount namespace of the test's own (`unshare`), which root can always
/// make; elsewhere the test says why it is skipped when the system refuses one.
#[test]
fn a_temporary_directory_that_refuses_programs_is_named_with_what_to_do() {
    use std::os::unix::fs::MetadataExt;
    let root = std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    let tmp = scratch("noexec-tmp");
    let file = data("echo_args.ll");
    let file = path_str(&file);
    let driver = driver();
    let driver = path_str(&driver);
    for args in [vec!["run", file], vec!["optimize", file, "--budget-evals", "2", "--jobs", "1"]] {
        let mut cmd = Command::new("unshare");
        cmd.args(["--user", "--map-root-user", "--mount", "sh", "-c"])
            .arg("mount -t tmpfs -o noexec tmpfs \"$0\" || exit 99; TMPDIR=\"$0\" exec \"$@\"")
            .arg(&tmp)
            .arg(driver)
            .args(&args);
        let o = run(cmd, Duration::from_secs(120));
        let text = o.stderr_text();
        if !root && (o.code == Some(99) || text.starts_with("unshare:")) {
            eprintln!("skipped: this system makes no mount namespace for the test ({text})");
            return;
        }
        assert_eq!(o.code, Some(2), "{args:?}: {text}");
        assert!(text.contains(&format!("cannot run {}/opm-", tmp.display())), "{text}");
        assert!(text.contains("Permission denied"), "{text}");
        assert!(
            text.contains(&format!(
                "the temporary directory {} may be on a file system mounted `noexec`: set TMPDIR",
                tmp.display()
            )),
            "{text}"
        );
    }
}

/// A C++ program (the C++ standard library, exceptions, virtual calls) as clang++ emits it at
/// -O0: without link arguments the error's last line says to give `-lstdc++`; with them, `run`
/// and the winner of `optimize --strip-optnone` print what clang++'s own build prints.
#[test]
fn a_cxx_program_links_with_the_arguments_the_error_names_and_runs_as_clangs_build() {
    let dir = scratch("cxx");
    let ir = dir.join("prog.ll");
    let reference = cxx_program(&dir, &ir, &["-O0"]);

    let bare = opm(&["run", path_str(&ir)]);
    assert_eq!(bare.code, Some(1), "{}", bare.stderr_text());
    let last = bare.stderr_text().trim_end().lines().last().unwrap_or_default().to_string();
    assert!(last.contains("give --link-args FILE holding -lstdc++ and -lm"), "{last}");

    let args = dir.join("link-args");
    std::fs::write(&args, "-lstdc++\n-lm\n").expect("write the link arguments");
    let linked = opm(&["run", "--link-args", path_str(&args), path_str(&ir)]);
    assert_eq!(linked.code, Some(0), "{}", linked.stderr_text());
    assert_eq!(linked.stdout_text(), reference.stdout_text());

    let winner = cxx_winner(&ir, &args, &["--strip-optnone"]);
    assert_eq!(winner, reference.stdout_text());
}

/// What the winner of `optimize --strategy presets` with `extra` over the C++ program's IR
/// prints, linked with `args`.
fn cxx_winner(ir: &Path, args: &Path, extra: &[&str]) -> String {
    let best = ir.with_extension("best.ll");
    let mut cmd = vec!["optimize", path_str(ir), "--link-args", path_str(args)];
    cmd.extend(extra);
    cmd.extend(["--strategy", "presets", "--jobs", "2", "-o", path_str(&best)]);
    let searched = opm(&cmd);
    assert_eq!(searched.code, Some(0), "{}", searched.stderr_text());
    let winner = opm(&["run", "--link-args", path_str(args), path_str(&best)]);
    assert_eq!(winner.code, Some(0), "{}", winner.stderr_text());
    winner.stdout_text()
}

/// `tests/data/cxx_program.cpp` emitted by clang++ as IR at `out` with `flags`, and what
/// clang++ -O2's own build of it prints.
fn cxx_program(dir: &Path, out: &Path, flags: &[&str]) -> common::Outcome {
    let reference = cxx_source(dir, "cxx_program.cpp", out, flags);
    assert!(reference.stdout_text().contains("invalid: stoi\n"), "{}", reference.stdout_text());
    reference
}

/// `tests/data/NAME` emitted by clang++ as IR at `out` with `flags` (the level first), and
/// what clang++'s own build of it with the same flags at -O2 prints.
fn cxx_source(dir: &Path, name: &str, out: &Path, flags: &[&str]) -> common::Outcome {
    let src = data(name);
    let exe = dir.join("clang-build");
    let mut cxx = vec!["--driver-mode=g++"];
    cxx.extend(&flags[1..]);
    clang_compile(&src, out, flags[0], &cxx).expect("clang++ to IR");
    cxx.retain(|f| !["-Xclang", "-disable-llvm-passes"].contains(f));
    clang_compile(&src, &exe, "-O2", &cxx).expect("clang++'s build");
    let reference = run(Command::new(&exe), Duration::from_secs(60));
    assert_eq!(reference.code, Some(0), "{}", reference.stderr_text());
    reference
}

/// C++ without exceptions (`tests/data/cxx_strings.cpp`) as clang++ emits it for its
/// optimisers: Cranelift and GCC, which do not inline, compile the standard library's
/// inline-only `std::string` members as private copies (no library exports them), build its
/// static initialisers (`@llvm.global_ctors`), and every backend's build prints what
/// clang++'s build prints.
#[test]
fn cxx_without_exceptions_builds_through_every_backend_as_clangs_build() {
    let dir = scratch("cxx-strings");
    let ir = dir.join("prog.ll");
    let flags = ["-O1", "-Xclang", "-disable-llvm-passes", "-fno-exceptions"];
    let reference = cxx_source(&dir, "cxx_strings.cpp", &ir, &flags);
    let text = std::fs::read_to_string(&ir).expect("read the IR");
    assert!(text.contains("alwaysinline"), "clang++ kept no inline-only code");
    assert!(text.contains("@llvm.global_ctors"), "clang++ emitted no static initialiser");
    assert!(reference.stdout_text().contains("gamma->3"), "{}", reference.stdout_text());
    every_backend_prints(&dir, &ir, "-lstdc++\n-lm\n", &reference);
}

/// C++ with exceptions (`tests/data/cxx_exceptions.cpp`: catches by type, by base class and
/// of everything, rethrows, destructors while unwinding, frames without a handler, a function
/// pointer, a variadic function, a constructor; `cxx_exception_specs.cpp`: C++03 exception
/// specifications, LLVM's `filter` clauses, and the unexpected handler), as clang++ emits it
/// for its optimisers and at -O2: LLVM and Cranelift build it and print what clang++'s build
/// prints; GCC refuses it, naming the `invoke`.
#[test]
fn cxx_exceptions_build_through_llvm_and_cranelift_as_clangs_build() {
    let cases: [(&str, &[&str]); 4] = [
        ("cxx_exceptions.cpp", &["-O1", "-Xclang", "-disable-llvm-passes"]),
        ("cxx_exceptions.cpp", &["-O2"]),
        ("cxx_exception_specs.cpp", &["-O1", "-Xclang", "-disable-llvm-passes", "-std=c++03"]),
        ("cxx_exception_specs.cpp", &["-O2", "-std=c++03"]),
    ];
    for (i, (file, flags)) in cases.into_iter().enumerate() {
        let dir = scratch(&format!("cxx-exceptions-{i}"));
        let ir = dir.join("prog.ll");
        let reference = cxx_source(&dir, file, &ir, flags);
        let text = std::fs::read_to_string(&ir).expect("read the IR");
        assert!(text.contains(" invoke ") && text.contains("landingpad"), "{file}: no invoke");
        assert!(reference.stdout_text().contains("threw"), "{}", reference.stdout_text());
        let args = backends_print(&dir, &ir, "-lstdc++\n-lm\n", &reference, &["llvm", "cranelift"]);
        let gcc = opm(&["run", "--backend", "gcc", "--link-args", path_str(&args), path_str(&ir)]);
        let e = gcc.stderr_text();
        assert_eq!(gcc.code, Some(2), "{file} {flags:?} gcc: {e}");
        assert!(e.contains("unsupported: `invoke`"), "{file} {flags:?} gcc: {e}");
    }
}

/// `ir` built through every backend (linked with `link_args`, one per line) prints what
/// `reference` printed.
fn every_backend_prints(dir: &Path, ir: &Path, link_args: &str, reference: &common::Outcome) {
    backends_print(dir, ir, link_args, reference, &["llvm", "cranelift", "gcc"]);
}

/// [`every_backend_prints`] for `backends`; returns the link arguments' file.
fn backends_print(
    dir: &Path,
    ir: &Path,
    link_args: &str,
    reference: &common::Outcome,
    backends: &[&str],
) -> PathBuf {
    let args = dir.join("link-args");
    std::fs::write(&args, link_args).expect("write the link arguments");
    for backend in backends {
        let built =
            opm(&["run", "--backend", backend, "--link-args", path_str(&args), path_str(ir)]);
        assert_eq!(built.code, Some(0), "{backend} {}: {}", ir.display(), built.stderr_text());
        assert_eq!(built.stdout_text(), reference.stdout_text(), "{backend} {}", ir.display());
    }
    args
}

/// The directory of SQLite's amalgamation (`sqlite3.c`) in the source of the libsqlite3-sys
/// crate, which the lab's `rusqlite` builds (bundled).
fn sqlite_amalgamation() -> PathBuf {
    let dir = dependency_source("libsqlite3-sys").join("sqlite3");
    assert!(dir.join("sqlite3.c").is_file(), "no amalgamation in {}", dir.display());
    dir
}

/// The source directory of the crate `name`, one of the workspace's dependencies.
fn dependency_source(name: &str) -> PathBuf {
    let metadata = cargo_metadata::MetadataCommand::new()
        .manifest_path(repo_root().join("Cargo.toml"))
        .exec()
        .expect("cargo metadata");
    let crate_dir = metadata
        .packages
        .iter()
        .find(|p| p.name.as_str() == name)
        .and_then(|p| p.manifest_path.parent())
        .unwrap_or_else(|| panic!("{name} among the workspace's dependencies"));
    crate_dir.as_std_path().to_path_buf()
}

/// A real C library with threads: mimalloc (the libmimalloc-sys crate's C source, built as
/// its single file `static.c`) under `tests/data/mimalloc_main.c`, as clang emits it for its
/// optimisers, builds through LLVM, Cranelift and GCC and prints what clang's own -O2 build
/// prints: its constructor, thread-locals, thread pointer and atomics included.
#[test]
fn mimalloc_builds_through_every_backend_as_clangs_build() {
    let dir = scratch("mimalloc");
    let root = dependency_source("libmimalloc-sys").join("c_src/mimalloc/v2");
    let include = format!("-I{}", root.join("include").display());
    let src_dir = format!("-I{}", root.join("src").display());
    assert!(root.join("src/static.c").is_file(), "no static.c in {}", root.display());
    let src = data("mimalloc_main.c");
    let ir = dir.join("mimalloc.ll");
    let flags = ["-Xclang", "-disable-llvm-passes", include.as_str(), src_dir.as_str()];
    clang_compile(&src, &ir, "-O1", &flags).expect("clang to IR");
    let exe = dir.join("clang-build");
    clang_compile(&src, &exe, "-O2", &[include.as_str(), src_dir.as_str(), "-lpthread"])
        .expect("clang's build");
    let reference = run(Command::new(&exe), Duration::from_secs(120));
    assert_eq!(reference.code, Some(0), "{}", reference.stderr_text());
    let text = reference.stdout_text();
    assert!(text.contains("mimalloc aligned 0 zeroed 100 realloc 5 usable 1"), "{text}");
    assert!(!text.contains(": 0\n"), "a thread found a block overwritten: {text}");
    every_backend_prints(&dir, &ir, "-lpthread\n", &reference);
}

/// A real C program of some size: SQLite's amalgamation (about 260,000 lines of C) with a
/// small program around it (`tests/data/sqlite_main.c`), as clang emits it for its
/// optimisers, builds through LLVM, Cranelift and GCC and prints what clang's own -O2 build
/// prints.
#[test]
fn sqlite_builds_through_every_backend_as_clangs_build() {
    let dir = scratch("sqlite");
    let src = data("sqlite_main.c");
    let include = format!("-I{}", sqlite_amalgamation().display());
    let ir = dir.join("sqlite.ll");
    let flags = ["-Xclang", "-disable-llvm-passes", include.as_str()];
    clang_compile(&src, &ir, "-O1", &flags).expect("clang to IR");
    let exe = dir.join("clang-build");
    clang_compile(&src, &exe, "-O2", &[include.as_str()]).expect("clang's build");
    let reference = run(Command::new(&exe), Duration::from_secs(120));
    assert_eq!(reference.code, Some(0), "{}", reference.stderr_text());
    assert!(
        reference.stdout_text().contains("b=row9 count(*)=1539"),
        "{}",
        reference.stdout_text()
    );
    every_backend_prints(&dir, &ir, "-lm\n", &reference);
}

/// The same C++ program as clang++ emits it for its optimisers (`-O1 -Xclang
/// -disable-llvm-passes`): the standard library's `std::string` members that exist only to be
/// inlined (`available_externally`, `alwaysinline`, not exported by libstdc++) are inlined
/// at code generation, as every clang build does, so that the build without passes, a
/// pipeline without an inliner and the search's winner link and print what clang++'s build
/// prints.
#[test]
fn a_cxx_program_emitted_for_the_optimisers_builds_with_any_pipeline_and_runs_as_clangs_build() {
    let dir = scratch("cxx-o1");
    let ir = dir.join("prog.ll");
    let reference = cxx_program(&dir, &ir, &["-O1", "-Xclang", "-disable-llvm-passes"]);
    let text = std::fs::read_to_string(&ir).expect("read the IR");
    assert!(text.contains("define available_externally"), "clang++ kept no inline-only code");
    let args = dir.join("link-args");
    std::fs::write(&args, "-lstdc++\n-lm\n").expect("write the link arguments");
    for pipeline in [None, Some("function(sroa,instcombine)")] {
        let mut cmd = vec!["run", "--link-args", path_str(&args)];
        cmd.extend(pipeline.iter().flat_map(|p| ["--pipeline", p]));
        cmd.push(path_str(&ir));
        let built = opm(&cmd);
        assert_eq!(built.code, Some(0), "{pipeline:?}: {}", built.stderr_text());
        assert_eq!(built.stdout_text(), reference.stdout_text(), "{pipeline:?}");
    }
    let winner = cxx_winner(&ir, &args, &["--pipeline", "function(sroa,instcombine)"]);
    assert_eq!(winner, reference.stdout_text());
}
