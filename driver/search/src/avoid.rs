//! Learning from broken candidates, per program: which passes, and which ordered pairs of
//! passes (one anywhere before the other), every candidate containing them was broken by (a
//! miscompile, a crash, a timeout, an invariant violation, a construct the backend cannot
//! take), so that the search stops proposing them.
//!
//! The rule is deliberately plain, so that the audit can say why: a pass or a pair qualifies
//! once at least [`MIN_BROKEN`] candidates containing it were broken, at most one in
//! [`RATIO`] of those containing it were valid, and that many broken ones would be a fluke
//! (chance below [`ALPHA`]) if candidates with it broke as often as all candidates do; of a
//! broken candidate's qualifying features, the best supported is avoided (a pass before a
//! pair). What is never proposed again yields no more evidence, so an avoided feature stays
//! avoided for the rest of the search.

use crate::signal::{PerformanceSignal, Verdict};
use opm_backend::Pipeline;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Broken candidates a feature needs before it is avoided.
pub const MIN_BROKEN: u32 = 3;
/// At most one valid candidate with a feature for this many broken ones.
pub const RATIO: u32 = 10;
/// How unlikely the broken candidates with a feature must be under the search's overall
/// share of broken candidates (a binomial tail): many features are tested, so it is small.
pub const ALPHA: f64 = 1e-4;

/// The chance of at least `k` successes in `n` trials of probability `p`.
fn binomial_tail(n: u32, k: u32, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n {
        return 0.0;
    }
    let q = 1.0 - p;
    let (n, k) = (f64::from(n), f64::from(k));
    // ln C(n, k) + k ln p + (n − k) ln q, then the terms up to n by their ratios.
    let ln_choose: f64 = (1..=k as u64).map(|j| ((n - k + j as f64) / j as f64).ln()).sum();
    let mut term = (ln_choose + k * p.ln() + (n - k) * q.ln()).exp();
    let mut sum = 0.0;
    let mut i = k;
    while i <= n && term > sum * 1e-12 {
        sum += term;
        term *= (n - i) / (i + 1.0) * p / q;
        i += 1.0;
    }
    sum.min(1.0)
}

/// A pass (its text, parameters included), or a pair of passes in that order.
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(untagged)]
pub enum Feature {
    Pass(String),
    Pair(String, String),
}

impl std::fmt::Display for Feature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Feature::Pass(p) => write!(f, "`{p}`"),
            Feature::Pair(a, b) => write!(f, "`{a}` before `{b}`"),
        }
    }
}

/// A feature that became avoided, with the evidence against it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Avoided {
    pub feature: Feature,
    /// Candidates containing it that were broken, and that were valid.
    pub broken: u32,
    pub valid: u32,
}

/// Whether a signal's verdict says its pipeline is broken for this program. Over-budget
/// results are valid code, only too large.
fn is_broken(verdict: Verdict) -> bool {
    !matches!(verdict, Verdict::Ok | Verdict::OverBudget)
}

/// The evidence so far and what it rules out.
#[derive(Clone, Debug, Default)]
pub struct Avoidance {
    /// Per feature: (broken, valid) candidates containing it.
    counts: HashMap<Feature, (u32, u32)>,
    /// The avoided passes, and the avoided pairs by their first pass: looked up by the
    /// passes' texts without building a feature per lookup (strategies ask for every
    /// proposal).
    passes: HashSet<String>,
    pairs: HashMap<String, HashSet<String>>,
    /// All candidates observed, and the broken ones among them.
    seen: u32,
    broken: u32,
    /// Features avoided since [`Avoidance::take_new`] was last called, in the order found.
    new: Vec<Avoided>,
}

/// The passes of a pipeline by their texts, and its ordered pairs (each once).
fn features(p: &Pipeline) -> BTreeSet<Feature> {
    let texts: Vec<String> = p.passes.iter().map(|s| s.text()).collect();
    let mut out = BTreeSet::new();
    for (i, a) in texts.iter().enumerate() {
        out.insert(Feature::Pass(a.clone()));
        for b in &texts[i + 1..] {
            out.insert(Feature::Pair(a.clone(), b.clone()));
        }
    }
    out
}

impl Avoidance {
    /// Counts one evaluated candidate.
    pub fn observe(&mut self, signal: &PerformanceSignal) {
        let broken = is_broken(signal.verdict);
        self.seen += 1;
        self.broken += u32::from(broken);
        let features = features(&signal.pipeline);
        for f in &features {
            let c = self.counts.entry(f.clone()).or_default();
            if broken {
                c.0 += 1;
            } else {
                c.1 += 1;
            }
        }
        if broken {
            self.update(&signal.pipeline, &features);
        }
    }

    /// Counts a candidate counted valid before as broken: its result was found broken after
    /// it was measured.
    pub fn correct(&mut self, signal: &PerformanceSignal) {
        let features = features(&signal.pipeline);
        for f in &features {
            let c = self.counts.entry(f.clone()).or_default();
            c.1 = c.1.saturating_sub(1);
            c.0 += 1;
        }
        self.broken += 1;
        self.update(&signal.pipeline, &features);
    }

    /// After a broken candidate that nothing avoided explains: of its features that now
    /// qualify (see the module's doc), those with the most broken candidates behind them
    /// become avoided, passes before pairs. Taking only the best-supported explanation keeps a
    /// pass that merely happened to sit beside the culprit in a few broken candidates
    /// proposable.
    fn update(&mut self, p: &Pipeline, all: &BTreeSet<Feature>) {
        if self.avoids(p) {
            return;
        }
        // The overall share of broken candidates, kept off 0 and 1.
        let base = (f64::from(self.broken) + 1.0) / (f64::from(self.seen) + 2.0);
        let qualifying = |f: &Feature| {
            let (broken, valid) = self.counts.get(f).copied().unwrap_or_default();
            (broken >= MIN_BROKEN
                && valid.saturating_mul(RATIO) <= broken
                && binomial_tail(broken + valid, broken, base) < ALPHA)
                .then_some(Avoided { feature: f.clone(), broken, valid })
        };
        let passes: Vec<Avoided> =
            all.iter().filter(|f| matches!(f, Feature::Pass(_))).filter_map(qualifying).collect();
        let chosen = if passes.is_empty() {
            all.iter().filter(|f| matches!(f, Feature::Pair(..))).filter_map(qualifying).collect()
        } else {
            passes
        };
        let Some(most) = chosen.iter().map(|a| a.broken).max() else { return };
        for a in chosen.into_iter().filter(|a| a.broken == most) {
            match &a.feature {
                Feature::Pass(p) => {
                    self.passes.insert(p.clone());
                }
                Feature::Pair(x, y) => {
                    self.pairs.entry(x.clone()).or_default().insert(y.clone());
                }
            }
            self.new.push(a);
        }
    }

    /// Whether `p` contains an avoided pass or pair.
    pub fn avoids(&self, p: &Pipeline) -> bool {
        if self.is_empty() {
            return false;
        }
        let texts: Vec<String> = p.passes.iter().map(|s| s.text()).collect();
        texts.iter().enumerate().any(|(i, a)| {
            self.passes.contains(a)
                || self
                    .pairs
                    .get(a)
                    .is_some_and(|after| texts[i + 1..].iter().any(|b| after.contains(b)))
        })
    }

    /// The features avoided since the last call.
    pub fn take_new(&mut self) -> Vec<Avoided> {
        std::mem::take(&mut self.new)
    }

    /// How many features are avoided.
    pub fn len(&self) -> usize {
        self.passes.len() + self.pairs.values().map(HashSet::len).sum::<usize>()
    }

    pub fn is_empty(&self) -> bool {
        self.passes.is_empty() && self.pairs.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::binomial_tail;

    #[test]
    fn binomial_tails_are_right() {
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9 * b.max(1e-300);
        assert!(close(binomial_tail(3, 3, 0.5), 0.125));
        // P(X ≥ 2 | n = 4, p = 0.5) = 11/16.
        assert!(close(binomial_tail(4, 2, 0.5), 11.0 / 16.0));
        assert!(close(binomial_tail(10, 10, 0.05), 0.05f64.powi(10)));
        assert_eq!(binomial_tail(5, 0, 0.3), 1.0);
        assert_eq!(binomial_tail(5, 6, 0.3), 0.0);
        // Large n stays finite and falls with k.
        let (a, b) = (binomial_tail(5000, 400, 0.05), binomial_tail(5000, 300, 0.05));
        assert!(a < b && a > 0.0 && b < 1.0, "{a} {b}");
    }
}
