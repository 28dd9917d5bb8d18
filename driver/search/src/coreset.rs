//! Which of a coreset's pipelines to try first on a program: the training programs nearest to
//! it in feature space vote, each for the pipelines that did best on it.
//!
//! Features are standardised over the training programs (a feature that does not vary there
//! is left out); the `NEIGHBOURS` nearest programs by Euclidean distance each weigh
//! `1 / (distance + SMOOTHING)`; a pipeline's predicted value is the weighted mean, over them,
//! of its score on the program relative to the best score any coreset pipeline had there.
//! Pipelines are proposed by that value, ties in the coreset's own order.

use opm_backend::{Coreset, Pipeline};

/// How many training programs vote.
pub const NEIGHBOURS: usize = 5;
/// Keeps a program at distance 0 from taking every vote.
const SMOOTHING: f64 = 0.25;

/// The coreset's pipelines, best predicted first, for a program with `features` (by name);
/// in the coreset's own order when the program's features are unknown or no training
/// program is given. The predicted value comes with each pipeline.
pub fn predicted_order(coreset: &Coreset, features: &[(&str, f64)]) -> Vec<(Pipeline, f64)> {
    let n = coreset.sequences.len();
    let mut value = vec![0.0; n];
    let neighbours = nearest(coreset, features);
    let total: f64 = neighbours.iter().map(|(_, w)| w).sum();
    for (p, w) in &neighbours {
        let scores = &coreset.programs[*p].scores;
        let best = scores.iter().copied().fold(0.0, f64::max);
        if best <= 0.0 {
            continue;
        }
        for (v, s) in value.iter_mut().zip(scores) {
            *v += w / total * s / best;
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    // Stable: ties keep the coreset's order.
    order.sort_by(|a, b| value[*b].total_cmp(&value[*a]));
    order.into_iter().map(|i| (coreset.sequences[i].clone(), value[i])).collect()
}

/// The training programs nearest to `features`, with their weights.
fn nearest(coreset: &Coreset, features: &[(&str, f64)]) -> Vec<(usize, f64)> {
    let programs = &coreset.programs;
    if programs.is_empty() {
        return Vec::new();
    }
    // Per feature of the coreset the program has: its value and the training spread (the
    // standardised difference of two values is their difference over the spread).
    let count = programs.len() as f64;
    let dims: Vec<(usize, f64, f64)> = coreset
        .feature_names
        .iter()
        .enumerate()
        .filter_map(|(k, name)| {
            let x = features.iter().find(|(n, _)| n == name).map(|(_, v)| *v)?;
            let mean = programs.iter().map(|p| p.features[k]).sum::<f64>() / count;
            let var = programs.iter().map(|p| (p.features[k] - mean).powi(2)).sum::<f64>() / count;
            (var > 1e-12 && x.is_finite()).then(|| (k, x, var.sqrt()))
        })
        .collect();
    if dims.is_empty() {
        return Vec::new();
    }
    let mut distances: Vec<(usize, f64)> = programs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let d2: f64 = dims.iter().map(|(k, x, sd)| ((x - p.features[*k]) / sd).powi(2)).sum();
            (i, (d2 / dims.len() as f64).sqrt())
        })
        .collect();
    distances.sort_by(|a, b| a.1.total_cmp(&b.1));
    distances.truncate(NEIGHBOURS);
    distances.into_iter().map(|(i, d)| (i, 1.0 / (d + SMOOTHING))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use opm_backend::{BackendKind, Goal, TrainingProgram};

    fn coreset(programs: Vec<TrainingProgram>) -> Coreset {
        let seq = |t: &str| Pipeline::read(BackendKind::Llvm, t).unwrap();
        Coreset {
            goal: Goal::Small,
            feature_names: vec!["loops".into(), "calls".into()],
            sequences: vec![seq("instcombine"), seq("loop-deletion"), seq("inline")],
            programs,
        }
    }

    fn program(name: &str, features: [f64; 2], scores: [f64; 3]) -> TrainingProgram {
        TrainingProgram { name: name.into(), features: features.into(), scores: scores.into() }
    }

    fn first(c: &Coreset, features: &[(&str, f64)]) -> String {
        predicted_order(c, features)[0].0.text()
    }

    #[test]
    fn the_nearest_programs_choose() {
        // Loop-heavy programs liked loop-deletion, call-heavy ones the inliner.
        let mut programs = Vec::new();
        for i in 0..6 {
            let j = f64::from(i) * 0.01;
            programs.push(program("loopy", [0.9 + j, 0.1], [1.0, 1.3, 0.9]));
            programs.push(program("cally", [0.1, 0.8 + j], [1.0, 0.0, 1.4]));
        }
        let c = coreset(programs);
        assert_eq!(first(&c, &[("loops", 0.95), ("calls", 0.05)]), "loop-deletion");
        assert_eq!(first(&c, &[("loops", 0.05), ("calls", 0.9)]), "inline");
        let order = predicted_order(&c, &[("loops", 0.05), ("calls", 0.9)]);
        // Where loop-deletion failed, it comes last.
        assert_eq!(order[2].0.text(), "loop-deletion");
        assert_eq!(order[2].1, 0.0);
        // Without features, or with names the coreset does not know: its own order.
        let texts = |o: Vec<(Pipeline, f64)>| o.iter().map(|(p, _)| p.text()).collect::<Vec<_>>();
        assert_eq!(texts(predicted_order(&c, &[])), ["instcombine", "loop-deletion", "inline"]);
        assert_eq!(texts(predicted_order(&c, &[("other", 1.0)]))[0], "instcombine");
        // No training programs: the coreset's order too.
        assert_eq!(first(&coreset(Vec::new()), &[("loops", 1.0)]), "instcombine");
    }
}
