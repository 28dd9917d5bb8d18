//! Errors of the LLVM backend. Each says whether the input or opm is at fault.

use std::path::PathBuf;

pub use opm_backend::Site;

/// An error of the LLVM backend.
#[derive(Debug, thiserror::Error)]
pub enum LlvmError {
    /// The input file could not be read.
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },

    /// The input is not valid LLVM assembly. The user's input is at fault.
    #[error("{file}:{line}:{col}: {message}{snippet}")]
    Parse { file: String, line: u32, col: u32, message: String, snippet: String },

    /// The input is not valid LLVM bitcode. The user's input is at fault.
    #[error("{file}: invalid bitcode: {message}")]
    Bitcode { file: String, message: String },

    /// The input parses but LLVM's verifier rejects it. The user's input is at fault.
    #[error("{file}: LLVM's verifier rejects the module:\n{message}")]
    InvalidModule { file: String, message: String },

    /// The input uses something outside the subset the canonical IR represents.
    #[error("unsupported: {construct}{site}")]
    Unsupported { construct: String, site: Site },

    /// The canonical module cannot be built as an LLVM module (a dangling reference, a
    /// mistyped operand): the canonical IR given to us is invalid.
    #[error("cannot build the LLVM module: {0}")]
    Build(String),

    /// LLVM's verifier rejects the module we built from valid canonical IR. Always a bug in
    /// opm.
    #[error("LLVM rejects the module built from the canonical IR (a bug in opm):\n{0}")]
    BuiltInvalid(String),

    /// The pipeline text is not one LLVM's pass builder accepts. The user's input is at fault.
    #[error("invalid pipeline `{pipeline}`: {message}")]
    Pipeline { pipeline: String, message: String },

    /// The target machine could not be set up or code generation failed.
    #[error("code generation: {0}")]
    Codegen(String),
}

impl LlvmError {
    /// Whether the user's input (rather than opm or the environment) is at fault.
    pub fn is_input_error(&self) -> bool {
        matches!(
            self,
            LlvmError::Parse { .. }
                | LlvmError::Bitcode { .. }
                | LlvmError::InvalidModule { .. }
                | LlvmError::Unsupported { .. }
                | LlvmError::Pipeline { .. }
                | LlvmError::Io { .. }
        )
    }
}

/// Splits LLVM's `file:line:col: error: message` diagnostic (followed by the source line and
/// a caret) into a [`LlvmError::Parse`].
pub(crate) fn parse_diagnostic(file: &str, text: &str) -> LlvmError {
    let mut lines = text.lines();
    let first = lines.next().unwrap_or_default();
    let snippet: String = lines.map(|l| format!("\n{l}")).collect();
    // The buffer name may itself contain ':', so locate the position from the right:
    // "<file>:<line>:<col>: error: <message>".
    let parsed = first.split_once(": error: ").and_then(|(pos, msg)| {
        let mut parts = pos.rsplitn(3, ':');
        let col = parts.next()?.parse().ok()?;
        let line = parts.next()?.parse().ok()?;
        Some((line, col, msg.to_string()))
    });
    match parsed {
        Some((line, col, message)) => {
            LlvmError::Parse { file: file.to_string(), line, col, message, snippet }
        }
        None => LlvmError::Parse {
            file: file.to_string(),
            line: 0,
            col: 0,
            message: first.to_string(),
            snippet,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostic_is_split() {
        let e = parse_diagnostic(
            "a:b.ll",
            "a:b.ll:3:7: error: expected value token\n  ret i32 %y\n      ^\n",
        );
        assert_eq!(e.to_string(), "a:b.ll:3:7: expected value token\n  ret i32 %y\n      ^");
    }
}
