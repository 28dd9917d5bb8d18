//! The progress bar of a search, drawn on stderr when it is a terminal.

use crate::model::{Budget, Objective, PerformanceSignal, Verdict};
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

pub struct Progress {
    enabled: bool,
    start: Instant,
    max_evals: Option<u64>,
    wall_time: Option<Duration>,
    objective: Objective,
    evals: u64,
    failed: u64,
    best: Option<f64>,
    last_draw: Option<Instant>,
}

impl Progress {
    /// A progress bar; drawn only when `wanted` and stderr is a terminal.
    pub fn new(wanted: bool, budget: &Budget, objective: Objective) -> Progress {
        Progress {
            enabled: wanted && std::io::stderr().is_terminal(),
            start: Instant::now(),
            max_evals: budget.max_evals,
            wall_time: budget.wall_time,
            objective,
            evals: 0,
            failed: 0,
            best: None,
            last_draw: None,
        }
    }

    /// Counts one finished evaluation and redraws (at most ten times a second).
    pub fn update(&mut self, s: &PerformanceSignal) {
        self.evals += 1;
        if s.verdict != Verdict::Ok {
            self.failed += 1;
        }
        if let Some(score) = s.score() {
            self.best = Some(self.best.map_or(score, |b: f64| b.min(score)));
        }
        if !self.enabled || self.last_draw.is_some_and(|t| t.elapsed() < Duration::from_millis(100))
        {
            return;
        }
        self.last_draw = Some(Instant::now());
        self.draw();
    }

    fn fraction(&self) -> Option<f64> {
        let by_evals = self.max_evals.map(|m| self.evals as f64 / m.max(1) as f64);
        let by_time =
            self.wall_time.map(|t| self.start.elapsed().as_secs_f64() / t.as_secs_f64().max(1e-9));
        match (by_evals, by_time) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
        .map(|f| f.clamp(0.0, 1.0))
    }

    fn draw(&self) {
        const WIDTH: usize = 24;
        let bar = match self.fraction() {
            Some(f) => {
                let filled = (f * WIDTH as f64).round() as usize;
                format!("[{}{}] ", "#".repeat(filled), ".".repeat(WIDTH - filled))
            }
            None => String::new(),
        };
        let best = match self.best {
            Some(b) => {
                format!("best {} {}", format_score(self.objective, b), self.objective.name())
            }
            None => "no valid candidate yet".to_string(),
        };
        let line = format!(
            "\r{bar}{} evaluated, {} rejected, {best}, {:.0} s\x1b[K",
            self.evals,
            self.failed,
            self.start.elapsed().as_secs_f64()
        );
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(line.as_bytes());
        let _ = err.flush();
    }

    /// Clears the bar.
    pub fn finish(&mut self) {
        if self.enabled && self.last_draw.is_some() {
            let mut err = std::io::stderr().lock();
            let _ = err.write_all(b"\r\x1b[K");
            let _ = err.flush();
        }
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
