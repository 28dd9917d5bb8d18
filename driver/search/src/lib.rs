//! OpenPassMarket's search: what a search is and how it chooses candidates.
//!
//! - The data model ([`problem`], [`signal`], [`audit`]): what is optimised and within which
//!   limits ([`LocalProblem`], [`Objective`], [`Budget`]), what one evaluation measured
//!   ([`PerformanceSignal`], one line of a signals file), how the best plan changed
//!   ([`PlanDelta`]) and the record of it all ([`AuditLog`]). Everything serialises with serde.
//! - [`History`]: every evaluation of a search in order, the best one, and what its broken
//!   candidates taught ([`avoid`]): passes and pairs of passes the strategies no longer
//!   propose.
//! - Strategies ([`strategy`]): presets, random, greedy, evolve and auto, over any backend's
//!   [`opm_backend::Space`], drawing only from [`rng::Rng`] so that a seed means the same
//!   search everywhere. `auto` starts with the backend's coreset, in the order the training
//!   programs nearest to the program's features predict ([`coreset`]).
//! - What a run time means ([`timing`]): a speed-up from paired runs with its confidence
//!   interval, runs repeated up to a floor of CPU time, the noise of repeated runs.
//!
//! Pure: nothing here reads or writes a file, starts a process or reaches a compiler; the
//! engine evaluates what the strategies propose.

pub mod audit;
pub mod avoid;
pub mod coreset;
mod evolve;
mod greedy;
pub mod history;
pub mod problem;
mod random;
pub mod rng;
pub mod signal;
pub mod strategy;
pub mod timing;

pub use audit::{AuditEntry, AuditLog, MetricDelta, PlanDelta};
pub use avoid::{Avoided, Feature};
pub use evolve::Evolve;
pub use greedy::Greedy;
pub use history::{History, Rank};
pub use problem::{Budget, LocalProblem, Objective, RunOutput, parse_duration};
pub use random::RandomSearch;
pub use signal::{
    Clock, Identity, IrHash, Metrics, ObjectDigest, Origin, PerformanceSignal, Rejection,
    RuntimeStats, Tools, Verdict,
};
pub use strategy::{Candidate, Chain, Fixed, Strategy, StrategyKind, make, verdict_counts};

#[cfg(test)]
mod tests;
