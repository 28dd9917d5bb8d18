//! Differential test over random programs: csmith programs with fresh seeds, as clang 22 IR
//! at -O0 and at -O2, run through `opm-driver run`, print what clang's own build prints.
//!
//! Each run needs `OPM_CSMITH_COUNT` (default 50) matching programs per level. A program whose
//! reference build runs out of time is replaced by the next seed, as is one that opm rejects
//! with a clean "unsupported" error for a known limit (integers wider than 128 bits, from
//! csmith's packed bitfields). The seeds are printed; `OPM_CSMITH_SEED=S OPM_CSMITH_COUNT=N`
//! replays a run. A larger campaign: `OPM_CSMITH_COUNT=500 cargo test --release --test csmith`.

mod common;

use common::{Verdict, count_from_env, differential, scratch, seed_from_env};
use libtest_mimic::{Arguments, Failed, Trial};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// Unsupported constructs a csmith program may legitimately run into.
const KNOWN_LIMITS: &[&str] = &["wider than 128 bits"];

fn csmith_include() -> &'static str {
    "-I/usr/include/csmith"
}

fn generate(seed: u64, out: &Path) -> Result<(), String> {
    let o = common::run(
        {
            let mut c = Command::new("csmith");
            c.arg("--seed").arg(seed.to_string()).arg("-o").arg(out);
            c
        },
        Duration::from_secs(60),
    );
    if o.code != Some(0) {
        return Err(format!(
            "csmith --seed {seed} failed (is csmith installed? apt-get install csmith libcsmith-dev): {}",
            o.stderr_text()
        ));
    }
    Ok(())
}

fn campaign(level: &'static str, base: u64, wanted: usize) -> Result<(), Failed> {
    let dir = scratch(&format!("csmith-{}", level.trim_start_matches('-')));
    let (mut matched, mut unsupported, mut timeouts) = (0usize, 0usize, 0usize);
    let mut failures = Vec::new();
    let max_attempts = wanted * 2 + 20;
    let mut seed = base;
    while matched < wanted && seed - base < max_attempts as u64 {
        let src = dir.join(format!("p{seed}.c"));
        generate(seed, &src)?;
        match differential(&src, level, &[csmith_include()], &dir, Duration::from_secs(5)) {
            Ok(Verdict::Match) => matched += 1,
            Ok(Verdict::ReferenceTimeout) => timeouts += 1,
            Ok(Verdict::Unsupported(msg)) if KNOWN_LIMITS.iter().any(|k| msg.contains(k)) => {
                unsupported += 1
            }
            Ok(Verdict::Unsupported(msg)) => failures.push(format!("seed {seed}: {msg}")),
            Err(msg) => failures.push(format!("seed {seed}: {msg}")),
        }
        // Keep the scratch directory small; failing programs stay for inspection.
        if failures.is_empty() {
            for f in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let _ = std::fs::remove_file(f.path());
            }
        }
        seed += 1;
    }
    eprintln!(
        "csmith {level}: seeds {base}..{} — {matched} matched clang, {unsupported} unsupported \
         (known limits), {timeouts} reference timeouts, {} failed",
        seed - 1,
        failures.len()
    );
    if !failures.is_empty() {
        return Err(Failed::from(format!(
            "{} csmith program(s) differ (replay with OPM_CSMITH_SEED={base}):\n{}",
            failures.len(),
            failures.join("\n\n")
        )));
    }
    if matched < wanted {
        return Err(Failed::from(format!(
            "only {matched} of {wanted} csmith programs could be compared (seeds {base}.., \
             {unsupported} unsupported, {timeouts} timeouts)"
        )));
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let base = seed_from_env("OPM_CSMITH_SEED");
    let wanted = count_from_env("OPM_CSMITH_COUNT", 50);
    eprintln!(
        "csmith: base seed {base} (replay with OPM_CSMITH_SEED={base}), {wanted} programs per level"
    );
    let trials = ["-O0", "-O2"]
        .into_iter()
        .map(|level| {
            Trial::test(format!("csmith::{}", level.trim_start_matches('-')), move || {
                campaign(level, base, wanted)
            })
        })
        .collect();
    libtest_mimic::run(&args, trials).exit();
}
