//! The progress bar of a search (indicatif), drawn on stderr when it is a terminal.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use opm_search::{Budget, Objective, PerformanceSignal, Verdict};

/// A search's progress: candidates evaluated out of the budget, rejected ones, the best score.
pub struct Progress {
    bar: ProgressBar,
    objective: Objective,
    failed: u64,
    best: Option<f64>,
}

impl Progress {
    /// A progress bar; drawn only when `wanted` and stderr is a terminal. Its length is the
    /// evaluation budget; with a time budget only it counts evaluations and shows the time.
    pub fn new(wanted: bool, budget: &Budget, objective: Objective) -> Progress {
        let target =
            if wanted { ProgressDrawTarget::stderr() } else { ProgressDrawTarget::hidden() };
        let bar = ProgressBar::with_draw_target(budget.max_evals, target);
        let template = match (budget.max_evals, budget.wall_time) {
            (Some(_), _) => "[{bar:24}] {pos}/{len} evaluated, {msg}, {elapsed}".to_string(),
            (None, Some(t)) => {
                format!("{{pos}} evaluated, {{msg}}, {{elapsed}} of {:.0} s", t.as_secs_f64())
            }
            (None, None) => "{pos} evaluated, {msg}, {elapsed}".to_string(),
        };
        if let Ok(style) = ProgressStyle::with_template(&template) {
            bar.set_style(style.progress_chars("#."));
        }
        let progress = Progress { bar, objective, failed: 0, best: None };
        progress.bar.set_message(progress.message());
        progress
    }

    fn message(&self) -> String {
        let best = match self.best {
            Some(b) => {
                format!("best {} {}", format_score(self.objective, b), self.objective.name())
            }
            None => "no valid candidate yet".to_string(),
        };
        format!("{} rejected, {best}", self.failed)
    }

    /// Counts one finished evaluation.
    pub fn update(&mut self, s: &PerformanceSignal) {
        if s.verdict != Verdict::Ok {
            self.failed += 1;
        }
        if let Some(score) = s.score() {
            self.best = Some(self.best.map_or(score, |b: f64| b.min(score)));
        }
        self.bar.set_message(self.message());
        self.bar.inc(1);
    }

    /// Clears the bar.
    pub fn finish(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// A score in the objective's unit.
pub fn format_score(objective: Objective, v: f64) -> String {
    match objective {
        Objective::Instcount | Objective::Size => format!("{v:.0}"),
        Objective::Runtime => format!("{:.2} ms", v / 1e6),
        Objective::CompileTime => format!("{v:.1} ms"),
    }
}
