//! Offline replay, the backtest of the market: given a signed attestation, the module it
//! names and the signer's public key, nothing else, check the signature and the module's
//! digest, run the attested plan again through the same engine a search uses, and report per
//! metric whether it is reproduced.
//!
//! Instruction count and `.text` bytes are exact: they reproduce or they differ. Run time is
//! noisy: it reproduces when the median measured here falls in the attested 95% interval;
//! otherwise both intervals are reported and the replay is not called different for it. A
//! tool of another version here than the attested one is kept apart from a difference: the
//! plan is not run ("cannot replay"), since another compiler may rightly give other figures.
//!
//! Verification alone (signature, digest) lives in `opm-market` and needs no compiler; this
//! crate is where the market reaches one.

use opm_backend::BackendKind;
use opm_engine::optimize::{OptimizeOptions, measure};
use opm_engine::toolchain::LinkArgs;
use opm_market::attest::{AttestedRuntime, Envelope, Statement, VerifyingKey, key_id};
use opm_search::{Budget, Objective, PerformanceSignal, StrategyKind, Verdict};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Where and how to replay.
#[derive(Clone, Debug)]
pub struct ReplayOptions {
    /// The module the attestation names (its digest is checked).
    pub module: PathBuf,
    /// The `opm-driver` binary whose `worker` command compiles candidates.
    pub worker_exe: PathBuf,
    /// How to link the program when it must run (run-time attestations).
    pub link: LinkArgs,
}

/// What became of one metric.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The same value (exact metrics), or a median inside the attested interval (run time).
    Reproduced,
    /// Another value: the plan does not do here what the attestation says.
    Differs,
    /// Run time outside the attested interval: both intervals are reported.
    Outside,
}

/// One metric, attested and measured here.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetricReplay {
    /// `instcount`, `text_bytes` or `runtime`.
    pub metric: String,
    pub attested: String,
    pub here: String,
    pub outcome: Outcome,
}

/// A tool the attestation names, with its version here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ToolCheck {
    pub tool: String,
    pub attested: String,
    /// `None` when this build has no such tool.
    pub here: Option<String>,
}

impl ToolCheck {
    fn matches(&self) -> bool {
        self.here.as_deref() == Some(self.attested.as_str())
    }
}

/// The replay's conclusion.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "verdict", content = "why", rename_all = "kebab-case")]
pub enum ReplayVerdict {
    /// Every exact metric reproduced (run time inside its interval, or reported beside it).
    Reproduced,
    /// An exact metric differs, or the plan no longer ends well here.
    Differs(String),
    /// The plan was not run: the tools here are not the attested ones.
    CannotReplay(String),
}

/// Everything a replay found.
#[derive(Clone, Debug, Serialize)]
pub struct Replay {
    /// The signer's key id.
    pub key_id: String,
    pub statement: Statement,
    pub tools: Vec<ToolCheck>,
    pub metrics: Vec<MetricReplay>,
    /// The host's CPU differs from the attested one (run time is then not comparable).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub other_cpu: Option<String>,
    pub verdict: ReplayVerdict,
}

/// Why nothing could be replayed.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// The signature, the payload or the module is not what was signed.
    #[error("rejected: {0}")]
    Rejected(String),
    /// The engine could not start (the module could not be read, a tool is missing).
    #[error(transparent)]
    Engine(#[from] opm_engine::Error),
}

/// The versions of opm and of the tools `backend` drives, as an attestation records them.
pub fn tools_here(backend: BackendKind) -> BTreeMap<String, String> {
    let signal = opm_engine::backends::signal_tools();
    let mut tools: BTreeMap<String, String> =
        [("opm".to_string(), signal.opm), ("llvm".to_string(), signal.llvm)].into();
    if let Ok(b) = opm_engine::backends::open(backend) {
        tools.extend(b.tool_versions());
    }
    tools
}

/// Verifies `envelope` with `key` and the module's bytes against its subject, then runs its
/// plan again and compares.
pub fn replay(
    envelope: &Envelope,
    key: &VerifyingKey,
    module: &[u8],
    opts: &ReplayOptions,
) -> Result<Replay, ReplayError> {
    let statement = envelope.verify(key).map_err(|e| ReplayError::Rejected(e.to_string()))?;
    if !statement.is_subject(module) {
        return Err(ReplayError::Rejected(format!(
            "{} is not the attested module (its digest differs)",
            opts.module.display()
        )));
    }
    let p = &statement.predicate;
    let here = tools_here(p.backend);
    let tools: Vec<ToolCheck> = p
        .tools
        .iter()
        .map(|(tool, attested)| ToolCheck {
            tool: tool.clone(),
            attested: attested.clone(),
            here: here.get(tool).cloned(),
        })
        .collect();
    let cpu = host_cpu();
    let other_cpu = (cpu != p.host_cpu).then_some(cpu);
    let mut replay = Replay {
        key_id: key_id(key),
        statement: statement.clone(),
        tools,
        metrics: Vec::new(),
        other_cpu,
        verdict: ReplayVerdict::Reproduced,
    };
    if let Some(t) = replay.tools.iter().find(|t| !t.matches()) {
        replay.verdict = ReplayVerdict::CannotReplay(format!(
            "tool mismatch (attested {} {}, here {})",
            t.tool,
            t.attested,
            t.here.as_deref().unwrap_or("none")
        ));
        return Ok(replay);
    }
    let signal = measure_plan(&statement, opts)?;
    if !matches!(signal.verdict, Verdict::Ok | Verdict::OverBudget) {
        let why = signal.detail.as_deref().unwrap_or_default();
        replay.verdict =
            ReplayVerdict::Differs(format!("the plan ended {} here: {why}", signal.verdict.name()));
        return Ok(replay);
    }
    replay.metrics = compare(&p.metrics, &signal);
    if let Some(m) = replay.metrics.iter().find(|m| m.outcome == Outcome::Differs) {
        replay.verdict = ReplayVerdict::Differs(format!(
            "{}: attested {}, here {}",
            m.metric, m.attested, m.here
        ));
    }
    Ok(replay)
}

/// The attested plan measured once here, as the search measured it.
fn measure_plan(
    statement: &Statement,
    opts: &ReplayOptions,
) -> Result<PerformanceSignal, ReplayError> {
    let p = &statement.predicate;
    let runs = p.metrics.runtime.as_ref().map_or(1, |r| r.samples_ns.len().max(1));
    let options = OptimizeOptions {
        file: opts.module.clone(),
        output: None,
        backend: p.backend,
        objective: p.objective,
        strategy: StrategyKind::Presets,
        pipelines: vec![p.plan.clone()],
        budget: Budget::default(),
        jobs: 1,
        signals: None,
        resume: false,
        seed: 0,
        runs,
        // Read on the clock the attested times were read on.
        timing: opm_engine::timing::TimingOptions {
            clock: p.metrics.runtime.as_ref().map_or(opm_search::Clock::Cpu, |r| r.clock),
            ..Default::default()
        },
        run_args: p.run_args.clone(),
        strip_optnone: false,
        run: p.objective == Objective::Runtime,
        audit: None,
        progress: false,
        speaker: "opm-driver",
        worker_exe: opts.worker_exe.clone(),
        observer: None,
        link: opts.link.clone(),
        verify_each_pass: false,
        avoid: false,
        warm_start: Vec::new(),
    };
    let signals = measure(&options)?;
    signals.into_iter().next().ok_or_else(|| {
        ReplayError::Rejected(format!("the plan `{}` gave nothing to measure", p.plan))
    })
}

/// Each attested metric against the one measured here.
fn compare(
    attested: &opm_market::attest::AttestedMetrics,
    here: &PerformanceSignal,
) -> Vec<MetricReplay> {
    let exact = |metric: &str, a: u64, h: Option<u64>| MetricReplay {
        metric: metric.into(),
        attested: a.to_string(),
        here: h.map_or_else(|| "not measured".into(), |h| h.to_string()),
        outcome: if h == Some(a) { Outcome::Reproduced } else { Outcome::Differs },
    };
    let mut out = Vec::new();
    if let Some(a) = attested.instcount {
        out.push(exact("instcount", a, here.metrics.instcount));
    }
    if let Some(a) = attested.text_bytes {
        out.push(exact("text_bytes", a, here.metrics.text_bytes));
    }
    if let Some(a) = &attested.runtime {
        out.push(runtime(a, here));
    }
    out
}

fn runtime(attested: &AttestedRuntime, here: &PerformanceSignal) -> MetricReplay {
    let interval = |median: f64, (lo, hi): (f64, f64)| {
        format!("median {:.3} ms (95% {:.3}–{:.3} ms)", median / 1e6, lo / 1e6, hi / 1e6)
    };
    let attested_text = interval(attested.median_ns, attested.ci95_ns);
    match &here.metrics.runtime {
        Some(r) => {
            let (lo, hi) = attested.ci95_ns;
            let inside = lo <= r.median_ns && r.median_ns <= hi;
            MetricReplay {
                metric: "runtime".into(),
                attested: attested_text,
                here: interval(r.median_ns, r.ci95_ns),
                outcome: if inside { Outcome::Reproduced } else { Outcome::Outside },
            }
        }
        None => MetricReplay {
            metric: "runtime".into(),
            attested: attested_text,
            here: "not measured".into(),
            outcome: Outcome::Differs,
        },
    }
}

/// The host's CPU as the kernel names it (what an attestation records).
pub fn host_cpu() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines().find_map(|l| {
                l.strip_prefix("model name")?.split_once(':').map(|(_, v)| v.trim().to_string())
            })
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string())
}

/// The replay as a person reads it.
pub fn render(r: &Replay) -> String {
    let p = &r.statement.predicate;
    let subject = r.statement.subject.first().map(|s| s.name.as_str()).unwrap_or_default();
    let mut text = format!(
        "signature: verified (key {})\nmodule:    {subject}: digest matches\nplan:      {} ({}, objective {})\n",
        r.key_id,
        p.plan,
        p.backend.name(),
        p.objective.name()
    );
    for t in &r.tools {
        let mark = if t.matches() { "same" } else { "DIFFERENT" };
        text.push_str(&format!(
            "tool:      {} attested {}, here {} ({mark})\n",
            t.tool,
            t.attested,
            t.here.as_deref().unwrap_or("none")
        ));
    }
    if let Some(cpu) = &r.other_cpu {
        text.push_str(&format!("cpu:       attested {}, here {cpu}\n", p.host_cpu));
    }
    for m in &r.metrics {
        let outcome = match m.outcome {
            Outcome::Reproduced => "reproduced",
            Outcome::Differs => "DIFFERS",
            Outcome::Outside => "outside the attested interval",
        };
        text.push_str(&format!(
            "{:<10} {outcome}: attested {}, here {}\n",
            format!("{}:", m.metric),
            m.attested,
            m.here
        ));
    }
    text.push_str(&match &r.verdict {
        ReplayVerdict::Reproduced if r.metrics.iter().any(|m| m.outcome == Outcome::Outside) => {
            "replay: reproduced (run time outside the attested interval: timing on a shared or \
             another machine is not exact)\n"
                .to_string()
        }
        ReplayVerdict::Reproduced => "replay: reproduced\n".to_string(),
        ReplayVerdict::Differs(why) => format!("replay: DIFFERS: {why}\n"),
        ReplayVerdict::CannotReplay(why) => format!("replay: cannot replay: {why}\n"),
    });
    text
}
