//! Everything a search evaluated, in evaluation order, and the best valid candidate.

use crate::problem::Objective;
use crate::signal::PerformanceSignal;
use opm_backend::{Pipeline, Space};
use std::collections::HashSet;
use std::sync::Arc;

/// How a history tells pipelines apart: by their canonical text.
type Key = Arc<dyn Fn(&Pipeline) -> String + Send + Sync>;

/// Everything evaluated so far, in evaluation order, and the best valid candidate.
pub struct History {
    pub objective: Objective,
    pub signals: Vec<PerformanceSignal>,
    best: Option<usize>,
    seen: HashSet<String>,
    key: Key,
}

impl std::fmt::Debug for History {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("History")
            .field("objective", &self.objective)
            .field("signals", &self.signals.len())
            .field("best", &self.best)
            .finish_non_exhaustive()
    }
}

impl History {
    /// A history that tells pipelines apart by their text as it is.
    pub fn new(objective: Objective) -> History {
        History::keyed(objective, Arc::new(Pipeline::text))
    }

    /// A history of a search of `space`: a proposal is known when its canonical form was
    /// evaluated (Cranelift's `opt_level=none,opt_level=speed` is `opt_level=speed`).
    pub fn in_space(objective: Objective, space: &Space) -> History {
        let space = space.clone();
        History::keyed(objective, Arc::new(move |p| space.key(p)))
    }

    fn keyed(objective: Objective, key: Key) -> History {
        History { objective, signals: Vec::new(), best: None, seen: HashSet::new(), key }
    }

    /// Records a signal; returns whether it is the new best.
    pub fn push(&mut self, signal: PerformanceSignal) -> bool {
        self.seen.insert(signal.pipeline.text());
        self.signals.push(signal);
        let i = self.signals.len() - 1;
        let better = match self.best {
            None => self.signals[i].score().is_some(),
            Some(b) => rank_key(&self.signals[i]) < rank_key(&self.signals[b]),
        };
        if better {
            self.best = Some(i);
        }
        better
    }

    /// The best valid candidate so far.
    pub fn best(&self) -> Option<&PerformanceSignal> {
        self.best.map(|i| &self.signals[i])
    }

    /// The best score so far.
    pub fn best_score(&self) -> Option<f64> {
        self.best().and_then(PerformanceSignal::score)
    }

    /// Whether `pipeline` (in canonical form) was evaluated.
    pub fn seen(&self, pipeline: &Pipeline) -> bool {
        self.seen_text(&(self.key)(pipeline))
    }

    /// Whether the pipeline whose canonical text is `text` was evaluated.
    pub fn seen_text(&self, text: &str) -> bool {
        self.seen.contains(text)
    }

    /// The valid candidates, best first.
    pub fn ranked(&self) -> Vec<&PerformanceSignal> {
        let mut ok: Vec<&PerformanceSignal> =
            self.signals.iter().filter(|s| s.score().is_some()).collect();
        ok.sort_by(|a, b| {
            let (a, b) = (rank_key(a), rank_key(b));
            a.0.total_cmp(&b.0).then((a.1, a.2, a.3).cmp(&(b.1, b.2, b.3)))
        });
        ok
    }

    /// The score of the valid candidate with this pipeline (in canonical form), if evaluated.
    pub fn score_of(&self, pipeline: &Pipeline) -> Option<f64> {
        let key = (self.key)(pipeline);
        self.signals.iter().find(|s| s.pipeline.text() == key).and_then(|s| s.score())
    }

    /// The signal of `pipeline`, compared as it is (baselines, which are canonical).
    pub fn signal_of(&self, pipeline: &Pipeline) -> Option<&PerformanceSignal> {
        self.signals.iter().find(|s| s.pipeline == *pipeline)
    }
}

/// Sort key of a signal: a lower score, then less code, then fewer passes, then found
/// earlier (invalid ones last).
fn rank_key(s: &PerformanceSignal) -> (f64, u64, usize, u64) {
    (
        s.score().unwrap_or(f64::INFINITY),
        s.metrics.text_bytes.unwrap_or(u64::MAX),
        s.pipeline.passes.len(),
        s.eval,
    )
}
