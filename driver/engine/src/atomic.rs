//! Output files that are whole or absent: the bytes go to a temporary file beside the
//! destination, renamed over it once complete. A kill, a full disk or an error part-way
//! leaves no partial file under the destination's name (at most a hidden `.NAME.*.tmp`).
//! A destination that is not a regular file (`/dev/null`, a FIFO) is written in place.

use std::io::Write;
use std::path::Path;

/// Whether `path` is something other than a regular file (`/dev/null`, a FIFO, a
/// terminal): written in place, since it cannot be replaced by a rename.
fn is_special(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

fn temp_beside(path: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    tempfile::Builder::new().prefix(&format!(".{name}.")).suffix(".tmp").tempfile_in(dir)
}

/// Whether a file can be written at `path` as [`write`] and [`copy`] write it: a temporary
/// file can be made beside it (and is removed at once). Checked before work whose result
/// goes there.
pub fn check_writable(path: &Path) -> std::io::Result<()> {
    if is_special(path) {
        return std::fs::OpenOptions::new().append(true).open(path).map(drop);
    }
    temp_beside(path).map(drop)
}

/// Writes `bytes` to `path` (mode 0644), replacing it only once they are all written.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    if is_special(path) {
        return std::fs::write(path, bytes);
    }
    let mut tmp = temp_beside(path)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_data()?;
    tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644))?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Copies `from` to `to` (with `from`'s permissions), replacing `to` only once complete.
pub fn copy(from: &Path, to: &Path) -> std::io::Result<()> {
    if is_special(to) {
        return std::fs::write(to, std::fs::read(from)?);
    }
    let tmp = temp_beside(to)?;
    std::fs::copy(from, tmp.path())?;
    tmp.as_file().sync_data()?;
    tmp.persist(to).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_partial_one() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.ll");
        super::write(&out, b"first\n").unwrap();
        super::write(&out, b"second\n").unwrap();
        assert_eq!(std::fs::read(&out).unwrap(), b"second\n");
        // Copying from a file that is not there fails before the destination is touched.
        assert!(super::copy(&dir.path().join("missing"), &out).is_err());
        assert_eq!(std::fs::read(&out).unwrap(), b"second\n");
        let names: Vec<_> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }
}
