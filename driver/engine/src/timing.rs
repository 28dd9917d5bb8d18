//! Timing builds of a program so that a speed-up means something.
//!
//! - A run shorter than the timing floor ([`TIMING_FLOOR`] of CPU time) is repeated within one
//!   measurement until the measurement lasts the floor ([`runs_per_sample`]); a run so short
//!   that even [`MAX_RUNS_PER_SAMPLE`] of them do not reach it is too short to time.
//! - Two builds are timed in interleaved pairs, the order rotated
//!   ([`opm_search::timing::candidate_first`]), so that the machine's drift and other load fall
//!   on both alike ([`interleave`]); [`compare`] turns the pairs into a speed-up with its
//!   confidence interval ([`opm_search::timing::compare_pairs`]).
//!
//! [`time_pairs`] does it all for two executables, for tools outside a search (the
//! `timing-claims` benchmark); a search times its winner against its baseline with the same
//! functions, every run's output checked against the reference build's.

use crate::runs::{Reference, ReferenceRunError};
use opm_search::Clock;
use opm_search::timing::{Comparison, Speedup, TIMING_FLOOR, candidate_first, compare_pairs};
use std::path::Path;
use std::time::Duration;

/// The most runs one measurement repeats a program shorter than the timing floor: a program
/// whose run is shorter than the floor divided by this (1 ms of CPU time) is too short to
/// time, its process's start and end being much of what would be measured.
pub const MAX_RUNS_PER_SAMPLE: u32 = 20;

/// How a search reads run times and confirms a run-time winner.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TimingOptions {
    /// The clock the runtime objective reads: CPU time unless asked otherwise (a shared
    /// machine steals wall-clock time, not CPU time).
    pub clock: Clock,
    /// Interleaved pairs the winner is timed in against the baseline before it is reported
    /// as faster (0: not confirmed; then the baseline is not replaced on run time alone).
    pub confirm_pairs: usize,
    /// The winner counts as faster only when the 95% interval of its speed-up over the
    /// baseline lies above this.
    pub threshold: f64,
}

/// The pairs a run-time winner is confirmed in unless the user says otherwise.
pub const CONFIRM_PAIRS: usize = 10;

/// The confidence of a confirmed speed-up's interval.
pub const CONFIDENCE: f64 = 0.95;

impl Default for TimingOptions {
    fn default() -> TimingOptions {
        TimingOptions { clock: Clock::Cpu, confirm_pairs: CONFIRM_PAIRS, threshold: 1.0 }
    }
}

/// What timing a run-time winner again against its baseline said: the figure a search
/// reports instead of the fastest time it saw.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Confirmation {
    /// The baseline's name (`O2`) and pipeline, and the winner's pipeline.
    pub baseline: String,
    pub baseline_pipeline: String,
    pub winner_pipeline: String,
    /// `faster`, `slower`, `not-significant` or `too-short-to-time`.
    pub verdict: &'static str,
    /// The winner's speed-up over the baseline (baseline time / winner time, geometric mean
    /// over the pairs) and its interval at `confidence`; absent when too short to time.
    pub speedup: Option<f64>,
    pub interval: Option<(f64, f64)>,
    pub confidence: f64,
    pub threshold: f64,
    pub pairs: usize,
    pub runs_per_sample: u32,
    pub clock: Clock,
    /// Whether the winner stands (faster); otherwise the baseline is the winner.
    pub stands: bool,
    /// The timed pairs on `clock`, in nanoseconds: (baseline, winner), pair `i` at index `i`
    /// (kept by the lab, which recomputes the verdict from them).
    #[serde(skip)]
    pub timed_ns: Vec<(f64, f64)>,
}

impl Confirmation {
    /// From pairs timed by [`crate::engine::Engine::confirm`].
    pub fn of(
        baseline: (&str, &str),
        winner: &str,
        timed: &TimedPairs,
        options: &TimingOptions,
    ) -> Confirmation {
        let clock = clock_of(&[&timed.reference, &timed.candidate], options.clock);
        let compared = (timed.runs_per_sample != RunsPerSample::TooShort)
            .then(|| {
                compare(&timed.reference, &timed.candidate, clock, CONFIDENCE, options.threshold)
            })
            .flatten();
        let verdict = match compared.map(|c| c.verdict) {
            None => "too-short-to-time",
            Some(Speedup::Faster) => "faster",
            Some(Speedup::Slower) => "slower",
            Some(Speedup::NotSignificant) => "not-significant",
        };
        Confirmation {
            baseline: baseline.0.to_string(),
            baseline_pipeline: baseline.1.to_string(),
            winner_pipeline: winner.to_string(),
            verdict,
            speedup: compared.map(|c| c.speedup),
            interval: compared.map(|c| c.interval),
            confidence: CONFIDENCE,
            threshold: options.threshold,
            pairs: timed.reference.len(),
            runs_per_sample: timed.runs_per_sample.runs(),
            clock,
            stands: verdict == "faster",
            timed_ns: timed
                .reference
                .iter()
                .zip(&timed.candidate)
                .filter_map(|(r, c)| Some((r.ns(clock)?, c.ns(clock)?)))
                .collect(),
        }
    }

    /// One line for people: `faster: 1.230× as fast as O2 (95% interval 1.150–1.310; 10
    /// interleaved pairs, CPU time)`, `not significantly faster: …`, `slower: …`, or why it
    /// is too short to time.
    pub fn text(&self) -> String {
        let how = format!(
            "{} interleaved pairs{}, {} time",
            self.pairs,
            if self.runs_per_sample > 1 {
                format!(" of {} runs each", self.runs_per_sample)
            } else {
                String::new()
            },
            self.clock.name().replace("cpu", "CPU")
        );
        let (Some(x), Some((lo, hi))) = (self.speedup, self.interval) else {
            return format!(
                "the program is too short to time (even {MAX_RUNS_PER_SAMPLE} runs in a row \
                 last less than {} ms of CPU time): no speed-up over {} is claimed",
                TIMING_FLOOR.as_millis(),
                self.baseline
            );
        };
        let figure = format!(
            "{x:.3}× as fast as {} ({:.0}% interval {lo:.3}–{hi:.3}; {how})",
            self.baseline,
            self.confidence * 100.0
        );
        let above = if self.threshold == 1.0 {
            String::new()
        } else {
            format!(" above {}", self.threshold)
        };
        match self.verdict {
            "faster" => format!("faster{above}: {figure}"),
            "slower" => format!("slower: {figure}"),
            _ => format!("not significantly faster{above}: {figure}"),
        }
    }
}

/// One measurement of a build: the mean time of its runs on each clock (`cpu` where the
/// kernel told it for every run).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    pub wall: Duration,
    pub cpu: Option<Duration>,
}

impl Sample {
    /// The mean of `runs` runs timed `wall` and `cpu` in all.
    pub fn mean_of(wall: Duration, cpu: Option<Duration>, runs: u32) -> Sample {
        let runs = runs.max(1);
        Sample { wall: wall / runs, cpu: cpu.map(|c| c / runs) }
    }

    /// Nanoseconds on `clock` (`None`: no CPU time).
    pub fn ns(&self, clock: Clock) -> Option<f64> {
        match clock {
            Clock::Cpu => self.cpu.map(|c| c.as_nanos() as f64),
            Clock::Wall => Some(self.wall.as_nanos() as f64),
        }
    }
}

/// How long one run of a program must be for a measurement of it to be timed at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunsPerSample {
    /// Long enough with this many runs per measurement (1 for a run past the floor).
    Runs(u32),
    /// Shorter than the floor even [`MAX_RUNS_PER_SAMPLE`] times over.
    TooShort,
}

impl RunsPerSample {
    /// The runs one measurement makes: [`MAX_RUNS_PER_SAMPLE`] when too short.
    pub fn runs(self) -> u32 {
        match self {
            RunsPerSample::Runs(n) => n,
            RunsPerSample::TooShort => MAX_RUNS_PER_SAMPLE,
        }
    }
}

/// How many runs of a program whose one run took `one` a measurement needs to last the
/// timing floor.
pub fn runs_per_sample(one: Duration) -> RunsPerSample {
    if one.saturating_mul(MAX_RUNS_PER_SAMPLE) < TIMING_FLOOR {
        return RunsPerSample::TooShort;
    }
    RunsPerSample::Runs(opm_search::timing::repetitions(one, TIMING_FLOOR, MAX_RUNS_PER_SAMPLE))
}

/// Which build of a pair is measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Reference,
    Candidate,
}

/// `pairs` measurements of each side, one pair after the other, the candidate first in every
/// other pair: `(reference samples, candidate samples)`, pair `i` at index `i` of both.
pub fn interleave<E>(
    pairs: usize,
    mut measure: impl FnMut(Side) -> Result<Sample, E>,
) -> Result<(Vec<Sample>, Vec<Sample>), E> {
    let (mut reference, mut candidate) = (Vec::with_capacity(pairs), Vec::with_capacity(pairs));
    for i in 0..pairs {
        if candidate_first(i) {
            candidate.push(measure(Side::Candidate)?);
            reference.push(measure(Side::Reference)?);
        } else {
            reference.push(measure(Side::Reference)?);
            candidate.push(measure(Side::Candidate)?);
        }
    }
    Ok((reference, candidate))
}

/// The clock pairs are compared on: `clock`, unless a sample has no CPU time.
pub fn clock_of(samples: &[&[Sample]], clock: Clock) -> Clock {
    let all_cpu = samples.iter().all(|s| s.iter().all(|x| x.cpu.is_some()));
    if clock == Clock::Cpu && all_cpu { Clock::Cpu } else { Clock::Wall }
}

/// The candidate's speed-up over the reference from interleaved pairs, on `clock` (the wall
/// clock where a sample has no CPU time; [`clock_of`] says which), with its `confidence`
/// interval, faster only when the interval is above `threshold`.
pub fn compare(
    reference: &[Sample],
    candidate: &[Sample],
    clock: Clock,
    confidence: f64,
    threshold: f64,
) -> Option<Comparison> {
    let clock = clock_of(&[reference, candidate], clock);
    let ns = |s: &[Sample]| s.iter().filter_map(|x| x.ns(clock)).collect::<Vec<f64>>();
    compare_pairs(&ns(reference), &ns(candidate), confidence, threshold)
}

/// Two executables timed against each other, for tools outside a search.
#[derive(Clone, Debug)]
pub struct TimedPairs {
    pub reference: Vec<Sample>,
    pub candidate: Vec<Sample>,
    /// The runs each measurement made, from the reference's warm-up run.
    pub runs_per_sample: RunsPerSample,
}

/// Times `candidate` against `reference` (both run with `args`, each run within `limit`
/// and the engine's run limits) in `pairs` interleaved pairs, after one warm-up run of each
/// whose CPU time (wall time without one) sets the runs per measurement. Every run must print
/// what the reference's warm-up run printed and end with its status.
pub fn time_pairs(
    reference: &Path,
    candidate: &Path,
    args: &[String],
    pairs: usize,
    limit: Duration,
) -> Result<TimedPairs, String> {
    // The reference's first run is its warm-up, and what every other run must print: the
    // same checks as a search's timed runs.
    let expected = Reference::measure(reference, args, limit, crate::runs::RUN_MEMORY_MIB)
        .map_err(|e| match e {
            // Its text names the program already.
            ReferenceRunError::Start(why) => why,
            ReferenceRunError::Run(why) => format!("{}: {why}", reference.display()),
        })?;
    let per = runs_per_sample(expected.cpu.unwrap_or(expected.elapsed));
    let check = |exe: &Path, runs: u32| {
        expected.sample(exe, args, limit, runs).map_err(|r| match expected.unstartable() {
            // Its text names the program already.
            Some(why) => why.to_string(),
            None => format!("{}: {r}", exe.display()),
        })
    };
    check(candidate, 1)?;
    let (r, c) = interleave(pairs, |side| match side {
        Side::Reference => check(reference, per.runs()),
        Side::Candidate => check(candidate, per.runs()),
    })?;
    Ok(TimedPairs { reference: r, candidate: c, runs_per_sample: per })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_runs_are_repeated_up_to_the_floor_and_shorter_ones_are_too_short() {
        assert_eq!(runs_per_sample(Duration::from_millis(30)), RunsPerSample::Runs(1));
        assert_eq!(runs_per_sample(Duration::from_millis(4)), RunsPerSample::Runs(5));
        assert_eq!(runs_per_sample(Duration::from_millis(1)), RunsPerSample::Runs(20));
        assert_eq!(runs_per_sample(Duration::from_micros(900)), RunsPerSample::TooShort);
        assert_eq!(RunsPerSample::TooShort.runs(), MAX_RUNS_PER_SAMPLE);
    }

    #[test]
    fn a_build_that_cannot_be_run_is_named_once() {
        let dir = tempfile::tempdir().unwrap();
        let candidate = dir.path().join("candidate");
        // A program without the right to run.
        std::fs::write(&candidate, "#!/bin/sh\n").unwrap();
        let limit = Duration::from_secs(10);
        let Err(e) = time_pairs(Path::new("/bin/true"), &candidate, &[], 1, limit) else {
            panic!("a file that may not be run was timed");
        };
        assert!(e.contains("cannot run"), "{e}");
        assert_eq!(e.matches(&*candidate.to_string_lossy()).count(), 1, "{e}");
    }

    #[test]
    fn pairs_alternate_which_build_runs_first() {
        let mut order = Vec::new();
        let (r, c) = interleave(4, |side| {
            order.push(side);
            Ok::<_, ()>(Sample { wall: Duration::from_millis(order.len() as u64), cpu: None })
        })
        .unwrap();
        use Side::*;
        assert_eq!(
            order,
            [
                Reference, Candidate, Candidate, Reference, Reference, Candidate, Candidate,
                Reference
            ]
        );
        assert_eq!(r.len(), 4);
        assert_eq!(c[1].wall, Duration::from_millis(3));
        // No CPU time: compared on the wall clock.
        assert_eq!(clock_of(&[&r, &c], Clock::Cpu), Clock::Wall);
    }

    #[test]
    fn a_mean_sample_divides_both_clocks() {
        let s = Sample::mean_of(Duration::from_millis(50), Some(Duration::from_millis(40)), 5);
        assert_eq!(s.ns(Clock::Wall), Some(10e6));
        assert_eq!(s.ns(Clock::Cpu), Some(8e6));
    }
}
