//! Picking a search's winner: the best candidate, written again, checked to be what was
//! measured, and run against the reference; a candidate that fails is not a winner, is marked
//! with what it is, and the next one is tried, down to the presets.

use super::OptimizeOptions;
use super::audit::Audit;
use crate::engine::{AgainFailure, ConfirmFailure, Engine};
use crate::error::Error;
use crate::signals::SignalSink;
use crate::timing::Confirmation;
use opm_backend::Pipeline;
use opm_search::{AuditEntry, History, Objective, Origin, PerformanceSignal, Verdict};
use std::collections::HashSet;
use std::path::Path;

/// How many of the ranking's best distinct results are tried, in rank order, before the
/// rest of the ranking is narrowed to the results whose output already matched the
/// reference's during the search, and then to the presets.
const TRIES: usize = 10;

/// Why a result failed the winner's check: the verdict its candidates get, or `None` when
/// it is only skipped (a result that is not reproducible says nothing of its program).
struct Failed {
    verdict: Option<Verdict>,
    why: String,
}

/// The winner of `history` (see the module's doc) and whether its output was compared with
/// the reference's. With `opts.output`, the winner's module or object is copied there.
///
/// The ranking is walked in this order, each distinct result once: its [`TRIES`] best, then
/// the results whose output matched the reference's when they were measured, then the
/// presets measured at the start, the last resort. A result that fails marks every
/// candidate with it in `history` (and in the signals file, as a corrected line for each,
/// so that `--resume` knows), so that the report does not rank it. `None` only when not
/// even a preset builds and runs correctly.
pub(super) fn pick(
    opts: &OptimizeOptions,
    engine: &Engine,
    history: &mut History,
    sink: &SignalSink,
    audit: &mut Audit,
    notes: &mut Vec<String>,
    baseline: Option<(&str, &Pipeline)>,
) -> Result<(Option<PerformanceSignal>, bool, Option<Confirmation>), Error> {
    let scratch = tempfile::Builder::new()
        .prefix("opm-winner-")
        .tempdir()
        .map_err(|source| Error::io(std::env::temp_dir(), source))?;
    let ranked: Vec<PerformanceSignal> = history.ranked().into_iter().cloned().collect();
    let checked_during_search =
        |c: &&PerformanceSignal| c.identity.as_ref().is_some_and(|id| engine.passed_check(id));
    let order = ranked
        .iter()
        .take(TRIES)
        .chain(ranked.iter().filter(checked_during_search))
        .chain(ranked.iter().filter(|c| c.origin == Origin::Preset));
    let mut tried = HashSet::new();
    let mut failed = 0;
    for candidate in order {
        // Identical results fail identically.
        if !tried.insert(candidate.identity.clone()) {
            continue;
        }
        if opts.output.is_none() && !engine.has_reference() {
            return Ok((Some(candidate.clone()), false, None));
        }
        // A run-time winner stands only if it is faster than the baseline when the two are
        // timed again side by side; otherwise the baseline is the winner.
        let checked = check(opts, engine, candidate, scratch.path()).and_then(|checked| {
            Ok((checked, confirm(opts, engine, history, candidate, baseline, notes)?))
        });
        match checked {
            Ok((checked, confirmation)) => {
                if let Some((c, base)) = &confirmation
                    && !c.stands
                    && let Ok(checked) = check(opts, engine, base, scratch.path())
                {
                    if let Some(out) = &opts.output {
                        crate::atomic::copy(&written(opts, scratch.path()), out)
                            .map_err(|source| Error::io(out, source))?;
                    }
                    let base = with_code_size(engine, base, scratch.path());
                    audit.record(AuditEntry::WinnerChecked {
                        pipeline: base.pipeline.clone(),
                        verdict: Verdict::Ok,
                    })?;
                    return Ok((Some(base), checked, Some(c.clone())));
                }
                // The output file's trouble (a full disk, a read-only directory) is the
                // user's to fix, not the candidate's: it ends the search with that error.
                if let Some(out) = &opts.output {
                    crate::atomic::copy(&written(opts, scratch.path()), out)
                        .map_err(|source| Error::io(out, source))?;
                }
                let candidate = &with_code_size(engine, candidate, scratch.path());
                audit.record(AuditEntry::WinnerChecked {
                    pipeline: candidate.pipeline.clone(),
                    verdict: Verdict::Ok,
                })?;
                if failed > 0 {
                    notes.push(format!(
                        "{failed} better result{} failed the winner's check; the winner is \
                         `{}` ({})",
                        if failed == 1 { "" } else { "s" },
                        candidate.pipeline,
                        candidate.origin.name()
                    ));
                }
                return Ok((Some(candidate.clone()), checked, confirmation.map(|(c, _)| c)));
            }
            Err(Failed { verdict, why }) => {
                if let Some(failure) = engine.reference_failure() {
                    return Err(failure);
                }
                failed += 1;
                notes.push(format!("`{}` is not chosen: {why}", candidate.pipeline));
                audit.record(AuditEntry::WinnerChecked {
                    pipeline: candidate.pipeline.clone(),
                    verdict: verdict.unwrap_or(Verdict::Crash),
                })?;
                if let (Some(verdict), Some(identity)) = (verdict, &candidate.identity) {
                    history.reject(identity, verdict, &why);
                    for s in
                        history.signals.iter().filter(|s| s.identity.as_ref() == Some(identity))
                    {
                        sink.write(s).map_err(|source| {
                            Error::io(opts.signals.clone().unwrap_or_default(), source)
                        })?;
                    }
                }
            }
        }
    }
    Ok((None, false, None))
}

/// For the runtime objective, `candidate` (the winner so far) timed again against
/// `baseline` in interleaved pairs: the confirmation and the baseline's signal, with a note
/// when the baseline stays the winner. `None` when there is nothing to confirm (another
/// objective, no baseline measured valid, the winner is the baseline, `--confirm-pairs 0`)
/// or the timing failed for another reason than the winner's run (said in a note; the winner
/// then stands, as checked). A run of the winner that fails is its failure.
fn confirm(
    opts: &OptimizeOptions,
    engine: &Engine,
    history: &History,
    candidate: &PerformanceSignal,
    baseline: Option<(&str, &Pipeline)>,
    notes: &mut Vec<String>,
) -> Result<Option<(Confirmation, PerformanceSignal)>, Failed> {
    if opts.objective != Objective::Runtime || !opts.run || !engine.has_reference() {
        return Ok(None);
    }
    let Some((name, pipeline)) = baseline else { return Ok(None) };
    let Some(base) = history.signal_of(pipeline).filter(|b| b.verdict == Verdict::Ok) else {
        return Ok(None);
    };
    if base.identity.is_some() && base.identity == candidate.identity {
        return Ok(None);
    }
    if opts.timing.confirm_pairs == 0 {
        notes.push(format!(
            "the winner was not timed again against {name} (--confirm-pairs 0): its run time \
             is the search's, the median of its own runs"
        ));
        return Ok(None);
    }
    let timed = match engine.confirm(base, candidate, opts.timing.confirm_pairs) {
        Ok(t) => t,
        // A run of the winner that fails now is its verdict: it is not the winner.
        Err(ConfirmFailure::Candidate(r)) => {
            return Err(Failed {
                verdict: Some(r.verdict),
                why: format!("timed again against {name}, a run failed: {}", r.detail),
            });
        }
        Err(ConfirmFailure::Other(why)) => {
            notes.push(format!("the winner could not be timed again against {name}: {why}"));
            return Ok(None);
        }
    };
    let c = Confirmation::of(
        (name, &pipeline.text()),
        &candidate.pipeline.text(),
        &timed,
        &opts.timing,
    );
    if !c.stands {
        let text = candidate.pipeline.text();
        // A backend's settings all at their defaults are an empty text.
        let shown =
            if text.is_empty() { "the default settings".into() } else { format!("`{text}`") };
        notes.push(format!(
            "{shown} is not the winner: timed again against {name}, it is {}; the baseline \
             {name} (`{pipeline}`) stays the winner",
            c.text()
        ));
    }
    Ok(Some((c, base.clone())))
}

/// `candidate`, with its `.text` bytes measured now if its search did not generate its code
/// (it could not become the best when measured, yet is the winner once better results
/// failed their check): a winner's metrics are complete. Unchanged when that fails.
pub(super) fn with_code_size(
    engine: &Engine,
    candidate: &PerformanceSignal,
    scratch: &Path,
) -> PerformanceSignal {
    let mut winner = candidate.clone();
    if winner.metrics.text_bytes.is_none() {
        let object = scratch.join("winner.o");
        let size = engine
            .write_object(&winner.pipeline, &object)
            .ok()
            .and_then(|()| std::fs::read(&object).ok())
            .and_then(|bytes| opm_backend::object::text_bytes(&bytes).ok());
        winner.metrics.text_bytes = size;
    }
    winner
}

/// Writes `candidate`'s result again, checks that it is what was measured and, when the
/// program can run, that it prints what the reference prints (the caller copies it to
/// `opts.output`). Returns whether its output was compared. A result whose run matched the
/// reference's during the search is not written again when there is no output to write.
fn check(
    opts: &OptimizeOptions,
    engine: &Engine,
    candidate: &PerformanceSignal,
    scratch: &Path,
) -> Result<bool, Failed> {
    let ran = candidate.identity.as_ref().is_some_and(|id| engine.passed_check(id));
    if ran && opts.output.is_none() {
        return Ok(true);
    }
    let path = written(opts, scratch);
    // Written again, it is the result measured.
    let module = write_winner(engine, candidate, &path)?;
    let output = if ran { Some(Ok(())) } else { engine.check_output(&path, module.as_ref()) };
    let checked = match output {
        None => false,
        Some(Ok(())) => true,
        // The run's own verdict, as a check during the search gives it.
        Some(Err(r)) => {
            let why = match r.verdict {
                Verdict::Miscompile => format!("a miscompile ({})", r.detail),
                v => format!("its run failed, a {} ({})", v.name(), r.detail),
            };
            return Err(Failed { verdict: Some(r.verdict), why });
        }
    };
    Ok(checked)
}

/// Where [`check`] leaves the result it wrote again.
fn written(opts: &OptimizeOptions, scratch: &Path) -> std::path::PathBuf {
    scratch.join(if opts.backend.transforms_ir() { "best.ll" } else { "best.o" })
}

/// Writes the winner `candidate` to `path` again and checks that it is what was measured
/// (see [`Engine::write_again`]): LLVM's module read back and verified is returned; another
/// backend's object must have the measured bytes. Otherwise says why not, as a note.
fn write_winner(
    engine: &Engine,
    candidate: &PerformanceSignal,
    path: &Path,
) -> Result<Option<opm_ir::Module>, Failed> {
    let written = engine.write_again(candidate.identity.as_ref(), &candidate.pipeline).map_err(
        |failure| match failure {
            AgainFailure::Skipped(why) => Failed { verdict: None, why },
            AgainFailure::Invalid(why) => {
                Failed { verdict: Some(Verdict::InvariantViolation), why }
            }
        },
    )?;
    if std::fs::rename(&written.path, path).is_err() {
        std::fs::copy(&written.path, path).map_err(|e| Failed {
            verdict: None,
            why: format!("it could not be written to {}: {e}", path.display()),
        })?;
    }
    Ok(written.module)
}
