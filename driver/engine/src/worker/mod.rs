//! Crash-isolated compilation: a persistent worker process (`opm-driver worker`, hidden) runs
//! LLVM's passes and code generation, or another backend's compiler, for one candidate at a
//! time, so that a fatal error, an abort, a segfault or a hang kills only that worker; the
//! parent turns it into the candidate's verdict and starts a new worker.
//!
//! The protocol ([`Request`], [`Reply`]) is one JSON object per line: requests on the worker's
//! stdin, replies on the file descriptor that was its stdout (the worker points its own stdout
//! at stderr, so that nothing a compiler prints can corrupt the protocol). Each step of a
//! candidate is announced on stderr first, so that a crash names the step that caused it.
//! [`serve`] is the worker's side, [`Worker`] the parent's.

mod client;
mod serve;

pub use client::{Worker, WorkerFailure};
pub use serve::{ir_identity, serve};

use opm_backend::BackendKind;
use opm_search::Rejection;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// What the parent asks of a worker.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "request", rename_all = "kebab-case")]
pub enum Request {
    /// Load the module to optimise (the input's bitcode), named `name`, whose candidates are
    /// `backend`'s pipelines. `verify_each_pass`: LLVM's verifier after every pass of a step
    /// (otherwise once after the step).
    Load {
        bitcode: PathBuf,
        name: String,
        backend: BackendKind,
        #[serde(default = "yes")]
        verify_each_pass: bool,
    },
    /// Apply the LLVM pipeline `steps` to a fresh copy of the module, checking after each one.
    Optimize { steps: Vec<String> },
    /// Apply the LLVM pipeline `steps` again to a fresh copy of the module, for a candidate
    /// already measured (checked after each step then): only the result is checked, once
    /// (LLVM's verifier, opm's verifier and the preservation check), which is what the
    /// winner's written-again check compares.
    Reproduce { steps: Vec<String> },
    /// Compile the last optimised module with LLVM to an object file.
    Codegen { object: PathBuf },
    /// Print the last optimised module to a file as LLVM text (metadata included).
    WriteIr { path: PathBuf },
    /// Write the last optimised module's bitcode to a file, to compile later.
    KeepBitcode { path: PathBuf },
    /// Compile a module kept by [`Request::KeepBitcode`] with LLVM to an object file.
    CodegenKept { bitcode: PathBuf, object: PathBuf },
    /// Compile the loaded module's canonical IR with the backend's `pipeline` (its canonical
    /// text) to an object file, the compiler killed after `limit_ms` where it runs as a
    /// process. The module was verified when the search started (the parent's check of the
    /// same file).
    Compile { pipeline: String, object: PathBuf, limit_ms: u64 },
}

fn yes() -> bool {
    true
}

/// What a worker answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "reply", rename_all = "kebab-case")]
pub enum Reply {
    Loaded {
        instcount: u64,
    },
    Optimized {
        pass_ms: f64,
        check_ms: f64,
        /// Set when the result was measured; `rejected` otherwise.
        instcount: Option<u64>,
        ir_hash: Option<String>,
        rejected: Option<Rejection>,
    },
    Compiled {
        text_bytes: u64,
        codegen_ms: f64,
    },
    Written,
    /// The compiler refused the candidate: a construct it does not handle, an error or a
    /// caught panic inside it, or it ran out of time.
    Rejected(Rejection),
    /// The request could not be served (a protocol or environment error, not a verdict).
    Failed {
        message: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use opm_search::Verdict;

    #[test]
    fn the_protocol_is_one_json_object_per_message() {
        let r = Reply::Rejected(Rejection::new(Verdict::Unsupported, "x"));
        let line = serde_json::to_string(&r).unwrap();
        assert_eq!(line, r#"{"reply":"rejected","verdict":"unsupported","detail":"x"}"#);
        assert_eq!(serde_json::from_str::<Reply>(&line).unwrap(), r);
        let load = Request::Load {
            bitcode: "in.bc".into(),
            name: "m".into(),
            backend: BackendKind::Gcc,
            verify_each_pass: true,
        };
        let line = serde_json::to_string(&load).unwrap();
        assert!(line.contains(r#""backend":"gcc""#), "{line}");
        assert!(matches!(serde_json::from_str(&line), Ok(Request::Load { .. })));
    }
}
