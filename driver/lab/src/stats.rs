//! Statistics for comparing benchmark runs.
//!
//! `bench compare` judges each program and metric as LNT does: the minimum of the N samples
//! stands for a run, a Mann-Whitney U test says whether the two runs' samples differ, and
//! changes under [`MIN_CHANGE`] or of an unchanged binary are never flagged. Smaller is better
//! for every metric (run time, size, instruction count). Everything here is pure and
//! deterministic.
//!
//! The normal approximation's tail comes from `libm::erfc`. The Mann-Whitney test (the exact
//! distribution of U up to 20 samples a side by recurrence, mid-ranks and the tie correction
//! otherwise) and the percentile bootstrap are written here, because no well-kept crate does
//! them as needed: `statrs`'s `mannwhitneyu` computes its exact p-value by enumerating every
//! arrangement (C(40, 20) of them for 20 a side) and so switches to the normal approximation
//! above 8 samples a side, and we know of no maintained crate for a seeded bootstrap
//! confidence interval. Both are short and tested below against reference values.

use opm_search::rng::Rng;

/// The smallest relative change worth reporting: a change under 1% of the baseline is never
/// flagged, however significant.
pub const MIN_CHANGE: f64 = 0.01;

/// The significance level: a noisy metric is flagged only when the Mann-Whitney p-value is
/// below it.
pub const ALPHA: f64 = 0.05;

/// Samples up to this many per side, without ties, get the exact distribution of U.
const EXACT_MAX: usize = 20;

/// The smallest sample (min-of-N, the value that stands for a run); `None` when there are no
/// samples or one is NaN.
pub fn min(samples: &[f64]) -> Option<f64> {
    if samples.is_empty() || has_nan(samples) {
        return None;
    }
    Some(samples.iter().copied().fold(f64::INFINITY, f64::min))
}

/// The middle sample (the mean of the two middle ones for an even count); `None` when there
/// are no samples or one is NaN.
pub fn median(samples: &[f64]) -> Option<f64> {
    if samples.is_empty() || has_nan(samples) {
        return None;
    }
    let mut sorted = samples.to_vec();
    Some(sorted_median(&mut sorted))
}

/// The geometric mean, the average to use for ratios across programs; `None` when `xs` is
/// empty or holds a value that is not positive (or NaN).
pub fn geomean(xs: &[f64]) -> Option<f64> {
    if xs.is_empty() || xs.iter().any(|&x| x.is_nan() || x <= 0.0) {
        return None;
    }
    let mean_log = xs.iter().map(|x| x.ln()).sum::<f64>() / xs.len() as f64;
    Some(mean_log.exp())
}

/// The result of a two-sided Mann-Whitney U test: whether two runs' samples look like draws
/// from the same distribution.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MannWhitney {
    /// The statistic of the first sample: the number of pairs in which its value is the
    /// larger, ties counting one half; around `len(a) * len(b) / 2` when the runs do not
    /// differ, 0 when every baseline sample is below every current one.
    pub u: f64,
    /// The probability of a U at least this far from its mean if both samples came from the
    /// same distribution; small values mean the runs differ.
    pub p_value: f64,
}

/// The two-sided Mann-Whitney U test of `a` against `b`: the exact distribution of U when there
/// are no ties and each side has at most 20 samples, otherwise the normal approximation with
/// tie and continuity corrections. `None` when a side is empty or a sample is NaN.
pub fn mann_whitney_u(a: &[f64], b: &[f64]) -> Option<MannWhitney> {
    if a.is_empty() || b.is_empty() || has_nan(a) || has_nan(b) {
        return None;
    }
    let (n1, n2) = (a.len(), b.len());
    let mut all: Vec<(f64, bool)> =
        a.iter().map(|&x| (x, true)).chain(b.iter().map(|&x| (x, false))).collect();
    all.sort_by(|x, y| x.0.total_cmp(&y.0));

    // Mid-ranks (1-based), the rank sum of `a` and the tie groups' sizes.
    let mut rank_sum_a = 0.0;
    let mut tie_term = 0.0;
    let mut ties = false;
    let mut i = 0;
    while i < all.len() {
        let mut j = i + 1;
        while j < all.len() && all[j].0 == all[i].0 {
            j += 1;
        }
        let t = (j - i) as f64;
        let mid_rank = (i + 1 + j) as f64 / 2.0;
        let in_a = all[i..j].iter().filter(|x| x.1).count();
        rank_sum_a += mid_rank * in_a as f64;
        if j - i > 1 {
            ties = true;
            tie_term += t * t * t - t;
        }
        i = j;
    }
    let u = rank_sum_a - (n1 * (n1 + 1)) as f64 / 2.0;

    let p_value = if !ties && n1 <= EXACT_MAX && n2 <= EXACT_MAX {
        exact_p(n1, n2, u.round() as usize)
    } else {
        normal_p(n1, n2, u, tie_term)
    };
    Some(MannWhitney { u, p_value })
}

/// How one program's metric changed from the baseline run to the current one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Change {
    /// The baseline run's value: the minimum of its samples.
    pub baseline: f64,
    /// The current run's value: the minimum of its samples.
    pub current: f64,
    /// `current / baseline`: above 1 the current run is worse, below 1 it is better.
    pub ratio: f64,
    /// The Mann-Whitney p-value of the two runs' samples; `None` for a deterministic metric.
    pub p_value: Option<f64>,
    /// Whether the change is real and large enough to report.
    pub flagged: bool,
}

impl Change {
    /// A flagged change for the worse (the current run is slower or larger).
    pub fn is_regression(&self) -> bool {
        self.flagged && self.ratio > 1.0
    }

    /// A flagged change for the better (the current run is faster or smaller).
    pub fn is_improvement(&self) -> bool {
        self.flagged && self.ratio < 1.0
    }
}

/// Compares a metric's samples in the baseline run `a` with those in the current run `b`.
/// Never flagged when the binary is the same or the change is under [`MIN_CHANGE`]; otherwise
/// a `deterministic` metric (size, count) is always flagged, a noisy one only with at least 3
/// samples a side and a Mann-Whitney p-value under [`ALPHA`] (with exactly 3 a side the
/// smallest possible p-value is 0.1, so in practice it takes 4). `None` when a side is empty or
/// a sample is NaN.
pub fn compare(a: &[f64], b: &[f64], same_binary: bool, deterministic: bool) -> Option<Change> {
    let baseline = min(a)?;
    let current = min(b)?;
    // Equal values (zero included) are no change; a change from zero is an infinite ratio.
    let ratio = if current == baseline { 1.0 } else { current / baseline };
    // The difference against 1% of the baseline, rather than the ratio against 1.01: exact
    // for integer sizes and counts, so that a change of exactly 1% counts.
    let large = current != baseline && (current - baseline).abs() >= MIN_CHANGE * baseline.abs();
    let p_value = if deterministic { None } else { mann_whitney_u(a, b).map(|m| m.p_value) };
    let flagged = if same_binary || !large {
        false
    } else if deterministic {
        true
    } else {
        a.len() >= 3 && b.len() >= 3 && p_value.is_some_and(|p| p < ALPHA)
    };
    Some(Change { baseline, current, ratio, p_value, flagged })
}

/// A percentile bootstrap confidence interval, at level `confidence` (e.g. 0.95), of
/// `median(b) / median(a)`: how much slower or faster the current run `b` plausibly is than
/// the baseline `a`. Each of the `iterations` resamples both sides with replacement, drawing
/// from a generator seeded with `seed`, so the same inputs and seed give the same interval.
/// `None` when a side is empty, a sample is NaN or infinite, a baseline sample is not
/// positive, `iterations` is 0 or `confidence` is not strictly between 0 and 1.
pub fn bootstrap_ratio_ci(
    a: &[f64],
    b: &[f64],
    iterations: usize,
    confidence: f64,
    seed: u64,
) -> Option<(f64, f64)> {
    let finite = |xs: &[f64]| xs.iter().all(|x| x.is_finite());
    if a.is_empty()
        || b.is_empty()
        || !finite(a)
        || !finite(b)
        || a.iter().any(|&x| x <= 0.0)
        || iterations == 0
        || !(confidence > 0.0 && confidence < 1.0)
    {
        return None;
    }
    let mut rng = Rng::new(seed);
    let mut resample_a = vec![0.0; a.len()];
    let mut resample_b = vec![0.0; b.len()];
    let mut ratios = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        for x in resample_a.iter_mut() {
            *x = rng.pick(a).copied().unwrap_or(*x);
        }
        for x in resample_b.iter_mut() {
            *x = rng.pick(b).copied().unwrap_or(*x);
        }
        ratios.push(sorted_median(&mut resample_b) / sorted_median(&mut resample_a));
    }
    ratios.sort_by(f64::total_cmp);
    let tail = (1.0 - confidence) / 2.0;
    Some((quantile(&ratios, tail), quantile(&ratios, 1.0 - tail)))
}

fn has_nan(xs: &[f64]) -> bool {
    xs.iter().any(|x| x.is_nan())
}

/// The median of a non-empty slice without NaN, sorting it in place.
fn sorted_median(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    if n % 2 == 1 { xs[n / 2] } else { (xs[n / 2 - 1] + xs[n / 2]) / 2.0 }
}

/// The `q` quantile of a sorted non-empty slice, interpolating between neighbours.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo as f64)
}

/// The number of orderings of `n1` + `n2` distinct values giving each U from 0 to `n1 * n2`.
/// The largest value is either the first sample's (it beats all `n2` others) or the second's,
/// hence `N(i, j, u) = N(i - 1, j, u - j) + N(i, j - 1, u)`. The total is C(n1 + n2, n1),
/// under 2^38 for 20 a side.
fn u_counts(n1: usize, n2: usize) -> Vec<u64> {
    let len = n1 * n2 + 1;
    // prev[j]: the counts for i - 1 values of the first sample and j of the second.
    let mut prev: Vec<Vec<u64>> = (0..=n2).map(|_| one_way(len)).collect();
    for _ in 1..=n1 {
        let mut cur: Vec<Vec<u64>> = Vec::with_capacity(n2 + 1);
        cur.push(one_way(len));
        for j in 1..=n2 {
            let mut row = cur[j - 1].clone();
            for u in j..len {
                row[u] += prev[j][u - j];
            }
            cur.push(row);
        }
        prev = cur;
    }
    prev.swap_remove(n2)
}

/// Counts with a single ordering, of U = 0.
fn one_way(len: usize) -> Vec<u64> {
    let mut v = vec![0; len];
    v[0] = 1;
    v
}

/// The exact two-sided p-value of U = `u`: twice the smaller tail, at most 1.
fn exact_p(n1: usize, n2: usize, u: usize) -> f64 {
    let counts = u_counts(n1, n2);
    let total: u64 = counts.iter().sum();
    let u = u.min(counts.len() - 1);
    let lower: u64 = counts[..=u].iter().sum();
    let upper: u64 = counts[u..].iter().sum();
    (2 * lower.min(upper)).min(total) as f64 / total as f64
}

/// The two-sided p-value of U from the normal approximation, its variance corrected for ties
/// (`tie_term` = Σ t³ − t over tie groups) and with a continuity correction of one half.
fn normal_p(n1: usize, n2: usize, u: f64, tie_term: f64) -> f64 {
    let (f1, f2) = (n1 as f64, n2 as f64);
    let n = f1 + f2;
    let mean = f1 * f2 / 2.0;
    let variance = f1 * f2 / 12.0 * ((n + 1.0) - tie_term / (n * (n - 1.0)));
    if variance <= 0.0 {
        // Every value equal: nothing tells the samples apart.
        return 1.0;
    }
    let z = ((u - mean).abs() - 0.5).max(0.0) / variance.sqrt();
    libm::erfc(z / std::f64::consts::SQRT_2).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(x: f64, y: f64, tol: f64) -> bool {
        (x - y).abs() <= tol
    }

    const BASE: [f64; 5] = [100.0, 101.0, 99.0, 100.5, 99.5];
    const SLOW: [f64; 5] = [120.0, 121.0, 119.0, 120.5, 119.5];

    #[test]
    fn min_median_geomean() {
        assert_eq!(min(&[3.0, 1.0, 2.0]), Some(1.0));
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(min(&[]), None);
        assert_eq!(median(&[]), None);
        assert_eq!(min(&[1.0, f64::NAN]), None);
        assert_eq!(median(&[f64::NAN, 1.0]), None);
        assert!(close(geomean(&[1.0, 4.0]).unwrap(), 2.0, 1e-12));
        assert!(close(geomean(&[2.0, 8.0, 4.0]).unwrap(), 4.0, 1e-12));
        assert_eq!(geomean(&[]), None);
        assert_eq!(geomean(&[1.0, 0.0]), None);
        assert_eq!(geomean(&[1.0, -2.0]), None);
        assert_eq!(geomean(&[1.0, f64::NAN]), None);
    }

    #[test]
    fn exact_p_of_separated_samples() {
        let a = [1.0, 2.0, 3.0, 4.0, 5.0];
        let b = [6.0, 7.0, 8.0, 9.0, 10.0];
        let m = mann_whitney_u(&a, &b).unwrap();
        assert_eq!(m.u, 0.0);
        assert!(close(m.p_value, 2.0 / 252.0, 1e-15), "{}", m.p_value);
        let m = mann_whitney_u(&b, &a).unwrap();
        assert_eq!(m.u, 25.0);
        assert!(close(m.p_value, 2.0 / 252.0, 1e-15));
    }

    #[test]
    fn exact_distribution_is_complete_and_symmetric() {
        let counts = u_counts(4, 6);
        assert_eq!(counts.iter().sum::<u64>(), 210); // C(10, 4)
        assert!(counts.iter().eq(counts.iter().rev()));
        let counts = u_counts(20, 20);
        assert_eq!(counts.iter().sum::<u64>(), 137_846_528_820); // C(40, 20)
        // U = 1 for 3 against 3: one ordering of 20; p = 2 * 2/20.
        assert!(close(exact_p(3, 3, 1), 0.2, 1e-15));
        // The middle of the distribution is p = 1.
        assert_eq!(exact_p(5, 5, 12), 1.0);
        assert_eq!(exact_p(5, 5, 13), 1.0);
    }

    #[test]
    fn u_counts_ties_as_half() {
        let m = mann_whitney_u(&[1.0, 2.0], &[2.0, 3.0]).unwrap();
        assert_eq!(m.u, 0.5);
        let m = mann_whitney_u(&[3.0, 3.0, 1.0], &[2.0, 3.0]).unwrap();
        // 3 > 2 twice, 3 = 3 twice, 1 below both.
        assert_eq!(m.u, 3.0);
    }

    #[test]
    fn normal_approximation_with_ties_matches_reference() {
        // Mid-ranks of a: 1, 3, 3, 5.5, 5.5, so R_a = 18 and U = 3; tie groups of 3, 2, 2 and
        // 2 give Σ t³ − t = 42, a variance of 25/12 * (11 - 42/90) and z = (9.5 - 0.5) / σ.
        let a = [1.0, 2.0, 2.0, 3.0, 3.0];
        let b = [2.0, 4.0, 4.0, 5.0, 5.0];
        let m = mann_whitney_u(&a, &b).unwrap();
        assert_eq!(m.u, 3.0);
        // erfc(z / √2) for z = 1.921234.
        assert!(close(m.p_value, 0.054_702_241, 1e-7), "{}", m.p_value);
    }

    #[test]
    fn identical_samples_have_p_one() {
        let m = mann_whitney_u(&BASE, &BASE).unwrap();
        assert_eq!(m.u, 12.5);
        assert_eq!(m.p_value, 1.0);
        let m = mann_whitney_u(&[5.0; 4], &[5.0; 3]).unwrap();
        assert_eq!(m.p_value, 1.0);
        let c = compare(&BASE, &BASE, false, false).unwrap();
        assert_eq!(c.ratio, 1.0);
        assert_eq!(c.p_value, Some(1.0));
        assert!(!c.flagged && !c.is_regression() && !c.is_improvement());
    }

    #[test]
    fn empty_or_nan_samples_give_none() {
        assert_eq!(mann_whitney_u(&[], &[1.0]), None);
        assert_eq!(mann_whitney_u(&[1.0], &[]), None);
        assert_eq!(mann_whitney_u(&[1.0, f64::NAN], &[2.0]), None);
        assert_eq!(compare(&[], &[1.0], false, false), None);
        assert_eq!(compare(&[1.0], &[f64::NAN], false, true), None);
    }

    #[test]
    fn a_twenty_percent_slowdown_is_a_regression() {
        let c = compare(&BASE, &SLOW, false, false).unwrap();
        assert_eq!((c.baseline, c.current), (99.0, 119.0));
        assert!(close(c.ratio, 119.0 / 99.0, 1e-15));
        assert!(close(c.p_value.unwrap(), 2.0 / 252.0, 1e-15));
        assert!(c.flagged && c.is_regression() && !c.is_improvement());
        let c = compare(&SLOW, &BASE, false, false).unwrap();
        assert!(c.flagged && c.is_improvement() && !c.is_regression());
    }

    #[test]
    fn a_half_percent_change_is_not_flagged() {
        let a = [100.0, 100.1, 100.2, 100.3, 100.4];
        let b = a.map(|x| x * 1.005);
        let c = compare(&a, &b, false, false).unwrap();
        assert!(close(c.ratio, 1.005, 1e-12));
        // The samples differ significantly, but by too little.
        assert!(c.p_value.unwrap() < ALPHA);
        assert!(!c.flagged);
        let c = compare(&[1000.0], &[1005.0], false, true).unwrap();
        assert!(!c.flagged);
    }

    #[test]
    fn the_same_binary_is_never_flagged() {
        let c = compare(&BASE, &SLOW, true, false).unwrap();
        assert!(c.p_value.unwrap() < ALPHA);
        assert!(!c.flagged && !c.is_regression());
        let c = compare(&[1000.0; 3], &[2000.0; 3], true, true).unwrap();
        assert!(!c.flagged);
    }

    #[test]
    fn a_deterministic_change_of_two_percent_is_flagged() {
        let c = compare(&[1000.0; 3], &[1020.0; 3], false, true).unwrap();
        assert_eq!(c.p_value, None);
        assert!(close(c.ratio, 1.02, 1e-15));
        assert!(c.flagged && c.is_regression());
        // One sample a side is enough, and exactly 1% counts.
        let c = compare(&[5000.0], &[4950.0], false, true).unwrap();
        assert!(c.flagged && c.is_improvement());
        let c = compare(&[0.0], &[0.0], false, true).unwrap();
        assert_eq!(c.ratio, 1.0);
        assert!(!c.flagged);
    }

    #[test]
    fn fewer_than_three_samples_cannot_be_significant() {
        let c = compare(&[100.0, 100.5], &[120.0, 121.0], false, false).unwrap();
        assert!(c.p_value.is_some());
        assert!(!c.flagged);
        let c = compare(&BASE, &SLOW[..2], false, false).unwrap();
        assert!(!c.flagged);
        // Three a side can never reach ALPHA; four can.
        let c = compare(&BASE[..3], &SLOW[..3], false, false).unwrap();
        assert!(close(c.p_value.unwrap(), 0.1, 1e-15) && !c.flagged);
        let c = compare(&BASE[..4], &SLOW[..4], false, false).unwrap();
        assert!(close(c.p_value.unwrap(), 2.0 / 70.0, 1e-15) && c.is_regression());
    }

    #[test]
    fn normal_approximation_agrees_with_exact_for_twenty() {
        // Reference values from an independent computation: at U = 170 the exact p is 0.42908
        // and the approximation 0.42488, the largest gap of these.
        for u in [100, 130, 150, 170, 190, 200] {
            let exact = exact_p(20, 20, u);
            let normal = normal_p(20, 20, u as f64, 0.0);
            assert!(close(exact, normal, 0.005), "U = {u}: exact {exact}, normal {normal}");
        }
        assert!(close(exact_p(20, 20, 170), 0.429_081_640_577_505_5, 1e-12));
        assert!(exact_p(20, 20, 60) < 1e-3 && normal_p(20, 20, 60.0, 0.0) < 1e-3);
        // Through the public test: 20 a side without ties is exact, 21 is approximated.
        let a: Vec<f64> = (0..20).map(|i| f64::from(i) * 2.0).collect();
        let b: Vec<f64> = (0..20).map(|i| f64::from(i) * 2.0 + 9.0).collect();
        let exact = mann_whitney_u(&a, &b).unwrap();
        assert!(exact.p_value < ALPHA);
        assert_eq!(exact.p_value, exact_p(20, 20, exact.u as usize));
        let a21: Vec<f64> = (0..21).map(|i| f64::from(i) * 2.0).collect();
        let normal = mann_whitney_u(&a21, &b).unwrap();
        assert_eq!(normal.p_value, normal_p(21, 20, normal.u, 0.0));
        assert!(close(exact.p_value, normal.p_value, 0.05));
    }

    #[test]
    fn bootstrap_is_deterministic_and_covers_the_true_ratio() {
        let x = bootstrap_ratio_ci(&BASE, &SLOW, 2000, 0.95, 42).unwrap();
        let y = bootstrap_ratio_ci(&BASE, &SLOW, 2000, 0.95, 42).unwrap();
        assert_eq!(x, y);
        let (lo, hi) = x;
        assert!(lo <= hi);
        assert!(lo <= 1.2 && 1.2 <= hi, "{lo}..{hi}");
        // Clearly separated samples: the whole interval says slower.
        assert!(lo > 1.1 && hi < 1.3, "{lo}..{hi}");
        let (lo, hi) = bootstrap_ratio_ci(&BASE, &BASE, 2000, 0.9, 7).unwrap();
        assert!(lo <= 1.0 && 1.0 <= hi);
    }

    #[test]
    fn bootstrap_rejects_unusable_input() {
        assert_eq!(bootstrap_ratio_ci(&[], &BASE, 100, 0.95, 1), None);
        assert_eq!(bootstrap_ratio_ci(&BASE, &[], 100, 0.95, 1), None);
        assert_eq!(bootstrap_ratio_ci(&BASE, &SLOW, 0, 0.95, 1), None);
        assert_eq!(bootstrap_ratio_ci(&BASE, &SLOW, 100, 1.0, 1), None);
        assert_eq!(bootstrap_ratio_ci(&BASE, &SLOW, 100, f64::NAN, 1), None);
        assert_eq!(bootstrap_ratio_ci(&[0.0, 1.0], &SLOW, 100, 0.95, 1), None);
        assert_eq!(bootstrap_ratio_ci(&BASE, &[1.0, f64::NAN], 100, 0.95, 1), None);
    }
}
