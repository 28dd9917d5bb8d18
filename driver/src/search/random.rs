//! Random search: pass sequences of 1–40 passes drawn uniformly from the space.

use super::{History, Strategy, random_pipeline};
use crate::engine::Candidate;
use crate::model::Origin;
use crate::pipeline::PassSpec;
use crate::rng::Rng;

pub struct RandomSearch {
    space: Vec<PassSpec>,
}

impl RandomSearch {
    pub fn new(space: Vec<PassSpec>) -> RandomSearch {
        RandomSearch { space }
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
            let pipeline = random_pipeline(&self.space, rng, 1, 40);
            if !history.seen(&pipeline) && out.iter().all(|c| c.pipeline != pipeline) {
                out.push(Candidate { pipeline, origin: Origin::Random });
            }
        }
        out
    }
}
