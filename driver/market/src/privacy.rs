//! [`PrivacyBudget`]: how much of a contributor's differential-privacy budget the releases
//! of their shared signals have spent. Only the data here; the accounting that spends it is
//! the signal pool's ([`crate::aggregate::SignalPool`], whose `budget` returns this).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One release that spent part of a budget.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PrivacySpend {
    /// What was released (an aggregate's name).
    pub release: String,
    pub epsilon: f64,
    pub delta: f64,
    /// Milliseconds since the Unix epoch.
    pub at_ms: u64,
}

/// A contributor's (ε, δ) budget and what was spent of it, under basic composition: the
/// spends add up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PrivacyBudget {
    /// Who contributes (a pseudonym, never a name the contributor did not choose).
    pub contributor: String,
    /// The total ε that the contributor's data may be released with.
    pub epsilon: f64,
    /// The total δ.
    pub delta: f64,
    #[serde(default)]
    pub spent: Vec<PrivacySpend>,
}

impl PrivacyBudget {
    /// What remains: (ε, δ), never below zero.
    pub fn remaining(&self) -> (f64, f64) {
        let (e, d) = self.spent.iter().fold((0.0, 0.0), |(e, d), s| (e + s.epsilon, d + s.delta));
        ((self.epsilon - e).max(0.0), (self.delta - d).max(0.0))
    }

    /// Whether a release of (`epsilon`, `delta`) fits in what remains.
    pub fn allows(&self, epsilon: f64, delta: f64) -> bool {
        let (e, d) = self.remaining();
        epsilon.is_finite()
            && delta.is_finite()
            && epsilon >= 0.0
            && delta >= 0.0
            && epsilon <= e + TOLERANCE
            && delta <= d + TOLERANCE
    }
}

/// How much rounding in the sum of the spends a release may exceed the remainder by.
const TOLERANCE: f64 = 1e-12;
