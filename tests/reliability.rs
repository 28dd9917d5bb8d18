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

/// `src` as clang's IR before LLVM's passes, as a search starts from it.
fn unoptimised_ir(src: &std::path::Path, ir: &std::path::Path) {
    common::clang_compile(src, ir, "-O1", &["-Xclang", "-disable-llvm-passes"]).expect("clang");
}

/// The lines of a signals file, as JSON.
fn signal_rows(signals: &std::path::Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(signals).expect("signals");
    text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect()
}

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
    unoptimised_ir(&src, &ir);
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

/// Runs `script` (sh) in a mount namespace of its own, where `mnt` is a fresh tmpfs mounted
/// with `options` (a small size: a full disk; `ro`: a read-only directory); what it leaves
/// there is copied to `keep` before the namespace goes. Needs root, as the suite runs in CI.
fn in_tmpfs(mnt: &std::path::Path, options: &str, keep: &std::path::Path, script: &str) -> String {
    std::fs::create_dir_all(mnt).expect("mount point");
    std::fs::create_dir_all(keep).expect("keep dir");
    let full = format!(
        "mount -t tmpfs -o {options} opm-test {mnt} || exit 99\n{script}\ncp -a {mnt}/. {keep}/ 2>/dev/null; true",
        mnt = mnt.display(),
        keep = keep.display()
    );
    let mut cmd = std::process::Command::new("unshare");
    cmd.args(["-m", "sh", "-c", &full]);
    let o = common::run(cmd, std::time::Duration::from_secs(300));
    assert_ne!(
        o.code,
        Some(99),
        "mounting a tmpfs needs root and `unshare -m`: {}",
        o.stderr_text()
    );
    format!("{}{}", o.stdout_text(), o.stderr_text())
}

/// A full disk and a read-only output directory: clear errors naming the file, nothing
/// corrupted (the signals file keeps only whole records, no partial output), and a search
/// stopped by the full disk resumes once there is room.
#[test]
fn a_full_disk_and_a_read_only_directory_give_clear_errors_and_corrupt_nothing() {
    let dir = common::scratch("reliability-disk");
    let src = common::repo_root().join("bench/corpus/sieve.c");
    let ir = dir.join("sieve.ll");
    unoptimised_ir(&src, &ir);
    let d = common::driver();
    let (d, ir_s) = (d.display().to_string(), ir.display().to_string());
    let search = "--strategy random --budget-evals 14 --jobs 2 --seed 3 --quiet";

    // Full: 8 KiB holds about a dozen signal lines, not the search's and its winner.
    let (mnt, kept) = (dir.join("full"), dir.join("full-kept"));
    let out = in_tmpfs(
        &mnt,
        "size=8k",
        &kept,
        &format!(
            "{d} optimize {ir_s} {search} --signals {m}/s.jsonl -o {m}/best.ll; echo status=$?",
            m = mnt.display()
        ),
    );
    assert!(out.contains("status=2"), "{out}");
    assert!(out.contains("s.jsonl: No space left on device"), "{out}");
    assert!(!kept.join("best.ll").exists(), "a partial winner was left: {out}");
    let text = std::fs::read_to_string(kept.join("s.jsonl")).expect("signals kept");
    assert!(text.ends_with('\n'), "the last record is cut short");
    let lines: Vec<&str> = text.lines().collect();
    assert!(!lines.is_empty(), "{out}");
    for l in &lines {
        assert!(serde_json::from_str::<serde_json::Value>(l).is_ok(), "a torn record: {l}");
    }
    // With room again, the search resumes from what the full disk kept.
    let sig = kept.join("s.jsonl");
    let mut cmd = std::process::Command::new(common::driver());
    cmd.arg("optimize").arg(&ir).args(search.split(' ')).arg("--signals").arg(&sig);
    cmd.arg("--resume");
    let o = common::run(cmd, std::time::Duration::from_secs(300));
    assert_eq!(o.code, Some(0), "{}", o.stderr_text());
    let after = std::fs::read_to_string(&sig).expect("signals");
    assert!(after.starts_with(&text), "the resume changed what was kept");
    assert!(after.lines().count() > lines.len());

    // Read-only: every command that writes says so before working, naming the file.
    let (mnt, kept) = (dir.join("ro"), dir.join("ro-kept"));
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).expect("corpus");
    std::fs::copy(&ir, corpus.join("sieve.ll")).expect("corpus program");
    let m = mnt.display();
    let out = in_tmpfs(
        &mnt,
        "ro,size=1m",
        &kept,
        &format!(
            "{d} optimize {ir_s} {search} -o {m}/best.ll; echo optimize=$?\n\
             {d} optimize {ir_s} {search} --signals {m}/s.jsonl; echo signals=$?\n\
             {d} ir {ir_s} -o {m}/x.ll; echo ir=$?\n\
             {d} compile {ir_s} -o {m}/x; echo compile=$?\n\
             {d} bench --corpus {c} --db {m}/lab.sqlite --tag t --backends llvm --strategies presets --quiet; echo bench=$?",
            c = corpus.display()
        ),
    );
    for step in ["optimize", "signals", "ir", "compile", "bench"] {
        assert!(out.contains(&format!("{step}=2")), "{step}: {out}");
    }
    assert!(!out.contains("candidates in"), "a search ran before the refusal: {out}");
    for file in ["best.ll", "s.jsonl", "x.ll", "lab.sqlite"] {
        assert!(out.contains(&format!("{m}/{file}")), "{file} not named: {out}");
    }
    assert!(out.contains("Read-only file system"), "{out}");
}

/// `bench` killed with SIGKILL at moments spread over an uninterrupted lab's length, then
/// run again: the database reads after every kill, keeps every row it had, and ends with
/// exactly the uninterrupted lab's results (instruction counts, sizes, verdicts).
#[test]
fn a_lab_killed_at_any_moment_ends_with_the_uninterrupted_results() {
    let seed = common::seed_from_env("OPM_RELIABILITY_SEED");
    let kills = common::count_from_env("OPM_RELIABILITY_KILLS", 3);
    println!("lab kills: seed {seed} (replay with OPM_RELIABILITY_SEED={seed})");
    let dir = common::scratch("reliability-lab-kills");
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).expect("corpus");
    for p in ["sieve", "crc32"] {
        let src = common::repo_root().join("bench/corpus").join(format!("{p}.c"));
        std::fs::copy(&src, corpus.join(format!("{p}.c"))).expect("copy");
    }
    let driver = common::driver();
    let args: Vec<String> = [
        "--backends",
        "llvm",
        "--strategies",
        "presets,random",
        "--objective",
        "instcount",
        "--budget-evals",
        "8",
        "--jobs",
        "2",
        "--quiet",
        "--seed",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([seed.to_string()])
    .collect();
    let (reference, elapsed) =
        common::kills::bench_reference(&driver, &corpus, &dir.join("reference"), &args)
            .unwrap_or_else(|e| panic!("{e}"));
    let mut problems = Vec::new();
    for (i, at) in common::kills::moments(kills, elapsed, seed).into_iter().enumerate() {
        let trial = common::kills::trial_dir(&dir, i);
        let k =
            common::kills::bench_kill_and_resume(&driver, &corpus, &trial, &args, at, &reference)
                .unwrap_or_else(|e| panic!("{e}"));
        println!(
            "killed at {:.2} s of {:.2} s, {} of {} rows stored{}",
            at.as_secs_f64(),
            elapsed.as_secs_f64(),
            k.acknowledged,
            reference.len(),
            if k.finished_first { " (it had finished)" } else { "" }
        );
        problems.extend(k.findings.into_iter().map(|f| format!("kill at {at:.2?}: {f}")));
    }
    assert!(problems.is_empty(), "seed {seed}:\n{}", problems.join("\n"));
}

/// LLVM's GVNSink orders blocks by their addresses, so with the address space randomised, or
/// after other candidates left the heap otherwise, the same pipeline gave another module from
/// run to run (and a lab run again after a kill disagreed with the uninterrupted one). Each
/// candidate is forked from the worker as it stood after loading the module, without address
/// randomisation: the same pipeline gives the same module in every run, whatever ran before it,
/// with any number of jobs and wherever the input lies.
#[test]
fn a_pipeline_gives_the_same_module_in_every_run_whatever_ran_before_it() {
    // Where a sandbox forbids turning address randomisation off, workers run randomised.
    let no_aslr = std::process::Command::new("setarch").args(["-R", "true"]).status();
    if !no_aslr.is_ok_and(|s| s.success()) {
        println!("skipped: this system refuses personality(ADDR_NO_RANDOMIZE) (`setarch -R`)");
        return;
    }
    let dir = common::scratch("reliability-determinism");
    let ir = dir.join("tinylang.ll");
    let src = common::repo_root().join("bench/corpus/tinylang.c");
    unoptimised_ir(&src, &ir);
    // Three pipelines with GVNSink whose modules changed from run to run.
    let pipelines = [
        "function(gvn),attributor-light,function(loop(loop-rotate),correlated-propagation),\
         canonicalize-aliases,inliner-wrapper,function(gvn-sink)",
        "function(loop(loop-unroll-and-jam),reassociate,loop(loop-instsimplify)),\
         called-value-propagation,default<Oz>,function(mem2reg,alignment-from-assumptions,\
         instsimplify),default<O2>,function(partially-inline-libcalls,loop(loop-simplifycfg),\
         instcombine<no-verify-fixpoint>,gvn-sink,flatten-cfg,lower-constant-intrinsics,\
         break-crit-edges,tailcallelim,jump-table-to-switch,infer-alignment,\
         loop(simple-loop-unswitch<nontrivial>),aggressive-instcombine,loop(canon-freeze))",
        "function(slp-vectorizer),default<O2>,function(gvn-sink,gvn-sink,speculative-execution,\
         loop(loop-rotate),load-store-vectorizer,bdce,unreachableblockelim,float2int,\
         lower-switch,infer-alignment,loop-fusion,gvn-hoist),partial-inliner,\
         function(mldst-motion,loop(indvars),reassociate,loop(loop-simplifycfg)),\
         elim-avail-extern,globalopt,function(jump-table-to-switch),\
         inliner-wrapper-no-mandatory-first",
    ];
    // The same file in directories whose names are longer: where the input lies changes
    // nothing (before, the path's length alone moved LLVM's objects; these lengths did).
    for d in ["moved", "moved-far"] {
        std::fs::create_dir_all(dir.join(d)).expect("mkdir");
        std::fs::copy(&ir, dir.join(d).join("tinylang.ll")).expect("copy");
    }
    let runs: [(&str, &[&str]); 7] = [
        ("1", &[]),
        ("2", &[]),
        ("1", &["in:moved"]),
        ("2", &["in:moved-far"]),
        ("1", &["function(gvn-sink)"]),
        ("2", &["default<O1>,function(gvn-sink)"]),
        ("1", &["function(gvn-hoist)"]),
    ];
    let mut seen = Vec::new();
    for (i, (jobs, before)) in runs.iter().enumerate() {
        let signals = dir.join(format!("run{i}.jsonl"));
        let _ = std::fs::remove_file(&signals);
        let mut cmd = std::process::Command::new(common::driver());
        let (input, before) = match before.first().and_then(|b| b.strip_prefix("in:")) {
            Some(d) => (dir.join(d).join("tinylang.ll"), &[][..]),
            None => (ir.clone(), *before),
        };
        cmd.arg("optimize").arg(&input).args(["--strategy", "presets", "--objective", "instcount"]);
        cmd.args(["--no-run", "--quiet", "--jobs", jobs]).arg("--signals").arg(&signals);
        for p in before.iter().chain(&pipelines) {
            cmd.arg("--pipeline").arg(p);
        }
        let o = common::run(cmd, std::time::Duration::from_secs(300));
        assert_eq!(o.code, Some(0), "optimize: {}", o.stderr_text());
        let rows = signal_rows(&signals);
        let found: Vec<(u64, String)> = pipelines
            .iter()
            .map(|p| {
                rows.iter()
                    .find(|v| v["pipeline"] == *p)
                    .map(|v| {
                        (v["metrics"]["instcount"].as_u64().unwrap_or(0), v["ir_hash"].to_string())
                    })
                    .unwrap_or_else(|| panic!("run {i}: `{p}` was not measured"))
            })
            .collect();
        let at = input.parent().and_then(|d| d.file_name()).unwrap_or_default().to_string_lossy();
        let counts: Vec<u64> = found.iter().map(|f| f.0).collect();
        println!("run {i} (jobs {jobs}, in {at}, after {before:?}): instcounts {counts:?}");
        seen.push(found);
    }
    seen.dedup();
    assert_eq!(seen.len(), 1, "the same pipeline gave different modules: {seen:?}");
}

/// A candidate that allocates, prints, writes a file or forks without bound is stopped by the
/// run limits and becomes that candidate's verdict; the search goes on to its winner. The
/// program misbehaves only when `mergefunc` merged its twin functions (a pipeline no preset
/// runs), and bounds itself at 2 GiB so that a missing limit fails the test instead of the
/// machine.
#[test]
fn a_candidate_that_allocates_prints_writes_or_forks_without_bound_is_stopped() {
    let dir = common::scratch("reliability-limits");
    let ir = dir.join("run_limits.ll");
    let src = common::repo_root().join("tests/data/run_limits.c");
    unoptimised_ir(&src, &ir);
    let text = std::fs::read_to_string(&ir).expect("ir");
    let twins: String = text
        .lines()
        .map(|l| match l.strip_prefix("define internal i32 @twin_") {
            Some(rest) => {
                let close = rest.find(')').map_or(0, |i| i + 1);
                format!(
                    "define internal i32 @twin_{} unnamed_addr{}",
                    &rest[..close],
                    &rest[close..]
                )
            }
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(twins.matches("unnamed_addr #").count(), 2, "the twins are unnamed_addr");
    std::fs::write(&ir, twins + "\n").expect("write");
    use opm_backend::process::{ProcessLimit, process_limit};
    let modes: &[(&str, &str)] = &[
        ("memory", "exit status 134 instead of 0 (a signal ended it; runs are limited to 256 MiB"),
        ("output", "and was stopped at its output limit"),
        ("file", "exit status 153 instead of 0"),
        ("fork", "exit status 5 instead of 0"),
    ];
    for (mode, expected) in modes {
        if *mode == "fork" && process_limit() == ProcessLimit::None {
            println!(
                "fork: skipped: no pids cgroup can be made here, and the kernel does not hold \
                 root to RLIMIT_NPROC"
            );
            continue;
        }
        let signals = dir.join(format!("{mode}.jsonl"));
        let _ = std::fs::remove_file(&signals);
        let mut cmd = std::process::Command::new(common::driver());
        // Run time: every candidate runs (with an output check), not only contenders.
        cmd.arg("optimize").arg(&ir).args(["--strategy", "presets", "--objective", "runtime"]);
        cmd.args(["--runs", "1", "--pipeline", "mergefunc", "--run-memory-limit-mib", "256"]);
        // Writing 1 GiB takes a while on a busy disk: the limits, not the clock, must stop it.
        cmd.args(["--run-timeout", "600s"]);
        cmd.args(["--quiet", "--signals"]).arg(&signals).args(["--", mode]).current_dir(&dir);
        let o = common::run(cmd, std::time::Duration::from_secs(1200));
        assert_eq!(o.code, Some(0), "{mode}: optimize: {}", o.stderr_text());
        let rows = signal_rows(&signals);
        let row = rows
            .iter()
            .find(|v| v["pipeline"] == "mergefunc")
            .unwrap_or_else(|| panic!("{mode}: mergefunc was not measured: {rows:?}"));
        let detail = row["detail"].as_str().unwrap_or_default();
        println!("{mode}: {} — {detail}", row["verdict"]);
        assert_eq!(row["verdict"], "miscompile", "{mode}: {row}");
        assert!(detail.contains(expected), "{mode}: expected `{expected}` in `{detail}`");
        if *mode == "file" {
            let written = std::fs::metadata(dir.join("run_limits.out")).map_or(0, |m| m.len());
            assert!(written <= 1 << 30, "the file grew to {written} bytes");
            let _ = std::fs::remove_file(dir.join("run_limits.out"));
        }
    }
}

/// The random-pipeline campaign's bounded sample: random candidates on each backend's space
/// (LLVM's passes, Cranelift's settings, gcc's flags) for two programs. Every driver run ends
/// with status 0 and no panic, and every candidate ends as a verdict in the signals file,
/// whatever the compiler did with it. Seeded per run; the campaign of the README's figures is
/// `cargo run --release -p opm-bench --bin robustness -- --backend B --total 10000`.
#[test]
fn random_pipelines_on_every_backend_end_as_verdicts() {
    let seed = common::seed_from_env("OPM_RELIABILITY_SEED");
    let evals = common::count_from_env("OPM_RELIABILITY_PIPELINES", 6);
    println!("random pipelines: seed {seed} (replay with OPM_RELIABILITY_SEED={seed})");
    let dir = common::scratch("reliability-random-pipelines");
    let known = [
        "ok",
        "over-budget",
        "crash",
        "timeout",
        "invariant-violation",
        "miscompile",
        "unsupported",
    ];
    for program in ["sieve", "crc32"] {
        let ir = dir.join(format!("{program}.ll"));
        let src = common::repo_root().join("bench/corpus").join(format!("{program}.c"));
        unoptimised_ir(&src, &ir);
        for backend in ["llvm", "cranelift", "gcc"] {
            let signals = dir.join(format!("{program}-{backend}.jsonl"));
            let _ = std::fs::remove_file(&signals);
            let mut cmd = std::process::Command::new(common::driver());
            cmd.arg("optimize").arg(&ir).args(["--backend", backend, "--strategy", "random"]);
            cmd.args(["--budget-evals", &evals.to_string(), "--seed", &seed.to_string()]);
            cmd.args(["--jobs", "2", "--quiet", "--signals"]).arg(&signals);
            let o = common::run(cmd, std::time::Duration::from_secs(600));
            let stderr = o.stderr_text();
            assert_eq!(o.code, Some(0), "{program} on {backend}: {stderr}");
            assert!(!stderr.contains("panicked"), "{program} on {backend}: {stderr}");
            let verdicts: Vec<String> = signal_rows(&signals)
                .iter()
                .map(|v| v["verdict"].as_str().unwrap_or_default().to_string())
                .collect();
            assert_eq!(verdicts.len(), evals, "{program} on {backend}: one signal per candidate");
            for v in &verdicts {
                assert!(known.contains(&v.as_str()), "{program} on {backend}: verdict {v}");
            }
            println!("{program} on {backend}: {verdicts:?}");
        }
    }
}

/// A program that needs more memory than a run may use aborts in the build without passes
/// too; the search says so, naming the limits and how to raise them.
#[test]
fn a_reference_ended_by_a_signal_is_named_with_the_run_limits() {
    let dir = common::scratch("reliability-limits-reference");
    let src = dir.join("big.c");
    std::fs::write(
        &src,
        "#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n\
         int main(void) {\n  for (int i = 0; i < 32; i++) {\n    char *p = malloc(16 << 20);\n\
         if (!p) abort();\n    memset(p, 1, 16 << 20);\n  }\n  puts(\"done\");\n  return 0;\n}\n",
    )
    .expect("write");
    let ir = dir.join("big.ll");
    unoptimised_ir(&src, &ir);
    let mut cmd = std::process::Command::new(common::driver());
    cmd.arg("optimize").arg(&ir).args(["--strategy", "presets", "--run-memory-limit-mib", "128"]);
    cmd.arg("-o").arg(dir.join("winner.ll"));
    let o = common::run(cmd, std::time::Duration::from_secs(300));
    let stderr = o.stderr_text();
    assert!(
        stderr.contains("the build without passes was ended by signal 6 (status 134)")
            && stderr.contains("128 MiB of address space")
            && stderr.contains("--run-memory-limit-mib"),
        "{stderr}"
    );
}

/// A C program that prints `done`.
const ENDS: &str = "#include <stdio.h>\nint main(void) { puts(\"done\"); return 0; }\n";

/// A presets lab of two evaluations a search over the C `programs` (name, source) in a
/// scratch directory of its own, with `limits` added: the lab's output and its database.
fn small_lab(
    scratch: &str,
    programs: &[(&str, &str)],
    limits: &[&str],
) -> (common::Outcome, std::path::PathBuf) {
    let dir = common::scratch(scratch);
    let corpus = dir.join("corpus");
    let _ = std::fs::remove_dir_all(&corpus);
    std::fs::create_dir_all(&corpus).expect("corpus");
    for (name, source) in programs {
        std::fs::write(corpus.join(format!("{name}.c")), source).expect("a program");
    }
    let db = dir.join("lab.sqlite");
    let _ = std::fs::remove_file(&db);
    let mut cmd = std::process::Command::new(common::driver());
    cmd.arg("bench").arg("--corpus").arg(&corpus).arg("--db").arg(&db);
    cmd.args(["--tag", "t", "--backends", "llvm", "--strategies", "presets", "--jobs", "1"]);
    cmd.args(["--objective", "instcount", "--budget-evals", "2", "--quiet"]);
    cmd.args(limits);
    (common::run(cmd, std::time::Duration::from_secs(100)), db)
}

/// A program that never ends, in a lab given `--run-timeout 2s`: its reference build's run is
/// stopped at the limit (not at the default 120 s), its search is recorded as failed, naming
/// the limit, and the lab ends with exit status 1 after measuring the program beside it.
#[test]
fn a_lab_stops_a_program_that_never_ends_at_its_run_timeout() {
    let forever = "static volatile int go = 1;\nint main(void) { while (go) {} return 0; }\n";
    let started = Instant::now();
    let programs = [("forever", forever), ("ends", ENDS)];
    let (o, _) = small_lab("reliability-bench-run-timeout", &programs, &["--run-timeout", "2s"]);
    let (out, err) = (o.stdout_text(), o.stderr_text());
    assert_eq!(o.code, Some(1), "{out}\n{err}");
    assert!(out.contains("2 searches run, 0 already measured, 1 failed"), "{out}\n{err}");
    let said = format!("{out}{err}");
    assert!(said.contains("forever · llvm · presets: ") && said.contains("within 2 s"), "{said}");
    println!("the lab took {:.1?}", started.elapsed());
}

/// A lab given a compilation time limit no build can meet (`--timeout 0.001ms`): the
/// reference build is stopped at it, the program's search is recorded as failed, saying that
/// nothing came back within the limit, and the limit is stored with the run's options.
#[test]
fn a_lab_stops_a_compilation_at_its_timeout() {
    let programs = [("ends", ENDS)];
    let (o, db) = small_lab("reliability-bench-timeout", &programs, &["--timeout", "0.001ms"]);
    let (out, err) = (o.stdout_text(), o.stderr_text());
    assert_eq!(o.code, Some(1), "{out}\n{err}");
    assert!(out.contains("0 already measured, 1 failed"), "{out}\n{err}");
    let said = format!("{out}{err}");
    assert!(
        said.contains("ends · llvm · presets: ") && said.contains("no result after 0.001 ms"),
        "{said}"
    );
    let conn = rusqlite::Connection::open(&db).expect("the lab's database");
    let config: String = conn
        .query_row("SELECT config FROM runs WHERE tag = 't'", [], |r| r.get(0))
        .expect("the run's options");
    let config: serde_json::Value = serde_json::from_str(&config).expect("options as JSON");
    assert_eq!(config["compile_timeout_s"], 1e-6, "{config}");
}
