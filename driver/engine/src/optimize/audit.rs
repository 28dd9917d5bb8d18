//! The audit log of a search: kept in memory and, with `--audit FILE`, appended to the file
//! one JSON object per line as each decision is made.

use crate::error::Error;
use opm_search::{AuditEntry, AuditLog};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The audit log and the file it goes to.
pub(super) struct Audit {
    log: AuditLog,
    file: Option<(PathBuf, std::fs::File)>,
}

impl Audit {
    /// A log appended to `path` (created if missing), or kept in memory only.
    pub fn open(path: Option<&Path>) -> Result<Audit, Error> {
        let file = match path {
            Some(p) => {
                let f = std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)
                    .map_err(|source| Error::io(p, source))?;
                Some((p.to_path_buf(), f))
            }
            None => None,
        };
        Ok(Audit { log: AuditLog::default(), file })
    }

    /// Appends an entry, to the file first.
    pub fn record(&mut self, entry: AuditEntry) -> Result<(), Error> {
        if let Some((path, f)) = &mut self.file {
            let line = serde_json::to_string(&entry)
                .map_err(|e| Error::io(path.as_path(), std::io::Error::other(e)))?;
            f.write_all(format!("{line}\n").as_bytes())
                .map_err(|source| Error::io(path.as_path(), source))?;
        }
        self.log.push(entry);
        Ok(())
    }

    /// The log so far.
    pub fn log(&self) -> &AuditLog {
        &self.log
    }

    /// The entries recorded.
    pub fn into_log(self) -> AuditLog {
        self.log
    }
}
