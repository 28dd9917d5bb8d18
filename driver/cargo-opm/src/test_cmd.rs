//! `cargo opm test`: the crate's tests, each test target's whole program built with the
//! stored winner. A candidate that fails a test is rejected (recorded in `ranking.json`) and
//! the next-best distinct one of the search is tried; one other than `tune`'s winner must also
//! make the binary behave as cargo's build does before it becomes the winner.

use crate::args::TestArgs;
use crate::cargo::{Built, Module, Select, Spec, is_lib_kind};
use crate::compile::ModuleBuilder;
use crate::error::Error;
use crate::measure::compare_once;
use crate::session::{Session, prepare_timed};
use crate::store::{Plan, Ranking, write_json};
use cargo_metadata::{Package, TargetKind};
use std::path::{Path, PathBuf};
use std::process::Command;

/// One test target: how cargo builds it, and what that gave.
struct Harness {
    spec: Spec,
    dir: PathBuf,
    version: String,
    built: Built,
    module: Module,
    /// The module prepared for opm ([`crate::compile::prepare`]).
    prepared: PathBuf,
    /// Its worker, once loaded (kept for the next candidate).
    builder: Option<ModuleBuilder>,
    /// Whether cargo's own build of it passes (asked once, when ours fails).
    cargo_passes: Option<bool>,
}

/// The packages whose tests run.
fn packages<'a>(s: &'a Session, args: &TestArgs) -> Result<Vec<&'a Package>, Error> {
    if args.workspace {
        return Ok(s.project.workspace_packages());
    }
    if args.package.is_empty() {
        let own = s.project.workspace_packages();
        return Ok(own.into_iter().filter(|p| p.id.repr == s.bin.package_id).collect());
    }
    let mut out: Vec<&Package> = Vec::new();
    for spec in &args.package {
        let found = s.project.packages_named(spec);
        if found.is_empty() {
            return Err(Error::Usage(format!("no package `{spec}` in this workspace")));
        }
        for p in found {
            if !out.iter().any(|q| q.id == p.id) {
                out.push(p);
            }
        }
    }
    Ok(out)
}

/// The test targets `cargo test` runs in `packages` (libraries, binaries, integration tests;
/// not doctests), as cargo specs.
fn harness_specs(s: &Session, packages: &[&Package]) -> Vec<(Spec, PathBuf, String)> {
    let mut out = Vec::new();
    for p in packages {
        let dir = p.manifest_path.parent().map(|d| d.to_path_buf().into_std_path_buf());
        let dir = dir.unwrap_or_else(|| s.bin.package_dir.clone());
        for t in p.targets.iter().filter(|t| t.test) {
            let select = if t.kind.contains(&TargetKind::Bin) {
                Select::Bin(t.name.clone())
            } else if t.kind.contains(&TargetKind::Test) {
                Select::Test(t.name.clone())
            } else if t.kind.iter().any(is_lib_kind) {
                Select::Lib(t.name.clone())
            } else {
                continue;
            };
            if !t.required_features.is_empty() {
                eprintln!(
                    "cargo-opm: note: skipping {} of `{}`, which requires features {}",
                    select.describe(),
                    p.name,
                    t.required_features.join(", ")
                );
                continue;
            }
            let spec = Spec {
                package_id: p.id.repr.clone(),
                package: p.name.to_string(),
                select,
                profile: "bench".into(),
                fat_lto: true,
                keep_module: true,
                harness: true,
                target_dir: s.project.opm_dir().join("test"),
            };
            out.push((spec, dir.clone(), p.version.to_string()));
        }
    }
    out
}

/// Runs a test harness as `cargo test` does: in its package's directory, with the package's
/// variables. Returns whether it passed.
fn run_harness(exe: &Path, h: &Harness, args: &[String]) -> Result<bool, Error> {
    let status = Command::new(exe)
        .args(args)
        .current_dir(&h.dir)
        .env("CARGO_MANIFEST_DIR", &h.dir)
        .env("CARGO_PKG_NAME", &h.spec.package)
        .env("CARGO_PKG_VERSION", &h.version)
        .status()
        .map_err(|e| Error::io(exe, e))?;
    Ok(status.success())
}

/// Tests with `pipeline`: `None` when every harness passes, else why not. An error when a
/// harness fails with cargo's own build too (the tests fail by themselves).
fn try_candidate(
    s: &Session,
    harnesses: &mut [Harness],
    plan: &Plan,
    args: &[String],
) -> Result<Option<String>, Error> {
    for h in harnesses.iter_mut() {
        let what = format!("{} of `{}`", h.spec.select.describe(), h.spec.package);
        if h.builder.as_ref().is_some_and(|b| !b.builds(plan)) {
            h.builder = None;
        }
        let builder = match h.builder.as_mut() {
            Some(b) => b,
            None => match ModuleBuilder::load_plan(&h.prepared, plan) {
                Ok(b) => h.builder.insert(b),
                // A mid-end rejected on this module rejects the plan.
                Err(e) if plan.mid_end.is_some() => {
                    return Ok(Some(format!("{what} does not build with it: {e}")));
                }
                Err(e) => return Err(e),
            },
        };
        let label = format!("{}-{}", h.spec.package, h.spec.select.name());
        let exe = s.store.test_dir().join(label);
        if let Err(e) = builder.build(&plan.pipeline, &h.module.link, &exe) {
            // A worker that crashed is gone: the next candidate loads a new one.
            h.builder = None;
            return Ok(Some(format!("{what} does not build with it: {e}")));
        }
        eprintln!("     Running {what} built with `{plan}` ({})", exe.display());
        if run_harness(&exe, h, args)? {
            continue;
        }
        let cargo_passes = match h.cargo_passes {
            Some(p) => p,
            None => {
                eprintln!("cargo-opm: the same tests built by cargo alone:");
                let p = run_harness(&h.built.exe.clone(), h, args)?;
                h.cargo_passes = Some(p);
                p
            }
        };
        if !cargo_passes {
            return Err(Error::Failed(format!(
                "{what} fails its tests when cargo builds it too (without opm: {}): the tests \
                 fail by themselves",
                h.built.exe.display()
            )));
        }
        return Ok(Some(format!("{what} fails its tests")));
    }
    Ok(None)
}

pub fn test(args: &TestArgs) -> Result<(), Error> {
    let s = Session::open(&args.project)?;
    let mut winner = s.store.winner()?;
    let mut ranking: Ranking = s.store.ranking()?;
    let packages = packages(&s, args)?;
    let specs = harness_specs(&s, &packages);
    if specs.is_empty() {
        let names: Vec<String> = packages.iter().map(|p| p.name.to_string()).collect();
        return Err(Error::Usage(format!("no test targets in {}", names.join(", "))));
    }
    let mut harnesses = Vec::new();
    for (spec, dir, version) in specs {
        eprintln!(
            "cargo-opm: building the tests of {} of `{}` (whole program, fat LTO)",
            spec.select.describe(),
            spec.package
        );
        let (built, module) = s.module_of(&spec, false)?;
        let label = format!("{}-{}", spec.package, spec.select.name());
        let prepared = s.store.test_dir().join(format!("{label}.ll"));
        prepare_timed(&module.bitcode, &prepared)?;
        harnesses.push(Harness {
            spec,
            dir,
            version,
            built,
            module,
            prepared,
            builder: None,
            cargo_passes: None,
        });
    }
    let first = winner.plan();
    let mut candidates = vec![first.clone()];
    for c in ranking.candidates.iter().filter(|c| c.rejected.is_none()) {
        let plan = c.plan(ranking.backend);
        if !candidates.contains(&plan) {
            candidates.push(plan);
        }
    }
    let test_args = s.project.args.run_args.clone();
    let mut rejected = Vec::new();
    let mut chosen = None;
    for plan in &candidates {
        let mut why = try_candidate(&s, &mut harnesses, plan, &test_args)?;
        if why.is_none() && *plan != first {
            why = check_binary(&s, plan, &winner.run_args)?;
        }
        match why {
            None => {
                chosen = Some(plan.clone());
                break;
            }
            Some(why) => {
                eprintln!("cargo-opm: `{plan}` is rejected: {why}");
                let backend = ranking.backend;
                for c in ranking.candidates.iter_mut().filter(|c| c.plan(backend) == *plan) {
                    c.rejected = Some(why.clone());
                }
                write_json(&s.store.ranking_path(), &ranking)?;
                rejected.push(plan.to_string());
            }
        }
    }
    let Some(chosen) = chosen else {
        return Err(Error::Failed(format!(
            "no stored candidate passes the tests ({} tried, see {}); run `cargo opm tune` again",
            candidates.len(),
            s.store.ranking_path().display()
        )));
    };
    if chosen != first {
        let ranked = ranking.candidates.iter().find(|c| c.plan(ranking.backend) == chosen);
        winner.identity = ranked.and_then(|c| c.identity.clone());
        if let Some(c) = ranked {
            winner.metrics = c.metrics.clone();
        }
        winner.backend = chosen.backend;
        winner.mid_end = chosen.mid_end.clone();
        winner.pipeline = chosen.pipeline.clone();
        winner.chosen_by = "test".into();
    }
    winner.tests_passed = true;
    write_json(&s.store.winner_path(), &winner)?;
    let n = harnesses.len();
    let previous = if rejected.is_empty() {
        String::new()
    } else {
        format!(
            "; rejected: {}",
            rejected.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(", ")
        )
    };
    println!(
        "tests passed with `{chosen}` ({}), {n} test target{}{previous}",
        chosen.label(),
        if n == 1 { "" } else { "s" }
    );
    Ok(())
}

/// A candidate other than `tune`'s winner becomes the winner only if the binary built with it
/// behaves as cargo's fat-LTO build of it does (the search ran only the candidates that
/// improved on the best). Returns why not, if it does not.
fn check_binary(s: &Session, plan: &Plan, run_args: &[String]) -> Result<Option<String>, Error> {
    eprintln!("cargo-opm: checking `{}` built with `{plan}` against cargo's build", s.bin.name);
    let (built, module) = s.build_module(false)?;
    let prepared = s.store.build_module();
    prepare_timed(&module.bitcode, &prepared)?;
    let mut builder = match ModuleBuilder::load_plan(&prepared, plan) {
        Ok(b) => b,
        Err(e) if plan.mid_end.is_some() => {
            return Ok(Some(format!("`{}` does not build with it: {e}", s.bin.name)));
        }
        Err(e) => return Err(e),
    };
    let exe = s.store.dir.join("candidate").join(&s.bin.name);
    if let Err(e) = builder.build(&plan.pipeline, &module.link, &exe) {
        return Ok(Some(format!("`{}` does not build with it: {e}", s.bin.name)));
    }
    if let Some(d) = compare_once(&built.exe, &exe, run_args)? {
        return Ok(Some(format!(
            "`{}` built with it behaves otherwise than cargo's build: {d}",
            s.bin.name
        )));
    }
    let target = s.store.exe();
    let _ = std::fs::remove_file(&target);
    std::fs::rename(&exe, &target).map_err(|e| Error::io(&target, e))?;
    if let Some(dir) = exe.parent() {
        let _ = std::fs::remove_dir(dir);
    }
    Ok(None)
}
