//! Picking a search's winner: the best candidate, written again, checked to be what was
//! measured, and run against the reference; a candidate that fails is not a winner and the
//! next one is tried.

use super::OptimizeOptions;
use super::audit::Audit;
use crate::engine::Engine;
use crate::error::Error;
use crate::input::Input;
use crate::worker::ir_identity;
use opm_search::{
    AuditEntry, History, Identity, LocalProblem, ObjectDigest, PerformanceSignal, Verdict,
};
use std::collections::HashSet;
use std::path::Path;

/// How many distinct results are tried before the search is said to have no winner: a winner
/// is found within a few tries or not at all.
const TRIES: usize = 10;

/// The winner of `history` (see the module's doc) and whether its output was compared with
/// the reference's. With `opts.output`, the winner's module or object is copied there.
pub(super) fn pick(
    opts: &OptimizeOptions,
    engine: &Engine,
    problem: &LocalProblem,
    history: &History,
    audit: &mut Audit,
    notes: &mut Vec<String>,
) -> Result<(Option<PerformanceSignal>, bool), Error> {
    let scratch = tempfile::Builder::new()
        .prefix("opm-winner-")
        .tempdir()
        .map_err(|source| Error::io(std::env::temp_dir(), source))?;
    let mut tried = HashSet::new();
    for candidate in history.ranked() {
        // Identical results fail identically.
        if !tried.insert(candidate.identity.clone()) {
            continue;
        }
        if tried.len() > TRIES {
            break;
        }
        if opts.output.is_none() && problem.reference.is_none() {
            return Ok((Some(candidate.clone()), false));
        }
        let name = if opts.backend.transforms_ir() { "best.ll" } else { "best.o" };
        let path = scratch.path().join(name);
        if let Err(note) = write_winner(engine, candidate, &path) {
            notes.push(note);
            continue;
        }
        let checked = match engine.check_output(&path) {
            None => false,
            Some(Ok(())) => true,
            Some(Err(why)) => {
                audit.record(AuditEntry::WinnerChecked {
                    pipeline: candidate.pipeline.clone(),
                    verdict: Verdict::Miscompile,
                })?;
                notes.push(format!("`{}` is a miscompile ({why}); not chosen", candidate.pipeline));
                continue;
            }
        };
        if let Some(out) = &opts.output {
            std::fs::copy(&path, out).map_err(|source| Error::io(out, source))?;
        }
        audit.record(AuditEntry::WinnerChecked {
            pipeline: candidate.pipeline.clone(),
            verdict: Verdict::Ok,
        })?;
        return Ok((Some(candidate.clone()), checked));
    }
    Ok((None, false))
}

/// Writes the winner `candidate` to `path` again and checks that it is what was measured:
/// LLVM's module is read back, verified and must have the measured IR identity; another
/// backend's object must have the measured bytes. Otherwise says why not, as a note.
fn write_winner(engine: &Engine, candidate: &PerformanceSignal, path: &Path) -> Result<(), String> {
    let pipeline = &candidate.pipeline;
    if candidate.backend.transforms_ir() {
        engine
            .write_ir(pipeline, path)
            .map_err(|e| format!("`{pipeline}` could not be written again: {e}"))?;
        return match Input::load_verified(path) {
            Ok(i) if Some(Identity::Ir(ir_identity(&i.module))) == candidate.identity => Ok(()),
            Ok(_) => Err(format!("`{pipeline}` gave different IR when run again")),
            Err(e) => Err(format!("the IR of `{pipeline}` does not verify: {e}")),
        };
    }
    engine
        .write_object(pipeline, path)
        .map_err(|e| format!("`{pipeline}` could not be compiled again: {e}"))?;
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    if Some(Identity::Object(ObjectDigest::of(&bytes))) == candidate.identity {
        Ok(())
    } else {
        Err(format!("`{pipeline}` gave a different object when compiled again"))
    }
}
