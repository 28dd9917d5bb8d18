//! Signals files: one JSON object per evaluated candidate, appended and flushed as soon as it
//! is final, and read back by `--resume`.

use crate::error::Error;
use crate::lock;
use opm_search::PerformanceSignal;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

/// Appends signals to a JSON-lines file, each flushed before the call returns.
pub struct SignalSink {
    file: Option<Mutex<std::fs::File>>,
}

impl SignalSink {
    /// Appends to `path` (created if missing); `None` keeps signals in memory only.
    pub fn open(path: Option<&Path>) -> std::io::Result<SignalSink> {
        let file = match path {
            Some(p) => {
                let mut f = std::fs::OpenOptions::new().create(true).append(true).open(p)?;
                // A line cut short earlier (a full disk before this fix, an editor) is ended,
                // so that it stays one unreadable line instead of swallowing the next.
                if !ends_with_newline(p)? {
                    f.write_all(b"\n")?;
                }
                Some(Mutex::new(f))
            }
            None => None,
        };
        Ok(SignalSink { file })
    }

    /// Writes one signal as one line.
    pub fn write(&self, signal: &PerformanceSignal) -> std::io::Result<()> {
        let Some(file) = &self.file else { return Ok(()) };
        let mut line = serde_json::to_string(signal).map_err(std::io::Error::other)?;
        line.push('\n');
        let mut f = lock(file);
        let before = f.metadata()?.len();
        let written = f.write_all(line.as_bytes()).and_then(|()| f.flush());
        if written.is_err() {
            // A line the disk could not hold is taken back whole: the file keeps only whole
            // records, and the error reaches the caller.
            let _ = f.set_len(before);
        }
        written
    }
}

/// Whether the file at `path` is empty or ends with a newline.
fn ends_with_newline(path: &Path) -> std::io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = std::fs::File::open(path)?;
    if f.metadata()?.len() == 0 {
        return Ok(true);
    }
    f.seek(SeekFrom::End(-1))?;
    let mut last = [0u8; 1];
    f.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}

/// Reads the signals of the problem `problem` from an existing signals file (a missing file
/// has none), and the lines skipped (their number, from 1, and why), for the caller to warn
/// of. A line that cannot be read (cut short by a kill, say) is skipped: its candidate is
/// simply evaluated again. A later line for the same evaluation of the same
/// pipeline corrects the earlier one (a result the winner's check found broken after it was
/// measured). Reading never runs a compiler.
pub fn read_signals(path: &Path, problem: &str) -> Result<ParsedSignals, Error> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Default::default()),
        Err(source) => return Err(Error::io(path, source)),
    };
    Ok(parse_signals(&text, problem))
}

/// Signals read back, and the lines skipped: their number, from 1, and why.
pub type ParsedSignals = (Vec<PerformanceSignal>, Vec<(usize, String)>);

/// The signals of the problem `problem` in the text of a signals file, as [`read_signals`]
/// reads them, and the lines skipped (their number, from 1, and why).
pub fn parse_signals(text: &str, problem: &str) -> ParsedSignals {
    let mut out: Vec<PerformanceSignal> = Vec::new();
    let mut skipped = Vec::new();
    let mut at_eval = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<PerformanceSignal>(line) {
            Ok(s) if s.problem == problem => match at_eval.entry((s.eval, s.pipeline.text())) {
                Entry::Occupied(k) => out[*k.get()] = s,
                Entry::Vacant(v) => {
                    v.insert(out.len());
                    out.push(s);
                }
            },
            Ok(_) => {}
            Err(e) => skipped.push((i + 1, e.to_string())),
        }
    }
    (out, skipped)
}
