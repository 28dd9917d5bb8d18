//! Greedy search: extend the best sequence so far by one pass, trying every pass of the
//! space; keep the best extension if it improves on the sequence, and stop when none does.

use crate::history::History;
use crate::rng::Rng;
use crate::signal::Origin;
use crate::strategy::{Candidate, Strategy};
use opm_backend::{BackendKind, PassSpec, Pipeline};

pub struct Greedy {
    backend: BackendKind,
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
    pub fn new(backend: BackendKind, space: Vec<PassSpec>) -> Greedy {
        Greedy { backend, space, base: None, pending: Vec::new(), round: Vec::new(), done: false }
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
                    Some(b) => (b.pipeline.clone(), b.score().unwrap_or(f64::INFINITY)),
                    None => (Pipeline::empty(self.backend), f64::INFINITY),
                };
                self.start_round(base, score);
            }
            if self.pending.is_empty() {
                // The round is complete: keep its best extension if it improves the base.
                let base_score = self.base.as_ref().map_or(f64::INFINITY, |(_, s)| *s);
                let best = self
                    .round
                    .iter()
                    .filter_map(|p| history.score_of(p).map(|s| (p.clone(), s)))
                    .min_by(|a, b| a.1.total_cmp(&b.1));
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
                if !history.seen(&p) && !history.avoids(&p) {
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
