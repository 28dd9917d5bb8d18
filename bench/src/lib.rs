//! Shared pieces of the benchmarks: the corpus, clang, timing statistics.

use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The C programs of `bench/corpus`, sorted by name.
pub fn corpus() -> anyhow::Result<Vec<PathBuf>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| dir.display().to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "c"))
        .collect();
    files.sort();
    Ok(files)
}

/// Compiles `src` to textual LLVM IR with clang 22 at `level` (`-O0`, `-O2`, …).
pub fn emit_ir(src: &Path, out: &Path, level: &str) -> anyhow::Result<()> {
    let status = Command::new("clang-22")
        .args([level, "-w", "-S", "-emit-llvm"])
        .arg(src)
        .arg("-o")
        .arg(out)
        .status()
        .context("running clang-22 (apt-get install clang-22)")?;
    if !status.success() {
        bail!("clang-22 failed on {}", src.display());
    }
    Ok(())
}

/// Runs `f` `n` times and returns the median duration.
pub fn median_time(n: usize, mut f: impl FnMut()) -> Duration {
    let mut samples: Vec<Duration> = (0..n.max(1))
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    samples.sort();
    samples[samples.len() / 2]
}

/// Milliseconds with two decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1e3)
}
