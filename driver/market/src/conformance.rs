//! [`ConformanceReport`]: what an adapter's contract checks found, the evidence a registry
//! admits or refuses it on. The checks themselves run compilers and live in
//! `opm-conformance`; this is their result as data.

use crate::graph::Adapter;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How one check ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Pass,
    Fail,
    /// Not run; `why` says why. A required check skipped makes the report not conformant.
    Skip,
}

/// One contract check and its result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CheckResult {
    /// The check's name (`determinism`, `specs-run`, …).
    pub check: String,
    /// What the check asks of the adapter.
    pub asks: String,
    pub required: bool,
    pub status: Status,
    /// Why it ended so: what was tried, and for a failure the first thing that failed.
    pub why: String,
    /// Every item that failed (a spec, a program and preset, a construct), with why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<String>,
}

/// The checks an adapter was put through.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ConformanceReport {
    pub adapter: Adapter,
    /// How many specs the adapter lists.
    pub specs: usize,
    /// The corpus programs the checks ran on, by name.
    pub programs: Vec<String>,
    pub checks: Vec<CheckResult>,
}

impl ConformanceReport {
    /// Whether every required check passed (a required check skipped does not).
    pub fn conformant(&self) -> bool {
        self.checks.iter().filter(|c| c.required).all(|c| c.status == Status::Pass)
    }

    /// The required checks that did not pass, by name.
    pub fn failed(&self) -> Vec<String> {
        self.checks
            .iter()
            .filter(|c| c.required && c.status != Status::Pass)
            .map(|c| c.check.clone())
            .collect()
    }

    /// The report as a person reads it.
    pub fn render(&self) -> String {
        let a = &self.adapter;
        let tools: Vec<String> = a.tools.iter().map(|(t, v)| format!("{t} {v}")).collect();
        let mut text = format!(
            "adapter {} ({}, {}; {} specs listed; {} programs)\n",
            a.name,
            tools.join(", "),
            a.target,
            self.specs,
            self.programs.len()
        );
        for c in &self.checks {
            let status = match c.status {
                Status::Pass => "PASS",
                Status::Fail => "FAIL",
                Status::Skip => "SKIP",
            };
            let required = if c.required { "" } else { " (optional)" };
            text.push_str(&format!("{status}  {}{required}: {}\n", c.check, c.why));
            for f in c.failures.iter().take(10) {
                text.push_str(&format!("        {f}\n"));
            }
            if c.failures.len() > 10 {
                text.push_str(&format!("        … and {} more\n", c.failures.len() - 10));
            }
        }
        text.push_str(&if self.conformant() {
            format!("conformant: {} may be admitted\n", a.name)
        } else {
            format!("NOT conformant: {} fails {}\n", a.name, self.failed().join(", "))
        });
        text
    }
}
