//! Greedy search: extend the best sequence so far by one pass, trying every pass of the
//! space; keep the best extension if it improves on the sequence, and stop when none does.

use super::{History, Strategy};
use crate::engine::Candidate;
use crate::model::Origin;
use crate::pipeline::{PassSpec, Pipeline};
use crate::rng::Rng;

pub struct Greedy {
    space: Vec<PassSpec>,
    /// The sequence being extended and its score.
    base: Option<(Pipeline, f64)>,
    /// Extensions of `base` not yet proposed.
    pending: Vec<Pipeline>,
    /// Extensions of `base` proposed this round.
    round: Vec<Pipeline>,
    done: bool,
}

impl Greedy {
    pub fn new(space: Vec<PassSpec>) -> Greedy {
        Greedy { space, base: None, pending: Vec::new(), round: Vec::new(), done: false }
    }

    fn start_round(&mut self, base: Pipeline, score: f64) {
        self.pending = self
            .space
            .iter()
            .rev()
            .map(|p| {
                let mut next = base.clone();
                next.passes.push(p.clone());
                next
            })
            .collect();
        self.round.clear();
        self.base = Some((base, score));
    }
}

impl Strategy for Greedy {
    fn propose(&mut self, history: &History, _rng: &mut Rng, n: usize) -> Vec<Candidate> {
        loop {
            if self.done {
                return Vec::new();
            }
            if self.base.is_none() {
                // Start from the best candidate so far, or from nothing.
                let (base, score) = match history.best() {
                    Some(b) => (b.pipeline.clone(), b.score().expect("the best has a score")),
                    None => (Pipeline::default(), f64::INFINITY),
                };
                self.start_round(base, score);
            }
            if self.pending.is_empty() {
                // The round is complete: keep its best extension if it improves the base.
                let (_, base_score) = self.base.clone().expect("a round has a base");
                let best = self
                    .round
                    .iter()
                    .filter_map(|p| history.score_of(p).map(|s| (p.clone(), s)))
                    .min_by(|a, b| a.1.partial_cmp(&b.1).expect("scores are numbers"));
                match best {
                    Some((p, s)) if s < base_score => self.start_round(p, s),
                    _ => {
                        self.done = true;
                        return Vec::new();
                    }
                }
            }
            let mut out = Vec::new();
            while out.len() < n {
                let Some(p) = self.pending.pop() else { break };
                self.round.push(p.clone());
                if !history.seen(&p) {
                    out.push(Candidate { pipeline: p, origin: Origin::Greedy });
                }
            }
            // Everything proposed may have been evaluated before: then go on at once.
            if !out.is_empty() {
                return out;
            }
        }
    }
}
