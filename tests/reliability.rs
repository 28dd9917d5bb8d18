//! The reliability campaigns' bounded samples (issue: bad input, kills, random pipelines).
//!
//! Malformed and hostile input: mutants of two corpus programs' IR (every textual mutation of
//! `common::mutate`, and byte-level ones of their bitcode) and the special files (empty,
//! missing, a directory, a FIFO with no writer, 200 MB, removed while read), each through
//! `ir`, `verify`, `compile` and `run` on every backend, `optimize` and `bench`. Seeded per
//! run, the seed printed; replay with `OPM_RELIABILITY_SEED=<seed>`; a larger sample with
//! `OPM_RELIABILITY_MUTANTS=<per mutation>` (default 1), or the campaign of the README's
//! figures: `cargo run --release -p opm-bench --bin mutation`.

mod common;

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
