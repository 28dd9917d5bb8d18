//! `opm-driver optimize` as a user meets it: a search within a budget, its signals file, the
//! best IR it writes, crash and hang isolation, resume, and the miscompile check.

mod common;

use common::{clang_compile, driver, repo_root, run, scratch};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(600);

/// Search-ready IR of a corpus program: optimisable (no optnone) but not yet optimised.
fn search_ir(program: &str, dir: &Path) -> PathBuf {
    search_ir_of(&repo_root().join("bench/corpus").join(format!("{program}.c")), dir)
}

/// Search-ready IR of the C file `src`, written into `dir`.
fn search_ir_of(src: &Path, dir: &Path) -> PathBuf {
    let stem = src.file_stem().unwrap().to_string_lossy();
    let ir = dir.join(format!("{stem}.ll"));
    clang_compile(src, &ir, "-O1", &["-Xclang", "-disable-llvm-passes"]).unwrap();
    ir
}

fn optimize(args: &[&str]) -> common::Outcome {
    let mut cmd = Command::new(driver());
    cmd.arg("optimize").arg("--quiet").args(args);
    run(cmd, LIMIT)
}

fn opm(args: &[&str]) -> common::Outcome {
    let mut cmd = Command::new(driver());
    cmd.args(args);
    run(cmd, LIMIT)
}

fn signals(path: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad signal line {l}: {e}")))
        .collect()
}

/// The verdict of `pipeline`'s last line (the winner's pick appends a corrected line for a
/// result that fails its check).
fn verdict_of<'a>(signals: &'a [serde_json::Value], pipeline: &str) -> &'a str {
    signals
        .iter()
        .rfind(|s| s["pipeline"] == pipeline)
        .unwrap_or_else(|| panic!("{pipeline} was not evaluated"))["verdict"]
        .as_str()
        .unwrap()
}

fn reference_output(program: &str, dir: &Path) -> Vec<u8> {
    let src = repo_root().join("bench/corpus").join(format!("{program}.c"));
    let exe = dir.join(format!("{program}.clang"));
    clang_compile(&src, &exe, "-O2", &[]).unwrap();
    run(Command::new(exe), LIMIT).stdout
}

#[test]
fn a_search_beats_oz_writes_checked_ir_and_records_every_candidate() {
    let dir = scratch("optimize-search");
    let ir = search_ir("crc32", &dir);
    let (sig, best) = (dir.join("signals.jsonl"), dir.join("best.ll"));
    let o = optimize(&[
        ir.to_str().unwrap(),
        "--budget-evals",
        "40",
        "--jobs",
        "2",
        "--signals",
        sig.to_str().unwrap(),
        "-o",
        best.to_str().unwrap(),
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    let table = o.stdout_text();
    for row in ["  O2  default<O2>", "  O3  default<O3>", "  Oz  default<Oz>", "best (instcount "] {
        assert!(table.contains(row), "no `{row}` in:\n{table}");
    }
    assert!(table.contains("wrote") && table.contains("output checked"), "{table}");

    let s = signals(&sig);
    assert_eq!(s.len(), 40);
    for line in &s {
        for key in ["pipeline", "verdict", "metrics", "problem", "eval", "tools"] {
            assert!(line.get(key).is_some(), "no {key} in {line}");
        }
    }
    let instcount = |v: &serde_json::Value| v["metrics"]["instcount"].as_u64();
    let oz = s.iter().find(|v| v["pipeline"] == "default<Oz>").and_then(instcount).unwrap();
    let best_count = s.iter().filter(|v| v["verdict"] == "ok").filter_map(instcount).min().unwrap();
    assert!(best_count <= oz, "best {best_count} vs Oz {oz}");

    // The written IR is valid, is what was measured, and runs like clang's build.
    let verify = opm(&["verify", best.to_str().unwrap()]);
    assert_eq!(verify.code, Some(0), "{}", verify.stderr_text());
    let measured = format!("{best_count} instructions;");
    assert!(verify.stdout_text().contains(&measured), "not the best: {}", verify.stdout_text());
    let ours = opm(&["run", best.to_str().unwrap()]);
    assert_eq!(ours.code, Some(0));
    assert_eq!(ours.stdout, reference_output("crc32", &dir));
}

/// And LLVM's verifier once per step (`--verify-each step`, as `cargo opm` runs it) finds the
/// same candidates as after every pass.
#[test]
fn the_same_seed_gives_the_same_search() {
    let dir = scratch("optimize-seed");
    let ir = search_ir("sieve", &dir);
    let mut runs = Vec::new();
    for (i, (jobs, verify)) in [("1", "pass"), ("2", "step")].iter().enumerate() {
        let sig = dir.join(format!("signals{i}.jsonl"));
        let o = optimize(&[
            ir.to_str().unwrap(),
            "--strategy",
            "evolve",
            "--budget-evals",
            "30",
            "--seed",
            "42",
            "--jobs",
            jobs,
            "--verify-each",
            verify,
            "--signals",
            sig.to_str().unwrap(),
        ]);
        assert_eq!(o.code, Some(0), "{}", o.stderr_text());
        let mut s: Vec<(u64, String, Option<u64>)> = signals(&sig)
            .iter()
            .map(|v| {
                let p = v["pipeline"].as_str().unwrap().to_string();
                (v["eval"].as_u64().unwrap(), p, v["metrics"]["instcount"].as_u64())
            })
            .collect();
        s.sort();
        let best = o.stdout_text().lines().find(|l| l.starts_with("best ")).unwrap().to_string();
        runs.push((s, best));
    }
    assert_eq!(runs[0], runs[1]);
}

#[test]
fn crashing_and_hanging_candidates_become_verdicts() {
    let dir = scratch("optimize-crash");
    let ir = search_ir("sieve", &dir);
    let sig = dir.join("signals.jsonl");
    // A candidate that does not finish in time: O3 over and over.
    let hang = vec!["default<O3>"; 5000].join(",");
    let o = optimize(&[
        ir.to_str().unwrap(),
        "--strategy",
        "presets",
        "--pipeline",
        &hang,
        "--timeout",
        "10s",
        "--jobs",
        "2",
        "--signals",
        sig.to_str().unwrap(),
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    let s = signals(&sig);
    assert_eq!(verdict_of(&s, &hang), "timeout");
    assert_eq!(verdict_of(&s, "default<O2>"), "ok");
    assert_eq!(s.len(), 7, "six presets and the user's pipeline");
}

#[test]
fn resume_skips_what_the_signals_file_holds() {
    let dir = scratch("optimize-resume");
    let ir = search_ir("nbody", &dir);
    let sig = dir.join("signals.jsonl");
    let args = |evals: &'static str, resume: bool| {
        let mut a = vec![
            ir.to_str().unwrap().to_string(),
            "--strategy".into(),
            "random".into(),
            "--budget-evals".into(),
            evals.into(),
            "--signals".into(),
            sig.to_str().unwrap().to_string(),
        ];
        if resume {
            a.push("--resume".into());
        }
        a
    };
    let first = args("12", false);
    let o = optimize(&first.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    let second = args("20", true);
    let o = optimize(&second.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    let s = signals(&sig);
    assert_eq!(s.len(), 20, "12 measured, then 8 more");
    let mut pipelines: Vec<&str> = s.iter().map(|v| v["pipeline"].as_str().unwrap()).collect();
    pipelines.sort();
    pipelines.dedup();
    assert_eq!(pipelines.len(), 20, "nothing measured twice");
}

#[test]
fn killing_a_search_loses_nothing_already_measured() {
    let dir = scratch("optimize-kill");
    let ir = search_ir("sieve", &dir);
    let sig = dir.join("signals.jsonl");
    let mut child = Command::new(driver())
        .args(["optimize", "--quiet", "--strategy", "random", "--budget-evals", "100000"])
        .arg(&ir)
        .arg("--signals")
        .arg(&sig)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + LIMIT;
    while std::fs::read_to_string(&sig).map_or(0, |t| t.lines().count()) < 10 {
        assert!(std::time::Instant::now() < deadline, "no signals appeared");
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let before = signals(&sig).len();
    assert!(before >= 10);
    let o = optimize(&[
        ir.to_str().unwrap(),
        "--strategy",
        "random",
        "--budget-evals",
        &(before + 4).to_string(),
        "--signals",
        sig.to_str().unwrap(),
        "--resume",
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    assert_eq!(signals(&sig).len(), before + 4);
}

#[test]
fn runtime_search_rejects_candidates_whose_output_differs() {
    let dir = scratch("optimize-miscompile");
    let ir = search_ir_of(&repo_root().join("tests/data/overflow_ub.c"), &dir);
    let (sig, best) = (dir.join("signals.jsonl"), dir.join("best.ll"));
    let o = optimize(&[
        ir.to_str().unwrap(),
        "--objective",
        "runtime",
        "--strategy",
        "presets",
        "--runs",
        "3",
        "--signals",
        sig.to_str().unwrap(),
        "-o",
        best.to_str().unwrap(),
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    let s = signals(&sig);
    assert_eq!(verdict_of(&s, "default<O2>"), "miscompile");
    assert_eq!(verdict_of(&s, "default<O0>"), "ok");
    let ok = s.iter().find(|v| v["verdict"] == "ok").unwrap();
    let runtime = &ok["metrics"]["runtime"];
    assert_eq!(runtime["samples_ns"].as_array().unwrap().len(), 3, "{runtime}");
    assert!(runtime["median_ns"].as_f64().unwrap() > 0.0);
    // The runs' CPU time beside their wall time, one for each.
    let cpu = runtime["cpu_samples_ns"].as_array().expect("CPU times");
    assert_eq!(cpu.len(), 3, "{runtime}");
    assert!(cpu.iter().all(|c| c.as_u64().is_some()), "{runtime}");
    // The winner prints what the unoptimised program prints.
    let ours = opm(&["run", best.to_str().unwrap()]);
    assert_eq!(ours.stdout_text(), "wrapped\n");

    // With a static objective, the best is run before it is the winner: the fewer
    // instructions of the folded comparison do not make a miscompile the winner.
    let sig = dir.join("instcount.jsonl");
    let o = optimize(&[
        ir.to_str().unwrap(),
        "--strategy",
        "presets",
        "--signals",
        sig.to_str().unwrap(),
        "-o",
        best.to_str().unwrap(),
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    let s = signals(&sig);
    assert_eq!(verdict_of(&s, "default<Oz>"), "miscompile");
    let ours = opm(&["run", best.to_str().unwrap()]);
    assert_eq!(ours.stdout_text(), "wrapped\n");
}

/// `optimize IR --strategy presets --signals SIG` with `extra` arguments.
fn presets_with_signals(ir: &Path, sig: &Path, extra: &[&str]) -> common::Outcome {
    let mut args = vec![ir.to_str().unwrap(), "--strategy", "presets", "--signals"];
    args.push(sig.to_str().unwrap());
    args.extend_from_slice(extra);
    optimize(&args)
}

/// Measures `source`'s presets without running it (every optimising preset folds its overflow
/// check away and ranks first, valid), then resumes with the program run, the winner written:
/// the winner's check walks the ranking past every miscompile down to `default<O0>`. Returns
/// the input's IR, the signals file, the winner, and how many signals the first search wrote.
fn walk_past_miscompiles(name: &str, source: &str) -> (PathBuf, PathBuf, PathBuf, usize) {
    let dir = scratch(name);
    let ir = search_ir_of(&repo_root().join(source), &dir);
    let (sig, best, audit) = (dir.join("signals.jsonl"), dir.join("best.ll"), dir.join("audit"));
    let presets = |extra: &[&str]| presets_with_signals(&ir, &sig, extra);
    let o = presets(&["--no-run"]);
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    let s = signals(&sig);
    assert!(s.iter().all(|v| v["verdict"] == "ok"), "{s:?}");
    let o =
        presets(&["--resume", "-o", best.to_str().unwrap(), "--audit", audit.to_str().unwrap()]);
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    assert!(
        o.stdout_text().contains("best (instcount ") && o.stdout_text().contains("default<O0>")
    );
    assert!(o.stderr_text().contains("is not chosen: a miscompile"), "{}", o.stderr_text());
    let checks: Vec<(String, String)> = std::fs::read_to_string(&audit)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|e| e["event"] == "winner-checked")
        .map(|e| (e["pipeline"].as_str().unwrap().into(), e["verdict"].as_str().unwrap().into()))
        .collect();
    assert!(checks.len() >= 2, "{checks:?}");
    assert!(checks[..checks.len() - 1].iter().all(|(_, v)| v == "miscompile"), "{checks:?}");
    assert_eq!(checks.last().unwrap(), &("default<O0>".to_string(), "ok".to_string()));
    (ir, sig, best, s.len())
}

#[test]
fn a_miscompile_ranked_first_is_never_the_winner() {
    let (ir, sig, best, measured) =
        walk_past_miscompiles("optimize-winner-walk", "tests/data/overflow_ub.c");
    assert_eq!(opm(&["run", best.to_str().unwrap()]).stdout_text(), "wrapped\n");

    // Every candidate with a rejected result is corrected in the signals file, so a search
    // resumed again knows them for what they are and checks nothing twice.
    let s = signals(&sig);
    assert!(s.len() > measured, "no corrected lines");
    for v in &s[measured..] {
        assert_eq!(v["verdict"], "miscompile", "{v}");
    }
    assert!(s[measured..].iter().any(|v| v["pipeline"] == "default<O2>"), "{s:?}");
    let o = optimize(&[
        ir.to_str().unwrap(),
        "--strategy",
        "presets",
        "--signals",
        sig.to_str().unwrap(),
        "--resume",
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    assert!(!o.stderr_text().contains("is not chosen"), "{}", o.stderr_text());
    assert!(o.stdout_text().contains("miscompile"), "{}", o.stdout_text());
}

/// A winner whose run does not end is passed over as a `timeout`, its run's own verdict, not
/// as a miscompile: measured without running, then resumed with runs, the presets that turn
/// the overflowing loop into an endless one rank first, and the winner's check times one out.
#[test]
fn a_winner_whose_run_never_ends_is_passed_over_as_a_timeout() {
    let dir = scratch("optimize-winner-timeout");
    let ir = search_ir_of(&repo_root().join("tests/data/overflow_loop.c"), &dir);
    let (sig, audit) = (dir.join("signals.jsonl"), dir.join("audit"));
    let presets = |extra: &[&str]| presets_with_signals(&ir, &sig, extra);
    let o = presets(&["--no-run"]);
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    let o = presets(&["--resume", "--run-timeout", "1s", "--audit", audit.to_str().unwrap()]);
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    assert!(o.stderr_text().contains("its run failed, a timeout"), "{}", o.stderr_text());
    assert_eq!(verdict_of(&signals(&sig), "default<O2>"), "timeout");
    let checks: Vec<String> = std::fs::read_to_string(&audit)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|e| e["event"] == "winner-checked")
        .map(|e| e["verdict"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(checks.first().map(String::as_str), Some("timeout"), "{checks:?}");
    assert_eq!(checks.last().map(String::as_str), Some("ok"), "{checks:?}");
}

/// Resumed, nothing is left to measure: the winner's check starts as soon as the reference
/// build's run (about a second) does, and the candidates it checks run beside it: they are
/// still judged against it.
#[test]
fn winners_checked_while_the_reference_still_runs_are_judged_against_it() {
    let (_, _, best, _) =
        walk_past_miscompiles("optimize-early-check", "tests/data/overflow_ub_slow.c");
    let printed = opm(&["run", best.to_str().unwrap()]).stdout_text();
    assert!(printed.starts_with("wrapped "), "{printed}");
}

#[test]
fn output_that_varies_between_runs_needs_no_run() {
    let dir = scratch("optimize-no-run");
    let ir = search_ir_of(&repo_root().join("tests/data/varying_output.c"), &dir);
    let ir = ir.to_str().unwrap();
    let best = dir.join("best.ll");
    // Every candidate would be a "miscompile" against a reference that differs from itself:
    // the search refuses to start and says what to do.
    let o = optimize(&[ir, "--strategy", "presets", "-o", best.to_str().unwrap()]);
    assert_eq!(o.code, Some(1), "{}", o.stderr_text());
    assert!(
        o.stderr_text().contains("printed different output on two runs"),
        "{}",
        o.stderr_text()
    );
    assert!(o.stderr_text().contains("--no-run"), "{}", o.stderr_text());
    assert!(!best.exists());

    // Without running the program, the search goes on and the winner is verified only.
    let sig = dir.join("signals.jsonl");
    let o = optimize(&[
        ir,
        "--strategy",
        "presets",
        "--no-run",
        "--signals",
        sig.to_str().unwrap(),
        "-o",
        best.to_str().unwrap(),
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    assert!(o.stdout_text().contains("(verified)"), "{}", o.stdout_text());
    assert!(!o.stdout_text().contains("output checked"), "{}", o.stdout_text());
    let s = signals(&sig);
    assert_eq!(s.len(), 6);
    assert!(s.iter().all(|v| v["verdict"] == "ok"), "{s:?}");
    let ours = opm(&["run", best.to_str().unwrap()]);
    assert!(ours.stdout_text().starts_with("4950 "), "{}", ours.stdout_text());

    // Timed runs cannot do without running.
    let o = optimize(&[ir, "--no-run", "--objective", "runtime"]);
    assert_eq!(o.code, Some(2), "{}", o.stderr_text());
    assert!(o.stderr_text().contains("--no-run"), "{}", o.stderr_text());
}

#[test]
fn bad_pipelines_and_arguments_are_usage_errors() {
    let dir = scratch("optimize-usage");
    let ir = search_ir("sieve", &dir);
    let ir = ir.to_str().unwrap();
    let o = optimize(&[ir, "--pipeline", "function(no-such-pass)"]);
    assert_eq!(o.code, Some(2));
    assert!(o.stderr_text().contains("no-such-pass"), "{}", o.stderr_text());
    let o = optimize(&[ir, "--pipeline", "function(sroa"]);
    assert_eq!(o.code, Some(2));
    assert!(o.stderr_text().contains("function(sroa"), "{}", o.stderr_text());
    let o = optimize(&[ir, "--resume"]);
    assert_eq!(o.code, Some(2));
    assert!(o.stderr_text().contains("--signals"), "{}", o.stderr_text());
    let o = optimize(&[ir, "--objective", "runtime", "--budget-time", "soon"]);
    assert_eq!(o.code, Some(2));
}

#[test]
fn a_program_that_does_not_link_without_passes_is_refused_with_the_linkers_words() {
    let dir = scratch("optimize-reference-link");
    let src = dir.join("undefined.c");
    std::fs::write(
        &src,
        "#include <stdio.h>\nint never_defined(int);\n\
         int main(void) { printf(\"%d\\n\", never_defined(3)); return 0; }\n",
    )
    .unwrap();
    let ir = search_ir_of(&src, &dir);
    let signals_file = dir.join("signals.jsonl");
    let o = optimize(&[
        ir.to_str().unwrap(),
        "--strategy",
        "presets",
        "--signals",
        signals_file.to_str().unwrap(),
    ]);
    let err = o.stderr_text();
    assert_eq!(o.code, Some(1), "{err}");
    assert!(err.contains("the input module without passes fails to build"), "{err}");
    assert!(err.contains("never_defined"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// LLVM passes that change only what no analysis depends on (alignments, attributes) may
/// report that they changed nothing: `infer-alignment` always does, `instcombine`,
/// `deadargelim`, `ipsccp`, `argpromotion`, `indvars` and the Attributor sometimes do. A
/// candidate's identity must still be the module it gives, or its written-again check fails
/// and a winner ending with such a pass is passed over. (The catalog's searchable passes in
/// its order, up to `infer-alignment`, end with such a change on tinylang.) The same steps
/// applied again as a winner's are (`reproduce`: only the result checked) give that identity
/// too.
#[test]
fn a_candidates_identity_is_the_ir_it_writes_even_after_passes_that_say_they_changed_nothing() {
    use opm_engine::worker::{Reply, Request, Worker, ir_identity};
    let dir = scratch("optimize-identity");
    let src = repo_root().join("bench/corpus/tinylang.c");
    let bitcode = dir.join("tinylang.bc");
    clang_compile(&src, &bitcode, "-O1", &["-Xclang", "-disable-llvm-passes", "-c", "-emit-llvm"])
        .unwrap();
    let limit = Duration::from_secs(300);
    let mut worker = Worker::spawn(&driver(), None).unwrap();
    let load = Request::Load {
        bitcode,
        name: "tinylang.bc".into(),
        backend: opm_backend::BackendKind::Llvm,
        verify_each_pass: true,
    };
    assert!(matches!(worker.request(&load, limit), Ok(Reply::Loaded { .. })));
    // The catalog's searchable passes in its order, up to one of those passes.
    let searchable: Vec<String> =
        opm_llvm::catalog::passes().iter().filter(|p| p.search).map(|p| p.pipeline()).collect();
    let up_to = |last: &str| -> Vec<String> {
        let end = searchable.iter().position(|p| p.contains(last)).unwrap();
        searchable[..=end].to_vec()
    };
    let pipelines: Vec<Vec<String>> =
        ["infer-alignment", "deadargelim", "ipsccp"].iter().map(|p| up_to(p)).collect();
    for (k, steps) in pipelines.iter().enumerate() {
        let optimize = Request::Optimize { steps: steps.clone() };
        let Ok(Reply::Optimized { ir_hash: Some(hash), .. }) = worker.request(&optimize, limit)
        else {
            panic!("{} was not optimised", steps.join(","));
        };
        let written = dir.join(format!("written-{k}.ll"));
        let write = Request::WriteIr { path: written.clone() };
        assert_eq!(worker.request(&write, limit).unwrap(), Reply::Written);
        let module = opm_engine::Input::load_verified(&written).unwrap().module;
        let last = steps.last().unwrap();
        assert_eq!(
            hash,
            ir_identity(&module).0,
            "up to {last}: the identity is not the IR written"
        );
        let again = Request::Reproduce { steps: steps.clone() };
        let Ok(Reply::Optimized { ir_hash: Some(again), .. }) = worker.request(&again, limit)
        else {
            panic!("{} was not reproduced", steps.join(","));
        };
        assert_eq!(again, hash, "up to {last}: applied again, the steps gave another module");
    }
}

#[test]
fn optnone_input_is_explained_and_can_be_stripped() {
    let dir = scratch("optimize-optnone");
    let src = repo_root().join("bench/corpus/sieve.c");
    let ir = dir.join("sieve.O0.ll");
    clang_compile(&src, &ir, "-O0", &[]).unwrap();
    let ir = ir.to_str().unwrap();
    let o = optimize(&[ir, "--strategy", "presets"]);
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    assert!(o.stderr_text().contains("are `optnone`"), "{}", o.stderr_text());
    let o = optimize(&[ir, "--strategy", "presets", "--strip-optnone", "--json"]);
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    assert!(o.stderr_text().contains("removed `optnone`"), "{}", o.stderr_text());
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let count = |l: &str| summary["baselines"][l]["metrics"]["instcount"].as_u64().unwrap();
    assert!(count("Oz") < count("O3"), "with optnone gone, Oz shrinks the module");
}

#[test]
fn passes_lists_the_catalog() {
    let o = opm(&["passes"]);
    assert_eq!(o.code, Some(0));
    let text = o.stdout_text();
    assert!(text.contains("instcombine<no-verify-fixpoint>"), "{text}");
    assert!(text.contains("default<Oz>"), "{text}");
    let o = opm(&["passes", "--json"]);
    let lines: Vec<serde_json::Value> =
        o.stdout_text().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(lines.iter().any(|l| l["text"] == "function(loop-mssa(licm))"), "licm needs MemorySSA");
}

#[test]
fn passes_lists_cranelift_settings_and_presets_that_build() {
    let o = opm(&["passes", "--backend", "cranelift"]);
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    let text = o.stdout_text();
    for expected in ["opt_level", "none|speed|speed_and_size", "regalloc_algorithm", "is_pic=true"]
    {
        assert!(text.contains(expected), "`{expected}` missing from:\n{text}");
    }
    let o = opm(&["passes", "--backend", "cranelift", "--json"]);
    let lines: Vec<serde_json::Value> =
        o.stdout_text().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let settings: Vec<&serde_json::Value> =
        lines.iter().filter(|l| l["name"].is_string()).collect();
    assert!(settings.iter().any(|l| l["name"] == "opt_level" && l["default"] == "none"));
    // Every listed preset is a pipeline `compile --backend cranelift` accepts and builds.
    let presets: Vec<&str> = lines.iter().filter_map(|l| l["text"].as_str()).collect();
    assert!(presets.len() >= 3, "{lines:?}");
    let dir = scratch("passes-cranelift");
    for (i, preset) in presets.iter().enumerate() {
        let exe = dir.join(format!("echo_args-{i}"));
        let input = repo_root().join("tests/data/echo_args.ll");
        let o = opm(&[
            "compile",
            input.to_str().unwrap(),
            "-o",
            exe.to_str().unwrap(),
            "--backend",
            "cranelift",
            "--pipeline",
            preset,
        ]);
        assert_eq!(o.code, Some(0), "preset `{preset}`: {}", o.stderr_text());
        assert!(exe.is_file(), "preset `{preset}` wrote no executable");
    }
}

#[test]
fn random_pipelines_never_bring_the_search_down() {
    // A bounded sample of the robustness campaign (bench/src/bin/robustness.rs runs 2,000):
    // random pipelines, a fresh seed per run, printed so that a failure can be replayed with
    // OPM_OPTIMIZE_SEED=<seed>.
    let seed = common::seed_from_env("OPM_OPTIMIZE_SEED");
    eprintln!("random pipelines: seed {seed} (replay with OPM_OPTIMIZE_SEED={seed})");
    let dir = scratch("optimize-random");
    for program in ["matmul_double", "sudoku"] {
        let ir = search_ir(program, &dir);
        let sig = dir.join(format!("{program}.jsonl"));
        let o = optimize(&[
            ir.to_str().unwrap(),
            "--strategy",
            "random",
            "--budget-evals",
            "40",
            "--seed",
            &seed.to_string(),
            "--jobs",
            "2",
            "--signals",
            sig.to_str().unwrap(),
        ]);
        assert_eq!(o.code, Some(0), "seed {seed}, {program}: {}", o.stderr_text());
        assert!(!o.stderr_text().contains("panicked"), "seed {seed}: {}", o.stderr_text());
        let s = signals(&sig);
        assert_eq!(s.len(), 40, "seed {seed}, {program}");
        for v in &s {
            let verdict = v["verdict"].as_str().unwrap();
            // `miscompile`: some random pipelines give programs that crash or exit otherwise
            // when run (the robustness campaign finds about 0.7%), which the search must
            // report as that candidate's verdict.
            let known =
                ["ok", "invariant-violation", "miscompile", "crash", "timeout", "unsupported"];
            assert!(known.contains(&verdict), "seed {seed}: {v}");
            if verdict != "ok" {
                assert!(v["detail"].as_str().is_some_and(|d| !d.is_empty()), "seed {seed}: {v}");
            }
        }
    }
}

#[test]
fn pipeline_text_means_to_llvm_what_the_user_wrote() {
    // LLVM's own reading of a pipeline: `opt -print-pipeline-passes`.
    let llvm_reads = |text: &str| {
        let mut cmd = Command::new(common::llvm_tool("opt"));
        cmd.arg(format!("-passes={text}")).args(["-print-pipeline-passes", "-disable-output"]);
        cmd.arg(repo_root().join("tests/data/echo_args.ll"));
        let o = run(cmd, LIMIT);
        assert_eq!(o.code, Some(0), "opt rejects `{text}`: {}", o.stderr_text());
        o.stdout_text()
    };
    let mut texts: Vec<String> = [
        "default<O2>",
        "sroa,gvn",
        "function(sroa),function(gvn),globaldce",
        "globaldce,sroa,gvn",
        "function(sroa),gvn,cgscc(inline),cgscc(function-attrs)",
        "function(loop(loop-rotate),loop(loop-deletion))",
        "module(function(loop-mssa(licm),loop(loop-rotate,loop-deletion),gvn))",
        "cgscc(inline,function-attrs),function(simplifycfg<switch-to-lookup>)",
        "cgscc(devirt<4>(inline,function(sroa)))",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // Every catalog pass at its level.
    for p in opm_llvm::catalog::passes() {
        texts.push(p.level.wrap(&p.text()));
    }
    for text in &texts {
        let ours = opm_llvm::backend::parse_pipeline_syntax(text).unwrap();
        let again = opm_llvm::backend::parse_pipeline_syntax(&ours.text()).unwrap();
        assert_eq!(again, ours, "{text}");
        let read = opm_backend::Pipeline::read(opm_backend::BackendKind::Llvm, &ours.text());
        assert_eq!(read.unwrap(), ours, "{text} read back without the catalog");
        assert_eq!(llvm_reads(&ours.text()), llvm_reads(text), "`{text}` became `{ours}`");
    }
}

#[test]
fn llvm_crashes_become_the_candidates_verdicts() {
    // Inputs on which LLVM 22 itself dies (tests/data/crash_*.ll; the first line names the
    // pipeline). The search must go on and record the death as that candidate's verdict.
    // One worker, so that each candidate meets the same worker history on every run: with
    // two workers on a loaded machine, `unify-loop-exits` (which reads freed memory) was
    // seen to pass without crashing, depending on which worker took it.
    let dir = scratch("optimize-llvm-crashes");
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo_root().join("tests/data"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("crash_"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "{files:?}");
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let pipeline = text.lines().next().unwrap().strip_prefix("; pipeline: ").unwrap();
        // LLVM's verifier failing after a pass is an invariant violation; anything else that
        // kills the compiler is a crash.
        let expected =
            if text.contains("Broken function found") { "invariant-violation" } else { "crash" };
        let sig = dir.join(format!("{}.jsonl", file.file_stem().unwrap().to_string_lossy()));
        let o = optimize(&[
            file.to_str().unwrap(),
            "--strategy",
            "presets",
            "--pipeline",
            pipeline,
            "--signals",
            sig.to_str().unwrap(),
            "--jobs",
            "1",
        ]);
        assert_eq!(o.code, Some(0), "{}: {}", file.display(), o.stderr_text());
        let s = signals(&sig);
        assert_eq!(verdict_of(&s, pipeline), expected, "{}", file.display());
        let v = s.iter().find(|v| v["pipeline"] == pipeline).unwrap();
        let detail = v["detail"].as_str().unwrap();
        assert!(detail.contains("in step 1"), "the step is named: {detail}");
        assert_eq!(s.iter().filter(|v| v["verdict"] == "ok").count(), 6, "{}", file.display());
    }
}

// ---------------------------------------------------------------------------------------
// `--backend cranelift`: the same search over Cranelift's settings.

/// `optimize IR --backend cranelift ARGS…`.
fn optimize_cranelift(ir: &Path, args: &[&str]) -> common::Outcome {
    let mut all = vec![ir.to_str().unwrap(), "--backend", "cranelift"];
    all.extend(args);
    optimize(&all)
}

/// Whether `text` is Cranelift's settings text, valid on this host and in canonical form.
fn is_cranelift_text(text: &str) -> bool {
    use opm_backend::Backend;
    opm_cranelift::CraneliftBackend::default().parse_pipeline(text).is_ok_and(|p| p.text() == text)
}

/// The `.text` bytes of the signal of `pipeline`.
fn text_bytes(signals: &[serde_json::Value], pipeline: &str) -> u64 {
    let s = signals.iter().find(|s| s["pipeline"] == pipeline);
    s.and_then(|s| s["metrics"]["text_bytes"].as_u64()).unwrap_or_else(|| panic!("{pipeline}"))
}

/// Links an object file the way opm does and runs it.
fn link_and_run(object: &Path) -> common::Outcome {
    use opm_engine::toolchain::Linker;
    let exe = object.with_extension("exe");
    Linker::find().unwrap().link(&[object], &exe).unwrap();
    run(Command::new(exe), LIMIT)
}

#[test]
fn cranelift_size_search_writes_a_checked_object_and_records_settings() {
    let dir = scratch("optimize-cranelift-search");
    let ir = search_ir("crc32", &dir);
    let (sig, best) = (dir.join("signals.jsonl"), dir.join("best.o"));
    let (s, b) = (sig.to_str().unwrap(), best.to_str().unwrap());
    let o =
        optimize_cranelift(&ir, &["--budget-evals", "24", "--jobs", "2", "--signals", s, "-o", b]);
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    let table = o.stdout_text();
    let rows = [
        "        none  opt_level=none ",
        "       speed  opt_level=speed ",
        "speed_native  opt_level=speed",
    ];
    for row in rows.iter().chain(&["  vs speed\n", "best (size ", "output checked"]) {
        assert!(table.contains(row), "no `{row}` in:\n{table}");
    }

    // One line per candidate, in Cranelift's syntax, scored by size (the default objective).
    let s = signals(&sig);
    assert_eq!(s.len(), 24);
    for line in &s {
        for (key, value) in [("backend", "cranelift"), ("objective", "size"), ("verdict", "ok")] {
            assert_eq!(line[key], value, "{line}");
        }
        assert!(is_cranelift_text(line["pipeline"].as_str().unwrap()), "{line}");
        assert_eq!(line["ir_hash"].as_str().map(str::len), Some(64), "the object's hash: {line}");
    }
    let speed = text_bytes(&s, "opt_level=speed");
    assert!(text_bytes(&s, "opt_level=none") > speed, "the e-graph pass shrinks crc32");
    let best_line = table.lines().find(|l| l.starts_with("best (size ")).unwrap();
    let best_size: u64 =
        best_line["best (size ".len()..].split(')').next().unwrap().parse().unwrap();
    assert!(best_size <= speed, "{best_line} vs speed's {speed}");

    // The object written is the winner's, and runs like clang's build.
    let ours = link_and_run(&best);
    assert_eq!(ours.code, Some(0));
    assert_eq!(ours.stdout, reference_output("crc32", &dir));
}

#[test]
fn cranelift_the_same_seed_gives_the_same_search_at_any_jobs() {
    let dir = scratch("optimize-cranelift-seed");
    let ir = search_ir("sieve", &dir);
    let search = |jobs: &str| {
        let sig = dir.join(format!("signals{jobs}.jsonl"));
        let evolve =
            ["--strategy", "evolve", "--seed", "42", "--budget-evals", "30", "--jobs", jobs];
        let o =
            optimize_cranelift(&ir, &[&evolve[..], &["--signals", sig.to_str().unwrap()]].concat());
        assert_eq!(o.code, Some(0), "{}", o.stderr_text());
        let line = |v: &serde_json::Value| {
            format!("{} {} {}", v["eval"], v["pipeline"], v["metrics"]["text_bytes"])
        };
        let mut record: Vec<String> = signals(&sig).iter().map(line).collect();
        record.sort();
        record.extend(o.stdout_text().lines().filter(|l| l.starts_with("best ")).map(String::from));
        record
    };
    let one = search("1");
    assert_eq!(one.len(), 31, "30 candidates and the winner");
    assert_eq!(one, search("2"));
}

#[test]
fn cranelift_settings_whose_output_differs_are_miscompiles() {
    let dir = scratch("optimize-cranelift-miscompile");
    let ir = search_ir_of(&repo_root().join("tests/data/function_alignment.c"), &dir);
    let aligned = "opt_level=speed,log2_min_function_alignment=4";
    let best = dir.join("best.o");
    for objective in ["size", "runtime"] {
        let sig = dir.join(format!("{objective}.jsonl"));
        let (s, b) = (sig.to_str().unwrap(), best.to_str().unwrap());
        let args = [
            "--objective",
            objective,
            "--runs",
            "2",
            "--strategy",
            "presets",
            "--pipeline",
            aligned,
        ];
        let o = optimize_cranelift(&ir, &[&args[..], &["--signals", s, "-o", b]].concat());
        assert_eq!(o.code, Some(0), "{}", o.stderr_text());
        // Packed functions print another count than LLVM's reference build: smaller code,
        // but never the winner.
        let s = signals(&sig);
        assert_eq!(verdict_of(&s, "opt_level=speed"), "miscompile", "{objective}");
        assert!(text_bytes(&s, "opt_level=speed") < text_bytes(&s, aligned));
        assert_eq!(verdict_of(&s, aligned), "ok", "{objective}");
        assert!(o.stdout_text().contains(&format!("): {aligned}\n")), "{}", o.stdout_text());
        let ours = link_and_run(&best);
        assert_eq!(ours.stdout_text(), "4 of 4 functions are 16-byte aligned (10)\n");
    }
}

#[test]
fn cranelift_resume_skips_what_the_signals_file_holds() {
    let dir = scratch("optimize-cranelift-resume");
    let ir = search_ir("nbody", &dir);
    let (sig, audit) = (dir.join("signals.jsonl"), dir.join("audit.jsonl"));
    let random = ["--strategy", "random", "--signals", sig.to_str().unwrap()];
    let o = optimize_cranelift(&ir, &[&random[..], &["--budget-evals", "10"]].concat());
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    let resume = ["--budget-evals", "16", "--resume", "--audit", audit.to_str().unwrap()];
    let o = optimize_cranelift(&ir, &[&random[..], &resume].concat());
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    let s = signals(&sig);
    assert_eq!(s.len(), 16, "10 measured, then 6 more");
    let mut pipelines: Vec<&str> = s.iter().map(|v| v["pipeline"].as_str().unwrap()).collect();
    pipelines.sort();
    pipelines.dedup();
    assert_eq!(pipelines.len(), 16, "nothing measured twice");
    // Every signal of the first search was read back in Cranelift's syntax.
    let resumed = signals(&audit).iter().filter(|e| e["event"] == "resumed").count();
    assert_eq!(resumed, 10);
}

#[test]
fn cranelift_usage_errors_name_what_is_wrong() {
    let dir = scratch("optimize-cranelift-usage");
    let ir = search_ir("sieve", &dir);
    let refused = |args: &[&str]| {
        let o = optimize_cranelift(&ir, args);
        assert_eq!(o.code, Some(2), "{args:?}: {}", o.stderr_text());
        o.stderr_text()
    };
    // Cranelift's settings never change the IR's instruction count.
    let e = refused(&["--objective", "instcount"]);
    assert!(e.contains("--objective size"), "{e}");
    let e = refused(&["--pipeline", "opt_level=fast"]);
    assert!(e.contains("`opt_level=fast`") && e.contains("speed_and_size"), "{e}");
    let e = refused(&["--pipeline", "opt_level=speed,bogus=1"]);
    assert!(e.contains("unknown setting `bogus`"), "{e}");
    let e = refused(&["--pipeline", "default<O2>"]);
    assert!(e.contains("default<O2>"), "{e}");
    // Cranelift's settings given to an LLVM search.
    let o = optimize(&[ir.to_str().unwrap(), "--pipeline", "opt_level=speed"]);
    assert_eq!(o.code, Some(2));
    assert!(o.stderr_text().contains("--backend cranelift"), "{}", o.stderr_text());
}

fn optimize_gcc(ir: &Path, args: &[&str]) -> common::Outcome {
    let mut all = vec![ir.to_str().unwrap(), "--backend", "gcc"];
    all.extend(args);
    optimize(&all)
}

/// A search of GCC's flags for size: the -O2/-O3/-Os baselines in the table, one signal per
/// candidate in gcc's own canonical text, a winner at most as large as -Os, and the object
/// written is the winner's and runs like clang's build.
#[test]
fn gcc_size_search_writes_a_checked_object_and_records_flags() {
    let dir = scratch("optimize-gcc-search");
    let ir = search_ir("crc32", &dir);
    let (sig, best) = (dir.join("signals.jsonl"), dir.join("best.o"));
    let (s, b) = (sig.to_str().unwrap(), best.to_str().unwrap());
    let o = optimize_gcc(&ir, &["--budget-evals", "16", "--jobs", "2", "--signals", s, "-o", b]);
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    let table = o.stdout_text();
    for row in
        ["  O2  -O2 ", "  O3  -O3 ", "  Os  -Os ", "  vs O2\n", "best (size ", "output checked"]
    {
        assert!(table.contains(row), "no `{row}` in:\n{table}");
    }
    let s = signals(&sig);
    assert_eq!(s.len(), 16);
    let gcc = opm_gcc::GccBackend::new().expect("gcc");
    for line in &s {
        for (key, value) in [("backend", "gcc"), ("objective", "size"), ("verdict", "ok")] {
            assert_eq!(line[key], value, "{line}");
        }
        let text = line["pipeline"].as_str().unwrap();
        let canonical = opm_backend::Backend::parse_pipeline(&gcc, text).map(|p| p.text());
        assert_eq!(canonical.as_deref().ok(), Some(text), "gcc's canonical text: {line}");
        assert_eq!(line["ir_hash"].as_str().map(str::len), Some(64), "the object's hash: {line}");
    }
    let (o2, os) = (text_bytes(&s, "-O2"), text_bytes(&s, "-Os"));
    assert!(os < o2, "-Os is smaller than -O2 on crc32 ({os} vs {o2})");
    let best_line = table.lines().find(|l| l.starts_with("best (size ")).unwrap();
    let best_size: u64 =
        best_line["best (size ".len()..].split(')').next().unwrap().parse().unwrap();
    assert!(best_size <= os, "{best_line} vs -Os's {os}");
    let ours = link_and_run(&best);
    assert_eq!(ours.code, Some(0));
    assert_eq!(ours.stdout, reference_output("crc32", &dir));
}

/// GCC's usage errors: instcount cannot be its objective, and a flag outside the catalog or
/// one that changes the program's meaning is refused with the reason.
#[test]
fn gcc_usage_errors_name_what_is_wrong() {
    let dir = scratch("optimize-gcc-usage");
    let ir = search_ir("sieve", &dir);
    for (args, expected) in [
        (&["--objective", "instcount"][..], "instcount"),
        (&["--pipeline", "-fbogus-flag"][..], "-fbogus-flag"),
        (&["--pipeline", "-O2 -ffast-math"][..], "excluded"),
    ] {
        let o = optimize_gcc(&ir, args);
        let err = o.stderr_text();
        assert_eq!(o.code, Some(2), "{args:?}: {err}");
        assert!(err.contains(expected) && !err.contains("panicked"), "{args:?}: {err}");
    }
}

/// A module the GCC backend refuses (exception handling) ends its search after the first
/// batch, the baselines: every other flag would be refused for the same `invoke`; the budget
/// is not spent on refusals, and the stop reason says why.
#[test]
fn a_module_the_backend_refuses_ends_the_search_after_its_baselines() {
    let dir = scratch("optimize-gcc-refused");
    let ir = repo_root().join("tests/data/gcc_refuse_invoke.ll");
    let sig = dir.join("signals.jsonl");
    // It declares what it calls: compiled, not run.
    let args = ["--budget-evals", "40", "--no-run", "--signals", sig.to_str().unwrap()];
    let o = optimize_gcc(&ir, &args);
    assert_eq!(o.code, Some(1), "{}", o.stderr_text());
    let s = signals(&sig);
    assert!((1..40).contains(&s.len()), "{} candidates", s.len());
    assert!(s.iter().all(|l| l["verdict"] == "unsupported"), "{s:?}");
    let text = format!("{}{}", o.stdout_text(), o.stderr_text());
    let why = "gcc refuses this module: every candidate of the first batch was unsupported";
    assert!(text.contains(why), "{text}");
    assert!(text.contains("`invoke`"), "{text}");
}

/// With `CC` naming clang (a common setting), the GCC backend has no gcc: every command that
/// needs it says so with exit status 2 (it once panicked in `optimize`), and the LLVM backend,
/// which links with whatever `CC` names, still works.
#[test]
fn a_cc_that_is_not_gcc_is_a_clear_error() {
    let dir = scratch("optimize-cc-clang");
    let ir = search_ir("sieve", &dir);
    let ir = ir.to_str().unwrap();
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::copy(repo_root().join("bench/corpus/sieve.c"), corpus.join("sieve.c")).unwrap();
    let db = dir.join("lab.sqlite");
    let clang = common::clang();
    let with_clang = |args: &[&str]| {
        let mut cmd = Command::new(driver());
        cmd.args(args).env("CC", &clang);
        run(cmd, LIMIT)
    };
    let runs: [&[&str]; 5] = [
        &["optimize", ir, "--backend", "gcc", "--quiet"],
        &["optimize", ir, "--backend", "all", "--quiet", "--budget-evals", "6"],
        &["run", ir, "--backend", "gcc"],
        &["passes", "--backend", "gcc"],
        &[
            "bench",
            "--tag",
            "t",
            "--backends",
            "gcc",
            "--strategies",
            "presets",
            "--quiet",
            "--corpus",
            corpus.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
        ],
    ];
    for args in runs {
        let o = with_clang(args);
        let err = o.stderr_text();
        assert_eq!(o.code, Some(2), "{args:?}: {err}");
        assert!(err.contains("is not gcc") && !err.contains("panicked"), "{args:?}: {err}");
    }
    let llvm = with_clang(&["optimize", ir, "--strategy", "presets", "--quiet"]);
    assert_eq!(llvm.code, Some(0), "{}", llvm.stderr_text());
}

/// `--backend all --objective runtime`: the five searches' winners meet in a final round,
/// timed against each other, and are ranked by it; the winner written runs like the input.
#[test]
fn runtime_winners_of_every_search_are_timed_against_each_other() {
    let dir = scratch("optimize-all-runtime");
    let ir = search_ir_of(&repo_root().join("tests/data/byval_odd.c"), &dir);
    let best = dir.join("winner");
    let o = optimize(&[
        ir.to_str().unwrap(),
        "--backend",
        "all",
        "--objective",
        "runtime",
        "--strategy",
        "presets",
        "--runs",
        "2",
        "--json",
        "-o",
        best.to_str().unwrap(),
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = report["backends"].as_array().unwrap();
    let labels: Vec<&str> = rows.iter().map(|r| r["label"].as_str().unwrap()).collect();
    assert_eq!(labels.len(), 5, "{report}");
    for want in ["llvm", "cranelift", "gcc", "llvm+cranelift", "llvm+gcc"] {
        assert!(labels.contains(&want), "{report}");
    }
    // Ranked by the final round's medians, which every row has, those not significantly
    // faster than LLVM's winner (paired round by round) after it.
    let llvm = rows.iter().position(|r| r["label"] == "llvm").unwrap();
    for (k, r) in rows.iter().enumerate().filter(|(k, _)| *k != llvm) {
        let faster = r["versus_llvm"]["faster"].as_bool().unwrap();
        assert_eq!(k < llvm, faster, "{report}");
    }
    let finals: Vec<f64> = rows.iter().map(|r| r["final_median_ns"].as_f64().unwrap()).collect();
    let (ahead, behind) = (&finals[..llvm], &finals[llvm + 1..]);
    assert!(ahead.windows(2).all(|w| w[0] <= w[1]), "{report}");
    assert!(behind.windows(2).all(|w| w[0] <= w[1]), "{report}");
    let notes = report["notes"].as_array().unwrap();
    let round = "the median CPU time of 4 runs";
    assert!(notes.iter().any(|n| n.as_str().unwrap().contains(round)), "{report}");
    assert_eq!(report["winner"], rows[0]["label"]);
    // Cross plans name the LLVM pipeline they started from.
    for r in rows {
        assert_eq!(r["mid_end"].is_string(), r["label"].as_str().unwrap().contains('+'), "{r}");
    }
    let ours = if rows[0]["backend"] == "llvm" {
        opm(&["run", best.to_str().unwrap()])
    } else {
        link_and_run(&best)
    };
    let mut cmd = Command::new(driver());
    cmd.arg("run").arg(&ir);
    let original = run(cmd, LIMIT);
    assert_eq!((ours.code, &ours.stdout), (Some(0), &original.stdout));
}

/// `--backend all`: the three backends searched with a quarter of the budget each, then LLVM's
/// best module through Cranelift's and GCC's settings (cross plans), one row each in a table
/// ranked by size, the signals of each in a file of its own, and the winner's artifact written
/// and running like clang's build.
#[test]
fn all_backends_are_ranked_in_one_table() {
    let dir = scratch("optimize-all");
    let ir = search_ir("sieve", &dir);
    let (sig, best) = (dir.join("signals.jsonl"), dir.join("winner"));
    let (s, b) = (sig.to_str().unwrap(), best.to_str().unwrap());
    let args = [ir.to_str().unwrap(), "--backend", "all", "--budget-evals", "30", "--jobs", "2"];
    let o = optimize(&[&args[..], &["--signals", s, "-o", b]].concat());
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    let table = o.stdout_text();
    let rows: Vec<&str> =
        table.lines().filter(|l| l.starts_with(|c: char| c.is_ascii_digit())).collect();
    // A quarter of what is left of the budget per backend, an eighth per cross plan, adding up
    // to the budget.
    let searches =
        [("llvm", 7), ("cranelift", 8), ("gcc", 8), ("llvm+cranelift", 8), ("llvm+gcc", 8)];
    let mut total = 0;
    assert_eq!(rows.len(), searches.len(), "{table}");
    let sizes: Vec<u64> =
        rows.iter().map(|r| r.split_whitespace().nth(2).unwrap().parse().unwrap()).collect();
    assert!(sizes.windows(2).all(|w| w[0] <= w[1]), "ranked by size:\n{table}");
    for (name, most) in searches {
        let row = rows.iter().find(|r| r.split_whitespace().nth(1) == Some(name));
        let row = row.unwrap_or_else(|| panic!("no row {name}:\n{table}"));
        let backend = name.rsplit('+').next().unwrap();
        let lines = signals(&dir.join(format!("signals.{name}.jsonl")));
        assert!((1..=most).contains(&lines.len()), "{name}: {} signals", lines.len());
        total += lines.len();
        assert!(lines.iter().all(|l| l["backend"] == backend && l["objective"] == "size"));
        // A cross plan shows the LLVM pipeline its code generator started from.
        assert_eq!(name.contains('+'), row.contains(" then "), "{table}");
    }
    assert!(total <= 30, "{total} evaluations for a budget of 30");
    let winner = rows[0].split_whitespace().nth(1).unwrap();
    assert!(table.contains(&format!("winner (size): {winner} `")), "{table}");
    let ours = if winner == "llvm" {
        let mut cmd = Command::new(driver());
        cmd.arg("run").arg(&best);
        run(cmd, LIMIT)
    } else {
        link_and_run(&best)
    };
    assert_eq!(ours.code, Some(0));
    assert_eq!(ours.stdout, reference_output("sieve", &dir));
}

/// The contract `name`'s schema, as `opm-driver schema NAME` prints it, as a validator.
fn contract_validator(name: &str) -> jsonschema::Validator {
    let o = opm(&["schema", name]);
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    let schema: serde_json::Value = serde_json::from_str(&o.stdout_text()).unwrap();
    assert_eq!(schema["title"], name);
    jsonschema::validator_for(&schema).unwrap()
}

/// `value` with the fields that make it a document of the contract `name`.
fn as_contract(name: &str, mut value: serde_json::Value) -> serde_json::Value {
    value["contract"] = name.into();
    value["schema_version"] = 1.into();
    value
}

#[test]
fn what_a_search_writes_matches_the_published_contracts() {
    let dir = scratch("optimize-contracts");
    let ir = search_ir_of(&repo_root().join("tests/data/overflow_ub.c"), &dir);
    let (sig, audit) = (dir.join("signals.jsonl"), dir.join("audit.jsonl"));
    let o = optimize(&[
        ir.to_str().unwrap(),
        "--strategy",
        "presets",
        "--signals",
        sig.to_str().unwrap(),
        "--audit",
        audit.to_str().unwrap(),
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());

    // Every line of the signals file, the corrected ones included, is a PerformanceSignal.
    let signal = contract_validator("PerformanceSignal");
    let lines = signals(&sig);
    assert!(lines.iter().any(|s| s["verdict"] == "miscompile"), "{lines:?}");
    for line in &lines {
        let doc = as_contract("PerformanceSignal", line.clone());
        let errors: Vec<String> = signal.iter_errors(&doc).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}\n{line}");
    }
    // The audit log's lines are the entries of an AuditLog, its new bests PlanDeltas.
    let entries = signals(&audit);
    let log = as_contract("AuditLog", serde_json::json!({ "entries": entries }));
    let errors: Vec<String> =
        contract_validator("AuditLog").iter_errors(&log).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    let delta = contract_validator("PlanDelta");
    let bests: Vec<&serde_json::Value> =
        entries.iter().filter(|e| e["event"] == "new-best").collect();
    assert!(!bests.is_empty());
    for best in bests {
        let mut body = best.clone();
        body.as_object_mut().unwrap().remove("event");
        assert!(delta.is_valid(&as_contract("PlanDelta", body)), "{best}");
    }
    // Without a name, the contracts; an unknown name is a usage error naming them.
    let list = opm(&["schema"]);
    assert_eq!(list.stdout_text().lines().count(), 9, "{}", list.stdout_text());
    assert!(
        list.stdout_text().ends_with("ConformanceReport\nLedgerEntry\n"),
        "{}",
        list.stdout_text()
    );
    let unknown = opm(&["schema", "Signal"]);
    assert_eq!(unknown.code, Some(2));
    assert!(
        unknown.stderr_text().contains("no contract named `Signal`; the contracts are PassSpec")
    );
}

#[test]
fn a_search_signs_what_it_found_and_anyone_can_check_it() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("optimize-attest");
    let ir = search_ir_of(&repo_root().join("tests/data/overflow_ub.c"), &dir);
    let (key, att) = (dir.join("keys/signing.key"), dir.join("best.attestation.json"));
    let made = opm(&["keys", "generate", "--key", key.to_str().unwrap()]);
    assert_eq!(made.code, Some(0), "{}", made.stderr_text());
    assert!(made.stdout_text().contains("key id:"), "{}", made.stdout_text());
    let public = format!("{}.pub", key.display());

    let o = optimize(&[
        ir.to_str().unwrap(),
        "--strategy",
        "presets",
        "--json",
        "--attest",
        att.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
    ]);
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    let report: serde_json::Value = serde_json::from_str(&o.stdout_text()).unwrap();
    let instcount = report["best"]["metrics"]["instcount"].as_u64().unwrap();

    let verify = |file: &Path, module: &Path| {
        opm(&[
            "attest",
            "verify",
            file.to_str().unwrap(),
            "--public-key",
            &public,
            "--module",
            module.to_str().unwrap(),
        ])
    };
    let ok = verify(&att, &ir);
    assert_eq!(ok.code, Some(0), "{}", ok.stderr_text());
    let text = ok.stdout_text();
    assert!(text.contains(&format!("instcount: {instcount}\n")), "{text}");
    // Every optimising preset folds the overflow check away and fails the winner's check:
    // the winner is `default<O0>`, whose code the search never generated, measured now.
    let bytes = report["best"]["metrics"]["text_bytes"].as_u64().unwrap();
    assert!(text.contains(&format!(".text:     {bytes} bytes\n")), "{text}");
    assert!(
        text.contains(&format!(
            "plan:      {} (llvm)",
            report["best"]["pipeline"].as_str().unwrap()
        )),
        "{text}"
    );

    // The attested statement names the input's digest and what was measured.
    let envelope: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&att).unwrap()).unwrap();
    assert_eq!(envelope["payloadType"], "application/vnd.in-toto+json");

    // Another module, or one payload byte changed: rejected, exit 1.
    let other = dir.join("other.ll");
    std::fs::write(&other, std::fs::read_to_string(&ir).unwrap() + "\n").unwrap();
    let wrong = verify(&att, &other);
    assert_eq!(wrong.code, Some(1));
    assert!(wrong.stderr_text().contains("is not the attested module"), "{}", wrong.stderr_text());
    let payload = envelope["payload"].as_str().unwrap();
    let mut bytes = payload.as_bytes().to_vec();
    let at = bytes.len() / 2;
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    let mut tampered = envelope.clone();
    tampered["payload"] = String::from_utf8(bytes).unwrap().into();
    let bad = dir.join("tampered.json");
    std::fs::write(&bad, tampered.to_string()).unwrap();
    let refused = verify(&bad, &ir);
    assert_eq!(refused.code, Some(1));
    assert!(refused.stderr_text().contains("rejected"), "{}", refused.stderr_text());

    // A secret key others can read signs nothing: refused before the search starts.
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o640)).unwrap();
    let exposed = optimize(&[
        ir.to_str().unwrap(),
        "--attest",
        att.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
    ]);
    assert_eq!(exposed.code, Some(2));
    assert!(
        exposed.stderr_text().contains("is readable by others (mode 0640)"),
        "{}",
        exposed.stderr_text()
    );
}

/// A run-time winner is timed again against O2 in interleaved pairs before it is reported; a
/// program whose time every pipeline leaves the same has no winner faster than O2 (with a 5%
/// threshold, a claim would need the interval's low end 5% above the builds' equal speed),
/// so O2 stays the winner, the written module is O2's, and the output says why.
#[test]
fn a_runtime_winner_no_faster_than_o2_when_timed_again_leaves_o2_the_winner() {
    let dir = scratch("optimize-confirm");
    let ir = search_ir_of(&repo_root().join("tests/data/asm_loop.c"), &dir);
    let best = dir.join("best.ll");
    // Which candidate is measured fastest is noise; a search whose winner is O2's module has
    // nothing to confirm, so up to five are run until one has (five pipelines of the user's
    // beside the presets make O2's module the winner in about 1 search of 5).
    let users = [
        "default<O1>",
        "function(sroa,instcombine)",
        "function(sroa,gvn)",
        "function(sroa,loop-unroll)",
        "default<O1>,function(loop-unroll)",
    ];
    for attempt in 1..=5 {
        let sig = dir.join(format!("signals-{attempt}.jsonl"));
        let o = optimize(&[
            ir.to_str().unwrap(),
            "--objective",
            "runtime",
            "--strategy",
            "presets",
            "--runs",
            "3",
            "--speedup-threshold",
            "1.05",
            "--pipeline",
            users[0],
            "--pipeline",
            users[1],
            "--pipeline",
            users[2],
            "--pipeline",
            users[3],
            "--pipeline",
            users[4],
            "--json",
            "--signals",
            sig.to_str().unwrap(),
            "-o",
            best.to_str().unwrap(),
        ]);
        assert_eq!(o.code, Some(0), "{}", o.stderr_text());
        let report: serde_json::Value = serde_json::from_str(&o.stdout_text()).unwrap();
        assert_eq!(report["best"]["metrics"]["runtime"]["clock"], "cpu", "{report}");
        let c = &report["confirmation"];
        if c.is_null() {
            assert_eq!(report["best"]["ir_hash"], report["baselines"]["O2"]["ir_hash"], "{report}");
            eprintln!("attempt {attempt}: the search's winner was O2's module");
            continue;
        }
        assert_eq!(c["baseline"], "O2", "{c}");
        assert_ne!(c["verdict"], "faster", "{c}");
        assert_eq!(c["stands"], false, "{c}");
        assert_eq!(c["pairs"], 10, "{c}");
        let (lo, hi) = (c["interval"][0].as_f64().unwrap(), c["interval"][1].as_f64().unwrap());
        assert!(lo <= 1.05 && lo < hi, "{c}");
        assert_eq!(report["best"]["pipeline"], "default<O2>", "{report}");
        let note = o.stderr_text();
        assert!(note.contains("stays the winner") && note.contains("timed again"), "{note}");
        // The module written is O2's.
        let written = opm_engine::Input::load_verified(&best).unwrap();
        let hash = serde_json::to_value(opm_engine::worker::ir_identity(&written.module));
        let s = signals(&sig);
        let o2 = s.iter().find(|v| v["pipeline"] == "default<O2>").unwrap();
        assert_eq!(o2["ir_hash"], hash.unwrap());
        let ours = opm(&["run", best.to_str().unwrap()]);
        assert_eq!(ours.stdout_text(), "0 24356\n");
        return;
    }
    panic!("five searches in a row found O2's module fastest; nothing was confirmed");
}

/// A time budget used up before the first batch still measures the baselines (the final
/// table's; the winner comes from them) and starts no candidate of the strategy, although the
/// first batch holds some: no strategy's candidate starts after the budget's end, even within
/// a batch.
#[test]
fn a_used_up_time_budget_measures_the_baselines_and_starts_nothing_else() {
    let dir = scratch("budget-end");
    let ir = search_ir("crc32", &dir);
    let sig = dir.join("signals.jsonl");
    let (ir, sig_text) = (ir.to_str().unwrap(), sig.to_str().unwrap());
    let o = optimize(&[
        ir,
        "--strategy",
        "random",
        "--budget-time",
        "1ms",
        "--jobs",
        "2",
        "--signals",
        sig_text,
    ]);
    let text = format!("{}{}", o.stdout_text(), o.stderr_text());
    assert_eq!(o.code, Some(0), "{text}");
    // The summary says why the search ran past its budget.
    assert!(text.contains("time budget (1 ms) used up by the first batch ("), "{text}");
    assert!(text.contains("): the baselines are measured whatever the budget"), "{text}");
    let measured: Vec<(String, String)> = signals(&sig)
        .iter()
        .map(|s| (s["origin"].to_string(), s["pipeline"].as_str().unwrap_or_default().to_string()))
        .collect();
    let baselines = ["default<O2>", "default<O3>", "default<Oz>"];
    assert_eq!(measured.len(), baselines.len(), "{measured:?}");
    for (origin, pipeline) in &measured {
        assert_eq!(origin, "\"preset\"", "{measured:?}");
        assert!(baselines.contains(&pipeline.as_str()), "{measured:?}");
    }
    // The user's own pipelines are measured too, and named.
    let o = optimize(&[ir, "--budget-time", "1ms", "--pipeline", "function(sroa)"]);
    let text = format!("{}{}", o.stdout_text(), o.stderr_text());
    assert_eq!(o.code, Some(0), "{text}");
    assert!(text.contains("): the baselines and your pipelines are measured whatever"), "{text}");
}
