//! Evolution in the spirit of OpenTuner: an ensemble of techniques (mutation, crossover,
//! extension, random restarts) over a population of the best sequences so far, with a
//! bandit choosing the next technique by its recent success (area under the curve of
//! improvements, plus an exploration term).
//!
//! Passes earn credit too: each pass a mutation or an extension put into a child that then
//! improved on its target counts once for it, and new passes are drawn half the time in
//! proportion to that credit (the other half uniformly, so that nothing is ruled out).

use crate::history::History;
use crate::rng::Rng;
use crate::signal::Origin;
use crate::strategy::{Candidate, Strategy, random_pipeline};
use opm_backend::{BackendKind, PassSpec, Pipeline};
use std::collections::VecDeque;

/// The longest sequence evolution builds.
const MAX_LEN: usize = 60;
/// The population: this many best distinct candidates.
const POPULATION: usize = 16;
/// The bandit remembers this many recent uses.
const WINDOW: usize = 60;
/// How many of a technique's proposals in one batch may be candidates evaluated already
/// before it is set aside for the rest of the batch.
const STUCK: u32 = 20;
/// Weight of exploration in the bandit.
const EXPLORE: f64 = 0.3;

/// The techniques, in the order of [`TECHNIQUES`] (their discriminants index it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Technique {
    Mutate,
    Crossover,
    Extend,
    Shorten,
    Random,
}

const TECHNIQUES: [Technique; 5] = [
    Technique::Mutate,
    Technique::Crossover,
    Technique::Extend,
    Technique::Shorten,
    Technique::Random,
];

/// A proposal awaiting its result.
struct Pending {
    pipeline: Pipeline,
    technique: Technique,
    /// The score to beat: the best so far when proposed.
    target: f64,
    /// The elements (indexes into the space) the technique put in.
    added: Vec<usize>,
}

pub struct Evolve {
    backend: BackendKind,
    space: Vec<PassSpec>,
    pending: Vec<Pending>,
    /// Recent uses: (technique, whether it produced a new best or beat its parents).
    window: VecDeque<(Technique, bool)>,
    uses: [u64; 5],
    /// Per element of the space: how often a child it was put into improved.
    credit: Vec<u32>,
}

impl Evolve {
    pub fn new(backend: BackendKind, space: Vec<PassSpec>) -> Evolve {
        let credit = vec![0; space.len()];
        Evolve {
            backend,
            space,
            pending: Vec::new(),
            window: VecDeque::new(),
            uses: [0; 5],
            credit,
        }
    }

    /// The credit of the space's element called `name` (tests).
    #[cfg(test)]
    pub(crate) fn credit_of(&self, name: &str) -> u32 {
        self.space.iter().zip(&self.credit).filter(|(e, _)| e.name == name).map(|(_, c)| *c).sum()
    }

    /// Credits the techniques of earlier proposals with their results.
    fn learn(&mut self, history: &History) {
        for p in std::mem::take(&mut self.pending) {
            let won = history.score_of(&p.pipeline).is_some_and(|s| s < p.target);
            if won {
                for &e in &p.added {
                    self.credit[e] += 1;
                }
            }
            self.window.push_back((p.technique, won));
            if self.window.len() > WINDOW {
                self.window.pop_front();
            }
        }
    }

    /// The technique with the best recency-weighted success rate plus exploration bonus,
    /// among those not `stuck`; random restarts when all are.
    fn choose(&self, stuck: &[bool; 5]) -> Technique {
        let total: u64 = self.uses.iter().sum::<u64>().max(1);
        let len = self.window.len().max(1) as f64;
        let mut best = (f64::NEG_INFINITY, Technique::Random);
        for (k, t) in TECHNIQUES.iter().enumerate() {
            if stuck[k] {
                continue;
            }
            let (mut credit, mut count) = (0.0, 0.0);
            for (i, (used, won)) in self.window.iter().enumerate() {
                if used == t {
                    let weight = (i + 1) as f64 / len;
                    count += weight;
                    if *won {
                        credit += weight;
                    }
                }
            }
            let exploit = if count > 0.0 { credit / count } else { 0.5 };
            let n = self.uses[k].max(1) as f64;
            let value = exploit + EXPLORE * (2.0 * (total as f64).ln() / n).sqrt();
            if value > best.0 {
                best = (value, *t);
            }
        }
        best.1
    }

    /// A parent from the population by a tournament of two.
    fn parent(&self, population: &[Pipeline], rng: &mut Rng) -> Pipeline {
        let a = rng.below(population.len());
        let b = rng.below(population.len());
        population[a.min(b)].clone()
    }

    /// A child by technique `t`, with the elements it put in.
    fn breed(
        &self,
        t: Technique,
        population: &[Pipeline],
        rng: &mut Rng,
    ) -> (Pipeline, Vec<usize>) {
        if population.is_empty() || t == Technique::Random {
            return (random_pipeline(self.backend, &self.space, rng, 1, 40), Vec::new());
        }
        let mut added = Vec::new();
        let mut child = match t {
            Technique::Crossover => {
                let a = self.parent(population, rng);
                let b = self.parent(population, rng);
                let cut_a = rng.range(0, a.passes.len());
                let cut_b = rng.range(0, b.passes.len());
                let mut passes = a.passes[..cut_a].to_vec();
                passes.extend_from_slice(&b.passes[cut_b..]);
                Pipeline::new(self.backend, passes)
            }
            Technique::Extend => {
                let mut p = population[0].clone();
                let at = rng.range(0, p.passes.len());
                if let Some(e) = self.element(rng, &mut added) {
                    p.passes.insert(at, e);
                }
                p
            }
            Technique::Shorten => {
                let mut p = self.parent(population, rng);
                if p.passes.len() > 1 {
                    let at = rng.below(p.passes.len());
                    p.passes.remove(at);
                }
                p
            }
            _ => {
                let mut p = self.parent(population, rng);
                for _ in 0..rng.range(1, 3) {
                    self.mutate(&mut p, rng, &mut added);
                }
                p
            }
        };
        child.passes.truncate(MAX_LEN);
        if child.is_empty() {
            child.passes.extend(self.element(rng, &mut added));
        }
        (child, added)
    }

    /// One element of the space: half the time in proportion to its credit (when any has
    /// some), otherwise uniformly. Its index goes to `added`.
    fn element(&self, rng: &mut Rng, added: &mut Vec<usize>) -> Option<PassSpec> {
        if self.space.is_empty() {
            return None;
        }
        let total: u64 = self.credit.iter().map(|c| u64::from(*c)).sum();
        let k = if total > 0 && rng.below(2) == 0 {
            let mut x = rng.next_u64() % total;
            let mut k = 0;
            for (i, c) in self.credit.iter().enumerate() {
                if x < u64::from(*c) {
                    k = i;
                    break;
                }
                x -= u64::from(*c);
            }
            k
        } else {
            rng.below(self.space.len())
        };
        added.push(k);
        self.space.get(k).cloned()
    }

    fn mutate(&self, p: &mut Pipeline, rng: &mut Rng, added: &mut Vec<usize>) {
        let len = p.passes.len();
        match rng.below(4) {
            0 => {
                let at = rng.range(0, len);
                if let Some(e) = self.element(rng, added) {
                    p.passes.insert(at, e);
                }
            }
            1 if len > 1 => {
                p.passes.remove(rng.below(len));
            }
            2 if len > 0 => {
                let at = rng.below(len);
                if let Some(e) = self.element(rng, added) {
                    p.passes[at] = e;
                }
            }
            _ if len > 1 => {
                let at = rng.below(len - 1);
                p.passes.swap(at, at + 1);
            }
            _ => p.passes.extend(self.element(rng, added)),
        }
    }
}

impl Strategy for Evolve {
    fn propose(&mut self, history: &History, rng: &mut Rng, n: usize) -> Vec<Candidate> {
        self.learn(history);
        let population: Vec<Pipeline> = {
            let mut seen = std::collections::HashSet::new();
            history
                .ranked()
                .into_iter()
                // A parent with a pass or pair that breaks this program breeds broken children.
                .filter(|s| !s.pipeline.is_empty() && !history.avoids(&s.pipeline))
                .filter(|s| seen.insert(s.identity.clone()))
                .take(POPULATION)
                .map(|s| s.pipeline.clone())
                .collect()
        };
        let target = history.best().and_then(|b| b.score()).unwrap_or(f64::INFINITY);
        let mut out: Vec<Candidate> = Vec::new();
        // A technique that keeps breeding what was evaluated already (shortening a
        // population of single passes, say), or what broke before, is set aside for this
        // batch.
        let mut misses = [0u32; 5];
        for _ in 0..n * 50 {
            if out.len() == n {
                break;
            }
            let t = self.choose(&misses.map(|m| m >= STUCK));
            let k = t as usize;
            let (child, added) = self.breed(t, &population, rng);
            if history.seen(&child)
                || history.avoids(&child)
                || out.iter().any(|c| c.pipeline == child)
            {
                misses[k] += 1;
                continue;
            }
            self.uses[k] += 1;
            self.pending.push(Pending { pipeline: child.clone(), technique: t, target, added });
            out.push(Candidate { pipeline: child, origin: Origin::Evolve });
        }
        out
    }
}
