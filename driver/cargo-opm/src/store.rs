//! What `cargo opm` keeps for a binary under `<target-dir>/opm/<bin>/`:
//!
//! - `fat-lto.bc`: rustc's fat-LTO module of the binary (the whole program);
//! - `module.ll`: the module `tune` searched: `fat-lto.bc` without its unreachable code
//!   ([`crate::compile::PREPARE`]), as LLVM text with its metadata;
//! - `link-line.txt`: rustc's link line as it printed it; `link-args`: what opm links the
//!   module's object with (one argument per line, `opm-driver --link-args` reads it);
//! - `signals.jsonl`: one line per evaluated candidate (the engine's signals);
//! - `winner.json`: the pipeline `build` and `test` use, its backend and what it measured;
//! - `ranking.json`: the distinct valid candidates, best first, with the ones `test`
//!   rejected and why;
//! - `comparison.json`: `tune`'s final table (each build's `.text` bytes, median run time,
//!   build time) and how long `tune` took;
//! - `<bin>`: the binary built with the winner; `baselines/`: cargo's builds `tune` compared
//!   it with; `test/`: the test harnesses `test` built.

use crate::error::Error;
use opm_backend::BackendKind;
use opm_search::{Metrics, Objective};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What a binary is built with: a backend's pipeline, after LLVM's pipeline `mid_end` for a
/// cross plan of `--backend all` (LLVM's passes, then Cranelift's or GCC's code generation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub backend: BackendKind,
    pub mid_end: Option<String>,
    pub pipeline: String,
}

impl Plan {
    /// `llvm`, `cranelift`, `gcc`, or `llvm+cranelift` for a cross plan: the search it came
    /// from in `--backend all`'s table.
    pub fn label(&self) -> String {
        match self.mid_end {
            Some(_) => format!("llvm+{}", self.backend.name()),
            None => self.backend.name().to_string(),
        }
    }
}

impl std::fmt::Display for Plan {
    /// The pipeline, after the mid-end's as `optimize --backend all` prints a cross plan.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.mid_end {
            Some(mid) => write!(f, "{mid} then {}", self.pipeline),
            None => f.write_str(&self.pipeline),
        }
    }
}

/// The stored winner.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Winner {
    pub bin: String,
    pub package: String,
    pub backend: BackendKind,
    /// For a cross plan, the LLVM pipeline applied before `backend`'s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mid_end: Option<String>,
    /// The pipeline in its backend's text (`default<Oz>`, `opt_level=speed`, `-O2 …`).
    pub pipeline: String,
    pub objective: Objective,
    /// What the winner produced when measured: its IR's hash (LLVM) or its object's SHA-256.
    pub identity: Option<String>,
    /// The structural hash of the module it was measured on.
    pub module_hash: String,
    pub metrics: Metrics,
    /// The program's arguments in the search and the table.
    pub run_args: Vec<String>,
    /// The profile and the cargo arguments the module was built with.
    pub profile: String,
    pub cargo_args: Vec<String>,
    pub seed: u64,
    pub evaluations: usize,
    pub stop_reason: String,
    /// Whether its program's output was compared with the reference's.
    pub output_checked: bool,
    /// `tune`, or `test` when the tests rejected better candidates.
    pub chosen_by: String,
    /// Whether `cargo opm test` passed with it.
    pub tests_passed: bool,
    /// `rustc -vV`'s first line, and the LLVM versions of rustc and opm.
    pub rustc: String,
    pub rustc_llvm: String,
    pub opm_llvm: String,
    /// opm's version and commit.
    pub opm: String,
}

impl Winner {
    pub fn plan(&self) -> Plan {
        Plan {
            backend: self.backend,
            mid_end: self.mid_end.clone(),
            pipeline: self.pipeline.clone(),
        }
    }
}

/// One candidate of the ranking.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ranked {
    /// Its backend, when not the ranking's (`--backend all` ranks every search's best).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend: Option<BackendKind>,
    /// For a cross plan, the LLVM pipeline applied before the backend's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mid_end: Option<String>,
    pub pipeline: String,
    /// The objective's value (lower is better).
    pub score: f64,
    pub metrics: Metrics,
    pub identity: Option<String>,
    /// Its evaluation's number in the search.
    pub eval: u64,
    /// Why `cargo opm test` rejected it.
    pub rejected: Option<String>,
}

/// The distinct valid candidates of a search, the winner first (with `--backend all`, the
/// winning search's, then each other search's best).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ranking {
    /// The winner's backend, and that of each candidate that names none.
    pub backend: BackendKind,
    pub objective: Objective,
    pub candidates: Vec<Ranked>,
}

impl Ranked {
    /// Its plan, `ranking_backend` (the [`Ranking`]'s) when it names no backend of its own.
    pub fn plan(&self, ranking_backend: BackendKind) -> Plan {
        Plan {
            backend: self.backend.unwrap_or(ranking_backend),
            mid_end: self.mid_end.clone(),
            pipeline: self.pipeline.clone(),
        }
    }
}

/// A binary's directory.
pub struct Store {
    pub dir: PathBuf,
    pub bin: String,
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path, bin: &str) -> Result<T, Error> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::Usage(format!(
                "no stored winner for `{bin}` ({} is missing): run `cargo opm tune` first",
                path.display()
            )));
        }
        Err(e) => return Err(Error::io(path, e)),
    };
    serde_json::from_str(&text).map_err(|e| {
        Error::Usage(format!(
            "{}: {e}; run `cargo opm tune` again to write it anew",
            path.display()
        ))
    })
}

/// Writes `value` as pretty JSON to `path`, through a temporary file and a rename, so that a
/// reader never sees half a file.
pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), Error> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Error::io(path, std::io::Error::other(e)))?;
    let tmp = path.with_extension("json.tmp");
    std::fs::write(&tmp, text + "\n").map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
}

impl Store {
    pub fn new(opm_dir: &Path, bin: &str) -> Store {
        Store { dir: opm_dir.join(bin), bin: bin.to_string() }
    }

    pub fn create(&self) -> Result<(), Error> {
        std::fs::create_dir_all(&self.dir).map_err(|e| Error::io(&self.dir, e))
    }

    /// The module the search ran on.
    pub fn module(&self) -> PathBuf {
        self.dir.join("module.ll")
    }

    /// rustc's fat-LTO module it was prepared from.
    pub fn raw_module(&self) -> PathBuf {
        self.dir.join("fat-lto.bc")
    }

    pub fn link_args(&self) -> PathBuf {
        self.dir.join("link-args")
    }

    pub fn link_line(&self) -> PathBuf {
        self.dir.join("link-line.txt")
    }

    pub fn signals(&self) -> PathBuf {
        self.dir.join("signals.jsonl")
    }

    pub fn winner_path(&self) -> PathBuf {
        self.dir.join("winner.json")
    }

    pub fn ranking_path(&self) -> PathBuf {
        self.dir.join("ranking.json")
    }

    pub fn comparison_path(&self) -> PathBuf {
        self.dir.join("comparison.json")
    }

    /// The binary built with the winner.
    pub fn exe(&self) -> PathBuf {
        self.dir.join(&self.bin)
    }

    /// Cargo's build `name` (`release`, `fat-lto`) of the binary, kept for the table.
    pub fn baseline_exe(&self, name: &str) -> PathBuf {
        self.dir.join("baselines").join(name).join(&self.bin)
    }

    /// Where `build` prepares the module it builds.
    pub fn build_module(&self) -> PathBuf {
        self.dir.join("build").join("module.ll")
    }

    /// Where `test` puts the harnesses it builds.
    pub fn test_dir(&self) -> PathBuf {
        self.dir.join("test")
    }

    pub fn winner(&self) -> Result<Winner, Error> {
        read_json(&self.winner_path(), &self.bin)
    }

    pub fn ranking(&self) -> Result<Ranking, Error> {
        read_json(&self.ranking_path(), &self.bin)
    }
}

/// Copies `from` to `to`, creating `to`'s directory.
pub fn copy(from: &Path, to: &Path) -> Result<(), Error> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    // A running copy of the old file must not be written through: remove, then copy.
    let _ = std::fs::remove_file(to);
    std::fs::copy(from, to).map(|_| ()).map_err(|e| Error::io(to, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_winner_reads_back_and_a_missing_one_says_to_tune() {
        let dir = tempfile::tempdir().map_err(|e| e.to_string());
        let Ok(dir) = dir else { panic!("no temporary directory") };
        let store = Store::new(dir.path(), "prog");
        let Err(e) = store.winner() else { panic!("a missing winner read") };
        assert!(e.to_string().contains("run `cargo opm tune` first"), "{e}");
        assert!(store.create().is_ok());
        let w = Winner {
            bin: "prog".into(),
            package: "prog".into(),
            backend: BackendKind::Llvm,
            mid_end: None,
            pipeline: "default<Oz>".into(),
            objective: Objective::Size,
            identity: Some("ab".into()),
            module_hash: "cd".into(),
            metrics: Metrics { text_bytes: Some(10), ..Metrics::default() },
            run_args: vec!["x".into()],
            profile: "release".into(),
            cargo_args: vec![],
            seed: 1,
            evaluations: 4,
            stop_reason: "evaluation budget (4) used".into(),
            output_checked: true,
            chosen_by: "tune".into(),
            tests_passed: false,
            rustc: "rustc 1.95.0".into(),
            rustc_llvm: "22.1.2".into(),
            opm_llvm: "22.1.8".into(),
            opm: "0.1.0".into(),
        };
        assert!(write_json(&store.winner_path(), &w).is_ok());
        assert_eq!(store.winner().ok(), Some(w.clone()));
        // One backend's winner is written as before cross plans were stored.
        let written = std::fs::read_to_string(store.winner_path()).unwrap_or_default();
        assert!(!written.contains("mid_end"), "{written}");
        assert_eq!(w.plan().to_string(), "default<Oz>");
        assert_eq!(w.plan().label(), "llvm");
        let cross = Winner {
            backend: BackendKind::Cranelift,
            mid_end: Some("default<O2>".into()),
            pipeline: "opt_level=speed".into(),
            ..w
        };
        assert!(write_json(&store.winner_path(), &cross).is_ok());
        assert_eq!(store.winner().ok(), Some(cross.clone()));
        assert_eq!(cross.plan().to_string(), "default<O2> then opt_level=speed");
        assert_eq!(cross.plan().label(), "llvm+cranelift");
        assert!(std::fs::write(store.ranking_path(), "{").is_ok());
        assert!(matches!(store.ranking(), Err(Error::Usage(_))));
    }
}
