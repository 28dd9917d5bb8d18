//! `cargo opm tune`: the binary's whole-program module searched, the winner built and
//! compared with cargo's builds.

use crate::args::{BackendArg, DEFAULT_TUNE_TIMEOUT, TABLE_RUNS, TuneArgs};
use crate::compile::{ModuleBuilder, worker_exe};
use crate::error::Error;
use crate::measure::{Comparison, Entry, render, text_bytes, time_runs};
use crate::session::Session;
use crate::store::{Plan, Ranked, Ranking, Winner, copy, write_json};
use opm_backend::BackendKind;
use opm_engine::optimize::all::{Row, optimize_all};
use opm_engine::optimize::{OptimizeOptions, OptimizeReport, optimize};
use opm_search::{Budget, Identity, Objective, PerformanceSignal, verdict_counts};
use std::collections::HashSet;

/// How many distinct candidates the ranking keeps (the winner and those `test` may fall back
/// on).
const RANKED: usize = 10;

fn cpus() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
}

/// The distinct valid candidates of `report` from its winner `best` on, best first (those
/// ranked above the winner failed its checks), at most `limit`, each with `plan`'s backend
/// and mid-end when `all` (the candidates of `--backend all` name their own).
fn ranked(
    report: &OptimizeReport,
    best: &PerformanceSignal,
    plan: &Plan,
    all: bool,
    limit: usize,
) -> Vec<Ranked> {
    let ranked = report.history.ranked();
    let from = ranked.iter().position(|s| s.pipeline == best.pipeline).unwrap_or(0);
    let mut seen: HashSet<Option<Identity>> = HashSet::new();
    let mut candidates = Vec::new();
    for s in ranked.into_iter().skip(from) {
        if !seen.insert(s.identity.clone()) {
            continue;
        }
        let Some(score) = s.score() else { continue };
        candidates.push(Ranked {
            backend: all.then_some(plan.backend),
            mid_end: plan.mid_end.clone(),
            pipeline: s.pipeline.text(),
            score,
            metrics: s.metrics.clone(),
            identity: s.identity.as_ref().map(|i| i.as_str().to_string()),
            eval: s.eval,
            rejected: None,
        });
        if candidates.len() >= limit {
            break;
        }
    }
    candidates
}

/// Why `report`'s search found no winner, in one line; `hint` says what its backend lacks.
fn no_winner(report: &OptimizeReport, hint: bool) -> String {
    let counts: Vec<String> = verdict_counts(&report.history.signals)
        .iter()
        .map(|(v, n)| format!("{n} {}", v.name()))
        .collect();
    let first_reason = report
        .history
        .signals
        .iter()
        .find_map(|s| s.detail.as_deref())
        .map(|d| format!("; first: {}", d.lines().next().unwrap_or(d)))
        .unwrap_or_default();
    let hint = match report.backend {
        _ if !hint => String::new(),
        BackendKind::Llvm => String::new(),
        BackendKind::Gcc => " (gcc cannot build unwinding, `invoke`, which std's code brings \
             unless the profile sets panic = \"abort\"; --backend llvm or cranelift builds it)"
            .to_string(),
        other => {
            format!(" ({} cannot build this module yet; --backend llvm builds it)", other.name())
        }
    };
    format!(
        "no valid candidate among {} evaluated ({}){first_reason}{hint}",
        report.history.signals.len(),
        counts.join(", ")
    )
}

/// What a search found: the winner, its plan, and what `winner.json` and `ranking.json` keep
/// of the search.
struct Found {
    best: PerformanceSignal,
    plan: Plan,
    ranking: Ranking,
    /// The structural hash of the module searched (for a cross plan, the input's).
    module_hash: String,
    evaluations: usize,
    stop_reason: String,
    output_checked: bool,
}

/// One backend's search.
fn search_one(opts: &OptimizeOptions) -> Result<Found, Error> {
    let report = optimize(opts)?;
    for note in &report.notes {
        eprintln!("cargo-opm: note: {note}");
    }
    print!("{}", opm_engine::report::render(&report, 8));
    let Some(best) = report.best.clone() else {
        return Err(Error::Failed(no_winner(&report, true)));
    };
    let plan = Plan { backend: report.backend, mid_end: None, pipeline: best.pipeline.text() };
    let candidates = ranked(&report, &best, &plan, false, RANKED);
    Ok(Found {
        ranking: Ranking { backend: plan.backend, objective: report.problem.objective, candidates },
        plan,
        best,
        module_hash: report.problem.module_hash.clone(),
        evaluations: report.history.signals.len(),
        stop_reason: report.stop_reason.clone(),
        output_checked: report.output_checked,
    })
}

/// `--backend all`: every backend's search and the cross plans (the engine's
/// [`optimize_all`]). The ranking is the winning search's candidates, then every other
/// search's best.
fn search_all(opts: &OptimizeOptions) -> Result<Found, Error> {
    let report = optimize_all(opts)?;
    print!("{}", report.render());
    let Some(row) = report.winner() else {
        let why: Vec<String> = report
            .rows
            .iter()
            .map(|r| format!("{}: {}", r.label, no_winner(&r.report, false)))
            .collect();
        return Err(Error::Failed(format!(
            "no backend found a valid candidate ({})",
            why.join("; ")
        )));
    };
    let Some(best) = row.report.best.clone() else {
        return Err(Error::Failed(format!("{}: {}", row.label, no_winner(&row.report, false))));
    };
    let plan_of = |r: &Row, best: &PerformanceSignal| Plan {
        backend: r.report.backend,
        mid_end: r.mid_end.clone(),
        pipeline: best.pipeline.text(),
    };
    let plan = plan_of(row, &best);
    let mut candidates = ranked(&row.report, &best, &plan, true, RANKED);
    for other in report.rows.iter().filter(|r| r.label != row.label) {
        if let Some(b) = &other.report.best {
            candidates.extend(ranked(&other.report, b, &plan_of(other, b), true, 1));
        }
    }
    let input = report.rows.iter().find(|r| r.mid_end.is_none()).unwrap_or(row);
    Ok(Found {
        ranking: Ranking { backend: plan.backend, objective: report.objective, candidates },
        plan,
        best,
        module_hash: input.report.problem.module_hash.clone(),
        evaluations: report.rows.iter().map(|r| r.report.history.signals.len()).sum(),
        stop_reason: row.report.stop_reason.clone(),
        output_checked: row.report.output_checked,
    })
}

pub fn tune(args: &TuneArgs) -> Result<(), Error> {
    let started = std::time::Instant::now();
    let s = Session::open(&args.project)?;
    let (backend, searched) = match args.backend {
        BackendArg::One(b) => (b, format!("{} pipelines", b.name())),
        // The engine's `optimize_all` searches each backend in turn.
        BackendArg::All => (BackendKind::Llvm, "every backend's pipelines".to_string()),
    };
    let objective = Objective::from(args.objective);
    eprintln!(
        "cargo-opm: building `{}`'s whole program (fat LTO, rustc's temporary files kept) in {}",
        s.bin.name,
        s.build_dir().display()
    );
    let (module_build, module) = s.build_module(true)?;
    let prepare_time = s.store_module(&module)?;
    let signals = s.store.signals();
    let _ = std::fs::remove_file(&signals);
    let strategy = args.strategy;
    let max_evals = args.max_evals();
    let run_args = s.project.args.run_args.clone();
    let opts = OptimizeOptions {
        file: s.store.module(),
        output: None,
        backend,
        objective,
        strategy,
        pipelines: Vec::new(),
        budget: Budget {
            max_evals,
            wall_time: args.budget_time,
            compile_timeout: args.timeout.unwrap_or(DEFAULT_TUNE_TIMEOUT),
            compile_timeout_fixed: args.timeout.is_some(),
            ..Budget::default()
        },
        jobs: args.jobs.unwrap_or_else(cpus).max(1),
        signals: Some(signals.clone()),
        resume: false,
        seed: args.seed,
        runs: args.runs.max(1),
        timing: Default::default(),
        run_args: run_args.clone(),
        strip_optnone: false,
        run: true,
        audit: None,
        progress: true,
        speaker: "cargo-opm",
        worker_exe: worker_exe()?,
        observer: None,
        link: module.link.clone(),
        // A whole program: LLVM's verifier once per step (opm's checks run after each step).
        verify_each_pass: false,
        avoid: true,
        warm_start: Vec::new(),
    };
    eprintln!(
        "cargo-opm: searching {searched} for `{}` ({} evaluations at most, objective {})",
        s.bin.name,
        max_evals.map_or_else(|| "no limit on".to_string(), |n| n.to_string()),
        objective.name()
    );
    let found = match args.backend {
        BackendArg::One(_) => search_one(&opts)?,
        BackendArg::All => search_all(&opts)?,
    };
    let Found { best, plan, ranking, .. } = &found;

    eprintln!("cargo-opm: building `{}` with the winner `{plan}` ({})", s.bin.name, plan.label());
    let mut builder = ModuleBuilder::load_plan(&s.store.module(), plan)?;
    let compiled = builder.build(&plan.pipeline, &module.link, &s.store.exe())?;
    let load_time = builder.load_time;
    drop(builder);
    if Some(&compiled.identity) != best.identity.as_ref() {
        return Err(Error::Failed(format!(
            "`{plan}` built again gives {}, not what was measured ({}): not stored",
            compiled.identity,
            best.identity.as_ref().map_or("nothing", Identity::as_str)
        )));
    }
    let opm_time = module_build
        .crate_only
        .then_some(module_build.elapsed + prepare_time + load_time + compiled.elapsed);

    eprintln!("cargo-opm: building `{}` as cargo does, with and without fat LTO", s.bin.name);
    let host = s.rustc.host.clone();
    let mut entries = Vec::new();
    for (fat, name, label) in [
        (false, "release", s.cargo_label()),
        (true, "fat-lto", format!("{} + fat LTO", s.cargo_label())),
    ] {
        let built = s.project.cargo_build_timed(&s.baseline_spec(fat), &host)?;
        let exe = s.store.baseline_exe(name);
        copy(&built.exe, &exe)?;
        entries.push(Entry {
            label,
            text_bytes: text_bytes(&exe)?,
            exe,
            build_time: built.crate_only.then_some(built.elapsed),
            run_time: None,
        });
    }
    let exe = s.store.exe();
    entries.push(Entry {
        label: format!("cargo opm build ({})", plan.label()),
        text_bytes: text_bytes(&exe)?,
        exe,
        build_time: opm_time,
        run_time: None,
    });
    eprintln!("cargo-opm: running each build {} times", TABLE_RUNS + 1);
    time_runs(&mut entries, &run_args, TABLE_RUNS)?;

    let winner = Winner {
        bin: s.bin.name.clone(),
        package: s.bin.package.clone(),
        backend: plan.backend,
        mid_end: plan.mid_end.clone(),
        pipeline: plan.pipeline.clone(),
        objective,
        identity: best.identity.as_ref().map(|i| i.as_str().to_string()),
        module_hash: found.module_hash.clone(),
        metrics: best.metrics.clone(),
        run_args,
        profile: s.project.args.profile.clone(),
        cargo_args: s.project.args.passthrough.clone(),
        seed: args.seed,
        evaluations: found.evaluations,
        stop_reason: found.stop_reason.clone(),
        output_checked: found.output_checked,
        chosen_by: "tune".into(),
        tests_passed: false,
        rustc: s.rustc.version.clone(),
        rustc_llvm: s.rustc.llvm.clone(),
        opm_llvm: s.opm_llvm.clone(),
        opm: format!("{} ({})", opm_buildinfo::VERSION, opm_buildinfo::COMMIT),
    };
    write_json(&s.store.ranking_path(), ranking)?;
    write_json(&s.store.winner_path(), &winner)?;
    let comparison = Comparison::new(&entries, TABLE_RUNS, &winner.run_args, started.elapsed());
    write_json(&s.store.comparison_path(), &comparison)?;

    println!();
    print!("{}", render(&entries, TABLE_RUNS));
    println!(
        "(.text of each executable; run time: median of {TABLE_RUNS} runs after a warm-up, \
         every run printing what cargo's build prints; build time: the binary's crate alone, \
         its dependencies built — for opm, cargo's fat-LTO build of the crate, then opm's \
         preparation, passes, code generation and link)"
    );
    println!(
        "winner: `{plan}` ({}), {} evaluations, {}",
        plan.label(),
        winner.evaluations,
        winner.stop_reason
    );
    println!("stored: {}", s.store.winner_path().display());
    println!("binary: {} (`cargo opm build` builds it again)", s.store.exe().display());
    Ok(())
}
