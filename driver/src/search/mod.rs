//! Search strategies and the loop that drives them. A strategy proposes candidates in
//! batches; the loop evaluates a batch in parallel, appends the results to the history in
//! candidate order (so that the same seed gives the same search whatever the timing), and
//! stops when the budget or the strategy ends.

mod evolve;
mod greedy;
mod random;
mod space;

pub use evolve::Evolve;
pub use greedy::Greedy;
pub use random::RandomSearch;
pub use space::Space;

use crate::engine::Candidate;
use crate::model::{Objective, Origin, PerformanceSignal, Verdict};
use crate::pipeline::{PassSpec, Pipeline};
use crate::rng::Rng;
use std::collections::HashSet;

/// The `--strategy` choices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum StrategyKind {
    /// The default pipelines (LLVM: O0–Oz; Cranelift: its presets) and any `--pipeline`.
    Presets,
    /// Random sequences of 1–40 passes (Cranelift: settings).
    Random,
    /// Extend the best sequence one pass at a time while that improves it.
    Greedy,
    /// An ensemble of mutation, crossover and random techniques chosen by a bandit.
    Evolve,
    /// Presets, then sequences known to do well (LLVM), then evolution until the budget ends.
    Auto,
}

impl StrategyKind {
    pub fn name(self) -> &'static str {
        match self {
            StrategyKind::Presets => "presets",
            StrategyKind::Random => "random",
            StrategyKind::Greedy => "greedy",
            StrategyKind::Evolve => "evolve",
            StrategyKind::Auto => "auto",
        }
    }
}

/// Everything evaluated so far, in evaluation order, and the best valid candidate.
#[derive(Debug)]
pub struct History {
    pub objective: Objective,
    pub signals: Vec<PerformanceSignal>,
    best: Option<usize>,
    seen: HashSet<String>,
}

impl History {
    pub fn new(objective: Objective) -> History {
        History { objective, signals: Vec::new(), best: None, seen: HashSet::new() }
    }

    /// Records a signal; returns whether it is the new best.
    pub fn push(&mut self, signal: PerformanceSignal) -> bool {
        self.seen.insert(signal.pipeline.text());
        self.signals.push(signal);
        let i = self.signals.len() - 1;
        let better = match self.best {
            None => self.signals[i].score().is_some(),
            Some(b) => self.better(i, b),
        };
        if better {
            self.best = Some(i);
        }
        better
    }

    /// Whether candidate `a` beats candidate `b`: a lower score, then less code, then fewer
    /// passes, then found earlier.
    fn better(&self, a: usize, b: usize) -> bool {
        rank_key(&self.signals[a]) < rank_key(&self.signals[b])
    }

    pub fn best(&self) -> Option<&PerformanceSignal> {
        self.best.map(|i| &self.signals[i])
    }

    pub fn seen(&self, pipeline: &Pipeline) -> bool {
        self.seen.contains(&pipeline.text())
    }

    /// The valid candidates, best first, one per distinct pipeline.
    pub fn ranked(&self) -> Vec<&PerformanceSignal> {
        let mut ok: Vec<&PerformanceSignal> =
            self.signals.iter().filter(|s| s.score().is_some()).collect();
        ok.sort_by(|a, b| rank_key(a).partial_cmp(&rank_key(b)).expect("scores are numbers"));
        ok
    }

    /// The score of the valid candidate with this pipeline, if evaluated.
    pub fn score_of(&self, pipeline: &Pipeline) -> Option<f64> {
        let text = pipeline.text();
        self.signals.iter().find(|s| s.pipeline.text() == text).and_then(|s| s.score())
    }
}

/// Sort key of a valid signal (invalid ones sort last).
fn rank_key(s: &PerformanceSignal) -> (f64, u64, usize, u64) {
    (
        s.score().unwrap_or(f64::INFINITY),
        s.metrics.text_bytes.unwrap_or(u64::MAX),
        s.pipeline.passes.len(),
        s.eval,
    )
}

/// Proposes candidates.
pub trait Strategy: Send {
    /// Up to `n` candidates, given what was evaluated so far. An empty proposal means the
    /// strategy has nothing more to try. Candidates already evaluated are dropped by the
    /// caller.
    fn propose(&mut self, history: &History, rng: &mut Rng, n: usize) -> Vec<Candidate>;
}

/// The passes strategies draw from: the catalog's searchable passes and the presets as
/// building blocks.
pub fn llvm_space() -> Vec<PassSpec> {
    let mut space: Vec<PassSpec> = opm_llvm::catalog::passes()
        .iter()
        .filter(|p| p.search)
        .map(PassSpec::from_catalog)
        .collect();
    for (name, _) in opm_llvm::catalog::PRESETS {
        if *name != "O0" {
            space.push(PassSpec::with_params("default", name, crate::pipeline::Nest::Module));
        }
    }
    space
}

/// The default pipelines of the catalog, O0 to Oz.
pub fn presets() -> Vec<Pipeline> {
    opm_llvm::catalog::PRESETS.iter().map(|(name, _)| Pipeline::preset(name)).collect()
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

/// Sequences that often do well, tried by `auto` right after the presets. For instruction
/// count and size, LLVM's function simplification without the inliner and the loop unroller
/// beats Oz on most corpus programs (Oz inlines and unrolls); the search then refines them.
pub fn known_sequences(objective: Objective) -> Vec<Pipeline> {
    const CLEANUP: &str = "function(sroa,early-cse,instcombine<no-verify-fixpoint>,simplifycfg,\
                           loop(loop-rotate),loop-mssa(licm),loop(indvars,loop-idiom,loop-deletion),\
                           gvn,instcombine<no-verify-fixpoint>,simplifycfg,dse,adce)";
    let texts: Vec<&str> = match objective {
        Objective::Instcount | Objective::Size => vec![
            CLEANUP,
            "function(function-simplification<Oz>)",
            "function(function-simplification<O2>),globaldce,function(function-simplification<O2>)",
            "scc-oz-module-inliner,globaldce",
            "default<Oz>,default<Oz>",
        ],
        Objective::Runtime => vec![
            "default<O3>,default<O3>",
            "default<O2>,default<O3>",
            "default<O3>,function(loop-mssa(licm),gvn,instcombine<no-verify-fixpoint>)",
        ],
        Objective::CompileTime => vec![
            "function(sroa,early-cse,instcombine<no-verify-fixpoint>,simplifycfg)",
            "function(mem2reg)",
            "function(sroa,simplifycfg)",
        ],
    };
    texts.iter().map(|t| Pipeline::parse(t).expect("known sequences parse")).collect()
}

/// Builds the strategy `kind` over LLVM's presets and known sequences. `space` is what
/// random and evolutionary techniques draw from.
pub fn make(kind: StrategyKind, objective: Objective, space: Vec<PassSpec>) -> Box<dyn Strategy> {
    build(kind, space, presets(), known_sequences(objective))
}

/// Builds the strategy `kind` over a backend's `space`.
pub fn make_in(kind: StrategyKind, objective: Objective, space: &Space) -> Box<dyn Strategy> {
    let known = space.known_sequences(objective);
    build(kind, space.elements.clone(), space.presets.clone(), known)
}

fn build(
    kind: StrategyKind,
    elements: Vec<PassSpec>,
    presets: Vec<Pipeline>,
    known: Vec<Pipeline>,
) -> Box<dyn Strategy> {
    let fixed = |pipelines: Vec<Pipeline>, origin| {
        Fixed::new(pipelines.into_iter().map(|pipeline| Candidate { pipeline, origin }).collect())
    };
    match kind {
        StrategyKind::Presets => Box::new(fixed(presets, Origin::Preset)),
        StrategyKind::Random => Box::new(RandomSearch::new(elements)),
        StrategyKind::Greedy => Box::new(Greedy::new(elements)),
        StrategyKind::Evolve => Box::new(Evolve::new(elements)),
        StrategyKind::Auto => Box::new(Chain::new(vec![
            Box::new(fixed(presets, Origin::Preset)),
            Box::new(fixed(known, Origin::Known)),
            Box::new(Evolve::new(elements)),
        ])),
    }
}

/// A random sequence of `lo..=hi` passes from `space`.
pub fn random_pipeline(space: &[PassSpec], rng: &mut Rng, lo: usize, hi: usize) -> Pipeline {
    let len = rng.range(lo, hi);
    Pipeline::new((0..len).map(|_| rng.pick(space).clone()).collect())
}

/// Counts of each verdict, for reports.
pub fn verdict_counts(signals: &[PerformanceSignal]) -> Vec<(Verdict, usize)> {
    let all = [
        Verdict::Ok,
        Verdict::OverBudget,
        Verdict::InvariantViolation,
        Verdict::Miscompile,
        Verdict::Crash,
        Verdict::Timeout,
        Verdict::Unsupported,
    ];
    all.iter()
        .map(|v| (*v, signals.iter().filter(|s| s.verdict == *v).count()))
        .filter(|(_, n)| *n > 0)
        .collect()
}

#[cfg(test)]
mod tests;
