//! The reliability campaigns' bounded samples (issue: bad input, kills, random pipelines).
//!
//! Malformed and hostile input: mutants of two corpus programs' IR (every textual mutation of
//! `common::mutate`, and byte-level ones of their bitcode) and the special files (empty,
//! missing, a directory, a FIFO with no writer, 200 MB, removed while read), each through
//! `ir`, `verify`, `compile` and `run` on every backend, `optimize` and `bench`. Seeded per
//! run, the seed printed; replay with `OPM_RELIABILITY_SEED=<seed>`; a larger sample with
//! `OPM_RELIABILITY_MUTANTS=<per mutation>` (default 1), or the campaign of the README's
//! figures: `cargo run --release -p opm-bench --bin mutation`.
//!
//! What opm parses itself: every cargo fuzz target of `tests/fuzz/` on seeded mutants of its
//! seeds (`OPM_FUZZ_SAMPLE=<per target>`, default 2000); the coverage-guided campaign is
//! `scripts/fuzz`.

mod common;
#[path = "fuzz/targets.rs"]
mod fuzz_targets;

use common::mutate::{self, Input, Special, Step};
use std::time::Instant;

fn input(program: &str, bitcode: bool) -> Input {
    let dir = common::scratch(&format!("reliability-inputs-{program}"));
    let ll = dir.join(format!("{program}.ll"));
    let src = common::repo_root().join("bench/corpus").join(format!("{program}.c"));
    common::clang_compile(&src, &ll, "-O0", &[]).expect("clang");
    let path = if bitcode {
        let bc = dir.join(format!("{program}.bc"));
        let o = common::run(
            {
                let mut c = std::process::Command::new(common::llvm_tool("llvm-as"));
                c.arg(&ll).arg("-o").arg(&bc);
                c
            },
            std::time::Duration::from_secs(60),
        );
        assert_eq!(o.code, Some(0), "llvm-as: {}", o.stderr_text());
        bc
    } else {
        ll
    };
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    Input { name, bytes: std::fs::read(&path).expect("read input"), bitcode }
}

#[test]
fn malformed_and_hostile_input_is_refused_cleanly_by_every_command() {
    let seed = common::seed_from_env("OPM_RELIABILITY_SEED");
    let per = common::count_from_env("OPM_RELIABILITY_MUTANTS", 1);
    println!("reliability: seed {seed} (replay with OPM_RELIABILITY_SEED={seed})");
    let inputs = [input("sieve", false), input("crc32", false), input("sieve", true)];
    let plan = mutate::plan(&inputs, per, &Special::ALL, seed);
    let dir = common::scratch("reliability-mutants");
    let started = Instant::now();
    let trials = mutate::run_plan(&common::driver(), &dir, &inputs, plan, &Step::ALL, 2, |_, _| {});
    println!("{} inputs in {:.0?}", trials.len(), started.elapsed());
    for t in &trials {
        let codes: Vec<String> = t
            .checked
            .iter()
            .map(|c| format!("{}={}", c.step, c.code.map_or("-".into(), |c| c.to_string())))
            .collect();
        println!("{} ({}): {}", t.kind, t.what, codes.join(", "));
    }
    print!("{}", mutate::table(&trials));
    let mut findings = Vec::new();
    for t in &trials {
        for (c, f) in t.findings() {
            findings.push(format!("{} ({}) — {}: {f}", t.kind, t.what, c.step));
        }
    }
    assert!(
        findings.is_empty(),
        "seed {seed}: {} findings:\n{}",
        findings.len(),
        findings.join("\n")
    );
    // The sample is not vacuous: most mutants are refused, and some still build.
    let refused = trials.iter().flat_map(|t| &t.checked).filter(|c| c.code == Some(2)).count();
    let built = trials.iter().flat_map(|t| &t.checked).filter(|c| c.code == Some(0)).count();
    assert!(refused > 0 && built > 0, "refused {refused}, built {built}");
}

/// Found by the campaign: one flipped bit of `expr_parser`'s bitcode crashes LLVM 22's
/// bitcode reader (its metadata loader; `llvm-dis` crashes on it too), three of
/// `spectral_norm`'s make it ask for more memory than there is and abort. Every command
/// refuses the file, naming it, instead of dying with it.
#[test]
fn bitcode_that_crashes_llvms_reader_is_refused_by_every_command() {
    for name in ["damaged_bitcode_metadata.bc", "damaged_bitcode_oom.bc"] {
        let path = common::repo_root().join("tests/data").join(name);
        let bytes = std::fs::read(&path).expect("fixture");
        let source = Input { name: name.into(), bytes, bitcode: true };
        let dir = common::scratch(&format!("reliability-{name}"));
        let checked =
            mutate::trial(&common::driver(), &dir, &source, None, None, &Step::ALL).expect("trial");
        for c in &checked {
            assert_eq!(c.finding, None, "{name}: {}", c.step);
            // A lab records the program as failed, with why, and exits 1.
            let expected = if c.step == Step::Bench { 1 } else { 2 };
            assert_eq!(c.code, Some(expected), "{name}: {} should refuse the file", c.step);
        }
    }
}

/// The fuzz targets' bodies (`tests/fuzz/targets.rs`) on mutants of their seeds, every
/// mutation of the campaign applied to the seeds' text: none may panic. A panicking input is
/// written to `target/tmp/opm-tests/reliability-fuzz/` for `cargo fuzz run` to replay.
#[test]
fn fuzz_targets_hold_on_a_seeded_sample_of_mutated_seeds() {
    let seed = common::seed_from_env("OPM_RELIABILITY_SEED");
    let per_target = common::count_from_env("OPM_FUZZ_SAMPLE", 2000);
    println!("fuzz sample: seed {seed} (replay with OPM_RELIABILITY_SEED={seed})");
    let dir = common::scratch("reliability-fuzz");
    let mut rng = mutate::Rng::new(seed);
    let mut failures = Vec::new();
    for (name, target) in fuzz_targets::TARGETS {
        let seeds_dir = common::repo_root().join("tests/fuzz/seeds").join(name);
        let mut seeds: Vec<Vec<u8>> = std::fs::read_dir(&seeds_dir)
            .unwrap_or_else(|e| panic!("{}: {e}", seeds_dir.display()))
            .map(|e| std::fs::read(e.expect("entry").path()).expect("seed"))
            .collect();
        seeds.sort();
        assert!(!seeds.is_empty(), "no seeds for {name}");
        for k in 0..per_target {
            let base = &seeds[k % seeds.len()];
            let input = if k < seeds.len() {
                base.clone()
            } else {
                let m = mutate::Mutation::TEXT[rng.below(mutate::Mutation::TEXT.len())];
                mutate::mutate(base, m, &mut rng).0
            };
            let ran = std::panic::catch_unwind(|| target(&input));
            if ran.is_err() {
                let file = dir.join(format!("{name}-{k}"));
                std::fs::write(&file, &input).expect("keep the input");
                failures.push(format!("{name}: input {k} panicked, kept in {}", file.display()));
            }
        }
        println!("{name}: {per_target} inputs");
    }
    assert!(failures.is_empty(), "seed {seed}:\n{}", failures.join("\n"));
}

/// `optimize` killed with SIGKILL at moments spread over an uninterrupted search's length,
/// then resumed: no record half-written, no partial winner file, nothing acknowledged lost,
/// and the same winner as the search left alone (same seed), at both objectives that do not
/// time the program. A larger campaign: `cargo run --release -p opm-bench --bin kills`.
#[test]
fn a_search_killed_at_any_moment_resumes_to_the_uninterrupted_winner() {
    let seed = common::seed_from_env("OPM_RELIABILITY_SEED");
    let kills = common::count_from_env("OPM_RELIABILITY_KILLS", 3);
    println!("kills: seed {seed} (replay with OPM_RELIABILITY_SEED={seed})");
    let dir = common::scratch("reliability-kills");
    let src = common::repo_root().join("bench/corpus/sieve.c");
    let ir = dir.join("sieve.ll");
    common::clang_compile(&src, &ir, "-O1", &["-Xclang", "-disable-llvm-passes"]).expect("clang");
    let driver = common::driver();
    let mut problems = Vec::new();
    for objective in ["instcount", "size"] {
        let args: Vec<String> = [
            "--objective",
            objective,
            "--strategy",
            "random",
            "--budget-evals",
            "14",
            "--jobs",
            "2",
            "--quiet",
            "--seed",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain([seed.to_string()])
        .collect();
        let reference = common::kills::reference(&driver, &ir, &dir.join(objective), &args)
            .unwrap_or_else(|e| panic!("{objective}: {e}"));
        for (i, at) in
            common::kills::moments(kills, reference.elapsed, seed).into_iter().enumerate()
        {
            let trial = common::kills::trial_dir(&dir.join(objective), i);
            let k = common::kills::kill_and_resume(&driver, &ir, &trial, &args, at, &reference)
                .unwrap_or_else(|e| panic!("{objective}: {e}"));
            println!(
                "{objective}: killed at {:.2} s of {:.2} s, {} of {} measurements on disk{}",
                at.as_secs_f64(),
                reference.elapsed.as_secs_f64(),
                k.acknowledged,
                reference.signals,
                if k.finished_first { " (it had finished)" } else { "" }
            );
            for f in k.findings {
                problems.push(format!("{objective}, kill at {at:.2?}: {f}"));
            }
        }
    }
    assert!(problems.is_empty(), "seed {seed}:\n{}", problems.join("\n"));
}
