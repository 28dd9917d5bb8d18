//! What a search needs to know of one backend: the elements candidates are sequences of, the
//! named pipelines every search can start from, the baselines measured first and reported
//! beside the winner, sequences known to do well, and how a proposal is put in canonical form.
//! LLVM's elements are passes, Cranelift's `(setting, value)` pairs, GCC's options: the same
//! strategies search all three.

use crate::coreset::Coreset;
use crate::pipeline::{BackendKind, PassSpec, Pipeline};
use std::sync::Arc;

/// What a search minimises, as a backend sees it: which of its known sequences to try.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Goal {
    /// Less code: instructions or `.text` bytes.
    Small,
    /// Faster programs.
    Fast,
    /// Faster compilation.
    QuickBuild,
}

/// How a backend puts a proposed pipeline in the form it is recorded in; `None` for one it
/// cannot build.
pub type Canonicalizer = Arc<dyn Fn(Pipeline) -> Option<Pipeline> + Send + Sync>;

/// One backend's pipeline space.
#[derive(Clone)]
pub struct Space {
    pub backend: BackendKind,
    /// What random and evolutionary techniques draw from.
    pub elements: Vec<PassSpec>,
    /// The named pipelines `presets` proposes (and `auto` first).
    pub presets: Vec<Pipeline>,
    /// Measured before anything else and shown in the final table, by name.
    pub baselines: Vec<(String, Pipeline)>,
    /// The baseline the table's ratios are taken against.
    pub ratio_base: String,
    /// The baseline `--max-code-growth` compares with.
    pub growth_base: String,
    /// Sequences known to do well for a goal, which `auto` tries after the presets.
    pub known: Vec<(Goal, Vec<Pipeline>)>,
    /// Pipelines learned offline for a goal, which `auto` tries first after the presets, in
    /// the order programs like the one searched predict.
    pub coresets: Vec<Arc<Coreset>>,
    canonical: Canonicalizer,
}

impl std::fmt::Debug for Space {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Space")
            .field("backend", &self.backend)
            .field("elements", &self.elements.len())
            .field("presets", &self.presets.len())
            .field("baselines", &self.baselines)
            .field("ratio_base", &self.ratio_base)
            .field("growth_base", &self.growth_base)
            .finish_non_exhaustive()
    }
}

impl Space {
    /// A space of `backend` whose proposals are put in canonical form by `canonical`; the
    /// other fields are empty, to be filled in.
    pub fn new(backend: BackendKind, canonical: Canonicalizer) -> Space {
        Space {
            backend,
            elements: Vec::new(),
            presets: Vec::new(),
            baselines: Vec::new(),
            ratio_base: String::new(),
            growth_base: String::new(),
            known: Vec::new(),
            coresets: Vec::new(),
            canonical,
        }
    }

    /// The baseline called `name`.
    pub fn baseline(&self, name: &str) -> Option<&Pipeline> {
        self.baselines.iter().find(|(n, _)| n == name).map(|(_, p)| p)
    }

    /// Sequences known to do well for `goal`.
    pub fn known_sequences(&self, goal: Goal) -> Vec<Pipeline> {
        self.known.iter().filter(|(g, _)| *g == goal).flat_map(|(_, p)| p.clone()).collect()
    }

    /// The coreset learned for `goal`, if the backend ships one.
    pub fn coreset(&self, goal: Goal) -> Option<&Coreset> {
        self.coresets.iter().find(|c| c.goal == goal).map(|c| &**c)
    }

    /// A proposed pipeline in the form it is recorded in (LLVM's as it is; Cranelift's
    /// settings resolved, overrides applied and ISA requirements added; GCC's options
    /// resolved, with -O2 when no level is given), so that a signal read back from its text is
    /// the same pipeline. `None` for a pipeline this backend cannot build.
    pub fn canonical(&self, pipeline: Pipeline) -> Option<Pipeline> {
        if pipeline.backend != self.backend {
            return None;
        }
        (self.canonical)(pipeline)
    }

    /// The canonical text of `pipeline`: what identifies it among the candidates of a
    /// search (its own text when it has no canonical form).
    pub fn key(&self, pipeline: &Pipeline) -> String {
        match self.canonical(pipeline.clone()) {
            Some(p) => p.text(),
            None => pipeline.text(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_forms_come_from_the_backend() {
        // A toy backend whose canonical form keeps the last entry only.
        let last = Arc::new(|p: Pipeline| {
            let passes = p.passes.last().cloned().into_iter().collect();
            Some(Pipeline::new(p.backend, passes))
        });
        let mut space = Space::new(BackendKind::Gcc, last);
        space.baselines.push(("O2".into(), Pipeline::read(BackendKind::Gcc, "-O2").unwrap()));
        let p = Pipeline::read(BackendKind::Gcc, "-O3 -O2").unwrap();
        assert_eq!(space.key(&p), "-O2");
        assert_eq!(space.canonical(p), space.baseline("O2").cloned());
        // Another backend's pipeline has no canonical form here.
        let llvm = Pipeline::read(BackendKind::Llvm, "default<O2>").unwrap();
        assert_eq!(space.canonical(llvm.clone()), None);
        assert_eq!(space.key(&llvm), "default<O2>");
    }
}
