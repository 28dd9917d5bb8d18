//! What a run time means: a speed-up is claimed only from paired, interleaved measurements
//! whose confidence interval lies above a threshold, never from the fastest of noisy samples.
//!
//! - [`compare_pairs`]: the reference and a candidate timed in pairs (A B, B A, … as
//!   [`candidate_first`] rotates them, so that drift and the machine's other load fall on both
//!   alike). The speed-up is the geometric mean of the per-pair ratios reference / candidate,
//!   with a Student-t interval on their logarithms; it counts as faster only when the whole
//!   interval is above the threshold, slower only when it is all below its inverse.
//! - [`repetitions`]: a run shorter than [`TIMING_FLOOR`] of CPU time is too short for one
//!   measurement: it is repeated within the measurement until the floor is reached.
//! - [`coefficient_of_variation`]: how noisy a program's samples are.
//!
//! Pure arithmetic: the engine runs the programs.

use statrs::distribution::{StudentsT, Univariate};
use std::time::Duration;

/// The least CPU time one measurement must last to be timed at all: below it, the clock's
/// resolution and the scheduler's noise are a large part of what is measured.
pub const TIMING_FLOOR: Duration = Duration::from_millis(20);

/// How many runs of a program one measurement needs for it to last `floor`, when one run
/// takes `one` (at least 1, at most `max`).
pub fn repetitions(one: Duration, floor: Duration, max: u32) -> u32 {
    if one.is_zero() {
        return max.max(1);
    }
    let n = floor.as_secs_f64() / one.as_secs_f64();
    (n.ceil() as u64).clamp(1, u64::from(max.max(1))) as u32
}

/// Whether pair `i` times the candidate first: every other pair, so that neither build
/// always runs on a machine the other has just warmed (or loaded).
pub fn candidate_first(pair: usize) -> bool {
    pair % 2 == 1
}

/// What paired measurements say of a candidate against its reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Speedup {
    /// The whole interval is above the threshold.
    Faster,
    /// The whole interval is below the threshold's inverse.
    Slower,
    /// Neither: the difference is not told from the noise.
    NotSignificant,
}

/// A candidate's speed-up over its reference from paired runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Comparison {
    /// The geometric mean of reference time / candidate time over the pairs (above 1: faster).
    pub speedup: f64,
    /// The confidence interval of `speedup`.
    pub interval: (f64, f64),
    pub confidence: f64,
    pub pairs: usize,
    pub verdict: Speedup,
}

/// Compares `candidate` with `reference`, pair by pair (`reference[i]` and `candidate[i]`
/// were timed one after the other): the speed-up with its `confidence` interval (e.g. 0.95),
/// faster only when the interval lies above `threshold` (e.g. 1.0 or 1.02). `None` with fewer
/// than two pairs, or a time that is not positive.
pub fn compare_pairs(
    reference: &[f64],
    candidate: &[f64],
    confidence: f64,
    threshold: f64,
) -> Option<Comparison> {
    let n = reference.len().min(candidate.len());
    if n < 2 || !(0.0..1.0).contains(&confidence) || threshold <= 0.0 {
        return None;
    }
    let mut logs = Vec::with_capacity(n);
    for (r, c) in reference.iter().zip(candidate) {
        if !(*r > 0.0 && *c > 0.0 && r.is_finite() && c.is_finite()) {
            return None;
        }
        logs.push((r / c).ln());
    }
    let mean = logs.iter().sum::<f64>() / n as f64;
    let var = logs.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let half =
        t_quantile(1.0 - (1.0 - confidence) / 2.0, (n - 1) as f64)? * (var / n as f64).sqrt();
    let interval = ((mean - half).exp(), (mean + half).exp());
    let verdict = if interval.0 > threshold {
        Speedup::Faster
    } else if interval.1 < 1.0 / threshold {
        Speedup::Slower
    } else {
        Speedup::NotSignificant
    };
    Some(Comparison { speedup: mean.exp(), interval, confidence, pairs: n, verdict })
}

/// The `p` quantile of Student's t with `df` degrees of freedom (`p` above one half): the
/// distribution function (statrs) inverted by bisection.
fn t_quantile(p: f64, df: f64) -> Option<f64> {
    let t = StudentsT::new(0.0, 1.0, df).ok()?;
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    while t.cdf(hi) < p {
        hi *= 2.0;
        if hi > 1e9 {
            return None;
        }
    }
    for _ in 0..200 {
        let mid = (lo + hi) / 2.0;
        if t.cdf(mid) < p {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-12 * hi.max(1.0) {
            break;
        }
    }
    Some((lo + hi) / 2.0)
}

/// The standard deviation of `samples` over their mean: the noise of repeated runs of one
/// build. `None` with fewer than two samples or a mean that is not positive.
pub fn coefficient_of_variation(samples: &[f64]) -> Option<f64> {
    let n = samples.len();
    if n < 2 {
        return None;
    }
    let mean = samples.iter().sum::<f64>() / n as f64;
    if mean <= 0.0 {
        return None;
    }
    let var = samples.iter().map(|s| (s - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    Some(var.sqrt() / mean)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn the_t_quantiles_are_the_tables() {
        // Two-sided 95%: 12.706 (1 df), 2.262 (9), 2.045 (29).
        for (df, q) in [(1.0, 12.706), (9.0, 2.262), (29.0, 2.045)] {
            let got = t_quantile(0.975, df).unwrap();
            assert!((got - q).abs() < 2e-3, "{df} df: {got}");
        }
    }

    /// `n` times around `ns` with multiplicative noise of about `noise`.
    fn noisy(rng: &mut Rng, n: usize, ns: f64, noise: f64) -> Vec<f64> {
        (0..n).map(|_| ns * (1.0 + noise * (2.0 * rng.unit() - 1.0))).collect()
    }

    #[test]
    fn the_same_program_is_almost_never_called_faster() {
        // 1,000 trials of two identical builds under 10% noise, 10 pairs each, at 95%:
        // a claim either way is a false one, expected in about 5% of trials, and a claim of
        // "faster" in about 2.5%.
        let mut rng = Rng::new(7);
        let mut faster = 0;
        for _ in 0..1000 {
            let a = noisy(&mut rng, 10, 1e8, 0.1);
            let b = noisy(&mut rng, 10, 1e8, 0.1);
            let c = compare_pairs(&a, &b, 0.95, 1.0).unwrap();
            faster += usize::from(c.verdict == Speedup::Faster);
        }
        assert!(faster <= 50, "{faster} of 1,000 false speed-ups");
    }

    #[test]
    fn twice_the_work_is_found_slower_and_half_of_it_faster() {
        let mut rng = Rng::new(3);
        let reference = noisy(&mut rng, 5, 1e8, 0.1);
        let slower = noisy(&mut rng, 5, 2e8, 0.1);
        let c = compare_pairs(&reference, &slower, 0.95, 1.0).unwrap();
        assert_eq!(c.verdict, Speedup::Slower, "{c:?}");
        assert!(c.interval.0 < c.speedup && c.speedup < c.interval.1);
        assert!((c.speedup - 0.5).abs() < 0.1, "{c:?}");
        let faster = noisy(&mut rng, 5, 5e7, 0.1);
        let c = compare_pairs(&reference, &faster, 0.95, 1.0).unwrap();
        assert_eq!(c.verdict, Speedup::Faster, "{c:?}");
        // A threshold above what was found: not claimed.
        let c = compare_pairs(&reference, &faster, 0.95, 3.0).unwrap();
        assert_eq!(c.verdict, Speedup::NotSignificant, "{c:?}");
    }

    #[test]
    fn too_few_or_broken_pairs_give_nothing() {
        assert_eq!(compare_pairs(&[1.0], &[1.0], 0.95, 1.0), None);
        assert_eq!(compare_pairs(&[1.0, 0.0], &[1.0, 1.0], 0.95, 1.0), None);
        assert_eq!(compare_pairs(&[1.0, 2.0], &[1.0, f64::NAN], 0.95, 1.0), None);
    }

    #[test]
    fn short_runs_are_repeated_up_to_the_floor() {
        let floor = TIMING_FLOOR;
        assert_eq!(repetitions(Duration::from_millis(4), floor, 1000), 5);
        assert_eq!(repetitions(Duration::from_millis(30), floor, 1000), 1);
        assert_eq!(repetitions(Duration::from_micros(1), floor, 1000), 1000);
        assert_eq!(repetitions(Duration::ZERO, floor, 50), 50);
        assert!(!candidate_first(0) && candidate_first(1) && !candidate_first(2));
    }

    #[test]
    fn noise_is_the_spread_over_the_mean() {
        assert_eq!(coefficient_of_variation(&[5.0]), None);
        let cv = coefficient_of_variation(&[9.0, 10.0, 11.0]).unwrap();
        assert!((cv - 0.1).abs() < 1e-12, "{cv}");
    }
}
