//! Everything a search evaluated, in evaluation order, and the best valid candidate.

use crate::avoid::{Avoidance, Avoided};
use crate::problem::Objective;
use crate::signal::{Identity, PerformanceSignal, Verdict};
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
    /// What broken candidates taught (`None`: learning is off).
    avoidance: Option<Avoidance>,
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
        History {
            objective,
            signals: Vec::new(),
            best: None,
            seen: HashSet::new(),
            key,
            avoidance: Some(Avoidance::default()),
        }
    }

    /// Turns learning from broken candidates on (the default) or off: off, [`History::avoids`]
    /// is always false and strategies propose whatever they draw.
    pub fn set_learning(&mut self, on: bool) {
        self.avoidance = on.then(|| {
            let mut a = Avoidance::default();
            for s in &self.signals {
                a.observe(s);
            }
            a
        });
    }

    /// Whether `pipeline` contains a pass or an ordered pair of passes that every candidate
    /// containing it so far was broken by (see [`crate::avoid`]).
    pub fn avoids(&self, pipeline: &Pipeline) -> bool {
        self.avoidance.as_ref().is_some_and(|a| a.avoids(pipeline))
    }

    /// The passes and pairs avoided since the last call, with the evidence against each.
    pub fn take_avoided(&mut self) -> Vec<Avoided> {
        self.avoidance.as_mut().map(Avoidance::take_new).unwrap_or_default()
    }

    /// How many passes and pairs are avoided.
    pub fn avoided_count(&self) -> usize {
        self.avoidance.as_ref().map_or(0, Avoidance::len)
    }

    /// Records a signal; returns whether it is the new best.
    pub fn push(&mut self, signal: PerformanceSignal) -> bool {
        self.seen.insert(signal.pipeline.text());
        if let Some(a) = &mut self.avoidance {
            a.observe(&signal);
        }
        self.signals.push(signal);
        let i = self.signals.len() - 1;
        let better = Rank::of(&self.signals[i]).is_some_and(|r| r.ahead_of(self.best_rank()));
        if better {
            self.best = Some(i);
        }
        better
    }

    /// Where the best valid candidate stands: a candidate ahead of it
    /// ([`Rank::beats`]) would become the new best.
    pub fn best_rank(&self) -> Option<Rank> {
        self.best().and_then(Rank::of)
    }

    /// Marks every candidate whose result has `identity` invalid with `verdict` (a result
    /// found broken after it was measured, by the winner's check); returns how many it marked.
    pub fn reject(&mut self, identity: &Identity, verdict: Verdict, detail: &str) -> usize {
        let mut marked = 0;
        for s in &mut self.signals {
            if s.identity.as_ref() == Some(identity) && s.verdict == Verdict::Ok {
                s.verdict = verdict;
                s.detail = Some(detail.to_string());
                marked += 1;
                if let Some(a) = &mut self.avoidance {
                    a.correct(s);
                }
            }
        }
        if marked > 0 {
            self.best = (0..self.signals.len())
                .filter(|&i| self.signals[i].score().is_some())
                .min_by(|&a, &b| rank_order(&self.signals[a], &self.signals[b]));
        }
        marked
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
        ok.sort_by(|a, b| rank_order(a, b));
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

/// Where a valid candidate stands in a ranking: a lower score, then less code, then fewer
/// passes, then found earlier.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rank {
    pub score: f64,
    pub text_bytes: u64,
    pub passes: usize,
    pub eval: u64,
}

impl Rank {
    /// The rank of a valid signal; `None` for an invalid one.
    pub fn of(s: &PerformanceSignal) -> Option<Rank> {
        Some(Rank {
            score: s.score()?,
            text_bytes: s.metrics.text_bytes.unwrap_or(u64::MAX),
            passes: s.pipeline.passes.len(),
            eval: s.eval,
        })
    }

    /// Whether this candidate goes before `best` (the best so far, if any), so that it would
    /// become the new best.
    pub fn ahead_of(&self, best: Option<Rank>) -> bool {
        best.is_none_or(|b| self.order(&b).is_lt())
    }

    /// The ranking's order: ahead (`Less`) or behind.
    pub fn order(&self, other: &Rank) -> std::cmp::Ordering {
        self.score.total_cmp(&other.score).then((self.text_bytes, self.passes, self.eval).cmp(&(
            other.text_bytes,
            other.passes,
            other.eval,
        )))
    }
}

/// Valid candidates by [`Rank`], invalid ones last.
fn rank_order(a: &PerformanceSignal, b: &PerformanceSignal) -> std::cmp::Ordering {
    match (Rank::of(a), Rank::of(b)) {
        (Some(a), Some(b)) => a.order(&b),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.eval.cmp(&b.eval),
    }
}
