//! csmith campaigns: random programs with consecutive seeds, each run through
//! `differential_with` until enough of them matched clang's build, shared by the LLVM and the
//! Cranelift tests.

use super::{Verdict, count_from_env, differential_with, scratch, seed_from_env};
use libtest_mimic::{Failed, Trial};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// Unsupported constructs a csmith program may legitimately run into on the Cranelift and
/// GCC backends: what they still refuse of integers wider than 128 bits (from csmith's packed
/// bit-fields, which both build as scalars; Cranelift not in vectors, as the SLP vectorizer
/// pairs them at -O2); any other "unsupported" is a failure.
pub const WIDE_INTS: &[&str] = &["wider than 128 bits"];

/// How a compiler says it crashed on its own (gcc 12 segfaulted in its `forwprop` pass on the
/// C of about one csmith program in a hundred, folding loads of addresses inside globals
/// written as a cast address plus an offset, which the emitted C no longer writes): that
/// compiler's bug, not a difference opm made. Such programs are kept and replaced by the next
/// seed, up to [`max_compiler_bugs`] per campaign; more of them is a failure.
pub const COMPILER_BUG: &str = "internal compiler error";

/// Whether the program of `seed` computes with floating point too (`csmith --float`): a
/// quarter of the seeds, so that a campaign's time stays what it was (such programs run out
/// of the reference's time more often, and are replaced like any other).
fn with_floats(seed: u64) -> bool {
    seed % 4 == 3
}

/// Matching programs per level when the campaign's count variable is unset: a bounded sample
/// that fits the suite's time (every run draws fresh seeds); larger campaigns set the
/// variable (README: Tests).
pub const DEFAULT_COUNT: usize = 30;

/// The most compiler crashes a campaign of one level accepts when `wanted` programs are to
/// match: 2, and 1 in 50 of a larger campaign (gcc's crashes came at about 1 in 100 before the
/// emitted C avoided their known cause: campaigns of 500 met 2 to 4 of them).
pub fn max_compiler_bugs(wanted: usize) -> usize {
    (wanted / 50).max(2)
}

/// A campaign over some of clang's levels: how it is named and replayed, and how the
/// driver is run.
#[derive(Clone, Copy, Debug)]
pub struct Campaign {
    /// Names the trials (`<name>::O0`), the scratch directories and the summary lines.
    pub name: &'static str,
    /// The environment variable holding the base seed (a fresh one when unset).
    pub seed_var: &'static str,
    /// The environment variable holding the number of matching programs wanted per level.
    pub count_var: &'static str,
    /// Arguments after `opm-driver run IR` (`&[]` for the defaults).
    pub driver_args: &'static [&'static str],
    /// What the backend may refuse (part of the message); anything else refused is a failure.
    pub known_limits: &'static [&'static str],
    /// clang's levels, one trial each ([`BOTH_LEVELS`], or [`super::UNOPTIMISED`] …).
    pub levels: &'static [&'static str],
}

/// -O0 and -O2, the levels of most campaigns.
pub const BOTH_LEVELS: &[&str] = &["-O0", "-O2"];

impl Campaign {
    /// One trial per level, all from the same base seed, which is printed. Reads the seed
    /// and the count ([`DEFAULT_COUNT`]) from the campaign's environment variables.
    pub fn trials(self) -> Vec<Trial> {
        let base = seed_from_env(self.seed_var);
        let wanted = count_from_env(self.count_var, DEFAULT_COUNT);
        eprintln!(
            "{}: base seed {base} (replay with {}={base}), {wanted} programs per level",
            self.name, self.seed_var
        );
        self.levels
            .iter()
            .map(|&level| {
                Trial::test(format!("{}::{}", self.name, super::level_tag(level)), move || {
                    self.run(level, base, wanted)
                })
            })
            .collect()
    }

    /// Compares csmith programs from seed `base` on at `level` until `wanted` of them
    /// matched clang's build. A program whose reference build runs out of time or does not
    /// exit 0 (undefined behaviour: nothing to compare with) is replaced by the next seed,
    /// as is one rejected for a construct of the campaign's `known_limits`.
    pub fn run(self, level: &'static str, base: u64, wanted: usize) -> Result<(), Failed> {
        let name = self.name.replace("::", "-");
        let dir = scratch(&format!("{name}-{}", super::level_tag(level)));
        let (mut matched, mut unsupported, mut timeouts, mut crashes) = (0usize, 0, 0, 0);
        let mut matched_floats = 0usize;
        let mut failures = Vec::new();
        let mut compiler_bugs = Vec::new();
        let kept = dir.join("compiler-bugs");
        let max_attempts = wanted * 2 + 20;
        let mut seed = base;
        while matched < wanted && seed - base < max_attempts as u64 {
            let src = dir.join(format!("p{seed}.c"));
            let floats = with_floats(seed);
            generate(seed, floats, &src)?;
            let limit = Duration::from_secs(5);
            // csmith's `main` prints a checksum and returns 0: any other end is undefined
            // behaviour (a side-effect-free infinite loop that -O1 and above delete, after
            // which the code runs into whatever follows, which may even exit 0 having printed
            // nothing), not a reference.
            let sound = |code, out: &[u8]| code == 0 && out.starts_with(b"checksum = ");
            match differential_with(&src, level, C_FLAGS, self.driver_args, &dir, limit, sound) {
                Ok(Verdict::Match) => {
                    matched += 1;
                    matched_floats += usize::from(floats);
                }
                Ok(Verdict::ReferenceTimeout) => timeouts += 1,
                Ok(Verdict::ReferenceCrash(_)) => crashes += 1,
                Ok(Verdict::Unsupported(msg))
                    if self.known_limits.iter().any(|k| msg.contains(k)) =>
                {
                    unsupported += 1
                }
                Ok(Verdict::Unsupported(msg)) => failures.push(format!("seed {seed}: {msg}")),
                Err(msg) if msg.contains(COMPILER_BUG) => {
                    let _ = std::fs::create_dir_all(&kept);
                    let _ = std::fs::copy(&src, kept.join(format!("p{seed}.c")));
                    compiler_bugs.push(seed);
                }
                // csmith's float mode leaves conversions from float to int unguarded: one out
                // of the int's range is undefined behaviour (LLVM's result is poison), which
                // builds may print differently. Such a program, told by gcc's sanitizer, is
                // no reference either.
                Err(_) if floats && float_cast_overflows(&src, &dir) => crashes += 1,
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
        let replay = format!("{}={base}", self.seed_var);
        eprintln!(
            "{} {level}: seeds {base}..{} (replay with {replay}) — {matched} matched clang \
             ({matched_floats} of them with floating point), {unsupported} unsupported (known limits), {timeouts} reference timeouts, \
             {crashes} references with undefined behaviour, {} compiler crashes (the \
             compiler's own bugs{}), {} failed",
            self.name,
            seed - 1,
            compiler_bugs.len(),
            if compiler_bugs.is_empty() {
                String::new()
            } else {
                format!(": seeds {compiler_bugs:?}, kept in {}", kept.display())
            },
            failures.len()
        );
        let max_bugs = max_compiler_bugs(wanted);
        if compiler_bugs.len() > max_bugs {
            failures.push(format!(
                "{} programs crashed the compiler (seeds {compiler_bugs:?}; at most \
                 {max_bugs} are taken for its own bugs)",
                compiler_bugs.len()
            ));
        }
        if !failures.is_empty() {
            return Err(Failed::from(format!(
                "{} csmith program(s) differ (replay with {replay}; programs kept in {}):\n{}",
                failures.len(),
                dir.display(),
                failures.join("\n\n")
            )));
        }
        if matched < wanted {
            return Err(Failed::from(format!(
                "only {matched} of {wanted} csmith programs could be compared (seeds {base}.., \
                 {unsupported} unsupported, {timeouts} timeouts, {crashes} references with \
                 undefined behaviour; replay with {replay})"
            )));
        }
        Ok(())
    }
}

/// clang's flags for csmith's programs: where its runtime headers are (Debian's
/// `libcsmith-dev`), and its checksum of a float's bytes taken as it passes a `float *` for a
/// `char *`, which clang 22 refuses in C by default.
const C_FLAGS: &[&str] = &["-I/usr/include/csmith", "-Wno-error=incompatible-pointer-types"];

/// Whether the csmith program `src` converts a float out of an integer type's range when it
/// runs (gcc's `-fsanitize=float-cast-overflow`, which stops it there), built in `dir`.
fn float_cast_overflows(src: &Path, dir: &Path) -> bool {
    let exe = dir.join("float-cast-check");
    let mut cc = Command::new("gcc");
    cc.args(["-O0", "-w", "-fsanitize=float-cast-overflow", "-fno-sanitize-recover=all"])
        .args(C_FLAGS)
        .arg(src)
        .arg("-o")
        .arg(&exe)
        .arg("-lm");
    if super::run(cc, Duration::from_secs(120)).code != Some(0) {
        return false;
    }
    let ran = super::run(Command::new(&exe), Duration::from_secs(60));
    ran.stderr_text().contains("runtime error:")
}

fn generate(seed: u64, floats: bool, out: &Path) -> Result<(), String> {
    let mut cmd = Command::new("csmith");
    cmd.arg("--seed").arg(seed.to_string()).arg("-o").arg(out);
    if floats {
        cmd.arg("--float");
    }
    let o = super::run(cmd, Duration::from_secs(60));
    if o.code != Some(0) {
        return Err(format!(
            "csmith --seed {seed} failed (is csmith installed? apt-get install csmith libcsmith-dev): {}",
            o.stderr_text()
        ));
    }
    Ok(())
}
