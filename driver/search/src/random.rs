//! Random search: pass sequences of 1–40 passes drawn uniformly from the space.

use crate::history::History;
use crate::rng::Rng;
use crate::signal::Origin;
use crate::strategy::{Candidate, Strategy, random_pipeline};
use opm_backend::{BackendKind, PassSpec};

pub struct RandomSearch {
    backend: BackendKind,
    space: Vec<PassSpec>,
}

impl RandomSearch {
    pub fn new(backend: BackendKind, space: Vec<PassSpec>) -> RandomSearch {
        RandomSearch { backend, space }
    }
}

impl Strategy for RandomSearch {
    fn propose(&mut self, history: &History, rng: &mut Rng, n: usize) -> Vec<Candidate> {
        let mut out: Vec<Candidate> = Vec::new();
        // Give up after many repeats: the space is exhausted.
        for _ in 0..n * 50 {
            if out.len() == n {
                break;
            }
            let pipeline = random_pipeline(self.backend, &self.space, rng, 1, 40);
            if !history.seen(&pipeline)
                && !history.avoids(&pipeline)
                && out.iter().all(|c| c.pipeline != pipeline)
            {
                out.push(Candidate { pipeline, origin: Origin::Random });
            }
        }
        out
    }
}
