//! Search strategies: each proposes candidates in batches, given what was evaluated so far.
//! The search loop (in the engine) evaluates a batch, appends the results to the history in
//! candidate order (so that the same seed gives the same search whatever the timing), and
//! stops when the budget or the strategy ends.

use crate::evolve::Evolve;
use crate::greedy::Greedy;
use crate::history::History;
use crate::problem::Objective;
use crate::random::RandomSearch;
use crate::rng::Rng;
use crate::signal::{Origin, PerformanceSignal, Verdict};
use opm_backend::{BackendKind, PassSpec, Pipeline, Space};

/// How candidates are chosen (`--strategy`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StrategyKind {
    /// The default pipelines (LLVM: O0–Oz; Cranelift and GCC: their presets) and any
    /// `--pipeline`.
    Presets,
    /// Random sequences of 1–40 passes (settings, flags).
    Random,
    /// Extend the best sequence one pass at a time while that improves it.
    Greedy,
    /// An ensemble of mutation, crossover and random techniques chosen by a bandit.
    Evolve,
    /// Presets, then the backend's coreset in the order predicted for the program, then
    /// sequences known to do well, then evolution until the budget ends.
    Auto,
}

impl StrategyKind {
    /// Every strategy, in the order help texts list them.
    pub const ALL: [StrategyKind; 5] = [
        StrategyKind::Presets,
        StrategyKind::Random,
        StrategyKind::Greedy,
        StrategyKind::Evolve,
        StrategyKind::Auto,
    ];

    /// The name used on the command line and in lab databases.
    pub fn name(self) -> &'static str {
        match self {
            StrategyKind::Presets => "presets",
            StrategyKind::Random => "random",
            StrategyKind::Greedy => "greedy",
            StrategyKind::Evolve => "evolve",
            StrategyKind::Auto => "auto",
        }
    }

    /// The strategy called `name` ([`StrategyKind::name`]).
    pub fn from_name(name: &str) -> Option<StrategyKind> {
        StrategyKind::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Whether the strategy ends by itself (presets, greedy), so that it needs no budget.
    pub fn stops_by_itself(self) -> bool {
        matches!(self, StrategyKind::Presets | StrategyKind::Greedy)
    }
}

/// A candidate to evaluate.
#[derive(Clone, Debug, PartialEq)]
pub struct Candidate {
    pub pipeline: Pipeline,
    pub origin: Origin,
}

/// Proposes candidates.
pub trait Strategy: Send {
    /// Up to `n` candidates, given what was evaluated so far. An empty proposal means the
    /// strategy has nothing more to try. Candidates already evaluated are dropped by the
    /// caller.
    fn propose(&mut self, history: &History, rng: &mut Rng, n: usize) -> Vec<Candidate>;
}

/// A list of candidates proposed in order, once.
pub struct Fixed {
    queue: std::collections::VecDeque<Candidate>,
}

impl Fixed {
    pub fn new(candidates: Vec<Candidate>) -> Fixed {
        Fixed { queue: candidates.into() }
    }
}

impl Strategy for Fixed {
    fn propose(&mut self, history: &History, _rng: &mut Rng, n: usize) -> Vec<Candidate> {
        let mut out = Vec::new();
        while out.len() < n {
            let Some(c) = self.queue.pop_front() else { break };
            if !history.seen(&c.pipeline) {
                out.push(c);
            }
        }
        out
    }
}

/// Runs strategies one after the other: each until it has nothing more to propose.
pub struct Chain {
    parts: Vec<Box<dyn Strategy>>,
}

impl Chain {
    pub fn new(parts: Vec<Box<dyn Strategy>>) -> Chain {
        Chain { parts }
    }
}

impl Strategy for Chain {
    fn propose(&mut self, history: &History, rng: &mut Rng, n: usize) -> Vec<Candidate> {
        while !self.parts.is_empty() {
            let batch = self.parts[0].propose(history, rng, n);
            if !batch.is_empty() {
                return batch;
            }
            self.parts.remove(0);
        }
        Vec::new()
    }
}

/// Builds the strategy `kind` over a backend's `space`: its presets, its coreset and sequences
/// known to do well for `objective`, and its elements, which random and evolutionary
/// techniques draw from. `features` are the program's ([`crate::coreset`]; empty when
/// unknown).
pub fn make(
    kind: StrategyKind,
    objective: Objective,
    space: &Space,
    features: &[(&str, f64)],
) -> Box<dyn Strategy> {
    let fixed = |pipelines: Vec<Pipeline>, origin| {
        Fixed::new(pipelines.into_iter().map(|pipeline| Candidate { pipeline, origin }).collect())
    };
    let (backend, elements) = (space.backend, space.elements.clone());
    match kind {
        StrategyKind::Presets => Box::new(fixed(space.presets.clone(), Origin::Preset)),
        StrategyKind::Random => Box::new(RandomSearch::new(backend, elements)),
        StrategyKind::Greedy => Box::new(Greedy::new(backend, elements)),
        StrategyKind::Evolve => Box::new(Evolve::new(backend, elements)),
        StrategyKind::Auto => Box::new(Chain::new(vec![
            Box::new(fixed(space.presets.clone(), Origin::Preset)),
            Box::new(fixed(learned(space, objective, features), Origin::Coreset)),
            Box::new(fixed(space.known_sequences(objective.goal()), Origin::Known)),
            Box::new(Evolve::new(backend, elements)),
        ])),
    }
}

/// The coreset of `space` for `objective`, best predicted first for a program with
/// `features`; none for an objective of time, which instruction counts say nothing about.
fn learned(space: &Space, objective: Objective, features: &[(&str, f64)]) -> Vec<Pipeline> {
    match space.coreset(objective.goal()) {
        Some(c) if objective.is_deterministic() => {
            crate::coreset::predicted_order(c, features).into_iter().map(|(p, _)| p).collect()
        }
        _ => Vec::new(),
    }
}

/// A random sequence of `lo..=hi` elements of `space` (empty when `space` is).
pub fn random_pipeline(
    backend: BackendKind,
    space: &[PassSpec],
    rng: &mut Rng,
    lo: usize,
    hi: usize,
) -> Pipeline {
    let len = rng.range(lo, hi);
    Pipeline::new(backend, (0..len).filter_map(|_| rng.pick(space).cloned()).collect())
}

/// Counts of each verdict, for reports.
pub fn verdict_counts(signals: &[PerformanceSignal]) -> Vec<(Verdict, usize)> {
    Verdict::ALL
        .iter()
        .map(|v| (*v, signals.iter().filter(|s| s.verdict == *v).count()))
        .filter(|(_, n)| *n > 0)
        .collect()
}
